"""Who may do what, said in shapes the other access rules did not read: an IAM policy document's
statement, a Ruby model's access predicate over a user, an access check named for what it
grants, the PHP ACL API of Laminas Permissions, a membership looked up by Prisma's compound key,
a record's privacy decided by a condition, Django admin's permission hooks, a change made inside a
definition named for what it allows.

Each named row was routine (no evidence of the rule) before its rule was written; a row with no
rule is a look-alike that must stay silent (a translation's "Resource", a predicate over no user, a
UI's check, a compound key of no owner).
"""

from __future__ import annotations

import pytest

from bot.analysis.decide import decide
from bot.analysis.diff import parse_diff
from bot.analysis.models import Risk
from policies.model import Policy
from tests.bot._diffs import edit
from tests.bot.analysis._rules import rules_found, rules_in_section

IAM = "permissions.iam-policy-documents"
PREDICATES = "permissions.ruby-access-predicates"
HAS_ACCESS = "permissions.has-access-calls"
PRISMA = "permissions.prisma-membership-keys"
ROLE_CHECKS = "permissions.role-checks"
CACHE_KEYS = "permissions.tenant-cache-keys"
CHAIN = "permissions.association-chain"
NAMED = "permissions.named-permissions"
CHECK_CALLS = "permissions.access-check-calls"
CHECK_SNAKE = "permissions.access-check-snake"
PHP_ACL = "permissions.php-acl"
REQUIREMENTS = "permissions.role-requirements"
DJANGO = "permissions.django-perms"
ROLES = "permissions.roles"
OWNER = "permissions.owner-match"


@pytest.mark.parametrize(
    ("path", "line", "rule"),
    [
        # an IAM policy document's statement (AWS's IAM JSON policy element reference)
        ("modules/runners/policies/instance-policy.json", '      "Condition": {', IAM),
        ("modules/runners/policies/instance-policy.json", '        "StringLike": {', IAM),
        ("modules/runners/policies/instance-policy.json",
         '          "ec2:SourceInstanceARN": "*/$${aws:ResourceTag/InstanceId}"', IAM),
        ("modules/runners/policies/instance-policy.json",
         '      "Resource": "${arn_ssm_parameters_path}/*",', IAM),
        ("modules/runners/policies/instance-policy.json", '      "Action": [', IAM),
        ("modules/runners/policies/instance-policy.json", '        "ssm:GetParameter",', IAM),
        ("modules/runners/policies/instance-policy.json", '      "Principal": {', IAM),
        ("modules/bucket/main.tf", '        Resource = "arn:aws:s3:::${var.bucket}/*"', IAM),
        ("templates/lambda-policy.json.tpl", '            "s3:PutObject"', IAM),
        # look-alikes: a translation's words, a script name, an ESLint preset, a README
        ("locales/en.json", '  "Resource": "Resource",', None),
        ("locales/de.json", '  "Action": "Aktion",', None),
        ("package.json", '    "build:prod": "vite build",', None),
        (".eslintrc.json", '    "eslint:recommended",', None),
        ("docs/iam.md", '      "Condition": {', None),
        # a Ruby model's access predicate over a user; Redmine's allowed_to?
        ("app/models/issue.rb", "  def attachments_deletable?(user=User.current)", PREDICATES),
        ("app/models/issue.rb", "    attributes_editable?(user)", PREDICATES),
        ("app/models/post.rb", "  def editable_by?(user)", PREDICATES),
        ("app/controllers/posts_controller.rb",
         "    redirect_to root_path unless @post.visible?(current_user)", PREDICATES),
        ("app/models/wiki_page.rb", "    user.allowed_to?(:edit_wiki_pages, project)", PREDICATES),
        # look-alikes: a state predicate, a predicate over something else, Python
        ("app/models/post.rb", "  def visible?", None),
        ("app/models/post.rb", "    return unless published? && editable?", None),
        ("app/models/post.rb", "  def deletable?(force = false)", None),
        ("app/views/posts/show.py", "    editable_by(user)", None),
        # an access check named for what it grants, called with the thing checked
        ("app/Conversation.php", "        if ($user->hasAccessToMailbox($mailbox_id)) {",
         HAS_ACCESS),
        ("app/models/project.rb", "    return redirect_to(root_path) unless has_access_to?(project)",
         HAS_ACCESS),
        ("src/documents/service.ts", "  if (!user.hasPermissionTo(doc)) throw new Error();",
         HAS_ACCESS),
        # look-alikes: in a UI component; a flag with no argument; a different verb
        ("src/components/Mailbox.tsx", "  {user.hasAccessToMailbox(id) && <Inbox />}", None),
        ("app/Conversation.php", "        $hasAccess = true;", None),
        ("app/Conversation.php", "        $this->grantAccessToTheme($theme);", None),
        # a membership looked up by Prisma's compound unique key
        ("app/api/views/route.ts", "        userId_teamId: {", PRISMA),
        ("app/api/views/route.ts",
         "    where: { teamId_userId: { teamId, userId: session.user.id } },", PRISMA),
        # look-alikes: a compound key of no owner, a Prisma create
        ("app/api/views/route.ts", "    where: { linkId_documentId: { linkId, documentId } },",
         None),
        ("app/api/views/route.ts", "    data: { userId, teamId, role: 'MEMBER' },", None),
        # a role named by a PHP 8.1 enum case, as a Java or TypeScript one is
        ("app/Livewire/Team/Member.php",
         "        $member->teams()->updateExistingPivot($teamId, ['role' => Role::ADMIN->value]);",
         ROLE_CHECKS),
        ("app/Http/Controllers/TeamController.php",
         "        $invitation->update(['role' => Role::MEMBER]);", ROLE_CHECKS),
        # ... a role compared by a query builder's operator (Drizzle)
        ("packages/api/src/router/stripe/webhook.ts",
         '            ne(usersToWorkspaces.role, "owner"),', ROLE_CHECKS),
        ("packages/api/src/router/members.ts", "    .where(eq(members.role, role))", ROLE_CHECKS),
        # look-alikes: a chat message's role, another enum
        ("app/Services/Chat.php", "        $message->role = ChatRole::ASSISTANT;", None),
        ("app/Models/Order.php", "        $this->status = Status::ADMIN_REVIEW;", None),
        ("packages/api/src/router/monitors.ts", "    .where(eq(monitor.active, true))", None),
        # a cache key that holds the caller's tenant
        ("apps/dashboard/api.py",
         '        cache_key = f"stats:top10_users:{self.org.id}:{self.days}"', CACHE_KEYS),
        ("apps/dashboard/api.py",
         '        return f"ongoing_change_secret_cache_key:{current_org.id}"', CACHE_KEYS),
        ("app/models/report.rb", '    cache_key = "dashboard:#{current_tenant.id}"', CACHE_KEYS),
        ("src/stats/service.ts", "    const cacheKey = `stats:${tenantId}:${days}`;",
         CACHE_KEYS),
        # look-alikes: a key of no tenant, an organisation's name in it
        ("apps/dashboard/api.py", '        cache_key = f"stats:top10_users:{self.days}"', None),
        ("apps/dashboard/api.py", '        cache_key = "settings:organization_name"', None),
        # inherited_resources' association chain, which keeps records to their owner
        ("app/controllers/projects_controller.rb", "    def begin_of_association_chain", CHAIN),
        ("app/controllers/active_admin/resource_controller/data_access.rb",
         "      def method_for_association_chain", CHAIN),
        # look-alikes: another controller hook, a chain of another kind
        ("app/controllers/projects_controller.rb", "    def build_resource_params", None),
        ("app/models/chain.rb", "    def association_chain_length", None),
        # a permission named by its subject and action, required by a view or an API method
        ("edms/apps/documents/dashboard_widgets.py",
         "            permission=permission_document_view, user=self.request.user,", NAMED),
        ("edms/apps/documents/api_views.py",
         "        'DELETE': (permission_trashed_document_delete,),", NAMED),
        ("include/class.role.php", "    if ($role->has(PERMISSION_TICKET_EDIT))", NAMED),
        # look-alikes: a permission's fields, a prompt's text
        ("edms/apps/documents/serializers.py", "    permission_label = label", None),
        ("src/notify.js", "  const permission_prompt_shown = true;", None),
        # the tenant a caller must act in, checked by name
        ("src/main/java/io/tokens/webserver/api/SessionUserAPI.java",
         "            enforcePublicTenantAndGetStorage(req, userId);", CHECK_CALLS),
        ("app/cmd/routes.go", "\tr.Use(middlewares.RequireTenant())", CHECK_CALLS),
        ("app/controllers/application_controller.rb", "  before_action :ensure_tenant!",
         CHECK_SNAKE),
        # look-alikes: a tenant validated as a value, a word that only starts alike
        ("internal/api/config.go", "\tif err := validateTenantName(name); err != nil {", None),
        ("src/setup.ts", "  checkTenancyDocs(dir);", None),
        ("src/orgs/slug.ts", "  const free = await checkOrganizationSlug(slug);", None),
        # a membership checked before a member is changed or removed
        ("src/teams/members.go", "	if err := checkMembership(ctx, teamID, userID); err != nil {",
         CHECK_CALLS),
        # look-alikes: a key file's mode, a token, a role's name, a member count validated
        ("src/Passport.php", "    public static $validateKeyPermissions = false;", None),
        ("lib/token.js", "  validateAccessToken(token) {", None),
        ("src/settings/form.ts", "  validateRoleName(name);", None),
        ("src/teams/limits.ts", "  validateMemberCount(team.members.length);", None),
        # ... and a form's field validated in the browser
        ("src/components/forms/validators.ts",
         "export const validateRole = (v: string) => (v ? undefined : 'Please pick a role');",
         None),
        ("src/components/forms/team.ts", "  errs.push(validateTenant(form.tenant));", None),
        # a request authorised for the action it asks for, by a server's own helper
        ("cmd/object-handlers.go",
         "\tif s3Error := authorizeRequest(ctx, r, policy.GetObjectAction); s3Error != ErrNone {",
         CHECK_CALLS),
        # look-alike: an OAuth authorisation request built (the auth area's)
        ("pkg/op/handler.go", "\tar, err := provider.NewAuthorizeRequest(ctx, r)", None),
        # rows kept to those whose relation to the caller is an admin's, as a Django lookup
        ("project/repos/querysets.py", "            remote_repository_relations__admin=True,",
         "permissions.admin-flags"),
        ("project/teams/views.py", "    teams = Team.objects.filter(members__is_owner=True)",
         "permissions.admin-flags"),
        # look-alike: a lookup on another flag
        ("project/repos/querysets.py", "            remote_repository_relations__active=True,", None),
        # the PHP ACL API of Laminas Permissions and the apps modelled on it
        ("src/Controller/Api/ProfileController.php",
         "        if (!$request->getAcl()->isAllowed(ShopPermissions::Refunds, $shop)) {", PHP_ACL),
        ("module/Shop/src/Controller/OrderController.php",
         "        return $this->acl->isAllowed($role, 'order', 'refund');", PHP_ACL),
        ("module/Shop/src/Module.php", "use Laminas\\Permissions\\Acl\\Acl;", PHP_ACL),
        ("phpBB/search.php",
         "    if ($auth->acl_get('f_list_topics', $forum_id) && !$auth->acl_get('f_read', $forum_id))",
         PHP_ACL),
        # look-alikes: a value allowed by a validator, an upload's type
        ("src/Validator/Hostname.php", "        return in_array($host, $this->allowedHosts);", None),
        ("src/Upload/Type.php", "        $ok = $this->mime->allowed($type);", None),
        # a helper that refuses the request unless the caller holds a permission
        ("shop/orders/views.py", '    user_has_global_permission_or_403(request.user, "edit")',
         REQUIREMENTS),
        ("shop/orders/views.py", "    project_member_or_403(request.user, order.project)",
         REQUIREMENTS),
        # the scopes a caller must hold, or may grant, named as data (an OAuth scope guard's
        # required scopes, the scopes an editor may hand on)
        ("web/api/users.go", "\tallowedScopes := Union(viewModel.Scopes, editor.Scopes)",
         REQUIREMENTS),
        ("src/guards/scope.guard.ts",
         "    const requiredScopes = this.reflector.get<Scope[]>(KEY, ctx.getHandler());",
         REQUIREMENTS),
        # look-alikes: a language's nested scopes, scopes shown in a list
        ("src/lang/parser.ts", "  const nestedScopes = stack.length;", None),
        ("src/lang/parser.ts", "  const visibleScopes = frames.map(f => f.name);", None),
        # a record's creator compared with the user asking
        ("protected/modules/file/models/File.php",
         "            return $user !== null && $this->created_by == $user->id;", OWNER),
        ("app/models/note.rb", "    return false unless note.created_by_id == user.id", OWNER),
        # look-alikes: the creator set, two of a record's fields compared
        ("protected/modules/file/models/File.php", "        $this->created_by = $user->id;", None),
        ("protected/modules/file/models/File.php",
         "        $same = $this->created_by == $this->updated_by;", None),
        # look-alikes: a row fetched or a 404 raised, whoever asks
        ("shop/orders/views.py", "    order = get_object_or_404(Order, id=order_id)", None),
        ("shop/orders/views.py", "    return value_or_404(cache, key)", None),
        # a request ended with 403, or a 403 page rendered
        ("app/Http/Controllers/TeamController.php", "            abort(403);", "permissions.ownership-check"),
        ("src/routes/orders.js", "    return res.sendStatus(403);", "permissions.ownership-check"),
        ("src/routes/posts.rs", '                Template::render("errors/403", json!({',
         "permissions.ownership-check"),
        # look-alikes: a 403 documented, a page of another error
        ("src/routes/posts.rs", '                Template::render("errors/404", json!({', None),
        ("app/api/docs.py", "    responses = {403: ForbiddenSchema}", None),
        # a custom admin site's view kept to signed-in staff
        ("shop/admin.py", "            self.admin_view(background_task_view),", DJANGO),
        # look-alike: a view routed as it is
        ("shop/admin.py", '            path("tasks/", background_task_view),', None),
        # roles given to a user or a client through an identity provider's API
        ("src/main/java/org/shop/gateway/GatewayService.java",
         "        identityProvider.updateUserRoles(realm, user.getId(), CLIENT_ID, WRITE);", ROLES),
        ("src/users/service.ts", "  await keycloak.assignUserRoles(userId, roles);", ROLES),
        # look-alikes: a user's fields updated, roles of a form listed
        ("src/users/service.ts", "  await users.updateUserProfile(userId, profile);", None),
        ("src/forms/options.ts", "  const choices = listRoles(form);", None),
        ("src/members/RoleSelect.tsx", "  listMemberRoles(orgId).then(setRoleOptions);", None),
        # a Java stream kept to one tenant's rows by a lambda
        ("src/main/java/org/shop/runner/Executor.java",
         "    flows.stream().filter(f -> Objects.equals(f.getTenantId(), flow.getTenantId()))",
         OWNER),
        # look-alike: a stream filtered by another field
        ("src/main/java/org/shop/runner/Executor.java",
         "    flows.stream().filter(f -> Objects.equals(f.getNamespace(), ns))", None),
        # a record's user column compared with a user's own key; a model's owner column with a
        # user id in SQLAlchemy's filter
        ("src/devices/middleware.py",
         "            if (device is not None) and (device.user_id != user.pk):", OWNER),
        ("src/recipes/permissions.ts", "    if (user.id === recipe.userId) {", OWNER),
        ("server/orgs/service.py", "                Membership.user_id == user_id,", OWNER),
        # look-alikes: two users' ids, a record's other column, a member list in a UI component
        ("src/devices/middleware.py", "            if device.user_id == other.device_id:", None),
        ("server/orgs/service.py", "                Membership.role_name == name,", None),
        ("src/components/Members.tsx", "  if (member.userId === user.id) {", None),
    ],
)
def test_a_permission_idiom_is_evidence(
    policy: Policy, path: str, line: str, rule: str | None
) -> None:
    found = rules_found(path, line, policy)
    assert (rule in found) if rule else (found == set()), found


@pytest.mark.parametrize(
    ("path", "removed", "added"),
    [
        # an IAM statement narrowed by a condition
        ("modules/runners/policies/instance-policy.json",
         ['      "Resource": "${arn_tokens}*"'],
         ['      "Resource": "${arn_tokens}/*",', '      "Condition": {',
          '        "StringLike": {',
          '          "ec2:SourceInstanceARN": "*/$${aws:ResourceTag/InstanceId}"',
          "        }", "      }"]),
        # a model's access predicate overridden
        ("app/models/issue.rb", [],
         ["  def attachments_deletable?(user=User.current)", "    attributes_editable?(user)",
          "  end"]),
        # a membership looked up for the session's user instead of the client's
        ("app/api/views/route.ts",
         ["        where: { userId_teamId: { userId: userId, teamId: link.teamId } },"],
         ["        where: { userId_teamId: { userId: sessionUserId, teamId: link.teamId } },"]),
    ],
)
def test_a_permission_idiom_changed_is_critical(
    policy: Policy, path: str, removed: list[str], added: list[str]
) -> None:
    decision = decide(parse_diff(edit(path, added, removed)), policy)
    assert decision.risk is Risk.CRITICAL, decision.reasons


PRIVACY = """\
diff --git a/app/models/mixins.py b/app/models/mixins.py
--- a/app/models/mixins.py
+++ b/app/models/mixins.py
@@ -10,9 +10,7 @@ class CollectionItemMixin(Model):
     @property
     def privacy(self):
         \"\"\"inherit the privacy of the collection\"\"\"
         collection_field = getattr(self, self.collection_field)
-        if self.approved:
-            return collection_field.privacy
-        return "direct"
+        return collection_field.privacy
{blank}
     def save(self, *args, **kwargs):
         super().save(*args, **kwargs)
""".format(blank=" ")

SUMMARY = """\
diff --git a/app/models/mixins.py b/app/models/mixins.py
--- a/app/models/mixins.py
+++ b/app/models/mixins.py
@@ -10,9 +10,7 @@ class CollectionItemMixin(Model):
     @property
     def summary(self):
         \"\"\"the collection's title\"\"\"
         collection_field = getattr(self, self.collection_field)
-        if self.approved:
-            return collection_field.title
-        return "pending"
+        return collection_field.title
{blank}
     def save(self, *args, **kwargs):
         super().save(*args, **kwargs)
""".format(blank=" ")


@pytest.mark.parametrize(
    ("condition", "area"),
    [
        # who may edit: the record's creator, compared in a condition that changed
        ("user == creator", True),
        # look-alike: the same change, deciding nothing about who
        ("draft?", False),
    ],
)
def test_a_changed_condition_naming_the_creator_is_permissions(
    policy: Policy, condition: str, area: bool
) -> None:
    removed = [f'      (name.present? && name.first != "*") || {condition}']
    added = [f'      editable = !persisted? || (name.present? && name.first != "*") || {condition}']
    decision = decide(parse_diff(edit("app/models/query.rb", added, removed)), policy)
    assert ("permissions" in {a.id for a in decision.areas}) is area, decision.reasons


def test_a_condition_taken_out_of_a_privacy_property_is_permissions(policy: Policy) -> None:
    decision = decide(parse_diff(PRIVACY), policy)
    assert "permissions" in {a.id for a in decision.areas}, decision.reasons


def test_the_same_condition_in_another_property_is_not_permissions(policy: Policy) -> None:
    decision = decide(parse_diff(SUMMARY), policy)
    assert "permissions" not in {a.id for a in decision.areas}, decision.reasons


DATA = "permissions.permission-data-migrations"


@pytest.mark.parametrize(
    ("path", "line", "rule"),
    [
        # who may do what rewritten as data by a migration or an upgrade script
        ("include/upgrader/streams/core/1a2b-3c4d.patch.sql",
         "UPDATE `%TABLE_PREFIX%role` A1", DATA),
        ("src/migrations/20260101-add-export-permission.js",
         "        INSERT INTO permissions (permission, display_name, type) VALUES", DATA),
        ("src/migrations/20260101-add-export-permission.js",
         "        SELECT assign_app_permission_to_role('EXPORT', 'Owner');", DATA),
        ("db/migrate/20260101120000_drop_guest_roles.rb",
         "      execute \"DELETE FROM user_roles WHERE role_id = 3\"", DATA),
        ("src/main/resources/db/migration/V42__grant_viewer.sql",
         "update user_roles set role_id = 2 where role_id = 5;", DATA),
        # ... a table named for access or for authorities, and a DELETE split before its FROM
        ("db/migrate/20260101120000_backfill_access_limiting.rb",
         "        INSERT INTO access_limiting_organisations (edition_id, organisation_id)", DATA),
        ("prisma/migrations/20260101_scopes/migration.sql", 'UPDATE "Access"', DATA),
        ("src/main/resources/db/migration/V2_42_9__Remove_authority.sql",
         "from userroleauthorities", DATA),
        ("src/main/resources/db/migration/V2_42_10__authorities.sql",
         "UPDATE userauthorities SET authority = 'M_new' WHERE authority = 'M_old';", DATA),
        # look-alikes: an access token's or a log's rows, a Python import in a migration
        ("db/migrate/20260101120000_expire_tokens.rb",
         "      execute \"UPDATE oauth_access_tokens SET revoked_at = NOW()\"", None),
        ("src/migrations/0042_prune.sql", "DELETE FROM access_logs WHERE created < now();", None),
        ("app/migrations/0042_roles.py", "from roles import ADMIN", None),
        # look-alikes: the same statement in an application's query file, a migration that
        # writes other rows, prose naming roles
        ("queries/roles.sql",
         "INSERT INTO roles (name, type, permissions) VALUES($1, $2, $3) RETURNING *;", None),
        ("db/migrate/20260101120000_backfill_names.rb",
         "      execute \"UPDATE users SET name = email WHERE name IS NULL\"", None),
        ("src/migrations/20260101-notes.js",
         "    // update roles associated to a user in a later release", None),
    ],
)
def test_permissions_rewritten_by_a_migration_are_evidence(
    policy: Policy, path: str, line: str, rule: str | None
) -> None:
    found = rules_found(path, line, policy)
    assert (rule in found) if rule else (DATA not in found), found


SCOPES = "permissions.oauth-scopes"


@pytest.mark.parametrize(
    ("path", "line", "rule"),
    [
        # the scopes a client registered, requested or was granted, as a server checks them
        ("src/Validation/RegistrationValidator.cs",
         "            var validApiScopes = await _resources.FindApiScopesByNameAsync(scopes);",
         SCOPES),
        ("oauth/grants/refresh.py", "        if set(requested_scopes) - set(granted_scopes):",
         SCOPES),
        ("src/Controller/Authorize.php",
         "        if ($clientScope && !$this->scopes->contains($requestedScope)) {", SCOPES),
        ("internal/index/builder.go", "\t\tinvalidScopes = append(invalidScopes, n.name)",
         SCOPES),
        # the scope parameter joined into a request; the matcher of requested and granted scopes
        ("src/client.rs", '        let scopes = self.scopes.join(" ");', SCOPES),
        ("strategy.go", "func HierarchicScopeStrategy(haystack []string, needle string) bool {",
         SCOPES),
        # look-alikes: the error code a server answers with, a language's or a container's scope
        ("lib/errors.js", "    super(400, 'invalid_scope', options);", None),
        ("src/lang/parser.ts", "  const scope = stack.pop();", None),
        ("src/di/container.cs", "        using var scope = _provider.CreateScope();", None),
        ("src/lang/checker.rs", "        let names = self.locals.join(\", \");", None),
    ],
)
def test_oauth_scopes_handled_are_permissions(
    policy: Policy, path: str, line: str, rule: str | None
) -> None:
    found = rules_found(path, line, policy)
    assert (rule in found) if rule else (SCOPES not in found), found


@pytest.mark.parametrize(
    ("path", "line", "rule"),
    [
        # Django admin's permission hooks, and the permissions an admin action requires
        ("openwisp_users/admin.py",
         "    @admin.action(description=delete_selected.short_description, permissions=['delete'])",
         DJANGO),
        ("openwisp_users/admin.py",
         "        description=_('Flag selected users as active'), permissions=['change']", DJANGO),
        ("simple_history/admin.py", "    def has_delete_permission(self, request, obj=None):",
         DJANGO),
        ("django_otp/admin.py", "        if not self.has_change_permission(request, obj):",
         DJANGO),
        # look-alikes: a GitHub token's permissions, a file's, a model's changed fields
        ("scripts/release.py", '    permissions = ["contents", "packages"]', None),
        ("app/storage.py", '    permissions = ["read", "write"]', None),
        ("app/models.py", "    def has_changed(self, field):", None),
    ],
)
def test_a_django_admin_permission_hook_is_evidence(
    policy: Policy, path: str, line: str, rule: str | None
) -> None:
    found = rules_found(path, line, policy)
    assert (rule in found) if rule else DJANGO not in found, found


ENCLOSING = "permissions.enclosing-symbol"


@pytest.mark.parametrize(
    ("path", "section", "area"),
    [
        # a definition named for what it allows or the abilities it grants
        ("ladon.go",
         "func (l *Ladon) DoPoliciesAllow(r *Request, policies []Policy) (err error) {", True),
        ("internal/check/step/dispatch.go",
         "func (s IsAllowedStep) Execute(ctx context.Context, req check.CheckRequest) Result {",
         True),
        ("src/Acl.php", "    public function isAllowed($user, $resource)", True),
        ("src/Conductors/SyncsRolesAndAbilities.php", "class SyncsRolesAndAbilities", True),
        ("app/models/ability.rb", "class Ability", True),
        # look-alikes: a rate limiter's Allow, CORS's allowed origins, a retry, cache or
        # image-pull policy, a word that holds "ability", an allowance
        ("internal/rate/limiter.go", "func (lim *Limiter) Allow() bool {", False),
        ("internal/cors/config.go", "func (c *Config) AllowedOrigins() []string {", False),
        ("src/http/retry.py", "class RetryPolicy:", False),
        ("src/http/cache.py", "class CachePolicy(Enum):", False),
        ("pkg/apis/core/types.go", "func (p ImagePullPolicy) String() string {", False),
        ("app/models.py", "class Availability(models.Model):", False),
        ("app/config.py", "class ObservabilityConfig:", False),
        ("app/models.py", "    def allowance(self):", False),
        ("internal/retry/retry.go", "func (b *Backoff) retryAllowed() bool {", False),
        ("pkg/images/puller.go", "func (p *Puller) pullAllowed() bool {", False),
        ("app/game/stats.py", "class AbilityScore:", False),
        # ... and the names in test code, a UI component and a GraphQL schema
        ("tests/test_abilities.py", "class AbilityTest(TestCase):", False),
        ("src/engine_test.go", "func TestIsAllowed(t *testing.T) {", False),
        ("src/components/Toolbar.tsx", "function isAllowedToEdit(props) {", False),
        ("schema.graphql", "type Ability {", False),
    ],
)
def test_a_change_inside_a_definition_named_for_what_it_allows_is_evidence(
    policy: Policy, path: str, section: str, area: bool
) -> None:
    rules = rules_in_section(path, section, policy)
    assert (ENCLOSING in rules) is area, rules


@pytest.mark.parametrize(
    ("path", "line", "rule", "fires"),
    [
        # access control by name, hyphenated alone or as a list
        ("src/setup.js", "const acl = require('access-control');", "permissions.acl-rbac", True),
        ("infra/bucket.py", '    acl = {"access-control-list": "private"}',
         "permissions.acl-rbac", True),
        # look-alikes: CORS's response headers (the security area's)
        ("src/corsheaders/middleware.py",
         'ACCESS_CONTROL_ALLOW_ORIGIN = "access-control-allow-origin"', "permissions.acl-rbac",
         False),
        ("server/app.js", "  res.setHeader('Access-Control-Allow-Origin', '*');",
         "permissions.acl-rbac", False),
    ],
)
def test_access_control_by_name_is_not_a_cors_header(
    policy: Policy, path: str, line: str, rule: str, fires: bool
) -> None:
    assert (rule in rules_found(path, line, policy)) is fires


DECISION_CACHES = "permissions.decision-caches"


@pytest.mark.parametrize(
    ("path", "line", "rule"),
    [
        # what the checks decided, cached or memoized per user, record or context
        ("rules/predicates.py",
         "        return set(groups).issubset(user._group_names_cache)", DECISION_CACHES),
        ("shop/backends.py", "        del user._perm_cache", DECISION_CACHES),
        ("app/Http/Controllers/RoleController.php",
         "        app(PermissionRegistrar::class)->forgetCachedPermissions();", DECISION_CACHES),
        ("lib/action_policy/lookup_chain.rb",
         "            cached_policy = put_if_absent(:strict, namespace, policy, &block)",
         DECISION_CACHES),
        ("lib/action_policy/behaviours/memoized.rb",
         "          __policy_memoize__(record, **opts) { super(record: record, **opts) }",
         DECISION_CACHES),
        ("NetCasbin/CoreEnforcer.cs", "                EnforceCache?.Clear();", DECISION_CACHES),
        ("app/models/user.rb", '    @roles_cache ||= roles.pluck(:name)', DECISION_CACHES),
        # look-alikes: an HTTP cache policy, a cache of something else, the words in a sentence
        ("infra/cdn.tf", '  cache_policy_id = aws_cloudfront_cache_policy.assets.id', None),
        ("app/models/user.rb", "    @avatar_cache ||= avatar.variant(:thumb)", None),
        ("app/services/sync.rb", '    logger.info("permission cache cleared for #{user.id}")',
         None),
        # ... a UI's state, a setting, a permutation's or an RL agent's cache of the same words
        ("src/hooks/useRoles.ts", "  const [rolesCache, setRolesCache] = useState({});", None),
        ("config/settings.py", "ENFORCE_MEMORY_LIMIT = True", None),
        ("solver/search.py", "        perm_cache = {}", None),
        ("agents/dqn.py", "        self.policy_memory = ReplayBuffer(size)", None),
        ("config/settings.yml", "role_cache_ttl: 300", None),
        ("pkg/cdn/options.go", "\tEnforceCacheControl bool", None),
    ],
)
def test_a_cache_of_access_decisions_is_evidence(
    policy: Policy, path: str, line: str, rule: str | None
) -> None:
    found = rules_found(path, line, policy)
    assert (rule in found) if rule else (DECISION_CACHES not in found), found
