"""`modeltier audit` and `modeltier db upgrade` never create a database nobody pointed them at, and
`db upgrade` says what it did."""

from __future__ import annotations

import os

import pytest

from bot.cli import main


@pytest.fixture
def workdir(monkeypatch: pytest.MonkeyPatch, tmp_path):
    for name in list(os.environ):
        if name.startswith("MODELTIER_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _run(capsys, *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


@pytest.mark.parametrize("command", [["audit"], ["db", "upgrade"]], ids=["audit", "db-upgrade"])
def test_error_when_default_database_does_not_exist(workdir, capsys, command):
    status, out, err = _run(capsys, *command)
    assert (status, out) == (2, "")
    assert err.startswith(f"modeltier: error: `modeltier {' '.join(command)}`: no database at "
                          f"sqlite:///modeltier.sqlite3 ({workdir / 'modeltier.sqlite3'} does "
                          "not exist; MODELTIER_DATABASE_URL is not set, so the default was used)")
    assert len(err.splitlines()) == 1
    assert list(workdir.iterdir()) == []


def test_error_when_audit_points_at_a_missing_file(workdir, capsys, monkeypatch):
    url = f"sqlite:///{workdir / 'elsewhere.sqlite3'}"
    monkeypatch.setenv("MODELTIER_DATABASE_URL", url)
    status, _, err = _run(capsys, "audit")
    assert status == 2
    assert f"no database at {url}" in err
    assert list(workdir.iterdir()) == []


def test_error_when_audit_finds_no_schema(workdir, capsys, monkeypatch):
    path = workdir / "empty.sqlite3"
    path.touch()
    monkeypatch.setenv("MODELTIER_DATABASE_URL", f"sqlite:///{path}")
    status, out, err = _run(capsys, "audit")
    assert (status, out) == (2, "")
    assert err == (f"modeltier: error: `modeltier audit`: sqlite:///{path} holds no modeltier "
                   "schema; point MODELTIER_DATABASE_URL at the service's database\n")


def test_db_upgrade_creates_then_reports_nothing_to_do(workdir, capsys, monkeypatch):
    url = f"sqlite:///{workdir / 'new.sqlite3'}"
    monkeypatch.setenv("MODELTIER_DATABASE_URL", url)
    assert _run(capsys, "db", "upgrade") == (
        0, f"created the modeltier schema (revision 0005) in {url}\n", "")
    assert _run(capsys, "db", "upgrade") == (
        0, f"{url} is already at the newest schema revision (0005): nothing to do\n", "")
    # and audit reads it (an empty history, from a database that exists)
    status, out, _ = _run(capsys, "audit", "--format", "json")
    assert (status, out) == (0, "[]\n")


def test_db_upgrade_uses_the_data_directory(workdir, capsys, monkeypatch):
    data = workdir / "data"
    data.mkdir()
    (data / "modeltier.sqlite3").touch()  # an existing (empty) file: migrating it is expected
    monkeypatch.setenv("MODELTIER_DATA_DIR", str(data))
    status, out, _ = _run(capsys, "db", "upgrade")
    assert status == 0
    assert out == f"created the modeltier schema (revision 0005) in sqlite:///{data}/modeltier.sqlite3\n"


def test_db_upgrade_hides_the_password(workdir, capsys, monkeypatch):
    from webhooks.commands import _shown

    assert _shown("postgresql+psycopg://app:hunter2@db:5432/modeltier") == (
        "postgresql+psycopg://app:***@db:5432/modeltier")
