"""The analysis core's inputs and its one output, the Decision.

The Decision's JSON form is a public, versioned contract (`SCHEMA_VERSION`): the CLI prints it,
the App stores it and the Action reads it. Add fields freely; renaming or removing one is a new
schema version.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal

from policies.model import Permission, Provenance, Risk
from policies.plain import Plain, field

__all__ = [
    "SCHEMA_VERSION",
    "AreaResult",
    "ChecklistGroup",
    "Commit",
    "Decision",
    "DeclaredModel",
    "Evidence",
    "FileChange",
    "HumanReview",
    "NotInspected",
    "Provenance",
    "PullRequestInfo",
    "Review",
    "ReviewRequest",
    "Risk",
    "SessionRecord",
    "Signals",
    "SourceFile",
    "Verdict",
]

SCHEMA_VERSION = "1.0"


class Verdict(StrEnum):
    """Whether the evidence of the model used meets what the change requires."""

    PASS = "pass"  # noqa: S105 - a verdict, not a password
    FAIL = "fail"
    MISSING = "missing"
    ADVISORY = "advisory"


# Frozen plain data (`policies.plain`), not pydantic models: a scan builds thousands of them and
# its start must not import pydantic (issue 14). pydantic still describes them where the
# contract is published (`bot.render.jsonout`), a field's `description` read from its metadata.


def _doc(*, description: str, **kwargs: Any) -> Any:
    """A field with its description for the contract's JSON Schema (`default`,
    `default_factory` as `policies.plain.field` takes them)."""
    return field(metadata={"description": description}, **kwargs)


FileStatus = Literal["added", "modified", "removed", "renamed", "copied"]


class FileChange(Plain):
    """One file of the change, as far as the diff (or GitHub's file list) tells."""

    path: str
    old_path: str | None = None
    status: FileStatus = "modified"
    binary: bool = False
    mode_only: bool = False
    additions: int = 0
    deletions: int = 0
    inspected: bool = True
    note: str | None = _doc(default=None, description="Why the content was not inspected.")

    @property
    def changed_lines(self) -> int:
        return self.additions + self.deletions


class Commit(Plain):
    sha: str = ""
    message: str = ""
    author_name: str = ""
    author_email: str = ""
    author_login: str | None = None


class Review(Plain):
    """One review of the PR as GitHub lists it (oldest first), with what the edge learnt of its
    author: the repository role and the CODEOWNERS teams the reviewer belongs to."""

    login: str
    state: str = _doc(description="GitHub's: APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED.")
    commit_id: str | None = None
    permission: Permission | None = None
    teams: tuple[str, ...] = _doc(default=(), description="`org/team` slugs, as CODEOWNERS "
                                   "names them, that the reviewer is a member of.")


class SessionRecord(Plain):
    """A record of an AI session naming the model that changed some files (Agent Trace, git-ai
    notes): evidence of provenance `recorded` for a change that touches those files."""

    kind: Literal["agent-trace", "git-ai"]
    location: str = _doc(description="Where it was read ('git-ai note of commit abc1234').")
    model: str
    tool: str | None = None
    paths: tuple[str, ...] = ()


class SourceFile(Plain):
    """A changed file's contents, as the caller read them (the core reads no files): the head
    version and the base version, either absent (an added or a deleted file, or not read)."""

    path: str = _doc(description="The file's path in the head (its new path when renamed).")
    head: str | None = None
    base: str | None = None


class PullRequestInfo(Plain):
    """What the core needs to know about a PR besides its diff (all optional for the CLI)."""

    title: str = ""
    body: str = ""
    labels: tuple[str, ...] = ()
    author_login: str | None = None
    commits: tuple[Commit, ...] = ()
    changed_files: int | None = _doc(
        default=None, description="GitHub's count, which may exceed the files it lists."
    )
    draft: bool = False
    base_ref: str | None = _doc(
        default=None, description="The base branch (None: not known, e.g. in the CLI)."
    )
    repository: str | None = _doc(
        default=None, description="The repository's `owner/name` (None: not known): a name "
        "that says what the whole project is about (an area's `repository` words) makes its "
        "source files that area's evidence."
    )
    attested_labels: tuple[str, ...] = _doc(
        default=(), description="`model:` labels that someone with the override permission "
        "(not the author) added, as GitHub says: evidence of provenance `attested`."
    )
    records: tuple[SessionRecord, ...] = _doc(
        default=(), description="Session records the edge read (git-ai notes); Agent Trace "
        "files in the diff are read by the core itself."
    )
    reviews: tuple[Review, ...] | None = _doc(
        default=None, description="None: not read (the CLI and pre-commit have no reviews)."
    )
    codeowners: str | None = _doc(
        default=None, description="The base branch's CODEOWNERS file, when it has one."
    )
    gitattributes: str | None = _doc(
        default=None, description="The base branch's .gitattributes, when the change has a "
        "file under a generated-code path (its `linguist-generated` proves a file generated)."
    )
    sources: tuple[SourceFile, ...] = _doc(
        default=(), description="Contents of changed files, where the caller has them: they "
        "tell the definitions a change is made in (bot/analysis/enclosing.py). Optional: "
        "without them the hunk headers stand for those definitions."
    )


class Evidence(Plain):
    """One reason an area was flagged: a path match or a line whose content matched a rule."""

    path: str
    line: int | None = None
    side: Literal["new", "old", "header", "path"] = "new"
    rule: str
    snippet: str = ""
    head_line: int | None = _doc(
        default=None,
        description="For a removed line (side old): the head file's line nearest to where it "
        "was (the context or added line just above it, or the first line), where a tool that "
        "shows only the head file (code scanning) can place it.",
    )

    @property
    def says_why(self) -> bool:
        """Whether a path's evidence is a sentence of its own (a repository named for the
        area, a title that says the change fixes a weakness): shown as it is, not as a pattern
        the path `matches`."""
        return self.side == "path" and self.rule.endswith((".repository", ".title"))


class AreaResult(Plain):
    id: str
    title: str
    risk: Risk
    files: list[str]
    evidence: list[Evidence]
    evidence_total: int = _doc(description="Evidence found before the per-file/area caps.")
    weak_evidence: str | None = _doc(
        default=None,
        description="Set when all the area's evidence comes from rules the policy calls weak "
                    "(`weak`), or, for an area `enforced_by_server`, from `client_side` files "
                    "only: whether it counted at the area's risk, and why.",
    )


class Signals(Plain):
    """The shape of the change, which picks the tier when no sensitive area does."""

    files: int
    changed_lines: int
    modules: int
    doc_files: int
    doc_share: float = _doc(
        description="Docs' and contracts' share of the changed lines a reader takes in (code, "
                    "docs and contracts; tests and other excluded paths left out).",
    )
    long_context: bool
    context_heavy: bool
    files_not_listed: int = _doc(
        default=0, description="Files GitHub counts but did not list (over its 3,000-file cap)."
    )
    doc_lines: int = _doc(default=0, description="Changed lines of docs and contracts.")
    counted_files: int = _doc(
        default=0, description="Files that count toward the size: not docs, contracts, lock "
                               "files or generated code.")
    counted_lines: int = _doc(default=0, description="Changed lines of those files.")
    mechanical_lines: int = _doc(
        default=0,
        description="Changed lines a content rule matched that were not counted: re-formatted, "
                    "respelt, re-worded or moved code.",
    )
    removed_lines: int = _doc(
        default=0,
        description="Changed lines a rule matched that were not counted: unused code deleted "
                    "whole (definitions nothing left in the change names).",
    )


class DeclaredModel(Plain):
    """One statement, found in the PR or its commits, of which model (or tool) made the change."""

    source: Literal["description", "commit", "label", "author", "record"]
    location: str
    raw: str
    kind: Literal["model", "tool", "human", "unknown"]
    model: str | None = _doc(
        default=None,
        description="Catalog id, or for a model known through its family: family id and version "
        "('claude-opus-4.8').",
    )
    tier: str | None = None
    tool: str | None = None
    provenance: Provenance = _doc(
        default=Provenance.DECLARED,
        description="How strong the evidence is: declared (a person wrote it) < tool (the tool "
        "wrote it) < recorded < attested.",
    )
    name: str | None = _doc(
        default=None, description="The model's display name ('Claude Opus 4.8'), or the name."
    )
    family: str | None = _doc(default=None, description="Family id when the name matched one.")
    version: str | None = None
    resolved_by: Literal["exact", "alias", "family"] | None = _doc(
        default=None, description="How the name resolved: catalog id or name, alias, or family."
    )
    note: str | None = _doc(
        default=None, description="Why it resolved so, or the policy edit that would count it."
    )
    satisfies: bool | None = _doc(
        default=None,
        description="Whether this item meets the required tier with enough provenance (null: "
        "nothing required).",
    )


class HumanReview(Plain):
    """A change declared as written without AI, under `enforcement.human_declaration`: what the
    policy asks of it, and whether the PR's reviews give it."""

    policy: Literal["accept", "require_review", "reject"]
    location: str = _doc(description="Where it was declared.")
    reviewers: str = _doc(
        default="", description="Who can approve it, in words ('someone with the maintain role "
        "or higher, or a code owner of src/auth/login.py')."
    )
    reviews_read: bool = _doc(
        default=False, description="Whether the PR's reviews were read (never in the CLI)."
    )
    approved_by: list[str] = _doc(
        default_factory=list, description="Approving reviews that count, with why ('@alice "
        "(maintain role)')."
    )


class ChecklistGroup(Plain):
    area: str
    title: str
    items: list[str]
    required: bool = _doc(
        default=False,
        description="The policy makes this checklist gate the check: every box ticked by "
                    "someone with its `checklist_permission`.",
    )


class NotInspected(Plain):
    path: str
    reason: str


class ReviewRequest(Plain):
    """Someone the policy asks to review this change (`request_review`)."""

    reviewer: str = _doc(description="`@user` or `@org/team`, as the policy writes it.")
    reason: str = _doc(description="The risk or area that asks for them ('critical', 'billing').")


class Decision(Plain):
    """Everything the core concluded, with the reasons, in the shape of the JSON contract."""

    schema_version: str = SCHEMA_VERSION
    risk: Risk
    tier: str
    tier_title: str
    recommended_model: str
    recommended_model_name: str
    accepted_models: list[str]
    required_tier: str | None
    areas: list[AreaResult]
    signals: Signals
    reasons: list[str]
    declared_models: list[DeclaredModel]
    verdict: Verdict
    blocking: bool = _doc(description="True when the policy makes this verdict fail the check.")
    verdict_reason: str
    fix: str | None
    checklist: list[ChecklistGroup]
    not_inspected: list[NotInspected]
    draft: bool = False
    policy_warnings: list[str] = field(default_factory=list)
    evidence_conflict: str | None = _doc(
        default=None,
        description="The description and the commits name different models, and which counted.",
    )
    human_review: HumanReview | None = _doc(
        default=None,
        description="Set when a declaration that no AI was used is what the verdict rests on.",
    )
    scope: str | None = _doc(
        default=None,
        description="The policy scope whose rules judged the change (the strictest it touches); "
                    "null: the policy's own rules.",
    )
    scopes: list[str] = _doc(
        default_factory=list, description="Every policy scope the change touches."
    )
    not_enforced: str | None = _doc(
        default=None,
        description="Why the policy's `enforcement.when`/`unless` conditions turned enforcement "
                    "off for this pull request (the verdict is then advisory).",
    )
    review_requests: list[ReviewRequest] = _doc(
        default_factory=list,
        description="Users and teams the policy's `request_review` asks to review, and why.",
    )
