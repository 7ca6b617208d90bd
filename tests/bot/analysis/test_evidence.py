"""bot.analysis.evidence: what a PR and its commits declare about the model (or tool) that made a change."""

from __future__ import annotations

import pytest

from bot.analysis.evidence import Catalog, declared_models, normalise_model_name
from bot.analysis.models import Commit, DeclaredModel, PullRequestInfo
from policies.loader import load_policy
from policies.schema import Policy

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
            [("model", "claude-opus-4.6", None)],
        ),
        ("Fix login\n\nCo-Authored-By: Claude <noreply@anthropic.com>", [
            ("tool", None, "claude-code"),
        ]),
        ("Fix login\n\nCo-authored-by: Jane Doe <jane@example.com>", []),
        ("Fix login\n\nCo-authored-by: Codex <noreply@openai.com>", [("tool", None, "codex")]),
        ("Fix login\n\nAssisted-by: Claude:claude-opus-4.6", [("model", "claude-opus-4.6", None)]),
        (
            "Fix login\n\nAssisted-by: Claude:claude-opus-4.6 coccinelle sparse",
            [("model", "claude-opus-4.6", None)],
        ),
        ("Fix login\n\nAssisted-by: cursor[bot]:mystery-1", [("tool", None, "cursor")]),
        ("Fix login\n\nAssisted-by: Cursor", [("unknown", None, None)]),
        (
            "Fix login\n\nCo-authored-by: aider (openai/gpt-5.4) <aider@aider.chat>",
            [("model", "gpt-5.4", None)],
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
        "assisted-by-tool-agent-unknown-model",
        "assisted-by-bare-name-not-a-marker",
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
