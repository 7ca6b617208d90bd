"""`modeltier serve`'s job workers in a child process of its own, started, woken, watched and
stopped by the web process: one command still runs everything.

Worker threads inside the web process took much of its interpreter lock (they analyse every pull
request), and the acknowledgement waited for it. In a child process they compete for a CPU core
under the operating system's scheduler instead, at a lower priority than the web process, whose
answers GitHub waits for.

- Waking: the web process writes one byte to a pipe per queued job, never blocking (a full pipe
  already says "work to do"); the child's one claimer reads the database for it (`WorkerPool`).
- The database: the same file, in WAL mode; writers of both processes take turns on a file lock
  (`Store`), so neither sleep-polls for SQLite's write lock. The acknowledgements go into an
  inbox file only the web process writes; the child's claimer makes their deliveries and jobs
  (`Store.move_inbox`), so an acknowledgement never waits for the child's turn.
- Checkpoints: the child copies SQLite's WAL into the database file every
  `CHECKPOINT_SECONDS`, without the write turn; the web process's commits (and the child's own)
  only checkpoint past a backstop, so that none syncs the database file while the
  acknowledgement waits for its turn.
- Metrics: the child's job and GitHub figures are asked for over a control pipe when /metrics is
  read, and added to the web process's own.
- Lifetime: the web process stops the child gracefully (running jobs finish, up to 30 s) at
  shutdown; a child that dies is started again (after a back-off), and it first puts back the jobs
  its predecessor left running. A child whose web process died exits at once: the jobs it was
  running are resumed by the next start, as after a kill of the whole service.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import select
import signal
import threading
import time
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import TYPE_CHECKING

from webhooks.metrics import Metrics

if TYPE_CHECKING:
    from prometheus_client import Metric

    from webhooks.settings import Settings

__all__ = ["NICENESS", "WorkerProcess"]

log = logging.getLogger("modeltier.workers")

#: how much lower the child's scheduling priority is than the web process's (`nice`)
NICENESS = 10
#: exit status of a child whose web process went away
ORPHANED = 3
STOP_SECONDS = 30.0
RESTART_BACKOFF = (1.0, 30.0)
METRICS_TIMEOUT = 2.0
CHECKPOINT_SECONDS = 0.25


class WorkerProcess:
    """The web process's handle on the worker child: start, wake, metrics, stop; restarts it if
    it dies."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._context = multiprocessing.get_context("spawn")  # no fork of a threaded process
        self._lock = threading.Lock()  # one exchange on the control pipe at a time
        self._asked = 0  # metrics requests sent: each answer carries its request's number
        self._stopping = threading.Event()
        self._process: BaseProcess | None = None
        self._control: Connection | None = None
        self._wake_fd: int | None = None
        self._wake_writer: Connection | None = None
        self._watcher: threading.Thread | None = None
        self.restarts = 0

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def start(self) -> None:
        with self._lock:
            self._spawn()
        self._watcher = threading.Thread(target=self._watch, name="modeltier-worker-watch",
                                         daemon=True)
        self._watcher.start()

    def _spawn(self) -> None:
        wake_reader, wake_writer = self._context.Pipe(duplex=False)
        control, child_control = self._context.Pipe()
        process = self._context.Process(
            target=_child, args=(self.settings, wake_reader, child_control),
            name="modeltier-workers", daemon=True,
        )
        process.start()
        wake_reader.close()  # the child's ends: when it dies, writes and reads here see it
        child_control.close()
        os.set_blocking(wake_writer.fileno(), False)
        old = (self._wake_writer, self._control)
        self._process, self._control = process, control
        self._wake_writer, self._wake_fd = wake_writer, wake_writer.fileno()
        for connection in old:
            if connection is not None:
                connection.close()
        log.info("job workers started in a child process",
                 extra={"pid": process.pid, "threads": self.settings.workers})

    def _watch(self) -> None:
        """Start the child again when it dies, after a back-off that grows while it keeps dying
        soon after its start."""
        delay = RESTART_BACKOFF[0]
        while not self._stopping.is_set():
            process = self._process
            assert process is not None
            started = time.monotonic()
            process.join()
            if self._stopping.is_set():
                return
            log.error("job worker process died; starting it again", extra={
                "pid": process.pid, "exitcode": process.exitcode, "after": delay})
            if time.monotonic() - started > 10 * RESTART_BACKOFF[1]:
                delay = RESTART_BACKOFF[0]
            if self._stopping.wait(delay):
                return
            delay = min(delay * 2, RESTART_BACKOFF[1])
            with self._lock:
                if self._stopping.is_set():
                    return
                self._spawn()
                self.restarts += 1

    def wake(self) -> None:
        """Tell the child a job is queued; never blocks (a full pipe has its byte already)."""
        fd = self._wake_fd
        if fd is None:
            return
        # OSError: full (the child has reading to do) or the child is gone (its successor polls)
        with contextlib.suppress(OSError):
            os.write(fd, b"\0")

    def metric_families(self) -> list[Metric]:
        """The child's metrics (jobs, GitHub requests, rate limits); none while it is down."""
        with self._lock:
            control = self._control
            if control is None or self._process is None or not self._process.is_alive():
                return []
            self._asked += 1
            deadline = time.monotonic() + METRICS_TIMEOUT
            try:
                control.send(("metrics", self._asked))
                # an answer that came too late for an earlier call is read and dropped here
                while control.poll(max(0.0, deadline - time.monotonic())):
                    asked, families = control.recv()
                    if asked == self._asked:
                        return families  # type: ignore[no-any-return]
            except (EOFError, OSError):
                pass
            return []

    def stop(self, timeout: float = STOP_SECONDS) -> None:
        """Ask the child to stop taking jobs and finish the running ones; kill it past
        `timeout` (its jobs' leases lapse and the next start resumes them)."""
        self._stopping.set()
        with self._lock:
            process, control = self._process, self._control
            if process is None or control is None:
                return
            with contextlib.suppress(OSError):
                control.send("stop")
            process.join(timeout + 2)
            if process.is_alive():
                log.warning("job worker process still running at shutdown: killed",
                            extra={"pid": process.pid})
                process.kill()
                process.join(5)
            for connection in (control, self._wake_writer):
                if connection is not None:
                    connection.close()
            self._control = self._wake_writer = None
            self._wake_fd = None
        if self._watcher is not None:
            self._watcher.join(5)


def _child(settings: Settings, wake: Connection, control: Connection) -> None:
    """The child process: a `WorkerPool` woken through `wake`, answering `control`."""
    from bot.time_limit import TimedDecider
    from webhooks.logs import configure
    from webhooks.runtime.jobs import JobRunner, WorkerPool, connect_github
    from webhooks.runtime.store import BACKSTOP_CHECKPOINT_PAGES, Store

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the web process, which stops us
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    os.nice(NICENESS)
    configure(settings.log_level, settings.secrets())
    # the acknowledgement goes first; the WAL is checkpointed below, off the write turn
    store = Store(settings.database_url, deferring=True,
                  checkpoint_pages=BACKSTOP_CHECKPOINT_PAGES)
    recovered = store.recover()  # the embedded service's only workers: what ran is ours
    if recovered:
        log.info("resuming jobs left running by a previous process", extra={"jobs": recovered})
    metrics = Metrics()
    connection = connect_github(settings)
    connection.on_response = metrics.github_response
    runner = JobRunner(store, connection, metrics, TimedDecider(settings.analysis_timeout()))
    pool = WorkerPool(store, runner, metrics, threads=settings.workers,
                      lease_seconds=settings.job_lease_seconds, max_attempts=settings.max_attempts)
    pool.start()
    wake_fd, control_fd = wake.fileno(), control.fileno()
    checkpointed = time.monotonic()
    while not stop.is_set():
        ready, _, _ = select.select([wake_fd, control_fd], [], [], CHECKPOINT_SECONDS)
        if time.monotonic() - checkpointed >= CHECKPOINT_SECONDS:
            try:
                store.checkpoint()
            except Exception:  # a busy or failing disk: the backstop checkpoints meanwhile
                log.exception("checkpointing the database failed")
            checkpointed = time.monotonic()
        if wake_fd in ready:
            if not os.read(wake_fd, 4096):
                os._exit(ORPHANED)  # the web process is gone: stop now, as it did
            pool.wake()
        if control_fd in ready:
            try:
                message = control.recv()
            except (EOFError, OSError):
                os._exit(ORPHANED)
            if message == "stop":
                stop.set()
            elif message[0] == "metrics":  # ("metrics", n): answered with its number n
                control.send((message[1], metrics.worker_families()))
    pool.stop(STOP_SECONDS)
    runner.close()
    store.dispose()
    connection.close()
