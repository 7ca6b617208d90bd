"""Regular expressions compiled on first use.

The analysis holds its patterns at module level, and a pattern compiled at import is paid for by
every start whether the run uses it or not: a scan of a small diff used 24 of the 80 patterns
of the modules it imports, and compiling the others was about 4.5 ms of a 95 ms start (Python's
`re` compiles in Python). `compile_lazily` gives a stand-in that compiles its pattern the first
time one of the compiled pattern's attributes is asked for and then holds the compiled
pattern's attributes as its own, so that a later `PATTERN.search(...)` costs about what it
costs on the compiled pattern (15 ns more a call: a bound method read from the instance).
"""

from __future__ import annotations

import re
from typing import Any, cast

__all__ = ["compile_lazily"]


class _Pattern:
    """A pattern and its flags; once compiled (a `_Lazy` that was used), the compiled pattern's
    public attributes are its own."""

    def __init__(self, pattern: str, flags: int) -> None:
        self._pattern = pattern
        self._flags = flags

    def __repr__(self) -> str:
        return f"compile_lazily({self._pattern!r}, {self._flags!r})"


class _Lazy(_Pattern):
    """A `_Pattern` not compiled yet (see the module's docstring)."""

    def __getattr__(self, name: str) -> Any:
        # Reached only before the first use: it compiles the pattern, takes every public
        # attribute of the compiled one and becomes a plain `_Pattern`, so that no later lookup
        # goes through this hook (a class with `__getattr__` is slower to read even for the
        # attributes an instance has).
        compiled = re.compile(self._pattern, self._flags)
        for public in dir(compiled):
            if not public.startswith("_"):
                setattr(self, public, getattr(compiled, public))
        self.__class__ = _Pattern  # type: ignore[assignment]  # the same object, now compiled
        return getattr(self, name)


def compile_lazily(pattern: str, flags: int | re.RegexFlag = 0) -> re.Pattern[str]:
    """`re.compile(pattern, flags)`, done when the pattern is first used. Typed as the compiled
    pattern, whose attributes it answers with (it is not one for `isinstance` or for the `re`
    module's functions, which no caller gives it to)."""
    return cast("re.Pattern[str]", _Lazy(pattern, int(flags)))
