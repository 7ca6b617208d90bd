"""Which paths a repository's `.gitattributes` marks `linguist-generated`: a maintainer's own
statement, on the base branch, that a file is generated (GitHub collapses its diffs too).

Git's rules: a line is a pattern and attributes; a pattern without a slash matches a file name
at any depth, one with a slash is relative to the repository root; `attr` and `attr=true` set,
`-attr`, `!attr` and `attr=false` unset; for each path the last matching line that names the
attribute wins. Negative patterns (`!pattern`) are not allowed in `.gitattributes` and are
skipped, as git skips them; so are macros and lines it could not compile. Pure: text in, answers
out.
"""

from __future__ import annotations

from policies.model import compile_paths
from policies.paths import PathSpec
from policies.plain import Plain

__all__ = ["GENERATED", "GitAttributes", "parse_gitattributes"]

#: the attribute GitHub Linguist reads for generated files
GENERATED = "linguist-generated"


class GitAttributes(Plain):
    """The `linguist-generated` lines of a `.gitattributes`, in file order."""

    rules: tuple[tuple[PathSpec, bool], ...] = ()

    def generated(self, path: str) -> bool:
        """Whether the last line that says anything about `linguist-generated` for this path
        sets it."""
        verdict = False
        for spec, value in self.rules:
            if spec.match_file(path):
                verdict = value
        return verdict


def _value(attribute: str) -> bool | None:
    """Whether this attribute token sets (True) or unsets (False) `linguist-generated`."""
    if attribute in (GENERATED, f"{GENERATED}=true"):
        return True
    if attribute in (f"-{GENERATED}", f"!{GENERATED}", f"{GENERATED}=false"):
        return False
    return None


def _quoted(line: str) -> list[str]:
    """A line whose pattern is quoted, split as shlex splits it. Imported here, where a quote
    needs it: at import it was about 0.5 ms of every start, and most scans read no
    `.gitattributes`, let alone a quoted pattern."""
    import shlex

    return shlex.split(line)


def parse_gitattributes(text: str | None) -> GitAttributes:
    """The `linguist-generated` rules of a `.gitattributes` (None: the file does not exist)."""
    rules: list[tuple[PathSpec, bool]] = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:  # a quoted pattern is C-style quoted, which shlex reads closely enough
            pattern, *attributes = _quoted(line) if line.startswith('"') else line.split()
        except ValueError:
            continue  # an unterminated quote: git ignores the line as well
        if pattern.startswith(("!", "[attr]")):
            continue
        values = [v for v in map(_value, attributes) if v is not None]
        if not values:
            continue
        try:  # the engine the policy's paths use, gitignore's matching
            rules.append((compile_paths([pattern]), values[-1]))
        except ValueError:
            continue  # a pattern the engine refuses: git would match nothing with it either
    return GitAttributes(rules=tuple(rules))
