"""Imports taken out with nothing in their place: names nothing used any more.

A Python or JavaScript import that binds names and is removed alone, the hunk adding no code,
took out names the file no longer used: a name still used on an unchanged line would fail
(Python's NameError, the TypeScript compiler, a bundler's missing binding). Where the change
takes a use of a name out elsewhere in the file, the import goes with that use, and is read
with it (defusedxml's `fromstring` dropped for another parser): only names no other changed
line of the file names were unused before the change. What flake8's F401, ruff and ESLint's
no-unused-vars remove is this, and a sensitive word on such a line (`from
django.contrib.auth.decorators import login_required`) is only the name of what nothing called.

Not among them, because taking them out changes what runs:
- an import that binds no name and so is only there to run its module (`import "./polyfill"`);
- an indented Python import (one in Django's `AppConfig.ready`, `import shop.signals`, registers
  the module's receivers as it loads);
- an import marked as kept on purpose (`# noqa`, ESLint's `// eslint-disable`);
- the imports of a package's `__init__.py` or a module's `index` file, which are what the
  package gives its importers.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from bot.analysis.lazyre import compile_lazily
from bot.analysis.mechanical import SCRIPT

__all__ = ["unused_imports_dropped"]

#: a module-level Python import binding names (`from a.b import c, d as e`, `import a.b as c`),
#: written on one line, with no comment but an ordinary one
_PYTHON_IMPORT = compile_lazily(
    r"(?:from\s+\.*[\w.]*\s+import\s+(?:\w+(?:\s+as\s+\w+)?(?:\s*,\s*\w+(?:\s+as\s+\w+)?)*"
    r"|\(\s*\w+(?:\s+as\s+\w+)?(?:\s*,\s*\w+(?:\s+as\s+\w+)?)*\s*,?\s*\))"
    r"|import\s+[\w.]+(?:\s+as\s+\w+)?(?:\s*,\s*[\w.]+(?:\s+as\s+\w+)?)*)"
    r"\s*;?\s*(?:#(?!.*\bnoqa\b).*)?"
)
#: a JavaScript or TypeScript import binding names, from a module of the project or a package
#: (`import { a, b } from "x"`, `import a from "x"`, `import * as a from "x"`, `import type`)
_SCRIPT_IMPORT = compile_lazily(
    r"""\s*import\s+(?:type\s+)?(?:[\w$]+\s*,\s*)?(?:\{[^}]*\}|\*\s*as\s+[\w$]+|[\w$]+)"""
    r"""\s*from\s*["'][^"']+["']\s*;?\s*(?://(?!.*eslint).*)?"""
)
#: the names an import binds: Python's `as` names and imported names, a dotted module's first
#: name; JavaScript's default, namespace and listed names (or their `as` names)
_BOUND = compile_lazily(
    r"(?:\bas\s+|[{,(]\s*|\bimport\s+(?:type\s+)?)(?!type\s*[{*])([A-Za-z_$][\w$]*)"
    r"(?![\w$]*\s+as\b)"
)
_WORD = compile_lazily(r"[A-Za-z_$][\w$]*")
#: what a package gives its importers: Python's `__init__.py`, a module folder's `index` file
_PACKAGE_FACE = compile_lazily(r"(?:^|/)(?:__init__\.pyi?|index\.[a-z]+)$")


def unused_imports_dropped(path: str, removed: Sequence[str], added: Sequence[str],
                           others: Iterable[str], *, python: bool) -> bool:
    """Whether a hunk of a Python or JavaScript file only removes imports that bind names (see
    the module's docstring): it adds nothing but blank lines, every line it removes is such an
    import or blank, and none of the names they bind is on the file's `others` changed lines
    (read only when the hunk is such). `python`: the file is Python source; else it is read as
    JavaScript where its name says so (`SCRIPT`)."""
    if any(line.strip() for line in added) or _PACKAGE_FACE.search(path) is not None:
        return False
    if python:
        form = _PYTHON_IMPORT
    elif SCRIPT.search(path) is not None:
        form = _SCRIPT_IMPORT
    else:
        return False
    lines = [line.rstrip("\n") for line in removed if line.strip()]
    # Python's module-level imports stand at the left margin (an indented one runs when its
    # function does: `AppConfig.ready`)
    if not lines or not all(
        form.fullmatch(line) is not None and (form is _SCRIPT_IMPORT or not line[:1].isspace())
        for line in lines
    ):
        return False
    names = {name for line in lines for name in _bound(line)}
    return not any(word in names for line in others for word in _WORD.findall(line))


def _bound(line: str) -> set[str]:
    """The names an import line binds (`_BOUND`), its module's path left out."""
    before_from = line.split(" from ", 1)[0] if " from " in line else line
    if before_from.lstrip().startswith("from "):
        before_from = "import " + before_from.split(" import ", 1)[1]  # Python's `from m`
    return set(_BOUND.findall(before_from))
