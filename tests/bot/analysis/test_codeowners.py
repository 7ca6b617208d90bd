"""bot.analysis.codeowners: GitHub's CODEOWNERS syntax and its last-match-wins precedence."""

from __future__ import annotations

import pytest

from bot.analysis.codeowners import CODEOWNERS_PATHS, normalise_owner, parse_codeowners

# The examples of GitHub's documentation of CODEOWNERS, rule for rule.
GITHUB_EXAMPLE = """\
# These owners will be the default owners for everything in the repo.
*       @global-owner1 @global-owner2

# Order is important; the last matching pattern takes the most precedence.
*.js    @js-owner #This is an inline comment.
*.go docs@example.com
*.txt @octo-org/octocats
/build/logs/ @doctocat
docs/*  docs@example.com
apps/ @octocat
/docs/ @doctocat
/scripts/ @doctocat @octocat
**/logs @octocat
/apps/ @octocat
/apps/github
"""


@pytest.mark.parametrize(
    ("path", "owners"),
    [
        ("README.md", ("@global-owner1", "@global-owner2")),
        ("src/app.js", ("@js-owner",)),
        ("main.go", ("docs@example.com",)),
        ("notes/a.txt", ("@octo-org/octocats",)),
        ("build/logs/x/y.log", ("@octocat",)),  # `**/logs`, a later rule, wins
        ("docs/getting-started.md", ("@doctocat",)),
        ("docs/build-app/troubleshooting.md", ("@doctocat",)),
        ("other/docs/x.md", ("@global-owner1", "@global-owner2")),
        ("other/docs/x", ("@global-owner1", "@global-owner2")),
        ("scripts/run.sh", ("@doctocat", "@octocat")),
        ("deeply/nested/logs/a.txt", ("@octocat",)),
        ("apps/main/index.js", ("@octocat",)),
        ("apps/github/index.js", ()),  # matched by an owner-less rule: no owner
        ("web/apps/a.py", ("@octocat",)),  # `apps/` matches at any depth
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_last_matching_rule_decides(path: str, owners: tuple[str, ...]) -> None:
    assert parse_codeowners(GITHUB_EXAMPLE).owners_of(path) == owners


def test_docs_star_does_not_match_nested_files() -> None:
    parsed = parse_codeowners("docs/* @docs-team\n")
    assert parsed.owners_of("docs/a.md") == ("@docs-team",)
    assert parsed.owners_of("docs/sub/a.md") == ()


def test_rule_for_names_the_deciding_line() -> None:
    parsed = parse_codeowners(GITHUB_EXAMPLE)
    rule = parsed.rule_for("apps/github/x")
    assert rule is not None and rule.line == 15 and rule.owners == ()
    assert parsed.rule_for("x") is not None
    assert parse_codeowners("/src/ @a\n").rule_for("lib/x") is None


def test_patterns_are_case_sensitive() -> None:
    parsed = parse_codeowners("/Auth/ @sec\n")
    assert parsed.owners_of("Auth/x.py") == ("@sec",)
    assert parsed.owners_of("auth/x.py") == ()


@pytest.mark.parametrize(
    ("line", "why"),
    [
        ("!secret.txt @a", "negation"),
        ("\\#file @a", "negation or '\\#' escape"),
        ("*.[ch] @a", "character ranges"),
        ("src/ alice", "not @user, @org/team or an e-mail"),
        ("src/ @org/team/extra", "not @user"),
    ],
)
def test_error_when_gitignore_features_codeowners_lacks_are_used(line: str, why: str) -> None:
    parsed = parse_codeowners(f"* @everyone\n{line}\n")
    assert len(parsed.rules) == 1  # the invalid line is skipped, as GitHub skips it
    assert parsed.problems[0][0] == 2 and why in parsed.problems[0][1]
    assert parsed.owners_of("src/a.c") == ("@everyone",)


def test_a_large_file_keeps_precedence_across_compiled_chunks() -> None:
    lines = [f"/pkg{i}/ @team{i}" for i in range(1200)] + ["/pkg7/ @late"]
    parsed = parse_codeowners("\n".join(lines))
    assert parsed.owners_of("pkg1100/x") == ("@team1100",)
    assert parsed.owners_of("pkg7/x") == ("@late",)


def test_empty_and_comment_only_files_own_nothing() -> None:
    assert parse_codeowners("").owners_of("a") == ()
    assert parse_codeowners("# just a note\n\n").rules == ()


def test_owners_compare_without_case_and_github_order_of_files() -> None:
    assert normalise_owner("@Acme/Security ") == "@acme/security"
    assert CODEOWNERS_PATHS == (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS")
