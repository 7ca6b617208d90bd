"""bot.analysis.buildsteps: a Dockerfile's RUN instructions split or joined with the same shell
commands in the same order are mechanical; a split that also changes, drops or reorders a
command, or cuts shell state off the commands after it, is not."""

from __future__ import annotations

import pytest

from bot.analysis.buildsteps import DOCKERFILE, same_steps
from bot.analysis.classify import classify
from bot.analysis.diff import parse_diff
from policies.model import Policy

_CHAINED = [
    "WORKDIR /app",
    "RUN apt-get update && \\",
    "    apt-get install -y imagemagick && \\",
    "    cp config/database.docker.yml config/database.yml && \\",
    "    bundle install --deployment && \\",
    "    bundle exec rails assets:precompile",
    'CMD ["bundle", "exec", "rails", "s"]',
]
_SPLIT = [
    "WORKDIR /app",
    "RUN apt-get update && \\",
    "    apt-get install -y imagemagick",
    "RUN cp config/database.docker.yml config/database.yml",
    "RUN bundle install --deployment",
    "RUN bundle exec rails assets:precompile",
    'CMD ["bundle", "exec", "rails", "s"]',
]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        pytest.param(_CHAINED, _SPLIT, id="chain-split"),
        pytest.param(_SPLIT, _CHAINED, id="runs-joined"),
        pytest.param(["RUN make && make install"], ["RUN make", "RUN make install"],
                     id="one-line"),
        pytest.param(["RUN a 2>&1 && b", "USER app"], ["RUN a 2>&1", "# then", "RUN b", "USER app"],
                     id="redirection-and-comment"),
        pytest.param(["RUN a && \\", "    b && \\", "    c"], ["RUN a && b", "RUN c"],
                     id="continuations"),
        pytest.param(["RUN (cd /src && make) && make -C /src install"],
                     ["RUN (cd /src && make)", "RUN make -C /src install"], id="cd-in-subshell"),
    ],
)
def test_the_same_commands_regrouped_are_the_same_steps(old: list[str], new: list[str]) -> None:
    assert same_steps(old, new)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        pytest.param(_CHAINED, [line for line in _SPLIT if "cp config" not in line],
                     id="a-command-dropped"),
        pytest.param(["RUN a && b && c"], ["RUN a", "RUN c", "RUN b"], id="reordered"),
        pytest.param(["RUN a && b"], ["RUN a", "RUN b --force"], id="a-command-changed"),
        pytest.param(["RUN cd /src && make"], ["RUN cd /src", "RUN make"], id="cd-cut-off"),
        pytest.param(["RUN set -eux && a && b"], ["RUN set -eux && a", "RUN b"],
                     id="shell-options-cut-off"),
        pytest.param(["RUN export PATH=/opt/bin:$PATH && tool"],
                     ["RUN export PATH=/opt/bin:$PATH", "RUN tool"], id="export-cut-off"),
        pytest.param(["RUN apt-get update && apt-get install -y curl"],
                     ["RUN apt-get update", "RUN apt-get install -y curl"],
                     id="index-update-apart"),
        pytest.param(["RUN a && b || c"], ["RUN a", "RUN b || c"], id="or-regrouped"),
        pytest.param(["RUN a; b && c"], ["RUN a; b", "RUN c"], id="semicolon"),
        pytest.param(["RUN --mount=type=cache,target=/root/.cache a && b"],
                     ["RUN --mount=type=cache,target=/root/.cache a", "RUN b"],
                     id="flags-apply-to-one-run"),
        pytest.param(["RUN a && b", "USER app"], ["RUN a", "USER app", "RUN b"],
                     id="an-instruction-between"),
    ],
)
def test_a_split_that_does_more_is_not_the_same_steps(old: list[str], new: list[str]) -> None:
    assert not same_steps(old, new)


def test_a_hunk_inside_an_instruction_begun_above_must_keep_that_part() -> None:
    """The first shown line continues a RUN whose start the hunk does not show: that part is
    compared as written (it may be a RUN's or an ENV's)."""
    assert not same_steps(["    apt-get install -y a && \\", "    b"],
                          ["    apt-get install -y a", "RUN b"])
    assert same_steps(["    apt-get install -y a", "RUN b && c"],
                      ["    apt-get install -y a", "RUN b", "RUN c"])


@pytest.mark.parametrize(
    ("path", "matches"),
    [("Dockerfile", True), ("docker/Dockerfile.prod", True), ("build/api.Dockerfile", True),
     ("Containerfile", True), ("src/dockerfile_parser.py", False),
     ("Dockerfiles/README", False)],
)
def test_dockerfiles_by_name(path: str, matches: bool) -> None:
    assert (DOCKERFILE.search(path) is not None) is matches


def _dockerfile_diff(old: list[str], new: list[str]) -> str:
    rows = [f"-{line}" for line in old] + [f"+{line}" for line in new]
    return (
        "diff --git a/Dockerfile b/Dockerfile\n--- a/Dockerfile\n+++ b/Dockerfile\n"
        f"@@ -1,{len(old) + 1} +1,{len(new) + 1} @@\n FROM ruby:3.3\n" + "\n".join(rows) + "\n"
    )


def test_a_dockerfiles_steps_split_are_no_infrastructure_change(policy: Policy) -> None:
    split = classify(parse_diff(_dockerfile_diff(["RUN a && b"], ["RUN a", "RUN b"])), policy)
    dropped = classify(parse_diff(_dockerfile_diff(["RUN a && b"], ["RUN a"])), policy)
    assert [area.id for area in split.areas] == []
    assert [area.id for area in dropped.areas] == ["infrastructure"]
