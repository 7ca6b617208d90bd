"""One pull request, end to end: base-branch policy -> PR files and commits -> Decision ->
check run, sticky comment and labels. Used by the App's jobs and by the Action.

Everything GitHub goes through a `GitHubPort`; nothing here stores state, so the caller (the job
runner) decides what to remember and what to retry. The check run is the result that matters:
its failure fails the job (to be retried); labels are best effort.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.analysis.decide import decide
from bot.analysis.diff import Diff, GitHubFile, parse_github_files
from bot.analysis.models import Commit, Decision, PullRequestInfo, Risk, Verdict
from bot.github.port import Annotation, CheckRunOutput, GitHubError, GitHubPort, PullRequestData
from bot.render.markdown import MARKER, CommentContext, OverrideInfo, render_comment
from policies.errors import PolicyError
from policies.loader import REPOSITORY_POLICY_PATHS, default_policy, load_policy
from policies.schema import Policy

__all__ = [
    "CHECK_NAME",
    "LABEL_PREFIX",
    "Evaluation",
    "Override",
    "Published",
    "check_output",
    "comment_body",
    "conclusion",
    "evaluate",
    "evaluate_range",
    "load_base_policy",
    "override_applies",
    "publish",
    "upsert_comment",
    "wanted_labels",
]

CHECK_NAME = "modeltier"
LABEL_PREFIX = "modeltier:"
POLICY_PATHS = REPOSITORY_POLICY_PATHS

log = logging.getLogger("modeltier.service")


@dataclass(frozen=True)
class Override:
    """An accepted override, as recorded: who, when, why, on which head and which areas."""

    login: str
    reason: str
    created_at: datetime.datetime
    head_sha: str
    areas: tuple[str, ...]


@dataclass(frozen=True)
class Evaluation:
    decision: Decision
    policy: Policy
    policy_source: str
    policy_errors: list[str] = field(default_factory=list)
    preview: Decision | None = None
    preview_errors: list[str] = field(default_factory=list)

    @property
    def critical_areas(self) -> tuple[str, ...]:
        return tuple(sorted(a.id for a in self.decision.areas if a.risk == Risk.CRITICAL))


@dataclass(frozen=True)
class Published:
    evaluation: Evaluation
    conclusion: str
    check_run_id: int | None
    comment_id: int | None


def _problems(error: PolicyError) -> list[str]:
    return [str(p) for p in error.problems]


def load_base_policy(
    port: GitHubPort, repo: str, ref: str, path: str | None = None
) -> tuple[Policy, str, list[str]]:
    """The policy of the PR's BASE: a PR can never weaken the rules it is judged by.

    `path` names a policy file other than `.github/modeltier.yml` (the Action's `policy` input);
    a named file that is missing is an error. A broken file never turns enforcement off: the
    default applies and the errors are shown.
    """
    for candidate in (path,) if path and path not in POLICY_PATHS else POLICY_PATHS:
        text = port.file_at(repo, candidate, ref)
        if text is None:
            continue
        try:
            return load_policy(text, name=candidate), f"{candidate}@{ref}", []
        except PolicyError as e:
            return default_policy(), "default", _problems(e)
    if path and path not in POLICY_PATHS:
        return default_policy(), "default", [f"{path}: not found on the base branch ({ref})"]
    return default_policy(), "default", []


def _preview(
    port: GitHubPort, repo: str, pr: PullRequestData, files: Sequence[GitHubFile],
    diff: Diff, info: PullRequestInfo,
) -> tuple[Decision | None, list[str]]:
    """What the PR's own proposed policy would decide: shown, never enforced."""
    changed = [f for f in files if f.filename in POLICY_PATHS and f.status != "removed"]
    if not changed:
        return None, []
    text = port.file_at(repo, changed[0].filename, pr.head_sha)
    if text is None:
        return None, []
    try:
        proposed = load_policy(text, name=changed[0].filename)
    except PolicyError as e:
        return None, _problems(e)
    return decide(diff, proposed, info), []


def evaluate(
    port: GitHubPort,
    repo: str,
    pr: PullRequestData,
    *,
    files: Sequence[GitHubFile] | None = None,
    commits: Sequence[Commit] | None = None,
    policy_path: str | None = None,
) -> Evaluation:
    """Read what the decision needs (files and commits unless given) and decide."""
    policy, source, errors = load_base_policy(port, repo, pr.base_sha or pr.base_ref, policy_path)
    files = list(files) if files is not None else port.pull_files(repo, pr.number)
    commits = list(commits) if commits is not None else port.pull_commits(repo, pr.number)
    info = PullRequestInfo(
        title=pr.title,
        body=pr.body,
        labels=pr.labels,
        author_login=pr.author_login,
        commits=tuple(commits),
        changed_files=pr.changed_files,
        draft=pr.draft,
    )
    diff = parse_github_files(files)
    decision = decide(diff, policy, info)
    preview, preview_errors = _preview(port, repo, pr, files, diff, info)
    return Evaluation(decision, policy, source, errors, preview, preview_errors)


def evaluate_range(
    port: GitHubPort, repo: str, base_sha: str, head_sha: str, policy_path: str | None = None
) -> Evaluation:
    """A merge group (base...head): judged on the comparison, evidence from its commits."""
    policy, source, errors = load_base_policy(port, repo, base_sha, policy_path)
    files, commits = port.compare(repo, base_sha, head_sha)
    decision = decide(parse_github_files(files), policy, PullRequestInfo(commits=tuple(commits)))
    return Evaluation(decision, policy, source, errors)


def override_applies(override: Override | None, evaluation: Evaluation, head_sha: str) -> bool:
    """An override holds for the PR until a push changes its critical areas, or (scope `sha`)
    for the head it was given on only."""
    if override is None:
        return False
    if evaluation.policy.enforcement.override.scope == "sha":
        return override.head_sha == head_sha
    return set(evaluation.critical_areas) <= set(override.areas)


def conclusion(decision: Decision, overridden: bool) -> str:
    """success: pass or overridden; failure: enforcement failed; neutral: advisory or warn."""
    if decision.verdict == Verdict.PASS or (overridden and decision.blocking):
        return "success"
    if decision.verdict in (Verdict.FAIL, Verdict.MISSING) and decision.blocking:
        return "failure"
    return "neutral"


def _annotations(decision: Decision, level: str) -> list[Annotation]:
    out = []
    for area in decision.areas:
        for ev in area.evidence:
            if ev.line is None or ev.side == "old":
                continue  # removed lines are not in the head's files; GitHub cannot place them
            out.append(
                Annotation(
                    path=ev.path,
                    line=ev.line,
                    level=level,
                    title=f"{area.title} ({area.risk})",
                    message=f"Rule {ev.rule}: {ev.snippet}",
                )
            )
    return out


def check_output(
    evaluation: Evaluation, body: str, outcome: str, overridden: bool
) -> CheckRunOutput:
    decision = evaluation.decision
    verdict = "overridden" if overridden and outcome == "success" and decision.blocking else (
        decision.verdict.value
    )
    title = (
        f"{decision.risk.value.capitalize()}: {decision.tier_title} tier "
        f"({decision.recommended_model_name}) - {verdict}"
    )
    level = "failure" if outcome == "failure" else "warning"
    if decision.risk != Risk.CRITICAL:
        level = "notice"
    return CheckRunOutput(
        conclusion=outcome,
        title=title,
        summary=body.replace(MARKER, "").strip(),
        annotations=_annotations(decision, level),
    )


def wanted_labels(decision: Decision) -> set[str]:
    labels = {f"{LABEL_PREFIX}tier:{decision.tier}"}
    if decision.risk == Risk.CRITICAL:
        labels.add(f"{LABEL_PREFIX}critical")
    return labels


def comment_body(
    evaluation: Evaluation, head_sha: str, *, draft: bool = False, override: Override | None = None
) -> str:
    """The sticky comment's Markdown for an evaluation (override: one that applies)."""
    return render_comment(evaluation.decision, CommentContext(
        head_sha=head_sha,
        override=OverrideInfo(who=override.login, when=override.created_at,
                              reason=override.reason, sha=override.head_sha)
        if override is not None
        else None,
        policy_errors=evaluation.policy_errors,
        policy_preview=evaluation.preview,
        policy_preview_errors=evaluation.preview_errors,
        draft=draft,
        repository_policy=evaluation.policy_source,
    ))


def upsert_comment(
    port: GitHubPort, repo: str, number: int, body: str, comment_id: int | None = None
) -> int:
    """Edit our one comment (by known id, else by marker and our own author), or create it."""
    if comment_id is None:
        comment_id = port.find_comment(repo, number, MARKER)
    if comment_id is None or not port.update_comment(repo, comment_id, body):
        comment_id = port.create_comment(repo, number, body)
    return comment_id


def publish(
    port: GitHubPort,
    repo: str,
    pr: PullRequestData,
    evaluation: Evaluation,
    *,
    override: Override | None,
    comment_id: int | None,
    check_run_id: int | None,
    override_label: str,
) -> Published:
    """Write the result to GitHub: check run, then the one sticky comment, then labels."""
    decision = evaluation.decision
    overridden = override_applies(override, evaluation, pr.head_sha)
    body = comment_body(evaluation, pr.head_sha, draft=pr.draft,
                        override=override if overridden else None)
    outcome = conclusion(decision, overridden)
    output = check_output(evaluation, body, outcome, overridden)
    check_run_id = port.publish_check(repo, pr.head_sha, CHECK_NAME, output, check_run_id)
    comment_id = upsert_comment(port, repo, pr.number, body, comment_id)
    want = wanted_labels(decision)
    have = {label for label in pr.labels if label.startswith(LABEL_PREFIX)}
    stale = sorted(have - want - {override_label})
    try:
        port.set_labels(repo, pr.number, sorted(want - have), stale)
    except GitHubError as e:
        log.warning("labels not updated: %s", e)
    return Published(evaluation, outcome, check_run_id, comment_id)
