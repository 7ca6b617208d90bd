"""The webhook service: verify, record, acknowledge; the work happens in the job workers.

`POST /webhooks/github` checks the signature over the raw body before anything else, records the
delivery and its job in one transaction (the embedded service: the delivery into its inbox, the
worker process makes the job), wakes a worker and answers 202. A redelivery (same
X-GitHub-Delivery) is acknowledged and not processed again. In broker mode (MODELTIER_BROKER_URL)
no worker runs here: the job id goes to the broker once GitHub has its answer (webhooks/queue.py).
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, PlainTextResponse
from prometheus_client import generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from starlette.background import BackgroundTask

from bot.github.pygithub import Connection
from bot.time_limit import TimedDecider
from policies.loader import default_policy
from webhooks.compliance.pages import add_compliance
from webhooks.events import EventError, metric_event, route_json
from webhooks.logs import AccessLog, bind
from webhooks.metrics import Merged, Metrics
from webhooks.runtime.embedded import WorkerProcess
from webhooks.runtime.jobs import JobRunner, WorkerPool, connect_github
from webhooks.runtime.store import (
    BACKSTOP_CHECKPOINT_PAGES,
    SQLITE_CHECKPOINT_PAGES,
    Delivery,
    Store,
)
from webhooks.settings import Settings
from webhooks.signature import SignatureError, verify_signature

if TYPE_CHECKING:
    from webhooks.runtime.queue import Dispatcher

__all__ = ["MAX_BODY_BYTES", "MAX_JSON_DEPTH", "GroupCommit", "Service", "create_app"]

MAX_BODY_BYTES = 25 * 1024 * 1024
#: Deepest JSON nesting accepted; GitHub's payloads stay under 10 levels. Checked before parsing:
#: Python's parser would recurse once per level.
MAX_JSON_DEPTH = 64
#: The database's columns for the X-GitHub-Event and X-GitHub-Delivery values
MAX_HEADER_VALUE = 64
_NOT_STRUCTURE = bytes(b for b in range(256) if b not in b'"[]{}')
#: a backslash and the character it escapes (the first of `\uXXXX`'s, whose rest is hexadecimal)
_ESCAPE = re.compile(rb"\\.", re.DOTALL)
#: how often, and how long apart, the acknowledgement tries SQLite's write turn on its event loop
TURN_TRIES, TURN_WAIT = 20, 0.001
log = logging.getLogger("modeltier.webhooks")


class GroupCommit:
    """The acknowledgements' inserts, committed together (group commit): on SQLite, records
    that arrive while the event loop is busy (reading, verifying and routing other deliveries)
    go into one transaction, on one write turn, with one commit; each request is answered once
    that commit is done, never before. A transaction costs more than its inserts (the commit
    writes the log, the turn is two `flock` calls), and while a worker holds the turn one batch
    waits for it, not every request polling on its own. On PostgreSQL each record is its own
    transaction, in a thread, as the database takes concurrent writers itself.

    `inbox` (the embedded service, whose worker process creates the jobs): the records go into
    the inbox only this process writes (`Store.accept_deliveries`), on the event loop, and never
    wait for the store's write turn; their job ids are not known yet (None)."""

    def __init__(self, store: Store, *, inbox: bool = False) -> None:
        self.store = store
        self.inbox = inbox
        self._pending: list[tuple[Delivery, asyncio.Future[tuple[bool, int | None]]]] = []
        self._flushing = False
        self._task: asyncio.Task[None] | None = None  # the loop keeps only a weak reference

    async def record(self, record: Delivery) -> tuple[bool, int | None]:
        """`Store.record_delivery` of `record`, once its transaction is committed."""
        if not self.inbox and not self.store.takes_turns:
            return await run_in_threadpool(self.store.record_delivery, *record)
        loop = asyncio.get_running_loop()
        future: asyncio.Future[tuple[bool, int | None]] = loop.create_future()
        self._pending.append((record, future))
        if not self._flushing:
            # it starts after the callbacks already due: requests whose bodies are in join it
            self._flushing = True
            self._task = loop.create_task(self._flush())
        return await future

    async def _flush(self) -> None:
        try:
            while self._pending:
                batch, self._pending = self._pending, []
                try:
                    results = await self._commit([record for record, _ in batch])
                except BaseException as e:
                    for _, future in batch:
                        if not future.done():
                            future.set_exception(e)
                    if not isinstance(e, Exception):
                        raise
                else:
                    for (_, future), result in zip(batch, results, strict=True):
                        if not future.done():
                            future.set_result(result)
        finally:
            self._flushing = False

    async def _commit(self, records: list[Delivery]) -> list[tuple[bool, int | None]]:
        """On the event loop while SQLite's write turn is free or soon free (the worker
        process's transactions are short: waiting a millisecond at a time lets the loop serve
        other requests, and costs less than a hop to a thread and back); otherwise in a
        thread."""
        if self.inbox:
            return [(new, None) for new in self.store.accept_deliveries(records)]
        recorded = self.store.record_deliveries_if_free(records)
        if recorded is not None:
            return recorded
        with self.store.acknowledging():  # the worker process's writers let it go first
            for _ in range(TURN_TRIES - 1):
                await asyncio.sleep(TURN_WAIT)
                recorded = self.store.record_deliveries_if_free(records)
                if recorded is not None:
                    return recorded
            return await run_in_threadpool(self.store.record_deliveries, records)


class Service:
    """Everything one running instance holds: settings, store, GitHub connection, workers."""

    def __init__(
        self, settings: Settings, *, store: Store | None = None,
        connection: Connection | None = None, workers: bool = True,
        worker_process: bool = False,
    ) -> None:
        """`workers`: run the jobs here (unless a broker is configured); `worker_process`: in a
        child process (`modeltier serve`) rather than in threads of this one."""
        self.settings = settings
        self.metrics = Metrics()
        # the worker child checkpoints SQLite's WAL, off the acknowledgement's write turn
        self.store = store or Store(settings.database_url, checkpoint_pages=(
            BACKSTOP_CHECKPOINT_PAGES if worker_process else SQLITE_CHECKPOINT_PAGES))
        self.connection = connection or connect_github(settings)
        self.connection.on_response = self.metrics.github_response
        self.runner = JobRunner(self.store, self.connection, self.metrics,
                                TimedDecider(settings.analysis_timeout()))
        # Broker mode: Celery workers (`modeltier worker`) run the jobs, this process sends them.
        self.dispatcher: Dispatcher | None = None
        if settings.broker_url:
            from webhooks.runtime.queue import Dispatcher

            self.dispatcher = Dispatcher.from_settings(settings)
        # the worker process makes the jobs of what the web process keeps in its inbox
        self.acks = GroupCommit(self.store, inbox=(
            worker_process and workers and self.dispatcher is None and self.store.keeps_inbox))
        self.pool: WorkerPool | WorkerProcess | None = None
        if workers and self.dispatcher is None:
            self.pool = WorkerProcess(settings) if worker_process else WorkerPool(
                self.store, self.runner, self.metrics, threads=settings.workers,
                lease_seconds=settings.job_lease_seconds, max_attempts=settings.max_attempts,
            )
        override = default_policy().enforcement.override
        self.override_label = override.label
        self.override_command = override.command

    def start(self) -> None:
        self.store.upgrade()
        if not self.acks.inbox:
            # an embedded install run before in its default mode (an inbox beside the SQLite
            # file) and restarted with threads, no workers or a broker: what that inbox still
            # holds was acknowledged, so it becomes jobs here (a broker's reconciler sends them)
            while self.store.move_inbox():
                pass
        # embedded: any job left running was this process's own (a worker process puts them
        # back itself, at each of its starts)
        if self.dispatcher is None and not isinstance(self.pool, WorkerProcess):
            recovered = self.store.recover()
            if recovered:
                log.info("resuming jobs left running by a previous process",
                         extra={"jobs": recovered})
        if self.pool is not None:
            self.pool.start()

    def stop(self) -> None:
        if self.pool is not None:
            self.pool.stop()
        self.runner.close()


def _reject(status: int, reason: str) -> JSONResponse:
    return JSONResponse({"error": reason}, status_code=status)


async def _read_body(request: Request) -> bytes | None:
    """The raw body, or None past the 25 MB GitHub itself never exceeds."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        return None
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _nested_deeper_than(body: bytes, limit: int) -> bool:
    """Whether the JSON text nests arrays and objects deeper than `limit`, found without
    parsing it, in C: escape sequences dropped (each quote left opens or closes a string), all
    but quotes and brackets dropped, the strings (and the brackets in them) dropped, then
    innermost pairs removed one level per round. Two quotes side by side enclose no bracket
    (an empty string, or the gap between two strings): most quotes go as such pairs first,
    which costs less than splitting on every one."""
    if b"\\" in body:
        body = _ESCAPE.sub(b"", body)
    marks = body.translate(None, _NOT_STRUCTURE).replace(b'""', b"")
    brackets = b"".join(marks.split(b'"')[::2])
    for _ in range(limit):
        if not brackets:
            return False
        shorter = brackets.replace(b"[]", b"").replace(b"{}", b"")
        if len(shorter) == len(brackets):
            return False  # unbalanced: not JSON, which the parser will say
        brackets = shorter
    return bool(brackets)


async def get_service(request: Request) -> Service:
    """Async, so that FastAPI calls it on the event loop rather than in a thread-pool hop."""
    return request.app.state.service  # type: ignore[no-any-return]


ServiceDep = Annotated[Service, Depends(get_service)]


def create_app(settings: Settings, service: Service | None = None) -> FastAPI:
    service = service or Service(settings)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await run_in_threadpool(service.start)
        yield
        await run_in_threadpool(service.stop)

    app = FastAPI(title="modeltier", lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.service = service
    app.add_middleware(AccessLog, path="/webhooks/github")

    async def receive(request: Request) -> JSONResponse:
        """`POST /webhooks/github`: a plain Starlette route, headers read by hand (FastAPI's
        parameter and dependency solving cost the acknowledgement a third of its time)."""
        started = time.perf_counter()
        svc: Service = request.app.state.service
        x_github_event = request.headers.get("x-github-event")
        x_github_delivery = request.headers.get("x-github-delivery")
        x_hub_signature_256 = request.headers.get("x-hub-signature-256")
        # Until the signature verifies, nothing the sender chose becomes a metric label: each
        # new value would be a new time series kept for the life of the process.
        body = await _read_body(request)
        if body is None:
            svc.metrics.deliveries.labels(event="unverified", outcome="too_large").inc()
            return _reject(413, "payload larger than 25 MB")
        try:
            verify_signature(body, x_hub_signature_256,
                             svc.settings.webhook_secret.get_secret_value())
        except SignatureError as e:
            svc.metrics.deliveries.labels(event="unverified", outcome="bad_signature").inc()
            log.warning("delivery rejected: %s", e, extra={"delivery": x_github_delivery})
            return _reject(401, str(e))
        event = metric_event(x_github_event)
        if not x_github_event or not x_github_delivery:
            svc.metrics.deliveries.labels(event=event, outcome="bad_payload").inc()
            return _reject(400, "missing X-GitHub-Event or X-GitHub-Delivery header")
        if len(x_github_event) > MAX_HEADER_VALUE or len(x_github_delivery) > MAX_HEADER_VALUE:
            svc.metrics.deliveries.labels(event=event, outcome="bad_payload").inc()
            return _reject(400, "X-GitHub-Event or X-GitHub-Delivery longer than "
                                f"{MAX_HEADER_VALUE} characters")
        with bind(delivery=x_github_delivery, event=x_github_event):
            try:
                if _nested_deeper_than(body, MAX_JSON_DEPTH):
                    raise EventError(f"body nested deeper than {MAX_JSON_DEPTH} levels")
                routing = route_json(x_github_event, body, override_label=svc.override_label,
                                     override_command=svc.override_command)
            except (ValueError, RecursionError, EventError) as e:
                svc.metrics.deliveries.labels(event=event, outcome="bad_payload").inc()
                reason = str(e) if isinstance(e, EventError) else "body is not valid JSON"
                return _reject(400, reason)
            if routing.installation is not None:
                await run_in_threadpool(svc.store.record_installation, **routing.installation)
            record = (x_github_delivery, x_github_event, routing.action, routing.repo,
                      routing.job)
            new, job_id = await svc.acks.record(record)
            svc.metrics.ack_latency.observe(time.perf_counter() - started)
            if not new:
                svc.metrics.deliveries.labels(event=event, outcome="duplicate").inc()
                return JSONResponse({"status": "duplicate"}, status_code=200)
            if routing.job is None:
                svc.metrics.deliveries.labels(event=event, outcome="ignored").inc()
                return JSONResponse({"status": "ignored", "reason": routing.ignored},
                                    status_code=200)
            svc.metrics.deliveries.labels(event=event, outcome="queued").inc()
            if svc.pool is not None:
                svc.pool.wake()
            send = None
            if svc.dispatcher is not None:
                # After the commit and the answer; if the broker fails, the reconciler sends it.
                assert job_id is not None  # no inbox in broker mode: the job is made here
                installation = (routing.job or {}).get("installation_id")
                send = BackgroundTask(svc.dispatcher.send, job_id, installation)
            request.state.access_log = {"repo": routing.repo, "job": job_id}  # one line each
            return JSONResponse({"status": "queued", "job": job_id}, status_code=202,
                                background=send)

    app.add_route("/webhooks/github", receive, methods=["POST"])  # first: matched first
    add_compliance(app, settings, service.store, service.connection)  # /audit

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz")
    def readyz(svc: ServiceDep) -> JSONResponse:
        if not svc.store.ping():
            return _reject(503, "database unreachable")
        if svc.dispatcher is not None and not svc.dispatcher.ping():
            return _reject(503, "broker unreachable")
        return JSONResponse({"status": "ready"})

    @app.get("/metrics")
    def metrics(svc: ServiceDep) -> PlainTextResponse:
        svc.metrics.pending_jobs.set(svc.store.count_jobs("pending"))
        svc.metrics.observe_jobs(svc.store.job_stats(),
                                 svc.dispatcher.depth() if svc.dispatcher is not None else None)
        registry: Any = svc.metrics.registry
        if isinstance(svc.pool, WorkerProcess):
            registry = Merged(registry, svc.pool.metric_families())
        return PlainTextResponse(generate_latest(registry),
                                 media_type=CONTENT_TYPE_LATEST)

    return app
