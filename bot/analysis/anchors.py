"""Where a removed line would sit in the head file: code scanning and annotations show only the
head, and an old line number placed there points at an unrelated line.

A removed line at old line L, after A added and R removed lines earlier in its file, left a gap
just before new line `L + A - R`; its anchor is the line above that gap (a context or added line
of its hunk), or the first line when the gap is at the top of the file. Pure: it reads only the
parsed diff.
"""

from __future__ import annotations

from bot.analysis.diff import Diff

__all__ = ["HeadLines"]


class HeadLines:
    """The head-file anchor of each removed line of a diff, computed per file on first use."""

    def __init__(self, diff: Diff) -> None:
        self.diff = diff
        self._files: dict[int, dict[int, int]] = {}

    def of(self, file: int, old_line: int) -> int | None:
        """The anchor of old line `old_line` of file `file`; None when the file is deleted (no
        line of the head holds it) or the line is not a removed line of the diff."""
        anchors = self._files.get(file)
        if anchors is None:
            anchors = self._files[file] = self._build(file)
        return anchors.get(old_line)

    def _build(self, file: int) -> dict[int, int]:
        if self.diff.files[file].status == "removed":
            return {}
        added = removed = 0
        anchors: dict[int, int] = {}
        for hunk in self.diff.hunks(file):
            for item in hunk.lines:
                if item.side == "new":
                    added += 1
                else:
                    anchors[item.line] = max(item.line + added - removed - 1, 1)
                    removed += 1
        return anchors
