"""`bench/startup.py`: a measured `modeltier scan` runs the code of the checkout the benchmark
is in, even where the `modeltier` script was installed from another checkout (a worktree of an
older commit measured beside main)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bench.startup import ROOT, checkout_env


def test_the_checkout_comes_first_on_the_path(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    env = checkout_env()
    assert env["PYTHONPATH"].split(os.pathsep) == [str(ROOT), str(tmp_path)]
    # a child started elsewhere, as the benchmark starts it, imports this checkout's modules
    found = subprocess.run(
        [sys.executable, "-c", "import bot.cli; print(bot.cli.__file__)"], cwd=tmp_path,
        env=env, capture_output=True, text=True, check=True).stdout.strip()
    assert Path(found).resolve().is_relative_to(ROOT)
