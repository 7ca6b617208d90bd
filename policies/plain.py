"""Frozen plain data without generated code: the base of the policy as the analysis reads it
(`policies.model`) and of the decision (`bot.analysis.models`).

A dataclass generates the source of its methods and compiles it when its class is defined:
0.8 ms a class, and a scan defines about 35 of them before it reads a line (a fifth of its
start, issue 14). A `Plain` class shares its methods instead; it behaves as a frozen,
keyword-only dataclass (type checkers are told so) whose fields are its annotations:
compared and hashed by its fields, shown like one, with defaults written as a dataclass's
(`field` for a factory or a description in the metadata).

It does not import `dataclasses`: that module imports `inspect` (and with it `ast`, `dis`,
`tokenize`), about 6 ms of every start for a module no scan calls (issue 14). `field` and
`FrozenInstanceError` are this module's own, taking and meaning what the dataclasses' do.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar, Self, dataclass_transform

__all__ = ["FrozenInstanceError", "Plain", "field"]


class _Missing:
    """The value of a field that has no default (dataclasses.MISSING's part)."""

    def __repr__(self) -> str:
        return "MISSING"


_MISSING: Any = _Missing()


class FrozenInstanceError(AttributeError):
    """A field of frozen data was assigned or deleted (an AttributeError, as the dataclasses'
    error of that name is)."""


class _Field:
    """A field's default, or the factory of its default, and its metadata (`field`)."""

    __slots__ = ("default", "default_factory", "metadata")

    def __init__(self, default: Any, default_factory: Any, metadata: Mapping[str, Any]) -> None:
        self.default = default
        self.default_factory = default_factory
        self.metadata = metadata


def field(*, default: Any = _MISSING, default_factory: Callable[[], Any] = _MISSING,
          metadata: Mapping[str, Any] | None = None) -> Any:
    """A `Plain` field's default (a value, or a factory called once per instance) and its
    metadata (a description for the JSON contract), as `dataclasses.field` takes them."""
    if default is not _MISSING and default_factory is not _MISSING:
        raise ValueError("cannot specify both default and default_factory")
    return _Field(default, default_factory, metadata or {})


@dataclass_transform(kw_only_default=True, frozen_default=True, field_specifiers=(field,))
class Plain:
    """Frozen plain data: its fields are its class's annotations, each given by keyword or by
    its default."""

    #: the fields' names, in order, and as a set (asked of every instance made: an analysis
    #: makes tens of thousands)
    _fields: ClassVar[tuple[str, ...]] = ()
    _names: ClassVar[frozenset[str]] = frozenset()
    #: each field's default value (a value, or a factory called once per instance)
    _defaults: ClassVar[dict[str, tuple[Any, Callable[[], Any] | None]]] = {}
    #: each field's metadata (`field(metadata=...)`: a description)
    _metadata: ClassVar[dict[str, Mapping[str, Any]]] = {}

    def __init_subclass__(cls) -> None:
        # a subclass of a Plain class keeps its base's fields (first, as a dataclass orders
        # them) and adds its own annotations: its own, read from its namespace as
        # inspect.get_annotations reads a class's (inspect is not imported: the docstring)
        own = tuple(cls.__dict__.get("__annotations__", {}))  # noqa: RUF063
        cls._fields = (*cls._fields, *(name for name in own if name not in cls._fields))
        cls._names = frozenset(cls._fields)
        cls._defaults, cls._metadata = dict(cls._defaults), dict(cls._metadata)
        for name in own:
            value = cls.__dict__.get(name, _MISSING)
            if isinstance(value, _Field):
                cls._metadata[name] = value.metadata
                factory = value.default_factory
                value = value.default
                if factory is not _MISSING:
                    cls._defaults[name] = (None, factory)
                delattr(cls, name)
            if value is not _MISSING:
                cls._defaults[name] = (value, None)

    def __init__(self, **values: Any) -> None:
        if not values.keys() <= self._names:
            unknown = values.keys() - self._names
            raise TypeError(f"{type(self).__name__} has no field {sorted(unknown)}")
        for name in self._fields:
            if name in values:
                value = values[name]
            elif name in self._defaults:
                value, factory = self._defaults[name]
                value = factory() if factory is not None else value
            else:
                raise TypeError(f"{type(self).__name__} needs its field {name!r}")
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value: object) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self._fields)

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        assert isinstance(other, Plain)
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{type(self).__name__}({shown})"

    def replace(self, **changes: Any) -> Self:
        """A copy with some fields changed (as `dataclasses.replace`)."""
        return type(self)(**{name: getattr(self, name) for name in self._fields} | changes)
