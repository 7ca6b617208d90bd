"""Which rules are weak evidence, learnt from the real-commit corpus and judged by repository.

    python bench/strengths.py [--threshold P] [--min-support N] [--min-repos N]
                              [--emit-from FOLDS] [--mirrors DIR]

A rule is weak (`Area.weak` in the policy) when, alone, it mostly fires on changes that are not
critical: on the training commits where it is the only rule that found its area's evidence, the
share of commits labelled critical is below `--threshold` (default 0.5), over at least
`--min-support` such commits whose false alarms come from at least `--min-repos` repositories
(both 1 by default: asking for more learns almost nothing from a corpus of this size, where a
rule is rarely the only evidence of a false alarm). The commits of the blind corpus files
(`realcorpus.BLIND_FILES`) are left out of every figure, as the tuning view of `bench/accuracy.py`
leaves them: they are judged once, alone, with `--corpus-file`.

For each fold k of repositories (`bench/realcorpus.py`), the weak rules are learnt from the
other folds only and fold k is measured with them: the pooled figures of those five measurements
are the cross-validated ones, the honest estimate on repositories nobody tuned on. They are
printed beside the current policy's (`policies/default.yml` as it is) and the policy with no weak
rule at all, in the same run. Only totals are printed: no case of any fold is listed.

`--emit-from 1,2,3,4` also prints the weak rules learnt from those folds alone, as the `weak:`
lists to put in `policies/default.yml`, so the fold left out (0) stays a held-out check.

It is a benchmark: the exit status is 0 whatever the figures.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.accuracy import RealResult, _figure_row, _real_metrics  # noqa: E402
from bench.realcorpus import FOLDS, Label, by_fold, development_labels, materialise, mirror_roots  # noqa: E402
from bot.analysis.classify import classify  # noqa: E402
from bot.analysis.decide import decide  # noqa: E402
from bot.analysis.diff import parse_diff  # noqa: E402
from bot.analysis.models import PullRequestInfo  # noqa: E402
from policies.loader import default_policy  # noqa: E402
from policies.model import Policy, Risk  # noqa: E402

#: (area id, rule as `Area.weak_keys` names it)
Rule = tuple[str, str]


@dataclass(frozen=True)
class Commit:
    label: Label
    text: bytes
    #: by critical area, the rules that found its evidence
    rules: dict[str, tuple[str, ...]]


def _commits(policy: Policy, labels: Sequence[Label], roots: Sequence[Path]) -> list[Commit]:
    commits = []
    for label in labels:
        text = materialise(label, roots)
        if text is None:
            continue
        found = classify(parse_diff(text), policy)
        critical = {a.id for a in found.areas if policy.areas[a.id].risk == Risk.CRITICAL}
        commits.append(Commit(label, text, {
            area: tuple(rules) for area, rules in found.rules.items() if area in critical
        }))
    return commits


@dataclass
class _Tally:
    critical: int = 0
    not_critical: int = 0
    false_repos: set[str] | None = None

    @property
    def support(self) -> int:
        return self.critical + self.not_critical


def learn(commits: Iterable[Commit], threshold: float, min_support: int, min_repos: int
          ) -> dict[Rule, _Tally]:
    """The weak rules of the training commits, with their tallies (see the module docstring)."""
    tallies: dict[Rule, _Tally] = {}
    for commit in commits:
        for area, rules in commit.rules.items():
            if len(rules) != 1:
                continue
            tally = tallies.setdefault((area, rules[0]), _Tally(false_repos=set()))
            if commit.label.critical:
                tally.critical += 1
            else:
                tally.not_critical += 1
                assert tally.false_repos is not None
                tally.false_repos.add(commit.label.repo)
    return {
        rule: t for rule, t in tallies.items()
        if t.support >= min_support and t.critical / t.support < threshold
        and len(t.false_repos or ()) >= min_repos
    }


def with_weak(policy: Policy, weak: Iterable[Rule]) -> Policy:
    """The policy with exactly these weak rules (its own `weak` lists replaced)."""
    by_area: dict[str, list[str]] = {}
    for area, key in weak:
        prefix = f"{area}."
        by_area.setdefault(area, []).append(key.removeprefix(prefix))
    areas = {
        area_id: area.replace(weak=sorted(by_area.get(area_id, [])))
        for area_id, area in policy.areas.items()
    }
    return policy.replace(areas=areas)


def measure(policy: Policy, commits: Iterable[Commit]) -> list[RealResult]:
    return [RealResult(c.label, decide(parse_diff(c.text), policy, PullRequestInfo()))
            for c in commits]


def _table(title: str, rows: dict[str, list[RealResult]], out: list[str]) -> None:
    width = max(len(k) for k in rows)
    out.append(f"== {title} ==")
    out.append(f"  {'':<{width}} {'n':>4} {'crit-rec':>9} {'crit-prec':>9} {'area-rec':>9} "
               f"{'tier':>9}")
    out.extend(_figure_row(name, _real_metrics(rs), width) for name, rs in rows.items())
    out.append("")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threshold", type=float, default=0.5)
    parser.add_argument("--min-support", type=int, default=1)
    parser.add_argument("--min-repos", type=int, default=1)
    parser.add_argument("--emit-from", help="folds to learn the policy's weak rules from: 1,2,3,4")
    parser.add_argument("--mirrors", type=Path, action="append", default=[])
    args = parser.parse_args(argv)

    policy = default_policy()
    commits = _commits(policy, development_labels(), mirror_roots(args.mirrors))
    folds = by_fold(commits)
    fitted = {
        k: learn((c for j, fold in enumerate(folds) if j != k for c in fold),
                 args.threshold, args.min_support, args.min_repos)
        for k in range(FOLDS)
    }
    current = {k: measure(policy, folds[k]) for k in range(FOLDS)}
    none = {k: measure(with_weak(policy, ()), folds[k]) for k in range(FOLDS)}
    learnt = {k: measure(with_weak(policy, fitted[k]), folds[k]) for k in range(FOLDS)}

    out = [f"modeltier weak-rule cross-validation: {len(commits)} commits, threshold "
           f"{args.threshold}, min support {args.min_support}, min repositories "
           f"{args.min_repos}", ""]
    for name, runs in (("current policy (default.yml as it is)", current),
                       ("no weak rules", none),
                       ("weak rules learnt from the other folds (cross-validated)", learnt)):
        rows = {f"fold {k}": runs[k] for k in range(FOLDS)}
        rows["pooled"] = [r for k in range(FOLDS) for r in runs[k]]
        rows["pooled 1-4"] = [r for k in range(1, FOLDS) for r in runs[k]]
        _table(name, rows, out)
    out.append("== weak rules learnt per fold (trained without it) ==")
    for k in range(FOLDS):
        out.append(f"  fold {k}: {len(fitted[k])}: "
                   + ", ".join(f"{area}:{key}" for area, key in sorted(fitted[k])))
    out.append("")
    if args.emit_from:
        train = {int(k) for k in args.emit_from.split(",")}
        weak = learn((c for c in commits if c.label.fold in train),
                     args.threshold, args.min_support, args.min_repos)
        out.append(f"== weak rules learnt from folds {sorted(train)} (for default.yml) ==")
        by_area: dict[str, list[tuple[str, _Tally]]] = {}
        for (area, key), tally in sorted(weak.items()):
            by_area.setdefault(area, []).append((key.removeprefix(f"{area}."), tally))
        for area, entries in by_area.items():
            out.append(f"  {area}:")
            out.append("    weak:")
            for key, tally in entries:
                out.append(f"      - {key!r:<40} # alone: {tally.critical}/{tally.support} "
                           f"critical, false alarms in {len(tally.false_repos or ())} repos")
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    main()
    sys.exit(0)
