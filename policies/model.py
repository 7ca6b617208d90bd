"""The policy as the analysis reads it: plain, frozen data, made from a validated policy file.

`policies.schema` says what a policy file may hold and checks it (pydantic, strictly); this
module is what a check results in, without pydantic: a scan of the bundled policy reads these
classes from its artefact (`policies.bundled`) and never imports pydantic, whose import and
validators were most of a start's time (issue 14). The fields are the schema's, in its order,
every one given by the validated policy (`policies.schema.runtime`); a test holds the two in
step. `as_data` gives the policy back as the data pydantic dumps (a merge's base, `policy show`).

The enums, RE2 helpers and limits the schema's checks share with the analysis live here too.
"""

from __future__ import annotations

import datetime
from enum import Enum, StrEnum
from typing import Any, Literal

import re2

from policies.paths import compile_paths
from policies.plain import Plain

__all__ = [
    "MAX_CONTENT_RULES",
    "MAX_PATH_PATTERNS",
    "RE2_MAX_MEM",
    "Area",
    "Condition",
    "ContentRule",
    "ContextHeavyShape",
    "Enforcement",
    "EvidenceRules",
    "Family",
    "Limits",
    "LongContextShape",
    "Model",
    "Override",
    "Permission",
    "Policy",
    "Provenance",
    "Risk",
    "Scope",
    "Shape",
    "SmallVariants",
    "Tier",
    "Tool",
    "as_data",
    "compile_paths",
    "compile_pattern",
    "owner_problem",
    "version_key",
]


class Risk(StrEnum):
    """How much damage a mistake in a change can do; ordered from least to most."""

    ROUTINE = "routine"
    ELEVATED = "elevated"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return _RISK_ORDER.index(self)

    @property
    def below(self) -> Risk:
        """The next lower risk (routine stays routine): what weak evidence alone earns."""
        return _RISK_ORDER[max(self.rank - 1, 0)]


_RISK_ORDER = [Risk.ROUTINE, Risk.ELEVATED, Risk.CRITICAL]


class Permission(StrEnum):
    """GitHub repository roles, weakest first (the order an override threshold compares)."""

    READ = "read"
    TRIAGE = "triage"
    WRITE = "write"
    MAINTAIN = "maintain"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return list(Permission).index(self)


class Provenance(StrEnum):
    """How strong the evidence of a model is, weakest first.

    declared: a person wrote it (a PR description line or box, a `model:` label, a hand-written
    trailer); tool: an AI tool wrote it itself (its trailer, commit author or footer); recorded: a
    record of the session names the model for the changed lines (Agent Trace, git-ai notes);
    attested: someone with the override permission vouches for it.
    """

    DECLARED = "declared"
    TOOL = "tool"
    RECORDED = "recorded"
    ATTESTED = "attested"

    @property
    def rank(self) -> int:
        return list(Provenance).index(self)


_RE2_OPTIONS = re2.Options()
_RE2_OPTIONS.log_errors = False

#: Most path patterns one list may hold. RE2 compiles a list into one automaton with a memory
#: budget: past about 2,000 simple patterns it refuses, so the limit sits well below that.
MAX_PATH_PATTERNS = 1000
#: Most content rules a policy may hold (every active area's together: they run as one RE2 set).
MAX_CONTENT_RULES = 1000
#: RE2's memory budget for the union of all content rules, as the analysis compiles them and as
#: a policy is checked. Its DFA is built lazily as the text is read; with RE2's default 8 MB the
#: union of about 80 rules overflows the cache, which RE2 then flushes and rebuilds over and
#: over (a 3 MB diff took 1.1 s instead of 0.03 s), and a set of 480 rules does not compile.
RE2_MAX_MEM = 64 << 20


def compile_pattern(pattern: str) -> Any:
    """Compile one content pattern with RE2, or raise ValueError saying why it is not accepted."""
    try:
        return re2.compile(pattern, options=_RE2_OPTIONS)
    except re2.error as e:
        detail = e.args[0].decode() if e.args and isinstance(e.args[0], bytes) else str(e)
        raise ValueError(f"invalid RE2 pattern {pattern!r}: {detail}") from e


def version_key(version: str) -> tuple[int, ...]:
    """'4.6' -> (4, 6), trailing zeros dropped so that '5' and '5.0' compare equal."""
    parts = [int(p) for p in version.split(".")]
    while len(parts) > 1 and parts[-1] == 0:
        parts.pop()
    return tuple(parts)


_GITHUB_NAME = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
_OWNER_USER = re2.compile(rf"@{_GITHUB_NAME}(?:\[bot\])?")
_OWNER_TEAM = re2.compile(rf"@{_GITHUB_NAME}/[A-Za-z0-9_.-]+")
_OWNER_EMAIL = re2.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def owner_problem(owner: str, *, email: bool = True) -> str | None:
    """Why a name is not an owner as CODEOWNERS writes one (`@user`, `@org/team`, or, where
    `email`, an e-mail address), or None when it is one."""
    if _OWNER_USER.fullmatch(owner) or _OWNER_TEAM.fullmatch(owner):
        return None
    if email and _OWNER_EMAIL.fullmatch(owner):
        return None
    forms = "@user, @org/team or an e-mail address" if email else "@user or @org/team"
    return f"owner {owner!r} is not {forms}"


# Each class is the one of `policies.schema` of the same name, every field given by the
# validated policy (no defaults here: they are the schema's).


class Tier(Plain):
    title: str
    rank: int
    recommended: str
    when: str


class Model(Plain):
    name: str
    tier: str
    provider: str
    aliases: list[str]


class Tool(Plain):
    name: str
    markers: list[str]
    model: str | None
    names: list[str]


class Family(Plain):
    name: str
    display: str
    provider: str
    patterns: list[str]
    tiers: dict[str, str]
    older: str | None
    variants: list[str]

    def floors(self) -> list[tuple[tuple[int, ...], str, str]]:
        """(version key, floor as written, tier), highest floor first."""
        return sorted(
            ((version_key(v), v, t) for v, t in self.tiers.items()), reverse=True
        )


class SmallVariants(Plain):
    words: list[str]
    max_tier: str | None


#: a change of control flow a guard rule reads (bot/analysis/guards.py): a condition changed,
#: taken out or put in, the outcome a check gives its caller changed, or a form's or a route's
#: HTTP method made GET (what no CSRF check guards); a guard taken out or put in whose exit
#: refuses (refusal-removed, refusal-added: a raise, a 403, an error returned; not a bare
#: `return`, `continue` or `return false`), for a subject that says too little of a guard
#: whose exit only skips
GuardKind = Literal["condition-changed", "guard-removed", "guard-added", "outcome-changed",
                    "method-to-get", "refusal-removed", "refusal-added"]


class ContentRule(Plain):
    pattern: str
    id: str | None
    files: list[str]
    excluded_too: bool
    headers: bool
    enclosing: bool
    comments: bool
    forks: bool
    where_changed: bool
    guards: bool | list[GuardKind]


class Area(Plain):
    title: str
    risk: Literal[Risk.CRITICAL, Risk.ELEVATED]
    enabled: bool
    description: str
    paths: list[str]
    owners: list[str]
    repository: list[str]
    titles: list[str]
    content: list[ContentRule]
    guards: list[GuardKind]
    exclude: list[str] | None
    weak: list[str]
    enforced_by_server: bool
    checklist: list[str]
    checklist_mode: Literal["advisory", "required"] | None

    def weak_keys(self, area_id: str) -> frozenset[str]:
        """The weak rules as evidence names them: `<area>.<rule id>`, or the path pattern;
        and `<area>.repository`, the evidence of a repository named for the area.

        An entry that names no rule of the area names nothing: a repository that replaces the
        area's `paths` leaves the default's weak patterns behind, and a misspelt entry leaves
        the rule it meant strong, the safe side."""
        ids = {rule.id for rule in self.content if rule.id}
        named = frozenset(
            f"{area_id}.{name}" if name in ids else name
            for name in self.weak if name in ids or name in self.paths
        )
        # A repository's name says what the project is about, not what a change does: its
        # evidence (`repository`) is always weak
        return named | {f"{area_id}.repository"} if self.repository else named


class LongContextShape(Plain):
    min_files: int
    min_files_lines: int
    min_changed_lines: int
    min_modules: int
    not_counted: list[str]
    tests_alone_by_lines: bool = True


class ContextHeavyShape(Plain):
    min_share: float
    min_files: int
    min_changed_lines: int
    paths: list[str]
    contracts: list[str]
    min_contract_lines: int
    min_written_lines: int | None = None
    min_written_lines_alone: int | None = None
    min_comment_lines_alone: int | None = None


class Shape(Plain):
    long_context: LongContextShape
    context_heavy: ContextHeavyShape
    default_tier: str
    long_context_tier: str
    context_heavy_tier: str


class Override(Plain):
    label: str
    command: str
    min_permission: Permission
    scope: Literal["pr", "sha"]
    allow_author: bool


class Condition(Plain):
    author: list[str]
    author_not: list[str]
    bot: bool | None
    base: list[str]
    base_not: list[str]
    labels: list[str]
    labels_not: list[str]
    draft: bool | None
    touches: list[str]
    touches_not: list[str]


class Enforcement(Plain):
    require: dict[Risk, str]
    recommend: dict[Risk, str]
    on_missing: Literal["fail", "warn"]
    on_lower: Literal["fail", "warn"]
    human_declaration: Literal["accept", "require_review", "reject"]
    min_provenance: dict[str, Provenance]
    on_conflict: Literal["weaker", "stronger"]
    tool_only_tier: str | None
    uninspected: Risk
    when: Condition | None
    unless: list[Condition]
    override: Override


class EvidenceRules(Plain):
    body_keys: list[str]
    trailer_keys: list[str]
    declared_trailer_keys: list[str]
    label_prefix: str
    agent_trace_paths: list[str]
    human_values: list[str]
    ignore_values: list[str]


class Limits(Plain):
    evidence_per_file: int
    evidence_per_area: int
    snippet_chars: int


class Scope(Plain):
    name: str
    paths: list[str]
    areas: dict[str, dict[str, Any]]
    enforcement: dict[str, Any]

    @property
    def title(self) -> str:
        return self.name or self.paths[0]


class Policy(Plain):
    """A whole, effective policy (the bundled default merged with a repository's file)."""

    version: Literal[1]
    catalog_date: datetime.date | None
    tiers: dict[str, Tier]
    models: dict[str, Model]
    tools: dict[str, Tool]
    families: dict[str, Family]
    small_variants: SmallVariants
    path_sets: dict[str, list[str]]
    exclude: list[str]
    generated: list[str]
    translations: list[str]
    vendored: list[str]
    content_only: list[str]
    client_side: list[str]
    title_vetoes: list[str]
    source_files: list[str]
    areas: dict[str, Area]
    locked: list[str]
    scopes: list[Scope]
    request_review: dict[str, list[str]]
    shape: Shape
    enforcement: Enforcement
    evidence: EvidenceRules
    limits: Limits
    comment: Literal["always", "sensitive", "never"]
    checklist: Literal["advisory", "required"]
    checklist_permission: Permission

    def tier_rank(self, tier_id: str) -> int:
        return self.tiers[tier_id].rank

    def active_areas(self) -> dict[str, Area]:
        return {area_id: area for area_id, area in self.areas.items() if area.enabled}


def as_data(value: Any) -> Any:
    """A policy (or any part of it) as JSON's data, the way pydantic dumps the schema's models
    (`model_dump(mode="json")`): every field in order, enums as their values, dates as ISO."""
    if isinstance(value, Plain):
        return {name: as_data(getattr(value, name)) for name in value._fields}
    if isinstance(value, dict):
        return {as_data(key): as_data(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [as_data(item) for item in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value
