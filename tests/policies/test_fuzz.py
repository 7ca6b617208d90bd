"""Fuzz target: the policy loader's pattern fields (hypothesis; brief enough for every CI run).

Whatever a policy's patterns say, loading it either fails with located PolicyProblems, or gives
a policy that the analysis can compile and run. Nothing else may escape: no engine error, no
RecursionError, no crash in the job that would judge a PR with it.
"""

from __future__ import annotations

from typing import Any

import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.analysis.decide import decide
from bot.analysis.diff import parse_diff
from policies.errors import PolicyError
from policies.loader import REPOSITORY_POLICY_PATH, load_policy

# Characters that mean something to gitignore patterns, Python's re (which pathspec translates
# through) or RE2, so that most examples reach the engines rather than being plain text.
_SPECIAL = "[]*?!/\\:-^$(){}|+.,=<>#&~ \t"
_pattern = st.one_of(
    st.text(alphabet=st.sampled_from(_SPECIAL + "az09"), max_size=24),
    st.text(max_size=12),
    st.sampled_from(["**/[z-a]", "[[:alpha:]]", "\\", "[", "a[", "(?<=x)y", "(", "[[=a=]]",
                     "**/*.py", "!x/**", "a\x00b", "[a--b]", "[a&&b]"]),
)
_patterns = st.lists(_pattern, max_size=4)

_DIFF = parse_diff(
    "diff --git a/src/auth/x.py b/src/auth/x.py\n--- a/src/auth/x.py\n+++ b/src/auth/x.py\n"
    "@@ -1 +1,2 @@\n-a = 1\n+def verify(token): return True\n+a = 2\n"
)


def _policy(paths: list[str], exclude: list[str], content_only: list[str], content: list[str],
            files: list[str], docs: list[str]) -> dict[str, Any]:
    rule: dict[str, Any] = {"pattern": content[0], "files": files} if content else {}
    return {
        "exclude": exclude,
        "content_only": content_only,
        "areas": {
            "fuzz": {
                "title": "Fuzz",
                "paths": paths,
                "content": ([rule] if rule else []) + content[1:],
            }
        },
        "shape": {"context_heavy": {"paths": docs, "contracts": docs[::-1]}},
    }


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_patterns, _patterns, _patterns, _patterns, _patterns, _patterns)
@example(["**/[z-a]"], [], [], [], [], [])
@example([], ["[[:alpha:]]"], [], [], [], [])
@example([], [], [], ["(?<=x)y"], ["a["], [])
@example(["[" * 2000 + "a" + "]" * 2000], [], [], ["(" * 2000 + ")" * 2000], [], [])
def test_a_policy_either_loads_and_runs_or_fails_with_located_problems(
    paths: list[str], exclude: list[str], content_only: list[str], content: list[str],
    files: list[str], docs: list[str],
) -> None:
    text = yaml.safe_dump(_policy(paths, exclude, content_only, content, files, docs))
    try:
        policy = load_policy(text)
    except PolicyError as e:
        problems = e.problems
    else:
        problems = []
        decision = decide(_DIFF, policy)  # compiles every pattern as the analysis runs them
        assert decision.risk is not None
    for problem in problems:
        assert problem.file == REPOSITORY_POLICY_PATH
        assert problem.message
