"""GitHub faults at the boundary (bot/github/): how long GitHub asks us to wait, a wait longer
than a request may sleep raises at once, idempotent PATCHes are retried, and a check run an
earlier attempt created is updated rather than created again."""

from __future__ import annotations

import time

import pytest

from bot.github.port import CheckRunOutput, GitHubError, retry_after
from bot.github.pygithub import connect
from tests.bot.github.conftest import HEAD, REPO


@pytest.fixture
def port_for(fake):
    connections = []

    def make(max_wait=1.0):
        connections.append(connect(fake.url, app_id=fake.app_id,
                                   private_key=fake.app_private_key_pem, max_wait=max_wait))
        return connections[-1].port(42)

    yield make
    for connection in connections:
        connection.close()


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Retry-After": "30"}, 30.0),
        ({"retry-after": "0"}, 0.0),
        ({"x-ratelimit-remaining": "0", "x-ratelimit-reset": "160"}, 61.0),
        ({"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "90"}, 1.0),
        ({"x-ratelimit-remaining": "12", "x-ratelimit-reset": "160"}, None),
        ({"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}, None),
        ({}, None),
    ],
    ids=["retry-after", "retry-after-zero", "primary-reset", "reset-passed", "budget-left",
         "http-date-ignored", "nothing"],
)
def test_how_long_github_asks_to_wait(headers, expected):
    assert retry_after(headers, now=100.0) == expected


def test_error_when_retry_after_is_longer_than_a_request_may_wait(fake, port_for):
    port = port_for(max_wait=1.0)
    fake.inject_secondary_rate_limit(retry_after=30, count=1, path_contains="/pulls/7")
    started = time.monotonic()
    with pytest.raises(GitHubError) as raised:
        port.pull_request(REPO, 7)
    assert time.monotonic() - started < 1  # not slept out in the request
    assert (raised.value.status, raised.value.retry_after) == (403, 30.0)


def test_primary_limit_error_carries_the_wait_until_reset(fake, port_for):
    port = port_for(max_wait=1.0)
    fake.inject_primary_rate_limit(reset_in=20, count=1, path_contains="/pulls/7")
    with pytest.raises(GitHubError) as raised:
        port.pull_request(REPO, 7)
    assert raised.value.status == 403 and 18 <= raised.value.retry_after <= 23


def test_patch_is_retried_like_get(fake, port_for):
    port = port_for()
    comment = port.create_comment(REPO, 7, "first")
    fake.inject(status=502, count=1, method="PATCH", path_contains="/issues/comments/")
    fake.inject_secondary_rate_limit(retry_after=1, count=1, path_contains="/issues/comments/")
    assert port.update_comment(REPO, comment, "second")
    assert [c["body"] for c in fake.comments(REPO, 7)] == ["second"]


def test_check_run_created_by_an_earlier_attempt_is_updated_not_duplicated(fake, port_for):
    port = port_for()
    output = CheckRunOutput(conclusion="failure", title="t", summary="s")
    first = port.publish_check(REPO, HEAD, "modeltier", output, None)
    again = port.publish_check(REPO, HEAD, "modeltier", CheckRunOutput("success", "t", "s"), None)
    assert first == again
    runs = fake.check_runs(REPO, head_sha=HEAD)
    assert [(r["id"], r["conclusion"]) for r in runs] == [(first, "success")]
    assert port.publish_check(REPO, HEAD, "another-check", output, None) != first


# --- an outage: every read and write of the port ends as a GitHubError that says what failed ------

OUTAGE_CALLS = {
    "permission": ("/collaborators/maya/permission",
                   lambda port: port.permission(REPO, "maya"), "reading maya's permission"),
    "team-member": ("/memberships/maya", lambda port: port.team_member("octo/core", "maya"),
                    "reading maya's membership of octo/core"),
    "file": ("/contents/", lambda port: port.file_at(REPO, "a.py", "main"), "reading a.py@main"),
    "default-branch": ("/commits/HEAD", lambda port: port.default_branch_head(REPO),
                       "reading the default branch"),
    "edit-comment": ("/issues/comments/", lambda port: port.update_comment(REPO, 1, "b"),
                     "editing comment 1"),
}


@pytest.mark.parametrize("outage", ["502", "disconnect"])
@pytest.mark.parametrize("call", list(OUTAGE_CALLS))
def test_an_outage_is_a_github_error_with_the_reason_after_the_retries(
        fake, port_for, call, outage):
    """requests' RetryError (the 502s outlast the retries) or ConnectionError (no answer at all)
    never escapes raw: the job that asked is retried, with the reason, rather than crashing."""
    path, ask, what = OUTAGE_CALLS[call]
    port = port_for()
    if outage == "502":
        fault = fake.inject(502, count=None, path_contains=path)
    else:
        fault = fake.inject_disconnect(count=None, path_contains=path)
    with pytest.raises(GitHubError) as raised:
        ask(port)
    assert str(raised.value).startswith(what)
    reason = "RetryError" if outage == "502" else "ConnectionError"
    assert reason in str(raised.value) and raised.value.status == 0
    assert fault.hits > 1  # retried before giving up


def test_a_commit_status_during_an_outage_is_a_github_error(fake, port_for):
    port = port_for()
    port.use_checks = False  # a token that cannot create check runs sets commit statuses
    fake.inject_disconnect(count=None, path_contains="/statuses/")
    with pytest.raises(GitHubError, match=r"^setting the commit status .*ConnectionError"):
        port.publish_check(REPO, HEAD, "modeltier", CheckRunOutput("failure", "t", "s"), None)


def test_the_app_unreachable_when_naming_itself_is_a_github_error(fake):
    connection = connect(fake.url, app_id=fake.app_id, private_key=fake.app_private_key_pem,
                         max_wait=1.0)
    fake.inject(502, count=None, path_regex=r"^/app$")
    try:
        with pytest.raises(GitHubError, match=r"^reading the App's own name: .*RetryError"):
            connection.port(42)
    finally:
        connection.close()
