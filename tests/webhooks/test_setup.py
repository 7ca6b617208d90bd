"""`/setup`: from `modeltier serve` with no credentials to a GitHub App that receives webhooks,
through GitHub's manifest flow (played by the fake GitHub), without a restart."""

from __future__ import annotations

import hashlib
import hmac
import html
import json
import logging
import os
import re
import stat
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import uvicorn

from policies.errors import ModelTierError
from tests.fakegithub import FakeGitHub
from tests.webhooks.conftest import INSTALLATION, REPO, pr_payload
from tests.webhooks.test_operations import _auth_pr
from webhooks.settings import APP_FILE, KEY_FILE, load_settings, unconfigured
from webhooks.setup import SetupApp, github_web_url, manifest


class RunningSetup:
    """An unconfigured service (SetupApp) under uvicorn on a loopback port."""

    def __init__(self, environ: dict[str, str]) -> None:
        self.app = SetupApp(environ)
        config = uvicorn.Config(self.app, host="127.0.0.1", port=0, log_config=None,
                                access_log=False, lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            assert time.monotonic() < deadline and self.thread.is_alive(), "did not start"
            time.sleep(0.01)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        self.http = httpx.Client(base_url=self.url, timeout=15)

    def page(self) -> httpx.Response:
        """The setup page, opened as its owner does: with the token from the log."""
        return self.http.get("/setup", params={"token": self.app.token})

    def stop(self) -> None:
        self.http.close()
        self.server.should_exit = True
        self.thread.join(15)


@pytest.fixture
def environ(fake: FakeGitHub, tmp_path, monkeypatch) -> dict[str, str]:
    """The environment of a first start: no credentials, a data directory, the fake GitHub."""
    for name in list(os.environ):
        if name.startswith("MODELTIER_"):
            monkeypatch.delenv(name)
    values = {"MODELTIER_DATA_DIR": str(tmp_path / "data"),
              "MODELTIER_GITHUB_API_URL": fake.url, "MODELTIER_WORKERS": "1",
              "MODELTIER_GITHUB_MAX_WAIT": "2"}
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    (tmp_path / "data").mkdir()
    return values


@pytest.fixture
def setup_service(environ) -> Iterator[RunningSetup]:
    running = RunningSetup(environ)
    yield running
    running.stop()


def _form(page: str) -> tuple[str, dict[str, Any]]:
    action = html.unescape(re.search(r'<form id="setup" method="post" action="([^"]+)"',
                                     page)[1])
    value = re.search(r'id="manifest" name="manifest" value="([^"]*)"', page)[1]
    return action, json.loads(html.unescape(value))


def _confirm(fake: FakeGitHub, action: str, document: dict[str, Any]) -> str:
    """What the browser does on GitHub: post the manifest, press "Create GitHub App"; returns
    the redirect (to /setup/callback) that GitHub's button leads to."""
    page = httpx.post(action, data={"manifest": json.dumps(document)})
    assert page.status_code == 200, page.text
    form = re.search(r'<form method="get" action="([^"]+)">(.*?)</form>', page.text)
    fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', form[2]))
    query = "&".join(f"{k}={html.unescape(v)}" for k, v in fields.items())
    return f"{html.unescape(form[1])}?{query}"


def _signed(secret: str, event: str, payload: Any) -> tuple[bytes, dict[str, str]]:
    raw = json.dumps(payload).encode()
    digest = hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
    return raw, {"X-GitHub-Event": event, "X-GitHub-Delivery": str(uuid.uuid4()),
                 "X-Hub-Signature-256": f"sha256={digest}", "Content-Type": "application/json"}


def test_setup_creates_the_app_and_serves_webhooks_without_a_restart(
        setup_service, fake, environ, tmp_path, caplog):
    svc = setup_service
    assert unconfigured(os.environ)
    # before: no App, so webhooks are refused and readiness says why
    assert svc.http.post("/webhooks/github", content=b"{}").status_code == 503
    assert svc.http.get("/readyz").status_code == 503
    assert svc.http.get("/healthz").status_code == 200

    page = svc.page()
    assert page.status_code == 200
    assert page.headers["referrer-policy"] == "no-referrer"  # the token stays off GitHub
    action, document = _form(page.text)
    assert action.startswith(f"{fake.web_url}/settings/apps/new?state=")
    assert document["hook_attributes"]["url"] == f"{svc.url}/webhooks/github"
    assert document["redirect_url"] == f"{svc.url}/setup/callback"
    assert document["default_permissions"]["issues"] == "read"
    assert page.text.count("<button") == 1

    caplog.set_level(logging.DEBUG)
    callback = _confirm(fake, action, document)
    assert callback.startswith(f"{svc.url}/setup/callback?code=")
    done = httpx.get(callback, timeout=30)
    assert done.status_code == 200, done.text
    install = re.search(r'<a id="install" href="([^"]+)"', done.text)[1]
    assert install == f"{fake.web_url}/apps/{fake.app_slug}/installations/new"
    assert httpx.get(install).status_code == 200

    created = fake.manifest_flow.created[0]
    data_dir = tmp_path / "data"
    for name in (APP_FILE, KEY_FILE):
        assert stat.S_IMODE((data_dir / name).stat().st_mode) == 0o600
    stored = json.loads((data_dir / APP_FILE).read_text())
    assert (stored["id"], stored["webhook_secret"]) == (fake.app_id, created["webhook_secret"])
    assert (data_dir / KEY_FILE).read_text() == fake.app_private_key_pem
    # never in the logs
    logged = "\n".join(r.getMessage() + json.dumps(vars(r), default=str) for r in caplog.records)
    for secret in (created["webhook_secret"], created["client_secret"],
                   fake.app_private_key_pem.splitlines()[1]):
        assert secret not in logged

    # the same process now serves webhooks, signed with the secret GitHub just made
    _auth_pr(fake)
    raw, headers = _signed(created["webhook_secret"], "pull_request", pr_payload(fake, 7))
    assert svc.http.post("/webhooks/github", content=raw, headers=headers).status_code == 202
    deadline = time.monotonic() + 60  # a bound for a loaded machine; ends at the check run
    while not fake.check_runs(REPO):
        assert time.monotonic() < deadline, (
            "the delivery was not processed; last requests: "
            + ", ".join(f"{r.method} {r.path} {r.status}" for r in fake.requests[-5:]))
        time.sleep(0.05)
    assert fake.check_runs(REPO)[0]["conclusion"] == "failure"
    assert svc.http.get("/readyz").status_code == 200

    # the page is disabled now, and says nothing about the App; a second callback cannot
    # replace the App
    for again in (svc.http.get("/setup"), svc.page()):
        assert again.status_code == 200
        assert "this page is disabled" in again.text and "<form" not in again.text
        for detail in (stored["html_url"], stored["client_id"], str(fake.app_id),
                       "installations", str(data_dir)):
            assert detail not in again.text
    assert svc.http.get(callback).status_code == 409
    assert INSTALLATION

    # a restart reads the stored App
    assert not unconfigured(os.environ)
    settings = load_settings()
    assert settings.github_app_id == fake.app_id
    assert settings.webhook_secret.get_secret_value() == created["webhook_secret"]
    assert settings.private_key() == fake.app_private_key_pem


@pytest.mark.parametrize("token", [None, "", "0" * 64, "wrong"], ids=["none", "empty", "wrong",
                                                                     "short"])
def test_error_when_the_setup_token_is_missing_or_wrong(setup_service, token):
    """Whoever reaches the service first cannot make its App: no token, no form and no state."""
    params = {} if token is None else {"token": token}
    response = setup_service.http.get("/setup", params=params)
    assert response.status_code == 403
    assert "setup token" in response.text and "field <code>url</code>" in response.text
    assert "<form" not in response.text and "state=" not in response.text
    assert not setup_service.app._states
    # the owner's token still works afterwards
    assert setup_service.page().status_code == 200


def test_error_when_callback_state_is_unknown(setup_service):
    response = setup_service.http.get("/setup/callback", params={"code": "x", "state": "forged"})
    assert response.status_code == 403
    assert "did not come from this server's setup page" in response.text


def test_error_when_callback_state_is_not_signed_with_the_token(setup_service, fake):
    """A state is accepted once, and only as issued: signed with this start's setup token."""
    action, document = _form(setup_service.page().text)
    callback = _confirm(fake, action, document)
    state = re.search(r"state=([^&]+)", callback)[1]
    nonce = state.partition(".")[0]
    other = hmac.new(b"another token", nonce.encode(), hashlib.sha256).hexdigest()
    forged = callback.replace(state, f"{nonce}.{other}")
    assert httpx.get(forged, timeout=30).status_code == 403
    unsigned = callback.replace(state, nonce)
    assert httpx.get(unsigned, timeout=30).status_code == 403
    assert setup_service.app.service is None
    assert httpx.get(callback, timeout=30).status_code == 200
    assert httpx.get(callback, timeout=30).status_code == 409


def test_setup_token_from_the_environment(environ):
    running = RunningSetup({**environ, "MODELTIER_SETUP_TOKEN": "correct horse battery staple"})
    try:
        assert running.http.get("/setup", params={"token": "correct horse battery staple"}
                                ).status_code == 200
        assert running.http.get("/setup", params={"token": "correct horse"}).status_code == 403
    finally:
        running.stop()
    with pytest.raises(ModelTierError, match="MODELTIER_SETUP_TOKEN must be at least 16"):
        SetupApp({**environ, "MODELTIER_SETUP_TOKEN": "guessable"})


def test_error_when_github_refuses_the_code(setup_service, fake):
    action, document = _form(setup_service.page().text)
    callback = _confirm(fake, action, document)
    code = re.search(r"code=([^&]+)", callback)[1]
    # the code is used up elsewhere first (GitHub accepts each code once)
    assert httpx.post(f"{fake.url}/app-manifests/{code}/conversions").status_code == 201
    response = httpx.get(callback, timeout=30)
    assert response.status_code == 502
    assert "converting the App manifest: GitHub answered 404" in response.text
    assert setup_service.app.service is None


def test_organisation_form_and_github_refusing_events_without_permissions(fake):
    """The fake refuses, as GitHub does, a manifest whose events lack their permission."""
    document = manifest("https://modeltier.example.com")
    del document["default_permissions"]["issues"]
    response = httpx.post(f"{fake.web_url}/organizations/acme/settings/apps/new?state=s",
                          data={"manifest": json.dumps(document)})
    assert response.status_code == 422
    assert "Default events are not supported by permissions: issue_comment" in response.text
    good = httpx.post(f"{fake.web_url}/organizations/acme/settings/apps/new?state=s",
                      data={"manifest": json.dumps(manifest("https://modeltier.example.com"))})
    assert "Create GitHub App for acme" in good.text


@pytest.mark.parametrize(
    ("api", "web"),
    [("https://api.github.com", "https://github.com"),
     ("https://ghe.example.com/api/v3", "https://ghe.example.com"),
     ("https://ghe.example.com/api/v3/", "https://ghe.example.com")],
)
def test_github_web_url(api, web):
    assert github_web_url(api) == web


def test_serve_without_credentials_offers_setup(fake, tmp_path):
    """`modeltier serve` on a fresh machine starts, says where to go, and serves /setup."""
    import signal
    import socket
    import subprocess
    import sys

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path), "LANG": "C.UTF-8",
           "MODELTIER_DATA_DIR": str(tmp_path), "MODELTIER_GITHUB_API_URL": fake.url}
    process = subprocess.Popen([sys.executable, "-m", "bot.cli", "serve", "--port", str(port)],
                               env=env, cwd=tmp_path, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                refused = httpx.get(f"http://127.0.0.1:{port}/setup", timeout=1)
                break
            except httpx.TransportError:
                assert process.poll() is None and time.monotonic() < deadline
                time.sleep(0.1)
        assert refused.status_code == 403
        # the address with the token is in the first log line, whole (not redacted away)
        assert process.stderr is not None
        first = json.loads(process.stderr.readline())
        assert first["message"].startswith("no GitHub App is configured: open `url`")
        url = first["url"]
        assert url.startswith(f"http://127.0.0.1:{port}/setup?token=")
        assert re.fullmatch(r"[0-9a-f]{64}", url.partition("token=")[2])
        page = httpx.get(url, timeout=5)
        assert page.status_code == 200 and "Create GitHub App" in page.text
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=30)
    assert not (tmp_path / "modeltier.sqlite3").exists()  # nothing created before the App exists
