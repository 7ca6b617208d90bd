"""End to end against the fake GitHub (issue 13, sections 1-3): the organisation policy from the
organisation's `.github` repository with locked fields, its preview, ownership areas from
CODEOWNERS, enforcement conditions, and reviewers requested once per pull request."""

from __future__ import annotations

import html
from collections.abc import Iterator

import pytest

from bot.render.markdown import MARKER
from tests.fakegithub import FakeGitHub
from tests.webhooks.conftest import AUTH_PATCH, INSTALLATION, REPO, pr_payload

HOME = "octo/.github"
ORG_POLICY = """\
locked: [enforcement]
enforcement:
  on_missing: fail
request_review:
  critical: ["@octo/security", "@bob"]
"""


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    with FakeGitHub() as server:
        server.add_repo(REPO, default_branch="main")
        server.add_repo(HOME, default_branch="main")
        server.add_installation(INSTALLATION, repos=[REPO, HOME])
        server.add_user("bob")
        yield server


def _pr(fake: FakeGitHub, *, repo: str = REPO, number: int = 7, head: str = "a" * 40,
        files: list[dict[str, str]] | None = None, **kw: object) -> None:
    fake.add_pull(repo, number=number, title="Change", head_sha=head, user_login="alice",
                  files=files or [{"filename": "app/auth/views.py", "patch": AUTH_PATCH}],
                  commits=[{"sha": head, "message": "Change"}], **kw)


def _plain(markdown: str) -> str:
    """The comment's text as read (entities decoded, the joiner that keeps @ from pinging
    dropped)."""
    return html.unescape(markdown).replace("\u200d", "")


def _comment(fake: FakeGitHub, repo: str = REPO, number: int = 7) -> str:
    ours = [c["body"] for c in fake.comments(repo, number) if MARKER in c["body"]]
    assert len(ours) == 1
    return _plain(ours[0])


def _payload(fake: FakeGitHub, number: int, repo: str, action: str = "opened") -> dict:
    payload = pr_payload(fake, number, action=action) if repo == REPO else None
    if payload is None:
        from tests.webhooks.conftest import api_json
        payload = {
            "action": action, "number": number,
            "pull_request": api_json(fake, f"/repos/{repo}/pulls/{number}"),
            "repository": api_json(fake, f"/repos/{repo}"),
            "installation": {"id": INSTALLATION, "node_id": "MDIz"},
            "sender": {"login": "alice", "type": "User", "id": 1},
        }
    return payload


def test_a_repository_weakening_a_locked_field_gets_an_error_and_the_organisation_value(
    make_service, fake
):
    fake.set_file(HOME, path=".github/modeltier.yml", content=ORG_POLICY)
    fake.set_file(REPO, path=".github/modeltier.yml",
                  content="enforcement:\n  on_missing: warn\ncomment: always\n")
    _pr(fake)
    svc = make_service()
    svc.send("pull_request", _payload(fake, 7, REPO))
    svc.wait_idle()
    body = _comment(fake)
    assert "locked by the organisation policy" in body
    assert "enforcement.on_missing" in body
    (check,) = fake.check_runs(REPO, "a" * 40)
    assert check["conclusion"] == "failure"  # the organisation's `fail`, not the repo's `warn`
    assert "locked by the organisation policy" in _plain(check["output"]["summary"])
    assert "so what they name was not applied" in body
    assert "octo/.github:.github/modeltier.yml@" in body  # where the policy came from


def test_reviewers_are_requested_once_per_pull_request(make_service, fake):
    fake.set_file(HOME, path=".github/modeltier.yml", content=ORG_POLICY)
    _pr(fake)
    svc = make_service()
    svc.send("pull_request", _payload(fake, 7, REPO))
    svc.wait_idle()
    assert fake.requested_reviewers(REPO, 7) == (["bob"], ["security"])
    assert "Review requested from @octo/security (critical), @bob (critical)" in _comment(fake)
    events = svc.service.store.events(REPO, 7, kind_prefix="review.requested")
    assert [(e["head_sha"], e["detail"]["reviewers"]) for e in events] == [
        ("a" * 40, ["@octo/security", "@bob"])]
    fake.push(REPO, 7, "b" * 40)
    svc.send("pull_request", _payload(fake, 7, REPO, action="synchronize"))
    svc.wait_idle()
    assert fake.count("POST", path_contains="requested_reviewers") == 1
    assert len(svc.service.store.events(REPO, 7, kind_prefix="review.requested")) == 1


def test_enforcement_conditions_turn_enforcement_off_with_the_reason(make_service, fake):
    # the organisation's rule: the pull request's base branch holds no policy of its own
    fake.set_file(HOME, path=".github/modeltier.yml",
                  content="enforcement:\n  when: {base: [main, 'release/*']}\n")
    _pr(fake, base_ref="develop")
    svc = make_service()
    svc.send("pull_request", _payload(fake, 7, REPO))
    svc.wait_idle()
    (check,) = fake.check_runs(REPO, "a" * 40)
    assert check["conclusion"] != "failure"
    summary = _plain(check["output"]["summary"])
    assert "Not enforced here" in summary and "the base branch is <code>develop</code>" in summary


def test_files_owned_through_codeowners_count_toward_the_area(make_service, fake):
    fake.set_file(REPO, path=".github/CODEOWNERS", content="/platform/ @octo/platform-sec\n")
    fake.set_file(REPO, path=".github/modeltier.yml", content=(
        "areas:\n  platform:\n    title: Platform\n    owners: ['@octo/platform-sec']\n"))
    _pr(fake, files=[{"filename": "platform/net/tls.go",
                      "patch": "@@ -1 +1 @@\n-x := 1\n+x := 2\n"}])
    svc = make_service()
    svc.send("pull_request", _payload(fake, 7, REPO))
    svc.wait_idle()
    (check,) = fake.check_runs(REPO, "a" * 40)
    assert check["conclusion"] == "failure"
    assert "platform.owners" in _plain(check["output"]["summary"])


def test_a_pull_request_to_the_organisation_policy_gets_the_validated_preview(make_service, fake):
    fake.set_file(HOME, path=".github/modeltier.yml", content=ORG_POLICY)
    patch = "@@ -1,2 +1,2 @@\n locked: [enforcement]\n-x\n+enforcement: {on_missing: never}\n"
    _pr(fake, repo=HOME, number=3, files=[{"filename": ".github/modeltier.yml", "patch": patch}])
    fake.set_file(HOME, path=".github/modeltier.yml", ref="a" * 40,
                  content="enforcement:\n  on_missing: never\n")
    svc = make_service()
    svc.send("pull_request", _payload(fake, 3, HOME))
    svc.wait_idle()
    body = _comment(fake, HOME, 3)
    assert "octo/.github:.github/modeltier.yml" in body
    assert "enforcement.on_missing" in body  # the proposal's error, located
    (check,) = fake.check_runs(HOME, "a" * 40)
    assert check["conclusion"] == "failure"  # a policy change needs an override


def test_a_repository_policy_change_is_previewed_over_the_organisation_policy(make_service, fake):
    fake.set_file(HOME, path=".github/modeltier.yml", content=ORG_POLICY)
    patch = "@@ -0,0 +1,2 @@\n+enforcement:\n+  on_missing: warn\n"
    _pr(fake, files=[{"filename": ".github/modeltier.yml", "status": "added", "patch": patch}])
    fake.set_file(REPO, path=".github/modeltier.yml", ref="a" * 40,
                  content="enforcement:\n  on_missing: warn\n")
    svc = make_service()
    svc.send("pull_request", _payload(fake, 7, REPO))
    svc.wait_idle()
    body = _comment(fake)
    assert "The proposed policy is invalid (1 error)" in body
    assert "enforcement.on_missing: locked by the organisation policy" in body
