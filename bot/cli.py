"""The `modeltier` command line: scan a diff, validate, show and explain policies.

Exit status: 0 pass or advisory, 1 enforcement failed, 2 bad input or bad policy (one message that
names the file, field and line; never a traceback). Service commands (`serve`, `audit`, ...) are
contributed by the `webhooks` package through the `modeltier.commands` entry-point group, so a scan
in a pre-commit hook never pays for importing the web stack.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from bot.analysis.gcpause import gc_paused
from bot.exitcodes import EXIT_BAD_INPUT, EXIT_BROKEN_PIPE, EXIT_OK, exit_status
from bot.extras import needs_note, require
from policies.errors import ModelTierError, PolicyError

if TYPE_CHECKING:
    from bot.analysis.diff import Diff
    from bot.analysis.models import Commit, Decision, SessionRecord, SourceFile
    from policies.model import Policy

__all__ = ["build_parser", "git_sources", "main", "run"]

_FORMATS = ("text", "markdown", "json", "sarif", "oneline")
_SERVICE_GROUP = "modeltier.commands"
_CORE_COMMANDS = ("scan", "policy", "action")
#: commands whose process ends when they return: the cyclic collector is paused while they run
#: (and import the analysis), since what they allocate lives until then and makes no cycle to
#: free; it rescanned a scan's imports and policy 30 times, a tenth of its start
_ONE_SHOT = ("scan", "policy")
_ORG_POLICY_HELP = ("organisation policy (the .github/modeltier.yml of its .github repository): "
                    "the layer between the default and the repository's")


class UsageError(ModelTierError):
    """Bad command-line input (a missing file, a git range git does not know)."""


def _read(path: str, what: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(path).read_bytes()
    except OSError as e:
        raise UsageError(f"cannot read {what} {path}: {e.strerror or e}") from e


def _git(*args: str) -> bytes:
    import subprocess  # only git-reading commands need it

    try:
        result = subprocess.run(  # noqa: S603 - fixed program, arguments are not a shell string
            ["git", *args], capture_output=True, check=False  # noqa: S607
        )
    except OSError as e:
        raise UsageError(f"cannot run git: {e}") from e
    if result.returncode != 0:
        raise UsageError(f"git {' '.join(args)} failed: {_git_reason(result.stderr)}")
    return result.stdout


def _git_reason(stderr: bytes) -> str:
    """The line of git's error output that says what went wrong: its `fatal:` or `error:` line
    (git follows some of them with usage text or hints), else its last line."""
    lines = [line.strip() for line in stderr.decode("utf-8", "replace").splitlines()]
    lines = [line for line in lines if line]
    for prefix in ("fatal:", "error:"):
        for line in lines:
            if line.startswith(prefix):
                return line
    return lines[-1] if lines else "error"


_LOG_FORMAT = "%H%x1f%an%x1f%ae%x1f%B%x1e"


def _git_commits(revision_range: str) -> tuple[Commit, ...]:
    from bot.analysis.models import Commit

    raw = _git("log", f"--format={_LOG_FORMAT}", revision_range).decode("utf-8", "replace")
    commits = []
    for record in raw.split("\x1e"):
        fields = record.strip("\n").split("\x1f")
        if len(fields) == 4:
            sha, name, email, message = fields
            commits.append(
                Commit(sha=sha, author_name=name, author_email=email, message=message.strip())
            )
    return tuple(commits)


_NOTES_FORMAT = "%H%x1f%N%x1e"


def _git_ai_notes(revision_range: str) -> tuple[SessionRecord, ...]:
    """The git-ai authorship notes (`refs/notes/ai`) of the range's commits, as session
    records; a repository without that notes ref has none."""
    from bot.analysis.records import git_ai_records

    raw = _git("log", "--notes=refs/notes/ai", f"--format={_NOTES_FORMAT}", revision_range)
    records: list[SessionRecord] = []
    for entry in raw.decode("utf-8", "replace").split("\x1e"):
        sha, _, note = entry.strip("\n").partition("\x1f")
        if note.strip():
            records += git_ai_records(note, f"git-ai note of commit {sha[:7]}")
    return tuple(records)


def _policy_at(revision: str) -> tuple[bytes | None, str]:
    """The repository policy committed at a revision (text, name), or (None, name)."""
    from policies.loader import REPOSITORY_POLICY_PATH, REPOSITORY_POLICY_PATHS

    for path in REPOSITORY_POLICY_PATHS:
        try:
            return _git("show", f"{revision}:{path}"), f"{revision}:{path}"
        except UsageError:
            continue
    return None, f"{revision}:{REPOSITORY_POLICY_PATH}"


def _layered(text: bytes | None, name: str, args: argparse.Namespace) -> Policy:
    """A repository policy file over the default, or, with --org-policy FILE, over that
    organisation policy as the App layers them: every problem (a locked field the repository
    weakens included) is an error here, where the App would fall back and show it."""
    from policies.loader import load_layered, load_policy

    org = getattr(args, "org_policy", None)
    if not org:
        policy = load_policy(text, name=name)
    else:
        layered = load_layered(None if text is None else (text, name),
                               (_read(org, "organisation policy"), org))
        if layered.problems:
            raise PolicyError(layered.problems)
        policy = layered.policy
    _keep_bundled_artefact()
    return policy


def _keep_bundled_artefact() -> None:
    """Store the bundled policy's artefact if this process had to validate the policy (the
    first start after default.yml, the schema or the libraries changed), so that the next
    start reads it (`policies.bundled`). Best effort: an install that cannot be written to
    validates on every start."""
    from policies.loader import unsaved_artefact

    unsaved = unsaved_artefact()
    if unsaved is None:
        return
    target, blob = unsaved
    if not isinstance(target, Path):  # a package read from an archive: nowhere to keep it
        return
    partial = target.with_name(f"{target.name}.{os.getpid()}")
    try:
        target.parent.mkdir(exist_ok=True)
        partial.write_bytes(blob)
        partial.replace(target)  # whole or absent, whoever reads it at the same time
        for old in target.parent.glob("default.*.pickle"):
            if old != target:
                old.unlink(missing_ok=True)
    except OSError:
        partial.unlink(missing_ok=True)


def _load_policy(args: argparse.Namespace, base_revision: str | None = None) -> Policy:
    """--policy FILE if given; else the repository's policy (from the base revision when
    scanning a git range, so a branch cannot weaken its own check); else the default. Over
    --org-policy FILE when given."""
    from policies.loader import REPOSITORY_POLICY_PATH, REPOSITORY_POLICY_PATHS

    if getattr(args, "policy", None):
        return _layered(_read(args.policy, "policy"), args.policy, args)
    if base_revision is not None:
        text, name = _policy_at(base_revision)
        return _layered(text, name, args)
    for path in map(Path, REPOSITORY_POLICY_PATHS):
        if path.is_file():
            return _layered(path.read_bytes(), str(path), args)
    return _layered(None, REPOSITORY_POLICY_PATH, args)


class NothingStaged(ModelTierError):
    """`scan --staged` with an empty index: there is nothing to judge, and saying a tier would
    be misleading."""


#: the most changed files whose contents a scan reads, and the largest file it reads: the core
#: finds the definitions a change is made in from them; beyond these bounds the hunk headers
#: stand for those definitions, as they do for a plain diff
_SOURCE_FILES = 300
_SOURCE_BYTES = 1 << 20


def git_sources(
    diff: Diff, base: str, head: str, indexes: Sequence[int], git: Sequence[str] = ("git",)
) -> tuple[SourceFile, ...]:
    """The contents of some of a diff's changed files (`indexes`), at `head` and (their old
    path) at `base` (`git`: the command and its options, e.g. a `--git-dir`). One `git cat-file
    --batch-check` gives each object's size, and one `--batch` reads only the blobs within
    `_SOURCE_BYTES`: a change to a vendored bundle or a data file of hundreds of megabytes is
    never read into memory. Binary, unread and oversized files have none."""
    from bot.analysis.models import SourceFile

    files = [f for f in map(diff.files.__getitem__, indexes) if f.inspected and not f.binary]
    asked = [name for f in files for name in (
        f"{base}:{f.old_path or f.path}" if f.status != "added" else None,
        f"{head}:{f.path}" if f.status != "removed" else None,
    ) if name is not None]
    if not asked:
        return ()
    sizes = _cat_file(git, "--batch-check", [name.encode() for name in asked])
    wanted: dict[str, bytes] = {}  # name -> object id, for blobs small enough to read
    if sizes is not None:
        for name, line in zip(asked, sizes.splitlines(), strict=False):
            fields = line.split()  # "<oid> blob <size>", or "<name> missing"
            if len(fields) == 3 and fields[1] == b"blob" and int(fields[2]) <= _SOURCE_BYTES:
                wanted[name] = fields[0]
    found: dict[str, str] = {}
    out = (_cat_file(git, "--batch", list(wanted.values())) if wanted else None) or b""
    at = 0
    for name in wanted:
        end = out.find(b"\n", at)
        fields = out[at:end].split()
        if end < 0 or len(fields) != 3:
            break  # the output ended early: the files after it have no contents
        size = int(fields[2])
        blob, at = out[end + 1 : end + 1 + size], end + 1 + size + 1
        if b"\0" not in blob[:8000]:
            found[name] = blob.decode("utf-8", "replace")
    return tuple(
        SourceFile(path=f.path, head=found.get(f"{head}:{f.path}"),
                   base=found.get(f"{base}:{f.old_path or f.path}"))
        for f in files
    )


def _cat_file(git: Sequence[str], mode: str, names: list[bytes]) -> bytes | None:
    """`git cat-file <mode>` of `names`, one per line; None when git fails."""
    import subprocess  # only git-reading commands need it

    result = subprocess.run(  # noqa: S603 (git and its options, from the caller)
        [*git, "cat-file", mode], capture_output=True, check=False,
        input=b"".join(name + b"\n" for name in names),
    )
    return result.stdout if result.returncode == 0 else None


def _parse(diff_text: bytes, policy: Callable[[], Policy | None]) -> Diff:
    """The diff parsed; a large one's pre-filter passes are searched on two processes, from
    before it is parsed where its `policy` is known then, and a part of its analysis runs
    beside the rest (`bot.searching`)."""
    from bot.analysis.diff import parse_diff
    from bot.searching import EarlySearch, beside_for, forked_starts, searcher_for

    searcher = searcher_for(len(diff_text))
    early = None
    known = policy() if searcher is forked_starts else None
    if known is not None:
        from bot.analysis.classify import matcher_for

        matcher = matcher_for(known)
        # the passes a diff of this size is searched with (the guard rules' first), as
        # `classify` will ask them (a pass it asks that is not among them is searched then)
        plan = [matcher.guard_prefilter] if matcher.guard_prefilter is not None else []
        if matcher.prefilter_rules:
            plan += matcher.prefilters(len(diff_text))
        searcher = early = EarlySearch(diff_text, plan)
    try:
        return parse_diff(diff_text, searcher=searcher, beside=beside_for(len(diff_text)))
    except BaseException:
        if early is not None:
            early.close()
        raise


def _scan_input(
    args: argparse.Namespace,
    policy_at: Callable[[str | None], Callable[[], Policy | None]],
) -> tuple[Diff, tuple[Commit, ...], str | None, tuple[SessionRecord, ...],
           tuple[str, str] | None]:
    """The change to scan, its commits, the revision its policy is read at, its git-ai
    records, and the two revisions its files' contents can be read at (a git range only).
    `policy_at(base)` gives what loads the policy at that revision, for a large diff's search
    started before it is parsed (`_parse`)."""
    if args.git:
        if ".." not in args.git:
            raise UsageError("--git takes a range BASE..HEAD")
        base, _, head = args.git.partition("..")
        base, head = base or "HEAD", head.lstrip(".") or "HEAD"
        since = base  # the diff's old side: for BASE...HEAD, where the two met
        if "..." in args.git:
            since = _git("merge-base", base, head).decode().strip()
        diff_text = _git("diff", "--no-color", "--no-ext-diff", "-M", args.git)
        return (_parse(diff_text, policy_at(base)), _git_commits(args.git), base,
                _git_ai_notes(args.git), (since, head))
    if args.staged:
        _git("rev-parse", "--git-dir")  # outside a repository `git diff` would be --no-index
        diff_text = _git("diff", "--cached", "--no-color", "--no-ext-diff", "-M")
        if not diff_text.strip() and (args.format or "oneline") in ("oneline", "text"):
            # a person reads this; json and sarif still give their (empty) report
            raise NothingStaged("modeltier: nothing staged (git diff --cached is empty): "
                                "nothing to check")
        return _parse(diff_text, policy_at(None)), (), None, (), None
    diff_text = _read(args.diff or "-", "diff")
    return _parse(diff_text, policy_at(None)), (), None, (), None


def _render(decision: Decision, policy: Policy, fmt: str) -> str:
    from bot import render

    if fmt == "json":
        return render.render_json(decision)
    if fmt == "markdown":
        return render.render_comment(decision)
    if fmt == "sarif":
        return render.dump_sarif(render.render_sarif(decision, policy))
    if fmt == "oneline":
        return render.render_oneline(decision)
    color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    return render.render_text(decision, color=color)


def _cmd_scan(args: argparse.Namespace) -> int:
    from bot.analysis.models import Commit, PullRequestInfo

    loaded: dict[str | None, Policy] = {}

    def policy_at(base: str | None) -> Callable[[], Policy | None]:
        def load() -> Policy | None:
            # after the diff was read, as below; a policy that fails to load is loaded again
            # below, so that it fails where it always did (a bad diff's error comes first)
            with contextlib.suppress(ModelTierError, OSError):
                loaded[base] = _load_policy(args, base)
            return loaded.get(base)

        return load

    try:
        diff, commits, base, records, revisions = _scan_input(args, policy_at)
    except NothingStaged as e:
        print(e)
        return EXIT_OK
    close = getattr(diff.searcher, "close", None)  # a search started early (`_parse`)
    try:
        policy = loaded[base] if base in loaded else _load_policy(args, base)
        sources: tuple[SourceFile, ...] = ()
        if revisions is not None:  # the files the App would read too, within the CLI's bound
            from bot.analysis.classify import sources_wanted

            sources = git_sources(diff, *revisions, sources_wanted(diff, policy, _SOURCE_FILES))
        messages = [
            Commit(message=_read(path, "commit message").decode("utf-8", "replace"))
            for path in args.commit_message
        ]
        body = _read(args.body, "description").decode("utf-8", "replace") if args.body else ""
        labels = tuple(label.strip() for label in (args.labels or "").split(",") if label.strip())
        pr = PullRequestInfo(title=args.title or "", body=body, labels=labels,
                             commits=commits + tuple(messages), records=records,
                             sources=sources, repository=args.repository or None)
        # Imported here: what it imports beyond the diff's parse and the policy's compile (the
        # declarations' reader, scopes, advice) is then imported while a large diff's search,
        # started before the parse (`_parse`), runs beside, not before that search starts.
        from bot.analysis.decide import decide

        # The staged change is a commit being made: its advice is a trailer, never a PR or a label.
        decision = decide(diff, policy, pr, "commit" if args.staged else "cli")
    finally:  # its child, if it still runs, searches nothing the analysis asks for any more
        if close is not None:
            close()
    advisory = args.staged and not args.enforce
    if advisory:  # nothing this run says can block, so it never says "blocking"
        decision = decision.replace(blocking=False)
    fmt = args.format or ("oneline" if args.staged else "text")
    output = _render(decision, policy, fmt)
    if args.output:
        Path(args.output).write_text(output + "\n", encoding="utf-8")
    else:
        sys.stdout.write(output.rstrip("\n") + "\n")
    return EXIT_OK if advisory else exit_status(decision)


def _cmd_policy_validate(args: argparse.Namespace) -> int:
    policy = _layered(_read(args.file, "policy"), args.file, args)
    active = len(policy.active_areas())
    print(f"{args.file}: valid ({active} active areas, {len(policy.models)} models)")
    return EXIT_OK


def _cmd_policy_show(args: argparse.Namespace) -> int:
    import yaml

    from policies.model import as_data

    policy = _load_policy(args)
    data = as_data(policy)
    sys.stdout.write(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100))
    return EXIT_OK


def _explain_model(policy: Policy, name: str) -> None:
    """How a model name resolves: exact catalog entry, alias, family, or unknown, and why."""
    from bot.analysis.evidence import Catalog, normalise_model_name

    catalog = Catalog(policy)
    resolution = catalog.resolve(name)
    print(f"{name!r}:")
    print(f"  normalised: {normalise_model_name(name) or '(empty)'}")
    if resolution.how in ("exact", "alias"):
        print(f"  resolves: {resolution.how} -> {resolution.model} ({resolution.tier})")
    elif resolution.how == "family":
        print(
            f"  resolves: family {policy.families[resolution.family or ''].name} "
            f"({resolution.family}), version "
            f"{resolution.version} -> {resolution.model} ({resolution.tier})"
        )
    else:
        like = policy.families.get(resolution.family or "")
        print("  resolves: unknown" + (f" (looks like {like.name})" if like else ""))
    tool_id = catalog.tool_named(name) or catalog.tool(name)
    if not resolution.known and resolution.family is None and tool_id is not None:
        ceiling = policy.enforcement.tool_only_tier
        print(
            f"  why: {name!r} names the tool {policy.tools[tool_id].name} ({tool_id}), not a "
            "model: a tool alone proves "
            + (f"at most the {ceiling} tier" if ceiling else "no tier")
            + " (enforcement.tool_only_tier)."
        )
    else:
        print(f"  why: {resolution.reason}")


def _explain_title(policy: Policy, title: str) -> None:
    """Which areas a pull request's title names (`titles`), or the veto that keeps it out."""
    from bot.analysis.classify import title_phrases

    veto, found = title_phrases(policy, title)
    print(f"title {title!r}:")
    if veto is not None:
        print(f"  vetoed: {veto!r} matches a title_vetoes phrase (a test, docs, a "
              "detector's findings), so it names no area")
    elif not found:
        print("  names no area (no area's titles phrase is in it)")
    for area_id, phrase in found.items():
        print(f"  {area_id} ({policy.areas[area_id].risk}): says it fixes {phrase!r}; the "
              "change's source files count as this area's evidence")


def _cmd_policy_explain(args: argparse.Namespace) -> int:
    from bot.analysis.classify import matcher_for

    if args.path is None and args.model is None and args.title is None:
        raise UsageError("policy explain needs a PATH, --model NAME or --title TEXT")
    policy = _load_policy(args)
    if args.model is not None:
        _explain_model(policy, args.model)
    if args.title is not None:
        _explain_title(policy, args.title)
    if args.path is None:
        return EXIT_OK
    matcher = matcher_for(policy)
    print(f"{args.path}:")
    for area_id, area in policy.areas.items():
        if not area.enabled:
            print(f"  {area_id}: area disabled by the policy")
            continue
        if matcher.excluded(area_id, args.path):
            print(f"  {area_id}: path excluded by {_exclusion(policy, area_id, args.path)}")
            continue
        pattern = matcher.path_match(area_id, args.path)
        if pattern is not None:
            print(f"  {area_id} ({area.risk}): path matches {pattern!r}")
    if args.line is not None:
        rules = matcher.line_rules(args.line, args.path)
        # the rules that read only definitions count where the line names the one a change
        # is made in, not where it is changed itself
        definitions = matcher.line_rules(args.line, args.path, definitions=True)
        print(f"line {args.line!r}:")
        if not rules and not definitions:
            print("  no content rule matches")
        for rule in rules:
            print(f"  {rule.area} ({policy.areas[rule.area].risk}): content rule {rule.id}")
        for rule in definitions:
            where = "a hunk header or " if rule.headers else ""
            print(f"  {rule.area} ({policy.areas[rule.area].risk}): content rule {rule.id},"
                  f" only as {where}the definition a change is made in")
    return EXIT_OK


def _exclusion(policy: Policy, area_id: str, path: str) -> str:
    """Which exclusion pattern claims a path for an area, and from which list: the area's own
    `exclude` or the policy's."""
    from policies.model import compile_paths

    area = policy.areas[area_id]
    where, patterns = (
        (f"areas.{area_id}.exclude", area.exclude) if area.exclude is not None
        else ("exclude", policy.exclude)
    )
    result = compile_paths(patterns).check_file(path)
    if result.index is None or not 0 <= result.index < len(patterns):
        return f"the policy's {where}"
    return f"{patterns[result.index]!r} ({where})"


def _cmd_policy_schema(args: argparse.Namespace) -> int:
    """The JSON Schema of a policy file, from the pydantic models: for editors (the
    yaml-language-server `$schema` line) and for checking a policy before it is merged."""
    import json

    from policies.file_schema import policy_file_json_schema

    sys.stdout.write(json.dumps(policy_file_json_schema(), indent=2, ensure_ascii=False) + "\n")
    return EXIT_OK


def _cmd_action(args: argparse.Namespace) -> int:
    require("github", "`modeltier action`")
    from bot.action import run  # PyGithub: only for this command

    return run(policy=args.policy, comment=args.comment, enforce=args.enforce, sarif=args.sarif)


def _terminal_columns() -> int:
    """The terminal's width as `shutil.get_terminal_size` tells it: $COLUMNS if it is a positive
    number, else the width of the terminal standard output goes to, else 80."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):  # no stdout, or not a terminal
            columns = 0
    return columns or 80


class _HelpFormatter(argparse.HelpFormatter):
    """argparse's help formatter, told the width without importing `shutil`: argparse makes
    one for every argument it adds (to check its metavar), and its own asks
    `shutil.get_terminal_size`, whose import (with zlib, bz2 and lzma) was about 2 ms of every
    start, help or none (issue 14)."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24,
                 width: int | None = None) -> None:
        super().__init__(prog, indent_increment, max_help_position,
                         _terminal_columns() - 2 if width is None else width)


class _ArgumentParser(argparse.ArgumentParser):
    """A parser whose help is formatted by `_HelpFormatter`, and so are its subcommands' (their
    parsers are of their parent's class)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _HelpFormatter)
        super().__init__(**kwargs)


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The CLI's parser: every command's, or only the one a run names (`command`, one of
    `_CORE_COMMANDS`): a start that builds the arguments of every command it does not run pays
    a few ms for them."""
    parser = _ArgumentParser(
        prog="modeltier",
        description="Which AI-model tier does a change call for, and was it used?",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, add in (("scan", _add_scan), ("policy", _add_policy), ("action", _add_action)):
        if command in (None, name):
            add(commands)
    return parser


def _add_scan(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    scan = commands.add_parser("scan", help="analyse a diff")
    source = scan.add_mutually_exclusive_group()
    source.add_argument("--diff", metavar="FILE", help="unified diff file ('-' or omitted: stdin)")
    source.add_argument("--git", metavar="BASE..HEAD", help="diff and commits of a git range")
    source.add_argument("--staged", action="store_true", help="the staged change (pre-commit)")
    scan.add_argument(
        "--title", metavar="TEXT",
        help="the PR's title: one that says the change fixes a weakness (`Fix XSS in ...`, a "
             "GHSA id) makes its source files that area's evidence",
    )
    scan.add_argument("--body", metavar="FILE", help="PR description")
    scan.add_argument(
        "--commit-message", metavar="FILE", action="append", default=[], help="repeatable"
    )
    scan.add_argument("--labels", metavar="A,B", help="PR labels, comma-separated")
    scan.add_argument(
        "--repository", metavar="OWNER/NAME",
        help="the repository's name: a name that says what the whole project is about (a JWT "
             "library, a payment SDK) makes its source files that area's evidence",
    )
    scan.add_argument("--policy", metavar="FILE", help="repository policy (merged over default)")
    scan.add_argument("--org-policy", metavar="FILE", help=_ORG_POLICY_HELP)
    scan.add_argument("--format", choices=_FORMATS, help="output format (default: text)")
    scan.add_argument("--output", metavar="FILE", help="write the report here instead of stdout")
    scan.add_argument(
        "--enforce", action="store_true", help="with --staged: exit 1 when enforcement fails"
    )
    scan.set_defaults(handler=_cmd_scan)


def _add_policy(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    policy = commands.add_parser("policy", help="validate, show or explain a policy")
    policy_commands = policy.add_subparsers(dest="policy_command", metavar="ACTION", required=True)
    validate = policy_commands.add_parser("validate", help="check a policy file")
    validate.add_argument("file", metavar="FILE")
    validate.add_argument("--org-policy", metavar="FILE", help=_ORG_POLICY_HELP)
    validate.set_defaults(handler=_cmd_policy_validate)
    schema = policy_commands.add_parser(
        "schema", help="print the JSON Schema of a policy file (for editors and CI)"
    )
    schema.set_defaults(handler=_cmd_policy_schema)
    show = policy_commands.add_parser("show", help="print the effective merged policy")
    show.add_argument("--policy", metavar="FILE")
    show.add_argument("--org-policy", metavar="FILE", help=_ORG_POLICY_HELP)
    show.set_defaults(handler=_cmd_policy_show)
    explain = policy_commands.add_parser(
        "explain",
        help="which areas and rules match a path; how a model name resolves; what a title names"
    )
    explain.add_argument("path", metavar="PATH", nargs="?")
    explain.add_argument(
        "--model", metavar="NAME", help="how a model name resolves (exact, alias, family, unknown)"
    )
    explain.add_argument("--line", metavar="TEXT", help="a changed line to test content rules on")
    explain.add_argument("--title", metavar="TEXT", help="which areas a PR's title names")
    explain.add_argument("--policy", metavar="FILE")
    explain.add_argument("--org-policy", metavar="FILE", help=_ORG_POLICY_HELP)
    explain.set_defaults(handler=_cmd_policy_explain)


def _add_action(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    action = commands.add_parser(
        "action",
        help="a GitHub Actions step (reads GITHUB_* and INPUT_* from the environment)"
        + needs_note("github"),
    )
    action.add_argument("--policy", metavar="PATH", help="policy path on the base branch")
    action.add_argument("--comment", choices=("true", "false"), help="post the sticky comment")
    action.add_argument("--enforce", choices=("true", "false"), help="exit 1 on failure")
    action.add_argument("--sarif", metavar="FILE", help="also write the decision as SARIF")
    action.set_defaults(handler=_cmd_action)


def _service_commands() -> dict[str, Callable[[argparse._SubParsersAction], None]]:  # type: ignore[type-arg]
    from importlib.metadata import entry_points  # slow to import; only service commands need it

    return {ep.name: ep.load() for ep in entry_points(group=_SERVICE_GROUP)}


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(argv[0] if argv and argv[0] in _CORE_COMMANDS else None)
    if not argv or argv[0] not in _CORE_COMMANDS:  # service commands, and --help lists them
        subparsers = next(
            a for a in parser._actions if isinstance(a, argparse._SubParsersAction)
        )
        for register in _service_commands().values():
            register(subparsers)
    args = parser.parse_args(argv)
    try:
        with gc_paused() if args.command in _ONE_SHOT else contextlib.nullcontext():
            status: int = args.handler(args)
        sys.stdout.flush()  # a closed pipe shows here, inside the handler below, not at exit
    except BrokenPipeError:
        # The reader went away (`modeltier policy show | head`): as a Unix filter does, stop
        # quietly with SIGPIPE's status instead of a traceback; stdout goes to /dev/null so the
        # interpreter's own flush at exit cannot raise again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except ModelTierError as e:
        print(f"modeltier: error: {e}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130
    return status


def run() -> NoReturn:
    """The `modeltier` command: `main`, and after a one-shot command an exit that skips the
    interpreter's teardown. Freeing every module, the compiled policy and RE2's automata one by
    one cost each scan 10-20 ms (a tenth of its start) and does nothing a finished scan needs.
    What is still buffered (`main` flushes a report, not what a command wrote before it failed)
    is flushed first; a failing flush takes the usual exit, which reports it as before. A
    service command (`serve`) exits as usual: what it opened is closed as it should be."""
    status = main()
    if sys.argv[1:2] and sys.argv[1] in _ONE_SHOT:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except OSError:
            sys.exit(status)
        os._exit(status)
    sys.exit(status)


if __name__ == "__main__":
    run()
