"""The compliance page's queries (`Store.audit_*`): every filter is applied by the database, a
viewer's scope is never widened by a filter, pages add up to the whole, and the summary counts
each PR once, by its newest matching decision; on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime

import pytest

from webhooks.runtime.store import AuditFilter, Store

DAY = datetime.timedelta(days=1)


def _decide(store: Store, repo: str, number: int, sha: str, **values) -> None:
    row = {"risk": "critical", "tier": "premium", "verdict": "pass", "conclusion": "success",
           "declared_models": "gpt-5.4", "areas": "auth", "policy_source": "default",
           "overridden": False, "provenance": "tool", "evidence_met": True}
    row.update(values)
    store.save_decision(repo, number, sha, row)


@pytest.fixture
def store(database_url: str):
    store = Store(database_url)
    store.upgrade()
    _decide(store, "acme/api", 1, "a1")
    _decide(store, "acme/api", 1, "a2", verdict="missing", conclusion="failure",
            declared_models="", provenance="", evidence_met=False)
    _decide(store, "acme/api", 2, "b1", risk="routine", tier="everyday", areas="",
            declared_models="composer-2,cursor", provenance="declared,tool", evidence_met=None)
    _decide(store, "acme/web", 5, "c1", verdict="missing", conclusion="success",
            areas="billing,auth_like", declared_models="", provenance="", overridden=True,
            evidence_met=False)
    _decide(store, "other/x", 9, "d1", areas="auth_like", declared_models="gpt-5.4-mini")
    store.record_event("acme/web", 5, "override.granted", actor="carol", head_sha="c1",
                       detail={"reason": "hotfix"})
    store.record_event("acme/web", 5, "override.granted", actor="carol", head_sha="c1",
                       detail={"reason": "again"})
    store.record_event("acme/api", 1, "override.granted", actor="dave", head_sha="a2",
                       detail={"reason": "reviewed"})
    store.record_event("acme/api", 1, "override.revoked", actor="dave", head_sha="a2")
    store.record_event("acme/web", 5, "checklist.ticked", actor="erin", detail={"item": "x"})
    store.record_event("acme/api", 2, "review.requested", detail={"teams": ["sec"]})
    yield store
    store.dispose()


def _keys(rows):
    return sorted((r["repo"], r["number"], r["head_sha"]) for r in rows)


@pytest.mark.parametrize(("where", "expected"), [
    (AuditFilter(), ["a1", "a2", "b1", "c1", "d1"]),
    (AuditFilter(repo="acme/api"), ["a1", "a2", "b1"]),
    (AuditFilter(risk="routine"), ["b1"]),
    (AuditFilter(verdict="missing"), ["a2", "c1"]),
    (AuditFilter(area="auth"), ["a1", "a2"]),                # not auth_like: whole items only
    (AuditFilter(area="auth_"), []),                         # no LIKE wildcard leaks through
    (AuditFilter(model="gpt-5.4"), ["a1"]),                  # not gpt-5.4-mini
    (AuditFilter(model="cursor"), ["b1"]),
    (AuditFilter(provenance="declared"), ["b1"]),
    (AuditFilter(overridden=True), ["c1"]),
    (AuditFilter(overridden=False), ["a1", "a2", "b1", "d1"]),
    (AuditFilter(repos=frozenset({"acme/web"})), ["c1"]),
    (AuditFilter(repos=frozenset()), []),
    (AuditFilter(repos=frozenset({"acme/web"}), repo="acme/api"), []),  # a filter never widens
], ids=lambda v: repr(v) if isinstance(v, AuditFilter) else "")
def test_decisions_are_filtered_by_the_database(store, where, expected):
    rows, total = store.audit_decisions(where)
    assert sorted(r["head_sha"] for r in rows) == expected
    assert total == len(expected)


def test_date_range_is_inclusive_of_since_and_exclusive_of_until(store):
    now = datetime.datetime.now(datetime.UTC)
    assert store.audit_decisions(AuditFilter(since=now - DAY, until=now + DAY))[1] == 5
    assert store.audit_decisions(AuditFilter(since=now + DAY))[1] == 0
    assert store.audit_decisions(AuditFilter(until=now - DAY))[1] == 0
    assert store.audit_trail(AuditFilter(until=now - DAY))[1] == 0


def test_pages_add_up_to_the_whole_newest_first(store):
    everything, total = store.audit_decisions(AuditFilter())
    assert total == 5
    pages = [store.audit_decisions(AuditFilter(), limit=2, offset=o)[0] for o in (0, 2, 4)]
    assert [len(p) for p in pages] == [2, 2, 1]
    assert [r["head_sha"] for p in pages for r in p] == [r["head_sha"] for r in everything]
    assert [r["head_sha"] for r in everything][:2] == ["d1", "c1"]
    row = everything[-1]
    assert row["areas"] == ["auth"] and row["models"] == ["gpt-5.4"]
    assert row["at"].tzinfo is not None


def test_trail_lists_the_audit_events_of_the_matching_prs(store):
    rows, total = store.audit_trail(AuditFilter())
    assert total == 6
    assert sorted((r["kind"], r["actor"] or "") for r in rows) == [
        ("checklist.ticked", "erin"), ("override.granted", "carol"),
        ("override.granted", "carol"), ("override.granted", "dave"),
        ("override.revoked", "dave"), ("review.requested", "")]
    assert rows[0]["kind"] == "review.requested"  # newest first
    reasons = {r["detail"].get("reason") for r in rows if r["kind"] == "override.granted"}
    assert reasons == {"hotfix", "again", "reviewed"}
    # narrowed to PRs with a matching decision: PR acme/web#5 is the one overridden
    rows, _ = store.audit_trail(AuditFilter(overridden=True))
    assert {(r["repo"], r["number"]) for r in rows} == {("acme/web", 5)}
    assert store.audit_trail(AuditFilter(repos=frozenset({"acme/api"})))[1] == 3
    page, total = store.audit_trail(AuditFilter(), limit=4, offset=4)
    assert (len(page), total) == (2, 6)


def test_summary_counts_each_pr_once_by_its_newest_matching_decision(store):
    summary = {s["repo"]: s for s in store.audit_summary(AuditFilter())}
    api = summary["acme/api"]
    # PR 1's newest decision (a2) lacks the evidence; PR 2 is routine
    assert (api["prs"], api["critical"], api["premium"]) == (2, 1, 0)
    assert api["premium_share"] == 0.0
    assert api["overrides"] == {"dave": 1}
    assert summary["acme/web"]["overrides"] == {"carol": 2}
    assert summary["other/x"]["premium_share"] == 1.0
    # the filter applies: PR 1 judged by a1 when only passing decisions count
    passing = {s["repo"]: s for s in store.audit_summary(AuditFilter(verdict="pass"))}
    assert passing["acme/api"]["premium"] == 1
    assert list(summary) == ["acme/api", "acme/web", "other/x"]


def test_repositories_are_those_with_any_record(store):
    store.record_event("lone/repo", 1, "review.requested")
    assert store.audit_repositories() == ["acme/api", "acme/web", "lone/repo", "other/x"]
