"""Read a CODEOWNERS file the way GitHub does, and say who owns a path. Pure: text in.

GitHub's rules, as its documentation states them:
- One rule a line: a path pattern, then owners (`@user`, `@org/team` or an e-mail address),
  separated by white space; `#` starts a comment (a whole line, or after white space).
- Patterns follow gitignore's matching (matched here by pathspec's gitignore patterns, the
  gitwildmatch rules), case-sensitively. Three gitignore features do not work in CODEOWNERS:
  `!` negation, `[ ]` character ranges and `\\#` escaping; a line using one, or naming an owner
  that is none of the three forms, is invalid and GitHub skips it (it is reported here).
- The LAST rule that matches a path decides its owners; a matching rule with no owners leaves
  the path with none (it clears an earlier rule's owners).
- GitHub reads the first of `.github/CODEOWNERS`, `CODEOWNERS`, `docs/CODEOWNERS` that exists on
  the base branch (`CODEOWNERS_PATHS`, in that order).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from policies.model import compile_paths, owner_problem
from policies.paths import PathSpec

__all__ = ["CODEOWNERS_PATHS", "CodeOwners", "OwnerRule", "normalise_owner", "parse_codeowners"]

#: where GitHub looks for the file, in its order: the first that exists is the one used
CODEOWNERS_PATHS = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS")

#: patterns per compiled set: RE2 refuses a union of about 2,000, and a large monorepo's file
#: has more rules than that
_CHUNK = 500


def normalise_owner(owner: str) -> str:
    """An owner as compared: GitHub logins, team slugs and e-mail addresses ignore case."""
    return owner.strip().lower()


@dataclass(frozen=True)
class OwnerRule:
    """One valid line: its pattern, its owners (possibly none) and where it stands."""

    pattern: str
    owners: tuple[str, ...]
    line: int


@dataclass(frozen=True)
class CodeOwners:
    """A parsed CODEOWNERS file: its valid rules in file order and the lines GitHub skips."""

    rules: tuple[OwnerRule, ...] = ()
    #: (line number, why the line is skipped)
    problems: tuple[tuple[int, str], ...] = ()
    name: str = "CODEOWNERS"
    _specs: list[tuple[int, PathSpec]] = field(
        default_factory=list, compare=False, repr=False
    )

    def rule_for(self, path: str) -> OwnerRule | None:
        """The rule that decides the path's owners (the last that matches), or None."""
        for start, spec in reversed(self._specs):
            index = spec.check_file(path).index
            if index is not None:
                rule: OwnerRule = self.rules[start + int(index)]
                return rule
        return None

    def owners_of(self, path: str) -> tuple[str, ...]:
        """The path's owners as written (none when no rule, or an owner-less rule, decides)."""
        rule = self.rule_for(path)
        return rule.owners if rule is not None else ()


def _split(line: str) -> list[str]:
    """The line's fields, up to a comment (`#` at its start or after white space)."""
    fields: list[str] = []
    for word in line.split():
        if word.startswith("#"):
            break
        fields.append(word)
    return fields


@functools.lru_cache(maxsize=16)
def parse_codeowners(text: str, name: str = "CODEOWNERS") -> CodeOwners:
    """Parse a CODEOWNERS file; invalid lines are left out and reported, never guessed at. A
    file is parsed once (the decision reads it for ownership areas and for code-owner
    approvals); the result is read-only."""
    rules: list[OwnerRule] = []
    problems: list[tuple[int, str]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        fields = _split(raw)
        if not fields:
            continue
        pattern, owners = fields[0], tuple(fields[1:])
        if pattern.startswith(("!", "\\#")):
            problems.append((number, f"{pattern!r}: CODEOWNERS has no negation or '\\#' escape"))
            continue
        if "[" in pattern or "]" in pattern:
            problems.append((number, f"{pattern!r}: CODEOWNERS has no [ ] character ranges"))
            continue
        bad = next((p for p in map(owner_problem, owners) if p is not None), None)
        if bad is not None:
            problems.append((number, bad))
            continue
        try:
            compile_paths([pattern])
        except ValueError as e:
            problems.append((number, str(e)))
            continue
        rules.append(OwnerRule(pattern, owners, number))
    specs = [
        (start, compile_paths([r.pattern for r in rules[start : start + _CHUNK]]))
        for start in range(0, len(rules), _CHUNK)
    ]
    return CodeOwners(tuple(rules), tuple(problems), name, specs)
