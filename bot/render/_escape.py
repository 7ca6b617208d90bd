"""Make untrusted text safe to show: in GitHub Markdown, and on a terminal.

Paths, snippets, model names and reasons come from the pull request, that is from whoever opened
it. Shown raw in the bot's comment they could add markup, break the areas table, hide text with
HTML, ping people with `@mentions` or link other repositories' issues; shown raw on a terminal,
ANSI sequences in a diff line could rewrite the screen. These helpers are the only way renderers
put such text into their output.

Markdown escaping uses HTML character references rather than backslashes: a reference is never a
delimiter (emphasis, code, table pipe, math), so there is no sequence a backslash in the input
could turn back into markup, including the table-cell splitting GitHub does before inline parsing.
"""

from __future__ import annotations

import re
import unicodedata

from bot.analysis.lazyre import compile_lazily

__all__ = [
    "clip",
    "clip_middle",
    "code",
    "inline",
    "plain",
    "terminal",
    "text",
]

ZWJ = "\u200d"

# Invisible or direction-changing characters that could make a line read differently from what
# it does (Trojan Source), and line separators that would end a table row or a list item.
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_LINE_BREAKS = compile_lazily(r"\r\n|[\r\n\u0085\u2028\u2029\v\f]")

# Characters that mean something to Markdown, GitHub's extensions or HTML, as references.
_MARKUP = {
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    "|": "&#124;",
    "\\": "&#92;",
    "`": "&#96;",
    "*": "&#42;",
    "_": "&#95;",
    "[": "&#91;",
    "]": "&#93;",
    "~": "&#126;",
    "$": "&#36;",
    "#": "&#35;",
}
_TEXT_TABLE = str.maketrans(_MARKUP)
_CODE_TABLE = str.maketrans({**_MARKUP, "@": "&#64;"})
# At the start of a line item's content these would open a nested list or a heading underline.
_BLOCK_START = compile_lazily(r"^(\s*)(?:([-+=])|(\d{1,9})([.)]))")
# "@name" pings a user or team and "#12" / "owner/repo#12" links (and notifies) an issue.
_MENTION = compile_lazily(r"@(?=[A-Za-z0-9_-])")
_REFERENCE = compile_lazily(r"&#35;(?=[A-Za-z0-9])")
# Bare URLs GitHub would turn into links ("https://…", "www.…"): a PR should not get to place
# clickable links in the bot's voice.
_AUTOLINK = compile_lazily(r"(?i)(?<=[a-z]):(?=//)|(?<![a-z0-9])www(?=\.)")


def _unlink(value: str) -> str:
    return _AUTOLINK.sub(lambda m: m.group(0) + ZWJ, value)


def _visible(char: str) -> str:
    return f"[U+{ord(char):04X}]"


def plain(value: str) -> str:
    """One line of text with nothing hidden in it: line breaks become spaces, control and
    direction-override characters become visible `[U+XXXX]` marks."""
    value = _LINE_BREAKS.sub(" ", value)
    out = []
    for char in value:
        if char == "\t":
            out.append(" ")
        elif char in _BIDI or (unicodedata.category(char) == "Cc"):
            out.append(_visible(char))
        else:
            out.append(char)
    return "".join(out)


def clip(value: str, limit: int) -> str:
    """At most `limit` characters, ending in an ellipsis when cut (before any escaping, so an
    escape sequence is never cut in half)."""
    if limit < 1:
        return ""
    return value if len(value) <= limit else value[: limit - 1] + "…"


def clip_middle(value: str, limit: int) -> str:
    """Like `clip`, but keep both ends: for paths, whose file name matters most."""
    if len(value) <= limit:
        return value
    if limit < 5:
        return clip(value, limit)
    head = (limit - 1) // 2
    tail = limit - 1 - head
    return value[:head] + "…" + value[-tail:]


def text(value: str) -> str:
    """Untrusted text as literal Markdown text on one line: no markup, no mention, no link (to a
    URL or an issue), nothing that starts a block."""
    value = _unlink(plain(value).translate(_TEXT_TABLE))
    value = _MENTION.sub("@" + ZWJ, value)
    value = _REFERENCE.sub("&#35;" + ZWJ, value)

    def _block(match: re.Match[str]) -> str:
        lead, sign, digits, dot = match.groups()
        if sign is not None:
            return f"{lead}&#{ord(sign)};"
        return f"{lead}{digits}&#{ord(dot)};"

    return _BLOCK_START.sub(_block, value, count=1)


def code(value: str) -> str:
    """Untrusted text as inline code (`<code>`), safe inside a table cell.

    A backtick code span cannot hold a table pipe safely on GitHub, and its delimiters depend on
    the content; an HTML `<code>` element with every meaningful character as a reference has no
    such cases. GitHub neither links mentions nor expands emoji inside `<code>`.
    """
    return "<code>" + _unlink(plain(value).translate(_CODE_TABLE)) + "</code>"


def inline(value: str) -> str:
    """Text written by the core, where backticks mark code (`Model: GPT-5.4`), made safe.

    The core quotes untrusted values (unknown model names from the PR) inside backticks, so the
    parts between backticks go through `code` and the rest through `text`; a stray backtick in a
    quoted value can only move the boundary between the two, never produce markup.
    """
    parts = plain(value).split("`")
    out = []
    for index, part in enumerate(parts):
        if index % 2:
            out.append(code(part))
        elif part:
            out.append(text(part))
    return "".join(out)


def terminal(value: str) -> str:
    """Untrusted text for a terminal: one line, no escape sequence or control character left."""
    return plain(value)
