"""`/setup`: create the GitHub App in one click, with GitHub's manifest flow (as Probot does it).

`modeltier serve` started without any GitHub credentials serves this instead of failing: `/setup`
is a page with one button that posts `app.yml` as a JSON manifest, with this deployment's URLs
filled in, to GitHub (for a personal account, or an organisation when one is named). GitHub shows
its confirmation page and redirects back to `/setup/callback` with a one-time code, which is
exchanged (`POST /app-manifests/{code}/conversions`) for the App's id, private key, webhook secret
and OAuth client. They are written to the data directory (`github-app.json`, `github-app.pem`,
mode 0600; never logged), the webhook service starts in this same process, and the page links to
the App's installation page. From then on `/setup` only says that the App exists; a restart reads
the stored App (`webhooks.settings`).
"""

from __future__ import annotations

import datetime
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
    read_stored_app,
)

__all__ = ["SetupApp", "github_web_url", "manifest"]

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
    return HTMLResponse(
        f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{html.escape(title)}"
        f"</title><style>{_STYLE}</style></head><body><h1>{html.escape(title)}</h1>{body}"
        "</body></html>", status_code=status)


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
        self.app_info: dict[str, Any] | None = None
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
            service = Service(settings)
            service.start()
            self.inner = create_app(settings, service)
            self.service = service
            self.app_info = read_stored_app(self.data_dir)
        log.info("GitHub App created; serving webhooks",
                 extra={"app_id": app.id, "app_slug": app.slug, "owner": app.owner})
        return app

    def _install_url(self) -> str:
        info = self.app_info or {}
        return f"{info.get('html_url', '')}/installations/new"

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
        def setup(request: Request) -> HTMLResponse:
            if self.service is not None:
                return self._done_page("modeltier is set up")
            state = secrets.token_urlsafe(16)
            with self._lock:
                self._states.add(state)
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
                return self._done_page("The GitHub App already exists", status=409)
            with self._lock:
                known = state in self._states
                self._states.discard(state)
            if not code or not known:
                return _page("Setup link not recognised", (
                    "<p>This link did not come from this server's setup page (or was already "
                    'used). <a href="/setup">Start again</a>.</p>'), status=403)
            try:
                app = await run_in_threadpool(self._create, code)
            except (GitHubError, ModelTierError, OSError) as e:
                log.error("creating the GitHub App failed: %s", e)
                return _page("GitHub App not created", (
                    f"<p>{html.escape(str(e))}</p>"
                    '<p><a href="/setup">Start again</a>.</p>'), status=502)
            return _page(f"Created the GitHub App {app.name}", (
                f"<p>modeltier now serves webhooks for App {app.id} "
                f"(<code>{html.escape(app.slug)}</code>). Its credentials are stored in "
                f"<code>{html.escape(str(self.data_dir))}</code>, readable by this user only."
                f'</p><p><a id="install" href="{html.escape(self._install_url())}">'
                "Install it on your repositories</a></p>"))

        return web

    def _done_page(self, title: str, status: int = 200) -> HTMLResponse:
        info = self.app_info or {}
        return _page(title, (
            f"<p>The App {html.escape(str(info.get('name', '')))} exists; this page is "
            f'disabled.</p><p><a id="install" href="{html.escape(self._install_url())}">'
            "Install it on your repositories</a></p>"), status=status)
