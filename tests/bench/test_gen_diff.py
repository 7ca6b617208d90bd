"""bench/gen_diff.py: the "bundle" shape holds what it is there to measure."""

from __future__ import annotations

import re
from collections.abc import Iterable

from bench.gen_diff import BUNDLE_WIDTH, BUNDLES, generate
from bot.analysis.decide import decide
from bot.analysis.diff import parse_diff
from bot.analysis.mechanical import MAX_WIDTH
from bot.analysis.models import PullRequestInfo
from policies.loader import default_policy

#: what the policy's rules look for in a bundle's code
_SENSITIVE = ("auth", "token", "password", "price", "===", "if(", "return")


def _bundles(text: str) -> dict[str, list[str]]:
    """The changed lines of each file with a line wider than `MAX_WIDTH`, by path."""
    out: dict[str, list[str]] = {}
    for block in text.split("\ndiff --git ")[1:]:
        lines = block.split("\n")
        changed = [line[1:] for line in lines if line[:1] in "+-" and line[:3] not in ("---", "+++")]
        if any(len(line) > MAX_WIDTH for line in changed):
            out[lines[0].split(" b/")[-1]] = changed
    return out


def _without(text: str, paths: Iterable[str]) -> str:
    """The diff without the parts of these files."""
    head, *blocks = text.split("\ndiff --git ")
    kept = [block for block in blocks if block.split("\n")[0].split(" b/")[-1] not in paths]
    return "\ndiff --git ".join([head, *kept])


def test_the_bundle_shape_changes_wide_lines_of_sensitive_words_read_as_built_output() -> None:
    """The bundles' lines are read (no exclusion of the policy names their paths) and found to
    be a build's output (`Diff._built`): mechanical lines, no evidence."""
    text, stats = generate(20, 600, seed=3, shape="bundle")
    bundles = _bundles(text)
    assert len(bundles) == BUNDLES
    low, high = BUNDLE_WIDTH
    for lines in bundles.values():
        assert len(lines) in (2, 4)  # one or two lines, removed and added again
        assert all(low <= len(line) <= high + 200 for line in lines)
        assert all(word in line for line in lines for word in _SENSITIVE)
        half = len(lines) // 2
        assert lines[:half] != lines[half:]  # rebuilt, not re-indented
    assert stats.changed == 600
    without = decide(parse_diff(_without(text, bundles)), default_policy(), PullRequestInfo())
    decision = decide(parse_diff(text), default_policy(), PullRequestInfo())
    read = {path for area in decision.areas for path in area.files}
    assert not set(bundles) & read
    assert decision.signals.mechanical_lines > without.signals.mechanical_lines
    assert not [p for p in bundles if re.search(r"\.min\.js$|public/build/", p)]


def test_the_bundle_shape_is_the_same_for_a_seed() -> None:
    assert generate(12, 200, seed=5, shape="bundle") == generate(12, 200, seed=5, shape="bundle")
