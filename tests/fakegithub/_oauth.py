"""GitHub's OAuth web flow for a GitHub App's users, as the fake plays it.

Web side (at ``fake.web_url``, as on github.com; the API host has no such paths):
``GET /login/oauth/authorize?client_id=...&redirect_uri=...&state=...`` shows GitHub's sign-in
page, one "Sign in as <login>" link per user the test registered (``fake.oauth.users``); with
``login=<user>`` (GitHub's own hint parameter) for a registered user it redirects (302) straight
to ``redirect_uri`` with ``code`` and ``state``, as GitHub does for an App the user already
authorised. An unknown ``client_id`` gets a 404 page; a ``redirect_uri`` outside the App's
callback URLs (``fake.oauth.callback_urls``, when set) gets GitHub's "redirect_uri is not
associated with this application" page.
``POST /login/oauth/access_token`` (form or JSON: ``client_id``, ``client_secret``, ``code``,
``redirect_uri``) answers, as GitHub does, 200 in every case: ``{"access_token": "ghu_...",
"token_type": "bearer", "scope": ""}``, or ``{"error": "bad_verification_code" |
"incorrect_client_credentials" | "redirect_uri_mismatch", ...}``; JSON when asked with
``Accept: application/json``, else form-encoded. A code works once, for 10 minutes, and only with
the ``redirect_uri`` it was issued for. The token acts as its user on the API (``GET /user``).
"""

from __future__ import annotations

import html
import json
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode

from ._api import ApiResponse

CODE_TTL = 600.0
HTML_TYPE = "text/html; charset=utf-8"
_DOC = "https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors"


@dataclass
class _Code:
    login: str
    redirect_uri: str
    issued: float
    used: bool = False


@dataclass
class OAuthFlow:
    client_id: str
    #: client secrets the App accepts (the manifest conversion adds the ones it hands out)
    client_secrets: set[str] = field(default_factory=lambda: {"fake-client-secret"})
    #: users who can sign in on the fake's sign-in page
    users: list[str] = field(default_factory=list)
    #: the App's callback URLs; None accepts any redirect_uri
    callback_urls: list[str] | None = None
    #: makes a user token for a login (the fake registers it in its world)
    issue_token: Callable[[str], str] = lambda login: f"ghu_{login}"
    _codes: dict[str, _Code] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def handle(
        self, method: str, path: str, query: list[tuple[str, str]], headers: dict[str, str],
        body: bytes,
    ) -> ApiResponse | None:
        """The answer for an OAuth web-flow request, or None when it is not one."""
        if method == "GET" and path.rstrip("/") == "/login/oauth/authorize":
            return self._authorize(dict(query))
        if method == "POST" and path.rstrip("/") == "/login/oauth/access_token":
            return self._access_token(headers, body)
        return None

    def _authorize(self, params: dict[str, str]) -> ApiResponse:
        if params.get("client_id") != self.client_id:
            return _page(404, "Not Found", "<h1>Not Found</h1>")
        redirect_uri = params.get("redirect_uri", "")
        if not redirect_uri or (self.callback_urls is not None and not any(
                redirect_uri.startswith(url) for url in self.callback_urls)):
            return _page(400, "Redirect URI mismatch", (
                "<h1>Be careful!</h1><p>The redirect_uri is not associated with this "
                "application.</p>"))
        login = params.get("login")
        if login in self.users:
            code = secrets.token_hex(10)
            with self._lock:
                self._codes[code] = _Code(login, redirect_uri, time.monotonic())
            answer = {"code": code, **({"state": params["state"]} if "state" in params else {})}
            separator = "&" if "?" in redirect_uri else "?"
            return ApiResponse(302, b"", {"location": f"{redirect_uri}{separator}"
                                                       f"{urlencode(answer)}"})
        links = "".join(
            f'<li><a href="/login/oauth/authorize?{html.escape(urlencode({**params, "login": u}))}"'
            f'>Sign in as {html.escape(u)}</a></li>' for u in self.users)
        return _page(200, "Sign in to GitHub",
                     f"<h1>Sign in to GitHub</h1><p>to continue to the App</p><ul>{links}</ul>")

    def _access_token(self, headers: dict[str, str], body: bytes) -> ApiResponse:
        text = body.decode("utf-8", "replace")
        if headers.get("content-type", "").startswith("application/json"):
            try:
                form = {k: str(v) for k, v in json.loads(text or "{}").items()}
            except (ValueError, AttributeError):
                form = {}
        else:
            form = dict(parse_qsl(text, keep_blank_values=True))
        wants_json = "application/json" in headers.get("accept", "")
        if (form.get("client_id") != self.client_id
                or form.get("client_secret") not in self.client_secrets):
            return _answer(wants_json, {
                "error": "incorrect_client_credentials",
                "error_description": "The client_id and/or client_secret passed are incorrect.",
                "error_uri": _DOC})
        with self._lock:
            pending = self._codes.get(form.get("code", ""))
            fresh = (pending is not None and not pending.used
                     and time.monotonic() - pending.issued < CODE_TTL)
            if pending is not None:
                pending.used = True
        if not fresh or pending is None:
            return _answer(wants_json, {
                "error": "bad_verification_code",
                "error_description": "The code passed is incorrect or expired.",
                "error_uri": _DOC})
        if form.get("redirect_uri") and form["redirect_uri"] != pending.redirect_uri:
            return _answer(wants_json, {
                "error": "redirect_uri_mismatch",
                "error_description": "The redirect_uri MUST match the registered callback URL "
                                     "for this application.", "error_uri": _DOC})
        token = self.issue_token(pending.login)
        return _answer(wants_json, {"access_token": token, "token_type": "bearer", "scope": ""})


def _answer(wants_json: bool, data: dict[str, str]) -> ApiResponse:
    if wants_json:
        return ApiResponse(200, json.dumps(data).encode(),
                           {"content-type": "application/json; charset=utf-8"})
    return ApiResponse(200, urlencode(data).encode(),
                       {"content-type": "application/x-www-form-urlencoded; charset=utf-8"})


def _page(status: int, title: str, body: str) -> ApiResponse:
    text = (f"<!doctype html><html><head><title>{html.escape(title)}</title></head>"
            f"<body>{body}</body></html>")
    return ApiResponse(status, text.encode(), {"content-type": HTML_TYPE})


__all__ = ["OAuthFlow"]
