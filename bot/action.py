"""`modeltier action`: one GitHub Actions step, no server.

Pure wiring at the edge: the standard Actions environment (`GITHUB_*`) and the action's inputs
(`INPUT_*`, or flags) in; then the same `GitHubPort`, review and renderers the App uses; out go
the sticky PR comment, the job summary, workflow-command annotations, step outputs, an optional
SARIF file and the exit status, which makes the job itself the check:

    0  pass, advisory, or enforcement off (`enforce: false`)
    1  enforcement failed
    2  bad input: missing or unreadable environment, an event this step does not handle, or
       GitHub could not be read (never a silent pass)

A broken base-branch policy is not bad input: like the App, the default policy applies and the
errors are shown (summary, comment and `::error` annotations).

`pull_request` runs from a fork get a read-only token: the decision still goes to the summary,
annotations and outputs, and a `::notice::` says why there is no comment. `pull_request_target`
runs have a writable token and are commented on even for forks; this step reads the PR through
the API only and never checks out or runs its code, so that is safe.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import json
import os
import sys
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from bot import review
from bot.analysis.models import Decision, Risk
from bot.exitcodes import EXIT_BAD_INPUT, EXIT_ENFORCEMENT, EXIT_OK
from bot.github.port import WORKFLOW_BOT_LOGIN, GitHubError, GitHubPort, PullRequestData
from bot.github.pygithub import connect
from bot.render.checklist import tick_boxes
from bot.render.markdown import MARKER
from bot.render.sarif import head_line, render_sarif_json
from bot.render.text import render_oneline
from policies.errors import ModelTierError
from policies.loader import REPOSITORY_POLICY_PATH
from policies.model import Policy

__all__ = [
    "ACTIONS_BOT_LOGIN",
    "ActionError",
    "Inputs",
    "Report",
    "annotation_commands",
    "escape_data",
    "escape_property",
    "output_file_text",
    "read_inputs",
    "run",
    "workflow_command",
]

ACTIONS_BOT_LOGIN = WORKFLOW_BOT_LOGIN
DEFAULT_API_URL = "https://api.github.com"
#: pull_request_review: an approval can settle a change declared as written without AI
PULL_REQUEST_EVENTS = ("pull_request", "pull_request_target", "pull_request_review")
#: runs that get a read-only token on a fork's pull request
_FORK_READ_ONLY = ("pull_request", "pull_request_review")
MERGE_GROUP_EVENT = "merge_group"
# GitHub shows at most 10 error and 10 warning annotations per step; the rest are in the summary.
MAX_ANNOTATIONS_PER_LEVEL = 10
_TRUE = ("true", "True", "TRUE")
_FALSE = ("false", "False", "FALSE")


class ActionError(ModelTierError):
    """The step cannot run: its environment, inputs or event are missing or unusable."""


# --- workflow commands (pure) ---------------------------------------------------------------


def escape_data(value: str) -> str:
    """A workflow command's message: `%`, CR and LF escaped (GitHub's toolkit `escapeData`)."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """A workflow command's property value: as `escape_data`, plus `:` and `,`."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def workflow_command(name: str, message: str, **properties: str | int | None) -> str:
    """`::name key=value,...::message`, escaped, properties in the given order, None left out."""
    props = ",".join(
        f"{key}={escape_property(str(value))}"
        for key, value in properties.items()
        if value is not None and value != ""
    )
    return f"::{name}{' ' + props if props else ''}::{escape_data(message)}"


def output_file_text(outputs: Mapping[str, str], delimiter: str | None = None) -> str:
    """Step outputs in `$GITHUB_OUTPUT`'s multi-line-safe form: `name<<DELIM`, value, `DELIM`."""
    delimiter = delimiter or f"ghadelimiter_{uuid.uuid4()}"
    lines = []
    for name, value in outputs.items():
        if delimiter in name or delimiter in value:
            raise ActionError(f"output {name!r} contains the delimiter {delimiter!r}")
        lines.append(f"{name}<<{delimiter}\n{value}\n{delimiter}\n")
    return "".join(lines)


def _level(risk: Risk, failing: bool) -> str:
    if risk == Risk.CRITICAL:
        return "error" if failing else "warning"
    return "warning" if risk == Risk.ELEVATED else "notice"


def annotation_commands(
    decision: Decision, failing: bool, *, sarif: str | None = None
) -> list[str]:
    """With a SARIF file (`sarif`), one notice: the lines are flagged once, by code scanning,
    not twice. Otherwise one workflow command per piece of evidence on the head's files:
    `::error` for critical areas when enforcement fails (`::warning` when it does not),
    `::warning` for elevated ones, `::notice` for the rest. A removed line is not in the head's
    files: it is placed where SARIF and the App place it (the nearest head line) and says which
    old line it was; a path match becomes a file-level annotation when no line of that file was
    flagged. At most `MAX_ANNOTATIONS_PER_LEVEL` errors and warnings (GitHub drops the
    rest), with a notice saying how many more the summary lists."""
    if sarif:
        found = sum(len(a.evidence) for a in decision.areas)
        if not found:
            return []
        return [workflow_command(
            "notice", f"{found} findings are in {sarif} for code scanning (upload it with "
            "github/codeql-action/upload-sarif); they are not repeated as annotations.",
            title="modeltier",
        )]
    out: list[str] = []
    shown: dict[str, int] = {}
    left_out = 0
    for area in decision.areas:
        level = _level(area.risk, failing)
        title = f"{area.title} ({area.risk})"
        lined = {ev.path for ev in area.evidence if ev.line is not None and ev.side != "path"}
        for ev in area.evidence:
            if (ev.line is None or ev.side == "path") and ev.path in lined:
                continue
            if shown.get(level, 0) >= MAX_ANNOTATIONS_PER_LEVEL:
                left_out += 1
                continue
            shown[level] = shown.get(level, 0) + 1
            line: int | None = head_line(ev)
            if ev.line is None or ev.side == "path":
                message = f"Path matches {ev.snippet}" if ev.snippet else f"Rule {ev.rule}"
                line = None
            elif ev.side == "old":
                message = f"Rule {ev.rule} (removed line {ev.line} of the old file): {ev.snippet}"
            else:
                message = f"Rule {ev.rule}: {ev.snippet}"
            out.append(workflow_command(level, message, file=ev.path, line=line, title=title))
    if left_out:
        out.append(workflow_command(
            "notice", f"{left_out} more findings are listed in the job summary.",
            title="modeltier",
        ))
    return out


# --- inputs and environment ------------------------------------------------------------------


@dataclass(frozen=True)
class Inputs:
    """The action's inputs (action.yml), from flags or `INPUT_*` variables."""

    policy: str = REPOSITORY_POLICY_PATH
    comment: bool = True
    enforce: bool = True
    sarif: str | None = None


def _flag(name: str, value: str) -> bool:
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ActionError(f"input {name} must be true or false, not {value!r}")


def read_inputs(
    environ: Mapping[str, str],
    *,
    policy: str | None = None,
    comment: str | None = None,
    enforce: str | None = None,
    sarif: str | None = None,
) -> Inputs:
    """Flags first, then the `INPUT_<NAME>` variables, then the defaults of action.yml."""

    def pick(flag: str | None, name: str, default: str) -> str:
        if flag is not None:
            return flag.strip()
        return environ.get(f"INPUT_{name}", "").strip() or default

    path = pick(policy, "POLICY", REPOSITORY_POLICY_PATH).removeprefix("./")
    if not path or path.startswith("/") or ".." in Path(path).parts:
        raise ActionError(f"input policy must be a path inside the repository, not {path!r}")
    return Inputs(
        policy=path,
        comment=_flag("comment", pick(comment, "COMMENT", "true")),
        enforce=_flag("enforce", pick(enforce, "ENFORCE", "true")),
        sarif=pick(sarif, "SARIF", "") or None,
    )


@dataclass(frozen=True)
class _Environment:
    event_name: str
    event: dict[str, Any]
    repository: str
    api_url: str
    token: str
    summary_path: str | None
    output_path: str | None


def _require(environ: Mapping[str, str], name: str) -> str:
    value = environ.get(name, "").strip()
    if not value:
        raise ActionError(f"{name} is not set: run `modeltier action` as a GitHub Actions step")
    return value


def _read_environment(environ: Mapping[str, str]) -> _Environment:
    event_name = _require(environ, "GITHUB_EVENT_NAME")
    path = _require(environ, "GITHUB_EVENT_PATH")
    try:
        event = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as e:
        raise ActionError(f"cannot read GITHUB_EVENT_PATH {path}: {e.strerror or e}") from e
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ActionError(f"GITHUB_EVENT_PATH {path} is not a JSON event: {e}") from e
    if not isinstance(event, dict):
        raise ActionError(f"GITHUB_EVENT_PATH {path} is not a JSON object")
    token = environ.get("INPUT_GITHUB_TOKEN", "").strip() or environ.get("GITHUB_TOKEN", "").strip()
    if not token:
        raise ActionError("no GitHub token: set the github-token input (default "
                          "${{ github.token }}) or GITHUB_TOKEN")
    return _Environment(
        event_name=event_name,
        event=event,
        repository=_require(environ, "GITHUB_REPOSITORY"),
        api_url=environ.get("GITHUB_API_URL", "").strip() or DEFAULT_API_URL,
        token=token,
        summary_path=environ.get("GITHUB_STEP_SUMMARY") or None,
        output_path=environ.get("GITHUB_OUTPUT") or None,
    )


def _field(event: Mapping[str, Any], *keys: str) -> Any:
    value: Any = event
    for key in keys:
        value = value.get(key) if isinstance(value, Mapping) else None
    return value


# --- GitHub ------------------------------------------------------------------------------------


def _open_port(api_url: str, token: str) -> GitHubPort:
    """The App's own adapter, for the workflow's (or a personal) token."""
    return connect(api_url, token=token).port(None)


# --- the step ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Report:
    """What one run decided, ready to be written out."""

    decision: Decision
    policy: Policy
    policy_errors: Sequence[str]
    body: str  # the PR comment's Markdown (with its marker)
    failing: bool = False  # enforcement fails (whatever the input enforce says)


def _notice(out: TextIO, message: str) -> None:
    print(workflow_command("notice", message, title="modeltier"), file=out)


def _comment(
    port: GitHubPort, pr: PullRequestData, repo: str, evaluation: review.Evaluation, body: str,
    out: TextIO, *, comment_id: int | None, checklist_required: bool,
) -> None:
    """The one sticky comment, found by its marker and our own author, as the App keeps it (and
    as the policy's `comment` wants it: a routine PR gets none, or a one-line note)."""
    try:
        review.settle_comment(port, repo, pr.number, evaluation, body, head_sha=pr.head_sha,
                              comment_id=comment_id, checklist_required=checklist_required)
    except GitHubError as e:
        if e.status == 403:
            _notice(out, f"No PR comment: the token cannot write to {repo} ({e}). Give the job "
                         "`permissions: pull-requests: write`; runs of `pull_request` from a fork "
                         "never can. The decision is in the job summary, annotations and outputs.")
        else:
            print(workflow_command("warning", f"The PR comment was not updated: {e}",
                                   title="modeltier"), file=out)


def _override_label(
    port: GitHubPort, repo: str, pr: PullRequestData, evaluation: review.Evaluation, out: TextIO
) -> review.Override | None:
    """The policy's override label, honoured as the App honours it: only when whoever added it
    (the issue events API says who) has the policy's role, and then on the record: an audit
    line in the log says who, with which role, on which head and for which areas. A label
    added by anyone else (or by the PR's author, unless `allow_author`) is refused, said so,
    and removed (when the token may)."""
    rules = evaluation.policy.enforcement.override
    if rules.label not in pr.labels:
        return None
    login = port.label_added_by(repo, pr.number, rules.label)
    own = login is not None and login.lower() == (pr.author_login or "").lower()
    may = login is not None and (rules.allow_author or not own)
    permission = port.permission(repo, login) if login and may else None
    if login is None or permission is None or permission.rank < rules.min_permission.rank:
        if own and not rules.allow_author:
            why = (f"@{login} added it to their own pull request (the policy's "
                   "`enforcement.override.allow_author` is false)")
        else:
            who = f"@{login} ({permission.value if permission else 'no'} role)" if login else (
                "someone GitHub does not name")
            why = f"{who} added it, and it takes the {rules.min_permission.value} role or higher"
        print(workflow_command(
            "warning", f"The label `{rules.label}` is not an override: {why}.",
            title="modeltier override"), file=out)
        with contextlib.suppress(GitHubError):
            port.set_labels(repo, pr.number, [], [rules.label])
        return None
    areas = evaluation.critical_areas
    print(workflow_command(
        "notice", f"Override by @{login} ({permission.value} role) with the label "
                  f"`{rules.label}` on head {pr.head_sha[:12]}: enforcement waived for "
                  f"{', '.join(areas) if areas else 'this change'}.",
        title="modeltier override"), file=out)
    return review.Override(login=login, reason=f"label `{rules.label}` added",
                           created_at=datetime.datetime.now(datetime.UTC),
                           head_sha=pr.head_sha, areas=areas)


def _as_run(
    evaluation: review.Evaluation, inputs: Inputs, overridden: bool = False
) -> tuple[review.Evaluation, bool]:
    """The evaluation as this run reports it, and whether enforcement fails: with `enforce:
    false` the run is advisory, so nothing it writes says "blocking"."""
    failing = review.conclusion(evaluation.decision, overridden) == "failure"
    if not inputs.enforce:
        advisory = evaluation.decision.replace(blocking=False)
        evaluation = dataclasses.replace(evaluation, decision=advisory)
    return evaluation, failing


def _pull_request(
    port: GitHubPort, env: _Environment, inputs: Inputs, out: TextIO
) -> Report | None:
    event, repo = env.event, env.repository
    number = _field(event, "pull_request", "number") or _field(event, "number")
    if not isinstance(number, int):
        raise ActionError(f"the {env.event_name} event has no pull_request.number")
    if event.get("action") == "closed":
        _notice(out, f"#{number} was closed: nothing to decide.")
        return None
    pr = port.pull_request(repo, number)
    if pr.state != "open":
        _notice(out, f"#{number} is {pr.state}: nothing to decide.")
        return None
    event_head = _field(event, "pull_request", "head", "sha")
    if isinstance(event_head, str) and event_head != pr.head_sha:
        _notice(out, f"#{number} moved on since this run started: judged its current head "
                     f"{pr.head_sha[:12]}, not {event_head[:12]}.")
    evaluation = review.evaluate(port, repo, pr, policy_path=inputs.policy, place="action")
    override = _override_label(port, repo, pr, evaluation, out)
    evaluation, failing = _as_run(evaluation, inputs, override is not None)
    # The review checklist's ticks are in the comment: kept, and (required) reported as seen.
    comment_id, checks, ticked = (
        review.read_checklist(port, repo, number, evaluation, pr.author_login)
        if inputs.comment else (None, None, set())
    )
    body = tick_boxes(review.comment_body(evaluation, pr.head_sha, draft=pr.draft,
                                          repository=repo, base_sha=pr.base_sha,
                                          checklist=checks, override=override), ticked)
    if checks is not None:
        done = len(checks.required) - len(checks.missing)
        _notice(out, f"Review checklist (required for {', '.join(checks.areas)}): {done} of "
                     f"{len(checks.required)} boxes ticked in the comment. Who ticked is not "
                     "known to the Action; the modeltier App counts only ticks by someone with "
                     f"the {checks.permission.value} role or higher.")
    report = Report(evaluation.decision, evaluation.policy, evaluation.policy_errors, body,
                    failing)
    head_repo = _field(event, "pull_request", "head", "repo", "full_name")
    fork = not isinstance(head_repo, str) or head_repo.lower() != repo.lower()
    if inputs.comment and env.event_name in _FORK_READ_ONLY and fork:
        _notice(out, f"No PR comment: #{number} comes from the fork {head_repo or '(deleted)'}, "
                     "and a pull_request run from a fork gets a read-only token. The decision is "
                     "in the job summary, annotations and outputs.")
    elif inputs.comment:
        _comment(port, pr, repo, evaluation, body, out, comment_id=comment_id,
                 checklist_required=checks is not None)
    return report


def _merge_group(port: GitHubPort, env: _Environment, inputs: Inputs, out: TextIO) -> Report | None:
    """Merge queues wait for the check on the group's head: judge base...head, no comment."""
    event, repo = env.event, env.repository
    if event.get("action", "checks_requested") != "checks_requested":
        _notice(out, f"merge_group.{event.get('action')}: nothing to decide.")
        return None
    base_sha = _field(event, "merge_group", "base_sha")
    head_sha = _field(event, "merge_group", "head_sha")
    if not isinstance(base_sha, str) or not isinstance(head_sha, str):
        raise ActionError("the merge_group event has no merge_group.base_sha and head_sha")
    evaluation, failing = _as_run(
        review.evaluate_range(port, repo, base_sha, head_sha, inputs.policy, place="action"),
        inputs)
    body = review.comment_body(evaluation, head_sha)
    return Report(evaluation.decision, evaluation.policy, evaluation.policy_errors, body, failing)


def _append(path: str, text: str) -> None:
    try:
        with open(path, "a", encoding="utf-8") as f:
            f.write(text)
    except OSError as e:
        raise ActionError(f"cannot write {path}: {e.strerror or e}") from e


def _write(report: Report, env: _Environment, inputs: Inputs, out: TextIO) -> bool:
    """Summary, annotations, outputs and SARIF; True when enforcement failed."""
    decision, failing = report.decision, report.failing
    print(render_oneline(decision), file=out)
    for problem in report.policy_errors:
        print(workflow_command("error", f"{problem} (the default policy was applied)",
                               title="modeltier policy"), file=out)
    for line in annotation_commands(decision, failing, sarif=inputs.sarif):
        print(line, file=out)
    if env.summary_path:
        _append(env.summary_path, report.body.replace(MARKER, "").strip() + "\n")
    if env.output_path:
        _append(env.output_path, output_file_text({
            "risk": decision.risk.value,
            "tier": decision.tier,
            "recommended-model": decision.recommended_model,
            "verdict": decision.verdict.value,
        }))
    if inputs.sarif:
        target = Path(inputs.sarif)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(render_sarif_json(decision, report.policy), encoding="utf-8")
        except OSError as e:
            raise ActionError(f"cannot write the SARIF file {target}: {e.strerror or e}") from e
    return failing


def run(
    environ: Mapping[str, str] | None = None,
    *,
    policy: str | None = None,
    comment: str | None = None,
    enforce: str | None = None,
    sarif: str | None = None,
    out: TextIO | None = None,
    open_port: Callable[[str, str], GitHubPort] = _open_port,
) -> int:
    """The step: read the environment, decide, report; the exit status (see the module doc)."""
    environ = os.environ if environ is None else environ
    out = out or sys.stdout
    try:
        inputs = read_inputs(environ, policy=policy, comment=comment, enforce=enforce,
                             sarif=sarif)
        env = _read_environment(environ)
        if env.event_name not in (*PULL_REQUEST_EVENTS, MERGE_GROUP_EVENT):
            raise ActionError(f"the {env.event_name} event is not handled: run on pull_request, "
                              "pull_request_target or merge_group")
        port = open_port(env.api_url, env.token)
        if env.event_name == MERGE_GROUP_EVENT:
            report = _merge_group(port, env, inputs, out)
        else:
            report = _pull_request(port, env, inputs, out)
        if report is None:
            return EXIT_OK
        failing = _write(report, env, inputs, out)
    except (ModelTierError, OSError) as e:
        # GitHub unreachable is a GitHubError (the adapter translates requests' errors); OSError:
        # a file of the run. A failed run, never a pass, and not a traceback read as "enforcement
        # failed".
        message = str(e) if isinstance(e, ModelTierError) else f"{type(e).__name__}: {e}"
        print(workflow_command("error", message, title="modeltier"), file=out)
        out.flush()
        print(f"modeltier: error: {message}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if failing and not inputs.enforce:
        _notice(out, "Enforcement failed, but the input enforce is false: the job passes.")
        return EXIT_OK
    return EXIT_ENFORCEMENT if failing else EXIT_OK
