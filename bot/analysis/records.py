"""Records of an AI session that name the model for the lines it changed: the strongest evidence
short of a person's word (provenance `recorded`).

Two forms are read, both pure text in:
- Agent Trace (cursor/agent-trace, RFC v0.1.0): JSON records (`application/vnd.agent-trace.
  record+json`) with `files[].conversations[].contributor.model_id` (a range may name its own
  contributor); a contributor of type `human` names no model. The RFC leaves storage open, so
  the policy says which paths hold them (`evidence.agent_trace_paths`); a file holds one record
  or one per line (JSON Lines), and the lines a change adds to it are what it records.
- git-ai notes (`refs/notes/ai`, `schema_version` `authorship/3.0.0`): an attestation section
  (a file path, then indented `<prompt hash> <line ranges>` lines), a `---` line, then JSON
  metadata whose `prompts[hash].agent_id` names the tool and the model.

Anything else, and a record that does not parse, yields nothing: such text is never guessed at.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from bot.analysis.models import SessionRecord

__all__ = ["agent_trace_records", "git_ai_records"]

_MAX_TEXT = 5_000_000  # larger record files are not read (a bound on work, not a format rule)


def _model_of(contributor: Any) -> str | None:
    if not isinstance(contributor, dict) or contributor.get("type") == "human":
        return None
    model = contributor.get("model_id")
    return model.strip()[:200] if isinstance(model, str) and model.strip() else None


def _from_record(record: Any, location: str) -> Iterator[SessionRecord]:
    """(model, tool, paths) of one Agent Trace record, one per model it names."""
    if not isinstance(record, dict) or not isinstance(record.get("files"), list):
        return
    tool = record.get("tool")
    tool_name = tool.get("name") if isinstance(tool, dict) else None
    paths: dict[str, set[str]] = {}
    for entry in record["files"]:
        if not isinstance(entry, dict) or not isinstance(entry.get("path"), str):
            continue
        for conversation in entry.get("conversations") or []:
            if not isinstance(conversation, dict):
                continue
            models = {_model_of(conversation.get("contributor"))}
            models |= {
                _model_of(r.get("contributor"))
                for r in conversation.get("ranges") or []
                if isinstance(r, dict)
            }
            for model in models - {None}:
                paths.setdefault(str(model), set()).add(entry["path"])
    for model, files in paths.items():
        yield SessionRecord(
            kind="agent-trace", location=location, model=model,
            tool=tool_name if isinstance(tool_name, str) else None, paths=tuple(sorted(files)),
        )


def agent_trace_records(text: str, location: str) -> list[SessionRecord]:
    """The records in a file's text: one JSON record, or one a line (JSON Lines)."""
    if len(text) > _MAX_TEXT:
        return []
    import json  # here: most changes hold no record, and its import cost every start 2 ms

    try:
        whole = json.loads(text)
    except ValueError:
        whole = None
    if whole is not None:
        items = whole if isinstance(whole, list) else [whole]
    else:
        items = []
        for line in text.splitlines():
            try:
                items.append(json.loads(line))
            except ValueError:
                continue
    return [r for item in items for r in _from_record(item, location)]


def git_ai_records(note: str, location: str) -> list[SessionRecord]:
    """The models a git-ai authorship note names, each with the files its prompts changed."""
    if len(note) > _MAX_TEXT:
        return []
    attestation, separator, metadata = note.partition("\n---\n")
    if not separator:
        return []
    import json  # here, as in agent_trace_records

    try:
        data = json.loads(metadata)
    except ValueError:
        return []
    prompts = data.get("prompts") if isinstance(data, dict) else None
    if not isinstance(prompts, dict):
        return []
    files_of: dict[str, set[str]] = {}
    path: str | None = None
    for line in attestation.splitlines():
        if not line.strip():
            continue
        if not line[0].isspace():
            path = line.strip().strip('"')
        elif path is not None:
            files_of.setdefault(line.split()[0], set()).add(path)
    out: dict[tuple[str, str | None], set[str]] = {}
    for prompt_hash, prompt in prompts.items():
        agent = prompt.get("agent_id") if isinstance(prompt, dict) else None
        if not isinstance(agent, dict) or prompt_hash not in files_of:
            continue
        model, tool = agent.get("model"), agent.get("tool")
        if isinstance(model, str) and model.strip():
            key = (model.strip()[:200], tool if isinstance(tool, str) else None)
            out.setdefault(key, set()).update(files_of[prompt_hash])
    return [
        SessionRecord(kind="git-ai", location=location, model=model, tool=tool,
                      paths=tuple(sorted(paths)))
        for (model, tool), paths in out.items()
    ]
