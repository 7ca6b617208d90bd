"""`bench/accuracy.py`: the tier matrices of the real-commit view count the commits whose
`critical` is right apart from the others, and list only those commits' disagreements; the
figures' intervals draw repositories, not commits."""

from __future__ import annotations

from dataclasses import replace

from bench.accuracy import RealResult, repository_interval, tier_matrices
from bench.realcorpus import Label
from bot.analysis.decide import decide
from bot.analysis.diff import parse_diff
from policies.loader import default_policy
from tests.bot._diffs import edit

POLICY = default_policy()
README = decide(parse_diff(edit("README.md", ["A line of the readme."])), POLICY)
SIGN_IN = decide(parse_diff(edit("app/auth/login.py", [
    "if not check_password(user, password):", "    raise Denied()"])), POLICY)
LABEL = Label(
    id="readme", repo="someone/project", sha="0" * 40, stack="python", critical=False,
    areas=frozenset(), mentions=frozenset(), tier="everyday", files=1, lines=1, trap=False,
    trap_kind=None, reason="A readme line.",
)


def test_a_tier_matrix_counts_the_commits_whose_critical_is_wrong_apart() -> None:
    results = [
        RealResult(LABEL, README),
        RealResult(replace(LABEL, id="docs-page", tier="context-heavy"), README),
        RealResult(replace(LABEL, id="missed", critical=True, areas=frozenset({"auth"}),
                           tier="premium"), README),
        RealResult(replace(LABEL, id="sign-in", critical=True, areas=frozenset({"auth"}),
                           tier="premium"), SIGN_IN),
    ]
    assert SIGN_IN.tier == "premium" and README.tier == "everyday"

    out = tier_matrices(results, listed=True)

    fold = f"fold {LABEL.fold}"
    assert out[1] == f"  {fold}: 2/3 agree; 1 more with critical wrong, of which 1 disagree"
    rows = {line.split()[0]: [int(n) for n in line.split()[1:]] for line in out[3:7]}
    assert rows == {"premium": [1, 0, 0, 0], "long-context": [0, 0, 0, 0],
                    "context-heavy": [0, 0, 0, 1], "everyday": [0, 0, 0, 1]}
    listing = out[out.index("== TIER DISAGREEMENTS, CRITICAL RIGHT (1) ==") + 1:]
    assert listing[0].startswith(f"  context-heavy -> everyday  docs-page ({fold}, routine): ")
    assert "missed" not in "\n".join(out)


def test_the_disagreements_are_listed_only_when_asked() -> None:
    out = tier_matrices([RealResult(replace(LABEL, tier="context-heavy"), README)])
    assert not any(line.startswith("== TIER DISAGREEMENTS") for line in out)


def _sign_ins(repo: str, found: bool, count: int) -> list[RealResult]:
    label = replace(LABEL, repo=repo, critical=True, areas=frozenset({"auth"}), tier="premium")
    return [RealResult(replace(label, id=f"{repo}-{i}"), SIGN_IN if found else README)
            for i in range(count)]


def test_the_interval_draws_repositories_so_their_commits_move_together() -> None:
    # 20 commits that would give a narrow interval as independent draws, but from two
    # repositories only: one whose critical commits are all found, one whose are all missed
    results = _sign_ins("a/found", True, 10) + _sign_ins("b/missed", False, 10)

    span = repository_interval(results)["critical recall"]

    assert span == (0.0, 1.0)
    assert repository_interval(results) == repository_interval(list(reversed(results)))


def test_the_interval_narrows_to_the_figure_when_repositories_agree() -> None:
    results = [r for i in range(6) for r in _sign_ins(f"r/{i}", i % 2 == 0, 1)
               + _sign_ins(f"r/{i}", True, 3)]

    spans = repository_interval(results)
    same = repository_interval([r for i in range(6) for r in _sign_ins(f"r/{i}", True, 4)])

    low, high = spans["critical recall"] or (0.0, 0.0)
    assert 0.75 < high <= 1.0 and low < 0.875
    assert same["critical recall"] == (1.0, 1.0)
    assert same["critical precision"] == (1.0, 1.0)
