"""A policy's scopes applied to a change: each file is classified under the policy of every
scope whose paths match it (its path, or its old path for a rename), the files no scope claims
under the policy's own rules; the decision then takes the strictest of them (bot.analysis.decide).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.analysis.classify import Classification, classify
from bot.analysis.diff import Diff
from bot.analysis.gitattributes import GitAttributes
from bot.analysis.models import AreaResult, SourceFile
from policies.model import Policy, compile_paths
from policies.plain import Plain
from policies.scopes import scoped_policies

if TYPE_CHECKING:  # imported where a CODEOWNERS file is read (a scan of a diff has none)
    from bot.analysis.codeowners import CodeOwners

__all__ = ["ScopeGroup", "classify_scopes", "merge_classifications"]


class ScopeGroup(Plain):
    """The files of one scope (title None: the files no scope claims), classified under its
    policy."""

    title: str | None
    policy: Policy
    classification: Classification


def classify_scopes(
    diff: Diff, policy: Policy, owners: CodeOwners | None,
    attributes: GitAttributes | None = None, sources: Sequence[SourceFile] = (),
    repository: str | None = None, title: str | None = None,
) -> list[ScopeGroup]:
    """One group per scope the change touches, and one for the files outside every scope
    (always one group when the policy has no scopes, or the change no files)."""
    if not policy.scopes:
        return [ScopeGroup(title=None, policy=policy, classification=classify(
            diff, policy, owners, attributes=attributes, sources=sources,
            repository=repository, title=title))]
    scoped = scoped_policies(policy)
    members: list[set[int]] = [set() for _ in scoped]
    outside: set[int] = set()
    for index, change in enumerate(diff.files):
        paths = [change.path] + ([change.old_path] if change.old_path else [])
        claimed = False
        for k, (scope, _) in enumerate(scoped):
            spec = compile_paths(scope.paths)
            if any(spec.match_file(path) for path in paths):
                members[k].add(index)
                claimed = True
        if not claimed:
            outside.add(index)
    groups = []
    if outside or not any(members):
        groups.append(ScopeGroup(title=None, policy=policy, classification=classify(
            diff, policy, owners, outside, attributes, sources, repository, title)))
    groups += [
        ScopeGroup(title=scope.title, policy=scope_policy,
                   classification=classify(diff, scope_policy, owners, files, attributes,
                                           sources, repository, title))
        for (scope, scope_policy), files in zip(scoped, members, strict=True)
        if files
    ]
    return groups


def _merge_area(first: AreaResult, other: AreaResult) -> AreaResult:
    # The stronger part explains the risk: strong evidence in one scope needs no word on weak
    # evidence in another.
    stronger = max(first, other, key=lambda a: (a.risk.rank, a.weak_evidence is None))
    return first.replace(
        risk=stronger.risk,
        weak_evidence=stronger.weak_evidence,
        files=sorted(set(first.files) | set(other.files)),
        evidence=first.evidence + [e for e in other.evidence if e not in first.evidence],
        evidence_total=first.evidence_total + other.evidence_total,
    )


def merge_classifications(groups: Sequence[ScopeGroup]) -> Classification:
    """The groups' classifications as one: an area found in several scopes once, with the
    files and evidence of each."""
    if len(groups) == 1:
        return groups[0].classification
    areas: dict[str, AreaResult] = {}
    for group in groups:
        for area in group.classification.areas:
            areas[area.id] = _merge_area(areas[area.id], area) if area.id in areas else area
    unread = list(dict.fromkeys(p for g in groups for p in g.classification.unread))
    return Classification(
        areas=list(areas.values()),
        not_inspected=groups[0].classification.not_inspected,  # every group lists every file's
        unread=unread,
        mechanical_lines=sum(g.classification.mechanical_lines for g in groups),
        rules={area: list(dict.fromkeys(r for g in groups
                                        for r in g.classification.rules.get(area, ())))
               for area in areas},
        removed_lines=sum(g.classification.removed_lines for g in groups),
        removed_paths=sorted({p for g in groups for p in g.classification.removed_paths}),
        renamed_paths=sorted({p for g in groups for p in g.classification.renamed_paths}),
        metadata_lines=sum(g.classification.metadata_lines for g in groups),
        metadata_paths=sorted({p for g in groups for p in g.classification.metadata_paths}),
        prose_lines=sum(g.classification.prose_lines for g in groups),
        prose_paths=sorted({p for g in groups for p in g.classification.prose_paths}),
    )
