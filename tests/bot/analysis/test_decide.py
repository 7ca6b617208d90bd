"""bot.analysis.decide: from a diff, a policy and PR metadata to risk, tier, verdict and the reasons."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pytest

from bot.analysis.decide import decide, measure_shape
from bot.analysis.diff import GitHubFile, parse_diff, parse_github_files
from bot.analysis.models import Commit, Decision, PullRequestInfo, Risk, Verdict
from bot.render import render_json
from policies.loader import default_policy, load_policy
from policies.model import Policy
from tests.bot._diffs import edit

AUTH = edit("app/auth/views.py", ["@login_required", "def profile(request):"])
INTEGRATION = edit("app/integrations/crm.py", ["client = build()"])
ROUTINE = edit("app/templates/home.html", ["<p>Welcome back</p>"], ["<p>Welcom back</p>"])
# 30 files over 5 top-level folders, 8 lines each (a pattern migration: many files, 240 lines)
LARGE = "".join(
    edit(f"mod{i % 5}/file{i}.py", [f"x_{n} = {i}" for n in range(8)]) for i in range(30)
)
DOCS = (
    edit("docs/guide.md", [f"Line {n} of the guide." for n in range(90)])
    + edit("docs/api/openapi.yaml", ["paths: {}"])
    + edit("README.md", ["More"])
    + edit("app/views.py", ["y = 1"])
)


@dataclass(frozen=True)
class Case:
    diff: str
    risk: Risk
    tier: str
    required: str | None
    verdict: Verdict
    blocking: bool
    body: str = ""
    commits: tuple[str, ...] = ()
    policy: str | None = None
    areas: tuple[str, ...] = field(default=())


CASES = {
    "critical-premium-model-passes": Case(
        AUTH, Risk.CRITICAL, "premium", "premium", Verdict.PASS, False,
        body="Model: GPT-5.4", areas=("auth",),
    ),
    "critical-opus-from-commit-passes": Case(
        AUTH, Risk.CRITICAL, "premium", "premium", Verdict.PASS, False,
        commits=("Fix\n\nCo-Authored-By: Claude Opus 4.6 (1M context) <noreply@anthropic.com>",),
        areas=("auth",),
    ),
    "critical-composer-fails": Case(
        AUTH, Risk.CRITICAL, "premium", "premium", Verdict.FAIL, True,
        body="Model: Composer 2", areas=("auth",),
    ),
    "critical-nothing-missing": Case(
        AUTH, Risk.CRITICAL, "premium", "premium", Verdict.MISSING, True, areas=("auth",),
    ),
    "critical-cursor-tool-only-fails": Case(
        AUTH, Risk.CRITICAL, "premium", "premium", Verdict.FAIL, True,
        commits=("Fix\n\nMade-with: Cursor",), areas=("auth",),
    ),
    # on GitHub (the App's place, the default) reviews not read fail closed
    "critical-human-reviews-unread": Case(
        AUTH, Risk.CRITICAL, "premium", "premium", Verdict.MISSING, True,
        body="Model: none", areas=("auth",),
    ),
    "critical-human-rejected-by-policy": Case(
        AUTH, Risk.CRITICAL, "premium", "premium", Verdict.MISSING, True,
        body="Model: none", policy="enforcement:\n  human_declaration: reject\n", areas=("auth",),
    ),
    "critical-human-accepted-by-policy": Case(
        AUTH, Risk.CRITICAL, "premium", "premium", Verdict.PASS, False,
        body="Model: none", policy="enforcement:\n  accept_human_declaration: true\n",
        areas=("auth",),
    ),
    "critical-on-missing-warn": Case(
        AUTH, Risk.CRITICAL, "premium", "premium", Verdict.MISSING, False,
        policy="enforcement:\n  on_missing: warn\n", areas=("auth",),
    ),
    "critical-on-lower-warn": Case(
        AUTH, Risk.CRITICAL, "premium", "premium", Verdict.FAIL, False,
        body="Model: Composer 2", policy="enforcement:\n  on_lower: warn\n", areas=("auth",),
    ),
    "critical-lower-and-premium-passes": Case(
        AUTH, Risk.CRITICAL, "premium", "premium", Verdict.PASS, False,
        body="Model: Composer 2, GPT-5.4", areas=("auth",),
    ),
    "routine-advisory": Case(
        ROUTINE, Risk.ROUTINE, "everyday", None, Verdict.ADVISORY, False,
    ),
    "routine-with-a-lower-model-still-advisory": Case(
        ROUTINE, Risk.ROUTINE, "everyday", None, Verdict.ADVISORY, False,
        body="Model: Composer 2",
    ),
    "elevated-recommends-premium-advisory": Case(
        INTEGRATION, Risk.ELEVATED, "premium", None, Verdict.ADVISORY, False,
        areas=("integrations",),
    ),
    "large-shape-long-context": Case(
        LARGE, Risk.ROUTINE, "long-context", None, Verdict.ADVISORY, False,
    ),
    "docs-dominated-context-heavy": Case(
        DOCS, Risk.ROUTINE, "context-heavy", None, Verdict.ADVISORY, False,
    ),
    "large-docs-change-is-context-heavy": Case(
        "".join(edit(f"docs/d{i % 5}/page{i}.md", ["Text.", "More text.", "End."])
                for i in range(30)),
        Risk.ROUTINE, "context-heavy", None, Verdict.ADVISORY, False,
    ),
    "critical-and-large-critical-wins": Case(
        LARGE + AUTH, Risk.CRITICAL, "premium", "premium", Verdict.MISSING, True,
        areas=("auth",),
    ),
    "elevated-required-by-policy": Case(
        INTEGRATION, Risk.ELEVATED, "premium", "long-context", Verdict.FAIL, True,
        body="Model: Composer 2", policy="enforcement:\n  require:\n    elevated: long-context\n",
        areas=("integrations",),
    ),
}


def run_case(case: Case) -> Decision:
    policy = default_policy() if case.policy is None else load_policy(case.policy)
    pr = PullRequestInfo(
        body=case.body, commits=tuple(Commit(sha="c0ffee0", message=m) for m in case.commits)
    )
    return decide(parse_diff(case.diff), policy, pr)


@pytest.mark.parametrize("case", list(CASES.values()), ids=list(CASES))
def test_verdict_table(case: Case) -> None:
    decision = run_case(case)
    assert (
        decision.risk,
        decision.tier,
        decision.required_tier,
        decision.verdict,
        decision.blocking,
    ) == (case.risk, case.tier, case.required, case.verdict, case.blocking)
    assert tuple(a.id for a in decision.areas) == case.areas
    # a verdict that blocks always says how to fix it; a pass or an advisory never needs to
    assert (decision.fix is not None) == (decision.verdict in (Verdict.FAIL, Verdict.MISSING))


def test_missing_fix_names_the_model_line_to_add() -> None:
    decision = run_case(CASES["critical-nothing-missing"])
    assert decision.verdict_reason == (
        "This critical change requires the Premium tier, and no model is declared."
    )
    assert decision.fix is not None
    assert "`Model: GPT-5.4`" in decision.fix
    assert "`model:gpt-5.4`" in decision.fix
    assert "`/modeltier override <reason>`" in decision.fix


def test_fail_names_the_lower_model_and_where_it_was_declared() -> None:
    decision = run_case(CASES["critical-composer-fails"])
    assert decision.verdict_reason == (
        "This critical change requires the Premium tier (GPT-5.4 or Claude Opus 4.6), but the "
        "evidence shows only lower tiers: Composer 2 (PR description, line 1)."
    )
    assert decision.fix is not None
    assert decision.fix.startswith("Redo or review the change with GPT-5.4 or Claude Opus 4.6")


def test_tool_only_fail_says_the_marker_names_no_model() -> None:
    decision = run_case(CASES["critical-cursor-tool-only-fails"])
    assert "Cursor (commit c0ffee0)" in decision.verdict_reason
    assert decision.verdict_reason.endswith("A tool marker does not say which model ran.")


def test_human_declaration_is_named_when_not_accepted() -> None:
    decision = run_case(CASES["critical-human-rejected-by-policy"])
    assert "declared as written without AI" in decision.verdict_reason
    assert "does not accept" in decision.verdict_reason


def test_pass_names_the_model_and_where_it_was_declared() -> None:
    decision = run_case(CASES["critical-opus-from-commit-passes"])
    assert decision.verdict_reason == (
        "Claude Opus 4.6 (commit c0ffee0; tool evidence) meets the Premium tier required."
    )


def test_recommended_and_accepted_models_follow_the_tier(policy: Policy) -> None:
    critical = run_case(CASES["critical-nothing-missing"])
    assert (critical.recommended_model, critical.recommended_model_name) == ("gpt-5.4", "GPT-5.4")
    assert critical.accepted_models == ["gpt-5.4", "claude-opus-4.6"]
    routine = run_case(CASES["routine-advisory"])
    assert routine.recommended_model == policy.tiers["everyday"].recommended
    assert routine.accepted_models[0] == routine.recommended_model
    assert set(routine.accepted_models) == set(policy.models)


def test_reasons_explain_areas_and_shape() -> None:
    assert run_case(CASES["critical-and-large-critical-wins"]).reasons == [
        "Touches Authentication (critical): 1 file, 2 pieces of evidence.",
        "Large change: 242 changed lines in 31 files across 6 folders, docs and generated "
        "files not counted (threshold: 400 lines over 2+ files, or 20 files changing 100 "
        "lines).",
    ]
    assert run_case(CASES["docs-dominated-context-heavy"]).reasons == [
        "Docs and contracts dominate: 92 changed lines in 3 of 4 files, 99% of the lines "
        "besides tests (threshold: 50% and 80 lines, or 10 lines of API contracts).",
    ]
    assert run_case(CASES["routine-advisory"]).reasons == [
        "Small routine change: no sensitive area touched.",
    ]


def test_checklist_comes_from_the_areas_touched(policy: Policy) -> None:
    decision = run_case(CASES["critical-nothing-missing"])
    assert [(g.area, g.items) for g in decision.checklist] == [
        ("auth", policy.areas["auth"].checklist)
    ]
    assert run_case(CASES["routine-advisory"]).checklist == []


def test_files_github_did_not_list_make_the_change_critical(policy: Policy) -> None:
    diff = parse_diff(edit("app/views.py", ["y = 1"]))
    decision = decide(diff, policy, PullRequestInfo(changed_files=5000))
    assert decision.risk is Risk.CRITICAL
    assert decision.signals.files == 5000
    assert decision.signals.files_not_listed == 4999
    assert decision.reasons == [
        "Large change: 1 changed lines in 5000 files across 1 folders, docs and generated files "
        "not counted (threshold: 400 lines over 2+ files, or 20 files changing 100 lines).",
        "4999 changed files were not listed by GitHub (over its 3,000-file cap); they could "
        "not be analysed, so the risk is critical."
    ]
    assert decision.verdict is Verdict.MISSING and decision.blocking
    relaxed = load_policy("enforcement:\n  uninspected: elevated\n")
    assert decide(diff, relaxed, PullRequestInfo(changed_files=5000)).risk is Risk.ELEVATED


def test_files_github_did_not_list_never_lower_a_critical_risk(policy: Policy) -> None:
    decision = decide(parse_diff(AUTH), policy, PullRequestInfo(changed_files=5000))
    assert decision.risk is Risk.CRITICAL


def test_unknown_model_is_reported_in_the_reason(policy: Policy) -> None:
    decision = decide(parse_diff(AUTH), policy, PullRequestInfo(body="Model: llama-4"))
    assert decision.verdict is Verdict.MISSING
    assert "Not in the catalog (of 2026-04-01): `Model: llama-4`." in decision.verdict_reason
    assert [d.kind for d in decision.declared_models] == ["unknown"]


def test_unknown_model_beside_a_lower_one_is_reported_too(policy: Policy) -> None:
    pr = PullRequestInfo(body="Model: Composer 2, gpt-7-ultra")
    decision = decide(parse_diff(AUTH), policy, pr)
    assert decision.verdict is Verdict.FAIL
    assert "`Model: Composer 2, gpt-7-ultra`" in decision.verdict_reason


def test_a_new_model_added_by_a_policy_edit_is_accepted(policy: Policy) -> None:
    pr = PullRequestInfo(body="Model: Grok 5")
    assert decide(parse_diff(AUTH), policy, pr).verdict is Verdict.MISSING
    edited = load_policy("models:\n  grok-5:\n    name: Grok 5\n    tier: premium\n")
    decision = decide(parse_diff(AUTH), edited, pr)
    assert decision.verdict is Verdict.PASS
    assert "grok-5" in decision.accepted_models


def test_a_tool_trusted_by_policy_satisfies_the_tier() -> None:
    policy = load_policy("enforcement:\n  tool_only_tier: premium\n")
    pr = PullRequestInfo(commits=(Commit(message="Fix\n\nMade-with: Cursor"),))
    decision = decide(parse_diff(AUTH), policy, pr)
    assert decision.verdict is Verdict.PASS
    assert decision.verdict_reason.startswith("Cursor (commit; tool evidence)")


def test_draft_is_carried_and_decision_has_the_json_contract_fields(policy: Policy) -> None:
    decision = decide(parse_diff(ROUTINE), policy, PullRequestInfo(draft=True))
    assert decision.draft is True
    data = json.loads(render_json(decision))
    assert data["schema_version"] == "1.0"
    assert {"risk", "tier", "areas", "signals", "verdict", "blocking", "reasons"} <= set(data)


@pytest.mark.parametrize(
    ("text", "files", "modules", "doc_files", "long_context", "context_heavy"),
    [
        (LARGE, 30, 5, 0, True, False),
        (DOCS, 4, 4, 3, False, True),
        (edit("docs/guide.md", ["Helo"], ["Hello"]) + edit("README.md", ["typo"]), 2, 2, 2, False,
         False),
        (edit("src/auth/a.py", ["x"]) + edit("src/billing/b.py", ["y"]) + edit("src/c.py", ["z"]),
         3, 3, 0, False, False),
        (edit("setup.py", ["x"]) + edit("app/a.py", ["y"]), 2, 2, 0, False, False),
        (
            "".join(edit(f"m{i % 4}/f{i}.py", ["x"] * 400) for i in range(4)),
            4, 4, 0, True, False,
        ),
        (edit("app/views.py", ["x"] * 300, ["y"] * 300), 1, 1, 0, False, False),
        (edit("app/views.py", ["x"] * 200, ["y"] * 200), 1, 1, 0, False, False),
        (edit("docs/guide.md", ["A longer guide."] * 60, ["The guide."] * 10), 1, 1, 1, False,
         False),
        (edit("packages/cli/generated/admin-spec.json", ['"paths": {}'] * 50)
         + edit("src/tests/snapshots/openapi_snapshot.snap", ["x"] * 50)
         + edit("src/api/routes.rs", ["y"]), 3, 3, 2, False, True),
        ("", 0, 0, 0, False, False),
        ("".join(edit(f"mod{i % 5}/f{i}.py", ["x = 1"]) for i in range(25)), 25, 5, 0, False,
         False),
        (edit("app/offers/views.py", [], ["x"] * 200) + edit("app/offers/wizard.py", ["x"] * 200),
         2, 1, 0, True, False),
        (edit("uv.lock", ["x"] * 900) + edit("pyproject.toml", ["y"]), 2, 1, 0, False, False),
        ("".join(edit(f"docs/p{i}.md", ["x"] * 20) for i in range(30)), 30, 1, 30, False, True),
        (edit("docs/releases/1.2.md", ["x"] * 90) + edit("tests/test_a.py", ["y"] * 200)
         + edit("app/a.py", ["z"]), 3, 3, 1, False, True),
        (edit("docs/releases/1.2.md", ["x"] * 90) + edit("app/a.py", ["z"] * 100), 2, 2, 1, False,
         False),
        (edit("examples/out/rendered.txt", ["x"] * 90), 1, 1, 0, False, False),
        (edit("api/openapi.yaml", ["x"] * 12) + edit("src/handler.go", ["y"] * 10), 2, 2, 1,
         False, True),
        (edit("proto/v1/service.proto", ["// old"], ["// new"]) + edit("gen/service.pb.go", ["x"]),
         2, 2, 1, False, False),
        (edit("backend/json_schema/config.json", ["x"] * 40), 1, 1, 1, False, True),
        ("".join(edit(f"app/translations/{lang}/LC_MESSAGES/messages.po", ['msgstr "x"'] * 300)
                 for lang in ("ca", "es")) + edit("app/translations/messages.pot", ["#: x"] * 300),
         3, 1, 0, False, False),
        (edit("config/locales/fr.yml", ["  x: y"] * 250) + edit("config/locales/de.yml",
                                                               ["  x: z"] * 250),
         2, 1, 0, False, False),
        (edit("app/i18n/loader.py", ["x"] * 250) + edit("app/i18n/plural.py", ["y"] * 250),
         2, 1, 0, True, False),
    ],
    ids=["many-files", "docs", "small-docs-fix-is-not-context-heavy",
         "folders-two-levels-deep-are-modules", "root-file-counts-as-a-module", "many-lines",
         "many-lines-in-one-file-is-not-multi-file", "a-few-hundred-lines-in-one-package",
         "a-screenful-of-docs-is-not-context-heavy", "api-specs-by-name", "empty",
         "a-line-in-each-of-many-files-is-not-large", "a-move-within-one-folder-is-large",
         "a-lock-file-is-not-large", "a-docs-overhaul-is-context-heavy-not-large",
         "tests-are-left-out-of-the-docs-share", "docs-beside-more-code-are-not-dominant",
         "a-text-file-is-not-documentation-by-its-extension",
         "a-contract-need-not-be-as-long-as-prose", "a-contract-comment-fix-is-not-context-heavy",
         "a-json-schema-document-is-a-contract", "translation-catalogues-are-not-large",
         "locale-data-files-are-not-large", "code-in-a-translation-folder-counts"],
)
def test_measure_shape(
    text: str,
    files: int,
    modules: int,
    doc_files: int,
    long_context: bool,
    context_heavy: bool,
    policy: Policy,
) -> None:
    signals = measure_shape(parse_diff(text), policy, PullRequestInfo())
    assert (
        signals.files, signals.modules, signals.doc_files, signals.long_context,
        signals.context_heavy,
    ) == (files, modules, doc_files, long_context, context_heavy)


@pytest.mark.parametrize(
    ("text", "tier"),
    [
        ("".join(edit(f"docs/p{i}.md", ["x"] * 20) for i in range(30))
         + edit("app/a.py", ["y"] * 200) + edit("app/b.py", ["z"] * 200), "context-heavy"),
        ("".join(edit(f"tests/test_{i}.py", ["x"] * 25) for i in range(20))
         + edit("docs/guide.md", ["y"] * 100), "long-context"),
    ],
    ids=["docs-larger-than-the-code", "a-migration-that-also-touches-the-docs"],
)
def test_when_both_shapes_fire_the_larger_part_picks_the_tier(
    text: str, tier: str, policy: Policy
) -> None:
    decision = decide(parse_diff(text), policy)
    assert (decision.signals.long_context, decision.signals.context_heavy) == (True, True)
    assert decision.tier == tier
    assert len([r for r in decision.reasons if r.startswith(("Large change", "Docs and"))]) == 1


def test_the_reason_names_the_contract_threshold(policy: Policy) -> None:
    decision = decide(parse_diff(edit("api/schema.graphql", ["type A { id: ID }"] * 40)), policy)
    assert decision.tier == "context-heavy"
    assert any(r.startswith("Docs and contracts dominate: 40 changed lines") and
               r.endswith("(threshold: 50% and 80 lines, or 10 lines of API contracts).")
               for r in decision.reasons)


def test_an_empty_diff_is_a_routine_advisory(policy: Policy) -> None:
    decision = decide(parse_diff(""), policy)
    assert (decision.risk, decision.tier, decision.verdict) == (
        Risk.ROUTINE, "everyday", Verdict.ADVISORY,
    )


# ------------------------------------------------------------ files GitHub sent no patch for
def _unread(*paths: str) -> list[GitHubFile]:
    return [GitHubFile(filename=p, additions=3, deletions=1, patch=None) for p in paths]


@pytest.mark.parametrize(
    ("files", "policy_text", "risk"),
    [
        (_unread("src/utils/helpers.py"), None, Risk.CRITICAL),
        (_unread("src/utils/helpers.py"), "enforcement:\n  uninspected: elevated\n", Risk.ELEVATED),
        (_unread("src/utils/helpers.py"), "enforcement:\n  uninspected: routine\n", Risk.ELEVATED),
        (_unread("docs/guide.md", "tests/test_api.py"), None, Risk.ROUTINE),
    ],
    ids=["unread-code-is-critical", "policy-says-elevated", "never-below-elevated",
         "excluded-paths-do-not-count"],
)
def test_a_file_whose_content_was_not_read_is_never_routine(
    files: list[GitHubFile], policy_text: str | None, risk: Risk
) -> None:
    policy = load_policy(policy_text) if policy_text else default_policy()
    decision = decide(parse_github_files(files), policy)
    assert decision.risk == risk
    named = [r for r in decision.reasons if r.startswith("Not read:")]
    assert bool(named) == (risk != Risk.ROUTINE)
    if named:
        assert "src/utils/helpers.py" in named[0] and f"risk is {risk}" in named[0]
    if risk == Risk.CRITICAL:
        assert decision.verdict == Verdict.MISSING and decision.blocking


def test_mechanical_changes_are_routine_and_say_what_was_not_counted() -> None:
    reformatted = edit(
        "app/auth/views.py",
        ["if not user.check_password(password):", "    raise PermissionDenied()"],
        ["if not user.check_password(password) :", "    raise PermissionDenied( )"],
    )
    decision = decide(parse_diff(reformatted), default_policy())
    assert (decision.risk, decision.tier) == (Risk.ROUTINE, "everyday")
    assert decision.signals.mechanical_lines == 4
    assert decision.reasons[-1] == (
        "Not counted as evidence (mechanical: re-formatted, respelt, re-worded, renamed or "
        "moved code): 4 changed lines naming a sensitive area."
    )
    # the same lines changed for real are evidence
    real = edit("app/auth/views.py", ["if not user.check_password(password):"],
                ["if user.check_password(password):"])
    assert decide(parse_diff(real), default_policy()).risk == Risk.CRITICAL
