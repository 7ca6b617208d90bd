"""JSON output and its schema: the public contract, straight from the model."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from bot.analysis.models import SCHEMA_VERSION, Decision
from bot.render import decision_json_schema, render_json
from tests.bot.render._builders import AUTH_DIFF, MIXED_DIFF, decide_diff, hostile_decision


@pytest.mark.parametrize(
    "make",
    [
        lambda: decide_diff(AUTH_DIFF, ""),
        lambda: decide_diff(MIXED_DIFF, "Model: GPT-5.4"),
        hostile_decision,
    ],
)
def test_json_has_every_field_in_order(make: Callable[[], Decision]) -> None:
    d = make()
    out = render_json(d)
    data = json.loads(out)
    assert list(data) == list(Decision._fields)
    assert [item["id"] for item in data["areas"]] == [area.id for area in d.areas]
    assert data["signals"]["files"] == d.signals.files
    assert data["schema_version"] == SCHEMA_VERSION
    assert out.startswith('{\n  "schema_version"')


def test_schema_describes_every_field() -> None:
    schema = decision_json_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["type"] == "object"
    assert list(schema["properties"]) == list(Decision._fields)
    assert {"risk", "tier", "verdict", "fix", "areas"} <= set(schema["required"])
    json.dumps(schema)  # serialisable as it is


def test_schema_validates_real_output() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = decision_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    for d in (decide_diff(AUTH_DIFF, ""), hostile_decision()):
        jsonschema.validate(json.loads(render_json(d)), schema)
    bad = json.loads(render_json(decide_diff(AUTH_DIFF, "")))
    bad["verdict"] = "maybe"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)
