"""HTTP-independent emulation of the GitHub REST endpoints the service uses.

``Api.handle`` takes an :class:`ApiRequest` (path relative to the API root) and returns an
:class:`ApiResponse`; it holds ``world.lock`` for the whole call, so handlers see and leave a
consistent state. Authentication, rate-limit accounting, installation permissions and
repository visibility are applied here exactly once per request.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import re
import secrets
import string
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import unquote, urlencode

import jwt

from ._shapes import Shapes
from ._state import (
    MAX_ANNOTATIONS_PER_REQUEST,
    MAX_CHECK_TEXT,
    MAX_CHECK_TITLE,
    MAX_COMMENT_BODY,
    MAX_COMPARE_COMMITS,
    MAX_COMPARE_FILES,
    MAX_DIFF_FILES,
    MAX_LABEL_NAME,
    MAX_PR_COMMITS,
    MAX_PR_FILES,
    MAX_STATUS_DESCRIPTION,
    MAX_STATUSES_PER_CONTEXT,
    CheckRunState,
    CommentState,
    ComparisonState,
    HookDeliveryState,
    InstallationState,
    IssueState,
    LabelState,
    PullState,
    RepoState,
    StatusState,
    TokenState,
    UserState,
    World,
    iso,
    permission_allows,
    utcnow,
)

DOCS = "https://docs.github.com/rest"
JSON_TYPE = "application/json; charset=utf-8"
CHECK_STATUSES = ("queued", "in_progress", "completed")
CHECK_CONCLUSIONS = (
    "action_required",
    "cancelled",
    "failure",
    "neutral",
    "success",
    "skipped",
    "stale",
    "timed_out",
)
ANNOTATION_LEVELS = ("notice", "warning", "failure")
STATUS_STATES = ("error", "failure", "pending", "success")
MAX_JWT_LIFETIME = 600  # GitHub: "exp" no more than 10 minutes into the future
_TOKEN_ALPHABET = string.ascii_letters + string.digits


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        message: str,
        *,
        errors: list[dict[str, Any]] | None = None,
        doc: str = DOCS,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(f"{status} {message}")
        self.status = status
        self.message = message
        self.errors = errors
        self.doc = doc
        self.headers = headers or {}

    def payload(self) -> dict[str, Any]:
        out: dict[str, Any] = {"message": self.message}
        if self.errors is not None:
            out["errors"] = self.errors
        out["documentation_url"] = self.doc
        out["status"] = str(self.status)
        return out


def not_found() -> ApiError:
    return ApiError(404, "Not Found")


def invalid(message: str, doc: str = DOCS) -> ApiError:
    """GitHub's JSON-schema style 422 ("Invalid request.\\n\\n...")."""
    return ApiError(422, f"Invalid request.\n\n{message}", doc=doc)


def validation_failed(resource: str, field: str, code: str, message: str | None = None) -> ApiError:
    err: dict[str, Any] = {"resource": resource, "code": code, "field": field}
    if message is not None:
        err["message"] = message
    return ApiError(422, "Validation Failed", errors=[err])


@dataclass
class Identity:
    kind: str  # "installation" | "user" | "app" | "anonymous"
    key: str  # rate-limit bucket and request-log label
    user: UserState | None = None
    token: TokenState | None = None
    installation: InstallationState | None = None


@dataclass
class ApiRequest:
    method: str
    path: str  # relative to the API root, still percent-encoded, no query
    query: list[tuple[str, str]]
    headers: dict[str, str]  # lower-cased names
    body: bytes = b""
    json: Any = None
    json_error: bool = False
    identity: Identity | None = None

    def q(self, name: str, default: str | None = None) -> str | None:
        value = default
        for k, v in self.query:
            if k == name:
                value = v
        return value

    @property
    def ident(self) -> Identity:
        assert self.identity is not None
        return self.identity


@dataclass
class ApiResponse:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    identity: str | None = None


@dataclass
class ApiConfig:
    app_id: int
    client_id: str
    app_public_key: Any  # a cryptography public key (or PEM str) for PyJWT
    allow_anonymous: bool = False
    rate_limit: int = 5000
    anonymous_rate_limit: int = 60
    token_ttl: float = 3600.0
    jwt_leeway: float = 60.0


@dataclass
class _Route:
    method: str
    pattern: re.Pattern[str]
    handler: Callable[..., Any]
    auth: str  # "app" | "any" | "installation" | "none"
    metered: bool = True


_R = r"/repos/(?P<owner>[^/]+)/(?P<repo>[^/]+)"


class Api:
    def __init__(self, world: World, config: ApiConfig) -> None:
        self.world = world
        self.config = config
        self.shapes = Shapes("http://127.0.0.1", "http://127.0.0.1", world.app)
        self._suites: dict[tuple[str, str], int] = {}
        self._request_ids = 0
        self._rate_default: tuple[int, int, int] | None = None
        r = _R
        table: list[tuple[str, str, Callable[..., Any], str]] = [
            ("GET", r"/?", self.root, "none"),
            ("GET", r"/rate_limit", self.rate_limit, "none"),
            ("GET", r"/app", self.get_app, "app"),
            ("GET", r"/app/installations", self.list_installations, "app"),
            ("GET", r"/app/installations/(?P<iid>\d+)", self.get_installation, "app"),
            ("POST", r"/app/installations/(?P<iid>\d+)/access_tokens", self.create_token, "app"),
            ("GET", r"/app/hook/deliveries", self.list_deliveries, "app"),
            ("GET", r"/app/hook/deliveries/(?P<did>\d+)", self.get_delivery, "app"),
            ("POST", r"/app/hook/deliveries/(?P<did>\d+)/attempts", self.redeliver, "app"),
            ("GET", r"/installation/repositories", self.installation_repos, "installation"),
            ("GET", r"/user", self.get_authenticated_user, "any"),
            ("GET", r"/users/(?P<login>[^/]+)", self.get_user, "any"),
            ("GET", r + r"/installation", self.repo_installation, "app"),
            ("GET", r"/orgs/(?P<org>[^/]+)/installation", self.org_installation, "app"),
            (
                "GET",
                r"/orgs/(?P<org>[^/]+)/teams/(?P<team>[^/]+)/memberships/(?P<login>[^/]+)",
                self.team_membership,
                "any",
            ),
            ("GET", r"/repositories/(?P<rid>\d+)", self.get_repo_by_id, "any"),
            ("GET", r, self.get_repo, "any"),
            ("GET", r + r"/pulls", self.list_pulls, "any"),
            ("GET", r + r"/pulls/(?P<number>\d+)", self.get_pull, "any"),
            ("GET", r + r"/pulls/(?P<number>\d+)/files", self.pull_files, "any"),
            ("GET", r + r"/pulls/(?P<number>\d+)/commits", self.pull_commits, "any"),
            ("GET", r + r"/pulls/(?P<number>\d+)/reviews", self.pull_reviews, "any"),
            (
                "POST",
                r + r"/pulls/(?P<number>\d+)/requested_reviewers",
                self.request_reviewers,
                "any",
            ),
            ("GET", r + r"/contents(?:/(?P<path>.*))?", self.get_contents, "any"),
            ("GET", r + r"/issues/(?P<number>\d+)", self.get_issue, "any"),
            ("GET", r + r"/issues/(?P<number>\d+)/comments", self.list_comments, "any"),
            ("GET", r + r"/issues/(?P<number>\d+)/events", self.issue_events, "any"),
            ("POST", r + r"/issues/(?P<number>\d+)/comments", self.create_comment, "any"),
            ("GET", r + r"/issues/comments/(?P<cid>\d+)", self.get_comment, "any"),
            ("PATCH", r + r"/issues/comments/(?P<cid>\d+)", self.edit_comment, "any"),
            ("DELETE", r + r"/issues/comments/(?P<cid>\d+)", self.delete_comment, "any"),
            ("GET", r + r"/issues/(?P<number>\d+)/labels", self.list_issue_labels, "any"),
            ("POST", r + r"/issues/(?P<number>\d+)/labels", self.add_issue_labels, "any"),
            ("PUT", r + r"/issues/(?P<number>\d+)/labels", self.set_issue_labels, "any"),
            ("DELETE", r + r"/issues/(?P<number>\d+)/labels", self.clear_issue_labels, "any"),
            (
                "DELETE",
                r + r"/issues/(?P<number>\d+)/labels/(?P<name>.+)",
                self.remove_issue_label,
                "any",
            ),
            ("GET", r + r"/labels", self.list_labels, "any"),
            ("POST", r + r"/labels", self.create_label, "any"),
            ("GET", r + r"/labels/(?P<name>.+)", self.get_label, "any"),
            ("POST", r + r"/check-runs", self.create_check_run, "any"),
            ("GET", r + r"/check-runs/(?P<crid>\d+)", self.get_check_run, "any"),
            ("PATCH", r + r"/check-runs/(?P<crid>\d+)", self.update_check_run, "any"),
            ("GET", r + r"/check-runs/(?P<crid>\d+)/annotations", self.list_annotations, "any"),
            ("GET", r + r"/commits/(?P<ref>[^/]+)/check-runs", self.list_check_runs, "any"),
            ("GET", r + r"/commits/(?P<ref>[^/]+)/statuses", self.list_statuses, "any"),
            ("GET", r + r"/commits/(?P<ref>[^/]+)/status", self.combined_status, "any"),
            ("GET", r + r"/commits/(?P<ref>[^/]+)", self.get_commit, "any"),
            ("GET", r + r"/compare/(?P<basehead>.+)", self.compare, "any"),
            ("GET", r + r"/git/ref/(?P<ref>.+)", self.git_ref, "any"),
            ("GET", r + r"/git/commits/(?P<sha>[0-9a-f]{40})", self.git_commit, "any"),
            ("GET", r + r"/git/trees/(?P<sha>[0-9a-f]{40})", self.git_tree, "any"),
            ("GET", r + r"/git/blobs/(?P<sha>[0-9a-f]{40})", self.git_blob, "any"),
            ("POST", r + r"/statuses/(?P<sha>[^/]+)", self.create_status, "any"),
            (
                "GET",
                r + r"/collaborators/(?P<login>[^/]+)/permission",
                self.collaborator_permission,
                "any",
            ),
        ]
        self.routes = [
            _Route(m, re.compile(p), h, a, metered=(h != self.rate_limit)) for m, p, h, a in table
        ]

    # ================================================================== dispatch
    def next_request_id(self) -> str:
        with self.world.lock:
            self._request_ids += 1
            n = self._request_ids
        return f"FAKE:{n:04X}:{n * 7919 % 0xFFFFFF:06X}:{int(time.time()):08X}"

    def handle(self, req: ApiRequest) -> ApiResponse:
        with self.world.lock:
            headers: dict[str, str] = {}
            try:
                identity = self._authenticate(req)
                req.identity = identity
                route, params = self._match(req)
                self._check_route_auth(route, identity, req)
                if req.json_error:
                    raise ApiError(400, "Problems parsing JSON")
                bucket = self._bucket(identity)
                if route.metered:
                    if bucket[1] <= 0:
                        raise self.primary_limit_error(identity)
                    bucket[1] -= 1
                result = route.handler(req, **params)
                resp = result if isinstance(result, ApiResponse) else self._json(*result)
            except ApiError as exc:
                resp = self._json(exc.status, exc.payload())
                headers.update(exc.headers)
            ident = req.identity
            if ident is not None:
                headers = {**self.rate_headers(ident), **headers}
                if ident.kind == "user":
                    headers.setdefault("x-oauth-scopes", "repo")
                resp.identity = ident.key
            resp.headers = {**headers, **resp.headers}
            return resp

    def rate_headers(self, identity: Identity) -> dict[str, str]:
        limit, remaining, reset = self._bucket(identity)
        return {
            "x-ratelimit-limit": str(limit),
            "x-ratelimit-remaining": str(remaining),
            "x-ratelimit-reset": str(reset),
            "x-ratelimit-used": str(limit - remaining),
            "x-ratelimit-resource": "core",
        }

    def identity_hint(self, headers: dict[str, str]) -> Identity:
        """Cheap identity guess (no JWT verification) for answers the fault injector makes."""
        cred = headers.get("authorization", "").partition(" ")[2].strip()
        if not cred:
            return Identity("anonymous", "anonymous")
        if _looks_like_jwt(cred):
            return Identity("app", f"app:{self.config.app_id}")
        tok = self.world.tokens.get(cred)
        if tok is None:
            return Identity("anonymous", "anonymous")
        if tok.kind == "installation":
            inst = self.world.installations.get(tok.installation_id or -1)
            return Identity(
                "installation", f"installation:{tok.installation_id}", self.world.bot, tok, inst
            )
        return Identity("user", f"user:{tok.login}", self.world.find_user(tok.login or ""), tok)

    def set_rate(
        self, remaining: int, limit: int | None, reset_in: float, identity: str | None
    ) -> None:
        reset = int(time.time() + reset_in)
        if identity is not None:
            bucket = self.world.rate.get(identity)
            lim = limit if limit is not None else (bucket[0] if bucket else self.config.rate_limit)
            self.world.rate[identity] = [lim, min(remaining, lim), reset]
            return
        lim = limit if limit is not None else self.config.rate_limit
        self._rate_default = (lim, min(remaining, lim), reset)
        for key in list(self.world.rate):
            self.world.rate[key] = [lim, min(remaining, lim), reset]

    def _bucket(self, identity: Identity) -> list[int]:
        now = int(time.time())
        bucket = self.world.rate.get(identity.key)
        if bucket is None or bucket[2] <= now:
            if bucket is None and self._rate_default is not None and self._rate_default[2] > now:
                bucket = list(self._rate_default)
            else:
                limit = (
                    bucket[0]
                    if bucket is not None
                    else (
                        self.config.anonymous_rate_limit
                        if identity.kind == "anonymous"
                        else self.config.rate_limit
                    )
                )
                bucket = [limit, limit, now + 3600]
            self.world.rate[identity.key] = bucket
        return bucket

    def primary_limit_error(self, identity: Identity) -> ApiError:
        doc = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"
        if identity.kind == "installation" and identity.installation is not None:
            who = f"installation ID {identity.installation.id}."
        elif identity.kind == "user" and identity.user is not None:
            who = f"user ID {identity.user.id}."
        elif identity.kind == "app":
            who = f"app ID {self.config.app_id}."
        else:
            who = (
                "127.0.0.1. (But here's the good news: Authenticated requests get a higher rate "
                "limit. Check out the documentation for more details.)"
            )
        return ApiError(403, f"API rate limit exceeded for {who}", doc=doc)

    def _json(
        self, status: int, obj: Any = None, headers: dict[str, str] | None = None
    ) -> ApiResponse:
        body = b"" if status == 204 else json.dumps(obj, separators=(",", ":")).encode()
        hdrs = {"content-type": JSON_TYPE}
        if headers:
            hdrs.update(headers)
        return ApiResponse(status, body, hdrs)

    def _match(self, req: ApiRequest) -> tuple[_Route, dict[str, str]]:
        path = req.path if req.path in ("", "/") else req.path.rstrip("/")
        for route in self.routes:
            if route.method != req.method and not (req.method == "HEAD" and route.method == "GET"):
                continue
            m = route.pattern.fullmatch(path)
            if m:
                return route, {k: v for k, v in m.groupdict().items() if v is not None}
        raise not_found()

    # ================================================================== authentication
    def _authenticate(self, req: ApiRequest) -> Identity:
        header = req.headers.get("authorization", "").strip()
        if not header:
            return Identity("anonymous", "anonymous")
        scheme, _, cred = header.partition(" ")
        scheme, cred = scheme.lower(), cred.strip()
        if scheme not in ("token", "bearer") or not cred:
            raise ApiError(401, "Bad credentials")
        if _looks_like_jwt(cred):
            if scheme != "bearer":
                raise ApiError(401, "Bad credentials")
            return self._jwt_identity(cred)
        tok = self.world.tokens.get(cred)
        if tok is None or (tok.expires_at is not None and tok.expires_at <= utcnow()):
            raise ApiError(401, "Bad credentials")
        if tok.kind == "installation":
            inst = self.world.installations.get(tok.installation_id or -1)
            if inst is None:
                raise ApiError(401, "Bad credentials")
            return Identity("installation", f"installation:{inst.id}", self.world.bot, tok, inst)
        user = self.world.user(tok.login or "octocat")
        return Identity("user", f"user:{user.login}", user, tok)

    def _jwt_identity(self, token: str) -> Identity:
        now = time.time()
        try:
            claims = jwt.decode(
                token,
                self.config.app_public_key,
                algorithms=["RS256"],
                options={"require": ["exp", "iat", "iss"], "verify_iss": False},
                leeway=self.config.jwt_leeway,
            )
        except jwt.ExpiredSignatureError as exc:
            raise ApiError(
                401,
                "'Expiration time' claim ('exp') must be a numeric value representing the "
                "future time at which the assertion expires",
            ) from exc
        except jwt.ImmatureSignatureError as exc:
            raise ApiError(
                401,
                "'Issued at' claim ('iat') must be an Integer representing the time that the "
                "assertion was issued",
            ) from exc
        except jwt.InvalidTokenError as exc:
            raise ApiError(401, "A JSON web token could not be decoded") from exc
        if str(claims["iss"]) not in (str(self.config.app_id), self.config.client_id):
            raise ApiError(401, "A JSON web token could not be decoded")
        if float(claims["exp"]) - now > MAX_JWT_LIFETIME:
            raise ApiError(401, "'Expiration time' claim ('exp') is too far in the future")
        if float(claims["exp"]) <= float(claims["iat"]):
            raise ApiError(401, "'Expiration time' claim ('exp') must be after 'iat'")
        return Identity("app", f"app:{self.config.app_id}")

    def _check_route_auth(self, route: _Route, ident: Identity, req: ApiRequest) -> None:
        if route.auth == "none":
            return
        if route.auth == "app":
            if ident.kind != "app":
                raise ApiError(401, "A JSON web token could not be decoded")
            return
        if ident.kind == "app":
            raise ApiError(403, "Resource not accessible by integration")
        if route.auth == "installation" and ident.kind != "installation":
            if ident.kind == "anonymous":
                raise ApiError(401, "Requires authentication")
            raise ApiError(
                403,
                "You must authenticate with an installation access token in order to list "
                "repositories for an installation.",
            )
        if ident.kind == "anonymous" and (
            not self.config.allow_anonymous or req.method not in ("GET", "HEAD")
        ):
            raise ApiError(401, "Requires authentication")
        if ident.kind == "installation" and ident.installation and ident.installation.suspended_at:
            raise ApiError(403, "This installation has been suspended")

    def _need(self, req: ApiRequest, *alternatives: tuple[str, str]) -> None:
        """Installation tokens need one of the (permission, level) pairs; others pass."""
        ident = req.ident
        if ident.kind != "installation" or ident.installation is None:
            return
        granted = ident.installation.permissions
        if ident.token is not None and ident.token.permissions is not None:
            granted = {
                k: v for k, v in ident.token.permissions.items() if permission_allows(granted, k, v)
            }
        if any(permission_allows(granted, name, level) for name, level in alternatives):
            return
        raise ApiError(403, "Resource not accessible by integration")

    # ================================================================== helpers
    def _repo(self, req: ApiRequest, owner: str, repo: str) -> RepoState:
        r = self.world.repo(f"{unquote(owner)}/{unquote(repo)}")
        if r is None or not self._can_see(req.ident, r):
            raise not_found()
        return r

    def _can_see(self, ident: Identity, r: RepoState) -> bool:
        if ident.kind == "installation":
            assert ident.installation is not None
            assert ident.token is not None
            if not self.world.installation_covers(ident.installation, r):
                return False
            return ident.token.repos is None or r.key in ident.token.repos
        if ident.kind == "user":
            assert ident.user is not None
            return not r.private or self.world.role_of(r, ident.user.login) != "none"
        return not r.private

    def _issue(self, r: RepoState, number: str) -> IssueState:
        issue = r.issues.get(int(number))
        if issue is None:
            raise not_found()
        return issue

    def _pull(self, r: RepoState, number: str) -> PullState:
        issue = r.issues.get(int(number))
        if not isinstance(issue, PullState):
            raise not_found()
        return issue

    def _obj(self, req: ApiRequest, *, required: bool = True) -> dict[str, Any]:
        if req.json is None:
            if required:
                raise ApiError(400, "Problems parsing JSON")
            return {}
        if not isinstance(req.json, dict):
            raise invalid(f"For 'links/0/schema', {json.dumps(req.json)[:80]} is not an object.")
        return req.json

    def _page(
        self,
        req: ApiRequest,
        items: list[Any],
        *,
        default: int = 30,
        maximum: int = 100,
        cap: int | None = None,
    ) -> tuple[list[Any], dict[str, str]]:
        if cap is not None:
            items = items[:cap]
        per_page = _int(req.q("per_page"), default)
        per_page = default if per_page < 1 else min(per_page, maximum)
        page = max(1, _int(req.q("page"), 1))
        last = max(1, math.ceil(len(items) / per_page))
        chunk = items[(page - 1) * per_page : page * per_page]
        links: list[str] = []

        def link(p: int, rel: str) -> None:
            params = [(k, v) for k, v in req.query if k != "page"] + [("page", str(p))]
            links.append(f'<{self.shapes.api}{req.path}?{urlencode(params)}>; rel="{rel}"')

        if page > 1:
            link(min(page - 1, last), "prev")
        if page < last:
            link(page + 1, "next")
            link(last, "last")
        if page > 1:
            link(1, "first")
        return chunk, ({"link": ", ".join(links)} if links else {})

    def _user_or_404(self, login: str) -> UserState:
        user = self.world.find_user(unquote(login))
        if user is None:
            raise not_found()
        return user

    # ================================================================== meta
    def root(self, req: ApiRequest) -> tuple[int, Any]:
        api = self.shapes.api
        return 200, {
            "current_user_url": f"{api}/user",
            "repository_url": f"{api}/repos/{{owner}}/{{repo}}",
            "rate_limit_url": f"{api}/rate_limit",
        }

    def rate_limit(self, req: ApiRequest) -> tuple[int, Any]:
        limit, remaining, reset = self._bucket(req.ident)
        core = self.shapes.rate(limit, remaining, reset)
        reset_min = int(time.time()) + 60
        return 200, {
            "resources": {
                "core": core,
                "search": self.shapes.rate(30, 30, reset_min, "search"),
                "graphql": self.shapes.rate(limit, limit, reset, "graphql"),
                "integration_manifest": self.shapes.rate(5000, 5000, reset, "integration_manifest"),
                "code_search": self.shapes.rate(10, 10, reset_min, "code_search"),
            },
            "rate": core,
        }

    # ================================================================== apps
    def get_app(self, req: ApiRequest) -> tuple[int, Any]:
        self.world.app["installations_count"] = len(self.world.installations)
        return 200, self.shapes.app()

    def list_installations(self, req: ApiRequest) -> ApiResponse:
        items = sorted(self.world.installations.values(), key=lambda i: i.id)
        chunk, headers = self._page(req, items)
        return self._json(200, [self.shapes.installation(i) for i in chunk], headers)

    def get_installation(self, req: ApiRequest, iid: str) -> tuple[int, Any]:
        inst = self.world.installations.get(int(iid))
        if inst is None:
            raise not_found()
        return 200, self.shapes.installation(inst)

    def repo_installation(self, req: ApiRequest, owner: str, repo: str) -> tuple[int, Any]:
        r = self.world.repo(f"{unquote(owner)}/{unquote(repo)}")
        inst = self.world.installation_for_repo(r) if r is not None else None
        if inst is None:
            raise not_found()
        return 200, self.shapes.installation(inst)

    def org_installation(self, req: ApiRequest, org: str) -> tuple[int, Any]:
        name = unquote(org).lower()
        for inst in self.world.installations.values():
            if inst.account.login.lower() == name:
                return 200, self.shapes.installation(inst)
        raise not_found()

    def team_membership(
        self, req: ApiRequest, org: str, team: str, login: str
    ) -> tuple[int, Any]:
        self._need(req, ("members", "read"))
        roles = self.world.teams.get((unquote(org).lower(), unquote(team).lower()))
        name = unquote(login)
        role = next((r for who, r in (roles or {}).items() if who.lower() == name.lower()), None)
        if role is None:
            raise not_found()
        api = self.shapes.api
        return 200, {"url": f"{api}/organizations/1/team/1/memberships/{name}", "role": role,
                     "state": "active"}

    def create_token(self, req: ApiRequest, iid: str) -> tuple[int, Any]:
        doc = (
            "https://docs.github.com/rest/apps/apps#create-an-installation-access-token-for-an-app"
        )
        inst = self.world.installations.get(int(iid))
        if inst is None:
            raise ApiError(404, "Not Found", doc=doc)
        if inst.suspended_at is not None:
            raise ApiError(403, "This installation has been suspended", doc=doc)
        data = self._obj(req, required=False)
        scoped: set[str] | None = None
        names = data.get("repositories")
        ids = data.get("repository_ids")
        if names or ids:
            scoped = set()
            for name in names or []:
                r = self.world.repo(name if "/" in name else f"{inst.account.login}/{name}")
                if r is None or not self.world.installation_covers(inst, r):
                    raise ApiError(
                        422,
                        "There is at least one repository that does not exist or is not "
                        "accessible to the parent installation.",
                        doc=doc,
                    )
                scoped.add(r.key)
            for rid in ids or []:
                r = self.world.repo_by_id(int(rid))
                if r is None or not self.world.installation_covers(inst, r):
                    raise ApiError(
                        422,
                        "There is at least one repository that does not exist or is not "
                        "accessible to the parent installation.",
                        doc=doc,
                    )
                scoped.add(r.key)
        perms = data.get("permissions") or None
        if perms is not None and (
            not isinstance(perms, dict)
            or not all(
                isinstance(v, str)
                and v in ("read", "write", "admin")
                and permission_allows(inst.permissions, k, v)
                for k, v in perms.items()
            )
        ):
            raise ApiError(
                422, "The permissions requested are not granted to this installation.", doc=doc
            )
        token = self.issue_installation_token(inst, repos=scoped, permissions=perms)
        out: dict[str, Any] = {
            "token": token.token,
            "expires_at": iso(token.expires_at),
            "permissions": dict(perms or inst.permissions),
            "repository_selection": "selected" if scoped is not None else inst.repository_selection,
        }
        if scoped is not None:
            out["repositories"] = [self.shapes.repo(self.world.repos[k]) for k in sorted(scoped)]
        return 201, out

    def issue_installation_token(
        self,
        inst: InstallationState,
        *,
        repos: set[str] | None = None,
        permissions: dict[str, str] | None = None,
    ) -> TokenState:
        value = "ghs_" + "".join(secrets.choice(_TOKEN_ALPHABET) for _ in range(36))
        tok = TokenState(
            token=value,
            kind="installation",
            installation_id=inst.id,
            expires_at=utcnow() + timedelta(seconds=self.config.token_ttl),
            repos=repos,
            permissions=permissions,
        )
        self.world.tokens[value] = tok
        return tok

    def installation_repos(self, req: ApiRequest) -> ApiResponse:
        ident = req.ident
        assert ident.installation is not None
        repos = sorted(
            (r for r in self.world.repos.values() if self._can_see(ident, r)), key=lambda r: r.id
        )
        chunk, headers = self._page(req, repos)
        body = {
            "total_count": len(repos),
            "repository_selection": ident.installation.repository_selection,
            "repositories": [self.shapes.repo(r) for r in chunk],
        }
        return self._json(200, body, headers)

    # ------------------------------------------------------------------ webhook deliveries
    def list_deliveries(self, req: ApiRequest) -> ApiResponse:
        items = sorted(self.world.deliveries.values(), key=lambda d: d.id, reverse=True)
        cursor = req.q("cursor")
        if cursor:
            try:
                before = int(cursor.removeprefix("v1_"))
            except ValueError as exc:
                raise invalid("Invalid cursor") from exc
            items = [d for d in items if d.id < before]
        if req.q("status") in ("success", "failure"):
            want = req.q("status")
            items = [d for d in items if (d.status_code < 400) == (want == "success")]
        per_page = _int(req.q("per_page"), 30)
        per_page = 30 if per_page < 1 else min(per_page, 100)
        chunk = items[:per_page]
        headers: dict[str, str] = {}
        if len(items) > per_page:
            params = [(k, v) for k, v in req.query if k != "cursor"]
            params.append(("cursor", f"v1_{chunk[-1].id}"))
            headers["link"] = f'<{self.shapes.api}{req.path}?{urlencode(params)}>; rel="next"'
        return self._json(200, [self.shapes.delivery(d, detail=False) for d in chunk], headers)

    def get_delivery(self, req: ApiRequest, did: str) -> tuple[int, Any]:
        d = self.world.deliveries.get(int(did))
        if d is None:
            raise not_found()
        return 200, self.shapes.delivery(d, detail=True)

    def redeliver(self, req: ApiRequest, did: str) -> tuple[int, Any]:
        d = self.world.deliveries.get(int(did))
        if d is None:
            raise not_found()
        self.world.redeliveries.append(d.id)
        new_id = self.world.next_id("delivery")
        self.world.deliveries[new_id] = HookDeliveryState(
            id=new_id,
            guid=d.guid,
            event=d.event,
            action=d.action,
            status_code=200,
            status="OK",
            delivered_at=utcnow(),
            redelivery=True,
            duration=0.01,
            installation_id=d.installation_id,
            repository_id=d.repository_id,
            request_headers=dict(d.request_headers),
            request_payload=d.request_payload,
            response_headers={},
            response_payload="ok",
        )
        return 202, {}

    # ================================================================== users
    def get_authenticated_user(self, req: ApiRequest) -> tuple[int, Any]:
        ident = req.ident
        if ident.kind != "user" or ident.user is None:
            raise ApiError(403, "Resource not accessible by integration")
        return 200, self._user_detail(ident.user)

    def get_user(self, req: ApiRequest, login: str) -> tuple[int, Any]:
        return 200, self._user_detail(self._user_or_404(login))

    def _user_detail(self, u: UserState) -> dict[str, Any]:
        out = self.shapes.user(u)
        out.update({"name": u.name, "email": u.email, "company": None, "blog": "", "bio": None})
        return out

    # ================================================================== repositories
    def get_repo(self, req: ApiRequest, owner: str, repo: str) -> tuple[int, Any]:
        r = self._repo(req, owner, repo)
        return 200, self.shapes.repo(r, self._viewer_role(req.ident, r))

    def get_repo_by_id(self, req: ApiRequest, rid: str) -> tuple[int, Any]:
        r = self.world.repo_by_id(int(rid))
        if r is None or not self._can_see(req.ident, r):
            raise not_found()
        return 200, self.shapes.repo(r, self._viewer_role(req.ident, r))

    def _viewer_role(self, ident: Identity, r: RepoState) -> str | None:
        if ident.kind == "user" and ident.user is not None:
            return self.world.role_of(r, ident.user.login)
        if ident.kind == "installation":
            return "read"
        return None

    def get_contents(
        self, req: ApiRequest, owner: str, repo: str, path: str = ""
    ) -> tuple[int, Any]:
        r = self._repo(req, owner, repo)
        self._need(req, ("contents", "read"))
        ref = req.q("ref") or r.default_branch
        tree = self.world.tree(r, ref)
        if tree is None:
            raise ApiError(404, f"No commit found for the ref {ref}")
        path = unquote(path).strip("/")
        if path in tree:
            return 200, self.shapes.content_file(r, path, tree[path], ref)
        prefix = f"{path}/" if path else ""
        entries: dict[str, tuple[str, bytes | None]] = {}
        for p, data in tree.items():
            if p.startswith(prefix):
                rest = p[len(prefix) :]
                head, sep, _ = rest.partition("/")
                full = prefix + head
                entries[full] = ("dir", None) if sep else ("file", data)
        if not entries:
            raise ApiError(
                404,
                "Not Found",
                doc="https://docs.github.com/rest/repos/contents#get-repository-content",
            )
        listing = [
            self.shapes.content_dir_entry(r, p, kind, data, ref)
            for p, (kind, data) in sorted(entries.items())
        ]
        return 200, listing

    # ------------------------------------------------------------------ pulls
    def list_pulls(self, req: ApiRequest, owner: str, repo: str) -> ApiResponse:
        r = self._repo(req, owner, repo)
        self._need(req, ("pull_requests", "read"))
        state = req.q("state", "open")
        if state not in ("open", "closed", "all"):
            raise validation_failed("PullRequest", "state", "invalid")
        pulls = [p for p in r.issues.values() if isinstance(p, PullState)]
        if state != "all":
            pulls = [p for p in pulls if p.state == state]
        head = req.q("head")
        if head:
            user, _, ref = head.partition(":")
            pulls = [
                p
                for p in pulls
                if p.head_ref == (ref or user)
                and (not ref or self.world.repos[p.head_repo].owner.login.lower() == user.lower())
            ]
        base = req.q("base")
        if base:
            pulls = [p for p in pulls if p.base_ref == base]
        sort = req.q("sort", "created")
        key: Callable[[PullState], Any] = (
            (lambda p: (p.updated_at, p.number))
            if sort == "updated"
            else (lambda p: (p.created_at, p.number))
        )
        default_dir = "desc" if sort in ("created", "updated") else "asc"
        pulls.sort(key=key, reverse=req.q("direction", default_dir) == "desc")
        chunk, headers = self._page(req, pulls)
        body = [self.shapes.pull(r, self.world.repos[p.head_repo], p, full=False) for p in chunk]
        return self._json(200, body, headers)

    def get_pull(self, req: ApiRequest, owner: str, repo: str, number: str) -> Any:
        r = self._repo(req, owner, repo)
        self._need(req, ("pull_requests", "read"))
        p = self._pull(r, number)
        accept = req.headers.get("accept", "")
        if "diff" in accept or "patch" in accept:
            return self._diff(p)
        return 200, self.shapes.pull(r, self.world.repos[p.head_repo], p, full=True)

    def _diff(self, p: PullState) -> ApiResponse:
        doc = "https://docs.github.com/rest/pulls/pulls#list-pull-requests-files"
        if len(p.files) > MAX_DIFF_FILES:
            raise ApiError(
                406,
                f"Sorry, the diff exceeded the maximum number of files ({MAX_DIFF_FILES}). "
                "Consider using 'List pull requests files' API or locally cloning the "
                "repository instead.",
                errors=[{"resource": "PullRequest", "field": "diff", "code": "too_large"}],
                doc=doc,
            )
        out = [_file_diff(f) for f in p.files]
        text = "".join(out)
        if text.count("\n") > 20_000:
            raise ApiError(
                406,
                "Sorry, the diff exceeded the maximum number of lines (20000). Consider using "
                "'List pull requests files' API or locally cloning the repository instead.",
                errors=[{"resource": "PullRequest", "field": "diff", "code": "too_large"}],
                doc=doc,
            )
        return ApiResponse(
            200, text.encode(), {"content-type": "application/vnd.github.diff; charset=utf-8"}
        )

    def pull_files(self, req: ApiRequest, owner: str, repo: str, number: str) -> ApiResponse:
        r = self._repo(req, owner, repo)
        self._need(req, ("pull_requests", "read"))
        p = self._pull(r, number)
        chunk, headers = self._page(req, p.files, cap=MAX_PR_FILES)
        return self._json(200, [self.shapes.pull_file(r, p, f) for f in chunk], headers)

    def pull_commits(self, req: ApiRequest, owner: str, repo: str, number: str) -> ApiResponse:
        r = self._repo(req, owner, repo)
        self._need(req, ("pull_requests", "read"))
        p = self._pull(r, number)
        chunk, headers = self._page(req, p.commits, cap=MAX_PR_COMMITS)
        return self._json(200, [self._commit(r, c) for c in chunk], headers)

    def issue_events(self, req: ApiRequest, owner: str, repo: str, number: str) -> ApiResponse:
        """`GET /repos/{o}/{r}/issues/{n}/events`: who labelled and unlabelled it, oldest
        first, paginated (a pull request is an issue here)."""
        r = self._repo(req, owner, repo)
        issue = self._issue(r, number)
        self._need(req, ("issues", "read"), ("pull_requests", "read"))
        chunk, headers = self._page(req, issue.events)
        return self._json(200, [self.shapes.issue_event(r, e, self.world.user(e["actor"]))
                                for e in chunk], headers)

    def pull_reviews(self, req: ApiRequest, owner: str, repo: str, number: str) -> ApiResponse:
        """`GET /repos/{o}/{r}/pulls/{n}/reviews`: every review, oldest first (GitHub lists them
        chronologically), paginated."""
        r = self._repo(req, owner, repo)
        self._need(req, ("pull_requests", "read"))
        p = self._pull(r, number)
        chunk, headers = self._page(req, p.reviews)
        return self._json(200, [self.shapes.review(r, p, v, self.world.user(v["login"]))
                                for v in chunk], headers)

    def request_reviewers(
        self, req: ApiRequest, owner: str, repo: str, number: str
    ) -> tuple[int, Any]:
        """`POST /repos/{o}/{r}/pulls/{n}/requested_reviewers`: ask users (`reviewers`, logins)
        and teams (`team_reviewers`, slugs) to review. As GitHub: 422 when the author is asked
        or a login is unknown; asking again is a no-op; 201 with the pull request."""
        r = self._repo(req, owner, repo)
        self._need(req, ("pull_requests", "write"))
        p = self._pull(r, number)
        body = self._obj(req)
        users, teams = body.get("reviewers") or [], body.get("team_reviewers") or []
        if not all(isinstance(v, list) and all(isinstance(x, str) for x in v)
                   for v in (users, teams)):
            raise invalid("reviewers and team_reviewers must be lists of strings")
        if any(login.lower() == p.user.login.lower() for login in users):
            raise validation_failed("PullRequest", "reviewers", "invalid",
                                    "Review cannot be requested from pull request author.")
        found = []
        for login in users:
            user = self.world.find_user(login)
            if user is None:
                raise validation_failed("PullRequest", "reviewers", "invalid",
                                        "Reviews may only be requested from collaborators.")
            found.append(user)
        known = {u.login.lower() for u in p.requested_reviewers}
        p.requested_reviewers += [u for u in found if u.login.lower() not in known]
        p.requested_teams += [t for t in teams if t not in p.requested_teams]
        return 201, self.shapes.pull(r, self.world.repos[p.head_repo], p, full=True)

    def _commit(self, r: RepoState, c: dict[str, Any]) -> dict[str, Any]:
        login = c.get("author_login")
        author = self.world.user(login) if login else None
        return self.shapes.commit(r, c, author)

    def get_commit(self, req: ApiRequest, owner: str, repo: str, ref: str) -> tuple[int, Any]:
        r = self._repo(req, owner, repo)
        self._need(req, ("contents", "read"))
        sha = self._sha_or_422(r, unquote(ref))
        out = self._commit(r, self.world.register_commit(r, sha))
        out["stats"] = {"total": 0, "additions": 0, "deletions": 0}
        out["files"] = []
        return 200, out

    # ------------------------------------------------------------------ git data (notes refs)
    # Only the objects of a notes ref are modelled: its commit, its tree (one blob per annotated
    # commit, named by that commit's sha, as `git notes` writes a small notes tree) and blobs.

    @staticmethod
    def _object_sha(kind: str, key: str) -> str:
        return hashlib.sha1(f"{kind}:{key}".encode(), usedforsecurity=False).hexdigest()

    def _notes_objects(self, r: RepoState) -> dict[str, tuple[str, Any]]:
        """sha -> (kind, payload) of every notes object: commit -> ref, tree -> ref, blob -> text."""
        found: dict[str, tuple[str, Any]] = {}
        for ref, notes in r.notes.items():
            found[self._object_sha("commit", ref)] = ("commit", ref)
            found[self._object_sha("tree", ref)] = ("tree", ref)
            for text in notes.values():
                found[self._object_sha("blob", text)] = ("blob", text)
        return found

    def git_ref(self, req: ApiRequest, owner: str, repo: str, ref: str) -> tuple[int, Any]:
        r = self._repo(req, owner, repo)
        self._need(req, ("contents", "read"))
        full = "refs/" + unquote(ref)
        if full not in r.notes:
            raise not_found()
        sha = self._object_sha("commit", full)
        return 200, {"ref": full, "node_id": f"REF_{sha[:8]}",
                     "url": f"{self.shapes.repo_url(r)}/git/{full}",
                     "object": {"type": "commit", "sha": sha,
                                "url": f"{self.shapes.repo_url(r)}/git/commits/{sha}"}}

    def git_commit(self, req: ApiRequest, owner: str, repo: str, sha: str) -> tuple[int, Any]:
        r = self._repo(req, owner, repo)
        self._need(req, ("contents", "read"))
        kind, ref = self._notes_objects(r).get(sha, ("", None))
        if kind != "commit":
            raise not_found()
        tree = self._object_sha("tree", ref)
        return 200, {"sha": sha, "message": "Notes added by 'git notes add'", "parents": [],
                     "tree": {"sha": tree, "url": f"{self.shapes.repo_url(r)}/git/trees/{tree}"}}

    def git_tree(self, req: ApiRequest, owner: str, repo: str, sha: str) -> tuple[int, Any]:
        r = self._repo(req, owner, repo)
        self._need(req, ("contents", "read"))
        kind, ref = self._notes_objects(r).get(sha, ("", None))
        if kind != "tree":
            raise not_found()
        entries = [
            {"path": commit, "mode": "100644", "type": "blob",
             "sha": self._object_sha("blob", text), "size": len(text.encode())}
            for commit, text in sorted(r.notes[ref].items())
        ]
        return 200, {"sha": sha, "tree": entries, "truncated": False}

    def git_blob(self, req: ApiRequest, owner: str, repo: str, sha: str) -> tuple[int, Any]:
        r = self._repo(req, owner, repo)
        self._need(req, ("contents", "read"))
        kind, text = self._notes_objects(r).get(sha, ("", None))
        if kind != "blob":
            raise not_found()
        data = text.encode()
        return 200, {"sha": sha, "size": len(data), "encoding": "base64",
                     "content": base64.b64encode(data).decode() + "\n"}

    def compare(self, req: ApiRequest, owner: str, repo: str, basehead: str) -> ApiResponse:
        """``GET /repos/{o}/{r}/compare/{base}...{head}``: a seeded comparison
        (``FakeGitHub.set_compare``), else the one of a pull request with exactly that base and
        head, else ``identical`` when both name one commit; unknown refs are 404."""
        r = self._repo(req, owner, repo)
        self._need(req, ("contents", "read"))
        base, sep, head = unquote(basehead).partition("...")
        if not sep or not base or not head:
            raise not_found()
        base_sha = self._compare_ref(r, base)
        head_sha = self._compare_ref(r, head)
        c = self.comparison_of(r, base_sha, head_sha)
        if c is None:
            raise ApiError(404, f"No common ancestor between {base} and {head}.")
        chunk, headers = self._page(req, c.commits, default=MAX_COMPARE_COMMITS, maximum=1000)
        first_page = max(1, _int(req.q("page"), 1)) == 1
        body = self.shapes.comparison(
            r,
            basehead,
            c,
            base_commit=self._commit(r, self.world.register_commit(r, c.base_sha)),
            merge_base_commit=self._commit(r, self.world.register_commit(r, c.merge_base_sha)),
            commits=[self._commit(r, commit) for commit in chunk],
            files=c.files[:MAX_COMPARE_FILES] if first_page else None,
        )
        return self._json(200, body, headers)

    def _compare_ref(self, r: RepoState, ref: str) -> str:
        """``ref`` or ``owner:ref`` (this repository's owner only) -> sha, or 404."""
        owner, colon, rest = ref.partition(":")
        if colon:
            if owner.lower() != r.owner.login.lower():
                raise not_found()
            ref = rest
        sha = self.world.resolve_ref(r, ref)
        if sha is None:
            raise not_found()
        return sha

    def comparison_of(self, r: RepoState, base_sha: str, head_sha: str) -> ComparisonState | None:
        seeded = r.comparisons.get((base_sha, head_sha))
        if seeded is not None:
            return seeded
        for p in r.issues.values():
            if isinstance(p, PullState) and (p.base_sha, p.head_sha) == (base_sha, head_sha):
                return ComparisonState(
                    base_sha=base_sha,
                    head_sha=head_sha,
                    files=p.files,
                    commits=p.commits,
                    status="ahead" if p.commits else "identical",
                    ahead_by=len(p.commits),
                    behind_by=0,
                    merge_base_sha=base_sha,
                )
        if base_sha == head_sha:
            return ComparisonState(
                base_sha=base_sha,
                head_sha=head_sha,
                files=[],
                commits=[],
                status="identical",
                ahead_by=0,
                behind_by=0,
                merge_base_sha=base_sha,
            )
        return None

    def _sha_or_422(self, r: RepoState, ref: str) -> str:
        sha = self.world.resolve_ref(r, ref)
        if sha is None:
            raise ApiError(422, f"No commit found for SHA: {ref}")
        return sha

    # ------------------------------------------------------------------ issues & comments
    def get_issue(self, req: ApiRequest, owner: str, repo: str, number: str) -> tuple[int, Any]:
        r = self._repo(req, owner, repo)
        issue = self._issue(r, number)
        self._need(
            req,
            ("issues", "read"),
            ("pull_requests", "read") if issue.is_pull else ("issues", "read"),
        )
        return 200, self.shapes.issue(r, issue)

    def comment_json(self, r: RepoState, c: CommentState) -> dict[str, Any]:
        issue = r.issues.get(c.issue_number)
        return self.shapes.comment(r, c, issue, self.world.association(r, c.user))

    def list_comments(self, req: ApiRequest, owner: str, repo: str, number: str) -> ApiResponse:
        r = self._repo(req, owner, repo)
        issue = self._issue(r, number)
        self._need(
            req,
            ("issues", "read"),
            ("pull_requests", "read") if issue.is_pull else ("issues", "read"),
        )
        comments = [self.world.comments[cid] for cid in issue.comment_ids]
        since = req.q("since")
        if since:
            cutoff = _parse_time(since, "since")
            comments = [c for c in comments if c.updated_at >= cutoff]
        chunk, headers = self._page(req, comments)
        return self._json(200, [self.comment_json(r, c) for c in chunk], headers)

    def _comment_body(self, req: ApiRequest) -> str:
        data = self._obj(req)
        if "body" not in data or data["body"] is None:
            raise validation_failed("IssueComment", "body", "missing_field")
        body = data["body"]
        if not isinstance(body, str):
            raise invalid(f"For 'properties/body', {json.dumps(body)} is not a string.")
        if not body.strip():
            raise validation_failed("IssueComment", "data", "unprocessable", "Body cannot be blank")
        if len(body) > MAX_COMMENT_BODY:
            err = validation_failed(
                "IssueComment",
                "data",
                "unprocessable",
                f"Body is too long (maximum is {MAX_COMMENT_BODY} characters)",
            )
            err.doc = "https://docs.github.com/rest/issues/comments#create-an-issue-comment"
            raise err
        return body

    def create_comment(
        self, req: ApiRequest, owner: str, repo: str, number: str
    ) -> tuple[int, Any]:
        r = self._repo(req, owner, repo)
        issue = self._issue(r, number)
        self._need(
            req,
            ("issues", "write"),
            ("pull_requests", "write") if issue.is_pull else ("issues", "write"),
        )
        body = self._comment_body(req)
        ident = req.ident
        assert ident.user is not None
        now = utcnow()
        c = CommentState(
            id=self.world.next_id("comment"),
            repo=r.key,
            issue_number=issue.number,
            body=body,
            user=ident.user,
            via_app=ident.kind == "installation",
            created_at=now,
            updated_at=now,
        )
        self.world.comments[c.id] = c
        issue.comment_ids.append(c.id)
        issue.updated_at = now
        return 201, self.comment_json(r, c)

    def _comment(self, r: RepoState, cid: str) -> CommentState:
        c = self.world.comments.get(int(cid))
        if c is None or c.repo != r.key:
            raise not_found()
        return c

    def get_comment(self, req: ApiRequest, owner: str, repo: str, cid: str) -> tuple[int, Any]:
        r = self._repo(req, owner, repo)
        self._need(req, ("issues", "read"), ("pull_requests", "read"))
        return 200, self.comment_json(r, self._comment(r, cid))

    def _may_modify_comment(self, req: ApiRequest, r: RepoState, c: CommentState) -> None:
        ident = req.ident
        issue = r.issues.get(c.issue_number)
        alt = (
            ("pull_requests", "write")
            if issue is not None and issue.is_pull
            else ("issues", "write")
        )
        self._need(req, ("issues", "write"), alt)
        if ident.kind == "installation" and c.user is not self.world.bot:
            raise ApiError(403, "Resource not accessible by integration")
        if (
            ident.kind == "user"
            and ident.user is not None
            and c.user is not ident.user
            and self.world.role_of(r, ident.user.login) not in ("admin", "maintain", "write")
        ):
            raise ApiError(403, "Must have admin rights to Repository.")

    def edit_comment(self, req: ApiRequest, owner: str, repo: str, cid: str) -> tuple[int, Any]:
        r = self._repo(req, owner, repo)
        c = self._comment(r, cid)
        self._may_modify_comment(req, r, c)
        c.body = self._comment_body(req)
        c.updated_at = utcnow()
        return 200, self.comment_json(r, c)

    def delete_comment(self, req: ApiRequest, owner: str, repo: str, cid: str) -> tuple[int, Any]:
        r = self._repo(req, owner, repo)
        c = self._comment(r, cid)
        self._may_modify_comment(req, r, c)
        del self.world.comments[c.id]
        issue = r.issues.get(c.issue_number)
        if issue is not None and c.id in issue.comment_ids:
            issue.comment_ids.remove(c.id)
        return 204, None

    # ------------------------------------------------------------------ labels
    def _label_names(self, req: ApiRequest) -> list[str]:
        data = req.json
        if isinstance(data, dict):
            if "labels" not in data:
                raise validation_failed("Label", "labels", "missing_field")
            data = data["labels"]
        if isinstance(data, str):
            data = [data]
        if not isinstance(data, list):
            raise invalid("For 'links/0/schema', the labels must be an array.")
        names: list[str] = []
        for item in data:
            name = item.get("name") if isinstance(item, dict) else item
            if not isinstance(name, str) or not name.strip():
                raise validation_failed("Label", "name", "missing_field")
            if len(name) > MAX_LABEL_NAME:
                raise validation_failed(
                    "Label",
                    "name",
                    "custom",
                    f"name is too long (maximum is {MAX_LABEL_NAME} characters)",
                )
            names.append(name)
        return names

    def ensure_label(self, r: RepoState, name: str, color: str = "ededed") -> LabelState:
        lab = r.labels.get(name.lower())
        if lab is None:
            lab = LabelState(id=self.world.next_id("label"), name=name, color=color)
            r.labels[name.lower()] = lab
        return lab

    def _labels_response(self, r: RepoState, issue: IssueState) -> tuple[int, Any]:
        return 200, self.shapes.issue_labels(r, issue)

    def _label_perm(self, req: ApiRequest, issue: IssueState, level: str) -> None:
        alt = ("pull_requests", level) if issue.is_pull else ("issues", level)
        self._need(req, ("issues", level), alt)

    def list_issue_labels(self, req: ApiRequest, owner: str, repo: str, number: str) -> ApiResponse:
        r = self._repo(req, owner, repo)
        issue = self._issue(r, number)
        self._label_perm(req, issue, "read")
        chunk, headers = self._page(req, self.shapes.issue_labels(r, issue))
        return self._json(200, chunk, headers)

    def add_issue_labels(
        self, req: ApiRequest, owner: str, repo: str, number: str
    ) -> tuple[int, Any]:
        r = self._repo(req, owner, repo)
        issue = self._issue(r, number)
        self._label_perm(req, issue, "write")
        for name in self._label_names(req):
            lab = self.ensure_label(r, name)
            if lab.name.lower() not in (n.lower() for n in issue.labels):
                issue.labels.append(lab.name)
        issue.updated_at = utcnow()
        return self._labels_response(r, issue)

    def set_issue_labels(
        self, req: ApiRequest, owner: str, repo: str, number: str
    ) -> tuple[int, Any]:
        r = self._repo(req, owner, repo)
        issue = self._issue(r, number)
        self._label_perm(req, issue, "write")
        names = self._label_names(req)
        issue.labels = []
        for name in names:
            lab = self.ensure_label(r, name)
            if lab.name.lower() not in (n.lower() for n in issue.labels):
                issue.labels.append(lab.name)
        issue.updated_at = utcnow()
        return self._labels_response(r, issue)

    def clear_issue_labels(
        self, req: ApiRequest, owner: str, repo: str, number: str
    ) -> tuple[int, Any]:
        r = self._repo(req, owner, repo)
        issue = self._issue(r, number)
        self._label_perm(req, issue, "write")
        issue.labels = []
        issue.updated_at = utcnow()
        return 204, None

    def remove_issue_label(
        self, req: ApiRequest, owner: str, repo: str, number: str, name: str
    ) -> tuple[int, Any]:
        r = self._repo(req, owner, repo)
        issue = self._issue(r, number)
        self._label_perm(req, issue, "write")
        wanted = unquote(name).lower()
        kept = [n for n in issue.labels if n.lower() != wanted]
        if len(kept) == len(issue.labels):
            raise ApiError(
                404,
                "Label does not exist",
                doc="https://docs.github.com/rest/issues/labels#remove-a-label-from-an-issue",
            )
        issue.labels = kept
        issue.updated_at = utcnow()
        return self._labels_response(r, issue)

    def list_labels(self, req: ApiRequest, owner: str, repo: str) -> ApiResponse:
        r = self._repo(req, owner, repo)
        items = sorted(r.labels.values(), key=lambda lab: lab.name.lower())
        chunk, headers = self._page(req, items)
        return self._json(200, [self.shapes.label(r, lab) for lab in chunk], headers)

    def get_label(self, req: ApiRequest, owner: str, repo: str, name: str) -> tuple[int, Any]:
        r = self._repo(req, owner, repo)
        lab = r.labels.get(unquote(name).lower())
        if lab is None:
            raise not_found()
        return 200, self.shapes.label(r, lab)

    def create_label(self, req: ApiRequest, owner: str, repo: str) -> tuple[int, Any]:
        r = self._repo(req, owner, repo)
        self._need(req, ("issues", "write"), ("pull_requests", "write"))
        data = self._obj(req)
        name = data.get("name")
        if not isinstance(name, str) or not name.strip():
            raise validation_failed("Label", "name", "missing_field")
        if len(name) > MAX_LABEL_NAME:
            raise validation_failed(
                "Label",
                "name",
                "custom",
                f"name is too long (maximum is {MAX_LABEL_NAME} characters)",
            )
        if name.lower() in r.labels:
            raise validation_failed("Label", "name", "already_exists")
        color = str(data.get("color") or "ededed").lstrip("#")
        if not re.fullmatch(r"[0-9a-fA-F]{6}", color):
            raise validation_failed("Label", "color", "invalid")
        lab = self.ensure_label(r, name, color)
        lab.description = data.get("description")
        return 201, self.shapes.label(r, lab)

    # ------------------------------------------------------------------ check runs
    def check_json(self, r: RepoState, cr: CheckRunState) -> dict[str, Any]:
        return self.shapes.check_run(r, cr, self.world.open_pulls_with_head(r, cr.head_sha))

    def _apps_only(self, req: ApiRequest) -> None:
        if req.ident.kind != "installation":
            raise ApiError(
                403,
                "You must authenticate via a GitHub App.",
                doc="https://docs.github.com/rest/checks/runs#create-a-check-run",
            )

    def _validate_output(self, output: Any, *, creating: bool) -> dict[str, Any]:
        if not isinstance(output, dict):
            raise invalid(f"For 'properties/output', {json.dumps(output)[:80]} is not an object.")
        if creating and output.get("title") is None:
            raise invalid('"title" wasn\'t supplied.')
        if output.get("summary") is None:
            raise invalid('"summary" wasn\'t supplied.')
        for key, limit in (
            ("title", MAX_CHECK_TITLE),
            ("summary", MAX_CHECK_TEXT),
            ("text", MAX_CHECK_TEXT),
        ):
            value = output.get(key)
            if value is None:
                continue
            if not isinstance(value, str):
                raise invalid(f"For 'properties/{key}', {json.dumps(value)[:80]} is not a string.")
            if len(value) > limit:
                raise invalid(f"Only {limit} characters are allowed; {len(value)} were supplied.")
        annotations = output.get("annotations")
        if annotations is not None:
            output = dict(output, annotations=self._validate_annotations(annotations))
        return output

    def _validate_annotations(self, annotations: Any) -> list[dict[str, Any]]:
        if not isinstance(annotations, list):
            raise invalid("For 'properties/annotations', the value is not an array.")
        if len(annotations) > MAX_ANNOTATIONS_PER_REQUEST:
            raise invalid(
                f"No more than {MAX_ANNOTATIONS_PER_REQUEST} items are allowed; "
                f"{len(annotations)} were supplied."
            )
        out = []
        for a in annotations:
            if not isinstance(a, dict):
                raise invalid("For 'items', the annotation is not an object.")
            for key in ("path", "start_line", "end_line", "annotation_level", "message"):
                if a.get(key) is None:
                    raise invalid(f'"{key}" wasn\'t supplied.')
            for key in ("start_line", "end_line", "start_column", "end_column"):
                if a.get(key) is not None and (
                    not isinstance(a[key], int) or isinstance(a[key], bool)
                ):
                    raise invalid(
                        f"For 'properties/{key}', {json.dumps(a[key])} is not an integer."
                    )
            if a["annotation_level"] not in ANNOTATION_LEVELS:
                raise invalid(
                    f"For 'properties/annotation_level', {json.dumps(a['annotation_level'])} is "
                    f"not a member of {json.dumps(list(ANNOTATION_LEVELS))}."
                )
            if (a.get("start_column") is not None or a.get("end_column") is not None) and a[
                "start_line"
            ] != a["end_line"]:
                raise validation_failed("CheckRun", "annotations", "invalid")
            for key, limit in (
                ("title", MAX_CHECK_TITLE),
                ("message", MAX_CHECK_TEXT),
                ("raw_details", MAX_CHECK_TEXT),
            ):
                size = len(str(a[key])) if a.get(key) is not None else 0
                if size > limit:
                    raise invalid(f"Only {limit} characters are allowed; {size} were supplied.")
            out.append(dict(a))
        return out

    def _apply_check_fields(
        self, cr: CheckRunState, data: dict[str, Any], *, creating: bool
    ) -> None:
        status = data.get("status")
        if status is not None and status not in CHECK_STATUSES:
            raise invalid(
                f"For 'properties/status', {json.dumps(status)} is not a member of "
                f"{json.dumps(list(CHECK_STATUSES))}."
            )
        conclusion = data.get("conclusion")
        if conclusion is not None and conclusion not in CHECK_CONCLUSIONS:
            raise invalid(
                f"For 'properties/conclusion', {json.dumps(conclusion)} is not a member of "
                f"{json.dumps(list(CHECK_CONCLUSIONS))}."
            )
        actions = data.get("actions")
        if actions is not None:
            if not isinstance(actions, list):
                raise invalid("For 'properties/actions', the value is not an array.")
            if len(actions) > 3:
                raise invalid(f"No more than 3 items are allowed; {len(actions)} were supplied.")
        output = data.get("output")
        if output is not None:
            output = self._validate_output(output, creating=creating)
        started = _parse_time(data["started_at"], "started_at") if data.get("started_at") else None
        completed = (
            _parse_time(data["completed_at"], "completed_at") if data.get("completed_at") else None
        )
        if (
            (status == "completed" or completed is not None)
            and conclusion is None
            and cr.conclusion is None
        ):
            raise invalid('"conclusion" wasn\'t supplied.')
        # all validation passed: apply
        if status is not None:
            cr.status = status
        if started is not None:
            cr.started_at = started
        if conclusion is not None:
            cr.conclusion = conclusion
            cr.status = "completed"
        if cr.status == "completed":
            cr.completed_at = completed or cr.completed_at or utcnow()
        for key in ("details_url", "external_id", "name"):
            if data.get(key) is not None:
                setattr(cr, key, data[key])
        if actions is not None:
            cr.actions = list(actions)
        if output is not None:
            if output.get("title") is not None:
                cr.title = output["title"]
            cr.summary = output["summary"]
            if output.get("text") is not None:
                cr.text = output["text"]
            cr.annotations.extend(output.get("annotations") or [])
        cr.updated_at = utcnow()

    def create_check_run(self, req: ApiRequest, owner: str, repo: str) -> tuple[int, Any]:
        r = self._repo(req, owner, repo)
        self._apps_only(req)
        self._need(req, ("checks", "write"))
        data = self._obj(req)
        for key in ("name", "head_sha"):
            if not isinstance(data.get(key), str) or not data[key]:
                raise invalid(f'"{key}" wasn\'t supplied.')
        sha = self._sha_or_422(r, data["head_sha"])
        now = utcnow()
        suite = self._suites.setdefault((r.key, sha), self.world.next_id("check_suite"))
        cr = CheckRunState(
            id=self.world.next_id("check_run"),
            repo=r.key,
            name=data["name"],
            head_sha=sha,
            status="queued",
            conclusion=None,
            started_at=now,
            completed_at=None,
            details_url=None,
            external_id=None,
            title=None,
            summary=None,
            text=None,
            annotations=[],
            actions=[],
            check_suite_id=suite,
            created_at=now,
            updated_at=now,
        )
        self._apply_check_fields(cr, data, creating=True)
        self.world.check_runs[cr.id] = cr
        r.check_run_ids.append(cr.id)
        return 201, self.check_json(r, cr)

    def _check_run(self, r: RepoState, crid: str) -> CheckRunState:
        cr = self.world.check_runs.get(int(crid))
        if cr is None or cr.repo != r.key:
            raise not_found()
        return cr

    def get_check_run(self, req: ApiRequest, owner: str, repo: str, crid: str) -> tuple[int, Any]:
        r = self._repo(req, owner, repo)
        self._need(req, ("checks", "read"))
        return 200, self.check_json(r, self._check_run(r, crid))

    def update_check_run(
        self, req: ApiRequest, owner: str, repo: str, crid: str
    ) -> tuple[int, Any]:
        r = self._repo(req, owner, repo)
        self._apps_only(req)
        self._need(req, ("checks", "write"))
        cr = self._check_run(r, crid)
        data = self._obj(req)
        self._apply_check_fields(cr, data, creating=False)
        cr.updates += 1
        return 200, self.check_json(r, cr)

    def list_annotations(self, req: ApiRequest, owner: str, repo: str, crid: str) -> ApiResponse:
        r = self._repo(req, owner, repo)
        self._need(req, ("checks", "read"))
        cr = self._check_run(r, crid)
        chunk, headers = self._page(req, cr.annotations)
        return self._json(200, [self.shapes.annotation(r, cr, a) for a in chunk], headers)

    def list_check_runs(self, req: ApiRequest, owner: str, repo: str, ref: str) -> ApiResponse:
        r = self._repo(req, owner, repo)
        self._need(req, ("checks", "read"))
        sha = self._sha_or_422(r, unquote(ref))
        runs = [
            self.world.check_runs[i]
            for i in r.check_run_ids
            if self.world.check_runs[i].head_sha == sha
        ]
        runs.sort(key=lambda c: c.id, reverse=True)
        name = req.q("check_name")
        if name:
            runs = [c for c in runs if c.name == name]
        status = req.q("status")
        if status:
            runs = [c for c in runs if c.status == status]
        app_id = req.q("app_id")
        if app_id and app_id != str(self.config.app_id):
            runs = []
        if req.q("filter", "latest") == "latest":
            seen: set[str] = set()
            latest = []
            for c in runs:
                if c.name not in seen:
                    seen.add(c.name)
                    latest.append(c)
            runs = latest
        chunk, headers = self._page(req, runs)
        body = {"total_count": len(runs), "check_runs": [self.check_json(r, c) for c in chunk]}
        return self._json(200, body, headers)

    # ------------------------------------------------------------------ commit statuses
    def create_status(self, req: ApiRequest, owner: str, repo: str, sha: str) -> tuple[int, Any]:
        r = self._repo(req, owner, repo)
        self._need(req, ("statuses", "write"))
        data = self._obj(req)
        state = data.get("state")
        if state not in STATUS_STATES:
            raise validation_failed(
                "Status", "state", "custom", "state is not included in the list"
            )
        description = data.get("description")
        if description is not None and len(str(description)) > MAX_STATUS_DESCRIPTION:
            raise validation_failed(
                "Status",
                "description",
                "custom",
                f"description is too long (maximum is {MAX_STATUS_DESCRIPTION} characters)",
            )
        full = self._sha_or_422(r, unquote(sha))
        context = data.get("context") or "default"
        same = [s for s in r.statuses if s.sha == full and s.context == context]
        if len(same) >= MAX_STATUSES_PER_CONTEXT:
            raise validation_failed(
                "Status",
                "context",
                "custom",
                "This SHA and context has reached the maximum number of statuses.",
            )
        ident = req.ident
        assert ident.user is not None
        st = StatusState(
            id=self.world.next_id("status"),
            repo=r.key,
            sha=full,
            state=state,
            context=context,
            description=description,
            target_url=data.get("target_url"),
            creator=ident.user,
            created_at=utcnow(),
        )
        r.statuses.append(st)
        return 201, self.shapes.status(r, st)

    def list_statuses(self, req: ApiRequest, owner: str, repo: str, ref: str) -> ApiResponse:
        r = self._repo(req, owner, repo)
        self._need(req, ("statuses", "read"))
        sha = self._sha_or_422(r, unquote(ref))
        items = [s for s in reversed(r.statuses) if s.sha == sha]
        chunk, headers = self._page(req, items)
        return self._json(200, [self.shapes.status(r, s) for s in chunk], headers)

    def combined_status(self, req: ApiRequest, owner: str, repo: str, ref: str) -> tuple[int, Any]:
        r = self._repo(req, owner, repo)
        self._need(req, ("statuses", "read"))
        sha = self._sha_or_422(r, unquote(ref))
        latest: dict[str, StatusState] = {}
        for s in r.statuses:
            if s.sha == sha:
                latest[s.context] = s
        states = {s.state for s in latest.values()}
        if states & {"error", "failure"}:
            overall = "failure"
        elif not states or "pending" in states:
            overall = "pending"
        else:
            overall = "success"
        rurl = self.shapes.repo_url(r)
        return 200, {
            "state": overall,
            "statuses": [self.shapes.status(r, s) for s in latest.values()],
            "sha": sha,
            "total_count": len(latest),
            "repository": self.shapes.repo(r),
            "commit_url": f"{rurl}/commits/{sha}",
            "url": f"{rurl}/commits/{sha}/status",
        }

    # ------------------------------------------------------------------ collaborators
    def collaborator_permission(
        self, req: ApiRequest, owner: str, repo: str, login: str
    ) -> tuple[int, Any]:
        r = self._repo(req, owner, repo)
        self._need(req, ("metadata", "read"))
        user = self._user_or_404(login)
        role = self.world.role_of(r, user.login)
        legacy = self.world.legacy_permission(r, user.login)
        rank = ["none", "read", "triage", "write", "maintain", "admin"]
        base = legacy if role not in rank else role
        level = rank.index(base) if base in rank else 0
        user_json = self.shapes.user(user)
        user_json["permissions"] = {
            "admin": level >= 5,
            "maintain": level >= 4,
            "push": level >= 3,
            "triage": level >= 2,
            "pull": level >= 1,
        }
        user_json["role_name"] = role
        return 200, {"permission": legacy, "role_name": role, "user": user_json}


# ---------------------------------------------------------------------- module helpers
def _looks_like_jwt(cred: str) -> bool:
    return cred.startswith("eyJ") and cred.count(".") == 2


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _parse_time(value: Any, name: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError as exc:
        raise invalid(f"For 'properties/{name}', {json.dumps(value)} is not a date-time.") from exc
    if parsed.tzinfo is None:
        raise invalid(f"For 'properties/{name}', {json.dumps(value)} is not a date-time.")
    return parsed


def _file_diff(f: dict[str, Any]) -> str:
    new = f["filename"]
    old = f.get("previous_filename", new)
    lines = [f"diff --git a/{old} b/{new}"]
    sha = f["sha"][:7]
    status = f["status"]
    if status == "added":
        lines += ["new file mode 100644", f"index 0000000..{sha}"]
        minus, plus = "/dev/null", f"b/{new}"
    elif status == "removed":
        lines += ["deleted file mode 100644", f"index {sha}..0000000"]
        minus, plus = f"a/{old}", "/dev/null"
    else:
        if status == "renamed":
            lines += ["similarity index 90%", f"rename from {old}", f"rename to {new}"]
        lines.append(f"index {f['sha'][-7:]}..{sha} 100644")
        minus, plus = f"a/{old}", f"b/{new}"
    if f.get("patch"):
        lines += [f"--- {minus}", f"+++ {plus}", f["patch"].rstrip("\n")]
    elif "patch" not in f:
        lines.append(f"Binary files {minus} and {plus} differ")
    return "\n".join(lines) + "\n"


def new_delivery_guid() -> str:
    return str(uuid.uuid4())


__all__ = ["Api", "ApiConfig", "ApiError", "ApiRequest", "ApiResponse", "Identity"]
