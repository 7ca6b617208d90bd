"""Read what a PR and its commits declare about the AI model (or tool) that made the change.

Sources: the PR description (`Model: GPT-5.4` lines and ticked checkboxes naming a model), commit
trailers (`Co-Authored-By`, `Assisted-by: AGENT:MODEL`, `Generated-by`, `AI-Model`...), labels
(`model:<id>`) and bot authors. Names resolve through the policy's catalog after normalisation;
a name the catalog does not know is reported as unknown, never matched to the closest model.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from bot.analysis.models import Commit, DeclaredModel, PullRequestInfo
from policies.schema import Policy

__all__ = ["Catalog", "declared_models", "normalise_model_name"]

_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_EMAIL = re.compile(r"<[^>]*>")
_SEPARATORS = re.compile(r"[\s._:]+|-+")
_DATE_STAMP = re.compile(r"-(?:20\d{6}|20\d\d-\d\d-\d\d)$")
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
_KEY_VALUE = re.compile(
    r"^\s*(?:[-*+]\s+)?(?:\*\*|__)?(?P<key>[A-Za-z][A-Za-z -]{0,30}?)\s*(?:\*\*|__)?\s*[:=]"
    r"\s*(?:\*\*|__)?(?P<value>.*?)(?:\*\*|__)?\s*$"
)
_CHECKED = re.compile(r"^\s*[-*+]\s*\[[xX]\]\s*(?P<value>.+?)\s*$")
_TRAILER = re.compile(r"^(?P<key>[A-Za-z][A-Za-z0-9-]*)\s*:\s*(?P<value>.+?)\s*$")
_LIST_SPLIT = re.compile(r"\s*(?:,|;|\band\b|\+|/ )\s*")
_AIDER = re.compile(r"\baider\s*\((?P<model>[^)]+)\)", re.I)


def normalise_model_name(name: str) -> str:
    """A canonical spelling: 'Claude Opus 4.6 (1M context)' and 'anthropic/claude-opus-4-6'
    both become 'claude-opus-4-6'."""
    text = _EMAIL.sub("", name)
    text = _BRACKETS.sub("", text).strip().lower()
    text = text.rsplit("/", 1)[-1]
    text = _SEPARATORS.sub("-", text).strip("-")
    return _DATE_STAMP.sub("", text)


class Catalog:
    """The policy's models and tools, indexed by every normalised name they go by."""

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self._models: dict[str, str] = {}
        for model_id, model in policy.models.items():
            for name in (model_id, model.name, *model.aliases):
                self._models.setdefault(normalise_model_name(name), model_id)
        self._human = {v.lower() for v in policy.evidence.human_values}
        self._ignored = {v.lower() for v in policy.evidence.ignore_values}

    def model(self, name: str) -> str | None:
        key = normalise_model_name(name)
        return self._models.get(key) if key else None

    def tool(self, text: str) -> str | None:
        lowered = text.lower()
        for tool_id, tool in self.policy.tools.items():
            if any(marker.lower() in lowered for marker in tool.markers):
                return tool_id
        return None

    def is_human(self, value: str) -> bool:
        return value.strip().strip(".").lower() in self._human

    def is_ignored(self, value: str) -> bool:
        return value.strip().strip(".").lower() in self._ignored

    def declare(self, source: str, location: str, raw: str, value: str) -> DeclaredModel | None:
        """Turn one declared value into a record: a model, a tool, a human, or unknown."""
        value = value.strip().strip("`*_").strip()
        if not value:
            return None
        base = {"source": source, "location": location, "raw": raw.strip()[:200]}
        if self.is_human(value):
            return DeclaredModel(**base, kind="human")
        if self.is_ignored(value):
            return DeclaredModel(**base, kind="unknown")
        candidates = [value, *(m.group(0)[1:-1] for m in _BRACKETS.finditer(value))]
        for candidate in candidates:
            model_id = self.model(candidate)
            if model_id is not None:
                return self._model(base, model_id)
        if self.tool(value) is not None:
            return self.tool_record(source, location, value)
        return DeclaredModel(**base, kind="unknown")

    def tool_record(self, source: str, location: str, raw: str) -> DeclaredModel:
        """A tool marker found in free text: the tool is known; the model only if the tool
        always runs one (a policy setting)."""
        tool_id = self.tool(raw)
        assert tool_id is not None
        base = {"source": source, "location": location, "raw": raw.strip()[:200]}
        tool = self.policy.tools[tool_id]
        if tool.model is not None:
            return self._model(base, tool.model, tool_id)
        return DeclaredModel(**base, kind="tool", tool=tool_id)

    def _model(self, base: dict[str, str], model_id: str, tool: str | None = None) -> DeclaredModel:
        tier = self.policy.models[model_id].tier
        return DeclaredModel(**base, kind="model", model=model_id, tier=tier, tool=tool)


def _split_values(value: str) -> list[str]:
    return [part for part in _LIST_SPLIT.split(value) if part.strip()]


def _from_description(body: str, catalog: Catalog) -> Iterator[DeclaredModel]:
    keys = {k.lower() for k in catalog.policy.evidence.body_keys}
    text = _HTML_COMMENT.sub("", body)
    for number, line in enumerate(text.splitlines(), start=1):
        location = f"PR description, line {number}"
        checked = _CHECKED.match(line)
        if checked:
            value = checked.group("value")
            # A ticked box counts only if it names a model or says "no AI": templates tick
            # plenty of other boxes ("tests added").
            if catalog.model(value) or catalog.is_human(value):
                found = catalog.declare("description", location, line, value)
                if found:
                    yield found
            continue
        pair = _KEY_VALUE.match(line)
        if pair and pair.group("key").strip().lower() in keys:
            for value in _split_values(pair.group("value")):
                found = catalog.declare("description", location, line, value)
                if found:
                    yield found
            continue
        if catalog.tool(line) is not None:
            yield catalog.tool_record("description", location, line)


def _co_author(value: str, catalog: Catalog, location: str, raw: str) -> DeclaredModel | None:
    aider = _AIDER.search(value)
    if aider:
        return catalog.declare("commit", location, raw, aider.group("model"))
    name = _EMAIL.sub("", value).strip()
    if catalog.model(name):
        return catalog.declare("commit", location, raw, name)
    if catalog.tool(value) is not None:
        return catalog.declare("commit", location, raw, value)
    return None  # a human co-author


def _from_commit(commit: Commit, catalog: Catalog) -> Iterator[DeclaredModel]:
    keys = {k.lower() for k in catalog.policy.evidence.trailer_keys}
    location = f"commit {commit.sha[:7]}" if commit.sha else "commit"
    handled: set[str] = set()
    for line in commit.message.splitlines()[1:]:
        trailer = _TRAILER.match(line)
        if not trailer or trailer.group("key").lower() not in keys:
            continue
        key, value = trailer.group("key").lower(), trailer.group("value")
        if key == "co-authored-by":
            found = _co_author(value, catalog, location, line)
        elif key == "assisted-by":
            # AGENT:MODEL [tools...]: the model is what follows the agent name.
            agent, _, rest = value.partition(":")
            model = rest.split()[0] if rest.split() else agent
            found = catalog.declare("commit", location, line, model)
            if found is not None and found.kind == "unknown" and catalog.tool(agent):
                found = catalog.declare("commit", location, line, agent)
        else:
            found = catalog.declare("commit", location, line, value)
        if found is not None:
            yield found
        handled.add(line)
    for line in commit.message.splitlines():
        if line not in handled and catalog.tool(line) is not None:
            yield catalog.tool_record("commit", location, line)
    author = f"{commit.author_name} <{commit.author_email}> {commit.author_login or ''}".strip()
    if commit.author_name and catalog.model(commit.author_name):
        found = catalog.declare("author", location, author, commit.author_name)
        if found is not None:
            yield found
    elif catalog.tool(author) is not None:
        yield catalog.tool_record("author", location, author)


def declared_models(pr: PullRequestInfo, policy: Policy) -> list[DeclaredModel]:
    """Every declaration found, de-duplicated (the first place each was seen is kept)."""
    catalog = Catalog(policy)
    found: list[DeclaredModel] = list(_from_description(pr.body, catalog))
    prefix = policy.evidence.label_prefix.lower()
    for label in pr.labels:
        if label.lower().startswith(prefix):
            item = catalog.declare("label", f"label {label}", label, label[len(prefix) :])
            if item is not None:
                found.append(item)
    if pr.author_login and catalog.tool(pr.author_login):
        found.append(catalog.tool_record("author", f"PR author {pr.author_login}", pr.author_login))
    for commit in pr.commits:
        found.extend(_from_commit(commit, catalog))
    unique: dict[tuple[str, str, str | None, str | None, str], DeclaredModel] = {}
    for item in found:
        raw_key = item.raw.lower() if item.kind == "unknown" else ""
        unique.setdefault((item.source, item.kind, item.model, item.tool, raw_key), item)
    return list(unique.values())
