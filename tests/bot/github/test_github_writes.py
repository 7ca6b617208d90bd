"""Writes that are not idempotent (a comment or check run POST) are never blindly retried: when
the answer is lost after GitHub did the work (a reset after processing) or is a server error,
the port looks for what it wrote before writing again. Label writes are idempotent, retried as
they are, and a failure that outlasts the retries reaches the caller."""

from __future__ import annotations

import httpx
import pytest

from bot.github.port import CheckRunOutput, GitHubError
from bot.github.pygithub import WRITE_ATTEMPTS, connect
from tests.bot.github.conftest import HEAD, REPO

OUTPUT = CheckRunOutput(conclusion="failure", title="Critical", summary="auth changed")


@pytest.fixture
def port(fake):
    connection = connect(fake.url, app_id=fake.app_id, private_key=fake.app_private_key_pem,
                         max_wait=1.0)
    yield connection.port(42)
    connection.close()


def _posts(fake, path):
    return [r for r in fake.request_log("POST") if r.path.endswith(path)]


def test_a_comment_whose_answer_was_lost_is_found_not_posted_again(fake, port):
    fake.inject_lost_response(count=1, method="POST", path_contains="/issues/7/comments")
    comment_id = port.create_comment(REPO, 7, "<!-- modeltier -->\nverdict")
    comments = fake.comments(REPO, 7)
    assert [c["id"] for c in comments] == [comment_id]
    assert len(_posts(fake, "/issues/7/comments")) == 1  # the lookup found it: no second POST


def test_a_comment_refused_with_a_server_error_is_looked_for_then_posted(fake, port):
    fake.inject(502, count=1, method="POST", path_contains="/issues/7/comments")
    comment_id = port.create_comment(REPO, 7, "hello")
    assert [c["id"] for c in fake.comments(REPO, 7)] == [comment_id]
    assert [r.status for r in _posts(fake, "/issues/7/comments")] == [502, 201]
    assert fake.count("GET", path_contains="/issues/7/comments") == 1  # looked first


def test_someone_elses_comment_with_the_same_body_is_not_taken_for_ours(fake, port):
    theirs = httpx.post(f"{fake.url}/repos/{REPO}/issues/7/comments", json={"body": "hello"},
                        headers={"Authorization": f"token {fake.token}"})
    theirs.raise_for_status()
    fake.inject_lost_response(count=1, method="POST", path_contains="/issues/7/comments")
    comment_id = port.create_comment(REPO, 7, "hello")
    assert comment_id != theirs.json()["id"]
    ours = [c["id"] for c in fake.comments(REPO, 7) if c["user"]["login"] == fake.bot_login]
    assert ours == [comment_id]


def test_a_check_run_whose_answer_was_lost_is_found_and_updated_not_created_again(fake, port):
    fake.inject_lost_response(count=1, method="POST", path_contains="/check-runs")
    check_id = port.publish_check(REPO, HEAD, "modeltier", OUTPUT, None)
    runs = fake.check_runs(REPO, head_sha=HEAD)
    assert [r["id"] for r in runs] == [check_id]
    assert runs[0]["conclusion"] == "failure"
    assert len(_posts(fake, "/check-runs")) == 1


def test_a_comment_post_that_keeps_failing_raises_after_its_attempts(fake, port):
    fake.inject(502, count=None, method="POST", path_contains="/issues/7/comments")
    with pytest.raises(GitHubError) as raised:
        port.create_comment(REPO, 7, "hello")
    assert raised.value.status == 502
    assert len(_posts(fake, "/issues/7/comments")) == WRITE_ATTEMPTS
    assert fake.comments(REPO, 7) == []


def test_a_comment_refused_for_a_client_error_is_not_retried(fake, port):
    fake.inject(422, count=1, method="POST", path_contains="/issues/7/comments")
    with pytest.raises(GitHubError) as raised:
        port.create_comment(REPO, 7, "hello")
    assert raised.value.status == 422
    assert len(_posts(fake, "/issues/7/comments")) == 1


def test_labels_are_retried_and_a_lasting_failure_reaches_the_caller(fake, port):
    fake.inject_lost_response(count=1, method="POST", path_contains="/issues/7/labels")
    port.set_labels(REPO, 7, ["modeltier:critical"], [])
    assert fake.labels_on(REPO, 7) == ["modeltier:critical"]
    fake.inject(502, count=None, method="POST", path_contains="/issues/7/labels")
    with pytest.raises(GitHubError) as raised:
        port.set_labels(REPO, 7, ["modeltier:tier:premium"], [])
    assert raised.value.status == 502
