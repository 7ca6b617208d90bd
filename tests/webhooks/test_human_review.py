"""The App and a critical change declared as written without AI (`enforcement.human_declaration:
require_review`, the default): the check fails until someone with the override permission, or a
code owner of the touched files (CODEOWNERS on the base branch), approves; a
`pull_request_review` delivery re-evaluates it. Against the fake GitHub, through PyGithub."""

from __future__ import annotations

import pytest

from bot.render.markdown import MARKER
from tests.webhooks.conftest import AUTH_PATCH, INSTALLATION, REPO, api_json, pr_payload

HEAD = "a" * 40


def review_payload(fake, number: int, login: str, state: str, action: str = "submitted"):
    """A pull_request_review delivery as an App receives it."""
    return {
        "action": action,
        "review": {"id": 1, "state": state.lower(), "user": {"login": login, "type": "User"},
                   "commit_id": HEAD},
        "pull_request": api_json(fake, f"/repos/{REPO}/pulls/{number}"),
        "repository": api_json(fake, f"/repos/{REPO}"),
        "installation": {"id": INSTALLATION},
        "sender": {"login": login, "type": "User", "id": 3},
    }


def _no_ai_pr(fake, body="Written by hand.\n\nModel: none\n"):
    fake.add_pull(REPO, number=7, title="Tighten login", body=body, head_sha=HEAD,
                  files=[{"filename": "app/auth/views.py", "patch": AUTH_PATCH}],
                  commits=[{"sha": HEAD, "message": "Tighten login"}])


def _conclusions(fake):
    return [r["conclusion"] for r in fake.check_runs(REPO, head_sha=HEAD)]


def _comment(fake):
    return next(c["body"] for c in fake.comments(REPO, 7) if MARKER in c["body"])


@pytest.mark.parametrize(
    ("login", "role", "codeowners", "passes"),
    [
        ("mia", "maintain", None, True),
        ("wes", "write", None, False),
        ("carol", "write", "* @someone\napp/auth/ @carol\n", True),
        # the last matching rule decides: the catch-all owner does not own app/auth/
        ("sam", "write", "* @sam\napp/auth/ @carol\n", False),
    ],
    ids=["maintainer", "writer-not-owner", "code-owner", "owner-of-an-earlier-rule-only"],
)
def test_an_approval_settles_a_change_written_without_ai(
    make_service, fake, login, role, codeowners, passes
):
    if codeowners is not None:
        fake.set_file(REPO, path=".github/CODEOWNERS", content=codeowners)
    svc = make_service()
    _no_ai_pr(fake)
    fake.set_permission(REPO, login, role)
    svc.send("pull_request", pr_payload(fake, 7))
    svc.wait_idle()
    assert _conclusions(fake) == ["failure"]
    body = _comment(fake)
    assert "declared as written without AI" in body
    assert "approve" in body and "`Model: GPT-5.4`" not in body

    fake.add_review(REPO, 7, login, "APPROVED")
    response = svc.send("pull_request_review", review_payload(fake, 7, login, "APPROVED"))
    assert response.status_code == 202
    svc.wait_idle()
    assert _conclusions(fake)[-1] == ("success" if passes else "failure")
    if passes:  # the comment names the approval (a mention, escaped so as not to notify)
        assert f"approved by @\u200d{login} (" in _comment(fake)


def test_a_dismissed_approval_no_longer_counts(make_service, fake):
    svc = make_service()
    _no_ai_pr(fake)
    fake.set_permission(REPO, "mia", "maintain")
    review = fake.add_review(REPO, 7, "mia", "APPROVED")
    svc.send("pull_request", pr_payload(fake, 7))
    svc.wait_idle()
    assert _conclusions(fake) == ["success"]
    fake.dismiss_review(REPO, 7, review)
    svc.send("pull_request_review", review_payload(fake, 7, "mia", "DISMISSED", "dismissed"))
    svc.wait_idle()
    assert _conclusions(fake)[-1] == "failure"


def test_reviews_are_read_only_when_a_no_ai_declaration_needs_them(make_service, fake):
    svc = make_service()
    fake.add_pull(REPO, number=7, title="Tighten login", body="Model: GPT-5.4", head_sha=HEAD,
                  files=[{"filename": "app/auth/views.py", "patch": AUTH_PATCH}],
                  commits=[{"sha": HEAD, "message": "Tighten login"}])
    svc.send("pull_request", pr_payload(fake, 7))
    svc.wait_idle()
    assert _conclusions(fake) == ["success"]
    assert fake.count("GET", path_contains="/reviews") == 0


@pytest.mark.parametrize(
    ("adder", "role", "conclusion"),
    [("mia", "maintain", "success"), ("wes", "write", "failure")],
    ids=["maintainer-attests", "writer-only-declares"],
)
def test_a_model_label_added_by_a_maintainer_is_attested_evidence(
    make_service, fake, adder, role, conclusion
):
    """A policy that wants the tool's own evidence for premium (`min_provenance`) still takes a
    `model:` label that someone with the override permission added: they vouch for it."""
    fake.set_file(REPO, path=".github/modeltier.yml",
                  content="enforcement:\n  min_provenance: {premium: tool}\n")
    svc = make_service()
    _no_ai_pr(fake, body="Tightens the login check.")
    fake.set_permission(REPO, adder, role)
    fake.label(REPO, 7, "model:gpt-5.4", adder)
    svc.send("pull_request", pr_payload(fake, 7, action="labeled",
                                        label={"name": "model:gpt-5.4"}))
    svc.wait_idle()
    assert _conclusions(fake)[-1] == conclusion
    strength = "attested evidence" if role == "maintain" else "declared"
    assert strength in _comment(fake)


def test_codeowners_is_read_once_when_ownership_areas_and_an_approval_both_need_it(
    make_service, fake
):
    fake.set_file(REPO, path=".github/CODEOWNERS", content="app/auth/ @carol\n")
    fake.set_file(REPO, path=".github/modeltier.yml", content=(
        "areas:\n  login:\n    title: Login\n    owners: ['@carol']\n"))
    svc = make_service()
    _no_ai_pr(fake)
    svc.send("pull_request", pr_payload(fake, 7))
    svc.wait_idle()
    assert _conclusions(fake) == ["failure"]
    assert fake.count("GET", path_contains="/reviews") == 1  # the approval was looked for
    assert fake.count("GET", path_contains="CODEOWNERS") == 1
