"""A repository named for an area (`Area.repository` words, `Policy.source_files`): in a JWT
library, a migration tool or a payment SDK, a changed source file is that area's evidence, as a
path match, when the analysis is told the repository's name; tests, docs, examples, non-source
files and changes of comments alone stay out, and no name (the CLI without `--repository`)
claims nothing."""

from __future__ import annotations

import pytest

from bot.analysis.classify import classify, repository_words
from bot.analysis.decide import decide
from bot.analysis.diff import parse_diff
from bot.analysis.models import PullRequestInfo
from policies.model import Policy
from tests.bot._diffs import edit

#: ordinary code: nothing in it names an area
PLAIN = ("    if len(parts) != expected:", "        return None")


@pytest.mark.parametrize(
    ("repository", "words"),
    [
        ("jpadilla/PyJWT", ["py", "jwt"]),
        ("jwt/ruby-jwt", ["ruby", "jwt"]),
        ("palkan/action_policy", ["action", "policy"]),
        ("golang-migrate/migrate", ["migrate"]),
        ("stripe/stripe-go", ["stripe", "go"]),
        ("omniauth/OmniAuth2", ["omni", "auth2"]),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_repository_words_split_the_name(repository: str, words: list[str]) -> None:
    assert repository_words(repository) == words


@pytest.mark.parametrize(
    ("repository", "path", "area"),
    [
        ("jpadilla/pyjwt", "jwt/api_jws.py", "auth"),
        ("jwtk/jjwt", "impl/src/main/java/io/impl/lang/Bytes.java", "auth"),
        ("oauthlib/oauthlib", "oauthlib/common.py", "auth"),
        ("casbin/casbin", "enforcer.go", "permissions"),
        ("palkan/action_policy", "lib/action_policy/behaviour.rb", "permissions"),
        ("golang-migrate/migrate", "database/postgres/postgres.go", "migrations"),
        ("flyway/flyway", "flyway-core/src/main/java/org/flywaydb/core/Flyway.java",
         "migrations"),
        ("stripe/stripe-python", "lib/http_client.py", "billing"),
        ("thephpleague/omnipay", "src/Common/AbstractGateway.php", "billing"),
        # a JOSE library's signing half stays its name's: JWS and JWT are authentication
        ("go-jose/go-jose", "jws.go", "auth"),
        ("nov/json-jwt", "lib/json/jws.rb", "auth"),
        ("panva/jose", "src/lib/verify.ts", "auth"),
        ("panva/jose", "src/jws/compact/verify.ts", "auth"),
        ("web-token/jwt-framework", "src/Component/Signature/JWSVerifier.php", "auth"),
        ("jwtk/jjwt", "impl/src/main/java/io/jsonwebtoken/impl/DefaultJwsHeader.java", "auth"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_a_source_file_of_a_repository_named_for_an_area_counts(
    repository: str, path: str, area: str, policy: Policy
) -> None:
    diff = parse_diff(edit(path, added=PLAIN[1:], removed=PLAIN[:1]).encode())
    assert area not in [a.id for a in classify(diff, policy).areas]  # ordinary code
    found = classify(diff, policy, repository=repository).areas
    result = next(a for a in found if a.id == area)
    evidence = result.evidence[0]
    assert (evidence.rule, evidence.path, evidence.side) == (f"{area}.repository", path, "path")
    assert repository in evidence.snippet


@pytest.mark.parametrize(
    ("repository", "path", "lines"),
    [
        # the library's tests, docs, examples and CI, a build script, a data file
        ("jpadilla/pyjwt", "tests/test_api_jws.py", PLAIN),
        ("jpadilla/pyjwt", "docs/usage.rst", PLAIN),
        ("stripe/stripe-go", "example/charge/main.go", PLAIN),
        ("stripe/stripe-go", ".github/workflows/ci.yml", ("    runs-on: ubuntu-24.04",)),
        ("jpadilla/pyjwt", "setup.py", PLAIN),
        ("golang-migrate/migrate", "README.md", PLAIN),
        # a comment alone changes no behaviour
        ("jpadilla/pyjwt", "jwt/api_jws.py", ("    # Decode the token's parts.",)),
        # words that only look like an area's: an author, a display, an oracle driver
        ("octo/authors", "authors/list.py", PLAIN),
        ("octo/display", "display/screen.py", PLAIN),
        ("octo/oracle-driver", "driver/conn.go", PLAIN),
        ("octo/widgets", "widgets/core.py", PLAIN),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_what_a_repository_name_does_not_claim(
    repository: str, path: str, lines: tuple[str, ...], policy: Policy
) -> None:
    diff = parse_diff(edit(path, added=lines).encode())
    rules = [e.rule for a in classify(diff, policy, repository=repository).areas
             for e in a.evidence]
    assert not [r for r in rules if r.endswith(".repository")]


def test_no_repository_name_claims_nothing(policy: Policy) -> None:
    diff = parse_diff(edit("jwt/api_jws.py", added=PLAIN[1:], removed=PLAIN[:1]).encode())
    assert decide(diff, policy, PullRequestInfo()).areas == []


def test_the_repository_signal_alone_is_weak(policy: Policy) -> None:
    """A name says what the project is about, not what a change does: alone, one risk lower."""
    diff = parse_diff(edit("jwt/api_jws.py", added=PLAIN[1:], removed=PLAIN[:1]).encode())
    decision = decide(diff, policy, PullRequestInfo(repository="jpadilla/pyjwt"))
    assert [(a.id, a.risk) for a in decision.areas] == [("auth", "elevated")]
    assert "auth.repository" in (decision.areas[0].weak_evidence or "")
    assert "'pyjwt'" in decision.areas[0].evidence[0].snippet


def test_the_repository_names_the_area_of_a_change_already_critical(policy: Policy) -> None:
    """Beside another critical area (here SQL built from a value: security) the library's own
    area is named too, at its risk: what else to review."""
    lines = ('    cursor.execute(f"SELECT * FROM t WHERE id = {x}")',)
    diff = parse_diff(edit("jwt/db.py", added=lines).encode())
    alone = decide(diff, policy, PullRequestInfo())
    assert "auth" not in [a.id for a in alone.areas]
    assert alone.risk == "critical"
    named = decide(diff, policy, PullRequestInfo(repository="jpadilla/pyjwt"))
    assert ("auth", "critical") in [(a.id, a.risk) for a in named.areas]
