"""A fake GitHub REST API server for tests and benchmarks; see :mod:`tests.fakegithub.server`."""

from ._state import (
    CheckRunState,
    ComparisonState,
    InstallationState,
    IssueState,
    PullState,
    RecordedRequest,
    RepoState,
    UserState,
)
from .server import FakeGitHub, Fault, default_app_keypair, generate_rsa_keypair

__all__ = [
    "CheckRunState",
    "ComparisonState",
    "FakeGitHub",
    "Fault",
    "InstallationState",
    "IssueState",
    "PullState",
    "RecordedRequest",
    "RepoState",
    "UserState",
    "default_app_keypair",
    "generate_rsa_keypair",
]
