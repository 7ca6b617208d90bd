"""Where a framework puts routes behind a sign-in or a role, outside any controller: Devise's
route helpers and a Rails route constraint in config/routes.rb, Django's admin decorators
wrapped around a view in urls.py, a loader's `requireUserId(request)`, a Next.js middleware's
matcher (in a monorepo's apps too).

Taking one out opens the routes it held, though the routes themselves stay. Each row is such a
line and the rule that must read it; a row with no rule is routing that decides nobody's access
and must stay silent.
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
        # Devise's route helpers
        ("config/routes.rb", "  authenticate :user do", "auth.devise"),
        ("config/routes.rb", "  authenticated :admin_user do", "auth.devise"),
        ("config/routes.rb", "  devise_for :users, skip: [:registrations]", "auth.devise"),
        # route constraints over the session, Warden's user or a class named for the check
        ("config/routes.rb", "  constraints ->(req) { req.session[:admin] } do",
         "permissions.route-constraints"),
        ("config/routes/admin.rb", "  constraints AdminConstraint.new do",
         "permissions.route-constraints"),
        ("config/routes.rb",
         "  constraints lambda { |req| req.env['warden'].user&.staff? } do",
         "permissions.route-constraints"),
        # Django's decorators around a view in urls.py
        ("shop/urls.py", "    path('reports/', staff_member_required(views.reports)),",
         "permissions.django-perms"),
        # a sign-in required by a helper's name (Remix's stacks, connect-ensure-login)
        ("app/routes/notes.tsx", "  const userId = await requireUserId(request);",
         "auth.sign-in-required"),
        ("src/routes/admin.js", "router.get('/admin', ensureLoggedIn('/login'), admin.index);",
         "auth.sign-in-required"),
        # ... or checked first thing in a socket handler or a view
        ("server/socket-handlers/general.js", "            checkLogin(socket);",
         "auth.sign-in-required"),
        ("app/views.py", "    check_auth(request)", "auth.sign-in-required"),
        ("src/main/java/org/shop/OrderController.java", "        StpUtil.checkLogin();",
         "auth.sign-in-required"),
        # ... or by a tRPC procedure that requires a session
        ("src/server/routers/project.ts", "  delete: protectedProcedure", "auth.sign-in-required"),
        ("src/server/api/trpc.ts",
         "export const adminProcedure = t.procedure.use(enforceUserIsAdmin);",
         "auth.sign-in-required"),
        ("src/server/routers/post.ts", "  list: publicProcedure", None),
        ("src/server/routers/post.ts", "  create: authProcedure", "auth.sign-in-required"),
        ("src/server/api/trpc.ts", "export const protectedProc = t.procedure.use(isAuthed);",
         "auth.sign-in-required"),
        ("src/lib/safe-action.ts", "export const updateProfile = authActionClient",
         "auth.sign-in-required"),
        # ... also under an engine's prefix
        ("app/controllers/forum/post_previews_controller.rb",
         "    before_action :forum_require_login!", "auth.sign-in-required"),
        # who may call a route by its own options: hapi's access scope and entity, a route
        # decorator's access level (Odoo's http.route, an app's RPC decorator)
        ("lib/auth.js", "    if (!Array.isArray(access.scope)) {",
         "permissions.route-access-options"),
        ("lib/logging.js", "    server.events.on('log', accessLog.scope(request));", None),
        ("lib/routes/orders.js", "    const entity = route.access.entity;",
         "permissions.route-access-options"),
        ("lib/routes/admin.js", "    options: { auth: { access: { scope: ['admin'] } } },",
         "permissions.route-access-options"),
        ("lib/routes/admin.js", "    options: { auth: { scope: ['admin'] } },",
         "permissions.route-access-options"),
        ("addons/shop/controllers/main.py",
         "    @http.route('/shop/orders', type='http', auth='public', website=True)",
         "permissions.route-access-options"),
        ("mathesar/rpc/users.py", '@mathesar_rpc_method(name="users.get", auth="login")',
         "permissions.route-access-options"),
        # ... not a client's credentials passed by keyword, nor a decorator's other options
        ("shop/clients.py", '    session = Session(auth="token")', None),
        ("shop/rpc.py", '@rpc_method(name="users.get", cache="none")', None),
        # routing that decides nobody's access: a subdomain, a format, resources; a helper that
        # requires something else
        ("config/routes.rb", "  constraints subdomain: 'admin' do", None),
        ("config/routes.rb", "  constraints format: :json do", None),
        ("config/routes.rb", "  resources :posts, only: [:index, :show]", None),
        ("app/routes/notes.tsx", "  const body = requireUserConfirmation(form);", None),
        ("src/form.js", "  checkLoginFormLayout(form);", None),
        ("src/form.js", "  checkAuthor(post);", None),
        ("app/models/order.rb", "    order_requires_user_review!", None),
        # a constraint outside the routes files (a solver's, a report's) is no route's
        ("lib/planner/solver.rb", "  constraints AdminConstraint.new(limit: 3)", None),
    ],
)
def test_a_routes_guard_is_evidence(policy: Policy, path: str, line: str, rule: str | None
                                    ) -> None:
    found = rules_found(path, line, policy)
    assert (rule in found) if rule else (found == set()), found


@pytest.mark.parametrize(
    ("path", "auth"),
    [
        ("middleware.ts", True),
        ("apps/web/middleware.ts", True),
        ("apps/admin/src/middleware.js", True),
        # an Express or Koa package's middleware module, a library's
        ("packages/server/src/middleware.ts", False),
        ("apps/web/lib/middleware.ts", False),
    ],
)
def test_a_nextjs_middleware_is_auth_in_a_monorepos_apps_too(
    policy: Policy, path: str, auth: bool
) -> None:
    """Which pages its matcher sends through the session check is the whole of what it does:
    a changed matcher names no auth word."""
    matcher = edit(path, ["  matcher: ['/dashboard/:path*', '/admin/:path*'],"],
                   ["  matcher: ['/dashboard/:path*'],"])
    areas = {area.id for area in classify(parse_diff(matcher), policy).areas}
    assert ("auth" in areas) is auth, areas
