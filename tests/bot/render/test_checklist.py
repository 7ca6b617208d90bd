"""bot.render.checklist: the boxes of the comment's review checklist, the ticks an edit made, the
record of who ticked, and the gate a required checklist makes; rendered with cmark-gfm."""

from __future__ import annotations

import datetime

import cmarkgfm
from cmarkgfm.cmark import Options

from bot.analysis.decide import decide
from bot.analysis.diff import parse_diff
from bot.analysis.models import ChecklistGroup, PullRequestInfo
from bot.render.checklist import (
    Tick,
    Undone,
    box_of,
    checklist_ticks,
    gate,
    tick_boxes,
    tick_changes,
    ticks_from_events,
)
from bot.render.markdown import MARKER, CommentContext, render_comment
from policies.loader import load_policy
from policies.model import Permission
from tests.bot.render._builders import AUTH_DIFF, decision

AT = datetime.datetime(2026, 11, 30, 15, 4, tzinfo=datetime.UTC)
GROUPS = [
    ChecklistGroup(area="auth", title="Authentication", items=["Sessions expire", "No bypass"],
                   required=True),
    ChecklistGroup(area="docs", title="Docs", items=["Spelling"]),
]
SESSIONS, BYPASS = box_of(GROUPS[0], "Sessions expire"), box_of(GROUPS[0], "No bypass")
SPELLING = box_of(GROUPS[1], "Spelling")


def _html(markdown: str) -> str:
    return cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)


def _comment(**context: object) -> str:
    return render_comment(decision(checklist=GROUPS), CommentContext(**context))  # type: ignore[arg-type]


def test_an_edit_ticks_and_unticks_boxes_of_the_checklist_only() -> None:
    before = _comment() + "\n- [ ] a box someone wrote below\n"
    after = tick_boxes(before, {SESSIONS}).replace("- [ ] a box someone", "- [x] a box someone")
    assert tick_changes(before, after) == [(SESSIONS, True)]
    assert tick_changes(after, tick_boxes(after, {BYPASS})) == [(BYPASS, True), (SESSIONS, False)]


def test_a_box_that_an_edit_adds_or_removes_is_no_tick() -> None:
    before = _comment()
    added = before.replace("- [ ] No bypass\n", "- [ ] No bypass\n- [x] Approved by me\n")
    assert tick_changes(before, added) == []
    assert tick_changes(None, before) == []


def test_the_record_replays_ticks_unticks_and_undone_changes() -> None:
    def event(kind: str, actor: str, box: tuple[str, str], **detail: object) -> dict[str, object]:
        return {"kind": kind, "actor": actor, "created_at": AT,
                "detail": {"group": box[0], "item": box[1], **detail}}

    ticks, undone = ticks_from_events([
        event("checklist.ticked", "rita", SESSIONS, permission="write"),
        event("checklist.ticked", "rita", BYPASS, permission="write"),
        event("checklist.unticked", "sam", BYPASS, permission="maintain"),
        event("checklist.reverted", "walt", BYPASS, ticked=True, why="takes write"),
        event("checklist.ticked", "dora", SPELLING),
    ])
    assert ticks == {SESSIONS: Tick(SESSIONS, "rita", AT, Permission.WRITE),
                     SPELLING: Tick(SPELLING, "dora", AT, None)}
    assert undone == [Undone(BYPASS, "walt", AT, True, "takes write")]


def test_a_required_checklist_counts_only_ticks_by_the_role_and_not_the_author() -> None:
    ticks = {
        SESSIONS: Tick(SESSIONS, "Octocat", AT, Permission.ADMIN),  # the author, any case
        BYPASS: Tick(BYPASS, "walt", AT, Permission.TRIAGE),
        SPELLING: Tick(SPELLING, "dora", AT, None),  # advisory: anyone's tick is kept
    }
    checks, shown = gate(decision(checklist=GROUPS), ticks, permission=Permission.WRITE,
                         author="octocat", verified=True)
    assert checks is not None and checks.open
    assert checks.missing == (SESSIONS, BYPASS) and checks.areas == ("Authentication",)
    assert shown == {SPELLING}
    assert checks.title() == "Review checklist: 2 of 2 required boxes to tick (Authentication)"

    ticks[BYPASS] = Tick(BYPASS, "rita", AT, Permission.MAINTAIN)
    ticks[SESSIONS] = Tick(SESSIONS, "sam", AT, Permission.WRITE)
    checks, shown = gate(decision(checklist=GROUPS), ticks, permission=Permission.WRITE,
                         author="octocat", verified=True)
    assert checks is not None and not checks.open and checks.ticked_by == ("rita", "sam")
    assert shown == {SESSIONS, BYPASS, SPELLING}


def test_the_action_counts_the_boxes_it_sees_and_says_it_cannot_tell_who() -> None:
    ticks = {box: Tick(box, None) for box in (SESSIONS, BYPASS)}
    checks, _ = gate(decision(checklist=GROUPS), ticks, permission=Permission.WRITE,
                     author="octocat", verified=False)
    assert checks is not None and not checks.open
    html = _html(_comment(checklist=checks))
    assert "Who ticked is not known here (the Action reads the boxes only)" in html


def test_an_advisory_checklist_makes_no_gate() -> None:
    advisory = [g.replace(required=False) for g in GROUPS]
    checks, shown = gate(decision(checklist=advisory), {SESSIONS: Tick(SESSIONS, "x")},
                         permission=Permission.WRITE, author=None, verified=True)
    assert checks is None and shown == {SESSIONS}


def test_the_gate_is_said_above_the_boxes_and_undone_ticks_are_noted() -> None:
    checks, _ = gate(decision(checklist=GROUPS), {}, permission=Permission.MAINTAIN,
                     author="octocat", verified=True,
                     undone=[Undone(BYPASS, "walt", AT, True, "ticking it takes the maintain "
                                                         "role or higher (walt has write)")])
    body = _comment(checklist=checks)
    html = _html(body)
    quote = html[html.index("<blockquote>"):html.index("</blockquote>")]
    assert "<strong>Before merge:</strong> every box of Authentication, ticked by someone with " \
           "the <code>maintain</code> role or higher, not the pull request's author: 0 of 2 " \
           "boxes ticked; the check waits for the rest." in quote
    assert ("↩️ <code>walt</code>'s tick of “No bypass” was undone (2026-11-30 15:04 UTC): "
            "ticking it takes the maintain role or higher (walt has write)") in html
    assert html.count('type="checkbox"') == 3, "the notes are no boxes"
    assert checklist_ticks(tick_boxes(body, {BYPASS})) == {BYPASS}
    assert "@walt" not in body and body.startswith(MARKER)


def test_the_policy_makes_checklists_required_for_all_or_per_area() -> None:
    def groups(text: str) -> dict[str, bool]:
        policy = load_policy(text, name="modeltier.yml")
        made = decide(parse_diff(AUTH_DIFF), policy, PullRequestInfo())
        return {g.area: g.required for g in made.checklist}

    assert set(groups("areas: {}\n").values()) == {False}
    required = groups("checklist: required\n")
    assert required and set(required.values()) == {True}
    mixed = groups("checklist: required\nareas:\n  auth:\n    checklist_mode: advisory\n")
    assert mixed["auth"] is False and set(mixed.values()) == {True, False}
