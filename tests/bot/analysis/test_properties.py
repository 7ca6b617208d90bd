"""Property tests of the analysis core: untrusted input never crashes it, and well-formed diffs
are read back exactly as they were written.

Bounded (about 200 examples each, no deadline) so the whole suite stays fast.
"""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass
from pathlib import Path

import pytest
import re2
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.analysis.decide import decide
from bot.analysis.diff import parse_diff, substantive_code
from bot.analysis.errors import DiffError
from bot.analysis.evidence import declared_models
from bot.analysis.mechanical import mechanical_hunk, same_blocks
from bot.analysis.models import Commit, PullRequestInfo, Verdict
from bot.cli import main
from policies.errors import PolicyError
from policies.loader import default_policy, load_policy
from policies.model import as_data
from policies.schema import Policy as Schema
from tests.bot._diffs import edit

BOUNDED = settings(max_examples=200, deadline=None)

# Pieces of diffs, to reach further into the parser than random bytes do.
DIFF_PIECES = st.sampled_from(
    [
        "diff --git a/x.py b/x.py\n",
        "diff --git a/app/auth/x.py b/app/auth/y.py\n",
        "--- a/x.py\n",
        "+++ b/x.py\n",
        "--- /dev/null\n",
        "+++ /dev/null\n",
        "@@ -1 +1 @@\n",
        "@@ -1,2 +1,2 @@ def verify_signature():\n",
        "@@ -0,0 +1 @@\n",
        "+@login_required\n",
        "-password = x\n",
        " context\n",
        "\\ No newline at end of file\n",
        "Binary files a/x and b/x differ\n",
        "GIT binary patch\n",
        "literal 0\n",
        "new file mode 100644\n",
        "deleted file mode 100644\n",
        "old mode 100644\n",
        "new mode 100755\n",
        "rename from x.py\n",
        "rename to y.py\n",
        "similarity index 90%\n",
        "index 1111111..2222222 100644\n",
        "\n",
        "\r\n",
        "\x0c",
        '+x = 1; resource "aws_instance" "web" {}\n',
    ]
)
DIFFISH = st.lists(DIFF_PIECES, max_size=25).map("".join)
ANY_DIFF = st.one_of(
    st.binary(max_size=2000),
    st.text(max_size=2000),
    DIFFISH,
    st.tuples(DIFFISH, st.text(max_size=50)).map("".join),
)


# Inputs that once broke the core, kept as fixed examples.
FORM_FEED_IN_A_LINE = edit("app/x.py", ["x = 1\x0cy = 2"])
PREFILTER_HIT_NO_RULE = edit("app/x.py", ['x = 1; resource "aws_instance" "web" {}'])


@BOUNDED
@given(ANY_DIFF)
@example(FORM_FEED_IN_A_LINE)
@example(PREFILTER_HIT_NO_RULE)
def test_any_input_as_a_diff_raises_nothing_but_diff_error(data: str | bytes) -> None:
    policy = default_policy()
    try:
        diff = parse_diff(data)
        for index in range(len(diff.files)):
            diff.changed_lines(index)
        list(diff.search(re2.compile("(?m).")))
        decide(diff, policy)
    except DiffError:
        pass


# --- declarations --------------------------------------------------------------------------------

DECLARATION_PIECES = st.sampled_from(
    [
        "Model: ",
        "**Model used**: ",
        "- [x] ",
        "- [ ] ",
        "<!-- ",
        " -->",
        "Co-Authored-By: ",
        "Assisted-by: ",
        "AI-Model: ",
        "Generated-by: ",
        "Claude Opus 4.6",
        "GPT-5.4",
        "composer-2",
        "none",
        "unknown",
        "aider (",
        ")",
        "<noreply@anthropic.com>",
        "Made-with: Cursor",
        "cursor[bot]",
        ":",
        ",",
        " and ",
        "`",
        "**",
        "\n",
        "\n\n",
    ]
)
FREE_TEXT = st.one_of(
    st.text(max_size=500), st.lists(DECLARATION_PIECES | st.text(max_size=5), max_size=30).map(
        "".join
    )
)


@BOUNDED
@given(
    body=FREE_TEXT,
    message=FREE_TEXT,
    labels=st.lists(st.one_of(st.text(max_size=20), st.text(max_size=20).map("model:".__add__)),
                    max_size=3),
    author=st.text(max_size=30),
    login=st.none() | st.text(max_size=30),
)
def test_any_text_as_a_declaration_never_crashes(
    body: str, message: str, labels: list[str], author: str, login: str | None
) -> None:
    policy = default_policy()
    pr = PullRequestInfo(
        body=body,
        labels=tuple(labels),
        author_login=login,
        commits=(Commit(sha="abc1234", message=message, author_name=author),),
    )
    found = declared_models(pr, policy)
    for item in found:
        if item.kind == "model":
            if item.resolved_by == "family":  # a model newer than the catalog, by its family
                assert item.family in policy.families
                assert item.tier in policy.tiers
            else:
                assert item.model in policy.models
                assert item.tier == policy.models[item.model].tier
        elif item.kind == "tool":
            assert item.tool in policy.tools
        else:
            assert item.model is None
    decision = decide(parse_diff(edit("app/auth/views.py", ["@login_required"])), policy, pr)
    assert decision.blocking == (decision.verdict in (Verdict.FAIL, Verdict.MISSING))


# --- policies ------------------------------------------------------------------------------------

POLICY_WORDS = st.sampled_from(
    [
        "version", "extends", "none", "default", "replace", "areas", "auth", "billing", "new",
        "paths", "content", "pattern", "files", "exclude", "enabled", "title", "risk",
        "critical", "elevated", "routine", "tiers", "premium", "rank", "recommended", "models",
        "gpt-5.4", "tier", "tools", "markers", "model", "enforcement", "require", "recommend",
        "on_missing", "limits", "evidence_per_file", "shape", "catalog_date", "evidence",
        "body_keys", "(?<=a)b", "**/x/**", "", "2026-02-30",
    ]
)
YAML_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 50) | st.floats(allow_nan=True) | POLICY_WORDS
    | st.dates().map(str),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(POLICY_WORDS, inner, max_size=5),
    max_leaves=30,
)
YAML_PIECES = st.sampled_from(
    ["a:", " ", "  ", "\n", "- ", "[", "]", "{", "}", ",", ":", "&x ", "*x", "!!binary ",
     "!!python/object:os.system ", "? ", "|", ">", "'", '"', "#", "%YAML 1.1\n", "---\n", "...\n",
     "\t", "\ufeff", "2026-13-45", "1e999", "<<: "]
)
ANY_POLICY = st.one_of(
    st.binary(max_size=1000),
    st.text(max_size=1000),
    st.lists(YAML_PIECES | POLICY_WORDS, max_size=40).map("".join),
    YAML_VALUES.map(lambda value: yaml.safe_dump(value, allow_unicode=True)),
)


@BOUNDED
@given(ANY_POLICY)
@example(b"catalog_date: 2026-02-30\n")
@example("a: " + "[" * 400 + "]" * 400 + "\n")
@example("- " * 400 + "x\n")
def test_any_bytes_as_a_policy_raise_nothing_but_policy_error(data: str | bytes) -> None:
    try:
        policy = load_policy(data)
    except PolicyError as e:
        problems = e.problems
    else:  # what it holds, validated again, names nothing that is not there
        again = Schema.model_validate(as_data(policy), context={"trusted": True})
        assert again.reference_problems() == []
        return
    assert problems
    assert all(problem.file == ".github/modeltier.yml" for problem in problems)


# --- the command line ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cli-properties")


@BOUNDED
@given(data=ANY_DIFF)
@example(data=PREFILTER_HIT_NO_RULE)
def test_cli_on_any_input_exits_0_1_or_2(scratch: Path, data: str | bytes) -> None:
    path = scratch / "input.diff"
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass"))
    out, err = io.StringIO(), io.StringIO()
    with contextlib.chdir(scratch), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["scan", "--diff", str(path)])
    assert code in (0, 1, 2)
    assert (code == 2) == bool(err.getvalue())
    assert "Traceback" not in err.getvalue()


# --- well-formed diffs round-trip ----------------------------------------------------------------


@dataclass(frozen=True)
class Generated:
    text: str
    paths: list[str]
    counts: list[tuple[int, int]]
    # per file: (side, line, text, substantive) of every changed line and hunk header, in order
    lines: list[list[tuple[str, int, str, bool]]]


#: a line's text, without the delimiters of a block comment or a docstring: the prose reader
#: (bot.analysis.prose, with tests of its own) carries what they open over the lines that follow,
#: which this model, one line at a time, does not follow
BLOCK_DELIMITERS = ("/*", "*/", '"""', "'''")
LINE_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r"), max_size=30
).filter(lambda text: not any(delimiter in text for delimiter in BLOCK_DELIMITERS))
PATHS = st.from_regex(r"[a-z]{1,6}(/[a-z_]{1,6}){0,2}\.(py|go|sql|md)", fullmatch=True)
SECTION = st.none() | st.from_regex(r"[A-Za-z_][A-Za-z0-9_ (),:]{0,20}", fullmatch=True)


@st.composite
def well_formed_diffs(draw: st.DrawFn) -> Generated:
    paths = draw(st.lists(PATHS, min_size=1, max_size=4, unique=True))
    parts: list[str] = []
    counts: list[tuple[int, int]] = []
    lines: list[list[tuple[str, int, str, bool]]] = []
    for path in paths:
        parts.append(f"diff --git a/{path} b/{path}\nindex 1111111..2222222 100644\n")
        parts.append(f"--- a/{path}\n+++ b/{path}\n")
        old_next = new_next = 1
        added = removed = 0
        file_lines: list[tuple[str, int, str, bool]] = []
        for _ in range(draw(st.integers(1, 3))):
            ops = draw(
                st.lists(st.tuples(st.sampled_from(" +-"), LINE_TEXT), min_size=1, max_size=8)
            )
            gap = draw(st.integers(0, 5))
            old_start, new_start = old_next + gap, new_next + gap
            old_len = sum(op in " -" for op, _ in ops)
            new_len = sum(op in " +" for op, _ in ops)
            section = draw(SECTION)
            parts.append(f"@@ -{old_start},{old_len} +{new_start},{new_len} @@")
            parts.append(f" {section}\n" if section else "\n")
            old_no, new_no = old_start, new_start
            # A mechanical hunk (same tokens: re-formatted, re-wrapped...) is cosmetic: nothing
            # in it counts, unless, in Python, a line moved into or out of the block or bracket
            # an unchanged line opens (`+0`, ` {`, `-0`). bot.analysis.mechanical has its own
            # table-driven tests.
            cosmetic = mechanical_hunk(
                [t for op, t in ops if op == "-"], [t for op, t in ops if op == "+"]
            ) and (not path.endswith(".py") or same_blocks(
                [t for op, t in ops if op in " -"], [t for op, t in ops if op in " +"],
                python=True,
            ))
            hunk_substantive = False
            for op, text in ops:
                parts.append(f"{op}{text}\n")
                # in Python, a line that leaves a one-line string open lies inside a
                # triple-quoted one (`bot.analysis.diff.open_string`): no code
                meaningful = not cosmetic and substantive_code(
                    text, python=path.endswith(".py")
                )
                if op == "+":
                    file_lines.append(("new", new_no, text, meaningful))
                    added += 1
                elif op == "-":
                    file_lines.append(("old", old_no, text, meaningful))
                    removed += 1
                hunk_substantive |= op != " " and meaningful
                old_no += op in " -"
                new_no += op in " +"
            if section:
                file_lines.append(("header", new_start, section, hunk_substantive))
            old_next, new_next = old_start + old_len, new_start + new_len
        counts.append((added, removed))
        lines.append(file_lines)
    return Generated("".join(parts), paths, counts, lines)


#: a line moved out of the bracket an unchanged line opens, in Python: no longer cosmetic,
#: though both sides hold the same tokens
MOVED_OUT_OF_A_BRACKET = Generated(
    "diff --git a/a.py b/a.py\nindex 1111111..2222222 100644\n--- a/a.py\n+++ b/a.py\n"
    "@@ -1,2 +1,2 @@\n+0\n {\n-0\n",
    ["a.py"], [(1, 1)], [[("new", 1, "0", True), ("old", 2, "0", True)]],
)


@BOUNDED
@given(well_formed_diffs())
@example(MOVED_OUT_OF_A_BRACKET)
def test_well_formed_diffs_parse_to_what_was_written(generated: Generated) -> None:
    diff = parse_diff(generated.text)
    assert [f.path for f in diff.files] == generated.paths
    assert [(f.additions, f.deletions) for f in diff.files] == generated.counts
    assert all(f.status == "modified" and f.inspected for f in diff.files)
    for index, expected in enumerate(generated.lines):
        got = [
            (item.side, item.line, item.text.removesuffix("\n"), flag)
            for item, flag in diff.changed_lines(index)
        ]
        assert got == expected
    everything = {(item.file, item.side, item.line) for item, _ in diff.search(re2.compile("(?m)."))}
    assert everything >= {
        (index, side, line)
        for index, expected in enumerate(generated.lines)
        for side, line, text, _ in expected
        if text
    }


@BOUNDED
@given(well_formed_diffs())
def test_well_formed_diffs_read_the_same_with_crlf_and_as_bytes(generated: Generated) -> None:
    crlf = parse_diff(generated.text.replace("\n", "\r\n").encode("utf-8", "surrogatepass"))
    plain = parse_diff(generated.text)
    assert crlf.files == plain.files
    for index in range(len(plain.files)):
        assert crlf.changed_lines(index) == plain.changed_lines(index)
