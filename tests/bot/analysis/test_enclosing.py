"""bot.analysis.enclosing and its use by the classifier: the definitions a changed line is in,
read from the file's contents where the caller gives them, as evidence of an area."""

from __future__ import annotations

import pytest

from bot.analysis.classify import Classification, classify
from bot.analysis.diff import parse_diff
from bot.analysis.enclosing import Outline, acts
from bot.analysis.models import SourceFile
from policies.errors import PolicyError
from policies.loader import default_policy, load_policy
from tests.bot._diffs import edit

PYTHON = """\
import os


class ProjectPermission(BasePermission):
    message = "denied"

    @cached
    @login_required
    def has_permission(self, request, view):
        if request.user.is_active:
            return check(request.user, view)
        return False

    def describe(self):
        return (
            "a project permission"
        )


def helper():
    pass
"""


def names(outline: Outline, line: int) -> list[str]:
    return [d.text.split("(")[0] for d in outline.around(line)]


def test_outline_gives_the_function_and_the_class_a_line_is_in_innermost_first() -> None:
    outline = Outline(PYTHON)
    assert names(outline, 11) == ["def has_permission", "class ProjectPermission"]
    assert names(outline, 5) == ["class ProjectPermission"]
    # a signature or call continued on lines as deep as the definition stays inside it
    assert names(outline, 17) == ["def describe", "class ProjectPermission"]
    assert names(outline, 21) == ["def helper"]
    assert outline.around(1) == []


def test_outline_keeps_the_decorators_above_a_definition() -> None:
    method = Outline(PYTHON).around(11)[0]
    assert (method.line, method.marks) == (9, ("@cached", "@login_required"))
    assert method.texts[1:] == ("@cached", "@login_required")


@pytest.mark.parametrize(
    ("text", "line", "expected"),
    [
        pytest.param(
            "namespace Shop\n{\n    public class OrdersController : Controller\n    {\n"
            "        [Authorize(Roles = \"Admin\")]\n"
            "        public async Task<IActionResult> Refund(int id)\n        {\n"
            "            if (id > 0) { await _orders.Refund(id); }\n        }\n    }\n}\n",
            8, ["public async Task<IActionResult> Refund",
                "public class OrdersController : Controller"],
            id="csharp",
        ),
        pytest.param(
            "export class AuthGuard {\n  async canActivate(ctx: Ctx): Promise<boolean> {\n"
            "    if (!ctx.user) {\n      return false;\n    }\n    return true;\n  }\n}\n",
            4, ["async canActivate", "export class AuthGuard {"], id="typescript",
        ),
        pytest.param(
            "class TokensController < ApplicationController\n  def revoke\n"
            "    if authorized?\n      token.revoke\n    end\n  end\nend\n",
            4, ["def revoke", "class TokensController < ApplicationController"], id="ruby",
        ),
        pytest.param(
            "func (s *Service) Charge(ctx context.Context, amount int) error {\n"
            "\tif amount <= 0 {\n\t\treturn errAmount\n\t}\n\treturn nil\n}\n",
            3, ["func "], id="go",
        ),
    ],
)
def test_outline_reads_the_definitions_of_each_language(
    text: str, line: int, expected: list[str]
) -> None:
    assert [d.text.split("(")[0] for d in Outline(text).around(line)] == expected


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("        if user.is_active:", True),
        ("    return check(b, a)", True),
        ("    total = amount - discount", True),
        ("    redirect_to @post", True),
        ("    given model instance.", False),
        ("    logger.info(\"\", user.id)", False),
        ("    console.log(\"\")", False),
        ("import os", False),
        ("    end", False),
        ("    \"a project permission\",", False),
    ],
)
def test_acts_is_a_line_that_decides_exits_calls_or_assigns(code: str, expected: bool) -> None:
    assert acts(code) is expected


def _validator(body: list[str]) -> str:
    return "class PasswordValidator:\n    def validate(self, a, b):\n" + "".join(
        f"        {line}\n" for line in body
    )


OLD = ["x = 1", "return check(a, b)"]


def run(removed: list[str], added: list[str], sources: bool) -> Classification:
    text = edit("app/util.py", [f"        {a}" for a in added], [f"        {r}" for r in removed],
                start=4)
    given = (SourceFile(path="app/util.py", head=_validator(["x = 1", *added]),
                        base=_validator(["x = 1", *removed])),) if sources else ()
    return classify(parse_diff(text), default_policy(), sources=given)


def test_a_call_changed_inside_a_sensitive_class_is_evidence_only_with_the_contents() -> None:
    found = run(["return check(a, b)"], ["return check(b, a)"], sources=True)
    auth = next(a for a in found.areas if a.id == "auth")
    assert {(e.line, e.side, e.rule) for e in auth.evidence} == {
        (4, "new", "auth.enclosing-symbol"), (4, "old", "auth.enclosing-symbol")}
    assert auth.evidence[0].snippet.startswith("inside `class PasswordValidator:` (line 1): ")
    assert run(["return check(a, b)"], ["return check(b, a)"], sources=False).areas == []


def test_a_log_message_inside_a_sensitive_class_is_not_evidence() -> None:
    assert run(["log.info(\"checking\")"], ["log.info(\"validating\")"], sources=True).areas == []


def test_a_changed_condition_inside_a_function_named_for_a_subject_is_a_guard_change() -> None:
    def total(condition: str) -> str:
        return (f"def amount_due(order):\n    if {condition}:\n        return 0\n"
                "    return order.total\n")

    text = edit("app/orders.py", ["    if order.state == 'void':"],
                ["    if order.state != 'void':"], start=2)
    source = SourceFile(path="app/orders.py", head=total("order.state == 'void'"),
                        base=total("order.state != 'void'"))
    found = classify(parse_diff(text), default_policy(), sources=(source,))
    billing = next(a for a in found.areas if a.id == "billing")
    assert {e.rule for e in billing.evidence} == {"billing.condition-changed"}
    assert "inside `def amount_due(order):` (line 1)" in billing.evidence[0].snippet
    assert classify(parse_diff(text), default_policy()).areas == []


def test_a_line_of_a_new_definition_is_not_a_change_inside_it() -> None:
    text = edit("app/util.py", ["class PasswordValidator:", "    def validate(self):",
                                "        return check(a, b)"], start=1)
    source = SourceFile(path="app/util.py", head=_validator(["return check(a, b)"]))
    assert classify(parse_diff(text), default_policy(), sources=(source,)).areas == []


def test_an_enclosing_rule_reads_decorators_and_only_with_the_contents() -> None:
    policy = load_policy(
        "areas:\n  permissions:\n    content:\n"
        "      - {id: guarded-view, enclosing: true, pattern: '@team_only\\b'}\n"
    )
    head = "@team_only('edit')\ndef edit(request):\n    return save(request.POST)\n"
    base = "@team_only('edit')\ndef edit(request):\n    return save(request.GET)\n"
    text = edit("app/views.py", ["    return save(request.POST)"],
                ["    return save(request.GET)"], start=3)
    found = classify(parse_diff(text), policy,
                     sources=(SourceFile(path="app/views.py", head=head, base=base),))
    assert {e.rule for a in found.areas for e in a.evidence} == {"permissions.guarded-view"}
    # the rule's own pattern on a changed line is not evidence: it reads definitions only
    added = edit("app/views.py", ["@team_only('edit')"], start=1)
    assert classify(parse_diff(added), policy).areas == []


def test_an_enclosing_rule_reads_nothing_else() -> None:
    with pytest.raises(PolicyError, match="enclosing"):
        load_policy("areas:\n  auth:\n    content:\n"
                    "      - {enclosing: true, headers: true, pattern: 'x'}\n")


def test_a_docstring_is_prose_and_does_not_close_the_definition_it_documents() -> None:
    text = ('class TokenPolicy:\n    def check(self):\n        """Check it.\n\n'
            'Text at the margin (not code).\n        """\n        return self.ok\n')
    outline = Outline(text)
    assert outline.around(5) == [] and outline.around(3) == []
    assert names(outline, 7) == ["def check", "class TokenPolicy:"]


def test_a_local_variable_renamed_inside_a_sensitive_class_is_not_evidence() -> None:
    assert run(["y = check(a, b)", "return y"], ["checked = check(a, b)", "return checked"],
               sources=True).areas == []
    # an argument swapped brings in no name: still a change inside the class
    assert run(["return check(a, b)"], ["return check(b, a)"], sources=True).areas != []


def test_a_definition_is_frozen_plain_data() -> None:
    """Written out, not a dataclass (whose methods are compiled when its class is defined): it
    compares, hashes, shows, copies and pickles by its fields, and refuses a change."""
    import copy
    import pickle

    from bot.analysis.enclosing import Definition
    from policies.plain import FrozenInstanceError

    definition = Definition(3, "def refund(self):", ("@login_required",), -1)
    assert definition == Definition(3, "def refund(self):", ("@login_required",), -1)
    assert definition != Definition(4, "def refund(self):", ("@login_required",), -1)
    assert hash(definition) == hash(Definition(3, "def refund(self):", ("@login_required",), -1))
    assert repr(definition) == ("Definition(line=3, text='def refund(self):', "
                                "marks=('@login_required',), parent=-1)")
    assert pickle.loads(pickle.dumps(definition)) == copy.deepcopy(definition) == definition
    assert definition.at(9) == Definition(9, "def refund(self):", ("@login_required",), -1)
    assert definition.texts == ("def refund(self):", "@login_required")
    with pytest.raises(FrozenInstanceError):
        definition.line = 4  # type: ignore[misc]
