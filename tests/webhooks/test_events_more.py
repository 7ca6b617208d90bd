"""Deliveries beyond the core pull_request flow: merge queues, token mode, check re-runs, comment
commands, override labels and lapses, installations, and the GitHub request budget of a push.

Each test drives the real service over HTTP (signed deliveries) against the fake GitHub, on SQLite
and on PostgreSQL (the `make_service` fixture)."""

from __future__ import annotations

import json
import zlib

import pytest
import sqlalchemy as sa

from bot.render.markdown import MARKER
from tests.webhooks.conftest import (
    AUTH_PATCH,
    INSTALLATION,
    REPO,
    api_json,
    comment_payload,
    pr_payload,
)
from webhooks.runtime.store import installations

AUTH_PATCH_2 = (
    "@@ -12,2 +12,3 @@ def login(request):\n"
    "         request.session.flush()\n"
    "+        audit_log.warning('inactive login')\n"
    "         return HttpResponseForbidden()\n"
)
MIGRATION_PATCH = (
    "@@ -0,0 +1,3 @@\n"
    "+from django.db import migrations\n"
    "+class Migration(migrations.Migration):\n"
    "+    operations = []\n"
)
CLAUDE_TRAILER = "Co-Authored-By: Claude Opus 4.6 <noreply@anthropic.com>"
HEAD = "a" * 40
AUTH_FILE = {"filename": "app/auth/views.py", "patch": AUTH_PATCH}


def _auth_pr(fake, number=7, body="", head_sha=HEAD):
    return fake.add_pull(REPO, number=number, title="Tighten login", body=body, head_sha=head_sha,
                         files=[AUTH_FILE], commits=[{"sha": head_sha, "message": "Tighten login"}])


def _ours(fake, number=7):
    return [c for c in fake.comments(REPO, number) if MARKER in c["body"]]


def _replies(fake, number=7):
    return [c["body"] for c in fake.comments(REPO, number) if MARKER not in c["body"]]


def _conclusions(fake, head_sha=HEAD):
    return [r["conclusion"] for r in fake.check_runs(REPO, head_sha=head_sha)]


def _opened(svc, fake, number=7):
    assert svc.send("pull_request", pr_payload(fake, number)).status_code == 202
    svc.wait_idle()


def _overrides(svc):
    return [r for r in svc.service.store.audit() if r["type"] == "override.granted"]


def _decisions(svc):
    return [r for r in svc.service.store.audit() if r["type"] == "decision"]


def _sender(login, type_="User"):
    return {"login": login, "id": zlib.crc32(login.encode()) % 10_000_000, "type": type_}


def _ignored(response, reason):
    assert response.status_code == 200
    assert response.json() == {"status": "ignored", "reason": reason}


# ---------------------------------------------------------------------- merge queue
def merge_group_payload(fake, *, head_sha, base_sha, pr_head=HEAD, number=7):
    return {
        "action": "checks_requested",
        "merge_group": {
            "head_sha": head_sha,
            "head_ref": f"refs/heads/gh-readonly-queue/main/pr-{number}-{pr_head}",
            "base_sha": base_sha,
            "base_ref": "refs/heads/main",
            "head_commit": {
                "id": head_sha,
                "tree_id": "f" * 40,
                "message": f"Merge pull request #{number} from octo/feature",
                "timestamp": "2026-03-02T10:00:00Z",
                "author": {"name": "alice", "email": "alice@example.com"},
                "committer": {"name": "GitHub", "email": "noreply@github.com"},
            },
        },
        "repository": api_json(fake, f"/repos/{REPO}"),
        "installation": {"id": INSTALLATION, "node_id": "MDIz"},
        "sender": _sender("alice"),
    }


@pytest.mark.parametrize(
    ("message", "conclusion"),
    [("Tighten login", "failure"), (f"Tighten login\n\n{CLAUDE_TRAILER}", "success")],
    ids=["no-model-evidence", "claude-opus-trailer"],
)
def test_merge_group_gets_a_check_run_on_the_group_head(make_service, fake, message, conclusion):
    svc = make_service()
    base_sha, group_head = "1" * 40, "9" * 40
    fake.set_branch(REPO, "main", base_sha)
    fake.set_branch(REPO, f"gh-readonly-queue/main/pr-7-{HEAD}", group_head)
    fake.set_compare(REPO, base_sha, group_head, files=[AUTH_FILE], commits=[
        {"sha": HEAD, "message": message, "author_login": "alice"},
        {"sha": group_head, "message": "Merge pull request #7 from octo/feature"},
    ])
    response = svc.send("merge_group", merge_group_payload(fake, head_sha=group_head,
                                                           base_sha=base_sha))
    assert response.status_code == 202
    svc.wait_idle()
    runs = fake.check_runs(REPO, head_sha=group_head)
    assert [(r["name"], r["conclusion"]) for r in runs] == [("modeltier", conclusion)]
    assert runs[0]["output"]["title"].startswith("Merge group: Critical")
    assert fake.count("GET", f"/repos/{REPO}/compare/{base_sha}...{group_head}") == 1
    assert svc.service.store.count_jobs("dead") == 0


def test_merge_group_other_actions_are_ignored(make_service, fake):
    svc = make_service()
    payload = merge_group_payload(fake, head_sha="9" * 40, base_sha="1" * 40)
    payload["action"] = "destroyed"
    payload["reason"] = "merged"
    _ignored(svc.send("merge_group", payload), "merge_group.destroyed")


# ---------------------------------------------------------------------- token mode
def test_token_mode_handles_a_repository_webhook_without_installation(make_service, fake):
    svc = make_service(github_app_id=None, github_private_key=None, github_token=fake.token)
    _auth_pr(fake)
    payload = pr_payload(fake, 7)
    del payload["installation"]  # a repository webhook, not an App delivery
    assert svc.send("pull_request", payload).status_code == 202
    svc.wait_idle()
    comments = _ours(fake)
    assert [c["user"]["login"] for c in comments] == ["octocat"]
    # check runs are for Apps only: the fake refuses them, the service falls back to a status
    assert fake.check_runs(REPO) == []
    assert fake.count("POST", f"/repos/{REPO}/check-runs", status=403) == 1
    statuses = fake.statuses(REPO, HEAD)
    assert [(s["context"], s["state"], s["creator"]["login"]) for s in statuses] == [
        ("modeltier", "failure", "octocat")]
    assert statuses[0]["description"].startswith("Critical")
    assert svc.service.store.count_jobs("dead") == 0

    fake.push(REPO, 7, "c" * 40, files=[AUTH_FILE])
    payload = pr_payload(fake, 7, action="synchronize")
    del payload["installation"]
    svc.send("pull_request", payload)
    svc.wait_idle()
    assert [s["state"] for s in fake.statuses(REPO, "c" * 40)] == ["failure"]
    assert fake.count("POST", f"/repos/{REPO}/check-runs") == 1  # not tried again
    assert len(_ours(fake)) == 1


# ---------------------------------------------------------------------- check re-runs
def _check_run_payload(fake, head_sha, action="rerequested"):
    run = fake.check_runs(REPO, head_sha=head_sha)[-1]
    run = {k: v for k, v in run.items() if k not in ("annotations", "updates")}
    return {"action": action, "check_run": run, "repository": api_json(fake, f"/repos/{REPO}"),
            "installation": {"id": INSTALLATION}, "sender": _sender("alice")}


def test_check_run_rerequested_evaluates_the_pr_again(make_service, fake):
    svc = make_service()
    _auth_pr(fake)
    _opened(svc, fake)
    assert _conclusions(fake) == ["failure"]
    fake.update_pull(REPO, 7, body="Model: GPT-5.4")  # no delivery for this: only the re-run
    payload = _check_run_payload(fake, HEAD)
    assert [p["number"] for p in payload["check_run"]["pull_requests"]] == [7]
    assert svc.send("check_run", payload).status_code == 202
    svc.wait_idle()
    assert _conclusions(fake) == ["success"]
    assert len(_decisions(svc)) == 2


def test_check_run_rerequested_for_another_apps_check_is_ignored(make_service, fake):
    svc = make_service()
    _auth_pr(fake)
    _opened(svc, fake)
    payload = _check_run_payload(fake, HEAD)
    payload["check_run"]["name"] = "ci/tests"
    _ignored(svc.send("check_run", payload), "another app's check run")


def test_check_suite_rerequested_without_pull_requests_is_ignored(make_service, fake):
    svc = make_service()
    payload = {
        "action": "rerequested",
        "check_suite": {
            "id": 6000001, "head_branch": "feature", "head_sha": "f" * 40,
            "status": "completed", "conclusion": "failure", "pull_requests": [],
            "app": {"id": fake.app_id, "slug": "modeltier"},
        },
        "repository": api_json(fake, f"/repos/{REPO}"),
        "installation": {"id": INSTALLATION},
        "sender": _sender("alice"),
    }
    _ignored(svc.send("check_suite", payload), "no pull request attached (a fork's push)")
    assert svc.service.store.count_jobs("pending") == 0
    assert fake.check_runs(REPO) == []


# ---------------------------------------------------------------------- comment commands
def test_recheck_command_evaluates_again(make_service, fake):
    svc = make_service()
    _auth_pr(fake)
    _opened(svc, fake)
    fake.update_pull(REPO, 7, body="Model: GPT-5.4")
    assert svc.send("issue_comment",
                    comment_payload(fake, 7, "/modeltier recheck", "alice")).status_code == 202
    svc.wait_idle()
    assert _conclusions(fake) == ["success"]  # the same check run, updated
    assert len(_ours(fake)) == 1


def test_comment_by_a_bot_is_ignored(make_service, fake):
    svc = make_service()
    _auth_pr(fake)
    payload = comment_payload(fake, 7, "/modeltier override because I say so", "renovate[bot]")
    payload["comment"]["user"]["type"] = "Bot"
    payload["sender"]["type"] = "Bot"
    _ignored(svc.send("issue_comment", payload), "comment by a bot")
    assert svc.service.store.count_jobs("pending") == 0


def test_override_command_without_a_reason_asks_for_one(make_service, fake):
    svc = make_service()
    _auth_pr(fake)
    fake.set_permission(REPO, "bob", "maintain")
    _opened(svc, fake)
    svc.send("issue_comment", comment_payload(fake, 7, "/modeltier override", "bob"))
    svc.wait_idle()
    replies = _replies(fake)
    assert len(replies) == 1
    assert replies[0].startswith("@bob an override needs a reason")
    assert "`/modeltier override <reason>`" in replies[0]
    assert _overrides(svc) == []
    assert svc.service.store.active_overrides(REPO, 7) == []
    assert _conclusions(fake) == ["failure"]


@pytest.mark.parametrize(
    ("role", "conclusion", "reply"),
    [("maintain", "success", None), ("read", "failure", "@mallory cannot override")],
    ids=["maintainer", "read-only"],
)
def test_override_label(make_service, fake, role, conclusion, reply):
    svc = make_service()
    _auth_pr(fake)
    login = "bob" if role == "maintain" else "mallory"
    fake.set_permission(REPO, login, role)
    _opened(svc, fake)
    fake.update_pull(REPO, 7, labels=[*fake.labels_on(REPO, 7), "modeltier:override"])
    payload = pr_payload(fake, 7, action="labeled", label={"name": "modeltier:override"},
                         sender=_sender(login))
    assert svc.send("pull_request", payload).status_code == 202
    svc.wait_idle()
    assert _conclusions(fake)[-1] == conclusion
    if reply is None:
        rows = _overrides(svc)
        assert [(r["who"], r["reason"]) for r in rows] == [
            (login, "label `modeltier:override` added")]
        assert login in _ours(fake)[0]["body"]
        assert "modeltier:override" in fake.labels_on(REPO, 7)  # an accepted label stays
    else:
        assert _overrides(svc) == []
        assert any(r.startswith(reply) for r in _replies(fake))
        assert "modeltier:override" not in fake.labels_on(REPO, 7)  # a refused one is removed


def test_override_label_added_by_the_bot_itself_is_not_an_override(make_service, fake):
    """modeltier puts the override label back when someone without the role removes it: that
    event, sent by the App's own bot, must not grant an override."""
    svc = make_service()
    _auth_pr(fake)
    _opened(svc, fake)
    fake.update_pull(REPO, 7, labels=[*fake.labels_on(REPO, 7), "modeltier:override"])
    payload = pr_payload(fake, 7, action="labeled", label={"name": "modeltier:override"},
                         sender=_sender(fake.bot_login, "Bot"))
    _ignored(svc.send("pull_request", payload), "override label added by a bot or no one")
    svc.wait_idle()
    assert _overrides(svc) == []
    assert svc.service.store.active_overrides(REPO, 7) == []
    assert _conclusions(fake) == ["failure"]


def test_override_label_added_by_a_bot_is_not_an_override(make_service, fake):
    svc = make_service()
    _auth_pr(fake)
    payload = pr_payload(fake, 7, action="labeled", label={"name": "modeltier:override"},
                         sender=_sender("dependabot[bot]", "Bot"))
    _ignored(svc.send("pull_request", payload), "override label added by a bot or no one")
    assert _overrides(svc) == []


# ---------------------------------------------------------------------- PR updates
def test_edited_description_is_read_from_github(make_service, fake):
    svc = make_service()
    _auth_pr(fake)
    _opened(svc, fake)
    assert _conclusions(fake) == ["failure"]
    stale = pr_payload(fake, 7, action="edited", changes={"body": {"from": ""}})
    fake.update_pull(REPO, 7, body="Model: GPT-5.4")
    assert stale["pull_request"]["body"] in (None, "")  # the payload predates the edit
    assert svc.send("pull_request", stale).status_code == 202
    svc.wait_idle()
    assert _conclusions(fake) == ["success"]
    assert "GPT-5.4" in _ours(fake)[0]["body"]


# ---------------------------------------------------------------------- installations
def _installation_rows(svc):
    with svc.service.store.engine.connect() as conn:
        rows = conn.execute(sa.select(installations).order_by(installations.c.id)).all()
    return [(r.id, r.account, r.action, json.loads(r.repositories)) for r in rows]


def _installation(fake, installation_id=43):
    return {"id": installation_id, "account": _sender("octo", "Organization"),
            "repository_selection": "selected", "app_id": fake.app_id, "app_slug": "modeltier",
            "target_type": "Organization", "permissions": {"checks": "write"},
            "events": ["pull_request"]}


def _repo_ref(full_name):
    return {"id": zlib.crc32(full_name.encode()) % 1_000_000, "name": full_name.split("/")[1],
            "full_name": full_name, "private": False}


def test_installation_events_are_recorded(make_service, fake):
    svc = make_service()
    created = {"action": "created", "installation": _installation(fake),
               "repositories": [_repo_ref("octo/app")], "requester": None,
               "sender": _sender("alice")}
    response = svc.send("installation", created)
    assert response.status_code == 200
    assert response.json()["status"] == "ignored"
    assert _installation_rows(svc) == [(43, "octo", "installation.created", ["octo/app"])]

    added = {"action": "added", "installation": _installation(fake),
             "repository_selection": "selected", "repositories_added": [_repo_ref("octo/lib")],
             "repositories_removed": [], "requester": None, "sender": _sender("alice")}
    assert svc.send("installation_repositories", added).status_code == 200
    assert _installation_rows(svc) == [
        (43, "octo", "installation_repositories.added", ["octo/app", "octo/lib"])]

    removed = {**added, "action": "removed", "repositories_added": [],
               "repositories_removed": [_repo_ref("octo/app")]}
    assert svc.send("installation_repositories", removed).status_code == 200
    assert _installation_rows(svc) == [
        (43, "octo", "installation_repositories.removed", ["octo/lib"])]
    assert svc.service.store.count_jobs("pending") == 0


# ---------------------------------------------------------------------- request budget
def test_synchronize_costs_at_most_six_github_requests(make_service, fake):
    svc = make_service()
    _auth_pr(fake)
    _opened(svc, fake)
    fake.push(REPO, 7, "c" * 40, files=[{"filename": "app/auth/views.py",
                                         "patch": AUTH_PATCH_2}])
    payload = pr_payload(fake, 7, action="synchronize")
    before = fake.count()
    svc.send("pull_request", payload)
    svc.wait_idle()
    spent = [f"{r.method} {r.path}" for r in fake.request_log()[before:]]
    assert _conclusions(fake, "c" * 40) == ["failure"]
    # The comment has a review checklist: its ticks come from the App's record of GitHub's
    # edit events (issue 11), so the comment is written without being read first; the head is
    # new, so no earlier attempt can have made its check run and none is looked for; within a
    # push's burst the organisation policy's head is remembered: PR, files, commits, check run,
    # comment, and (the required tier is not met yet) the git-ai notes ref.
    assert len(spent) <= 6, spent
    assert not [r for r in spent if r.startswith("GET") and "/comments" in r], spent
    assert not [r for r in spent if r.startswith("GET") and "/check-runs" in r], spent
    assert not [r for r in spent if "/contents/" in r]  # the base's policy is already known


def test_a_moved_base_reads_the_policy_again(make_service, fake):
    svc = make_service()
    _auth_pr(fake)
    _opened(svc, fake)
    assert _conclusions(fake) == ["failure"]
    new_base = "5" * 40
    fake.set_file(REPO, ref=new_base, path=".github/modeltier.yml",
                  content="areas:\n  auth:\n    enabled: false\n"
                          "  transactions:\n    enabled: false\n")
    fake.update_pull(REPO, 7, base_sha=new_base)
    svc.send("pull_request", pr_payload(fake, 7, action="edited"))
    svc.wait_idle()
    assert _conclusions(fake) == ["neutral"]
    assert fake.count("GET", f"/repos/{REPO}/contents/.github/modeltier.yml") == 2
