"""Weak evidence (`Area.weak`): alone it puts an area one risk lower; a second rule of the area,
or another area as risky, corroborates it; and the decision says which happened."""

from __future__ import annotations

import textwrap

import pytest

from bot.analysis.classify import classify
from bot.analysis.decide import decide
from bot.analysis.diff import parse_diff
from bot.analysis.models import AreaResult, PullRequestInfo
from policies.loader import default_policy, load_policy
from policies.model import Policy, Risk
from tests.bot._diffs import edit

POLICY = textwrap.dedent("""\
    areas:
      money:
        title: Money
        risk: critical
        paths: ["**/till/**"]
        content:
          - {id: coin, pattern: 'coin_total'}
          - {id: ledger, pattern: 'ledger_entry'}
        weak: [coin, "**/till/**", misspelt]
      vault:
        title: Vault
        risk: critical
        content:
          - {id: key, pattern: 'vault_key'}
    """)


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy(POLICY)


def money(text: str, policy: Policy) -> AreaResult:
    found = {area.id: area for area in classify(parse_diff(text), policy).areas}
    return found["money"]


@pytest.mark.parametrize(
    ("text", "risk", "note"),
    [
        (edit("app/x.py", ["coin_total = 1"]), Risk.ELEVATED,
         "weak rule only (money.coin), not corroborated"),
        (edit("app/till/x.py", ["y = 1"]), Risk.ELEVATED, "weak rule only (**/till/**)"),
        (edit("app/till/x.py", ["coin_total = 1"]), Risk.CRITICAL,
         "weak rules only, but 2 agree (**/till/**, money.coin): counted"),
        (edit("app/x.py", ["coin_total = 1", "vault_key = 2"]), Risk.CRITICAL,
         "but the change is critical for Vault anyway: counted"),
        (edit("app/x.py", ["coin_total = 1", "ledger_entry = 2"]), Risk.CRITICAL, None),
        (edit("app/x.py", ["ledger_entry = 2"]), Risk.CRITICAL, None),
    ],
    ids=["weak-content-alone", "weak-path-alone", "weak-path-and-weak-content",
         "backed-by-another-critical-area", "weak-beside-strong", "strong-alone"],
)
def test_weak_evidence_counts_only_when_corroborated(
    text: str, risk: Risk, note: str | None, policy: Policy
) -> None:
    area = money(text, policy)
    assert area.risk == risk
    if note is None:
        assert area.weak_evidence is None
    else:
        assert area.weak_evidence is not None and note in area.weak_evidence


def test_without_weak_rules_the_same_evidence_is_critical() -> None:
    strong = load_policy(POLICY.replace('weak: [coin, "**/till/**", misspelt]', "weak: []"))
    area = money(edit("app/x.py", ["coin_total = 1"]), strong)
    assert (area.risk, area.weak_evidence) == (Risk.CRITICAL, None)


def test_a_weak_entry_naming_no_rule_of_the_area_makes_nothing_weak(policy: Policy) -> None:
    assert policy.areas["money"].weak_keys("money") == frozenset({"money.coin", "**/till/**"})


def test_the_decision_says_why_weak_evidence_did_not_count(policy: Policy) -> None:
    decision = decide(parse_diff(edit("app/x.py", ["coin_total = 1"])), policy, PullRequestInfo())
    assert decision.risk == Risk.ELEVATED
    assert any(
        reason.startswith("Touches Money (elevated)") and "counted as elevated, not critical"
        in reason for reason in decision.reasons
    )


def test_strong_evidence_in_one_scope_outweighs_weak_evidence_in_another() -> None:
    scoped = load_policy(textwrap.dedent("""\
        areas:
          money:
            title: Money
            content: [{id: coin, pattern: 'coin_total'}]
        scopes:
          - name: shop
            paths: ["shop/**"]
            areas:
              money: {weak: [coin]}
        """))
    in_shop = edit("shop/x.py", ["coin_total = 1"])
    both = decide(parse_diff(edit("app/x.py", ["coin_total = 1"]) + in_shop), scoped,
                  PullRequestInfo())
    area = next(a for a in both.areas if a.id == "money")
    assert (area.risk, area.weak_evidence) == (Risk.CRITICAL, None)
    assert decide(parse_diff(in_shop), scoped, PullRequestInfo()).risk == Risk.ELEVATED


def test_weak_evidence_alone_leaves_the_tier_to_the_shape(policy: Policy) -> None:
    """The area is still reported, elevated, with its evidence; but the evidence did not make
    the change sensitive, so the tier is the shape's, not the one `recommend` gives an elevated
    change."""
    assert policy.enforcement.recommend[Risk.ELEVATED] == "premium"
    decision = decide(parse_diff(edit("app/x.py", ["coin_total = 1"])), policy, PullRequestInfo())
    assert (decision.risk, [a.id for a in decision.areas]) == (Risk.ELEVATED, ["money"])
    assert decision.areas[0].evidence
    assert (decision.tier, decision.required_tier) == ("everyday", None)


def test_an_area_elevated_by_its_own_risk_is_advised_the_elevated_tier() -> None:
    partner = load_policy(POLICY + "  partner:\n    title: Partner sync\n    risk: elevated\n"
                          "    content: [{id: sync, pattern: 'partner_sync'}]\n")
    decision = decide(parse_diff(edit("app/x.py", ["partner_sync()"])), partner,
                      PullRequestInfo())
    assert (decision.risk, decision.tier) == (Risk.ELEVATED, "premium")


def test_every_weak_entry_of_the_bundled_policy_names_a_rule_of_its_area() -> None:
    """A weak entry naming no rule of its area makes nothing weak (a guard kind such as
    `condition-changed` is no content rule): the bundled lists name only what they weaken."""
    bundled = default_policy()
    for area_id, area in bundled.areas.items():
        keys = area.weak_keys(area_id)
        assert [w for w in area.weak if w not in keys and f"{area_id}.{w}" not in keys] == []


@pytest.mark.parametrize(
    ("path", "lines", "risk"),
    [
        # learnt weak from folds 1-4 (`bench/strengths.py`), where it found no critical change
        # at all: a secret's file name alone (a page size in an API of secrets)
        ("server/api/global_secret.go", ["const pageSize = 20"], Risk.ELEVATED),
        # with another rule of security: critical
        ("server/api/global_secret.go", ["mac := hmac.New(sha256.New, key)"], Risk.CRITICAL),
        # a command run through a shell is learnt so too (from one commit), but stays strong:
        # the textbook injection sink counts alone
        ("app/tasks/export.py", ["out = os.popen(cmd).read()"], Risk.CRITICAL),
    ],
)
def test_the_bundled_weak_security_rules_count_only_when_corroborated(
    path: str, lines: list[str], risk: Risk
) -> None:
    found = {a.id: a for a in classify(parse_diff(edit(path, lines, ("x = 1",))),
                                       default_policy()).areas}
    assert found["security"].risk == risk
