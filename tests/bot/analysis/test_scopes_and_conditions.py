"""bot.analysis: policy scopes (strictest wins), areas by CODEOWNERS ownership, `enforcement.when`
and `unless` conditions, and `request_review`."""

from __future__ import annotations

import textwrap

import pytest

from bot.analysis.decide import decide
from bot.analysis.diff import parse_diff
from bot.analysis.models import PullRequestInfo, Risk, Verdict
from bot.analysis.reviewers import split_reviewers
from policies.loader import load_policy
from tests.bot._diffs import edit

PAYMENTS = edit("services/ledgerd/ledger.py", ["total = a + b"])
WEB = edit("web/src/home.tsx", ["const x = 1"])
DOCS_AUTH = edit("docs-site/auth/guide.py", ["x = 1"])

SCOPED = textwrap.dedent("""\
    scopes:
      - name: payments
        paths: ["services/ledgerd/**"]
        areas:
          ledger:
            title: Ledger
            risk: critical
            paths: ["services/ledgerd/**"]
            checklist: ["Reconcile against the ledger"]
      - name: docs site
        paths: ["docs-site/**"]
        areas:
          auth: {enabled: false}
        enforcement:
          on_missing: warn
    """)


def test_a_scope_judges_its_files_with_its_own_areas() -> None:
    decision = decide(parse_diff(PAYMENTS), load_policy(SCOPED))
    assert [a.id for a in decision.areas] == ["ledger"]
    assert decision.risk is Risk.CRITICAL and decision.verdict is Verdict.MISSING
    assert decision.scope == "payments" and decision.scopes == ["payments"]
    assert decision.checklist[0].items == ["Reconcile against the ledger"]
    assert any("policy scope `payments`" in r for r in decision.reasons)
    # the same file outside the scope's policy is routine
    assert decide(parse_diff(PAYMENTS), load_policy(None)).risk is Risk.ROUTINE


def test_a_scope_can_turn_an_area_off_for_its_files_only() -> None:
    policy = load_policy(SCOPED)
    assert decide(parse_diff(DOCS_AUTH), policy).areas == []
    outside = decide(parse_diff(edit("app/auth/guide.py", ["x = 1"])), policy)
    assert [a.id for a in outside.areas] == ["auth"]


def test_a_change_touching_several_scopes_is_judged_by_the_strictest() -> None:
    policy = load_policy(SCOPED)
    docs = decide(parse_diff(DOCS_AUTH + WEB), policy)
    assert docs.verdict is Verdict.ADVISORY and not docs.blocking
    both = decide(parse_diff(PAYMENTS + edit("docs-site/index.md", ["Hi"]) + WEB), policy)
    assert both.scope == "payments" and both.blocking
    assert both.scopes == ["payments", "docs site"]
    # warn (docs site) against fail (the policy's own rules), both critical: fail wins
    mixed = decide(parse_diff(edit("docs-site/billing/refund.py", ["refund(charge)"])
                              + edit("app/auth/login.py", ["x = 1"])), policy)
    assert mixed.risk is Risk.CRITICAL and mixed.blocking and mixed.scope is None


CODEOWNERS = "* @acme/everyone\n/platform/ @acme/security @carol\n/platform/docs/\n"
OWNED = textwrap.dedent("""\
    areas:
      platform:
        title: Platform security
        risk: critical
        owners: ["@ACME/security"]
    """)


@pytest.mark.parametrize(
    ("path", "owned"),
    [
        ("platform/net/tls.go", True),
        ("platform/docs/notes.go", False),  # the last matching rule has no owner
        ("services/api.go", False),
        ("platform/net/tls_test.go", False),  # tests stay excluded, as for a path match
    ],
)
def test_files_owned_by_an_area_owner_count_toward_the_area(path: str, owned: bool) -> None:
    info = PullRequestInfo(codeowners=CODEOWNERS)
    decision = decide(parse_diff(edit(path, ["x := 1"])), load_policy(OWNED), info)
    assert ("platform" in [a.id for a in decision.areas]) is owned
    if owned:
        evidence = decision.areas[0].evidence[0]
        assert evidence.rule == "platform.owners" and "line 2" in evidence.snippet


def test_without_a_codeowners_file_no_file_is_owned() -> None:
    decision = decide(parse_diff(edit("platform/net/tls.go", ["x := 1"])), load_policy(OWNED))
    assert decision.areas == []


AUTH = parse_diff(edit("app/auth/views.py", ["@login_required", "def profile(request):"]))
INFRA = parse_diff(edit("app/auth/views.py", ["@login_required"])
                   + edit("terraform/main.tf", ['resource "aws_iam_role" "x" {}']))
CONDITIONS = textwrap.dedent("""\
    enforcement:
      when: {base: [main, "release/*"], draft: false}
      unless:
        - author: ["dependabot[bot]", "renovate[bot]"]
          touches_not: [infrastructure]
    """)


@pytest.mark.parametrize(
    ("info", "diff", "enforced", "why"),
    [
        (PullRequestInfo(base_ref="main", author_login="alice"), AUTH, True, None),
        (PullRequestInfo(base_ref="release/2.1"), AUTH, True, None),
        (PullRequestInfo(base_ref="develop"), AUTH, False, "the base branch is `develop`"),
        (PullRequestInfo(base_ref="main", draft=True), AUTH, False, "not a draft"),
        (PullRequestInfo(base_ref="main", author_login="Dependabot[bot]"), AUTH, False,
         "`enforcement.unless[0]` exempts it"),
        (PullRequestInfo(base_ref="main", author_login="dependabot[bot]"), INFRA, True, None),
        # the CLI knows no branch, author or draft state: nothing is exempted
        (PullRequestInfo(), AUTH, True, None),
    ],
)
def test_enforcement_conditions(
    info: PullRequestInfo, diff: object, enforced: bool, why: str | None
) -> None:
    decision = decide(diff, load_policy(CONDITIONS), info)  # type: ignore[arg-type]
    assert decision.risk is Risk.CRITICAL
    assert decision.blocking is enforced
    assert (decision.required_tier is not None) is enforced
    if not enforced:
        assert decision.verdict is Verdict.ADVISORY and decision.not_enforced
        assert why is not None and why in decision.not_enforced
        assert decision.verdict_reason.startswith("Not enforced here:")
        assert decision.tier == "premium"  # still what the change calls for


REVIEWS = textwrap.dedent("""\
    request_review:
      critical: ["@acme/security", "@alice"]
      billing: ["@acme/payments"]
      integrations: ["@dave"]
    """)


def test_review_requests_follow_the_risk_and_the_areas_and_never_the_author() -> None:
    info = PullRequestInfo(base_ref="main", author_login="alice")
    decision = decide(AUTH, load_policy(REVIEWS), info)
    assert [(r.reviewer, r.reason) for r in decision.review_requests] == [
        ("@acme/security", "critical")]
    assert any("Review requested from @acme/security (critical)" in r for r in decision.reasons)
    routine = decide(parse_diff(edit("app/views.py", ["x = 1"])), load_policy(REVIEWS), info)
    assert routine.review_requests == []
    assert split_reviewers(decide(AUTH, load_policy(REVIEWS)).review_requests) == (
        ["alice"], ["security"])


def test_no_review_is_requested_where_enforcement_does_not_apply() -> None:
    policy = load_policy(REVIEWS + CONDITIONS)
    decision = decide(AUTH, policy, PullRequestInfo(base_ref="develop"))
    assert decision.review_requests == [] and decision.not_enforced
