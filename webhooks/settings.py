"""Service settings, from the environment (prefix MODELTIER_), validated once at start-up.

Secrets have no default and are `SecretStr`, so they never show in a repr, a log line or an error.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import (
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from policies.errors import ModelTierError
from policies.model import Permission

__all__ = [
    "Settings",
    "SettingsError",
    "database_url_from_env",
    "get_settings",
    "github_web_url",
    "load_settings",
    "private_key_problem",
]

GITHUB_API = "https://api.github.com"
DATABASE_FILE = "modeltier.sqlite3"
DEFAULT_ANALYSIS_TIMEOUT = 120.0
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")

#: what a valid value of each setting looks like, appended to a problem with it
VALID: dict[str, str] = {
    "webhook_secret": "the webhook secret entered on the GitHub App",
    "github_app_id": "the App's numeric id, e.g. 123456",
    "github_private_key": "the PEM text of a private key generated on the App's settings page",
    "github_private_key_file": "the path of the .pem file generated on the App's settings page",
    "github_token": "a token with access to the repository, e.g. ghp_...",
    "github_api_url": "https://api.github.com or https://HOST/api/v3 (GitHub Enterprise Server)",
    "data_dir": "a writable directory, e.g. /data",
    "database_url": "sqlite:////data/modeltier.sqlite3 or postgresql+psycopg://user@host/db",
    "broker_url": "redis://HOST:6379/0",
    "host": "an address to listen on, e.g. 0.0.0.0 or 127.0.0.1",
    "port": "a port number from 1 to 65535, e.g. 8000",
    "log_level": " | ".join(LOG_LEVELS),
    "workers": "a whole number from 1 to 64",
    "job_lease_seconds": "a whole number of seconds, at least 10",
    "analysis_timeout_seconds": "seconds, more than 0 and less than job_lease_seconds, e.g. 120",
    "max_attempts": "a whole number, at least 1",
    "github_max_wait": "seconds, more than 0, e.g. 60",
    "broker_visibility_timeout": "a whole number of seconds, at least 5",
    "requeue_after_seconds": "seconds, at least 1",
    "reconcile_seconds": "seconds, 0 to turn the catch-up pass off",
    "reconcile_min_remaining": "a whole number, at least 0",
    "public_url": "where users reach this service, e.g. https://modeltier.example.com",
    "github_web_url": "https://github.com or https://HOST (GitHub Enterprise Server)",
    "github_client_id": "the App's client id (Iv1.... or Iv23...), from its settings page",
    "github_client_secret": "a client secret generated on the App's settings page",
    "session_secret": "a long random string, e.g. the output of: openssl rand -hex 32",
    "audit_permission": " | ".join(p.value for p in Permission),
    "audit_team": "ORGANISATION/TEAM-SLUG, e.g. acme/compliance",
    "audit_access_seconds": "seconds, at least 1, e.g. 300",
}
_SECRET_FIELDS = {"webhook_secret", "github_private_key", "github_token", "github_client_secret",
                  "session_secret"}
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


#: where /setup stores the App GitHub created (webhooks/setup.py), in the data directory
APP_FILE = "github-app.json"
KEY_FILE = "github-app.pem"
#: the settings that say which GitHub App (or token) this is
CREDENTIALS = ("webhook_secret", "github_app_id", "github_private_key", "github_private_key_file",
               "github_token")


def github_web_url(api_url: str) -> str:
    """github.com for api.github.com, https://HOST for a GitHub Enterprise Server's /api/v3."""
    api = api_url.rstrip("/")
    if api == GITHUB_API:
        return "https://github.com"
    return api.removesuffix("/api/v3")


def data_dir_from_env(environ: Mapping[str, str]) -> Path:
    return Path(environ.get("MODELTIER_DATA_DIR") or ".")


def read_stored_app(data_dir: Path) -> dict[str, Any] | None:
    """The App that /setup stored in `data_dir` (its id, slug, webhook secret...), or None."""
    try:
        data = json.loads((data_dir / APP_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as e:
        raise SettingsError(f"invalid settings: {data_dir / APP_FILE} cannot be read "
                            f"({type(e).__name__}); remove it to set the App up again") from None
    return data if isinstance(data, dict) else None


def unconfigured(environ: Mapping[str, str]) -> bool:
    """No credential is set and /setup stored none: `modeltier serve` offers /setup."""
    if any(environ.get(env_name(field)) for field in CREDENTIALS):
        return False
    return read_stored_app(data_dir_from_env(environ)) is None


class _StoredApp(PydanticBaseSettingsSource):
    """The App credentials /setup stored in the data directory; the environment wins."""

    def __call__(self) -> dict[str, Any]:
        data_dir = self.current_state.get("data_dir") or data_dir_from_env(os.environ)
        stored = read_stored_app(Path(data_dir))
        if stored is None:
            return {}
        values = {"github_app_id": stored["id"], "webhook_secret": stored["webhook_secret"],
                  "github_private_key_file": str(Path(data_dir) / KEY_FILE)}
        if stored.get("client_id") and stored.get("client_secret"):  # sign-in on /audit
            values.update(github_client_id=stored["client_id"],
                          github_client_secret=stored["client_secret"])
        return values

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False


def env_name(field: str) -> str:
    return f"MODELTIER_{field.upper()}"


def _plain(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, SecretStr):
        return value.get_secret_value()
    return str(value)


def _pem(text: str) -> str:
    """A key pasted into one environment line often carries literal `\\n`s: make them lines."""
    if "\\n" in text and "\n" not in text.strip():
        return text.replace("\\n", "\n")
    return text


def private_key_problem(pem: str) -> str | None:
    """Why `pem` is not a GitHub App private key (an RSA key in PEM), or None. The message never
    quotes the key."""
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    if "-----BEGIN" not in pem:
        return "is not a PEM private key: no -----BEGIN ... PRIVATE KEY----- line"
    try:
        key = load_pem_private_key(_pem(pem).encode(), password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        return "is not a readable unencrypted PEM private key"
    if not isinstance(key, RSAPrivateKey):
        return "is not an RSA key, and GitHub App keys are"
    return None


def _credential_problems(values: Mapping[str, Any]) -> list[str]:
    """Problems with the credentials, across settings; `values` by field name (typed or raw)."""
    secret = _plain(values.get("webhook_secret"))
    app_id = values.get("github_app_id")
    key = _plain(values.get("github_private_key"))
    key_file = _plain(values.get("github_private_key_file"))
    token = _plain(values.get("github_token"))
    problems = []
    if secret is not None and not secret:
        problems.append(f"{env_name('webhook_secret')} is empty ({VALID['webhook_secret']})")
    if key and key_file:
        problems.append("set MODELTIER_GITHUB_PRIVATE_KEY or MODELTIER_GITHUB_PRIVATE_KEY_FILE, "
                        "not both")
    has_key = bool(key or key_file)
    if has_key != (app_id is not None and app_id != ""):
        problems.append(
            "App mode needs both MODELTIER_GITHUB_APP_ID and a private key "
            "(MODELTIER_GITHUB_PRIVATE_KEY or MODELTIER_GITHUB_PRIVATE_KEY_FILE)"
        )
    if not has_key and not token and app_id in (None, ""):
        problems.append(
            "no GitHub credentials: set MODELTIER_GITHUB_APP_ID with a private key (App "
            "mode) or MODELTIER_GITHUB_TOKEN (token mode)"
        )
    if key and not key_file:
        problem = private_key_problem(key)
        if problem:
            problems.append(f"MODELTIER_GITHUB_PRIVATE_KEY {problem} "
                            f"({VALID['github_private_key']})")
    if key_file and not key:
        path = Path(key_file)
        try:
            text: str | None = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            text = None
        if text is None:
            problems.append(f"MODELTIER_GITHUB_PRIVATE_KEY_FILE {path} is not a readable file "
                            f"({VALID['github_private_key_file']})")
        else:
            problem = private_key_problem(text)
            if problem:
                problems.append(f"MODELTIER_GITHUB_PRIVATE_KEY_FILE {path} {problem} "
                                f"({VALID['github_private_key_file']})")
    return problems


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MODELTIER_", extra="ignore", frozen=True)

    webhook_secret: SecretStr
    github_app_id: int | None = None
    github_private_key: SecretStr | None = None
    github_private_key_file: Path | None = None
    github_token: SecretStr | None = None
    github_api_url: str = GITHUB_API
    data_dir: Path = Field(
        default=Path("."),
        description="Where the SQLite file (by default) and stored App credentials live.")
    database_url: str = Field(
        default="", validate_default=True,
        description=f"Default: sqlite:///<data_dir>/{DATABASE_FILE}.")
    broker_url: str | None = None
    host: str = Field(default="127.0.0.1", description="Address `modeltier serve` listens on.")
    port: int = Field(default=8000, ge=0, le=65535, description="Port of `modeltier serve`.")
    log_level: str = "INFO"
    workers: int = Field(default=4, ge=1, le=64, description="In-process job threads.")
    job_lease_seconds: int = Field(default=300, ge=10)
    max_attempts: int = Field(default=5, ge=1)
    analysis_timeout_seconds: float | None = Field(
        default=None, gt=0,
        description="A job's analysis runs in a child process killed after this long; the pull "
                    "request then gets a failing check that says so (default: 120 s, or half "
                    "the job lease if that is shorter).")
    github_max_wait: float = Field(default=60.0, gt=0, description="Longest rate-limit wait.")
    # Scale-out, with broker_url set (docs/running-at-scale.md)
    broker_visibility_timeout: int = Field(
        default=300, ge=5,
        description="Seconds after which a job taken by a worker that vanished is delivered again.")
    requeue_after_seconds: float = Field(
        default=120.0, ge=1,
        description="The reconciler re-enqueues jobs pending, or running past their lease, and "
                    "untouched this long.")
    reconcile_seconds: float = Field(
        default=300.0, ge=0,
        description="Period of the catch-up pass of `modeltier worker` (0: off).")
    reconcile_min_remaining: int = Field(
        default=500, ge=0,
        description="The catch-up pass stops when GitHub's remaining request budget is below this.")
    # The compliance page, /audit (webhooks/compliance)
    public_url: str | None = Field(
        default=None, description="Where browsers reach this service (default: the address "
        "the request used); the sign-in callback is <public_url>/audit/callback.")
    github_web_url: str | None = Field(
        default=None, description="GitHub's web address, where users sign in (default: derived "
        "from github_api_url).")
    github_client_id: str | None = None
    github_client_secret: SecretStr | None = None
    session_secret: SecretStr | None = Field(
        default=None, description="Signs the session cookie (default: derived from the webhook "
        "secret; set it so that rotating the webhook secret does not sign everyone out).")
    audit_permission: Permission = Field(
        default=Permission.WRITE, description="The least role on a repository that shows its "
        "decisions on /audit.")
    audit_team: str | None = Field(
        default=None, description="ORG/TEAM: its members see every repository on /audit.")
    audit_access_seconds: float = Field(
        default=300.0, ge=1, description="How long a user's permissions read from GitHub are "
        "trusted before they are read again.")

    @classmethod
    def settings_customise_sources(
        cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource, dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, _StoredApp(settings_cls))

    @field_validator("github_api_url", "broker_url", "public_url", "github_web_url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is not None and not _URL.match(value):
            raise ValueError("is not a URL")
        return value

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str, info: ValidationInfo) -> str:
        if not value:
            data_dir = info.data.get("data_dir", Path("."))
            if data_dir == Path("."):
                return f"sqlite:///{DATABASE_FILE}"
            return f"sqlite:///{data_dir / DATABASE_FILE}"
        if not _URL.match(value):
            raise ValueError("is not a database URL")
        return value

    @field_validator("audit_team")
    @classmethod
    def _team(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+", value):
            raise ValueError("is not ORGANISATION/TEAM-SLUG")
        return value

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        if value.upper() not in LOG_LEVELS:
            raise ValueError("is not a log level")
        return value.upper()

    @model_validator(mode="after")
    def _analysis_within_lease(self) -> Settings:
        """An analysis still running when its job's lease lapses would be run a second time by
        another worker: the limit must come first."""
        if (self.analysis_timeout_seconds is not None
                and self.analysis_timeout_seconds >= self.job_lease_seconds):
            raise ValueError(
                f"MODELTIER_ANALYSIS_TIMEOUT_SECONDS ({self.analysis_timeout_seconds:g}) must be "
                f"less than MODELTIER_JOB_LEASE_SECONDS ({self.job_lease_seconds})")
        return self

    @model_validator(mode="after")
    def _credentials(self) -> Settings:
        problems = _credential_problems(dict(self))
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def analysis_timeout(self) -> float:
        """The analysis time limit: the one set, else 120 s within the job lease."""
        if self.analysis_timeout_seconds is not None:
            return self.analysis_timeout_seconds
        return min(DEFAULT_ANALYSIS_TIMEOUT, self.job_lease_seconds / 2)

    def private_key(self) -> str | None:
        if self.github_private_key is not None:
            return _pem(self.github_private_key.get_secret_value())
        if self.github_private_key_file is not None:
            return _pem(self.github_private_key_file.read_text(encoding="utf-8"))
        return None

    def web_url(self) -> str:
        """GitHub's web address (sign-in pages), without a trailing slash."""
        return (self.github_web_url or github_web_url(self.github_api_url)).rstrip("/")

    def session_key(self) -> str:
        """The key that signs session cookies: the setting, else one derived from the webhook
        secret (so every process of a deployment agrees without another setting)."""
        if self.session_secret is not None:
            return self.session_secret.get_secret_value()
        return hmac.new(self.webhook_secret.get_secret_value().encode(),
                        b"modeltier session cookie", hashlib.sha256).hexdigest()

    def secrets(self) -> list[str]:
        """Every secret value, for the log redactor."""
        values = [self.webhook_secret, self.github_private_key, self.github_token,
                  self.github_client_secret, self.session_secret]
        out = [v.get_secret_value() for v in values if v is not None]
        key = self.private_key()
        if key:
            out.append(key)
        return [v for v in out if len(v) >= 6]


@functools.cache
def get_settings() -> Settings:
    return Settings()


class SettingsError(ModelTierError):
    """The environment does not make a valid configuration (every problem, in one line).
    `fields` names the settings at fault ("credentials" for the checks across them)."""

    def __init__(self, message: str, fields: frozenset[str] = frozenset()) -> None:
        super().__init__(message)
        self.fields = fields


def _field_problem(error: Mapping[str, Any]) -> str:
    """One pydantic error on a field as an operator reads it: the variable, what is wrong, what a
    valid value looks like. Secret values are never quoted."""
    field = ".".join(str(p) for p in error["loc"])
    name = env_name(field)
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "missing":
        text = f"{name} is not set"
    else:
        value = error.get("input")
        shown = field not in _SECRET_FIELDS and isinstance(value, str)
        subject = f"{name}={value!r}" if shown else name
        text = f"{subject} {message}" if message.startswith("is ") else f"{subject}: {message}"
    hint = VALID.get(field)
    return f"{text} ({hint})" if hint else text


def database_url_from_env(environ: Mapping[str, str]) -> tuple[str, bool]:
    """The database URL the service would use, and whether it was set explicitly (for the
    commands that must not create a database nobody pointed them at)."""
    url = environ.get(env_name("database_url"), "")
    if url:
        return url, True
    data_dir = environ.get(env_name("data_dir"), "")
    if data_dir and Path(data_dir) != Path("."):
        return f"sqlite:///{Path(data_dir) / DATABASE_FILE}", False
    return f"sqlite:///{DATABASE_FILE}", False


def load_settings() -> Settings:
    """Settings from the environment, or a `SettingsError` naming every variable at fault (all of
    them at once, each with what a valid value looks like)."""
    try:
        return Settings()
    except ValidationError as e:
        errors = e.errors(include_url=False)
        problems = []
        fields = set()
        for err in errors:
            if err["loc"]:
                problems.append(_field_problem(err))
                fields.add(".".join(str(p) for p in err["loc"]))
            else:  # the credential checks, which ran because every field was valid
                problems.append(str(err["msg"]).removeprefix("Value error, "))
                fields.add("credentials")
        if all(err["loc"] for err in errors):
            # A field was invalid, so the checks across fields did not run: run them on the raw
            # values, so that one start-up names every problem.
            raw = {**_StoredApp(Settings)(), **EnvSettingsSource(Settings)()}
            more = _credential_problems(raw)
            problems += more
            if more:
                fields.add("credentials")
        raise SettingsError("invalid settings: " + "; ".join(problems),
                            frozenset(fields)) from None
