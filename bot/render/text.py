"""The decision for a person at a terminal, or in a pre-commit hook's one line.

Someone running `modeltier scan` wants the answer before the details: the first lines say the
risk, the tier and model to use, and the verdict with its fix; the areas follow with a few
`path:line` references each, enough to see why without scrolling. Colour helps scanning but
breaks logs and pipes, so it is the caller's choice (`color`), never guessed here.

Diff lines can carry escape sequences; every untrusted string goes through `terminal`, which
makes control characters visible, so a diff cannot move the cursor or recolour the screen.
"""

from __future__ import annotations

from bot.analysis.lazyre import compile_lazily
from bot.analysis.models import AreaResult, Decision, Evidence, Verdict
from bot.render._budget import count
from bot.render._escape import clip, clip_middle, terminal
from policies.model import Risk

__all__ = ["render_oneline", "render_text"]

_CODES = {"bold": "1", "dim": "2", "red": "31", "green": "32", "yellow": "33", "cyan": "36"}
_RISK_STYLE = {Risk.CRITICAL: "red", Risk.ELEVATED: "yellow", Risk.ROUTINE: "green"}
_FIRST_SENTENCE = compile_lazily(r"^(.+?[.!?])(?:\s|$)")


def _paint(value: str, style: str, color: bool) -> str:
    if not color:
        return value
    codes = ";".join(_CODES[s] for s in style.split())
    return f"\x1b[{codes}m{value}\x1b[0m"


def _verdict(decision: Decision) -> tuple[str, str]:
    """The verdict word for a terminal and the style that goes with it."""
    word = str(decision.verdict).upper()
    if decision.verdict == Verdict.PASS:
        return word, "green bold"
    if decision.verdict == Verdict.ADVISORY:
        return word, "cyan"
    if decision.blocking:
        return f"{word} (blocking)", "red bold"
    return f"{word} (warning)", "yellow bold"


def render_text(
    decision: Decision, color: bool, *, evidence_per_area: int = 3, max_areas: int = 20
) -> str:
    """A short report: a summary of 2-6 lines, then each area with a few evidence lines."""
    risk_style = _RISK_STYLE.get(decision.risk, "bold")
    tier = terminal(clip(decision.tier_title, 100))
    model = terminal(clip(decision.recommended_model_name, 100))
    accepted = ", ".join(terminal(clip(m, 100)) for m in decision.accepted_models[:5])
    lines = [
        f"{_paint('modeltier', 'bold', color)}: "
        f"{_paint(f'{decision.risk} risk', risk_style + ' bold', color)} -> "
        f"{_paint(f'{tier} tier', 'bold', color)}, use {_paint(model, 'bold', color)}"
        + (f" (accepted: {accepted})" if accepted else "")
    ]
    word, style = _verdict(decision)
    lines.append(f"{_paint(word, style, color)}: {terminal(clip(decision.verdict_reason, 600))}")
    if decision.fix and decision.verdict in (Verdict.FAIL, Verdict.MISSING):
        lines.append(f"{_paint('fix', 'bold', color)}: {terminal(clip(decision.fix, 600))}")
    if decision.declared_models:
        lines.append(f"{_paint('evidence', 'bold', color)}: {_declared(decision)}")
    if decision.evidence_conflict:
        lines.append(_paint(terminal(clip(decision.evidence_conflict, 400)), "yellow", color))
    if decision.draft:
        lines.append(_paint("draft pull request", "dim", color))
    required = [g for g in decision.checklist if g.required and g.items]
    if required:
        boxes = sum(len(g.items) for g in required)
        titles = ", ".join(terminal(clip(g.title, 100)) for g in required)
        lines.append(
            f"{_paint('review checklist', 'bold', color)}: required before merge ({titles}): "
            f"{count(boxes, 'box', 'boxes')} in the pull request's comment, each ticked by a "
            "reviewer with the policy's checklist_permission role who is not its author"
        )
    if decision.not_inspected:
        reasons = sorted({terminal(clip(n.reason, 60)) for n in decision.not_inspected})
        lines.append(
            _paint(
                f"not inspected: {count(len(decision.not_inspected), 'file')} "
                f"({'; '.join(reasons[:3])}{'; …' if len(reasons) > 3 else ''})",
                "yellow",
                color,
            )
        )
    if decision.areas:
        lines.append("")
        for area in decision.areas[:max_areas]:
            lines += _area(area, color, evidence_per_area)
        if len(decision.areas) > max_areas:
            lines.append(f"… and {count(len(decision.areas) - max_areas, 'more area')}")
    return "\n".join(lines)


def _declared(decision: Decision, shown: int = 3) -> str:
    """The evidence of the model used, with how strong it is: 'Claude Opus 4.8 (commit
    abc1234, tool evidence, via family), llama-4 (PR description, line 3, not in the catalog)'."""
    parts = []
    for item in decision.declared_models[:shown]:
        if item.kind == "model":
            what = item.name or item.model or "?"
            how = " via its family" if item.resolved_by == "family" else ""
            detail = f"{item.tier} tier{how}, {item.provenance} evidence"
        elif item.kind == "tool":
            what, detail = item.tool or "?", f"tool naming no model, {item.provenance} evidence"
        elif item.kind == "human":
            what, detail = "no AI", f"{item.provenance}"
        else:
            what, detail = item.name or item.raw, "not in the catalog, not counted"
        where = clip(item.location, 60)
        parts.append(terminal(clip(f"{what} ({where}; {detail})", 200)))
    left = len(decision.declared_models) - shown
    return "; ".join(parts) + (f"; … and {left} more" if left > 0 else "")


def _area(area: AreaResult, color: bool, evidence_per_area: int) -> list[str]:
    style = _RISK_STYLE.get(area.risk, "bold")
    head = (
        f"{_paint(terminal(clip(area.title, 100)), 'bold', color)} "
        f"{_paint(f'[{area.risk}]', style, color)} "
        f"{count(len(area.files), 'file')}, {count(area.evidence_total, 'piece')} of evidence"
    )
    out = [head]
    if area.weak_evidence:
        out.append(_paint(f"  {terminal(clip(area.weak_evidence, 200))}", "dim", color))
    shown = area.evidence[:evidence_per_area]
    out += [f"  {_evidence(e, color)}" for e in shown]
    left = max(area.evidence_total - len(shown), 0)
    if left:
        out.append(_paint(f"  … and {left:,} more", "dim", color))
    return out


def _evidence(evidence: Evidence, color: bool) -> str:
    path = terminal(clip_middle(evidence.path, 160))
    if evidence.says_why:
        return f"{path}  {_paint(f'({terminal(clip(evidence.snippet, 160))})', 'dim', color)}"
    if evidence.side == "path" or evidence.line is None:
        pattern = terminal(clip(evidence.snippet, 80))
        return f"{path}  {_paint(f'(path matches {pattern})', 'dim', color)}"
    where = f"{path}:{evidence.line}"
    if evidence.side == "old":
        where += " (removed)"
    elif evidence.side == "header":
        where += " (hunk header)"
    rule = _paint(terminal(clip(evidence.rule, 80)), "cyan", color)
    return f"{where}  {rule}  {_paint(terminal(clip(evidence.snippet, 100)), 'dim', color)}"


def render_oneline(decision: Decision) -> str:
    """One line for a pre-commit hook, and a second with the fix when the check would not pass:
    "modeltier: critical (auth, billing) -> Premium tier: use GPT-5.4"."""
    ids = [terminal(clip(a.id, 40)) for a in decision.areas]
    areas = f" ({', '.join(ids[:5])}{f', +{len(ids) - 5}' if len(ids) > 5 else ''})" if ids else ""
    tier = terminal(clip(decision.tier_title, 100))
    model = terminal(clip(decision.recommended_model_name, 100))
    line = f"modeltier: {decision.risk}{areas} -> {tier} tier: use {model}"
    if decision.verdict in (Verdict.FAIL, Verdict.MISSING) and decision.fix:
        fix = terminal(decision.fix)
        match = _FIRST_SENTENCE.match(fix)
        word, _ = _verdict(decision)
        line += f"\n  {word.lower()}: {clip(match.group(1) if match else fix, 200)}"
    return line
