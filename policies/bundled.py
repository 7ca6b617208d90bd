"""The bundled policy's artefact: `policies/default.yml` validated, and its path patterns
translated, once per content, so that a start reads it instead of parsing YAML, importing
pydantic, building its validators and translating hundreds of patterns. It holds the policy as
plain data (`policies.model`): reading it imports nothing of pydantic.

The artefact is named by a fingerprint of everything that decides what it holds: the text of
default.yml, the source of the modules that parse, validate and translate it, and the versions
of pydantic (its version file, read without importing it) and Python. The fingerprint is
Python's own hash of sources for hash-based bytecode (`importlib.util.source_hash`, 64 bits):
the artefact is trusted as bytecode is and told stale as bytecode can be, and the hash needs no
import (hashlib loads OpenSSL's library, 2 ms of every start). Any edit of one of them
names another artefact, so a stale one is never read: the next start validates the file again
and leaves a new artefact. It lives in the
package's `__pycache__` beside Python's own bytecode and is trusted as that bytecode is (it is
a pickle); where that folder cannot be written (a read-only install), every start validates.

Pure: bytes in, bytes out. Reading the package's files is `policies.loader`'s, writing the
artefact is the entry point's (`bot.cli`).
"""

from __future__ import annotations

import importlib.util
import pickle
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from policies.literals import Alternative, split
from policies.model import Policy
from policies.paths import Translation, translate
from policies.plain import Plain

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

    from policies import schema

__all__ = ["ARTEFACT_FOLDER", "Bundled", "artefact_name", "decode", "encode", "fingerprint",
           "package_files", "path_patterns"]

#: the package folder the artefact is kept in, with the package's bytecode
ARTEFACT_FOLDER = "__pycache__"
#: the modules whose source decides what the artefact holds
_SOURCES = ("source.py", "schema.py", "model.py", "loader.py", "paths.py", "bundled.py",
            "literals.py")


class Bundled(Plain):
    """The bundled policy, validated, the translation of each of its path patterns and the
    alternatives of each of its content patterns, with the condition a text meets where each
    may match (`policies.literals`)."""

    policy: Policy
    translations: dict[str, Translation]
    alternatives: dict[str, tuple[Alternative, ...]]

    @classmethod
    def of(cls, validated: schema.Policy) -> Bundled:
        """The artefact of a validated policy: its patterns translated (and checked) now."""
        from policies.schema import runtime

        policy = runtime(validated)
        return cls(policy=policy,
                   translations={p: translate(p) for p in path_patterns(policy)},
                   alternatives={rule.pattern: split(rule.pattern)
                                 for area in policy.areas.values() for rule in area.content})


def package_files() -> Traversable:
    """The policies package's files: its folder, where it is one (importing importlib.resources
    would cost every start 5 ms), else what importlib.resources reads it from (an archive)."""
    folder = Path(__file__).parent
    if folder.is_dir():
        return folder
    from importlib import resources

    return resources.files("policies")


def fingerprint(text: bytes) -> str | None:
    """What names the artefact of this default.yml text (see the module's docstring); None for
    an install without the modules' sources (bytecode only), which cannot tell a stale artefact
    and so has none."""
    package = package_files()
    try:
        parts = [text, *(package.joinpath(name).read_bytes() for name in _SOURCES),
                 _pydantic_version()]
    except OSError:
        return None
    parts.append(sys.version.encode())
    return importlib.util.source_hash(b"\0".join(parts)).hex()


def _pydantic_version() -> bytes:
    """pydantic's version file (which states its version), read without importing pydantic:
    a start that reads the artefact never imports it."""
    spec = importlib.util.find_spec("pydantic")
    folders = list(spec.submodule_search_locations or ()) if spec else []
    return (Path(folders[0]) / "version.py").read_bytes() if folders else b""


def artefact_name(key: str) -> str:
    return f"default.{key[:32]}.pickle"


def encode(bundled: Bundled) -> bytes:
    return pickle.dumps(bundled, protocol=pickle.HIGHEST_PROTOCOL)


def decode(blob: bytes) -> Bundled | None:
    """The artefact in these bytes, or None when they hold no artefact (cut short, another
    format): the caller then validates the policy again."""
    try:
        bundled = pickle.loads(blob)  # noqa: S301 - our own artefact, trusted as bytecode is
    except Exception:  # whatever a damaged file makes pickle raise
        return None
    return bundled if isinstance(bundled, Bundled) else None


def path_patterns(policy: Policy) -> Iterator[str]:
    """Every path pattern the policy holds, wherever it holds one."""
    yield from policy.exclude
    yield from policy.generated
    yield from policy.translations
    yield from policy.vendored
    yield from policy.content_only
    yield from policy.client_side
    yield from policy.source_files
    yield from policy.shape.long_context.not_counted
    yield from policy.shape.context_heavy.paths
    yield from policy.shape.context_heavy.contracts
    yield from policy.evidence.agent_trace_paths
    for area in policy.areas.values():
        yield from area.paths
        yield from area.exclude or ()
        for rule in area.content:
            yield from rule.files
    for scope in policy.scopes:
        yield from scope.paths
