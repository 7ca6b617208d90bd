"""A Go module replaced by a fork: the same repository's name under another owner.

A change that drops a required module and requires another of the same name from someone else
(go.mod's `github.com/nmcclain/ldap` for `github.com/glauth/ldap`) changes where the code that
runs comes from, as a `replace` directive does; the imports renamed across the code read as a
rename, and the manifest's two lines, one removed and one added, each as a module named. Only
the pair says what happened, so the pair is read here, over all of a go.mod's hunks (a sorted
`require` block puts the two lines apart), and a content rule with `forks: true` reports it
(`bot.analysis.classify`).

A pair is a `require` line's module on a public code host (`github.com/<owner>/<repository>`,
GitLab, Bitbucket, Codeberg, Gitee, SourceHut), the rest of its path the same, its host or owner
another. gopkg.in's paths are read as the GitHub repositories they serve (`gopkg.in/yaml.v3` is
`github.com/go-yaml/yaml`, `gopkg.in/square/go-jose.v2` `github.com/square/go-jose`), and a
major version's suffix is left aside (`/v3`, `.v2`): a new major version of the same module,
`gopkg.in/yaml.v2` -> `gopkg.in/yaml.v3`, `gopkg.in/yaml.v3` -> `github.com/go-yaml/yaml/v3`
are the same owner's. Not read:
- a module on a vanity domain (`go.uber.org/zap`, `google.golang.org/protobuf`,
  `k8s.io/client-go`): its path names no owner, and a project moves there by its own choice;
- a repository its owner renames: its name changes, not its owner;
- an indirect requirement (`// indirect`): `go mod tidy` records it for what another
  dependency needs, and a new release of that dependency swaps it (base64x's and iasm's move
  to cloudwego under sonic, `kr/pretty`'s to `niemeyer/pretty`); the module's own imports are
  the change.

npm's scoped packages were read the same way (`"ldapjs"` -> `"@someone/ldapjs"`) and left out:
on the local mirrors' histories half of those pairs are a project moving its own package into
its scope (`react-query` -> `@tanstack/react-query`, `stimulus` -> `@hotwired/stimulus`) or two
packages that share a common name (`@babel/core` and `@rspack/core`, `prompts` and
`@clack/prompts`), which the name alone cannot tell from a fork.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from bot.analysis.lazyre import compile_lazily

__all__ = ["GO_MOD", "Fork", "forks"]

#: the manifests whose forks are read
GO_MOD = compile_lazily(r"(^|/)go\.mod$")


class Fork(NamedTuple):
    """A module dropped (`old`) for another of the same name from another owner (`new`), whose
    requirement is added at `line` of the go.mod's new side."""

    old: str
    new: str
    line: int

    def describe(self) -> str:
        """The evidence's text: both modules, as the go.mod names them."""
        return f"{self.old} -> {self.new} (same name, another owner)"


#: a go.mod `require` line (in a block, or the directive's own): the module's path
_REQUIRE = compile_lazily(
    r"\s*(?:require\s+)?([A-Za-z0-9][\w.-]*\.[a-z]{2,}(?:/[\w.~+-]+)+)\s+v\d\S*\s*(?://.*)?"
)
#: a requirement `go mod tidy` records for a dependency's own needs, not the module's imports
_INDIRECT = compile_lazily(r"//\s*indirect\b")
#: the public code hosts whose paths name an owner and a repository (SourceHut's owner is `~x`)
_CODE_HOSTS = frozenset({
    "github.com", "gitlab.com", "bitbucket.org", "codeberg.org", "gitee.com", "git.sr.ht",
})
#: gopkg.in's paths: `gopkg.in/<pkg>.vN` serves `github.com/go-<pkg>/<pkg>`,
#: `gopkg.in/<user>/<pkg>.vN` serves `github.com/<user>/<pkg>`
_GOPKG = compile_lazily(r"gopkg\.in/(?:([\w-]+)/)?([\w.-]+?)\.v\d+((?:/[\w.~+-]+)*)")
#: a module path's major version suffix (`/v2`, ...)
_MAJOR = compile_lazily(r"/v\d+$")


class _Required(NamedTuple):
    """A module a line requires: its path as written (`path`), the path its forks keep
    (`name`: the repository and below, lower case, no major version) and its `owner` (host
    and owner)."""

    path: str
    name: str
    owner: str


def _required(text: str) -> _Required | None:
    """The module a go.mod line requires directly, if it is one on a code host (or gopkg.in)."""
    found = _REQUIRE.fullmatch(text.rstrip("\n"))
    if found is None or _INDIRECT.search(text):
        return None
    path = found[1]
    canonical = path.lower()
    gopkg = _GOPKG.fullmatch(canonical)
    if gopkg is not None:
        user, package, rest = gopkg.groups()
        canonical = f"github.com/{user or 'go-' + package}/{package}{rest}"
    parts = _MAJOR.sub("", canonical).split("/")
    if len(parts) < 3 or parts[0] not in _CODE_HOSTS:
        return None
    return _Required(path, "/".join(parts[2:]), f"{parts[0]}/{parts[1]}")


def forks(removed: Sequence[str], added: Sequence[tuple[int, str]]) -> list[Fork]:
    """The modules a go.mod's change replaces by a fork: each added requirement (with its line
    number) of a name whose requirement from another owner is removed, neither module required
    on the other side too (a line moved or re-versioned is no fork)."""
    dropped = {found.path: found for found in map(_required, removed) if found is not None}
    if not dropped:
        return []
    required = [(line, found) for line, text in added if (found := _required(text)) is not None]
    kept = {found.path for _, found in required}
    by_name: dict[str, list[_Required]] = {}
    for found in dropped.values():
        if found.path not in kept:
            by_name.setdefault(found.name, []).append(found)
    result = []
    for line, found in required:
        if found.path in dropped:
            continue
        old = next((old for old in by_name.get(found.name, ()) if old.owner != found.owner),
                   None)
        if old is not None:
            result.append(Fork(old.path, found.path, line))
    return result
