"""Decide in a separate process that a time limit can stop.

The analysis core is pure and reads no clock, so it cannot limit itself, and a Python thread
cannot be stopped from outside. A diff that makes the analysis run away (a pathological line a
pull request's author can craft, or a bug) would hold a worker of the App until its job's lease
lapsed, then the next worker, and leave the pull request with no check. Run in a separate process,
the same diff costs one job its limit: the process is killed and the pull request gets a failing
check that says the analysis did not finish (fail closed, never "no check").

Each calling thread keeps one analysis process (`python -m bot.time_limit`), started ahead of
its first pull request (`TimedDecider.warm`, or on first use) and fed one request at a time over
its standard input and output, so the imports and compiled rules are paid once, not per pull
request, and not by the first one: the process compiles the bundled policy before it reads a
request, while the worker waits for work or reads the pull request from GitHub. It is a plain
subprocess, not a multiprocessing child: the service's worker process and Celery's pool
processes are daemonic, and multiprocessing lets no daemonic process have children. A process
that holds much memory after an answer (Python keeps what a large diff took) is replaced at once
by a fresh one, which warms up while the job publishes; one that was stopped or died, on the
next call.
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import subprocess
import sys
import threading
import time
from typing import IO, Protocol

from bot.analysis.advice import Place
from bot.analysis.classify import matcher_for
from bot.analysis.decide import decide
from bot.analysis.diff import Diff
from bot.analysis.models import Decision, PullRequestInfo
from policies.loader import default_policy
from policies.model import Policy

__all__ = ["AnalysisStopped", "Decider", "TimedDecider"]

#: an analysis process resident in more memory than this after an answer is replaced: a large
#: diff's memory stays with the process that read it (the analysis of a 3,000-file diff peaks
#: near 150 MB, bench/analysis.py)
RENEW_ABOVE_BYTES = 300 * 1024 * 1024
_LENGTH = 8  # bytes of the length that precedes each pickled message


class Decider(Protocol):
    """`decide`, or something that runs it (`TimedDecider`)."""

    def __call__(self, diff: Diff, policy: Policy, pr: PullRequestInfo,
                 place: Place = "app") -> Decision: ...


class AnalysisStopped(Exception):
    """The analysis gave no answer: it ran past its limit and was killed, or its process died
    (the system's out-of-memory killer). Judging again would stop again: the pull request is
    left unjudged, failing."""


def _frame(message: object) -> bytes:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return len(data).to_bytes(_LENGTH, "big") + data


class _Analyser:
    """One analysis process and the pipe ends this side holds."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot.time_limit"], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE)
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        self.requests: IO[bytes] = self.process.stdin
        self.answers = self.process.stdout.fileno()

    def ask(self, request: bytes, seconds: float) -> object:
        """The answer to `request`, read within `seconds` of sending it."""
        deadline = time.monotonic() + seconds
        try:
            self.requests.write(request)
            self.requests.flush()
        except BrokenPipeError:
            raise self._died() from None
        length = int.from_bytes(self._read(_LENGTH, deadline, seconds), "big")
        # our own process, over a pipe only the two ends hold: not untrusted data
        return pickle.loads(self._read(length, deadline, seconds))  # noqa: S301

    def _read(self, size: int, deadline: float, seconds: float) -> bytes:
        chunks, wanted = [], size
        while wanted:
            left = max(0.0, deadline - time.monotonic())
            ready, _, _ = select.select([self.answers], [], [], left)
            if not ready:  # the caller stops this process
                raise AnalysisStopped(
                    f"the analysis did not finish within {seconds:g} s and was stopped "
                    "(MODELTIER_ANALYSIS_TIMEOUT_SECONDS)")
            chunk = os.read(self.answers, min(wanted, 1 << 20))
            if not chunk:
                raise self._died()
            chunks.append(chunk)
            wanted -= len(chunk)
        return b"".join(chunks)

    def _died(self) -> AnalysisStopped:
        self.stop()  # reaped, for its exit code
        return AnalysisStopped(f"the analysis process ended without an answer (exit code "
                               f"{self.process.returncode})")

    def resident_bytes(self) -> int:
        """The process's resident memory, as Linux's /proc tells it (0 where it does not)."""
        try:
            with open(f"/proc/{self.process.pid}/statm", "rb") as statm:
                return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError, IndexError):
            return 0

    def stop(self) -> None:
        """Kill the process if it still runs, reap it and close this side's pipe ends (again:
        nothing happens)."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self.requests.close()
        assert self.process.stdout is not None
        self.process.stdout.close()


class TimedDecider:
    """`decide`, run in an analysis process (one per calling thread) that is killed after
    `seconds`. `close` stops the processes it started."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._analysers: dict[int, _Analyser] = {}  # by calling thread
        self._lock = threading.Lock()

    def __call__(self, diff: Diff, policy: Policy, pr: PullRequestInfo,
                 place: Place = "app") -> Decision:
        # the bundled policy is the process's own, compiled once there: a copy sent over
        # would be compiled again on every call
        sent = None if policy is default_policy() else policy
        request = _frame((diff, sent, pr, place))
        analyser = self._analyser()
        try:
            answer = analyser.ask(request, self.seconds)
        except BaseException:
            self._drop(analyser)  # stopped or dead: a fresh one next time
            raise
        if analyser.resident_bytes() > RENEW_ABOVE_BYTES:
            self._drop(analyser)
            self._analyser()  # its successor starts now, not when the next pull request waits
        assert isinstance(answer, tuple)
        kind, value = answer
        if kind == "error":
            assert isinstance(value, Exception)
            raise value
        assert isinstance(value, Decision)
        return value

    def warm(self) -> None:
        """Start the calling thread's analysis process now if it has none: a worker thread
        calls this when it starts, so the process's start (imports, the bundled policy
        compiled: about 0.1 s of CPU, more on a loaded machine) is not added to the first
        pull request's wait, nor counted against its time limit."""
        self._analyser()

    def close(self) -> None:
        """Stop every analysis process (the service stops)."""
        with self._lock:
            analysers, self._analysers = list(self._analysers.values()), {}
        for analyser in analysers:
            analyser.stop()

    def _analyser(self) -> _Analyser:
        thread = threading.get_ident()
        with self._lock:
            analyser = self._analysers.get(thread)
        if analyser is None or analyser.process.poll() is not None:
            analyser = _Analyser()
            with self._lock:
                self._analysers[thread] = analyser
        return analyser

    def _drop(self, analyser: _Analyser) -> None:
        analyser.stop()
        with self._lock:
            self._analysers.pop(threading.get_ident(), None)


def _answer(request: tuple[Diff, Policy | None, PullRequestInfo, Place]) -> tuple[str, object]:
    """The decision, or the error the analysis raised (as its type's name and message when it
    cannot be pickled)."""
    diff, policy, pr, place = request
    try:
        return "decision", decide(diff, default_policy() if policy is None else policy, pr, place)
    except Exception as e:
        try:
            pickle.dumps(e)
        except Exception:
            return "error", RuntimeError(f"{type(e).__name__}: {e}")
        return "error", e


def _serve(requests: IO[bytes], answers: IO[bytes]) -> None:
    """The analysis process: answer each request until the other end closes."""
    while header := requests.read(_LENGTH):
        request = pickle.loads(requests.read(int.from_bytes(header, "big")))  # noqa: S301
        answers.write(_frame(_answer(request)))
        answers.flush()


if __name__ == "__main__":
    # the process that started this one decides when it ends (by closing its input): a Ctrl-C
    # meant for the service reaches the whole terminal's group, this process included
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    answers = sys.stdout.buffer
    sys.stdout = sys.stderr  # whatever prints goes to the log, never into an answer
    matcher_for(default_policy())  # compiled before the first request, not during it
    _serve(sys.stdin.buffer, answers)
