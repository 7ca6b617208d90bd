"""modeltier's one exception hierarchy, rooted in the bottom layer so every layer can use it."""

from __future__ import annotations

from policies.slotted import Slotted

__all__ = ["Loc", "ModelTierError", "PolicyError", "PolicyProblem"]

#: where a field stands in a policy: its keys and list indexes, outermost first
Loc = tuple[str | int, ...]


class ModelTierError(Exception):
    """Base of every error modeltier raises on purpose; anything else is a bug."""


class PolicyProblem(Slotted):
    """One thing wrong with a policy file, located so that a person can go and fix it.

    Frozen plain data (`Slotted`, not a dataclass: a dataclass compiles its methods when its
    class is defined, about 1 ms of every start, and this module is imported by every
    command)."""

    __slots__ = ("column", "field", "file", "line", "message")
    _order = ("file", "field", "message", "line", "column")

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
