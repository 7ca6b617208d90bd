"""Renderers: a Decision in, text out (PR comment, SARIF, terminal, JSON).

All of them are pure functions of their arguments, so the App, the Action and the CLI show the
same decision the same way, and a test can pin any of them without a network or a clock.
"""

from __future__ import annotations

from bot.render.jsonout import decision_json_schema, render_json
from bot.render.markdown import MARKER, CommentContext, OverrideInfo, render_comment
from bot.render.sarif import dump_sarif, render_sarif, render_sarif_json
from bot.render.text import render_oneline, render_text

__all__ = [
    "MARKER",
    "CommentContext",
    "OverrideInfo",
    "decision_json_schema",
    "dump_sarif",
    "render_comment",
    "render_json",
    "render_oneline",
    "render_sarif",
    "render_sarif_json",
    "render_text",
]
