"""Parse one policy file: YAML with the position of every field, strictly (no aliases, no
duplicate keys, a bounded size and depth), every syntax problem located.

Its own module so that YAML is imported only when a policy file is read: a start that finds the
bundled policy's artefact (`policies.bundled`) never reads YAML.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from policies.errors import Loc, PolicyError, PolicyProblem

__all__ = ["MAX_POLICY_BYTES", "MAX_POLICY_DEPTH", "PolicySource", "parse_source"]

# libyaml's loader when present (about 20x faster: it runs in every CLI start), same nodes/marks.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_POLICY_BYTES = 512 * 1024
MAX_POLICY_DEPTH = 32


@dataclass(frozen=True)
class PolicySource:
    """One parsed policy file: its data and where each field of it stands."""

    name: str
    data: dict[str, Any]
    positions: dict[Loc, tuple[int, int]] = field(default_factory=dict)


def _positions(node: yaml.Node, loc: Loc, out: dict[Loc, tuple[int, int]]) -> None:
    out[loc] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node)
            _positions(value_node, (*loc, key), out)
            out[(*loc, key)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _positions(item, (*loc, index), out)


def _duplicate_keys(node: yaml.Node, name: str, out: list[PolicyProblem], loc: Loc = ()) -> None:
    """Every key written twice in one mapping: YAML keeps the last silently, which would let a
    second `paths:` further down hide the first from a reviewer."""
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node)
            if key in seen:
                mark = key_node.start_mark
                out.append(PolicyProblem.at(name, (*loc, key), "duplicate key (written more than "
                                            "once in the same mapping)",
                                            (mark.line + 1, mark.column + 1)))
            seen.add(key)
            _duplicate_keys(value_node, name, out, (*loc, key))
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _duplicate_keys(item, name, out, (*loc, index))


def _check_events(text: str, name: str, loader: Any) -> None:
    """Walk the YAML events (no tree is built, so no depth can exhaust the stack): nesting
    deeper than MAX_POLICY_DEPTH and aliases are PolicyErrors, syntax errors YAMLErrors."""
    depth = 0
    for event in yaml.parse(text, Loader=loader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_POLICY_DEPTH:
                mark = event.start_mark
                raise PolicyError(
                    [
                        PolicyProblem(
                            name, "", f"nested deeper than {MAX_POLICY_DEPTH} levels",
                            mark.line + 1 if mark else None, mark.column + 1 if mark else None,
                        )
                    ]
                )
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
        elif isinstance(event, yaml.AliasEvent):
            mark = event.start_mark
            raise PolicyError(
                [
                    PolicyProblem(
                        name, "", "YAML aliases are not allowed in a policy",
                        mark.line + 1 if mark else None, mark.column + 1 if mark else None,
                    )
                ]
            )


def _yaml_problem(name: str, text: str, error: yaml.YAMLError) -> PolicyProblem:
    if _Loader is not yaml.SafeLoader:
        # libyaml words its errors differently: let the pure parser explain, as documented.
        # Events only: composing a tree of what libyaml refused (its own depth limit, 1,000
        # flow levels) would recurse past Python's stack.
        try:
            _check_events(text, name, yaml.SafeLoader)
        except yaml.YAMLError as pure:
            error = pure
        except PolicyError as e:
            return e.problems[0]
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or str(error)
    return PolicyProblem(
        name, "", f"invalid YAML: {problem}",
        mark.line + 1 if mark else None, mark.column + 1 if mark else None,
    )


def parse_source(text: str | bytes, name: str) -> PolicySource:
    """Parse one policy file's text; syntax problems become a PolicyError naming the place.

    Anchors and aliases are refused: they let a few lines expand into an enormous document.
    """
    size = len(text) if isinstance(text, bytes) else len(text.encode("utf-8", "replace"))
    if size > MAX_POLICY_BYTES:
        raise PolicyError([PolicyProblem(name, "", f"larger than {MAX_POLICY_BYTES} bytes")])
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            raise PolicyError(
                [PolicyProblem(name, "", f"not UTF-8 text (byte {e.start})")]
            ) from e
    try:
        _check_events(text, name, _Loader)
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            try:
                data = loader.construct_document(node) if node is not None else None
            except ValueError as e:  # a well-formed scalar naming no value, e.g. 2026-02-30
                raise PolicyError([PolicyProblem(name, "", f"invalid YAML value: {e}")]) from e
        finally:
            loader.dispose()
    except yaml.YAMLError as e:
        raise PolicyError([_yaml_problem(name, text, e)]) from e
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise PolicyError([PolicyProblem(name, "", "a policy must be a YAML mapping", 1, 1)])
    positions: dict[Loc, tuple[int, int]] = {}
    if node is not None:
        duplicates: list[PolicyProblem] = []
        _duplicate_keys(node, name, duplicates)
        if duplicates:
            raise PolicyError(duplicates)
        _positions(node, (), positions)
    return PolicySource(name, data, positions)
