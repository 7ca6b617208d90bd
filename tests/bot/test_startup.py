"""Start-up of `modeltier scan`: what a fresh interpreter pays for before it reads a diff.

Each test runs a real interpreter: what an import builds or pulls in is only visible in a fresh
process (bench/startup.py measures the time).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "billing-refund.diff"


def _python(code: str, *args: str) -> str:
    result = subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True,
                            text=True, timeout=120, check=True)
    return result.stdout


def _scan_imports(fmt: str) -> set[str]:
    """The modules a scan of the example with the bundled policy imported (its artefact made
    by a scan before)."""
    scan = ("import json, sys\n"
            "from bot.cli import main\n"
            "main(['scan', '--diff', sys.argv[1], '--format', sys.argv[2], '--output', "
            "'/dev/null'])\n"
            "print(json.dumps(sorted(sys.modules)))\n")
    _python(scan, str(EXAMPLE), fmt)
    return set(json.loads(_python(scan, str(EXAMPLE), fmt)))


@pytest.mark.parametrize("fmt", ["text", "json", "markdown", "sarif", "oneline"])
def test_a_scan_imports_only_what_it_uses(fmt: str) -> None:
    """Neither pydantic (the policy and the decision are plain data; pydantic validates policy
    files), nor YAML, nor a renderer the scan does not print with, nor the reader of a
    CODEOWNERS file (a diff alone gives none), nor hashlib (the bundled policy's artefact is
    found by Python's hash of sources, `policies.bundled`). The outline reader
    (`bot.analysis.enclosing`) is no longer among them: guard rules read the function a hunk
    shows as an unchanged line above a change, so a scan whose guard rules fire uses it (about
    2 ms to import, its patterns compiled lazily)."""
    modules = _scan_imports(fmt)
    renderers = {"text": "text", "oneline": "text", "json": "jsonout", "markdown": "markdown",
                 "sarif": "sarif"}
    wanted = f"bot.render.{renderers[fmt]}"
    assert wanted in modules
    assert not ({f"bot.render.{name}" for name in renderers.values()} - {wanted}) & modules
    assert not {m.partition(".")[0] for m in modules} & {"pydantic", "pydantic_core", "yaml",
                                                          "pathspec", "hashlib"}
    assert "bot.analysis.codeowners" not in modules  # a diff comes without a CODEOWNERS file


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_the_command_prints_its_whole_report_and_status_before_its_quick_exit(fmt: str) -> None:
    """`modeltier` (bot.cli.run) ends a scan without the interpreter's teardown: its report is
    whole, as `main` in a process that exits as usual prints it, and its status the scan's."""
    result = subprocess.run([sys.executable, "-m", "bot.cli", "scan", "--diff", str(EXAMPLE),
                             "--format", fmt], cwd=ROOT, capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 1  # critical, and no model declared
    in_process = subprocess.run(
        [sys.executable, "-c", "import sys\nfrom bot.cli import main\nmain(sys.argv[1:])",
         "scan", "--diff", str(EXAMPLE), "--format", fmt],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert result.stdout == in_process.stdout
    if fmt == "json":
        assert json.loads(result.stdout)["risk"] == "critical"


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
            "print(json.dumps([unsaved_artefact() is None, 'yaml' in sys.modules,\n"
            "                  'pathspec' in sys.modules, 'pydantic' in sys.modules]))\n")
    _python(scan, str(EXAMPLE))
    read, yaml, pathspec, validated = json.loads(_python(scan, str(EXAMPLE)))
    assert (read, yaml, pathspec, validated) == (True, False, False, False)


@pytest.mark.parametrize("fmt", ["text", "oneline", "json"])
def test_a_scan_imports_no_dataclasses(fmt: str) -> None:
    """A dataclass compiles the source of its methods when its class is defined (about 1 ms of
    a start each), and the dataclasses module imports `inspect` (with `ast`, `dis` and
    `tokenize`: about 6 ms of a start): the classes a scan defines are plain ones (`Plain` or
    `Slotted` data, or written out), and neither module is imported."""
    assert not _scan_imports(fmt) & {"dataclasses", "inspect"}


def test_a_scan_imports_no_shutil() -> None:
    """argparse's own help formatter imports shutil (and zlib, bz2, lzma: about 2 ms) to ask
    the terminal's width, for every argument it adds; the CLI's does not (`bot.cli`)."""
    assert not _scan_imports("text") & {"shutil", "bz2", "lzma"}


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


def test_a_scan_runs_without_the_cyclic_collector_and_restores_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a scan allocates lives until it returns: the collector would only rescan it."""
    import gc

    from bot import cli

    enabled: list[bool] = []
    scan = cli._cmd_scan

    def spy(args: Any) -> int:
        enabled.append(gc.isenabled())
        return scan(args)

    monkeypatch.setattr(cli, "_cmd_scan", spy)
    assert cli.main(["scan", "--diff", str(EXAMPLE), "--output", str(tmp_path / "out")]) in (0, 1)
    assert enabled == [False]
    assert gc.isenabled()


def test_no_module_of_the_analysis_or_the_renderers_compiles_a_pattern_at_import() -> None:
    """Their patterns compile when first used (`bot.analysis.lazyre`): a run pays only for those
    it uses, and a scan of a small diff uses few of them."""
    code = ("import json, re, sys\n"
            "compiled = []\n"
            "original = re.compile\n"
            "def spy(pattern, flags=0):\n"
            "    compiled.append(sys._getframe(1).f_globals.get('__name__', ''))\n"
            "    return original(pattern, flags)\n"
            "re.compile = spy\n"
            "import bot.analysis.decide, bot.analysis.enclosing, bot.render\n"
            "for name in bot.render.__all__:\n"
            "    getattr(bot.render, name)\n"
            "print(json.dumps(sorted({m for m in compiled if m.startswith('bot.')})))\n")
    assert json.loads(_python(code)) == []
