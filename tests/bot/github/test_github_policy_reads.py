"""What the PyGithub port reads for the organisation policy and review requests (issue 13): the
default branch's head of `owner/.github`, remembered for a short while, and review requests."""

from __future__ import annotations

import pytest

from bot.github import pygithub
from bot.github.port import GitHubError
from bot.github.pygithub import connect
from tests.bot.github.conftest import REPO

HOME = "octo/.github"


@pytest.fixture
def port(fake):
    fake.add_repo(HOME, default_branch="main", default_branch_sha="c" * 40)
    fake.add_installation(43, repos=[REPO, HOME])
    connection = connect(fake.url, app_id=fake.app_id, private_key=fake.app_private_key_pem,
                         max_wait=1.0)
    yield connection.port(43)
    connection.close()


def _head_reads(fake) -> int:
    return fake.count("GET", path_contains="/commits/HEAD")


def test_the_default_branch_head_is_read_once_in_a_burst(fake, port, monkeypatch):
    assert port.default_branch_head(HOME) == "c" * 40
    assert port.default_branch_head(HOME) == "c" * 40
    assert _head_reads(fake) == 1
    fake.set_branch(HOME, "main", "d" * 40)
    monkeypatch.setattr(pygithub, "DEFAULT_BRANCH_TTL", 0.0)
    assert port.default_branch_head(HOME) == "d" * 40  # a moved branch, once the time is up
    assert _head_reads(fake) == 2


def test_no_organisation_repository_is_none_not_an_error(port):
    assert port.default_branch_head("octo/nothing") is None


def test_review_requests_reach_github_and_a_refusal_is_an_error(fake, port):
    fake.add_user("bob")
    port.request_reviews(REPO, 7, ["bob"], ["security"])
    assert fake.requested_reviewers(REPO, 7) == (["bob"], ["security"])
    with pytest.raises(GitHubError) as refused:
        port.request_reviews(REPO, 7, ["nobody-here"], [])
    assert refused.value.status == 422
