"""How a change alters authentication, in each stack's own spelling: session and cookie settings
and the session renewed at sign-in, what a token check accepts (audience, issuer, keys, clock
skew, lifetime, refresh-token rotation), password-reset tokens, remember-me, a second factor,
an OAuth client's PKCE, state and redirect URIs, sign-in attempts and lockout, API-key schemes,
WebAuthn ceremonies, recovery codes and magic links, the sign-in helpers of Rails 8, Django 5.1,
Flask-Login and Clerk.

Found by writing made-up diffs of each framework's documented idioms and running them through
`modeltier scan`: every named row was routine (no evidence of its rule) before. A row with no
rule is a look-alike that must stay silent: a retry counter, a cache's lifetime, a session of
another kind, a lockout of a quiz, an OAuth word in a component.
"""

from __future__ import annotations

import pytest

from policies.model import Policy
from tests.bot.analysis._rules import assert_rule_or_quiet, rules_found, rules_in_section

SESSION = "auth.session-handling"
TOKENS = "auth.token-validation"
JWT = "auth.jwt"
OAUTH = "auth.oauth-flow"
MFA = "auth.mfa-sso"
ATTEMPTS = "auth.login-throttling"
CREDENTIALS = "auth.credentials"
RESET = "auth.reset-tokens"
CLIENTS = "auth.client-credentials"
LIFECYCLE = "auth.session-lifecycle"
STRENGTH = "auth.password-strength"

JAVA = "src/main/java/org/shop/web/TokenService.java"
SPRING = "src/main/java/org/shop/config/WebConfig.java"


@pytest.mark.parametrize(
    ("path", "line", "rule"),
    [
        # Python: Django's session engine and reset tokens, Flask-Login's remember cookie,
        # FastAPI's API-key schemes, passlib, django-axes, Simple JWT, an OAuth client's state
        ("shop/settings.py",
         'SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"', SESSION),
        ("shop/settings.py", '    "django.contrib.sessions.middleware.SessionMiddleware",',
         SESSION),
        ("shop/settings.py", '    "shop.core.middleware.ShopSessionMiddleware",', SESSION),
        ("app/main.py", "app.add_middleware(SessionMiddleware, secret_key=settings.secret)",
         SESSION),
        # ... CherryPy's session tool, by its documented configuration keys
        ("plexpy/webstart.py",
         "            'tools.sessions.storage_class': cherrypy.lib.sessions.FileSession,",
         SESSION),
        ("app/server.py", "    'tools.sessions.timeout': 60,", SESSION),
        ("app/server.py", "    'tools.staticdir.on': True,", None),
        ("shop/settings.py", "PASSWORD_RESET_TIMEOUT = 60 * 60 * 24", CREDENTIALS),
        ("shop/views.py", "    if not default_token_generator.check_token(user, token):",
         RESET),
        ("shop/tokens.py", "class ActivationTokenGenerator(PasswordResetTokenGenerator):",
         CREDENTIALS),
        ("shop/config.py", "    REMEMBER_COOKIE_DURATION = timedelta(days=14)", CREDENTIALS),
        ("shop/api.py", "api_key_header = APIKeyHeader(name=API_KEY_NAME)",
         "auth.fastapi-security"),
        ("shop/api.py", "async def get_key(key: str = Security(api_key_header)):",
         "auth.fastapi-security"),
        ("shop/security.py", "    return pwd_context.verify(plain, hashed)",
         "auth.password-hashing"),
        ("shop/settings.py", "AXES_FAILURE_LIMIT = 5", ATTEMPTS),
        ("shop/settings.py", "SIMPLE_JWT = {", JWT),
        ("shop/settings.py", '    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=5),', TOKENS),
        ("shop/settings.py", '    "ROTATE_REFRESH_TOKENS": True,', TOKENS),
        ("shop/models.py", "    otp_secret = models.CharField(max_length=32)", MFA),
        ("shop/views.py",
         '    if request.args.get("state") != session.pop("oauth_state", None):', OAUTH),
        ("shop/views.py", "    code_verifier = secrets.token_urlsafe(64)", OAUTH),
        # ... Django 5.1's exemption from LoginRequiredMiddleware, Flask-Login's LoginManager
        ("shop/views.py", "@login_not_required", "auth.django-auth"),
        ("shop/app.py", "login_manager = LoginManager(app)", "auth.flask-login"),
        ("shop/app.py", 'login_manager.session_protection = "strong"', "auth.flask-login"),
        ("shop/app.py", "@login_manager.user_loader", "auth.flask-login"),
        # Rails: the session store, OmniAuth's configuration, a remember token, signed ids for
        # a reset, Doorkeeper's token lifetime, refresh tokens and redirect URIs
        ("config/application.rb",
         '    config.session_store :cookie_store, key: "_shop_session"', SESSION),
        # ... Rails 8's authentication generator: routes let in, a session started and ended
        ("app/controllers/orders_controller.rb",
         "  allow_unauthenticated_access only: %i[new create]", "auth.rails-auth"),
        ("app/controllers/concerns/access.rb", "    start_new_session_for user", "auth.rails-auth"),
        ("app/controllers/application_controller.rb", "    terminate_session", "auth.rails-auth"),
        ("config/initializers/omniauth.rb",
         "OmniAuth.config.allowed_request_methods = [:post]", "auth.omniauth"),
        ("app/models/user.rb",
         "    cookies.permanent.encrypted[:remember_token] = remember_token", CREDENTIALS),
        ("app/models/user.rb",
         "    user = User.find_signed!(params[:token], purpose: :password_reset)", RESET),
        ("app/models/user.rb", "    self.reset_password_sent_at = Time.current", CREDENTIALS),
        ("config/initializers/doorkeeper.rb", "  access_token_expires_in 2.hours", TOKENS),
        ("config/initializers/doorkeeper.rb", "  use_refresh_token", TOKENS),
        ("config/initializers/doorkeeper.rb",
         "  force_ssl_in_redirect_uri !Rails.env.development?", OAUTH),
        # JS/TS: express-session's options, Lucia's session cookie, jose's key set and clock
        # tolerance, @nestjs/jwt, openid-client's PKCE, NextAuth's checks, otplib, a reset token
        ("src/app.js", "  resave: false, saveUninitialized: false,", SESSION),
        ("src/lib/lucia.ts",
         "  sessionCookie: { attributes: { secure: process.env.NODE_ENV === 'production' } },",
         SESSION),
        ("src/api.js", "    clockTolerance: 60,", JWT),
        ("src/api.js", "const JWKS = createRemoteJWKSet(new URL(issuerJwksUrl));", JWT),
        ("src/app.module.ts", "    JwtModule.register({ secret: jwtConstants.secret }),", JWT),
        ("src/app.module.ts", "      signOptions: { expiresIn: '7d' },", JWT),
        ("src/api.js", "  const codeChallenge = generators.codeChallenge(codeVerifier);", OAUTH),
        ("src/api.js", "      checks: ['pkce', 'state'],", OAUTH),
        ("src/api.ts", "    if (user.twoFactorEnabled) {", MFA),
        ("src/api.ts",
         "  const valid = authenticator.verify({ token: code, secret: user.otpSecret });", MFA),
        ("src/api.ts", "  user.resetPasswordExpires = Date.now() + 3600000;", CREDENTIALS),
        # ... a token minted by a function named for it
        ("src/main/java/org/shop/openapi/ConsumerService.java",
         "  String generateToken(String appId, Date generationTime, String salt) {", RESET),
        ("app/services/keys.py", "    key = generate_api_token(user)", RESET),
        # ... a WebAuthn server's ceremony (SimpleWebAuthn, py_webauthn), recovery codes, magic links
        ("src/api.ts",
         "  const verification = await verifyAuthenticationResponse({ response, expectedChallenge });",
         MFA),
        ("src/api.ts", "  const options = await generateRegistrationOptions({ rpName, rpID, userName });",
         MFA),
        ("shop/views.py",
         "    result = verify_registration_response(credential=credential, expected_challenge=c)", MFA),
        ("src/api.ts", "      requireUserVerification: true,", MFA),
        ("src/api.ts", "  expectedRPID: rpID,", MFA),
        ("shop/models.py", "    user.recovery_codes = generate_codes()", MFA),
        ("src/api.ts", "  await sendMagicLink(email, token);", MFA),
        # ... Clerk's protected routes
        ("src/proxy.ts", "  if (isProtectedRoute(req)) await auth.protect();", "auth.auth-services"),
        ("src/proxy.ts", "const isPublicRoute = createRouteMatcher(['/sign-in(.*)', '/api(.*)']);",
         "auth.auth-services"),
        # ... Hono's bearer and basic auth middleware
        ("src/api/keys.ts", "const verifyKey = bearerAuth({", "auth.passport"),
        ("src/api/admin.ts", "app.use('/admin/*', basicAuth({ username, password }));",
         "auth.passport"),
        ("src/api/keys.ts", 'import { bearerAuth } from "hono/bearer-auth";', "auth.passport"),
        # a caller refused as unauthenticated by an error named so in camel case
        ("common/authorization/interceptor.go", "\t\t\t\treturn errUnauthorized",
         "auth.unauthenticated"),
        # Go: gorilla/sessions' options, go-oidc's checks switched off, x/oauth2's flow
        ("internal/server/store.go", "\tstore.Options = &sessions.Options{MaxAge: 86400 * 7}",
         "auth.go-auth"),
        ("internal/server/server.go", "\t\tSkipExpiryCheck: true,", "auth.go-auth"),
        ("internal/server/server.go", "\turl := conf.AuthCodeURL(state, oauth2.AccessTypeOffline)",
         "auth.go-auth"),
        ("internal/server/server.go",
         "\ttok, err := conf.Exchange(ctx, code, oauth2.VerifierOption(verifier))",
         "auth.go-auth"),
        # Spring Security's session policy and fixation, Boot's session properties, jjwt's
        # parser, Nimbus, Spring Authorization Server's client and token settings
        (SPRING, "            .sessionCreationPolicy(SessionCreationPolicy.STATELESS)",
         "auth.spring-security"),
        (SPRING, "            .sessionFixation().migrateSession()", "auth.spring-security"),
        (SPRING, "            .invalidateHttpSession(true)", "auth.spring-security"),
        ("src/main/resources/application.properties", "server.servlet.session.timeout=30m",
         "auth.spring-security"),
        (JAVA, "        .setAllowedClockSkewSeconds(60)", TOKENS),
        (JAVA, '        .requireAudience("shop-api")', TOKENS),
        (JAVA, "    return NimbusJwtDecoder.withJwkSetUri(jwkSetUri).build();", JWT),
        (JAVA, "        .requireProofKey(true)", TOKENS),
        (JAVA, "        .accessTokenTimeToLive(Duration.ofMinutes(5))", TOKENS),
        # ASP.NET Core: TokenValidationParameters, Identity's lockout,
        # the OIDC handler's PKCE, reset and two-factor tokens
        ("src/Web/Program.cs", "        ClockSkew = TimeSpan.Zero,", TOKENS),
        ("src/Web/Program.cs", "        IssuerSigningKey = new SymmetricSecurityKey(key),", TOKENS),
        ("src/Web/Program.cs", "    options.Lockout.MaxFailedAccessAttempts = 5;", ATTEMPTS),
        ("src/Web/Controllers/AccountController.cs", "            lockoutOnFailure: true);",
         ATTEMPTS),
        ("src/Web/Program.cs", "    options.UsePkce = true;", OAUTH),
        ("src/Web/Controllers/AccountController.cs",
         "        var code = await _userManager.GeneratePasswordResetTokenAsync(user);",
         CREDENTIALS),
        ("src/Web/Controllers/AccountController.cs",
         "        var ok = await _userManager.VerifyTwoFactorTokenAsync(user, provider, code);",
         MFA),
        # PHP: Laravel's session renewed and invalidated, PHP's strict session mode, Google2FA
        ("app/Http/Controllers/AccountController.php",
         "        $request->session()->regenerate();", SESSION),
        ("app/Http/Controllers/AccountController.php",
         "        $request->session()->invalidate();", SESSION),
        ("public/index.php", "ini_set('session.use_strict_mode', 1);", SESSION),
        ("app/Http/Controllers/LoginController.php", "        Session::regenerate();", SESSION),
        # Lua: lua-resty-session's session id renewed by a method call
        ("lib/resty/openidc.lua", "  local ok, err = session:regenerate()", SESSION),
        # ... not a value read from it, nor another object's cache cleared
        ("lib/resty/cart.lua", '  local items = session:get("cart")', None),
        ("lib/resty/cart.lua", "  cache:flush()", None),
        ("app/Models/User.php",
         "    $valid = $google2fa->verifyKey($user->google2fa_secret, $code);", MFA),
        # Rust: jsonwebtoken's Validation and keys, actix-session's and tower-sessions' lifetime
        # and renewal, oauth2-rs's PKCE
        ("src/main.rs", "    let mut validation = Validation::new(Algorithm::RS256);", TOKENS),
        ("src/main.rs", '    validation.set_audience(&["shop"]);', TOKENS),
        # ... and its claim checks switched on or off
        ("src/validation.rs", "        if options.validate_exp && expired(&claims) {", TOKENS),
        ("src/main.rs", "    validation.validate_nbf = true;", TOKENS),
        ("src/main.rs",
         "    let data = decode::<Claims>(&token, &DecodingKey::from_secret(secret), &validation)?;",
         TOKENS),
        ("src/main.rs",
         "        .session_lifecycle(PersistentSession::default().session_ttl(Duration::days(7)))",
         SESSION),
        ("src/main.rs", "    session.renew();", SESSION),
        ("src/main.rs", "    session.cycle_id().await?;", SESSION),
        ("src/main.rs", "        .with_expiry(Expiry::OnInactivity(Duration::hours(1)))", SESSION),
        ("src/main.rs",
         "    let (pkce_challenge, pkce_verifier) = PkceCodeChallenge::new_random_sha256();",
         OAUTH),
        # the session itself renewed, dropped, created or forgotten through the stack's own API:
        # Plug's configure_session and phx.gen.auth's renew_session, actix-identity, the
        # Servlet API (getSession() creates one; getSession(false) does not)
        ("lib/shop_web/user_plug.ex", "    |> configure_session(renew: true)", LIFECYCLE),
        ("lib/shop_web/user_plug.ex", "    {:ok, configure_session(conn, drop: true)}", LIFECYCLE),
        ("lib/shop_web/user_plug.ex", "    |> renew_session()", LIFECYCLE),
        ("src/handlers/account.rs",
         "    Identity::login(&req.extensions(), user.id.to_string())?;", LIFECYCLE),
        ("src/handlers/account.rs", "                id.forget();", LIFECYCLE),
        ("src/main/java/org/shop/web/AuditFilter.java",
         "        HttpSession session = request.getSession(true);", LIFECYCLE),
        ("src/main/java/org/shop/web/AuditFilter.java",
         "        String sid = req.getSession().getId();", LIFECYCLE),
        ("src/main/java/org/shop/web/AuditFilter.java", "        httpRequest.changeSessionId();",
         LIFECYCLE),
        # look-alikes: Hibernate's session, a cart kept in the session, a cache's entry forgotten
        ("src/main/java/org/shop/dao/OrderDao.java",
         "        Session session = sessionFactory.getCurrentSession();", None),
        ("src/main/java/org/shop/dao/OrderDao.java",
         "        return getSession().createQuery(hql).list();", None),
        ("lib/shop_web/cart_plug.ex", "    |> put_session(:cart_id, cart.id)", None),
        ("src/cache.rs", "    cache.forget(&key);", None),
        # ... and the session there is, read without creating one
        ("src/main/java/org/shop/web/AuditFilter.java",
         "        HttpSession session = request.getSession(false);", None),
        ("src/handlers/orders.rs", "    let order_id = id.to_string();", None),
        # the session cookie's flags and lifetime under a session's options (Symfony's
        # framework.session, a PHP app's own setting)
        ("config/packages/framework.yaml", "        cookie_secure: auto", SESSION),
        ("config/packages/framework.yaml", "        cookie_samesite: lax", SESSION),
        ("config/packages/framework.yaml", "        cookie_lifetime: 1440", SESSION),
        ("system/src/Common/Service/SessionServiceProvider.php",
         "            $secure = $config->get('system.session.secure_https', true);", SESSION),
        # Look-alikes: retry counters, a quiz's lockout, a time clock, a cache's lifetime, an LLM's
        # tokens, a session's flash and cart, SQLAlchemy's session, words that begin like OTP,
        # PKCE in a component, a redirect that is no redirect URI
        ("shop/jobs.py", "    max_attempts = 3", None),
        ("app/models/delivery.rb", "    self.failed_attempts += 1", None),
        ("app/api/challenges.py",
         '    behavior = get_config("max_attempts_behavior", "lockout")', None),
        ("app/models/timesheet.rb", "    entry.clock_out = Time.current", None),
        ("app/conf.py", "AXES_VERBOSE = True", None),
        ("shop/settings.py", '    "django.middleware.locale.LocaleMiddleware",', None),
        ("src/llm.py", "    max_tokens = 4096", None),
        ("src/lexer.ts", "  const parts = generateTokenStream(source);", None),
        ("src/cache.js", "  const cacheTtl = 60;", None),
        ("src/app.module.ts", "    CacheModule.register({ ttl: 5 }),", None),
        ("src/main/java/org/shop/web/Report.java",
         "        settings = CacheSettings.builder().ttl(60).build();", None),
        ("src/main/java/org/shop/web/Report.java", "        .requireNonNull(order)", None),
        ("src/main.rs", "        .with_expiry(Duration::from_secs(60))", None),
        ("app/Http/Controllers/OrderController.php",
         "        $request->session()->flash('status', 'Order saved');", None),
        ("app/Http/Controllers/OrderController.php",
         "        $request->session()->put('cart', $cart);", None),
        ("shop/views.py", "    db.session.merge(order)", None),
        ("src/hot.ts", "  const hotPath = resolve(dir);", None),
        ("src/carbon.py", "    footprint = compute(trip)", None),
        ("src/ui/options.ts", "  this.setOptions(opts);", None),
        ("src/ui/Login.tsx", "  const codeChallenge = await pkceChallenge(verifier);", None),
        ("app/controllers/orders_controller.rb", '    redirect_to orders_path, notice: "Saved"',
         None),
        ("src/mail.js",
         "  const transport = nodemailer.createTransport({ host, port: 465, secure: true });",
         None),
        # ... a cookie of another kind named in camel case, a session's other settings
        ("src/Web/Settings.cs", "        var lifetime = options.CookieLifeTimeDays;", None),
        ("config/packages/framework.yaml", "        handler_id: null", None),
        ("internal/server/server.go", '\tif r.URL.Query().Get("page") != "" {', None),
        ("src/routes.ts", "  if (route.isProtected) await guard.check(req);", None),
        ("app/models/player.rb", "    resume_playback", None),
        ("src/errors.py", "    code = recovery_plan.code", None),
        ("src/api.ts", "  const options = await generateReportOptions(req);", None),
        ("src/api.ts", "  const hasAuth = basicAuthEnabled(config);", None),
        ("src/schema.py", "    rules.validate_expression(expr)", None),
        # HTTP Basic credentials put into an Authorization header by hand
        ("src/Two/AbstractProvider.php",
         "            'Authorization' => 'Basic '.base64_encode($this->clientId.':'.$secret),",
         "auth.bearer-extraction"),
        ("src/client.ts", '  headers.Authorization = "Basic " + btoa(`${id}:${secret}`);',
         "auth.bearer-extraction"),
        # look-alikes: a plan named Basic, a word of a label
        ("src/catalog.ts", '  const tier = "Basic";', None),
        ("src/ui.ts", '  const title = "Basic settings";', None),
        # how a client proves who it is to an identity provider: an OAuth client's secret
        # compared or sent, AWS STS role assumption and its input
        ("revoke_handler.go",
         "\tif err := f.Hasher.Compare(client.GetHashedSecret(), []byte(secret)); err != nil {",
         CLIENTS),
        ("provider/azure.go", "\tif len(cfg.ClientID) > 0 && len(cfg.ClientSecret) > 0 {",
         CLIENTS),
        ("src/Web/Program.cs", '        options.ClientSecret = config["Google:Secret"];', CLIENTS),
        ("pkg/aws/cloud.go", "\tinput := &sts.AssumeRoleInput{RoleArn: aws.String(arn)}",
         CLIENTS),
        ("pkg/aws/cloud.go", "\tout, err := stsClient.AssumeRoleWithWebIdentity(ctx, input)",
         CLIENTS),
        # look-alikes: a Stripe intent's secret for the browser, a client of another kind, a
        # role assumed in a game
        ("src/api/cards.ts", "  return { clientSecret: intent.client_secret };", None),
        ("src/http.ts", "  const client = createClient({ baseUrl, secretary });", None),
        ("src/game.py", "    player.assume_role(role)", None),
        # python-social-auth: a sign-in refused (a social account already linked to another
        # user), the partial pipeline resumed for a user
        ("social_django/storage.py",
         "                raise AuthAlreadyAssociated(backend) from exc", "auth.python-social-auth"),
        ("social_core/actions.py",
         "    partial = partial_pipeline_data(backend, authenticated_user, *args, **kwargs)",
         "auth.python-social-auth"),
        ("shop/pipeline.py", "        raise AuthForbidden(backend)", "auth.python-social-auth"),
        # look-alikes: an error and a pipeline of other kinds
        ("shop/errors.py", "class AlreadyAssociated(Exception):", None),
        ("shop/etl.py", "    data = pipeline_data(stage, *args)", None),
        # Pow: the context that authenticates credentials, the store of signed-in sessions
        ("lib/pow/ecto/context.ex",
         "      @pow_config Keyword.put_new(unquote(config), :users_context, __MODULE__)",
         "auth.pow"),
        ("config/config.exs", "  credentials_cache_store: {Pow.Store.CredentialsCache, ttl: 60},",
         "auth.pow"),
        # how strong a password must be: Devise, ASP.NET Identity, Laravel, an application's
        # own settings (django's validators are its auth settings already)
        ("config/initializers/devise.rb", "  config.password_length = 8..128", STRENGTH),
        ("src/Web/Startup.cs", "    options.Password.RequiredLength = 12;", STRENGTH),
        ("app/Providers/AppServiceProvider.php",
         "        Password::defaults(fn () => Password::min(12)->uncompromised());", STRENGTH),
        ("config/config.yml", "PASSWORD_LENGTH_MIN: 8", STRENGTH),
        ("src/config.ts", "  minPasswordLength: 10,", STRENGTH),
        # look-alikes: a form field's length, another length validated or set
        ("src/forms/signup.tsx", '  <input type="password" minLength={8} />', None),
        ("src/components/SignupForm.jsx", "const MIN_PASSWORD_LENGTH = 8;", None),
        ("app/models/user.rb", "    validates :bio, length: { maximum: 500 }", None),
        ("config/config.yml", "TITLE_LENGTH_MAX: 255", None),
        # a credential's revocation state written or asked for
        ("nav/web/useradmin/views.py", "    token.revoked = False", "auth.revocation-state"),
        ("lib/hexpm/user_sessions.ex", "        set: [revoked_at: now, updated_at: now]",
         "auth.revocation-state"),
        ("src/keys/keys.service.ts", "    where: { userId, revokedAt: null },",
         "auth.revocation-state"),
        ("src/keys/key.ts", "  revoked: boolean;", None),
        # look-alikes: the has_scope gem's query filter in a Rails controller
        ("app/controllers/api/v1/event_logs_controller.rb",
         "  has_scope(:events, type: :array) { |c, s, v| s.for_event_types(v) }", None),
        ("app/controllers/courses_controller.rb", "  has_scope :by_degree", None),
        ("app/controllers/api/base_controller.rb", "    head :forbidden unless has_scope?(:write)",
         "auth.token-scopes"),
        # look-alikes: a context of another kind, the same words outside Elixir
        ("lib/shop/orders.ex", "    orders_context = Keyword.get(opts, :context)", None),
        ("src/users.py", "    users_context = load_context(request)", None),
        ("lib/shop_web/live/page.ex",
         '    users_context = Map.get(session, "users_context", %{})', None),
    ],
)
def test_how_a_change_alters_authentication_is_evidence(
    policy: Policy, path: str, line: str, rule: str | None
) -> None:
    found = rules_found(path, line, policy)
    assert (rule in found) if rule else (found == set()), found


SWITCHES = "auth.auth-switches"


@pytest.mark.parametrize(
    ("path", "line", "rule"),
    [
        # a way of signing in, or a check at sign-in, switched on or off by its default
        ("src/Passport.php", "    public static $passwordGrantEnabled = false;", SWITCHES),
        ("config/settings.yml", "registration_enabled: true", SWITCHES),
        ("app/settings.py", "SOCIAL_SIGNUP_ALLOWED = False", SWITCHES),
        ("src/config/defaults.ts", "  allowSignup: false,", SWITCHES),
        ("config/app.php", "    'enable_password_login' => true,", SWITCHES),
        ("internal/config/config.go", "\tEmailVerificationRequired: true,", SWITCHES),
        # look-alikes: a feature of another kind, a switch read rather than set, a count
        ("config/settings.yml", "notifications_enabled: true", None),
        ("src/config/defaults.ts", "  darkModeEnabled: false,", None),
        ("app/views.py", "    if settings.REGISTRATION_ENABLED:", None),
        ("app/settings.py", "MAX_UPLOADS = 5", None),
    ],
)
def test_a_sign_in_switch_set_is_evidence(
    policy: Policy, path: str, line: str, rule: str | None
) -> None:
    assert_rule_or_quiet(path, line, rule, {SWITCHES}, policy)


NORMALISED = "auth.login-normalisation"


@pytest.mark.parametrize(
    ("path", "line", "rule"),
    [
        # the name a user signs in with trimmed or folded to one case before it is looked up or
        # counted: which account a credential is checked against, which failures lock it out
        ("defender/utils.py",
         "        return request.POST[config.USERNAME_FORM_FIELD][:255].strip()", NORMALISED),
        ("src/main/java/org/shop/users/InMemoryUsers.java",
         "        MutableUserDetails user = this.users.get(username.toLowerCase(Locale.ROOT));",
         NORMALISED),
        ("internal/users/store.go", "\tu, err := s.byName(ctx, strings.ToLower(username))",
         NORMALISED),
        ("app/Models/Member.php",
         "        $member = Member::where('username', strtolower($username))->first();",
         NORMALISED),
        ("app/models/member.rb", "    self.username = username.strip.downcase", NORMALISED),
        ("src/users/users.service.ts",
         "    const user = await this.repo.findOne({ where: { username: dto.username.trim() } });",
         NORMALISED),
        ("src/Shop.Identity/Stores/MemberStore.cs",
         "            var key = userName.ToLowerInvariant();", NORMALISED),
        # ... or the normalised name kept for it
        ("accounts/managers.py", "        username = self.model.normalize_username(username)",
         NORMALISED),
        ("src/Shop.Identity/Stores/MemberStore.cs",
         "            member.NormalizedUserName = member.UserName.ToUpperInvariant();", NORMALISED),
        ("app/api/verify-code/route.ts",
         "  const record = await getLoginCode(normalizedEmail, normalizedCode);", NORMALISED),
        # look-alikes: another field trimmed, a username shown, the same call in a component, in
        # a server-rendered app's browser code, in a template; a username's schema field
        ("app/catalog/forms.py", "        name = self.cleaned_data['product_name'].strip()", None),
        ("src/report.go", "\ttitle := strings.ToLower(displayName)", None),
        ("app/views/profile.py", "    header = user.username.upper()", None),
        ("app/sync.py", "    name = author_username.strip()", None),
        ("pkg/mirror/sync.go", "\tname := strings.ToLower(repoUsername)", None),
        ("app/db.py", "    user = cfg.db_username.strip()", None),
        ("src/components/ProfileCard.tsx", "  const shown = username.trim();", None),
        ("app/javascript/controllers/profile_controller.js",
         "    const name = this.username.trim()", None),
        ("templates/profile.html", "  <p>{{ user.username.lower() }}</p>", None),
        ("schema.graphql", "  username: String!", None),
        ("src/orders/service.ts", "  const email = order.contactEmail.trim();", None),
        ("tests/test_accounts.py", '    username = "alice"', None),
    ],
)
def test_a_sign_in_name_normalised_is_evidence(
    policy: Policy, path: str, line: str, rule: str | None
) -> None:
    assert_rule_or_quiet(path, line, rule, {NORMALISED}, policy)


ASSERTIONS = "auth.sign-in-assertions"


@pytest.mark.parametrize(
    ("path", "line", "rule"),
    [
        # the proofs of a sign-in the protocols call assertions: SAML's signed, encrypted or
        # checked, an OAuth client's JWT assertion, WebAuthn's and its relying-party ids
        ("decode_response.go", "\tif err := sp.validateSignedAssertion(el); err != nil {",
         ASSERTIONS),
        ("decode_response.go", "\terr = sp.decryptAssertions(unverifiedResponse)", ASSERTIONS),
        ("lib/sp.js", "  const signedAssertion = getSignedAssertion(doc, cert);", ASSERTIONS),
        ("src/Settings.cs", "            sp.AssertionConsumerServiceUrl = acsUrl;", ASSERTIONS),
        ("app/sso.py", '    "assertion_consumer_service": [(acs_url, BINDING_HTTP_POST)],',
         ASSERTIONS),
        ("lib/client.js", "    client_assertion: assertion,", ASSERTIONS),
        ("lib/helpers/client.js", "async function authFor(endpoint, { clientAssertionPayload }) {",
         ASSERTIONS),
        ("src/Login/Verifier.php",
         "        $response = $credential->response; // AuthenticatorAssertionResponse", ASSERTIONS),
        ("src/Controller/AssertionController.php", "        private array $securedRelyingPartyIds,",
         ASSERTIONS),
        ("config/webauthn.php", "    'secured_rp_ids' => ['localhost'],", ASSERTIONS),
        # look-alikes: an assertion library's checks, a test's assertions, a signed document or
        # release, a party of another kind
        ("src/Validator.php", "        Assertion::true($data->isValid(), 'Invalid data');", None),
        ("src/checks.py", "    assert_equal(signed_total, expected)", None),
        ("src/runner.ts", "  expect.assertions(2);", None),
        ("src/pdf/sign.py", "    signed_document = signer.sign(document)", None),
        ("src/release.go", "\tif !release.Signed {", None),
        ("src/parties/models.py", "    party_id = models.IntegerField()", None),
        ("tests/test_sp.py", "    assert resp.assertion_signed", None),
        # ... nor other meanings of a signed or verified assertion, nor a UI label
        ("src/testing/dsl.py", "    verified_assertions += 1", None),
        ("app/models/claim.rb", "  has_many :signed_assertions", None),
        ("src/factcheck/report.py", "    unverified_assertions = collect(claims)", None),
        ("src/introspect.py", "    assertion_signature = inspect.signature(fn)", None),
        ("src/release/cosign.go", "	signedAssertions := bundle.Verify(ctx)", None),
        ("src/ui/labels.ts", "  relyingPartyId: 'Relying party ID',", None),
        ("config/webauthn.yml", "  relying_party_id: example.com", ASSERTIONS),
        ("src/saml2/config.py", '    "want_assertions_signed": True,', ASSERTIONS),
    ],
)
def test_a_sign_in_assertion_is_evidence(
    policy: Policy, path: str, line: str, rule: str | None
) -> None:
    assert_rule_or_quiet(path, line, rule, {ASSERTIONS}, policy)


STORES = "auth.session-stores"


@pytest.mark.parametrize(
    ("path", "section", "found"),
    [
        # a change made inside a session store, as the hunk header names it
        ("store.go",
         "func (s *RedisSessionStore) save(session *Session) error {", True),
        ("spring-session-hazelcast/src/main/java/org/springframework/session/hazelcast/"
         "Hazelcast4IndexedSessionRepository.java",
         "public class Hazelcast4IndexedSessionRepository", True),
        ("spring-session-jdbc/src/main/java/org/springframework/session/jdbc/"
         "JdbcIndexedSessionRepository.java",
         "public class JdbcIndexedSessionRepository", True),
        ("app/sessions/redis.py", "class RedisSessionStore(SessionStore):", True),
        ("starlette/middleware/sessions.py", "class SessionMiddleware:", True),
        # look-alikes: a database's session, a session factory, a shop's store, a cookie banner
        ("app/db.py", "class AsyncSession(BaseSession):", False),
        ("src/main/java/org/shop/db/SessionFactoryBuilder.java",
         "public class SessionFactoryBuilder", False),
        ("app/models/store.rb", "class Store < ApplicationRecord", False),
        ("internal/shop/store.go", "func (s *Store) Save(order *Order) error {", False),
        ("src/components/CookieBanner.tsx", "export function CookieBanner() {", False),
        # ... a session of something else, the browser's sessionStorage, a client's cookie jar,
        # a file cache
        ("src/chat/store.ts", "export class ChatSessionStore {", False),
        ("src/main/java/app/gym/TrainingSessionRepository.java",
         "public interface TrainingSessionRepository extends JpaRepository", False),
        ("src/hooks/storage.ts", "export function useSessionStorage<T>(key: string) {", False),
        ("src/http/cookies.ts", "export class CookieStore extends Store {", False),
        ("internal/cache/files.go", "func (s *FilesystemStore) Get(key string) ([]byte, error) {",
         False),
        # ... and the same names in test code
        ("store_test.go", "func TestCookieStore(t *testing.T) {", False),
    ],
)
def test_a_change_inside_a_session_store_is_evidence(
    policy: Policy, path: str, section: str, found: bool
) -> None:
    rules = rules_in_section(path, section, policy)
    assert (STORES in rules) is found, rules
