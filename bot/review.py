"""One pull request, end to end: base-branch policy -> PR files and commits -> Decision ->
check run, sticky comment and labels. Used by the App's jobs and by the Action.

Everything GitHub goes through a `GitHubPort`; nothing here stores state, so the caller (the job
runner) decides what to remember and what to retry. The check run is the result that matters:
its failure fails the job (to be retried); labels are best effort within a run, and a label
write that still fails is reported back so that the job retries it later.
"""

from __future__ import annotations

import dataclasses
import datetime
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from bot.analysis.advice import Place
from bot.analysis.classify import sources_wanted, under_generated_paths
from bot.analysis.codeowners import parse_codeowners
from bot.analysis.decide import decide
from bot.analysis.diff import Diff, GitHubFile, parse_github_files
from bot.analysis.errors import DiffError
from bot.analysis.models import (
    Commit,
    Decision,
    PullRequestInfo,
    Review,
    Risk,
    SessionRecord,
    SourceFile,
    Verdict,
)
from bot.analysis.records import git_ai_records
from bot.coverage import POLICY_AREA, Coverage, coverage
from bot.github.policy_layers import base_policy, codeowners_text, proposed_policy, uses_owners
from bot.github.port import Annotation, CheckRunOutput, GitHubError, GitHubPort, PullRequestData
from bot.render.checklist import Box, Gate, Tick, Undone, checklist_ticks, gate, tick_boxes
from bot.render.markdown import (
    MARKER,
    CommentContext,
    OverrideInfo,
    comment_wanted,
    render_comment,
    render_routine_note,
)
from bot.render.sarif import head_line
from bot.time_limit import AnalysisStopped, Decider
from policies.errors import ModelTierError, PolicyError
from policies.loader import REPOSITORY_POLICY_PATHS, default_policy
from policies.model import Policy

__all__ = [
    "CHECK_NAME",
    "LABEL_PREFIX",
    "Evaluation",
    "JudgeError",
    "Override",
    "Published",
    "Suspension",
    "check_output",
    "comment_body",
    "conclusion",
    "evaluate",
    "evaluate_head",
    "evaluate_range",
    "load_base_policy",
    "override_applies",
    "publish",
    "read_checklist",
    "settle_comment",
    "standing",
    "unjudged_output",
    "upsert_comment",
    "wanted_labels",
]

CHECK_NAME = "modeltier"
GITATTRIBUTES = ".gitattributes"
LABEL_PREFIX = "modeltier:"
POLICY_PATHS = REPOSITORY_POLICY_PATHS

log = logging.getLogger("modeltier.service")


@dataclass(frozen=True)
class Override:
    """An accepted override, as recorded: who, when, why, on the head its giver saw (not the
    head when the job ran), and the critical evidence of that head it covers."""

    login: str
    reason: str
    created_at: datetime.datetime
    head_sha: str
    areas: tuple[str, ...]
    coverage: Coverage = field(default_factory=Coverage)
    id: int | None = None


@dataclass(frozen=True)
class Suspension:
    """An override that no longer holds, and what came since that it did not cover."""

    override: Override
    new: tuple[str, ...]

    def note(self, command: str) -> str:
        """The words the comment and the check give it."""
        return (
            f"**Override suspended:** the override by @{self.override.login} covered head "
            f"`{self.override.head_sha[:12]}`; new critical changes since: "
            f"{'; '.join(self.new)}. It takes a new override (`{command} <reason>`) to pass."
        )


# The area a change of the repository's policy file counts as (bot/coverage.py): whatever the
# PR declares, it passes only with an override (the base policy may turn the area off).


class JudgeError(ModelTierError):
    """A pull request that cannot be judged from what it holds (a diff that is not a diff, a
    policy the analysis cannot run): the check fails and says why; retrying cannot help."""


@dataclass(frozen=True)
class Evaluation:
    decision: Decision
    policy: Policy
    policy_source: str
    policy_errors: list[str] = field(default_factory=list)
    preview: Decision | None = None
    preview_errors: list[str] = field(default_factory=list)
    #: the repository policy files the PR adds, changes, renames or removes
    policy_change: tuple[str, ...] = ()
    #: the critical evidence, as an override given on this head would cover it
    coverage: Coverage = field(default_factory=Coverage)

    @property
    def critical_areas(self) -> tuple[str, ...]:
        return tuple(sorted(self.coverage.areas))


@dataclass(frozen=True)
class Published:
    evaluation: Evaluation
    conclusion: str
    check_run_id: int | None
    comment_id: int | None
    #: the labels could not be written (after the client's retries): the caller retries later
    label_error: GitHubError | None = None
    #: the override in force, if any
    override: Override | None = None
    #: no override is in force: the newest one did not cover this head
    suspension: Suspension | None = None


def _problems(error: PolicyError) -> list[str]:
    return [str(p) for p in error.problems]


def load_base_policy(
    port: GitHubPort, repo: str, ref: str, path: str | None = None
) -> tuple[Policy, str, list[str]]:
    """The policy of the PR's BASE: a PR can never weaken the rules it is judged by.

    `path` names a policy file other than `.github/modeltier.yml` (the Action's `policy` input);
    a named file that is missing is an error. The organisation's policy (its `.github`
    repository) lies under the repository's (`bot.github.policy_layers`). A broken file never
    turns enforcement off: the layers below it apply and the errors are shown.
    """
    candidates = (path,) if path and path not in POLICY_PATHS else POLICY_PATHS
    found = [(c, text) for c in candidates if (text := port.file_at(repo, c, ref)) is not None]
    if len(found) > 1:
        # Which one rules would depend on a lookup order nobody sees: a PR adding the second
        # file must not get to shadow the first.
        names = " and ".join(name for name, _ in found)
        layered = base_policy(port, repo, None, ref)
        return layered.policy, layered.source, [
            f"{names} both exist on the base branch ({ref}): keep one; until then neither is "
            "used", *layered.errors,
        ]
    missing = [f"{path}: not found on the base branch ({ref})"] if (
        path and path not in POLICY_PATHS and not found) else []
    try:
        layered = base_policy(port, repo, found[0] if found else None, ref)
    except GitHubError:
        raise
    except Exception as e:  # a bug the policy's content reached: still never "no check"
        log.exception("loading the policy of %s@%s failed", repo, ref)
        return default_policy(), "default", [
            f"the policy could not be loaded ({type(e).__name__}: {e})"
        ]
    return layered.policy, layered.source, missing + layered.errors


def _preview(
    port: GitHubPort, repo: str, pr: PullRequestData, files: Sequence[GitHubFile],
    diff: Diff, info: PullRequestInfo, decider: Decider = decide,
) -> tuple[Decision | None, list[str]]:
    """What the PR's own proposed policy would decide: shown, never enforced."""
    changed = [f for f in files if f.filename in POLICY_PATHS and f.status != "removed"]
    if not changed:
        return None, []
    text = port.file_at(repo, changed[0].filename, pr.head_sha)
    if text is None:
        return None, []
    try:
        proposed = proposed_policy(port, repo, changed[0].filename, text)
        return decider(diff, proposed, info), []
    except PolicyError as e:
        return None, _problems(e)
    except Exception as e:  # the proposal cannot stop the check the base policy gives
        log.exception("previewing %s failed", changed[0].filename)
        return None, [f"{changed[0].filename}: could not be applied ({type(e).__name__}: {e})"]


def _policy_files(files: Sequence[GitHubFile], policy: Policy) -> list[GitHubFile]:
    """The changes of repository policy files in this PR (unless the base policy turned the
    `policy` area off): a PR cannot add a `.yaml` beside the `.yml`, or edit either, on its own
    say."""
    area = policy.areas.get(POLICY_AREA)
    if area is not None and not area.enabled:
        return []
    return [f for f in files
            if f.filename in POLICY_PATHS or f.previous_filename in POLICY_PATHS]


def _policy_change(files: Sequence[GitHubFile]) -> tuple[str, ...]:
    touched = {
        name for f in files for name in (f.filename, f.previous_filename) if name in POLICY_PATHS
    }
    return tuple(sorted(touched))


def _judge(
    diff_of: Callable[[], Diff], policy: Policy, info: PullRequestInfo, source: str,
    errors: list[str], place: Place = "app", decider: Decider = decide,
) -> tuple[Diff, Decision, Policy, str, list[str]]:
    """Parse and decide; what the PR's own input breaks is a JudgeError, and a repository
    policy the analysis cannot run gives way to the default, with the error shown. An analysis
    that was stopped (`bot.time_limit`) is not tried again with the default policy: the same
    diff would stop it again."""
    try:
        diff = diff_of()
        return diff, decider(diff, policy, info, place), policy, source, errors
    except DiffError as e:
        raise JudgeError(f"the diff could not be read: {e}") from e
    except AnalysisStopped as e:
        raise JudgeError(str(e)) from e
    except Exception as e:
        if source == "default":
            log.exception("judging with the default policy failed")
            raise JudgeError(f"internal error while judging: {type(e).__name__}: {e}") from e
        log.exception("judging with %s failed", source)
        errors = [*errors, f"{source}: could not be applied ({type(e).__name__}: {e}); the "
                           "default policy judged this pull request"]
        return _judge(diff_of, default_policy(), info, "default", errors, place, decider)


def attested_labels(
    port: GitHubPort, repo: str, pr: PullRequestData, policy: Policy
) -> tuple[str, ...]:
    """The PR's `model:` labels that someone with the override permission added (the issue
    events API says who; their role is checked with GitHub, as an override's is): evidence that
    person vouches for. A label the author added, or anyone without the role, stays
    `declared`."""
    prefix = policy.evidence.label_prefix.lower()
    minimum = policy.enforcement.override.min_permission
    found = []
    for label in pr.labels:
        if not label.lower().startswith(prefix):
            continue
        login = port.label_added_by(repo, pr.number, label)
        if login is None or login.lower() == (pr.author_login or "").lower():
            continue
        permission = port.permission(repo, login)
        if permission is not None and permission.rank >= minimum.rank:
            found.append(label)
    return tuple(found)


#: where git-ai keeps its authorship notes
NOTES_REF = "refs/notes/ai"
#: most commits whose notes one evaluation reads
MAX_NOTED_COMMITS = 250


def _short_of_evidence(decision: Decision) -> bool:
    """Whether a required tier is not met yet: only then are session notes read (one request
    when the repository has none), since they can only add evidence."""
    return decision.required_tier is not None and decision.verdict in (
        Verdict.FAIL, Verdict.MISSING)


def git_ai_notes(
    port: GitHubPort, repo: str, commits: Sequence[Commit]
) -> tuple[SessionRecord, ...]:
    """The git-ai notes (`refs/notes/ai`) the PR's commits carry on GitHub, as session
    records."""
    shas = [c.sha for c in commits if c.sha][:MAX_NOTED_COMMITS]
    notes = port.notes(repo, NOTES_REF, shas) if shas else {}
    return tuple(
        record for sha, text in notes.items()
        for record in git_ai_records(text, f"git-ai note of commit {sha[:7]}")
    )


def _reviews_needed(decision: Decision) -> bool:
    """Whether the verdict rests on a declaration that no AI was used, which the policy accepts
    once the right person approves: only then are reviews and CODEOWNERS read."""
    human = decision.human_review
    return human is not None and human.policy == "require_review" and not human.reviews_read


#: most CODEOWNERS teams whose membership is asked about per approving reviewer
MAX_TEAMS_ASKED = 10


def read_reviews(
    port: GitHubPort, repo: str, pr: PullRequestData, decision: Decision,
    codeowners: str | None = None,
) -> tuple[tuple[Review, ...], str | None]:
    """The PR's reviews, each approver with their repository role and the CODEOWNERS teams (of
    the files that make the change what it is) they belong to; and the base branch's
    CODEOWNERS file (the first GitHub would read), if any: `codeowners` when the caller has
    already read it for ownership areas, else read here."""
    if codeowners is None:
        codeowners = codeowners_text(port, repo, pr.base_sha or pr.base_ref)
    paths = [p for a in decision.areas if a.risk == decision.risk for p in a.files]
    owners = parse_codeowners(codeowners) if codeowners else None
    teams = sorted({
        owner[1:] for path in paths for owner in (owners.owners_of(path) if owners else ())
        if owner.startswith("@") and "/" in owner
    })[:MAX_TEAMS_ASKED]
    reviews = port.pull_reviews(repo, pr.number)
    learnt: dict[str, Review] = {}
    for item in reviews:
        key = item.login.lower()
        if item.state.upper() != "APPROVED" or key in learnt:
            continue
        permission = port.permission(repo, item.login)
        member_of = tuple(t for t in teams if port.team_member(t, item.login))
        learnt[key] = item.replace(permission=permission, teams=member_of)
    full = tuple(
        item.replace(permission=learnt[k].permission, teams=learnt[k].teams)
        if (k := item.login.lower()) in learnt else item
        for item in reviews
    )
    return full, codeowners


def _text(content: bytes | None) -> str | None:
    """A file's content as text (as `codeowners_text` reads CODEOWNERS), or None when absent."""
    return None if content is None else content.decode("utf-8", "replace")


#: the most changed files whose contents a judgement reads (two API calls each: the head's and
#: the base's version), and only when the diff alone did not find the change critical
SOURCE_FILES = 8


def read_sources(
    port: GitHubPort, repo: str, pr: PullRequestData, diff: Diff, policy: Policy
) -> tuple[SourceFile, ...]:
    """The contents of the changed files that can tell the definitions a change is made in
    (`classify.sources_wanted`: code changed in place, at most `SOURCE_FILES`), at the PR's head
    and base; none when the head is not known."""
    if not pr.head_sha:
        return ()
    base = pr.base_sha or pr.base_ref
    found = []
    for index in sources_wanted(diff, policy, SOURCE_FILES):
        change = diff.files[index]
        found.append(SourceFile(
            path=change.path, head=_text(port.file_at(repo, change.path, pr.head_sha)),
            base=_text(port.file_at(repo, change.old_path or change.path, base)),
        ))
    return tuple(found)


def evaluate(
    port: GitHubPort,
    repo: str,
    pr: PullRequestData,
    *,
    files: Sequence[GitHubFile] | None = None,
    commits: Sequence[Commit] | None = None,
    policy_path: str | None = None,
    place: Place = "app",
    decider: Decider = decide,
) -> Evaluation:
    """Read what the decision needs (files and commits unless given; reviews and CODEOWNERS
    when a declaration that no AI was used awaits an approval) and decide (by `decider`: the
    App's runs in an analysis process with a time limit, `bot.time_limit`), the fix text written
    for the `place` (the App or the Action)."""
    policy, source, errors = load_base_policy(port, repo, pr.base_sha or pr.base_ref, policy_path)
    files = list(files) if files is not None else port.pull_files(repo, pr.number)
    commits = list(commits) if commits is not None else port.pull_commits(repo, pr.number)
    info = PullRequestInfo(
        title=pr.title,
        body=pr.body,
        labels=pr.labels,
        attested_labels=attested_labels(port, repo, pr, policy),
        author_login=pr.author_login,
        commits=tuple(commits),
        changed_files=pr.changed_files,
        draft=pr.draft,
        base_ref=pr.base_ref,
        repository=repo,
        codeowners=codeowners_text(port, repo, pr.base_sha or pr.base_ref)
        if uses_owners(policy) else None,
        # read, like the policy, from the base: a PR cannot mark its own code generated
        gitattributes=_text(port.file_at(repo, GITATTRIBUTES, pr.base_sha or pr.base_ref))
        if under_generated_paths(policy, (f.filename for f in files)) else None,
    )
    diff, decision, policy, source, errors = _judge(
        lambda: parse_github_files(files), policy, info, source, errors, place, decider)
    if _short_of_evidence(decision) and (records := git_ai_notes(port, repo, commits)):
        info = info.replace(records=records)
        diff, decision, policy, source, errors = _judge(
            lambda: diff, policy, info, source, errors, place, decider)
    if decision.risk != Risk.CRITICAL and (sources := read_sources(port, repo, pr, diff, policy)):
        info = info.replace(sources=sources)
        diff, decision, policy, source, errors = _judge(
            lambda: diff, policy, info, source, errors, place, decider)
    if _reviews_needed(decision):
        reviews, codeowners = read_reviews(port, repo, pr, decision, info.codeowners)
        info = info.replace(reviews=reviews, codeowners=codeowners)
        diff, decision, policy, source, errors = _judge(
            lambda: diff, policy, info, source, errors, place, decider)
    preview, preview_errors = _preview(port, repo, pr, files, diff, info, decider)
    policy_files = _policy_files(files, policy)
    return Evaluation(decision, policy, source, errors, preview, preview_errors,
                      _policy_change(policy_files), coverage(decision, policy_files))


def evaluate_head(
    port: GitHubPort, repo: str, pr: PullRequestData, head_sha: str, decider: Decider = decide
) -> Evaluation:
    """An earlier head of the PR (the one an overrider saw, when GitHub's head has moved on
    since): its files from the comparison of the PR's base with that head."""
    files, commits = port.compare(repo, pr.base_sha or pr.base_ref, head_sha)
    return evaluate(port, repo, dataclasses.replace(pr, head_sha=head_sha),
                    files=files, commits=commits, decider=decider)


def evaluate_range(
    port: GitHubPort, repo: str, base_sha: str, head_sha: str, policy_path: str | None = None,
    place: Place = "app", decider: Decider = decide,
) -> Evaluation:
    """A merge group (base...head): judged on the comparison, evidence from its commits."""
    policy, source, errors = load_base_policy(port, repo, base_sha, policy_path)
    files, commits = port.compare(repo, base_sha, head_sha)
    _, decision, policy, source, errors = _judge(
        lambda: parse_github_files(files), policy,
        PullRequestInfo(commits=tuple(commits), repository=repo),
        source, errors, place, decider)
    return Evaluation(decision, policy, source, errors, coverage=coverage(decision))


def _uncovered(override: Override, evaluation: Evaluation, head_sha: str) -> list[str]:
    """What this head holds that the override did not cover (empty: it holds). Scope `pr`: new
    critical evidence; scope `sha`: any other head, too."""
    new = evaluation.coverage.new_since(override.coverage)
    if evaluation.policy.enforcement.override.scope == "sha" and override.head_sha != head_sha:
        new.insert(0, f"new commits (head `{head_sha[:12]}`; the policy's override scope is "
                      "one head)")
    return new


def standing(
    overrides: Sequence[Override], evaluation: Evaluation, head_sha: str
) -> tuple[Override | None, Suspension | None]:
    """The override in force (the newest that covers this head), else the newest one's
    suspension; overrides newest first."""
    for override in overrides:
        if not _uncovered(override, evaluation, head_sha):
            return override, None
    if not overrides:
        return None, None
    return None, Suspension(overrides[0], tuple(_uncovered(overrides[0], evaluation, head_sha)))


def override_applies(override: Override | None, evaluation: Evaluation, head_sha: str) -> bool:
    """An override holds while every critical area, file and line of the head is one it
    covered (scope `sha`: on the head it was given on only)."""
    return override is not None and not _uncovered(override, evaluation, head_sha)


def conclusion(decision: Decision, overridden: bool, *, policy_change: bool = False) -> str:
    """success: pass or overridden; failure: enforcement failed, or the policy file changed
    without an override; neutral: advisory or warn."""
    if policy_change and not overridden:
        return "failure"
    if decision.verdict == Verdict.PASS or (overridden and decision.blocking):
        return "success"
    if decision.verdict in (Verdict.FAIL, Verdict.MISSING) and decision.blocking:
        return "failure"
    return "neutral"


def _annotations(decision: Decision, level: str) -> list[Annotation]:
    """One per line of evidence, on the head's files: a removed line is not in them, so it is
    placed where SARIF places it (the head line nearest to where it was) and says which old line
    it was; a path match has no line and is in the summary only."""
    out = []
    for area in decision.areas:
        for ev in area.evidence:
            if ev.line is None or ev.side == "path":
                continue
            removed = f" (removed line {ev.line} of the old file)" if ev.side == "old" else ""
            out.append(
                Annotation(
                    path=ev.path,
                    line=head_line(ev),
                    level=level,
                    title=f"{area.title} ({area.risk})",
                    message=f"Rule {ev.rule}{removed}: {ev.snippet}",
                )
            )
    return out


def check_output(
    evaluation: Evaluation, body: str, outcome: str, overridden: bool,
    checklist: Gate | None = None,
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
    if evaluation.policy_change and not overridden:
        title = f"Policy change needs an override - {title}"
    if outcome == "action_required" and checklist is not None:
        title = f"{checklist.title()} - {title}"
    return CheckRunOutput(
        conclusion=outcome,
        title=title,
        summary=body.replace(MARKER, "").strip(),
        annotations=_annotations(decision, level),
    )


def unjudged_output(reason: str) -> CheckRunOutput:
    """The check of a pull request modeltier could not judge: failing, and saying why."""
    return CheckRunOutput(
        conclusion="failure",
        title="modeltier could not judge this pull request",
        summary=f"**{reason}**\n\nNothing here was inspected, so nothing passes: fix the input "
                "(or, for an error of modeltier itself, report it) and push again.",
    )


def _policy_change_note(evaluation: Evaluation, overridden: bool) -> str:
    files = " and ".join(f"`{name}`" for name in evaluation.policy_change)
    rules = evaluation.policy.enforcement.override
    if overridden:
        return f"\n\n**Policy change:** {files} changed; an override covers it."
    return (
        f"\n\n**Policy change:** this pull request changes {files}, which decides what "
        "modeltier enforces. It passes only with an override by someone with the "
        f"{rules.min_permission.value} role (`{rules.command} <reason>`), whatever the "
        "description declares."
    )


def wanted_labels(decision: Decision) -> set[str]:
    labels = {f"{LABEL_PREFIX}tier:{decision.tier}"}
    if decision.risk == Risk.CRITICAL:
        labels.add(f"{LABEL_PREFIX}critical")
    return labels


def comment_body(
    evaluation: Evaluation, head_sha: str, *, draft: bool = False, override: Override | None = None,
    repository: str | None = None, base_sha: str | None = None, web_url: str = "",
    checklist: Gate | None = None,
) -> str:
    """The sticky comment's Markdown for an evaluation (override: one that applies); with the
    repository and the base sha, evidence links to the lines it is about; `checklist`: how far
    a required review checklist is ticked."""
    return render_comment(evaluation.decision, CommentContext(
        head_sha=head_sha,
        repository=repository,
        base_sha=base_sha,
        web_url=web_url,
        override=OverrideInfo(who=override.login, when=override.created_at,
                              reason=override.reason, sha=override.head_sha)
        if override is not None
        else None,
        policy_errors=evaluation.policy_errors,
        policy_preview=evaluation.preview,
        policy_preview_errors=evaluation.preview_errors,
        draft=draft,
        repository_policy=evaluation.policy_source,
        checklist=checklist,
    ))


def upsert_comment(
    port: GitHubPort, repo: str, number: int, body: str, comment_id: int | None = None
) -> int:
    """Edit our one comment (by known id, else by marker and our own author), or create it."""
    if comment_id is None:
        found = port.find_comment(repo, number, MARKER)
        comment_id = found.id if found is not None else None
    if comment_id is None or not port.update_comment(repo, comment_id, body):
        comment_id = port.create_comment(repo, number, body)
    return comment_id


def read_checklist(
    port: GitHubPort, repo: str, number: int, evaluation: Evaluation, author: str | None,
) -> tuple[int | None, Gate | None, set[Box]]:
    """The checklist as the comment stands, for a caller that sees nothing else (the Action):
    the comment's id, the gate of a required checklist (unverified: who ticked is not known)
    and the boxes to keep ticked. One request, and only when the decision has a checklist."""
    if not any(g.items for g in evaluation.decision.checklist):
        return None, None, set()
    found = port.find_comment(repo, number, MARKER)
    ticks = {box: Tick(box, None) for box in checklist_ticks(found.body if found else None)}
    checks, shown = gate(evaluation.decision, ticks, verified=False, author=author,
                         permission=evaluation.policy.checklist_permission)
    return (found.id if found else None), checks, shown


def settle_comment(
    port: GitHubPort, repo: str, number: int, evaluation: Evaluation, body: str, *,
    head_sha: str, comment_id: int | None = None, overridden: bool = False,
    ticked: set[Box] | None = None, checklist_required: bool = False,
) -> int | None:
    """The comment as the policy's `comment` wants it (a required checklist always wants one):
    written when wanted, with the checklist's `ticked` boxes ticked (when given) and no others;
    when not, a comment left from an earlier push is edited down to one line (never a stale
    verdict), and none is created. Returns the comment's id, if there is one."""
    wanted = comment_wanted(
        evaluation.decision, evaluation.policy.comment, overridden=overridden,
        policy_problem=bool(evaluation.policy_errors or evaluation.policy_change),
        checklist_required=checklist_required,
    )
    if wanted:
        if ticked is not None:
            body = tick_boxes(body, ticked)
        return upsert_comment(port, repo, number, body, comment_id)
    if comment_id is None:
        found = port.find_comment(repo, number, MARKER)
        comment_id = found.id if found is not None else None
    if comment_id is None:
        return None
    note = render_routine_note(evaluation.decision, CommentContext(head_sha=head_sha))
    return comment_id if port.update_comment(repo, comment_id, note) else None


def publish(
    port: GitHubPort,
    repo: str,
    pr: PullRequestData,
    evaluation: Evaluation,
    *,
    overrides: Sequence[Override] = (),
    comment_id: int | None,
    check_run_id: int | None,
    override_label: str,
    ticks: Mapping[Box, Tick] | None = None,
    undone: Sequence[Undone] = (),
) -> Published:
    """Write the result to GitHub: check run, then the one sticky comment, then labels.
    `overrides`: those not revoked, newest first."""
    decision = evaluation.decision
    override, suspension = standing(overrides, evaluation, pr.head_sha)
    overridden = override is not None
    # the ticks of the App's record (who ticked is known): the comment is not read again
    checks, shown = gate(decision, ticks or {}, permission=evaluation.policy.checklist_permission,
                         author=pr.author_login, verified=True, undone=undone)
    body = comment_body(evaluation, pr.head_sha, draft=pr.draft, override=override,
                        repository=repo, base_sha=pr.base_sha, checklist=checks)
    if suspension is not None:
        body += "\n\n" + suspension.note(evaluation.policy.enforcement.override.command)
    if evaluation.policy_change:
        body += _policy_change_note(evaluation, overridden)
    outcome = conclusion(decision, overridden, policy_change=bool(evaluation.policy_change))
    if outcome != "failure" and checks is not None and checks.open:
        outcome = "action_required"
    output = check_output(evaluation, body, outcome, overridden, checklist=checks)
    if suspension is not None:
        output = dataclasses.replace(output, title=f"Override suspended - {output.title}")
    check_run_id = port.publish_check(repo, pr.head_sha, CHECK_NAME, output, check_run_id,
                                      new_head=pr.new_head)
    comment_id = settle_comment(port, repo, pr.number, evaluation, body, head_sha=pr.head_sha,
                                comment_id=comment_id, overridden=overridden, ticked=shown,
                                checklist_required=checks is not None)
    want = wanted_labels(decision)
    have = {label for label in pr.labels if label.startswith(LABEL_PREFIX)}
    stale = sorted(have - want - {override_label})
    label_error = None
    try:
        port.set_labels(repo, pr.number, sorted(want - have), stale)
    except GitHubError as e:
        log.warning("labels not updated: %s", e)
        label_error = e
    return Published(evaluation, outcome, check_run_id, comment_id, label_error, override,
                     suspension)
