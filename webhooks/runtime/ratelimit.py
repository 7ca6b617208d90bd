"""GitHub's rate limits, shared by every worker: when one worker learns that an installation must
wait (`x-ratelimit-remaining` 0, or a 403/429 with `Retry-After` or `x-ratelimit-reset`), all
workers hold that installation's jobs until then instead of calling GitHub.

The state is one Redis key per installation, `modeltier:ratelimit:<installation>`, holding the
epoch time it is blocked until; it only ever moves later and expires by itself. Redis is the
broker's own when the broker is Redis. Without Redis (the embedded default, or another broker) a
process-local gate does the same for the threads of one process.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING, Any, Protocol

from bot.github.port import GitHubError, RateLimit

if TYPE_CHECKING:
    import redis

__all__ = [
    "LocalRateGate",
    "RateGate",
    "RedisRateGate",
    "blocked_until_from",
    "rate_gate",
    "redis_client",
]

log = logging.getLogger("modeltier.ratelimit")

KEY_PREFIX = "modeltier:ratelimit:"
# Move the key's time later, never earlier; expire the key when the block ends.
_EXTEND = """
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local wanted = tonumber(ARGV[1])
if wanted > current then
  redis.call('SET', KEYS[1], ARGV[1])
  redis.call('PEXPIREAT', KEYS[1], math.ceil(wanted * 1000) + 1000)
  return 1
end
return 0
"""


def _key(installation_id: int | None) -> str:
    return f"{KEY_PREFIX}{installation_id if installation_id is not None else 'token'}"


class RateGate(Protocol):
    def blocked_until(self, installation_id: int | None) -> float | None:
        """The epoch time this installation is blocked until, None when it is not blocked."""
        ...

    def block(self, installation_id: int | None, until: float) -> None:
        """Block the installation until `until` (epoch seconds), unless already blocked longer."""
        ...


class LocalRateGate:
    """One process's gate (embedded mode, or a broker that is not Redis)."""

    def __init__(self) -> None:
        self._until: dict[int | None, float] = {}
        self._lock = threading.Lock()

    def blocked_until(self, installation_id: int | None) -> float | None:
        with self._lock:
            until = self._until.get(installation_id)
        return until if until is not None and until > time.time() else None

    def block(self, installation_id: int | None, until: float) -> None:
        with self._lock:
            self._until[installation_id] = max(until, self._until.get(installation_id, 0.0))


class RedisRateGate:
    """The gate every worker of every machine shares. Redis trouble fails open (the job runs,
    and GitHub's own answers still bound it): a missing back-off is better than stalled work."""

    def __init__(self, client: redis.Redis) -> None:
        self.client = client
        self._extend = client.register_script(_EXTEND)

    def blocked_until(self, installation_id: int | None) -> float | None:
        try:
            value = self.client.get(_key(installation_id))
        except Exception as e:  # redis.RedisError, OSError
            log.warning("rate-limit state unreadable, not waiting: %s", e)
            return None
        until = float(value) if value is not None else None
        return until if until is not None and until > time.time() else None

    def block(self, installation_id: int | None, until: float) -> None:
        try:
            self._extend(keys=[_key(installation_id)], args=[f"{until:.3f}"])
        except Exception as e:
            log.warning("rate-limit state not recorded: %s", e)


def redis_client(url: str) -> redis.Redis:
    import redis as redis_module

    return redis_module.Redis.from_url(
        url, socket_timeout=5, socket_connect_timeout=3, health_check_interval=30,
    )


def rate_gate(url: str | None) -> RateGate:
    """The shared gate for a Redis URL (the broker's), else a process-local one."""
    if url and url.startswith(("redis://", "rediss://", "unix://")):
        return RedisRateGate(redis_client(url))
    return LocalRateGate()


def blocked_until_from(
    error: BaseException | None, rate: RateLimit | None, now: float | None = None
) -> float | None:
    """When an installation must wait, from what GitHub told a job: a rate-limit error's wait, or
    a spent budget (remaining 0) until its reset. None when GitHub asked for nothing."""
    now = time.time() if now is None else now
    if isinstance(error, GitHubError) and error.status in (403, 429) and error.retry_after:
        return now + error.retry_after
    if rate is not None and rate.remaining == 0 and rate.reset:
        return max(float(rate.reset) + 1.0, now + 1.0)
    return None


def describe(gate: Any) -> str:
    return "shared (Redis)" if isinstance(gate, RedisRateGate) else "local to this process"
