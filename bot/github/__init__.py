"""GitHub at the edge: the port the review depends on, its PyGithub implementation
(`bot.github.pygithub`) and the App-level client (`bot.github.app_client`).

Only the port's plain types are exported here, so `from bot.github import GitHubError` never
imports PyGithub; the implementation is imported by name where a connection is made.
"""

from __future__ import annotations

from bot.github.port import (
    WORKFLOW_BOT_LOGIN,
    Annotation,
    CheckRunOutput,
    GitHubError,
    GitHubPort,
    PullRequestData,
    RateLimit,
    retry_after,
)

__all__ = [
    "WORKFLOW_BOT_LOGIN",
    "Annotation",
    "CheckRunOutput",
    "GitHubError",
    "GitHubPort",
    "PullRequestData",
    "RateLimit",
    "retry_after",
]
