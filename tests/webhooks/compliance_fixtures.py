"""Shared by the compliance page's tests: a fake GitHub with two organisations' repositories,
three people (a compliance team member, a repository admin, an outsider), a running service
with sign-in configured and records to show, and signing in as GitHub's web flow does it."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.fakegithub import FakeGitHub
from tests.webhooks.conftest import SECRET, Running
from webhooks.settings import Settings

APP_REPO = "octo/app"          # public; alice is its admin
BILLING = "acme/billing"       # private
PAYMENTS = "acme/payments"     # private; bob can write
TEAM = "acme/compliance"
CLIENT_SECRET = "fake-client-secret"
USERS = ("carol", "alice", "mallory")  # team member, repository admin, outsider


def seed_records(store: Any) -> None:
    """Decisions and audit events across the three repositories, with known dates."""
    rows = [
        (APP_REPO, 7, "a" * 40, {"risk": "critical", "verdict": "pass", "areas": "auth",
                                 "declared_models": "gpt-5.4", "provenance": "tool",
                                 "evidence_met": True, "overridden": False}),
        (APP_REPO, 8, "b" * 40, {"risk": "routine", "tier": "everyday", "verdict": "advisory",
                                 "areas": "", "declared_models": "composer-2",
                                 "provenance": "declared", "evidence_met": None,
                                 "overridden": False}),
        (BILLING, 3, "c" * 40, {"risk": "critical", "verdict": "missing", "areas": "billing",
                                "declared_models": "", "provenance": "", "evidence_met": False,
                                "overridden": True, "conclusion": "success"}),
        (PAYMENTS, 4, "d" * 40, {"risk": "elevated", "tier": "long-context",
                                 "verdict": "advisory", "areas": "transactions",
                                 "declared_models": "claude-opus-4.6", "provenance": "tool",
                                 "evidence_met": None, "overridden": False}),
    ]
    for repo, number, sha, values in rows:
        store.save_decision(repo, number, sha, {
            "risk": "critical", "tier": "premium", "verdict": "pass", "conclusion": "success",
            "policy_source": "default", **values})
    store.record_event(BILLING, 3, "override.granted", actor="dave", head_sha="c" * 40,
                       detail={"reason": "=HYPERLINK(\"http://evil\") hotfix"})
    store.record_event(APP_REPO, 7, "checklist.ticked", actor="alice", detail={"item": "tests"})


def seed_github(fake: FakeGitHub) -> None:
    fake.add_repo(BILLING, private=True)
    fake.add_repo(PAYMENTS, private=True)
    fake.add_installation(77, repos=[BILLING, PAYMENTS], account="acme",
                          permissions={"members": "read", "metadata": "read",
                                       "checks": "write", "pull_requests": "write",
                                       "contents": "read", "issues": "read"})
    fake.add_team("acme", "compliance", ["carol"])
    fake.set_permission(APP_REPO, "alice", "admin")
    fake.set_permission(BILLING, "alice", "read")     # below the default `write`
    fake.set_permission(PAYMENTS, "bob", "write")
    for login in (*USERS, "bob"):
        fake.add_oauth_user(login)


def compliance_settings(fake: FakeGitHub, database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "webhook_secret": SECRET, "github_app_id": fake.app_id,
        "github_private_key": fake.app_private_key_pem, "github_api_url": fake.url,
        "github_web_url": fake.web_url, "database_url": database_url, "workers": 1,
        "github_max_wait": 2.0, "github_client_id": fake.client_id,
        "github_client_secret": CLIENT_SECRET, "audit_team": TEAM,
    }
    values.update(overrides)
    return Settings(**values)


@pytest.fixture
def audit_service(fake: FakeGitHub, tmp_path: Any) -> Iterator[Running]:
    seed_github(fake)
    running = Running(fake, compliance_settings(fake, f"sqlite:///{tmp_path / 'audit.sqlite3'}"))
    seed_records(running.service.store)
    yield running
    running.stop()


def sign_in(client: httpx.Client, fake: FakeGitHub, login: str, path: str = "/audit") -> httpx.Response:
    """Open `path` signed out and sign in as `login` on (the fake) GitHub; returns the service's
    last answer (the redirect back to `path`)."""
    to_signin = client.get(path)
    assert to_signin.status_code == 303, to_signin.text
    to_github = client.get(to_signin.headers["location"])
    assert to_github.status_code == 303
    assert to_github.headers["location"].startswith(f"{fake.web_url}/login/oauth/authorize?")
    back = httpx.get(to_github.headers["location"] + f"&login={login}")
    assert back.status_code == 302
    return client.get(back.headers["location"])


def today() -> str:
    return datetime.datetime.now(datetime.UTC).date().isoformat()
