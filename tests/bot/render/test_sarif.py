"""SARIF for GitHub code scanning: the shape GitHub requires, and alerts that stay the same
alert from one push to the next."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.analysis.models import AreaResult, Decision, Evidence
from bot.render import render_sarif, render_sarif_json
from bot.render.sarif import FINGERPRINT_KEY, tool_version
from policies.loader import default_policy
from policies.schema import Risk
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

# The fields of SARIF 2.1.0 that GitHub code scanning requires or reads, written from the spec.
MINIMAL_SARIF_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["version", "runs"],
    "properties": {
        "version": {"const": "2.1.0"},
        "$schema": {"type": "string"},
        "runs": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["tool", "results"],
                "properties": {
                    "tool": {
                        "type": "object",
                        "required": ["driver"],
                        "properties": {
                            "driver": {
                                "type": "object",
                                "required": ["name", "rules"],
                                "properties": {
                                    "name": {"type": "string"},
                                    "version": {"type": "string"},
                                    "informationUri": {"type": "string", "format": "uri"},
                                    "rules": {
                                        "type": "array",
                                        "items": {
                                            "type": "object",
                                            "required": [
                                                "id",
                                                "shortDescription",
                                                "fullDescription",
                                                "help",
                                                "defaultConfiguration",
                                                "properties",
                                            ],
                                            "properties": {
                                                "id": {"type": "string", "minLength": 1},
                                                "shortDescription": {"$ref": "#/$defs/message"},
                                                "fullDescription": {"$ref": "#/$defs/message"},
                                                "help": {"$ref": "#/$defs/message"},
                                                "defaultConfiguration": {
                                                    "type": "object",
                                                    "properties": {
                                                        "level": {"enum": sorted(LEVELS)}
                                                    },
                                                },
                                                "properties": {
                                                    "type": "object",
                                                    "properties": {
                                                        "tags": {
                                                            "type": "array",
                                                            "items": {"type": "string"},
                                                        }
                                                    },
                                                },
                                            },
                                        },
                                    },
                                },
                            }
                        },
                    },
                    "results": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["ruleId", "message", "locations", "level"],
                            "properties": {
                                "ruleId": {"type": "string"},
                                "ruleIndex": {"type": "integer", "minimum": 0},
                                "level": {"enum": sorted(LEVELS)},
                                "message": {"$ref": "#/$defs/message"},
                                "locations": {
                                    "type": "array",
                                    "minItems": 1,
                                    "items": {
                                        "type": "object",
                                        "required": ["physicalLocation"],
                                        "properties": {
                                            "physicalLocation": {
                                                "type": "object",
                                                "required": ["artifactLocation", "region"],
                                                "properties": {
                                                    "artifactLocation": {
                                                        "type": "object",
                                                        "required": ["uri"],
                                                        "properties": {"uri": {"type": "string"}},
                                                    },
                                                    "region": {
                                                        "type": "object",
                                                        "required": ["startLine"],
                                                        "properties": {
                                                            "startLine": {
                                                                "type": "integer",
                                                                "minimum": 1,
                                                            }
                                                        },
                                                    },
                                                },
                                            }
                                        },
                                    },
                                },
                                "partialFingerprints": {
                                    "type": "object",
                                    "additionalProperties": {"type": "string"},
                                },
                            },
                        },
                    },
                },
            },
        },
    },
    "$defs": {
        "message": {
            "type": "object",
            "required": ["text"],
            "properties": {"text": {"type": "string", "minLength": 1}},
        }
    },
}


def assert_valid_sarif(log: dict[str, Any]) -> None:
    """The structural checks GitHub's upload makes, without any schema library."""
    assert log["version"] == "2.1.0"
    assert log["$schema"].startswith("https://")
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "modeltier"
    assert driver["informationUri"].startswith("https://")
    assert isinstance(driver["version"], str)
    assert driver["version"]
    rules = driver["rules"]
    ids = [r["id"] for r in rules]
    assert len(ids) == len(set(ids)), "rule ids must be unique"
    for rule in rules:
        for key in ("shortDescription", "fullDescription", "help"):
            assert rule[key]["text"]
        assert rule["defaultConfiguration"]["level"] in LEVELS
        assert isinstance(rule["properties"]["tags"], list)
    for result in run["results"]:
        assert result["ruleId"] in ids
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in LEVELS
        assert result["message"]["text"]
        (location,) = result["locations"]
        physical = location["physicalLocation"]
        assert physical["artifactLocation"]["uri"]
        line = physical["region"]["startLine"]
        assert isinstance(line, int)
        assert line >= 1
        assert result["partialFingerprints"][FINGERPRINT_KEY]


def _results(log: dict[str, Any]) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = log["runs"][0]["results"]
    return results


def _fingerprints(log: dict[str, Any]) -> list[str]:
    return [r["partialFingerprints"][FINGERPRINT_KEY] for r in _results(log)]


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
    assert len(set(_fingerprints(log))) == 5_000
    assert log["runs"][0]["properties"]["evidenceOmitted"] == 45_000


def test_rules_are_the_policy_areas_with_levels_and_checklists() -> None:
    policy = default_policy()
    log = render_sarif(decide_diff(AUTH_DIFF, ""), policy)
    rules = {r["id"]: r for r in log["runs"][0]["tool"]["driver"]["rules"]}
    assert set(rules) == set(policy.active_areas())
    assert rules["auth"]["defaultConfiguration"]["level"] == "error"
    assert rules["integrations"]["defaultConfiguration"]["level"] == "warning"
    assert rules["auth"]["shortDescription"]["text"] == "Change touches Authentication"
    for item in policy.areas["auth"].checklist:
        assert f"- [ ] {item}" in rules["auth"]["help"]["markdown"]
        assert f"- {item}" in rules["auth"]["help"]["text"]
    assert "risk-critical" in rules["auth"]["properties"]["tags"]


def test_result_levels_follow_the_area_risk() -> None:
    log = render_sarif(decide_diff(MIXED_DIFF, ""), default_policy())
    levels = {r["ruleId"]: r["level"] for r in _results(log)}
    assert levels == {"billing": "error", "integrations": "warning"}


def test_removed_lines_point_to_the_old_file_and_say_so() -> None:
    log = render_sarif(decide_diff(AUTH_DIFF, ""), default_policy())
    old = [r for r in _results(log) if r["properties"]["side"] == "old"]
    assert len(old) == 1
    assert old[0]["locations"][0]["physicalLocation"]["region"]["startLine"] == 2
    assert "Removed line 2" in old[0]["message"]["text"]
    assert "old version of the file" in old[0]["message"]["text"]


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
        "Authentication (critical risk). Changed line 3 matches rule auth.credentials: "
        "password = bcrypt.hashpw(pw). This change calls for the Premium tier (GPT-5.4 "
        "recommended); verdict: missing."
    )


def test_fingerprints_are_stable_between_runs_and_line_moves() -> None:
    first = render_sarif(decide_diff(AUTH_DIFF, ""), default_policy())
    again = render_sarif(decide_diff(AUTH_DIFF, "Model: GPT-5.4"), default_policy())
    moved = render_sarif(decide_diff(AUTH_DIFF_SHIFTED, ""), default_policy())
    assert _fingerprints(first) == _fingerprints(again)
    assert _fingerprints(first) == _fingerprints(moved)
    lines = [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in _results(moved)]
    assert max(lines) > 40


def test_fingerprints_differ_for_different_evidence() -> None:
    prints = _fingerprints(render_sarif(decide_diff(AUTH_DIFF, ""), default_policy()))
    assert len(prints) == len(set(prints)) == 5


def test_same_line_text_twice_gets_two_fingerprints() -> None:
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
    prints = _fingerprints(render_sarif(decision(areas=[area]), default_policy()))
    assert len(set(prints)) == 2


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
    assert result["level"] == "warning"
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


def test_against_a_minimal_schema() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    for d in (decide_diff(AUTH_DIFF, ""), decide_diff(MIXED_DIFF, ""), huge_decision()):
        log = json.loads(render_sarif_json(d, default_policy()))
        jsonschema.validate(log, MINIMAL_SARIF_SCHEMA)
