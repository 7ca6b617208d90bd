"""The strings every match of an RE2 pattern holds (policies/literals.py): a text that holds a
match always meets the pattern's condition, a look-alike without the strings does not; and a
pattern's top-level alternatives, whose matches start where the pattern's do."""

from __future__ import annotations

import pytest
import re2

from policies.literals import Conditions, required, split


def meets(pattern: str, text: str) -> bool:
    return Conditions([required(pattern)]).met(text) == [0]


def starts(pattern: str, text: str) -> set[int]:
    """Where a match of the pattern starts in the text (read in the whole text's context)."""
    compiled = re2.compile(f"(?m){pattern}")
    return {at for at in range(len(text) + 1) if compiled.match(text, at) is not None}


@pytest.mark.parametrize(
    ("pattern", "text", "look_alike"),
    [
        (r"\bjwt_(secret|issuer)\b", "jwt_secret = env()", "jwt_other = 1"),
        (r"(?i)\bstripe\.Refund\b", "STRIPE.REFUND.create()", "stripe.Charge.create()"),
        (r"select_for_update\(", "qs.select_for_update()", "qs.select_related()"),
        (r"^\s*(chown|chmod)\b", "  chmod 600 key", "  ls -la key"),
        (r"\bjwt\b|(?i)\bBEARER\b", "auth: Bearer x", "auth: basic x"),
        (r"payment(Intent)+", "paymentIntentIntent", "payment"),
        (r"acquire_lock\w*", "acquire_lock_for(x)", "acquire lock"),
        (r"(?P<name>refund)s?\{2\}", "refunds{2}", "refund{3}"),
        (r"(?i)k8s_secret", "\u212a8s_secret", "ks_secret"),  # the Kelvin sign folds to k
        (r"(?i)tls", "tl\u017f", "tl s"),  # the long s folds to s
        (r"[\]a]xyz|\p{Greek}xyz|\x{41}xyz", "]xyz", "xy z"),
        (r"a{,3}bc", "a{,3}bc", "aaabc"),  # `{,3}` is a literal in RE2
        (r"(?:refund|charge)_id", "charge_id = 1", "void_id = 1"),
    ],
    ids=["alternation", "case-insensitive", "escape", "anchor", "flags-midway", "plus",
         "word-class", "named-group", "kelvin", "long-s", "classes", "brace-literal",
         "non-capturing"],
)
def test_a_text_holding_a_match_meets_the_condition_a_look_alike_does_not(
    pattern: str, text: str, look_alike: str
) -> None:
    assert re2.search(pattern, text) is not None
    assert meets(pattern, text)
    assert re2.search(pattern, look_alike) is None
    assert not meets(pattern, look_alike)


@pytest.mark.parametrize(
    ("pattern", "text"),
    [
        (r"^\s*-\s*[a-z]+$", "- get"),           # nothing but classes: no clause
        (r"\bjwt\b|\w+", "x"),                   # an alternative that holds nothing known
        (r"(refund)?x", "x"),                    # optional
        (r"(refund)*x|(refund){0,2}y", "y"),     # possibly never
        (r"\bnx\s*=\s*1", "nx = 1"),             # strings too short to say anything
        (r"caf\u00e9s", "CAF\u00c9S"),            # a literal other than ASCII: not a string
    ],
    ids=["classes", "open-alternative", "optional", "never", "short", "not-ascii"],
)
def test_what_a_match_may_lack_is_no_clause(pattern: str, text: str) -> None:
    assert meets(pattern, text)


def test_an_anchor_is_no_literal_so_the_pre_filters_form_meets_the_same_condition() -> None:
    # the pre-filter puts a rule's '^' after the line's marker (`_reanchored`): `^def login`
    # is found in "+def login", which holds "def login" but not a run across the anchor
    condition = required(r"x^def login")
    assert condition == (frozenset({"def login"}),)


@pytest.mark.parametrize(
    "pattern",
    [r"\Qa.b\E", r"(a)\1", r"\0", r"[[:alpha:]]abc", r"(?=abc)", r"abc(", r"abc)", r"[abc",
     "(" * 300 + "abc" + ")" * 300],
    ids=["quoted", "back-reference", "octal", "posix-class", "look-ahead", "unclosed",
         "unbalanced", "unclosed-class", "nested-deeper-than-it-reads"],
)
def test_syntax_it_does_not_read_gives_no_condition(pattern: str) -> None:
    assert required(pattern) is None
    assert Conditions([None]).met("anything") == [0]


def test_conditions_are_met_together_in_order() -> None:
    conditions = Conditions([required(p) for p in [
        r"\brefund\b", r"(?i)\bpassword\b.*\btoken", r"\w+", r"invoice"]])
    assert conditions.met("Password reset token, refund") == [0, 1, 2]
    assert conditions.met("password only") == [2]
    assert conditions.met("") == [2]


def test_strings_that_share_their_first_characters_are_each_found() -> None:
    # a string of six characters or more is looked for where the text holds its first six
    conditions = Conditions([required(p) for p in [
        r"refund_request", r"refx", r"(?i)reference_id", r"refund_reason", r"ref"]])
    assert conditions.met("refx; Reference_ID = refund_request") == [0, 1, 2, 4]
    assert conditions.met("refund_reasons") == [3, 4]
    assert conditions.met("refund_re") == [4]


def test_the_bundled_policys_rules_match_only_texts_that_meet_their_conditions() -> None:
    """Every content rule of the bundled policy against lines of code that several match: a
    rule that matches a line always has its condition met there."""
    from policies.loader import default_policy

    patterns = [rule.pattern for area in default_policy().areas.values()
                for rule in area.content]
    conditions = Conditions([required(p) for p in patterns])
    lines = [
        "    with transaction.atomic():",
        "        payment = Payment.objects.select_for_update().get(pk=payment_id)",
        "@login_required",
        "  stripe.Refund.create(payment_intent=payment.intent_id, amount=amount_cents)",
        "ALTER TABLE users ADD COLUMN password_hash text;",
        "if !user.has_permission?(:admin) then raise Forbidden end",
        'router.Use(authMiddleware); app.get("/x", requireAuth, h)',
        "  chmod 600 /etc/ssl/private/key.pem",
        'cursor.execute(f"SELECT * FROM t WHERE id = {uid}")',
        "jwt.decode(token, SECRET_KEY, algorithms=['HS256'])",
    ]
    compiled = [re2.compile(p) for p in patterns]
    matched = 0
    for line in lines:
        matching = {i for i, rule in enumerate(compiled) if rule.search(line)}
        assert matching <= set(conditions.met(line)), line
        matched += len(matching)
    assert matched >= len(lines)


def test_each_top_level_alternative_is_a_pattern_with_its_own_condition() -> None:
    assert split(r"\bverify_jwt\(|jwt\.decode\((\w+|a|b)\)|\w+") == (
        (r"\bverify_jwt\(", (frozenset({"verify_jwt("}),)),
        (r"jwt\.decode\((\w+|a|b)\)", (frozenset({"jwt.decode("}),)),
        (r"\w+", ()),
    )


def test_the_leading_flags_stand_before_each_alternative() -> None:
    # `(?i)` at the start holds for every alternative, not only the first
    alternatives = [alternative for alternative, _ in split(r"(?i)(?s)refund|charge\b")]
    assert alternatives == [r"(?i)(?s)refund", r"(?i)(?s)charge\b"]
    # ... so what the whole pattern finds in upper case, the second alternative alone finds
    assert re2.search(r"(?i)(?s)refund|charge\b", "A CHARGE") is not None
    assert [bool(re2.search(alternative, "A CHARGE")) for alternative in alternatives] == [
        False, True]


@pytest.mark.parametrize(
    ("pattern", "alternatives"),
    [(r"(?i)(jwt|bearer\s+\w+)", [r"(?i)jwt", r"(?i)bearer\s+\w+"]),
     (r"(?-i:AUTH|(?:x|y)z)", [r"(?-i)AUTH", r"(?-i)(?:x|y)z"]),
     (r"(?P<kind>refund|charge)", ["refund", "charge"])],
    ids=["flags-then-group", "flags-group", "named-group"],
)
def test_a_pattern_that_is_one_group_is_split_inside_it(
    pattern: str, alternatives: list[str]
) -> None:
    assert [alternative for alternative, _ in split(pattern)] == alternatives


@pytest.mark.parametrize(
    "pattern",
    [r"refund(ed|s)?\b", r"(refund|charge)+", r"(refund|charge)_id", r"refund|(?i)charge", r"x(?i)refund|charge", r"\Qa|b\E", r"(a|b",
     r"a|b)"],
    ids=["one-alternative", "repeated-group", "group-then-text", "flags-midway", "flags-after-text", "quoted", "unclosed",
         "unbalanced"],
)
def test_a_pattern_it_cannot_split_is_its_only_alternative(pattern: str) -> None:
    """Flags set past the start hold for the alternatives after them (`refund|(?i)charge`
    matches CHARGE): no alternative alone says so, so the pattern stays whole."""
    assert split(pattern) == ((pattern, required(pattern)),)


@pytest.mark.parametrize(
    "pattern",
    [r"(?i)\bjwt\b|bearer\s+\w+|^\s*auth\b", r"refund|(?i)charge", r"(?m)^x|y$|\bz",
     r"lock\s+free|free\s+lock|(a|b)+c", r"|never", r"(?i)(jwt|bearer\s+\w+)",
     r"(?-i:Auth|(?i)charge)"],
    ids=["leading-flags", "flags-midway", "anchors", "overlapping", "empty-alternative",
         "one-group", "flags-group-midway"],
)
def test_the_alternatives_matches_start_where_the_patterns_do(pattern: str) -> None:
    text = ("auth token\nBEARER abc\n  Auth x\nx jwt y\nCharge it, charge\nlock\n"
            "free lock free\nababc\nz never\n")
    found = set().union(*(starts(alternative, text) for alternative, _ in split(pattern)))
    assert found == starts(pattern, text) != set()


def test_the_bundled_policys_alternatives_match_where_its_rules_do() -> None:
    from policies.loader import default_policy

    patterns = [rule.pattern for area in default_policy().areas.values()
                for rule in area.content]
    assert sum(len(split(p)) > 1 for p in patterns) > len(patterns) // 2
    text = "\n".join([
        "    with transaction.atomic():",
        "@login_required",
        "  stripe.Refund.create(payment_intent=payment.intent_id, amount=amount_cents)",
        "if !user.has_permission?(:admin) then raise Forbidden end",
        "jwt.decode(token, SECRET_KEY, algorithms=['HS256'])",
    ]) + "\n"
    matched = 0
    for pattern in patterns:
        rule = starts(pattern, text)
        assert set().union(*(starts(a, text) for a, _ in split(pattern))) == rule, pattern
        matched += bool(rule)
    assert matched >= 5
