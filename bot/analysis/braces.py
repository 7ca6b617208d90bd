"""Braces put around a one-statement body, or taken off it: a formatter's change, not a program's.

ESLint's `curly`, ktlint's `when`-branch and multi-line-if rules, PHP-CS-Fixer, Checkstyle's
NeedBraces and C#'s IDE0011 all rewrite `if (!user.isAdmin) throw new Forbidden();` as the same
test over a braced block, and `is Admin -> id` as `is Admin -> {` / `id` / `}`. Compared token by
token the two differ by a pair of braces, so a linter's run over an authorisation file read as a
change to its checks (a ktlint upgrade over Suwayomi's `UserType.kt` did).

A body is taken out of its braces only where the braces hold one line that is one whole
statement: `if (a) {` / `x()` / `y()` / `}` guards both calls, and unbraced it would guard only
the first, so it stays as it is and the comparison sees the difference. The braces must open
where a body without braces may stand: after a condition's closing parenthesis (`if (...)`,
`for (...)`, `while (...)`), after `else`, or after a `when` branch's arrow (`->`), on a line that
opens no other brace (a lambda's `{ x -> {` returns a lambda, another value). JavaScript's arrow
(`=>`) is not one of them: `x => { y }` returns nothing where `x => y` returns `y`; Rust's is (a
`match` arm's, `Some(u) => Ok(u),` braced by rustfmt's `match_arm_blocks`).
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.analysis.lazyre import compile_lazily

__all__ = ["unbraced"]

#: a line that opens a braced body where an unbraced one may stand: its text before the brace
#: ends with a condition's closing parenthesis, `else`, or a `when` branch's arrow; in Rust
#: (`_OPENS_ARM`) also a `match` arm's `=>`, which nothing else there is written with but a
#: macro's rules
_OPENS_BODY = compile_lazily(r"^(\s*)(.*?(?:\)|\belse|->))\s*\{\s*$")
_OPENS_ARM = compile_lazily(r"^(\s*)(.*?(?:\)|\belse|=>))\s*\{\s*$")
#: a line that closes a body: the brace alone, or before the chain's `else` (`} else {`,
#: `} else if (x) {`)
_CLOSES_BODY = compile_lazily(r"^\s*\}\s*((?:else\b.*)?)$")
#: how a line ends that goes on on the next one, or opens a block of its own: not one whole
#: statement
_GOES_ON = compile_lazily(r"(?:[{(\[,:=+\-*/%&|^<>?.\\]|->|=>)\s*$")


def _one_statement(line: str) -> bool:
    """Whether a line is one whole statement: not blank, not a comment, not a brace, and not
    ending where the statement goes on (`_GOES_ON`)."""
    body = line.strip()
    return bool(body) and not body.startswith(("}", "{", "//", "/*", "*", "#")) and (
        _GOES_ON.search(body) is None
    )


def unbraced(lines: Sequence[str], *, rust: bool = False) -> list[str] | None:
    """`lines` with each braced one-statement body (module docstring) written without its
    braces, on its opening line (`if (a) {` / `x();` / `}` -> `if (a) x();`; `} else {` loses
    its brace to the body before it and opens the next); None where there is none. In Rust
    (`rust`) a `match` arm's body too (`Some(u) => {` / `Ok(u)` / `}` -> `Some(u) => Ok(u)`),
    and not a `when` branch's, which Rust has not."""
    opening = _OPENS_ARM if rust else _OPENS_BODY
    out: list[str] = []
    found = False
    pending: str | None = None  # a line that opens a body, its brace taken off
    at = 0
    while at < len(lines):
        line = pending if pending is not None else lines[at]
        pending = None
        # most lines end with no brace: the pattern's lazy head is asked only of those that do
        opens = opening.match(line) if line.rstrip().endswith("{") else None
        if opens and "{" not in opens.group(2) and at + 2 < len(lines) and _one_statement(
            lines[at + 1]
        ):
            closes = _CLOSES_BODY.match(lines[at + 2])
            if closes is not None:
                found = True
                out.append(f"{opens.group(1)}{opens.group(2)} {lines[at + 1].strip()}")
                rest = closes.group(1)
                if rest:
                    # `} else {`: the chain goes on; its line is read again as an opening
                    pending = f"{opens.group(1)}{rest}"
                    at += 2
                else:
                    at += 3
                continue
        out.append(line)
        at += 1
    return out if found else None
