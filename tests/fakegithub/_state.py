"""In-memory state of the fake GitHub (plain dataclasses, no I/O).

Every object here is owned by one :class:`~tests.fakegithub.server.FakeGitHub` and is only
mutated while holding ``fake.lock``. The handles returned by ``FakeGitHub.add_repo`` /
``add_pull`` / ... are these live objects: read them freely, but change them through the
``FakeGitHub`` methods (or inside ``with fake.lock:``).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

#: Fine-grained repository role -> legacy ``permission`` value of
#: ``GET /repos/{o}/{r}/collaborators/{u}/permission`` (GitHub folds maintain into write and
#: triage into read there; ``role_name`` carries the fine-grained role).
ROLE_TO_PERMISSION: dict[str, str] = {
    "admin": "admin",
    "maintain": "write",
    "write": "write",
    "triage": "read",
    "read": "read",
    "none": "none",
}

#: GitHub's documented limits, enforced by the fake.
MAX_COMMENT_BODY = 65_536
MAX_CHECK_TEXT = 65_535
MAX_CHECK_TITLE = 255
MAX_ANNOTATIONS_PER_REQUEST = 50
MAX_PR_FILES = 3_000
MAX_PR_COMMITS = 250
MAX_LABEL_NAME = 50
MAX_STATUS_DESCRIPTION = 140
MAX_STATUSES_PER_CONTEXT = 1_000
MAX_DIFF_FILES = 300
MAX_CONTENT_INLINE = 1_048_576  # files above 1 MB come back with encoding "none"

_SHA_RE = re.compile(r"^[0-9a-f]{40}$")


def utcnow() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def iso(value: datetime | None) -> str | None:
    return None if value is None else value.strftime("%Y-%m-%dT%H:%M:%SZ")


def fake_sha(*parts: object) -> str:
    """A deterministic 40-hex "commit sha" derived from ``parts``."""
    return hashlib.sha1("\0".join(map(str, parts)).encode()).hexdigest()  # noqa: S324


def git_blob_sha(data: bytes) -> str:
    """The sha git (and GitHub's contents API) reports for a blob with this content."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()  # noqa: S324


def looks_like_sha(ref: str) -> bool:
    return bool(_SHA_RE.match(ref))


@dataclass(kw_only=True)
class UserState:
    login: str
    id: int
    type: str = "User"  # "User" | "Bot" | "Organization"
    name: str | None = None
    email: str | None = None
    site_admin: bool = False


@dataclass(kw_only=True)
class LabelState:
    id: int
    name: str
    color: str = "ededed"
    description: str | None = None
    default: bool = False


@dataclass(kw_only=True)
class CommentState:
    id: int
    repo: str  # lower-cased full name
    issue_number: int
    body: str
    user: UserState
    via_app: bool
    created_at: datetime
    updated_at: datetime


@dataclass(kw_only=True)
class IssueState:
    id: int
    number: int
    title: str
    body: str | None
    user: UserState
    labels: list[str] = field(default_factory=list)
    state: str = "open"
    locked: bool = False
    created_at: datetime = field(default_factory=utcnow)
    updated_at: datetime = field(default_factory=utcnow)
    closed_at: datetime | None = None
    comment_ids: list[int] = field(default_factory=list)
    author_association: str | None = None

    @property
    def is_pull(self) -> bool:
        return False


@dataclass(kw_only=True)
class PullState(IssueState):
    pull_id: int
    head_sha: str
    head_ref: str
    head_repo: str  # lower-cased full name of the head repository (a fork or the same repo)
    base_ref: str
    base_sha: str
    draft: bool = False
    merged: bool = False
    merged_at: datetime | None = None
    merge_commit_sha: str | None = None
    mergeable: bool | None = True
    #: normalised file dicts: filename, status, additions, deletions, changes, sha,
    #: and ``patch`` / ``previous_filename`` only when present
    files: list[dict[str, Any]] = field(default_factory=list)
    #: normalised commit dicts: sha, message, author_name, author_email, author_login,
    #: committer_name, committer_email, date (datetime), parents (list of shas)
    commits: list[dict[str, Any]] = field(default_factory=list)

    @property
    def is_pull(self) -> bool:
        return True


@dataclass(kw_only=True)
class CheckRunState:
    id: int
    repo: str
    name: str
    head_sha: str
    status: str
    conclusion: str | None
    started_at: datetime | None
    completed_at: datetime | None
    details_url: str | None
    external_id: str | None
    title: str | None
    summary: str | None
    text: str | None
    annotations: list[dict[str, Any]]
    actions: list[dict[str, Any]]
    check_suite_id: int
    created_at: datetime
    updated_at: datetime
    #: number of PATCH requests applied
    updates: int = 0


@dataclass(kw_only=True)
class StatusState:
    id: int
    repo: str
    sha: str
    state: str
    context: str
    description: str | None
    target_url: str | None
    creator: UserState
    created_at: datetime


@dataclass(kw_only=True)
class RepoState:
    id: int
    owner: UserState
    name: str
    default_branch: str
    private: bool = False
    fork: bool = False
    archived: bool = False
    description: str | None = None
    created_at: datetime = field(default_factory=utcnow)
    updated_at: datetime = field(default_factory=utcnow)
    #: branch name -> head sha
    branches: dict[str, str] = field(default_factory=dict)
    #: ref (branch name or sha) -> {path: content bytes}
    files: dict[str, dict[str, bytes]] = field(default_factory=dict)
    #: lower-cased login -> (role_name, legacy permission)
    roles: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: lower-cased label name -> label
    labels: dict[str, LabelState] = field(default_factory=dict)
    #: number -> issue or pull request (they share one number space, as on GitHub)
    issues: dict[int, IssueState] = field(default_factory=dict)
    #: sha -> commit info (see PullState.commits) for every commit the fake knows about
    commits: dict[str, dict[str, Any]] = field(default_factory=dict)
    statuses: list[StatusState] = field(default_factory=list)
    check_run_ids: list[int] = field(default_factory=list)

    @property
    def full_name(self) -> str:
        return f"{self.owner.login}/{self.name}"

    @property
    def key(self) -> str:
        return self.full_name.lower()


@dataclass(kw_only=True)
class InstallationState:
    id: int
    account: UserState
    #: lower-cased full names; ``None`` means "all repositories" of the account
    repos: set[str] | None
    permissions: dict[str, str]
    events: list[str]
    created_at: datetime = field(default_factory=utcnow)
    suspended_at: datetime | None = None

    @property
    def repository_selection(self) -> str:
        return "all" if self.repos is None else "selected"


@dataclass(kw_only=True)
class TokenState:
    token: str
    kind: str  # "installation" | "user"
    login: str | None = None
    installation_id: int | None = None
    expires_at: datetime | None = None
    #: installation tokens narrowed to some repositories (lower-cased full names)
    repos: set[str] | None = None
    permissions: dict[str, str] | None = None


@dataclass(kw_only=True)
class HookDeliveryState:
    id: int
    guid: str
    event: str
    action: str | None
    status_code: int
    status: str
    delivered_at: datetime
    redelivery: bool
    duration: float
    installation_id: int | None
    repository_id: int | None
    request_headers: dict[str, str]
    request_payload: dict[str, Any]
    response_headers: dict[str, str]
    response_payload: str


@dataclass(frozen=True, kw_only=True)
class RecordedRequest:
    """One request as the fake saw it (``path`` is relative to the API root, no query)."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # lower-cased names
    json: Any
    body: bytes
    time: float
    status: int | None  # None when the connection was dropped on purpose
    identity: str | None  # "user:<login>", "installation:<id>", "app:<id>", "anonymous"
    injected: bool  # answered by fault injection rather than the API emulation
