"""Evidence ranking: the strongest lines first, and the caps keep them."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.analysis.classify import classify
from bot.analysis.diff import parse_diff
from bot.analysis.models import Evidence
from bot.analysis.ranking import EvidenceRanking, is_generic_pattern
from policies.loader import default_policy, load_policy

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = (ROOT / "examples" / "billing-refund.diff").read_text(encoding="utf-8")


def _ev(rule: str, side: str = "new", line: int | None = 1, path: str = "a.py") -> Evidence:
    return Evidence(path=path, line=None if side == "path" else line, side=side,  # type: ignore[arg-type]
                    rule=rule, snippet=rule)


@pytest.mark.parametrize(
    ("rule_id", "pattern", "generic"),
    [
        ("money-words", r"\bstripe\.", True),  # the name says so
        ("idempotency", r"(?i)idempoten|\bdedup(e|licat)", True),
        ("stripe", r"(?i)\bstripe(\b|_)|Stripe::|com\.stripe|\bconstruct_event\(", False),
        ("python-tx", r"\btransaction\.(atomic|on_commit)", False),
        ("credentials", r"(?i)\b(password|passwd)\b|\b(access|refresh)[_-]?tokens?\b", True),
        ("decorators", r"(?i)@login_required", False),
    ],
    ids=["named-words", "words", "api", "case-sensitive-call", "credential-words", "decorator"],
)
def test_generic_rules_are_words_without_code(rule_id: str, pattern: str, generic: bool) -> None:
    assert is_generic_pattern(rule_id, pattern) is generic


def test_rank_puts_one_line_per_rule_before_repeats() -> None:
    ranking = EvidenceRanking()
    a1, a2, b1 = _ev("a", line=1), _ev("a", line=2), _ev("b", line=3)
    assert ranking.rank([a1, a2, b1]) == [a1, b1, a2]


def test_rank_puts_specific_before_path_before_generic_words() -> None:
    ranking = EvidenceRanking(generic=frozenset({"x.words"}))
    words, path, call = _ev("x.words", line=1), _ev("x.path", side="path"), _ev("x.call", line=9)
    assert ranking.rank([words, path, call]) == [call, path, words]


def test_rank_puts_code_before_headers_and_added_before_removed() -> None:
    ranking = EvidenceRanking()
    header, old, new = _ev("h", "header", 1), _ev("o", "old", 2), _ev("n", "new", 3)
    assert ranking.rank([header, old, new]) == [new, old, header]


def test_select_keeps_the_strongest_within_the_caps() -> None:
    ranking = EvidenceRanking(generic=frozenset({"w"}))
    weak = [_ev("w", line=n) for n in range(1, 10)]
    strong = _ev("s", line=50)
    kept = ranking.select([*weak, strong], per_file=3, per_area=10)
    assert kept[0] == strong
    assert len(kept) == 3  # the per-file cap still holds


def test_prune_keeps_what_select_would_choose() -> None:
    ranking = EvidenceRanking(generic=frozenset({"w"}))
    items = [_ev("w", line=n, path=f"f{n % 7}.py") for n in range(400)]
    items += [_ev("s", line=n, path=f"g{n % 3}.py") for n in range(400, 450)]
    pruned = ranking.prune(items, per_file=5, per_area=25)
    assert len(pruned) < 100
    assert ranking.select(pruned, 5, 25) == ranking.select(items, 5, 25)


def test_the_stripe_call_leads_the_billing_evidence() -> None:
    areas = {a.id: a for a in classify(parse_diff(EXAMPLE), default_policy()).areas}
    first = areas["billing"].evidence[0]
    assert (first.rule, first.side, first.snippet) == (
        "billing.stripe", "new", "stripe.Refund.create(",
    )


def test_caps_keep_a_late_specific_line_over_early_words() -> None:
    """Twenty lines of words, then one Stripe call: with five to a file, the call is kept."""
    lines = "".join(f"+x{n} = refund(payment, {n})\n" for n in range(20))
    diff = (
        "diff --git a/app/pay.py b/app/pay.py\n--- a/app/pay.py\n+++ b/app/pay.py\n"
        f"@@ -1,1 +1,22 @@\n x = 1\n{lines}+stripe.Refund.create(amount=1)\n"
    )
    areas = {a.id: a for a in classify(parse_diff(diff), default_policy()).areas}
    billing = areas["billing"]
    assert billing.evidence[0].rule == "billing.stripe"
    assert billing.evidence[0].line == 22
    assert billing.evidence_total == 21


def test_a_line_matching_two_rules_is_named_by_the_stronger() -> None:
    policy = load_policy(
        "extends: none\n" + _MINIMAL + "areas:\n  pay:\n    title: Pay\n    content:\n"
        "      - {id: money-words, pattern: '(?i)\\brefund\\b'}\n"
        "      - {id: api, pattern: 'stripe\\.Refund'}\n",
        name="t.yml",
    )
    diff = (
        "diff --git a/p.py b/p.py\n--- a/p.py\n+++ b/p.py\n@@ -1,1 +1,2 @@\n x = 1\n"
        "+stripe.Refund.create()  # refund\n"
    )
    (area,) = classify(parse_diff(diff), policy).areas
    assert [e.rule for e in area.evidence] == ["pay.api"]


_MINIMAL = """\
tiers:
  everyday: {title: Everyday, rank: 0, recommended: m}
models:
  m: {name: M, tier: everyday}
shape:
  default_tier: everyday
  long_context_tier: everyday
  context_heavy_tier: everyday
"""
