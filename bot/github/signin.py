"""Signing a person in with GitHub, and what GitHub says they may see (the compliance page).

The OAuth web flow of a GitHub App: the browser goes to `{web}/login/oauth/authorize` with the
App's client id, a one-time `state` and the page's callback; GitHub sends it back with a code,
which `exchange_code` trades (with the client secret) for a user token. The token is used once,
to ask who the user is (`GET /user`), and then dropped: what the user may see is asked with the
App's own credentials (the collaborator permission on a repository, through the installation on
it; membership of a team, through the installation on its organisation), so no user token is
ever kept. The OAuth pages live on GitHub's web host (github.com, or a GitHub Enterprise
Server's own address), not on the API host.
"""

from __future__ import annotations

import threading
from urllib.parse import quote, urlencode

import github
import requests
from github import Auth, GithubIntegration

from bot.github.port import GitHubError
from bot.github.pygithub import Connection, _retry, json_or_none, translated
from policies.model import Permission

__all__ = ["GitHubAccess", "authorize_url", "exchange_code", "user_login"]


def authorize_url(web_url: str, client_id: str, redirect_uri: str, state: str) -> str:
    """Where to send the browser to sign in (GitHub asks the user once, then redirects)."""
    query = urlencode({"client_id": client_id, "redirect_uri": redirect_uri, "state": state,
                       "allow_signup": "false"})
    return f"{web_url.rstrip('/')}/login/oauth/authorize?{query}"


def exchange_code(
    web_url: str, client_id: str, client_secret: str, code: str, redirect_uri: str, *,
    timeout: float = 15,
) -> str:
    """The user token for the code GitHub redirected with. GitHub answers 200 even for a bad
    code, with an `error` field: that, and any other failure, is a GitHubError."""
    try:
        response = requests.post(
            f"{web_url.rstrip('/')}/login/oauth/access_token",
            data={"client_id": client_id, "client_secret": client_secret, "code": code,
                  "redirect_uri": redirect_uri},
            headers={"Accept": "application/json"}, timeout=timeout,
        )
    except requests.RequestException as e:
        raise GitHubError(f"signing in: {type(e).__name__} reaching GitHub") from e
    try:
        data = response.json()
    except ValueError:
        data = {}
    if not isinstance(data, dict):
        data = {}
    token = data.get("access_token")
    if response.status_code != 200 or not isinstance(token, str) or not token:
        reason = data.get("error_description") or data.get("error") or "no token in the answer"
        raise GitHubError(f"signing in: GitHub answered {response.status_code}: {reason}",
                          response.status_code)
    return token


def user_login(api_url: str, token: str, *, timeout: int = 15) -> str:
    """Who the user token belongs to (`GET /user`)."""
    client = github.Github(auth=Auth.Token(token), base_url=api_url.rstrip("/"), timeout=timeout,
                           retry=_retry(10.0), seconds_between_requests=None,
                           seconds_between_writes=None)
    try:
        with translated("reading the signed-in user"):
            return str(client.get_user().login)
    finally:
        client.close()


class GitHubAccess:
    """The App's answers to "may this user see that": a repository role, a team membership.

    In App mode each question goes through the installation on the repository or organisation
    (found once with the App's JWT and remembered; an installation that is gone makes the
    question fail, never succeed); in token mode through the token.
    """

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self._installations: dict[str, int] = {}
        self._lock = threading.Lock()
        self._integration: GithubIntegration | None = None

    def close(self) -> None:
        if self._integration is not None:
            self._integration.close()

    def _app(self) -> GithubIntegration | None:
        connection = self.connection
        if connection.app_id is None or not connection.private_key:
            return None
        with self._lock:
            if self._integration is None:
                self._integration = GithubIntegration(
                    auth=Auth.AppAuth(connection.app_id, connection.private_key),
                    base_url=connection.base_url, timeout=connection.timeout,
                    retry=_retry(connection.max_wait), seconds_between_requests=None,
                    seconds_between_writes=None,
                )
            return self._integration

    def _installation(self, key: str) -> int | None:
        """The installation on `key` (`owner/name` for a repository, `org` for an account);
        None in token mode. Raises GitHubError(404) when the App is not installed there."""
        app = self._app()
        if app is None:
            return None
        with self._lock:
            known = self._installations.get(key)
        if known is not None:
            return known
        owner, _, name = key.partition("/")
        with translated(f"finding the App's installation on {key}"):
            found = (app.get_repo_installation(owner, name) if name
                     else app.get_org_installation(owner))
        with self._lock:
            self._installations[key] = int(found.id)
        return int(found.id)

    def permission(self, repo: str, login: str) -> Permission | None:
        """`login`'s role on `repo` as GitHub states it (None: none, or the App cannot see the
        repository)."""
        try:
            installation = self._installation(repo)
        except GitHubError as e:
            if e.status == 404:
                return None
            raise
        return self.connection.port(installation).permission(repo, login)

    def in_team(self, team: str, login: str) -> bool:
        """Whether `login` is an active member of `team` (`org/slug`)."""
        org, _, slug = team.partition("/")
        requester = self.connection.port(self._installation(org)).client.requester
        url = (f"/orgs/{quote(org, safe='')}/teams/{quote(slug, safe='')}/memberships/"
               f"{quote(login, safe='')}")
        data = json_or_none(requester, url, f"reading {login}'s membership of {team}")
        return isinstance(data, dict) and data.get("state") == "active"
