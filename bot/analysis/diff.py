"""Read unified diffs (git's, GNU diff's, or GitHub's per-file patches) into files and lines.

Speed shapes this module: a 3,000-file PR must be analysed in well under a second, and a full
line-by-line parse of such a diff already costs about that. So the whole diff is parsed once with
unidiff's metadata-only mode (files, modes, renames, counts), and the lines of a file are parsed
in full only for the files that a caller asks about: those whose path matched an area, or whose
text matched a cheap RE2 pre-filter over the raw diff.
"""

from __future__ import annotations

import bisect
import gc
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Literal

from unidiff.errors import UnidiffParseError
from unidiff.patch import PatchedFile, PatchSet

from bot.analysis.errors import DiffError
from bot.analysis.mechanical import MANIFESTS, mechanical_hunk, prose_line
from bot.analysis.models import FileChange

__all__ = ["ChangedLine", "Diff", "GitHubFile", "is_substantive", "parse_diff"]

_DEV_NULL = "/dev/null"
_OTHER_LINE_BREAKS = re.compile("[\r\x0b\x0c\x1c\x1d\x1e]")
_HASH_CODE = re.compile(
    r"#(\[|!\[|\s*(include|define|undef|if|ifdef|ifndef|elif|else|endif|pragma|import)\b)"
)
_COMMENT_PREFIXES = ("#", "//", "/*", "*", "*/", "-- ", "<!--", "-->", ";", "%", "'''", '"""')


@dataclass(frozen=True, slots=True)
class ChangedLine:
    """An added or removed line, or a hunk header, located in its file."""

    file: int
    side: Literal["new", "old", "header"]
    line: int
    text: str
    #: the hunk's index in its file (0 for the first)
    hunk: int = 0


@dataclass(frozen=True, slots=True)
class GitHubFile:
    """A file as GitHub's PR files endpoint lists it; `patch` is None when GitHub omitted it."""

    filename: str
    status: str = "modified"
    additions: int = 0
    deletions: int = 0
    patch: str | None = None
    previous_filename: str | None = None


def is_substantive(text: str) -> bool:
    """Whether a changed line can carry meaning: blank lines, comments and prose cannot.

    A cheap, language-agnostic test: a line that starts with a comment marker of the common
    languages is a comment. Code commented out still shows on the removed side, so nothing real
    is lost; a comment-only edit of an auth module is not an auth change. A line of sentences
    (inside a docstring or a heredoc) is prose for people, as a comment is.
    """
    stripped = text.strip()
    if not stripped:
        return False
    if _HASH_CODE.match(stripped):
        return True  # '#' that starts code: C preprocessor, Rust/C# attributes
    if stripped in ("--", "---"):
        return False  # an SQL comment marker alone, a YAML document separator
    return not stripped.startswith(_COMMENT_PREFIXES) and not prose_line(stripped)


def _strip_prefix(name: str) -> str:
    if name.startswith('"') and name.endswith('"'):
        name = name[1:-1]
    return name[2:] if name[:2] in ("a/", "b/") else name


def _status(pf: PatchedFile) -> str:
    info = "".join(pf.patch_info or ())
    if pf.source_file == _DEV_NULL or "\nnew file mode" in "\n" + info:
        return "added"
    if pf.target_file == _DEV_NULL or "\ndeleted file mode" in "\n" + info:
        return "removed"
    if "\ncopy from " in "\n" + info:
        return "copied"
    if pf.is_rename or "\nrename from " in "\n" + info:
        return "renamed"
    return "modified"


def _old_path(pf: PatchedFile, status: str) -> str | None:
    if status not in ("renamed", "copied"):
        return None
    for line in pf.patch_info or ():
        for key in ("rename from ", "copy from "):
            if line.startswith(key):
                return line[len(key) :].rstrip("\n")
    return _strip_prefix(pf.source_file)


def _path(pf: PatchedFile, status: str) -> str:
    if status == "removed":
        return _strip_prefix(pf.source_file)
    target = pf.target_file if pf.target_file not in (None, _DEV_NULL) else pf.source_file
    return _strip_prefix(target)


class _Tracking:
    """Iterates lines and remembers the last one read, so a parse error can name its line."""

    def __init__(self, lines: Sequence[str]) -> None:
        self._lines = lines
        self.position = 0

    def __iter__(self) -> Iterator[str]:
        for index, line in enumerate(self._lines):
            self.position = index + 1
            yield line


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Parsing allocates hundreds of thousands of small objects and frees none: the cyclic
    collector would only rescan them (about 15% of the time on a 3,000-file diff)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _parse(lines: Sequence[str], metadata_only: bool, first_line: int = 1) -> PatchSet:
    try:
        with _gc_paused():
            return PatchSet(lines, metadata_only=metadata_only)
    except UnidiffParseError:
        pass
    # Only a broken diff pays for tracking which line the parser stopped at.
    tracking = _Tracking(lines)
    try:
        PatchSet(tracking, metadata_only=metadata_only)
    except UnidiffParseError as e:
        line = first_line + tracking.position - 1
        raise DiffError(f"malformed diff at line {line}: {e}") from e
    raise AssertionError("unidiff failed once and not twice on the same lines")


class Diff:
    """A parsed diff: its files, and their changed lines on demand."""

    def __init__(self, lines: list[str], patched: list[PatchedFile], files: list[FileChange]):
        self._lines = lines
        self._text: str | None = None
        self._patched = patched
        self.files = files
        # Where each file's lines start in the diff (0-based); files come in diff order.
        self._starts = [self._start_of(pf) for pf in patched]
        self._full: dict[int, list[tuple[ChangedLine, bool]]] = {}
        self._by_diff_line: dict[int, dict[int, ChangedLine]] = {}

    @staticmethod
    def _start_of(pf: PatchedFile) -> int:
        start = (pf.diff_line_no or 1) - 1
        git_header = bool(pf.patch_info) and str(pf.patch_info[0]).startswith("diff --git")  # type: ignore[index]
        # Without a git header the file starts at its '+++' line; its '---' line is just above.
        return start if git_header or pf.is_binary_file else max(start - 1, 0)

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = "".join(self._lines)
        return self._text

    def _end_of(self, index: int) -> int:
        return self._starts[index + 1] if index + 1 < len(self._starts) else len(self._lines)

    def _parse_file(self, index: int) -> None:
        """Parse one file's lines in full (once), keeping changed lines and hunk headers."""
        if index in self._full:
            return
        start, end = self._starts[index], self._end_of(index)
        changed: list[tuple[ChangedLine, bool]] = []
        by_line: dict[int, ChangedLine] = {}
        patch = _parse(self._lines[start:end], metadata_only=False, first_line=start + 1)
        manifest = MANIFESTS.search(self.files[index].path) is not None
        for pf in patch[:1]:
            for hunk_index, hunk in enumerate(pf):
                first = hunk[0].diff_line_no if len(hunk) else None
                header_line = start + first - 2 if first is not None else None
                items: list[tuple[ChangedLine, int]] = []
                for line in hunk:
                    if line.is_added:
                        item = ChangedLine(
                            index, "new", line.target_line_no or 0, line.value, hunk_index
                        )
                    elif line.is_removed:
                        item = ChangedLine(
                            index, "old", line.source_line_no or 0, line.value, hunk_index
                        )
                    else:
                        continue
                    items.append((item, start + (line.diff_line_no or 0) - 1))
                cosmetic = mechanical_hunk(
                    [i.text for i, _ in items if i.side == "old"],
                    [i.text for i, _ in items if i.side == "new"],
                    manifest=manifest,
                )
                substantive = False
                for item, diff_line in items:
                    meaningful = not cosmetic and is_substantive(item.text)
                    substantive |= meaningful
                    changed.append((item, meaningful))
                    by_line[diff_line] = item
                if header_line is not None and hunk.section_header:
                    header = ChangedLine(
                        index, "header", hunk.target_start, hunk.section_header, hunk_index
                    )
                    changed.append((header, substantive))
                    by_line[header_line] = header
        self._full[index] = changed
        self._by_diff_line[index] = by_line

    def changed_lines(self, index: int) -> list[tuple[ChangedLine, bool]]:
        """Every changed line and hunk header of one file, each with whether it is substantive.

        A hunk header counts as substantive when its hunk changes at least one substantive line.
        """
        self._parse_file(index)
        return self._full[index]

    def search(self, prefilter: Any) -> Iterator[tuple[ChangedLine, bool]]:
        """Changed lines (and hunk headers) on which a compiled RE2 pre-filter matches.

        The pre-filter runs once over the raw diff text; only files with a hit are parsed in full.
        Lines it hits that are context or file headers are dropped here.
        """
        # On bytes: RE2 works in UTF-8, and str input costs a conversion of every offset.
        text = self.text.encode("utf-8", "surrogateescape")
        hits: dict[int, list[int]] = {}
        line_no, offset = 0, 0
        last_line = -1
        for match in prefilter.finditer(text):
            line_no += text.count(b"\n", offset, match.start())
            offset = match.start()
            if line_no == last_line:
                continue
            last_line = line_no
            file_index = bisect.bisect_right(self._starts, line_no) - 1
            if file_index >= 0:
                hits.setdefault(file_index, []).append(line_no)
        for file_index, diff_lines in hits.items():
            if not self.files[file_index].inspected:
                continue
            self._parse_file(file_index)
            by_line = self._by_diff_line[file_index]
            substantive = dict((id(item), flag) for item, flag in self._full[file_index])
            for diff_line in diff_lines:
                item = by_line.get(diff_line)
                if item is not None:
                    yield item, substantive[id(item)]


def _normalise(text: str | bytes) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    if text and not text.endswith("\n"):
        text += "\n"
    return text


def _split_lines(text: str) -> list[str]:
    """The lines of a normalised diff, each ending in its '\n'. Not str.splitlines: it also breaks
    at form feeds, U+2028 and other characters that are ordinary content inside a diff line."""
    if text.isascii() and not _OTHER_LINE_BREAKS.search(text):
        return text.splitlines(keepends=True)  # same result, twice as fast
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return [line + "\n" for line in lines]


def _file_change(pf: PatchedFile, not_inspected: str | None) -> FileChange:
    status = _status(pf)
    mode_only = (
        not pf.is_binary_file
        and len(pf) == 0
        and status == "modified"
        and pf.source_mode != pf.target_mode
    )
    return FileChange(
        path=_path(pf, status),
        old_path=_old_path(pf, status),
        status=status,
        binary=pf.is_binary_file,
        mode_only=mode_only,
        additions=pf.added,
        deletions=pf.removed,
        inspected=not_inspected is None,
        note=not_inspected,
    )


# What follows '@@' at the start of a line must be a hunk header: anything else (`@@ --1,1 +-1,1
# @@`) unidiff would keep, with the changed lines under it, as file metadata, reading the file as
# unchanged.
_HUNK_HEADER = re.compile(r"@@ -\d+(?:,\d+)? \+\d+(?:,\d+)? @@")
# A carriage return inside a hunk or git header, or just before one: a diff with CR-only line
# endings, which would otherwise read as one long header line and no change at all.
_CR_IN_HEADER = re.compile(
    r"^(?:@@|diff --git )[^\n\r]*\r|\r(?:@@ |\+\+\+ |--- |diff --git )", re.MULTILINE
)


def _line_starts(text: str, prefix: str) -> Iterator[int]:
    if text.startswith(prefix):
        yield 0
    at = text.find("\n" + prefix)
    while at != -1:
        yield at + 1
        at = text.find("\n" + prefix, at + 1)


def _check_structure(text: str) -> None:
    """Refuse what unidiff would silently misread as metadata: a diff whose changes it would
    not see is bad input, never a diff with no changes."""
    for start in _line_starts(text, "@@"):
        if _HUNK_HEADER.match(text, start) is None:
            line = text.count("\n", 0, start) + 1
            raise DiffError(
                f"malformed diff at line {line}: not a hunk header (@@ -start[,count] "
                "+start[,count] @@)"
            )
    match = _CR_IN_HEADER.search(text) if "\r" in text else None
    if match is not None:
        line = text.count("\n", 0, match.start()) + 1
        raise DiffError(
            f"malformed diff at line {line}: carriage return inside a header line "
            "(CR-only line endings?)"
        )


def parse_diff(text: str | bytes, *, not_inspected: dict[str, str] | None = None) -> Diff:
    """Parse a unified diff. Raises DiffError, with the diff line, on malformed input.

    `not_inspected` maps paths whose content is unknown (GitHub omitted the patch) to the reason.
    """
    normalised = _normalise(text)
    _check_structure(normalised)
    lines = _split_lines(normalised)
    patch = _parse(lines, metadata_only=True)
    if not patch and any(line.strip() for line in lines):
        raise DiffError("no file changes found: the input is not a unified diff")
    for pf in patch:
        for name in (pf.source_file, pf.target_file):
            if name is not None and "\r" in name:
                raise DiffError(
                    f"malformed diff at line {pf.diff_line_no or 1}: carriage return inside a "
                    "file header (CR-only line endings?)"
                )
    reasons = not_inspected or {}
    files = []
    for pf in patch:
        change = _file_change(pf, None)
        reason = reasons.get(change.path)
        files.append(change if reason is None else _file_change(pf, reason))
    return Diff(lines, list(patch), files)


def _quote(path: str) -> str:
    return f'"{path}"' if any(c in path for c in ' \t"') else path


def _patch_omitted(f: GitHubFile) -> bool:
    """Whether GitHub left out content that changed: a patch too large to include, or a binary
    file, which GitHub lists as modified with no patch and zero additions and deletions."""
    return f.patch is None and bool(f.additions or f.deletions or f.status == "modified")


def github_files_to_diff(files: Iterable[GitHubFile]) -> str:
    """Turn GitHub's per-file patches (which lack '---'/'+++' headers) into one git diff."""
    parts: list[str] = []
    for f in files:
        old = f.previous_filename or f.filename
        parts.append(f"diff --git {_quote('a/' + old)} {_quote('b/' + f.filename)}\n")
        if f.status == "added":
            parts.append("new file mode 100644\n")
        elif f.status == "removed":
            parts.append("deleted file mode 100644\n")
        elif f.status in ("renamed", "copied") and f.previous_filename:
            verb = "rename" if f.status == "renamed" else "copy"
            parts.append(f"{verb} from {old}\n{verb} to {f.filename}\n")
        if f.patch:
            source = "/dev/null" if f.status == "added" else _quote("a/" + old)
            target = "/dev/null" if f.status == "removed" else _quote("b/" + f.filename)
            patch = _normalise(f.patch)
            parts.append(f"--- {source}\n+++ {target}\n{patch}")
        elif _patch_omitted(f):
            # Keep the file's size known: a binary marker holds no content and no counts,
            # so sizes are carried over by parse_github_files.
            parts.append(f"Binary files a/{old} and b/{f.filename} differ\n")
    return "".join(parts)


def parse_github_files(files: Sequence[GitHubFile]) -> Diff:
    """Parse GitHub's file list; files without a patch are analysed by path alone."""
    missing = {
        f.filename: "GitHub did not include the patch (binary or too large)"
        for f in files
        if _patch_omitted(f)
    }
    diff = parse_diff(github_files_to_diff(files), not_inspected=missing)
    sizes = {f.filename: f for f in files}
    diff.files = [
        change.model_copy(
            update={
                "additions": sizes[change.path].additions,
                "deletions": sizes[change.path].deletions,
                "binary": change.binary and change.path not in missing,
            }
        )
        if change.path in sizes
        else change
        for change in diff.files
    ]
    return diff
