"""The App-level side of GitHub that the catch-up pass needs (`webhooks/reconcile.py`).

With the App's JWT: its webhook deliveries and their redelivery (`GET /app/hook/deliveries`,
`POST /app/hook/deliveries/{id}/attempts`, the past 3 days only) and its installations. With an
installation's token: its repositories, their open pull requests, and whether a head already
carries a check run. Requests go through PyGithub's requester, as in `bot.github.pygithub`, with
the same bounded retries; PyGithub's errors become `GitHubError`. After every answer the remaining
budget is read, and `BudgetLow` is raised once it falls below `min_remaining`, so a catch-up pass
never spends the requests the jobs need.
"""

from __future__ import annotations

import datetime
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import github
from github import Auth, GithubIntegration
from github.Requester import Requester

from bot.github.port import GitHubError
from bot.github.pygithub import Connection, _retry, translated

__all__ = ["AppClient", "BudgetLow", "CreatedApp", "HookDelivery", "OpenPull", "convert_manifest"]

_NEXT = re.compile(r'<([^>]+)>;\s*rel="next"')


class BudgetLow(GitHubError):
    """GitHub's remaining request budget fell below what the caller wanted to keep."""


@dataclass(frozen=True)
class HookDelivery:
    id: int
    guid: str
    delivered_at: datetime.datetime
    status_code: int
    redelivery: bool
    event: str
    action: str | None
    installation_id: int | None

    @property
    def failed(self) -> bool:
        return not 200 <= self.status_code < 300


@dataclass(frozen=True)
class OpenPull:
    repo: str
    number: int
    head_sha: str


@dataclass(frozen=True)
class CreatedApp:
    """What GitHub hands over, once, for an App created from a manifest."""

    id: int
    slug: str
    name: str
    html_url: str
    owner: str | None
    webhook_secret: str
    pem: str
    client_id: str
    client_secret: str

    def __repr__(self) -> str:  # never the secrets
        return f"CreatedApp(id={self.id}, slug={self.slug!r}, owner={self.owner!r})"


class _NoConversionBodies(logging.Filter):
    """PyGithub logs every answer's body at DEBUG; a manifest conversion's body is the new App's
    private key, webhook secret and client secret, which must never reach a log."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "/app-manifests/" not in str(record.args) + str(record.msg)


logging.getLogger("github.Requester").addFilter(_NoConversionBodies())


def convert_manifest(base_url: str, code: str, *, timeout: int = 15) -> CreatedApp:
    """Exchange the code GitHub's manifest flow redirected with for the new App's id, private key,
    webhook secret and OAuth client (`POST /app-manifests/{code}/conversions`; no
    authentication: the code is the credential, valid once, for an hour)."""
    client = github.Github(base_url=base_url.rstrip("/"), timeout=timeout, retry=_retry(60.0),
                           seconds_between_requests=None, seconds_between_writes=None)
    url = f"/app-manifests/{quote(code, safe='')}/conversions"
    try:
        with translated("converting the App manifest"):
            _, data = client.requester.requestJsonAndCheck("POST", url)
    finally:
        client.close()
    try:
        return CreatedApp(
            id=int(data["id"]), slug=str(data["slug"]), name=str(data.get("name") or data["slug"]),
            html_url=str(data["html_url"]), owner=(data.get("owner") or {}).get("login"),
            webhook_secret=str(data["webhook_secret"]), pem=str(data["pem"]),
            client_id=str(data.get("client_id") or ""),
            client_secret=str(data.get("client_secret") or ""),
        )
    except (KeyError, TypeError, ValueError) as e:
        raise GitHubError(f"converting the App manifest: unexpected answer ({e!r} missing)") from e


def _when(value: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))


class AppClient:
    """One catch-up pass's view of GitHub (App mode only: needs the App id and key)."""

    def __init__(self, connection: Connection, *, min_remaining: int = 0) -> None:
        if connection.app_id is None or not connection.private_key:
            raise GitHubError("catching up needs App credentials (an App id and private key)")
        self.connection = connection
        self.min_remaining = min_remaining
        self.requests = 0
        integration = GithubIntegration(
            auth=Auth.AppAuth(connection.app_id, connection.private_key),
            base_url=connection.base_url, timeout=connection.timeout,
            retry=_retry(connection.max_wait), seconds_between_requests=None,
            seconds_between_writes=None,
        )
        self._integration = integration
        self._app = integration.requester

    def close(self) -> None:
        self._integration.close()

    def _installation(self, installation_id: int) -> Requester:
        return self.connection.port(installation_id).client.requester

    def _call(
        self, requester: Requester, verb: str, url: str, parameters: dict[str, Any] | None = None
    ) -> tuple[dict[str, Any], Any]:
        with translated(f"{verb} {url}"):
            headers, data = requester.requestJsonAndCheck(verb, url, parameters=parameters)
        self.requests += 1
        remaining, _limit = requester.rate_limiting
        if 0 <= remaining < self.min_remaining:
            raise BudgetLow(f"GitHub budget low ({remaining} requests left) after {verb} {url}")
        return headers, data

    def _pages(
        self, requester: Requester, url: str, parameters: dict[str, Any]
    ) -> Iterator[Any]:
        next_url: str | None = url
        params: dict[str, Any] | None = parameters
        while next_url:
            headers, data = self._call(requester, "GET", next_url, params)
            yield data
            link = {k.lower(): v for k, v in headers.items()}.get("link", "")
            found = _NEXT.search(link)
            next_url, params = (found.group(1), None) if found else (None, None)

    # -- the App (JWT) -----------------------------------------------------------------------

    def failed_deliveries(self, since: datetime.datetime) -> Iterator[HookDelivery]:
        """Failed deliveries of the App's webhook, newest first, down to `since`."""
        for page in self._pages(self._app, "/app/hook/deliveries",
                                {"per_page": 100, "status": "failure"}):
            for item in page:
                delivery = HookDelivery(
                    id=int(item["id"]), guid=str(item["guid"]),
                    delivered_at=_when(item["delivered_at"]),
                    status_code=int(item.get("status_code") or 0),
                    redelivery=bool(item.get("redelivery")), event=str(item.get("event") or ""),
                    action=item.get("action"), installation_id=item.get("installation_id"),
                )
                if delivery.delivered_at < since:
                    return
                if delivery.failed:  # a server that ignores `status` lists successes too
                    yield delivery

    def redeliver(self, delivery_id: int) -> None:
        self._call(self._app, "POST", f"/app/hook/deliveries/{delivery_id}/attempts")

    def installations(self) -> list[int]:
        return [int(i["id"]) for page in self._pages(self._app, "/app/installations",
                                                     {"per_page": 100}) for i in page]

    # -- an installation (its token) --------------------------------------------------------

    def repositories(self, installation_id: int) -> list[str]:
        requester = self._installation(installation_id)
        return [r["full_name"] for page in self._pages(requester, "/installation/repositories",
                                                       {"per_page": 100})
                for r in page.get("repositories", [])]

    def open_pulls(self, installation_id: int, repo: str) -> Iterator[OpenPull]:
        requester = self._installation(installation_id)
        for page in self._pages(requester, f"/repos/{repo}/pulls",
                                {"state": "open", "per_page": 100}):
            for pr in page:
                yield OpenPull(repo, int(pr["number"]), str(pr["head"]["sha"]))

    def has_check_run(self, installation_id: int, repo: str, head_sha: str, name: str) -> bool:
        _, data = self._call(
            self._installation(installation_id), "GET",
            f"/repos/{repo}/commits/{head_sha}/check-runs",
            {"check_name": name, "filter": "latest", "per_page": 1},
        )
        return int(data.get("total_count") or 0) > 0
