"""The compliance page over plain HTTP: what each person sees, the filters and exports, and its
security properties (no page without sign-in, CSRF, identical 404s, tampered sessions, the
sign-in `state`, permissions re-read after their time to live, GitHub failures fail closed)."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import time
from base64 import b64encode
from urllib.parse import quote

import httpx
import itsdangerous
import pytest

from tests.webhooks.compliance_fixtures import (
    APP_REPO,
    BILLING,
    PAYMENTS,
    compliance_settings,
    seed_github,
    seed_records,
    sign_in,
    today,
)
from tests.webhooks.compliance_fixtures import audit_service as audit_service  # the fixture
from tests.webhooks.conftest import Running
from webhooks.compliance.pages import COOKIE
from webhooks.settings import APP_FILE, KEY_FILE, Settings, SettingsError, load_settings
from webhooks.setup import manifest

PAGES = ["/audit", f"/audit/repos/{APP_REPO}", "/audit/repos/no/such",
         "/audit/export/decisions.csv", "/audit/export/events.csv", "/audit/export/audit.json",
         "/audit/export/other.txt", f"/audit?repo={APP_REPO}&risk=critical", "/audit/elsewhere"]


@pytest.fixture
def client(audit_service):
    with httpx.Client(base_url=audit_service.url, timeout=30) as http:
        yield http


def _repos(page: str) -> set[str]:
    return set(re.findall(r'<tr data-repo="([^"]+)" data-number', page))


def _csrf(page: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page)[1]


@pytest.mark.parametrize("path", PAGES)
def test_no_page_without_sign_in(client, path):
    answer = client.get(path)
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/audit/signin?next={quote(path, safe='')}"
    assert "acme" not in answer.text and "octo" not in answer.text


@pytest.mark.parametrize(("login", "expected"), [
    ("carol", {APP_REPO, BILLING, PAYMENTS}),   # in the compliance team: everything
    ("alice", {APP_REPO}),                      # admin of octo/app, only `read` on acme/billing
    ("mallory", set()),                         # nobody
])
def test_each_person_sees_the_repositories_github_allows(client, audit_service, login, expected):
    answer = sign_in(client, audit_service.fake, login)
    assert (answer.status_code, answer.headers["location"]) == (303, "/audit")
    page = client.get("/audit")
    assert page.status_code == 200
    assert f'<span id="login">{login}</span>' in page.text
    assert _repos(page.text) == expected
    exported = client.get("/audit/export/audit.json").json()
    assert {d["repo"] for d in exported["decisions"]} == expected
    assert {e["repo"] for e in exported["events"]} <= expected
    assert {s["repo"] for s in exported["summary"]} == expected


def test_sign_in_returns_to_the_page_asked_for_and_never_elsewhere(client, audit_service):
    answer = sign_in(client, audit_service.fake, "alice", f"/audit?repo={APP_REPO}")
    assert answer.headers["location"] == f"/audit?repo={APP_REPO}"
    for elsewhere in ("https://evil.example/", "//evil.example/audit", "/auditx", "/\\evil"):
        with httpx.Client(base_url=audit_service.url) as other:
            start = other.get(f"/audit/signin?next={quote(elsewhere, safe='')}")
            back = httpx.get(start.headers["location"] + "&login=alice")
            assert other.get(back.headers["location"]).headers["location"] == "/audit"


def test_the_404_for_a_hidden_repository_is_the_one_for_a_missing_one(client, audit_service):
    sign_in(client, audit_service.fake, "alice")
    hidden = client.get(f"/audit/repos/{BILLING}")
    missing = client.get("/audit/repos/acme/nothing-here")
    others = [client.get(path) for path in (
        "/audit/repos/acme/a b", f"/audit/repos/{BILLING}/more", "/audit/elsewhere")]
    assert hidden.status_code == missing.status_code == 404
    assert hidden.text == missing.text
    assert [(o.status_code, o.text) for o in others] == [(404, hidden.text)] * 3
    assert hidden.headers["content-length"] == missing.headers["content-length"]
    assert client.get(f"/audit/repos/{APP_REPO}").status_code == 200
    # and a filter on a hidden repository shows nothing, as for one without records
    assert _repos(client.get(f"/audit?repo={BILLING}").text) == set()
    assert client.get(f"/audit/export/audit.json?repo={BILLING}").json()["decisions"] == []


def test_a_team_member_opens_any_repository_page(client, audit_service):
    sign_in(client, audit_service.fake, "carol")
    page = client.get(f"/audit/repos/{BILLING}")
    assert page.status_code == 200
    assert _repos(page.text) == {BILLING}
    assert "dave: 1" in page.text  # overrides by person


def test_sign_out_needs_the_sessions_csrf_token(client, audit_service):
    sign_in(client, audit_service.fake, "alice")
    token = _csrf(client.get("/audit").text)
    with httpx.Client(base_url=audit_service.url) as other:  # another session's token
        sign_in(other, audit_service.fake, "mallory")
        foreign = _csrf(other.get("/audit").text)
    assert foreign != token
    for form in ({}, {"csrf": ""}, {"csrf": "x" * 43}, {"csrf": "é"}, {"csrf": foreign}):
        refused = client.post("/audit/signout", data=form)
        assert refused.status_code == 403, form
        assert "CSRF" in refused.text
        assert client.get("/audit").status_code == 200  # still signed in
    out = client.post("/audit/signout", data={"csrf": token})
    assert (out.status_code, out.headers["location"]) == (303, "/audit/signed-out")
    assert client.get("/audit").status_code == 303
    # and a signed-out session has no token that passes
    assert client.post("/audit/signout", data={"csrf": token}).status_code == 403


def test_every_form_on_the_page_is_a_get_or_carries_the_csrf_token(client, audit_service):
    sign_in(client, audit_service.fake, "carol")
    page = client.get("/audit").text
    forms = re.findall(r"<form ([^>]*)>(.*?)</form>", page, re.S)
    assert len(forms) == 2
    for attributes, body in forms:
        if 'method="post"' in attributes:
            assert 'name="csrf"' in body
        else:
            assert 'method="get"' in attributes
    # the only POST route is sign-out; nothing else accepts a write
    assert client.post("/audit", data={"csrf": _csrf(page)}).status_code == 405


def test_a_tampered_or_forged_session_is_not_signed_in(client, audit_service):
    sign_in(client, audit_service.fake, "alice")
    cookie = client.cookies[COOKIE]
    data, _, signature = cookie.rpartition(".")
    # the payload changed to name someone else, signature kept
    forged_payload = b64encode(json.dumps({"login": "carol", "csrf": "x"}).encode()).decode()
    bad_key = itsdangerous.TimestampSigner("guessed-key").sign(forged_payload).decode()
    right_key = itsdangerous.TimestampSigner(
        audit_service.settings.session_key()).sign(forged_payload).decode()
    for value in (f"{forged_payload}.{cookie.split('.', 1)[1]}", cookie[:-2] + "AA", bad_key, ""):
        with httpx.Client(base_url=audit_service.url, cookies={COOKIE: value}) as other:
            assert other.get("/audit").status_code == 303, value
    # the format is the one the service reads: signed with its key, it is accepted
    with httpx.Client(base_url=audit_service.url, cookies={COOKIE: right_key}) as other:
        assert other.get("/audit").status_code == 200
    assert data and signature


def test_error_when_the_sign_in_state_is_not_this_sessions(client, audit_service):
    fake = audit_service.fake
    start = client.get("/audit/signin")
    back = httpx.get(start.headers["location"] + "&login=alice").headers["location"]
    for state in ("%C3%A9", "forged"):  # non-ASCII first, while the state is still there
        forged = re.sub(r"state=[^&]+", f"state={state}", back)
        assert client.get(forged).status_code == 403
    # the state is used up either way: the genuine redirect no longer signs in
    assert client.get(back).status_code == 403
    with httpx.Client(base_url=audit_service.url) as stranger:  # a link made for someone else
        assert stranger.get(back).status_code == 403
    assert client.get("/audit").status_code == 303
    assert fake.count("POST", "/login/oauth/access_token") == 0


def test_filters_and_exports_show_exactly_what_is_filtered(client, audit_service):
    sign_in(client, audit_service.fake, "carol")
    cases = {
        "risk=critical": {(APP_REPO, 7), (BILLING, 3)},
        "verdict=advisory": {(APP_REPO, 8), (PAYMENTS, 4)},
        "area=billing": {(BILLING, 3)},
        "model=gpt-5.4": {(APP_REPO, 7)},
        "provenance=declared": {(APP_REPO, 8)},
        "overridden=yes": {(BILLING, 3)},
        f"repo={PAYMENTS}": {(PAYMENTS, 4)},
        f"since={today()}&until={today()}": {(APP_REPO, 7), (APP_REPO, 8), (BILLING, 3),
                                            (PAYMENTS, 4)},
        "until=2000-01-01": set(),
        "risk=critical&overridden=no": {(APP_REPO, 7)},
    }
    for query, expected in cases.items():
        page = client.get(f"/audit?{query}").text
        shown = {(r, int(n)) for r, n in re.findall(
            r'<tr data-repo="([^"]+)" data-number="(\d+)">\s*<td>[^<]*</td>\s*<td><a class="pr"',
            page)}
        assert shown == expected, query
        rows = list(csv.DictReader(io.StringIO(
            client.get(f"/audit/export/decisions.csv?{query}").text)))
        assert {(r["repo"], int(r["number"])) for r in rows} == expected, query
        document = client.get(f"/audit/export/audit.json?{query}").json()
        assert {(d["repo"], d["number"]) for d in document["decisions"]} == expected, query
    events = list(csv.DictReader(io.StringIO(
        client.get("/audit/export/events.csv?overridden=yes").text)))
    assert [(e["kind"], e["actor"]) for e in events] == [("override.granted", "dave")]
    assert events[0]["reason"] == "'=HYPERLINK(\"http://evil\") hotfix"  # not run as a formula
    assert json.loads(events[0]["detail"]) == {"reason": "=HYPERLINK(\"http://evil\") hotfix"}
    assert events[0]["url"].endswith(f"/{BILLING}/pull/3")


def test_error_when_a_filter_is_not_valid(client, audit_service):
    sign_in(client, audit_service.fake, "carol")
    answer = client.get("/audit?risk=huge&since=yesterday&repo=x&page=0")
    assert answer.status_code == 400
    for part in ("risk 'huge' is not one of routine, elevated, critical",
                 "since 'yesterday' is not a date (YYYY-MM-DD)", "repo 'x' is not OWNER/NAME"):
        assert part.replace("'", "&#39;") in answer.text


def test_links_lead_to_each_pull_request_on_github(client, audit_service):
    sign_in(client, audit_service.fake, "carol")
    page = client.get("/audit").text
    web = audit_service.fake.web_url
    assert f'href="{web}/{BILLING}/pull/3"' in page
    assert f'href="{web}/{APP_REPO}/commit/{"a" * 40}"' in page


def test_summary_per_repository(client, audit_service):
    sign_in(client, audit_service.fake, "carol")
    summary = {s["repo"]: s for s in client.get("/audit/export/audit.json").json()["summary"]}
    assert (summary[APP_REPO]["critical"], summary[APP_REPO]["premium"]) == (1, 1)
    assert (summary[BILLING]["critical"], summary[BILLING]["premium_share"]) == (1, 0.0)
    assert summary[BILLING]["overrides"] == {"dave": 1}
    assert summary[PAYMENTS]["premium_share"] is None  # no critical PR


def test_pages_are_private_to_the_browser(client, audit_service):
    sign_in(client, audit_service.fake, "alice")
    answer = client.get("/audit")
    assert answer.headers["cache-control"] == "no-store"
    assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]
    cookie = next(c for c in client.cookies.jar if c.name == COOKIE)
    assert cookie.path == "/audit"


def _service(fake, tmp_path, **overrides) -> Running:
    seed_github(fake)
    running = Running(fake, compliance_settings(
        fake, f"sqlite:///{tmp_path / 'audit.sqlite3'}", **overrides))
    seed_records(running.service.store)
    return running


def test_permissions_are_read_again_after_their_time_to_live(fake, tmp_path):
    svc = _service(fake, tmp_path, audit_access_seconds=4.0)
    try:
        with httpx.Client(base_url=svc.url) as client:
            sign_in(client, fake, "alice")
            assert _repos(client.get("/audit").text) == {APP_REPO}
            asked = fake.count("GET", f"/repos/{APP_REPO}/collaborators/alice/permission")
            fake.set_permission(APP_REPO, "alice", "read")
            assert _repos(client.get("/audit").text) == {APP_REPO}  # remembered
            assert fake.count("GET", f"/repos/{APP_REPO}/collaborators/alice/permission") == asked
            time.sleep(4.2)
            assert _repos(client.get("/audit").text) == set()
            assert client.get(f"/audit/repos/{APP_REPO}").status_code == 404
    finally:
        svc.stop()


def test_a_permission_github_cannot_answer_hides_the_repository(fake, tmp_path):
    svc = _service(fake, tmp_path, audit_team=None)
    fake.inject(502, count=None, path_contains="/collaborators/")
    try:
        with httpx.Client(base_url=svc.url, timeout=60) as client:
            sign_in(client, fake, "alice")
            page = client.get("/audit")
            assert page.status_code == 200
            assert _repos(page.text) == set()
            assert "3 repositories are hidden: GitHub could not be asked" in page.text
            fake.clear_faults()
            assert _repos(client.get("/audit").text) == {APP_REPO}  # failures are not kept
    finally:
        svc.stop()


def test_configured_permission_level_and_no_team(fake, tmp_path):
    svc = _service(fake, tmp_path, audit_team=None, audit_permission="read")
    try:
        with httpx.Client(base_url=svc.url) as client:
            sign_in(client, fake, "alice")  # reads acme/billing, so now sees it
            assert _repos(client.get("/audit").text) == {APP_REPO, BILLING}
        with httpx.Client(base_url=svc.url) as client:
            sign_in(client, fake, "carol")  # no team configured: carol is an outsider
            assert _repos(client.get("/audit").text) == {APP_REPO}  # octo/app is public
    finally:
        svc.stop()


def test_error_when_sign_in_is_not_configured(fake, tmp_path):
    svc = _service(fake, tmp_path, github_client_id=None, github_client_secret=None)
    try:
        for path in ("/audit", "/audit/signin", f"/audit/repos/{APP_REPO}"):
            answer = svc.http.get(path)
            assert answer.status_code == 503
            assert "MODELTIER_GITHUB_CLIENT_ID" in answer.text
    finally:
        svc.stop()


def test_text_from_people_is_escaped(client, audit_service):
    audit_service.service.store.record_event(
        APP_REPO, 7, "override.granted", actor="alice",
        detail={"reason": "<script>alert(1)</script>"})
    sign_in(client, audit_service.fake, "alice")
    page = client.get("/audit").text
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_settings_of_the_page_are_checked_at_start(monkeypatch, tmp_path):
    for name in list(os.environ):
        if name.startswith("MODELTIER_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("MODELTIER_WEBHOOK_SECRET", "s3cret-value")
    monkeypatch.setenv("MODELTIER_GITHUB_TOKEN", "ghp_x")
    monkeypatch.setenv("MODELTIER_AUDIT_TEAM", "acme")
    monkeypatch.setenv("MODELTIER_AUDIT_PERMISSION", "owner")
    monkeypatch.setenv("MODELTIER_GITHUB_WEB_URL", "github.example")
    with pytest.raises(SettingsError) as raised:
        load_settings()
    message = str(raised.value)
    assert ("MODELTIER_AUDIT_TEAM='acme' is not ORGANISATION/TEAM-SLUG "
            "(ORGANISATION/TEAM-SLUG, e.g. acme/compliance)") in message
    assert "MODELTIER_AUDIT_PERMISSION='owner'" in message
    assert "read | triage | write | maintain | admin" in message
    assert "MODELTIER_GITHUB_WEB_URL='github.example' is not a URL" in message


def test_the_app_stored_by_setup_brings_its_oauth_client(monkeypatch, tmp_path):
    for name in list(os.environ):
        if name.startswith("MODELTIER_"):
            monkeypatch.delenv(name)
    from tests.fakegithub import default_app_keypair

    (tmp_path / KEY_FILE).write_text(default_app_keypair()[0])
    (tmp_path / APP_FILE).write_text(json.dumps({
        "id": 5, "webhook_secret": "hook-secret", "client_id": "Iv1.abc",
        "client_secret": "client-secret-value"}))
    monkeypatch.setenv("MODELTIER_DATA_DIR", str(tmp_path))
    settings = load_settings()
    assert settings.github_client_id == "Iv1.abc"
    assert "client-secret-value" in settings.secrets()  # redacted from every log line
    assert settings.web_url() == "https://github.com"
    other = Settings(webhook_secret="another", github_token="ghp_x")
    assert settings.session_key() != other.session_key()
    assert manifest("https://mt.example/")["callback_urls"] == ["https://mt.example/audit/callback"]
