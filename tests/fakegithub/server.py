"""A fake GitHub REST API server for tests and benchmarks.

``FakeGitHub`` is a real HTTP/1.1 server on loopback (stdlib ``ThreadingHTTPServer`` in a
background thread, ephemeral port) that answers with GitHub's paths, JSON shapes, headers and
status codes closely enough that PyGithub 2.x pointed at it with ``base_url=fake.url`` works
unchanged, exactly as against GitHub Enterprise (``https://HOST/api/v3``). All state sits behind
one re-entrant lock (``fake.lock``); only stdlib + PyJWT/cryptography are used.

Quick start::

    with FakeGitHub() as fake:                       # start() / stop() also available
        fake.add_repo("octo/app", default_branch="main")
        fake.set_file("octo/app", ref="main", path=".github/modeltier.yml", content="tier: x")
        fake.add_pull("octo/app", number=7, title="Fix", user_login="alice",
                      files=[{"filename": "a.py", "patch": "@@ -1 +1,2 @@\\n a\\n+b"}])
        fake.add_installation(42, repos=["octo/app"])
        gi = github.GithubIntegration(
            auth=github.Auth.AppAuth(fake.app_id, fake.app_private_key_pem), base_url=fake.url)
        gh = gi.get_github_for_installation(42)      # or Github(auth=Token(fake.token), ...)
        gh.get_repo("octo/app").get_pull(7).create_issue_comment("hello")
        assert fake.comments("octo/app", 7)[0]["user"]["login"] == "modeltier[bot]"

Construction
    ``FakeGitHub(*, app_id=123456, app_slug="modeltier", app_name=None, client_id=None,
    app_private_key_pem=None, app_public_key_pem=None, token="ghp_test", token_login="octocat",
    allow_anonymous=False, path_prefix="", host="127.0.0.1", port=0, rate_limit=5000,
    installation_token_ttl=3600.0, jwt_leeway=60.0, max_log=None)``.
    Without keys a (cached, process-wide) RSA pair is generated: ``fake.app_private_key_pem`` /
    ``fake.app_public_key_pem``; ``generate_rsa_keypair()`` makes a fresh pair (e.g. a "wrong"
    key). ``path_prefix="/api/v3"`` serves under a GHE-style prefix. ``fake.url`` is the API base
    URL (``http://127.0.0.1:PORT[prefix]``), ``fake.web_url`` the "html" root, ``fake.bot_login``
    the app's bot login (``<slug>[bot]``), ``fake.token`` the default personal token.

Seeding state (all return live dataclass handles from ``_state``; mutate via these methods)
    ``add_repo(full_name, *, default_branch="main", private=False, owner_type="Organization",
    description=None, default_branch_sha=None) -> RepoState``;
    ``set_branch(repo, branch, sha)``; ``set_file(repo, *, path, content, ref=None)`` (ref = branch
    name or sha, default branch when None; a branch and the sha it points at share files);
    ``set_files(repo, files: dict, *, ref=None)``; ``delete_file(repo, *, path, ref=None)``;
    ``add_user(login, *, type="User", name=None, email=None)``; ``add_token(token, login)``;
    ``add_issue(repo, number=None, *, title, body, user_login, labels)``;
    ``add_pull(repo, number=None, *, title, body, user_login="octocat", head_sha,
    head_ref="feature", base_ref, base_sha, head_repo=None (a fork's full name), labels, draft,
    state="open",
    files=[{"filename", "status", "additions", "deletions", "patch", "previous_filename", "sha"}],
    commits=[{"sha", "message", "author_name", "author_email", "author_login", "date"}],
    author_association=None, mergeable=True) -> PullState`` -- a file dict without ``"patch"`` (or
    with ``patch=None``) means GitHub omitted the patch; additions/deletions default to counts
    from the patch;
    ``update_pull(repo, number, **fields)`` (title, body, state, draft, labels, base_ref, base_sha,
    head_ref, merged, mergeable); ``set_pull_files(repo, number, files)``;
    ``push(repo, number, head_sha, *, files=None, commits=None, message=None)`` (a "synchronize":
    new head, appended commits, optionally new files);
    ``set_compare(repo, base, head, *, files=(), commits=None, status=None, behind_by=0,
    merge_base=None) -> ComparisonState`` seeds ``GET /repos/{o}/{r}/compare/{base}...{head}``
    (without a seed, a PR with exactly that base and head sha answers with its files and commits,
    equal refs answer ``identical``, anything else 404 "No common ancestor");
    ``set_permission(repo, login, role, *, base_role=None)`` with role admin | maintain | write |
    triage | read | none (or a custom role name plus ``base_role``);
    ``add_installation(installation_id, repos=None, *, account=None, permissions=None,
    events=None, all_repos=False)``; ``suspend_installation(id, suspended=True)``;
    ``remove_installation(id)``; ``installation_token(id, *, repos=None, permissions=None) -> str``;
    ``expire_tokens(installation_id=None)``;
    ``add_hook_delivery(*, event, action, status_code=200, guid=None, installation_id=None,
    repository=None, payload=None, redelivery=False) -> int``.

Inspecting results (snapshots, safe from any thread)
    ``requests`` / ``request_log(method=None, path_prefix=None)`` -> list[RecordedRequest] (method,
    path relative to the API root without query, query dict, lower-cased headers, json body, raw
    body, time, status, identity, injected); ``count(method=None, path_prefix=None, *,
    path_contains=None, status=None, identity=None) -> int``; ``reset_counts()`` (clears the log);
    ``comments(repo, number)``; ``check_runs(repo, head_sha=None, name=None)`` (API shape plus
    ``annotations`` accumulated across all requests and ``updates``); ``labels_on(repo, number)``
    (sorted names); ``statuses(repo, sha=None)``; ``pull(repo, number)``;
    ``requested_reviewers(repo, number) -> (logins, team slugs)``; ``redeliveries()``;
    ``rate_limit_remaining(identity)``; ``server_errors()`` (internal exceptions; should be empty).

Signing users in (``fake.oauth``, see ``_oauth``)
    web pages ``GET /login/oauth/authorize`` (GitHub's sign-in page: one link per user added with
    ``add_oauth_user(login)``; ``login=<user>`` redirects straight back with ``code`` and
    ``state``) and ``POST /login/oauth/access_token`` (code -> ``ghu_`` user token; GitHub's
    error answers, status 200); the client id is ``fake.client_id``, the secret
    ``"fake-client-secret"`` (``fake.oauth.client_secrets``); ``fake.oauth.callback_urls``
    restricts ``redirect_uri``. API: ``add_team(org, slug, members, *, maintainers=())`` serves
    ``GET /orgs/{org}/teams/{slug}/memberships/{login}`` (installation tokens need ``members:
    read``), ``GET /orgs/{org}/installation`` finds the installation on an account.

App manifest flow (``fake.manifest_flow``, see ``_manifest``)
    web pages ``POST /settings/apps/new`` (and ``/organizations/{org}/...``) with a ``manifest``
    form field: a confirmation page whose button goes to the manifest's ``redirect_url`` with
    ``code`` and ``state`` (or 422 naming what GitHub would refuse, e.g. events without their
    permission); ``GET /apps/{slug}/installations/new``; API ``POST
    /app-manifests/{code}/conversions`` (one use per code) -> the App with ``webhook_secret``,
    ``pem`` (this fake's App key), ``client_id``/``client_secret``. ``manifest_flow.manifests``
    and ``manifest_flow.created`` record what happened.

Fault injection (rules are tried in insertion order; the first matching rule with count left
answers the request; ``count=None`` means forever; ``path_contains``/``path_regex`` match the
path relative to the API root)
    ``inject(status=500, count=1, *, method=None, path_contains=None, path_regex=None,
    headers=None, body=None, delay=0.0) -> Fault``; ``inject_delay(seconds, count=1, ...)``
    (slow but otherwise normal answer); ``inject_disconnect(count=1, ...)`` (close the socket
    without answering); ``inject_lost_response(count=1, ..., probability=None, seed=None)``
    (process the request, then close the socket without answering: a reset after processing;
    with ``probability``, that share of the matching requests);
    ``inject_secondary_rate_limit(retry_after=1, count=1, *, status=403, ...)``;
    ``inject_primary_rate_limit(reset_in=1.0, count=1, ...)``; ``fail_rate(probability,
    statuses=(500, 502), *, seed=None, method=None, path_contains=None)`` for soak tests
    (``fail_rate(0)`` turns it off); ``clear_faults()``;
    ``set_rate_limit(remaining, *, identity=None, limit=None, reset_in=3600)`` drives the real
    primary rate limit (403 "API rate limit exceeded ..." once ``remaining`` hits 0).

Behaviour
    Endpoints: see ``_api.Api.__init__`` (repos, pulls [+files/commits, diff media type], compare
    [commits paginated: 250 per page by default, at most 1,000; files, at most 300, on the first
    page only], contents,
    issues, issue comments, labels, check runs [+annotations], statuses, collaborator permission,
    apps/installations/access tokens, app hook deliveries, rate_limit). Auth: ``token X`` or
    ``Bearer X`` for personal and installation tokens, ``Bearer <JWT>`` (RS256, ``iss`` = app id or
    client id, ``exp`` at most 10 minutes ahead) for ``/app/*`` and ``/repos/{o}/{r}/installation``.
    Missing auth -> 401 "Requires authentication" (unless ``allow_anonymous`` for GETs), bad or
    expired credentials -> 401 "Bad credentials". Installation tokens only see their
    installation's repositories (others 404) and are held to the installation's permissions (403
    "Resource not accessible by integration"); check runs need an installation token (403 "You
    must authenticate via a GitHub App." otherwise). Every answer carries ``x-ratelimit-*``
    (per user / installation / app bucket), ``x-github-request-id`` and a JSON content type;
    lists are paginated with GitHub's ``Link`` header (``per_page`` max 100; PR files capped at
    3,000, PR commits at 250).

Limits enforced like GitHub (422 unless noted): comment body <= 65,536 characters; at most 50
annotations per check-run request (they accumulate across PATCHes); check-run summary/text <=
65,535; annotation (and, conservatively, output) title <= 255; label name <= 50; status
description <= 140; ``head_sha``/status sha must be a commit the fake knows ("No commit found for
SHA"); PR diff media type -> 406 above 300 files or 20,000 lines. Deliberate choices: the JWT
``exp`` is checked against the server clock (GitHub's rule), so PyGithub's maximum
``jwt_expiry=600`` with ``iat = now - 60`` is accepted; rate-limit budgets are per user (personal
tokens) / per installation / per app, as GitHub counts them, not per token string.
"""

from __future__ import annotations

import contextlib
import functools
import http
import json
import random
import re
import secrets
import socket
import socketserver
import threading
import time
import traceback
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from ._api import Api, ApiConfig, ApiRequest, ApiResponse, new_delivery_guid
from ._manifest import ManifestFlow
from ._oauth import OAuthFlow
from ._shapes import Shapes
from ._state import (
    ROLE_TO_PERMISSION,
    ComparisonState,
    HookDeliveryState,
    InstallationState,
    IssueState,
    PullState,
    RecordedRequest,
    RepoState,
    TokenState,
    UserState,
    World,
    fake_sha,
    git_blob_sha,
    looks_like_sha,
    utcnow,
)

__all__ = ["FakeGitHub", "Fault", "RecordedRequest", "default_app_keypair", "generate_rsa_keypair"]

_FILE_STATUSES = ("added", "removed", "modified", "renamed", "copied", "changed", "unchanged")
_SECONDARY_MESSAGE = (
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. "
    "If you reach out to GitHub Support for help, please include the request ID {rid}."
)
_DEFAULT_FAULT_MESSAGES = {
    400: "Bad Request",
    401: "Bad credentials",
    403: _SECONDARY_MESSAGE,
    404: "Not Found",
    409: "Conflict",
    422: "Validation Failed",
    429: _SECONDARY_MESSAGE,
    500: "Server Error",
    502: "Server Error",
    503: "Service Unavailable",
    504: (
        "We couldn't respond to your request in time. Sorry about that. Please try resubmitting "
        "your request and contact us if the problem persists."
    ),
}


# ---------------------------------------------------------------------- keys
def generate_rsa_keypair(bits: int = 2048) -> tuple[str, str]:
    """A fresh ``(private_pem, public_pem)`` pair, PKCS#1 private key like GitHub hands out."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


@functools.lru_cache(maxsize=1)
def default_app_keypair() -> tuple[str, str]:
    """One key pair per process, shared by fakes created without explicit keys (saves ~0.1 s)."""
    return generate_rsa_keypair()


def _public_from_private(private_pem: str) -> str:
    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


# ---------------------------------------------------------------------- faults
@dataclass(eq=False)
class Fault:
    """One fault-injection rule; ``remaining`` counts down, ``hits`` counts answers given."""

    status: int | None
    remaining: int | None
    method: str | None = None
    path_contains: str | None = None
    path_regex: re.Pattern[str] | None = None
    headers: Mapping[str, str] | None = None
    body: Any = None
    delay: float = 0.0
    disconnect: bool = False
    #: process the request (its effects happen), then close the connection without answering
    lost_response: bool = False
    #: set by inject_primary_rate_limit: answer as an exhausted primary rate limit whose
    #: x-ratelimit-reset lies this many seconds after the answer
    primary_reset_in: float | None = None
    #: set: the rule answers a matching request with this probability only (drawn from `rng`)
    probability: float | None = None
    rng: random.Random | None = None
    hits: int = 0

    def matches(self, method: str, path: str) -> bool:
        if self.remaining is not None and self.remaining <= 0:
            return False
        if self.method is not None and self.method.upper() != method:
            return False
        if self.path_contains is not None and self.path_contains not in path:
            return False
        if self.path_regex is not None and self.path_regex.search(path) is None:
            return False
        return self.probability is None or (self.rng or random.Random()).random() < self.probability


@dataclass
class _Chaos:
    probability: float
    statuses: tuple[int, ...]
    rng: random.Random
    method: str | None
    path_contains: str | None


# ---------------------------------------------------------------------- HTTP plumbing
class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    request_queue_size = 512

    def __init__(self, address: tuple[str, int], fake: FakeGitHub) -> None:
        self.fake = fake
        self._conns: set[socket.socket] = set()
        self._conns_lock = threading.Lock()
        super().__init__(address, _Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind does a reverse-DNS lookup (getfqdn); skip it.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = str(host), int(port)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._conns_lock:
            self._conns.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._conns_lock:
            self._conns.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        with self._conns_lock:
            conns = list(self._conns)
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # client hang-ups etc.; internal errors are caught and recorded in _Handler


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "GitHub.com"
    sys_version = ""
    disable_nagle_algorithm = True
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def handle(self) -> None:
        with contextlib.suppress(OSError, ValueError):  # client reset / closed during shutdown
            super().handle()

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _serve(self) -> None:
        fake = self.server.fake
        body = self._read_body()
        headers = {k.lower(): v for k, v in self.headers.items()}
        resp = fake._serve_http(self.command, self.path, headers, body)
        if resp is None:  # injected disconnect
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        phrase = (
            http.HTTPStatus(resp.status).phrase
            if resp.status in http.HTTPStatus._value2member_map_
            else "Unknown"
        )
        lines = [f"HTTP/1.1 {resp.status} {phrase}", f"Date: {formatdate(usegmt=True)}"]
        lines.append("Server: GitHub.com")
        if resp.status not in (204, 304):
            lines.append(f"Content-Length: {len(resp.body)}")
        lines.extend(f"{k}: {v}" for k, v in resp.headers.items())
        if self.close_connection:
            lines.append("Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        payload = b"" if self.command == "HEAD" or resp.status in (204, 304) else resp.body
        self.wfile.write(head + payload)

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = do_HEAD = _serve


# ---------------------------------------------------------------------- the fake
class FakeGitHub:
    """See the module docstring for the full API."""

    def __init__(
        self,
        *,
        app_id: int = 123456,
        app_slug: str = "modeltier",
        app_name: str | None = None,
        client_id: str | None = None,
        app_private_key_pem: str | None = None,
        app_public_key_pem: str | None = None,
        token: str = "ghp_test",
        token_login: str = "octocat",
        allow_anonymous: bool = False,
        path_prefix: str = "",
        host: str = "127.0.0.1",
        port: int = 0,
        rate_limit: int = 5000,
        installation_token_ttl: float = 3600.0,
        jwt_leeway: float = 60.0,
        max_log: int | None = None,
    ) -> None:
        if app_private_key_pem is None and app_public_key_pem is None:
            app_private_key_pem, app_public_key_pem = default_app_keypair()
        elif app_public_key_pem is None:
            assert app_private_key_pem is not None
            app_public_key_pem = _public_from_private(app_private_key_pem)
        self.app_id = app_id
        self.app_slug = app_slug
        self.client_id = client_id or f"Iv1.{fake_sha(app_id)[:16]}"
        self.app_private_key_pem = app_private_key_pem
        self.app_public_key_pem = app_public_key_pem
        self.token = token
        self.path_prefix = "/" + path_prefix.strip("/") if path_prefix.strip("/") else ""
        self._host, self._port = host, port
        self._world = World(
            app_id=app_id,
            app_slug=app_slug,
            app_name=app_name or app_slug,
            client_id=self.client_id,
        )
        self.lock = self._world.lock
        self.bot_login = self._world.bot.login
        self._api = Api(
            self._world,
            ApiConfig(
                app_id=app_id,
                client_id=self.client_id,
                app_public_key=serialization.load_pem_public_key(app_public_key_pem.encode()),
                allow_anonymous=allow_anonymous,
                rate_limit=rate_limit,
                token_ttl=installation_token_ttl,
                jwt_leeway=jwt_leeway,
            ),
        )
        if token:
            self.add_token(token, token_login)
        self._log: deque[RecordedRequest] = deque(maxlen=max_log)
        self._log_lock = threading.Lock()
        self._errors: list[str] = []
        self._faults: list[Fault] = []
        self._chaos: _Chaos | None = None
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._url: str | None = None
        self._web_url: str | None = None
        self.manifest_flow = ManifestFlow(app_id, app_slug, app_private_key_pem or "",
                                          self.client_id, user=token_login)
        self.oauth = OAuthFlow(self.client_id, issue_token=self._user_token)

    # ================================================================== lifecycle
    def start(self) -> FakeGitHub:
        if self._server is not None:
            return self
        server = _Server((self._host, self._port), self)
        port = server.server_address[1]
        self._web_url = f"http://{self._host}:{port}"
        self._url = f"{self._web_url}{self.path_prefix}"
        self.manifest_flow.web_url = self._web_url
        with self.lock:
            self._api.shapes = Shapes(self._url, self._web_url, self._world.app)
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"FakeGitHub:{port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None:
            return
        self._server = self._thread = None
        server.shutdown()
        server.close_connections()
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> FakeGitHub:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """API base URL, e.g. ``http://127.0.0.1:PORT`` -- pass it as PyGithub's ``base_url``."""
        if self._url is None:
            raise RuntimeError(
                "FakeGitHub is not started; call start() or use it as a context manager"
            )
        return self._url

    @property
    def web_url(self) -> str:
        if self._web_url is None:
            raise RuntimeError("FakeGitHub is not started")
        return self._web_url

    @property
    def port(self) -> int:
        return int(self.web_url.rsplit(":", 1)[1])

    # ================================================================== HTTP entry point
    def _web(
        self, method: str, path: str, rel: str | None, query: list[tuple[str, str]],
        headers: dict[str, str], body: bytes,
    ) -> ApiResponse | None:
        """A page of github.com itself (the manifest and OAuth flows), or None."""
        page = self.manifest_flow.handle(method, path, rel, query, body)
        return page if page is not None else self.oauth.handle(method, path, query, headers, body)

    def _serve_http(
        self, method: str, raw_path: str, headers: dict[str, str], body: bytes
    ) -> ApiResponse | None:
        received = time.time()
        split = urlsplit(raw_path)
        path = split.path or "/"
        query = parse_qsl(split.query, keep_blank_values=True)
        prefix = self.path_prefix
        rel: str | None = path
        if prefix:
            inside = path == prefix or path.startswith(prefix + "/")
            rel = (path[len(prefix) :] or "/") if inside else None
        payload, json_error = _parse_json(headers, body)
        request_id = self._api.next_request_id()
        fault = self._take_fault(method, rel if rel is not None else path)
        injected = False
        resp: ApiResponse | None
        try:
            if fault is not None and fault.delay:
                time.sleep(fault.delay)
            if fault is not None and fault.disconnect:
                resp, injected = None, True
            elif fault is not None and fault.lost_response and rel is not None:
                self._api.handle(ApiRequest(method, rel, query, headers, body, payload, json_error))
                resp, injected = None, True
            elif fault is not None and fault.status is not None:
                resp, injected = self._fault_response(fault, headers, request_id), True
            elif (web := self._web(method, path, rel, query, headers, body)) is not None:
                resp = web
            elif rel is None:
                resp = ApiResponse(
                    404,
                    json.dumps(
                        {
                            "message": "Not Found",
                            "documentation_url": "https://docs.github.com/rest",
                        }
                    ).encode(),
                    {"content-type": "application/json; charset=utf-8"},
                )
            else:
                resp = self._api.handle(
                    ApiRequest(method, rel, query, headers, body, payload, json_error)
                )
        except Exception:  # a bug in the fake: answer 500 and remember it for the test
            self._errors.append(traceback.format_exc())
            resp = ApiResponse(
                500,
                json.dumps(
                    {"message": "FakeGitHub internal error (see fake.server_errors())"}
                ).encode(),
                {"content-type": "application/json; charset=utf-8"},
            )
        if resp is not None:
            if "x-ratelimit-limit" not in resp.headers:  # e.g. 401 before any identity is known
                with self.lock:
                    hint = self._api.identity_hint(headers)
                    resp.headers.update(self._api.rate_headers(hint))
            resp.headers.setdefault("x-github-request-id", request_id)
            resp.headers.setdefault("x-github-api-version-selected", "2022-11-28")
            resp.headers.setdefault("x-github-media-type", "github.v3; format=json")
        record = RecordedRequest(
            method=method,
            path=rel if rel is not None else path,
            query=dict(query),
            headers=headers,
            json=payload,
            body=body,
            time=received,
            status=None if resp is None else resp.status,
            identity=None if resp is None else resp.identity,
            injected=injected,
        )
        with self._log_lock:
            self._log.append(record)
        return resp

    def _take_fault(self, method: str, path: str) -> Fault | None:
        with self.lock:
            for fault in self._faults:
                if fault.matches(method, path):
                    if fault.remaining is not None:
                        fault.remaining -= 1
                    fault.hits += 1
                    return fault
            chaos = self._chaos
            if (
                chaos is not None
                and (chaos.method is None or chaos.method.upper() == method)
                and (chaos.path_contains is None or chaos.path_contains in path)
                and chaos.rng.random() < chaos.probability
            ):
                status = chaos.rng.choice(chaos.statuses)
                retry = {"Retry-After": "1"} if status in (403, 429) else None
                return Fault(status=status, remaining=None, headers=retry)
        return None

    def _fault_response(
        self, fault: Fault, headers: dict[str, str], request_id: str
    ) -> ApiResponse:
        assert fault.status is not None
        body = fault.body
        with self.lock:
            ident = self._api.identity_hint(headers)
            out = {
                "content-type": "application/json; charset=utf-8",
                **self._api.rate_headers(ident),
                "x-github-request-id": request_id,
            }
            if fault.primary_reset_in is not None:
                out["x-ratelimit-remaining"] = "0"
                out["x-ratelimit-used"] = out["x-ratelimit-limit"]
                out["x-ratelimit-reset"] = str(int(time.time() + fault.primary_reset_in))
                if body is None:
                    error = self._api.primary_limit_error(ident)
                    error.status = fault.status
                    body = error.payload()
        for key, value in (fault.headers or {}).items():
            for existing in [k for k in out if k.lower() == key.lower()]:
                del out[existing]
            out[key] = str(value)
        if body is None:
            message = _DEFAULT_FAULT_MESSAGES.get(
                fault.status, http.HTTPStatus(fault.status).phrase
            )
            body = {
                "message": message.format(rid=request_id),
                "documentation_url": "https://docs.github.com/rest",
                "status": str(fault.status),
            }
        if isinstance(body, bytes):
            data = body
        elif isinstance(body, str):
            data = body.encode()
        else:
            data = json.dumps(body).encode()
        return ApiResponse(fault.status, data, out, identity=ident.key)

    # ================================================================== fault injection API
    def inject(
        self,
        status: int | None = 500,
        count: int | None = 1,
        *,
        method: str | None = None,
        path_contains: str | None = None,
        path_regex: str | None = None,
        headers: Mapping[str, str] | None = None,
        body: Any = None,
        delay: float = 0.0,
    ) -> Fault:
        """Answer the next ``count`` matching requests with ``status`` (after ``delay`` s).

        ``body`` may be a dict/list (sent as JSON), str or bytes; by default a GitHub-style JSON
        message fitting the status. ``headers`` override the defaults (e.g. ``Retry-After``).
        """
        fault = Fault(
            status=status,
            remaining=count,
            method=method,
            path_contains=path_contains,
            path_regex=re.compile(path_regex) if path_regex else None,
            headers=dict(headers) if headers else None,
            body=body,
            delay=delay,
        )
        with self.lock:
            self._faults.append(fault)
        return fault

    def inject_delay(
        self,
        seconds: float,
        count: int | None = 1,
        *,
        method: str | None = None,
        path_contains: str | None = None,
        path_regex: str | None = None,
    ) -> Fault:
        """Delay the next ``count`` matching requests, then answer them normally."""
        return self.inject(
            None,
            count,
            method=method,
            path_contains=path_contains,
            path_regex=path_regex,
            delay=seconds,
        )

    def inject_disconnect(
        self,
        count: int | None = 1,
        *,
        method: str | None = None,
        path_contains: str | None = None,
        path_regex: str | None = None,
    ) -> Fault:
        """Close the connection without answering the next ``count`` matching requests."""
        fault = self.inject(
            None, count, method=method, path_contains=path_contains, path_regex=path_regex
        )
        fault.disconnect = True
        return fault

    def inject_lost_response(
        self,
        count: int | None = 1,
        *,
        method: str | None = None,
        path_contains: str | None = None,
        path_regex: str | None = None,
        probability: float | None = None,
        seed: int | None = None,
    ) -> Fault:
        """Process the next ``count`` matching requests, then close the connection without an
        answer (a reset after processing): the write happened, the client cannot know it. With
        ``probability``, each matching request is answered so with that probability (a soak's
        lost answers; ``seed`` makes the draw repeatable); ``hits`` counts the answers lost."""
        fault = self.inject(
            None, count, method=method, path_contains=path_contains, path_regex=path_regex
        )
        fault.lost_response = True
        fault.probability = probability
        fault.rng = random.Random(seed)
        return fault

    def inject_secondary_rate_limit(
        self,
        retry_after: float | None = 1,
        count: int | None = 1,
        *,
        status: int = 403,
        method: str | None = None,
        path_contains: str | None = None,
    ) -> Fault:
        """GitHub's secondary rate limit (403 or 429), with ``Retry-After`` unless None."""
        headers = {"Retry-After": str(int(retry_after))} if retry_after is not None else None
        return self.inject(
            status, count, method=method, path_contains=path_contains, headers=headers
        )

    def inject_primary_rate_limit(
        self,
        reset_in: float = 1.0,
        count: int | None = 1,
        *,
        status: int = 403,
        method: str | None = None,
        path_contains: str | None = None,
    ) -> Fault:
        """A primary rate-limit answer: remaining 0, ``x-ratelimit-reset`` ``reset_in`` s away."""
        fault = self.inject(status, count, method=method, path_contains=path_contains)
        fault.primary_reset_in = reset_in
        return fault

    def fail_rate(
        self,
        probability: float,
        statuses: Iterable[int] = (500, 502),
        *,
        seed: int | None = None,
        method: str | None = None,
        path_contains: str | None = None,
    ) -> None:
        """Fail each matching request with that probability (after explicit rules); 0 = off."""
        with self.lock:
            if probability <= 0:
                self._chaos = None
                return
            self._chaos = _Chaos(
                probability,
                tuple(statuses),
                random.Random(seed),
                method,
                path_contains,
            )

    def clear_faults(self) -> None:
        with self.lock:
            self._faults.clear()
            self._chaos = None

    def set_rate_limit(
        self,
        remaining: int,
        *,
        identity: str | None = None,
        limit: int | None = None,
        reset_in: float = 3600,
    ) -> None:
        """Set the primary rate-limit budget of one bucket (``"installation:42"``,
        ``"user:octocat"``, ``"app:<id>"``, ``"anonymous"``) or of all buckets (identity None)."""
        with self.lock:
            self._api.set_rate(remaining, limit, reset_in, identity)

    def rate_limit_remaining(self, identity: str) -> int | None:
        with self.lock:
            bucket = self._world.rate.get(identity)
            return None if bucket is None else bucket[1]

    # ================================================================== request log
    @property
    def requests(self) -> list[RecordedRequest]:
        """Snapshot of every request received (including injected faults)."""
        return self.request_log()

    def request_log(
        self, method: str | None = None, path_prefix: str | None = None
    ) -> list[RecordedRequest]:
        with self._log_lock:
            items = list(self._log)
        return [
            r
            for r in items
            if (method is None or r.method == method.upper())
            and (path_prefix is None or r.path.startswith(path_prefix))
        ]

    def count(
        self,
        method: str | None = None,
        path_prefix: str | None = None,
        *,
        path_contains: str | None = None,
        status: int | None = None,
        identity: str | None = None,
    ) -> int:
        return sum(
            1
            for r in self.request_log(method, path_prefix)
            if (path_contains is None or path_contains in r.path)
            and (status is None or r.status == status)
            and (identity is None or r.identity == identity)
        )

    def reset_counts(self) -> None:
        with self._log_lock:
            self._log.clear()

    def server_errors(self) -> list[str]:
        """Tracebacks of exceptions inside the fake (a test should expect none)."""
        return list(self._errors)

    # ================================================================== seeding: users & repos
    def add_user(
        self, login: str, *, type: str = "User", name: str | None = None, email: str | None = None
    ) -> UserState:
        with self.lock:
            user = self._world.user(login, type=type)
            user.name, user.email = name, email
            return user

    def add_token(self, token: str, login: str) -> None:
        """Register a personal access token acting as ``login``."""
        with self.lock:
            self._world.user(login)
            self._world.tokens[token] = TokenState(token=token, kind="user", login=login)

    def _user_token(self, login: str) -> str:
        """A new user-to-server token for ``login`` (what the OAuth web flow hands out)."""
        token = f"ghu_{secrets.token_hex(18)}"
        self.add_token(token, login)
        return token

    def add_oauth_user(self, login: str) -> None:
        """A user who can sign in through the OAuth web flow (``fake.oauth``)."""
        with self.lock:
            self._world.user(login)
            if login not in self.oauth.users:
                self.oauth.users.append(login)

    def add_team(self, org: str, slug: str, members: Iterable[str] = (), *,
                 maintainers: Iterable[str] = ()) -> None:
        """An organisation team; ``GET /orgs/{org}/teams/{slug}/memberships/{login}`` answers
        for its members (state ``active``) and 404 for anyone else."""
        with self.lock:
            roles = {login: "member" for login in members}
            roles.update({login: "maintainer" for login in maintainers})
            for login in roles:
                self._world.user(login)
            self._world.teams[(org.lower(), slug.lower())] = roles

    def add_repo(
        self,
        full_name: str,
        *,
        default_branch: str = "main",
        private: bool = False,
        owner_type: str = "Organization",
        description: str | None = None,
        default_branch_sha: str | None = None,
        fork: bool = False,
    ) -> RepoState:
        owner, _, name = full_name.partition("/")
        if not owner or not name or "/" in name:
            raise ValueError(f"expected 'owner/name', got {full_name!r}")
        with self.lock:
            if self._world.repo(full_name) is not None:
                raise ValueError(f"repository {full_name} already exists")
            repo = RepoState(
                id=self._world.next_id("repo"),
                owner=self._world.user(owner, type=owner_type),
                name=name,
                default_branch=default_branch,
                private=private,
                fork=fork,
                description=description,
            )
            sha = default_branch_sha or fake_sha(full_name, default_branch)
            repo.branches[default_branch] = sha
            self._world.register_commit(repo, sha)
            self._world.repos[repo.key] = repo
            return repo

    def _repo(self, full_name: str) -> RepoState:
        return self._world.require_repo(full_name)

    def set_branch(self, repo: str, branch: str, sha: str) -> None:
        with self.lock:
            r = self._repo(repo)
            r.branches[branch] = sha
            self._world.register_commit(r, sha)

    def set_file(
        self, repo: str, *, path: str, content: str | bytes, ref: str | None = None
    ) -> None:
        """Put ``content`` at ``path`` as seen at ``ref`` (branch name or sha)."""
        self.set_files(repo, {path: content}, ref=ref)

    def set_files(
        self, repo: str, files: Mapping[str, str | bytes], *, ref: str | None = None
    ) -> None:
        with self.lock:
            r = self._repo(repo)
            ref = ref or r.default_branch
            if looks_like_sha(ref):
                self._world.register_commit(r, ref)
            elif ref not in r.branches:
                r.branches[ref] = fake_sha(r.full_name, ref)
                self._world.register_commit(r, r.branches[ref])
            tree = r.files.setdefault(ref, {})
            for path, content in files.items():
                tree[path.strip("/")] = (
                    content.encode() if isinstance(content, str) else bytes(content)
                )

    def delete_file(self, repo: str, *, path: str, ref: str | None = None) -> None:
        with self.lock:
            r = self._repo(repo)
            r.files.get(ref or r.default_branch, {}).pop(path.strip("/"), None)

    # ================================================================== seeding: issues & pulls
    def _next_number(self, r: RepoState, number: int | None) -> int:
        if number is None:
            return max(r.issues, default=0) + 1
        if number in r.issues:
            raise ValueError(f"#{number} already exists in {r.full_name}")
        return number

    def add_issue(
        self,
        repo: str,
        number: int | None = None,
        *,
        title: str | None = None,
        body: str | None = None,
        user_login: str = "octocat",
        labels: Iterable[str] = (),
        state: str = "open",
    ) -> IssueState:
        with self.lock:
            r = self._repo(repo)
            num = self._next_number(r, number)
            user = self._world.user(user_login)
            issue = IssueState(
                id=self._world.next_id("issue"),
                number=num,
                title=title or f"Issue #{num}",
                body=body,
                user=user,
                state=state,
                author_association=self._world.association(r, user),
            )
            self._set_labels(r, issue, labels)
            r.issues[num] = issue
            return issue

    def add_pull(
        self,
        repo: str,
        number: int | None = None,
        *,
        title: str | None = None,
        body: str | None = None,
        user_login: str = "octocat",
        head_sha: str | None = None,
        head_ref: str = "feature",
        base_ref: str | None = None,
        base_sha: str | None = None,
        head_repo: str | None = None,
        labels: Iterable[str] = (),
        draft: bool = False,
        state: str = "open",
        files: Iterable[Mapping[str, Any] | str] = (),
        commits: Iterable[Mapping[str, Any]] | None = None,
        author_association: str | None = None,
        mergeable: bool | None = True,
    ) -> PullState:
        with self.lock:
            r = self._repo(repo)
            num = self._next_number(r, number)
            base_ref = base_ref or r.default_branch
            if base_sha is None:
                base_sha = r.branches.get(base_ref) or fake_sha(r.full_name, base_ref)
            r.branches.setdefault(base_ref, base_sha)
            self._world.register_commit(r, base_sha)
            head_sha = head_sha or fake_sha(r.full_name, num, "head")
            if head_repo is None or head_repo.lower() == r.key:
                hr = r
            else:
                hr = self._world.repo(head_repo) or self.add_repo(
                    head_repo, default_branch=r.default_branch, owner_type="User", fork=True
                )
            hr.branches[head_ref] = head_sha
            user = self._world.user(user_login)
            pull = PullState(
                id=self._world.next_id("issue"),
                pull_id=self._world.next_id("pull"),
                number=num,
                title=title or f"Pull request #{num}",
                body=body,
                user=user,
                state=state,
                head_sha=head_sha,
                head_ref=head_ref,
                head_repo=hr.key,
                base_ref=base_ref,
                base_sha=base_sha,
                draft=draft,
                mergeable=mergeable,
                author_association=author_association or self._world.association(r, user),
            )
            if state == "closed":
                pull.closed_at = utcnow()
            pull.files = [_normalize_file(f, head_sha) for f in files]
            raw_commits = (
                list(commits) if commits is not None else [{"sha": head_sha, "message": pull.title}]
            )
            pull.commits = self._normalize_commits(raw_commits, parent=base_sha)
            for c in pull.commits:
                self._world.register_commit(r, c["sha"], c)
                if hr is not r:
                    self._world.register_commit(hr, c["sha"], c)
            self._world.register_commit(r, head_sha)
            self._set_labels(r, pull, labels)
            r.issues[num] = pull
            return pull

    def _normalize_commits(
        self, commits: Iterable[Mapping[str, Any]], parent: str
    ) -> list[dict[str, Any]]:
        out = []
        for raw in commits:
            c = dict(raw)
            if "sha" not in c:
                raise ValueError("every commit needs a 'sha'")
            date = c.get("date") or utcnow()
            if isinstance(date, str):
                date = datetime.fromisoformat(date.replace("Z", "+00:00"))
            name = c.get("author_name") or "Fake Author"
            email = c.get("author_email") or "author@example.com"
            norm = {
                "sha": c["sha"],
                "message": c.get("message") or f"Commit {c['sha'][:7]}",
                "author_name": name,
                "author_email": email,
                "author_login": c.get("author_login"),
                "committer_name": c.get("committer_name") or name,
                "committer_email": c.get("committer_email") or email,
                "date": date,
                "parents": list(c.get("parents") or [parent]),
            }
            if norm["author_login"]:
                self._world.user(norm["author_login"])
            out.append(norm)
            parent = norm["sha"]
        return out

    def _set_labels(self, r: RepoState, issue: IssueState, labels: Iterable[str]) -> None:
        issue.labels = []
        for name in labels:
            lab = self._api.ensure_label(r, name)
            if lab.name.lower() not in (n.lower() for n in issue.labels):
                issue.labels.append(lab.name)

    def _pull_state(self, repo: str, number: int) -> tuple[RepoState, PullState]:
        r = self._repo(repo)
        p = r.issues.get(number)
        if not isinstance(p, PullState):
            raise KeyError(f"no pull request #{number} in {repo}")
        return r, p

    def pull(self, repo: str, number: int) -> PullState:
        with self.lock:
            return self._pull_state(repo, number)[1]

    def requested_reviewers(self, repo: str, number: int) -> tuple[list[str], list[str]]:
        """(user logins, team slugs) asked to review the pull request so far, in order."""
        with self.lock:
            p = self._pull_state(repo, number)[1]
            return [u.login for u in p.requested_reviewers], list(p.requested_teams)

    def add_review(
        self, repo: str, number: int, login: str, state: str = "APPROVED", *,
        commit_id: str | None = None, body: str = "",
    ) -> int:
        """A review of a pull request (APPROVED, CHANGES_REQUESTED, COMMENTED or DISMISSED), on
        its current head unless `commit_id` says otherwise; returns the review's id."""
        with self.lock:
            _, p = self._pull_state(repo, number)
            self._world.user(login)
            review_id = self._world.next_id("review")
            p.reviews.append({
                "id": review_id, "login": login, "state": state, "body": body,
                "commit_id": commit_id or p.head_sha, "submitted_at": utcnow(),
            })
            return review_id

    def label(self, repo: str, number: int, name: str, actor: str, *, add: bool = True) -> None:
        """`actor` adds (or removes) a label of an issue or pull request, as the issue events
        API then tells (`labeled` / `unlabeled`, with the actor)."""
        with self.lock:
            r = self._repo(repo)
            issue = r.issues[number]
            self._world.user(actor)
            if add and name not in issue.labels:
                issue.labels.append(self._api.ensure_label(r, name).name)
            elif not add and name in issue.labels:
                issue.labels.remove(name)
            issue.events.append({
                "id": self._world.next_id("issue_event"), "event": "labeled" if add else
                "unlabeled", "actor": actor, "label": name, "created_at": utcnow(),
            })

    def add_note(self, repo: str, commit_sha: str, text: str, ref: str = "refs/notes/ai") -> None:
        """A git note on a commit (`git notes --ref=ai add`), pushed: the git data API then
        serves the notes ref, its tree and the note's blob."""
        with self.lock:
            self._repo(repo).notes.setdefault(ref, {})[commit_sha] = text

    def dismiss_review(self, repo: str, number: int, review_id: int) -> None:
        """What a dismissal (or a push under "dismiss stale approvals") does: state DISMISSED."""
        with self.lock:
            _, p = self._pull_state(repo, number)
            next(v for v in p.reviews if v["id"] == review_id)["state"] = "DISMISSED"

    def update_pull(self, repo: str, number: int, **fields: Any) -> PullState:
        """Change title, body, state, draft, labels, base_ref, base_sha, head_ref, merged or
        mergeable of a pull request."""
        allowed = {
            "title",
            "body",
            "state",
            "draft",
            "labels",
            "base_ref",
            "base_sha",
            "head_ref",
            "merged",
            "mergeable",
        }
        unknown = set(fields) - allowed
        if unknown:
            raise TypeError(f"update_pull() got unexpected fields {sorted(unknown)}")
        with self.lock:
            r, p = self._pull_state(repo, number)
            now = utcnow()
            for key in ("title", "body", "draft", "base_ref", "mergeable"):
                if key in fields:
                    setattr(p, key, fields[key])
            if "base_sha" in fields:
                p.base_sha = fields["base_sha"]
                self._world.register_commit(r, p.base_sha)
            if "head_ref" in fields:
                p.head_ref = fields["head_ref"]
                self._world.repos[p.head_repo].branches[p.head_ref] = p.head_sha
            if "labels" in fields:
                self._set_labels(r, p, fields["labels"])
            if fields.get("merged"):
                p.merged, p.merged_at, p.state = True, now, "closed"
                p.merge_commit_sha = fake_sha(r.full_name, number, "merge")
                p.closed_at = now
            if "state" in fields:
                p.state = fields["state"]
                p.closed_at = now if p.state == "closed" else None
            p.updated_at = now
            return p

    def set_pull_files(
        self, repo: str, number: int, files: Iterable[Mapping[str, Any] | str]
    ) -> None:
        with self.lock:
            _, p = self._pull_state(repo, number)
            p.files = [_normalize_file(f, p.head_sha) for f in files]
            p.updated_at = utcnow()

    def push(
        self,
        repo: str,
        number: int,
        head_sha: str,
        *,
        files: Iterable[Mapping[str, Any] | str] | None = None,
        commits: Iterable[Mapping[str, Any]] | None = None,
        message: str | None = None,
    ) -> PullState:
        """Simulate a ``synchronize``: new head sha, appended commits, optionally new files."""
        with self.lock:
            r, p = self._pull_state(repo, number)
            raw = (
                list(commits)
                if commits is not None
                else [{"sha": head_sha, "message": message or f"Update {head_sha[:7]}"}]
            )
            new = self._normalize_commits(raw, parent=p.head_sha)
            for c in new:
                self._world.register_commit(r, c["sha"], c)
            p.commits.extend(new)
            p.head_sha = head_sha
            self._world.register_commit(r, head_sha)
            self._world.repos[p.head_repo].branches[p.head_ref] = head_sha
            if files is not None:
                p.files = [_normalize_file(f, head_sha) for f in files]
            p.updated_at = utcnow()
            return p

    def set_compare(
        self,
        repo: str,
        base: str,
        head: str,
        *,
        files: Iterable[Mapping[str, Any] | str] = (),
        commits: Iterable[Mapping[str, Any]] | None = None,
        status: str | None = None,
        behind_by: int = 0,
        merge_base: str | None = None,
    ) -> ComparisonState:
        """Seed ``GET /repos/{repo}/compare/{base}...{head}`` (e.g. a merge group's head against
        its base). ``base``/``head`` are shas (registered as commits) or existing branch names;
        ``files`` and ``commits`` take the shapes of ``add_pull``; ``commits`` defaults to one
        commit whose sha is the head. ``status`` defaults to ``ahead`` (``diverged`` with
        ``behind_by``, ``identical`` without commits)."""
        with self.lock:
            r = self._repo(repo)
            base_sha = self._seed_ref(r, base)
            head_sha = self._seed_ref(r, head)
            raw = list(commits) if commits is not None else [{"sha": head_sha}]
            normalized = self._normalize_commits(raw, parent=base_sha)
            for c in normalized:
                self._world.register_commit(r, c["sha"], c)
            if status is None:
                status = "diverged" if behind_by else ("ahead" if normalized else "identical")
            if status not in ("ahead", "behind", "diverged", "identical"):
                raise ValueError(f"unknown comparison status {status!r}")
            merge_base_sha = self._seed_ref(r, merge_base) if merge_base else base_sha
            comparison = ComparisonState(
                base_sha=base_sha,
                head_sha=head_sha,
                files=[_normalize_file(f, head_sha) for f in files],
                commits=normalized,
                status=status,
                ahead_by=len(normalized),
                behind_by=behind_by,
                merge_base_sha=merge_base_sha,
            )
            r.comparisons[(base_sha, head_sha)] = comparison
            return comparison

    def _seed_ref(self, r: RepoState, ref: str) -> str:
        if looks_like_sha(ref):
            self._world.register_commit(r, ref)
            return ref
        sha = r.branches.get(ref.removeprefix("refs/heads/"))
        if sha is None:
            raise ValueError(f"unknown ref {ref!r} in {r.full_name}; call set_branch() first")
        return sha

    # ================================================================== seeding: access
    def set_permission(
        self, repo: str, login: str, role: str, *, base_role: str | None = None
    ) -> None:
        """Give ``login`` a repository role (admin|maintain|write|triage|read|none, or a custom
        role name with ``base_role``)."""
        if role in ROLE_TO_PERMISSION:
            legacy = ROLE_TO_PERMISSION[role]
        elif base_role in ROLE_TO_PERMISSION:
            legacy = ROLE_TO_PERMISSION[base_role]
        else:
            raise ValueError(f"unknown role {role!r} (custom roles need base_role)")
        with self.lock:
            r = self._repo(repo)
            self._world.user(login)
            r.roles[login.lower()] = (role, legacy)

    def add_installation(
        self,
        installation_id: int,
        repos: Iterable[str] | None = None,
        *,
        account: str | None = None,
        permissions: Mapping[str, str] | None = None,
        events: Iterable[str] | None = None,
        all_repos: bool = False,
    ) -> InstallationState:
        with self.lock:
            if installation_id in self._world.installations:
                raise ValueError(f"installation {installation_id} already exists")
            keys = [self._repo(name).key for name in repos or ()]
            if account is None:
                account = self._world.repos[keys[0]].owner.login if keys else "fake-org"
            inst = InstallationState(
                id=installation_id,
                account=self._world.user(account),
                repos=None if all_repos else set(keys),
                permissions=dict(permissions or self._world.app["permissions"]),
                events=list(events or self._world.app["events"]),
            )
            self._world.installations[installation_id] = inst
            return inst

    def suspend_installation(self, installation_id: int, suspended: bool = True) -> None:
        with self.lock:
            self._world.installations[installation_id].suspended_at = (
                utcnow() if suspended else None
            )

    def remove_installation(self, installation_id: int) -> None:
        with self.lock:
            self._world.installations.pop(installation_id, None)

    def installation_token(
        self,
        installation_id: int,
        *,
        repos: Iterable[str] | None = None,
        permissions: Mapping[str, str] | None = None,
    ) -> str:
        """Mint an installation token directly (no JWT round trip)."""
        with self.lock:
            inst = self._world.installations[installation_id]
            scoped = {self._repo(n).key for n in repos} if repos is not None else None
            return self._api.issue_installation_token(
                inst, repos=scoped, permissions=dict(permissions) if permissions else None
            ).token

    def expire_tokens(self, installation_id: int | None = None) -> None:
        """Make installation tokens (of one installation, or all) expired -> 401 Bad credentials."""
        with self.lock:
            past = utcnow() - timedelta(seconds=1)
            for tok in self._world.tokens.values():
                if tok.kind == "installation" and installation_id in (None, tok.installation_id):
                    tok.expires_at = past

    def add_hook_delivery(
        self,
        *,
        event: str = "pull_request",
        action: str | None = "opened",
        status_code: int = 200,
        guid: str | None = None,
        installation_id: int | None = None,
        repository: str | None = None,
        payload: Mapping[str, Any] | None = None,
        redelivery: bool = False,
        delivered_at: datetime | None = None,
        duration: float = 0.05,
    ) -> int:
        """Register a webhook delivery listed by ``GET /app/hook/deliveries``; returns its id."""
        with self.lock:
            did = self._world.next_id("delivery")
            repo_id = self._repo(repository).id if repository else None
            phrase = (
                http.HTTPStatus(status_code).phrase
                if status_code in http.HTTPStatus._value2member_map_
                else ""
            )
            self._world.deliveries[did] = HookDeliveryState(
                id=did,
                guid=guid or new_delivery_guid(),
                event=event,
                action=action,
                status_code=status_code,
                status=phrase or "Invalid HTTP Response",
                delivered_at=delivered_at or utcnow(),
                redelivery=redelivery,
                duration=duration,
                installation_id=installation_id,
                repository_id=repo_id,
                request_headers={"X-GitHub-Event": event},
                request_payload=dict(payload or {"action": action}),
                response_headers={},
                response_payload="",
            )
            return did

    def redeliveries(self) -> list[int]:
        """Delivery ids for which ``POST /app/hook/deliveries/{id}/attempts`` was called."""
        with self.lock:
            return list(self._world.redeliveries)

    # ================================================================== inspection
    def comments(self, repo: str, number: int) -> list[dict[str, Any]]:
        with self.lock:
            r = self._repo(repo)
            issue = r.issues.get(number)
            if issue is None:
                raise KeyError(f"no issue or pull request #{number} in {repo}")
            return [self._api.comment_json(r, self._world.comments[c]) for c in issue.comment_ids]

    def check_runs(
        self, repo: str, head_sha: str | None = None, name: str | None = None
    ) -> list[dict[str, Any]]:
        """Check runs in creation order, each with all ``annotations`` and ``updates`` count."""
        with self.lock:
            r = self._repo(repo)
            out = []
            for cid in r.check_run_ids:
                cr = self._world.check_runs[cid]
                if (head_sha is None or cr.head_sha == head_sha) and (
                    name is None or cr.name == name
                ):
                    item = self._api.check_json(r, cr)
                    item["annotations"] = [dict(a) for a in cr.annotations]
                    item["updates"] = cr.updates
                    out.append(item)
            return out

    def labels_on(self, repo: str, number: int) -> list[str]:
        with self.lock:
            r = self._repo(repo)
            issue = r.issues.get(number)
            if issue is None:
                raise KeyError(f"no issue or pull request #{number} in {repo}")
            return sorted(issue.labels, key=str.lower)

    def statuses(self, repo: str, sha: str | None = None) -> list[dict[str, Any]]:
        with self.lock:
            r = self._repo(repo)
            return [
                self._api.shapes.status(r, s) for s in r.statuses if sha is None or s.sha == sha
            ]


# ---------------------------------------------------------------------- helpers
def _parse_json(headers: Mapping[str, str], body: bytes) -> tuple[Any, bool]:
    if not body:
        return None, False
    ctype = headers.get("content-type", "")
    looks_json = "json" in ctype or body[:1] in (b"{", b"[")
    if not looks_json:
        return None, False
    try:
        return json.loads(body), False
    except ValueError:
        return None, True


def _count_patch(patch: str) -> tuple[int, int]:
    adds = dels = 0
    for line in patch.splitlines():
        if line.startswith("+"):
            adds += 1
        elif line.startswith("-"):
            dels += 1
    return adds, dels


def _normalize_file(f: Mapping[str, Any] | str, head_sha: str) -> dict[str, Any]:
    raw: dict[str, Any] = {"filename": f} if isinstance(f, str) else dict(f)
    if not raw.get("filename"):
        raise ValueError(f"file entry without filename: {raw!r}")
    status = raw.get("status") or "modified"
    if status not in _FILE_STATUSES:
        raise ValueError(f"unknown file status {status!r}")
    out: dict[str, Any] = {"filename": raw["filename"], "status": status}
    patch = raw.get("patch")
    counted = _count_patch(patch) if patch is not None else (0, 0)
    out["additions"] = int(raw.get("additions", counted[0]))
    out["deletions"] = int(raw.get("deletions", counted[1]))
    out["changes"] = int(raw.get("changes", out["additions"] + out["deletions"]))
    out["sha"] = raw.get("sha") or git_blob_sha(f"{head_sha}:{raw['filename']}".encode())
    if patch is not None:
        out["patch"] = patch
    if raw.get("previous_filename"):
        out["previous_filename"] = raw["previous_filename"]
    return out
