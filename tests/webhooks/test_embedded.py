"""`modeltier serve`'s workers in a child process (webhooks/runtime/embedded.py): they do the
work, come back when killed, stop with the service and never outlive it; writers of both
processes take turns on the SQLite file without the acknowledgement waiting on its event loop."""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client import CollectorRegistry, Counter, Gauge, Metric

from tests.webhooks.conftest import INSTALLATION, REPO, SECRET, pr_payload
from tests.webhooks.test_service import _auth_pr
from webhooks.metrics import Merged
from webhooks.runtime import store as store_module
from webhooks.runtime.embedded import WorkerProcess
from webhooks.runtime.store import Store


def _wait(condition: Any, timeout: float = 30.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie (dead, not yet reaped by its parent) is not alive
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().rsplit(")", 1)[1].split()[0] != "Z"


def test_the_child_runs_the_jobs_and_is_started_again_when_killed(make_service, fake):
    svc = make_service(worker_process=True)
    workers = svc.service.pool
    assert isinstance(workers, WorkerProcess)
    _auth_pr(fake)
    assert svc.send("pull_request", pr_payload(fake, 7)).status_code == 202
    svc.wait_idle(60)
    assert [r["conclusion"] for r in fake.check_runs(REPO, head_sha="a" * 40)] == ["failure"]

    first = workers.pid
    assert first is not None and first != os.getpid()
    os.kill(first, signal.SIGKILL)
    _wait(lambda: workers.restarts == 1, what="the restart")
    assert workers.pid not in (None, first)
    _auth_pr(fake, number=8, head_sha="b" * 40)
    assert svc.send("pull_request", pr_payload(fake, 8)).status_code == 202
    svc.wait_idle(60)
    assert [r["conclusion"] for r in fake.check_runs(REPO, head_sha="b" * 40)] == ["failure"]


def test_stopping_the_service_stops_the_child(make_service, fake):
    svc = make_service(worker_process=True)
    workers = svc.service.pool
    assert isinstance(workers, WorkerProcess)
    pid = workers.pid
    assert pid is not None and _alive(pid)
    svc.stop()
    assert not _alive(pid)
    assert workers.restarts == 0


def test_a_child_whose_service_is_killed_exits_and_a_new_start_works_and_stops_cleanly(
    fake, tmp_path: Path,
) -> None:
    env = {
        **os.environ, "MODELTIER_WEBHOOK_SECRET": SECRET,
        "MODELTIER_GITHUB_APP_ID": str(fake.app_id),
        "MODELTIER_GITHUB_PRIVATE_KEY": fake.app_private_key_pem,
        "MODELTIER_GITHUB_API_URL": fake.url,
        "MODELTIER_DATABASE_URL": f"sqlite:///{tmp_path / 'modeltier.sqlite3'}",
        "MODELTIER_LOG_LEVEL": "WARNING",
    }

    def serve() -> tuple[subprocess.Popen[bytes], str, int]:
        port = _free_port()
        process = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "serve", "--port", str(port)], env=env,
            cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        url = f"http://127.0.0.1:{port}"
        _wait(lambda: _ready(url), 60, "the service")
        children: list[int] = []
        _wait(lambda: bool(children.extend(_workers_of(process.pid)) or children), 60,
              "the worker process")
        return process, url, children[0]

    web, url, child = serve()
    web.kill()  # kill -9 of the service: its child must not run on unwatched
    web.wait(60)
    _wait(lambda: not _alive(child), 60, "the orphaned worker process to exit")

    _auth_pr(fake)
    second, url, child = serve()
    try:
        body = httpx.post(f"{url}/webhooks/github", **_signed(pr_payload(fake, 7)), timeout=10)
        assert body.status_code == 202
        _wait(lambda: fake.check_runs(REPO, head_sha="a" * 40), 60, "the check run")
    finally:
        second.send_signal(signal.SIGTERM)  # uvicorn shuts down, then exits by the signal
        second.wait(40)
    assert not _alive(child)


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _ready(url: str) -> bool:
    try:
        return httpx.get(f"{url}/healthz", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def _workers_of(pid: int) -> list[int]:
    """The service's worker child (not multiprocessing's resource tracker)."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes()
            if b"spawn_main" in cmdline:
                found.append(int(child))
    return found


def _signed(payload: Any) -> dict[str, Any]:
    import hashlib
    import hmac
    import json
    import uuid

    raw = json.dumps(payload).encode()
    digest = hmac.new(SECRET.encode(), raw, hashlib.sha256).hexdigest()
    return {"content": raw, "headers": {
        "X-GitHub-Event": "pull_request", "X-GitHub-Delivery": str(uuid.uuid4()),
        "X-Hub-Signature-256": f"sha256={digest}", "Content-Type": "application/json"}}


def test_a_writer_in_another_process_makes_the_acknowledgement_wait_off_its_loop(tmp_path):
    url = f"sqlite:///{tmp_path / 'modeltier.sqlite3'}"
    web, worker = Store(url), Store(url)  # two open lock files: as two processes' stores
    web.upgrade()
    job = {"kind": "evaluate", "repo": REPO, "number": 7, "head_sha": "a" * 40,
           "installation_id": INSTALLATION}
    assert web.record_delivery_if_free("d1", "pull_request", "opened", REPO, job) is not None
    with worker._begin():  # the worker's write transaction holds the turn
        assert web.record_delivery_if_free("d2", "pull_request", "opened", REPO, job) is None
        done = threading.Event()
        waiting = threading.Thread(target=lambda: (
            web.record_delivery("d2", "pull_request", "opened", REPO, job), done.set()))
        waiting.start()
        assert not done.wait(0.3)  # waits for its turn ...
    waiting.join(10)
    assert done.is_set()  # ... and has it once the other writer is done
    assert web.has_delivery("d2")
    assert web.record_delivery_if_free("d2", "pull_request", "opened", REPO, job) == (False, None)
    web.dispose()
    worker.dispose()


def test_the_worker_process_lets_a_waiting_acknowledgement_write_first_for_a_while(
        tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'modeltier.sqlite3'}"
    web, worker = Store(url), Store(url, deferring=True)
    web.upgrade()

    def write(done: threading.Event) -> None:
        with worker._begin():
            done.set()

    monkeypatch.setattr(store_module, "DEFER_SECONDS", 30.0)
    with web.acknowledging():  # an acknowledgement waits for the turn
        done = threading.Event()
        writer = threading.Thread(target=write, args=(done,))
        writer.start()
        assert not done.wait(0.3)  # the worker's write waits for it ...
    assert done.wait(10)  # ... and goes once no acknowledgement waits
    writer.join(10)
    monkeypatch.setattr(store_module, "DEFER_SECONDS", 0.05)
    with web.acknowledging():  # acknowledgements that keep waiting hold a job's writes back
        done = threading.Event()
        write(done)  # only for a while
    assert done.is_set()
    assert web.record_delivery_if_free("d1", "ping", None, None, None) == (True, None)
    web.dispose()
    worker.dispose()


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_postgres_acknowledgements_never_run_on_the_loop(database_url):
    store = Store(database_url)
    store.upgrade()
    assert store.record_delivery_if_free("d1", "ping", None, None, None) is None
    store.dispose()


def _family(registry: CollectorRegistry, name: str) -> Metric:
    return next(f for f in registry.collect() if f.name == name)


def test_merged_metrics_add_counters_and_take_the_other_process_gauges():
    web, child = CollectorRegistry(), CollectorRegistry()
    for registry, requests, remaining in ((web, 2, None), (child, 5, 4000)):
        counter = Counter("requests", "r", ["status"], registry=registry)
        counter.labels(status="200").inc(requests)
        gauge = Gauge("remaining", "g", ["installation"], registry=registry)
        if remaining is not None:
            gauge.labels(installation="42").set(remaining)
    Counter("only_child", "c", registry=child).inc(3)
    merged = {f.name: f for f in Merged(web, child.collect()).collect()}
    totals = {s.name: s.value for f in merged.values() for s in f.samples
              if not s.name.endswith("_created")}
    assert totals == {"requests_total": 7, "remaining": 4000, "only_child_total": 3}


def _evaluate(number: int, head: str) -> dict[str, Any]:
    return {"kind": "evaluate", "repo": REPO, "number": number, "head_sha": head,
            "installation_id": INSTALLATION}


def _job_rows(store: Store) -> list[tuple[str, str, str | None]]:
    with store.engine.connect() as conn:
        return [tuple(row) for row in conn.exec_driver_sql(
            "SELECT delivery_id, status, head_sha FROM jobs ORDER BY id")]


def test_a_delivery_accepted_while_a_worker_holds_the_write_turn_is_kept_and_then_run(tmp_path):
    url = f"sqlite:///{tmp_path / 'modeltier.sqlite3'}"
    web, worker = Store(url), Store(url, deferring=True)  # as the two processes' stores
    web.upgrade()
    done = threading.Event()
    with worker._begin():  # a job's write transaction holds the turn ...
        accepting = threading.Thread(target=lambda: (
            web.accept_deliveries([("d1", "pull_request", "opened", REPO, _evaluate(7, "a" * 40))]),
            done.set()))
        accepting.start()
        assert done.wait(5)  # ... and the acknowledgement does not wait for it
    accepting.join(5)
    assert web.has_delivery("d1") and web.count_jobs("pending") == 1  # kept, not moved yet
    assert _job_rows(worker) == []
    job = worker.claim("w1", 60)  # the worker moves it, then claims it
    assert job is not None and (job.delivery_id, job.head_sha) == ("d1", "a" * 40)
    assert web.accept_deliveries([("d1", "pull_request", "opened", REPO, None)]) == [False]
    web.dispose()
    worker.dispose()


def test_a_crash_between_the_inbox_and_the_jobs_loses_nothing_and_duplicates_nothing(
        tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'modeltier.sqlite3'}"
    web, worker = Store(url), Store(url)
    web.upgrade()
    records = [("d1", "pull_request", "opened", REPO, _evaluate(7, "a" * 40)),
               ("d2", "pull_request", "synchronize", REPO, _evaluate(7, "b" * 40)),
               ("d3", "ping", None, None, None)]
    assert web.accept_deliveries(records) == [True, True, True]
    assert web.accept_deliveries(records[1:2]) == [False]  # a redelivery, not moved yet

    def crash(*args: Any) -> Any:  # the worker process dies before its commit
        insert_each(*args)
        raise KeyboardInterrupt

    insert_each = worker._insert_each
    monkeypatch.setattr(worker, "_insert_each", crash)
    with pytest.raises(KeyboardInterrupt):
        worker.move_inbox()
    assert _job_rows(web) == [] and web.count_deliveries() == 3
    worker.dispose()

    restarted = Store(url)
    assert restarted.move_inbox() == 3
    # the newer head supersedes the older one's pending job, as when recorded directly (and
    # stands in for it: it evaluates whatever head is current)
    assert _job_rows(web) == [("d1", "superseded", "a" * 40), ("d2", "pending", None)]
    restarted.dispose()
    again = Store(url)  # a crash after the commit, before the web process pruned the rows
    assert again.move_inbox() == 0
    assert web.accept_deliveries([records[0], ("d4", "ping", None, None, None)]) == [False, True]
    assert again.move_inbox() == 1
    assert web.count_deliveries() == 4 and web.count_jobs("pending") == 1
    # the moved rows are gone from the inbox (d4 goes with the next acknowledgement)
    with contextlib.closing(sqlite3.connect(tmp_path / "modeltier.sqlite3-inbox")) as inbox:
        assert inbox.execute("SELECT delivery_id FROM inbox").fetchall() == [("d4",)]
    web.dispose()
    again.dispose()


def test_the_embedded_service_answers_a_redelivery_as_a_duplicate_before_and_after_its_job(
        make_service, fake):
    svc = make_service(worker_process=True)
    _auth_pr(fake)
    first = svc.send("pull_request", pr_payload(fake, 7), delivery="once")
    again = svc.send("pull_request", pr_payload(fake, 7), delivery="once")
    assert (first.status_code, again.status_code) == (202, 200)
    assert again.json()["status"] == "duplicate"
    svc.wait_idle(60)
    assert [r["conclusion"] for r in fake.check_runs(REPO, head_sha="a" * 40)] == ["failure"]
    late = svc.send("pull_request", pr_payload(fake, 7), delivery="once")
    assert (late.status_code, late.json()["status"]) == (200, "duplicate")


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_deliveries_left_in_the_inbox_become_jobs_when_the_service_starts_with_a_broker(
        tmp_path, make_service):
    """The inbox is moved by claimers of the embedded modes: an install restarted with a broker,
    whose workers claim jobs by id, must still run what the inbox held, acknowledged before."""
    url = f"sqlite:///{tmp_path / 'left.sqlite3'}"
    web = Store(url)
    web.upgrade()
    assert web.accept_deliveries([("d1", "pull_request", "opened", REPO,
                                   _evaluate(7, "a" * 40))]) == [True]
    assert _job_rows(web) == []
    web.dispose()

    running = make_service(database_url=url, broker_url="redis://127.0.0.1:6379/15")
    assert not running.service.acks.inbox
    assert _job_rows(running.service.store) == [("d1", "pending", "a" * 40)]
    assert running.service.store.move_inbox() == 0
