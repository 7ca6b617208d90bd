"""Prometheus metrics of one service instance (its own registry, so tests can run several)."""

from __future__ import annotations

from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

__all__ = ["Metrics"]


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
            "modeltier_jobs", "Jobs finished by kind and outcome", ["kind", "outcome"],
            registry=self.registry,
        )
        self.github_requests = Counter(
            "modeltier_github_requests", "Requests sent to the GitHub API", ["method"],
            registry=self.registry,
        )
        self.rate_limit_remaining = Gauge(
            "modeltier_github_rate_limit_remaining", "Last x-ratelimit-remaining seen",
            registry=self.registry,
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

    def observe_jobs(self, stats: dict[str, Any], queue_depth: int | None) -> None:
        """Set the job gauges from `Store.job_stats()` and the broker's queue depth."""
        self.job_retries.set(stats["retries"])
        self.dead_jobs.set(stats["counts"].get("dead", 0))
        self.oldest_pending_age.set(stats["oldest_pending_age"])
        if queue_depth is not None:
            self.queue_depth.set(queue_depth)
