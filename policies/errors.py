"""modeltier's one exception hierarchy, rooted in the bottom layer so every layer can use it."""

from __future__ import annotations

from dataclasses import FrozenInstanceError
from typing import Any

__all__ = ["Loc", "ModelTierError", "PolicyError", "PolicyProblem"]

#: where a field stands in a policy: its keys and list indexes, outermost first
Loc = tuple[str | int, ...]


class ModelTierError(Exception):
    """Base of every error modeltier raises on purpose; anything else is a bug."""


class PolicyProblem:
    """One thing wrong with a policy file, located so that a person can go and fix it.

    Frozen plain data, written out: a dataclass compiles its methods when its class is defined,
    about 1 ms of every start (this module is imported by every command)."""

    __slots__ = ("column", "field", "file", "line", "message")

    file: str
    field: str
    message: str
    line: int | None
    column: int | None

    def __init__(self, file: str, field: str, message: str, line: int | None = None,
                 column: int | None = None) -> None:
        object.__setattr__(self, "file", file)
        object.__setattr__(self, "field", field)
        object.__setattr__(self, "message", message)
        object.__setattr__(self, "line", line)
        object.__setattr__(self, "column", column)

    def __setattr__(self, name: str, value: object) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def _values(self) -> tuple[str, str, str, int | None, int | None]:
        return (self.file, self.field, self.message, self.line, self.column)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, PolicyProblem)
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __reduce__(self) -> tuple[type[PolicyProblem], tuple[Any, ...]]:
        return (PolicyProblem, self._values())  # copied and pickled by its fields, as it is made

    def __repr__(self) -> str:
        return (f"PolicyProblem(file={self.file!r}, field={self.field!r}, "
                f"message={self.message!r}, line={self.line!r}, column={self.column!r})")

    @classmethod
    def at(cls, file: str, loc: Loc, message: str, pos: tuple[int, int] | None) -> PolicyProblem:
        """A problem of the field at `loc`, named as a person writes it (`areas.auth.paths[0]`),
        at its (line, column) when known."""
        line, column = pos if pos else (None, None)
        return cls(file, _dotted(loc), message, line, column)

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        if self.field:
            return f"{where}: {self.field}: {self.message}"
        return f"{where}: {self.message}"


def _dotted(loc: Loc) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


class PolicyError(ModelTierError):
    """A policy could not be used; carries every problem found, not only the first."""

    def __init__(self, problems: list[PolicyProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))
