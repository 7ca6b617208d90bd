"""bot.analysis.records and `recorded` evidence: Agent Trace records in the diff, git-ai notes,
each counted only for the files it names."""

from __future__ import annotations

import json

import pytest

from bot.analysis.decide import decide
from bot.analysis.diff import parse_diff
from bot.analysis.models import Commit, PullRequestInfo, Verdict
from bot.analysis.records import agent_trace_records, git_ai_records
from policies.loader import default_policy, load_policy
from tests.bot._diffs import edit

VIEWS = "app/auth/views.py"
AUTH = edit(VIEWS, ["@login_required", "def profile(request):"])


def trace(model: str, path: str = VIEWS, kind: str = "ai", **extra: object) -> dict[str, object]:
    """An Agent Trace record (RFC v0.1.0) as its reference tools write one."""
    return {
        "version": "0.1.0", "id": "6f1c6a1e-0000-4000-8000-000000000001",
        "timestamp": "2026-05-01T10:00:00Z", "vcs": {"type": "git", "revision": "abc1234"},
        "tool": {"name": "cursor", "version": "2.0"},
        "files": [{"path": path, "conversations": [{
            "url": "https://example.com/conversations/1",
            "contributor": {"type": kind, "model_id": model},
            "ranges": [{"start_line": 11, "end_line": 12}],
        }]}],
        **extra,
    }


GIT_AI_NOTE = (
    "app/auth/views.py\n  4f2a9c1e 11-12\ndocs/x.md\n  77aa0000 1\n---\n"
    + json.dumps({"schema_version": "authorship/3.0.0", "base_commit_sha": "abc", "prompts": {
        "4f2a9c1e": {"agent_id": {"tool": "claude", "id": "s1", "model": "claude-opus-4-6"}},
        "77aa0000": {"agent_id": {"tool": "cursor", "id": "s2", "model": "composer-2"}},
    }})
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (json.dumps(trace("anthropic/claude-opus-4-5-20251101")),
         [("anthropic/claude-opus-4-5-20251101", "cursor", (VIEWS,))]),
        (json.dumps(trace("openai/gpt-5.4")) + "\n" + json.dumps(trace("composer-2", "a.py")),
         [("openai/gpt-5.4", "cursor", (VIEWS,)), ("composer-2", "cursor", ("a.py",))]),
        (json.dumps(trace("gpt-5.4", kind="human")), []),
        (json.dumps({"files": "not a list"}), []),
        ("{not json", []),
        ("", []),
    ],
    ids=["one-record", "json-lines", "human-contributor", "malformed-files", "not-json", "empty"],
)
def test_agent_trace_records(text: str, expected: list[tuple[str, str, tuple[str, ...]]]) -> None:
    found = agent_trace_records(text, "t")
    assert [(r.model, r.tool, r.paths) for r in found] == expected


def test_a_range_may_name_its_own_contributor() -> None:
    record = trace("gpt-5.4")
    record["files"][0]["conversations"][0]["contributor"] = {"type": "mixed"}  # type: ignore[index]
    record["files"][0]["conversations"][0]["ranges"][0]["contributor"] = {  # type: ignore[index]
        "type": "ai", "model_id": "claude-opus-4-6"}
    assert [r.model for r in agent_trace_records(json.dumps(record), "t")] == ["claude-opus-4-6"]


def test_git_ai_note_names_each_model_with_its_files() -> None:
    found = git_ai_records(GIT_AI_NOTE, "git-ai note of commit abc1234")
    assert {(r.model, r.tool, r.paths) for r in found} == {
        ("claude-opus-4-6", "claude", (VIEWS,)), ("composer-2", "cursor", ("docs/x.md",)),
    }
    assert git_ai_records("no separator", "n") == []
    assert git_ai_records("a.py\n  h 1\n---\n[1, 2]", "n") == []


def _with_trace(record: dict[str, object], path: str = ".agent-trace/traces.jsonl") -> str:
    return AUTH + edit(path, [json.dumps(record)])


def test_an_agent_trace_record_in_the_diff_is_recorded_evidence() -> None:
    decision = decide(parse_diff(_with_trace(trace("anthropic/claude-opus-4-6"))),
                      default_policy())
    (item,) = decision.declared_models
    assert (item.source, item.model, str(item.provenance)) == (
        "record", "claude-opus-4.6", "recorded")
    assert item.location == "Agent Trace record .agent-trace/traces.jsonl"
    assert decision.verdict is Verdict.PASS


def test_a_record_about_other_files_is_not_evidence_for_this_change() -> None:
    decision = decide(parse_diff(_with_trace(trace("gpt-5.4", "lib/other.py"))),
                      default_policy())
    assert decision.declared_models == []
    assert decision.verdict is Verdict.MISSING


def test_a_trace_outside_the_policys_paths_is_not_read() -> None:
    diff = parse_diff(_with_trace(trace("gpt-5.4"), "notes/trace.json"))
    assert decide(diff, default_policy()).declared_models == []


def test_recorded_evidence_meets_a_policy_that_a_trailer_does_not() -> None:
    policy = load_policy("enforcement:\n  min_provenance: {premium: recorded}\n")
    trailer = Commit(sha="c0ffee0", message="Fix\n\nCo-Authored-By: Claude Opus 4.6 "
                                             "<noreply@anthropic.com>")
    by_tool = decide(parse_diff(AUTH), policy, PullRequestInfo(commits=(trailer,)))
    assert by_tool.verdict is Verdict.MISSING
    notes = tuple(git_ai_records(GIT_AI_NOTE, "git-ai note of commit c0ffee0"))
    recorded = decide(parse_diff(AUTH), policy, PullRequestInfo(records=notes))
    assert recorded.verdict is Verdict.PASS
    # the note's composer-2 prompt changed docs/x.md, which this change does not touch
    assert [d.model for d in recorded.declared_models] == ["claude-opus-4.6"]
