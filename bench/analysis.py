"""Speed and memory of modeltier's analysis core on large PRs of five shapes, against floors.

    python bench/analysis.py [--files 3000] [--lines 200000] [--seed 1] [--repeat 5]
                             [--shapes own,ordinary,worst,css,bundle] [--profile SHAPE]
                             [--keep-dir DIR]

It generates (deterministically, see bench/gen_diff.py) a 3,000-file git diff with about 200,000
changed lines in each of five shapes: "own" (the project's own: 7% of files sensitive),
"ordinary" (routine lines of every file use ordinary words a generic rule matches, "discount",
"session", "token"; 40% tests and docs), "worst" (every file sensitive, most lines read), "css"
(every file a style sheet, a few class names with such words) and "bundle" (the project's own
with three compiled JavaScript bundles the policy does not exclude, each rebuilding one or two
minified lines of 100-900 kB full of such words: a line's cost must not grow faster than its
width); and a typical 20-file (~600-line) one. For each shape, in interleaved rounds (each round
measures every figure once, so a busy machine weighs on all of them alike), it measures:

- the analysis in-process, `decide(parse_diff(text), policy, PullRequestInfo())`, the policy
  loaded and compiled beforehand, after a warm-up;
- floor 1: `grep -E -c` (GNU grep, LC_ALL=C) of the policy's content patterns translated to ERE
  over the same diff on disk (the physical floor of a regex pass): the `(?i)` patterns in `-i`
  passes, the others in case-sensitive ones; inline `(?i:...)` groups are case-folded letter by
  letter, `^` anchors dropped (the core's pre-filter puts them after each line's marker: the
  floor finds more lines, not fewer); untranslatable patterns are counted. The patterns are not
  run as one alternation: grep's lazily built DFA keeps a bounded number of states and discards
  them all when it needs more, and the union of the ~90 patterns (their `\\b` contexts, their
  `.*`) overflows it on diffs with many candidate lines, so one pass took 2-6 s where each part
  takes 0.05-0.1 s. Before the rounds, the patterns are packed, in policy order, into as few
  passes as run at a one-pattern pass's speed on a 2 MB
  sample of the shape's diff (`grep_passes`); the floor is the time of all passes, run one
  after the other (their CPU is shown beside it): about 0.06 s a pass over a 16 MB diff, 4-7
  passes for the bundled policy (two passes, as when the policy had fewer rules, would be
  about 0.12 s, but grep cannot hold today's rules in two);
- floor 2: unidiff's full parse of the same text (`unidiff.PatchSet(text)`), in-process;
- the whole process `modeltier scan --diff SHAPE.diff --format json` (start-up included) against
  a whole process that only parses the same file with unidiff (`python -c "import unidiff;
  unidiff.PatchSet(...)"`); the project's bytecode is compiled first, as bench/startup.py does
  (`compile_bytecode`): unidiff is installed with its bytecode, and where PYTHONDONTWRITEBYTECODE
  is set each scan would otherwise compile every module from source (70-100 ms of CPU); a
  scan of a diff this large searches its pre-filter passes, and finds its path and guard rules'
  evidence and half of what its content rules ask of their lines, on two processes where the
  machine has two cores (`bot.searching`): its wall time then depends on a second core being
  idle, which the in-process figure, one process, does not;
- peak RSS (ru_maxrss) of a fresh child that runs the analysis, and of a child that only imports
  and loads the policy (the baseline), so the increment shows.

It prints, per shape, min and median of each figure and the ratios (of the minimums, and of the
medians) against the targets: in-process within 6x grep, whole process no slower than unidiff's,
peak RSS <= 150 MB. Then, for the start-up: policy load and compile apart, `modeltier scan` of
the small diff beside the interpreter floor (`python -c pass`), the bare import of bot.cli, the
8 slowest imports of a scan (`python -X importtime`), and the stages of a scan timed apart in a
fresh interpreter. `--profile SHAPE` adds cProfile's top functions for one analysis of that shape.

The load average is printed before and after: on a shared machine, CPU time is the steadier
figure, and only ratios measured in the same rounds compare.

It is a benchmark, not a test: the exit status is 0 whatever the figures (non-zero only if
something crashes).
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import hashlib
import io
import json
import os
import platform
import pstats
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.gen_diff import SHAPES, DiffStats, generate  # noqa: E402
from bench.startup import compile_bytecode  # noqa: E402

#: the analysis in-process against the grep floor, the whole process against unidiff's
TARGET_GREP_RATIO = 6.0
TARGET_UNIDIFF_RATIO = 1.0
TARGET_PEAK_RSS_MB = 150.0
TARGET_WHOLE_PROCESS_S = 0.3
SMALL_FILES, SMALL_LINES = 20, 600
SCAN_RUNS = 10

# A fresh interpreter that imports the core and loads the policy, then (given a file) analyses it
# and reports ru_maxrss (kB on Linux) after each stage.
_MEMORY_CHILD = """
import json, resource, sys, time
def rss():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
def hwm():
    try:
        with open("/proc/self/status") as f:
            return int(next(l for l in f if l.startswith("VmHWM")).split()[1])
    except (OSError, StopIteration, ValueError):
        return None
out = {"interpreter": rss()}
from bot.analysis.classify import matcher_for
from bot.analysis.decide import decide
from bot.analysis.diff import parse_diff
from bot.analysis.models import PullRequestInfo
from policies.loader import default_policy
policy = default_policy()
matcher_for(policy)
out["policy"] = rss()
if len(sys.argv) > 1:
    with open(sys.argv[1], encoding="utf-8") as f:
        text = f.read()
    out["text"] = rss()
    start = time.perf_counter()
    decision = decide(parse_diff(text), policy, PullRequestInfo())
    out["seconds"] = time.perf_counter() - start
    out["analysis"] = rss()
    out["risk"] = str(decision.risk)
out["vmhwm"] = hwm()
print(json.dumps(out))
"""

# The stages of a scan in a fresh interpreter, timed apart (ms); "warm" repeats the analysis in the
# same process, to show what the first run pays once (lazy imports, RE2's lazily built DFA).
_STAGES_CHILD = """
import json, sys, time
t = time.perf_counter()
out = {}
def mark(name):
    global t
    now = time.perf_counter()
    out[name] = (now - t) * 1000
    t = now
import bot.cli
mark("import bot.cli")
from policies.loader import default_policy
policy = default_policy()
mark("load policy")
from bot.analysis.classify import matcher_for
matcher_for(policy)
mark("compile policy")
from bot.analysis.decide import decide
from bot.analysis.diff import parse_diff
from bot.analysis.models import PullRequestInfo
with open(sys.argv[1], "rb") as f:
    data = f.read()
decision = decide(parse_diff(data), policy, PullRequestInfo())
mark("analyse")
import bot.render as render
if hasattr(render, "render_json"):
    render.render_json(decision)
else:
    decision.model_dump_json(indent=2)
mark("render json")
decide(parse_diff(data), policy, PullRequestInfo())
mark("analyse again (warm)")
print(json.dumps(out))
"""

# `modeltier scan` through bot.cli.main, with a stand-in JSON renderer if bot.render has none yet
# (used only when the real command fails, and said so in the output).
_SCAN_STANDIN = """
import sys
import bot.render as render
if not hasattr(render, "render_json"):
    render.render_json = lambda decision: decision.model_dump_json(indent=2)
from bot.cli import main
sys.exit(main(sys.argv[1:]))
"""


# --- small helpers ------------------------------------------------------------------------------


@dataclass
class Timing:
    """Wall-clock best and median (the figures), and the least CPU time (user + system) of a run:
    on a machine other processes keep busy, CPU time moves much less than wall time."""

    best: float
    median: float
    runs: int
    cpu: float

    def show(self) -> str:
        return f"best {_s(self.best)}, median {_s(self.median)} (CPU {_s(self.cpu)})"


def _time(fn: Callable[[], Any], repeat: int, warmup: int = 1) -> Timing:
    for _ in range(warmup):
        fn()
    times, cpus = [], []
    for _ in range(repeat):
        gc.collect()
        cpu = time.process_time()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    return Timing(min(times), statistics.median(times), repeat, min(cpus))


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run_timed(cmd: Sequence[str], repeat: int, warmup: int = 1, **kw: Any) -> tuple[Timing, Any]:
    last: Any = None
    for _ in range(warmup):
        last = subprocess.run(cmd, capture_output=True, check=False, **kw)
    times, cpus = [], []
    for _ in range(repeat):
        cpu = _children_cpu()
        start = time.perf_counter()
        last = subprocess.run(cmd, capture_output=True, check=False, **kw)
        times.append(time.perf_counter() - start)
        cpus.append(_children_cpu() - cpu)
    return Timing(min(times), statistics.median(times), repeat, min(cpus)), last


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    extra = env.get("PYTHONPATH")
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + extra if extra else "")
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    env["NO_COLOR"] = "1"
    return env


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def _s(seconds: float) -> str:
    return f"{seconds:.3f} s"


def _mark(ok: bool) -> str:
    return "PASS" if ok else "MISS"


# --- RE2 -> POSIX ERE, for the grep floor -------------------------------------------------------

_ERE_SPECIAL = set(".[]()*+?{}|^$\\")
_ESCAPES = {"d": "[0-9]", "D": "[^0-9]", "s": "[[:space:]]", "S": "[^[:space:]]",
            "w": "[[:alnum:]_]", "W": "[^[:alnum:]_]", "b": r"\b", "B": r"\B"}
_CLASS_ESCAPES = {"d": "0-9", "s": "[:space:]", "w": "[:alnum:]_"}
_REPEAT = re.compile(r"\{\d+(,\d*)?\}")


def _fold(ch: str) -> str:
    return f"[{ch.lower()}{ch.upper()}]" if ch.isalpha() else ch


def to_ere(pattern: str) -> tuple[bool, str] | None:
    """(case_insensitive, ERE) for an RE2 pattern, or None when it has no faithful translation.

    A leading `(?i)` becomes the `-i` pass; an inline `(?i:...)` group, and what follows a `(?i)`
    inside a pattern (to the end of its group), is case-folded letter by letter (`[aA]`); `(?:`
    becomes `(`; `^` anchors are dropped (the diff prefixes every line with its marker; the
    core's pre-filter puts them after it); lazy quantifiers become greedy (the same lines match);
    Perl classes become POSIX ones.
    """
    insensitive = pattern.startswith("(?i)")
    if insensitive:
        pattern = pattern[4:]
    out: list[str] = []
    folding = [False]  # per open group: inside a (?i:...) group
    i, n = 0, len(pattern)
    after_quantifier = False
    while i < n:
        c = pattern[i]
        fold = folding[-1]
        if c == "\\":
            if i + 1 >= n:
                return None
            e = pattern[i + 1]
            i += 2
            after_quantifier = False
            if e in _ESCAPES:
                out.append(_ESCAPES[e])
            elif e in _ERE_SPECIAL:
                out.append("\\" + e)
            elif not e.isalnum():
                out.append(e)  # '\-', '\/', '\<'...: a plain literal in ERE
            else:
                return None  # \A, \z, \pL, \x41, \n...
            continue
        if c == "[":
            j = i + 1
            parts = ["["]
            if pattern[j : j + 1] == "^":
                parts.append("^")
                j += 1
            if pattern[j : j + 1] == "]":
                parts.append("]")
                j += 1
            dash = False
            while j < n and pattern[j] != "]":
                ch = pattern[j]
                if ch == "\\":
                    if j + 1 >= n:
                        return None
                    e = pattern[j + 1]
                    j += 2
                    if e in _CLASS_ESCAPES:
                        parts.append(_CLASS_ESCAPES[e])
                    elif e == "-":
                        dash = True
                    elif e == "\\" or (not e.isalnum() and e not in "]^["):
                        parts.append(e)
                    else:
                        return None
                    continue
                if ch == "[" and pattern[j + 1 : j + 2] == ":":
                    end = pattern.find(":]", j)
                    if end < 0:
                        return None
                    parts.append(pattern[j : end + 2])
                    j = end + 2
                    continue
                if fold and ch.isalpha():
                    if pattern[j + 1 : j + 2] == "-" and pattern[j + 2 : j + 3].isalpha():
                        low, high = ch, pattern[j + 2]
                        parts.append(f"{low.lower()}-{high.lower()}{low.upper()}-{high.upper()}")
                        j += 3
                    else:
                        parts.append(ch.lower() + ch.upper())
                        j += 1
                    continue
                parts.append(ch)
                j += 1
            if j >= n:
                return None
            if dash:
                parts.append("-")
            parts.append("]")
            out.append("".join(parts))
            i = j + 1
            after_quantifier = False
            continue
        if c == "(":
            if pattern.startswith("(?i)", i):  # case-insensitive from here to the group's end
                folding[-1] = True
                i += 4
                continue
            if pattern.startswith("(?:", i):
                i += 3
                folding.append(fold)
            elif pattern.startswith("(?i:", i):
                i += 4
                folding.append(True)
            elif pattern.startswith("(?", i):
                return None  # other flags, named groups, look-around
            else:
                i += 1
                folding.append(fold)
            out.append("(")
            after_quantifier = False
            continue
        if c == ")":
            if len(folding) > 1:
                folding.pop()
            out.append(c)
            i += 1
            after_quantifier = False
            continue
        if c == "^":
            i += 1
            continue
        if c in "*+?":
            if c == "?" and after_quantifier:
                after_quantifier = False  # lazy -> greedy
            else:
                out.append(c)
                after_quantifier = True
            i += 1
            continue
        if c == "{":
            m = _REPEAT.match(pattern, i)
            if m:
                out.append(m.group(0))
                i = m.end()
                after_quantifier = True
                continue
            out.append("\\{")
            i += 1
            after_quantifier = False
            continue
        out.append(_fold(c) if fold else c)
        i += 1
        after_quantifier = False
    return insensitive, "".join(out)


def _grep_ok(args: list[str], env: dict[str, str]) -> bool:
    result = subprocess.run(
        ["grep", *args, "/dev/null"], capture_output=True, check=False, env=env
    )
    return result.returncode in (0, 1) and not result.stderr


@dataclass
class GrepPlan:
    """The policy's content patterns as ERE, split by case (`-i` for the `(?i)` ones)."""

    sensitive: list[str]
    insensitive: list[str]
    skipped: list[str]

    @property
    def translated(self) -> int:
        return len(self.sensitive) + len(self.insensitive)


def grep_plan(patterns: Sequence[str], env: dict[str, str]) -> GrepPlan:
    sensitive: list[str] = []
    insensitive: list[str] = []
    skipped: list[str] = []
    for pattern in patterns:
        translated = to_ere(pattern)
        if translated is None or not _grep_ok(["-E", "-e", translated[1]], env):
            skipped.append(pattern)
            continue
        (insensitive if translated[0] else sensitive).append(translated[1])
    return GrepPlan(sensitive, insensitive, skipped)


#: a pattern joins a pass unless it makes the pass this many times slower on the sample: the
#: cliff where grep's DFA starts to thrash is a jump of 5-10x from one pattern to the next, while
#: a pass that fits grows by a few per cent a pattern
_PASS_JUMP = 2.0
#: nor past this many times a one-pattern pass (building a pass's DFA costs a few ms a pattern on
#: the sample; 40 patterns that fit cost about 7x one, a union that thrashes 40-60x)
_PASS_CAP = 8.0
#: the part of a shape's diff the passes are packed on (the densest shapes show the blow-up)
_SAMPLE_BYTES = 2 << 20


def _grep_cpu(args: Sequence[str], path: Path, env: dict[str, str], runs: int = 2) -> float:
    best = float("inf")
    for _ in range(runs):
        before = _children_cpu()
        subprocess.run(["grep", *args, str(path)], capture_output=True, check=False, env=env)
        best = min(best, _children_cpu() - before)
    return best


def grep_passes(plan: GrepPlan, sample: Path, env: dict[str, str]) -> list[list[str]]:
    """The grep commands (arguments before the file) that together run every pattern: each an
    alternation of as many patterns as GNU grep's DFA runs at a single pattern's speed.

    One alternation of all ~90 patterns is not a floor: grep's lazily built DFA keeps at most
    1,024 states and throws them all away when it needs more, so on a diff with many candidate
    lines the union (its `\\b` contexts and its `.*` patterns multiply the states) rebuilds its
    states over and over and takes 2-6 s where each part takes 0.05 s. So patterns are packed,
    in policy order, into passes, a pattern starting a new pass when adding it would make the
    pass `_PASS_JUMP` times slower on a sample of the diff, or more than `_PASS_CAP` times a
    one-pattern pass; the floor is the sum of the passes.
    """
    passes: list[list[str]] = []
    for flags, patterns in (([], plan.sensitive), (["-i"], plan.insensitive)):
        if not patterns:
            continue
        current = [patterns[0]]
        cost = base = _grep_cpu(["-E", "-c", *flags, "-e", patterns[0]], sample, env)
        for pattern in patterns[1:]:
            wider = [*current, pattern]
            wider_cost = _grep_cpu(["-E", "-c", *flags, "-e", "|".join(wider)], sample, env)
            if wider_cost <= min(_PASS_JUMP * cost + 0.005, _PASS_CAP * base):
                current, cost = wider, wider_cost
            else:
                passes.append(["-E", "-c", *flags, "-e", "|".join(current)])
                current = [pattern]
                cost = _grep_cpu(["-E", "-c", *flags, "-e", pattern], sample, env)
        passes.append(["-E", "-c", *flags, "-e", "|".join(current)])
    return passes


# --- the measurements ---------------------------------------------------------------------------


_UNIDIFF_PROCESS = (
    "import sys, unidiff\n"
    "with open(sys.argv[1], encoding='utf-8') as f:\n"
    "    unidiff.PatchSet(f.read())\n"
)


def _timing(times: list[float], cpus: list[float]) -> Timing:
    return Timing(min(times), statistics.median(times), len(times), min(cpus))


@dataclass
class ShapeResult:
    """One shape's figures, every one measured once per round."""

    name: str
    stats: DiffStats
    analysis: Timing
    unidiff: Timing
    grep: Timing
    scan: Timing
    unidiff_process: Timing
    scan_detail: str
    flagged: str
    peak_mb: float
    increment_mb: float
    grep_passes: int = 0

    def ratio(self, figure: Timing, floor: Timing) -> str:
        return f"{figure.best / floor.best:.2f} (median {figure.median / floor.median:.2f})"


def measure_shape(
    name: str, text: str, path: Path, policy: Any, plan: GrepPlan | None, repeat: int,
    scan_cmd: Sequence[str], cwd: str,
) -> ShapeResult:
    """Every figure of one shape, in `repeat` interleaved rounds after a warm-up."""
    from unidiff.patch import PatchSet

    from bot.analysis.decide import decide
    from bot.analysis.diff import parse_diff
    from bot.analysis.models import PullRequestInfo

    grep_env = dict(os.environ, LC_ALL="C")
    passes: list[list[str]] = []
    if plan is not None:
        sample = path.with_suffix(".sample")
        cut = text.rfind("\n", 0, _SAMPLE_BYTES) + 1 or len(text)
        sample.write_text(text[:cut], encoding="utf-8")
        passes = grep_passes(plan, sample, grep_env)
    greps = [["grep", *args, str(path)] for args in passes]
    env = _child_env()
    unidiff_cmd = [sys.executable, "-c", _UNIDIFF_PROCESS, str(path)]
    decision = decide(parse_diff(text), policy, PullRequestInfo())  # the warm-up
    runs: dict[str, tuple[list[float], list[float]]] = {
        key: ([], []) for key in ("analysis", "unidiff", "grep", "scan", "unidiff_process")
    }

    def timed(key: str, fn: Callable[[], Any], children: bool = False) -> Any:
        gc.collect()
        clock = _children_cpu if children else time.process_time
        cpu = clock()
        start = time.perf_counter()
        result = fn()
        runs[key][0].append(time.perf_counter() - start)
        runs[key][1].append(clock() - cpu)
        return result

    last_scan: Any = None
    for _ in range(repeat):
        decision = timed("analysis", lambda: decide(parse_diff(text), policy, PullRequestInfo()))
        timed("unidiff", lambda: PatchSet(text))
        if greps:
            timed("grep", lambda: [
                subprocess.run(cmd, capture_output=True, check=False, env=grep_env)
                for cmd in greps
            ], children=True)
        last_scan = timed("scan", lambda: subprocess.run(
            scan_cmd, capture_output=True, check=False, env=env, cwd=cwd), children=True)
        timed("unidiff_process", lambda: subprocess.run(
            unidiff_cmd, capture_output=True, check=True, env=env), children=True)
    base = memory_child(None)
    child = memory_child(str(path))
    flagged = ", ".join(f"{a.id} {len(a.files)}" for a in decision.areas) or "none"
    no_grep = Timing(float("nan"), float("nan"), 0, float("nan"))
    return ShapeResult(
        name=name,
        stats=DiffStats(),
        analysis=_timing(*runs["analysis"]),
        unidiff=_timing(*runs["unidiff"]),
        grep=_timing(*runs["grep"]) if greps else no_grep,
        scan=_timing(*runs["scan"]),
        unidiff_process=_timing(*runs["unidiff_process"]),
        scan_detail=_scan_ok(last_scan)[1],
        flagged=f"risk {decision.risk}; areas: {flagged}",
        peak_mb=child["analysis"] / 1024,
        increment_mb=(child["analysis"] - base["policy"]) / 1024,
        grep_passes=len(greps),
    )


def memory_child(diff_path: str | None) -> dict[str, Any]:
    """Run _MEMORY_CHILD in a fresh interpreter and return its report.

    Linux carries a process's RSS high-water mark over fork and exec (exec records the old mm's
    peak in the signal struct), so a child forked from this large process would report this
    process's peak. A small shell forks the child instead: a fork starts ru_maxrss afresh.
    """
    cmd = ["sh", "-c", '"$0" "$@"; exit $?', sys.executable, "-c", _MEMORY_CHILD]
    cmd += [diff_path] if diff_path else []
    result = subprocess.run(cmd, capture_output=True, check=False, env=_child_env(), text=True)
    if result.returncode != 0:
        raise RuntimeError(f"memory child failed: {result.stderr.strip()[-500:]}")
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def _scan_ok(result: subprocess.CompletedProcess[bytes]) -> tuple[bool, str]:
    try:
        data = json.loads(result.stdout)
    except ValueError:
        err = result.stderr.decode("utf-8", "replace").strip().splitlines()
        return False, f"exit {result.returncode}: {err[-1] if err else 'no JSON on stdout'}"
    return True, f"exit {result.returncode}, risk {data.get('risk')}, verdict {data.get('verdict')}"


def scan_stages(diff_path: str, cwd: str, runs: int = 5) -> dict[str, float]:
    """Min over runs of each stage of _STAGES_CHILD (ms)."""
    best: dict[str, float] = {}
    for _ in range(runs):
        result = subprocess.run(
            [sys.executable, "-c", _STAGES_CHILD, diff_path], capture_output=True, check=False,
            env=_child_env(), cwd=cwd, text=True,
        )
        if result.returncode != 0:
            raise RuntimeError(f"stages child failed: {result.stderr.strip()[-500:]}")
        for name, ms in json.loads(result.stdout).items():
            best[name] = min(ms, best.get(name, ms))
    return best


def _load(own: float = 0.0) -> str:
    """The load average, flagged when other processes compete for the CPUs (`own`: what this
    benchmark itself adds, about 1 right after it ran)."""
    try:
        one, five, _ = os.getloadavg()
    except OSError:
        return "load average unknown"
    busy = " - OTHER PROCESSES ARE BUSY: figures are inflated" if one > own + 0.5 else ""
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min){busy}"


def _policy_fingerprint() -> str:
    path = ROOT / "policies" / "default.yml"
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    except OSError:
        return "?"


def import_times(cmd: Sequence[str], cwd: str, runs: int = 3) -> list[tuple[str, int, int, int]]:
    """(module, depth, self us, cumulative us), min over runs, from -X importtime."""
    best: dict[str, tuple[int, int, int]] = {}
    for _ in range(runs):
        result = subprocess.run(
            [sys.executable, "-X", "importtime", *cmd], capture_output=True, check=False,
            env=_child_env(), cwd=cwd, text=True,
        )
        for line in result.stderr.splitlines():
            m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
            if not m:
                continue
            own, cumulative, depth, name = int(m[1]), int(m[2]), len(m[3]) // 2, m[4]
            old = best.get(name)
            if old is None or cumulative < old[2]:
                best[name] = (depth, own, cumulative)
    return [(name, d, own, cum) for name, (d, own, cum) in best.items()]


def profile_analysis(text: str, policy: Any, limit: int = 14) -> str:
    from bot.analysis.decide import decide
    from bot.analysis.diff import parse_diff
    from bot.analysis.models import PullRequestInfo

    profiler = cProfile.Profile()
    profiler.enable()
    decide(parse_diff(text), policy, PullRequestInfo())
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(limit)
    stats.sort_stats("cumulative").print_stats(limit)
    lines = [line for line in out.getvalue().splitlines() if line.strip()]
    keep = [line for line in lines if not line.lstrip().startswith(("Ordered by", "List reduced"))]
    return "\n".join("    " + line.replace(str(ROOT) + "/", "")[:150] for line in keep)


# --- the report ---------------------------------------------------------------------------------


def _stats_line(label: str, stats: DiffStats, seconds: float) -> str:
    return f"{label} (generated in {seconds:.1f} s): {stats.summary(sep=chr(10) + '  ')}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=3000, help="files in the big diff")
    parser.add_argument("--lines", type=int, default=200_000, help="changed lines in the big diff")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5, help="rounds (after one warm-up)")
    parser.add_argument("--shapes", default=",".join(SHAPES),
                        help=f"comma-separated, of {', '.join(SHAPES)}")
    parser.add_argument("--profile", choices=SHAPES, help="cProfile of one analysis of a shape")
    parser.add_argument("--keep-dir", help="write the generated diffs here (default: temp dir)")
    args = parser.parse_args(argv)
    repeat = max(1, args.repeat)
    unknown = set(args.shapes.split(",")) - set(SHAPES)
    if unknown:
        parser.error(f"unknown shapes {', '.join(sorted(unknown))}: of {', '.join(SHAPES)}")

    workdir = Path(args.keep_dir or tempfile.mkdtemp(prefix="modeltier-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        return _bench(args, repeat, workdir)
    finally:
        if not args.keep_dir:
            shutil.rmtree(workdir, ignore_errors=True)


def _bench(args: argparse.Namespace, repeat: int, workdir: Path) -> int:
    p = print
    p(f"modeltier analysis benchmark - Python {platform.python_version()}, {os.cpu_count()} CPUs, "
      f"seed {args.seed}, {repeat} interleaved rounds after a warm-up")
    p(f"before: {_load()}")
    compile_bytecode()  # as bench/startup.py: the processes load what an install has

    # 1. the small diff (the big ones are made shape by shape)
    small_text, small_stats = generate(SMALL_FILES, SMALL_LINES, args.seed)
    p(f"small diff: {small_stats.summary(sep=chr(10) + '  ')}")
    small_path = workdir / "small.diff"
    small_path.write_text(small_text, encoding="utf-8")

    # 2. policy load and compile, apart (cold in this process, then best of N)
    import policies.loader as loader
    from bot.analysis.classify import Matcher, matcher_for

    start = time.perf_counter()
    policy = loader.default_policy()
    cold_load = time.perf_counter() - start
    start = time.perf_counter()
    Matcher.compile(policy)
    cold_compile = time.perf_counter() - start

    def reload() -> None:  # drop the per-process caches, so each load does the whole work
        for fn in (getattr(loader, "_default_source", None), loader.default_policy):
            clear = getattr(fn, "cache_clear", None)
            if clear is not None:
                clear()
        loader.default_policy()

    load_t = _time(reload, repeat, warmup=0)
    compile_t = _time(lambda: Matcher.compile(policy), repeat, warmup=0)
    policy = loader.default_policy()
    matcher_for(policy)  # compiled before anything is timed
    patterns = [rule.pattern for area in policy.active_areas().values() for rule in area.content]
    p()
    p(f"policy load (YAML + validation)          first {_ms(cold_load)}, best {_ms(load_t.best)}"
      "  (the first includes lazy imports)")
    p(f"policy compile (RE2 set + pre-filter +   first {_ms(cold_compile)}, "
      f"best {_ms(compile_t.best)}")
    n_paths = sum(len(a.paths) for a in policy.active_areas().values())
    p(f"  path specs)  policies/default.yml sha256 {_policy_fingerprint()}: {len(patterns)} "
      f"content rules, {n_paths} area path patterns, {len(policy.exclude)} exclusions")

    # 3. the shapes, each against its floors in the same rounds
    plan = grep_plan(patterns, dict(os.environ, LC_ALL="C")) if shutil.which("grep") else None
    if plan is None:
        p("grep not found: no grep floor")
    else:
        p(f"grep floor: {plan.translated} of {len(patterns)} patterns translated to ERE, "
          f"{len(plan.skipped)} skipped"
          + (f" (e.g. {plan.skipped[0][:40]!r})" if plan.skipped else ""))
    scan_cmd = _scan_command()
    # One scan first leaves the bundled policy's artefact (`policies/bundled.py`), as a user's
    # first run does: without it each child validates the policy, which imports pydantic and
    # YAML (19 MB more of every peak RSS below, on a checkout no scan had run in), so the
    # figures are those of every later start, as bench/startup.py's are.
    ok, said = _scan_ok(subprocess.run(
        [*scan_cmd, "scan", "--diff", str(small_path), "--format", "json"],
        capture_output=True, check=False, env=_child_env(), cwd=str(workdir)))
    if not ok:
        p(f"warning: the first scan failed ({said}): the figures below may include validating "
          "the policy")
    results: list[ShapeResult] = []
    for shape in args.shapes.split(","):
        start = time.perf_counter()
        text, stats = generate(args.files, args.lines, args.seed, shape=shape)
        p()
        p(_stats_line(f"shape {shape}", stats, time.perf_counter() - start))
        path = workdir / f"{shape}.diff"
        path.write_text(text, encoding="utf-8")
        result = measure_shape(shape, text, path, policy, plan, repeat,
                               [*scan_cmd, "scan", "--diff", str(path), "--format", "json"],
                               str(workdir))
        result.stats = stats
        results.append(result)
        _show_shape(result)
        if args.profile == shape:
            p(f"cProfile of one in-process analysis of shape {shape} (own time, then cumulative):")
            p(profile_analysis(text, policy))

    # 4. whole process on the small diff
    env = _child_env()
    scan_args = ["scan", "--diff", str(small_path), "--format", "json"]
    cwd = str(workdir)  # no .github/modeltier.yml there: the bundled policy, as in-process
    label = " ".join([Path(scan_cmd[-1]).name, *scan_args[:2], "small", *scan_args[3:]])
    scan_t, last = _run_timed([*scan_cmd, *scan_args], SCAN_RUNS, env=env, cwd=cwd)
    ok, detail = _scan_ok(last)
    p()
    p(f"whole process: {label}")
    p(f"  {scan_t.show()} of {SCAN_RUNS}  ({detail})")
    whole = scan_t
    if not ok:
        standin_t, standin_last = _run_timed(
            [sys.executable, "-c", _SCAN_STANDIN, *scan_args], SCAN_RUNS, env=env, cwd=cwd
        )
        _, standin_detail = _scan_ok(standin_last)
        p("  the command FAILED, so the target is judged on a stand-in: the same bot.cli.main "
          "with decision.model_dump_json as the JSON renderer:")
        p(f"  stand-in {standin_t.show()}  ({standin_detail})")
        whole = standin_t
    floor_t, _ = _run_timed([sys.executable, "-c", "pass"], SCAN_RUNS, env=env, cwd=cwd)
    import_t, _ = _run_timed([sys.executable, "-c", "import bot.cli"], SCAN_RUNS, env=env, cwd=cwd)
    p(f"  python -c pass: {floor_t.show()}")
    p(f"  python -c 'import bot.cli': {import_t.show()}")
    imports = import_times(["-c", _SCAN_STANDIN, *scan_args] if not ok
                           else ["-m", "bot.cli", *scan_args], cwd)
    top_cum = sorted(imports, key=lambda r: -r[3])[:8]
    top_self = sorted(imports, key=lambda r: -r[2])[:8]
    p("  slowest imports of a scan (-X importtime, min of 3; cumulative, nesting depth in dots):")
    p("    " + "; ".join(f"{'.' * d}{n} {c / 1000:.0f}" for n, d, _, c in top_cum) + " (ms)")
    p("  by self time:")
    p("    " + "; ".join(f"{n} {s / 1000:.1f}" for n, _, s, _ in top_self) + " (ms)")
    stages = scan_stages(str(small_path), cwd)
    p("  stages of a scan in a fresh process (min of 5): "
      + ", ".join(f"{name} {ms:.0f}" for name, ms in stages.items()) + " (ms)")

    # 5. targets
    p()
    p(f"after: {_load(own=1.0)}")
    p(f"{'target':<44} {'goal':<8} {'figure':<21} mark")
    for r in results:
        grep_ratio = r.analysis.best / r.grep.best
        process_ratio = r.scan.best / r.unidiff_process.best
        p(f"{r.name + ': in-process / grep -E':<44} {'<= 6x':<8} "
          f"{r.ratio(r.analysis, r.grep):<21} {_mark(grep_ratio <= TARGET_GREP_RATIO)}")
        p(f"{r.name + ': whole process / unidiff process':<44} {'<= 1':<8} "
          f"{r.ratio(r.scan, r.unidiff_process):<21} "
          f"{_mark(process_ratio <= TARGET_UNIDIFF_RATIO)}")
        p(f"{r.name + ': peak RSS of the analysis child':<44} {'<= 150':<8} "
          f"{f'{r.peak_mb:.0f} MB':<21} {_mark(r.peak_mb <= TARGET_PEAK_RSS_MB)}")
    p(f"{'whole process, small diff (best)':<44} {'<= 0.3 s':<8} {_s(whole.best):<21} "
      f"{_mark(whole.best <= TARGET_WHOLE_PROCESS_S)}"
      + ("" if ok else "  (stand-in: the real command failed)"))
    p(f"  scan of the small diff / python floor {whole.best / floor_t.best:.1f}x")
    return 0


def _scan_command() -> list[str]:
    """`modeltier` as installed (what a user runs), or `python -m bot.cli` without it."""
    exe = shutil.which("modeltier") or shutil.which(
        "modeltier", path=str(Path(sys.executable).parent)
    )
    return [exe] if exe else [sys.executable, "-m", "bot.cli"]


def _show_shape(r: ShapeResult) -> None:
    p = print
    p(f"  analysis in-process           {r.analysis.show()}   ({r.flagged})")
    p(f"  floor grep -E -c, {r.grep_passes} passes  {r.grep.show()}")
    p(f"  floor unidiff.PatchSet(text)  {r.unidiff.show()}")
    p(f"  whole process: scan           {r.scan.show()}   ({r.scan_detail})")
    p(f"  floor process: unidiff parse  {r.unidiff_process.show()}")
    p(f"  ratios (min, and of medians): in-process/grep {r.ratio(r.analysis, r.grep)}, "
      f"in-process/unidiff {r.ratio(r.analysis, r.unidiff)}, whole process/unidiff process "
      f"{r.ratio(r.scan, r.unidiff_process)}")
    p(f"  peak RSS (ru_maxrss) of a fresh analysis child {r.peak_mb:.0f} MB "
      f"(+{r.increment_mb:.0f} MB over a child that only loads the policy)")


if __name__ == "__main__":
    sys.exit(main())
