"""bot.analysis.removal: unused code deleted whole is not evidence; a protection deleted is.

Each case deletes lines full of sensitive words from a file an area claims. What decides is the
shape of the deletion (complete definitions or not, nested in what survives or not, decorated
or not) and whether anything left in the change still names what was deleted.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from bot.analysis.classify import classify
from bot.analysis.decide import decide
from bot.analysis.diff import parse_diff
from bot.analysis.removal import Removals
from policies.schema import Policy
from tests.bot._diffs import CS_UNUSED_HELPER, deleted, edit

_PY_HELPER = [
    "def refund_fee(payment, amount):",
    '    """The fee kept on a refund."""',
    "    if amount <= 0:",
    "        raise ValueError(amount)",
    "    return payment.fee * amount",
    "",
]


#: a CommonJS module's export defined by assignment, its body reading a password
_JS_EXPORT = [
    "exports.dbQuery = function (dsn, query, password = undefined) {",
    "    const connection = mysql.createConnection({ uri: dsn, password });",
    "    return connection.query(query);",
    "};",
]


#: an Elixir module's query function with its doc, deleted from the module that stays
_EX_HELPER = [
    '  @doc """',
    "  Gets all active browser sessions for a user.",
    '  """',
    "  defp all_browser_for_user(user) do",
    "    from(s in UserSession,",
    '      where: s.user_id == ^user.id and s.type == "browser" and is_nil(s.revoked_at)',
    "    )",
    "    |> Repo.all()",
    "  end",
]


#: a Go interface's method: no `func`, each parameter named and typed
_GO_INTERFACE_METHOD = "\tListAll(ctx context.Context) ([]Model, error)"


def _with_context(path: str, removed: list[str], context: list[str]) -> str:
    """A hunk of removed lines followed by unchanged ones."""
    body = "".join(f"-{line}\n" for line in removed) + "".join(f" {line}\n" for line in context)
    size = len(removed) + len(context)
    return (f"diff --git a/{path} b/{path}\nindex 1111111..2222222 100644\n--- a/{path}\n"
            f"+++ b/{path}\n@@ -10,{size} +10,{len(context)} @@\n{body}")


@pytest.mark.parametrize(
    ("diff", "removal"),
    [
        pytest.param(edit("billing/fees.py", removed=_PY_HELPER), True, id="py-unused-function"),
        pytest.param(edit("src/Payments/PaymentExtensions.cs", removed=CS_UNUSED_HELPER), True,
                     id="cs-unused-method"),
        pytest.param(
            _with_context("billing/fees.py", _PY_HELPER, ["total = refund_fee(p, 3)"]), False,
            id="still-called-below",
        ),
        pytest.param(
            edit("billing/fees.py", removed=_PY_HELPER)
            + edit("CHANGELOG.md", added=["- Removed the unused `refund_fee` helper."]), True,
            id="named-in-changelog-only",
        ),
        pytest.param(edit("server/util.js", removed=_JS_EXPORT), True,
                     id="js-unused-commonjs-export"),
        pytest.param(
            _with_context("server/util.js", _JS_EXPORT,
                          ["exports.verify = (dsn) => exports.dbQuery(dsn, 'SELECT 1');"]),
            False, id="js-commonjs-export-still-called-below",
        ),
        pytest.param(
            edit("server/util.js", removed=["exports.dbPassword = config.password;"]), False,
            id="js-commonjs-export-of-a-value",
        ),
        pytest.param(
            edit("billing/fees.py", removed=["    if amount <= 0:", "        raise ValueError"]),
            False, id="check-inside-surviving-function",
        ),
        pytest.param(
            edit("app/permissions.py", removed=[
                "    def has_permission(self, request, view):",
                "        return request.user.is_staff",
            ]), False, id="py-method-a-framework-calls",
        ),
        pytest.param(
            edit("app/auth.py", removed=[
                "@app.before_request",
                "def require_login():",
                "    if not session.get('user'):",
                "        abort(401)",
            ]), False, id="registered-by-decorator",
        ),
        pytest.param(
            edit("internal/auth/middleware.go", removed=[
                "func init() {",
                "\tserver.Use(requireToken)",
                "}",
            ]), False, id="go-init-runs-unnamed",
        ),
        pytest.param(
            edit("app/views.py", removed=["@login_required"]), False, id="decorator-only",
        ),
        pytest.param(
            edit("config/initializers/json_escape.rb", removed=[
                "class ActionView::Base",
                "  def json_escape(s)",
                "    s.to_s.gsub('/', '\\/')",
                "  end",
                "end",
            ]), False, id="rb-monkey-patch",
        ),
        pytest.param(
            edit("src/main/java/billing/InvoiceDao.java", removed=[
                "    @Override",
                "    public List<Invoice> getInvoices(Account account) {",
                "        return dao.byAccount(account);",
                "    }",
            ]), False, id="java-override-of-what-survives",
        ),
        pytest.param(edit("lib/app/user_sessions.ex", removed=_EX_HELPER), True,
                     id="ex-unused-module-function"),
        pytest.param(
            _with_context("lib/app/user_sessions.ex", _EX_HELPER,
                          ["  def list(user), do: all_browser_for_user(user)"]),
            False, id="ex-function-still-called-below",
        ),
        pytest.param(
            edit("lib/app_web/live/admin_live.ex", removed=[
                "  def mount(_params, session, socket) do",
                "    if session[\"admin\"], do: {:ok, socket}, else: {:halt, socket}",
                "  end",
            ]), False, id="ex-callback-a-framework-calls",
        ),
        pytest.param(
            edit("lib/app_web/plugs/require_admin.ex", removed=[
                "  @impl true",
                "  def check_admin(conn, _opts) do",
                "    if conn.assigns.current_user.admin, do: conn, else: halt(conn)",
                "  end",
            ]), False, id="ex-impl-of-a-behaviour",
        ),
        pytest.param(edit("pkg/authz/repository.go", removed=[_GO_INTERFACE_METHOD]), True,
                     id="go-interface-method-unused"),
        pytest.param(
            _with_context("pkg/authz/repository.go", [_GO_INTERFACE_METHOD],
                          ["\tmodels, err := repo.ListAll(ctx)"]), False,
            id="go-interface-method-still-called",
        ),
        pytest.param(edit("pkg/authz/middleware.go", removed=["\tcheckAccess(ctx, user)"]), False,
                     id="go-call-statement"),
        pytest.param(edit("pkg/authz/middleware.go", removed=["\tRevokeAll()"]), False,
                     id="go-call-without-arguments"),
    ],
)
def test_removal_shapes(diff: str, removal: bool) -> None:
    parsed = parse_diff(diff)
    assert Removals(parsed).hunk(0, 0) is removal


def test_a_go_interface_method_deleted_with_its_implementation(policy: Policy) -> None:
    """An unused method taken out of a Go interface and out of the type that implemented it
    is dead code in both places, as an abstract method's declaration is in Java or C#."""
    implementation = [
        "func (repo SQLRepository) ListAll(ctx context.Context) ([]Model, error) {",
        "\tmodels := make([]Model, 0)",
        '\terr := repo.DB.SelectContext(ctx, &models, "SELECT id, role FROM grants")',
        "\treturn models, err",
        "}",
    ]
    diff = (edit("pkg/authz/repository.go", removed=[_GO_INTERFACE_METHOD])
            + edit("pkg/authz/sql.go", removed=implementation))
    assert str(decide(parse_diff(diff), policy).risk) != "critical"


def test_unused_helper_deleted_is_not_evidence_and_says_why(policy: Policy) -> None:
    diff = edit("src/Payments/PaymentExtensions.cs", removed=CS_UNUSED_HELPER)
    result = classify(parse_diff(diff), policy)
    assert result.areas == []
    assert result.removed_paths == ["src/Payments/PaymentExtensions.cs"]
    decision = decide(parse_diff(diff), policy)
    assert str(decision.risk) == "routine"
    assert any(r.startswith("Not counted as evidence (removal:") for r in decision.reasons)


def test_check_deleted_from_surviving_function_is_still_evidence(policy: Policy) -> None:
    diff = edit("app/views/documents.py", removed=[
        "    if not document.owner == request.user:",
        "        raise PermissionDenied",
    ])
    decision = decide(parse_diff(diff), policy)
    assert str(decision.risk) == "critical"
    assert decision.signals.removed_lines == 0


_JAVA_OVERLOAD = [
    "    List<Invoice> getInvoices(Account account, boolean includeVoided);",
]


@pytest.mark.parametrize(
    ("context", "removal"),
    [
        pytest.param(_JAVA_OVERLOAD, True, id="another-overload-declared"),
        pytest.param(["    return dao.getInvoices(offset, limit, context);"], False,
                     id="a-call-survives"),
    ],
)
def test_an_overload_declared_beside_is_no_use(context: list[str], removal: bool) -> None:
    """A surviving overload's declaration names the method without calling the one deleted."""
    diff = _with_context(
        "src/main/java/billing/InvoiceDao.java",
        ["    Pagination<Invoice> getInvoices(Long offset, Long limit, Context context);"],
        context,
    )
    assert Removals(parse_diff(diff)).hunk(0, 0) is removal


_JAVA_SERVICE = [
    "/* Licensed under the Apache License. */",
    "package org.example.couch.service;",
    "",
    "import org.example.core.credentials.PasswordEncoder;",
    "",
    "@Getter",
    "@Setter",
    "@ToString(callSuper = true)",
    "@Deprecated",
    "public class CouchProfileService extends AbstractProfileService<CouchProfile> {",
    "    public CouchProfileService(final PasswordEncoder passwordEncoder) {",
    "        setPasswordEncoder(passwordEncoder);",
    "    }",
    "}",
]


_GATE = [
    "  const session = request.cookies.get('session');",
    "  if (!session) throw redirect(303, '/login');",
]


@pytest.mark.parametrize(
    ("path", "opener", "removal"),
    [
        # the exports a framework runs, by name, before the pages of a module it loads by path
        pytest.param("src/middleware.ts", "export function middleware(request) {", False,
                     id="next-middleware"),
        pytest.param("apps/web/middleware.js", "export const config = {", False,
                     id="next-middleware-matcher"),
        pytest.param("src/middleware/index.ts", "export const onRequest = defineMiddleware(() => {",
                     False, id="astro-middleware"),
        pytest.param("functions/admin/_middleware.ts", "export async function onRequest(ctx) {",
                     False, id="cloudflare-pages-middleware"),
        pytest.param("src/hooks.server.ts", "export const handle: Handle = async (input) => {",
                     False, id="sveltekit-handle"),
        pytest.param("src/routes/admin/+layout.server.ts",
                     "export const load: LayoutServerLoad = async (event) => {", False,
                     id="sveltekit-layout-load"),
        pytest.param("src/pages/admin/index.tsx",
                     "export async function getServerSideProps(context) {", False,
                     id="next-get-server-side-props"),
        pytest.param("app/routes/admin.users.tsx", "export async function loader({ request }) {",
                     False, id="remix-loader"),
        pytest.param("app/root.tsx", "export async function loader({ request }) {", False,
                     id="remix-root-loader"),
        # the same names elsewhere, and the handlers that take their endpoint with them
        pytest.param("src/lib/events.ts", "export function handle(request) {", True,
                     id="handle-in-a-library"),
        pytest.param("src/lib/loader.ts", "export async function loader({ request }) {", True,
                     id="loader-outside-routes"),
        pytest.param("src/middleware.ts", "function isPublicPath(request) {", True,
                     id="helper-in-middleware"),
        pytest.param("app/api/projects/route.ts", "export async function DELETE(request) {", True,
                     id="route-handler-with-its-endpoint"),
        pytest.param("src/routes/admin/+page.server.ts", "export const actions = {", True,
                     id="sveltekit-actions-with-their-endpoint"),
    ],
)
def test_a_frameworks_gate_export_is_not_dead(path: str, opener: str, removal: bool) -> None:
    """Nothing names `middleware`, `handle` or `loader`: the framework calls them by the
    module's path, and deleting one opens what it guarded."""
    closer = "});" if opener.endswith("=> {") else "};" if opener.endswith("= {") else "}"
    diff = edit(path, removed=[opener, *_GATE, closer])
    assert Removals(parse_diff(diff)).hunk(0, 0) is removal


@pytest.mark.parametrize(
    ("diff", "removal"),
    [
        pytest.param(deleted("couch/src/main/java/org/example/couch/service/CouchProfileService"
                             ".java", _JAVA_SERVICE), True, id="java-file-package-lombok"),
        pytest.param(
            deleted("src/main/java/org/example/security/TokenFilter.java", [
                "package org.example.security;",
                "@Component",
                "public class TokenFilter extends OncePerRequestFilter {",
                "    protected void doFilterInternal(HttpServletRequest request) {",
                "        requireToken(request);",
                "    }",
                "}",
            ]), False, id="java-file-registered-component",
        ),
        pytest.param(
            deleted("app/controllers/spree/base_controller.rb", [
                "require 'cancan'",
                "class Spree::BaseController < ApplicationController",
                "  include Spree::Core::ControllerHelpers::Auth",
                "end",
            ]), True, id="rb-namespaced-subclass",
        ),
    ],
)
def test_deleted_files_shapes(diff: str, removal: bool) -> None:
    assert Removals(parse_diff(diff)).hunk(0, 0) is removal


_TS_HANDLER = deleted("lib/trpc/routers/rbac/deleteRole.ts", [
    'import { workspaceProcedure } from "../../trpc";',
    "export const deleteRole = workspaceProcedure",
    "  .mutation(async ({ input, ctx }) => {",
    "    await db.delete(roles).where(eq(roles.workspaceId, ctx.workspace.id));",
    "  });",
])
_PY_VIEW = edit("app/oauth/controllers.py", removed=[
    "class RHOAuthErrors(RHProtected):",
    "    def _process(self):",
    "        return render_template('errors.html')",
])


def _rewrapped_import(dropped: str) -> str:
    """A Python import list re-wrapped without one name, its opener unchanged above."""
    path = "app/oauth/blueprint.py"
    return (
        f"diff --git a/{path} b/{path}\nindex 1111111..2222222 100644\n--- a/{path}\n"
        f"+++ b/{path}\n@@ -9,4 +9,3 @@\n"
        " from app.oauth.controllers import (RHOAuthAdmin, RHOAuthAuthorize,\n"
        f"-                                   RHOAuthIntrospect, {dropped},\n"
        "-                                   RHOAuthToken)\n"
        "+                                   RHOAuthIntrospect, RHOAuthToken)\n"
        " from app.web import Blueprint\n"
    )


@pytest.mark.parametrize(
    ("diff", "removal"),
    [
        pytest.param(edit("lib/trpc/routers/index.ts", removed=[
            'import { deleteRole } from "./rbac/deleteRole";',
        ]) + _TS_HANDLER, True, id="import-of-deleted-dead-file"),
        pytest.param(edit("lib/trpc/routers/index.ts", removed=[
            'import { deleteRole } from "./rbac/deleteRole";',
        ]) + _TS_HANDLER + edit("lib/trpc/routers/admin.ts", added=["  remove: deleteRole,"]),
            False, id="import-of-deleted-file-still-named"),
        pytest.param(edit("config/boot.rb", removed=["require 'app/helpers/legacy_auth'"])
                     + deleted("lib/app/helpers/legacy_auth.rb", [
                         "def legacy_current_user", "  @user", "end"]),
                     True, id="require-of-deleted-dead-file"),
        pytest.param(edit("config/boot.rb", removed=["require 'app/helpers/legacy_auth'"]),
                     False, id="require-of-surviving-file"),
        pytest.param(_rewrapped_import("RHOAuthErrors") + _PY_VIEW, True,
                     id="py-import-list-loses-dead-name"),
        pytest.param(_rewrapped_import("RHOAuthDelete") + _PY_VIEW, False,
                     id="py-import-list-loses-live-name"),
    ],
)
def test_imports_of_dead_code(diff: str, removal: bool) -> None:
    """A hunk of imports that only stops importing code the change deletes as dead."""
    assert Removals(parse_diff(diff)).hunk(0, 0) is removal


def test_a_dropped_name_no_other_removed_line_holds_asks_for_no_dead_code(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the view deletes RHOAuthErrors, not RHOAuthDelete: no definition of the name can be dead
    asked: list[Removals] = []
    dead_code = Removals._dead_code

    def recording(self: Removals) -> tuple[frozenset[str], tuple[str, ...]]:
        asked.append(self)
        return dead_code(self)

    monkeypatch.setattr(Removals, "_dead_code", recording)
    assert Removals(parse_diff(_rewrapped_import("RHOAuthDelete") + _PY_VIEW)).hunk(0, 0) is False
    assert not asked
    assert Removals(parse_diff(_rewrapped_import("RHOAuthErrors") + _PY_VIEW)).hunk(0, 0) is True
    assert asked


_RB_HELPER = deleted("lib/shop/controller_helpers/auth.rb", [
    "module Shop",
    "  module ControllerHelpers",
    "    module Auth",
    "      def current_ability",
    "        @current_ability ||= Ability.new(try_current_user)",
    "      end",
    "    end",
    "  end",
    "end",
])
_RB_REQUIRE = edit("lib/shop.rb", removed=["require 'shop/controller_helpers/auth'"])


@pytest.mark.parametrize(
    ("diff", "critical"),
    [
        pytest.param(_RB_HELPER + _RB_REQUIRE, False, id="dead-helper-and-its-require"),
        pytest.param(_RB_HELPER + _RB_REQUIRE + edit(
            "app/controllers/shop/orders_controller.rb",
            removed=["  include Shop::ControllerHelpers::Auth"],
            section="class Shop::OrdersController < ApplicationController",
        ), True, id="unincluded-from-a-surviving-controller"),
        pytest.param(_RB_HELPER + _RB_REQUIRE + edit(
            "spec/controllers/fake_controller_spec.rb",
            removed=["  include Shop::ControllerHelpers::Auth"],
        ), False, id="unincluded-from-a-test"),
        pytest.param(_RB_HELPER + edit("lib/shop/greeting.rb", removed=['  GREETING = "Hello"'],
                                       added=['  GREETING = "Hi"']),
                     True, id="nothing-loaded-it-by-name"),
        # deleted alone: no code is left in the change that could load it
        pytest.param(_RB_HELPER, False, id="deleted-alone"),
        pytest.param(
            deleted("src/middleware/auth.ts", [
                "export function authMiddleware(req, res, next) {",
                "  if (!req.session.user) return res.status(401).end();",
                "  next();",
                "}",
            ])
            + edit("src/server.ts", removed=[
                'import { authMiddleware } from "./middleware/auth";',
                "app.use(authMiddleware);",
            ]),
            True, id="middleware-unregistered",
        ),
    ],
)
def test_a_deleted_files_path(diff: str, critical: bool, policy: Policy) -> None:
    """A deleted file of dead code loses its path's weight only when the change takes out
    what loaded it by name and nothing that runs still did (a registration removed stays)."""
    decision = decide(parse_diff(diff), policy)
    assert (str(decision.risk) == "critical") is critical


_PY_ROUTE = "_bp.add_url_rule('/oauth/errors', 'oauth_errors', RHOAuthErrors)"
_EXPRESS_GUARD = deleted("src/middleware/requireAdmin.ts", [
    "export function requireAdmin(req, res, next) {",
    "  if (!req.user?.isAdmin) return res.status(403).end();",
    "  next();",
    "}",
])


@pytest.mark.parametrize(
    ("diff", "removal"),
    [
        pytest.param(edit("app/oauth/blueprint.py", removed=[_PY_ROUTE]) + _PY_VIEW, True,
                     id="flask-route-of-deleted-view"),
        pytest.param(edit("app/oauth/blueprint.py", removed=[_PY_ROUTE]), False,
                     id="flask-route-of-surviving-view"),
        pytest.param(edit("app/oauth/blueprint.py", removed=[_PY_ROUTE]) + _PY_VIEW
                     + edit("app/oauth/api.py", added=["api.register(RHOAuthErrors)"]), False,
                     id="flask-route-of-view-still-named"),
        pytest.param(edit("app/urls.py", removed=[
            '    path("oauth/errors/", views.RHOAuthErrors.as_view(), name="errors"),',
        ]) + _PY_VIEW, True, id="django-path-of-deleted-view"),
        pytest.param(edit("app/urls.py", removed=[
            '    path("oauth/errors/", login_required(views.RHOAuthErrors)),',
        ]) + _PY_VIEW, False, id="django-path-wrapped-in-a-guard"),
        pytest.param(edit("lib/trpc/routers/index.ts", removed=["    deleteRole: deleteRole,"])
                     + _TS_HANDLER, True, id="trpc-entry-of-deleted-procedure"),
        pytest.param(edit("lib/trpc/routers/index.ts", removed=["    remove: deleteRole,"])
                     + _TS_HANDLER, False, id="entry-under-another-key"),
        pytest.param(edit("src/server.ts", removed=["app.use('/admin', requireAdmin);"])
                     + _EXPRESS_GUARD, False, id="middleware-mounted-on-a-path"),
        pytest.param(edit("src/server.ts", removed=["router.get('/admin', requireAdmin);"])
                     + _EXPRESS_GUARD, True, id="express-route-of-deleted-handler"),
    ],
)
def test_routes_of_dead_handlers(diff: str, removal: bool) -> None:
    """A route or a router's entry removed with the handler it served, which the change
    deletes as dead, goes with it (the endpoint is gone); a middleware unmounted, a route whose
    handler survives or is wrapped in a guard, stays evidence."""
    assert Removals(parse_diff(diff)).hunk(0, 0) is removal


@pytest.mark.parametrize(
    ("diff", "critical"),
    [
        pytest.param(_rewrapped_import("RHOAuthErrors") + edit(
            "app/oauth/blueprint.py", removed=[_PY_ROUTE], start=20,
        ) + _PY_VIEW, False, id="obsolete-oauth-endpoint-deleted"),
        pytest.param(edit("lib/trpc/routers/index.ts", removed=[
            'import { deleteRole } from "./rbac/deleteRole";',
        ]) + edit("lib/trpc/routers/index.ts", removed=["    deleteRole: deleteRole,"],
                  start=360).split("+++ b/lib/trpc/routers/index.ts\n", 1)[1]
            + _TS_HANDLER, False, id="orphaned-procedure-deleted"),
        pytest.param(edit("src/server.ts", removed=[
            'import { requireAdmin } from "./middleware/requireAdmin";',
            "app.use('/admin', requireAdmin);",
        ]) + _EXPRESS_GUARD, True, id="admin-middleware-unmounted"),
    ],
)
def test_an_endpoint_deleted_with_its_route(diff: str, critical: bool, policy: Policy) -> None:
    decision = decide(parse_diff(diff), policy)
    assert (str(decision.risk) == "critical") is critical


#: a model's predicate deleted from the class that stays (Ruby: a framework may call a method
#: by convention, so its deletion alone is evidence)
_RB_PREDICATE = edit("app/models/contribution.rb", removed=[
    "  def can_refund?",
    "    confirmed? && project.failed?",
    "  end",
], section="class Contribution < ActiveRecord::Base")
_SPEC_CALL = edit("spec/models/contribution_spec.rb", removed=[
    "    subject { contribution.can_refund? }",
    "    it { is_expected.to eq(true) }",
])


#: the head of a `git format-patch` file, whose message holds `line`
_MESSAGE = "From 1111111 Mon Sep 17 00:00:00 2001\nSubject: [PATCH] Refunds\n\n{line}\n---\n"


def _in_tests(diff: str) -> Removals:
    """The removals of a diff whose `spec/` and `test/` files no rule reads, as the policy's."""
    parsed = parse_diff(diff)
    return Removals(parsed, unread=lambda file: parsed.files[file].path.startswith(
        ("spec/", "test/")))


@pytest.mark.parametrize(
    ("diff", "removal"),
    [
        pytest.param(_RB_PREDICATE + _SPEC_CALL, True, id="rb-method-only-its-tests-called"),
        pytest.param(_RB_PREDICATE, False, id="rb-method-nothing-called-by-name"),
        pytest.param(_RB_PREDICATE + edit("app/controllers/refunds_controller.rb", removed=[
            "    head :forbidden unless contribution.can_refund?",
        ]), False, id="rb-method-whose-check-in-code-goes-too"),
        pytest.param(_RB_PREDICATE + _SPEC_CALL + edit(
            "app/views/contributions/show.html.erb",
            added=["<% if @contribution.can_refund? %>"],
        ), False, id="rb-method-still-called-by-a-view"),
        pytest.param(_RB_PREDICATE + _SPEC_CALL.replace(
            "contribution.can_refund? }", "contribution.can_refund }"
        ), False, id="rb-tests-call-another-method"),
        pytest.param(edit("app/permissions.py", removed=[
            "    def has_permission(self, request, view):",
            "        return request.user.is_staff",
        ]) + edit("tests/test_permissions.py", removed=[
            "    assert not IsStaff().has_permission_for(request, None)",
        ]), False, id="py-method-a-framework-calls-tests-call-another"),
        pytest.param(edit("lib/stripe/errors.rb", removed=[
            "    def idempotent_replayed?",
            "      @idempotent_replayed",
            "    end",
        ]) + _with_context("test/stripe/errors_test.rb", [
            "      assert_equal true, e.idempotent_replayed?",
        ], ['    context "#idempotent_replayed?" do']), True,
            id="rb-reader-a-test-still-mentions"),
        pytest.param(_RB_PREDICATE + edit("app/models/refund.rb", removed=[
            "    refund.can_refund_now? && contribution.can_refund?",
        ]) + _SPEC_CALL, True, id="rb-tests-call-it-after-code-that-calls-it"),
        pytest.param(_RB_PREDICATE + edit("spec/models/refund_spec.rb", removed=[
            "    it { is_expected.to be_valid }",
        ]) + edit("app/models/refund.rb", removed=[
            "    contribution.can_refund?",
        ]) + edit("test/models/refund_test.rb", removed=[
            "    assert refund.valid?",
        ]), False, id="rb-only-code-between-tests-calls-it"),
        # a commit message before the first file (`git format-patch`, `git show`) is no file's:
        # its lines name what the change does, neither a use of the name nor a test's call
        pytest.param(_MESSAGE.format(line="    Drop contribution.can_refund?") + _RB_PREDICATE
                     + _SPEC_CALL + edit("app/models/refund.rb", removed=["    # unused"]),
                     True, id="rb-message-names-the-method-code-last"),
        pytest.param(_MESSAGE.format(line="- contribution.can_refund? is gone") + _RB_PREDICATE
                     + _SPEC_CALL.replace("contribution.can_refund? }", "contribution.valid? }"),
                     False, id="rb-message-bullet-is-no-test-call"),
    ],
)
def test_a_method_only_tests_called(diff: str, removal: bool) -> None:
    """A method of a class that stays, in a language whose frameworks call methods by
    convention, is dead when the change takes its tests' calls of it out and nothing else names
    it; a call taken out of code that runs, or none at all, keeps it evidence."""
    assert _in_tests(diff).hunk(0, 0) is removal


@pytest.mark.parametrize(
    ("diff", "critical"),
    [
        pytest.param(_RB_PREDICATE + _SPEC_CALL, False, id="dead-predicate-and-its-spec"),
        pytest.param(_RB_PREDICATE, True, id="predicate-a-framework-may-call"),
    ],
)
def test_a_method_deleted_with_its_tests(diff: str, critical: bool, policy: Policy) -> None:
    decision = decide(parse_diff(diff), policy)
    assert (str(decision.risk) == "critical") is critical


def _hunks(path: str, *hunks: tuple[str, int, Sequence[str]]) -> str:
    """One modified file with several hunks, each (git's header section, its first line, its
    rows with their markers: `-` removed, `+` added, ` ` unchanged)."""
    out = [f"diff --git a/{path} b/{path}\nindex 1111111..2222222 100644\n--- a/{path}\n"
           f"+++ b/{path}\n"]
    shift = 0
    for section, start, rows in hunks:
        old = sum(row[0] in "- " for row in rows)
        new = sum(row[0] in "+ " for row in rows)
        out.append(f"@@ -{start},{old} +{start + shift},{new} @@ {section}\n")
        out.extend(f"{row}\n" for row in rows)
        shift += new - old
    return "".join(out)


#: a TypeScript builder of DDL, its signature over several lines and its SQL a template literal
#: at the left margin, with the table of constants it read
_TS_DDL = [
    "const REFERENTIAL_ACTION_SQL: Record<ReferentialAction, string> = {",
    "  cascade: 'CASCADE',",
    "};",
    "",
    "export function buildForeignKeySql(",
    "  tableName: string,",
    "  foreignKey: ForeignKey,",
    "): string {",
    "  let sql = `ALTER TABLE ${quoteIdentifier(tableName)}",
    "ADD CONSTRAINT ${quoteIdentifier(foreignKey.name)}",
    "REFERENCES ${quoteIdentifier(foreignKey.target)}`;",
    "  if (foreignKey.onDelete !== undefined) {",
    "    sql += `\\nON DELETE ${REFERENTIAL_ACTION_SQL[foreignKey.onDelete]}`;",
    "  }",
    "  return sql;",
    "}",
]
_TS_MODULE = "src/core/migrations/planner-ddl-builders.ts"


def _ts_ddl_deleted(*more: str) -> str:
    """The builder deleted with the names its file stopped importing (rows of an import list
    the hunk's header opened), and the re-export of it from the package's index."""
    return _hunks(
        _TS_MODULE,
        ("import type {", 2, ["-  ForeignKey,", "-  ReferentialAction,", "   StorageColumn,",
                              " } from '@prisma-next/sql-contract/types';"]),
        ("export function buildAddColumnSql(", 216, ["   return parts.join(' ');", " }",
                                                     *(f"-{line}" for line in _TS_DDL), *more]),
    ) + _hunks("src/exports/planner-ddl-builders.ts", ("", 3, [
        " export {", "   buildCreateTableSql,", "-  buildForeignKeySql,",
        " } from '../core/migrations/planner-ddl-builders';",
    ]))


@pytest.mark.parametrize(
    ("diff", "dead"),
    [
        pytest.param(_ts_ddl_deleted(), [True, True, True], id="ts-builder-imports-and-export"),
        # the string ends and code follows on its last line: that code is no definition's
        pytest.param(_ts_ddl_deleted().replace("target)}`;", "target)}`; audit.record(sql);"),
                     [False, False, False], id="code-after-a-template-literal-ends"),
        # a string the run does not end goes on in code that stays: half of a definition
        pytest.param(_ts_ddl_deleted().replace("target)}`;", "target)}"),
                     [False, False, False], id="template-literal-left-open"),
        pytest.param(_ts_ddl_deleted(" export const validate = () => buildForeignKeySql;"),
                     [False, False, False], id="builder-still-named"),
    ],
)
def test_a_ts_definition_with_a_template_literal(diff: str, dead: list[bool]) -> None:
    """A function whose SQL is a template literal written at the left margin, its signature
    closed by `): string {`, is one definition; what imported or re-exported it goes with it
    when it is dead, and stays when the deletion is half of something or leaves a caller."""
    removals = Removals(parse_diff(diff))
    assert [removals.hunk(0, 0), removals.hunk(0, 1), removals.hunk(1, 0)] == dead


def test_a_dead_ts_builder_in_a_migrations_folder_is_no_migration(policy: Policy) -> None:
    decision = decide(parse_diff(_ts_ddl_deleted()), policy)
    assert str(decision.risk) != "critical"


_GO_DEAD_TYPE = ["-type cachedKeys struct {", "-\tkeys   []jose.JSONWebKey",
                 "-\texpiry time.Time", "-}", "-", " type providerJSON struct {"]


@pytest.mark.parametrize(
    ("row", "dead"),
    [
        pytest.param('-\tjose "gopkg.in/square/go-jose.v2"', True, id="named-import"),
        pytest.param('-\t"gopkg.in/square/go-jose.v2"', True, id="path-import"),
        # a blank import loads its package for what its init does (a driver, a check
        # registered): taking it out changes what runs
        pytest.param('-\t_ "example.com/app/authz/register"', False, id="blank-import"),
        pytest.param('-\t. "example.com/app/authz"', False, id="dot-import"),
    ],
)
def test_a_go_import_block_row_goes_with_dead_code(row: str, dead: bool) -> None:
    """A hunk inside a Go `import (` block (git names the block in its header) that only drops
    an import, in a file whose other hunk deletes a dead type: the import went with it."""
    diff = _hunks("oidc/oidc.go", ("import (", 17, [' \t"time"', row, " )"]),
                  ("type Provider struct {", 88, _GO_DEAD_TYPE))
    removals = Removals(parse_diff(diff))
    assert removals.hunk(0, 1) is True
    assert removals.hunk(0, 0) is dead


@pytest.mark.parametrize(
    "rows",
    [
        # the list the header opened ends in the hunk: a middleware mounted after it is code
        pytest.param([" } from 'express';", " ", "-app.use(helmet());", "-app.use(csrf());",
                      " app.listen(3000);"], id="middleware-after-the-import-list"),
        # a row of no import list: the list ended before the hunk
        pytest.param(["-  if (!req.user.isAdmin) throw new Forbidden();"],
                     id="check-under-an-import-header"),
        # the options of a middleware after the imports (in code git's header does not name,
        # which starts with a bracket): a row with a value is no import's, nor what follows
        pytest.param(["   credentials: true,", "-  csrfProtection,", "   rateLimit,"],
                     id="middleware-options-under-an-import-header"),
    ],
)
def test_an_import_header_opens_no_code(rows: list[str], policy: Policy) -> None:
    """What git's header names is only where a hunk may start; rows that are not an import
    list's are read as the code they are, and a protection taken out of it stays evidence,
    though a dead helper goes from the same file (which imports would go with)."""
    helper = ["-function legacyBanner(): string {", "-  return 'v1';", "-}"]
    diff = _hunks("src/server.ts", ("import {", 5, rows), ("app.listen(3000);", 40, helper))
    removals = Removals(parse_diff(diff))
    assert removals.hunk(0, 1) is True
    assert removals.hunk(0, 0) is False


@pytest.mark.parametrize(
    ("removed", "critical"),
    [
        pytest.param(["  if (!(await canManage(user, project))) {",
                      "    throw new ForbiddenError();", "  ) {", "  }"], True,
                     id="permission-check"),
        pytest.param(["  await lock.acquire(`invoice:${invoice.id}`);"], True, id="lock"),
        pytest.param(["  res.setHeader('Content-Security-Policy', `",
                      "default-src 'self'; frame-ancestors 'none'",
                      "`);"], True, id="security-header-in-a-template-literal"),
        pytest.param(["  return escapeHtml(`${user.name}", "`);"], True, id="escaping-call"),
    ],
)
def test_protections_taken_out_of_a_running_ts_function(removed: list[str], critical: bool,
                                                        policy: Policy) -> None:
    """Lines taken out of a function that stays (a check, a lock, a header, an escaping call),
    template literals and closing lines among them, are no definition deleted whole."""
    diff = _hunks("src/billing/invoices.ts", ("export async function refund(", 40, [
        "   user: User,", " ): Promise<void> {", *(f"-{line}" for line in removed),
        "   await payments.refund(invoice);",
    ]))
    assert Removals(parse_diff(diff)).hunk(0, 0) is False
    assert (str(decide(parse_diff(diff), policy).risk) == "critical") is critical


#: a Rust module that shells out and checks a token, and the declaration that built it
_RS_MODULE = [
    "use crate::ResultType;",
    "lazy_static::lazy_static! {",
    "    pub static ref DISTRO: Distro = Distro::new();",
    "}",
    "pub fn require_token(token: &str) -> ResultType<()> {",
    '    let output = std::process::Command::new("sh").arg("-c").arg(token).output()?;',
    "    verify_signature(&output.stdout)",
    "}",
]
_RS_DECLARATION = edit("src/lib.rs", removed=["pub mod platform;"], section="pub mod compress;")


@pytest.mark.parametrize(
    ("diff", "dead"),
    [
        pytest.param(_RS_DECLARATION + deleted("src/platform.rs", _RS_MODULE), True,
                     id="module-and-its-declaration"),
        pytest.param(edit("src/lib.rs", removed=['#[cfg(target_os = "linux")]', "mod platform;"])
                     + deleted("src/platform/mod.rs", _RS_MODULE), True,
                     id="folder-module-declared-under-cfg"),
        # nothing takes its declaration out: the module is still declared, or Cargo builds it
        pytest.param(deleted("src/platform.rs", _RS_MODULE), False, id="declaration-stays"),
        pytest.param(deleted("src/bin/platform.rs", _RS_MODULE), False, id="cargo-target"),
        # declared again (its visibility changed): still built
        pytest.param(edit("src/lib.rs", removed=["pub mod platform;"], added=["mod platform;"])
                     + deleted("src/platform.rs", _RS_MODULE), False, id="declared-again"),
        # the declaration of another module, or of one nested elsewhere, loads another file
        pytest.param(edit("src/lib.rs", removed=["pub mod platforms;"])
                     + deleted("src/platform.rs", _RS_MODULE), False, id="another-module"),
        pytest.param(edit("src/net.rs", removed=["pub mod platform;"])
                     + deleted("src/platform.rs", _RS_MODULE), False, id="a-nested-module"),
        # code a module registers at load or link time runs with no declaration naming it
        pytest.param(_RS_DECLARATION + deleted("src/platform.rs", [
            *_RS_MODULE, "#[ctor::ctor]", "fn install() { AUDIT.enable(); }",
        ]), False, id="registers-a-constructor"),
        # a trait's impl runs with no call naming it (`Drop` zeroizes a key when it goes out
        # of scope: taken out, what stays still compiles), and so does a symbol exported by name
        pytest.param(_RS_DECLARATION + deleted("src/platform.rs", [
            *_RS_MODULE, "impl Drop for SecretKey {",
            "    fn drop(&mut self) { self.bytes.zeroize(); }", "}",
        ]), False, id="implements-a-trait"),
        pytest.param(_RS_DECLARATION + deleted("src/platform.rs", [
            *_RS_MODULE, "#[no_mangle]", 'pub extern "C" fn verify(token: *const u8) -> i32 {',
            "    0", "}",
        ]), False, id="exports-a-symbol"),
    ],
)
def test_a_rust_module_deleted_with_its_declaration(diff: str, dead: bool) -> None:
    """A Rust module nothing declares is not built: deleted with its `mod` line, whatever it
    held goes with it; kept declared, built by Cargo or registering code, it keeps its weight."""
    removals = Removals(parse_diff(diff))
    index = len(removals.diff.files) - 1
    assert removals.deleted(index) is dead
    assert removals.hunk(index, 0) is dead


def test_a_rust_modules_use_taken_out_of_running_code_stays_evidence(policy: Policy) -> None:
    """The module goes unbuilt, but the check that called it is taken out of a handler that
    stays: that is a protection removed, whatever happens to the module."""
    diff = (_RS_DECLARATION + deleted("src/platform.rs", _RS_MODULE)
            + edit("src/handlers/admin.rs", removed=["    platform::require_admin(&user)?;"],
                   section="pub async fn delete_user(token: String) -> Result<()> {"))
    removals = Removals(parse_diff(diff))
    assert removals.deleted(1) is True
    assert removals.hunk(2, 0) is False
    assert str(decide(parse_diff(diff), policy).risk) == "critical"
    assert str(decide(parse_diff(_RS_DECLARATION + deleted("src/platform.rs", _RS_MODULE)),
                      policy).risk) != "critical"


@pytest.mark.parametrize(
    ("attribute", "dead"),
    [
        pytest.param('#[cfg(target_os = "linux")]', True, id="built-on-one-platform"),
        # a declaration given another file's path loads that file, not the one deleted
        pytest.param('#[path = "platform_linux.rs"]', False, id="loads-another-path"),
    ],
)
def test_a_rust_declarations_attributes(attribute: str, dead: bool) -> None:
    diff = (edit("src/lib.rs", removed=[attribute, "mod platform;"])
            + deleted("src/platform.rs", _RS_MODULE))
    assert Removals(parse_diff(diff)).hunk(0, 0) is dead


_SEA_ORM_MIGRATION = deleted("migration/src/m20220101_000001_create_table.rs", [
    "use sea_orm_migration::prelude::*;",
    "pub struct Migration;",
    "impl MigrationTrait for Migration {",
    "    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {",
    "        manager.create_table(Table::create().table(Post::Table).to_owned()).await",
    "    }",
    "}",
])
_CSRF_MODULE = deleted("src/csrf.rs", [
    "pub struct CsrfLayer { key: Key }",
    "impl CsrfLayer {",
    "    pub fn new(key: Key) -> Self { Self { key } }",
    "}",
])


@pytest.mark.parametrize(
    ("diff", "gone"),
    [
        pytest.param(_hunks(
            "migration/src/lib.rs",
            ("", 1, ["-mod m20220101_000001_create_table;", " mod m20220102_000001_add_owner;"]),
            ("impl MigratorTrait for Migrator {", 10, [
                "         vec![", "-            Box::new(m20220101_000001_create_table::Migration),",
                "             Box::new(m20220102_000001_add_owner::Migration),",
            ]),
        ) + _SEA_ORM_MIGRATION, False, id="migration-taken-out-of-the-migrator"),
        pytest.param(_hunks(
            "src/main.rs", ("", 1, ["-mod csrf;", " mod routes;"]),
            ("pub fn app() -> Router {", 20, [
                "     Router::new()", "-        .layer(csrf::CsrfLayer::new(key))",
                "         .layer(TraceLayer::new_for_http())",
            ]),
        ) + _CSRF_MODULE, True, id="csrf-layer-taken-off-the-router"),
    ],
)
def test_a_rust_module_unregistered_from_running_code_is_critical(diff: str, gone: bool,
                                                                 policy: Policy) -> None:
    """The module goes with its declaration (unless a trait's impl in it keeps its weight: the
    migration's `impl MigrationTrait`), but what registered it in code that stays (a migrator's
    list, a router's layer) is taken out too: a migration or a protection gone."""
    removals = Removals(parse_diff(diff))
    assert removals.deleted(1) is gone
    assert removals.hunk(0, 1) is False
    assert str(decide(parse_diff(diff), policy).risk) == "critical"


_PY_SCRIPT = deleted("scripts/reset_admin.py", [
    "import sys",
    "import bcrypt",
    "",
    'user = User.objects.get(username="admin")',
    "user.password = bcrypt.hashpw(sys.argv[1].encode(), bcrypt.gensalt())",
    "user.save()",
])
_PY_SCRIPT_TEST = deleted("tests/test_reset_admin.py", [
    "def test_reset_admin_password():",
    "    assert run_script('hunter2')",
])
_VERSION_BUMP = edit("app/version.py", removed=['VERSION = "1.16.6"'],
                     added=['VERSION = "1.16.7"'])
_GO_INIT = deleted("internal/auth/register.go", [
    "package auth",
    "",
    "func init() {",
    '\tproviders.Register("jwt", verifyToken)',
    "}",
])


@pytest.mark.parametrize(
    ("diff", "critical"),
    [
        pytest.param(_PY_SCRIPT, False, id="script-nothing-can-run-any-more"),
        pytest.param(_PY_SCRIPT + _PY_SCRIPT_TEST, False, id="with-its-test"),
        pytest.param(_PY_SCRIPT + _VERSION_BUMP, True, id="beside-an-edit"),
        pytest.param(deleted("config/initializers/json_escape.rb", [
            "ActiveSupport::JSON::Encoding.escape_html_entities_in_json = false",
        ]), True, id="initializer-loaded-by-its-place"),
        pytest.param(_GO_INIT, True, id="go-init-runs-as-it-loads"),
    ],
)
def test_a_change_that_only_deletes_files(diff: str, critical: bool, policy: Policy) -> None:
    """A change that deletes files and nothing else (tests aside) leaves no code that could
    name them: what they held runs only where something loads it by its place (an
    initializer, a workflow, a migration) or a registration (Go's `init`, a framework's
    annotation), and a file deleted beside an edit is judged as before."""
    decision = decide(parse_diff(diff), policy)
    assert (str(decision.risk) == "critical") is critical
