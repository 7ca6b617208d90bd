"""Operating the service: ping, health and readiness, Prometheus metrics, the `audit` command and
start-up settings errors of `modeltier serve`."""

from __future__ import annotations

import contextlib
import csv
import datetime
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
from typing import Any

import pytest
import sqlalchemy as sa
from prometheus_client.parser import text_string_to_metric_families

from bot.cli import main
from tests.webhooks.conftest import AUTH_PATCH, REPO, SECRET, api_json, comment_payload, pr_payload
from webhooks.runtime.store import audit_events, decisions

TYPO_PATCH = "@@ -1,2 +1,2 @@\n <h1>Home</h1>\n-<p>Welcom</p>\n+<p>Welcome</p>\n"
LIB = "octo/lib"
LIB_INSTALLATION = 44


def _auth_pr(fake, number=7, head_sha="a" * 40):
    fake.add_pull(REPO, number=number, title="Tighten login", head_sha=head_sha,
                  files=[{"filename": "app/auth/views.py", "patch": AUTH_PATCH}],
                  commits=[{"sha": head_sha, "message": "Tighten login"}])


# ---------------------------------------------------------------------- ping, health, readiness
def test_ping_is_answered(make_service):
    svc = make_service()
    response = svc.send("ping", {"zen": "Design for failure.", "hook_id": 109948940,
                                 "hook": {"type": "App", "id": 109948940, "events": ["*"]}})
    assert response.status_code == 200
    assert response.json() == {"status": "ignored", "reason": "ping"}


class _Relay:
    """A loopback TCP relay to a server: closing it cuts off whoever connects through it."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.05)
        self.port = self.listener.getsockname()[1]
        self.sockets: list[socket.socket] = []
        self.closed = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while not self.closed.is_set():
            try:
                client, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            client.settimeout(None)
            upstream = socket.create_connection(self.target)
            self.sockets += [client, upstream]
            for src, dst in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(src, dst), daemon=True).start()

    @staticmethod
    def _pipe(src: socket.socket, dst: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := src.recv(65536):
                dst.sendall(data)
        with contextlib.suppress(OSError):
            dst.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        self.closed.set()
        self.thread.join(5)
        self.listener.close()
        for sock in self.sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()


def test_health_and_readiness_follow_the_database(make_service, database_url, tmp_path):
    """Ready while the database answers; 503 once it cannot be reached (health stays 200)."""
    relay = None
    if database_url.startswith("sqlite"):
        data = tmp_path / "data"
        data.mkdir()
        svc = make_service(database_url=f"sqlite:///{data / 'modeltier.sqlite3'}")
    else:
        url = sa.make_url(database_url)
        relay = _Relay(url.host or "127.0.0.1", url.port or 5432)
        proxied = url.set(host="127.0.0.1", port=relay.port)
        svc = make_service(database_url=proxied.render_as_string(hide_password=False))
    try:
        health = svc.http.get("/healthz")
        assert (health.status_code, health.json()) == (200, {"status": "ok"})
        ready = svc.http.get("/readyz")
        assert (ready.status_code, ready.json()) == (200, {"status": "ready"})

        if relay is not None:
            relay.close()
        else:
            shutil.rmtree(data)
            # open SQLite handles keep a deleted file alive; a fresh connection cannot open it
            svc.service.store.dispose()
        gone = svc.http.get("/readyz")
        assert (gone.status_code, gone.json()) == (503, {"error": "database unreachable"})
        assert svc.http.get("/healthz").status_code == 200
    finally:
        if relay is not None:
            relay.close()


# ---------------------------------------------------------------------- metrics
def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def test_metrics_count_deliveries_by_event_and_outcome(make_service, fake):
    svc = make_service()
    _auth_pr(fake)
    svc.send("ping", {"zen": "Keep it logically awesome.", "hook_id": 1})
    svc.send("pull_request", pr_payload(fake, 7))
    svc.send("pull_request", pr_payload(fake, 7), secret="wrong")
    svc.send("pull_request", None, body=b"not json")
    svc.wait_idle()
    response = svc.http.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=")
    assert "# TYPE modeltier_deliveries_total counter" in response.text
    samples = _samples(response.text)

    def deliveries(event: str, outcome: str) -> float | None:
        key = ("modeltier_deliveries_total", (("event", event), ("outcome", outcome)))
        return samples.get(key)

    assert deliveries("ping", "ignored") == 1
    assert deliveries("pull_request", "queued") == 1
    assert deliveries("unverified", "bad_signature") == 1  # no label from an unsigned request
    assert deliveries("pull_request", "bad_payload") == 1
    assert samples[("modeltier_jobs_total", (("kind", "evaluate"), ("outcome", "succeeded")))] == 1
    assert samples[("modeltier_job_results_total", (("kind", "evaluate"), ("result", "failure")))] == 1
    assert samples[("modeltier_jobs_pending", ())] == 0


# ---------------------------------------------------------------------- audit
def _lib_payload(fake, number: int) -> dict[str, Any]:
    return {
        "action": "opened",
        "number": number,
        "pull_request": api_json(fake, f"/repos/{LIB}/pulls/{number}"),
        "repository": api_json(fake, f"/repos/{LIB}"),
        "installation": {"id": LIB_INSTALLATION},
        "sender": {"login": "carol", "type": "User", "id": 3},
    }


@pytest.fixture
def history(make_service, fake):
    """Two repositories' decisions and one override, made by the service itself."""
    svc = make_service()
    fake.add_repo(LIB)
    fake.add_installation(LIB_INSTALLATION, repos=[LIB])
    fake.add_pull(LIB, number=3, title="typo", head_sha="b" * 40,
                  files=[{"filename": "docs/home.html", "patch": TYPO_PATCH}])
    _auth_pr(fake)
    fake.set_permission(REPO, "bob", "maintain")
    svc.send("pull_request", pr_payload(fake, 7))
    svc.wait_idle()
    svc.send("issue_comment", comment_payload(fake, 7, "/modeltier override hotfix", "bob"))
    svc.send("pull_request", _lib_payload(fake, 3))
    svc.wait_idle()
    assert fake.check_runs(LIB)[0]["conclusion"] == "neutral"
    return svc


def _audit(monkeypatch, capsys, database_url: str, *args: str) -> tuple[int, str, str]:
    monkeypatch.setenv("MODELTIER_DATABASE_URL", database_url)
    status = main(["audit", *args])
    out, err = capsys.readouterr()
    return status, out, err


def _summary(rows):
    return sorted((r["type"], r["repo"], int(r["pr"]), r["conclusion"], r["who"]) for r in rows)


APP_ROWS = [
    ("decision", REPO, 7, "failure", ""),
    ("decision", REPO, 7, "success", ""),
    ("override.granted", REPO, 7, "", "bob"),
]
LIB_ROWS = [("decision", LIB, 3, "neutral", "")]
ALL_ROWS = sorted(APP_ROWS + LIB_ROWS)


def test_audit_json_lists_decisions_and_overrides(history, database_url, monkeypatch, capsys):
    status, out, err = _audit(monkeypatch, capsys, database_url, "--format", "json")
    assert (status, err) == (0, "")
    rows = json.loads(out)
    assert _summary(rows) == ALL_ROWS
    override = next(r for r in rows if r["type"] == "override.granted")
    assert (override["reason"], override["head_sha"]) == ("hotfix", "a" * 40)
    assert [r["at"] for r in rows] == sorted(r["at"] for r in rows)  # oldest first


def test_audit_csv_has_a_header_and_one_row_each(history, database_url, monkeypatch, capsys):
    status, out, _ = _audit(monkeypatch, capsys, database_url, "--format", "csv")
    assert status == 0
    reader = csv.DictReader(io.StringIO(out))
    assert reader.fieldnames == ["type", "at", "repo", "pr", "head_sha", "risk", "tier",
                                 "verdict", "conclusion", "declared_models", "who", "reason"]
    rows = list(reader)
    assert _summary(rows) == ALL_ROWS
    assert {r["tier"] for r in rows if r["repo"] == REPO and r["type"] == "decision"} == {
        "premium"}


def test_audit_filters_by_repo_and_since(history, database_url, monkeypatch, capsys):
    _, out, _ = _audit(monkeypatch, capsys, database_url, "--format", "json", "--repo", LIB)
    assert _summary(json.loads(out)) == LIB_ROWS

    with history.service.store.engine.begin() as conn:  # octo/app's history becomes old
        for table in (decisions, audit_events):
            conn.execute(table.update().where(table.c.repo == REPO).values(
                created_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)))
    _, out, _ = _audit(monkeypatch, capsys, database_url, "--format", "json",
                       "--since", "2021-01-01")
    assert _summary(json.loads(out)) == LIB_ROWS
    _, out, _ = _audit(monkeypatch, capsys, database_url, "--format", "json",
                       "--since", "2019-12-31", "--repo", REPO)
    assert _summary(json.loads(out)) == APP_ROWS


def test_error_when_audit_since_is_not_a_date(make_service, database_url, monkeypatch, capsys):
    make_service()
    status, out, err = _audit(monkeypatch, capsys, database_url, "--since", "last tuesday")
    assert (status, out) == (2, "")
    assert err == "modeltier: error: --since 'last tuesday' is not a date (YYYY-MM-DD)\n"


# ---------------------------------------------------------------------- settings at start-up
@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"MODELTIER_GITHUB_TOKEN": "ghp_not_used"},
         "MODELTIER_WEBHOOK_SECRET is not set"),
        ({"MODELTIER_WEBHOOK_SECRET": SECRET, "MODELTIER_GITHUB_APP_ID": "123456"},
         "App mode needs both MODELTIER_GITHUB_APP_ID and a private key"),
        ({"MODELTIER_WEBHOOK_SECRET": SECRET, "MODELTIER_GITHUB_APP_ID": "123456",
          "MODELTIER_GITHUB_PRIVATE_KEY": "KEY-FROM-ENV", "MODELTIER_GITHUB_PRIVATE_KEY_FILE": "{key}"},
         "set MODELTIER_GITHUB_PRIVATE_KEY or MODELTIER_GITHUB_PRIVATE_KEY_FILE, not both"),
    ],
    ids=["missing-webhook-secret", "app-id-without-key", "key-and-key-file"],
)
def test_error_when_serve_settings_are_invalid(tmp_path, fake, env, message):
    key = tmp_path / "app.pem"
    key.write_text(fake.app_private_key_pem)
    clean = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path), "LANG": "C.UTF-8",
             "MODELTIER_DATABASE_URL": f"sqlite:///{tmp_path / 'never.sqlite3'}"}
    clean.update({k: v.format(key=key) for k, v in env.items()})
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "serve", "--port", "0"], env=clean, cwd=tmp_path,
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("modeltier: error: invalid settings: ")
    assert message in lines[0]
    assert "Traceback" not in result.stderr
    assert SECRET not in result.stderr and "KEY-FROM-ENV" not in result.stderr
    assert not (tmp_path / "never.sqlite3").exists()
