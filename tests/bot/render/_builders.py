"""Decisions for the renderer tests: real ones from the core on small diffs, and extreme ones
built directly (thousands of items, hostile text) that no small diff could produce."""

from __future__ import annotations

from bot.analysis.decide import decide
from bot.analysis.diff import parse_diff
from bot.analysis.models import (
    AreaResult,
    ChecklistGroup,
    Decision,
    DeclaredModel,
    Evidence,
    NotInspected,
    PullRequestInfo,
    Signals,
    Verdict,
)
from policies.loader import default_policy
from policies.model import Risk

AUTH_DIFF = """\
diff --git a/app/auth/login.py b/app/auth/login.py
--- a/app/auth/login.py
+++ b/app/auth/login.py
@@ -1,3 +1,4 @@
 import os
-token = hmac.new(key)
+token = hmac.compare_digest(a, b)
+password = bcrypt.hashpw(pw)
 x = 1
"""

# The same change, 40 lines further down the file.
AUTH_DIFF_SHIFTED = AUTH_DIFF.replace("@@ -1,3 +1,4 @@", "@@ -41,3 +41,4 @@")

MIXED_DIFF = """\
diff --git a/app/billing/keys.bin b/app/billing/keys.bin
index 1..2 100644
Binary files a/app/billing/keys.bin and b/app/billing/keys.bin differ
diff --git a/app/webhooks/slack.py b/app/webhooks/slack.py
--- a/app/webhooks/slack.py
+++ b/app/webhooks/slack.py
@@ -1,1 +1,2 @@
 x = 1
+client = WebClient(token)
"""

ELEVATED_DIFF = """\
diff --git a/app/webhooks/slack.py b/app/webhooks/slack.py
--- a/app/webhooks/slack.py
+++ b/app/webhooks/slack.py
@@ -1,1 +1,2 @@
 x = 1
+client = WebClient(token)
"""

ROUTINE_DIFF = """\
diff --git a/src/util/strings.py b/src/util/strings.py
--- a/src/util/strings.py
+++ b/src/util/strings.py
@@ -1,1 +1,1 @@
-def titel(s): return s.title()
+def title(s): return s.title()
"""

HOSTILE = "x = '|' `rm -rf /` <script>alert(1)</script> @octocat #12 **bold** [a](http://e.vil)"
HOSTILE_PATH = "src/a|b`c<script>x</script>@octocat.py"


def decide_diff(diff: str, body: str = "", *, draft: bool = False) -> Decision:
    """What the real core decides for a diff and a PR description, under the default policy."""
    return decide(parse_diff(diff), default_policy(), PullRequestInfo(body=body, draft=draft))


def _signals(files: int = 1) -> Signals:
    return Signals(
        files=files,
        changed_lines=10,
        modules=1,
        doc_files=0,
        doc_share=0.0,
        long_context=False,
        context_heavy=False,
    )


def decision(
    *,
    areas: list[AreaResult] | None = None,
    reasons: list[str] | None = None,
    declared: list[DeclaredModel] | None = None,
    checklist: list[ChecklistGroup] | None = None,
    not_inspected: list[NotInspected] | None = None,
    verdict: Verdict = Verdict.MISSING,
    verdict_reason: str = "This critical change requires the Premium tier; no model is declared.",
    fix: str | None = "Add a line `Model: GPT-5.4` to the PR description.",
    risk: Risk = Risk.CRITICAL,
) -> Decision:
    """A Decision built directly, with defaults of a failing critical change."""
    return Decision(
        risk=risk,
        tier="premium",
        tier_title="Premium",
        recommended_model="gpt-5.4",
        recommended_model_name="GPT-5.4",
        accepted_models=["gpt-5.4", "claude-opus-4.6"],
        required_tier="premium",
        areas=areas or [],
        signals=_signals(),
        reasons=reasons or ["Touches something."],
        declared_models=declared or [],
        verdict=verdict,
        blocking=verdict in (Verdict.FAIL, Verdict.MISSING),
        verdict_reason=verdict_reason,
        fix=fix,
        checklist=checklist or [],
        not_inspected=not_inspected or [],
    )


def huge_decision() -> Decision:
    """200 areas with 25 pieces of evidence each (5,000 in all, of 50,000 found), 3,000 files
    not inspected, and a checklist and a reason per area."""
    areas = []
    for a in range(200):
        evidence = [
            Evidence(
                path=f"services/area{a}/module{e % 5}/file_{e}.py",
                line=e + 1,
                side="new" if e % 4 else "old",
                rule=f"area{a}.rule{e % 3}",
                snippet=f"transaction.atomic()  # piece {e} of area {a} | `x` <y>",
            )
            for e in range(25)
        ]
        areas.append(
            AreaResult(
                id=f"area{a}",
                title=f"Area number {a}",
                risk=Risk.CRITICAL if a % 2 else Risk.ELEVATED,
                files=sorted({e.path for e in evidence}),
                evidence=evidence,
                evidence_total=250,
            )
        )
    return decision(
        areas=areas,
        reasons=[f"Touches Area number {a} (critical): 25 files." for a in range(200)],
        checklist=[
            ChecklistGroup(
                area=f"area{a}",
                title=f"Area number {a}",
                items=[f"Check {i} of area {a} was done carefully." for i in range(5)],
            )
            for a in range(200)
        ],
        not_inspected=[
            NotInspected(path=f"assets/generated/blob_{i:05d}.bin", reason="binary file")
            for i in range(3_000)
        ],
    )


def hostile_decision() -> Decision:
    """Every user-controlled string carries markup, pipes, backticks, HTML and a mention."""
    evidence = [
        Evidence(path=HOSTILE_PATH, line=3, side="new", rule="auth.credentials", snippet=HOSTILE),
        Evidence(path=HOSTILE_PATH, side="path", rule="auth.path", snippet="**/a|b/**"),
    ]
    return decision(
        areas=[
            AreaResult(
                id="auth",
                title="Auth | <b>x</b> @octocat",
                risk=Risk.CRITICAL,
                files=[HOSTILE_PATH],
                evidence=evidence,
                evidence_total=2,
            )
        ],
        reasons=[f"Touches {HOSTILE}", "- starts like a list item", "1. starts like a list"],
        declared=[
            DeclaredModel(
                source="description",
                location="PR description, line 1",
                raw="Model: @octocat <img src=x onerror=alert(1)> | `x`",
                kind="unknown",
            )
        ],
        checklist=[ChecklistGroup(area="auth", title="Auth", items=[HOSTILE])],
        not_inspected=[NotInspected(path=HOSTILE_PATH, reason="binary <b>file</b> @octocat")],
        verdict_reason=f"Not in the catalog: `Model: @octocat <script>x</script>`. {HOSTILE}",
        fix=f"Declare it. {HOSTILE}",
    )
