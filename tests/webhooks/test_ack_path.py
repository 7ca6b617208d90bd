"""The acknowledgement's path: the delivery's insert (compiled once, on the raw driver
connection) and how the in-process workers are woken (one claimer, no failed claims for a busy
pull request)."""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import json
import re
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from webhooks.app import GroupCommit, _nested_deeper_than
from webhooks.events import EventError, route, route_json
from webhooks.metrics import Metrics
from webhooks.runtime.jobs import WorkerPool
from webhooks.runtime.store import BACKSTOP_CHECKPOINT_PAGES, Job, Store

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


def test_deliveries_recorded_together_and_a_redelivery_among_them_is_rolled_back_alone(
    database_url: str,
) -> None:
    store = Store(database_url)
    store.upgrade()
    assert store.record_delivery("d0", "ping", None, None, None) == (True, None)
    results = store.record_deliveries([
        ("d1", "pull_request", "opened", REPO, _job(7, "a" * 40)),
        ("d2", "pull_request", "synchronize", REPO, _job(7, "b" * 40)),
        ("d1", "pull_request", "opened", REPO, _job(8, "c" * 40)),  # the same delivery again
        ("d0", "ping", None, None, None),  # one recorded before
        ("d3", "ping", None, None, None),
    ])
    (new1, first), (new2, second) = results[:2]
    assert new1 and new2 and first is not None and second is not None
    assert results[2:] == [(False, None), (False, None), (True, None)]
    with store.engine.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT id, number, status, head_sha FROM jobs ORDER BY id")).all()
        deliveries = dict(conn.execute(sa.text(
            "SELECT delivery_id, job_id FROM deliveries")).all())
    # the second delivery superseded the first's job within the batch; PR 8's job went with its
    # delivery's duplicate id
    assert [tuple(r) for r in rows] == [(first, 7, "superseded", "a" * 40), (second, 7, "pending", None)]
    assert deliveries == {"d0": None, "d1": first, "d2": second, "d3": None}
    store.dispose()


def _record_together(acks: GroupCommit, records: list[Any]) -> list[Any]:
    async def together() -> list[Any]:
        return await asyncio.gather(*(acks.record(r) for r in records), return_exceptions=True)

    return asyncio.run(together())


def test_acknowledgements_that_arrive_together_share_one_commit(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch,
) -> None:
    store = Store(f"sqlite:///{tmp_path / 'modeltier.sqlite3'}")
    store.upgrade()
    batches: list[list[str]] = []
    record_if_free = store.record_deliveries_if_free

    def spy(records: Any) -> Any:
        batches.append([r[0] for r in records])
        return record_if_free(records)

    monkeypatch.setattr(store, "record_deliveries_if_free", spy)
    records = [(f"d{i}", "pull_request", "opened", REPO, _job(i, "a" * 40)) for i in range(5)]
    results = _record_together(GroupCommit(store), [*records, records[0]])
    assert batches == [["d0", "d1", "d2", "d3", "d4", "d0"]]
    assert [new for new, _ in results] == [True] * 5 + [False]
    assert all(store.has_delivery(f"d{i}") for i in range(5))
    store.dispose()


def test_acknowledgements_that_wait_for_the_turn_wait_together_and_all_commit(
    tmp_path: Any,
) -> None:
    url = f"sqlite:///{tmp_path / 'modeltier.sqlite3'}"
    web, worker = Store(url), Store(url)  # as the web process's store and its worker child's
    web.upgrade()
    held, release = threading.Event(), threading.Event()

    def write() -> None:
        with worker._begin():
            held.set()
            release.wait(10)

    writer = threading.Thread(target=write)
    writer.start()
    assert held.wait(10)
    threading.Timer(0.1, release.set).start()
    records = [(f"d{i}", "ping", None, None, None) for i in range(4)]
    assert _record_together(GroupCommit(web), records) == [(True, None)] * 4
    writer.join(10)
    assert all(web.has_delivery(f"d{i}") for i in range(4))
    web.dispose()
    worker.dispose()


def test_error_when_the_shared_commit_fails_every_acknowledgement_in_it_fails(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch,
) -> None:
    store = Store(f"sqlite:///{tmp_path / 'modeltier.sqlite3'}")
    store.upgrade()

    def failing(records: Any) -> Any:
        raise RuntimeError("disk full")

    monkeypatch.setattr(store, "record_deliveries_if_free", failing)
    acks = GroupCommit(store)
    results = _record_together(acks, [(f"d{i}", "ping", None, None, None) for i in range(3)])
    assert [str(r) for r in results] == ["disk full"] * 3
    monkeypatch.undo()
    assert _record_together(acks, [("d0", "ping", None, None, None)]) == [(True, None)]
    store.dispose()


class _BlockingRunner:
    """Runs a job by waiting until released, then finishing it."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.started = threading.Event()
        self.release = threading.Event()
        self.ran: list[int] = []
        self.warmed: list[str] = []

    def warm(self) -> None:
        self.warmed.append(threading.current_thread().name)

    def run(self, job: Job, owner: str, **_: Any) -> None:
        self.ran.append(job.id)
        self.started.set()
        self.release.wait(20)
        self.store.finish(job, owner)


@contextlib.contextmanager
def _pool_running_a_job(store: Store, *, threads: int, lease_seconds: int
                        ) -> Iterator[tuple[WorkerPool, _BlockingRunner]]:
    """A started pool whose first worker runs (and blocks in) the job of delivery d0; released,
    stopped and the store disposed on the way out."""
    runner = _BlockingRunner(store)
    pool = WorkerPool(store, runner, Metrics(), threads=threads,  # type: ignore[arg-type]
                      lease_seconds=lease_seconds, max_attempts=3)
    pool.start()
    try:
        store.record_delivery("d0", "pull_request", "opened", REPO, _job(7, "a" * 40))
        pool.wake()
        assert runner.started.wait(10)
        yield pool, runner
    finally:
        runner.release.set()
        pool.stop(10)
        store.dispose()


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
    with _pool_running_a_job(store, threads=3, lease_seconds=60) as (pool, runner):
        busy_since = len(takes)
        for i in range(1, 11):  # pushes to the PR being worked on, two workers idle
            store.record_delivery(f"d{i}", "pull_request", "synchronize", REPO,
                                  _job(7, f"{i:040x}"))
            pool.wake()
            time.sleep(0.02)
        time.sleep(0.3)
        assert len(takes) == busy_since  # nobody tried for the write lock to find it busy
        runner.release.set()
        deadline = time.monotonic() + 60  # a bound for a loaded machine; ends at the second job
        while len(runner.ran) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(runner.ran) == 2  # the first job, then the one left of the ten
        assert claims == {"modeltier-claimer"}


def test_an_embedded_job_running_past_its_lease_keeps_it_and_runs_once(tmp_path: Any) -> None:
    """The embedded pool's workers extend their job's lease as it runs: a job that takes longer
    than the lease (a slow GitHub) is not claimed again by an idle worker meanwhile."""
    store = Store(f"sqlite:///{tmp_path / 'modeltier.sqlite3'}")
    store.upgrade()
    with _pool_running_a_job(store, threads=2, lease_seconds=1) as (pool, runner):
        time.sleep(3.0)  # three leases; the idle worker's claimer looks every 0.5 s
        pool.wake()
        time.sleep(0.6)
        assert runner.ran == [runner.ran[0]]  # nobody took the running job


def test_each_worker_starts_its_analysis_process_before_it_waits_for_work(tmp_path: Any
                                                                         ) -> None:
    store = Store(f"sqlite:///{tmp_path / 'modeltier.sqlite3'}")
    store.upgrade()
    with _pool_running_a_job(store, threads=3, lease_seconds=60) as (_, runner):
        deadline = time.monotonic() + 10
        while len(runner.warmed) < 3 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert sorted(runner.warmed) == [f"modeltier-worker-{i}" for i in range(3)]


# -- what the acknowledgement reads of the body ----------------------------------------------
def _pr_body(**changes: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "action": "synchronize", "number": 7,
        "pull_request": {
            "number": 7, "head": {"ref": "f", "sha": "a" * 40}, "base": {"ref": "main",
                                                                       "sha": "b" * 40},
            "title": "Tidy [the] {data} \"layer\"", "body": "C:\\path\\ and \\\"quoted\\\"",
            "labels": [{"name": "x"}], "user": {"login": "alice"},
            "updated_at": "2026-01-01T00:00:00Z", "head_repo_noise": [[1, {"a": []}]],
        },
        "repository": {"full_name": REPO, "owner": {"login": "octo"}},
        "installation": {"id": 42}, "sender": {"login": "alice", "type": "User"},
    }
    payload.update(changes)
    return payload


@pytest.mark.parametrize(
    ("event", "payload"),
    [
        ("pull_request", _pr_body()),
        ("pull_request", _pr_body(action="closed")),
        ("pull_request", _pr_body(action="labeled", label={"name": "modeltier:override"})),
        ("pull_request", _pr_body(repository={"full_name": "x" * 300})),
        ("pull_request", _pr_body(pull_request={"number": 2**31})),
        ("pull_request", [1, 2]),
        ("ping", {"zen": "x"}),
    ],
    ids=["synchronize", "ignored-action", "override-label", "repo-too-long", "number-too-big",
         "not-an-object", "other-event"],
)
def test_routing_the_raw_body_decides_and_fails_as_routing_the_parsed_payload(
    event: str, payload: Any,
) -> None:
    body = json.dumps(payload).encode()
    try:
        expected: Any = route(event, json.loads(body))
    except EventError as e:
        expected = e
    if isinstance(expected, EventError):
        with pytest.raises(EventError, match=re.escape(str(expected))):
            route_json(event, body)
    else:
        assert route_json(event, body) == expected


def test_error_when_the_raw_body_is_not_json() -> None:
    with pytest.raises(ValueError, match="EOF"):
        route_json("pull_request", b'{"action": "opened",')


@pytest.mark.parametrize(
    ("body", "limit", "deeper"),
    [
        (b'[[["a", []]]]', 4, False),
        (b'[[[["a", []]]]]', 4, True),
        # brackets inside strings, escaped quotes and backslashes, adjacent strings
        (b'[["[[[[[[", "\\"[[[[", "\\\\", [[]]]]', 4, False),
        (b'[["\\\\\\"", [[[]]]]]', 4, True),
        (b'["", "", ["", "]]]]", [""]]]', 3, False),
        (b'["", "", ["", "]]]]", [[""]]]]', 3, True),
    ],
)
def test_the_nesting_check_counts_only_brackets_outside_strings(
    body: bytes, limit: int, deeper: bool,
) -> None:
    assert _nested_deeper_than(body, limit) is deeper


def test_the_service_process_leaves_checkpoints_to_its_worker_child(tmp_path: Any) -> None:
    database = tmp_path / "modeltier.sqlite3"
    store = Store(f"sqlite:///{database}", checkpoint_pages=BACKSTOP_CHECKPOINT_PAGES)
    store.upgrade()
    for i in range(50):
        store.record_delivery(f"d{i}", "pull_request", "opened", REPO, _job(i, "a" * 40))
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == (
            BACKSTOP_CHECKPOINT_PAGES)
    # the commits left their pages in the WAL; a checkpoint of another process copies them
    before = database.stat().st_size
    child = Store(f"sqlite:///{database}", deferring=True,
                  checkpoint_pages=BACKSTOP_CHECKPOINT_PAGES)
    child.checkpoint()
    assert database.stat().st_size > before
    assert store.has_delivery("d49")
    child.dispose()
    store.dispose()
