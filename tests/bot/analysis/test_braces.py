"""bot.analysis.braces: braces put around a one-statement body, or taken off it, only re-format;
a body that gains or loses a statement, or a statement moved out of it, is a change."""

from __future__ import annotations

import pytest

from bot.analysis.braces import unbraced
from bot.analysis.classify import classify
from bot.analysis.diff import parse_diff
from policies.model import Policy
from tests.bot._diffs import edit

_KOTLIN = "src/main/kotlin/app/user/Access.kt"
_JS = "src/lib/check.js"
_RUST = "src/lib/check.rs"
_PHP = "src/Service/Access.php"


def _rows(rows: list[str]) -> str:
    """One hunk of src/lib/check.js from its rows (' ' unchanged, '-' removed, '+' added),
    where git keeps the braced statement as an unchanged line."""
    old = sum(row[0] in " -" for row in rows)
    new = sum(row[0] in " +" for row in rows)
    return (f"diff --git a/{_JS} b/{_JS}\n--- a/{_JS}\n+++ b/{_JS}\n"
            f"@@ -25,{old} +25,{new} @@ function requireAdmin(req) {{\n"
            + "".join(f"{row}\n" for row in rows))


def _areas(text: str, policy: Policy) -> set[str]:
    return {area.id for area in classify(parse_diff(text), policy).areas}


@pytest.mark.parametrize(
    "diff",
    [
        pytest.param(edit(_KOTLIN, removed=["        is UserType.Admin -> id",
                                            "        UserType.Visitor if ctx.basic() -> 1"],
                          added=["        is UserType.Admin -> {", "            id", "        }",
                                 "", "        UserType.Visitor if ctx.basic() -> {",
                                 "            1", "        }", ""],
                          section="fun UserType.requireUser(ctx: Context): Int =",
                          kept=["    when (this) {"]), id="kotlin-when-branches"),
        pytest.param(edit(_JS, removed=["  if (!user.isAdmin) throw new Forbidden();"],
                          added=["  if (!user.isAdmin) {", "    throw new Forbidden();", "  }"],
                          section="function requireAdmin(req) {"), id="js-curly"),
        # git keeps the statement as an unchanged line between the two openings
        pytest.param(_rows(["-  if (!user.isAdmin)", "+  if (!user.isAdmin) {",
                            "     throw new Forbidden();", "+  }"]),
                     id="js-curly-statement-kept"),
        pytest.param(edit(_PHP, removed=["        if (!$user->isAdmin()) {",
                                         "            throw new AccessDenied();",
                                         "        } else {", "            $this->audit($user);",
                                         "        }"],
                          added=["        if (!$user->isAdmin()) throw new AccessDenied();",
                                 "        else $this->audit($user);"],
                          section="public function requireAdmin($user)"), id="php-else-chain"),
        pytest.param(edit(_RUST, removed=["        Some(user) if user.is_admin() => Ok(user),"],
                          added=["        Some(user) if user.is_admin() => {",
                                 "            Ok(user)", "        }"],
                          section="fn require_admin(req: &Request) -> Result<User> {"),
                     id="rust-match-arm"),
    ],
)
def test_braces_around_one_statement_only_re_format(diff: str, policy: Policy) -> None:
    assert _areas(diff, policy) == set()


@pytest.mark.parametrize(
    "diff",
    [
        # the refusal moved out of the condition: every request is refused now
        pytest.param(edit(_JS, removed=["  if (!user.isAdmin) throw new Forbidden();"],
                          added=["  if (!user.isAdmin) {", '    log.warn("not admin");', "  }",
                                 "  throw new Forbidden();"],
                          section="function requireAdmin(req) {"), id="refusal-moved-out"),
        # the braces take in the statement after the refusal too
        pytest.param(_rows(["-  if (!user.isAdmin)", "+  if (!user.isAdmin) {",
                            "     throw new Forbidden();", "-  return user;", "+  return user;",
                            "+  }"]), id="two-statements-braced"),
        # the branch's body changed inside its new braces
        pytest.param(edit(_KOTLIN, removed=["        is UserType.Admin -> id"],
                          added=["        is UserType.Admin -> {", "            requireAdmin(id)",
                                 "        }"],
                          section="fun UserType.requireUser(ctx: Context): Int =",
                          kept=["    when (this) {"]), id="kotlin-branch-body-changed"),
        # an `else` dropped with the braces: the audit now runs for everyone
        pytest.param(edit(_JS, removed=["  if (!user.isAdmin) {", "    throw new Forbidden();",
                                        "  } else audit(user);"],
                          added=["  if (!user.isAdmin) throw new Forbidden();", "  audit(user);"],
                          section="function requireAdmin(req) {"), id="else-dropped"),
    ],
)
def test_a_body_changed_with_its_braces_is_a_change(diff: str, policy: Policy) -> None:
    assert _areas(diff, policy)


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["if (a) {", "  x();", "} else {", "  y();", "}", "z();"],
         ["if (a) x();", "else y();", "z();"]),
        (["if (a) {", "  x();", "  y();", "}"], None),  # two statements keep their braces
        (["list.map { x -> {", "  x + 1", "} }"], None),  # a lambda returning a lambda
        (["const f = (x) => {", "  x + 1", "}"], None),  # JavaScript's arrow: no return
        (["if (a) {", "  return b &&", "}"], None),  # a statement that goes on
        (["foo(function() {", "  x();", "});"], None),  # a callback's body, not a branch
    ],
)
def test_unbraced(lines: list[str], expected: list[str] | None) -> None:
    assert unbraced(lines) == expected


def test_a_rust_match_arm_is_unbraced_in_rust_alone() -> None:
    arm = ["Some(u) => {", "    Ok(u)", "}"]
    assert unbraced(arm) is None
    assert unbraced(arm, rust=True) == ["Some(u) => Ok(u)"]
