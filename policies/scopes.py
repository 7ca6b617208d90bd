"""A policy's scopes as whole policies: the root policy with each scope's `areas` and
`enforcement` merged over it (the merge rules of every policy layer, `policies.merging`).

A scope's policy is built once per policy object and checked when the policy is loaded, so an
error in a scope is reported with the file's other errors, never found in the middle of a
review. Only what the scope adds is compiled again: the root's patterns were checked with it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from policies import pathsets
from policies.merging import merge
from policies.model import Policy, Scope, as_data, compile_paths, compile_pattern

if TYPE_CHECKING:  # pydantic only where a scope's policy is validated: a policy with scopes
    from policies import schema

__all__ = ["scope_problems", "scoped_policies"]

Loc = tuple[str | int, ...]

_CACHE_SIZE = 16
_cache: dict[int, tuple[Policy, tuple[tuple[Scope, Policy], ...]]] = {}


def _scope_policy(data: dict[str, Any], scope: Scope | schema.Scope) -> schema.Policy:
    """The policy (as data, with every field) with the scope's `areas` and `enforcement`
    merged over it, validated."""
    from policies.schema import Policy as Schema

    data = {key: value for key, value in data.items()
            if key not in ("scopes", "locked", "request_review")}
    overlay: dict[str, Any] = {}
    if scope.areas:
        overlay["areas"] = scope.areas
    if scope.enforcement:
        overlay["enforcement"] = scope.enforcement
    merged = merge(data, overlay)
    return Schema.model_validate(merged, context=pathsets.context(merged, trusted=True))


def scoped_policies(policy: Policy) -> tuple[tuple[Scope, Policy], ...]:
    """Each scope with the policy its files are judged by (in the policy's order). Raises
    pydantic's ValidationError for a scope that does not make a valid policy: the loader
    reports that (`scope_problems`) before any policy is in use."""
    hit = _cache.get(id(policy))
    if hit is not None and hit[0] is policy:
        return hit[1]
    scoped: tuple[tuple[Scope, Policy], ...] = ()
    if policy.scopes:
        from policies.schema import runtime

        data = as_data(policy)
        scoped = tuple((scope, runtime(_scope_policy(data, scope))) for scope in policy.scopes)
    if len(_cache) >= _CACHE_SIZE:
        _cache.pop(next(iter(_cache)))
    _cache[id(policy)] = (policy, scoped)
    return scoped


def _added_patterns(index: int, scope: schema.Scope) -> list[tuple[Loc, str]]:
    """The path and content patterns a scope adds, each compiled on its own (the merged policy
    is validated as trusted: the root's hundreds of patterns are not compiled again)."""
    problems: list[tuple[Loc, str]] = []
    for area_id, fields in scope.areas.items():
        loc: Loc = ("scopes", index, "areas", area_id)
        for key in ("paths", "exclude"):
            for j, pattern in enumerate(fields.get(key) or ()):
                try:
                    compile_paths([str(pattern)])
                except ValueError as e:
                    problems.append(((*loc, key, j), str(e)))
        for j, rule in enumerate(fields.get("content") or ()):
            pattern = rule.get("pattern") if isinstance(rule, dict) else rule
            if isinstance(pattern, str):
                try:
                    compile_pattern(pattern)
                except ValueError as e:
                    problems.append(((*loc, "content", j), str(e)))
    return problems


def scope_problems(policy: schema.Policy) -> list[tuple[Loc, str]]:
    """Every problem of the policy's scopes, located under `scopes[i]`."""
    from pydantic import ValidationError

    problems: list[tuple[Loc, str]] = []
    data = policy.model_dump(mode="json") if policy.scopes else {}
    reported = set(policy.reference_problems()) if policy.scopes else set()
    for index, scope in enumerate(policy.scopes):
        problems += _added_patterns(index, scope)
        try:
            scoped = _scope_policy(data, scope)
        except ValidationError as e:
            for item in e.errors(include_url=False):
                problems.append(
                    (("scopes", index, *item["loc"]), item["msg"].removeprefix("Value error, "))
                )
            continue
        problems += [(("scopes", index, *loc), message)  # the root's own are reported at root
                     for loc, message in scoped.reference_problems() + scoped.pattern_problems()
                     if (loc, message) not in reported]
    return problems
