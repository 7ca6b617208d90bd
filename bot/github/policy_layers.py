"""Where the layers of a repository's policy come from on GitHub: the organisation's policy (the
default branch of its `.github` repository) under the repository's own (the PR's base).

`policies.loader.load_layered` merges texts; this module reads them through the port. The
organisation file is read at the commit its default branch points to, so the port's cache (by
commit SHA) serves it until someone changes that branch, and a layering of the same texts is
parsed once per process.

In the organisation's `.github` repository itself the one file is the organisation policy: its
pull requests are judged by it as it stands on their base, and a change to it gets the preview
of what the organisation policy would become.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from bot.analysis.codeowners import CODEOWNERS_PATHS
from bot.github.port import GitHubPort
from policies.errors import PolicyError
from policies.loader import (
    ORGANISATION_POLICY_REPOSITORY,
    REPOSITORY_POLICY_PATHS,
    Layered,
    load_layered,
)
from policies.model import Policy
from policies.scopes import scoped_policies

__all__ = [
    "BasePolicy",
    "base_policy",
    "codeowners_text",
    "organisation_home",
    "proposed_policy",
    "uses_owners",
]


@dataclass(frozen=True)
class _File:
    text: bytes
    name: str  # what problems in it are reported under
    source: str  # what the comment says the policy came from


@dataclass(frozen=True)
class BasePolicy:
    policy: Policy
    source: str  # "default", or the files that made it, with their commits
    errors: list[str]


def organisation_home(repo: str) -> str:
    """The repository that holds the organisation policy for `repo` (`owner/.github`)."""
    return f"{repo.split('/', 1)[0]}/{ORGANISATION_POLICY_REPOSITORY}"


def _is_home(repo: str) -> bool:
    return repo.lower() == organisation_home(repo).lower()


def _organisation_file(port: GitHubPort, repo: str) -> tuple[_File | None, list[str]]:
    home = organisation_home(repo)
    sha = port.default_branch_head(home)
    if sha is None:
        return None, []
    found = [(path, text) for path in REPOSITORY_POLICY_PATHS
             if (text := port.file_at(home, path, sha)) is not None]
    if len(found) > 1:
        return None, [f"{home}: {' and '.join(p for p, _ in found)} both exist on its default "
                      "branch: keep one; until then the organisation policy is not used"]
    if not found:
        return None, []
    path, content = found[0]
    return _File(content, f"{home}:{path}", f"{home}:{path}@{sha[:7]}"), []


@functools.lru_cache(maxsize=64)
def _layered(
    repository: tuple[bytes, str] | None, organisation: tuple[bytes, str] | None
) -> Layered:
    return load_layered(repository, organisation)


def base_policy(
    port: GitHubPort, repo: str, repository: tuple[str, bytes] | None, ref: str
) -> BasePolicy:
    """The policy a pull request of `repo` is judged by: the organisation policy (if any) under
    the repository's own file (`repository`: its path and text on the base `ref`, or None)."""
    if _is_home(repo):
        org = _File(repository[1], f"{repo}:{repository[0]}",
                    f"{repo}:{repository[0]}@{ref}") if repository else None
        errors: list[str] = []
        repository = None
    else:
        org, errors = _organisation_file(port, repo)
    layered = _layered(
        (repository[1], repository[0]) if repository else None,
        (org.text, org.name) if org else None,
    )
    sources = ([org.source] if org and layered.organisation else []) + (
        [f"{repository[0]}@{ref}"] if repository and layered.repository else [])
    return BasePolicy(layered.policy, " + ".join(sources) or "default",
                      errors + [str(p) for p in layered.problems])


def proposed_policy(port: GitHubPort, repo: str, name: str, text: bytes) -> Policy:
    """The policy a pull request's own policy file would make (its preview): in the
    organisation's `.github` repository, the new organisation policy over the default; anywhere
    else the file over the organisation policy as it stands. Raises PolicyError for what the
    proposal gets wrong (a weakened locked field included)."""
    if _is_home(repo):
        layered = _layered(None, (text, f"{repo}:{name}"))
        wrong = layered.problems or not layered.organisation
    else:
        org, _ = _organisation_file(port, repo)
        layered = _layered((text, name), (org.text, org.name) if org else None)
        wrong = [p for p in layered.problems if p.file == name] or not layered.repository
    if wrong:
        raise PolicyError(layered.problems)
    return layered.policy


def uses_owners(policy: Policy) -> bool:
    """Whether an area of the policy (or of one of its scopes) is defined by ownership: only
    then is CODEOWNERS read."""
    policies = [policy, *(scoped for _, scoped in scoped_policies(policy))]
    return any(area.owners for p in policies for area in p.active_areas().values())


def codeowners_text(port: GitHubPort, repo: str, ref: str) -> str | None:
    """The CODEOWNERS file GitHub uses on `ref`: the first of its three places that exists."""
    for path in CODEOWNERS_PATHS:
        text = port.file_at(repo, path, ref)
        if text is not None:
            return text.decode("utf-8", "replace")
    return None
