"""Each stack's schema as its ORM or migration tool declares it: Prisma's schema split over
files, Drizzle's tables, Kotlin Exposed's table objects, ent's schema, SeaORM's entities and
migrations, an EF Core DbSet, Doctrine's mapping attributes, Ecto's schemas and migrations, bun's
tags, SQLAlchemy 2.0's mapped_column, Sequelize's DataTypes, TypeORM's and JPA's key and
relation annotations, Hibernate's schema generation switched on, and the migration tools' own
API (Flyway's Java migrations, Liquibase's YAML changelogs, Alembic's batch mode, Rails' join
tables and references, goose run from code), and stored data moved between format versions
outside a migrations folder.

They were found by writing made-up diffs of each stack's idioms and running them through
`modeltier scan`, not by reading the corpus (the data-migration rows excepted: two misses of
the development folds, written again as made-up lines): each named row was routine before. A row
with no rule is a look-alike that must stay silent. The migration tools' own bookkeeping and
schema SQL (the last tables) were written from the diffs of missed commits of refinery,
sql-migrate, pgroll, DbUp, goose, sqlx, laratrust and three Django
apps' AppConfig, read one by one.
"""

from __future__ import annotations

import pytest

from bot.analysis.classify import classify
from bot.analysis.decide import decide
from bot.analysis.diff import parse_diff
from bot.analysis.models import PullRequestInfo
from policies.model import Policy
from tests.bot._diffs import edit
from tests.bot.analysis._rules import assert_rule_or_quiet, rules_found

TABLE = "migrations.orm-table"
COLUMN = "migrations.orm-schema"
MARKER = "migrations.migration-markers"
DATA = "migrations.data-migrations"
FLUENT = "migrations.fluentmigrator"


@pytest.mark.parametrize(
    ("path", "line", "rule"),
    [
        ("prisma/schema/orders.prisma", "model Order {", "migrations.path"),
        # Drizzle's schema module where its documentation keeps it (one file, or a file per
        # table): an enum value or a column added there is a migration drizzle-kit generates;
        # not an API's validation schemas, nor a schema.ts elsewhere
        ("packages/db/src/schema.ts", '  "trialing",', "migrations.path"),
        ("src/db/schema.ts", "  notes: text(\"notes\"),", "migrations.path"),
        ("packages/server/src/db/schema/port.ts", '  publishMode: text("publishMode"),',
         "migrations.path"),
        ("web/internal/db/src/schema/keys.ts", "  ownerId: varchar(\"owner_id\", { length: 256 }),",
         "migrations.path"),
        ("apps/api/src/schemas/orders.ts", '  status: z.enum(["active", "trialing"]),', None),
        ("src/forms/schema.ts", '  status: z.enum(["active", "trialing"]),', None),
        ("src/db/schema.ts", "export const orders = pgTable('orders', {", TABLE),
        ("src/db/schema.ts", 'export const users = mysqlTable("users", {', TABLE),
        ("src/db/schema.ts", "export const users = sqliteTable('users', {", TABLE),
        ("src/main/kotlin/org/shop/Orders.kt", 'object Orders : Table("orders") {', TABLE),
        ("src/main/kotlin/org/shop/Orders.kt", 'object Users : LongIdTable("users") {', TABLE),
        ("internal/store/schema/order.go", "func (Order) Fields() []ent.Field {", TABLE),
        ("internal/store/schema/order.go", "func (Order) Edges() []ent.Edge {", TABLE),
        ("src/entities/order.rs", "#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]", TABLE),
        ("src/Data/AppDbContext.cs", "    public DbSet<Order> Orders { get; set; }", TABLE),
        ("src/Entity/Order.php", "#[ORM\\Entity(repositoryClass: OrderRepository::class)]", TABLE),
        ("lib/shop/orders/order.ex", '  schema "orders" do', TABLE),
        ("internal/store/models.go", '\tbun.BaseModel `bun:"table:orders,alias:o"`',
         "migrations.go-orm-tags"),
        ("internal/store/models.go", '\tTotal int64 `bun:"total,notnull"`', "migrations.go-orm-tags"),
        ("priv/repo/data/add_orders.exs", "  use Ecto.Migration", MARKER),
        # sqlalchemy-migrate's change script, by the signature its documentation gives it
        ("keystone/common/sql/expand_repo/versions/010_expand_add_index.py",
         "def upgrade(migrate_engine):", MARKER),
        ("nova/db/sqlalchemy/migrate_repo/versions/216_havana.py",
         "def downgrade(migrate_engine):", MARKER),
        ("migration/src/m20240101_create_orders.rs", "#[derive(DeriveMigrationName)]", MARKER),
        ("src/main/resources/application.properties", "spring.jpa.hibernate.ddl-auto=update",
         MARKER),
        ("src/main/resources/application.yml", "      ddl-auto: create-drop", MARKER),
        ("src/main/resources/hibernate.properties", "hibernate.hbm2ddl.auto=update", MARKER),
        # migration tools' own API: Flyway's Java migrations, Liquibase's YAML changelogs,
        # Alembic's batch mode, Rails' join tables and references, goose run from code
        ("src/main/java/db/data/V3__Backfill.java",
         "public class V3__Backfill extends BaseJavaMigration {", "migrations.flyway-liquibase"),
        ("src/main/resources/db/changes.yaml", "  - changeSet:", "migrations.flyway-liquibase"),
        ("app/db/versions_x.py", '    with op.batch_alter_table("orders") as batch_op:',
         "migrations.alembic"),
        ("app/db/versions_x.py", '        batch_op.add_column(sa.Column("total", sa.Integer()))',
         "migrations.alembic"),
        ("lib/tasks/schema.rb", "    create_join_table :orders, :tags",
         "migrations.rails-migrations"),
        ("lib/tasks/schema.rb", "      t.references :user, foreign_key: true",
         "migrations.rails-migrations"),
        # an index declared in a create_table block, also in a generator's migration template
        ("lib/generators/rodauth/migration/active_record/audit_logging.erb",
         '  t.index [:<%= table_prefix %>_id, :at], name: "audit_<%= table_prefix %>_at_idx"',
         "migrations.rails-table-indexes"),
        ("db/migrate/20240101_add_orders.rb", "      t.index :account_id, unique: true",
         "migrations.rails-table-indexes"),
        # ... not a search index's or a list's own index
        ("app/models/post.rb", "    t.index = posts.index(post)", None),
        ("app/models/timeline.rb", "    t.index :position", None),
        ("analysis/report.py", "    t.index[:5]", None),
        ("cmd/server/db.go", "	goose.SetBaseFS(embedMigrations)", "migrations.go-rust-migrations"),
        # gorm's Migrator, which a Go service calls from its own start-up code
        ("internal/store/setup.go",
         '\t\tif !db.Migrator().HasColumn(&models.Grant{}, "admin") {',
         "migrations.go-rust-migrations"),
        ("internal/store/setup.go", '\treturn tx.Migrator().DropIndex(&Order{}, "idx_ref")',
         "migrations.go-rust-migrations"),
        # FluentMigrator (.NET): the version attribute, a forward-only base, fluent expressions;
        # and the PascalCase singular folder .NET and PSR-4 projects keep migrations in
        ("src/Shop.Core/Db/Steps/041_add_refunds.cs", "    [Migration(41)]", FLUENT),
        ("src/Shop.Core/Db/Steps/041_add_refunds.cs",
         "    public class add_refunds : ForwardOnlyMigration", FLUENT),
        ("src/Shop.Core/Db/Steps/041_add_refunds.cs",
         '            Alter.Table("Orders").AddColumn("Refunded").AsBoolean();', FLUENT),
        ("src/Shop.Core/Db/Steps/041_add_refunds.cs",
         '            Execute.Sql("UPDATE \\"Orders\\" SET \\"Refunded\\" = 0");', FLUENT),
        ("src/Shop.Core/Datastore/Migration/041_add_refunds.cs", "    var rows = new List<int>();",
         "migrations.path"),
        ("src/Shop.Web/Views/Migration.cs", "    var rows = new List<int>();", None),
        ("src/Shop.Core/Orders/Alter.cs", "    var table = Create.Order(id);", None),
        ("app/services/export.rb", "    batch_op.run", None),
        ("app/views/orders/row.rb", "  references :user", None),
        ("internal/store/setup.go", "\tm := newMigrator(cfg)", None),
        ("app/tasks/release.py", "def upgrade(package, version):", None),
        # column mappings (weak alone, as the other ORMs' are)
        ("app/models.py", "    total: Mapped[Decimal] = mapped_column(Numeric(12, 2))", COLUMN),
        ("src/db/models/order.js", "  status: { type: DataTypes.STRING, allowNull: false },", COLUMN),
        ("src/db/models/order.js", "const Order = sequelize.define('Order', {", COLUMN),
        ("src/entity/Order.ts", "  @PrimaryGeneratedColumn('uuid')", COLUMN),
        ("src/entity/Order.ts", "  @ManyToMany(() => Tag)", COLUMN),
        ("src/main/java/org/shop/Order.java",
         "    @GeneratedValue(strategy = GenerationType.IDENTITY)", COLUMN),
        ("src/Entity/Order.php", "    #[ORM\\Column(type: 'decimal', precision: 12, scale: 2)]",
         COLUMN),
        ("src/Entity/Order.php", "    #[ORM\\ManyToOne(targetEntity: User::class)]", COLUMN),
        ("lib/shop/orders/order.ex", "    field :status, :string", COLUMN),
        ("lib/shop/orders/order.ex", "    belongs_to :user, Shop.Accounts.User", COLUMN),
        # look-alikes: a table in the UI, a form field, another derive, a set that is no DbSet,
        # a Kotlin object of another type, a test's schema block
        ("src/ui/OrdersTable.tsx", "  const table = useReactTable({ data, columns });", None),
        ("lib/shop_web/live/order_live.ex", "    field = form[:status]", None),
        ("src/entities/order.rs", "#[derive(Clone, Debug, PartialEq, Serialize)]", None),
        ("src/Services/Cart.cs", "    public HashSet<Order> Orders { get; set; }", None),
        ("src/main/kotlin/org/shop/Routes.kt", 'object Routes : Router("orders") {', None),
        ("lib/shop_web/schema.ex", '  object :order do', None),
        # stored data moved between format versions by a step named for the version, or by a
        # switch that runs the migration at start-up
        ("cmd/iam-object-store.go",
         "func (s *IAMObjectStore) migrateUsersConfigToV1(ctx context.Context) error {", DATA),
        ("app/store/upgrade.py", "def migrate_from_v2(payload):", DATA),
        ("lib/common/src/flags.rs", "            migrate_payload_storage: true,", DATA),
        ("src/data-source.ts", "  migrationsRun: true,", DATA),
        # look-alikes: a migration's name in a message, a version that is no format's, a switch
        # of something else
        ("app/store/upgrade.py", '    log.info("migrations done: %s", versions)', None),
        ("src/store/version.ts", "  const migrated = toVersion(state);", None),
        ("lib/common/src/flags.rs", "            compact_payload_storage: true,", None),
        # a Django migration kept outside a migrations/ folder (MIGRATION_MODULES), and the
        # PostgreSQL operations that build an index without locking the table
        ("shop/db_migrations/0274_order_created_index.py",
         "class Migration(migrations.Migration):", "migrations.django-migrations"),
        ("shop/db_migrations/0274_order_created_index.py", "        AddIndexConcurrently(",
         "migrations.django-migrations"),
        # look-alikes: a class named for migrating something else, an index read
        ("shop/importer/steps.py", "class Migration(BaseStep):", None),
        ("shop/search/indexes.py", "    index = get_index_concurrently(name)", None),
    ],
)
def test_a_schema_idiom_is_evidence(
    policy: Policy, path: str, line: str, rule: str | None
) -> None:
    found = rules_found(path, line, policy)
    assert (rule in found) if rule else (found == set()), found


COLUMN_OPTIONS = "migrations.column-options"


@pytest.mark.parametrize(
    ("path", "line", "rule"),
    [
        # a column's key, uniqueness or nullability passed by keyword to a column, an index or a
        # field (SQLAlchemy, Django, SQLModel, Alembic), also on a call's continuation line
        ("app/models.py", '    Index("ix_users_email", users.c.email, unique=True)',
         COLUMN_OPTIONS),
        ("shop/models.py", "    code = models.SlugField(max_length=32, unique=True)",
         COLUMN_OPTIONS),
        ("alembic/operations/ops.py", "            unique=index.unique,",
         "migrations.column-option-lines"),
        ("app/models/user.py", "        unique=True,", "migrations.column-option-lines"),
        ("app/models.py", "    email = fields.CharField(max_length=255, unique=True)",
         COLUMN_OPTIONS),
        ("app/schema.py", "        unique=True,", "migrations.column-option-lines"),
        ("app/models.py", "    id: int = Field(default=None, primary_key=True)",
         COLUMN_OPTIONS),
        # ... and as Sequelize's (and Mongoose's) attribute options
        ("src/storage/sequelize.ts", "\t\t\t\t\tprimaryKey: true,",
         COLUMN_OPTIONS),
        ("src/models/user.js", "    allowNull: false,", COLUMN_OPTIONS),
        ("src/models/user.js", "    unique: true,", COLUMN_OPTIONS),
        ("src/storage/sequelize.ts",
         "\t\t\t\tcollate: hasCharsetAndCollate ? 'utf8_unicode_ci' : null,",
         COLUMN_OPTIONS),
        # look-alikes: a variable, a comparison, another call's keyword, a Python line in JS's
        # words, a TypeScript option of something else
        ("app/report.py", "    unique = set(rows)", None),
        ("app/report.py", "    if unique == previous:", None),
        ("privacyidea/lib/policy.py", "                         .action_values(unique=True))",
         None),
        ("app/report.py", "    flags = {'unique': True}", None),
        ("src/cli/options.ts", "    uniqueItems: true,", None),
        ("src/i18n/sort.ts", "    const collator = new Intl.Collator(locale);", None),
        ("src/server/app.ts", "    charset: 'utf-8',", None),
        # ... nor a DataFrame's schema, an API schema's keyword or a function's default
        ("jobs/etl/schema.py", '    StructField("amount", LongType(), nullable=True),', None),
        ("app/api/docs.py", "        unique=True,", None),
    ],
)
def test_a_column_s_key_uniqueness_or_nullability_is_evidence(
    policy: Policy, path: str, line: str, rule: str | None
) -> None:
    assert_rule_or_quiet(path, line, rule, {COLUMN_OPTIONS, "migrations.column-option-lines"},
                         policy)


def test_a_column_s_uniqueness_alone_is_critical(policy: Policy) -> None:
    """Not weak, as `orm-schema` is: a key or a uniqueness dropped from a storage model is a
    schema change however little else the diff says (umzug's meta table, SQLModel's Field)."""
    text = edit("src/storage/sequelize.ts", ["\t\t\t\t\tallowNull: false,"],
                ["\t\t\t\t\tallowNull: false,", "\t\t\t\t\tunique: true,",
                 "\t\t\t\t\tprimaryKey: true,"])
    assert str(decide(parse_diff(text), policy, PullRequestInfo()).risk) == "critical"


FK_ACTIONS = "migrations.fk-actions"


@pytest.mark.parametrize(
    ("path", "line", "rule"),
    [
        # a foreign key's action passed on or read back where code builds the schema: a
        # migrator rebuilding the constraint, a generator's migration template, a metadata
        # builder reading a relation's action, an action set by name
        ("playhouse/migrate.py", "                    fk_metadata.on_delete,", FK_ACTIONS),
        ("priv/templates/gen.schema/migration.exs.eex",
         "      add :user_id, references(:users, on_delete: :delete_all)", FK_ACTIONS),
        ("app/models/base.py", '    owner_id = sa.Column(sa.ForeignKey("users.id", ondelete="SET NULL"))',
         FK_ACTIONS),
        ("src/metadata-builder/JunctionEntityMetadataBuilder.ts",
         "        onDelete: (relation.inverseRelation?.onDelete ??", FK_ACTIONS),
        ("src/schema/builder.ts", "    table.foreign('user_id').references('users.id').onDelete('cascade');",
         FK_ACTIONS),
        # look-alikes: a callback of that name defined or handed on, a component's handler
        ("app/hooks.py", "    def on_delete(self, instance):", None),
        ("src/store/list.ts", "    props.onDelete(item.id);", None),
        ("src/store/list.ts", "  onUpdate: (value) => setValue(value),", None),
        # ... and a column's value written on update, a timestamp; a key's action named there is
        ("app/models/base.py", "    updated_at = sa.Column(sa.DateTime, onupdate=func.now())", None),
        ("app/models/base.py", '    owner_id = sa.Column(sa.ForeignKey("users.id", onupdate="CASCADE"))',
         FK_ACTIONS),
    ],
)
def test_a_foreign_key_s_action_is_evidence(
    policy: Policy, path: str, line: str, rule: str | None
) -> None:
    found = rules_found(path, line, policy)
    assert (rule in found) if rule else (FK_ACTIONS not in found), found


def _header_rules(path: str, section: str, policy: Policy) -> set[str]:
    result = classify(parse_diff(edit(path, ["        return err"], ["        return nil"],
                                      section=section)), policy)
    return {e.rule for area in result.areas for e in area.evidence}


@pytest.mark.parametrize(
    ("path", "section", "found"),
    [
        # a change made inside the code that applies the migrations, named in the hunk header
        ("internal/db/schema/manager.go",
         "func (b *Manager) runMigrations(ctx context.Context, p *Provider) error {", True),
        ("crates/orm-migration/src/migrator.rs", "pub trait MigratorTrait: Send {", True),
        ("src/migration/MigrationExecutor.ts", "export class MigrationExecutor {", True),
        ("lib/store/upgrade.py", "def apply_migrations(conn, steps):", True),
        ("lib/db/runner.rb", "class SchemaMigrator", True),
        # look-alikes: a migration's own class, a function that only names migrations, a data
        # import step
        ("app/importers/steps.py", "def print_migration_status(rows):", False),
        ("app/importers/steps.py", "class MigrationStep(BaseStep):", False),
        ("cmd/cli/status.go", "func listMigrations(w io.Writer) error {", False),
    ],
)
def test_a_change_inside_a_migration_runner_is_evidence(
    policy: Policy, path: str, section: str, found: bool
) -> None:
    assert ("migrations.migration-runner" in _header_rules(path, section, policy)) == found


def test_a_migration_runner_alone_is_weak(policy: Policy) -> None:
    """A runner's own change (its logging, its output) is routine alone: the rule is weak, so
    alone it puts the area one risk lower."""
    result = classify(parse_diff(edit(
        "cmd/cli/run.go", ['\tlog.Printf("applied %d", n)'], ['\tlog.Printf("ok %d", n)'],
        section="func (p *Provider) runMigrations(ctx context.Context) error {")), policy)
    area = next(a for a in result.areas if a.id == "migrations")
    assert str(area.risk) != "critical", area


@pytest.mark.parametrize(
    ("path", "migrations"),
    [
        # the code that applies migrations, kept in a module named for it
        ("drizzle-orm/src/libsql/migrator.ts", True),
        ("lib/lockbox/migrator.rb", True),
        ("src/Infrastructure/Database/SchemaMigrator.cs", True),
        # ... or the framework's module named for the migration itself: Sequel's migrators, a
        # Yii application's base class of every migration, Ecto's migration DSL
        ("lib/sequel/extensions/migration.rb", True),
        ("protected/humhub/components/Migration.php", True),
        ("lib/ecto/migration.ex", True),
        # look-alikes: a module named for migrating alone, a migration's status printer, a Go
        # package's or a TypeScript tool's file (its parsing and its messages), a .NET page
        ("src/settings/migrate_prefs.ts", False),
        ("cmd/cli/migration_status.go", False),
        ("migration.go", False),
        ("src/migration.ts", False),
        ("src/Shop.Web/Views/Migration.cs", False),
    ],
)
def test_a_migration_runner_s_module_is_the_migrations_area(
    policy: Policy, path: str, migrations: bool
) -> None:
    result = classify(parse_diff(edit(path, ["x = 1"])), policy)
    assert ("migrations" in {a.id for a in result.areas}) == migrations, result.areas


@pytest.mark.parametrize(
    ("path", "migrations"),
    [
        # the modules of an ORM or a migration tool that write the schema or record which
        # migrations ran
        ("tortoise/backends/mssql/schema_generator.py", True),
        ("src/Tools/SchemaTool.php", True),
        ("lib/dialects/sqlite3/schema/ddl.js", True),
        ("flyway-core/src/main/java/org/flywaydb/core/internal/schemahistory/JdbcTableSchemaHistory.java",
         True),
        ("activerecord/lib/active_record/schema_dumper.rb", True),
        # look-alikes: a JSON Schema generator, an API's schema module, a DDL parser's name
        ("core/src/main/java/io/kestra/core/docs/JsonSchemaGenerator.java", False),
        ("src/api/schema.ts", False),
        ("src/sql/ddl_parser.py", False),
        # ... a GraphQL library's schema generator and a SQL parser's DDL module
        ("src/main/java/graphql/schema/idl/SchemaGenerator.java", False),
        ("go/vt/sqlparser/ddl.go", False),
        # ... and an API description's generator
        ("drf_spectacular/openapi/schema_generator.py", False),
    ],
)
def test_a_schema_writing_module_is_the_migrations_area(
    policy: Policy, path: str, migrations: bool
) -> None:
    result = classify(parse_diff(edit(path, ["x = 1"])), policy)
    assert ("migrations" in {a.id for a in result.areas}) == migrations, result.areas


HISTORY = "migrations.migration-history"
COLUMNS = "migrations.sql-columns"


@pytest.mark.parametrize(
    ("path", "line", "rule"),
    [
        # a migration tool's own bookkeeping: the table it records applied migrations in, read
        # or written by its SQL, and the comparison of those records with the migrations at hand
        ("pkg/state/state.go",
         "    SELECT schema, name, parent, migration_type FROM %[1]s.migrations", HISTORY),
        ("internal/store/versions.go", '\tq := "UPDATE schema_history SET success = 1 WHERE version = ?"',
         HISTORY),
        ("src/history.rs", '    "select version, checksum from refinery_schema_history order by version"',
         HISTORY),
        ("refinery_core/src/traits/mod.rs",
         "    let applied_migrations = get_applied_migrations(conn)?;", HISTORY),
        ("migrate.go", "\tif len(existingMigrations) > 0 {", HISTORY),
        ("migrate.go", "\tfor _, existing := range existingMigrations {", HISTORY),
        ("src/dbup-core/Support/ScriptExecutor.cs",
         "                    journal.StoreExecutedScript(script, dbCommandFactory);", HISTORY),
        ("src/runner.ts", "  const pendingMigrations = all.filter((m) => !done.has(m.id));", HISTORY),
        # look-alikes: a Python import from a migrations package, a log message, a listing's
        # name, a status column, a query of another table
        ("app/cli.py", "from app.migrations.helpers import backfill", None),
        ("cmd/cli/up.go", '\tlog.Printf("applied %d migrations", n)', None),
        ("cmd/cli/status.go", "func listMigrations(w io.Writer) error {", None),
        ("app/models/job.rb", "    migration_status = row.fetch(:status)", None),
        ("internal/store/orders.go", '\tq := "SELECT id, total FROM orders WHERE user_id = $1"', None),
        # the name of that table given, as each tool's setting documents it
        ("main.go", '\tconfig := &Config{VersionTable: "public.tern_versions"}', HISTORY),
        ("main.go",
         '\tcmd.Flags().StringVarP(&opts.versionTable, "version-table", "", "public.tern_versions", "")',
         HISTORY),
        ("src/data-source.ts", '  migrationsTableName: "typeorm_migrations",', HISTORY),
        ("src/db.ts", "  await migrate(db, { migrationsFolder, migrationsTable: 'drizzle_migrations' });",
         HISTORY),
        # ... not read from the configuration, nor a table of versions of another kind
        ("database/postgres/postgres.go",
         "	aid, err := database.GenerateAdvisoryLockId(p.config.DatabaseName, p.config.migrationsTableName)",
         None),
        ("app/models/document.rb", "  has_many :versions, class_name: 'DocumentVersion'", None),
        ("src/components/Versions.tsx", "  const versionTable = 'package-versions';", None),
        # ... and a type a helper takes, named for migrations planned
        ("migrate.go", "func newTxError(migration *PlannedMigration, err error) error {", None),
        # a column declared in the SQL of a table created from code, below its first line
        ("internal/dialect/dialectquery/postgres.go",
         "\t\tid integer PRIMARY KEY GENERATED BY DEFAULT AS IDENTITY,", COLUMNS),
        ("internal/dialect/dialectquery/postgres.go", "\t\ttstamp timestamp NOT NULL DEFAULT now()",
         COLUMNS),
        ("internal/dialect/dialectquery/mysql.go",
         "\t\tid bigint(20) unsigned NOT NULL AUTO_INCREMENT,", COLUMNS),
        ("src/dbup-sqlserver/SqlTableJournal.cs", "                    [ScriptName] nvarchar(255) not null,",
         COLUMNS),
        ("sqlx-postgres/src/migrate.rs", "    installed_on TIMESTAMPTZ NOT NULL DEFAULT now(),", COLUMNS),
        ("internal/dialect/dialectquery/postgres.go", "\t\tPRIMARY KEY(id)", COLUMNS),
        # look-alikes: Java and C declarations, a query's condition, a Go struct's field
        ("src/main/java/org/shop/Order.java", "    private Date createdAt = null;", None),
        ("src/main/java/org/shop/Index.java", "    private boolean unique;", None),
        ("internal/store/orders.go", '\t\tWHERE deleted_at IS NOT NULL', None),
        ("internal/store/models.go", '\tCreatedAt time.Time `json:"created_at"`', None),
        # a function or view created or replaced, as a table is
        ("pkg/state/init.sql",
         "CREATE OR REPLACE FUNCTION placeholder.latest_version (schemaname name)",
         "migrations.ddl"),
        # the schemas a session resolves names in: PostgreSQL's search_path, set by SQL or in a
        # connection string
        ("pkg/state/state.go", '\tdsn += " search_path=" + stateSchema', "migrations.ddl"),
        ("app/tenancy.py", '    cursor.execute("SET LOCAL search_path TO %s", [schema])', "migrations.ddl"),
        ("src/db.rs", "    fn save_search_path(&mut self) -> QueryResult<String> {", None),
        ("app/plugins.py", '    search_path = [os.path.expanduser("~/.app/plugins")]', None),
        ("lib/loader.rb", "    @search_path = opts.fetch(:search_path, [])", None),
        # look-alikes: a button's and an editor action's text name a function, in any case
        ("src/components/Toolbar.tsx", "      <Button>Create function</Button>", None),
        ("src/refactor/actions.ts", "  { title: 'Rename function', kind: 'refactor' },", None),
        # Laravel's schema builder outside a migrations folder: a package's migration template
        ("resources/views/migration.blade.php", "            $table->bigIncrements('id');",
         "migrations.laravel-schema"),
        ("resources/views/migration.blade.php",
         "            $table->unsignedBigInteger('role_id');", "migrations.laravel-schema"),
        ("stubs/create_teams_table.php", "return new class extends Migration", "migrations.laravel-schema"),
        # look-alikes: a console table's methods, a migration named in a string
        ("app/Console/Commands/Report.php", "        $table->render();", None),
        ("app/Console/Commands/Report.php", "        $this->info('Migration done');", None),
        # Django's type of the primary keys it adds, set by an app or the project
        ("defender/apps.py", '    default_auto_field = "django.db.models.AutoField"', MARKER),
        ("project/settings.py", "DEFAULT_AUTO_FIELD = 'django.db.models.BigAutoField'", MARKER),
        # look-alikes: another app setting, a form's auto field
        ("defender/apps.py", '    verbose_name = "Defender"', None),
        ("shop/forms.py", "    auto_field = forms.CharField(required=False)", None),
    ],
)
def test_a_migration_tool_s_bookkeeping_and_schema_sql_are_evidence(
    policy: Policy, path: str, line: str, rule: str | None
) -> None:
    found = rules_found(path, line, policy)
    assert (rule in found) if rule else not {r for r in found if r.startswith("migrations.")}, found


@pytest.mark.parametrize(
    ("path", "added", "removed", "critical"),
    [
        # a migration runner's change, in a repository named for nothing: critical alone
        ("src/dbup-core/Support/ScriptExecutor.cs",
         ["                if (!UseTheSameTransaction)",
          "                    journal.StoreExecutedScript(script, dbCommandFactory);"],
         ["                journal.StoreExecutedScript(script, dbCommandFactory);"], True),
        ("internal/dialect/dialectquery/postgres.go",
         ["\t\ttstamp timestamp NOT NULL DEFAULT now()"],
         ["\t\ttstamp timestamp NULL default now(),"], True),
        # look-alikes in the same files: a CLI flag renamed, a log message reworded
        ("cmd/goose/main.go", ['\tflags.String("dir", ".", "directory with migration files")'],
         ['\tflags.String("directory", ".", "directory with migration files")'], False),
        ("internal/runner/up.go", ['\tlog.Printf("goose: applied %d migrations", n)'],
         ['\tlog.Printf("goose: ran %d migrations", n)'], False),
    ],
)
def test_a_migration_runner_s_bookkeeping_is_critical_alone(
    policy: Policy, path: str, added: list[str], removed: list[str], critical: bool
) -> None:
    decision = decide(parse_diff(edit(path, added, removed)), policy, PullRequestInfo())
    assert (str(decision.risk) == "critical") == critical, decision.areas


@pytest.mark.parametrize(
    ("added", "removed", "critical"),
    [
        # the default of the table a migration tool records its history in, changed: every
        # database it upgrades reads another history (tern's version_table)
        (['\tconfig := &Config{VersionTable: "public.schema_version"}'],
         ['\tconfig := &Config{VersionTable: "schema_version"}'], True),
        # a database server's own version read for a feature check stays weak alone
        (["\tif db_version >= 80019 {"], ["\tif db_version >= 80000 {"], False),
    ],
)
def test_a_migration_history_table_s_name_changed_is_critical(
    policy: Policy, added: list[str], removed: list[str], critical: bool
) -> None:
    decision = decide(parse_diff(edit("main.go", added, removed)), policy, PullRequestInfo())
    assert (str(decision.risk) == "critical") == critical, decision.reasons
