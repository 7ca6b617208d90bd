"""Read what a PR and its commits declare about the AI model (or tool) that made the change.

Sources: the PR description (`Model: GPT-5.4` lines and ticked checkboxes naming a model; code
blocks, code spans and HTML comments are not declarations), the commit message's trailer block
(`Co-Authored-By`, `Assisted-by: AGENT:MODEL`, `Generated-by`, `Co-authored-by-AI`, `AI-Model`...),
tool footers, labels (`model:<id>`) and bot authors.

Names resolve through the policy's catalog after normalisation: an exact catalog entry or an alias
first, then a family with a version ("Claude Opus 4.8" as Claude Opus >= 4.6). A name that neither
knows is reported as unknown, by name, with the policy edit that would count it: never matched to
the closest model and never reduced to the tool that wrote it.

Each declaration carries its provenance: `tool` when an AI tool wrote it itself (its trailer,
commit author or footer), `declared` when a person did (a description line or box, a label, a
trailer the policy lists as hand-written), `attested` for a label that someone with the override
permission added (the edge checks that with GitHub and passes such labels in
`PullRequestInfo.attested_labels`), `recorded` for a session record (Agent Trace, git-ai notes:
`bot.analysis.records`) that names the model for files the change touches.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import Any, Literal

from bot.analysis.lazyre import compile_lazily
from bot.analysis.models import Commit, DeclaredModel, Provenance, PullRequestInfo
from policies.model import Family, Policy, compile_pattern, version_key
from policies.plain import Plain

__all__ = [
    "Catalog",
    "Resolution",
    "declared_models",
    "description_lines",
    "normalise_model_name",
    "trailer_block",
]

# Bounded repetitions: an unclosed bracket in a long line must not make a scan quadratic.
_BRACKETS = compile_lazily(r"\([^)]{0,200}\)|\[[^\]]{0,200}\]")
_EMAIL = compile_lazily(r"<[^>]{0,200}>")
_NAME_CHARS = 200  # longer than any model name: such a value is never resolved
_SEPARATORS = compile_lazily(r"[\s._:]+|-+")
_DATE_STAMP = compile_lazily(r"-(?:20\d{6}|20\d\d-\d\d-\d\d)$")
# No pattern below ends in a lazy group before `\s*$`, which rescans trailing blanks from every
# position (quadratic on a long line); values are stripped in code instead.
_KEY_VALUE = compile_lazily(
    r"^\s*(?:[-*+]\s+)?(?:\*\*|__)?(?P<key>[A-Za-z][A-Za-z -]{0,30}?)\s*(?:\*\*|__)?\s*[:=]"
    r"(?P<value>.*)"
)
_CHECKED = compile_lazily(r"^\s*[-*+]\s*\[[xX]\](?P<value>.*\S)")
_TRAILER = compile_lazily(r"^(?P<key>[A-Za-z0-9][A-Za-z0-9-]*)[ \t]*:(?P<value>.*)")
_LIST_SPLIT = compile_lazily(r",|;|\band\b|\+|/ ")
_AIDER = compile_lazily(r"\baider\s*\((?P<model>[^)]{1,200})\)", re.I)
_TOOL_AND_MODEL = compile_lazily(r"^(?P<tool>[^(]*)\((?P<model>[^)]*)\)")
_FENCE = compile_lazily(r"^ {0,3}(?P<fence>`{3,}|~{3,})")
_LIST_ITEM = compile_lazily(r"^\s*(?:[-*+]|\d{1,9}[.)])\s")
_BACKTICKS = compile_lazily(r"`+")
_MASK = compile_lazily(r"\x00(\d+)\x00")
_TRAILING_VERSION = compile_lazily(r"(?:-v?\d+)+$")
_VIA = compile_lazily(r"(?<!\s)\s+(?:via|with|in|using)\s+", re.I)  # matched once per blank run

How = Literal["exact", "alias", "family", "unknown"]


def normalise_model_name(name: str) -> str:
    """A canonical spelling: 'Claude Opus 4.6 (1M context)' and 'anthropic/claude-opus-4-6'
    both become 'claude-opus-4-6'."""
    text = _EMAIL.sub("", name)
    text = _BRACKETS.sub("", text).strip().lower()
    text = text.rsplit("/", 1)[-1]
    text = _SEPARATORS.sub("-", text).strip("-")
    return _DATE_STAMP.sub("", text)


def _clean_name(value: str) -> str:
    """The name as written, without an e-mail address or a bracketed suffix."""
    text = _BRACKETS.sub("", _EMAIL.sub("", value)).strip().strip("`*_").strip()
    return " ".join(text.split())[:80]


class Resolution(Plain):
    """How one model name resolves through the policy: `how` and `reason` say why."""

    name: str
    how: How
    reason: str
    model: str | None = None
    display: str | None = None
    tier: str | None = None
    family: str | None = None
    version: str | None = None

    @property
    def known(self) -> bool:
        return self.how != "unknown"


class Catalog:
    """The policy's models, families and tools, indexed by every normalised name they go by."""

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self._models: dict[str, tuple[str, How]] = {}
        for model_id, model in policy.models.items():
            for name in (model_id, model.name):
                self._models.setdefault(normalise_model_name(name), (model_id, "exact"))
        for model_id, model in policy.models.items():
            for name in model.aliases:
                self._models.setdefault(normalise_model_name(name), (model_id, "alias"))
        self._small = {w.lower() for w in policy.small_variants.words}
        self._human = {v.lower() for v in policy.evidence.human_values}
        self._ignored = {v.lower() for v in policy.evidence.ignore_values}
        self._tool_names = {
            normalise_model_name(name): tool_id
            for tool_id, tool in policy.tools.items()
            for name in (tool.name, *tool.names)
        }

    @functools.cached_property
    def _families(self) -> list[tuple[str, Family, list[Any]]]:
        """Each family with its patterns, compiled when a name first needs them (one neither
        the catalog nor an alias names): a scan without a declared model compiles none (about
        1 ms of a start)."""
        return [(family_id, family, [compile_pattern(p) for p in family.patterns])
                for family_id, family in self.policy.families.items()]

    @property
    def _dated(self) -> str:
        date = self.policy.catalog_date
        return f" (dated {date.isoformat()})" if date else ""

    def model(self, name: str) -> str | None:
        """The catalog id an exact name or alias stands for (families aside)."""
        key = normalise_model_name(name)
        found = self._models.get(key) if key else None
        return found[0] if found else None

    def resolve(self, name: str) -> Resolution:
        """Exact catalog entry or alias, else family and version, else unknown; with the reason."""
        if len(name) > _NAME_CHARS:
            return Resolution(
                name=name.strip()[:80], how="unknown", reason="Text this long is not a model name."
            )
        cleaned = _clean_name(name) or name.strip()[:80]
        key = normalise_model_name(name)
        if not key:
            return Resolution(name=cleaned, how="unknown", reason="An empty name names no model.")
        found = self._models.get(key)
        if found is not None:
            model_id, how = found
            model = self.policy.models[model_id]
            what = "is the catalog entry" if how == "exact" else "is an alias of the catalog entry"
            return Resolution(
                name=cleaned, how=how,
                reason=f"{cleaned} {what} {model.name} (`{model_id}`), {model.tier}.",
                model=model_id, display=model.name, tier=model.tier,
            )
        for family_id, _, patterns in self._families:
            for pattern in patterns:
                match = pattern.match(key)
                if match is not None and match.end() == len(key):
                    return self._through_family(cleaned, family_id, match, pattern)
        return Resolution(
            name=cleaned, how="unknown",
            reason=f"{cleaned} is not in the catalog{self._dated} and matches no family. "
            f"To count it, add it to the policy: `{self.suggested_edit(cleaned)}`.",
        )

    def suggested_edit(self, name: str) -> str:
        model_id = normalise_model_name(name) or "new-model"
        shown = name.replace('"', "'")
        return f'models: {{{model_id}: {{name: "{shown}", tier: <tier>}}}}'

    def _through_family(self, name: str, family_id: str, match: Any, pattern: Any) -> Resolution:
        family = self.policy.families[family_id]
        digits = (match.group("version") or "").split("-")
        variant = match.group("variant") if "variant" in pattern.groupindex else None
        words = [w for w in (variant or "").split("-") if w]
        base = {"family": family_id}
        if not all(d.isdigit() for d in digits):
            top = max(family.tiers, key=version_key)
            return Resolution(
                name=name, how="unknown",
                reason=f"{name} names the {family.name} family but no version, so its tier is "
                f"unknown. Name the version (e.g. `{self._display(family_id, top)}`).",
                **base,
            )
        version = ".".join(str(int(d)) for d in digits)
        display = " ".join([self._display(family_id, version), *words])
        model_id = "-".join(display.lower().split())
        strange = [w for w in words if w not in family.variants and w not in self._small]
        if strange:
            return Resolution(
                name=name, how="unknown",
                reason=f"{name} looks like {self._display(family_id, version)}, but the policy "
                f"knows no variant `{'-'.join(strange)}` of it. To count it, add it to the policy: "
                f"`{self.suggested_edit(name)}`.",
                version=version, **base,
            )
        key = version_key(version)
        floors = family.floors()
        floor = next(((v, t) for k, v, t in floors if key >= k), None)
        if floor is not None:
            tier, as_what = floor[1], f"{family.name} >= {floor[0]}"
        elif family.older is not None:
            tier, as_what = family.older, f"{family.name} older than {floors[-1][1]}"
        else:
            return Resolution(
                name=name, how="unknown",
                reason=f"{display} is older than every {family.name} version the policy rates "
                f"(from {floors[-1][1]}), and the family sets no tier for older ones.",
                version=version, **base,
            )
        small = next((w for w in key_words(name) if w in self._small), None)
        cap = self.policy.small_variants.max_tier
        if (
            small is not None
            and cap is not None
            and cap in self.policy.tiers
            and tier in self.policy.tiers
            and self.policy.tier_rank(tier) > self.policy.tier_rank(cap)
        ):
            why = (
                f"as {as_what} it would count as {tier}, but as a small variant ({small}) "
                f"it counts as {cap}"
            )
            tier = cap
        else:
            why = f"as {as_what} it counts as {tier}"
        return Resolution(
            name=name, how="family", reason=f"{display} is not in the catalog{self._dated}; {why}.",
            model=model_id, display=display, tier=tier, version=version, **base,
        )

    def _display(self, family_id: str, version: str) -> str:
        family = self.policy.families[family_id]
        return family.display.replace("{name}", family.name).replace("{version}", version)

    def tool(self, text: str) -> str | None:
        """The tool whose marker (a case-insensitive substring) the text carries."""
        lowered = text.lower()
        for tool_id, tool in self.policy.tools.items():
            if any(marker.lower() in lowered for marker in tool.markers):
                return tool_id
        return None

    def tool_named(self, name: str) -> str | None:
        """The tool a bare name stands for ('Claude', 'Cursor 1.2', 'Codex'), or one of its
        markers; a trailing version number is not part of the name."""
        key = normalise_model_name(name)
        if not key:
            return self.tool(name)
        found = self._tool_names.get(key)
        if found is None:
            found = self._tool_names.get(_TRAILING_VERSION.sub("", key))
        return found

    def is_human(self, value: str) -> bool:
        return value.strip().strip(".").lower() in self._human

    def is_ignored(self, value: str) -> bool:
        return value.strip().strip(".").lower() in self._ignored

    def declare(
        self,
        source: str,
        location: str,
        raw: str,
        value: str,
        provenance: Provenance,
        tool: str | None = None,
    ) -> DeclaredModel | None:
        """Turn one declared value into a record: a model, a tool, a human, or unknown."""
        value = value.strip().strip("`*_").strip()
        if not value:
            return None
        base: dict[str, Any] = {
            "source": source, "location": location, "raw": raw.strip()[:200],
            "provenance": provenance, "tool": tool,
        }
        if self.is_human(value):
            return DeclaredModel(**base | {"tool": None}, kind="human")
        if self.is_ignored(value):
            if tool is not None:
                return DeclaredModel(**base, kind="tool")
            return DeclaredModel(
                **base, kind="unknown", name=value[:80],
                note=f"`{value[:80]}` says nothing about which model was used.",
            )
        candidates: list[tuple[str, str | None]] = []
        # "Kimi-K2-Thinking via Crush", "Claude Opus 4.8 in Cursor": the model, then its tool
        via = _VIA.split(value, maxsplit=1)
        if len(via) == 2 and via[0].strip() and via[1].strip():
            candidates.append((via[0], tool or self.tool_named(via[1])))
        candidates.append((value, tool))
        candidates += [(m.group(0)[1:-1], tool) for m in _BRACKETS.finditer(value)]
        # "Codex GPT-5", "Cursor Composer 2": a tool's name, then the model
        words = value.split()
        for cut in range(1, min(len(words), 4)):
            named = self.tool_named(" ".join(words[:cut]))
            if named is not None:
                candidates.append((" ".join(words[cut:]), tool or named))
        first: Resolution | None = None
        first_tool = tool
        for candidate, candidate_tool in candidates:
            resolution = self.resolve(candidate)
            if resolution.known:
                return self.record(base | {"tool": candidate_tool}, resolution)
            if first is None or (first.family is None and resolution.family is not None):
                first, first_tool = resolution, candidate_tool
        named_tool = self.tool_named(value) or self.tool(value)
        if named_tool is not None and (first is None or first.family is None):
            return self.tool_record(source, location, raw, provenance, named_tool)
        assert first is not None
        return self.record(base | {"tool": first_tool}, first)

    def record(self, base: dict[str, Any], resolution: Resolution) -> DeclaredModel:
        if resolution.how == "unknown":
            return DeclaredModel(
                **base, kind="unknown", name=resolution.name, family=resolution.family,
                version=resolution.version, note=resolution.reason,
            )
        return DeclaredModel(
            **base,
            kind="model",
            model=resolution.model,
            tier=resolution.tier,
            name=resolution.display,
            family=resolution.family,
            version=resolution.version,
            resolved_by=resolution.how,
            note=resolution.reason if resolution.how == "family" else None,
        )

    def tool_record(
        self,
        source: str,
        location: str,
        raw: str,
        provenance: Provenance,
        tool_id: str | None = None,
    ) -> DeclaredModel:
        """A tool marker: the tool is known; the model only if the tool always runs one."""
        tool_id = tool_id or self.tool(raw)
        assert tool_id is not None
        base: dict[str, Any] = {
            "source": source, "location": location, "raw": raw.strip()[:200],
            "provenance": provenance, "tool": tool_id,
        }
        tool = self.policy.tools[tool_id]
        if tool.model is not None:
            return self.record(base, self.resolve(tool.model))
        return DeclaredModel(**base, kind="tool")


def key_words(name: str) -> list[str]:
    return normalise_model_name(name).split("-")


def _value(text: str) -> str:
    """A key's value without surrounding blanks and Markdown emphasis (`**Model:** x`)."""
    text = text.strip()
    for mark in ("**", "__"):
        text = text.removeprefix(mark).removesuffix(mark).strip()
    return text


def _split_values(value: str) -> list[str]:
    return [part.strip() for part in _LIST_SPLIT.split(_value(value)) if part.strip()]


# --- the PR description ---------------------------------------------------------------------------


def _without_comments(body: str) -> str:
    """HTML comments blanked out, keeping line numbers; an unclosed one runs to the end.
    (One pass with str.find: a regular expression would rescan for every unclosed `<!--`.)"""
    parts, position = [], 0
    while (start := body.find("<!--", position)) >= 0:
        end = body.find("-->", start + 4)
        stop = len(body) if end < 0 else end + 3
        parts += [body[position:start], "\n" * body.count("\n", start, stop)]
        position = stop
    parts.append(body[position:])
    return "".join(parts)


def description_lines(body: str) -> Iterator[tuple[int, str, list[str]]]:
    """The prose lines of a Markdown description: (line number, line with inline code spans
    replaced by placeholders, the spans' contents). Fenced and indented code blocks and HTML
    comments are left out: a template's example is not a declaration."""
    fence: str | None = None
    previous_blank = True
    in_list = False
    in_indented_code = False
    for number, line in enumerate(_without_comments(body).splitlines(), start=1):
        if fence is not None:
            stripped = line.strip()
            if (
                len(line) - len(line.lstrip(" ")) <= 3
                and stripped.startswith(fence)
                and set(stripped) == {fence[0]}
            ):
                fence = None
            continue
        opening = _FENCE.match(line)
        if opening is not None:
            fence = opening.group("fence")
            previous_blank = in_indented_code = False
            continue
        if not line.strip():
            previous_blank = True
            continue
        indented = line.startswith(("    ", "\t", " \t", "  \t", "   \t"))
        if indented and not in_list and (previous_blank or in_indented_code):
            in_indented_code = True
            previous_blank = False
            continue
        in_indented_code = previous_blank = False
        if _LIST_ITEM.match(line):
            in_list = True
        elif not indented:
            in_list = False
        yield number, *_mask_code_spans(line)


def _mask_code_spans(line: str) -> tuple[str, list[str]]:
    """Inline code spans (CommonMark: a run of n backticks up to the next run of exactly n)
    replaced by placeholders, and their contents. One pass: each run is looked at once."""
    runs = [(m.start(), m.end()) for m in _BACKTICKS.finditer(line)]
    following: list[int | None] = [None] * len(runs)
    last: dict[int, int] = {}
    for index in range(len(runs) - 1, -1, -1):
        length = runs[index][1] - runs[index][0]
        following[index] = last.get(length)
        last[length] = index
    out: list[str] = []
    spans: list[str] = []
    position = index = 0
    while index < len(runs):
        closing = following[index]
        if closing is None:  # an unmatched run is literal text
            index += 1
            continue
        out += [line[position : runs[index][0]], f"\x00{len(spans)}\x00"]
        spans.append(line[runs[index][1] : runs[closing][0]].strip())
        position = runs[closing][1]
        index = closing + 1
    out.append(line[position:])
    return "".join(out), spans


def _unmask(value: str, spans: list[str]) -> str:
    """A value that is one code span is its content; spans inside other text are dropped."""
    whole = _MASK.fullmatch(value.strip())
    if whole is not None:
        return spans[int(whole.group(1))]
    return _MASK.sub("", value)


def _with_spans(line: str, spans: list[str]) -> str:
    return _MASK.sub(lambda m: f"`{spans[int(m.group(1))]}`", line)


def _from_description(body: str, catalog: Catalog) -> Iterator[DeclaredModel]:
    keys = {k.lower() for k in catalog.policy.evidence.body_keys}
    declared = Provenance.DECLARED
    for number, line, spans in description_lines(body):
        location = f"PR description, line {number}"
        raw = _with_spans(line, spans)
        checked = _CHECKED.match(line)
        if checked:
            value = _unmask(checked.group("value").strip(), spans)
            # A ticked box counts only if it names a model or says "no AI": templates tick
            # plenty of other boxes ("tests added").
            if catalog.resolve(value).known or catalog.is_human(value):
                found = catalog.declare("description", location, raw, value, declared)
                if found:
                    yield found
            continue
        pair = _KEY_VALUE.match(line)
        if pair and pair.group("key").strip().lower() in keys:
            for value in _split_values(pair.group("value")):
                found = catalog.declare(
                    "description", location, raw, _unmask(value, spans), declared
                )
                if found:
                    yield found
            continue
        prose = _MASK.sub("", line)
        if catalog.tool(prose) is not None:  # a footer the tool writes itself
            yield catalog.tool_record("description", location, prose, Provenance.TOOL)


# --- commits --------------------------------------------------------------------------------------


def _split_message(message: str) -> tuple[list[str], list[tuple[str, str, str]]]:
    """(body lines before the trailer block, trailers); see `trailer_block`."""
    lines = [line for line in message.splitlines() if not line.startswith("#")]
    end = len(lines)
    while end and not lines[end - 1].strip():
        end -= 1
    start = end
    while start and lines[start - 1].strip():
        start -= 1
    if start == 0 or start == end:
        return lines[1:], []
    found: list[tuple[str, str, str]] = []
    for line in lines[start:end]:
        if line[:1] in (" ", "\t"):
            if not found:
                return lines[1:], []
            key, value, raw = found[-1]
            found[-1] = (key, f"{value} {line.strip()}", f"{raw} {line.strip()}")
            continue
        trailer = _TRAILER.match(line)
        if trailer is None:
            return lines[1:], []
        found.append((trailer.group("key"), trailer.group("value").strip(), line.strip()))
    return lines[1:start], found


def trailer_block(message: str) -> list[tuple[str, str, str]]:
    """The trailers of a commit message, as `git interpret-trailers` finds them: the last
    paragraph (not the subject's), when every line of it is `Key: value` or a continuation
    line. Returns (key, value, line as written)."""
    return _split_message(message)[1]


def _co_author(
    value: str, catalog: Catalog, location: str, raw: str, provenance: Provenance
) -> DeclaredModel | None:
    aider = _AIDER.search(value)
    if aider:
        return catalog.declare(
            "commit", location, raw, aider.group("model"), provenance, catalog.tool(value)
        )
    name = _EMAIL.sub("", value).strip()
    tool_id = catalog.tool(value)
    resolution = catalog.resolve(name)
    base: dict[str, Any] = {
        "source": "commit", "location": location, "raw": raw.strip()[:200],
        "provenance": provenance, "tool": tool_id,
    }
    if resolution.known or resolution.family is not None:
        return catalog.record(base, resolution)
    if tool_id is None:
        return None  # a human co-author (a tool's co-author line carries its address)
    if not name or name.lower().endswith("[bot]") or catalog.tool_named(name) is not None:
        return catalog.tool_record("commit", location, raw, provenance, tool_id)
    # A name beside a tool's address that is not the tool's own: a model nothing knows.
    return catalog.record(base, resolution)


def _agent_and_model(
    value: str, catalog: Catalog, location: str, raw: str, provenance: Provenance
) -> list[DeclaredModel | None]:
    """`AGENT:MODEL [tools...]` (Assisted-by, Generated-by), several agents in one trailer
    (`Claude:claude-opus-4-7 Sashiko:claude-haiku-4-5`), or a bare tool or model name."""
    agent, colon, rest = value.partition(":")
    words = rest.split()
    if not colon or not words or rest.startswith("//"):
        return [catalog.declare("commit", location, raw, value, provenance)]
    pairs = [(agent, words[0])] + [
        (name, model)
        for word in words[1:]
        for name, sep, model in [word.partition(":")]
        if sep and name and model and not model.startswith("//")
    ]
    return [
        catalog.declare(
            "commit", location, raw, model, provenance,
            catalog.tool_named(name) or catalog.tool(name),
        )
        for name, model in pairs[:5]
    ]


def _tool_and_model(
    value: str, catalog: Catalog, location: str, raw: str, provenance: Provenance
) -> DeclaredModel | None:
    """`TOOL (MODEL)` (Co-authored-by-AI), or a bare tool or model name."""
    pair = _TOOL_AND_MODEL.match(value.strip())
    if pair is None:
        return catalog.declare("commit", location, raw, value, provenance)
    tool_id = catalog.tool_named(pair.group("tool")) or catalog.tool(pair.group("tool"))
    found = catalog.declare("commit", location, raw, pair.group("model"), provenance, tool_id)
    if found is None and tool_id is not None:
        return catalog.tool_record("commit", location, raw, provenance, tool_id)
    return found


def _from_commit(commit: Commit, catalog: Catalog) -> Iterator[DeclaredModel]:
    rules = catalog.policy.evidence
    keys = {k.lower() for k in rules.trailer_keys}
    by_hand = {k.lower() for k in rules.declared_trailer_keys}
    location = f"commit {commit.sha[:7]}" if commit.sha else "commit"
    body, trailers = _split_message(commit.message)
    for key, value, line in trailers:
        key = key.lower()
        provenance = Provenance.DECLARED if key in by_hand else Provenance.TOOL
        found: DeclaredModel | None
        if key not in keys:
            found = (
                catalog.tool_record("commit", location, line, provenance)
                if catalog.tool(line) is not None
                else None
            )
        elif key == "co-authored-by":
            found = _co_author(value, catalog, location, line, provenance)
        elif key in ("assisted-by", "generated-by"):
            yield from (
                item
                for item in _agent_and_model(value, catalog, location, line, provenance)
                if item is not None
            )
            continue
        elif key == "co-authored-by-ai":
            found = _tool_and_model(value, catalog, location, line, provenance)
        else:
            found = catalog.declare("commit", location, line, value, provenance)
        if found is not None:
            yield found
    # Footers a tool writes in the body ("Generated with [Claude Code](...)"); trailer-shaped
    # lines outside the trailer block are text, not trailers.
    for line in body:
        if _TRAILER.match(line) is None and catalog.tool(line) is not None:
            yield catalog.tool_record("commit", location, line, Provenance.TOOL)
    author = f"{commit.author_name} <{commit.author_email}> {commit.author_login or ''}".strip()
    tool_id = catalog.tool(author)
    resolution = catalog.resolve(commit.author_name) if commit.author_name else None
    if resolution is not None and (resolution.known or resolution.family is not None):
        base: dict[str, Any] = {
            "source": "author", "location": location, "raw": author[:200],
            "provenance": Provenance.TOOL, "tool": tool_id,
        }
        yield catalog.record(base, resolution)
    elif tool_id is not None:
        yield catalog.tool_record("author", location, author, Provenance.TOOL, tool_id)


def declared_models(pr: PullRequestInfo, policy: Policy) -> list[DeclaredModel]:
    """Every declaration found, de-duplicated (the first place each was seen is kept)."""
    catalog = Catalog(policy)
    found: list[DeclaredModel] = list(_from_description(pr.body, catalog))
    prefix = policy.evidence.label_prefix.lower()
    for label in pr.labels:
        if label.lower().startswith(prefix):
            attested = label in pr.attested_labels
            item = catalog.declare(
                "label", f"label {label}" + (" (added by a maintainer)" if attested else ""),
                label, label[len(prefix) :],
                Provenance.ATTESTED if attested else Provenance.DECLARED,
            )
            if item is not None:
                found.append(item)
    if pr.author_login and catalog.tool(pr.author_login):
        found.append(
            catalog.tool_record(
                "author", f"PR author {pr.author_login}", pr.author_login, Provenance.TOOL
            )
        )
    for commit in pr.commits:
        found.extend(_from_commit(commit, catalog))
    for record in pr.records:
        item = catalog.declare(
            "record", record.location, f"{record.kind}: {record.model}", record.model,
            Provenance.RECORDED, catalog.tool_named(record.tool) if record.tool else None,
        )
        if item is not None:
            found.append(item)
    unique: dict[tuple[str, str, str | None, str | None, str, str], DeclaredModel] = {}
    for item in found:
        raw_key = item.raw.lower() if item.kind == "unknown" else ""
        key = (item.source, item.kind, item.model, item.tool, str(item.provenance), raw_key)
        unique.setdefault(key, item)
    return list(unique.values())
