"""The policy schema: what a policy file may say, parsed strictly.

A policy is data, never code: tiers, the model catalog, the sensitive areas and the thresholds all
live here so that a new model or a new area is a YAML edit. Every model forbids unknown keys so a
typo in a policy is an error with its location, not a silently ignored setting.

Content patterns use RE2 syntax (no look-around, no back-references). RE2 matches in linear time,
which is what lets one pass over a 200,000-line diff stay fast, and it means no policy can make the
analysis hang on a crafted line.

What a check results in is `policies.model`'s plain data (`runtime`): the analysis never holds
these pydantic models, so a start that reads the bundled policy's artefact never imports
pydantic.
"""

from __future__ import annotations

import datetime
import threading
import warnings
from typing import Annotated, Any, Literal

import re2
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from policies import model as plain
from policies import pathsets
from policies.model import (
    MAX_CONTENT_RULES,
    MAX_PATH_PATTERNS,
    RE2_MAX_MEM,
    GuardKind,
    Permission,
    Provenance,
    Risk,
    compile_pattern,
    owner_problem,
)
from policies.paths import compile_paths, engine_detail

__all__ = [
    "MAX_CONTENT_RULES",
    "MAX_PATH_PATTERNS",
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
    "Owner",
    "PathList",
    "PathPattern",
    "Permission",
    "Policy",
    "Provenance",
    "Reviewer",
    "Risk",
    "Scope",
    "Shape",
    "SmallVariants",
    "Tier",
    "Tool",
    "compile_paths",
    "compile_pattern",
    "owner_problem",
    "runtime",
]


class _Strict(BaseModel):
    # defer_build: a model's validator is built when first used, not when `modeltier scan`
    # imports this module (a third of its start-up went to building validators it never used).
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


_RE2_OPTIONS = re2.Options()
_RE2_OPTIONS.log_errors = False
_warnings_lock = threading.Lock()


def _trusted(info: ValidationInfo | None) -> bool:
    """Whether the data being validated is the bundled policy, whose every pattern the test
    suite compiles (tests/policies): its hundreds of patterns are not compiled one by one again
    on every start. A repository's policy is never trusted."""
    return bool(info is not None and info.context and info.context.get("trusted"))


def _shown(pattern: str, limit: int = 60) -> str:
    return repr(pattern if len(pattern) <= limit else pattern[:limit] + "...")


def _check_path(pattern: str, info: ValidationInfo) -> str:
    """One path pattern: not blank, translated by pathspec (Python's `re`, where a warning such
    as "possible nested set" for `[[:alpha:]]` counts as a refusal) and compiled by RE2, the
    engine that matches it."""
    if _trusted(info):
        return pattern
    if not pattern.strip():
        raise ValueError("path pattern is empty")
    import pathspec  # only for patterns not trusted (the bundled ones were checked at build)

    try:
        with _warnings_lock, warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            spec = pathspec.PathSpec.from_lines("gitignore", [pattern], backend="simple")
        if caught:
            raise ValueError(str(caught[0].message))
        for item in spec.patterns:
            regex = getattr(item, "regex", None)
            if regex is not None:
                re2.compile(regex.pattern, options=_RE2_OPTIONS)
    except Exception as e:  # every refusal of either engine, whatever its type
        raise ValueError(f"invalid path pattern {_shown(pattern)}: {engine_detail(e)}") from e
    return pattern


def _at_most(value: object) -> object:
    if isinstance(value, list) and len(value) > MAX_PATH_PATTERNS:
        raise ValueError(f"{len(value)} path patterns; a list holds at most {MAX_PATH_PATTERNS}")
    return value


def _sets_expanded(value: object, info: ValidationInfo) -> object:
    """The list with the policy's named path sets spelled out (`policies.pathsets`), counted."""
    if isinstance(value, list):
        sets = info.context.get("path_sets", {}) if info.context else {}
        value = pathsets.expand(value, sets)
    return _at_most(value)


def _set_members(value: object) -> object:
    return _at_most(pathsets.plain_entries(value) if isinstance(value, list) else value)


#: A path pattern, checked on its own (so an error names its index in the list).
PathPattern = Annotated[str, AfterValidator(_check_path)]
#: A list of them, `@name` standing for a named set's patterns: counted before any is compiled,
#: compiled together after each is checked.
PathList = Annotated[list[PathPattern], BeforeValidator(_sets_expanded)]
#: A named set's own patterns (`path_sets`): plain patterns, no set named in them.
PathSetMembers = Annotated[list[PathPattern], BeforeValidator(_set_members)]
PathSetName = Annotated[str, StringConstraints(pattern=rf"^{pathsets.NAME}$")]


def _validate_paths(patterns: list[str], info: ValidationInfo | None = None) -> list[str]:
    """A list of path patterns, each already checked: they must also compile together."""
    if _trusted(info):
        return patterns
    try:
        compile_paths(patterns)
    except ValueError as e:
        raise ValueError(
            f"these {len(patterns)} path patterns are more than the matcher (RE2) can compile "
            f"together ({e})"
        ) from e
    return patterns


class Tier(_Strict):
    """A tier of AI model; a model of a higher rank satisfies every lower tier."""

    title: str
    rank: int = Field(ge=0, description="Higher is stronger.")
    recommended: str = Field(description="Model id recommended for this tier (in the catalog).")
    when: str = ""


class Model(_Strict):
    """A catalog entry: one model, the tier it belongs to, and the names it goes by."""

    name: str
    tier: str
    provider: str = ""
    aliases: list[str] = Field(default_factory=list)


class Tool(_Strict):
    """An AI coding tool whose markers prove AI was used, without naming the model."""

    name: str
    markers: list[str] = Field(min_length=1, description="Case-insensitive substrings.")
    model: str | None = Field(
        default=None, description="Catalog model id this tool always runs, if it names one."
    )
    names: list[str] = Field(
        default_factory=list,
        description="Names that mean the tool itself, not a model ('Claude' in a Co-Authored-By "
        "trailer, 'Cursor' in Generated-by); any other name beside its marker is a model name.",
    )


_VERSION = re2.compile(r"^\d+(?:\.\d+)*$")


class Family(_Strict):
    """Models named by a pattern with a version (Claude Opus 4.x, GPT-5.x): the tier follows the
    version, so a model newer than the catalog still resolves.

    Patterns are RE2, matched against the normalised name ('Claude Opus 4.8 (1M context)' ->
    'claude-opus-4-8'); each has a `version` group (digits separated by '-') and may have a
    `variant` group ('codex', 'mini', ...). A variant must be one of `variants` or a small variant
    (see the policy's `small_variants`), otherwise the name is unknown, never guessed.
    """

    name: str = Field(description="Display name, e.g. 'Claude Opus'.")
    display: str = Field(
        default="{name} {version}",
        description="A member's name: '{name}' and '{version}' are replaced ('GPT-{version}').",
    )
    provider: str = ""
    patterns: list[str] = Field(min_length=1)
    tiers: dict[str, str] = Field(
        min_length=1, description="Version floor (a quoted string, '4.6') -> tier from it up."
    )
    older: str | None = Field(
        default=None, description="Tier of a version below every floor (null: not counted)."
    )
    variants: list[str] = Field(
        default_factory=list, description="Variant words that keep the version's tier."
    )

    @field_validator("patterns")
    @classmethod
    def _patterns_compile(cls, value: list[str]) -> list[str]:
        for pattern in value:
            compiled = compile_pattern(pattern)
            if "version" not in compiled.groupindex:
                raise ValueError(f"pattern {pattern!r} has no (?P<version>...) group")
        return value

    @field_validator("tiers", mode="before")
    @classmethod
    def _floors_are_strings(cls, value: object) -> object:
        if isinstance(value, dict):
            for key in value:
                if not isinstance(key, str):
                    raise ValueError(
                        f"version floor {key!r} must be a quoted string, e.g. '{key}' "
                        "(YAML reads 4.10 as the number 4.1)"
                    )
        return value

    @field_validator("tiers")
    @classmethod
    def _floors_are_versions(cls, value: dict[str, str]) -> dict[str, str]:
        for key in value:
            if not _VERSION.match(key):
                raise ValueError(f"version floor {key!r} is not a version like '4.6'")
        return value

class SmallVariants(_Strict):
    """Small, cheap variants (mini, nano, lite, flash, haiku): whatever their family, never above
    `max_tier`."""

    words: list[str] = Field(default_factory=list)
    max_tier: str | None = None


def _rule_from_string(value: object) -> object:
    return {"pattern": value} if isinstance(value, str) else value


class ContentRule(_Strict):
    """A regular expression over changed lines (added and removed) and hunk headers."""

    pattern: str
    id: str | None = Field(default=None, description="Name used in evidence; defaults to index.")
    files: PathList = Field(
        default_factory=list, description="Only apply to files matching these path patterns."
    )
    excluded_too: bool = Field(
        default=False,
        description="Also read the files the exclusions hide (lock and requirement files, "
                    "vendored code) among its `files`: where a dependency comes from is "
                    "security even in a lock file.",
    )
    headers: bool = Field(
        default=False,
        description="Read only hunk headers: the definition a change is made in (`class "
                    "OAuth2Validator`, `impl DbTxn`), whatever the changed lines say; and, "
                    "where the caller gives the changed files' contents, every definition a "
                    "changed line of code is in, as `enclosing` rules do.",
    )
    enclosing: bool = Field(
        default=False,
        description="Read only the definitions a changed line of code is in, with their "
                    "decorators and attributes (`def has_permission`, `@login_required`, "
                    "`[Authorize]`), as the changed files' contents show them: evidence only "
                    "where the caller gives those contents (the App, the Action, `scan "
                    "--git`), and only for a line that decides, exits, calls or assigns "
                    "(bot/analysis/enclosing.py), not for a log message or a comment.",
    )
    comments: bool = Field(
        default=False,
        description="Read the comments and docstrings of hunks that change code, instead of "
                    "the code: the reason a change gives for itself ('so an attacker cannot "
                    "...', 'so concurrent orders cannot deadlock').",
    )

    forks: bool = Field(
        default=False,
        description="Also reads a go.mod's module replaced by a fork: a requirement removed "
                    "and one of the same repository's name from another owner or host added "
                    "(`github.com/nmcclain/ldap` -> `github.com/glauth/ldap`; not a new major "
                    "version of the same owner's), in the go.mod files the rule reads (its "
                    "`files`; with `excluded_too`, those the exclusions hide) "
                    "(bot/analysis/forks.py). The evidence names both modules.",
    )
    where_changed: bool = Field(
        default=False,
        description="Finds a word a line may only name or pass on (`api_key`, `password`): on "
                    "a line rewritten as exactly one other line (the only removed and the only "
                    "added line of a run of changed lines), it counts only if the part the "
                    "rewrite changes, read whole words wide, matches it. An argument added "
                    "beside a credential passed on (`Client(api_key=key)` -> "
                    "`Client(api_key=key, retries=3)`) leaves the credential as it was.",
    )
    guards: bool | list[GuardKind] = Field(
        default=False,
        description="Names what a guard decides about (a permission, an owner, an amount): "
                    "evidence only where a line it matches, or the function the change is made "
                    "in (a function the hunk shows above the change; for a changed condition, "
                    "also the hunk's header or the file's definition), changes control flow in "
                    "one of the ways the area's `guards` lists (bot/analysis/guards.py). A list "
                    "of kinds instead of `true` reads only those of the area's: a subject that "
                    "says enough of a check taken out may say too little of one put in.",
    )

    @model_validator(mode="after")
    def _one_reading(self) -> ContentRule:
        if self.guards and (self.comments or self.headers or self.enclosing):
            raise ValueError("a rule with `guards` reads code: not with `comments`, `headers` "
                             "or `enclosing`")
        if self.enclosing and (self.comments or self.headers):
            raise ValueError("a rule with `enclosing` reads definitions: not with `comments` "
                             "or `headers`")
        if self.forks and (self.guards or self.comments or self.headers or self.enclosing):
            raise ValueError("a rule with `forks` reads a go.mod's requirements: not with "
                             "`guards`, `comments`, `headers` or `enclosing`")
        if self.where_changed and (self.guards or self.comments or self.headers
                                   or self.enclosing or self.forks):
            raise ValueError("a rule with `where_changed` reads changed lines of code: not with "
                             "`guards`, `comments`, `headers`, `enclosing` or `forks`")
        if self.guards == []:
            raise ValueError("`guards` lists no kind: name one (`[guard-added]`) or say `true`")
        return self

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str, info: ValidationInfo) -> str:
        if not value:
            raise ValueError("content pattern is empty")
        if not _trusted(info):
            compile_pattern(value)
        return value

    @field_validator("files")
    @classmethod
    def _files_compile(cls, value: list[str], info: ValidationInfo) -> list[str]:
        return _validate_paths(value, info)


#: what an empty entry of each list of words is called in its error
_WORDS = {"repository": "repository word", "titles": "title phrase", "title_vetoes": "title veto"}


def _validate_words(value: list[str], info: ValidationInfo) -> list[str]:
    """Each repository word, title phrase or title veto compiles as RE2; an empty one would
    claim no name, or every title, silently."""
    if not _trusted(info):
        for pattern in value:
            if not pattern:
                raise ValueError(f"{_WORDS[str(info.field_name)]} is empty")
            compile_pattern(pattern)
    return value


class Area(_Strict):
    """A sensitive area: where it lives (paths), what it looks like (content), what to check."""

    title: str
    risk: Literal[Risk.CRITICAL, Risk.ELEVATED] = Risk.CRITICAL
    enabled: bool = True
    description: str = ""
    paths: PathList = Field(default_factory=list)
    owners: list[Owner] = Field(
        default_factory=list,
        description="CODEOWNERS owners (`@org/team`, `@user`, e-mail): a file the base branch's "
                    "CODEOWNERS gives one of them counts toward this area, as a path match.",
    )
    repository: list[str] = Field(
        default_factory=list,
        description="Words of a repository's name (RE2, each matched in full against one word "
                    "of the name, lowercased: `pyjwt`, `stripe`, `migrate`) that say the whole "
                    "project is about this area (a JWT library, a payment SDK, a migration "
                    "tool): there a changed `source_files` file counts toward the area, as a "
                    "path match, when the analysis is told the repository's name.",
    )
    titles: list[str] = Field(
        default_factory=list,
        description="Phrases of a pull request's title (RE2, searched, case-insensitive: "
                    "`\\bfix(es|ed)?\\b.{0,60}\\bxss\\b`, `GHSA(-[a-z0-9]{4}){3}`) that say the "
                    "change fixes a weakness of this area: there a changed `source_files` "
                    "file counts toward the area, as a path match, when the analysis is told "
                    "the title. A title only adds an area; it never takes one away.",
    )
    content: list[Annotated[ContentRule, BeforeValidator(_rule_from_string)]] = Field(
        default_factory=list
    )
    guards: list[GuardKind] = Field(
        default_factory=list,
        description="The changes of control flow its `guards: true` content rules read: a "
                    "condition whose operators, negation or conjuncts changed "
                    "(condition-changed), an early exit (raise, return, throw, abort) under a "
                    "condition removed (guard-removed) or added (guard-added), the outcome a "
                    "check hands back changed (outcome-changed: `return true` now `return "
                    "false`, `return False` now a raise, `{:ok, t}` now also `{:error, ...}`), "
                    "a form's or a route's HTTP method changed from POST, PUT, PATCH or DELETE "
                    "to GET, or GET added beside it (method-to-get: `method: :delete` now "
                    "`method: :get`, `@PostMapping` now `@GetMapping`; read on every changed "
                    "line its rules name, deciding or not), or a guard removed or added whose "
                    "exit refuses (refusal-removed, refusal-added: a raise or throw, an abort, "
                    "a 401, 403 or 404, an error returned, a redirect; not a bare `return`, "
                    "`continue`, `break` or `return false`), read only by the rules that list "
                    "them and named as the guard's (`<area>.guard-removed`). "
                    "Evidence is named `<area>.<kind>`; `replace: [guards]` with `guards: []` "
                    "turns them off.",
    )
    exclude: PathList | None = Field(
        default=None, description="Replaces the policy-wide exclusions for this area when set."
    )
    weak: list[str] = Field(
        default_factory=list,
        description="Rules that are weak evidence: content rule ids and path patterns of this "
                    "area, as written (an entry naming neither is ignored). Evidence of weak "
                    "rules alone puts the area one risk lower, unless two distinct rules of "
                    "the area found it (a weak keyword in a file the area's paths claim) or "
                    "another area makes the change as risky: on their own, these rules mostly "
                    "fire on changes that are not what the area is about.",
    )
    enforced_by_server: bool = Field(
        default=False,
        description="What the area decides is enforced by the server (who may do what, what "
                    "is charged): evidence found only in `client_side` files, which can show "
                    "or hide but not enforce, puts the area one risk lower, unless another "
                    "area makes the change as risky.",
    )
    checklist: list[str] = Field(default_factory=list)
    checklist_mode: Literal["advisory", "required"] | None = Field(
        default=None,
        description="Whether this area's review checklist gates the check (required) or only "
                    "guides (advisory); unset: the policy's `checklist`.",
    )

    @field_validator("paths")
    @classmethod
    def _paths_compile(cls, value: list[str], info: ValidationInfo) -> list[str]:
        return _validate_paths(value, info)

    @field_validator("repository", "titles")
    @classmethod
    def _words_compile(cls, value: list[str], info: ValidationInfo) -> list[str]:
        return _validate_words(value, info)

    @field_validator("exclude")
    @classmethod
    def _exclude_compiles(cls, value: list[str] | None, info: ValidationInfo) -> list[str] | None:
        return None if value is None else _validate_paths(value, info)


class LongContextShape(_Strict):
    """When a change is large and spread enough to call for the long-context tier. Its size is
    counted outside docs and contracts (context-heavy's paths) and outside `not_counted` files
    (lock files, generated code): the lines and files someone wrote or moved by hand."""

    min_files: int = Field(default=25, ge=1)
    min_files_lines: int = Field(
        default=1, ge=1,
        description="Changed lines the `min_files` files need between them: a lint sweep of a "
                    "line or two in each of many files is routine work.",
    )
    min_changed_lines: int = Field(
        default=1500, ge=1, description="Counted lines that make a change over 2+ files large.")
    min_modules: int = Field(
        default=4, ge=1,
        description="Distinct folders touched, two levels deep (`src/auth`; the root counts).",
    )
    not_counted: PathList = Field(default_factory=list)
    tests_alone_by_lines: bool = Field(
        default=True,
        description="Whether a change of tests alone (nothing counted outside the `exclude`d "
                    "paths: tests, fixtures, mocks) is large by `min_changed_lines`; false: "
                    "only as a pattern migration over `min_files` files.",
    )

    @field_validator("not_counted")
    @classmethod
    def _not_counted_compiles(cls, value: list[str], info: ValidationInfo) -> list[str]:
        return _validate_paths(value, info)


class ContextHeavyShape(_Strict):
    """When docs, contracts and diagrams dominate enough to call for the context-heavy tier."""

    min_share: float = Field(
        default=0.6, gt=0, le=1,
        description="Their share of the changed lines a reader takes in: docs and contracts "
                    "against code, tests and other excluded paths left out.",
    )
    min_files: int = Field(default=2, ge=1)
    min_changed_lines: int = Field(
        default=1, ge=1,
        description="Changed lines of docs and contracts below which a change stays routine "
                    "(a docs typo fix).",
    )
    paths: PathList = Field(default_factory=list)
    contracts: PathList = Field(
        default_factory=list,
        description="API contracts (OpenAPI, GraphQL, protobuf, JSON Schema): they count as "
                    "docs do, and `min_contract_lines` of them is enough.",
    )
    min_contract_lines: int = Field(
        default=1, ge=1,
        description="Changed lines of contracts that make a change they dominate context-heavy "
                    "short of `min_changed_lines`: a contract is read whole to change a field.",
    )
    min_written_lines: int | None = Field(
        default=None, ge=1,
        description="Lines of docs a change writes (those it adds beyond those it removes) that "
                    "make a change they dominate context-heavy short of `min_changed_lines`: a "
                    "new section or page is written, a typo fix or a reworded paragraph edited. "
                    "Absent: only `min_changed_lines` counts.",
    )
    min_written_lines_alone: int | None = Field(
        default=None, ge=1,
        description="Lines of docs written that make a change of docs alone (nothing counted "
                    "toward the size beside them but comments) context-heavy: with no code to "
                    "change, the work is writing the docs. Absent: `min_written_lines` counts "
                    "alone too.",
    )
    min_comment_lines_alone: int | None = Field(
        default=None, ge=1,
        description="Lines written that make a change of docs alone context-heavy where "
                    "they are mostly comments (its docs files write less than half of them: "
                    "code files gaining comments and doc comments, beside a changelog's line "
                    "at most): a comment explaining one function is upkeep of the code, a "
                    "module's documentation or a doc comment's example is docs written. "
                    "Absent: `min_written_lines_alone` counts for them too.",
    )

    @field_validator("paths", "contracts")
    @classmethod
    def _paths_compile(cls, value: list[str], info: ValidationInfo) -> list[str]:
        return _validate_paths(value, info)


class Shape(_Strict):
    """Size and mix thresholds; they choose the tier of work no sensitive area claims."""

    long_context: LongContextShape = Field(default_factory=LongContextShape)
    context_heavy: ContextHeavyShape = Field(default_factory=ContextHeavyShape)
    default_tier: str = "everyday"
    long_context_tier: str = "long-context"
    context_heavy_tier: str = "context-heavy"


class Override(_Strict):
    """How people with enough repository permission waive enforcement, on the record."""

    label: str = "modeltier:override"
    command: str = "/modeltier override"
    min_permission: Permission = Permission.MAINTAIN
    scope: Literal["pr", "sha"] = Field(
        default="pr",
        description="pr: holds until a push adds critical evidence the override did not cover "
                    "(a new area, file or line); sha: the head it was given on only.",
    )
    allow_author: bool = Field(
        default=False,
        description="Whether the pull request's author may override their own pull request "
                    "(whatever their permission).",
    )


def _owner(value: str) -> str:
    problem = owner_problem(value)
    if problem:
        raise ValueError(problem)
    return value


def _reviewer(value: str) -> str:
    problem = owner_problem(value, email=False)
    if problem:
        raise ValueError(problem)
    return value


#: an owner as CODEOWNERS names one
Owner = Annotated[str, AfterValidator(_owner)]
#: someone GitHub can be asked to review: a user or a team
Reviewer = Annotated[str, AfterValidator(_reviewer)]


class Condition(_Strict):
    """A test on the pull request. Every field that is set must hold; a list holds when any of
    its entries does (`*_not`: when none does). Logins and labels compare without case; branch
    patterns are shell-style (`release/*`; `*` also crosses `/`). What is not known (the CLI
    has no author, branch or labels) never exempts a change: `when` counts it as holding,
    `unless` as not."""

    author: list[str] = Field(default_factory=list, description="The author is one of these "
                              "logins (a GitHub App's ends in `[bot]`: `dependabot[bot]`).")
    author_not: list[str] = Field(default_factory=list)
    bot: bool | None = Field(default=None, description="The author is (true) or is not (false) "
                             "a bot account (its login ends in `[bot]`).")
    base: list[str] = Field(default_factory=list, description="The base branch matches one of "
                            "these patterns (`main`, `release/*`).")
    base_not: list[str] = Field(default_factory=list)
    labels: list[str] = Field(default_factory=list, description="The PR has one of these labels.")
    labels_not: list[str] = Field(default_factory=list)
    draft: bool | None = Field(default=None, description="The PR is (true) or is not (false) "
                               "a draft.")
    touches: list[str] = Field(default_factory=list, description="The change touches one of "
                               "these areas (ids).")
    touches_not: list[str] = Field(default_factory=list)


class Enforcement(_Strict):
    """Which risk requires which tier, and what happens when the evidence falls short."""

    require: dict[Risk, str] = Field(
        default_factory=dict, description="Risk -> minimum tier that is enforced."
    )
    recommend: dict[Risk, str] = Field(
        default_factory=dict, description="Risk -> tier recommended (not enforced)."
    )
    on_missing: Literal["fail", "warn"] = "fail"
    on_lower: Literal["fail", "warn"] = "fail"
    human_declaration: Literal["accept", "require_review", "reject"] = Field(
        default="require_review",
        description="A change declared as written without AI (`Model: none`): accept it, "
                    "accept it once someone with the override permission or a code owner of "
                    "the touched files approves the PR, or reject it.",
    )
    min_provenance: dict[str, Provenance] = Field(
        default_factory=dict,
        description="Required tier -> weakest provenance that can satisfy it (absent: any).",
    )
    on_conflict: Literal["weaker", "stronger"] = Field(
        default="weaker",
        description="The description and the commits name different models: which one counts.",
    )
    tool_only_tier: str | None = Field(
        default=None,
        description="A tool marker that names no model proves at most this tier (null: none).",
    )
    uninspected: Risk = Field(
        default=Risk.CRITICAL,
        description="Risk of a change with a file whose content could not be read (GitHub sent "
                    "no patch) at a path no exclusion covers; never below elevated.",
    )
    when: Condition | None = Field(
        default=None,
        description="Enforce only when this holds (e.g. `{base: [main, 'release/*'], draft: "
                    "false}`); otherwise the verdict is advisory and says why.",
    )
    unless: list[Condition] = Field(
        default_factory=list,
        description="Never enforce when one of these holds (e.g. `{author: ['dependabot[bot]'], "
                    "touches_not: [infrastructure]}`).",
    )
    override: Override = Field(default_factory=Override)

    @model_validator(mode="before")
    @classmethod
    def _renamed_human_key(cls, data: Any) -> Any:
        """`accept_human_declaration: true|false` (before `human_declaration`) still reads as
        `accept` or `reject`, what it meant."""
        if isinstance(data, dict) and isinstance(data.get("accept_human_declaration"), bool):
            data = dict(data)
            old = data.pop("accept_human_declaration")
            data["human_declaration"] = "accept" if old else "reject"
        return data


class EvidenceRules(_Strict):
    """How declarations of the model used are read from PRs and commits."""

    body_keys: list[str] = Field(default_factory=lambda: ["model", "ai model", "model used"])
    trailer_keys: list[str] = Field(
        default_factory=lambda: [
            "co-authored-by",
            "assisted-by",
            "generated-by",
            "ai-model",
            "co-authored-by-ai",
            "model",
            "x-ai-model",
        ]
    )
    declared_trailer_keys: list[str] = Field(
        default_factory=lambda: ["model", "ai-model", "x-ai-model"],
        description="Trailers a person writes by hand (provenance 'declared', not 'tool').",
    )
    label_prefix: str = "model:"
    agent_trace_paths: PathList = Field(
        default_factory=lambda: [".agent-trace/**", "**/*.agent-trace.json"],
        description="Where the repository keeps Agent Trace records (JSON, or JSON Lines): "
                    "the lines a change adds there are read as session records.",
    )
    human_values: list[str] = Field(
        default_factory=lambda: [
            "none", "human", "no ai", "n/a", "written by hand", "written without ai",
            "hand-written", "no ai used",
        ]
    )
    ignore_values: list[str] = Field(
        default_factory=lambda: ["auto", "unknown", "true", "yes"],
        description="Values that say nothing about the model (reported, never resolved).",
    )


class Limits(_Strict):
    """Caps that keep one noisy file from flooding a report."""

    evidence_per_file: int = Field(default=5, ge=1)
    evidence_per_area: int = Field(default=25, ge=1)
    snippet_chars: int = Field(default=120, ge=20)


class Scope(_Strict):
    """Rules of their own for part of a repository (a monorepo's service, a directory): the
    files under `paths` are judged with `areas` and `enforcement` merged over the policy's own
    (the merge rules of any policy layer; an area's `checklist` goes with it). A change that
    touches several scopes is judged by the strictest."""

    name: str = Field(default="", description="How the scope is called in the report (default: "
                                              "its first path pattern).")
    paths: PathList = Field(min_length=1)
    areas: dict[str, dict[str, Any]] = Field(
        default_factory=dict, description="Area id -> area fields, merged over the policy's "
                                          "area (a new id adds an area for this scope).")
    enforcement: dict[str, Any] = Field(
        default_factory=dict, description="Enforcement fields, merged over the policy's.")

    @field_validator("paths")
    @classmethod
    def _paths_compile(cls, value: list[str], info: ValidationInfo) -> list[str]:
        return _validate_paths(value, info)


class Policy(_Strict):
    """A whole, effective policy (the bundled default merged with a repository's file)."""

    version: Literal[1] = 1
    catalog_date: datetime.date | None = Field(
        default=None, description="The date the model catalog reflects."
    )
    tiers: dict[str, Tier]
    models: dict[str, Model]
    tools: dict[str, Tool] = Field(default_factory=dict)
    families: dict[str, Family] = Field(default_factory=dict)
    small_variants: SmallVariants = Field(default_factory=SmallVariants)
    path_sets: dict[PathSetName, PathSetMembers] = Field(
        default_factory=dict,
        description="Named lists of path patterns: in any path list, `@name` stands for the "
                    "set's patterns and `!@name` for each of them excluded (a file whose name "
                    "starts with '@' is written '\\@name').",
    )
    exclude: PathList = Field(default_factory=list)
    generated: PathList = Field(
        default_factory=list,
        description="Paths excluded only when the diff shows the file's generated-code header "
                    "('Code generated ... DO NOT EDIT', '@generated'): a hand-written file "
                    "under such a path counts.",
    )
    translations: PathList = Field(
        default_factory=list,
        description="Translation folders: data files excluded; a code file only when every "
                    "line it changes is a translation entry (key and text).",
    )
    vendored: PathList = Field(
        default_factory=list,
        description="Third-party code, excluded only when the same change updates a dependency "
                    "manifest or lock file: vendored code edited by hand counts.",
    )
    content_only: PathList = Field(
        default_factory=list,
        description="Files whose path alone is not evidence (templates, UI components): an "
                    "area counts them only for what their changed lines say.",
    )
    client_side: PathList = Field(
        default_factory=list,
        description="Code that runs in the browser (front-end folders, UI components; not "
                    "server-rendered templates, server components or API routes): an area "
                    "`enforced_by_server` found only there counts one risk lower.",
    )
    title_vetoes: list[str] = Field(
        default_factory=list,
        description="Phrases (RE2, searched without regard to case) that make a pull "
                    "request's title about something other than a fix, though it names a "
                    "weakness (a test, docs, a detector's findings: `Fix flaky test for CSRF "
                    "middleware`): no area's `titles` phrase is then looked for in it.",
    )
    source_files: PathList = Field(
        default_factory=list,
        description="Source code in a programming language: the files an area's `repository` "
                    "words claim in a repository named for the area, and its `titles` phrases in "
                    "a pull request titled as the fix of its weakness (tests, docs, examples and "
                    "the other exclusions stay out).",
    )
    areas: dict[str, Area]
    locked: list[str] = Field(
        default_factory=list,
        description="Set in the organisation policy: fields (`enforcement`, `areas.auth`, "
                    "`enforcement.on_missing`) a repository policy may tighten but not weaken; "
                    "a weakening is reported and the organisation's value applies.",
    )
    scopes: list[Scope] = Field(
        default_factory=list,
        description="Path patterns with their own `areas` and `enforcement` (a monorepo's "
                    "services); a change touching several is judged by the strictest.",
    )
    request_review: dict[str, list[Reviewer]] = Field(
        default_factory=dict,
        description="A risk (`critical`, `elevated`: the PR's risk is at least it) or an area "
                    "id (the PR touches it) -> users and teams (`@user`, `@org/team`) asked to "
                    "review, once per pull request, when enforcement applies.",
    )
    shape: Shape = Field(default_factory=Shape)
    enforcement: Enforcement = Field(default_factory=Enforcement)
    evidence: EvidenceRules = Field(default_factory=EvidenceRules)
    limits: Limits = Field(default_factory=Limits)
    comment: Literal["always", "sensitive", "never"] = Field(
        default="sensitive",
        description="When a pull request gets the bot's comment (the check run is always "
                    "there): always; sensitive, when a sensitive area is touched or enforcement "
                    "is not passing; never. A commented PR that becomes routine has its comment "
                    "edited down to one line.",
    )
    checklist: Literal["advisory", "required"] = Field(
        default="advisory",
        description="Review checklists of the touched areas (each area may say otherwise with "
                    "`checklist_mode`): advisory, or required: the check stays "
                    "`action_required` until every box is ticked by someone with "
                    "`checklist_permission` who is not the pull request's author.",
    )
    checklist_permission: Permission = Field(
        default=Permission.WRITE,
        description="The repository role whose ticks count in a required checklist (the role "
                    "that can approve a pull request; overrides have their own, higher, one).",
    )

    @field_validator("exclude", "content_only", "client_side", "generated", "vendored",
                     "translations", "source_files")
    @classmethod
    def _exclude_compiles(cls, value: list[str], info: ValidationInfo) -> list[str]:
        return _validate_paths(value, info)

    @field_validator("title_vetoes")
    @classmethod
    def _vetoes_compile(cls, value: list[str], info: ValidationInfo) -> list[str]:
        return _validate_words(value, info)

    def pattern_problems(self) -> list[tuple[tuple[str | int, ...], str]]:
        """Patterns that each compile but not together, the way the analysis runs them: every
        active area's positive path patterns as one set, every content rule as one RE2 set and
        one combined pre-filter."""
        problems: list[tuple[tuple[str | int, ...], str]] = []
        areas = self.active_areas()
        positives = [p for area in areas.values() for p in area.paths if not p.startswith("!")]
        try:
            compile_paths(positives)
        except ValueError as e:
            problems.append((("areas",), f"the areas' {len(positives)} path patterns are more "
                                         f"than the matcher (RE2) can compile together ({e})"))
        rules = [rule.pattern for area in areas.values() for rule in area.content]
        if len(rules) > MAX_CONTENT_RULES:
            problems.append((("areas",), f"{len(rules)} content rules; a policy holds at most "
                                         f"{MAX_CONTENT_RULES}"))
        elif rules:
            try:
                # with the analysis' memory budget: RE2's default refuses a set the
                # analysis compiles (the bundled rules and as many again)
                options = re2.Options()
                options.log_errors = False
                options.max_mem = RE2_MAX_MEM
                rule_set = re2.Set.SearchSet(options)
                for rule in rules:
                    rule_set.Add(rule)
                rule_set.Compile()
                options.never_capture = True
                re2.compile(("(?m)" + "|".join(f"(?:{r})" for r in rules)).encode(), options)
            except Exception as e:  # every refusal of the engine
                problems.append((("areas",), f"the areas' {len(rules)} content rules are more "
                                             "than RE2 can compile together "
                                             f"({engine_detail(e)})"))
        return problems

    def reference_problems(self) -> list[tuple[tuple[str | int, ...], str]]:
        """Cross-references that name nothing: a dangling id would silently weaken the policy."""
        problems: list[tuple[tuple[str | int, ...], str]] = []
        for tier_id, tier in self.tiers.items():
            if tier.recommended not in self.models:
                problems.append(
                    (("tiers", tier_id, "recommended"), f"unknown model {tier.recommended!r}")
                )
        for model_id, model in self.models.items():
            if model.tier not in self.tiers:
                problems.append((("models", model_id, "tier"), f"unknown tier {model.tier!r}"))
        for tool_id, tool in self.tools.items():
            if tool.model is not None and tool.model not in self.models:
                problems.append((("tools", tool_id, "model"), f"unknown model {tool.model!r}"))
        for family_id, family in self.families.items():
            for floor, tier_id in family.tiers.items():
                if tier_id not in self.tiers:
                    problems.append(
                        (("families", family_id, "tiers", floor), f"unknown tier {tier_id!r}")
                    )
            if family.older is not None and family.older not in self.tiers:
                problems.append(
                    (("families", family_id, "older"), f"unknown tier {family.older!r}")
                )
        for tier_id in self.enforcement.min_provenance:
            if tier_id not in self.tiers:
                problems.append(
                    (("enforcement", "min_provenance", tier_id), f"unknown tier {tier_id!r}")
                )
        tier_refs: list[tuple[tuple[str | int, ...], str | None]] = [
            (("small_variants", "max_tier"), self.small_variants.max_tier),
            (("shape", "default_tier"), self.shape.default_tier),
            (("shape", "long_context_tier"), self.shape.long_context_tier),
            (("shape", "context_heavy_tier"), self.shape.context_heavy_tier),
            (("enforcement", "tool_only_tier"), self.enforcement.tool_only_tier),
        ]
        for field in ("require", "recommend"):
            mapping: dict[Risk, str] = getattr(self.enforcement, field)
            tier_refs += [(("enforcement", field, str(r)), t) for r, t in mapping.items()]
        conditions: list[tuple[tuple[str | int, ...], Condition | None]] = [
            (("enforcement", "when"), self.enforcement.when),
            *((("enforcement", "unless", i), c) for i, c in enumerate(self.enforcement.unless)),
        ]
        for loc, condition in conditions:
            for key in ("touches", "touches_not"):
                for area_id in getattr(condition, key) if condition is not None else ():
                    if area_id not in self.areas:
                        problems.append(((*loc, key), f"unknown area {area_id!r}"))
        for key in self.request_review:
            if key not in self.areas and key not in (Risk.ELEVATED, Risk.CRITICAL):
                problems.append((("request_review", key), f"{key!r} is neither an area id nor "
                                                          "a risk (elevated, critical)"))
        for loc, tier_ref in tier_refs:
            if tier_ref is not None and tier_ref not in self.tiers:
                problems.append((loc, f"unknown tier {tier_ref!r}"))
        return problems

    def active_areas(self) -> dict[str, Area]:
        return {area_id: area for area_id, area in self.areas.items() if area.enabled}


def runtime(policy: Policy) -> plain.Policy:
    """A validated policy as the analysis reads it: `policies.model`'s classes, field for
    field."""
    converted: plain.Policy = _plain(policy)
    return converted


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        cls = getattr(plain, type(value).__name__)
        return cls(**{name: _plain(getattr(value, name)) for name in type(value).model_fields})
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value
