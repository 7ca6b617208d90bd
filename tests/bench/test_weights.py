"""`bench/weights.py`: the features it reads from the core's decision, the regression it fits, how
a model's answer changes a decision, and that it runs end to end on a tiny corpus with no case of
any fold listed and the blind files left out."""

from __future__ import annotations

import math

import pytest

from bench import weights
from bench.realcorpus import FOLDS, Label, fold_of
from policies.loader import default_policy
from policies.model import Risk
from tests.bot._diffs import edit

POLICY = default_policy()
SIGN_IN = edit("app/auth/login.py", ["if not check_password(user, password):",
                                     "    raise AuthenticationFailed()"])
README = edit("README.md", ["A line of the readme."])
STYLE = edit("app/styles/site.css", ["body { color: red; }"])


def _label(id: str, repo: str, critical: bool, source: str = "dev.yml") -> Label:
    return Label(
        id=id, repo=repo, sha="0" * 40, stack="python", critical=critical,
        areas=frozenset({"auth"} if critical else ()), mentions=frozenset(),
        tier="premium" if critical else "everyday", files=1, lines=2, trap=False,
        trap_kind=None, reason="test", source=source,
    )


def _repos() -> list[str]:
    """One repository name per fold."""
    names: dict[int, str] = {}
    for i in range(100):
        names.setdefault(fold_of(f"someone/p{i}"), f"someone/p{i}")
    return [names[k] for k in range(FOLDS)]


def _commits(monkeypatch, diffs: dict[str, str], labels: list[Label]) -> list[weights.Commit]:
    monkeypatch.setattr(weights, "materialise", lambda label, roots: diffs[label.id].encode())
    return weights._commits(POLICY, labels, [])


def _features(commit: weights.Commit, area: str) -> dict[str, float]:
    candidate = next(c for c in commit.candidates if c.area == area)
    return dict(zip(weights.FEATURES, candidate.features, strict=True))


def test_a_sign_in_change_is_an_auth_candidate_by_path_on_added_lines(monkeypatch) -> None:
    commit, = _commits(monkeypatch, {"a": SIGN_IN}, [_label("a", "someone/p0", True)])
    found = _features(commit, "auth")
    assert found["counted critical"] == found["by path"] == found["on added lines"] == 1
    assert found["on removed lines only"] == found["weak rules only"] == 0
    assert commit.candidates[0].truth and not commit.uninspected


def test_a_change_the_core_finds_no_area_in_has_no_candidate(monkeypatch) -> None:
    """The counter-example: a style sheet is no area's, so no weighting can make it critical."""
    commit, = _commits(monkeypatch, {"a": STYLE}, [_label("a", "someone/p0", False)])
    assert commit.candidates == ()


def test_the_regression_learns_a_separating_feature_finitely_and_deterministically() -> None:
    rows = [((1.0, float(i % 2)), bool(i % 2)) for i in range(20)]
    first, again = weights.fit(rows, 2, l2=1.0), weights.fit(rows, 2, l2=1.0)
    assert first == again and all(math.isfinite(w) for w in first)
    assert weights._score(first, (1.0, 1.0)) > 0.5 > weights._score(first, (1.0, 0.0))


def test_with_no_training_rows_every_weight_is_zero() -> None:
    assert weights.fit([], 3, l2=1.0) == (0.0, 0.0, 0.0)


@pytest.mark.parametrize(("probability", "risk", "tier", "areas"), [
    (1.0, Risk.CRITICAL, "premium", {"auth"}),
    (0.0, Risk.ELEVATED, "everyday", set()),
], ids=["kept-critical", "demoted-to-the-shape-tier"])
def test_a_models_answer_sets_the_areas_risk_and_tier(monkeypatch, probability, risk, tier,
                                                      areas) -> None:
    commit, = _commits(monkeypatch, {"a": SIGN_IN}, [_label("a", "someone/p0", True)])
    result = weights.judged(commit, lambda c: probability, 0.5, POLICY)
    assert result.decision.risk == risk and result.decision.tier == tier
    assert result.areas == areas


def test_it_runs_on_a_tiny_corpus_and_lists_no_case(monkeypatch, capsys) -> None:
    diffs, labels = {}, []
    for n, repo in enumerate(_repos()):
        for kind, text in (("sign-in", SIGN_IN), ("readme", README), ("style", STYLE)):
            diffs[f"{kind}-{n}"] = text
            labels.append(_label(f"{kind}-{n}", repo, kind == "sign-in"))
    monkeypatch.setattr(weights, "materialise", lambda label, roots: diffs[label.id].encode())
    monkeypatch.setattr(weights, "development_labels", lambda: labels)

    assert weights.main([]) == 0

    out = capsys.readouterr().out
    assert out.startswith("modeltier learned weights, cross-validated by repository: 15 commits,"
                          " 5 candidate areas")
    assert "  pooled       15     1.000     1.000     1.000     1.000   [tp 5 fp 0 fn 0]" in out
    assert "== per-area regressions fitted on folds 1-4 ==" in out
    assert "  p >= 0.7         15     1.000     1.000     1.000     1.000   [tp 5 fp 0 fn 0]" in out
    assert not any(label.id in out for label in labels)
