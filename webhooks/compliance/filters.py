"""The compliance page's filters: read from the query string, checked, and written back into
links (pagination, exports, the per-repository pages) so that each shows exactly what is
filtered."""

from __future__ import annotations

import dataclasses
import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from bot.analysis.models import Verdict
from policies.model import Provenance, Risk
from webhooks.runtime.store import AuditFilter

__all__ = ["FilterError", "Filters", "parse_filters"]

_REPO = re.compile(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")
_ID = re.compile(r"[A-Za-z0-9_.:+-]{1,64}")
OVERRIDDEN = {"yes": True, "no": False}
FIELDS = ("repo", "since", "until", "risk", "area", "verdict", "overridden", "model",
          "provenance")
CHOICES = {
    "risk": [r.value for r in Risk],
    "verdict": [v.value for v in Verdict],
    "provenance": [p.value for p in Provenance],
    "overridden": list(OVERRIDDEN),
}


class FilterError(ValueError):
    """Some filters are not valid; `problems` says which and what a valid one looks like."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Filters:
    """The filters as the page shows them (strings, empty: any)."""

    repo: str = ""
    since: str = ""
    until: str = ""
    risk: str = ""
    area: str = ""
    verdict: str = ""
    overridden: str = ""
    model: str = ""
    provenance: str = ""

    def query(self, **extra: object) -> str:
        """The query string for these filters (and `extra`, e.g. a page), without empty ones."""
        values = {**{k: v for k, v in dataclasses.asdict(self).items() if v}, **extra}
        return urlencode({k: v for k, v in values.items() if v not in ("", None)})

    def active(self) -> dict[str, str]:
        return {k: v for k, v in dataclasses.asdict(self).items() if v}

    def to_store(self, repos: frozenset[str] | None) -> AuditFilter:
        """The store's filter within the viewer's `repos` (None: every repository)."""
        until = None
        if self.until:
            until = _day(self.until) + datetime.timedelta(days=1)  # the whole day
        return AuditFilter(
            repos=repos, repo=self.repo or None, since=_day(self.since) if self.since else None,
            until=until, risk=self.risk or None, area=self.area or None,
            verdict=self.verdict or None, overridden=OVERRIDDEN.get(self.overridden),
            model=self.model or None, provenance=self.provenance or None,
        )


def _day(text: str) -> datetime.datetime:
    day = datetime.date.fromisoformat(text)
    return datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.UTC)


def parse_filters(params: Mapping[str, str]) -> Filters:
    """The filters in `params`; FilterError naming every bad one (with what is valid)."""
    values = {name: (params.get(name) or "").strip() for name in FIELDS}
    problems = []
    for name, choices in CHOICES.items():
        if values[name] and values[name] not in choices:
            problems.append(f"{name} {values[name]!r} is not one of {', '.join(choices)}")
    if values["repo"] and not _REPO.fullmatch(values["repo"]):
        problems.append(f"repo {values['repo']!r} is not OWNER/NAME")
    for name in ("area", "model"):
        if values[name] and not _ID.fullmatch(values[name]):
            problems.append(f"{name} {values[name]!r} is not an id (letters, digits, . _ - : +)")
    for name in ("since", "until"):
        if values[name]:
            try:
                _day(values[name])
            except ValueError:
                problems.append(f"{name} {values[name]!r} is not a date (YYYY-MM-DD)")
    if not problems and values["since"] and values["until"] and values["since"] > values["until"]:
        problems.append(f"since {values['since']} is after until {values['until']}")
    if problems:
        raise FilterError(problems)
    return Filters(**values)
