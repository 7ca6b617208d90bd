"""Calls repointed to a function that the same change moves to another module.

Moving a function from one module to another (`Devices.fetch_firmware_signing_keys` to
`Accounts.fetch_firmware_signing_keys`, a helper from `utils` to `auth.tokens`) leaves its
callers naming the new module: each call site is a line rewritten with another qualifier before
the same name, which word by word reads as a change in a sensitive module. What runs there is
the same function. The moved body is read where it lands (moved code, `classify._Moves`), and a
body changed on the way still counts there.

A hunk is such a call site (`repointed`) only where each of its removed lines is rewritten as
one added line, in order, and every rewritten pair differs only in the qualifier of calls to
names the diff moves: defined by a removed line of one file and an added line of another
(`defined_name`). A call to another function, an argument changed or a line more stays a change.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from bot.analysis.lazyre import compile_lazily

__all__ = ["defined_name", "repointed"]

#: a line that defines a function or a method, and its name: Python's, Ruby's and Elixir's
#: `def`, JavaScript's `function` and arrow functions bound to a name, Go's `func` (with a
#: receiver), Rust's `fn`, Kotlin's `fun`, PHP's, Java's and C#'s methods by their access
#: modifier
_DEFINES = compile_lazily(
    r"^\s*(?:(?:export|pub(?:\([\w:]+\))?|async|static|override|final|abstract|suspend|unsafe|"
    r"const|default)\s+)*"
    r"(?:def[pm]?\s+(?:self\.)?(?P<def>\w+[?!]?)"
    r"|function\s*\*?\s*(?P<function>\w+)"
    r"|func\s+(?:\([^)]*\)\s*)?(?P<func>\w+)"
    r"|fn\s+(?P<fn>\w+)"
    r"|fun\s+(?:<[^>]*>\s*)?(?:[\w<>, ?]+\.)?(?P<fun>\w+)"
    r"|(?:let|var|const)\s+(?P<arrow>\w+)\s*=\s*(?:async\s+)?(?:\([^)]*\)|\w+)\s*(?::\s*[^=]+)?=>"
    r"|(?:public|private|protected|internal)\s+(?:[\w<>\[\],?]+\s+)*(?P<method>\w+)\s*\()"
)
#: a line wider than this defines no function (a minified bundle's, a data blob's)
_WIDEST_DEFINITION = 400
#: a call's qualifier (`Devices.`, `utils::`, `$this->helper->`) before the name it calls
_QUALIFIED_CALL = compile_lazily(r"[\w$\\]+(?:(?:\.|::|->)[\w$\\]+)*(?:\.|::|->)(\w+)(?=\s*\()")


def defined_name(line: str) -> str | None:
    """The name a line defines a function or a method by (`_DEFINES`), if it does (only a line
    that opens a parameter list or an arrow function is read)."""
    if len(line) > _WIDEST_DEFINITION or ("(" not in line and "=>" not in line):
        return None
    found = _DEFINES.match(line)
    if found is None:
        return None
    return next(name for name in found.groupdict().values() if name)


def _unqualified(line: str, moved: Collection[str] | None) -> str:
    """A line without white space, and without the qualifier of each call to a moved name (to
    any name, for `None`)."""
    bare = _QUALIFIED_CALL.sub(
        lambda call: call[1] if moved is None or call[1] in moved else call[0], line)
    return "".join(bare.split())


def repointed(removed: Sequence[str], added: Sequence[str],
              moved: Collection[str] | None) -> bool:
    """Whether a hunk's lines of code only repoint calls to functions the diff moves (above);
    with `moved` None, calls to any function: whether the hunk only rewrites the qualifiers of
    calls at all, asked before the names a diff moves are worked out."""
    if (moved is not None and not moved) or not removed or len(removed) != len(added):
        return False
    changed = False
    for old, new in zip(removed, added, strict=True):
        if "".join(old.split()) == "".join(new.split()):
            continue
        if _unqualified(old, moved) != _unqualified(new, moved):
            return False
        changed = True
    return changed
