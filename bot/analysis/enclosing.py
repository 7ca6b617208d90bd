"""The definitions a changed line is made in, read from the file's contents.

A hunk header names one definition, git's guess at the nearest line above the hunk that looks
like one; for a method of an indented class it is often the class, or nothing. Where the caller
has the changed files' contents (the App, the Action, `scan --git`), the whole chain is known:
the function a line is in, the class around it, and the decorators and attributes above each
(`@login_required`, `[Authorize]`, `@PreAuthorize(...)`). A check changed inside
`def has_permission` is an access check even when no changed line names one.

Definitions are found by indentation, which code in every language the policy claims follows
for its blocks, and a definition pattern across those languages; no parser, so a file that does
not parse (a template, a half-written change) still has an outline. Pure: the contents come as
data.
"""

from __future__ import annotations

from array import array

from bot.analysis.lazyre import compile_lazily
from policies.slotted import Slotted

__all__ = ["Definition", "Outline", "acts", "indentation"]

#: words that may stand before a definition's keyword or type (Java, C#, Kotlin, TypeScript,
#: PHP, Rust, Swift)
_MODIFIERS = (
    r"(?:(?:export|default|public|private|protected|internal|static|async|abstract|final|"
    r"override|virtual|sealed|partial|readonly|unsafe|extern|open|suspend|inline|synchronized|"
    r"declare|pub(?:\([^)]*\))?|const|fileprivate|mutating)\s+)"
)
#: the words that open a statement, not a definition, though a call or a typed name follows
_STATEMENTS = (
    r"(?!(?:if|for|foreach|while|switch|catch|with|return|using|lock|fixed|else|do|try|new|"
    r"await|throw|yield|match|case|when|unless|elsif|elif|until|defer|go|select|typeof|sizeof|"
    r"delete|raise|assert|print|puts|echo)\b)"
)
_DEFINITION = compile_lazily(
    rf"[ \t]*{_MODIFIERS}*(?:"
    # a keyword definition: Python, Ruby, Go, Rust, Kotlin, Scala, Elixir, PHP, JS, Swift
    r"(?:def|defp|defmodule|class|func|function|fun|fn|interface|struct|impl|trait|module|"
    r"object|record|enum|sub|proc|protocol|extension)\b"
    # a typed method (Java, C#, C++): `Task<bool> HasPermissionAsync(User user)`
    rf"|{_STATEMENTS}[\w<>\[\]?,.]+(?:<[^>]*>)?\s+\w+\s*\([^;=]*$"
    # a function assigned to a name (JS, TS): `const authorize = async (req) =>`
    r"|(?:const|let|var)\s+\w+\s*(?::[^=]+)?=\s*(?:async\s+)?(?:function\b|\([^)]*\)[^=]*=>|"
    r"\w+\s*=>)"
    # a method of a JS/TS class or object: `authorize(req) {`, `async check(ctx): Promise<x> {`
    rf"|{_STATEMENTS}(?:async\s+|get\s+|set\s+)?\w+\s*\([^;]*\)\s*(?::[^{{;]+)?\{{\s*$"
    r")"
)
#: lines that stand for the definition below them: decorators, annotations, attributes
_MARK = compile_lazily(r"[ \t]*(?:@\w|\[\w|#\[)")
#: a line that closes a block, opens one on a line of its own (Allman style) or continues a
#: signature (`)`, `}`, `{`, `]`, `):`): never the start of a sibling, whatever its indentation
_CLOSING = compile_lazily(r"[ \t]*[)\]{}]")
#: a comment line, which does not close a block whatever its indentation
_COMMENT = compile_lazily(r"[ \t]*(?:#(?!\[)|//|/\*|\*|--|<!--)")
#: decorators kept above a definition
_MARKS_KEPT = 6
#: what opens and closes a string that spans lines (Python's docstrings and long strings)
_LONG_STRING = compile_lazily(r'"""|\'\'\'')
_STRING_ONLY = compile_lazily(r'\s*[rbuRBU]?("""|\'\'\').*("""|\'\'\')\s*')


class Definition(Slotted):
    """A definition of one version of a file: its line number, its first line, the decorators
    and attributes above it (nearest last), and the definition it is in (an index, -1 if
    none). Frozen plain data (`Slotted`, not a dataclass: a dataclass compiles its methods when
    its class is defined, about 1 ms of a start)."""

    __slots__ = ("line", "marks", "parent", "text")
    _order = ("line", "text", "marks", "parent")

    line: int
    text: str
    marks: tuple[str, ...]
    parent: int

    def __init__(self, line: int, text: str, marks: tuple[str, ...], parent: int) -> None:
        object.__setattr__(self, "line", line)
        object.__setattr__(self, "text", text)
        object.__setattr__(self, "marks", marks)
        object.__setattr__(self, "parent", parent)

    def at(self, line: int) -> Definition:
        """The same definition at another line number."""
        return Definition(line, self.text, self.marks, self.parent)

    @property
    def texts(self) -> tuple[str, ...]:
        """What names it: its own line and its marks."""
        return (self.text, *self.marks)


def indentation(text: str) -> int:
    """How far a line is indented: its leading spaces and tabs, one column each."""
    return len(text) - len(text.lstrip(" \t"))


class Outline:
    """The definitions of one version of a file, and the innermost one each line is in."""

    def __init__(self, text: str) -> None:
        lines = text.splitlines()
        self.definitions: list[Definition] = []
        #: by line (0-based), the index of the innermost definition it is in, or -1
        self._inner = array("i", [-1]) * len(lines)
        #: the lines of strings that span lines: prose (a docstring), whatever they say
        self._prose: set[int] = set()
        stack: list[tuple[int, int]] = []  # (indentation, definition) of the open ones
        in_string = False
        for at, line in enumerate(lines):
            quotes = len(_LONG_STRING.findall(line)) if "''" in line or '""' in line else 0
            if in_string or quotes % 2:  # a line of the string: its indentation says nothing
                self._prose.add(at + 1)
                self._inner[at] = stack[-1][1] if stack else -1
                in_string = in_string != bool(quotes % 2)
                continue
            if quotes and _STRING_ONLY.fullmatch(line):
                self._prose.add(at + 1)  # a docstring on one line
            if not line.strip() or _COMMENT.match(line) or _CLOSING.match(line):
                self._inner[at] = stack[-1][1] if stack else -1
                continue
            indent = indentation(line)
            while stack and stack[-1][0] >= indent:
                stack.pop()
            parent = stack[-1][1] if stack else -1
            self._inner[at] = parent
            if _DEFINITION.match(line):
                marks: list[str] = []
                above = at - 1
                while above >= 0 and len(marks) < _MARKS_KEPT and _MARK.match(lines[above]) \
                        and indentation(lines[above]) == indent:
                    marks.append(lines[above].strip())
                    above -= 1
                self.definitions.append(
                    Definition(at + 1, line.strip(), tuple(reversed(marks)), parent))
                stack.append((indent, len(self.definitions) - 1))

    def around(self, line: int) -> list[Definition]:
        """The definitions line `line` (1-based) is in, innermost first (not the line's own
        definition when it is one: a changed signature is not a change inside it); none for a
        line of a string that spans lines (a docstring's prose is not code)."""
        if not 0 < line <= len(self._inner) or line in self._prose:
            return []
        found = []
        at = self._inner[line - 1]
        while at >= 0:
            found.append(self.definitions[at])
            at = self.definitions[at].parent
        return found


#: what makes a line act: a condition, a comparison or connective, an exit, a call, an
#: assignment (`=`, `+=`, `:=`, not `==`, `=>` or `<=`)
_ACTS = compile_lazily(
    r"\b(?:if|elif|elsif|unless|while|when|case|switch|return|raise|throw|abort|yield|where|"
    r"filter|exclude)\b|[=!<>]=|&&|\|\||\w\s*[(!?]\(?|(?<![=!<>+\-*/%&|^:])[+\-*/%&|^:]?=(?![=>~])"
)
#: a call without parentheses whose arguments are a symbol or an instance variable (Ruby:
#: `authorize! :read`, `redirect_to @post`); other bare words may be a docstring's prose
_BARE_CALL = compile_lazily(r"\s*[a-z_]\w*[!?]?\s+[:@]\w")
#: a line that declares, not acts: an import, a module or package name
_DECLARES = compile_lazily(
    r"\s*(?:import|from\s+\S+\s+import|require|require_relative|use|using|include|extend|"
    r"package|namespace|#include|end|else|begin|ensure|rescue|private|protected|public)\b"
)
#: a line that only writes a message: logging, printing, a debugging call
_MESSAGE = compile_lazily(
    r"^\s*(?:\w+\.)*(?:log|logger|logging|_log|LOG|LOGGER|Log|console|print|println|printf|"
    r"puts|p|pp|warn|debug|info|echo|var_dump|dd|dump|fmt\.Print\w*|Rails\.logger|"
    r"System\.(?:out|err))\b\s*[.(\s]"
)


def acts(code: str) -> bool:
    """Whether a line of code (its prose strings blanked out: `mechanical.without_copy`) does
    something a definition's name can give meaning to: decides, exits, calls or assigns, and is
    not a message written to a log or a console."""
    return (_ACTS.search(code) is not None or _BARE_CALL.match(code) is not None) and not (
        _MESSAGE.match(code) or _DECLARES.match(code))
