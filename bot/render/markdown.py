"""The pull request comment: what the change calls for, whether it got it, and how to fix it.

The comment is read by the PR's author, who needs the verdict and the fix first, and by its
reviewers, who need the areas, the evidence and the checklist. It is rebuilt on every push and
found again by its hidden `MARKER`, so it must be deterministic: the same decision and context
always give the same text (no clock, no environment).

Two things shape the code. Everything that came from the PR (paths, snippets, model names) or from
a repository's policy goes through `bot.render._escape`, so a PR cannot inject markup, break the
table or ping people. And every list is built against a character budget with `fit`, so that a
decision with thousands of files still yields a comment GitHub accepts (65,536 characters), with
a note saying what was left out.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal
from urllib.parse import quote

from bot.analysis.models import (
    AreaResult,
    ChecklistGroup,
    Decision,
    DeclaredModel,
    Evidence,
    Verdict,
)
from bot.render._budget import count, fit
from bot.render._escape import clip, clip_middle, code, inline, text
from bot.render.checklist import CHECKLIST_HEADING, Gate, box_of, carry_ticks, checklist_ticks

__all__ = [
    "DEFAULT_BUDGET",
    "MARKER",
    "MAX_COMMENT_CHARS",
    "MIN_BUDGET",
    "CommentContext",
    "CommentMode",
    "OverrideInfo",
    "carry_ticks",
    "checklist_ticks",
    "comment_wanted",
    "evidence_url",
    "render_comment",
    "render_routine_note",
    "status",
]

MARKER = "<!-- modeltier:comment -->"
MAX_COMMENT_CHARS = 65_536
DEFAULT_BUDGET = 60_000
# Room for the verdict alone (`_minimal`), whatever the policy's names: the smallest budget.
MIN_BUDGET = 2_000

# How much of each untrusted string is shown, before escaping (which can grow it about 6x).
_PATH_CHARS = 160
_SNIPPET_CHARS = 160
_NAME_CHARS = 100
_SENTENCE_CHARS = 1_500
_TABLE_EVIDENCE = 3
_TABLE_RULES = 4
# A path in a link's text: GitHub's comment column is about 90 characters wide, and the table
# also holds the area, the risk and the rules. The link itself always has the full path.
_LINK_PATH_CHARS = 48
# Undone ticks the checklist lists (newest first); the audit keeps them all.
_UNDONE_SHOWN = 5
# The risk is said in words: a coloured dot next to "Passed" would compete with the status.

#: When the PR gets a comment (the check run is always there): `always`; `sensitive`, when a
#: sensitive area is touched or enforcement is not passing; `never`.
CommentMode = Literal["always", "sensitive", "never"]


@dataclass(frozen=True)
class OverrideInfo:
    """A maintainer's waiver of enforcement, shown in place of the fix so it stays on record."""

    who: str
    when: datetime.datetime
    reason: str
    sha: str | None = None


@dataclass(frozen=True)
class CommentContext:
    """What the comment says beyond the Decision: facts only the App knows at posting time.

    `policy_errors` are problems of the base branch's policy (the default was applied instead);
    `policy_preview` / `policy_preview_errors` describe the policy a PR proposes, which is shown
    and never enforced. Errors come already formatted as "file:line:col: field: message".
    """

    head_sha: str | None = None
    override: OverrideInfo | None = None
    policy_errors: Sequence[str] = ()
    policy_preview: Decision | None = None
    policy_preview_errors: Sequence[str] = ()
    draft: bool = False
    repository_policy: str | None = None
    #: "owner/name" and the PR's base sha: with them (and `head_sha`) evidence is linked,
    #: `<web_url>/<repo>/blob/<head sha>/<path>#L<n>` (removed lines at the base sha). The
    #: default web address is none: a link from the host's root, right on github.com and on
    #: GitHub Enterprise Server alike, since GitHub shows the comment on its own host.
    repository: str | None = None
    base_sha: str | None = None
    web_url: str = ""
    #: a required review checklist: how far its ticks go (shown above its boxes)
    checklist: Gate | None = None


def render_comment(
    decision: Decision, context: CommentContext | None = None, *, budget: int = DEFAULT_BUDGET
) -> str:
    """The Markdown of the bot's PR comment, starting with `MARKER`, never longer than `budget`
    characters (kept between `MIN_BUDGET` and GitHub's limit)."""
    ctx = context or CommentContext()
    budget = max(min(budget, MAX_COMMENT_CHARS), MIN_BUDGET)
    head = _header(decision, ctx)
    foot = _footer(decision, ctx)
    parts = _fill(decision, ctx, budget - len(head) - len(foot))
    body = head + "".join(parts[name] for name, _, _ in _SECTIONS) + foot
    if len(body) > budget:
        return _minimal(decision, ctx)
    return body


# --- sections -------------------------------------------------------------------------------

Builder = Callable[[Decision, CommentContext, int], str]


def _fill(decision: Decision, ctx: CommentContext, allowance: int) -> dict[str, str]:
    """Each section within its own cap, in priority order; then the room left over goes to the
    sections that were cut, so one long list is not cut while the comment is mostly empty."""
    parts: dict[str, str] = {}
    remaining = allowance
    for name, builder, cap in sorted(_SECTIONS, key=lambda s: _PRIORITY.index(s[0])):
        parts[name] = builder(decision, ctx, max(min(cap, remaining), 0))
        remaining -= len(parts[name])
    for name, builder, _ in sorted(_SECTIONS, key=lambda s: _PRIORITY.index(s[0])):
        if remaining <= 0:
            break
        grown = builder(decision, ctx, len(parts[name]) + remaining)
        if len(grown) > len(parts[name]):
            remaining -= len(grown) - len(parts[name])
            parts[name] = grown
    return parts


def _header(decision: Decision, ctx: CommentContext) -> str:
    icon, word, detail = status(decision, overridden=ctx.override is not None)
    lines = [MARKER, _heading(decision, icon, word), ""]
    required = (
        f"**Required:** {code(clip(decision.required_tier, _NAME_CHARS))} tier or stronger"
        if decision.required_tier
        else "**Required:** nothing enforced"
    )
    accepted = ", ".join(code(clip(m, _NAME_CHARS)) for m in decision.accepted_models[:6])
    if len(decision.accepted_models) > 6:
        accepted += f" and {len(decision.accepted_models) - 6:,} more"
    lines += [
        f"{required} · **Accepted models:** {accepted} · {text(str(decision.risk))} risk",
        "",
    ]
    reason = inline(clip(decision.verdict_reason, _SENTENCE_CHARS))
    if ctx.override is not None:
        lines += _override(ctx.override)
        _, plain_word, plain_detail = status(decision)
        lines += [f"<sub>Without the override: {plain_word}{plain_detail}. {reason}</sub>", ""]
    else:
        lines += [f"**{word}{detail}.** {reason}", ""]
        if decision.fix and decision.verdict in (Verdict.FAIL, Verdict.MISSING):
            lines += [f"**How to fix:** {inline(clip(decision.fix, _SENTENCE_CHARS))}", ""]
    if decision.draft or ctx.draft:
        lines += ["📝 Draft pull request: the decision is repeated on every push.", ""]
    if ctx.policy_errors:
        applied = "so the **default policy** was applied" if ctx.repository_policy in (
            None, "default") else (  # an organisation layer, or a locked field set back
            "so what they name was not applied (the policy in force: "
            f"{code(clip_middle(ctx.repository_policy or '', _PATH_CHARS))})")
        lines += [
            "> [!WARNING]",
            f"> A policy file is invalid ({count(len(ctx.policy_errors), 'error')}),"
            f" {applied}. Fix the file each error below names (the organisation's or the"
            " repository's).",
            "",
        ]
    return "\n".join(lines) + "\n"


def _heading(decision: Decision, icon: str, word: str) -> str:
    """Status first, in words and one symbol; then the tier and the model."""
    tier = text(clip(decision.tier_title, _NAME_CHARS))
    model = text(clip(decision.recommended_model_name, _NAME_CHARS))
    return f"### {icon} {word} · modeltier: {tier} tier, {model} recommended"


def status(decision: Decision, *, overridden: bool = False) -> tuple[str, str, str]:
    """The one symbol, the status word and what it is about, for every renderer that says it:
    ✅ Passed, ❌ Failed, ❓ Missing, 🔓 Overridden, ℹ️ Advisory (⚠️ for a failure that the
    policy makes a warning)."""
    if overridden:
        return "🔓", "Overridden", ""
    if decision.verdict == Verdict.PASS:
        return "✅", "Passed", ""
    if decision.verdict == Verdict.ADVISORY:
        return "ℹ️", "Advisory", " (nothing enforced)"
    if decision.verdict == Verdict.FAIL:
        word, what = "Failed", ": model below the required tier"
    else:
        word, what = "Missing", ": no evidence of the model used"
    if decision.blocking:
        return ("❌" if decision.verdict == Verdict.FAIL else "❓"), word, what
    return "⚠️", word, what + " (a warning: the check still passes)"


def _status(decision: Decision) -> tuple[str, str]:
    icon, word, detail = status(decision)
    return icon, word + detail


def _override(override: OverrideInfo) -> list[str]:
    when = override.when
    if when.tzinfo is not None:
        when = when.astimezone(datetime.UTC)
    at = f" for {code(override.sha[:12])}" if override.sha else ""
    return [
        f"**🔓 Overridden** by {code(clip(override.who, _NAME_CHARS))} on "
        f"{when:%Y-%m-%d %H:%M} UTC{at}.",
        "",
        f"> **Reason:** {text(clip(override.reason, _SENTENCE_CHARS))}",
        "",
    ]


def _footer(decision: Decision, ctx: CommentContext) -> str:
    bits = ["modeltier"]
    if ctx.repository_policy:
        bits.append(f"policy {code(clip_middle(ctx.repository_policy, _PATH_CHARS))}")
    if ctx.head_sha:
        bits.append(f"commit {code(ctx.head_sha[:12])}")
    bits.append(f"schema {code(clip(decision.schema_version, 20))}")
    return "<sub>" + " · ".join(bits) + "</sub>\n"


def _minimal(decision: Decision, ctx: CommentContext) -> str:
    """The last resort when even the summary does not fit: the verdict without the details."""
    icon, word, detail = status(decision, overridden=ctx.override is not None)
    return (
        f"{MARKER}\n{_heading(decision, icon, word)}\n\n**{word}{detail}.** "
        f"{text(str(decision.risk))} risk.\n\n"
        "The full report is too large for a comment; run `modeltier scan` on this diff to see it.\n"
    )


def comment_wanted(
    decision: Decision,
    mode: CommentMode,
    *,
    overridden: bool = False,
    policy_problem: bool = False,
    checklist_required: bool = False,
) -> bool:
    """Whether the PR gets the full comment: `always`; `never`; `sensitive` (the default) when
    a sensitive area is touched, enforcement is not passing, an override is on record or the
    policy has a problem to show (an invalid base policy, a policy change). A required review
    checklist is ticked in the comment, so it always gets one."""
    if mode == "always" or checklist_required:
        return True
    if mode == "never":
        return False
    failing = decision.verdict in (Verdict.FAIL, Verdict.MISSING)
    return bool(decision.areas) or failing or overridden or policy_problem


def render_routine_note(decision: Decision, ctx: CommentContext | None = None) -> str:
    """The one line a comment is edited down to when its PR became routine: never a stale
    verdict left standing."""
    ctx = ctx if ctx is not None else CommentContext()
    at = f" at {code(ctx.head_sha[:12])}" if ctx.head_sha else ""
    tier = text(clip(decision.tier_title, _NAME_CHARS))
    return (
        f"{MARKER}\nℹ️ modeltier: this pull request is now routine{at} ({tier} tier); "
        "nothing to review here. The `modeltier` check has the details.\n"
    )


def _policy_errors(decision: Decision, ctx: CommentContext, allowance: int) -> str:
    return _error_details(
        ctx.policy_errors, f"{count(len(ctx.policy_errors), 'policy error')}", allowance
    )


def _error_details(errors: Sequence[str], summary: str, allowance: int) -> str:
    return fit(
        errors,
        lambda e: f"- {code(clip(e, 400))}\n",
        allowance,
        head=f"<details><summary>{summary}</summary>\n\n",
        more=lambda n: f"- …and {count(n, 'more error')} not shown.\n",
        tail="\n</details>\n\n",
    )


def evidence_url(evidence: Evidence, ctx: CommentContext) -> str | None:
    """`<web>/<repo>/blob/<head sha>/<path>#L<n>` (a removed line: at the base sha), or None
    without the repository and the commit."""
    sha = ctx.base_sha if evidence.side == "old" else ctx.head_sha
    if not ctx.repository or not sha:
        return None
    repo = quote(ctx.repository, safe="/")
    url = f"{ctx.web_url.rstrip('/')}/{repo}/blob/{quote(sha, safe='')}/"
    url += quote(evidence.path.lstrip("/"), safe="/")
    if evidence.line is not None and evidence.side != "path":
        url += f"#L{evidence.line}"
    return url


def _ref(evidence: Evidence, ctx: CommentContext, width: int = _PATH_CHARS) -> str:
    """Where a piece of evidence is: `path#L12` (a link when the repository is known), plus
    what kind of line it is. Long paths are shortened in the middle; the link has them whole."""
    path = clip_middle(evidence.path, width)
    if evidence.line is None or evidence.side == "path":
        label, kind = code(path), " (path)"
    else:
        label = code(f"{path}#L{evidence.line}")
        kind = {"old": " (removed line)", "header": " (hunk header)"}.get(evidence.side, "")
    url = evidence_url(evidence, ctx)
    if url is not None:
        label = f'<a href="{url}">{label}</a>'
    return label + kind


def _area_row(area: AreaResult, ctx: CommentContext) -> str:
    shown = area.evidence[:_TABLE_EVIDENCE]
    where = [_ref(e, ctx, _LINK_PATH_CHARS) for e in shown] or [
        code(clip_middle(f, _LINK_PATH_CHARS)) for f in area.files[:_TABLE_EVIDENCE]
    ]
    left = max(area.evidence_total - len(shown), 0)
    if left:
        where.append(f"+{left:,} more in {count(len(area.files), 'file')}")
    rules = list(dict.fromkeys(e.rule for e in area.evidence))
    rule_cell = " ".join(code(clip(r, _NAME_CHARS)) for r in rules[:_TABLE_RULES])
    if len(rules) > _TABLE_RULES:
        rule_cell += f" +{len(rules) - _TABLE_RULES}"
    risk = text(str(area.risk))
    title = text(clip(area.title, _NAME_CHARS))
    return f"| {title} | {risk} | {'<br>'.join(where)} | {rule_cell or '—'} |\n"


def _areas(decision: Decision, ctx: CommentContext, allowance: int) -> str:
    if not decision.areas:
        line = "#### Sensitive areas\n\nNone touched.\n\n"
        return line if len(line) <= allowance else ""
    return fit(
        decision.areas,
        lambda area: _area_row(area, ctx),
        allowance,
        head="#### Sensitive areas\n\n| Area | Risk | Where | Rules |\n|---|---|---|---|\n",
        more=lambda n: f"\n…and {count(n, 'more area')} not shown.\n",
        tail="\n",
    )


def _reasons(decision: Decision, ctx: CommentContext, allowance: int) -> str:
    s = decision.signals
    shape = (
        f"**Shape:** {count(s.files, 'file')}, {count(s.changed_lines, 'changed line')}, "
        f"{count(s.modules, 'top-level folder')}, {count(s.doc_files, 'doc/contract file')} "
        f"({s.doc_share:.0%} of the lines besides tests)"
    )
    flags = [
        flag
        for flag, on in (
            ("long context", s.long_context),
            ("context heavy", s.context_heavy),
            (f"{count(s.files_not_listed, 'file')} not listed by GitHub", s.files_not_listed),
        )
        if on
    ]
    if flags:
        shape += " · " + ", ".join(flags)
    return fit(
        decision.reasons,
        lambda r: f"- {text(clip(r, _SENTENCE_CHARS))}\n",
        allowance,
        head="#### Why\n\n",
        more=lambda n: f"- …and {count(n, 'more reason')} not shown.\n",
        tail=f"\n{shape}.\n\n",
    )


_KIND_ICONS = {"model": "🤖", "tool": "🛠️", "human": "✍️", "unknown": "❓"}


def _declared_line(decision: Decision, item: DeclaredModel) -> str:
    raw = code(clip(item.raw, _SNIPPET_CHARS))
    where = text(clip(item.location, _NAME_CHARS))
    strength = f"{text(str(item.provenance))} evidence"
    note = f" — {inline(clip(item.note, _SENTENCE_CHARS))}" if item.note else ""
    if item.kind == "model" and item.model:
        if item.satisfies is not None:
            meets = "meets the requirement" if item.satisfies else "does not meet the requirement"
        else:
            meets = (
                "meets the requirement" if item.model in decision.accepted_models else "lower tier"
            )
        tier = f", {code(clip(item.tier, _NAME_CHARS))} tier" if item.tier else ""
        what = f"{code(clip(item.model, _NAME_CHARS))}{tier}, {strength}: {meets}"
        what += note if item.resolved_by == "family" else ""
    elif item.kind == "tool":
        what = (
            f"tool {code(clip(item.tool or '?', _NAME_CHARS))}, which does not name its model "
            f"({strength})"
        )
    elif item.kind == "human":
        what = f"declared as written without AI ({strength})"
    else:
        what = "not in the policy's model catalog (not counted)" + note
    return f"- {_KIND_ICONS.get(item.kind, '')} {raw} ({where}) → {what}\n"


def _declared(decision: Decision, ctx: CommentContext, allowance: int) -> str:
    head = "#### Model evidence\n\n"
    if not decision.declared_models:
        line = head + "No model is declared in the description, commits or labels.\n\n"
        return line if len(line) <= allowance else ""
    unknown = sum(1 for d in decision.declared_models if d.kind == "unknown")
    tail = (
        f"\n{count(unknown, 'name')} not in the catalog: add them to the policy's `models` to "
        "count them.\n\n"
        if unknown
        else "\n"
    )
    if decision.evidence_conflict:
        head += f"⚠️ {inline(clip(decision.evidence_conflict, _SENTENCE_CHARS))}\n\n"
    return fit(
        decision.declared_models,
        lambda d: _declared_line(decision, d),
        allowance,
        head=head,
        more=lambda n: f"- …and {count(n, 'more declaration')} not shown.\n",
        tail=tail,
    )


def _checklist_group(group: ChecklistGroup) -> str:
    boxes = [box_of(group, item) for item in group.items]
    items = "".join(f"- [ ] {item}\n" for _, item in boxes)
    return f"**{boxes[0][0]}**\n\n{items}\n"


def _gate_lines(gate: Gate) -> str:
    """What a required checklist still needs, who ticked, and the ticks that were undone."""
    areas = ", ".join(text(clip(a, _NAME_CHARS)) for a in gate.areas)
    done = len(gate.required) - len(gate.missing)
    who = f"`{gate.permission.value}` role or higher, not the pull request's author"
    lines = [
        f"**Before merge:** every box of {areas}, ticked by someone with the {who}: "
        f"{done} of {count(len(gate.required), 'box', 'boxes')} ticked"
        + (" ✅." if not gate.open else "; the check waits for the rest.")
    ]
    if gate.ticked_by:
        lines.append("Ticked by " + ", ".join(code(clip(w, _NAME_CHARS)) for w in gate.ticked_by)
                     + ".")
    if not gate.verified:
        lines.append("Who ticked is not known here (the Action reads the boxes only); the "
                     "modeltier App checks each tick's author.")
    out = "\n".join(f"> {line}" for line in lines) + "\n\n"
    for undone in gate.undone[:_UNDONE_SHOWN]:
        what = "tick" if undone.ticked else "untick"
        out += (f"- ↩️ {code(clip(undone.login, _NAME_CHARS))}'s {what} of "
                f"“{clip(undone.box[1], 200)}” was undone ({undone.at:%Y-%m-%d %H:%M} UTC): "
                f"{text(clip(undone.why, 300))}\n")
    if gate.undone:
        out += "\n"
    return out


def _checklist(decision: Decision, ctx: CommentContext, allowance: int) -> str:
    groups = [g for g in decision.checklist if g.items]
    status = _gate_lines(ctx.checklist) if ctx.checklist is not None else ""
    return fit(
        groups,
        _checklist_group,
        allowance,
        head=f"{CHECKLIST_HEADING}\n\n{status}",
        more=lambda n: f"…and checklists of {count(n, 'more area')} not shown.\n\n",
    )


def _evidence_line(evidence: Evidence, ctx: CommentContext) -> str:
    if evidence.says_why:
        what = text(clip(evidence.snippet, _SNIPPET_CHARS))
    elif evidence.side == "path":
        what = f"matches {code(clip(evidence.snippet, _SNIPPET_CHARS))}"
    else:
        what = code(clip(evidence.snippet, _SNIPPET_CHARS)) if evidence.snippet else ""
    where = _ref(evidence, ctx, _LINK_PATH_CHARS)
    return f"- {where} · {code(clip(evidence.rule, _NAME_CHARS))} {what}".rstrip() + "\n"


def _evidence(decision: Decision, ctx: CommentContext, allowance: int) -> str:
    """Every piece of evidence with its snippet, area by area, collapsed."""
    items: list[tuple[AreaResult, Evidence | None]] = []
    for area in decision.areas:
        if area.evidence:
            items.append((area, None))
            items += [(area, e) for e in area.evidence]
    shown = sum(len(a.evidence) for a in decision.areas)
    found = sum(max(a.evidence_total, len(a.evidence)) for a in decision.areas)

    def line(item: tuple[AreaResult, Evidence | None]) -> str:
        area, evidence = item
        if evidence is not None:
            return _evidence_line(evidence, ctx)
        capped = max(area.evidence_total - len(area.evidence), 0)
        note = f" — {capped:,} more found, over the policy's limits" if capped else ""
        return f"\n**{text(clip(area.title, _NAME_CHARS))}**{note}\n\n"

    summary = f"Evidence: {count(shown, 'piece')} kept"
    if found > shown:
        summary += f" of {found:,} found"
    return fit(
        items,
        line,
        allowance,
        head=f"<details><summary>{summary}</summary>\n",
        more=lambda n: f"\n…and {count(n, 'more line')} of evidence not shown.\n",
        tail="\n</details>\n\n",
    )


def _not_inspected(decision: Decision, ctx: CommentContext, allowance: int) -> str:
    files = decision.not_inspected
    return fit(
        files,
        lambda f: f"- {code(clip_middle(f.path, _PATH_CHARS))} — {text(clip(f.reason, 200))}\n",
        allowance,
        head=f"<details><summary>{count(len(files), 'file')} not inspected</summary>\n\n",
        more=lambda n: f"\n…and {count(n, 'more file')} not shown.\n",
        tail="\n</details>\n\n",
    )


def _warnings(decision: Decision, ctx: CommentContext, allowance: int) -> str:
    return fit(
        decision.policy_warnings,
        lambda w: f"- {text(clip(w, _SENTENCE_CHARS))}\n",
        allowance,
        head="#### Policy warnings\n\n",
        more=lambda n: f"- …and {count(n, 'more warning')} not shown.\n",
        tail="\n",
    )


def _preview_area(area: AreaResult) -> str:
    title = text(clip(area.title, _NAME_CHARS))
    return f"  - {title}, {text(str(area.risk))} ({count(len(area.files), 'file')})\n"


def _preview(decision: Decision, ctx: CommentContext, allowance: int) -> str:
    """What the policy this PR proposes would decide: shown so its author can check it before
    it is merged, and never enforced."""
    out = ""
    if ctx.policy_preview_errors:
        out = _error_details(
            ctx.policy_preview_errors,
            f"🔎 The proposed policy is invalid ({count(len(ctx.policy_preview_errors), 'error')})"
            "; it would not be applied",
            allowance,
        )
    preview = ctx.policy_preview
    if preview is None:
        return out
    icon, said = _status(preview)
    summary = (
        f"🔎 Under the proposed policy (not enforced): {preview.risk} risk, "
        f"{text(clip(preview.tier_title, _NAME_CHARS))} tier, {icon} {said}"
    )
    facts = (
        f"- **Tier:** {text(clip(preview.tier_title, _NAME_CHARS))} — "
        f"{text(clip(preview.recommended_model_name, _NAME_CHARS))} recommended\n"
        f"- **Verdict:** {icon} {said}. {inline(clip(preview.verdict_reason, _SENTENCE_CHARS))}\n"
    )
    head = f"<details><summary>{summary}</summary>\n\n{facts}- **Areas:**"
    tail = "\n</details>\n\n"
    room = allowance - len(out)
    if not preview.areas:
        whole = f"{head} none\n{tail}"
        return out + (whole if len(whole) <= room else "")
    rest = fit(
        preview.areas,
        _preview_area,
        room,
        head=head + "\n",
        more=lambda n: f"  - …and {count(n, 'more area')} not shown.\n",
        tail=tail,
    )
    return out + rest


# Display order, with each section's share of the budget.
_SECTIONS: list[tuple[str, Builder, int]] = [
    ("policy_errors", _policy_errors, 4_000),
    ("areas", _areas, 16_000),
    ("reasons", _reasons, 4_000),
    ("declared", _declared, 3_000),
    ("checklist", _checklist, 8_000),
    ("evidence", _evidence, 12_000),
    ("not_inspected", _not_inspected, 6_000),
    ("warnings", _warnings, 2_000),
    ("preview", _preview, 5_000),
]
# Which sections get room first when it runs short.
_PRIORITY = [
    "policy_errors",
    "areas",
    "reasons",
    "declared",
    "preview",
    "warnings",
    "checklist",
    "not_inspected",
    "evidence",
]
