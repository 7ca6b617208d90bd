"""Test-only code inside a source file: a Rust item under `#[cfg(test)]`, or a test function.

Rust keeps a file's unit tests beside the code they test, in a module the compiler builds only
for `cargo test`: "the convention is to create a module named `tests` in each file to contain
the test functions and to annotate the module with `cfg(test)`" (The Rust Programming
Language, 11.3). Nothing in such an item ships, as nothing in a test file does; the policy's
`exclude` reads paths and cannot see it, so a test of a signer (`Signer::new(...)`, a throwaway
private key) read as a change of signing. A test function is built for `cargo test` alone too,
wherever it stands: `#[test]` "indicates that the function is a test function, to only be
compiled in test mode" (The Rust Reference, testing attributes), and the test macros of the
async runtimes and test crates (`#[tokio::test]`, `#[sqlx::test]`, `#[rstest]`,
`#[test_case(..)]`) expand to such a function. A hunk inside a tests module whose `#[cfg(test)]`
line it does not show still shows the attribute of each test it adds. A test function is set
aside only where its file's change touches nothing but tests (`FUNCTION`): beside a change of
the code it tests, what the test asserts (a certificate chain verified, a lock taken) says what
that change is about, as a test file cannot, standing apart.

Only what a hunk shows is read: the attribute, the item's line after it, and the lines to where
the item's braces close (or its `;`). A hunk that starts inside the tests module without showing
its `#[cfg(test)]` line is known by git's header: the section is the last line above the hunk at
the left margin, so a section `mod tests {` (or `mod test {`) says the hunk starts inside that
module, and its lines are the module's down to the first one back at the margin (the module's
closing brace, or the next item). Known by the convention's name and not by its attribute (a
module so named that the build keeps is rare, not impossible), they are set aside as a test
function is: where the file's change touches nothing but tests. An attribute naming test among
other conditions (`#[cfg(any(test, feature = "mocks"))]`) builds the item outside tests too, and
is not read as test-only.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.analysis.lazyre import compile_lazily

__all__ = ["FUNCTION", "MARKERS", "MODULE", "in_tests_module", "reads", "test_flags", "test_kinds",
           "tests_module"]

#: what `test_kinds` says of a line: in an item under `#[cfg(test)]`, in a test function
MODULE, FUNCTION = 1, 2

#: what a hunk must hold one of to open a test-only item (a hunk without any is read no further)
MARKERS = ("cfg(test)", "test]", "test(", "#[test_case(")
#: the attribute that builds the item after it only for tests: `cfg(test)`, or one that makes
#: a test function (`test`, a crate's `test` macro with or without arguments, `rstest`,
#: `test_case(..)`)
_TEST_ONLY = compile_lazily(
    r"\s*#\[(?:(cfg\(\s*test\s*\))|test|(?:\w+::)+test(?:\(.*\))?|rstest(?:\(.*\))?|"
    r"test_case\(.*\))\]\s*(?://.*)?"
)
#: what a brace inside is not code: a raw string (`r#"{"#`), a string, a character literal, a
#: block comment closed on its line, a line comment
_NOT_CODE = compile_lazily(
    r"r(#*)\".*?\"\1|\"(?:\\.|[^\"\\])*\"|'(?:\\.|[^'\\])'|/\*.*?\*/|//.*"
)
#: what closes the block a line is in (`}`, `),`, `];`): where an item under `#[cfg(test)]`
#: ends, or where the attribute stood last in its block
_CLOSING = compile_lazily(r"\s*[})\]]")


#: a hunk header's section that is Rust's tests module by the convention's name
_TESTS_MODULE = compile_lazily(r"(?:pub(?:\(\w+\))?\s+)?mod\s+tests?\s*\{\s*")


def tests_module(section: str) -> bool:
    """Whether a hunk header's section is the tests module's opening line (module docstring)."""
    return _TESTS_MODULE.fullmatch(section) is not None


def in_tests_module(lines: Sequence[str]) -> int:
    """How many of the first lines of a hunk's side whose header's section is the tests module
    (`tests_module`) are inside it: all of them down to the first back at the left margin."""
    for at, line in enumerate(lines):
        if line[:1] not in ("", " ", "\t"):
            return at
    return len(lines)


def reads(path: str) -> bool:
    """Whether a file is of a language whose test-only items are read (Rust)."""
    return path.endswith(".rs")


def _depth(line: str) -> int:
    """How many more braces a line opens than it closes, its strings and comments aside."""
    code = _NOT_CODE.sub("", line)
    return code.count("{") - code.count("}")


def test_flags(lines: Sequence[str]) -> list[bool]:
    """Which of these consecutive lines of one side of a file `reads` accepts are test-only
    code, of either kind (`test_kinds`)."""
    return [kind != 0 for kind in test_kinds(lines)]


def test_kinds(lines: Sequence[str]) -> list[int]:
    """Of each of these consecutive lines of one side of a file `reads` accepts, whether it is
    test-only code: `MODULE` from a `#[cfg(test)]` line to the end of the item it marks,
    `FUNCTION` from a test function's attribute to the end of the function, else 0."""
    depth = 0
    kind = 0  # after the attribute, until the item's body opens or its `;`
    item = False
    margin = 0  # the attribute's indentation: the item's body is indented deeper
    begun = False  # whether the item's first line (after its attributes) was read
    commented = False  # inside a block comment opened on an earlier line
    flags: list[int] = []
    for line in lines:
        if commented or "/*" in line:
            # an attribute inside a block comment marks nothing (`/*`, `#[test]`, `*/`)
            code = _NOT_CODE.sub("", line)
            opened = code.rfind("/*")
            commented = (commented and "*/" not in line) or (
                opened >= 0 and "*/" not in code[opened:]
            )
            if commented and depth == 0 and not item:
                flags.append(0)
                continue
        if depth > 0:
            if line.strip() and _indent(line) <= margin and not _CLOSING.match(line):
                # back at the attribute's margin without the body's close: the braces were
                # miscounted (a string or a comment over several lines), and the code from
                # here is not known to be the item's
                depth, item = 0, False
            else:
                flags.append(kind)
                depth = max(depth + _depth(line), 0)
                continue
        found = _TEST_ONLY.fullmatch(line)
        if found:
            # a test function inside a `#[cfg(test)]` item is of that item
            kind = MODULE if found[1] is not None or (item and kind == MODULE) else FUNCTION
            item, margin, begun = True, _indent(line), False
            flags.append(kind)
            continue
        if item and not begun and _CLOSING.match(line):
            item = False  # the attribute stood last in its block: it marks nothing here
        flags.append(kind if item else 0)
        if item:
            depth = _depth(line)
            code = _NOT_CODE.sub("", line).rstrip()
            # an item ends with its body, its `;`, or, as a field, a variant, a match arm or a
            # parameter (on the first line after its attributes), its `,`
            ends = (";", ",") if not begun else (";",)
            item = depth <= 0 and "{" not in code and not code.endswith(ends)
            begun = begun or not code.lstrip().startswith("#[")
            depth = max(depth, 0)
    return flags


def _indent(line: str) -> int:
    """How far a line is indented (a tab counts as one)."""
    return len(line) - len(line.lstrip())
