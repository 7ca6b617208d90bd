"""policies.loader.load_layered and policies.locking: default <- organisation <- repository, and
locked fields a repository may tighten but not weaken."""

from __future__ import annotations

import textwrap
from typing import Any

import pytest

from policies.errors import PolicyError
from policies.loader import default_policy, load_layered, load_policy
from policies.locking import restore, weakenings
from policies.model import Permission, Risk
from policies.scopes import scoped_policies

ORG = "acme/.github:.github/modeltier.yml"
REPO = ".github/modeltier.yml"

LOCKING_ORG = textwrap.dedent("""\
    locked: [enforcement, areas.auth]
    enforcement:
      on_missing: fail
      on_lower: warn
    areas:
      auth:
        paths: ["**/identity/**"]
    """)


def layered(repo: str | None, org: str | None = LOCKING_ORG) -> Any:
    return load_layered(
        (repo, REPO) if repo is not None else None, (org, ORG) if org is not None else None
    )


def test_the_organisation_layer_sits_between_the_default_and_the_repository() -> None:
    result = layered("comment: always\nareas:\n  auth:\n    paths: ['**/corp-sso/**']\n")
    assert result.organisation and result.repository and result.problems == []
    auth = result.policy.areas["auth"]
    # the default's patterns, then the organisation's, then the repository's
    assert auth.paths[0] == default_policy().areas["auth"].paths[0]
    assert auth.paths[-2:] == ["**/identity/**", "**/corp-sso/**"]
    assert result.policy.enforcement.on_lower == "warn"
    assert result.policy.comment == "always"


def test_a_repository_weakening_a_locked_field_is_an_error_and_the_organisation_value_applies(
) -> None:
    result = layered(textwrap.dedent("""\
        comment: always
        enforcement:
          on_missing: warn
          require:
            replace: [critical]
            critical: everyday
          override:
            min_permission: write
        areas:
          auth:
            enabled: false
            replace: [paths]
            paths: ["!**/auth/**", "**/login/**"]
        """))
    policy = result.policy
    assert result.repository  # the rest of the repository's file still applies
    assert policy.comment == "always"
    assert policy.enforcement.on_missing == "fail"
    assert policy.enforcement.require[Risk.CRITICAL] == "premium"
    assert policy.enforcement.override.min_permission is Permission.MAINTAIN
    assert policy.areas["auth"].enabled is True
    assert "**/identity/**" in policy.areas["auth"].paths
    assert "!**/auth/**" not in policy.areas["auth"].paths
    problems = {p.field: p for p in result.problems}
    assert set(problems) == {
        "enforcement.on_missing", "enforcement.require.critical",
        "enforcement.override.min_permission", "areas.auth.enabled", "areas.auth.paths",
    }
    on_missing = problems["enforcement.on_missing"]
    assert on_missing.file == REPO and on_missing.line == 3
    assert on_missing.message == ('locked by the organisation policy: "warn" is weaker than '
                                  '"fail"; the organisation\'s value applies')
    assert "drops" in problems["areas.auth.paths"].message
    assert "takes paths back out" in problems["areas.auth.paths"].message


def test_a_repository_may_tighten_a_locked_field() -> None:
    result = layered(textwrap.dedent("""\
        enforcement:
          on_lower: fail
          require: {elevated: premium}
          min_provenance: {premium: tool}
          override: {min_permission: admin, scope: sha}
        areas:
          auth:
            risk: critical
            paths: ["**/corp-sso/**"]
            checklist: ["Second reviewer from security"]
        """))
    assert result.problems == []
    policy = result.policy
    assert policy.enforcement.on_lower == "fail"
    assert policy.enforcement.require[Risk.ELEVATED] == "premium"
    assert policy.enforcement.override.min_permission is Permission.ADMIN
    assert "**/corp-sso/**" in policy.areas["auth"].paths


def test_lowering_the_rank_of_a_required_tier_weakens_locked_enforcement() -> None:
    result = layered("tiers:\n  premium:\n    rank: 1\n")
    assert [p.field for p in result.problems] == ["tiers.premium.rank"]
    assert "that enforcement.require.critical names" in result.problems[0].message
    assert result.policy.tiers["premium"].rank == 40


def test_a_scope_cannot_weaken_a_locked_field_for_its_files() -> None:
    result = layered(textwrap.dedent("""\
        scopes:
          - name: everything
            paths: ["**"]
            enforcement: {on_missing: warn, on_lower: fail}
            areas:
              auth: {enabled: false}
        """))
    assert sorted(p.field for p in result.problems) == [
        "scopes[0].areas.auth.enabled", "scopes[0].enforcement.on_missing"]
    assert result.problems[0].line is not None
    ((_, scoped),) = scoped_policies(result.policy)
    assert scoped.enforcement.on_missing == "fail"  # the organisation's
    assert scoped.enforcement.on_lower == "fail"  # a tightening stays
    assert scoped.areas["auth"].enabled


def test_a_locked_area_cannot_be_made_weak_in_the_browser() -> None:
    org = LOCKING_ORG.replace('paths: ["**/identity/**"]',
                              'paths: ["**/identity/**"]\n    enforced_by_server: false')
    result = layered("areas:\n  auth:\n    enforced_by_server: true\n", org=org)
    assert [p.field for p in result.problems] == ["areas.auth.enforced_by_server"]
    assert not result.policy.areas["auth"].enforced_by_server


def test_a_locked_area_locks_the_policy_wide_exclusions_with_it() -> None:
    result = layered("exclude: ['**/identity/**']\ncontent_only: ['**/auth/**']\n"
                     "client_side: ['**/identity/**']\n")
    assert sorted(p.field for p in result.problems) == ["client_side", "content_only", "exclude"]
    assert "**/identity/**" not in result.policy.client_side
    assert "**/identity/**" not in result.policy.exclude
    unlocked = layered("exclude: ['**/identity/**']\n", org="comment: always\n")
    assert unlocked.problems == [] and "**/identity/**" in unlocked.policy.exclude


def test_a_repository_cannot_unlock_what_the_organisation_locked() -> None:
    result = layered("replace: [locked]\nlocked: []\nenforcement:\n  on_missing: warn\n")
    assert result.policy.locked == ["enforcement", "areas.auth"]
    assert result.policy.enforcement.on_missing == "fail"


def test_error_when_the_organisation_policy_is_broken_the_default_applies_with_its_errors(
) -> None:
    result = layered("comment: always\n", org="enforcement:\n  on_missing: never\n")
    assert not result.organisation and result.repository
    assert result.policy.comment == "always"
    assert result.policy.enforcement.on_missing == "fail"  # the default's
    assert [(p.file, p.field, p.line) for p in result.problems] == [
        (ORG, "enforcement.on_missing", 2)]


def test_error_when_the_repository_policy_is_broken_the_organisation_layer_applies() -> None:
    result = layered("comment: sometimes\n")
    assert result.organisation and not result.repository
    assert result.policy.enforcement.on_lower == "warn"  # the organisation's, not the default's
    assert [p.file for p in result.problems] == [REPO]


def test_error_when_a_lock_names_no_field() -> None:
    result = layered(None, org="locked: [enforcement.on_mising, areas.payroll]\n")
    assert not result.organisation
    assert [p.field for p in result.problems] == ["locked[0]", "locked[1]"]
    assert "names no field" in result.problems[0].message


def test_no_organisation_policy_is_the_repository_over_the_default() -> None:
    result = layered("comment: always\n", org=None)
    assert result.policy == load_policy("comment: always\n")
    assert not result.organisation and result.problems == []


ORG_DATA: dict[str, Any] = {
    "tiers": {"premium": {"rank": 40}, "everyday": {"rank": 10}},
    "comment": "sensitive",
    "exclude": ["docs/**"],
    "request_review": {"critical": ["@acme/security"]},
    "enforcement": {
        "on_missing": "fail", "require": {"critical": "premium"}, "tool_only_tier": "everyday",
        "min_provenance": {"premium": "tool"}, "when": None, "unless": [],
        "override": {"label": "modeltier:override"},
    },
    "areas": {"auth": {"title": "Auth", "enabled": True, "paths": ["a/**"], "exclude": None}},
}


@pytest.mark.parametrize(
    ("path", "value", "weak"),
    [
        (("comment",), "always", False),
        (("comment",), "never", True),
        (("exclude",), [], False),
        (("exclude",), ["docs/**", "src/**"], True),
        (("request_review", "critical"), ["@acme/security", "@bob"], False),
        (("request_review", "critical"), ["@bob"], True),
        (("enforcement", "require", "elevated"), "premium", False),  # a new requirement
        (("enforcement", "require", "critical"), "everyday", True),
        (("enforcement", "tool_only_tier"), None, False),
        (("enforcement", "tool_only_tier"), "premium", True),
        (("enforcement", "min_provenance", "premium"), "recorded", False),
        (("enforcement", "min_provenance", "premium"), "declared", True),
        (("enforcement", "when"), {"base": ["main"]}, True),
        (("enforcement", "unless"), [{"draft": True}], True),
        (("enforcement", "override", "label"), "skip", True),
        (("areas", "auth", "title"), "Identity", False),
        (("areas", "auth", "exclude"), ["**"], True),
        (("areas", "auth", "paths"), ["a/**", "b/**"], False),
        (("areas", "sso"), {"title": "SSO"}, False),  # a new area adds checks
    ],
    ids=lambda v: ".".join(v) if isinstance(v, tuple) else None,
)
def test_what_tightens_and_what_weakens(path: tuple[str, ...], value: Any, weak: bool) -> None:
    new = restore(ORG_DATA, {}, [])
    parent = new
    for part in path[:-1]:
        parent = parent[part]
    parent[path[-1]] = value
    locked = ["comment", "exclude", "request_review", "enforcement", "areas"]
    found = weakenings(ORG_DATA, new, locked)
    assert bool(found) is weak, found
    if weak:
        assert restore(new, ORG_DATA, [w.loc for w in found]) == ORG_DATA


def test_scopes_are_policies_of_their_own_and_their_errors_are_located() -> None:
    policy = load_policy(textwrap.dedent("""\
        scopes:
          - name: payments
            paths: ["services/payments/**"]
            enforcement: {on_missing: warn}
            areas:
              billing: {checklist: ["Reconcile the ledger"]}
        """))
    ((scope, scoped),) = scoped_policies(policy)
    assert scope.title == "payments"
    assert scoped.enforcement.on_missing == "warn"
    assert scoped.areas["billing"].checklist[-1] == "Reconcile the ledger"
    assert policy.enforcement.on_missing == "fail"
    with pytest.raises(PolicyError) as error:
        load_policy(textwrap.dedent("""\
            scopes:
              - paths: ["web/**"]
                enforcement: {on_missing: never}
                areas:
                  auth: {paths: ["[[:alpha:]"]}
            """))
    fields = sorted(p.field for p in error.value.problems)
    assert fields[0].startswith("scopes[0].areas.auth.paths")
    assert fields[-1] == "scopes[0].enforcement.on_missing"


def test_error_when_conditions_and_review_requests_name_nothing() -> None:
    with pytest.raises(PolicyError) as error:
        load_policy(textwrap.dedent("""\
            enforcement:
              unless:
                - {author: ["dependabot[bot]"], touches_not: [infra]}
            request_review:
              critical: ["@acme/security"]
              payroll: ["@carol"]
              billing: ["carol@example.com"]
            """))
    assert sorted(p.field for p in error.value.problems) == [
        "enforcement.unless[0].touches_not", "request_review.billing[0]",
        "request_review.payroll"]


def test_a_repository_cannot_make_a_locked_areas_rules_weak() -> None:
    weakened = layered("areas:\n  auth:\n    weak: ['**/identity/**']\n")
    assert [p.field for p in weakened.problems] == ["areas.auth.weak"]
    assert weakened.policy.areas["auth"].weak == default_policy().areas["auth"].weak
    unlocked = layered("areas:\n  auth:\n    weak: ['**/identity/**']\n", org="comment: always\n")
    assert unlocked.problems == []
    assert "**/identity/**" in unlocked.policy.areas["auth"].weak
