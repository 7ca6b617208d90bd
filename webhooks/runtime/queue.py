"""Broker mode: jobs run on Celery workers, any number of them on any number of machines.

The jobs table stays the source of truth. The web process commits a delivery and its job, answers
GitHub, then sends the job's id to the broker (`Dispatcher.send`); if that fails the job stays
pending and the reconciler sends it later. A worker's `modeltier.run_job(job_id)` claims that job
(`Store.claim_job`: a lease on the job and the lock of its PR), runs `JobRunner.execute` while a
heartbeat keeps the lease, and records the outcome: done, pending again after a back-off, or dead
once its attempts are spent. Messages are acknowledged late and rejected when their worker process
is lost, so a job whose worker dies is delivered again; one lost anyway is re-sent by the
reconciler, which finds the job pending or running past its lease. A message never blocks: when
the PR is busy, the job waits for its back-off or its installation is rate-limited, the task sends
itself again with a countdown and returns. Duplicate messages are harmless, whoever comes second
finds the job done, running under another lease, or waiting.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.github.port import GitHubError
from bot.time_limit import TimedDecider
from webhooks.logs import bind
from webhooks.metrics import Metrics
from webhooks.runtime.jobs import JobRunner, LeaseHeartbeat, connect_github, jitter
from webhooks.runtime.ratelimit import RateGate, blocked_until_from, rate_gate
from webhooks.runtime.store import Job, Store, new_owner_id
from webhooks.settings import Settings

if TYPE_CHECKING:
    from celery import Celery

    from webhooks.runtime.reconcile import Reconciler

__all__ = [
    "CONTROL_QUEUE",
    "JOB_QUEUE",
    "JOB_TASK",
    "RECONCILE_TASK",
    "Dispatcher",
    "JobProcessor",
    "Outcome",
    "Ticker",
    "celery_config",
    "create_celery",
]

log = logging.getLogger("modeltier.queue")

JOB_TASK = "modeltier.run_job"
RECONCILE_TASK = "modeltier.reconcile"
JOB_QUEUE = "modeltier.jobs"
CONTROL_QUEUE = "modeltier.control"
BUSY_WAIT = (0.5, 2.0)  # a job whose PR another job holds looks again after this long (jittered)
def max_countdown(settings: Settings) -> float:
    """The longest countdown a message may carry: a message waiting in a worker past the
    visibility timeout would be delivered a second time."""
    return max(1.0, min(60.0, settings.broker_visibility_timeout / 2))


def celery_config(settings: Settings) -> dict[str, Any]:
    visibility = settings.broker_visibility_timeout
    return {
        "broker_url": settings.broker_url,
        "broker_connection_retry_on_startup": True,
        "broker_connection_timeout": 3,
        "broker_transport_options": {
            "visibility_timeout": visibility,
            "unacked_restore_interval": max(1, min(10, visibility // 5)),
            "unacked_restore_throttle": 1,
            "socket_timeout": 10,
            "socket_connect_timeout": 3,
        },
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "worker_cancel_long_running_tasks_on_connection_loss": True,
        "task_default_queue": JOB_QUEUE,
        "task_routes": {RECONCILE_TASK: {"queue": CONTROL_QUEUE}},
        "task_serializer": "json",
        "accept_content": ["json"],
        "task_ignore_result": True,
        "result_backend": None,
        "task_publish_retry_policy": {
            "max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5,
        },
        "worker_hijack_root_logger": False,
        "worker_redirect_stdouts": False,
        "worker_send_task_events": False,
        "worker_disable_rate_limits": True,
        "enable_utc": True,
    }


class Dispatcher:
    """Sends job ids (and the catch-up pass) to the broker; never raises."""

    def __init__(self, app: Celery, *, max_countdown: float = 60.0) -> None:
        self.app = app
        self.max_countdown = max_countdown

    @classmethod
    def from_settings(cls, settings: Settings) -> Dispatcher:
        from celery import Celery

        app = Celery("modeltier", set_as_current=False)
        app.conf.update(celery_config(settings))
        return cls(app, max_countdown=max_countdown(settings))

    def send(self, job_id: int, installation_id: int | None, countdown: float = 0.0) -> bool:
        """Queue the job (after `countdown` seconds); False when the broker did not take it."""
        countdown = min(max(countdown, 0.0), self.max_countdown)
        try:
            self.app.send_task(JOB_TASK, args=[job_id, installation_id], queue=JOB_QUEUE,
                               countdown=countdown or None)
        except Exception as e:  # kombu.exceptions.OperationalError and friends
            log.warning("job %s not queued (the reconciler will): %s", job_id, e,
                        extra={"job": job_id})
            return False
        return True

    def send_reconcile(self) -> bool:
        try:
            self.app.send_task(RECONCILE_TASK, queue=CONTROL_QUEUE)
        except Exception as e:
            log.warning("reconcile pass not queued: %s", e)
            return False
        return True

    def depth(self) -> int | None:
        """Messages waiting in the job queue, None when the broker is unreachable."""
        from kombu.exceptions import ChannelError

        try:
            with self.app.pool.acquire(block=True, timeout=2) as conn:
                conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0.2,
                                       interval_max=0.5, timeout=2)
                try:
                    _, count, _ = conn.default_channel.queue_declare(queue=JOB_QUEUE, passive=True)
                except ChannelError:  # no message was ever queued: the queue does not exist yet
                    return 0
                return int(count)
        except Exception as e:
            log.warning("broker unreachable: %s", e)
            return None

    def ping(self) -> bool:
        return self.depth() is not None


@dataclass(frozen=True)
class Outcome:
    """What one message did: done | retry | dead (the job ran) or busy | later | blocked (sent
    again with `countdown`) or gone (nothing left to do)."""

    state: str
    countdown: float | None = None
    detail: str = ""


class JobProcessor:
    """Runs the job a message names, in a worker process (one per process, threads share it)."""

    def __init__(
        self, settings: Settings, store: Store, runner: JobRunner, gate: RateGate,
        dispatcher: Dispatcher, *, retry_base_seconds: float = 2.0,
    ) -> None:
        self.settings = settings
        self.store = store
        self.runner = runner
        self.gate = gate
        self.dispatcher = dispatcher
        self.retry_base_seconds = retry_base_seconds

    def process(self, job_id: int, installation_id: int | None) -> Outcome:
        with bind(job=job_id):
            until = self.gate.blocked_until(installation_id)
            if until is not None:
                return self._again(job_id, installation_id, "blocked", until - time.time(),
                                   f"installation {installation_id} rate-limited")
            owner = new_owner_id()
            claim = self.store.claim_job(job_id, owner, self.settings.job_lease_seconds)
            if claim.state == "gone":
                return Outcome("gone")
            if claim.state == "busy":
                wait = claim.wait or jitter(*BUSY_WAIT)
                return self._again(job_id, installation_id, "busy", wait, "PR or job leased")
            if claim.state == "later":
                return self._again(job_id, installation_id, "later", claim.wait, "back-off")
            assert claim.job is not None
            return self._run(claim.job, owner, installation_id)

    def _again(
        self, job_id: int, installation_id: int | None, state: str, wait: float, why: str
    ) -> Outcome:
        countdown = min(max(wait, 0.05) * jitter(1.0, 1.2), self.dispatcher.max_countdown)
        self.store.touch_job(job_id)  # someone is taking care of it: the reconciler leaves it be
        self.dispatcher.send(job_id, installation_id, countdown)
        return Outcome(state, countdown, why)

    def _run(self, job: Job, owner: str, installation_id: int | None) -> Outcome:
        with bind(delivery=job.delivery_id, repo=job.repo, pr=job.number or None), \
                LeaseHeartbeat(self.store, job, owner, self.settings.job_lease_seconds):
            settled = self.runner.run(job, owner, max_attempts=self.settings.max_attempts,
                                      retry_base_seconds=self.retry_base_seconds)
        self._note_budget(installation_id, settled.error)
        if settled.status == "retry":
            # A longer delay than a countdown may carry: the message comes back early, finds the
            # job waiting (`later`) and sends itself again for the rest.
            self.dispatcher.send(job.id, installation_id, settled.delay)
        return Outcome(settled.status, settled.delay, settled.detail)

    def _note_budget(self, installation_id: int | None, error: BaseException | None) -> None:
        """Share what GitHub said about this installation's budget with every worker."""
        rate = None
        with contextlib.suppress(GitHubError):
            rate = self.runner.connection.port(installation_id).rate
        until = blocked_until_from(error, rate)
        if until is not None:
            self.gate.block(installation_id, until)
            log.warning("installation %s rate-limited for %.0fs", installation_id,
                        until - time.time(), extra={"installation": installation_id})


class _Context:
    """What the tasks of one worker process use, built on first use in that process (the prefork
    pool forks children: database pools and sockets are never shared across a fork)."""

    def __init__(self, settings: Settings, app: Celery, retry_base_seconds: float) -> None:
        self.settings = settings
        self.app = app
        self.retry_base_seconds = retry_base_seconds
        self._lock = threading.Lock()
        self._pid: int | None = None
        self._processor: JobProcessor | None = None
        self._reconciler: Reconciler | None = None

    def _build(self) -> None:
        settings = self.settings
        store = Store(settings.database_url)
        connection = connect_github(settings)
        gate = rate_gate(settings.broker_url)
        dispatcher = Dispatcher(self.app, max_countdown=max_countdown(settings))
        runner = JobRunner(store, connection, Metrics(),
                           TimedDecider(settings.analysis_timeout()))
        self._processor = JobProcessor(settings, store, runner, gate, dispatcher,
                                       retry_base_seconds=self.retry_base_seconds)
        from webhooks.runtime.reconcile import Reconciler, coordination

        self._reconciler = Reconciler(
            settings, store, connection, send=dispatcher.send, gate=gate,
            coordination=coordination(settings.broker_url),
        )
        self._pid = os.getpid()

    def close(self) -> None:
        """Release this process's database connections (an embedded worker that stops)."""
        with self._lock:
            if self._processor is not None:
                self._processor.store.dispose()
                self._processor.runner.connection.close()
                self._processor.runner.close()
            self._processor = self._reconciler = None
            self._pid = None

    def processor(self) -> JobProcessor:
        with self._lock:
            if self._pid != os.getpid() or self._processor is None:
                self._build()
            assert self._processor is not None
            return self._processor

    def reconciler(self) -> Reconciler:
        with self._lock:
            if self._pid != os.getpid() or self._reconciler is None:
                self._build()
            assert self._reconciler is not None
            return self._reconciler


def create_celery(settings: Settings, *, retry_base_seconds: float = 2.0) -> Celery:
    """The Celery app of a worker: configuration from the settings, and the two tasks."""
    from celery import Celery
    from celery.signals import worker_process_init

    if not settings.broker_url:
        raise ValueError("broker mode needs MODELTIER_BROKER_URL")
    app = Celery("modeltier", set_as_current=False)
    app.conf.update(celery_config(settings))
    context = _Context(settings, app, retry_base_seconds)

    @app.task(name=JOB_TASK, shared=False, acks_late=True,  # type: ignore[untyped-decorator]
              reject_on_worker_lost=True)
    def run_job(job_id: int, installation_id: int | None = None) -> str:
        return context.processor().process(int(job_id), installation_id).state

    @app.task(name=RECONCILE_TASK, shared=False)  # type: ignore[untyped-decorator]
    def reconcile() -> dict[str, Any]:
        return context.reconciler().run(periodic=True).as_dict()

    def warm(**_: Any) -> None:
        """A pool process starts its analysis process when it starts, not at its first job, as
        the embedded pool's threads do (`JobRunner.warm`). What cannot be built now (the
        database down) is logged: the first job builds it again, and fails as a job does."""
        try:
            context.processor().runner.warm()
        except Exception:
            log.warning("the job runner could not start ahead of the first job", exc_info=True)

    worker_process_init.connect(warm, weak=False)
    app.modeltier_context = context
    return app


class Ticker:
    """A timer thread in `modeltier worker` that queues the catch-up pass every `interval`
    seconds (first after a random share of it, so workers started together spread out). Several
    workers tick; the pass itself makes sure only one runs per interval."""

    def __init__(self, interval: float, tick: Any) -> None:
        self.interval = interval
        self._tick = tick
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="modeltier-reconcile-ticker",
                                        daemon=True)

    def _run(self) -> None:
        wait = jitter(0.1, 1.0) * self.interval
        while not self._stop.wait(wait):
            try:
                self._tick()
            except Exception:
                log.exception("queueing the reconcile pass failed")
            wait = self.interval * jitter(0.9, 1.1)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
