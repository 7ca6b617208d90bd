"""policies.pathsets: named path sets, `@name` and `!@name` in any path list.

A name stands for its set's patterns wherever a policy layer writes it (the bundled policy's
sets included), an unknown name or a riddle is an error with its line, and nothing that was a
plain pattern changes meaning except a leading `@`, which is escaped as gitignore escapes.
"""

from __future__ import annotations

import textwrap
import typing

import pytest

from policies import pathsets
from policies.errors import PolicyError
from policies.loader import default_policy, load_policy
from policies.model import Policy, compile_paths
from policies.scopes import scoped_policies


def rule_files(policy: Policy, area: str, rule_id: str) -> list[str]:
    return next(rule.files for rule in policy.areas[area].content if rule.id == rule_id)


def test_a_name_stands_for_its_patterns_and_an_excluded_name_for_each_excluded() -> None:
    policy = load_policy(textwrap.dedent("""\
        path_sets:
          frontend: ["web/**", "ui/**"]
        areas:
          billing:
            content:
              - {id: ledger-words, pattern: 'ledger_entry', files: ["@frontend", "api/**"]}
              - {id: ledger-calls, pattern: 'post_ledger\\(', files: ["**", "!@frontend"]}
        """))
    assert rule_files(policy, "billing", "ledger-words") == ["web/**", "ui/**", "api/**"]
    excluded = rule_files(policy, "billing", "ledger-calls")
    assert excluded == ["**", "!web/**", "!ui/**"]
    spec = compile_paths(excluded)
    assert not spec.match_file("web/app.py") and spec.match_file("api/app.py")


def test_a_repository_names_the_bundled_sets_and_gets_what_the_bundled_rules_get() -> None:
    bundled = default_policy()
    assert "ui-components" in bundled.path_sets
    policy = load_policy(textwrap.dedent("""\
        areas:
          auth:
            content:
              - {id: session-words, pattern: 'session_store', files: ["**", "!@ui-components"]}
        """))
    written = ["**", *(f"!{p}" for p in bundled.path_sets["ui-components"])]
    assert rule_files(policy, "auth", "session-words") == written


def test_the_bundled_rules_leave_out_what_their_sets_hold() -> None:
    """The credentials rule reads neither CI configuration (each of the CI set's systems, as
    the rules that had their own copies did) nor templates nor UI components."""
    spec = compile_paths(rule_files(default_policy(), "auth", "credentials"))
    for quiet in (".buildkite/pipeline.yml", "azure-pipelines.yml", ".github/workflows/ci.yml",
                  "app/templates/login.jinja2", "web/src/Login.tsx", "deploy/Dockerfile"):
        assert not spec.match_file(quiet), quiet
    assert spec.match_file("app/auth/views.py")


def test_an_unknown_name_is_an_error_on_its_line_not_a_pattern_that_matches_nothing() -> None:
    with pytest.raises(PolicyError) as error:
        load_policy(textwrap.dedent("""\
            areas:
              auth:
                content:
                  - {id: session-words, pattern: 'session_store', files: ["**", "!@ui-component"]}
            """))
    (problem,) = error.value.problems
    assert problem.field == "areas.auth.content[0].files"
    assert problem.line == 4
    assert "'!@ui-component' names no path set" in problem.message
    assert "ui-components" in problem.message  # the sets there are, to fix a typo


@pytest.mark.parametrize(("text", "field", "message"), [
    ('path_sets:\n  a: ["!x/**"]\nexclude: ["!@a"]\n', "exclude",
     "excludes a set that holds an exclusion"),
    ('path_sets:\n  a: ["@b"]\n  b: ["x/**"]\n', "path_sets.a", "cannot name another set"),
    ('path_sets:\n  Web: ["x/**"]\n', "path_sets.Web", "should match pattern"),
    ('path_sets:\n  a: ["[[:alpha:]"]\n', "path_sets.a", "invalid path pattern"),
    # 600 patterns named twice: over the 1,000 a list holds, refused before it is built whole
    ("path_sets:\n  big: [" + ", ".join(f'"d{i}/**"' for i in range(600)) + ']\n'
     'exclude: ["@big", "@big"]\n', "exclude", "more than 1000 path patterns"),
])
def test_riddles_and_bad_sets_are_errors(text: str, field: str, message: str) -> None:
    with pytest.raises(PolicyError) as error:
        load_policy(text)
    assert any(p.field.startswith(field) and message in p.message
               for p in error.value.problems), error.value.problems


def test_a_file_whose_name_starts_with_at_is_written_escaped() -> None:
    policy = load_policy(textwrap.dedent("""\
        areas:
          auth:
            content:
              - {id: scoped-packages, pattern: 'oauth_client', files: ["\\\\@acme/**"]}
        """))
    spec = compile_paths(rule_files(policy, "auth", "scoped-packages"))
    assert spec.match_file("@acme/oauth/index.ts")
    assert not spec.match_file("acme/oauth/index.ts")


def test_a_scope_names_the_sets_of_its_policy() -> None:
    policy = load_policy(textwrap.dedent("""\
        path_sets:
          generated-clients: ["**/clients/**"]
        scopes:
          - paths: ["services/payments/**"]
            areas:
              billing:
                content:
                  - {id: payout-calls, pattern: 'payout\\(', files: ["**", "!@generated-clients"]}
        """))
    ((_, scoped),) = scoped_policies(policy)
    assert rule_files(scoped, "billing", "payout-calls") == ["**", "!**/clients/**"]


def test_a_policy_that_extends_nothing_names_its_own_sets() -> None:
    policy = load_policy(textwrap.dedent("""\
        extends: none
        tiers:
          top: {title: Top, rank: 1, recommended: m}
        models:
          m: {name: M, tier: top}
        path_sets:
          docs: ["docs/**", "**/*.md"]
        exclude: ["@docs"]
        areas:
          a: {title: A, paths: ["a/**"]}
        shape: {default_tier: top, long_context_tier: top, context_heavy_tier: top}
        """))
    assert policy.exclude == ["docs/**", "**/*.md"]


def test_the_fields_spelt_out_before_a_merge_are_the_schemas_path_lists() -> None:
    from policies import schema

    found: set[str] = set()
    for model in vars(schema).values():
        if isinstance(model, type) and issubclass(model, schema.BaseModel):
            hints = typing.get_type_hints(model, include_extras=True)
            found |= {name for name, hint in hints.items()
                      if schema.PathList in (hint, *typing.get_args(hint))}
    assert found == pathsets.PATH_LIST_FIELDS


def test_a_repository_names_its_organisations_sets_and_cannot_widen_its_rules() -> None:
    from policies.loader import load_layered

    org = textwrap.dedent("""\
        path_sets:
          generated-clients: ["**/clients/**"]
        areas:
          billing:
            content:
              - {id: payout-calls, pattern: 'payout\\(', files: ["**", "!@generated-clients"]}
        """)
    repo = textwrap.dedent("""\
        path_sets:
          generated-clients: ["**/sdk/**"]
        areas:
          auth:
            content:
              - {id: session-words, pattern: 'session_store', files: ["**", "!@generated-clients"]}
        """)
    layered = load_layered(repository=(repo, "repo.yml"), organisation=(org, "org.yml"))
    assert not layered.problems
    policy = layered.policy
    assert rule_files(policy, "billing", "payout-calls") == ["**", "!**/clients/**"]
    assert rule_files(policy, "auth", "session-words") == ["**", "!**/clients/**", "!**/sdk/**"]
