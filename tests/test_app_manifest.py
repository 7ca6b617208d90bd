"""`app.yml`, the GitHub App manifest: every event it subscribes to is covered by the permission
GitHub requires to deliver that event (otherwise GitHub rejects the manifest with "Default events
are not supported by permissions", and an App configured by hand silently never receives it).

The table is GitHub's, from "Webhook events and payloads"
(https://docs.github.com/en/webhooks/webhook-events-and-payloads), which says under each event
"To subscribe to this event, a GitHub App must have at least <level>-level access for the
"<permission>" repository permission." The keys are the manifest's permission names (REST
`app-permissions`: "Merge queues" is `merge_queues`, "Pull requests" is `pull_requests`).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from webhooks.events import EventError, route

ROOT = Path(__file__).resolve().parents[1]

#: event -> (permission, lowest level) as documented; quoted sentence kept short beside each
EVENT_PERMISSIONS: dict[str, tuple[str, str]] = {
    # "at least read-level access for the "Checks" repository permission. To receive the
    # rerequested and requested_action event types, the app must have at least write-level access"
    "check_run": ("checks", "write"),
    # "at least read-level access for the "Checks" permission. To receive the requested and
    # rerequested event types, the app must have at least write-level access"
    "check_suite": ("checks", "write"),
    # "at least read-level access for the "Issues" repository permission."
    "issue_comment": ("issues", "read"),
    # "at least read-level access for the "Merge queues" repository permission."
    "merge_group": ("merge_queues", "read"),
    # "at least read-level access for the "Pull requests" repository permission."
    "pull_request": ("pull_requests", "read"),
    "pull_request_review": ("pull_requests", "read"),
    "pull_request_review_comment": ("pull_requests", "read"),
    # "at least read-level access for the "Contents" repository permission."
    "push": ("contents", "read"),
    # "at least read-level access for the "Metadata" repository permission."
    "repository": ("metadata", "read"),
}
#: events GitHub delivers to every App without a subscription (not allowed in default_events)
APP_EVENTS = {"installation", "installation_repositories", "ping"}
LEVELS = {"read": 1, "write": 2, "admin": 3}


def _manifest() -> dict:
    return yaml.safe_load((ROOT / "app.yml").read_text())


def _covered(permissions: dict[str, str], event: str) -> bool:
    permission, level = EVENT_PERMISSIONS[event]
    return LEVELS.get(permissions.get(permission, ""), 0) >= LEVELS[level]


def test_every_subscribed_event_is_covered_by_a_permission():
    manifest = _manifest()
    permissions = manifest["default_permissions"]
    missing = [
        f"{event} needs {EVENT_PERMISSIONS[event][0]}: {EVENT_PERMISSIONS[event][1]}"
        for event in manifest["default_events"] if not _covered(permissions, event)
    ]
    assert missing == []


@pytest.mark.parametrize(
    ("permission", "event"),
    [("issues", "issue_comment"), ("merge_queues", "merge_group"), ("checks", "check_run")],
)
def test_error_when_a_permission_is_dropped(permission, event):
    """The check has teeth: without the permission, its event is not covered."""
    permissions = dict(_manifest()["default_permissions"])
    del permissions[permission]
    assert not _covered(permissions, event)


def _handled(event: str) -> bool:
    try:
        routing = route(event, {})
    except EventError:  # it tried to read an event it handles
        return True
    return routing.ignored != f"event {event!r} is not handled"


def test_subscribes_to_exactly_the_events_the_service_routes():
    routed = {e for e in set(EVENT_PERMISSIONS) | APP_EVENTS if _handled(e)} - APP_EVENTS
    assert set(_manifest()["default_events"]) == routed
    assert not APP_EVENTS & set(_manifest()["default_events"])


def test_permissions_are_the_ones_the_service_uses_and_no_more():
    assert _manifest()["default_permissions"] == {
        "checks": "write", "contents": "read", "issues": "read", "merge_queues": "read",
        "pull_requests": "write", "metadata": "read", "members": "read",
    }


def test_redirect_and_hook_urls_point_at_routes_the_service_serves():
    manifest = _manifest()
    assert manifest["hook_attributes"]["url"].endswith("/webhooks/github")
    assert manifest["redirect_url"].endswith("/setup/callback")
    assert [url.rsplit("/", 2)[-2:] for url in manifest["callback_urls"]] == [
        ["audit", "callback"]]
