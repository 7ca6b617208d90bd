"""GitHub's App manifest flow, as the fake plays it.

Web side (at ``fake.web_url``, as on github.com): ``POST /settings/apps/new`` and
``POST /organizations/{org}/settings/apps/new`` take a form with ``manifest`` (JSON) and the
query's ``state``; a manifest GitHub would refuse gets a 422 page naming why (e.g. "Default events
are not supported by permissions: issue_comment"); a good one gets a confirmation page whose
"Create GitHub App for <owner>" button goes to the manifest's ``redirect_url`` with ``code`` and
``state``. ``GET /apps/{slug}/installations/new`` is the installation page.

API side: ``POST /app-manifests/{code}/conversions`` (no authentication; each code works once and
for an hour) answers 201 with the App: ``id``, ``slug``, ``name``, ``owner``, ``html_url``,
``client_id``, ``client_secret``, ``webhook_secret``, ``pem`` (the fake's own App key, so the
created App can act at once), ``permissions``, ``events``; unknown or used codes get 404.
"""

from __future__ import annotations

import html
import json
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from ._api import ApiResponse

#: GitHub's table: the permission (and least level) each event needs ("Webhook events and
#: payloads", https://docs.github.com/en/webhooks/webhook-events-and-payloads)
EVENT_PERMISSIONS: dict[str, tuple[str, str]] = {
    "check_run": ("checks", "read"),
    "check_suite": ("checks", "read"),
    "issue_comment": ("issues", "read"),
    "issues": ("issues", "read"),
    "merge_group": ("merge_queues", "read"),
    "pull_request": ("pull_requests", "read"),
    "pull_request_review": ("pull_requests", "read"),
    "pull_request_review_comment": ("pull_requests", "read"),
    "push": ("contents", "read"),
}
_LEVELS = {"read": 1, "write": 2, "admin": 3}
CODE_TTL = 3600.0
_NEW_APP = re.compile(r"^(?:/organizations/(?P<org>[^/]+))?/settings/apps/new/?$")
_INSTALL = re.compile(r"^/apps/(?P<slug>[^/]+)/installations/new/?$")
_CONVERT = re.compile(r"^/app-manifests/(?P<code>[^/]+)/conversions$")
HTML_TYPE = "text/html; charset=utf-8"
JSON_TYPE = "application/json; charset=utf-8"


@dataclass
class _Pending:
    manifest: dict[str, Any]
    owner: str
    issued: float
    used: bool = False


@dataclass
class ManifestFlow:
    app_id: int
    app_slug: str
    private_key_pem: str
    client_id: str
    user: str = "octocat"
    web_url: str = ""
    #: every manifest posted to the new-App page, parsed (for tests to inspect)
    manifests: list[dict[str, Any]] = field(default_factory=list)
    #: Apps handed out by the conversion endpoint (id, webhook_secret, client_secret...)
    created: list[dict[str, Any]] = field(default_factory=list)
    _codes: dict[str, _Pending] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def handle(
        self, method: str, path: str, api_path: str | None, query: list[tuple[str, str]],
        body: bytes,
    ) -> ApiResponse | None:
        """The answer for a manifest-flow request, or None when it is not one."""
        if method == "POST" and (match := _NEW_APP.match(path)):
            return self._new_app(match["org"], dict(query).get("state", ""), body)
        if method == "GET" and (match := _INSTALL.match(path)):
            return _page(200, f"Install {html.escape(match['slug'])}",
                         f"<h1>Install {html.escape(match['slug'])}</h1>"
                         "<p>Choose the repositories this App can access.</p>")
        if method == "POST" and api_path is not None and (match := _CONVERT.match(api_path)):
            return self._convert(match["code"])
        return None

    def _new_app(self, org: str | None, state: str, body: bytes) -> ApiResponse:
        form = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        try:
            manifest = json.loads(form.get("manifest", ""))
        except ValueError:
            return _page(422, "Invalid manifest", "<p>Invalid manifest: not JSON</p>")
        if not isinstance(manifest, dict):
            return _page(422, "Invalid manifest", "<p>Invalid manifest: not an object</p>")
        self.manifests.append(manifest)
        problems = _problems(manifest)
        if problems:
            items = "".join(f"<li>{html.escape(p)}</li>" for p in problems)
            return _page(422, "Invalid manifest", f"<h1>Invalid manifest</h1><ul>{items}</ul>")
        owner = org or self.user
        code = secrets.token_hex(10)
        with self._lock:
            self._codes[code] = _Pending(manifest, owner, time.monotonic())
        target = manifest["redirect_url"]
        name = html.escape(str(manifest.get("name") or self.app_slug))
        fields = "".join(
            f'<input type="hidden" name="{k}" value="{html.escape(v)}">'
            for k, v in (("code", code), ("state", state)) if v
        )
        return _page(200, f"Create GitHub App {name}", (
            f"<h1>Create GitHub App {name}</h1>"
            f'<form method="get" action="{html.escape(target)}">{fields}'
            f'<button type="submit">Create GitHub App for {html.escape(owner)}</button></form>'
        ))

    def _convert(self, code: str) -> ApiResponse:
        with self._lock:
            pending = self._codes.get(code)
            if pending is None or pending.used or time.monotonic() - pending.issued > CODE_TTL:
                return _json(404, {"message": "Not Found",
                                   "documentation_url": "https://docs.github.com/rest"})
            pending.used = True
        manifest = pending.manifest
        app = {
            "id": self.app_id,
            "slug": self.app_slug,
            "node_id": "A_kwFake",
            "name": manifest.get("name") or self.app_slug,
            "description": manifest.get("description"),
            "external_url": manifest.get("url"),
            "html_url": f"{self.web_url}/apps/{self.app_slug}",
            "owner": {"login": pending.owner, "type": "User"},
            "permissions": manifest.get("default_permissions", {}),
            "events": manifest.get("default_events", []),
            "client_id": self.client_id,
            "client_secret": secrets.token_hex(20),
            "webhook_secret": secrets.token_hex(20),
            "pem": self.private_key_pem,
        }
        self.created.append(app)
        return _json(201, app)


def _problems(manifest: dict[str, Any]) -> list[str]:
    """What GitHub would refuse in a manifest."""
    problems = []
    hook = manifest.get("hook_attributes")
    if not isinstance(hook, dict) or not hook.get("url"):
        problems.append("Hook attributes url can't be blank")
    if not manifest.get("redirect_url"):
        problems.append("Redirect url can't be blank")
    permissions = manifest.get("default_permissions") or {}
    unsupported = [
        event for event in manifest.get("default_events") or []
        if event in EVENT_PERMISSIONS and _LEVELS.get(
            permissions.get(EVENT_PERMISSIONS[event][0], ""), 0) < _LEVELS["read"]
    ]
    if unsupported:
        problems.append("Default events are not supported by permissions: "
                        + ", ".join(unsupported))
    return problems


def _page(status: int, title: str, body: str) -> ApiResponse:
    text = (f"<!doctype html><html><head><title>{html.escape(title)}</title></head>"
            f"<body>{body}</body></html>")
    return ApiResponse(status, text.encode(), {"content-type": HTML_TYPE})


def _json(status: int, data: Any) -> ApiResponse:
    return ApiResponse(status, json.dumps(data).encode(), {"content-type": JSON_TYPE})


__all__ = ["EVENT_PERMISSIONS", "ManifestFlow"]
