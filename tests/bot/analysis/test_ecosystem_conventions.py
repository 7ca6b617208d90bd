"""Conventions of one ecosystem that the rules did not know: how a framework, a library or a tool
spells a transaction, a lock, a token's signing key or a permission check.

Found by reading the misses of the corpus files added as development data (issue 9), grouped by
cause; each row is written here from the ecosystem's documented spelling, not copied from a
commit. A row with no rule is a look-alike that must stay silent.
"""

from __future__ import annotations

import pytest

from policies.model import Policy
from tests.bot.analysis._rules import rules_found


@pytest.mark.parametrize(
    ("path", "line", "rule"),
    [
        # October CMS and Winter CMS alias Laravel's DB facade as `Db`
        (
            "modules/backend/behaviors/ListController.php",
            "        Db::transaction(function () use ($records) {",
            "transactions.rails-laravel-tx",
        ),
        (
            "plugins/acme/shop/models/Order.php",
            "        Db::beginTransaction();",
            "transactions.rails-laravel-tx",
        ),
        ("plugins/acme/shop/models/Order.php", "        $rows = Db::table('orders')->get();", None),
        # celery-singleton's lock_expiry, a lock's expiry in a lock helper's options
        ("app/reports/tasks.py", "    lock_expiry=REPORT_TIME_LIMIT,", "transactions.locks"),
        ("src/jobs/sync.ts", "  const lockExpiry = 30_000;", "transactions.locks"),
        ("app/reports/tasks.py", "    soft_time_limit=REPORT_TIME_LIMIT,", None),
        # djangorestframework-simplejwt's settings that name no JWT
        ("app/settings/base.py", '    "SIGNING_KEY": os.environ["APP_JWT_KEY"],', "auth.jwt"),
        (
            "app/settings/base.py",
            '    "USER_AUTHENTICATION_RULE": lambda user: user.is_active,',
            "auth.jwt",
        ),
        ("app/settings/base.py", '    "PAGE_SIZE": 50,', None),
        # digests on the JVM by Guava's and Commons Codec's helpers, .NET's algorithm classes
        (
            "src/main/java/org/shop/api/ApiKeys.java",
            "    return Hashing.sha256().hashString(raw, UTF_8).toString();",
            "security.hashing-hmac",
        ),
        (
            "src/main/java/org/shop/api/ApiKeys.java",
            "    return DigestUtils.sha256Hex(raw);",
            "security.hashing-hmac",
        ),
        (
            "src/Shop/Api/ApiKeys.cs",
            "        var digest = SHA256.HashData(bytes);",
            "security.hashing-hmac",
        ),
        ("src/main/java/org/shop/api/ApiKeys.java", "    return Objects.hash(raw, owner);", None),
        ("src/Shop/Api/ApiKeys.cs", "        var code = HashCode.Combine(raw, owner);", None),
        # money in minor units, in camelCase too (`costInCents`, `amountInCents`)
        (
            "src/engine/usage.ts",
            "      costInCents: run.costInCents + attemptCost,",
            "billing.amounts",
        ),
        (
            "src/engine/usage.ts",
            "  const priceInCents = plan.monthlyPriceInCents;",
            "billing.amounts",
        ),
        ("src/engine/usage.ts", "  const durationInSeconds = usage.durationMs / 1000;", None),
        # Prisma's relation filter over a membership
        (
            "app/routes/orgs.$slug.settings/route.ts",
            "    where: { slug: organizationSlug, members: { some: { userId } } },",
            "permissions.orm-owner-filter",
        ),
        (
            "app/routes/orgs.$slug.settings/route.ts",
            "    where: { slug, projects: { some: { deletedAt: null } } },",
            None,
        ),
        # a Go helper handed the open transaction
        (
            "internal/state/jobs.go",
            "\t\tjob, err := s.jobByID(dbTxn, ref.Id)",
            "transactions.go-tx-argument",
        ),
        ("internal/state/jobs.go", "\t\terr = putUser(tx, user)", "transactions.go-tx-argument"),
        ("src/chain/wallet.ts", "  const fee = estimate(tx, rate);", None),
        ("internal/state/jobs.go", "\t\tjob, err := s.jobByID(ctxb, ref.Id)", None),
        # a secret handed to a logger as a value
        (
            "app/hooks/views.py",
            '        logger.debug("OAuth2 response: {0}", token)',
            "security.secrets-in-logs",
        ),
        (
            "app/hooks/views.py",
            '        log.info(f"callback id token {id_token}")',
            "security.secrets-in-logs",
        ),
        (
            "src/auth/callback.ts",
            '  console.log("issued", user.apiKey);',
            "security.secrets-in-logs",
        ),
        ("app/hooks/views.py", '        logger.info("token refreshed for %s", user_id)', None),
        ("app/hooks/views.py", '        logger.info("revoking %s", token_id)', None),
        # a file fetched from a URL in an image's build
        (
            "docker/Dockerfile",
            '    curl -fsSL "https://downloads.example.org/tool-linux-${ARCH}.zip" -o /tmp/t.zip && \\',
            "security.image-downloads",
        ),
        (
            "Dockerfile.worker",
            "RUN wget -q https://example.org/tool.tar.gz",
            "security.image-downloads",
        ),
        ("scripts/fetch.sh", "curl -fsSL https://example.org/tool.tar.gz -o tool.tar.gz", None),
        # the hosts a request may name, as Symfony, Laravel and October spell them
        ("config/app.php", "    'trustedHosts' => true,", "security.ssrf-redirect-traversal"),
        (
            "src/Kernel.php",
            "        Request::setTrustedHosts(['^shop\\.example$']);",
            "security.ssrf-redirect-traversal",
        ),
        (
            "app/Http/Kernel.php",
            "        \\App\\Http\\Middleware\\TrustHosts::class,",
            "security.ssrf-redirect-traversal",
        ),
        ("config/app.php", "    'timezone' => 'UTC',", None),
    ],
)
def test_an_ecosystem_convention_is_evidence(
    policy: Policy, path: str, line: str, rule: str | None
) -> None:
    found = rules_found(path, line, policy)
    assert (rule in found) if rule else (found == set()), found
