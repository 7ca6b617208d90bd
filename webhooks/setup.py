"""`/setup`: create the GitHub App in one click, with GitHub's manifest flow (as Probot does it).

`modeltier serve` started without any GitHub credentials serves this instead of failing: `/setup`
is a page with one button that posts `app.yml` as a JSON manifest, with this deployment's URLs
filled in, to GitHub (for a personal account, or an organisation when one is named). GitHub shows
its confirmation page and redirects back to `/setup/callback` with a one-time code, which is
exchanged (`POST /app-manifests/{code}/conversions`) for the App's id, private key, webhook secret
and OAuth client. They are written to the data directory (`github-app.json`, `github-app.pem`,
mode 0600; never logged), the webhook service starts in this same process, and the page links to
the App's installation page. From then on `/setup` only says that this server is set up (nothing
about the App); a restart reads the stored App (`webhooks.settings`).

Whoever completes `/setup` first owns the App this deployment trusts, so the flow is not open to
anyone who can reach the service first: at start-up a one-time setup token is made (or taken from
`MODELTIER_SETUP_TOKEN`) and `modeltier serve` writes the address to open, `/setup?token=...`, in
its log. The page needs the token; the manifest flow's `state` is signed with it (HMAC), so GitHub's
redirect to `/setup/callback` carries the proof without carrying the token, and each state is
accepted once. A missing or wrong token gets a 403 page saying where the token is.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import html
import json
import logging
import os
import secrets
import threading
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import yaml
from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse

from bot.github.app_client import CreatedApp, convert_manifest
from bot.github.port import GitHubError
from policies.errors import ModelTierError
from webhooks.app import Service, create_app
from webhooks.logs import add_secrets
from webhooks.settings import (
    APP_FILE,
    GITHUB_API,
    KEY_FILE,
    data_dir_from_env,
    github_web_url,
    load_settings,
)

__all__ = ["SETUP_TOKEN_ENV", "SetupApp", "github_web_url", "manifest"]

#: the environment variable that sets the setup token (default: a new random one per start)
SETUP_TOKEN_ENV = "MODELTIER_SETUP_TOKEN"  # noqa: S105 (a variable name, not a secret)
#: shorter tokens from the environment are refused: the token is all that guards the App
MIN_SETUP_TOKEN = 16

log = logging.getLogger("modeltier.setup")
_PACKAGE = Path(__file__).resolve().parent


def _manifest_file() -> Path:
    """app.yml: packaged beside this module in a wheel, at the top of a checkout."""
    for candidate in (_PACKAGE / "app.yml", _PACKAGE.parent / "app.yml"):
        if candidate.is_file():
            return candidate
    raise ModelTierError("app.yml (the GitHub App manifest) is missing from this installation")


def manifest(public_url: str, name: str | None = None) -> dict[str, Any]:
    """The App manifest for a deployment reachable at `public_url`."""
    data: dict[str, Any] = yaml.safe_load(_manifest_file().read_text(encoding="utf-8"))
    base = public_url.rstrip("/")
    data["hook_attributes"] = {**data.get("hook_attributes", {}),
                               "url": f"{base}/webhooks/github"}
    data["redirect_url"] = f"{base}/setup/callback"
    data["callback_urls"] = [f"{base}/audit/callback"]
    if name:
        data["name"] = name
    return data


def _write_private(path: Path, text: str) -> None:
    """Write a file only its owner can read (0600 from the start, never world-readable)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(path, 0o600)


def store_app(data_dir: Path, app: CreatedApp) -> None:
    """Keep what GitHub handed over (once) in the data directory, readable by this user only."""
    _write_private(data_dir / KEY_FILE, app.pem)
    _write_private(data_dir / APP_FILE, json.dumps({
        "id": app.id, "slug": app.slug, "name": app.name, "html_url": app.html_url,
        "owner": app.owner, "webhook_secret": app.webhook_secret, "client_id": app.client_id,
        "client_secret": app.client_secret,
        "created_at": datetime.datetime.now(datetime.UTC).isoformat(),
    }, indent=2) + "\n")


_STYLE = ("body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem}"
          "label{display:block;margin:.8rem 0 .2rem}input{width:100%;padding:.4rem}"
          "button{margin-top:1.2rem;padding:.6rem 1.2rem;font-size:1rem}")


def _page(title: str, body: str, status: int = 200) -> HTMLResponse:
    # no Referer: the page's address holds the setup token, and its form posts to GitHub
    return HTMLResponse(
        f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{html.escape(title)}"
        f"</title><style>{_STYLE}</style></head><body><h1>{html.escape(title)}</h1>{body}"
        "</body></html>", status_code=status,
        headers={"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"})


def _setup_token(environ: Mapping[str, str]) -> str:
    """The token `/setup` asks for: MODELTIER_SETUP_TOKEN, or a new random one. Hexadecimal, so
    the log's redaction of GitHub tokens (`gh?_...`) never hides it from the owner."""
    given = environ.get(SETUP_TOKEN_ENV, "").strip()
    if not given:
        return secrets.token_hex(32)
    if len(given) < MIN_SETUP_TOKEN or not given.isascii():
        raise ModelTierError(f"{SETUP_TOKEN_ENV} must be at least {MIN_SETUP_TOKEN} ASCII "
                             "characters (or unset, for a random one)")
    return given


def _no_token() -> HTMLResponse:
    return _page("Setup token required", (
        "<p>Creating this server's GitHub App needs the one-time setup token. Open the address "
        "<code>modeltier serve</code> wrote to its log when it started (the line "
        "<q>no GitHub App is configured</q>, field <code>url</code>: "
        "<code>/setup?token=...</code>), or add <code>?token=</code> with the value of "
        f"<code>{SETUP_TOKEN_ENV}</code> if you set it.</p>"), status=403)


def _done_page(title: str, status: int = 200) -> HTMLResponse:
    """What `/setup` says once the App exists: that it does, and nothing about it."""
    return _page(title, "<p>This server has its GitHub App; this page is disabled.</p>",
                 status=status)


class SetupApp:
    """The ASGI application of an unconfigured `modeltier serve`: `/setup` until the App exists,
    then the webhook service (`webhooks.app.create_app`) for everything but `/setup`."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        self.environ = dict(environ)
        self.data_dir = data_dir_from_env(environ)
        self.api_url = environ.get("MODELTIER_GITHUB_API_URL") or GITHUB_API
        self.web_url = (environ.get("MODELTIER_GITHUB_WEB_URL")
                        or github_web_url(self.api_url)).rstrip("/")
        self.public_url = environ.get("MODELTIER_PUBLIC_URL")
        self.service: Service | None = None
        self.inner: Any = None
        self.token = _setup_token(environ)
        self._states: set[str] = set()
        self._lock = threading.Lock()
        self.web = self._routes()

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        inner = self.inner
        if inner is not None and scope["type"] == "http" and not scope["path"].startswith(
                "/setup"):
            await inner(scope, receive, send)
            return
        await self.web(scope, receive, send)

    def setup_url(self, base: str) -> str:
        """The address to open, with the token, on a service reachable at `base`."""
        return f"{(self.public_url or base).rstrip('/')}/setup?token={quote(self.token)}"

    def _has_token(self, given: str) -> bool:
        return hmac.compare_digest(given.encode(), self.token.encode())

    def _sign(self, nonce: str) -> str:
        return hmac.new(self.token.encode(), nonce.encode(), hashlib.sha256).hexdigest()

    def _new_state(self) -> str:
        """A one-time state for the manifest flow, signed with the setup token."""
        nonce = secrets.token_urlsafe(16)
        state = f"{nonce}.{self._sign(nonce)}"
        with self._lock:
            self._states.add(state)
        return state

    def _take_state(self, state: str) -> bool:
        """Whether `state` was signed with the token, issued here and not used yet (it is used
        up now)."""
        nonce, _, signature = state.partition(".")
        signed = hmac.compare_digest(signature.encode(), self._sign(nonce).encode())
        with self._lock:
            known = state in self._states
            self._states.discard(state)
        return signed and known

    def stop(self) -> None:
        if self.service is not None:
            self.service.stop()
            self.service.store.dispose()

    # -- the flow ---------------------------------------------------------------------------

    def _create(self, code: str) -> CreatedApp:
        """Exchange the code, store the App, start serving webhooks (all under one lock)."""
        with self._lock:
            if self.service is not None:
                raise ModelTierError("the GitHub App is already set up")
            app = convert_manifest(self.api_url, code)
            self.data_dir.mkdir(parents=True, exist_ok=True)
            store_app(self.data_dir, app)
            settings = load_settings()  # the environment, and now the stored App
            add_secrets([*settings.secrets(), app.client_secret])
            service = Service(settings, worker_process=True)  # as `modeltier serve` runs it
            service.start()
            self.inner = create_app(settings, service)
            self.service = service
        log.info("GitHub App created; serving webhooks",
                 extra={"app_id": app.id, "app_slug": app.slug, "owner": app.owner})
        return app

    def _routes(self) -> FastAPI:
        @asynccontextmanager
        async def lifespan(_: FastAPI) -> AsyncIterator[None]:
            yield
            await run_in_threadpool(self.stop)

        web = FastAPI(title="modeltier setup", lifespan=lifespan, docs_url=None,
                      redoc_url=None, openapi_url=None)

        @web.get("/")
        def root() -> RedirectResponse:
            return RedirectResponse("/setup", status_code=303)

        @web.get("/healthz")
        def healthz() -> dict[str, str]:
            return {"status": "ok"}

        @web.get("/readyz")
        def readyz() -> JSONResponse:
            return JSONResponse({"error": "no GitHub App yet: open /setup"}, status_code=503)

        @web.post("/webhooks/github")
        def webhooks() -> JSONResponse:
            return JSONResponse({"error": "no GitHub App yet: open /setup"}, status_code=503)

        @web.get("/setup")
        def setup(request: Request, token: str = "") -> HTMLResponse:
            if self.service is not None:
                return _done_page("modeltier is set up")
            if not self._has_token(token):
                return _no_token()
            state = self._new_state()
            public = (self.public_url or str(request.base_url)).rstrip("/")
            document = json.dumps(manifest(public))
            action = f"{self.web_url}/settings/apps/new?state={state}"
            script = (
                "document.getElementById('setup').addEventListener('submit',function(e){"
                "var org=document.getElementById('organization').value.trim();"
                "var m=JSON.parse(document.getElementById('manifest').value);"
                "var n=document.getElementById('name').value.trim();if(n){m.name=n;}"
                "document.getElementById('manifest').value=JSON.stringify(m);"
                f"var web={json.dumps(self.web_url)},state={json.dumps(state)};"
                "e.target.action=(org?web+'/organizations/'+encodeURIComponent(org):web)"
                "+'/settings/apps/new?state='+encodeURIComponent(state);});"
            )
            return _page("Set up modeltier", (
                "<p>modeltier has no GitHub App yet. The button below asks GitHub to create one "
                f"with the permissions and events of <code>app.yml</code>; GitHub sends its "
                f"deliveries to <code>{html.escape(public)}/webhooks/github</code>.</p>"
                f'<form id="setup" method="post" action="{html.escape(action)}">'
                f'<input type="hidden" id="manifest" name="manifest" '
                f'value="{html.escape(document)}">'
                '<label for="name">App name (unique on GitHub)</label>'
                '<input id="name" placeholder="modeltier">'
                '<label for="organization">Organisation (empty: your personal account)</label>'
                '<input id="organization" placeholder="my-org">'
                '<button type="submit">Create GitHub App</button></form>'
                f"<script>{script}</script>"
            ))

        @web.get("/setup/callback")
        async def callback(code: str = "", state: str = "") -> HTMLResponse:
            if self.service is not None:
                return _done_page("modeltier is already set up", status=409)
            if not self._take_state(state) or not code:
                return _page("Setup link not recognised", (
                    "<p>This link did not come from this server's setup page (or was already "
                    "used). Start again from the setup address in the log.</p>"), status=403)
            try:
                app = await run_in_threadpool(self._create, code)
            except (GitHubError, ModelTierError, OSError) as e:
                log.error("creating the GitHub App failed: %s", e)
                return _page("GitHub App not created", (
                    f"<p>{html.escape(str(e))}</p>"
                    "<p>Start again from the setup address in the log.</p>"), status=502)
            return _page(f"Created the GitHub App {app.name}", (
                f"<p>modeltier now serves webhooks for App {app.id} "
                f"(<code>{html.escape(app.slug)}</code>). Its credentials are stored in "
                f"<code>{html.escape(str(self.data_dir))}</code>, readable by this user only."
                f'</p><p><a id="install" href="{html.escape(app.html_url)}/installations/new">'
                "Install it on your repositories</a></p>"))

        return web
