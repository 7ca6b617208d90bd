"""A merge group passes each pull request that passed on its own PR (its description, labels and
overrides, bound to its head) and judges only what the queue added beyond that head (issue 15,
section 2). Against the fake GitHub, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from tests.webhooks.conftest import REPO, comment_payload, pr_payload
from tests.webhooks.test_events_more import merge_group_payload
from tests.webhooks.test_override_binding import AUTH_FILE, BACKDOOR_FILE, HEAD, _pr

BASE = "1" * 40
GROUP = "9" * 40


def _queue(svc, fake, files, *, pr_head=HEAD):
    fake.set_branch(REPO, "main", BASE)
    fake.set_compare(REPO, BASE, GROUP, files=files, commits=[
        {"sha": HEAD, "message": "Tighten login", "author_login": "octocat"},
        {"sha": GROUP, "message": "Merge pull request #7 from octo/feature"},
    ])
    payload = merge_group_payload(fake, head_sha=GROUP, base_sha=BASE, pr_head=pr_head)
    assert svc.send("merge_group", payload).status_code == 202
    svc.wait_idle()
    [run] = fake.check_runs(REPO, head_sha=GROUP)
    return run


@pytest.fixture
def overridden_pr(make_service, fake):
    """PR #7 at HEAD: a critical auth change with no model evidence, overridden by bob."""
    svc = make_service()
    _pr(fake)
    fake.set_permission(REPO, "bob", "maintain")
    svc.send("pull_request", pr_payload(fake, 7))
    svc.wait_idle()
    svc.send("issue_comment", comment_payload(fake, 7, "/modeltier override reviewed", "bob"))
    svc.wait_idle()
    [run] = fake.check_runs(REPO, head_sha=HEAD)
    assert run["conclusion"] == "success"
    return svc


def test_a_group_of_a_pr_that_passed_on_its_own_passes(overridden_pr, fake):
    run = _queue(overridden_pr, fake, [AUTH_FILE])
    assert run["conclusion"] == "success"
    assert run["output"]["title"].startswith(
        "Merge group (#7 at aaaaaaaaaaaa passed on its own): Critical")
    assert "#7 at `aaaaaaaaaaaa` passed on its own pull request; the queue added no critical" \
        in run["output"]["summary"]


def test_what_the_queue_added_beyond_the_pr_head_is_judged(overridden_pr, fake):
    run = _queue(overridden_pr, fake, [AUTH_FILE, BACKDOOR_FILE])
    assert run["conclusion"] == "failure"
    assert "the queue added critical changes beyond it: `app/auth/backdoor.py`" \
        in run["output"]["summary"]


def test_a_group_of_a_pr_that_did_not_pass_is_judged_on_its_own(make_service, fake):
    svc = make_service()
    _pr(fake)
    svc.send("pull_request", pr_payload(fake, 7))
    svc.wait_idle()
    assert _queue(svc, fake, [AUTH_FILE])["conclusion"] == "failure"


def test_a_group_of_another_head_than_the_one_that_passed_is_judged_on_its_own(
        overridden_pr, fake):
    run = _queue(overridden_pr, fake, [AUTH_FILE], pr_head="c" * 40)
    assert run["conclusion"] == "failure"
    assert "Merge queue" not in run["output"]["summary"]
