"""`/audit`, the compliance page: every decision and audit event modeltier recorded, filtered,
summarised per repository, linked to each pull request, and exported (CSV, JSON) exactly as
filtered. Read-only and rendered on the server (Jinja2 templates beside this module).

Sign-in with GitHub is required for every page (the OAuth web flow of the App, with its client
id and secret; `bot.github.signin`); the session is a cookie signed with itsdangerous (Starlette's
SessionMiddleware), limited to `/audit` paths and 8 hours, and holds the login, a CSRF token and,
while signing in, the OAuth `state`. The one form that changes anything, sign-out, is a POST that
must carry the session's CSRF token; filter forms are GETs that change nothing. A repository page
the user may not see answers exactly as one that does not exist.
"""

from __future__ import annotations

import hmac
import logging
import re
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Receive, Send
from starlette.types import Scope as AsgiScope

from bot.github.port import GitHubError
from bot.github.pygithub import Connection
from bot.github.signin import GitHubAccess, authorize_url, exchange_code, user_login
from policies.loader import default_policy
from webhooks.compliance.access import AccessPolicy, Scope
from webhooks.compliance.export import DECISION_COLUMNS, EVENT_COLUMNS, as_csv, as_json
from webhooks.compliance.filters import CHOICES, FilterError, Filters, parse_filters
from webhooks.runtime.store import Store
from webhooks.settings import Settings

__all__ = ["COOKIE", "SESSION_SECONDS", "CompliancePages", "add_compliance"]

log = logging.getLogger("modeltier.compliance")
COOKIE = "modeltier_session"
SESSION_SECONDS = 8 * 3600
PAGE_SIZE = 50
EXPORTS = ("decisions.csv", "events.csv", "audit.json")
_REPO = re.compile(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")
_HEADERS = {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": ("default-src 'none'; style-src 'unsafe-inline'; "
                                "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
}


class CompliancePages:
    """The routes of `/audit` over one store and one GitHub connection."""

    def __init__(self, settings: Settings, store: Store, connection: Connection) -> None:
        self.settings = settings
        self.store = store
        self.web_url = settings.web_url()
        secret = settings.github_client_secret
        self.client = ((settings.github_client_id, secret.get_secret_value())
                       if settings.github_client_id and secret is not None else None)
        self.github = GitHubAccess(connection)
        self.access = AccessPolicy(self.github, permission=settings.audit_permission,
                                   team=settings.audit_team, ttl=settings.audit_access_seconds)
        self.templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
        policy = default_policy()
        self.suggestions = {"area": sorted(policy.areas), "model": sorted(policy.models)}

    # -- rendering ---------------------------------------------------------------------------

    def render(self, request: Request, template: str, status: int = 200,
               **context: Any) -> Response:
        response = self.templates.TemplateResponse(request, template, {
            "login": request.session.get("login"), "csrf": request.session.get("csrf", ""),
            "web_url": self.web_url, **context}, status_code=status)
        response.headers.update(_HEADERS)
        return response

    def message(self, request: Request, status: int, title: str, text: str) -> Response:
        return self.render(request, "message.html", status, title=title, text=text)

    def not_found(self, request: Request) -> Response:
        """The one answer for a repository that does not exist and one the user may not see."""
        return self.message(request, 404, "Not found",
                            "There is no compliance record at this address.")

    # -- sign-in -----------------------------------------------------------------------------

    def callback_url(self, request: Request) -> str:
        base = (self.settings.public_url or str(request.base_url)).rstrip("/")
        return f"{base}/audit/callback"

    def signin(self, request: Request) -> Response:
        if self.client is None:
            return self.unconfigured(request)
        state = secrets.token_urlsafe(24)
        next_path = request.query_params.get("next", "")
        request.session.clear()
        request.session["oauth_state"] = state
        request.session["next"] = next_path if _local(next_path) else "/audit"
        target = authorize_url(self.web_url, self.client[0], self.callback_url(request), state)
        return RedirectResponse(target, status_code=303, headers=_HEADERS)

    async def callback(self, request: Request) -> Response:
        if self.client is None:
            return self.unconfigured(request)
        expected = request.session.pop("oauth_state", None)
        next_path = request.session.pop("next", "/audit")
        state = request.query_params.get("state", "")
        code = request.query_params.get("code", "")
        if not expected or not code or not _same(state, expected):
            return self.message(request, 403, "Sign-in not recognised",
                                "This sign-in did not start here, or was already used. "
                                "Sign in again.")
        client_id, client_secret = self.client
        try:
            token = await run_in_threadpool(exchange_code, self.web_url, client_id,
                                            client_secret, code, self.callback_url(request))
            login = await run_in_threadpool(user_login, self.settings.github_api_url, token)
        except GitHubError as e:
            log.warning("sign-in failed: %s", e)
            return self.message(request, 502, "Sign-in failed",
                                f"GitHub did not confirm who you are: {e}")
        request.session.clear()
        request.session.update(login=login, csrf=secrets.token_urlsafe(32))
        log.info("signed in to the compliance page", extra={"login": login})
        return RedirectResponse(next_path if _local(next_path) else "/audit", status_code=303,
                                headers=_HEADERS)

    async def signout(self, request: Request) -> Response:
        form = dict(parse_qsl((await request.body()).decode("utf-8", "replace")))
        expected = request.session.get("csrf")
        if not expected or not _same(form.get("csrf", ""), expected):
            return self.message(request, 403, "Request refused",
                                "This form did not come from your session (CSRF check failed).")
        request.session.clear()
        return RedirectResponse("/audit/signed-out", status_code=303, headers=_HEADERS)

    def unconfigured(self, request: Request) -> Response:
        return self.message(request, 503, "Sign-in is not configured", (
            "The compliance page needs the GitHub App's OAuth client: set "
            "MODELTIER_GITHUB_CLIENT_ID and MODELTIER_GITHUB_CLIENT_SECRET (an App created "
            "through /setup has them already)."))

    # -- the pages ---------------------------------------------------------------------------

    def signed_in(self, request: Request) -> str | None:
        login = request.session.get("login")
        return login if isinstance(login, str) and login else None

    def to_signin(self, request: Request) -> Response:
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/audit/signin?next={quote(here, safe='')}", status_code=303,
                                headers=_HEADERS)

    def scope(self, login: str) -> tuple[Scope, list[str]]:
        known = self.store.audit_repositories()
        scope = self.access.scope(login, known)
        return scope, [r for r in known if scope.allows(r)]

    def view(self, request: Request, repo: str | None, export: str | None = None) -> Response:
        """The page (or an export) for the signed-in user, `repo` fixed on a repository page."""
        refused = self.guard(request)
        login = self.signed_in(request)
        if refused is not None or login is None:
            return refused or self.to_signin(request)
        params = dict(request.query_params)
        if repo is not None:
            params["repo"] = repo
        try:
            filters = parse_filters(params)
            page = _page_number(params, "page")
            events_page = _page_number(params, "events_page")
        except FilterError as e:
            return self.message(request, 400, "Invalid filter", "; ".join(e.problems))
        scope, visible = self.scope(login)
        if repo is not None and repo not in visible:
            return self.not_found(request)
        where = filters.to_store(scope.repos)
        if export is not None:
            return self.export(export, filters, where)
        decisions, total = self.store.audit_decisions(
            where, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
        events, events_total = self.store.audit_trail(
            where, limit=PAGE_SIZE, offset=(events_page - 1) * PAGE_SIZE)
        return self.render(
            request, "audit.html", filters=filters, repo=repo, visible=visible,
            unanswered=scope.unanswered, everything=scope.repos is None,
            summary=self.store.audit_summary(where), decisions=decisions, total=total,
            events=events, events_total=events_total, page=page, events_page=events_page,
            pages=_pages(total), events_pages=_pages(events_total), choices=CHOICES,
            suggestions=self.suggestions, action=request.url.path,
        )

    def guard(self, request: Request) -> Response | None:
        """The answer when no page may be shown yet (sign-in unconfigured, or not signed in)."""
        if self.client is None:
            return self.unconfigured(request)
        if self.signed_in(request) is None:
            return self.to_signin(request)
        return None

    def elsewhere(self, request: Request, rest: str) -> Response:
        return self.guard(request) or self.not_found(request)

    def view_all(self, request: Request) -> Response:
        return self.view(request, None)

    def view_repo(self, request: Request, owner: str, name: str) -> Response:
        refused = self.guard(request)
        if refused is not None:
            return refused
        if not _REPO.fullmatch(f"{owner}/{name}"):
            return self.not_found(request)
        return self.view(request, f"{owner}/{name}")

    def view_export(self, request: Request, kind: str) -> Response:
        refused = self.guard(request)
        if refused is not None:
            return refused
        if kind not in EXPORTS:
            return self.message(request, 404, "Not found",
                                f"The exports are {', '.join(EXPORTS)}.")
        return self.view(request, None, export=kind)

    def signed_out(self, request: Request) -> Response:
        return self.render(request, "message.html", title="Signed out",
                           text="You are signed out of the compliance page.", signin=True)

    def export(self, kind: str, filters: Filters, where: Any) -> Response:
        decisions: list[dict[str, Any]] = []
        events: list[dict[str, Any]] = []
        if kind in ("decisions.csv", "audit.json"):
            decisions = [self.with_url(row) for row in self.store.audit_decisions(where)[0]]
        if kind in ("events.csv", "audit.json"):
            events = [{**self.with_url(row), "reason": row["detail"].get("reason")}
                      for row in self.store.audit_trail(where)[0]]
        if kind == "audit.json":
            body = as_json({"filters": filters.active(), "summary": self.store.audit_summary(where),
                            "decisions": decisions, "events": events})
            media, name = "application/json", "modeltier-audit.json"
        else:
            rows, columns = ((decisions, DECISION_COLUMNS) if kind == "decisions.csv"
                             else (events, EVENT_COLUMNS))
            body, media, name = as_csv(rows, columns), "text/csv; charset=utf-8", (
                f"modeltier-{kind}")
        return Response(body, media_type=media, headers={
            **_HEADERS, "Content-Disposition": f'attachment; filename="{name}"'})

    def with_url(self, row: dict[str, Any]) -> dict[str, Any]:
        return {**row, "url": f"{self.web_url}/{row['repo']}/pull/{row['number']}"}


def _same(given: str, expected: object) -> bool:
    """A constant-time comparison that any text can go through (compare_digest refuses
    non-ASCII strings with a TypeError, which would be a 500)."""
    return isinstance(expected, str) and hmac.compare_digest(given.encode(), expected.encode())


def _local(path: str) -> bool:
    """A path on this page (where to return after signing in), never another site."""
    return (path == "/audit" or path.startswith(("/audit/", "/audit?"))) and "\\" not in path


def _page_number(params: dict[str, str], name: str) -> int:
    text = params.get(name) or "1"
    if not text.isdigit() or not 1 <= int(text) <= 1_000_000:
        raise FilterError([f"{name} {text!r} is not a page number"])
    return int(text)


def _pages(total: int) -> int:
    return max(1, -(-total // PAGE_SIZE))


class _AuditSessions:
    """Starlette's `SessionMiddleware` for `/audit` alone: the webhook, which has no session,
    skips its cookie parsing and response wrapping (7% of an acknowledgement's CPU)."""

    def __init__(self, app: ASGIApp, /, **options: Any) -> None:
        self.app = app
        self.sessions = SessionMiddleware(app, **options)

    async def __call__(self, scope: AsgiScope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket") and scope["path"].startswith("/audit"):
            await self.sessions(scope, receive, send)
        else:
            await self.app(scope, receive, send)


def add_compliance(
    app: FastAPI, settings: Settings, store: Store, connection: Connection
) -> CompliancePages:
    """Serve `/audit` on `app`, with its signed session cookie."""
    pages = CompliancePages(settings, store, connection)
    app.add_middleware(
        _AuditSessions, secret_key=settings.session_key(), session_cookie=COOKIE,
        max_age=SESSION_SECONDS, path="/audit", same_site="lax",
        https_only=(settings.public_url or "").startswith("https://"),
    )
    router = APIRouter(prefix="/audit")
    router.add_api_route("", pages.view_all, methods=["GET"], include_in_schema=False)
    router.add_api_route("/repos/{owner}/{name}", pages.view_repo, methods=["GET"],
                         include_in_schema=False)
    router.add_api_route("/export/{kind}", pages.view_export, methods=["GET"],
                         include_in_schema=False)
    router.add_api_route("/signin", pages.signin, methods=["GET"], include_in_schema=False)
    router.add_api_route("/callback", pages.callback, methods=["GET"], include_in_schema=False)
    router.add_api_route("/signout", pages.signout, methods=["POST"], include_in_schema=False)
    router.add_api_route("/signed-out", pages.signed_out, methods=["GET"],
                         include_in_schema=False)
    # any other address under /audit: sign in first, then the one 404
    router.add_api_route("/{rest:path}", pages.elsewhere, methods=["GET"],
                         include_in_schema=False)
    app.include_router(router)
    return pages
