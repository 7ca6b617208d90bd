"""A fake GitHub on loopback with one repository, installation 42 and pull request 7, for the
tests of the PyGithub port."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakegithub import FakeGitHub

REPO = "octo/app"
HEAD = "a" * 40


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    with FakeGitHub() as server:
        server.add_repo(REPO)
        server.add_installation(42, repos=[REPO])
        server.add_pull(REPO, number=7, head_sha=HEAD,
                        files=[{"filename": "a.py", "patch": "@@ -1 +1 @@\n-a\n+b\n"}])
        yield server
