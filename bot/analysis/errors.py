"""Errors of the analysis core, all under the one root in policies.errors."""

from __future__ import annotations

from policies.errors import ModelTierError

__all__ = ["DiffError"]


class DiffError(ModelTierError):
    """The input could not be read as a unified diff; the message says where and why."""
