"""In-memory state of the fake GitHub (plain dataclasses, no I/O).

Every object here is owned by one :class:`~tests.fakegithub.server.FakeGitHub` and is only
mutated while holding ``fake.lock``. The handles returned by ``FakeGitHub.add_repo`` /
``add_pull`` / ... are these live objects: read them freely, but change them through the
``FakeGitHub`` methods (or inside ``with fake.lock:``).
"""

from __future__ import annotations

import hashlib
import itertools
import re
import threading
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
MAX_COMPARE_FILES = 300  # compare lists at most 300 files, on its first page only
MAX_COMPARE_COMMITS = 250  # compare without pagination parameters: the first 250 commits
MAX_CONTENT_INLINE = 1_048_576  # files above 1 MB come back with encoding "none"

_SHA_RE = re.compile(r"^[0-9a-f]{40}$")
_SHORT_SHA_RE = re.compile(r"^[0-9a-f]{7,39}$")


def utcnow() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def iso(value: datetime | None) -> str | None:
    return None if value is None else value.strftime("%Y-%m-%dT%H:%M:%SZ")


def fake_sha(*parts: object) -> str:
    """A deterministic 40-hex "commit sha" derived from ``parts``."""
    return hashlib.sha1("\0".join(map(str, parts)).encode()).hexdigest()


def git_blob_sha(data: bytes) -> str:
    """The sha git (and GitHub's contents API) reports for a blob with this content."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


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
    #: issue events, oldest first: id, event (labeled|unlabeled), actor (login), label (name),
    #: created_at (datetime)
    events: list[dict[str, Any]] = field(default_factory=list)

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
    #: users and team slugs asked to review (POST .../requested_reviewers), in request order
    requested_reviewers: list[UserState] = field(default_factory=list)
    requested_teams: list[str] = field(default_factory=list)
    #: reviews, oldest first: id, login, state, commit_id, body, submitted_at (datetime)
    reviews: list[dict[str, Any]] = field(default_factory=list)

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
class ComparisonState:
    """A seeded ``base...head`` comparison (``GET /repos/{o}/{r}/compare/{base}...{head}``)."""

    base_sha: str
    head_sha: str
    #: normalised file dicts, as PullState.files
    files: list[dict[str, Any]]
    #: normalised commit dicts, as PullState.commits (oldest first)
    commits: list[dict[str, Any]]
    status: str  # ahead | behind | diverged | identical
    ahead_by: int
    behind_by: int
    merge_base_sha: str


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
    #: git notes: ref ("refs/notes/ai") -> {annotated commit sha: note text}
    notes: dict[str, dict[str, str]] = field(default_factory=dict)
    statuses: list[StatusState] = field(default_factory=list)
    check_run_ids: list[int] = field(default_factory=list)
    #: (base sha, head sha) -> seeded comparison
    comparisons: dict[tuple[str, str], ComparisonState] = field(default_factory=dict)

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


DEFAULT_APP_PERMISSIONS: dict[str, str] = {
    "checks": "write",
    "contents": "read",
    "issues": "write",
    "metadata": "read",
    "pull_requests": "write",
    "statuses": "write",
}
DEFAULT_APP_EVENTS: list[str] = ["pull_request", "issue_comment", "check_run", "check_suite"]
_PERMISSION_RANK = {"read": 1, "write": 2, "admin": 3}


def permission_allows(granted: dict[str, str], name: str, level: str) -> bool:
    have = granted.get(name)
    return have is not None and _PERMISSION_RANK.get(have, 0) >= _PERMISSION_RANK[level]


class World:
    """All mutable state, guarded by one re-entrant lock (``world.lock`` == ``fake.lock``)."""

    def __init__(self, *, app_id: int, app_slug: str, app_name: str, client_id: str) -> None:
        self.lock = threading.RLock()
        self._counters: dict[str, itertools.count[int]] = {}
        self.users: dict[str, UserState] = {}
        self.repos: dict[str, RepoState] = {}
        self.installations: dict[int, InstallationState] = {}
        self.tokens: dict[str, TokenState] = {}
        self.comments: dict[int, CommentState] = {}
        self.check_runs: dict[int, CheckRunState] = {}
        self.deliveries: dict[int, HookDeliveryState] = {}
        self.redeliveries: list[int] = []
        #: (org, team slug), lower-cased -> {login: "member" | "maintainer"}
        self.teams: dict[tuple[str, str], dict[str, str]] = {}
        #: rate-limit bucket -> [limit, remaining, reset epoch]
        self.rate: dict[str, list[int]] = {}
        owner = self.user("fake-app-owner", type="Organization")
        self.bot = self.user(f"{app_slug}[bot]", type="Bot")
        self.app: dict[str, Any] = {
            "id": app_id,
            "slug": app_slug,
            "name": app_name,
            "client_id": client_id,
            "owner": owner,
            "created_at": utcnow(),
            "permissions": dict(DEFAULT_APP_PERMISSIONS),
            "events": list(DEFAULT_APP_EVENTS),
            "installations_count": 0,
        }

    # ------------------------------------------------------------------ ids & users
    _BASES = {  # noqa: RUF012 - constant table
        "user": 1_000,
        "repo": 100_000,
        "issue": 1_000_000,
        "pull": 2_000_000,
        "label": 3_000_000,
        "comment": 4_000_000,
        "check_run": 5_000_000,
        "check_suite": 6_000_000,
        "status": 7_000_000,
        "delivery": 8_000_000,
    }

    def next_id(self, kind: str) -> int:
        counter = self._counters.get(kind)
        if counter is None:
            counter = self._counters[kind] = itertools.count(self._BASES.get(kind, 1) + 1)
        return next(counter)

    def user(self, login: str, *, type: str | None = None, create: bool = True) -> UserState:
        found = self.users.get(login.lower())
        if found is None:
            if not create:
                raise KeyError(login)
            found = UserState(login=login, id=self.next_id("user"), type=type or "User")
            self.users[login.lower()] = found
        elif type is not None and found.type != type:
            found.type = type
        return found

    def find_user(self, login: str) -> UserState | None:
        return self.users.get(login.lower())

    # ------------------------------------------------------------------ repositories
    def repo(self, full_name: str) -> RepoState | None:
        return self.repos.get(full_name.lower())

    def require_repo(self, full_name: str) -> RepoState:
        r = self.repo(full_name)
        if r is None:
            raise KeyError(f"unknown repository {full_name!r}; call add_repo() first")
        return r

    def repo_by_id(self, repo_id: int) -> RepoState | None:
        return next((r for r in self.repos.values() if r.id == repo_id), None)

    def register_commit(
        self, repo: RepoState, sha: str, info: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        known = repo.commits.get(sha)
        if info is not None:
            repo.commits[sha] = info
            return info
        if known is None:
            known = {
                "sha": sha,
                "message": f"Commit {sha[:7]}",
                "author_name": "Fake Author",
                "author_email": "author@example.com",
                "author_login": None,
                "committer_name": "Fake Author",
                "committer_email": "author@example.com",
                "date": utcnow(),
                "parents": [],
            }
            repo.commits[sha] = known
        return known

    def resolve_ref(self, repo: RepoState, ref: str) -> str | None:
        """Branch name or known sha -> sha (or the ref itself when only files exist for it);
        `HEAD` is the default branch, as on GitHub."""
        ref = ref.removeprefix("refs/heads/")
        if ref == "HEAD":
            ref = repo.default_branch
        if ref in repo.branches:
            return repo.branches[ref]
        if ref in repo.commits:
            return ref
        if _SHORT_SHA_RE.match(ref):  # abbreviated sha, unique prefix of a known commit
            full = [s for s in repo.commits if s.startswith(ref)]
            if len(full) == 1:
                return full[0]
        if ref in repo.files:
            return ref
        return None

    def tree(self, repo: RepoState, ref: str) -> dict[str, bytes] | None:
        """Files visible at ``ref``; a branch and the sha it points at share their files."""
        ref = ref.removeprefix("refs/heads/")
        sha = self.resolve_ref(repo, ref)
        if sha is None:
            return None
        candidates = [ref, sha, *(b for b, s in repo.branches.items() if s in (ref, sha))]
        for cand in candidates:
            if cand in repo.files:
                return repo.files[cand]
        return {}

    def role_of(self, repo: RepoState, login: str) -> str:
        if login.lower() == repo.owner.login.lower():
            return "admin"
        entry = repo.roles.get(login.lower())
        if entry is not None:
            return entry[0]
        return "none" if repo.private else "read"

    def legacy_permission(self, repo: RepoState, login: str) -> str:
        if login.lower() == repo.owner.login.lower():
            return "admin"
        entry = repo.roles.get(login.lower())
        if entry is not None:
            return entry[1]
        return "none" if repo.private else "read"

    def association(self, repo: RepoState, user: UserState) -> str:
        if user.type == "Bot":
            return "NONE"
        if user.login.lower() == repo.owner.login.lower():
            return "OWNER"
        entry = repo.roles.get(user.login.lower())
        if entry is not None and entry[1] != "none":
            return "COLLABORATOR"
        if any(i.user is user and i.is_pull for i in repo.issues.values()):
            return "CONTRIBUTOR"
        return "NONE"

    def open_pulls_with_head(self, repo: RepoState, sha: str) -> list[PullState]:
        return [
            p
            for p in repo.issues.values()
            if isinstance(p, PullState)
            and p.state == "open"
            and p.head_sha == sha
            and p.head_repo == repo.key
        ]

    def installation_for_repo(self, repo: RepoState) -> InstallationState | None:
        for inst in self.installations.values():
            if self.installation_covers(inst, repo):
                return inst
        return None

    @staticmethod
    def installation_covers(inst: InstallationState, repo: RepoState) -> bool:
        if inst.repos is None:
            return repo.owner.login.lower() == inst.account.login.lower()
        return repo.key in inst.repos
