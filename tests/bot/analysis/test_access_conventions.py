"""Who may reach an endpoint and which rows a query returns, written each stack's own way: the
access checks a framework or a well-known library documents, the guards and extractors a router
puts in front of handlers, a query kept to its owner or tenant, roles defined as data.

Found by writing made-up diffs of each idiom and running them through `modeltier scan`: every
named row was routine (no evidence) before, or only elevated. A row with no rule is routine code
that looks like it (another middleware, a listing by owner, a chat message's role, a `select` of
a user column) and must stay silent.
"""

from __future__ import annotations

import pytest

from bot.analysis.decide import decide
from bot.analysis.diff import parse_diff
from bot.analysis.models import Risk
from policies.model import Policy
from tests.bot._diffs import edit
from tests.bot.analysis._rules import rules_found

SNAKE = "permissions.access-check-snake"
GUARDS = "permissions.role-guard-names"
ORM = "permissions.orm-owner-filter"
SQL = "permissions.sql-owner-filter"
DERIVED = "permissions.derived-owner-queries"
ROLES = "permissions.role-definitions"
ATTRIBUTE = "permissions.aspnet-authorize-attribute"
RUST_AUTH = "auth.rust-auth-extractors"
RUST_ADMIN = "permissions.rust-admin-extractors"


@pytest.mark.parametrize(
    ("path", "line", "rule"),
    [
        # checks named in snake_case: Rails filters, Python helpers
        ("app/controllers/orders_controller.rb", "  before_action :require_owner!", SNAKE),
        ("app/controllers/orders_controller.rb", "  before_action :check_access", SNAKE),
        ("app/controllers/orders_controller.rb",
         "  before_action :verify_ownership, except: :index", SNAKE),
        ("shop/api.py", "    ensure_org_member(user, org)", SNAKE),
        ("shop/views.py", "    check_owner(request.user, order)", SNAKE),
        ("shop/api.py", "    check_access_token_format(token)", None),
        ("shop/api.py", "    ensure_member_count(team)", None),
        ("app/controllers/orders_controller.rb",
         "  before_action :check_membership_form, only: :new", None),
        # ... validated by name too, as a Phoenix controller's per-action plug does
        ("lib/hub_web/controllers/api/firmware_controller.ex",
         "  plug(:validate_role, [org: :manage] when action in [:create, :delete, :download])",
         SNAKE),
        ("shop/api.py", "    validate_tenant_access(request, tenant)", SNAKE),
        ("lib/hub_web/controllers/api/firmware_controller.ex",
         "  plug(:validate_params when action in [:create])", None),
        ("app/models/user.rb", "  validate :validate_role_name_format", None),
        # ... not a field validator of that name (Pydantic's, WTForms')
        ("app/schemas.py", "    def validate_role(cls, v):", None),
        ("app/forms.py", "    def validate_member(self, field):", None),
        # guards and middleware named for the role they require
        ("src/routes/admin.js", "router.use(adminOnly);", GUARDS),
        ("internal/server/routes.go", "\tr.Use(mw.AdminOnly)", GUARDS),
        ("src/main.rs", "        .wrap(AdminGuard)", GUARDS),
        ("src/main.rs", '        .wrap(RoleGuard::new("admin"))', GUARDS),
        ("src/main.rs", "        .layer(from_fn(admin_only))", GUARDS),
        ("app/Http/Kernel.php", "        'role' => \\App\\Http\\Middleware\\RoleMiddleware::class,",
         GUARDS),
        # ... or for the access control it applies, named in the hunk header a change is in
        ("src/lib/middleware/api-token-middleware.ts",
         "export const apiAccessMiddleware = (", GUARDS),
        ("src/main/java/org/shop/config/SecurityConfig.java",
         "        http.addFilterAfter(new AuthorizationFilter(manager), ExceptionTranslationFilter.class);",
         GUARDS),
        ("src/Middleware/RequestAuthorizationMiddleware.php",
         "class RequestAuthorizationMiddleware implements MiddlewareInterface", GUARDS),
        ("src/Ocelot/Authorisation/Middleware.cs",
         "    public class AuthorisationMiddleware : OcelotMiddleware", GUARDS),
        ("plugins/UsersManager/UserAccessFilter.php", "class UserAccessFilter", GUARDS),
        ("app/routes.py", "app.before_request(acl_guard)", GUARDS),
        # look-alikes: a request log's middleware, a token's filter, an accessibility filter
        ("src/app.ts", "app.use(accessLogMiddleware);", None),
        ("src/main/java/org/shop/config/WebConfig.java",
         "        http.addFilterBefore(accessTokenFilter, UsernamePasswordFilter.class);", None),
        ("src/components/list.ts", "  const shown = accessibilityFilter(items);", None),
        ("src/main.rs", "        .wrap(NormalizePath::trim())", None),
        ("src/main.rs", "        .wrap(Compress::default())", None),
        ("src/routes/index.js", "router.use('/admin', adminRouter);", None),
        # Express's app.all('*', requireAuthentication)
        ("src/app.js", "app.all('*', ensureAuthenticated);", "auth.auth-middleware"),
        ("src/app.ts", "router.all('/api/*', requireAuthentication);", "auth.auth-middleware"),
        ("src/app.ts", "app.all('*', (req, res) => res.status(404).end());", None),
        ("src/app.ts", "router.all('/api/*', loadTenantConfig);", None),
        # an owner or a tenant in an ORM's query object
        ("src/orders/orders.service.ts",
         "    return this.repo.find({ where: { ownerId: user.id } });", ORM),
        ("src/orders/orders.service.ts",
         "      where: { id: input.id, userId: ctx.session.user.id },", ORM),
        ("src/orders/orders.service.ts",
         "    const order = await Order.findOne({ _id: id, owner: req.user._id });", ORM),
        ("src/orders/orders.service.ts",
         "    return prisma.order.findMany({ where: { status: 'open' } });", None),
        ("src/orders/orders.service.ts",
         "    return prisma.order.findMany({ include: { user: true } });", None),
        ("src/orders/orders.service.ts",
         "    await prisma.order.create({ data: { userId: user.id, total } });", None),
        # a Rails model's scope, acts_as_tenant, SQL and query builders by owner
        ("app/models/order.rb", "    where(account_id: Current.account.id)", SQL),
        ("app/models/order.rb", "  default_scope { where(tenant_id: Current.tenant_id) }", SQL),
        ("app/models/order.rb", "  acts_as_tenant :account", SQL),
        ("internal/store/orders.go", '\t\tWhere("orders.workspace_id = ?", wsID).', SQL),
        ("internal/store/orders.go",
         '\trows, err := db.Query("SELECT id FROM orders WHERE o.user_id = $1", uid)', SQL),
        ("app/models/order.rb", "    where(status: :open)", None),
        ("internal/store/orders.go", '\t\tWhere("orders.status = ?", status).', None),
        # derived queries keyed by an id and an owner together
        ("src/main/java/org/shop/web/OrderService.java",
         "        return repo.findByIdAndOwnerId(id, currentUser.getId());", DERIVED),
        ("internal/store/orders.go",
         "\to, err := s.q.GetOrderByIDAndWorkspaceID(ctx, id, wsID)", DERIVED),
        ("app/repo.py", "    order = repo.get_order_by_id_and_user_id(order_id, user.id)",
         DERIVED),
        ("src/main/java/org/shop/web/OrderRepository.java",
         "    List<Order> findByUserIdOrderByIdDesc(Long userId);", None),
        ("src/main/java/org/shop/web/OrderRepository.java",
         "    List<Order> findByStatusAndCreatedAtAfter(String s, Instant t);", None),
        ("src/main/java/org/shop/web/OrderRepository.java",
         "    List<Order> findByAccountIdAndCreatedAtAfter(Long a, Instant t);", None),
        ("src/main/java/org/shop/web/OrderRepository.java",
         "    List<Order> findByNameAndUserAgent(String n, String ua);", None),
        # roles as data
        ("app/models/membership.rb", "  enum role: { member: 0, admin: 1, owner: 2 }", ROLES),
        ("app/models/membership.rb", "  enum :role, { member: 0, admin: 1 }", ROLES),
        ("app/models/user.rb", "  ROLES = %w[viewer editor admin].freeze", ROLES),
        ("src/Entity/User.php", "        $roles[] = 'ROLE_ADMIN';", ROLES),
        # ... a role given in a request kept to the roles defined (class-validator)
        ("apps/server/src/core/workspace/dto/update-workspace-user-role.dto.ts",
         "  @IsEnum(UserRole)", ROLES),
        ("src/members/dto/invite.dto.ts", "  @IsEnum(MemberRoles, { each: true })", ROLES),
        ("app/models/order.rb", "  enum status: { open: 0, paid: 1 }", None),
        ("src/pages/dto/update-page.dto.ts", "  @IsEnum(PageVisibility)", None),
        ("src/chat/types.ts", "  role: 'user' | 'assistant' | 'system'", None),
        ("src/components/Dialog.tsx", '  <div role="alertdialog">', None),
        # ASP.NET's [Authorize] attribute
        ("src/Web/Controllers/OrdersController.cs", "    [Authorize]", ATTRIBUTE),
        ("src/Web/Controllers/OrdersController.cs", '    [Authorize(Policy = "Orders")]',
         ATTRIBUTE),
        ("src/Web/Controllers/OrdersController.cs", '    [HttpGet("{id}"), Authorize]', ATTRIBUTE),
        ("src/Web/Controllers/OrdersController.cs", '    [HttpGet("{id}")]', None),
        # Rust extractors: a signed-in caller, an admin
        ("src/routes/orders.rs",
         "pub async fn list(user: AuthUser, State(db): State<Db>) -> Json<Vec<Order>> {",
         RUST_AUTH),
        ("src/routes/orders.rs", "async fn list(claims: Claims, State(s): State<AppState>) {",
         RUST_AUTH),
        ("src/routes/orders.rs", "    Extension(user): Extension<CurrentUser>,", RUST_AUTH),
        ("src/routes/orders.rs",
         "pub async fn delete(_admin: AdminUser, Path(id): Path<i64>) -> StatusCode {",
         RUST_ADMIN),
        ("src/routes/orders.rs",
         "pub async fn list(State(db): State<Db>, Query(p): Query<Page>) -> Json<Vec<Order>> {",
         None),
        ("src/routes/books.rs", "async fn show(author: Author, Path(id): Path<i64>) {", None),
        ("src/http/uri.rs", "fn host(authority: Authority) -> String {", None),
        # libraries' own API: spatie/laravel-permission, Django's groups, Pundit's skips, Nest's
        # roles metadata, graphql-shield, Flask-Principal, FastAPI's admin dependency
        ("routes/web.php", "Route::middleware(['auth', 'role:admin'])->group(function () {",
         "permissions.laravel-permission"),
        ("app/Http/Controllers/UserController.php", "        $user->assignRole('writer');",
         "permissions.laravel-permission"),
        ("app/Http/Controllers/UserController.php",
         "        $role->givePermissionTo('edit articles');", "permissions.laravel-permission"),
        ("shop/views.py", "        request.user.groups.add(editors)",
         "permissions.django-group-membership"),
        ("app/controllers/orders_controller.rb", "    skip_authorization", "permissions.rails-authz"),
        ("app/controllers/application_controller.rb",
         "  after_action :verify_policy_scoped, only: :index", "permissions.rails-authz"),
        ("src/orders/orders.controller.ts", "@SetMetadata('roles', ['admin'])",
         "permissions.nest-guards"),
        ("src/graphql/shield.ts", "  const permissions = shield({ Query: { me: isAuthenticated } });",
         "permissions.authz-libraries"),
        ("app/views.py", "@admin_permission.require(http_exception=403)",
         "permissions.authz-libraries"),
        ("app/api/routes/admin.py",
         "async def delete_user(id: int, admin: User = Depends(get_current_admin)):",
         "permissions.admin-flags"),
        ("routes/web.php",
         "Route::get('/roles', [RoleController::class, 'index'])->middleware('cache.headers:public');",
         None),
        ("src/ui/Shield.ts", "  const icon = shield(size);", None),
        ("app/models.py", "    level = current_staffing_level(team)", None),
        # routes on a router group named for the sign-in or the role in front of it (Gin's
        # `authorized` group): moved to another group, the route is open
        ("internal/server/routes.go", '\tauthorized.GET("/orders", h.List)',
         "auth.auth-route-groups"),
        ("src/routes/index.ts", "protectedRouter.get('/orders', listOrders);",
         "auth.auth-route-groups"),
        ("internal/server/routes.go", '\tadmin.DELETE("/users/:id", h.DeleteUser)',
         "permissions.admin-route-groups"),
        ("src/routes/index.ts", "adminRouter.post('/plans', createPlan);",
         "permissions.admin-route-groups"),
        # an operator's web console mounted in a Rails app's routes
        ("config/routes.rb", '  mount Sidekiq::Web, at: "/sidekiq"', "permissions.admin-route-groups"),
        ("config/routes.rb", '    mount Sidekiq::Web => "/sidekiq"', "permissions.admin-route-groups"),
        ("config/routes.rb", '  mount GoodJob::Engine => "good_job"', "permissions.admin-route-groups"),
        ("config/routes.rb", '  mount Flipper::UI.app(Flipper) => "/flipper"',
         "permissions.admin-route-groups"),
        ("config/routes.rb", '  mount ActionCable.server => "/cable"', None),
        ("config/routes.rb", '  mount Rswag::Ui::Engine => "/api-docs"', None),
        ("internal/server/routes.go", '\tapi.GET("/orders", h.List)', None),
        ("src/routes/index.ts", "publicRouter.get('/orders', listOrders);", None),
        ("src/lib/cache.ts", "const hit = protectedKeys.get(key);", None),
        # Go's and C#'s role checks in PascalCase
        ("internal/api/orders.go", "\tif !u.HasRole(RoleAdmin) {", "permissions.roles"),
        ("internal/api/orders.go", "\tif !u.HasAnyRole(RoleAdmin, RoleOwner) {", "permissions.roles"),
        ("internal/api/orders.go", "\tif !u.HasAvatar() {", None),
        # the owner in a query builder's clause in camelCase, Ecto's and Diesel's comparisons
        ("src/orders/orders.service.ts", "    qb.andWhere('order.tenantId = :tenantId', { tenantId })",
         SQL),
        ("lib/orders.ex", "    from(o in Order, where: o.user_id == ^user.id)", SQL),
        ("src/handlers/orders.rs", "        .filter(orders::user_id.eq(user.id))", SQL),
        ("src/orders/orders.service.ts", "    qb.andWhere('order.status = :status', { status })",
         None),
        ("lib/orders.ex", "    from(o in Order, where: o.status == ^status)", None),
        ("src/handlers/orders.rs", "        .filter(orders::status.eq(\"open\"))", None),
        # ... and the owner among a lookup's other keywords (Ecto, Rails)
        ("lib/app/posts.ex", "    Repo.get_by!(Post, id: id, user_id: user.id)", SQL),
        ("lib/app/posts.ex",
         "    Repo.get_by!(Post, id: String.to_integer(id), user_id: user.id)", SQL),
        ("app/controllers/posts_controller.rb",
         "    @post = Post.find_by(id: params[:id], author_id: current_user.id)", SQL),
        ("lib/app/posts.ex", "    Repo.get_by!(Post, id: id, slug: slug)", None),
        ("app/controllers/posts_controller.rb",
         "    @post = Post.find_by(slug: slug, parent_user_id: uid)", None),
        # the caller's own records through an association
        ("app/controllers/orders_controller.rb", "    @orders = current_user.orders",
         "permissions.caller-associations"),
        ("app/Http/Controllers/OrderController.php",
         "        $orders = $request->user()->orders()->get();", "permissions.caller-associations"),
        ("app/controllers/orders_controller.rb", "    @name = current_user.name", None),
        ("app/controllers/orders_controller.rb", "    @orders = Order.open.limit(20)", None),
        # django-tenants: the request's tenant, a tenant's schema
        ("tcms/bugs/forms.py", "            users = request.tenant.members.all()",
         "permissions.django-tenants"),
        ("shop/tasks.py", "    with tenant_context(tenant):", "permissions.django-tenants"),
        ("shop/tasks.py", "    with schema_context('public'):", "permissions.django-tenants"),
        ("shop/views.py", "    url = request.tenant_url", None),
        ("shop/views.py", "    ctx = render_context(request)", None),
        # Phoenix's generated authentication plugs
        ("lib/app_web/router.ex", "    pipe_through [:browser, :require_authenticated_user]",
         "auth.phoenix-auth"),
        ("lib/app_web/router.ex",
         "  live_session :current_user, on_mount: [{AppWeb.UserAuth, :mount_current_user}] do",
         "auth.phoenix-auth"),
        ("lib/app_web/router.ex", "    plug :fetch_session", None),
        # ... and any sign-in plug a pipeline or a scope names
        ("lib/pinchflat_web/router.ex", "    pipe_through [:browser, :maybe_basic_auth]",
         "auth.phoenix-auth"),
        ("lib/app_web/router.ex", "    plug :basic_auth", "auth.phoenix-auth"),
        ("lib/app_web/router.ex", "    pipe_through [:browser, :put_secure_headers]", None),
        ("lib/app_web/router.ex", "    plug :put_author_layout", None),
        ("lib/app_web/router.ex", "    plug MyAppWeb.Plugs.RequireAuth", "auth.phoenix-auth"),
        ("lib/app_web/router.ex", "    plug Guardian.Plug.EnsureAuthenticated",
         "auth.phoenix-auth"),
        ("lib/app_web/router.ex", "    plug MyAppWeb.Plugs.AuthorLayout", None),
        ("lib/app_web/router.ex", "    plug MyAppWeb.Plugs.Authorize, role: :admin",
         "auth.phoenix-auth"),
        ("lib/app_web/router.ex", "    plug Guardian.Plug.VerifyHeader", "auth.phoenix-auth"),
        ("lib/app_web/router.ex", "    plug MyAppWeb.Plugs.LoginRedirectTracker", None),
    ],
)
def test_an_access_convention_is_evidence(
    policy: Policy, path: str, line: str, rule: str | None
) -> None:
    found = rules_found(path, line, policy)
    assert (rule in found) if rule else (found == set()), found


@pytest.mark.parametrize(
    ("path", "removed", "added"),
    [
        # a check taken away is critical on its own, not only elevated
        ("src/Web/Controllers/OrdersController.cs", ["    [Authorize]"], []),
        ("src/Web/Controllers/OrdersController.cs",
         ['    [Authorize(Policy = "CanEditOrders")]'], []),
        ("app/controllers/orders_controller.rb", ["  before_action :ensure_project_member"], []),
        ("src/main.rs", ["        .wrap(AdminGuard)"], []),
        ("src/routes/index.js", ["router.all('*', requireAuth);"], []),
        ("src/routes/orders.rs",
         ["async fn list(identity: Identity, db: web::Data<Pool>) -> HttpResponse {"],
         ["async fn list(db: web::Data<Pool>) -> HttpResponse {"]),
        ("src/orders/orders.service.ts",
         ["    const order = await this.repo.findOne({ where: { id, organizationId: orgId } });"],
         ["    const order = await this.repo.findOne({ where: { id } });"]),
        ("src/main/java/org/shop/web/OrderService.java",
         ["        return repo.findByIdAndOwnerId(id, currentUser.getId());"],
         ["        return repo.findById(id);"]),
        ("routes/web.php",
         ["Route::get('/reports', ReportController::class)->middleware('permission:view reports');"],
         ["Route::get('/reports', ReportController::class);"]),
        ("internal/server/routes.go", ['\tauthorized.GET("/orders", h.List)'],
         ['\tr.GET("/orders", h.List)']),
        ("app/controllers/orders_controller.rb", ["    @orders = current_user.orders"],
         ["    @orders = Order.all"]),
        ("lib/orders.ex", ["    from(o in Order, where: o.user_id == ^user.id)"],
         ["    from(o in Order)"]),
        ("lib/app_web/router.ex", ["    pipe_through [:browser, :require_authenticated_user]"],
         ["    pipe_through [:browser]"]),
    ],
)
def test_an_access_check_taken_away_is_critical(
    policy: Policy, path: str, removed: list[str], added: list[str]
) -> None:
    decision = decide(parse_diff(edit(path, added, removed)), policy)
    assert decision.risk is Risk.CRITICAL, decision.reasons


@pytest.mark.parametrize(
    ("section", "rule"),
    [
        # an arrow function named for the access control it applies, its parameters on the
        # lines below the hunk header git chose
        ("export const apiAccessMiddleware = (", GUARDS),
        ("const adminOnly = (", GUARDS),
        # look-alikes: an expression that names a guard, not a definition; a definition of
        # another name
        ("const total = (a + b) * adminOnly", None),
        ("export const formatDate = (", None),
    ],
)
def test_a_change_inside_an_arrow_function_named_for_access_is_evidence(
    policy: Policy, section: str, rule: str | None
) -> None:
    text = edit("src/lib/middleware/api-token-middleware.ts", ["        limit = 2;"],
                ["        limit = 1;"], section=section)
    found = {e.rule for a in decide(parse_diff(text), policy).areas for e in a.evidence}
    assert (rule in found) if rule else (found == set()), found
