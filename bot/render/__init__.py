"""Renderers: a Decision in, text out (PR comment, SARIF, terminal, JSON).

All of them are pure functions of their arguments, so the App, the Action and the CLI show the
same decision the same way, and a test can pin any of them without a network or a clock.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.render.jsonout import decision_json_schema, render_json
    from bot.render.markdown import MARKER, CommentContext, OverrideInfo, render_comment
    from bot.render.sarif import dump_sarif, render_sarif, render_sarif_json
    from bot.render.text import render_oneline, render_text

# Each name from its module, imported on first use: a scan imports only the renderer it prints
# with (the others cost its start-up about 10 ms).
_MODULES = {
    "decision_json_schema": "jsonout", "render_json": "jsonout",
    "MARKER": "markdown", "CommentContext": "markdown", "OverrideInfo": "markdown",
    "render_comment": "markdown",
    "dump_sarif": "sarif", "render_sarif": "sarif", "render_sarif_json": "sarif",
    "render_oneline": "text", "render_text": "text",
}


def __getattr__(name: str) -> Any:
    if name not in _MODULES:
        raise AttributeError(f"module 'bot.render' has no attribute {name!r}")
    return getattr(importlib.import_module(f"bot.render.{_MODULES[name]}"), name)


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
