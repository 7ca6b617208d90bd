"""policies.bundled and the loader's use of it: the bundled policy's artefact holds exactly what
validating policies/default.yml gives, is named by what it was made from, and a missing,
damaged or stale one only costs a validation."""

from __future__ import annotations

import typing
from collections.abc import Iterator
from pathlib import Path

import pytest
from pathspec.patterns.gitignore.basic import GitIgnoreBasicPattern
from pydantic import BaseModel

from policies import bundled, loader, model, schema
from policies.schema import PathList, runtime


@pytest.fixture
def artefacts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The loader's artefacts kept in a temporary folder, and read afresh."""
    monkeypatch.setattr(loader, "_artefact", lambda key: tmp_path / bundled.artefact_name(key))
    loader._bundled.cache_clear()
    yield tmp_path
    loader._bundled.cache_clear()


def _key() -> str:
    key = bundled.fingerprint(loader._default_text())
    assert key is not None
    return key


def test_the_artefact_holds_what_full_validation_of_default_yml_gives() -> None:
    """What a start reads is what validating the YAML as a repository's policy would give (every
    pattern compiled alone and together), and each translation is pathspec's own: so an edit of
    default.yml that the artefact would not reflect cannot pass."""
    source = loader._default_source()
    full = loader._validate(source.data, [source], trusted=False)
    made = bundled.decode(bundled.encode(bundled.Bundled.of(loader.validate_default())))
    assert made is not None
    assert made.policy == runtime(full)
    assert made.translations == {
        p: GitIgnoreBasicPattern.pattern_to_regex(p) for p in bundled.path_patterns(full)
    }


_LIST_CHECK = PathList.__metadata__[0]  # how pydantic's field info shows a PathList


def _path_lists(model: BaseModel) -> Iterator[list[str]]:
    """Every value of a PathList field, found through the schema's annotations."""
    for name, info in type(model).model_fields.items():
        value = getattr(model, name)
        if _LIST_CHECK in info.metadata or PathList in typing.get_args(info.annotation):
            yield value or []
            continue
        items = value.values() if isinstance(value, dict) else value
        for item in items if isinstance(value, (dict, list)) else [value]:
            if isinstance(item, BaseModel):
                yield from _path_lists(item)


def test_every_path_pattern_of_the_policy_is_translated() -> None:
    wanted = {p for patterns in _path_lists(loader.validate_default()) for p in patterns}
    assert len(wanted) > 100
    assert set(bundled.path_patterns(loader.default_policy())) == wanted


def _schema_classes() -> list[type[BaseModel]]:
    return [cls for cls in vars(schema).values()
            if isinstance(cls, type) and issubclass(cls, schema._Strict)
            and cls is not schema._Strict]


@pytest.mark.parametrize("cls", _schema_classes(), ids=lambda cls: cls.__name__)
def test_the_plain_policy_has_the_fields_of_the_schema(cls: type[BaseModel]) -> None:
    """Each model of the schema has its plain class (what the analysis reads), with the same
    fields in the same order: a field added to one only fails here, not in a review."""
    plain = getattr(model, cls.__name__)
    assert plain._fields == tuple(cls.model_fields)


def test_the_plain_policy_holds_what_validation_gave() -> None:
    validated = loader.validate_default()
    plain = runtime(validated)
    assert isinstance(plain, model.Policy) and isinstance(plain.areas["auth"], model.Area)
    assert model.as_data(plain) == validated.model_dump(mode="json")


@pytest.mark.parametrize(
    "edit", [b"\n# a comment\n", b"\nexclude: ['x/**']\n"], ids=["comment", "field"]
)
def test_an_edited_policy_names_another_artefact(edit: bytes) -> None:
    text = loader._default_text()
    assert bundled.fingerprint(text + edit) != bundled.fingerprint(text)
    assert bundled.fingerprint(text) == _key()


def test_a_start_without_an_artefact_validates_and_offers_one(artefacts: Path) -> None:
    policy = loader.default_policy()
    unsaved = loader.unsaved_artefact()
    assert unsaved is not None
    target, blob = unsaved
    assert target == artefacts / bundled.artefact_name(_key())
    stored = bundled.decode(blob)
    assert stored is not None and stored.policy == policy


def test_a_start_reads_the_artefact_of_this_policy(artefacts: Path) -> None:
    marked = loader.validate_default().model_copy(update={"comment": "never"})
    assert marked != loader.validate_default()
    (artefacts / bundled.artefact_name(_key())).write_bytes(
        bundled.encode(bundled.Bundled.of(marked))
    )
    assert loader.default_policy() == runtime(marked)  # read, not validated
    assert loader.unsaved_artefact() is None


def test_an_artefact_of_another_text_is_never_read(artefacts: Path) -> None:
    marked = loader.validate_default().model_copy(update={"comment": "never"})
    stale = bundled.fingerprint(loader._default_text() + b"\n# before an edit\n")
    assert stale is not None
    (artefacts / bundled.artefact_name(stale)).write_bytes(
        bundled.encode(bundled.Bundled.of(marked))
    )
    assert loader.default_policy() == runtime(loader.validate_default())
    assert loader.unsaved_artefact() is not None


@pytest.mark.parametrize("damage", [b"", b"not a pickle", b"\x80\x05N."], ids=["empty", "text",
                                                                             "None"])
def test_a_damaged_artefact_is_validated_again(artefacts: Path, damage: bytes) -> None:
    (artefacts / bundled.artefact_name(_key())).write_bytes(damage)
    assert loader.default_policy() == runtime(loader.validate_default())
    assert loader.unsaved_artefact() is not None


def test_the_default_is_the_same_policy_object_within_a_process() -> None:
    assert isinstance(loader.default_policy(), model.Policy)
    assert loader.load_policy(None) is loader.default_policy()


def test_an_install_without_sources_has_no_artefact(
    artefacts: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Bytecode alone cannot tell which sources an artefact was made by: such an install
    validates on every start rather than risk reading a stale one."""
    monkeypatch.setattr(bundled, "_SOURCES", ("no-such-module.py",))
    assert bundled.fingerprint(loader._default_text()) is None
    assert loader.default_policy() == runtime(loader.validate_default())
    assert loader.unsaved_artefact() is None
