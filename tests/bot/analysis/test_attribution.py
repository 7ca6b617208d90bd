"""Attribution strings as the tools write them (../shared/reference/ai-attribution.md and the tools'
docs): what each one proves about the model behind a critical change.

One row per string: where it appears, the text, and the expected first declaration (kind, model,
family, tier, provenance) with the verdict a critical change gets from it alone under the default
policy. Decoys (code blocks, code spans, comments, trailer-shaped body lines) expect nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pytest

from bot.analysis.decide import decide
from bot.analysis.diff import parse_diff
from bot.analysis.evidence import declared_models
from bot.analysis.models import Commit, PullRequestInfo, Verdict
from policies.model import Policy
from tests.bot._diffs import edit

AUTH = parse_diff(edit("app/auth/views.py", ["@login_required", "def profile(request):"]))

Place = Literal["trailer", "message", "author", "login", "body", "label"]
PASS, FAIL, MISSING = Verdict.PASS, Verdict.FAIL, Verdict.MISSING


@dataclass(frozen=True)
class Row:
    place: Place
    text: str
    kind: str | None  # None: no declaration at all
    model: str | None
    family: str | None
    tier: str | None
    provenance: str | None
    verdict: Verdict

    def pr(self) -> PullRequestInfo:
        if self.place == "trailer":
            return PullRequestInfo(commits=(Commit(sha="c0ffee0", message=f"Fix\n\n{self.text}"),))
        if self.place == "message":
            return PullRequestInfo(commits=(Commit(sha="c0ffee0", message=self.text),))
        if self.place == "author":
            name, _, email = self.text.partition(" <")
            return PullRequestInfo(
                commits=(
                    Commit(sha="c0ffee0", message="Fix", author_name=name,
                           author_email=email.rstrip(">")),
                )
            )
        if self.place == "login":
            return PullRequestInfo(author_login=self.text)
        if self.place == "label":
            return PullRequestInfo(labels=(self.text,))
        return PullRequestInfo(body=self.text)


def model(place: Place, text: str, model_id: str, tier: str, provenance: str,
          family: str | None = None) -> Row:
    verdict = PASS if tier == "premium" else FAIL
    return Row(place, text, "model", model_id, family, tier, provenance, verdict)


def tool(place: Place, text: str, provenance: str = "tool") -> Row:
    return Row(place, text, "tool", None, None, None, provenance, FAIL)


def unknown(place: Place, text: str, provenance: str, family: str | None = None) -> Row:
    return Row(place, text, "unknown", None, family, None, provenance, MISSING)


def nothing(place: Place, text: str) -> Row:
    return Row(place, text, None, None, None, None, None, MISSING)


ANTHROPIC = "<noreply@anthropic.com>"
ROWS: dict[str, Row] = {
    # --- Claude Code trailers: the model by name, exact or through its family ---------------------
    "cc-opus-4.6": model("trailer", f"Co-Authored-By: Claude Opus 4.6 {ANTHROPIC}",
                         "claude-opus-4.6", "premium", "tool"),
    "cc-opus-4.6-1m": model("trailer", f"Co-Authored-By: Claude Opus 4.6 (1M context) {ANTHROPIC}",
                            "claude-opus-4.6", "premium", "tool"),
    "cc-opus-4.7": model("trailer", f"Co-Authored-By: Claude Opus 4.7 {ANTHROPIC}",
                         "claude-opus-4.7", "premium", "tool", "claude-opus"),
    "cc-opus-4.8-1m": model("trailer", f"Co-Authored-By: Claude Opus 4.8 (1M context) {ANTHROPIC}",
                            "claude-opus-4.8", "premium", "tool", "claude-opus"),
    "cc-opus-5": model("trailer", f"Co-Authored-By: Claude Opus 5 {ANTHROPIC}",
                       "claude-opus-5", "premium", "tool", "claude-opus"),
    "cc-opus-4.5-older": model("trailer", f"Co-Authored-By: Claude Opus 4.5 {ANTHROPIC}",
                               "claude-opus-4.5", "long-context", "tool", "claude-opus"),
    "cc-opus-id-spelling": model("trailer", f"Co-authored-by: claude-opus-4-8 {ANTHROPIC}",
                                 "claude-opus-4.8", "premium", "tool", "claude-opus"),
    "cc-sonnet-4.6": model("trailer", f"Co-Authored-By: Claude Sonnet 4.6 {ANTHROPIC}",
                           "claude-sonnet-4.6", "long-context", "tool"),
    "cc-sonnet-5": model("trailer", f"Co-Authored-By: Claude Sonnet 5 {ANTHROPIC}",
                         "claude-sonnet-5", "long-context", "tool", "claude-sonnet"),
    "cc-haiku-small": model("trailer", f"Co-Authored-By: Claude Haiku 4.5 {ANTHROPIC}",
                            "claude-haiku-4.5", "everyday", "tool", "claude-haiku"),
    "cc-plain-claude": tool("trailer", f"Co-Authored-By: Claude {ANTHROPIC}"),
    "cc-claude-code": tool("trailer", f"Co-Authored-By: Claude Code {ANTHROPIC}"),
    "cc-unknown-model-named": unknown("trailer", f"Co-Authored-By: Claude Mythos 5 {ANTHROPIC}",
                                      "tool"),
    "cc-session": tool("trailer", "Claude-Session: https://claude.ai/code/session_0123"),
    # --- other tools' trailers -------------------------------------------------------------------
    "codex-cli": tool("trailer", "Co-authored-by: Codex <noreply@openai.com>"),
    "codex-names-model": model("trailer", "Co-authored-by: GPT-5.5 <noreply@openai.com>",
                               "gpt-5.5", "premium", "tool", "gpt"),
    "copilot-vscode": tool("trailer", "Co-authored-by: Copilot <copilot@github.com>"),
    "cursor-made-with": tool("trailer", "Made-with: Cursor"),
    "aider-gpt": model("trailer", "Co-authored-by: aider (openai/gpt-5.4) <aider@aider.chat>",
                       "gpt-5.4", "premium", "tool"),
    "aider-opus-newer": model(
        "trailer", "Co-authored-by: aider (anthropic/claude-opus-4-7) <noreply@aider.chat>",
        "claude-opus-4.7", "premium", "tool", "claude-opus"),
    "aider-mini": model("trailer", "Co-authored-by: aider (openai/gpt-5.4-mini) <aider@aider.chat>",
                        "gpt-5.4-mini", "everyday", "tool"),
    "aider-gemini-alias": model(
        "trailer", "Co-authored-by: aider (gemini/gemini-3.1-pro-preview) <aider@aider.chat>",
        "gemini-3.1-pro", "context-heavy", "tool"),
    "devin": tool("trailer", "Co-Authored-By: Devin "
                  "<158243242+devin-ai-integration[bot]@users.noreply.github.com>"),
    "openhands": tool("trailer", "Co-authored-by: openhands <openhands@all-hands.dev>"),
    "custom-claude-agent-bot": tool(
        "trailer", "Co-authored-by: lago-claude-ai-agent[bot] "
        "<1+lago-claude-ai-agent[bot]@users.noreply.github.com>"),
    "human-co-author": nothing("trailer", "Co-authored-by: Jane Doe <jane@example.com>"),
    # --- Assisted-by: AGENT:MODEL [tools] (Linux kernel) -------------------------------------------
    "kernel-opus": model("trailer", "Assisted-by: Claude:claude-opus-4.6",
                         "claude-opus-4.6", "premium", "tool"),
    "kernel-opus-tools": model("trailer", "Assisted-by: Claude:claude-opus-4.6 coccinelle sparse",
                               "claude-opus-4.6", "premium", "tool"),
    "kernel-opus-newer": model("trailer", "Assisted-by: Claude:claude-opus-4-8 sparse",
                               "claude-opus-4.8", "premium", "tool", "claude-opus"),
    "kernel-codex-variant": model("trailer", "Assisted-by: Codex:gpt-5.5-codex",
                                  "gpt-5.5-codex", "premium", "tool", "gpt"),
    "kernel-mini": model("trailer", "Assisted-by: Copilot:gpt-5.4-mini",
                         "gpt-5.4-mini", "everyday", "tool"),
    "kernel-composer": model("trailer", "Assisted-by: Cursor:composer-2",
                             "composer-2", "everyday", "tool"),
    "kernel-tool-only": tool("trailer", "Assisted-by: Cursor"),
    "kernel-unknown-model": unknown("trailer", "Assisted-by: Claude:claude-mythos-5", "tool"),
    # seen in public repositories
    "kernel-two-agents": model("trailer", "Assisted-by: Claude:claude-opus-4-7 Sashiko:claude-haiku-4-5",
                               "claude-opus-4.7", "premium", "tool", "claude-opus"),
    "kernel-sonnet-4-5": model("trailer", "Assisted-by: Claude:claude-sonnet-4-5",
                               "claude-sonnet-4.5", "context-heavy", "tool", "claude-sonnet"),
    "kernel-codex-gpt-6": model("trailer", "Assisted-by: Codex:GPT-6", "gpt-6", "premium", "tool",
                                "gpt"),
    "kernel-claude-code-tool": tool("trailer", "Assisted-by: Claude Code"),
    "crush-model-via-agent": unknown(
        "trailer", "Assisted-by: Kimi-K2-Thinking via Crush <crush@charm.land>", "tool"),
    "opencode-unknown-model": unknown("trailer", "Assisted-by: OpenCode:qwen3.6-plus", "tool"),
    # --- Generated-by (Apache: a tool; or AGENT:MODEL) --------------------------------------------
    "generated-by-agent-model": model("trailer", "Generated-by: OpenCode:claude-opus-4.6",
                                      "claude-opus-4.6", "premium", "tool"),
    "generated-by-tool": tool("trailer", "Generated-by: Claude Code"),
    "generated-by-model": model("trailer", "Generated-by: Composer 2",
                                "composer-2", "everyday", "tool"),
    "generated-by-newer-gpt": model("trailer", "Generated-by: GPT-5.5",
                                    "gpt-5.5", "premium", "tool", "gpt"),
    # --- Co-authored-by-AI: TOOL (MODEL) ------------------------------------------------------------
    "ai-co-author-model": model("trailer", "Co-authored-by-AI: Claude Code (claude-opus-4-7)",
                                "claude-opus-4.7", "premium", "tool", "claude-opus"),
    "ai-co-author-auto": tool("trailer", "Co-authored-by-AI: Cursor (auto)"),
    "ai-co-author-unknown": tool("trailer", "Co-authored-by-AI: Copilot (unknown)"),
    "ai-co-author-gpt": model("trailer", "Co-authored-by-AI: Cursor (gpt-5.4)",
                              "gpt-5.4", "premium", "tool"),
    "ai-co-author-tool-with-version": model(
        "trailer", "Co-authored-by-AI: IBM Bob 1.0.0 (Claude Sonnet 4.6)",
        "claude-sonnet-4.6", "long-context", "tool"),
    "ai-co-author-true": unknown("trailer", "Co-Authored-By-AI: true", "tool"),
    "ai-co-author-versioned-tool-only": tool("trailer", "Co-authored-by-AI: Cursor 1.2"),
    # --- hand-written trailers (AI-Model, Model) ----------------------------------------------------
    "ai-model-newer-gpt": model("trailer", "AI-Model: GPT-5.5", "gpt-5.5", "premium", "declared",
                                "gpt"),
    "ai-model-exact": model("trailer", "AI-Model: gpt-5.4", "gpt-5.4", "premium", "declared"),
    "ai-model-unknown-value": unknown("trailer", "AI-Model: unknown", "declared"),
    "ai-model-auto": unknown("trailer", "AI-Model: auto", "declared"),
    "ai-model-not-in-catalog": unknown("trailer", "AI-Model: llama-4", "declared"),
    "model-trailer-newer-opus": model("trailer", "Model: Claude Opus 4.7", "claude-opus-4.7",
                                      "premium", "declared", "claude-opus"),
    "ai-model-unknown-variant": unknown("trailer", "AI-Model: gpt-7-ultra", "declared", "gpt"),
    "ai-model-flash-exact": model("trailer", "AI-Model: Gemini 3 Flash", "gemini-3-flash",
                                  "everyday", "declared"),
    "ai-model-flash-family": model("trailer", "AI-Model: gemini-2.5-flash",
                                   "gemini-2.5-flash", "everyday", "declared", "gemini-flash"),
    "ai-model-newer-gemini-pro": model("trailer", "AI-Model: Gemini 3.5 Pro", "gemini-3.5-pro",
                                       "context-heavy", "declared", "gemini-pro"),
    "ai-model-newer-composer": model("trailer", "AI-Model: composer-2.5", "composer-2.5",
                                     "everyday", "declared", "composer"),
    "ai-model-small-variant-never-premium": model(
        "trailer", "AI-Model: gpt-5.5-nano", "gpt-5.5-nano", "everyday", "declared", "gpt"),
    "ai-model-tool-then-model": model("trailer", "AI-Model: Codex GPT-5", "gpt-5", "long-context",
                                      "declared", "gpt"),
    "x-ai-model": model("trailer", "X-AI-Model: claude-sonnet-4-6", "claude-sonnet-4.6",
                        "long-context", "declared"),
    "ai-model-with-mode": model("trailer", "AI-Model: Claude Opus 4.6 with thinking",
                                "claude-opus-4.6", "premium", "declared"),
    # --- whole messages: only the final trailer block holds trailers ----------------------------
    "trailer-shaped-line-mid-body": nothing(
        "message", "Fix\n\nCo-Authored-By: GPT-5.4 <x@y.z>\n\nMore text after it."),
    "last-paragraph-not-all-trailers": nothing(
        "message", f"Fix\n\nSee below\nCo-Authored-By: Claude Opus 4.6 {ANTHROPIC}"),
    "subject-is-not-a-trailer": nothing("message", "AI-Model: GPT-5.4"),
    "block-with-signed-off-by": model(
        "message", f"Fix\n\nBody.\n\nSigned-off-by: Jane <j@x.y>\n"
        f"Co-Authored-By: Claude Opus 4.8 {ANTHROPIC}\n",
        "claude-opus-4.8", "premium", "tool", "claude-opus"),
    "claude-code-footer-and-trailer": model(
        "message", "Fix\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code)\n\n"
        f"Co-Authored-By: Claude Opus 4.8 (1M context) {ANTHROPIC}",
        "claude-opus-4.8", "premium", "tool", "claude-opus"),
    "continuation-line": model(
        "message", "Fix\n\nAssisted-by: Claude:claude-opus-4.6\n  coccinelle\nSigned-off-by: J <j@x>",
        "claude-opus-4.6", "premium", "tool"),
    "other-trailer": nothing("message", "Fix\n\nReviewed-by: GPT-5.4 <x@y.z>"),
    "claude-code-footer-only": tool(
        "message", "Fix\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code)"),
    # --- commit authors -------------------------------------------------------------------------
    "cursor-agent-author": tool("author", "Cursor Agent <cursoragent@cursor.com>"),
    "codex-cloud-author-versioned": model("author", "GPT 5.5 <codex@example.com>",
                                          "gpt-5.5", "premium", "tool", "gpt"),
    "codex-cloud-author-5x": unknown("author", "GPT 5.x <codex@example.com>", "tool", "gpt"),
    "codex-cloud-author-older": model("author", "GPT-5.2-Codex <codex@example.com>",
                                      "gpt-5.2-codex", "long-context", "tool", "gpt"),
    "human-author": nothing("author", "Jane Doe <jane@example.com>"),
    # --- bot logins -------------------------------------------------------------------------------
    "claude-app": tool("login", "claude[bot]"),
    "custom-claude-agent": tool("login", "lago-claude-ai-agent[bot]"),
    "copilot-agent": tool("login", "copilot-swe-agent[bot]"),
    "codex-cloud": tool("login", "chatgpt-codex-connector[bot]"),
    "devin-bot": tool("login", "devin-ai-integration[bot]"),
    "jules": tool("login", "google-labs-jules[bot]"),
    "cursor-app": tool("login", "cursor[bot]"),
    "amazon-q": tool("login", "amazon-q-developer[bot]"),
    "human-login": nothing("login", "octocat"),
    # --- PR description lines and boxes ----------------------------------------------------------
    "body-exact": model("body", "Model: GPT-5.4", "gpt-5.4", "premium", "declared"),
    "body-newer-gpt": model("body", "Model: GPT-5.5", "gpt-5.5", "premium", "declared", "gpt"),
    "body-newer-opus": model("body", "Model: Claude Opus 4.7", "claude-opus-4.7", "premium",
                             "declared", "claude-opus"),
    "body-ai-model-key": model("body", "AI model: claude-opus-4-8", "claude-opus-4.8", "premium",
                               "declared", "claude-opus"),
    "body-bold-key-suffix": model("body", "**Model used:** Claude Opus 4.8 (1M context)",
                                  "claude-opus-4.8", "premium", "declared", "claude-opus"),
    "body-ticked-box": model("body", "- [x] Claude Opus 4.7", "claude-opus-4.7", "premium",
                             "declared", "claude-opus"),
    "body-unticked-box": nothing("body", "- [ ] GPT-5.4"),
    "body-ticked-small": model("body", "- [x] GPT-5.4 mini", "gpt-5.4-mini", "everyday",
                               "declared"),
    "body-lower": model("body", "Model: Composer 2", "composer-2", "everyday", "declared"),
    "body-none": Row("body", "Model: none", "human", None, None, None, "declared", MISSING),
    "body-no-ai-box": Row("body", "- [x] No AI", "human", None, None, None, "declared", MISSING),
    "body-unknown": unknown("body", "Model: llama-4", "declared"),
    "body-model-in-tool": model("body", "Model: GPT-5.4 in Cursor", "gpt-5.4", "premium",
                                "declared"),
    "body-version-missing": unknown("body", "Model: GPT 5.x", "declared", "gpt"),
    "body-value-in-code-span": model("body", "Model: `claude-opus-4-7`", "claude-opus-4.7",
                                     "premium", "declared", "claude-opus"),
    "body-tool-footer": tool("body", "Generated with [Claude Code](https://claude.com/claude-code)"),
    "body-cursor-footer": tool("body", "Made with [Cursor](https://cursor.com)"),
    "body-devin-footer": tool("body", "Generated with [Devin](https://devin.ai)"),
    "body-nested-list-box": model("body", "- Notes\n\n    - [x] Claude Opus 4.6",
                                  "claude-opus-4.6", "premium", "declared"),
    # --- PR description decoys --------------------------------------------------------------------
    "decoy-backtick-fence": nothing("body", "```\nModel: GPT-5.4\n```"),
    "decoy-tilde-fence": nothing("body", "~~~md\n- [x] Claude Opus 4.6\n~~~\n"),
    "decoy-nested-fence": nothing("body", "````md\n```\nModel: GPT-5.4\n```\n````"),
    "decoy-unclosed-fence": nothing("body", "Example:\n```\nModel: GPT-5.4\n"),
    "decoy-indented-block": nothing("body", "Example:\n\n    Model: GPT-5.4\n\nThanks."),
    "decoy-code-span": nothing("body", "Put `Model: GPT-5.4` in your description."),
    "decoy-footer-in-code-span": nothing(
        "body", "`Generated with [Claude Code](https://claude.com/claude-code)`"),
    "decoy-html-comment": nothing("body", "<!-- Model: GPT-5.4 -->\nFixes login."),
    "decoy-multiline-comment": nothing("body", "<!--\n- [x] Claude Opus 4.6\n-->"),
    "decoy-unclosed-comment": nothing("body", "<!-- template\nModel: GPT-5.4"),
    "decoy-then-real": model("body", "```\nModel: GPT-5.4\n```\nModel: Composer 2",
                             "composer-2", "everyday", "declared"),
    # --- labels -----------------------------------------------------------------------------------
    "label-exact": model("label", "model:gpt-5.4", "gpt-5.4", "premium", "declared"),
    "label-family": model("label", "model:claude-opus-4.8", "claude-opus-4.8", "premium",
                          "declared", "claude-opus"),
    "label-case": model("label", "Model:GPT-5.5", "gpt-5.5", "premium", "declared", "gpt"),
    "label-lower": model("label", "model:composer-2", "composer-2", "everyday", "declared"),
    "label-unknown": unknown("label", "model:llama-4", "declared"),
    "label-other": nothing("label", "bug"),
}


def test_the_table_is_large_enough() -> None:
    assert len(ROWS) >= 80


@pytest.mark.parametrize("row", list(ROWS.values()), ids=list(ROWS))
def test_attribution_string(row: Row, policy: Policy) -> None:
    pr = row.pr()
    found = declared_models(pr, policy)
    if row.kind is None:
        assert found == []
    else:
        first = found[0]
        assert (first.kind, first.model, first.family, first.tier, str(first.provenance)) == (
            row.kind, row.model, row.family, row.tier, row.provenance,
        )
        if first.kind == "unknown":
            assert first.note  # says why, and what would count it
    decision = decide(AUTH, policy, pr)
    assert decision.risk == "critical"
    assert decision.verdict is row.verdict


def test_several_agents_in_one_assisted_by_are_each_read(policy: Policy) -> None:
    commit = Commit(sha="c0ffee0", message="Fix\n\nAssisted-by: Claude:claude-opus-4-7 "
                    "Sashiko:claude-haiku-4-5 coccinelle")
    found = declared_models(PullRequestInfo(commits=(commit,)), policy)
    assert [(d.model, d.tier) for d in found] == [
        ("claude-opus-4.7", "premium"), ("claude-haiku-4.5", "everyday"),
    ]
