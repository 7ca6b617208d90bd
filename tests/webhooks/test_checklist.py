"""Issue 11, section 2, end to end against the fake GitHub: a reviewer ticks boxes of the bot's
comment (an edit through GitHub's API, then the `issue_comment.edited` delivery GitHub sends for
it); the App records who ticked, undoes what does not count and gates the check on a required
checklist; a push re-evaluates and keeps the ticks that count."""

from __future__ import annotations

from typing import Any

import cmarkgfm
import httpx
from cmarkgfm.cmark import Options

from bot.render.markdown import MARKER
from tests.webhooks.conftest import INSTALLATION, REPO, api_json, pr_payload
from tests.webhooks.test_service import AUTH_PATCH, TYPO_PATCH, _auth_pr, _ours

REQUIRED = "checklist: required\n"


def _boxes(body: str) -> list[str]:
    return [line for line in body.splitlines() if line.startswith(("- [ ] ", "- [x] "))]


def _checked(body: str) -> int:
    """How many of the comment's task-list boxes GitHub shows ticked (its own Markdown engine)."""
    html = cmarkgfm.github_flavored_markdown_to_html(body, options=Options.CMARK_OPT_UNSAFE)
    return html.count('type="checkbox" checked=""')


def _edit(fake, svc, login: str, boxes: list[str], *, tick: bool = True,
          sender_type: str = "User") -> httpx.Response:
    """`login` ticks (or unticks) these boxes of our comment, as GitHub's UI does: the comment
    is edited through the API, then GitHub's `issue_comment.edited` delivery is sent."""
    (comment,) = _ours(fake)
    before = comment["body"]
    after = before
    for box in boxes:
        flipped = ("- [x] " if tick else "- [ ] ") + box[6:]
        after = after.replace(box, flipped, 1)
    token = f"{login}-token"
    fake.add_token(token, login)
    edited = httpx.patch(f"{fake.url}/repos/{REPO}/issues/comments/{comment['id']}",
                         headers={"Authorization": f"token {token}"}, json={"body": after})
    assert edited.status_code == 200, edited.text
    payload: dict[str, Any] = {
        "action": "edited",
        "changes": {"body": {"from": before}},
        "issue": {"number": 7, "pull_request": {"url": f"{fake.url}/repos/{REPO}/pulls/7"}},
        "comment": edited.json(),
        "repository": api_json(fake, f"/repos/{REPO}"),
        "installation": {"id": INSTALLATION},
        "sender": {"login": login, "type": sender_type, "id": 5},
    }
    response = svc.send("issue_comment", payload)
    svc.wait_idle()
    return response


def _check(fake, head: str = "a" * 40) -> dict[str, Any]:
    return fake.check_runs(REPO, head_sha=head)[-1]


def _events(svc, kind: str) -> list[dict[str, Any]]:
    return svc.service.store.events(REPO, 7, kind_prefix=kind)


def _opened(svc, fake, policy: str = REQUIRED, **kw) -> list[str]:
    fake.set_file(REPO, ref="main", path=".github/modeltier.yml", content=policy)
    _auth_pr(fake, body="Model: GPT-5.4", **kw)
    svc.send("pull_request", pr_payload(fake, 7))
    svc.wait_idle()
    (comment,) = _ours(fake)
    boxes = _boxes(comment["body"])
    assert len(boxes) >= 2
    return boxes


def test_a_required_checklist_holds_the_check_until_a_reviewer_ticks_every_box(
    make_service, fake
):
    svc = make_service()
    boxes = _opened(svc, fake)
    check = _check(fake)
    assert check["conclusion"] == "action_required", "the model passes; the checklist waits"
    assert check["output"]["title"].startswith(
        f"Review checklist: {len(boxes)} of {len(boxes)} required boxes to tick (Authentication, "
        "Transactions and data integrity) - Critical: Premium tier (GPT-5.4) - pass")
    body = _ours(fake)[0]["body"]
    assert f"0 of {len(boxes)} boxes ticked; the check waits for the rest." in body

    fake.set_permission(REPO, "rita", "write")
    assert _edit(fake, svc, "rita", boxes[:1]).status_code == 202
    assert _check(fake)["conclusion"] == "action_required"
    assert _check(fake)["output"]["title"].startswith(
        f"Review checklist: {len(boxes) - 1} of {len(boxes)}")
    assert _checked(_ours(fake)[0]["body"]) == 1

    _edit(fake, svc, "rita", boxes[1:])
    assert _check(fake)["conclusion"] == "success"
    body = _ours(fake)[0]["body"]
    assert _checked(body) == len(boxes)
    assert "Ticked by <code>rita</code>." in body
    ticked = _events(svc, "checklist.ticked")
    assert [(e["actor"], e["detail"]["permission"]) for e in ticked] == [
        ("rita", "write")] * len(boxes)
    assert {e["detail"]["area"] for e in ticked} == {"auth", "transactions"}
    assert all(e["head_sha"] == "a" * 40 and e["created_at"] is not None for e in ticked)


def test_the_bots_own_rewrite_of_its_comment_is_no_tick(make_service, fake):
    svc = make_service()
    boxes = _opened(svc, fake)
    before = fake.count()
    response = _edit(fake, svc, fake.bot_login, boxes, sender_type="Bot")
    assert response.json() == {"status": "ignored", "reason": "modeltier's comment edited by a bot"}
    spent = [f"{r.method} {r.path}" for r in fake.request_log()[before:]]
    assert spent == [f"PATCH /repos/{REPO}/issues/comments/{_ours(fake)[0]['id']}",
                     f"GET /repos/{REPO}"], "the edit and the test's payload: no job, no loop"
    assert _events(svc, "checklist.") == []
    assert _check(fake)["conclusion"] == "action_required"


def test_an_unauthorised_tick_is_undone_noted_and_the_check_still_waits(make_service, fake):
    svc = make_service()
    boxes = _opened(svc, fake, policy=REQUIRED + "checklist_permission: maintain\n")
    fake.set_permission(REPO, "walt", "write")  # may edit the comment, may not tick it
    _edit(fake, svc, "walt", boxes[:1])
    assert _check(fake)["conclusion"] == "action_required"
    body = _ours(fake)[0]["body"]
    assert _checked(body) == 0, "the tick is undone in the comment"
    assert "<code>walt</code>'s tick of" in body and "maintain role or higher (walt has write)" in body
    assert _events(svc, "checklist.ticked") == []
    (reverted,) = _events(svc, "checklist.reverted")
    assert reverted["actor"] == "walt" and reverted["detail"]["ticked"] is True

    fake.set_permission(REPO, "octocat", "admin")  # the PR's author: never its own reviewer
    _edit(fake, svc, "octocat", boxes[:1])
    assert _checked(_ours(fake)[0]["body"]) == 0
    assert "author cannot tick its own review checklist" in _ours(fake)[0]["body"]
    assert _check(fake)["conclusion"] == "action_required"


def test_a_push_keeps_the_ticks_that_count_of_items_that_still_apply(make_service, fake):
    svc = make_service()
    boxes = _opened(svc, fake)
    fake.set_permission(REPO, "rita", "write")
    _edit(fake, svc, "rita", boxes[:1])
    fake.push(REPO, 7, "e" * 40, files=[{"filename": "app/auth/views.py", "patch": AUTH_PATCH},
                                        {"filename": "README.md", "patch": TYPO_PATCH}])
    before = fake.count()
    svc.send("pull_request", pr_payload(fake, 7, action="synchronize"))
    svc.wait_idle()
    spent = [f"{r.method} {r.path}" for r in fake.request_log()[before:]]
    assert not [r for r in spent if r.startswith("GET") and "/comments" in r], (
        "the ticks come from the App's record, not from reading the comment again")
    (after,) = _ours(fake)
    lines = after["body"].splitlines()
    assert "e" * 12 in after["body"], "re-evaluated on the new head"
    assert "- [x] " + boxes[0][6:] in lines
    assert boxes[1] in lines, "only the box that was ticked is ticked"
    assert _check(fake, "e" * 40)["conclusion"] == "action_required"

    fake.push(REPO, 7, "f" * 40, files=[{"filename": "README.md", "patch": TYPO_PATCH}])
    svc.send("pull_request", pr_payload(fake, 7, action="synchronize"))
    svc.wait_idle()
    assert _check(fake, "f" * 40)["conclusion"] == "neutral", "no area, no checklist to wait for"
    assert MARKER in _ours(fake)[0]["body"] and "now routine" in _ours(fake)[0]["body"]


def test_an_advisory_checklist_keeps_anyones_ticks_and_never_waits(make_service, fake):
    """The default: ticks are kept across pushes (and audited) but gate nothing, and nobody's
    role is asked for them."""
    svc = make_service()
    boxes = _opened(svc, fake, policy="comment: always\n")
    assert _check(fake)["conclusion"] == "success"
    fake.set_permission(REPO, "walt", "write")
    _edit(fake, svc, "walt", boxes[:1])
    assert fake.count("GET", path_contains="/permission") == 0
    fake.push(REPO, 7, "e" * 40, files=[{"filename": "app/auth/views.py", "patch": AUTH_PATCH},
                                        {"filename": "README.md", "patch": TYPO_PATCH}])
    svc.send("pull_request", pr_payload(fake, 7, action="synchronize"))
    svc.wait_idle()
    lines = _ours(fake)[0]["body"].splitlines()
    assert "- [x] " + boxes[0][6:] in lines and boxes[1] in lines
    assert "Before merge:" not in _ours(fake)[0]["body"]
    assert _check(fake, "e" * 40)["conclusion"] == "success"
    assert [e["actor"] for e in _events(svc, "checklist.ticked")] == ["walt"]
