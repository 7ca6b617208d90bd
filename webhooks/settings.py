"""Service settings, from the environment (prefix MODELTIER_), validated once at start-up.

Secrets have no default and are `SecretStr`, so they never show in a repr, a log line or an error.
"""

from __future__ import annotations

import functools
from pathlib import Path

from pydantic import Field, SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from policies.errors import ModelTierError

__all__ = ["Settings", "SettingsError", "get_settings", "load_settings"]

GITHUB_API = "https://api.github.com"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MODELTIER_", extra="ignore", frozen=True)

    webhook_secret: SecretStr
    github_app_id: int | None = None
    github_private_key: SecretStr | None = None
    github_private_key_file: Path | None = None
    github_token: SecretStr | None = None
    github_api_url: str = GITHUB_API
    database_url: str = "sqlite:///modeltier.sqlite3"
    broker_url: str | None = None
    log_level: str = "INFO"
    workers: int = Field(default=4, ge=1, le=64, description="In-process job threads.")
    job_lease_seconds: int = Field(default=300, ge=10)
    max_attempts: int = Field(default=5, ge=1)
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

    @model_validator(mode="after")
    def _credentials(self) -> Settings:
        if not self.webhook_secret.get_secret_value():
            raise ValueError("MODELTIER_WEBHOOK_SECRET must not be empty")
        if self.github_private_key and self.github_private_key_file:
            raise ValueError(
                "set MODELTIER_GITHUB_PRIVATE_KEY or MODELTIER_GITHUB_PRIVATE_KEY_FILE, not both"
            )
        has_key = bool(self.github_private_key or self.github_private_key_file)
        if has_key != (self.github_app_id is not None):
            raise ValueError(
                "App mode needs both MODELTIER_GITHUB_APP_ID and a private key "
                "(MODELTIER_GITHUB_PRIVATE_KEY or MODELTIER_GITHUB_PRIVATE_KEY_FILE)"
            )
        if not has_key and self.github_token is None:
            raise ValueError(
                "no GitHub credentials: set MODELTIER_GITHUB_APP_ID with a private key (App "
                "mode) or MODELTIER_GITHUB_TOKEN (token mode)"
            )
        if self.github_private_key_file and not self.github_private_key_file.is_file():
            raise ValueError(f"MODELTIER_GITHUB_PRIVATE_KEY_FILE {self.github_private_key_file} "
                             "is not a readable file")
        return self

    def private_key(self) -> str | None:
        if self.github_private_key is not None:
            return self.github_private_key.get_secret_value()
        if self.github_private_key_file is not None:
            return self.github_private_key_file.read_text(encoding="utf-8")
        return None

    def secrets(self) -> list[str]:
        """Every secret value, for the log redactor."""
        values = [self.webhook_secret, self.github_private_key, self.github_token]
        out = [v.get_secret_value() for v in values if v is not None]
        key = self.private_key()
        if key:
            out.append(key)
        return [v for v in out if len(v) >= 6]


@functools.cache
def get_settings() -> Settings:
    return Settings()


class SettingsError(ModelTierError):
    """The environment does not make a valid configuration (every problem, in one line)."""


def load_settings() -> Settings:
    """Settings from the environment, or a `SettingsError` naming each variable at fault."""
    try:
        return Settings()
    except ValidationError as e:
        problems = []
        for err in e.errors(include_url=False, include_input=False):
            field = ".".join(str(p) for p in err["loc"])
            where = f"MODELTIER_{field.upper()}: " if field else ""
            message = err["msg"].removeprefix("Value error, ")
            problems.append(f"{where}{message}")
        raise SettingsError("invalid settings: " + "; ".join(problems)) from None
