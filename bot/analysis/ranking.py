"""Which evidence is the strongest: the order every format shows it in, and what the caps keep.

An area can be flagged by hundreds of lines, and a reader looks at the first few. So the first
ones must be the lines that matter: `stripe.Refund.create(...)` says more about a billing change
than `from app.billing.models import Refund`. Evidence is ordered by, in turn:

1. one line per distinct rule before repeats of a rule already shown;
2. specific rules (an API, a call, a decorator) before the area's path and before generic words
   (`refund`, `password`, `idempotent`): a rule is generic when its id ends in `-words`, or when
   it is case-insensitive and holds no code punctuation (`\\.`, `\\(`, `::`, `->`, `@`...);
3. code before hunk headers, and added lines before removed ones;
4. the order of the area's rules in the policy, which lists an area's most specific rules
   first (frameworks and vendors' APIs, then identifiers, then words);
5. the order of the diff.

The per-file and per-area caps of the policy (`limits`) are applied after ranking, so they keep
the strongest. This module is pure; `classify` ranks, and the renderers keep its order, so the
comment, the terminal, JSON and SARIF all show the same evidence first.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from bot.analysis.lazyre import compile_lazily
from bot.analysis.models import Evidence
from policies.model import Policy
from policies.plain import Plain, field

__all__ = ["EvidenceRanking", "generic_rules", "is_generic_pattern", "rank", "select"]

# Code punctuation in a pattern: a call, an attribute, a scope, a decorator, a tag, an index.
_CODE_MARKS = compile_lazily(r"\\\.|\\\(|::|->|@|\\\[|=>")
_SIDE_RANK = {"new": 0, "old": 1, "header": 2, "path": 0}
_SPECIFIC, _PATH, _GENERIC = 0, 1, 2


def is_generic_pattern(rule_id: str, pattern: str) -> bool:
    """Whether a content rule matches words rather than code (see the module's docstring)."""
    if rule_id.endswith("-words") or rule_id.endswith("_words"):
        return True
    return pattern.startswith("(?i)") and _CODE_MARKS.search(pattern) is None


def generic_rules(policy: Policy) -> frozenset[str]:
    """The ids (`area.rule`, as evidence names them) of the policy's generic content rules."""
    return EvidenceRanking.for_policy(policy).generic


class EvidenceRanking(Plain):
    """How strong each piece of evidence is, for one policy (`generic`: its generic rules;
    `order`: each rule's place among its area's rules)."""

    generic: frozenset[str] = frozenset()
    order: Mapping[str, int] = field(default_factory=dict)

    @classmethod
    def for_policy(cls, policy: Policy) -> EvidenceRanking:
        generic: set[str] = set()
        order: dict[str, int] = {}
        for area_id, area in policy.active_areas().items():
            for index, rule in enumerate(area.content):
                rule_id = f"{area_id}.{rule.id or f'content[{index}]'}"
                order[rule_id] = index
                if is_generic_pattern(rule.id or "", rule.pattern):
                    generic.add(rule_id)
        return cls(generic=frozenset(generic), order=order)

    def kind(self, evidence: Evidence) -> int:
        if evidence.side == "path":
            return _PATH
        return _GENERIC if evidence.rule in self.generic else _SPECIFIC

    def strength(self, evidence: Evidence) -> tuple[int, int, int]:
        """Smaller is stronger; ties keep the diff's order."""
        return (
            self.kind(evidence),
            _SIDE_RANK.get(evidence.side, 3),
            self.order.get(evidence.rule, len(self.order)),
        )

    def rank(self, evidence: Iterable[Evidence]) -> list[Evidence]:
        """Strongest first: the best line of each rule, then the repeats (each set ranked by
        strength, then diff order)."""
        ordered = sorted(
            enumerate(evidence), key=lambda item: (self.strength(item[1]), item[0])
        )
        first: list[Evidence] = []
        repeats: list[Evidence] = []
        seen: set[str] = set()
        for _, item in ordered:
            (repeats if item.rule in seen else first).append(item)
            seen.add(item.rule)
        return first + repeats

    def select(
        self, evidence: Iterable[Evidence], per_file: int, per_area: int
    ) -> list[Evidence]:
        """The ranked evidence within the caps: at most `per_file` of a file and `per_area` in
        all, the strongest kept."""
        kept: list[Evidence] = []
        files: dict[str, int] = {}
        for item in self.rank(evidence):
            if len(kept) >= per_area:
                break
            if files.get(item.path, 0) >= per_file:
                continue
            files[item.path] = files.get(item.path, 0) + 1
            kept.append(item)
        return kept

    def prune(self, evidence: Sequence[Evidence], per_file: int, per_area: int) -> list[Evidence]:
        """A bounded set of candidates from which `select` gives the same result (short of
        rare per-file interplay between rules): for each rule, its strongest `per_area` with at
        most `per_file` of a file. Keeps memory flat on a diff where every line matches."""
        by_rule: dict[str, list[tuple[tuple[int, int, int], int, Evidence]]] = {}
        for index, item in enumerate(evidence):
            by_rule.setdefault(item.rule, []).append((self.strength(item), index, item))
        kept: list[tuple[int, Evidence]] = []
        for items in by_rule.values():
            items.sort(key=lambda t: (t[0], t[1]))
            files: dict[str, int] = {}
            taken = 0
            for _, index, item in items:
                if taken >= per_area:
                    break
                if files.get(item.path, 0) >= per_file:
                    continue
                files[item.path] = files.get(item.path, 0) + 1
                taken += 1
                kept.append((index, item))
        kept.sort(key=lambda t: t[0])
        return [item for _, item in kept]


def rank(evidence: Iterable[Evidence], generic: frozenset[str] = frozenset()) -> list[Evidence]:
    """`EvidenceRanking(generic=generic).rank(evidence)`."""
    return EvidenceRanking(generic=generic).rank(evidence)


def select(
    evidence: Iterable[Evidence],
    per_file: int,
    per_area: int,
    generic: frozenset[str] = frozenset(),
) -> list[Evidence]:
    """`EvidenceRanking(generic=generic).select(evidence, per_file, per_area)`."""
    return EvidenceRanking(generic=generic).select(evidence, per_file, per_area)
