"""policies.loader: the bundled default, the merge rules, and every way a policy file can be wrong.

Problems must name the file a person can fix (the repository's, not the bundled default), the
dotted field, and the line, and all of them must be reported at once.
"""

from __future__ import annotations

import textwrap
from importlib import resources
from typing import Any

import pytest
import yaml

from policies.errors import PolicyError, PolicyProblem
from policies.loader import (
    DEFAULT_POLICY_NAME,
    REPOSITORY_POLICY_PATH,
    default_policy,
    load_policy,
    merge,
    validate_default,
)
from policies.model import Policy, Risk, as_data
from policies.source import MAX_POLICY_BYTES, MAX_POLICY_DEPTH, parse_source

REPO = REPOSITORY_POLICY_PATH
DEFAULT_AREAS = {
    "auth",
    "permissions",
    "billing",
    "migrations",
    "transactions",
    "security",
    "infrastructure",
    "integrations",
    "policy",
}


def yml(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def problems_of(text: str | bytes, name: str = REPO) -> list[PolicyProblem]:
    with pytest.raises(PolicyError) as info:
        load_policy(text, name=name)
    assert info.value.problems, "a PolicyError always carries at least one problem"
    return info.value.problems


def default_line(fragment: str) -> int:
    """The 1-based line of the bundled default that contains `fragment` (exactly once)."""
    text = resources.files("policies").joinpath("default.yml").read_text(encoding="utf-8")
    lines = [n for n, line in enumerate(text.splitlines(), start=1) if fragment in line]
    assert len(lines) == 1, (fragment, lines)
    return lines[0]


# --- the bundled default -------------------------------------------------------------------------


def test_default_policy_loads_and_every_reference_resolves() -> None:
    policy = default_policy()
    assert validate_default().reference_problems() == []
    assert set(policy.areas) == DEFAULT_AREAS
    assert set(policy.active_areas()) == DEFAULT_AREAS
    for tier in policy.tiers.values():
        assert tier.recommended in policy.models
    for model in policy.models.values():
        assert model.tier in policy.tiers
    for tool in policy.tools.values():
        assert tool.model is None or tool.model in policy.models
    for tier_id in (
        policy.shape.default_tier,
        policy.shape.long_context_tier,
        policy.shape.context_heavy_tier,
        policy.enforcement.tool_only_tier,
        *policy.enforcement.require.values(),
        *policy.enforcement.recommend.values(),
    ):
        assert tier_id in policy.tiers


def test_default_policy_requires_premium_for_critical_changes_only() -> None:
    policy = default_policy()
    assert policy.enforcement.require == {Risk.CRITICAL: "premium"}
    assert policy.areas["integrations"].risk is Risk.ELEVATED
    assert all(
        area.risk is Risk.CRITICAL for area_id, area in policy.areas.items()
        if area_id != "integrations"
    )
    assert policy.tier_rank("premium") > policy.tier_rank("everyday")


def test_no_repository_file_gives_the_default_policy() -> None:
    assert load_policy(None) is default_policy()
    assert default_policy() is default_policy()


@pytest.mark.parametrize(
    "text",
    ["", "# only a comment\n", b"", "\ufeffversion: 1\n".encode()],
    ids=["empty", "comment-only", "empty-bytes", "utf8-bom"],
)
def test_an_empty_repository_file_changes_nothing(text: str | bytes) -> None:
    assert load_policy(text) == default_policy()


# --- merge rules ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("base", "overlay", "expected"),
    [
        ({"a": [1, 2]}, {"a": [2, 3]}, {"a": [1, 2, 3]}),
        ({"a": 1, "b": 2}, {"a": 5}, {"a": 5, "b": 2}),
        (
            {"m": {"x": 1, "y": [1]}},
            {"m": {"y": [2], "z": 3}},
            {"m": {"x": 1, "y": [1, 2], "z": 3}},
        ),
        ({"a": [1, 2], "b": [1]}, {"replace": ["a"], "a": [3], "b": [2]}, {"a": [3], "b": [1, 2]}),
        ({"m": {"a": [1]}}, {"m": {"replace": ["a"], "a": [9]}}, {"m": {"a": [9]}}),
        ({"m": {"a": 1}}, {"replace": ["m"], "m": {"b": 2}}, {"m": {"b": 2}}),
        ({"a": 1}, {"new": {"k": [1]}}, {"a": 1, "new": {"k": [1]}}),
        ({"a": [1]}, {"a": "scalar"}, {"a": "scalar"}),
        (
            {"a": [{"pattern": "x", "files": []}, {"pattern": "w", "files": ["v"]}]},
            {"a": [{"pattern": "x"}, {"pattern": "x", "files": ["y"]}, {"pattern": "w"}]},
            {"a": [{"pattern": "x", "files": []}, {"pattern": "w", "files": ["v"]},
                   {"pattern": "x", "files": ["y"]}, {"pattern": "w"}]},
        ),
    ],
    ids=[
        "lists-append-without-duplicates",
        "scalars-replace",
        "mappings-merge-recursively",
        "replace-top-level-field",
        "replace-nested-field",
        "replace-whole-mapping",
        "new-key-added",
        "scalar-over-list-replaces",
        "an-entry-held-with-its-defaults-spelled-out-is-not-repeated",
    ],
)
def test_merge_rules(
    base: dict[str, Any], overlay: dict[str, Any], expected: dict[str, Any]
) -> None:
    snapshot = repr(base)
    assert merge(base, overlay) == expected
    assert repr(base) == snapshot, "merge must not modify the default it merges into"


def test_merge_lists_append_without_duplicates_in_a_real_area(policy: Policy) -> None:
    merged = load_policy(yml("""
        areas:
          auth:
            paths: ["src/identity/**", "**/auth/**"]
        """))
    default_paths = policy.areas["auth"].paths
    assert merged.areas["auth"].paths == [*default_paths, "src/identity/**"]
    assert merged.areas["auth"].content == policy.areas["auth"].content


def test_a_copy_of_the_default_as_a_repository_policy_is_the_default(policy: Policy) -> None:
    """A team starts its policy from a copy of the bundled file: its rules are the default's
    (held below with the schema's defaults spelled out), not a second set of them."""
    text = resources.files("policies").joinpath("default.yml").read_text(encoding="utf-8")
    assert as_data(load_policy(text)) == as_data(policy)


def test_a_repository_may_add_as_many_content_rules_as_the_default_holds(policy: Policy) -> None:
    """The check that a policy's rules compile together gives RE2 the analysis' memory
    budget: with RE2's default, the bundled rules and as many again did not compile."""
    patterns = [rule.pattern for area in policy.active_areas().values()
                for rule in area.content]
    rules = [{"id": f"own-{n}", "pattern": pattern} for n, pattern in enumerate(patterns)]
    merged = load_policy(yaml.safe_dump({"areas": {"security": {"content": rules}}}))
    assert len(merged.areas["security"].content) == (
        len(policy.areas["security"].content) + len(rules)
    )


def test_merge_replace_paths_inside_an_area(policy: Policy) -> None:
    merged = load_policy(yml("""
        areas:
          auth:
            replace: [paths]
            paths: ["src/identity/**"]
        """))
    assert merged.areas["auth"].paths == ["src/identity/**"]
    # only the named field is replaced; the rest of the area still merges
    assert merged.areas["auth"].content == policy.areas["auth"].content
    assert merged.areas["billing"].paths == policy.areas["billing"].paths


def test_merge_replace_exclude_at_top() -> None:
    merged = load_policy(yml("""
        replace: [exclude]
        exclude: ["only/this/**"]
        """))
    assert merged.exclude == ["only/this/**"]


def test_merge_scalars_replace_and_siblings_keep_their_defaults(policy: Policy) -> None:
    merged = load_policy("limits:\n  evidence_per_file: 2\nenforcement:\n  on_missing: warn\n")
    assert merged.limits.evidence_per_file == 2
    assert merged.limits.evidence_per_area == policy.limits.evidence_per_area
    assert merged.enforcement.on_missing == "warn"
    assert merged.enforcement.require == policy.enforcement.require


def test_merge_enabled_false_turns_an_area_off_but_keeps_it_visible() -> None:
    merged = load_policy("areas:\n  billing:\n    enabled: false\n")
    assert merged.areas["billing"].enabled is False
    assert "billing" in merged.areas
    assert "billing" not in merged.active_areas()
    assert set(merged.active_areas()) == DEFAULT_AREAS - {"billing"}


def test_merge_a_new_area_is_added_next_to_the_defaults() -> None:
    merged = load_policy(yml("""
        areas:
          pii:
            title: Personal data
            risk: elevated
            paths: ["**/pii/**"]
            content: ['\\bssn\\b']
        """))
    assert set(merged.areas) == DEFAULT_AREAS | {"pii"}
    pii = merged.areas["pii"]
    assert pii.risk is Risk.ELEVATED
    assert pii.content[0].pattern == "\\bssn\\b"  # a bare string is a rule's pattern


def test_merge_lists_append_to_built_in_lists_that_default_yml_leaves_implicit() -> None:
    # default.yml has no `evidence:` section; its lists come from the schema and must still
    # be extended, not replaced, or "Model: none" would stop being read as a declaration.
    builtin = default_policy().evidence
    merged = load_policy("evidence:\n  human_values: [handwritten]\n  body_keys: [llm]\n")
    assert merged.evidence.human_values == [*builtin.human_values, "handwritten"]
    assert merged.evidence.body_keys == [*builtin.body_keys, "llm"]
    assert merged.evidence.trailer_keys == builtin.trailer_keys


def test_merge_a_new_model_is_a_policy_edit() -> None:
    merged = load_policy("models:\n  gpt-6:\n    name: GPT-6\n    tier: premium\n")
    assert merged.models["gpt-6"].tier == "premium"
    assert "gpt-5.4" in merged.models


COMPLETE = yml("""
    extends: none
    tiers:
      top: {title: Top, rank: 1, recommended: m}
    models:
      m: {name: M, tier: top}
    exclude: []
    areas:
      a: {title: A, paths: ["a/**"]}
    shape: {default_tier: top, long_context_tier: top, context_heavy_tier: top}
    """)


def test_extends_none_makes_the_file_a_complete_policy() -> None:
    policy = load_policy(COMPLETE)
    assert set(policy.areas) == {"a"}
    assert set(policy.models) == {"m"}
    assert policy.exclude == []
    assert policy.enforcement.require == {}


def test_error_when_extends_none_and_required_sections_are_missing() -> None:
    problems = problems_of("extends: none\nareas: {}\n")
    assert [str(p) for p in problems] == [
        f"{REPO}:1:1: tiers: Field required",
        f"{REPO}:1:1: models: Field required",
    ]


def test_error_when_extends_names_something_else() -> None:
    [problem] = problems_of("\nextends: strict\n")
    assert str(problem) == f"{REPO}:2:1: extends: must be 'default' or 'none'"


# --- errors --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "areas:\n  auth:\n    paths: [a\n  b: c\n",
            f"{REPO}:4:4: invalid YAML: expected ',' or ']', but got ':'",
        ),
        ("a: b\n c: d\n", f"{REPO}:2:3: invalid YAML: mapping values are not allowed here"),
        ("- a\n- b\n", f"{REPO}:1:1: a policy must be a YAML mapping"),
        ("just text\n", f"{REPO}:1:1: a policy must be a YAML mapping"),
        ("x: &a [1]\ny: *a\n", f"{REPO}:2:4: YAML aliases are not allowed in a policy"),
        (b"version: 1\n# \xff\xfe\n", f"{REPO}: not UTF-8 text (byte 13)"),
        ("#" * (MAX_POLICY_BYTES + 1), f"{REPO}: larger than {MAX_POLICY_BYTES} bytes"),
        (
            "catalog_date: 2026-02-30\n",
            f"{REPO}: invalid YAML value: day is out of range for month",
        ),
        (
            "a: " + "[" * (MAX_POLICY_DEPTH + 5) + "]" * (MAX_POLICY_DEPTH + 5) + "\n",
            # the mapping is level 1, so the bracket that is one too deep is bracket MAX
            f"{REPO}:1:{3 + MAX_POLICY_DEPTH}: nested deeper than {MAX_POLICY_DEPTH} levels",
        ),
    ],
    ids=[
        "invalid-yaml-flow",
        "invalid-yaml-indent",
        "non-mapping-list",
        "non-mapping-scalar",
        "alias",
        "non-utf8",
        "too-large",
        "impossible-date",
        "too-deep",
    ],
)
def test_error_when_the_file_cannot_be_read_as_a_policy(text: str | bytes, expected: str) -> None:
    problems = problems_of(text)
    assert [str(p) for p in problems] == [expected]


def test_error_message_joins_every_problem_with_its_place() -> None:
    with pytest.raises(PolicyError) as info:
        load_policy("- a\n", name="custom.yml")
    assert str(info.value) == "custom.yml:1:1: a policy must be a YAML mapping"


def test_a_file_of_exactly_the_size_limit_is_accepted() -> None:
    assert load_policy("#" * MAX_POLICY_BYTES) == default_policy()


def test_error_when_a_key_is_unknown_names_field_and_repository_line() -> None:
    [problem] = problems_of(yml("""
        # tighten auth
        areas:
          auth:
            checklist:
              - Reviewed by security.
            pathz: ["src/identity/**"]
        """))
    assert (problem.file, problem.field, problem.line, problem.column) == (
        REPO, "areas.auth.pathz", 6, 5,
    )
    assert str(problem) == f"{REPO}:6:5: areas.auth.pathz: Extra inputs are not permitted"


def test_error_when_a_top_level_key_is_unknown() -> None:
    [problem] = problems_of("version: 1\nareaz: {}\n")
    assert str(problem) == f"{REPO}:2:1: areaz: Extra inputs are not permitted"


def test_error_when_a_content_pattern_uses_look_behind() -> None:
    [problem] = problems_of(yml("""
        areas:
          auth:
            content:
              - '(?<=foo)bar'
        """))
    assert problem.file == REPO
    assert problem.line == 4, "the repository's item, not a line of the default"
    # numbered as the repository wrote it, though the merged list appends it to the default's
    assert problem.field == "areas.auth.content[0].pattern"
    assert "invalid RE2 pattern '(?<=foo)bar'" in problem.message
    assert str(problem).startswith(f"{REPO}:4:9:")


@pytest.mark.parametrize("reading", ["guards", "comments", "headers", "enclosing"])
def test_error_when_a_forks_rule_reads_something_else_too(reading: str) -> None:
    """A rule that reads a go.mod's forks (`forks`) reads its requirements as changed lines
    do: a rule that reads guards, comments or definitions instead is refused with it."""
    [problem] = problems_of(yml(f"""
        areas:
          security:
            content:
              - {{id: go-forks, pattern: '=>', files: ['**/go.mod'], forks: true, {reading}: true}}
        """))
    assert problem.file == REPO
    assert problem.field == "areas.security.content[0]"
    assert problem.message == ("a rule with `forks` reads a go.mod's requirements: not with "
                               "`guards`, `comments`, `headers` or `enclosing`")


@pytest.mark.parametrize("reading", ["guards", "comments", "headers", "enclosing", "forks"])
def test_error_when_a_where_changed_rule_reads_something_else_too(reading: str) -> None:
    """A rule that counts only where a rewrite touches its word (`where_changed`) reads changed
    lines of code: with another reading it would say nothing, so it is refused."""
    [problem] = problems_of(yml(f"""
        areas:
          auth:
            content:
              - {{id: secrets, pattern: 'secret', where_changed: true, {reading}: true}}
        """))
    assert problem.field == "areas.auth.content[0]"
    assert problem.message == ("a rule with `where_changed` reads changed lines of code: not "
                               "with `guards`, `comments`, `headers`, `enclosing` or `forks`")


def test_a_forks_rule_reads_go_mod_files() -> None:
    """The bundled dependency-source rule reads forks; a repository's rule may too."""
    rules = {rule.id: rule for rule in default_policy().areas["security"].content}
    assert rules["dependency-source"].forks
    policy = load_policy(yml("""
        areas:
          security:
            content:
              - {id: go-forks, pattern: '=>', files: ['**/go.mod'], excluded_too: true, forks: true}
        """))
    assert [rule.forks for rule in policy.areas["security"].content if rule.id == "go-forks"] == [
        True]


@pytest.mark.parametrize(("area", "field", "pattern", "expected"), [
    ("auth", "repository", "(?<=py)jwt", "invalid RE2 pattern '(?<=py)jwt'"),
    ("auth", "repository", "", "repository word is empty"),
    ("security", "titles", "(?<=fix )xss", "invalid RE2 pattern '(?<=fix )xss'"),
    ("security", "titles", "", "title phrase is empty"),
])
def test_error_when_a_repository_word_or_title_phrase_is_refused(
    area: str, field: str, pattern: str, expected: str
) -> None:
    """An area's `repository` words and `titles` phrases are patterns too: one RE2 refuses, or
    an empty one (which would claim no name, or every title, silently), is the repository's
    mistake, named where it wrote it."""
    [problem] = problems_of(yml(f"""
        areas:
          {area}:
            {field}: ['{pattern}']
        """))
    assert problem.file == REPO
    assert problem.field.startswith(f"areas.{area}.{field}")
    assert expected in problem.message


@pytest.mark.parametrize(("veto", "expected"), [
    ("(?<=fix )tests", "invalid RE2 pattern '(?<=fix )tests'"),
    ("", "title veto is empty"),
])
def test_error_when_a_title_veto_is_refused(veto: str, expected: str) -> None:
    """A `title_vetoes` phrase likewise: an empty one would veto every title, silently."""
    [problem] = problems_of(yml(f"""
        title_vetoes: ['{veto}']
        """))
    assert problem.file == REPO
    assert problem.field.startswith("title_vetoes")
    assert expected in problem.message


def test_error_when_a_replaced_rule_list_has_a_bad_pattern_points_at_the_repository_item() -> None:
    # The merged list is the repository's own here, so its index 1 is the repository's
    # second item, even though the default's content[1] is a mapping with a deeper position.
    [problem] = problems_of(yml("""
        areas:
          auth:
            replace: [content]
            content:
              - 'fine'
              - '(?<!a)b'
        """))
    assert str(problem) == (
        f"{REPO}:6:9: areas.auth.content[1].pattern: "
        "invalid RE2 pattern '(?<!a)b': invalid perl operator: (?<!"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "models:\n  foo:\n    name: Foo\n    tier: platinum\n",
            [f"{REPO}:4:5: models.foo.tier: unknown tier 'platinum'"],
        ),
        (
            "enforcement:\n  require:\n    critical: platinum\n",
            [f"{REPO}:3:5: enforcement.require.critical: unknown tier 'platinum'"],
        ),
        (
            "tools:\n  bot:\n    name: Bot\n    markers: [bot]\n    model: gpt-9\n",
            [f"{REPO}:5:5: tools.bot.model: unknown model 'gpt-9'"],
        ),
        (
            "shape:\n  default_tier: cheap\nenforcement:\n  tool_only_tier: free\n",
            [
                f"{REPO}:2:3: shape.default_tier: unknown tier 'cheap'",
                f"{REPO}:4:3: enforcement.tool_only_tier: unknown tier 'free'",
            ],
        ),
    ],
    ids=["model-tier", "required-tier", "tool-model", "two-tier-references"],
)
def test_error_when_a_reference_names_nothing(text: str, expected: list[str]) -> None:
    assert [str(p) for p in problems_of(text)] == expected


def test_error_for_a_reference_the_repository_broke_points_at_the_default_line() -> None:
    # Replacing the catalog leaves the default's `recommended:` ids dangling: the longest known
    # position is in the default file, which is where that field is written.
    problems = problems_of(yml("""
        replace: [models]
        models:
          solo: {name: Solo, tier: premium}
        """))
    by_field = {p.field: p for p in problems}
    premium = by_field["tiers.premium.recommended"]
    assert premium.file == DEFAULT_POLICY_NAME
    assert premium.line == default_line("recommended: gpt-5.4")
    assert premium.message == "unknown model 'gpt-5.4'"
    assert len(problems) == len(default_policy().tiers)


def test_error_when_several_things_are_wrong_all_are_reported() -> None:
    problems = problems_of(yml("""
        areaz: {}
        limits:
          evidence_per_file: 0
        areas:
          auth:
            enabled: maybe
        """))
    assert len(problems) == 3
    assert {(p.field, p.line) for p in problems} == {
        ("areaz", 1),
        ("limits.evidence_per_file", 3),
        ("areas.auth.enabled", 6),
    }
    assert all(p.file == REPO for p in problems)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "replace: exclude\nexclude: [x/**]\n",
            f"{REPO}:1:1: replace: must be a list of field names",
        ),
        (
            "areas:\n  auth:\n    replace: paths\n    paths: [x/**]\n",
            f"{REPO}:3:5: areas.auth.replace: must be a list of field names",
        ),
        (
            "areas:\n  auth:\n    replace: [1]\n",
            f"{REPO}:3:5: areas.auth.replace: must be a list of field names",
        ),
    ],
    ids=["top-level-string", "in-area-string", "in-area-not-names"],
)
def test_error_when_replace_is_not_a_list_of_names(text: str, expected: str) -> None:
    # Ignoring it would silently append where the author meant to replace.
    assert [str(p) for p in problems_of(text)] == [expected]


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("exclude: ['']\n", "exclude[0]"),
        ("areas:\n  new:\n    title: N\n    risk: routine\n    paths: [n/**]\n", "areas.new.risk"),
        ("version: 2\n", "version"),
        ("limits:\n  snippet_chars: 5\n", "limits.snippet_chars"),
        ("enforcement:\n  on_missing: explode\n", "enforcement.on_missing"),
    ],
    ids=["empty-path-pattern", "area-risk-routine", "version", "limit-too-small", "on-missing"],
)
def test_error_when_a_value_is_out_of_range(text: str, field: str) -> None:
    [problem] = problems_of(text)
    assert problem.field == field
    assert problem.file == REPO
    assert problem.line is not None


def test_error_names_the_file_it_was_given() -> None:
    [problem] = problems_of("areaz: 1\n", name="base:.github/modeltier.yml")
    assert str(problem) == "base:.github/modeltier.yml:1:1: areaz: Extra inputs are not permitted"


def test_parse_source_records_key_positions() -> None:
    source = parse_source("a:\n  b:\n    - x\n    - y\n", "f.yml")
    assert source.data == {"a": {"b": ["x", "y"]}}
    assert source.positions[("a",)] == (1, 1)
    assert source.positions[("a", "b")] == (2, 3)
    assert source.positions[("a", "b", 1)] == (4, 7)


# --- patterns: validated at load by the engines that run them ------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "areas:\n  auth:\n    paths:\n      - 'ok/**'\n      - '**/[z-a]'\n",
            f"{REPO}:5:9: areas.auth.paths[1]: invalid path pattern '**/[z-a]': "
            "bad character range z-a at position 10",
        ),
        (
            "exclude: ['docs/**', '\\']\n",  # one backslash: escapes nothing
            f"{REPO}:1:22: exclude[1]: invalid path pattern '\\\\': "
            "Invalid git pattern: '\\\\'",
        ),
        (
            "areas:\n  auth:\n    content:\n      - pattern: 'x'\n        files: ['a[b-a]']\n",
            f"{REPO}:5:17: areas.auth.content[0].files[0]: invalid path pattern 'a[b-a]': "
            "bad character range b-a at position 11",
        ),
    ],
    ids=["reversed-range", "trailing-backslash", "rule-files"],
)
def test_error_when_a_path_pattern_is_refused_by_its_engine(text: str, expected: str) -> None:
    assert [str(p) for p in problems_of(text)] == [expected]


def test_error_when_a_path_pattern_uses_a_posix_class() -> None:
    # Python's re (pathspec's translation) warns of a nested set, RE2 finds no closing ']':
    # which engine speaks first depends on re's cache, either way the pattern is refused.
    [problem] = problems_of("exclude:\n  - '[[:alpha:]]'\n")
    assert (problem.field, problem.line, problem.column) == ("exclude[0]", 2, 5)
    assert problem.message.startswith("invalid path pattern '[[:alpha:]]': ")


def test_error_when_a_path_pattern_is_nested_100k_brackets_deep() -> None:
    pattern = "[" * 100_000 + "a" + "]" * 100_000
    [problem] = problems_of(f"exclude:\n  - '{pattern}'\n")
    assert (problem.field, problem.line, problem.column) == ("exclude[0]", 2, 5)
    assert problem.message.startswith("invalid path pattern '[[[[")
    assert len(problem.message) < 200, "the pattern is shortened, not echoed whole"


def test_error_when_a_path_list_holds_10000_patterns() -> None:
    paths = "".join(f"      - '**/d{i}/**/*.py'\n" for i in range(10_000))
    [problem] = problems_of(f"areas:\n  auth:\n    replace: [paths]\n    paths:\n{paths}")
    assert str(problem) == (
        f"{REPO}:4:5: areas.auth.paths: 10000 path patterns; a list holds at most 1000"
    )


def test_error_when_the_areas_path_patterns_cannot_compile_together() -> None:
    # Each list is within its limit; together (the one set every path is first checked against)
    # RE2 refuses them. Without this check the policy would load and every job would crash.
    areas = "".join(
        f"  extra{a}:\n    title: Extra {a}\n    paths:\n"
        + "".join(f"      - '**/{a}d{i}/**/*.py'\n" for i in range(900))
        for a in range(3)
    )
    [problem] = problems_of(f"areas:\n{areas}")
    default = sum(
        len([p for p in area.paths if not p.startswith("!")])
        for area in default_policy().active_areas().values()
    )
    assert (problem.file, problem.field, problem.line) == (REPO, "areas", 1)
    assert problem.message.startswith(
        f"the areas' {default + 2700} path patterns are more than the matcher (RE2) can compile "
        "together"
    )


def test_error_when_content_patterns_are_too_many() -> None:
    rules = "".join(f"      - 'word{i}'\n" for i in range(1001))
    [problem] = problems_of(f"areas:\n  auth:\n    content:\n{rules}")
    assert problem.field == "areas"
    default = sum(len(area.content) for area in default_policy().active_areas().values())
    assert problem.message == f"{default + 1001} content rules; a policy holds at most 1000"


def test_error_when_yaml_flow_nesting_is_100k_deep() -> None:
    # libyaml refuses it at 1,000 levels; explaining that must not build the tree (a
    # RecursionError before this was fixed).
    [problem] = problems_of("exclude: " + "[" * 100_000 + "]" * 100_000 + "\n")
    assert str(problem) == f"{REPO}:1:41: nested deeper than {MAX_POLICY_DEPTH} levels"


# --- duplicate keys ------------------------------------------------------------------------------


def test_error_when_a_key_is_written_twice() -> None:
    problems = problems_of(yml("""
        areas:
          auth:
            paths: ["src/identity/**"]
            paths: []
        exclude: []
        exclude: ["x/**"]
        """))
    assert [str(p) for p in problems] == [
        f"{REPO}:4:5: areas.auth.paths: duplicate key (written more than once in the same "
        "mapping)",
        f"{REPO}:6:1: exclude: duplicate key (written more than once in the same mapping)",
    ]


def test_the_same_key_in_different_mappings_is_not_a_duplicate() -> None:
    policy = load_policy(yml("""
        areas:
          auth:
            title: Auth
          billing:
            title: Billing
        """))
    assert (policy.areas["auth"].title, policy.areas["billing"].title) == ("Auth", "Billing")


def test_the_bundled_policy_passes_the_full_validation_it_skips_at_start_up() -> None:
    """default_policy() trusts the bundled file and does not compile its patterns one by one;
    this is the check that makes that safe: the same data, validated as a repository's would be,
    has no problem (every pattern compiles alone, each list and the areas together)."""
    from policies.loader import _default_source, _validate
    from policies.schema import runtime

    source = _default_source()
    full = _validate(source.data, [source], trusted=False)
    assert runtime(full) == default_policy()


def test_a_repository_policy_is_never_trusted() -> None:
    with pytest.raises(PolicyError) as e:
        load_policy("areas:\n  auth:\n    paths: ['**/[z-a]']\n")
    assert "areas.auth.paths" in str(e.value)
