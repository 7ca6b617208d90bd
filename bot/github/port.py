"""What modeltier asks of GitHub: one small interface and the plain values it carries.

The review of a pull request (`bot.review`) depends on `GitHubPort` alone, so it can be tested
with a fake and run over any client. The PyGithub implementation lives in `bot.github.pygithub`,
the only module that imports PyGithub; this one imports nothing of it, so the error and the data
types are cheap to import anywhere.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from bot.analysis.diff import GitHubFile
from bot.analysis.models import Commit, Review
from policies.errors import ModelTierError
from policies.model import Permission

__all__ = [
    "WORKFLOW_BOT_LOGIN",
    "Annotation",
    "CheckRunOutput",
    "GitHubError",
    "GitHubPort",
    "PostedComment",
    "PullRequestData",
    "RateLimit",
    "retry_after",
]

#: the identity a workflow's GITHUB_TOKEN writes as
WORKFLOW_BOT_LOGIN = "github-actions[bot]"


class GitHubError(ModelTierError):
    """A GitHub request failed after its retries; `status` is the HTTP status (0: no answer).

    `retry_after` is how many seconds GitHub asked us to wait (`Retry-After`, or the primary
    limit's `x-ratelimit-reset` when `x-ratelimit-remaining` is 0), None when it did not say.
    """

    def __init__(self, message: str, status: int = 0, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


@dataclass(frozen=True)
class PullRequestData:
    number: int
    head_sha: str
    base_ref: str
    base_sha: str
    title: str = ""
    body: str = ""
    labels: tuple[str, ...] = ()
    author_login: str | None = None
    draft: bool = False
    changed_files: int | None = None
    state: str = "open"
    #: set by the App's job runner when it had not seen this head before: no earlier attempt can
    #: have created the head's check run, so publishing it need not look for one
    new_head: bool = False


@dataclass(frozen=True)
class PostedComment:
    id: int
    body: str


@dataclass(frozen=True)
class Annotation:
    path: str
    line: int
    level: str  # notice | warning | failure
    title: str
    message: str


@dataclass(frozen=True)
class CheckRunOutput:
    conclusion: str  # success | failure | neutral | action_required
    title: str
    summary: str
    text: str = ""
    annotations: Sequence[Annotation] = ()


@dataclass
class RateLimit:
    """The last rate-limit state GitHub reported (for metrics and back-off)."""

    remaining: int | None = None
    reset: int | None = None


class GitHubPort(Protocol):
    """What modeltier reads from and writes to GitHub."""

    def pull_request(self, repo: str, number: int) -> PullRequestData: ...

    def pull_files(self, repo: str, number: int) -> list[GitHubFile]: ...

    def pull_commits(self, repo: str, number: int) -> list[Commit]: ...

    def compare(self, repo: str, base: str, head: str) -> tuple[list[GitHubFile], list[Commit]]: ...

    def file_at(self, repo: str, path: str, ref: str) -> bytes | None:
        """The file's content at a ref, or None when it does not exist there."""
        ...

    def find_comment(self, repo: str, number: int, marker: str) -> PostedComment | None:
        """Our own comment carrying the marker (never someone else's copy of it), as it stands
        (a reviewer may have ticked its boxes)."""
        ...

    def create_comment(self, repo: str, number: int, body: str) -> int: ...

    def update_comment(self, repo: str, comment_id: int, body: str) -> bool:
        """False when the comment no longer exists."""
        ...

    def set_labels(self, repo: str, number: int, add: Sequence[str], remove: Sequence[str]) -> None:
        ...

    def publish_check(
        self, repo: str, head_sha: str, name: str, output: CheckRunOutput, check_id: int | None,
        *, new_head: bool = False,
    ) -> int | None:
        """Create or update the check run; returns its id (None when a commit status was used).
        Without `check_id`, ours on the head is looked for first, unless it is a `new_head`."""
        ...

    def permission(self, repo: str, login: str) -> Permission | None: ...

    def default_branch_head(self, repo: str) -> str | None:
        """The commit at the head of the repository's default branch (where an organisation's
        `.github` repository keeps its policy), or None when there is no such repository or it
        cannot be seen."""
        ...

    def request_reviews(
        self, repo: str, number: int, users: Sequence[str], teams: Sequence[str]
    ) -> None:
        """Ask users (logins) and teams (slugs of the repository's organisation) to review."""
        ...

    def pull_reviews(self, repo: str, number: int) -> list[Review]:
        """The PR's reviews, oldest first (login, state, commit; no permission or teams)."""
        ...

    def notes(self, repo: str, ref: str, shas: Sequence[str]) -> dict[str, str]:
        """The git notes under `ref` (`refs/notes/ai`) of those commits that have one, by
        commit sha; {} when the repository has no such ref."""
        ...

    def label_added_by(self, repo: str, number: int, label: str) -> str | None:
        """Who last added the label to the PR (the issue events API), or None when GitHub
        does not say (the label was never added by an event it lists)."""
        ...

    def team_member(self, team: str, login: str) -> bool:
        """Whether `login` is an active member of `team` (`org/slug`); False when GitHub does
        not say so (no such team, or no permission to read it)."""
        ...


def retry_after(headers: Mapping[str, Any] | None, now: float | None = None) -> float | None:
    """Seconds GitHub asks to wait, from `Retry-After` or (remaining 0) `x-ratelimit-reset`."""
    if not headers:
        return None
    lower = {str(k).lower(): str(v).strip() for k, v in headers.items()}
    if lower.get("retry-after", "").isdigit():
        return float(lower["retry-after"])
    reset = lower.get("x-ratelimit-reset", "")
    if lower.get("x-ratelimit-remaining") == "0" and reset.isdigit():
        return max(0.0, int(reset) - (time.time() if now is None else now)) + 1.0
    return None
