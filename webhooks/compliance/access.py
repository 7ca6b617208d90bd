"""Who may see which repository on the compliance page, as GitHub says, remembered briefly.

A signed-in user sees a repository when GitHub gives them at least the configured role on it
(`MODELTIER_AUDIT_PERMISSION`), or every repository when they are an active member of the
configured team (`MODELTIER_AUDIT_TEAM`). Answers are kept for `ttl` seconds, so a role taken
away shows within minutes; a question GitHub could not answer is not kept and counts as "no"
(fail closed), and the page says how many repositories were hidden for that reason.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from bot.github.port import GitHubError
from bot.github.signin import GitHubAccess
from policies.model import Permission

__all__ = ["AccessPolicy", "Scope"]

log = logging.getLogger("modeltier.compliance")
#: questions about one person's repositories asked of GitHub at the same time
QUESTIONS_AT_ONCE = 8


@dataclass(frozen=True)
class Scope:
    """What one user may see now: every repository (`repos` None) or these; `unanswered`
    repositories are hidden because GitHub could not be asked."""

    repos: frozenset[str] | None
    unanswered: int = 0

    def allows(self, repo: str) -> bool:
        return self.repos is None or repo in self.repos


class AccessPolicy:
    def __init__(
        self, github: GitHubAccess, *, permission: Permission, team: str | None, ttl: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.github = github
        self.permission = permission
        self.team = team
        self.ttl = ttl
        self.clock = clock
        self._answers: dict[tuple[str, str], tuple[float, bool]] = {}
        self._lock = threading.Lock()

    def _remembered(self, key: tuple[str, str], ask: Callable[[], bool]) -> bool | None:
        """The answer to `key`, from memory while fresh, else from GitHub; None when GitHub
        could not answer."""
        now = self.clock()
        with self._lock:
            known = self._answers.get(key)
        if known is not None and known[0] > now:
            return known[1]
        try:
            answer = ask()
        except GitHubError as e:
            log.warning("access question unanswered: %s", e,
                        extra={"login": key[0], "subject": key[1]})
            return None
        with self._lock:
            self._answers[key] = (now + self.ttl, answer)
        return answer

    def _repo_allowed(self, login: str, repo: str) -> bool:
        role = self.github.permission(repo, login)
        return role is not None and role.rank >= self.permission.rank

    def scope(self, login: str, repos: Iterable[str]) -> Scope:
        """What `login` may see among `repos` (the repositories with records)."""
        if self.team is not None:
            team = self.team
            if self._remembered((login, f"team:{team}"),
                                lambda: self.github.in_team(team, login)):
                return Scope(None)
        names = list(repos)
        ask = [functools.partial(self._remembered, (login, repo),
                                 functools.partial(self._repo_allowed, login, repo))
               for repo in names]
        # A first visit asks about every repository with records: a few at a time, not in turn.
        with ThreadPoolExecutor(max_workers=QUESTIONS_AT_ONCE) as pool:
            answers = list(pool.map(lambda question: question(), ask))
        allowed = frozenset(repo for repo, answer in zip(names, answers, strict=True) if answer)
        return Scope(allowed, sum(1 for answer in answers if answer is None))
