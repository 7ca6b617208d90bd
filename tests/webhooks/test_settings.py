"""Start-up settings: every problem at once, each naming its environment variable and what a valid
value looks like; the private key parsed at start-up and never echoed."""

from __future__ import annotations

import os

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from tests.fakegithub import FakeGitHub
from webhooks.settings import Settings, SettingsError, load_settings

SECRET = "It's a Secret to Everybody"
GARBAGE_KEY = "-----BEGIN RSA PRIVATE KEY-----\nTOPSECRETGARBAGE\n-----END RSA PRIVATE KEY-----\n"


@pytest.fixture(scope="module")
def pem() -> str:
    with FakeGitHub() as fake:
        return fake.app_private_key_pem


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path):
    """A clean MODELTIER_* environment; returns a setter."""
    for name in list(os.environ):
        if name.startswith("MODELTIER_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)

    def set_env(**values: str) -> None:
        for name, value in values.items():
            monkeypatch.setenv(f"MODELTIER_{name.upper()}", value)

    return set_env


def _problems(error: SettingsError) -> list[str]:
    text = str(error)
    assert text.startswith("invalid settings: ")
    return text.removeprefix("invalid settings: ").split("; ")


def test_error_lists_every_problem_at_once_naming_each_variable(env):
    env(github_app_id="abc", workers="0", log_level="loud", github_api_url="api.github.com")
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert _problems(caught.value) == [
        "MODELTIER_WEBHOOK_SECRET is not set (the webhook secret entered on the GitHub App)",
        "MODELTIER_GITHUB_APP_ID='abc': Input should be a valid integer, unable to parse string "
        "as an integer (the App's numeric id, e.g. 123456)",
        "MODELTIER_GITHUB_API_URL='api.github.com' is not a URL (https://api.github.com or "
        "https://HOST/api/v3 (GitHub Enterprise Server))",
        "MODELTIER_LOG_LEVEL='loud' is not a log level (DEBUG | INFO | WARNING | ERROR | CRITICAL)",
        "MODELTIER_WORKERS='0': Input should be greater than or equal to 1 (a whole number from 1 "
        "to 64)",
        # the checks across settings run even though fields were invalid
        "App mode needs both MODELTIER_GITHUB_APP_ID and a private key "
        "(MODELTIER_GITHUB_PRIVATE_KEY or MODELTIER_GITHUB_PRIVATE_KEY_FILE)",
    ]


def test_error_when_no_credentials_with_a_missing_secret(env):
    with pytest.raises(SettingsError) as caught:
        load_settings()
    problems = _problems(caught.value)
    assert problems[0].startswith("MODELTIER_WEBHOOK_SECRET is not set")
    assert problems[1].startswith("no GitHub credentials: set MODELTIER_GITHUB_APP_ID")
    assert len(problems) == 2


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("not a key at all TOPSECRETGARBAGE",
         "MODELTIER_GITHUB_PRIVATE_KEY is not a PEM private key: no -----BEGIN ... PRIVATE KEY----- "
         "line"),
        (GARBAGE_KEY, "MODELTIER_GITHUB_PRIVATE_KEY is not a readable unencrypted PEM private key"),
    ],
    ids=["not-pem", "pem-garbage"],
)
def test_error_when_private_key_is_garbage_never_echoes_it(env, key, message):
    env(webhook_secret=SECRET, github_app_id="123456", github_private_key=key)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert _problems(caught.value) == [
        f"{message} (the PEM text of a private key generated on the App's settings page)"]
    assert "TOPSECRETGARBAGE" not in str(caught.value)
    assert SECRET not in str(caught.value)


def test_error_when_private_key_is_not_rsa(env, tmp_path):
    key = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()).decode()
    path = tmp_path / "app.pem"
    path.write_text(key)
    env(webhook_secret=SECRET, github_app_id="123456", github_private_key_file=str(path))
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert _problems(caught.value) == [
        f"MODELTIER_GITHUB_PRIVATE_KEY_FILE {path} is not an RSA key, and GitHub App keys are "
        "(the path of the .pem file generated on the App's settings page)"]


def test_error_when_private_key_file_is_missing(env, tmp_path):
    env(webhook_secret=SECRET, github_app_id="123456",
        github_private_key_file=str(tmp_path / "absent.pem"), workers="lots")
    with pytest.raises(SettingsError) as caught:
        load_settings()
    problems = _problems(caught.value)
    assert problems[0].startswith("MODELTIER_WORKERS='lots': Input should be a valid integer")
    assert problems[1] == (f"MODELTIER_GITHUB_PRIVATE_KEY_FILE {tmp_path / 'absent.pem'} is not "
                           "a readable file (the path of the .pem file generated on the App's "
                           "settings page)")


def test_private_key_on_one_line_with_escaped_newlines_is_accepted(env, pem):
    env(webhook_secret=SECRET, github_app_id="123456",
        github_private_key=pem.strip().replace("\n", "\\n"))
    settings = load_settings()
    assert settings.private_key() == pem.strip()


def test_valid_app_settings_load(env, pem, tmp_path):
    path = tmp_path / "app.pem"
    path.write_text(pem)
    env(webhook_secret=SECRET, github_app_id="123456", github_private_key_file=str(path),
        log_level="debug")
    settings = load_settings()
    assert (settings.github_app_id, settings.log_level) == (123456, "DEBUG")
    assert settings.private_key() == pem
    assert settings.database_url == "sqlite:///modeltier.sqlite3"


def test_database_defaults_to_a_file_in_the_data_directory(tmp_path):
    settings = Settings(webhook_secret=SECRET, github_token="ghp_x", data_dir=tmp_path)
    assert settings.database_url == f"sqlite:///{tmp_path / 'modeltier.sqlite3'}"
    explicit = Settings(webhook_secret=SECRET, github_token="ghp_x", data_dir=tmp_path,
                        database_url="postgresql+psycopg://u@db/modeltier")
    assert explicit.database_url == "postgresql+psycopg://u@db/modeltier"


def test_the_analysis_time_limit_defaults_within_the_job_lease(tmp_path):
    base = {"webhook_secret": SECRET, "github_token": "ghp_x", "data_dir": tmp_path}
    assert Settings(**base).analysis_timeout() == 120
    assert Settings(**base, job_lease_seconds=60).analysis_timeout() == 30
    assert Settings(**base, analysis_timeout_seconds=10).analysis_timeout() == 10


def test_an_analysis_time_limit_past_the_job_lease_is_refused(env):
    env(webhook_secret=SECRET, github_token="ghp_x", analysis_timeout_seconds="300")
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert _problems(caught.value) == [
        "MODELTIER_ANALYSIS_TIMEOUT_SECONDS (300) must be less than MODELTIER_JOB_LEASE_SECONDS "
        "(300)"]
