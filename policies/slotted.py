"""Frozen plain data held in slots, for the few classes a start or a large diff cannot afford
as dataclasses or `Plain` classes: a dataclass compiles its methods when its class is defined
(about 1 ms each), and a `Plain` instance is made by keyword, field by field (its `__init__`
is shared). A `Slotted` class writes its own `__init__` (positional, fast) and names its fields
in `_order`; comparison, hashing, copying, pickling and its repr come from here, by those
fields."""

from __future__ import annotations

from typing import Any, ClassVar, Self

from policies.plain import FrozenInstanceError

__all__ = ["Slotted"]


class Slotted:
    """Frozen: fields are set once, with `object.__setattr__`, in the subclass's `__init__`,
    which takes them in `_order`."""

    __slots__ = ()
    #: the fields, in the order the subclass's `__init__` takes them
    _order: ClassVar[tuple[str, ...]] = ()

    def __setattr__(self, name: str, value: object) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self._order)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, Slotted)
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __reduce__(self) -> tuple[type[Self], tuple[Any, ...]]:
        return (type(self), self._values())  # copied and pickled by its fields, as it is made

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._order)
        return f"{type(self).__name__}({shown})"
