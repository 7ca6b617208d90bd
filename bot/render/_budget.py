"""Fit a list into a character allowance and say what was left out.

GitHub rejects a comment over 65,536 characters, and a decision can hold thousands of files. So
every list in the comment is built against an allowance: items are kept while they fit, and the
rest are counted in a closing note ("…and 2,740 more files not shown") rather than dropped
silently, so a reader knows the comment is incomplete and by how much.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

__all__ = ["count", "fit"]

T = TypeVar("T")


def count(number: int, noun: str, plural: str | None = None) -> str:
    """'1 file', '2,740 files': numbers grouped so that large ones read at a glance."""
    word = noun if number == 1 else (plural or noun + "s")
    return f"{number:,} {word}"


def fit(
    items: Sequence[T],
    fmt: Callable[[T], str],
    allowance: int,
    *,
    more: Callable[[int], str],
    head: str = "",
    tail: str = "",
) -> str:
    """`head`, as many formatted items as fit, a `more(left_out)` note if any were cut, `tail`.

    The result is never longer than `allowance`; it is empty when there are no items, or when
    not even the head, the note and the tail fit. Items are formatted lazily, so a list of
    100,000 costs only what is shown.
    """
    if not items or allowance <= 0:
        return ""
    used = len(head) + len(tail)
    kept: list[str] = []
    for item in items:
        line = fmt(item)
        if used + len(line) > allowance:
            break
        kept.append(line)
        used += len(line)
    left = len(items) - len(kept)
    if left == 0:
        return head + "".join(kept) + tail
    note = more(left)
    while kept and used + len(note) > allowance:
        used -= len(kept.pop())
        left += 1
        note = more(left)
    if used + len(note) > allowance:
        return ""
    return head + "".join(kept) + note + tail
