"""The compliance page as three people use it, in a real headless Chromium (Debian's `chromium`
through Playwright): a member of the compliance team, a repository admin and an outsider each sign
in on (the fake) GitHub's sign-in page, see what GitHub allows them, filter, open repository pages
and download the exports; a PR delivered to the service shows up as the pipeline recorded it.

Skipped, with the reason, where Playwright or a Chromium is missing; required under CI=true
(`.ci/run` installs both)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from tests.webhooks.compliance_fixtures import APP_REPO, BILLING, PAYMENTS
from tests.webhooks.compliance_fixtures import audit_service as audit_service  # the fixture
from tests.webhooks.conftest import pr_payload
from tests.webhooks.test_operations import _auth_pr
from tests.webhooks.test_setup_browser import browser as browser  # the fixture


def _sign_in(browser, svc, login: str):
    """A fresh browser (no cookies) that opens /audit and signs in on GitHub as `login`."""
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(f"{svc.url}/audit")
    page.wait_for_url(f"{svc.fake.web_url}/login/oauth/authorize?**")
    assert page.inner_text("h1") == "Sign in to GitHub"
    page.click(f"text=Sign in as {login}")
    page.wait_for_url(f"{svc.url}/audit")
    assert page.inner_text("#login") == login
    return context, page


def _shown(page) -> set[tuple[str, int]]:
    rows = page.locator("#decisions tbody tr[data-repo]")
    return {(rows.nth(i).get_attribute("data-repo"), int(rows.nth(i).get_attribute("data-number")))
            for i in range(rows.count())}


def _download(page, selector: str) -> str:
    with page.expect_download() as info:
        page.click(selector)
    return Path(info.value.path()).read_text(encoding="utf-8")


def test_three_people_see_filter_and_export_what_github_allows(browser, audit_service):
    svc, fake = audit_service, audit_service.fake
    # a real delivery, judged by the pipeline, joins the seeded records
    _auth_pr(fake, number=21, head_sha="e" * 40)
    fake.update_pull(APP_REPO, 21, body="Model: GPT-5.4")
    assert svc.send("pull_request", pr_payload(fake, 21)).status_code == 202
    svc.wait_idle()

    # the compliance team member sees every repository
    context, page = _sign_in(browser, svc, "carol")
    everything = {(APP_REPO, 7), (APP_REPO, 8), (APP_REPO, 21), (BILLING, 3), (PAYMENTS, 4)}
    assert _shown(page) == everything
    row = page.locator(f'#decisions tr[data-repo="{APP_REPO}"][data-number="21"]')
    assert "critical" in row.inner_text() and "gpt-5.4" in row.inner_text()
    assert "declared" in row.inner_text()  # the provenance the pipeline recorded
    assert row.locator("a.pr").get_attribute("href") == f"{fake.web_url}/{APP_REPO}/pull/21"
    summary = page.locator(f'#summary tr[data-repo="{BILLING}"]')
    assert summary.locator(".overrides").inner_text() == "dave: 1"
    assert summary.locator(".premium").inner_text() == "0 (0%)"

    page.select_option("#f-risk", "critical")
    page.select_option("#f-overridden", "no")
    page.click("#apply")
    page.wait_for_url("**risk=critical**")
    assert _shown(page) == {(APP_REPO, 7), (APP_REPO, 21)}
    rows = list(csv.DictReader(io.StringIO(_download(page, "#export-decisions"))))
    assert {(r["repo"], int(r["number"])) for r in rows} == {(APP_REPO, 7), (APP_REPO, 21)}
    document = json.loads(_download(page, "#export-json"))
    assert document["filters"] == {"risk": "critical", "overridden": "no"}
    assert {(d["repo"], d["number"]) for d in document["decisions"]} == {
        (APP_REPO, 7), (APP_REPO, 21)}

    page.goto(f"{svc.url}/audit/repos/{BILLING}")
    assert page.inner_text("h1") == BILLING
    assert _shown(page) == {(BILLING, 3)}
    events = list(csv.DictReader(io.StringIO(_download(page, "#export-events"))))
    assert [(e["repo"], e["kind"], e["actor"]) for e in events] == [
        (BILLING, "override.granted", "dave")]

    page.click("#signout")
    page.wait_for_url(f"{svc.url}/audit/signed-out")
    page.goto(f"{svc.url}/audit")
    page.wait_for_url(f"{fake.web_url}/login/oauth/authorize?**")  # signed out for real
    context.close()

    # the repository admin sees their repository, and nothing of the others
    context, page = _sign_in(browser, svc, "alice")
    assert _shown(page) == {(APP_REPO, 7), (APP_REPO, 8), (APP_REPO, 21)}
    assert page.locator("#f-repo option").all_inner_texts() == ["any", APP_REPO]
    page.select_option("#f-provenance", "declared")
    page.click("#apply")
    page.wait_for_url("**provenance=declared**")
    assert _shown(page) == {(APP_REPO, 8), (APP_REPO, 21)}
    rows = list(csv.DictReader(io.StringIO(_download(page, "#export-decisions"))))
    assert {(r["repo"], int(r["number"])) for r in rows} == {(APP_REPO, 8), (APP_REPO, 21)}
    hidden = page.goto(f"{svc.url}/audit/repos/{BILLING}")
    hidden_text = page.inner_text("main")
    missing = page.goto(f"{svc.url}/audit/repos/acme/no-such-repo")
    assert hidden.status == missing.status == 404
    assert page.inner_text("main") == hidden_text
    context.close()

    # the outsider signs in and sees nothing at all
    context, page = _sign_in(browser, svc, "mallory")
    assert _shown(page) == set()
    assert page.locator("#summary tbody").inner_text().strip() == "Nothing matches."
    document = json.loads(_download(page, "#export-json"))
    assert document["decisions"] == [] and document["events"] == [] and document["summary"] == []
    assert page.goto(f"{svc.url}/audit/repos/{APP_REPO}").status == 404
    context.close()
