"""Each stack's transaction and locking API as its documentation spells it: Spring's
transactionTemplate and rollback-only status, a TransactionScope completed, Sequelize's, Knex's
and MongoDB's transaction objects, BEGIN sent through node-postgres, Diesel's and SeaORM's row
locks, Rails' nested transactions and the writes it leaves the database to settle, Redis' SET
NX, Redlock and redsync, a named lock fetched from a lock service (Redisson, MinIO's dsync,
Curator) and Redis' SET KEEPTTL, Django's ATOMIC_REQUESTS, a row's version bumped where it is
checked. A commit callback that only enqueues a job stays silent.

They were found by writing made-up diffs of each stack's idioms and running them through
`modeltier scan`, not by reading the corpus (the lock-service rows excepted: misses of the
development folds in two repositories, written again as made-up lines): each named row was
routine before. A row with no rule is a look-alike that must stay silent.
"""

from __future__ import annotations

import pytest

from bot.analysis.classify import classify
from bot.analysis.diff import parse_diff
from policies.model import Policy
from tests.bot._diffs import edit
from tests.bot.analysis._rules import rules_found

TX = "transactions.stack-tx"
LOCKS = "transactions.locks"
HELPERS = "transactions.tx-helpers"
JAVA_TX = "transactions.java-tx"


@pytest.mark.parametrize(
    ("path", "line", "rule"),
    [
        # Spring
        ("src/main/java/org/shop/OrderService.java",
         "        return transactionTemplate.execute(status -> repo.save(order));", TX),
        ("src/main/java/org/shop/OrderService.java",
         "        template.setIsolationLevel(TransactionDefinition.ISOLATION_SERIALIZABLE);", TX),
        ("src/main/java/org/shop/OrderService.java", "        status.setRollbackOnly();", TX),
        ("src/main/java/org/shop/OrderService.java",
         "        TransactionSynchronizationManager.registerSynchronization(sync);", TX),
        # the transaction manager a configuration declares (Spring Data's, JTA's)
        ("src/main/java/org/shop/config/DatabaseConfiguration.java",
         "    public Neo4jTransactionManager transactionManager(Driver driver) {", JAVA_TX),
        ("src/main/java/org/shop/config/DatabaseConfiguration.java",
         "        return new JpaTransactionManager(entityManagerFactory);", JAVA_TX),
        # Spring's TransactionOperations, which transactionTemplate implements
        ("spring-session-jdbc/src/main/java/org/shop/JdbcSessions.java",
         "        this.transactionOperations.executeWithoutResult((status) -> save(session));", TX),
        ("src/main/kotlin/org/shop/OrderService.kt", "        transactionOperations.execute {", TX),
        # look-alikes: a manager of something else, a view named for one
        ("src/main/java/org/shop/config/CacheConfiguration.java",
         "    public CacheManager cacheManager(RedisConnectionFactory factory) {", None),
        ("src/main/java/org/shop/reports/Views.java",
         "        TransactionManagerView view = render(model);", None),
        # .NET
        ("src/Services/OrderService.cs", "        scope.Complete();", TX),
        ("src/Services/OrderService.cs", "        await transaction.RollbackAsync();", TX),
        ("src/Services/OrderService.cs",
         "        var strategy = _db.Database.CreateExecutionStrategy();", TX),
        # Node: Sequelize, Knex, MongoDB, node-postgres, Redis, Redlock
        ("src/services/orders.ts", "  await t.commit();", TX),
        ("src/services/orders.ts", "  await trx.rollback();", TX),
        ("src/services/orders.ts",
         "  await Order.update({ status }, { where: { id }, transaction: t });", TX),
        ("src/services/orders.ts", "  const session = await mongoose.startSession();", TX),
        ("src/services/orders.ts", "  await client.query('BEGIN');", TX),
        ("src/services/orders.ts", "  await client.query('COMMIT');", TX),
        ("src/services/orders.ts", "  const ok = await redis.set(key, token, 'NX', 'PX', 30000);",
         LOCKS),
        ("src/services/orders.ts", "  const lock = await redlock.acquire([`order:${id}`], 5000);",
         LOCKS),
        ("src/services/orders.ts",
         "  await this.em.findOne(Order, id, { lockMode: LockMode.PESSIMISTIC_WRITE });", TX),
        # Go: redsync
        ("internal/store/orders.go", '\tmutex := rs.NewMutex("order-" + id)', LOCKS),
        # a named lock fetched from a lock service (Redisson, MinIO's dsync, Curator) and
        # Redis' SET KEEPTTL
        ("src/main/java/org/shop/Stock.java",
         '        RLock lock = redisson.getLock("stock:" + sku);', LOCKS),
        ("src/main/java/org/shop/Stock.java",
         '        RReadWriteLock rw = redisson.getReadWriteLock("stock");', LOCKS),
        ("cmd/orders.go", "	lk := s.NewNSLock(bucket, pathJoin(object, id))", LOCKS),
        ("cmd/orders.go", "	lkctx, err := lk.GetRLock(ctx, opTimeout)", LOCKS),
        ("src/main/java/org/shop/Jobs.java",
         '        InterProcessMutex mutex = new InterProcessMutex(client, "/jobs");', LOCKS),
        ("src/main/java/org/shop/SessionDao.java", "        bucket.setAndKeepTTL(value);", LOCKS),
        ("src/lib/session.ts", "  await redis.set(key, value, 'KEEPTTL');", LOCKS),
        # look-alikes: a lock icon's getter, a TTL read alone
        ("src/main/java/org/shop/Icons.java", "        Icon icon = icons.getLockIcon();", None),
        ("src/main/java/org/shop/SessionDao.java", "        long ttl = bucket.remainTimeToLive();",
         None),
        # Rust: Diesel, SeaORM
        ("src/store.rs", "    conn.transaction::<_, diesel::result::Error, _>(|conn| {", TX),
        ("src/store.rs", "    txn.commit().await?;", TX),
        ("src/store.rs", "        .for_update()", TX),
        ("src/store.rs", "        .lock_exclusive()", TX),
        # jOOQ and Knex: the row lock a query builder appends, and what it does when the row is
        # already locked; a flag named for an edit form is none
        ("src/main/java/org/shop/QueueStorage.java", "            .forUpdate()", TX),
        ("src/main/java/org/shop/QueueStorage.java", "            .skipLocked();", TX),
        ("src/services/jobs.ts",
         "  const job = await trx('jobs').where({ state }).forUpdate().noWait().first();", TX),
        ("src/ui/orderForm.ts", "  const forUpdate = mode === 'edit';", None),
        # Rails
        ("app/services/order_service.rb", "    Order.transaction(requires_new: true) do", TX),
        ("app/services/order_service.rb", "    raise ActiveRecord::Rollback", TX),
        ("app/services/order_service.rb", "    Order.lock.find(id)", TX),
        ("app/services/order_service.rb",
         "    Order.where(id: id).lock('FOR UPDATE SKIP LOCKED').first", LOCKS),
        ("app/services/order_service.rb", "    Order.create_or_find_by!(reference: ref)", TX),
        ("app/services/order_service.rb",
         "    Order.upsert_all(rows, unique_by: :reference)", TX),
        ("app/services/order_service.rb", "    Order.increment_counter(:paid_count, id)", TX),
        # Django's one transaction per request; a version bumped where it is checked
        ("shop/settings/base.py", '        "ATOMIC_REQUESTS": True,', "transactions.python-tx"),
        ("shop/views.py", "@transaction.non_atomic_requests", "transactions.python-tx"),
        # SQLite's BEGIN made IMMEDIATE or DEFERRED (Django 5.1's `transaction_mode`): when a
        # transaction takes the write lock
        ("archivebox/core/settings.py", "            'transaction_mode': 'IMMEDIATE',",
         "transactions.python-tx"),
        ("src/services/orders.ts",
         "    data: { status, version: { increment: 1 } },", TX),
        ("shop/services.py",
         "    Order.objects.filter(pk=pk, version=version).update(version=version + 1)", TX),
        ("app/Services/OrderService.php",
         "        ->update(['status' => $s, 'version' => $v + 1]);", TX),
        # Go: a function literal handed its transaction (bbolt, badger, a store's own helper);
        # the transaction manager fetched to run one (JTA, EspoCRM)
        ("internal/store/orders.go", "\treturn s.db.Update(func(tx *bolt.Tx) error {", HELPERS),
        ("internal/store/orders.go", "\terr := db.View(func(txn *badger.Txn) error {", HELPERS),
        ("internal/handler/orders.go",
         "\terr := h.Store.UpdateTx(func(tx store.OrdersTx) error {", HELPERS),
        ("internal/handler/orders.go",
         "\treturn db.Retry(ctx, func(ctx context.Context, tx db.DBTX) error {", HELPERS),
        ("src/main/java/org/shop/OrderService.java",
         "        TransactionManager tm = ctx.getTransactionManager();", HELPERS),
        # Go: a statement handed the open transaction (sqlc's DBTX argument, WithTx)
        ("internal/keys/handler.go",
         "\t\tcurrent, err := db.Query.ListPermissionsByKeyID(ctx, tx, req.KeyID)",
         "transactions.go-tx"),
        ("internal/keys/handler.go", "\tqtx := queries.WithTx(tx)", "transactions.go-tx"),
        ("application/Shop/Tools/Orders/Merger.php",
         "        $this->entityManager->getTransactionManager()->run(function () {", HELPERS),
        ("internal/users/store.go",
         '\t_, err := s.db.Exec("UPDATE users SET name=$1 WHERE id=$2 AND version=$3", n, id, v)',
         TX),
        ("db/queries/orders.sql", "UPDATE orders SET status = ? WHERE id = ? AND o.version = ?",
         TX),
        ("internal/schema/check.go", '\trow := db.QueryRow("SELECT 1 WHERE version = 3")', None),
        ("internal/registry/store.go",
         '\trow := db.QueryRow("SELECT id FROM packages WHERE name = $1 AND version = $2", n, v)',
         None),
        ("src/lib/migrate.ts", "  const next = { schemaVersion: schemaVersion + 1 };", None),
        ("src/lib/client.ts", "  const body = { version: 2 };", None),
        # look-alikes: another callback, a git commit, a plain mutex, a Redis write without NX,
        # a lock method of another object, a scope that is not a transaction's
        ("app/models/order.rb", "  after_create :send_welcome_mail", None),
        ("app/models/user.rb", "  after_commit -> { SyncContactJob.perform_later(id) }, on: :create",
         None),
        ("app/Jobs/ChargeJob.php", "class ChargeJob implements ShouldQueue, ShouldBeUnique", None),
        # the isolation level, not Java's marker interface of the same word
        ("db/migrate/001_isolation.sql", "set transaction isolation level serializable;",
         "transactions.sql-tx"),
        ("src/db.ts", '  isolationLevel: "SERIALIZABLE",', "transactions.sql-tx"),
        ("src/main/java/org/shop/Order.java", "public class Order implements Serializable {",
         None),
        ("src/release.ts", "  await repo.commit(message);", None),
        ("internal/store/cache.go", "\tmu.Lock()", "transactions.mutex-calls"),
        ("src/services/cache.ts", "  await redis.set(key, value, 'EX', 60);", None),
        ("app/consumers/queue.py", '    transaction_mode = "batch"', None),
        ("src/ui/screen.ts", "  await screen.orientation.lock('portrait');", None),
        ("src/Services/Search.cs", "        scope.Dispose();", None),
        ("src/jobs/export.ts", "  const session = await auth.getSession();", None),
        # look-alikes of the Go literal: a test's, a comparator's, a payment transaction passed
        # as a value; a repository fetched from the entity manager
        ("internal/orders/report.go", "\tt.Run(name, func(t *testing.T) {", None),
        ("internal/orders/report.go", "\tsort.Slice(txs, func(i, j int) bool {", None),
        # ... and of a statement handed its transaction: a replica's connection, a transaction's
        # id, a list of payments
        ("internal/keys/handler.go",
         "\tcurrent, err := db.Query.ListPermissionsByKeyID(ctx, h.DB.RO(), req.KeyID)", None),
        ("internal/orders/report.go", "\tevent, err := s.events.Get(ctx, txID)", None),
        ("internal/orders/report.go", "\ttotal := sum(ctx, txs)", None),
        ("internal/orders/filter.go",
         "\tpaid := filter(txs, func(tx *ledger.Transaction) bool {", None),
        ("application/Shop/Tools/Orders/Merger.php",
         "        $repo = $this->entityManager->getRDBRepository(Order::ENTITY_TYPE);", None),
        # the callback a transaction runs (Spring's TransactionCallback, an app's persistence
        # service); a cluster-wide lock of Erlang's :global
        ("src/main/java/org/shop/orders/OrderService.java",
         "            public Order doInTransaction(TransactionStatus status) {", HELPERS),
        ("src/main/java/org/shop/assets/AssetService.java",
         "        Event result = persistence.doReturningTransaction(em -> {", HELPERS),
        ("lib/shop/plug/session.ex",
         "    case :global.set_lock({[__MODULE__, token], self()}, nodes, 0) do", LOCKS),
        # look-alikes: a transaction shown, a global value read
        ("src/main/java/org/shop/orders/OrderView.java", "        doShowTransaction(row);", None),
        ("lib/shop/config.ex", "    value = :global.whereis_name(:config)", None),
    ],
)
def test_a_transaction_idiom_is_evidence(
    policy: Policy, path: str, line: str, rule: str | None
) -> None:
    found = rules_found(path, line, policy)
    assert (rule in found) if rule else (found == set()), found


def _assert_found_or_quiet(found: set[str], rule: str | None) -> None:
    """The rule fired, or (a look-alike, `rule` None) no transactions rule did."""
    assert (rule in found) if rule else ("transactions" not in {r.split(".")[0] for r in found}), \
        found


def _rules(path: str, added: list[str], policy: Policy) -> set[str]:
    result = classify(parse_diff(edit(path, added, ["x = 1"])), policy)
    return {e.rule for area in result.areas for e in area.evidence}


@pytest.mark.parametrize(
    ("path", "added", "caught"),
    [
        # a write undone by hand when a later step fails, in the stacks' comments
        ("src/main/java/org/shop/mapping/MappingService.java", [
            "            } catch (Exception ex) {",
            "                // rolling back changes in the document store",
            "                store.save(previous);",
        ], True),
        ("internal/orders/place.go", [
            "\t// the reservation is rolled back when the charge fails",
            "\tif err := s.release(ctx, id); err != nil {",
        ], True),
        ("shop/services/merge.py", [
            "    # all-or-nothing: a failed merge must leave both records as they were",
            "    target.save()",
        ], True),
        # look-alikes: an optimistic update of what a page shows, a comment-only hunk, the
        # words in a test
        ("src/components/OrderList.tsx", [
            "    // roll back the optimistic update when the request fails",
            "    setOrders(previous);",
        ], False),
        ("src/hooks/useOrders.ts", [
            "    // rollback the cached list on error",
            "    queryClient.setQueryData(key, context.previous);",
        ], False),
        ("tests/test_merge.py", [
            "    # the merge is rolled back",
            "    assert target.name == 'a'",
        ], False),
    ],
)
def test_a_comment_saying_what_is_rolled_back_is_evidence(
    policy: Policy, path: str, added: list[str], caught: bool
) -> None:
    assert ("transactions.stated-rollback" in _rules(path, added, policy)) is caught


def test_a_rollback_comment_alone_is_not_evidence(policy: Policy) -> None:
    text = edit("shop/services/merge.py", ["    # the merge is rolled back on failure"],
                ["    # the merge is undone on failure"])
    result = classify(parse_diff(text), policy)
    assert result.areas == []


@pytest.mark.parametrize(
    ("path", "line", "rule"),
    [
        # a payment gateway's retries (ActiveMerchant) and a Stripe client's (which sends its
        # retries with an idempotency key)
        ("lib/active_merchant/billing/gateways/campus_pay.rb", "      self.max_retries = 1",
         "transactions.payment-retries"),
        ("lib/active_merchant/billing/gateways/campus_pay.rb", "      self.retry_safe = true",
         "transactions.payment-retries"),
        ("src/lib/stripe.ts", "export const stripe = new Stripe(key, { maxNetworkRetries: 2 });",
         "transactions.stripe-retries"),
        ("shop/billing/client.py", "stripe.max_network_retries = 2",
         "transactions.stripe-retries"),
        # look-alikes: an HTTP client's or a background job's retries outside payment code
        ("app/jobs/sync_contacts_job.rb", "  sidekiq_options max_retries: 5", None),
        ("worker/tasks.py", "@app.task(bind=True, max_retries=3)", None),
    ],
)
def test_a_payment_client_s_retries_are_evidence(
    policy: Policy, path: str, line: str, rule: str | None
) -> None:
    found = rules_found(path, line, policy)
    _assert_found_or_quiet(found, rule)


@pytest.mark.parametrize(
    ("path", "added", "rule"),
    [
        # a statement sent through Go's open transaction by database/sql's and sqlx's methods
        ("internal/store/visibility.go",
         ["\t_, err = tx.NamedExecContext(ctx, deleteAttributes, filter)"], "transactions.go-tx"),
        ("internal/store/visibility.go",
         ["\terr = tx.QueryRowContext(ctx, q, id).Scan(&owner)"], "transactions.go-tx"),
        ("internal/store/visibility.go", ["\terr = txn.GetContext(ctx, &row, q, id)"],
         "transactions.go-tx"),
        # gorm's writes sent through the transaction its callback is handed
        ("services/user.go", ['\t\ttx.Delete(models.Session{}, "user_id = ?", model.ID)'],
         "transactions.gorm-tx-writes"),
        ("services/user.go", ["\t\tif err := tx.Create(&grant).Error; err != nil {"],
         "transactions.gorm-tx-writes"),
        # ... in Go only: another language's library named its handle tx too
        ("src/Store/EntryStore.cs", ["        tx.Delete(entry);"], None),
        ("src/store/rows.js", ["  tx.Update(row);"], None),
        # ... not a gorm builder named tx, nor its reads, nor the pool's own statement
        ("internal/store/report.go", ['\ttx = tx.Select("name", "total")'], None),
        ("internal/store/report.go", ["\terr = tx.Find(&rows).Error"], None),
        ("services/user.go", ['\t\tus.DB.Delete(models.Session{}, "user_id = ?", model.ID)'],
         None),
        # a primary key put on a table that had none: duplicates refused from then on
        ("migrate/migrate.go", ["        alter table %[1]s add primary key (version);"],
         "transactions.integrity-constraints"),
        ("db/upgrade.sql",
         ["ALTER TABLE downloads ADD CONSTRAINT downloads_pkey PRIMARY KEY USING INDEX x;"],
         "transactions.integrity-constraints"),
        # ... not the key a new table is created with, nor an index that is not unique
        ("internal/store/schema.go", ["\tid integer PRIMARY KEY,"], None),
        ("db/upgrade.sql", ["ALTER TABLE downloads ADD INDEX downloads_day (day);"], None),
        # whether the schema changes a migration tool applies run inside a transaction
        ("db/migrate/20240101000000_add_index_concurrently.rb", ["  disable_ddl_transaction!"],
         "transactions.tx-options"),
        ("cmd/psqldef/psqldef.go", ["\t\tconfig.DisableDdlTransaction = true"],
         "transactions.tx-options"),
        # ... not DDL statements collected, nor a DDL's own name
        ("cmd/psqldef/psqldef.go", ["\tddlStatements = append(ddlStatements, stmt)"], None),
        # a list named for a bank's operations is not Spring's bean
        ("src/screens/bank.ts", ['const transactionOperations = ["deposit", "withdrawal"];'],
         None),
        ("internal/store/visibility.go",
         ["\t_, err = mdb.NamedExecContext(ctx, deleteAttributes, filter)"], None),
        # gorm's row count decides what happens next
        ("internal/oidc/store.go", ["\t\tif result.RowsAffected != 1 {"],
         "transactions.row-count"),
        ("internal/oidc/store.go", ["\t\trows := result.RowsReturned"], None),
        # a Rails unique index whose options run on to the next line, and as db/schema.rb
        # records it
        ("db/migrate/20240816121641_remove_uniq_index.rb", ["                 unique: true,"],
         "transactions.rails-unique-index"),
        ("db/schema.rb",
         ['    t.index ["record_id", "blob_id"], name: "index_uniqueness", unique: true'],
         "transactions.rails-unique-index"),
        # ... not an index that is not unique, nor the option in a model's validation
        ("db/schema.rb", ['    t.index ["record_id", "blob_id"], name: "index_on_record"'], None),
        ("app/models/attachment.rb", ["    unique: true,"], None),
        # an Ecto migration's unique index, named so or with its option on the next line
        ("priv/repo/migrations/20161228200617_constraints.exs",
         ["    create unique_index(:users, [:email])"], "transactions.ecto-unique-index"),
        ("priv/repo/migrations/20161228200617_constraints.exs",
         ["      name: :users_login_index, unique: true)"], "transactions.ecto-unique-index"),
        # ... not an index that is not unique, nor a changeset's constraint in a schema module
        ("priv/repo/migrations/20161228200617_constraints.exs",
         ["    create index(:users, [:login])"], None),
        ("lib/shop/accounts/user.ex", ["      unique: true,"], None),
    ],
)
def test_a_transaction_s_statement_and_a_unique_index_are_evidence(
    policy: Policy, path: str, added: list[str], rule: str | None
) -> None:
    found = _rules(path, added, policy)
    _assert_found_or_quiet(found, rule)


@pytest.mark.parametrize(
    ("path", "added", "caught"),
    [
        # what runs at once, in the comment beside the code a change writes
        ("src/Workers/Functions.php", [
            "        // Concurrent messages each carry their own snapshot, so each would write it.",
            "        ($this->locks)($key, 60, fn () => $db->updateDocument('projects', $id, $doc));",
        ], True),
        ("service/history/api.go", [
            "\t\t// Read the status before releasing the lock, to avoid a data race",
            "\t\tstatus := lease.State().Status",
        ], True),
        ("app/services/pullreq/mergeable.go", [
            "\t\t// to avoid racing conditions with merge",
            "\t\tif pr.State != enum.StateOpen {",
        ], True),
        # look-alikes: work run in parallel, a type's contract, a limit on sessions
        ("fief/repositories/base.py", [
            "        # FIXME: running it concurrently causes issues with SQLite",
            "        count = await self._count(statement)",
        ], False),
        ("provider/verify.go", [
            "// Implementations must be safe for concurrent use.",
            "type Verifier interface {",
        ], False),
        ("app/settings.py", [
            "# how many concurrent sessions a user may hold",
            "MAX_SESSIONS = 3",
        ], False),
    ],
)
def test_a_comment_saying_what_runs_at_once_is_evidence(
    policy: Policy, path: str, added: list[str], caught: bool
) -> None:
    assert ("transactions.stated-intent" in _rules(path, added, policy)) is caught


@pytest.mark.parametrize(
    ("path", "line", "rule"),
    [
        # the work's own record asked whether it is already done before doing it again
        ("api/integrations/imports/services.py",
         "    if import_request.completed_at is not None:", "transactions.done-guards"),
        ("app/services/capture_payment.rb", "    return if payment.captured_at?",
         "transactions.done-guards"),
        ("src/services/orders.ts", "  if (order.paidAt !== null) return;",
         "transactions.done-guards"),
        ("internal/jobs/settle.go", "\tif job.ProcessedAt != nil {", "transactions.done-guards"),
        # ... not a deadline, nor the time shown or set
        ("app/controllers/downloads_controller.rb",
         "    if submitter.completed_at < TTL.ago", None),
        ("src/components/order.ts", "  const shown = formatDate(order.paidAt);", None),
        ("shop/services.py", "    order.completed_at = timezone.now()", None),
        # a lock that could not be taken, by the error or flag that says so
        ("src/Licensing/Outpost.php", "        } catch (LockTimeoutException $e) {",
         "transactions.locks"),
        ("src/Vcs/InstallationTokens.php",
         "            throw new Exception(Exception::GENERAL_RESOURCE_LOCKED);",
         "transactions.locks"),
        ("src/lib/util/db-lock.ts", "        let lockAcquired = false;", "transactions.locks"),
        # ... not an account or a record locked for editing
        ("app/Models/User.php", "        if ($user->isLocked()) {", None),
        ("src/Exceptions/AccountLockedException.php",
         "class AccountLockedException extends Exception", None),
    ],
)
def test_a_done_check_and_a_lock_not_taken_are_evidence(
    policy: Policy, path: str, line: str, rule: str | None
) -> None:
    found = rules_found(path, line, policy)
    _assert_found_or_quiet(found, rule)


@pytest.mark.parametrize(
    ("path", "line", "rule"),
    [
        # how long a write waits for a lock another connection holds (SQLite's busy timeout as
        # a pragma, a connection-string option, a DSN parameter)
        ("src/Datastore/ConnectionFactory.cs", "                BusyTimeout = 100,",
         "transactions.lock-contention"),
        ("app/db.py", '    conn.execute("PRAGMA busy_timeout = 5000")',
         "transactions.lock-contention"),
        ("internal/store/sqlite.go", '\tdsn := path + "?_busy_timeout=5000&_journal_mode=WAL"',
         "transactions.lock-contention"),
        # ... and the busy, deadlock or lock-wait error caught and retried, by name or number
        ("src/Datastore/Repository.cs",
         "            .Handle<SQLiteException>(ex => ex.ResultCode == SQLiteErrorCode.Busy)",
         "transactions.lock-contention"),
        ("lib/store.rb", "  rescue SQLite3::BusyException", "transactions.lock-contention"),
        ("src/db/retry.ts", "    if (err.code === 'ER_LOCK_DEADLOCK') continue;",
         "transactions.lock-contention"),
        ("include/db.php", "    static $retry_codes = array(2006 => 1, 1213 => 1);",
         "transactions.lock-contention"),
        ("internal/store/retry.go",
         '\tif pgErr.Code == "40P01" || pgErr.Code == "40001" { // retry the transaction',
         "transactions.lock-contention"),
        # look-alikes: a request's or a socket's timeout, numbers that are no error code, an
        # HTTP client's retries
        ("src/Http/Client.cs", "                Timeout = 100,", None),
        ("src/config/ports.ts", "  const port = 1213;", None),
        ("src/api/client.ts", "  const retries = 3;", None),
        ("src/db/errors.ts", "    if (err.code === 'ER_DUP_FIELDNAME') return;", None),
    ],
)
def test_waiting_for_or_retrying_after_a_database_lock_is_evidence(
    policy: Policy, path: str, line: str, rule: str | None
) -> None:
    found = rules_found(path, line, policy)
    _assert_found_or_quiet(found, rule)


@pytest.mark.parametrize(
    ("path", "line", "rule"),
    [
        # a critical section opened (or closed) by the statement that scopes it, in each stack
        ("src/Core/Commands/CommandQueueManager.cs", "            lock (_queue)",
         "transactions.lock-blocks"),
        ("src/Core/Commands/CommandQueueManager.vb", "        SyncLock _queue",
         "transactions.lock-blocks"),
        ("src/main/java/org/shop/rules/Engine.java",
         "    public synchronized void apply(Fact fact) {", "transactions.lock-blocks"),
        ("app/storage.py", "        with self._lock:", "transactions.lock-blocks"),
        ("app/storage.py", "    async with self.write_mutex:", "transactions.lock-blocks"),
        ("lib/queue.rb", "    @mutex.synchronize do", "transactions.lock-blocks"),
        ("src/Core/Cache.cs", "            Monitor.Enter(_sync);", "transactions.lock-blocks"),
        # look-alikes: a lock's name in an expression, a file opened, a method named lock, a
        # word in a string (Go's mutex call is the `mutex-calls` rule's, not a statement)
        ("src/Core/Cache.cs", "            var locked = IsLocked(item);", None),
        ("app/storage.py", "        with open(path) as handle:", None),
        ("src/main/java/org/shop/Account.java", "        account.lock(reason);", None),
        ("app/models/user.rb", '    flash[:notice] = "Account locked (too many attempts)"', None),
    ],
)
def test_a_lock_statement_put_in_or_taken_out_is_evidence(
    policy: Policy, path: str, line: str, rule: str | None
) -> None:
    found = rules_found(path, line, policy)
    _assert_found_or_quiet(found, rule)


@pytest.mark.parametrize(
    ("path", "line", "rule"),
    [
        # how long a lock is held before it lapses, as a setting names it
        ("config/config.go", "\t\tLockDuration:               30 * time.Minute,", LOCKS),
        ("app/jobs/settle.py", "    lock_lease = timedelta(seconds=30)", LOCKS),
        # a lock that could not be acquired, as the log line or the error says
        ("src/main/java/org/shop/InvoiceDispatcher.java",
         '        log.info("Failed to acquire lock, rescheduling invoice at {}", next);', LOCKS),
        ("internal/jobs/runner.go", '\tlog.Printf("could not obtain the lock for %s", id)', LOCKS),
        ("app/jobs/settle.py", '        logger.warning("Unable to acquire lock for %s", key)', LOCKS),
        # look-alikes: a session's duration, an account locked out, a lock screen's message
        ("config/config.go", "\t\tSessionDuration:            30 * time.Minute,", None),
        ("app/models/user.rb", '    errors.add(:base, "Account locked for 30 minutes")', None),
        ("src/ui/screen.ts", '  const hint = "Unable to unlock the screen";', None),
        # a write handed the context that carries the open transaction
        ("pkg/authz/feature/service.go",
         "\t\terr = svc.EventSvc.TrackResourceCreated(txCtx, ResourceTypeFeature, id, spec)",
         "transactions.go-tx"),
        # look-alike: an ordinary request context
        ("pkg/authz/feature/service.go",
         "\terr = svc.EventSvc.TrackResourceCreated(ctx, ResourceTypeFeature, id, spec)", None),
    ],
)
def test_a_lock_s_duration_a_lock_not_acquired_and_a_transaction_s_context_are_evidence(
    policy: Policy, path: str, line: str, rule: str | None
) -> None:
    found = rules_found(path, line, policy)
    _assert_found_or_quiet(found, rule)


HANDLES = "transactions.tx-handles"


@pytest.mark.parametrize(
    ("path", "line", "rule"),
    [
        # the transaction begun, committed or rolled back by the object that owns it
        ("src/Catalog/Manager/Standard.php", "\t\t$this->begin();", HANDLES),
        ("src/Catalog/Manager/Standard.php", "\t\t\t$this->rollback();", HANDLES),
        ("src/Db/Store.php", "        $pdo->rollBack();", HANDLES),
        ("scripts/import_rows.py", "    conn.commit()", HANDLES),
        ("lib/shop/repo/transaction.ex",
         "          adapter_meta.adapter.rollback(adapter_meta, reason)", HANDLES),
        # a database handle's own transaction method, however its block is written
        ("lib/sequel/dataset/actions.rb",
         "      return @db.transaction{insert(columns, values)} if values.is_a?(Dataset)", HANDLES),
        ("lib/sequel/adapters/postgres.rb", "          DB.transaction(server_opts) do", HANDLES),
        ("src/models/signups.rs", "        conn.transaction(|| {", HANDLES),
        # ... and Knex's open transaction handed to a query
        ("src/services/ledger/sync.ts",
         "    const account = await Account.query(trx).findOne({ id });", HANDLES),
        # look-alikes: a Vuex store's commit, a blockchain transaction sent, a git commit, a
        # method that only begins with the word
        ("src/store/user.ts", "    this.commit('setUser', user);", None),
        ("src/wallet/send.ts", "    await sendTransaction(tx);", None),
        ("tools/release.py", "    repo.index.commit('release')", None),
        ("src/View/Page.php", "        $this->beginRender();", None),
        # ... a transaction of money listed, a method of another receiver
        ("app/models/report.rb", "    rows = ledger.transactions.where(paid: true)", None),
        ("lib/shop/export.rb", "    payment.transaction_id = response.id", None),
    ],
)
def test_a_transaction_s_owner_and_its_handle_are_evidence(
    path: str, line: str, rule: str | None, policy: Policy
) -> None:
    found = rules_found(path, line, policy)
    assert (rule in found) if rule else (HANDLES not in found), found


MUTEX = "transactions.mutex-calls"


@pytest.mark.parametrize(
    ("path", "line", "rule"),
    [
        # a lock taken or released by a call where the change is
        ("pubsub/gochannel/pubsub.go", "\t\ts.sending.Lock()", MUTEX),
        ("internal/storage/git/repository.go", "\tdefer r.mu.Unlock()", MUTEX),
        ("oidc/jwks.go", "\tr.mu.RLock()", MUTEX),
        ("src/main/java/org/shop/TokenApi.java", "            lock.unlock();", MUTEX),
        ("shop/backends/client.py", "        await self.lock.acquire()", MUTEX),
        ("src/cache.rs", "    let mut entries = self.entries.lock().await;", MUTEX),
        # look-alikes: a lock's state read, a pool's connection released, a token acquired, a
        # file's lock flag
        ("internal/storage/git/repository.go", "\tif r.locked {", None),
        ("shop/db/pool.py", "        pool.release(conn)", None),
        ("shop/auth/client.py", "        token = self.acquire_token(scopes)", None),
        ("src/main/java/org/shop/Files.java", "        boolean locked = file.isLocked();", None),
        # ... and objects whose names only end in "lock": a block, a clock
        ("app/render/blocks.py", "        self.block.release()", None),
        ("app/sim/timer.py", "        self.clock.release()", None),
    ],
)
def test_a_lock_taken_or_released_is_evidence(
    policy: Policy, path: str, line: str, rule: str | None
) -> None:
    found = rules_found(path, line, policy)
    assert (rule in found) if rule else (MUTEX not in found), found


ROLLBACK = "transactions.rollback-calls"


@pytest.mark.parametrize(
    ("path", "line", "rule"),
    [
        # a transaction rolled back by a call named for it, whoever owns it
        ("playhouse/orm.py", "            self.rollback(False)", ROLLBACK),
        ("handler/oauth2/flow_refresh.go",
         "\t\tif rbErr := storage.MaybeRollbackTx(ctx, h.Storage); rbErr != nil {", ROLLBACK),
        ("app/Services/Orders/PlaceOrder.php", "            $this->databaseManager->rollBack();",
         ROLLBACK),
        ("src/store/ledger.ts", "    await this.rollbackTransaction();", ROLLBACK),
        # look-alikes: a release rolled back in CI or a chart, an optimistic update undone in a
        # component or a hook, the word in a message
        (".github/workflows/deploy.yml", "        run: ./deploy.sh rollback(previous)", None),
        ("charts/app/templates/job.yaml", "          args: [\"rollback(1)\"]", None),
        ("src/components/TodoList.tsx", "      onError: () => rollback(previous),", None),
        ("src/hooks/useLike.ts", "    rollbackLike(postId);", None),
        ("src/store/ledger.ts", '    log.info("rolled back the import");', None),
    ],
)
def test_a_transaction_rolled_back_by_name_is_evidence(
    policy: Policy, path: str, line: str, rule: str | None
) -> None:
    found = rules_found(path, line, policy)
    assert (rule in found) if rule else (ROLLBACK not in found), found


@pytest.mark.parametrize(
    ("path", "line", "rule"),
    [
        # whether a transaction is open, asked before it is committed or rolled back
        ("src/Service/Importer.php", "        if ($this->connection->inTransaction()) {",
         "transactions.tx-state"),
        ("src/Repository/BalanceRepository.php",
         "        if (!$connection->isTransactionActive()) {", "transactions.tx-state"),
        ("src/migration/Runner.ts",
         "        if (migration.transaction && !queryRunner.isTransactionActive) {",
         "transactions.tx-state"),
        ("app/store/session.py", "    if not conn.in_transaction():", "transactions.tx-state"),
        # ... or a driver's own flag of it
        ("src/postgres-driver.ts", "    this.#transactionOpen = true;", "transactions.tx-state"),
        ("src/postgres-driver.ts", "  protected override inExplicitTransaction(): boolean {",
         "transactions.tx-state"),
        # whether a migration runs inside one
        ("lib/Migrations/Version/Executor.php", "        if ($migration->isTransactional()) {",
         "transactions.tx-state"),
        # look-alikes: a transaction's amount, a state of something else
        ("src/Billing/Ledger.php", "        $total = $transaction->getAmount();", None),
        ("src/Editor/Canvas.php", "        if ($this->isDrawingActive()) {", None),
        ("src/ledger/view.ts", "    const transactionOpenedAt = row.createdAt;", None),
        ("lib/db/adapter.rb", "      return if @transaction_open", "transactions.tx-state"),
        ("src/components/Ledger.tsx",
         "  const [transactionOpen, setTransactionOpen] = useState(false);", None),
    ],
)
def test_a_transaction_s_state_asked_is_evidence(
    policy: Policy, path: str, line: str, rule: str | None
) -> None:
    found = rules_found(path, line, policy)
    _assert_found_or_quiet(found, rule)


NOT_EXISTS = "transactions.not-exists-guards"


@pytest.mark.parametrize(
    ("path", "line", "rule"),
    [
        # a row written or taken only where none already records it, asked in the same
        # statement: SQL, a query builder's clause, a raw condition handed to Active Record
        ("db/queries/ledger.sql",
         "INSERT INTO ledger_locks (is_locked) SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM ledger_locks);",
         NOT_EXISTS),
        ("internal/store/credits.go",
         '\t\tAND NOT EXISTS (SELECT 1 FROM credit_grants g WHERE g.invoice_id = i.id)`', NOT_EXISTS),
        ("src/store/locks.js", "      return this.select(1).whereNotExists(function () {",
         NOT_EXISTS),
        ("lib/tasks/credits.rake",
         "    Payment.where('not exists(select 1 from credits where credits.payment_id = payments.id)')",
         NOT_EXISTS),
        # look-alikes: a schema statement's own guard, a file's existence, a prose sentence
        ("db/schema.sql", "CREATE TABLE IF NOT EXISTS ledger_locks (is_locked integer);", None),
        ("scripts/setup.py", "    if not os.path.exists(target):", None),
        ("src/store/locks.js", "  // the folder does not exist yet", None),
    ],
)
def test_a_write_guarded_by_not_exists_is_evidence(
    policy: Policy, path: str, line: str, rule: str | None
) -> None:
    found = rules_found(path, line, policy)
    _assert_found_or_quiet(found, rule)


COMMIT_MACHINERY = "transactions.tx-state"


@pytest.mark.parametrize(
    ("path", "line", "rule"),
    [
        # whether a connection has a transaction open, asked before a cache is read
        ("lib/identity_cache.rb",
         "      !pool.active_connection? || pool.connection.open_transactions == 0", COMMIT_MACHINERY),
        ("lib/shop/cache.rb", "      return if connection.transaction_open?", COMMIT_MACHINERY),
        ("lib/shop/cache.rb", "      pool.connection.current_transaction.joinable?",
         COMMIT_MACHINERY),
        # the hook that runs a record's commit callbacks, overridden
        ("lib/shop/cache_expiry.rb", "    def _run_commit_callbacks", COMMIT_MACHINERY),
        # work deferred until every open transaction commits
        ("lib/sidekiq/transaction_aware_client.rb",
         "          ActiveRecord.method(:after_all_transactions_commit)", COMMIT_MACHINERY),
        ("lib/shop/client.rb", "      AfterCommitEverywhere.after_commit { push(item) }",
         COMMIT_MACHINERY),
        # a callback put on the commit event through the callback API
        ("lib/shop/model.rb", "    set_callback :commit, :after, :expire_cache",
         COMMIT_MACHINERY),
        ("lib/sorcery/model/submodules/user_activation.rb",
         "    adapter.define_callback :after, :commit, :send_activation_email!, on: :create",
         COMMIT_MACHINERY),
        # look-alikes: a model's callback that enqueues a job, the submit button's name, another
        # event's callback, the gem named in a message or a string, a test's stub, a
        # variable of the same name
        ("app/models/user.rb", "  after_commit -> { SyncContactJob.perform_later(id) }, on: :create",
         None),
        ("app/controllers/explain_controller.rb", '      case params[:commit]', None),
        ("lib/shop/model.rb", "    set_callback :save, :after, :expire_cache", None),
        ("lib/shop/client.rb",
         '      raise %q(add `gem "after_commit_everywhere"` to your Gemfile)', None),
        ("lib/shop/client.rb", '      logger.info("no open transactions left")', None),
        ("test/fetch_test.rb",
         "    Item.connection.expects(:open_transactions).at_least_once.returns(1)", None),
        ("lib/shop/report.rb", "    @open_transactions = account.ledger.pending", None),
        # ... asked of an APM tracer or a payments client, or a bank's pending transfers
        ("app/jobs/sync_job.rb", "    NewRelic::Agent::Tracer.current_transaction&.ignore!",
         None),
        ("lib/payments_sdk/client.rb", "      txn = client.current_transaction", None),
        ("app/models/account.rb", "    account.open_transactions.where(status: 'pending')",
         None),
    ],
)
def test_rails_commit_machinery_is_evidence(
    policy: Policy, path: str, line: str, rule: str | None
) -> None:
    found = rules_found(path, line, policy)
    _assert_found_or_quiet(found, rule)


JOBS = "transactions.job-uniqueness"


@pytest.mark.parametrize(
    ("path", "line", "rule"),
    [
        # what keeps a background job from running twice at once, in each stack's job library
        ("app/Jobs/SyncOrders.php", "use Illuminate\\Contracts\\Queue\\ShouldBeUnique;", JOBS),
        ("app/Jobs/SyncOrders.php", "    public $uniqueFor = 3600;", JOBS),
        ("app/Jobs/SyncOrders.php", "        return [new WithoutOverlapping($this->order->id)];",
         JOBS),
        ("app/Console/Kernel.php", "        $schedule->job(new Settle)->daily()->onOneServer();",
         JOBS),
        ("app/jobs/charge_job.rb", "  sidekiq_options queue: :billing, lock: :until_executed",
         JOBS),
        ("app/jobs/charge_job.rb", "  limits_concurrency to: 1, key: ->(order) { order }", JOBS),
        ("app/jobs/sync_job.rb",
         "  good_job_control_concurrency_with(perform_limit: 1, key: -> { arguments.first })",
         JOBS),
        ("lib/shop/workers/settle.ex",
         "  use Oban.Worker, queue: :billing, unique: [period: 60]", JOBS),
        ("lib/shop/workers/settle.ex", "    unique: [period: :infinity, keys: [:order_id]],",
         JOBS),
        ("src/main/java/org/shop/jobs/SettleJob.java", "@DisallowConcurrentExecution", JOBS),
        ("src/Jobs/SettleJob.cs", "    [DisableConcurrentExecution(timeoutInSeconds: 600)]",
         JOBS),
        ("src/main/java/org/shop/jobs/Settle.java",
         '    @SchedulerLock(name = "settle", lockAtMostFor = "10m")', LOCKS),
        # look-alikes: a job's queue or retries, a unique list of something else
        ("app/jobs/charge_job.rb", "  sidekiq_options queue: :billing, retry: 3", None),
        ("lib/shop/workers/settle.ex", "  use Oban.Worker, queue: :billing, max_attempts: 5",
         None),
        ("config/fields.yml", "  unique: [email, username]", None),
    ],
)
def test_a_jobs_uniqueness_is_evidence(
    policy: Policy, path: str, line: str, rule: str | None
) -> None:
    found = rules_found(path, line, policy)
    _assert_found_or_quiet(found, rule)


def test_a_change_inside_a_unique_job_is_not_its_uniqueness(policy: Policy) -> None:
    # the class line that implements ShouldBeUnique heads every hunk of the job's body
    diff = """diff --git a/app/Jobs/StatusDelete.php b/app/Jobs/StatusDelete.php
--- a/app/Jobs/StatusDelete.php
+++ b/app/Jobs/StatusDelete.php
@@ -20,3 +20,3 @@ class StatusDelete implements ShouldQueue, ShouldBeUniqueUntilProcessing
     {
-        $this->notify($status);
+        $this->notifyAll($status);
     }
"""
    found = {e.rule for area in classify(parse_diff(diff), policy).areas for e in area.evidence}
    assert JOBS not in found, found
