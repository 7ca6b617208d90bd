"""The App and the evidence of the model used, against the fake GitHub through PyGithub: its fix
text names what the App reads (a description line, a label, the override comment or label), and
an Agent Trace record the pull request adds is `recorded` evidence."""

from __future__ import annotations

import json

from bot.render.markdown import MARKER
from tests.webhooks.conftest import AUTH_PATCH, REPO, pr_payload

HEAD = "c" * 40
AUTH_FILE = {"filename": "app/auth/views.py", "patch": AUTH_PATCH}


def _pr(fake, files, body="Tightens the login check."):
    fake.add_pull(REPO, number=7, title="Tighten login", body=body, head_sha=HEAD, files=files,
                  commits=[{"sha": HEAD, "message": "Tighten login"}])


def _comment(fake):
    return next(c["body"] for c in fake.comments(REPO, 7) if MARKER in c["body"])


def test_the_apps_fix_text_names_what_the_app_reads(make_service, fake):
    svc = make_service()
    _pr(fake, [AUTH_FILE])
    svc.send("pull_request", pr_payload(fake, 7))
    svc.wait_idle()
    fix = next(line for line in _comment(fake).splitlines() if line.startswith("**How to fix"))
    for what in ("<code>Model: GPT-5.4</code>", "<code>model:gpt-5.4</code>",
                 "<code>Assisted-by: &lt;agent&gt;:gpt-5.4</code>",
                 "<code>/modeltier override &lt;reason&gt;</code>",
                 "<code>modeltier:override</code>"):
        assert what in fix, fix


def test_an_agent_trace_record_in_the_pull_request_is_recorded_evidence(make_service, fake):
    record = {
        "version": "0.1.0", "id": "6f1c6a1e-0000-4000-8000-000000000002",
        "timestamp": "2026-05-01T10:00:00Z", "tool": {"name": "claude-code"},
        "files": [{"path": "app/auth/views.py", "conversations": [{
            "contributor": {"type": "ai", "model_id": "anthropic/claude-opus-4-6"},
            "ranges": [{"start_line": 11, "end_line": 12}]}]}],
    }
    trace = {"filename": ".agent-trace/traces.jsonl", "status": "added",
             "patch": "@@ -0,0 +1 @@\n+" + json.dumps(record)}
    fake.set_file(REPO, path=".github/modeltier.yml",
                  content="enforcement:\n  min_provenance: {premium: recorded}\n")
    svc = make_service()
    _pr(fake, [AUTH_FILE, trace])
    svc.send("pull_request", pr_payload(fake, 7))
    svc.wait_idle()
    assert [r["conclusion"] for r in fake.check_runs(REPO, head_sha=HEAD)] == ["success"]
    assert "recorded evidence" in _comment(fake)


def test_git_ai_notes_on_the_pull_requests_commits_are_recorded_evidence(make_service, fake):
    """Read through the git data API (refs/notes/ai, its tree, the note's blob) only when the
    evidence falls short: they can only add to it."""
    note = (
        "app/auth/views.py\n  4f2a9c1e 11-12\n---\n"
        + json.dumps({"schema_version": "authorship/3.0.0", "prompts": {"4f2a9c1e": {
            "agent_id": {"tool": "claude", "id": "s1", "model": "claude-opus-4-6"}}}})
    )
    fake.set_file(REPO, path=".github/modeltier.yml",
                  content="enforcement:\n  min_provenance: {premium: recorded}\n")
    fake.add_note(REPO, HEAD, note)
    svc = make_service()
    _pr(fake, [AUTH_FILE])
    svc.send("pull_request", pr_payload(fake, 7))
    svc.wait_idle()
    assert [r["conclusion"] for r in fake.check_runs(REPO, head_sha=HEAD)] == ["success"]
    body = _comment(fake)
    assert "recorded evidence" in body and "git-ai note of commit ccccccc" in body
    assert fake.count("GET", path_contains="/git/blobs/") == 1


def test_notes_are_not_read_when_the_evidence_already_suffices(make_service, fake):
    svc = make_service()
    _pr(fake, [AUTH_FILE], body="Model: GPT-5.4")
    svc.send("pull_request", pr_payload(fake, 7))
    svc.wait_idle()
    assert fake.count("GET", path_contains="/git/ref/") == 0


def test_the_audit_stores_the_provenance_of_the_evidence_used(make_service, fake):
    """A premium model the description names (declared) met the tier; the tool marker in the
    commits (tool, naming no model) did not: the decision's record says `declared`."""
    from webhooks.runtime.store import AuditFilter

    svc = make_service()
    fake.add_pull(REPO, number=7, title="Tighten login", body="Model: GPT-5.4", head_sha=HEAD,
                  files=[AUTH_FILE],
                  commits=[{"sha": HEAD, "message": "Tighten login\n\nMade-with: Cursor"}])
    svc.send("pull_request", pr_payload(fake, 7))
    svc.wait_idle()
    rows, _ = svc.service.store.audit_decisions(AuditFilter())
    assert [(r["provenance"], r["evidence_met"]) for r in rows] == [(["declared"], True)]
