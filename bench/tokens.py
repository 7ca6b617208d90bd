"""Does a model learnt from the words of the changed code generalise to unseen repositories better
than the policy's rules, or usefully beside them?

    python bench/tokens.py [--l2 L ...] [--min-repos N] [--miss-cost C] [--final] [--mirrors DIR]

`bench/weights.py` and `bench/strengths.py` learnt from the rules' own signals and found nothing
the rules did not already know. This benchmark learns from the diff's text instead. Each commit of
the development corpus (the blind files, `realcorpus.BLIND_FILES`, left out as those benchmarks
leave them) becomes a set of features (`features`): the word parts of the identifiers on its added
and on its removed lines (`word_parts`: `checkPassword`, `check_password` -> check, password),
kept apart by side and by whether the file is one the policy's `exclude` sets aside (tests, docs),
the words of its hunk headers (the definitions the change is made in), its paths' word parts and
extensions, and the core's own decision: critical or not and the areas it counted critical. A
feature is kept only when the training commits of at least `--min-repos` repositories show it: a
word one repository uses says something of that repository, not of changes.

An L2-penalised logistic regression (plain Python, a fixed number of accelerated gradient steps
from zero, so deterministic) is fitted by repository: for each of folds 1-4, on the other three,
and its probabilities for the held-out fold are the cross-validated ones. Two ways of using it are
set beside the policy on the same commits: the model alone (critical from a probability on), and
the model as a tie-breaker, where the core's verdict stands unless the model is very confident
against it (a critical verdict lowered below a low probability, a verdict of not critical raised
above a high one; a commit the core made critical for a file it could not read is never
lowered). The thresholds and the penalty are chosen on folds 1-4's cross-validated probabilities
by the cost `--miss-cost` times the misses plus the false alarms (a miss costs more: the policy
fails closed). Fold 0 is not looked at unless `--final` asks: then the model is fitted on folds
1-4 and the chosen settings are applied to fold 0 once. The words that weigh most either way in
the fit on folds 1-4 are printed. Only totals are printed: no case of any fold is listed.

It is a benchmark: the exit status is 0 whatever the figures.
"""

from __future__ import annotations

import argparse
import hashlib
import inspect
import json
import math
import operator
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing import Pool
from pathlib import Path
from typing import Any, NamedTuple

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.accuracy import Counts  # noqa: E402
from bench.realcorpus import FOLDS, Label, development_labels, materialise, mirror_roots  # noqa: E402
from bench.weights import sigmoid  # noqa: E402
from bot.analysis.decide import decide  # noqa: E402
from bot.analysis.diff import Diff, parse_diff  # noqa: E402
from bot.analysis.models import Decision, PullRequestInfo  # noqa: E402
from policies.loader import default_policy  # noqa: E402
from policies.model import Policy, Risk  # noqa: E402
from policies.paths import compile_paths  # noqa: E402

CACHE_DIR = ROOT / "bench" / ".cache" / "tokens"

#: an identifier as the word parts are read from it (underscores and digits split it)
_IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9]*")
#: camelCase's and PascalCase's parts, an acronym kept whole (`HTTPServer` -> HTTP, Server)
_CAMEL_PART = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+")
#: word parts shorter or longer than these say nothing a reader would name (`i`, a hash)
_SHORTEST, _LONGEST = 2, 24
#: the characters of a line read for words: a longer line is minified or data
_LINE_CHARS = 1000
#: the prefix of the core's own features (`core_features`), which no word carries
CORE = "core:"
#: the probabilities the tie-breaker may lower a critical verdict below (0: never) and raise a
#: verdict of not critical from (above 1: never), and those the model alone is tried at
LOWER_BELOW = (0.0, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3)
RAISE_FROM = (1.01, 0.99, 0.97, 0.95, 0.9, 0.8, 0.7)
ALONE_FROM = (0.2, 0.3, 0.4, 0.5, 0.6)
#: how many words of the fit on folds 1-4 are printed each way
TOP_WORDS = 15
#: the accelerated gradient's steps: enough for the gradient to settle at these penalties
STEPS = 300


def word_parts(text: str) -> list[str]:
    """The lower-case word parts of the identifiers in `text`, in order (repeats kept):
    `if not checkPassword(user_name)` -> if, not, check, password, user, name."""
    parts = []
    for identifier in _IDENTIFIER.findall(text):
        for part in _CAMEL_PART.findall(identifier):
            if _SHORTEST <= len(part) <= _LONGEST:
                parts.append(part.lower())
    return parts


def path_features(path: str) -> set[str]:
    """A path's word parts (each folder's and the file name's) and its extension: where in a
    project a change is made says as much as what it says (`db/migrate/`, `auth/`)."""
    folders, _, name = path.rpartition("/")
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem:  # `Makefile`, `.env`: the name is the word
        stem, extension = name, ""
    found = {f"path:{part}" for part in word_parts(f"{folders} {stem}")}
    if extension:
        found.add(f"ext:{extension.lower()}")
    return found


def core_features(decision: Decision) -> set[str]:
    """What the core decided: its risk, and each area it counted critical."""
    return {f"{CORE}{decision.risk}"} | {
        f"{CORE}{area.id}" for area in decision.areas if area.risk == Risk.CRITICAL}


def diff_features(diff: Diff, policy: Policy) -> set[str]:
    """The words of the diff's changed lines and hunk headers, by side (`+`, `-`, `@`) and with
    `~` for a file the policy's `exclude` sets aside (its words say what a test or a document
    names, not what the code does), and each file's path features and status."""
    excluded = compile_paths(policy.exclude)
    found: set[str] = set()
    for index, change in enumerate(diff.files):
        found |= path_features(change.path)
        found.add(f"file:{change.status}")
        if change.binary or not change.inspected:
            continue
        aside = "~" if excluded.check_file(change.path).include else ""
        for hunk in diff.hunks(index):
            lines = [hunk.header, *hunk.lines] if hunk.header else hunk.lines
            for line in lines:
                side = {"new": "+", "old": "-", "header": "@"}[line.side]
                found.update(f"{aside}{side}{word}" for word in word_parts(line.text[:_LINE_CHARS]))
    return found


@dataclass(frozen=True)
class Commit:
    label: Label
    #: the core's verdict on the diff alone
    critical: bool
    #: the core made it critical with no critical area: for a file it could not read
    uninspected: bool
    features: frozenset[str]


def read_commit(label: Label, text: bytes, policy: Policy) -> Commit:
    diff = parse_diff(text)
    decision = decide(diff, policy, PullRequestInfo())
    critical = decision.risk == Risk.CRITICAL
    uninspected = critical and not any(a.risk == Risk.CRITICAL for a in decision.areas)
    return Commit(label, critical, uninspected,
                  frozenset(diff_features(diff, policy) | core_features(decision)))


def _read(job: tuple[Label, bytes]) -> Commit:
    return read_commit(*job, default_policy())


_READERS = (word_parts, path_features, core_features, diff_features, read_commit, _read)


#: the code the core's decision is made by, beside this module's functions that read a commit
#: (`_READERS`): a change to any of them reads every commit again (`read_commits`)
_CORE_SOURCES = ("bot/analysis/*.py", "policies/*.py", "policies/default.yml")


def _cache_file(cache: Path) -> Path:
    digest = hashlib.sha256()
    for pattern in _CORE_SOURCES:
        for path in sorted(ROOT.glob(pattern)):
            digest.update(path.read_bytes())
    for reader in _READERS:
        digest.update(inspect.getsource(reader).encode())
    digest.update(repr((_IDENTIFIER.pattern, _CAMEL_PART.pattern, _SHORTEST, _LONGEST,
                        _LINE_CHARS, CORE)).encode())
    return cache / f"{digest.hexdigest()[:16]}.json"


def read_commits(labels: Sequence[Label], roots: Sequence[Path], processes: int,
                 cache: Path | None = None) -> list[Commit]:
    """Every labelled commit a mirror or the diff cache has, in label order, read by
    `processes` processes (the order and the result do not depend on how many). What was read
    is kept in `cache` under the digest of the code that reads it, so a second run with the
    same code reads nothing again."""
    stored = _cache_file(CACHE_DIR if cache is None else cache)
    known: dict[str, list[Any]] = (
        json.loads(stored.read_text(encoding="utf-8")) if stored.is_file() else {})
    jobs = [(label, text) for label in labels if label.sha not in known
            and (text := materialise(label, roots)) is not None]
    if processes <= 1 or len(jobs) < processes:
        read = [_read(job) for job in jobs]
    else:
        with Pool(processes) as pool:
            read = pool.map(_read, jobs, chunksize=16)
    if read:
        known.update({c.label.sha: [c.critical, c.uninspected, sorted(c.features)] for c in read})
        stored.parent.mkdir(parents=True, exist_ok=True)
        stored.write_text(json.dumps(known), encoding="utf-8")
    return [Commit(label, critical, uninspected, frozenset(features))
            for label in labels if label.sha in known
            for critical, uninspected, features in [known[label.sha]]]


def vocabulary(commits: Iterable[Commit], min_repos: int) -> list[str]:
    """The features of at least `min_repos` repositories' commits (the core's always), sorted."""
    repos: dict[str, set[str]] = {}
    for commit in commits:
        for feature in commit.features:
            repos.setdefault(feature, set()).add(commit.label.repo)
    return sorted(f for f, seen in repos.items() if len(seen) >= min_repos or f.startswith(CORE))


class Row(NamedTuple):
    """A commit as the regression reads it: column 0 the bias and each of the core's features
    at 1, and its words each at `scale`, 1/sqrt(their number), so a large diff's thousand words
    weigh together what a small one's ten do (and the gradient's step can be fixed: no row is
    longer than 1 + the core's features)."""

    ones: list[int]
    words: list[int]
    scale: float


def encode(commit: Commit, columns: dict[str, int]) -> Row:
    core = sorted(columns[f] for f in commit.features if f.startswith(CORE) and f in columns)
    words = sorted(columns[f] for f in commit.features if not f.startswith(CORE) and f in columns)
    return Row([0, *core], words, 1 / math.sqrt(len(words)) if words else 0.0)


def score(weights: Sequence[float], row: Row) -> float:
    at = weights.__getitem__
    return sigmoid(sum(map(at, row.ones)) + row.scale * sum(map(at, row.words)))


def fit(rows: Sequence[Row], truth: Sequence[bool], width: int, l2: float,
        steps: int = STEPS) -> list[float]:
    """The weights of a logistic regression of `truth` on the rows: the mean log-loss plus
    `l2` times half the squared weights (all but the bias, column 0), minimised by Nesterov's
    accelerated gradient from zero with the step its smoothness allows (no row's squared length
    exceeds the longest one's). Deterministic: no sampling, a fixed number of steps."""
    n = len(rows)
    if not n:
        return [0.0] * width
    # the rows by column, to sum a column's gradient in one pass: of the rows where it is 1,
    # and of those where it is a word (at the row's scale)
    ones: list[list[int]] = [[] for _ in range(width)]
    words: list[list[int]] = [[] for _ in range(width)]
    for r, row in enumerate(rows):
        for c in row.ones:
            ones[c].append(r)
        for c in row.words:
            words[c].append(r)
    longest = max(len(row.ones) + (1.0 if row.words else 0.0) for row in rows)
    step = 1 / (longest / 4 + l2)
    target = [float(t) for t in truth]
    scales = [row.scale for row in rows]
    w = [0.0] * width
    previous = w
    for k in range(1, steps + 1):
        momentum = (k - 1) / (k + 2)
        ahead = [a + momentum * (a - b) for a, b in zip(w, previous, strict=True)]
        error = [score(ahead, row) - t for row, t in zip(rows, target, strict=True)]
        scaled = list(map(operator.mul, error, scales))
        at, scaled_at = error.__getitem__, scaled.__getitem__
        gradient = [(sum(map(at, o)) + sum(map(scaled_at, s))) / n
                    for o, s in zip(ones, words, strict=True)]
        previous = w
        w = [a - step * (g + l2 * a) for a, g in zip(ahead, gradient, strict=True)]
        w[0] = ahead[0] - step * gradient[0]  # the bias is not penalised
    return w


@dataclass(frozen=True)
class Model:
    columns: dict[str, int]
    weights: list[float]

    def probability(self, commit: Commit) -> float:
        return score(self.weights, encode(commit, self.columns))


def train(commits: Sequence[Commit], l2: float, min_repos: int) -> Model:
    names = vocabulary(commits, min_repos)
    columns = {name: c for c, name in enumerate(names, start=1)}  # column 0: the bias
    rows = [encode(commit, columns) for commit in commits]
    weights = fit(rows, [c.label.critical for c in commits], len(names) + 1, l2)
    return Model(columns, weights)


def folds_of(commits: Iterable[Commit]) -> list[list[Commit]]:
    """The commits by their repository's fold (`realcorpus.fold_of`)."""
    folds: list[list[Commit]] = [[] for _ in range(FOLDS)]
    for commit in commits:
        folds[commit.label.fold].append(commit)
    return folds


def _fit_and_judge(job: tuple[list[Commit], list[Commit], float, int]) -> list[float]:
    training, judged, l2, min_repos = job
    model = train(training, l2, min_repos)
    return [model.probability(c) for c in judged]


def cross_validated(folds: Sequence[Sequence[Commit]], held: Sequence[int], l2: float,
                    min_repos: int, processes: int = 1) -> dict[int, list[float]]:
    """Each held fold's probabilities from the model fitted on the other held folds only (so
    a fold outside `held`, fold 0, is neither trained nor judged on); the folds' fits are
    independent, run by `processes` processes."""
    jobs = [([c for j in held if j != k for c in folds[j]], list(folds[k]), l2, min_repos)
            for k in held]
    if processes <= 1:
        found = [_fit_and_judge(job) for job in jobs]
    else:
        with Pool(processes) as pool:
            found = pool.map(_fit_and_judge, jobs, chunksize=1)
    return dict(zip(held, found, strict=True))


@dataclass(frozen=True)
class Use:
    """How the model's probability turns into a verdict."""

    name: str
    #: the model alone: critical from this probability on (None: the tie-breaker)
    alone: float | None = None
    lower_below: float = 0.0
    raise_from: float = 1.01

    def critical(self, commit: Commit, p: float) -> bool:
        if self.alone is not None:
            return p >= self.alone or commit.uninspected
        if commit.critical:
            return commit.uninspected or p >= self.lower_below
        return p >= self.raise_from


POLICY_USE = Use("the policy")


def tally(pairs: Iterable[tuple[Commit, float]], use: Use) -> Counts:
    counts = Counts()
    for commit, p in pairs:
        counts.add(commit.label.critical, use.critical(commit, p))
    return counts


def cost(counts: Counts, miss_cost: float) -> float:
    return miss_cost * counts.fn + counts.fp


def uses() -> Iterator[Use]:
    """Every way of using the model the sweep tries: the model alone at each of `ALONE_FROM`,
    and the tie-breaker at each pair of `LOWER_BELOW` and `RAISE_FROM`."""
    for threshold in ALONE_FROM:
        yield Use(f"alone, p >= {threshold}", alone=threshold)
    for low in LOWER_BELOW:
        for high in RAISE_FROM:
            yield Use(f"tie-breaker, lower below {low}, raise from {min(high, 1.0)}",
                      lower_below=low, raise_from=high)


def best(pairs: Sequence[tuple[Commit, float]], candidates: Iterable[Use],
         miss_cost: float) -> Use:
    """The use of least cost on these commits; of equal costs, the first (the sweep's order
    tries the most conservative thresholds first)."""
    return min(candidates, key=lambda use: cost(tally(pairs, use), miss_cost))


def _row(name: str, counts: Counts, width: int) -> str:
    def fmt(value: float | None) -> str:
        return "  n/a" if value is None else f"{value:.3f}"
    return (f"  {name:<{width}} {counts.tp + counts.fn + counts.fp + counts.tn:>5} "
            f"{fmt(counts.recall):>9} {fmt(counts.precision):>9}   "
            f"[tp {counts.tp} fp {counts.fp} fn {counts.fn}]")


def _table(title: str, rows: dict[str, Counts], out: list[str]) -> None:
    width = max(len(k) for k in rows)
    out.append(f"== {title} ==")
    out.append(f"  {'':<{width}} {'n':>5} {'crit-rec':>9} {'crit-prec':>9}")
    out.extend(_row(name, counts, width) for name, counts in rows.items())
    out.append("")


def top_words(model: Model, n: int) -> tuple[list[tuple[str, float]], list[tuple[str, float]]]:
    """The `n` features of most weight towards critical and towards not, the core's aside."""
    weighted = sorted(((model.weights[c], name) for name, c in model.columns.items()
                       if not name.startswith(CORE)), key=lambda x: (-x[0], x[1]))
    return ([(name, w) for w, name in weighted[:n]],
            [(name, w) for w, name in reversed(weighted[-n:])])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--l2", type=float, action="append",
                        help="a penalty to try (repeatable; the best on folds 1-4 is used); "
                             "5e-05 by default, the better of 5e-05, 3e-04 and 3e-03 there")
    parser.add_argument("--min-repos", type=int, default=3,
                        help="the repositories a word must be seen in to be a feature")
    parser.add_argument("--miss-cost", type=float, default=2.0,
                        help="what a miss costs, a false alarm costing 1")
    parser.add_argument("--final", action="store_true",
                        help="fit on folds 1-4 and judge fold 0 once with the chosen settings")
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--mirrors", type=Path, action="append", default=[])
    args = parser.parse_args(argv)
    penalties = args.l2 or [0.00005]

    commits = read_commits(development_labels(), mirror_roots(args.mirrors), args.processes)
    folds = folds_of(commits)
    held = range(1, FOLDS)
    out = [f"modeltier word model, by repository: {len(commits)} commits; folds 1-4 "
           f"cross-validated, fold 0 {'judged once' if args.final else 'not looked at'}; "
           f"words of {args.min_repos}+ repositories; a miss costs {args.miss_cost}", ""]

    # The penalty, the model alone's threshold and the tie-breaker's, chosen on folds 1-4's
    # cross-validated probabilities; the penalty by the tie-breaker's cost, the figure that
    # matters.
    tried = []
    for l2 in penalties:
        probabilities = cross_validated(folds, held, l2, args.min_repos, args.processes)
        pooled = [(c, p) for k in held for c, p in zip(folds[k], probabilities[k], strict=True)]
        alone = best(pooled, (u for u in uses() if u.alone is not None), args.miss_cost)
        tie = best(pooled, (u for u in uses() if u.alone is None), args.miss_cost)
        costs = [cost(tally(pooled, use), args.miss_cost) for use in (POLICY_USE, alone, tie)]
        tried.append((costs[2], l2, alone, tie, probabilities))
        out.append(f"  l2 {l2}: cost of the policy {costs[0]}, of the model {alone.name} "
                   f"{costs[1]}, of the {tie.name} {costs[2]}")
    out.append("")
    _, l2, alone, tie, probabilities = min(tried, key=lambda row: row[:2])
    pairs_of = {k: list(zip(folds[k], probabilities[k], strict=True)) for k in held}
    pooled = [pair for k in held for pair in pairs_of[k]]
    for use in (POLICY_USE, alone, tie):
        rows = {f"fold {k}": tally(pairs_of[k], use) for k in held}
        rows["pooled 1-4"] = tally(pooled, use)
        _table(f"{use.name} (l2 {l2}, cross-validated over folds 1-4)", rows, out)
    # the sweep along the chosen thresholds' lines: each alone, and each with the other's best
    swept = [u for u in uses() if u.alone is None and (u.lower_below in (0.0, tie.lower_below)
                                                       or u.raise_from in (1.01, tie.raise_from))]
    _table(f"the tie-breaker's thresholds, folds 1-4 pooled (cross-validated, l2 {l2})",
           {u.name: tally(pooled, u) for u in swept}, out)

    model = train([c for k in held for c in folds[k]], l2, args.min_repos)
    if args.final:
        judged = [(c, model.probability(c)) for c in folds[0]]
        _table(f"fold 0, judged once: the model fitted on folds 1-4 (l2 {l2}), the uses chosen "
               "on them", {use.name: tally(judged, use) for use in (POLICY_USE, alone, tie)}, out)
    toward, away = top_words(model, TOP_WORDS)
    out.append(f"== the fit on folds 1-4: {len(model.columns)} features ==")
    out.append("  the core's: " + ", ".join(
        f"{name.removeprefix(CORE)} {model.weights[c]:+.2f}"
        for name, c in sorted(model.columns.items()) if name.startswith(CORE)))
    out.append("  towards critical: " + ", ".join(f"{n} {w:+.2f}" for n, w in toward))
    out.append("  towards not:      " + ", ".join(f"{n} {w:+.2f}" for n, w in away))
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    main()
    sys.exit(0)
