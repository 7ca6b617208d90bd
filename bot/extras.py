"""Which optional extra of the package a command needs, and one clear line when it is missing.

`pip install modeltier` carries the analysis core and the CLI only (all a pre-commit hook needs);
the GitHub client, the web service and the scale-out runtime come with extras. A command whose
extra is absent says which and how to install it, instead of a `ModuleNotFoundError` traceback.
"""

from __future__ import annotations

from importlib.util import find_spec

from policies.errors import ModelTierError

__all__ = ["EXTRAS", "MissingExtra", "missing", "needs_note", "require"]

#: the importable modules each extra brings (as `pyproject.toml` declares them)
EXTRAS: dict[str, tuple[str, ...]] = {
    "github": ("github",),
    "service": ("github", "fastapi", "uvicorn", "sqlalchemy", "alembic", "prometheus_client",
                "pydantic_settings", "pythonjsonlogger", "cryptography"),
    "postgres": ("psycopg",),
    "scale": ("celery", "redis", "psycopg"),
}


class MissingExtra(ModelTierError):
    """A command needs an optional extra that is not installed."""


def missing(extra: str) -> list[str]:
    """The modules of `extra` that cannot be imported here."""
    return [module for module in EXTRAS[extra] if find_spec(module) is None]


def needs_note(extra: str) -> str:
    """A command's help suffix when its extra is not installed, else nothing."""
    return f" (needs modeltier[{extra}])" if missing(extra) else ""


def require(extra: str, needed_by: str) -> None:
    """Raise `MissingExtra` naming the exact install command when `extra` is not installed."""
    absent = missing(extra)
    if absent:
        raise MissingExtra(
            f"{needed_by} needs modeltier[{extra}] ({', '.join(absent)} not installed); "
            f"install it with: pip install 'modeltier[{extra}]'"
        )
