"""Path patterns (gitignore's syntax) compiled for matching: each pattern translated to a regular
expression once, every list matched as one RE2 set.

pathspec translates the patterns (its gitignore rules: `**`, anchoring, `!` negation, a trailing
`/`) and RE2 matches them, as pathspec's own RE2 back end does; what this module adds is that the
translations can be handed over ready-made. pathspec compiles every pattern with Python's `re`
as well (hundreds of compiles, most of a start-up's compile time, for expressions RE2 then
matches); a translation that has been checked once (the bundled policy's, checked when its
artefact was built: `policies.bundled`) is not checked again, and pathspec is not even imported.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import re2

__all__ = ["PathMatch", "PathSpec", "PathSpecs", "Translation", "compile_paths",
           "engine_detail", "remember", "translate"]

#: a pattern's regular expression and whether a match includes (True) or excludes (False) the
#: file; (None, None) for a line that says nothing (blank, a comment)
Translation = tuple[str | None, bool | None]

# pathspec's RE2 options for a set: no capture groups (a set cannot report them), no logging.
_SET_OPTIONS = re2.Options()
_SET_OPTIONS.log_errors = False
_SET_OPTIONS.never_capture = True

#: translations checked elsewhere (the bundled policy's artefact), as `remember` was given them
_KNOWN: dict[str, Translation] = {}


def engine_detail(error: BaseException) -> str:
    """What a regular-expression engine said when it refused something, as text."""
    detail = error.args[0] if error.args else ""
    if isinstance(detail, bytes):
        detail = detail.decode("utf-8", "replace")
    return str(detail) or type(error).__name__


def remember(translations: Mapping[str, Translation]) -> None:
    """Take translations checked elsewhere (the bundled policy's artefact) as known good."""
    _KNOWN.update(translations)


def translate(pattern: str) -> Translation:
    """One pattern as pathspec's gitignore rules read it, checked the way pathspec checks it
    (its translation, then Python's `re`); ValueError when either refuses it."""
    known = _KNOWN.get(pattern)
    return known if known is not None else _translated(pattern)


@functools.lru_cache(maxsize=4096)  # bounded: a service reads many repositories' patterns
def _translated(pattern: str) -> Translation:
    from pathspec.patterns.gitignore.basic import GitIgnoreBasicPattern  # only for new patterns

    try:
        regex, include = GitIgnoreBasicPattern.pattern_to_regex(pattern)
        if include is not None:
            re.compile(regex)
    except Exception as e:  # every refusal of the translation or of `re`, whatever its type
        raise ValueError(engine_detail(e)) from e
    return regex, include


class PathMatch:
    """What a list of patterns says about one file: `include` True or False by the last pattern
    that matches it (`index`), None when none does (pathspec's CheckResult). Not frozen: an
    analysis makes tens of thousands of them, and a frozen one took three times as long to make
    (a fresh one for each question, so nobody shares it to change it). Written out, not a
    dataclass, which compiles its methods when its class is defined (about 1 ms of a start)."""

    __slots__ = ("file", "include", "index")

    def __init__(self, file: str, include: bool | None, index: int | None) -> None:
        self.file = file
        self.include = include
        self.index = index

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, PathMatch)
        return (self.file, self.include, self.index) == (other.file, other.include, other.index)

    __hash__ = None  # type: ignore[assignment]  # mutable, as the dataclass it was

    def __repr__(self) -> str:
        return f"PathMatch(file={self.file!r}, include={self.include!r}, index={self.index!r})"


class PathSpec:
    """A list of path patterns, matched together; the last pattern that matches a file decides,
    as in a `.gitignore` (pathspec's PathSpec, with the same answers)."""

    __slots__ = ("_include", "_indices", "_set")

    def __init__(self, translations: Sequence[Translation]) -> None:
        self._include = [include for _, include in translations]
        self._indices: list[int] = []  # the set's expression number -> the pattern's index
        self._set: Any = None
        rules = [(i, regex) for i, (regex, include) in enumerate(translations)
                 if include is not None and regex is not None]
        if rules:
            self._set = re2.Set.SearchSet(_SET_OPTIONS)
            for index, regex in rules:
                self._set.Add(regex)
                self._indices.append(index)
            self._set.Compile()

    def __len__(self) -> int:
        return len(self._include)

    def check_file(self, file: str) -> PathMatch:
        """Which pattern decides for a file (a leading `/` or `./` is ignored)."""
        if self._set is None:
            return PathMatch(file, None, None)
        found = self._set.Match(_normalised(file))
        if not found:
            return PathMatch(file, None, None)
        index = self._indices[max(found)]  # the set's numbers follow the patterns' order
        return PathMatch(file, self._include[index], index)

    def match_file(self, file: str) -> bool:
        """Whether the patterns include a file."""
        return bool(self.check_file(file).include)


def _normalised(file: str) -> str:
    """The path as the patterns read it: a leading `/` or `./` is ignored."""
    return file[1:] if file.startswith("/") else file[2:] if file.startswith("./") else file


class PathSpecs:
    """Several lists of path patterns matched with one RE2 set: `includes` says, for each list,
    what its own `PathSpec.match_file` says (the last of its patterns that matches decides).
    A file asked of many lists (the content rules' own file patterns, for every file of a large
    diff) costs one match instead of one per list: 3,000 files against 14 lists took 64 ms of
    CPU one list at a time, 4-20 ms together.

    A pattern that several lists hold (the bundled policy's rules share lists: 640 patterns,
    211 of them distinct) is one expression of the set, which knows where it stands in each:
    RE2 builds the set's automaton as it reads paths, each state standing for every
    expression's position, and with each pattern once a fresh process's first 3,000 paths cost
    about half the CPU (0.07 s instead of 0.12 s on bench/analysis.py's "ordinary" shape)."""

    __slots__ = ("_count", "_places", "_set")

    def __init__(self, lists: Sequence[Sequence[Translation]]) -> None:
        self._count = len(lists)
        # the set's expression number -> (list, position in it, what it says) of each place
        # its pattern stands in
        self._places: list[list[tuple[int, int, bool]]] = []
        self._set: Any = None
        numbers: dict[str, int] = {}
        for owner, translations in enumerate(lists):
            for position, (regex, include) in enumerate(translations):
                if include is None or regex is None:
                    continue
                number = numbers.setdefault(regex, len(numbers))
                if number == len(self._places):
                    self._places.append([])
                self._places[number].append((owner, position, include))
        if numbers:
            self._set = re2.Set.SearchSet(_SET_OPTIONS)
            for regex in numbers:  # in number order
                self._set.Add(regex)
            self._set.Compile()

    def includes(self, file: str) -> list[bool]:
        """For each list, in order, whether it includes the file."""
        answers = [False] * self._count
        if self._set is None:
            return answers
        # The last place of a list whose pattern matches is its deciding pattern.
        deciding = [-1] * self._count
        for number in self._set.Match(_normalised(file)) or ():
            for owner, position, include in self._places[number]:
                if position > deciding[owner]:
                    deciding[owner] = position
                    answers[owner] = include
        return answers


def compile_paths(patterns: Iterable[str]) -> PathSpec:
    """Compile gitignore-style path patterns for matching, or raise ValueError saying why they
    are refused (by the translation, by `re`, or by RE2, alone or together).

    Whatever an engine raises becomes that ValueError: no pattern can get past this function
    as anything else. A list compiled once (to validate a policy) is not compiled again (to
    match with it): the specs are read-only.
    """
    return _compiled(tuple(patterns))


@functools.lru_cache(maxsize=256)
def _compiled(patterns: tuple[str, ...]) -> PathSpec:
    try:
        return PathSpec([translate(p) for p in patterns])
    except Exception as e:  # every refusal of an engine, whatever its type
        raise ValueError(f"invalid path pattern: {engine_detail(e)}") from e
