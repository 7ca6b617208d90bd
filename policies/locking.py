"""Fields an organisation policy locks (`locked: [enforcement, areas.auth, ...]`): a repository
policy may tighten them, never weaken them. Pure: the two layers' data in, what weakens out.

What "tighten" means depends on the kind of field (each rule names the field it applies to,
wherever it stands under a locked entry):
- ordered values move only toward the strict end: `on_missing`/`on_lower` warn -> fail;
  `human_declaration` accept -> require_review -> reject (`accept_human_declaration` true ->
  false); `on_conflict` stronger -> weaker; `uninspected` and an area's `risk` routine ->
  elevated -> critical; `override.min_permission` read -> ... -> admin; `override.scope`
  pr -> sha; `override.allow_author` true -> false; an area's `enabled` false -> true;
  `comment` never -> sensitive -> always; `checklist` advisory -> required.
- `enforcement.require` and `recommend`: every risk the organisation names stays, with a tier
  of the same rank or higher; a new risk may be added. `min_provenance`: every tier stays, with
  the same provenance or a stronger one. `tool_only_tier`: the same tier or a lower one, or
  none (a tool marker then proves nothing).
- Lists of what counts (an area's `paths`, `content`, `owners`, `repository`, `titles`,
  `checklist`; the policy's `source_files`): every entry stays;
  entries may be added, except a path pattern starting with `!` (it takes paths back out).
- Lists of what is let off (`exclude`, `generated`, `vendored`, `translations`,
  `content_only`, `client_side`, `title_vetoes`, `enforcement.unless`, an area's `weak` rules):
  entries may be removed, none added; an area's own `exclude` may not be set where the
  organisation left it unset (nor unset where it set it).
- `request_review`: every reviewer stays; more may be added.
- `enforcement.when`: unchanged, or removed (enforcement then always applies).
- Mappings (`areas`, `enforcement`, `override`, an area): each field by its own rule; a new
  area may be added (more is checked), a new entry anywhere else is a change.
- A locked area locks the policy-wide lists that let paths off every area with it (`exclude`,
  `content_only`, `client_side`, `generated`, `vendored`, `translations`, `title_vetoes`): a
  repository could otherwise exclude a locked area's paths (or veto its titles) without
  touching the area.
- `title` and `description` are words, free to change. Any other field must stay as it is.

Tier ranks are read from each layer's own `tiers`: a repository that lowers the rank of the
tier an organisation requires weakens `enforcement.require`. The catalog itself (`models`,
`families`, `tiers`) can be locked like any other field: a model added to the premium tier
would otherwise count as premium evidence.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from policies.merging import merge

__all__ = ["Weakening", "restore", "scope_weakenings", "unknown_locks", "weakenings"]

Loc = tuple[str | int, ...]

_RISKS = ["routine", "elevated", "critical"]
#: field -> its values, weakest first
_ORDERS: dict[str, list[Any]] = {
    "on_missing": ["warn", "fail"],
    "on_lower": ["warn", "fail"],
    "human_declaration": ["accept", "require_review", "reject"],
    "accept_human_declaration": [True, False],
    "on_conflict": ["stronger", "weaker"],
    "uninspected": _RISKS,
    "risk": _RISKS,
    "min_permission": ["read", "triage", "write", "maintain", "admin"],
    "scope": ["pr", "sha"],
    "allow_author": [True, False],
    "enabled": [False, True],
    "comment": ["never", "sensitive", "always"],
    "checklist": ["advisory", "required"],
}
_PROVENANCE = ["declared", "tool", "recorded", "attested"]
_MORE_IS_STRICTER = {"paths", "content", "owners", "repository", "titles", "source_files",
                     "checklist"}
_LESS_IS_STRICTER = {"exclude", "generated", "vendored", "translations", "content_only",
                     "client_side", "unless", "weak", "title_vetoes"}
_TIER_MAPS = {"require", "recommend"}
#: policy-wide lists that let paths off every area: locked with any area
_AREA_EXEMPTIONS = ("exclude", "content_only", "client_side", "generated", "vendored",
                    "translations", "title_vetoes")
_FREE = {"title", "description"}
#: mappings where a new entry adds checks rather than changing one
_OPEN_MAPS = {"areas"}


@dataclass(frozen=True)
class Weakening:
    """A locked field the repository weakened: where, and what it did."""

    loc: Loc
    message: str


def _shown(value: Any) -> str:
    text = json.dumps(value, default=str)
    return text if len(text) <= 80 else text[:77] + "..."


def _at(data: Any, loc: Loc) -> tuple[bool, Any]:
    for part in loc:
        if isinstance(data, dict) and part in data:
            data = data[part]
        else:
            return False, None
    return True, data


class _Comparison:
    def __init__(self, org: dict[str, Any], new: dict[str, Any]) -> None:
        self.org_tiers = org.get("tiers") or {}
        self.new_tiers = new.get("tiers") or {}
        self.out: list[Weakening] = []

    def weak(self, loc: Loc, message: str) -> None:
        self.out.append(Weakening(loc, message))

    def rank(self, tiers: dict[str, Any], tier: Any) -> int:
        entry = tiers.get(tier) if isinstance(tier, str) else None
        return int(entry["rank"]) if isinstance(entry, dict) and "rank" in entry else -1

    def compare(self, org: Any, new: Any, loc: Loc, key: str) -> None:
        # No shortcut for equal values: a tier named the same may rank lower in the new layer.
        if key in _FREE:
            return
        if key in _ORDERS and not isinstance(org, (list, dict)):
            order = _ORDERS[key]
            if new == org or (org in order and new in order
                              and order.index(new) > order.index(org)):
                return
            self.weak(loc, f"{_shown(new)} is weaker than {_shown(org)}")
        elif key in _TIER_MAPS and isinstance(org, dict):
            new = new if isinstance(new, dict) else {}
            for risk, tier in org.items():
                if risk not in new:
                    self.weak((*loc, risk), f"drops the {_shown(tier)} tier the organisation "
                                            f"{key}s for {risk} changes")
                elif self.rank(self.new_tiers, new[risk]) < self.rank(self.org_tiers, tier):
                    if new[risk] == tier:  # the same tier, ranked lower: its rank goes back
                        self.weak(("tiers", tier, "rank"), f"lowers the rank of the {tier} "
                                  f"tier that {'.'.join(map(str, loc))}.{risk} names")
                    else:
                        self.weak((*loc, risk), f"{_shown(new[risk])} ranks below "
                                                f"{_shown(tier)}")
        elif key == "min_provenance" and isinstance(org, dict):
            new = new if isinstance(new, dict) else {}
            for tier, floor in org.items():
                if new.get(tier) not in _PROVENANCE or (
                    floor in _PROVENANCE
                    and _PROVENANCE.index(new[tier]) < _PROVENANCE.index(floor)
                ):
                    self.weak((*loc, tier), f"{_shown(new.get(tier))} is weaker than "
                                            f"{_shown(floor)}")
        elif key == "tool_only_tier":
            if new is not None and (
                org is None or self.rank(self.new_tiers, new) > self.rank(self.org_tiers, org)
            ):
                self.weak(loc, f"{_shown(new)} lets a tool marker prove more than {_shown(org)}")
        elif key == "when":
            if new is not None and new != org:
                self.weak(loc, "changes when enforcement applies (it may only be removed)")
        elif key == "request_review" and isinstance(org, dict):
            new = new if isinstance(new, dict) else {}
            for what, reviewers in org.items():
                dropped = [r for r in reviewers if r not in (new.get(what) or [])]
                if dropped:
                    self.weak((*loc, what), f"drops {_shown(dropped)}")
        elif key in _MORE_IS_STRICTER and isinstance(org, list):
            new = new if isinstance(new, list) else []
            dropped = [item for item in org if item not in new]
            negations = [item for item in new if item not in org
                         and isinstance(item, str) and item.startswith("!")]
            if dropped:
                self.weak(loc, f"drops {_shown(dropped)}")
            if negations:
                self.weak(loc, f"adds {_shown(negations)}, which takes paths back out")
        elif key in _LESS_IS_STRICTER and (isinstance(org, list) or org is None):
            if new == org:
                return
            if org is None or new is None:
                self.weak(loc, f"{_shown(new)} instead of {_shown(org)}")
                return
            added = [item for item in new if item not in org]
            if added:
                self.weak(loc, f"adds {_shown(added)}, which lets more off")
        elif isinstance(org, dict) and isinstance(new, dict):
            for child, value in org.items():
                if child not in new:
                    self.weak((*loc, child), "removes it")
                else:
                    self.compare(value, new[child], (*loc, child),
                                 "(area)" if key in _OPEN_MAPS else str(child))
            if key not in _OPEN_MAPS:
                for child in new:
                    if child not in org:
                        self.weak((*loc, child), f"adds {_shown(new[child])}")
        elif org != new:
            self.weak(loc, f"changes {_shown(org)} to {_shown(new)}")


def _key(loc: Loc) -> str:
    """The field name a locked entry ends in (an area id's entry compares as an area)."""
    if len(loc) >= 2 and loc[-2] in _OPEN_MAPS:
        return "(area)"
    return str(loc[-1])


def weakenings(org: dict[str, Any], new: dict[str, Any], locked: Sequence[str]) -> list[Weakening]:
    """Where `new` (the policy with the repository's file) weakens a field `org` (the policy
    the organisation set) locks. Both are policies as JSON data."""
    comparison = _Comparison(org, new)
    if any(entry == "areas" or entry.startswith("areas.") for entry in locked):
        locked = [*locked, *_AREA_EXEMPTIONS]
    for entry in dict.fromkeys(locked):
        loc: Loc = tuple(entry.split("."))
        found, org_value = _at(org, loc)
        if not found:
            continue  # reported by unknown_locks when the organisation's policy is loaded
        _, new_value = _at(new, loc)
        comparison.compare(org_value, new_value, loc, _key(loc))
    merged: dict[Loc, list[str]] = {}
    for item in comparison.out:
        merged.setdefault(item.loc, []).append(item.message)
    return [Weakening(loc, "; ".join(messages)) for loc, messages in merged.items()]


def restore(new: dict[str, Any], org: dict[str, Any], locs: Sequence[Loc]) -> dict[str, Any]:
    """`new` with the organisation's value put back at each loc (removed where it had none)."""
    data = copy.deepcopy(new)
    for loc in locs:
        found, value = _at(org, loc)
        parent_found, parent = _at(data, loc[:-1])
        if not parent_found or not isinstance(parent, dict):
            continue
        if found:
            parent[loc[-1]] = copy.deepcopy(value)
        else:
            parent.pop(loc[-1], None)
    return data


def scope_weakenings(
    org: dict[str, Any], new: dict[str, Any], locked: Sequence[str]
) -> tuple[dict[str, Any], list[Weakening]]:
    """A scope's `areas` and `enforcement` must not weaken a locked field for its files either
    (a scope over `**` would otherwise undo any lock): `new` with each such override set back
    to the organisation's value (or, where there is none to put back, the scope's override of
    that field dropped), and the weakenings, located under `scopes[i]`."""
    data = copy.deepcopy(new)
    found: list[Weakening] = []
    for index, scope in enumerate(data.get("scopes") or []):
        overlay = {key: scope[key] for key in ("areas", "enforcement") if scope.get(key)}
        if not overlay:
            continue
        for item in weakenings(org, merge(data, overlay), locked):
            fixed = restore(overlay, org, [item.loc])
            if fixed == overlay:
                fixed.pop(str(item.loc[0]), None)
            overlay = fixed
            found.append(Weakening(("scopes", index, *item.loc), item.message))
        scope["areas"] = overlay.get("areas", {})
        scope["enforcement"] = overlay.get("enforcement", {})
    return data, found


def unknown_locks(data: dict[str, Any], locked: Sequence[str]) -> list[tuple[Loc, str]]:
    """Locked entries that name no field of the policy: a lock on nothing protects nothing."""
    return [
        (("locked", index), f"{entry!r} names no field of the policy")
        for index, entry in enumerate(locked)
        if not _at(data, tuple(entry.split(".")))[0]
    ]
