"""Named path sets: one list of path patterns written once and named wherever a path list is.

A policy's `path_sets` maps a name to patterns. In any path list, `@name` stands for the set's
patterns, in their order, and `!@name` for each of them excluded (`!pattern`); the rest of the
list is as written. So the folders a dozen rules leave out (templates, CI, deployment files) are
one list a security team reads and changes once, not a dozen copies that drift apart: the
bundled policy's own copies did. (YAML anchors would do it too, but a policy refuses aliases: a
few lines of them can expand into an enormous document.)

The names are expanded when the policy is validated, so the analysis, the bundled artefact and
`policy show` see plain lists. A set stands for its patterns in the layer that names it: a
repository that adds patterns to a bundled set changes the lists it writes itself, not the
bundled policy's, which were expanded when it was built.

Fail closed: an unknown name is an error (a typo would otherwise be a pattern that matches
nothing, and a rule would apply where its author excluded it). A file whose name starts with
`@` is written `\\@name`, as gitignore escapes a leading `!` or `#`. A set holds plain patterns:
it names no other set, and one that is excluded as a whole (`!@name`) holds no exclusion of its
own, whose double negation would be a riddle.

Pure: data in, data out; no pydantic (the schema calls it from its validators).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import re2

from policies.model import MAX_PATH_PATTERNS

__all__ = ["NAME", "PATH_LIST_FIELDS", "context", "expand", "expanded_lists", "plain_entries"]

#: The schema's fields that hold a path list (`policies.schema.PathList`; a test keeps the two
#: in step): where a layer's names are spelled out before it merges over the layer below.
PATH_LIST_FIELDS = frozenset({
    "agent_trace_paths", "client_side", "content_only", "contracts", "exclude", "files",
    "generated", "not_counted", "paths", "source_files", "translations", "vendored",
})
#: A set's name: what `@` may be followed by.
NAME = r"[a-z][a-z0-9_-]*"
_REFERENCE = re2.compile(rf"(!?)@({NAME})")


def _reference(entry: str) -> tuple[bool, str] | None:
    """(excluded, name) when the entry names a set, else None."""
    found = _REFERENCE.fullmatch(entry)
    return None if found is None else (found.group(1) == "!", found.group(2))


def expand(patterns: list[Any], sets: Mapping[str, list[str]]) -> list[Any]:
    """The list with every `@name` and `!@name` replaced by the set's patterns. Raises
    ValueError naming the entry for an unknown set, for an excluded set that holds an
    exclusion, and for a list longer than a path list may be once spelt out. Entries that are
    not strings are left for the schema to refuse."""
    if not any(isinstance(p, str) and p.lstrip("!").startswith("@") for p in patterns):
        return patterns
    expanded: list[Any] = []
    for index, entry in enumerate(patterns):
        reference = _reference(entry) if isinstance(entry, str) else None
        if reference is None:
            expanded.append(entry)
            continue
        excluded, name = reference
        if name not in sets:
            known = ", ".join(sorted(sets)) or "none"
            raise ValueError(
                f"entry {index} {entry!r} names no path set (the policy's `path_sets` are: "
                f"{known}); a file whose name starts with '@' is written '\\@...'"
            )
        members = sets[name]
        if excluded:
            negated = [m for m in members if m.startswith("!")]
            if negated:
                raise ValueError(f"entry {index} {entry!r} excludes a set that holds an "
                                 f"exclusion ({negated[0]!r}): name its patterns instead")
            members = [f"!{m}" for m in members]
        expanded.extend(members)
        if len(expanded) > MAX_PATH_PATTERNS:
            # checked as it grows: a list naming a large set many times must not become a
            # million patterns before the schema counts them (the blow-up aliases are refused for)
            raise ValueError(f"more than {MAX_PATH_PATTERNS} path patterns once its sets are "
                             f"spelt out (at entry {index} {entry!r})")
    return expanded


def expanded_lists(data: Any, sets: Mapping[str, list[str]]) -> Any:
    """A policy layer's data with the names in its path lists spelled out, before it merges
    over the layer below: so that a list it copies from below is the same list there (and
    adds nothing), as an unnamed copy is. A list naming an unknown set is left as written, for
    the schema to report where it stands."""
    if isinstance(data, list):
        return [expanded_lists(item, sets) for item in data]
    if not isinstance(data, dict):
        return data
    result: dict[Any, Any] = {}
    for key, value in data.items():
        if key in PATH_LIST_FIELDS and isinstance(value, list):
            try:
                result[key] = expand(value, sets)
            except ValueError:
                result[key] = value
        else:
            result[key] = expanded_lists(value, sets)
    return result


def plain_entries(patterns: list[Any]) -> list[Any]:
    """A set's own patterns, checked: a set names no other set (ValueError)."""
    for index, entry in enumerate(patterns):
        if isinstance(entry, str) and _reference(entry) is not None:
            raise ValueError(f"entry {index} {entry!r}: a path set cannot name another set")
    return patterns


def context(data: Any, *, trusted: bool) -> dict[str, Any]:
    """The validation context of a policy's data: whether it is the bundled policy, and its
    path sets as written (only the well-formed ones: a malformed set is reported by its own
    field, not again at every list that names it)."""
    raw = data.get("path_sets") if isinstance(data, dict) else None
    sets = {
        name: members for name, members in (raw.items() if isinstance(raw, dict) else ())
        if isinstance(name, str) and isinstance(members, list)
        and all(isinstance(m, str) for m in members)
    }
    return {"trusted": trusted, "path_sets": sets}
