"""Service commands of broker mode: `modeltier worker` and `modeltier reconcile`."""

from __future__ import annotations

import argparse
import sys
from typing import Any

__all__ = ["register"]


def _settings() -> Any:
    from webhooks.cli import _settings as settings

    return settings()


def _worker(args: argparse.Namespace) -> int:
    from webhooks.logs import configure
    from webhooks.queue import CONTROL_QUEUE, JOB_QUEUE, Dispatcher, Ticker, create_celery
    from webhooks.store import Store

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
    from webhooks.jobs import connect_github
    from webhooks.logs import configure
    from webhooks.ratelimit import rate_gate
    from webhooks.reconcile import Reconciler, coordination
    from webhooks.store import Store

    settings = _settings()
    configure(settings.log_level, settings.secrets())
    store = Store(settings.database_url)
    store.upgrade()
    send = None
    if settings.broker_url:
        from webhooks.queue import Dispatcher

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
    worker = commands.add_parser(
        "worker", help="run jobs from the broker (MODELTIER_BROKER_URL); start any number")
    worker.add_argument("--concurrency", type=int, default=None,
                        help="job processes (default MODELTIER_WORKERS)")
    worker.add_argument("--pool", choices=("prefork", "threads", "solo"), default="prefork")
    worker.add_argument("--hostname", default=None, help="Celery node name")
    worker.add_argument("--no-reconcile", action="store_true",
                        help="do not run the periodic catch-up pass from this worker")
    worker.set_defaults(handler=_worker)

    reconcile = commands.add_parser(
        "reconcile",
        help="catch up: re-send stale jobs, redeliver failed deliveries, queue unchecked PRs")
    reconcile.set_defaults(handler=_reconcile)
