"""The service under uvicorn in a thread (as tests/webhooks/conftest.py runs it), with a probe that
shows where the acknowledgement time of a delivery goes.

`Probe` wraps the ASGI app: for each `POST /webhooks/github` it records when the request reached
the app, when routing returned (body read, signature, JSON, `route`), when `Store.record_delivery`
was entered (after the wait for a thread-pool thread), when it got a pooled database connection, when it returned, and when the
response started; it also samples the event loop's lag (a 5 ms sleep's overshoot). The instance's
`record_delivery` and `webhooks.app.route` are wrapped at run time (and `route` restored by
`close()`); the service's files are not changed.
"""

from __future__ import annotations

import asyncio
import contextvars
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import uvicorn
from sqlalchemy import event

from webhooks import app as app_module
from webhooks.app import Service, create_app
from webhooks.settings import Settings

__all__ = ["Probe", "ServiceThread", "Timing"]


@dataclass
class Timing:
    delivery: str
    arrived: float
    routed: float | None = None
    db_enter: float | None = None
    db_connected: float | None = None
    db_exit: float | None = None
    responded: float | None = None


class Probe:
    def __init__(self, app: Any, service: Service) -> None:
        self.app = app
        self.active = False
        self.timings: list[Timing] = []
        self.lag: list[float] = []
        self._current: contextvars.ContextVar[Timing | None] = contextvars.ContextVar(
            "bench_probe", default=None)
        store = service.store
        original = store.record_delivery
        current = self._current

        def record_delivery(*args: Any, **kwargs: Any) -> Any:
            timing = current.get()
            if timing is not None:
                timing.db_enter = time.perf_counter()
            try:
                return original(*args, **kwargs)
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
        original_route = app_module.route

        def route(*args: Any, **kwargs: Any) -> Any:
            try:
                return original_route(*args, **kwargs)
            finally:
                timing = current.get()
                if timing is not None:
                    timing.routed = time.perf_counter()

        app_module.route = route
        self._restore_route = lambda: setattr(app_module, "route", original_route)

    def close(self) -> None:
        self._restore_route()

    def reset(self) -> None:
        self.timings, self.lag = [], []

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
    """create_app(settings) under uvicorn on 127.0.0.1, ephemeral port, in a daemon thread."""

    def __init__(self, settings: Settings, wrap: Callable[[Any, Service], Any] | None = None):
        self.service = Service(settings)
        app: Any = create_app(settings, self.service)
        self.app = wrap(app, self.service) if wrap else app
        config = uvicorn.Config(self.app, host="127.0.0.1", port=0, log_config=None,
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

    def stop(self) -> None:
        if isinstance(self.app, Probe):
            self.app.close()
        self.server.should_exit = True
        self.thread.join(15)
        if self.thread.is_alive():  # the lifespan did not finish: stop the workers ourselves
            self.service.stop()
        self.service.store.dispose()
