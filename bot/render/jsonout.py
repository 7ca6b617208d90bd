"""The decision as JSON, and the JSON Schema that describes it.

The JSON form is the public contract the CLI prints, the App stores and the Action reads (see
`bot.analysis.models`): every field of the Decision's dataclasses, in their order, so it can
never drift from them. The schema is generated on demand from the same dataclasses (by pydantic,
imported only then) for the same reason: there is no copy to keep in step.
"""

from __future__ import annotations

import dataclasses
import inspect
import json
from enum import Enum
from typing import Any

from bot.analysis.models import SCHEMA_VERSION, Decision

__all__ = ["JSON_SCHEMA_DIALECT", "decision_json_schema", "render_json"]

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def _plain(value: Any) -> Any:
    """A dataclass tree as JSON's types: each dataclass a mapping of every field in order."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, Enum):
        return value.value
    return value


def render_json(decision: Decision) -> str:
    """The Decision as indented JSON, exactly the contract's fields (text kept as it is, not
    escaped to ASCII)."""
    return json.dumps(_plain(decision), indent=2, ensure_ascii=False)


def _contract_classes(cls: type) -> dict[str, type]:
    """The dataclasses a Decision is made of, by name (as the schema's `$defs` name them)."""
    import typing

    found: dict[str, type] = {}
    todo = [cls]
    while todo:
        current = todo.pop()
        if current.__name__ not in found:
            found[current.__name__] = current
            todo += [arg for hint in typing.get_type_hints(current).values()
                     for arg in (hint, *_args(hint))
                     if isinstance(arg, type) and dataclasses.is_dataclass(arg)]
    return found


def _args(hint: Any) -> list[Any]:
    """A type hint's arguments, theirs too (`list[Evidence] | None` -> list[Evidence], None,
    Evidence)."""
    import typing

    return [a for arg in typing.get_args(hint) for a in (arg, *_args(arg))]


def decision_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of `render_json`'s output, as pydantic derives it from
    the dataclasses, with each one's docstring as its description, unknown keys refused, the
    dialect and the contract's schema version stated."""
    from pydantic import TypeAdapter

    schema = TypeAdapter(Decision).json_schema(mode="serialization")
    classes = _contract_classes(Decision)
    for name, node in [(Decision.__name__, schema), *schema.get("$defs", {}).items()]:
        cls = classes.get(name)
        if cls is None:  # an enum, which pydantic describes itself
            continue
        doc = cls.__doc__ or ""
        if not doc.startswith(f"{name}("):  # dataclasses' own signature is no description
            node["description"] = inspect.cleandoc(doc)
        node["additionalProperties"] = False
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        **schema,
        "$comment": f"modeltier Decision, schema_version {SCHEMA_VERSION}",
    }
