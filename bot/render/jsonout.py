"""The decision as JSON, and the JSON Schema that describes it.

The JSON form is the public contract the CLI prints, the App stores and the Action reads (see
`bot.analysis.models`); it comes straight from the pydantic model so it can never drift from it. The
schema is generated on demand for the same reason: there is no copy to keep in step.
"""

from __future__ import annotations

from typing import Any

from bot.analysis.models import SCHEMA_VERSION, Decision

__all__ = ["JSON_SCHEMA_DIALECT", "decision_json_schema", "render_json"]

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def render_json(decision: Decision) -> str:
    """The Decision as indented JSON, exactly the contract's fields."""
    return decision.model_dump_json(indent=2)


def decision_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of `render_json`'s output, as pydantic derives it from
    the model, with the dialect and the contract's schema version stated."""
    schema = Decision.model_json_schema(mode="serialization")
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        **schema,
        "$comment": f"modeltier Decision, schema_version {SCHEMA_VERSION}",
    }
