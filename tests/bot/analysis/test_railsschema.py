"""bot.analysis.railsschema: a Rails schema file dumped again by Rails 7 (a new header format,
`precision: nil` on the older time columns) at the same schema version is the same schema; a
column changed beside it, a migration run in between, or a Rails 7 dump losing the precision
stays a change."""

from __future__ import annotations

import pytest

from bot.analysis.classify import classify
from bot.analysis.diff import parse_diff
from bot.analysis.railsschema import as_older_dump, format_upgraded
from policies.model import Policy


def _schema(header: tuple[str, str], columns: list[tuple[str, str]]) -> str:
    """A db/schema.rb diff: its header line (old, new) and the users table's columns (old,
    new; an empty side is no line)."""
    rows = [f"-{header[0]}", f"+{header[1]}", "   create_table \"users\", force: :cascade do |t|"]
    for old, new in columns:
        rows += [f"-    {old}"] * bool(old) + [f"+    {new}"] * bool(new)
    rows.append("   end")
    removed = sum(row[0] in " -" for row in rows)
    added = sum(row[0] in " +" for row in rows)
    body = "\n".join(row if row[0] in "+-" else row[1:] if row.startswith("  ") else row
                     for row in rows)
    return (f"diff --git a/db/schema.rb b/db/schema.rb\n--- a/db/schema.rb\n+++ b/db/schema.rb\n"
            f"@@ -13,{removed} +13,{added} @@\n{body}\n")


_OLD = "ActiveRecord::Schema.define(version: 2022_10_12_164027) do"
_SIXTY_ONE = "ActiveRecord::Schema[6.1].define(version: 2022_10_12_164027) do"
_SEVEN = "ActiveRecord::Schema[7.0].define(version: 2022_10_12_164027) do"
_NEXT_VERSION = "ActiveRecord::Schema[7.0].define(version: 2022_11_01_090000) do"
_TOKENS = [('t.datetime "remember_token_expires_at"',
            't.datetime "remember_token_expires_at", precision: nil'),
           ('t.datetime "reset_password_sent_at", null: false',
            't.datetime "reset_password_sent_at", precision: nil, null: false')]


def _areas(text: str, policy: Policy) -> list[str]:
    return [area.id for area in classify(parse_diff(text), policy).areas]


@pytest.mark.parametrize("older", [_OLD, _SIXTY_ONE], ids=["bare-define", "rails-6.1"])
def test_a_schema_dumped_again_by_rails_7_is_the_same_schema(older: str, policy: Policy) -> None:
    assert _areas(_schema((older, _SEVEN), _TOKENS), policy) == []


@pytest.mark.parametrize(
    ("header", "columns"),
    [
        # a column added beside the new format
        pytest.param((_OLD, _SEVEN), [*_TOKENS, ("", 't.string "otp_secret"')], id="column-added"),
        # a migration ran in between: the version moved
        pytest.param((_OLD, _NEXT_VERSION), _TOKENS, id="another-version"),
        # a Rails 7 dump losing `precision: nil` makes the column precise to the microsecond
        pytest.param((_SEVEN, _SEVEN.replace("7.0", "7.1")),
                     [(new, old) for old, new in _TOKENS], id="precision-dropped-in-rails-7"),
    ],
)
def test_a_schema_change_beside_the_dump_format_counts(
    header: tuple[str, str], columns: list[tuple[str, str]], policy: Policy
) -> None:
    assert "migrations" in _areas(_schema(header, columns), policy)


def test_format_upgraded_and_the_older_dump() -> None:
    assert format_upgraded([_OLD], [_SEVEN])
    assert not format_upgraded([_SEVEN], [_SEVEN.replace("7.0", "7.1")])
    assert not format_upgraded([_OLD], [_NEXT_VERSION])
    assert not format_upgraded([], [_SEVEN])
    assert as_older_dump([_SEVEN, '    t.datetime "paid_at", precision: nil',
                          '    t.decimal "total", precision: nil']) == [
        _OLD, '    t.datetime "paid_at"', '    t.decimal "total", precision: nil']
