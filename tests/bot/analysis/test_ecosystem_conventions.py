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
        # ... and a database's URL or DSN (user and password in it) put into an error's
        # message or a log line
        (
            "internal/store/open.go",
            '\t\treturn nil, fmt.Errorf("open database %q: %w", databaseURL, err)',
            "security.secrets-in-logs",
        ),
        ("internal/store/open.go", '\tlog.Printf("connecting to %s", dsn)', "security.secrets-in-logs"),
        ("src/Data/Setup.cs", '        logger.info("using " + connectionString);',
         "security.secrets-in-logs"),
        ("internal/store/open.go", '\t\treturn nil, fmt.Errorf("open database: %w", err)', None),
        ("internal/store/open.go", '\tlog.Printf("parsed %d dsn options", count)', None),
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
        # ... a package installed from a URL, and where the image's OS packages come from
        (
            "Dockerfile",
            "RUN luarocks install --tree /usr/local https://luarocks.org/manifests/someone/x-0.2.4-1.src.rock",
            "security.image-downloads",
        ),
        (
            "docker/Dockerfile",
            'RUN echo "deb http://mirrors.example.com/debian/ bookworm main" > /etc/apt/sources.list \\',
            "security.image-downloads",
        ),
        (
            "Dockerfile",
            "RUN add-apt-repository ppa:someone/tools && apt-get update",
            "security.image-downloads",
        ),
        ("scripts/setup.sh", "pip install https://example.org/tool-1.0.tar.gz", None),
        ("docs/install.txt", "deb https://packages.example.org/debian stable main", None),
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
        # a redirect target checked by a validator named for it
        (
            "src/main/java/org/shop/oauth2/AuthorizeHandler.java",
            "        template.checkRedirectUri(request.clientId, request.redirectUri);",
            "security.ssrf-redirect-traversal",
        ),
        ("app/controllers/sessions.py", "    if not validate_return_to(url):", "security.ssrf-redirect-traversal"),
        (
            "pkg/op/auth_request.go",
            "\tif err := ValidateAuthReqRedirectURI(client, authReq.RedirectURI, rt); err != nil {",
            "security.ssrf-redirect-traversal",
        ),
        ("pkg/http/client.go", "\tif err := validateRedirectCount(n); err != nil {", None),
        ("app/controllers/pages.py", "    return_page = next_page(url)", None),
        # Django's and DRF's settings under a prefix that namespaces them (dynaconf)
        (
            "app/settings/hooks.py",
            '    data["REST_FRAMEWORK__DEFAULT_AUTHENTICATION_CLASSES"] = ["app.auth.HubAuth"]',
            "auth.django-auth",
        ),
        (
            "app/settings/hooks.py",
            '    data["REST_FRAMEWORK__DEFAULT_PAGINATION_CLASS"] = "app.pages.Pages"',
            None,
        ),
        # a token's audience read from its claims, to be checked by hand
        ("app/hooks/views.py", '            audience = payload.get("aud")', "auth.token-validation"),
        ("app/hooks/views.py", '            issuer = claims["iss"]', "auth.token-validation"),
        ("app/hooks/views.py", '            audit = payload.get("audit")', None),
        # a key printed as a placeholder by its Debug implementation
        ("src/keys.rs", '            .field("content", &"[redacted]")', "security.secret-redaction"),
        ("src/keys.rs", '            .field("family", &self.family)', None),
        # a CSP's directives that govern no script
        ("src/headers/policy.ts", "  \"form-action\": [\"'self'\"],", "security.csp"),
        ("src/headers/policy.ts", "  \"base-uri\": [\"'none'\"],", "security.csp"),
        ("src/search/form.ts", '  formAction: "/search",', None),
        # ... and as Rails' DSL and django-csp write them; not any image's or form's source
        # named in snake case (secure_headers' `frame_src:` is found by its initializer's path)
        ("config/initializers/headers.rb", "  policy.script_src :self, :https", "security.csp"),
        ("shop/settings.py", 'CSP_SCRIPT_SRC = ("\'self\'", "cdn.example.com")', "security.csp"),
        ("scraper/parse.py", "    img_src = tag.get('data-src') or tag.get('src')", None),
        ("src/components/Card.js", "  img_src: product.thumbnail_url,", None),
        ("app/views/users/edit.html.erb", "<%= render 'form', form_action: user_path(@user) %>",
         None),
        ("src/media.rb", "    video.media_src == other.media_src", None),
        # the mode a file is written with
        (
            "cmd/cli/machines.go",
            "\t\terr = os.WriteFile(credentialsPath, out, 0o600)",
            "security.file-modes",
        ),
        ("scripts/keys.ts", "  fs.writeFileSync(keyPath, pem, { mode: 0o600 });", "security.file-modes"),
        ("cmd/cli/machines.go", "\t\terr = os.WriteFile(credentialsPath, out, perm)", None),
        # an LDAP filter's value escaped by hand, with RFC 4515's escapes
        (
            "app/resolvers/ldap.py",
            '        return name.replace("*", "\\\\2a").replace("(", "\\\\28")',
            "security.ldap-injection",
        ),
        ("app/resolvers/ldap.py", '        colour = "#2a2a2a"', None),
        # the credentials a proxy passes on
        (
            "gateway/src/proxy.lua",
            '        ngx.req.set_header("Proxy-Authorization", proxy_auth)',
            "security.proxy-trust",
        ),
        ("internal/proxy/redirect.go", '\treq.Header.Del("Authorization")', "security.proxy-trust"),
        ("internal/proxy/redirect.go", '\treq.Header.Del("Accept-Encoding")', None),
        # the client-IP headers by the names of the constants that hold them
        ("middleware/realip.go", "\tif tcip := r.Header.Get(trueClientIP); tcip != \"\" {",
         "security.proxy-trust"),
        ("middleware/realip.go", "\t} else if xrip := r.Header.Get(xRealIP); xrip != \"\" {",
         "security.proxy-trust"),
        ("middleware/realip.go", "\tip := r.Header.Get(clientIPHeader)", None),
        ("internal/http/ip.go", "\tip := c.Request().Header.Get(echo.HeaderXRealIP)",
         "security.proxy-trust"),
        ("app/config.py", "IP_HEADER = CF_CONNECTING_IP", "security.proxy-trust"),
        ("app/logging.py", '        "x_forwarded_for": record.x_forwarded_for,', None),
        # a view that refuses a GET (login CSRF)
        ("social_django/views.py", "@require_POST", "security.web-protections"),
        ("social_django/views.py", "@require_GET", None),
        # Erlang's crypto module, from Elixir and from Erlang: MACs, digests, random bytes
        ("lib/shop/webhook.ex", "    :crypto.mac(:hmac, :sha256, secret, payload)",
         "security.erlang-crypto"),
        ("lib/shop/webhook.ex", "    :crypto.hmac(:sha256, secret, payload)", "security.erlang-crypto"),
        ("lib/shop/token.ex", "    24 |> :crypto.strong_rand_bytes() |> Base.url_encode64()",
         "security.erlang-crypto"),
        ("src/shop_token.erl", "    Mac = crypto:mac(hmac, sha256, Key, Body),", "security.erlang-crypto"),
        # ... not a module of the application's own named for it, nor Elixir's :rand
        ("lib/shop/token.ex", "    :crypto_helpers.format(value)", None),
        ("lib/shop/token.ex", "    n = :rand.uniform(100)", None),
    ],
)
def test_an_ecosystem_convention_is_evidence(
    policy: Policy, path: str, line: str, rule: str | None
) -> None:
    found = rules_found(path, line, policy)
    assert (rule in found) if rule else (found == set()), found


@pytest.mark.parametrize(
    ("path", "line", "rule", "fires"),
    [
        # a Terraform value kept out of plans and state, in a file whose path is evidence of
        # another area already
        ("modules/db/variables.tf", "  sensitive   = true", "security.iac-sensitive-values", True),
        ("modules/db/variables.tf", "  ephemeral   = true", "security.iac-sensitive-values", True),
        ("modules/db/variables.tf", "  nullable    = false", "security.iac-sensitive-values", False),
        ("src/forms/fields.ts", "  sensitive = true", "security.iac-sensitive-values", False),
        # Jackson told to refuse a JSON document's duplicate members
        (
            "src/main/java/org/shop/io/Json.java",
            "            .configure(JsonParser.Feature.STRICT_DUPLICATE_DETECTION, true);",
            "security.parser-hardening",
            True,
        ),
        (
            "src/main/java/org/shop/io/Json.java",
            "            .configure(SerializationFeature.INDENT_OUTPUT, true);",
            "security.parser-hardening",
            False,
        ),
    ],
)
def test_a_convention_beside_other_evidence(
    policy: Policy, path: str, line: str, rule: str, fires: bool
) -> None:
    assert (rule in rules_found(path, line, policy)) is fires


@pytest.mark.parametrize(
    ("path", "line", "fires"),
    [
        # an element named with the attributes a sanitiser lets it keep, in each stack's config
        ("lib/forum/content_formatter.rb", "        'td'     => %w[style],", True),
        ("app/markup/clean.py", '    "a": ["href", "title", "rel"],', True),
        ("src/markup/clean.ts", "    img: ['src', 'alt'],", True),
        # look-alikes: an element's name mapped to something else, a list of elements
        ("src/markup/clean.ts", "    img: 'image',", False),
        ("app/markup/clean.py", '    "tags": ["a", "img"],', False),
    ],
)
def test_a_sanitisers_allow_list_is_evidence(
    policy: Policy, path: str, line: str, fires: bool
) -> None:
    found = rules_found(path, line, policy)
    assert ("security.sanitiser-allowlists" in found) is fires, found
