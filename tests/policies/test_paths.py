"""policies.paths: path patterns matched as pathspec matches them, without pathspec's compiles."""

from __future__ import annotations

import pathspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policies.loader import default_policy
from policies.paths import PathMatch, PathSpec, PathSpecs, compile_paths, translate

# Pieces of patterns and paths: gitignore's special characters among ordinary names.
_PIECES = ["a", "b", "auth", "*", "**", "?", "[ab]", "/", ".", "-", "x.py", "!", "\\", " ", "#"]
_NAMES = ["a", "b", "auth", "x.py", "c.lock", ".env", "a-b", "ab", "x", "[ab]", "#"]


def _same(patterns: list[str], path: str) -> None:
    theirs = pathspec.PathSpec.from_lines("gitignore", patterns).check_file(path)
    ours = compile_paths(patterns).check_file(path)
    assert (ours.include, ours.index) == (theirs.include, theirs.index), (patterns, path)
    assert compile_paths(patterns).match_file(path) is bool(theirs.include)


@settings(max_examples=300, deadline=None)
@given(
    patterns=st.lists(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=5).map("".join),
                      min_size=1, max_size=4),
    path=st.lists(st.sampled_from(_NAMES), min_size=1, max_size=4).map("/".join),
    prefix=st.sampled_from(["", "/", "./"]),
)
def test_the_answers_are_pathspecs(patterns: list[str], path: str, prefix: str) -> None:
    """Whatever the patterns (negations, `**`, anchors, classes, escapes, blanks, comments),
    the deciding pattern is the one pathspec names; a pattern pathspec refuses is refused."""
    try:
        pathspec.PathSpec.from_lines("gitignore", patterns)
    except Exception:  # any refusal of pathspec must be a refusal here too
        with pytest.raises(ValueError, match="invalid path pattern"):
            compile_paths(patterns)
        return
    _same(patterns, prefix + path)


@settings(max_examples=200, deadline=None)
@given(
    lists=st.lists(
        st.lists(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=4).map("".join),
                 min_size=0, max_size=3),
        min_size=0, max_size=4),
    path=st.lists(st.sampled_from(_NAMES), min_size=1, max_size=4).map("/".join),
    prefix=st.sampled_from(["", "/", "./"]),
)
def test_lists_matched_together_answer_as_each_alone(
    lists: list[list[str]], path: str, prefix: str
) -> None:
    """Each list's answer from the one set is its own `match_file`'s: the last of its patterns
    that matches decides, whatever the other lists hold (negations, blanks, empty lists)."""
    try:
        alone = [compile_paths(patterns).match_file(prefix + path) for patterns in lists]
    except ValueError:
        return  # a refused pattern never reaches a set: compile_paths refused its list first
    together = PathSpecs([[translate(p) for p in patterns] for patterns in lists])
    assert together.includes(prefix + path) == alone


@pytest.mark.parametrize(
    ("path", "expected"),
    [("a/b", [False, True, False]), ("a/x.py", [True, True, True]), ("/c/d", [False, True, True]),
     ("./a/c", [True, True, False])],
    ids=["negated-later", "re-included-last", "leading-slash", "leading-dot-slash"],
)
def test_the_last_pattern_of_each_list_decides(path: str, expected: list[bool]) -> None:
    lists = [["a/**", "!a/b"], ["**"], ["**", "!a/**", "a/x.py"], []]
    together = PathSpecs([[translate(p) for p in patterns] for patterns in lists])
    assert together.includes(path) == [*expected, False]
    assert [compile_paths(patterns).match_file(path) for patterns in lists] == [*expected, False]


@pytest.mark.parametrize(
    ("path", "expected"),
    [("a/b", [False, True, True, False]), ("a/c", [True, True, True, True]),
     ("b/c", [False, False, True, True])],
    ids=["negated-in-one-list-only", "included-by-each-list", "shared-pattern-unmatched"],
)
def test_a_pattern_several_lists_hold_decides_each_where_it_stands(
    path: str, expected: list[bool]
) -> None:
    """One expression of the set for a pattern that several lists hold, in several places: each
    list's own last match still decides, whichever lists share it."""
    lists = [["a/**", "!a/b"], ["a/**"], ["**", "!a/b", "a/**"], ["a/**", "!a/b", "**", "!a/b",
                                                                   "**/c"]]
    together = PathSpecs([[translate(p) for p in patterns] for patterns in lists])
    assert together.includes(path) == expected
    assert [compile_paths(patterns).match_file(path) for patterns in lists] == expected


def test_the_bundled_policy_matches_as_pathspec_does() -> None:
    policy = default_policy()
    paths = ["src/auth/login.py", "app/billing/refund.rb", "package-lock.json", "vendor/x/y.go",
             "docs/adr/0001.md", "migrations/0001_initial.py", ".github/workflows/ci.yml",
             "src/payments/stripe/webhook.ts", "locale/fr/LC_MESSAGES/django.po", "README.md"]
    lists = [policy.exclude, policy.generated, policy.vendored, policy.content_only,
             policy.translations, *(area.paths for area in policy.areas.values())]
    for patterns in lists:
        for path in paths:
            _same(list(patterns), path)


@pytest.mark.parametrize(
    ("pattern", "include"),
    [("", None), ("# a comment", None), ("!vendor/", False), ("**/auth/**", True)],
    ids=["blank", "comment", "negation", "include"],
)
def test_a_translation_says_whether_it_includes(pattern: str, include: bool | None) -> None:
    regex, included = translate(pattern)
    assert included is include
    assert (regex is None) is (include is None)


def test_an_empty_list_matches_nothing() -> None:
    spec = compile_paths([])
    assert (len(spec), spec.check_file("a").include, spec.match_file("a")) == (0, None, False)


def test_error_when_a_pattern_is_refused() -> None:
    with pytest.raises(ValueError, match="invalid path pattern"):
        compile_paths(["**/[z-a]"])


def test_compiled_lists_are_shared() -> None:
    assert compile_paths(["a/**"]) is compile_paths(("a/**",))
    assert isinstance(compile_paths(["a/**"]), PathSpec)


def test_a_repositorys_patterns_are_not_kept_for_ever() -> None:
    """Only the bundled policy's translations stay for the process's life; others are cached
    within a bound (the service reads the patterns of every repository it serves)."""
    from policies import paths

    translate("some/repository-only/**")
    assert "some/repository-only/**" not in paths._KNOWN
    assert paths._translated.cache_info().maxsize is not None
    assert "**/auth/**" in default_policy().areas["auth"].paths
    assert "**/auth/**" in paths._KNOWN


def test_a_path_match_is_plain_data() -> None:
    """Written out, not a dataclass (whose methods are compiled when its class is defined)."""
    match = compile_paths(["docs/**", "!docs/api/**"]).check_file("docs/api/x.md")
    assert match == PathMatch("docs/api/x.md", False, 1)
    assert match != PathMatch("docs/api/x.md", True, 1)
    assert repr(match) == "PathMatch(file='docs/api/x.md', include=False, index=1)"
    assert compile_paths(["docs/**"]).check_file("src/x.py") == PathMatch("src/x.py", None, None)
