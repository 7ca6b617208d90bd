"""The schema the migrations build is the schema the store's tables describe, and the audit
event log keeps what it is given, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from webhooks.runtime.store import Store, metadata


def test_migrations_build_exactly_the_tables_the_store_declares(database_url: str) -> None:
    store = Store(database_url)
    store.upgrade()
    with store.engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), metadata)
    store.dispose()
    assert differences == []


def test_audit_events_are_kept_in_order_and_filtered_by_pr_and_kind(database_url: str) -> None:
    store = Store(database_url)
    store.upgrade()
    store.record_event("o/r", 1, "override.granted", actor="alice", head_sha="a" * 40,
                       detail={"areas": ["auth"], "comment_id": 7})
    store.record_event("o/r", 2, "checklist.ticked", actor="bob", detail={"item": "x"})
    store.record_event("o/r", 1, "override.revoked", actor="carol")
    store.record_event("o/other", 1, "override.granted", actor="dave")
    kinds = [e["kind"] for e in store.events("o/r", 1)]
    assert kinds == ["override.granted", "override.revoked"]
    granted = store.events("o/r", kind_prefix="override.granted")
    assert [(e["actor"], e["detail"]) for e in granted] == [
        ("alice", {"areas": ["auth"], "comment_id": 7})
    ]
    assert granted[0]["created_at"].tzinfo is not None
    assert [e["actor"] for e in store.events("o/r", kind_prefix="checklist.")] == ["bob"]
    store.dispose()
