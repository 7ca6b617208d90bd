"""Catching up (`webhooks/reconcile.py`): failed deliveries redelivered once, open pull requests
without a check run queued and run by a Celery worker, stale jobs sent again, all bounded by
GitHub's budget; `modeltier reconcile`, and the pass a `modeltier worker` runs by itself."""

from __future__ import annotations

import datetime
import logging
import time

import pytest

from bot.cli import main
from bot.github.pygithub import connect
from bot.render.markdown import MARKER
from tests.webhooks import _scale
from tests.webhooks._scale import (
    WorkerProcess,
    in_thread_worker,
    job_rows,
    leased_redis_url,
    settings_for,
    wait_for,
)
from tests.webhooks.conftest import INSTALLATION, REPO
from webhooks.logs import JsonFormatter
from webhooks.runtime.ratelimit import LocalRateGate
from webhooks.runtime.reconcile import LocalCoordination, Reconciler, coordination
from webhooks.runtime.store import Store

pg_url = _scale.pg_url  # the fixture
TYPO_PATCH = "@@ -1,2 +1,2 @@\n <h1>Home</h1>\n-<p>Welcom</p>\n+<p>Welcome</p>\n"


@pytest.fixture
def broker_url():
    with leased_redis_url() as url:
        yield url


@pytest.fixture
def processes():
    started = []
    yield started
    for proc in started:
        proc.stop()


def _typo_pr(fake, number, **kw):
    head = f"{number:x}".rjust(40, "c")
    return fake.add_pull(REPO, number=number, title="typo", head_sha=head,
                         files=[{"filename": "app/templates/home.html", "patch": TYPO_PATCH}],
                         **kw)


@pytest.fixture
def make_reconciler(fake):
    stores, connections = [], []

    def make(database_url, *, broker_url=None, send=None, gate=None, coord=None, **overrides):
        settings = settings_for(fake, database_url, broker_url, **overrides)
        store = Store(database_url)
        store.upgrade()
        stores.append(store)
        connection = connect(fake.url, app_id=fake.app_id, private_key=fake.app_private_key_pem,
                             max_wait=1.0)
        connections.append(connection)
        return Reconciler(settings, store, connection, send=send, gate=gate or LocalRateGate(),
                          coordination=coord or LocalCoordination())

    yield make
    for store in stores:
        store.dispose()
    for connection in connections:
        connection.close()


def _failed(fake, guid, **kw):
    return fake.add_hook_delivery(event="pull_request", action="synchronize", status_code=502,
                                  guid=guid, installation_id=INSTALLATION, repository=REPO, **kw)


# ---------------------------------------------------------------------- failed deliveries
def test_reconcile_redelivers_each_failed_delivery_once(fake, database_url, make_reconciler):
    reconciler = make_reconciler(database_url)
    old = datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=4)
    _failed(fake, "g-old", delivered_at=old)  # GitHub lists newest first: the oldest came first
    failed = _failed(fake, "g-failed")
    _failed(fake, "g-again")  # failed, and its redelivery (by someone) failed too
    again = fake.add_hook_delivery(event="pull_request", status_code=502, guid="g-again",
                                   redelivery=True)
    _failed(fake, "g-recorded")  # GitHub gave up waiting, but the service had recorded it
    reconciler.store.record_delivery("g-recorded", "pull_request", "synchronize", REPO, None)
    redelivered_fine = _failed(fake, "g-redelivered")  # then redelivered and recorded
    reconciler.store.record_delivery("g-redelivered", "pull_request", "synchronize", REPO, None)
    fake.add_hook_delivery(event="pull_request", status_code=200, guid="g-fine")
    report = reconciler.run()
    assert sorted(fake.redeliveries()) == sorted([failed, again])  # each guid's newest attempt
    assert redelivered_fine not in fake.redeliveries()
    assert report.redelivered == 2 and report.errors == [] and report.stopped is None
    assert reconciler.run().redelivered == 0  # asked for recently: not again
    assert sorted(fake.redeliveries()) == sorted([failed, again])


def test_redelivery_is_asked_for_at_most_three_times(fake, database_url, make_reconciler):
    coord = LocalCoordination()
    reconciler = make_reconciler(database_url, coord=coord)
    wanted = _failed(fake, "g-stubborn")
    for _ in range(5):
        reconciler.run()
        coord._expiry.clear()  # the back-off has passed
    assert fake.redeliveries() == [wanted] * 3


@pytest.mark.redis
def test_reconcilers_share_what_they_redelivered(
        fake, database_url, broker_url, make_reconciler):
    first = make_reconciler(database_url, coord=coordination(broker_url))
    second = make_reconciler(database_url, coord=coordination(broker_url))
    wanted = _failed(fake, "g-shared")
    assert first.run().redelivered == 1
    assert second.run().redelivered == 0
    assert fake.redeliveries() == [wanted]


# ---------------------------------------------------------------------- unchecked pull requests
@pytest.mark.postgres
@pytest.mark.redis
def test_reconcile_queues_open_prs_without_a_check_run_and_a_worker_runs_them(
        fake, pg_url, broker_url, make_reconciler):
    from webhooks.runtime.queue import Dispatcher

    settings = settings_for(fake, pg_url, broker_url)
    for number in (7, 8, 9, 10):
        _typo_pr(fake, number)
    fake.update_pull(REPO, 9, state="closed")
    checked = fake.installation_token(INSTALLATION)
    import httpx

    httpx.post(f"{fake.url}/repos/{REPO}/check-runs", headers={"Authorization": f"token {checked}"},
               json={"name": "modeltier", "head_sha": fake.pull(REPO, 8).head_sha,
                     "status": "completed", "conclusion": "neutral"}).raise_for_status()
    reconciler = make_reconciler(pg_url, broker_url=broker_url,
                                 send=Dispatcher.from_settings(settings).send)
    waiting = reconciler.store.enqueue({"kind": "evaluate", "repo": REPO, "number": 10,
                                        "installation_id": INSTALLATION})
    report = reconciler.run()
    assert report.queued == 1 and report.errors == []  # 7 only: 8 checked, 9 closed, 10 queued
    queued = [r for r in job_rows(pg_url) if r["number"] == 7]
    assert len(queued) == 1
    with in_thread_worker(settings, hostname="r1@test"):
        wait_for(lambda: job_rows(pg_url)[-1]["status"] == "done", 30, "the queued PR's job")
    assert [r["conclusion"] for r in fake.check_runs(REPO, fake.pull(REPO, 7).head_sha)] == \
        ["neutral"]
    # a routine PR: the check run is the result, no comment (policy `comment: sensitive`)
    assert [c for c in fake.comments(REPO, 7) if MARKER in c["body"]] == []
    assert len(fake.check_runs(REPO, fake.pull(REPO, 8).head_sha)) == 1  # left alone
    assert fake.check_runs(REPO, fake.pull(REPO, 9).head_sha) == []
    assert [r["status"] for r in job_rows(pg_url) if r["id"] == waiting] == ["pending"]
    assert reconciler.run().queued == 0  # a result exists now


def test_reconcile_stops_when_githubs_budget_runs_low(fake, database_url, make_reconciler):
    _typo_pr(fake, 7)
    fake.set_rate_limit(40, identity=f"installation:{INSTALLATION}")
    reconciler = make_reconciler(database_url, reconcile_min_remaining=100)
    report = reconciler.run()
    assert report.stopped and "budget low" in report.stopped
    assert report.queued == 0 and job_rows(database_url) == []
    assert report.github_requests <= 3  # it stopped at the first answer below the floor


def test_reconcile_skips_a_rate_limited_installation(fake, database_url, make_reconciler):
    _typo_pr(fake, 7)
    gate = LocalRateGate()
    gate.block(INSTALLATION, time.time() + 60)
    reconciler = make_reconciler(database_url, gate=gate)
    before = fake.count(identity=f"installation:{INSTALLATION}")
    report = reconciler.run()
    assert report.queued == 0
    assert report.errors == [f"installation {INSTALLATION} is rate-limited: skipped"]
    assert fake.count(identity=f"installation:{INSTALLATION}") == before


# ---------------------------------------------------------------------- stale jobs
@pytest.mark.postgres
@pytest.mark.redis
def test_job_running_past_its_lease_is_sent_again_and_finishes(
        fake, pg_url, broker_url, make_reconciler):
    from webhooks.runtime.queue import Dispatcher

    settings = settings_for(fake, pg_url, broker_url)
    _typo_pr(fake, 7)
    reconciler = make_reconciler(pg_url, broker_url=broker_url,
                                 send=Dispatcher.from_settings(settings).send)
    store = reconciler.store
    job_id = store.enqueue({"kind": "evaluate", "repo": REPO, "number": 7,
                            "head_sha": fake.pull(REPO, 7).head_sha,
                            "installation_id": INSTALLATION})
    assert store.claim_job(job_id, "worker-that-died", 1).state == "claimed"
    with in_thread_worker(settings, hostname="r2@test"):
        time.sleep(settings.requeue_after_seconds + 0.2)
        report = reconciler.run()
        assert report.requeued == 1 and report.queued == 0
        wait_for(lambda: job_rows(pg_url)[0]["status"] == "done", 30, "the job to finish")
    assert job_rows(pg_url)[0]["attempts"] == 2
    assert len(fake.check_runs(REPO, fake.pull(REPO, 7).head_sha)) == 1


# ---------------------------------------------------------------------- one pass at a time
def test_only_one_pass_runs_at_a_time_and_once_per_interval(fake, database_url, make_reconciler):
    coord = LocalCoordination()
    reconciler = make_reconciler(database_url, coord=coord, reconcile_seconds=60)
    assert reconciler.run(periodic=True).skipped is None
    assert reconciler.run(periodic=True).skipped == "a pass ran recently"
    token = coord.acquire("reconcile:running", 30)
    assert reconciler.run().skipped == "another reconcile pass is running"
    coord.release("reconcile:running", token)
    assert reconciler.run().skipped is None


def test_reconcile_command_prints_what_it_did(fake, tmp_path, monkeypatch, capsys, root_logging):
    wanted = _failed(fake, "g-cli")
    _typo_pr(fake, 7)
    settings = settings_for(fake, f"sqlite:///{tmp_path / 'db.sqlite3'}", None)
    for name, value in _scale.env_for(settings).items():
        if name.startswith("MODELTIER_"):
            monkeypatch.setenv(name, value)
    assert main(["reconcile"]) == 0
    out = capsys.readouterr().out
    assert "failed deliveries redelivered: 1" in out
    assert "pull requests queued (no check run on their head): 1" in out
    assert fake.redeliveries() == [wanted]


def test_the_command_before_left_no_json_handler_on_the_root_logger():
    """Runs after the command's test (file order): the JSON handler `configure` installed there
    would write the later tests' access lines, some into pytest's own output."""
    assert not [h for h in logging.getLogger().handlers if isinstance(h.formatter, JsonFormatter)]


@pytest.mark.postgres
@pytest.mark.redis
def test_worker_runs_the_catch_up_pass_by_itself(fake, pg_url, broker_url, processes, tmp_path):
    wanted = _failed(fake, "g-worker")
    _typo_pr(fake, 7)
    settings = settings_for(fake, pg_url, broker_url, reconcile_seconds=1.0)
    processes.append(WorkerProcess(settings, concurrency=1, pool="threads", name="ticker",
                                   log=tmp_path / "w.log"))
    wait_for(lambda: fake.redeliveries() == [wanted], 30, "the redelivery")
    wait_for(lambda: fake.check_runs(REPO, fake.pull(REPO, 7).head_sha), 30,
             "the unchecked PR's check run")
