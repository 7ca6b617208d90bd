"""What an override covered: the critical evidence of the head its giver saw, as keys a later
push can be checked against.

An override waives enforcement for what was in front of the person who gave it, not for whatever
is pushed after it. The keys hold no line numbers (a push above a covered line moves it, and
moving is not new): a critical area, a file in it, a line's side and text in it, a file that
could not be read, the content of a policy file change. A later head whose keys are all covered
keeps the override (it removed or repeated covered evidence); any other key is new evidence and
suspends it. Where the caps of `limits` hid evidence, the counts stand in for what is not shown.
Pure: a Decision and files in, a Coverage out.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.analysis.diff import GitHubFile
from bot.analysis.models import Decision
from policies.model import Risk

__all__ = ["POLICY_AREA", "Coverage", "coverage"]

#: The area a change of the repository's policy file counts as (see bot/review.py).
POLICY_AREA = "policy"
#: Keys of evidence that belongs to no area.
_UNREAD = "unread"
_UNLISTED = "unlisted"
#: New evidence named in full before the rest is counted.
_SHOWN = 5


def _one_line(text: str) -> str:
    return " ".join(text.split())


@dataclass(frozen=True)
class Coverage:
    """The critical evidence of one head: areas, (area, path, detail) keys, and per area the
    evidence found (`totals`) and how much of it the caps left unshown (`hidden`)."""

    areas: frozenset[str] = frozenset()
    keys: frozenset[tuple[str, str, str]] = frozenset()
    totals: Mapping[str, int] = field(default_factory=dict)
    hidden: Mapping[str, int] = field(default_factory=dict)
    titles: Mapping[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "areas": sorted(self.areas), "keys": sorted(list(k) for k in self.keys),
            "totals": dict(self.totals), "hidden": dict(self.hidden), "titles": dict(self.titles),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Coverage:
        return cls(
            areas=frozenset(data.get("areas", ())),
            keys=frozenset(tuple(k) for k in data.get("keys", ())),
            totals=dict(data.get("totals", {})),
            hidden=dict(data.get("hidden", {})),
            titles=dict(data.get("titles", {})),
        )

    @classmethod
    def union(cls, coverages: Iterable[Coverage]) -> Coverage:
        """What any of these covered (a merge group's pull requests, each passed on its own)."""
        areas: set[str] = set()
        keys: set[tuple[str, str, str]] = set()
        totals: dict[str, int] = {}
        hidden: dict[str, int] = {}
        titles: dict[str, str] = {}
        for c in coverages:
            areas |= c.areas
            keys |= c.keys
            titles.update(c.titles)
            for mine, theirs in ((totals, c.totals), (hidden, c.hidden)):
                for area, n in theirs.items():
                    mine[area] = mine.get(area, 0) + n
        return cls(frozenset(areas), frozenset(keys), totals, hidden, titles)

    @classmethod
    def of_areas(cls, areas: Iterable[str]) -> Coverage:
        """An override recorded before evidence was: its areas, none of their lines."""
        return cls(areas=frozenset(areas))

    def new_since(self, covered: Coverage) -> list[str]:
        """What this head holds that `covered` did not, in words; empty: all of it was covered."""
        found: list[str] = []
        for area in sorted(self.areas - covered.areas):
            files = sorted({p for a, p, d in self.keys if a == area and d == "file"})
            where = f" ({', '.join(f'`{p}`' for p in files[:3])})" if files else ""
            found.append(f"a new critical area, {self._title(area)}{where}")
        for area, path, detail in sorted(self.keys - covered.keys):
            if area not in covered.areas and area not in (_UNREAD, POLICY_AREA):
                continue  # named with its area above
            if area == _UNREAD:
                found.append(f"`{path}` could not be read")
            elif area == POLICY_AREA:
                found.append(f"`{path}` changed again")
            elif detail == "file":
                found.append(f"`{path}` is new in {self._title(area)}")
            else:
                side, _, text = detail.partition(": ")
                verb = "removed" if side == "old" else "added"
                found.append(f"`{path}` {verb} `{text}` ({self._title(area)})")
        for area in sorted(self.areas & covered.areas):
            total, before = self.totals.get(area, 0), covered.totals.get(area, 0)
            if self.hidden.get(area, 0) and total > before:
                found.append(f"{self._title(area)}: {total} findings where the override saw "
                             f"{before}, some beyond what the comment lists")
        unlisted, before = self.totals.get(_UNLISTED, 0), covered.totals.get(_UNLISTED, 0)
        if unlisted > before:
            found.append(f"{unlisted} files GitHub did not list (the override saw {before})")
        if len(found) > _SHOWN:
            found = [*found[:_SHOWN], f"and {len(found) - _SHOWN} more"]
        return found

    def _title(self, area: str) -> str:
        return self.titles.get(area, area)


def coverage(decision: Decision, policy_files: Sequence[GitHubFile] = ()) -> Coverage:
    """The critical evidence of a decision, and the policy files the change touches (a policy
    change is critical whatever the areas say; its content is its evidence)."""
    keys: set[tuple[str, str, str]] = set()
    areas: set[str] = set()
    totals: dict[str, int] = {_UNLISTED: decision.signals.files_not_listed}
    hidden: dict[str, int] = {}
    titles: dict[str, str] = {}
    for area in decision.areas:
        if area.risk != Risk.CRITICAL:
            continue
        areas.add(area.id)
        titles[area.id] = area.title
        totals[area.id] = area.evidence_total
        hidden[area.id] = max(area.evidence_total - len(area.evidence), 0)
        keys.update((area.id, path, "file") for path in area.files)
        keys.update(
            (area.id, ev.path, f"{ev.side}: {_one_line(ev.snippet)}") for ev in area.evidence
        )
    keys.update((_UNREAD, item.path, "") for item in decision.not_inspected)
    for f in policy_files:
        areas.add(POLICY_AREA)
        digest = hashlib.sha256(f"{f.status}\n{f.patch}".encode()).hexdigest()[:16]
        keys.add((POLICY_AREA, f.filename, digest))
    titles.setdefault(POLICY_AREA, "the repository's policy")
    return Coverage(frozenset(areas), frozenset(keys), totals, hidden, titles)
