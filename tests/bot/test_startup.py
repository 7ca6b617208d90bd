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


def test_a_scan_after_the_first_reads_the_bundled_policy_ready_made() -> None:
    """The first scan leaves the bundled policy's artefact; the next reads no YAML, validates
    nothing and compiles no path pattern with Python's `re` (pathspec is not even imported)."""
    scan = ("import json, sys\n"
            "from bot.cli import main\n"
            "main(['scan', '--diff', sys.argv[1], '--output', '/dev/null'])\n"
            "from policies.loader import unsaved_artefact\n"
            "from policies.schema import Policy\n"
            "print(json.dumps([unsaved_artefact() is None, 'yaml' in sys.modules,\n"
            "                  'pathspec' in sys.modules, Policy.__pydantic_complete__]))\n")
    _python(scan, str(EXAMPLE))
    read, yaml, pathspec, validated = json.loads(_python(scan, str(EXAMPLE)))
    assert (read, yaml, pathspec, validated) == (True, False, False, False)


def test_a_repository_policy_beside_the_artefact_is_still_validated(tmp_path: Path) -> None:
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github" / "modeltier.yml").write_text("areas:\n  auth:\n    paths: ['**/[z-a]']\n")
    _python("import sys\nfrom bot.cli import main\nmain(['scan', '--diff', sys.argv[1]])",
            str(EXAMPLE))  # leaves the artefact
    result = subprocess.run([sys.executable, "-m", "bot.cli", "scan", "--diff", str(EXAMPLE)],
                            cwd=tmp_path, capture_output=True, text=True, timeout=120,
                            check=False)
    assert result.returncode == 2
    assert ".github/modeltier.yml:3" in result.stderr and "areas.auth.paths[0]" in result.stderr
