"""The decision as SARIF 2.1.0, for GitHub code scanning.

Code scanning turns each piece of evidence into an annotation on the PR's diff and keeps an alert
per area and place, so reviewers see why a line made the change critical where they read it.

Choices that matter to GitHub (its documented SARIF support, checked in the tests together with
the official SARIF 2.1.0 JSON Schema):
- one rule per sensitive area (`ruleId` = the area's id), whose help is the area's checklist,
  with `properties.precision`, `problem.severity` and, for the security area,
  `security-severity` (and the `security` tag GitHub requires beside it);
- one result per piece of evidence, in the core's ranking; every result is on a line of the
  head file: code scanning shows only the head, so a removed line is placed on the head line
  nearest to where it was (`Evidence.head_line`) and its message names the old line, a hunk
  header on its hunk's first line, a path match on line 1;
- `level` follows the verdict: `error` only where enforcement fails (critical areas of a failing
  change), `warning` for a failure the policy makes a warning or an elevated area of a failing
  change, `note` otherwise;
- no `partialFingerprints`: GitHub reads only `primaryLocationLineHash`, a hash of the file's
  text, which `upload-sarif` computes from the checked-out head (a key of our own would be
  ignored, and a wrong one would merge unrelated alerts).
"""

from __future__ import annotations

import functools
import json
from importlib import metadata
from typing import Any
from urllib.parse import quote

from bot.analysis.models import AreaResult, Decision, Evidence, Verdict
from bot.render._escape import clip, plain
from policies.model import Area, Policy, Risk

__all__ = [
    "INFORMATION_URI",
    "SARIF_SCHEMA",
    "SARIF_VERSION",
    "dump_sarif",
    "head_line",
    "render_sarif",
    "render_sarif_json",
    "result_level",
    "tool_version",
]

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/modeltier/modeltier"
_SNIPPET_CHARS = 200
# The rule's severity when nothing fails (GitHub's `problem.severity`), and, for the security
# area only, the CVSS-like score code scanning ranks security alerts by (7.0-8.9 is "high").
_PROBLEM_SEVERITY = {Risk.CRITICAL: "warning", Risk.ELEVATED: "recommendation"}
_SECURITY_AREA = "security"
_SECURITY_SEVERITY = {Risk.CRITICAL: "7.5", Risk.ELEVATED: "5.0"}


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
    for area in decision.areas:
        level = result_level(decision, area.risk)
        for evidence in area.evidence:
            results.append(_result(decision, area, evidence, index[area.id], level))
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
                    "modelEvidence": _model_evidence(decision),
                },
            }
        ],
    }


def _model_evidence(decision: Decision) -> list[dict[str, Any]]:
    """Each declaration of the model used, with its provenance (declared < tool < recorded <
    attested) and whether it met the requirement: what the verdict rests on, and how strong."""
    return [
        {
            "kind": d.kind,
            "model": d.model,
            "tool": d.tool,
            "tier": d.tier,
            "provenance": str(d.provenance),
            "source": d.source,
            "location": d.location,
            "satisfies": d.satisfies,
        }
        for d in decision.declared_models
    ]


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


def result_level(decision: Decision, risk: Risk) -> str:
    """`error` only where enforcement fails; `warning` for a failure the policy only warns
    about, or an elevated area of a failing change; `note` otherwise (a pass, advice)."""
    failing = decision.verdict in (Verdict.FAIL, Verdict.MISSING)
    if failing and decision.blocking:
        return "error" if risk == Risk.CRITICAL else "warning"
    if failing and risk == Risk.CRITICAL:
        return "warning"
    return "note"


def _rule(area_id: str, title: str, risk: Risk, area: Area | None) -> dict[str, Any]:
    description = (area.description if area else "") or title
    checklist = list(area.checklist) if area else []
    what = f"{title} ({risk} risk): {description}"
    text = what + ("\n\nChecklist:\n" + "\n".join(f"- {i}" for i in checklist) if checklist else "")
    markdown = f"**{title}** ({risk} risk)\n\n{description}\n"
    if checklist:
        markdown += "\n**Review checklist**\n\n" + "".join(f"- [ ] {i}\n" for i in checklist)
    properties: dict[str, Any] = {
        "tags": ["modeltier", f"risk-{risk}", area_id],
        # A sensitive area is a heuristic: it names code worth a closer look, not a defect.
        "precision": "medium",
        "problem.severity": _PROBLEM_SEVERITY.get(risk, "recommendation"),
    }
    if area_id == _SECURITY_AREA:
        properties["tags"] = list(dict.fromkeys([*properties["tags"], "security"]))
        properties["security-severity"] = _SECURITY_SEVERITY.get(risk, "5.0")
    return {
        "id": area_id,
        "name": title,
        "shortDescription": {"text": f"Change touches {title}"},
        "fullDescription": {"text": what},
        "help": {"text": text, "markdown": markdown},
        "defaultConfiguration": {"level": "warning" if risk == Risk.CRITICAL else "note"},
        "properties": properties,
    }


def _message_text(value: str, limit: int) -> str:
    """Untrusted text for a SARIF message: one line, and brackets escaped, since SARIF reads
    `[text](n)` in a message as a link to a related location."""
    value = clip(plain(value), limit)
    return value.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")


def _where(evidence: Evidence) -> str:
    if evidence.says_why:
        sentence = _message_text(evidence.snippet, _SNIPPET_CHARS)
        return sentence[:1].upper() + sentence[1:]
    if evidence.side == "path" or evidence.line is None:
        return f"The path matches {_message_text(evidence.snippet, _SNIPPET_CHARS)}"
    what = {
        "new": f"Changed line {evidence.line}",
        "old": f"Removed line {evidence.line} of the old file (shown here, where it was)",
        "header": f"The hunk header above line {evidence.line}",
    }[evidence.side]
    snippet = _message_text(evidence.snippet, _SNIPPET_CHARS)
    return f"{what} matches rule {_message_text(evidence.rule, 200)}" + (
        f": {snippet}" if snippet else ""
    )


def head_line(evidence: Evidence) -> int:
    """The line of the head file a piece of evidence is shown on (see the module docstring)."""
    if evidence.side == "path" or evidence.line is None:
        return 1
    if evidence.side == "old":
        return max(evidence.head_line or 1, 1)
    return max(evidence.line, 1)


def _result(
    decision: Decision, area: AreaResult, evidence: Evidence, rule_index: int, level: str
) -> dict[str, Any]:
    tier = _message_text(decision.tier_title, 100)
    model = _message_text(decision.recommended_model_name, 100)
    message = (
        f"{_message_text(area.title, 100)} ({area.risk} risk). {_where(evidence)}. "
        f"This change calls for the {tier} tier ({model} recommended); "
        f"verdict: {decision.verdict}."
    )
    properties: dict[str, Any] = {"side": evidence.side, "evidenceRule": evidence.rule}
    if evidence.side == "old" and evidence.line is not None:
        properties["oldLine"] = evidence.line
    return {
        "ruleId": area.id,
        "ruleIndex": rule_index,
        "level": level,
        "message": {"text": message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": _uri(evidence.path), "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": head_line(evidence)},
                }
            }
        ],
        "properties": properties,
    }


def _uri(path: str) -> str:
    """A repository-relative path as a URI reference (spaces and non-ASCII percent-encoded)."""
    return quote(path.lstrip("/"), safe="/")
