"""The workers the broker tests start in process groups of their own die with the test process,
however it dies: a pytest killed with -9 must not leave Celery workers consuming the shared Redis."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.webhooks._scale import dying_with_this_process

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="the kernel's parent-death signal is Linux's")

#: A stand-in for the test process: starts `argv` as `WorkerProcess` does (a session of its own),
#: prints its pid, and waits to be killed.
_PARENT = (
    "import json, subprocess, sys, time\n"
    "child = subprocess.Popen(json.loads(sys.argv[1]), start_new_session=True)\n"
    "print(child.pid, flush=True)\n"
    "time.sleep(120)\n"
)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _orphan_of_killed_parent(argv: list[str]) -> int:
    """Start `argv` from a stand-in parent, SIGKILL the parent, return the child's pid."""
    with subprocess.Popen([sys.executable, "-c", _PARENT, json.dumps(argv)],
                          stdout=subprocess.PIPE, text=True) as parent:
        assert parent.stdout is not None
        child = int(parent.stdout.readline())
        parent.kill()
        parent.wait(30)
    return child


def _gone_within(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not _alive(pid):
            return True
        time.sleep(0.05)
    return False


def test_a_wrapped_child_dies_with_its_parent() -> None:
    child = _orphan_of_killed_parent(dying_with_this_process(["sleep", "60"]))
    assert _gone_within(child, 10), "the wrapped child outlived its killed parent"


def test_an_unwrapped_child_outlives_its_parent() -> None:
    """The counter-example: without the wrapper the child runs on, so the test above can fail."""
    child = _orphan_of_killed_parent(["sleep", "60"])
    try:
        assert not _gone_within(child, 1)
    finally:
        os.kill(child, signal.SIGKILL)
