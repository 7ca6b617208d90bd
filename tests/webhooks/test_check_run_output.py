"""The App's check run as GitHub shows it (issue 11, section 3): annotations on the head's lines,
removed lines included where SARIF places them; a merge group's summary links its evidence."""

from __future__ import annotations

from bot.analysis.decide import decide
from bot.analysis.diff import GitHubFile, parse_github_files
from bot.analysis.models import PullRequestInfo
from policies.loader import default_policy
from tests.webhooks.conftest import REPO, pr_payload
from tests.webhooks.test_events_more import AUTH_FILE, merge_group_payload

REFUND_PATCH = (
    "@@ -20,3 +20,3 @@ class RefundView(View):\n"
    "     def post(self, request):\n"
    "-        stripe.Refund.create(charge=request.POST[\"charge\"])\n"
    "+        queue_refund(request.POST[\"charge\"])\n"
    "         return JsonResponse({\"ok\": True})\n"
)


def test_a_removed_line_is_annotated_on_the_nearest_head_line_and_says_which_it_was(
    make_service, fake
):
    svc = make_service()
    fake.add_pull(REPO, number=7, title="Queue refunds", head_sha="a" * 40,
                  files=[{"filename": "app/billing/refunds.py", "patch": REFUND_PATCH}])
    svc.send("pull_request", pr_payload(fake, 7))
    svc.wait_idle()
    (run,) = fake.check_runs(REPO, head_sha="a" * 40)
    decision = decide(
        parse_github_files([GitHubFile("app/billing/refunds.py", patch=REFUND_PATCH)]),
        default_policy(), PullRequestInfo())
    removed = [e for a in decision.areas for e in a.evidence if e.side == "old"]
    assert [(e.rule, e.line, e.head_line) for e in removed] == [("billing.stripe", 21, 20)]
    annotations = {(a["start_line"], a["message"]) for a in run["annotations"]}
    for evidence in removed:
        assert evidence.head_line is not None
        assert (evidence.head_line, f"Rule {evidence.rule} (removed line {evidence.line} of the "
                f"old file): {evidence.snippet}") in annotations
    assert all(a["path"] == "app/billing/refunds.py" for a in run["annotations"])


def test_a_merge_groups_summary_links_its_evidence(make_service, fake):
    svc = make_service()
    base_sha, group_head = "1" * 40, "9" * 40
    fake.set_branch(REPO, "main", base_sha)
    fake.set_compare(REPO, base_sha, group_head, files=[AUTH_FILE], commits=[
        {"sha": group_head, "message": "Merge pull request #7 from octo/feature"}])
    svc.send("merge_group", merge_group_payload(fake, head_sha=group_head, base_sha=base_sha))
    svc.wait_idle()
    (run,) = fake.check_runs(REPO, head_sha=group_head)
    assert f'<a href="/{REPO}/blob/{group_head}/app/auth/views.py#L' in run["output"]["summary"]
