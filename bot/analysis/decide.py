"""From a diff, a policy and PR metadata to a Decision: risk, tier, model, verdict, and why.

This is the pure core the App, the Action and the CLI share: no I/O, no clock, no environment.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.analysis import advice
from bot.analysis.advice import Place
from bot.analysis.classify import Classification
from bot.analysis.conditions import enforcement_exemption
from bot.analysis.diff import Diff
from bot.analysis.evidence import declared_models
from bot.analysis.gcpause import gc_paused
from bot.analysis.gitattributes import GitAttributes, parse_gitattributes
from bot.analysis.models import (
    AreaResult,
    ChecklistGroup,
    Decision,
    DeclaredModel,
    HumanReview,
    Provenance,
    PullRequestInfo,
    Review,
    ReviewRequest,
    Signals,
    Verdict,
)
from bot.analysis.records import agent_trace_records
from bot.analysis.reviewers import review_requests
from bot.analysis.scoping import ScopeGroup, classify_scopes, merge_classifications
from policies.model import Area, ContextHeavyShape, Policy, Risk, compile_paths

if TYPE_CHECKING:  # imported where a CODEOWNERS file is read (a scan of a diff has none)
    from bot.analysis.codeowners import CodeOwners

__all__ = ["decide", "measure_shape"]


def _module(path: str) -> str:
    """The folder a file belongs to, two levels deep (`src/auth`, `app/models`), so a change
    spread over one source root's packages counts as spread; files at the root are one module."""
    parts = path.split("/")
    return "/".join(parts[:2]) if len(parts) > 2 else (parts[0] if len(parts) == 2 else "(root)")


def measure_shape(diff: Diff, policy: Policy, pr: PullRequestInfo,
                  attributes: GitAttributes | None = None) -> Signals:
    """Size and mix of the change, compared with the policy's thresholds.

    Size is what someone wrote or moved by hand: the lines and files outside docs and contracts
    and outside lock files and generated code, so a docs overhaul is not a large refactor and a
    regenerated lock file or client is not a large change. Generated code is known by its name
    (`long_context.not_counted`) or proven whatever its name: the diff shows its generated-code
    header, or the base's `.gitattributes` (`attributes`, by default parsed from `pr`) marks it
    `linguist-generated`, as the generators and GitHub's own diff view mark it; in a docs folder
    too (a docs site's lock file is neither docs nor size), unless it is an API contract (a
    snapshot of the OpenAPI spec is the contract still). The mix is docs' and contracts' share
    of the lines a reader takes in: tests and other excluded paths are left out of it, and so
    is generated code (a client or stubs regenerated from the contract beside it: nobody reads
    them), so release notes beside a long test are still a docs change, a .proto message added
    with its regenerated .pb.go a contract change, and a docs page beside a code fix is not.
    API contracts (`context_heavy.contracts`) count as docs do, and need fewer lines
    (`min_contract_lines`): prose is context-heavy when it is long, a contract when a change is
    made of it. Docs written (`min_written_lines`: the lines added beyond those removed) need
    fewer lines too: a new page is written, a typo fix of its size edited; and fewer still in a
    change of docs alone (`min_written_lines_alone`), where writing them is all the work there
    is. Comments and doc comments are docs for that: a change that only writes a rustdoc
    example or a JSDoc paragraph beside its docs changes no code either. A change that writes
    mostly comments (its docs files write less than half of its lines: a changelog's line or
    a typo fixed beside them does not count) needs `min_comment_lines_alone` written, where the
    policy sets it: a comment explaining one function is upkeep of the code, a doc comment's
    example or a module's documentation is docs written.

    Prose in code (comments, doc comments, docstrings: `_prose_in_code`) is not code to read,
    so it is left out of the mix; the prose lines a file gains (those it adds beyond those it
    removes) are documentation written, as the doc comments YARD, rustdoc, PHPDoc, Javadoc
    and the OpenAPI generators reading them (utoipa, swaggo) publish are, and count as docs.
    A comment reworded or a licence header rewritten gains none.

    A change of tests alone (every counted line in an excluded path: tests, fixtures, mocks)
    is large, where the policy says so (`tests_alone_by_lines: false`), only as a pattern
    migration over many files: a suite rewritten in a few files, or obsolete tests and fixtures
    deleted, is everyday work however many lines it moves."""
    files = diff.files
    listed = len(files)
    not_listed = max((pr.changed_files or 0) - listed, 0)
    modules = {_module(f.path) for f in files}
    long_cfg, heavy_cfg = policy.shape.long_context, policy.shape.context_heavy
    docs = compile_paths([*heavy_cfg.paths, *heavy_cfg.contracts])
    contracts, not_counted = compile_paths(heavy_cfg.contracts), compile_paths(long_cfg.not_counted)
    excluded = compile_paths(policy.exclude)
    if attributes is None:
        attributes = parse_gitattributes(pr.gitattributes)
    doc_files = doc_lines = contract_lines = counted_files = counted_lines = read_lines = 0
    doc_written = 0  # the lines written in docs and contracts files (the rest: code's prose)
    written = prose = 0  # prose: the comment lines changed in counted code (`_prose_in_code`)
    code_lines = 0  # the counted lines outside excluded paths (tests, fixtures, mocks)
    budget = _PROSE_BUDGET
    for index, f in enumerate(files):
        doc = docs.match_file(f.path)
        contract = doc and contracts.match_file(f.path)
        generated = bool(not_counted.match_file(f.path) or diff.shows_generated_header(index)
                         or attributes.generated(f.path))
        if contract or (doc and not generated):
            doc_files += 1
            doc_lines += f.changed_lines
            written += f.additions - f.deletions
            doc_written += f.additions - f.deletions
            if contract:
                contract_lines += f.changed_lines
            continue
        counted = not generated
        if counted:
            counted_files += 1
            counted_lines += f.changed_lines
        if counted and not excluded.match_file(f.path):
            code_lines += f.changed_lines
            read_lines += f.changed_lines
            if counted and 0 < f.changed_lines <= budget:
                budget -= f.changed_lines
                added, removed = _prose_in_code(diff, index)
                read_lines -= added + removed
                prose += added + removed
                if added > removed:
                    doc_files += 1
                    doc_lines += added - removed
                    written += added - removed
    share = doc_lines / (doc_lines + read_lines) if doc_lines else 0.0
    spread = counted_files + not_listed
    long_context = len(modules) >= long_cfg.min_modules and spread >= 2 and (
        (counted_lines >= long_cfg.min_changed_lines
         and (code_lines > 0 or long_cfg.tests_alone_by_lines))
        or (spread >= long_cfg.min_files  # the lines of files GitHub did not list are unknown
            and (counted_lines >= long_cfg.min_files_lines or not_listed > 0))
    )
    context_heavy = (
        doc_files >= heavy_cfg.min_files and share >= heavy_cfg.min_share
        and (doc_lines >= heavy_cfg.min_changed_lines
             or contract_lines >= heavy_cfg.min_contract_lines
             or written >= _written_floor(heavy_cfg, alone=counted_lines == prose,
                                          comments=2 * doc_written < written))
    )
    return Signals(
        files=listed + not_listed,
        changed_lines=sum(f.changed_lines for f in files),
        modules=len(modules),
        doc_files=doc_files,
        doc_share=round(share, 3),
        long_context=long_context,
        context_heavy=context_heavy,
        files_not_listed=not_listed,
        doc_lines=doc_lines,
        counted_files=spread,
        counted_lines=counted_lines,
    )


def _written_floor(cfg: ContextHeavyShape, *, alone: bool, comments: bool) -> float:
    """The docs lines a change must write to be context-heavy short of `min_changed_lines`:
    fewer when docs are all it counts (`alone`: no code, tests or configuration beside them),
    where writing them is the whole work, unless they are mostly comments in code (`comments`)
    and the policy asks more of those (`min_comment_lines_alone`);
    infinite when the policy sets no floor."""
    floor_alone = cfg.min_written_lines_alone
    if comments and cfg.min_comment_lines_alone is not None:
        floor_alone = cfg.min_comment_lines_alone
    floors = [cfg.min_written_lines, floor_alone if alone else None]
    return min((f for f in floors if f is not None), default=math.inf)


#: how many changed lines of code `measure_shape` reads for prose: a change that large is read
#: for its code, and its comments would not make docs its larger part
_PROSE_BUDGET = 5000


def _prose_in_code(diff: Diff, index: int) -> tuple[int, int]:
    """The lines of prose (a comment, a doc comment, a docstring's text: not code, not blank)
    a file of code adds and removes."""
    added = removed = 0
    for hunk in diff.hunks(index):
        for item in hunk.lines:
            if item.side == "header" or not item.text.strip() or diff.code(item):
                continue
            if item.side == "new":
                added += 1
            else:
                removed += 1
    return added, removed


def _uninspected_risk(policy: Policy) -> Risk:
    """The risk of a change with content nobody read: the policy's, never below elevated."""
    return max(policy.enforcement.uninspected, Risk.ELEVATED, key=lambda r: r.rank)


def _risk(classification: Classification, signals: Signals, policy: Policy,
          areas: Sequence[AreaResult] | None = None) -> Risk:
    """The strongest area's risk (of `areas`, by default all those found), and the policy's
    `uninspected` risk (critical by default, never below elevated) when a file's content was
    not read or GitHub did not list it."""
    candidates = [a.risk for a in (classification.areas if areas is None else areas)]
    if signals.files_not_listed or classification.unread:
        candidates.append(_uninspected_risk(policy))
    return max(candidates, key=lambda r: r.rank, default=Risk.ROUTINE)


def _advised_risk(classification: Classification, signals: Signals, policy: Policy,
                  areas: dict[str, Area]) -> Risk:
    """The risk whose `recommend` entry advises a tier: the change's, leaving out the areas
    counted one risk lower than their own for weak, uncorroborated evidence or evidence only
    in the browser's code (`classify._alone`). Such an area is still reported, with its
    evidence, for a reviewer to weigh; but the evidence did not make the change sensitive, so
    what the change needs is the shape's tier (a clippy clean-up naming `session` is everyday,
    a hundred-line move of such code long-context), not the premium model its area would call
    for if it counted."""
    full = [a for a in classification.areas if a.risk.rank >= areas[a.id].risk.rank]
    return _risk(classification, signals, policy, full)


def _docs_win(signals: Signals) -> bool:
    """Whether docs and contracts pick the tier: a large change made mostly of them (a docs tree
    re-organised, an API spec regenerated) is reading and writing prose and schemas, not a long
    refactor; a pattern migration across code and tests that also touches the docs is one."""
    return signals.context_heavy and (
        not signals.long_context or signals.doc_lines >= signals.counted_lines
    )


def _shape_tier(signals: Signals, policy: Policy) -> str:
    if _docs_win(signals):
        return policy.shape.context_heavy_tier
    if signals.long_context:
        return policy.shape.long_context_tier
    return policy.shape.default_tier


def _reasons(classification: Classification, signals: Signals, policy: Policy) -> list[str]:
    reasons = []
    for area in classification.areas:
        files = len(area.files)
        lines = sum(1 for e in area.evidence if e.line is not None)
        detail = f"{files} file{'s' if files != 1 else ''}"
        if area.evidence_total > files or lines:
            detail += f", {area.evidence_total} piece{'s' if area.evidence_total != 1 else ''}"
            detail += " of evidence"
        if area.weak_evidence:
            detail += f"; {area.weak_evidence}"
        reasons.append(f"Touches {area.title} ({area.risk}): {detail}.")
    long_cfg, heavy_cfg = policy.shape.long_context, policy.shape.context_heavy
    if signals.long_context and not _docs_win(signals):
        reasons.append(
            f"Large change: {signals.counted_lines} changed lines in {signals.counted_files} "
            f"files across {signals.modules} folders, docs and generated files not counted "
            f"(threshold: {long_cfg.min_changed_lines} lines over 2+ files, or "
            f"{long_cfg.min_files} files changing {long_cfg.min_files_lines} lines)."
        )
    if _docs_win(signals):
        reasons.append(
            f"Docs and contracts dominate: {signals.doc_lines} changed lines in "
            f"{signals.doc_files} of {signals.files} files, {signals.doc_share:.0%} of the lines "
            f"besides tests (threshold: {heavy_cfg.min_share:.0%} and "
            f"{heavy_cfg.min_changed_lines} lines"
            + (f", or {heavy_cfg.min_contract_lines} lines of API contracts"
               if heavy_cfg.contracts else "")
            + (f", or {heavy_cfg.min_written_lines} lines written"
               if heavy_cfg.min_written_lines is not None else "")
            + (f", or {heavy_cfg.min_written_lines_alone} lines written in a change of docs alone"
               if heavy_cfg.min_written_lines_alone is not None else "")
            + (f", or {heavy_cfg.min_comment_lines_alone} in one of mostly comments"
               if heavy_cfg.min_comment_lines_alone is not None else "") + ")."
        )
    if signals.files_not_listed:
        reasons.append(
            f"{signals.files_not_listed} changed files were not listed by GitHub (over its "
            "3,000-file cap); they could not be analysed, so the risk is "
            f"{_uninspected_risk(policy)}."
        )
    if classification.unread:
        shown = ", ".join(classification.unread[:5])
        more = len(classification.unread) - 5
        reasons.append(
            f"Not read: {shown}{f' and {more} more' if more > 0 else ''} (GitHub sent no "
            f"patch); what they change is unknown, so the risk is "
            f"{_uninspected_risk(policy)}."
        )
    if not reasons:
        reasons.append("Small routine change: no sensitive area touched.")
    if signals.mechanical_lines:
        n = signals.mechanical_lines
        reasons.append(
            "Not counted as evidence (mechanical: re-formatted, respelt, re-worded, renamed or "
            f"moved code): {n} changed line{'s' if n != 1 else ''} naming a sensitive area."
        )
    if signals.removed_lines or classification.removed_paths:
        reasons.append(_set_aside_reason(
            "removal", signals.removed_lines, classification.removed_paths
        ))
    if classification.renamed_paths:
        paths = classification.renamed_paths
        reasons.append(
            f"Not counted as evidence (renamed: names renamed throughout, their definition "
            f"renamed in the change): the path{'s' if len(paths) != 1 else ''} of "
            f"{_shown_paths(paths)}, which only carry out such renames."
        )
    if classification.metadata_lines or classification.metadata_paths:
        reasons.append(_set_aside_reason(
            "metadata", classification.metadata_lines, classification.metadata_paths
        ))
    if classification.prose_lines or classification.prose_paths:
        reasons.append(_set_aside_reason(
            "prose", classification.prose_lines, classification.prose_paths
        ))
    return reasons


#: why evidence was set aside, by kind: what the kind is, and what its paths only do
_SET_ASIDE = {
    "removal": ("unused code deleted whole, definitions that no remaining line of the change "
                "names", "lose such code"),
    "metadata": ("a Helm chart's version, description and changelog annotations, a Terraform "
                 "module's outputs, variable descriptions and provider requirements, a model's "
                 "ordering, names and permissions as a Django migration records them, a "
                 "workflow's pinned action moved to another version of its major, an API's "
                 "OpenAPI annotations and security schemes, a Go field's documentation tags",
                 "change such metadata"),
    "prose": ("lines inside docstrings and block comments, written for people whatever words "
              "they hold", "change such prose and comments"),
}


def _set_aside_reason(kind: str, lines: int, paths: Sequence[str]) -> str:
    """Why evidence of one kind (`_SET_ASIDE`: deleted code, `bot.analysis.removal`; deployment
    metadata, `bot.analysis.metadata`; prose inside code, `bot.analysis.prose`) was set aside:
    its lines and the paths it alone touched."""
    meaning, paths_only = _SET_ASIDE[kind]
    what = [f"{lines} changed line{'s' if lines != 1 else ''} naming a sensitive area"] if lines \
        else []
    if paths:
        what.append(f"the path{'s' if len(paths) != 1 else ''} of {_shown_paths(paths)}, "
                    f"which only {paths_only}")
    return f"Not counted as evidence ({kind}: {meaning}): {' and '.join(what)}."


def _strongest(tier_ids: Sequence[str | None], policy: Policy) -> str:
    present = [t for t in tier_ids if t is not None]
    return max(present, key=policy.tier_rank)


def _evidence_rank(item: DeclaredModel, policy: Policy) -> int | None:
    if item.kind == "model" and item.tier is not None and item.tier in policy.tiers:
        return policy.tier_rank(item.tier)
    if item.kind == "tool" and policy.enforcement.tool_only_tier is not None:
        return policy.tier_rank(policy.enforcement.tool_only_tier)
    return None


def _what(item: DeclaredModel, policy: Policy) -> str:
    """The model (or tool) a declaration names, as people call it."""
    if item.kind == "model":
        if item.model in policy.models:
            return policy.models[item.model].name
        return item.name or item.model or "?"
    tool = policy.tools.get(item.tool or "")
    return tool.name if tool is not None else item.tool or item.name or "?"


_COMMIT_SOURCES = ("commit", "author")


def _conflict(
    declared: Sequence[DeclaredModel], policy: Policy
) -> tuple[list[DeclaredModel], str | None]:
    """When the description (and labels) and the commits name different models: the items that
    count under the policy's `on_conflict`, and a sentence saying so."""
    models = [d for d in declared if d.kind == "model" and d.tier in policy.tiers]
    described = [d for d in models if d.source not in _COMMIT_SOURCES]
    committed = [d for d in models if d.source in _COMMIT_SOURCES]
    if not described or not committed or {d.model for d in described} == {
        d.model for d in committed
    }:
        return list(declared), None

    def best(items: Sequence[DeclaredModel]) -> int:
        return max(policy.tier_rank(d.tier or "") for d in items)

    def shown(items: Sequence[DeclaredModel]) -> str:
        names = list(dict.fromkeys(f"{_what(d, policy)} ({d.location})" for d in items))
        return ", ".join(names[:3]) + (", ..." if len(names) > 3 else "")

    text = (
        f"The description names {shown(described)} but the commits name {shown(committed)}."
    )
    if best(described) == best(committed):
        return list(declared), text + " Both are of the same tier."
    weaker_is_description = best(described) < best(committed)
    keep_weaker = policy.enforcement.on_conflict == "weaker"
    if weaker_is_description == keep_weaker:  # the description counts
        drop, whose, which = committed, "the description's", "weaker" if keep_weaker else "stronger"
    else:
        drop, whose, which = described, "the commits'", "weaker" if keep_weaker else "stronger"
    text += f" The policy counts the {which} evidence, {whose}."
    dropped = {id(d) for d in drop}
    return [d for d in declared if id(d) not in dropped], text


def _strong_enough(item: DeclaredModel, required: str, policy: Policy) -> bool:
    floor = policy.enforcement.min_provenance.get(required)
    return floor is None or item.provenance.rank >= floor.rank


def _unknown_note(declared: Sequence[DeclaredModel], policy: Policy) -> str:
    unknown = [d for d in declared if d.kind == "unknown"]
    if not unknown:
        return ""
    note = (
        f" Not in the catalog (of {policy.catalog_date or 'this policy'}): "
        + "; ".join(f"`{u.raw}`" for u in unknown[:3])
        + "."
    )
    named = next((d for d in unknown if d.note), None)
    if named is not None and named.note:
        note += " " + named.note
    else:
        note += " Add them to the policy's models to count them."
    return note


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def _names(policy: Policy, model_ids: Sequence[str]) -> str:
    names = [policy.models[m].name for m in model_ids]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def _latest_states(reviews: Sequence[Review]) -> dict[str, Review]:
    """Each reviewer's standing review, as GitHub counts it: the latest that approved, asked for
    changes or was dismissed (a later comment-only review does not withdraw an approval)."""
    latest: dict[str, Review] = {}
    for item in reviews:
        if item.state.upper() in ("APPROVED", "CHANGES_REQUESTED", "DISMISSED"):
            latest[item.login.lower()] = item
    return latest


def _codeowners(pr: PullRequestInfo) -> CodeOwners | None:
    """The base branch's CODEOWNERS, parsed; None without one. Its reader is imported only
    then: a scan of a diff (the CLI's) has none."""
    if not pr.codeowners:
        return None
    from bot.analysis.codeowners import parse_codeowners

    return parse_codeowners(pr.codeowners)


def _owned_by(owners: CodeOwners, paths: Sequence[str], reviewer: Review) -> list[str]:
    """The paths a reviewer owns, in person (`@login`) or through a team they belong to."""
    from bot.analysis.codeowners import normalise_owner  # there are owners: it is imported

    names = {normalise_owner(f"@{n}") for n in (reviewer.login, *reviewer.teams)}
    return [p for p in paths if names & {normalise_owner(o) for o in owners.owners_of(p)}]


def _shown_paths(paths: Sequence[str]) -> str:
    shown = ", ".join(f"`{p}`" for p in paths[:3])
    return shown + (f" and {len(paths) - 3} more" if len(paths) > 3 else "")


def _human_review(
    declared: Sequence[DeclaredModel], pr: PullRequestInfo, policy: Policy, paths: Sequence[str]
) -> tuple[HumanReview | None, str]:
    """A declaration that no AI was used, with what the policy asks of it and the approvals
    that give it; or (None, why not) when an AI tool's own evidence contradicts it."""
    human = next((d for d in declared if d.kind == "human"), None)
    if human is None:
        return None, ""
    by_tool = next(
        (d for d in declared
         if d.kind in ("model", "tool") and d.provenance.rank >= Provenance.TOOL.rank),
        None,
    )
    if by_tool is not None:
        return None, (
            f" It is declared as written without AI ({human.location}), but {by_tool.location} "
            "carries an AI tool's own marker, so that declaration is not counted."
        )
    minimum = policy.enforcement.override.min_permission
    owners = _codeowners(pr)
    owned = [p for p in paths if owners is not None and owners.owners_of(p)]
    # Before the reviews are read the CODEOWNERS file is not either: say what it will be.
    whose = "the touched files" if pr.reviews is None else _shown_paths(owned)
    reviewers = f"someone with the {minimum} role or higher" + (
        f" or a code owner of {whose}" if whose else ""
    )
    approved: list[str] = []
    rule = policy.enforcement.human_declaration
    for item in _latest_states(pr.reviews or () if rule == "require_review" else ()).values():
        if item.state.upper() != "APPROVED":
            continue
        if item.permission is not None and item.permission.rank >= minimum.rank:
            approved.append(f"@{item.login} ({item.permission} role)")
        elif owners is not None and (mine := _owned_by(owners, owned, item)):
            approved.append(f"@{item.login} (code owner of `{mine[0]}`)")
    return HumanReview(
        policy=rule,
        location=human.location,
        reviewers=reviewers,
        reviews_read=pr.reviews is not None,
        approved_by=approved,
    ), ""


def _human_verdict(
    human: HumanReview, required: str, accepted: Sequence[str], risk: Risk, policy: Policy,
    place: Place,
) -> tuple[Verdict, bool, str, str | None]:
    title = policy.tiers[required].title
    if human.policy == "accept":
        return (
            Verdict.PASS, False,
            f"Declared as written without AI ({human.location}); the policy accepts that.", None,
        )
    if human.policy == "require_review" and human.approved_by:
        return (
            Verdict.PASS, False,
            f"Declared as written without AI ({human.location}) and approved by "
            f"{', '.join(human.approved_by[:3])}, as the policy requires for such a change.",
            None,
        )
    on_missing = policy.enforcement.on_missing == "fail"
    if human.policy == "require_review":
        still = "; no such approval yet" if human.reviews_read else ""
        reason = (
            f"This {risk} change requires the {title} tier; it is declared as written without "
            f"AI ({human.location}), which this policy accepts once {human.reviewers} "
            f"approves the pull request{still}."
        )
        # Where reviews cannot be read (CLI, pre-commit) this says what the PR will need; it
        # cannot block what only a review can settle. On GitHub, unread reviews fail closed.
        return (
            Verdict.MISSING, on_missing and (human.reviews_read or place in ("app", "action")),
            reason,
            advice.human_review_fix(policy, human.reviewers, place),
        )
    reason = (
        f"This {risk} change requires the {title} tier; it is declared as written without AI "
        f"({human.location}), which this policy does not accept as evidence."
    )
    return (
        Verdict.MISSING, on_missing, reason,
        advice.human_rejected_fix(policy, required, _names(policy, accepted), place),
    )


def _verdict(
    declared: Sequence[DeclaredModel],
    required: str | None,
    accepted: Sequence[str],
    tier: str,
    risk: Risk,
    policy: Policy,
    conflict: str | None,
    human: HumanReview | None,
    place: Place,
) -> tuple[Verdict, bool, str, str | None]:
    enforcement = policy.enforcement
    unknown_note = _unknown_note(declared, policy)
    conflict_note = f" {conflict}" if conflict else ""
    if required is None:
        return (
            Verdict.ADVISORY,
            False,
            f"Nothing is enforced for {_article(risk)} {risk} change; "
            f"{policy.tiers[tier].title} is advised.",
            None,
        )
    required_rank = policy.tier_rank(required)
    title = policy.tiers[required].title
    ranked = [(d, _evidence_rank(d, policy)) for d in declared]
    high = [d for d, rank in ranked if rank is not None and rank >= required_rank]
    meeting = [d for d in high if _strong_enough(d, required, policy)]
    if meeting:
        best = meeting[0]
        reason = (
            f"{_what(best, policy)} ({best.location}; {best.provenance} evidence) meets the "
            f"{title} tier required."
        )
        if best.resolved_by == "family" and best.note:
            reason += f" {best.note}"
        return Verdict.PASS, False, reason + conflict_note, None
    if human is not None:
        verdict, blocking, reason, fix = _human_verdict(
            human, required, accepted, risk, policy, place
        )
        return verdict, blocking, reason + conflict_note + unknown_note, fix
    if high:
        floor = enforcement.min_provenance[required]
        weak = high[0]
        reason = (
            f"This {risk} change requires the {title} tier with evidence of provenance "
            f"`{floor}` or stronger; {_what(weak, policy)} ({weak.location}) is only "
            f"`{weak.provenance}` evidence."
        )
        fix = advice.weak_fix(policy, required, floor, title, place)
        return (
            Verdict.MISSING,
            enforcement.on_missing == "fail",
            reason + conflict_note + unknown_note,
            fix,
        )
    lower = [d for d, rank in ranked if rank is not None]
    if lower:
        shown = "; ".join(f"{_what(d, policy)} ({d.location})" for d in lower[:3])
        tool_only = all(d.kind == "tool" for d in lower)
        reason = (
            f"This {risk} change requires the {title} tier ({_names(policy, accepted)}), but the "
            f"evidence shows only lower tiers: {shown}."
        )
        if tool_only:
            reason += " A tool marker does not say which model ran."
        fix = (
            f"Redo or review the change with {_names(policy, accepted)} and declare it. "
            + advice.declare(policy, required, place)
        )
        return (
            Verdict.FAIL,
            enforcement.on_lower == "fail",
            reason + conflict_note + unknown_note,
            fix,
        )
    reason = f"This {risk} change requires the {title} tier, and no model is declared."
    return (
        Verdict.MISSING,
        enforcement.on_missing == "fail",
        reason + conflict_note + unknown_note,
        advice.declare(policy, required, place),
    )


def _mark(
    declared: Sequence[DeclaredModel],
    counted: Sequence[DeclaredModel],
    required: str | None,
    policy: Policy,
) -> list[DeclaredModel]:
    """Each declaration with `satisfies` set: does it meet the required tier, with enough
    provenance, and does it count (not overruled by a conflict)?"""
    if required is None:
        return list(declared)
    counted_ids = {id(d) for d in counted}
    required_rank = policy.tier_rank(required)
    marked = []
    for item in declared:
        rank = _evidence_rank(item, policy)
        satisfies = (
            id(item) in counted_ids
            and rank is not None
            and rank >= required_rank
            and _strong_enough(item, required, policy)
        )
        marked.append(item.replace(satisfies=satisfies))
    return marked


def _session_records(diff: Diff, pr: PullRequestInfo, policy: Policy) -> PullRequestInfo:
    """The PR with the session records that speak for this change: Agent Trace records the
    diff adds (at the policy's `agent_trace_paths`) and those the edge read (git-ai notes),
    each kept only when it names a file the change touches (a trace file aside)."""
    traces = compile_paths(policy.evidence.agent_trace_paths)
    records = list(pr.records)
    changed = set()
    for index, item in enumerate(diff.files):
        if not traces.check_file(item.path).include:
            changed.add(item.path)
            continue
        added = sorted((c for c, _ in diff.changed_lines(index) if c.side == "new"),
                       key=lambda c: c.line)
        records += agent_trace_records("\n".join(c.text for c in added),
                                       f"Agent Trace record {item.path}")
    kept = tuple(r for r in records if changed & set(r.paths))
    return pr.replace(records=kept) if kept or pr.records else pr


def _owned_paths(classification: Classification, risk: Risk, diff: Diff) -> list[str]:
    """The files whose code owners can vouch for the change: those of the areas that set its
    risk, else (the risk came from files nobody could read) every file."""
    paths = [p for a in classification.areas if a.risk == risk for p in a.files]
    return list(dict.fromkeys(paths)) or [f.path for f in diff.files]


def _strictest(groups: Sequence[ScopeGroup], signals: Signals) -> tuple[ScopeGroup, str | None]:
    """The scope whose rules judge the change, and the tier they require: the strictest of the
    scopes it touches (the highest required tier, then the one that fails rather than warns,
    then the riskiest)."""

    def judged(group: ScopeGroup) -> tuple[tuple[int, bool, int], str | None]:
        policy = group.policy
        risk = _risk(group.classification, signals, policy)
        required = policy.enforcement.require.get(risk)
        rank = policy.tier_rank(required) if required is not None else -1
        return (rank, policy.enforcement.on_missing == "fail", risk.rank), required

    best = max(groups, key=lambda g: judged(g)[0])
    return best, judged(best)[1]


def _areas_as_judged(groups: Sequence[ScopeGroup]) -> dict[str, Area]:
    """Each area as the scopes that found it define it: a scope's checklist items join the
    area's own."""
    areas: dict[str, Area] = {}
    for group in groups:
        for found in group.classification.areas:
            area = group.policy.areas[found.id]
            if found.id in areas:
                checklist = list(dict.fromkeys([*areas[found.id].checklist, *area.checklist]))
                area = areas[found.id].replace(checklist=checklist)
            areas[found.id] = area
    for group in groups:  # areas no group found keep their root definition
        for area_id, area in group.policy.areas.items():
            areas.setdefault(area_id, area)
    return areas


def _scope_reasons(groups: Sequence[ScopeGroup], judged: ScopeGroup) -> list[str]:
    titles = [f"`{g.title}`" for g in groups if g.title is not None]
    if not titles:
        return []
    if judged.title is None:
        return [f"Touches the policy scopes {', '.join(titles)}; the policy's own rules, the "
                "strictest that apply, judged it."]
    return [f"Judged by the rules of the policy scope `{judged.title}`, the strictest of those "
            f"it touches ({', '.join(titles + ['the rest'] * (groups[0].title is None))})."]


def _request_reason(requests: Sequence[ReviewRequest]) -> str:
    shown = ", ".join(f"{r.reviewer} ({r.reason})" for r in requests)
    return f"Review requested from {shown} (policy `request_review`)."


def decide(
    diff: Diff, policy: Policy, pr: PullRequestInfo | None = None, place: Place = "app"
) -> Decision:
    """Analyse a change under a policy and decide its risk, tier and verdict; the fix text is
    written for the `place` it is read in (see `bot.analysis.advice`)."""
    with gc_paused():  # a large diff's lines and hunks are many objects and no cycles
        return _decide(diff, policy, pr or PullRequestInfo(), place)


def _decide(diff: Diff, policy: Policy, pr: PullRequestInfo, place: Place) -> Decision:
    attributes = parse_gitattributes(pr.gitattributes)
    groups = classify_scopes(diff, policy, _codeowners(pr), attributes, pr.sources,
                             pr.repository, pr.title or None)
    classification = merge_classifications(groups)
    signals = measure_shape(diff, policy, pr, attributes).replace(
        mechanical_lines=classification.mechanical_lines,
        removed_lines=classification.removed_lines)
    judged, required = _strictest(groups, signals)
    policy = judged.policy
    risk = _risk(classification, signals, policy)
    overall = policy.enforcement.require.get(risk)  # the change's risk may exceed the scope's
    if overall is not None and (required is None or _strongest([required, overall], policy)
                                == overall):
        required = overall
    areas_by_id = _areas_as_judged(groups)
    advised = _advised_risk(classification, signals, policy, areas_by_id)
    tier = _strongest(
        [_shape_tier(signals, policy), policy.enforcement.recommend.get(advised), required],
        policy,
    )
    touched = [a.id for a in classification.areas]
    exemption = enforcement_exemption(policy, pr, touched)
    if exemption is not None:
        required = None
    floor = policy.tier_rank(required or tier)
    accepted = sorted(
        (m for m, model in policy.models.items() if policy.tier_rank(model.tier) >= floor),
        key=lambda m: -policy.tier_rank(policy.models[m].tier),
    )
    recommended = policy.tiers[tier].recommended
    accepted = [recommended] + [m for m in accepted if m != recommended]
    found = declared_models(_session_records(diff, pr, policy), policy)
    counted, conflict = _conflict(found, policy)
    human, contradicted = _human_review(
        counted, pr, policy, _owned_paths(classification, risk, diff)
    )
    conflict = " ".join(t for t in (conflict, contradicted.strip()) if t) or None
    verdict, blocking, reason, fix = _verdict(
        counted, required, accepted, tier, risk, policy, conflict, human, place
    )
    declared = _mark(found, counted, required, policy)
    if exemption is not None:
        reason = f"Not enforced here: {exemption}. {policy.tiers[tier].title} is advised."
    requests = [] if exemption is not None else review_requests(
        policy, risk, touched, pr.author_login)
    if required is None or any(d.satisfies for d in declared):
        human = None  # the verdict did not rest on it
    checklist = [
        ChecklistGroup(
            area=a.id, title=a.title, items=list(areas_by_id[a.id].checklist),
            required=(areas_by_id[a.id].checklist_mode or policy.checklist) == "required",
        )
        for a in classification.areas
        if areas_by_id[a.id].checklist
    ]
    return Decision(
        risk=risk,
        tier=tier,
        tier_title=policy.tiers[tier].title,
        recommended_model=recommended,
        recommended_model_name=policy.models[recommended].name,
        accepted_models=accepted,
        required_tier=required,
        areas=classification.areas,
        signals=signals,
        reasons=_reasons(classification, signals, policy) + _scope_reasons(groups, judged)
        + [_request_reason(requests)] * bool(requests),
        declared_models=declared,
        verdict=verdict,
        blocking=blocking,
        verdict_reason=reason,
        fix=fix,
        checklist=checklist,
        not_inspected=classification.not_inspected,
        draft=pr.draft,
        evidence_conflict=conflict,
        human_review=human,
        scope=judged.title,
        scopes=[g.title for g in groups if g.title is not None],
        not_enforced=exemption,
        review_requests=requests,
    )
