"""The PR comment: what comes first, what the fix says, and that no PR can break it or make it
too long for GitHub."""

from __future__ import annotations

import dataclasses
import datetime
import re

import pytest

from bot.analysis.models import Decision
from bot.render import MARKER, CommentContext, OverrideInfo, render_comment
from bot.render.markdown import MAX_COMMENT_CHARS, MIN_BUDGET
from tests.bot.render._builders import (
    AUTH_DIFF,
    ELEVATED_DIFF,
    MIXED_DIFF,
    ROUTINE_DIFF,
    decide_diff,
    decision,
    hostile_decision,
    huge_decision,
)


def _balanced(comment: str) -> None:
    """HTML blocks the comment opens are closed, whatever was cut."""
    assert comment.count("<details>") == comment.count("</details>")
    assert comment.count("<summary>") == comment.count("</summary>")
    assert comment.count("<code>") == comment.count("</code>")
    assert comment.count("<sub>") == comment.count("</sub>")


def _table_rows(comment: str) -> list[str]:
    return [line for line in comment.splitlines() if line.startswith("|")]


@pytest.mark.parametrize(
    ("diff", "body", "status", "fix_parts"),
    [
        (AUTH_DIFF, "Model: GPT-5.4", "✅ Passed", []),
        (AUTH_DIFF, "", "❓ Missing", ["How to fix:", "<code>Model: GPT-5.4</code>"]),
        (
            AUTH_DIFF,
            "Model: Composer 2",
            "❌ Failed",
            ["How to fix:", "Redo or review the change with GPT-5.4", "/modeltier override"],
        ),
        (ELEVATED_DIFF, "", "ℹ️ Advisory", []),
        (ROUTINE_DIFF, "", "ℹ️ Advisory", []),
    ],
)
def test_verdict_and_fix_follow_the_heading(
    diff: str, body: str, status: str, fix_parts: list[str]
) -> None:
    d = decide_diff(diff, body)
    comment = render_comment(d)
    lines = comment.splitlines()
    assert lines[0] == MARKER
    # Status first, in words and one symbol; then the tier and the model.
    assert lines[1].startswith(f"### {status} · modeltier: ")
    assert f"{d.tier_title} tier, {d.recommended_model_name} recommended" in lines[1]
    assert f"{d.risk} risk" in lines[3]
    for dot in ("🔴", "🟠", "🟢"):  # the risk's colour does not compete with the status
        assert dot not in comment
    for part in fix_parts:
        assert part in comment
    assert ("How to fix:" in comment) == bool(fix_parts)


def test_comment_lists_areas_with_line_references_and_rules() -> None:
    comment = render_comment(decide_diff(AUTH_DIFF, ""))
    rows = _table_rows(comment)
    assert rows[0] == "| Area | Risk | Where | Rules |"
    auth = next(r for r in rows if r.startswith("| Authentication |"))
    assert "| critical |" in auth
    assert "<code>app/auth/login.py&#35;L3</code>" in auth
    assert "<code>auth.password-hashing</code>" in auth
    security = next(r for r in rows if r.startswith("| Security-sensitive code |"))
    assert "(removed line)" in security


def test_comment_shows_reasons_declared_models_and_checklist() -> None:
    comment = render_comment(decide_diff(AUTH_DIFF, "Model: llama-9000\nModel: Composer 2"))
    assert "#### Why" in comment
    assert "- Touches Authentication (critical)" in comment
    assert "**Shape:** 1 file, 3 changed lines" in comment
    assert "<code>Model: llama-9000</code>" in comment
    assert "not in the policy's model catalog" in comment
    assert "<code>composer&#45;2</code>" not in comment  # ids are code, not escaped text
    assert "<code>composer-2</code>" in comment
    assert "**Authentication**\n\n- [ ] Failed and missing credentials" in comment
    assert "- [ ] Cryptography uses vetted library defaults" in comment


def test_not_inspected_files_are_collapsed() -> None:
    comment = render_comment(decide_diff(MIXED_DIFF, ""))
    assert "<details><summary>1 file not inspected</summary>" in comment
    assert "- <code>app/billing/keys.bin</code> — binary file" in comment
    _balanced(comment)


def test_override_replaces_the_fix_and_says_who_when_why() -> None:
    when = datetime.datetime(
        2026, 4, 1, 14, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=2))
    )
    override = OverrideInfo(
        who="maintainer-jo",
        when=when,
        reason="Hotfix, reviewed by security.",
        sha="0123456789abcdef0123",
    )
    comment = render_comment(decide_diff(AUTH_DIFF, ""), CommentContext(override=override))
    assert "**🔓 Overridden** by <code>maintainer-jo</code> on 2026-04-01 12:30 UTC" in comment
    assert "for <code>0123456789ab</code>" in comment
    assert "> **Reason:** Hotfix, reviewed by security." in comment
    assert "How to fix:" not in comment
    assert comment.splitlines()[1].startswith("### 🔓 Overridden · ")
    assert "Without the override: Missing: no evidence of the model used." in comment


def test_naive_override_time_is_taken_as_utc() -> None:
    override = OverrideInfo(who="jo", when=datetime.datetime(2026, 1, 2, 3, 4), reason="ok")
    comment = render_comment(decide_diff(AUTH_DIFF, ""), CommentContext(override=override))
    assert "on 2026-01-02 03:04 UTC" in comment


def test_policy_errors_preview_draft_and_footer() -> None:
    errors = [".github/modeltier.yml:3:5: areas.auth.risk: Input should be 'critical'"]
    preview = decide_diff(ROUTINE_DIFF, "")
    ctx = CommentContext(
        head_sha="deadbeefcafe0123456789",
        policy_errors=errors,
        policy_preview=preview,
        policy_preview_errors=["pr.yml:1:1: tiers: Field required"],
        draft=True,
        repository_policy=".github/modeltier.yml@main",
    )
    comment = render_comment(decide_diff(AUTH_DIFF, ""), ctx)
    # errors beside a policy in force (an organisation layer, a locked field set back)
    assert ("so what they name was not applied (the policy in force: "
            "<code>.github/modeltier.yml&#64;main</code>)") in comment
    default = dataclasses.replace(ctx, repository_policy="default")
    assert "the **default policy** was applied" in render_comment(
        decide_diff(AUTH_DIFF, ""), default)
    assert "<details><summary>1 policy error</summary>" in comment
    assert (
        "<code>.github/modeltier.yml:3:5: areas.auth.risk: Input should be 'critical'</code>"
        in comment
    )
    assert "A policy file is invalid (1 error)" in comment  # not always the repository's
    assert "The proposed policy is invalid (1 error)" in comment
    assert "Under the proposed policy (not enforced): routine risk" in comment
    assert "📝 Draft pull request" in comment
    assert comment.rstrip().endswith(
        "<sub>modeltier · policy <code>.github/modeltier.yml&#64;main</code> · commit "
        "<code>deadbeefcafe</code> · schema <code>1.0</code></sub>"
    )
    _balanced(comment)


def test_preview_lists_the_areas_it_would_flag() -> None:
    ctx = CommentContext(policy_preview=decide_diff(AUTH_DIFF, "Model: GPT-5.4"))
    comment = render_comment(decide_diff(ROUTINE_DIFF, ""), ctx)
    assert (
        "Under the proposed policy (not enforced): critical risk, Premium tier, ✅ Passed"
        in comment
    )
    assert "  - Authentication, critical (1 file)" in comment


def test_no_context_means_no_optional_sections() -> None:
    comment = render_comment(decide_diff(ROUTINE_DIFF, ""))
    for absent in ("policy error", "proposed policy", "Draft", "Overridden", "not inspected"):
        assert absent not in comment
    assert "None touched." in comment


def test_rendering_is_deterministic() -> None:
    d = decide_diff(AUTH_DIFF, "")
    assert render_comment(d) == render_comment(d)


# --- size ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def huge() -> Decision:
    return huge_decision()


def test_huge_decision_fits_and_says_what_was_left_out(huge: Decision) -> None:
    comment = render_comment(huge)
    assert len(comment) <= MAX_COMMENT_CHARS
    assert len(comment) <= 60_000
    assert comment.startswith(MARKER)
    assert re.search(r"…and [\d,]+ more files not shown\.", comment)
    assert re.search(r"…and [\d,]+ more areas not shown\.", comment)
    assert re.search(r"…and [\d,]+ more lines of evidence not shown\.", comment)
    assert "<details><summary>3,000 files not inspected</summary>" in comment
    assert "Evidence: 5,000 pieces kept of 50,000 found" in comment
    assert "**Area number 0** — 225 more found, over the policy's limits" in comment
    assert "<br>+247 more in 25 files |" in comment
    _balanced(comment)


def test_huge_decision_uses_the_room_it_has(huge: Decision) -> None:
    comment = render_comment(huge)
    # Sections that were cut take the room others left, so the comment is nearly full.
    assert len(comment) > 55_000


@pytest.mark.parametrize("budget", [MIN_BUDGET, 8_000, 20_000, 100_000])
def test_budget_is_respected(huge: Decision, budget: int) -> None:
    comment = render_comment(huge, budget=budget)
    assert len(comment) <= min(budget, MAX_COMMENT_CHARS)
    assert comment.startswith(MARKER)
    assert "Premium tier, GPT-5.4 recommended" in comment.splitlines()[1]
    _balanced(comment)


def test_enormous_sentences_are_clipped() -> None:
    d = decision(verdict_reason="|" * 200_000, fix="<" * 200_000)
    override = OverrideInfo(
        who="x" * 10_000, when=datetime.datetime(2026, 1, 1), reason="@" * 200_000
    )
    for ctx in (None, CommentContext(override=override)):
        comment = render_comment(d, ctx)
        assert len(comment) <= 60_000
        assert comment.startswith(MARKER)


def test_tiny_budget_falls_back_to_the_verdict() -> None:
    long_name = decision(verdict_reason="x" * 5_000, fix="y" * 5_000)
    for d in (decide_diff(AUTH_DIFF, ""), long_name):
        comment = render_comment(d, budget=300)
        assert len(comment) <= MIN_BUDGET
        assert comment.startswith(MARKER)
        assert comment.splitlines()[1].startswith("### ❓ Missing · ")
        assert "**Missing: no evidence of the model used.**" in comment


# --- escaping -----------------------------------------------------------------------------


def test_hostile_text_is_escaped() -> None:
    comment = render_comment(hostile_decision())
    assert "<script>" not in comment
    assert "<img" not in comment
    assert "<b>" not in comment
    assert "@octocat" not in comment
    assert "`rm -rf /`" not in comment
    assert "**bold**" not in comment
    assert "[a](http" not in comment
    assert "\n- starts like" not in comment
    assert "\n- 1. starts" not in comment
    # The text itself is still there, as character references.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in comment
    assert "@\u200doctocat" in comment or "&#64;octocat" in comment


def test_hostile_text_cannot_break_the_table() -> None:
    rows = _table_rows(render_comment(hostile_decision()))
    assert len(rows) == 3  # header, separator, one area
    for row in rows:
        assert row.count("|") == 5, row


def test_mentions_in_plain_text_get_a_zero_width_joiner() -> None:
    comment = render_comment(decision(reasons=["Ask @octocat or @github/security about #12"]))
    assert "Ask @\u200doctocat or @\u200dgithub/security about &#35;\u200d12" in comment


def test_model_evidence_shows_provenance_family_and_unknown_names() -> None:
    comment = render_comment(
        decide_diff(AUTH_DIFF, "Model: Claude Opus 4.8 (1M context), Mistral Large 3")
    )
    assert (
        "→ <code>claude-opus-4.8</code>, <code>premium</code> tier, declared evidence: "
        "meets the requirement — Claude Opus 4.8 is not in the catalog (dated 2026-04-01)"
    ) in comment
    assert "as Claude Opus &gt;= 4.6 it counts as premium" in comment
    assert "not in the policy's model catalog (not counted) — Mistral Large 3 is not in" in comment
    assert "<code>models: {mistral-large-3:" in comment
    _balanced(comment)


def test_model_evidence_shows_a_conflict() -> None:
    from bot.analysis.decide import decide
    from bot.analysis.diff import parse_diff
    from bot.analysis.models import Commit, PullRequestInfo
    from policies.loader import default_policy

    pr = PullRequestInfo(
        body="Model: GPT-5.4", commits=(Commit(sha="d" * 40, message="Fix\n\nAI-Model: Composer 2"),)
    )
    comment = render_comment(decide(parse_diff(AUTH_DIFF), default_policy(), pr))
    assert "⚠️ The description names GPT-5.4" in comment
    assert "does not meet the requirement" in comment
