"""Signals that name a second area of a change already found critical (area recall).

A change flagged for one area often does the work of another as well: a role's trust policy
matching CI's OIDC subject is security as much as infrastructure, a decimal(18,2) column is
money as much as schema. Each row is a line written with a documented API or idiom and the rule that must read
it; a row with no rule is a look-alike that must stay silent (its words, another scale, another
file).
"""

from __future__ import annotations

import pytest

from bot.analysis.classify import classify
from bot.analysis.diff import parse_diff
from policies.model import Policy
from tests.bot._diffs import edit


def rules_found(path: str, line: str, policy: Policy) -> set[str]:
    result = classify(parse_diff(edit(path, [line], ["x = 1"])), policy)
    return {e.rule for area in result.areas for e in area.evidence}


@pytest.mark.parametrize(
    ("path", "line", "rule"),
    [
        # CI's OIDC token trusted by a cloud role: the provider, GitHub's and GitLab's subjects
        ("modules/ci/main.tf",
         '      variable = "token.actions.githubusercontent.com:sub"', "security.ci-oidc-trust"),
        ("modules/ci/main.tf",
         '      format("repo:%s/%s:ref:refs/heads/%s", org, repo, branch)',
         "security.ci-oidc-trust"),
        ("modules/ci/main.tf",
         '  values = ["project_path:group/app:ref_type:branch:ref:main"]',
         "security.ci-oidc-trust"),
        # Storage that refuses plain or old TLS
        ("modules/bucket/main.tf", '      variable = "s3:TlsVersion"', "security.cloud-transport"),
        ("modules/bucket/main.tf", '      variable = "aws:SecureTransport"',
         "security.cloud-transport"),
        ("modules/storage/main.tf", '  min_tls_version = "TLS1_2"', "security.cloud-transport"),
        # Money columns by the currency convention of each stack
        ("src/Data/ShopDbContext.cs", 'property.SetColumnType("decimal(18,2)");',
         "billing.money-columns"),
        ("src/Data/OrderConfiguration.cs",
         "builder.Property(o => o.Total).HasPrecision(18, 2);", "billing.money-columns"),
        ("db/migrate/20240101_add_total.rb",
         "    add_column :orders, :total, :decimal, precision: 10, scale: 2",
         "billing.money-columns"),
        ("shop/models.py", "    total = models.DecimalField(max_digits=12, decimal_places=2)",
         "billing.money-columns"),
        ("src/main/java/org/shop/Order.java", "    @Column(precision = 19, scale = 4)",
         "billing.money-columns"),
        ("database/migrations/2024_01_01_create_orders.php",
         "            $table->decimal('total', 12, 2);", "billing.money-columns"),
        ("db/schema.sql", "  amount NUMERIC(19, 4) NOT NULL,", "billing.money-columns"),
        # A return path's leading slashes collapsed or refused (protocol-relative URLs)
        ("lib/clearance/authorization.rb", '      uri.path.sub(/\\A\\/+/, "/")',
         "security.protocol-relative-urls"),
        ("app/views.py", '    path = re.sub(r"^/+", "/", path)', "security.protocol-relative-urls"),
        ("src/redirect.ts", "  if (next.startsWith('//')) return '/';",
         "security.protocol-relative-urls"),
        ("server/redirect.go", '\tif strings.HasPrefix(next, "//") {',
         "security.protocol-relative-urls"),
    ],
)
def test_a_second_area_signal_is_evidence(
    policy: Policy, path: str, line: str, rule: str
) -> None:
    assert rule in rules_found(path, line, policy)


@pytest.mark.parametrize(
    ("path", "line", "rule"),
    [
        # a repository named in prose or a URL, not a subject claim
        ("src/links.py", 'url = "https://github.com/org/repo"', "security.ci-oidc-trust"),
        ("src/scm.py", 'ref = "repo:main"', "security.ci-oidc-trust"),
        # TLS named in a variable of another kind
        ("src/client.py", "tls_version = detect(conn)", "security.cloud-transport"),
        # a percentage, a coordinate, a rating: other scales
        ("db/schema.sql", "  discount_rate DECIMAL(5, 2),", "billing.money-columns"),
        ("db/schema.sql", "  latitude DECIMAL(10, 7),", "billing.money-columns"),
        ("db/schema.rb", '    t.decimal "final_weight", precision: 10, scale: 2',
         "billing.money-columns"),
        ("shop/models.py", "    score = models.DecimalField(max_digits=3, decimal_places=2)",
         "billing.money-columns"),
        ("src/Data/MapConfiguration.cs",
         "builder.Property(p => p.Lat).HasPrecision(9, 6);", "billing.money-columns"),
        # trailing slashes, one leading slash, a scheme's slashes
        ("src/urls.ts", "  return base.replace(/\\/+$/, '');", "security.protocol-relative-urls"),
        ("src/redirect.ts", "  if (next.startsWith('/')) return next;",
         "security.protocol-relative-urls"),
        ("src/client.py", '    url = "https://" + host', "security.protocol-relative-urls"),
    ],
)
def test_a_look_alike_is_not_that_signal(
    policy: Policy, path: str, line: str, rule: str
) -> None:
    assert rule not in rules_found(path, line, policy)


def header_rules_found(path: str, section: str, policy: Policy) -> set[str]:
    diff = edit(path, ["    x = 2"], ["    x = 1"], section=section)
    return {e.rule for area in classify(parse_diff(diff), policy).areas for e in area.evidence}


@pytest.mark.parametrize(
    ("path", "section", "found"),
    [
        # a token stored as a row: Django, Flask-SQLAlchemy, SQLAlchemy, Rails
        ("rest_framework/authtoken/models.py", "class Token(models.Model):", True),
        ("app/models.py", "class ApiToken(db.Model):", True),
        ("app/db/tables.py", "class RefreshToken(Base):", True),
        ("app/models/access_token.rb", "class AccessToken < ApplicationRecord", True),
        # a lexer's token, a token type, a tokenizer
        ("src/lexer.py", "class Token(NamedTuple):", False),
        ("src/lexer.py", "class TokenType(Enum):", False),
        ("src/text/models.py", "class Tokenizer(models.Model):", False),
    ],
)
def test_a_change_inside_a_persisted_token_is_auth(
    policy: Policy, path: str, section: str, found: bool
) -> None:
    assert ("auth.token-models" in header_rules_found(path, section, policy)) is found
