"""Who the policy asks to review a change (`request_review`): pure, from the decision's risk and
areas. Asking GitHub, once per pull request, is the App's (webhooks/runtime/jobs.py)."""

from __future__ import annotations

from collections.abc import Collection

from bot.analysis.models import ReviewRequest
from policies.model import Policy, Risk

__all__ = ["review_requests", "split_reviewers"]


def review_requests(
    policy: Policy, risk: Risk, areas: Collection[str], author: str | None = None
) -> list[ReviewRequest]:
    """Each reviewer once, with the first entry of `request_review` that asks for them: an area
    id when the change touches that area, a risk when the change is at least that risky. The
    author is never asked to review their own pull request (GitHub refuses it)."""
    found: dict[str, ReviewRequest] = {}
    for key, reviewers in policy.request_review.items():
        wanted = key in areas if key in policy.areas else risk.rank >= Risk(key).rank
        if not wanted:
            continue
        for reviewer in reviewers:
            name = reviewer.lower()
            if author is not None and name == f"@{author.lower()}":
                continue
            found.setdefault(name, ReviewRequest(reviewer=reviewer, reason=key))
    return list(found.values())


def split_reviewers(requests: Collection[ReviewRequest]) -> tuple[list[str], list[str]]:
    """(user logins, team slugs) as GitHub's review request takes them: `@alice` -> `alice`,
    `@acme/security` -> `security` (a team of the repository's own organisation)."""
    users, teams = [], []
    for request in requests:
        name = request.reviewer.removeprefix("@")
        if "/" in name:
            teams.append(name.split("/", 1)[1])
        else:
            users.append(name)
    return users, teams
