"""A credential a line only passes on (`auth.credentials`, a `where_changed` rule): where the
line is rewritten as one other line, it counts only where the rewrite touches the word."""

from __future__ import annotations

import pytest

from bot.analysis.classify import _changed_part, classify
from bot.analysis.diff import parse_diff
from policies.loader import load_policy
from policies.model import Policy
from tests.bot._diffs import edit


def _areas(text: str, policy: Policy) -> set[str]:
    return {area.id for area in classify(parse_diff(text), policy).areas}


@pytest.mark.parametrize(
    ("removed", "added"),
    [
        (["    def __init__(self, api_key):"], ["    def __init__(self, api_key, timeout=None):"]),
        (["    client = Client(api_key=settings.API_KEY)"],
         ["    client = Client(api_key=settings.API_KEY, retries=3)"]),
    ],
    ids=["parameter-added-beside", "argument-added-beside"],
)
def test_a_credential_passed_on_beside_the_change_is_no_evidence(
    removed: list[str], added: list[str], policy: Policy
) -> None:
    assert _areas(edit("app/jobs/sync.py", removed=removed, added=added), policy) == set()


@pytest.mark.parametrize(
    ("removed", "added"),
    [
        # the credential's reading is what changed
        (['    password = request.POST["password"]'],
         ['    password = request.POST.get("password", "")']),
        # a credential added to the call
        (["    client = Client(retries=3)"], ["    client = Client(retries=3, api_key=key)"]),
        # not one line for one: the rewrite may have moved the credential anywhere
        (["    client = Client(api_key=key)", "    client.start()"],
         ["    client = Client(api_key=key, retries=3)"]),
    ],
    ids=["credential-read-otherwise", "credential-added", "two-for-one"],
)
def test_a_credential_the_rewrite_touches_still_counts(
    removed: list[str], added: list[str], policy: Policy
) -> None:
    assert "auth" in _areas(edit("app/jobs/sync.py", removed=removed, added=added), policy)


def test_the_changed_part_is_read_whole_words_wide_only_inside_a_word() -> None:
    assert _changed_part("f(api_key, timeout=None)", "f(api_key)") == ", timeout=None"
    assert _changed_part("f(api_key)", "f(api_key, timeout=None)") == ""
    assert _changed_part("x = settings.OTHER_KEY", "x = settings.KEY") == "OTHER_KEY"
    assert _changed_part("x = access_token", "x = refresh_token") == "access_token"


@pytest.mark.parametrize("where_changed", [True, False])
def test_a_repository_rule_reads_a_rewrite_as_its_where_changed_says(where_changed: bool) -> None:
    """The reading is the rule's flag, policy data: a repository's own rule for a word a line
    passes on gets it, and without it the same rewrite counts."""
    policy = load_policy(f"""
areas:
  security:
    content:
      - {{id: zorblax, pattern: 'zorblax', where_changed: {str(where_changed).lower()}}}
""")
    text = edit("app/jobs/sync.py", removed=["    z = Widget(zorblax=z)"],
                added=["    z = Widget(zorblax=z, retries=3)"])
    assert ("security" in _areas(text, policy)) is not where_changed
