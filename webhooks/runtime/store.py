"""Storage: deliveries, jobs, per-PR state, decisions, overrides and installations.

SQLAlchemy 2 Core over SQLite (the embedded default, one file) or PostgreSQL; the schema is
created and migrated by Alembic (`webhooks/runtime/migrations`). The job table is the source of
truth: a delivery and its job are committed together before GitHub gets its answer (or, for the
embedded service, the delivery is committed into an inbox beside the SQLite file and moved into
both later, `_Inbox`), and work is claimed with conditional UPDATEs (no database-specific
locking), one PR at a time.
"""

from __future__ import annotations

import contextlib
import datetime
import fcntl
import functools
import json
import os
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

__all__ = ["AuditFilter", "Claim", "Delivery", "Job", "Store", "metadata", "new_owner_id"]

metadata = sa.MetaData()

deliveries = sa.Table(
    "deliveries",
    metadata,
    sa.Column("delivery_id", sa.String(64), primary_key=True),
    sa.Column("event", sa.String(64), nullable=False),
    sa.Column("action", sa.String(64)),
    sa.Column("repo", sa.String(255)),
    sa.Column("outcome", sa.String(32), nullable=False),
    sa.Column("job_id", sa.Integer),
    sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
)

jobs = sa.Table(
    "jobs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("delivery_id", sa.String(64)),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("repo", sa.String(255), nullable=False),
    sa.Column("number", sa.Integer, nullable=False),
    sa.Column("head_sha", sa.String(64)),
    sa.Column("spec", sa.Text, nullable=False),
    sa.Column("status", sa.String(16), nullable=False, index=True),
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("owner", sa.String(64)),
    sa.Column("run_after", sa.DateTime(timezone=True), nullable=False),
    sa.Column("lease_until", sa.DateTime(timezone=True)),
    sa.Column("last_error", sa.Text),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

pulls = sa.Table(
    "pulls",
    metadata,
    sa.Column("repo", sa.String(255), primary_key=True),
    sa.Column("number", sa.Integer, primary_key=True),
    sa.Column("head_sha", sa.String(64)),
    sa.Column("head_at", sa.DateTime(timezone=True)),
    sa.Column("comment_id", sa.BigInteger),
    sa.Column("lock_owner", sa.String(64)),
    sa.Column("lock_until", sa.DateTime(timezone=True)),
)

decisions = sa.Table(
    "decisions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("repo", sa.String(255), nullable=False, index=True),
    sa.Column("number", sa.Integer, nullable=False),
    sa.Column("head_sha", sa.String(64), nullable=False),
    sa.Column("risk", sa.String(16), nullable=False),
    sa.Column("tier", sa.String(64), nullable=False),
    sa.Column("verdict", sa.String(16), nullable=False),
    sa.Column("conclusion", sa.String(16), nullable=False),
    sa.Column("declared_models", sa.Text, nullable=False),
    sa.Column("areas", sa.Text, nullable=False),
    sa.Column("check_run_id", sa.BigInteger),
    sa.Column("comment_id", sa.BigInteger),
    sa.Column("policy_source", sa.String(255)),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, index=True),
    # Since schema 0003 (earlier rows: NULL): whether an override applied to this head, the
    # provenances of the declarations ("declared,tool"), whether any met the required tier.
    sa.Column("overridden", sa.Boolean),
    sa.Column("provenance", sa.String(64)),
    sa.Column("evidence_met", sa.Boolean),
    # a PR's decisions (the compliance page's summary and its events of matching PRs)
    sa.Index("ix_decisions_repo_number", "repo", "number"),
)

overrides = sa.Table(
    "overrides",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("repo", sa.String(255), nullable=False, index=True),
    sa.Column("number", sa.Integer, nullable=False),
    sa.Column("login", sa.String(255), nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("head_sha", sa.String(64), nullable=False),
    sa.Column("areas", sa.Text, nullable=False),
    sa.Column("via", sa.String(16), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, index=True),
    # Since schema 0004: the comment that granted it (one comment grants once), the critical
    # evidence it covers (bot/coverage.py, JSON; NULL: its areas only), and its revocation.
    sa.Column("comment_id", sa.BigInteger),
    sa.Column("coverage", sa.Text),
    sa.Column("revoked_at", sa.DateTime(timezone=True)),
    sa.Column("revoked_by", sa.String(255)),
    sa.UniqueConstraint("repo", "comment_id", name="uq_overrides_repo_comment"),
)

# The heads a PR had, each with the earliest time it is known to have been there (a delivery's
# `updated_at`, or when a job read it): the head an override comment was made on is the newest
# one seen before the comment's `created_at`, whatever the head is when its job runs.
pull_heads = sa.Table(
    "pull_heads",
    metadata,
    sa.Column("repo", sa.String(255), primary_key=True),
    sa.Column("number", sa.Integer, primary_key=True),
    sa.Column("head_sha", sa.String(64), primary_key=True),
    sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
)

# Everything a person or the App did that an auditor asks about, beyond decisions: override
# grants, suspensions and revocations, checklist ticks, review requests, declarations. `kind` is
# a dotted name (`override.granted`); `detail` is JSON whose keys depend on the kind.
audit_events = sa.Table(
    "audit_events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("repo", sa.String(255), nullable=False, index=True),
    sa.Column("number", sa.Integer, nullable=False),
    sa.Column("head_sha", sa.String(64)),
    sa.Column("kind", sa.String(64), nullable=False),
    sa.Column("actor", sa.String(255)),
    sa.Column("detail", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, index=True),
)

# How far the worker process has moved each inbox (`_Inbox`, keyed by the id the inbox file was
# created with): its rows up to `moved` are deliveries and jobs here, moved in one transaction
# with this mark, so that a crash either side of it loses nothing and moves nothing twice.
inbox_marks = sa.Table(
    "inbox_marks",
    metadata,
    sa.Column("inbox", sa.String(64), primary_key=True),
    sa.Column("moved", sa.Integer, nullable=False),
)

installations = sa.Table(
    "installations",
    metadata,
    sa.Column("id", sa.BigInteger, primary_key=True),
    sa.Column("account", sa.String(255)),
    sa.Column("action", sa.String(64)),
    sa.Column("repositories", sa.Text),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)


# == The job workers' statements, built once ==============================================
# A statement built per call costs SQLAlchemy about ten times its execution (coercions, then a
# cache key from a walk of the whole tree); one built once with bind parameters keeps its key
# and its compiled form. On SQLite the workers run them holding the write turn that the
# acknowledgement waits for, at a lower priority than the web process. Their parameters are
# named `b_<name>` (`_bound`): an UPDATE's or INSERT's own column names are reserved.
_pull_key = (pulls.c.repo == sa.bindparam("b_repo"), pulls.c.number == sa.bindparam("b_number"))
_PULL_EXISTS = sa.select(pulls.c.repo).where(*_pull_key)
_PULL_INSERT = pulls.insert().values(repo=sa.bindparam("b_repo"), number=sa.bindparam("b_number"))
_PULL_HEAD = sa.select(pulls.c.head_sha).where(*_pull_key)
_PULL_NOTE_HEAD = pulls.update().where(*_pull_key).values(
    head_sha=sa.bindparam("b_head_sha"), head_at=sa.bindparam("b_now"))
_PULL_LOCK = pulls.update().where(
    *_pull_key, sa.or_(pulls.c.lock_owner.is_(None), pulls.c.lock_until < sa.bindparam("b_now"),
                       pulls.c.lock_owner == sa.bindparam("b_owner")),
).values(lock_owner=sa.bindparam("b_owner"), lock_until=sa.bindparam("b_until"))
_PULL_UNLOCK = pulls.update().where(
    *_pull_key, pulls.c.lock_owner == sa.bindparam("b_owner"),
).values(lock_owner=None, lock_until=None)
_PULL_EXTEND = pulls.update().where(
    *_pull_key, pulls.c.lock_owner == sa.bindparam("b_owner"),
).values(lock_until=sa.bindparam("b_until"))
_PULL_COMMENT = pulls.update().where(*_pull_key).values(comment_id=sa.bindparam("b_comment_id"))
_head_key = (pull_heads.c.repo == sa.bindparam("b_repo"),
             pull_heads.c.number == sa.bindparam("b_number"),
             pull_heads.c.head_sha == sa.bindparam("b_head_sha"))
_HEAD_SEEN = sa.select(pull_heads.c.seen_at).where(*_head_key)
_HEAD_INSERT = pull_heads.insert().values(
    repo=sa.bindparam("b_repo"), number=sa.bindparam("b_number"),
    head_sha=sa.bindparam("b_head_sha"), seen_at=sa.bindparam("b_at"))
_HEAD_EARLIER = pull_heads.update().where(
    *_head_key, pull_heads.c.seen_at > sa.bindparam("b_at")).values(seen_at=sa.bindparam("b_at"))
#: a job a worker may take: pending (`due`: and its back-off over), or running past its lease
_RUNNABLE = sa.or_(
    jobs.c.status == "pending",
    sa.and_(jobs.c.status == "running", jobs.c.lease_until < sa.bindparam("b_now")),
)
_RUNNABLE_DUE = sa.or_(
    sa.and_(jobs.c.status == "pending", jobs.c.run_after <= sa.bindparam("b_now")),
    sa.and_(jobs.c.status == "running", jobs.c.lease_until < sa.bindparam("b_now")),
)
_CANDIDATES = sa.select(jobs.c.id, jobs.c.repo, jobs.c.number).where(
    _RUNNABLE, jobs.c.run_after <= sa.bindparam("b_now"),
    ~sa.exists().where(
        pulls.c.repo == jobs.c.repo, pulls.c.number == jobs.c.number,
        pulls.c.lock_owner.is_not(None), pulls.c.lock_owner != sa.bindparam("b_owner"),
        pulls.c.lock_until >= sa.bindparam("b_now"),
    ),
).order_by(jobs.c.id).limit(20)
_JOB_TAKE = {
    due: jobs.update().where(jobs.c.id == sa.bindparam("b_job_id"), runnable).values(
        status="running", owner=sa.bindparam("b_owner"), lease_until=sa.bindparam("b_until"),
        attempts=jobs.c.attempts + 1, updated_at=sa.bindparam("b_now"))
    for due, runnable in ((False, _RUNNABLE), (True, _RUNNABLE_DUE))
}
_JOB_ROW = sa.select(jobs).where(jobs.c.id == sa.bindparam("b_job_id"))
_JOB_FINISH = jobs.update().where(jobs.c.id == sa.bindparam("b_job_id")).values(
    status=sa.bindparam("b_status"), last_error=sa.bindparam("b_error"),
    updated_at=sa.bindparam("b_now"), lease_until=None)
_JOB_RETRY = jobs.update().where(jobs.c.id == sa.bindparam("b_job_id")).values(
    status="pending", last_error=sa.bindparam("b_error"), updated_at=sa.bindparam("b_now"),
    lease_until=None, run_after=sa.bindparam("b_run_after"))
_JOB_EXTEND = jobs.update().where(
    jobs.c.id == sa.bindparam("b_job_id"), jobs.c.owner == sa.bindparam("b_owner"),
    jobs.c.status == "running",
).values(lease_until=sa.bindparam("b_until"))


def _bound(**values: Any) -> dict[str, Any]:
    """The parameters of a statement above: `repo=` binds `b_repo`."""
    return {f"b_{name}": value for name, value in values.items()}


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def _aware(value: datetime.datetime | None) -> datetime.datetime | None:
    """SQLite hands back naive datetimes; everything here is UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=datetime.UTC)
    return value


#: what `Store.record_delivery` records: delivery id, event, action, repository, job (or None)
Delivery = tuple[str, str, str | None, str | None, dict[str, Any] | None]


@dataclass(frozen=True)
class Job:
    id: int
    kind: str
    repo: str
    number: int
    head_sha: str | None
    spec: dict[str, Any]
    attempts: int
    delivery_id: str | None


@dataclass(frozen=True)
class Claim:
    """What `Store.claim_job` found: `claimed` (job set), `busy` (its PR or the job itself is
    leased by another worker), `later` (it waits for its back-off), or `gone` (done, dead,
    superseded or unknown: nothing to do). `wait` is how long until trying again makes sense."""

    state: str
    job: Job | None = None
    wait: float = 0.0


class _Compiled:
    """A statement compiled once for a dialect and run on a raw DBAPI cursor, its values passed
    through the columns' bind processing (SQLite keeps datetimes as text, compared as text, so
    they must be written exactly as SQLAlchemy writes them). Its parameters are built here, not
    by `construct_params` (a third of the acknowledgement's statements' CPU): the statement's
    own literals, then the values given, each processed, in the driver's order."""

    def __init__(self, statement: Any, dialect: sa.Dialect, columns: list[str] | None = None
                 ) -> None:
        compiled = statement.compile(dialect=dialect, column_keys=columns)
        self.sql = compiled.string
        self._order = compiled.positiontup  # None for named parameter styles
        self._literals = {name: bind.value for bind, name in compiled.bind_names.items()
                          if not bind.required and bind.callable is None}
        self._process = {
            name: process for name, bind in compiled.binds.items()
            if (process := bind.type.dialect_impl(dialect).bind_processor(dialect)) is not None
        }

    def execute(self, cursor: Any, values: dict[str, Any]) -> list[Any]:
        """Run it; the rows it returns (RETURNING), else []."""
        params = {**self._literals, **values}
        for name, process in self._process.items():
            params[name] = process(params[name])
        cursor.execute(self.sql, params if self._order is None else
                       tuple(params[name] for name in self._order))
        return cursor.fetchall() if cursor.description else []


class _HotStatements:
    """The acknowledgement's statements, compiled once: built per call through SQLAlchemy Core
    they cost about 1 ms of CPU per delivery (coercions and cache keys), the driver 0.1 ms."""

    def __init__(self, dialect: sa.Dialect) -> None:
        self.supersede = _Compiled(
            jobs.update()
            .where(jobs.c.repo == sa.bindparam("w_repo"),
                   jobs.c.number == sa.bindparam("w_number"),
                   jobs.c.kind == sa.bindparam("w_kind"), jobs.c.status == "pending")
            .values(status="superseded",
                    updated_at=sa.bindparam("w_now", type_=jobs.c.updated_at.type))
            .returning(jobs.c.head_sha),
            dialect,
        )
        self.job = _Compiled(jobs.insert().returning(jobs.c.id), dialect, [
            "delivery_id", "kind", "repo", "number", "head_sha", "spec", "status", "attempts",
            "run_after", "created_at", "updated_at"])
        self.delivery = _Compiled(deliveries.insert(), dialect, [
            "delivery_id", "event", "action", "repo", "outcome", "job_id", "received_at"])


#: SQLite's own threshold (WAL pages) for a commit to checkpoint the WAL into the database file
SQLITE_CHECKPOINT_PAGES = 1000
#: the threshold when another process checkpoints (`Store.checkpoint`): only a backstop
BACKSTOP_CHECKPOINT_PAGES = 20_000


def _sqlite_pragmas(checkpoint_pages: int) -> Any:
    """The connection set-up: WAL, whose commits survive a crash of the process (kill -9: the
    log is in the operating system's page cache) though not of the machine (synchronous=NORMAL
    syncs the log at checkpoints only), and the WAL size at which a commit checkpoints."""

    def setup(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA wal_autocheckpoint={int(checkpoint_pages)}")
        cursor.close()

    return setup


def _sqlite_file(url: str) -> str | None:
    """The path of the SQLite file `url` names; None for PostgreSQL or an in-memory database."""
    if not url.startswith("sqlite"):
        return None
    database = sa.make_url(url).database
    return database if database and database != ":memory:" and not database.startswith(
        "file:") else None


#: how long a deferring writer lets waiting acknowledgements go first, and how often it looks
DEFER_SECONDS, DEFER_POLL = 0.02, 0.0005


class _WriteTurn:
    """Writers to one SQLite file take turns here: this process's threads on a lock, then the
    processes (`modeltier serve` and its worker child) on an exclusive `flock` of a file beside
    the database. SQLite itself makes a waiting writer sleep-poll for its lock (sleeps of up to
    100 ms: the acknowledgement's tail); the kernel hands a released `flock` to the next waiter
    at once. A write transaction that read first cannot find the database changed under it by
    another process either (SQLite's `SQLITE_BUSY_SNAPSHOT`, which no timeout waits out).

    The acknowledgement goes first: while one waits (`waiting`), the web process holds a shared
    `flock` of a second file, and a `deferring` process (the worker child) takes that file
    exclusively, and lets it go at once, before each of its turns: it waits there (polling, for
    `DEFER_SECONDS` at most), rather than chaining its transactions (a job writes several) ahead
    of a delivery GitHub waits on. It never holds that file while it waits for or holds the
    turn, so neither waits on the other in a cycle."""

    def __init__(self, database: str | None, *, deferring: bool = False) -> None:
        self._threads = threading.Lock()
        self._path = f"{database}.lock" if database else None
        self._fd: int | None = None
        self._deferring = deferring
        self._waiters = 0
        self._waiters_lock = threading.Lock()
        self._signalled = False  # the web process holds the shared `flock` of the second file
        self._gate_fd: int | None = None

    def _open(self, suffix: str) -> int:
        assert self._path is not None
        return os.open(f"{self._path}{suffix}", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)

    def acquire(self, *, wait: bool = True) -> bool:
        """Take the turn; without `wait`, only if it is free now (False if not)."""
        if not self._threads.acquire(blocking=wait):
            return False
        try:
            if self._path is not None:
                if self._fd is None:
                    self._fd = self._open("")
                if self._deferring:
                    if self._gate_fd is None:
                        self._gate_fd = self._open("-wait")
                    self._defer(self._gate_fd)
                fcntl.flock(self._fd, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._threads.release()
            return False
        except BaseException:
            self._threads.release()
            raise
        return True

    @staticmethod
    def _defer(gate: int) -> None:
        """Wait until no acknowledgement waits, for `DEFER_SECONDS` at most: under sustained
        load one always does, and a job's writes (its lease's renewal among them) must go on."""
        deadline = time.monotonic() + DEFER_SECONDS
        while True:
            try:
                fcntl.flock(gate, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    return
                time.sleep(DEFER_POLL)
            else:
                fcntl.flock(gate, fcntl.LOCK_UN)
                return

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        self._threads.release()

    def __enter__(self) -> None:
        self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()

    @contextlib.contextmanager
    def waiting(self) -> Iterator[None]:
        """Tell deferring processes an acknowledgement waits for the turn, while in this block.
        Never blocks: when a worker is passing the second file just now, it goes first once."""
        self._signal(+1)
        try:
            yield
        finally:
            self._signal(-1)

    def _signal(self, change: int) -> None:
        if self._path is None:
            return
        with self._waiters_lock:
            self._waiters += change
            if self._waiters and not self._signalled:
                if self._gate_fd is None:
                    self._gate_fd = self._open("-wait")
                with contextlib.suppress(BlockingIOError):
                    fcntl.flock(self._gate_fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
                    self._signalled = True
            elif not self._waiters and self._signalled:
                assert self._gate_fd is not None
                fcntl.flock(self._gate_fd, fcntl.LOCK_UN)
                self._signalled = False

    def close(self) -> None:
        """Close the lock files (opened again by the next write)."""
        with self._threads, self._waiters_lock:
            for fd in (self._fd, self._gate_fd):
                if fd is not None:
                    os.close(fd)
            self._fd = self._gate_fd = None
            self._signalled = False


#: the inbox's rows the worker process moves in one transaction at most
INBOX_BATCH = 200
_INBOX_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS inbox_id (id TEXT NOT NULL)",
    # AUTOINCREMENT: ids are never reused once pruned, as the mark in the store counts on
    "CREATE TABLE IF NOT EXISTS inbox (id INTEGER PRIMARY KEY AUTOINCREMENT, "
    "delivery_id TEXT NOT NULL UNIQUE, event TEXT NOT NULL, action TEXT, repo TEXT, job TEXT, "
    "received_at TEXT NOT NULL)",
)
# The rows up to the store's mark of this inbox (0: nothing moved yet; read through the attached
# store) are deliveries and jobs there already.
_INBOX_PRUNE = ("DELETE FROM inbox WHERE id <= "
                "coalesce((SELECT moved FROM store.inbox_marks WHERE inbox = ?), 0)")
_INBOX_UNMOVED = ("SELECT id, delivery_id, event, action, repo, job, received_at FROM inbox "
                  "WHERE id > coalesce((SELECT moved FROM store.inbox_marks WHERE inbox = ?), 0) "
                  "ORDER BY id LIMIT ?")
_INBOX_WAITING = ("SELECT count(*) FROM inbox WHERE id > "
                  "coalesce((SELECT moved FROM store.inbox_marks WHERE inbox = ?), 0)")


class _Inbox:
    """The embedded service's acknowledgements, in an SQLite file (WAL) beside the store's that
    only the web process writes (`accept`): an acknowledgement never waits for the worker
    process's write turn on the store, which a job's transactions hold at a lower priority.

    The worker process reads the rows past the store's mark of this inbox (`inbox_marks`) and
    makes them deliveries and jobs in one store transaction that moves the mark too
    (`Store.move_inbox`); reading takes no write lock here. The web process deletes the rows
    up to the mark in its own next commit. The store is attached to this file's connection
    (`store.`), read only: a deferred transaction that writes the inbox alone takes only its
    write lock. Each inbox file has an id of its own, so a new file (deleted, restored) starts
    from no mark rather than from an old file's."""

    def __init__(self, database: str, checkpoint_pages: int) -> None:
        self.path = f"{database}-inbox"
        self._database = database
        self._checkpoint_pages = checkpoint_pages
        self._lock = threading.Lock()  # one connection, used by the loop and by threads
        self._db: sqlite3.Connection | None = None
        self.id = ""

    def _open(self, *, create: bool) -> sqlite3.Connection | None:
        """The connection (opened on first use); None while no inbox exists and not `create`."""
        if self._db is not None:
            return self._db
        if not create and not os.path.exists(self.path):
            return None
        db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        try:
            db.execute("PRAGMA busy_timeout=10000")
            if create:
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("BEGIN IMMEDIATE")
                for statement in _INBOX_SCHEMA:
                    db.execute(statement)
                if db.execute("SELECT id FROM inbox_id").fetchone() is None:
                    db.execute("INSERT INTO inbox_id VALUES (?)", (uuid.uuid4().hex,))
                db.execute("COMMIT")
            row = db.execute("SELECT id FROM inbox_id").fetchone()
        except sqlite3.OperationalError:  # being created by the web process: nothing in it yet
            db.close()
            return None
        if row is None:
            db.close()
            return None
        db.execute("PRAGMA synchronous=NORMAL")  # as the store's: survives a process crash
        db.execute(f"PRAGMA wal_autocheckpoint={int(self._checkpoint_pages)}")
        db.execute("ATTACH DATABASE ? AS store", (self._database,))
        self.id, self._db = row[0], db
        return db

    def accept(self, records: Sequence[Delivery], received: datetime.datetime) -> list[bool]:
        """Keep the records, committed, and delete the rows moved already; for each record,
        whether it is new (not in the inbox, nor a delivery in the store)."""
        stamp = received.isoformat()
        with self._lock:
            db = self._open(create=True)
            assert db is not None
            db.execute("BEGIN")
            try:
                new = []
                for delivery_id, event_name, action, repo, job in records:
                    if db.execute("SELECT 1 FROM store.deliveries WHERE delivery_id = ?",
                                  (delivery_id,)).fetchone() is not None:
                        new.append(False)
                        continue
                    new.append(db.execute(
                        "INSERT OR IGNORE INTO inbox (delivery_id, event, action, repo, job, "
                        "received_at) VALUES (?, ?, ?, ?, ?, ?)",
                        (delivery_id, event_name, action, repo,
                         None if job is None else json.dumps(job), stamp),
                    ).rowcount == 1)
                # after the inserts: a redelivery of a row deleted here collides with it first
                db.execute(_INBOX_PRUNE, (self.id,))
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        return new

    def unmoved(self, limit: int) -> list[tuple[int, Delivery, datetime.datetime]]:
        """The oldest rows past the store's mark: (row id, the delivery, when it was received)."""
        with self._lock:
            db = self._open(create=False)
            if db is None:
                return []
            rows = db.execute(_INBOX_UNMOVED, (self.id, limit)).fetchall()
        return [(row_id, (delivery_id, event_name, action, repo,
                          None if job is None else json.loads(job)),
                 datetime.datetime.fromisoformat(received))
                for row_id, delivery_id, event_name, action, repo, job, received in rows]

    def waiting(self, *, jobs_only: bool) -> int:
        """Its rows not moved yet (`jobs_only`: those that make a job)."""
        with self._lock:
            db = self._open(create=False)
            return 0 if db is None else int(db.execute(
                _INBOX_WAITING + (" AND job IS NOT NULL" if jobs_only else ""),
                (self.id,)).fetchone()[0])

    def holds(self, delivery_id: str) -> bool:
        with self._lock:
            db = self._open(create=False)
            return db is not None and db.execute(
                "SELECT 1 FROM inbox WHERE delivery_id = ?", (delivery_id,)).fetchone() is not None

    def checkpoint(self) -> None:
        """A PASSIVE checkpoint (`Store.checkpoint`), from the worker process."""
        with self._lock:
            db = self._open(create=False)
            if db is not None:
                db.execute("PRAGMA main.wal_checkpoint(PASSIVE)")

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
            self._db = None


class Store:
    """The one module that talks to the database."""

    def __init__(
        self, url: str, *, deferring: bool = False,
        checkpoint_pages: int = SQLITE_CHECKPOINT_PAGES,
    ) -> None:
        """`deferring`: on SQLite, this process's writers let a waiting acknowledgement of
        another process go first (`_WriteTurn`): the worker child's. `checkpoint_pages`: the
        WAL size at which a commit of this process checkpoints it (a checkpoint syncs the
        database file, milliseconds to a hundred under load, inside the commit and so inside
        the write turn); `modeltier serve` leaves checkpoints to its worker child
        (`checkpoint`), off the turn, and keeps a backstop."""
        self.url = url
        sqlite = url.startswith("sqlite")
        options: dict[str, Any] = {} if sqlite else {
            "pool_pre_ping": True, "pool_size": 20, "max_overflow": 20,
        }
        self.engine: Engine = sa.create_engine(url, future=True, **options)
        # SQLite has one writer at a time: its writers take turns (`_WriteTurn`)
        database = _sqlite_file(url)
        self._write_lock: _WriteTurn | contextlib.nullcontext[None] = (
            _WriteTurn(database, deferring=deferring) if sqlite else contextlib.nullcontext()
        )
        self._inbox = _Inbox(database, checkpoint_pages) if database else None
        if sqlite:
            event.listen(self.engine, "connect", _sqlite_pragmas(checkpoint_pages))

    @contextlib.contextmanager
    def _begin(self) -> Iterator[Connection]:
        """A write transaction."""
        with self._write_lock, self.engine.begin() as conn:
            yield conn

    # -- schema -----------------------------------------------------------------------------

    def _alembic_config(self) -> Any:
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
        config.set_main_option("sqlalchemy.url", self.url.replace("%", "%%"))
        return config

    def head_revision(self) -> str:
        """The newest schema revision this version of modeltier knows."""
        from alembic.script import ScriptDirectory

        return str(ScriptDirectory.from_config(self._alembic_config()).get_current_head())

    def revision(self) -> str | None:
        """The schema revision of the database, None when it holds no modeltier schema."""
        from alembic.runtime.migration import MigrationContext

        with self.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    def upgrade(self) -> tuple[str | None, str | None]:
        """Create or migrate the schema to the newest Alembic revision; returns the revision
        before and after (before is None when the schema was created).

        On PostgreSQL an advisory lock makes concurrent starts take turns.
        """
        from alembic import command
        from alembic.runtime.migration import MigrationContext

        config = self._alembic_config()
        with self._begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(7274261)"))
            before = MigrationContext.configure(conn).get_current_revision()
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
            after = MigrationContext.configure(conn).get_current_revision()
        return before, after

    def ping(self) -> bool:
        try:
            with self.engine.connect() as conn:
                conn.execute(sa.text("SELECT 1"))
        except sa.exc.SQLAlchemyError:
            return False
        return True

    def checkpoint(self) -> None:
        """Copy the WAL's committed pages into the SQLite database file, without the write turn:
        a PASSIVE checkpoint neither waits for nor blocks a writer (it stops short of pages a
        reader still needs, for the next one). Nothing on PostgreSQL."""
        if not self.takes_turns:
            return
        with self.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")
        if self._inbox is not None:
            self._inbox.checkpoint()

    def dispose(self) -> None:
        self.engine.dispose()
        if isinstance(self._write_lock, _WriteTurn):
            self._write_lock.close()
        if self._inbox is not None:
            self._inbox.close()

    # -- deliveries and jobs ----------------------------------------------------------------

    def record_delivery(
        self,
        delivery_id: str,
        event_name: str,
        action: str | None,
        repo: str | None,
        job: dict[str, Any] | None,
    ) -> tuple[bool, int | None]:
        """Record a delivery and, if it needs work, its job, in one transaction.

        Returns (new, job id). A delivery id seen before is a redelivery: (False, None).
        A newer evaluation of the same PR supersedes a pending one (it would redo the same work).
        """
        return self.record_deliveries([(delivery_id, event_name, action, repo, job)])[0]

    def record_deliveries(self, records: Sequence[Delivery]) -> list[tuple[bool, int | None]]:
        """`record_delivery` of each record, in order, all in one transaction: one commit (and
        on SQLite one write turn) for acknowledgements that arrived together. A redelivery among
        them is rolled back alone."""
        for attempt in range(3):
            try:
                return self._record_deliveries(records)
            except self._dbapi.OperationalError:
                # Concurrent deliveries for one PR can deadlock on PostgreSQL while superseding
                # each other's pending jobs; the loser's transaction is rolled back: try again.
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    @property
    def takes_turns(self) -> bool:
        """Whether writers take turns on a lock here (SQLite) rather than in the database."""
        return isinstance(self._write_lock, _WriteTurn)

    def acknowledging(self) -> contextlib.AbstractContextManager[None]:
        """While in this block, an acknowledgement waits for the write turn: deferring writers
        (the worker child's) let it go first (`_WriteTurn.waiting`); nothing on PostgreSQL."""
        turn = self._write_lock
        return turn.waiting() if isinstance(turn, _WriteTurn) else contextlib.nullcontext()

    def record_delivery_if_free(
        self, delivery_id: str, event_name: str, action: str | None, repo: str | None,
        job: dict[str, Any] | None,
    ) -> tuple[bool, int | None] | None:
        """`record_delivery` if SQLite's write turn is free now (`record_deliveries_if_free`)."""
        recorded = self.record_deliveries_if_free([(delivery_id, event_name, action, repo, job)])
        return None if recorded is None else recorded[0]

    def record_deliveries_if_free(
        self, records: Sequence[Delivery],
    ) -> list[tuple[bool, int | None]] | None:
        """`record_deliveries` if SQLite's write turn is free now; None if it would have to wait
        (or the database is not SQLite). An SQLite insert that need not wait takes a tenth of a
        millisecond: the web process makes it on its event loop, as the floor does, rather than
        pay a hop to a thread and back (more than the insert, and the interpreter lock's hand-over
        on each side). It waits for its turn, when it must, off the event loop."""
        turn = self._write_lock
        if not isinstance(turn, _WriteTurn) or not turn.acquire(wait=False):
            return None
        try:
            return self._record_deliveries(records, held=True)
        except self._dbapi.OperationalError:
            return None  # SQLite busy after all (a writer that took no turn): wait off the loop
        finally:
            turn.release()

    def _record_deliveries(
        self, records: Sequence[Delivery], *, held: bool = False,
    ) -> list[tuple[bool, int | None]]:
        now = _now()
        try:
            with self._hot_transaction(held=held) as (cursor, hot):
                if len(records) == 1:  # a redelivery rolls the whole transaction back
                    return [self._insert_delivery(cursor, hot, now, *records[0])]
                return self._insert_each(cursor, hot, [(now, record) for record in records])
        except self._dbapi.IntegrityError:
            return [(False, None)]

    def _insert_each(
        self, cursor: Any, hot: _HotStatements,
        records: Sequence[tuple[datetime.datetime, Delivery]],
    ) -> list[tuple[bool, int | None]]:
        """`_insert_delivery` of each (received at, record) in one transaction, a redelivery
        among them rolled back alone."""
        if self.takes_turns:
            # pysqlite begins a transaction only before a data change: the savepoint would
            # begin it, and its release commit it
            cursor.execute("BEGIN")
        results = []
        for received, record in records:
            cursor.execute("SAVEPOINT delivery")
            try:
                results.append(self._insert_delivery(cursor, hot, received, *record))
            except self._dbapi.IntegrityError:
                cursor.execute("ROLLBACK TO SAVEPOINT delivery")
                results.append((False, None))
            cursor.execute("RELEASE SAVEPOINT delivery")
        return results

    @property
    def keeps_inbox(self) -> bool:
        """Whether acknowledgements can go into an inbox (`accept_deliveries`): an SQLite
        file."""
        return self._inbox is not None

    def accept_deliveries(self, records: Sequence[Delivery]) -> list[bool]:
        """Keep each record, durably, in the inbox beside the SQLite file, which only the
        process that calls this writes (the embedded service's web process): no wait for the
        store's write turn. Returns, for each, whether it is new (a redelivery is not). They
        become deliveries and jobs, superseding older pending ones, when a worker process
        claims work (`move_inbox`)."""
        assert self._inbox is not None, "an inbox needs an SQLite file"
        return self._inbox.accept(records, _now())

    def move_inbox(self) -> int:
        """Make the inbox's rows past this store's mark deliveries and jobs (what
        `record_deliveries` makes of them), moving the mark in the same transaction; returns how
        many rows moved. Finding none takes no write lock, of the inbox or of the store. One
        process moves at a time (the worker process's claimer); under the turn the mark is read
        again, so that a second mover would skip what the first moved."""
        if self._inbox is None:
            return 0
        rows = self._inbox.unmoved(INBOX_BATCH)
        if not rows:
            return 0
        inbox_id = self._inbox.id
        with self._hot_transaction() as (cursor, hot):
            cursor.execute("SELECT moved FROM inbox_marks WHERE inbox = ?", (inbox_id,))
            mark = (cursor.fetchone() or (0,))[0]
            rows = [row for row in rows if row[0] > mark]
            if not rows:
                return 0
            self._insert_each(cursor, hot, [(received, record) for _, record, received in rows])
            cursor.execute(
                "INSERT INTO inbox_marks (inbox, moved) VALUES (?, ?) "
                "ON CONFLICT (inbox) DO UPDATE SET moved = excluded.moved",
                (inbox_id, rows[-1][0]))
        return len(rows)

    def _insert_delivery(
        self, cursor: Any, hot: _HotStatements, now: datetime.datetime, delivery_id: str,
        event_name: str, action: str | None, repo: str | None, job: dict[str, Any] | None,
    ) -> tuple[bool, int | None]:
        # The job first: the delivery's row names it, and a redelivery's insert fails on the
        # delivery id and rolls the job back with it.
        job_id = self._insert_job(cursor, hot, job, delivery_id, now) if job else None
        hot.delivery.execute(cursor, {
            "delivery_id": delivery_id, "event": event_name, "action": action, "repo": repo,
            "outcome": "queued" if job else "ignored", "job_id": job_id, "received_at": now,
        })
        return True, job_id

    def enqueue(self, job: dict[str, Any]) -> int:
        with self._hot_transaction() as (cursor, hot):
            return self._insert_job(cursor, hot, job, None, _now())

    @property
    def _dbapi(self) -> Any:
        """The driver module (sqlite3, psycopg): its exceptions, for the hot path's raw cursor."""
        return self.engine.dialect.loaded_dbapi

    @functools.cached_property
    def _hot(self) -> _HotStatements:
        """Compiled on first use, once the dialect knows its server (RETURNING on SQLite)."""
        with self.engine.connect():
            pass
        return _HotStatements(self.engine.dialect)

    @contextlib.contextmanager
    def _hot_transaction(self, *, held: bool = False) -> Iterator[tuple[Any, _HotStatements]]:
        """A write transaction on the pool's raw DBAPI connection, for the statements of the
        acknowledgement (`_HotStatements`): committed on success, rolled back on any error.
        `held`: the caller has the write turn already."""
        hot = self._hot
        with contextlib.nullcontext() if held else self._write_lock:
            connection = self.engine.raw_connection()
            try:
                cursor = connection.cursor()
                try:
                    yield cursor, hot
                    connection.commit()
                except BaseException:
                    connection.rollback()
                    raise
                finally:
                    cursor.close()
            finally:
                connection.close()

    def _insert_job(
        self, cursor: Any, hot: _HotStatements, job: dict[str, Any], delivery_id: str | None,
        now: datetime.datetime,
    ) -> int:
        repo, number, kind = job["repo"], int(job.get("number") or 0), job["kind"]
        if kind == "evaluate":
            replaced = hot.supersede.execute(cursor, {
                "w_repo": repo, "w_number": number, "w_kind": kind, "w_now": now})
            if any(sha != job.get("head_sha") for (sha,) in replaced):
                # It stands in for jobs of other heads, and deliveries arrive out of order (a
                # late one may name an older head, which would skip itself as stale): evaluate
                # whatever head is current.
                job = {**job, "head_sha": None}
        (job_id,), = hot.job.execute(cursor, {
            "delivery_id": delivery_id, "kind": kind, "repo": repo, "number": number,
            "head_sha": job.get("head_sha"), "spec": json.dumps(job), "status": "pending",
            "attempts": 0, "run_after": now, "created_at": now, "updated_at": now,
        })
        return int(job_id)

    def _ensure_pull(self, conn: Connection, repo: str, number: int) -> None:
        key = _bound(repo=repo, number=number)
        if conn.execute(_PULL_EXISTS, key).first() is None:
            try:
                with conn.begin_nested():
                    conn.execute(_PULL_INSERT, key)
            except sa.exc.IntegrityError:
                pass

    def note_head(self, repo: str, number: int, head_sha: str) -> str | None:
        """GitHub's current head (read during a job) is the truth: record it as newest. Returns
        the head recorded before (a job that publishes on a head notes it first, so a head
        different from it has had no check run created by any attempt)."""
        now = _now()
        with self._begin() as conn:
            self._ensure_pull(conn, repo, number)
            previous = conn.execute(_PULL_HEAD, _bound(repo=repo, number=number)).scalar()
            conn.execute(_PULL_NOTE_HEAD,
                         _bound(repo=repo, number=number, head_sha=head_sha, now=now))
            self._seen(conn, repo, number, head_sha, now)
        return previous

    def note_push(self, repo: str, number: int, head_sha: str, at: datetime.datetime) -> None:
        """A head a delivery named, at the time GitHub gave it (the PR's `updated_at`)."""
        with self._begin() as conn:
            self._seen(conn, repo, number, head_sha, at)

    def _seen(
        self, conn: Connection, repo: str, number: int, head_sha: str, at: datetime.datetime
    ) -> None:
        key = _bound(repo=repo, number=number, head_sha=head_sha, at=at)
        if conn.execute(_HEAD_SEEN, key).first() is None:
            try:
                with conn.begin_nested():
                    conn.execute(_HEAD_INSERT, key)
                return
            except sa.exc.IntegrityError:
                pass  # another worker saw it too: keep the earlier time
        conn.execute(_HEAD_EARLIER, key)

    def head_before(self, repo: str, number: int, at: datetime.datetime) -> str | None:
        """The newest head seen before `at` (None: none known), by the times recorded above.
        A time is when the head was there at the latest, so a late delivery can make this an
        older head, never a newer one."""
        with self.engine.connect() as conn:
            return conn.execute(
                sa.select(pull_heads.c.head_sha)
                .where(pull_heads.c.repo == repo, pull_heads.c.number == number,
                       pull_heads.c.seen_at < at)
                .order_by(pull_heads.c.seen_at.desc()).limit(1)
            ).scalar()

    def claim(self, owner: str, lease_seconds: int) -> Job | None:
        """Take the oldest runnable job whose PR nobody else is working on. PRs locked by
        others are left out as the candidates are read, so the write transaction that takes one
        (and holds SQLite's one write lock meanwhile) rarely fails."""
        self.move_inbox()
        now = _now()
        until = now + datetime.timedelta(seconds=lease_seconds)
        with self.engine.connect() as conn:
            candidates = conn.execute(_CANDIDATES, _bound(now=now, owner=owner)).all()
        for job_id, repo, number in candidates:
            job = self._take(job_id, repo, number, False, owner, now, until)
            if job is not None:
                return job
        return None

    def _take(
        self, job_id: int, repo: str, number: int, due: bool, owner: str,
        now: datetime.datetime, until: datetime.datetime,
    ) -> Job | None:
        """In one transaction: lock the job's PR for this owner, then lease the job (runnable,
        `due`: its back-off over too); None when another worker holds the PR or took the job
        meanwhile."""
        values = _bound(repo=repo, number=number, job_id=job_id, owner=owner, now=now,
                        until=until)
        with self._begin() as conn:
            self._ensure_pull(conn, repo, number)
            if conn.execute(_PULL_LOCK, values).rowcount != 1:
                conn.rollback()
                return None
            if conn.execute(_JOB_TAKE[due], values).rowcount != 1:
                conn.rollback()
                return None
            row = conn.execute(_JOB_ROW, values).one()
            return Job(row.id, row.kind, row.repo, row.number, row.head_sha,
                       json.loads(row.spec), row.attempts, row.delivery_id)

    def finish(self, job: Job, owner: str, status: str = "done", error: str | None = None) -> None:
        with self._begin() as conn:
            conn.execute(_JOB_FINISH, _bound(job_id=job.id, status=status, error=error,
                                             now=_now()))
            conn.execute(_PULL_UNLOCK, _bound(repo=job.repo, number=job.number, owner=owner))

    def retry(self, job: Job, owner: str, delay: float, error: str) -> None:
        now = _now()
        with self._begin() as conn:
            conn.execute(_JOB_RETRY, _bound(job_id=job.id, error=error, now=now,
                                            run_after=now + datetime.timedelta(seconds=delay)))
            conn.execute(_PULL_UNLOCK, _bound(repo=job.repo, number=job.number, owner=owner))

    def recover(self) -> int:
        """At start-up of the embedded service: jobs left running by a dead process run again."""
        with self._begin() as conn:
            result = conn.execute(
                jobs.update().where(jobs.c.status == "running")
                .values(status="pending", lease_until=None, owner=None)
            )
            conn.execute(pulls.update().values(lock_owner=None, lock_until=None))
            return int(result.rowcount)

    def count_jobs(self, status: str) -> int:
        """Jobs in `status`; pending ones include those still in the inbox (counted first: a
        row moved meanwhile is counted twice, never missed)."""
        waiting = self._inbox.waiting(jobs_only=True) if (
            status == "pending" and self._inbox is not None) else 0
        with self.engine.connect() as conn:
            return waiting + int(conn.execute(
                sa.select(sa.func.count()).select_from(jobs).where(jobs.c.status == status)
            ).scalar_one())

    # -- broker mode: one named job at a time (webhooks/queue.py, webhooks/reconcile.py) ---------

    def claim_job(self, job_id: int, owner: str, lease_seconds: int) -> Claim:
        """Take this job (the one a queue message names) with a lease and its PR's lock."""
        now = _now()
        until = now + datetime.timedelta(seconds=lease_seconds)
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(jobs.c.repo, jobs.c.number, jobs.c.status, jobs.c.run_after,
                          jobs.c.lease_until).where(jobs.c.id == job_id)
            ).first()
        if row is None or row.status not in ("pending", "running"):
            return Claim("gone")
        lease_until = _aware(row.lease_until)
        if row.status == "running" and lease_until is not None and lease_until >= now:
            return Claim("busy", wait=(lease_until - now).total_seconds())
        run_after = _aware(row.run_after)
        if row.status == "pending" and run_after is not None and run_after > now:
            return Claim("later", wait=(run_after - now).total_seconds())
        job = self._take(job_id, row.repo, row.number, True, owner, now, until)
        # None: the PR is leased by another worker, or the job was taken or changed meanwhile.
        return Claim("busy") if job is None else Claim("claimed", job)

    def extend_lease(self, job: Job, owner: str, lease_seconds: int) -> bool:
        """Keep a running job's lease (and its PR lock) alive; False once it is no longer ours."""
        until = _now() + datetime.timedelta(seconds=lease_seconds)
        values = _bound(repo=job.repo, number=job.number, job_id=job.id, owner=owner,
                        until=until)
        with self._begin() as conn:
            pr = conn.execute(_PULL_EXTEND, values)
            held = conn.execute(_JOB_EXTEND, values)
            return pr.rowcount == 1 and held.rowcount == 1

    def touch_job(self, job_id: int) -> None:
        """Note that a pending job is being looked after (its message was sent again)."""
        with self._begin() as conn:
            conn.execute(jobs.update().where(jobs.c.id == job_id, jobs.c.status == "pending")
                         .values(updated_at=_now()))

    def stale_jobs(self, older_than: float, limit: int = 500) -> list[tuple[int, int | None]]:
        """Jobs nobody is taking care of: pending, due and untouched for `older_than` seconds (the
        queue message was never sent or got lost), or running past their lease (the worker died).
        Each is marked touched, so the next pass leaves it alone for another `older_than`.
        Returns (job id, installation id)."""
        now = _now()
        cutoff = now - datetime.timedelta(seconds=older_than)
        stale = sa.or_(
            sa.and_(jobs.c.status == "pending", jobs.c.run_after <= now,
                    jobs.c.updated_at <= cutoff),
            sa.and_(jobs.c.status == "running", jobs.c.lease_until < now,
                    jobs.c.updated_at <= cutoff),
        )
        with self._begin() as conn:
            rows = conn.execute(
                sa.select(jobs.c.id, jobs.c.spec).where(stale).order_by(jobs.c.id).limit(limit)
            ).all()
            if rows:
                conn.execute(jobs.update().where(jobs.c.id.in_([r.id for r in rows]), stale)
                             .values(updated_at=now))
        return [(r.id, json.loads(r.spec).get("installation_id")) for r in rows]

    def job_stats(self) -> dict[str, Any]:
        """Counts by status, retries (attempts beyond the first) and the oldest pending job's age
        in seconds (0 when none), for /metrics."""
        with self.engine.connect() as conn:
            counts: dict[str, int] = {
                str(status): int(n) for status, n in conn.execute(
                    sa.select(jobs.c.status, sa.func.count()).group_by(jobs.c.status))
            }
            retries = conn.execute(
                sa.select(sa.func.coalesce(sa.func.sum(jobs.c.attempts - 1), 0))
                .where(jobs.c.attempts > 1)
            ).scalar_one()
            oldest = _aware(conn.execute(
                sa.select(sa.func.min(jobs.c.created_at)).where(jobs.c.status == "pending")
            ).scalar())
        age = (_now() - oldest).total_seconds() if oldest is not None else 0.0
        return {"counts": counts, "retries": int(retries), "oldest_pending_age": max(age, 0.0)}

    def count_deliveries(self) -> int:
        """Deliveries recorded, those in the inbox too (counted first, as in `count_jobs`)."""
        waiting = self._inbox.waiting(jobs_only=False) if self._inbox is not None else 0
        with self.engine.connect() as conn:
            return waiting + int(conn.execute(
                sa.select(sa.func.count()).select_from(deliveries)).scalar_one())

    def has_delivery(self, delivery_id: str) -> bool:
        """Whether the delivery was recorded (in the inbox or moved from it)."""
        if self._inbox is not None and self._inbox.holds(delivery_id):
            return True
        with self.engine.connect() as conn:
            return conn.execute(
                sa.select(deliveries.c.delivery_id).where(deliveries.c.delivery_id == delivery_id)
            ).first() is not None

    def conclusion_of(self, repo: str, number: int, head_sha: str) -> str | None:
        """The conclusion last published for this PR's head (None: none was)."""
        with self.engine.connect() as conn:
            return conn.execute(
                sa.select(decisions.c.conclusion)
                .where(decisions.c.repo == repo, decisions.c.number == number,
                       decisions.c.head_sha == head_sha)
                .order_by(decisions.c.id.desc()).limit(1)
            ).scalar()

    def has_result(self, repo: str, head_sha: str) -> bool:
        """A decision was published for this head."""
        with self.engine.connect() as conn:
            return conn.execute(
                sa.select(decisions.c.id)
                .where(decisions.c.repo == repo, decisions.c.head_sha == head_sha).limit(1)
            ).first() is not None

    def has_open_job(self, repo: str, number: int) -> bool:
        """A job for this PR is pending or running."""
        with self.engine.connect() as conn:
            return conn.execute(
                sa.select(jobs.c.id)
                .where(jobs.c.repo == repo, jobs.c.number == number,
                       jobs.c.status.in_(("pending", "running"))).limit(1)
            ).first() is not None

    def installation_ids(self) -> list[int]:
        with self.engine.connect() as conn:
            return [int(i) for i in conn.execute(
                sa.select(installations.c.id).order_by(installations.c.id)).scalars()]

    # -- results ----------------------------------------------------------------------------

    def pull_ids(self, repo: str, number: int, head_sha: str) -> tuple[int | None, int | None]:
        """(comment id of the PR, check run id of this head) from earlier results."""
        with self.engine.connect() as conn:
            comment = conn.execute(
                sa.select(pulls.c.comment_id).where(pulls.c.repo == repo, pulls.c.number == number)
            ).scalar()
            check = conn.execute(
                sa.select(decisions.c.check_run_id)
                .where(decisions.c.repo == repo, decisions.c.head_sha == head_sha,
                       decisions.c.check_run_id.is_not(None))
                .order_by(decisions.c.id.desc()).limit(1)
            ).scalar()
        return comment, check

    def save_decision(self, repo: str, number: int, head_sha: str, values: dict[str, Any]) -> None:
        with self._begin() as conn:
            conn.execute(decisions.insert(), {
                "repo": repo, "number": number, "head_sha": head_sha, "created_at": _now(),
                **values})
            self._ensure_pull(conn, repo, number)
            if values.get("comment_id") is not None:
                conn.execute(_PULL_COMMENT, _bound(repo=repo, number=number,
                                                   comment_id=values["comment_id"]))

    def add_override(
        self, repo: str, number: int, login: str, reason: str, head_sha: str,
        areas: tuple[str, ...], via: str, *, coverage: dict[str, Any],
        comment_id: int | None = None,
    ) -> int | None:
        """Record a granted override and its `override.granted` audit event, in one
        transaction. Returns its id, or None when this comment granted one already."""
        now = _now()
        try:
            with self._begin() as conn:
                result = conn.execute(overrides.insert().values(
                    repo=repo, number=number, login=login, reason=reason, head_sha=head_sha,
                    areas=json.dumps(list(areas)), via=via, created_at=now,
                    comment_id=comment_id, coverage=json.dumps(coverage, sort_keys=True),
                ))
                override_id = int(result.inserted_primary_key[0])  # type: ignore[index]
                conn.execute(audit_events.insert().values(
                    repo=repo, number=number, head_sha=head_sha, kind="override.granted",
                    actor=login, created_at=now, detail=json.dumps({
                        "reason": reason, "via": via, "comment_id": comment_id,
                        "override_id": override_id, "areas": list(areas)}, sort_keys=True),
                ))
                return override_id
        except sa.exc.IntegrityError:
            return None

    def has_override_from(self, repo: str, comment_id: int) -> bool:
        """This comment granted an override already (revoked or not)."""
        with self.engine.connect() as conn:
            return conn.execute(
                sa.select(overrides.c.id)
                .where(overrides.c.repo == repo, overrides.c.comment_id == comment_id)
            ).first() is not None

    def active_overrides(self, repo: str, number: int) -> list[dict[str, Any]]:
        """The PR's overrides not revoked, newest first (`areas` a tuple, `coverage` decoded or
        None for one recorded before coverage was)."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(overrides)
                .where(overrides.c.repo == repo, overrides.c.number == number,
                       overrides.c.revoked_at.is_(None))
                .order_by(overrides.c.id.desc())
            ).all()
        return [
            {**row._mapping, "areas": tuple(json.loads(row.areas)),
             "coverage": json.loads(row.coverage) if row.coverage else None,
             "created_at": _aware(row.created_at)}
            for row in rows
        ]

    def revoke_overrides(
        self, repo: str, number: int, by: str, reason: str, *, comment_id: int | None = None,
        via: str | None = None,
    ) -> list[int]:
        """Revoke the PR's active overrides granted by this comment (or, `via`, by the label),
        each with an `override.revoked` audit event. Returns the ids revoked."""
        now = _now()
        where = [overrides.c.repo == repo, overrides.c.number == number,
                 overrides.c.revoked_at.is_(None)]
        if comment_id is not None:
            where.append(overrides.c.comment_id == comment_id)
        if via is not None:
            where.append(overrides.c.via == via)
        with self._begin() as conn:
            rows = conn.execute(sa.select(overrides).where(*where)).all()
            for row in rows:
                conn.execute(overrides.update().where(overrides.c.id == row.id)
                             .values(revoked_at=now, revoked_by=by))
                conn.execute(audit_events.insert().values(
                    repo=repo, number=number, head_sha=row.head_sha, kind="override.revoked",
                    actor=by, created_at=now, detail=json.dumps({
                        "reason": reason, "override_id": row.id, "granted_by": row.login,
                        "via": row.via, "comment_id": row.comment_id}, sort_keys=True),
                ))
        return [row.id for row in rows]

    def record_event(
        self, repo: str, number: int, kind: str, *, actor: str | None = None,
        head_sha: str | None = None, detail: dict[str, Any] | None = None,
    ) -> None:
        """Append one audit event (see `audit_events`); events are never updated or deleted."""
        with self._begin() as conn:
            conn.execute(audit_events.insert().values(
                repo=repo, number=number, head_sha=head_sha, kind=kind, actor=actor,
                detail=json.dumps(detail or {}, sort_keys=True), created_at=_now(),
            ))

    def events(
        self, repo: str, number: int | None = None, kind_prefix: str | None = None
    ) -> list[dict[str, Any]]:
        """A repository's (or one PR's) audit events, oldest first, `detail` decoded."""
        query = sa.select(audit_events).where(audit_events.c.repo == repo)
        if number is not None:
            query = query.where(audit_events.c.number == number)
        if kind_prefix:
            query = query.where(audit_events.c.kind.startswith(kind_prefix, autoescape=True))
        with self.engine.connect() as conn:
            rows = conn.execute(query.order_by(audit_events.c.id)).all()
        return [
            {**row._mapping, "detail": json.loads(row.detail), "created_at": _aware(row.created_at)}
            for row in rows
        ]

    def record_installation(
        self, installation_id: int, account: str | None, action: str | None,
        repositories: list[str] | None = None, added: list[str] | None = None,
        removed: list[str] | None = None,
    ) -> None:
        """The installation's last action and repositories: `repositories` replaces the list
        (installation events), `added`/`removed` change the one recorded so far
        (installation_repositories events)."""
        with self._begin() as conn:
            known = conn.execute(
                sa.select(installations.c.repositories).where(installations.c.id == installation_id)
            ).scalar()
            if repositories is None:
                repositories = json.loads(known) if known else []
            drop = set(removed or ())
            merged = [r for r in repositories if r not in drop]
            merged += [r for r in added or () if r not in merged]
            conn.execute(installations.delete().where(installations.c.id == installation_id))
            conn.execute(installations.insert().values(
                id=installation_id, account=account, action=action,
                repositories=json.dumps(sorted(merged)), updated_at=_now(),
            ))

    def audit(
        self, repo: str | None = None, since: datetime.datetime | None = None
    ) -> list[dict[str, Any]]:
        """Decisions and audit events (override grants, suspensions, refusals and revocations
        among them), oldest first, as plain rows for CSV or JSON; an event's `reason` is the
        one its detail gives."""
        rows: list[dict[str, Any]] = []
        with self.engine.connect() as conn:
            query = sa.select(decisions)
            equery = sa.select(audit_events)
            if repo:
                query = query.where(decisions.c.repo == repo)
                equery = equery.where(audit_events.c.repo == repo)
            if since:
                query = query.where(decisions.c.created_at >= since)
                equery = equery.where(audit_events.c.created_at >= since)
            for row in conn.execute(query):
                rows.append({
                    "type": "decision", "at": _aware(row.created_at), "repo": row.repo,
                    "pr": row.number, "head_sha": row.head_sha, "risk": row.risk,
                    "tier": row.tier, "verdict": row.verdict, "conclusion": row.conclusion,
                    "declared_models": row.declared_models, "who": "", "reason": "",
                })
            for row in conn.execute(equery):
                rows.append({
                    "type": row.kind, "at": _aware(row.created_at), "repo": row.repo,
                    "pr": row.number, "head_sha": row.head_sha or "", "risk": "", "tier": "",
                    "verdict": "", "conclusion": "", "declared_models": "",
                    "who": row.actor or "", "reason": str(json.loads(row.detail).get("reason", "")),
                })
        rows.sort(key=lambda r: r["at"])
        return rows

    # == The compliance page (webhooks/compliance): filtered in SQL, paginated ================
    # Everything below reads only. A decision row matches an AuditFilter by its own columns; an
    # audit event (overrides granted, suspended, revoked; checklist ticks; review requests)
    # matches by repository and date, and, when the filter narrows decisions (risk, area,
    # verdict, model, provenance, overridden), by belonging to a PR with a matching decision.

    def audit_repositories(self) -> list[str]:
        """Every repository with a decision, override or audit event, sorted."""
        union = sa.union(sa.select(decisions.c.repo), sa.select(overrides.c.repo),
                         sa.select(audit_events.c.repo)).subquery()
        with self.engine.connect() as conn:
            return sorted(str(r) for r in conn.execute(sa.select(union.c.repo)).scalars())

    def audit_decisions(
        self, where: AuditFilter, *, limit: int | None = None, offset: int = 0
    ) -> tuple[list[dict[str, Any]], int]:
        """One page of the matching decisions, newest first, and how many match in all."""
        clauses = _decision_clauses(where)
        query = (sa.select(*_DECISION_FIELDS).where(*clauses)
                 .order_by(decisions.c.created_at.desc(), decisions.c.id.desc())
                 .offset(offset).limit(limit))
        with self.engine.connect() as conn:
            total = conn.execute(sa.select(sa.func.count()).select_from(decisions)
                                 .where(*clauses)).scalar_one()
            rows = conn.execute(query).all()
        return [_decision_row(row) for row in rows], int(total)

    def audit_trail(
        self, where: AuditFilter, *, limit: int | None = None, offset: int = 0
    ) -> tuple[list[dict[str, Any]], int]:
        """One page of the matching audit events, newest first, and how many match in all."""
        clauses = _event_clauses(where)
        query = (sa.select(audit_events).where(*clauses)
                 .order_by(audit_events.c.created_at.desc(), audit_events.c.id.desc())
                 .offset(offset).limit(limit))
        with self.engine.connect() as conn:
            total = conn.execute(sa.select(sa.func.count()).select_from(audit_events)
                                 .where(*clauses)).scalar_one()
            rows = conn.execute(query).all()
        return [
            {"at": _aware(row.created_at), "repo": row.repo, "number": row.number,
             "head_sha": row.head_sha, "kind": row.kind, "actor": row.actor,
             "detail": _decoded(row.detail)}
            for row in rows
        ], int(total)

    def audit_summary(self, where: AuditFilter) -> list[dict[str, Any]]:
        """Per repository: PRs, critical PRs, critical PRs whose evidence met the premium tier
        (each PR judged by its newest matching decision) and overrides by person."""
        latest = (sa.select(sa.func.max(decisions.c.id))
                  .where(*_decision_clauses(where))
                  .group_by(decisions.c.repo, decisions.c.number)).scalar_subquery()
        critical = decisions.c.risk == "critical"
        prs = (sa.select(
            decisions.c.repo, sa.func.count().label("prs"),
            sa.func.sum(sa.case((critical, 1), else_=0)).label("critical"),
            sa.func.sum(sa.case((sa.and_(critical, decisions.c.evidence_met.is_(True)), 1),
                                else_=0)).label("premium"),
        ).where(decisions.c.id.in_(latest)).group_by(decisions.c.repo))
        people = (sa.select(audit_events.c.repo, audit_events.c.actor, sa.func.count().label("n"))
                  .where(*_event_clauses(where), audit_events.c.kind == "override.granted")
                  .group_by(audit_events.c.repo, audit_events.c.actor))
        summary: dict[str, dict[str, Any]] = {}
        with self.engine.connect() as conn:
            for row in conn.execute(prs):
                summary[row.repo] = {"repo": row.repo, "prs": int(row.prs),
                                     "critical": int(row.critical or 0),
                                     "premium": int(row.premium or 0), "overrides": {}}
            for row in conn.execute(people):
                entry = summary.setdefault(row.repo, {"repo": row.repo, "prs": 0, "critical": 0,
                                                      "premium": 0, "overrides": {}})
                entry["overrides"][row.actor or ""] = int(row.n)
        for entry in summary.values():
            entry["premium_share"] = (entry["premium"] / entry["critical"]
                                      if entry["critical"] else None)
            entry["overrides"] = dict(sorted(entry["overrides"].items(),
                                             key=lambda item: (-item[1], item[0])))
        return [summary[repo] for repo in sorted(summary)]


@dataclass(frozen=True)
class AuditFilter:
    """What the compliance page asks for. `repos` is what the viewer may see (None: every
    repository); the other fields are the page's filters (None: any). `until` is exclusive."""

    repos: frozenset[str] | None = None
    repo: str | None = None
    since: datetime.datetime | None = None
    until: datetime.datetime | None = None
    risk: str | None = None
    area: str | None = None
    verdict: str | None = None
    overridden: bool | None = None
    model: str | None = None
    provenance: str | None = None

    def narrows_decisions(self) -> bool:
        return any(value is not None for value in (
            self.risk, self.area, self.verdict, self.overridden, self.model, self.provenance))


def _listed(column: Any, value: str) -> Any:
    """`value` is one item of the comma-separated list in `column` (LIKE, wildcards escaped)."""
    return (sa.literal(",") + column + sa.literal(",")).contains(f",{value},", autoescape=True)


def _scope_clauses(table: sa.Table, where: AuditFilter) -> list[Any]:
    clauses: list[Any] = []
    if where.repos is not None:
        clauses.append(table.c.repo.in_(sorted(where.repos)) if where.repos else sa.false())
    if where.repo is not None:
        clauses.append(table.c.repo == where.repo)
    if where.since is not None:
        clauses.append(table.c.created_at >= where.since)
    if where.until is not None:
        clauses.append(table.c.created_at < where.until)
    return clauses


def _decision_clauses(where: AuditFilter) -> list[Any]:
    clauses = _scope_clauses(decisions, where)
    if where.risk is not None:
        clauses.append(decisions.c.risk == where.risk)
    if where.verdict is not None:
        clauses.append(decisions.c.verdict == where.verdict)
    if where.area is not None:
        clauses.append(_listed(decisions.c.areas, where.area))
    if where.model is not None:
        clauses.append(_listed(decisions.c.declared_models, where.model))
    if where.provenance is not None:
        clauses.append(_listed(decisions.c.provenance, where.provenance))
    if where.overridden is True:
        clauses.append(decisions.c.overridden.is_(True))
    elif where.overridden is False:
        clauses.append(sa.or_(decisions.c.overridden.is_(False), decisions.c.overridden.is_(None)))
    return clauses


def _event_clauses(where: AuditFilter) -> list[Any]:
    """An event matches by its scope and, when the filter narrows decisions, by its PR having
    a matching decision."""
    clauses = _scope_clauses(audit_events, where)
    if where.narrows_decisions():
        clauses.append(sa.exists().where(decisions.c.repo == audit_events.c.repo,
                                         decisions.c.number == audit_events.c.number,
                                         *_decision_clauses(where)))
    return clauses


def _split(value: str | None) -> list[str]:
    return value.split(",") if value else []


#: what the compliance page shows of a decision, in `_decision_row`'s order
_DECISION_FIELDS = (
    decisions.c.created_at, decisions.c.repo, decisions.c.number, decisions.c.head_sha,
    decisions.c.risk, decisions.c.tier, decisions.c.verdict, decisions.c.conclusion,
    decisions.c.areas, decisions.c.declared_models, decisions.c.provenance,
    decisions.c.evidence_met, decisions.c.overridden, decisions.c.policy_source,
)


def _decision_row(row: Any) -> dict[str, Any]:
    # unpacked by position: an export reads every matching row, and named access costs more
    (at, repo, number, head_sha, risk, tier, verdict, conclusion, areas, models, provenance,
     evidence_met, overridden, policy_source) = row
    return {
        "at": _aware(at), "repo": repo, "number": number, "head_sha": head_sha, "risk": risk,
        "tier": tier, "verdict": verdict, "conclusion": conclusion, "areas": _split(areas),
        "models": _split(models), "provenance": _split(provenance),
        "evidence_met": evidence_met, "overridden": overridden, "policy_source": policy_source,
    }


def _decoded(detail: str) -> dict[str, Any]:
    """An audit event's JSON detail (`record_event` writes an object)."""
    try:
        data = json.loads(detail)
    except ValueError:
        return {"detail": detail}
    return data if isinstance(data, dict) else {"detail": data}


def new_owner_id() -> str:
    return uuid.uuid4().hex[:16]
