"""Signing in with GitHub and asking what a user may see (`bot.github.signin`), against the fake
GitHub's OAuth web flow, collaborator permissions and team memberships."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from bot.github.port import GitHubError
from bot.github.pygithub import connect
from bot.github.signin import GitHubAccess, authorize_url, exchange_code, user_login
from policies.model import Permission
from tests.bot.github.conftest import REPO

CALLBACK = "http://127.0.0.1:9/audit/callback"
SECRET = "fake-client-secret"


def _code(fake, login: str, redirect_uri: str = CALLBACK, state: str = "s1") -> str:
    """What the browser does: open the authorize URL as `login`; returns the code."""
    url = authorize_url(fake.web_url, fake.client_id, redirect_uri, state) + f"&login={login}"
    answer = httpx.get(url)
    assert answer.status_code == 302
    back = urlsplit(answer.headers["location"])
    assert back._replace(query="").geturl() == redirect_uri
    params = parse_qs(back.query)
    assert params["state"] == [state]
    return params["code"][0]


def test_sign_in_yields_the_user_who_signed_in(fake):
    fake.add_oauth_user("alice")
    token = exchange_code(fake.web_url, fake.client_id, SECRET, _code(fake, "alice"), CALLBACK)
    assert token.startswith("ghu_")
    assert user_login(fake.url, token) == "alice"
    # the OAuth endpoints are on the web host, never asked on the API host's paths
    assert fake.count("POST", "/login/oauth/access_token") == 1


def test_the_sign_in_page_lists_the_users_and_names_no_unknown_client(fake):
    fake.add_oauth_user("alice")
    page = httpx.get(authorize_url(fake.web_url, fake.client_id, CALLBACK, "s"))
    assert page.status_code == 200 and "Sign in as alice" in page.text
    assert httpx.get(authorize_url(fake.web_url, "Iv1.other", CALLBACK, "s")).status_code == 404
    fake.oauth.callback_urls = ["http://127.0.0.1:9/audit/"]
    elsewhere = authorize_url(fake.web_url, fake.client_id, "http://evil.example/cb", "s")
    assert httpx.get(elsewhere + "&login=alice").status_code == 400


@pytest.mark.parametrize(("secret", "redirect", "reuse", "message"), [
    ("wrong", CALLBACK, False, "The client_id and/or client_secret passed are incorrect."),
    (SECRET, CALLBACK + "x", False, "The redirect_uri MUST match"),
    (SECRET, CALLBACK, True, "The code passed is incorrect or expired."),
], ids=["bad-secret", "other-redirect", "code-used-twice"])
def test_error_when_github_refuses_the_code(fake, secret, redirect, reuse, message):
    fake.add_oauth_user("alice")
    code = _code(fake, "alice")
    if reuse:
        exchange_code(fake.web_url, fake.client_id, SECRET, code, CALLBACK)
    with pytest.raises(GitHubError, match=message):
        exchange_code(fake.web_url, fake.client_id, secret, code, redirect)


def test_error_when_github_cannot_be_reached():
    with pytest.raises(GitHubError, match="signing in: ConnectionError reaching GitHub"):
        exchange_code("http://127.0.0.1:9", "id", "secret", "code", CALLBACK, timeout=2)


def test_permissions_are_asked_through_the_installation_on_the_repository(fake):
    fake.set_permission(REPO, "alice", "admin")
    fake.add_user("bob")
    access = GitHubAccess(connect(fake.url, app_id=fake.app_id,
                                  private_key=fake.app_private_key_pem, max_wait=2))
    assert access.permission(REPO, "alice") is Permission.ADMIN
    assert access.permission(REPO, "bob") is Permission.READ  # a public repository
    # a repository the App is not installed on: no permission, never an error
    fake.add_repo("octo/elsewhere")
    assert access.permission("octo/elsewhere", "alice") is None
    lookups = fake.count("GET", "/repos/octo/app/installation")
    access.permission(REPO, "alice")
    assert fake.count("GET", "/repos/octo/app/installation") == lookups  # remembered
    access.close()


def test_team_membership_is_asked_through_the_installation_on_the_organisation(fake):
    fake.add_installation(77, account="acme", permissions={"members": "read", "metadata": "read"})
    fake.add_team("acme", "compliance", ["carol"], maintainers=["dave"])
    fake.add_user("erin")
    access = GitHubAccess(connect(fake.url, app_id=fake.app_id,
                                  private_key=fake.app_private_key_pem, max_wait=2))
    assert access.in_team("acme/compliance", "carol")
    assert access.in_team("acme/Compliance", "dave")
    assert not access.in_team("acme/compliance", "erin")
    assert not access.in_team("acme/auditors", "carol")  # no such team
    access.close()


def test_error_when_the_app_may_not_read_members(fake):
    fake.add_installation(77, account="acme", permissions={"metadata": "read"})
    fake.add_team("acme", "compliance", ["carol"])
    access = GitHubAccess(connect(fake.url, app_id=fake.app_id,
                                  private_key=fake.app_private_key_pem, max_wait=2))
    with pytest.raises(GitHubError, match="403"):
        access.in_team("acme/compliance", "carol")
    access.close()
