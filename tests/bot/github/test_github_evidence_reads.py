"""The PyGithub port's reads behind the evidence of the model used: a PR's reviews (oldest
first), who added a label (the issue events API), and team membership for CODEOWNERS teams
(never an error: a team GitHub does not confirm is not one the reviewer is in)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.github import pygithub
from bot.github.pygithub import PyGithubPort, connect
from tests.bot.github.conftest import HEAD, REPO
from tests.fakegithub import FakeGitHub

PERMISSIONS = {"pull_requests": "write", "issues": "write", "contents": "read",
               "metadata": "read", "checks": "write"}


def _port(fake: FakeGitHub) -> Iterator[PyGithubPort]:
    connection = connect(fake.url, app_id=fake.app_id, private_key=fake.app_private_key_pem,
                         max_wait=2)
    yield connection.port(42)
    connection.close()


@pytest.fixture
def port(fake: FakeGitHub) -> Iterator[PyGithubPort]:
    yield from _port(fake)


def test_reviews_come_oldest_first_with_state_and_commit(fake, port):
    for i in range(35):  # more than one page
        fake.add_review(REPO, 7, f"user{i}", "COMMENTED")
    fake.add_review(REPO, 7, "mia", "APPROVED")
    dismissed = fake.add_review(REPO, 7, "wes", "APPROVED", commit_id="b" * 40)
    fake.dismiss_review(REPO, 7, dismissed)
    reviews = port.pull_reviews(REPO, 7)
    assert len(reviews) == 37
    assert [(r.login, r.state, r.commit_id) for r in reviews[-2:]] == [
        ("mia", "APPROVED", HEAD), ("wes", "DISMISSED", "b" * 40)]
    assert all(r.permission is None and r.teams == () for r in reviews)


def test_who_added_a_label_is_the_last_to_add_it(fake, port):
    assert port.label_added_by(REPO, 7, "model:gpt-5.4") is None
    fake.label(REPO, 7, "model:gpt-5.4", "wes")
    fake.label(REPO, 7, "model:gpt-5.4", "wes", add=False)
    fake.label(REPO, 7, "model:gpt-5.4", "mia")
    fake.label(REPO, 7, "modeltier:override", "ada")
    assert port.label_added_by(REPO, 7, "model:gpt-5.4") == "mia"
    assert port.label_added_by(REPO, 7, "modeltier:override") == "ada"


def test_team_membership_without_the_members_permission_is_no_membership(fake, port):
    fake.add_team("octo", "security", ["carol"])
    assert port.team_member("octo/security", "carol") is False  # 403: not confirmed


def test_team_membership_with_the_members_permission() -> None:
    with FakeGitHub() as server:
        server.add_repo(REPO)
        server.add_installation(42, repos=[REPO], permissions={**PERMISSIONS, "members": "read"})
        server.add_team("octo", "security", ["carol"])
        server.add_user("erin")
        for port in _port(server):
            assert port.team_member("octo/security", "carol") is True
            assert port.team_member("octo/Security", "erin") is False
            assert port.team_member("octo/nobody", "carol") is False


def test_notes_are_read_through_the_git_data_api(fake, port, monkeypatch):
    assert port.notes(REPO, "refs/notes/ai", [HEAD]) == {}  # no such ref: nothing, no error
    assert port.notes(REPO, "refs/notes/ai", [HEAD]) == {}
    assert fake.count("GET", path_contains="/git/ref/") == 1, "a missing ref is remembered"
    monkeypatch.setattr(pygithub, "NO_NOTES_TTL", 0.0)  # ... for a while
    fake.add_note(REPO, HEAD, "app.py\n  h 1\n---\n{}\n")
    fake.add_note(REPO, "b" * 40, "other")
    assert port.notes(REPO, "refs/notes/ai", [HEAD, "c" * 40]) == {HEAD: "app.py\n  h 1\n---\n{}\n"}
