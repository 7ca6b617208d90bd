"""bot.analysis.removal: unused code deleted whole is not evidence; a protection deleted is.

Each case deletes lines full of sensitive words from a file an area claims. What decides is the
shape of the deletion (complete definitions or not, nested in what survives or not, decorated
or not) and whether anything left in the change still names what was deleted.
"""

from __future__ import annotations

import pytest

from bot.analysis.classify import classify
from bot.analysis.decide import decide
from bot.analysis.diff import parse_diff
from bot.analysis.removal import Removals
from policies.schema import Policy
from tests.bot._diffs import edit

_PY_HELPER = [
    "def refund_fee(payment, amount):",
    '    """The fee kept on a refund."""',
    "    if amount <= 0:",
    "        raise ValueError(amount)",
    "    return payment.fee * amount",
    "",
]
_CS_HELPER = [
    "        public static double CalculateAdditionalFee(this IPaymentProvider payment,",
    "            double fee, bool usePercentage)",
    "        {",
    "            if (fee <= 0)",
    "                return fee;",
    "            return payment.Total * fee / 100;",
    "        }",
]


def _with_context(path: str, removed: list[str], context: list[str]) -> str:
    """A hunk of removed lines followed by unchanged ones."""
    body = "".join(f"-{line}\n" for line in removed) + "".join(f" {line}\n" for line in context)
    size = len(removed) + len(context)
    return (f"diff --git a/{path} b/{path}\nindex 1111111..2222222 100644\n--- a/{path}\n"
            f"+++ b/{path}\n@@ -10,{size} +10,{len(context)} @@\n{body}")


@pytest.mark.parametrize(
    ("diff", "removal"),
    [
        pytest.param(edit("billing/fees.py", removed=_PY_HELPER), True, id="py-unused-function"),
        pytest.param(edit("src/Payments/PaymentExtensions.cs", removed=_CS_HELPER), True,
                     id="cs-unused-method"),
        pytest.param(
            _with_context("billing/fees.py", _PY_HELPER, ["total = refund_fee(p, 3)"]), False,
            id="still-called-below",
        ),
        pytest.param(
            edit("billing/fees.py", removed=_PY_HELPER)
            + edit("CHANGELOG.md", added=["- Removed the unused `refund_fee` helper."]), True,
            id="named-in-changelog-only",
        ),
        pytest.param(
            edit("billing/fees.py", removed=["    if amount <= 0:", "        raise ValueError"]),
            False, id="check-inside-surviving-function",
        ),
        pytest.param(
            edit("app/permissions.py", removed=[
                "    def has_permission(self, request, view):",
                "        return request.user.is_staff",
            ]), False, id="py-method-a-framework-calls",
        ),
        pytest.param(
            edit("app/auth.py", removed=[
                "@app.before_request",
                "def require_login():",
                "    if not session.get('user'):",
                "        abort(401)",
            ]), False, id="registered-by-decorator",
        ),
        pytest.param(
            edit("app/views.py", removed=["@login_required"]), False, id="decorator-only",
        ),
        pytest.param(
            edit("config/initializers/json_escape.rb", removed=[
                "class ActionView::Base",
                "  def json_escape(s)",
                "    s.to_s.gsub('/', '\\/')",
                "  end",
                "end",
            ]), False, id="rb-monkey-patch",
        ),
        pytest.param(
            edit("src/main/java/billing/InvoiceDao.java", removed=[
                "    @Override",
                "    public List<Invoice> getInvoices(Account account) {",
                "        return dao.byAccount(account);",
                "    }",
            ]), False, id="java-override-of-what-survives",
        ),
    ],
)
def test_removal_shapes(diff: str, removal: bool) -> None:
    parsed = parse_diff(diff)
    assert Removals(parsed).hunk(0, 0) is removal


def test_unused_helper_deleted_is_not_evidence_and_says_why(policy: Policy) -> None:
    diff = edit("src/Payments/PaymentExtensions.cs", removed=_CS_HELPER)
    result = classify(parse_diff(diff), policy)
    assert result.areas == []
    assert result.removed_paths == ["src/Payments/PaymentExtensions.cs"]
    decision = decide(parse_diff(diff), policy)
    assert str(decision.risk) == "routine"
    assert any(r.startswith("Not counted as evidence (removal:") for r in decision.reasons)


def test_check_deleted_from_surviving_function_is_still_evidence(policy: Policy) -> None:
    diff = edit("app/views/documents.py", removed=[
        "    if not document.owner == request.user:",
        "        raise PermissionDenied",
    ])
    decision = decide(parse_diff(diff), policy)
    assert str(decision.risk) == "critical"
    assert decision.signals.removed_lines == 0
