"""bot.searching: a large diff's pre-filter passes searched on two processes find what one
process finds, and a child that cannot start or fails costs nothing but time."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
import re2

from bench.gen_diff import generate
from bot import searching
from bot.analysis.classify import classify
from bot.analysis.decide import decide
from bot.analysis.diff import match_starts, parse_diff
from bot.analysis.models import PullRequestInfo
from bot.cli import main
from policies.loader import default_policy
from tests.bot._diffs import CS_UNUSED_HELPER, edit

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


def test_a_scan_that_fails_after_its_early_search_started_stops_its_child(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A commit message that cannot be read is an error after the diff was parsed: the child
    searching it early is stopped and reaped, not left to search on."""
    diff = tmp_path / "change.diff"
    diff.write_bytes(TEXT)
    monkeypatch.setattr(searching, "PARALLEL_CHARS", 0)
    monkeypatch.setattr(searching, "_cores", lambda: 2)
    children: list[int] = []
    close = searching.EarlySearch.close

    def recorded(self: searching.EarlySearch) -> None:
        children.append(self._child)
        close(self)

    monkeypatch.setattr(searching.EarlySearch, "close", recorded)
    assert main(["scan", "--diff", str(diff), "--commit-message", str(tmp_path / "missing")]) != 0
    assert children and children[0] > 0  # a child was running, and close() was called
    with pytest.raises(ChildProcessError):
        os.waitpid(children[0], os.WNOHANG)  # already reaped


def _early(plan: Sequence[Any], text: bytes = TEXT) -> searching.EarlySearch:
    return searching.EarlySearch(text, plan)


@pytest.mark.parametrize("wait", [0.0, 0.2], ids=["asked-at-once", "asked-after-the-child"])
def test_a_search_started_early_finds_the_starts_one_finds(wait: float) -> None:
    early = _early(PREFILTERS)
    time.sleep(wait)
    # asked in two groups, as the content and the guard rules' passes are, and a pass not in
    # the plan (searched here)
    other = _compiled(r"\bif\b")
    assert sorted(early(TEXT, PREFILTERS[1:] + other)) == sorted(
        match_starts(TEXT, PREFILTERS[1:] + other))
    assert sorted(early(TEXT, PREFILTERS[:1])) == sorted(match_starts(TEXT, PREFILTERS[:1]))
    early.close()
    assert sorted(early(TEXT, PREFILTERS)) == sorted(match_starts(TEXT, PREFILTERS))


def test_a_search_started_early_searches_the_diff_as_parsed() -> None:
    crlf = TEXT.replace(b"\n", b"\r\n").rstrip(b"\n")  # normalised as parse_diff does
    text = parse_diff(crlf).text.encode()
    assert sorted(_early(PREFILTERS, crlf)(text, PREFILTERS)) == sorted(
        match_starts(text, PREFILTERS))


def test_a_search_started_early_for_another_text_searches_here() -> None:
    other = TEXT + edit("app/auth/more.py", ["password = token"]).encode()
    assert sorted(_early(PREFILTERS)(other, PREFILTERS)) == sorted(
        match_starts(other, PREFILTERS))


def test_a_search_started_early_without_a_child_searches_here(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refused() -> int:
        raise OSError("fork refused")

    monkeypatch.setattr(os, "fork", refused)
    assert sorted(_early(PREFILTERS)(TEXT, PREFILTERS)) == sorted(
        match_starts(TEXT, PREFILTERS))


def test_a_search_started_early_claims_no_pass_while_the_other_process_holds_the_lock(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
) -> None:
    import fcntl

    # the claims' lock taken by this process before the child starts: the child waits on it
    # (record locks belong to a process), so it claims nothing until this process's first
    # claim lets the lock go; then each pass is claimed by one process, and searched once
    held = (tmp_path / "starts").open("w+b")
    fcntl.lockf(held.fileno(), fcntl.LOCK_EX, 1, searching._LOCKED_BYTE)
    monkeypatch.setattr(searching, "_starts_file", lambda: held)
    early = _early(PREFILTERS)
    time.sleep(0.2)
    assert bytes(early._claims) == bytes(len(PREFILTERS))  # all free: the child waits
    assert sorted(early(TEXT, PREFILTERS)) == sorted(match_starts(TEXT, PREFILTERS))
    assert early._claims is None  # every pass's starts known: closed


@pytest.mark.parametrize("memfd", ["refused", "missing"])
def test_a_search_started_early_without_a_file_in_memory_uses_a_temporary_file(
    monkeypatch: pytest.MonkeyPatch, memfd: str,
) -> None:
    def refused(name: str, flags: int = 0) -> int:
        raise OSError("memfd_create refused")

    if memfd == "refused":
        monkeypatch.setattr(os, "memfd_create", refused, raising=False)
    else:
        monkeypatch.delattr(os, "memfd_create", raising=False)
    early = _early(PREFILTERS)
    assert sorted(early(TEXT, PREFILTERS)) == sorted(match_starts(TEXT, PREFILTERS))
    assert early._claims is None


@pytest.mark.parametrize("fails", ["at-once", "after-a-pass"])
def test_a_search_started_early_whose_child_fails_is_done_here(
    monkeypatch: pytest.MonkeyPatch, fails: str
) -> None:
    if fails == "at-once":
        def no_text(text: bytes) -> bytes:
            raise RuntimeError("the child fails")

        monkeypatch.setattr(searching, "search_text", no_text)
        plan: list[Any] = list(PREFILTERS)
    else:
        plan = [PREFILTERS[0], *(_FailsInChild(pattern) for pattern in PREFILTERS[1:])]
    early = _early(plan)
    time.sleep(0.2)
    assert sorted(early(TEXT, plan)) == sorted(match_starts(TEXT, PREFILTERS))


def test_works_beside_give_their_results_in_order() -> None:
    getters = searching.forked([lambda: {"a": [1, 2]}, lambda: None, lambda: ("b", 3)])
    assert [get() for get in getters] == [{"a": [1, 2]}, None, ("b", 3)]


def test_works_beside_run_in_a_child() -> None:
    parent = os.getpid()
    first, second = searching.forked([os.getpid, lambda: "done"])
    assert first() != parent
    assert second() == "done"


def test_when_no_child_starts_the_works_run_here(monkeypatch: pytest.MonkeyPatch) -> None:
    def refused() -> int:
        raise OSError("fork refused")

    monkeypatch.setattr(os, "fork", refused)
    first, second = searching.forked([os.getpid, lambda: "done"])
    assert (first(), second()) == (os.getpid(), "done")


def test_when_the_child_fails_its_works_left_run_here() -> None:
    parent = os.getpid()

    def fails_in_child() -> int:
        if os.getpid() != parent:
            raise RuntimeError("the child fails")
        return 2

    first, second, third = searching.forked([lambda: 1, fails_in_child, lambda: os.getpid()])
    assert (first(), second(), third()) == (1, 2, parent)


def test_a_part_of_the_analysis_beside_only_for_a_large_diff(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(searching, "_cores", lambda: 2)
    assert searching.beside_for(searching.PARALLEL_CHARS) is searching.forked
    assert searching.beside_for(searching.PARALLEL_CHARS - 1) is None
    monkeypatch.setattr(searching, "_cores", lambda: 1)
    assert searching.beside_for(searching.PARALLEL_CHARS) is None


def _in_turn_when_asked(works: Sequence[Callable[[], Any]]) -> list[Callable[[], Any]]:
    """Each work done in this process only when its result is asked for: after the rest of the
    analysis has filled every cache it fills."""
    return list(works)


#: what a removal takes out (`bot.analysis.removal`): an unused helper deleted whole from a file
#: a path rule matches (its path no evidence), and one holding a check a guard rule reads
_REMOVALS = (
    edit("src/Payments/PaymentExtensions.cs", removed=CS_UNUSED_HELPER)
    + edit("app/auth/helpers.py", removed=[
        "def legacy_admin_refund(user, payment):",
        "    if not user.is_admin:",
        "        raise PermissionDenied()",
        "    return payment.refund()",
        "",
    ], added=["ADMIN_ROLE = 'admin'"])
)


@pytest.mark.parametrize("shape", ["worst", "ordinary"])
@pytest.mark.parametrize("beside", [searching.forked, _in_turn_when_asked],
                         ids=["forked", "in-turn-when-asked"])
def test_the_path_and_guard_evidence_beside_decides_as_one_process(
    shape: str, beside: Any
) -> None:
    text = generate(files=80, lines=4000, seed=3, shape=shape)[0] + _REMOVALS
    policy = default_policy()
    alone = classify(parse_diff(text), policy)
    assert alone.areas  # evidence found, by path, content and guard rules
    assert "src/Payments/PaymentExtensions.cs" in alone.removed_paths
    assert classify(parse_diff(text, beside=beside), policy) == alone
    assert decide(parse_diff(text, beside=beside), policy, PullRequestInfo()) == decide(
        parse_diff(text), policy, PullRequestInfo())
