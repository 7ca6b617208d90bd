"""Who may see which repository (`webhooks.compliance.access`), over a stand-in for GitHub's
answers: the configured role and team, answers trusted for their time to live only, a question
GitHub could not answer is never remembered and hides the repository, questions asked a few at
a time."""

from __future__ import annotations

import threading
import time

import pytest

from bot.github.port import GitHubError
from policies.model import Permission
from webhooks.compliance.access import AccessPolicy


class Answers:
    """GitHub as the policy asks it: roles by (repo, login), team members, failures."""

    def __init__(self, roles=None, team=(), failing=(), delay=0.0):
        self.roles = dict(roles or {})
        self.team = set(team)
        self.failing = set(failing)
        self.delay = delay
        self.asked: list[tuple[str, str]] = []
        self.running = 0
        self.most_at_once = 0
        self.lock = threading.Lock()

    def permission(self, repo, login):
        with self.lock:
            self.asked.append((repo, login))
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
        try:
            time.sleep(self.delay)
            if repo in self.failing:
                raise GitHubError("GitHub answered 502", 502)
            return self.roles.get((repo, login))
        finally:
            with self.lock:
                self.running -= 1

    def in_team(self, team, login):
        self.asked.append((team, login))
        if "team" in self.failing:
            raise GitHubError("GitHub answered 502", 502)
        return login in self.team


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def _policy(answers, clock=None, team=None, permission=Permission.WRITE):
    return AccessPolicy(answers, permission=permission, team=team, ttl=300,
                        clock=clock or Clock())


@pytest.mark.parametrize(("role", "least", "sees"), [
    (Permission.ADMIN, Permission.WRITE, True),
    (Permission.WRITE, Permission.WRITE, True),
    (Permission.TRIAGE, Permission.WRITE, False),
    (None, Permission.READ, False),
    (Permission.READ, Permission.READ, True),
])
def test_a_repository_shows_from_the_configured_role(role, least, sees):
    answers = Answers({("o/r", "alice"): role})
    scope = _policy(answers, permission=least).scope("alice", ["o/r"])
    assert scope.allows("o/r") is sees
    assert scope.unanswered == 0


def test_team_members_see_everything_and_others_are_asked_per_repository():
    answers = Answers({("o/a", "bob"): Permission.ADMIN}, team={"carol"})
    policy = _policy(answers, team="acme/compliance")
    everything = policy.scope("carol", ["o/a", "o/b"])
    assert everything.repos is None and everything.allows("anything/else")
    assert answers.asked == [("acme/compliance", "carol")]
    assert policy.scope("bob", ["o/a", "o/b"]).repos == frozenset({"o/a"})


def test_answers_are_trusted_for_their_time_to_live_only():
    clock = Clock()
    answers = Answers({("o/r", "alice"): Permission.ADMIN})
    policy = _policy(answers, clock)
    assert policy.scope("alice", ["o/r"]).allows("o/r")
    answers.roles[("o/r", "alice")] = Permission.READ  # the role taken away on GitHub
    clock.now += 299
    assert policy.scope("alice", ["o/r"]).allows("o/r")
    assert len(answers.asked) == 1
    clock.now += 2
    assert not policy.scope("alice", ["o/r"]).allows("o/r")
    assert len(answers.asked) == 2


def test_a_question_github_cannot_answer_hides_and_is_asked_again():
    answers = Answers({("o/a", "alice"): Permission.ADMIN, ("o/b", "alice"): Permission.ADMIN},
                      failing={"o/b", "team"})
    policy = _policy(answers, team="acme/compliance")
    scope = policy.scope("alice", ["o/a", "o/b"])
    assert scope.repos == frozenset({"o/a"}) and scope.unanswered == 1
    answers.failing.clear()
    answers.team.add("alice")
    scope = policy.scope("alice", ["o/a", "o/b"])
    assert scope.repos is None  # the team question was not remembered as "no"


def test_questions_are_asked_a_few_at_a_time():
    repos = [f"o/r{i}" for i in range(20)]
    answers = Answers({(r, "alice"): Permission.WRITE for r in repos}, delay=0.05)
    scope = _policy(answers).scope("alice", repos)
    assert scope.repos == frozenset(repos)
    assert 1 < answers.most_at_once <= 8
