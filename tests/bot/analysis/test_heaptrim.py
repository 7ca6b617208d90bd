"""The C heap's free pages given back after a large diff's pre-filter automata go."""

from __future__ import annotations

import ctypes
import platform
import sys

import pytest

from bot.analysis import heaptrim


def _resident_kb() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS in /proc/self/status")


def _glibc() -> bool:
    return platform.system() == "Linux" and platform.libc_ver()[0] == "glibc"


@pytest.mark.skipif(not _glibc(), reason="malloc_trim is glibc's; elsewhere nothing is asked")
def test_free_pages_in_the_middle_of_the_heap_go_back_to_the_system() -> None:
    # 64 KB buffers come from the heap (below glibc's 128 KB mmap threshold); one in four kept
    # holds the heap's top, so glibc's own trimming of the top cannot return what is freed.
    buffers = [ctypes.create_string_buffer(64 << 10) for _ in range(1600)]
    for buffer in buffers:
        ctypes.memset(buffer, 1, len(buffer))  # touched: resident
    kept = buffers[3::4]
    del buffers
    before = _resident_kb()
    assert heaptrim.return_freed_memory() is True
    after = _resident_kb()
    assert before - after > 40_000, (before, after)  # about 75 MB were freed in the middle
    assert kept  # held until the measure is taken


def test_without_glibc_nothing_is_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_loader(_name: object) -> object:
        raise OSError("no dynamic loader")

    heaptrim._malloc_trim.cache_clear()
    monkeypatch.setattr(ctypes, "CDLL", no_loader)
    try:
        assert heaptrim.return_freed_memory() is False
    finally:
        heaptrim._malloc_trim.cache_clear()


def test_without_ctypes_nothing_is_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    """A Python built without ctypes (no `_ctypes`): a large diff is analysed untrimmed, not
    refused."""
    heaptrim._malloc_trim.cache_clear()
    monkeypatch.setitem(sys.modules, "ctypes", None)
    try:
        assert heaptrim.return_freed_memory() is False
    finally:
        heaptrim._malloc_trim.cache_clear()

