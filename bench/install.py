"""What each install costs, and how fast the CLI starts.

    python bench/install.py [--rounds N] [--skip-install]

Measured in one run, each against a floor taken in the same run:

- `pip install` wall time and site-packages size (pip and setuptools not counted) in a fresh
  virtual environment with a cold pip cache, for the base package (`pip install .`: the analysis
  core and the CLI, all the pre-commit hooks need), for `.[github]` (the Action), for
  `.[service]` (the webhook service; before the packaging split this was what every install
  carried, so it is the baseline the base install is compared with), and for the floor
  `pip install unidiff pyyaml` (the two parsing libraries any diff reader would need);
- `python -X importtime -c "import bot.cli"`: the cumulative import time of the CLI module;
- whole-process `modeltier scan --diff examples/billing-refund.diff --body ...` against
  `python3 -c pass`, min and median over interleaved rounds.

Targets (issue 8): base install <= 25 MB of site-packages and <= 30% of the service install's
time; the scan <= 0.15 s whole process on this machine. The installs reach PyPI; everything else
is local. It is a benchmark: the exit status is 0 whatever the figures.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_DIFF = ROOT / "examples" / "billing-refund.diff"
EXAMPLE_BODY = ROOT / "examples" / "billing-refund.md"

TARGET_BASE_MB = 25.0
TARGET_TIME_SHARE = 0.30
TARGET_SCAN_S = 0.15
_NOT_COUNTED = ("pip", "setuptools", "_distutils_hack", "distutils-precedence.pth")


def _site_packages(venv: Path) -> Path:
    return next((venv / "lib").glob("python3*/site-packages"))


def _size_mb(site: Path) -> float:
    total = 0
    for entry in site.iterdir():
        name = entry.name.lower()
        if name.startswith(_NOT_COUNTED) or name.split("-")[0] in ("pip", "setuptools"):
            continue
        paths = [entry] if entry.is_file() else [p for p in entry.rglob("*") if p.is_file()]
        total += sum(p.stat().st_size for p in paths)
    return total / 1e6


def _install(what: list[str], work: Path) -> tuple[float, float, int]:
    """(seconds, site-packages MB, distributions) for a fresh venv with a cold pip cache."""
    venv = work / f"venv-{len(list(work.iterdir()))}"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    env = {**os.environ, "PIP_CACHE_DIR": str(work / f"cache-{venv.name}"),
           "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    started = time.perf_counter()
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", *what],
                   check=True, env=env, cwd=ROOT)
    seconds = time.perf_counter() - started
    site = _site_packages(venv)
    dists = sum(1 for p in site.glob("*.dist-info") if not p.name.startswith(("pip-", "setup")))
    return seconds, _size_mb(site), dists


def _wall(argv: list[str], rounds: int) -> list[float]:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        subprocess.run(argv, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - started)
    return times


def _import_time_ms() -> float:
    result = subprocess.run([sys.executable, "-X", "importtime", "-c", "import bot.cli"],
                            capture_output=True, text=True, check=True, cwd=ROOT)
    for line in result.stderr.splitlines():
        fields = [f.strip() for f in line.removeprefix("import time:").split("|")]
        if len(fields) == 3 and fields[2] == "bot.cli":
            return int(fields[1]) / 1000
    raise RuntimeError("bot.cli not in the import-time report")


def _startup(rounds: int) -> None:
    modeltier = Path(sys.executable).with_name("modeltier")
    scan = [str(modeltier), "scan", "--diff", str(EXAMPLE_DIFF), "--body", str(EXAMPLE_BODY)]
    bare = [sys.executable, "-c", "pass"]
    scan_times: list[float] = []
    bare_times: list[float] = []
    for _ in range(rounds):  # interleaved, so drift affects both alike
        scan_times += _wall(scan, 1)
        bare_times += _wall(bare, 1)
    s_min, s_med = min(scan_times), statistics.median(scan_times)
    b_min, b_med = min(bare_times), statistics.median(bare_times)
    verdict = "PASS" if s_med <= TARGET_SCAN_S else "MISS"
    print(f"import bot.cli (cumulative, -X importtime): {_import_time_ms():.0f} ms")
    print(f"modeltier scan of the example, whole process: min {s_min * 1000:.0f} ms, "
          f"median {s_med * 1000:.0f} ms (target <= {TARGET_SCAN_S * 1000:.0f} ms: {verdict})")
    print(f"  floor python3 -c pass: min {b_min * 1000:.0f} ms, median {b_med * 1000:.0f} ms; "
          f"ratio {s_med / b_med:.1f}x")


def _installs() -> None:
    with tempfile.TemporaryDirectory(prefix="modeltier-install-") as tmp:
        work = Path(tmp)
        rows = [
            ("floor: unidiff pyyaml", _install(["unidiff", "pyyaml"], work)),
            ("base: .", _install(["."], work)),
            ("github: .[github]", _install([".[github]"], work)),
            ("service: .[service] (the old base)", _install([".[service]"], work)),
        ]
    print(f"{'install':38} {'seconds':>8} {'MB':>7} {'dists':>6}")
    for name, (seconds, mb, dists) in rows:
        print(f"{name:38} {seconds:8.1f} {mb:7.1f} {dists:6d}")
    base_s, base_mb = rows[1][1][0], rows[1][1][1]
    service_s = rows[3][1][0]
    floor_s = rows[0][1][0]
    share = base_s / service_s
    print(f"base site-packages {base_mb:.1f} MB (target <= {TARGET_BASE_MB:.0f} MB: "
          f"{'PASS' if base_mb <= TARGET_BASE_MB else 'MISS'})")
    verdict = "PASS" if share <= TARGET_TIME_SHARE else "MISS"
    print(f"base install time {share:.0%} of the service install's "
          f"(target <= {TARGET_TIME_SHARE:.0%}: {verdict}); {base_s / floor_s:.1f}x the floor")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=15, help="start-up rounds (default 15)")
    parser.add_argument("--skip-install", action="store_true", help="start-up figures only")
    args = parser.parse_args()
    if not args.skip_install:
        _installs()
    _startup(args.rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
