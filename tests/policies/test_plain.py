"""policies.plain: frozen plain data that behaves as a frozen, keyword-only dataclass."""

from __future__ import annotations

import pickle

import pytest

from policies.plain import FrozenInstanceError, Plain, field


class Part(Plain):
    """A part."""

    name: str
    tags: list[str] = field(default_factory=list, metadata={"description": "T."})
    size: int = 0


def test_defaults_and_factories_are_given_per_instance() -> None:
    one, two = Part(name="a"), Part(name="b")
    assert (one.tags, one.size) == ([], 0)
    assert one.tags is not two.tags
    assert Part._fields == ("name", "tags", "size")
    assert Part._metadata["tags"] == {"description": "T."}


@pytest.mark.parametrize("values", [{}, {"name": "a", "colour": "red"}], ids=["missing",
                                                                            "unknown"])
def test_error_when_a_field_is_missing_or_unknown(values: dict[str, object]) -> None:
    with pytest.raises(TypeError):
        Part(**values)  # type: ignore[arg-type]


def test_error_when_a_field_is_assigned() -> None:
    with pytest.raises(FrozenInstanceError):
        Part(name="a").name = "b"  # type: ignore[misc]


def test_compared_hashed_shown_and_replaced_by_fields() -> None:
    part = Part(name="a", size=2)
    assert part == Part(name="a", size=2) and part != Part(name="a")
    assert hash(Part(name="a", tags=())) == hash(Part(name="a", tags=()))  # type: ignore[arg-type]
    assert repr(part) == "Part(name='a', tags=[], size=2)"
    assert part.replace(size=3) == Part(name="a", size=3) and part.size == 2


def test_pickles() -> None:
    part = Part(name="a", tags=["x"])
    assert pickle.loads(pickle.dumps(part)) == part


class Assembly(Part):
    """A part made of parts: a subclass keeps its base's fields and adds its own."""

    parts: list[Part]
    size: int = 5  # a default redefined


def test_a_subclass_keeps_its_bases_fields_and_defaults() -> None:
    inner = Part(name="b")
    whole = Assembly(name="a", parts=[inner])
    assert Assembly._fields == ("name", "tags", "size", "parts")
    assert (whole.name, whole.tags, whole.size, whole.parts) == ("a", [], 5, [inner])
    assert Assembly._metadata["tags"] == {"description": "T."}
    assert Part(name="a").size == 0  # the base's default is its own
    with pytest.raises(TypeError):
        Assembly(name="a")  # type: ignore[call-arg]
