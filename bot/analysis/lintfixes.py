"""Lines as the linters' autofixes write them: an older idiom and the newer one it is rewritten
to, which do the same thing, read as one.

A lint pass over an auth or a payments module rewrites lines that name passwords, tokens and
amounts without changing what they do; word by word each such line reads as a change. Each
rewrite below is one a maintained linter's fix makes, and only where the two forms are the same
program (the linter's own condition for fixing it):
- Go (gocritic, staticcheck, revive, errcheck): `strings.Replace(s, a, b, -1)` is
  `strings.ReplaceAll(s, a, b)` (and `bytes.`); `errors.New(fmt.Sprintf(...))` is
  `fmt.Errorf(...)`; `len(s) == 0` is `s == ""` (and `!= 0`, `> 0` against `!= ""`), which
  compiles only where `s` is a string; `defer f.Close()` is `defer func() { _ = f.Close() }()`;
  an `if`/`else if` chain comparing one value is the `switch` on it (`if_chains`: Go's cases
  do not fall through); a header's name given to `http.Header`'s methods is its canonical form
  (canonicalheader: `Get("x-api-key")` is `Get("X-Api-Key")`, which the methods canonicalise
  themselves); neighbouring parameters of one type share it (gocritic's paramTypeCombine:
  `func f(a string, b string)` is `func f(a, b string)`).
- Python (pyupgrade, pycodestyle, flake8-comprehensions): `super(Class, self)` is `super()`;
  `class C(object):` is `class C:`; `not x in y` is `x not in y` and `not x is y` is `x is not
  y`; `dict()` and `list()` are `{}` and `[]`; `set([a, b])` is `{a, b}`. Not `== None` against
  `is None`: an ORM's column compares with `==` (`User.deleted_at == None` is SQL's `IS NULL`).
- JavaScript and TypeScript (ESLint's prefer-destructuring): `const token = req.body.token;` is
  `const { token } = req.body;`.
- Ruby (RuboCop's Rails/Validation): `validates_presence_of :a, :b` is `validates :a, :b,
  presence: true`.
- PHP (PHP-CS-Fixer): `array(...)` is `[...]`, `is_null($x)` is `$x === null`.
- Rust (clippy): `String::from("s")` and `"s".to_owned()` are `"s".to_string()`.
- C# (CA1510): `if (x == null) throw new ArgumentNullException(nameof(x));` is
  `ArgumentNullException.ThrowIfNull(x);`.

Each line is written in the newer form (`modernised`); the hunk's sides are then compared as
any other (`bot.analysis.mechanical`), so a rewrite beside a real change stays a change.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import re2

from bot.analysis.annotations import split_arguments
from bot.analysis.lazyre import compile_lazily

__all__ = ["holds_older_form", "if_chains", "modernised"]

def _scan(text: str, at: int = 0) -> Iterator[tuple[int, str, int]]:
    """Each character of `text` from `at` outside strings (an escaped quote or backslash inside
    one kept in it), with its index and the bracket depth after it."""
    depth, quote, escaped = 0, "", False
    for index in range(at, len(text)):
        char = text[index]
        if quote:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == quote:
                quote = ""
            continue
        if char in "\"'`":
            quote = char
            continue
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        yield index, char, depth


def _closing(text: str, at: int) -> int | None:
    """The index of the bracket that closes the one at `at`; None where it does not close on
    the line."""
    for index, _, depth in _scan(text, at):
        if depth == 0:
            return index
        if depth < 0:
            return None
    return None


def _calls(pattern: re.Pattern[str], line: str,
           write: Callable[[re.Match[str], str], str | None]) -> str:
    """`line` with each call `pattern` finds (its match ends at the call's opening bracket)
    written as `write` says of the match and the text between the brackets; a call `write`
    declines (None), or whose bracket does not close on the line, is left as it is."""
    out, start = [], 0
    for found in pattern.finditer(line):
        if found.start() < start:
            continue
        end = _closing(line, found.end() - 1)
        if end is None:
            continue
        written = write(found, line[found.end():end])
        if written is None:
            continue
        out.append(line[start:found.start()])
        out.append(written)
        start = end + 1
    return "".join(out) + line[start:] if out else line


def _top_level_comma(text: str) -> int | None:
    """The index of the last comma of `text` outside brackets and strings."""
    return max((index for index, char, depth in _scan(text) if char == "," and depth == 0),
               default=None)


_REPLACE = compile_lazily(r"\b(strings|bytes)\.Replace\(")


def _replace_all(found: re.Match[str], arguments: str) -> str | None:
    comma = _top_level_comma(arguments)
    if comma is None or arguments[comma + 1:].strip() != "-1":
        return None
    return f"{found[1]}.ReplaceAll({arguments[:comma]})"


_ERRORS_NEW = compile_lazily(r"\berrors\.New\(")
_SPRINTF = "fmt.Sprintf("


def _errorf(found: re.Match[str], argument: str) -> str | None:
    """`errors.New`'s one argument, where it is a whole `fmt.Sprintf` call, as `fmt.Errorf`."""
    argument = argument.strip()
    if not argument.startswith(_SPRINTF) or _closing(argument, len(_SPRINTF) - 1) != len(
        argument) - 1:
        return None
    return f"fmt.Errorf({argument[len(_SPRINTF):-1]})"


_PHP_ARRAY = compile_lazily(r"(?<![\w$>:])array\(")


def _short_array(found: re.Match[str], elements: str) -> str | None:
    return f"[{_calls(_PHP_ARRAY, elements, _short_array)}]"


_SET_OF_LIST = compile_lazily(r"(?<![\w.])set\((?=\[)")


def _set_literal(found: re.Match[str], argument: str) -> str | None:
    """`set`'s one argument, where it is a whole non-empty list literal, as a set literal."""
    if _closing(argument, 0) != len(argument) - 1 or not argument[1:-1].strip():
        return None
    return f"{{{argument[1:-1]}}}"


#: a header's name given to one of `http.Header`'s methods, which read and write it canonicalised
_HEADER_NAME = compile_lazily(
    r"(\.Header(?:\(\))?\.(?:Get|Set|Add|Del|Values)\()\"([A-Za-z0-9-]+)\""
)


def _canonical_header(found: re.Match[str]) -> str:
    """A header's name as Go's `textproto.CanonicalMIMEHeaderKey` writes it."""
    name = "-".join(part[:1].upper() + part[1:].lower() for part in found[2].split("-"))
    return f'{found[1]}"{name}"'


#: a Go function's signature: `func`, a receiver, a name, or a function literal's parameters
_GO_FUNC = compile_lazily(r"\bfunc\b\s*(?:\([^()]*\)\s*)?\w*\s*\(")
_GO_PARAMETER = compile_lazily(r"\s*([A-Za-z_]\w*)(?:\s+(\S.*?))?\s*")


def _go_types_shared(line: str) -> str:
    """A Go signature's parameter and result lists with the neighbouring names of one type
    sharing it (`a string, b string` -> `a, b string`); a list of types alone (`(int, error)`)
    or one that does not read as names and types is left as it is."""
    if _GO_FUNC.search(line) is None:
        return line
    out, start = [], 0
    for index, char, depth in _scan(line):
        if char == "(" and depth == 1:
            start = index + 1
        elif char == ")" and depth == 0 and start:
            out.append((start, index))
            start = 0
    for begin, end in reversed(out):
        shared = _shared(line[begin:end])
        if shared is not None:
            line = line[:begin] + shared + line[end:]
    return line


def _shared(parameters: str) -> str | None:
    """A parameter list written with each run of one type's names sharing it; None where it is
    not a list of named parameters."""
    items = split_arguments(parameters)
    if items is None or not parameters.strip():
        return None
    named: list[tuple[str, str]] = []
    waiting: list[str] = []
    for item in items:
        found = _GO_PARAMETER.fullmatch(item)
        if found is None:
            return None
        if found[2] is None:
            waiting.append(found[1])
            continue
        named += [(name, found[2]) for name in (*waiting, found[1])]
        waiting = []
    if waiting or not named:
        return None
    runs: list[tuple[list[str], str]] = []
    for name, kind in named:
        if runs and runs[-1][1] == kind:
            runs[-1][0].append(name)
        else:
            runs.append(([name], kind))
    return ", ".join(f"{', '.join(names)} {kind}" for names, kind in runs)


#: whole-line and in-line rewrites by pattern: the older form and the newer one it becomes
_SUBSTITUTIONS = (
    (compile_lazily(r"^(\s*)defer func\(\) \{ _ = (.+\)) \}\(\)$"), r"\1defer \2"),
    (compile_lazily(r"\blen\(([\w.]+)\) == 0\b"), r'\1 == ""'),
    (compile_lazily(r"\blen\(([\w.]+)\) (?:!= 0|> 0)\b"), r'\1 != ""'),
    (compile_lazily(r"\bsuper\(\s*\w+\s*,\s*(?:self|cls)\s*\)"), "super()"),
    (compile_lazily(r"^(\s*class \w+)\(object\):"), r"\1:"),
    (compile_lazily(r"\bnot ([\w.]+(?:\([^()]*\))?) (in|is) (?!not\b)"),
     lambda found: f"{found[1]} not in " if found[2] == "in" else f"{found[1]} is not "),
    (compile_lazily(r"(?<![\w.])dict\(\)"), "{}"),
    (compile_lazily(r"(?<![\w.])list\(\)"), "[]"),
    (compile_lazily(r"^(\s*)(const|let|var) (\w+) = ([\w.]+)\.\3;"), r"\1\2 { \3 } = \4;"),
    (compile_lazily(r"^(\s*)validates_(presence|uniqueness|acceptance|confirmation)_of "
                    r"((?::\w+, )*:\w+)$"), r"\1validates \3, \2: true"),
    (compile_lazily(r"\bis_null\((\$[\w\->]+)\)"), r"\1 === null"),
    (compile_lazily(r"\bString::from\((\"(?:[^\"\\]|\\.)*\")\)"), r"\1.to_string()"),
    (compile_lazily(r"(\"(?:[^\"\\]|\\.)*\")\.to_owned\(\)"), r"\1.to_string()"),
    (compile_lazily(r"\bif \((\w+) == null\) throw new ArgumentNullException\("
                    r"(?:nameof\(\1\)|\"\1\")\);"), r"ArgumentNullException.ThrowIfNull(\1);"),
    (_HEADER_NAME, _canonical_header),
)

#: the rewrites of calls whose arguments are read, bracket by bracket
_CALLS = ((_REPLACE, _replace_all), (_ERRORS_NEW, _errorf), (_PHP_ARRAY, _short_array),
          (_SET_OF_LIST, _set_literal))


#: whatever one of the older forms begins with, on any line of a text: a line without any is
#: left as it is, unread by the rewrites, and a hunk without any is not rewritten at all
_OLDER = compile_lazily(
    r"(?m)Replace\(|errors\.New\(|array\(|set\(\[|defer func|len\([\w.]+\) [=!>]|super\(\s*\w|"
    r"\(object\)|\bnot [\w.]+(?:\([^()]*\))? i[ns] |"
    r"dict\(\)|list\(\)|^\s*(?:const|let|var) \w+ = [\w.]+\.\w+;|validates_|is_null\(|"
    r"String::from\(|\.to_owned\(\)|ArgumentNullException\(|Header(?:\(\))?\.[GSADV]\w+\(\""
)
#: a Go signature whose neighbouring parameters each name their type (`_go_types_shared`),
#: sought only in a text that holds `func` at all
_SEPARATE_TYPES = compile_lazily(r"\bfunc\b[^\n{]*\w [^,()\n]+, \w+ [^,()\n]")


@functools.cache
def _older_ascii() -> Any:
    r"""`_OLDER` compiled by RE2, for ASCII texts: its automaton scans a text once where `re`
    tries the alternation at each position (about a tenth of the time on a hunk's lines). On
    ASCII, RE2's classes are `re`'s but for vertical tab and the information separators in
    `\s`, which lines of code do not hold."""
    return re2.compile(_OLDER.pattern)


def holds_older_form(text: str) -> bool:
    """Whether a text (a line, or a hunk side's lines joined) holds an older form above."""
    older = _older_ascii() if text.isascii() else _OLDER
    return older.search(text) is not None or (
        "func" in text and _SEPARATE_TYPES.search(text) is not None
    )


def modernised(line: str) -> str:
    """`line` with each older idiom the linters rewrite written in its newer form (above)."""
    if not holds_older_form(line):
        return line
    for pattern, write in _CALLS:
        line = _calls(pattern, line, write)
    for pattern, replacement in _SUBSTITUTIONS:
        line = pattern.sub(replacement, line)
    return _go_types_shared(line)


_SWITCH = compile_lazily(r"(\s*)switch ([^(){};]+?) \{")
_CASE = compile_lazily(r"(\s*)case ([^:]+):")
_DEFAULT = compile_lazily(r"(\s*)default:")


def if_chains(lines: Sequence[str]) -> list[str]:
    """Go lines with each `switch` on a value whose cases are the next lines written as the
    `if`/`else if` chain comparing it (gocritic's ifElseChain writes the switch): `switch x {`
    and `case a:` are `if x == a {`, a later `case b, c:` of the switch is `} else if x == b ||
    x == c {` and `default:` is `} else {`; the `}` that closes the switch closes the chain. A
    case is the switch's where it is indented as the switch is (gofmt's layout)."""
    out: list[str] = []
    subject = indent = ""
    for line in lines:
        text = line.rstrip("\n")
        end = line[len(text):]
        switch = _SWITCH.fullmatch(text)
        if switch is not None:
            subject, indent = switch[2].strip(), switch[1]
            out.append(line)
            continue
        case = _CASE.fullmatch(text)
        arm = case or _DEFAULT.fullmatch(text)
        if subject and arm is not None and arm[1] == indent:
            if case is None:
                out.append(f"{indent}}} else {{{end}")
                continue
            test = " || ".join(f"{subject} == {value.strip()}" for value in case[2].split(","))
            if out and _SWITCH.fullmatch(out[-1].rstrip("\n")):
                out[-1] = f"{indent}if {test} {{{end}"
            else:
                out.append(f"{indent}}} else if {test} {{{end}")
            continue
        if text.strip() == "}" and text[:len(text) - len(text.lstrip())] == indent:
            subject = ""
        out.append(line)
    return out
