"""A template's condition around an action's link, button or form: what a page offers, not who
may do it.

A server-rendered page often shows the way to an action only to those allowed it: Blade's
`@if($user->isAdmin)` around an "Add" button, ERB's `<% if can?(:update, @post) %>` around an
edit link, Django's `{% if user.is_authenticated %}` around a menu, Razor's `@if ((await
Auth.AuthorizeAsync(...)).Succeeded) { <form method="post" action="..."> }`. The action's own
endpoint checks again, and hiding its link decides nothing: such a condition, added, changed
or taken out, is no more than what a front-end component shows (`Policy.client_side`), so the
areas the server enforces count it one risk lower when it is all their evidence.

What the condition shows decides it, read from the lines the hunk shows (its unchanged lines
too) up to the condition's end: a link (`<a href>`, `link_to`, Phoenix's `<.link>`), a button or
a form, with the copy around it, and nothing the page prints of its data. An interpolation
outside an attribute's value that is not a translation or a URL (`{{ invoice.total }}`,
`<%= @note.body %>`, Razor's `@role.Name`) is data shown to those the condition lets see it,
and keeps the condition's weight: hiding a note, a price or a score is deciding who reads it.
A condition whose end the hunk does not show is read as evidence, as before, unless what it
shows of it ends with an action's closing tag (git's three lines of context after a changed
condition are the link it holds).
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.analysis.diff import Diff
from bot.analysis.lazyre import compile_lazily
from bot.analysis.mechanical import MARKUP

__all__ = ["ActionGates"]

#: a template's condition opening on its line: Blade's (`@if`, `@can`, `@auth`, `@unless`),
#: Razor's `@if (`, Django's, Jinja's and Twig's `{% if %}`, ERB's `<% if %>`/`<% unless %>`,
#: Handlebars' `{{#if}}`
_CONDITION = compile_lazily(
    r"\s*(?:@(?:if|unless|can|cannot|canany|auth|guest|role|hasrole|hasanyrole)\b"
    r"|\{%-?\s*(?:if|unless)\b|<%-?\s*(?:if|unless)\b|\{\{#(?:if|unless)\b)"
)
#: what opens and closes a template's blocks (their nesting is counted)
_OPENS = compile_lazily(
    r"@(?:if|unless|can|cannot|canany|auth|guest|role|hasrole|hasanyrole|foreach|for|forelse|"
    r"while|isset|empty|switch|section|push|component)\b"
    r"|\{%-?\s*(?:if|unless|for|with|block|macro|filter|spaceless|autoescape)\b"
    r"|<%-?\s*(?:if|unless|case|while)\b|<%=?-?.*\bdo\s*(?:\|[^|]*\|)?\s*-?%>"
    r"|\{\{#\w+"
)
_CLOSES = compile_lazily(
    r"@end\w+|@stop\b|\{%-?\s*end\w+|<%-?\s*end\s*-?%>|\{\{/\w+"
)
#: Razor's blocks are braces
_RAZOR = compile_lazily(r"\.(cshtml|razor)$")
#: an element's attribute with its value (a URL, a field's name, a style), where what the
#: template prints is not shown to people as the page's text
_ATTRIBUTE = compile_lazily(r"""[\w:@.\-\[\]()]+\s*=\s*(?:"[^"]*"|'[^']*')""")
#: the way to an action: a link, a button, a form (and the helpers that write them)
_ACTION = compile_lazily(
    r"<(?:a|button|form)\b|<\.link\b|\btype\s*=\s*[\"']submit|\b(?:link_to|button_to|form_with|"
    r"form_for|form_tag|mail_to)\b|@Html\.(?:ActionLink|BeginForm)\b"
)
#: the line that closes an action's element
_ACTION_ENDS = compile_lazily(r"\s*</(?:a|button|form)>\s*")
#: what a template prints outside attributes: each must be copy (`_COPY`)
_PRINTED = compile_lazily(
    r"\{\{.*?\}\}|\{!!.*?!!\}|\{%.*?%\}|<%.*?%>|@\(|@[A-Za-z_][\w.]*"
)
#: a translation, a URL, a form's CSRF field or a block's own syntax: what the page says or
#: links to, not its data
_COPY = compile_lazily(
    r"(?:\{\{-?|\{!!|<%=?-?|@\(?)\s*(?:trans|trans_choice|__|_|t|lang|translate|gettext|"
    r"route|url|path|cachet_route|action|asset|Localizer|T|L|I18n\.t|link_to|button_to|"
    r"[\w.]*_(?:path|url))\b[\s\S]*"
    r"|\{%-?\s*(?:trans|blocktrans|translate|url|csrf_token|static|else|elif|endif|"
    r"endblocktrans|endtrans)\b[\s\S]*"
    r"|\{\{[^}|]*\|\s*(?:trans|t|translate)\b[\s\S]*"
    r"|<%-?\s*(?:else|elsif|end)\b[\s\S]*|\{\{else\}\}"
    r"|@(?:csrf|method|lang|else|elseif|endif|endcan|endauth|endunless|Html\.AntiForgeryToken)"
    r"\b[\s\S]*"
)


def _depth(text: str, razor: bool) -> int:
    if razor:
        return text.count("{") - text.count("}")
    return len(_OPENS.findall(text)) - len(_CLOSES.findall(text))


def _block(lines: Sequence[str], at: int, razor: bool) -> list[str] | None:
    """The lines a condition opened at `at` holds, up to its end; None when the condition
    opens and closes on its own line, or when the lines shown end first, unless what they show
    of it ends with an action's closing tag (`</a>`: git's three lines after a changed
    condition, showing the link it holds)."""
    depth = _depth(lines[at], razor)
    opened = depth > 0
    if not razor and not opened:
        return None
    for end in range(at + 1, len(lines)):
        depth += _depth(lines[end], razor)
        opened = opened or depth > 0
        if opened and depth <= 0:
            return list(lines[at + 1: end])
    shown = list(lines[at + 1:])
    return shown if shown and _ACTION_ENDS.fullmatch(shown[-1]) else None


def _shows_an_action(block: Sequence[str]) -> bool:
    """Whether a block shows a link, a button or a form and, outside attributes, only copy,
    translations, URLs and the block syntax of conditions nested in it."""
    text = "\n".join(block)
    if not _ACTION.search(text) or "<script" in text:
        return False
    for line in block:
        if _CONDITION.match(line):
            continue  # a condition nested in it: read as its own
        bare = _ATTRIBUTE.sub(" ", line)
        for printed in _PRINTED.findall(bare):
            if not _COPY.fullmatch(printed):
                return False
    return True


class ActionGates:
    """The template conditions of a diff that only show the way to an action, asked by the
    evidence's place (path, side, line) and worked out once per file."""

    def __init__(self, diff: Diff) -> None:
        self.diff = diff
        self._files = {change.path: index for index, change in enumerate(diff.files)}
        self._found: dict[int, frozenset[tuple[str, int]]] = {}

    def __contains__(self, place: object) -> bool:
        if not isinstance(place, tuple) or len(place) != 3:
            return False
        path, side, line = place
        index = self._files.get(path)
        if index is None or side not in ("old", "new") or not MARKUP.search(path):
            return False
        return (side, line) in self._of(index)

    def _of(self, index: int) -> frozenset[tuple[str, int]]:
        found = self._found.get(index)
        if found is None:
            places: set[tuple[str, int]] = set()
            razor = _RAZOR.search(self.diff.files[index].path) is not None
            for number, hunk in enumerate(self.diff.hunks(index)):
                if not hunk.lines:
                    continue
                sides = self.diff.shown_sides(index, number)
                for side, lines, start in (("old", sides[0], hunk.starts[0]),
                                           ("new", sides[1], hunk.starts[1])):
                    for at, text in enumerate(lines):
                        if not _CONDITION.match(text):
                            continue
                        block = _block(lines, at, razor)
                        if block is not None and _shows_an_action(block):
                            places.add((side, start + at))
            found = self._found[index] = frozenset(places)
        return found
