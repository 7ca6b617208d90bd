"""The service commands of `modeltier` (serve, audit, db, worker, reconcile).

`bot.cli` adds them through the `modeltier.commands` entry point, so the core CLI never imports the
web stack, and `webhooks` stays above `bot`. This module imports nothing heavy itself: each command
first checks that its extra is installed (one line naming the `pip install` to run, never a
traceback), then imports what it needs.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import gc
import json
import os
import sys
from pathlib import Path
from typing import Any

from bot.extras import needs_note, require

__all__ = ["register"]


def _require_database_driver(url: str) -> None:
    """A PostgreSQL URL needs the driver that comes with modeltier[postgres]."""
    if url.startswith("postgresql"):
        require("postgres", f"the database {url.split('@')[-1]!r}")


def _settings() -> Any:
    from webhooks.settings import load_settings

    settings = load_settings()
    _require_database_driver(settings.database_url)
    if settings.broker_url:
        require("scale", "MODELTIER_BROKER_URL")
    return settings


def _serve(args: argparse.Namespace) -> int:
    require("service", "`modeltier serve`")
    import uvicorn

    from webhooks.app import Service, create_app
    from webhooks.logs import configure
    from webhooks.settings import SettingsError, unconfigured

    try:
        settings = _settings()
    except SettingsError as e:
        # Nothing says which App this is: offer /setup, unless something else is wrong too.
        if not (unconfigured(os.environ) and e.fields <= {"webhook_secret", "credentials"}):
            raise
        return _serve_setup(args)
    configure(settings.log_level, settings.secrets())
    # the job workers in a child process: the web process keeps its interpreter to answer GitHub
    app = create_app(settings, Service(settings, worker_process=True))
    # What was built so far (modules, the app, pydantic's and SQLAlchemy's structures) lives as
    # long as the process: out of the collector's sight, full collections do not walk it again
    # and again while requests wait.
    gc.freeze()
    uvicorn.run(app, host=args.host or settings.host,
                port=settings.port if args.port is None else args.port, log_config=None,
                access_log=False)
    return 0


class _NoDatabase(Exception):
    """`audit` or `db` would have to create a database nobody pointed them at."""


def _shown(url: str) -> str:
    """A database URL as it may be printed: without its password."""
    import sqlalchemy as sa

    try:
        return sa.make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return url


def _sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL (None for other databases and in-memory SQLite)."""
    import sqlalchemy as sa

    parsed = sa.make_url(url)
    if not parsed.drivername.startswith("sqlite") or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database).resolve()


def _serve_setup(args: argparse.Namespace) -> int:
    """`modeltier serve` with no GitHub App yet: /setup creates one (webhooks/setup.py)."""
    import logging

    import uvicorn

    from webhooks.logs import configure
    from webhooks.setup import SetupApp

    configure(os.environ.get("MODELTIER_LOG_LEVEL") or "INFO")
    host = args.host or os.environ.get("MODELTIER_HOST") or "127.0.0.1"
    port = args.port if args.port is not None else int(os.environ.get("MODELTIER_PORT") or 8000)
    setup = SetupApp(os.environ)
    # the one place the setup token is shown: whoever completes /setup owns the App
    logging.getLogger("modeltier.setup").warning(
        "no GitHub App is configured: open `url` (/setup with this start's one-time setup "
        "token) to create one (or set MODELTIER_WEBHOOK_SECRET with MODELTIER_GITHUB_APP_ID "
        "and a private key)",
        extra={"url": setup.setup_url(f"http://{host}:{port}")})
    uvicorn.run(setup, host=host, port=port, log_config=None, access_log=False)
    return 0


def _database_url(command: str, *, create: bool) -> str:
    """The database URL `command` uses. An SQLite file that does not exist is never created by
    accident: `audit` refuses always, `db upgrade` unless MODELTIER_DATABASE_URL names it."""
    require("service", f"`modeltier {command}`")
    from webhooks.settings import database_url_from_env

    url, explicit = database_url_from_env(os.environ)
    _require_database_driver(url)
    path = _sqlite_file(url)
    if path is not None and not path.exists() and not (create and explicit):
        how = ("MODELTIER_DATABASE_URL" if explicit else
               "MODELTIER_DATABASE_URL is not set, so the default")
        raise _NoDatabase(
            f"`modeltier {command}`: no database at {_shown(url)} ({path} does not exist; "
            f"{how} was used); point MODELTIER_DATABASE_URL at the service's database"
            + (", or set it to the database to create" if create else "")
        )
    return url


def _fail(message: str) -> int:
    print(f"modeltier: error: {message}", file=sys.stderr)
    return 2


def _audit(args: argparse.Namespace) -> int:
    try:
        url = _database_url("audit", create=False)
    except _NoDatabase as e:
        return _fail(str(e))
    from webhooks.runtime.store import Store

    since = None
    if args.since:
        try:
            since = datetime.datetime.fromisoformat(args.since)
        except ValueError:
            return _fail(f"--since {args.since!r} is not a date (YYYY-MM-DD)")
        if since.tzinfo is None:
            since = since.replace(tzinfo=datetime.UTC)
    store = Store(url)
    try:
        revision, head = store.revision(), store.head_revision()
        if revision is None:
            return _fail(f"`modeltier audit`: {_shown(url)} holds no modeltier schema; point "
                         "MODELTIER_DATABASE_URL at the service's database")
        if revision != head:
            return _fail(f"`modeltier audit`: {_shown(url)} is at schema revision {revision}, "
                         f"this modeltier reads {head}: run `modeltier db upgrade` first")
        rows = store.audit(repo=args.repo, since=since)
    finally:
        store.dispose()
    if args.format == "json":
        json.dump(rows, sys.stdout, default=str, indent=2)
        sys.stdout.write("\n")
    else:
        fields = ["type", "at", "repo", "pr", "head_sha", "risk", "tier", "verdict",
                  "conclusion", "declared_models", "who", "reason"]
        writer = csv.DictWriter(sys.stdout, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    return 0


def _db_upgrade(_: argparse.Namespace) -> int:
    try:
        url = _database_url("db upgrade", create=True)
    except _NoDatabase as e:
        return _fail(str(e))
    from webhooks.runtime.store import Store

    store = Store(url)
    try:
        before, after = store.upgrade()
    finally:
        store.dispose()
    if before is None:
        print(f"created the modeltier schema (revision {after}) in {_shown(url)}")
    elif before == after:
        print(f"{_shown(url)} is already at the newest schema revision ({after}): nothing to do")
    else:
        print(f"migrated {_shown(url)} from schema revision {before} to {after}")
    return 0


def _worker(args: argparse.Namespace) -> int:
    require("service", "`modeltier worker`")
    require("scale", "`modeltier worker`")
    from webhooks.logs import configure
    from webhooks.runtime.queue import CONTROL_QUEUE, JOB_QUEUE, Dispatcher, Ticker, create_celery
    from webhooks.runtime.store import Store

    settings = _settings()
    if not settings.broker_url:
        print("modeltier: error: `modeltier worker` needs MODELTIER_BROKER_URL "
              "(e.g. redis://127.0.0.1:6379/0)", file=sys.stderr)
        return 2
    from celery.signals import setup_logging
    from celery.utils.nodenames import host_format

    def _logging(**_: Any) -> None:  # our JSON lines in every process, not Celery's own setup
        configure(settings.log_level, settings.secrets())

    setup_logging.connect(_logging, weak=False)
    _celery_says_in_json()
    configure(settings.log_level, settings.secrets())
    store = Store(settings.database_url)
    store.upgrade()  # takes its turn with any other process starting now
    store.dispose()
    app = create_celery(settings)
    ticker = None
    if settings.reconcile_seconds > 0 and not args.no_reconcile:
        ticker = Ticker(settings.reconcile_seconds, Dispatcher(app).send_reconcile)
        ticker.start()
    worker = app.Worker(
        hostname=host_format(args.hostname or "modeltier@%h"),
        concurrency=args.concurrency or settings.workers, pool=args.pool,
        queues=[JOB_QUEUE, CONTROL_QUEUE], loglevel=settings.log_level.upper(),
        without_mingle=True, without_gossip=True, without_heartbeat=True,
        quiet=True,  # no start-up banner on stdout: its facts are in the JSON lines
    )
    try:
        worker.start()
    finally:
        if ticker is not None:
            ticker.stop()
    return int(worker.exitcode or 0)


def _celery_says_in_json() -> None:
    """Celery's worker prints its shutdown notices ("worker: Warm shutdown (MainProcess)") with
    raw writes to stdout, past logging: send them through logging, so they are JSON lines too."""
    import logging

    import celery.apps.worker as celery_worker

    say = logging.getLogger("celery.apps.worker")

    def _say(message: str, *_: Any) -> None:
        say.warning(message.strip())

    celery_worker.safe_say = _say


def _reconcile(_: argparse.Namespace) -> int:
    require("service", "`modeltier reconcile`")
    from webhooks.logs import configure
    from webhooks.runtime.jobs import connect_github
    from webhooks.runtime.ratelimit import rate_gate
    from webhooks.runtime.reconcile import Reconciler, coordination
    from webhooks.runtime.store import Store

    settings = _settings()
    configure(settings.log_level, settings.secrets())
    store = Store(settings.database_url)
    store.upgrade()
    send = None
    if settings.broker_url:
        from webhooks.runtime.queue import Dispatcher

        send = Dispatcher.from_settings(settings).send
    connection = connect_github(settings)
    report = Reconciler(
        settings, store, connection, send=send, gate=rate_gate(settings.broker_url),
        coordination=coordination(settings.broker_url),
    ).run()
    print("\n".join(report.lines()))
    store.dispose()
    return 1 if report.errors else 0


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the service commands to `modeltier`'s command parser."""
    serve = commands.add_parser(
        "serve", help="run the GitHub App webhook service" + needs_note("service"))
    serve.add_argument("--host", default=None,
                       help="address to listen on (default MODELTIER_HOST, else 127.0.0.1)")
    serve.add_argument("--port", type=int, default=None,
                       help="port (default MODELTIER_PORT, else 8000)")
    serve.set_defaults(handler=_serve)

    audit = commands.add_parser(
        "audit", help="print the decision and override history" + needs_note("service"))
    audit.add_argument("--repo", metavar="OWNER/NAME")
    audit.add_argument("--since", metavar="DATE")
    audit.add_argument("--format", choices=("csv", "json"), default="csv")
    audit.set_defaults(handler=_audit)

    db = commands.add_parser("db", help="database schema" + needs_note("service"))
    db_commands = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    upgrade = db_commands.add_parser("upgrade", help="create or migrate the schema")
    upgrade.set_defaults(handler=_db_upgrade)
    worker = commands.add_parser(
        "worker",
        help="run jobs from the broker (MODELTIER_BROKER_URL); start any number"
        + needs_note("scale"))
    worker.add_argument("--concurrency", type=int, default=None,
                        help="job processes (default MODELTIER_WORKERS)")
    worker.add_argument("--pool", choices=("prefork", "threads", "solo"), default="prefork")
    worker.add_argument("--hostname", default=None, help="Celery node name")
    worker.add_argument("--no-reconcile", action="store_true",
                        help="do not run the periodic catch-up pass from this worker")
    worker.set_defaults(handler=_worker)

    reconcile = commands.add_parser(
        "reconcile",
        help="catch up: re-send stale jobs, redeliver failed deliveries, queue unchecked PRs"
        + needs_note("service"))
    reconcile.set_defaults(handler=_reconcile)
