"""The compliance page's exports: the filtered decisions and audit events as CSV, or everything
the page shows (filters, summary, decisions, events) as one JSON document.

CSV cells a spreadsheet would run as a formula (starting with = + - @, a tab or a carriage
return; an override reason is anyone's text) are prefixed with an apostrophe (OWASP's advice).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

__all__ = ["DECISION_COLUMNS", "EVENT_COLUMNS", "as_csv", "as_json"]

DECISION_COLUMNS = ("at", "repo", "number", "head_sha", "risk", "tier", "areas", "verdict",
                    "conclusion", "models", "provenance", "evidence_met", "overridden",
                    "policy_source", "url")
EVENT_COLUMNS = ("at", "repo", "number", "head_sha", "kind", "actor", "reason", "detail", "url")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        text = "yes" if value else "no"
    elif isinstance(value, list):
        text = ",".join(str(v) for v in value)
    elif isinstance(value, dict):
        text = json.dumps(value, sort_keys=True)
    elif hasattr(value, "isoformat"):
        text = value.isoformat()
    else:
        text = str(value)
    return "'" + text if text.startswith(_FORMULA) else text


def as_csv(rows: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(column)) for column in columns])
    return out.getvalue()


def _plain(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def as_json(document: Mapping[str, Any]) -> str:
    return json.dumps(document, default=_plain, indent=2, sort_keys=False) + "\n"
