"""Signals that name a second area of a change already found critical (area recall).

A change flagged for one area often does the work of another as well: a role's trust policy
matching CI's OIDC subject is security as much as infrastructure, a decimal(18,2) column is
money as much as schema. Each row is a line written with a documented API or idiom and the rule that must read
it; a row with no rule is a look-alike that must stay silent (its words, another scale, another
file).
"""

from __future__ import annotations

import pytest

from bot.analysis.classify import classify
from bot.analysis.diff import parse_diff
from policies.model import Policy, Risk
from tests.bot._diffs import edit
from tests.bot.analysis._rules import rules_found

ALEMBIC = "transactions.alembic-constraints"
EKS = "permissions.eks-cluster-access"
VERSION = "migrations.schema-version"




@pytest.mark.parametrize(
    ("path", "line", "rule"),
    [
        # CI's OIDC token trusted by a cloud role: the provider, GitHub's and GitLab's subjects
        ("modules/ci/main.tf",
         '      variable = "token.actions.githubusercontent.com:sub"', "security.ci-oidc-trust"),
        ("modules/ci/main.tf",
         '      format("repo:%s/%s:ref:refs/heads/%s", org, repo, branch)',
         "security.ci-oidc-trust"),
        ("modules/ci/main.tf",
         '  values = ["project_path:group/app:ref_type:branch:ref:main"]',
         "security.ci-oidc-trust"),
        # Storage that refuses plain or old TLS
        ("modules/bucket/main.tf", '      variable = "s3:TlsVersion"', "security.cloud-transport"),
        ("modules/bucket/main.tf", '      variable = "aws:SecureTransport"',
         "security.cloud-transport"),
        ("modules/storage/main.tf", '  min_tls_version = "TLS1_2"', "security.cloud-transport"),
        # Money columns by the currency convention of each stack
        ("src/Data/ShopDbContext.cs", 'property.SetColumnType("decimal(18,2)");',
         "billing.money-columns"),
        ("src/Data/OrderConfiguration.cs",
         "builder.Property(o => o.Total).HasPrecision(18, 2);", "billing.money-columns"),
        ("db/migrate/20240101_add_total.rb",
         "    add_column :orders, :total, :decimal, precision: 10, scale: 2",
         "billing.money-columns"),
        ("shop/models.py", "    total = models.DecimalField(max_digits=12, decimal_places=2)",
         "billing.money-columns"),
        ("src/main/java/org/shop/Order.java", "    @Column(precision = 19, scale = 4)",
         "billing.money-columns"),
        ("database/migrations/2024_01_01_create_orders.php",
         "            $table->decimal('total', 12, 2);", "billing.money-columns"),
        ("db/schema.sql", "  amount NUMERIC(19, 4) NOT NULL,", "billing.money-columns"),
        # A return path's leading slashes collapsed or refused (protocol-relative URLs)
        ("lib/clearance/authorization.rb", '      uri.path.sub(/\\A\\/+/, "/")',
         "security.protocol-relative-urls"),
        ("app/views.py", '    path = re.sub(r"^/+", "/", path)', "security.protocol-relative-urls"),
        ("src/redirect.ts", "  if (next.startsWith('//')) return '/';",
         "security.protocol-relative-urls"),
        ("server/redirect.go", '\tif strings.HasPrefix(next, "//") {',
         "security.protocol-relative-urls"),
        # A unique or check constraint put on a table by a migration
        ("db/migrate/20240101000000_feed_names.rb",
         "    add_index :data_feeds, [:store_id, :name], unique: true",
         "transactions.integrity-constraints"),
        ("db/migrate/20240101000000_positive_amount.rb",
         '    add_check_constraint :payments, "amount > 0", name: "positive_amount"',
         "transactions.integrity-constraints"),
        ("app/alembic/versions/2024_unique_account.py",
         '    op.create_unique_constraint("uq_account", "oauth_account", ["provider", "account"])',
         "transactions.integrity-constraints"),
        ("shop/migrations/0012_unique_basket_line.py", "        migrations.AddConstraint(",
         "transactions.integrity-constraints"),
        ("db/V7__order_ref.sql", "ALTER TABLE orders ADD CONSTRAINT uq_ref UNIQUE (ref);",
         "transactions.integrity-constraints"),
        ("db/V7__order_ref.sql", "create unique index orders_ref_key on orders (ref);",
         "transactions.integrity-constraints"),
        # ... or declared by a table a migration creates: its own UNIQUE or CHECK line
        ("store/migrate/postgres/files/016_create_templates.sql",
         "    ,UNIQUE(template_name, template_namespace)", "transactions.integrity-constraints"),
        ("db/V9__templates.sql", "    UNIQUE (org_id, name)", "transactions.integrity-constraints"),
        ("db/V9__payments.sql", "    CONSTRAINT positive_amount CHECK (amount > 0),",
         "transactions.integrity-constraints"),
        ("src/Migrations/20240101_OrderHash.cs", "                .WithOptions().Unique()",
         "transactions.integrity-constraints"),
        # ... Laravel's schema builder, as its documentation writes a unique index: put on,
        # taken off, or chained on a column
        ("database/migrations/add_teams_fields.php.stub",
         "                $table->unique([$columnNames['team_foreign_key'], 'name', 'guard_name']);",
         "transactions.integrity-constraints"),
        ("database/migrations/add_teams_fields.php.stub",
         "                $table->dropUnique('roles_name_guard_name_unique');",
         "transactions.integrity-constraints"),
        ("database/migrations/2019_05_03_000003_create_receipts_table.php",
         "            $table->string('order_id')->unique();", "transactions.integrity-constraints"),
        # An access check by its abbreviated name; a row fetched by its owner (Django)
        ("internal/httpd/server.go",
         "\trouter.With(s.checkPerms(dataprovider.PermAdminAny)).Put(path, handler)",
         "permissions.access-check-calls"),
        ("shop/customer/mixins.py",
         "        order = Order.objects.get(user=None, number=self.order_number)",
         "permissions.owner-scoping"),
        ("api/views/albums.py",
         "        return AlbumUser.objects.filter(Q(owner=self.request.user) | Q(shared_to=user))",
         "permissions.owner-scoping"),
        ("shop/views.py",
         "    order = get_object_or_404(Order, Q(pk=pk, owner=request.user))",
         "permissions.owner-scoping"),
        ("reports/views.py",
         "    report = get_object_or_404(Report, pk=report_id, team__members=request.user)",
         "permissions.owner-scoping"),
        ("api/views.py",
         "        return Invoice.objects.filter(status='open', created_by=self.request.user)",
         "permissions.owner-scoping"),
        ("api/views.py",
         "    qs = Order.objects.filter(created__gte=now(), owner=request.user)",
         "permissions.owner-scoping"),
        # ... and by a Spring Data query's name, a customer's or an account's too, the owner as
        # an entity
        ("src/main/java/com/acme/web/InvoiceController.java",
         "        return repo.findByIdAndCustomerId(id, user.getCustomerId());",
         "permissions.derived-owner-queries"),
        ("src/main/java/com/acme/web/InvoiceController.java",
         "        return repo.findByIdAndUser(id, currentUser);", "permissions.derived-owner-queries"),
        ("src/main/java/com/acme/web/InvoiceController.java",
         "        return repo.findByIdAndCustomer_Id(id, customerId);",
         "permissions.derived-owner-queries"),
        # The signed-in user written into the session: signing in or out
        ("core/lib/Security/SecurityContext.php",
         "        $this->getSession()?->setAdminUser($freshAdminUser);", "auth.session-user"),
        ("app/routes/login.js", "  req.session.userId = user.id;", "auth.session-user"),
        ("public/login.php", "    $_SESSION['user_id'] = $row['id'];", "auth.session-user"),
        # ... Flask's session, as its tutorial signs in, and Flask-Principal's identity
        ("flaskr/auth.py", "        session['user_id'] = user['id']", "auth.session-user"),
        ("flask_principal/__init__.py", "    session['identity.id'] = identity.id",
         "auth.session-user"),
        # Downloaded modules checked against their recorded checksums in an image build
        ("Dockerfile", "RUN go mod download && go mod verify", "security.dependency-integrity"),
        # A write that lost a race, caught by name; a counter updated in the database
        ("app/models/vote.rb", "  rescue ActiveRecord::RecordNotUnique", "transactions.conflict-handling"),
        ("app/models/order.rb", "  rescue ActiveRecord::StaleObjectError => e",
         "transactions.conflict-handling"),
        ("shop/services.py", "    except IntegrityError:", "transactions.conflict-handling"),
        ("shop/services.py", "    except (ValueError, db.IntegrityError) as exc:",
         "transactions.conflict-handling"),
        ("src/subscription.service.ts", "    if (error.code === 'P2002') {",
         "transactions.conflict-handling"),
        ("internal/controller/sync.go",
         "\terr := retry.RetryOnConflict(retry.DefaultRetry, func() error {",
         "transactions.conflict-handling"),
        ("app/db/models.py", '    __mapper_args__ = {"version_id_col": version}',
         "transactions.conflict-handling"),
        ("src/Entity/Order.php", "    #[ORM\\Version]", "transactions.conflict-handling"),
        ("shop/views.py", '    Product.objects.filter(pk=pk).update(stock=F("stock") - 1)',
         "transactions.conflict-handling"),
        ("internal/model/account.go", "\tVersion optimisticlock.Version",
         "transactions.conflict-handling"),
        ("src/models/order.ts", "  { timestamps: true, optimisticConcurrency: true },",
         "transactions.conflict-handling"),
        # Authorisation libraries by their API; Django's permissions in a template
        ("src/auth/abilities.ts", "  const { can, cannot, build } = new AbilityBuilder(createMongoAbility);",
         "permissions.authz-libraries"),
        ("src/routes/posts.ts", "  if (!ability.can('update', post)) {", "permissions.authz-libraries"),
        ("app/routes.py", "    if not oso.is_allowed(user, \"read\", repository):",
         "permissions.authz-libraries"),
        ("internal/authz/check.go", "\tok, err := enforcer.Enforce(sub, obj, act)",
         "permissions.authz-libraries"),
        ("shop/templates/orders/detail.html", "{% if perms.shop.change_order %}",
         "permissions.authz-libraries"),
        # A secret baked into an image, and the build secret mount that keeps it out
        ("Dockerfile", "ARG NPM_TOKEN", "security.image-secrets"),
        ("docker/api.Dockerfile", "ENV STRIPE_API_KEY=sk_live_placeholder", "security.image-secrets"),
        ("Dockerfile", "COPY .env /app/.env", "security.image-secrets"),
        ("Dockerfile", "RUN --mount=type=secret,id=npmrc npm ci", "security.image-secrets"),
        # An access check by its PascalCase name (Go's exported functions, C#'s methods)
        ("internal/api/orgs.go", "\tif err := RequireOrgAdmin(ctx, orgID); err != nil {",
         "permissions.access-check-calls"),
        ("src/Web/ProjectService.cs", "        await EnsureProjectAccessAsync(projectId, user);",
         "permissions.access-check-calls"),
        # Transactions run by the stacks' own helpers
        ("src/main/kotlin/org/shop/Orders.kt", "    transaction {", "transactions.tx-helpers"),
        ("src/main/kotlin/org/shop/Orders.kt", "    newSuspendedTransaction(Dispatchers.IO) {",
         "transactions.tx-helpers"),
        ("lib/shop/orders.ex", "    |> Repo.transaction()", "transactions.tx-helpers"),
        ("lib/shop/orders.ex", "    Ecto.Multi.new()", "transactions.tx-helpers"),
        ("internal/store/orders.go", "\ttx, err := client.Tx(ctx)", "transactions.tx-helpers"),
        ("internal/cache/stock.go", "\t_, err := rdb.TxPipelined(ctx, func(pipe redis.Pipeliner) error {",
         "transactions.tx-helpers"),
        ("app/cache.py", "    with r.pipeline(transaction=True) as pipe:", "transactions.tx-helpers"),
        # XML parsers kept from external entities, a path kept inside its root; deserialisers
        # that build any type (security.deserialisation)
        ("app/feeds.py", "    from defusedxml.ElementTree import fromstring", "security.parser-hardening"),
        ("app/feeds.py", "    parser = etree.XMLParser(resolve_entities=False)",
         "security.parser-hardening"),
        ("src/main/java/org/shop/Xml.java",
         '    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);',
         "security.parser-hardening"),
        ("src/Import/Reader.cs", "    settings.DtdProcessing = DtdProcessing.Prohibit;",
         "security.parser-hardening"),
        ("src/Api/Json.cs", "    TypeNameHandling = TypeNameHandling.None,", "security.deserialisation"),
        ("config/initializers/cookies_serializer.rb",
         "Rails.application.config.action_dispatch.cookies_serializer = :hybrid",
         "security.deserialisation"),
        ("config/application.rb", "    config.active_support.message_serializer = :json_allow_marshal",
         "security.deserialisation"),
        ("src/main/java/org/shop/Json.java", "    mapper.activateDefaultTyping(validator);",
         "security.deserialisation"),
        ("lib/cache.rb", "    Marshal.load(payload)", "security.deserialisation"),
        ("internal/files/serve.go", "\tif !filepath.IsLocal(name) {", "security.parser-hardening"),
        ("internal/files/serve.go", "\tp, err := securejoin.SecureJoin(root, name)",
         "security.parser-hardening"),
        # Payment providers of other regions; the amounts orders and invoices name
        ("app/gateway.py", "from alipay import AliPay", "billing.providers"),
        ("src/checkout/paystack.ts", "  const res = await paystack.transaction.verify(reference);",
         "billing.providers"),
        ("app/models/order.rb", "    self.amount_refunded = 0", "billing.order-amounts"),
        ("src/Sales/Order.php", "        $this->grand_total = $subtotal;", "billing.order-amounts"),
        ("src/main/java/org/shop/CreditNotes.java", "    creditNote.apply(account);",
         "billing.order-amounts"),
        # Migrations kept as one module rather than a folder
        ("server/lib/src/server/migrations.rs", "    let entries = vec![member_entry];",
         "migrations.path"),
        # An email address confirmed before it is trusted, by the frameworks' names
        ("src/Forum/Controller/ConfirmEmailViewController.php",
         "class ConfirmEmailViewController extends AbstractHtmlController", "auth.account-confirmation"),
        ("src/Areas/Identity/Data/User.cs", "    if (!user.EmailConfirmed)", "auth.account-confirmation"),
        # Money paid out or back inside a name; money moved on a customer's account
        ("app/services/expense_payout_service/process_single.rb",
         "      idempotency_key: expense_payout.id,", "billing.money-words"),
        ("api/src/main/java/org/shop/invoice/InvoiceDao.java",
         "    final PaymentModelDao refund = dao.createRefund(paymentId, amount);", "billing.money-words"),
        ("app/controllers/api/v1/customer_account_transaction_controller.rb",
         "        customer = Customer.find(customer_account_transaction_params[:customer_id])",
         "billing.money-words"),
        # a billing plan or a payment method inside a compound name
        ("src/routers/marketplace/controller.ts", "  paymentMethodRequired: true,",
         "billing.money-words"),
        ("src/Apps/DomainObject/AppDomainObject.cs",
         "        get => BillingPlans.GetActualPlan(Snapshot.Plan?.PlanId).Plan;", "billing.money-words"),
        ("app/services/plans.py", "    plan = billing_plan_for(org)", "billing.money-words"),
        # billing inside a snake-case name; a proration anywhere in a name
        ("internal/db/schema/migrations/oss/postgres/84/08_hcp_user_billing_view.up.sql",
         "  create function hcp_billing_monthly_sessions_current_month()", "billing.money-words"),
        ("src/Modules/Multitenancy/Services/TenantService.cs",
         "        _billingOptions = billingOptions.Value;", "billing.money-words"),
        ("src/subscriptionItems/index.ts", "    disable_prorations: disableProrations,",
         "billing.money-words"),
        # A unique or check constraint in an Alembic revision (Flask-Migrate's too), whose
        # operation's arguments run over several lines
        ("app/migrations/versions/3f2a1b9c7d10_unique_active_email.py",
         "        unique=True, postgresql_where=sa.text(\"state = 'active'\"))", ALEMBIC),
        ("alembic/versions/2024_05_01_9d8e7f6a_order_ref.py",
         '    op.create_index("ix_orders_ref", "orders", ["ref"], unique=True)', ALEMBIC),
        ("alembic/versions/7c1d2e3f4a5b_create_payments.py",
         '        sa.CheckConstraint("amount > 0", name="ck_positive_amount"),', ALEMBIC),
        ("migrations/versions/e4f5a6b7c8d9_team_members.py",
         '        sa.UniqueConstraint("team_id", "user_id"),', ALEMBIC),
        # A column's database default in EF Core's fluent mapping and model snapshot
        ("src/Data/Configurations/OrderConfiguration.cs",
         "        builder.Property(o => o.Status).HasDefaultValue(OrderStatus.Pending);",
         "migrations.ef-migrations"),
        ("src/Shop.Migrations/ShopDbContextModelSnapshot.cs",
         '                        .HasDefaultValueSql("now()");', "migrations.ef-migrations"),
        # A Mongoose schema's fields by their SchemaTypes
        ("src/models/order.js",
         "  customer: { type: Schema.Types.ObjectId, ref: 'Customer', required: true },",
         "migrations.orm-schema"),
        ("libs/dal/src/schemas/account.schema.ts", "    externalId: Schema.Types.String,",
         "migrations.orm-schema"),
        ("src/models/event.ts", "  payload: mongoose.Schema.Types.Mixed,", "migrations.orm-schema"),
        # Who may administer an EKS cluster: Terraform's access entries (the provider's resources,
        # the terraform-aws-eks module's inputs), CloudFormation's and eksctl's, the aws-auth
        # ConfigMap's role mappings
        ("infra/eks.tf", "  enable_cluster_creator_admin_permissions = true", EKS),
        ("infra/eks.tf", "  access_entries = {", EKS),
        ("infra/eks.tf", 'resource "aws_eks_access_policy_association" "admin" {', EKS),
        ("infra/eks.tf",
         '      policy_arn = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"',
         EKS),
        ("modules/cluster/main.tf", "  aws_auth_roles = [{", EKS),
        ("cloudformation/cluster.yaml", "    Type: AWS::EKS::AccessEntry", EKS),
        ("eksctl/cluster.yaml", "  accessEntries:", EKS),
        ("k8s/aws-auth.yaml", "  mapRoles: |", EKS),
        ("k8s/aws-auth.yaml", "        - system:masters", EKS),
        # A Matomo update's migrations, by the update API
        ("plugins/Shop/Updates/1.2.0.php",
         "        $migrations[] = $this->migration->db->boundSql('DELETE FROM `t` WHERE id = ?', [$id]);",
         "migrations.migration-markers"),
        ("plugins/Shop/Updates/1.2.0.php",
         "            $this->migration->db->addColumn('shop_order', 'origin', 'VARCHAR(20) NULL'),",
         "migrations.migration-markers"),
        # A migration runner's schema version (weak alone: test_a_schema_version_is_a_second_area)
        ("internal/store/sqlcommon.go",
         "\t\tcurrent, err := sqlGetDatabaseVersion(conn, false)", VERSION),
        ("app/db.py", '    conn.execute(f"PRAGMA user_version = {target}")', VERSION),
        ("src/store/upgrade.rs", "    let db_version = read_db_version(&rtxn)?;", VERSION),
        ("lib/Install/Update.php",
         "        $this->connection->exec('UPDATE schema_version SET version = ' . $v);", VERSION),
        ("scripts/repair.sql", "DELETE FROM flyway_schema_history WHERE success = false;", VERSION),
        ("lib/tasks/db.rake", '    rows = conn.select_values("SELECT version FROM schema_migrations")',
         VERSION),
    ],
)
def test_a_second_area_signal_is_evidence(
    policy: Policy, path: str, line: str, rule: str
) -> None:
    assert rule in rules_found(path, line, policy)


def test_a_serializer_of_a_model_is_not_rails_message_serialisation(policy: Policy) -> None:
    line = "  attributes :id, :message, :serializer_name"
    assert rules_found("app/serializers/order_serializer.rb", line, policy) == set()


@pytest.mark.parametrize(
    ("path", "line", "rule"),
    [
        # a repository named in prose or a URL, not a subject claim
        ("src/links.py", 'url = "https://github.com/org/repo"', "security.ci-oidc-trust"),
        ("src/scm.py", 'ref = "repo:main"', "security.ci-oidc-trust"),
        # TLS named in a variable of another kind
        ("src/client.py", "tls_version = detect(conn)", "security.cloud-transport"),
        # a percentage, a coordinate, a rating: other scales
        ("db/schema.sql", "  discount_rate DECIMAL(5, 2),", "billing.money-columns"),
        ("db/schema.sql", "  latitude DECIMAL(10, 7),", "billing.money-columns"),
        ("db/schema.rb", '    t.decimal "final_weight", precision: 10, scale: 2',
         "billing.money-columns"),
        ("shop/models.py", "    score = models.DecimalField(max_digits=3, decimal_places=2)",
         "billing.money-columns"),
        ("src/Data/MapConfiguration.cs",
         "builder.Property(p => p.Lat).HasPrecision(9, 6);", "billing.money-columns"),
        # trailing slashes, one leading slash, a scheme's slashes
        ("src/urls.ts", "  return base.replace(/\\/+$/, '');", "security.protocol-relative-urls"),
        ("src/redirect.ts", "  if (next.startsWith('/')) return next;",
         "security.protocol-relative-urls"),
        ("src/client.py", '    url = "https://" + host', "security.protocol-relative-urls"),
        # a constraint declared on a field or in a model, a foreign key, a column made NOT NULL,
        # an index that is not unique, a unique index taken away: the migrations area alone
        ("db/migrate/20240101000000_guid_not_null.rb",
         "    change_column_null :notifications, :guid, false",
         "transactions.integrity-constraints"),
        ("db/V8__email.sql", "ALTER TABLE users ALTER COLUMN email SET NOT NULL;",
         "transactions.integrity-constraints"),
        ("db/migrate/20240101000000_add_ref.rb",
         "    add_column :orders, :ref, :string, null: false, default: ''",
         "transactions.integrity-constraints"),
        ("oauth2_provider/migrations/0012_add_token_checksum.py",
         "                blank=True, db_index=True, max_length=64, unique=True",
         "transactions.integrity-constraints"),
        ("model/user.go", '\tOIDCID *string `gorm:"uniqueIndex:uix_users_oidc_id"`',
         "transactions.integrity-constraints"),
        ("db/migrate/20240101000000_add_fk.rb", "    add_foreign_key :orders, :users",
         "transactions.integrity-constraints"),
        # a unique list of values computed, a table's column list
        ("src/lib/tags.js", "  unique(tags).forEach(add);", "transactions.integrity-constraints"),
        ("db/V9__templates.sql", "    , template_namespace VARCHAR(50)",
         "transactions.integrity-constraints"),
        ("db/migrate/20240101000000_add_idx.rb", "    add_index :orders, :created_at",
         "transactions.integrity-constraints"),
        ("db/migrate/20240101000000_drop_token.rb",
         "    remove_index :users, column: :token, unique: true",
         "transactions.integrity-constraints"),
        # a permalink checked; a cache key that starts with a user; an equality test
        ("src/links.go", "\tif checkPermalink(url) {", "permissions.access-check-calls"),
        ("src/cache.py", '    value = cache.get("user:" + key)', "permissions.owner-scoping"),
        ("src/views.py", "    row = params.get(user_id == 1)", "permissions.owner-scoping"),
        ("src/search.py", "    query &= Q(title__icontains=term)", "permissions.owner-scoping"),
        ("blog/views.py", "    Comment.objects.create(post=post, author=request.user)",
         "permissions.owner-scoping"),
        ("blog/views.py", "    log_event('viewed', post=post, actor=request.user.username)",
         "permissions.owner-scoping"),
        ("src/search.py", "    query &= Q(author_name__icontains=term)", "permissions.owner-scoping"),
        # the session's user read back, or another of its values
        ("app/routes/profile.js", "  const name = req.session.user.name;", "auth.session-user"),
        ("app/routes/profile.js", "  if (req.session.userId === id) {", "auth.session-user"),
        ("app/views.py", "    if session['user_id'] == uid:", "auth.session-user"),
        ("app/views.py", "    session['user_agent'] = request.user_agent.string",
         "auth.session-user"),
        ("app/views.py", "    session['cart'] = []", "auth.session-user"),
        ("src/Http/Client.php", "        $agent = $session->getUserAgent();",
         "auth.session-user"),
        # modules downloaded, not verified
        ("Dockerfile", "RUN go mod download", "security.dependency-integrity"),
        # a file's integrity checked (CarrierWave), the error imported, not caught; F() alone
        ("app/controllers/photos_controller.rb", "  rescue CarrierWave::IntegrityError",
         "transactions.conflict-handling"),
        ("shop/views.py", "from django.db import IntegrityError", "transactions.conflict-handling"),
        ("shop/views.py", '    qs = qs.order_by(F("created").desc())',
         "transactions.conflict-handling"),
        # a permission word in a comment-free UI string; an ability score; build settings that
        # are not secrets; the same ARG outside a Dockerfile
        ("src/game/stats.ts", "  const bonus = abilityScore(player);", "permissions.authz-libraries"),
        ("Dockerfile", "ARG NODE_VERSION=20", "security.image-secrets"),
        ("Dockerfile", "ENV TOKENIZERS_PARALLELISM=false", "security.image-secrets"),
        ("Dockerfile", "COPY package.json pnpm-lock.yaml ./", "security.image-secrets"),
        ("scripts/build.sh", "ARG NPM_TOKEN", "security.image-secrets"),
        # an accessibility check; a transaction object passed on; a path joined plainly
        ("internal/ui/check.go", "\tCheckAccessibility(page)", "permissions.access-check-calls"),
        ("src/Web/Log.cs", "        VerifyAccessor(logger);", "permissions.access-check-calls"),
        ("src/shop/ledger.ts", "  const transaction = { id, amount };", "transactions.tx-helpers"),
        ("internal/files/serve.go", "\tp := filepath.Join(root, name)", "security.parser-hardening"),
        # a square shape; a grand total shown in a UI component
        ("src/geometry/shapes.py", "    side = squared(width)", "billing.providers"),
        ("src/components/OrderSummary.tsx", "  <span>{order.grand_total}</span>",
         "billing.order-amounts"),
        # one migration's guide, a module named for the one step it migrates
        ("docs/migrations.md", "Run the migrations before upgrading.", "migrations.path"),
        ("src/store/migration.ts", "  const state = upgrade(saved);", "migrations.path"),
        # a confirmation of something else; a word that only ends in "refund"
        ("src/components/dialog.ts", "  const confirmed = await confirmDelete(item);",
         "auth.account-confirmation"),
        ("src/funds/model.py", "    prefund = allocation.initial", "billing.money-words"),
        # a surname that only starts with "billing"; an invoicing product's namespace, a billing
        # period shown on a page
        ("src/books/authors.py", "    billingsley = author.name", "billing.money-words"),
        ("src/ClientBundle/Form/Type/ContactDetailType.php",
         "use SolidInvoice\\ClientBundle\\Entity\\ContactType;", "billing.money-words"),
        ("src/user/AccountPage.ts", "  const endOfBillingPeriod = new Date(datePaid);",
         "billing.money-words"),
        # a plan of another kind, a method of something else
        ("src/trips/planner.ts", "  const travelPlanRequired = true;", "billing.money-words"),
        ("src/http/client.ts", "  const requestMethodName = req.method;", "billing.money-words"),
        ("src/db/runner.py", "    with session.begin() as transaction:", "billing.money-words"),
        # a unique field of a model or of a Django migration, a plain index, a foreign key, a
        # module of API versions
        ("app/models.py", "    email = Column(String(255), unique=True)", ALEMBIC),
        ("shop/migrations/0013_voucher_code.py",
         "            field=models.CharField(max_length=64, unique=True),", ALEMBIC),
        ("alembic/versions/2024_05_02_aa11bb22_created_idx.py",
         '    op.create_index("ix_orders_created", "orders", ["created_at"])', ALEMBIC),
        ("alembic/versions/5e6f7a8b9c0d_order_user.py",
         '        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),', ALEMBIC),
        ("app/api/versions/v2.py", "    unique=True,", ALEMBIC),
        # a default read in code, another schema library's (ProseMirror, Vue props, Joi)
        ("src/Web/Forms/FieldModel.cs", "        if (field.HasDefaultValue) return field.Value;",
         "migrations.ef-migrations"),
        ("src/editor/schema.js", "const schema = new Schema({ nodes, marks });",
         "migrations.orm-schema"),
        ("src/components/OrderCard.vue", "    title: { type: String, required: true },",
         "migrations.orm-schema"),
        ("src/validation/user.js", "  name: Joi.string().required(),", "migrations.orm-schema"),
        # an access log's entries in code, a node's groups in aws-auth, other policies
        ("app/audit.py", "    access_entries = AccessLog.objects.filter(user=user)", EKS),
        ("k8s/aws-auth.yaml", "        - system:nodes", EKS),
        ("infra/s3.tf", '  policy = data.aws_iam_policy_document.read.json', EKS),
        ("config/app.yml", "  entries:", EKS),
        # a migration factory kept or another service's call: not an update's migration
        ("plugins/Shop/Updates/1.2.0.php", "        $this->migration = $factory;",
         "migrations.migration-markers"),
        ("src/Service/Installer.php", "        $this->migrationService->run($version);",
         "migrations.migration-markers"),
        # a collection's duplicates dropped; a column's other modifiers in a Laravel migration
        ("app/Services/Report.php", "        $ids = $rows->pluck('order_id')->unique();",
         "transactions.integrity-constraints"),
        ("app/Filament/Resources/OrderResource.php",
         "            ->options(fn (Table $table) => $table->getRecords()->pluck('status', 'status')"
         "->unique()->all()),", "transactions.integrity-constraints"),
        ("database/migrations/2019_05_03_000003_create_receipts_table.php",
         "            $table->string('receipt_url')->nullable();",
         "transactions.integrity-constraints"),
        # other versions: an API's, an app's, a document's, a browser store's schema
        ("src/lib/persist.ts", "  const state = { schemaVersion: 3, items };", VERSION),
        ("src/client.ts", "  const apiVersion = '2024-06-20';", VERSION),
        ("app/about.py", "    app_version = metadata.version('shop')", VERSION),
        ("src/docs/store.go", "\tdoc.Version = doc.Version + 1", VERSION),
    ],
)
def test_a_look_alike_is_not_that_signal(
    policy: Policy, path: str, line: str, rule: str
) -> None:
    assert rule not in rules_found(path, line, policy)


def header_rules_found(path: str, section: str, policy: Policy) -> set[str]:
    diff = edit(path, ["    x = 2"], ["    x = 1"], section=section)
    return {e.rule for area in classify(parse_diff(diff), policy).areas for e in area.evidence}


@pytest.mark.parametrize(
    ("path", "section", "found"),
    [
        # a token stored as a row: Django, Flask-SQLAlchemy, SQLAlchemy, Rails
        ("rest_framework/authtoken/models.py", "class Token(models.Model):", True),
        ("app/models.py", "class ApiToken(db.Model):", True),
        ("app/db/tables.py", "class RefreshToken(Base):", True),
        ("app/models/access_token.rb", "class AccessToken < ApplicationRecord", True),
        # a lexer's token, a token type, a tokenizer
        ("src/lexer.py", "class Token(NamedTuple):", False),
        ("src/lexer.py", "class TokenType(Enum):", False),
        ("src/text/models.py", "class Tokenizer(models.Model):", False),
    ],
)
def test_a_change_inside_a_persisted_token_is_auth(
    policy: Policy, path: str, section: str, found: bool
) -> None:
    assert ("auth.token-models" in header_rules_found(path, section, policy)) is found


@pytest.mark.parametrize(
    ("lines", "risk"),
    [
        # alone, a version read is as likely the database server's: weak, one risk lower
        (["\t\tcurrent, err := sqlGetDatabaseVersion(conn, false)"], Risk.ELEVATED),
        # read inside the migration transaction: the runner's, and the change critical anyway
        (["\t\ttx, err := conn.BeginTx(ctx, nil)",
          "\t\tcurrent, err := sqlGetDatabaseVersion(conn, false)"], Risk.CRITICAL),
    ],
    ids=["alone", "beside-a-transaction"],
)
def test_a_schema_version_is_a_second_area(policy: Policy, lines: list[str], risk: Risk) -> None:
    result = classify(parse_diff(edit("internal/store/sqlcommon.go", lines)), policy)
    assert {a.id: a.risk for a in result.areas}["migrations"] == risk
