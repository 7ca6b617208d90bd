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
import json
import os
import sys
from typing import Any

from bot.extras import missing, require

__all__ = ["register"]

_DEFAULT_DATABASE_URL = "sqlite:///modeltier.sqlite3"


def _needs(extra: str) -> str:
    """Help text suffix for a command whose extra is not installed."""
    return f" (needs modeltier[{extra}])" if missing(extra) else ""


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

    from webhooks.app import create_app
    from webhooks.logs import configure

    settings = _settings()
    configure(settings.log_level, settings.secrets())
    uvicorn.run(create_app(settings), host=args.host, port=args.port, log_config=None,
                access_log=False)
    return 0


def _database_url(command: str) -> str:
    require("service", f"`modeltier {command}`")
    url = os.environ.get("MODELTIER_DATABASE_URL", _DEFAULT_DATABASE_URL)
    _require_database_driver(url)
    return url


def _audit(args: argparse.Namespace) -> int:
    url = _database_url("audit")
    from webhooks.runtime.store import Store

    since = None
    if args.since:
        try:
            since = datetime.datetime.fromisoformat(args.since)
        except ValueError:
            print(f"modeltier: error: --since {args.since!r} is not a date (YYYY-MM-DD)",
                  file=sys.stderr)
            return 2
        if since.tzinfo is None:
            since = since.replace(tzinfo=datetime.UTC)
    store = Store(url)
    try:
        store.upgrade()
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
    url = _database_url("db upgrade")
    from webhooks.runtime.store import Store

    store = Store(url)
    try:
        store.upgrade()
    finally:
        store.dispose()
    print("database schema is up to date")
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
    )
    try:
        worker.start()
    finally:
        if ticker is not None:
            ticker.stop()
    return int(worker.exitcode or 0)


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
        "serve", help="run the GitHub App webhook service" + _needs("service"))
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.set_defaults(handler=_serve)

    audit = commands.add_parser(
        "audit", help="print the decision and override history" + _needs("service"))
    audit.add_argument("--repo", metavar="OWNER/NAME")
    audit.add_argument("--since", metavar="DATE")
    audit.add_argument("--format", choices=("csv", "json"), default="csv")
    audit.set_defaults(handler=_audit)

    db = commands.add_parser("db", help="database schema" + _needs("service"))
    db_commands = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    upgrade = db_commands.add_parser("upgrade", help="create or migrate the schema")
    upgrade.set_defaults(handler=_db_upgrade)
    worker = commands.add_parser(
        "worker",
        help="run jobs from the broker (MODELTIER_BROKER_URL); start any number" + _needs("scale"))
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
        + _needs("service"))
    reconcile.set_defaults(handler=_reconcile)
