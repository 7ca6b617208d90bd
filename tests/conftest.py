"""Shared pytest setup: only what more than one test package needs."""

from __future__ import annotations

import pytest

from policies.loader import default_policy
from policies.model import Policy


@pytest.fixture
def policy() -> Policy:
    """The bundled default policy (validated once per process, shared read-only)."""
    return default_policy()
