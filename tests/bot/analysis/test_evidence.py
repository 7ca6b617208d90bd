"""bot.analysis.evidence: what a PR and its commits declare about the model (or tool) that made a change."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.analysis.decide import decide
from bot.analysis.diff import parse_diff
from bot.analysis.evidence import Catalog, declared_models, normalise_model_name, trailer_block
from bot.analysis.models import Commit, DeclaredModel, PullRequestInfo, Verdict
from policies.errors import PolicyError
from policies.loader import default_policy, load_policy
from policies.model import Policy
from tests.bot._diffs import edit

# (kind, model, tool) of each declaration, in the order found
Found = list[tuple[str, str | None, str | None]]


def summary(items: list[DeclaredModel]) -> Found:
    return [(d.kind, d.model, d.tool) for d in items]


def from_body(body: str, policy: Policy) -> list[DeclaredModel]:
    return declared_models(PullRequestInfo(body=body), policy)


def from_commit(message: str, policy: Policy, **author: str) -> list[DeclaredModel]:
    commit = Commit(sha="0123456789abcdef", message=message, **author)
    return declared_models(PullRequestInfo(commits=(commit,)), policy)


@pytest.mark.parametrize(
    ("name", "model_id"),
    [
        ("GPT 5.4", "gpt-5.4"),
        ("GPT-5.4", "gpt-5.4"),
        ("openai/gpt-5.4", "gpt-5.4"),
        ("gpt-5.4-codex", "gpt-5.4"),
        ("claude-opus-4-6", "claude-opus-4.6"),
        ("Claude Opus 4.6 (1M context)", "claude-opus-4.6"),
        ("anthropic/claude-opus-4.6", "claude-opus-4.6"),
        ("claude-opus-4-6-20260201", "claude-opus-4.6"),
        ("gemini-3.1-pro", "gemini-3.1-pro"),
        ("Gemini 3.1 Pro", "gemini-3.1-pro"),
        ("composer-2", "composer-2"),
        ("Composer 2", "composer-2"),
        ("GPT-5.4 mini", "gpt-5.4-mini"),
    ],
    ids=lambda value: str(value),
)
def test_model_spellings_resolve_to_the_catalog_id(
    name: str, model_id: str, policy: Policy
) -> None:
    assert Catalog(policy).model(name) == model_id


@pytest.mark.parametrize(
    "name",
    ["gpt-5", "claude-opus-4", "gemini-3.1", "Claude", "opus", "gpt-6", "", "   ", "()"],
    ids=["gpt-5", "claude-opus-4", "gemini-3.1", "claude", "opus", "gpt-6", "empty", "blank",
         "brackets"],
)
def test_names_that_are_not_in_the_catalog_do_not_resolve(name: str, policy: Policy) -> None:
    assert Catalog(policy).model(name) is None


@pytest.mark.parametrize(
    ("name", "normal"),
    [
        ("Claude Opus 4.6 (1M context)", "claude-opus-4-6"),
        ("anthropic/claude-opus-4-6", "claude-opus-4-6"),
        ("Claude Opus 4.6 <noreply@anthropic.com>", "claude-opus-4-6"),
        ("  GPT__5.4  ", "gpt-5-4"),
        ("gpt-5.4-2026-03-01", "gpt-5-4"),
    ],
    ids=["bracket-suffix", "provider-prefix", "email", "separators", "iso-date-stamp"],
)
def test_normalise_model_name(name: str, normal: str) -> None:
    assert normalise_model_name(name) == normal


# --- PR description ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("Model: GPT-5.4", [("model", "gpt-5.4", None)]),
        ("## Summary\nFix it.\n\nmodel = gpt-5.4\n", [("model", "gpt-5.4", None)]),
        ("**Model used**: Claude Opus 4.6", [("model", "claude-opus-4.6", None)]),
        ("**Model used:** Claude Opus 4.6", [("model", "claude-opus-4.6", None)]),
        ("- AI model: `gemini-3.1-pro`", [("model", "gemini-3.1-pro", None)]),
        (
            "Which model?\n- [ ] GPT-5.4\n- [x] Claude Opus 4.6\n- [x] Tests added\n",
            [("model", "claude-opus-4.6", None)],
        ),
        ("- [ ] GPT-5.4\n- [ ] Composer 2\n", []),
        ("- [x] Tests added\n- [X] Docs updated\n", []),
        ("- [x] No AI\n", [("human", None, None)]),
        ("<!-- Model: GPT-5.4 -->\nFixes the login page.", []),
        ("<!--\nModel: GPT-5.4\n-->\nModel: Composer 2", [("model", "composer-2", None)]),
        ("Model: none", [("human", None, None)]),
        ("Model: N/A.", [("human", None, None)]),
        (
            "Model: GPT-5.4, Claude Opus 4.6 and Composer 2",
            [
                ("model", "gpt-5.4", None),
                ("model", "claude-opus-4.6", None),
                ("model", "composer-2", None),
            ],
        ),
        ("Model: GPT-5.4 + Gemini 3.1 Pro", [
            ("model", "gpt-5.4", None), ("model", "gemini-3.1-pro", None),
        ]),
        ("Model: llama-4", [("unknown", None, None)]),
        ("Model: auto", [("unknown", None, None)]),
        ("Model:", []),
        ("Modelling: GPT-5.4\nThe model is GPT-5.4", []),
        (
            "Generated with [Claude Code](https://claude.com/claude-code)",
            [("tool", None, "claude-code")],
        ),
        ("Made with [Cursor](https://cursor.com)", [("tool", None, "cursor")]),
    ],
    ids=[
        "model-line",
        "model-equals-among-text",
        "bold-key",
        "bold-key-with-colon",
        "bullet-with-code",
        "ticked-checkbox",
        "unticked-ignored",
        "ticked-non-model-ignored",
        "ticked-no-ai",
        "inside-html-comment-ignored",
        "multiline-html-comment-ignored",
        "model-none-is-human",
        "n-a-is-human",
        "several-on-one-line",
        "plus-separated",
        "unknown-model",
        "auto-says-nothing",
        "empty-value",
        "not-a-declaration",
        "claude-code-footer",
        "cursor-footer",
    ],
)
def test_declarations_in_the_pr_description(body: str, expected: Found, policy: Policy) -> None:
    assert summary(from_body(body, policy)) == expected


def test_description_declaration_records_where_and_what(policy: Policy) -> None:
    [item] = from_body("## Summary\nSafer refunds.\n\nModel: GPT-5.4\n", policy)
    assert item == DeclaredModel(
        source="description",
        location="PR description, line 4",
        raw="Model: GPT-5.4",
        kind="model",
        model="gpt-5.4",
        tier="premium",
        provenance="declared",
        name="GPT-5.4",
        resolved_by="exact",
    )


def test_several_models_on_one_line_keep_their_tiers(policy: Policy) -> None:
    items = from_body("Model: GPT-5.4, Composer 2", policy)
    assert [(d.model, d.tier, d.location) for d in items] == [
        ("gpt-5.4", "premium", "PR description, line 1"),
        ("composer-2", "everyday", "PR description, line 1"),
    ]


def test_body_keys_come_from_the_policy() -> None:
    policy = load_policy("evidence:\n  body_keys: [llm]\n")
    assert summary(from_body("LLM: GPT-5.4", policy)) == [("model", "gpt-5.4", None)]
    # lists append: the default keys still work
    assert summary(from_body("Model: GPT-5.4", policy)) == [("model", "gpt-5.4", None)]


# --- commits -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (
            "Fix login\n\nCo-Authored-By: Claude Opus 4.6 (1M context) <noreply@anthropic.com>",
            [("model", "claude-opus-4.6", "claude-code")],
        ),
        ("Fix login\n\nCo-Authored-By: Claude <noreply@anthropic.com>", [
            ("tool", None, "claude-code"),
        ]),
        ("Fix login\n\nCo-authored-by: Jane Doe <jane@example.com>", []),
        ("Fix login\n\nCo-authored-by: Codex <noreply@openai.com>", [("tool", None, "codex")]),
        ("Fix login\n\nAssisted-by: Claude:claude-opus-4.6", [
            ("model", "claude-opus-4.6", "claude-code"),
        ]),
        (
            "Fix login\n\nAssisted-by: Claude:claude-opus-4.6 coccinelle sparse",
            [("model", "claude-opus-4.6", "claude-code")],
        ),
        ("Fix login\n\nAssisted-by: cursor[bot]:mystery-1", [("unknown", None, "cursor")]),
        ("Fix login\n\nAssisted-by: Cursor", [("tool", None, "cursor")]),
        (
            "Fix login\n\nCo-authored-by: aider (openai/gpt-5.4) <aider@aider.chat>",
            [("model", "gpt-5.4", "aider")],
        ),
        ("Fix login\n\nMade-with: Cursor", [("tool", None, "cursor")]),
        ("Fix login\n\nAI-Model: unknown", [("unknown", None, None)]),
        ("Fix login\n\nAI-Model: GPT 5.4", [("model", "gpt-5.4", None)]),
        ("Fix login\n\nGenerated-by: Composer 2", [("model", "composer-2", None)]),
        ("Model: GPT-5.4", []),
        ("Fix login\n\nReviewed-by: GPT-5.4 <x@y.z>", []),
    ],
    ids=[
        "claude-co-author-1m-context",
        "claude-co-author-no-model",
        "human-co-author-ignored",
        "codex-tool-only",
        "assisted-by-agent-model",
        "assisted-by-with-tools",
        "assisted-by-tool-agent-unknown-model-is-named-not-reduced-to-the-tool",
        "assisted-by-bare-tool-name",
        "aider-co-author",
        "made-with-cursor",
        "ai-model-unknown",
        "ai-model-named",
        "generated-by",
        "subject-line-is-not-a-trailer",
        "other-trailer-ignored",
    ],
)
def test_declarations_in_commit_trailers(message: str, expected: Found, policy: Policy) -> None:
    assert summary(from_commit(message, policy)) == expected


def test_commit_declaration_records_the_short_sha_and_the_trailer(policy: Policy) -> None:
    [item] = from_commit("Fix\n\nAssisted-by: Claude:claude-opus-4.6", policy)
    assert (item.source, item.location, item.raw, item.tier) == (
        "commit", "commit 0123456", "Assisted-by: Claude:claude-opus-4.6", "premium",
    )


@pytest.mark.parametrize(
    ("author", "expected"),
    [
        ({"author_name": "Cursor Agent", "author_email": "cursoragent@cursor.com"},
         [("tool", None, "cursor")]),
        ({"author_name": "GPT 5.4", "author_email": "codex@example.com"},
         [("model", "gpt-5.4", None)]),
        ({"author_name": "Jane Doe", "author_email": "jane@example.com"}, []),
    ],
    ids=["cursor-agent-email", "model-named-author", "human-author"],
)
def test_commit_authors(author: dict[str, str], expected: Found, policy: Policy) -> None:
    items = from_commit("Fix it", policy, **author)
    assert summary(items) == expected
    assert all(d.source == "author" for d in items)


# --- labels and PR authors -----------------------------------------------------------------------


def test_labels_name_models_and_unknown_ones_are_reported(policy: Policy) -> None:
    pr = PullRequestInfo(labels=("bug", "model:gpt-5.4", "Model:llama-4"))
    items = declared_models(pr, policy)
    assert [(d.source, d.kind, d.model, d.location) for d in items] == [
        ("label", "model", "gpt-5.4", "label model:gpt-5.4"),
        ("label", "unknown", None, "label Model:llama-4"),
    ]


@pytest.mark.parametrize(
    ("login", "expected"),
    [
        ("copilot-swe-agent[bot]", [("tool", None, "copilot")]),
        ("chatgpt-codex-connector[bot]", [("tool", None, "codex")]),
        ("google-labs-jules[bot]", [("tool", None, "jules")]),
        ("octocat", []),
    ],
    ids=["copilot-agent", "codex-cloud", "jules", "human"],
)
def test_bot_pr_authors(login: str, expected: Found, policy: Policy) -> None:
    items = declared_models(PullRequestInfo(author_login=login), policy)
    assert summary(items) == expected
    assert all(d.source == "author" for d in items)


def test_a_tool_that_always_runs_one_model_proves_that_model() -> None:
    policy = load_policy("tools:\n  cursor:\n    model: composer-2\n")
    items = from_commit("Fix\n\nMade-with: Cursor", policy)
    assert summary(items) == [("model", "composer-2", "cursor")]
    assert items[0].tier == "everyday"


def test_a_model_added_by_policy_resolves() -> None:
    policy = load_policy("models:\n  gpt-6:\n    name: GPT-6\n    tier: premium\n")
    assert summary(from_body("Model: GPT-6", policy)) == [("model", "gpt-6", None)]


# --- de-duplication ------------------------------------------------------------------------------


def test_the_same_declaration_is_kept_once_where_first_seen(policy: Policy) -> None:
    pr = PullRequestInfo(
        body="Model: GPT-5.4\nModel: gpt-5.4\nModel: llama-4\nModel: LLAMA-4",
        commits=(
            Commit(sha="a" * 40, message="One\n\nAI-Model: gpt-5.4"),
            Commit(sha="b" * 40, message="Two\n\nAI-Model: openai/gpt-5.4"),
            Commit(sha="c" * 40, message="Three\n\nMade-with: Cursor"),
            Commit(sha="d" * 40, message="Four\n\nMade-with: Cursor"),
        ),
    )
    items = declared_models(pr, policy)
    assert [(d.source, d.kind, d.model, d.tool, d.location) for d in items] == [
        ("description", "model", "gpt-5.4", None, "PR description, line 1"),
        ("description", "unknown", None, None, "PR description, line 3"),
        ("commit", "model", "gpt-5.4", None, "commit aaaaaaa"),
        ("commit", "tool", None, "cursor", "commit ccccccc"),
    ]


def test_different_unknown_values_are_each_reported(policy: Policy) -> None:
    items = from_body("Model: llama-4\nModel: mistral-9", policy)
    assert [(d.kind, d.raw) for d in items] == [
        ("unknown", "Model: llama-4"),
        ("unknown", "Model: mistral-9"),
    ]


def test_no_declaration_anywhere(policy: Policy) -> None:
    pr = PullRequestInfo(
        title="Fix", body="Just a fix.", labels=("bug",),
        commits=(Commit(message="Fix\n\nSigned-off-by: Jane <j@x.y>"),),
    )
    assert declared_models(pr, policy) == []



def test_a_catalog_compiles_its_families_only_for_a_name_that_needs_them(policy: Policy) -> None:
    """The families' patterns are compiled when a name first needs them (a scan without a
    declared model compiles none): an exact name or an alias asks no family; a name of a
    family still resolves through it."""
    catalog = Catalog(policy)
    assert catalog.resolve("GPT-5.4").how == "exact"
    assert catalog.resolve("gpt-5.4-codex").how == "alias"
    assert "_families" not in vars(catalog)
    assert catalog.resolve("GPT-5.5").how == "family"
    assert "_families" in vars(catalog)

# --- resolution: exact, alias, family, unknown ---------------------------------------------------


@pytest.mark.parametrize(
    ("name", "how", "model_id", "tier"),
    [
        ("GPT-5.4", "exact", "gpt-5.4", "premium"),
        ("claude-opus-4.6", "exact", "claude-opus-4.6", "premium"),
        ("gpt-5.4-codex", "alias", "gpt-5.4", "premium"),
        ("Claude Opus 4.8 (1M context)", "family", "claude-opus-4.8", "premium"),
        ("anthropic/claude-opus-4-7-20260301", "family", "claude-opus-4.7", "premium"),
        ("GPT-5.5", "family", "gpt-5.5", "premium"),
        ("openai/gpt-5.5-codex", "family", "gpt-5.5-codex", "premium"),
        ("gpt-5.5-mini", "family", "gpt-5.5-mini", "everyday"),
        ("GPT-5.2", "family", "gpt-5.2", "long-context"),
        ("gpt-4-1", "family", "gpt-4.1", "everyday"),
        ("claude-3-opus", "family", "claude-opus-3", "everyday"),
        ("Claude Sonnet 5", "family", "claude-sonnet-5", "long-context"),
        ("gemini-3.5-pro", "family", "gemini-3.5-pro", "context-heavy"),
        ("gemini-3-pro", "family", "gemini-3-pro", "everyday"),
        ("Composer 3", "family", "composer-3", "everyday"),
        ("llama-4", "unknown", None, None),
        ("GPT 5.x", "unknown", None, None),
        ("gpt-7-ultra", "unknown", None, None),
        ("Claude", "unknown", None, None),
    ],
    ids=lambda value: str(value),
)
def test_resolve(name: str, how: str, model_id: str | None, tier: str | None,
                 policy: Policy) -> None:
    resolution = Catalog(policy).resolve(name)
    assert (resolution.how, resolution.model, resolution.tier) == (how, model_id, tier)
    assert resolution.reason


def test_a_newer_model_says_it_resolved_through_its_family(policy: Policy) -> None:
    assert Catalog(policy).resolve("Claude Opus 4.8 (1M context)").reason == (
        "Claude Opus 4.8 is not in the catalog (dated 2026-04-01); as Claude Opus >= 4.6 it "
        "counts as premium."
    )


def test_a_small_variant_is_never_premium(policy: Policy) -> None:
    reason = Catalog(policy).resolve("gpt-5.5-mini").reason
    assert reason.endswith("but as a small variant (mini) it counts as everyday.")


def test_an_unknown_model_names_the_policy_edit_that_would_count_it(policy: Policy) -> None:
    [item] = from_body("Model: Mistral Large 3", policy)
    assert (item.kind, item.name) == ("unknown", "Mistral Large 3")
    assert item.note is not None
    assert '`models: {mistral-large-3: {name: "Mistral Large 3", tier: <tier>}}`' in item.note


def test_an_exact_entry_wins_over_its_family() -> None:
    policy = load_policy("models:\n  claude-opus-4.8:\n    name: Claude Opus 4.8\n"
                         "    tier: long-context\n")
    [item] = from_body("Model: Claude Opus 4.8", policy)
    assert (item.resolved_by, item.tier, item.family) == ("exact", "long-context", None)


def test_a_family_added_by_policy_resolves() -> None:
    policy = load_policy(
        "families:\n  grok:\n    name: Grok\n    patterns: ['^grok-(?P<version>\\d+)$']\n"
        "    tiers: {'5': premium}\n"
    )
    [item] = from_body("Model: Grok 6", policy)
    assert (item.kind, item.model, item.family, item.tier) == ("model", "grok-6", "grok", "premium")
    assert summary(from_body("Model: Grok 4", policy)) == [("unknown", None, None)]


@pytest.mark.parametrize(
    ("family", "message"),
    [
        ("tiers: {4.6: premium}", "must be a quoted string"),
        ("tiers: {'four': premium}", "is not a version"),
        ("tiers: {'4': galactic}", "unknown tier 'galactic'"),
        ("patterns: ['^x-(\\d+)$']", "has no (?P<version>...) group"),
    ],
    ids=["unquoted-floor", "not-a-version", "unknown-tier", "no-version-group"],
)
def test_error_when_a_family_is_malformed(family: str, message: str) -> None:
    base = {"patterns": "patterns: ['^x-(?P<version>\\d+)$']", "tiers": "tiers: {'4': premium}"}
    key = family.split(":", 1)[0]
    fields = "\n".join(f"    {family if k == key else v}" for k, v in base.items())
    with pytest.raises(PolicyError) as error:
        load_policy(f"families:\n  x:\n    name: X\n{fields}\n")
    assert message in str(error.value)
    assert "families.x" in str(error.value)


# --- the trailer block ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "keys"),
    [
        ("Fix\n\nA: 1\nB: 2\n", ["A", "B"]),
        ("Fix\n\nBody.\n\nA: 1\n  more\n", ["A"]),
        ("Fix\n\nA: 1\n\nBody after.", []),
        ("Fix\n\nNot a trailer\nA: 1", []),
        ("A: 1", []),
        ("Fix\n\n  indented: 1", []),
        ("", []),
    ],
    ids=["block", "continuation", "not-last-paragraph", "mixed-paragraph", "subject-only",
         "starts-with-continuation", "empty"],
)
def test_trailer_block(message: str, keys: list[str]) -> None:
    assert [key for key, _, _ in trailer_block(message)] == keys


# --- provenance, conflicts, min_provenance --------------------------------------------------------

AUTH_DIFF = edit("app/auth/views.py", ["@login_required"])


def test_provenance_follows_who_wrote_the_evidence(policy: Policy) -> None:
    pr = PullRequestInfo(
        body="Model: GPT-5.4\n\nGenerated with [Claude Code](https://claude.com/claude-code)",
        labels=("model:gpt-5.4",),
        commits=(Commit(sha="a" * 40, message=f"Fix\n\n{OPUS}\nAI-Model: GPT-5.4"),),
    )
    assert [(d.source, str(d.provenance)) for d in declared_models(pr, policy)] == [
        ("description", "declared"),
        ("description", "tool"),
        ("label", "declared"),
        ("commit", "tool"),
        ("commit", "declared"),
    ]


def test_min_provenance_refuses_a_declaration_a_person_wrote() -> None:
    policy = load_policy("enforcement:\n  min_provenance: {premium: tool}\n")
    decision = decide(parse_diff(AUTH_DIFF), policy, PullRequestInfo(body="Model: GPT-5.4"))
    assert decision.verdict is Verdict.MISSING
    assert "provenance `tool` or stronger" in decision.verdict_reason
    assert "only `declared` evidence" in decision.verdict_reason
    assert decision.declared_models[0].satisfies is False
    commit = Commit(sha="b" * 40, message=f"Fix\n\n{OPUS}")
    passed = decide(parse_diff(AUTH_DIFF), policy, PullRequestInfo(commits=(commit,)))
    assert passed.verdict is Verdict.PASS
    assert passed.declared_models[0].satisfies is True


def test_error_when_min_provenance_names_an_unknown_tier_or_value() -> None:
    with pytest.raises(PolicyError, match=r"enforcement\.min_provenance\.galactic"):
        load_policy("enforcement:\n  min_provenance: {galactic: tool}\n")
    with pytest.raises(PolicyError, match=r"enforcement\.min_provenance\.premium"):
        load_policy("enforcement:\n  min_provenance: {premium: notarised}\n")


OPUS = "Co-Authored-By: Claude Opus 4.8 (1M context) <noreply@anthropic.com>"


def test_a_newer_opus_passes_and_the_reason_says_why(policy: Policy) -> None:
    commit = Commit(sha="c0ffee0", message=f"Fix\n\n{OPUS}")
    decision = decide(parse_diff(AUTH_DIFF), policy, PullRequestInfo(commits=(commit,)))
    assert decision.verdict is Verdict.PASS
    assert decision.verdict_reason == (
        "Claude Opus 4.8 (commit c0ffee0; tool evidence) meets the Premium tier required. "
        "Claude Opus 4.8 is not in the catalog (dated 2026-04-01); as Claude Opus >= 4.6 it "
        "counts as premium."
    )


def test_description_and_commits_that_disagree_count_the_weaker(policy: Policy) -> None:
    pr = PullRequestInfo(
        body="Model: GPT-5.4",
        commits=(Commit(sha="d" * 40, message="Fix\n\nCo-authored-by-AI: Cursor (composer-2)"),),
    )
    decision = decide(parse_diff(AUTH_DIFF), policy, pr)
    assert decision.verdict is Verdict.FAIL
    assert decision.evidence_conflict == (
        "The description names GPT-5.4 (PR description, line 1) but the commits name "
        "Composer 2 (commit ddddddd). The policy counts the weaker evidence, the commits'."
    )
    assert decision.evidence_conflict in decision.verdict_reason
    assert [d.satisfies for d in decision.declared_models] == [False, False]
    stronger = load_policy("enforcement:\n  on_conflict: stronger\n")
    assert decide(parse_diff(AUTH_DIFF), stronger, pr).verdict is Verdict.PASS


def test_the_same_model_in_description_and_commits_is_no_conflict(policy: Policy) -> None:
    pr = PullRequestInfo(
        body="Model: Claude Opus 4.8",
        commits=(Commit(sha="e" * 40, message=f"Fix\n\n{OPUS}"),),
    )
    decision = decide(parse_diff(AUTH_DIFF), policy, pr)
    assert (decision.verdict, decision.evidence_conflict) == (Verdict.PASS, None)


def test_a_tool_marker_beside_a_declared_model_is_no_conflict(policy: Policy) -> None:
    pr = PullRequestInfo(
        body="Model: GPT-5.4", commits=(Commit(sha="f" * 40, message="Fix\n\nMade-with: Cursor"),)
    )
    decision = decide(parse_diff(AUTH_DIFF), policy, pr)
    assert (decision.verdict, decision.evidence_conflict) == (Verdict.PASS, None)


# --- no text crashes the reader ------------------------------------------------------------------

MARKDOWN_PIECES = st.sampled_from(
    ["```", "~~~", "````", "    ", "\t", "`", "``", "<!--", "-->", "- ", "1. ", "[x] ", "\n",
     "\n\n", "Model: ", "AI-Model: ", "Co-Authored-By: ", "Assisted-by: ", "Generated-by: ",
     "Co-authored-by-AI: ", "Claude Opus 4.8", "GPT-5.5", "gpt-5.x", "claude-opus-4-99999999",
     "(1M context)", "<noreply@anthropic.com>", ":", "(", ")", "[bot]", "-claude-ai-agent[bot]",
     "gemini-3.1-pro", "mini", "none", "auto", "é", "\x00", "\r\n"]
)
TEXT = st.one_of(st.text(max_size=300),
                 st.lists(MARKDOWN_PIECES | st.text(max_size=4), max_size=40).map("".join))


@settings(max_examples=300, deadline=None)
@given(body=TEXT, message=TEXT, author=TEXT, login=st.none() | TEXT, label=TEXT)
def test_no_description_or_trailer_text_crashes_the_reader(
    body: str, message: str, author: str, login: str | None, label: str
) -> None:
    policy = default_policy()
    pr = PullRequestInfo(
        body=body, labels=(f"model:{label}",), author_login=login,
        commits=(Commit(sha="abc1234", message=message, author_name=author),),
    )
    for item in declared_models(pr, policy):
        assert item.kind != "model" or item.tier in policy.tiers
        assert item.kind != "tool" or item.tool in policy.tools
        assert item.kind != "unknown" or item.tier is None
    trailer_block(message)
    Catalog(policy).resolve(body)


HOSTILE = {
    "trailing-blanks-in-a-value": "Model: x" + " " * 60_000 + "y",
    "trailing-blanks-in-a-box": "- [x] a" + " " * 60_000 + "b",
    "unclosed-brackets": "Model: " + "(" * 60_000,
    "unclosed-comments": "<!--" * 15_000,
    "backtick-runs-of-every-length": "".join("`" * i + "x" for i in range(1, 350)),
    "aider-openers": "Co-authored-by: aider " + "aider (" * 8_000,
    "many-declarations": "Model: GPT-5.4, Composer 2\n" * 2_000,
}


@pytest.mark.parametrize("text", list(HOSTILE.values()), ids=list(HOSTILE))
def test_hostile_text_is_read_in_linear_time(text: str, policy: Policy) -> None:
    import time

    # CPU time of this process, not wall time: other work on a shared machine does not count.
    started = time.process_time()
    declared_models(
        PullRequestInfo(body=text, commits=(Commit(message=f"Fix\n\n{text}", author_name=text),)),
        policy,
    )
    assert time.process_time() - started < 2.0  # quadratic scans took minutes here


@pytest.mark.parametrize("rule", ["reject", "require_review"])
def test_a_refused_no_ai_declaration_is_not_told_to_declare_a_model(rule: str) -> None:
    policy = load_policy(f"enforcement:\n  human_declaration: {rule}\n")
    decision = decide(parse_diff(AUTH_DIFF), policy, PullRequestInfo(body="Model: none"))
    assert decision.verdict is Verdict.MISSING
    assert decision.fix is not None
    assert decision.fix.startswith("Do not declare a model that was not used.")
    assert "`Model: GPT-5.4`" not in decision.fix
    # rejected: a maintainer's override; under review: the approval it needs
    assert ("`/modeltier override <reason>`" in decision.fix) == (rule == "reject")
    assert ("approve" in decision.fix) == (rule == "require_review")


def test_too_weak_evidence_is_told_what_counts() -> None:
    policy = load_policy("enforcement:\n  min_provenance: {premium: tool}\n")
    decision = decide(parse_diff(AUTH_DIFF), policy, PullRequestInfo(labels=("model:gpt-5.4",)))
    assert decision.fix is not None
    assert decision.fix.startswith("Only evidence of provenance `tool` or stronger counts")
    assert "a description line or a label is not enough" in decision.fix


@pytest.mark.parametrize(
    ("attested", "provenance", "verdict"),
    [(True, "attested", Verdict.PASS), (False, "declared", Verdict.MISSING)],
    ids=["added-by-a-maintainer", "added-by-anyone-else"],
)
def test_a_model_label_a_maintainer_added_is_attested(
    attested: bool, provenance: str, verdict: Verdict
) -> None:
    policy = load_policy("enforcement:\n  min_provenance: {premium: tool}\n")
    label = "model:gpt-5.4"
    pr = PullRequestInfo(labels=(label,), attested_labels=(label,) if attested else ())
    decision = decide(parse_diff(AUTH_DIFF), policy, pr)
    assert [str(d.provenance) for d in decision.declared_models] == [provenance]
    assert decision.verdict is verdict
