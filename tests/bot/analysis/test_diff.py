"""bot.analysis.diff: unified diffs (git's, GNU diff's, GitHub's per-file patches) into files and lines."""

from __future__ import annotations

import re
from typing import Literal

import pytest
import re2
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.analysis import diff as diff_module
from bot.analysis.decide import decide
from bot.analysis.diff import (
    ChangedLine,
    GitHubFile,
    is_substantive,
    parse_diff,
    parse_github_files,
)
from bot.analysis.errors import DiffError
from policies.errors import ModelTierError
from policies.schema import Policy
from tests.bot._diffs import edit


def git_file(path: str, hunks: str, *, header: str = "index 1111111..2222222 100644\n") -> str:
    return f"diff --git a/{path} b/{path}\n{header}--- a/{path}\n+++ b/{path}\n{hunks}"


ADDED = """\
diff --git a/app/new.py b/app/new.py
new file mode 100644
index 0000000..e69de29
--- /dev/null
+++ b/app/new.py
@@ -0,0 +1,2 @@
+import os
+x = 1
"""

DELETED = """\
diff --git a/app/old.py b/app/old.py
deleted file mode 100644
index e69de29..0000000
--- a/app/old.py
+++ /dev/null
@@ -1,3 +0,0 @@
-import os
-x = 1
-y = 2
"""

RENAMED = """\
diff --git a/app/auth/views.py b/app/accounts/views.py
similarity index 90%
rename from app/auth/views.py
rename to app/accounts/views.py
index 1111111..2222222 100644
--- a/app/auth/views.py
+++ b/app/accounts/views.py
@@ -1,3 +1,4 @@
 import os
-x = 1
+x = 2
+z = 3
 y = 3
"""

PURE_RENAME = """\
diff --git a/a.py b/b.py
similarity index 100%
rename from a.py
rename to b.py
"""

COPIED = """\
diff --git a/lib/a.py b/lib/c.py
similarity index 100%
copy from lib/a.py
copy to lib/c.py
"""

MODE_ONLY = """\
diff --git a/run.sh b/run.sh
old mode 100644
new mode 100755
"""

BINARY = """\
diff --git a/logo.png b/logo.png
index 1111111..2222222 100644
Binary files a/logo.png and b/logo.png differ
"""

GIT_BINARY_PATCH = """\
diff --git a/data.bin b/data.bin
new file mode 100644
index 0000000000000000000000000000000000000000..1111111111111111111111111111111111111111
GIT binary patch
literal 5
McmZQzU|?Zj0000D00RI3

literal 0
HcmV?d00001

"""

NO_NEWLINE = """\
diff --git a/a.py b/a.py
index 1111111..2222222 100644
--- a/a.py
+++ b/a.py
@@ -1 +1 @@
-x = 1
\\ No newline at end of file
+x = 2
\\ No newline at end of file
"""

PLAIN_DIFF_U = """\
--- app/auth.py\t2024-01-01 00:00:00.000000000 +0000
+++ app/auth.py\t2024-01-02 00:00:00.000000000 +0000
@@ -1,2 +1,3 @@
 import os
+import jwt
 x = 1
--- app/b.py\t2024-01-01 00:00:00.000000000 +0000
+++ app/b.py\t2024-01-02 00:00:00.000000000 +0000
@@ -1 +1 @@
-a
+b
"""

SEVERAL = (
    git_file("x.py", "@@ -1 +1 @@ def g():\n-a\n+b\n")
    + BINARY
    + git_file("y.py", "@@ -3,2 +3,3 @@\n c\n-d\n+e\n+f\n")
)


# (path, old_path, status, binary, mode_only, additions, deletions, inspected)
Row = tuple[str, str | None, str, bool, bool, int, int, bool]


def rows(text: str | bytes) -> list[Row]:
    return [
        (f.path, f.old_path, f.status, f.binary, f.mode_only, f.additions, f.deletions, f.inspected)
        for f in parse_diff(text).files
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (ADDED, [("app/new.py", None, "added", False, False, 2, 0, True)]),
        (DELETED, [("app/old.py", None, "removed", False, False, 0, 3, True)]),
        (
            RENAMED,
            [("app/accounts/views.py", "app/auth/views.py", "renamed", False, False, 2, 1, True)],
        ),
        (PURE_RENAME, [("b.py", "a.py", "renamed", False, False, 0, 0, True)]),
        (COPIED, [("lib/c.py", "lib/a.py", "copied", False, False, 0, 0, True)]),
        (MODE_ONLY, [("run.sh", None, "modified", False, True, 0, 0, True)]),
        (BINARY, [("logo.png", None, "modified", True, False, 0, 0, True)]),
        (GIT_BINARY_PATCH, [("data.bin", None, "added", True, False, 0, 0, True)]),
        (NO_NEWLINE, [("a.py", None, "modified", False, False, 1, 1, True)]),
        (
            NO_NEWLINE.replace("\n", "\r\n"),
            [("a.py", None, "modified", False, False, 1, 1, True)],
        ),
        (
            PLAIN_DIFF_U,
            [
                ("app/auth.py", None, "modified", False, False, 1, 0, True),
                ("app/b.py", None, "modified", False, False, 1, 1, True),
            ],
        ),
        (
            SEVERAL,
            [
                ("x.py", None, "modified", False, False, 1, 1, True),
                ("logo.png", None, "modified", True, False, 0, 0, True),
                ("y.py", None, "modified", False, False, 2, 1, True),
            ],
        ),
        ("", []),
        (b"", []),
        ("\n  \n\n", []),
    ],
    ids=[
        "added",
        "deleted",
        "renamed",
        "pure-rename",
        "copied",
        "mode-only",
        "binary-files-differ",
        "git-binary-patch",
        "no-newline-at-end",
        "crlf",
        "plain-diff-u",
        "several-files",
        "empty",
        "empty-bytes",
        "blank-lines",
    ],
)
def test_parse_diff_files(text: str, expected: list[Row]) -> None:
    assert rows(text) == expected


def test_non_utf8_bytes_are_replaced_not_rejected() -> None:
    raw = git_file("a.py", "@@ -1 +1 @@\n-x = '\xff'\n+x = 2\n").encode("latin-1")
    diff = parse_diff(raw)
    assert [(f.path, f.additions, f.deletions) for f in diff.files] == [("a.py", 1, 1)]
    old = [item for item, _ in diff.changed_lines(0) if item.side == "old"]
    assert old[0].text == "x = '\ufffd'\n"


@pytest.mark.parametrize(
    "char",
    ["\x0c", "\x0b", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\r"],
    ids=["form-feed", "vertical-tab", "file-separator", "group-separator", "record-separator",
         "next-line", "line-separator", "lone-cr"],
)
def test_only_newline_ends_a_line(char: str) -> None:
    # str.splitlines breaks at these; inside a diff line they are ordinary content
    diff = parse_diff(git_file("a.py", f"@@ -1 +1,2 @@\n-q\n+x{char}y\n+z\n"))
    assert [(f.additions, f.deletions) for f in diff.files] == [(2, 1)]
    assert [(i.side, i.line, i.text) for i, _ in diff.changed_lines(0)] == [
        ("old", 1, "q\n"),
        ("new", 1, f"x{char}y\n"),
        ("new", 2, "z\n"),
    ]
    assert [(i.side, i.line) for i, _ in diff.search(re2.compile("(?m)y"))] == [("new", 1)]


@pytest.mark.parametrize("text", [ADDED + DELETED, NO_NEWLINE + RENAMED, PLAIN_DIFF_U],
                         ids=["added-and-deleted", "no-newline-and-renamed", "plain-diff"])
def test_marked_lines_hold_every_changed_line_of_their_file(text: str) -> None:
    # read from the raw text: a question only a changed line can answer yes to is asked of them
    diff = parse_diff(text)
    marked = [set(diff.marked_lines(index)) for index in range(len(diff.files))]
    for index in range(len(diff.files)):
        changed = {(i.side, i.text.rstrip("\n")) for i, _ in diff.changed_lines(index)
                   if i.side != "header"}
        assert changed and changed <= marked[index]


def test_crlf_is_stripped_from_changed_lines() -> None:
    diff = parse_diff(NO_NEWLINE.replace("\n", "\r\n").encode())
    assert [item.text for item, _ in diff.changed_lines(0)] == ["x = 1\n", "x = 2\n"]


def test_no_newline_marker_is_not_a_changed_line() -> None:
    diff = parse_diff(NO_NEWLINE)
    assert [(i.side, i.line, i.text) for i, _ in diff.changed_lines(0)] == [
        ("old", 1, "x = 1\n"),
        ("new", 1, "x = 2\n"),
    ]


def test_a_diff_without_final_newline_is_read() -> None:
    assert rows(ADDED.rstrip("\n")) == [("app/new.py", None, "added", False, False, 2, 0, True)]


def test_not_inspected_paths_carry_their_reason() -> None:
    diff = parse_diff(SEVERAL, not_inspected={"y.py": "too large"})
    by_path = {f.path: f for f in diff.files}
    assert (by_path["y.py"].inspected, by_path["y.py"].note) == (False, "too large")
    assert (by_path["x.py"].inspected, by_path["x.py"].note) == (True, None)


def test_file_change_counts_its_changed_lines() -> None:
    assert parse_diff(RENAMED).files[0].changed_lines == 3


# --- errors --------------------------------------------------------------------------------------

NOT_A_DIFF = "no file changes found: the input is not a unified diff"
TRUNCATED = git_file("a.py", "@@ -1,3 +1,3 @@\n import os\n-x = 1\n")
TRUNCATED_MIDDLE = git_file("a.py", "@@ -1,3 +1,3 @@\n import os\n-x = 1\n") + git_file(
    "b.py", "@@ -1 +1 @@\n-a\n+b\n"
)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("hello world\nthis is not a diff\n", NOT_A_DIFF),
        (b"\x00\x01\x02binary junk\n", NOT_A_DIFF),
        (TRUNCATED, "malformed diff at line 7: Hunk is shorter than expected"),
        (TRUNCATED_MIDDLE, "malformed diff at line 8: "),
    ],
    ids=["plain-text", "binary-junk", "truncated-hunk-at-end", "truncated-hunk-before-next-file"],
)
def test_error_when_input_is_not_a_well_formed_diff(text: str | bytes, message: str) -> None:
    with pytest.raises(DiffError) as info:
        parse_diff(text)
    assert str(info.value).startswith(message)
    assert isinstance(info.value, ModelTierError)


AUTH_CHANGE = (
    "diff --git a/app/auth/x.py b/app/auth/x.py\n--- a/app/auth/x.py\n+++ b/app/auth/x.py\n"
    "@@ -1,1 +1,1 @@\n-a\n+def verify(): return True\n"
)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            AUTH_CHANGE.replace("\n", "\r"),
            "malformed diff at line 1: carriage return inside a header line",
        ),
        (
            # only the file's lines after the git header end in CR
            AUTH_CHANGE.replace("\n", "\r").replace("\r", "\n", 1),
            "malformed diff at line 2: carriage return inside a header line",
        ),
        (
            AUTH_CHANGE.replace("@@ -1,1 +1,1 @@", "@@ --1,1 +-1,1 @@"),
            "malformed diff at line 4: not a hunk header (@@ -start[,count] +start[,count] @@)",
        ),
        (
            AUTH_CHANGE.replace("@@ -1,1 +1,1 @@", "@@ -1,1 +1,1 @"),
            "malformed diff at line 4: not a hunk header",
        ),
    ],
    ids=["cr-only-line-endings", "cr-only-after-the-git-header", "negative-hunk-start",
         "unterminated-hunk-header"],
)
def test_error_when_a_diff_would_read_as_unchanged(text: str, message: str) -> None:
    # Before: each parsed as app/auth/x.py with no changed line at all, so routine.
    with pytest.raises(DiffError) as info:
        parse_diff(text)
    assert str(info.value).startswith(message)


def test_error_when_a_github_patch_has_a_malformed_hunk_header() -> None:
    files = [GitHubFile("app/auth/x.py", patch="@@ --1,1 +-1,1 @@\n-a\n+b", additions=1,
                        deletions=1)]
    with pytest.raises(DiffError, match=r"^malformed diff at line 4: not a hunk header"):
        parse_github_files(files)


def test_a_carriage_return_inside_a_changed_line_is_content() -> None:
    diff = parse_diff(AUTH_CHANGE.replace("+def verify(): return True", "+a\r+b\r-c"))
    assert (diff.files[0].path, diff.files[0].additions) == ("app/auth/x.py", 1)
    [(_, _), (added, _)] = diff.changed_lines(0)
    assert added.text == "a\r+b\r-c\n"  # a file with CR line endings, in one diff line


def test_error_when_truncated_hunk_names_the_next_files_header_line() -> None:
    lines = TRUNCATED_MIDDLE.splitlines()
    assert lines[7].startswith("diff --git a/b.py")  # line 8, where the hunk should have gone on
    with pytest.raises(DiffError, match=r"^malformed diff at line 8: .*diff --git a/b\.py"):
        parse_diff(TRUNCATED_MIDDLE)


# --- changed lines -------------------------------------------------------------------------------

HUNKS = git_file(
    "app/auth/views.py",
    "@@ -10,4 +10,4 @@ def login(request):\n"
    "     user = get(request)\n"
    "-    # old comment\n"
    "+    # new comment\n"
    "-    return render(user)\n"
    "+    return redirect(user)\n"
    "     pass\n"
    "@@ -40,2 +40,2 @@ class Session:\n"
    "-    # only a comment\n"
    "+    // only a comment\n"
    "     x = 1\n",
)


def test_changed_lines_sides_numbers_and_substance() -> None:
    changed = parse_diff(HUNKS).changed_lines(0)
    got = [(i.side, i.line, i.text.rstrip("\n"), flag) for i, flag in changed]
    assert got == [
        ("old", 11, "    # old comment", False),
        ("new", 11, "    # new comment", False),
        ("old", 12, "    return render(user)", True),
        ("new", 12, "    return redirect(user)", True),
        ("header", 10, "def login(request):", True),
        ("old", 40, "    # only a comment", False),
        ("new", 40, "    // only a comment", False),
        # the header of a hunk that only changes comments is not substantive either
        ("header", 40, "class Session:", False),
    ]


@pytest.mark.parametrize(
    ("section", "read"),
    [
        # git cut `(api.Charger, error) {` at 80 bytes: the cut word is not the code's
        ("func NewAmbiboxFromConfig(ctx context.Context, other map[string]any) (api.Charge",
         "func NewAmbiboxFromConfig(ctx context.Context, other map[string]any) (api."),
        # 79 bytes: nothing was cut
        ("func NewAmbiboxFromConfig(ctx context.Context, other map[string]any) (api.Charg",
         "func NewAmbiboxFromConfig(ctx context.Context, other map[string]any) (api.Charg"),
        # 80 bytes counted in UTF-8, not in characters
        ("def überweisung_prüfen(zahlung, konto, betrag, währung, empfänger): # Zahlun",
         "def überweisung_prüfen(zahlung, konto, betrag, währung, empfänger): #"),
        # only the cut part of a name: after its last underscore or at its last capital
        ("def can_user_change_subscription_plan_or_payment_method_of_our_organisation_acco",
         "def can_user_change_subscription_plan_or_payment_method_of_our_organisation_"),
        ("func (s *Server) handleCheckout(ctx context.Context, req *Request) getPaymentMet",
         "func (s *Server) handleCheckout(ctx context.Context, req *Request) getPayment"),
        # longer than git writes: another tool's, not cut
        ("func NewAmbiboxFromConfig(ctx context.Context, other map[string]any) (api.Charger, e",
         "func NewAmbiboxFromConfig(ctx context.Context, other map[string]any) (api.Charger, e"),
    ],
    ids=["cut-at-80-bytes", "79-bytes", "80-bytes-of-utf8", "snake-case-name-cut",
         "camel-case-name-cut", "81-bytes"],
)
def test_a_hunk_header_cut_by_git_loses_its_last_word(section: str, read: str) -> None:
    text = git_file("charger/ambibox.go", f"@@ -1,1 +1,1 @@ {section}\n-a\n+b\n")
    (header,) = [i for i, _ in parse_diff(text).changed_lines(0) if i.side == "header"]
    assert header.text == read


def test_a_cut_hunk_header_is_no_evidence(policy: Policy) -> None:
    text = git_file(
        "charger/ambibox.go",
        "@@ -110,1 +110,1 @@ func NewAmbiboxFromConfig(ctx context.Context, other map[string]any)"
        " (api.Charge\n-\treturn NewAmbibox(ctx, cc.URI, cc.ID)\n"
        "+\treturn NewAmbibox(ctx, cc.TcpSettings)\n",
    )
    assert decide(parse_diff(text), policy).risk == "routine"


def test_changed_lines_of_added_and_removed_files() -> None:
    assert [(i.side, i.line) for i, _ in parse_diff(ADDED).changed_lines(0)] == [
        ("new", 1),
        ("new", 2),
    ]
    assert [(i.side, i.line) for i, _ in parse_diff(DELETED).changed_lines(0)] == [
        ("old", 1),
        ("old", 2),
        ("old", 3),
    ]


def test_changed_lines_of_each_file_of_several() -> None:
    diff = parse_diff(SEVERAL)
    assert [(i.file, i.side, i.line) for i, _ in diff.changed_lines(0)] == [
        (0, "old", 1),
        (0, "new", 1),
        (0, "header", 1),
    ]
    assert diff.changed_lines(1) == []
    assert [(i.file, i.side, i.line, i.text) for i, _ in diff.changed_lines(2)] == [
        (2, "old", 4, "d\n"),
        (2, "new", 4, "e\n"),
        (2, "new", 5, "f\n"),
    ]


def test_changed_lines_of_a_plain_diff_u() -> None:
    diff = parse_diff(PLAIN_DIFF_U)
    assert [(i.side, i.line, i.text) for i, _ in diff.changed_lines(0)] == [
        ("new", 2, "import jwt\n")
    ]
    assert [(i.side, i.line, i.text) for i, _ in diff.changed_lines(1)] == [
        ("old", 1, "a\n"),
        ("new", 1, "b\n"),
    ]


@pytest.mark.parametrize(
    ("text", "substantive"),
    [
        ("x = 1", True),
        ("@login_required", True),
        ("    return user.is_admin", True),
        ("", False),
        ("   \t ", False),
        ("# a comment", False),
        ("    // a comment", False),
        ("/* block", False),
        (" * javadoc line", False),
        ("-- sql comment", False),
        ("<!-- html comment -->", False),
        ("; ini comment", False),
        ('"""docstring"""', False),
        ('#[has_permissions("admin")]', True),
        ("#include <openssl/hmac.h>", True),
        ("  #define ROUNDS 12", True),
        ("#!/usr/bin/env python", False),
        ("RUN pip install --require-hashes -r requirements.txt", True),
        ("    users who signed in before the change keep their session", False),
        ('            **user.dict(exclude={"id", "is_superuser"}),', True),
        ("        **kwargs", True),
        ("**Note**: the token expires", False),
        ("    @Deprecated", False),
        ('    @SuppressWarnings("java:S3077")', False),
        ('    [Obsolete("Use SignInAsync")]', False),
        ("#[allow(clippy::too_many_arguments)]", False),
        ("#pragma warning disable CS0618", False),
        ("    @Override public boolean isSigned(String jwt) {", True),
        ('    @Deprecated(forRemoval = true) @PreAuthorize("hasRole(ADMIN)")', True),
        ("    [Obsolete, Authorize]", True),
        ("#[derive(Debug)]", True),
    ],
    ids=[
        "code",
        "decorator",
        "indented-code",
        "empty",
        "whitespace",
        "hash-comment",
        "slash-comment",
        "block-comment-start",
        "block-comment-middle",
        "sql-comment",
        "html-comment",
        "ini-comment",
        "docstring",
        "rust-attribute",
        "c-include",
        "c-define",
        "shebang",
        "dockerfile-instruction-of-words",
        "sentence",
        "mapping-unpacked-into-a-call",
        "keyword-arguments-unpacked",
        "markdown-bold",
        "deprecation-annotation",
        "warning-suppressed",
        "obsolete-attribute",
        "lint-allowed",
        "warning-pragma",
        "annotation-before-code",
        "deprecation-beside-an-access-rule",
        "obsolete-beside-an-access-attribute",
        "rust-derive",
    ],
)
def test_is_substantive(text: str, substantive: bool) -> None:
    assert is_substantive(text) is substantive


_DEPRECATED_JAVADOC = [
    "    /**",
    "     * @deprecated a structural check only, to be removed in 1.0; parse the token instead.",
    "     */",
]


@pytest.mark.parametrize(
    ("added", "critical"),
    [
        ([*_DEPRECATED_JAVADOC, "    @Deprecated"], False),
        (['    @SuppressWarnings("java:S3077")'], False),
        ([*_DEPRECATED_JAVADOC, "    @Deprecated", "    @PreAuthorize(\"hasRole('ADMIN')\")"],
         True),
        ([*_DEPRECATED_JAVADOC, "    @Deprecated", "    boolean isSigned(String jwt, Key key);"],
         True),
    ],
    ids=["deprecated-with-javadoc", "warning-suppressed", "beside-an-access-rule",
         "beside-a-new-method"],
)
def test_a_method_only_deprecated_or_a_warning_only_silenced_changes_nothing(
    added: list[str], critical: bool, policy: Policy,
) -> None:
    """A javadoc and an annotation only compilers and linters read, added in a sensitive
    file inside a sensitive definition, change how the code is built and warned about, not
    what it does: neither the file's path nor the definition above the hunk is evidence."""
    diff = edit("src/main/java/io/acme/auth/JwtParser.java", added,
                section="public interface JwtParser extends Parser<Jwt> {")
    assert (str(decide(parse_diff(diff), policy).risk) == "critical") is critical


# --- search --------------------------------------------------------------------------------------

SEARCHED = (
    git_file(
        "app/login_required.py",  # the '+++' and 'diff --git' lines match too, and are dropped
        "@@ -5,4 +5,4 @@ def login_required(view):\n"
        " login_required = 1\n"  # context: dropped
        "-@login_required\n"
        "+@login_required()\n"
        " x = 2\n"
        " y = 3\n",
    )
    + git_file("app/other.py", "@@ -1 +1 @@\n-a\n+b\n")
    + git_file("app/third.py", "@@ -1 +1,2 @@\n x\n+# login_required, in a comment\n")
)


def test_search_finds_changed_lines_and_headers_and_drops_context() -> None:
    diff = parse_diff(SEARCHED)
    found = [
        (item.file, item.side, item.line, item.text.rstrip("\n"), flag)
        for item, flag in diff.search(re2.compile("(?m)login_required"))
    ]
    assert sorted(found) == sorted(
        [
            (0, "header", 5, "def login_required(view):", True),
            (0, "old", 6, "@login_required", True),
            (0, "new", 6, "@login_required()", True),
            (2, "new", 2, "# login_required, in a comment", False),
        ]
    )


def test_search_agrees_with_changed_lines_when_everything_matches() -> None:
    diff = parse_diff(SEVERAL + PLAIN_DIFF_U.replace("app/", "lib/") + HUNKS)
    everything = {
        (item.file, item.side, item.line, item.text, flag)
        for item, flag in diff.search(re2.compile("(?m)."))
    }
    expected = {
        (item.file, item.side, item.line, item.text, flag)
        for index in range(len(diff.files))
        for item, flag in diff.changed_lines(index)
    }
    assert everything == expected


@pytest.mark.parametrize(
    "parts",
    [
        ["login_required", "^-a$|^\\+b$"],
        ["login_required", "required"],  # the same lines twice: each once
        ["^ x$", "^\\+#"],  # a context line (no change) and the changed line after it
        ["\\s+x\\n\\+", "comment"],  # a match that runs on into the next line
    ],
    ids=["apart", "overlapping", "context-and-change", "across-lines"],
)
def test_search_with_several_prefilters_finds_the_lines_of_their_union(parts: list[str]) -> None:
    diff = parse_diff(SEARCHED)
    union = list(diff.search(re2.compile("(?m)" + "|".join(f"(?:{p})" for p in parts))))
    several = list(diff.search(*(re2.compile(f"(?m){p}") for p in parts)))
    assert several == union
    assert union


@pytest.mark.parametrize(
    "other",
    ["-a\n+b\n", "-" + "caf\u00e9 " * 20 + "\n+" + "\U0001f600" * 30 + "\n", "-\udc80\n+\udcff\n"],
    ids=["ascii", "multi-byte-before-the-hits", "undecodable-bytes-before-the-hits"],
)
def test_search_finds_the_same_lines_whatever_characters_come_before(other: str) -> None:
    # in UTF-8 a character before a hit may take several bytes (or an undecodable byte kept
    # as a lone surrogate, one): the lines found are counted in lines, not bytes
    text = SEARCHED.replace("-a\n+b\n", other) + git_file(
        "app/fourth.py", "@@ -1 +1 @@\n-\u00e9\n+login_required = \u00e9\n"
    )
    found = [
        (item.file, item.side, item.line)
        for item, _ in parse_diff(text).search(re2.compile("(?m)login_required"))
    ]
    assert sorted(found) == [
        (0, "header", 5), (0, "new", 6), (0, "old", 6), (2, "new", 2), (3, "new", 1)
    ]


def test_hit_lines_apart_gives_each_group_the_lines_hit_lines_gives_it() -> None:
    diff = parse_diff(SEARCHED)
    login, context = re2.compile("(?m)login_required"), re2.compile("(?m)^ x$")
    apart = diff.hit_lines_apart((login,), (context,), (login, context), ())
    assert apart == [
        diff.hit_lines(login), diff.hit_lines(context), diff.hit_lines(login, context), {}
    ]
    assert apart[0] != apart[1]


def test_search_with_no_hit_yields_nothing() -> None:
    assert list(parse_diff(SEARCHED).search(re2.compile("(?m)no_such_thing"))) == []


def test_search_skips_files_that_were_not_inspected() -> None:
    diff = parse_diff(SEARCHED, not_inspected={"app/login_required.py": "too large"})
    found = [(i.file, i.side) for i, _ in diff.search(re2.compile("(?m)login_required"))]
    assert found == [(2, "new")]


# --- GitHub's file list -------------------------------------------------------------------------

OMITTED = "GitHub did not include the patch (binary or too large)"


def test_parse_github_files_reads_patches_without_headers() -> None:
    diff = parse_github_files(
        [
            GitHubFile(
                "app/auth/views.py", "modified", 1, 1,
                "@@ -1,2 +1,2 @@ def login():\n-    return a\n+    return b\n     tail",
            ),
            GitHubFile("app/new file.py", "added", 1, 0, "@@ -0,0 +1 @@\n+hi"),
            GitHubFile("app/gone.py", "removed", 0, 2, "@@ -1,2 +0,0 @@\n-a\n-b"),
        ]
    )
    assert [(f.path, f.status, f.additions, f.deletions, f.inspected) for f in diff.files] == [
        ("app/auth/views.py", "modified", 1, 1, True),
        ("app/new file.py", "added", 1, 0, True),
        ("app/gone.py", "removed", 0, 2, True),
    ]
    assert diff.changed_lines(0) == [
        (ChangedLine(0, "old", 1, "    return a\n"), True),
        (ChangedLine(0, "new", 1, "    return b\n"), True),
        (ChangedLine(0, "header", 1, "def login():"), True),
    ]
    assert [(i.side, i.line, i.text) for i, _ in diff.changed_lines(1)] == [("new", 1, "hi\n")]
    assert [(i.side, i.line) for i, _ in diff.changed_lines(2)] == [("old", 1), ("old", 2)]


def test_parse_github_files_renamed_file_keeps_its_old_path() -> None:
    diff = parse_github_files(
        [
            GitHubFile(
                "app/accounts/new.py", "renamed", 1, 0, "@@ -1 +1,2 @@\n x\n+y",
                previous_filename="app/auth/old.py",
            ),
            GitHubFile("app/pure.py", "renamed", 0, 0, None, previous_filename="app/auth/pure.py"),
        ]
    )
    assert [(f.path, f.old_path, f.status, f.inspected) for f in diff.files] == [
        ("app/accounts/new.py", "app/auth/old.py", "renamed", True),
        ("app/pure.py", "app/auth/pure.py", "renamed", True),
    ]
    assert [(i.side, i.line, i.text) for i, _ in diff.changed_lines(0)] == [("new", 2, "y\n")]


@pytest.mark.parametrize(
    ("file", "additions", "deletions"),
    [
        (GitHubFile("app/payments/big.py", "modified", 4000, 100, None), 4000, 100),
        # GitHub lists a changed binary file with no patch and zero counts
        (GitHubFile("app/auth/keystore.jks", "modified", 0, 0, None), 0, 0),
    ],
    ids=["too-large", "binary"],
)
def test_parse_github_files_without_patch_is_not_inspected_and_keeps_sizes(
    file: GitHubFile, additions: int, deletions: int
) -> None:
    diff = parse_github_files([file])
    [change] = diff.files
    assert (change.path, change.inspected, change.note) == (file.filename, False, OMITTED)
    assert (change.additions, change.deletions, change.binary) == (additions, deletions, False)
    assert diff.changed_lines(0) == []


_LOGIN = (
    "diff --git a/app/auth/views.py b/app/auth/views.py\n"
    "--- a/app/auth/views.py\n+++ b/app/auth/views.py\n"
)
# the `if`'s body re-indented: every statement stays in its block
REINDENT = (
    _LOGIN + "@@ -1,3 +1,3 @@ def login(request):\n"
    "     if not user.check_password(p):\n"
    "-        return deny()\n"
    "+      return deny()\n"
    "     return ok()\n"
)
REORDER = (
    _LOGIN + "@@ -1,3 +1,3 @@ def login(request):\n"
    "-    if not user.check_password(p):\n"
    "-        return deny()\n"
    "+      return deny()\n"
    "+  if not user.check_password(p):\n"
    "     return ok()\n"
)
# the `if` moved out by two spaces, its body with it, and the unchanged `return ok()` below
# now indented past it: in Python that line is in another block (or no longer parses)
REINDENT_PAST_CONTEXT = (
    _LOGIN + "@@ -1,3 +1,3 @@ def login(request):\n"
    "-    if not user.check_password(p):\n"
    "-        return deny()\n"
    "+  if not user.check_password(p):\n"
    "+      return deny()\n"
    "     return ok()\n"
)

# a formatter re-wraps a parameter of a signature that opened above the hunk (its header)
REWRAPPED_INSIDE_A_SIGNATURE = (
    _LOGIN + "@@ -3,4 +3,5 @@ async def authorize(\n"
    "     scope: str = Depends(get_scope),\n"
    "-    code_challenge: tuple[str, str]\n"
    "-    | None = Depends(get_code_challenge),\n"
    "+    code_challenge: tuple[str, str] | None = Depends(\n"
    "+        get_code_challenge\n"
    "+    ),\n"
    "     nonce: str | None = Depends(get_nonce),\n"
)


@pytest.mark.parametrize(
    ("text", "substantive"),
    [(REINDENT, False), (REORDER, True), (REINDENT_PAST_CONTEXT, True),
     (REWRAPPED_INSIDE_A_SIGNATURE, False)],
    ids=["reindented-hunk-is-cosmetic", "reordered-lines-are-real",
         "python-re-indented-past-an-unchanged-line-is-real",
         "python-re-wrapped-inside-brackets-opened-above-is-cosmetic"],
)
def test_whitespace_only_hunks_are_not_substantive(text: str, substantive: bool) -> None:
    lines = parse_diff(text).changed_lines(0)
    assert {flag for _, flag in lines} == {substantive}


def _hunk(path: str, start: int, body: list[str]) -> str:
    old = sum(not line.startswith("+") for line in body)
    new = sum(not line.startswith("-") for line in body)
    return (
        f"diff --git a/{path} b/{path}\n--- a/{path}\n+++ b/{path}\n"
        f"@@ -{start},{old} +{start},{new} @@\n" + "".join(line + "\n" for line in body)
    )


def _cosmetic(path: str, body: list[str]) -> bool:
    """Whether none of a one-hunk diff's changed lines (nor its header) is substantive."""
    return not any(flag for _, flag in parse_diff(_hunk(path, 5, body)).changed_lines(0))


def _substantive(path: str, body: list[str]) -> bool:
    """Whether any of a one-hunk diff's changed lines, its header aside, is substantive."""
    lines = parse_diff(_hunk(path, 5, body)).changed_lines(0)
    return any(flag for item, flag in lines if item.side != "header")


GUARD_MOVED = {
    "python": _hunk("app/permissions.py", 230, [
        "     def has_permission(self, request, view):",
        "+        if not request.user or not request.user.is_authenticated:",
        "+            return False",
        "         if getattr(view, '_ignore_model_permissions', False):",
        "             return True",
        "-        if not request.user or not request.user.is_authenticated:",
        "-            return False",
        "         perms = self.get_required_permissions(request.method)",
    ]),
    "go": _hunk("internal/route/api.go", 40, [
        "+\tif !ctx.IsSigned {",
        "+\t\treturn ErrUnauthorized",
        "+\t}",
        " \tif repo.IsPublic {",
        " \t\treturn nil",
        " \t}",
        "-\tif !ctx.IsSigned {",
        "-\t\treturn ErrUnauthorized",
        "-\t}",
    ]),
    "js": _hunk("src/middleware.js", 12, [
        "-  if (req.path === '/health') return next();",
        "   const user = await loadUser(req);",
        "+  if (req.path === '/health') return next();",
        "   if (!user) throw new Unauthorized();",
    ]),
    "php-attribute-lifted-to-class": _hunk("src/Controller/ReportController.php", 24, [
        " #[Route(path: '/reporting/project_view')]",
        "+#[IsGranted('report:project')]",
        " final class ProjectViewController extends AbstractController",
        " {",
        "-    #[IsGranted('report:project')]",
        "     public function __invoke(Request $request): Response",
    ]),
    "csharp-attribute-moved": _hunk("Controllers/OrdersController.cs", 10, [
        "+    [Authorize(Roles = \"Admin\")]",
        "     public class OrdersController : Controller",
        "     {",
        "-        [Authorize(Roles = \"Admin\")]",
        "         public IActionResult Delete(int id)",
    ]),
    # a step of a request pipeline moved across another: what each step sees changes
    "rails-callback-moved": _hunk("app/controllers/posts_controller.rb", 1, [
        " class PostsController < ApplicationController",
        "-  before_action :authenticate_user!",
        "   before_action :set_post, only: %i[show edit update destroy]",
        "+  before_action :authenticate_user!",
    ]),
    "express-middleware-moved": _hunk("server/app.js", 10, [
        "-app.use(requireLogin);",
        " app.use('/public', publicRouter);",
        "+app.use(requireLogin);",
        " app.use('/api', apiRouter);",
    ]),
    "phoenix-plug-moved": _hunk("lib/shop_web/controllers/feed_controller.ex", 5, [
        "   plug :assign_podcasts",
        "+  plug :preload_current_user_extras",
        "   plug Authorize, [Policies.Feed, :feed]",
        "-  plug :preload_current_user_extras",
    ]),
    "aspnet-middleware-moved": _hunk("src/Web/Program.cs", 10, [
        "-app.UseRouting();",
        " app.UseAuthentication();",
        " app.UseAuthorization();",
        "+app.UseRouting();",
    ]),
    "django-middleware-moved": _hunk("shop/settings.py", 40, [
        "-    'django.contrib.auth.middleware.AuthenticationMiddleware',",
        "     'django.contrib.sessions.middleware.SessionMiddleware',",
        "+    'django.contrib.auth.middleware.AuthenticationMiddleware',",
    ]),
}


@pytest.mark.parametrize("text", GUARD_MOVED.values(), ids=GUARD_MOVED.keys())
def test_a_guard_moved_across_unchanged_lines_is_substantive(text: str) -> None:
    lines = parse_diff(text).changed_lines(0)
    assert all(flag for item, flag in lines if item.side != "header")


@pytest.mark.parametrize(
    ("name", "area"),
    [("rails-callback-moved", "auth"), ("express-middleware-moved", "auth"),
     ("django-middleware-moved", "auth"), ("aspnet-middleware-moved", "permissions")],
)
def test_a_step_moved_in_its_pipeline_is_its_area(policy: Policy, name: str, area: str) -> None:
    # the step's own words name its area; moved, it is no longer a mechanical reorder
    decision = decide(parse_diff(GUARD_MOVED[name]), policy)
    assert decision.risk == "critical" and [a.id for a in decision.areas] == [area]


@pytest.mark.parametrize(
    "body",
    [
        pytest.param([
            "-import { b } from './b';",
            " import { a } from './a';",
            "+import { b } from './b';",
        ], id="imports-reordered"),
        pytest.param([
            "-    x = compute(a)",
            " y = 2",
            "+    x = compute(a)",
        ], id="statement-without-exit-moved"),
        pytest.param([
            "-    @property",
            "+    @property",
            "     def name(self):",
        ], id="annotation-reindented-in-place"),
        pytest.param([
            "-    [1, 2],",
            " x = 2",
            "+    [1, 2],",
        ], id="list-literal-moved"),
        pytest.param([
            "-\tu := r.Users(ctx)",
            " \tx := 2",
            "+\tu := r.Users(ctx)",
        ], id="call-named-like-a-pipeline-step-moved"),
        pytest.param([
            "-  if (!user) return deny();",
            "+  if (!user)  return deny();",
            "   return ok();",
        ], id="exit-reformatted-in-place"),
    ],
)
def test_code_moved_or_reformatted_without_moving_an_exit_stays_cosmetic(body: list[str]) -> None:
    assert _cosmetic("src/app.ts", body)


#: a block re-indented where git kept a line of another depth as unchanged: the removed and
#: added `return` sit in runs of their own, as if the exit had moved across that line
RELAID = [
    "-if ($a) {",
    "+\tif ($a) {",
    " \t\tf();",
    "-    return;",
    " \treturn;",
    "+\t\treturn;",
]


def test_a_block_reindented_around_lines_git_kept_is_cosmetic() -> None:
    assert _cosmetic("app/Models/Auth.php", RELAID)


@pytest.mark.parametrize(
    ("path", "expected"),
    [("src/OAuth/AuthenticationHandler.cs", True), ("src/oauth/pkce.go", True),
     ("oauth/pkce.py", False), ("lib/oauth/pkce.ex", False)],
    ids=["csharp", "go", "python-true-division", "elixir-true-division"],
)
def test_an_exact_quotient_of_literals_is_that_literal_where_the_language_divides_so(
    path: str, expected: bool
) -> None:
    body = ["-    bytes = RandomNumberGenerator.GetBytes(32)",
            "+    bytes = RandomNumberGenerator.GetBytes(256 / 8)"]
    assert _cosmetic(path, body) is expected


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("app/models/auth.py", [line.replace("\t", "    ") for line in RELAID]),
        ("app/Models/Auth.php", [
            " if ($a) {",
            " \tf();",
            "-\treturn;",
            " }",
            "+return;",
        ]),
    ],
    ids=["python-indentation-is-syntax", "exit-moved-out-of-its-block"],
)
def test_code_reindented_where_indentation_or_order_means_something_is_substantive(
    path: str, body: list[str]
) -> None:
    assert _substantive(path, body)


def test_a_hunk_read_alone_is_the_hunk_the_whole_file_gives() -> None:
    text = (
        "diff --git a/app.py b/app.py\nindex 1111111..2222222 100644\n--- a/app.py\n+++ b/app.py\n"
        "@@ -1,2 +1,2 @@ def first():\n-a = 1\n+a = 2\n b = 1\n"
        "@@ -10,2 +10,3 @@ def second():\n c = 1\n-d = 1\n+d = 2\n+e = 3\n"
    )
    alone = parse_diff(text)
    found = alone.hunk_at(0, 12)  # the `+e = 3` line, in the second hunk
    assert found is not None
    hunk, lines = found
    whole = parse_diff(text).hunks(0)[1]
    assert (hunk.header, hunk.lines, hunk.starts) == (whole.header, whole.lines, whole.starts)
    assert lines[12] == whole.lines[-1] and lines[12].hunk == 1
    assert alone.hunk_at(0, 1) is None  # the file's header, in no hunk


def test_an_unchanged_line_is_in_its_hunk_whether_or_not_the_file_was_read() -> None:
    text = (
        "diff --git a/app.py b/app.py\nindex 1111111..2222222 100644\n--- a/app.py\n+++ b/app.py\n"
        "@@ -1,2 +1,2 @@\n-a = 1\n+a = 2\n b = 1\n"
        "@@ -10,2 +10,2 @@\n c = 1\n-d = 1\n+d = 2\n"
    )
    diff = parse_diff(text)
    # ` b = 1`, ` c = 1`; the file's header is in no hunk
    assert diff.hunk_numbers_at(0, [9, 7, 1]) == {7: 0, 9: 1}
    diff.hunks(0)
    assert diff.hunk_numbers_at(0, [9]) == {9: 1}


def test_a_line_is_found_on_its_side_of_a_file_whatever_its_indentation() -> None:
    text = (
        "diff --git a/app.py b/app.py\nindex 1111111..2222222 100644\n--- a/app.py\n+++ b/app.py\n"
        "@@ -1,2 +1,2 @@\n-if not ok:\n+    if not ok:\n b = 1\n"
    )
    diff = parse_diff(text)
    assert diff.has_line(0, "new", "if not ok:") and diff.has_line(0, "old", "  if not ok:  ")
    assert not diff.has_line(0, "new", "if not ok")
    assert not diff.has_line(0, "old", "b = 1")  # a context line is on neither side


def test_a_line_is_found_whole_in_its_own_file_and_nowhere_else() -> None:
    text = (
        "diff --git a/app.py b/app.py\nindex 1111111..2222222 100644\n--- a/app.py\n+++ b/app.py\n"
        "@@ -1,2 +1,3 @@\n-x = ok(ok)\n+\t ok(ok) \t\n+y = ok\n ok\n"
        "diff --git a/b.py b/b.py\nindex 1111111..2222222 100644\n--- a/b.py\n+++ b/b.py\n"
        "@@ -1 +1 @@\n-done\n+ done()\n"
    )
    diff = parse_diff(text)
    # found past its other places in a line (`ok` in `x = ok(ok)`, `y = ok`, a context line)
    assert diff.has_line(0, "new", "ok(ok)") and not diff.has_line(0, "old", "ok(ok)")
    assert not diff.has_line(0, "new", "ok") and not diff.has_line(0, "old", "ok")
    assert diff.has_line(0, "old", "x = ok(ok)") and not diff.has_line(0, "new", "x = ok(ok)")
    # the file's own part only, to its last line
    assert diff.has_line(1, "old", "done") and not diff.has_line(0, "old", "done")
    assert diff.has_line(1, "new", "done()") and not diff.has_line(1, "new", "done")
    # white space other than spaces and tabs around it is part of the line
    assert not parse_diff(text.replace("+y = ok", "+\x0bok(ok)")).has_line(0, "new", "y = ok")
    assert not parse_diff(text.replace("+\t ok(ok)", "+\x0cok(ok)")).has_line(0, "new", "ok(ok)")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["+", "-", " "]).flatmap(
    lambda marker: st.text(" \tab()\x0b", max_size=8).map(lambda text: marker + text)),
    min_size=1, max_size=6), st.text(" \tab()\x0b", max_size=5), st.sampled_from(["new", "old"]))
def test_a_line_is_found_where_its_pattern_matches(
    rows: list[str], text: str, side: Literal["new", "old"]
) -> None:
    """`has_line` answers as the search of its pattern (a marker, spaces and tabs, the text,
    spaces and tabs, a whole line) over the file's part of the diff."""
    old = sum(row[0] != "+" for row in rows)
    new = sum(row[0] != "-" for row in rows)
    diff = parse_diff(git_file("a.py", f"@@ -1,{old} +1,{new} @@\n" + "".join(
        row + "\n" for row in rows)))
    stripped = text.strip()
    marker = "+" if side == "new" else "-"
    pattern = re.compile(rf"^{re.escape(marker)}[ \t]*{re.escape(stripped)}[ \t]*$", re.M)
    expected = bool(stripped) and pattern.search(diff.text) is not None
    assert diff.has_line(0, side, text) == expected


@pytest.mark.parametrize(
    ("header", "shown"),
    [("// Code generated by protoc-gen-go. DO NOT EDIT.", True),
     ("# CODE GENERATED BY SQLC; do not edit", True),
     ("/* @Generated */", True),
     ("// <auto-generated />", True),
     ("<!-- Do Not Edit Manually -->", True),
     ("# This file is auto-generated by the build", True),
     ("// generated by hand, then edited", False),
     ("// edit this file manually", False),
     ("x = 1", False)],
    ids=["go", "upper-case", "java-annotation", "csharp", "mixed-case-manually", "sentence",
         "generated-word-only", "manually-word-only", "code"],
)
def test_a_generated_code_header_is_found_whatever_its_case(header: str, shown: bool) -> None:
    diff = parse_diff(f"--- a/x.go\n+++ b/x.go\n@@ -1,0 +1,2 @@\n+{header}\n+package x\n")
    assert diff.shows_generated_header(0) is shown


def test_every_generated_header_holds_a_word_looked_for_first() -> None:
    """`shows_generated_header` runs the pattern only where a word of `_GENERATED_WORDS` is:
    each alternative of the pattern must hold one."""
    pattern, depth, alternatives, current = diff_module._GENERATED.pattern, 0, [], ""
    for char in pattern:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "|" and depth == 0:
            alternatives.append(current)
            current = ""
        else:
            current += char
    alternatives.append(current)
    assert len(alternatives) == 7
    for alternative in alternatives:
        assert any(word in alternative.lower() for word in diff_module._GENERATED_WORDS), (
            alternative)


def test_holds_reads_only_the_files_own_part_of_the_diff() -> None:
    diff = parse_diff(edit("a.py", ["x = 1"]) + edit("b.java", ["@Schema(name = \"id\")"]))
    assert not diff.holds(0, ("@Schema", "wagger"))
    assert diff.holds(1, ("@Schema", "wagger"))


@pytest.mark.parametrize(
    ("line", "words", "held"),
    [
        ('#[OA\\Get(path: "/users")]', ("OA\\", "Filter<"), True),
        ("$auth = new OAuth($client);", ("OA\\", "Filter<"), False),
        ("services.AddScoped<IFilter<User>>();", ("OA\\", "Filter<"), True),
        ("name = 'Zoë' # @Tag", ("@Tag",), True),
        ("name = 'Zoë' # @Ta g", ("@Tag",), False),
    ],
    ids=["backslash", "no-backslash", "angle-bracket", "after-non-ascii", "split-word"],
)
def test_holds_finds_words_literally(line: str, words: tuple[str, ...], held: bool) -> None:
    """The words are text, not patterns: a backslash or a bracket in one is that character."""
    assert parse_diff(edit("a.php", [line])).holds(0, words) is held


def test_is_substantive_keeps_short_lines_answers_and_not_long_lines() -> None:
    """Short lines repeat and their answers are kept; a long line (a minified bundle's) is
    answered the same way but not held in memory after the analysis that read it."""
    kept = diff_module._kept_substantive
    kept.cache_clear()
    assert is_substantive("    return total")
    assert not is_substantive("    # return total")
    assert kept.cache_info().currsize == 2
    long_code = "var a=" + "1+" * 50_000 + "1;"
    long_comment = "// " + "x" * 100_000
    assert is_substantive(long_code)
    assert not is_substantive(long_comment)
    assert kept.cache_info().currsize == 2


@pytest.mark.parametrize("raw", [
    b"diff --git a/x b/x\n+ok\n",
    b"diff --git a/x b/x\n+no final break",
    b"diff --git a/x b/x\r\n+crlf\r\n",
    b"diff --git a/x b/x\n+lone \r return\n",
    "diff --git a/x b/x\n+caf\u00e9\n".encode(),
    b"diff --git a/x b/x\n+not utf-8 \xff\n",
], ids=["ascii", "no-final-break", "crlf", "lone-cr", "utf-8", "invalid-utf-8"])
def test_search_text_is_the_normalised_diff_in_utf_8(raw: bytes) -> None:
    """What an early search reads is what `Diff.hit_lines_apart` searches: the normalised
    diff's UTF-8, whether or not the text could be taken as it is."""
    expected = diff_module._normalise(raw).encode("utf-8", "surrogateescape")
    assert diff_module.search_text(raw) == expected
    assert diff_module.search_text(raw.decode("utf-8", "replace")) == expected


def test_search_text_takes_an_ascii_diff_as_it_is() -> None:
    raw = b"diff --git a/x b/x\n+ok\n"
    assert diff_module.search_text(raw) is raw


def _wrapped_sentence(last: str) -> str:
    """A doc comment's paragraph whose last words are changed, the sentence's start unchanged."""
    return git_file("lib/shop/accounts.ex", (
        "@@ -30,4 +30,4 @@ defmodule Shop.Accounts do\n"
        "   When an account cannot be created because its email is taken, the visitor sees\n"
        "   the same page as on success, so that nobody can learn who has an account. This\n"
        "-  prevents enumeration.\n"
        f"+{last}\n"
        '   """\n'
    ))


@pytest.mark.parametrize(
    ("last", "code"),
    [
        ("  prevents account enumeration.", False),
        ("  stops enumeration here!", False),
        # not a sentence's end: code after a line of prose stays code
        ("  allow_enumeration(true)", True),
        ("  enumeration = false", True),
        ("  end", True),
    ],
    ids=["sentence-end", "exclamation", "call", "assignment", "word-without-stop"],
)
def test_the_last_words_of_a_wrapped_sentence_are_prose(last: str, code: bool) -> None:
    diff = parse_diff(_wrapped_sentence(last))
    added = next(item for item in diff.hunks(0)[0].lines if item.side == "new")
    removed = next(item for item in diff.hunks(0)[0].lines if item.side == "old")
    assert diff.code(added) is code
    assert not diff.code(removed)
    # alone, with no line of prose above it, a short line is read as code
    alone = parse_diff(git_file("lib/shop/accounts.ex", (
        "@@ -30,2 +30,2 @@ defmodule Shop.Accounts do\n"
        "   x = 1\n"
        "-  prevents enumeration.\n"
        "+  prevents account enumeration.\n"
    )))
    assert all(alone.code(item) for item in alone.hunks(0)[0].lines)


@pytest.mark.parametrize("preamble", ["", "From abc Mon Sep 17 00:00:00 2001\nSubject: x\n\n"])
def test_each_part_ends_where_the_next_file_starts(preamble: str) -> None:
    """`Diff.part_end`: each file's part of the text ends where `file_at` finds the next file,
    the text before the first file (-1) where the first file starts."""
    text = preamble + "".join(
        f"diff --git a/{name} b/{name}\n--- a/{name}\n+++ b/{name}\n@@ -1 +1 @@\n-a\n+b\n"
        for name in ("a.py", "b.py", "c.py")
    )
    diff = parse_diff(text)
    assert diff.part_end(-1) == len(preamble)
    for index in range(-1, 3):
        end = diff.part_end(index)
        assert (diff.file_at(end - 1) == index) if end else (index == -1)
        assert (end == len(text)) if index == 2 else (diff.file_at(end) == index + 1)


def _inside_a_docstring(path: str, old: str, new: str) -> str:
    """A hunk inside a docstring whose quotes it does not show (a file's section header
    aside), changing one short line."""
    return git_file(path, (
        "@@ -22,4 +22,4 @@ class FilterThreadEventsHook(FilterHook):\n"
        "     ## `queryset: Queryset`\n"
        " \n"
        f"-{old}\n"
        f"+{new}\n"
        " \n"
    ))


@pytest.mark.parametrize(
    ("path", "old", "new", "code"),
    [
        # Python ends a one-line string on its line: one left open lies inside a docstring
        ("forum/hooks.py", "    A queryset of thread's updates.", "    A queryset of thread's events.",
         False),
        ("forum/hooks.py", '    Say "hi to the user.', '    Say "hello to the user.', False),
        # closed strings, a comment's apostrophe: code
        ("forum/hooks.py", "    return f\"{user}'s updates\"", "    return f\"{user}'s events\"",
         True),
        ("forum/hooks.py", "    x = 1  # don't", "    x = 2  # don't", True),
        # Ruby's and PHP's strings may span lines: a quote left open there may be code's
        ("app/models/thread.rb", "    A queryset of thread's updates.",
         "    A queryset of thread's events.", True),
    ],
    ids=["apostrophe", "double-quote", "closed-string", "comment", "ruby"],
)
def test_a_python_line_leaving_a_one_line_string_open_is_no_code(
    path: str, old: str, new: str, code: bool,
) -> None:
    diff = parse_diff(_inside_a_docstring(path, old, new))
    changed = [item for item in diff.hunks(0)[0].lines if item.side in ("old", "new")]
    assert [diff.code(item) for item in changed] == [code, code]


def test_a_file_that_is_not_python_is_not_read_for_an_open_string(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Only a Python file's line is matched for a string left open: on a minified bundle's
    line of hundreds of kB, the match held about 50 MB (bench/analysis.py's "bundle" shape)."""
    asked: list[str] = []
    monkeypatch.setattr(diff_module, "open_string", lambda text: asked.append(text) or False)
    line = "var a='x',b=\"y\";" * 4
    bundle = parse_diff(_inside_a_docstring("dist/app.bundle.js", line, line + "c();"))
    assert all(bundle.code(item) for item in bundle.hunks(0)[0].lines
               if item.side in ("old", "new"))
    assert asked == []
    python = parse_diff(_inside_a_docstring("forum/hooks.py", "    x = 'a'", "    x = 'b'"))
    assert all(python.code(item) for item in python.hunks(0)[0].lines
               if item.side in ("old", "new"))
    assert asked  # a Python file's lines still are


@pytest.mark.parametrize(
    ("path", "removed", "added", "substantive"),
    [
        ("lib/app/permissions/bits.ex",
         ["  @spec init([Bits.plug_option]) :: [Bits.plug_option]"],
         ["  @spec init([Bits.plug_option()]) :: [Bits.plug_option()]"], False),
        ("lib/app/billing/charge.ex",
         ["    amount: non_neg_integer,", "    currency: String.t | nil,",
          "    rule: Shop.id | Shop.Rule.t"],
         ["          amount: non_neg_integer,", "          currency: String.t() | nil,",
          "          rule: Shop.id() | Shop.Rule.t()"], False),
        ("lib/app/auth/session.exs",
         ["    token = Auth.Token.generate"], ["    token = Auth.Token.generate()"], False),
        # a variable's field read written as a call is another thing
        ("lib/app/auth/plug.ex",
         ["    user = conn.assigns"], ["    user = conn.assigns()"], True),
        # brackets given and the type changed beside them
        ("lib/app/billing/charge.ex",
         ["    currency: String.t | nil,"], ["    currency: Money.Currency.t() | nil,"], True),
        # a call given its argument
        ("lib/app/auth/plug.ex",
         ["    Auth.verify"], ["    Auth.verify(token)"], True),
        # in Python an attribute read and a call are two things
        ("app/auth/views.py",
         ["    token = Auth.token"], ["    token = Auth.token()"], True),
    ],
    ids=["elixir-typespec-brackets", "elixir-mix-format-struct-type", "elixir-zero-arity-call",
         "elixir-variable-field-made-a-call", "elixir-type-changed-too",
         "elixir-argument-added", "python-attribute-made-a-call"],
)
def test_elixir_remote_calls_given_their_empty_brackets_are_not_substantive(
    path: str, removed: list[str], added: list[str], substantive: bool
) -> None:
    text = _hunk(path, 10, [*("-" + line for line in removed), *("+" + line for line in added)])
    lines = parse_diff(text).changed_lines(0)
    assert {flag for item, flag in lines if item.side != "header"} == {substantive}


#: a gofmt run over a struct whose file's import block it also sorted (one hunk for both)
GO_IMPORTS_SORTED = [
    " package saml2",
    " ",
    " import (",
    '-    "time"',
    '-    "github.com/russellhaering/gosaml2/types"',
    '-    "encoding/xml"',
    '+\t"encoding/xml"',
    '+\t"github.com/russellhaering/gosaml2/types"',
    '+\t"time"',
    " )",
    " ",
    " type LogoutRequest struct {",
    '-\tXMLName             xml.Name             `xml:"urn:oasis:names:tc:SAML:2.0:protocol LogoutRequest"`',
    '-\tSignatureValidated  bool                 `xml:"-"` // not read, not dumped',
    '+\tXMLName            xml.Name `xml:"urn:oasis:names:tc:SAML:2.0:protocol LogoutRequest"`',
    '+\tSignatureValidated bool     `xml:"-"` // not read, not dumped',
    " }",
]


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(GO_IMPORTS_SORTED, id="go-imports-sorted-beside-a-struct-realigned"),
        pytest.param([" import (", '-\t"time"', '-\tjwt "github.com/golang-jwt/jwt/v5"',
                      '+\tjwt "github.com/golang-jwt/jwt/v5"', '+\t"time"', " )",
                      " ", "-func f() {  return  }", "+func f() { return }"],
                     id="go-named-imports-sorted-beside-code-respaced"),
        pytest.param([" import (", '-\t"time"', "-", '-\t"errors"', '+\t"errors"', '+\t"time"',
                      " )"], id="go-import-groups-joined"),
    ],
)
def test_go_import_specs_sorted_beside_code_reformatted_are_cosmetic(body: list[str]) -> None:
    lines = parse_diff(_hunk("logout_request.go", 14, body)).changed_lines(0)
    assert not any(flag for _, flag in lines)


@pytest.mark.parametrize(
    ("path", "body"),
    [
        # a spec dropped, another added, a path changed, two aliases swapped
        ("a.go", [" import (", '-\t"time"', '-\t"crypto/subtle"', '+\t"time"', " )",
                  "-func f() {  return  }", "+func f() { return }"]),
        ("a.go", [" import (", '-\t"time"', '+\t"time"', '+\t_ "github.com/lib/pq"', " )"]),
        ("a.go", [" import (", '-\t"time"', '-\tjwt "github.com/golang-jwt/jwt/v4"',
                  '+\tjwt "github.com/golang-jwt/jwt/v5"', '+\t"time"', " )"]),
        ("a.go", [" import (", '-\tjwt "example.com/jwt"', '-\tlegacy "example.com/legacy"',
                  '+\tjwt "example.com/legacy"', '+\tlegacy "example.com/jwt"', " )"]),
        # the imports sorted, the code beside them changed
        ("a.go", [" import (", '-\t"time"', '-\t"errors"', '+\t"errors"', '+\t"time"', " )",
                  "-\tif !ok {", "+\tif ok {"]),
        # quoted strings alone on their lines outside an import block (no `import (` shown):
        # a multi-line value, in another order
        ("a.go", [" var x = f(", '-\t"admin"', '-\t"guest"', '+\t"guest"', '+\t"admin"', " )"]),
        # the strings of a block that is no import block, in another order
        ("a.go", [" x := []string{", '-\t"admin",', '-\t"guest",', '+\t"guest",',
                  '+\t"admin",', " }"]),
    ],
    ids=["go-import-dropped-beside-reformatting", "go-blank-import-added", "go-import-path-changed",
         "go-import-aliases-swapped", "go-imports-sorted-beside-a-condition-flipped",
         "go-strings-reordered-outside-an-import-block", "go-list-reordered"],
)
def test_go_imports_changed_or_code_changed_beside_them_is_substantive(
    path: str, body: list[str]
) -> None:
    assert _substantive(path, body)


@pytest.mark.parametrize(
    ("path", "body"),
    [
        # PHP 8.1's promoted properties made readonly (Rector), a class made final
        ("src/Security/TwoFactorAuthenticator.php", [
            "-        private TwoFactorFirewallConfig $twoFactorFirewallConfig,",
            "-        private ?TokenStorageInterface $tokenStorage,",
            "+        private readonly TwoFactorFirewallConfig $twoFactorFirewallConfig,",
            "+        private readonly ?TokenStorageInterface $tokenStorage,",
        ]),
        ("src/Security/Voter.php", ["-class AdminVoter extends Voter",
                                    "+final class AdminVoter extends Voter"]),
        # a Java constant made final
        ("src/main/java/liquibase/command/core/UpdateCommandStep.java", [
            '-    public static String[] COMMAND_NAME = {"update"};',
            '+    public static final String[] COMMAND_NAME = {"update"};',
        ]),
        # a TypeScript property and array type made readonly
        ("src/auth/session.ts", ["-  private secret: string;", "-  roles: string[];",
                                 "+  private readonly secret: string;",
                                 "+  roles: readonly string[];"]),
    ],
    ids=["php-promoted-properties-readonly", "php-class-final", "java-constant-final",
         "ts-property-and-array-readonly"],
)
def test_modifiers_that_only_forbid_added_are_cosmetic(path: str, body: list[str]) -> None:
    assert _cosmetic(path, body)


@pytest.mark.parametrize(
    ("path", "body"),
    [
        # a modifier taken away: the value may be written again
        ("src/Security/Config.php", ["-        private readonly bool $postOnly,",
                                     "+        private bool $postOnly,"]),
        # moved from one declaration to another
        ("src/Security/Config.php", ["-        private readonly bool $postOnly,",
                                     "-        private bool $strict,",
                                     "+        private bool $postOnly,",
                                     "+        private readonly bool $strict,"]),
        # added beside a changed type, a changed value, another visibility
        ("src/Security/Config.php", ["-        private bool $postOnly,",
                                     "+        private readonly int $postOnly,"]),
        ("src/main/java/app/Roles.java", ['-    static String ADMIN = "admin";',
                                          '+    static final String ADMIN = "root";']),
        ("src/main/java/app/Roles.java", ["-    private String[] roles;",
                                          "+    public final String[] roles;"]),
        # the word in a string, in a comment, or a name of its own
        ("src/main/java/app/Roles.java", ['-    log("checked");', '+    log("final checked");']),
        ("src/auth/session.ts", ["-  const modes = [write];", "+  const modes = [write, readonly];"]),
        ("src/auth/session.ts", ["-  return check(user);", "+  return check(user, readonly);"]),
        # an input made read-only in a template: what the user may edit
        ("resources/views/profile.blade.php", ['-<input name="email">',
                                               '+<input readonly name="email">']),
        # C#'s readonly: a struct held so is copied before each call on it
        ("src/Sync/Gate.cs", ["-    private SpinLock _lock;", "+    private readonly SpinLock _lock;"]),
    ],
    ids=["php-readonly-removed", "php-readonly-moved", "php-readonly-beside-type-changed",
         "java-final-beside-value-changed", "java-final-beside-visibility-changed",
         "java-final-in-a-string", "ts-readonly-as-a-value", "ts-readonly-as-an-argument",
         "blade-input-readonly", "csharp-readonly-struct-field"],
)
def test_modifiers_moved_removed_or_beside_a_change_are_substantive(
    path: str, body: list[str]
) -> None:
    assert _substantive(path, body)


@pytest.mark.parametrize(
    ("moved", "cosmetic"),
    [("  }", False), ("  end", False), ("{% endif %}", False), ("    logAudit();", True)],
    ids=["brace", "end", "template-endif", "statement-within-the-block"],
)
def test_a_block_close_moved_across_a_statement_is_no_reformat(moved: str, cosmetic: bool) -> None:
    # the close of `if (currentUser.isAdmin) {` moved above `deleteAllUsers();` leaves every
    # line's text but runs the statement for everyone
    text = (
        "diff --git a/src/admin.js b/src/admin.js\nindex 1111111..2222222 100644\n"
        "--- a/src/admin.js\n+++ b/src/admin.js\n@@ -10,4 +10,4 @@ function purge(user) {\n"
        "   if (user.isAdmin) {\n"
        f"+{moved}\n"
        "     deleteAllUsers();\n"
        f"-{moved}\n"
        " }\n"
    )
    assert parse_diff(text).cosmetic(0, 0) is cosmetic
