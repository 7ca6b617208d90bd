"""Does a learned weighting of the classifier's signals generalise better than the policy's rules?

    python bench/weights.py [--threshold P] [--l2 L] [--mirrors DIR]

The policy decides an area critical when a rule of it fires and the evidence is not set aside
(mechanical, removed, renamed, metadata) or weak alone (`Area.weak`). This benchmark asks whether
weighing how the rules fired would do better, judged by repository: for each commit of the
development corpus (the blind files, `realcorpus.BLIND_FILES`, left out as `bench/strengths.py`
leaves them), each area of critical risk the core found, at any strength, is a candidate, and
its features (`FEATURES`) say how the core found it: by path or content, on added or removed
lines, by an API or only by words, in hunk headers (the enclosing symbol), guards or comments, in
how many files and rules, weak or not, beside which set-aside reasons and which other areas, and
whether the core counted it critical. A candidate is right when the label names its area.

A logistic regression (plain Python: Newton's method with an L2 penalty, deterministic) is fitted
on four folds of repositories (`bench/realcorpus.py`) and predicts the fifth; a commit is
critical when one of its candidates is predicted at `--threshold` or more (or when the core made
it critical for a file it could not read). Two models: one over every area with a bias of its
own for each (`pooled`), and one per area (`per area`). Their pooled cross-validated figures are
printed beside the current policy's on the same commits, and the weights fitted on folds 1-4 (so
fold 0 stays a held-out check) show what the model learnt. The pooled model is also measured at
other thresholds (`SWEEP`), the curve of recall against precision it can trade along, to set
beside the policy's one point. Only totals are printed: no case of any fold is listed.

It is a benchmark: the exit status is 0 whatever the figures.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.accuracy import RealResult  # noqa: E402
from bench.realcorpus import FOLDS, Label, by_fold, development_labels, materialise, mirror_roots  # noqa: E402
from bench.strengths import _table  # noqa: E402
from bot.analysis.classify import Classification, classify  # noqa: E402
from bot.analysis.decide import _shape_tier, _strongest, decide  # noqa: E402
from bot.analysis.diff import parse_diff  # noqa: E402
from bot.analysis.guards import GUARD_KINDS  # noqa: E402
from bot.analysis.models import AreaResult, Decision, PullRequestInfo  # noqa: E402
from bot.analysis.ranking import generic_rules  # noqa: E402
from policies.loader import default_policy  # noqa: E402
from policies.model import Policy, Risk  # noqa: E402

#: what each feature says of a candidate area, in the order of its weight
FEATURES = (
    "bias",
    "counted critical",  # the core's own answer: not weak alone, not set aside
    "weak rules only",  # every rule that found it is one the policy calls weak
    "by path",  # a path pattern of the area matched a changed file
    "by an API",  # a content rule that names code (not words: `ranking.is_generic_pattern`)
    "by words only",  # content rules, all generic, and no path
    "on added lines",
    "on removed lines only",  # content found only on lines the change removes
    "in a hunk header",  # the definition the change is made in (`headers`, `enclosing`)
    "by a guard",  # a changed condition or a removed guard (`guards`)
    "by a comment",  # what a comment says it guards against (`comments`)
    "rules (log)",
    "files (log)",
    "evidence (log)",
    "other critical areas",  # how many other areas the core counted critical
    "mechanical set aside",
    "removal set aside",
    "renames set aside",
    "metadata set aside",
    "changed lines (log)",
    "docs share",
)


@dataclass(frozen=True)
class Candidate:
    area: str
    features: tuple[float, ...]
    truth: bool  # the label names the area


@dataclass(frozen=True)
class Commit:
    label: Label
    decision: Decision
    candidates: tuple[Candidate, ...]
    #: the core made it critical for something no area says (a file it could not read)
    uninspected: bool


def _rule_kinds(policy: Policy) -> dict[str, str]:
    """Each content rule's kind as evidence names it (`<area>.<id>`): header, guard, comment or
    line (a rule that reads changed lines)."""
    kinds: dict[str, str] = {}
    for area_id, area in policy.active_areas().items():
        for index, rule in enumerate(area.content):
            key = f"{area_id}.{rule.id or f'content[{index}]'}"
            kinds[key] = ("header" if rule.headers or rule.enclosing else
                          "comment" if rule.comments else "line")
        for kind in GUARD_KINDS:  # as guard evidence names its rule: `<area>.<kind>`
            kinds[f"{area_id}.{kind}"] = "guard"
    return kinds


def features(area: AreaResult, rules: Sequence[str], found: Classification, decision: Decision,
             kinds: dict[str, str], generic: frozenset[str]) -> tuple[float, ...]:
    """The candidate's features, in the order of `FEATURES`."""
    prefix = f"{area.id}."
    by_path = any(not rule.startswith(prefix) or rule == f"{area.id}.owners" for rule in rules)
    lines = [rule for rule in rules if kinds.get(rule) == "line"]
    sides = {e.side for e in area.evidence}
    others = sum(1 for a in decision.areas if a.id != area.id and a.risk == Risk.CRITICAL)
    values = {
        "bias": 1.0,
        "counted critical": area.risk == Risk.CRITICAL,
        "weak rules only": area.weak_evidence is not None,
        "by path": by_path,
        "by an API": any(rule not in generic for rule in lines),
        "by words only": bool(lines) and not by_path and all(rule in generic for rule in lines),
        "on added lines": "new" in sides,
        "on removed lines only": "old" in sides and not sides & {"new", "path"},
        "in a hunk header": any(kinds.get(rule) == "header" for rule in rules),
        "by a guard": any(kinds.get(rule) == "guard" for rule in rules),
        "by a comment": any(kinds.get(rule) == "comment" for rule in rules),
        "rules (log)": math.log1p(len(rules)),
        "files (log)": math.log1p(len(area.files)),
        "evidence (log)": math.log1p(area.evidence_total),
        "other critical areas": min(others, 3),
        "mechanical set aside": found.mechanical_lines > 0,
        "removal set aside": bool(found.removed_lines or found.removed_paths),
        "renames set aside": bool(found.renamed_paths),
        "metadata set aside": bool(found.metadata_lines or found.metadata_paths),
        "changed lines (log)": math.log1p(decision.signals.counted_lines),
        "docs share": decision.signals.doc_share,
    }
    return tuple(float(values[name]) for name in FEATURES)


def _commits(policy: Policy, labels: Sequence[Label], roots: Sequence[Path]) -> list[Commit]:
    kinds, generic = _rule_kinds(policy), generic_rules(policy)
    critical_areas = {a for a, area in policy.active_areas().items() if area.risk == Risk.CRITICAL}
    commits = []
    for label in labels:
        text = materialise(label, roots)
        if text is None:
            continue
        diff = parse_diff(text)
        found, decision = classify(diff, policy), decide(diff, policy, PullRequestInfo())
        candidates = tuple(
            Candidate(area.id, features(area, found.rules.get(area.id, ()), found, decision,
                                        kinds, generic), area.id in label.areas)
            for area in decision.areas if area.id in critical_areas
        )
        uninspected = decision.risk == Risk.CRITICAL and not any(
            area.risk == Risk.CRITICAL for area in decision.areas)
        commits.append(Commit(label, decision, candidates, uninspected))
    return commits


Weights = tuple[float, ...]
#: the thresholds the pooled regression is also measured at
SWEEP = (0.2, 0.3, 0.4, 0.6, 0.7)
#: a fitted model: a candidate's probability of being right
Predictor = Callable[[Candidate], float]


def sigmoid(z: float) -> float:
    """The logistic function, written so that neither branch's exponential overflows."""
    return 1 / (1 + math.exp(-z)) if z >= 0 else math.exp(z) / (1 + math.exp(z))


def _solve(matrix: list[list[float]], vector: list[float]) -> list[float]:
    """x with matrix @ x = vector (Gaussian elimination, partial pivoting; the matrix is the
    penalised Hessian, positive definite)."""
    n = len(vector)
    rows = [[*matrix[i], vector[i]] for i in range(n)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(rows[r][col]))
        rows[col], rows[pivot] = rows[pivot], rows[col]
        for r in range(col + 1, n):
            factor = rows[r][col] / rows[col][col]
            if factor:
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[col], strict=True)]
    out = [0.0] * n
    for r in reversed(range(n)):
        out[r] = (rows[r][n] - sum(rows[r][c] * out[c] for c in range(r + 1, n))) / rows[r][r]
    return out


def fit(rows: Sequence[tuple[Sequence[float], bool]], width: int, l2: float,
        iterations: int = 30) -> Weights:
    """The `width` weights of a logistic regression of the rows' truth on their features:
    Newton's method on the log-loss plus `l2` times half the squared weights (every weight, the
    bias too, so a feature no training row varies stays at 0 and a separable fold stays
    finite; no rows, all 0)."""
    n = width
    w = [0.0] * n
    for _ in range(iterations):
        grad = [l2 * wi for wi in w]
        hess = [[l2 if i == j else 0.0 for j in range(n)] for i in range(n)]
        for x, truth in rows:
            p = sigmoid(sum(wi * xi for wi, xi in zip(w, x, strict=True)))
            s = p * (1 - p)
            for i, xi in enumerate(x):
                if xi:
                    grad[i] += (p - truth) * xi
                    row = hess[i]
                    for j, xj in enumerate(x):
                        row[j] += s * xi * xj
        step = _solve(hess, grad)
        w = [wi - si for wi, si in zip(w, step, strict=True)]
        if max(abs(si) for si in step) < 1e-9:
            break
    return tuple(w)


def _score(w: Weights, x: Sequence[float]) -> float:
    return sigmoid(sum(wi * xi for wi, xi in zip(w, x, strict=True)))


def _area_bias(areas: Sequence[str], candidate: Candidate) -> tuple[float, ...]:
    """The candidate's features followed by one bias per area (1 for its own)."""
    return candidate.features + tuple(float(a == candidate.area) for a in areas)


def pooled_model(train: Sequence[Candidate], l2: float, areas: Sequence[str]
                 ) -> tuple[Predictor, Weights]:
    """One regression over every area, each area with a bias of its own."""
    w = fit([(_area_bias(areas, c), c.truth) for c in train], len(FEATURES) + len(areas), l2)
    return (lambda c: _score(w, _area_bias(areas, c))), w


def per_area_model(train: Sequence[Candidate], l2: float
                   ) -> tuple[Predictor, dict[str, Weights]]:
    """One regression per area; an area no training commit has is judged as the core judged it
    (its `counted critical` feature)."""
    by_area: dict[str, list[Candidate]] = {}
    for c in train:
        by_area.setdefault(c.area, []).append(c)
    fitted = {area: fit([(c.features, c.truth) for c in cs], len(FEATURES), l2)
              for area, cs in sorted(by_area.items())}
    counted = FEATURES.index("counted critical")

    def predict(c: Candidate) -> float:
        w = fitted.get(c.area)
        return c.features[counted] if w is None else _score(w, c.features)

    return predict, fitted


def judged(commit: Commit, predict: Predictor, threshold: float, policy: Policy) -> RealResult:
    """The commit's decision with its candidate areas critical where the model says so."""
    decision = commit.decision
    chosen = {c.area for c in commit.candidates if predict(c) >= threshold}
    candidates = {c.area for c in commit.candidates}
    areas = [a.replace(risk=Risk.CRITICAL if a.id in chosen else Risk.ELEVATED)
             if a.id in candidates else a for a in decision.areas]
    critical = bool(chosen) or commit.uninspected
    recommend = policy.enforcement.recommend
    if critical:
        tier = _strongest([decision.tier, recommend.get(Risk.CRITICAL)], policy)
    elif decision.risk != Risk.CRITICAL:
        tier = decision.tier
    else:  # what the change's shape and its other areas (at their own risk) advise
        tier = _strongest([_shape_tier(decision.signals, policy), *(
            recommend.get(a.risk) for a in areas
            if a.id not in candidates and a.risk == policy.areas[a.id].risk)], policy)
    risk = Risk.CRITICAL if critical else max(
        (a.risk for a in areas), key=lambda r: r.rank, default=Risk.ROUTINE)
    return RealResult(commit.label, decision.replace(risk=risk, areas=areas, tier=tier))


def _weights_table(title: str, columns: dict[str, Weights], names: Sequence[str],
                   out: list[str]) -> None:
    out.append(f"== {title} ==")
    width = max(len(n) for n in names)
    out.append(f"  {'':<{width}} " + " ".join(f"{c[:8]:>8}" for c in columns))
    for i, name in enumerate(names):
        out.append(f"  {name:<{width}} " + " ".join(
            f"{w[i]:>8.2f}" if i < len(w) else f"{'':>8}" for w in columns.values()))
    out.append("")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threshold", type=float, default=0.5,
                        help="probability from which a candidate area is critical")
    parser.add_argument("--l2", type=float, default=1.0, help="the penalty on the weights")
    parser.add_argument("--mirrors", type=Path, action="append", default=[])
    args = parser.parse_args(argv)

    policy = default_policy()
    commits = _commits(policy, development_labels(), mirror_roots(args.mirrors))
    folds = by_fold(commits)
    areas = sorted({c.area for commit in commits for c in commit.candidates})

    def train(ks: Iterable[int]) -> list[Candidate]:
        return [c for k in ks for commit in folds[k] for c in commit.candidates]

    def cross_validated(model: Callable[[list[Candidate]], Predictor]) -> dict[int, Predictor]:
        """Each fold's predictor, fitted on the other folds."""
        return {k: model(train(j for j in range(FOLDS) if j != k)) for k in range(FOLDS)}

    def runs(predictors: dict[int, Predictor], threshold: float) -> dict[int, list[RealResult]]:
        return {k: [judged(c, predictors[k], threshold, policy) for c in folds[k]]
                for k in range(FOLDS)}

    current = {k: [RealResult(c.label, c.decision) for c in folds[k]] for k in range(FOLDS)}
    pooled_fits = cross_validated(lambda t: pooled_model(t, args.l2, areas)[0])
    pooled = runs(pooled_fits, args.threshold)
    per_area = runs(cross_validated(lambda t: per_area_model(t, args.l2)[0]), args.threshold)

    n = sum(len(c.candidates) for c in commits)
    unfound = sum(c.label.critical and not c.candidates and not c.uninspected for c in commits)
    out = [f"modeltier learned weights, cross-validated by repository: {len(commits)} commits, "
           f"{n} candidate areas, threshold {args.threshold}, l2 {args.l2}",
           f"  {unfound} of {sum(c.label.critical for c in commits)} critical commits have no "
           "candidate area (no weighting of the core's areas can find them)", ""]
    for name, results in (("current policy (default.yml as it is)", current),
                          ("pooled regression, each area its own bias (cross-validated)", pooled),
                          ("one regression per area (cross-validated)", per_area)):
        rows = {f"fold {k}": results[k] for k in range(FOLDS)}
        rows["pooled"] = [r for k in range(FOLDS) for r in results[k]]
        rows["pooled 1-4"] = [r for k in range(1, FOLDS) for r in results[k]]
        _table(name, rows, out)
        if results is not current:
            changed = sum(r.critical != c.critical for k in range(FOLDS)
                          for r, c in zip(results[k], current[k], strict=True))
            out[-1:] = [f"  decides {changed} commits otherwise than the policy", ""]
    # The policy is one point of a trade between recall and precision: the regression's other
    # thresholds say whether it is on a better curve or only elsewhere on the same one.
    curve = {"current policy": [r for k in range(FOLDS) for r in current[k]]}
    for threshold in SWEEP:
        swept = runs(pooled_fits, threshold)
        curve[f"p >= {threshold}"] = [r for k in range(FOLDS) for r in swept[k]]
    _table("pooled regression at other thresholds (all folds pooled, cross-validated)", curve,
           out)
    development = train(range(1, FOLDS))
    _, weights = pooled_model(development, args.l2, areas)
    _weights_table("pooled regression fitted on folds 1-4", {"weight": weights},
                   [*FEATURES, *(f"area {a}" for a in areas)], out)
    _weights_table("per-area regressions fitted on folds 1-4",
                   per_area_model(development, args.l2)[1], FEATURES, out)
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    main()
    sys.exit(0)
