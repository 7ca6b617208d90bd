"""Calls repointed to a function the same change moves to another module
(bot/analysis/repointed.py): the call sites name the new module, the function is the same."""

from __future__ import annotations

import pytest

from bot.analysis.classify import classify
from bot.analysis.diff import parse_diff
from bot.analysis.repointed import defined_name, repointed
from policies.model import Policy
from tests.bot._diffs import edit

_BODY = [
    "def check_token(token):",
    "    if not hmac.compare_digest(token, settings.API_TOKEN):",
    "        raise PermissionDenied()",
    "    return True",
]


def _areas(text: str, policy: Policy) -> set[str]:
    return {area.id for area in classify(parse_diff(text), policy).areas}


def _moved(call_removed: str, call_added: str, *, removed_from_utils: bool = True) -> str:
    """A change that moves `check_token` from app/utils.py to app/tokens.py (or, without
    `removed_from_utils`, only adds it there) and rewrites one call site."""
    text = edit("app/tokens.py", _BODY, [], start=1)
    if removed_from_utils:
        text += edit("app/utils.py", [], _BODY, start=20)
    return text + edit("app/views/auth.py", [call_added], [call_removed], start=40)


def test_a_call_repointed_to_the_moved_function_is_no_evidence(policy: Policy) -> None:
    text = _moved('    utils.check_token(request.headers["X-Token"])',
                  '    tokens.check_token(request.headers["X-Token"])')
    assert _areas(text, policy) == set()


@pytest.mark.parametrize(("removed", "added", "moved"), [
    # the function was not moved, only added: the call now runs other code
    ('    utils.check_token(request.headers["X-Token"])',
     '    tokens.check_token(request.headers["X-Token"])', False),
    # an argument changed with the qualifier
    ('    utils.check_token(request.headers["X-Token"])',
     '    tokens.check_token(request.GET["token"])', True),
])
def test_a_call_that_does_more_than_follow_the_move_still_counts(
    removed: str, added: str, moved: bool, policy: Policy
) -> None:
    assert "auth" in _areas(_moved(removed, added, removed_from_utils=moved), policy)


def test_the_names_and_the_rewrites_read() -> None:
    assert defined_name("  def fetch_firmware_signing_keys(device_id) do") == (
        "fetch_firmware_signing_keys")
    assert defined_name("func (s *Store) SessionCookieValue(id string) string {") == (
        "SessionCookieValue")
    assert defined_name("    public static function verify($token): bool") == "verify"
    assert defined_name("    return verify(token)") is None
    assert repointed(["  Devices.fetch_keys(id)"], ["  Accounts.fetch_keys(id)"], {"fetch_keys"})
    assert not repointed(["  Devices.fetch_keys(id)"], ["  Accounts.fetch_keys(id)"], {"other"})
    assert not repointed(["  a.f(x)", "  b()"], ["  c.f(x)"], {"f"}), "not line for line"
