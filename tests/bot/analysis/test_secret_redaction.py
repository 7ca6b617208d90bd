"""A redactor named for what it does (issue 9, the security misses of the development view): a
function that masks secrets or personal data before a log line, an error or a config dump shows
them, defined or called whatever it is handed. Written from the shapes the stacks use, not
copied from a commit. A row with no rule is a look-alike that must stay silent.
"""

from __future__ import annotations

import pytest

from policies.model import Policy
from tests.bot.analysis._rules import rules_found


@pytest.mark.parametrize(
    ("path", "line", "rule"),
    [
        (
            "internal/logging/log.go",
            "func redact(msg string) string {",
            "security.secret-redaction",
        ),
        (
            "internal/logging/log.go",
            '\tfmt.Fprintf(out, "[%s] %s\\n", tag, redact(s))',
            "security.secret-redaction",
        ),
        (
            "src/main/java/org/shop/db/Urls.java",
            "        value = DatabaseUrls.redactJdbcUrl(value);",
            "security.secret-redaction",
        ),
        (
            "app/audit/export.py",
            "def redact_sensitive(payload: dict) -> dict:",
            "security.secret-redaction",
        ),
        (
            "src/lib/errors.ts",
            "  return redactHeaders(error.config.headers);",
            "security.secret-redaction",
        ),
        # the parameters a framework filters out of its request logs by name
        ("lib/rodauth/rails/railtie.rb", "        app.config.filter_parameters << /\\Akey\\z/",
         "security.secret-redaction"),
        ("config/config.exs", "config :phoenix, :filter_parameters, [\"password\", \"token\"]",
         "security.secret-redaction"),
        ("app/accounts/views.py", "@sensitive_post_parameters(\"password\")",
         "security.secret-redaction"),
        # look-alikes: masking for display, a field that says what was redacted
        ("src/components/PhoneInput.tsx", "  const shown = maskPhone(value);", None),
        ("app/models/document.py", "    redacted_at = models.DateTimeField(null=True)", None),
        ("src/lib/format.ts", "  return applyInputMask(value, '999-999');", None),
        # ... nor a list's or a search's filter parameters
        ("app/controllers/search_controller.rb", "    @filter_params = params.permit(:q)", None),
        ("src/api/list.ts", "  const filterParameters = buildFilters(query);", None),
        ("app/views/tickets.py", "    filter_parameters = {'status': 'open'}", None),
    ],
)
def test_a_redactor_is_secret_handling(
    policy: Policy, path: str, line: str, rule: str | None
) -> None:
    found = rules_found(path, line, policy)
    if rule is None:
        assert not {r for r in found if r.startswith("security.")}, found
    else:
        assert rule in found, found
