"""Exit statuses shared by every entry point (the CLI, the Action, the hooks)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the CLI imports this before the analysis, which it imports when it runs
    from bot.analysis.models import Decision

__all__ = ["EXIT_BAD_INPUT", "EXIT_BROKEN_PIPE", "EXIT_ENFORCEMENT", "EXIT_OK", "exit_status"]

EXIT_OK = 0
EXIT_ENFORCEMENT = 1
EXIT_BAD_INPUT = 2
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, as a shell reports a filter whose reader left


def exit_status(decision: Decision) -> int:
    """0 unless the policy makes this decision's verdict fail enforcement."""
    from bot.analysis.models import Verdict

    failing = decision.verdict in (Verdict.FAIL, Verdict.MISSING) and decision.blocking
    return EXIT_ENFORCEMENT if failing else EXIT_OK
