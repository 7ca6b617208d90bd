"""bot.analysis.diffscan: a diff's files and hunk counts, and its malformed hunks and headers as
errors with their line; the same reading as unidiff's metadata parse, which it replaced."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from unidiff import PatchSet
from unidiff.errors import UnidiffParseError

from bot.analysis.diffscan import DEV_NULL, RawFile, scan
from bot.analysis.errors import DiffError


def lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def summary(files: list[RawFile]) -> list[tuple[object, ...]]:
    return [
        (f.source, f.target, f.line, f.binary, f.source_mode, f.target_mode, f.hunks, f.added,
         f.removed, f.is_rename, f.info)
        for f in files
    ]


GIT = """\
diff --git a/app/x.py b/app/x.py
index 1111111..2222222 100644
--- a/app/x.py
+++ b/app/x.py
@@ -1,3 +1,4 @@
 import os
-x = 1
+x = 2
+y = 3
\\ No newline at end of file

@@ -10 +11 @@ def f():
-a
+b
diff --git a/run.sh b/run.sh
old mode 100644
new mode 100755
diff --git a/logo.png b/logo.png
new file mode 100644
index 0000000..3333333
Binary files /dev/null and b/logo.png differ
"""


def test_files_of_a_git_diff_with_their_headers_modes_and_counts() -> None:
    assert summary(scan(lines(GIT))) == [
        ("a/app/x.py", "b/app/x.py", 1, False, "100644", "100644", 2, 3, 2, False,
         ["diff --git a/app/x.py b/app/x.py\n", "index 1111111..2222222 100644\n"]),
        ("a/run.sh", "b/run.sh", 15, False, "100644", "100755", 0, 0, 0, False,
         ["diff --git a/run.sh b/run.sh\n", "old mode 100644\n", "new mode 100755\n"]),
        (DEV_NULL, "b/logo.png", 18, True, None, "100644", 0, 0, 0, False,
         ["diff --git a/logo.png b/logo.png\n", "new file mode 100644\n",
          "index 0000000..3333333\n", "Binary files /dev/null and b/logo.png differ\n"]),
    ]


PLAIN = """\
Only in b: z.txt
--- a.txt\t2024-01-01 10:00:00
+++ b.txt\t2024-01-02 10:00:00
@@ -1 +1,2 @@
-old
+new
+more
Binary files c.bin and d.bin differ
"""


def test_files_of_a_plain_diff_start_at_their_target_and_binary_lines() -> None:
    assert summary(scan(lines(PLAIN))) == [
        # a rename only past two characters each (no a/ b/ prefixes here): as unidiff tells one
        ("a.txt", "b.txt", 3, False, None, None, 1, 2, 1, False, ["Only in b: z.txt\n"]),
        ("c.bin", "d.bin", 8, True, None, None, 0, 0, 0, False,
         ["Binary files c.bin and d.bin differ\n"]),
    ]


def test_an_index_line_gives_its_mode_only_to_the_sides_without_one() -> None:
    [file] = scan(lines("diff --git a/r b/r\nold mode 100644\nindex 1..2 100755\n"))
    assert (file.source_mode, file.target_mode) == ("100644", "100755")


def test_a_hunk_takes_lines_by_its_counts_whatever_they_start_with() -> None:
    # '--- x' and '+++ y' inside a hunk are a removed and an added line, not file headers
    [file] = scan(lines("--- a/q.sql\n+++ b/q.sql\n@@ -1,2 +1,2 @@\n--- x\n+++ y\n \n"))
    assert (file.hunks, file.added, file.removed) == (1, 1, 1)


HEADER = "diff --git a/a.py b/a.py\n--- a/a.py\n+++ b/a.py\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (HEADER + "@@ -1,3 +1,3 @@\n x\n-y\n",
         "malformed diff at line 6: Hunk is shorter than expected"),
        (HEADER + "@@ -1,2 +1 @@\n+a\n+b\n",
         "malformed diff at line 6: Hunk is longer than expected"),
        (HEADER + "@@ -1,2 +1,2 @@\n x\nnot a diff line\n",
         "malformed diff at line 6: Hunk diff line expected: not a diff line\n"),
        ("@@ -1 +1 @@\n-a\n+b\n", "malformed diff at line 1: Unexpected hunk found: @@ -1 +1 @@\n"),
        ("+++ b/a.py\n", "malformed diff at line 1: Target without source: +++ b/a.py\n"),
        ("diff --git a/a.py b/a.py\n--- a/a.py\n+++ b/other.py\n",
         "malformed diff at line 3: Target without source: +++ b/other.py\n"),
        ("new file mode 100644\n",
         "malformed diff at line 1: Unexpected new file found: new file mode 100644\n"),
        ("deleted file mode 100644\n",
         "malformed diff at line 1: Unexpected deleted file found: deleted file mode 100644\n"),
        ("\\ No newline at end of file\n",
         "malformed diff at line 1: Unexpected marker: \\ No newline at end of file\n"),
        ("diff --git a/a.py b/a.py\n\\ No newline at end of file\n",
         "malformed diff at line 2: Unexpected marker: No newline at end of file"),
        ("junk\nGIT binary patch\n",
         "malformed diff at line 2: Unexpected binary patch marker: GIT binary patch\n"),
    ],
    ids=["shorter", "longer", "not-a-hunk-line", "hunk-before-any-file", "target-alone",
         "target-not-the-git-headers", "new-file-alone", "deleted-file-alone", "marker-alone",
         "marker-before-any-hunk", "binary-patch-alone"],
)
def test_error_names_the_line_where_the_diff_goes_wrong(text: str, message: str) -> None:
    with pytest.raises(DiffError) as info:
        scan(lines(text))
    assert str(info.value) == message


# Lines from which diffs, well-formed or not, are drawn: headers of every kind, hunk headers
# whose counts fit or not, and body lines.
PIECES = st.sampled_from([
    "diff --git a/x.py b/x.py\n", "diff --git a/x.py b/y.py\n", "diff --git x y\n",
    "diff --git http://a/b http://c/d\n", "new file mode 100644\n", "deleted file mode 100644\n",
    "old mode 100644\n", "new mode 100755\n", "index 1234567..89abcde 100644\n",
    "index 1234567..89abcde 100755\n", "index 1234567..89abcde\n", "rename from x.py\n",
    "copy from x.py\n", "--- a/x.py\n",
    "--- /dev/null\n", '--- "a/x y"\t2024-01-01\n', "+++ b/x.py\n", "+++ b/y.py\n",
    "+++ /dev/null\n", "@@ -1 +1 @@\n", "@@ -1,2 +1,2 @@ def f():\n", "@@ -0,0 +1 @@\n",
    "@@ -1 +0,0 @@\n", "@@ -0,0 +0,0 @@\n", " context\n", "+added\n", "-removed\n", "\n", "\r\n",
    "\\ No newline at end of file\n", "\\ other\n", "Binary files a/x and b/y differ\n",
    "Binary file z has changed\n", "GIT binary patch\n", "literal 0\n", "other text\n",
])


def unidiff_summary(text: list[str]) -> list[tuple[object, ...]] | str:
    """What unidiff's metadata parse reads, in `summary`'s terms (or its error's message)."""
    try:
        patch = PatchSet(text, metadata_only=True)
    except UnidiffParseError as e:
        return str(e)
    return [
        (f.source_file, f.target_file, f.diff_line_no, f.is_binary_file, f.source_mode,
         f.target_mode, len(f), f.added, f.removed, f.is_rename,
         None if f.patch_info is None else list(f.patch_info))
        for f in patch
    ]


@settings(max_examples=400, deadline=None)
@given(st.lists(PIECES, max_size=14))
def test_reads_any_diff_as_unidiffs_metadata_parse_does(pieces: list[str]) -> None:
    try:
        found: list[tuple[object, ...]] | str = summary(scan(pieces))
    except DiffError as e:
        found = str(e).split(": ", 1)[1]
    assert found == unidiff_summary(pieces)


@pytest.mark.parametrize(
    ("text", "source", "target"),
    [
        # git writes a name with a space ending in a tab on its `---` and `+++` lines; where the
        # name holds " b/", its `diff --git` header cannot be split, and those lines name it
        ("diff --git a/net b/c.go b/net b/c.go\nindex 1111111..2222222 100644\n"
         "--- a/net b/c.go\t\n+++ b/net b/c.go\t\n@@ -1 +1 @@\n-a\n+b\n",
         "a/net b/c.go", "b/net b/c.go"),
        ("diff --git a/net b/c.go b/net b/c.go\nnew file mode 100644\nindex 0000000..2222222\n"
         "--- /dev/null\n+++ b/net b/c.go\t\n@@ -0,0 +1 @@\n+b\n",
         DEV_NULL, "b/net b/c.go"),
        # a space alone: the header splits as the name lines say
        ("diff --git a/my dir/x.py b/my dir/x.py\nindex 1111111..2222222 100644\n"
         "--- a/my dir/x.py\t\n+++ b/my dir/x.py\t\n@@ -1 +1 @@\n-a\n+b\n",
         "a/my dir/x.py", "b/my dir/x.py"),
    ],
    ids=["b-slash-in-name", "b-slash-in-new-file", "space"],
)
def test_names_with_spaces_are_read_from_the_name_lines(
    text: str, source: str, target: str
) -> None:
    [found] = scan(lines(text))
    assert (found.source, found.target) == (source, target)
