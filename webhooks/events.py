"""Turn a verified delivery into the job it asks for (or into nothing, with the reason).

Small pydantic models read only the fields modeltier uses, so GitHub can add fields freely;
a payload without the fields its event needs is an EventError (HTTP 400). Event and action names
stay plain strings: GitHub's set is open.
"""

from __future__ import annotations

import datetime
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
)
from pydantic_core import from_json

from bot.render.checklist import tick_changes
from bot.render.markdown import MARKER
from policies.errors import ModelTierError

__all__ = ["HANDLED_EVENTS", "EventError", "Routing", "metric_event", "route", "route_json"]

HANDLED_EVENTS = frozenset({
    "ping", "pull_request", "pull_request_review", "issue_comment", "check_run", "check_suite",
    "merge_group",
    "installation", "installation_repositories",
})


def metric_event(event: str | None) -> str:
    """The event's name as a metric label: GitHub's set is open, a label's must not be."""
    return event if event in HANDLED_EVENTS else "other"


# What the database's columns hold, on PostgreSQL as on SQLite (which would store anything): a
# payload beyond them is a 400 that says so, never a failed insert, a 500 and a redelivery.
MAX_INT32 = 2**31 - 1  # sa.Integer: PR numbers
MAX_INT64 = 2**63 - 1  # sa.BigInteger: installation, comment and check run ids


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("contains a NUL character")  # PostgreSQL text cannot hold one
    return value


Name = Annotated[str, StringConstraints(max_length=255), AfterValidator(_no_nul)]
Short = Annotated[str, StringConstraints(max_length=64), AfterValidator(_no_nul)]
Number = Annotated[int, Field(ge=0, le=MAX_INT32)]
Id = Annotated[int, Field(ge=0, le=MAX_INT64)]

COMMAND_PREFIX = "/modeltier"
PR_ACTIONS = {
    "opened", "reopened", "synchronize", "ready_for_review", "edited", "labeled", "unlabeled",
}


class EventError(ModelTierError):
    """The payload lacks what its event needs."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore")


class _User(_Model):
    login: Name
    type: str = "User"


class _Repo(_Model):
    full_name: Name


class _Installation(_Model):
    id: Id


class _Ref(_Model):
    ref: str
    sha: Short


class _Label(_Model):
    name: str


class _PullRequest(_Model):
    number: Number
    head: _Ref
    base: _Ref
    title: str | None = ""
    body: str | None = ""
    labels: list[_Label] = []
    user: _User | None = None
    draft: bool | None = False
    changed_files: int | None = None
    state: str = "open"
    updated_at: str | None = None


class _PullRequestEvent(_Model):
    action: Short
    pull_request: _PullRequest
    repository: _Repo
    installation: _Installation | None = None
    sender: _User | None = None
    label: _Label | None = None


class _ReviewPullRequest(_Model):
    number: Number
    head: _Ref


class _ReviewEvent(_Model):
    action: Short
    pull_request: _ReviewPullRequest
    repository: _Repo
    installation: _Installation | None = None


#: a review's approval can settle a change declared as written without AI
REVIEW_ACTIONS = {"submitted", "dismissed", "edited"}


class _IssueRef(_Model):
    number: Number
    pull_request: dict[str, Any] | None = None


class _Comment(_Model):
    id: Id
    body: str | None = ""
    user: _User
    created_at: datetime.datetime | None = None


class _IssueCommentEvent(_Model):
    action: Short
    issue: _IssueRef
    comment: _Comment
    repository: _Repo
    installation: _Installation | None = None
    sender: _User | None = None


class _CheckPull(_Model):
    number: Number


class _CheckTarget(_Model):
    head_sha: Short
    name: str | None = None
    pull_requests: list[_CheckPull] = []


class _CheckEvent(_Model):
    action: Short
    repository: _Repo
    installation: _Installation | None = None
    check_run: _CheckTarget | None = None
    check_suite: _CheckTarget | None = None


class _MergeGroup(_Model):
    head_sha: Short
    base_sha: Short
    head_ref: str = ""
    base_ref: str = ""


class _MergeGroupEvent(_Model):
    action: Short
    merge_group: _MergeGroup
    repository: _Repo
    installation: _Installation | None = None


class _InstallationAccount(_Model):
    login: Name | None = None


class _InstallationFull(_Model):
    id: Id
    account: _InstallationAccount | None = None


class _RepoName(_Model):
    full_name: Name


class _InstallationEvent(_Model):
    action: Short
    installation: _InstallationFull
    repositories: list[_RepoName] | None = None
    repositories_added: list[_RepoName] | None = None
    repositories_removed: list[_RepoName] | None = None


class Routing(BaseModel):
    """What a delivery asks for: a job, an installation record, or nothing (and why)."""

    action: str | None = None
    repo: str | None = None
    job: dict[str, Any] | None = None
    installation: dict[str, Any] | None = None
    ignored: str | None = None


def _parse(model: type[_Model], payload: dict[str, Any], event: str) -> Any:
    try:
        return model.model_validate(payload)
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise EventError(f"{event} payload: {where}: {first['msg'].lower()}") from e


def _installation_id(value: _Installation | None) -> int | None:
    return value.id if value is not None else None


def _pull_request(event: _PullRequestEvent, override_label: str) -> Routing:
    pr = event.pull_request
    repo = event.repository.full_name
    base: dict[str, Any] = {"action": event.action, "repo": repo}
    if event.action not in PR_ACTIONS:
        return Routing(**base, ignored=f"pull_request.{event.action} is not handled")
    job: dict[str, Any] = {
        "kind": "evaluate", "repo": repo, "number": pr.number, "head_sha": pr.head.sha,
        "head_at": pr.updated_at, "installation_id": _installation_id(event.installation),
    }
    label = event.label.name if event.label else None
    sender = event.sender.login if event.sender and event.sender.type != "Bot" else None
    if event.action in ("labeled", "unlabeled") and label is not None:
        if event.action == "labeled" and label == override_label:
            if sender is None:
                return Routing(**base, ignored="override label added by a bot or no one")
            # the payload's head is the head the label was added on: the override binds to it
            job.update(kind="override", login=sender, via="label",
                       reason=f"label `{override_label}` added")
        elif label == override_label and sender is not None:
            job.update(kind="revoke", login=sender, via="label",
                       reason=f"label `{override_label}` removed")
        elif not (label.startswith("model:") or label == override_label):
            return Routing(**base, ignored=f"label {label!r} does not affect modeltier")
    return Routing(**base, job=job)


def _issue_comment(
    event: _IssueCommentEvent, override_command: str
) -> Routing:
    repo = event.repository.full_name
    base: dict[str, Any] = {"action": event.action, "repo": repo}
    if event.action not in ("created", "deleted"):
        return Routing(**base, ignored=f"issue_comment.{event.action} is not handled")
    if event.issue.pull_request is None:
        return Routing(**base, ignored="comment on an issue, not a pull request")
    comment = event.comment
    if comment.user.type == "Bot":
        return Routing(**base, ignored="comment by a bot")
    text = (comment.body or "").strip()
    first_line = text.splitlines()[0].strip() if text else ""
    job: dict[str, Any] = {
        "kind": "evaluate", "repo": repo, "number": event.issue.number,
        "installation_id": _installation_id(event.installation), "login": comment.user.login,
    }
    is_override = first_line == override_command or first_line.startswith(override_command + " ")
    if event.action == "deleted":
        if not is_override:
            return Routing(**base, ignored="a deleted comment that was no override")
        deleted_by = event.sender.login if event.sender is not None else comment.user.login
        job.update(kind="revoke", via="comment", comment_id=comment.id, login=deleted_by,
                   reason="override comment deleted")
        return Routing(**base, job=job)
    if first_line == f"{COMMAND_PREFIX} recheck":
        return Routing(**base, job=job)
    if is_override:
        # stored as text, which on PostgreSQL cannot hold a NUL
        reason = text[len(override_command):].strip().replace("\x00", "\ufffd")
        # the comment (its id: it grants once) and its time (it binds to the head then)
        job.update(kind="override", via="comment", reason=reason, comment_id=comment.id,
                   created_at=comment.created_at.isoformat() if comment.created_at else None)
        return Routing(**base, job=job)
    return Routing(**base, ignored="not a modeltier command")


class _BodyChange(_Model):
    from_: str = Field(alias="from")


class _CommentChanges(_Model):
    body: _BodyChange | None = None


class _CommentEditedEvent(_IssueCommentEvent):
    sender: _User
    changes: _CommentChanges | None = None


def _comment_edited(event: _CommentEditedEvent) -> Routing:
    """Boxes of the review checklist in modeltier's own comment ticked or unticked by a person:
    a job that records who did what and, in a required checklist, checks their role. Edits by
    bots (modeltier rewriting its comment) and of any other comment are nothing; the job
    checks that the comment is the one modeltier keeps, and not edited by its own token."""
    repo = event.repository.full_name
    base: dict[str, Any] = {"action": event.action, "repo": repo}
    comment, before = event.comment, event.changes.body if event.changes else None
    if event.issue.pull_request is None or MARKER not in (comment.body or ""):
        return Routing(**base, ignored="an edit of a comment that is not modeltier's")
    if event.sender.type == "Bot":
        return Routing(**base, ignored="modeltier's comment edited by a bot")
    changes = tick_changes(before.from_ if before else None, comment.body)
    if not changes:
        return Routing(**base, ignored="no box of the review checklist changed")
    return Routing(**base, job={
        "kind": "checklist", "repo": repo, "number": event.issue.number,
        "installation_id": _installation_id(event.installation), "login": event.sender.login,
        "comment_id": comment.id,
        "changes": [{"group": g, "item": i, "ticked": t} for (g, i), t in changes],
    })


def route(
    event: str,
    payload: Any,
    *,
    override_label: str = "modeltier:override",
    override_command: str = "/modeltier override",
) -> Routing:
    """Map (event, payload) to what should happen. Raises EventError on unusable payloads."""
    if not isinstance(payload, dict):
        raise EventError(f"{event} payload: not a JSON object")
    if event == "ping":
        return Routing(ignored="ping")
    if event == "pull_request":
        return _pull_request(_parse(_PullRequestEvent, payload, event), override_label)
    if event == "pull_request_review":
        review = _parse(_ReviewEvent, payload, event)
        repo = review.repository.full_name
        if review.action not in REVIEW_ACTIONS:
            return Routing(action=review.action, repo=repo,
                           ignored=f"pull_request_review.{review.action} is not handled")
        return Routing(action=review.action, repo=repo, job={
            "kind": "evaluate", "repo": repo, "number": review.pull_request.number,
            "head_sha": review.pull_request.head.sha,
            "installation_id": _installation_id(review.installation),
        })
    if event == "issue_comment":
        parsed = _parse(_IssueCommentEvent, payload, event)
        if parsed.action == "edited":
            return _comment_edited(_parse(_CommentEditedEvent, payload, event))
        return _issue_comment(parsed, override_command)
    if event in ("check_run", "check_suite"):
        parsed = _parse(_CheckEvent, payload, event)
        target = parsed.check_run if event == "check_run" else parsed.check_suite
        repo = parsed.repository.full_name
        wanted = {"check_run": {"rerequested"}, "check_suite": {"requested", "rerequested"}}
        if target is None:
            raise EventError(f"{event} payload: {event}: field required")
        if parsed.action not in wanted[event]:
            return Routing(action=parsed.action, repo=repo, ignored=f"{event}.{parsed.action}")
        if event == "check_run" and target.name not in (None, "modeltier"):
            return Routing(action=parsed.action, repo=repo, ignored="another app's check run")
        if not target.pull_requests:
            return Routing(action=parsed.action, repo=repo,
                           ignored="no pull request attached (a fork's push)")
        number = target.pull_requests[0].number
        return Routing(action=parsed.action, repo=repo, job={
            "kind": "evaluate", "repo": repo, "number": number,
            "installation_id": _installation_id(parsed.installation),
        })
    if event == "merge_group":
        parsed = _parse(_MergeGroupEvent, payload, event)
        repo = parsed.repository.full_name
        if parsed.action != "checks_requested":
            return Routing(action=parsed.action, repo=repo, ignored=f"merge_group.{parsed.action}")
        group = parsed.merge_group
        return Routing(action=parsed.action, repo=repo, job={
            "kind": "merge_group", "repo": repo, "number": 0, "head_sha": group.head_sha,
            "base_sha": group.base_sha, "base_ref": group.base_ref, "head_ref": group.head_ref,
            "installation_id": _installation_id(parsed.installation),
        })
    if event in ("installation", "installation_repositories"):
        parsed = _parse(_InstallationEvent, payload, event)
        record: dict[str, Any] = {
            "installation_id": parsed.installation.id,
            "account": parsed.installation.account.login if parsed.installation.account else None,
            "action": f"{event}.{parsed.action}",
        }
        if event == "installation":  # the whole list, when the action carries one
            if parsed.repositories is not None:
                record["repositories"] = [r.full_name for r in parsed.repositories]
        else:  # installation_repositories: a change to the list
            record["added"] = [r.full_name for r in parsed.repositories_added or []]
            record["removed"] = [r.full_name for r in parsed.repositories_removed or []]
        return Routing(action=parsed.action, installation=record)
    return Routing(ignored=f"event {event!r} is not handled")


def route_json(
    event: str,
    body: bytes,
    *,
    override_label: str = "modeltier:override",
    override_command: str = "/modeltier override",
) -> Routing:
    """`route` of a delivery's JSON body. A pull_request delivery (most of them) is read straight
    into its model: the parser skips what the model leaves out without building Python objects
    for it (half the CPU of parsing a 22 KB payload whole, then validating). Any other event,
    and a body that does not validate so, is parsed whole and routed by `route`, whose errors
    say what is wrong. Raises ValueError when the body is not JSON."""
    if event == "pull_request":
        try:
            parsed = _PullRequestEvent.model_validate_json(body)
        except ValidationError:
            pass
        else:
            return _pull_request(parsed, override_label)
    # pydantic's parser: json.loads's result, in two thirds of its time
    return route(event, from_json(body), override_label=override_label,
                 override_command=override_command)
