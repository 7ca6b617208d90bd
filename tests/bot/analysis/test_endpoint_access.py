"""Who may reach an endpoint, declared in each stack's own way: a sign-in middleware given to the
router, a route marked public, a refusal by status, the security configuration of Spring,
ASP.NET, Laravel and Symfony, an authorisation library's check.

Found by writing made-up diffs of each framework's documented idioms and running them through
`modeltier scan`: every named row was routine (no evidence) before, or read only by a weak rule.
A row with no rule is a look-alike that must stay silent: a middleware that is not a sign-in,
a route about authors, the same words in a component, a test or another call.
"""

from __future__ import annotations

import pytest

from policies.model import Policy
from tests.bot.analysis._rules import rules_found

MIDDLEWARE = "auth.auth-middleware"
PUBLIC = "auth.public-routes"
REFUSED = "auth.unauthenticated"
ENDPOINTS = "permissions.aspnet-endpoint-rules"
LIBRARIES = "permissions.authz-libraries"
AUTHZ = "permissions.authz-middleware"


@pytest.mark.parametrize(
    ("path", "line", "rule"),
    [
        # A sign-in middleware given to a router, a route or a layer: Express, Go's routers,
        # axum and actix
        ("src/routes/orders.js", "router.use(requireAuth);", MIDDLEWARE),
        ("src/routes/orders.js", "router.get('/orders', ensureAuthenticated, list);", MIDDLEWARE),
        ("src/routes/orders.js", "router.post('/orders', verifyToken, create);", MIDDLEWARE),
        ("src/app.js", "app.use(expressjwt({ secret, algorithms: ['HS256'] }));", MIDDLEWARE),
        ("internal/server/routes.go", "\tr.Use(middleware.RequireAuth)", MIDDLEWARE),
        ("internal/server/routes.go", '\tadmin := r.Group("/admin", AuthRequired())', MIDDLEWARE),
        ("internal/server/routes.go", "\tv1.Use(middleware.Authenticate(cfg))", MIDDLEWARE),
        ("internal/server/routes.go", '\tmux.Handle("/api/", authMiddleware(apiHandler))', MIDDLEWARE),
        ("internal/server/routes.go", '\tr.Get("/me", withAuth, me)', MIDDLEWARE),
        # An authorisation middleware given to the router or wrapped around a route's handler
        ("pkg/api/routes.go",
         '\tr.Handle("/api/sites", api.Authorize(HandlerFunc(api.GetSitesHandler)))', AUTHZ),
        ("src/routes/posts.js", "router.delete('/posts/:id', authorize('admin'), remove);", AUTHZ),
        ("internal/server/routes.go", "\tadmin.Use(middleware.Authorize(\"admin\"))", AUTHZ),
        ("src/app.ts", "app.use('/admin', isAuthorized);", AUTHZ),
        ("src/main.rs", "        .route_layer(middleware::from_fn(auth))", MIDDLEWARE),
        ("src/main.rs",
         "        .layer(middleware::from_fn_with_state(state.clone(), require_auth))", MIDDLEWARE),
        ("src/main.rs", "    .wrap(from_fn(require_login))", MIDDLEWARE),
        # Routes that skip the sign-in the others get: Nest's @Public(), SvelteKit's locals
        ("src/orders/orders.controller.ts", "  @Public()", PUBLIC),
        ("src/orders/orders.controller.ts", "  @SkipAuth()", PUBLIC),
        ("src/auth/public.decorator.ts",
         "export const Public = () => SetMetadata(IS_PUBLIC_KEY, true);", PUBLIC),
        ("src/hooks.server.ts",
         "  if (event.url.pathname.startsWith('/admin') && !event.locals.user) {", PUBLIC),
        # A caller refused as unauthenticated by its status
        ("src/routes/me.js", "  if (!req.user) return res.sendStatus(401);", REFUSED),
        ("src/routes/admin/+page.server.ts", "    throw error(401, 'Sign in first');", REFUSED),
        ("internal/server/me.go", '\t\thttp.Error(w, "sign in", http.StatusUnauthorized)', REFUSED),
        # FastAPI's and Flask's dependencies and decorators
        ("app/api/routes/orders.py",
         'router = APIRouter(prefix="/orders", dependencies=[Depends(verify_token)])',
         "auth.fastapi-security"),
        ("app/api/main.py",
         "api_router.include_router(admin.router, dependencies=[Depends(get_current_superuser)])",
         "auth.fastapi-security"),
        ("app/api/routes/orders.py",
         "async def list_orders(user: User = Depends(current_active_user)):",
         "auth.fastapi-security"),
        ("app/routes.py", "@fresh_login_required", "auth.flask-login"),
        ("changedetectionio/flask_app.py", "    @login_optionally_required", "auth.flask-login"),
        ("app/views.py", "@admin_login_required", "auth.flask-login"),
        ("app/views.py", "@token_required", "auth.flask-login"),
        ("app/views.py", "@requires_auth", "auth.flask-login"),
        # Laravel's route middleware in an array, by the group's options, taken away; the
        # middleware's registration
        ("routes/web.php", "Route::middleware(['auth', 'verified'])->group(function () {",
         "auth.laravel-auth"),
        ("routes/web.php", "Route::group(['middleware' => 'auth'], function () {",
         "auth.laravel-auth"),
        ("routes/web.php",
         "Route::get('/dash', DashController::class)->withoutMiddleware(['auth']);",
         "auth.laravel-auth"),
        ("app/Http/Kernel.php", "        'auth' => \\App\\Http\\Middleware\\Authenticate::class,",
         "auth.laravel-auth"),
        ("app/Http/Kernel.php", "        'can' => \\Illuminate\\Auth\\Middleware\\Authorize::class,",
         "auth.laravel-auth"),
        ("bootstrap/app.php", "        $middleware->redirectGuestsTo('/login');",
         "auth.laravel-auth"),
        # ASP.NET: endpoints let in anonymously, the authentication and authorisation
        # middleware, the global rules of who may reach an endpoint
        ("src/Web/Program.cs", 'app.MapGet("/health", () => "ok").AllowAnonymous();',
         "auth.aspnet-identity"),
        ("src/Web/Program.cs", '    options.Conventions.AllowAnonymousToPage("/Index");',
         "auth.aspnet-identity"),
        ("src/Web/Program.cs", "app.UseAuthentication();", "auth.aspnet-identity"),
        ("src/Web/Program.cs", "app.UseAuthorization();", ENDPOINTS),
        ("src/Web/Program.cs", "app.UseRouting();", ENDPOINTS),
        ("src/Web/Startup.cs", "            app.UseEndpoints(e => e.MapControllers());", ENDPOINTS),
        ("src/Web/Program.cs", "app.UseStaticFiles();", None),
        ("src/Web/Startup.cs",
         "            services.AddControllers(o => o.Filters.Add(new AuthorizeFilter()));",
         ENDPOINTS),
        ("src/Web/Program.cs", '    options.Conventions.AuthorizeFolder("/Admin");', ENDPOINTS),
        ("src/Web/Program.cs",
         "    options.FallbackPolicy = options.DefaultPolicy;", ENDPOINTS),
        # Rust: tower-http's and actix-web-httpauth's layers
        ("src/main.rs", '        .layer(RequireAuthorizationLayer::bearer("secret"))',
         "auth.rust-auth"),
        ("src/main.rs", '        .layer(ValidateRequestHeaderLayer::bearer("secret"))',
         "auth.rust-auth"),
        ("src/main.rs", "            .wrap(HttpAuthentication::bearer(validator))",
         "auth.rust-auth"),
        # Spring Security: any request authenticated, filtered results
        ("src/main/java/org/shop/config/WebConfig.java",
         "            .anyRequest().authenticated()", "permissions.spring-authz"),
        ("src/main/java/org/shop/web/OrderController.java",
         '    @PostFilter("filterObject.owner == authentication.name")',
         "permissions.spring-authz"),
        # Django's test mixin, Symfony's voter, Casbin's enforcer, actix-web-grants
        ("shop/views.py", "class OrderView(UserPassesTestMixin, View):",
         "permissions.django-perms"),
        ("src/Security/PostVoter.php",
         "    protected function voteOnAttribute(string $attribute, mixed $subject, "
         "TokenInterface $token): bool", "permissions.symfony-authz"),
        ("internal/server/rbac.go", "\tok, err := e.Enforce(sub, obj, act)", LIBRARIES),
        ("internal/server/rbac.go", "\tif !casbinEnforcer.Enforce(user, path, method) {",
         LIBRARIES),
        ("src/main.rs", '#[protect("ADMIN")]', LIBRARIES),
        # Rails' filter named for the check, JHipster's SecurityUtils, Spring's signed-in
        # principal, ASP.NET's refusal, TypeGraphQL's role check
        ("app/controllers/orders_controller.rb", "  before_action :authorize_order!, only: [:update]",
         "permissions.rails-authz"),
        ("src/main/java/org/shop/web/OrderController.java",
         "        if (!SecurityUtils.isCurrentUserInRole(AuthoritiesConstants.ADMIN)) {",
         "permissions.jvm-authz"),
        ("src/main/java/org/shop/web/OrderController.java",
         "    public ResponseEntity<Order> get(@AuthenticationPrincipal User user, @PathVariable Long id) {",
         "auth.spring-security"),
        ("src/Web/Controllers/OrdersController.cs", "            return Forbid();",
         "permissions.ownership-check"),
        ("src/orders/orders.resolver.ts", "  @Authorized('ADMIN')", "permissions.roles"),
        ("src/orders/orders.resolver.ts", "  @Authorized()", "permissions.roles"),
        # Look-alikes: middleware that is no sign-in, routes about authors, a component's
        # React.use, another status, another Enforce, the same line in a test, another filter
        ("src/app.js", "app.use(express.json());", None),
        ("src/routes/index.js", "router.use('/authors', authorRouter);", None),
        ("src/routes/index.js", "router.get('/authors', listAuthors);", None),
        ("src/routes/index.js", "router.get('/authorities', listAuthorities);", None),
        ("internal/server/routes.go", "\tr.Use(middleware.Logger)", None),
        ("internal/server/routes.go", '\tr.Get("/authors", authorHandler)', None),
        ("src/main.rs", "        .layer(TraceLayer::new_for_http())", None),
        ("src/ui/Nav.tsx", "  const auth = React.use(AuthContext);", None),
        ("app/api/routes/books.py",
         "async def list_books(author: Author = Depends(get_author)):", None),
        ("routes/web.php", "Route::middleware(['throttle:60,1'])->group(function () {", None),
        ("routes/web.php",
         "Route::get('/authors', [AuthorController::class, 'index'])->middleware('authors.cache');",
         None),
        ("src/routes/orders.js", "  res.status(404).json({ error: 'not found' });", None),
        ("internal/server/quota.go", "\tif err := limiter.Enforce(ctx); err != nil {", None),
        ("src/main/java/org/shop/web/Report.java", "        report.authenticated = true;", None),
        ("src/routes/+page.server.ts", "  const theme = !locals.userPrefs;", None),
        ("test/routes.test.js", "router.use(requireAuth);", None),
        ("app/controllers/orders_controller.rb", "  before_action :set_order, only: [:update]", None),
        ("src/main/java/org/shop/web/Page.java", "        if (page.isCurrentUserInRoom()) {", None),
    ],
)
def test_who_may_reach_an_endpoint_is_evidence(
    policy: Policy, path: str, line: str, rule: str | None
) -> None:
    found = rules_found(path, line, policy)
    assert (rule in found) if rule else (found == set()), found
