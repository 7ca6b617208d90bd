"""Evidence that names a file for the pull request, not for its path (a repository named for an
area, a title that says the change fixes a weakness), is shown as the sentence it is in every
renderer, not as a pattern the path "matches"; the title in it is the author's text, escaped
like any other."""

from __future__ import annotations

from bot.analysis.decide import decide
from bot.analysis.diff import parse_diff
from bot.analysis.models import Decision, PullRequestInfo
from bot.render import render_comment, render_sarif, render_text
from policies.loader import default_policy
from tests.bot._diffs import edit

#: ordinary code: only the title or the repository's name makes it an area's
DIFF = edit("app/handlers.py", added=["        return None"],
            removed=["    if len(parts) != expected:"])


def _decided(title: str = "", repository: str | None = None) -> Decision:
    return decide(parse_diff(DIFF), default_policy(),
                  PullRequestInfo(title=title, repository=repository))


def test_a_title_s_evidence_reads_as_its_sentence() -> None:
    decision = _decided(title="Fix stored XSS in the preview (#412)")
    [evidence] = decision.areas[0].evidence
    assert evidence.says_why
    text = render_text(decision, color=False)
    assert ("  app/handlers.py  (the pull request's title says it fixes a weakness of "
            "security-sensitive code ('Fix stored XSS'): 'Fix stored XSS in the preview "
            "(#412)')") in text
    assert "path matches" not in text
    [result] = render_sarif(decision, default_policy())["runs"][0]["results"]
    assert ("(critical risk). The pull request's title says it fixes a weakness"
            in result["message"]["text"])
    assert "The path matches" not in result["message"]["text"]
    comment = render_comment(decision)
    assert "security.title</code> the pull request" in comment.replace("&#39;", "'")
    assert "matches <code>the pull request" not in comment


def test_a_repository_s_evidence_reads_as_its_sentence() -> None:
    decision = _decided(repository="jpadilla/pyjwt")
    text = render_text(decision, color=False)
    assert "(jpadilla/pyjwt's source files: its name ('pyjwt') says the project" in text
    assert "path matches" not in text


def test_a_path_pattern_still_matches() -> None:
    decision = decide(parse_diff(edit("app/auth/login.py", added=["    x = 2"],
                                      removed=["    x = 1"])), default_policy(),
                      PullRequestInfo())
    evidence = decision.areas[0].evidence[0]
    assert (evidence.side, evidence.says_why) == ("path", False)
    assert "(path matches " in render_text(decision, color=False)


def test_a_hostile_title_is_escaped_in_the_comment() -> None:
    comment = render_comment(_decided(
        title="Fix <img src=x onerror=alert(1)> @octocat [a](http://x) XSS"))
    assert "onerror" in comment  # the title is shown, escaped
    assert "<img" not in comment
    assert "@octocat" not in comment
    assert "[a](http" not in comment
