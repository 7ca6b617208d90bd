"""Whether enforcement applies to a pull request: the policy's `enforcement.when` and `unless`
(`policies.schema.Condition`), each answer with the sentence that explains it.

What the caller does not know (the CLI has no author, base branch, labels or draft state) never
exempts a change: an unknown fact counts as meeting `when` and as not meeting `unless`.
"""

from __future__ import annotations

from collections.abc import Collection
from fnmatch import fnmatchcase

from bot.analysis.models import PullRequestInfo
from policies.model import Condition, Policy

__all__ = ["enforcement_exemption"]

#: (holds: True, False or None when not known; what the condition asks; what is so)
_Test = tuple[bool | None, str, str]


def _listed(items: Collection[str]) -> str:
    shown = [f"`{item}`" for item in items]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " or " + shown[-1]


def _one_of(value: str | None, items: list[str], *, fold: bool = True) -> bool | None:
    if value is None:
        return None
    if fold:
        return value.lower() in {item.lower() for item in items}
    return any(fnmatchcase(value, pattern) for pattern in items)


def _negated(value: bool | None) -> bool | None:
    return None if value is None else not value


def _tests(condition: Condition, pr: PullRequestInfo, areas: Collection[str]) -> list[_Test]:
    author, base = pr.author_login, pr.base_ref
    known = pr.base_ref is not None  # labels and draft state come with the pull request
    is_bot = None if author is None else author.lower().endswith("[bot]")
    labels = [label.lower() for label in pr.labels]
    has_label = {label.lower() for label in condition.labels} & set(labels)
    has_other = {label.lower() for label in condition.labels_not} & set(labels)
    touched = [a for a in condition.touches if a in areas]
    avoided = [a for a in condition.touches_not if a in areas]
    the_author = f"the author is `{author}`"
    the_base = f"the base branch is `{base}`"
    tests: list[_Test] = []
    if condition.author:
        tests.append((_one_of(author, condition.author),
                      f"the author is {_listed(condition.author)}", the_author))
    if condition.author_not:
        tests.append((_negated(_one_of(author, condition.author_not)),
                      f"the author is not {_listed(condition.author_not)}", the_author))
    if condition.bot is not None:
        tests.append((None if is_bot is None else is_bot == condition.bot,
                      f"the author is {'' if condition.bot else 'not '}a bot", the_author))
    if condition.base:
        tests.append((_one_of(base, condition.base, fold=False),
                      f"the base branch is {_listed(condition.base)}", the_base))
    if condition.base_not:
        tests.append((_negated(_one_of(base, condition.base_not, fold=False)),
                      f"the base branch is not {_listed(condition.base_not)}", the_base))
    if condition.labels:
        tests.append((bool(has_label) if known else None,
                      f"the pull request has the label {_listed(condition.labels)}",
                      "it has none of them"))
    if condition.labels_not:
        tests.append((not has_other if known else None,
                      f"the pull request has no label {_listed(condition.labels_not)}",
                      f"it has {_listed(sorted(has_other))}" if has_other else ""))
    if condition.draft is not None:
        tests.append((pr.draft == condition.draft if known else None,
                      f"the pull request is {'' if condition.draft else 'not '}a draft",
                      f"it is {'' if pr.draft else 'not '}a draft"))
    if condition.touches:
        tests.append((bool(touched), f"the change touches {_listed(condition.touches)}",
                      "it touches none of them"))
    if condition.touches_not:
        tests.append((not avoided, f"the change touches none of {_listed(condition.touches_not)}",
                      f"it touches {_listed(avoided)}" if avoided else ""))
    return tests


def enforcement_exemption(
    policy: Policy, pr: PullRequestInfo, areas: Collection[str]
) -> str | None:
    """Why enforcement does not apply to this pull request, or None when it does. `areas`: the
    ids of the areas the change touches."""
    when = policy.enforcement.when
    if when is not None:
        for holds, asked, actual in _tests(when, pr, areas):
            if holds is False:
                return f"`enforcement.when` enforces only where {asked}; {actual}"
    for index, condition in enumerate(policy.enforcement.unless):
        tests = _tests(condition, pr, areas)
        if tests and all(holds is True for holds, _, _ in tests):
            return f"`enforcement.unless[{index}]` exempts it: " + " and ".join(
                asked for _, asked, _ in tests)
    return None
