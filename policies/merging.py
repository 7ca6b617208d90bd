"""How one policy layer merges over another (the bundled default, an organisation's policy, a
repository's, a scope's overrides): pure data in, data out.

- Mappings merge key by key, recursively; a new key adds an entry.
- Scalars replace. Lists append (without repeating an entry already there: a mapping is there
  when one below spells its keys the same and leaves the others empty, as the layer below
  holds it with the schema's defaults spelled out; a copy of the bundled policy used as a
  repository's adds nothing).
- `replace: [field, ...]` beside fields of a mapping makes those fields replace instead.
"""

from __future__ import annotations

import copy
from typing import Any

__all__ = ["merge"]


def _held(item: Any, entries: list[Any]) -> bool:
    """Whether a list already holds an entry: the same value, or for a mapping, an entry that
    spells each of its keys the same and leaves the rest empty, as the defaults the layer below
    had filled in are (`files: []`, `headers: false` beside a content rule's `pattern`; a list
    entry's fields default to nothing). An entry below with a key the new one leaves out set
    (`files: [a/**]`) is another entry: the new one asks for more."""
    if item in entries:
        return True
    return isinstance(item, dict) and any(
        isinstance(entry, dict)
        and all(k in entry and entry[k] == v for k, v in item.items())
        and not any(entry[k] for k in entry.keys() - item.keys())
        for entry in entries
    )


def merge(base: dict[str, Any], overlay: dict[str, Any]) -> dict[str, Any]:
    """Merge overlay into a copy of base by the rules in this module's docstring."""
    result = copy.deepcopy(base)
    replaced = overlay.get("replace", [])
    replaced = {r for r in replaced if isinstance(r, str)} if isinstance(replaced, list) else set()
    for key, value in overlay.items():
        if key == "replace":
            if not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
                result[key] = copy.deepcopy(value)  # reported by _strip_replace, not ignored
            continue
        current = result.get(key)
        if key in replaced or current is None:
            result[key] = copy.deepcopy(value)
        elif isinstance(current, dict) and isinstance(value, dict):
            result[key] = merge(current, value)
        elif isinstance(current, list) and isinstance(value, list):
            result[key] = current + [item for item in value if not _held(item, current)]
        else:
            result[key] = copy.deepcopy(value)
    return result
