"""`bench/tokens.py`: how it reads words, paths and the core's decision from a diff, which words
it keeps, that its regression is deterministic, that the tie-breaker flips the core only past its
thresholds (never a commit the core could not read), that its folds keep fold 0 out, and that it
runs end to end on a tiny corpus with no case of any fold listed and the blind files left out."""

from __future__ import annotations

import math

import pytest

from bench import tokens
from bench.realcorpus import FOLDS, Label, fold_of
from bot.analysis.diff import parse_diff
from policies.loader import default_policy
from tests.bot._diffs import binary, edit

POLICY = default_policy()
SIGN_IN = edit("app/auth/login.py", ["if not checkPassword(user, password):",
                                     "    raise AuthenticationFailed()"],
               ["if not check_password(user_name):"], section="def sign_in(request):")
README = edit("README.md", ["A line of the readme."])
STYLE = edit("app/styles/site.css", ["body { color: red; }"])


def _label(id: str, repo: str, critical: bool, source: str = "dev.yml") -> Label:
    return Label(
        id=id, repo=repo, sha=f"{id:0>40}", stack="python", critical=critical,
        areas=frozenset({"auth"} if critical else ()), mentions=frozenset(),
        tier="premium" if critical else "everyday", files=1, lines=2, trap=False,
        trap_kind=None, reason="test", source=source,
    )


def _repos(per_fold: int = 1) -> list[list[str]]:
    """`per_fold` repository names for each fold."""
    names: list[list[str]] = [[] for _ in range(FOLDS)]
    for i in range(1000):
        fold = names[fold_of(f"someone/p{i}")]
        if len(fold) < per_fold:
            fold.append(f"someone/p{i}")
    return names


@pytest.mark.parametrize(("text", "parts"), [
    ("checkPassword(user_name)", ["check", "password", "user", "name"]),
    ("HTTPServer.getURL", ["http", "server", "get", "url"]),
    ("MAX_RETRIES = 3", ["max", "retries"]),
    ("x = i + 1", []),
    ("token2fa", ["token", "fa"]),
], ids=["camel-and-snake", "acronyms", "constant", "one-letter-names", "digits-split"])
def test_identifiers_split_into_lower_case_word_parts(text, parts) -> None:
    assert tokens.word_parts(text) == parts


@pytest.mark.parametrize(("path", "found"), [
    ("db/migrate/20240101_add_users.rb", {"path:db", "path:migrate", "path:add", "path:users",
                                          "ext:rb"}),
    ("src/authService.ts", {"path:src", "path:auth", "path:service", "ext:ts"}),
    ("Makefile", {"path:makefile"}),
    (".env", {"path:env"}),
], ids=["folders-and-name", "camel-case-name", "no-extension", "dot-file"])
def test_a_path_gives_its_word_parts_and_its_extension(path, found) -> None:
    assert tokens.path_features(path) == found


def test_words_are_kept_apart_by_side_and_the_header_is_a_side_of_its_own() -> None:
    found = tokens.diff_features(parse_diff(SIGN_IN), POLICY)
    assert {"+check", "+password", "+authentication", "-check", "-user", "-name",
            "@sign", "@request"} <= found
    assert "+name" not in found and "-authentication" not in found
    assert {"path:auth", "path:login", "ext:py", "file:modified"} <= found


def test_words_of_a_file_the_policy_excludes_are_kept_apart() -> None:
    """A test that names a password is not code that checks one: `~` marks its words."""
    found = tokens.diff_features(parse_diff(edit("tests/test_login.py", ["password = 'x'"])),
                                 POLICY)
    assert "~+password" in found and "+password" not in found


def test_a_binary_file_gives_its_path_and_no_words() -> None:
    found = tokens.diff_features(parse_diff(binary("static/logo.png")), POLICY)
    assert found == {"path:static", "path:logo", "ext:png", "file:modified"}


@pytest.mark.parametrize(("text", "core"), [
    (SIGN_IN, {"core:critical", "core:auth"}),
    (STYLE, {"core:routine"}),
], ids=["critical-with-its-area", "routine"])
def test_the_core_decision_is_a_feature(text, core) -> None:
    commit = tokens.read_commit(_label("a", "someone/p0", True), text.encode(), POLICY)
    assert {f for f in commit.features if f.startswith(tokens.CORE)} == core
    assert commit.critical == ("core:critical" in core) and not commit.uninspected


def _commit(id: str, repo: str, features: set[str], critical: bool = False,
            core: bool = False, uninspected: bool = False) -> tokens.Commit:
    return tokens.Commit(_label(id, repo, critical), core, uninspected, frozenset(features))


def test_a_word_is_a_feature_only_when_enough_repositories_use_it() -> None:
    commits = [_commit("a", "o/one", {"+shared", "+own", "core:routine"}),
               _commit("b", "o/two", {"+shared"}), _commit("c", "o/two", {"+shared"})]
    assert tokens.vocabulary(commits, 2) == ["+shared", "core:routine"]


def test_a_large_diffs_words_weigh_together_what_a_small_ones_do() -> None:
    columns = {"core:critical": 1, "+a": 2, "+b": 3, "+c": 4, "+d": 5}
    row = tokens.encode(_commit("a", "o/one", {"core:critical", "+a", "+b", "+c", "+d", "+x"}),
                        columns)
    assert row == tokens.Row([0, 1], [2, 3, 4, 5], 0.5)


def test_the_regression_learns_a_separating_word_finitely_and_deterministically() -> None:
    rows = [tokens.Row([0], [1 + i % 2, 3], 1 / math.sqrt(2)) for i in range(20)]
    truth = [bool(i % 2) for i in range(20)]
    first, again = tokens.fit(rows, truth, 4, l2=0.01), tokens.fit(rows, truth, 4, l2=0.01)
    assert first == again and all(math.isfinite(w) for w in first)
    assert tokens.score(first, rows[1]) > 0.9 and tokens.score(first, rows[0]) < 0.1


def test_with_no_training_rows_every_weight_is_zero() -> None:
    assert tokens.fit([], [], 3, l2=1.0) == [0.0, 0.0, 0.0]


TIE = tokens.Use("tie", lower_below=0.1, raise_from=0.9)


@pytest.mark.parametrize(("core", "uninspected", "p", "critical"), [
    (True, False, 0.05, False),
    (True, False, 0.5, True),
    (True, True, 0.0, True),
    (False, False, 0.95, True),
    (False, False, 0.5, False),
], ids=["lowered-when-very-confident", "kept-critical", "unread-file-never-lowered",
        "raised-when-very-confident", "kept-not-critical"])
def test_the_tie_breaker_flips_the_core_only_past_its_thresholds(core, uninspected, p,
                                                                 critical) -> None:
    commit = _commit("a", "o/one", set(), core=core, uninspected=uninspected)
    assert TIE.critical(commit, p) is critical


def test_the_policys_use_is_the_cores_verdict_whatever_the_model_says() -> None:
    for core in (True, False):
        for p in (0.0, 1.0):
            assert tokens.POLICY_USE.critical(_commit("a", "o/one", set(), core=core), p) is core


def test_of_equal_costs_the_sweep_keeps_the_most_conservative_use() -> None:
    pairs = [(_commit("a", "o/one", set(), critical=True, core=True), 0.5)]
    assert tokens.best(pairs, tokens.uses(), 2.0) == tokens.Use("alone, p >= 0.2", alone=0.2)
    tie = tokens.best(pairs, (u for u in tokens.uses() if u.alone is None), 2.0)
    assert (tie.lower_below, tie.raise_from) == (0.0, 1.01)


def test_cross_validation_neither_trains_nor_judges_on_a_fold_it_does_not_hold() -> None:
    names = _repos()
    folds = [[_commit(f"{k}-{i}", names[k][0], {"+w"}, critical=bool(i % 2)) for i in range(4)]
             for k in range(FOLDS)]
    folds[0] = [_commit("0-x", names[0][0], {"+w"}, critical=True)] * 40  # would skew the fit
    found = tokens.cross_validated(folds, range(1, FOLDS), 0.1, 1)
    assert sorted(found) == [1, 2, 3, 4]
    assert all(abs(p - 0.5) < 0.01 for ps in found.values() for p in ps)


def test_it_runs_on_a_tiny_corpus_and_lists_no_case(monkeypatch, capsys, tmp_path) -> None:
    diffs, labels = {}, []
    for k, repos in enumerate(_repos(3)):
        for n, repo in enumerate(repos):
            for kind, text in (("sign-in", SIGN_IN), ("readme", README), ("style", STYLE)):
                diffs[f"{kind}-{k}-{n}"] = text
                labels.append(_label(f"{kind}-{k}-{n}", repo, kind == "sign-in"))
    monkeypatch.setattr(tokens, "materialise", lambda label, roots: diffs[label.id].encode())
    monkeypatch.setattr(tokens, "development_labels", lambda: labels)
    monkeypatch.setattr(tokens, "CACHE_DIR", tmp_path)

    assert tokens.main(["--processes", "1"]) == 0
    out = capsys.readouterr().out
    assert tokens.main(["--processes", "1", "--final"]) == 0  # the second run reads the cache
    final = capsys.readouterr().out

    assert out.startswith("modeltier word model, by repository: 45 commits; folds 1-4 "
                          "cross-validated, fold 0 not looked at;")
    assert "  pooled 1-4    36     1.000     1.000   [tp 12 fp 0 fn 0]" in out
    assert "== fold 0" not in out
    assert "== fold 0, judged once" in final
    assert "  the policy                " in final.split("== fold 0, judged once")[1]
    assert len(list(tmp_path.iterdir())) == 1
    assert not any(label.id in out + final for label in labels)
