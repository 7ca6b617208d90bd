"""A minified bundle committed beside its sources (`Diff._built`): its lines are a build's
output, whose every word is some library's; the change is read in the sources."""

from __future__ import annotations

import pytest

from bot.analysis.classify import classify
from bot.analysis.diff import parse_diff
from policies.model import Policy
from tests.bot._diffs import edit

#: a webpack bundle's one line: a session check and a bearer token among a thousand characters
_BUNDLE = ('(()=>{"use strict";var e={434:function(e,t,s){if(!s.session.isAuthenticated)'
           'return s.redirect("/login");s.headers.Authorization="Bearer "+s.accessToken;')


def _line(filler: str) -> str:
    return _BUNDLE + ";".join(f"var {filler}{n}=t({n})" for n in range(80)) + "}}})();"


def _areas(text: str, policy: Policy) -> set[str]:
    return {area.id for area in classify(parse_diff(text), policy).areas}


@pytest.mark.parametrize("path", ["web/static/js/app.js", "public/build/app.7e3186b2.css",
                                  "assets/dist/auth.min.mjs"])
def test_a_minified_bundles_line_is_no_evidence(path: str, policy: Policy) -> None:
    text = edit(path, removed=[_line("a")], added=[_line("b")])
    assert len(_line("a")) > 1000
    assert _areas(text, policy) == set()


def test_a_script_line_written_by_hand_counts(policy: Policy) -> None:
    text = edit("web/static/js/app.js", removed=["  if (!session.isAuthenticated) return;"],
                added=['  if (!session.isAuthenticated) return redirect("/login");'])
    assert "auth" in _areas(text, policy)


def test_a_wide_typescript_line_is_not_a_bundle(policy: Policy) -> None:
    """TypeScript is compiled, not committed minified: a wide line of it is someone's."""
    text = edit("src/session.ts", removed=[_line("a")], added=[_line("b")])
    assert "auth" in _areas(text, policy)


def test_the_sources_beside_the_bundle_still_count(policy: Policy) -> None:
    text = edit("web/static/js/app.js", removed=[_line("a")], added=[_line("b")]) + edit(
        "web/src/session.js", removed=["  if (!session.isAuthenticated) return;"],
        added=['  if (!session.isAuthenticated) return redirect("/login");'])
    assert "auth" in _areas(text, policy)
