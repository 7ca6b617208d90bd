"""A Dockerfile's shell commands regrouped into other RUN instructions, the same commands in the
same order.

Each RUN runs its command line with `/bin/sh -c`, and a build stops at the first RUN whose
command fails. `RUN a && b` and `RUN a` followed by `RUN b` therefore run the same commands in
the same order and stop at the same failure: only the image's layers (and what the build cache
keeps between them) differ. Maintainers split a long `&&` chain to see which step broke, or join
steps to save layers; labellers read both as mechanical, and the Dockerfile's path made each a
critical infrastructure change.

What a boundary between two RUN instructions does change is kept: the shell ends there, so a
command whose effect lives in the shell (`cd`, `export`, `source`, `set`, a bare assignment)
no longer reaches the commands after it, and a chain holding `||` or `;` groups its commands
differently once split (`a && b || c` runs `c` when `a` fails). Docker's best practices also
say to keep `apt-get update` in the RUN of the `apt-get install` it serves (a cached update layer
installs stale packages), so a boundary after a package index update is kept too. RUN with
flags (`--mount`, `--network`), exec form (`RUN ["a"]`) or a heredoc is compared as written.

Read from a hunk's lines with its unchanged ones (both sides share those): instructions are
joined over their `\\` line continuations, comment lines dropped as Docker drops them. A hunk
whose first shown line continues an instruction begun above it must show that part unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from bot.analysis.lazyre import compile_lazily

__all__ = ["DOCKERFILE", "same_steps"]

#: Dockerfiles and Containerfiles by the names Docker's and Podman's builds look for
DOCKERFILE = compile_lazily(
    r"(^|/)(Dockerfile|Containerfile)([._-][^/]*)?$|\.[Dd]ockerfile$"
)
_INSTRUCTIONS = frozenset({
    "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL",
    "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
})
#: a command whose effect stays in the shell that ran it, so a RUN boundary after it cuts it
#: off from what follows: a builtin that changes the directory, the environment, the shell's
#: options or limits, or a bare variable assignment
_SHELL_STATE = compile_lazily(
    r"(cd|pushd|popd|export|unset|source|\.|set|shopt|umask|ulimit|alias|declare|typeset|"
    r"readonly|local|eval|exec|trap)(\s|$)|[A-Za-z_]\w*=\S*$"
)
#: a package index update, which Docker's best practices keep in the RUN of its install
_INDEX_UPDATE = compile_lazily(r"(apt-get|apt|apk)\s+(-\S+\s+)*update\b")

#: a RUN unit: its commands in order and where its RUN instructions began (indexes in commands)
_Unit = tuple[tuple[str, ...], frozenset[int]]


def _logical_lines(lines: Sequence[str]) -> Iterator[str]:
    """The instructions of a Dockerfile's lines: each joined over its line continuations,
    white space made single spaces, blank and comment lines dropped (inside a continuation
    too, as Docker reads them). An instruction still open at the last line is given as it is:
    the rest, past the hunk, is the same on both sides."""
    parts: list[str] = []
    for line in lines:
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        continued = text.endswith("\\")
        parts.append(text[:-1] if continued else text)
        if not continued:
            yield " ".join(" ".join(parts).split())
            parts = []
    if parts:
        yield " ".join(" ".join(parts).split())


def _commands(script: str) -> list[str] | None:
    """A shell command line split at its top-level `&&`; None when it also holds a top-level
    `||`, `;`, `&` or line break, which would group the commands otherwise once split."""
    commands: list[str] = []
    start = depth = at = 0
    quote = ""
    while at < len(script):
        char = script[at]
        if quote:
            if char == "\\" and quote == '"':
                at += 1
            elif char == quote:
                quote = ""
        elif char == "\\":
            at += 1
        elif char in "'\"`":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif depth == 0 and script.startswith("&&", at):
            commands.append(script[start:at].strip())
            at += 2
            start = at
            continue
        elif depth == 0 and (char in ";\n" or script.startswith("||", at) or (
            char == "&" and script[at - 1: at] not in "<>" and script[at + 1: at + 2] != ">"
        )):
            return None
        at += 1
    commands.append(script[start:].strip())
    return commands


def _units(lines: Sequence[str]) -> list[str | _Unit]:
    """A hunk side's instructions, consecutive shell-form RUNs as one unit of commands (with
    where each RUN began), any other instruction as its text: a RUN whose command line cannot
    be split safely too, and the part of an instruction begun above the hunk (marked, so that
    it is never read as a whole instruction of the other side)."""
    units: list[str | _Unit] = []
    for text in _logical_lines(lines):
        keyword, _, rest = text.partition(" ")
        if keyword.upper() != "RUN" or rest.startswith(("[", "--")) or "<<" in rest:
            units.append(text if keyword.upper() in _INSTRUCTIONS or units else "\x00" + text)
            continue
        commands = _commands(rest)
        if commands is None:
            units.append(text)
            continue
        if units and isinstance(units[-1], tuple):
            before, starts = units[-1]
            units[-1] = (before + tuple(commands), starts | {len(before)})
        else:
            units.append((tuple(commands), frozenset({0})))
    return units


def _same_unit(old: _Unit, new: _Unit) -> bool:
    """Whether two runs of RUN instructions run the same commands in the same order, with each
    RUN boundary that one side has and the other has not cutting off no shell state (no command
    since the RUN began, on the side without the boundary, keeps any) and no package index
    update from its install."""
    if old[0] != new[0]:
        return False
    commands = old[0]
    for at in old[1] ^ new[1]:
        without = new[1] if at in old[1] else old[1]
        began = max(start for start in without if start < at)
        if any(map(_SHELL_STATE.match, commands[began:at])) or _INDEX_UPDATE.match(
            commands[at - 1]
        ):
            return False
    return True


def same_steps(old: Sequence[str], new: Sequence[str]) -> bool:
    """Whether a Dockerfile hunk, its unchanged lines included (`old`: before, `new`: after),
    only regroups the same shell commands into other RUN instructions (see the module's
    docstring): every other instruction the same text, every run of RUNs the same commands."""
    old_units, new_units = _units(old), _units(new)
    if len(old_units) != len(new_units):
        return False
    regrouped = False
    for a, b in zip(old_units, new_units, strict=True):
        if isinstance(a, tuple) and isinstance(b, tuple):
            if not _same_unit(a, b):
                return False
            regrouped = regrouped or a[1] != b[1]
        elif a != b:
            return False
    return regrouped
