"""What a change does to control flow: a guard taken out or put in, a condition changed.

On real commits the critical changes that vocabulary missed were small edits of logic in code
that names no framework or API: `parameters[id] !== false` -> `=== true` in `isAllowed` (every
section shown unless denied, now only those allowed), `a.id < offer.id` -> `a.id != offer.id`
deciding which discounts stack, `if token.application_id? && token.application.confidential?`
losing its second half in `authorized?`. What these share is not a word but a shape: a condition
whose operators, negation or conjuncts changed, or an early exit (`raise`, `return 403`,
`throw`, `abort`, a loop's `continue`) added or removed, on a line that names what it decides
about (a permission, an owner, an amount, a session). An exit added in a template or a
component only hides what it shows; the server is what refuses.

The shapes are read from the language-neutral tokens `bot.analysis.mechanical` makes (`if`,
`unless`, `&&`, `!==`, `not`, `return` are spelt alike across the languages the policy claims),
and only in hunks the pre-filter already found: a guard rule's pattern (policy data, `guards:`
on a content rule) names the subject, and this module says whether the line it matched, or the
definition its hunk is in, changes control flow. The rule is evidence only then.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Literal, get_args

from bot.analysis.diff import ChangedLine, Diff, Hunk, is_substantive
from bot.analysis.lazyre import compile_lazily
from bot.analysis.mechanical import MARKUP, legible, tokens
from policies.model import GuardKind
from policies.plain import Plain

__all__ = ["CONDITION_CHANGED", "FUNCTION", "GUARD_KINDS", "METHOD_TO_GET", "OUTCOME_CHANGED",
           "Change", "GuardKind", "Hit", "changes", "guard_filter", "guard_hits",
           "shown_conditions"]

#: every kind a guard rule may name (the policy's `GuardKind`)
GUARD_KINDS: tuple[GuardKind, ...] = get_args(GuardKind)
#: the kinds the analysis reads apart from the others: a condition changed (also under a
#: hunk header naming the subject), the outcome read under an unchanged condition
#: (`shown_conditions`), and a method made GET, read on every changed line naming the subject,
#: deciding or not (`guard_filter`)
CONDITION_CHANGED: GuardKind = "condition-changed"
#: the kind a guard removed or added is read as by a rule that asks its exit to refuse
_REFUSALS: dict[str, GuardKind] = {"guard-removed": "refusal-removed",
                                   "guard-added": "refusal-added"}
OUTCOME_CHANGED: GuardKind = "outcome-changed"
METHOD_TO_GET: GuardKind = "method-to-get"

#: words that open a condition in the languages the policy claims (`elsif`: Ruby, `guard`:
#: Swift, `when`: Kotlin and Ruby, `unless`: Ruby and Perl)
_CONDITIONALS = frozenset({"if", "elif", "elsif", "unless", "guard", "when", "while"})
#: what makes a line a condition: comparisons (not `<` and `>`, which are also generics and
#: markup), connectives and negation
_DECIDING = frozenset({
    "==", "!=", "===", "!==", "<=", ">=", "&&", "||", "!", "and", "or", "not",
})
#: what decides a condition's outcome: comparisons, connectives, negation, boolean literals
_LOGIC = _DECIDING | {"<", ">", "is", "in", "true", "false", "True", "False", "nil", "None",
                      "null", "undefined"}
#: statements that end what runs: refusals and early returns, and a loop's item skipped or the
#: loop left (`if len(group) == 0 { continue }`: what the loop grants or collects)
_EXITS = frozenset({
    "return", "raise", "throw", "abort", "abort_unless", "abort_if", "die", "panic", "halt",
    "deny", "forbid", "reject", "redirect", "redirect_to", "head", "break", "continue",
})
#: a hunk larger than this is a rewrite: its lines are not paired one by one
_MAX_SIDE = 80
#: how alike a removed and an added condition must be to be one condition changed
_PAIRED = 0.6
#: a condition this long (in tokens) found whole inside another is the other with a conjunct
#: more or less
_CONTAINED = 4


class Change(Plain):
    """One change of control flow: its kind and the changed lines it spans (the condition and
    its exit for a guard; the removed and the added condition for a changed one)."""

    kind: GuardKind
    lines: tuple[ChangedLine, ...]
    #: what the change is, where its line does not say it (`method-to-get`: the methods before
    #: and after)
    note: str = ""
    #: a guard's: its exit refuses the caller (`_refuses`)
    refuses: bool = False

    @property
    def shown(self) -> ChangedLine:
        """The line the evidence names: the added one, where there is one."""
        return next((item for item in self.lines if item.side == "new"), self.lines[0])


def _is_condition(stream: Sequence[str]) -> bool:
    return any(token in _CONDITIONALS for token in stream)


def _decides(stream: Sequence[str]) -> bool:
    """Whether a line holds a condition: opens one, or compares or connects values."""
    return any(token in _CONDITIONALS or token in _DECIDING for token in stream)


def _error_check(stream: Sequence[str]) -> bool:
    """Go's error propagation (`if err != nil { return err }`): a failure passed up, not a
    decision about the caller."""
    return "err" in stream and "nil" in stream


def _markup(text: str) -> bool:
    """A tag of a template or of JSX (`<Auth v-if="..." />`, `</>`): its `<` and `=` are
    markup, not a comparison."""
    return text.lstrip().startswith("<")


def _has_exit(stream: Sequence[str]) -> bool:
    return any(token in _EXITS for token in stream)


#: exits that refuse whatever they are given: raised, aborted, denied, sent elsewhere
_REFUSING = frozenset({"raise", "throw", "abort", "abort_unless", "abort_if", "die", "panic",
                       "halt", "deny", "forbid", "reject", "redirect", "redirect_to"})
#: what a returned value or a response says when it is a refusal: an error (`errors.New`,
#: `fmt.Errorf`, `ErrForbidden`, `hcerr.Externalize`), a status (`403`, `:forbidden`,
#: `notFound()`, `Unauthorized`), a denial
_REFUSAL = compile_lazily(r"(?i)err|forbid|unauthori[sz]|unauthenticated|denied|not_?found|"
                          r"^40[134]$|reject")


def _refuses(stream: Sequence[str]) -> bool:
    """Whether an exit refuses the caller: raised, thrown, aborted, redirected, or a return (or
    Rails' `head`) of an error or a refusing status (`return nil, errors.New(...)`, `return
    res.status(403)`, `head :forbidden`); not a bare `return`, `continue`, `break`, `return
    null` or `return false`, which only skip."""
    return any(token in _REFUSING for token in stream) or (
        any(token in ("return", "head") for token in stream)
        and any(_REFUSAL.search(token) for token in stream if token not in ("return", "head")))


#: words that make a line's `if` an expression's, not a branch of the code: a comprehension's
#: filter (`[t for t in xs if t]`), a conditional expression (`a if c else b`)
_EXPRESSION_IF = frozenset({"for", "else"})


def _guard_line(stream: Sequence[str]) -> bool:
    """A condition and an exit on one line (`return unless allowed?`, `if (!ok) return;`,
    `raise Denied if user.banned?`), not an expression that filters or chooses a value."""
    return _has_exit(stream) and not any(token in _EXPRESSION_IF for token in stream)


def _logic_changed(old: list[str], new: list[str]) -> bool:
    """Whether two versions of a condition differ in what decides it (an operator, a negation,
    a connective with its operand, a boolean literal), not only in the names it reads."""
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal" and any(t in _LOGIC for t in (*old[i1:i2], *new[j1:j2])):
            return True
    return False


def _paired(old: list[str], candidates: Iterable[tuple[int, list[str]]]) -> list[int]:
    """The indexes of the added conditions most like a removed one (several when equally
    alike: which one it became cannot be told), if any is alike enough: most of their tokens in
    common, or all of the shorter one's (a conjunct dropped or added: `if a? && b?` -> `if a?`).
    """
    best: list[int] = []
    best_ratio = 0.0
    for index, new in candidates:
        matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
        shorter = min(len(old), len(new))
        if matcher.real_quick_ratio() < max(best_ratio, _PAIRED) and shorter < _CONTAINED:
            continue
        ratio = matcher.ratio()
        if ratio < _PAIRED and not (
            shorter >= _CONTAINED
            and sum(block.size for block in matcher.get_matching_blocks()) == shorter
        ):
            continue
        if ratio > best_ratio:
            best, best_ratio = [index], ratio
        elif ratio == best_ratio:
            best.append(index)
    return best


#: a line that may take part in a change of control flow: it opens a condition, compares or
#: connects values, or refuses (a bare `<` or `>`, `!` or `return` only beside one of these:
#: alone they are as often a generic type, a tag, a negated call or a plain result). Guard rules
#: read only such lines (`guard_filter`), and only they are tokenised.
_MARKERS = (
    r"\b(if|elif|elsif|unless|guard|raise|throw|abort\w*|panic|halt|deny|forbid|reject)\b|"
    r"[=!<>]=|&&|\|\||\breturn\s+(true|false|True|False)\b|\{\s*:(ok|error)\b"
)
_CANDIDATE = compile_lazily(_MARKERS)
_DEFINITION_LINE = compile_lazily(r"\s*(def|func|function|fn|class|sub|proc)\b")
#: a line that opens a function (its modifiers first: `public static function`, `pub fn`,
#: `async def`); unchanged, it is the definition a hunk's changes below it are made in, as a
#: hunk header names one. A typed method (Java, C#, TypeScript) has no keyword: its access
#: modifier, its other modifiers and return type, its name and `(` (`private void
#: validateRequestCurrencyAmount(`, `public async Task<bool> HasPermissionAsync(`, `private
#: async checkOwner(`), as git's own Java and C# hunk headers read one; a field (`private
#: final Foo foo = new Foo(`) has a `=` before its `(`. Its name is read with the rest of its
#: line only where a subject stands after the `(` too (`guard_filter`: in its parameters,
#: `(final long amount)`): a typed method's name alone is not read (`private String
#: formatCurrencyAmount(final Row r)`, `ShowPermissionsTabAsync(MenuItem item)` name what a
#: view shows), where a `def`'s or a `func`'s name, after its keyword, is.
FUNCTION = (r"[ \t]*(?:(?:\w+[ \t]+)*?(?:def|func|function|fn|sub)\b|"
            r"(?:public|private|protected|internal)[ \t]+(?:\w+[ \t]+)*?"
            r"[\w<>\[\]?,.]+[ \t]+\w+[ \t]*\()")


#: an unchanged line that opens a condition (`if not hmac.compare_digest(...):`, `} else if
#: (...) {`): what the changed lines just below it hand back is that check's outcome
_CONDITION = r"[ \t]*(?:\}[ \t]*)?(?:else[ \t]+)?(?:if|elif|elsif|unless)\b"
_CONDITION_LINE = compile_lazily(_CONDITION)
#: a line that may open a condition (`_opens_condition`), read before its tokens are
_CONDITION_OPENING = compile_lazily(
    r"[ \t]*(?:\}[ \t]*)?(?:else[ \t]+)?(?:if|elif|elsif|unless|guard|when|while)\b")


def guard_filter(subjects: Sequence[str], outcome_subjects: Sequence[str] = (),
                 method_subjects: Sequence[str] = ()) -> str:
    """The search that finds what guard rules read: the changed lines that name one of the
    `subjects` and also decide or exit (either order), and the hunk headers and the unchanged
    lines opening a function that name one; for the rules that read an outcome changed
    (`outcome_subjects`), also the unchanged lines opening a condition that name one; for those
    that read a method made GET (`method_subjects`: forms and routes), every changed line that
    names one (the `subjects` are those of the rules that read control flow). The lines of a
    diff that name a subject are many; those that also decide or exit are few, and so are those
    that declare a form's or a route's method."""
    line = r"[^\n]*?"
    found: list[str] = []
    if subjects:
        subject = "|".join(f"(?:{pattern})" for pattern in subjects)
        found += [f"^[-+]{line}(?:{_MARKERS}){line}(?:{subject})",
                  f"^[-+]{line}(?:{subject}){line}(?:{_MARKERS})",
                  f"^@@{line}@@{line}(?:{subject})", f"^ {FUNCTION}{line}(?:{subject})"]
    if outcome_subjects:
        outcome = "|".join(f"(?:{pattern})" for pattern in outcome_subjects)
        found.append(f"^ {_CONDITION}{line}(?:{outcome})")
    if method_subjects:
        method = "|".join(f"(?:{pattern})" for pattern in method_subjects)
        found.append(f"^[-+]{line}(?:{method})")
    return "(?m)" + "|".join(found)


def shown_conditions(rows: Sequence[str], changed: Sequence[ChangedLine]
                     ) -> dict[ChangedLine, str]:
    """The unchanged condition each run of changed lines of a hunk is directly under: the
    hunk's line just above the run opens a condition (`_CONDITION`) and the run's lines are
    indented deeper (`if not hmac.compare_digest(expected, given):` above `-    return False`
    / `+    raise ValueError(...)`). `rows`: the hunk's lines as the diff has them (a marker,
    then the text); `changed`: its changed lines in order. A run not indented under it is code
    after the condition's block, not its outcome."""
    found: dict[ChangedLine, str] = {}
    items = iter(changed)
    above: str | None = None
    for row in rows:
        marker, text = row[:1], row[1:]
        if marker == " ":
            above = text if _CONDITION_LINE.match(text) else None
            continue
        if marker not in ("+", "-"):
            continue
        item = next(items, None)
        if item is None:
            break
        if above is not None and text.strip():
            depth = len(text) - len(text.lstrip())
            if depth > len(above) - len(above.lstrip()):
                found[item] = above
    return found


class _Hunk:
    """One hunk's changed lines by run (the lines changed between two unchanged ones: a
    condition changed in place has its old and new text in one run) and side, read only where a
    question needs them: which lines of a run hold a condition, their tokens."""

    def __init__(self, hunk: Hunk) -> None:
        old_start, new_start = hunk.starts
        self.runs: dict[int, dict[str, list[ChangedLine]]] = {}
        self.place: dict[ChangedLine, int] = {}
        counted = {"old": 0, "new": 0}
        for item in hunk.lines:
            side = item.side
            place = item.line - (old_start if side == "old" else new_start) - counted[side]
            counted[side] += 1
            self.runs.setdefault(place, {"old": [], "new": []})[side].append(item)
            self.place[item] = place
        self._streams: dict[ChangedLine, list[str]] = {}
        self._conditions: dict[tuple[int, str], list[tuple[ChangedLine, list[str]]]] = {}
        self._outcomes: dict[int, tuple[dict[str, ChangedLine], dict[str, ChangedLine]]] = {}
        self.hunk = hunk

    def run(self, item: ChangedLine) -> dict[str, list[ChangedLine]] | None:
        """The run of a line, unless it is too large to pair line by line (a rewrite)."""
        run = self.runs[self.place[item]]
        return None if len(run["old"]) > _MAX_SIDE or len(run["new"]) > _MAX_SIDE else run

    def readable(self, item: ChangedLine) -> bool:
        """Whether a line may take part in a change of control flow: code with a marker
        (`_MARKERS`), in a run small enough to pair line by line."""
        return (self.run(item) is not None and legible(item.text)
                and _CANDIDATE.search(item.text) is not None and is_substantive(item.text))

    def stream(self, item: ChangedLine) -> list[str]:
        found = self._streams.get(item)
        if found is None:
            found = self._streams[item] = tokens([item.text])
        return found

    def conditions(self, item: ChangedLine, side: str) -> list[tuple[ChangedLine, list[str]]]:
        """The code lines of one side of a line's run that hold a condition, with their
        tokens."""
        key = (self.place[item], side)
        found = self._conditions.get(key)
        if found is None:
            code = _code(self.runs[key[0]][side])
            wrapped = _wrapped_conditions(self, code) if any(
                _CONDITION_OPENING.match(line.text) for line in code) else set()
            found = self._conditions[key] = [
                (line, self.stream(line)) for line in code
                if line in wrapped or (
                    _CANDIDATE.search(line.text) is not None and not _markup(line.text)
                    and _decides(self.stream(line)))
            ]
        return found

    def outcomes(self, item: ChangedLine) -> tuple[dict[str, ChangedLine], dict[str, ChangedLine]]:
        """The outcomes (`_outcome`) each side of a line's run gives, each with the first line
        that gives it: read once a run, not once a line of it (a hunk header's hit asks every
        line of its hunk)."""
        place = self.place[item]
        found = self._outcomes.get(place)
        if found is None:
            sides: dict[str, dict[str, ChangedLine]] = {"old": {}, "new": {}}
            for side, given in sides.items():
                for line in self.runs[place][side]:
                    if legible(line.text) and is_substantive(line.text):
                        outcome = _outcome(self.stream(line))
                        if outcome is not None:
                            given.setdefault(outcome, line)
            found = self._outcomes[place] = (sides["old"], sides["new"])
        return found

    def neighbour(self, item: ChangedLine, step: int) -> ChangedLine | None:
        """The code line just below (1) or above (-1) this one in its run, if any."""
        lines = self.runs[self.place[item]][item.side]
        at = lines.index(item) + step
        if 0 <= at < len(lines) and is_substantive(lines[at].text):
            return lines[at]
        return None

    def defines(self, item: ChangedLine) -> bool:
        """Whether a line's run writes or deletes a definition on its side."""
        return any(
            _DEFINITION_LINE.match(line.text) for line in self.runs[self.place[item]][item.side]
        )


def _condition_changed(hunk: _Hunk, item: ChangedLine) -> Change | None:
    """The change of a condition line whose most alike line on the other side differs from it
    in logic."""
    if _markup(item.text) or not _decides(hunk.stream(item)):
        return None
    other = "new" if item.side == "old" else "old"
    candidates = hunk.conditions(item, other)
    stream = hunk.stream(item)
    for at in _paired(stream, ((i, s) for i, (_, s) in enumerate(candidates))):
        partner, partner_stream = candidates[at]
        if _logic_changed(stream, partner_stream):
            return Change(kind=CONDITION_CHANGED, lines=(item, partner))
    return _continued_condition_changed(hunk, item, candidates)


def _continued_condition_changed(
    hunk: _Hunk, item: ChangedLine, candidates: list[tuple[ChangedLine, list[str]]]
) -> Change | None:
    """A condition written over several lines, changed as a whole: each side's condition lines
    of the run read as one (`return actor != nil &&` / `(actor.Admin ||` / `v.Owners && owner
    ||` losing its middle line, the operand and its `||` gone with it, where no line of one
    side is alike enough to one of the other): one side is the other with operands and their
    connectives taken out, nothing else changed. Only where a side has more than one such
    line."""
    own = hunk.conditions(item, item.side)
    if not candidates or (len(own) < 2 and len(candidates) < 2):
        return None
    joined = [token for _, line_stream in own for token in line_stream]
    other = [token for _, line_stream in candidates for token in line_stream]
    shorter, longer = sorted((joined, other), key=len)
    if len(shorter) < _CONTAINED or len(shorter) == len(longer):
        return None
    matcher = difflib.SequenceMatcher(None, shorter, longer, autojunk=False)
    if sum(block.size for block in matcher.get_matching_blocks()) == len(shorter) and \
            _logic_changed(joined, other):
        return Change(kind=CONDITION_CHANGED, lines=(item, candidates[0][0]))
    return None


def _guard(hunk: _Hunk, item: ChangedLine) -> tuple[ChangedLine, ...] | None:
    """The guard this line is part of: a condition and an exit on one line (`return unless
    allowed?`, `if (!ok) return;`, `raise Denied if user.banned?`, not a comprehension's or a
    conditional expression's `if`), or a condition and the exit on the next line of its side
    (`if not allowed:` / `raise PermissionDenied`), or between them a response that refuses
    (`_responds_refusal`: Go's `http.Error(w, "forbidden", http.StatusForbidden)` / `return`)."""
    stream = hunk.stream(item)
    if _is_condition(stream):
        if _error_check(stream):
            return None
        if _has_exit(stream):
            return (item,) if _guard_line(stream) else None
        following = hunk.neighbour(item, 1)
        if following is not None:
            after = hunk.stream(following)
            if _has_exit(after) and not _is_condition(after):
                return (item, following)
            exit_line = hunk.neighbour(following, 1) if _responds_refusal(after) else None
            if exit_line is not None and _bare_exit(hunk.stream(exit_line)):
                return (item, following, exit_line)
        return None
    if _has_exit(stream):
        previous = hunk.neighbour(item, -1)
        if previous is not None:
            before = hunk.stream(previous)
            if _is_condition(before) and not _has_exit(before) and not _error_check(before):
                return (previous, item)
            condition = hunk.neighbour(previous, -1) if (
                _bare_exit(stream) and _responds_refusal(before)) else None
            if condition is not None:
                opening = hunk.stream(condition)
                if _is_condition(opening) and not _has_exit(opening) and not _error_check(
                        opening):
                    return (condition, previous, item)
    return None


def _responds_refusal(stream: Sequence[str]) -> bool:
    """Whether a line, neither a condition nor an exit, writes a refusal as the response
    before a bare exit ends the handler: Go's `http.Error(w, msg, http.StatusForbidden)`,
    `response.WriteForbiddenError(w)`, gin's `c.AbortWithStatus(401)`, Express's
    `res.status(403).send()` (`_REFUSAL`)."""
    return not _is_condition(stream) and not _has_exit(stream) and any(
        _REFUSAL.search(token) for token in stream)


def _bare_exit(stream: Sequence[str]) -> bool:
    """Whether a line is an exit alone (`return`, `return;`), which leaves the response the
    line above it wrote."""
    return [word for word in stream if word != ";"] == ["return"]


#: how many lines a condition wrapped over several may span, its exit included
_WRAPPED = 8
#: what ends a line whose condition goes on on the next one
_CONNECTIVES = frozenset({"&&", "||", "and", "or", "not", "!", "==", "!=", "===", "!==", "<=",
                          ">=", "<", ">", "in"})
#: what a line of brackets opens and closes
_OPENERS, _CLOSERS = frozenset("([{"), frozenset(")]}")


def _opens_condition(stream: Sequence[str]) -> bool:
    """Whether a line starts a condition statement (`if (`, `} else if (`, `unless a &&`), not
    an expression's `if` (`x = a if b else c`)."""
    words = [token for token in stream[:3] if token not in ("}", "else")]
    return bool(words) and words[0] in _CONDITIONALS


def _code(lines: Iterable[ChangedLine]) -> list[ChangedLine]:
    """The code lines among `lines` (comments and blank lines left out)."""
    return [line for line in lines if legible(line.text) and is_substantive(line.text)]


def _code_lines(hunk: _Hunk, item: ChangedLine) -> list[ChangedLine]:
    """The code lines of a line's side of its run."""
    return _code(hunk.runs[hunk.place[item]][item.side])


def _condition_span(hunk: _Hunk, lines: Sequence[ChangedLine], start: int
                    ) -> tuple[list[ChangedLine], int] | None:
    """The lines of a condition opened by `lines[start]` (`_opens_condition`), up to the one
    that ends it: the one opening a block at its end (`{`, Python's `:`, Ruby's `then`), or
    closing the condition's brackets with no connective left dangling for the next line; with
    the index of the first line after it. None when no line within `_WRAPPED` ends it, or one
    before the end exits or opens another condition (not a condition's lines, then)."""
    depth, span = 0, list[ChangedLine]()
    for at in range(start, min(len(lines), start + _WRAPPED)):
        line = lines[at]
        stream = hunk.stream(line)
        if (span and _opens_condition(stream)) or _has_exit(stream) or _error_check(stream):
            return None
        span.append(line)
        depth += sum(token in _OPENERS for token in stream)
        depth -= sum(token in _CLOSERS for token in stream)
        if stream[-1] in ("{", ":", "then", "do") or (
                depth <= 0 and stream[-1] not in _CONNECTIVES):
            return span, at + 1
    return None


def _wrapped_guard(hunk: _Hunk, item: ChangedLine) -> tuple[ChangedLine, ...] | None:
    """A guard whose condition a formatter wrapped over several lines (Prettier's `if (` /
    `Array.from(...)` / `).length !== 1` / `) {`, google-java-format's `if (!(a == b` / `|| a ==
    c)) {`, gofmt's and Ruby's `if a &&` / `b`), and the exit on the first code line after it
    (`throw`, `return reject(...)`, `raise`): the condition's lines (`_condition_span`) and the
    exit. The line asked is one of them. A condition on one line is `_guard`'s."""
    lines = _code_lines(hunk, item)
    if item not in lines:
        return None
    at = lines.index(item)
    start = next((k for k in range(at, max(-1, at - _WRAPPED), -1)
                  if _opens_condition(hunk.stream(lines[k]))), None)
    if start is None:
        return None
    found = _condition_span(hunk, lines, start)
    if found is None or len(found[0]) < 2:
        return None
    span, after = found
    if after < len(lines) and hunk.stream(lines[after]) == ["{"]:
        after += 1  # a block opened on a line of its own (Allman style)
    if after >= len(lines):
        return None
    exit_line = lines[after]
    stream = hunk.stream(exit_line)
    if not _has_exit(stream) or _is_condition(stream) or item not in (*span, exit_line):
        return None
    return (*span, exit_line)


def _wrapped_conditions(hunk: _Hunk, lines: Sequence[ChangedLine]) -> set[ChangedLine]:
    """The lines of the conditions among `lines` wrapped over several (`_condition_span`):
    their middle lines (`!Config::get('laratrust.use_teams')` between `if (` and `|| (...)`)
    are the condition's too, though they need not compare or connect anything."""
    found: set[ChangedLine] = set()
    for at, line in enumerate(lines):
        if _opens_condition(hunk.stream(line)):
            span = _condition_span(hunk, lines, at)
            if span is not None and len(span[0]) > 1:
                found.update(span[0])
    return found


#: what a line hands back to the caller of a check, by its opening tokens: a boolean verdict
#: (`return true`), a refusal raised (`raise`, `throw`), or Elixir's tagged result (`{:ok, t}`,
#: `{:error, reason}`). A value computed (`return user.admin?`) is not one: what it gives
#: depends on what it reads.
_OUTCOMES: dict[tuple[str, ...], str] = {
    ("return", "true"): "granted", ("return", "True"): "granted",
    ("return", "false"): "refused", ("return", "False"): "refused",
    ("raise",): "raised", ("throw",): "raised",
    ("{", ":", "ok"): "ok", ("{", ":", "error"): "error",
}
#: the most opening tokens an outcome is told by
_OUTCOME_WIDTH = max(len(opening) for opening in _OUTCOMES)


def _outcome(stream: Sequence[str]) -> str | None:
    """The outcome a line hands back (`_OUTCOMES`), if it is one: a verdict must be the whole
    statement (`return true;`), a refusal or a tagged result only opens it."""
    for width in range(min(_OUTCOME_WIDTH, len(stream)), 0, -1):
        found = _OUTCOMES.get(tuple(stream[:width]))
        if found is not None:
            if found in ("granted", "refused") and any(t != ";" for t in stream[width:]):
                return None
            return found
    return None


def _outcome_changed(hunk: _Hunk, item: ChangedLine) -> Change | None:
    """What a check hands back changed where it decides: its run (the lines changed between two
    unchanged ones) gives an outcome on each side and not the same ones (`return true` now
    `return false` in `IsProxyTrusted` when no proxy is configured; `return False` now `raise
    ValueError` for a signature that does not match, which a caller that ignored the result no
    longer survives; `{:ok, token}` now also `{:error, "Missing signature"}` for a token with no
    signature). Neither a condition nor an exit changed, so the other kinds miss it; a run that
    writes or deletes a definition is new or deleted code."""
    if hunk.run(item) is None or hunk.defines(item):
        return None
    old, new = hunk.outcomes(item)
    if not old or not new or old.keys() == new.keys():
        return None
    shown = next(iter(new[key] for key in new if key not in old), next(iter(new.values())))
    return Change(kind=OUTCOME_CHANGED, lines=(shown, *old.values()))


#: the HTTP methods that change state, the only ones a framework checks a CSRF token on
_UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: a token naming an HTTP method: the method's word (`post`, `"POST"`, `:delete`, `Get`) or an
#: identifier made of it (Spring's `@PostMapping`, ASP.NET's `[HttpGet]` and `MapPost`, Go's
#: `http.MethodPost`, Django's `@require_POST`)
_METHOD = compile_lazily(
    r"(?i)(?:Http|Method|Map|require_)?(get|post|put|patch|delete)(?:Mapping)?")
#: Go 1.22's method in a route's pattern (`mux.HandleFunc("POST /items", ...)`)
_PATTERN_METHOD = compile_lazily(r"(GET|POST|PUT|PATCH|DELETE)\s+/")
#: what a method's bare word follows where it is one: a call on a router (`router.delete(`,
#: `Route::post(`, `$router->post(`), an option or attribute (`method: :delete`,
#: `method="post"`), a list of them (`methods=['get', 'post']`, `via: [:get, :post]`); not
#: `@post`, a Ruby instance variable, nor a string after other words (`[C::class, 'delete']`)
_METHOD_AFTER = frozenset({".", ":", "::", "->", "=", "=>", "[", "("})
#: a line's words that make its method a form's, not a route's
_FORM_WORDS = frozenset({
    "form", "Form", "form_with", "form_for", "form_tag", "simple_form_for", "button_to",
})
#: a line this short (in tokens, methods aside) pairs only with one the same but for its methods
_SHORT = 3


def _methods(stream: Sequence[str]) -> set[str]:
    """The HTTP methods a line of a form or a route declares (`_METHOD`), with the default of
    those whose method is left out: an HTML form's (`<form action="...">`) and a Flask route's
    (`@bp.route("/x")`) is GET."""
    found: set[str] = set()
    listed = False  # the word before was a method: a list of them goes on
    for at, word in enumerate(stream):
        match = _METHOD.fullmatch(word)
        if match is not None and (match.group(0) != match.group(1) or word.isupper() or at == 0
                                  or listed or (stream[at - 1] in _METHOD_AFTER
                                                and _declared(stream, at))):
            found.add(match.group(1).upper())
            listed = True
            continue
        if word == "require_safe":  # Django's GET or HEAD only
            found.add("GET")
        pattern = _PATTERN_METHOD.match(word)
        if pattern is not None:
            found.add(pattern.group(1))
        listed = False
    if not found and not any(word.lower() in ("method", "methods") for word in stream):
        after = {(stream[at - 1], stream[at]) for at in range(1, len(stream))}
        tag = bool(after & {("<", "form"), ("<", "Form")}) and ">" in stream
        route = bool(stream) and stream[0] == "@" and (".", "route") in after
        if tag or route:
            found.add("GET")
    return found


#: what a router is called where its routes are declared (Express, Koa, Fastify, Hono); one
#: named `server` may as well be a client's, and is read only with a path written out
_ROUTERS = frozenset({"app", "router", "routes", "fastify"})


#: the classes a Roda route's segment matches, as its block's arguments
_CAPTURES = frozenset({"Integer", "String", "Float"})


def _declared(stream: Sequence[str], at: int) -> bool:
    """Whether a method's bare word after `.` is a route's (`router.delete("/items/:id", h)`,
    `@bp.post("/x")`, FastAPI's `@router.post("")`, `router.route("/x").post(h)`): called with
    a path (a template's too, `${BASE}/x`), or on a route; called on a router with a constant,
    a variable or a member for its path and a handler after it (`router.post(PATHS.x, h)`,
    `router.post(path, h)`; not `routes.get(KEY)`, a map's); Roda's `r.post "x" do` and
    `r.post("x") do`, a verb on its routing tree opening a block (with parentheses, one that
    takes nothing); a router's call left open at the line's end, its path on the next
    (`router.post(`). A method called with anything else is a getter's or a client's
    (`searchParams.get("returnTo")` in a form's action, Ruby's `@http.post(url)`,
    `api.post(URLS.x)`)."""
    if stream[at - 1] != ".":
        return True
    receiver = stream[at - 2] if at >= 2 else ""
    called = at + 2 < len(stream) and stream[at + 1] == "("
    if receiver == "r" and "do" in stream[at + 1:]:
        # with parentheses, a block that takes nothing or a capture's class
        # (`r.get("orders", Integer) do |id|`): `r.post(key) do |resp|` is a client's call
        opened = stream[at + 1:stream.index("do", at + 1)]
        return not called or stream[-1] == "do" or bool(_CAPTURES & set(opened))
    router = receiver in _ROUTERS or receiver.endswith(("Router", "router"))
    if not called:
        # a router's call left open, its path on the next line (Prettier's `router.post(`)
        return router and at + 2 == len(stream) and stream[-1] == "("
    first = stream[at + 2]
    if first.startswith(("/", "${")) or first == "" or "route" in stream[:at]:
        return True
    if not router:
        return False
    after = at + 3
    if after + 1 < len(stream) and stream[after] == ".":  # a member: `PATHS.deleteAccount`
        after += 2
    elif not first.isidentifier():
        return False
    return after < len(stream) and stream[after] != ")"


def _masked(stream: Sequence[str]) -> list[str]:
    """A line's tokens with each method's (`_METHOD`) made one: how alike two lines are, their
    methods aside."""
    return ["\0" if _METHOD.fullmatch(token) or _PATTERN_METHOD.match(token) else token
            for token in stream]


#: how much of the shorter of two lines, methods aside, the other must hold for one to be the
#: other with its method changed
_HELD = 0.75
#: how many tokens of a route, its methods aside, may be others when its method changes: its
#: path (`/items/:id` -> `/items/:id/delete`), not its path and its handler (a route taken out
#: and another put in, in a list of routes re-ordered)
_REPLACED = 1


def _most_alike(own: list[str], others: list[list[str]]) -> list[int]:
    """The indexes of the lines of `others` that hold the most of `own`'s tokens, or of whose
    tokens `own` holds the most (the shorter line's share found in the other, in order), at
    least `_HELD`, no more than `_REPLACED` of them others. A route given a middleware or an
    option keeps its path and its handler:
    `r.Post("/x", create)` is `r.With(check).Post("/x", create)`, not the `r.With(admin).Get("/",
    list)` nearer its length."""
    best: list[int] = []
    best_share = _HELD
    for at, other in enumerate(others):
        shorter = min(len(own), len(other))
        if not shorter:
            continue
        matcher = difflib.SequenceMatcher(None, own, other, autojunk=False)
        replaced = sum(max(i2 - i1, j2 - j1) for tag, i1, i2, j1, j2 in matcher.get_opcodes()
                       if tag == "replace")
        if replaced > _REPLACED:
            continue
        share = sum(block.size for block in matcher.get_matching_blocks()) / shorter
        if share > best_share:
            best, best_share = [at], share
        elif share == best_share:
            best.append(at)
    return best


def _partners(hunk: _Hunk, item: ChangedLine) -> list[ChangedLine]:
    """The lines of the other side of a line's run most like it, its methods aside
    (`_most_alike`; a short line, only one the same but for its methods)."""
    run = hunk.run(item)
    if run is None:
        return []
    own = _masked(hunk.stream(item))
    other = [line for line in run["new" if item.side == "old" else "old"]
             if legible(line.text) and is_substantive(line.text)]
    masked = [_masked(hunk.stream(line)) for line in other]
    if len(own) - own.count("\0") <= _SHORT:
        return [other[at] for at, stream in enumerate(masked) if stream == own]
    return [other[at] for at in _most_alike(own, masked)]


def _made_get(hunk: _Hunk, item: ChangedLine, path: str) -> Change | None:
    """A form's or a route's method changed from one that changes state to GET, or GET added
    beside it (`method: :delete` -> `method: :get`, `@PostMapping` -> `@GetMapping`,
    `methods=["POST"]` -> `methods=["GET", "POST"]`): the line and the line of the other side
    of its run most like it (`_partners`), each the other's, the old line gone from the new
    side. Frameworks check a CSRF token only on the methods that change state, and a link or
    an image on another site sends a GET. A GET route put in beside a POST route that stays,
    changed (`router.post(PATHS.items, validate(schema), create)` with `router.get(PATHS.items,
    list)` below it), is a route added: the old line is most like the POST one."""
    if not legible(item.text):
        return None
    found: Change | None = None
    for partner in _partners(hunk, item):
        if item not in _partners(hunk, partner):
            continue
        old, new = (item, partner) if item.side == "old" else (partner, item)
        before, after = _methods(hunk.stream(old)), _methods(hunk.stream(new))
        if "GET" not in after or "GET" in before or not before & _UNSAFE_METHODS:
            return None
        if found is None:
            whose = "a form's" if MARKUP.search(path) or any(
                token in _FORM_WORDS for token in hunk.stream(new)) else "a route's"
            shown = ", ".join(sorted(after, key=lambda method: method != "GET"))
            found = Change(kind=METHOD_TO_GET, lines=(new, old), note=(
                f"{whose} method changed from {', '.join(sorted(before))} to {shown}"))
    return found


#: a guard rule's hit: the area, the kinds the rule reads and the line (or hunk header) matched
Hit = tuple[str, Sequence[str], ChangedLine]


#: a line that opens a condition's other branch and does nothing else (`else`, `} else {`,
#: `else:`); `elif` and `else if` carry a condition of their own
_ELSE = compile_lazily(r"\s*\}?\s*else\s*[:{]?\s*")


def _swapped(hunk: Hunk) -> Change | None:
    """The branches of a condition exchanged: a hunk that only moves its lines, code taken
    from one side of an `else` to the other (`if not ok: deny() else: grant()` with the two
    calls trading places). What ran when the condition held now runs when it does not: the
    condition negated, though no line of it changed. A block re-indented keeps its lines in
    their order, and is not one.

    Only a hunk with a line holding `else` can be one (the exchange is found at an `_ELSE`
    line): most hunks are ruled out by that search, before their lines are read as code."""
    if not any("else" in item.text for item in hunk.lines):
        return None
    sides = {side: [item for item in hunk.lines if item.side == side
                    and is_substantive(item.text)] for side in ("old", "new")}
    old, new = sides["old"], sides["new"]
    if not old or len(old) != len(new) or len(old) > _MAX_SIDE:
        return None
    old_texts, new_texts = ([item.text.strip() for item in lines] for lines in (old, new))
    if sorted(old_texts) != sorted(new_texts) or old_texts == new_texts:
        return None
    for at, text in enumerate(old_texts):
        if _ELSE.fullmatch(text) and text in new_texts:
            above = set(old_texts[:at])
            if above != set(new_texts[:new_texts.index(text)]):
                shown = new[new_texts.index(text)]
                return Change(kind=CONDITION_CHANGED,
                              lines=(shown, *(item for item in (*old, *new) if item != shown)))
    return None


def changes(hunk: Hunk, focus: Iterable[ChangedLine], diff: Diff, *, anywhere: bool = False,
            methods: Iterable[ChangedLine] = (), read: _Read | None = None) -> list[Change]:
    """The changes of control flow in one hunk that lines of `focus` take part in, and with
    `anywhere` every condition of the hunk changed and every guard it takes out or puts in. A
    guard whose condition is on the other side of the file's change too was moved, not removed
    or added; one that comes or goes with a definition is new or deleted code unless it
    refuses (a framework's hook added whole, DRF's `validate_account` raising a permission
    error, guards the endpoint that calls it); branches
    exchanged (`_swapped`) are a condition changed. A form's or a route's method made GET
    (`_made_get`) is read only on the lines of `methods` (those a rule that reads it names),
    and not where the old line stays. `read`: the hunks of the diff already read (`_Read`),
    shared by the calls of one diff."""
    read = _Read(diff) if read is None else read
    lines = read.hunk(hunk)
    focus = list(focus)
    swapped = _swapped(hunk) if anywhere or focus else None
    found: list[Change] = [swapped] if swapped is not None else []
    asked = [item for item in hunk.lines if item.side == "old"] if anywhere else []
    asked += [item for item in focus if item not in asked]
    for item in asked:
        if not lines.readable(item):
            continue
        change = _condition_changed(lines, item)
        if change is not None:
            found.append(change)
        outcome = _outcome_changed(lines, item)
        if outcome is not None and outcome not in found:
            found.append(outcome)
    # A form's or a route's method made GET, on a line naming a form or a route.
    for item in methods:
        made = _made_get(lines, item, diff.files[item.file].path)
        if made is not None and made not in found and not diff.has_line(
                item.file, "new", made.lines[1].text):
            found.append(made)
    # A template's or a component's added guard only hides what it shows: the server refuses.
    shows = bool(hunk.lines) and MARKUP.search(diff.files[hunk.lines[0].file].path) is not None
    focused = set(focus)
    guarding = [*focus, *(i for i in hunk.lines if i not in focused)] if anywhere else focus
    for item in guarding:
        if not lines.readable(item) or (shows and item.side == "new"):
            continue
        plain = _guard(lines, item)
        guard = plain or _wrapped_guard(lines, item)
        if guard is None or _moved(read, guard):
            continue
        # a response that refuses, written before a bare exit (`_responds_refusal`), refuses:
        # `_guard`'s only guard of three lines (a wrapped condition's is its lines and exit)
        refuses = _refuses(lines.stream(guard[-1])) or (guard is plain and len(guard) == 3)
        if not lines.defines(item) or (refuses and not _moved_with_definition(diff, guard)):
            found.append(Change(kind="guard-removed" if item.side == "old" else "guard-added",
                                lines=guard, refuses=refuses))
    return found


class _Read:
    """The hunks of one diff read for guards (`_Hunk`), each once, and the changed lines of a
    file's side by their text: a guard asked whether it moved (`_moved`) reads the other side's
    copies of its condition without reading their hunk again (a file of many small runs
    repeating one condition asked it of each)."""

    def __init__(self, diff: Diff) -> None:
        self.diff = diff
        self._file: int | None = None
        self._hunks: dict[int, _Hunk] = {}
        self._texts: dict[tuple[int, str], dict[str, list[tuple[Hunk, ChangedLine]]]] = {}
        self._guarded: dict[tuple[int, str, str], bool] = {}

    def _keep(self, file: int) -> None:
        """Keep what was read of one file only: a guard's copies are looked for in its own file,
        and what the other files' hunks held (read for every hunk with a hit of a large diff) is
        let go, not carried to the end of the diff."""
        if file != self._file:
            self._file = file
            self._hunks.clear()
            self._texts.clear()
            self._guarded.clear()

    def hunk(self, hunk: Hunk) -> _Hunk:
        if hunk.lines:
            self._keep(hunk.lines[0].file)
        found = self._hunks.get(id(hunk))
        if found is None or found.hunk is not hunk:
            found = self._hunks[id(hunk)] = _Hunk(hunk)
        return found

    def copies(self, file: int, side: str, text: str) -> list[tuple[Hunk, ChangedLine]]:
        """The changed lines of one side of a file whose text is this one's (white space at
        either end aside), each with its hunk."""
        self._keep(file)
        key = (file, side)
        texts = self._texts.get(key)
        if texts is None:
            texts = self._texts[key] = {}
            for hunk in self.diff.hunks(file):
                for item in hunk.lines:
                    if item.side == side:
                        texts.setdefault(item.text.strip(), []).append((hunk, item))
        return texts.get(text.strip(), [])

    def guarded(self, file: int, side: str, text: str) -> bool:
        """Whether a changed line of one side of a file holding this text is a guard's (or is
        in a run too large to read line by line): asked once a text."""
        self._keep(file)
        key = (file, side, text.strip())
        found = self._guarded.get(key)
        if found is None:
            found = self._guarded[key] = any(
                not there.readable(item) or _guard(there, item) is not None
                or _wrapped_guard(there, item) is not None
                for there, item in ((self.hunk(hunk), item)
                                    for hunk, item in self.copies(file, side, text)))
        return found


def _moved(read: _Read, guard: tuple[ChangedLine, ...]) -> bool:
    """Whether a guard taken out or put in is the same guard moved: its condition (the longest
    of its lines) is on the other side of the file's change, and there it is a guard too, its
    exit with it. A condition kept whose exit gave way to something else (`return
    hcerr.Externalize(...)` become `log.Error(...)` under the same `if tok.DeploymentId !=
    req.DeploymentId`) now refuses nothing: the guard is taken out, though its condition
    moved. A copy in a run too large to read line by line (a rewrite) is taken as moved."""
    condition, other = _condition_of(guard)
    return (read.diff.has_line(condition.file, other, condition.text)
            and read.guarded(condition.file, other, condition.text))


def _condition_of(guard: tuple[ChangedLine, ...]) -> tuple[ChangedLine, Literal["new", "old"]]:
    """A guard's condition (the longest of its lines but the exit) and the side a copy of it
    would stand on had the guard moved."""
    condition = max(guard[:-1] or guard, key=lambda line: len(line.text.strip()))
    return condition, "new" if condition.side == "old" else "old"


def _moved_with_definition(diff: Diff, guard: tuple[ChangedLine, ...]) -> bool:
    """Whether a guard that comes or goes with its definition has its condition on the other
    side of another file's change: the function moved to another module, its check with it."""
    condition, other = _condition_of(guard)
    return diff.has_line_elsewhere(condition.file, other, condition.text)


def guard_hits(
    diff: Diff, hits: Iterable[Hit], hunks: Mapping[tuple[int, int], Hunk]
) -> Iterator[tuple[str, GuardKind, ChangedLine, str]]:
    """(area, kind, line to show, what the change is where the line does not say it:
    `Change.note`) for each change of control flow that a guard rule's hit is
    part of: the line it matched is one of the change's lines, or it matched the hunk's header
    (the change is made inside a definition named for the subject: a condition changed in `def
    authorized?`, an early `return True` taken out of `func CheckAllowlist`, a `throw` put in
    `assertOwnerMayInvite`; the guard's own lines need name nothing, as a check's seldom say
    what they protect). A header hit reads the kinds its rule names: one a file's name makes
    (`_named_by_file`) reads only a changed condition. `hunks`: the hunk of each hit, by (file,
    hunk number)."""
    by_hunk: dict[tuple[int, int], dict[ChangedLine, list[tuple[str, Sequence[str]]]]] = {}
    read = _Read(diff)
    for area, kinds, item in hits:
        by_hunk.setdefault((item.file, item.hunk), {}).setdefault(item, []).append((area, kinds))
    for (file, number), by_line in by_hunk.items():
        headers = [pair for item, pairs in by_line.items() if item.side == "header"
                   for pair in pairs]
        focus = [item for item in by_line if item.side != "header"]
        methods = [item for item in focus
                   if any(METHOD_TO_GET in kinds for _, kinds in by_line[item])]
        shown: set[tuple[str, str, ChangedLine]] = set()
        for change in changes(hunks[file, number], focus, diff, anywhere=bool(headers),
                              methods=methods, read=read):
            pairs = [pair for item in change.lines for pair in by_line.get(item, ())]
            pairs += headers
            for area, kinds in pairs:
                key = (area, change.kind, change.shown)
                read_as = change.kind in kinds or (
                    change.refuses and _REFUSALS.get(change.kind) in kinds)
                if read_as and key not in shown:
                    shown.add(key)
                    yield area, change.kind, change.shown, change.note
