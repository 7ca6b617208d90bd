"""Code deleted whole: definitions a change removes with nothing in their place and that
nothing left in the change names.

On real commits the deletion of dead code (an unused helper, a DAO method whose callers moved to
another, login backends for services that no longer exist) was a steady source of false alarms:
the deleted lines are full of sensitive words, and a word on a removed line weighs as much as
one on an added line. That is right for a check taken out of code that still runs, and wrong for
a unit nothing calls any more. What tells the two apart is a shape, the same in every language:

- the hunk adds no code, and each of its runs of removed lines is one or more complete
  definitions (`def`, `func`, `class`, a Java or C# method signature, ...), with their
  decorators, comments and closing brackets, and the imports they used;
- the names those definitions give appear on no added or unchanged line of the change (their
  callers, if any, are deleted too);
- a definition indented inside something that survives (a method of a class the change keeps)
  counts only in the languages that mark an override (`@Override`, `override`): there a method
  without the mark is called by name, and one with it only when the overridden declaration goes
  too. In Python, Ruby, PHP or JavaScript a framework may call a method by convention
  (`has_permission`, `authenticate`), so deleting one changes what runs;
- a definition with a decorator or annotation that registers it (`@app.before_request`,
  `@Component`, `[HttpGet]`) is not dead: the framework calls it. Those that only document or
  type (`@Override`, `@property`, `[Obsolete]`) are kept out of that.

A check deleted inside a surviving function, a decorator taken off a view, a `before_action`
line removed: none is a complete definition, so each stays evidence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from bot.analysis.diff import ChangedLine, Diff, is_substantive
from bot.analysis.lazyre import compile_lazily
from policies.plain import Plain

__all__ = ["Removals"]

#: a definition's opening line: the keyword that gives a name (with modifiers before it), or a
#: typed method signature (Java, C#, Kotlin, Swift, Scala)
_KEYWORD_DEFINITION = compile_lazily(
    r"^\s*(?:(?:export|default|public|private|protected|internal|static|final|abstract|async|"
    r"override|virtual|sealed|open|suspend|partial|unsafe|extern|inline|data|pub(?:\([\w:]+\))?)"
    r"\s+)*(def|class|func|function|fn|fun|interface|struct|trait|enum|module|record|object|"
    r"type|impl|sub|proc|const|let|var|val|namespace|package)\s+"
    r"(?:\([^)]*\)\s*)?(?:self\.)?([A-Za-z_$][\w$]*(?:(?:::|\.)[A-Za-z_$][\w$]*)*[?!]?)"
)
_SIGNATURE = compile_lazily(
    r"^\s*(?:(?:public|private|protected|internal|static|final|abstract|async|override|"
    r"virtual|sealed|synchronized|native|default|partial|unsafe|extern|new)\s+)+"
    r"(?:[\w<>\[\],.?]+\s+)*([A-Za-z_]\w*)\s*(?:<[^>]*>)?\s*\("
)
#: definitions that only hold others: their names are everyone's (`module Spree`)
_CONTAINERS = frozenset({"module", "namespace", "package"})
#: a line that closes what a definition opened, or opens its body alone
_CLOSER = compile_lazily(r"^\s*(?:[{}()\[\];,]+|end\b.*|\)\s*(?:->.*)?:?)\s*$")
#: a decorator or annotation line (`@login_required`, `@Override`, `#[test]`, `[HttpGet]`)
_DECORATOR = compile_lazily(r"^\s*(?:@([\w.]+)|#\[([\w:]+)|\[([\w.]+)[\](])")
#: decorators and annotations that describe a definition without registering it anywhere
_DESCRIPTIVE = frozenset({
    "Override", "override", "Deprecated", "deprecated", "staticmethod", "classmethod",
    "property", "cached_property", "functools.cached_property", "abstractmethod",
    "abc.abstractmethod", "SuppressWarnings", "Nullable", "NonNull", "Nonnull", "NotNull",
    "Obsolete", "inline", "must_use", "allow", "cfg", "doc", "JvmStatic", "Throws",
    "CheckReturnValue", "VisibleForTesting", "typing.overload", "overload", "wraps",
    "functools.wraps", "SafeVarargs", "FunctionalInterface", "Pure", "MethodImpl",
})
_IMPORT = compile_lazily(
    r"\s*(import\s|from\s+\S+\s+import\s|using\s|require(_relative|_dependency)?[\s(]|use\s|"
    r"#\s*include\s|"
    r"(const|let|var)\s+.*=\s*require\()"
)
#: languages in which a method that overrides says so: one without the mark is called by name
_EXPLICIT_OVERRIDE = compile_lazily(r"\.(java|kt|kts|cs|scala|swift|rs|go)$")
_OVERRIDE = compile_lazily(r"@Override\b|\boverride\b")
#: files written for people: a name there is a mention (a changelog's "removed `f`"), not a use
_PROSE_FILE = compile_lazily(
    r"\.(md|mdx|markdown|rst|txt|adoc)$|(^|/)(CHANGELOG|CHANGES|HISTORY|NEWS|UPGRADING)[^/]*$",
    re.I,
)
#: a method declared without a body (an interface's, an abstract one): `T name(args);`
_DECLARATION = compile_lazily(
    r"^\s*(?:[\w<>\[\],.?@]+\s+)+([A-Za-z_]\w*)\s*\([^;{]*\)\s*(?:throws\s+[\w.,\s]+)?;\s*$"
)
#: a constant given a literal string or number (`READABILITY_API = "https://..."`): a name
#: like any other definition's (its booleans and lists stay statements: a deleted settings
#: file's `SESSION_COOKIE_SECURE = True` is configuration)
_LITERAL_CONSTANT = compile_lazily(
    r"""^\s*([A-Z][A-Z0-9_]*)\s*(?::\s*[\w.\[\]]+)?\s*=\s*(?:f?"[^"]*"|f?'[^']*'|-?\d[\d_.]*)\s*;?$"""
)
#: a docstring's quotes (Python's, or Kotlin's and Swift's raw strings)
_DOC_QUOTES = compile_lazily(r'"""|\'\'\'')


def _indent(text: str) -> int:
    stripped = text.lstrip(" \t")
    return len(text[: len(text) - len(stripped)].expandtabs(4))


def _definition(text: str) -> tuple[str, str] | None:
    """(keyword, name) of a definition's opening line; the keyword is "" for a signature."""
    found = _KEYWORD_DEFINITION.match(text)
    if found is not None:
        return found.group(1), found.group(2)
    found = _SIGNATURE.match(text) or _DECLARATION.match(text) or _LITERAL_CONSTANT.match(text)
    return ("", found.group(1)) if found is not None else None


#: definitions of types: one indented is in a namespace or an outer type, and goes whole
_TYPES = frozenset({"class", "interface", "struct", "trait", "enum", "record", "object", "type",
                    "impl"})


class _Unit(Plain):
    """What a run of removed lines deletes: the names of its outermost definitions, whether
    one is a function nested in something that survives (a method), and whether one overrides."""

    names: tuple[str, ...]
    nested: bool
    overrides: bool


def _code(lines: Sequence[str]) -> list[str]:
    """The substantive lines of a run, docstrings left out (a module's docstring names what it
    is for in short lines that read as code: "Clef OAuth support.")."""
    code: list[str] = []
    in_doc = False
    for text in lines:
        quotes = len(_DOC_QUOTES.findall(text))
        if in_doc or (quotes and text.lstrip()[:3] in ('"""', "'''")):
            in_doc = in_doc != (quotes % 2 == 1)
            continue
        if is_substantive(text):
            code.append(text)
    return code


def _unit(lines: Sequence[str]) -> _Unit | None:
    """The definitions a run of removed lines deletes whole, or None when it deletes anything
    else too (a statement outside any definition, a registering decorator, half a definition)."""
    code = _code(lines)
    if not code:
        return None
    base = min(map(_indent, code))
    names: list[str] = []
    functions = False
    overrides = False
    stack: list[tuple[int, bool]] = []  # open definitions: (indent, is a container)
    importing = False  # inside an import's parentheses
    for text in code:
        indent = _indent(text)
        while stack and stack[-1][0] >= indent and not _CLOSER.match(text):
            stack.pop()
        decorator = _DECORATOR.match(text)
        if decorator is not None:
            name = next(group for group in decorator.groups() if group)
            outermost = all(container for _, container in stack)
            if outermost and name not in _DESCRIPTIVE:
                return None  # registers what it decorates: the framework calls it
            overrides = overrides or name in ("Override", "override")
            continue
        found = _definition(text)
        if found is not None:
            keyword, name = found
            if "." in name or "::" in name:
                return None  # `class ActionView::Base`, `fun String.x`: extends what survives
            overrides = overrides or _OVERRIDE.search(text) is not None
            if all(container for _, container in stack) and keyword not in _CONTAINERS:
                names.append(name)  # outermost but for containers
                functions = functions or (keyword not in _TYPES and indent > 0)
            stack.append((indent, keyword in _CONTAINERS))
            continue
        if (stack and indent > stack[-1][0]) or _CLOSER.match(text):
            continue  # a definition's body, its closing bracket
        if _IMPORT.match(text) or importing:
            importing = text.count("(") > text.count(")") or (importing and ")" not in text)
            continue  # an import it used (over several lines: `from x import (`)
        return None  # a statement outside any definition
    if not names:
        return None
    return _Unit(names=tuple(names), nested=functions and base > 0, overrides=overrides)


def _runs(lines: Iterable[ChangedLine]) -> list[list[ChangedLine]]:
    """The removed lines in runs of consecutive old line numbers (between unchanged lines)."""
    runs: list[list[ChangedLine]] = []
    for item in lines:
        if runs and item.line == runs[-1][-1].line + 1:
            runs[-1].append(item)
        else:
            runs.append([item])
    return runs


class Removals:
    """Which hunks of a diff only delete unused code (the module's docstring says how), asked
    hunk by hunk and answered once."""

    def __init__(self, diff: Diff) -> None:
        self.diff = diff
        self._hunks: dict[tuple[int, int], bool] = {}
        self._files: dict[int, bool] = {}
        self._units: dict[tuple[int, int], list[_Unit] | None] = {}
        self._referenced: dict[str, bool] = {}
        self._declared: dict[str, bool] = {}
        #: the changed lines whose evidence a removal took out (counted once each)
        self.discounted: set[ChangedLine] = set()
        #: the edited files whose path was no evidence because they only lose unused code
        self.paths: set[str] = set()

    def _hunk_units(self, file: int, number: int) -> list[_Unit] | None:
        """The units a hunk deletes, [] for a hunk that only removes imports, None for a hunk
        that does anything else."""
        key = (file, number)
        if key not in self._units:
            hunk = self.diff.hunks(file)[number]
            units: list[_Unit] | None = []
            if any(item.side == "new" and is_substantive(item.text) for item in hunk.lines):
                units = None
            else:
                for run in _runs(item for item in hunk.lines if item.side == "old"):
                    texts = [item.text for item in run]
                    code = [text for text in texts if is_substantive(text)]
                    if not code or all(_IMPORT.match(text) for text in code):
                        continue
                    unit = _unit(texts)
                    if unit is None:
                        units = None
                        break
                    units.append(unit)  # type: ignore[union-attr]
            self._units[key] = units
        return self._units[key]

    def _declared_elsewhere(self, name: str) -> bool:
        """Whether the change removes the name on two lines or more: an overriding method and
        the declaration it overrides (an interface's) deleted together."""
        found = self._declared.get(name)
        if found is None:
            text = self.diff.text
            lines: set[int] = set()
            at = text.find(name)
            while at >= 0 and len(lines) < 2:
                start = text.rfind("\n", 0, at) + 1
                if text[start] == "-" and not text.startswith("--- ", start):
                    lines.add(start)
                at = text.find(name, at + len(name))
            found = self._declared[name] = len(lines) >= 2
        return found

    def _referenced_name(self, name: str) -> bool:
        """Whether an added or unchanged line of code names it: a file's `+++` line aside, and
        the lines of docs and changelogs (which say what was removed). Each place the name
        occurs is looked at in turn, stopping at the first use: a dead name occurs on few lines,
        all removed, and a regular expression over every line of a large diff cost seconds."""
        found = self._referenced.get(name)
        if found is None:
            found = self._referenced[name] = self._used(name)
        return found

    def _used(self, name: str) -> bool:
        text = self.diff.text
        at = text.find(name)
        while at >= 0:
            end = at + len(name)
            start = text.rfind("\n", 0, at) + 1
            if (
                text[start] in "+ " and not text.startswith("+++ ", start)
                and not (at > 0 and (text[at - 1].isalnum() or text[at - 1] in "_$"))
                and not (end < len(text) and (text[end].isalnum() or text[end] in "_$"))
                and not _PROSE_FILE.search(self.diff.files[self.diff.file_at(at)].path)
            ):
                return True
            at = text.find(name, end)
        return False

    def _dead(self, file: int, unit: _Unit) -> bool:
        if unit.nested:
            if not _EXPLICIT_OVERRIDE.search(self.diff.files[file].path):
                return False  # a method a framework may call by convention
            if unit.overrides and not all(map(self._declared_elsewhere, unit.names)):
                return False
        return not any(map(self._referenced_name, unit.names))

    def hunk(self, file: int, number: int) -> bool:
        """Whether hunk `number` of a file only deletes unused definitions (and imports, where
        the file's change deletes such a definition too)."""
        key = (file, number)
        found = self._hunks.get(key)
        if found is None:
            units = self._hunk_units(file, number)
            if units is None:
                found = False
            elif not units:  # imports only: removal if they went with a unit of their file
                found = any(
                    other != number and self._hunk_units(file, other)
                    and self.hunk(file, other)
                    for other in range(len(self.diff.hunks(file)))
                )
            else:
                found = all(self._dead(file, unit) for unit in units)
            self._hunks[key] = found
        return found

    def line(self, item: ChangedLine) -> bool:
        """Whether a changed line (or hunk header) is in a hunk that only deletes unused code;
        such a line is remembered as discounted."""
        if self.hunk(item.file, item.hunk):
            self.discounted.add(item)
            return True
        return False

    def file(self, index: int) -> bool:
        """Whether every hunk of an edited file that changes code only deletes unused code:
        then the file's path is no evidence either (and the file is remembered as such). A
        file with a line of code added is answered without looking further."""
        found = self._files.get(index)
        if found is None:
            hunks = self.diff.hunks(index)
            numbers = [
                number for number, hunk in enumerate(hunks)
                if any(is_substantive(item.text) for item in hunk.lines)
            ]
            found = self._files[index] = bool(numbers) and not any(
                item.side == "new" and is_substantive(item.text)
                for number in numbers for item in hunks[number].lines
            ) and all(self.hunk(index, number) for number in numbers)
            if found:
                self.paths.add(self.diff.files[index].path)
        return found
