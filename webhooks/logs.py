"""Structured logs: one JSON object per line on standard error, from every library (uvicorn,
PyGithub, alembic, Celery, Python warnings), through python-json-logger's formatter; the delivery,
repository and PR in context; no terminal colour codes; every configured secret, and any GitHub
token, redacted before a line is written. `AccessLog` writes one line per webhook delivery.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TextIO

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter as _LibraryJsonFormatter

__all__ = ["AccessLog", "JsonFormatter", "add_secrets", "bind", "configure"]

_context: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar(
    "modeltier_log", default=None
)
#: ANSI terminal escapes (colours), which some libraries put in their messages
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
#: GitHub tokens of every kind: personal, OAuth, user-to-server, installation, refresh, fine-grained
_GITHUB_TOKEN = re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9_]{20,}|github_pat_[A-Za-z0-9_]{20,})")
#: a PEM private key, as it appears inside a JSON string (newlines escaped) or raw
_PRIVATE_KEY = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?-----END [A-Z ]*PRIVATE KEY-----",
                          re.DOTALL)
REDACTED = "[REDACTED]"
#: billiard's (Celery's process pool) logger: billiard turns its propagation off when it first
#: uses it, after start-up, so its records ("Process ... exited with signal 15") would reach
#: logging's last-resort handler as raw text; it gets the JSON handler itself
_POOL_LOGGER = "multiprocessing"
#: libraries that install handlers of their own: their records go to the root handler instead
_LIBRARY_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access", "celery", "celery.app.trace",
                    "celery.worker", "celery.redirected", "alembic", "github", "py.warnings")


@contextmanager
def bind(**fields: Any) -> Iterator[None]:
    """Add fields (delivery, repo, pr) to every log line written inside the block."""
    current = _context.get() or {}
    token = _context.set({**current, **{k: v for k, v in fields.items() if v is not None}})
    try:
        yield
    finally:
        _context.reset(token)


class JsonFormatter(_LibraryJsonFormatter):
    """python-json-logger's formatter with modeltier's fields: `time`, `level`, `logger`,
    `message`, the bound context, the record's extras; colour codes stripped, secrets redacted."""

    def __init__(self, secrets: Sequence[str] = ()) -> None:
        super().__init__(
            "%(levelname)s %(name)s %(message)s",
            rename_fields={"levelname": "level", "name": "logger", "exc_info": "exception"},
            timestamp="time",
            # uvicorn's `color_message` repeats the message with terminal colour codes
            reserved_attrs=[*RESERVED_ATTRS, "color_message"],
        )
        self.secrets = list(secrets)

    def add_fields(
        self, log_data: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]
    ) -> None:
        super().add_fields(log_data, record, message_dict)
        log_data["level"] = record.levelname.lower()
        for key, value in (_context.get() or {}).items():
            log_data.setdefault(key, value)
        message = log_data.get("message")
        if isinstance(message, str) and "\x1b" in message:
            log_data["message"] = _ANSI.sub("", message)

    def format(self, record: logging.LogRecord) -> str:
        return self.redact(super().format(record))

    @property
    def secrets(self) -> list[str]:
        return self._secrets

    @secrets.setter
    def secrets(self, values: Sequence[str]) -> None:
        self._secrets = sorted({s for s in values if s}, key=len, reverse=True)
        # each as written and as it appears inside a JSON string, computed once
        needles = {*self._secrets, *(json.dumps(s)[1:-1] for s in self._secrets)}
        self._needles = sorted(needles, key=len, reverse=True)

    def redact(self, line: str) -> str:
        for needle in self._needles:
            if needle in line:
                line = line.replace(needle, REDACTED)
        if "gh" in line or "github_pat_" in line:  # what every token starts with, found in C
            line = _GITHUB_TOKEN.sub(REDACTED, line)
        if "PRIVATE KEY" in line:
            line = _PRIVATE_KEY.sub(REDACTED, line)
        return line


class _Stderr(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever `sys.stderr` is at the time of each record (never to a stream that was
    replaced and closed since, as a test's captured stderr is), unless given a stream of its own
    (`setStream`, e.g. a benchmark's log file)."""

    _own: TextIO | None = None

    @property
    def stream(self) -> TextIO:
        return self._own if self._own is not None else sys.stderr

    @stream.setter
    def stream(self, value: TextIO | None) -> None:
        self._own = None if value is None or value is sys.stderr else value


def configure(level: str, secrets: Sequence[str] = ()) -> None:
    """Send every logger's records, as JSON lines, to standard error."""
    handler = _Stderr()
    handler.setFormatter(JsonFormatter(secrets))
    root = logging.getLogger()
    for old in root.handlers:
        old.close()
    root.handlers = [handler]
    root.setLevel(level.upper())
    for name in _LIBRARY_LOGGERS:
        logger = logging.getLogger(name)
        logger.handlers = []
        logger.setLevel(logging.NOTSET)  # PyGithub pins its logger at INFO on import
        logger.propagate = True
    pool = logging.getLogger(_POOL_LOGGER)
    pool.handlers = [handler]
    pool.setLevel(logging.NOTSET)
    pool.propagate = False  # as billiard sets it: the handler above writes each record once
    logging.captureWarnings(True)  # `warnings` (PyGithub's deprecations) as JSON lines too


def add_secrets(secrets: Sequence[str]) -> None:
    """Redact these too from now on (credentials that arrive after start-up, e.g. by /setup)."""
    for handler in logging.getLogger().handlers:
        formatter = handler.formatter
        if isinstance(formatter, JsonFormatter):
            formatter.secrets = [*formatter.secrets, *secrets]


#: the request headers the access line names
_ACCESS_HEADERS = frozenset({b"x-github-delivery", b"x-github-event"})


def _text(value: bytes | None) -> str | None:
    return value.decode("latin-1") if value is not None else None


class AccessLog:
    """ASGI middleware: one line per request to `path` (the webhook endpoint) with the delivery
    id, event, status and latency, and the repository and job the handler queued. A pure ASGI
    wrapper that writes the line once the response is sent (about 0.04 ms of CPU; nothing, not
    even the headers' scan, while INFO is off)."""

    def __init__(self, app: Any, path: str) -> None:
        self.app = app
        self.path = path
        self.log = logging.getLogger("modeltier.access")

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["path"] != self.path:
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def respond(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, respond)
        finally:
            if self.log.isEnabledFor(logging.INFO):
                self._line(scope, status, started)

    def _line(self, scope: dict[str, Any], status: int, started: float) -> None:
        headers = {k.lower(): v for k, v in scope.get("headers", ())
                   if k.lower() in _ACCESS_HEADERS}
        fields = {
            "method": scope.get("method"), "path": scope["path"], "status": status,
            "delivery": _text(headers.get(b"x-github-delivery")),
            "event": _text(headers.get(b"x-github-event")),
            "latency_ms": round((time.perf_counter() - started) * 1000, 2),
            # what the handler adds (`request.state.access_log`: the repository and job)
            **scope.get("state", {}).get("access_log", {}),
        }
        # the record made and handled as `info` would, without its walk of the call stack for
        # a source file and line that the JSON line does not show (a sixth of the line's CPU)
        self.log.handle(self.log.makeRecord(
            self.log.name, logging.INFO, __file__, 0, "webhook", (), None, extra=fields))
