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
