"""What a change says it is for: the comments written or removed beside the code it changes.

A comment is never evidence by itself: a comment-only edit of an auth module is not an auth
change. But a comment in a hunk that changes code says, in any language, what the code is
guarding against, where the code alone is a sorted loop or a flag set one line later ("so
concurrent placements take the row locks in the same order and cannot deadlock", "an attacker
reaching the server directly cannot forge it"). Content rules marked `comments: true` read
those lines, and only those: the stated intent of the change beside them.

A comment that only moved with its code (the same text removed in one place and added in
another) states nothing new and is left out.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.analysis.diff import ChangedLine, Diff, is_substantive
from bot.analysis.mechanical import squash

__all__ = ["StatedIntent"]


class StatedIntent:
    """Which comment lines of a diff state the intent of a code change."""

    def __init__(self, diff: Diff) -> None:
        self.diff = diff
        self._changes_code: dict[tuple[int, int], bool] = {}

    def _hunk_changes_code(self, item: ChangedLine) -> bool:
        key = (item.file, item.hunk)
        found = self._changes_code.get(key)
        if found is None:
            hunk = self.diff.hunks(item.file)[item.hunk]
            found = self._changes_code[key] = any(map(self.diff.substantive, hunk.lines))
        return found

    def candidate(self, item: ChangedLine) -> bool:
        """Whether a changed line is a comment (or a docstring's prose) in a hunk that changes
        code."""
        return (
            item.side != "header" and bool(item.text.strip()) and not is_substantive(item.text)
            and self._hunk_changes_code(item)
        )

    @staticmethod
    def not_moved(items: Iterable[ChangedLine]) -> list[ChangedLine]:
        """The comment lines whose text is not on the other side of the change among `items`
        (a comment moved with its code is found there)."""
        items = list(items)
        sides = {(item.side, squash(item.text)) for item in items}
        return [
            item for item in items
            if ("new" if item.side == "old" else "old", squash(item.text)) not in sides
        ]
