"""bot.analysis.sweep: the same small edit made in many files is a refactor swept across the
change, not evidence; a protection or a setting added everywhere still is."""

from __future__ import annotations

import pytest

from bot.analysis.classify import classify
from bot.analysis.decide import decide
from bot.analysis.diff import parse_diff
from bot.analysis.sweep import MIN_FILES, Sweep, hunk_edits, swept
from policies.model import Policy


def edited(path: str, old: list[str], new: list[str]) -> str:
    """One edited file whose hunk replaces `old` by `new` between two unchanged lines."""
    body = "".join(f"-{line}\n" for line in old) + "".join(f"+{line}\n" for line in new)
    return (f"diff --git a/{path} b/{path}\n--- a/{path}\n+++ b/{path}\n"
            f"@@ -1,{len(old) + 2} +1,{len(new) + 2} @@\n import os\n{body} pass\n")


def swept_through(paths: list[str], old: list[str], new: list[str]) -> str:
    """The same edit made in each of these files."""
    return "".join(edited(path, old, new) for path in paths)


AUTH_FILES = [f"src/auth/{name}.js" for name in ("login", "session", "token", "oauth")]


@pytest.mark.parametrize(
    ("removed", "added", "imports", "edits"),
    [
        (['throw new AuthError("Login failed")'],
         ['throw new AuthError("Login failed", { cause: err })'], False,
         {((), ("{", "cause", ":", "err", "}"))}),
        (["log.info(msg)"], ["logger.info(msg)"], False, {(("log",), ("logger",))}),
        ([], ["from __future__ import annotations"], True,
         {((), ("from", "__future__", "import", "annotations"))}),
        ([], ["$cart = Cart::getCart();"], False, None),
        (["check_owner(user)"], [], False, None),
        (['import { db } from "../lib/db"'], ['import { db } from "@/lib/db"'], True,
         {(('"../lib/db"',), ('"@/lib/db"',))}),
        (['throw new InvalidRequest("Login failed")'],
         ['throw new InvalidRequest("Login failed", undefined, { cause })'], False,
         {((), ("undefined", "{", "cause", "}"))}),
        (['log.info(f"Signed in with Github as {user}")'],
         ['log.info(f"Signed in with GitHub as {user}")'], False, {(("Github",), ("GitHub",))}),
        ([f"    log.info(message_{n})" for n in range(15)],
         [f"    logger.info(message_{n})" for n in range(15)], False, {(("log",), ("logger",))}),
        (["x = f(a)"], ["x = f(a)"], False, None),
        (['log.info("Signed in with Github now")'], ['log.info("Logged in with GitHub now")'],
         False, None),
        (['url = f"https://{host}/login"'], ['url = f"http://{host}/login"'], False, None),
        (["x = f(a)"], ["x = f(a, None)"], False, None),
        (["if (user.admin) {"], ["if (!user.admin) {"], False, None),
        (["if user.admin:"], ["if not user.admin:"], False, None),
        (["verify = True"], ["verify = False"], False, None),
        (["cost = 10"], ["cost = 12"], False, None),
        (['samesite = "Lax"'], ['samesite = "None"'], False, None),
        (['import { db } from "../lib/db"'], ['import { db } from "@/lib/db"'], False, None),
        (["f(a)"], ["f(a, " + ", ".join(f"x{n}" for n in range(17)) + ")"], False, None),
        ([f"log.info(m{n})" for n in range(31)], [f"logger.info(m{n})" for n in range(31)], False,
         None),
    ],
    ids=[
        "an-error-cause-added",
        "a-logger-replaced",
        "an-import-added",
        "a-statement-added-is-code",
        "a-statement-removed-is-code",
        "an-import-path-in-an-import",
        "nothing-passed-where-nothing-was",
        "a-message-naming-a-value-respelt",
        "the-edit-at-each-line-of-a-function",
        "the-same-tokens",
        "a-message-reworded-at-two-places",
        "a-string-of-data-naming-a-value",
        "nothing-passed-alone-has-no-name",
        "a-negation-has-no-name",
        "a-word-of-control-flow-is-no-name",
        "a-boolean-changed",
        "a-number-changed",
        "a-setting-string-changed",
        "a-string-outside-an-import-is-data",
        "too-large-an-edit",
        "too-large-a-hunk",
    ],
)
def test_hunk_edits(
    removed: list[str], added: list[str], imports: bool, edits: set[object] | None
) -> None:
    found = hunk_edits(removed, added, imports=imports)
    assert (None if found is None else set(found)) == edits


def test_an_edit_is_swept_when_made_in_enough_files_however_often_in_each() -> None:
    edit = ((), ("cause",))
    other = (("log",), ("logger",))
    hunks = {(0, 0): frozenset({edit}), (0, 1): frozenset({edit, other}),
             (1, 0): frozenset({edit, other}), (2, 0): frozenset({edit})}
    assert swept(hunks) == {edit: MIN_FILES}


@pytest.mark.parametrize(
    ("sweep", "shown"),
    [
        (Sweep(((), ("{", "cause", ":", "err", "}")), 4), "`{cause:err}` added"),
        (Sweep((("public", "string", "Comment"), ()), 3), "`public string Comment` removed"),
        (Sweep((("context", ".", "Background", "(", ")"), ("cmd", ".", "Context", "(", ")")), 3),
         "`context.Background()` -> `cmd.Context()`"),
    ],
    ids=["added", "removed", "replaced"],
)
def test_a_sweep_shows_its_edit_as_code(sweep: Sweep, shown: str) -> None:
    assert str(sweep) == shown


@pytest.mark.parametrize(
    ("text", "areas"),
    [
        (swept_through(AUTH_FILES, ['  throw new AuthError("Login failed")'],
                       ['  throw new AuthError("Login failed", undefined, { cause })']), {}),
        (swept_through(AUTH_FILES, ['  throw new AuthError("Login failed")'],
                       ['  throw new AuthError("Login failed", { cause: err })']), {}),
        (swept_through([f"app/auth/{n}.py" for n in ("a", "b", "c")],
                       ['    log.info("user %s logged in", user)'],
                       ['    logger.info("user %s logged in", user)']), {}),
        (swept_through(AUTH_FILES[:2], ['  throw new AuthError("Login failed")'],
                       ['  throw new AuthError("Login failed", { cause: err })']),
         {"auth": AUTH_FILES[:2]}),
        (swept_through([f"app/views/{n}.py" for n in ("a", "b", "c")],
                       ["def index(request):"], ["@login_required", "def index(request):"]),
         {"auth": [f"app/views/{n}.py" for n in ("a", "b", "c")]}),
        (swept_through([f"app/clients/{n}.rb" for n in ("a", "b", "c")],
                       ["    response = Faraday.get(url)"],
                       ["    response = SsrfFilter.get(url)"]),
         {"security": [f"app/clients/{n}.rb" for n in ("a", "b", "c")]}),
        (swept_through([f"deploy/{n}/proxy.conf" for n in ("a", "b", "c")],
                       ["  proxy_set_header X-Forward-For $host;"],
                       ["  proxy_set_header X-Forwarded-For $host;"]),
         {area: [f"deploy/{n}/proxy.conf" for n in ("a", "b", "c")]
          for area in ("security", "infrastructure")}),
        (swept_through(AUTH_FILES[:3], ["  cookie.secure = false"], ["  cookie.secure = true"]),
         {"auth": AUTH_FILES[:3]}),
        (swept_through(AUTH_FILES[:2], ["  log.info(msg)"], ["  logger.info(msg)"])
         + edited(AUTH_FILES[2], ["  log.info(msg)", "  return user"],
                  ["  logger.info(msg)", "  return user && user.active"]),
         {"auth": AUTH_FILES[2:3]}),
    ],
    ids=[
        "an-error-cause-after-nothing-added-in-four-auth-files",
        "an-error-cause-added-in-four-auth-files",
        "a-logger-replaced-in-three-auth-files",
        "two-files-are-no-sweep",
        "a-protection-added-in-three-views-counts",
        "a-safer-client-swapped-in-counts",
        "a-header-name-a-rule-reads-corrected-counts",
        "a-flag-turned-on-everywhere-counts",
        "a-hunk-that-does-more-than-the-sweep-counts",
    ],
)
def test_an_edit_repeated_across_files_is_not_evidence_and_a_protection_is(
    text: str, areas: dict[str, list[str]], policy: Policy
) -> None:
    found = classify(parse_diff(text), policy).areas
    assert {area.id: area.files for area in found} == areas


def test_a_sweep_set_aside_is_named_in_the_reasons(policy: Policy) -> None:
    text = swept_through(AUTH_FILES, ['  throw new AuthError("Login failed")'],
                         ['  throw new AuthError("Login failed", { cause: err })'])
    result = classify(parse_diff(text), policy)
    assert result.swept_paths == AUTH_FILES
    assert result.sweeps == [Sweep(((), ("{", "cause", ":", "err", "}")), 4)]
    assert decide(parse_diff(text), policy).reasons[-1] == (
        "Not counted as evidence (repeated edit in 4 files: `{cause:err}` added): "
        f"{result.swept_lines} changed lines naming a sensitive area and the paths of "
        "`src/auth/login.js`, `src/auth/session.js`, `src/auth/token.js` and 1 more, which "
        "only make such edits."
    )


LIBRARY = [f"src/lib/{name}.js" for name in ("a", "b", "c")]


@pytest.mark.parametrize(
    ("old", "new", "areas"),
    [
        (["  } catch (err) {", "    if (err.code === 'ERR_NOT_ALLOWED') {",
          "      throw new Forbidden('not allowed');"],
         ["  } catch (cause) {", "    if (cause.code === 'ERR_NOT_ALLOWED') {",
          "      throw new Forbidden('not allowed', { cause });"], {}),
        (["    if (!user.verified) {", "      return res.status(401);"],
         ["    if (!user.confirmed) {", "      return res.status(401);"], {"auth": LIBRARY}),
    ],
    ids=["the-caught-error-renamed-in-each-condition", "a-guards-subject-swapped-counts"],
)
def test_a_condition_changed_by_the_sweep_alone_is_not_evidence(
    old: list[str], new: list[str], areas: dict[str, list[str]], policy: Policy
) -> None:
    found = classify(parse_diff(swept_through(LIBRARY, old, new)), policy).areas
    assert {area.id: area.files for area in found} == areas
