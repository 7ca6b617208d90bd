"""bot.analysis.unusedimports: a Python or JavaScript import removed alone took out names nothing
used; one that runs its module, one kept on purpose, a package's face, or one whose names the
change stops using elsewhere in the file stays part of the change."""

from __future__ import annotations

import pytest

from bot.analysis.classify import classify
from bot.analysis.diff import parse_diff
from bot.analysis.unusedimports import unused_imports_dropped
from policies.model import Policy
from tests.bot._diffs import edit

_LOGIN_REQUIRED = "from django.contrib.auth.decorators import login_required"


def _areas(text: str, policy: Policy) -> set[str]:
    return {area.id for area in classify(parse_diff(text), policy).areas}


@pytest.mark.parametrize(
    "diff",
    [
        pytest.param(edit("h/auth/policy.py", removed=["import pyramid.compat"],
                          kept=["from __future__ import unicode_literals", ""]),
                     id="python-module-in-auth-path"),
        pytest.param(edit("app/views.py", removed=[_LOGIN_REQUIRED, ""],
                          kept=["from django.shortcuts import render"]), id="python-decorator"),
        pytest.param(edit("src/auth/policy.ts",
                          removed=['import { requireAdmin, Role as R } from "./rbac";'],
                          kept=['import { bar } from "./bar";']), id="typescript"),
    ],
)
def test_an_unused_import_removed_alone_is_no_evidence(diff: str, policy: Policy) -> None:
    assert _areas(diff, policy) == set()


@pytest.mark.parametrize(
    "diff",
    [
        # kept on purpose: flake8 was told the import is used
        pytest.param(edit("app/views.py", removed=[_LOGIN_REQUIRED + "  # noqa"],
                          kept=["from django.shortcuts import render"]), id="noqa"),
        # an indented import runs when its function does: receivers registered at start-up
        pytest.param(edit("app/auth/apps.py", removed=["        import app.auth.signals"],
                          kept=["    def ready(self):"]), id="indented"),
        # what a package gives its importers
        pytest.param(edit("app/auth/__init__.py", removed=["from .decorators import login_required"]),
                     id="package-init"),
        # binds nothing: it is there to run its module
        pytest.param(edit("src/auth/index.ts", removed=['import "./passport-setup";']),
                     id="side-effect"),
        # another module under the same name
        pytest.param(edit("app/views.py", removed=[_LOGIN_REQUIRED],
                          added=["from app.fake import login_required"]), id="swapped"),
    ],
)
def test_an_import_that_changes_what_runs_still_counts(diff: str, policy: Policy) -> None:
    assert _areas(diff, policy) != set()


def test_an_import_whose_use_the_change_removes_goes_with_that_use() -> None:
    removed = ["from defusedxml.lxml import fromstring"]
    assert unused_imports_dropped("src/saml/utils.py", removed, [], ["    x = parse(data)"],
                                  python=True)
    assert not unused_imports_dropped(
        "src/saml/utils.py", removed, [], ["            data = fromstring(str(data.toxml()))"],
        python=True,
    )


def test_only_python_and_javascript_imports_bound_to_names() -> None:
    assert not unused_imports_dropped("lib/auth.rb", ["require 'devise'"], [], [], python=False)
    assert not unused_imports_dropped("app/x.py", ["import os", "os.getenv('A')"], [], [],
                                      python=True)
    assert not unused_imports_dropped("app/x.py", ["import os"], ["import sys"], [], python=True)
    assert unused_imports_dropped("app/x.py", ["import os", ""], ["", ""], [], python=True)
