"""Start-up of `modeltier scan`: what a fresh interpreter pays for before it reads a diff.

Each test runs a real interpreter: what an import builds or pulls in is only visible in a fresh
process (bench/startup.py measures the time).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "billing-refund.diff"


def _python(code: str, *args: str) -> str:
    result = subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True,
                            text=True, timeout=120, check=True)
    return result.stdout


def test_importing_the_cli_builds_no_pydantic_validator() -> None:
    """Validators are built when a model is first used (defer_build), not at import: a scan
    that never validates some model never pays for building it."""
    built = _python(
        "import json, pydantic, bot.cli\n"
        "def walk(cls):\n"
        "    for sub in cls.__subclasses__():\n"
        "        yield sub\n"
        "        yield from walk(sub)\n"
        "models = list(walk(pydantic.BaseModel))\n"
        "print(json.dumps([len(models), [m.__qualname__ for m in models\n"
        "                                 if m.__pydantic_complete__]]))\n"
    )
    count, complete = json.loads(built)
    assert count > 20  # the policy and decision models were imported
    assert complete == []


def test_a_text_scan_imports_only_the_text_renderer() -> None:
    imported = _python(
        "import json, sys\n"
        "from bot.cli import main\n"
        "main(['scan', '--diff', sys.argv[1], '--format', 'text', '--output', '/dev/null'])\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('bot.render.'))))\n",
        str(EXAMPLE),
    )
    modules = set(json.loads(imported))
    assert "bot.render.text" in modules
    assert not modules & {"bot.render.markdown", "bot.render.sarif", "bot.render.jsonout"}


def test_every_renderer_name_resolves_lazily() -> None:
    import bot.render

    for name in bot.render.__all__:
        assert getattr(bot.render, name) is not None
