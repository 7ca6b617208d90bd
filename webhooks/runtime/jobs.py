"""Run the jobs that deliveries left in the database: in-process worker threads (the embedded
default). Each job is claimed with a lease, one PR at a time, and retried with back-off when
GitHub fails; a job that keeps failing ends as `dead`, with its last error, for an operator.
"""

from __future__ import annotations

import dataclasses
import datetime
import logging
import queue
import random
import re
import threading
import time
from dataclasses import dataclass

from bot import review
from bot.analysis.decide import decide
from bot.analysis.models import Decision
from bot.analysis.reviewers import split_reviewers
from bot.coverage import Coverage
from bot.github.port import GitHubError, GitHubPort, PullRequestData
from bot.github.pygithub import Connection, connect
from bot.render.checklist import box_of, ticks_from_events
from bot.time_limit import Decider, TimedDecider
from policies.model import Override as OverrideRules
from policies.model import Permission
from webhooks.logs import bind
from webhooks.metrics import Metrics
from webhooks.runtime.store import Job, Store, new_owner_id
from webhooks.settings import Settings

__all__ = ["JobRunner", "WorkerPool"]

log = logging.getLogger("modeltier.jobs")


MAX_RETRY_DELAY = 300.0
#: a merge group's head ref names the pull request it queues, and that PR's head
QUEUE_REF = re.compile(r"/pr-(\d+)-([0-9a-f]{40})$")


def jitter(low: float, high: float) -> float:
    return random.uniform(low, high)  # noqa: S311 - spreading retries, not security


def connect_github(settings: Settings) -> Connection:
    """The GitHub connection the settings describe (App or token mode)."""
    return connect(
        settings.github_api_url,
        app_id=settings.github_app_id,
        private_key=settings.private_key(),
        token=settings.github_token.get_secret_value() if settings.github_token else None,
        max_wait=settings.github_max_wait,
    )


@dataclass(frozen=True)
class Settled:
    """How a run ended, as recorded: done (detail: the outcome), retry (after `delay`) or dead
    (detail: the last error)."""

    status: str
    detail: str
    delay: float = 0.0
    error: Exception | None = None


class JobRunner:
    """Executes one job: reads GitHub, decides, publishes, records."""

    def __init__(self, store: Store, connection: Connection, metrics: Metrics,
                 decider: Decider = decide) -> None:
        """`decider`: how a job decides; the service passes a `TimedDecider`, so that no diff
        holds a worker past the analysis time limit."""
        self.store = store
        self.connection = connection
        self.metrics = metrics
        self.decider = decider

    def warm(self) -> None:
        """Start the calling thread's analysis process, if the runner decides in one
        (`TimedDecider.warm`): a worker thread calls this before it waits for its first job.
        A process that cannot start now is logged, not raised: the first job starts one again,
        and fails as a job does if it cannot."""
        if isinstance(self.decider, TimedDecider):
            try:
                self.decider.warm()
            except OSError:
                log.warning("the analysis process could not start ahead of the first job",
                            exc_info=True)

    def close(self) -> None:
        """Stop what the runner started: its analysis processes."""
        if isinstance(self.decider, TimedDecider):
            self.decider.close()

    def run(
        self, job: Job, owner: str, *, max_attempts: int, retry_base_seconds: float
    ) -> Settled:
        """Execute a claimed job and record how it ended. Every failure is retried with
        back-off (at least as long as GitHub asked), then recorded as dead."""
        started = time.perf_counter()
        try:
            outcome = self.execute(job)
        except Exception as e:
            return self._failed(job, owner, e, max_attempts, retry_base_seconds)
        self.store.finish(job, owner)
        self.metrics.jobs.labels(kind=job.kind, outcome="succeeded").inc()
        self.metrics.job_results.labels(kind=job.kind, result=outcome).inc()
        self.metrics.latency.observe(time.perf_counter() - started)
        log.info("job done", extra={"job": job.id, "kind": job.kind, "outcome": outcome,
                                    "attempt": job.attempts})
        return Settled("done", outcome)

    def _failed(
        self, job: Job, owner: str, error: Exception, max_attempts: int, base: float
    ) -> Settled:
        message = f"{type(error).__name__}: {error}"
        if not isinstance(error, GitHubError):
            log.exception("job %s failed", job.id)
        if job.attempts >= max_attempts:
            self.store.finish(job, owner, status="dead", error=message)
            self.metrics.jobs.labels(kind=job.kind, outcome="dead").inc()
            log.error("job dead after %s attempts: %s", job.attempts, message,
                      extra={"job": job.id})
            return Settled("dead", message, error=error)
        delay = min(base * 2 ** (job.attempts - 1), MAX_RETRY_DELAY) * jitter(0.8, 1.2)
        asked = error.retry_after if isinstance(error, GitHubError) else None
        delay = max(delay, asked or 0.0)
        self.store.retry(job, owner, delay, message)
        self.metrics.jobs.labels(kind=job.kind, outcome="retried").inc()
        log.warning("job %s will retry in %.1fs: %s", job.id, delay, message,
                    extra={"job": job.id})
        return Settled("retry", message, delay, error)

    def execute(self, job: Job) -> str:
        port = self.connection.port(job.spec.get("installation_id"))
        try:
            if job.kind == "merge_group":
                return self._merge_group(port, job)
            self._note_push(job)
            pr = self._current_pr(port, job)
            if pr.state != "open":
                return "closed"
            if job.kind == "override":
                return self._override(port, job, pr)
            if job.kind == "checklist":
                return self._checklist(port, job, pr, port.bot_login)
            if job.kind == "revoke":
                return self._revoke(port, job, pr)
            return self._evaluate(port, job, pr)
        finally:
            self.metrics.observe_rate(job.spec.get("installation_id"), port.rate.remaining,
                                      port.rate.reset)

    def _current_pr(self, port: GitHubPort, job: Job) -> PullRequestData:
        """The PR as GitHub has it now: deliveries arrive late and out of order, GitHub's
        current head, description and labels are the truth."""
        pr = port.pull_request(job.repo, job.number)
        previous = self.store.note_head(job.repo, job.number, pr.head_sha)
        return dataclasses.replace(pr, new_head=previous != pr.head_sha)

    def _note_push(self, job: Job) -> None:
        """The head a pull_request delivery named, at GitHub's time for it: the timeline an
        override comment is placed on (Store.head_before)."""
        head_sha, head_at = job.spec.get("head_sha"), job.spec.get("head_at")
        if not (head_sha and head_at and job.number):
            return
        try:
            at = datetime.datetime.fromisoformat(head_at)
        except (TypeError, ValueError):
            return  # no time, no place on the timeline: the job's own read still counts
        if at.tzinfo is not None:
            self.store.note_push(job.repo, job.number, head_sha, at)

    def _evaluate(self, port: GitHubPort, job: Job, pr: PullRequestData) -> str:
        if job.head_sha and job.head_sha != pr.head_sha:
            return "stale"  # a newer head exists; its own job publishes the result
        return self._judge(port, job, pr)

    def _judge(self, port: GitHubPort, job: Job, pr: PullRequestData) -> str:
        try:
            evaluation = review.evaluate(port, job.repo, pr, decider=self.decider)
        except review.JudgeError as e:
            return self._unjudged(port, job, pr.head_sha, e)
        return self._publish(port, job, pr, evaluation)

    def _unjudged(self, port: GitHubPort, job: Job, head_sha: str, error: Exception) -> str:
        """A PR whose input cannot be judged: a failing check that says why, and the job ends
        (a retry would read the same input). Never no check."""
        log.warning("cannot judge %s#%s at %s: %s", job.repo, job.number, head_sha[:7], error,
                    extra={"job": job.id})
        _, check_id = self.store.pull_ids(job.repo, job.number, head_sha) if job.number else (
            None, None)
        port.publish_check(job.repo, head_sha, review.CHECK_NAME,
                           review.unjudged_output(str(error)), check_id)
        return "unjudged"

    def _publish(
        self, port: GitHubPort, job: Job, pr: PullRequestData, evaluation: review.Evaluation
    ) -> str:
        overrides = [
            review.Override(
                login=r["login"], reason=r["reason"], created_at=r["created_at"],
                head_sha=r["head_sha"], areas=r["areas"], id=r["id"],
                coverage=Coverage.from_json(r["coverage"]) if r["coverage"] is not None
                else Coverage.of_areas(r["areas"]),
            )
            for r in self.store.active_overrides(job.repo, job.number)
        ]
        comment_id, check_id = self.store.pull_ids(job.repo, job.number, pr.head_sha)
        # who ticked the review checklist, as recorded from GitHub's edit events
        ticks, undone = ticks_from_events(
            self.store.events(job.repo, job.number, kind_prefix="checklist."))
        published = review.publish(
            port, job.repo, pr, evaluation, overrides=overrides, comment_id=comment_id,
            check_run_id=check_id,
            override_label=evaluation.policy.enforcement.override.label,
            ticks=ticks, undone=undone,
        )
        override = published.override
        if published.suspension is not None:
            self._suspended(job, pr.head_sha, published.suspension)
        decision = evaluation.decision
        self.store.save_decision(job.repo, job.number, pr.head_sha, {
            "risk": decision.risk.value, "tier": decision.tier, "verdict": decision.verdict.value,
            "conclusion": published.conclusion,
            "declared_models": ",".join(
                d.model or d.tool or d.kind for d in decision.declared_models
            ),
            "areas": ",".join(a.id for a in decision.areas),
            "check_run_id": published.check_run_id, "comment_id": published.comment_id,
            "policy_source": evaluation.policy_source,
            "overridden": review.override_applies(override, evaluation, pr.head_sha),
            # the provenance of the evidence the verdict used (what met the tier), else of all
            "provenance": ",".join(sorted({d.provenance.value for d in (
                [d for d in decision.declared_models if d.satisfies] or decision.declared_models
            )})),
            "evidence_met": (any(d.satisfies for d in decision.declared_models)
                             if decision.required_tier else None),
        })
        self._request_reviews(port, job, pr, decision)
        if published.label_error is not None:
            raise published.label_error  # the result stands; the job retries for the labels
        return published.conclusion

    def _request_reviews(
        self, port: GitHubPort, job: Job, pr: PullRequestData, decision: Decision
    ) -> None:
        """Ask the reviewers the policy names (`request_review`) once per pull request: whom an
        earlier head asked is not asked again on a push. On the record as `review.requested`.
        Best effort, as a follow-up: a refusal (a login that is not a collaborator, a team the
        App cannot see) is logged, not recorded, and tried again on the next evaluation."""
        asked = {
            name.lower()
            for event in self.store.events(job.repo, job.number, kind_prefix="review.requested")
            for name in event["detail"].get("reviewers", [])
        }
        new = [r for r in decision.review_requests if r.reviewer.lower() not in asked]
        if not new:
            return
        users, teams = split_reviewers(new)
        try:
            port.request_reviews(job.repo, pr.number, users, teams)
        except GitHubError as e:
            log.warning("reviewers not requested on %s#%s: %s", job.repo, pr.number, e,
                        extra={"job": job.id})
            return
        self.store.record_event(job.repo, job.number, "review.requested", head_sha=pr.head_sha,
                                detail={"reviewers": [r.reviewer for r in new],
                                        "reasons": {r.reviewer: r.reason for r in new}})

    def _suspended(self, job: Job, head_sha: str, suspension: review.Suspension) -> None:
        """On the record once per override and head: it no longer holds, and why."""
        override = suspension.override
        known = any(
            e["head_sha"] == head_sha and e["detail"].get("override_id") == override.id
            for e in self.store.events(job.repo, job.number, kind_prefix="override.suspended")
        )
        if not known:
            self.store.record_event(
                job.repo, job.number, "override.suspended", head_sha=head_sha, detail={
                    "override_id": override.id, "granted_by": override.login,
                    "covered_head": override.head_sha, "new": list(suspension.new),
                    "reason": f"override by @{override.login} covered head "
                              f"{override.head_sha[:12]}; new critical changes since: "
                              f"{'; '.join(suspension.new)}",
                })

    def _refuse(
        self, port: GitHubPort, job: Job, pr: PullRequestData, rules: OverrideRules,
        reply: str, why: str,
    ) -> str:
        """An override not granted: the person is told, the audit says why, and a refused label
        is removed (it would otherwise read, to everyone, as an override in force)."""
        login = job.spec["login"]
        port.create_comment(job.repo, pr.number, f"@{login} {reply}")
        self.store.record_event(job.repo, pr.number, "override.refused", actor=login,
                                head_sha=pr.head_sha, detail={
                                    "reason": why, "via": job.spec.get("via", "comment"),
                                    "comment_id": job.spec.get("comment_id")})
        if job.spec.get("via") == "label":
            port.set_labels(job.repo, pr.number, [], [rules.label])
        return "refused"

    def _permitted(
        self, port: GitHubPort, job: Job, rules: OverrideRules
    ) -> tuple[bool, str]:
        """Whether the job's person has the role the policy asks, and theirs, in words."""
        permission = port.permission(job.repo, job.spec["login"])
        enough = permission is not None and permission.rank >= rules.min_permission.rank
        return enough, permission.value if permission else "none"

    def _head_seen(self, job: Job) -> str | None:
        """The head the override was given on: a label's event names it; a comment's is the
        newest head known before the comment was written. Never the head when the job runs."""
        if job.spec.get("via") == "label":
            return job.head_sha
        created_at = job.spec.get("created_at")
        if not created_at:
            return None
        return self.store.head_before(job.repo, job.number,
                                      datetime.datetime.fromisoformat(created_at))

    def _override(self, port: GitHubPort, job: Job, pr: PullRequestData) -> str:
        login, reason = job.spec["login"], (job.spec.get("reason") or "").strip()
        comment_id, via = job.spec.get("comment_id"), job.spec.get("via", "comment")
        if comment_id is not None and self.store.has_override_from(job.repo, comment_id):
            return self._judge(port, job, pr)  # this comment granted its override already
        if comment_id is not None and self._withdrawn(job, comment_id):
            return "refused"  # the comment was deleted before this job ran
        policy, _, _ = review.load_base_policy(port, job.repo, pr.base_sha or pr.base_ref)
        rules = policy.enforcement.override
        if not reason:
            return self._refuse(port, job, pr, rules,
                                f"an override needs a reason: `{rules.command} <reason>`.",
                                "no reason given")
        if login == pr.author_login and not rules.allow_author:
            return self._refuse(
                port, job, pr, rules,
                "cannot override their own pull request here (the policy's "
                "`enforcement.override.allow_author` is false): someone else with the "
                f"{rules.min_permission.value} role can.", "the pull request's author")
        enough, role = self._permitted(port, job, rules)
        if not enough:
            allowed = [p.value for p in Permission if p.rank >= rules.min_permission.rank]
            return self._refuse(
                port, job, pr, rules,
                f"cannot override modeltier here: it takes the {' or '.join(allowed)} role on "
                f"this repository (you have {role}).", f"permission {role}")
        head = self._head_seen(job)
        if head is None:
            return self._refuse(
                port, job, pr, rules,
                "your override could not be tied to a head of this pull request that modeltier "
                "had seen before it was written: give it again once the check shows the current "
                "head.", "no head known before the override")
        if via == "label" and any(r["via"] == "label" and r["head_sha"] == head
                                  and r["login"] == login
                                  for r in self.store.active_overrides(job.repo, pr.number)):
            return self._judge(port, job, pr)  # the same label event again
        try:
            evaluation = review.evaluate(port, job.repo, pr, decider=self.decider)
            seen = evaluation if head == pr.head_sha else review.evaluate_head(
                port, job.repo, pr, head, self.decider)
        except review.JudgeError as e:
            return self._unjudged(port, job, pr.head_sha, e)
        self.store.add_override(job.repo, pr.number, login, reason, head, seen.critical_areas,
                                via, coverage=seen.coverage.to_json(), comment_id=comment_id)
        return self._publish(port, job, pr, evaluation)

    def _revoke(self, port: GitHubPort, job: Job, pr: PullRequestData) -> str:
        """The override comment was deleted (whoever GitHub let delete it), or the override
        label removed by someone with the role to override: the override no longer holds."""
        login, via = job.spec["login"], job.spec.get("via", "comment")
        if via == "label":
            policy, _, _ = review.load_base_policy(port, job.repo, pr.base_sha or pr.base_ref)
            rules = policy.enforcement.override
            enough, role = self._permitted(port, job, rules)
            if not enough:
                port.set_labels(job.repo, pr.number, [rules.label], [])  # it still holds
                self.store.record_event(
                    job.repo, pr.number, "override.refused", actor=login, head_sha=pr.head_sha,
                    detail={"reason": f"label removed by @{login} (permission {role}), who "
                                      "cannot revoke; the override stands", "via": via})
                return "refused"
            revoked = self.store.revoke_overrides(job.repo, pr.number, login,
                                                  job.spec["reason"], via="label")
        else:
            revoked = self.store.revoke_overrides(job.repo, pr.number, login,
                                                  job.spec["reason"],
                                                  comment_id=job.spec["comment_id"])
            if not revoked:  # deleted before its grant ran (jobs wait, retry): it never grants
                self.store.record_event(
                    job.repo, pr.number, "override.refused", actor=login, head_sha=pr.head_sha,
                    detail={"reason": "override comment deleted before it was acted on",
                            "via": via, "comment_id": job.spec["comment_id"],
                            "withdrawn": True})
        if not revoked:
            return "nothing to revoke"
        return self._judge(port, job, pr)

    def _withdrawn(self, job: Job, comment_id: int) -> bool:
        """This override comment was deleted before its grant job ran."""
        return any(
            e["detail"].get("withdrawn") and e["detail"].get("comment_id") == comment_id
            for e in self.store.events(job.repo, job.number, kind_prefix="override.refused")
        )

    def _checklist(
        self, port: GitHubPort, job: Job, pr: PullRequestData, bot_login: str | None
    ) -> str:
        """Someone ticked or unticked boxes of the bot's comment (issue_comment.edited). Each
        change goes to the audit with who and when. In a required checklist only the ticks of
        someone with the policy's `checklist_permission` who is not the PR's author count (the
        role asked from GitHub, and recorded with the tick, so that a push keeps only ticks that
        count); any other change there is undone in the comment and noted. Then the PR is
        published again: the check passes once every required box is ticked."""
        comment_id, _ = self.store.pull_ids(job.repo, job.number, pr.head_sha)
        if comment_id != job.spec["comment_id"]:
            return "not our comment"
        if job.spec["login"] == bot_login:
            return "our own edit"  # token mode: modeltier writes as a user, not as a bot
        try:
            evaluation = review.evaluate(port, job.repo, pr, decider=self.decider)
        except review.JudgeError as e:
            return self._unjudged(port, job, pr.head_sha, e)
        login = job.spec["login"]
        groups = {box_of(g, item): g for g in evaluation.decision.checklist for item in g.items}
        needed = evaluation.policy.checklist_permission
        have: list[Permission | None] = []  # asked of GitHub once, when a required box changed
        for change in job.spec["changes"]:
            box, ticked = (change["group"], change["item"]), bool(change["ticked"])
            group = groups.get(box)
            if group is None:
                continue  # no box of this head's checklist (the comment was of an older one)
            detail = {"area": group.area, "group": box[0], "item": box[1]}
            if group.required:
                if not have:
                    have.append(port.permission(job.repo, login))
                role = have[0]
                why = (
                    "the pull request's author cannot tick its own review checklist"
                    if login.lower() == (pr.author_login or "").lower()
                    else "" if role is not None and role.rank >= needed.rank
                    else f"ticking it takes the {needed.value} role or higher ({login} has "
                         f"{role.value if role else 'none'})"
                )
                if why or role is None:
                    self.store.record_event(job.repo, pr.number, "checklist.reverted",
                                            actor=login, head_sha=pr.head_sha,
                                            detail={**detail, "ticked": ticked, "why": why})
                    continue
                detail["permission"] = role.value
            kind = "checklist.ticked" if ticked else "checklist.unticked"
            self.store.record_event(job.repo, pr.number, kind, actor=login,
                                    head_sha=pr.head_sha, detail=detail)
        return self._publish(port, job, pr, evaluation)

    def _merge_group(self, port: GitHubPort, job: Job) -> str:
        """Merge queues wait for the required check on the group's head SHA: report it there.
        A group whose pull request passed on its own (its description, labels and overrides
        judged there, on that head) passes unless the queue added critical evidence beyond that
        head; otherwise the group is judged on its own commits."""
        spec = job.spec
        try:
            evaluation = review.evaluate_range(port, job.repo, spec["base_sha"], spec["head_sha"],
                                                 decider=self.decider)
            passed = self._passed_on_their_own(port, job)
        except review.JudgeError as e:
            return self._unjudged(port, job, spec["head_sha"], e)
        outcome = review.conclusion(evaluation.decision, overridden=False)
        body = review.comment_body(evaluation, spec["head_sha"], repository=job.repo,
                                   base_sha=spec["base_sha"])
        title = "Merge group"
        if passed:
            names = ", ".join(f"#{number} at `{sha[:12]}`" for number, sha, _ in passed)
            added = evaluation.coverage.new_since(Coverage.union(c for _, _, c in passed))
            if not added:
                outcome = "success"
                title = f"Merge group ({names.replace('`', '')} passed on its own)"
                body += (f"\n\n**Merge queue:** {names} passed on its own pull request; the "
                         "queue added no critical change beyond that head.")
            else:
                body += (f"\n\n**Merge queue:** {names} passed on its own pull request, but "
                         f"the queue added critical changes beyond it: {'; '.join(added)}.")
        output = review.check_output(evaluation, body, outcome, overridden=False)
        output = dataclasses.replace(output, title=f"{title}: {output.title}")
        port.publish_check(job.repo, spec["head_sha"], review.CHECK_NAME, output, None)
        return outcome

    def _passed_on_their_own(
        self, port: GitHubPort, job: Job
    ) -> list[tuple[int, str, Coverage]]:
        """The pull request the group's ref names (`gh-readonly-queue/<base>/pr-<n>-<head>`),
        with the critical evidence of that head, when modeltier's check passed there and the
        PR is still at that head; else none (the group is then judged on its own)."""
        found = QUEUE_REF.search(job.spec.get("head_ref") or "")
        if found is None:
            return []
        number, sha = int(found.group(1)), found.group(2)
        if self.store.conclusion_of(job.repo, number, sha) != "success":
            return []
        pr = port.pull_request(job.repo, number)
        if pr.head_sha != sha:
            return []
        return [(number, sha, review.evaluate(port, job.repo, pr, decider=self.decider).coverage)]


class LeaseHeartbeat:
    """Extends a running job's lease every third of it, so only a dead worker loses a lease: a job
    that outlives its lease (a slow GitHub, several decisions each up to the analysis time limit)
    would otherwise be claimed and run a second time while the first run still posts."""

    def __init__(self, store: Store, job: Job, owner: str, lease_seconds: int) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run, args=(store, job, owner, lease_seconds),
            name=f"modeltier-lease-{job.id}", daemon=True,
        )

    def _run(self, store: Store, job: Job, owner: str, lease_seconds: int) -> None:
        while not self._stop.wait(lease_seconds / 3):
            try:
                if not store.extend_lease(job, owner, lease_seconds):
                    log.warning("job %s: lease lost (another worker may run it)", job.id)
                    return
            except Exception as e:
                log.warning("job %s: lease not extended: %s", job.id, e)

    def __enter__(self) -> LeaseHeartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(5)


class WorkerPool:
    """Worker threads that run jobs, fed by one claimer thread, until stopped.

    A queued job wakes the claimer alone, and it claims only for an idle worker: deliveries do not
    send every thread after the database's write lock, which the acknowledgement needs, to find
    the job's PR busy. Each worker has its own owner id (two never share a PR lock); the claimer
    claims in the name of the worker it hands the job to."""

    def __init__(
        self, store: Store, runner: JobRunner, metrics: Metrics, *, threads: int,
        lease_seconds: int, max_attempts: int, retry_base_seconds: float = 2.0,
    ) -> None:
        self.store = store
        self.runner = runner
        self.metrics = metrics
        self.owner = new_owner_id()
        self.lease_seconds = lease_seconds
        self.max_attempts = max_attempts
        self.retry_base_seconds = retry_base_seconds
        self._threads = [
            threading.Thread(target=self._work, args=(i,), name=f"modeltier-worker-{i}",
                             daemon=True)
            for i in range(threads)
        ]
        self._claimer = threading.Thread(target=self._claim, name="modeltier-claimer",
                                         daemon=True)
        self._idle: queue.SimpleQueue[int | None] = queue.SimpleQueue()
        self._handed: list[queue.SimpleQueue[Job | None]] = [
            queue.SimpleQueue() for _ in range(threads)]
        self._stop = threading.Event()
        self._wake = threading.Event()

    def start(self) -> None:
        for thread in self._threads:
            thread.start()
        self._claimer.start()

    def stop(self, timeout: float = 30.0) -> None:
        """Stop taking jobs and wait (up to `timeout` in all) for the running ones to finish, so
        that no worker logs after the service has shut its logging down."""
        self._stop.set()
        self._wake.set()
        self._idle.put(None)
        deadline = time.monotonic() + timeout
        if self._claimer.is_alive():
            self._claimer.join(max(0.0, deadline - time.monotonic()))
        for handed in self._handed:  # after the claimer: a job it handed over still runs
            handed.put(None)
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        running = [t.name for t in self._threads if t.is_alive()]
        if running:  # their jobs' leases lapse and the next start resumes them
            log.warning("worker threads still running a job at shutdown", extra={
                "threads": running})

    def wake(self) -> None:
        self._wake.set()

    def _owner(self, worker: int) -> str:
        return f"{self.owner}-{worker}"

    def _claim(self) -> None:
        """The claimer: for each idle worker, the next runnable job (waiting for one to be
        queued, or 0.5 s for a back-off to end)."""
        while not self._stop.is_set():
            worker = self._idle.get()
            while worker is not None and not self._stop.is_set():
                try:
                    job = self.store.claim(self._owner(worker), self.lease_seconds)
                except Exception:
                    log.exception("claiming a job failed")
                    job = None
                if job is not None:
                    self._handed[worker].put(job)
                    break
                self._wake.wait(0.5)
                self._wake.clear()

    def _work(self, worker: int) -> None:
        """One worker thread: starts its analysis process, says it is idle, runs what it is
        handed, until handed None."""
        self.runner.warm()
        while True:
            self._idle.put(worker)
            job = self._handed[worker].get()
            if job is None:
                return
            self.run_one(job, self._owner(worker))

    def run_one(self, job: Job, owner: str) -> None:
        with bind(delivery=job.delivery_id, repo=job.repo, pr=job.number or None), \
                LeaseHeartbeat(self.store, job, owner, self.lease_seconds):
            self.runner.run(job, owner, max_attempts=self.max_attempts,
                            retry_base_seconds=self.retry_base_seconds)
