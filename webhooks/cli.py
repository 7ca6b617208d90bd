"""Service commands of `modeltier` (serve, audit, db), added through the `modeltier.commands`
entry point so the core CLI never imports the web stack."""

from __future__ import annotations

import argparse
import csv
import datetime
import json
import sys
from typing import Any

from pydantic import ValidationError

__all__ = ["register"]


def _settings() -> Any:
    from webhooks.settings import Settings

    try:
        return Settings()
    except ValidationError as e:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'settings'}: {err['msg']}"
            for err in e.errors(include_url=False, include_input=False)
        )
        print(f"modeltier: error: invalid settings: {problems}", file=sys.stderr)
        raise SystemExit(2) from None


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from webhooks.app import create_app
    from webhooks.logs import configure

    settings = _settings()
    configure(settings.log_level, settings.secrets())
    uvicorn.run(create_app(settings), host=args.host, port=args.port, log_config=None,
                access_log=False)
    return 0


def _database_url() -> str:
    import os

    return os.environ.get("MODELTIER_DATABASE_URL", "sqlite:///modeltier.sqlite3")


def _audit(args: argparse.Namespace) -> int:
    from webhooks.store import Store

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
    store = Store(_database_url())
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
    from webhooks.store import Store

    store = Store(_database_url())
    try:
        store.upgrade()
    finally:
        store.dispose()
    print("database schema is up to date")
    return 0


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    serve = commands.add_parser("serve", help="run the GitHub App webhook service")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.set_defaults(handler=_serve)

    audit = commands.add_parser("audit", help="print the decision and override history")
    audit.add_argument("--repo", metavar="OWNER/NAME")
    audit.add_argument("--since", metavar="DATE")
    audit.add_argument("--format", choices=("csv", "json"), default="csv")
    audit.set_defaults(handler=_audit)

    db = commands.add_parser("db", help="database schema")
    db_commands = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    upgrade = db_commands.add_parser("upgrade", help="create or migrate the schema")
    upgrade.set_defaults(handler=_db_upgrade)

    from webhooks.scale_cli import register as register_scale  # worker, reconcile

    register_scale(commands)
