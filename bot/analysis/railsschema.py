"""A Rails schema file dumped again by Rails 7 without a migration: a new format, the same schema.

Rails 7.0 changed the default precision of `datetime` columns to 6, and its schema dumper writes
the columns of older schemas, which had none, with an explicit `precision: nil`; the file's
header names the format it was dumped in (`ActiveRecord::Schema[7.0].define(version: ...)`, where
Rails 6.1 wrote `Schema[6.1]` and older Rails a bare `Schema.define`). An upgrade's first
`db:migrate` rewrites every such column, which read as a change to the tables of users, orders
and sessions (publify's `remember_token_expires_at`, `reset_password_sent_at`).

The two spellings mean the same column only across that upgrade: in a file already dumped by
Rails 7, dropping `precision: nil` makes the column precise to the microsecond. So a column's
`precision: nil` is set aside only where the same change rewrites the header from a format older
than 7.0 to 7.0 or newer with the same schema version (`format_upgraded`); the header's format is
then set aside too (`as_older_dump`), and a migration that ran in between (another version) keeps
every line a change.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from bot.analysis.lazyre import compile_lazily

__all__ = ["RAILS_SCHEMA", "as_older_dump", "format_upgraded"]

#: the schema file Rails dumps (`db/schema.rb`, a second database's `db/queue_schema.rb`)
RAILS_SCHEMA = compile_lazily(r"(?:^|/)\w*schema\.rb$")
#: the schema's header: its format (absent before Rails 6.1) and its version
_HEADER = compile_lazily(
    r"^(\s*ActiveRecord::Schema)(?:\[(\d+)\.(\d+)\])?(\.define\(\s*version:\s*([\d_]+)\s*\))"
)
#: a time column's explicit lack of precision, as Rails 7 dumps an older schema's columns
_NO_PRECISION = compile_lazily(
    r"^(\s*t\.(?:datetime|timestamp|time)\s+\"\w+\".*?),\s*precision:\s*nil\b"
)


def _header(lines: Iterable[str]) -> tuple[tuple[int, int], str] | None:
    """The format (0.0 for a bare `Schema.define`) and version of the first header among
    `lines`."""
    for line in lines:
        found = _HEADER.match(line)
        if found:
            major, minor = found.group(2), found.group(3)
            return (int(major or 0), int(minor or 0)), found.group(5).replace("_", "")
    return None


def format_upgraded(removed: Iterable[str], added: Iterable[str]) -> bool:
    """Whether a schema file's removed and added lines rewrite its header from a format older
    than Rails 7.0 to 7.0 or newer, at the same schema version (module docstring)."""
    old, new = _header(removed), _header(added)
    return old is not None and new is not None and old[1] == new[1] and (
        old[0] < (7, 0) <= new[0]
    )


def as_older_dump(lines: Sequence[str]) -> list[str]:
    """A schema file's lines as a dump older than Rails 7 wrote them: the header without its
    format, time columns without `precision: nil`. Only for a file whose change upgrades the
    format (`format_upgraded`)."""
    out = []
    for line in lines:
        line = _HEADER.sub(r"\1\4", line)
        out.append(_NO_PRECISION.sub(r"\1", line))
    return out
