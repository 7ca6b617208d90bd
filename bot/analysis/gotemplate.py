"""Helm and Go templates whose actions only gain or lose white-space trimming.

Go's text/template trims the white space (spaces, tabs, line breaks) before an action whose
left delimiter is `{{- ` and after one whose right delimiter is ` -}}`. A chart's maintainers
add those markers to drop the blank lines a `{{ with }}` or an `{{ end }}` alone on its line
leaves in the rendered manifest, which YAML ignores; labellers read such a change as
mechanical, and the chart's path and the actions' words made it critical infrastructure.

A trim marker can also join two lines (`key: {{- .Values.x }}` renders `key:value`, another
YAML), so a hunk counts only when what it renders is the same text once blank lines are
dropped: each side is rendered with its markers applied, an action that writes nothing (`if`,
`else`, `with`, `range`, `end`, `define`, a variable's declaration, a comment) as nothing, and
any other action as a placeholder, which starts with a line break where its pipeline ends in
Sprig's `nindent` (documented to start its output with one). The actions themselves must be
the same too, but for the functions that only strip white space at the ends of a value that
`nindent` then lays out as an indented block (`trim`, `trimPrefix "\\n"`, `trimSuffix "\\n"`).

Read from a hunk's lines with its unchanged ones: both sides share those, and the text the hunk
does not show, which renders the same on both unless a marker at the hunk's edge trims up to it
(read as a change).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.analysis.lazyre import compile_lazily

__all__ = ["TEMPLATES", "same_render"]

#: a Helm chart's templates (`templates/*.yaml`, `_helpers.tpl`) and Go template files
TEMPLATES = compile_lazily(r"(^|/)templates/.+\.(ya?ml|tpl|txt|json)$|\.(gotmpl|tpl)$")
#: an action, its trim markers apart (a marker is a minus with white space on its inner side)
_ACTION = compile_lazily(r"\{\{(-\s)?(.*?)(\s-)?\}\}", re.DOTALL)
#: actions that write nothing themselves
_SILENT = compile_lazily(
    r"(if|else|end|with|range|define|break|continue)\b|/\*|\$\w*\s*:?=[^=]"
)
_NINDENT = compile_lazily(r"\|\s*nindent\s+\S+\s*$")
#: a pipeline's stage that only strips white space at a value's ends
_STRIPS = compile_lazily(
    r"""\|\s*(?:trim|trimPrefix\s+"(?:\\[nrt]| )+"|trimSuffix\s+"(?:\\[nrt]| )+")\s*(?=\|)"""
)
_WHITE = " \t\r\n"
_UNSEEN = "\x01"


def _action(body: str) -> str:
    """An action's text as compared: white space made single, and before `nindent` the stages
    that only strip white space at the value's ends left out."""
    if _NINDENT.search(body):
        body = _STRIPS.sub("", body)
    return " ".join(body.split())


def _rendered(lines: Sequence[str]) -> tuple[list[str], list[str]]:
    """What a side renders, as its non-blank lines (trailing white space aside), and its
    actions as compared (`_action`)."""
    # what comes before and after the hunk, unseen: a marker at its edge trims up to it
    text = "\n".join((_UNSEEN, *lines, _UNSEEN))
    pieces: list[str] = []
    actions: list[str] = []
    at, trim_next = 0, False
    for match in _ACTION.finditer(text):
        before = text[at: match.start()]
        if trim_next:
            before = before.lstrip(_WHITE)
        if match.group(1):
            before = before.rstrip(_WHITE)
        pieces.append(before)
        body = match.group(2).strip()
        actions.append(_action(body))
        if not _SILENT.match(body):
            pieces.append(("\n" if _NINDENT.search(body) else "") + "\x00")
        at, trim_next = match.end(), match.group(3) is not None
    rest = text[at:]
    pieces.append(rest.lstrip(_WHITE) if trim_next else rest)
    rendered = [line.rstrip() for line in "".join(pieces).split("\n")]
    return [line for line in rendered if line.strip()], actions


def same_render(old: Sequence[str], new: Sequence[str]) -> bool:
    """Whether a template's hunk, its unchanged lines included (`old`: before, `new`: after),
    renders the same text once blank lines are dropped, with the same actions (see the
    module's docstring): only its white-space trimming changed."""
    if not any("{{" in line for line in (*old, *new)):
        return False
    return _rendered(old) == _rendered(new)
