"""Edits swept across a change: the same small edit made in many files.

A refactor that replaces a logger, passes an argument through, adds an error's cause or moves
an import reaches every file that uses what it changes; where a library's every file matches a
sensitive area's paths (an auth library under `**/auth/**`), each of its hunks read alone looks
like a change of that area's code. What tells such a sweep from a fix is that the edit is the
same everywhere, token for token, whatever code surrounds it: a fix is made of its own code.

An edit is a place where a hunk's removed and added tokens differ (`mechanical.stream`, the
sides compared with difflib): the tokens removed there and those added, string literals kept
quoted; where both sides are copy (a message, a label), the words it changes (`"Sign in with
Github"` -> `"Sign in with GitHub"` is `Github` -> `GitHub`, as the name's respelling is). The
same edit made in `MIN_FILES` files or more is swept, and a hunk whose every edit is swept only
carries the sweep out. Some edits are never a sweep's, however often they are
made: a large one (`MAX_EDIT_TOKENS`: a block of code copied into many files is logic, and is
reviewed as logic), one without a name (a `!` or a `&&` alone is the same in any code by
chance; so are `not`, `return` and the other words of control flow, and `null` or `undefined`
passed alone), and one that changes a literal a program acts on (a number, `true`/`false`, a
string that is not copy, the values a message interpolates aside: turning `verify=True` into
`False`, or a cookie's `"Lax"` into `"None"`, in every file is a setting changed everywhere).
The caller adds what it alone knows: an edit a content rule of the policy matches
(`@login_required` added to every view) is evidence however often it is made.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

from bot.analysis.lazyre import compile_lazily
from bot.analysis.mechanical import copy_text, stream

__all__ = ["MAX_EDIT_TOKENS", "MAX_HUNK_LINES", "MIN_FILES", "Edit", "Sweep", "hunk_edits",
           "rendered", "swept"]

#: files that make one edit before it reads as a sweep: a fix is often made the same way in
#: two places (a check in the PostgreSQL and the SQLite backend, in a handler's v1 and v2),
#: a third identical edit marks a pattern applied throughout
MIN_FILES = 3
#: tokens of one side of an edit beyond which it is code of its own, not an edit repeated (an
#: error's cause `{ cause: err }` is 5, a logger's call `logger.LogInformation` 3, an import
#: path one)
MAX_EDIT_TOKENS = 16
#: changed lines of a hunk beyond which it is not read for edits: a sweep's hunks are small,
#: but one function may make the edit at each of its exits (an error's cause added to each
#: `throw` of a `catch` block of checks)
MAX_HUNK_LINES = 60

#: one side's tokens and the other's, where the two differ
Edit = tuple[tuple[str, ...], tuple[str, ...]]

#: characters of an edit's side a sweep shows
_SHOWN = 60
_NAME = compile_lazily(r"[^\W\d]\w*")
_NUMBER = compile_lazily(r"\d")
_WORDS = compile_lazily(r"\w+")
_LITERAL_WORDS = frozenset({"true", "false", "True", "False", "TRUE", "FALSE"})
#: no value: no name either, but passing one where nothing was (`f(msg, undefined, {cause})`)
#: sets nothing
_NO_VALUE = frozenset({"nil", "null", "None", "NULL", "undefined"})
#: what a string interpolates (`${err.message}`, `{name}`, `#{id}`, `%s`): a message that
#: names a value is copy all the same
_INTERPOLATION = compile_lazily(r"[$#]?\{[^{}]*\}|%[sdrifv]")
#: words that decide or exit: an edit made of them alone changes control flow wherever it is
_FLOW_WORDS = frozenset({
    "not", "and", "or", "if", "else", "elif", "unless", "return", "raise", "throw", "break",
    "continue", "is", "in",
})


class Sweep(NamedTuple):
    """An edit made in many files of a change."""

    edit: Edit
    files: int

    def __str__(self) -> str:
        old, new = (_shortened(rendered(side)) for side in self.edit)
        if not old:
            return f"`{new}` added"
        if not new:
            return f"`{old}` removed"
        return f"`{old}` -> `{new}`"


def rendered(tokens: Sequence[str]) -> str:
    """An edit's side as code: a space only between two words (`public string Comment`),
    none around operators and brackets (`context.Background()`)."""
    out = ""
    for token in tokens:
        if out and _wordlike(out[-1]) and _wordlike(token[0]):
            out += " "
        out += token
    return out


def _shortened(text: str) -> str:
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


def _wordlike(char: str) -> bool:
    """Whether a character can end or start a word (a name, a number, a quoted string)."""
    return char.isalnum() or char in "_\"'"


def _quoted(lines: Sequence[str]) -> list[str]:
    """The lines' tokens with their string literals in double quotes (a literal stays told
    from a name)."""
    tokens, strings = stream(lines)
    return [f'"{token}"' if at in strings else token for at, token in enumerate(tokens)]


def _copy(text: str) -> bool:
    """Whether a string's text is copy (`copy_text`), the values it interpolates aside."""
    return copy_text(_INTERPOLATION.sub(" ", text).strip())


def _literals(side: Iterable[str], imports: bool) -> Counter[str]:
    """The literals of an edit's side a program acts on: numbers, booleans, and strings that
    are not copy (in imports, whose strings are module paths, none)."""
    return Counter(
        token for token in side
        if token in _LITERAL_WORDS or _NUMBER.match(token)
        or (token[:1] == '"' and not imports and not _copy(token[1:-1]))
    )


def _sweepable(edit: Edit, imports: bool) -> bool:
    """Whether an edit can be a sweep's: small, holding a name that is not a literal or a word
    of control flow (in imports, a module's path is a name), and changing no literal a program
    acts on."""
    old, new = edit
    if max(len(old), len(new)) > MAX_EDIT_TOKENS:
        return False
    if not any(
        (_NAME.fullmatch(token) and token not in _LITERAL_WORDS | _FLOW_WORDS | _NO_VALUE)
        or (imports and token[:1] == '"')
        for token in old + new
    ):
        return False
    return _literals(old, imports) == _literals(new, imports)


def _reworded(old: Sequence[str], new: Sequence[str]) -> Edit | None:
    """A message's or a label's edit as the words it changes, where the two sides are copy
    (`_copy`) that differ at one place: `"Sign in with Github"` -> `"Sign in with GitHub"` is
    `Github` -> `GitHub`, as the same respelling of a name is."""
    if len(old) != 1 or len(new) != 1 or old[0][:1] != '"' or new[0][:1] != '"':
        return None
    if not (_copy(old[0][1:-1]) and _copy(new[0][1:-1])):
        return None
    before, after = _WORDS.findall(old[0]), _WORDS.findall(new[0])
    changed = [op for op in difflib.SequenceMatcher(None, before, after, autojunk=False)
               .get_opcodes() if op[0] != "equal"]
    if len(changed) != 1:
        return None
    _, i1, i2, j1, j2 = changed[0]
    return tuple(before[i1:i2]), tuple(after[j1:j2])


def hunk_edits(removed: Sequence[str], added: Sequence[str], *, imports: bool = False
               ) -> frozenset[Edit] | None:
    """The edits a hunk's code lines make, when each could be a sweep's (`_sweepable`); None
    when one could not, when the hunk is larger than `MAX_HUNK_LINES` or its sides hold the
    same tokens, and when it only adds or only removes lines that are not imports: a sweep
    rewrites the statements that are there, and a statement added to every file or taken out
    of each (`$cart = Cart::getCart();` once the totals are collected) changes what each does.
    `imports`: every line imports a module (its strings are module paths)."""
    if len(removed) + len(added) > MAX_HUNK_LINES or not (imports or (removed and added)):
        return None
    old, new = _quoted(removed), _quoted(added)
    if old == new:
        return None
    edits: set[Edit] = set()
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        edit = _reworded(old[i1:i2], new[j1:j2]) or (tuple(old[i1:i2]), tuple(new[j1:j2]))
        if not _sweepable(edit, imports):
            return None
        edits.add(edit)
    return frozenset(edits)


def swept(hunks: Mapping[tuple[int, int], frozenset[Edit]]) -> dict[Edit, int]:
    """The edits that hunks, given by (file, hunk), make in `MIN_FILES` files or more, with
    how many files each is made in."""
    files: dict[Edit, set[int]] = {}
    for (file, _), edits in hunks.items():
        for edit in edits:
            files.setdefault(edit, set()).add(file)
    return {edit: len(found) for edit, found in files.items() if len(found) >= MIN_FILES}
