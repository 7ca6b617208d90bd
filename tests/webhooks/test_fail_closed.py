"""Fail closed (issue 15, sections 3 and 4), end to end against the fake GitHub: no policy, diff
or payload stops a check or crashes the service, a PR cannot change the policy on its own say,
and a lost answer from GitHub never doubles a comment or a check run."""

from __future__ import annotations

import json
import logging
import time

import pytest
import sqlalchemy as sa

from bot.render.markdown import MARKER
from tests.webhooks.conftest import AUTH_PATCH, REPO, comment_payload, pr_payload
from webhooks.runtime.store import jobs

DOCS_PATCH = "@@ -1,2 +1,2 @@\n # App\n-Welcom\n+Welcome\n"
HEAD = "a" * 40


def _pr(fake, files, *, body="", number=7, head_sha=HEAD):
    return fake.add_pull(REPO, number=number, title="Change", body=body, head_sha=head_sha,
                         files=files, commits=[{"sha": head_sha, "message": "Change"}])


def _auth_pr(fake, **kw):
    return _pr(fake, [{"filename": "app/auth/views.py", "patch": AUTH_PATCH}], **kw)


def _ours(fake, number=7):
    return [c for c in fake.comments(REPO, number) if MARKER in c["body"]]


def _run(svc, fake, number=7):
    response = svc.send("pull_request", pr_payload(fake, number))
    assert response.status_code == 202, response.text
    svc.wait_idle()


# --- a PR that cannot be judged gets a failing check that says why --------------------------------


@pytest.mark.parametrize(
    ("patch", "reason"),
    [
        ("@@ --1,1 +-1,1 @@\n-a\n+def verify(): return True\n", "not a hunk header"),
        ("@@ -1,1 +1,1 @@\r-a\r+def verify(): return True\r", "carriage return"),
    ],
    ids=["negative-hunk-header", "cr-only-line-endings"],
)
def test_a_diff_that_is_not_a_diff_fails_the_check_and_says_why(make_service, fake, patch, reason):
    svc = make_service()
    _pr(fake, [{"filename": "app/auth/backdoor.py", "patch": patch, "additions": 1,
                "deletions": 1}])
    _run(svc, fake)
    [run] = fake.check_runs(REPO, head_sha=HEAD)
    assert run["conclusion"] == "failure"
    assert run["output"]["title"] == "modeltier could not judge this pull request"
    assert "the diff could not be read: malformed diff at line 4" in run["output"]["summary"]
    assert reason in run["output"]["summary"]
    store = svc.service.store
    assert store.count_jobs("done") == 1 and store.count_jobs("dead") == 0  # not retried


def test_a_job_the_analysis_fails_on_still_ends_with_a_failing_check(make_service, fake):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    svc = make_service()
    started = svc.service.runner.decider  # its workers' analysis processes already run
    svc.service.runner.decider = broken
    try:
        _auth_pr(fake)
        _run(svc, fake)
        [run] = fake.check_runs(REPO, head_sha=HEAD)
        assert run["conclusion"] == "failure"
        assert "internal error while judging: RuntimeError: boom" in run["output"]["summary"]
        assert svc.service.store.count_jobs("dead") == 0
    finally:
        started.close()


def test_an_analysis_that_runs_past_its_limit_fails_the_check_and_frees_the_worker(
    make_service, fake
):
    # a millisecond: less than any child needs to compile the policy's rules
    svc = make_service(analysis_timeout_seconds=0.001)
    _auth_pr(fake)
    _run(svc, fake)
    [run] = fake.check_runs(REPO, head_sha=HEAD)
    assert run["conclusion"] == "failure"
    assert run["output"]["title"] == "modeltier could not judge this pull request"
    assert "the analysis did not finish within 0.001 s" in run["output"]["summary"]
    store = svc.service.store
    assert store.count_jobs("done") == 1 and store.count_jobs("dead") == 0  # not retried


# --- no policy content stops the check ------------------------------------------------------------


def test_a_base_policy_with_a_pattern_its_engine_refuses_falls_back_to_the_default(
    make_service, fake
):
    svc = make_service()
    fake.set_file(REPO, ref="main", path=".github/modeltier.yml",
                  content="exclude:\n  - '**/[z-a]'\n")
    _auth_pr(fake)
    _run(svc, fake)
    body = _ours(fake)[0]["body"]
    # (the comment escapes Markdown: [ is &#91;)
    assert ".github/modeltier.yml:2:5: exclude&#91;0&#93;: invalid path pattern" in body
    assert "the **default policy** was applied" in body
    assert fake.check_runs(REPO, head_sha=HEAD)[0]["conclusion"] == "failure"  # the default's


def test_a_proposed_policy_that_fails_gets_the_preview_error_and_the_base_still_judges(
    make_service, fake
):
    svc = make_service()
    pr = _pr(fake, [
        {"filename": "app/auth/views.py", "patch": AUTH_PATCH},
        {"filename": ".github/modeltier.yml", "status": "added",
         "patch": "@@ -0,0 +1,2 @@\n+areas:\n+  auth: {paths: ['[[:alpha:]]']}\n"},
    ])
    fake.set_file(REPO, ref=pr.head_sha, path=".github/modeltier.yml",
                  content="areas:\n  auth: {paths: ['[[:alpha:]]']}\n")
    _run(svc, fake)
    body = _ours(fake)[0]["body"]
    assert "areas.auth.paths&#91;0&#93;: invalid path pattern" in body
    [run] = fake.check_runs(REPO, head_sha=HEAD)
    assert run["conclusion"] == "failure"


def test_yml_and_yaml_both_on_the_base_is_an_error_and_neither_is_used(make_service, fake):
    svc = make_service()
    fake.set_file(REPO, ref="main", path=".github/modeltier.yml",
                  content="areas:\n  auth:\n    enabled: false\n")
    fake.set_file(REPO, ref="main", path=".github/modeltier.yaml", content="version: 1\n")
    _auth_pr(fake)
    _run(svc, fake)
    body = _ours(fake)[0]["body"]
    assert ".github/modeltier.yml and .github/modeltier.yaml both exist on the base" in body
    # the .yml that turns auth off is not used: the default judges the auth change
    assert fake.check_runs(REPO, head_sha=HEAD)[0]["conclusion"] == "failure"


# --- a PR cannot change the policy on its own say -------------------------------------------------


@pytest.mark.parametrize("path", [".github/modeltier.yaml", ".github/modeltier.yml"])
def test_a_pr_that_adds_a_policy_file_needs_an_override_whatever_it_declares(
    make_service, fake, path
):
    svc = make_service()
    fake.set_file(REPO, ref="main", path=".github/modeltier.yml", content="version: 1\n")
    pr = _pr(fake, [
        {"filename": "README.md", "patch": DOCS_PATCH},
        {"filename": path, "status": "added",
         "patch": "@@ -0,0 +1,3 @@\n+areas:\n+  auth:\n+    enabled: false\n"},
    ], body="Model: GPT-5.4")
    fake.set_file(REPO, ref=pr.head_sha, path=path, content="areas:\n  auth:\n    enabled: false\n")
    fake.set_permission(REPO, "maya", "maintain")
    _run(svc, fake)
    run = fake.check_runs(REPO, head_sha=HEAD)[-1]
    assert run["conclusion"] == "failure"
    assert run["output"]["title"].startswith("Policy change needs an override - ")
    assert f"this pull request changes `{path}`" in _ours(fake)[0]["body"]

    svc.send("issue_comment", comment_payload(fake, 7, "/modeltier override reviewed", "maya"))
    svc.wait_idle()
    run = fake.check_runs(REPO, head_sha=HEAD)[-1]
    assert run["conclusion"] == "success"
    assert "policy" in svc.service.store.active_overrides(REPO, 7)[0]["areas"]


# --- GitHub's lost answers never double a write ---------------------------------------------------


def test_lost_answers_to_comment_and_check_run_posts_leave_one_of_each(make_service, fake):
    svc = make_service()
    _auth_pr(fake)
    fake.inject_lost_response(count=1, method="POST", path_contains="/check-runs")
    fake.inject_lost_response(count=1, method="POST", path_contains="/issues/7/comments")
    _run(svc, fake)
    assert len(fake.check_runs(REPO, head_sha=HEAD)) == 1
    assert len(_ours(fake)) == 1


def test_a_label_write_that_fails_after_its_retries_is_retried_with_the_job(make_service, fake):
    svc = make_service()
    _auth_pr(fake)
    fake.inject(502, count=3, method="POST", path_contains="/issues/7/labels")  # the port's 3
    _run(svc, fake)
    svc.wait_idle()
    assert set(fake.labels_on(REPO, 7)) == {"modeltier:critical", "modeltier:tier:premium"}
    assert len(fake.check_runs(REPO, head_sha=HEAD)) == 1
    assert len(_ours(fake)) == 1


def _retried_errors(svc) -> list[str]:
    with svc.service.store.engine.connect() as conn:
        return [e for (e,) in conn.execute(sa.select(jobs.c.last_error)) if e]


def test_a_permission_check_during_an_outage_is_retried_never_granted(make_service, fake, caplog):
    """GitHub down while an override's permission is checked: the job is retried with the
    reason (requests' RetryError, as a GitHubError), the check stays failing and nothing is
    granted until GitHub answers again; never a crash."""
    svc = make_service()
    _auth_pr(fake)
    fake.set_permission(REPO, "maya", "maintain")
    _run(svc, fake)
    outage = fake.inject(502, count=None, path_contains="/collaborators/maya/permission")
    caplog.set_level(logging.INFO, logger="modeltier")
    svc.send("issue_comment", comment_payload(fake, 7, "/modeltier override reviewed", "maya"))
    deadline = time.monotonic() + 30
    while not _retried_errors(svc):
        assert time.monotonic() < deadline, "the job did not fail"
        time.sleep(0.05)
    [error] = _retried_errors(svc)
    assert error.startswith("GitHubError: reading maya's permission on octo/app: RetryError")
    assert outage.hits > 1
    assert fake.check_runs(REPO, head_sha=HEAD)[-1]["conclusion"] == "failure"
    assert svc.service.store.active_overrides(REPO, 7) == []
    assert not [r for r in caplog.records if r.exc_info]  # a known failure, not a crash

    fake.clear_faults()  # GitHub is back: the retry grants it
    svc.wait_idle()
    assert fake.check_runs(REPO, head_sha=HEAD)[-1]["conclusion"] == "success"
    assert svc.service.store.active_overrides(REPO, 7)[0]["login"] == "maya"


# --- the public endpoint --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    ["sha256=" + "é" * 64, "sha256=\u00ff" + "0" * 63, "sha256=zz", "sha1=" + "0" * 40],
    ids=["non-ascii", "latin-1-digit", "short", "sha1"],
)
def test_error_when_the_signature_header_is_malformed_is_401(make_service, header):
    svc = make_service()
    response = svc.http.post("/webhooks/github", content=b"{}", headers={
        "X-GitHub-Event": "ping", "X-GitHub-Delivery": "d-1",
        "X-Hub-Signature-256": header.encode("latin-1"),
    })
    assert response.status_code == 401
    assert response.json() == {"error": "X-Hub-Signature-256 must be sha256=<hex digest>"}


def test_unsigned_requests_do_not_grow_the_metric_labels(make_service, fake):
    svc = make_service()
    for i in range(20):
        svc.send(f"made-up-{i}", {"zen": "x"}, secret="wrong")
    svc.send("made-up-signed", {"zen": "x"})
    metrics = svc.http.get("/metrics").text
    assert "made-up" not in metrics
    assert 'event="unverified",outcome="bad_signature"} 20.0' in metrics
    assert 'event="other",outcome="ignored"} 1.0' in metrics


def _deep(depth):
    return ("[" * depth + "]" * depth).encode()


@pytest.mark.parametrize(
    ("event", "body", "reason"),
    [
        ("pull_request", b'{"a": ' + _deep(100_000) + b"}", "body nested deeper than 64 levels"),
        ("pull_request", b'{"a": ' + _deep(65) + b"}", "body nested deeper than 64 levels"),
        ("issue_comment", None, "issue_comment payload: issue.number: input should be less "
                                "than or equal to 2147483647"),
        ("issue_comment", None, "issue_comment payload: repository.full_name: string should "
                                "have at most 255 characters"),
        ("issue_comment", None, "issue_comment payload: comment.user.login: value error, "
                                "contains a nul character"),
        ("issue_comment", None, "issue_comment payload: installation.id: input should be less "
                                "than or equal to 9223372036854775807"),
    ],
    ids=["nested-100k", "nested-65", "pr-number-over-int32", "repo-name-over-255",
         "nul-in-login", "installation-over-int64"],
)
def test_error_when_a_signed_payload_exceeds_what_is_stored_is_400(
    make_service, fake, event, body, reason
):
    svc = make_service()
    _auth_pr(fake)
    if body is None:
        payload = comment_payload(fake, 7, "/modeltier recheck", "bob")
        if "number" in reason:
            payload["issue"]["number"] = 2**31
        elif "full_name" in reason:
            payload["repository"]["full_name"] = "o/" + "r" * 300
        elif "login" in reason:
            payload["comment"]["user"]["login"] = "bo\x00b"
        else:
            payload["installation"]["id"] = 2**63
        body = json.dumps(payload).encode()
    response = svc.send(event, None, body=body)
    assert response.status_code == 400
    assert response.json() == {"error": reason}
    assert svc.service.store.count_jobs("pending") == 0


def test_a_nul_in_an_override_reason_is_stored_not_a_crash(make_service, fake):
    svc = make_service()
    _auth_pr(fake)
    fake.set_permission(REPO, "maya", "maintain")
    _run(svc, fake)
    response = svc.send("issue_comment",
                        comment_payload(fake, 7, "/modeltier override hot\x00fix", "maya"))
    assert response.status_code == 202
    svc.wait_idle()
    assert fake.check_runs(REPO, head_sha=HEAD)[-1]["conclusion"] == "success"
    [row] = [r for r in svc.service.store.audit() if r["type"] == "override.granted"]
    assert row["reason"] == "hot\ufffdfix"


def test_a_delivery_id_longer_than_its_column_is_400(make_service):
    svc = make_service()
    response = svc.send("ping", {"zen": "x"}, delivery="d" * 65)
    assert response.status_code == 400
    assert "longer than 64 characters" in response.json()["error"]


# --- generated code is proven by the base's .gitattributes, never by the PR's own ------------------
GENERATED_AUTH = {"filename": "api/generated/auth.go", "patch": (
    "@@ -1,2 +1,3 @@\n package generated\n+func Login() { skipPasswordCheck() }\n"
    " func Logout() {}\n")}


@pytest.mark.parametrize(
    ("base_attributes", "pr_attributes", "critical"),
    [(None, None, True),
     ("api/generated/** linguist-generated\n", None, False),
     (None, "api/generated/** linguist-generated\n", True)],
    ids=["no-gitattributes", "base-marks-it-generated", "only-the-pr-marks-it"])
def test_linguist_generated_on_the_base_proves_a_generated_file(
        make_service, fake, base_attributes, pr_attributes, critical):
    svc = make_service()
    files = [GENERATED_AUTH]
    if base_attributes:
        fake.set_file(REPO, ref="main", path=".gitattributes", content=base_attributes)
    if pr_attributes:
        files.append({"filename": ".gitattributes", "status": "added",
                      "patch": f"@@ -0,0 +1 @@\n+{pr_attributes}"})
    pr = _pr(fake, files)
    if pr_attributes:
        fake.set_file(REPO, ref=pr.head_sha, path=".gitattributes", content=pr_attributes)
    _run(svc, fake)
    [run] = fake.check_runs(REPO, head_sha=HEAD)
    assert run["output"]["title"].startswith("Critical") is critical
    assert (run["conclusion"] == "failure") is critical
    reads = [str(r.query) for r in fake.requests if ".gitattributes" in r.path]
    assert len(reads) == 1 and pr.base_sha in reads[0]  # one read, at the base


# --- the definitions a change is made in, from a bounded read of the changed files ---------------
def _validator(check: str) -> str:
    return ("class PasswordValidator:\n    def validate(self, a, b):\n        x = 1\n"
            f"        return {check}\n")


def test_a_change_inside_a_sensitive_class_is_read_from_the_files_at_head_and_base(
        make_service, fake):
    svc = make_service()
    patch = ("@@ -3,2 +3,2 @@ def validate(self, a, b):\n         x = 1\n"
             "-        return check(a, b)\n+        return check(b, a)\n")
    pr = _pr(fake, [{"filename": "app/util.py", "patch": patch}])
    fake.set_file(REPO, ref=pr.base_sha, path="app/util.py", content=_validator("check(a, b)"))
    fake.set_file(REPO, ref=HEAD, path="app/util.py", content=_validator("check(b, a)"))
    _run(svc, fake)
    [run] = fake.check_runs(REPO, head_sha=HEAD)
    assert run["output"]["title"].startswith("Critical")
    [comment] = _ours(fake)
    assert "class PasswordValidator:" in comment["body"] and "(line 1)" in comment["body"]
    reads = [str(r.query) for r in fake.requests if r.path.endswith("/contents/app/util.py")]
    assert len(reads) == 2 and any(HEAD in q for q in reads)


def test_a_change_found_critical_from_its_diff_reads_no_file(make_service, fake):
    svc = make_service()
    _auth_pr(fake)
    _run(svc, fake)
    assert not [r for r in fake.requests if r.path.endswith("/contents/app/auth/views.py")]
