"""bot.searching: a large diff's pre-filter passes searched on two processes find what one
process finds, and a child that cannot start or fails costs nothing but time."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
import re2

from bot import searching
from bot.analysis.diff import match_starts, parse_diff
from bot.cli import main
from tests.bot._diffs import edit

TEXT = (
    edit("app/auth/login.py", ["if not user.check_password(secret):", "    raise Denied()"])
    + edit("app/billing/refund.py", ["stripe.Refund.create(amount=total)", "x = 1"])
    + edit("docs/notes.md", ["password reset, refund and token"])
).encode()


def _compiled(*patterns: str) -> list[Any]:
    options = re2.Options()
    options.never_capture = True
    return [re2.compile(("(?m)" + pattern).encode(), options) for pattern in patterns]


PREFILTERS = _compiled(r"password", r"Refund|refund", r"raise\s", r"token")


def test_two_processes_find_the_starts_one_finds() -> None:
    assert sorted(searching.forked_starts(TEXT, PREFILTERS)) == sorted(
        match_starts(TEXT, PREFILTERS)
    )


def test_one_prefilter_is_searched_here() -> None:
    assert searching.forked_starts(TEXT, PREFILTERS[:1]) == match_starts(TEXT, PREFILTERS[:1])


def test_when_the_child_cannot_start_this_process_searches_all(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refused() -> int:
        raise OSError("fork refused")

    monkeypatch.setattr(os, "fork", refused)
    assert sorted(searching.forked_starts(TEXT, PREFILTERS)) == sorted(
        match_starts(TEXT, PREFILTERS)
    )


class _FailsInChild:
    """A pre-filter that raises in any process but the one that made it."""

    def __init__(self, pattern: Any) -> None:
        self.pattern, self.pid = pattern, os.getpid()

    def search(self, text: bytes, pos: int = 0) -> Any:
        if os.getpid() != self.pid:
            raise RuntimeError("the child fails")
        return self.pattern.search(text, pos)


def test_when_the_child_fails_this_process_searches_its_passes() -> None:
    failing = [_FailsInChild(pattern) for pattern in PREFILTERS]
    assert sorted(searching.forked_starts(TEXT, failing)) == sorted(
        match_starts(TEXT, PREFILTERS)
    )


@pytest.mark.parametrize(
    ("size", "cores", "expected"),
    [(searching.PARALLEL_CHARS, 2, searching.forked_starts),
     (searching.PARALLEL_CHARS - 1, 2, match_starts),
     (searching.PARALLEL_CHARS, 1, match_starts)],
    ids=["large-diff", "smaller-diff", "one-core"],
)
def test_two_processes_only_for_a_large_diff_on_two_cores(
    monkeypatch: pytest.MonkeyPatch, size: int, cores: int, expected: Any
) -> None:
    monkeypatch.setattr(searching, "_cores", lambda: cores)
    assert searching.searcher_for(size) is expected


def test_a_scan_searched_on_two_processes_decides_as_one(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    diff = tmp_path / "change.diff"
    diff.write_bytes(TEXT)
    reports = []
    for parallel_chars in (1 << 60, 0):
        monkeypatch.setattr(searching, "PARALLEL_CHARS", parallel_chars)
        monkeypatch.setattr(searching, "_cores", lambda: 2)
        main(["scan", "--diff", str(diff), "--format", "json"])
        reports.append(json.loads(capsys.readouterr().out))
    assert reports[0] == reports[1]
    assert reports[0]["risk"] == "critical"
    assert parse_diff(TEXT).searcher is match_starts
