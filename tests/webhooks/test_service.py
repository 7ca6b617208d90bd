"""End to end: signed deliveries to `modeltier serve` -> comment, check run, labels on the fake."""

from __future__ import annotations

import concurrent.futures
import logging

import pytest

from bot.render.markdown import MARKER
from tests.webhooks.conftest import AUTH_PATCH, REPO, SECRET, comment_payload, pr_payload

TYPO_PATCH = "@@ -1,2 +1,2 @@\n <h1>Home</h1>\n-<p>Welcom</p>\n+<p>Welcome</p>\n"


def _auth_pr(fake, number=7, body="", head_sha="a" * 40, **kw):
    return fake.add_pull(REPO, number=number, title="Tighten login", body=body, head_sha=head_sha,
                         files=[{"filename": "app/auth/views.py", "patch": AUTH_PATCH}],
                         commits=[{"sha": head_sha, "message": "Tighten login"}], **kw)


def _ours(fake, number=7):
    return [c for c in fake.comments(REPO, number) if MARKER in c["body"]]


@pytest.mark.parametrize(
    ("secret", "expected"),
    [(None, 401), ("wrong secret", 401)],
    ids=["missing-signature", "wrong-secret"],
)
def test_error_when_signature_is_missing_or_wrong(make_service, fake, secret, expected):
    svc = make_service()
    _auth_pr(fake)
    response = svc.send("pull_request", pr_payload(fake, 7), secret=secret)
    assert response.status_code == expected
    assert svc.service.store.count_jobs("pending") == 0
    assert svc.service.store.audit() == []
    assert fake.comments(REPO, 7) == []


def test_error_when_signature_does_not_match_the_body(make_service, fake):
    svc = make_service()
    _auth_pr(fake)
    good = svc.send("ping", {"zen": "x", "hook_id": 1})
    assert good.status_code == 200
    raw = b'{"action": "opened"}'
    headers_secret_ok = svc.send("pull_request", None, body=raw)
    assert headers_secret_ok.status_code == 400  # signed, but the payload lacks the PR
    tampered = svc.http.post("/webhooks/github", content=raw + b" ", headers={
        "X-GitHub-Event": "pull_request", "X-GitHub-Delivery": "d-1",
        "X-Hub-Signature-256": "sha256=" + "0" * 64})
    assert tampered.status_code == 401


@pytest.mark.parametrize(
    ("event", "body", "status"),
    [
        ("pull_request", b"not json", 400),
        ("issues", b'{"action": "opened"}', 200),
        ("pull_request", b'{"action": "closed", "number": 1}', 400),
    ],
    ids=["invalid-json", "unhandled-event", "missing-fields"],
)
def test_bad_or_unhandled_payloads(make_service, event, body, status):
    svc = make_service()
    assert svc.send(event, None, body=body).status_code == status


def test_error_when_body_is_over_25_megabytes(make_service):
    svc = make_service()
    response = svc.send("pull_request", None, body=b" " * (25 * 1024 * 1024 + 1))
    assert response.status_code == 413


def test_opened_critical_pr_gets_comment_failing_check_and_labels(make_service, fake):
    svc = make_service()
    _auth_pr(fake)
    response = svc.send("pull_request", pr_payload(fake, 7))
    assert response.status_code == 202
    svc.wait_idle()
    comments = _ours(fake)
    assert len(comments) == 1
    assert comments[0]["user"]["login"] == fake.bot_login
    assert "Premium" in comments[0]["body"] and "GPT-5.4" in comments[0]["body"]
    runs = fake.check_runs(REPO, head_sha="a" * 40)
    assert [r["conclusion"] for r in runs] == ["failure"]
    assert any(a["path"] == "app/auth/views.py" for a in runs[0]["annotations"])
    assert set(fake.labels_on(REPO, 7)) == {"modeltier:critical", "modeltier:tier:premium"}


def test_declared_premium_model_passes_and_routine_pr_is_neutral(make_service, fake):
    svc = make_service()
    _auth_pr(fake, body="Model: GPT-5.4")
    fake.add_pull(REPO, number=8, title="typo", head_sha="b" * 40,
                  files=[{"filename": "app/templates/home.html", "patch": TYPO_PATCH}])
    svc.send("pull_request", pr_payload(fake, 7))
    svc.send("pull_request", pr_payload(fake, 8))
    svc.wait_idle()
    assert fake.check_runs(REPO, head_sha="a" * 40)[0]["conclusion"] == "success"
    assert fake.check_runs(REPO, head_sha="b" * 40)[0]["conclusion"] == "neutral"
    assert fake.labels_on(REPO, 8) == ["modeltier:tier:everyday"]
    assert _ours(fake, 8) == []  # routine: the check run says it all, no comment


def test_redelivery_is_acknowledged_and_not_processed_twice(make_service, fake):
    svc = make_service()
    _auth_pr(fake)
    payload = pr_payload(fake, 7)
    first = svc.send("pull_request", payload, delivery="same-guid")
    again = svc.send("pull_request", payload, delivery="same-guid")
    assert (first.status_code, again.status_code) == (202, 200)
    assert again.json()["status"] == "duplicate"
    svc.wait_idle()
    assert len(fake.check_runs(REPO)) == 1
    assert fake.count("POST", path_contains="/check-runs") == 1


def test_synchronize_updates_the_one_comment_and_checks_the_new_head(make_service, fake):
    svc = make_service()
    _auth_pr(fake)
    svc.send("pull_request", pr_payload(fake, 7))
    svc.wait_idle()
    fake.push(REPO, 7, "c" * 40, files=[{"filename": "app/templates/home.html",
                                         "patch": TYPO_PATCH}])
    svc.send("pull_request", pr_payload(fake, 7, action="synchronize"))
    svc.wait_idle()
    comments = _ours(fake)
    assert len(comments) == 1
    # Now routine: the comment is edited down to one line, never left with a stale verdict.
    note = comments[0]["body"].removeprefix(MARKER).strip()
    assert note.splitlines() == [note]
    assert "now routine" in note and "Everyday" in note and "Premium" not in note
    assert fake.check_runs(REPO, head_sha="c" * 40)[0]["conclusion"] == "neutral"
    assert "modeltier:critical" not in fake.labels_on(REPO, 7)


def test_concurrent_deliveries_for_one_pr_leave_exactly_one_comment(make_service, fake):
    svc = make_service(workers=4)
    _auth_pr(fake)
    payloads = [pr_payload(fake, 7, action=a) for a in ("opened", "edited", "reopened")] * 4
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(lambda p: svc.send("pull_request", p).status_code, payloads))
    assert set(statuses) == {202}
    svc.wait_idle()
    assert len(_ours(fake)) == 1
    assert len(fake.check_runs(REPO, head_sha="a" * 40)) == 1


def test_stale_head_never_overwrites_the_newer_result(make_service, fake):
    svc = make_service()
    _auth_pr(fake)
    old = pr_payload(fake, 7)
    fake.push(REPO, 7, "d" * 40, files=[{"filename": "app/templates/home.html",
                                         "patch": TYPO_PATCH}])
    new = pr_payload(fake, 7, action="synchronize")
    svc.send("pull_request", new)
    svc.wait_idle()
    svc.send("pull_request", old)  # arrives late
    svc.wait_idle()
    assert _ours(fake) == []  # the newer head is routine: no comment (policy `comment`)
    assert "Everyday" in fake.check_runs(REPO, head_sha="d" * 40)[0]["output"]["title"]
    assert fake.check_runs(REPO, head_sha="a" * 40) == []


def test_policy_comes_from_the_base_branch_and_a_policy_change_is_previewed(make_service, fake):
    svc = make_service()
    fake.set_file(REPO, ref="main", path=".github/modeltier.yml",
                  content="areas:\n  billing:\n    enabled: false\n")
    weakening = "areas:\n  auth:\n    enabled: false\n"
    pr = _auth_pr(fake)
    fake.set_pull_files(REPO, 7, [
        {"filename": "app/auth/views.py", "patch": AUTH_PATCH},
        {"filename": ".github/modeltier.yml", "patch": "@@ -1,2 +1,2 @@\n areas:\n-  billing:\n+  auth:\n"},
    ])
    fake.set_file(REPO, ref=pr.head_sha, path=".github/modeltier.yml", content=weakening)
    svc.send("pull_request", pr_payload(fake, 7))
    svc.wait_idle()
    body = _ours(fake)[0]["body"]
    assert fake.check_runs(REPO, head_sha="a" * 40)[0]["conclusion"] == "failure"
    assert "modeltier policy" in body  # the policy area itself is critical
    assert "preview" in body.lower()


def test_broken_base_policy_applies_the_default_and_shows_the_error(make_service, fake):
    svc = make_service()
    fake.set_file(REPO, ref="main", path=".github/modeltier.yml",
                  content="areas:\n  auth:\n    risk: catastrophic\n")
    _auth_pr(fake)
    svc.send("pull_request", pr_payload(fake, 7))
    svc.wait_idle()
    body = _ours(fake)[0]["body"]
    assert ".github/modeltier.yml:3" in body
    assert fake.check_runs(REPO, head_sha="a" * 40)[0]["conclusion"] == "failure"


@pytest.mark.parametrize(
    ("role", "conclusion", "reply"),
    [("maintain", "success", None), ("write", "failure", "cannot override")],
    ids=["maintainer-allowed", "writer-refused"],
)
def test_override_requires_enough_permission(make_service, fake, role, conclusion, reply):
    svc = make_service()
    _auth_pr(fake)
    fake.set_permission(REPO, "bob", role)
    svc.send("pull_request", pr_payload(fake, 7))
    svc.wait_idle()
    svc.send("issue_comment", comment_payload(fake, 7, "/modeltier override hotfix, reviewed", "bob"))
    svc.wait_idle()
    runs = fake.check_runs(REPO, head_sha="a" * 40)
    assert runs[-1]["conclusion"] == conclusion
    replies = [c["body"] for c in fake.comments(REPO, 7) if MARKER not in c["body"]]
    if reply:
        assert any(reply in r for r in replies)
    else:
        assert "bob" in _ours(fake)[0]["body"]
        rows = [r for r in svc.service.store.audit() if r["type"] == "override.granted"]
        assert rows and rows[0]["who"] == "bob" and rows[0]["reason"] == "hotfix, reviewed"


def test_large_pr_with_missing_patches_is_analysed_by_path(make_service, fake):
    svc = make_service()
    files = [{"filename": f"src/mod{i % 9}/f{i}.py", "additions": 5000, "deletions": 0}
             for i in range(2999)]
    files.append({"filename": "db/migrations/0042_big.py", "additions": 9000, "deletions": 0})
    fake.add_pull(REPO, number=9, title="big", head_sha="e" * 40, files=files)
    svc.send("pull_request", pr_payload(fake, 9))
    svc.wait_idle(60)
    run = fake.check_runs(REPO, head_sha="e" * 40)[0]
    assert run["conclusion"] == "failure"  # the migration path is critical even unread
    body = _ours(fake, 9)[0]["body"]
    assert len(body) <= 65536
    assert fake.count("GET", path_contains="/pulls/9/files") == 30


def test_github_faults_are_retried(make_service, fake):
    svc = make_service()
    _auth_pr(fake)
    fake.inject(status=502, count=2, path_contains="/pulls/7/files")
    fake.inject_secondary_rate_limit(retry_after=1, count=1, path_contains="/check-runs")
    svc.send("pull_request", pr_payload(fake, 7))
    svc.wait_idle()
    assert len(fake.check_runs(REPO, head_sha="a" * 40)) == 1
    assert len(_ours(fake)) == 1


def test_pending_jobs_resume_after_a_restart(make_service, fake):
    first = make_service(workers=1)
    _auth_pr(fake)
    first.service.pool.stop()  # the process "dies" before working
    assert first.send("pull_request", pr_payload(fake, 7)).status_code == 202
    first.stop()
    assert fake.check_runs(REPO) == []
    second = make_service()
    second.wait_idle()
    assert [r["conclusion"] for r in fake.check_runs(REPO)] == ["failure"]


def test_secrets_never_reach_the_logs(make_service, fake, caplog):
    from webhooks.logs import JsonFormatter

    svc = make_service()
    _auth_pr(fake)
    caplog.set_level(logging.DEBUG)
    svc.send("pull_request", pr_payload(fake, 7), secret="wrong")
    logging.getLogger("modeltier.test").warning("leak %s and %s", SECRET,
                                                svc.settings.private_key())
    formatter = JsonFormatter(svc.settings.secrets())
    lines = [formatter.format(r) for r in caplog.records]
    assert lines and all(SECRET not in line for line in lines)
    assert all("PRIVATE KEY" not in line for line in lines)
    assert any("[REDACTED]" in line for line in lines)
