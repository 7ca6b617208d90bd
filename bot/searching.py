"""A large diff's pre-filter passes searched on two processes, and a part of its analysis run
beside the rest, for the one-shot CLI.

The content rules' pre-filters read the whole diff text, one pass of RE2 per group of rules
(`bot.analysis.classify`): on a 16 MB diff seven passes, 0.3-0.4 s of CPU once RE2 has built
its automata and 0.55-0.75 s in a fresh process, which builds them as it reads. The passes are
independent, and the analysis needs only the union of where their matches start
(`bot.analysis.diff.match_starts`), so a forked child searches some of them while this process
searches the others: on a machine with a second core idle, their time is about halved. RE2 holds
the interpreter lock while it matches, so threads would not overlap.

The analysis core runs no process (it is pure); the CLI hands this searcher to `parse_diff`.
The decision cannot differ: the starts are the same whichever process found them, and if the
child cannot be started, fails or is killed, this process searches its passes too.

The same way, `forked` runs a part of the analysis that does not wait on the rest (the path and
guard rules' evidence, `Diff.beside`) in a forked child while this process does the rest (the
content rules'), and its result, pickled, comes back through a pipe: on the worst shape of
bench/analysis.py that part is a third of the analysis. If the child cannot be started or
fails, this process does that part when its result is asked for: the same work, on the same
diff, finds the same.
"""

from __future__ import annotations

import functools
import os
import pickle
from array import array
from collections.abc import Callable, Sequence
from typing import Any

from bot.analysis.diff import Beside, Searcher, match_starts

__all__ = ["PARALLEL_CHARS", "beside_for", "forked", "forked_starts", "searcher_for"]

#: the diff size (characters) from which its passes are shared with a child: below it, the
#: passes cost less than the fork and what it makes the parent copy (its pages are shared with
#: the child until written; each write copies one)
PARALLEL_CHARS = 4 << 20


def _cores() -> int:
    """The cores this process may run on."""
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity is not None else (os.cpu_count() or 1)


def searcher_for(size: int) -> Searcher:
    """How to search a diff of `size` characters: on two processes from `PARALLEL_CHARS` on,
    where the machine has a second core and can fork; else in this process."""
    if size >= PARALLEL_CHARS and hasattr(os, "fork") and _cores() > 1:
        return forked_starts
    return match_starts


def beside_for(size: int) -> Beside | None:
    """How a part of the analysis of a diff of `size` characters runs beside the rest: in a
    forked child (`forked`) where the passes are searched on two processes, else in turn."""
    return forked if searcher_for(size) is forked_starts else None


def forked(works: Sequence[Callable[[], Any]]) -> list[Callable[[], Any]]:
    """`works` started, in order, in a forked child; for each, what returns its result (each
    pickled back through a pipe as it is found, after its size) once this process asks, in
    order. If the child could not start or failed, what it did not send is done here."""
    try:
        read_end, write_end = os.pipe()
    except OSError:
        return list(works)
    try:
        child = os.fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        return list(works)
    if child == 0:  # pragma: no cover - the child's coverage is not collected
        status = 1
        try:
            os.close(read_end)
            with os.fdopen(write_end, "wb") as out:
                for work in works:
                    data = pickle.dumps(work(), pickle.HIGHEST_PROTOCOL)
                    out.write(len(data).to_bytes(8, "little") + data)
                    out.flush()
            status = 0
        finally:
            os._exit(status)  # no clean-up of the parent's state, no flush of its buffers
    os.close(write_end)
    pipe = os.fdopen(read_end, "rb")
    failed = reaped = False

    def result(at: int) -> Any:
        nonlocal failed, reaped
        found = None
        if not failed:
            size = pipe.read(8)
            data = pipe.read(int.from_bytes(size, "little")) if len(size) == 8 else b""
            if len(size) == 8 and len(data) == int.from_bytes(size, "little"):
                found = pickle.loads(data)  # noqa: S301 - written by this process's own fork
            else:
                failed = True
        if (failed or at == len(works) - 1) and not reaped:
            pipe.close()
            _, status = os.waitpid(child, 0)
            reaped, failed = True, failed or status != 0
        return works[at]() if failed else found  # the child failed: its work here

    return [functools.partial(result, at) for at in range(len(works))]


def forked_starts(text: bytes, prefilters: Sequence[Any]) -> list[int]:
    """`match_starts` of the pre-filters, the first half of them searched by a forked child
    (whose starts come back through a pipe, as 8-byte integers) while this process searches
    the rest."""
    if len(prefilters) < 2:
        return match_starts(text, prefilters)
    theirs, mine = prefilters[: len(prefilters) // 2], prefilters[len(prefilters) // 2 :]
    try:
        read_end, write_end = os.pipe()
    except OSError:
        return match_starts(text, prefilters)
    try:
        child = os.fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        return match_starts(text, prefilters)
    if child == 0:  # pragma: no cover - the child's coverage is not collected
        status = 1
        try:
            os.close(read_end)
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(array("q", match_starts(text, theirs)).tobytes())
            status = 0
        finally:
            os._exit(status)  # no clean-up of the parent's state, no flush of its buffers
    os.close(write_end)
    starts = match_starts(text, mine)
    with os.fdopen(read_end, "rb") as pipe:
        data = pipe.read()
    _, status = os.waitpid(child, 0)
    if status != 0 or len(data) % 8:
        return starts + match_starts(text, theirs)  # the child failed: its passes here
    found = array("q")
    found.frombytes(data)
    return starts + found.tolist()
