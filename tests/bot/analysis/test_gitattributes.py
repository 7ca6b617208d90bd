"""`.gitattributes` as git reads it for `linguist-generated`: name patterns at any depth, slash
patterns from the root, set and unset forms, the last matching line winning, and lines git
itself skips."""

from __future__ import annotations

import pytest

from bot.analysis.gitattributes import parse_gitattributes

ATTRIBUTES = """\
# generated clients
*.pb.go linguist-generated
api/generated/** linguist-generated=true
api/generated/handwritten.go -linguist-generated
docs/** linguist-documentation
"quoted dir/*.ts" linguist-generated
!negated.go linguist-generated
[attr]macro linguist-generated
web/out/** linguist-generated=false
web/** linguist-generated
"""


@pytest.mark.parametrize(
    ("path", "generated"),
    [
        ("service.pb.go", True),
        ("deep/in/tree/service.pb.go", True),
        ("api/generated/client.go", True),
        ("api/generated/handwritten.go", False),  # a later line unsets it
        ("src/api/generated/client.go", False),  # a slash pattern is anchored at the root
        ("docs/index.md", False),  # another attribute
        ("quoted dir/app.ts", True),
        ("negated.go", False),  # negative patterns are not allowed: skipped
        ("web/out/bundle.js", True),  # `web/**` comes last and sets it again
        ("app/auth/login.go", False),
    ],
)
def test_linguist_generated_follows_gits_rules(path: str, generated: bool) -> None:
    assert parse_gitattributes(ATTRIBUTES).generated(path) is generated


@pytest.mark.parametrize("text", [None, "", "# only a comment\n", "* text=auto eol=lf\n",
                                  '"unterminated linguist-generated\n'])
def test_nothing_is_generated_without_a_line_that_says_so(text: str | None) -> None:
    assert parse_gitattributes(text).generated("api/generated/client.go") is False
