"""An override covers exactly what its giver saw (issue 15, section 1): the head the PR had when
the comment or label was made and that head's critical evidence; a push that adds evidence
suspends it and says so; one comment grants once; deleting the comment or removing the label
revokes it; the author cannot override their own PR; every step is on the audit.

Each test drives the real service over HTTP (signed deliveries) against the fake GitHub, on SQLite
and on PostgreSQL (the `make_service` fixture)."""

from __future__ import annotations

import datetime
import json
import uuid

import pytest

from bot.cli import main
from bot.render.markdown import MARKER
from tests.webhooks.conftest import AUTH_PATCH, REPO, comment_payload, pr_payload

HEAD = "a" * 40
PUSHED = "b" * 40
AUTH_FILE = {"filename": "app/auth/views.py", "patch": AUTH_PATCH}
# The same change, lower in the file (a push above it moved it): nothing new.
MOVED_FILE = {"filename": "app/auth/views.py", "patch": AUTH_PATCH.replace("-10,3 +10,4",
                                                                           "-31,3 +31,4")}
# Part of the covered change taken back: nothing new.
FEWER_FILE = {"filename": "app/auth/views.py", "patch": (
    "@@ -10,3 +10,3 @@ def login(request):\n"
    "     user = authenticate(request, username=u, password=p)\n"
    "-    if user is None:\n"
    "+    if user is None or not user.is_active:\n"
    "         return HttpResponseForbidden()\n"
)}
# The reproduction: new code in the area the override was given for.
BACKDOOR_FILE = {"filename": "app/auth/backdoor.py", "status": "added", "patch": (
    "@@ -0,0 +1,2 @@\n"
    "+def verify(token):\n"
    "+    return True\n"
)}
MIGRATION_FILE = {"filename": "app/db/migrations/0042_accounts.py", "status": "added", "patch": (
    "@@ -0,0 +1,3 @@\n"
    "+from django.db import migrations\n"
    "+class Migration(migrations.Migration):\n"
    "+    operations = []\n"
)}


def _pr(fake, *, author="octocat"):
    return fake.add_pull(REPO, number=7, title="Tighten login", head_sha=HEAD, user_login=author,
                         files=[AUTH_FILE], commits=[{"sha": HEAD, "message": "Tighten login"}])


def _policy(fake, text):
    fake.set_file(REPO, ref="main", path=".github/modeltier.yml", content=text)


def _opened(svc, fake):
    assert svc.send("pull_request", pr_payload(fake, 7)).status_code == 202
    svc.wait_idle()


def _override(svc, fake, login="bob", **kwargs):
    payload = comment_payload(fake, 7, "/modeltier override reviewed the login change", login,
                              **kwargs)
    assert svc.send("issue_comment", payload).status_code == 202
    svc.wait_idle()
    return payload


def _push(svc, fake, sha, files):
    fake.push(REPO, 7, sha, files=files)
    assert svc.send("pull_request", pr_payload(fake, 7, action="synchronize")).status_code == 202
    svc.wait_idle()


def _run(fake, sha):
    [run] = fake.check_runs(REPO, head_sha=sha)
    return run


def _comment(fake):
    [ours] = [c["body"] for c in fake.comments(REPO, 7) if MARKER in c["body"]]
    return ours


def _replies(fake):
    return [c["body"] for c in fake.comments(REPO, 7) if MARKER not in c["body"]]


def _events(svc, kind):
    return [r for r in svc.service.store.audit() if r["type"] == kind]


def _sender(login, type_="User"):
    return {"login": login, "id": abs(hash(login)) % 10_000_000, "type": type_}


@pytest.fixture
def overridden(make_service, fake):
    """PR #7 at HEAD (a critical auth change), overridden by bob (maintain) on HEAD; the
    override comment's payload is `svc.granting`."""
    svc = make_service()
    _pr(fake)
    fake.set_permission(REPO, "bob", "maintain")
    _opened(svc, fake)
    assert _run(fake, HEAD)["conclusion"] == "failure"
    svc.granting = _override(svc, fake)
    assert _run(fake, HEAD)["conclusion"] == "success"
    return svc


@pytest.mark.parametrize("files", [[MOVED_FILE], [FEWER_FILE]], ids=["moved", "fewer"])
def test_an_override_holds_while_a_push_only_moves_or_removes_what_it_covered(
        overridden, fake, files):
    _push(overridden, fake, PUSHED, files)
    assert _run(fake, PUSHED)["conclusion"] == "success"
    assert "bob" in _comment(fake)
    assert _events(overridden, "override.suspended") == []


@pytest.mark.parametrize(
    ("files", "named"),
    [([AUTH_FILE, BACKDOOR_FILE], "`app/auth/backdoor.py` is new in Authentication"),
     ([AUTH_FILE, MIGRATION_FILE], "a new critical area, ")],
    ids=["new-code-same-area", "new-area"])
def test_a_push_adding_critical_code_suspends_the_override_and_says_so(
        overridden, fake, files, named):
    _push(overridden, fake, PUSHED, files)
    run = _run(fake, PUSHED)
    assert run["conclusion"] == "failure"
    assert run["output"]["title"].startswith("Override suspended - ")
    said = ("the override by @bob covered head `aaaaaaaaaaaa`; new critical changes since: ")
    assert said in run["output"]["summary"]
    assert said in _comment(fake)
    assert named in _comment(fake)
    # evaluated again (a recheck): still suspended, on the record once
    assert overridden.send("issue_comment",
                           comment_payload(fake, 7, "/modeltier recheck", "alice")).status_code
    overridden.wait_idle()
    [event] = _events(overridden, "override.suspended")
    assert event["head_sha"] == PUSHED
    assert event["reason"].startswith("override by @bob covered head aaaaaaaaaaaa; ")


def test_scope_sha_holds_on_its_head_only(make_service, fake):
    _policy(fake, "enforcement:\n  override:\n    scope: sha\n")
    svc = make_service()
    _pr(fake)
    fake.set_permission(REPO, "bob", "maintain")
    _opened(svc, fake)
    _override(svc, fake)
    assert _run(fake, HEAD)["conclusion"] == "success"
    _push(svc, fake, PUSHED, [MOVED_FILE])
    assert _run(fake, PUSHED)["conclusion"] == "failure"
    assert "the policy's override scope is one head" in _comment(fake)


@pytest.mark.parametrize("scope", ["pr", "sha"])
def test_an_override_binds_to_the_head_when_the_comment_was_written(make_service, fake, scope):
    """GitHub's head moved to a backdoor before the comment's job ran: the override covers the
    head the commenter saw, not the backdoor."""
    _policy(fake, f"enforcement:\n  override:\n    scope: {scope}\n")
    svc = make_service()
    pr = _pr(fake)
    fake.set_permission(REPO, "bob", "maintain")
    fake.set_compare(REPO, pr.base_sha, HEAD, files=[AUTH_FILE],
                     commits=[{"sha": HEAD, "message": "Tighten login"}])
    _opened(svc, fake)
    written = comment_payload(fake, 7, "/modeltier override reviewed the login change", "bob")
    fake.push(REPO, 7, PUSHED, files=[AUTH_FILE, BACKDOOR_FILE])  # no delivery yet
    assert svc.send("issue_comment", written).status_code == 202
    svc.wait_idle()
    run = _run(fake, PUSHED)
    assert run["conclusion"] == "failure"
    assert "override by @bob covered head `aaaaaaaaaaaa`" in run["output"]["summary"]
    [granted] = svc.service.store.active_overrides(REPO, 7)
    assert granted["head_sha"] == HEAD


def test_an_override_label_binds_to_the_head_of_its_event(make_service, fake):
    svc = make_service()
    pr = _pr(fake)
    fake.set_permission(REPO, "bob", "maintain")
    fake.set_compare(REPO, pr.base_sha, HEAD, files=[AUTH_FILE])
    _opened(svc, fake)
    labeled = pr_payload(fake, 7, action="labeled", label={"name": "modeltier:override"},
                         sender=_sender("bob"))
    fake.push(REPO, 7, PUSHED, files=[AUTH_FILE, BACKDOOR_FILE])
    fake.update_pull(REPO, 7, labels=["modeltier:override"])
    assert svc.send("pull_request", labeled).status_code == 202
    svc.wait_idle()
    assert _run(fake, PUSHED)["conclusion"] == "failure"
    assert [r["head_sha"] for r in svc.service.store.active_overrides(REPO, 7)] == [HEAD]


def test_a_resent_override_comment_grants_once_and_not_again_after_a_push(overridden, fake):
    _push(overridden, fake, PUSHED, [AUTH_FILE, BACKDOOR_FILE])
    assert _run(fake, PUSHED)["conclusion"] == "failure"
    # the override comment's signed payload, sent again under a new delivery id
    response = overridden.send("issue_comment", overridden.granting, delivery=str(uuid.uuid4()))
    assert response.status_code == 202
    overridden.wait_idle()
    assert _run(fake, PUSHED)["conclusion"] == "failure"
    assert len(_events(overridden, "override.granted")) == 1


def test_deleting_the_override_comment_revokes_it(overridden, fake):
    deleted = {**overridden.granting, "action": "deleted", "sender": _sender("maya")}
    assert overridden.send("issue_comment", deleted).status_code == 202
    overridden.wait_idle()
    assert _run(fake, HEAD)["conclusion"] == "failure"
    assert overridden.service.store.active_overrides(REPO, 7) == []
    [revoked] = _events(overridden, "override.revoked")
    assert (revoked["who"], revoked["reason"]) == ("maya", "override comment deleted")


def test_an_override_comment_deleted_before_its_job_ran_never_grants(make_service, fake):
    svc = make_service()
    _pr(fake)
    fake.set_permission(REPO, "bob", "maintain")
    _opened(svc, fake)
    written = comment_payload(fake, 7, "/modeltier override reviewed the login change", "bob")
    assert svc.send("issue_comment", {**written, "action": "deleted"}).status_code == 202
    svc.wait_idle()
    assert svc.send("issue_comment", written).status_code == 202  # delivered late, or retried
    svc.wait_idle()
    assert _run(fake, HEAD)["conclusion"] == "failure"
    assert _events(svc, "override.granted") == []
    [refused] = _events(svc, "override.refused")
    assert refused["reason"] == "override comment deleted before it was acted on"


def test_deleting_another_comment_revokes_nothing(overridden, fake):
    other = comment_payload(fake, 7, "/modeltier override something else", "bob",
                            action="deleted")
    assert overridden.send("issue_comment", other).status_code == 202
    overridden.wait_idle()
    assert _run(fake, HEAD)["conclusion"] == "success"
    assert _events(overridden, "override.revoked") == []


@pytest.mark.parametrize(("role", "revoked"), [("maintain", True), ("triage", False)])
def test_removing_the_override_label_revokes_it_when_the_remover_may_override(
        make_service, fake, role, revoked):
    svc = make_service()
    _pr(fake)
    fake.set_permission(REPO, "bob", "maintain")
    fake.set_permission(REPO, "tim", role)
    _opened(svc, fake)
    fake.update_pull(REPO, 7, labels=["modeltier:override"])
    svc.send("pull_request", pr_payload(fake, 7, action="labeled",
                                        label={"name": "modeltier:override"},
                                        sender=_sender("bob")))
    svc.wait_idle()
    assert _run(fake, HEAD)["conclusion"] == "success"
    fake.update_pull(REPO, 7, labels=[])
    svc.send("pull_request", pr_payload(fake, 7, action="unlabeled",
                                        label={"name": "modeltier:override"},
                                        sender=_sender("tim")))
    svc.wait_idle()
    if revoked:
        assert _run(fake, HEAD)["conclusion"] == "failure"
        assert [e["who"] for e in _events(svc, "override.revoked")] == ["tim"]
    else:
        assert _run(fake, HEAD)["conclusion"] == "success"
        assert _events(svc, "override.revoked") == []
        [refused] = _events(svc, "override.refused")
        assert refused["who"] == "tim"
        assert "modeltier:override" in fake.labels_on(REPO, 7)  # put back: it still holds


@pytest.mark.parametrize(("policy", "conclusion"), [("", "failure"), (
    "enforcement:\n  override:\n    allow_author: true\n", "success")],
    ids=["default", "allow_author"])
def test_the_author_cannot_override_their_own_pr_whatever_their_role(
        make_service, fake, policy, conclusion):
    if policy:
        _policy(fake, policy)
    svc = make_service()
    _pr(fake, author="alice")
    fake.set_permission(REPO, "alice", "admin")
    _opened(svc, fake)
    _override(svc, fake, login="alice")
    assert _run(fake, HEAD)["conclusion"] == conclusion
    if conclusion == "failure":
        [reply] = _replies(fake)
        assert reply.startswith("@alice cannot override their own pull request here")
        [refused] = _events(svc, "override.refused")
        assert (refused["who"], refused["reason"]) == ("alice", "the pull request's author")
        assert svc.service.store.active_overrides(REPO, 7) == []


def test_grant_suspension_and_revocation_show_in_the_audit_command(
        overridden, fake, database_url, monkeypatch, capsys):
    _push(overridden, fake, PUSHED, [AUTH_FILE, BACKDOOR_FILE])
    overridden.send("issue_comment", {**overridden.granting, "action": "deleted"})
    overridden.wait_idle()
    monkeypatch.setenv("MODELTIER_DATABASE_URL", database_url)
    assert main(["audit", "--format", "json"]) == 0
    rows = [r for r in json.loads(capsys.readouterr().out) if r["type"].startswith("override.")]
    assert [(r["type"], r["who"], r["head_sha"][:1]) for r in rows] == [
        ("override.granted", "bob", "a"),
        ("override.suspended", "", "b"),
        ("override.revoked", "bob", "a"),
    ]
    assert rows[0]["reason"] == "reviewed the login change"


def test_the_head_before_a_time_is_the_newest_seen_before_it(make_service, fake):
    """The timeline a comment is placed on: a head counts from the earliest time it is known to
    have been there (a delivery's time, or a job's read), and only before the comment."""
    svc = make_service()
    _pr(fake)
    _opened(svc, fake)  # the job read HEAD
    store = svc.service.store
    now = datetime.datetime.now(datetime.UTC)
    assert store.head_before(REPO, 7, now) == HEAD
    assert store.head_before(REPO, 7, now - datetime.timedelta(hours=1)) is None
    store.note_push(REPO, 7, PUSHED, now + datetime.timedelta(seconds=5))
    assert store.head_before(REPO, 7, now + datetime.timedelta(seconds=1)) == HEAD
    assert store.head_before(REPO, 7, now + datetime.timedelta(seconds=6)) == PUSHED
    store.note_push(REPO, 7, PUSHED, now - datetime.timedelta(hours=2))  # known earlier now
    assert store.head_before(REPO, 7, now - datetime.timedelta(hours=1)) == PUSHED
