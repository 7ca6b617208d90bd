"""`/setup` driven as a new user drives it: in a real headless Chromium (Debian's `chromium`, through
Playwright), from the setup page through GitHub's confirmation page (the fake's) back to the
installation link, for a personal account and for an organisation.

Skipped, with the reason, where Playwright or a Chromium is missing; required under CI=true
(`.ci/run` installs both)."""

from __future__ import annotations

import json
import os
import shutil
import stat
import time

import pytest

from tests.webhooks.conftest import REPO, pr_payload
from tests.webhooks.test_operations import _auth_pr
from tests.webhooks.test_setup import RunningSetup, _signed
from tests.webhooks.test_setup import environ as environ  # the fixture
from webhooks.settings import APP_FILE, KEY_FILE

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def _chromium() -> str:
    """The browser to drive, or skip (fail under CI=true) saying what is missing."""
    missing = []
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the playwright package (pip install '.[dev]')")
    browser = os.environ.get("MODELTIER_TEST_CHROMIUM") or next(
        (found for name in CHROMIUM_NAMES if (found := shutil.which(name))), None)
    if browser is None:
        missing.append("a Chromium browser (apt-get install chromium)")
    if missing:
        reason = "no browser test: missing " + " and ".join(missing)
        if os.environ.get("CI") == "true":
            pytest.fail(f"required in CI: {reason}")
        pytest.skip(reason)
    assert browser is not None
    return browser


@pytest.fixture
def browser():
    """Headless Chromium through Playwright (skipped, or failed under CI=true, as `_chromium`
    says); the compliance page's browser test uses it too."""
    executable = _chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, headless=True,
                                              args=["--no-sandbox"])
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def browser_page(browser):
    page = browser.new_page()
    page.set_default_timeout(20_000)
    return page


@pytest.mark.parametrize("organisation", ["", "acme"], ids=["personal", "organisation"])
def test_setup_in_a_browser_from_button_to_installed_app(
        browser_page, environ, fake, tmp_path, organisation):
    page = browser_page
    svc = RunningSetup(environ)
    try:
        # without the token from the log, the page says where to find it and offers nothing
        refused = page.goto(f"{svc.url}/setup")
        assert refused is not None and refused.status == 403
        assert page.inner_text("h1") == "Setup token required"
        assert page.locator("form").count() == 0
        page.goto(f"{svc.url}/setup?token={svc.app.token}")
        assert page.title() == "Set up modeltier"
        if organisation:
            page.fill("#organization", organisation)
        page.fill("#name", "modeltier-test")
        page.click("text=Create GitHub App")

        # GitHub's confirmation page, reached by the form's POST of the manifest
        page.wait_for_url(f"{fake.web_url}/**")
        owner = organisation or "octocat"
        assert page.inner_text("h1") == "Create GitHub App modeltier-test"
        posted = fake.manifest_flow.manifests[-1]
        sent = [r for r in fake.request_log("POST") if r.path.endswith("/settings/apps/new")]
        assert sent and "referer" not in sent[-1].headers  # the token stays here
        assert posted["name"] == "modeltier-test"
        assert posted["hook_attributes"]["url"] == f"{svc.url}/webhooks/github"
        page.click(f"text=Create GitHub App for {owner}")

        # back on the service, which exchanged the code and now serves webhooks
        page.wait_for_url(f"{svc.url}/setup/callback**")
        assert page.inner_text("h1") == "Created the GitHub App modeltier-test"
        page.click("#install")
        page.wait_for_url(f"{fake.web_url}/apps/{fake.app_slug}/installations/new")
        assert page.inner_text("h1") == f"Install {fake.app_slug}"

        data_dir = tmp_path / "data"
        stored = json.loads((data_dir / APP_FILE).read_text())
        assert stored["owner"] == owner
        assert stat.S_IMODE((data_dir / KEY_FILE).stat().st_mode) == 0o600

        # the setup page is now disabled, and says nothing about the App
        page.goto(f"{svc.url}/setup")
        assert page.inner_text("h1") == "modeltier is set up"
        assert page.locator("form").count() == 0 and page.locator("#install").count() == 0

        # and a delivery signed with the new secret is processed
        _auth_pr(fake)
        raw, headers = _signed(stored["webhook_secret"], "pull_request", pr_payload(fake, 7))
        assert svc.http.post("/webhooks/github", content=raw, headers=headers).status_code == 202
        deadline = time.monotonic() + 60  # a bound for a loaded machine; ends at the check run
        while not fake.check_runs(REPO):
            assert time.monotonic() < deadline, "the delivery was not processed"
            time.sleep(0.05)
    finally:
        svc.stop()
