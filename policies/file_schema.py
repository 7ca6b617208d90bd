"""The JSON Schema of a policy file (`.github/modeltier.yml`), generated from the pydantic
models, for editors (a `# yaml-language-server: $schema=...` line gives completion and
validation) and for `modeltier policy schema`.

A repository file is an overlay of the default, not a whole policy: every field may be left to
the default, `extends: none` makes it complete, a mapping may say `replace: [field, ...]`, and a
content rule may be written as a bare pattern. The schema says so; what it cannot say (a tier
that exists, patterns RE2 compiles, the merged result) `modeltier policy validate` checks.
"""

from __future__ import annotations

import copy
from typing import Any

from policies.schema import Policy

__all__ = ["SCHEMA_ID", "policy_file_json_schema"]

SCHEMA_ID = "https://github.com/modeltier/modeltier/policy.schema.json"


def _relax(node: Any) -> None:
    """Every field optional (the default fills it in), and `replace` beside fields."""
    if isinstance(node, dict):
        node.pop("required", None)
        if node.get("type") == "object" and "properties" in node:
            node["properties"].setdefault(
                "replace",
                {
                    "type": "array",
                    "items": {"type": "string"},
                    "description": "Fields beside this one that replace the default's instead "
                    "of merging with it (lists append otherwise).",
                },
            )
        for value in node.values():
            _relax(value)
    elif isinstance(node, list):
        for value in node:
            _relax(value)


def policy_file_json_schema() -> dict[str, Any]:
    """A JSON Schema (draft 2020-12) of what a repository policy file may hold."""
    schema = copy.deepcopy(Policy.model_json_schema(mode="validation"))
    area = schema.get("$defs", {}).get("Area", {}).get("properties", {})
    if "content" in area:  # a rule may be a bare pattern string
        rule = area["content"]["items"]
        area["content"]["items"] = {"anyOf": [{"type": "string"}, rule]}
    _relax(schema)
    schema["properties"]["extends"] = {
        "enum": ["default", "none"],
        "default": "default",
        "description": "default: merge this file over the bundled policy; none: this file is "
        "the whole policy.",
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "modeltier policy file (.github/modeltier.yml)",
        **{k: v for k, v in schema.items() if k != "title"},
    }
