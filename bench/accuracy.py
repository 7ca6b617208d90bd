"""Accuracy of modeltier's classifier: on real commits (`--real`), and on the hand-written corpus.

    python bench/accuracy.py --real [--fold K | --hide-fold K] [--corpus-file FILE] [--policy FILE]
                             [--mirrors DIR] [--contents] [--titles] [--tiers]
    python bench/accuracy.py [--verbose] [--policy FILE] [--cases all|dev|heldout]

`--real` evaluates the real-commit corpus (`bench/corpus/*.yml`, diffs from local git mirrors; see
`bench/realcorpus.py`; the commits whose mirror is absent are named and left out) and prints, for
`critical` recall and precision, area recall, and tier agreement (targets 0.95, 0.90, 0.85, 0.85):
the whole corpus (with each figure's 95% interval over its repositories drawn again, which says how
much a set of that many repositories can tell), each of 5 folds of repositories (a repository's
commits are all in one fold; the spread across folds is how far a figure can be trusted on
repositories nobody tuned on), each repository, area, stack and trap kind, and then every miss and
false alarm with the label's reason and the evidence behind the decision. `--hide-fold K` keeps
fold K's cases out of the listing (its totals stay) and leaves the files added after tuning
(`realcorpus.BLIND_FILES`, the fresh*.yml files) out of every figure: the view to tune with.
`--fold K` lists only fold K's. The listed folds also get a tier confusion matrix each (expected
against decided tier, for the commits whose `critical` is right: the shape rules' own agreement);
`--tiers` lists those commits' tier disagreements with the shape figures behind them.
`--corpus-file FILE` evaluates the labels of one corpus file alone (e.g. `bench/corpus/fresh.yml`,
the commits added after the rules were tuned), with the same tables. `--contents` gives the core
the changed files' contents too, as `scan --git` does (the definitions a change is made in,
`bot/analysis/enclosing.py`); without it, the diff alone, as `scan --diff` gives it. `--titles`
gives it each commit's subject as the pull request's title (a squash-merged PR's commit subject
is its title), as the App and the Action give the PR's: an area's `titles` phrases read it.

Without `--real` it evaluates the hand-written regression corpus (tests/fixtures/corpus):

Runs the pure core (`decide(parse_diff(text), policy, PullRequestInfo())`) over every case in
`expected.yml` and prints:

- precision and recall of `critical` (positive = the label says critical), against the targets
  recall >= 0.97 and precision >= 0.93, with PASS/MISS;
- precision and recall per area (the labelled area set against the detected area set);
- risk and tier accuracy;
- the same figures for a held-out view: the cases of the rust, csharp and php stacks;
- every mismatching case (risk, tier or area set), expected against got, with the evidence behind
  each false-positive area (path, line, rule, snippet). `--verbose` also lists the evidence of
  the cases that match.

`--policy FILE` evaluates a complete policy file instead of the bundled default (e.g. an older
`default.yml`, to compare before and after a tuning). `--cases` limits the mismatch listing to
the development or the held-out cases; the figures always cover both.

It is a benchmark: the exit status is 0 whatever the figures.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.realcorpus import (  # noqa: E402
    BLIND_FILES,
    Label,
    load_label_file,
    load_labels,
    materialise,
    materialise_sources,
    materialise_title,
    mirror_roots,
)
from bot.analysis.decide import decide  # noqa: E402
from bot.analysis.diff import parse_diff  # noqa: E402
from bot.analysis.models import AreaResult, Decision, PullRequestInfo  # noqa: E402
from policies.loader import default_policy, load_policy  # noqa: E402
from policies.model import Policy  # noqa: E402

CORPUS = ROOT / "tests" / "fixtures" / "corpus"
EXPECTED = CORPUS / "expected.yml"

TARGET_RECALL = 0.97
TARGET_PRECISION = 0.93

# Stacks whose cases form the held-out view. A case's stack is its folder, except in folders
# that mix stacks (payments/), where a name ending in "-<stack>" names it.
HELD_OUT_STACKS = ("rust", "csharp", "php")
_STACK_SUFFIXES = ("java", "ruby", "php", "go", "rust", "python", "csharp", "node")


@dataclass(frozen=True)
class Case:
    name: str
    risk: str
    areas: frozenset[str]
    tier: str
    why: str

    @property
    def stack(self) -> str:
        folder, _, file = self.name.partition("/")
        stem = file.removesuffix(".diff")
        for suffix in _STACK_SUFFIXES:
            if stem.endswith("-" + suffix):
                return suffix
        return folder

    @property
    def held_out(self) -> bool:
        return self.stack in HELD_OUT_STACKS


@dataclass(frozen=True)
class Result:
    case: Case
    decision: Decision

    @property
    def risk(self) -> str:
        return str(self.decision.risk)

    @property
    def tier(self) -> str:
        return self.decision.tier

    @property
    def areas(self) -> frozenset[str]:
        return frozenset(a.id for a in self.decision.areas)

    @property
    def risk_ok(self) -> bool:
        return self.risk == self.case.risk

    @property
    def tier_ok(self) -> bool:
        return self.tier == self.case.tier

    @property
    def areas_ok(self) -> bool:
        return self.areas == self.case.areas

    @property
    def ok(self) -> bool:
        return self.risk_ok and self.tier_ok and self.areas_ok

    def area(self, area_id: str) -> AreaResult | None:
        return next((a for a in self.decision.areas if a.id == area_id), None)


def load_cases(path: Path = EXPECTED) -> list[Case]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        Case(
            name=name,
            risk=str(label["risk"]),
            areas=frozenset(label.get("areas") or ()),
            tier=str(label["tier"]),
            why=str(label.get("why", "")),
        )
        for name, label in sorted(data.items())
    ]


def load_policy_file(path: Path) -> Policy:
    """A complete policy file (not merged over the bundled default)."""
    text = path.read_text(encoding="utf-8")
    return load_policy("extends: none\n" + text, name=str(path))


def run(policy: Policy | None = None, cases: Sequence[Case] | None = None) -> list[Result]:
    policy = policy or default_policy()
    cases = load_cases() if cases is None else cases
    results = []
    for case in cases:
        diff = parse_diff((CORPUS / case.name).read_bytes())
        results.append(Result(case, decide(diff, policy, PullRequestInfo())))
    return results


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, expected: bool, got: bool) -> None:
        if expected and got:
            self.tp += 1
        elif got:
            self.fp += 1
        elif expected:
            self.fn += 1
        else:
            self.tn += 1

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def support(self) -> int:
        return self.tp + self.fn


@dataclass
class Metrics:
    cases: int = 0
    critical: Counts = field(default_factory=Counts)
    areas: dict[str, Counts] = field(default_factory=dict)
    risk_correct: int = 0
    tier_correct: int = 0
    areas_correct: int = 0

    @property
    def recall(self) -> float | None:
        return self.critical.recall

    @property
    def precision(self) -> float | None:
        return self.critical.precision


def measure(results: Iterable[Result], area_ids: Sequence[str] = ()) -> Metrics:
    metrics = Metrics(areas={a: Counts() for a in area_ids})
    for r in results:
        metrics.cases += 1
        metrics.critical.add(r.case.risk == "critical", r.risk == "critical")
        metrics.risk_correct += r.risk_ok
        metrics.tier_correct += r.tier_ok
        metrics.areas_correct += r.areas_ok
        for area_id in sorted(r.case.areas | r.areas | set(metrics.areas)):
            metrics.areas.setdefault(area_id, Counts()).add(
                area_id in r.case.areas, area_id in r.areas
            )
    return metrics


def _fmt(value: float | None) -> str:
    return "  n/a" if value is None else f"{value:.3f}"


def _mark(value: float | None, target: float) -> str:
    return "PASS" if value is not None and value >= target else "MISS"


def _share(n: int, total: int) -> str:
    return f"{n}/{total} = {n / total:.3f}" if total else "n/a"


def report_metrics(title: str, m: Metrics, out: list[str]) -> None:
    c = m.critical
    out.append(f"== {title} ({m.cases} cases) ==")
    out.append(
        f"critical recall    {_fmt(c.recall)}  (target >= {TARGET_RECALL:.2f})  "
        f"{_mark(c.recall, TARGET_RECALL)}   [tp {c.tp}, fn {c.fn}]"
    )
    out.append(
        f"critical precision {_fmt(c.precision)}  (target >= {TARGET_PRECISION:.2f})  "
        f"{_mark(c.precision, TARGET_PRECISION)}   [tp {c.tp}, fp {c.fp}]"
    )
    out.append(f"risk accuracy      {_share(m.risk_correct, m.cases)}")
    out.append(f"tier accuracy      {_share(m.tier_correct, m.cases)}")
    out.append(f"area-set exact     {_share(m.areas_correct, m.cases)}")
    out.append("")
    out.append(f"  {'area':<15} {'precision':>9} {'recall':>7} {'tp':>4} {'fp':>4} {'fn':>4}")
    for area_id, counts in m.areas.items():
        if not (counts.tp or counts.fp or counts.fn):
            out.append(f"  {area_id:<15} {'-':>9} {'-':>7} {0:>4} {0:>4} {0:>4}")
            continue
        out.append(
            f"  {area_id:<15} {_fmt(counts.precision):>9} {_fmt(counts.recall):>7} "
            f"{counts.tp:>4} {counts.fp:>4} {counts.fn:>4}"
        )
    out.append("")


def _evidence_lines(area: AreaResult, indent: str) -> list[str]:
    lines = []
    for e in area.evidence:
        where = e.path if e.line is None else f"{e.path}:{e.line} ({e.side})"
        lines.append(f"{indent}{where}  [{e.rule}]  {e.snippet}")
    if area.evidence_total > len(area.evidence):
        lines.append(f"{indent}... {area.evidence_total - len(area.evidence)} more")
    return lines


def _names(areas: Iterable[str]) -> str:
    return "[" + ", ".join(sorted(areas)) + "]"


def report_case(r: Result, out: list[str], all_evidence: bool) -> None:
    c = r.case
    flags = [
        name
        for name, ok in (("RISK", r.risk_ok), ("TIER", r.tier_ok), ("AREAS", r.areas_ok))
        if not ok
    ]
    held = "  (held-out)" if c.held_out else ""
    out.append(f"{c.name}{held}  {' '.join(flags) or 'ok'}")
    out.append(f"    expected: {c.risk:<8} {c.tier:<13} {_names(c.areas)}")
    out.append(f"    got:      {r.risk:<8} {r.tier:<13} {_names(r.areas)}")
    out.append(f"    why: {c.why}")
    for area_id in sorted(r.areas - c.areas):
        area = r.area(area_id)
        assert area is not None
        out.append(f"    false positive {area_id}:")
        out.extend(_evidence_lines(area, "      "))
    for area_id in sorted(c.areas - r.areas):
        out.append(f"    missed {area_id}: no evidence found")
    if all_evidence:
        for area_id in sorted(r.areas & c.areas):
            area = r.area(area_id)
            assert area is not None
            out.append(f"    {area_id}:")
            out.extend(_evidence_lines(area, "      "))


# ------------------------------------------------------------------ the real-commit corpus
REAL_TARGETS = {"critical recall": 0.95, "critical precision": 0.90, "area recall": 0.85,
                "tier agreement": 0.85}


@dataclass(frozen=True)
class RealResult:
    label: Label
    decision: Decision

    @property
    def critical(self) -> bool:
        return str(self.decision.risk) == "critical"

    @property
    def areas(self) -> frozenset[str]:
        return frozenset(a.id for a in self.decision.areas if str(a.risk) == "critical")

    @property
    def tier_ok(self) -> bool:
        return self.decision.tier == self.label.tier


@dataclass
class RealMetrics:
    n: int = 0
    critical: Counts = field(default_factory=Counts)
    area_hits: int = 0
    area_total: int = 0
    area_false: int = 0
    tier_ok: int = 0

    def add(self, r: RealResult) -> None:
        self.n += 1
        self.critical.add(r.label.critical, r.critical)
        if r.label.critical:
            self.area_total += len(r.label.areas)
            self.area_hits += len(r.label.areas & r.areas)
        if r.critical:
            self.area_false += len(r.areas - r.label.areas - r.label.mentions)
        self.tier_ok += r.tier_ok

    @property
    def figures(self) -> dict[str, float | None]:
        return {
            "critical recall": self.critical.recall,
            "critical precision": self.critical.precision,
            "area recall": self.area_hits / self.area_total if self.area_total else None,
            "tier agreement": self.tier_ok / self.n if self.n else None,
        }


def real_run(policy: Policy, labels: Sequence[Label], roots: Sequence[Path],
             contents: bool = False, titles: bool = False) -> tuple[list[RealResult], list[Label]]:
    """Each commit's decision; with `contents`, given the changed files' contents as `scan
    --git` gives them (the definitions a change is made in), else the diff alone; with
    `titles`, given the commit's subject as the pull request's title."""
    results, missing = [], []
    for label in labels:
        text = materialise(label, roots)
        sources = materialise_sources(label, roots) if contents and text is not None else ()
        title = materialise_title(label, roots) if titles and text is not None else ""
        if text is None or sources is None or title is None:
            missing.append(label)
            continue
        pr = PullRequestInfo(sources=sources, repository=label.repo, title=title)
        results.append(RealResult(label, decide(parse_diff(text), policy, pr)))
    return results, missing


#: how many times `repository_interval` draws the repositories again, and the draws' seed (fixed,
#: so that a run's intervals are the same on every run)
BOOTSTRAP_DRAWS = 1000
BOOTSTRAP_SEED = 52


def repository_interval(results: Sequence[RealResult], draws: int = BOOTSTRAP_DRAWS,
                        seed: int = BOOTSTRAP_SEED) -> dict[str, tuple[float, float] | None]:
    """Each figure's 95% interval when the repositories are drawn again with replacement (a
    bootstrap by repository): a repository's commits share its conventions and its labeller, so
    they are not independent draws, and the spread that matters is over repositories. It says
    how far a figure can move by the luck of which repositories a set holds: a change smaller
    than a blind set's interval cannot show on that set."""
    per_repo = []
    for rs in _group(results, lambda r: [r.label.repo]).values():
        m = _real_metrics(rs)
        per_repo.append((m.critical.tp, m.critical.fp, m.critical.fn, m.area_hits,
                         m.area_total, m.tier_ok, m.n))
    if not per_repo:
        return dict.fromkeys(REAL_TARGETS)
    rng = random.Random(seed)
    samples: dict[str, list[float]] = {name: [] for name in REAL_TARGETS}
    for _ in range(draws):
        tp, fp, fn, hits, areas, tier_ok, n = (sum(col) for col in zip(
            *rng.choices(per_repo, k=len(per_repo)), strict=True))
        for name, num, den in (("critical recall", tp, tp + fn),
                               ("critical precision", tp, tp + fp),
                               ("area recall", hits, areas), ("tier agreement", tier_ok, n)):
            if den:
                samples[name].append(num / den)
    return {name: _middle_95(values) if len(values) > 1 else None
            for name, values in samples.items()}


def _middle_95(values: list[float]) -> tuple[float, float]:
    """The values' 2.5th and 97.5th percentiles: what 95 draws in 100 fall between."""
    cuts = statistics.quantiles(values, n=40, method="inclusive")
    return cuts[0], cuts[-1]


def _real_metrics(results: Iterable[RealResult]) -> RealMetrics:
    m = RealMetrics()
    for r in results:
        m.add(r)
    return m


def _figure_row(name: str, m: RealMetrics, width: int) -> str:
    cells = " ".join(f"{_fmt(v):>9}" for v in m.figures.values())
    c = m.critical
    return f"  {name:<{width}} {m.n:>4} {cells}   [tp {c.tp} fp {c.fp} fn {c.fn}]"


def _figure_table(title: str, groups: dict[str, list[RealResult]], out: list[str]) -> None:
    width = max([len(k) for k in groups] + [12])
    out.append(f"== {title} ==")
    out.append(f"  {'':<{width}} {'n':>4} {'crit-rec':>9} {'crit-prec':>9} {'area-rec':>9} "
               f"{'tier':>9}")
    for name, rs in groups.items():
        out.append(_figure_row(name, _real_metrics(rs), width))
    out.append("")


def _group(results: Sequence[RealResult], key: Callable[[RealResult], Iterable[str]]
           ) -> dict[str, list[RealResult]]:
    groups: dict[str, list[RealResult]] = {}
    for r in results:
        for k in key(r):
            groups.setdefault(k, []).append(r)
    return dict(sorted(groups.items()))


def _real_case(r: RealResult, out: list[str]) -> None:
    label = r.label
    kind = "MISS" if label.critical and not r.critical else (
        "FALSE ALARM" if r.critical and not label.critical else "AREAS")
    trap = f", trap: {label.trap_kind}" if label.trap else ""
    out.append(f"{kind}  {label.id}  ({label.repo} {label.sha[:12]}, fold {label.fold}, "
               f"{label.stack}{trap})")
    out.append(f"    expected: {'critical' if label.critical else 'not critical':<12} "
               f"{label.tier:<13} {_names(label.areas)}")
    out.append(f"    got:      {r.decision.risk!s:<12} {r.decision.tier:<13} "
               f"{_names(r.areas)}")
    out.append(f"    why: {label.reason}")
    for area in r.decision.areas:
        if area.id in r.areas - label.areas:
            out.append(f"    false {area.id}:")
            out.extend(_evidence_lines(area, "      ")[:4])


#: the tiers as the matrices list them, strongest first
_TIER_ORDER = ("premium", "long-context", "context-heavy", "everyday")


def tier_matrices(results: Sequence[RealResult], listed: bool = False) -> list[str]:
    """Expected against decided tier, fold by fold, for the commits whose `critical` is right
    (a false alarm is premium and a miss is not, whatever the shape rules say, so those say
    nothing of the tier rules and are counted apart); with `listed`, every such commit whose
    tier disagrees, with the shape figures the tier was chosen from."""
    out = ["== TIERS BY FOLD (commits whose critical is right: rows expected, columns got) =="]
    wrong: list[RealResult] = []
    for fold, rs in _group(results, lambda r: [f"fold {r.label.fold}"]).items():
        right = [r for r in rs if r.critical == r.label.critical]
        cells = Counter((r.label.tier, r.decision.tier) for r in right)
        agree = sum(r.tier_ok for r in right)
        out.append(f"  {fold}: {agree}/{len(right)} agree; {len(rs) - len(right)} more with "
                   f"critical wrong, of which {sum(not r.tier_ok for r in rs if r not in right)}"
                   " disagree")
        out.append(f"    {'':<14}" + "".join(f"{t:>14}" for t in _TIER_ORDER))
        for expected in _TIER_ORDER:
            out.append(f"    {expected:<14}"
                       + "".join(f"{cells[expected, got]:>14}" for got in _TIER_ORDER))
        wrong.extend(r for r in right if not r.tier_ok)
    out.append("")
    if listed:
        out.append(f"== TIER DISAGREEMENTS, CRITICAL RIGHT ({len(wrong)}) ==")
        for r in sorted(wrong, key=lambda r: (r.label.tier, r.decision.tier, r.label.id)):
            s = r.decision.signals
            out.append(f"  {r.label.tier} -> {r.decision.tier}  {r.label.id} (fold "
                       f"{r.label.fold}, {r.decision.risk}): {s.counted_lines} lines in "
                       f"{s.counted_files} counted files, {s.doc_lines} lines in {s.doc_files} "
                       f"docs and contracts ({s.doc_share:.0%})")
            out.append(f"      why: {r.label.reason}")
        out.append("")
    return out


def real_main(args: argparse.Namespace, policy: Policy) -> int:
    labels = load_label_file(args.corpus_file) if args.corpus_file else load_labels()
    if args.hide_fold is not None:
        # the tuning view: the blind files are judged once, alone (--corpus-file), so none of
        # their figures, not even a fold's or a repository's totals, may steer a rule
        labels = [label for label in labels if label.source not in BLIND_FILES]
    results, missing = real_run(policy, labels, mirror_roots(args.mirrors), args.contents,
                                args.titles)
    repos = sorted({r.label.repo for r in results})
    out = [f"modeltier real-commit benchmark: {len(results)} commits from {len(repos)} "
           f"repositories ({len(labels)} labelled in {args.corpus_file or 'bench/corpus/*.yml'}; "
           f"{len(missing)} without a local mirror), policy "
           f"{args.policy or 'policies/default.yml (bundled)'}"
           f"{', with the changed files contents' if args.contents else ', diffs alone'}"
           f"{', the commit subject as the PR title' if args.titles else ''}"]
    if missing:
        absent = sorted({m.repo for m in missing})
        out.append(f"  no mirror for {len(absent)} repositories: {', '.join(absent)}")
    out.append("")
    total = _real_metrics(results)
    out.append("== ALL ==")
    for name, value in total.figures.items():
        target = REAL_TARGETS[name]
        out.append(f"  {name:<19} {_fmt(value)}  (target >= {target:.2f})  {_mark(value, target)}")
    c = total.critical
    out.append(f"  [critical: tp {c.tp}, fp {c.fp}, fn {c.fn}, tn {c.tn}; areas found "
               f"{total.area_hits}/{total.area_total}; extra critical areas {total.area_false}]")
    spans = ", ".join(f"{name} {span[0]:.3f}-{span[1]:.3f}"
                      for name, span in repository_interval(results).items() if span)
    out.append(f"  [95% interval, its {len(repos)} repositories drawn again {BOOTSTRAP_DRAWS:,} "
               f"times: {spans}]")
    out.append("")
    by_fold = _group(results, lambda r: [f"fold {r.label.fold}"])
    _figure_table("BY FOLD OF REPOSITORIES (leave-repositories-out view)", by_fold, out)
    fold_figures = [_real_metrics(rs).figures for rs in by_fold.values()]
    for name in REAL_TARGETS:
        values = [f[name] for f in fold_figures if f[name] is not None]
        if values:
            out.append(f"  {name:<19} fold min {min(values):.3f}  mean "
                       f"{sum(values) / len(values):.3f}  max {max(values):.3f}")
    out.append("")
    for fold, rs in by_fold.items():
        out.append(f"  {fold}: " + ", ".join(sorted({r.label.repo for r in rs})))
    out.append("")
    _figure_table("BY REPOSITORY", _group(results, lambda r: [r.label.repo]), out)
    _figure_table("BY LABELLED AREA (critical commits)",
                  _group(results, lambda r: sorted(r.label.areas)), out)
    _figure_table("BY STACK", _group(results, lambda r: [r.label.stack]), out)
    _figure_table("BY TRAP KIND", _group(
        results, lambda r: [r.label.trap_kind or "not a trap"]), out)
    shown = [r for r in results
             if (args.fold is None or r.label.fold == args.fold)
             and (args.hide_fold is None or r.label.fold != args.hide_fold)]
    out.extend(tier_matrices(shown, args.tiers))
    wrong = [r for r in shown if r.critical != r.label.critical
             or (r.label.critical and not r.label.areas <= r.areas)]
    wrong.sort(key=lambda r: (r.critical, r.label.fold, r.label.id))
    out.append(f"== MISSES, FALSE ALARMS AND MISSED AREAS ({len(wrong)} of {len(shown)} listed) ==")
    for r in wrong:
        _real_case(r, out)
    print("\n".join(out))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--verbose", "-v", action="store_true", help="evidence of every case")
    parser.add_argument("--policy", type=Path, help="a complete policy file to evaluate")
    parser.add_argument(
        "--cases",
        choices=("all", "dev", "heldout"),
        default="all",
        help="which cases the mismatch listing shows (figures always cover all)",
    )
    parser.add_argument("--real", action="store_true", help="the real-commit corpus")
    parser.add_argument("--mirrors", type=Path, action="append", default=[],
                        help="a folder of git mirrors (owner+name/), repeatable")
    parser.add_argument("--fold", type=int, help="with --real: list only this fold's cases")
    parser.add_argument("--hide-fold", type=int,
                        help="with --real: list all but this fold's cases; leave the blind "
                             "files out of every figure")
    parser.add_argument("--contents", action="store_true",
                        help="with --real: give the core the changed files' contents, as "
                             "scan --git does (read from the mirrors, cached)")
    parser.add_argument("--titles", action="store_true",
                        help="with --real: give the core each commit's subject as the pull "
                             "request's title, as the App and the Action give the PR's")
    parser.add_argument("--tiers", action="store_true",
                        help="with --real: list the listed folds' tier disagreements among the "
                             "commits whose critical is right")
    parser.add_argument("--corpus-file", type=Path,
                        help="with --real: only the labels of this corpus file")
    args = parser.parse_args(argv)

    policy = load_policy_file(args.policy) if args.policy else default_policy()
    if args.real:
        return real_main(args, policy)
    area_ids = list(policy.active_areas())
    results = run(policy)
    dev = [r for r in results if not r.case.held_out]
    held = [r for r in results if r.case.held_out]

    out: list[str] = []
    out.append(
        f"modeltier corpus benchmark: {len(results)} cases, policy "
        f"{args.policy or 'policies/default.yml (bundled)'}"
    )
    out.append(
        "Split: 'held-out' = the cases of the stacks "
        + ", ".join(HELD_OUT_STACKS)
        + " (their folders, plus payments/*-<stack>.diff); 'development' = all the others. "
        "Compare the two to see whether tuning on the development cases overfit."
    )
    out.append("")
    report_metrics("ALL", measure(results, area_ids), out)
    report_metrics("DEVELOPMENT (all stacks but the held-out ones)", measure(dev, area_ids), out)
    report_metrics(
        "HELD-OUT (stacks " + ", ".join(HELD_OUT_STACKS) + ")", measure(held, area_ids), out
    )

    shown = {"all": results, "dev": dev, "heldout": held}[args.cases]
    bad = [r for r in shown if not r.ok]
    order = sorted(bad, key=lambda r: (r.risk_ok, r.tier_ok, r.case.name))
    risk_bad = sum(not r.risk_ok for r in bad)
    out.append(f"== MISMATCHES ({args.cases}: {len(bad)} cases; {risk_bad} with the wrong risk) ==")
    for r in order:
        report_case(r, out, args.verbose)
    if args.verbose:
        out.append("")
        out.append("== MATCHING CASES ==")
        for r in shown:
            if r.ok:
                report_case(r, out, True)
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    try:
        main()
    except BrokenPipeError:  # piped into head
        pass
    sys.exit(0)
