"""What a person at a terminal sees when something is off: nothing staged, a git failure, an
excluded path, a policy error, and the policy's JSON Schema for their editor."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from bot.cli import _git_reason, main
from bot.exitcodes import EXIT_BAD_INPUT, EXIT_BROKEN_PIPE, EXIT_OK
from policies.file_schema import policy_file_json_schema
from policies.loader import load_policy

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    def _run(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return _run


@pytest.fixture
def git_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for key in [k for k in os.environ if k.startswith("GIT_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    path = tmp_path / "repo"
    path.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=path, check=True)
    monkeypatch.chdir(path)
    return path


# --- scan --staged and git ---------------------------------------------------------------------


def test_nothing_staged_says_so(run, git_repo: Path) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run("scan", "--staged")
    assert (code, err) == (EXIT_OK, "")
    assert out == "modeltier: nothing staged (git diff --cached is empty): nothing to check\n"


def test_nothing_staged_with_enforce_does_not_block(run, git_repo: Path) -> None:  # type: ignore[no-untyped-def]
    assert run("scan", "--staged", "--enforce")[0] == EXIT_OK


def test_error_when_staged_outside_a_repository_shows_gits_fatal_line(  # type: ignore[no-untyped-def]
    run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    code, out, err = run("scan", "--staged")
    assert (code, out) == (EXIT_BAD_INPUT, "")
    assert err.startswith("modeltier: error: git rev-parse --git-dir failed: fatal: not a git "
                          "repository")
    assert "usage" not in err


def test_error_when_a_range_is_unknown_shows_gits_fatal_line(run, git_repo: Path) -> None:  # type: ignore[no-untyped-def]
    code, _, err = run("scan", "--git", "nope..HEAD")
    assert code == EXIT_BAD_INPUT
    assert "failed: fatal: ambiguous argument 'nope..HEAD'" in err
    assert err.count("\n") == 1, "one message"


@pytest.mark.parametrize(
    ("stderr", "reason"),
    [
        (b"fatal: bad revision 'x'\n", "fatal: bad revision 'x'"),
        (b"error: unknown option `cached'\nusage: git diff --no-index [<options>] <path> <path>\n"
         b"\n    --cached  compare\n", "error: unknown option `cached'"),
        (b"hint: something\nfatal: not a git repository\nhint: more\n",
         "fatal: not a git repository"),
        (b"warning: odd\nlast words\n", "last words"),
        (b"", "error"),
    ],
    ids=["fatal", "error-then-usage", "fatal-between-hints", "no-prefix", "empty"],
)
def test_git_reason_is_the_fatal_or_error_line(stderr: bytes, reason: str) -> None:
    assert _git_reason(stderr) == reason


# --- policy explain ----------------------------------------------------------------------------


def test_policy_explain_names_the_exclusion_pattern(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run("policy", "explain", "docs/auth/login.md")
    assert code == EXIT_OK
    excluded = [line for line in out.splitlines() if "path excluded" in line]
    assert excluded
    assert all(line.endswith("(exclude)") and "by '" in line for line in excluded), excluded


def test_policy_explain_names_an_areas_own_exclusion(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    policy = tmp_path / "p.yml"
    policy.write_text("areas:\n  auth:\n    exclude: ['legacy/**']\n", encoding="utf-8")
    code, out, _ = run("policy", "explain", "legacy/auth/login.py", "--policy", str(policy))
    assert code == EXIT_OK
    assert "  auth: path excluded by 'legacy/**' (areas.auth.exclude)" in out.splitlines()


# --- policy errors -----------------------------------------------------------------------------


def test_policy_errors_show_values_as_written_and_cross_references_at_once(  # type: ignore[no-untyped-def]
    run, tmp_path: Path
) -> None:
    policy = tmp_path / "p.yml"
    policy.write_text(
        "areas:\n  auth:\n    risk: routine\nmodels:\n  x: {name: X, tier: nope}\n"
        "enforcement:\n  require: {critical: ghost}\n  on_missing: maybe\n",
        encoding="utf-8",
    )
    code, out, err = run("policy", "validate", str(policy))
    assert (code, out) == (EXIT_BAD_INPUT, "")
    lines = err.removeprefix("modeltier: error: ").splitlines()
    name = str(policy)
    assert lines == [
        f"{name}:3:5: areas.auth.risk: Input should be 'critical' or 'elevated'",
        f"{name}:8:3: enforcement.on_missing: Input should be 'fail' or 'warn'",
        f"{name}:5:16: models.x.tier: unknown tier 'nope'",
        f"{name}:7:13: enforcement.require.critical: unknown tier 'ghost'",
    ]
    assert "<Risk." not in err


def test_a_bad_mapping_key_is_named_as_a_key(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    policy = tmp_path / "p.yml"
    policy.write_text("enforcement:\n  require: {bogus: premium}\n", encoding="utf-8")
    _, _, err = run("policy", "validate", str(policy))
    assert "enforcement.require.bogus: key 'bogus': Input should be 'routine', 'elevated' or " \
           "'critical'" in err
    assert "[key]" not in err


# --- policy schema -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = policy_file_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _as_json(data: object) -> object:
    """YAML as an editor's language server sees it (dates stay strings)."""
    return json.loads(json.dumps(data, default=str))


def test_policy_schema_prints_the_schema(run) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run("policy", "schema")
    assert (code, err) == (EXIT_OK, "")
    assert json.loads(out) == policy_file_json_schema()


def test_the_default_policy_and_the_readme_example_fit_the_schema(
    validator: jsonschema.Draft202012Validator,
) -> None:
    default = yaml.safe_load((ROOT / "policies" / "default.yml").read_text(encoding="utf-8"))
    assert list(validator.iter_errors(_as_json(default))) == []
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = readme.split("## Policy", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    assert list(validator.iter_errors(_as_json(yaml.safe_load(example)))) == []
    assert list(validator.iter_errors({"extends": "none", "comment": "never"})) == []


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ({"areas": {"auth": {"pathz": ["x/**"]}}}, "'pathz' was unexpected"),
        ({"areas": {"auth": {"risk": "routine"}}}, "'routine' is not one of"),
        ({"comment": "sometimes"}, "'sometimes' is not one of"),
        ({"extends": "other"}, "'other' is not one of"),
    ],
    ids=["unknown-field", "bad-risk", "bad-comment", "bad-extends"],
)
def test_the_schema_rejects_what_the_loader_rejects(
    validator: jsonschema.Draft202012Validator, data: dict[str, object], fragment: str
) -> None:
    messages = [e.message for e in validator.iter_errors(data)]
    assert any(fragment in m for m in messages), messages


def test_the_readme_shows_the_editor_schema_line() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "# yaml-language-server: $schema=" in readme
    assert "modeltier policy schema" in readme


def test_the_organisation_policy_examples_fit_the_schema_and_load(
    validator: jsonschema.Draft202012Validator,
) -> None:
    # docs/organisation-policy.md: locked, scopes, owners, repository words, title phrases,
    # enforcement.when/unless, request_review
    doc = (ROOT / "docs" / "organisation-policy.md").read_text(encoding="utf-8")
    examples = [block.split("```", 1)[0] for block in doc.split("```yaml\n")[1:]]
    assert len(examples) == 7
    for example in examples:
        data = yaml.safe_load(example)
        assert list(validator.iter_errors(_as_json(data))) == [], example
        load_policy(example)  # and the loader takes it
    assert list(validator.iter_errors({"scopes": [{"paths": ["a/**"], "colour": 1}]}))


# --- a reader that leaves early -----------------------------------------------------------------


def test_a_reader_that_leaves_early_gets_no_traceback(tmp_path: Path) -> None:
    """`modeltier policy show | head -1`: the reader has gone before the CLI writes (here it left
    before the start, so the write fails however small the output); the CLI stops quietly with
    SIGPIPE's status, as a Unix filter does, and writes nothing to stderr."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "bot.cli", "policy", "show"],
            cwd=tmp_path, stdout=write_end, stderr=subprocess.PIPE, timeout=60,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
    finally:
        os.close(write_end)
    assert (proc.returncode, proc.stderr.decode()) == (EXIT_BROKEN_PIPE, "")


@pytest.mark.parametrize("columns", ["60", "132", "", "not-a-number"])
def test_help_wraps_as_argparses_own_formatter_wraps_it(
    columns: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The CLI's formatter finds the width without importing shutil (bot.cli._HelpFormatter):
    the help is the same text argparse's own formatter, which asks shutil, makes of it."""
    import argparse

    from bot.cli import build_parser

    monkeypatch.setenv("COLUMNS", columns)
    parser = build_parser()
    [commands] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    for sub in (parser, commands.choices["scan"]):
        ours = sub.format_help()
        sub.formatter_class = argparse.HelpFormatter
        assert ours == sub.format_help()
