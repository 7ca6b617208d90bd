"""A critical change declared as written without AI, under `enforcement.human_declaration`:
accepted, accepted once the right person approves (reviews come in as data), or rejected."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from bot.analysis.advice import Place
from bot.analysis.decide import decide
from bot.analysis.diff import parse_diff
from bot.analysis.models import Commit, Decision, PullRequestInfo, Review, Verdict
from policies.loader import load_policy
from policies.model import Permission
from tests.bot._diffs import edit

AUTH = parse_diff(edit("app/auth/views.py", ["@login_required", "def profile(request):"]))
CODEOWNERS = "* @everyone-team-lead\napp/auth/ @carol @acme/security\n"


def approved(login: str, permission: Permission | None = None, *teams: str) -> Review:
    return Review(login=login, state="APPROVED", commit_id="h1", permission=permission,
                  teams=teams)


def state(login: str, value: str) -> Review:
    return Review(login=login, state=value, commit_id="h1", permission=Permission.ADMIN)


@dataclass(frozen=True)
class Case:
    verdict: Verdict
    blocking: bool
    reviews: tuple[Review, ...] | None = ()
    body: str = "Model: none"
    rule: str = "require_review"
    commits: tuple[str, ...] = ()
    codeowners: str | None = CODEOWNERS
    place: Place = "app"


CASES = {
    # the CLI and pre-commit have no reviews: they say what the PR will need, never block on it
    "no-reviews-read-cli": Case(Verdict.MISSING, False, reviews=None, place="cli"),
    "no-reviews-read-commit": Case(Verdict.MISSING, False, reviews=None, place="commit"),
    # on GitHub, reviews that were not read (a merge group) fail closed
    "no-reviews-read-app": Case(Verdict.MISSING, True, reviews=None),
    "no-approval-yet": Case(Verdict.MISSING, True),
    "maintainer-approves": Case(Verdict.PASS, False, (approved("mia", Permission.MAINTAIN),)),
    "admin-approves": Case(Verdict.PASS, False, (approved("ada", Permission.ADMIN),)),
    "writer-not-owner": Case(Verdict.MISSING, True, (approved("wes", Permission.WRITE),)),
    "code-owner-in-person": Case(Verdict.PASS, False, (approved("Carol", Permission.WRITE),)),
    "code-owner-through-team": Case(
        Verdict.PASS, False, (approved("tom", Permission.READ, "acme/security"),)
    ),
    # the last matching CODEOWNERS rule decides: the catch-all owner does not own app/auth/
    "owner-of-another-rule": Case(
        Verdict.MISSING, True, (approved("everyone-team-lead", Permission.WRITE),)
    ),
    "no-codeowners-file": Case(
        Verdict.MISSING, True, (approved("carol", Permission.WRITE),), codeowners=None
    ),
    "approval-then-changes-requested": Case(
        Verdict.MISSING, True, (state("ada", "APPROVED"), state("ada", "CHANGES_REQUESTED"))
    ),
    "approval-then-dismissed": Case(
        Verdict.MISSING, True, (state("ada", "APPROVED"), state("ada", "DISMISSED"))
    ),
    "approval-then-comment-stands": Case(
        Verdict.PASS, False, (state("ada", "APPROVED"), state("ada", "COMMENTED"))
    ),
    "changes-requested-then-approval": Case(
        Verdict.PASS, False, (state("ada", "CHANGES_REQUESTED"), state("ada", "APPROVED"))
    ),
    "ticked-written-by-hand-box": Case(
        Verdict.PASS, False, (approved("mia", Permission.MAINTAIN),),
        body="- [x] Written by hand\n- [ ] GPT-5.4",
    ),
    "no-ai-line": Case(Verdict.MISSING, True, body="AI model: No AI"),
    "accept": Case(Verdict.PASS, False, rule="accept"),
    "reject-even-with-approval": Case(
        Verdict.MISSING, True, (approved("ada", Permission.ADMIN),), rule="reject"
    ),
    # an AI tool's own trailer contradicts "no AI": the tool marker is what counts
    "contradicted-by-a-tool-trailer": Case(
        Verdict.FAIL, True, (approved("ada", Permission.ADMIN),),
        commits=("Fix\n\nMade-with: Cursor",),
    ),
    "a-premium-model-passes-without-review": Case(
        Verdict.PASS, False, body="Model: GPT-5.4"
    ),
}


def run(case: Case) -> Decision:
    policy = load_policy(f"enforcement:\n  human_declaration: {case.rule}\n")
    pr = PullRequestInfo(
        body=case.body, reviews=case.reviews, codeowners=case.codeowners,
        commits=tuple(Commit(sha="c0ffee0", message=m) for m in case.commits),
    )
    return decide(AUTH, policy, pr, case.place)


@pytest.mark.parametrize("case", list(CASES.values()), ids=list(CASES))
def test_human_declaration_table(case: Case) -> None:
    decision = run(case)
    assert (decision.verdict, decision.blocking) == (case.verdict, case.blocking)
    assert (decision.fix is None) == (case.verdict == Verdict.PASS)
    # a pass that rests on a review names the approval; one that rests on a model has none
    approvals = decision.human_review.approved_by if decision.human_review else []
    assert bool(approvals) == (
        case.verdict == Verdict.PASS and case.rule == "require_review" and bool(case.reviews)
    )


def test_the_approval_is_named_in_the_reason() -> None:
    decision = run(CASES["code-owner-through-team"])
    assert decision.verdict_reason == (
        "Declared as written without AI (PR description, line 1) and approved by @tom (code "
        "owner of `app/auth/views.py`), as the policy requires for such a change."
    )


def test_without_reviews_it_says_what_the_pr_will_need() -> None:
    decision = run(CASES["no-reviews-read-cli"])
    assert decision.human_review is not None and not decision.human_review.reviews_read
    assert "accepts once someone with the maintain role or higher or a code owner of the " \
        "touched files approves the pull request." in decision.verdict_reason
    assert decision.fix is not None and "Do not declare a model that was not used." in decision.fix


def test_with_reviews_read_it_names_the_owned_files() -> None:
    decision = run(CASES["writer-not-owner"])
    assert decision.human_review is not None and decision.human_review.reviews_read
    assert decision.human_review.reviewers == (
        "someone with the maintain role or higher or a code owner of `app/auth/views.py`"
    )
    assert decision.verdict_reason.endswith("approves the pull request; no such approval yet.")


def test_a_contradicted_declaration_is_reported_as_a_conflict() -> None:
    decision = run(CASES["contradicted-by-a-tool-trailer"])
    assert decision.human_review is None
    assert decision.evidence_conflict is not None
    assert "declared as written without AI (PR description, line 1), but commit c0ffee0" in (
        decision.evidence_conflict
    )


@pytest.mark.parametrize(("old", "new"), [("true", "accept"), ("false", "reject")])
def test_the_old_accept_human_declaration_key_still_reads(old: str, new: str) -> None:
    policy = load_policy(f"enforcement:\n  accept_human_declaration: {old}\n")
    assert policy.enforcement.human_declaration == new
