"""Find the files of a unified diff and check its hunks, on its lines, without a line object.

What `bot.analysis.diff` needs from a whole diff before any question is asked: each file's
headers (git's extended header lines, its `---`/`+++` names, modes, the binary markers), where
its part of the diff starts, how many hunks it has, and how many lines they add and remove;
and every hunk checked against its header's counts, so that a truncated or padded diff is an
error with its line, never a silent misreading. The lines of a hunk are looked at only to be
counted: one comparison of their first character each, in one loop over the diff.

The grammar is unidiff's (`unidiff.PatchSet(..., metadata_only=True)`, which this replaced: its
parse was half of the time `parse_diff` took on a 3,000-file diff), its errors included: the
same input reads as the same files, and fails at the same line with the same message.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.analysis.errors import DiffError
from bot.analysis.lazyre import compile_lazily

__all__ = ["DEV_NULL", "RawFile", "scan"]

DEV_NULL = "/dev/null"

_GIT_HEADERS = (
    compile_lazily(r'diff --git (?P<source>"?a/[^\t\n]+"?) (?P<target>"?b/[^\t\n]+"?)'),
    compile_lazily(r"diff --git (?P<source>.*://[^\t\n]+) (?P<target>.*://[^\t\n]+)"),  # URI-like
    compile_lazily(r"diff --git (?P<source>[^\t\n]+) (?P<target>[^\t\n]+)"),  # no a/ b/ prefixes
)
#: a file git adds or deletes whole, and the mode of the one side it has
_FILE_MODE = compile_lazily(r"(?P<kind>new|deleted) file mode (?P<mode>\d+)$")
_OLD_MODE = compile_lazily(r"old mode (\d+)$")
_NEW_MODE = compile_lazily(r"new mode (\d+)$")
_INDEX = compile_lazily(r"index [0-9a-f]+\.\.[0-9a-f]+ (\d+)$")
#: a `---` or `+++` line: its name, and the timestamp GNU diff puts after a tab
_NAME = compile_lazily(r'(?:---|\+\+\+) ("?[^\t\n]*"?)')
_HUNK = compile_lazily(r"@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
_NO_NEWLINE = "\\ No newline at end of file"
_BINARY = compile_lazily(
    r"Binary files? (?P<source>[^\t]+?)(?:\t[\s0-9:+-]+)?"
    r"(?: and (?P<target>[^\t]+?)(?:\t[\s0-9:+-]+)?)? (?:differ|has changed)"
)


class RawFile:
    """One file of a diff as its headers and hunk counts give it. Written out, not a
    dataclass: no dataclass is defined on a scan's way (`policies.plain`)."""

    __slots__ = ("added", "binary", "hunks", "info", "line", "removed", "source", "source_mode",
                 "target", "target_mode")

    def __init__(self, info: list[str] | None, source: str, target: str, line: int, *,
                 binary: bool = False) -> None:
        #: its extended header lines (git's `diff --git`, `new file mode`, `rename from`...),
        #: the lines before its `---` in other diffs; None when it has none
        self.info = info
        #: its `---` and `+++` names as written (prefix and quotes kept), or git's header's
        self.source = source
        self.target = target
        #: the diff line (1-based) where its part starts: its `diff --git`, its `+++` (without
        #: a git header) or its binary marker
        self.line = line
        self.binary = binary
        self.source_mode: str | None = None
        self.target_mode: str | None = None
        self.hunks = 0
        self.added = 0
        self.removed = 0

    @property
    def is_rename(self) -> bool:
        """Whether its two names differ past their `a/` and `b/` (as unidiff tells a rename)."""
        return (
            self.source != DEV_NULL and self.target != DEV_NULL
            and self.source[2:] != self.target[2:]
        )


def _error(line: int, message: str) -> DiffError:
    return DiffError(f"malformed diff at line {line}: {message}")


def _hunk(lines: Sequence[str], at: int, header: str, file: RawFile) -> int:
    """Count the hunk whose header is `header` (at line `at`, 1-based) into `file`; return the
    number of the last line it takes. A hunk takes lines until its header's counts are met: a
    line of another kind before then, or a count passed, is an error at that line; the diff
    ending first, one at its last line."""
    fields = _HUNK.match(header)
    assert fields is not None  # the caller matched it
    old, new = int(fields[1]), int(fields[3])
    old_end = old + (1 if fields[2] is None else int(fields[2]))
    new_end = new + (1 if fields[4] is None else int(fields[4]))
    added = removed = 0
    count = len(lines)
    while at < count:
        line = lines[at]
        at += 1
        kind = line[:1]
        if kind == "+":
            new += 1
            added += 1
        elif kind == "-":
            old += 1
            removed += 1
        elif kind == " " or kind in ("", "\n", "\r"):  # a bare newline: an empty context line
            old += 1
            new += 1
        elif kind != "\\":
            raise _error(at, f"Hunk diff line expected: {line}")
        if old > old_end or new > new_end:
            raise _error(at, "Hunk is longer than expected")
        if old == old_end and new == new_end:
            break
    if old < old_end or new < new_end:
        raise _error(at, "Hunk is shorter than expected")
    file.hunks += 1
    file.added += added
    file.removed += removed
    return at


def scan(lines: Sequence[str]) -> list[RawFile]:
    """The files of a diff given as its lines (each with its '\\n'), in diff order. Raises
    DiffError, with the line, where a hunk does not match its header or a header comes where
    it cannot (a `+++` without its `---`, a hunk before any file)."""
    files: list[RawFile] = []
    current: RawFile | None = None
    info: list[str] | None = None
    source: str | None = None  # a `---` name waiting for its `+++`
    count = len(lines)
    at = 0
    while at < count:
        line = lines[at]
        at += 1
        git = None
        if line.startswith("diff --git "):
            git = next(filter(None, (pattern.match(line) for pattern in _GIT_HEADERS)), None)
        if git is not None:
            info = [line]
            source = git["source"]  # what a `+++` without its `---` pairs with (as below)
            current = RawFile(info, source, git["target"], at)
            files.append(current)
            continue
        if line.startswith(("new file mode ", "deleted file mode ")) and (
            mode := _FILE_MODE.match(line)
        ):
            if current is None or info is None:
                raise _error(at, f"Unexpected {mode['kind']} file found: {line}")
            if mode["kind"] == "new":  # no source side: its mode is the target's
                current.source, current.target_mode = DEV_NULL, mode["mode"]
            else:  # no target side: its mode is the source's
                current.target, current.source_mode = DEV_NULL, mode["mode"]
            info.append(line)
            continue
        if current is not None and info is not None:
            if line.startswith("old mode ") and (mode := _OLD_MODE.match(line)):
                current.source_mode = mode[1]
                info.append(line)
                continue
            if line.startswith("new mode ") and (mode := _NEW_MODE.match(line)):
                current.target_mode = mode[1]
                info.append(line)
                continue
            if line.startswith("index ") and (mode := _INDEX.match(line)):
                # an unchanged mode, given once for both sides
                if current.source_mode is None:
                    current.source_mode = mode[1]
                if current.target_mode is None:
                    current.target_mode = mode[1]
                info.append(line)
                continue
        if line.startswith("--- "):
            name = _NAME.match(line)
            assert name is not None  # any text after '--- ' is a name
            source = name[1]
            # A '---' starts a file, unless it restates the source of a git header's.
            if current is not None and info is None:
                current = None
            continue
        if line.startswith("+++ "):
            name = _NAME.match(line)
            assert name is not None
            target = name[1]
            if current is not None and current.target != target:
                # A git header is ambiguous where a name holds " b/" (`diff --git a/net b/c.go
                # b/net b/c.go`): its `---` and `+++` lines name the sides whole (git ends a
                # name with a space in a tab), so they stand where the header ends with them.
                if not (current.info and current.info[0].rstrip("\n").endswith(" " + target)):
                    raise _error(at, f"Target without source: {line}")
                current.target = target
                if current.source != DEV_NULL and source is not None:
                    current.source = source
            if current is None:
                if source is None:
                    raise _error(at, f"Target without source: {line}")
                current = RawFile(info, source, target, at)
                files.append(current)
                info = source = None
            continue
        if line.startswith("@@ -") and _HUNK.match(line):
            info = None
            if current is None:
                raise _error(at, f"Unexpected hunk found: {line}")
            at = _hunk(lines, at, line, current)
            continue
        if line.startswith(_NO_NEWLINE):
            if current is None:
                raise _error(at, f"Unexpected marker: {line}")
            if not current.hunks:
                raise _error(at, "Unexpected marker: No newline at end of file")
            continue
        if line == "\n" and current is not None and current.hunks:
            continue  # an empty line after a hunk
        # Anything else is header information; it starts a header of its own after a hunk.
        if info is None:
            current = None
            info = []
        if line.startswith("Binary file") and (binary := _BINARY.match(line)):
            source = binary["source"]
            info.append(line)
            if current is not None:
                current.binary = True
            else:
                files.append(RawFile(info, source, binary["target"] or source, at, binary=True))
            info = current = None
            continue
        if line == "GIT binary patch\n":
            if current is None:
                raise _error(at, f"Unexpected binary patch marker: {line}")
            current.binary = True
            info = current = None
            continue
        info.append(line)
    return files
