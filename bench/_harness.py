"""The service under uvicorn on a loopback port, for bench/service.py, with a probe that shows where
the acknowledgement time of a delivery goes.

Two ways to run it, both `create_app(settings)` under uvicorn on 127.0.0.1 with an ephemeral port,
App mode, JSON logs at INFO into a file (as `modeltier serve` writes them to stderr):

- `ServiceThread`: in a thread of the benchmark's own process, as tests/webhooks/conftest.py runs
  it. The client threads, the fake GitHub and the service then share one interpreter (one GIL).
- `ServiceProcess`: the same in a child process (multiprocessing, spawn), as it is deployed: the
  service has an interpreter to itself. It is stopped through a pipe (and stops by itself if the
  benchmark dies: the pipe closes).

`Probe` wraps the ASGI app: for each `POST /webhooks/github` it records when the request reached
the app, when routing returned (body read, signature, JSON, `route`), when `Store.record_delivery`
was entered (after the wait for a thread-pool thread), when it had a pooled database connection,
when it returned, and when the response started; it also samples the event loop's lag (a 5 ms
sleep's overshoot). `record_delivery` (of the service's store instance) and `webhooks.app.route`
are wrapped at run time; no file of the service is changed.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import multiprocessing
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import uvicorn
from sqlalchemy import event

from webhooks import app as app_module
from webhooks.app import Service, create_app
from webhooks.logs import configure as configure_logs
from webhooks.runtime.store import Store
from webhooks.settings import Settings

__all__ = ["Probe", "ServiceProcess", "ServiceThread", "Timing", "log_to_file"]


@dataclass
class Timing:
    delivery: str
    arrived: float
    routed: float | None = None
    db_enter: float | None = None
    db_connected: float | None = None
    db_exit: float | None = None
    responded: float | None = None


def log_to_file(path: Path, secrets: list[str]) -> Callable[[], None]:
    """`modeltier serve`'s logging (JSON lines at INFO), into a file; returns an undo."""
    root = logging.getLogger()
    saved_handlers, saved_level = list(root.handlers), root.level
    configure_logs("INFO", secrets)
    stream = open(path, "a", encoding="utf-8")  # noqa: SIM115 - closed by the undo
    for handler in root.handlers:
        if isinstance(handler, logging.StreamHandler):
            handler.setStream(stream)

    def undo() -> None:
        root.handlers = saved_handlers
        root.setLevel(saved_level)
        stream.close()

    return undo


class Probe:
    def __init__(self, app: Any, service: Service) -> None:
        self.app = app
        self.active = False
        self.timings: list[Timing] = []
        self.lag: list[float] = []
        current: contextvars.ContextVar[Timing | None] = contextvars.ContextVar(
            "bench_probe", default=None)
        self._current = current
        store = service.store
        original_record = store.record_delivery

        def record_delivery(*args: Any, **kwargs: Any) -> Any:
            timing = current.get()
            if timing is not None:
                timing.db_enter = time.perf_counter()
            try:
                return original_record(*args, **kwargs)
            finally:
                if timing is not None:
                    timing.db_exit = time.perf_counter()

        store.record_delivery = record_delivery  # type: ignore[method-assign]

        def checkout(*_: Any) -> None:
            timing = current.get()
            if timing is not None and timing.db_connected is None:
                timing.db_connected = time.perf_counter()

        event.listen(store.engine, "checkout", checkout)

        # The handler calls `route` (a module global of webhooks.app) right before it hands
        # record_delivery to the thread pool: note when routing returned.
        namespace = vars(app_module)
        original_route = namespace["route"]

        def route(*args: Any, **kwargs: Any) -> Any:
            try:
                return original_route(*args, **kwargs)
            finally:
                timing = current.get()
                if timing is not None:
                    timing.routed = time.perf_counter()

        namespace["route"] = route

        def restore() -> None:
            namespace["route"] = original_route

        self._restore_route: Callable[[], None] = restore

    def close(self) -> None:
        self._restore_route()

    def start(self) -> None:
        self.timings, self.lag = [], []
        self.active = True

    def stop(self) -> tuple[list[Timing], list[float]]:
        self.active = False
        return list(self.timings), list(self.lag)

    async def _monitor(self) -> None:
        while True:
            started = time.perf_counter()
            await asyncio.sleep(0.005)
            if self.active:
                self.lag.append(time.perf_counter() - started - 0.005)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            monitor = asyncio.ensure_future(self._monitor())
            try:
                await self.app(scope, receive, send)
            finally:
                monitor.cancel()
            return
        if not (self.active and scope["type"] == "http" and scope["path"] == "/webhooks/github"):
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        timing = Timing(headers.get(b"x-github-delivery", b"").decode(), time.perf_counter())
        self._current.set(timing)

        async def timed_send(message: Any) -> None:
            if message["type"] == "http.response.start":
                timing.responded = time.perf_counter()
            await send(message)

        await self.app(scope, receive, timed_send)
        self.timings.append(timing)


class ServiceThread:
    """The service (with a Probe) under uvicorn in a daemon thread of this process."""

    mode = "thread"

    def __init__(self, settings: dict[str, Any], log_file: Path | None = None) -> None:
        self._undo_logs = log_to_file(log_file, [settings["webhook_secret"]]) if log_file else None
        self.service = Service(Settings(**settings))
        self.probe = Probe(create_app(self.service.settings, self.service), self.service)
        config = uvicorn.Config(self.probe, host="127.0.0.1", port=0, log_config=None,
                                access_log=False, lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name="uvicorn", daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                self.stop()
                raise RuntimeError("the service did not start")
            time.sleep(0.01)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        self.store = self.service.store

    def probe_start(self) -> None:
        self.probe.start()

    def probe_stop(self) -> tuple[list[Timing], list[float]]:
        return self.probe.stop()

    def stop(self) -> None:
        self.probe.close()
        self.server.should_exit = True
        self.thread.join(15)
        if self.thread.is_alive():  # the lifespan did not finish: stop the workers ourselves
            self.service.stop()
        self.service.store.dispose()
        if self._undo_logs is not None:
            self._undo_logs()
            self._undo_logs = None


def _child(settings: dict[str, Any], log_file: str | None, conn: Any) -> None:
    """The child process of ServiceProcess: run the service, answer the parent's commands."""
    service = None
    try:
        service = ServiceThread(settings, Path(log_file) if log_file else None)
        conn.send(("ready", service.url))
        while True:
            try:
                command = conn.recv()
            except (EOFError, OSError):  # the parent is gone
                return
            if command == "probe_start":
                service.probe_start()
                conn.send(("ok", None))
            elif command == "probe_stop":
                conn.send(("ok", service.probe_stop()))
            elif command == "stop":
                return
    except KeyboardInterrupt:  # Ctrl-C reaches the whole process group: just stop
        return
    except Exception as e:
        try:
            conn.send(("error", f"{type(e).__name__}: {e}"))
        except (OSError, ValueError):
            pass
    finally:
        if service is not None:
            service.stop()
        conn.close()


class ServiceProcess:
    """The service (with a Probe) in a child process; the store is opened here too (read-only
    use: counting jobs, checking results)."""

    mode = "process"

    def __init__(self, settings: dict[str, Any], log_file: Path | None = None) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, child_conn = context.Pipe()
        self.process = context.Process(
            target=_child, args=(settings, str(log_file) if log_file else None, child_conn),
            name="modeltier-service", daemon=True,
        )
        self.process.start()
        child_conn.close()
        kind, value = self._answer(timeout=60)
        if kind != "ready":
            self.stop()
            raise RuntimeError(f"the service did not start: {value}")
        self.url = value
        self.store = Store(settings["database_url"])

    def _answer(self, timeout: float) -> tuple[str, Any]:
        if not self._conn.poll(timeout):
            raise RuntimeError("the service process did not answer")
        try:
            kind, value = self._conn.recv()
        except EOFError:
            raise RuntimeError(
                f"the service process died (exit {self.process.exitcode})") from None
        if kind == "error":
            raise RuntimeError(f"the service process failed: {value}")
        return kind, value

    def probe_start(self) -> None:
        self._conn.send("probe_start")
        self._answer(timeout=30)

    def probe_stop(self) -> tuple[list[Timing], list[float]]:
        self._conn.send("probe_stop")
        return self._answer(timeout=30)[1]  # type: ignore[no-any-return]

    def stop(self) -> None:
        try:
            if self.process.is_alive():
                self._conn.send("stop")
        except (OSError, ValueError):
            pass
        self.process.join(20)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(5)
        self._conn.close()
        store = getattr(self, "store", None)
        if store is not None:
            store.dispose()
