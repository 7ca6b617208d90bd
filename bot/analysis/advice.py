"""The fix text, written for the place the decision is read in.

Each place can act on different things: on GitHub with the App, a description line, a label, an
override comment or label; in the Action, a description line, a label and the override label (it
reads no comments); in a pre-commit hook or `scan --staged`, only the commit being made (a
trailer); in the CLI, whatever it was given (`--body`, `--labels`, commit messages). Advice never
names a way that the place does not read, and never asks anyone to declare a model that was not
used.
"""

from __future__ import annotations

from typing import Literal

from policies.model import Policy

__all__ = ["Place", "declare", "human_rejected_fix", "human_review_fix", "override", "weak_fix"]

#: where a decision is read: the App, the Action, a commit being made, the CLI
Place = Literal["app", "action", "commit", "cli"]


def _maintainer(policy: Policy) -> str:
    return f"someone with the {policy.enforcement.override.min_permission} role or higher"


def override(
    policy: Policy, place: Place, lead: str = "If this change is not what it seems,"
) -> str:
    """How a maintainer waives enforcement where the decision is read ('' where nobody can)."""
    rules = policy.enforcement.override
    who = _maintainer(policy)
    if place == "app":
        return (
            f" {lead} {who} can comment `{rules.command} <reason>` or add the label "
            f"`{rules.label}`."
        )
    if place == "action":
        return (
            f" {lead} {who} can add the label `{rules.label}` (the workflow must run on "
            "`labeled`)."
        )
    return ""


def _trailer(model: str) -> str:
    return f"`Assisted-by: <agent>:{model}`"


def declare(policy: Policy, required: str, place: Place) -> str:
    """How to declare the model that was used, in the ways the place reads."""
    model = policy.tiers[required].recommended
    name = policy.models[model].name
    label = f"{policy.evidence.label_prefix}{model}"
    if place == "commit":
        return (
            f"Add a trailer {_trailer(model)} to the commit message: "
            f"`git commit --trailer 'Assisted-by: <agent>:{model}'`."
        )
    if place == "cli":
        return (
            f"Declare it with a line `Model: {name}` in the PR description (`--body`), the label "
            f"`{label}` (`--labels`), or a commit trailer {_trailer(model)}."
        )
    return (
        f"Add a line `Model: {name}` to the PR description, the label `{label}`, or a commit "
        f"trailer {_trailer(model)}." + override(policy, place)
    )


def weak_fix(policy: Policy, required: str, floor: str, title: str, place: Place) -> str:
    """Evidence of a strong enough model, but weaker provenance than the policy asks."""
    model = policy.tiers[required].recommended
    kept = " kept in the merged commits" if place != "commit" else ""
    text = (
        f"Only evidence of provenance `{floor}` or stronger counts for the {title} tier: the "
        "trailer, commit author or footer the AI tool writes itself (e.g. "
        f"{_trailer(model)}{kept})"
    )
    if place == "commit":
        return text + "."
    return text + "; a description line or a label is not enough." + override(policy, place)


def human_review_fix(policy: Policy, reviewers: str, place: Place) -> str:
    """A change written without AI, which the policy accepts once the right person approves."""
    dont = "Do not declare a model that was not used."
    if place in ("commit", "cli"):  # no reviews here: what the pull request will need
        return (
            f"On the pull request this passes once {reviewers} approves it "
            f"(`enforcement.human_declaration: require_review`). {dont}"
        )
    rerun = " (the workflow must run on `pull_request_review`)" if place == "action" else ""
    return (
        f"{dont} Ask {reviewers} to review and approve the pull request{rerun}; the check "
        "passes with that approval."
    )


def human_rejected_fix(policy: Policy, required: str, accepted: str, place: Place) -> str:
    """A change written without AI, which the policy does not count as evidence."""
    text = (
        "Do not declare a model that was not used. This policy does not count a change written "
        "without AI as evidence (`enforcement.human_declaration: reject`): review the change "
        f"with {accepted} and "
    )
    if place == "commit":
        return text + f"add a trailer {_trailer(policy.tiers[required].recommended)}."
    if place == "cli":
        return text + f"declare that; on the pull request, {_maintainer(policy)} can override it."
    return text + "declare that." + override(policy, place, "Or")
