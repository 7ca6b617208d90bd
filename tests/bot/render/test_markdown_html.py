"""The PR comment as GitHub shows it: rendered with cmark-gfm (GitHub's own Markdown engine,
raw HTML allowed as GitHub allows it before sanitising) and read as HTML."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import cmarkgfm
import pytest
from cmarkgfm.cmark import Options

from bot.analysis.decide import decide
from bot.analysis.diff import parse_diff
from bot.analysis.models import Decision, PullRequestInfo, Verdict
from bot.render.markdown import (
    MARKER,
    MAX_COMMENT_CHARS,
    CommentContext,
    carry_ticks,
    checklist_ticks,
    comment_wanted,
    render_comment,
    render_routine_note,
)
from policies.loader import default_policy
from tests.bot.render._builders import (
    AUTH_DIFF,
    ELEVATED_DIFF,
    ROUTINE_DIFF,
    decide_diff,
    decision,
    huge_decision,
)

ROOT = Path(__file__).resolve().parents[3]
HEAD, BASE = "a" * 40, "b" * 40
CTX = CommentContext(head_sha=HEAD, base_sha=BASE, repository="acme/shop")


def html(markdown: str) -> str:
    return cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)


@dataclass
class _Node:
    tag: str
    attrs: dict[str, str]
    text: str = ""
    children: list[_Node] = field(default_factory=list)


class _Tree(HTMLParser):
    """Just enough of the DOM: elements with their attributes and their text content."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("root", {})
        self.stack = [self.root]
        self.all: list[_Node] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = _Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        self.all.append(node)
        if tag not in ("input", "br", "img", "hr"):
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        while len(self.stack) > 1:
            if self.stack.pop().tag == tag:
                break

    def handle_data(self, data: str) -> None:
        for node in self.stack[1:]:
            node.text += data


def dom(markdown: str) -> _Tree:
    tree = _Tree()
    tree.feed(html(markdown))
    tree.close()
    return tree


def _find(tree: _Tree, tag: str) -> list[_Node]:
    return [n for n in tree.all if n.tag == tag]


def _stripe_decision() -> Decision:
    diff = (ROOT / "examples" / "billing-refund.diff").read_text(encoding="utf-8")
    body = (ROOT / "examples" / "billing-refund.md").read_text(encoding="utf-8")
    return decide(parse_diff(diff), default_policy(), PullRequestInfo(body=body))


def test_the_status_comes_first_in_words_and_one_symbol() -> None:
    tree = dom(render_comment(_stripe_decision(), CTX))
    (heading,) = _find(tree, "h3")
    assert heading.text.startswith("✅ Passed · modeltier: Premium tier, GPT-5.4 recommended")
    assert "🔴" not in heading.text


@pytest.mark.parametrize(
    ("diff", "body", "first_word"),
    [
        (AUTH_DIFF, "", "❓ Missing"),
        (AUTH_DIFF, "Model: Composer 2", "❌ Failed"),
        (ELEVATED_DIFF, "", "ℹ️ Advisory"),
    ],
    ids=["missing", "failed", "advisory"],
)
def test_each_status_leads_the_heading(diff: str, body: str, first_word: str) -> None:
    (heading,) = _find(dom(render_comment(decide_diff(diff, body), CTX)), "h3")
    assert heading.text.startswith(first_word + " · ")


def test_the_stripe_call_is_the_first_evidence_and_links_to_its_line() -> None:
    tree = dom(render_comment(_stripe_decision(), CTX))
    (table,) = _find(tree, "table")
    rows = [r for r in table.children[1].children if r.tag == "tr"]  # tbody
    billing = rows[0]
    assert billing.children[0].text == "Billing and payments"
    where = billing.children[2]
    first_link = next(n for n in where.children if n.tag == "a")
    assert first_link.attrs["href"] == f"/acme/shop/blob/{HEAD}/app/billing/refunds.py#L25"
    assert first_link.text == "app/billing/refunds.py#L25"
    assert billing.children[3].text.split()[0] == "billing.stripe"
    # The collapsed evidence list starts with the same line: one ranking for every section.
    details = next(n for n in _find(tree, "details") if "Evidence:" in n.text)
    items = [n for n in _find(tree, "li") if n in _descendants(details)]
    assert items[0].text.startswith("app/billing/refunds.py#L25 · billing.stripe")
    assert "stripe.Refund.create(" in items[0].text


def _descendants(node: _Node) -> list[_Node]:
    out = []
    for child in node.children:
        out += [child, *_descendants(child)]
    return out


def test_removed_lines_link_to_the_base_commit() -> None:
    tree = dom(render_comment(decide_diff(AUTH_DIFF, ""), CTX))
    links = {a.text: a.attrs["href"] for a in _find(tree, "a")}
    assert links["app/auth/login.py#L2"] == f"/acme/shop/blob/{BASE}/app/auth/login.py#L2"
    assert links["app/auth/login.py#L3"] == f"/acme/shop/blob/{HEAD}/app/auth/login.py#L3"


def test_without_a_repository_there_are_no_links() -> None:
    assert _find(dom(render_comment(decide_diff(AUTH_DIFF, ""))), "a") == []


def test_long_paths_are_shortened_in_the_middle_and_linked_whole() -> None:
    path = "services/payments/internal/providers/stripe/adapters/v2/refund_handler.py"
    diff = (
        f"diff --git a/{path} b/{path}\n--- a/{path}\n+++ b/{path}\n@@ -1,1 +1,2 @@\n x = 1\n"
        "+stripe.Refund.create(amount=1)\n"
    )
    tree = dom(render_comment(decide_diff(diff, ""), CTX))
    link = next(a for a in _find(tree, "a") if a.text.endswith("#L2"))
    assert link.attrs["href"] == f"/acme/shop/blob/{HEAD}/{path}#L2"
    assert "…" in link.text and link.text.endswith("refund_handler.py#L2")
    assert len(link.text) <= 60


def test_paths_with_spaces_and_markup_are_linked_safely() -> None:
    path = "app/billing/a b)<x>.py"
    diff = (
        f"diff --git a/{path} b/{path}\n--- a/{path}\n+++ b/{path}\n@@ -1,1 +1,2 @@\n x = 1\n"
        "+stripe.Refund.create(amount=1)\n"
    )
    tree = dom(render_comment(decide_diff(diff, ""), CTX))
    link = next(a for a in _find(tree, "a") if a.text.endswith("#L2"))
    assert link.attrs["href"] == f"/acme/shop/blob/{HEAD}/app/billing/a%20b%29%3Cx%3E.py#L2"
    assert link.text == f"{path}#L2"
    assert _find(tree, "x") == []


def test_the_checklist_is_a_task_list() -> None:
    tree = dom(render_comment(_stripe_decision(), CTX))
    boxes = [n for n in _find(tree, "input") if n.attrs.get("type") == "checkbox"]
    assert len(boxes) >= 5
    assert all("checked" not in b.attrs for b in boxes)


def test_the_areas_table_is_a_table() -> None:
    tree = dom(render_comment(_stripe_decision(), CTX))
    (table,) = _find(tree, "table")
    assert [th.text for th in _find(tree, "th")] == ["Area", "Risk", "Where", "Rules"]
    assert table.children[1].children[0].children[1].text == "critical"


def test_a_huge_decision_stays_under_the_limit_and_renders_balanced() -> None:
    comment = render_comment(huge_decision(), CTX)
    assert len(comment) <= MAX_COMMENT_CHARS
    rendered = html(comment)
    assert rendered.count("<details>") == rendered.count("</details>")
    assert "not shown" in rendered


# --- when there is a comment ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("diff", "body", "mode", "wanted"),
    [
        (ROUTINE_DIFF, "", "sensitive", False),
        (ROUTINE_DIFF, "", "always", True),
        (ELEVATED_DIFF, "", "sensitive", True),  # a sensitive area, advisory
        (AUTH_DIFF, "Model: GPT-5.4", "sensitive", True),
        (AUTH_DIFF, "", "never", False),
    ],
    ids=["routine", "routine-always", "elevated", "critical-pass", "never"],
)
def test_comment_wanted_follows_the_policy(diff: str, body: str, mode: str, wanted: bool) -> None:
    assert comment_wanted(decide_diff(diff, body), mode) is wanted  # type: ignore[arg-type]


def test_a_routine_pr_with_a_policy_problem_or_a_failure_still_gets_a_comment() -> None:
    routine = decide_diff(ROUTINE_DIFF, "")
    assert comment_wanted(routine, "sensitive", policy_problem=True)
    assert comment_wanted(routine, "sensitive", overridden=True)
    failing = decision(verdict=Verdict.MISSING)
    assert comment_wanted(failing.replace(areas=[]), "sensitive")


def test_the_routine_note_is_one_line_without_a_verdict() -> None:
    note = render_routine_note(decide_diff(ROUTINE_DIFF, ""), CommentContext(head_sha=HEAD))
    assert note.startswith(MARKER + "\n")
    line = note.removeprefix(MARKER + "\n").rstrip("\n")
    assert "\n" not in line
    assert "now routine" in line and "Everyday tier" in line and "aaaaaaaaaaaa" in line
    for stale in ("Passed", "Missing", "Failed", "Premium"):
        assert stale not in line
    (paragraph,) = _find(dom(note), "p")
    assert paragraph.text.startswith("ℹ️ modeltier: this pull request is now routine")


# --- checklist ticks --------------------------------------------------------------------------


def test_ticks_are_carried_over_by_item() -> None:
    first = render_comment(_stripe_decision(), CTX)
    boxes = [line for line in first.splitlines() if line.startswith("- [ ] ")]
    ticked = first.replace(boxes[1], boxes[1].replace("- [ ] ", "- [x] ", 1), 1)
    assert checklist_ticks(ticked) == {("Billing and payments", boxes[1][6:])}
    again = carry_ticks(ticked, render_comment(_stripe_decision(), CTX))
    assert again == ticked
    checked = [n for n in _find(dom(again), "input") if "checked" in n.attrs]
    assert len(checked) == 1


def test_ticks_of_items_that_no_longer_apply_are_dropped() -> None:
    first = render_comment(_stripe_decision(), CTX)
    box = next(line for line in first.splitlines() if line.startswith("- [ ] "))
    ticked = first.replace(box, box.replace("- [ ] ", "- [x] ", 1), 1)
    routine = render_comment(decide_diff(ROUTINE_DIFF, ""), CTX)
    assert carry_ticks(ticked, routine) == routine


def test_a_box_outside_the_checklist_is_never_ticked() -> None:
    """Only the checklist's own boxes count: text elsewhere that looks like one does not."""
    previous = f"{MARKER}\n- [x] Amounts are integers\n"
    body = render_comment(_stripe_decision(), CTX)
    assert carry_ticks(previous, body) == body
