"""Test-only code inside a source file: a Rust item under `#[cfg(test)]`.

Rust keeps a file's unit tests beside the code they test, in a module the compiler builds only
for `cargo test`: "the convention is to create a module named `tests` in each file to contain
the test functions and to annotate the module with `cfg(test)`" (The Rust Programming
Language, 11.3). Nothing in such an item ships, as nothing in a test file does; the policy's
`exclude` reads paths and cannot see it, so a test of a signer (`Signer::new(...)`, a throwaway
private key) read as a change of signing.

Only what a hunk shows is read: the attribute, the item's line after it, and the lines to where
the item's braces close (or its `;`). A hunk that starts inside such a module is not known to:
git's header (`mod tests {`, the last line above the hunk at the left margin) names the module
but not how deep in it the hunk starts, so where the module closes is not known either. An
attribute naming test among other conditions (`#[cfg(any(test, feature = "mocks"))]`) builds
the item outside tests too, and is not read as test-only.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.analysis.lazyre import compile_lazily

__all__ = ["MARKER", "reads", "test_flags"]

#: what a hunk must hold to open a test-only item (a hunk without it is read no further)
MARKER = "cfg(test)"
#: the attribute that builds the item after it only for tests
_CFG_TEST = compile_lazily(r"\s*#\[cfg\(\s*test\s*\)\]\s*(?://.*)?")
#: what a brace inside is not code: a string, a character literal, a line comment
_NOT_CODE = compile_lazily(r"\"(?:\\.|[^\"\\])*\"|'(?:\\.|[^'\\])'|//.*")


def reads(path: str) -> bool:
    """Whether a file is of a language whose test-only items are read (Rust)."""
    return path.endswith(".rs")


def _depth(line: str) -> int:
    """How many more braces a line opens than it closes, its strings and comments aside."""
    code = _NOT_CODE.sub("", line)
    return code.count("{") - code.count("}")


def test_flags(lines: Sequence[str]) -> list[bool]:
    """Which of these consecutive lines of one side of a file `reads` accepts are test-only
    code: from a `#[cfg(test)]` line to the end of the item it marks."""
    depth = 0
    item = False  # after `#[cfg(test)]`, until the item's body opens or its `;`
    flags: list[bool] = []
    for line in lines:
        if depth > 0:
            flags.append(True)
            depth = max(depth + _depth(line), 0)
            continue
        if _CFG_TEST.fullmatch(line):
            item = True
            flags.append(True)
            continue
        flags.append(item)
        if item:
            depth = _depth(line)
            code = _NOT_CODE.sub("", line).rstrip()
            item = depth <= 0 and "{" not in code and not code.endswith(";")
            depth = max(depth, 0)
    return flags
