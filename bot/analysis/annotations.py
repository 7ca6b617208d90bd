"""Type annotations of a function's parameters, which a type checker reads and the program does not.

Type hints added to a migration's `def forwards(apps, schema_editor)`, or a TypeScript method
given its parameters' types, change what mypy and tsc check and nothing that runs: Python keeps
a parameter's annotation in `__annotations__` only, TypeScript erases its types when it compiles.
Compared token by token the signature differs by the types, so a typing pass over a billing or
an auth module read as a change to it.

Only a signature on one line is read, where its form says the language: Python's `def name(...):`
(a Ruby `def` has no colon after it, and its `a:` keyword parameters stay as they are) and
TypeScript's `function name(...) {`, a method's `name(...) {` or an arrow's `(...) =>`. A
parameter's annotation is taken out (`rate: Decimal = ZERO` -> `rate = ZERO`), and the return
type with it. Not in a FastAPI endpoint's or dependency's signature, which reads the request with
a parameter defaulted to one of FastAPI's readers (`Depends(...)`, `Query(...)`): the annotation
of such a parameter is how the request is read, and the return annotation (`-> UserPublic`) is
the response's model, which decides the fields a client is sent.

A variable of a Python module annotated where it is assigned (`revision: str = "1c46"`, as a
typing pass writes it over every migration of Alembic's) is read without its annotation too; a
class's attributes are not, whose annotations are a dataclass's or a model's fields.
"""

from __future__ import annotations

import re

from bot.analysis.lazyre import compile_lazily

__all__ = ["split_arguments", "without_annotations"]

#: a Python signature on one line: its opening, its parameters, its return annotation, the rest
_PYTHON_DEF = compile_lazily(
    r"^(\s*(?:async\s+)?def\s+\w+\s*(?:\[[^\]]*\])?\s*)\((.*)\)(\s*->[^:]*)?(:\s*(?:#.*)?)$"
)
#: a TypeScript function's, method's or arrow's signature on one line: its opening, its
#: parameters, what follows the `)` (a return type) and the body's opening
_TYPESCRIPT_SIGNATURE = compile_lazily(
    r"^(\s*(?:export\s+)?(?:default\s+)?(?:(?:async|public|private|protected|static|readonly|"
    r"override|abstract|get|set)\s+)*(?:function\s*\*?\s*[\w$]*|[\w$]+|(?:const|let|var)\s+[\w$]+"
    r"\s*(?::[^=]+)?=\s*(?:async\s*)?)\s*(?:<[^()]*>)?\s*)\((.*)\)(\s*:\s*[^={}]+?)?(\s*(?:\{|=>).*)$"
)
#: a variable of a Python module given its annotation where it is assigned (`down_revision: str |
#: None = "9232980a"`, `TIMEOUT: Final = 30`): at the left margin, where Python stores the
#: annotation in the module's `__annotations__` and runs nothing of it. A class's attribute
#: (a dataclass's field, a pydantic or an ORM model's column, indented) is left as it is: its
#: annotation makes the field. Its name, its type (names, brackets, commas, `|`, `.` and
#: quotes), and what follows the `=`
_MODULE_VARIABLE = compile_lazily(
    r"([A-Za-z_]\w*)\s*:\s*[A-Za-z_][\w.]*(?:\[[\w.\[\], |'\"]*\])?(?:\s*\|\s*[A-Za-z_][\w.]*"
    r"(?:\[[\w.\[\], |'\"]*\])?)*\s*=(?!=)(.*)$"
)
#: FastAPI's readers of a request, whose parameter's annotation says how the request is read
_REQUEST_READERS = compile_lazily(
    r"\b(?:Depends|Security|Query|Path|Body|Header|Cookie|Form|File)\s*\("
)
_OPENING = {"(": ")", "[": "]", "{": "}", "<": ">"}
#: a parameter's name as each language writes it (TypeScript's may be optional, spread, or a
#: constructor's parameter property): a ternary's `a ? b` or a destructuring pattern is none
_PYTHON_NAME = compile_lazily(r"\*{0,2}[A-Za-z_]\w*")
_TYPESCRIPT_NAME = compile_lazily(
    r"(?:\.\.\.)?(?:(?:public|private|protected|readonly|override)\s+)*[\w$]+\??"
)
#: words before a parenthesis on a line that ends with a brace that make it no signature
_STATEMENTS = frozenset({
    "if", "for", "while", "switch", "catch", "return", "with", "await", "yield", "typeof",
    "new", "else", "do", "throw", "case",
})


def split_arguments(text: str) -> list[str] | None:
    """A parameter or an argument list split at its top-level commas (brackets and strings
    kept whole); None where its brackets or quotes do not close."""
    out: list[str] = []
    closing: list[str] = []
    quote = ""
    start = 0
    for at, char in enumerate(text):
        if quote:
            if char == quote and text[at - 1] != "\\":
                quote = ""
        elif char in "\"'`":
            quote = char
        elif char in _OPENING:
            closing.append(_OPENING[char])
        elif closing and char == closing[-1]:
            closing.pop()
        elif char in ")]}":
            return None
        elif char == "," and not closing:
            out.append(text[start:at])
            start = at + 1
    if quote or closing:
        return None
    out.append(text[start:])
    return out


def _unannotated(parameter: str, python: bool) -> str:
    """A parameter without its annotation: `name: T = d` -> `name = d`, `name?: T` -> `name?`."""
    name, colon, rest = parameter.partition(":")
    named = (_PYTHON_NAME if python else _TYPESCRIPT_NAME).fullmatch(name.strip())
    if not colon or named is None or (python and _REQUEST_READERS.search(rest)):
        return parameter
    default = _default_after(rest)
    return f"{name.rstrip()}{default}"


def _default_after(annotated: str) -> str:
    """What follows an annotation: ` = default`, or nothing (the first `=` at the top level;
    an arrow's `=>` inside a function type is not one)."""
    depth = 0
    for at, char in enumerate(annotated):
        if char in "([{<":
            depth += 1
        elif char in ")]}>" and depth:
            depth -= 1
        elif char == "=" and not depth and annotated[at + 1: at + 2] != ">" and (
            annotated[at - 1: at] != "="
        ):
            return " " + annotated[at:].strip()
    return ""


def without_annotations(line: str) -> str:
    """A one-line signature (module docstring) without its parameters' types (and, in
    TypeScript, its return type), a Python module's variable without its annotation
    (`_MODULE_VARIABLE`); any other line as it is."""
    if line[:1].isalpha() or line[:1] == "_":
        variable = _MODULE_VARIABLE.match(line)
        if variable is not None:
            return f"{variable.group(1)} ={variable.group(2)}"
    if "def" in line and line.rstrip().endswith(":"):
        found = _PYTHON_DEF.match(line)
        if found is None:
            return line
        returned, rest = found.group(3) or "", found.group(4)
        # a FastAPI signature keeps its return annotation, the response's model
        fastapi = bool(returned) and _REQUEST_READERS.search(found.group(2)) is not None
        return _untyped(line, found, python=True, kept=returned + rest if fastapi else rest)
    if ":" in line and ("{" in line or "=>" in line):
        found = _TYPESCRIPT_SIGNATURE.match(line)
        words = found.group(1).split() if found is not None else []
        if found is not None and (not words or words[-1] not in _STATEMENTS):
            return _untyped(line, found, python=False, kept=found.group(4))
    return line


def _untyped(line: str, found: re.Match[str], *, python: bool, kept: str) -> str:
    """A signature's match (its opening, then its parameters) written without its parameters'
    types and followed by `kept`, what of the rest after the `)` stays; the line as it is where
    its parameters do not split."""
    parameters = split_arguments(found.group(2))
    if parameters is None:
        return line
    plain = ", ".join(_unannotated(parameter, python).strip() for parameter in parameters)
    return f"{found.group(1)}({plain}){kept}"
