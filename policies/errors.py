"""modeltier's one exception hierarchy, rooted in the bottom layer so every layer can use it."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ModelTierError", "PolicyError", "PolicyProblem"]


class ModelTierError(Exception):
    """Base of every error modeltier raises on purpose; anything else is a bug."""


@dataclass(frozen=True, slots=True)
class PolicyProblem:
    """One thing wrong with a policy file, located so that a person can go and fix it."""

    file: str
    field: str
    message: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        if self.field:
            return f"{where}: {self.field}: {self.message}"
        return f"{where}: {self.message}"


class PolicyError(ModelTierError):
    """A policy could not be used; carries every problem found, not only the first."""

    def __init__(self, problems: list[PolicyProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))
