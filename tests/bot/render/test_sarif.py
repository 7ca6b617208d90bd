"""SARIF for GitHub code scanning: the shape GitHub requires, and alerts that stay the same
alert from one push to the next."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from bot.analysis.models import AreaResult, Decision, Evidence
from bot.render import render_sarif, render_sarif_json
from bot.render.sarif import tool_version
from policies.loader import default_policy
from policies.model import Risk
from tests.bot.render._builders import (
    AUTH_DIFF,
    AUTH_DIFF_SHIFTED,
    ELEVATED_DIFF,
    MIXED_DIFF,
    decide_diff,
    decision,
    huge_decision,
)

LEVELS = {"none", "note", "warning", "error"}
SCHEMA_FILE = Path(__file__).resolve().parents[2] / "fixtures" / "sarif" / "sarif-schema-2.1.0.json"
# GitHub's documented limits for an uploaded SARIF run (docs: "SARIF support for code scanning").
MAX_RESULTS_PER_RUN = 25_000
MAX_RULES_PER_RUN = 25_000
MAX_TAGS_PER_RULE = 20
MAX_DESCRIPTION_CHARS = 1_024


@functools.cache
def _validator() -> Any:
    """The official OASIS SARIF 2.1.0 schema (draft-04), shipped in tests/fixtures/sarif."""
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema)


def assert_valid_sarif(log: dict[str, Any]) -> None:
    """Valid against the official schema, and within what GitHub's upload documents."""
    errors = sorted(_validator().iter_errors(log), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]
    assert log["version"] == "2.1.0"
    assert len(log["runs"]) == 1
    (run,) = log["runs"]
    assert run["automationDetails"]["id"].endswith("/")  # a category, the same on every run
    driver = run["tool"]["driver"]
    assert driver["name"] == "modeltier"
    assert driver["informationUri"].startswith("https://")
    assert driver["version"]
    rules = driver["rules"]
    assert len(rules) <= MAX_RULES_PER_RUN
    ids = [r["id"] for r in rules]
    assert len(ids) == len(set(ids)), "rule ids must be unique"
    for rule in rules:
        for key in ("shortDescription", "fullDescription", "help"):
            assert rule[key]["text"]
        assert len(rule["shortDescription"]["text"]) <= MAX_DESCRIPTION_CHARS
        assert rule["defaultConfiguration"]["level"] in LEVELS
        properties = rule["properties"]
        assert len(properties["tags"]) <= MAX_TAGS_PER_RULE
        assert properties["precision"] in {"very-high", "high", "medium", "low"}
        assert properties["problem.severity"] in {"error", "warning", "recommendation"}
        if "security-severity" in properties:
            # a string holding a number in 0.0-10.0, on a rule tagged `security`
            assert 0.0 <= float(properties["security-severity"]) <= 10.0
            assert "security" in properties["tags"]
    assert len(run["results"]) <= MAX_RESULTS_PER_RUN
    for result in run["results"]:
        assert result["ruleId"] in ids
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in LEVELS
        assert result["message"]["text"]
        (location,) = result["locations"]
        physical = location["physicalLocation"]
        uri = physical["artifactLocation"]["uri"]
        assert uri and not uri.startswith("/") and "://" not in uri  # repository-relative
        line = physical["region"]["startLine"]  # GitHub places a result only with a start line
        assert isinstance(line, int)
        assert line >= 1
        # GitHub reads only primaryLocationLineHash; upload-sarif computes it from the file.
        assert "partialFingerprints" not in result
        assert "fingerprints" not in result


def _results(log: dict[str, Any]) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = log["runs"][0]["results"]
    return results


@pytest.mark.parametrize("diff", [AUTH_DIFF, MIXED_DIFF, ELEVATED_DIFF])
@pytest.mark.parametrize("body", ["", "Model: GPT-5.4"])
def test_real_decisions_are_valid_sarif(diff: str, body: str) -> None:
    d = decide_diff(diff, body)
    log = render_sarif(d, default_policy())
    assert_valid_sarif(log)
    assert len(_results(log)) == sum(len(a.evidence) for a in d.areas)
    assert json.loads(render_sarif_json(d, default_policy())) == log


def test_huge_decision_is_valid_with_one_result_per_evidence() -> None:
    d = huge_decision()
    log = render_sarif(d, default_policy())
    assert_valid_sarif(log)
    assert len(_results(log)) == 5_000
    assert log["runs"][0]["properties"]["evidenceOmitted"] == 45_000


def test_rules_are_the_policy_areas_with_levels_and_checklists() -> None:
    policy = default_policy()
    log = render_sarif(decide_diff(AUTH_DIFF, ""), policy)
    rules = {r["id"]: r for r in log["runs"][0]["tool"]["driver"]["rules"]}
    assert set(rules) == set(policy.active_areas())
    assert rules["auth"]["defaultConfiguration"]["level"] == "warning"
    assert rules["integrations"]["defaultConfiguration"]["level"] == "note"
    assert rules["auth"]["shortDescription"]["text"] == "Change touches Authentication"
    for item in policy.areas["auth"].checklist:
        assert f"- [ ] {item}" in rules["auth"]["help"]["markdown"]
        assert f"- {item}" in rules["auth"]["help"]["text"]
    assert "risk-critical" in rules["auth"]["properties"]["tags"]
    assert rules["auth"]["properties"]["problem.severity"] == "warning"
    assert rules["integrations"]["properties"]["problem.severity"] == "recommendation"


def test_only_the_security_area_has_a_security_severity() -> None:
    rules = {
        r["id"]: r["properties"]
        for r in render_sarif(decide_diff(AUTH_DIFF, ""), default_policy())["runs"][0]["tool"][
            "driver"
        ]["rules"]
    }
    assert rules["security"]["security-severity"] == "7.5"
    assert "security" in rules["security"]["tags"]
    assert [a for a, p in rules.items() if "security-severity" in p] == ["security"]


@pytest.mark.parametrize(
    ("diff", "body", "levels"),
    [
        (MIXED_DIFF, "", {"billing": "error", "integrations": "warning"}),  # enforcement fails
        (MIXED_DIFF, "Model: GPT-5.4", {"billing": "note", "integrations": "note"}),  # passes
        (ELEVATED_DIFF, "", {"integrations": "note"}),  # advisory
    ],
    ids=["failing", "passing", "advisory"],
)
def test_result_levels_follow_the_verdict(diff: str, body: str, levels: dict[str, str]) -> None:
    log = render_sarif(decide_diff(diff, body), default_policy())
    assert {r["ruleId"]: r["level"] for r in _results(log)} == levels


def test_a_failure_the_policy_only_warns_about_is_a_warning() -> None:
    d = decide_diff(AUTH_DIFF, "").replace(blocking=False)
    levels = {r["level"] for r in _results(render_sarif(d, default_policy()))}
    assert levels == {"warning"}


def test_removed_lines_are_placed_on_the_head_and_name_the_old_line() -> None:
    log = render_sarif(decide_diff(AUTH_DIFF, ""), default_policy())
    old = [r for r in _results(log) if r["properties"]["side"] == "old"]
    assert len(old) == 1
    # `-token = hmac.new(key)` was old line 2, below the context line `import os` (head line 1)
    assert old[0]["locations"][0]["physicalLocation"]["region"]["startLine"] == 1
    assert old[0]["properties"]["oldLine"] == 2
    assert "Removed line 2 of the old file" in old[0]["message"]["text"]


def test_no_result_is_on_a_line_the_head_file_does_not_have() -> None:
    """A hunk that removes more than it adds: old line numbers run past the head file's end."""
    diff = (
        "diff --git a/app/auth/session.py b/app/auth/session.py\n"
        "--- a/app/auth/session.py\n+++ b/app/auth/session.py\n"
        "@@ -1,9 +1,4 @@\n import os\n-a = 1\n-b = 2\n-c = 3\n-d = 4\n"
        "-e = check_password(v)\n"
        " x = 1\n+f = check_password(u)\n-g = 2\n y = 2\n"
    )
    head = ["import os", "x = 1", "f = check_password(u)", "y = 2"]
    log = render_sarif(decide_diff(diff, ""), default_policy())
    lines = {
        (r["properties"]["side"], r["properties"].get("oldLine"),
         r["locations"][0]["physicalLocation"]["region"]["startLine"])
        for r in _results(log)
        if r["ruleId"] == "auth"
    }
    assert all(1 <= line <= len(head) for _, _, line in lines), lines
    assert ("old", 6, 1) in lines  # old line 6, past the head's 4 lines: on `import os`
    assert ("new", None, 3) in lines


def test_path_evidence_starts_at_line_one() -> None:
    log = render_sarif(decide_diff(AUTH_DIFF, ""), default_policy())
    path = [r for r in _results(log) if r["properties"]["side"] == "path"]
    assert path
    for result in path:
        assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == 1
        assert "The path matches **/login.*" in result["message"]["text"]


def test_messages_name_the_rule_snippet_tier_and_verdict() -> None:
    log = render_sarif(decide_diff(AUTH_DIFF, ""), default_policy())
    text = next(
        r["message"]["text"]
        for r in _results(log)
        if r["ruleId"] == "auth" and r["properties"]["side"] == "new"
    )
    assert text == (
        "Authentication (critical risk). Changed line 3 matches rule auth.password-hashing: "
        "password = bcrypt.hashpw(pw). This change calls for the Premium tier (GPT-5.4 "
        "recommended); verdict: missing."
    )


def test_results_follow_lines_that_move() -> None:
    moved = render_sarif(decide_diff(AUTH_DIFF_SHIFTED, ""), default_policy())
    lines = [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in _results(moved)]
    assert max(lines) > 40


def test_same_line_text_twice_gives_two_results() -> None:
    evidence = [
        Evidence(path="a.py", line=line, rule="auth.x", snippet="same()") for line in (3, 9)
    ]
    area = AreaResult(
        id="auth",
        title="Auth",
        risk=Risk.CRITICAL,
        files=["a.py"],
        evidence=evidence,
        evidence_total=2,
    )
    log = render_sarif(decision(areas=[area]), default_policy())
    assert_valid_sarif(log)
    assert [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in _results(log)] \
        == [3, 9]


def test_unknown_area_still_gets_a_rule_and_odd_paths_are_uris() -> None:
    area = AreaResult(
        id="custom-area",
        title="Custom [area]",
        risk=Risk.ELEVATED,
        files=["dir with space/é.py"],
        evidence=[
            Evidence(path="dir with space/é.py", line=0, rule="custom-area.x", snippet="[x](1)")
        ],
        evidence_total=1,
    )
    log = render_sarif(decision(areas=[area]), default_policy())
    assert_valid_sarif(log)
    (result,) = _results(log)
    assert result["ruleId"] == "custom-area"
    assert result["level"] == "warning"  # an elevated area of a failing change
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "dir%20with%20space/%C3%A9.py"
    assert location["region"]["startLine"] == 1
    assert "\\[x\\](1)" in result["message"]["text"]
    assert "Custom \\[area\\]" in result["message"]["text"]


def test_version_comes_from_metadata_or_the_argument() -> None:
    d: Decision = decide_diff(AUTH_DIFF, "")
    driver = render_sarif(d, default_policy())["runs"][0]["tool"]["driver"]
    assert driver["version"] == tool_version()
    assert tool_version().count(".") >= 2
    driver = render_sarif(d, default_policy(), version="9.9.9")["runs"][0]["tool"]["driver"]
    assert driver["version"] == "9.9.9"


def test_the_schema_fixture_is_the_official_one() -> None:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert schema["id"] == (
        "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
    )
    assert (SCHEMA_FILE.parent / "LICENSE.md").is_file()


def test_an_invalid_log_is_caught_by_the_schema() -> None:
    log = render_sarif(decide_diff(AUTH_DIFF, ""), default_policy())
    log["runs"][0]["results"][0]["level"] = "fatal"
    with pytest.raises(AssertionError):
        assert_valid_sarif(log)


def test_the_stripe_call_is_the_first_result() -> None:
    from tests.bot.render.test_markdown_html import _stripe_decision

    log = render_sarif(_stripe_decision(), default_policy())
    assert_valid_sarif(log)
    first = _results(log)[0]
    assert first["properties"]["evidenceRule"] == "billing.stripe"
    assert first["locations"][0]["physicalLocation"]["region"]["startLine"] == 25


def test_the_run_says_which_evidence_of_the_model_was_used_and_how_strong() -> None:
    log = render_sarif(decide_diff(AUTH_DIFF, "Model: GPT-5.4"), default_policy())
    assert_valid_sarif(log)
    assert log["runs"][0]["properties"]["modelEvidence"] == [{
        "kind": "model", "model": "gpt-5.4", "tool": None, "tier": "premium",
        "provenance": "declared", "source": "description", "location": "PR description, line 1",
        "satisfies": True,
    }]
