"""The decision as SARIF 2.1.0, for GitHub code scanning.

Code scanning turns each piece of evidence into an annotation on the PR's diff and keeps an alert
per area and place, so reviewers see why a line made the change critical where they read it.

Choices that matter to GitHub:
- one rule per sensitive area (`ruleId` = the area's id), whose help is the area's checklist;
- one result per piece of evidence, with a `partialFingerprints` entry that hashes what the
  evidence is (area, rule, path, side, snippet) but not its line number, so an alert survives
  lines moving above it and is not reopened on every push;
- evidence on a removed line points to the line number of the old file, and its message says so:
  code scanning has no "old side", and dropping removed lines would hide a deleted check.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections import Counter
from importlib import metadata
from typing import Any
from urllib.parse import quote

from bot.analysis.models import AreaResult, Decision, Evidence
from bot.render._escape import clip, plain
from policies.schema import Area, Policy, Risk

__all__ = [
    "FINGERPRINT_KEY",
    "INFORMATION_URI",
    "SARIF_SCHEMA",
    "SARIF_VERSION",
    "dump_sarif",
    "render_sarif",
    "render_sarif_json",
    "tool_version",
]

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/modeltier/modeltier"
FINGERPRINT_KEY = "modeltierEvidence/v1"

_LEVELS = {Risk.CRITICAL: "error", Risk.ELEVATED: "warning", Risk.ROUTINE: "note"}
_SNIPPET_CHARS = 200


@functools.cache
def tool_version() -> str:
    """The installed package's version, or "0.0.0" when running from a source tree."""
    try:
        return metadata.version("modeltier")
    except metadata.PackageNotFoundError:
        return "0.0.0"


def render_sarif(
    decision: Decision, policy: Policy, *, version: str | None = None
) -> dict[str, Any]:
    """A SARIF log with one run: the policy's areas as rules, the evidence as results."""
    rules, index = _rules(decision, policy)
    results: list[dict[str, Any]] = []
    seen: Counter[str] = Counter()
    for area in decision.areas:
        for evidence in area.evidence:
            key = _fingerprint_key(area.id, evidence)
            seen[key] += 1
            results.append(_result(decision, area, evidence, index[area.id], key, seen[key]))
    driver: dict[str, Any] = {
        "name": "modeltier",
        "informationUri": INFORMATION_URI,
        "version": version or tool_version(),
        "rules": rules,
    }
    omitted = sum(max(a.evidence_total - len(a.evidence), 0) for a in decision.areas)
    return {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {"driver": driver},
                "automationDetails": {"id": "modeltier/"},
                "columnKind": "unicodeCodePoints",
                "results": results,
                "properties": {
                    "risk": str(decision.risk),
                    "tier": decision.tier,
                    "recommendedModel": decision.recommended_model,
                    "requiredTier": decision.required_tier,
                    "verdict": str(decision.verdict),
                    "blocking": decision.blocking,
                    "evidenceOmitted": omitted,
                    "notInspected": len(decision.not_inspected),
                },
            }
        ],
    }


def render_sarif_json(decision: Decision, policy: Policy, *, version: str | None = None) -> str:
    """`render_sarif` as the JSON text to upload."""
    return dump_sarif(render_sarif(decision, policy, version=version))


def dump_sarif(sarif: dict[str, Any]) -> str:
    """A SARIF log as JSON text (UTF-8 characters kept, two-space indent, final newline)."""
    return json.dumps(sarif, indent=2, ensure_ascii=False) + "\n"


def _rules(decision: Decision, policy: Policy) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """Every active area of the policy, plus any area of the decision it does not know (a
    decision made under another policy must still have a rule for each of its results)."""
    rules: list[dict[str, Any]] = []
    index: dict[str, int] = {}
    for area_id, area in policy.active_areas().items():
        index[area_id] = len(rules)
        rules.append(_rule(area_id, area.title, area.risk, area))
    for result in decision.areas:
        if result.id not in index:
            index[result.id] = len(rules)
            rules.append(_rule(result.id, result.title, result.risk, policy.areas.get(result.id)))
    return rules, index


def _rule(area_id: str, title: str, risk: Risk, area: Area | None) -> dict[str, Any]:
    description = (area.description if area else "") or title
    checklist = list(area.checklist) if area else []
    what = f"{title} ({risk} risk): {description}"
    text = what + ("\n\nChecklist:\n" + "\n".join(f"- {i}" for i in checklist) if checklist else "")
    markdown = f"**{title}** ({risk} risk)\n\n{description}\n"
    if checklist:
        markdown += "\n**Review checklist**\n\n" + "".join(f"- [ ] {i}\n" for i in checklist)
    return {
        "id": area_id,
        "name": title,
        "shortDescription": {"text": f"Change touches {title}"},
        "fullDescription": {"text": what},
        "help": {"text": text, "markdown": markdown},
        "defaultConfiguration": {"level": _LEVELS.get(risk, "note")},
        "properties": {"tags": ["modeltier", f"risk-{risk}", area_id]},
    }


def _message_text(value: str, limit: int) -> str:
    """Untrusted text for a SARIF message: one line, and brackets escaped, since SARIF reads
    `[text](n)` in a message as a link to a related location."""
    value = clip(plain(value), limit)
    return value.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")


def _where(evidence: Evidence) -> str:
    if evidence.side == "path" or evidence.line is None:
        return f"The path matches {_message_text(evidence.snippet, _SNIPPET_CHARS)}"
    what = {
        "new": f"Changed line {evidence.line}",
        "old": (
            f"Removed line {evidence.line} (a line number of the old version of the file; the "
            "line no longer exists in this version)"
        ),
        "header": f"The hunk header at line {evidence.line}",
    }[evidence.side]
    snippet = _message_text(evidence.snippet, _SNIPPET_CHARS)
    return f"{what} matches rule {_message_text(evidence.rule, 200)}" + (
        f": {snippet}" if snippet else ""
    )


def _result(
    decision: Decision,
    area: AreaResult,
    evidence: Evidence,
    rule_index: int,
    key: str,
    occurrence: int,
) -> dict[str, Any]:
    tier = _message_text(decision.tier_title, 100)
    model = _message_text(decision.recommended_model_name, 100)
    message = (
        f"{_message_text(area.title, 100)} ({area.risk} risk). {_where(evidence)}. "
        f"This change calls for the {tier} tier ({model} recommended); "
        f"verdict: {decision.verdict}."
    )
    line = evidence.line if evidence.line is not None and evidence.side != "path" else 1
    fingerprint = hashlib.sha256(f"{key}\x00{occurrence}".encode()).hexdigest()[:32]
    return {
        "ruleId": area.id,
        "ruleIndex": rule_index,
        "level": _LEVELS.get(area.risk, "note"),
        "message": {"text": message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": _uri(evidence.path), "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": max(line, 1)},
                }
            }
        ],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
        "properties": {"side": evidence.side, "evidenceRule": evidence.rule},
    }


def _fingerprint_key(area_id: str, evidence: Evidence) -> str:
    """What identifies a piece of evidence across pushes: not its line number, which moves."""
    snippet = " ".join(evidence.snippet.split())
    return "\x00".join((area_id, evidence.rule, evidence.path, evidence.side, snippet))


def _uri(path: str) -> str:
    """A repository-relative path as a URI reference (spaces and non-ASCII percent-encoded)."""
    return quote(path.lstrip("/"), safe="/")
