"""bot.extras and the CLI's service commands: a command whose optional extra is not installed
says which and how to install it (exit 2, one line), and `--help` lists every command."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import extras
from bot.cli import main
from bot.exitcodes import EXIT_BAD_INPUT

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def without(monkeypatch: pytest.MonkeyPatch):
    """Pretend an extra brings a module that is not installed here."""

    def _without(extra: str) -> None:
        monkeypatch.setitem(extras.EXTRAS, extra, (*extras.EXTRAS[extra], "modeltier_absent_mod"))

    return _without


def test_missing_names_only_modules_that_cannot_be_imported(without) -> None:
    assert extras.missing("service") == []
    without("service")
    assert extras.missing("service") == ["modeltier_absent_mod"]


@pytest.mark.parametrize(
    ("argv", "extra"),
    [
        (["serve"], "service"),
        (["audit"], "service"),
        (["db", "upgrade"], "service"),
        (["reconcile"], "service"),
        (["worker"], "scale"),
        (["action"], "github"),
    ],
    ids=["serve", "audit", "db", "reconcile", "worker", "action"],
)
def test_error_when_a_command_needs_an_extra_that_is_not_installed(
    argv, extra, without, capsys, tmp_path, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)
    without(extra)
    assert main(argv) == EXIT_BAD_INPUT
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1
    assert f"needs modeltier[{extra}]" in err
    assert f"pip install 'modeltier[{extra}]'" in err
    assert list(tmp_path.iterdir()) == []  # no database file was created on the way


def test_error_when_the_database_is_postgresql_and_its_driver_is_missing(
    without, capsys, monkeypatch, tmp_path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MODELTIER_DATABASE_URL", "postgresql+psycopg://user:pw@db.example/mt")
    without("postgres")
    assert main(["audit"]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert "pip install 'modeltier[postgres]'" in err
    assert "pw" not in err.replace("psycopg", "")  # the URL's password is not echoed


def test_help_lists_service_commands_and_marks_missing_extras(without, capsys) -> None:
    without("scale")
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for command in ("scan", "policy", "action", "serve", "audit", "db", "worker", "reconcile"):
        assert f"    {command}" in out, command
    assert "(needs modeltier[scale])" in out
    assert "(needs modeltier[service])" not in out
    assert "(needs modeltier[github])" not in out


def test_help_marks_the_action_when_pygithub_is_missing(without, capsys) -> None:
    without("github")
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "(needs modeltier[github])" in capsys.readouterr().out

