"""`compile_lazily`: a module's pattern, compiled when it is first used."""

from __future__ import annotations

import re

import pytest

from bot.analysis.lazyre import compile_lazily


def test_the_pattern_is_compiled_at_its_first_use_not_before() -> None:
    broken = compile_lazily("(unclosed")  # re.compile would raise here
    with pytest.raises(re.error):
        broken.search("text")


def test_it_answers_as_the_compiled_pattern() -> None:
    lazy = compile_lazily(r"(?P<word>[a-z]+)-(\d+)", re.I)
    compiled = re.compile(r"(?P<word>[a-z]+)-(\d+)", re.I)
    found = lazy.search("x ABC-12 y")
    assert found is not None and found.group("word") == "ABC"
    assert lazy.sub(r"\2", "abc-1 def-2") == compiled.sub(r"\2", "abc-1 def-2")
    assert lazy.findall("a-1 b-2") == [("a", "1"), ("b", "2")]
    assert (lazy.pattern, lazy.flags, lazy.groups, lazy.groupindex) == (
        compiled.pattern, compiled.flags, compiled.groups, compiled.groupindex)


def test_after_its_first_use_it_holds_the_compiled_patterns_attributes() -> None:
    """Later lookups find them on the stand-in itself, without a detour through a hook (a
    compiled pattern makes a new bound method at each lookup; the stand-in keeps one)."""
    lazy = compile_lazily(r"\d+")
    assert lazy.match("12") is not None
    assert {"search", "sub", "pattern"} <= set(vars(lazy))
    assert not hasattr(type(lazy), "__getattr__")
    assert lazy.search is lazy.search
