"""Fixtures and helpers for broker mode: Redis and PostgreSQL on loopback, Celery workers in a
thread or in `modeltier worker` subprocesses, the service under uvicorn in broker mode.

Without Redis or PostgreSQL these tests skip, naming what is missing; with CI=true they fail."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from tests.fakegithub import FakeGitHub
from tests.webhooks.conftest import (
    POSTGRES_URL,
    SECRET,
    Running,
    _postgres_available,
    postgres_schema,
)
from webhooks.settings import Settings

REDIS_BASE = os.environ.get("MODELTIER_TEST_REDIS_URL", "redis://127.0.0.1:6379").rstrip("/")
ROOT = Path(__file__).resolve().parents[2]


def _missing(what: str, where: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} is required in CI and unreachable at {where}")
    pytest.skip(f"{what} not reachable at {where}")


#: the database numbers a test may lease: not 0 (the leases), 12 (bench/soak.py) or 15 (test_embedded)
_LEASABLE_DBS = (*range(1, 12), 13, 14)
_LEASE = "modeltier-tests:redis-db:{}"


@contextmanager
def leased_redis_url() -> Iterator[str]:
    """A Redis URL on a database no other test run holds, flushed before and after. Engineers
    sharing a machine run the suite at the same time: on one fixed database each run flushed the
    other's queue and its Celery workers took the other's jobs (lost messages, then time-outs).
    The lease is a key in database 0 that expires by itself if a run dies holding it."""
    import redis

    token = uuid.uuid4().hex
    try:
        leases = redis.Redis.from_url(f"{REDIS_BASE}/0", socket_connect_timeout=2,
                                      socket_timeout=5)
        db = next((n for n in _LEASABLE_DBS
                   if leases.set(_LEASE.format(n), token, nx=True, ex=1800)), None)
    except Exception:
        _missing("Redis", REDIS_BASE)
    if db is None:
        pytest.fail(f"every Redis database {_LEASABLE_DBS} is leased by another test run")
    url = f"{REDIS_BASE}/{db}"
    try:
        flush(url)
        yield url
        flush(url)
    finally:
        if leases.get(_LEASE.format(db)) == token.encode():
            leases.delete(_LEASE.format(db))
        leases.close()


def flush(url: str) -> None:
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)
    client.flushdb()
    client.close()


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A PostgreSQL URL on a schema of its own (broker mode needs a shared server database)."""
    if not _postgres_available():
        _missing("PostgreSQL", POSTGRES_URL)
    with postgres_schema() as url:
        yield url


def settings_for(fake: FakeGitHub, database_url: str, broker_url: str | None,
                 **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "webhook_secret": SECRET,
        "github_app_id": fake.app_id,
        "github_private_key": fake.app_private_key_pem,
        "github_api_url": fake.url,
        "database_url": database_url,
        "broker_url": broker_url,
        "workers": 2,
        "github_max_wait": 2.0,
        "job_lease_seconds": 10,
        "broker_visibility_timeout": 10,
        "requeue_after_seconds": 2.0,
        "reconcile_seconds": 0,
        "reconcile_min_remaining": 0,
    }
    values.update(overrides)
    return Settings(**values)


def env_for(settings: Settings) -> dict[str, str]:
    """The environment a `modeltier` subprocess reads the same settings from."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MODELTIER_")}
    for name, value in settings.model_dump().items():
        if value is None:
            continue
        if hasattr(value, "get_secret_value"):
            value = value.get_secret_value()
        env[f"MODELTIER_{name.upper()}"] = str(value)
    env["PYTHONPATH"] = str(ROOT)
    return env


@contextmanager
def in_thread_worker(settings: Settings, *, hostname: str,
                     retry_base_seconds: float = 0.2) -> Iterator[Any]:
    """A Celery worker (threads pool) in this process, consuming the job and control queues.
    One at a time: Celery keeps worker state per process (two lose countdown messages)."""
    from celery.contrib.testing.worker import start_worker

    from webhooks.runtime.queue import CONTROL_QUEUE, JOB_QUEUE, create_celery

    app = create_celery(settings, retry_base_seconds=retry_base_seconds)
    try:
        with start_worker(app, pool="threads", concurrency=2, perform_ping_check=False,
                          loglevel="WARNING", hostname=hostname,
                          queues=[JOB_QUEUE, CONTROL_QUEUE], shutdown_timeout=60) as worker:
            yield worker
    finally:
        app.modeltier_context.close()


#: Run by the subprocesses this module starts in process groups of their own: ask the kernel to
#: SIGKILL the process when the test process that started it dies, however it dies (a pytest
#: killed with -9 would otherwise leave Celery workers consuming the shared Redis), then become
#: the command. A parent that died before the request was made is caught by the pid check.
_DIE_WITH_PARENT = (
    "import ctypes, os, signal, sys\n"
    "ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG\n"
    "if os.getppid() != int(sys.argv[1]):\n"
    "    os._exit(1)\n"
    "os.execvp(sys.argv[2], sys.argv[2:])\n"
)


def dying_with_this_process(argv: list[str]) -> list[str]:
    """`argv` run so that it dies with this process (Linux; elsewhere `argv` as it is). Start it
    from the main thread: the kernel ties the child to the thread that forked it."""
    if not sys.platform.startswith("linux"):
        return argv
    return [sys.executable, "-c", _DIE_WITH_PARENT, str(os.getpid()), *argv]


def children_of(parent: int) -> list[int]:
    """Pids of the processes whose parent is `parent` (Linux's /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == parent:
            found.append(int(entry.name))
    return found


class WorkerProcess:
    """`modeltier worker` in a subprocess of its own process group (SIGKILL takes all of it)."""

    def __init__(self, settings: Settings, *, concurrency: int = 1, pool: str = "prefork",
                 name: str = "w", log: Path | None = None) -> None:
        self.log_path = log
        out = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115
        self.proc = subprocess.Popen(
            dying_with_this_process(
                [sys.executable, "-m", "bot.cli", "worker", "--concurrency", str(concurrency),
                 "--pool", pool, "--hostname", f"{name}-{uuid.uuid4().hex[:6]}@test"]),
            env=env_for(settings), cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        if log:
            out.close()  # type: ignore[union-attr]

    def log_tail(self, lines: int = 20) -> str:
        """The end of the worker's log (what a failed wait reports), and whether it still runs."""
        state = "running" if self.proc.poll() is None else f"exited {self.proc.returncode}"
        if self.log_path is None or not self.log_path.exists():
            return f"[{state}, no log]"
        tail = self.log_path.read_text(errors="replace").splitlines()[-lines:]
        return f"[{state}] " + "\n".join(tail)

    def children(self) -> list[int]:
        """Pids of the worker's pool processes."""
        return children_of(self.proc.pid)

    def kill(self) -> None:
        """SIGKILL the whole worker (main process and pool) at once."""
        with suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(60)  # the kernel reaps it; 60 s only on a machine under heavy load

    def stop(self) -> None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(30)  # a warm shutdown; SIGKILL after that
            except (ProcessLookupError, subprocess.TimeoutExpired):
                self.kill()


def wait_for(predicate: Callable[[], Any], timeout: float, what: str,
             seen: Callable[[], object] | None = None) -> Any:
    """The predicate's first true value. `timeout` is a generous bound for a loaded machine, not
    the expected time (the wait ends as soon as the condition holds); on timeout the message names
    what was awaited and, from `seen`, the state found then (job counts, a worker's log)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    state = f"; seen: {seen()}" if seen is not None else ""
    raise AssertionError(f"timed out after {timeout}s waiting for {what}{state}")


def job_counts(database_url: str) -> dict[str, int]:
    """How many jobs are in each status (what a failed wait reports)."""
    counts: dict[str, int] = {}
    for row in job_rows(database_url):
        counts[row["status"]] = counts.get(row["status"], 0) + 1
    return counts


def job_rows(database_url: str) -> list[dict[str, Any]]:
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(sa.text(
                "SELECT id, repo, number, status, attempts, owner, last_error, lease_until "
                "FROM jobs ORDER BY id"))]
    finally:
        engine.dispose()


def start_service(fake: FakeGitHub, settings: Settings) -> Running:
    return Running(fake, settings)
