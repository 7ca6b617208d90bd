"""A large diff's pre-filter passes searched on two processes, and a part of its analysis run
beside the rest, for the one-shot CLI.

The content rules' pre-filters read the whole diff text, one pass of RE2 per group of rules
(`bot.analysis.classify`): on a 16 MB diff seven passes, 0.3-0.4 s of CPU once RE2 has built
its automata and 0.55-0.75 s in a fresh process, which builds them as it reads. The passes are
independent, and the analysis needs only the union of where their matches start
(`bot.analysis.diff.match_starts`), so a forked child searches some of them while this process
searches the others: on a machine with a second core idle, their time is about halved. RE2 holds
the interpreter lock while it matches, so threads would not overlap.

Where the policy is known before the diff is parsed, the CLI starts that search then
(`EarlySearch`): the child searches while this process parses the diff and does what the
analysis does before its first search, and this process then searches only the passes the child
has not reached.

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

import contextlib
import functools
import mmap
import os
import pickle
import signal
from array import array
from collections.abc import Callable, Sequence
from typing import Any

from bot.analysis.diff import Beside, Searcher, match_starts, search_text

__all__ = ["PARALLEL_CHARS", "EarlySearch", "beside_for", "forked", "forked_starts",
           "searcher_for"]

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


def _starts_file() -> Any:
    """An unnamed file, read and written at offsets, for a child's starts (`EarlySearch`): in
    memory (`memfd_create`) where the system has it, else a temporary file. tempfile imports
    shutil (with bz2 and lzma) and random: 3-4 ms of a large diff's scan, before its search
    starts, which a scan of a small diff, never searched early, did not pay for either
    (tests/bot/test_startup.py)."""
    create = getattr(os, "memfd_create", None)
    if create is not None:
        with contextlib.suppress(OSError):  # not allowed here: the temporary file below
            return os.fdopen(create("modeltier-starts", getattr(os, "MFD_CLOEXEC", 0)), "w+b")
    import tempfile

    return tempfile.TemporaryFile()  # closed by EarlySearch.close()


#: a pass's state in `EarlySearch`'s shared claims: nobody's yet, the child's, this process's
_FREE, _CHILD, _PARENT = 0, 1, 2
#: a record of the child's notification pipe: the pass, where its starts are in the file, their
#: size (8-byte integers each)
_RECORD = 24
#: the byte of the starts' file whose record lock guards the claims (`EarlySearch._claim`)
_LOCKED_BYTE = 1 << 62


class EarlySearch:
    """A large diff's pre-filter passes searched by a forked child from before the diff is
    parsed: the parse and what the analysis does before its first search (about 0.7 s of a
    16 MB diff's) overlap the child's search. Where the diff is parsed, this is its `Searcher`.

    The child normalises the diff as `parse_diff` does (`search_text`) and searches the passes
    of the plan in order, each one it claims first; this process, asked for some of them,
    claims and searches those of the plan the child has not claimed, from the last back, and
    takes the child's starts for the others: on a machine with a second core idle, the two meet
    where the passes are shared evenly, however long the parse took. The claims are bytes of a
    shared map, each read and set under a record lock (`_claim`), so each pass is searched once.
    The child's starts go to an unlinked file (a pipe's buffer would stop a child far ahead),
    and one record per pass to a pipe that this process reads when it needs them.

    The starts are those `match_starts` finds in the text given: the child's text is compared
    with it by size, a pass not in the plan is searched here, and if the child cannot start,
    fails or is killed, this process searches what it has not sent."""

    def __init__(self, diff_text: bytes, plan: Sequence[Any]) -> None:
        self._plan = tuple(plan)
        self._index = {id(prefilter): at for at, prefilter in enumerate(self._plan)}
        self._found: dict[int, list[int]] = {}  # the starts of each pass searched, by pass
        self._size = -1  # the size of the child's text, once known
        self._child = 0
        self._pipe: Any = None
        self._file: Any = None
        self._claims: Any = None
        try:
            # imported here: a scan of a small diff, never searched early, does not pay for
            # fcntl, which the claims' lock needs
            import fcntl

            self._fcntl = fcntl
            self._claims = mmap.mmap(-1, max(1, len(self._plan)))
            self._file = _starts_file()
            read_end, write_end = os.pipe()
        except OSError:
            self._failed = True
            return
        try:
            self._child = os.fork()
        except OSError:
            os.close(read_end)
            os.close(write_end)
            self._failed = True
            return
        if self._child == 0:  # pragma: no cover - the child's coverage is not collected
            status = 1
            try:
                os.close(read_end)
                self._search(diff_text, write_end)
                status = 0
            finally:
                os._exit(status)  # no clean-up of the parent's state, no flush of its buffers
        os.close(write_end)
        self._pipe = os.fdopen(read_end, "rb")
        self._failed = False

    def _search(self, diff_text: bytes, out: int) -> None:  # pragma: no cover - in the child
        """The child's work: the plan's passes it claims, searched in order."""
        text = search_text(diff_text)
        fd, offset = self._file.fileno(), 0
        os.write(out, len(text).to_bytes(8, "little"))
        for at, prefilter in enumerate(self._plan):
            if not self._claim(at, _CHILD):
                continue
            data = array("q", match_starts(text, [prefilter])).tobytes()
            written = 0
            while written < len(data):
                written += os.pwrite(fd, data[written:], offset + written)
            os.write(out, b"".join(n.to_bytes(8, "little") for n in (at, offset, len(data))))
            offset += len(data)

    def __call__(self, text: bytes, prefilters: Sequence[Any]) -> list[int]:
        """`match_starts(text, prefilters)`, in another order."""
        if not self._failed and self._size < 0:
            self._size = self._read_size()
        if self._size != len(text):  # not the child's text, or the child failed first
            self.close()
            return match_starts(text, prefilters)
        starts: list[int] = []
        planned: list[int] = []
        for prefilter in prefilters:
            at = self._index.get(id(prefilter))
            if at is None:
                starts += match_starts(text, [prefilter])
            else:
                planned.append(at)
        for at in sorted(planned, reverse=True):  # the child's last first, until it has one
            if at in self._found:
                continue
            if self._failed or not self._claim(at, _PARENT):
                break
            self._found[at] = match_starts(text, [self._plan[at]])
        while not self._failed and any(at not in self._found for at in planned):
            self._receive()
        for at in planned:
            found = self._found.get(at)
            starts += match_starts(text, [self._plan[at]]) if found is None else found
        if len(self._found) == len(self._plan):
            self.close()  # nothing left it could send
        return starts

    def _claim(self, at: int, side: int) -> bool:
        """Whether pass `at` was nobody's and is now `side`'s. The claim is read and set under
        a POSIX record lock on the starts' file (`lockf`): such locks belong to a process, not
        to the descriptor the child shares, so the two processes' claims exclude each other
        (unlocked, both could read a pass as free and search it). The lock is advisory and its
        byte, past any offset the child writes at, is never read or written."""
        fd = self._file.fileno()
        self._fcntl.lockf(fd, self._fcntl.LOCK_EX, 1, _LOCKED_BYTE)
        try:
            if self._claims[at] != _FREE:
                return False
            self._claims[at] = side
            return True
        finally:
            self._fcntl.lockf(fd, self._fcntl.LOCK_UN, 1, _LOCKED_BYTE)

    def _read_size(self) -> int:
        data = self._pipe.read(8)
        if len(data) != 8:
            self.close()
            return -1
        return int.from_bytes(data, "little")

    def _receive(self) -> None:
        """One pass's starts from the child, or its failure."""
        record = self._pipe.read(_RECORD)
        if len(record) != _RECORD:
            self.close()
            return
        at, offset, size = (int.from_bytes(record[i : i + 8], "little") for i in (0, 8, 16))
        data = os.pread(self._file.fileno(), size, offset)
        if len(data) != size:
            self.close()
            return
        found = array("q")
        found.frombytes(data)
        self._found.setdefault(at, found.tolist())  # one this process searched too: its own

    def close(self) -> None:
        """Stop the child if it still runs, and let its resources go (idempotent): what it
        sent is kept, what it did not is searched here when asked."""
        self._failed = True
        if self._child > 0:
            with contextlib.suppress(OSError):  # it may have ended
                os.kill(self._child, signal.SIGKILL)  # only ever the child this started
            os.waitpid(self._child, 0)
            self._child = 0
        for held in (self._pipe, self._file, self._claims):
            if held is not None:
                held.close()
        self._pipe = self._file = self._claims = None
