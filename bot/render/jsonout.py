"""The decision as JSON, and the JSON Schema that describes it.

The JSON form is the public contract the CLI prints, the App stores and the Action reads (see
`bot.analysis.models`): every field of the Decision's classes, in their order, so it can never
drift from them. The schema is generated on demand from the same classes (by pydantic, imported
only then) for the same reason: there is no copy to keep in step.
"""

from __future__ import annotations

import json
import types
import typing
from enum import Enum
from typing import Any

from bot.analysis.models import SCHEMA_VERSION, Decision
from policies.plain import Plain

__all__ = ["JSON_SCHEMA_DIALECT", "decision_json_schema", "render_json"]

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def _data(value: Any) -> Any:
    """The decision's parts as JSON's types: each one a mapping of every field in order."""
    if isinstance(value, Plain):
        return {name: _data(getattr(value, name)) for name in value._fields}
    if isinstance(value, list | tuple):
        return [_data(item) for item in value]
    if isinstance(value, dict):
        return {key: _data(item) for key, item in value.items()}
    if isinstance(value, Enum):
        return value.value
    return value


def render_json(decision: Decision) -> str:
    """The Decision as indented JSON, exactly the contract's fields (text kept as it is, not
    escaped to ASCII)."""
    return json.dumps(_data(decision), indent=2, ensure_ascii=False)


_DESCRIBED: dict[type[Plain], type] = {}


def _described(cls: type[Plain]) -> type:
    """A dataclass with the fields of a part of the decision (its parts' dataclasses in its
    types): what pydantic can describe. Its docstring is set on the schema afterwards."""
    # Imported here, as `inspect` is below: only the schema needs them, and a scan printing
    # JSON paid for their import at its end (with ast, dis and tokenize: 4-6 ms).
    import dataclasses

    if cls in _DESCRIBED:
        return _DESCRIBED[cls]
    hints = typing.get_type_hints(cls)
    fields = []
    for name in cls._fields:
        default, factory = cls._defaults.get(name, (dataclasses.MISSING, None))
        spec: Any = dataclasses.field(
            default=dataclasses.MISSING if factory else default,
            default_factory=factory or dataclasses.MISSING,
            metadata=cls._metadata.get(name, {}),
        )
        fields.append((name, _as_described(hints[name]), spec))
    _DESCRIBED[cls] = dataclasses.make_dataclass(cls.__name__, fields, frozen=True,
                                                 kw_only=True)
    return _DESCRIBED[cls]


def _as_described(hint: Any) -> Any:
    """A type hint with each part of the decision replaced by its dataclass (`_described`)."""
    if isinstance(hint, type) and issubclass(hint, Plain):
        return _described(hint)
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is None or origin is typing.Literal:
        return hint
    converted = tuple(arg if arg is Ellipsis else _as_described(arg) for arg in args)
    if origin in (typing.Union, types.UnionType):
        return typing.Union[converted]  # noqa: UP007 - made at run time, from a tuple
    return origin[converted]


def decision_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of `render_json`'s output, as pydantic derives it from
    the decision's fields, with each part's docstring as its description, unknown keys refused,
    the dialect and the contract's schema version stated."""
    import inspect

    from pydantic import TypeAdapter

    schema = TypeAdapter(_described(Decision)).json_schema(mode="serialization")
    parts = {cls.__name__: cls for cls in _parts(Decision)}
    for name, node in [(Decision.__name__, schema), *schema.get("$defs", {}).items()]:
        cls = parts.get(name)
        if cls is None:  # an enum, which pydantic describes itself
            continue
        if cls.__doc__:
            node["description"] = inspect.cleandoc(cls.__doc__)
        node["additionalProperties"] = False
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        **schema,
        "$comment": f"modeltier Decision, schema_version {SCHEMA_VERSION}",
    }


def _parts(cls: type[Plain]) -> set[type[Plain]]:
    """The decision's part classes, its own included."""
    found = {cls}
    for hint in typing.get_type_hints(cls).values():
        for arg in _args(hint):
            if isinstance(arg, type) and issubclass(arg, Plain) and arg not in found:
                found |= _parts(arg)
    return found


def _args(hint: Any) -> list[Any]:
    """A type hint and its arguments, theirs too (`list[Evidence] | None` -> ..., Evidence)."""
    return [hint, *(a for arg in typing.get_args(hint) for a in _args(arg))]
