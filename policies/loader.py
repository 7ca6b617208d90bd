"""Read policy files: parse them (`policies.source`: YAML with positions), merge the layers
(the bundled default, then an organisation's policy from its `.github` repository, then a
repository's own), validate the result strictly and report every problem with its file, field
and line. Texts in, a policy out: reading the files is the caller's (the App reads them through
the GitHub port). The bundled policy comes ready-made from its artefact (`policies.bundled`)
when there is one.

Merge rules (each layer's `.github/modeltier.yml` over the ones below it):
- Mappings merge key by key, recursively: an area, tier, model or tool that the repository names
  is merged into the default one of the same id; a new id adds a new entry.
- Scalars replace. Lists append (without repeating an entry already there).
- `replace: [field, ...]` beside fields of a mapping makes those fields replace instead
  (e.g. `replace: [paths]` inside an area, or `replace: [exclude]` at the top).
- `enabled: false` turns an area off; it stays visible in `modeltier policy show`.
- `extends: none` at the top makes the file a complete policy on its own.
- Fields the organisation policy `locked` may be tightened, not weakened, by a repository's
  (`policies.locking` says what tightens, field by field).
"""

from __future__ import annotations

import contextlib
import copy
import functools
import re
from typing import TYPE_CHECKING, Any

from policies import bundled, literals, pathsets
from policies.errors import Loc, PolicyError, PolicyProblem
from policies.merging import merge
from policies.model import Policy, as_data
from policies.paths import remember
from policies.plain import Plain

if TYPE_CHECKING:
    # YAML and pydantic are imported only when a policy file is read and validated: never for
    # the bundled policy's artefact.
    from importlib.resources.abc import Traversable

    from pydantic import ValidationError

    from policies import schema
    from policies.source import PolicySource

__all__ = [
    "DEFAULT_POLICY_NAME",
    "ORGANISATION_POLICY_REPOSITORY",
    "REPOSITORY_POLICY_PATH",
    "REPOSITORY_POLICY_PATHS",
    "Layered",
    "default_policy",
    "load_layered",
    "load_policy",
    "merge",
    "unsaved_artefact",
    "validate_default",
]

DEFAULT_POLICY_NAME = "policies/default.yml"
REPOSITORY_POLICY_PATH = ".github/modeltier.yml"
# Where a repository may keep its policy, in the order they are looked for.
REPOSITORY_POLICY_PATHS = (REPOSITORY_POLICY_PATH, ".github/modeltier.yaml")
#: the organisation's repository whose default branch holds the organisation policy (at the same
#: paths): the layer between the bundled default and each repository's policy
ORGANISATION_POLICY_REPOSITORY = ".github"
def _strip_replace(data: Any, loc: Loc, problems: list[tuple[Loc, str]]) -> Any:
    """Drop `replace:` keys after merging, and check they are lists of field names."""
    if isinstance(data, dict):
        out = {}
        for key, value in data.items():
            if key == "replace":
                if not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
                    problems.append(((*loc, "replace"), "must be a list of field names"))
                else:
                    problems.extend(
                        ((*loc, "replace"), f"names {name!r}, which is not set beside it")
                        for name in value
                        if name not in data
                    )
                continue
            out[key] = _strip_replace(value, (*loc, key), problems)
        return out
    if isinstance(data, list):
        return [_strip_replace(item, (*loc, i), problems) for i, item in enumerate(data)]
    return data


def _locate(loc: Loc, sources: list[PolicySource]) -> tuple[str, tuple[int, int] | None]:
    """The file and position that best explain a merged field: the longest known prefix wins,
    and the repository file wins a tie, since it is the one a person just edited."""
    best: tuple[int, str, tuple[int, int] | None] = (-1, sources[-1].name, None)
    for source in reversed(sources):
        for length in range(len(loc), -1, -1):
            pos = source.positions.get(loc[:length])
            if pos is not None:
                if source is sources[-1] and any(isinstance(p, int) for p in loc[:length]):
                    # Merged lists are numbered like the repository's only where it wrote the
                    # list element (a `replace`d list): the default's element of that number
                    # is another one, however deep its known positions go.
                    return source.name, pos
                if length > best[0]:
                    best = (length, source.name, pos)
                break
    return best[1], best[2]


def _repository_loc(loc: Loc, merged: Any, written: Any) -> Loc:
    """A field of the merged policy, numbered as the repository wrote it: its items appended to
    a default list sit after the default's in the merged one (`exclude[112]` is the repository's
    `exclude[0]`). An item the repository did not write keeps its merged number."""
    out: list[str | int] = []
    for part in loc:
        if isinstance(part, int) and isinstance(merged, list) and 0 <= part < len(merged):
            item = merged[part]
            merged = item
            if isinstance(written, list):
                index = next((i for i, w in enumerate(written) if w == item), None)
                if index is not None:
                    out.append(index)
                    written = written[index]
                    continue
            written = None
            out.append(part)
            continue
        out.append(part)
        merged = merged.get(part) if isinstance(merged, dict) else None
        written = written.get(part) if isinstance(written, dict) else None
    return tuple(out)


# pydantic names an enum member by its repr ("<Risk.CRITICAL: 'critical'>"); a person wrote
# `critical`. A string, which `re` compiles (and keeps) when a validation error first needs it:
# compiled at import, it was 0.3 ms of every start.
_ENUM_REPR = r"<[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+: ('[^'>]*'|\"[^\">]*\"|[^>]*)>"


def _field_problems(error: ValidationError) -> list[tuple[Loc, str]]:
    """pydantic's errors as the policy's author reads them: values as written in YAML, and a
    bad mapping key named as a key."""
    out: list[tuple[Loc, str]] = []
    for item in error.errors(include_url=False):
        loc: Loc = tuple(item["loc"])
        message = re.sub(_ENUM_REPR, r"\1", item["msg"].removeprefix("Value error, "))
        if loc and loc[-1] == "[key]":
            loc = loc[:-1]
            message = f"key {str(loc[-1])!r}: {message}" if loc else message
        out.append((loc, message))
    return out


def _drop(data: Any, loc: Loc) -> Loc:
    """Remove the deepest mapping key on `loc` that exists (so a bad field, or the entry that
    misses one, takes its default or disappears); return what was removed."""
    node, path = data, []
    for part in loc:
        in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if not (in_list or (isinstance(node, dict) and part in node)):
            break
        path.append((node, part))
        node = node[part]
    for depth in range(len(path) - 1, -1, -1):
        container, key = path[depth]
        if isinstance(container, dict):
            del container[key]
            return tuple(k for _, k in path[: depth + 1])
    return ()


def _without_bad_fields(
    data: dict[str, Any], locs: list[Loc]
) -> tuple[schema.Policy | None, list[Loc]]:
    """The policy with every field that failed validation removed, if that leaves a valid one:
    so that its cross-references can be checked in the same pass (a few rounds, as removing a
    field can uncover another)."""
    from pydantic import ValidationError

    from policies.schema import Policy

    data = copy.deepcopy(data)
    removed: list[Loc] = []
    for _ in range(5):
        removed += [r for r in (_drop(data, loc) for loc in locs) if r]
        try:
            context = pathsets.context(data, trusted=False)
            return Policy.model_validate(data, context=context), removed
        except ValidationError as e:
            locs = [tuple(item["loc"]) for item in e.errors(include_url=False)]
    return None, removed


def _validate(
    data: dict[str, Any], sources: list[PolicySource], *, trusted: bool = False
) -> schema.Policy:
    """`trusted` only for the bundled policy: its patterns are not compiled one by one again
    (the test suite validates it in full)."""
    from pydantic import ValidationError

    from policies.locking import unknown_locks
    from policies.schema import Policy
    from policies.scopes import scope_problems

    raw_problems: list[tuple[Loc, str]] = []
    data = _strip_replace(data, (), raw_problems)
    data.pop("extends", None)
    policy: Policy | None = None
    try:
        policy = Policy.model_validate(data, context=pathsets.context(data, trusted=trusted))
    except ValidationError as e:
        fields = _field_problems(e)
        raw_problems += fields
        # All errors at once: the cross-references (an unknown tier, a model not in the
        # catalog) of what is valid are reported with the field errors, not after their fix.
        partial, removed = _without_bad_fields(data, [loc for loc, _ in fields])
        targets_removed = any(r and r[0] in ("tiers", "models") for r in removed)
        if partial is not None:
            found = ([] if targets_removed else partial.reference_problems())
            found += partial.pattern_problems()
            reported = {loc for loc, _ in raw_problems}
            raw_problems += [
                (loc, message) for loc, message in found
                if not any(loc[: len(r)] == r for r in removed) and loc not in reported
            ]
    if policy is not None:
        raw_problems += policy.reference_problems() + scope_problems(policy)
        if policy.locked:
            raw_problems += unknown_locks(policy.model_dump(mode="json"), policy.locked)
        if not trusted:
            raw_problems += policy.pattern_problems()
    if raw_problems:
        problems = []
        for loc, message in raw_problems:
            if len(sources) > 1:
                loc = _repository_loc(loc, data, sources[-1].data)
            name, pos = _locate(loc, sources)
            problems.append(PolicyProblem.at(name, loc, message, pos))
        raise PolicyError(problems)
    assert policy is not None
    return policy


def _default_text() -> bytes:
    return bundled.package_files().joinpath("default.yml").read_bytes()


@functools.cache
def _default_source() -> PolicySource:
    from policies.source import parse_source

    return parse_source(_default_text(), DEFAULT_POLICY_NAME)


def _artefact(key: str) -> Traversable:
    folder = bundled.package_files().joinpath(bundled.ARTEFACT_FOLDER)
    return folder.joinpath(bundled.artefact_name(key))


def validate_default() -> schema.Policy:
    """The bundled policy validated from its YAML, its patterns not compiled one by one (the
    test suite validates it in full): what its artefact holds."""
    source = _default_source()
    return _validate(source.data, [source], trusted=True)


@functools.cache
def _bundled() -> tuple[bundled.Bundled, str | None, bytes | None]:
    """The bundled policy from its artefact when there is one for this default.yml, else
    validated; with the artefact's key (None: it can have none), and its bytes when it was
    made here (to be kept)."""
    key = bundled.fingerprint(_default_text())
    found = None
    if key is not None:
        with contextlib.suppress(OSError):  # none yet (or unreadable): validate
            found = bundled.decode(_artefact(key).read_bytes())
    made = found or bundled.Bundled.of(validate_default())
    remember(made.translations)
    literals.remember(made.alternatives)
    return made, key, None if found or key is None else bundled.encode(made)


def default_policy() -> Policy:
    """The bundled policy, read from its artefact or validated once per process (its schema
    and references; its patterns are compiled where they are used)."""
    return _bundled()[0].policy


def unsaved_artefact() -> tuple[Traversable, bytes] | None:
    """Where the bundled policy's artefact goes and its bytes, when this process had to
    validate the policy because there was none: the entry point keeps it for the next start."""
    _, key, blob = _bundled()
    return None if key is None or blob is None else (_artefact(key), blob)


@functools.cache
def _default_data() -> dict[str, Any]:
    """The default policy as data with every schema default spelled out, so that a repository's
    list appends to a built-in one even where default.yml leaves it implicit (`evidence.*`)."""
    data: dict[str, Any] = as_data(default_policy())
    return data


def _over(
    source: PolicySource, below: list[PolicySource], below_data: dict[str, Any]
) -> schema.Policy:
    """A policy file merged over the layers below it (or alone, with `extends: none`)."""
    extends = source.data.get("extends", "default")
    if extends not in ("default", "none"):
        pos = source.positions.get(("extends",))
        raise PolicyError(
            [PolicyProblem.at(source.name, ("extends",), "must be 'default' or 'none'", pos)]
        )
    if extends == "none":
        return _validate(source.data, [source])
    sets = pathsets.context(merge({"path_sets": below_data.get("path_sets", {})},
                                  {"path_sets": source.data.get("path_sets", {})}),
                            trusted=False)["path_sets"]
    overlay = pathsets.expanded_lists(source.data, sets)
    return _validate(merge(below_data, overlay), [*below, source])


def load_policy(text: str | bytes | None, name: str = REPOSITORY_POLICY_PATH) -> Policy:
    """The effective policy for a repository: its file merged over the default.

    `None` (no file) gives the default policy. Raises PolicyError with every problem found.
    """
    if text is None:
        return default_policy()
    from policies.schema import runtime
    from policies.source import parse_source

    return runtime(_over(parse_source(text, name), [_default_source()], _default_data()))


class Layered(Plain):
    """The effective policy of a repository under an organisation policy, with every problem
    found on the way; `organisation`/`repository`: whether that layer is part of it."""

    policy: Policy
    problems: list[PolicyProblem]
    organisation: bool = False
    repository: bool = False


def _enforce_locks(
    org: schema.Policy, org_data: dict[str, Any], policy: schema.Policy, source: PolicySource
) -> tuple[schema.Policy, list[PolicyProblem]]:
    """The repository's policy with every locked field it weakened set back to the
    organisation's value, and a problem naming each (`policies.locking`)."""
    from policies.locking import restore, scope_weakenings, weakenings
    from policies.schema import Policy

    data = policy.model_dump(mode="json")
    weak = weakenings(org_data, data, org.locked)
    data = restore(data, org_data, [w.loc for w in weak])
    data, in_scopes = scope_weakenings(org_data, data, org.locked)
    weak += in_scopes
    locked = list(dict.fromkeys([*org.locked, *policy.locked]))
    if not weak and locked == policy.locked:
        return policy, []
    data["locked"] = locked
    problems = []
    for item in weak:
        pos = next((source.positions[item.loc[:n]] for n in range(len(item.loc), 0, -1)
                    if item.loc[:n] in source.positions), None)
        problems.append(PolicyProblem.at(
            source.name, item.loc, f"locked by the organisation policy: {item.message}; the "
            "organisation's value applies", pos))
    # Every value here was validated in one of the two layers: no pattern is new.
    return Policy.model_validate(data, context=pathsets.context(data, trusted=True)), problems


def load_layered(
    repository: tuple[str | bytes, str] | None = None,
    organisation: tuple[str | bytes, str] | None = None,
) -> Layered:
    """default <- organisation policy <- repository policy, each a (text, file name) or None.

    Never raises for what the files say: a broken organisation policy leaves the default (with
    its errors), a broken repository policy leaves the layers below it (with its errors), and a
    locked field the repository weakens keeps the organisation's value (with an error each).
    """
    from policies.schema import runtime
    from policies.source import parse_source

    problems: list[PolicyProblem] = []
    below, below_data, base = [_default_source()], _default_data(), default_policy()
    org: schema.Policy | None = None
    if organisation is not None:
        try:
            org_source = parse_source(*organisation)
            org = _over(org_source, below, below_data)
        except PolicyError as e:
            problems += e.problems
        else:
            below, below_data = [*below, org_source], org.model_dump(mode="json")
            base = runtime(org)
    if repository is None:
        return Layered(policy=base, problems=problems, organisation=org is not None)
    try:
        source = parse_source(*repository)
        policy = _over(source, below, below_data)
    except PolicyError as e:
        return Layered(policy=base, problems=problems + e.problems,
                       organisation=org is not None)
    if org is not None and org.locked:
        policy, weakened = _enforce_locks(org, below_data, policy, source)
        problems += weakened
    return Layered(policy=runtime(policy), problems=problems, organisation=org is not None,
                   repository=True)
