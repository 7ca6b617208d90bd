"""Who reaches an application's actions, said in two shapes the other access rules did not read:
a Rails controller's filter that gates its actions, and a condition over a record's or an
install's visibility (public or private).

Each named row was routine (no evidence of the rule) before its rule was written; a row with no
rule is a look-alike that must stay silent (a filter that loads or sets, CSRF's own filter, the
same words in a comment, a doc or another language, a public key or path).
"""

from __future__ import annotations

import pytest

from bot.analysis.classify import classify
from bot.analysis.decide import decide
from bot.analysis.diff import parse_diff
from bot.analysis.models import Risk
from policies.model import Policy
from tests.bot._diffs import edit
from tests.bot.analysis._rules import assert_rule_or_quiet

GATE = "permissions.rails-gate-filters"
CHANGED = "permissions.condition-changed"


@pytest.mark.parametrize(
    ("path", "line", "rule"),
    [
        # a filter that halts the actions it names unless a check passes
        ("app/controllers/reports_controller.rb",
         "    before_action :ensure_export_enabled, only: [:export, :export_all]", GATE),
        ("app/controllers/admin/users_controller.rb",
         "  skip_before_action :check_if_warning_pending, only: [:change_back]", GATE),
        ("app/controllers/application_controller.rb",
         "  before_action :check_if_account_suspended", GATE),
        ("app/controllers/forum/previews_controller.rb",
         "    before_action :forum_require_login!", GATE),
        ("app/controllers/admin/base_controller.rb",
         "    before_action :set_cache_headers, :restrict_to_office_network, :set_scope", GATE),
        ("app/controllers/links_controller.rb",
         "  prepend_before_action :maybe_require_link_code, only: %i[show]", GATE),
        ("app/controllers/projects_controller.rb",
         "  before_action :ensure_can_manage_project, only: [:edit]", GATE),
        ("app/controllers/settings_controller.rb", "  before_action :require_sudo_mode", GATE),
        # look-alikes: a filter that loads or sets, a format switch, CSRF's own filter (the
        # security area's), a comment, the same line in a doc or a Python file
        ("app/controllers/posts_controller.rb", "  before_action :set_post, only: [:show]", None),
        ("app/controllers/concerns/locale.rb", "    before_action :set_locale", None),
        ("app/controllers/apps_controller.rb",
         "    before_action :force_json_format, if: :api_only?", None),
        ("app/controllers/webhooks_controller.rb",
         "  skip_before_action :verify_authenticity_token", None),
        # ... nor a check of the request's shape
        ("app/controllers/pages_controller.rb", "  before_action :ensure_locale_param", None),
        ("app/controllers/api/reports_controller.rb",
         "  before_action :require_json_format, except: [:export]", None),
        ("app/controllers/onboarding_controller.rb", "  before_filter :ensure_onboarded", None),
        ("app/controllers/scans_controller.rb",
         "  before_action :ensure_scan_exists, only: [:show]", None),
        ("app/controllers/pricing_controller.rb",
         "  before_action :require_tier_param, only: [:show]", None),
        ("app/controllers/posts_controller.rb",
         "  # before_action :ensure_owner is declared by the parent", None),
        ("docs/controllers.md", "    before_action :ensure_export_enabled", None),
        ("app/views/reports.py", "    before_action :ensure_export_enabled", None),
    ],
)
def test_a_rails_gate_filter_is_evidence(
    policy: Policy, path: str, line: str, rule: str | None
) -> None:
    assert_rule_or_quiet(path, line, rule, {GATE}, policy)


def test_a_gate_filter_added_to_a_controller_is_critical(policy: Policy) -> None:
    text = edit("app/controllers/reports_controller.rb",
                ["    before_action :set_report", "    before_action :ensure_export_enabled"],
                ["    before_action :set_report"])
    decision = decide(parse_diff(text), policy)
    assert decision.risk is Risk.CRITICAL, decision.reasons


def _changed(path: str, removed: list[str], added: list[str], policy: Policy) -> set[str]:
    result = classify(parse_diff(edit(path, added, removed)), policy)
    return {e.rule for area in result.areas for e in area.evidence}


@pytest.mark.parametrize(
    ("path", "removed", "added", "fires"),
    [
        # an install's private mode overruled for the API by a constant now read
        ("includes/functions.php",
         ["        if ( app_is_api() ) {"],
         ["        if ( app_is_api() && defined( 'APP_PRIVATE_API' ) ) {"], True),
        # the variable that holds the flag, a conjunct added
        ("includes/functions.php",
         ["    if ( $private ) {"], ["    if ( $private && !app_is_api() ) {"], True),
        # a record's public flag, the caller's sign-in dropped from the check
        ("server/routers/badges.js",
         ["        if (!publicMonitor || !signedIn) {"], ["        if (!publicMonitor) {"], True),
        ("app/services/documents.ts",
         ["    if (!doc.isPublic && !viewer) {"], ["    if (!doc.isPublic || !viewer) {"],
         True),
        # look-alikes: a public key or path in a condition, the flag only renamed
        ("lib/crypto/verify.ts",
         ["    if (!publicKey) {"], ["    if (!publicKey || expired) {"], False),
        ("app/Http/Assets.php",
         ["        if (file_exists(public_path($file))) {"],
         ["        if (file_exists(public_path($file)) && $cache) {"], False),
        ("server/routers/badges.js",
         ["        if (!publicAvgPing) {"], ["        if (!publicMonitor) {"], False),
        ("src/analytics.ts",
         ["  if (process.env.NEXT_PUBLIC_GA_ID) {"],
         ["  if (process.env.NEXT_PUBLIC_GA_ID && consent) {"], False),
        ("src/storage/local.ts",
         ["  if (privateMode) {"], ["  if (privateMode || !hasStorage) {"], False),
        ("src/app/links.ts",
         ["  if (process.env.EXPO_PUBLIC_LINKS_ENABLED) {"],
         ["  if (process.env.EXPO_PUBLIC_LINKS_ENABLED && online) {"], False),
        # ... but an install's setting that makes a page public is
        ("src/server/status/page.ts",
         ["  if (!process.env.ENABLE_PUBLIC_STATUS_PAGE && !req.session) {"],
         ["  if (!req.session) {"], True),
    ],
)
def test_a_changed_visibility_condition_is_permissions(
    policy: Policy, path: str, removed: list[str], added: list[str], fires: bool
) -> None:
    found = _changed(path, removed, added, policy)
    assert (CHANGED in found) is fires, found
