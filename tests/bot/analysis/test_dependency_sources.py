"""security.dependency-source: where a package comes from, in each ecosystem's own spelling.

A dependency fetched from a fork, a URL, another index or a host whose certificate is not
checked is a supply-chain change, even in a file the exclusions hide (a requirements file, a
lock file); a version bump, a manifest's metadata (the package's own repository, its homepage)
and the same declarations put in another order are not.
"""

from __future__ import annotations

import pytest

from bot.analysis.classify import classify
from bot.analysis.diff import parse_diff
from policies.model import Policy
from tests.bot._diffs import edit
from tests.bot.analysis._rules import rules_found

_SOURCE = "security.dependency-source"


@pytest.mark.parametrize(
    ("path", "line", "rule"),
    [
        # pip: another index, links to search, a host whose certificate is not checked, a PEP 508
        # direct URL (in requirements files of a folder too, and in pyproject.toml)
        ("requirements/prod.txt", "-i https://pypi.example.com/simple", _SOURCE),
        ("requirements.txt", "--find-links https://example.com/wheels/", _SOURCE),
        ("requirements.txt", "--trusted-host pypi.example.com", _SOURCE),
        ("requirements.in", "shop-utils @ https://example.com/shop_utils-1.0.tar.gz", _SOURCE),
        ("pyproject.toml", '    "shop-utils @ https://example.com/shop_utils-1.0.tar.gz",',
         _SOURCE),
        # the tables that declare an index (Pipfile, Poetry, uv, PDM) and their URL
        ("Pipfile", "[[source]]", _SOURCE),
        ("pyproject.toml", "[[tool.poetry.source]]", _SOURCE),
        ("pyproject.toml", "[[tool.uv.index]]", _SOURCE),
        ("pyproject.toml", 'url = "https://pypi.example.com/simple"', _SOURCE),
        ("uv.toml", 'index-url = "https://pypi.example.com/simple"', _SOURCE),
        # Cargo: a crate patched or taken from another registry
        ("Cargo.toml", "[patch.crates-io]", _SOURCE),
        (".cargo/config.toml", "[source.crates-io]", _SOURCE),
        # Bundler: a gem from GitHub, in either hash syntax
        ("Gemfile", "gem 'devise', github: 'someone/devise', branch: 'fix'", _SOURCE),
        ("Gemfile", "gem 'devise', :git => 'git@github.com:someone/devise.git'", _SOURCE),
        # go.mod: a line of a replace block
        ("go.mod", "\tgithub.com/golang-jwt/jwt/v5 => github.com/someone/jwt/v5 v5.2.1", _SOURCE),
        # npm: an alias to another package, a GitHub shorthand at a ref, a tarball URL
        ("package.json", '    "left-pad": "npm:@someone/left-pad@1.3.0",', _SOURCE),
        ("package.json", '    "left-pad": "npm:pad-left@1.3.0",', _SOURCE),
        ("yarn.lock", '    left-pad: "npm:@someone/left-pad@1.3.0"', _SOURCE),
        # ... but not Yarn 2+'s lock file naming the default registry's version range
        ("yarn.lock", '    tslib: "npm:2.3.0"', None),
        ("yarn.lock", '    zrender: "npm:^5.6.1"', None),
        ("package.json", '    "left-pad": "someone/left-pad#fix",', _SOURCE),
        ("package.json", '    "left-pad": "https://example.com/left-pad-1.3.0.tgz",', _SOURCE),
        ("yarn.lock", '"left-pad@https://example.com/left-pad-1.3.0.tgz":', _SOURCE),
        # look-alikes: the package's own repository and entry point, a lock file's registry
        # tarball, the project installed from its own folder, a tool's table, a gem's options,
        # a required module's version
        ("package.json", '    "url": "git+https://github.com/acme/shop.git"', None),
        ("package.json", '  "main": "dist/index.js",', None),
        ("package-lock.json",
         '      "resolved": "https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz",', None),
        ("requirements.txt", "-e .", None),
        ("pyproject.toml", "[tool.ruff]", None),
        ("Gemfile", "gem 'devise', require: false", None),
        ("go.mod", "\tgithub.com/golang-jwt/jwt/v5 v5.2.1", None),
    ],
)
def test_where_a_package_comes_from_is_security(
    policy: Policy, path: str, line: str, rule: str | None
) -> None:
    found = rules_found(path, line, policy)
    assert (rule in found) if rule else (found == set()), found


def test_the_same_declarations_in_another_order_are_no_new_source(policy: Policy) -> None:
    """A Gemfile sorted, a comment put above a gem instead of beside it: the gem from GitHub
    came from there before; a gem taken from another fork did not."""
    old = ["gem 'erector', github: 'someone/erector', branch: 'rails6'",
           "gem 'mqtt' # MQTTAgent"]
    sorted_ = ["# MQTTAgent", "gem 'mqtt'", "", "gem 'erector', github: 'someone/erector', "
               "branch: 'rails6'"]
    assert classify(parse_diff(edit("Gemfile", sorted_, old)), policy).areas == []
    fork = [sorted_[0], sorted_[1], "gem 'erector', github: 'mallory/erector'"]
    assert classify(parse_diff(edit("Gemfile", fork, old)), policy).areas != []


def _go_mod(*hunks: tuple[list[str], list[str]], path: str = "go.mod") -> str:
    """A go.mod's diff of several hunks of a `require` block, each (removed, added) lines."""
    body, start = "", 5
    for removed, added in hunks:
        body += (f"@@ -{start},{len(removed) + 1} +{start},{len(added) + 1} @@ require (\n"
                 " \tgithub.com/stretchr/testify v1.8.4\n"
                 + "".join(f"-\t{line}\n" for line in removed)
                 + "".join(f"+\t{line}\n" for line in added))
        start += 20
    return (f"diff --git a/{path} b/{path}\nindex 1111111..2222222 100644\n"
            f"--- a/{path}\n+++ b/{path}\n{body}")


def _fork_snippets(text: str, policy: Policy) -> list[str]:
    return [e.snippet for area in classify(parse_diff(text), policy).areas
            for e in area.evidence if e.rule == _SOURCE]


@pytest.mark.parametrize(
    ("removed", "added", "snippet"),
    [
        # a module required from a fork of it: another owner (glauth's LDAP library), the
        # two lines in one hunk or apart (a sorted block puts them apart)
        (["github.com/nmcclain/ldap v0.0.0-20210720162743-7f8d1e44eeba"],
         ["github.com/glauth/ldap v0.0.0-20231210225823-b9bf4d1baf6e"],
         "github.com/nmcclain/ldap -> github.com/glauth/ldap (same name, another owner)"),
        # gopkg.in's path read as the GitHub repository it serves, the major version aside
        (["gopkg.in/square/go-jose.v2 v2.3.1"], ["github.com/go-jose/go-jose/v3 v3.0.1"],
         "gopkg.in/square/go-jose.v2 -> github.com/go-jose/go-jose/v3 (same name, another "
         "owner)"),
        # another host, the same owner's name
        (["github.com/acme/ldap v1.2.0"], ["gitlab.com/acme/ldap v1.2.1"],
         "github.com/acme/ldap -> gitlab.com/acme/ldap (same name, another owner)"),
        # look-alikes: a version bump, a new major version of the same module, gopkg.in's
        # versions of one package (and that package at GitHub), the owner's name recased, a
        # repository its owner renamed, a project moved to its vanity domain, a module
        # re-versioned while a fork of the same name is added beside it, indirect
        # requirements `go mod tidy` swapped for a dependency's own needs
        (["github.com/gorilla/schema v1.2.0"], ["github.com/gorilla/schema v1.2.1"], None),
        (["github.com/go-ldap/ldap/v2 v2.5.1"], ["github.com/go-ldap/ldap/v3 v3.4.6"], None),
        (["gopkg.in/yaml.v2 v2.4.0"], ["gopkg.in/yaml.v3 v3.0.1"], None),
        (["gopkg.in/yaml.v2 v2.4.0"], ["github.com/go-yaml/yaml/v3 v3.0.1"], None),
        (["github.com/Sirupsen/logrus v1.0.0"], ["github.com/sirupsen/logrus v1.9.3"], None),
        (["github.com/acme/go-ldap v1.0.0"], ["github.com/acme/ldap v1.1.0"], None),
        (["github.com/golang/protobuf v1.5.3"], ["google.golang.org/protobuf v1.31.0"], None),
        (["github.com/uber-go/zap v1.9.0"], ["go.uber.org/zap v1.27.0"], None),
        (["github.com/kr/pretty v0.3.1 // indirect"],
         ["github.com/niemeyer/pretty v0.0.0-20200227124842-a10e7caefd8e // indirect"], None),
    ],
)
def test_a_module_required_from_a_fork_is_a_new_source(
    policy: Policy, removed: list[str], added: list[str], snippet: str | None
) -> None:
    """The fork's pair is read across a go.mod's hunks: the removed requirement sorted apart
    from the added one, each a module named, which no pattern pairs."""
    for hunks in [((removed, added),), (([], added), (removed, []))]:
        assert _fork_snippets(_go_mod(*hunks), policy) == ([snippet] if snippet else [])


def test_a_fork_kept_beside_its_original_is_no_swap(policy: Policy) -> None:
    """The original still required (re-versioned) when a module of the same name is added:
    two modules, neither replacing the other."""
    text = _go_mod((["github.com/gorilla/schema v1.2.0"],
                    ["github.com/gorilla/schema v1.2.1", "github.com/zitadel/schema v1.3.0"]))
    assert _fork_snippets(text, policy) == []


def test_the_imports_renamed_to_the_fork_leave_the_go_mod_evidence(policy: Policy) -> None:
    """zitadel/oidc's swap of gorilla/schema for its own fork: the code's imports renamed read
    as a rename, the go.mod's pair is the security change, found at the added requirement."""
    text = _go_mod((["github.com/gorilla/schema v1.2.0"], []),
                   ([], ["github.com/zitadel/schema v1.3.0"])) + edit(
        "pkg/op/op.go", ['\t"github.com/zitadel/schema"'], ['\t"github.com/gorilla/schema"'])
    areas = classify(parse_diff(text), policy).areas
    assert [(a.id, e.path, e.side, e.line, e.snippet) for a in areas for e in a.evidence] == [
        ("security", "go.mod", "new", 26, "github.com/gorilla/schema -> github.com/zitadel/"
         "schema (same name, another owner)"),
    ]


def test_an_npm_package_moved_into_a_scope_is_not_read_as_a_fork(policy: Policy) -> None:
    """A scoped package of the same name is as often its project's own move (`react-query` ->
    `@tanstack/react-query`) or another package with a common name as a fork: not read."""
    text = edit("package.json", ['    "@tanstack/react-query": "^4.0.0",'],
                ['    "react-query": "^3.39.0",'])
    assert classify(parse_diff(text), policy).areas == []
