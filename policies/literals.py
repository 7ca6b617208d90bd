"""The text every match of an RE2 pattern holds, so that a run can tell, without compiling the
pattern, that it cannot match a text: what RE2's own FilteredRE2 calls a pattern's atoms.

A pattern's condition is a list of clauses, each a set of strings one of which every match of
the pattern holds (`\\bjwt_(secret|issuer)\\b` holds `jwt_secret` or `jwt_issuer`). A text
that lacks every string of a clause cannot hold a match, and the pattern need not be compiled
for it: a small diff's text holds the strings of about one rule in seven of the bundled
policy's, and compiling every rule twice (RE2 sets, the pre-filter passes) was most of what a
scan of one spent on compiling (issue 14). RE2's FilteredRE2 finds the same strings but
compiles each pattern to do so, which is what this spares.

The strings are lower case and a text is asked in its case-folded form (`str.casefold`), so
that a clause holds whatever flags the pattern sets: a case-insensitive `k` matches the Kelvin
sign, which folds to `k`. Only printable ASCII characters make strings; any other literal, a
class, `.`, an escape such as `\\w` or an anchor is a character or place the clause does not
read, and breaks the strings around it. Syntax this reader does not know (`\\Q...\\E`, an
octal or back-reference escape, a POSIX class) gives no condition at all: the pattern is then
compiled whatever the text, as before.

A pattern's conditions are known alternative by alternative (`alternatives`): most rules are
alternations of many spellings (`\\bverify_jwt\\(|\\bjwt\\.decode\\(|...`), a text holds the
strings of one or two of them, and a rule searched for as only those (`bot.analysis.classify`)
builds a far smaller automaton: on a 49 kB diff, compiling the pre-filter passes and their
first search took a quarter of the CPU they took with whole rules (issue 14).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

__all__ = ["Alternative", "Condition", "Conditions", "alternatives", "remember", "required",
           "split"]

#: clauses (every one holds in a text that holds a match), each a set of lower-case strings
#: one of which is in the text
Condition = tuple[frozenset[str], ...]

#: most strings a run of literals (an alternation's, a concatenation's) is spelled out as
#: before it becomes a clause of its own
_MAX_EXACT = 16
#: the shortest string a clause keeps: shorter ones (`(`, `->`) are in nearly every line of
#: code, and a clause holding one says next to nothing
_MIN_STRING = 3
#: the escapes of a character class RE2 reads, not a literal's: `\d`, `\pL`, `\b`...
_CLASS_ESCAPES = frozenset("dDsSwWpPC")
_ASSERT_ESCAPES = frozenset("bBAz")
_CONTROL_ESCAPES = frozenset("aftnrv")
_FLAGS = frozenset("imsU-")
#: groups nested deeper than this give no condition: each level is a few Python frames of the
#: reading, and a repository's pattern nested some 250 deep ran out of them (RecursionError)
_MAX_DEPTH = 100


class _Unknown(Exception):
    """Syntax this reader does not read: the pattern gets no condition."""


class _Info:
    """What a part of a pattern matches: exactly one of a few strings (`exact`), or something
    every match of which satisfies some clauses (`clauses`)."""

    __slots__ = ("clauses", "exact")

    def __init__(self, exact: frozenset[str] | None = None,
                 clauses: Sequence[frozenset[str]] = ()) -> None:
        self.exact = exact
        self.clauses = tuple(clauses)

    def as_clauses(self) -> tuple[frozenset[str], ...]:
        if self.exact is None:
            return self.clauses
        if self.exact and min(map(len, self.exact)) >= _MIN_STRING:
            return (self.exact,)
        return ()


_ANY = _Info()  # one character or place the clauses do not read
_EMPTY = _Info(frozenset({""}))


#: one of a pattern's top-level alternatives as a pattern of its own, and its condition
Alternative = tuple[str, Condition | None]

#: alternatives worked out elsewhere (the bundled policy's artefact), as `remember` was given
#: them
_KNOWN: dict[str, tuple[Alternative, ...]] = {}


def remember(alternatives: Mapping[str, tuple[Alternative, ...]]) -> None:
    """Take patterns' alternatives worked out elsewhere (the bundled policy's artefact) as
    known."""
    _KNOWN.update(alternatives)


def alternatives(pattern: str) -> tuple[Alternative, ...]:
    """`split(pattern)`, from the artefact for the bundled policy's patterns (working them out
    took about 1 ms a pattern: 0.2 s for the bundled policy's)."""
    known = _KNOWN.get(pattern)
    return split(pattern) if known is None else known


def split(pattern: str) -> tuple[Alternative, ...]:
    """The pattern's top-level alternatives (`a|b|c`), each a pattern of its own, with the
    condition each meets (`required`). A match of the pattern is a match of one of them that
    starts where it starts, so the places a text holds a match of the pattern are those it holds
    one of theirs, and an alternative whose condition the text does not meet can be left out
    of a search for the pattern there. Each has the pattern's leading flag groups (`(?i)`)
    before it, as they hold for every alternative.

    A pattern that is one group after its leading flags (`(?i)(jwt|bearer)`, `(?-i:a|b)`) is
    split inside it: the group's own flags are put with the leading ones.

    One alternative, the pattern itself, where it has no other, uses syntax this module does
    not read (its condition None), or sets flags at its top level past its start (`a(?i)b|c`:
    they hold for the alternatives after them too, and no alternative alone says so)."""
    parser = _Parser(pattern)
    spans: list[tuple[int, int, _Info]] = []
    at = -1
    try:
        while at < len(pattern) and (at < 0 or pattern[at] == "|"):
            start = at + 1
            info, at = parser.concatenation(start)
            spans.append((start, at, info))
    except _Unknown:
        return ((pattern, None),)
    if at != len(pattern):  # an unbalanced ')': not a pattern RE2 accepts
        return ((pattern, None),)
    leading = 0  # where the leading flag groups end
    for start, end in parser.top_flags:
        if start != leading:
            leading = -1
            break
        leading = end
    if len(spans) == 1 and leading >= 0:
        inside = _unwrapped(pattern, leading)
        found = split(inside) if inside is not None else ()
        if len(found) > 1:
            return found
    if len(spans) == 1 or leading < 0:
        return ((pattern, _either([info for _, _, info in spans]).as_clauses()),)
    flags = pattern[:leading]
    return tuple((pattern[start:end] if start == 0 else flags + pattern[start:end],
                  info.as_clauses()) for start, end, info in spans)


def _unwrapped(pattern: str, at: int) -> str | None:
    """The pattern without the group that opens at `at` (after its leading flags) and ends it,
    the group's flags (`(?i:`) put after the leading ones; None when no group does both."""
    if not pattern.startswith("(", at):
        return None
    try:
        _, end = _Parser(pattern).group(at + 1)
    except _Unknown:
        return None
    if end != len(pattern):
        return None
    body, flags = at + 1, ""
    if pattern.startswith("?", body):
        if pattern.startswith(("?P<", "?<"), body):
            body = pattern.index(">", body) + 1
        else:
            opening = pattern.index(":", body)  # not `(?i)`: that is among the leading flags
            flags = f"(?{pattern[body + 1:opening]})" if opening > body + 1 else ""
            body = opening + 1
    return pattern[:at] + flags + pattern[body:-1]


def required(pattern: str) -> Condition | None:
    """The condition every text holding a match of this RE2 pattern meets; None when the
    pattern uses syntax this module does not read (then nothing is known)."""
    try:
        info, end = _Parser(pattern).alternation(0)
    except _Unknown:
        return None
    if end != len(pattern):  # an unbalanced ')': not a pattern RE2 accepts
        return None
    return info.as_clauses()


class _Parser:
    """A recursive reading of RE2's syntax, as far as the strings of its matches go."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        #: how many groups the reading is inside
        self.depth = 0
        #: where each group that only sets flags (`(?i)`) outside every group starts and ends
        self.top_flags: list[tuple[int, int]] = []

    def alternation(self, at: int) -> tuple[_Info, int]:
        """The alternatives from `at` to the `)` that ends their group (or the end)."""
        branches = []
        info, at = self.concatenation(at)
        branches.append(info)
        while at < len(self.pattern) and self.pattern[at] == "|":
            info, at = self.concatenation(at + 1)
            branches.append(info)
        return _either(branches), at

    def concatenation(self, at: int) -> tuple[_Info, int]:
        pieces: list[_Info] = []
        pattern = self.pattern
        while at < len(pattern) and pattern[at] not in "|)":
            info, at = self.atom(at)
            info, at = self.repetition(info, at)
            pieces.append(info)
        return _sequence(pieces), at

    def repetition(self, info: _Info, at: int) -> tuple[_Info, int]:
        """The atom as its quantifiers leave it: at least once keeps what it holds, possibly
        never holds nothing."""
        pattern = self.pattern
        while at < len(pattern):
            char = pattern[at]
            if char in "*?":
                info, at = _ANY, at + 1
            elif char == "+":
                info, at = _Info(clauses=info.as_clauses()), at + 1
            elif char == "{" and (counted := _counted(pattern, at)):
                least, at = counted
                info = _Info(clauses=info.as_clauses()) if least else _ANY
            else:
                break
            if at < len(pattern) and pattern[at] == "?":  # lazy: matches the same texts
                at += 1
        return info, at

    def atom(self, at: int) -> tuple[_Info, int]:
        pattern = self.pattern
        char = pattern[at]
        if char == "(":
            return self.group(at + 1)
        if char == "[":
            return _ANY, _class_end(pattern, at + 1)
        if char in "*+?":
            raise _Unknown  # a quantifier with nothing before it: RE2 refuses it
        if char in ".^$":
            return _ANY, at + 1
        if char == "\\":
            return _escape(pattern, at + 1)
        return _literal(char), at + 1

    def group(self, at: int) -> tuple[_Info, int]:
        """A group's content, `at` just after its `(`."""
        pattern = self.pattern
        opening = at
        if pattern.startswith("?", at):
            at += 1
            if pattern.startswith(("P<", "<"), at):
                at = pattern.index(">", at) + 1
            else:
                flags = at
                while at < len(pattern) and pattern[at] in _FLAGS:
                    at += 1
                if at == len(pattern) or pattern[at] not in ":)" or (
                        at == flags and pattern[at] == ")"):
                    raise _Unknown  # `(?)`, `(?=`...
                if pattern[at] == ")":  # flags alone, `(?i)`: no text of their own
                    if not self.depth:
                        self.top_flags.append((opening - 1, at + 1))
                    return _EMPTY, at + 1
                at += 1
        if self.depth == _MAX_DEPTH:
            raise _Unknown  # deeper than this reading recurses: RE2 itself reads it
        self.depth += 1
        info, at = self.alternation(at)
        self.depth -= 1
        if at == len(pattern):
            raise _Unknown  # unclosed
        return info, at + 1


def _counted(pattern: str, at: int) -> tuple[int, int] | None:
    """A counted repetition at `at` (`{2}`, `{1,}`, `{0,80}`): its least count and where it
    ends; None for any other `{`, which RE2 reads as a literal."""
    end = pattern.find("}", at)
    if end < 0:
        return None
    least, _, most = pattern[at + 1 : end].partition(",")
    if not (least.isascii() and least.isdigit()) or (
            most and not (most.isascii() and most.isdigit())):
        return None
    return int(least), end + 1


def _literal(char: str) -> _Info:
    return _Info(frozenset({char.lower()})) if " " <= char <= "~" else _ANY


def _escape(pattern: str, at: int) -> tuple[_Info, int]:
    """An escape, `at` just after its backslash."""
    if at == len(pattern):
        raise _Unknown
    char = pattern[at]
    if char in _CLASS_ESCAPES:
        if char in "pP" and pattern.startswith("{", at + 1):
            return _ANY, pattern.index("}", at) + 1
        return _ANY, at + (2 if char in "pP" else 1)
    if char in _ASSERT_ESCAPES or char in _CONTROL_ESCAPES:
        return _ANY, at + 1
    if char == "x":
        if pattern.startswith("{", at + 1):
            return _ANY, pattern.index("}", at) + 1
        return _ANY, at + 3
    if char.isascii() and not char.isalnum() and char != "_":
        return _literal(char), at + 1  # escaped punctuation: itself
    raise _Unknown  # `\Q`, `\1`, `\0`...: read nowhere here


def _class_end(pattern: str, at: int) -> int:
    """Where a character class ends, `at` just after its `[`: past its closing `]` (one right
    after `[` or `[^` is a member)."""
    if pattern.startswith("^", at):
        at += 1
    if pattern.startswith("]", at):
        at += 1
    while at < len(pattern):
        char = pattern[at]
        if char == "]":
            return at + 1
        if char == "[" and pattern.startswith(":", at + 1):
            raise _Unknown  # a POSIX class, `[:alpha:]`
        if char == "\\":
            if pattern.startswith(("p{", "P{", "x{"), at + 1):
                at = pattern.index("}", at)
            else:
                at += 1
        at += 1
    raise _Unknown  # unclosed


def _either(branches: Sequence[_Info]) -> _Info:
    """Alternatives: their strings together while they are few, else one clause holding a
    clause of each (whichever matched, its clause holds)."""
    if len(branches) == 1:
        return branches[0]
    exact: set[str] = set()
    for branch in branches:
        if branch.exact is None:
            break
        exact |= branch.exact
    else:
        if len(exact) <= _MAX_EXACT:
            return _Info(frozenset(exact))
    union: set[str] = set()
    for branch in branches:
        clauses = branch.as_clauses()
        if not clauses:
            return _ANY  # an alternative that holds nothing known
        best: frozenset[str] = max(clauses, key=_strength)
        union |= best
    return _Info(clauses=(frozenset(union),))


def _strength(clause: frozenset[str]) -> tuple[int, int]:
    """How much a clause says: its shortest string's length, then fewer strings."""
    return min(map(len, clause)), -len(clause)


def _sequence(pieces: Iterable[_Info]) -> _Info:
    """Pieces one after the other: runs of literals spelled out as the strings they make
    (crossed), every other piece's clauses kept."""
    clauses: list[frozenset[str]] = []
    run: set[str] | None = {""}
    broken = False  # whether a piece that is not exact came
    for piece in pieces:
        if piece.exact is not None and run is not None and (
                len(run) * len(piece.exact) <= _MAX_EXACT):
            run = {before + after for before in run for after in piece.exact}
            continue
        broken = True
        if run is not None:
            clauses += _Info(frozenset(run)).as_clauses()
        if piece.exact is not None:
            run = set(piece.exact)
        else:
            clauses += piece.clauses
            run = {""}
    if not broken and run is not None:
        return _Info(frozenset(run))
    if run is not None:
        clauses += _Info(frozenset(run)).as_clauses()
    return _Info(clauses=clauses)


class Conditions:
    """Which of several conditions a text meets, found in one walk over the text: each string
    of a clause is looked for only where the text holds its first `_MIN_STRING` characters
    (a longer one only where it holds its first twice as many), and a condition is met when
    as many of its clauses are as it has (asking each clause's strings in turn was 2.7 ms a
    line for the bundled policy's rules). With the bundled rules' alternatives, one place in
    five of a diff holds a string's first three characters, with about nine strings to look
    for there (78 at `aut`): with the longer ones looked up by their next three characters
    too, a 49 kB diff's walk took 13 ms instead of 20."""

    __slots__ = ("_always", "_clauses", "_owners", "_sizes", "_starts")

    def __init__(self, conditions: Iterable[Condition | None]) -> None:
        #: each string -> the clauses it satisfies (numbered across the conditions)
        self._clauses: dict[str, list[int]] = {}
        #: each clause's condition, and each condition's number of clauses
        self._owners: list[int] = []
        self._sizes: list[int] = []
        #: the conditions every text meets (no clause, or nothing known)
        self._always: list[int] = []
        for index, held in enumerate(conditions):
            self._sizes.append(len(held or ()))
            if not held:
                self._always.append(index)
            for clause in held or ():
                for string in clause:
                    self._clauses.setdefault(string, []).append(len(self._owners))
                self._owners.append(index)
        #: the strings by their first characters: those of fewer than twice as many, and the
        #: others by their next ones
        self._starts: dict[str, tuple[list[str], dict[str, list[str]]]] = {}
        for string in self._clauses:
            short, longer = self._starts.setdefault(string[:_MIN_STRING], ([], {}))
            if len(string) < 2 * _MIN_STRING:
                short.append(string)
            else:
                longer.setdefault(string[_MIN_STRING : 2 * _MIN_STRING], []).append(string)

    def met(self, text: str) -> list[int]:
        """The indexes of the conditions the text meets (those it may hold a match of), in
        order."""
        folded = text.casefold()
        met: set[int] = set()
        starts, clauses = self._starts, self._clauses
        for at in range(len(folded) - _MIN_STRING + 1):
            found = starts.get(folded[at : at + _MIN_STRING])
            if found is None:
                continue
            short, longer = found
            for strings in (short, longer.get(folded[at + _MIN_STRING : at + 2 * _MIN_STRING],
                                              ()) if longer else ()):
                for string in strings:
                    if folded.startswith(string, at):
                        met.update(clauses[string])
        counts = Counter(self._owners[clause] for clause in met)
        sizes = self._sizes
        return sorted([index for index, count in counts.items() if count == sizes[index]]
                      + self._always)
