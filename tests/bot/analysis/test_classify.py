"""bot.analysis.classify: which sensitive areas a diff touches, and the evidence for each.

Content rules of the bundled default are tuned against a corpus by others; these tests rely only
on a few unambiguous markers (`@login_required`, `def verify_signature`) and name areas, not the
ids of the rules inside them.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import pytest
import re2
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.analysis import classify as classify_module
from bot.analysis import diff as diff_module
from bot.analysis.classify import (
    Classification,
    _passes,
    _prefilter_passes,
    _reanchored,
    _rules_per_pass,
    _RuleSets,
    classify,
    matcher_for,
)
from bot.analysis.decide import decide
from bot.analysis.diff import (
    GitHubFile,
    LinePasses,
    match_starts,
    parse_diff,
    parse_github_files,
)
from bot.analysis.gitattributes import parse_gitattributes
from bot.analysis.mechanical import without_copy
from bot.analysis.models import Evidence
from policies.loader import default_policy, load_policy
from policies.model import Policy
from tests.bot._diffs import binary, created, deleted, edit, rename


def run(text: str, policy: Policy) -> Classification:
    return classify(parse_diff(text), policy)


def files_by_area(result: Classification) -> dict[str, list[str]]:
    return {area.id: area.files for area in result.areas}


def only_area(result: Classification, area_id: str) -> list[Evidence]:
    assert [a.id for a in result.areas] == [area_id]
    return result.areas[0].evidence


CI_FILE = ".github/workflows/ci.yml"


#: a browser's key imported for decryption, and a Kotlin refusal: code whose place decides
#: whether it counts
IMPORT_RSA_KEY = (
    "  const key = await crypto.subtle.importKey('jwk', keyData, { name: 'RSA-OAEP' }, false,"
    " ['decrypt']);"
)
KOTLIN_DENIAL = '    if (!user.isAdmin) throw AccessDeniedException("denied")'


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (edit("app/auth/views.py", ["x = compute()"]), {"auth": ["app/auth/views.py"]}),
        (edit("app/billing/refund.py", ["x = compute()"]), {"billing": ["app/billing/refund.py"]}),
        (edit(CI_FILE, ["on: push"]), {"infrastructure": [CI_FILE]}),
        (edit("docker/api.Dockerfile", ["RUN make"]), {"infrastructure": ["docker/api.Dockerfile"]}),
        (edit("Dockerfile-dev", ["RUN make"]), {"infrastructure": ["Dockerfile-dev"]}),
        (edit("Containerfile.distroless", ["FROM gcr.io/distroless/static"]),
         {"infrastructure": ["Containerfile.distroless"]}),
        (edit(".github/modeltier.yml", ["limits: {}"]), {"policy": [".github/modeltier.yml"]}),
        (edit("p/.htaccess", ["RewriteEngine On"]), {"infrastructure": ["p/.htaccess"]}),
        (edit("src/Core/OrderProcessing/OrderPaymentProcessor.php", ["$x = 1;"]),
         {"billing": ["src/Core/OrderProcessing/OrderPaymentProcessor.php"]}),
        (edit("resources/views/PaymentForm.blade.php", ["<p>{{ $x }}</p>"]), {}),
        (edit("app/integrations/crm.py", ["x = 1"]), {"integrations": ["app/integrations/crm.py"]}),
        (edit("tests/auth/test_views.py", ["@login_required"]), {}),
        (edit("app/auth/tests/test_login.py", ["@login_required"]), {}),
        (edit("docs/auth/login.md", ["@login_required"]), {}),
        (edit("vendor/auth/views.py", ["@login_required"])
         + edit("go.mod", ["require example.com/auth v1.2.0"]), {}),
        (edit("app/node_modules/passport/index.js", ["@login_required"]), {}),
        (edit("app/templates/home.html", ["<p>Welcome</p>"]), {}),
        (edit("hscontrol/templates/auth_web.go", ["\treturn page(title, box)"]), {}),
        # a SAML library's or service provider's package by the protocol's name; not its tests,
        # its docs, nor a folder of samples
        (edit("src/saml2/client.py", ["    sign_post = sign and binding == BINDING_HTTP_POST"]),
         {"auth": ["src/saml2/client.py"]}),
        (edit("samlsp/session_cookie.go", ["\tc.Domain = domain"]),
         {"auth": ["samlsp/session_cookie.go"]}),
        (edit("tests/saml2/test_client.py", ["    assert sign_post"]), {}),
        (edit("docs/saml2/howto.md", ["Sign logout requests."]), {}),
        (edit("samples/shop/cart.py", ["    total = sum(prices)"]), {}),
        (edit("src/samlple/util.py", ["    total = sum(prices)"]), {}),
        (edit("hscontrol/auth_web.go", ["\treturn page(box)"]),
         {"auth": ["hscontrol/auth_web.go"]}),
        (edit("package.json", ['  "express": "^4.0.0",'],
              ['  "express": "^4.0.0",', '  "bcrypt-nodejs": "0.0.3",']), {}),
        (edit("api/openapi.yaml", ["      x-ratelimit-bucket: public-low"]), {}),
        (edit("api/openapi.yaml", ["  securitySchemes:", "    bearerAuth:"]),
         {"auth": ["api/openapi.yaml"]}),
        # grpc-gateway's NAME.swagger.json: an example body is documentation, a scheme is not;
        # code in a folder named after it is code
        (edit("internal/gen/users.swagger.json", ['  "login": "login",', '  "password": "password"']),
         {}),
        (edit("internal/gen/users.swagger.json", ['  "securityDefinitions": {', '    "Bearer": {']),
         {"auth": ["internal/gen/users.swagger.json"]}),
        (edit("internal/swagger/users.go", ["\tif !user.CheckPassword(password) {"]),
         {"auth": ["internal/swagger/users.go"]}),
        # an OpenAPI document by a name holding the word or a folder named for it: a field's
        # description, title or example is its prose, a security scheme is still evidence; a
        # workflow named for the document is CI configuration
        (edit("openapi/api.yaml", ["      description: Invoice state.", "      title: VAT Number"]),
         {}),
        (edit("codegen/lib-openapi.json", ['  "example": "https://app.example.com/login#key=abc"']),
         {}),
        (edit("openapi/api.yaml", ["  securitySchemes:", "    bearerAuth:"]),
         {"auth": ["openapi/api.yaml"]}),
        (edit("codegen/lib-openapi.json", ['  "securitySchemes": {', '    "HTTPBearer": {']),
         {"auth": ["codegen/lib-openapi.json"]}),
        # ... but not in a docs folder's copy (a docs site's, swag's generated one): its
        # security requirements tell readers how to call, the server checks elsewhere
        (edit("docs/v3-openapi.yaml", ["      security:", "        - secretKey: []"]), {}),
        (edit("server/docs/swagger.yaml", ["  securityDefinitions:", "    bearerAuth:"]), {}),
        (edit("api/openapi.yaml", ["      security:", "        - secretKey: []"]),
         {"auth": ["api/openapi.yaml"]}),
        (edit("src/docsite/openapi.yaml", ["      security:", "        - secretKey: []"]),
         {"auth": ["src/docsite/openapi.yaml"]}),
        (edit(".github/workflows/openapi-compatibility-check.yml", ["on: push"]),
         {"infrastructure": [".github/workflows/openapi-compatibility-check.yml"]}),
        # a TypeScript declaration file states types, the code it describes runs elsewhere
        (edit("src/auth/session.d.ts", ["export declare function login(user: User): Session;"]),
         {}),
        (edit("dist/purify.es.d.mts", ["  SANITIZE_DOM?: boolean | undefined;"]), {}),
        (edit("src/auth/session.ts", ["export function login(user) { return open(user); }"]),
         {"auth": ["src/auth/session.ts"]}),
        # Semgrep's rules quote the code they warn on; a Go file in a folder of that name runs
        (edit(".semgrep/avoid-math-rand.yml", ['      import "crypto/rand"']), {}),
        (edit("tools/semgrep/keys.go", ['import "crypto/rand"']),
         {"security": ["tools/semgrep/keys.go"]}),
        (edit("core/src/main/java/org/killbill/billing/util/tag/TagDao.java", ["int x = 1;"]), {}),
        (edit("core/src/main/java/org/killbill/billing/payment/Refunds.java", ["int x = 1;"]),
         {"billing": ["core/src/main/java/org/killbill/billing/payment/Refunds.java"]}),
        (edit("entitlement/src/main/resources/org/killbill/billing/entitlement/ddl.sql",
              ["CREATE INDEX blocking_states_state ON blocking_states(state);"]),
         {"migrations": ["entitlement/src/main/resources/org/killbill/billing/entitlement/ddl.sql"]}),
        (edit("src/Admin/SettingsController.cs", ['if (dir.Contains("..")) throw new ArgumentException();']),
         {"security": ["src/Admin/SettingsController.cs"]}),
        (edit("src/index.js", ["import helpers from '..';"]), {}),
        (edit("web/settings/plan-card.tsx", ['label={t("settings.billing.per_month")}']), {}),
        (edit("app/views.py", ['raise PermissionDenied("You may not delete this")']),
         {"permissions": ["app/views.py"]}),
        (edit("api/templatetags/links.py", ['<input type="hidden" value="{csrf_token}">']),
         {"security": ["api/templatetags/links.py"]}),
        (edit("shop/views.py", ["if not request.user.is_authenticated:"]),
         {"auth": ["shop/views.py"]}),
        (edit("app/Util/Url.php", ["filter_var($ip, FILTER_VALIDATE_IP, FILTER_FLAG_NO_PRIV_RANGE)"]),
         {"security": ["app/Util/Url.php"]}),
        (edit("lib/actions/tags.ts", ['throwIfNoPermission({ role, requiredRoles: ["owner"] });']),
         {"permissions": ["lib/actions/tags.ts"]}),
        (edit("src/Data/ShopDbContext.cs", ['property.SetColumnType("decimal(18,2)");']),
         {"migrations": ["src/Data/ShopDbContext.cs"], "billing": ["src/Data/ShopDbContext.cs"]}),
        (edit("packages/app-msw/handlers/tokens.ts", ["if (!user) return forbidden(403);"]), {}),
        (edit("tests/mirage/config.js", ["if (!user) return forbidden(403);"]), {}),
        (edit("src/stories/Page.tsx", ["  if (!user?.isAdmin) return <Forbidden />;"]), {}),
        (edit("app/views/stories/_actions.html.erb", ["<% if current_user.admin? %>"]),
         {"permissions": ["app/views/stories/_actions.html.erb"]}),
        (edit("lib/shop/testing_support/factories/user.rb", ['    password { "secret" }']), {}),
        (edit("src/main/java/acme/security/factories/AccessFactory.java",
              ['if (!user.isAdmin()) throw new AccessDeniedException("denied");']),
         {"permissions": ["src/main/java/acme/security/factories/AccessFactory.java"]}),
        # named like a test where the build keeps production code, and where it keeps tests
        (edit("src/main/java/acme/mail/ConnectionTest.java",
              ['if (!user.isAdmin()) throw new AccessDeniedException("denied");']),
         {"permissions": ["src/main/java/acme/mail/ConnectionTest.java"]}),
        (edit("src/test/java/acme/mail/ConnectionTest.java",
              ['if (!user.isAdmin()) throw new AccessDeniedException("denied");']), {}),
        (edit("app/models/ab_test.rb", ["    return head(:forbidden) unless current_user.admin?"]),
         {"permissions": ["app/models/ab_test.rb"]}),
        (edit("spec/dummy/app/models/ab_test.rb",
              ["    return head(:forbidden) unless current_user.admin?"]), {}),
        (edit("app/Models/SplitTest.php", ["        abort_unless($user->isAdmin(), 403);"]),
         {"permissions": ["app/Models/SplitTest.php"]}),
        (edit("tests/Feature/SplitTest.php", ["        abort_unless($user->isAdmin(), 403);"]),
         {}),
        (edit("src/main/kotlin/acme/mail/ConnectionSpec.kt", [KOTLIN_DENIAL]),
         {"permissions": ["src/main/kotlin/acme/mail/ConnectionSpec.kt"]}),
        (edit("src/test/kotlin/acme/mail/ConnectionSpec.kt", [KOTLIN_DENIAL]),
         {}),
        # an application's e2e folder is end-to-end encryption; an e2e suite is tests
        (edit("apps/meteor/app/e2e/client/rocketchat.e2e.ts", [IMPORT_RSA_KEY]),
         {"security": ["apps/meteor/app/e2e/client/rocketchat.e2e.ts"]}),
        (edit("apps/meteor/app/e2e/client/keys.spec.ts", [IMPORT_RSA_KEY]),
         {}),
        (edit("apps/web/e2e/login.ts", [IMPORT_RSA_KEY]),
         {}),
        (edit("public/build/app.7e3186b2.js", ["if(!e.isAdmin)return!1"]), {}),
        (edit(".gitpod.yml", ["  - init: gitea admin user create --password password --admin"]),
         {}),
        (edit(".devcontainer/Dockerfile", ["FROM mcr.microsoft.com/devcontainers/go:1"]), {}),
        (edit("web/components/currency-select.tsx",
              ["<SelectItem key={currency} value={currency}>"]), {}),
        (edit("shop/pricing.py", ["price = convert(price, currency)"]),
         {"billing": ["shop/pricing.py"]}),
        (edit("src/auth/TokenService.java", ['private static final String CODE_VALUE = "code";']),
         {}),
        (edit("src/auth/TokenService.java",
              ['private static final String CODE_VALUE = "code";', "check(CODE_VALUE);"]),
         {"auth": ["src/auth/TokenService.java"]}),
        (edit("src/auth/TokenService.java", ["private static final int TTL = 60;"],
              ["private static final int TTL = 3600;"]),
         {"auth": ["src/auth/TokenService.java"]}),
        (edit("app/auth/settings.py", ["LOGIN_ATTEMPTS = 5"]),
         {"auth": ["app/auth/settings.py"]}),
        (edit(".env.production", ["APP_NAME=Acme"]), {"security": [".env.production"]}),
        (edit(".env.example", ["APP_NAME=Acme"]), {}),
        (edit(CI_FILE, ['git push "https://x-access-token:${TOKEN}@github.com/o/r.git"']),
         {"infrastructure": [CI_FILE]}),
        (edit(CI_FILE, ["- name: Publish with OIDC", "  uses: NuGet/login@v1"]),
         {"infrastructure": [CI_FILE]}),
        # every CI service's pipeline is CI configuration: Travis's Erlang/OTP release is no
        # one-time password, a pipeline's registry login is the pipeline's own
        (edit(".travis.yml", ["otp_release:", "  - 22.0"]), {"infrastructure": [".travis.yml"]}),
        (edit(".drone.yml", ["    password:", "      from_secret: docker_password"]),
         {"infrastructure": [".drone.yml"]}),
        (edit("Jenkinsfile.deploy", ["  sh 'docker login -u $USER --password-stdin'"]),
         {"infrastructure": ["Jenkinsfile.deploy"]}),
        # ... and asdf's runtime pins name Erlang/OTP too; a one-time password in code stays one
        (edit(".tool-versions", ["elixir 1.16.0-otp-26", "erlang 26.2.1"]), {}),
        (edit("lib/app/accounts/user_totp.ex",
              ["  def valid_otp?(user, code), do: NimbleTOTP.valid?(user.otp_secret, code)"]),
         {"auth": ["lib/app/accounts/user_totp.ex"]}),
        # Elixir's `otp_app:` names the OTP application a module reads its configuration from
        (edit("lib/shop/repo.ex", ["  use Ecto.Repo, otp_app: :shop, adapter: Ecto.Adapters.Postgres"]),
         {}),
        (edit("lib/shop/accounts.ex", ["  def enable(user), do: update(user, otp_app_secret: s())"]),
         {"auth": ["lib/shop/accounts.ex"]}),
        # Node's TLS option is transport security, not a caller refused; a refusal still is
        (edit("lib/db/connect.js", ["config.ssl.rejectUnauthorized = false"]),
         {"security": ["lib/db/connect.js"]}),
        # ... whatever its value and however the key is written: quoted in JSON, from the
        # environment, in a ternary
        (edit("config/database.json", ['    "ssl": { "rejectUnauthorized": false }']),
         {"security": ["config/database.json"]}),
        (edit("lib/db/pool.js", ["  ssl: { 'rejectUnauthorized': process.env.DB_VERIFY_TLS },"]),
         {"security": ["lib/db/pool.js"]}),
        (edit("lib/mailer.ts", ["  tls: { rejectUnauthorized: isProduction ? true : false },"]),
         {"security": ["lib/mailer.ts"]}),
        # ... and in the manifests excluded as lists of dependencies: a script run with TLS
        # checks off, a package manager told not to verify its registry; a script changed
        # otherwise is no evidence
        (edit("package.json", ['    "start": "NODE_TLS_REJECT_UNAUTHORIZED=0 node dist/main.js",'],
              ['    "start": "node dist/main.js",']), {"security": ["package.json"]}),
        (edit(".npmrc", ["strict-ssl=false"]), {"security": [".npmrc"]}),
        (edit(".yarnrc.yml", ["enableStrictSsl: false"]), {"security": [".yarnrc.yml"]}),
        (edit("package.json", ['    "start": "node --inspect dist/main.js",'],
              ['    "start": "node dist/main.js",']), {}),
        (edit("internal/api/handler.go", ["\treturn redirectUnauthorized(w, r)"]),
         {"auth": ["internal/api/handler.go"]}),
        (edit("modules/db/main.tf", ["password = var.password"]),
         {"infrastructure": ["modules/db/main.tf"]}),
        (edit("app/models/user.rb", ["validates :password, length: { minimum: 12 }"]),
         {"auth": ["app/models/user.rb"]}),
        (edit("app/views/devise/invitations/edit.html.erb", ['<h2 class="my-3">Set password</h2>']),
         {}),
        (edit("resources/js/App.vue", ["<LoginForm v-if=\"layout === 'login'\" />"]), {}),
        (edit("server/oauth2/authorization/OAuth2AuthorizationCodeRequestAuthenticationProvider.java",
              ["int x = 1;"]),
         {"auth": ["server/oauth2/authorization/OAuth2AuthorizationCodeRequestAuthenticationProvider.java"]}),
        (edit("app/Authorization/ProjectAuthorization.php", ["$x = 1;"]),
         {"permissions": ["app/Authorization/ProjectAuthorization.php"]}),
        (edit("src/Models/Permission.php", ["$x = 1;"]),
         {"permissions": ["src/Models/Permission.php"]}),
        (edit("src/Application/Permissions/Checker.cs", ["var x = 1;"]),
         {"permissions": ["src/Application/Permissions/Checker.cs"]}),
        (edit("src/Models/PermissionsBanner.php", ["$x = 1;"]), {}),
        # a Pundit-style policy is who may do what; a response header named "policy" is not
        (edit("lib/shop/policies/order_policy.rb", ["x = 1"]),
         {"permissions": ["lib/shop/policies/order_policy.rb"]}),
        (edit("lib/secure_headers/headers/referrer_policy.rb", ["x = 1"]), {}),
        # ... but a model of that name keeps its policy (a Feature model's, in app/policies)
        (edit("app/policies/feature_policy.rb", ["x = 1"]),
         {"permissions": ["app/policies/feature_policy.rb"]}),
        (edit("config/initializers/permissions_policy.rb", ["x = 1"]), {}),
        (edit("lib/secure_headers/headers/cross_origin_opener_policy.rb", ["x = 1"]), {}),
        (edit("lib/hanami/config/actions/content_security_policy.rb", ["x = 1"]),
         {"security": ["lib/hanami/config/actions/content_security_policy.rb"]}),
        # the British spelling of authorization, and an RBAC module of one file
        (edit("src/Ocelot/Authorisation/ClaimsAuthoriser.cs", ["var x = 1;"]),
         {"permissions": ["src/Ocelot/Authorisation/ClaimsAuthoriser.cs"]}),
        (edit("lib/rbac.ts", ["const x = 1;"]), {"permissions": ["lib/rbac.ts"]}),
        (edit("docs/rbac.md", ["Roles are listed below."]), {}),
        (edit("charts/app/README.md.gotmpl", ['{{ template "chart.valuesTable" . }}']), {}),
        (edit("src/Shared/Texts.de.resx", ['<data name="login.password" xml:space="preserve">']),
         {}),
        (edit("src/Core/Migrations/ShopDataSeeder.cs",
              ['builder.AddOrUpdate("Admin.Orders.InclTax", "Tax (gross)");']), {}),
        (edit("backend/json_schema/app.config.json", ['"password",', '"mfa",']), {}),
        (edit("config/app.schema.json", ['"password",', '"mfa",']), {}),
        (edit("contrib/docs-code-samples/tokens/main.go", ['return "ApiKey", id']), {}),
        (edit("packaging/systemd/app.service", ["AmbientCapabilities=CAP_NET_BIND_SERVICE"]),
         {"infrastructure": ["packaging/systemd/app.service"],
          "security": ["packaging/systemd/app.service"]}),
        (edit("src/app/user.service.ts", ["const x = 1;"]), {}),
        (edit("src/Shop.Core/Checkout/Orders/CheckoutWorkflow.cs", ["var x = 1;"]),
         {"billing": ["src/Shop.Core/Checkout/Orders/CheckoutWorkflow.cs"]}),
        (edit("src/library/Payment/Adapter/Gateway.php", ["$x = 1;"]),
         {"billing": ["src/library/Payment/Adapter/Gateway.php"]}),
        (edit("src/Invoice/Calculator/WeeklyCalculator.php", ["$x = 1;"]),
         {"billing": ["src/Invoice/Calculator/WeeklyCalculator.php"]}),
        (edit("templates/Payment/show.html.twig", ["<p>{{ x }}</p>"]), {}),
        (edit("upload/system/helper/db_schema.php", ["'type' => 'mediumtext'"]),
         {"migrations": ["upload/system/helper/db_schema.php"]}),
        (edit("app/code/Acme/Shop/etc/db_schema.xml", ['<column name="note"/>']),
         {"migrations": ["app/code/Acme/Shop/etc/db_schema.xml"]}),
        (edit("crates/db_schema/src/impls/post.rs", ["let x = 1;"]), {}),
        # SQL an upgrader runs between versions; a query file named for an update is none
        (edit("include/upgrader/streams/core/914098f4-87d4a323.patch.sql", ["SET x = 1;"]),
         {"migrations": ["include/upgrader/streams/core/914098f4-87d4a323.patch.sql"]}),
        (edit("install/update/sql/2.5.0.sql", ["SET x = 1;"]),
         {"migrations": ["install/update/sql/2.5.0.sql"]}),
        (edit("app/queries/update_user.sql", ["SET x = 1;"]), {}),
        (edit("install/update/README.md", ["x"]), {}),
        (edit("app/Http/Controllers/Auth/ConfirmController.php", ["$x = 1;"]),
         {"auth": ["app/Http/Controllers/Auth/ConfirmController.php"]}),
        # ... and a Login/ namespace; not a folder that only starts alike
        (edit("src/Module/Application/Login/OidcAction.php", ["$x = 1;"]),
         {"auth": ["src/Module/Application/Login/OidcAction.php"]}),
        (edit("src/Module/Application/Logging/Handler.php", ["$x = 1;"]), {}),
        (edit("app/services/sqlstore/postgres/billing.go", ["x := 1"]),
         {"billing": ["app/services/sqlstore/postgres/billing.go"]}),
        (edit("packages/utils/src/billing-utils.ts", ["const x = 1;"]),
         {"billing": ["packages/utils/src/billing-utils.ts"]}),
        (edit("app/services/sqlstore/postgres/bill.go", ["x := 1"]), {}),
        # a password/ folder is the auth area's as passwords/ is; a word that starts alike is none
        (edit("lib/shop/ecto/schema/password/pbkdf2.ex", ["x = 1"]),
         {"auth": ["lib/shop/ecto/schema/password/pbkdf2.ex"]}),
        (edit("lib/shop/passwordless_notes/note.ex", ["x = 1"]), {}),
        # release notes by the names GNU and others give them, without an extension; a class
        # named alike is code
        (edit("Changelog", ["- The login of users with passkeys locks them out (#5628)"]), {}),
        (edit("lib/auth/ChangeLog", ["\t* login.c: check the password hash"]), {}),
        (edit("NEWS", ["* Password logins can be limited per realm"]), {}),
        (edit("app/Auth/ChangeLog.php", ["if (!Auth::check()) { abort(403); }"]),
         {"auth": ["app/Auth/ChangeLog.php"], "permissions": ["app/Auth/ChangeLog.php"]}),
        # ... but not Perl's `Changes` (CPAN::Changes): a path pattern for it would also take a
        # folder of that name, whose code counts (`app/Billing/Changes/ApplyRefund.php`)
        (edit("app/Auth/Changes/EndSession.php", ["return 0 unless $session->user;"]),
         {"auth": ["app/Auth/Changes/EndSession.php"]}),
        # PEAR's manifest at a library's root; not a package.xml deeper in, nor setup.cfg,
        # tox.ini or bin/console, where a secret or a production console's setting is read
        (edit("package.xml", ["  <summary>A JWT encoder/decoder.</summary>"]), {}),
        (edit("tox.ini", ['setenv = STRIPE_SECRET_KEY = "sk_live_abc"']),
         {"billing": ["tox.ini"]}),
        (edit("bin/console", ["umask(0000);"]), {"security": ["bin/console"]}),
        (edit("force-app/auth/package.xml", ["<name>PermissionSet</name>"]),
         {"auth": ["force-app/auth/package.xml"]}),
        # numbered migrations in a folder named for their kind; a tool's code kept in one is none
        (edit("db/upgrade_migrations/20161113161801_upgrade_v1_to_v2.rb", ["x = 1"]),
         {"migrations": ["db/upgrade_migrations/20161113161801_upgrade_v1_to_v2.rb"]}),
        (edit("shop/db_migrations/0274_order_index.py", ["x = 1"]),
         {"migrations": ["shop/db_migrations/0274_order_index.py"]}),
        (edit("db/db-migrations/src/main.rs", ["let x = 1;"]), {}),
        # a bundle of trusted roots shipped with a client; a test's certificate is none
        (edit("lib/data/ca-certificates.crt", ["MIIDdTCCAl2gAwIBAgILBAAAAAABFUtaw5QwDQYJ"]),
         {"security": ["lib/data/ca-certificates.crt"]}),
        (edit("spec/fixtures/certs/server.crt", ["MIIDdTCCAl2gAwIBAgILBAAAAAABFUtaw5QwDQYJ"]), {}),
        # which proxies are believed, and a rate limiter's numbers
        (edit("app/Http/Middleware/TrustProxies.php", ["    protected $proxies = '*';"]),
         {"security": ["app/Http/Middleware/TrustProxies.php"]}),
        (edit("src/middleware/rateLimit.ts", ["  max: 5000,"]),
         {"security": ["src/middleware/rateLimit.ts"]}),
        (edit("src/middleware/logging.ts", ["  max: 5000,"]), {}),
        (edit("src/api/rateLimitRetry.ts", ["  const delays = [1000, 2000, 4000];"]), {}),
        (edit("src/server/rateLimit.ts", ["  max: 6000,"]),
         {"security": ["src/server/rateLimit.ts"]}),
        (edit("src/api/RateLimiter.ts", ["  private readonly perSecond = 10;"]), {}),
    ],
    ids=[
        "auth-path",
        "billing-path",
        "workflow-path",
        "dockerfile-variant-suffix",
        "dockerfile-variant-dash",
        "containerfile-variant",
        "policy-file",
        "web-server-config",
        "php-payment-class",
        "php-payment-template",
        "elevated-integrations-path",
        "excluded-tests-folder",
        "excluded-test-file-in-auth",
        "excluded-docs",
        "excluded-vendored",
        "excluded-node-modules",
        "routine",
        "go-templates-package-content-only",
        "saml-library-package",
        "saml-service-provider-package",
        "saml-package-tests",
        "saml-package-docs",
        "samples-folder-not-saml",
        "misspelt-folder-not-saml",
        "go-auth-file-outside-templates",
        "dependency-dropped-from-a-manifest",
        "api-contract-extension",
        "api-contract-security-scheme",
        "grpc-gateway-swagger-example",
        "grpc-gateway-swagger-security-definitions",
        "code-in-a-folder-named-swagger",
        "openapi-folder-description-and-title", "openapi-named-document-example",
        "openapi-folder-security-scheme", "openapi-named-document-security-scheme",
        "openapi-docs-site-copy-security", "swag-generated-docs-security",
        "openapi-api-document-security", "openapi-docsite-folder-is-no-docs-folder",
        "workflow-named-for-openapi",
        "typescript-declaration-file", "typescript-module-declaration-file",
        "typescript-source-beside-its-declarations",
        "semgrep-rule-quoting-code",
        "code-in-a-folder-named-semgrep",
        "java-package-prefix",
        "java-billing-module",
        "java-resources-package-prefix",
        "parent-directory-check",
        "parent-directory-import",
        "translation-key-of-a-billing-label",
        "denial-with-a-message",
        "csrf-token-in-a-form",
        "django-authenticated-check",
        "private-address-check",
        "required-roles",
        "ef-model-column-type",
        "mock-service-worker-handler",
        "mirage-mock-server",
        "storybook-stories-folder",
        "rails-views-of-a-stories-resource",
        "factory-bot-factories",
        "java-package-named-factories",
        "test-named-class-in-src-main", "test-named-class-in-src-test", "test-named-rails-model",
        "test-named-model-of-a-dummy-app", "test-named-laravel-model", "phpunit-test",
        "kotlin-spec-named-class-in-src-main", "kotest-spec", "e2e-encryption-feature-folder",
        "test-in-an-e2e-feature-folder", "e2e-suite",
        "content-hashed-bundle",
        "gitpod-workspace",
        "dev-container",
        "currency-picker-component",
        "currency-in-code",
        "constant-added",
        "constant-added-and-used",
        "constant-value-changed",
        "python-setting-added",
        "env-file",
        "env-template",
        "token-to-push-in-ci",
        "registry-login-in-ci",
        "erlang-otp-release-in-travis",
        "registry-password-in-drone",
        "registry-login-in-a-jenkinsfile-for-one-job",
        "erlang-otp-in-tool-versions",
        "one-time-password-in-code",
        "elixir-otp-app", "an-otp-apps-secret",
        "node-tls-reject-unauthorized", "node-tls-option-quoted-json", "node-tls-option-from-env",
        "node-tls-option-ternary", "tls-checks-off-in-a-package-script", "npm-strict-ssl-off",
        "yarn-strict-ssl-off", "another-package-script",
        "a-refusal-named-unauthorized",
        "database-password-in-terraform",
        "password-in-application-code",
        "password-in-a-template",
        "login-form-in-a-component",
        "oauth2-authorization-server",
        "authorization-module",
        "pascal-case-permission-class",
        "pascal-case-permissions-folder",
        "pascal-case-permissions-prefix-only",
        "pundit-style-policy-outside-app",
        "referrer-policy-header", "feature-model-policy",
        "permissions-policy-header-initializer",
        "cross-origin-opener-policy-header",
        "content-security-policy-header",
        "british-authorisation-folder",
        "rbac-module-file",
        "rbac-docs",
        "helm-docs-readme-template",
        "dotnet-resource-strings",
        "data-seeder-under-migrations",
        "json-schema-folder",
        "json-schema-document",
        "docs-code-samples",
        "systemd-unit",
        "angular-service-is-not-a-unit",
        "pascal-case-checkout-folder",
        "pascal-case-payment-folder",
        "pascal-case-invoice-folder",
        "template-in-a-payment-folder",
        "declarative-schema-php",
        "declarative-schema-xml",
        "crate-named-db-schema",
        "upgrader-patch-sql",
        "installer-update-sql",
        "query-named-for-an-update",
        "readme-in-an-update-folder",
        "pascal-case-auth-folder",
        "pascal-case-login-folder", "a-folder-starting-like-login",
        "billing-module-in-go",
        "billing-module-in-typescript",
        "bill-is-not-billing",
        "password-folder",
        "word-starting-like-password",
        "changelog-without-extension",
        "gnu-changelog",
        "news-file",
        "class-named-changelog-is-code",
        "a-folder-named-changes-is-code",
        "pear-package-xml",
        "a-secret-in-tox-ini",
        "a-console-s-umask",
        "nested-package-xml",
        "numbered-upgrade-migrations",
        "numbered-db-migrations",
        "migration-tool-code",
        "ca-bundle",
        "test-certificate",
        "trusted-proxies-middleware", "rate-limiter-module", "other-middleware",
        "client-rate-limit-retry", "server-rate-limit", "client-rate-limiter",
    ],
)
def test_areas_by_path_and_exclusion(
    text: str, expected: dict[str, list[str]], policy: Policy
) -> None:
    assert files_by_area(run(text, policy)) == expected


def test_path_evidence_names_the_pattern(policy: Policy) -> None:
    [evidence] = only_area(run(edit("app/auth/views.py", ["x = compute()"]), policy), "auth")
    assert evidence == Evidence(
        path="app/auth/views.py", side="path", rule="auth.path", snippet="**/auth/**"
    )


def test_a_large_diffs_single_path_check_against_every_area_gives_the_same_answers(
    policy: Policy, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large diff checks each path against every area's patterns at once first
    (`Matcher.any_path`), and asks the areas only about the paths that one matches; a small
    diff asks each area. Both must find the same: a path some area claims (by its new name or
    its old one) is never passed over."""
    text = "".join([
        edit("app/auth/views.py", ["x = compute()"]),
        edit("app/billing/refund.py", ["x = compute()"]),
        edit(CI_FILE, ["on: push"]),
        edit("tests/auth/test_views.py", ["x = compute()"]),
        edit("src/helpers/format.py", ["x = compute()"]),
        rename("app/auth/tokens.py", "app/accounts/session.py"),
    ])
    found = []
    for threshold in (0, 10**6):
        monkeypatch.setattr(classify_module, "_ANY_PATH_FILES", threshold)
        found.append(run(text, policy))
    assert found[0] == found[1]
    assert files_by_area(found[0]) == {
        "auth": ["app/accounts/session.py", "app/auth/tokens.py", "app/auth/views.py"],
        "billing": ["app/billing/refund.py"], "infrastructure": [CI_FILE],
    }


def test_comment_only_edit_of_an_auth_module_is_not_flagged(policy: Policy) -> None:
    text = edit(
        "app/auth/views.py",
        ["# Check the password before login.", "", "    // session token note"],
        ["# Check the pasword before login."],
    )
    result = run(text, policy)
    assert result.areas == []
    assert result.not_inspected == []


def test_a_condition_continued_in_words_in_a_sensitive_module_is_code(policy: Policy) -> None:
    """Inside a multi-line `if (...)`, a condition of words and attribute reads has no operator
    sign; it was read as a docstring's sentence and the module's path evidence went with it."""
    condition = edit(
        "app/permissions.py",
        ["            or report.shared_link is not None or report.draft"],
        ["            or report.shared_link is not None and report.shared_link.enabled"],
    )
    sentence = edit(
        "app/permissions.py",
        ["    Returns the reports a viewer may see, shared ones included."],
        ["    Returns the reports a viewer may see, shared ones first."],
    )
    assert [area.id for area in run(condition, policy).areas] == ["permissions"]
    assert run(sentence, policy).areas == []


def _added(path: str, lines: list[str]) -> str:
    body = "".join(f"+{line}\n" for line in lines)
    return (
        f"diff --git a/{path} b/{path}\nnew file mode 100644\nindex 0000000..2222222\n"
        f"--- /dev/null\n+++ b/{path}\n@@ -0,0 +1,{len(lines)} @@\n{body}"
    )


def test_an_added_file_of_comments_and_a_package_line_is_not_flagged(policy: Policy) -> None:
    doc = ["// Package oauth2 implements the token endpoint.", "package oauth2"]
    assert run(_added("server/oauth2/doc.go", doc), policy).areas == []
    code = [*doc, "func issue() {}"]
    assert files_by_area(run(_added("server/oauth2/doc.go", code), policy)) == {
        "auth": ["server/oauth2/doc.go"]
    }


def test_a_removed_file_of_comments_and_a_package_line_is_not_flagged(policy: Policy) -> None:
    doc = ["// Package oauth2 implements the token endpoint.", "package oauth2"]
    assert run(deleted("server/oauth2/doc.go", doc), policy).areas == []
    code = [*doc, "func verify() bool { return true }"]
    # beside an edit: a change that only deletes files deletes what nothing can call any more
    # (tests/bot/analysis/test_removal.py)
    version = edit("cmd/version.go", removed=['const version = "1.0"'],
                   added=['const version = "1.1"'])
    assert files_by_area(run(deleted("server/oauth2/doc.go", code) + version, policy)) == {
        "auth": ["server/oauth2/doc.go"]
    }


def _in_context(path: str, lines: list[str]) -> str:
    """One hunk of `lines` as a diff writes them (" " unchanged, "-" removed, "+" added)."""
    old = sum(1 for line in lines if line[0] in " -")
    new = sum(1 for line in lines if line[0] in " +")
    return (
        f"diff --git a/{path} b/{path}\nindex 1111111..2222222 100644\n--- a/{path}\n"
        f"+++ b/{path}\n@@ -10,{old} +10,{new} @@\n" + "".join(f"{line}\n" for line in lines)
    )


def test_a_python_line_moved_into_a_block_is_evidence_though_only_white_space_changed(
    policy: Policy,
) -> None:
    # in Python indentation is syntax: the password is now set only when the check fails,
    # and moved under the permission check, the line counts for the check's area too
    moved = [
        '     if not request.user.has_perm("accounts.change_user"):',
        "         log_denied(request)",
        '-    user.set_password(request.POST["password"])',
        '+        user.set_password(request.POST["password"])',
        "     return HttpResponse(status=204)",
    ]
    assert files_by_area(run(_in_context("app/accounts/views.py", moved), policy)) == {
        "auth": ["app/accounts/views.py"], "permissions": ["app/accounts/views.py"]
    }
    # the same white space in a language of braces, and the whole block re-indented in
    # Python, change nothing
    braces = [
        "     if (!user.hasPerm('change_user')) {",
        "       logDenied(req);",
        "-    user.setPassword(req.body.password);",
        "+      user.setPassword(req.body.password);",
        "     }",
    ]
    assert run(_in_context("src/accounts/views.js", braces), policy).areas == []
    block = [
        '-    if not request.user.has_perm("accounts.change_user"):',
        "-        log_denied(request)",
        '-    user.set_password(request.POST["password"])',
        '+  if not request.user.has_perm("accounts.change_user"):',
        "+    log_denied(request)",
        '+  user.set_password(request.POST["password"])',
    ]
    assert run(_in_context("app/accounts/views.py", block), policy).areas == []


def test_a_real_edit_of_the_same_module_is_flagged(policy: Policy) -> None:
    text = edit("app/auth/views.py", ["# Check first.", "x = 2"], ["x = 1"])
    assert files_by_area(run(text, policy)) == {"auth": ["app/auth/views.py"]}


def test_removed_login_required_is_evidence_on_the_old_side(policy: Policy) -> None:
    text = edit("app/views.py", ["def view(request):"], ["@login_required", "def view(request):"])
    [evidence] = only_area(run(text, policy), "auth")
    assert (evidence.path, evidence.side, evidence.line, evidence.snippet) == (
        "app/views.py", "old", 10, "@login_required",
    )
    assert evidence.rule.startswith("auth.")


def test_hunk_header_naming_verify_signature_is_evidence(policy: Policy) -> None:
    text = edit(
        "app/hooks.py",
        ["    return True"],
        ["    return False"],
        section="def verify_signature(payload, sig):",
        start=42,
    )
    found = only_area(run(text, policy), "security")
    # the header, and the verdict it hands back flipped (`security.outcome-changed`)
    assert {(e.side, e.line, e.snippet) for e in found if e.side == "header"} == {
        ("header", 42, "def verify_signature(payload, sig):"),
    }
    assert {e.rule for e in found if e.side != "header"} == {"security.outcome-changed"}


def test_hunk_header_of_a_comment_only_hunk_is_not_evidence(policy: Policy) -> None:
    text = edit(
        "app/hooks.py", ["    # reworded"], ["    # worded"],
        section="def verify_signature(payload, sig):",
    )
    assert run(text, policy).areas == []


def test_rename_counts_under_the_old_path(policy: Policy) -> None:
    result = run(rename("app/auth/views.py", "app/accounts/views.py"), policy)
    [evidence] = only_area(result, "auth")
    assert result.areas[0].files == ["app/auth/views.py"]
    assert (evidence.path, evidence.side) == ("app/auth/views.py", "path")


def test_rename_into_a_sensitive_path_counts_under_the_new_path(policy: Policy) -> None:
    result = run(rename("app/helpers.py", "app/billing/helpers.py"), policy)
    assert files_by_area(result) == {"billing": ["app/billing/helpers.py"]}


LIMITS = textwrap.dedent("""
    limits:
      evidence_per_file: 2
      evidence_per_area: 5
    """)


def test_evidence_is_capped_per_file_and_the_total_keeps_counting() -> None:
    policy = load_policy(LIMITS)
    text = edit("app/views.py", [f"@login_required  # view {i}" for i in range(7)])
    [area] = run(text, policy).areas
    assert [(e.line, e.side) for e in area.evidence] == [(10, "new"), (11, "new")]
    assert area.evidence_total == 7


def test_evidence_is_capped_per_area_and_every_file_is_still_listed() -> None:
    policy = load_policy(LIMITS)
    text = "".join(edit(f"app/m{i}.py", ["@login_required", "@login_required()"]) for i in range(4))
    [area] = run(text, policy).areas
    assert len(area.evidence) == 5
    assert [e.path for e in area.evidence] == ["app/m0.py"] * 2 + ["app/m1.py"] * 2 + ["app/m2.py"]
    assert area.evidence_total == 8
    assert area.files == [f"app/m{i}.py" for i in range(4)]


def test_default_limits_cap_evidence(policy: Policy) -> None:
    lines = policy.limits.evidence_per_file + 3
    text = edit("app/views.py", [f"@login_required  # view {i}" for i in range(lines)])
    [area] = run(text, policy).areas
    assert len(area.evidence) == policy.limits.evidence_per_file
    assert area.evidence_total == lines


def test_long_snippets_are_clipped() -> None:
    policy = load_policy("limits:\n  snippet_chars: 20\n")
    [evidence] = run(edit("app/v.py", ["@login_required" + " " * 3 + "x" * 50]), policy).areas[
        0
    ].evidence
    assert evidence.snippet == "@login_required   x" + "…"
    assert len(evidence.snippet) == 20


#: an area whose rules each have their own file patterns (no rule of it reads every file)
OWN_FILES = textwrap.dedent(r"""
    areas:
      money:
        title: Money
        risk: elevated
        content:
          - {id: decimal, pattern: 'Decimal\(', files: ["**/*.py"]}
          - {id: unsafe, pattern: 'unsafe\s*\{', files: ["**/*.rs"]}
    """)
#: the same area with a rule that reads every file, anchored at a line's start
CUSTOM = OWN_FILES + "      - {id: anchored, pattern: '^\\s*DANGER\\b'}\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (edit("app/prices.py", ["price = Decimal(1)"]), ["money.decimal"]),
        (edit("app/prices.js", ["price = Decimal(1)"]), []),
        (edit("app/prices.js", ["    DANGER = 1"]), ["money.anchored"]),
        (edit("app/prices.js", ["x = DANGER"]), []),
        (edit("tests/test_prices.py", ["price = Decimal(1)"]), []),
    ],
    ids=[
        "files-filter-matches",
        "files-filter-skips-other-files",
        "anchored-rule-matches-line-start",
        "anchored-rule-not-mid-line",
        "excluded-path-has-no-content-evidence",
    ],
)
def test_content_rules_of_a_repository_area(text: str, expected: list[str]) -> None:
    result = run(text, load_policy(CUSTOM))
    money = [area for area in result.areas if area.id == "money"]
    assert [e.rule for area in money for e in area.evidence] == expected


def test_a_large_diff_asks_the_rules_file_patterns_together() -> None:
    """From `_ANY_PATH_FILES` files on, the rules' own file patterns are matched as one set
    (`Matcher.rule_files`); the evidence is what each rule's own patterns allow, as below."""
    changes = [("app/prices.py", ["price = Decimal(1)"]), ("app/prices.js", ["price = Decimal(1)"]),
               ("tests/test_prices.py", ["price = Decimal(1)"])]
    filler = [(f"src/module{n}.txt", ["plain text"]) for n in range(classify_module._ANY_PATH_FILES)]
    text = "".join(edit(path, lines) for path, lines in changes + filler)
    result = run(text, load_policy(CUSTOM))
    money = [area for area in result.areas if area.id == "money"]
    assert [(e.path, e.rule) for area in money for e in area.evidence] == [
        ("app/prices.py", "money.decimal")
    ]


def test_a_large_diffs_files_answered_alike_share_the_rules_they_allow() -> None:
    """A large diff's files whose exclusions and rules' own file patterns answer alike allow
    one set of rules, worked out once; the others their own."""
    paths = ["app/prices.py", "lib/orders.py", "app/prices.js", "tests/test_prices.py"]
    filler = [f"src/module{n}.txt" for n in range(classify_module._ANY_PATH_FILES)]
    diff = parse_diff("".join(edit(path, ["x = 1"]) for path in paths + filler))
    matcher = matcher_for(load_policy(CUSTOM))
    rules = classify_module._LineRules(matcher, diff)
    python, other_python, script, test = map(rules.allowed, range(len(paths)))
    ids = {index: rule.id for index, rule in enumerate(matcher.rules)}
    assert python is other_python
    assert {"money.decimal", "money.anchored"} <= {ids[index] for index in python}
    assert "money.decimal" not in {ids[index] for index in script}
    assert "money.anchored" in {ids[index] for index in script}
    assert not {ids[index] for index in test} & {"money.decimal", "money.anchored"}


def test_the_texts_asked_ahead_match_the_rules_asked_one_by_one() -> None:
    """A large diff's texts worked out together (`_LineRules.ask`, set by set) match the rules
    each matches asked alone; a text too long to keep is asked when needed."""
    texts = ["price = Decimal(1)", "x = 1", "total = Decimal(amount)",
             "y = Decimal(2)" + " " * classify_module._ASKED_CHARS]
    diff = parse_diff(edit("app/prices.py", texts) * 200)
    assert len(diff.text) >= classify_module._NARROW_BELOW
    matcher = matcher_for(load_policy(CUSTOM))
    alone, ahead = (classify_module._LineRules(matcher, diff) for _ in range(2))
    ahead.ask(texts)
    assert set(ahead._asked) == set(texts[:3])
    assert [ahead.of(text, 0) for text in texts] == [alone.of(text, 0) for text in texts]
    assert any(ahead.of(text, 0) for text in texts)
    ahead.forget()
    assert ahead._asked == {}


def test_a_line_too_long_to_ask_ahead_is_blanked_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """A line `_LineRules.ask` does not keep (a minified bundle's) is not blanked for it:
    blanking such a line is slow, and `_content_evidence` blanks it again when it reads it.
    Its evidence is found all the same."""
    long = "y = Decimal(2)" + " " * classify_module._ASKED_CHARS
    filler = [(f"docs/page{n}.txt", ["plain text " * 40])
              for n in range(classify_module._NARROW_BELOW // 500)]
    text = "".join(edit(path, lines) for path, lines in
                   [("app/prices.py", ["price = Decimal(1)", long]), *filler])
    assert len(text) >= classify_module._NARROW_BELOW
    blanked: list[str] = []

    def counted(line: str, *, markup: bool = False) -> str:
        blanked.append(line)
        return without_copy(line, markup=markup)

    monkeypatch.setattr(classify_module, "without_copy", counted)
    result = run(text, load_policy(CUSTOM))
    assert [(e.snippet[:14], e.rule) for area in result.areas if area.id == "money"
            for e in area.evidence] == [("price = Decima", "money.decimal"),
                                        ("y = Decimal(2)", "money.decimal")]
    assert [len(line) for line in blanked if len(line) > 100] == [len(long)]


def test_a_small_diff_compiles_only_the_file_patterns_it_asks_about() -> None:
    """Below `_ANY_PATH_FILES` files a rule's own file patterns are compiled when a file is
    asked about them: the Rust rule's are never asked of a Python change."""
    policy = load_policy(OWN_FILES)
    result = run(edit("app/prices.py", ["price = Decimal(1)"]), policy)
    assert [(e.path, e.rule) for area in result.areas if area.id == "money"
            for e in area.evidence] == [("app/prices.py", "money.decimal")]
    compiled = {rule.id: rule.files._spec is not None  # type: ignore[union-attr]
                for rule in matcher_for(policy).rules if rule.area == "money"}
    assert compiled == {"money.decimal": True, "money.unsafe": False}


@pytest.mark.parametrize(
    ("path", "line", "expected"),
    [
        ("app/prices.py", "price = Decimal(1)", ["money.decimal"]),
        ("app/prices.js", "price = Decimal(1)", []),
        ("src/lib.rs", "let p = unsafe { ptr.read() };", ["money.unsafe"]),
        ("app/prices.py", "let p = unsafe { ptr.read() };", []),
        ("tests/test_prices.py", "price = Decimal(1)", []),
    ],
    ids=["own-files-match", "own-files-skip", "other-rule-own-files-match",
         "other-rule-own-files-skip", "excluded-path"],
)
def test_a_file_only_rules_with_file_patterns_may_read(
    path: str, line: str, expected: list[str]
) -> None:
    """A file whose lines only rules with their own file patterns may read is read by those
    whose patterns include it, on a small diff as on a large one."""
    policy = load_policy(OWN_FILES)
    filler = [edit(f"src/module{n}.txt", ["plain text"])
              for n in range(classify_module._ANY_PATH_FILES)]
    for text in (edit(path, [line]), edit(path, [line]) + "".join(filler)):
        result = run(text, policy)
        assert [e.rule for area in result.areas if area.id == "money"
                for e in area.evidence] == expected


def test_a_prefilter_hit_that_no_rule_confirms_is_not_evidence(policy: Policy) -> None:
    """The pre-filter puts a rule's anchor after a line's marker or a hunk header's `@@`, so
    it finds the header naming a resource; the anchored rule reads changed lines, and no
    changed line names one."""
    text = ("diff --git a/app/x.py b/app/x.py\n--- a/app/x.py\n+++ b/app/x.py\n"
            '@@ -1 +1 @@ resource "aws_instance" "web" {\n-x = 1\n+x = 2\n')
    diff = parse_diff(text)
    assert diff.hit_lines(*matcher_for(policy).prefilters(len(diff.text))) == {0: [3]}
    assert run(text, policy).areas == []


#: lines every content rule would read, in files no rule may read (a test, a style sheet, docs)
UNREAD = (
    edit("tests/test_refunds.py", ["assert user.check_password(secret)"])
    + edit("app/static/site.css", [".password-reset { color: red }"])
    + edit("docs/billing.md", ["Refunds go through stripe.Refund.create(...)"])
)


def test_a_diff_whose_lines_no_rule_may_read_is_not_searched(
    policy: Policy, monkeypatch: pytest.MonkeyPatch
) -> None:
    diff = parse_diff(UNREAD)
    assert all(change.additions for change in diff.files)

    def searched(*_: object) -> None:
        raise AssertionError("the pre-filter ran")

    monkeypatch.setattr(diff, "hit_lines", searched)
    monkeypatch.setattr(diff, "hit_lines_apart", searched)
    result = classify(diff, policy)
    assert (result.areas, result.mechanical_lines) == ([], 0)


def test_the_content_and_the_guard_searches_read_one_copy_of_the_diff(
    policy: Policy, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the guard rules' pre-filter is searched with the content rules' passes, not in a UTF-8
    # copy of its own made later, when memory is at its highest
    diff = parse_diff(edit("app/accounts.py", [
        "def login(user, secret):", "    if not user.check_password(secret):", "        return None",
    ]))
    searches: list[int] = []
    apart = diff.hit_lines_apart

    def counted(*groups: Sequence[object]) -> list[dict[int, list[int]]]:
        searches.append(len(groups))
        return apart(*groups)

    monkeypatch.setattr(diff, "hit_lines_apart", counted)
    monkeypatch.setattr(diff, "hit_lines", lambda *prefilters: counted(prefilters)[0])
    only_area(classify(diff, policy), "auth")
    assert searches == [2]


def test_one_file_a_rule_may_read_is_searched_with_the_others(policy: Policy) -> None:
    text = UNREAD + edit("app/accounts.py", ["if user.check_password(secret):"])
    [evidence] = only_area(run(text, policy), "auth")
    assert evidence.path == "app/accounts.py"


def test_a_disabled_area_is_not_reported() -> None:
    policy = load_policy("areas:\n  auth:\n    enabled: false\n")
    text = edit("app/auth/views.py", ["@login_required"]) + edit("app/billing/x.py", ["y = 1"])
    assert files_by_area(run(text, policy)) == {"billing": ["app/billing/x.py"]}


def test_areas_come_in_policy_order(policy: Policy) -> None:
    text = edit("app/billing/x.py", ["y = 1"]) + edit("app/auth/views.py", ["y = 1"])
    ids = [a.id for a in run(text, policy).areas]
    assert ids == [a for a in policy.areas if a in ids] == ["auth", "billing"]


def test_uninspected_file_on_a_critical_path_is_flagged_by_path(policy: Policy) -> None:
    diff = parse_github_files(
        [
            GitHubFile("app/payments/big.py", "modified", 4000, 100, None),
            GitHubFile("app/auth/keystore.jks", "modified", 0, 0, None),
            GitHubFile("app/big_report.py", "modified", 9000, 0, None),
        ]
    )
    result = classify(diff, policy)
    assert files_by_area(result) == {
        "auth": ["app/auth/keystore.jks"],
        "billing": ["app/payments/big.py"],
    }
    assert [n.path for n in result.not_inspected] == [
        "app/payments/big.py",
        "app/auth/keystore.jks",
        "app/big_report.py",
    ]
    assert all("GitHub did not include the patch" in n.reason for n in result.not_inspected)


def test_binary_file_on_a_critical_path_is_flagged_and_listed_as_not_inspected(
    policy: Policy,
) -> None:
    result = run(binary("app/auth/cert.p12") + binary("static/logo.png"), policy)
    assert files_by_area(result) == {"auth": ["app/auth/cert.p12"]}
    # the excluded image is not worth a "could not inspect" line
    assert [(n.path, n.reason) for n in result.not_inspected] == [
        ("app/auth/cert.p12", "binary file")
    ]


def test_matcher_is_compiled_once_per_policy_object(policy: Policy) -> None:
    assert matcher_for(policy) is matcher_for(policy)
    other = load_policy("limits:\n  evidence_per_file: 3\n")
    assert matcher_for(other) is not matcher_for(policy)


# ------------------------------------------------------------------------------- moved code
BLOCK = [
    "def refund(payment, amount_cents):",
    "    with transaction.atomic():",
    "        payment = Payment.objects.select_for_update().get(pk=payment.pk)",
    "        stripe.Refund.create(payment_intent=payment.intent, amount=amount_cents)",
]


def test_a_block_moved_to_another_module_is_not_evidence(policy: Policy) -> None:
    moved = edit("app/orders/service.py", [], BLOCK) + edit("app/orders/legacy.py", BLOCK)
    assert files_by_area(run(moved, policy)) == {}


def test_blank_lines_moved_between_lines_of_code_break_their_run(policy: Policy) -> None:
    # a blank line is never moved code: each line of this block is a run of one
    spaced = [part for line in BLOCK for part in (line, "")][:-1]
    moved = edit("app/orders/service.py", [], spaced) + edit("app/orders/legacy.py", spaced)
    assert {"billing", "transactions"} <= set(files_by_area(run(moved, policy)))


def test_a_block_put_under_a_new_condition_in_its_hunk_is_evidence(policy: Policy) -> None:
    wrapped = edit(
        "app/orders/service.py",
        ["if settings.REFUNDS_ENABLED:", *("    " + line for line in BLOCK)],
        BLOCK,
    )
    assert {"billing", "transactions"} <= set(files_by_area(run(wrapped, policy)))


def test_one_moved_line_is_still_evidence(policy: Policy) -> None:
    moved = (edit("app/views/a.py", ["x = 1"], ["@login_required"])
             + edit("app/views/b.py", ["@login_required", "y = 2"], ["y = 2"]))
    assert "auth" in files_by_area(run(moved, policy))


def _two_hunks(path: str, headers: tuple[str, str], first: list[str],
               second: list[str]) -> str:
    """One modified file with two hunks far apart, each under its header: `first` removed
    from the first hunk (`-` lines) and `second` added to the second."""
    body = (f"@@ -10,{len(first) + 1} +10,1 @@ {headers[0]}\n x := 1\n"
            + "".join(f"-{line}\n" for line in first)
            + f"@@ -40,1 +38,{len(second) + 1} @@ {headers[1]}\n y := 2\n"
            + "".join(f"+{line}\n" for line in second))
    return (f"diff --git a/{path} b/{path}\nindex 1111111..2222222 100644\n"
            f"--- a/{path}\n+++ b/{path}\n{body}")


#: a transaction's commit and its error check, moved below the read it came before
COMMIT = ["\terr = tx.Commit(ctx)", "\tif err != nil {",
          "\t\treturn nil, utils.HandleError(ctx, span, err)", "\t}"]
DELETE_TENANT = "func (w *TenantWriter) DeleteTenant(ctx context.Context, id string) (err error) {"


def test_a_block_moved_within_its_function_is_evidence(policy: Policy) -> None:
    # statements put in another order in one function: the commit now comes after the read,
    # a mutex's release is deferred before the early returns it followed
    moved = _two_hunks("internal/storage/postgres/tenantWriter.go",
                       (DELETE_TENANT, DELETE_TENANT), COMMIT, COMMIT)
    assert "transactions" in files_by_area(run(moved, policy))
    unlock = ["\tdefer func() {", "\t\tr.mu.Unlock()", "\t\tr.updateSubs(ctx, refs)", "\t}()"]
    fetch = "func (r *Repository) Fetch(ctx context.Context, specific ...string) (err error) {"
    moved = _two_hunks("internal/storage/git/repository.go", (fetch, fetch), unlock, unlock)
    assert "transactions" in files_by_area(run(moved, policy))


@pytest.mark.parametrize(
    "headers",
    [
        # from one function to another
        (DELETE_TENANT, "func (w *TenantWriter) CreateTenant(ctx context.Context) error {"),
        # within a class: a method moved, as a hunk header names the class around it
        ("class TenantWriter:", "class TenantWriter:"),
        # no header at all
        ("", ""),
    ],
    ids=["another-function", "same-class", "no-header"],
)
def test_a_block_moved_elsewhere_in_its_file_is_not_evidence(
    policy: Policy, headers: tuple[str, str]
) -> None:
    moved = _two_hunks("internal/storage/postgres/tenantWriter.go", headers, COMMIT, COMMIT)
    assert files_by_area(run(moved, policy)) == {}


def test_a_block_moved_to_a_function_of_the_same_name_in_another_file_is_not_evidence(
    policy: Policy,
) -> None:
    moved = (edit("internal/storage/postgres/tenantWriter.go", ["\tx := 1"], COMMIT,
                  section=DELETE_TENANT)
             + edit("internal/storage/mysql/tenantWriter.go", COMMIT, section=DELETE_TENANT))
    assert files_by_area(run(moved, policy)) == {}


def test_code_moved_into_files_no_rule_reads_is_not_evidence(policy: Policy) -> None:
    # its middle line to one test, the lines around it to another whose found lines are code
    block = ["    total = compute_total(order)", "    with transaction.atomic():",
             "        order.save()"]
    moved = (edit("app/orders/service.py", ["    pass"], [*block, "    pass"])
             + edit("tests/test_atomic.py", [block[1]], [])
             + edit("tests/test_totals.py", [block[0], block[2], "    transaction.on_commit(f)"],
                    []))
    assert files_by_area(run(moved, policy)) == {}


def test_code_moved_beside_only_comments_in_a_file_no_rule_reads_is_evidence(
    policy: Policy,
) -> None:
    # the lines around it went to a test whose only found line is a comment: that file is not
    # looked in for moved code, so the middle line is a run of one
    block = ["    total = compute_total(order)", "    with transaction.atomic():",
             "        order.save()"]
    moved = (edit("app/orders/service.py", ["    pass"], [*block, "    pass"])
             + edit("tests/test_atomic.py", [block[1]], [])
             + edit("tests/test_totals.py", [block[0], block[2], "    # transaction.atomic()"],
                    []))
    assert "transactions" in files_by_area(run(moved, policy))


def test_a_line_found_elsewhere_beside_lines_found_nowhere_is_evidence_uncompared(
    policy: Policy, monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the refund line's text is in a test's hunk too, but the lines around it are nowhere
    # else: no run of three can be moved code, so the test's hunk is not compared
    refund = "    stripe.Refund.create(payment_intent=payment.intent, amount=amount_cents)"
    moved = (edit("app/orders/service.py",
                  ["    total = compute_total(order)", refund, "    notify_owner(order)"],
                  ["    pass"])
             + edit("tests/test_refunds.py", ["    assert ok"], ["    other_call()", refund]))
    compared: list[str] = []
    cosmetic = diff_module.Diff.cosmetic

    def recording(self: diff_module.Diff, index: int, number: int) -> bool:
        compared.append(self.files[index].path)
        return cosmetic(self, index, number)

    monkeypatch.setattr(diff_module.Diff, "cosmetic", recording)
    assert "billing" in files_by_area(run(moved, policy))
    assert "tests/test_refunds.py" not in compared


# ------------------------------------------------------------------------------ renamed names
def test_a_file_that_only_carries_out_a_declared_rename_is_not_its_paths_evidence(
    policy: Policy,
) -> None:
    definition = edit("lib/oidc/Properties.java", ["    private String targetOp;"],
                      ["    private String targetIssuer;"])
    reader = edit("lib/oidc/Resolver.java", ["        return config.getTargetOp();"],
                  ["        return config.getTargetIssuer();"])
    result = run(definition + reader, policy)
    assert files_by_area(result) == {}
    assert result.renamed_paths == ["lib/oidc/Properties.java", "lib/oidc/Resolver.java"]
    reasons = decide(parse_diff(definition + reader), policy).reasons
    assert reasons[-1] == (
        "Not counted as evidence (renamed: names renamed throughout, their definition renamed "
        "in the change): the paths of `lib/oidc/Properties.java`, `lib/oidc/Resolver.java`, "
        "which only carry out such renames."
    )


#: a method renamed at its definition, where no rule reads, and a caller that an auth rule reads
_RENAMED_DEFINITION = edit(
    "src/Primitives/RequestExtensions.cs",
    ["    public static bool HasPromptValue(this Request request, string prompt)"],
    ["    public static bool HasPrompt(this Request request, string prompt)"],
)
_RENAMED_CALLER = edit("src/Web/HomeController.cs",
                       ["        if (request.HasPromptValue(PromptValues.Login)) {"],
                       ["        if (request.HasPrompt(PromptValues.Login)) {"])


def test_a_rename_declared_where_no_rule_reads_clears_its_callers(policy: Policy) -> None:
    definition, caller = _RENAMED_DEFINITION, _RENAMED_CALLER
    assert files_by_area(run(caller, policy)) == {"auth": ["src/Web/HomeController.cs"]}
    assert files_by_area(run(definition + caller, policy)) == {}


#: an accessor renamed where the old name is kept as its alias (the declaring hunk adds the alias,
#: so it swaps no names only), and a use of it a security rule reads
_ALIASED_ACCESSOR = edit(
    "lib/forum/formatter.rb",
    ["      attr_accessor :allowlist", "      alias_attribute :whitelist, :allowlist"],
    ["      attr_accessor :whitelist"],
)
_ALIASED_USE = edit("lib/forum/formatter_config.rb",
                    ["    self.allowlist = HTML::Pipeline::SanitizationFilter::WHITELIST.dup"],
                    ["    self.whitelist = HTML::Pipeline::SanitizationFilter::WHITELIST.dup"])


def test_a_name_kept_as_an_alias_of_its_new_one_clears_its_uses(policy: Policy) -> None:
    use = _ALIASED_USE
    assert files_by_area(run(use, policy)) == {"security": ["lib/forum/formatter_config.rb"]}
    assert files_by_area(run(_ALIASED_ACCESSOR + use, policy)) == {}
    # an alias of another name declares nothing of this one
    other = edit("lib/forum/formatter.rb",
                 ["      attr_accessor :allowlist", "      alias_attribute :safelist, :allowlist"],
                 ["      attr_accessor :whitelist"])
    assert files_by_area(run(other + use, policy)) == {
        "security": ["lib/forum/formatter_config.rb"]
    }


def _service_renamed(*kept: str) -> str:
    """A service id renamed where it is referenced, with the lines the same hunk adds beside."""
    return edit(
        "config/services/pricing.xml",
        ['    <argument type="service" id="shop.checker.tax_rate_date" />', *kept],
        ['    <argument type="service" id="shop.tax_rate_date_checker" />'],
    )


def test_an_alias_added_beside_the_rename_it_keeps_declares_it(policy: Policy) -> None:
    alias = '    <service id="shop.checker.tax_rate_date" alias="shop.tax_rate_date_checker" />'
    assert files_by_area(run(_service_renamed(alias), policy)) == {}
    # the rename alone, an alias of another name, or another line beside the alias: a change
    other = '    <service id="shop.checker.tax_rate_date" alias="shop.tax_zone_checker" />'
    argument = '    <argument type="service" id="shop.tax_calculator" />'
    for lines in ((), (other,), (alias, argument)):
        assert files_by_area(run(_service_renamed(*lines), policy)) == {
            "billing": ["config/services/pricing.xml"]
        }


#: a method renamed where its docstring is reworded too (the delimiters are unchanged lines)
_RENAMED_DOCUMENTED_DEFINITION = textwrap.dedent('''\
    diff --git a/app/models/account.py b/app/models/account.py
    --- a/app/models/account.py
    +++ b/app/models/account.py
    @@ -10,5 +10,5 @@ class Account:
    -    def may_sign_in(self, errors=None):
    +    def is_usable(self, errors=None):
             """
    -        Return True if the account may be signed in to.
    +        Return True if the account is usable: called by every anonymous endpoint.
             """
             return self.failures < self.limit
    ''')
_RENAMED_DOCUMENTED_CALLER = edit("app/auth/forms.py",
                                  ["        if not self.account.is_usable(self.email.errors):"],
                                  ["        if not self.account.may_sign_in(self.email.errors):"])


def test_a_rename_declared_beside_a_reworded_docstring_clears_its_callers(policy: Policy) -> None:
    definition, caller = _RENAMED_DOCUMENTED_DEFINITION, _RENAMED_DOCUMENTED_CALLER
    assert files_by_area(run(caller, policy)) == {"auth": ["app/auth/forms.py"]}
    assert files_by_area(run(definition + caller, policy)) == {}
    # the same definition with a line of code changed beside the rename declares nothing
    changed = definition.replace("         return self.failures < self.limit",
                                 "-        return self.failures < self.limit\n"
                                 "+        return self.failures <= self.limit")
    assert files_by_area(run(changed + caller, policy)) == {"auth": ["app/auth/forms.py"]}


#: Go locals renamed where `:=` declares them and where a hash is made of one of them
_RENAMED_GO_LOCALS = textwrap.dedent('''\
    diff --git a/auth/auth.go b/auth/auth.go
    --- a/auth/auth.go
    +++ b/auth/auth.go
    @@ -102,4 +102,4 @@ func ChangePassword(r *http.Request) error {
     \tu := ctx.Get(r, "user").(models.User)
    -\tpw1 := r.FormValue("new_password")
    -\tpw2 := r.FormValue("confirm_new_password")
    +\tnewPassword := r.FormValue("new_password")
    +\tconfirmPassword := r.FormValue("confirm_new_password")
     \t// Check that new passwords match
    @@ -115,5 +115,5 @@ func ChangePassword(r *http.Request) error {
    -\tif pw1 != pw2 {
    +\tif newPassword != confirmPassword {
     \t\treturn ErrPasswordMismatch
     \t}
    -\th, err := bcrypt.GenerateFromPassword([]byte(pw1), bcrypt.DefaultCost)
    +\th, err := bcrypt.GenerateFromPassword([]byte(newPassword), bcrypt.DefaultCost)
     \tif err != nil {
    ''')


def test_go_locals_renamed_where_they_are_short_declared_are_no_evidence(policy: Policy) -> None:
    assert files_by_area(run(_RENAMED_GO_LOCALS, policy)) == {}
    # the same rename beside a check changed: the check counts
    changed = _RENAMED_GO_LOCALS.replace("+\tif newPassword != confirmPassword {",
                                         "+\tif newPassword == confirmPassword {")
    assert "auth" in files_by_area(run(changed, policy))


def _moved(old: str, new: str, removed: Sequence[str], added: Sequence[str],
           section: str = "") -> str:
    """One renamed file with one hunk: the removed lines, then the added ones."""
    header = f"@@ -10,{len(removed)} +10,{len(added)} @@" + (f" {section}" if section else "")
    body = "".join(f"-{line}\n" for line in removed) + "".join(f"+{line}\n" for line in added)
    return (f"diff --git a/{old} b/{new}\nsimilarity index 90%\nrename from {old}\n"
            f"rename to {new}\nindex 1111111..2222222 100644\n--- a/{old}\n+++ b/{new}\n"
            f"{header}\n{body}")


def test_a_file_moved_within_its_area_counts_by_what_its_hunks_change(policy: Policy) -> None:
    reworded = _moved("app/auth/tokens.py", "app/auth/legacy/tokens.py",
                      ["# Tokens issued before 2020."], ["# Tokens issued before 2021."])
    assert files_by_area(run(reworded, policy)) == {}
    # moved whole, no line changed: the same file in the same role
    assert files_by_area(run(rename("app/auth/session.py", "app/accounts/session.py"),
                             policy)) == {}
    checked = _moved("app/auth/tokens.py", "app/auth/legacy/tokens.py",
                     ["    if token.expired:"], ["    if token.expired or token.revoked:"],
                     section="def validate(token):")
    assert "auth" in files_by_area(run(checked, policy))
    # renamed in place, or moved out of the area: the rename keeps its weight
    for old, new in (("app/auth/tokens.py", "app/auth/tokens_v1.py"),
                     ("app/auth/tokens.py", "app/accounts/tokens.py")):
        moved = _moved(old, new, ["# Tokens issued before 2020."], ["# Tokens issued before 2021."])
        assert "auth" in files_by_area(run(moved, policy)), new


#: a Go package renamed with its folder (`package auth` -> `package authn`) and a file renamed
#: in place that only qualifies its calls with the new name
_RENAMED_GO_PACKAGE = (
    _moved("internal/server/auth/server.go", "internal/server/authn/server.go",
           ["package auth"], ["package authn"])
    + _moved("internal/cmd/auth.go", "internal/cmd/authn.go",
             ['\t"example.com/app/internal/server/auth"', "\ts := auth.NewServer(logger)"],
             ['\t"example.com/app/internal/server/authn"', "\ts := authn.NewServer(logger)"],
             section="func serve() {")
)


def test_a_go_package_renamed_with_its_folder_is_no_evidence(policy: Policy) -> None:
    assert files_by_area(run(_RENAMED_GO_PACKAGE, policy)) == {}
    # the same rename beside an argument changed: the file renamed in place counts
    changed = _RENAMED_GO_PACKAGE.replace("+\ts := authn.NewServer(logger)",
                                          "+\ts := authn.NewServer(nil)")
    assert "auth" in files_by_area(run(changed, policy))


def test_a_definition_is_not_searched_for_in_a_diff_past_the_search_size(
    policy: Policy, monkeypatch: pytest.MonkeyPatch,
) -> None:
    definition, caller = _RENAMED_DEFINITION, _RENAMED_CALLER
    monkeypatch.setattr(classify_module, "_DEFINITION_SEARCH_CHARS", len(definition))
    assert files_by_area(run(definition + caller, policy)) == {
        "auth": ["src/Web/HomeController.cs"]
    }


def test_a_go_file_that_only_imports_what_a_modernized_loop_calls_is_not_its_paths_evidence(
    policy: Policy,
) -> None:
    imports = edit("authenticate/pkce.go", ['\t"slices"'], section="import (")
    loop = edit("authenticate/pkce.go", ['\treturn slices.Contains(p.Methods(), "S256")'],
                ["\tfor _, m := range p.Methods() {", '\t\tif m == "S256" {',
                 "\t\t\treturn true", "\t\t}", "\t}", "\treturn false"],
                start=170).split("\n", 4)[4]  # the file's second hunk
    assert files_by_area(run(imports + loop, policy)) == {}
    blank = edit("authenticate/pkce.go", ['\t_ "github.com/lib/pq"'], section="import (")
    assert files_by_area(run(blank, policy)) == {"auth": ["authenticate/pkce.go"]}


def test_a_name_swapped_without_its_definition_keeps_its_paths_evidence(policy: Policy) -> None:
    reader = edit("lib/oidc/Resolver.java", ["        return config.getTargetOp();"],
                  ["        return config.getTargetIssuer();"])
    assert files_by_area(run(reader, policy)) == {"auth": ["lib/oidc/Resolver.java"]}


# ----------------------------------------------------------------- where dependencies come from
@pytest.mark.parametrize(
    ("text", "security"),
    [
        (edit("package-lock.json",
              ['      "resolved": "git+ssh://git@github.com/someone/left-pad.git#abc1234",'],
              ['      "resolved": "https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz",']),
         True),
        (edit("requirements.txt", ["--extra-index-url https://pypi.example.org/simple"]), True),
        (edit("go.mod", ["replace github.com/coreos/go-oidc/v3 => github.com/fork/go-oidc/v3 v3.1.0"]),
         True),
        (edit("Gemfile", ['source "https://gems.example.com"'], ['source "https://rubygems.org"']),
         True),
        (edit("poetry.lock", ['version = "2.31.0"'], ['version = "2.30.0"']), False),
        (edit("package.json", ['    "left-pad": "^1.3.1",'], ['    "left-pad": "^1.3.0",']), False),
        (edit("package.json", ['    "p": "github:org/p#5e2f0a91234567890abcdef1234567890abcdef",'],
              ['    "p": "github:org/p#1d13dd1cfe6dde56398ea71dfec9e7bbb4376dbf",']), False),
        (edit("package.json", ['    "p": "github:mallory/p#1d13dd1",'], ['    "p": "github:org/p#1d13dd1",']),
         True),
    ],
    ids=["lock-file-git-url", "extra-index", "go-replace-to-a-fork", "gem-source", "lock-bump",
         "manifest-bump", "same-fork-new-commit", "another-fork"],
)
def test_a_dependency_source_is_security_even_in_an_excluded_lock_file(
    text: str, security: bool, policy: Policy
) -> None:
    assert ("security" in files_by_area(run(text, policy))) is security


def test_a_go_workspace_checksum_is_no_evidence(policy: Policy) -> None:
    """go.work.sum lists the checksums of every module a workspace's modules use: the names
    of golang.org/x/oauth2 and envoy's ratelimit in it are no auth or security change."""
    sums = ["golang.org/x/oauth2 v0.34.0/go.mod h1:lzm5WQJQwKZ3nwavOZ3IS5Aulzxi68dUSgRHujetwEA=",
            "github.com/envoyproxy/go-control-plane/ratelimit v0.1.0/go.mod "
            "h1:Wk+tMFAFbCXaJPzVVHnPgRKdUdwW/KdbRt94AzgRee4="]
    assert files_by_area(run(edit("go.work.sum", sums), policy)) == {}
    assert files_by_area(run(edit("tools/go.work.sum", sums), policy)) == {}


# ------------------------------------------------ exclusions that need proof: generated, vendored
GENERATED_HEADER = "// Code generated by protoc-gen-go. DO NOT EDIT."


@pytest.mark.parametrize(
    ("text", "counted"),
    [
        (edit("api/generated/auth.go", ["func Login() {}"], kept=[GENERATED_HEADER], start=1),
         False),
        (created("api/generated/auth.go", [GENERATED_HEADER, "func Login() {}"]), False),
        # a header the change writes above a file's hand-written code proves nothing
        (edit("api/generated/auth.go", [GENERATED_HEADER, "func Login() {}"], start=1), True),
        (edit("api/generated/auth.go", ["func Login() { skipPasswordCheck() }"]), True),
        (edit("vendor/github.com/x/auth/login.go", ["func Login() {}"]), True),
        (edit("vendor/github.com/x/auth/login.go", ["func Login() {}"])
         + edit("vendor/modules.txt", ["# github.com/x/auth v1.2.0"]), False),
        (edit("vendor/acme/oauth-client/src/Token.php", ["function login() {}"])
         + edit("composer.lock", ['            "name": "acme/oauth-client",']), False),
        # a hand edit of vendored code beside a bump of another package
        (edit("vendor/github.com/x/auth/login.go", ["func Login() {}"])
         + edit("go.mod", ["\tgolang.org/x/net v0.30.0"], ["\tgolang.org/x/net v0.29.0"]), True),
    ],
    ids=["generated-header-shown", "generated-file-added", "header-added-to-a-file",
         "hand-written-under-generated", "vendored-edited-by-hand",
         "vendored-with-its-manifest", "vendored-with-its-lock-entry",
         "vendored-edited-beside-another-bump"],
)
def test_generated_and_vendored_code_is_excluded_only_on_proof(
    text: str, counted: bool, policy: Policy
) -> None:
    assert ("auth" in files_by_area(run(text, policy))) is counted


SKIP_CHECK = ["export function login(user, password) { return skipPasswordCheck(user); }"]


@pytest.mark.parametrize(
    ("paths", "counted"),
    [
        # tsc's output of a source the change edits: the same relative path under the outDir
        (["lib/ts/recipe/auth/login.ts", "lib/build/recipe/auth/login.js",
          "lib/build/recipe/auth/login.d.ts"], ["lib/ts/recipe/auth/login.ts"]),
        (["src/auth/login.ts", "dist/esm/auth/login.js", "dist/cjs/auth/login.cjs"],
         ["src/auth/login.ts"]),
        (["packages/core/src/login.mts", "packages/core/dist/login.mjs"],
         ["packages/core/src/login.mts"]),
        # look-alikes: a build without its source in the change, a file beside its source, a
        # module of the same name in another folder, a deeper path that only ends the same
        (["dist/auth/login.js"], ["dist/auth/login.js"]),
        (["src/auth/login.ts", "src/auth/login.js"], ["src/auth/login.js", "src/auth/login.ts"]),
        (["server/auth/login.ts", "client/auth/login.js"],
         ["client/auth/login.js", "server/auth/login.ts"]),
        (["src/auth/login.ts", "dist/vendor/auth/login.js"],
         ["dist/vendor/auth/login.js", "src/auth/login.ts"]),
    ],
    ids=["outdir-beside-rootdir", "module-formats", "monorepo-package", "build-alone",
         "in-place", "another-folder", "not-the-same-path"],
)
def test_typescripts_compiled_output_beside_its_source_is_not_evidence(
    paths: list[str], counted: list[str], policy: Policy
) -> None:
    text = "".join(edit(path, SKIP_CHECK) for path in paths)
    assert sorted(files_by_area(run(text, policy))["auth"]) == counted


HANDLER = ['\tmux.Handle("GET", pattern_AuthService_Login_0, func(w http.ResponseWriter, '
           'req *http.Request, pathParams map[string]string) {']


@pytest.mark.parametrize(
    ("definition", "paths", "counted"),
    [
        # protoc's output of a definition the change edits, wherever go_package puts it
        ("rpc/auth/auth.proto",
         ["rpc/auth/auth.pb.gw.go", "rpc/auth/auth_grpc.pb.go", "rpc/auth/auth.pb.go"], []),
        ("proto/auth/v1/auth.proto", ["gen/go/auth/v1/auth.pb.gw.go", "server/auth/middleware.go"],
         ["server/auth/middleware.go"]),
        # look-alikes: stubs without their definition in the change, a hand-written file named
        # like the definition, stubs of another definition
        (None, ["rpc/auth/auth.pb.gw.go"], ["rpc/auth/auth.pb.gw.go"]),
        ("rpc/auth/auth.proto", ["rpc/auth/auth.go"], ["rpc/auth/auth.go"]),
        ("rpc/auth/auth.proto", ["rpc/auth/login.pb.gw.go"], ["rpc/auth/login.pb.gw.go"]),
    ],
    ids=["stubs-beside-their-definition", "stubs-elsewhere-and-a-handler", "stubs-alone",
         "hand-written-namesake", "stubs-of-another-definition"],
)
def test_protocs_output_beside_its_definition_is_not_evidence(
    definition: str | None, paths: list[str], counted: list[str], policy: Policy
) -> None:
    text = "".join(edit(path, HANDLER) for path in paths)
    if definition is not None:
        text += edit(definition, ["  rpc Login(LoginRequest) returns (LoginResponse);"])
    assert sorted(files_by_area(run(text, policy)).get("auth", [])) == counted


WRAPPER = ['module "wrapper" {', '  source = "../../modules/db_instance"', "  for_each = var.items",
           "  publicly_accessible = try(each.value.publicly_accessible, "
           "var.defaults.publicly_accessible, false)", "}"]


@pytest.mark.parametrize(
    ("path", "lines", "areas"),
    [
        ("wrappers/db_instance/main.tf", WRAPPER, set()),
        ("wrappers/main.tf", WRAPPER, set()),
        ("modules/db_instance/main.tf", ['resource "aws_db_instance" "this" {',
                                         "  publicly_accessible = var.publicly_accessible", "}"],
         {"infrastructure", "security"}),
        ("wrappers/db_instance/handler.py", ["def login(user, password):", "    return True"],
         {"auth"}),
    ],
    ids=["terraform-wrapper-module", "terraform-root-wrapper", "the-wrapped-module-counts",
         "code-under-wrappers-counts"],
)
def test_terraform_wrappers_are_generated_and_the_module_they_wrap_is_not(
    path: str, lines: list[str], areas: set[str], policy: Policy
) -> None:
    assert set(files_by_area(run(edit(path, lines), policy))) == areas


@pytest.mark.parametrize(
    ("attributes", "counted"),
    [
        (None, True),
        ("api/generated/** linguist-generated\n", False),
        ("*.go linguist-generated\napi/generated/auth.go -linguist-generated\n", True),
        ("app/** linguist-generated\n", True),
    ],
    ids=["no-gitattributes", "marked-generated", "marked-then-unmarked", "another-path"],
)
def test_linguist_generated_in_gitattributes_proves_code_under_a_generated_path_generated(
    attributes: str | None, counted: bool, policy: Policy
) -> None:
    text = edit("api/generated/auth.go", ["func Login() { skipPasswordCheck() }"])
    result = classify(parse_diff(text), policy, attributes=parse_gitattributes(attributes))
    assert ("auth" in files_by_area(result)) is counted


def test_linguist_generated_does_not_exclude_code_outside_the_generated_paths(
    policy: Policy
) -> None:
    text = edit("app/auth/login.go", ["func Login() { skipPasswordCheck() }"])
    marked = parse_gitattributes("app/** linguist-generated\n")
    assert "auth" in files_by_area(classify(parse_diff(text), policy, attributes=marked))


@pytest.mark.parametrize(
    ("text", "counted"),
    [
        (edit("resources/lang/fr/auth.php",
              ["    'password' => 'Le mot de passe est incorrect.',", "];"],
              ["    'password' => 'Mot de passe incorrect.',", "];"]), False),
        (edit("src/locales/de.ts", ['  login: "Anmelden",', '  logout: "Abmelden",']), False),
        (edit("config/locales/en.yml", ["    password: Password"]), False),
        (edit("app/i18n/session.py", ["def locale_from(request):",
                                      "    return request.session.get('locale') or login(request)"]),
         True),
        (edit("frontend/src/i18n/ko.ts", ['import { Translation } from "./translations";',
                                          "export const ko: Translation = {",
                                          "  texts: {", "    password:",
                                          '      "비밀번호를 입력하세요",', "  },", "};"]), False),
        (edit("frontend/src/i18n/all.ts", ['import { ko } from "./ko";',
                                           "export const all: Translations = { de, en, ko };",
                                           "export const password = check(ko);"]), True),
        (edit("BTCPayServer/Plugins/Translations/Translations.Default.cs",
              ['  "Issue refund": "",', '  "Password": "",',
               '  "<div class=\\"text-secondary\\">There are no payments yet.</div>": "",']), False),
        (edit("src/Web/Localization/LocalizedRoutes.cs", ["    return Unauthorized();"]), True),
        (edit("app/localization/en/user.json", ['    "PASSWORD": "Passphrase",']), False),
        # text joined from strings is an entry; code between two strings is code
        (edit("resources/lang/en/auth.php", ["    'failed' => 'These credentials ' . 'do not match.',"]),
         False),
        (edit("resources/lang/en/auth.php",
              ["    'failed' => 'x' . shell_exec($_GET['cmd']) . 'y',"]), True),
        (edit("src/locales/en.ts", ["  welcome: `Hi ${eval(location.hash.slice(1))}`,"]), True),
    ],
    ids=["laravel-lang-entries", "js-locale-module", "rails-locale-yaml", "code-under-i18n",
         "ts-locale-module-wrapped-and-imported", "ts-code-beside-the-table-of-languages",
         "dotnet-translations-folder", "dotnet-code-under-localization",
         "localization-folder-json", "joined-strings",
         "code-between-two-strings", "code-in-a-template-literal"],
)
def test_translations_are_excluded_but_code_under_them_counts(
    text: str, counted: bool, policy: Policy
) -> None:
    assert bool(files_by_area(run(text, policy))) is counted


# ------------------------------------------------------- what a comment beside changed code says
@pytest.mark.parametrize(
    ("path", "added", "area"),
    [
        pytest.param("src/orders/utils.py", [
            "# Allocate in stock-record order so concurrent placements take the row locks",
            "# in the same order and cannot deadlock.",
            "for line in sorted(lines, key=lambda l: l.stockrecord_id):",
        ], "transactions", id="python-deadlock"),
        pytest.param("internal/context/proxy.go", [
            "\t// Only a trusted proxy may set the header: an attacker reaching us directly",
            "\t// cannot forge it.",
            "\tif !trusted(r.RemoteAddr) { return \"\" }",
        ], "security", id="go-attacker"),
        pytest.param("lib/models/confirmable.rb", [
            "# Force the write even when unchanged, to prevent a race condition.",
            "unconfirmed_email_will_change!",
        ], "transactions", id="ruby-race"),
        pytest.param("apps/web/lib/workspace.ts", [
            "  // Billing members must never reach product data of the workspace.",
            "  if (isBilling) return notFound();",
        ], "permissions", id="ts-must-never-reach"),
        pytest.param("src/idm/oauth2.rs", [
            "        // consent was not previously granted: ask for it",
            "        let required = !granted || loopback;",
        ], "auth", id="rust-consent"),
        pytest.param("src/main/java/org/shop/web/FilesController.java", [
            "        // loading the flow here runs the RBAC checks for the FLOW permission",
            "        Optional<Flow> flow = flows.findById(tenant, namespace, flowId);",
        ], "permissions", id="java-rbac-checks"),
        pytest.param("middleware/proxy/security.go", [
            "\t// 6to4 and Teredo wrappers are unwrapped so a blocked IPv4 cannot be smuggled",
            "\tif ip16[0] == 0x20 && ip16[1] == 0x02 { return net.IPv4(ip16[2], ip16[3]) }",
        ], "security", id="go-smuggled"),
        pytest.param("internal/proxy/framing.go", [
            "\t// reject both headers: a front proxy could otherwise smuggle a second request",
            "\tif hasLength && chunked { return errAmbiguousFraming }",
        ], "security", id="go-smuggle"),
        pytest.param("src/controllers/list.js", [
            "  // Refuse object values here: they would be a NoSQL injection into the filter",
            "  if (typeof equal === 'object') return res.status(400).end();",
        ], "security", id="js-nosql-injection"),
    ],
)
def test_a_comment_stating_what_changed_code_guards_is_evidence(
    policy: Policy, path: str, added: list[str], area: str
) -> None:
    # the comment's evidence, beside what the code under it is evidence of (a guard put in)
    found = only_area(run(edit(path, added, ["x = 1"]), policy), area)
    stated = [e for e in found if e.rule == f"{area}.stated-intent"]
    assert stated, found
    assert all(e.side == "new" for e in stated)
    assert not any(e.snippet.startswith(("if", "let", "for", "unconfirmed")) for e in stated)


@pytest.mark.parametrize(
    "comment",
    [
        "// Hard-refresh to bypass the browser HTTP cache",
        "// inject the logger into the service",
        "// the scheme is untouched by the rewrite",
        "// header injection: W3C traceparent is written onto every outgoing request",
        "// code injection for hot reload: accept updates of this module",
        "// protocol-relative so the CDN image loads on http and https pages",
        "// untrusted certificates get a warning icon in the list",
        "# the smuggler offers cheaper goods at night",
    ],
    ids=["bypass-a-cache", "inject-a-dependency", "no-weakness-named", "tracing-header",
         "hot-reload", "cdn-image", "certificate-badge", "game-character"],
)
def test_a_comment_naming_no_weakness_is_not_evidence(policy: Policy, comment: str) -> None:
    text = edit("src/app/cache.js", [comment, "x = load()"], ["x = 1"])
    assert run(text, policy).areas == []


def test_the_same_comment_in_a_comment_only_hunk_is_not_evidence(policy: Policy) -> None:
    text = edit("src/orders/utils.py", ["# so concurrent placements cannot deadlock"],
                ["# so placements cannot block"])
    assert run(text, policy).areas == []


def test_the_same_comment_in_a_test_file_is_not_evidence(policy: Policy) -> None:
    text = edit("tests/test_orders.py", ["# an attacker must not forge it", "assert ok"])
    assert run(text, policy).areas == []


def test_a_comment_moved_with_its_code_is_not_evidence(policy: Policy) -> None:
    comment = "# an attacker reaching us directly cannot forge it"
    moved = (edit("app/net/a.py", [comment, "x = peer()"], ["x = 1"])
             + edit("app/net/b.py", ["y = 2"], [comment, "y = peer()"]))
    assert run(moved, policy).areas == []


def test_a_comment_rule_does_not_read_code(policy: Policy) -> None:
    text = edit("app/net/a.py", ["attackers = count_attackers(log)"], ["attackers = 0"])
    assert run(text, policy).areas == []


# ------------------------------------------------- semantic signals in ordinary files (issue 9)
@pytest.mark.parametrize(
    ("path", "line", "rule"),
    [
        # a row compared with, or a query keyed by, the caller's tenant
        ("app/api/links/route.ts", "if (directory.data.tenant !== workspace.id) {",
         "permissions.tenant-match"),
        ("app/api/links/route.ts", "  where: { id: { in: ids }, projectId: workspace.id },",
         "permissions.tenant-match"),
        ("src/Orders/GiftVoucherExtensions.cs", "if (voucher.StoreId != store.Id) return false;",
         "permissions.tenant-match"),
        ("app/models/order.rb", "Spree::Company.where(store_id: current_store.id)",
         "permissions.tenant-match"),
        ("app/api/links/route.ts", "const total = items.length + offset;", None),
        ("forms/models.py", "return self.submissions._default_manager.filter(page=self)",
         "permissions.container-scoping"),
        ("app/models/company.rb", "Spree::Company.where(store_id: store_id)",
         "permissions.container-scoping"),
        ("src/repo.ts", "db.orders.where({ channelId: ctx.channel })", "permissions.container-scoping"),
        ("app/models/company.rb", "Spree::Company.where(name: params[:q])", None),
        # a query builder's condition on the tenant's, team's or client's column, a tenant index
        ("application/modules/guest/controllers/invoices.php",
         "    ->where_in('ip_invoices.client_id', $this->user_clients)",
         "permissions.container-scoping"),
        ("packages/db/src/queries/apps.ts", "  .where(eq(oauthApplications.teamId, teamId))",
         "permissions.container-scoping"),
        ("internal/storage/memory/schemaReader.go",
         'result, err = txn.Get(constants.SchemaTable, "tenant", tenantID)',
         "permissions.container-scoping"),
        # ... not a condition on another column, nor a lookup by another index
        ("application/modules/guest/controllers/invoices.php",
         "    ->where('ip_invoices.invoice_status_id', $status)", None),
        ("packages/db/src/queries/apps.ts", "  .where(eq(oauthApplications.slug, slug))", None),
        ("packages/db/src/queries/apps.ts", "  .where(eq(apps.teamName, name))", None),
        ("internal/storage/memory/schemaReader.go",
         'result, err = txn.Get(constants.SchemaTable, "version")', None),
        ("internal/cache/lru.go", 'v, ok := c.Get(key, "default")', None),
        # ... nor an OAuth client's column
        ("app/Http/Controllers/Stats.php", "    ->where('oauth_client_id', $cid)->count()", None),
        ("src/Routers/ClassesRouter.js",
         "throw new Parse.Error(Parse.Error.OPERATION_FORBIDDEN, 'Invalid object ID.');",
         "permissions.forbidden-errors"),
        ("internal/api/errors.go", "return ErrorCode(FORBIDDEN_ACTION)", "permissions.forbidden-errors"),
        ("Services/Migrations/MigrationSystemPermission.cs",
         "if (permissionManageActions != null) repository.Delete(permissionManageActions);",
         "permissions.permission-records"),
        ("app/services/grants.py", "revoke_all(user_permission_ids)", "permissions.permission-records"),
        ("app/services/cache.py", "cache.delete(key)", None),
        # money arithmetic, replay guards, security headers
        ("api/serializers/refund.py", "refundable = order.amount_paid - order.refunded_total",
         "billing.money-operations"),
        ("src/graphql/types/invoice.ts", "const taxDue = subtotal * taxRate;",
         "billing.money-operations"),
        ("src/graphql/types/page.ts", "const last = total - offset;", None),
        ("app/oauth/codes.py", "code.used_at = now()", "transactions.replay-guards"),
        ("internal/oauth/jwt.go", "if seen(claims.jti) { return ErrReplayed }",
         "transactions.replay-guards"),
        ("app/webhooks/handler.py", "if delivery.already_processed:", "transactions.replay-guards"),
        ("src/Schemas/FieldCollection.cs", 'throw new ArgumentException($"Field {id} already exists.");',
         None),
        ("app/middleware/headers.rb", "response.headers['X-Content-Type-Options'] = 'nosniff'",
         "security.security-headers"),
        ("server/app.ts", "res.setHeader('Referrer-Policy', 'no-referrer');",
         "security.security-headers"),
        ("app/views/account.py", "@never_cache", "security.security-headers"),
        ("app/views/catalogue.py", "@cache_page(60 * 15)", None),
        # a caller refused as unauthenticated
        ("src/middlewares.js", "error.message = `unauthorized`;", "auth.unauthenticated"),
        ("app/api/handler.go", "resp.Status = 404", None),
        ("app/api/views.py", "return JsonResponse(body, status=401)", "auth.unauthenticated"),
        # writes decided by their row count (a retry count alone is not: a task's retries)
        ("media/tasks.py", "@shared_task(bind=True, max_retries=5)", None),
        ("oauth2_provider/validators.py",
         "deleted_count, _ = Grant.objects.filter(code=code).delete()", "transactions.row-count"),
        ("internal/store/grants.go", "if n, _ := res.RowsAffected(); n == 0 {",
         "transactions.row-count"),
        ("src/queue/worker.ts", "const count = items.length;", None),
        # who may see a record
        ("app/Http/Controllers/Api.php", "if ($i['visibility'] === 'private') {",
         "permissions.visibility"),
        ("app/timeline.py", "qs = qs.exclude(visibility__in=['unlisted', 'direct'])",
         "permissions.visibility"),
        ("app/components/panel.ts", "const visibility = expanded ? 'shown' : 'collapsed';",
         None),
        # amounts converted between currencies, rounded
        ("app/Jobs/CreateTransaction.php", "$error = round($converted_amount, $precision);",
         "billing.money-conversion"),
        ("app/services/fx.rb", "amount * order.exchange_rate", "billing.money-conversion"),
        ("app/Jobs/CreateTransaction.php", "$rows = round($count / $perPage);", None),
        # two hosts or origins compared
        ("app/Util/Helpers.php", "if (strtolower($idDomain) !== strtolower($urlDomain)) {",
         "security.origin-check"),
        ("src/redirect.ts", "if (target.host !== request.host) return deny();",
         "security.origin-check"),
        ("src/redirect.go", "if u.Hostname() != allowedHost {", "security.origin-check"),
        ("src/redirect.ts", "const hostname = os.hostname();", None),
        # a secret compared with ==, or ignoring case
        ("lib/auth/api.rb", "return head(:forbidden) unless token.downcase() == given",
         "security.secret-comparison"),
        ("server/verify.go", "if strings.EqualFold(tokenHeader, expected) {",
         "security.secret-comparison"),
        ("app/hooks.py", "if signature == request.headers['X-Sig']:",
         "security.secret-comparison"),
        ("app/hooks.py", "if hmac.compare_digest(signature, expected):", "security.hashing-hmac"),
        # escaping at the sink, or printing raw
        ("resources/views/invoice.blade.php", "{!! nl2br($document->notes) !!}",
         "security.escaping"),
        ("app/cli/run.py", "cmd = f'git log {shlex.quote(ref)}'", "security.escaping"),
        ("app/helpers/links.rb", "ERB::Util.html_escape(name)", "security.escaping"),
        ("src/components/Address.tsx", "invalid={!!errors.country_code}", None),
        # work run inside a transaction by a helper
        ("oauth2/handler.go", "if err := p.Transaction(ctx, func(ctx context.Context) error {",
         "transactions.tx-helpers"),
        ("internal/orders/store.go", "return s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {",
         "transactions.tx-helpers"),
        ("src/orders/service.ts", "const transactionId = payload.id;", None),
        # the scopes an API token must carry
        ("app/Http/Controllers/AdminApi.php", "abort_unless($request->user()->tokenCan('admin:read'), 404);",
         "auth.token-scopes"),
        ("app/controllers/api/v1/notes_controller.rb", "before_action -> { doorkeeper_authorize! :write }",
         "auth.token-scopes"),
        ("api/views.py", "@require_scopes(['notes:write'])", "auth.token-scopes"),
        ("api/views.py", "scope = request.GET.get('scope')", None),
        # requests throttled
        ("config/initializers/rack_attack.rb", 'throttle("logins/ip", limit: 20, period: 5.minutes) do |req|',
         "security.rate-limiting"),
        ("app/assets/search.js", "const onInput = throttle(update, 200);", None),
        # configuration that holds only in production
        ("config/initializers/enforce_ssl.rb", "elsif Rails.env.production?",
         "infrastructure.production-only"),
        ("next.config.js", "if (process.env.NODE_ENV === 'production') {",
         "infrastructure.production-only"),
        ("app/models/user.rb", "send_welcome if Rails.env.production?", None),
        # constant-time comparison, token verification
        ("server/src/idm/oauth2.rs", "use subtle::ConstantTimeEq;", "security.constant-time"),
        ("server/src/idm/oauth2.rs", "if secret.ct_eq(&given).into() {", "security.constant-time"),
        ("lib/oauth/private_key_jwt.rb", "verify_expiration: true,", "security.token-verification"),
        ("app/auth/tokens.py", "jwt.decode(token, key, leeway=10, algorithms=['RS256'])",
         "security.token-verification"),
        ("lib/jobs/cache_entry.rb", "expires_in: 3600,", None),
        # a branch name or an input written into a CI script; locked installs
        (".github/workflows/release.yml", 'run: ./publish.sh "${{ github.ref_name }}"',
         "security.ci-interpolation"),
        (".github/actions/build/action.yml", "run: make ${{ inputs.target }}",
         "security.ci-interpolation"),
        ("apps/web/Dockerfile", "RUN pnpm install --frozen-lockfile",
         "security.dependency-integrity"),
        ("Dockerfile", "RUN pip install --require-hashes -r requirements.txt",
         "security.dependency-integrity"),
        # single sign-on and address confirmation are authentication
        ("app/Services/UserService.php", "#[Config('koel.sso.default_role')]", "auth.mfa-sso"),
        ("lib/devise/models/confirmable.rb", "self.confirmation_token = generate_token",
         "auth.account-confirmation"),
        ("app/services/mailer.ts", "const subject = buildSubject(order);", None),
        # the rules of a Kubernetes role
        ("charts/prometheus/templates/clusterrole.yaml", "  - nodes/proxy",
         "permissions.k8s-role-rules"),
        ("charts/app/templates/role.yaml", "    verbs: [\"get\", \"list\"]",
         "permissions.k8s-role-rules"),
        ("charts/app/templates/clusterrole.yaml", "{{- if not .Values.namespaced }}",
         "permissions.k8s-role-rules"),
        ("site/layouts/partials/role.html", "{{- if not .Params.hidden }}", None),
        ("config/sidebar.yml", "  - nodes/proxy", None),
        # a web server's access rules, headers and proxy trust, wherever its config lives
        ("Docker/FreshRSS.Apache.conf", "\tRequire all denied", "security.web-server-access"),
        ("deploy/site.conf", "    set_real_ip_from 10.0.0.0/8;", "security.web-server-access"),
        ("conf/vhost.conf", "    deny all;", "security.web-server-access"),
        # ... also a request refused by a rewrite to Forbidden or by nginx's return, not one
        # rewritten to the front controller
        ("conf/site.conf", "RewriteRule ^(user)/(.*)\\.(md|json|yaml)$ error [NC,F]",
         "security.web-server-access"),
        ("conf/vhost.conf", "    location ~* /user/.*\\.(md|json|yaml)$ { return 403; }",
         "security.web-server-access"),
        ("conf/site.conf", "RewriteRule ^ index.php [L,QSA]", None),
        ("conf/app.conf", "log_level = debug", None),
        ("app/Http/Controllers/OrderController.php", "Require all denied", None),
        # a container's start script: whose files, as which user
        ("docker/start.sh", '    chown -R "$USER:$USER" /data', "infrastructure.container-start"),
        ("deploy/docker-entrypoint.sh", 'exec su-exec app "$@"', "infrastructure.container-start"),
        ("docker/start.sh", 'echo "starting $APP"', None),
        # ... elsewhere not the container's start, though who owns the files still counts
        ("scripts/fix-perms.sh", "chown -R www-data storage", "security.file-modes"),
        ("scripts/fix-perms.sh", 'exec su-exec app "$@"', None),
        # a Helm chart's templates, wherever the chart lives
        ("traefik/templates/_helpers.tpl",
         '{{- .Values.image.repository | default "traefik-hub/traefik-hub" -}}',
         "infrastructure.helm-templates"),
        ("traefik/templates/rbac/clusterrole.yaml", "    verbs:", "infrastructure.helm-templates"),
        ("templates/mail/welcome.tpl", '{{ define "body" }}Hello {{ .User.Name }}{{ end }}',
         None),
        # ... an action over a chart template's own variable; not a workflow's expression
        ("templates/_helpers.tpl",
         '{{- if not (regexMatch "(?m)^\\s*disable_mlock\\s*=" $config) -}}',
         "infrastructure.helm-templates"),
        ("templates/ci/build.yaml", "      run: echo ${{ github.sha }}", None),
        # a lock taken by its key, or with Redis SETNX
        ("CTFd/api/v1/challenges.py", 'lock_key = f"submission_lock_{user.account_id}"',
         "transactions.locks"),
        ("app/jobs/sync.js", "await redis.set(key, token, { NX: true, PX: 30000 });",
         "transactions.locks"),
        ("app/ui/keyboard.js", "const capsLockKeyCode = 20;", None),
        # which client-supplied keys may reach a query or a model
        ("helpdesk/query.py", "ALLOWED_FILTER_FIELDS = {", "security.input-allowlist"),
        ("app/controllers/application_controller.rb", "def configure_permitted_parameters",
         "security.input-allowlist"),
        ("helpdesk/query.py", "FILTER_FIELDS = {", None),
        # a sanitiser's allow- and deny-lists by their options' names; another list of tags is not
        ("app/utils/html.py", "ALLOWED_TAGS = ['p', 'a', 'img']", "security.sanitiser-allowlists"),
        ("src/lib/clean.ts", "  allowedSchemes: ['http', 'https', 'data'],",
         "security.sanitiser-allowlists"),
        ("internal/render/policy.go", '\tp.AllowElements("iframe")',
         "security.sanitiser-allowlists"),
        ("app/models/post.rb", "  TAGS = %w[ruby rails]", None),
        # a field's constraint given as its first keyword, or after others
        ("app/models.py", "    email = models.EmailField(unique=True)", "migrations.column-options"),
        ("app/models.py", "    email = models.EmailField(max_length=254, unique=True)",
         "migrations.column-options"),
        # a throttle's rate as Django REST framework and Flask-Limiter take it; not a text
        ("app/settings.py", "        'anon': '100/day',", "security.rate-limiting"),
        ("app/views/api.py", '@limiter.limit("5/minute")', "security.rate-limiting"),
        ("src/pages/pricing.tsx", "  <p>Support: 24/7</p>", None),
        # a fetch of an address the request gives; a fetch of the code's own address is not
        ("src/api/preview.ts", "  const res = await fetch(req.query.url as string);",
         "security.fetch-from-input"),
        ("app/views.py", '    r = requests.get(request.GET["url"], timeout=5)',
         "security.fetch-from-input"),
        ("app/proxy.php", "    $body = file_get_contents($_GET['src']);",
         "security.fetch-from-input"),
        ("src/api/preview.ts", "  const res = await fetch(API_URL);", None),
        # a command or code run from what the request gives; a fixed one is no such sink
        ("src/routes/calc.js", "  return eval(req.query.expr);", "security.exec-from-input"),
        ("public/calc.php", "    return eval('return ' . $_GET['expr'] . ';');",
         "security.exec-from-input"),
        ("app/views.py", '    exec(request.POST["code"], {})', "security.exec-from-input"),
        ("src/routes/build.js", "  execSync('npm run build');", None),
        # an owner's keyword after other keywords of a Django lookup
        ("app/repo.py", "    return Doc.objects.get(id=doc_id, owner=user)",
         "permissions.owner-scoping"),
        ("app/repo.py", "    return Doc.objects.filter(pk=pk, team_id=team_id)",
         "permissions.owner-scoping"),
        ("app/repo.py", "    return Doc.objects.filter(pk=pk, status=status)", None),
        # a prompt of two words is copy; the value read after it is not
        ("cmd/mysqldef/mysqldef.go", '\tfmt.Fprint(os.Stderr, "Enter Password: ")', None),
        ("cmd/mysqldef/mysqldef.go", "\tpassword, err := term.ReadPassword(int(os.Stdin.Fd()))",
         "auth.credentials"),
        # a subprocess given a command line for a shell
        ("app/tasks.py", "    subprocess.run(cmd, shell=True)", "security.shell-commands"),
        # debug mode switched in a production settings module or dotenv; not a development one
        ("config/production.py", "DEBUG = True", "security.debug-settings"),
        (".env.production", "APP_DEBUG=true", "security.debug-settings"),
        ("config/development.py", "DEBUG = True", None),
        # a setting that switches signing in on or off, given its value; a message named for it
        ("config/app.yml", "  require_auth: false", "auth.auth-switch"),
        (".env.production", "DISABLE_LOGIN=true", "auth.auth-switch"),
        ("config/server.json", '  "skipAuthorization": true,', "auth.auth-switch"),
        ("src/messages.ts", "  noAuthorizationInHeaderMessage: 'No Authorization was found',",
         None),
        # Symfony's access attributes and voters
        ("src/Controller/ReportController.php", "#[IsGranted('report:project')]",
         "permissions.symfony-authz"),
        ("src/Controller/TeamController.php", "$this->denyAccessUnlessGranted('edit', $team);",
         "permissions.symfony-authz"),
        ("src/Controller/ReportController.php", "#[Route(path: '/reporting/project_view')]", None),
        # a record's owner compared with the caller; a query keyed by an owning id
        ("api/application.go", "if app == nil || app.UserID != auth.GetUserID(ctx) {",
         "permissions.owner-match"),
        ("app/controllers/posts_controller.rb", "head :not_found unless current_user.id == post.user_id",
         "permissions.owner-match"),
        ("Services/PullPaymentHostedService.cs",
         ".Where(pp => ids.Contains(pp.Id) && storeIds.Contains(pp.StoreId))",
         "permissions.owner-match"),
        ("src/components/MemberRow.tsx", "if (member.userId === currentUserId) {", None),
        ("app/services/report.py", "if row.user_id == previous_id:", None),
        ("Services/Catalog.cs", ".Where(p => p.CategoryId == categoryId)", None),
        # how long a session lives
        ("Docker/FreshRSS.Apache.conf", "OIDCSessionInactivityTimeout ${OIDC_SESSION_TIMEOUT}",
         "auth.session-handling"),
        ("config/settings.py", "SESSION_COOKIE_AGE = 1209600", "auth.session-handling"),
        ("app/jobs/cleanup.py", "job_timeout = 30", None),
        ("cookiecutter/templates/settings.yaml", "title: Welcome", None),
        # OmniAuth's classes and the keys it leaves in the request
        ("lib/omniauth/strategy.rb", "rescue OmniAuth::AuthenticityError => e", "auth.omniauth"),
        ("app/controllers/callbacks_controller.rb", "auth = request.env['omniauth.auth']",
         "auth.omniauth"),
        ("app/controllers/callbacks_controller.rb", "cover = request.env['cover.url']", None),
        # a refusal by name, not a bare status code
        ("src/middlewares.js", "error.status = 403;", None),
        ("app/views.py", "return HttpResponseForbidden()", "permissions.ownership-check"),
        # a secret masked before it is logged
        ("src/Logging/TokenRequestValidationLog.cs",
         "RefreshToken = request.RefreshTokenHandle.Obfuscate();", "security.secret-redaction"),
        ("app/logging.py", "logger.info(redact(api_key))", "security.secret-redaction"),
        ("app/ui/avatar.py", "image = mask(image_bytes)", None),
        # the key tokens are signed with, and what it falls back to; not a key of something else
        ("app/settings/base.py",
         '    "SIGNING_KEY": os.getenv("APP_JWT_SIGNING_KEY") or os.getenv("SECRET_KEY"),',
         "security.signing-keys"),
        ("lib/api_token.rb", "    JWT.encode(payload, Rails.application.secret_key_base)",
         "security.signing-keys"),
        ("src/main/java/org/shop/TokenProvider.java", "        .setSigningKey(signingKey)",
         "security.signing-keys"),
        ("src/config/auth.ts", "  jwtSecret: process.env.JWT_SECRET,", "security.signing-keys"),
        # ... the key a token is verified or decoded with, the previous secret kept while keys
        # rotate, a JWT's encoding key; not a text's encoding, nor a rotation of something else
        ("lib/devise/jwt.rb", "    setting(:decoding_secret,", "security.signing-keys"),
        ("lib/devise/jwt.rb", "            default: Warden::JWTAuth.config.rotation_secret,",
         "security.signing-keys"),
        ("src/DependencyInjection/TwoFactorExtension.php",
         "            $jwtEncodeKey->setArgument(0, $config['key']);", "security.signing-keys"),
        ("app/settings.py", '    "VERIFYING_KEY": os.environ.get("JWT_PUBLIC_KEY"),',
         "security.signing-keys"),
        ("src/auth.rs", "    let key = DecodingKey::from_secret(secret.as_bytes());",
         "security.signing-keys"),
        ("app/export.py", '    encoding = "utf-8"', None),
        ("app/csv_options.py", "ENCODING_KEY = 'encoding'", None),
        ("internal/codec/options.go", "\tkey := opts.DecodingKey", None),
        ("app/logs.py", "    rotation_days = settings.LOG_ROTATION_DAYS", None),
        ("src/lib/cache.ts", "const encodingKind = detectEncoding(buffer);", None),
        ("app/reports/export.py", "    sorting_key = row.created_at", None),
        ("src/lib/cache.ts", "const cacheKey = `report:${reportId}`;", None),
        ("app/services/designer.rb", "    design_key = theme.palette_key", None),
        # code named for the timing attack it prevents
        ("lib/clearance/user.rb", "prevent_timing_attack", "security.timing-attacks"),
        ("lib/metrics.rb", "record_timing(attack_duration)", None),
        # a Go model's ORM tags: the columns AutoMigrate creates
        ("model/user.go", 'OIDCID *string `gorm:"column:oidc_id;type:text;uniqueIndex"`',
         "migrations.go-orm-tags"),
        ("model/user.go", 'Name string `json:"name"`', None),
        # encrypting or decrypting, a JOSE content encryption; not a field of encrypted data
        ("packages/core/src/jwt.ts", "const key = await getDerivedEncryptionKey(enc, secret, salt)",
         "security.encryption"),
        ("packages/core/src/jwt.ts", 'const enc = "A256CBC-HS512"', "security.encryption"),
        ("crates/db/src/models/user.rs", "pub encrypted_token: Vec<u8>,", None),
        # other sessions ended at once; a password checked, reset or stored in another format
        ("lib/features/active_sessions.rb",
         "remove_all_active_sessions_except_current if @clear", "auth.sessions-ended"),
        ("src/Controllers/IdentityController.cs",
         "if (await _userManager.CheckPasswordAsync(customer, model.OldPassword))",
         "auth.password-operations"),
        ("src/Controllers/CustomerController.cs",
         "customer.PasswordFormat = _customerSettings.DefaultPasswordFormat;",
         "auth.password-operations"),
        ("app/models/session_note.rb", "notes = sessions_count + 1", None),
        # a query keyed by its owner with the column and value as two arguments
        ("app/Domain/Timesheets/Repositories/Timesheets.php",
         "->where('zp_timesheets.userId', $userId);", "permissions.owner-scoping-args"),
        ("app/Models/PaymentMethod.php", "$query->where('company_id', $id);",
         "permissions.owner-scoping-args"),
        ("app/Models/Tag.php", "$query->where('name', $name);", None),
        # ... as supabase-js and PostgREST clients filter, and CodeIgniter's query builder
        ("apps/dashboard/src/app/api/banking/route.ts", '            .eq("team_id", teamId)',
         "permissions.owner-scoping-args"),
        ("application/modules/guest/controllers/projects.php",
         "            ->where_in('ip_projects.user_id', $user_ids)",
         "permissions.owner-scoping-args"),
        ("apps/dashboard/src/app/api/banking/route.ts", '            .eq("status", "active")', None),
        # the OAuth scopes a token may carry, checked or narrowed where they are granted
        ("src/Bridge/ScopeRepository.php", "    && $client->hasScope($scope->getIdentifier());",
         "permissions.scope-checks"),
        ("oauthlib/oauth2/rfc6749/grant_types/refresh_token.py",
         "        self.validate_scopes(request)", "permissions.scope-checks"),
        ("lib/Service/Policy/PolicyService.php",
         "\t\t$this->assertUserScopeSupported($definition->key());", "permissions.scope-checks"),
        ("src/middleware/auth.ts", "  requireTokenScope(req, 'orders:write');",
         "permissions.scope-checks"),
        ("oauthlib/oauth2/rfc6749/grant_types/refresh_token.py",
         "    if not all(s in original_scopes for s in request.scopes):",
         "permissions.scope-checks"),
        ("src/compiler/binder.ts", "    const scopes = collectScopes(node);", None),
        ("src/di/container.ts", "    this.assertScopeIsActive();", None),
        ("src/api/orders.ts", "  enforceScope(token, 'admin');", "permissions.scope-checks"),
        ("src/api/orders.ts", "  assertScopes(ctx, ['orders:write']);", "permissions.scope-checks"),
        ("src/compiler/checker.ts", "    validateScopeName(node.name);", None),
        ("src/otel/exporter.ts", "    validateInstrumentationScope(span.scope);", None),
        ("app/models/post.rb", "  scope :published, -> { where(published: true) }", None),
        # a class mapped to a table by name
        ("app/models.py", '    __tablename__ = "order_feedback"', "migrations.orm-table"),
        ("src/main/java/shop/OrderFeedback.java", "private String tableName;", None),
        # the options of every transaction, and whether transactions are used at all
        ("lib/rodauth/features/base.rb",
         "opts = opts.empty? ? transaction_opts : transaction_opts.merge(opts)",
         "transactions.tx-options"),
        ("src/MongoContentRepository.cs",
         "CanUseTransactions = clusteredAsReplica && options.UseTransactions;",
         "transactions.tx-options"),
        ("src/Core/History.cs", "var transactions = await LoadAsync(accountId);", None),
        # a cap on decompressing attacker input; request input kept in the session
        ("pkg/hpke/url.go", "zstd.WithDecoderMaxMemory(4*1024*1024),",
         "security.decompression-limits"),
        ("pkg/upload/read.go", "body := http.MaxBytesReader(w, r.Body, limit)",
         "security.decompression-limits"),
        ("pkg/hpke/url.go", "zstd.WithDecoderConcurrency(1),", None),
        ("searx/preferences.py",
         "bin_data = decompressobj().decompress(urlsafe_b64decode(data), 16 * 1024)",
         "security.decompression-limits"),
        ("lib/body.js", "const out = zlib.inflateSync(buf, { maxOutputLength: limit });",
         "security.decompression-limits"),
        ("app/blob.py", "chunk = zlib.decompressobj().decompress(data, max_length=limit)",
         "security.decompression-limits"),
        ("searx/preferences.py", "bin_data = decompress(urlsafe_b64decode(data))", None),
        ("app/stream.py", "self._decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)", None),
        ("lib/omniauth/strategy.rb", "session['omniauth.params'] = request.params",
         "security.session-from-input"),
        ("lib/omniauth/strategy.rb", "session['omniauth.origin'] = origin", None),
        ("app/controllers/home_controller.rb", "      session[params[:id].to_sym] = true",
         "security.session-from-input"),
        ("app/controllers/home_controller.rb", "    if session[:toggle_states][key]", None),
        # the database connection pool of a deployed configuration
        ("src/main/resources/profiles/cloud/database.properties", "db.maxPoolSize=18",
         "infrastructure.db-pool"),
        ("config/database.yml", "  pool: 10", None),
        ("src/db/pool.go", "pool_size := 10", None),
        # an access check called by name; a tenant written as a literal
        ("lib/trpc/routers/stripe/getSetupIntent.ts", "  .use(requireWorkspaceAdmin)",
         "permissions.access-check-calls"),
        ("src/components/MembersView.tsx", "isTeamAdmin={isTeamAdminUser}", None),
        ("src/Routers/ClassesRouter.js", "await checkPermissions(req.auth, className);",
         "permissions.access-check-calls"),
        ("src/components/Form.tsx", "checkAccessibility(container);", None),
        ("lib/ts/recipe/saml/api/implementation.ts", 'tenantId: "public",',
         "permissions.tenant-literal"),
        ("src/api/links.ts", "tenantId: input.tenantId,", None),
        # CSRF inside a longer name, cross-origin protection; a secrets manager resource; the
        # types an upload accepts
        ("lib/clearance/configuration.rb", "@rotate_csrf_on_sign_in = true",
         "security.web-protections"),
        ("auth/authentication.go", "protection := http.NewCrossOriginProtection()",
         "security.web-protections"),
        ("modules/db/main.tf", 'resource "aws_secretsmanager_secret_rotation" "this" {',
         "security.secrets"),
        ("app/Rules/Base64Mime.php", "$allowed_mime_types = ['image/png', 'image/jpeg'];",
         "security.upload-types"),
        # a spreadsheet cell checked for the characters a formula starts with
        ("src/Invoice/Renderer/SpreadsheetRenderer.php",
         "if (\\is_string($content) && \\in_array($content[0], ['=', '-', '+', '@'])) {",
         "security.formula-injection"),
        ("src/Export/Csv.php", "$sep = [';', ','];", None),
        # what deleting a row does to the rows that point at it
        ("app/models/user.rb",
         'has_many :case_assignments, foreign_key: "volunteer_id", dependent: :restrict_with_error',
         "transactions.delete-behaviour"),
        ("shop/models.py", "order = models.ForeignKey(Order, on_delete=models.PROTECT)",
         "transactions.delete-behaviour"),
        ("app/models/user.rb", 'has_many :case_assignments, foreign_key: "volunteer_id"', None),
        # a subscription's trial, in code; shown in a component it is display
        ("src/Http/Controllers/WebhookController.php",
         "$user->update(['trial_ends_at' => null]);", "billing.trials"),
        ("apps/web/ui/layout/sidebar/nav.tsx", "isWorkspaceBillingTrialActive(trialEndsAt)", None),
        # ASP.NET Core's authentication handlers: challenges, authentication properties
        ("src/Client/AspNetCoreHandlers.cs",
         "_ => request.HttpContext.Features.Get<IAuthenticationFeature>()?.OriginalPath,",
         "auth.aspnet-identity"),
        ("src/Web/AccountController.cs", "await HttpContext.ChallengeAsync(scheme, properties);",
         "auth.aspnet-identity"),
        # a password reset sent (Devise)
        ("app/controllers/partner_users_controller.rb", "user.send_reset_password_instructions",
         "auth.devise"),
    ],
)
def test_semantic_signals_in_ordinary_files(
    policy: Policy, path: str, line: str, rule: str | None
) -> None:
    result = run(edit(path, [line], ["x = 1"]), policy)
    found = {e.rule for area in result.areas for e in area.evidence}
    assert (rule in found) if rule else (found == set()), found


def test_a_class_mapped_to_a_new_table_is_a_schema_change(policy: Policy) -> None:
    # `@Entity` alone is weak (an annotation on any model class); the table it maps names the
    # schema that generation creates.
    text = edit("src/main/java/shop/OrderFeedback.java",
                ["@Entity", '@Table (name="ORDER_FEEDBACK" )', "public class OrderFeedback {"])
    area = {a.id: a for a in run(text, policy).areas}["migrations"]
    assert str(area.risk) == "critical"


# ------------------------------------------------ the definition a change is made in (issue 9)
@pytest.mark.parametrize(
    ("path", "section", "area"),
    [
        ("oauth2_provider/validators.py", "class OAuth2Validator(RequestValidator):", "auth"),
        ("app/Services/Sso.php", "class SamlLoginService extends Service", "auth"),
        ("internal/auth/ldap.go", "func (s *Source) AuthenticateUser(name string) error {",
         "auth"),
        ("rest_framework/templatetags/rest_framework.py", "def optional_logout(request, user):",
         "auth"),
        ("server/handlers.go", "func (s *Server) handleSignOut(w http.ResponseWriter) {", "auth"),
        ("resolver/src/db.rs", "impl DbTxn<'_> {", "transactions"),
        ("src/Billing/AccountLocker.java", "public class AccountLocker {", "transactions"),
        # the object an ORM or a migration tool begins, commits and rolls back with
        ("packages/core/src/transaction.ts", "export class Transaction {", "transactions"),
        ("lib/dialects/sqlite3/execution/sqlite-transaction.js",
         "class Transaction_Sqlite extends Transaction {", "transactions"),
        ("alembic/runtime/migration.py", "class _ProxyTransaction(object):", "transactions"),
        # a function that scopes work in one: what may still run on its connection
        ("packages/runtime/src/sql-runtime.ts", "export async function withTransaction<R>(",
         "transactions"),
        ("app/db.py", "def run_in_transaction(session, fn):", "transactions"),
        # what a customer pays less, or gets back: promotions, coupons, discounts, offers
        ("src/service/promotion.service.ts", "export class PromotionService {", "billing"),
        ("shop/views.py", "def apply_coupon(request, order):", "billing"),
        ("internal/cart/redeem.go", "func (s *Store) RedeemVoucher(code string) error {",
         "billing"),
        ("src/main/java/org/shop/dao/OfferUsageDao.java", "public class OfferUsageDao {",
         "billing"),
        ("app/models/order.rb", "class RefundCalculator", "billing"),
    ],
)
def test_a_change_inside_a_sensitive_definition_is_evidence(
    policy: Policy, path: str, section: str, area: str
) -> None:
    text = edit(path, ["        if not deleted: return False"], ["        x.delete()"],
                section=section)
    found = {e.rule: e for a in run(text, policy).areas for e in a.evidence}
    evidence = found[f"{area}.enclosing-symbol"]
    assert (evidence.side, evidence.snippet) == ("header", section)


@pytest.mark.parametrize(
    "text",
    [
        # the name on a changed line, not in the header
        edit("app/views.py", ["validator = OAuth2Validator()"], ["validator = None"]),
        # a header that is not a definition of that name
        edit("app/views.py", ["    x = 2"], ["    x = 1"],
             section="validator = OAuth2Validator()"),
        # a header over a hunk that changes only comments
        edit("app/views.py", ["    # reworded"], ["    # worded"],
             section="class OAuth2Validator(RequestValidator):"),
        # the definition above a hunk that starts another at the top level: a function added
        # (or a class moved out) below the header's class is not a change of that class
        edit("app/views.py", ["def helper(request):", "    if not deleted: return False"],
             section="class OAuth2Validator(RequestValidator):"),
    ],
    ids=["name-in-a-changed-line", "header-not-a-definition", "comment-only-hunk",
         "new-top-level-definition-below"],
)
def test_a_sensitive_name_outside_a_definition_header_is_not_enclosing_symbol(
    policy: Policy, text: str
) -> None:
    rules = {e.rule for a in run(text, policy).areas for e in a.evidence}
    assert "auth.enclosing-symbol" not in rules


@pytest.mark.parametrize(
    "section",
    [
        # a function that lists or exports a ledger's transactions begins none
        "def get_transactions(request, account):",
        "function exportTransactions(rows) {",
        # ... nor one named for a ledger's transaction's parts
        "function withTransactionFee(order) {",
        "def in_transactions_page(request):",
        # transactional email, and a ledger's pages
        "class TransactionalMailer < ApplicationMailer",
        "class TransactionsController < ApplicationController",
    ],
)
def test_a_function_named_for_transactions_is_not_transactions_enclosing_symbol(
    policy: Policy, section: str
) -> None:
    text = edit("app/views.py", ["        if not deleted: return False"], ["        x.delete()"],
                section=section)
    rules = {e.rule for a in run(text, policy).areas for e in a.evidence}
    assert "transactions.enclosing-symbol" not in rules


@pytest.mark.parametrize(
    "section",
    [
        # an invoice's or a payment's class: its file's path already says billing (weakly,
        # for its sheets and views), the header would only say it again
        "class InvoiceItems extends Export implements WithParentSheet",
        "public class PaymentMethodView extends View {",
        # a price shown, not one decided
        "class PriceTag(Component):",
        # WebRTC's session description offer, not a commercial one
        "async function createOffer(peer) {",
    ],
)
def test_a_definition_named_for_what_money_is_about_is_not_billing_enclosing_symbol(
    policy: Policy, section: str
) -> None:
    text = edit("app/Exports/Sheets.php", ["        if not deleted: return False"],
                ["        x.delete()"], section=section)
    rules = {e.rule for a in run(text, policy).areas for e in a.evidence}
    assert "billing.enclosing-symbol" not in rules


@pytest.mark.parametrize(
    ("rules", "sizes"),
    [(24, [24]), (36, [18, 18]), (120, [24] * 5), (126, [26, 26, 26, 26, 22]),
     (132, [22] * 6)],
    ids=["one-pass", "two-halves", "five-full", "a-few-more-share-five", "six-passes"],
)
def test_prefilter_passes_share_the_rules_evenly(rules: int, sizes: list[int]) -> None:
    # a few rules past a multiple of the pass size join the passes there are instead of
    # reading the whole diff once more
    patterns = [f"r{i}" for i in range(rules)]
    groups = _passes(patterns)
    assert [len(g) for g in groups] == sizes
    assert [p for g in groups for p in g] == patterns


def test_content_rules_are_matched_in_sets_of_a_pre_filter_pass_each() -> None:
    """Several smaller RE2 sets, not one of every rule (whose lazily built DFA a fresh process
    paid for), giving the indexes one set gives, in order."""
    patterns = [rf"\bword{i}\b" for i in range(60)] + [r"(?i)^\s*shared", r"word1\d"]
    sets = _RuleSets(patterns)
    assert len(sets._sets) == len(_passes(patterns)) > 1
    one = re2.Set.SearchSet(re2.Options())
    for pattern in patterns:
        one.Add(pattern)
    one.Compile()
    for text in ["word3 and word45 and word12", "  Shared word59", "nothing here", "word1 word10"]:
        assert sets.match(text) == tuple(sorted(one.Match(text) or ()))
    assert sets.match("word3 and word45 and word12") == (3, 12, 45, 61)
    texts = ["word3 and word45 and word12", "nothing here", "  Shared word59", "word1 word10"]
    assert sets.match_all(texts) == [sets.match(text) for text in texts]  # set by set
    assert sets.match_all([]) == []


@pytest.mark.parametrize(
    ("size", "rules"),
    [(5_000, 6), ((1 << 20) - 1, 6), (1 << 20, 12), ((8 << 20) - 1, 12), (8 << 20, 24)],
    ids=["small", "just-under-1MB", "1MB", "just-under-8MB", "8MB"],
)
def test_a_smaller_diff_is_searched_in_passes_of_fewer_rules(size: int, rules: int) -> None:
    assert _rules_per_pass(size) == rules


def test_the_prefilters_find_the_same_lines_however_the_rules_are_shared_out(
    policy: Policy,
) -> None:
    diff = parse_diff(edit("app/billing/refunds.py", [
        "def refund(order):", "    stripe.Refund.create(charge=order.charge_id)",
        "    order.save()", "# password reset", "x = 1",
    ]))
    matcher = matcher_for(policy)
    small, large = matcher.prefilters(64 << 10), matcher.prefilters(8 << 20)
    assert len(small) > len(large)
    assert diff.hit_lines(*small) == diff.hit_lines(*large) != {}
    by_line = matcher.prefilters(len(diff.text))
    assert [type(p) for p in by_line] == [LinePasses] and len(by_line[0].passes) == len(small)
    assert diff.hit_lines(*by_line) == diff.hit_lines(*small)


def test_a_small_diff_asks_only_the_rules_its_text_may_hold_a_match_of(
    policy: Policy,
) -> None:
    """On a small diff the pre-filter passes hold only the rules whose strings the diff's text
    holds, and a line is asked only of the rules whose strings it holds (`policies.literals`):
    the lines found and the rules matched are those of every rule."""
    lines = ["def refund(order):", "    with transaction.atomic():",
             "        stripe.Refund.create(charge=order.charge_id)", "# password reset", "x = 1"]
    diff = parse_diff(edit("app/billing/refunds.py", lines))
    matcher = matcher_for(policy)
    narrowed, every = matcher.prefilters_of(diff.text), matcher.prefilters(len(diff.text))
    assert len(narrowed[0].passes) < len(every[0].passes)
    assert diff.hit_lines(*narrowed) == diff.hit_lines(*every) != {}
    for text in [*lines, "    payment = Payment.objects.select_for_update().get(pk=1)",
                 "@login_required", "nothing here", ""]:
        assert matcher.rules_in(text, narrow=True) == matcher.rules_in(text, narrow=False)
    assert matcher.rules_in(lines[1], narrow=True)
    plain = parse_diff(edit("notes.txt", ["x = 1"]))
    assert plain.hit_lines(*matcher.prefilters_of(plain.text)) == {}


@pytest.mark.parametrize(("text", "expected"), [
    ("word\n", {0}),                      # at the line's start
    ("a  word here\n", {0}),              # inside it
    ("x\nthe wor\nd\n", set()),          # nowhere: split over two lines
    ("sword\nswords word\n", {1}),       # `\b` (not in "sword"), then found
    ("a\nb word\nwordy\nword\n", {1, 3}),  # several lines, "wordy" not one
    ("x\nends in wo\nwok\n", {1}),        # `wo$`: only where the line ends
    ("spans\nthen\nspans\n", {0}),        # a match that runs on over the next line
    ("caf\xe9\nb word\n", {1}),           # not UTF-8: searched instead, the same lines
])
def test_line_passes_find_the_lines_a_search_finds(text: str, expected: set[int]) -> None:
    """Asked at each line's start, `(?m)[^\\n]*?(?:rules)` finds the lines on which a match of
    the rules starts, as a search of them does (`match_starts`), in the whole text's context."""
    rules = [r"\bword\b", r"wo$", r"spans\nthen"]
    searched = [re2.compile(f"(?m){rule}".encode()) for rule in rules]
    asked = LinePasses([re2.compile(f"(?m)[^\n]*?(?:{rule})".encode()) for rule in rules])
    data = text.encode("latin-1")

    def lines(starts: list[int]) -> set[int]:
        return {data.count(b"\n", 0, start) for start in starts}

    assert lines(match_starts(data, [asked])) == lines(match_starts(data, searched)) == expected


def test_rules_a_match_of_which_may_start_almost_anywhere_are_searched_in_passes_apart() -> None:
    """What `(^|[^"])` becomes once its anchor is put after the line's marker still lets a match
    start at almost any character, which multiplies the states of a pass's DFA: such rules are
    passes of their own, after the others, every rule kept once."""
    start = classify_module._LINE_START
    loose = [rf'(?:({start}|[^"])git\+https://)',
             rf"(?:(?i)({start}|[^\w-])(login|logout)([^\w-]|$))"]
    rest = [rf"(?:\bword{i}\b)" for i in range(30)] + [rf"(?:{start}\s*def login)",
                                                       r"(?:[^a-z]+x)"]
    groups = _prefilter_passes([rest[0], loose[0], *rest[1:20], loose[1], *rest[20:]], 24)
    assert [list(g) for g in groups] == [rest, loose]
    assert _prefilter_passes(rest, 24) == _passes(rest, 24)
    assert _prefilter_passes(loose, 24) == _passes(loose, 24)


def test_rules_with_a_wide_bounded_repeat_are_searched_in_passes_apart() -> None:
    """A bounded repeat of ten characters or more (`.{0,60}`) multiplies the states of its
    pass's DFA with every other rule's: such rules are passes of their own, after the others
    and before the loose rules', every rule kept once. Narrow or exact counts stay."""
    start = classify_module._LINE_START
    wide = [r"(?:(?i)\bvisibility\b.{0,60}\bprivate\b)", r"(?:\.use\(([^;]{0,80}?,)?auth)",
            r"(?:header[^\n]{5,25}proxy)"]
    loose = [rf'(?:({start}|[^"])git\+https://)']
    rest = [rf"(?:\bword{i}\b)" for i in range(30)] + [r"(?:\bv\d{1,3}\b)", r"(?:\d{16})",
                                                       r"(?:\{\w+,\d+\})"]
    groups = _prefilter_passes([wide[0], *rest[:10], loose[0], wide[1], *rest[10:], wide[2]], 24)
    assert [list(g) for g in groups] == [rest, wide, loose]
    assert _prefilter_passes(wide, 24) == _passes(wide, 24)


@pytest.mark.parametrize("size", [5_000, 8 << 20], ids=["small", "large"])
def test_wide_repeat_rules_apart_find_the_lines_of_the_union(size: int) -> None:
    """Searched apart, a wide repeat's rule finds the lines it found inside a pass with the
    others (its match starting on the line, spanning other rules' words), and no more."""
    patterns = [r"(?:(?i)\bvisibility\b.{0,60}\bprivate\b)", r"(?:\bprivate_key\b)",
                r"(?:\btoken\b)"]
    diff = parse_diff(edit("app/models/post.py", [
        "visibility = 'public'", "self.visibility, token, private", "private_key = k",
        "visible private note", "visibility" + " x" * 40 + " private",
    ]))
    passes = classify_module._compiled_passes(patterns, _rules_per_pass(size), size < (32 << 10))
    union = re2.compile("(?m)" + "|".join(patterns))
    assert diff.hit_lines(*passes) == diff.hit_lines(union) == {0: [6, 7]}


def test_header_rules_are_searched_in_passes_apart_after_the_others() -> None:
    """A header rule's form (`_header_form`) in a pass with others multiplied its automaton's
    states: the header rules are passes of their own, after the loose rules', each rule once."""
    start = classify_module._LINE_START
    headers = [classify_module._header_form(rf"\bdef\s+word{i}") for i in range(3)]
    loose = [rf'(?:({start}|[^"])git\+https://)']
    rest = [rf"(?:\bword{i}\b)" for i in range(30)]
    groups = _prefilter_passes(
        [headers[0], *rest[:10], loose[0], headers[1], *rest[10:], headers[2]], 24)
    assert [list(g) for g in groups] == [rest, loose, headers]
    assert _prefilter_passes(headers, 24) == _passes(headers, 24)


def test_the_bundled_policys_header_rules_have_a_pass_of_their_own(policy: Policy) -> None:
    matcher = matcher_for(policy)
    headers = [classify_module._header_form(matcher.patterns[rule])
               for rule in matcher.prefilter_rules if matcher.rules[rule].headers]
    assert headers and set(headers) <= set(matcher.prefilter_patterns)
    for size in (5_000, 8 << 20):
        groups = _prefilter_passes(matcher.prefilter_patterns, _rules_per_pass(size))
        assert [list(group) for group in groups if set(group) & set(headers)] == [headers]
    assert matcher.prefilters(8 << 20)[-1].pattern == ("(?m)" + "|".join(headers)).encode()


def test_a_searched_pass_is_compiled_when_first_searched_and_finds_what_it_would_have() -> None:
    """A large diff's passes are compiled where they are searched (a child of the CLI searches
    some): none is compiled when the passes are made, each is once searched, and the lines they
    find are those of the same patterns compiled at once."""
    patterns = [r"(?:\bpassword\b)", r"(?:(?i)refund)", r"(?:token\s*=)"]
    passes = classify_module._compiled_passes(patterns, 1, by_line=False)
    assert len(passes) == 3
    assert all(p._compiled is None for p in passes)
    diff = parse_diff(edit("app/auth.py", ["x = 1", "check(password)", "Refund.create()",
                                           "nothing", "token = new()"]))
    compiled = [re2.compile(("(?m)" + p).encode()) for p in patterns]
    assert diff.hit_lines(*passes) == diff.hit_lines(*compiled) != {}
    assert all(p._compiled is not None for p in passes)
    assert diff.hit_lines(passes[0]) == diff.hit_lines(compiled[0])  # asked again: the same
    assert parse_diff(edit("notes.txt", ["x = 1"])).hit_lines(*passes) == {}


def test_passes_searched_in_process_are_compiled_before_the_search() -> None:
    """Searched in this process (`match_starts`), the passes are compiled before the text's
    copy is made, not beside it at the peak of memory; another searcher compiles each pass
    it searches itself."""
    passes = classify_module._compiled_passes([r"(?:\bpassword\b)"], 1, by_line=False)
    seen: list[bool] = []

    def searcher(text: bytes, prefilters: Sequence[object]) -> list[int]:
        seen.extend(p._compiled is not None for p in passes)
        return match_starts(text, prefilters)

    lines = ["check(password)"]
    assert parse_diff(edit("app/auth.py", lines), searcher=searcher).hit_lines(*passes) != {}
    assert seen == [False]
    fresh = classify_module._compiled_passes([r"(?:\bpassword\b)"], 1, by_line=False)
    diff = parse_diff(edit("app/auth.py", lines))
    original = classify_module._SearchedPass.search
    state: list[bool] = []

    def watched(self: object, text: bytes, pos: int | None = None) -> object:
        state.append(fresh[0]._compiled is not None)
        return original(self, text, pos)  # type: ignore[arg-type]

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(classify_module._SearchedPass, "search", watched)
        assert diff.hit_lines(*fresh) != {}
    assert state and state[0]


@pytest.mark.parametrize("large", [True, False], ids=["large", "small"])
def test_a_large_diffs_search_lets_the_passes_automata_go(
    monkeypatch: pytest.MonkeyPatch, large: bool
) -> None:
    """Past `_RELEASE_SEARCH_FROM` the searched passes forget their compiled patterns and
    re2's cache its copies (the automata a large diff built are the peak of its memory); a
    smaller diff's are kept. Either way the next search finds the same lines."""
    text = edit("app/auth.py", ["check(password)", "x = 1", "verify(password)"])
    monkeypatch.setattr(diff_module, "_RELEASE_SEARCH_FROM", len(text) if large else len(text) + 1)
    passes = classify_module._compiled_passes([r"(?:\bpassword\b)", r"(?:\btoken\b)"], 1,
                                              by_line=False)
    searched = [p.compile() for p in passes]
    first = parse_diff(text).hit_lines(*passes)
    assert list(first) == [0] and len(first[0]) == 2  # the two lines with a hit
    assert all((p._compiled is None) == large for p in passes)
    # re2's cache hands back the object it holds: a purged cache compiles anew
    assert all((re2.compile(p.pattern, p._options) is not old) == large
               for p, old in zip(passes, searched, strict=True))
    assert parse_diff(text).hit_lines(*passes) == first


@pytest.mark.parametrize("size", [5_000, 1 << 20, 8 << 20], ids=["small", "1MB", "8MB"])
def test_the_bundled_policys_prefilter_passes_find_the_lines_of_their_union(
    policy: Policy, size: int
) -> None:
    diff = parse_diff(edit("package.json", [
        '  "name": "shop",', '  "left-pad": "^1.3.0",', '  "auth": "1.0.0"',
    ], [
        '  "name": "shop",', '  "left-pad": "git+https://example.com/left-pad.git",',
        '  "sign": "login",', '  "auth": "1.0.0"',
    ]))
    matcher = matcher_for(policy)
    union = re2.compile("(?m)" + "|".join(matcher.prefilter_patterns))
    assert any(classify_module._LOOSE_START in p for p in matcher.prefilter_patterns)
    assert diff.hit_lines(*matcher.prefilters(size)) == diff.hit_lines(union) != {}


@pytest.mark.parametrize("size", [5_000, 8 << 20], ids=["small", "large"])
def test_an_anchored_rules_prefilter_finds_it_only_where_a_lines_text_starts(
    policy: Policy, size: int
) -> None:
    """A rule's '^' stands after a line's marker in the diff, and after a hunk header's `@@`:
    Slim's unescaped output (`== html` at a line's start) is found there, a comparison inside a
    line (`a == b`) is not. With the anchor dropped, every comparison of a diff was a hit."""
    diff = parse_diff(edit("app/views/page.slim", ["  == raw_html", "p = a == b"],
                           ["- if a == b"], section="== header"))
    matcher = matcher_for(policy)
    assert diff.hit_lines(*matcher.prefilters(size)) == {0: [4, 6]}


#: an area with rules that read only definitions: two header rules (one anchored at the
#: text's start), a rule of changed lines, an enclosing rule; words no bundled rule reads
HEADER_RULES = textwrap.dedent(r"""
    areas:
      zorbs:
        title: Zorbs
        risk: elevated
        content:
          - {id: settle, headers: true, pattern: '\bdef\s+settle_zorbs\b'}
          - {id: ledger, pattern: '\bZorbLedger\b'}
          - {id: vault, headers: true, pattern: '^class\s+Zorbvault\b'}
          - {id: keeper, enclosing: true, pattern: '\bclass\s+Zorbkeeper\b'}
    """)


@pytest.mark.parametrize("size", [5_000, 8 << 20], ids=["small", "large"])
def test_a_header_rules_prefilter_finds_hunk_headers_not_changed_lines(size: int) -> None:
    """A header rule counts only on a hunk header (`_content_evidence`), so its pre-filter
    finds only them, asked line by line or searched: a changed line that holds its match is
    not a hit (on the old code it was, and was located, compared and matched for nothing),
    a header is, its anchor at the header's text."""
    diff = parse_diff(
        edit("app/zorbs.py", ["    x = 1", "def settle_zorbs(ledger):"],
             section="def settle_zorbs(old):")
        + edit("app/heap.py", ["    y = 2", "class Zorbvault:"], section="class Zorbvault:")
        + edit("app/pile.py", ["    z = 3"], section="x = Zorbvault()")
    )
    matcher = matcher_for(load_policy(HEADER_RULES))
    headers = {0: [4], 1: [11]}  # each file's hunk header (its diff line), not the third's
    assert diff.hit_lines(*matcher.prefilters(size)) == headers
    assert diff.hit_lines(*matcher.prefilters_of(diff.text)) == headers
    assert diff.hit_lines(*matcher.prefilters(size)) == diff.hit_lines(
        re2.compile("(?m)" + "|".join(matcher.prefilter_patterns)))
    evidence = only_area(classify(diff, load_policy(HEADER_RULES)), "zorbs")
    assert [(e.path, e.side, e.rule) for e in evidence] == [
        ("app/zorbs.py", "header", "zorbs.settle"), ("app/heap.py", "header", "zorbs.vault")]


#: rules of several alternatives: flags at the start (they hold for every alternative), flags
#: midway (the rule is searched whole), an alternative whose match runs on to the next line
ALTERNATIVES = textwrap.dedent(r"""
    areas:
      zorbs:
        title: Zorbs
        risk: critical
        content:
          - {id: pay, pattern: '(?i)\bzorb_refund\(|\bzorb_charge\(|\bzorb_void\('}
          - {id: mixed, pattern: '\bzorb_ledger\b|(?i)\bzorb_vault\b'}
          - {id: spans, pattern: '\bzorb_open\s+\S?zorb_close\b|\bzorb_seal\('}
    """)


@pytest.mark.parametrize("padded", [False, True], ids=["asked-by-line", "searched"])
@pytest.mark.parametrize(
    ("lines", "rule"),
    [(["    ZORB_CHARGE(order)"], "zorbs.pay"), (["x = ZORB_VAULT"], "zorbs.mixed"),
     (["zorb_open", "zorb_close"], None)],
    ids=["flags-carried", "flags-midway", "runs-over-lines"],
)
def test_a_small_diffs_passes_search_only_the_alternatives_it_may_hold(
    lines: list[str], rule: str | None, padded: bool,
) -> None:
    """On a diff small enough to narrow, a rule is searched for as only its alternatives whose
    strings the text holds: the lines found, and the evidence, are those of the whole rules."""
    filler = edit("docs/notes.txt", ["plain words"] * (
        classify_module._LINE_PASSES_BELOW // 12 if padded else 1))
    diff = parse_diff(edit("app/zorbs.py", lines) + filler)
    assert (len(diff.text) >= classify_module._LINE_PASSES_BELOW) == padded
    assert len(diff.text) < classify_module._NARROW_BELOW
    policy = load_policy(ALTERNATIVES)
    matcher = matcher_for(policy)
    narrowed = matcher.prefilters_of(diff.text)
    searched = [p.pattern for p in (narrowed[0].passes if not padded else narrowed)]
    assert not any(b"zorb_void" in pattern or b"zorb_refund" in pattern for pattern in searched)
    assert diff.hit_lines(*narrowed) == diff.hit_lines(
        *matcher.prefilters(len(diff.text))) == {0: [5]}
    if rule is not None:
        assert [e.rule for e in only_area(classify(diff, policy), "zorbs")] == [rule]


def test_a_rule_whose_alternatives_the_text_all_may_hold_is_searched_whole() -> None:
    diff = parse_diff(edit("app/zorbs.py", ["zorb_refund(a)", "zorb_charge(b)", "zorb_void(c)"]))
    matcher = matcher_for(load_policy(ALTERNATIVES))
    [passes] = matcher.prefilters_of(diff.text)
    rule = [rule.id for rule in matcher.rules].index("zorbs.pay")
    pay = matcher.prefilter_patterns[matcher.prefilter_rules.index(rule)]
    assert any(pay.encode() in compiled.pattern for compiled in passes.passes)
    assert diff.hit_lines(passes) == {0: [5, 6, 7]}


def _only_zorb_guards() -> Policy:
    """The bundled areas switched off, and one area whose guard rule has two alternatives."""
    off = "".join(f"  {area}:\n    enabled: false\n" for area in default_policy().areas)
    return load_policy("areas:\n" + off + textwrap.indent(textwrap.dedent(r"""
        zorbs:
          title: Zorbs
          risk: critical
          guards: [condition-changed, guard-removed]
          content:
            - {id: keeper, guards: true, pattern: '\bzorb_keeper\b|\bzorb_warden\b'}
        """), "  "))


@pytest.mark.parametrize(
    ("lines", "found"),
    [(["    if not zorb_keeper.allows(user):", "        return None"], {0: [5]}),
     (["x = 1", "y = 2"], {})],
    ids=["subject-named", "no-subject"],
)
def test_a_small_diffs_guard_search_finds_what_every_guard_rules_finds(
    lines: list[str], found: dict[int, list[int]],
) -> None:
    """The guard rules' search of a small diff holds only the subjects' alternatives the text
    may hold a match of, and is none when it holds none: the lines found are those of every
    guard rule's search."""
    diff = parse_diff(edit("src/main.py", lines))
    matcher = matcher_for(_only_zorb_guards())
    search = matcher.guard_search_of(diff.text)
    assert diff.hit_lines(matcher.guard_prefilter) == found
    if found:
        assert b"zorb_warden" not in search.pattern
        assert diff.hit_lines(search) == found
    else:
        assert search is None


def test_a_small_diffs_guard_search_finds_the_bundled_guard_rules_lines(
    policy: Policy,
) -> None:
    diff = parse_diff(edit("app/accounts.py", [
        "def login(user, secret):", "    if not user.check_password(secret):", "        return None",
    ]))
    matcher = matcher_for(policy)
    search = matcher.guard_search_of(diff.text)
    assert len(search.pattern) < len(matcher.guard_prefilter.pattern)
    assert diff.hit_lines(search) == diff.hit_lines(matcher.guard_prefilter) != {}


def test_a_header_rules_prefilter_is_no_narrower_than_the_rule_on_a_header() -> None:
    """Its anchor stands where the header's text starts, after the second `@@`, with or
    without the space git puts there."""
    form = classify_module._header_form(r"^class\s+Zorbvault\b")
    compiled = re2.compile(f"(?m){form}")
    for header in ["@@ -1,2 +1,2 @@ class Zorbvault:", "@@ -1 +1 @@class Zorbvault:",
                   "@@ -10,0 +11,3 @@ class Zorbvault(Base):"]:
        assert compiled.search(f"+x\n{header}\n+y\n") is not None, header
    for line in ["+class Zorbvault:", " class Zorbvault:", "@@ -1 +1 @@ x = Zorbvault",
                 "@@ -1 +1 @@   class Zorbvault:"]:
        assert compiled.search(f"{line}\n") is None, line


@pytest.mark.parametrize("narrow", [True, False], ids=["narrow", "sets"])
def test_the_rules_a_line_is_asked_hold_no_rule_that_reads_only_definitions(
    narrow: bool,
) -> None:
    """Every changed line's text is asked the rules that read changed lines; the header and
    enclosing rules only a hunk header's text or a definition's, apart."""
    matcher = matcher_for(load_policy(HEADER_RULES))
    text = "class Zorbkeeper: def settle_zorbs(x): ZorbLedger"

    def ids(indexes: Sequence[int]) -> list[str]:
        return [matcher.rules[index].id for index in indexes if index in
                {i for i, rule in enumerate(matcher.rules) if rule.area == "zorbs"}]

    assert ids(matcher.rules_in(text, narrow)) == ["zorbs.ledger"]
    assert ids(matcher.rules_in(text, narrow, definitions=True)) == [
        "zorbs.settle", "zorbs.keeper"]
    assert ids(matcher.rules_in("class Zorbvault:", narrow, definitions=True)) == [
        "zorbs.vault"]
    assert [r.id for r in matcher.line_rules(text, "app/zorbs.py")] == ["zorbs.ledger"]
    assert [r.id for r in matcher.line_rules(text, "app/zorbs.py", definitions=True)] == [
        "zorbs.settle", "zorbs.keeper"]


@pytest.mark.parametrize("ahead", [False, True], ids=["asked-when-needed", "asked-ahead"])
@pytest.mark.parametrize("header_first", [False, True], ids=["line-first", "header-first"])
def test_a_header_and_a_changed_line_of_the_same_text_each_get_their_own_rules(
    ahead: bool, header_first: bool,
) -> None:
    """The answers for a text are kept (`_LineRules`), a changed line's apart from what the
    rules that read definitions add for a header's: asked in either order, a header gets the
    header rule too, in rule order, a changed line of the same text does not, and a
    definition's text only the header and enclosing rules."""
    text = "def settle_zorbs(ZorbLedger):"
    lines = ["x = 1"] * (1 if not ahead else classify_module._NARROW_BELOW // 6)
    diff = parse_diff(edit("app/zorbs.py", lines))
    assert (len(diff.text) < classify_module._NARROW_BELOW) != ahead
    rules = classify_module._LineRules(matcher_for(load_policy(HEADER_RULES)), diff)
    if ahead:
        rules.ask([text])

    def ids(found: Sequence[classify_module._Rule]) -> list[str]:
        return [rule.id for rule in found if rule.area == "zorbs"]

    asked = [lambda: rules.of(text, 0, header=True), lambda: rules.of(text, 0)]
    expected = [["zorbs.settle", "zorbs.ledger"], ["zorbs.ledger"]]
    if not header_first:
        asked, expected = asked[::-1], expected[::-1]
    assert [ids(ask()) for ask in asked * 2] == expected * 2
    assert ids(rules.definitions(text, 0)) == ["zorbs.settle"]


def test_a_reformatted_line_only_a_header_rule_matches_is_not_set_aside_as_mechanical() -> None:
    """Lines a rule matched but set aside as mechanical are those it would have counted: a
    header rule counts on no changed line, so a changed line only it matches is not one."""
    policy = load_policy(HEADER_RULES)
    header_only = edit("app/zorbs.py", ["def settle_zorbs(ledger) :"],
                       ["def settle_zorbs(ledger):"])
    line_rule = edit("app/zorbs.py", ["x = ZorbLedger( )"], ["x = ZorbLedger()"])
    assert (run(header_only, policy).mechanical_lines, run(line_rule, policy).mechanical_lines) \
        == (0, 2)


@pytest.mark.parametrize(
    ("pattern", "reanchored"),
    [
        (r"^\s*def login", r"(?:^[-+ ]|@@ ?)\s*def login"),
        (r"(?m)^a|^?b", r"(?m)(?:^[-+ ]|@@ ?)a|(?:^[-+ ]|@@ ?)?b"),
        (r"[^a-z]+x", r"[^a-z]+x"),  # a negated class keeps its '^'
        (r"[]^]x", r"[]^]x"),  # a ']' first in a class is a member, not its end
        (r"\^x", r"\^x"),  # an escaped '^' is a character
    ],
    ids=["anchor", "several", "negated-class", "bracket-first", "escaped"],
)
def test_prefilter_patterns_anchor_after_the_lines_marker(pattern: str, reanchored: str) -> None:
    assert _reanchored(pattern) == reanchored


def _reanchored_by_characters(pattern: str) -> str:
    """`_reanchored` as a walk over every character: the reference it must agree with."""
    out: list[str] = []
    escaped = in_class = False
    for index, char in enumerate(pattern):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]" or pattern[index - 1] == "["
        elif char == "[":
            in_class = True
        elif char == "^":
            out.append(classify_module._LINE_START)
            continue
        out.append(char)
    return "".join(out)


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet="[]^\\a(", max_size=16))
def test_prefilter_patterns_move_the_anchors_a_walk_over_each_character_moves(
    pattern: str,
) -> None:
    """`_reanchored` reads only escapes, brackets and carets, and moves the anchors a walk over
    every character moves: not escaped characters, nor classes (a ']' right after a '['
    included)."""
    assert _reanchored(pattern) == _reanchored_by_characters(pattern)


def test_the_bundled_policys_anchors_are_moved_as_a_walk_over_each_character_moves(
    policy: Policy,
) -> None:
    patterns = [rule.pattern for area in policy.active_areas().values() for rule in area.content]
    assert any("^" in pattern for pattern in patterns)
    assert [_reanchored(p) for p in patterns] == [_reanchored_by_characters(p) for p in patterns]


def test_a_pattern_without_a_caret_is_taken_as_it_is() -> None:
    """Not rebuilt character by character: most rules have no anchor, and the walk over each
    was 1 ms of every start."""
    pattern = "".join(["(?i)\\bpassword", "_reset\\b"])
    assert _reanchored(pattern) is pattern


_MODAL = "export default class ForgotPasswordModal extends Modal {"


@pytest.mark.parametrize("path", ["js/src/forum/components/ForgotPasswordModal.tsx",
                                  "src/components/LoginForm.vue",
                                  "app/views/sessions/new.html.erb"])
def test_a_hunk_header_in_a_template_or_ui_component_is_not_evidence(
    policy: Policy, path: str
) -> None:
    # the header names the component, as its path does; the line is a label's
    text = edit(path, ["    const emailLabel = extractText(app.translator.trans('email'));"],
                section=_MODAL)
    assert run(text, policy).areas == []


def test_the_same_hunk_header_in_code_is_evidence(policy: Policy) -> None:
    text = edit("js/src/forum/ForgotPassword.ts",
                ["    const emailLabel = extractText(app.translator.trans('email'));"],
                section=_MODAL)
    [evidence] = only_area(run(text, policy), "auth")
    assert (evidence.side, evidence.rule) == ("header", "auth.enclosing-symbol")


def test_the_changed_lines_of_a_ui_component_are_still_read(policy: Policy) -> None:
    text = edit("src/components/LoginForm.tsx", ["    const claims = jwt.verify(token, secret);"],
                section=_MODAL)
    evidence = only_area(run(text, policy), "auth")
    assert [(e.side, e.path) for e in evidence] == [("new", "src/components/LoginForm.tsx")]


@pytest.mark.parametrize(
    ("path", "lines"),
    [
        ("lib/pundit/cache_store.rb",
         ["module Pundit", "  # Where policies are cached.", "  module CacheStore", "  end", "end"]),
        ("src/Listener/OrderListener.php",
         ["<?php", "namespace Shop\\Invoice\\Listener;", "", "final class OrderListener {}"]),
    ],
    ids=["ruby-module", "php-namespace"],
)
def test_a_namespace_line_is_not_evidence(policy: Policy, path: str, lines: list[str]) -> None:
    # it says where the code lives, as a path does; what the code does is in its other lines
    assert run(_added(path, lines), policy).areas == []


_MOVED_NAMESPACE = "src/Infrastructure/Identity/Migrations/InitialIdentityModel.cs"


def _namespace_moved(*extra: str) -> str:
    """A C# file moved to another namespace, its using renamed alike, under a hunk header
    that names the using above it (and `extra` changed lines in the same hunk)."""
    lines = ["-using Infrastructure.Identity;", "+using Shop.Infrastructure.Identity;",
             " ", "-\ufeffnamespace Infrastructure.Identity.Migrations",
             "+namespace Shop.Infrastructure.Identity.Migrations", " {", *extra]
    old = sum(1 for line in lines if line[:1] in (" ", "-"))
    new = sum(1 for line in lines if line[:1] in (" ", "+"))
    return (f"diff --git a/{_MOVED_NAMESPACE} b/{_MOVED_NAMESPACE}\nindex 1111111..2222222 100644\n"
            f"--- a/{_MOVED_NAMESPACE}\n+++ b/{_MOVED_NAMESPACE}\n"
            f"@@ -3,{old} +3,{new} @@ using Microsoft.EntityFrameworkCore;\n"
            + "".join(f"{line}\n" for line in lines))


def test_a_file_moved_to_another_namespace_is_not_its_paths_evidence(policy: Policy) -> None:
    # where the code lives and the names it brings into scope, not what it does: the header
    # above the hunk is no line of it
    assert run(_namespace_moved(), policy).areas == []


def test_a_namespace_moved_beside_a_changed_line_keeps_its_paths_evidence(
    policy: Policy,
) -> None:
    changed = _namespace_moved("-    public int MaxFailedAccessAttempts = 5;",
                               "+    public int MaxFailedAccessAttempts = 50;")
    assert files_by_area(run(changed, policy)) == {"auth": [_MOVED_NAMESPACE],
                                                   "migrations": [_MOVED_NAMESPACE]}


@pytest.mark.parametrize(
    ("path", "lines"),
    [
        ("lib/shop/guard.rb", ["class Guard", "  include Pundit", "end"]),
        # Terraform's module block calls a module: it is no namespace
        ("infra/main.tf", ['module "pundit_roles" {  # Pundit', '  source = "./roles"', "}"]),
    ],
    ids=["ruby-include", "terraform-module-block"],
)
def test_a_line_that_uses_the_name_or_calls_a_module_is_evidence(
    policy: Policy, path: str, lines: list[str]
) -> None:
    [area] = [a for a in run(_added(path, lines), policy).areas if a.id == "permissions"]
    assert [(e.side, e.rule) for e in area.evidence] == [("new", "permissions.rails-authz")]


def test_a_response_described_as_unauthorized_is_no_evidence(policy: Policy) -> None:
    # an API's documentation says what it answers; the answer itself is code
    documented = edit("src/Web/Infrastructure/ApiResponses.cs",
                      ['            Description = "Unauthorized"'])
    assert run(documented, policy).areas == []
    answered = edit("src/Web/Infrastructure/ApiResponses.cs", ["            return Unauthorized();"])
    assert [a.id for a in run(answered, policy).areas] == ["auth"]


@pytest.mark.parametrize(
    ("path", "line", "areas"),
    [
        # a paragraph's sentences between a template's or a component's tags are copy
        ("warehouse/templates/pages/help.html",
         "<p>Use FIDO compatible credit cards or a <a href=\"/keys\">security key</a>.</p>", {}),
        ("src/components/RefundHelp.tsx",
         "      <p>Refunds are paid back to the card you paid with.</p>", {}),
        # the element itself and a template's expression stay evidence
        ("shop/templates/pay.html",
         '<input type="text" name="card_number" autocomplete="cc-number">',
         {"billing": ["shop/templates/pay.html"]}),
        ("shop/templates/pay.html", "<p>{{ refund.amount }} paid back to your card</p>",
         {"billing": ["shop/templates/pay.html"]}),
        ("resources/views/account/delete.blade.php",
         '<form method="POST" action="/account">@csrf Delete it now</form>',
         {"security": ["resources/views/account/delete.blade.php"]}),
        ("app/views/accounts/delete.html.erb",
         "<form><%= hidden_field_tag :authenticity_token, form_authenticity_token %> Go</form>",
         {"security": ["app/views/accounts/delete.html.erb"]}),
    ],
    ids=["paragraph", "component-paragraph", "input", "template-expression",
         "blade-csrf-directive", "rails-authenticity-token"],
)
def test_a_templates_sentences_are_copy_and_its_elements_code(
    policy: Policy, path: str, line: str, areas: dict[str, list[str]]
) -> None:
    assert files_by_area(run(edit(path, [line]), policy)) == areas


@pytest.mark.parametrize(
    ("removed", "added", "areas"),
    [
        # a settings form's hint reworded beside an OpenID Connect endpoint's field: copy
        (["    hint: e.g. https://HOST/auth/realms/REALM/protocol/openid-connect/token"],
         ["    hint: e.g. https://HOST/realms/REALM/protocol/openid-connect/token"], {}),
        (['  - description: "Signs in with the identity provider"'],
         ["  - description: Signs users in with SAML single sign-on"], {}),
        # the field's value itself, and a description turned into a block, stay evidence
        (["    tokenURL: https://HOST/auth/realms/REALM/protocol/openid-connect/token"],
         ["    tokenURL: https://HOST/realms/REALM/protocol/openid-connect/token"],
         {"auth": ["config/authentication/keycloak.yml"]}),
        (["    hint: e.g. https://HOST/realms/REALM/protocol/openid-connect/token"],
         ["    hint: e.g. https://HOST/realms/REALM/protocol/openid-connect/token",
          "    tokenURL: https://HOST/realms/REALM/protocol/openid-connect/token"],
         {"auth": ["config/authentication/keycloak.yml"]}),
    ],
    ids=["hint", "description", "value", "value-added-beside-hint"],
)
def test_a_data_files_descriptions_reworded_are_copy(
    policy: Policy, removed: list[str], added: list[str], areas: dict[str, list[str]]
) -> None:
    change = edit("config/authentication/keycloak.yml", added, removed)
    assert files_by_area(run(change, policy)) == areas


def _hunks(path: str, *hunks: str) -> str:
    """One modified file with several hunks, each given as its lines prefixed `+`, `-` or ` `."""
    body = ""
    start = 1
    for hunk in hunks:
        lines = textwrap.dedent(hunk).strip("\n").split("\n")
        old = sum(1 for line in lines if line[:1] in (" ", "-"))
        new = sum(1 for line in lines if line[:1] in (" ", "+"))
        body += f"@@ -{start},{old} +{start},{new} @@\n" + "".join(f"{line}\n" for line in lines)
        start += 40
    return (f"diff --git a/{path} b/{path}\nindex 1111111..2222222 100644\n"
            f"--- a/{path}\n+++ b/{path}\n{body}")


_MIGRATION = "database/migrations/2016_06_01_000001_create_oauth_clients_table.php"


@pytest.mark.parametrize(
    ("diff", "areas"),
    [
        # Rector's and PHP-CS-Fixer's void return with the docblock that stated it dropped
        (_hunks(_MIGRATION, """\
             |    /**
             |     * Run the migrations.
             |-     *
             |-     * @return void
             |     */
             |-    public function up()
             |+    public function up(): void
             |    {
             """.replace("             |", "")), {}),
        (_hunks("app/auth/session.ts", """\
             |  /** Forgets the session. */
             |-  logout() {
             |+  logout(): void {
             """.replace("             |", "")), {}),
        (_hunks("app/auth/views.py", """\
             |-def logout(request):
             |+def logout(request) -> None:
             |     request.session.flush()
             """.replace("             |", "")), {}),
        # a return type naming a value is enforced (PHP) or read (a FastAPI endpoint's
        # response model)
        (_hunks(_MIGRATION, """\
             |-    public function up()
             |+    public function up(): bool
             """.replace("             |", "")), {"migrations": [_MIGRATION]}),
        (_hunks("app/auth/views.py", """\
             |-def login(form=Depends(read_form)):
             |+def login(form=Depends(read_form)) -> Token:
             |     return issue(form)
             """.replace("             |", "")), {"auth": ["app/auth/views.py"]}),
        # the docblock reworded beside a schema change: the change counts
        (_hunks(_MIGRATION, """\
             |    /**
             |-     * @return void
             |+     * Adds the secret column.
             |     */
             |-        $table->string('name');
             |+        $table->string('secret', 100);
             """.replace("             |", "")), {"migrations": [_MIGRATION]}),
    ],
    ids=["php-void-docblock", "ts-void", "python-none", "php-bool", "python-response-model",
         "docblock-beside-schema-change"],
)
def test_a_declared_return_of_nothing_is_a_respelling(
    policy: Policy, diff: str, areas: dict[str, list[str]]
) -> None:
    assert files_by_area(run(diff, policy)) == areas


_GUARD = "src/Auth/TokenGuard.php"
_FILTER = "src/main/java/com/example/auth/TokenFilter.java"


@pytest.mark.parametrize(
    ("diff", "areas"),
    [
        # a fully qualified name written short, the same change importing it
        (_hunks(_GUARD, """\
             | use Psr\\Http\\Message\\ServerRequestInterface;
             |+use SensitiveParameter;
             """.replace("             |", ""), """\
             |     public function __construct(
             |-        #[\\SensitiveParameter]
             |+        #[SensitiveParameter]
             |         private string $secret
             """.replace("             |", "")), {}),
        (_hunks(_FILTER, """\
             |+import java.util.List;
             | import javax.servlet.Filter;
             """.replace("             |", ""), """\
             |-        java.util.List<String> roles = token.roles();
             |+        List<String> roles = token.roles();
             """.replace("             |", "")), {}),
        (_hunks("src/Auth/ClaimsReader.cs", """\
             |+using System.Security.Claims;
             | using Microsoft.AspNetCore.Http;
             """.replace("             |", ""), """\
             |-        var principal = new System.Security.Claims.ClaimsPrincipal(identity);
             |+        var principal = new ClaimsPrincipal(identity);
             """.replace("             |", "")), {}),
        # without the import the short name is another class: the package's own
        (_hunks(_FILTER, """\
             |-        com.example.roles.Role role = token.role();
             |+        Role role = token.role();
             """.replace("             |", "")), {"auth": [_FILTER]}),
        # shortened beside a change of its own, or beside a trait the class now takes
        (_hunks(_FILTER, """\
             |+import java.util.List;
             | import javax.servlet.Filter;
             """.replace("             |", ""), """\
             |-        java.util.List<String> roles = token.roles();
             |+        List<String> roles = token.scopes();
             """.replace("             |", "")), {"auth": [_FILTER]}),
        (_hunks(_GUARD, """\
             | {
             |+    use SensitiveParameter;
             |     public function __construct(
             |-        #[\\SensitiveParameter]
             |+        #[SensitiveParameter]
             """.replace("             |", "")), {"auth": [_GUARD]}),
    ],
    ids=["php-attribute", "java-type", "csharp-namespace", "java-no-import",
         "java-beside-change", "php-trait"],
)
def test_a_qualified_name_the_change_imports_is_a_respelling(
    policy: Policy, diff: str, areas: dict[str, list[str]]
) -> None:
    assert files_by_area(run(diff, policy)) == areas


@pytest.mark.parametrize(
    ("path", "added", "removed", "areas"),
    [
        # other stacks' server-rendered pages: their path under auth/ or named login is no
        # evidence, as an ERB's or a Blade view's is not
        ("pages/login.tmpl", ["\tfont-size: 0.8em;"], ["\tfont-size: 0.86em;"], {}),
        ("web/auth/login.gohtml", ['<p class="forgot">Forgot?</p>'], [], {}),
        ("src/main/webapp/WEB-INF/auth/login.jsp", ['<div class="row">'], [], {}),
        ("lib/app_web/live/auth/login.html.heex", ['<div class="row">'], [], {}),
        # PHP's own templates: a views/ folder's .php (CodeIgniter, Yii), .phtml, .ctp
        ("protected/modules/user/views/auth/login.php",
         ['<div id="user-auth-login" class="container container-login">'],
         ['<div id="user-auth-login" class="container">'], {}),
        ("application/modules/tax_rates/views/form.php",
         ['    value="<?php echo $this->mdl_tax_rates->form_value(\'tax_rate_name\'); ?>" required>'],
         ['    value="<?php echo $this->mdl_tax_rates->form_value(\'tax_rate_name\'); ?>">'], {}),
        ("app/design/frontend/checkout/billing.phtml", ['<div class="row">'], [], {}),
        # what their changed lines say still counts
        ("web/auth/login.gohtml", [], ['<input type="hidden" name="csrf_token" value="{{.CSRF}}">'],
         {"security": ["web/auth/login.gohtml"]}),
        ("application/views/auth/login.php", [],
         ['<input type="hidden" name="<?= $csrf[\'name\'] ?>" value="<?= $csrf[\'hash\'] ?>">'],
         {"security": ["application/views/auth/login.php"]}),
        # a PHP file outside a views folder is code, whatever it prints
        ("application/controllers/auth/login.php", ['<div class="row">'], [],
         {"auth": ["application/controllers/auth/login.php"]}),
        # a `.tmpl` outside a pages folder may render a manifest: its path keeps its weight
        ("deploy/k8s/deployment.yaml.tmpl", ["  replicas: 2"], ["  replicas: 1"],
         {"infrastructure": ["deploy/k8s/deployment.yaml.tmpl"]}),
        # nor is a generator's template of code an EJS view
        ("generators/liquibase/templates/config/liquibase/changelog/entity.xml.ejs",
         ['        <column name="<%= field.columnName %>" type="varchar(255)"/>'], [],
         {"migrations": ["generators/liquibase/templates/config/liquibase/changelog/"
                         "entity.xml.ejs"]}),
    ],
    ids=["go-page-style", "gohtml", "jsp", "heex", "php-views-folder", "php-view-required-field",
         "phtml", "gohtml-csrf-removed", "php-view-csrf-removed", "php-controller",
         "manifest-template", "generator-template"],
)
def test_server_rendered_pages_of_other_stacks_are_content_only(
    policy: Policy, path: str, added: list[str], removed: list[str], areas: dict[str, list[str]]
) -> None:
    assert files_by_area(run(edit(path, added, removed), policy)) == areas


def test_a_python_hook_renamed_where_its_module_assigns_it_clears_its_users(
    policy: Policy,
) -> None:
    assigned = edit("forum/permissions/hooks.py",
                    ["filter_thread_events_hook = FilterHook()"],
                    ["filter_thread_updates_hook = FilterHook()"], start=40)
    user = edit("forum/permissions/threads.py",
                ["    return filter_thread_events_hook(action, user, queryset)"],
                ["    return filter_thread_updates_hook(action, user, queryset)"])
    assert files_by_area(run(assigned + user, policy)) == {}
    # renamed where it is assigned with another value: that file's path still counts
    swapped = assigned.replace("+filter_thread_events_hook = FilterHook()",
                               "+filter_thread_events_hook = OpenHook()")
    assert files_by_area(run(swapped + user, policy)) == {
        "permissions": ["forum/permissions/hooks.py"]
    }


def _renamed_hook_module(second_hunk: str) -> str:
    """A Python module renamed with the class it defines (the rename declared), and a second
    hunk below."""
    old, new = "forum/permissions/thread_updates.py", "forum/permissions/thread_events.py"
    return (
        f"diff --git a/{old} b/{new}\nsimilarity index 80%\nrename from {old}\nrename to {new}\n"
        f"index 1111111..2222222 100644\n--- a/{old}\n+++ b/{new}\n"
        "@@ -9,3 +9,3 @@ from .base import FilterHook\n"
        " \n"
        "-class FilterThreadUpdatesHook(FilterHook):\n"
        "+class FilterThreadEventsHook(FilterHook):\n"
        '     """\n'
        + second_hunk
        + edit("forum/threads/views.py", ["    hook = FilterThreadEventsHook()"],
               ["    hook = FilterThreadUpdatesHook()"])
    )


def test_a_renamed_file_s_hunk_that_changes_no_code_beside_its_rename_is_no_evidence(
    policy: Policy,
) -> None:
    def hunk(*lines: str) -> str:
        return "@@ -22,3 +22,3 @@ class FilterThreadUpdatesHook(FilterHook):\n" + "".join(
            f"{line}\n" for line in lines)

    # a docstring's short line reworded, its quotes not shown: the line leaves an
    # apostrophe's string open, which Python's code cannot
    docstring = hunk(" ", "-    A queryset returning thread's updates.",
                     "+    A queryset returning thread's events.", " ")
    assert files_by_area(run(_renamed_hook_module(docstring), policy)) == {}
    # a comment reworded beside the rename
    comment = hunk("         queryset = queryset.filter(thread=thread)",
                   "-        # only the updates the user may see",
                   "+        # only the events the user may see, newest first",
                   "         return queryset")
    assert files_by_area(run(_renamed_hook_module(comment), policy)) == {}
    # a line of code changed below the rename: the renamed file's path counts
    code = hunk(" ", "-        return queryset", "+        return queryset.all()", " ")
    assert files_by_area(run(_renamed_hook_module(code), policy)) == {
        "permissions": ["forum/permissions/thread_events.py",
                        "forum/permissions/thread_updates.py"]
    }


@pytest.mark.parametrize(
    ("removed", "added", "areas"),
    [
        # pyupgrade's and ruff's UP036: Python 2's branch taken out, Python 3's kept as it ran
        (["if sys.version_info[0] == 2:", "    from base64 import decodestring as decodebytes",
          "else:", "    from base64 import decodebytes"],
         ["from base64 import decodebytes"], {}),
        (["    if six.PY2:", "        digest = hmac.new(str(key), payload, sha1)", "    else:",
          "        digest = hmac.new(key.encode(), payload, sha1)"],
         ["    digest = hmac.new(key.encode(), payload, sha1)"], {}),
        # look-alikes: the Python 3 branch changed too, a check that ran on Python 3 dropped
        (["    if six.PY2:", "        digest = hmac.new(str(key), payload, sha1)", "    else:",
          "        digest = hmac.new(key.encode(), payload, sha1)"],
         ["    digest = hmac.new(key.encode(), payload, md5)"],
         {"billing": ["billing/webhooks.py"]}),
        (["    if six.PY3:", "        verify_signature(payload, signature)"], [],
         {"billing": ["billing/webhooks.py"]}),
    ],
    ids=["py2-import-dropped", "py2-branch-dropped", "py3-branch-changed-too",
         "py3-check-dropped"],
)
def test_python_2_branches_taken_out_keep_a_paths_weight_off(
    policy: Policy, removed: list[str], added: list[str], areas: dict[str, list[str]]
) -> None:
    found = files_by_area(run(edit("billing/webhooks.py", added, removed), policy))
    assert {area: files for area, files in found.items() if area == "billing"} == areas


def test_a_framework_attribute_respelt_where_it_is_assigned_is_evidence(policy: Policy) -> None:
    # nothing reads `permissionClasses`: the view falls back to the default permissions
    respelt = edit("app/views/projects.py", ["    permissionClasses = [IsAuthenticated]"],
                   ["    permission_classes = [IsAuthenticated]"],
                   section="class ProjectViewSet(viewsets.ModelViewSet):")
    assert files_by_area(run(respelt, policy)) == {"permissions": ["app/views/projects.py"]}
