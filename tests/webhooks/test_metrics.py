"""`/metrics`, parsed with prometheus_client's own parser: each family moves when it should, GitHub
requests are counted where they are made, job outcomes are apart from check conclusions, and the
rate-limit gauges are absent until GitHub has reported a limit."""

from __future__ import annotations

import time
from collections import Counter

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.webhooks.conftest import INSTALLATION, REPO, pr_payload
from tests.webhooks.test_operations import _auth_pr
from webhooks.metrics import endpoint_class


def _families(svc) -> dict[str, list]:
    response = svc.http.get("/metrics")
    assert response.status_code == 200
    return {f.name: f.samples for f in text_string_to_metric_families(response.text)}


def _value(families, name: str, **labels: str) -> float:
    return sum(s.value for samples in families.values() for s in samples
               if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()))


@pytest.mark.parametrize(
    ("path", "endpoint"),
    [
        ("/repos/octo/app/pulls/7/files?page=2", "/repos/pulls/files"),
        ("/api/v3/repos/octo/app/pulls/7", "/repos/pulls"),
        ("/repos/octo/app/contents/.github/modeltier.yml?ref=abc", "/repos/contents"),
        ("/repos/octo/app/issues/7/labels/modeltier:critical", "/repos/issues/labels"),
        ("/repos/octo/app/commits/" + "a" * 40 + "/check-runs", "/repos/commits/check-runs"),
        ("/app/installations/42/access_tokens", "/app/installations/access_tokens"),
        ("/app-manifests/abc123/conversions", "/app-manifests/conversions"),
    ],
)
def test_endpoint_class_keeps_resources_and_drops_identifiers(path, endpoint):
    assert endpoint_class(path) == endpoint


@pytest.mark.parametrize("worker_process", [False, True], ids=["threads", "child-process"])
def test_each_family_moves_when_it_should(make_service, fake, worker_process):
    # in a child process (`modeltier serve`), the jobs' and GitHub's figures are the child's,
    # added to the web process's own when /metrics is read
    svc = make_service(max_attempts=2, worker_process=worker_process)
    before = _families(svc)
    # nothing has talked to GitHub yet: no request counted, no rate limit claimed
    assert before["modeltier_github_requests"] == []
    assert before["modeltier_github_rate_limit_remaining"] == []
    assert before["modeltier_github_rate_limit_reset_timestamp_seconds"] == []
    assert before["modeltier_jobs"] == [] and before["modeltier_job_results"] == []

    _auth_pr(fake)
    payload = pr_payload(fake, 7)
    fake.reset_counts()  # from here on, only the service's own requests
    assert svc.send("pull_request", payload).status_code == 202
    svc.wait_idle()
    # the job's row says done a moment before its worker counts it (in the child process, at a
    # lower priority, that moment can be long on a loaded machine)
    deadline = time.monotonic() + 60
    after = _families(svc)
    while (not _value(after, "modeltier_job_seconds_count")
           and time.monotonic() < deadline):
        time.sleep(0.05)
        after = _families(svc)
    # a job that published a failing check is a job that succeeded
    assert _value(after, "modeltier_jobs_total", kind="evaluate", outcome="succeeded") == 1
    assert _value(after, "modeltier_job_results_total", kind="evaluate", result="failure") == 1
    assert _value(after, "modeltier_deliveries_total", event="pull_request", outcome="queued") == 1
    assert _value(after, "modeltier_ack_seconds_count") == 1
    assert _value(after, "modeltier_job_seconds_count") == 1

    # every request GitHub answered is counted, by method, endpoint class and status; the
    # installation-token exchange runs on PyGithub's own requester and is the one not seen
    seen = Counter(
        (r.method, endpoint_class(r.path), str(r.status)) for r in fake.requests
        if not r.path.endswith("/access_tokens")
    )
    counted = Counter({
        (s.labels["method"], s.labels["endpoint"], s.labels["status"]): int(s.value)
        for s in after["modeltier_github_requests"] if s.name == "modeltier_github_requests_total"
    })
    assert counted == seen
    assert counted[("GET", "/repos/pulls", "200")] >= 1
    assert counted[("POST", "/repos/check-runs", "201")] == 1

    remaining = _value(after, "modeltier_github_rate_limit_remaining", installation=str(INSTALLATION))
    assert 0 < remaining < 5000
    assert _value(after, "modeltier_github_rate_limit_reset_timestamp_seconds",
                  installation=str(INSTALLATION)) > 1_700_000_000

    # GitHub fails every read of the PR: the job is retried once, then dead
    fake.add_pull(REPO, number=8, title="x", head_sha="c" * 40,
                  files=[{"filename": "README.md", "patch": "@@ -1 +1 @@\n-a\n+b\n"}])
    payload = pr_payload(fake, 8)
    fake.inject(502, count=None, method="GET", path_contains=f"{REPO}/pulls/8")
    svc.send("pull_request", payload)
    deadline = time.monotonic() + 30
    while svc.service.store.count_jobs("dead") == 0:  # (wait_idle can see a retry in passing)
        assert time.monotonic() < deadline, "the job did not die"
        time.sleep(0.05)
    last = _families(svc)
    assert _value(last, "modeltier_jobs_total", kind="evaluate", outcome="retried") == 1
    assert _value(last, "modeltier_jobs_total", kind="evaluate", outcome="dead") == 1
    assert _value(last, "modeltier_jobs_dead") == 1
    assert _value(last, "modeltier_github_requests_total", method="GET", endpoint="/repos/pulls",
                  status="502") >= 2
