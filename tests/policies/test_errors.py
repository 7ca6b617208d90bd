"""policies.errors: the exception hierarchy and the located problems a policy error carries."""

from __future__ import annotations

import copy
import pickle

import pytest

from policies.errors import PolicyError, PolicyProblem
from policies.plain import FrozenInstanceError


@pytest.mark.parametrize(
    ("problem", "text"),
    [
        (PolicyProblem("p.yml", "areas.auth.paths[0]", "bad", 3, 5), "p.yml:3:5: areas.auth.paths[0]: bad"),
        (PolicyProblem("p.yml", "", "not UTF-8 text (byte 4)"), "p.yml: not UTF-8 text (byte 4)"),
        (PolicyProblem.at("p.yml", ("areas", "auth", "paths", 0), "bad", (3, 5)),
         "p.yml:3:5: areas.auth.paths[0]: bad"),
        (PolicyProblem("p.yml", "limits", "bad", line=2), "p.yml:2: limits: bad"),
    ],
    ids=["located", "whole-file", "at-a-loc", "line-only"],
)
def test_a_problem_reads_as_a_person_looks_for_it(problem: PolicyProblem, text: str) -> None:
    assert str(problem) == text
    assert text in str(PolicyError([problem]))


def test_a_problem_is_frozen_plain_data() -> None:
    """Written out, not a dataclass (whose methods are compiled when its class is defined, a
    cost of every start): it compares, hashes, shows, copies and pickles by its fields, and
    refuses a change."""
    problem = PolicyProblem("p.yml", "areas", "bad", 1, 2)
    assert problem == PolicyProblem("p.yml", "areas", "bad", line=1, column=2)
    assert problem != PolicyProblem("p.yml", "areas", "bad", 1, 3)
    assert len({problem, PolicyProblem("p.yml", "areas", "bad", 1, 2)}) == 1
    assert repr(problem) == ("PolicyProblem(file='p.yml', field='areas', message='bad', line=1, "
                             "column=2)")
    assert pickle.loads(pickle.dumps(problem)) == copy.deepcopy(problem) == problem
    with pytest.raises(FrozenInstanceError):
        problem.line = 4  # type: ignore[misc]
