"""Python's older string formatting written as the f-string it builds.

`"charge %s failed for %s" % (charge.id, user)`, `"charge {} failed".format(charge.id)` and a
logger's lazy arguments (`logger.info("charge %s failed", charge.id)`, which pylint asks for and
pyupgrade's and ruff's fixes undo) build the same text as `f"charge {charge.id} failed"`. Compared
word by word the placeholder's value stands after the whole string on one side and inside it on
the other, so a conversion to f-strings over a payments or an auth module read as a change.

C#'s `string.Format("{0}:{1}", url, key)` builds the same text as the interpolated string
`$"{url}:{key}"` that IDE0071 and its code fixes write; it is read the same way.

A line is rewritten only where the conversion is exact: a string literal on one line, positional
`%s`, `%d`, `%i` and `%r` placeholders (`%%` a percent sign) or `{}`, `{0}` and `{name}` fields,
as many values as placeholders, each value an expression without a string of its own. A logger's
arguments are read only after a logging method's name (`debug`, `info`, `warning`, `error`,
`exception`, `critical`): a query's bound parameters (`execute("... id = %s", (i,))`) are not
interpolated, and stay as they are.
"""

from __future__ import annotations

import re

from bot.analysis.annotations import split_arguments
from bot.analysis.lazyre import compile_lazily

__all__ = ["as_fstrings"]

_STRING = r"""(?P<quote>["'])(?P<text>(?:[^"'\\\n]|\\.)*)(?P=quote)"""
#: a string formatted with `%`: its values in brackets, or one value
_PERCENT = compile_lazily(
    rf"""(?<![\w"'])(?P<prefix>[rRuU]?){_STRING}\s*%\s*(?:\((?P<values>[^()]*(?:\([^()]*\)[^()]*)*)\)|(?P<value>[\w.]+(?:\[[^\]]*\])?))"""
)
#: a string formatted with `.format(...)`
_FORMAT = compile_lazily(
    rf"""(?<![\w"'])(?P<prefix>[rRuU]?){_STRING}\.format\((?P<values>[^()]*(?:\([^()]*\)[^()]*)*)\)"""
)
#: a logging method given its message's values as arguments
_LOGGED = compile_lazily(
    rf"""(?P<call>\b(?:debug|info|warning|warn|error|exception|critical)\(\s*)(?P<prefix>[rRuU]?){_STRING}\s*,(?P<values>[^()]*(?:\([^()]*\)[^()]*)*)\)"""
)
#: C#'s composite formatting (`string.Format("{0}", a)`, `String.Format(...)`)
_COMPOSITE = compile_lazily(
    r"""\b[Ss]tring\.Format\(\s*(?P<prefix>)(?P<quote>")(?P<text>(?:[^"\\\n]|\\.)*)"\s*,"""
    r"""(?P<values>[^()]*(?:\([^()]*\)[^()]*)*)\)"""
)
_PLACEHOLDER = compile_lazily(r"%(?:%|[sdir])|%")
#: a keyword argument's name and its `=` (`name=user.name`)
_KEYWORD = compile_lazily(r"(\w+)\s*=(?!=)")
_FIELD = compile_lazily(r"\{\{|\}\}|\{(\w*)(![rsa])?(:[^{}]*)?\}|[{}]")


def _values(text: str) -> list[str] | None:
    """The values of a formatting call or tuple, each a plain expression (no string in it)."""
    values = [value.strip() for value in split_arguments(text) or ()]
    if values and not values[-1]:
        values.pop()  # a trailing comma
    if not values or any(not value or '"' in value or "'" in value for value in values):
        return None
    return values


def _percent(text: str, values: list[str]) -> str | None:
    """A `%`-formatted string's text with its values in its placeholders, None where the
    placeholders and the values do not pair one to one."""
    out: list[str] = []
    given = iter(values)
    at = 0
    for found in _PLACEHOLDER.finditer(text):
        out.append(text[at:found.start()])
        at = found.end()
        if found.group() == "%%":
            out.append("%")
            continue
        if found.group() == "%":
            return None  # a conversion this does not read (`%.2f`, `%(name)s`)
        value = next(given, None)
        if value is None:
            return None
        out.append(f"{{{value}!r}}" if found.group() == "%r" else f"{{{value}}}")
    if next(given, None) is not None:
        return None
    out.append(text[at:])
    return "".join(out)


def _fields(text: str, values: list[str]) -> str | None:
    """A `.format`-ed string's text with its values in its fields, None where they do not
    pair (a field's name not given, a value left over)."""
    keywords = [_KEYWORD.match(value) for value in values]
    positional = [value for value, keyword in zip(values, keywords, strict=True) if not keyword]
    named = {keyword.group(1): value[keyword.end():].strip()
             for value, keyword in zip(values, keywords, strict=True) if keyword}
    used: set[str] = set()
    automatic = 0
    out: list[str] = []
    at = 0
    for found in _FIELD.finditer(text):
        out.append(text[at:found.start()])
        at = found.end()
        whole = found.group()
        if whole in ("{{", "}}"):
            out.append(whole)
            continue
        if whole in ("{", "}"):
            return None
        key = found.group(1)
        if key == "":
            key, automatic = str(automatic), automatic + 1
        value = positional[int(key)] if key.isdigit() and int(key) < len(positional) else (
            named.get(key)
        )
        if value is None:
            return None
        used.add(key)
        out.append(f"{{{value}{found.group(2) or ''}{found.group(3) or ''}}}")
    if len(used) != len(positional) + len(named):
        return None
    out.append(text[at:])
    return "".join(out)


def _fstring(found: re.Match[str], text: str | None) -> str:
    """The f-string a match's formatting builds, or the match as it is."""
    if text is None or found.group("prefix"):
        return found.group()
    quote = found.group("quote")
    return f"f{quote}{text}{quote}"


def _logged(found: re.Match[str]) -> str:
    """A logger's call with its message's values interpolated, or the call as it is."""
    values = _values(found.group("values"))
    text = None if values is None else _percent(found.group("text"), values)
    if text is None or found.group("prefix"):
        return found.group()
    quote = found.group("quote")
    return f"{found.group('call')}f{quote}{text}{quote})"


def _percented(found: re.Match[str]) -> str:
    """A `%`-formatted string as its f-string, or as it is."""
    if found.group("values") is not None:
        values = _values(found.group("values"))
    else:
        values = [found.group("value")]
    return _fstring(found, None if values is None else _percent(found.group("text"), values))


def _formatted(found: re.Match[str]) -> str:
    """A `.format`-ed string as its f-string, or as it is."""
    values = _values(found.group("values"))
    return _fstring(found, None if values is None else _fields(found.group("text"), values))


def _interpolated(found: re.Match[str]) -> str:
    """C#'s composite formatting as its interpolated string, or as it is (a value that names
    a field, `{0}` given by a keyword, is no C# argument)."""
    values = _values(found.group("values"))
    if values is None or any(_KEYWORD.match(value) for value in values):
        return found.group()
    text = _fields(found.group("text"), values)
    return found.group() if text is None else f'$"{text}"'


def as_fstrings(line: str) -> str:
    """A line with each exact conversion (module docstring) written as its f-string (C#'s
    as its interpolated string)."""
    if "Format(" in line:
        line = _COMPOSITE.sub(_interpolated, line)
    if "%" in line:
        if "(" in line:
            line = _LOGGED.sub(_logged, line)
        line = _PERCENT.sub(_percented, line)
    if ".format(" in line:
        line = _FORMAT.sub(_formatted, line)
    return line
