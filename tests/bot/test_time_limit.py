"""The analysis in a separate process with a time limit (bot/time_limit.py): the same decision as
in process, errors come back as errors, a run past the limit or a dead process is stopped, not
waited for, and the next call gets a fresh process."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot import review, time_limit
from bot.analysis.decide import decide
from bot.analysis.diff import parse_diff
from bot.analysis.models import PullRequestInfo
from bot.time_limit import AnalysisStopped, TimedDecider
from policies.loader import default_policy, load_policy
from tests.bot._diffs import edit

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "billing-refund.diff"


def _example() -> Any:
    return parse_diff(EXAMPLE.read_bytes())


@pytest.fixture
def timed() -> Iterator[TimedDecider]:
    decider = TimedDecider(60)
    yield decider
    decider.close()


def _processes(decider: TimedDecider) -> list[subprocess.Popen[bytes]]:
    return [analyser.process for analyser in decider._analysers.values()]


def test_the_analysis_process_decides_as_this_one_does_and_serves_the_next_call(
    timed: TimedDecider,
) -> None:
    diff, info = _example(), PullRequestInfo(title="Refunds", body="Model: GPT-5.4")
    own = load_policy("exclude: ['docs/**']\n")  # a repository's: sent over, not the bundled one
    assert timed(diff, default_policy(), info) == decide(diff, default_policy(), info)
    [first] = _processes(timed)
    assert timed(diff, own, info, "action") == decide(diff, own, info, "action")
    assert _processes(timed) == [first]  # one process, kept warm
    timed.close()
    assert first.returncode is not None and _processes(timed) == []


def test_a_process_holding_much_memory_after_an_answer_is_replaced(
    timed: TimedDecider, monkeypatch: pytest.MonkeyPatch,
) -> None:
    diff, info = _example(), PullRequestInfo()
    timed(diff, default_policy(), info)
    [process] = _processes(timed)
    monkeypatch.setattr(time_limit, "RENEW_ABOVE_BYTES", 1024)  # less than any Python holds
    assert timed(diff, default_policy(), info) == decide(diff, default_policy(), info)
    assert process.returncode is not None  # answered, then replaced at once by a fresh one
    [fresh] = _processes(timed)
    assert fresh.pid != process.pid and fresh.poll() is None


def test_a_process_started_ahead_serves_the_first_call(timed: TimedDecider) -> None:
    timed.warm()
    [process] = _processes(timed)
    timed.warm()  # the thread has one: no second
    assert _processes(timed) == [process]
    diff, info = _example(), PullRequestInfo()
    assert timed(diff, default_policy(), info) == decide(diff, default_policy(), info)
    assert _processes(timed) == [process] and process.poll() is None


def test_an_analysis_past_its_limit_is_stopped_not_waited_for(timed: TimedDecider) -> None:
    # 400 files of sensitive code: seconds of analysis, stopped after a tenth of one
    text = "".join(
        edit(f"app/billing/refund_{n}.py",
             [f"    amount_{i} = charge.amount - refund_total({i})  # payment" for i in range(60)])
        for n in range(400))
    diff = parse_diff(text.encode())
    timed(_example(), default_policy(), PullRequestInfo())  # started and warm
    timed.seconds = 0.1
    [process] = _processes(timed)
    started = time.monotonic()
    with pytest.raises(AnalysisStopped, match=r"did not finish within 0\.1 s"):
        timed(diff, default_policy(), PullRequestInfo())
    assert time.monotonic() - started < 5
    assert process.returncode is not None  # killed and reaped
    assert _processes(timed) == []  # the next call starts a fresh one


def test_an_error_in_the_analysis_comes_back_as_that_error(timed: TimedDecider) -> None:
    broken: Any = ["not", "a", "diff"]  # decide fails on it in the analysis process
    with pytest.raises(AttributeError, match="files"):
        timed(broken, default_policy(), PullRequestInfo())


class _Exits:
    """Ends the analysis process while it reads the request: a process that dies."""

    def __reduce__(self) -> tuple[Any, tuple[int]]:
        return os._exit, (3,)


def test_a_process_that_dies_gives_a_stop_that_says_so_and_is_replaced(
    timed: TimedDecider,
) -> None:
    dies: Any = _Exits()
    with pytest.raises(AnalysisStopped, match=r"ended without an answer \(exit code 3\)"):
        timed(dies, default_policy(), PullRequestInfo())
    assert timed(_example(), default_policy(), PullRequestInfo()).risk == "critical"


def test_a_stopped_analysis_is_not_judged_again_with_the_default_policy() -> None:
    calls = []

    def stops(*args: Any, **kwargs: Any) -> Any:
        calls.append(args[1])
        raise AnalysisStopped("the analysis did not finish within 1 s and was stopped")

    diff = parse_diff(EXAMPLE.read_bytes())
    with pytest.raises(review.JudgeError, match="did not finish within 1 s"):
        review._judge(lambda: diff, default_policy(), PullRequestInfo(), ".github/modeltier.yml",
                      [], decider=stops)
    assert len(calls) == 1  # a repository policy's failure falls back; a stop does not
