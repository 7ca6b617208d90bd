"""Prometheus metrics of one service instance (its own registry, so tests can run several).

Job outcomes (`modeltier_jobs_total`: succeeded, retried, dead) say whether the work got done;
what a job concluded (`modeltier_job_results_total`: the check's conclusion, or why nothing was
published) is a separate family, so a failing check never reads as a failing job. Rate-limit gauges
appear once GitHub has reported a limit for an installation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, Metric
from prometheus_client.samples import Sample

__all__ = ["Merged", "Metrics"]


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.deliveries = Counter(
            "modeltier_deliveries", "Webhook deliveries by event and outcome",
            ["event", "outcome"], registry=self.registry,
        )
        self.ack_latency = Histogram(
            "modeltier_ack_seconds", "Time to acknowledge a delivery", registry=self.registry,
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0),
        )
        self.latency = Histogram(
            "modeltier_job_seconds", "Time to process a job (GitHub calls included)",
            registry=self.registry, buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
        )
        self.jobs = Counter(
            "modeltier_jobs", "Job runs by kind and outcome: succeeded, retried or dead",
            ["kind", "outcome"], registry=self.registry,
        )
        self.job_results = Counter(
            "modeltier_job_results",
            "What succeeded jobs concluded: the check's conclusion (success, failure, neutral) or "
            "why nothing was published (stale, closed, refused)",
            ["kind", "result"], registry=self.registry,
        )
        self.github_requests = Counter(
            "modeltier_github_requests",
            "HTTP requests sent to the GitHub API, by method, endpoint class and response status",
            ["method", "endpoint", "status"], registry=self.registry,
        )
        self.rate_limit_remaining = Gauge(
            "modeltier_github_rate_limit_remaining",
            "Last x-ratelimit-remaining GitHub reported, by installation (token: token mode)",
            ["installation"], registry=self.registry,
        )
        self.rate_limit_reset = Gauge(
            "modeltier_github_rate_limit_reset_timestamp_seconds",
            "When the rate-limit window resets (x-ratelimit-reset), by installation",
            ["installation"], registry=self.registry,
        )
        self.pending_jobs = Gauge(
            "modeltier_jobs_pending", "Jobs waiting to run", registry=self.registry,
        )
        self.queue_depth = Gauge(
            "modeltier_queue_depth", "Job messages waiting in the broker (broker mode)",
            registry=self.registry,
        )
        self.job_retries = Gauge(
            "modeltier_job_retries", "Job attempts beyond the first, over the jobs table",
            registry=self.registry,
        )
        self.dead_jobs = Gauge(
            "modeltier_jobs_dead", "Jobs that exhausted their retries (dead letters)",
            registry=self.registry,
        )
        self.oldest_pending_age = Gauge(
            "modeltier_job_oldest_pending_age_seconds", "Age of the oldest pending job",
            registry=self.registry,
        )

    def worker_families(self) -> list[Metric]:
        """The families job workers move (jobs, their results and time, GitHub's requests and
        rate limits): what a worker process reports to the web process, whose own gauges (job
        counts from the database) it must not hide."""
        moved = {self.latency, self.jobs, self.job_results, self.github_requests,
                 self.rate_limit_remaining, self.rate_limit_reset}
        names = {family.name for collector in moved for family in collector.describe()}
        return [family for family in self.registry.collect() if family.name in names]

    def github_response(self, method: str, path: str, status: int) -> None:
        """Count one HTTP request GitHub answered (`bot.github.pygithub` calls this)."""
        self.github_requests.labels(method=method, endpoint=endpoint_class(path),
                                    status=str(status)).inc()

    def observe_rate(self, installation: int | None, remaining: int | None,
                     reset: int | None) -> None:
        """The rate-limit state GitHub last reported for an installation (nothing if unknown)."""
        if remaining is None:
            return
        key = str(installation) if installation is not None else "token"
        self.rate_limit_remaining.labels(installation=key).set(remaining)
        if reset is not None:
            self.rate_limit_reset.labels(installation=key).set(reset)

    def observe_jobs(self, stats: dict[str, Any], queue_depth: int | None) -> None:
        """Set the job gauges from `Store.job_stats()` and the broker's queue depth."""
        self.job_retries.set(stats["retries"])
        self.dead_jobs.set(stats["counts"].get("dead", 0))
        self.oldest_pending_age.set(stats["oldest_pending_age"])
        if queue_depth is not None:
            self.queue_depth.set(queue_depth)


class Merged:
    """A registry's metrics with another process's families of the same names added in (the
    embedded service's worker child, `webhooks.runtime.embedded`): counters and histograms
    summed, gauges the other process sets taken from it, creation times the earliest.
    `prometheus_client.generate_latest` reads it as it reads a registry."""

    def __init__(self, registry: CollectorRegistry, others: Iterable[Metric]) -> None:
        self.registry = registry
        self.others = list(others)

    def collect(self) -> Iterable[Metric]:
        families = {family.name: family for family in self.registry.collect()}
        for other in self.others:
            own = families.get(other.name)
            if own is None or own.type != other.type:
                families[other.name] = other
                continue
            values: dict[tuple[str, tuple[tuple[str, str], ...]], Sample] = {
                (s.name, tuple(sorted(s.labels.items()))): s for s in own.samples}
            for sample in other.samples:
                key = (sample.name, tuple(sorted(sample.labels.items())))
                mine = values.get(key)
                if mine is None or own.type == "gauge":
                    values[key] = sample
                elif sample.name.endswith("_created"):
                    values[key] = mine._replace(value=min(mine.value, sample.value))
                else:
                    values[key] = mine._replace(value=mine.value + sample.value)
            merged = Metric(own.name, own.documentation, own.type, own.unit)
            merged.samples = list(values.values())
            families[own.name] = merged
        return families.values()


#: path segments that name a kind of resource; every other segment (owner, repository, number,
#: SHA, file path, label name) is an identifier and is left out of the endpoint class
_RESOURCES = frozenset({
    "access_tokens", "app", "app-manifests", "attempts", "check-runs", "check-suites",
    "collaborators", "comments", "commits", "compare", "contents", "conversions", "deliveries",
    "files", "git", "graphql", "hook", "installation", "installations", "issues", "labels", "orgs",
    "permission", "pulls", "rate_limit", "refs", "repos", "repositories", "reviews", "statuses",
    "status", "user", "users",
})
_API_PREFIX = re.compile(r"^/api/v3(?=/)")


def endpoint_class(path: str) -> str:
    """A request path reduced to its kind, bounded for a metric label:
    `/repos/o/r/pulls/7/files?page=2` -> `/repos/pulls/files`."""
    path = _API_PREFIX.sub("", path.split("?", 1)[0])
    segments = path.strip("/").split("/")
    kept = []
    skip = 0
    for segment in segments:
        if skip:  # owner and repository names, logins: identifiers, whatever they spell
            skip -= 1
            continue
        if segment in _RESOURCES:
            kept.append(segment)
            skip = {"repos": 2, "users": 1, "orgs": 1}.get(segment, 0)
        if segment == "contents":
            break  # the rest is a file path
    return "/" + "/".join(kept)
