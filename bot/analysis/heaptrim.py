"""Memory a large analysis freed, given back to the system.

C's allocator (glibc's malloc) keeps what a program frees in its heap for the next allocation,
resident. Python's small objects do not come from that heap (CPython's own allocator maps
arenas of its own), so what RE2 frees there when a large diff's pre-filter automata are let go
(`bot.analysis.diff`) stayed resident and unused while the parse of every file's hunks mapped
new arenas beside it. So did the diff's UTF-8 copy those passes search: glibc maps a block of
16 MB apart, but once it has given such a mapping back (the file read before, for one) it puts
the next one that large in its heap. On bench/analysis.py's worst shape about 50 MB of the heap
was free at the analysis's peak. `malloc_trim` returns the free pages of the heap to the
system (glibc only; elsewhere this does nothing: another allocator gives back what it can on
its own).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

__all__ = ["return_freed_memory"]


@functools.cache
def _malloc_trim() -> Callable[[int], Any] | None:
    """glibc's `malloc_trim`, looked up among the process's own symbols, or None. ctypes is
    imported here, by the first large diff: a scan of a small one does not pay for it."""
    try:
        import ctypes

        trim: Callable[[int], Any] = ctypes.CDLL(None).malloc_trim
    except (ImportError, AttributeError, OSError, TypeError):
        return None  # a Python built without ctypes, no glibc, or no loader to ask (Windows)
    return trim


def return_freed_memory() -> bool:
    """Give the C heap's free pages back to the system; whether it could be asked to."""
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True
