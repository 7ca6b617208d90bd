"""The frameworks' own security, authorisation, transaction and schema APIs (issue 9).

Rules fitted to the development commits did not carry over to repositories nobody tuned on;
the names a framework gives its security API do, by construction. Each row is a line written
with a framework's documented API, in a file no path pattern claims, and the rule that must
read it; a row with no rule is a look-alike from another library that must stay silent. Every
named rule is one the policy did not have, or did not match this API with, before.
"""

from __future__ import annotations

import pytest

from bot.analysis.classify import classify
from bot.analysis.diff import parse_diff
from policies.model import Policy
from tests.bot._diffs import edit
from tests.bot.analysis._rules import rules_found


@pytest.mark.parametrize(
    ("path", "line", "rule"),
    [
        # Spring Security: a resource server's JWT decoding, session management
        ("src/main/java/org/shop/web/WebConfig.java",
         "http.oauth2ResourceServer(Customizer.withDefaults());",
         "auth.spring-security"),
        ("src/main/java/org/shop/web/WebConfig.java",
         "        .sessionManagement(s -> s.maximumSessions(1))", "auth.spring-security"),
        # Apache Shiro's realms, Quarkus's and Micronaut's security API
        ("src/main/java/org/shop/web/ShopRealm.java",
         "public class ShopRealm extends AuthorizingRealm {", "auth.jvm-auth"),
        ("src/main/java/org/shop/web/Account.java",
         "subject.login(new UsernamePasswordToken(name, secret));", "auth.jvm-auth"),
        ("src/main/java/org/shop/web/OrderResource.java",
         "    @Inject SecurityIdentity identity;", "auth.jvm-auth"),
        # Shiro's and Jakarta EE's access annotations and role checks
        ("src/main/java/org/shop/web/OrderController.java",
         '@RequiresPermissions("order:refund")', "permissions.jvm-authz"),
        ("src/main/java/org/shop/web/OrderResource.java", "@DenyAll", "permissions.jvm-authz"),
        ("src/main/java/org/shop/web/OrderResource.java",
         'if (ctx.isUserInRole("manager")) {', "permissions.jvm-authz"),
        # ... and the permissions a Shiro realm grants
        ("src/main/java/org/shop/shiro/AdminRealm.java", '        info.addStringPermission("*");',
         "permissions.jvm-authz"),
        ("src/main/java/org/shop/shiro/AdminRealm.java",
         "        SimpleAuthorizationInfo info = new SimpleAuthorizationInfo();",
         "permissions.jvm-authz"),
        # Liquibase changelog in YAML
        ("src/main/resources/db/master.yaml", "databaseChangeLog:",
         "migrations.flyway-liquibase"),
        # ASP.NET Core: the cookie and OIDC handlers registered, authorisation handlers
        ("src/Web/Program.cs", "    .AddCookie(options => options.LoginPath = path)",
         "auth.aspnet-identity"),
        ("src/Web/Program.cs",
         "services.AddScheme(CookieAuthenticationDefaults.AuthenticationScheme);",
         "auth.aspnet-identity"),
        ("src/Web/TeamMemberHandler.cs",
         "public class TeamMemberHandler : AuthorizationHandler<TeamRequirement, Team>",
         "permissions.aspnet-authz-handlers"),
        ("src/Web/OrdersController.cs",
         "var result = await _authz.AuthorizeAsync(User, order, Operations.Update);",
         "permissions.aspnet-authz-handlers"),
        # ... and an endpoint let past every authorisation policy (minimal APIs, endpoint
        # routing); a look-alike: an option merely named for it, set elsewhere
        ("src/Web/DashboardEndpoints.cs",
         '        app.MapGet("/dashboard/stats", Stats).AllowAnonymous();',
         "permissions.aspnet-authz"),
        ("src/Web/DashboardEndpoints.cs",
         "        var open = endpoint.Metadata.GetMetadata<IAllowAnonymous>() != null;",
         "permissions.aspnet-authz"),
        ("src/Web/DashboardOptions.cs", "        AllowAnonymousDashboard = true;", None),
        # ASP.NET Core's external sign-in providers, added by name; a look-alike that is not one
        ("src/Web/Startup.cs", "    .AddGoogle(options => options.ClientId = id)",
         "auth.aspnet-identity"),
        ("src/Web/Startup.cs", "    .AddMicrosoftAccount(options => options.ClientId = id)",
         "auth.aspnet-identity"),
        ("src/Web/Startup.cs", "services.AddGoogleAnalytics(options => options.Id = id);", None),
        # the session id kept out of URLs: the Servlet API's tracking modes, Shiro's session
        # manager, PHP's settings; a look-alike that tracks something else
        ("src/main/java/org/shop/web/WebInit.java",
         "ctx.setSessionTrackingModes(EnumSet.of(SessionTrackingMode.COOKIE));",
         "security.session-id-transport"),
        ("src/main/java/org/shop/web/AdminSessionManager.java",
         "        setSessionIdUrlRewritingEnabled(false);", "security.session-id-transport"),
        ("docker/php.ini", "session.use_only_cookies = 1", "security.session-id-transport"),
        ("src/main/java/org/shop/web/Analytics.java", "tracker.setMode(TrackingMode.URL);", None),
        # ASP.NET Core antiforgery and CORS; EF Core's model configuration
        ("src/Web/Program.cs", "builder.Services.AddAntiforgery(o => o.HeaderName = name);",
         "security.web-protections"),
        ("src/Web/Program.cs", "app.UseCors();", "security.web-protections"),
        ("src/Data/OrderConfiguration.cs", "builder.HasIndex(o => o.Number).IsUnique();",
         "migrations.ef-migrations"),
        # Symfony's security configuration; Doctrine migrations outside a migrations folder
        ("config/packages/security.yaml", "        lazy: true", "auth.path"),
        ("src/DoctrineMigrations/Version20240927155535.php",
         "final class Version20240927155535 extends AbstractMigration",
         "migrations.doctrine-migrations"),
        # Laravel: a password broker, the can: middleware, Cashier
        ("app/Http/Controllers/AccountController.php",
         "$status = Password::sendResetLink($request->only('email'));", "auth.laravel-auth"),
        ("routes/web.php", "Route::put('/posts/{post}', $update)->middleware('can:update,post');",
         "permissions.laravel-authz"),
        ("app/Models/Team.php", "use Laravel\\Cashier\\Billable;", "billing.stripe"),
        # ... in a controller and in a Blade view alike: a view that prints the signed-in user's
        # token, or shows a part of the page only to who is signed in
        ("app/Http/Controllers/TeamController.php", "        $teams = Auth::user()->allTeams();",
         "auth.laravel-auth"),
        ("resources/views/profile.blade.php", "    <code>{{ Auth::user()->api_token }}</code>",
         "auth.laravel-auth"),
        ("resources/views/layouts/app.blade.php", "    @if (Auth::check())", "auth.laravel-auth"),
        # Rails: a controller's sign-in filter, HTTP authentication; CanCanCan with parentheses
        ("app/controllers/reports_controller.rb", "  before_action :require_login, only: :show",
         "auth.rails-auth"),
        ("app/controllers/api/base_controller.rb",
         "    authenticate_or_request_with_http_token do |token, _options|", "auth.rails-auth"),
        ("app/controllers/reports_controller.rb", "    @reports = Report.accessible_by(ability)",
         "permissions.rails-authz"),
        # the Rails Security Guide's unauthorised access: a record found through its model by
        # the id the request names, whoever it belongs to
        ("app/controllers/projects_controller.rb", "    @project = Project.find(params[:id])",
         "permissions.unscoped-lookup"),
        ("app/controllers/admin/users_controller.rb",
         "    user = Admin::User.find_by!(id: params[:user_id])", "permissions.unscoped-lookup"),
        # Django REST framework's authentication and permission defaults; Django's security
        # settings; Flask-Security's decorators; FastAPI's scopes
        ("shop/settings.py", '    "DEFAULT_AUTHENTICATION_CLASSES": [', "auth.django-auth"),
        ("shop/settings.py", "AUTHENTICATION_BACKENDS = [", "auth.django-auth"),
        ("shop/settings.py", '    "DEFAULT_PERMISSION_CLASSES": [', "permissions.django-perms"),
        ("shop/settings.py", "SECURE_PROXY_SSL_HEADER = (name, value)",
         "security.security-headers"),
        # the Referrer-Policy header by a middleware's or an option's name
        ("shop/settings.py", '    "shop.middleware.ReferrerPolicyMiddleware",',
         "security.security-headers"),
        ("src/app.ts", "app.use(helmet.referrerPolicy({ policy: 'no-referrer' }));",
         "security.security-headers"),
        ("src/ui/link.tsx", "  const referrer = document.referrer;", None),
        # TLS turned on or off by a client option's name; a TLS version header is none
        ("radicale/auth/ldap.py", '        ldap_use_ssl = configuration.get("auth", "ldap_use_ssl")',
         "security.transport"),
        ("src/main/resources/application.properties",
         "spring.datasource.url=jdbc:mysql://db/shop?useSSL=false", "security.transport"),
        ("Shop/Mail/Sender.cs", "        client.EnableSsl = true;", "security.transport"),
        ("internal/mail/send.go", "	DisableTLS: cfg.DisableTLS,", "security.transport"),
        ("src/ui/sslBadge.ts", "  const sslBadge = useSslBadge(site);", None),
        # libpq's sslmode by its documented values: a connection string's, a client's option
        ("deploy/app.env", "DATABASE_URL=postgres://app@db/app?sslmode=require",
         "security.transport"),
        ("src/db/connect.js", "        : ssl === 'verify-full'", "security.transport"),
        ("src/db/connect.py", '    options = {"sslmode": "verify-ca"}', "security.transport"),
        ("config/database.yml", "  sslmode: disable", "security.transport"),
        ("src/kyc/steps.ts", "  { id: 'verify-full', label: 'Full verification' },", None),
        ("src/ui/status.ts", "  const mode = 'verify-form';", None),
        ("src/ui/status.ts", "  const full = verifyFull(form);", None),
        # a load balancer's X-Forwarded-For settings by their abbreviation
        ("modules/alb/main.tf", "  xff_header_processing_mode = var.xff_header_processing_mode",
         "security.proxy-trust"),
        ("modules/alb/main.tf", "  enable_xff_client_port     = var.enable_xff_client_port",
         "security.proxy-trust"),
        ("src/fonts/xffont.css", "  font-family: xffamily;", None),
        ("shop/views.py", "@auth_required()", "auth.flask-login"),
        ("shop/views.py", '@roles_accepted("admin", "editor")', "permissions.roles"),
        ("shop/api.py", "async def read_items(security_scopes: SecurityScopes):",
         "auth.fastapi-security"),
        # JS/TS: jose's JWT API, express-session, Sequelize and Knex migrations, drizzle-kit's
        # SQL, NestJS's throttler
        ("src/lib/tokens.ts", "const { payload } = await jwtVerify(token, key);", "auth.jwt"),
        ("src/server.ts", 'import session from "express-session";', "auth.session-handling"),
        ("db/20240101-add-plan.js",
         "await queryInterface.addColumn('Users', 'plan', { type: Sequelize.STRING });",
         "migrations.js-migrations"),
        ("db/20240101_orders.js", "  return knex.schema.alterTable('orders', (t) => {",
         "migrations.js-migrations"),
        ("drizzle/0003_tidy_orders.sql", "--> statement-breakpoint", "migrations.path"),
        ("src/app.module.ts", "  providers: [{ provide: APP_GUARD, useClass: ThrottlerGuard }],",
         "security.rate-limiting"),
        # Go: goose's migrations, Gin's and Echo's authentication middleware, basic auth read
        ("db/20240101_orders.go", "\tgoose.AddMigrationContext(upOrders, downOrders)",
         "migrations.go-rust-migrations"),
        ("server/routes.go", 'admin := r.Group("/admin", gin.BasicAuth(accounts))',
         "auth.go-auth"),
        ("server/routes.go", "\tuser, pass, ok := r.BasicAuth()", "auth.go-auth"),
        # Rust: actix's and axum's bearer extractors; rustls
        ("src/routes.rs", "async fn me(auth: BearerAuth) -> impl Responder {", "auth.rust-auth"),
        ("src/server.rs", "let config = rustls::ServerConfig::builder()", "security.transport"),
        # a TLS private key parsed from PEM (rustls-pemfile); a registry reached
        # over plain HTTP (ORAS, Helm, Docker)
        ("src/tls.rs", "use rustls_pemfile::{certs, pkcs8_private_keys};", "security.transport"),
        ("pkg/oci/pull.go", "\trepo.PlainHTTP = opts.PlainHTTP", "security.transport"),
        ("cmd/pull.go", '\tcmd.Flags().BoolVar(&plainHTTP, "plain-http", false, "pull over HTTP")',
         "security.transport"),
        ("deploy/daemon.json", '  "insecure-registries": ["registry.local:5000"],',
         "security.transport"),
        # look-alikes: a plain-text body, a key kind parsed from a form, an HTTP client named
        ("server/mail.go", "\tmsg.SetBody(plainText)", None),
        ("src/forms.rs", "    let kind = parse_key_kind(&form.kind)?;", None),
        # Kubernetes pod security; cloud key management
        ("deploy/api.yaml", "      seccompProfile:", "security.container-hardening"),
        ("deploy/namespace.yaml", "    pod-security.kubernetes.io/enforce: restricted",
         "security.container-hardening"),
        ("modules/storage/main.tf", 'resource "aws_kms_key" "bucket" {', "security.encryption"),
        # Spring WebFlux security, Spring's CORS configuration, ASP.NET Core's HTTPS redirection
        # and roles
        ("src/main/java/org/shop/web/WebConfig.java",
         "@EnableWebFluxSecurity",
         "auth.spring-security"),
        ("src/main/java/org/shop/web/WebConfig.java",
         "CorsConfiguration config = new CorsConfiguration();", "security.web-protections"),
        ("src/Web/Program.cs", "app.UseHttpsRedirection();", "security.transport"),
        ("src/Web/TeamService.cs", "private readonly RoleManager<IdentityRole> _roles;",
         "permissions.roles"),
        # Symfony's authenticators; Doctrine's transactions and locks; Symfony's lock component
        ("src/Web/ApiKeyAuthenticator.php",
         "class ApiKeyAuthenticator extends AbstractAuthenticator", "auth.symfony-auth"),
        ("src/Repository/OrderRepository.php", "$this->em->beginTransaction();",
         "transactions.rails-laravel-tx"),
        ("src/Repository/OrderRepository.php",
         "$order = $this->em->find(Order::class, $id, LockMode::PESSIMISTIC_WRITE);",
         "transactions.rails-laravel-tx"),
        ("src/Command/ImportCommand.php", "    private LockFactory $lockFactory,",
         "transactions.locks"),
        # Rails: tokens for password resets
        ("app/models/user.rb", "  generates_token_for :password_reset, expires_in: 15.minutes",
         "auth.rails-auth"),
        # Django's signing, itsdangerous
        ("shop/views.py", "value = signing.loads(request.GET['t'], max_age=3600)",
         "security.signing"),
        # Sign-in services' SDKs
        ("src/server/clerk.ts", "export default clerkMiddleware();", "auth.auth-services"),
        ("src/server/api.ts", "const decoded = await admin.auth().verifyIdToken(idToken);",
         "auth.auth-services"),
        # TypeORM's and Sequelize's locks and optimistic versions
        ("src/orders/order.entity.ts", "  @VersionColumn()", "transactions.js-tx"),
        ("src/orders/service.ts", "const row = await Order.findByPk(id, { lock: t.LOCK.UPDATE });",
         "transactions.js-tx"),
        # Go: a transaction opened with its isolation level; certificates by ACME
        ("store/store.go", "tx, err := s.handle.BeginTx(ctx, nil)", "transactions.go-tx"),
        ("store/store.go", "Isolation: sql.LevelSerializable,", "transactions.go-tx"),
        # sqlx's own Begin, an isolation level chosen
        ("domain/store.go", "\tctx.Transaction, err = h.Runtime.Db.Beginx()", "transactions.go-tx"),
        ("domain/store.go", "\ttx := db.MustBegin()", "transactions.go-tx"),
        ("domain/store.go", "\tctx.Transaction, ok = rt.StartTx(sql.LevelReadUncommitted)",
         "transactions.go-tx"),
        # not any Commit of a field of that name (an editor's undo group)
        ("internal/editor/undo.go", "\te.buf.Transaction.Commit()", None),
        ("cmd/server/main.go", "m := &autocert.Manager{Prompt: autocert.AcceptTOS}",
         "security.transport"),
        # Relationship-based authorisation services; Rust's rate limiter
        ("internal/authz/check.go", 'import openfga "github.com/openfga/go-sdk/client"',
         "permissions.acl-rbac"),
        ("src/server.rs", "let governor = GovernorLayer { config: Arc::new(conf) };",
         "security.rate-limiting"),
        # Go's limiters asked before a request goes on
        ("internal/api/webdav.go", "\t\tif limiter.Auth.Reject(clientIp) {", "security.rate-limiting"),
        ("internal/server/mw.go", "\tif !ipLimiter.Allow() {", "security.rate-limiting"),
        ("internal/server/mw.go", "\tl := rate.NewLimiter(rate.Every(time.Second), 5)",
         "security.rate-limiting"),
        ("internal/feed/filter.go", "\tif !filter.Allow(item) {", None),
        ("internal/server/mw.go", "\tlimiter := newWindow(cfg)", None),
        # Public S3 buckets; pod security kinds
        ("modules/storage/main.tf", "  block_public_acls       = false",
         "security.network-exposure"),
        ("deploy/psp.yaml", "kind: PodSecurityPolicy", "security.container-hardening"),
        # The frameworks' security configuration files: Rails' session store, encrypted
        # credentials, log filter and CSP; Laravel's hashing and CSRF middleware; Spring's
        # security properties
        ("config/initializers/session_store.rb", "  key: '_shop_app'", "auth.path"),
        ("config/hashing.php", "    'driver' => 'argon2id',", "auth.path"),
        ("app/Http/Middleware/VerifyCsrfToken.php", "        '/stripe/*',", "security.path"),
        ("config/credentials.yml.enc", "aGVsbG8=--c2FsdA==--aXY=", "security.path"),
        ("config/initializers/filter_parameter_logging.rb", "  :email, :ssn, :otp", "security.path"),
        ("config/initializers/secure_headers.rb", "  tiktok = %w[analytics.tiktok.com]",
         "security.path"),
        # ... and, wherever a framework or a middleware builds them, the Content-Security-Policy
        # and Strict-Transport-Security headers (helmet's folders, Hanami's file, an ASP.NET
        # middleware by its class); a settings screen about them and a folder of that name are
        # not
        ("middlewares/content-security-policy/index.ts",
         "  const directives = structuredClone(DEFAULT_DIRECTIVES);", "security.path"),
        ("lib/hanami/config/actions/content_security_policy.rb", '          end.join(";")',
         "security.path"),
        ("middlewares/strict-transport-security/index.ts",
         "const DEFAULT_MAX_AGE = 365 * 24 * 60 * 60;", "security.path"),
        ("src/Web/Middleware/ContentSecurityPolicyMiddleware.cs",
         "        var header = BuildHeader(options);", "security.path"),
        ("src/components/ContentSecurityPolicyHelp.vue", "  <p>{{ t('help') }}</p>", None),
        ("app/content/security/policy.py", "    limit = 20", None),
        ("src/main/resources/application.properties",
         "spring.security.oauth2.client.registration.github.scope=read:user",
         "auth.spring-security"),
        # Identity providers, host volumes, TLS policies and WAFs configured as code
        ("modules/users/main.tf", 'resource "aws_cognito_user_pool" "users" {', "auth.iac-identity"),
        ("deploy/agent.yaml", "        hostPath:", "security.container-hardening"),
        ("modules/lb/main.tf", '  ssl_policy        = "ELBSecurityPolicy-2016-08"', "security.transport"),
        ("modules/lb/main.tf", 'resource "aws_wafv2_web_acl_association" "lb" {',
         "security.network-exposure"),
        # ASP.NET Core Identity's role API on UserManager
        ("src/Web/Approval/ApproveRule.cs",
         "if (await _users.IsInRoleAsync(user, StaffRoles.Approver))", "permissions.roles"),
        ("src/Web/Admin/StaffService.cs", 'await _users.AddToRoleAsync(user, "Manager");',
         "permissions.roles"),
        # a password hashing algorithm named inside an identifier
        ("src/utils/crypto.ts", "const key = await hashWithScrypt(secret.normalize('NFKC'), salt);",
         "auth.password-hashing"),
        # Go's net/http adds a cookie to a request: not ASP.NET Core's cookie handler
        ("server/client.go", "req.AddCookie(&http.Cookie{Name: name, Value: value})", None),
        # OpenStack's oslo.policy: a service's policy defaults and the check strings in them
        ("nova/policies/servers.py", "    policy.DocumentedRuleDefault(",
         "permissions.oslo-policy"),
        ("keystone/common/policies/ec2.py", "deprecated_create = policy.DeprecatedRule(",
         "permissions.oslo-policy"),
        ("cinder/policies/volumes.py",
         "    '(role:reader and domain_id:%(target.project.domain_id)s) or '",
         "permissions.oslo-policy"),
        ("nova/policies/base.py", "ADMIN_OR_OWNER = 'rule:admin_api or project_id:%(x)s'",
         "permissions.oslo-policy"),
        # ... not a retry, cache or scheduler policy, nor a CSS rule or a prose "role: ..."
        ("shop/http/client.py", "retry_policy = policy.ExponentialBackoff(max_tries=3)", None),
        ("shop/cache.py", "    eviction = CachePolicy.LRU", None),
        ("web/static/site.css", "a:hover, a:focus { color: red; }", None),
        ("shop/format.py", "    return '%(target)s' % values", None),
    ],
)
def test_a_framework_security_api_is_evidence(
    policy: Policy, path: str, line: str, rule: str | None
) -> None:
    found = rules_found(path, line, policy)
    assert (rule in found) if rule else (found == set()), found


@pytest.mark.parametrize(
    ("path", "line"),
    [
        # a Django app's single test module
        ("shop/accounts/tests.py", '        user.set_password("secret")'),
        # ... or a module of tests or test helpers named so, a scratch script at the root
        ("test.py", 'razorpay.Client(auth=("rzp_test_key", "secret"))'),
        ("shop/accounts/test.py", '        user.set_password("secret")'),
        # a .NET test project's helpers (named after the project under test, not *Tests.cs)
        ("Shop.Web.Tests/Helpers/SignInHelper.cs",
         "private readonly SignInManager<User> _signInManager;"),
        ("BTCPayServer.Tests/ServerTester.cs", "await _signInManager.SignOutAsync();"),
        # Gradle's test fixtures and integration-test source sets
        ("shop/src/testFixtures/java/org/shop/Users.java", '@PreAuthorize("hasRole(\'ADMIN\')")'),
        ("shop/src/integrationTest/kotlin/org/shop/Orders.kt", "@Transactional"),
    ],
)
def test_a_framework_test_convention_is_not_evidence(policy: Policy, path: str, line: str) -> None:
    assert rules_found(path, line, policy) == set()


@pytest.mark.parametrize(
    ("path", "line"),
    [
        # Terraform's provider lock: an .hcl file, but no infrastructure
        ("infra/.terraform.lock.hcl", '  version     = "5.31.0"'),
        # npm's and NuGet's lock files name packages, whatever the packages are about
        ("npm-shrinkwrap.json", '    "node_modules/jsonwebtoken": {'),
        ("src/Web/packages.lock.json", '      "Microsoft.AspNetCore.Authentication.JwtBearer": {'),
    ],
)
def test_a_lock_file_of_another_ecosystem_is_not_evidence(
    policy: Policy, path: str, line: str
) -> None:
    assert rules_found(path, line, policy) == set()


@pytest.mark.parametrize(
    "line",
    [
        # through the caller's own records (the guide's remedy)
        "    @project = current_user.projects.find(params[:id])",
        # an id the code holds, not one the request names
        "    project = Project.find(job.project_id)",
        # a request's id read for something other than a lookup
        "    redirect_to project_path(params[:id])",
    ],
)
def test_a_lookup_through_the_callers_records_is_not_unscoped(policy: Policy, line: str) -> None:
    found = rules_found("app/controllers/projects_controller.rb", line, policy)
    assert "permissions.unscoped-lookup" not in found, found


PINNED = "actions/checkout@8f4b7f84864484a7bf31766abe9204da3cbe65b3 # v3.5.0"


@pytest.mark.parametrize(
    ("added", "removed", "pinned"),
    [
        # an action pinned to a full commit SHA (GitHub's hardening guide), and the pin removed
        ([f"      - uses: {PINNED}"], ["      - uses: actions/checkout@v3"], True),
        (["      - uses: actions/checkout@v3"], [f"      - uses: {PINNED}"], True),
        # a tag or a branch is a mutable reference: nothing was pinned
        (["      - uses: actions/checkout@v4"], ["      - uses: actions/checkout@v3"], False),
        # a local action has no source to pin
        (["      - uses: ./.github/actions/setup"], [], False),
    ],
)
def test_a_ci_action_pin_is_security_evidence(
    policy: Policy, added: list[str], removed: list[str], pinned: bool
) -> None:
    result = classify(parse_diff(edit(".github/workflows/ci.yml", added, removed)), policy)
    found = {e.rule for area in result.areas for e in area.evidence}
    assert ("security.ci-action-pinning" in found) is pinned, found


@pytest.mark.parametrize(
    ("path", "added", "removed", "fires"),
    [
        # an expression expanded into a script (GitHub's script-injection guidance): inline,
        # as a shell assignment, as a command's argument, in a composite action; and moved out
        # of one into the step's env (the removed line is the evidence)
        (".github/workflows/test.yml", ["        run: chainsaw test tests/${{ matrix.test }}"],
         [], True),
        (".github/workflows/release.yml", ["          ASSIGNEE=${{ github.actor }}"], [], True),
        (".github/workflows/release.yml",
         ['          gh pr comment ${{ steps.pr.outputs.number }} --body "done"'], [], True),
        (".github/actions/setup/action.yml", ['      run: docker push "${{ steps.meta.outputs.tag }}"'], [],
         True),
        (".github/workflows/test.yml", ["          MATRIX_TEST: ${{ matrix.test }}",
                                        '        run: chainsaw test "tests/${MATRIX_TEST}"'],
         ["        run: chainsaw test tests/${{ matrix.test }}"], True),
        # look-alikes: expressions in YAML keys (env entries, action inputs, conditions, names),
        # a script reading an environment variable, the same line outside a workflow
        (".github/workflows/test.yml", ["          MATRIX_TEST: ${{ matrix.test }}"], [], False),
        (".github/workflows/test.yml", ["          python-version: ${{ matrix.python }}"], [],
         False),
        (".github/workflows/test.yml", ["    if: ${{ github.event_name == 'push' }}"], [], False),
        (".github/workflows/test.yml", ["    name: test (${{ matrix.os }})"], [], False),
        (".github/workflows/release.yml", ["            type=raw,value=${{ github.sha }}"], [],
         False),
        (".github/workflows/test.yml", ['        run: chainsaw test "tests/${MATRIX_TEST}"'], [],
         False),
        ("docs/ci.md", ["    run: chainsaw test tests/${{ matrix.test }}"], [], False),
    ],
)
def test_an_expression_in_a_ci_script_is_security_evidence(
    policy: Policy, path: str, added: list[str], removed: list[str], fires: bool
) -> None:
    result = classify(parse_diff(edit(path, added, removed)), policy)
    found = {e.rule for area in result.areas for e in area.evidence}
    assert ("security.ci-script-expressions" in found) is fires, found


@pytest.mark.parametrize(
    ("path", "line", "found"),
    [
        # the browser code of a server-rendered application: a field's name, shown or hidden
        ("app/javascript/controllers/password_visibility_controller.js",
         '    this.passwordTarget.type = visible ? "password" : "text";', False),
        ("app/assets/javascripts/login.js", "  $('#password').focus();", False),
        ("resources/js/components/login.js", "    const password = form.querySelector('#password');",
         False),
        ("assets/js/app.js", '  document.getElementById("remember_me").checked = true;', False),
        # counter-examples: the server's code, a Node server's routes
        ("app/controllers/sessions_controller.rb", "    @password = params.require(:password)",
         True),
        ("src/routes/login.js", "  const ok = await verify(req.body.password, user.hash);", True),
    ],
    ids=["rails-stimulus-controller", "rails-sprockets", "laravel-resources-js", "assets-js",
         "rails-controller", "node-route"],
)
def test_credential_words_in_browser_asset_folders_are_not_evidence(
    policy: Policy, path: str, line: str, found: bool
) -> None:
    assert ("auth.credentials" in rules_found(path, line, policy)) is found


@pytest.mark.parametrize(
    ("path", "found"),
    [
        # Casbin's built-in matcher functions, as each port names their file
        ("casbin/util/builtin_operators.py", True),
        ("util/builtin_operators.go", True),
        ("src/util/builtinOperators.ts", True),
        ("src/main/java/org/casbin/jcasbin/util/BuiltInFunctions.java", True),
        ("NetCasbin/Util/BuiltInFunctions.cs", True),
        # an interpreter's or a template engine's built-ins: not who may do what
        ("src/interpreter/builtin_functions.py", False),
        ("lib/template/BuiltInFunctions.java", False),
        ("src/Engine/Util/BuiltInFunctions.cs", False),
        ("pkg/eval/builtin_operators.go", False),
    ],
)
def test_casbin_matcher_functions_are_permissions(policy: Policy, path: str, found: bool) -> None:
    line = "    return regex_match(key1, '^' + key2 + '$')"
    result = classify(parse_diff(edit(path, [line], ["    return key1 == key2"])), policy)
    rules = {e.rule for area in result.areas for e in area.evidence}
    assert ("permissions.path" in rules) is found, rules
