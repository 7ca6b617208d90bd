"""Broker mode end to end: the service over PostgreSQL sends jobs to Redis; real Celery workers (in
a thread, or `modeltier worker` subprocesses that get SIGKILLed) run them against the fake GitHub.
Also: claims and leases of named jobs, a task that never blocks, the shared rate-limit back-off,
dead letters, enqueue failures caught by the reconciler, concurrent schema upgrades, readiness
and metrics."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from prometheus_client.parser import text_string_to_metric_families

from bot.github.port import GitHubError, RateLimit
from bot.github.pygithub import connect
from bot.render.markdown import MARKER
from tests.webhooks import _scale
from tests.webhooks._scale import (
    ROOT,
    WorkerProcess,
    children_of,
    env_for,
    in_thread_worker,
    job_counts,
    job_rows,
    leased_redis_url,
    settings_for,
    start_service,
    wait_for,
)
from tests.webhooks.conftest import AUTH_PATCH, INSTALLATION, REPO, pr_payload
from webhooks.metrics import Metrics
from webhooks.runtime.jobs import JobRunner
from webhooks.runtime.queue import JobProcessor
from webhooks.runtime.ratelimit import (
    LocalRateGate,
    RedisRateGate,
    blocked_until_from,
    redis_client,
)
from webhooks.runtime.reconcile import Reconciler, coordination
from webhooks.runtime.store import Store

#: the bound of a wait on workers (start-up, a job, draining) on a loaded machine: generous, since
#: a wait ends as soon as its condition holds; no test here asserts how long these take
SLOW = 120
pg_url = _scale.pg_url  # the fixture
TYPO_PATCH = "@@ -1,2 +1,2 @@\n <h1>Home</h1>\n-<p>Welcom</p>\n+<p>Welcome</p>\n"


@pytest.fixture
def broker_url():
    with leased_redis_url() as url:
        yield url


@pytest.fixture
def services():
    started = []
    yield started
    for running in started:
        running.stop()


@pytest.fixture
def github(fake):
    connection = connect(fake.url, app_id=fake.app_id, private_key=fake.app_private_key_pem)
    yield connection
    connection.close()


@pytest.fixture
def processes():
    started = []
    yield started
    for proc in started:
        proc.stop()


def _head(number):
    return f"{number:x}".rjust(40, "a")


def _auth_pr(fake, number=7):
    head = _head(number)
    return fake.add_pull(REPO, number=number, title="Tighten login", head_sha=head,
                         files=[{"filename": "app/auth/views.py", "patch": AUTH_PATCH}],
                         commits=[{"sha": head, "message": "Tighten login"}])


def _ours(fake, number):
    return [c for c in fake.comments(REPO, number) if MARKER in c["body"]]


def _conclusions(fake, number):
    return [r["conclusion"] for r in fake.check_runs(REPO, head_sha=_head(number))]


def _serve(fake, database_url, broker_url, services, **overrides):
    running = start_service(fake, settings_for(fake, database_url, broker_url, **overrides))
    services.append(running)
    return running


def _metric(text, name):
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name:
                return sample.value
    raise AssertionError(f"{name} not in /metrics")


class _Recorder:
    """A dispatcher that records what would be sent."""

    max_countdown = 60.0

    def __init__(self):
        self.sent = []

    def send(self, job_id, installation_id, countdown=0.0):
        self.sent.append((job_id, installation_id, countdown))
        return True


def _job(number, head=None):
    return {"kind": "evaluate", "repo": REPO, "number": number,
            "head_sha": head or _head(number), "installation_id": INSTALLATION}


# ---------------------------------------------------------------------- deliveries to results
@pytest.mark.postgres
@pytest.mark.redis
def test_deliveries_end_as_comments_and_check_runs_on_celery_workers(
        fake, pg_url, broker_url, services):
    svc = _serve(fake, pg_url, broker_url, services)
    assert svc.service.pool is None and svc.service.dispatcher is not None
    for number in (7, 8):
        _auth_pr(fake, number)
    fake.add_pull(REPO, number=9, title="typo", head_sha=_head(9),
                  files=[{"filename": "app/templates/home.html", "patch": TYPO_PATCH}])
    with in_thread_worker(svc.settings, hostname="t1@test"):
        for number in (7, 8, 9):
            assert svc.send("pull_request", pr_payload(fake, number)).status_code == 202
        svc.wait_idle(SLOW)
    assert _conclusions(fake, 7) == _conclusions(fake, 8) == ["failure"]
    assert _conclusions(fake, 9) == ["neutral"]
    # the typo PR is routine: its check run says it all, no comment (policy `comment`)
    assert [len(_ours(fake, n)) for n in (7, 8, 9)] == [1, 1, 0]
    assert {r["status"] for r in job_rows(pg_url)} == {"done"}


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.parametrize("victim", ["whole-worker", "pool-process"])
def test_job_whose_worker_is_killed_mid_job_is_delivered_again_and_finishes(
        fake, pg_url, broker_url, services, processes, tmp_path, victim):
    # No reconciler here: the job must come back through the broker alone (acks late,
    # rejected when the pool process is lost, restored after the visibility timeout).
    svc = _serve(fake, pg_url, broker_url, services, broker_visibility_timeout=5,
                 job_lease_seconds=10)
    _auth_pr(fake, 7)
    slow = fake.inject_delay(60, count=1, path_contains="/pulls/7/files")  # mid-job, long
    first = WorkerProcess(svc.settings, concurrency=1, name="doomed", log=tmp_path / "a.log")
    processes.append(first)
    workers = [first]

    def seen() -> str:
        return f"jobs {job_rows(pg_url)}; " + "; ".join(w.log_tail() for w in workers)

    assert svc.send("pull_request", pr_payload(fake, 7)).status_code == 202
    # inside the slow request (the fault taken; a kill before it would leave the delay to the
    # second attempt)
    wait_for(lambda: slow.hits >= 1, SLOW, "the job to reach the slow request", seen)
    if victim == "whole-worker":
        first.kill()
        second = WorkerProcess(svc.settings, concurrency=1, name="rescuer",
                               log=tmp_path / "b.log")
        processes.append(second)
        workers.append(second)
    else:
        children = wait_for(first.children, SLOW, "the pool process", seen)
        for pid in children:
            os.kill(pid, signal.SIGKILL)
    wait_for(lambda: job_rows(pg_url)[0]["status"] == "done", SLOW, "the job to finish", seen)
    row = job_rows(pg_url)[0]
    assert row["attempts"] == 2  # the killed attempt, then the one that finished
    assert _conclusions(fake, 7) == ["failure"]
    assert len(_ours(fake, 7)) == 1


@pytest.mark.postgres
@pytest.mark.redis
def test_enqueue_failure_leaves_the_job_pending_and_the_reconciler_sends_it(
        fake, pg_url, broker_url, services, github):
    svc = _serve(fake, pg_url, "redis://127.0.0.1:1/0", services)  # its broker is unreachable
    _auth_pr(fake, 7)
    response = svc.send("pull_request", pr_payload(fake, 7))
    assert response.status_code == 202  # the job is committed: GitHub gets its answer
    ready = svc.http.get("/readyz")
    assert (ready.status_code, ready.json()) == (503, {"error": "broker unreachable"})
    good = settings_for(fake, pg_url, broker_url)
    with in_thread_worker(good, hostname="t2@test") as _:
        time.sleep(1.0)
        assert [r["status"] for r in job_rows(pg_url)] == ["pending"]  # no message reached it
        time.sleep(good.requeue_after_seconds)
        from webhooks.runtime.queue import Dispatcher
        store = Store(pg_url)
        report = Reconciler(
            good, store, github,
            send=Dispatcher.from_settings(good).send, gate=LocalRateGate(),
            coordination=coordination(broker_url),
        ).run()
        store.dispose()
        assert report.requeued == 1 and report.queued == 0  # the PR's job exists: not again
        wait_for(lambda: job_rows(pg_url)[0]["status"] == "done", SLOW, "the job to finish",
                 lambda: job_rows(pg_url))
    assert _conclusions(fake, 7) == ["failure"]


@pytest.mark.postgres
@pytest.mark.redis
def test_job_that_keeps_failing_ends_as_a_dead_letter(fake, pg_url, broker_url, services):
    svc = _serve(fake, pg_url, broker_url, services, max_attempts=2)
    _auth_pr(fake, 7)
    fake.inject(status=502, count=None, path_contains="/pulls/7/files")
    with in_thread_worker(svc.settings, hostname="t3@test", retry_base_seconds=0.1):
        svc.send("pull_request", pr_payload(fake, 7))
        wait_for(lambda: job_rows(pg_url)[0]["status"] == "dead", SLOW, "the dead letter",
                 lambda: job_rows(pg_url))
    fake.clear_faults()
    row = job_rows(pg_url)[0]
    assert row["attempts"] == 2 and "502" in row["last_error"]
    assert fake.check_runs(REPO) == []
    metrics = svc.http.get("/metrics").text
    assert _metric(metrics, "modeltier_jobs_dead") == 1
    assert _metric(metrics, "modeltier_job_retries") == 1
    assert _metric(metrics, "modeltier_queue_depth") == 0
    assert _metric(metrics, "modeltier_job_oldest_pending_age_seconds") == 0


def _analysis_processes(pool_pid: int) -> list[int]:
    found = []
    for pid in children_of(pool_pid):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if b"bot.time_limit" in cmdline:
            found.append(pid)
    return found


@pytest.mark.postgres
@pytest.mark.redis
def test_a_pool_process_starts_its_analysis_process_before_its_first_job(
        fake, pg_url, broker_url, services, processes, tmp_path):
    svc = _serve(fake, pg_url, broker_url, services)
    worker = WorkerProcess(svc.settings, concurrency=1, name="warm", log=tmp_path / "w.log")
    processes.append(worker)
    # no delivery sent: the pool process has no job, and its analysis process runs already
    wait_for(lambda: [pid for pool in worker.children() for pid in _analysis_processes(pool)],
             60, "the pool process's analysis process", worker.log_tail)
    assert job_counts(pg_url).get("done", 0) == 0


@pytest.mark.postgres
@pytest.mark.redis
def test_rate_limited_installation_backs_off_on_every_worker(
        fake, pg_url, broker_url, services, processes, tmp_path):
    # Two `modeltier worker` processes: Redis is all they share. (Two Celery workers inside one
    # process share Celery's process-wide worker state and lose countdown messages.)
    svc = _serve(fake, pg_url, broker_url, services, github_max_wait=1.0)
    for number in (7, 8, 9):
        _auth_pr(fake, number)
    fake.inject_secondary_rate_limit(retry_after=6, count=1, path_contains="/pulls/7/files")
    key = f"modeltier:ratelimit:{INSTALLATION}"
    client = redis_client(broker_url)
    workers = [WorkerProcess(svc.settings, concurrency=2, pool="threads", name=name,
                             log=tmp_path / f"{name}.log") for name in ("a", "b")]
    processes.extend(workers)
    svc.send("pull_request", pr_payload(fake, 7))
    until = float(wait_for(
        lambda: client.get(key), SLOW, "the installation to be blocked",
        lambda: f"jobs {job_counts(pg_url)}; " + "; ".join(w.log_tail() for w in workers)))
    blocked_at = time.time()
    for number in (8, 9):
        svc.send("pull_request", pr_payload(fake, number))
    svc.wait_idle(SLOW)
    during = [f"{r.method} {r.path}" for r in fake.request_log()
              if r.identity == f"installation:{INSTALLATION}" and blocked_at < r.time < until - 0.2]
    assert during == []  # no worker called GitHub for the installation while it was blocked
    assert until - blocked_at > 4  # a timing property: the block lasts (not a wait to lengthen)
    assert [_conclusions(fake, n) for n in (7, 8, 9)] == [["failure"]] * 3
    held = [line for name in ("a", "b") for line in (tmp_path / f"{name}.log").read_text()
            .splitlines() if "rate-limited" in line]
    assert held  # the worker that met the limit said so
    client.close()


# ---------------------------------------------------------------------- the task, one message
@pytest.mark.postgres
def test_task_for_a_busy_pr_sends_itself_again_instead_of_blocking(fake, pg_url, github):
    store = Store(pg_url)
    store.upgrade()
    settings = settings_for(fake, pg_url, None)
    first = store.enqueue(_job(7))
    assert store.claim_job(first, "someone-else", 60).state == "claimed"
    second = store.enqueue(_job(7, head="b" * 40))
    dispatcher = _Recorder()
    runner = JobRunner(store, github, Metrics())
    processor = JobProcessor(settings, store, runner, LocalRateGate(), dispatcher)
    before = fake.count()
    started = time.monotonic()
    outcome = processor.process(second, INSTALLATION)
    assert time.monotonic() - started < 1  # a timing property (it never blocks): not lengthened
    assert outcome.state == "busy" and 0.5 <= outcome.countdown <= 2.4
    assert dispatcher.sent == [(second, INSTALLATION, outcome.countdown)]
    assert fake.count() == before  # GitHub was not called
    assert processor.process(first, INSTALLATION).state == "busy"  # leased by someone else
    store.dispose()


@pytest.mark.postgres
def test_task_for_a_rate_limited_installation_waits_without_calling_github(fake, pg_url, github):
    store = Store(pg_url)
    store.upgrade()
    job_id = store.enqueue(_job(7))
    gate = LocalRateGate()
    gate.block(INSTALLATION, time.time() + 30)
    dispatcher = _Recorder()
    runner = JobRunner(store, github, Metrics())
    processor = JobProcessor(settings_for(fake, pg_url, None), store, runner, gate, dispatcher)
    outcome = processor.process(job_id, INSTALLATION)
    assert outcome.state == "blocked" and 29 <= outcome.countdown <= 36
    assert fake.count() == 0
    assert [(r["status"], r["attempts"]) for r in job_rows(pg_url)] == [("pending", 0)]
    store.dispose()


@pytest.mark.postgres
def test_task_for_a_finished_job_does_nothing(fake, pg_url, github):
    store = Store(pg_url)
    store.upgrade()
    job_id = store.enqueue(_job(7))
    claim = store.claim_job(job_id, "me", 60)
    store.finish(claim.job, "me")
    dispatcher = _Recorder()
    runner = JobRunner(store, github, Metrics())
    processor = JobProcessor(settings_for(fake, pg_url, None), store, runner, LocalRateGate(),
                             dispatcher)
    assert processor.process(job_id, INSTALLATION).state == "gone"
    assert processor.process(10_000, INSTALLATION).state == "gone"
    assert dispatcher.sent == [] and fake.count() == 0
    store.dispose()


# ---------------------------------------------------------------------- claims and leases
def test_claim_job_takes_the_job_with_its_pr_lock(database_url):
    store = Store(database_url)
    store.upgrade()
    seven, other_pr = store.enqueue(_job(7)), store.enqueue(_job(8))
    claim = store.claim_job(seven, "a", 60)
    assert claim.state == "claimed" and claim.job.id == seven and claim.job.attempts == 1
    assert store.claim_job(seven, "b", 60).state == "busy"  # the job is leased
    later = store.enqueue({**_job(7), "kind": "override", "login": "bob"})
    assert store.claim_job(later, "b", 60).state == "busy"  # its PR is locked
    assert store.claim_job(other_pr, "b", 60).state == "claimed"  # another PR is not
    assert store.extend_lease(claim.job, "a", 60)
    assert not store.extend_lease(claim.job, "b", 60)
    store.retry(claim.job, "a", 30, "boom")
    waiting = store.claim_job(seven, "c", 60)
    assert waiting.state == "later" and 25 < waiting.wait <= 30
    store.finish(store.claim_job(later, "c", 60).job, "c")
    assert store.claim_job(later, "c", 60).state == "gone"
    assert store.claim_job(12345, "c", 60).state == "gone"
    store.dispose()


def test_claim_job_takes_over_a_job_whose_lease_expired(database_url):
    store = Store(database_url)
    store.upgrade()
    job_id = store.enqueue(_job(7))
    assert store.claim_job(job_id, "dead-worker", 1).state == "claimed"
    assert store.claim_job(job_id, "rescuer", 60).state == "busy"
    time.sleep(1.2)
    rescued = store.claim_job(job_id, "rescuer", 60)
    assert rescued.state == "claimed" and rescued.job.attempts == 2
    assert store.stale_jobs(0.0) == []  # leased again: nothing to re-send
    store.dispose()


def test_stale_jobs_are_those_nobody_looks_after(database_url):
    store = Store(database_url)
    store.upgrade()
    waiting = store.enqueue(_job(7))
    running = store.enqueue(_job(8))
    store.claim_job(running, "dead-worker", 1)
    assert store.stale_jobs(5.0) == []
    time.sleep(1.2)
    assert sorted(store.stale_jobs(1.0)) == [(waiting, INSTALLATION), (running, INSTALLATION)]
    assert store.stale_jobs(1.0) == []  # touched: left alone for another interval
    store.touch_job(waiting)
    stats = store.job_stats()
    assert stats["counts"] == {"pending": 1, "running": 1} and stats["retries"] == 0
    assert stats["oldest_pending_age"] >= 1.0
    store.dispose()


def test_a_job_standing_in_for_other_heads_evaluates_the_current_head(database_url):
    store = Store(database_url)
    store.upgrade()
    newest = store.enqueue(_job(7, head="b" * 40))
    late = store.enqueue(_job(7, head="a" * 40))  # a late delivery, for an older head
    same = store.enqueue(_job(8, head="c" * 40))
    again = store.enqueue(_job(8, head="c" * 40))
    rows = {r["id"]: r for r in job_rows(database_url)}
    assert rows[newest]["status"] == rows[same]["status"] == "superseded"
    heads = {job_id: store.claim_job(job_id, f"w{job_id}", 60).job.head_sha
             for job_id in (late, again)}
    assert heads == {late: None, again: "c" * 40}  # None: whatever head GitHub has now
    store.dispose()


def test_late_delivery_for_an_older_head_still_gets_the_newest_head_checked(make_service, fake):
    first = make_service(workers=1)
    first.service.pool.stop()  # deliveries wait in the table
    _auth_pr(fake, 7)
    opened = pr_payload(fake, 7)
    fake.push(REPO, 7, "d" * 40, files=[{"filename": "app/templates/home.html",
                                         "patch": TYPO_PATCH}])
    assert first.send("pull_request", pr_payload(fake, 7, action="synchronize")).status_code \
        == 202
    assert first.send("pull_request", opened).status_code == 202  # arrives late
    first.stop()
    second = make_service()
    second.wait_idle()
    assert [r["conclusion"] for r in fake.check_runs(REPO, head_sha="d" * 40)] == ["neutral"]
    assert fake.check_runs(REPO, head_sha=_head(7)) == []  # the older head never published


# ---------------------------------------------------------------------- the shared gate
@pytest.mark.redis
def test_rate_gate_is_shared_through_redis_and_only_moves_later(broker_url):
    first, second = RedisRateGate(redis_client(broker_url)), RedisRateGate(redis_client(broker_url))
    assert first.blocked_until(42) is None
    now = time.time()
    first.block(42, now + 30)
    assert second.blocked_until(42) == pytest.approx(now + 30, abs=0.01)
    second.block(42, now + 5)  # an earlier end never shortens a block
    assert first.blocked_until(42) == pytest.approx(now + 30, abs=0.01)
    assert second.blocked_until(43) is None
    first.block(43, now - 1)
    assert first.blocked_until(43) is None
    assert 25_000 < first.client.pttl("modeltier:ratelimit:42") <= 32_000


@pytest.mark.redis
def test_tests_running_at_once_get_redis_databases_of_their_own():
    """Two runs of the suite on one machine must not flush or consume each other's queues."""
    with leased_redis_url() as first, leased_redis_url() as second:
        assert first != second


def test_rate_gate_fails_open_when_redis_is_unreachable():
    gate = RedisRateGate(redis_client("redis://127.0.0.1:1/0"))
    gate.block(42, time.time() + 60)
    assert gate.blocked_until(42) is None


@pytest.mark.parametrize(
    ("error", "rate", "expected"),
    [
        (GitHubError("x", 403, retry_after=30), None, 130),
        (GitHubError("x", 429, retry_after=5), None, 105),
        (GitHubError("x", 502, retry_after=5), None, None),
        (GitHubError("x", 403), None, None),
        (None, RateLimit(remaining=0, reset=160), 161),
        (None, RateLimit(remaining=3, reset=160), None),
    ],
    ids=["403-retry-after", "429-retry-after", "5xx-is-not-a-limit", "403-without-wait",
         "budget-spent", "budget-left"],
)
def test_when_an_installation_must_wait(error, rate, expected):
    assert blocked_until_from(error, rate, now=100.0) == expected


# ---------------------------------------------------------------------- operations
@pytest.mark.postgres
def test_concurrent_upgrades_take_turns(fake, pg_url):
    env = env_for(settings_for(fake, pg_url, None))
    procs = [subprocess.Popen([sys.executable, "-m", "bot.cli", "db", "upgrade"], env=env,
                              cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
             for _ in range(5)]
    outputs = [p.communicate(timeout=SLOW)[0].decode() for p in procs]
    assert [p.returncode for p in procs] == [0] * 5, outputs
    engine = sa.create_engine(pg_url)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM alembic_version")).scalar_one() == 1
        assert conn.execute(sa.text("SELECT count(*) FROM jobs")).scalar_one() == 0
    engine.dispose()


@pytest.mark.postgres
@pytest.mark.redis
def test_readiness_checks_the_broker_and_metrics_show_the_queue(
        fake, pg_url, broker_url, services):
    svc = _serve(fake, pg_url, broker_url, services)
    assert svc.http.get("/readyz").json() == {"status": "ready"}
    _auth_pr(fake, 7)
    svc.send("pull_request", pr_payload(fake, 7))  # no worker: it waits in the queue
    wait_for(lambda: _metric(svc.http.get("/metrics").text, "modeltier_queue_depth") == 1, SLOW,
             "the message in the queue", lambda: job_counts(pg_url))
    time.sleep(1.1)
    metrics = svc.http.get("/metrics").text
    assert _metric(metrics, "modeltier_jobs_pending") == 1
    assert _metric(metrics, "modeltier_job_oldest_pending_age_seconds") >= 1


def test_error_when_worker_runs_without_a_broker(fake, tmp_path):
    env = env_for(settings_for(fake, f"sqlite:///{tmp_path / 'db.sqlite3'}", None))
    done = subprocess.run([sys.executable, "-m", "bot.cli", "worker"], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=SLOW)
    assert done.returncode == 2
    assert "needs MODELTIER_BROKER_URL" in done.stderr
