"""Logs: every line JSON from every library, no colour codes, secrets redacted, one access line per
webhook, and nothing logged after logging is shut down."""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
import warnings

import httpx
import pytest

from tests.webhooks import _scale
from tests.webhooks._scale import WorkerProcess, job_rows, wait_for
from tests.webhooks.conftest import INSTALLATION, REPO, SECRET, pr_payload
from tests.webhooks.test_operations import _auth_pr
from tests.webhooks.test_queue import _auth_pr as _queue_auth_pr
from tests.webhooks.test_queue import _serve
from tests.webhooks.test_queue import broker_url as broker_url  # fixtures
from tests.webhooks.test_queue import processes as processes
from tests.webhooks.test_queue import services as services
from webhooks.logs import JsonFormatter, add_secrets, bind, configure

pg_url = _scale.pg_url  # the fixture


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _signed(payload: object, event: str) -> tuple[bytes, dict[str, str]]:
    raw = json.dumps(payload).encode()
    digest = hmac.new(SECRET.encode(), raw, hashlib.sha256).hexdigest()
    return raw, {"X-GitHub-Event": event, "X-GitHub-Delivery": str(uuid.uuid4()),
                 "X-Hub-Signature-256": f"sha256={digest}", "Content-Type": "application/json"}


@pytest.mark.slow
def test_serve_writes_only_json_lines_from_every_library(fake, tmp_path):
    """`modeltier serve` at DEBUG, as an operator runs it: uvicorn, alembic, PyGithub, urllib3 and
    modeltier's own lines are all JSON; no colour codes; no secret; an access line per webhook."""
    _auth_pr(fake)
    payload = pr_payload(fake, 7)
    port = _free_port()
    env = {
        "PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path), "LANG": "C.UTF-8",
        "MODELTIER_WEBHOOK_SECRET": SECRET, "MODELTIER_GITHUB_APP_ID": str(fake.app_id),
        "MODELTIER_GITHUB_PRIVATE_KEY": fake.app_private_key_pem,
        "MODELTIER_GITHUB_API_URL": fake.url, "MODELTIER_DATA_DIR": str(tmp_path),
        "MODELTIER_LOG_LEVEL": "DEBUG", "MODELTIER_WORKERS": "1",
        "FORCE_COLOR": "1", "TERM": "xterm-256color",  # colours would come through if they could
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "serve", "--port", str(port)], env=env, cwd=tmp_path,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None, process.communicate()[1]
            assert time.monotonic() < deadline, "serve did not start"
            time.sleep(0.1)
        raw, headers = _signed(payload, "pull_request")
        queued = httpx.post(f"{url}/webhooks/github", content=raw, headers=headers)
        assert queued.status_code == 202
        bad = httpx.post(f"{url}/webhooks/github", content=raw,
                         headers={**headers, "X-Hub-Signature-256": "sha256=" + "0" * 64})
        assert bad.status_code == 401
        deadline = time.monotonic() + 60  # a bound for a loaded machine; ends at the check run
        while not fake.check_runs(REPO):
            assert time.monotonic() < deadline, "no check run"
            time.sleep(0.1)
        time.sleep(0.3)
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=30)
    # uvicorn re-raises the SIGTERM it handled once it has shut down cleanly
    assert process.returncode in (0, -signal.SIGTERM), err
    assert out == ""
    lines = err.splitlines()
    records = []
    for line in lines:
        try:
            records.append(json.loads(line))
        except ValueError:
            pytest.fail(f"not a JSON line: {line!r}")
    assert "\x1b" not in err and "\\u001b" not in err
    assert not any("color_message" in r for r in records)
    loggers = {r["logger"] for r in records}
    for expected in ("uvicorn.error", "alembic.runtime.migration", "github.Requester",
                     "modeltier.access", "modeltier.jobs"):
        assert expected in loggers, sorted(loggers)
    # the secrets: webhook secret, the private key, the installation token GitHub handed out
    assert SECRET not in err
    key_body = fake.app_private_key_pem.splitlines()[1]
    assert key_body not in err
    assert "ghs_" not in err
    access = [r for r in records if r["logger"] == "modeltier.access"]
    assert [(r["status"], r["event"], r["delivery"]) for r in access] == [
        (202, "pull_request", headers["X-GitHub-Delivery"]),
        (401, "pull_request", headers["X-GitHub-Delivery"]),
    ]
    assert all(r["latency_ms"] >= 0 and r["message"] == "webhook" for r in access)
    done = next(r for r in records if r["message"] == "job done")
    assert (done["repo"], done["pr"], done["outcome"]) == (REPO, 7, "failure")
    # shutdown drains the workers: the job's last line comes before the application's shutdown
    # completes, and nothing is logged after the server process finished
    complete = next(i for i, r in enumerate(records)
                    if r["message"] == "Application shutdown complete.")
    assert records.index(done) < complete
    assert records[-1]["message"].startswith("Finished server process")
    assert "Logging error" not in err
    assert INSTALLATION


def test_formatter_redacts_secrets_and_tokens_and_strips_colours():
    formatter = JsonFormatter(["s3cret-value", 'with "quote" inside'])
    record = logging.LogRecord("uvicorn.error", logging.INFO, __file__, 1,
                               "\x1b[32mstarted\x1b[0m s3cret-value ghs_%s %s", None, None)
    record.args = ("A" * 36, 'with "quote" inside')
    record.color_message = "\x1b[32mstarted\x1b[0m"
    with bind(delivery="d-1"):
        line = formatter.format(record)
    data = json.loads(line)
    assert data["message"] == "started [REDACTED] [REDACTED] [REDACTED]"
    assert (data["level"], data["logger"], data["delivery"]) == ("info", "uvicorn.error", "d-1")
    assert "color_message" not in data and "time" in data


def test_formatter_redacts_any_private_key():
    key = "-----BEGIN RSA PRIVATE KEY-----\nMIIEabc\n-----END RSA PRIVATE KEY-----\n"
    record = logging.LogRecord("github.Requester", logging.DEBUG, __file__, 1, "body %s", None,
                               None)
    record.args = (json.dumps({"pem": key}),)
    line = JsonFormatter().format(record)
    assert "MIIEabc" not in line and "PRIVATE KEY" not in line
    assert json.loads(line)["message"].startswith('body {"pem": "[REDACTED]')


def test_secrets_that_arrive_later_are_redacted_too(monkeypatch, root_logging):
    """/setup learns the webhook secret after start-up: from then on it is redacted."""
    out = io.StringIO()
    monkeypatch.setattr(sys, "stderr", out)
    configure("INFO", ["first-secret"])
    add_secrets(["later-secret", 'quo"ted'])
    logging.getLogger("modeltier.setup").info("%s %s %s", "first-secret", "later-secret",
                                              'quo"ted')
    assert json.loads(out.getvalue())["message"] == "[REDACTED] [REDACTED] [REDACTED]"


def test_no_logging_error_when_stderr_was_replaced_and_closed(monkeypatch, root_logging):
    """A handler bound to a closed stream makes Python print 'Logging error'; ours follows
    `sys.stderr` as it is now."""
    first = io.StringIO()
    monkeypatch.setattr(sys, "stderr", first)
    configure("INFO")
    logging.getLogger("modeltier.jobs").info("job done")
    first.close()
    second = io.StringIO()
    monkeypatch.setattr(sys, "stderr", second)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        logging.getLogger("modeltier.jobs").info("job done again")
    assert json.loads(second.getvalue())["message"] == "job done again"


def test_the_process_pools_notices_are_json_lines_too(monkeypatch):
    """billiard (Celery's prefork pool) turns its logger's propagation off when it first uses
    it, after start-up: a pool process killed by a signal was reported as a raw line."""
    util = pytest.importorskip("billiard.util", reason="billiard comes with the [scale] extra")
    out = io.StringIO()
    monkeypatch.setattr(sys, "stderr", out)
    monkeypatch.setattr(util, "_logger", None)  # as in a fresh worker: billiard not yet used
    root = logging.getLogger()
    pool = logging.getLogger("multiprocessing")
    saved = root.handlers[:], root.level, pool.handlers[:], pool.propagate
    try:
        configure("INFO")
        util.get_logger()  # billiard's first use: propagation off
        util.error("Process %r pid:%r exited with %r", "ForkPoolWorker-1", 7, "signal 15")
        lines = out.getvalue().splitlines()
        assert len(lines) == 1, lines
        record = json.loads(lines[0])
        assert record["logger"] == "multiprocessing"
        assert record["message"].endswith("exited with 'signal 15'")
    finally:
        logging.captureWarnings(False)
        root.handlers, root.level, pool.handlers, pool.propagate = saved


def test_stop_waits_for_running_jobs(make_service, fake):
    """Shutdown drains: a job in flight finishes before the workers are gone."""
    svc = make_service()
    _auth_pr(fake)
    fake.inject_delay(1.0, count=1, method="GET", path_contains=f"{REPO}/pulls/7")
    assert svc.send("pull_request", pr_payload(fake, 7)).status_code == 202
    time.sleep(0.3)  # the job is waiting on GitHub
    svc.service.stop()
    pool = svc.service.pool
    assert pool is not None
    assert not any(t.is_alive() for t in pool._threads)
    assert fake.check_runs(REPO)  # it finished its work rather than being cut off


@pytest.mark.postgres
@pytest.mark.redis
def test_celery_worker_writes_only_json_lines(fake, pg_url, broker_url, services, processes,
                                              tmp_path):
    """`modeltier worker` (Celery, prefork pool): Celery's own lines and the jobs' are JSON."""
    svc = _serve(fake, pg_url, broker_url, services)
    _queue_auth_pr(fake, 7)
    log_file = tmp_path / "worker.log"
    worker = WorkerProcess(svc.settings, concurrency=1, name="json", log=log_file)
    processes.append(worker)
    assert svc.send("pull_request", pr_payload(fake, 7)).status_code == 202
    wait_for(lambda: [r for r in job_rows(pg_url) if r["status"] == "done"], 60, "the job")
    worker.stop()
    text = log_file.read_text()  # the worker's standard output and error
    records = []
    for line in text.splitlines():
        try:
            records.append(json.loads(line))
        except ValueError:
            pytest.fail(f"not a JSON line: {line!r}")
    loggers = {r["logger"] for r in records}
    assert any(name.startswith("celery") for name in loggers), sorted(loggers)
    assert "modeltier.jobs" in loggers
    assert any(r["message"].endswith("ready.") for r in records)  # Celery's, not a banner
    assert any("Warm shutdown" in r["message"] for r in records)  # not a raw write
    assert "\x1b" not in text and SECRET not in text


@pytest.mark.parametrize("token", ["ghp_" + "B" * 36, "github_pat_" + "C" * 40])
def test_formatter_redacts_every_kind_of_token_in_a_line_without_colours(token):
    record = logging.LogRecord("github.Requester", logging.INFO, __file__, 1, "token %s ok",
                               (token,), None)
    assert json.loads(JsonFormatter().format(record))["message"] == "token [REDACTED] ok"


def test_the_access_line_carries_the_request_and_what_the_handler_added(monkeypatch, root_logging):
    from webhooks.logs import AccessLog

    out = io.StringIO()
    monkeypatch.setattr(sys, "stderr", out)
    configure("INFO")
    scope = {"type": "http", "method": "POST", "path": "/webhooks/github", "headers": [
        (b"X-GitHub-Event", b"pull_request"), (b"x-github-delivery", b"d-7"),
        (b"x-hub-signature-256", b"sha256=00")],
        "state": {"access_log": {"repo": REPO, "job": 12}}}
    with bind(pr=7):
        AccessLog(None, "/webhooks/github")._line(scope, 202, time.perf_counter())
    line = json.loads(out.getvalue())
    assert line.pop("latency_ms") >= 0 and line.pop("time")
    assert line == {"level": "info", "logger": "modeltier.access", "message": "webhook",
                    "method": "POST", "path": "/webhooks/github", "status": 202,
                    "delivery": "d-7", "event": "pull_request", "repo": REPO, "job": 12, "pr": 7}
