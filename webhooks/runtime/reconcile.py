"""Catching up: what should have happened and did not.

One pass (`modeltier reconcile`, and every `MODELTIER_RECONCILE_SECONDS` in `modeltier worker`):

1. jobs nobody looks after are sent to the broker again: pending and due, but untouched for
   `MODELTIER_REQUEUE_AFTER_SECONDS` (the web process could not enqueue, or a message was lost),
   or running past their lease (their worker died) -- broker mode only, the embedded worker
   threads read the jobs table themselves;
2. failed webhook deliveries of the past 3 days are redelivered by GitHub (`GET
   /app/hook/deliveries`, `POST /app/hook/deliveries/{id}/attempts`), skipping those already
   redelivered: the service recorded the delivery (an attempt reached it), or a pass asked for it
   recently; a delivery whose redelivery failed as well is asked for again after a back-off, at
   most `MAX_REDELIVERIES` times;
3. open pull requests of every installation whose head has no `modeltier` check run, no result
   and no job are queued.

GitHub's budget bounds the pass: it stops when the remaining requests fall below
`MODELTIER_RECONCILE_MIN_REMAINING`, and skips installations that are rate-limited. Several workers
may start a pass at once: a lock (in Redis with a Redis broker) lets one run, and a periodic pass
runs at most once per interval across all of them.
"""

from __future__ import annotations

import datetime
import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

from bot.github.app_client import AppClient, BudgetLow
from bot.github.port import GitHubError
from bot.github.pygithub import Connection
from bot.review import CHECK_NAME
from webhooks.runtime.ratelimit import RateGate, redis_client
from webhooks.runtime.store import Store
from webhooks.settings import Settings

__all__ = ["Coordination", "Reconciler", "Report", "coordination"]

log = logging.getLogger("modeltier.reconcile")

LOOKBACK = datetime.timedelta(days=3)  # GitHub keeps deliveries (and redelivers them) 3 days
PASS_LOCK_SECONDS = 30.0  # renewed while the pass runs: a pass whose worker died frees it soon
MAX_REDELIVERIES = 3
Send = Callable[[int, "int | None"], bool]


class Coordination(Protocol):
    def acquire(self, name: str, ttl: float) -> str | None:
        """A token when the named lock was free (it expires after `ttl`), else None."""
        ...

    def release(self, name: str, token: str) -> None: ...

    def extend(self, name: str, token: str, ttl: float) -> bool:
        """Keep a lock we hold for another `ttl`; False when it is no longer ours."""
        ...

    def seen(self, key: str) -> bool: ...

    def remember(self, key: str, ttl: float) -> None: ...

    def incr(self, key: str, ttl: float) -> int:
        """Count one more (the count expires `ttl` after the first); returns the new count."""
        ...


class LocalCoordination:
    """Locks and memory of one process (embedded mode, or a broker that is not Redis)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._expiry: dict[str, tuple[str, float]] = {}
        self._counts: dict[str, tuple[int, float]] = {}

    def acquire(self, name: str, ttl: float) -> str | None:
        now = time.time()
        with self._lock:
            held = self._expiry.get(name)
            if held is not None and held[1] > now:
                return None
            token = uuid.uuid4().hex
            self._expiry[name] = (token, now + ttl)
            return token

    def release(self, name: str, token: str) -> None:
        with self._lock:
            if self._expiry.get(name, ("", 0.0))[0] == token:
                del self._expiry[name]

    def extend(self, name: str, token: str, ttl: float) -> bool:
        with self._lock:
            if self._expiry.get(name, ("", 0.0))[0] != token:
                return False
            self._expiry[name] = (token, time.time() + ttl)
            return True

    def seen(self, key: str) -> bool:
        with self._lock:
            held = self._expiry.get(key)
            return held is not None and held[1] > time.time()

    def remember(self, key: str, ttl: float) -> None:
        with self._lock:
            self._expiry[key] = ("", time.time() + ttl)

    def incr(self, key: str, ttl: float) -> int:
        now = time.time()
        with self._lock:
            count, expires = self._counts.get(key, (0, now + ttl))
            if expires <= now:
                count, expires = 0, now + ttl
            self._counts[key] = (count + 1, expires)
            return count + 1


class RedisCoordination:
    PREFIX = "modeltier:"
    _RELEASE = (
        "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end "
        "return 0"
    )
    _EXTEND = (
        "if redis.call('GET', KEYS[1]) == ARGV[1] then "
        "return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0"
    )

    def __init__(self, client: Any) -> None:
        self.client = client
        self._release = client.register_script(self._RELEASE)
        self._extend = client.register_script(self._EXTEND)

    def acquire(self, name: str, ttl: float) -> str | None:
        token = uuid.uuid4().hex
        taken = self.client.set(self.PREFIX + name, token, nx=True, px=max(1, int(ttl * 1000)))
        return token if taken else None

    def release(self, name: str, token: str) -> None:
        self._release(keys=[self.PREFIX + name], args=[token])

    def extend(self, name: str, token: str, ttl: float) -> bool:
        return bool(self._extend(keys=[self.PREFIX + name],
                                 args=[token, max(1, int(ttl * 1000))]))

    def seen(self, key: str) -> bool:
        return bool(self.client.exists(self.PREFIX + key))

    def remember(self, key: str, ttl: float) -> None:
        self.client.set(self.PREFIX + key, "1", px=max(1, int(ttl * 1000)))

    def incr(self, key: str, ttl: float) -> int:
        pipe = self.client.pipeline()
        pipe.incr(self.PREFIX + key)
        pipe.pexpire(self.PREFIX + key, max(1, int(ttl * 1000)), nx=True)
        return int(pipe.execute()[0])


def coordination(url: str | None) -> Coordination:
    if url and url.startswith(("redis://", "rediss://", "unix://")):
        return RedisCoordination(redis_client(url))
    return LocalCoordination()


@dataclass
class Report:
    requeued: int = 0
    redelivered: int = 0
    queued: int = 0
    github_requests: int = 0
    stopped: str | None = None
    skipped: str | None = None
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def lines(self) -> list[str]:
        if self.skipped:
            return [f"reconcile skipped: {self.skipped}"]
        out = [
            f"jobs sent to the queue again: {self.requeued}",
            f"failed deliveries redelivered: {self.redelivered}",
            f"pull requests queued (no check run on their head): {self.queued}",
            f"GitHub requests: {self.github_requests}",
        ]
        if self.stopped:
            out.append(f"stopped early: {self.stopped}")
        out.extend(f"error: {e}" for e in self.errors)
        return out


class Reconciler:
    def __init__(
        self, settings: Settings, store: Store, connection: Connection, *, send: Send | None,
        gate: RateGate, coordination: Coordination,
    ) -> None:
        self.settings = settings
        self.store = store
        self.connection = connection
        self.send = send
        self.gate = gate
        self.coordination = coordination

    def run(self, *, periodic: bool = False) -> Report:
        """One pass. `periodic`: skip it when another worker ran one within the interval."""
        if periodic:
            interval = max(self.settings.reconcile_seconds, 1.0) * 0.8
            if self.coordination.acquire("reconcile:period", interval) is None:
                return Report(skipped="a pass ran recently")
        token = self.coordination.acquire("reconcile:running", PASS_LOCK_SECONDS)
        if token is None:
            return Report(skipped="another reconcile pass is running")
        report = Report()
        stop = threading.Event()
        keeper = threading.Thread(target=self._keep, args=(token, stop), daemon=True,
                                  name="modeltier-reconcile-lock")
        keeper.start()
        try:
            self._pass(report)
        finally:
            stop.set()
            keeper.join(5)
            self.coordination.release("reconcile:running", token)
        log.info("reconcile pass done", extra=report.as_dict())
        return report

    def _keep(self, token: str, stop: threading.Event) -> None:
        while not stop.wait(PASS_LOCK_SECONDS / 3):
            try:
                if not self.coordination.extend("reconcile:running", token, PASS_LOCK_SECONDS):
                    return
            except Exception as e:
                log.warning("reconcile lock not extended: %s", e)

    def _pass(self, report: Report) -> None:
        if self.send is not None:
            report.requeued = self.requeue()
        if self.connection.app_id is None:
            report.stopped = "catching up with GitHub needs App mode (token mode)"
            return
        client = AppClient(self.connection, min_remaining=self.settings.reconcile_min_remaining)
        try:
            for step in (self.redeliver, self.queue_unchecked):
                try:
                    step(client, report)
                except BudgetLow as e:
                    report.stopped = str(e)
                    return
                except GitHubError as e:
                    report.errors.append(str(e))
        finally:
            report.github_requests = client.requests
            client.close()

    def requeue(self) -> int:
        assert self.send is not None
        stale = self.store.stale_jobs(self.settings.requeue_after_seconds)
        sent = sum(1 for job_id, installation in stale if self.send(job_id, installation))
        if stale:
            log.warning("%s stale jobs sent to the queue again", sent)
        return sent

    def redeliver(self, client: AppClient, report: Report) -> None:
        since = datetime.datetime.now(datetime.UTC) - LOOKBACK + datetime.timedelta(minutes=5)
        groups: dict[str, list[Any]] = {}
        for delivery in client.failed_deliveries(since):
            groups.setdefault(delivery.guid, []).append(delivery)
        for guid, failed in groups.items():
            if self.store.has_delivery(guid):
                continue  # an attempt reached the service after all
            if self.coordination.seen(f"redelivery:asked:{guid}"):
                continue  # asked for recently
            asked = self.coordination.incr(f"redelivery:count:{guid}", LOOKBACK.total_seconds())
            if asked > MAX_REDELIVERIES:
                continue
            client.redeliver(failed[0].id)  # the newest attempt
            wait = max(60.0, self.settings.requeue_after_seconds) * 2 ** (asked - 1)
            self.coordination.remember(f"redelivery:asked:{guid}", wait)
            report.redelivered += 1
            log.info("failed delivery redelivered", extra={"delivery": guid, "asked": asked})

    def queue_unchecked(self, client: AppClient, report: Report) -> None:
        installations = set(self.store.installation_ids()) | set(client.installations())
        for installation in sorted(installations):
            if self.gate.blocked_until(installation) is not None:
                report.errors.append(f"installation {installation} is rate-limited: skipped")
                continue
            try:
                self._queue_installation(client, installation, report)
            except BudgetLow:
                raise
            except GitHubError as e:
                report.errors.append(f"installation {installation}: {e}")

    def _queue_installation(self, client: AppClient, installation: int, report: Report) -> None:
        for repo in client.repositories(installation):
            for pr in client.open_pulls(installation, repo):
                if self.store.has_result(repo, pr.head_sha):
                    continue
                if self.store.has_open_job(repo, pr.number):
                    continue
                if client.has_check_run(installation, repo, pr.head_sha, CHECK_NAME):
                    continue
                job_id = self.store.enqueue({
                    "kind": "evaluate", "repo": repo, "number": pr.number,
                    "head_sha": pr.head_sha, "installation_id": installation,
                    "source": "reconcile",
                })
                if self.send is not None:
                    self.send(job_id, installation)
                report.queued += 1
                log.info("pull request without a check run queued",
                         extra={"repo": repo, "pr": pr.number, "job": job_id})
