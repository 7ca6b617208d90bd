"""A pull request titled as the fix of a weakness (`Area.titles` phrases): `Fix XSS in ...`, an
advisory's id, `prevent privilege escalation`. Its changed source files are that area's
evidence, as a path match, with the same exclusions (tests, docs, examples, non-source files)
and only for a change that is more than comments or mechanical; a title that names a weakness
without fixing one, or no title, claims nothing. A title only adds: it never takes an area
away, so a title that lies (`chore: tidy`) hides nothing the code shows."""

from __future__ import annotations

import pytest

from bot.analysis.classify import classify
from bot.analysis.decide import decide
from bot.analysis.diff import parse_diff
from bot.analysis.models import PullRequestInfo
from policies.model import Policy
from tests.bot._diffs import edit

#: ordinary code: nothing in it names an area
PLAIN = ("    if len(parts) != expected:", "        return None")


def _title_rules(path: str, lines: tuple[str, ...], title: str, policy: Policy,
                 removed: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    diff = parse_diff(edit(path, added=lines, removed=removed).encode())
    return [(a.id, e.rule) for a in classify(diff, policy, title=title).areas
            for e in a.evidence if e.rule.endswith(".title")]


@pytest.mark.parametrize(
    ("title", "area"),
    [
        ("Merge pull request from GHSA-v5gw-mw7f-84px", "security"),
        ("Merge commit from fork", "security"),
        ("Fix CVE-2024-24762: bound the multipart parser", "security"),
        ("fix: reject MongoDB operator injection in query filter params", "security"),
        ("fix(proxy): block 6to4/Teredo IPv6 SSRF bypass", "security"),
        ("Prevent path traversal in static files", "security"),
        ("Merge pull request #88 from octo/fix-xss-in-comments", "security"),
        ("Fix security issue with 2fa in recover module", "security"),
        ("fix: prevent unauthorized access to other users' apps", "permissions"),
        ("Fix privilege escalation through project roles", "permissions"),
        ("Prevent cross-tenant access to invites", "permissions"),
        ("Fix session fixation on login", "auth"),
        ("Prevent user enumeration on the reset form", "auth"),
        ("auth: prevent MFA bypass when the device is remembered", "auth"),
        ("Security: bound the size of uploaded archives", "security"),
    ],
)
def test_a_title_that_says_the_change_fixes_a_weakness_names_its_area(
    title: str, area: str, policy: Policy
) -> None:
    diff = parse_diff(edit("app/handlers.py", added=PLAIN[1:], removed=PLAIN[:1]).encode())
    assert classify(diff, policy).areas == []  # ordinary code
    found = classify(diff, policy, title=title).areas
    result = next(a for a in found if a.id == area)
    evidence = result.evidence[0]
    assert (evidence.rule, evidence.path, evidence.side) == (
        f"{area}.title", "app/handlers.py", "path")


@pytest.mark.parametrize(
    "title",
    [
        # a weakness named, not fixed: a scanner's feature, a page about it
        "Add a vulnerability list to the project view",
        "Show XSS findings in the report",
        # look-alikes of the words: a prefix, dependency injection, a fixture
        "prefix XSS test names",
        "Fix dependency injection of the mailer",
        "Add fixtures for XSS tests",
        "Fix typo in README",
        # ... and titles about a test, docs, a detector or a scanner (`title_vetoes`), an issue
        # closed, a weakness only named
        "Fix false positives in the XSS detector",
        "Fix flaky test for CSRF middleware",
        "Fix typo in open redirect docs",
        "Close #123: improve brute force detection dashboard",
        "Add IDOR detection to the scanner",
        "Update privilege escalation docs",
        "Fix crash when parsing CVE-2024-1234 entries from the NVD feed",
        "Add session fixation and account takeover to the threat model page",
        # a pull request from a contributor's fork, merged as any other
        "Merge pull request #88 from octo/fork-sync",
        "Merge branch 'main' of github.com:octo/app into fork",
    ],
)
def test_a_title_that_fixes_no_weakness_claims_nothing(title: str, policy: Policy) -> None:
    assert _title_rules("app/handlers.py", PLAIN[1:], title, policy, PLAIN[:1]) == []


@pytest.mark.parametrize(
    ("path", "lines", "removed"),
    [
        # the fix's tests, docs and a lock file: nothing the title says is in them
        ("tests/test_handlers.py", PLAIN[1:], PLAIN[:1]),
        ("docs/security.md", ("Fixed an XSS in the preview.",), ()),
        ("package-lock.json", ('      "version": "2.12.1",',), ('      "version": "2.10.0",',)),
        # a comment alone, and a re-formatted line, change no behaviour
        ("app/handlers.py", ("    # Escape the name before it is shown.",), ()),
        ("app/handlers.py", ("    if len(parts)  !=  expected:",), PLAIN[:1]),
    ],
)
def test_what_a_title_does_not_claim(
    path: str, lines: tuple[str, ...], removed: tuple[str, ...], policy: Policy
) -> None:
    assert _title_rules(path, lines, "Fix stored XSS in the preview (#412)", policy,
                        removed) == []


def test_no_title_claims_nothing(policy: Policy) -> None:
    diff = parse_diff(edit("app/handlers.py", added=PLAIN[1:], removed=PLAIN[:1]).encode())
    assert decide(diff, policy, PullRequestInfo(title="")).areas == []


def test_the_title_signal_alone_is_critical(policy: Policy) -> None:
    """A change that says it closes a vulnerability, and changes code to do so, is critical:
    the title names what the code alone cannot (a token split, a path joined), and a wrong
    title costs a review, not a hole."""
    diff = parse_diff(edit("app/handlers.py", added=PLAIN[1:], removed=PLAIN[:1]).encode())
    decision = decide(diff, policy, PullRequestInfo(title="Fix XSS in the preview"))
    assert [(a.id, a.risk) for a in decision.areas] == [("security", "critical")]
    assert "'Fix XSS'" in decision.areas[0].evidence[0].snippet


def test_a_title_never_takes_an_area_away(policy: Policy) -> None:
    lines = ('    cursor.execute(f"SELECT * FROM t WHERE id = {x}")',)
    diff = parse_diff(edit("app/db.py", added=lines).encode())
    plain = decide(diff, policy, PullRequestInfo())
    titled = decide(diff, policy, PullRequestInfo(title="chore: tidy the query helpers"))
    assert [a.id for a in titled.areas] == [a.id for a in plain.areas] != []


def test_a_title_s_fix_outweighs_a_repository_s_name(policy: Policy) -> None:
    """In a library named for the area (weak evidence alone) a title that states a fix is
    still strong: both are kept, and the change is critical, as it is without the name."""
    diff = parse_diff(edit("app/handlers.py", added=PLAIN[1:], removed=PLAIN[:1]).encode())
    for repository in (None, "octo/authn-server"):
        decision = decide(diff, policy, PullRequestInfo(
            title="Fix session fixation on login", repository=repository))
        assert [(a.id, a.risk) for a in decision.areas] == [("auth", "critical")], repository
    [evidence] = decide(diff, policy, PullRequestInfo(
        title="Fix session fixation on login", repository="octo/authn-server")).areas[0].evidence
    assert evidence.rule == "auth.title"


def test_the_areas_share_one_fix_verb(policy: Policy) -> None:
    """The phrases that name a weakness within six words of a fix verb start with the same verb
    in every area: one list of what a fix is, not three that drift apart."""
    gap = "(\\S*?[\\s_/-]+){0,6}"
    phrases = [phrase for area in policy.areas.values() for phrase in area.titles
               if gap in phrase]
    assert len(phrases) == 3
    assert len({phrase.split(gap)[0] for phrase in phrases}) == 1, phrases
