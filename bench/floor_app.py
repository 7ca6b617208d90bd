"""The floor bench/service.py compares the webhook service with: the least a webhook receiver that
keeps what it acknowledges can do, as a bare FastAPI app.

    MODELTIER_FLOOR_DB=/tmp/floor.sqlite3 MODELTIER_FLOOR_SECRET=s uvicorn bench.floor_app:app

`POST /webhooks/github` reads the body, checks its HMAC-SHA256 signature, inserts (delivery id,
event, body) into an SQLite file (WAL, synchronous=NORMAL, as the service's store) with one
connection on the event loop, and answers 202. No parsing, routing, logging or metrics: whatever
the service costs beyond this is its own.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import sqlite3

from fastapi import FastAPI, Request, Response

__all__ = ["app"]

_SECRET = os.environ["MODELTIER_FLOOR_SECRET"].encode()
_db = sqlite3.connect(os.environ["MODELTIER_FLOOR_DB"], isolation_level=None,
                      check_same_thread=False)
_db.execute("PRAGMA journal_mode=WAL")
_db.execute("PRAGMA synchronous=NORMAL")
_db.execute("CREATE TABLE IF NOT EXISTS deliveries "
            "(delivery_id TEXT PRIMARY KEY, event TEXT NOT NULL, body BLOB NOT NULL)")

app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)


@app.post("/webhooks/github")
async def receive(request: Request) -> Response:
    body = await request.body()
    expected = "sha256=" + hmac.new(_SECRET, body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, request.headers.get("x-hub-signature-256", "")):
        return Response(status_code=401)
    try:
        _db.execute("INSERT INTO deliveries VALUES (?, ?, ?)", (
            request.headers["x-github-delivery"], request.headers["x-github-event"], body))
    except sqlite3.IntegrityError:
        return Response(status_code=200)
    return Response(status_code=202)


@app.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}
