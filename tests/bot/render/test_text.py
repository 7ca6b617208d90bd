"""Terminal output: the answer first, colour only when asked, nothing a diff can inject."""

from __future__ import annotations

import re

import pytest

from bot.analysis.models import AreaResult, ChecklistGroup, Evidence, Verdict
from bot.render import render_oneline, render_text
from policies.model import Risk
from tests.bot.render._builders import (
    AUTH_DIFF,
    ELEVATED_DIFF,
    MIXED_DIFF,
    ROUTINE_DIFF,
    decide_diff,
    decision,
    huge_decision,
)

ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.mark.parametrize("diff", [AUTH_DIFF, MIXED_DIFF, ROUTINE_DIFF])
@pytest.mark.parametrize("body", ["", "Model: GPT-5.4", "Model: Composer 2"])
def test_colour_only_when_asked(diff: str, body: str) -> None:
    d = decide_diff(diff, body)
    plain = render_text(d, color=False)
    coloured = render_text(d, color=True)
    assert "\x1b" not in plain
    assert ANSI.search(coloured)
    assert ANSI.sub("", coloured) == plain


@pytest.mark.parametrize(
    ("body", "verdict", "fix"),
    [
        ("", "MISSING (blocking): This critical change requires the Premium tier", True),
        ("Model: Composer 2", "FAIL (blocking): This critical change requires", True),
        ("Model: GPT-5.4", "PASS: GPT-5.4 (PR description, line 1; declared evidence) meets", False),
    ],
)
def test_summary_comes_first(body: str, verdict: str, fix: bool) -> None:
    lines = render_text(decide_diff(AUTH_DIFF, body), color=False).splitlines()
    assert lines[0] == (
        "modeltier: critical risk -> Premium tier, use GPT-5.4 (accepted: gpt-5.4, claude-opus-4.6)"
    )
    assert lines[1].startswith(verdict)
    assert lines[2].startswith("fix: ") is fix
    summary = lines[: lines.index("")]
    assert 2 <= len(summary) <= 6


def test_areas_show_path_line_references() -> None:
    out = render_text(decide_diff(AUTH_DIFF, ""), color=False)
    assert "Authentication [critical] 1 file, 2 pieces of evidence" in out
    assert "  app/auth/login.py  (path matches **/login.*)" in out
    # the line matches both rules; the specific one (password-hashing) names it
    assert "  app/auth/login.py:3  auth.password-hashing  password = bcrypt.hashpw(pw)" in out
    assert "  app/auth/login.py:2 (removed)  security.hashing-hmac  token = hmac.new(key)" in out


def test_not_inspected_and_advisory() -> None:
    out = render_text(decide_diff(MIXED_DIFF, ""), color=False)
    assert "not inspected: 1 file (binary file)" in out
    out = render_text(decide_diff(ELEVATED_DIFF, ""), color=False)
    assert out.splitlines()[1].startswith("ADVISORY: ")
    assert "fix:" not in out


def test_huge_decision_stays_short() -> None:
    lines = render_text(huge_decision(), color=False).splitlines()
    assert len(lines) < 120
    assert lines[-1] == "… and 180 more areas"
    assert "  … and 247 more" in lines


def test_escape_sequences_in_the_diff_are_neutralised() -> None:
    area = AreaResult(
        id="auth",
        title="Auth\x1b[2J",
        risk=Risk.CRITICAL,
        files=["a.py"],
        evidence=[
            Evidence(path="a\x1b]0;pwned\x07.py", line=1, rule="auth.x", snippet="\x1b[31mred")
        ],
        evidence_total=1,
    )
    d = decision(areas=[area], verdict_reason="reason\x1b[1A", fix="fix\rover")
    assert "\x1b" not in render_text(d, color=False)
    assert "\x07" not in render_text(d, color=False)
    coloured = ANSI.sub("", render_text(d, color=True))
    assert "\x1b" not in coloured
    assert "[U+001B][31mred" in coloured
    assert "\x1b" not in render_oneline(d)


@pytest.mark.parametrize(
    ("diff", "body", "expected"),
    [
        (
            AUTH_DIFF,
            "",
            "modeltier: critical (auth, security) -> Premium tier: use GPT-5.4\n"
            "  missing (blocking): Add a line `Model: GPT-5.4` to the PR description, the label "
            "`model:gpt-5.4`, or a commit trailer `Assisted-by: <agent>:gpt-5.4`.",
        ),
        (
            AUTH_DIFF,
            "Model: Composer 2",
            "modeltier: critical (auth, security) -> Premium tier: use GPT-5.4\n"
            "  fail (blocking): Redo or review the change with GPT-5.4 or Claude Opus 4.6 and "
            "declare it.",
        ),
        (
            AUTH_DIFF,
            "Model: GPT-5.4",
            "modeltier: critical (auth, security) -> Premium tier: use GPT-5.4",
        ),
        (ROUTINE_DIFF, "", "modeltier: routine -> Everyday tier: use Composer 2"),
        (ELEVATED_DIFF, "", "modeltier: elevated (integrations) -> Premium tier: use GPT-5.4"),
    ],
)
def test_oneline(diff: str, body: str, expected: str) -> None:
    assert render_oneline(decide_diff(diff, body)) == expected


def test_oneline_caps_the_area_list() -> None:
    line = render_oneline(huge_decision()).splitlines()[0]
    assert line == (
        "modeltier: critical (area0, area1, area2, area3, area4, +195) -> Premium tier: use GPT-5.4"
    )


def test_oneline_without_fix_is_one_line() -> None:
    d = decision(verdict=Verdict.FAIL, fix=None)
    assert "\n" not in render_oneline(d)


def test_the_evidence_line_says_how_strong_each_piece_is() -> None:
    lines = render_text(decide_diff(AUTH_DIFF, "Model: GPT-5.5\nModel: llama-4"), color=False)
    evidence = next(line for line in lines.splitlines() if line.startswith("evidence: "))
    assert evidence == (
        "evidence: GPT-5.5 (PR description, line 1; premium tier via its family, declared "
        "evidence); llama-4 (PR description, line 2; not in the catalog, not counted)"
    )


def test_a_required_checklist_says_what_the_pull_request_will_need() -> None:
    """The CLI sees no PR comment and no ticks: it says what the PR will need (issue 11)."""
    groups = [ChecklistGroup(area="auth", title="Authentication", items=["a", "b"], required=True),
              ChecklistGroup(area="docs", title="Docs", items=["c"])]
    out = render_text(decision(checklist=groups), color=False)
    assert ("review checklist: required before merge (Authentication): 2 boxes in the pull "
            "request's comment, each ticked by a reviewer with the policy's checklist_permission "
            "role who is not its author") in out.splitlines()
    assert "review checklist" not in render_text(decision(checklist=groups[1:]), color=False)
