"""The service under test runs under uvicorn on a loopback port and talks, through PyGithub, to
the fake GitHub server; deliveries are signed and shaped as GitHub sends them."""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import hmac
import itertools
import json
import logging
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
import uvicorn

from tests.fakegithub import FakeGitHub
from webhooks.app import Service, create_app
from webhooks.settings import Settings

SECRET = "It's a Secret to Everybody"
REPO = "octo/app"
INSTALLATION = 42
#: a change to a login view: critical (authentication) under the default policy
AUTH_PATCH = (
    "@@ -10,3 +10,4 @@ def login(request):\n"
    "     user = authenticate(request, username=u, password=p)\n"
    "-    if user is None:\n"
    "+    if user is None or not user.is_active:\n"
    "+        request.session.flush()\n"
    "         return HttpResponseForbidden()\n"
)
POSTGRES_URL = os.environ.get(
    "MODELTIER_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def _postgres_available() -> bool:
    try:
        engine = sa.create_engine(POSTGRES_URL)
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        engine.dispose()
    except Exception:
        return False
    return True


@contextlib.contextmanager
def postgres_schema() -> Iterator[str]:
    """A PostgreSQL URL on a fresh schema of its own, dropped afterwards."""
    schema = f"t_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(POSTGRES_URL)
    with engine.begin() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    try:
        yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'modeltier.sqlite3'}"
        return
    if not _postgres_available():
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is required in CI and unreachable at {POSTGRES_URL}")
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_URL}")
    with postgres_schema() as url:
        yield url


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    with FakeGitHub() as server:
        server.add_repo(REPO, default_branch="main")
        server.add_installation(INSTALLATION, repos=[REPO])
        yield server


@pytest.fixture
def root_logging() -> Iterator[None]:
    """Logging as the test found it, put back after it: `webhooks.logs.configure` (which a command
    run in-process calls) puts a JSON handler on the root and the pool's loggers that writes to
    whatever `sys.stderr` is. Left in place, the later tests' services wrote their access lines
    through it, some while pytest's capture was suspended: JSON lines in pytest's own output."""
    loggers = [logging.getLogger(), *(v for v in logging.root.manager.loggerDict.values()
                                      if isinstance(v, logging.Logger))]
    saved = [(lg, lg.handlers[:], lg.level, lg.propagate) for lg in loggers]
    yield
    logging.captureWarnings(False)
    for logger, handlers, level, propagate in saved:
        logger.handlers, logger.propagate = handlers, propagate
        logger.setLevel(level)


class Running:
    """A service instance under uvicorn, and a client that signs deliveries for it."""

    def __init__(self, fake: FakeGitHub, settings: Settings, *,
                 worker_process: bool = False) -> None:
        self.fake = fake
        self.settings = settings
        self.service = Service(settings, worker_process=worker_process)
        app = create_app(settings, self.service)
        config = uvicorn.Config(app, host="127.0.0.1", port=0, log_config=None,
                                access_log=False, lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        # start-up upgrades the database and starts the workers: seconds on a loaded machine
        deadline = time.monotonic() + 60
        while not self.server.started:
            if not self.thread.is_alive():
                raise RuntimeError("service did not start: its server thread ended")
            if time.monotonic() > deadline:
                raise RuntimeError("service did not start within 60 s")
            time.sleep(0.01)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        self.http = httpx.Client(base_url=self.url, timeout=10)

    def stop(self) -> None:
        self.http.close()
        self.server.should_exit = True
        self.thread.join(30)  # shutdown drains the jobs in flight
        self.service.store.dispose()

    def send(self, event: str, payload: Any, *, delivery: str | None = None,
             secret: str | None = SECRET, body: bytes | None = None) -> httpx.Response:
        raw = body if body is not None else json.dumps(payload).encode()
        headers = {
            "X-GitHub-Event": event,
            "X-GitHub-Delivery": delivery or str(uuid.uuid4()),
            "User-Agent": "GitHub-Hookshot/test",
            "Content-Type": "application/json",
        }
        if secret is not None:
            digest = hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
            headers["X-Hub-Signature-256"] = f"sha256={digest}"
        return self.http.post("/webhooks/github", content=raw, headers=headers)

    def wait_idle(self, timeout: float = 60) -> None:
        """Until no job is pending or running (the workers have caught up). `timeout` is a bound
        for a loaded machine, not the expected time; on timeout the job counts are reported."""
        store = self.service.store
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            # pending again after running: a job that went running -> pending (a retry) between
            # the first two reads would otherwise look like no job at all
            if (store.count_jobs("pending") == 0 and store.count_jobs("running") == 0
                    and store.count_jobs("pending") == 0):
                return
            time.sleep(0.05)
        counts = {s: store.count_jobs(s) for s in ("pending", "running", "done", "dead")}
        raise AssertionError(f"jobs did not finish within {timeout} s: {counts}")


@pytest.fixture
def make_service(fake: FakeGitHub, database_url: str) -> Iterator[Callable[..., Running]]:
    started: list[Running] = []

    def make(*, worker_process: bool = False, **overrides: Any) -> Running:
        values: dict[str, Any] = {
            "webhook_secret": SECRET,
            "github_app_id": fake.app_id,
            "github_private_key": fake.app_private_key_pem,
            "github_api_url": fake.url,
            "database_url": database_url,
            "workers": 2,
            "github_max_wait": 2.0,
        }
        values.update(overrides)
        running = Running(fake, Settings(**values), worker_process=worker_process)
        started.append(running)
        return running

    yield make
    for running in started:
        running.stop()


def api_json(fake: FakeGitHub, path: str) -> Any:
    response = httpx.get(f"{fake.url}{path}", headers={"Authorization": f"token {fake.token}"})
    response.raise_for_status()
    return response.json()


def pr_payload(fake: FakeGitHub, number: int, action: str = "opened", **extra: Any) -> Any:
    """A pull_request delivery as an App receives it (with `installation`)."""
    return {
        "action": action,
        "number": number,
        "pull_request": api_json(fake, f"/repos/{REPO}/pulls/{number}"),
        "repository": api_json(fake, f"/repos/{REPO}"),
        "installation": {"id": INSTALLATION, "node_id": "MDIz"},
        "sender": {"login": "alice", "type": "User", "id": 1},
        **extra,
    }


_comment_ids = itertools.count(1001)


def comment_payload(fake: FakeGitHub, number: int, body: str, login: str, *,
                    action: str = "created", comment_id: int | None = None) -> Any:
    """An issue_comment delivery: a new comment (its own id) written now, unless told."""
    created_at = datetime.datetime.now(datetime.UTC).isoformat().replace("+00:00", "Z")
    return {
        "action": action,
        "issue": {"number": number, "pull_request": {"url": f"{fake.url}/repos/{REPO}/pulls/{number}"}},
        "comment": {"id": comment_id or next(_comment_ids), "body": body, "created_at": created_at,
                    "user": {"login": login, "type": "User", "id": 2}},
        "repository": api_json(fake, f"/repos/{REPO}"),
        "installation": {"id": INSTALLATION},
        "sender": {"login": login, "type": "User", "id": 2},
    }
