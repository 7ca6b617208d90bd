"""The bundled policy against the labelled corpus (tests/fixtures/corpus/expected.yml).

The figures and the full mismatch report come from `python bench/accuracy.py [--verbose]`; this
test keeps them from regressing: recall and precision of `critical`, the trap cases (routine
changes whose names or words look sensitive) never critical, and every case's risk, with the few
known mismatches marked as strict xfails so that fixing one is noticed too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from bot.analysis.decide import decide
from bot.analysis.diff import parse_diff
from bot.analysis.models import PullRequestInfo
from policies.loader import default_policy

CORPUS = Path(__file__).parent / "fixtures" / "corpus"
LABELS: dict[str, dict[str, object]] = yaml.safe_load(
    (CORPUS / "expected.yml").read_text(encoding="utf-8")
)

MIN_RECALL = 0.97
MIN_PRECISION = 0.93

# Routine changes that look sensitive by name or by word: "author" is not auth, a transactional
# email is not a DB transaction, tests, translations, comments and docs are not code, a secretary
# keeps no secrets, an NLP tokenizer issues no tokens.
TRAP_CASES = (
    "csharp/identity-tests-only.diff",
    "go/table-tests.diff",
    "infra/issue-template-edit.diff",
    "java/auth-service-test.diff",
    "java/author-service.diff",
    "js/auth-test-only.diff",
    "js/i18n-de-strings.diff",
    "mixed/changelog-release.diff",
    "mixed/contributing-guide.diff",
    "mixed/docs-auth-flow-explained.diff",
    "mixed/docs-migrations-guide.diff",
    "mixed/graphql-schema-docs.diff",
    "mixed/readme-and-small-code.diff",
    "mixed/readme-badges.diff",
    "mixed/readme-permissions-section.diff",
    "payments/billing-whitespace-only.diff",
    "payments/invoice-comment-typo.diff",
    "php/lang-fr-passwords.diff",
    "python/auth-views-comment-typo.diff",
    "python/author-model-display-name.diff",
    "python/django-po-translation.diff",
    "python/nlp-tokenizer.diff",
    "python/secretary-service.diff",
    "python/tests-auth-only.diff",
    "python/transactional-email-template.diff",
    "ruby/authors-controller.diff",
    "ruby/locales-en-yml.diff",
    "ruby/transactional-mailer.diff",
)
_TRAP_NAME = re.compile(
    r"author|transactional|test|locale|i18n|(^|-)po(-|$)|(^|-)lang(-|$)|comment|whitespace"
    r"|tokenizer|secretary|readme|changelog|contributing|issue-template|docs"
)

# Cases whose risk is still wrong after tuning the policy, each for a reason the policy cannot
# express (see the reasons); strict, so a fix shows up as an XPASS failure.
KNOWN_MISMATCHES = {
    "csharp/hubspot-contact-client.diff": (
        'the vendor API token (config["HubSpot:AccessToken"]) matches auth.credentials; no '
        "pattern tells a token sent to a vendor from a user's token"
    ),
    "js/outgoing-webhook-dispatcher.diff": (
        "HMAC signing of outgoing webhooks (createHmac) is kept as security evidence: the "
        "policy treats computing a MAC as cryptography; the label counts it as integrations"
    ),
}


@dataclass(frozen=True)
class Outcome:
    expected: str
    got: str


@pytest.fixture(scope="module")
def outcomes() -> dict[str, Outcome]:
    policy = default_policy()
    result = {}
    for name, label in LABELS.items():
        decision = decide(parse_diff((CORPUS / name).read_bytes()), policy, PullRequestInfo())
        result[name] = Outcome(str(label["risk"]), str(decision.risk))
    return result


def _risk_of(name: str) -> str:
    return str(LABELS[name]["risk"])


def test_critical_recall_and_precision(outcomes: dict[str, Outcome]) -> None:
    tp = sum(o.expected == "critical" and o.got == "critical" for o in outcomes.values())
    fn = sum(o.expected == "critical" and o.got != "critical" for o in outcomes.values())
    fp = sum(o.expected != "critical" and o.got == "critical" for o in outcomes.values())
    recall, precision = tp / (tp + fn), tp / (tp + fp)
    missed = sorted(n for n, o in outcomes.items() if o.expected == "critical" != o.got)
    extra = sorted(n for n, o in outcomes.items() if o.got == "critical" != o.expected)
    assert recall >= MIN_RECALL, f"recall {recall:.3f}; missed: {missed}"
    assert precision >= MIN_PRECISION, f"precision {precision:.3f}; false positives: {extra}"


def test_trap_list_is_every_routine_case_named_like_a_trap() -> None:
    named = {
        name
        for name in LABELS
        if _risk_of(name) == "routine"
        and _TRAP_NAME.search(name.rsplit("/", 1)[-1].removesuffix(".diff"))
    }
    assert set(TRAP_CASES) == named


def _marks(name: str) -> list[pytest.MarkDecorator]:
    reason = KNOWN_MISMATCHES.get(name)
    return [pytest.mark.xfail(strict=True, reason=reason)] if reason else []


@pytest.mark.parametrize("name", [pytest.param(n, marks=_marks(n), id=n) for n in TRAP_CASES])
def test_trap_case_is_not_critical(name: str, outcomes: dict[str, Outcome]) -> None:
    assert outcomes[name].got != "critical"


@pytest.mark.parametrize("name", [pytest.param(n, marks=_marks(n), id=n) for n in sorted(LABELS)])
def test_case_risk(name: str, outcomes: dict[str, Outcome]) -> None:
    assert outcomes[name].got == outcomes[name].expected
