"""The rules a one-line change, or a change inside a named definition, fires: the convention
tests' shared probes."""

from __future__ import annotations

from bot.analysis.classify import classify
from bot.analysis.diff import parse_diff
from policies.model import Policy
from tests.bot._diffs import edit


def rules_found(path: str, line: str, policy: Policy) -> set[str]:
    """The ids of the rules whose evidence a change of `path` adding `line` holds (the line
    replaces a neutral one, so removal and move handling stay out of the way)."""
    result = classify(parse_diff(edit(path, [line], ["x = 1"])), policy)
    return {e.rule for area in result.areas for e in area.evidence}


def rules_in_section(path: str, section: str, policy: Policy) -> set[str]:
    """The ids of the rules whose evidence a routine change of `path` holds when its hunk header
    names `section` (the definition the change is made inside): what the enclosing-symbol rules
    read, the changed lines themselves matching none."""
    text = edit(path, ["        if not deleted: return False"], ["        x.delete()"],
                section=section)
    return {e.rule for area in classify(parse_diff(text), policy).areas for e in area.evidence}


def assert_rule_or_quiet(
    path: str, line: str, rule: str | None, watched: set[str], policy: Policy
) -> None:
    """A row of an idiom table: `rule` is among the rules the line's change fires, or, when the
    row is a look-alike (`rule` None), none of the table's `watched` rules fires."""
    found = rules_found(path, line, policy)
    if rule is None:
        assert not watched & found, found
    else:
        assert rule in found, found

