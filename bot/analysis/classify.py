"""Find the sensitive areas a diff touches, with the evidence for each.

A file belongs to an area when its path matches the area's path patterns (and the change to it is
more than comments and blank lines), or when one of its added or removed lines, or a hunk header
of a hunk with real changes, matches one of the area's content rules. Excluded paths (tests,
docs, lock files...) are never evidence; generated, vendored and translation paths only where the
diff proves what they hold. Code that was only re-formatted, respelt or moved is not evidence
(`bot.analysis.mechanical`), and the classification counts what it set aside that way.
"""

from __future__ import annotations

import bisect
import functools
import posixpath
from array import array
from collections import Counter
from collections.abc import Callable, Container, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Protocol

import re2

from bot.analysis.affordance import ActionGates
from bot.analysis.anchors import HeadLines
from bot.analysis.diff import (
    ChangedLine,
    Diff,
    Hunk,
    LinePasses,
    is_python,
    is_substantive,
    substantive_code,
)
from bot.analysis.forks import GO_MOD, forks
from bot.analysis.gitattributes import GitAttributes
from bot.analysis.guards import (
    CONDITION_CHANGED,
    FUNCTION,
    METHOD_TO_GET,
    OUTCOME_CHANGED,
    Hit,
    guard_filter,
    guard_hits,
    shown_conditions,
)
from bot.analysis.intent import StatedIntent
from bot.analysis.lazyre import compile_lazily
from bot.analysis.mechanical import (
    ALIAS_WORDS,
    MANIFESTS,
    MARKUP,
    NO_SWAPS,
    Swaps,
    aliased_names,
    defines,
    definitions_pattern,
    hunk_swaps,
    may_swap,
    name_imports,
    renamed_hunks,
    script_import,
    squash,
    tokens,
    without_copy,
)
from bot.analysis.metadata import MetadataLines
from bot.analysis.models import AreaResult, Evidence, FileChange, NotInspected, SourceFile
from bot.analysis.ranking import EvidenceRanking
from bot.analysis.removal import Removals
from policies.literals import Conditions, alternatives
from policies.model import RE2_MAX_MEM, Area, Policy, Risk, compile_paths
from policies.paths import PathMatch, PathSpec, PathSpecs, translate
from policies.plain import Plain, field

if TYPE_CHECKING:  # imported where a CODEOWNERS file or the files' contents are read (most
    # scans have neither)
    from bot.analysis.codeowners import CodeOwners
    from bot.analysis.enclosing import Definition, Outline

__all__ = ["Classification", "Matcher", "classify", "matcher_for", "sources_wanted",
           "under_generated_paths"]


#: where a line's text starts in a diff (in multi-line mode): after its marker (`+`, `-`, a space
#: for an unchanged line), or after a hunk header's `@@` (its text is the definition git names)
_LINE_START = "(?:^[-+ ]|@@ ?)"
#: the characters `_reanchored` reads: an escape, a class's brackets, an anchor
_ANCHOR_SYNTAX = compile_lazily(r"[\\\[\]^]")


def _reanchored(pattern: str) -> str:
    """The pattern with each '^' anchor put where a line's text starts in the raw diff
    (`_LINE_START`), so it can run over the diff's text.

    In the diff every line starts with its marker, so a rule's anchor, which stands before a
    line's text, stands after the marker there. Anchored there, not dropped: the pre-filter's
    lines are the hunks asked about renames and the files looked in for moved code, and an
    anchor dropped made `^\\s*==\\s` (Slim's unescaped output) find every `a == b` of a diff,
    about 9,000 lines of bench/analysis.py's "ordinary" shape, each then located, compared and
    matched for nothing (its in-process analysis 4.7 s of CPU without them, 6.9 s with). The
    match is no narrower than the rule's: each line it finds is then checked with the exact
    rule. Most rules have no '^': they are returned as they are. The others are read only at
    the characters that decide (`_ANCHOR_SYNTAX`): a walk over each of their characters in
    Python was about 2 ms of every start.
    """
    if "^" not in pattern:
        return pattern
    out: list[str] = []
    kept = 0  # where the text not yet copied to `out` starts
    escaped = -1  # the index of the character an escape stands before
    in_class = False
    for found in _ANCHOR_SYNTAX.finditer(pattern):
        index = found.start()
        char = pattern[index]
        if index == escaped:
            continue
        if char == "\\":
            escaped = index + 1
        elif in_class:
            # a ']' right after a '[' is one of the class's characters
            in_class = char != "]" or pattern[index - 1] == "["
        elif char == "[":
            in_class = True
        elif char == "^":
            # a group: `^?` and `^*` stay valid
            out += (pattern[kept:index], _LINE_START)
            kept = index + 1
    out.append(pattern[kept:])
    return "".join(out)


#: what a header rule's pre-filter form (`_header_form`) puts before its pattern: a hunk header's
#: start (in the diff, only a hunk header's line starts with `@@`; a changed line starts with its
#: marker)
_HEADER_START = "^@@[^\n]*?"
#: how a header rule's pre-filter form starts (`_prefilter_passes` puts them in passes apart)
_HEADER_OPENING = f"(?:{_HEADER_START}"


def _header_form(pattern: str) -> str:
    """A header rule's pattern as the pre-filters search for it: only on a hunk header's line
    (`_HEADER_START`), its anchors put where a line's text starts (`_reanchored`; on a header,
    after its second `@@`). A header rule counts only on hunk headers (and on the definitions a
    changed line is in, which no pre-filter reads): searched for on every line, it found
    changed lines for nothing, and its automaton's states followed every line of the diff. No
    narrower than the rule on a header's text: what it may skip before the text is the
    header's line numbers."""
    return f"{_HEADER_OPENING}(?:{_reanchored(pattern)}))"


#: rules per pre-filter pass on a large diff. Each state of RE2's lazily built DFA costs in
#: proportion to the automaton it stands for, and a fresh process builds them all: one pass of
#: the union of 120 rules took 1.2-2.4 s of CPU over a 16 MB diff (0.1-2.4 s even once built, its
#: cache overflowing), passes of 20-24 rules 0.3-0.45 s in all, passes of one rule 3.4 s (about
#: 27 ms each just to read the text). The rules are shared out evenly over the passes this size
#: makes, rounded: 126 rules are 5 passes of 26, not 5 of 24 and a sixth that reads the whole
#: text again for 6.
_PREFILTER_RULES = 24
#: rules per pass on a smaller diff (below so many characters): there building the DFA's states
#: costs more than reading the text, and smaller automata build fewer and cheaper states.
#: Compiling the bundled policy's passes and their first search took (CPU, a fresh process,
#: passes of 6 / 12 / 24 rules) 12 / 13 / 14 ms on a 5 kB diff, 26 / 32 / 44 ms on 49 kB, 55 / 62
#: / 86 ms on 0.5 MB, 126 / 112 / 136 ms on 2 MB, 258 / 196 / 206 ms on 4.9 MB.
_SMALLER_PASSES = ((1 << 20, 6), (8 << 20, 12))


#: below so many characters a diff's pre-filter passes are asked at each line's start instead
#: of searched for (`LinePasses`): compiling the bundled policy's passes and finding a 1.7 kB
#: diff's lines took 26-28 ms of CPU in a fresh process, against 33-35 ms searched; on a
#: 22 kB diff of long lines 72 ms against 77 ms. Passes of only the alternatives a diff may
#: hold (`Matcher.prefilters_of`) are smaller, and searched they build less than asked line
#: by line: 6 ms against 9 ms on examples/billing-refund.diff (1.7 kB), 8 against 10-17 on a
#: diff generated as bench/analysis.py's of 5.5 kB, 17-25 against 38-43 on 24 kB, 51-56
#: against 134-155 on 49 kB.
_LINE_PASSES_BELOW = 4 << 10

#: below so many characters, a diff's rules are searched for and compiled only where a text may
#: hold a match of them, alternative by alternative (`Matcher.held`: the text holds one string
#: of each of an alternative's clauses, `policies.literals`): compiling all of them, as RE2 sets
#: and as pre-filter passes, was about 60 ms of a 240 ms scan of a 1.7 kB diff (issue 14), and
#: the analysis of bench/analysis.py's 49 kB diff of 20 files took 270 ms of CPU in a fresh
#: process with every rule, 150 ms narrowed. Working out what a text holds reads each of its
#: characters in Python (`Conditions.met`, about 0.4 us each), which a larger diff pays more
#: than narrowing spares: on diffs generated as that one, narrowed, the analysis took 60-150 ms
#: less at 0.2 MB, 30 ms less at 0.44 MB, 250 ms more at 0.85 MB.
_NARROW_BELOW = 256 << 10
#: compiled pre-filter passes of some of the rules (`Matcher.prefilters_of`) a process keeps
_NARROWED_KEPT = 16


def _rules_per_pass(size: int) -> int:
    """How many rules a pre-filter pass holds on a diff text of `size` characters."""
    return next((rules for below, rules in _SMALLER_PASSES if size < below), _PREFILTER_RULES)


def _passes(patterns: Sequence[str], per_pass: int = _PREFILTER_RULES) -> list[Sequence[str]]:
    """The rules of each pre-filter pass: about `per_pass` each, evenly shared."""
    count = max(1, round(len(patterns) / per_pass))
    size = -(-len(patterns) // count)
    return [patterns[i : i + size] for i in range(0, len(patterns), size)]


#: what a pattern's pre-filter form holds where its rule asks for a line's start or a character
#: other than some (`(^|[^"])git\+`, RE2 having no look-behind): its anchor put after the
#: line's marker (`_reanchored`), a match of it may still start at almost any character, and in
#: a pass with other rules the DFA's states multiply with it. One such rule (the dependency
#: sources') made its pass of 23 rules cost 0.36 s of CPU in a fresh process over a 16 MB diff,
#: 0.09 s without it.
_LOOSE_START = _LINE_START + "|[^"


#: a bounded repeat that may span ten characters or more (`.{0,60}`, `[^;]{0,80}?`): a DFA
#: state of a pass holding such a rule stands for each count reached so far beside each
#: position of every other rule, so its states multiply with the rest of the pass. On the 16 MB
#: diff of bench/analysis.py's worst shape one such rule (`.{0,60}`) made its pass's automaton
#: 9.3 MB where the other 22 rules took 4.6 MB; the bundled policy's four such rules in a pass
#: apart took the search's automata from 28.1 MB to 22.1 MB, in as many passes and as fast.
_WIDE_REPEAT = compile_lazily(r"\{\d*,\d{2,}\}")


def _prefilter_passes(patterns: Sequence[str], per_pass: int) -> list[Sequence[str]]:
    """The rules of each pre-filter pass (`_passes`): the rules with a wide bounded repeat
    (`_WIDE_REPEAT`) in passes apart, after the others, then the rules a match of which may
    start at almost any character (`_LOOSE_START`) in passes apart, and the header rules'
    (`_header_form`) in passes apart after those. A line has a hit when a pass matches on it
    whichever pass holds a rule: the hits are the same.

    In the others' passes (unanchored, as they were), the bundled policy's five header rules
    made the search of bench/analysis.py's worst shape take 33.2 MB of memory in a fresh
    process; with their forms in a pass apart, 28.4 MB (28.2 MB without them at all, 29.7 MB
    without them in as many passes as with them). That pass's automaton reads a line that is
    no hunk header in a few states: the same rules unanchored there took 0.06 s more CPU."""
    kinds: tuple[list[str], list[str], list[str], list[str]] = ([], [], [], [])
    for pattern in patterns:
        kinds[3 if pattern.startswith(_HEADER_OPENING) else
              1 if _WIDE_REPEAT.search(pattern) else
              2 if _LOOSE_START in pattern else 0].append(pattern)
    return [group for kind in kinds if kind for group in _passes(kind, per_pass)]


def _prefilter_form(pattern: str, headers: bool) -> str:
    """How the pre-filters search for a content rule's pattern: on a hunk header's line for a
    header rule (`_header_form`), else on any line, its anchors after the line's marker
    (`_reanchored`)."""
    return _header_form(pattern) if headers else f"(?:{_reanchored(pattern)})"


def _searched_as(pattern: str, kept: Sequence[str]) -> str:
    """The pattern, or where a text may hold a match of only some of its alternatives (`kept`,
    `Matcher.held`), those alone: the same lines have a match of either."""
    if len(kept) == len(alternatives(pattern)):
        return pattern
    return "|".join(f"(?:{alternative})" for alternative in kept)


def _compiled_passes(patterns: Sequence[str], per_pass: int, by_line: bool) -> tuple[Any, ...]:
    """Pre-filter passes of these patterns (`_prefilter_passes`), compiled: RE2 patterns each
    the union of some, or on a small diff one `LinePasses` of them (`Matcher.prefilters`).
    Searched, each pass is compiled when first searched (`_SearchedPass`)."""
    options = _options()
    options.never_capture = True  # only where it matches; groups would cost decoding
    if not by_line:
        return tuple(_SearchedPass(("(?m)" + "|".join(group)).encode(), options)
                     for group in _prefilter_passes(patterns, per_pass)) if patterns else ()
    passes = tuple(
        re2.compile(("(?m)[^\n]*?(?:" + "|".join(group) + ")").encode(), options)
        for group in _prefilter_passes(patterns, per_pass)
    ) if patterns else ()
    return (LinePasses(passes),) if passes else ()


class _SearchedPass:
    """A pre-filter pass searched for (`match_starts`), compiled when first searched. A large
    diff's passes are searched on two processes from before the diff is parsed
    (`bot.searching.EarlySearch`), each pass by one of them: compiled there, each process
    compiles the passes it searches, after the fork, instead of this one all of them before it
    (on a 16 MB diff, 15-20 ms of CPU that the child's search waited for)."""

    __slots__ = ("_compiled", "_options", "pattern")

    def __init__(self, pattern: bytes, options: re2.Options) -> None:
        self.pattern = pattern
        self._options = options
        self._compiled: Any = None

    def compile(self) -> Any:
        """The pass compiled (now, if it was not)."""
        compiled = self._compiled
        if compiled is None:
            # two threads of the service may both compile it: the same pattern, either is kept
            compiled = self._compiled = re2.compile(self.pattern, self._options)
        return compiled

    def search(self, text: bytes, pos: int | None = None) -> Any:
        """`re2`'s search of the pass."""
        return self.compile().search(text, pos)

    def release(self) -> None:
        """Forget the compiled pass and the automaton its searches built (a large diff's, in
        `bot.analysis.diff`): the next search compiles it again."""
        self._compiled = None


@functools.lru_cache(maxsize=_NARROWED_KEPT)
def _narrowed_passes(patterns: tuple[str, ...], per_pass: int, by_line: bool
                     ) -> tuple[Any, ...]:
    """`_compiled_passes` of the rules a small diff may match (`Matcher.prefilters_of`), the
    last few kept: an lru_cache, safe where the service's worker threads share a matcher (a
    dict evicted by hand could be changed by one thread while another iterates it)."""
    return _compiled_passes(patterns, per_pass, by_line)


def _guard_search(rules: tuple[tuple[tuple[str, ...], str], ...]) -> Any:
    """The guard rules' search (`guard_filter`) of these rules (their kinds and pattern),
    compiled; None when there are none."""
    subjects = [pattern for kinds, pattern in rules if kinds != (METHOD_TO_GET,)]
    methods = [pattern for kinds, pattern in rules if METHOD_TO_GET in kinds]
    if not (subjects or methods):
        return None
    options = _options()
    options.never_capture = True
    return re2.compile(guard_filter(
        subjects, [pattern for kinds, pattern in rules if OUTCOME_CHANGED in kinds],
        methods).encode(), options)


#: `_guard_search` of the subjects a small diff may name (`Matcher.guard_search_of`), the last
#: few kept, as `_narrowed_passes` keeps passes
_narrowed_guard_search = functools.lru_cache(maxsize=_NARROWED_KEPT)(_guard_search)


#: rules, or some of their alternatives, compiled to ask a small diff's texts (`_compiled_rule`)
#: that a process keeps
_RULES_KEPT = 1024


@functools.lru_cache(maxsize=_RULES_KEPT)
def _compiled_rule(pattern: str) -> Any:
    """A content rule, or the alternatives of one a text may hold a match of, compiled to ask
    a small diff's texts (`Matcher.rules_in`): a text holds the strings of a few of a rule's
    alternatives, and the rules its texts asked, compiled whole, were about 15 ms of CPU of
    the analysis of a 49 kB diff in a fresh process; the last many kept, as a matcher kept
    every rule it compiled."""
    return re2.compile(pattern, _options())


def _options() -> re2.Options:
    options = re2.Options()
    options.max_mem = RE2_MAX_MEM
    return options


class _RuleSets:
    """Which content rules match a line: RE2 sets of the rules, shared out as a large diff's
    pre-filter passes share them (`_passes`). One set of every rule answers the same, but RE2
    builds a set's DFA lazily, each state standing for every rule's position, and a fresh
    process pays for building them: the first 4,558 lines of the benchmark's "ordinary" diff
    took 0.28 s of CPU to match against one set of 132 rules (0.013 s once built), 0.11 s against
    five sets (0.033 s once built).

    `indexes`: the index each pattern's rule has among all the content rules (`Matcher.rules`),
    ascending, which the answers give; by default its place among the patterns."""

    def __init__(self, patterns: Sequence[str], indexes: Sequence[int] | None = None) -> None:
        self._sets: list[tuple[int, Any]] = []
        self._indexes = tuple(range(len(patterns)) if indexes is None else indexes)
        start = 0
        for group in _passes(patterns):
            rule_set = re2.Set.SearchSet(_options())
            for pattern in group:
                rule_set.Add(pattern)
            rule_set.Compile()
            self._sets.append((start, rule_set))
            start += len(group)

    def match(self, text: str) -> tuple[int, ...]:
        """The indexes of the rules that match the text, in rule order."""
        found: list[int] = []
        # Encoded once for all the sets: given a str, each set's Match encodes it again.
        encoded = text.encode("utf-8")
        for start, rule_set in self._sets:
            # re2.Set.Match returns None, not an empty list, when no rule matches
            found += [start + index for index in rule_set.Match(encoded) or ()]
        indexes = self._indexes
        return tuple(indexes[at] for at in sorted(found))

    def match_all(self, texts: Sequence[str]) -> list[tuple[int, ...]]:
        """`match` of each text, asked of one set after the other: each set's DFA then works
        on its own, where asked in turn for each text the ten sets' automata (built as they
        read, in a fresh process) evict each other from the processor's caches. The 5,097
        texts `_content_evidence` asks on bench/analysis.py's "ordinary" shape took 0.74 s
        of CPU in a fresh process asked text by text, 0.46 s set by set."""
        encoded = [text.encode("utf-8") for text in texts]
        found: list[list[int]] = [[] for _ in texts]
        for start, rule_set in self._sets:
            for text_found, text in zip(found, encoded, strict=True):
                text_found += [start + index for index in rule_set.Match(text) or ()]
        indexes = self._indexes
        return [tuple(indexes[at] for at in sorted(text_found)) for text_found in found]


def _optional_paths(patterns: list[str]) -> PathSpec | None:
    return compile_paths(patterns) if patterns else None


class _OwnPaths:
    """A content rule's own file patterns, compiled (`compile_paths`) when a file is first
    asked about them: a small diff asks only about the rules that match one of its lines, or
    that alone could read one of its files (`_FileRules`), and compiling every rule's patterns
    was about 4 ms of a start. A policy read from a file had its patterns compiled when it was
    checked (the specs are shared), the bundled policy's when its artefact was built."""

    __slots__ = ("_patterns", "_spec")

    def __init__(self, patterns: Sequence[str]) -> None:
        self._patterns = tuple(patterns)
        self._spec: PathSpec | None = None

    def check_file(self, path: str) -> PathMatch:
        if self._spec is None:
            self._spec = compile_paths(self._patterns)
        return self._spec.check_file(path)


class _Rule(Plain):
    area: str
    id: str
    files: _OwnPaths | None
    excluded_too: bool = False
    #: reads the comments of hunks that change code (bot/analysis/intent.py), not code
    comments: bool = False
    #: reads only hunk headers: the definition the change is made in
    headers: bool = False
    #: reads only the definitions a changed line is in, from the file's contents
    #: (bot/analysis/enclosing.py)
    enclosing: bool = False
    #: also reads a go.mod's module replaced by a fork (bot/analysis/forks.py)
    forks: bool = False
    #: finds a word a line may only name: on a line rewritten as one other line, counts only
    #: where the rewrite touches it (`_changed_where`)
    where_changed: bool = False


class Matcher:
    """A policy compiled for matching: path specs per area; the content rules as RE2 sets, or
    on a small diff only those its texts may hold a match of (`rules_in`), compiled when asked.

    A plain class, not a dataclass: a dataclass compiles the source of its methods when it is
    defined, about 1 ms of every start for each (issue 14; `policies.plain`)."""

    def __init__(self, policy: Policy, default_exclude: PathSpec) -> None:
        self.policy = policy
        self.default_exclude = default_exclude
        self.content_only: PathSpec | None = None
        self.client_side: PathSpec | None = None
        self.generated: PathSpec | None = None
        self.vendored: PathSpec | None = None
        self.translations: PathSpec | None = None
        self.paths: dict[str, PathSpec] = {}
        #: every area's positive path patterns (`any_path`)
        self.positives: tuple[str, ...] = ()
        self.excludes: dict[str, PathSpec] = {}
        self.rules: list[_Rule] = []
        #: each content rule's pattern, in rule order
        self.patterns: list[str] = []
        #: the content rules that read definitions (`headers`, `enclosing`), which count only
        #: on a hunk header or a definition a changed line is in: matched apart
        #: (`definition_set`), not against every line's text (`rule_set`)
        self.definition_rules: frozenset[int] = frozenset()
        #: the file patterns of each content rule that has them, in rule order (`rule_files`)
        self.file_patterns: list[tuple[str, ...]] = []
        #: the index of each content rule that reads lines, which the pre-filters search for
        #: (`prefilter_patterns`)
        self.prefilter_rules: tuple[int, ...] = ()
        #: the compiled pre-filter passes, by rules per pass and whether they are asked line
        #: by line (`prefilters`; a small diff's narrowed ones: `_narrowed_passes`)
        self.compiled_passes: dict[tuple[int, bool], tuple[Any, ...]] = {}
        #: the guard rules (`guards: true`), apart: they read only lines that decide or exit
        #: (bot/analysis/guards.py), found by a search of their own
        self.guard_rules: list[tuple[str, tuple[str, ...], _OwnPaths | None]] = []
        #: each guard rule's pattern, in `guard_rules`' order
        self.guard_patterns: list[str] = []
        self.guard_set: Any = None
        #: whether a guard rule reads what a check hands back under its unchanged condition
        #: (`outcome-changed`): only then are a hunk's conditions looked for (`shown_conditions`)
        self.reads_outcomes = False

    @classmethod
    def compile(cls, policy: Policy) -> Matcher:
        default_exclude = compile_paths(policy.exclude)
        matcher = cls(policy, default_exclude)
        matcher.content_only = _optional_paths(policy.content_only)
        matcher.client_side = _optional_paths(policy.client_side)
        matcher.generated = _optional_paths(policy.generated)
        matcher.vendored = _optional_paths(policy.vendored)
        matcher.translations = _optional_paths(policy.translations)
        positives: list[str] = []
        prefilter_rules: list[int] = []
        guard_set = re2.Set.SearchSet(_options())
        for area_id, area in policy.active_areas().items():
            matcher.paths[area_id] = compile_paths(area.paths)
            positives += [p for p in area.paths if not p.startswith("!")]
            matcher.excludes[area_id] = (
                default_exclude if area.exclude is None else compile_paths(area.exclude)
            )
            for index, rule in enumerate(area.content):
                rule_id = f"{area_id}.{rule.id or f'content[{index}]'}"
                if rule.guards:
                    # the area's kinds, or those of them the rule lists
                    kinds = tuple(kind for kind in area.guards
                                  if rule.guards is True or kind in rule.guards)
                    if kinds:
                        matcher.guard_rules.append((area_id, kinds, (
                            _OwnPaths(rule.files) if rule.files else None)))
                        matcher.guard_patterns.append(rule.pattern)
                        guard_set.Add(rule.pattern)
                    continue
                files = _OwnPaths(rule.files) if rule.files else None
                if files is not None:
                    matcher.file_patterns.append(tuple(rule.files))
                matcher.rules.append(_Rule(
                    area=area_id, id=rule_id, files=files,
                    excluded_too=rule.excluded_too and files is not None,
                    comments=rule.comments, headers=rule.headers, enclosing=rule.enclosing,
                    forks=rule.forks, where_changed=rule.where_changed,
                ))
                # An enclosing rule reads no line of the diff: no pre-filter finds it. A header
                # rule reads only hunk headers: its pre-filter finds only them.
                if not rule.enclosing:
                    prefilter_rules.append(len(matcher.patterns))
                matcher.patterns.append(rule.pattern)
        matcher.positives = tuple(positives)
        matcher.definition_rules = frozenset(
            index for index, rule in enumerate(matcher.rules) if rule.headers or rule.enclosing)
        matcher.prefilter_rules = tuple(prefilter_rules)
        if matcher.guard_rules:
            guard_set.Compile()
            matcher.guard_set = guard_set
            matcher.reads_outcomes = any(OUTCOME_CHANGED in kinds
                                         for _, kinds, _ in matcher.guard_rules)
        return matcher

    @functools.cached_property
    def guard_prefilter(self) -> Any:
        """The guard rules' search (`guard_filter`) of every guard rule, compiled (None: the
        policy has none); on a diff small enough to narrow, `guard_search_of` is searched
        instead. Compiled on first use: a small diff's start spared about 5 ms."""
        return _guard_search(tuple((kinds, pattern) for (_, kinds, _), pattern in zip(
            self.guard_rules, self.guard_patterns, strict=True)))

    def guard_search_of(self, text: str, held: dict[int, list[str]] | None = None) -> Any:
        """The guard rules' search to search this diff text with (`guard_prefilter`); on a
        small diff, one of only the subjects' alternatives the text may hold a match of
        (`held`, given when the caller has it), None when it holds none: an alternative that
        matches nowhere in the text is no line's subject, so the lines found are the same."""
        if len(text) >= _NARROW_BELOW:
            return self.guard_prefilter
        held = self.held(text) if held is None else held
        first = len(self.patterns)  # the first guard rule's number in `held`
        return _narrowed_guard_search(tuple(
            (kinds, _searched_as(pattern, held[first + guard]))
            for guard, ((_, kinds, _), pattern) in enumerate(
                zip(self.guard_rules, self.guard_patterns, strict=True))
            if first + guard in held))

    @functools.cached_property
    def prefilter_patterns(self) -> tuple[str, ...]:
        """Each of the `prefilter_rules` as the pre-filters search for it (`_prefilter_form`).
        Worked out on first use: a small diff's passes hold only some rules (`prefilters_of`),
        and the forms of all of them were about 3 ms of a start."""
        return tuple(_prefilter_form(self.patterns[rule], self.rules[rule].headers)
                     for rule in self.prefilter_rules)

    def prefilters(self, size: int) -> tuple[Any, ...]:
        """The pre-filter passes for a diff text of `size` characters: compiled RE2 patterns,
        each the union of some rules (a line has a hit if any matches; their hits are the
        same however the rules are shared out); on a small diff, one `LinePasses` of them,
        asked at each line's start. Compiled when a diff first needs them."""
        key = (_rules_per_pass(size), size < _LINE_PASSES_BELOW)
        compiled = self.compiled_passes.get(key)
        if compiled is None:
            compiled = self.compiled_passes[key] = _compiled_passes(self.prefilter_patterns,
                                                                    *key)
        return compiled

    def prefilters_of(self, text: str, held: dict[int, list[str]] | None = None
                      ) -> tuple[Any, ...]:
        """The pre-filter passes to search this diff text with (`prefilters`); on a small
        diff, passes of only the rules the text may hold a match of, each searched for as only
        its alternatives the text may hold a match of (`held`, given when the caller has it):
        an alternative that matches nowhere in the text finds no line, so the lines found are
        the same."""
        if len(text) >= _NARROW_BELOW:
            return self.prefilters(len(text))
        held = self.held(text) if held is None else held
        wanted = tuple(_prefilter_form(_searched_as(self.patterns[rule], held[rule]),
                                       self.rules[rule].headers)
                       for rule in self.prefilter_rules if rule in held)
        return _narrowed_passes(wanted, _rules_per_pass(len(text)),
                                len(text) < _LINE_PASSES_BELOW)

    def held(self, text: str) -> dict[int, list[str]]:
        """The rules a text may hold a match of, each with those of its alternatives
        (`policies.literals.split`) the text may hold a match of (`conditions`): the content
        rules by their index, in rule order, then the guard rules, numbered on from them."""
        held: dict[int, list[str]] = {}
        numbered = self.alternatives
        for number in self.conditions.met(text):
            rule, alternative = numbered[number]
            held.setdefault(rule, []).append(alternative)
        return held

    @functools.cached_property
    def alternatives(self) -> tuple[tuple[int, str], ...]:
        """Each alternative of each rule (the content rules', then the guard rules'), with the
        rule's number in `held`."""
        return tuple((owner, alternative) for owner, pattern in enumerate(self._owners)
                     for alternative, _ in alternatives(pattern))

    @functools.cached_property
    def conditions(self) -> Conditions:
        """What a text holds where each of the rules' `alternatives` may match it
        (`policies.literals`), known from the artefact for the bundled policy's rules; the
        guard rules' with the content rules', so that a diff's text is read once for both. A
        rule searched for whole held the strings of one of its alternatives (the weakest of
        them, `auth`, in most): a third of the bundled rules on a 49 kB diff; of those, the
        alternatives whose other strings it held too were a tenth."""
        return Conditions(condition for pattern in self._owners
                          for _, condition in alternatives(pattern))

    @property
    def _owners(self) -> list[str]:
        """The pattern of each rule `held` numbers."""
        return self.patterns + self.guard_patterns

    @functools.cached_property
    def rule_set(self) -> _RuleSets | None:
        """Every content rule that reads changed lines (not `definition_rules`), as RE2 sets
        (None: the policy has none). Compiled on first use: a small diff asks only some rules
        (`rules_in`)."""
        return self._sets_of(definitions=False)

    @functools.cached_property
    def definition_set(self) -> _RuleSets | None:
        """The `definition_rules`, as RE2 sets (None: the policy has none), asked only of hunk
        headers and of the definitions a changed line is in. Apart from `rule_set`, which every
        line's text is asked: there they were states of its automata for every line (the
        peak memory of bench/analysis.py's ordinary shape 1.8 MB higher, its worst's 0.2 MB)."""
        return self._sets_of(definitions=True)

    def _sets_of(self, definitions: bool) -> _RuleSets | None:
        indexes = [index for index in range(len(self.patterns))
                   if (index in self.definition_rules) == definitions]
        return _RuleSets([self.patterns[index] for index in indexes],
                         indexes) if indexes else None

    def rules_in(self, text: str, narrow: bool, definitions: bool = False) -> tuple[int, ...]:
        """The indexes of the content rules that read changed lines (with `definitions`: the
        `definition_rules`) that match a text, in rule order: with `narrow`, each rule the text
        may hold a match of asked alone, as only its alternatives the text may hold a match of
        (`held`, `_compiled_rule`); else the sets of them all (`rule_set`, `definition_set`).
        The same indexes either way."""
        if not narrow:
            rule_set = self.definition_set if definitions else self.rule_set
            return () if rule_set is None else rule_set.match(text)
        found = []
        wanted = self.definition_rules
        for index, kept in self.held(text).items():
            if index >= len(self.patterns):
                break  # the guard rules, numbered after the content rules
            if (index in wanted) != definitions:
                continue
            if _compiled_rule(_searched_as(self.patterns[index], kept)).search(text) is not None:
                found.append(index)
        return tuple(found)

    @functools.cached_property
    def any_path(self) -> PathSpec:
        """Every area's positive path patterns as one spec: most files of a large diff belong to
        no area, and one check against it spares them a check per area. Compiled on first use:
        it is a few ms of a start, more than a small diff's checks per area cost."""
        return compile_paths(self.positives)

    @functools.cached_property
    def rule_files(self) -> PathSpecs:
        """The content rules' own file patterns (`file_patterns`) as one set: a large diff asks
        each of its files about them all (`_LineRules.allowed`). Compiled on first use, as
        `any_path` is."""
        return PathSpecs([[translate(p) for p in patterns] for patterns in self.file_patterns])

    def excluded(self, area_id: str, path: str) -> bool:
        return bool(self.excludes[area_id].check_file(path).include)

    def path_match(self, area_id: str, path: str) -> str | None:
        """The path pattern of the area that claims this path, if any (exclusions win)."""
        spec = self.paths[area_id]
        result = spec.check_file(path)
        if not result.include or self.excluded(area_id, path):
            return None
        index = result.index if result.index is not None else 0
        return str(self.policy.areas[area_id].paths[index])

    def line_rules(self, text: str, path: str, definitions: bool = False) -> list[_Rule]:
        """The content rules that match a changed line of a file, for areas that do not exclude
        it; with `definitions`, the `definition_rules` that match the text as a hunk header or
        as a definition a changed line is in."""
        return [self.rules[index]
                for index in self.rules_in(text, narrow=False, definitions=definitions)
                if self.reads(self.rules[index], path)]

    def reads(self, rule: _Rule, path: str) -> bool:
        """Whether a content rule reads a file: its own `files` hold it, and its area does not
        exclude it (unless the rule reads what the exclusions hide, `excluded_too`)."""
        return (rule.files is None or bool(rule.files.check_file(path).include)) and (
            rule.excluded_too or not self.excluded(rule.area, path)
        )


#: distinct line texts whose matching rules are remembered: a diff repeats its common lines
#: often, but a cache of every text of a large diff (its keys new strings) is tens of MB
_TEXTS_KEPT = 4096
#: the longest text `_LineRules.ask` works out ahead: a longer one (a minified bundle's line)
#: is asked when it is needed, and not kept
_ASKED_CHARS = 4096


class _LineRules:
    """`Matcher.line_rules` for one diff, answered once per distinct line text and once per
    file: which rules a text matches does not depend on its file, and which rules a file allows
    (its areas' exclusions, the rules' own file patterns) not on its lines. A small diff's
    texts are asked only of the rules they may hold a match of (`Matcher.rules_in`).

    The rules that read definitions (`Matcher.definition_rules`) are asked only of hunk headers
    and definitions (`of` with `header`, `definitions`), and their answers kept apart: a
    header's text may be a changed line's too, which they do not read."""

    def __init__(self, matcher: Matcher, diff: Diff) -> None:
        self.matcher = matcher
        self.diff = diff
        self._narrow = len(diff.text) < _NARROW_BELOW
        self._texts: dict[str, tuple[int, ...]] = {}
        self._definitions: dict[str, tuple[int, ...]] = {}  # `definition_rules` matched
        self._asked: dict[str, tuple[int, ...]] = {}  # worked out ahead (`ask`)
        self._files: dict[int, frozenset[int] | _FileRules] = {}
        # The rules a file allows, by what decides them (`_answered`): files share a few.
        self._answered: dict[tuple[tuple[bool, ...], tuple[bool, ...]], frozenset[int]] = {}
        # The areas' exclusion specs, each once (most areas share the policy's).
        self._specs = list({id(spec): spec for spec in matcher.excludes.values()}.values())
        # The rules of each area: plain ones, and those with file patterns or read in excluded
        # files too, which need a look at the path.
        self._areas: dict[str, tuple[list[int], list[int]]] = {}
        # The rules with file patterns, in `Matcher.rule_files`' order, when this diff has
        # enough files to ask them together (as `_path_matches` asks `Matcher.any_path`).
        self._together: list[int] | None = [] if len(diff.files) >= _ANY_PATH_FILES else None
        for index, rule in enumerate(matcher.rules):
            plain, special = self._areas.setdefault(rule.area, ([], []))
            (special if rule.files is not None else plain).append(index)
            if rule.files is not None and self._together is not None:
                self._together.append(index)

    def allowed(self, file: int) -> frozenset[int] | _FileRules:
        """The indexes of the rules that may match a line of this file (a set, or on a small
        diff a `_FileRules`, which answers `in` and truth as the set would)."""
        allowed = self._files.get(file)
        if allowed is None:
            path = self.diff.files[file].path
            if self._together:  # asked together, and shared with the files answered alike
                allowed = self._files[file] = self._answered_for(path)
                return allowed
            rules = self.matcher.rules
            excluded: dict[int, bool] = {}  # by exclusion spec: most areas share the policy's
            found: list[int] = []
            # rules whose own file patterns are still to be asked (a small diff's)
            pending: list[int] = []
            for area_id, (plain, special) in self._areas.items():
                spec = self.matcher.excludes[area_id]
                if id(spec) not in excluded:
                    excluded[id(spec)] = bool(spec.check_file(path).include)
                if not excluded[id(spec)]:
                    found += plain
                pending += [index for index in special
                            if rules[index].excluded_too or not excluded[id(spec)]]
            allowed = self._files[file] = _FileRules(frozenset(found), pending, path, rules)
        return allowed

    def _answered_for(self, path: str) -> frozenset[int]:
        """The rules a file of a diff with many files allows (`allowed`), given by what decides
        them: whether each exclusion spec excludes the path, and whether each rule's own file
        patterns include it. Worked out once for each such pair of answers: files share a few
        (those of the same exclusions; one copy each, where a set of 120 rules for each of
        3,000 files was 24 MB)."""
        specs = tuple(bool(spec.check_file(path).include) for spec in self._specs)
        together = self._together or []
        own = tuple(self.matcher.rule_files.includes(path))
        key = (specs, own)
        allowed = self._answered.get(key)
        if allowed is None:
            excluded = {id(spec): answer for spec, answer in zip(self._specs, specs, strict=True)}
            includes = dict(zip(together, own, strict=True))
            rules = self.matcher.rules
            found: list[int] = []
            for area_id, (plain, special) in self._areas.items():
                out = excluded[id(self.matcher.excludes[area_id])]
                if not out:
                    found += plain
                found += [index for index in special
                          if (rules[index].excluded_too or not out) and includes[index]]
            allowed = self._answered[key] = frozenset(found)
        return allowed

    def ask(self, texts: Iterable[str]) -> None:
        """Work out at once which rules match these texts, which `of` is to be asked about
        (`_RuleSets.match_all`); kept until `forget`. On a small diff (`_narrow`) each is
        asked when `of` is."""
        if self._narrow or self.matcher.rule_set is None:
            return
        new = list({text: None for text in texts
                    if self.asks(text) and text not in self._texts})
        self._asked.update(zip(new, self.matcher.rule_set.match_all(new), strict=True))

    @staticmethod
    def asks(text: str) -> bool:
        """Whether `ask` works this text out ahead: a longer one (`_ASKED_CHARS`) is asked
        when `of` is, and not kept."""
        return len(text) <= _ASKED_CHARS

    def forget(self) -> None:
        """Let what `ask` worked out go."""
        self._asked = {}

    def of(self, text: str, file: int, header: bool = False) -> list[_Rule]:
        """The rules that match a changed line of a file (as `Matcher.line_rules`); with
        `header`, a hunk header's: those and the header rules (`headers`), in rule order."""
        matched = self._texts.get(text)
        if matched is None:
            matched = self._asked.get(text)
        if matched is None:
            matched = self._matched(self._texts, text, definitions=False)
        if header:
            rules = self.matcher.rules
            headers = [index for index in self._defined(text) if rules[index].headers]
            if headers:
                matched = tuple(sorted((*matched, *headers)))
        return self._allowed_of(matched, file)

    def definitions(self, text: str, file: int) -> list[_Rule]:
        """The rules that read definitions (`Matcher.definition_rules`) that match a definition
        a changed line of a file is in."""
        return self._allowed_of(self._defined(text), file)

    def _defined(self, text: str) -> tuple[int, ...]:
        matched = self._definitions.get(text)
        if matched is None:
            matched = self._matched(self._definitions, text, definitions=True)
        return matched

    def _matched(self, kept: dict[str, tuple[int, ...]], text: str, definitions: bool
                 ) -> tuple[int, ...]:
        """`Matcher.rules_in` of a text not yet asked, kept in `kept` (emptied when it holds
        `_TEXTS_KEPT` texts)."""
        if len(kept) >= _TEXTS_KEPT:
            kept.clear()
        matched = kept[text] = self.matcher.rules_in(text, self._narrow, definitions=definitions)
        return matched

    def _allowed_of(self, matched: tuple[int, ...], file: int) -> list[_Rule]:
        """The rules of these indexes that may read a line of this file (`allowed`)."""
        if not matched:
            return []
        allowed = self.allowed(file)
        return [self.matcher.rules[index] for index in matched if index in allowed]


class _FileRules:
    """The rules that may read a file of a small diff (`_LineRules.allowed`): those its areas
    allow whatever the path (`plain`), and those whose own file patterns are asked about the
    path only when an answer needs them (`_OwnPaths`: a rule that matches one of the file's
    lines, or every such rule of a file that no other rule may read), each asked once."""

    __slots__ = ("_answers", "_path", "_pending", "_plain", "_rules")

    def __init__(self, plain: frozenset[int], pending: Sequence[int], path: str,
                 rules: Sequence[_Rule]) -> None:
        self._plain = plain
        self._pending = frozenset(pending)
        self._path = path
        self._rules = rules
        self._answers: dict[int, bool] = {}

    def _reads(self, index: int) -> bool:
        answer = self._answers.get(index)
        if answer is None:
            files = self._rules[index].files
            answer = self._answers[index] = (
                files is None or bool(files.check_file(self._path).include))
        return answer

    def __contains__(self, index: object) -> bool:
        return index in self._plain or (
            isinstance(index, int) and index in self._pending and self._reads(index))

    def __bool__(self) -> bool:
        return bool(self._plain) or any(self._reads(index) for index in sorted(self._pending))


_CACHE_SIZE = 16
_cache: dict[int, tuple[Policy, Matcher]] = {}


def matcher_for(policy: Policy) -> Matcher:
    """The compiled matcher of a policy, reused while the same policy object is in use."""
    hit = _cache.get(id(policy))
    if hit is not None and hit[0] is policy:
        return hit[1]
    matcher = Matcher.compile(policy)
    if len(_cache) >= _CACHE_SIZE:
        _cache.pop(next(iter(_cache)))
    _cache[id(policy)] = (policy, matcher)
    return matcher


class _AreaHits:
    def __init__(self) -> None:
        self.files: dict[str, None] = {}
        self.evidence: list[Evidence] = []
        self.total = 0
        self.lines: set[tuple[str, str, int | None]] = set()
        self.live: dict[tuple[str, str, int | None], int] = {}
        self.bound = 0
        #: the rules that found counted evidence, as `Area.weak_keys` names them
        self.rules: dict[str, None] = {}


class Classification(Plain):
    """What a diff touches: its areas with their evidence, and what was set aside and why
    (`Plain` data: the class costs a start no compiled methods, as a dataclass's would)."""

    areas: list[AreaResult]
    not_inspected: list[NotInspected]
    #: paths whose content is unknown (GitHub sent no patch) that no exclusion covers: what they
    #: change was not read, so it cannot be called routine
    unread: list[str] = field(default_factory=list)
    #: changed lines a rule matched that were not counted (mechanical or moved code)
    mechanical_lines: int = 0
    #: by area, the rules that found its evidence as `Area.weak` names them (what
    #: bench/strengths.py learns which rules are weak from)
    rules: dict[str, list[str]] = field(default_factory=dict)
    #: changed lines a rule matched that were not counted: unused code deleted whole
    #: (`bot.analysis.removal`)
    removed_lines: int = 0
    #: edited files whose path matched an area but that only lose unused code
    removed_paths: list[str] = field(default_factory=list)
    #: edited files whose path matched an area but that only carry out renames the change
    #: declares (`bot.analysis.mechanical.renamed_hunks`)
    renamed_paths: list[str] = field(default_factory=list)
    #: changed lines a rule matched that were not counted: a chart's or a Terraform module's
    #: metadata (`bot.analysis.metadata`)
    metadata_lines: int = 0
    #: edited files whose path matched an area but whose change is only such metadata
    metadata_paths: list[str] = field(default_factory=list)
    #: changed lines a rule matched that were not counted: inside a docstring or a block
    #: comment (`Diff.in_prose`)
    prose_lines: int = 0
    #: edited files whose path matched an area but whose change is only such prose (and
    #: comments)
    prose_paths: list[str] = field(default_factory=list)


class _Adds(Protocol):
    """What counts evidence for an area: the collector, or what records it for the collector
    (`_Recorder`)."""

    def add(self, area_id: str, evidence: Evidence, rule: str | None = None) -> None: ...


class _Collector:
    def __init__(self, policy: Policy, client_side: PathSpec | None,
                 gates: Container[object] = ()) -> None:
        self.policy = policy
        #: code that runs in the browser (`Policy.client_side`)
        self.client_side = client_side
        #: the places of template conditions that only show an action's way in
        #: (`bot.analysis.affordance`), asked as (path, side, line)
        self.gates = gates
        self.hits: dict[str, _AreaHits] = {}
        # The caps keep the strongest evidence, not the first (bot/analysis/ranking.py).
        self.ranking = EvidenceRanking.for_policy(policy)
        self.bound = 40 * policy.limits.evidence_per_area

    def add(self, area_id: str, evidence: Evidence, rule: str | None = None) -> None:
        """Count evidence for an area; `rule` names what found it where `evidence.rule` does not
        say which (a path match: its pattern)."""
        hits = self.hits.setdefault(area_id, _AreaHits())
        hits.rules[rule or evidence.rule] = None
        key = (evidence.path, evidence.side, evidence.line)
        if key in hits.lines:  # one line, several rules: the strongest rule names it
            slot = hits.live.get(key)
            if slot is not None and self.ranking.strength(evidence) < self.ranking.strength(
                hits.evidence[slot]
            ):
                hits.evidence[slot] = evidence
            return
        hits.lines.add(key)
        hits.live[key] = len(hits.evidence)
        hits.files[evidence.path] = None
        hits.total += 1
        hits.evidence.append(evidence)
        if len(hits.evidence) >= max(self.bound, hits.bound):
            # Flat memory on a diff where every line matches: keep the candidates the caps
            # could still choose from.
            limits = self.policy.limits
            hits.evidence = self.ranking.prune(
                hits.evidence, limits.evidence_per_file, limits.evidence_per_area
            )
            hits.live = {(e.path, e.side, e.line): i for i, e in enumerate(hits.evidence)}
            hits.bound = 2 * len(hits.evidence)

    def results(self) -> list[AreaResult]:
        found = [
            (area_id, area, self.hits[area_id])
            for area_id, area in self.policy.active_areas().items() if area_id in self.hits
        ]
        client_only = {area_id for area_id, area, hits in found
                       if area.enforced_by_server and self._client_only(hits)}
        backed = [area for area_id, area, hits in found if area_id not in client_only
                  and not _weak_only(area_id, area, list(hits.rules))]
        out = []
        for area_id, area, hits in found:
            risk, weak = (
                _alone(area, backed, "found only in client-side files (`client_side`) or in "
                       "template conditions around an action's link, button or form",
                       f"which show or hide what the server enforces, and no other {area.risk} "
                       "area")
                if area_id in client_only else _strength(area_id, area, list(hits.rules), backed)
            )
            out.append(
                AreaResult(
                    id=area_id,
                    title=area.title,
                    risk=risk,
                    weak_evidence=weak,
                    files=sorted(hits.files),
                    evidence=self.ranking.select(
                        hits.evidence,
                        self.policy.limits.evidence_per_file,
                        self.policy.limits.evidence_per_area,
                    ),
                    evidence_total=hits.total,
                )
            )
        return out

    def _client_only(self, hits: _AreaHits) -> bool:
        """Whether every file that holds the area's evidence runs in the browser, or each
        place of it elsewhere is a template's condition around an action's link, button or
        form (`self.gates`): there a check shows or hides a button, a price or a page, and the
        server's own check decides."""
        spec = self.client_side
        if spec is None:
            return False
        if all(spec.check_file(path).include for path in hits.files):
            return True
        return bool(self.gates) and all(
            place in self.gates for place in hits.lines
            if not spec.check_file(place[0]).include
        )


#: distinct weak rules of an area that corroborate each other
_CORROBORATING = 2


def _weak_rules(area_id: str, area: Area, rules: list[str]) -> bool:
    """Whether every rule that found the area's evidence is one the policy calls weak."""
    if not area.weak and not area.repository:
        return False
    weak = area.weak_keys(area_id)
    return all(rule in weak for rule in rules)


def _weak_only(area_id: str, area: Area, rules: list[str]) -> bool:
    """Whether the area's evidence is weak and uncorroborated: weak rules, fewer than two."""
    return _weak_rules(area_id, area, rules) and len(rules) < _CORROBORATING


def _strength(
    area_id: str, area: Area, rules: list[str], backed: list[Area]
) -> tuple[Risk, str | None]:
    """The risk an area's evidence earns, and why when it rests on weak rules alone.

    A weak rule (`Area.weak`) is one that, alone, mostly fires on changes that are not what the
    area is about (a word like `amount`, a path like `**/*Payment*.cs`). Alone, it puts the area
    one risk lower, unless it is corroborated: by a second rule of the area (a weak keyword in
    a file the area's paths claim), or by another area (`backed`: those with strong or
    corroborated evidence) that makes the change as risky anyway, where naming this area too
    only says what else to review. Decided once per area, after every hit is found.
    """
    if not _weak_rules(area_id, area, rules):
        return area.risk, None
    names = ", ".join(rules)
    if len(rules) >= _CORROBORATING:
        return area.risk, f"weak rules only, but {len(rules)} agree ({names}): counted"
    return _alone(area, backed, f"weak rule only ({names})",
                  f"not corroborated by a second rule of the area or another {area.risk} area")


def _alone(area: Area, backed: list[Area], what: str, unbacked: str) -> tuple[Risk, str]:
    """What evidence that cannot make the change sensitive by itself (`what`) earns: the
    area's risk when another area (`backed`) makes the change as risky anyway, where naming
    this one too only says what else to review; else one risk lower, and why (`unbacked`)."""
    backer = next((other for other in backed if other.risk.rank >= area.risk.rank), None)
    if backer is not None:
        return area.risk, (
            f"{what}, but the change is {area.risk} for {backer.title} anyway: counted"
        )
    lower = area.risk.below
    return lower, f"{what}, {unbacked}: counted as {lower}, not {area.risk}"



def _snippet(text: str, limit: int) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _has_meaningful_change(
    diff: Diff, index: int, change: FileChange, removals: Removals, renames: _Renames,
    metadata: MetadataLines, *, moved_within: bool = False,
) -> bool:
    """Whether a path match counts: binary and uninspected files always do; a renamed file does
    unless its changes only carry out renames the change declares (the file renamed with the
    names in it: `package auth` -> `package authn`, `_Renames`), or it only moved within its
    areas (`moved_within`), where it is judged as an edit; an edit, an added or a deleted file
    only when it changes more than comments, blank lines, package declarations, test-only code
    (`Diff.test_only`: a Rust file's tests module), mechanical hunks, hunks that only import
    names (`name_imports`: a Go or a Java import, a C# using, whose use is a change of its own),
    hunks that only carry out renames the change makes throughout (`_Renames`; a Go package's
    `doc.go`, an empty `__init__.py`, the callers of a renamed method) and hunks of metadata
    (`MetadataLines`: a chart's version and changelog, a Terraform output), and an edit only
    when it does more than delete unused code (`bot.analysis.removal`). A deleted file keeps its
    path's weight (a migration or a workflow deleted changes what runs) unless it held only dead
    code that the change also stops loading by name (`Removals.deleted`)."""
    if not change.inspected or change.binary or change.mode_only:
        return True
    if change.status == "renamed" and not moved_within:
        # renamed in place, or into or out of an area: a hunk must carry out a declared rename
        # and the others only re-format
        # a hunk that changes no code (a docstring or a comment reworded beside the rename) is
        # left aside, as in an edit below
        numbers = range(len(diff.hunks(index)))
        carried_out = [number for number in numbers if (index, number) in renames]
        return not carried_out or not all(
            number in carried_out or diff.cosmetic(index, number)
            or not any(diff.code(item) for item in diff.hunks(index)[number].lines)
            for number in numbers
        )
    if change.status not in ("modified", "added", "removed", "renamed"):
        return True
    if change.status == "modified" and removals.file(index):
        return False
    if change.status == "removed" and removals.deleted(index):
        return False
    # What `Diff.changed_lines` flags, asked hunk by hunk and stopping at the first: whether a
    # hunk only re-formats (the costly question) is asked only of hunks with a line that could
    # count. A hunk header counts only beside a substantive line of its hunk: a hunk that only
    # moves the file's code to another namespace and brings names into scope (`namespace App`
    # -> `namespace Shop.App` beside its `using` lines renamed alike) changes where the code
    # lives, whatever definition stands above it.
    for number, hunk in enumerate(diff.hunks(index)):
        code = [item.text for item in hunk.lines if diff.code(item) and not diff.test_only(item)]
        if (not code or diff.cosmetic(index, number) or (index, number) in renames
                or metadata.hunk(index, number, is_substantive)):
            continue
        rest = [text for text in code if not _NAMESPACE.match(text.lstrip(_BYTE_ORDER_MARK))]
        if rest and not name_imports(change.path, rest):
            return True
    return False


#: source code, as opposed to data (JSON, YAML, a generated API spec)
_CODE_FILE = compile_lazily(
    r"\.(py|pyi|rb|go|rs|java|kt|kts|scala|groovy|cs|fs|vb|php|js|jsx|mjs|cjs|ts|tsx|vue|svelte|"
    r"swift|m|mm|c|cc|cpp|cxx|h|hpp|ex|exs|erl|clj|dart|lua|pl|sh|bash|sql)$"
)


#: a string literal in double or single quotes
_QUOTED = r"""(?:"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*')"""
#: a string literal, or several joined (`'Sign in' . ' now'`): a translation's text. Not code
#: between two strings (`'x' . shell_exec($cmd) . 'y'`), nor a template literal's `${...}`
_TEXT = (
    r"""(?:""" + _QUOTED + r"""|`(?:\\.|[^`\\$]|\$(?!\{))*`)(?:\s*[.+]\s*""" + _QUOTED + ")*"
)
#: a translation entry (its key a name or a string, alone where a formatter put the text on the
#: next line), or what makes a table of them: the brackets and return around it, a constant
#: holding it or the tables of each language by name (`export const all: Translations = { de,
#: en };`), and the import of a sibling module's table
_TRANSLATION_LINE = compile_lazily(
    r"""\s*((""" + _TEXT + r"""|["']?[\w.\- ]+["']?)\s*(=>|:|=)\s*(""" + _TEXT
    + r"""|\[|\{|\()\s*,?|"""
    r"""["']?[\w.\- ]+["']?\s*:|"""
    + _TEXT + r"""\s*,?|return\s*[\[{(]|export\s+default\s*\{|module\.exports\s*=\s*\{|"""
    r"""(export\s+)?(const|let|var)\s+[\w$]+(\s*:\s*[\w$.<>\[\]]+)?\s*=\s*\{"""
    r"""(\s*[\w$]+(\s*,\s*[\w$]+)*\s*,?\s*\}\s*;?)?|"""
    r"""import\s+(type\s+)?[\w${},*\s]+\s+from\s+["']\.\.?/[^"']*["']\s*;?|"""
    r"""<\?php|[\]})]+\s*[,;]?)\s*"""
)


def _translation_entries_only(diff: Diff, index: int) -> bool:
    """Whether every line the file's change adds or removes is a translation entry."""
    return all(
        item.side == "header" or not substantive or _TRANSLATION_LINE.fullmatch(item.text)
        for item, substantive in diff.changed_lines(index)
    )


def under_generated_paths(policy: Policy, paths: Iterable[str]) -> bool:
    """Whether any of these paths lies under the policy's generated-code paths: only then can
    the base's `.gitattributes` change the decision, so only then is it worth reading."""
    spec = matcher_for(policy).generated
    return spec is not None and any(spec.match_file(path) for path in paths)


def sources_wanted(diff: Diff, policy: Policy, limit: int) -> list[int]:
    """The files (indexes, at most `limit`) whose contents can tell the definitions a change is
    made in (`_enclosing_evidence`), for a caller that pays for each file it reads (the App and
    the Action, one API call a version): source code the policy does not exclude, changed in
    place (an added or deleted file's definitions are all new or gone), with a line that can
    carry meaning."""
    matcher = matcher_for(policy)
    if not matcher.guard_rules and not any(r.headers or r.enclosing for r in matcher.rules):
        return []
    excluded = matcher.default_exclude
    wanted: list[int] = []
    for index, change in enumerate(diff.files):
        if len(wanted) >= limit:
            break
        if (change.status in ("modified", "renamed") and change.inspected and not change.binary
                and _CODE_FILE.search(change.path)
                and not excluded.check_file(change.path).include
                and diff.changes_meaning(index)):
            wanted.append(index)
    return wanted


#: a TypeScript source, and what tsc writes from one (JavaScript, declarations)
_TS_SOURCE = compile_lazily(r"(?<!\.d)\.(ts|tsx|mts|cts)$")
_TS_OUTPUT = compile_lazily(r"(\.d)?\.(js|mjs|cjs|ts|mts|cts)$")
#: the folders a TypeScript package's build writes to (its `outDir`, one for each module format)
_OUT_DIRS = frozenset({"build", "dist", "lib", "out", "esm", "cjs", "es", "umd", "types"})


def compiled_from_typescript(paths: Sequence[str]) -> set[int]:
    """The files (indexes) that are tsc's output of a TypeScript source the same change edits:
    tsc writes each file of its `rootDir` to its `outDir` under the same relative path, so a
    package that commits its build (`lib/ts/api/utils.ts` -> `lib/build/api/utils.js`,
    `src/index.ts` -> `dist/esm/index.d.ts`) shows each change twice. The output is known by
    its path: the source's with its root folder swapped for one or two build folders
    (`_OUT_DIRS`) and its extension for JavaScript's or a declaration's."""
    #: (the folders above a source's root, its path below the root) -> the roots' names
    roots: dict[tuple[tuple[str, ...], tuple[str, ...]], set[str]] = {}
    for path in paths:
        source = _TS_SOURCE.search(path)
        if source is not None:
            parts = path[: source.start()].split("/")
            for at in range(len(parts) - 1):
                roots.setdefault((tuple(parts[:at]), tuple(parts[at + 1:])), set()).add(parts[at])
    if not roots:
        return set()
    found: set[int] = set()
    for index, path in enumerate(paths):
        output = _TS_OUTPUT.search(path)
        if output is None or (output[1] is None and output[2] in ("ts", "mts", "cts")):
            continue
        parts = path[: output.start()].split("/")
        for width in (1, 2):
            for at in range(len(parts) - width):
                if not all(part in _OUT_DIRS for part in parts[at:at + width]):
                    continue
                named = roots.get((tuple(parts[:at]), tuple(parts[at + width:])), set())
                if named - {parts[at]}:
                    found.add(index)
    return found


#: a protocol buffer definition, and what protoc's plugins write from one: Go's messages,
#: gRPC stubs, grpc-gateway handlers and validators, Python's `_pb2` modules and their stubs,
#: JavaScript's and TypeScript's `_pb` modules, C++'s sources; the part before is the
#: definition's name
_PROTO_SOURCE = compile_lazily(r"([^/]+)\.proto$")
_PROTO_OUTPUT = compile_lazily(
    r"([^/]+?)(?:_grpc\.pb\.go|\.pb\.gw\.go|\.pb\.validate\.go|_vtproto\.pb\.go|\.pb\.go|"
    r"_pb2(?:_grpc)?\.pyi?|(?:_grpc)?_pb\.(?:js|d\.ts|ts)|\.pb\.(?:cc|h))$"
)


def compiled_from_protobuf(paths: Sequence[str]) -> set[int]:
    """The files (indexes) that are protoc's output of a protocol buffer definition the same
    change edits (`auth.proto` -> `auth.pb.go`, `auth_grpc.pb.go`, `auth.pb.gw.go`,
    `auth_pb2.py`): the definition is the change, and the API contract it is (a `.proto` is
    one) says what it changes; its regenerated stubs repeat it in code nobody writes. The output
    is known by its name, the definition's with a plugin's suffix, in any folder (`go_package`
    and `--go_out` put it where the build wants it)."""
    sources = {found[1] for path in paths if (found := _PROTO_SOURCE.search(path))}
    if not sources:
        return set()
    return {
        index for index, path in enumerate(paths)
        if (found := _PROTO_OUTPUT.search(path)) is not None and found[1] in sources
    }


def _proven_excluded(diff: Diff, matcher: Matcher, attributes: GitAttributes) -> set[int]:
    """Files the policy excludes only on proof: under a generated-code path, data files and the
    code files whose generated-code header the diff shows or that the base's `.gitattributes`
    marks `linguist-generated`; anywhere, tsc's output of a TypeScript source the change also
    edits (`compiled_from_typescript`) and protoc's of a definition it edits
    (`compiled_from_protobuf`); vendored code in a change that also updates a dependency
    manifest or lock file that names its package (`_named_by_manifests`)."""
    paths = [change.path for change in diff.files]
    proven = compiled_from_typescript(paths) | compiled_from_protobuf(paths)

    def generated(index: int) -> bool:
        return (diff.shows_generated_header(index)
                or attributes.generated(diff.files[index].path))

    code_proofs = (
        (matcher.generated, generated),
        (matcher.translations, lambda index: _translation_entries_only(diff, index)),
    )
    for spec, code_proof in code_proofs:
        if spec is not None:
            proven.update(
                index for index, change in enumerate(diff.files)
                if spec.match_file(change.path)
                and (not _CODE_FILE.search(change.path) or code_proof(index))
            )
    vendored = matcher.vendored
    vendor_files = [] if vendored is None else [
        i for i, c in enumerate(diff.files) if vendored.match_file(c.path)
    ]
    if vendor_files:
        # a lock file's changed lines are read only where vendored code may need them
        manifests = [i for i, c in enumerate(diff.files) if MANIFESTS.search(c.path)]
        named = _named_by_manifests(diff, manifests)
        proven.update(
            i for i in vendor_files if _vendored_package_named(diff.files[i].path, named)
        )
    return proven


#: where a vendored package's own path starts: below the last `vendor/` or `third_party/`
_VENDOR_ROOT = compile_lazily(r"(?:^|.*/)(?:vendor|third_party)/")
#: the parts of a path below a vendor root that name no package: hosts of Go module paths,
#: the folders package managers put every package under, source folders (a one-letter part,
#: Go's `golang.org/x/`, names none either)
_NO_PACKAGE = frozenset({
    "github.com", "gitlab.com", "bitbucket.org", "golang.org", "gopkg.in", "google.golang.org",
    "go.opentelemetry.io", "k8s.io", "sigs.k8s.io", "bundle", "ruby", "gems", "src", "lib",
    "pkg", "internal", "dist", "node_modules", "cmd", "composer", "bin", "test", "tests",
})
#: what a manifest's changed lines are split into to read the names they hold
_NAME_SEPARATORS = compile_lazily(r"[^\w.-]+")


def _named_by_manifests(diff: Diff, manifests: Sequence[int]) -> frozenset[str]:
    """The words (lower-cased; a module path split at its slashes) of the lines the change
    adds or removes in its dependency manifests and lock files."""
    words: set[str] = set()
    for index in manifests:
        for _, text in diff.marked_lines(index):
            words.update(_NAME_SEPARATORS.split(text.lower()))
    return frozenset(words)


def _vendored_package_named(path: str, named: frozenset[str]) -> bool:
    """Whether a vendored file's package is one the change's manifests name (`named`): a folder
    below its vendor root (`vendor/github.com/x/auth/login.go`: `auth`) is among their words.
    A hand edit of vendored code beside a bump of another package (go.mod's `x/net` bumped,
    `vendor/github.com/x/auth/login.go` rewritten) is no vendor update: the code counts."""
    root = _VENDOR_ROOT.match(path)
    folders = path[root.end() if root else 0:].lower().split("/")[:-1]
    return any(
        folder in named for folder in folders
        if folder not in _NO_PACKAGE and len(folder) > 1
    )


#: files from which one check of each against every area's patterns together (`Matcher.any_path`)
#: pays for compiling them together: below it, asking each area costs less
_ANY_PATH_FILES = 64


def _path_matches(
    diff: Diff, matcher: Matcher, skip: set[int]
) -> list[tuple[int, list[tuple[str, str, str]]]]:
    """The files an area's path patterns match, each with (area, path, pattern) of its matches:
    its path, or the one it had before a rename."""
    matches: list[tuple[int, list[tuple[str, str, str]]]] = []
    any_path = matcher.any_path if len(diff.files) >= _ANY_PATH_FILES else None
    for index, change in enumerate(diff.files):
        if index in skip:
            continue
        paths = [change.path] + ([change.old_path] if change.old_path else [])
        if any_path is not None and not any(any_path.check_file(path).include for path in paths):
            continue
        if _markup(matcher, change.path):
            continue  # a template's path is not evidence; its lines are read below
        found = [
            (area_id, path, pattern)
            for area_id in matcher.paths
            for path in paths
            if (pattern := matcher.path_match(area_id, path)) is not None
        ]
        if found:
            matches.append((index, found))
    return matches


def _path_evidence(
    diff: Diff, collector: _Adds, matches: list[tuple[int, list[tuple[str, str, str]]]],
    removals: Removals, renames: _Renames, metadata: MetadataLines,
) -> tuple[list[str], list[str], list[str]]:
    """Add the path matches of the files whose change counts; return the paths set aside
    because their only changes carry out declared renames, those set aside because their only
    changes are metadata, and those set aside because their only changes are prose inside code
    (docstrings and block comments, `Diff.in_prose`)."""
    renamed: list[str] = []
    described: list[str] = []
    prosed: list[str] = []
    for index, found in matches:
        if not _has_meaningful_change(
            diff, index, diff.files[index], removals, renames, metadata,
            moved_within=_moved_within(diff.files[index], found),
        ):
            hunks = range(len(diff.hunks(index)))
            if any((index, number) in renames for number in hunks):
                renamed.append(diff.files[index].path)
            elif any(metadata.hunk(index, number, is_substantive) for number in hunks):
                described.append(diff.files[index].path)
            elif any(is_substantive(item.text) and diff.in_prose(item)
                     for hunk in diff.hunks(index) for item in hunk.lines):
                prosed.append(diff.files[index].path)
            continue
        for area_id, path, pattern in found:
            collector.add(
                area_id,
                Evidence(path=path, side="path", rule=f"{area_id}.path", snippet=pattern),
                pattern,
            )
    return renamed, described, prosed


def _moved_within(change: FileChange, found: list[tuple[str, str, str]]) -> bool:
    """Whether a renamed file only moved to another folder of the same areas: its name kept
    (`internal/server/auth/method/http.go` -> `internal/server/authn/method/http.go`), and
    each area its path matches (`found`: area, path, pattern) matching both the old path and
    the new one. It is the same code in the same role; what its hunks change decides, as for
    an edit. A file renamed in place (a migration given another version) or moved into or out
    of an area keeps the rename's weight."""
    old = change.old_path
    if change.status != "renamed" or not old or posixpath.basename(old) != posixpath.basename(
        change.path
    ) or posixpath.dirname(old) == posixpath.dirname(change.path):
        return False
    before = {area for area, path, _ in found if path == old}
    return bool(before) and before == {area for area, path, _ in found if path == change.path}


_MOVED_RUN = 3
#: a line that opens a namespace (`module Devise`, `namespace App\\Billing;`, `package auth`):
#: where code lives, as its path says; not Terraform's `module "vpc" {`, which calls a module
_NAMESPACE = compile_lazily(r"\s*(module|namespace|package)\s+[\w\\]")
#: the mark some editors write before a file's first character (Visual Studio's C# files):
#: no part of the line it opens
_BYTE_ORDER_MARK = "\ufeff"
_FUNCTION = compile_lazily(FUNCTION)
_DEFINITION = compile_lazily(
    r"\b(def|class|func|function|fn|interface|struct|impl|trait|type|enum|record|object|sub|"
    r"proc|procedure|resource|data|module|describe|context)\b|\w\s*\(|=>|^\s*[\w.]+\s*:\s*$|"
    r"\b(const|let|var)\s+[\w$]+\s*=\s*\(\s*$"
)

#: a line at the top level of a file (git's default pattern for a hunk header's line): where a
#: definition starts (`class OfferWizardStepView(FormView):`, `func setAllowed(`, `@app.get`)
_TOP_LEVEL = compile_lazily(r"[A-Za-z_$@]")


def _markup(matcher: Matcher, path: str) -> bool:
    """Whether a file is a template or a UI component (`content_only`): there a hunk header
    names the page or the component a change is made in (`class ForgotPasswordModal`, `function
    SignIn()`), as its path does, and is no evidence either; what the server does with a
    password is elsewhere, and the changed lines are read as in any file."""
    return matcher.content_only is not None and bool(matcher.content_only.match_file(path))


def _header_encloses(diff: Diff, header: ChangedLine) -> bool:
    """Whether a hunk's header names the definition its change is made in (`def
    authenticate(`, `class Refund`, an arrow function whose parameters run on below it: `export
    const apiAccessMiddleware = (`). Not a namespace (`module Devise` is a whole library), nor a
    line that defines nothing (git puts any line there when it finds no definition: a usage
    string, a docstring's sentence), nor the definition above a hunk whose first line of code
    starts another at the top level: a class deleted, added or moved out whole below
    `class OfferListView` is not a change of `OfferListView`."""
    if _NAMESPACE.match(header.text) or not _DEFINITION.search(header.text):
        return False
    first = next((item for item in diff.hunks(header.file)[header.hunk].lines
                  if is_substantive(item.text)), None)
    return first is None or not _TOP_LEVEL.match(first.text)


class _Moves:
    """Code moved within the change: a run of at least three substantive lines on one side
    whose every line appears, white space aside, on the other side of the diff in another hunk
    or file (of `files`: those with a line the pre-filter found).

    One moved line alone is never discounted: a permission check taken out of one view and put
    into another changes both. Nor is a block re-indented within its own hunk: that is code put
    under a new condition, or taken out of one. Blocks moved elsewhere (a function moved to
    another module, a class split out) are what refactors are made of.

    Asked only about the lines the rules matched (`asked`): the lines around each one, and
    where their text went, are looked at then (and whether a hunk only re-formats, only for
    those hunks). Only the texts of those neighbourhoods are indexed on the other side: an
    index of every changed line of every file with a hit was tens of MB on a large diff.
    """

    def __init__(self, diff: Diff, asked: Iterable[ChangedLine]) -> None:
        """Ready to be asked about `asked`; `index` then reads the files to look in."""
        self.diff = diff
        self._rows: dict[tuple[int, str], tuple[array[int], list[ChangedLine]]] = {}
        wanted: dict[str, set[str]] = {"old": set(), "new": set()}  # by the side indexed
        for item in asked:
            other = wanted["new" if item.side == "old" else "old"]
            # the rows of lines line - 2 to line + 2 that exist: one bisection, then in order
            numbers, items = self._rows_of(item.file, item.side)
            at = bisect.bisect_left(numbers, item.line - 2)
            while at < len(numbers) and numbers[at] <= item.line + 2:
                other.add(squash(items[at].text))
                at += 1
        for keys in wanted.values():
            # A blank line is never moved code (`_moved_line` asks `Diff.substantive`), so the
            # blank lines elsewhere, often a tenth of a file's, are not indexed nor looked at.
            keys.discard("")
        self._wanted = wanted
        self._where: dict[str, dict[str, list[ChangedLine]]] = {"old": {}, "new": {}}
        self._present: dict[ChangedLine, bool] = {}
        self._elsewhere_at: dict[ChangedLine, bool] = {}  # `_elsewhere`, once asked
        # The files indexed on a condition (`index`'s `found`): its diff lines, until it is
        # asked, then whether it holds.
        self._conditions: dict[int, list[int] | bool] = {}

    def index(self, file: int, found: list[int] | None = None) -> None:
        """Look for moved code in this file too (its lines whose text a question can ask). With
        `found` (diff lines of the file), what it finds counts only if one of those lines is a
        `counterpart`: asked only when a line elsewhere is first looked for there (most such
        files hold no line any question reaches, and the question reads their hunks as code:
        a fifth of `_moved` on bench/analysis.py's "ordinary" shape)."""
        if found is not None:
            self._conditions[file] = found
        wanted, where = self._wanted, self._where
        for hunk in self.diff.hunks(file):
            for item in hunk.lines:  # "old" or "new": a hunk's lines hold no header
                key = "".join(item.text.split())  # squash(), inlined: every changed line
                if key in wanted[item.side]:
                    where[item.side].setdefault(key, []).append(item)

    def may_find(self, file: int) -> bool:
        """Whether `index` could find anything in this file that counts: a line of code (only
        code counts as moved, `_moved_row`) of a text asked about, on its side. Read from the
        file's raw lines (`Diff.marked_lines`), without parsing it: most files with a
        pre-filter's hit hold none of the lines asked about but blank lines and the like."""
        wanted = self._wanted
        return any(
            "".join(text.split()) in wanted[side] and is_substantive(text)
            for side, text in self.diff.marked_lines(file)
        )

    def _rows_of(self, file: int, side: str) -> tuple[array[int], list[ChangedLine]]:
        """The line numbers of one side of a file's changed lines, growing through its hunks,
        and the lines."""
        rows = self._rows.get((file, side))
        if rows is None:
            items = [item for hunk in self.diff.hunks(file) for item in hunk.lines
                     if item.side == side]
            rows = self._rows[file, side] = (array("q", [item.line for item in items]), items)
        return rows

    def _row(self, file: int, side: str, line: int) -> ChangedLine | None:
        """The changed line at this place of a file, if any (found by bisection: a dict of
        every line was MBs)."""
        numbers, items = self._rows_of(file, side)
        at = bisect.bisect_left(numbers, line)
        return items[at] if at < len(numbers) and numbers[at] == line else None

    def _moved_row(self, file: int, side: str, line: int) -> bool:
        """Whether there is a changed line at this place and it is `_moved_line`."""
        item = self._row(file, side, line)
        return item is not None and self._moved_line(item)

    def _moved_line(self, item: ChangedLine) -> bool:
        """Whether a changed line is substantive and its text is on the other side of the
        change, in another hunk or file."""
        present = self._present.get(item)
        if present is None:
            # Where its text is on the other side first: most lines asked about are nowhere
            # else, and whether a line is substantive is the costlier question (it may compare
            # a whole hunk's sides).
            elsewhere = (
                found for found in self._where["new" if item.side == "old" else "old"].get(
                    squash(item.text), ()
                )
                if (found.file, found.hunk) != (item.file, item.hunk) and self._counts(found.file)
                and not self._reordered(found, item)
            )
            first = next(elsewhere, None)
            present = self._present[item] = first is not None and self.diff.substantive(item) and (
                self.counterpart(first) or any(map(self.counterpart, elsewhere))
            )
        return present

    def _elsewhere(self, item: ChangedLine) -> bool:
        """Whether a changed line's text is on the other side of the change, in another hunk or
        file, not put in another order within its function: what `_moved_line` asks first,
        without asking whether what it finds counts (`_counts`) or is code (`counterpart`),
        the questions that may compare a whole hunk's sides. A line `_moved_line` accepts is
        one of these."""
        found = self._elsewhere_at.get(item)
        if found is None:
            found = self._elsewhere_at[item] = any(
                (other.file, other.hunk) != (item.file, item.hunk)
                and not self._reordered(other, item)
                for other in self._where["new" if item.side == "old" else "old"].get(
                    squash(item.text), ()
                )
            )
        return found

    def _elsewhere_row(self, file: int, side: str, line: int) -> bool:
        """Whether there is a changed line at this place and it is `_elsewhere`."""
        item = self._row(file, side, line)
        return item is not None and self._elsewhere(item)

    def _reordered(self, found: ChangedLine, item: ChangedLine) -> bool:
        """Whether a line's text on the other side is in another hunk of the same function (the
        two hunks' headers are one function's opening line, `func (w *TenantWriter)
        DeleteTenant(`): statements put in another order within one function, not code moved
        elsewhere. A commit taken after the statement it followed, a mutex's release deferred
        before the early returns it preceded, change what the transaction or the lock covers."""
        if found.file != item.file:
            return False
        hunks = self.diff.hunks(item.file)
        header, other = hunks[item.hunk].header, hunks[found.hunk].header
        return (header is not None and other is not None and header.text == other.text
                and _FUNCTION.match(header.text) is not None)

    def _counts(self, file: int) -> bool:
        """Whether what `index` found in a file counts: in a file indexed on a condition, one
        of the lines it was given is a `counterpart` (asked once)."""
        condition = self._conditions.get(file, True)
        if not isinstance(condition, bool):
            condition = self._conditions[file] = any(
                map(self.counterpart, self.diff.lines_at(file, condition)))
        return condition

    def counterpart(self, item: ChangedLine) -> bool:
        """Whether a line holding an asked line's text elsewhere is that code, moved: a
        substantive line, or code of a test-only item (`Diff.test_only`: tests moved out of a
        Rust `#[cfg(test)]` module into a file of their own)."""
        diff = self.diff
        return diff.substantive(item) or (
            diff.test_only(item) and diff.code(item) and not diff.cosmetic(item.file, item.hunk)
        )

    def moved(self, item: ChangedLine) -> bool:
        """Whether a substantive changed line is in a run of at least three moved lines. The
        line itself is asked first, as it is (its row, found by bisection, is the same line):
        most lines asked about are nowhere else, and their neighbours are then not looked up.

        The run is first looked for among the lines whose text is elsewhere at all
        (`_elsewhere`): a line not in such a run is in no run of moved lines, and whether the
        lines it is found at are code (their hunks compared) is not asked. Most lines of a
        large change with a text found elsewhere (`}`, `return nil`, `end`) stand beside lines
        found nowhere else."""
        line = item.line
        found = functools.partial(self._elsewhere_row, item.file, item.side)
        if not self._elsewhere(item) or not (
            (found(line - 1) and (found(line - 2) or found(line + 1)))
            or (found(line + 1) and found(line + 2))
        ):
            return False
        if not self._moved_line(item):
            return False
        at = functools.partial(self._moved_row, item.file, item.side)
        return (
            (at(line - 1) and (at(line - 2) or at(line + 1))) or (at(line + 1) and at(line + 2))
        )


def _swaps_of(hunk: Hunk, kept: Callable[[ChangedLine], bool], python: bool) -> Swaps:
    """`hunk_swaps` of the hunk's lines that `kept` keeps on each side. Each side's lines are
    filtered and tokenised only as far as a swap is still possible (`may_swap`), then, where
    it is, all of them."""
    def side(name: str) -> Iterator[str]:
        return (i.text for i in hunk.lines if i.side == name and kept(i))

    if not may_swap(side("old"), side("new")):
        return NO_SWAPS
    return hunk_swaps(list(side("old")), list(side("new")), python=python)


def _hunk_swaps(diff: Diff, index: int, number: int) -> Swaps:
    """The names a hunk that does more than re-format swaps in its code (`Hunk.code_swaps`): its
    substantive lines' (`Hunk.swaps`, or found now when its comparison did not tokenise it),
    or, where some of them lie inside a docstring or a block comment (`Diff.in_prose`), those
    of the others."""
    hunk = diff.hunks(index)[number]
    # in Python, a module's top-level assignment defines the name it assigns (`hunk_swaps`)
    python = is_python(diff.files[index].path)
    if hunk.code_swaps is None:
        if diff.prose_of(index, number):
            # A definition renamed where its docstring is reworded too (`def is_allowed_authn`
            # -> `def is_locked`, "Return True if ..."): the prose is for people, the code
            # swaps names.
            hunk.code_swaps = _swaps_of(hunk, diff.code, python)
        else:
            if hunk.swaps is None:
                hunk.swaps = _swaps_of(
                    hunk, lambda i: substantive_code(i.text, python=python), python)
            hunk.code_swaps = hunk.swaps
            aliasing = _declared_aliases(hunk) if not hunk.swaps.pairs else frozenset()
            if aliasing:
                # The old name kept as an alias of the new one where the rename is made (`<service
                # id="new.id" alias="old.id" />` added beside the references renamed): the
                # alias declares the rename (`renamed_hunks`), it is not another change.
                hunk.code_swaps = hunk_swaps(*(
                    [i.text for i in hunk.lines
                     if i.side == side and substantive_code(i.text, python=python)
                     and not (side == "new" and i.text in aliasing)]
                    for side in ("old", "new")
                ), python=python)
    return hunk.code_swaps


def _declared_aliases(hunk: Hunk) -> frozenset[str]:
    """The lines a hunk adds that give a name an alias (`aliased_names`), where it adds another
    line beside them (the old name kept beside a rename made in the same hunk); else none.
    Its added lines are read for an alias word first, together: most hunks hold none, and
    then no line of them is asked whether it is substantive (no word holds a line break)."""
    new = [item.text for item in hunk.lines if item.side == "new"]
    joined = "\n".join(new)
    if not any(word in joined for word in ALIAS_WORDS):
        return frozenset()
    added = [text for text in new if is_substantive(text)]
    aliasing = frozenset(text for text in added
                         if any(word in text for word in ALIAS_WORDS) and aliased_names(text))
    return aliasing if any(text not in aliasing for text in added) else frozenset()


@functools.cache
def _alias_lines() -> Any:
    """An added line that may give a name an alias (`aliased_names`), on the diff's bytes."""
    words = "|".join(ALIAS_WORDS).encode()
    return re2.compile(rb"(?m)^\+[^\n]*\b(?:" + words + rb")\b", _options())


#: a name whose definition is worth looking for: an identifier of three characters or more
#: (`i`, `x`, `ok` are everywhere)
_SOUGHT_NAME = compile_lazily(r"[^\W\d]\w{2,}")


#: the size of diff (in characters) past which the definitions of swapped names are not looked
#: for beyond the hunks already asked: the search reads the whole diff, about 3% of the
#: analysis of a 16 MB diff, for a rename that a diff that large rarely turns on
_DEFINITION_SEARCH_CHARS = 4_000_000


class _Renames:
    """The hunks of the change that only carry out renames it makes throughout
    (`bot.analysis.mechanical.renamed_hunks`), as (file, hunk) pairs, worked out when first
    asked from the hunks that can matter: those with a rule's hit (`hits`, called then), those
    of renamed files, whose definitions may be renamed with them without any hit, those of
    the files a path rule matches (`path_files`), up to the first that does more than swap
    names (past it the path counts whatever the others do), and those that define a name the
    others swap without declaring it (`_definitions`).

    Worked out only when a hunk asked about swaps names itself (`_swaps_names`): a hunk that
    swaps none is none of them, whatever the others swap, and in most changes no hunk asked
    about swaps any, so the hunks nobody asks about are never compared (on bench/analysis.py's
    large shapes none of 7,800 hunks swapped names, and a sixth were asked only here).

    `searched` (the pre-filters' search, which finds the hits) runs at the first question all
    the same, as when every question worked the set out: its UTF-8 copy of the diff is then
    made before most hunks are parsed, not beside them (bench/analysis.py's "worst" shape peaked
    at 151-152 MB instead of 149 MB with the search left to the content rules)."""

    def __init__(self, diff: Diff, hits: Callable[[], Iterable[tuple[int, int]]],
                 path_files: Callable[[], Iterable[int]],
                 searched: Callable[[], object] | None = None) -> None:
        self.diff = diff
        self._hits = hits
        self._path_files = path_files
        self._searched = searched
        self._found: set[tuple[int, int]] | None = None

    def __contains__(self, place: tuple[int, int]) -> bool:
        if self._searched is not None:
            searched, self._searched = self._searched, None
            searched()
        if self._found is None:
            if not self._swaps_names(*place):
                return False
            self._found = self._work_out()
        return place in self._found

    def _swaps_names(self, index: int, number: int) -> bool:
        """Whether a hunk swaps names, asked as `_work_out` asks each hunk (whether it only
        re-formats, then what it swaps), so with the same answers: a hunk without a substantive
        line on each side swaps nothing (its code's swaps, or its substantive lines', compare
        two sides), and is not compared. A hunk asked again answers from what it swaps, kept
        on it (`Hunk.code_swaps`, found only for a hunk that does more than re-format)."""
        diff = self.diff
        hunk = diff.hunks(index)[number]
        if hunk.code_swaps is not None:
            return bool(hunk.code_swaps.pairs)
        lines = hunk.lines
        return (
            any(item.side == "old" and is_substantive(item.text) for item in lines)
            and any(item.side == "new" and is_substantive(item.text) for item in lines)
            and not diff.cosmetic(index, number)
            and bool(_hunk_swaps(diff, index, number).pairs)
        )

    def _work_out(self) -> set[tuple[int, int]]:
        diff = self.diff
        renamed_files = {index for index, change in enumerate(diff.files) if change.old_path}
        asked = set(self._hits())
        asked.update(
            (index, number) for index in renamed_files
            for number in range(len(diff.hunks(index)))
        )
        for index in self._path_files():
            for number, hunk in enumerate(diff.hunks(index)):
                if diff.cosmetic(index, number) or not any(
                    is_substantive(item.text) for item in hunk.lines
                ):
                    continue
                asked.add((index, number))
                if not _hunk_swaps(diff, index, number)[0]:
                    break  # a change of its own: the path counts
        places: list[tuple[int, int]] = []
        swaps: list[Swaps] = []

        def ask(hunks: Iterable[tuple[int, int]]) -> None:
            for index, number in sorted(hunks):
                if diff.cosmetic(index, number):
                    continue  # no substantive line
                found = _hunk_swaps(diff, index, number)
                if found.pairs:  # a hunk that swaps no names cannot be a rename's
                    places.append((index, number))
                    swaps.append(found)

        ask(asked)
        if not swaps:
            return set()
        aliases: list[frozenset[str]] = []
        if len(diff.text) <= _DEFINITION_SEARCH_CHARS:
            ask(self._definitions(swaps, asked))
            aliases = self._aliases()
        moves = [(diff.files[i].old_path or "", diff.files[i].path) for i in renamed_files]
        return {places[at] for at in renamed_hunks(swaps, moves, aliases)}

    def _aliases(self) -> list[frozenset[str]]:
        """The names each line of code the change adds to give a name an alias makes one
        (`aliased_names`), found by one search of the diff's added lines (`_alias_lines`)."""
        diff = self.diff
        found: list[frozenset[str]] = []
        for file, lines in diff.hit_lines(_alias_lines()).items():
            found.extend(
                aliased_names(item.text) for item in diff.lines_at(file, lines)
                if item.side == "new" and diff.code(item)
            )
        return found

    def _definitions(self, swaps: Sequence[Swaps], asked: set[tuple[int, int]]
                     ) -> set[tuple[int, int]]:
        """The hunks not yet asked about that remove a line defining a name the asked ones swap
        without declaring it (`defines`): where that rename may be declared (an extension
        method renamed where no rule reads, its callers in a controller a rule reads). Found
        by one search of the diff's removed lines (`definitions_pattern`), then only the lines
        it finds tokenised, and only the files where one defines a name parsed."""
        declared = {a for found in swaps for a, _ in found.declared | found.scoped}
        names = sorted(
            {a for found in swaps for a, _ in found.pairs if _SOUGHT_NAME.fullmatch(a)} - declared
        )
        if not names:
            return set()
        # names are word characters only (`_SOUGHT_NAME`): nothing to escape
        pattern = re2.compile(definitions_pattern(names), _options())
        sought = frozenset(names)
        diff = self.diff
        found: set[tuple[int, int]] = set()
        for file, lines in diff.hit_lines(pattern).items():
            # each line read as text first: a file is parsed only if one of them defines a name
            defining = [line for line in lines if defines(diff.row(line)[1:], sought)]
            if defining:
                found.update((file, item.hunk) for item in diff.lines_at(file, defining)
                             if item.side == "old")
        return found - asked


def _moved(
    diff: Diff, rules: _LineRules, found: dict[int, list[int]], hits: list[ChangedLine],
    renames: _Renames,
) -> set[ChangedLine]:
    """The hits that are moved code (`_Moves`) or in hunks that only carry out declared
    renames (`_Renames`), hunk headers included. Apart, so that their indexes are freed before
    the evidence is built: on a large diff they are tens of MB."""
    asked = {item.file for item in hits}
    movable = [item for item in hits if item.side != "header"]
    moves = _Moves(diff, movable)
    for file in asked:
        moves.index(file)
    for file, lines in found.items():
        if file in asked:
            continue
        # A file no rule reads (a test, a doc), or one whose lines found are no evidence (a
        # Rust test module's), is read only to find code moved from or to it, and parsed only
        # if it holds a line asked about; the parsed hunks of a file no rule reads are not kept
        # (a test suite's are tens of MB on a large diff).
        # Its lines count only if a line found there is code moved (`_Moves.index`).
        if moves.may_find(file):
            moves.index(file, lines)
        if not rules.allowed(file):
            diff.forget(file)
    moved = {item for item in movable if moves.moved(item)}
    # asked once a hunk, not once a hit: a hunk that swaps no names is asked again from the
    # start (its lines read for a substantive one on each side), and most hunks hold two hits
    # or more (bench/analysis.py's worst shape: 15,800 hits in 6,500 hunks)
    renamed = {place for place in dict.fromkeys((item.file, item.hunk) for item in hits)
               if place in renames}
    return moved | {item for item in hits if (item.file, item.hunk) in renamed}


class _GuardReaders:
    """Which guard rules may read each file of a diff, asked once per file."""

    def __init__(self, diff: Diff, matcher: Matcher) -> None:
        self.diff = diff
        self.matcher = matcher
        self._readable: dict[int, list[tuple[str, tuple[str, ...]] | None]] = {}

    def __call__(self, file: int) -> list[tuple[str, tuple[str, ...]] | None]:
        """Each guard rule's (area, kinds) if it may read this file, else None."""
        found = self._readable.get(file)
        if found is None:
            path = self.diff.files[file].path
            found = self._readable[file] = [
                (area, kinds) if (files is None or files.check_file(path).include)
                and not self.matcher.excluded(area, path) else None
                for area, kinds, files in self.matcher.guard_rules
            ]
        return found

    def read_any(self, skip: set[int]) -> bool:
        """Whether a guard rule may read a changed line of a file not skipped (none may in a
        change of tests, style sheets or docs)."""
        return bool(self.matcher.guard_rules) and any(
            (change.additions or change.deletions) and any(self(index))
            for index, change in enumerate(self.diff.files)
            if index not in skip and change.inspected
        )


class _Searches:
    """The diff lines the pre-filters find, by file, each search run when first asked: the
    content rules' (in the files not skipped whose content was read) and the guard rules'.
    Where both are to be asked, the first search runs both, in one UTF-8 copy of the diff
    (`Diff.hit_lines_apart`): the guard rules' own copy, made later, came when the most hunks
    were parsed and was the peak of a large diff's memory (16 MB over 139 MB on
    bench/analysis.py's worst shape)."""

    def __init__(self, diff: Diff, matcher: Matcher, skip: set[int],
                 guards_wanted: Callable[[], bool]) -> None:
        self.diff = diff
        self.matcher = matcher
        self.skip = skip
        self._guards_wanted = guards_wanted
        self._content: dict[int, list[int]] | None = None
        self._guards: dict[int, list[int]] | None = None

    @functools.cached_property
    def _held(self) -> dict[int, list[str]] | None:
        """`Matcher.held` of the diff's text, asked once for both searches (None: the diff is
        too large to narrow them)."""
        text = self.diff.text
        return self.matcher.held(text) if len(text) < _NARROW_BELOW else None

    def content(self) -> dict[int, list[int]]:
        if self._content is None:
            diff, matcher = self.diff, self.matcher
            both = self._guards is None and self._guards_wanted()
            groups: list[Sequence[Any]] = []
            if matcher.prefilter_rules:
                groups.append(matcher.prefilters_of(diff.text, self._held))
            guards = matcher.guard_search_of(diff.text, self._held) if both else None
            if guards is not None:
                groups.append((guards,))
            found = diff.hit_lines_apart(*groups) if groups else []
            if both:
                self._guards = found.pop() if guards is not None else {}
            self._content = {
                file: lines for file, lines in (found[0] if found else {}).items()
                if file not in self.skip and diff.files[file].inspected
            }
        return self._content

    def guards(self) -> dict[int, list[int]]:
        if self._guards is None:
            search = self.matcher.guard_search_of(self.diff.text, self._held)
            self._guards = {} if search is None else self.diff.hit_lines(search)
        return self._guards


def _hit_hunks(
    diff: Diff, rules: _LineRules, found: dict[int, list[int]]
) -> Iterator[tuple[int, int]]:
    """(file, hunk) of each changed line the pre-filters found where a rule may read it."""
    for file, lines in found.items():
        if rules.allowed(file):
            for item in diff.lines_at(file, lines):
                yield file, item.hunk


def _rules_read(diff: Diff, rules: _LineRules, skip: set[int]) -> bool:
    """Whether a content rule may read a changed line of a file not skipped."""
    return any(
        (change.additions or change.deletions or diff.hunks(index)) and rules.allowed(index)
        for index, change in enumerate(diff.files)
        if index not in skip and change.inspected
    )


def _block_move_evidence(
    diff: Diff, rules: _LineRules, collector: _Adds, skip: set[int],
    found_lines: Callable[[], dict[int, list[int]]], removals: Removals,
) -> None:
    """Add, for a line a hunk moves into or out of a block (`Diff.moved_across`), what the
    content rules find on the block's unchanged opening line (the pre-filters found it,
    `found_lines`): `order.save()` moved out of `with transaction.atomic():`, a `return 403`
    or `project.destroy()` moved past the `}` of `if (!req.user.isAdmin) {`. The line keeps
    its text, so no rule finds it, and the block's line is unchanged, so none counts it; what
    the line does is now done outside, or only inside, what the block decides. Searched
    only where `_content_evidence` searches."""
    if not _rules_read(diff, rules, skip):
        return
    limit = rules.matcher.policy.limits.snippet_chars
    anchors = HeadLines(diff)
    for file, lines in found_lines().items():
        if file in skip or not rules.allowed(file):
            continue
        openings = diff.hunk_numbers_at(file, lines, unchanged=True)
        if not openings:
            continue
        hit = set(openings)
        path = diff.files[file].path
        for number in sorted(set(openings.values())):
            for item, opening_at, opening in diff.moved_across(file, number):
                if opening_at not in hit or removals.line(item):
                    continue
                moved = "out of" if item.side == "old" else "into"
                text = f"moved {moved} `{opening.strip()}`: {item.text.strip()}"
                for rule in rules.of(without_copy(opening.rstrip("\n")), file):
                    if rule.comments:
                        continue
                    collector.add(rule.area, Evidence(
                        path=path, line=item.line, side=item.side, rule=rule.id,
                        snippet=_snippet(text, limit),
                        head_line=anchors.of(file, item.line) if item.side == "old" else None,
                    ))


def _content_evidence(
    diff: Diff, rules: _LineRules, collector: _Adds, skip: set[int],
    found_lines: Callable[[], dict[int, list[int]]], removals: Removals, renames: _Renames,
    metadata: MetadataLines,
) -> tuple[int, int, int]:
    """Add what the content rules find (on the lines the pre-filters find, `found_lines`,
    asked only when a rule may read a changed file); return how many
    lines they matched that were not counted because the code was only re-formatted, respelt,
    re-worded, renamed or moved, how many because they are metadata (`MetadataLines`; the
    header of a hunk of metadata alone is not read either), and how many because they are
    prose inside code (`Diff.in_prose`: a docstring's or a block comment's lines that read as
    code, `Args:`, `user (User): ...`).

    A file no rule may read (excluded for every area: a test, a style sheet) is read only if
    code may have moved from or to it.
    """
    matcher = rules.matcher
    if not _rules_read(diff, rules, skip):
        # No rule may read a line of this diff (all style sheets, tests or docs): what the
        # pre-filter would find there could only be looked at for code moved to or from a
        # line a rule read.
        return 0, 0, 0
    limit = matcher.policy.limits.snippet_chars
    anchors = HeadLines(diff)  # where removed lines sit in the head file
    found = found_lines()
    hits: list[ChangedLine] = []
    mechanical: list[ChangedLine] = []
    described: list[ChangedLine] = []
    prose: list[ChangedLine] = []
    comments: list[ChangedLine] = []
    intent = StatedIntent(diff)
    for file, lines in found.items():
        if not rules.allowed(file):
            continue
        for item in diff.lines_at(file, lines):
            if item.side == "header" and metadata.hunk(file, item.hunk, is_substantive):
                continue
            substantive = diff.substantive(item)
            if substantive and metadata.line(file, item.side, item.line):
                described.append(item)
            elif substantive:
                hits.append(item)
            elif item.side != "header" and is_substantive(item.text):
                # inside a docstring or a block comment, or code in a hunk that keeps behaviour
                (prose if diff.in_prose(item) else mechanical).append(item)
            elif intent.candidate(item):
                comments.append(item)  # what a change of code says it is for
    moved = _moved(diff, rules, found, hits, renames) if hits else set()
    mechanical += [item for item in hits if item in moved]
    stated = intent.not_moved(comments)
    # The texts asked below (`rules.of`), worked out together (`_LineRules.ask`). A line
    # `ask` would drop is not blanked for it (`without_copy` never lengthens a line): on a
    # minified bundle's lines of 100-900 kB, blanking is slow (0.6 s of CPU for bench/
    # analysis.py's "bundle" shape), and the loop below blanks them again.
    rules.ask(item.text for items in (mechanical, described, prose) for item in items)
    rules.ask(
        without_copy(item.text.rstrip("\n"), markup=item.side != "header"
                     and MARKUP.search(diff.files[item.file].path) is not None)
        for item in [*hits, *stated] if item not in moved and rules.asks(item.text)
    )
    uncounted, described_count, prose_count = (sum(
        any(not rule.comments for rule in rules.of(item.text, item.file)) for item in items
    ) for items in (mechanical, described, prose))
    imported: dict[tuple[int, int], dict[str, set[str]]] = {}  # `_names_imported`, by hunk
    paired: dict[tuple[int, int], dict[ChangedLine, ChangedLine]] = {}  # `_pairs`, by hunk
    for is_comment, item in [(False, item) for item in hits] + [(True, item) for item in stated]:
        if item in moved:
            continue
        path = diff.files[item.file].path
        if item.side == "header" and (not _header_encloses(diff, item)
                                      or _markup(matcher, path)):
            continue
        if item.side != "header" and _NAMESPACE.match(item.text):
            continue  # `module Pundit`, `namespace App\Billing;`: where code lives, as a path
        text = item.text.rstrip("\n")
        if not is_comment and item.side != "header" and _names_imported(
            diff, item, text, path, imported
        ):
            continue  # the use of the names is the evidence, where it is
        markup = item.side != "header" and MARKUP.search(path) is not None
        matched = [
            rule for rule in rules.of(without_copy(text, markup=markup), item.file,
                                      header=item.side == "header")
            # comment rules read comments, the others code (header rules headers)
            if rule.comments == is_comment
        ]
        if not matched or removals.line(item):
            continue  # nothing found, or found in unused code deleted whole
        if any(rule.where_changed for rule in matched):
            matched = _changed_where(diff, rules, item, text, matched, paired)
        for rule in matched:
            collector.add(
                rule.area,
                Evidence(
                    path=path,
                    line=item.line,
                    side=item.side,
                    rule=rule.id,
                    snippet=_snippet(text, limit),
                    head_line=anchors.of(item.file, item.line) if item.side == "old" else None,
                ),
            )
    rules.forget()
    return uncounted, described_count, prose_count


def _changed_where(diff: Diff, rules: _LineRules, item: ChangedLine, text: str,
                   matched: list[_Rule],
                   paired: dict[tuple[int, int], dict[ChangedLine, ChangedLine]]) -> list[_Rule]:
    """`matched` without the `where_changed` rules that the part of a line its rewrite changes does
    not match, where the line is rewritten as one other line (the only removed and the only
    added line of a run of changed lines, `_pairs`): an argument added beside a credential
    passed on (`Client(api_key=key)` -> `Client(api_key=key, retries=3)`) leaves the credential
    as it was. The changed part is read whole words wide."""
    key = (item.file, item.hunk)
    pairs = paired.get(key)
    if pairs is None:
        hunk = diff.hunks(item.file)[item.hunk]
        pairs = paired[key] = _pairs(hunk.lines, hunk.starts)
    other = pairs.get(item)
    if other is None:
        return matched
    changed = _changed_part(text, other.text.rstrip("\n"))
    found = {rule.id for rule in rules.of(changed, item.file)} if changed.strip() else set()
    return [rule for rule in matched if not rule.where_changed or rule.id in found]


def _pairs(lines: Iterable[ChangedLine], starts: tuple[int, int]) -> dict[ChangedLine, ChangedLine]:
    """The lines of a hunk rewritten one for one: each line of a run of changed lines that
    removes one line and adds one, with the other."""
    runs: dict[int, list[ChangedLine]] = {}
    counts = {"old": 0, "new": 0}
    for line in lines:
        if line.side == "header":
            continue
        # the unchanged lines before it: the same on both sides of one run
        runs.setdefault(line.line - starts[line.side == "new"] - counts[line.side], []).append(line)
        counts[line.side] += 1
    pairs: dict[ChangedLine, ChangedLine] = {}
    for run in runs.values():
        if len(run) == 2 and {line.side for line in run} == {"old", "new"}:
            pairs[run[0]], pairs[run[1]] = run[1], run[0]
    return pairs


def _changed_part(text: str, other: str) -> str:
    """The part of `text` that differs from `other`, widened to whole words where it starts or
    ends inside one: what is left between their common start and their common end."""
    start = 0
    limit = min(len(text), len(other))
    while start < limit and text[start] == other[start]:
        start += 1
    end = 0
    while end < limit - start and text[-1 - end] == other[-1 - end]:
        end += 1
    stop = len(text) - end
    # a change that starts or ends inside a word changes the word
    if start < len(text) and _word_char(text[start]):
        while start > 0 and _word_char(text[start - 1]):
            start -= 1
    if stop > 0 and _word_char(text[stop - 1]):
        while stop < len(text) and _word_char(text[stop]):
            stop += 1
    return text[start:stop]


def _word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


def _fork_evidence(diff: Diff, matcher: Matcher, collector: _Adds, skip: set[int]) -> None:
    """Add what the rules that read forks (`forks: true`) find: in each go.mod they may read,
    a module required from another owner in place of one of the same name
    (bot/analysis/forks.py), found at the added requirement and named with the one it
    replaces. The pair is the evidence whatever the rest of the change renames: the imports
    moved to the fork across the code are what a fork asks of it."""
    readers = [rule for rule in matcher.rules if rule.forks]
    if not readers:
        return
    limit = matcher.policy.limits.snippet_chars
    for index, change in enumerate(diff.files):
        path = change.path
        if index in skip or GO_MOD.search(path) is None:
            continue
        reading = [rule for rule in readers if matcher.reads(rule, path)]
        if not reading:
            continue
        lines = [item for hunk in diff.hunks(index) for item in hunk.lines]
        found = forks([item.text for item in lines if item.side == "old"],
                      [(item.line, item.text) for item in lines if item.side == "new"])
        for fork in found:
            for rule in reading:
                collector.add(rule.area, Evidence(
                    path=path, line=fork.line, side="new", rule=rule.id,
                    snippet=_snippet(fork.describe(), limit),
                ))


def _names_imported(diff: Diff, item: ChangedLine, text: str, path: str,
                    imported: dict[tuple[int, int], dict[str, set[str]]]) -> bool:
    """Whether a changed line of a JavaScript or TypeScript file only imports names from a
    module of the project (`script_import`) and its hunk imports no other module under the same
    names on the other side. A sensitive word there is where a module lives in the project, as
    a path (`from '@/access-control/types'`), or what a name is called; the code that uses the
    names is a line of its own, and is evidence there. An import from a package still counts (a
    session store, a raw-HTML plugin adopted), as Go's and Java's import lines do, and so does
    an import swapped for another module's under the same names (a sanitiser taken from
    elsewhere): the swap is the change. `imported` keeps the names each side of a hunk imports,
    worked out once per hunk."""
    names = script_import(path, text)
    if names is None:
        return False
    sides = imported.get((item.file, item.hunk))
    if sides is None:
        sides = imported[item.file, item.hunk] = {"old": set(), "new": set()}
        for line in diff.hunks(item.file)[item.hunk].lines:
            if line.side != "header":
                found = script_import(path, line.text.rstrip("\n"))
                if found is not None:
                    sides[line.side].add(found)
    return names not in sides["old" if item.side == "new" else "new"]


def _guard_evidence(
    diff: Diff, matcher: Matcher, collector: _Adds, skip: set[int], removals: Removals,
    allowed: _GuardReaders, found_lines: dict[int, list[int]],
) -> None:
    """Add the changes of control flow the guard rules name a subject of (`bot.analysis.guards`):
    their own search (`found_lines`) finds the changed lines that name a subject and decide or
    exit, and the hunk headers and the unchanged lines opening a function that name one (the
    changed lines in such a function count as naming it: `_shown_definitions`), and the hunks
    of a file whose name names one read as if their headers did (`_named_by_file`); only their
    hunks are read (most such files have no other hit, and parsing all of each was most of the
    cost), and a change in a hunk that only re-formats is not counted. Asked only where a guard
    rule may read a file (`_GuardReaders.read_any`)."""
    limit = matcher.policy.limits.snippet_chars
    anchors = HeadLines(diff)
    hits: list[Hit] = []
    hunks: dict[tuple[int, int], Hunk] = {}
    showing: set[tuple[int, int]] = set()  # hunks that show a function naming a subject
    for file, lines in found_lines.items():
        if file in skip or not diff.files[file].inspected or not any(allowed(file)):
            continue
        located: dict[int, ChangedLine] = {}
        unchanged: list[int] = []  # the unchanged lines opening a function
        for line in lines:
            if line not in located:
                found = diff.hunk_at(file, line)
                if found is not None:
                    hunk, at = found
                    located.update(at)
            item = located.get(line)
            if item is None:
                unchanged.append(line)
                continue
            if item.side == "header" and not _header_encloses(diff, item):
                continue
            hunks[file, item.hunk] = hunk
            for index in matcher.guard_set.Match(without_copy(item.text)) or ():
                rule = allowed(file)[index]
                if rule is not None:
                    hits.append((*rule, item))
        if unchanged:
            showing.update((file, number) for number in diff.hunk_numbers_at(file, unchanged)
                           .values())
    for hit, hunk in _named_by_file(diff, matcher, skip, allowed):
        hits.append(hit)
        hunks[hit[2].file, hit[2].hunk] = hunk
    inside: dict[ChangedLine, Definition] = {}
    for file, number in sorted(showing):
        hunk = diff.hunks(file)[number]
        # What a check hands back, under its unchanged condition naming the subject: only the
        # outcome (an outcome rule's), as the condition's own lines did not change. A condition
        # is matched once, however many changed lines stand under it.
        under = (shown_conditions(diff.hunk_rows(file, number), hunk.lines)
                 if matcher.reads_outcomes else {})
        outcome_areas: dict[str, list[str]] = {}
        for item, opening in under.items():
            if opening not in outcome_areas:
                readers = (allowed(file)[index]
                           for index in matcher.guard_set.Match(without_copy(opening)) or ())
                outcome_areas[opening] = [rule[0] for rule in readers
                                          if rule is not None and OUTCOME_CHANGED in rule[1]]
            for area in outcome_areas[opening]:
                hits.append((area, (OUTCOME_CHANGED,), item))
                hunks[file, number] = hunk
        for item, definition in _shown_definitions(diff, file, number).items():
            # Every kind the area reads, as on a line naming the subject: the function is known
            # to enclose the line (a hunk header is git's guess, and may name the one before).
            for index in matcher.guard_set.Match(without_copy(definition.text)) or ():
                rule = allowed(file)[index]
                if rule is not None:
                    hits.append((rule[0], rule[1], item))
                    hunks[file, number] = hunk
                    inside[item] = definition
    for area, kind, item, note in guard_hits(diff, hits, hunks):
        if not diff.substantive(item):
            continue  # in a hunk that only re-formats (asked last: it reads the whole file)
        if removals.line(item):
            continue  # in unused code deleted whole
        text = item.text.rstrip("\n")
        if note:
            text = f"{note}: {text.strip()}"
        collector.add(area, Evidence(
            path=diff.files[item.file].path, line=item.line, side=item.side,
            rule=f"{area}.{kind}",
            snippet=_inside(text, inside[item], limit) if item in inside
            else _snippet(text, limit),
            head_line=anchors.of(item.file, item.line) if item.side == "old" else None,
        ))


def _named_by_file(diff: Diff, matcher: Matcher, skip: set[int], allowed: _GuardReaders
                   ) -> Iterator[tuple[Hit, Hunk]]:
    """A hunk header's hit, for a changed condition, on each hunk of a file named for a guard
    rule's subject (`session.rs`, `permissions.py`, `PaymentService.java`): the file is the
    definition all its code is in, as the function a hunk header names is that of the hunk's
    lines, and a condition changed anywhere in it decides about what its name says. Only the
    file's name (its extension aside), not its folders: `auth/views.py` holds views."""
    for file, change in enumerate(diff.files):
        if file in skip or not change.inspected:
            continue
        # the name first: one match, where which rules may read the file is one file-pattern
        # check per guard rule, on every file of a large diff
        named = matcher.guard_set.Match(posixpath.splitext(posixpath.basename(change.path))[0])
        if not named:
            continue
        readers = allowed(file)
        rules = [rule for rule in (readers[at] for at in named)
                 if rule is not None and CONDITION_CHANGED in rule[1]]
        if not rules:
            continue
        for number, hunk in enumerate(diff.hunks(file)):
            header = ChangedLine(file, "header", hunk.starts[1], change.path, number)
            for area, _ in rules:
                yield (area, (CONDITION_CHANGED,), header), hunk


def _shown_definitions(diff: Diff, file: int, number: int) -> dict[ChangedLine, Definition]:
    """The function each changed line of a hunk is in, where the hunk shows it as an unchanged
    line above (what a hunk header names when git finds it: `def authorized?` shown three lines
    above `if token.application_id?`, its header naming only `module Doorkeeper`), read by
    indentation from the hunk's lines of each side; its line numbered as in the file. Not a
    class a line is directly in: its name says what it is, not what each line decides."""
    from bot.analysis.enclosing import Outline

    hunk = diff.hunks(file)[number]
    rows = diff.hunk_rows(file, number)
    changed = iter(hunk.lines)
    sides: dict[str, tuple[list[str], dict[int, ChangedLine]]] = {
        "old": ([], {}), "new": ([], {})}
    for row in rows:
        marker = row[:1]
        if marker == " ":
            for texts, _ in sides.values():
                texts.append(row[1:])
        elif marker in ("+", "-"):
            item = next(changed)
            texts, at = sides[item.side]
            texts.append(row[1:])
            at[len(texts)] = item
    found: dict[ChangedLine, Definition] = {}
    for side, (texts, at) in sides.items():
        if not at:
            continue  # no changed line on this side (a hunk that only adds, or only removes)
        outline = Outline("\n".join(texts))
        first = hunk.starts[side == "new"]
        for place, item in at.items():
            around = outline.around(place)
            if around and around[0].line not in at and _FUNCTION.match(around[0].text):
                found[item] = around[0].at(first + around[0].line - 1)
    return found


#: how much of a definition's line the evidence shows
_DEFINITION_SHOWN = 60


def _inside(text: str, definition: Definition, limit: int) -> str:
    """The evidence's snippet for a line inside a definition: where, then what."""
    name = _snippet(definition.text, _DEFINITION_SHOWN)
    return _snippet(f"inside `{name}` (line {definition.line}): {text.strip()}", limit)


class _Enclosures:
    """The definitions the changed lines of one file are in, from its contents (head for added
    lines, base for removed ones): only those the change leaves in place (a line of a new or
    deleted definition is new or deleted code, not a change inside one), and no namespace
    (`module Devise` is a whole library)."""

    def __init__(self, diff: Diff, index: int, source: SourceFile) -> None:
        self._texts = {"new": source.head, "old": source.base}
        self._outlines: dict[str, Outline | None] = {}
        self._changed: dict[str, set[int]] = {"new": set(), "old": set()}
        for hunk in diff.hunks(index):
            for item in hunk.lines:
                self._changed[item.side].add(item.line)

    def of(self, item: ChangedLine) -> list[Definition]:
        from bot.analysis.enclosing import Outline

        side = item.side
        if side not in self._outlines:
            text = self._texts.get(side)
            self._outlines[side] = Outline(text) if text else None
        outline = self._outlines[side]
        found: list[Definition] = []
        for definition in outline.around(item.line) if outline is not None else ():
            if definition.line in self._changed[side]:
                return []
            if not _NAMESPACE.match(definition.text):
                found.append(definition)
        return found


def _renames(hunk: Hunk) -> bool:
    """Whether a hunk only renames a name it brings in, at two places or more (`strategy` ->
    `authentication_method`, declared and read): the same code under a new name. Not an
    argument swapped (`check(a, b)` -> `check(b, a)`, its names all there before), nor one
    name swapped once (`is_admin` -> `is_staff`)."""
    old, new = (tokens([i.text for i in hunk.lines if i.side == side and is_substantive(i.text)])
                for side in ("old", "new"))
    if not old or len(old) != len(new):
        return False
    pairs = Counter((a, b) for a, b in zip(old, new, strict=True) if a != b)
    if not pairs or not all(a.isidentifier() and b.isidentifier() for a, b in pairs):
        return False
    known = set(old)
    return any(count >= 2 and b not in known for (_, b), count in pairs.items())


def _enclosing_evidence(
    diff: Diff, matcher: Matcher, collector: _Collector, skip: set[int],
    sources: Sequence[SourceFile], renames: _Renames,
) -> None:
    """Add what the definitions a changed line is in say of it, where the caller gave the
    file's contents: rules that read hunk headers or definitions (`headers`, `enclosing`) on
    each definition and its decorators, for a line of code that acts (decides, exits, calls or
    assigns: `bot.analysis.enclosing.acts`) in a hunk that does more than re-format; and guard
    rules on them, for a change of control flow made inside (`bot.analysis.guards`)."""
    # Only here: its parsers cost every start a few ms, and most scans give no contents.
    from bot.analysis.enclosing import acts

    by_path = {source.path: source for source in sources}
    rules = _LineRules(matcher, diff)
    limit = matcher.policy.limits.snippet_chars
    anchors = HeadLines(diff)
    for index, change in enumerate(diff.files):
        source = by_path.get(change.path)
        if source is None or index in skip or not change.inspected:
            continue
        guard_rules = [
            (area, kinds) if (files is None or files.check_file(change.path).include)
            and not matcher.excluded(area, change.path) else None
            for area, kinds, files in matcher.guard_rules
        ]
        if not rules.allowed(index) and not any(guard_rules):
            continue
        enclosures = _Enclosures(diff, index, source)
        hits: list[Hit] = []
        hunks: dict[tuple[int, int], Hunk] = {}
        inside: dict[ChangedLine, Definition] = {}
        for number, hunk in enumerate(diff.hunks(index)):
            acting = [item for item in hunk.lines
                      if diff.code(item) and acts(without_copy(item.text))]
            if (not acting or diff.cosmetic(index, number) or _renames(hunk)
                    or (index, number) in renames):
                continue
            for item in acting:
                definitions = enclosures.of(item)
                for depth, definition in enumerate(definitions):
                    # a class's decorators and attributes are about the class (how it is
                    # registered or routed), not what each line in it does
                    for text in definition.texts if depth == 0 else (definition.text,):
                        for rule in rules.definitions(text, index):
                            collector.add(rule.area, Evidence(
                                path=change.path, line=item.line, side=item.side,
                                rule=rule.id, snippet=_inside(item.text, definition, limit),
                                head_line=anchors.of(index, item.line)
                                if item.side == "old" else None,
                            ))
                if definitions and matcher.guard_set is not None:
                    # As for a hunk header: the function the line is in (not the class around
                    # it: `class CustomerPayments` names a report, not what its lines decide),
                    # and only a changed condition.
                    inside[item] = definitions[0]
                    for at in matcher.guard_set.Match(definitions[0].text) or ():
                        rule = guard_rules[at]
                        if rule is not None and CONDITION_CHANGED in rule[1]:
                            hits.append((rule[0], (CONDITION_CHANGED,), item))
                            hunks[index, number] = hunk
        for area, kind, item, _ in guard_hits(diff, hits, hunks):
            shown = inside.get(item) or next(iter(enclosures.of(item)), None)
            if shown is None:
                continue  # the condition's other side, in a new definition
            collector.add(area, Evidence(
                path=change.path, line=item.line, side=item.side, rule=f"{area}.{kind}",
                snippet=_inside(item.text, shown, limit),
                head_line=anchors.of(index, item.line) if item.side == "old" else None,
            ))


def _owner_evidence(
    diff: Diff, matcher: Matcher, collector: _Adds, skip: set[int], owners: CodeOwners,
    removals: Removals, renames: _Renames, metadata: MetadataLines,
) -> None:
    """A file the CODEOWNERS file gives to one of an area's `owners` counts toward the area as
    a path match does (the same exclusions, and only for a change that is more than comments)."""
    from bot.analysis.codeowners import normalise_owner  # there are owners: it is imported

    wanted = {
        area_id: {normalise_owner(o) for o in area.owners}
        for area_id, area in matcher.policy.active_areas().items()
        if area.owners
    }
    if not wanted:
        return
    for index, change in enumerate(diff.files):
        if index in skip or _markup(matcher, change.path):
            continue
        meaningful = _asked_once(diff, index, change, removals, renames, metadata)
        for path in [change.path] + ([change.old_path] if change.old_path else []):
            rule = owners.rule_for(path)
            if rule is None or not rule.owners:
                continue
            have = {normalise_owner(o) for o in rule.owners}
            for area_id, names in wanted.items():
                if not have & names or matcher.excluded(area_id, path):
                    continue
                if not meaningful():
                    continue
                collector.add(area_id, Evidence(
                    path=path, side="path", rule=f"{area_id}.owners",
                    snippet=f"{rule.pattern} {' '.join(rule.owners)} ({owners.name} line "
                            f"{rule.line})",
                ))


def _asked_once(
    diff: Diff, index: int, change: FileChange, removals: Removals, renames: _Renames,
    metadata: MetadataLines,
) -> Callable[[], bool]:
    """`_has_meaningful_change` of a file, asked when first needed and then remembered: the
    evidence that names a file for its owners or its repository asks it only of a file some
    area would claim, and at most once however many areas do."""
    return functools.cache(
        lambda: _has_meaningful_change(diff, index, change, removals, renames, metadata))


#: where a repository's name breaks into words: any mark, and a lower-case letter or a digit
#: before a capital (`PyJWT`, `OmniAuth`, `stripe-go`, `action_policy`)
_NAME_BREAK = compile_lazily(r"[^A-Za-z0-9]+|([a-z0-9])([A-Z])")


def repository_words(repository: str) -> list[str]:
    """The words of a repository's name (`owner/name`: the name's), lower-cased."""
    name = repository.rsplit("/", 1)[-1]
    return [w for w in _NAME_BREAK.sub(r"\1 \2", name).lower().split() if w]


@functools.lru_cache(maxsize=256)
def _repository_word(pattern: str) -> Any:
    """An area's `repository` word compiled, once per process: each decision asks them all."""
    return re2.compile(f"(?:{pattern})")


@functools.lru_cache(maxsize=256)
def _title_phrase(pattern: str) -> Any:
    """An area's `titles` phrase compiled, once per process, without regard to case."""
    return re2.compile(f"(?i:{pattern})")


#: the areas a pull request is named for: each one's evidence, as its rule and what it says
_Named = dict[str, list[tuple[str, str]]]


def _named_by_repository(matcher: Matcher, repository: str) -> _Named:
    """The areas whose `repository` words match a word of the repository's name (`pyjwt`,
    `stripe-go`, `golang-migrate`): the whole project is about them."""
    words = repository_words(repository)
    named: _Named = {}
    for area_id, area in matcher.policy.active_areas().items():
        for pattern in area.repository:
            compiled = _repository_word(pattern)
            word = next((w for w in words if compiled.fullmatch(w)), None)
            if word is not None:
                named[area_id] = [(
                    f"{area_id}.repository",
                    f"{repository}'s source files: its name ({word!r}) says the project is "
                    f"about {area.title.lower()}",
                )]
                break
    return named


def title_phrases(policy: Policy, title: str) -> tuple[str | None, dict[str, str]]:
    """What a pull request's title says to the policy: the text a `title_vetoes` phrase found,
    which keeps it out (then nothing else), or None and, for each active area with a `titles`
    phrase in it, the text that phrase found (`policy explain --title` shows both)."""
    veto = next((m.group(0) for m in (_title_phrase(v).search(title) for v in policy.title_vetoes)
                 if m is not None), None)
    if veto is not None:
        return veto, {}
    found: dict[str, str] = {}
    for area_id, area in policy.active_areas().items():
        match = next((m for m in (_title_phrase(p).search(title) for p in area.titles)
                      if m is not None), None)
        if match is not None:
            found[area_id] = match.group(0)
    return None, found


def _named_by_title(matcher: Matcher, title: str) -> _Named:
    """The areas whose `titles` phrases the pull request's title holds (`fix XSS in ...`,
    `Merge pull request from GHSA-...`): the change says it closes a weakness of theirs. None
    when a `title_vetoes` phrase says the title is about something else that names one (a
    test, docs, a detector's findings)."""
    policy = matcher.policy
    return {
        area_id: [(
            f"{area_id}.title",
            f"the pull request's title says it fixes a weakness of "
            f"{policy.areas[area_id].title.lower()} ({_snippet(phrase, 40)!r}): "
            f"{_snippet(title, 120)!r}",
        )]
        for area_id, phrase in title_phrases(policy, title)[1].items()
    }


def _named_evidence(
    diff: Diff, matcher: Matcher, collector: _Adds, skip: set[int], named: _Named,
    removals: Removals, renames: _Renames, metadata: MetadataLines,
) -> None:
    """For the areas a pull request is named for, by its repository's name or its title
    (`_named_by_repository`, `_named_by_title`), a changed source file (`source_files`) counts
    toward the area as a path match does: the same exclusions, and only a change that is more
    than comments or mechanical. The name says what the code is for, where the code alone reads
    as ordinary code (a token splitter, a query's escaping)."""
    if not named or not matcher.policy.source_files:
        return
    source = compile_paths(matcher.policy.source_files)
    for index, change in enumerate(diff.files):
        if index in skip or _markup(matcher, change.path) or not source.match_file(change.path):
            continue
        meaningful = _asked_once(diff, index, change, removals, renames, metadata)
        for area_id, reasons in named.items():
            if matcher.excluded(area_id, change.path):
                continue
            if not meaningful():
                break
            for rule, snippet in reasons:
                collector.add(area_id, Evidence(path=change.path, side="path", rule=rule,
                                                snippet=snippet))


def _named(matcher: Matcher, repository: str | None, title: str | None) -> _Named:
    """The areas the pull request's title and the repository's name name, each with all the
    evidence that names it: the title's first, since it is strong where a name is weak
    (`Area.weak_keys`), so a library named for an area cannot turn a fix its title states
    into weak evidence."""
    named = _named_by_title(matcher, title) if title else {}
    for area_id, reasons in (_named_by_repository(matcher, repository) if repository
                             else {}).items():
        named.setdefault(area_id, []).extend(reasons)
    return named


class _Recorder:
    """What a part of the analysis adds to the evidence, in order, to be added to the collector
    in the place that part has when the parts run in turn (`_Collector.add` keeps the
    strongest evidence it is given first: the order decides which of equals it keeps)."""

    def __init__(self) -> None:
        self.adds: list[tuple[str, Evidence, str | None]] = []

    def add(self, area_id: str, evidence: Evidence, rule: str | None = None) -> None:
        self.adds.append((area_id, evidence, rule))


class _Beside(Plain):
    """What the path and guard rules found (`_beside`): the paths `_path_evidence` set aside,
    the evidence of each in the order it was found, and the lines and paths a removal took out
    (`Removals.discounted`, `Removals.paths`) while they were looked at."""

    paths: tuple[list[str], list[str], list[str]]
    path_adds: list[tuple[str, Evidence, str | None]]
    guard_adds: list[tuple[str, Evidence, str | None]]
    discounted: set[ChangedLine]
    removed_paths: set[str]


def _halves(rules: _LineRules, found: dict[int, list[int]]
            ) -> tuple[list[tuple[int, list[int]]], list[tuple[int, list[int]]]]:
    """The files with a content rule's hit that a rule may read, with their lines found, in
    two parts of about as many lines, in diff order."""
    files = [(file, lines) for file, lines in found.items() if rules.allowed(file)]
    half, seen = sum(len(lines) for _, lines in files) / 2, 0
    for at, (_, lines) in enumerate(files):
        seen += len(lines)
        if seen >= half:
            return files[: at + 1], files[at + 1:]
    return files, []


def _warm(diff: Diff, files: Sequence[tuple[int, list[int]]]) -> None:
    """Ask what `_content_evidence` asks first of each line found in these files: whether it is
    substantive (whether its hunk only re-formats, and the names the hunk swaps), and, for a
    line of code that is not, whether it is prose (`Diff.in_prose`); the answers are kept on
    the hunks (`Hunk.FACTS`)."""
    for file, lines in files:
        for item in diff.lines_at(file, lines):
            if not diff.substantive(item) and item.side != "header" and is_substantive(item.text):
                diff.in_prose(item)


def _warmed(diff: Diff, files: Sequence[tuple[int, list[int]]]
            ) -> list[tuple[int, int, tuple[Any, ...]]]:
    """`_warm`, and what it worked out (`Diff.facts`), for another process to learn."""
    _warm(diff, files)
    return diff.facts(file for file, _ in files)


def _beside(
    diff: Diff, matcher: Matcher, path_matches: list[tuple[int, list[tuple[str, str, str]]]],
    skip: set[int], removals: Removals, renames: _Renames,
    metadata: MetadataLines, guard_readers: _GuardReaders, searches: _Searches,
    guards_read: Callable[[], bool],
) -> _Beside:
    """The path rules' evidence and the guard rules', as `classify` finds them in turn, for a
    process beside the one that finds the content rules' (`Diff.beside`). Every cache they
    fill (parsed hunks, whether a hunk only re-formats, removals) answers what the diff says,
    whichever process asked first, so what they find is what one process finds; the removals
    they count are a set, joined with the other part's."""
    paths, guards = _Recorder(), _Recorder()
    found = _path_evidence(diff, paths, path_matches, removals, renames, metadata)
    if guards_read():
        _guard_evidence(diff, matcher, guards, skip, removals, guard_readers,
                        searches.guards())
    return _Beside(paths=found, path_adds=paths.adds, guard_adds=guards.adds,
                   discounted=removals.discounted, removed_paths=removals.paths)


def classify(
    diff: Diff, policy: Policy, owners: CodeOwners | None = None, only: set[int] | None = None,
    attributes: GitAttributes | None = None, sources: Sequence[SourceFile] = (),
    repository: str | None = None, title: str | None = None,
) -> Classification:
    """The areas the diff touches (in policy order) and the files it could not inspect.

    `owners`: the base branch's CODEOWNERS, for areas defined by ownership; `only`: the indexes
    of the files to classify (a scope's), the others are left out as excluded files are;
    `attributes`: the base branch's `.gitattributes`, whose `linguist-generated` proves a file
    under a generated-code path generated; `sources`: the changed files' contents where the
    caller has them, for the definitions a change is made in (none: the hunk headers say);
    `repository`: the repository's `owner/name`, whose words may claim its source files for an
    area (`Area.repository`); `title`: the pull request's title, whose phrases may claim them
    likewise (`Area.titles`)."""
    matcher = matcher_for(policy)
    collector = _Collector(policy, matcher.client_side, ActionGates(diff))
    skip = _proven_excluded(diff, matcher, attributes or GitAttributes())
    if only is not None:
        skip |= set(range(len(diff.files))) - only
    rules = _LineRules(matcher, diff)
    removals = Removals(diff, unread=lambda file: not rules.allowed(file))
    guard_readers = _GuardReaders(diff, matcher)
    guards_read = functools.cache(lambda: guard_readers.read_any(skip))
    searches = _Searches(diff, matcher, skip, guards_read)
    path_matches = _path_matches(diff, matcher, skip)
    renames = _Renames(
        diff, lambda: _hit_hunks(diff, rules, searches.content()),
        lambda: [index for index, _ in path_matches], searches.content,
    )
    metadata = MetadataLines(diff)
    named = _named(matcher, repository, title)
    diff.read_contents(sources)
    mechanical = described = prose = 0
    if diff.beside is None:
        renamed_paths, described_paths, prose_paths = _path_evidence(
            diff, collector, path_matches, removals, renames, metadata
        )
        if owners is not None:
            _owner_evidence(diff, matcher, collector, skip, owners, removals, renames, metadata)
        _named_evidence(diff, matcher, collector, skip, named, removals, renames, metadata)
        if matcher.prefilter_rules:
            mechanical, described, prose = _content_evidence(
                diff, rules, collector, skip, searches.content, removals, renames, metadata
            )
            _block_move_evidence(diff, rules, collector, skip, searches.content, removals)
        if guards_read():
            _guard_evidence(diff, matcher, collector, skip, removals, guard_readers,
                            searches.guards())
    else:
        # The path and guard rules' evidence beside the rest (`_beside`), added in turn.
        # The searches `_content_evidence` and `_guard_evidence` would run, here, once: their
        # results are the child's too.
        read = bool(matcher.prefilter_rules) and _rules_read(diff, rules, skip)
        found_lines = searches.content() if read else {}
        if guards_read():
            searches.guards()
        # Whether the hunks with a content rule's hit only re-format, and the like (`_warm`),
        # worked out for half of them (by hits) in each process, before the rest.
        mine, theirs = _halves(rules, found_lines)
        warmed, paths_and_guards = diff.beside([
            functools.partial(_warmed, diff, theirs),
            functools.partial(_beside, diff, matcher, path_matches, skip, removals, renames,
                              metadata, guard_readers, searches, guards_read),
        ])
        _warm(diff, mine)
        diff.learn(warmed())
        here = _Recorder()
        if owners is not None:
            _owner_evidence(diff, matcher, here, skip, owners, removals, renames, metadata)
        _named_evidence(diff, matcher, here, skip, named, removals, renames, metadata)
        if matcher.prefilter_rules:
            mechanical, described, prose = _content_evidence(
                diff, rules, here, skip, searches.content, removals, renames, metadata
            )
            _block_move_evidence(diff, rules, here, skip, searches.content, removals)
        found = paths_and_guards()
        renamed_paths, described_paths, prose_paths = found.paths
        removals.discounted |= found.discounted
        removals.paths |= found.removed_paths
        for adds in (found.path_adds, here.adds, found.guard_adds):
            for args in adds:
                collector.add(*args)
    _fork_evidence(diff, matcher, collector, skip)
    if sources and matcher.rules:
        _enclosing_evidence(diff, matcher, collector, skip, sources, renames)
    not_inspected = [
        NotInspected(path=change.path, reason=change.note or "binary file")
        for change in diff.files
        if (not change.inspected)
        or (change.binary and not matcher.default_exclude.check_file(change.path).include)
    ]
    unread = [
        change.path for index, change in enumerate(diff.files)
        if not change.inspected and index not in skip
        and not matcher.default_exclude.check_file(change.path).include
    ]
    return Classification(
        areas=collector.results(), not_inspected=not_inspected, unread=unread,
        mechanical_lines=mechanical,
        rules={area_id: list(hits.rules) for area_id, hits in collector.hits.items()},
        removed_lines=len(removals.discounted), removed_paths=sorted(removals.paths),
        renamed_paths=renamed_paths, metadata_lines=described, metadata_paths=described_paths,
        prose_lines=prose, prose_paths=prose_paths,
    )
