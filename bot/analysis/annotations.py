"""Type annotations of a function's parameters, which a type checker reads and the program does not.

Type hints added to a migration's `def forwards(apps, schema_editor)`, or a TypeScript method
given its parameters' types, change what mypy and tsc check and nothing that runs: Python keeps
a parameter's annotation in `__annotations__` only, TypeScript erases its types when it compiles.
Compared token by token the signature differs by the types, so a typing pass over a billing or
an auth module read as a change to it.

Only a signature on one line is read, where its form says the language: Python's `def name(...):`
(a Ruby `def` has no colon after it, and its `a:` keyword parameters stay as they are) and
TypeScript's `function name(...) {`, a method's `name(...) {` or an arrow's `(...) =>`. A
parameter's annotation is taken out (`rate: Decimal = ZERO` -> `rate = ZERO`), and a TypeScript
return type with it. A Python return annotation stays: FastAPI reads `-> UserPublic` as the
response's model. So does a Python parameter whose default is one of FastAPI's request readers
(`Depends(...)`, `Query(...)`): its annotation is how the request is read.
"""

from __future__ import annotations

import re

from bot.analysis.lazyre import compile_lazily

__all__ = ["split_arguments", "without_parameter_types"]

#: a Python signature on one line: its opening, its parameters, the rest from the `)`
_PYTHON_DEF = compile_lazily(
    r"^(\s*(?:async\s+)?def\s+\w+\s*(?:\[[^\]]*\])?\s*)\((.*)\)(\s*(?:->[^:]*)?:\s*(?:#.*)?)$"
)
#: a TypeScript function's, method's or arrow's signature on one line: its opening, its
#: parameters, what follows the `)` (a return type) and the body's opening
_TYPESCRIPT_SIGNATURE = compile_lazily(
    r"^(\s*(?:export\s+)?(?:default\s+)?(?:(?:async|public|private|protected|static|readonly|"
    r"override|abstract|get|set)\s+)*(?:function\s*\*?\s*[\w$]*|[\w$]+|(?:const|let|var)\s+[\w$]+"
    r"\s*(?::[^=]+)?=\s*(?:async\s*)?)\s*(?:<[^()]*>)?\s*)\((.*)\)(\s*:\s*[^={}]+?)?(\s*(?:\{|=>).*)$"
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


def without_parameter_types(line: str) -> str:
    """A one-line signature (module docstring) without its parameters' types (and, in
    TypeScript, its return type); any other line as it is."""
    if "def" in line and line.rstrip().endswith(":"):
        found = _PYTHON_DEF.match(line)
        return line if found is None else _untyped(line, found, python=True, tail=3)
    if ":" in line and ("{" in line or "=>" in line):
        found = _TYPESCRIPT_SIGNATURE.match(line)
        words = found.group(1).split() if found is not None else []
        if found is not None and (not words or words[-1] not in _STATEMENTS):
            return _untyped(line, found, python=False, tail=4)
    return line


def _untyped(line: str, found: re.Match[str], *, python: bool, tail: int) -> str:
    """A signature's match (its opening, its parameters, then the group `tail`: what follows
    the `)` that is kept) written without its parameters' types; the line as it is where its
    parameters do not split."""
    parameters = split_arguments(found.group(2))
    if parameters is None:
        return line
    plain = ", ".join(_unannotated(parameter, python).strip() for parameter in parameters)
    return f"{found.group(1)}({plain}){found.group(tail)}"
