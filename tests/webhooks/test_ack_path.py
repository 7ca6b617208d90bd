"""The acknowledgement's path: the delivery's insert (compiled once, on the raw driver
connection) and how the in-process workers are woken (one claimer, no failed claims for a busy
pull request)."""

from __future__ import annotations

import datetime
import re
import threading
import time
from typing import Any

import sqlalchemy as sa

from webhooks.metrics import Metrics
from webhooks.runtime.jobs import WorkerPool
from webhooks.runtime.store import Job, Store

REPO = "octo/app"
SQLALCHEMY_SQLITE_TIME = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$")


def _job(number: int, head: str) -> dict[str, Any]:
    return {"kind": "evaluate", "repo": REPO, "number": number, "head_sha": head,
            "installation_id": 42}


def test_delivery_insert_writes_what_sqlalchemy_reads_and_a_redelivery_leaves_nothing(
    database_url: str,
) -> None:
    store = Store(database_url)
    store.upgrade()
    before = datetime.datetime.now(datetime.UTC)
    new, first = store.record_delivery("d1", "pull_request", "opened", REPO, _job(7, "a" * 40))
    assert new and first is not None
    new, second = store.record_delivery("d2", "pull_request", "synchronize", REPO,
                                        _job(7, "b" * 40))
    assert new and second is not None
    assert store.record_delivery("d2", "pull_request", "synchronize", REPO,
                                 _job(7, "c" * 40)) == (False, None)
    assert store.record_delivery("d3", "ping", None, None, None) == (True, None)
    with store.engine.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT id, status, head_sha, run_after, created_at, updated_at FROM jobs "
            "ORDER BY id")).all()
        deliveries = dict(conn.execute(sa.text(
            "SELECT delivery_id, job_id FROM deliveries")).all())
    # the redelivery's job was rolled back with it; the superseded job's head made the new
    # one stand for "whatever head is current"
    assert [(r.id, r.status, r.head_sha) for r in rows] == [
        (first, "superseded", "a" * 40), (second, "pending", None)]
    assert deliveries == {"d1": first, "d2": second, "d3": None}
    times = [t for r in rows for t in (r.run_after, r.created_at, r.updated_at)]
    if store.engine.dialect.name == "sqlite":  # compared as text by the claim's queries
        assert all(SQLALCHEMY_SQLITE_TIME.match(t) for t in times), times
    claimed = store.claim("w", 60)
    assert claimed is not None and claimed.id == second
    stats = store.job_stats()
    assert stats["counts"] == {"superseded": 1, "running": 1}
    assert stats["oldest_pending_age"] == 0.0
    assert datetime.datetime.now(datetime.UTC) - before < datetime.timedelta(minutes=1)
    store.dispose()


class _BlockingRunner:
    """Runs a job by waiting until released, then finishing it."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.started = threading.Event()
        self.release = threading.Event()
        self.ran: list[int] = []

    def run(self, job: Job, owner: str, **_: Any) -> None:
        self.ran.append(job.id)
        self.started.set()
        self.release.wait(20)
        self.store.finish(job, owner)


def test_deliveries_for_a_busy_pr_cost_idle_workers_no_write_transaction(tmp_path: Any) -> None:
    store = Store(f"sqlite:///{tmp_path / 'modeltier.sqlite3'}")
    store.upgrade()
    takes: list[str] = []
    claims: set[str] = set()
    take, claim = store._take, store.claim

    def counted_take(*args: Any, **kwargs: Any) -> Any:
        takes.append(threading.current_thread().name)
        return take(*args, **kwargs)

    def counted_claim(*args: Any, **kwargs: Any) -> Any:
        claims.add(threading.current_thread().name)
        return claim(*args, **kwargs)

    store._take = counted_take  # type: ignore[method-assign]
    store.claim = counted_claim  # type: ignore[method-assign]
    runner = _BlockingRunner(store)
    pool = WorkerPool(store, runner, Metrics(), threads=3,  # type: ignore[arg-type]
                      lease_seconds=60, max_attempts=3)
    pool.start()
    try:
        store.record_delivery("d0", "pull_request", "opened", REPO, _job(7, "a" * 40))
        pool.wake()
        assert runner.started.wait(10)
        busy_since = len(takes)
        for i in range(1, 11):  # pushes to the PR being worked on, two workers idle
            store.record_delivery(f"d{i}", "pull_request", "synchronize", REPO,
                                  _job(7, f"{i:040x}"))
            pool.wake()
            time.sleep(0.02)
        time.sleep(0.3)
        assert len(takes) == busy_since  # nobody tried for the write lock to find it busy
        runner.release.set()
        deadline = time.monotonic() + 10
        while len(runner.ran) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(runner.ran) == 2  # the first job, then the one left of the ten
        assert claims == {"modeltier-claimer"}
    finally:
        runner.release.set()
        pool.stop(10)
        store.dispose()
