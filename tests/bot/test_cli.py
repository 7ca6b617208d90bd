"""bot.cli: the `modeltier` command, in-process and once as a real subprocess.

Exit status is the contract a CI job or a pre-commit hook relies on: 0 pass or advisory, 1 when
enforcement fails, 2 for bad input or a bad policy, with one message and never a traceback.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.cli import main
from bot.exitcodes import EXIT_BAD_INPUT, EXIT_ENFORCEMENT, EXIT_OK
from policies.loader import default_policy
from tests.bot._diffs import edit

ROOT = Path(__file__).resolve().parents[2]
AUTH_DIFF = edit("app/auth/views.py", ["@login_required", "def profile(request):"])
ROUTINE_DIFF = edit("app/templates/home.html", ["<p>Welcome</p>"], ["<p>Welcom</p>"])
BAD_POLICY = "# repository policy\nareas:\n  auth:\n    pathz: [x/**]\n"
BAD_POLICY_PROBLEM = "4:5: areas.auth.pathz: Extra inputs are not permitted"

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test runs in its own directory, so no repository policy of the checkout leaks in."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NO_COLOR", raising=False)


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Run:
    def _run(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return _run


def write(path: Path, text: str | bytes) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return str(path)


# --- scan ----------------------------------------------------------------------------------------


def test_scan_json_prints_the_decision_contract(run: Run, tmp_path: Path) -> None:
    code, out, err = run("scan", "--diff", write(tmp_path / "auth.diff", AUTH_DIFF), "--format",
                         "json")
    data = json.loads(out)
    assert code == EXIT_ENFORCEMENT
    assert err == ""
    assert data["schema_version"] == "1.0"
    assert (data["risk"], data["tier"], data["required_tier"]) == ("critical", "premium", "premium")
    assert [a["id"] for a in data["areas"]] == ["auth"]
    assert (data["verdict"], data["blocking"]) == ("missing", True)
    assert {"signals", "reasons", "declared_models", "fix", "checklist", "not_inspected"} <= set(
        data
    )


@pytest.mark.parametrize(
    ("extra", "verdict", "code"),
    [
        ([], "missing", EXIT_ENFORCEMENT),
        (["--body", "body.md"], "pass", EXIT_OK),
        (["--labels", "bug, model:gpt-5.4"], "pass", EXIT_OK),
        (["--labels", "model:composer-2"], "fail", EXIT_ENFORCEMENT),
        (["--commit-message", "msg.txt"], "pass", EXIT_OK),
        (["--policy", "warn.yml"], "missing", EXIT_OK),
    ],
    ids=["no-evidence", "body", "label", "lower-label", "commit-message", "warn-policy"],
)
def test_scan_exit_status_follows_enforcement(
    run: Run, tmp_path: Path, extra: list[str], verdict: str, code: int
) -> None:
    write(tmp_path / "body.md", "## Summary\nFix.\n\nModel: GPT-5.4\n")
    write(tmp_path / "msg.txt", "Fix\n\nCo-Authored-By: Claude Opus 4.6 <noreply@anthropic.com>\n")
    write(tmp_path / "warn.yml", "enforcement:\n  on_missing: warn\n")
    diff = write(tmp_path / "auth.diff", AUTH_DIFF)
    status, out, _ = run("scan", "--diff", diff, "--format", "json", *extra)
    assert (json.loads(out)["verdict"], status) == (verdict, code)


@pytest.mark.parametrize(
    ("path", "option", "value", "rule"),
    [
        ("jwt/api_jws.py", "--repository", "jpadilla/pyjwt", "auth.repository"),
        ("app/render.py", "--title", "Fix stored XSS in the comment preview (#412)",
         "security.title"),
    ],
)
def test_scan_reads_the_repository_name_and_the_title_only_from_their_options(
    run: Run, tmp_path: Path, path: str, option: str, value: str, rule: str
) -> None:
    """A repository named for an area (`--repository`), or a title that says the change fixes a
    weakness (`--title`), makes the change's source files that area's evidence; without the
    option the CLI knows neither (it asks git for none)."""
    diff = write(tmp_path / "change.diff", edit(path, ["        return None"],
                                                ["    if len(parts) != expected:"]))
    _, plain, _ = run("scan", "--diff", diff, "--format", "json")
    assert json.loads(plain)["areas"] == []
    _, named, _ = run("scan", "--diff", diff, "--format", "json", option, value)
    assert [(a["id"], a["evidence"][0]["rule"]) for a in json.loads(named)["areas"]] == [
        (rule.split(".")[0], rule)]


@pytest.mark.parametrize(
    ("title", "shown"),
    [
        ("Fix stored XSS in the preview (#412)",
         ["  security (critical): says it fixes 'Fix stored XSS'"]),
        ("Fix flaky test for CSRF middleware", ["  vetoed: 'flaky' matches a title_vetoes phrase"]),
        ("Bump lodash to 4.17.21", ["  names no area"]),
    ],
)
def test_policy_explain_says_what_a_title_names(
    run: Run, title: str, shown: list[str]
) -> None:
    """`policy explain --title` says which areas a title names, which veto keeps it out, or
    that it names none: what `scan --title` and the App will make of it."""
    code, out, _ = run("policy", "explain", "--title", title)
    assert code == EXIT_OK
    lines = out.splitlines()
    assert lines[0] == f"title {title!r}:"
    assert all(any(line.startswith(want) for line in lines[1:]) for want in shown), out


def test_scan_routine_change_is_advisory_and_exits_0(run: Run, tmp_path: Path) -> None:
    code, out, _ = run("scan", "--diff", write(tmp_path / "r.diff", ROUTINE_DIFF), "--format",
                       "json")
    assert code == EXIT_OK
    assert (json.loads(out)["risk"], json.loads(out)["verdict"]) == ("routine", "advisory")


def test_scan_reads_the_diff_from_stdin(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(AUTH_DIFF.encode())))
    code, out, _ = run("scan", "--format", "json")
    assert code == EXIT_ENFORCEMENT
    assert json.loads(out)["risk"] == "critical"


def test_scan_output_file_gets_the_report(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "out" / "report.json"
    target.parent.mkdir()
    code, out, _ = run("scan", "--diff", write(tmp_path / "a.diff", AUTH_DIFF), "--format", "json",
                       "--output", str(target))
    assert code == EXIT_ENFORCEMENT
    assert out == ""
    assert json.loads(target.read_text(encoding="utf-8"))["risk"] == "critical"


@pytest.mark.parametrize(
    ("fmt", "check"),
    [
        ("text", lambda out: out.startswith("modeltier: critical risk -> Premium tier")),
        ("oneline", lambda out: out.startswith("modeltier: critical (auth) -> Premium tier")),
        ("markdown", lambda out: "Premium" in out and "GPT-5.4" in out),
        ("sarif", lambda out: json.loads(out)["version"] == "2.1.0"),
        ("json", lambda out: json.loads(out)["tier"] == "premium"),
    ],
    ids=["text", "oneline", "markdown", "sarif", "json"],
)
def test_scan_every_format_renders_the_same_decision(
    run: Run, tmp_path: Path, fmt: str, check: Callable[[str], bool]
) -> None:
    code, out, err = run("scan", "--diff", write(tmp_path / "a.diff", AUTH_DIFF), "--format", fmt)
    assert code == EXIT_ENFORCEMENT
    assert err == ""
    assert check(out)
    assert "\x1b[" not in out, "no colour when stdout is not a terminal"


def test_scan_default_format_is_text(run: Run, tmp_path: Path) -> None:
    _, out, _ = run("scan", "--diff", write(tmp_path / "a.diff", ROUTINE_DIFF))
    assert out.startswith("modeltier: routine risk -> Everyday tier, use Composer 2")


# --- bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("diff", "policy", "message"),
    [
        (
            "diff --git a/a.py b/a.py\n--- a/a.py\n+++ b/a.py\n@@ -1,3 +1,3 @@\n x\n",
            None,
            "modeltier: error: malformed diff at line 5: Hunk is shorter than expected\n",
        ),
        ("just some words\n", None, "modeltier: error: no file changes found: the input is not "
                                    "a unified diff\n"),
        (
            AUTH_DIFF,
            BAD_POLICY,
            f"modeltier: error: {{policy}}:{BAD_POLICY_PROBLEM}\n",
        ),
        (AUTH_DIFF, b"\xff\xfe", "modeltier: error: {policy}: not UTF-8 text (byte 0)\n"),
    ],
    ids=["truncated-hunk", "not-a-diff", "bad-policy", "non-utf8-policy"],
)
def test_error_when_input_is_bad_exits_2_with_one_message(
    run: Run, tmp_path: Path, diff: str, policy: str | bytes | None, message: str
) -> None:
    args = ["scan", "--diff", write(tmp_path / "in.diff", diff)]
    policy_path = str(tmp_path / "policy.yml")
    if policy is not None:
        args += ["--policy", write(tmp_path / "policy.yml", policy)]
    code, out, err = run(*args)
    assert code == EXIT_BAD_INPUT
    assert out == ""
    assert err == message.format(policy=policy_path)


@pytest.mark.parametrize(
    "args",
    [
        ["scan", "--diff", "{missing}"],
        ["scan", "--diff", "{diff}", "--body", "{missing}"],
        ["scan", "--diff", "{diff}", "--policy", "{missing}"],
        ["policy", "validate", "{missing}"],
    ],
    ids=["diff", "body", "policy", "validate"],
)
def test_error_when_a_file_is_missing_exits_2(run: Run, tmp_path: Path, args: list[str]) -> None:
    missing = str(tmp_path / "nope.txt")
    diff = write(tmp_path / "a.diff", AUTH_DIFF)
    code, out, err = run(*(a.format(missing=missing, diff=diff) for a in args))
    assert (code, out) == (EXIT_BAD_INPUT, "")
    assert err.startswith("modeltier: error: cannot read ")
    assert err.rstrip("\n").endswith(f"{missing}: No such file or directory")
    assert "Traceback" not in err


def test_error_when_the_repository_policy_in_the_working_directory_is_bad(
    run: Run, tmp_path: Path
) -> None:
    write(tmp_path / ".github" / "modeltier.yml", BAD_POLICY)
    code, _, err = run("scan", "--diff", write(tmp_path / "a.diff", AUTH_DIFF))
    assert code == EXIT_BAD_INPUT
    assert err == f"modeltier: error: .github/modeltier.yml:{BAD_POLICY_PROBLEM}\n"


def _subprocess_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env.pop("NO_COLOR", None)
    return env


def test_cli_as_a_real_process(tmp_path: Path) -> None:
    diff = write(tmp_path / "auth.diff", AUTH_DIFF)
    bad = write(tmp_path / "bad.yml", BAD_POLICY)
    command = [sys.executable, "-m", "bot.cli", "scan", "--diff", diff, "--format", "json"]
    ok = subprocess.run(command, capture_output=True, text=True, env=_subprocess_env(),
                        cwd=tmp_path, timeout=60, check=False)
    assert ok.returncode == EXIT_ENFORCEMENT, ok.stderr
    data = json.loads(ok.stdout)
    assert (data["schema_version"], data["risk"], data["tier"]) == ("1.0", "critical", "premium")
    assert [a["id"] for a in data["areas"]] == ["auth"]

    failed = subprocess.run([*command, "--policy", bad], capture_output=True, text=True,
                            env=_subprocess_env(), cwd=tmp_path, timeout=60, check=False)
    assert failed.returncode == EXIT_BAD_INPUT
    assert failed.stdout == ""
    assert failed.stderr == f"modeltier: error: {bad}:{BAD_POLICY_PROBLEM}\n"
    assert "Traceback" not in failed.stderr


# --- git -----------------------------------------------------------------------------------------


class Repo:
    """A throw-away git repository, isolated from the user's and the system's git config."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("GIT_")},
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_AUTHOR_NAME": "Test Author",
            "GIT_AUTHOR_EMAIL": "author@example.com",
            "GIT_COMMITTER_NAME": "Test Author",
            "GIT_COMMITTER_EMAIL": "author@example.com",
        }
        path.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str) -> str:
        result = subprocess.run(
            ["git", "-c", "commit.gpgsign=false", *args], cwd=self.path, env=self.env,
            capture_output=True, text=True, check=True, timeout=30,
        )
        return result.stdout.strip()

    def commit(self, files: dict[str, str], message: str) -> str:
        for name, text in files.items():
            write(self.path / name, text)
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message)
        return self.git("rev-parse", "HEAD")


VIEWS = "def profile(request):\n    return render(request)\n"
VIEWS_PROTECTED = "@login_required\ndef profile(request):\n    return render(request)\n"
OPUS_TRAILER = "Co-Authored-By: Claude Opus 4.6 <noreply@anthropic.com>"
WEAKENING_POLICY = "areas:\n  auth:\n    enabled: false\n  policy:\n    enabled: false\n"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Repo:
    created = Repo(tmp_path / "repo")
    for key in [k for k in os.environ if k.startswith("GIT_")]:
        monkeypatch.delenv(key)
    for key, value in created.env.items():
        if key.startswith("GIT_"):
            monkeypatch.setenv(key, value)
    monkeypatch.chdir(created.path)
    return created


def test_scan_git_range_uses_commit_trailers_as_evidence(run: Run, repo: Repo) -> None:
    base = repo.commit({"README.md": "# app\n", "app/auth/views.py": VIEWS}, "Initial")
    repo.commit({"app/auth/views.py": VIEWS_PROTECTED}, f"Protect profile\n\n{OPUS_TRAILER}\n")
    code, out, err = run("scan", "--git", f"{base}..HEAD", "--format", "json")
    data = json.loads(out)
    assert (code, err) == (EXIT_OK, "")
    assert (data["risk"], data["verdict"]) == ("critical", "pass")
    assert [(d["source"], d["model"]) for d in data["declared_models"]] == [
        ("commit", "claude-opus-4.6")
    ]
    # ranked: the changed line's specific rule before the path match (bot/analysis/ranking.py)
    assert [e["side"] for e in data["areas"][0]["evidence"]] == ["new", "path"]


def test_scan_git_range_reads_the_policy_from_base_not_head(run: Run, repo: Repo) -> None:
    base = repo.commit({"app/auth/views.py": VIEWS}, "Initial")
    repo.commit(
        {"app/auth/views.py": VIEWS_PROTECTED, ".github/modeltier.yml": WEAKENING_POLICY},
        "Protect profile, quietly",
    )
    code, out, _ = run("scan", "--git", f"{base}..HEAD", "--format", "json")
    data = json.loads(out)
    assert code == EXIT_ENFORCEMENT
    assert data["risk"] == "critical"
    assert {a["id"] for a in data["areas"]} == {"auth", "policy"}
    # The same change under HEAD's own policy would pass, so the base policy made the difference.
    code, out, _ = run("scan", "--git", f"{base}..HEAD", "--format", "json",
                       "--policy", ".github/modeltier.yml")
    assert (code, json.loads(out)["risk"]) == (EXIT_OK, "routine")


def test_scan_git_range_applies_the_policy_committed_on_base(run: Run, repo: Repo) -> None:
    base = repo.commit(
        {"app/auth/views.py": VIEWS, ".github/modeltier.yml": "enforcement:\n  on_missing: warn\n"},
        "Initial",
    )
    repo.commit({"app/auth/views.py": VIEWS_PROTECTED}, "Protect profile")
    code, out, _ = run("scan", "--git", f"{base}..HEAD", "--format", "json")
    data = json.loads(out)
    assert (code, data["verdict"], data["blocking"]) == (EXIT_OK, "missing", False)


def test_scan_git_range_with_a_bad_base_policy_names_the_revision(run: Run, repo: Repo) -> None:
    base = repo.commit({"app/auth/views.py": VIEWS, ".github/modeltier.yml": BAD_POLICY}, "Init")
    repo.commit({"app/auth/views.py": VIEWS_PROTECTED}, "Protect profile")
    code, _, err = run("scan", "--git", f"{base}..HEAD")
    assert code == EXIT_BAD_INPUT
    assert err == f"modeltier: error: {base}:.github/modeltier.yml:{BAD_POLICY_PROBLEM}\n"


@pytest.mark.parametrize(
    ("revision_range", "message"),
    [
        ("HEAD", "modeltier: error: --git takes a range BASE..HEAD\n"),
        ("nosuchbranch..HEAD", "modeltier: error: git diff "),
    ],
    ids=["not-a-range", "unknown-revision"],
)
def test_error_when_the_git_range_is_bad(
    run: Run, repo: Repo, revision_range: str, message: str
) -> None:
    repo.commit({"a.py": "x = 1\n"}, "Initial")
    code, out, err = run("scan", "--git", revision_range)
    assert (code, out) == (EXIT_BAD_INPUT, "")
    assert err.startswith(message)
    assert "Traceback" not in err


def test_scan_staged_prints_a_short_summary_and_exits_0(run: Run, repo: Repo) -> None:
    repo.commit({"app/auth/views.py": VIEWS}, "Initial")
    write(repo.path / "app/auth/views.py", VIEWS_PROTECTED)
    repo.git("add", "app/auth/views.py")
    code, out, _ = run("scan", "--staged")
    assert code == EXIT_OK, "a pre-commit hook must not block unless asked to"
    lines = out.splitlines()
    assert lines[0] == "modeltier: critical (auth) -> Premium tier: use GPT-5.4"
    # the summary line may be followed by the fix (render_oneline adds it when the check would
    # not pass), but never by the full report
    assert len(lines) <= 2
    # advisory: never "blocking"; a commit being made is fixed with a trailer, not a PR or label
    assert lines[1:] == [
        "  missing (warning): Add a trailer `Assisted-by: <agent>:gpt-5.4` to the commit message: "
        "`git commit --trailer 'Assisted-by: <agent>:gpt-5.4'`."
    ]
    code, out, _ = run("scan", "--staged", "--enforce")
    assert code == EXIT_ENFORCEMENT
    assert out.splitlines()[0] == lines[0]
    assert out.splitlines()[1].startswith("  missing (blocking): Add a trailer `Assisted-by:")


def test_scan_advice_fits_where_it_runs(run: Run, repo: Repo) -> None:
    """The CLI names what it reads (--body, --labels, trailers) and no override nobody reads;
    --staged (pre-commit) names only a trailer."""
    repo.commit({"app/auth/views.py": VIEWS}, "Initial")
    write(repo.path / "app/auth/views.py", VIEWS_PROTECTED)
    repo.git("add", "app/auth/views.py")
    _, out, _ = run("scan", "--staged", "--format", "json")
    staged = json.loads(out)["fix"]
    assert "Assisted-by: <agent>:gpt-5.4" in staged
    for elsewhere in ("PR", "pull request", "label", "description", "override"):
        assert elsewhere not in staged
    repo.git("commit", "-qm", "Protect profile")
    _, out, _ = run("scan", "--git", "HEAD~1..HEAD", "--format", "json")
    cli = json.loads(out)["fix"]
    assert "`--body`" in cli and "`--labels`" in cli and "Assisted-by: <agent>:gpt-5.4" in cli
    assert "/modeltier override" not in cli and "modeltier:override" not in cli


def test_scan_staged_routine_change_is_exactly_one_line(run: Run, repo: Repo) -> None:
    repo.commit({"app/home.html": "<p>Welcom</p>\n"}, "Initial")
    write(repo.path / "app/home.html", "<p>Welcome</p>\n")
    repo.git("add", "app/home.html")
    code, out, _ = run("scan", "--staged", "--enforce")
    assert (code, out) == (EXIT_OK, "modeltier: routine -> Everyday tier: use Composer 2\n")


def test_scan_staged_with_nothing_staged_is_routine(run: Run, repo: Repo) -> None:
    repo.commit({"a.py": "x = 1\n"}, "Initial")
    code, out, _ = run("scan", "--staged", "--format", "json")
    assert code == EXIT_OK
    assert json.loads(out)["areas"] == []


# --- policy --------------------------------------------------------------------------------------


def test_policy_validate_ok(run: Run, tmp_path: Path) -> None:
    path = write(tmp_path / "p.yml", "areas:\n  billing:\n    enabled: false\n")
    code, out, err = run("policy", "validate", path)
    active = len(default_policy().areas) - 1
    assert (code, err) == (EXIT_OK, "")
    assert out == f"{path}: valid ({active} active areas, {len(default_policy().models)} models)\n"


def test_error_when_policy_validate_finds_problems(run: Run, tmp_path: Path) -> None:
    path = write(tmp_path / "p.yml", BAD_POLICY + "limits:\n  evidence_per_file: 0\n")
    code, out, err = run("policy", "validate", path)
    assert (code, out) == (EXIT_BAD_INPUT, "")
    assert err.splitlines() == [
        f"modeltier: error: {path}:{BAD_POLICY_PROBLEM}",
        f"{path}:6:3: limits.evidence_per_file: Input should be greater than or equal to 1",
    ]


@pytest.mark.parametrize("where", ["option", "working-directory"])
def test_policy_show_prints_the_merged_policy(run: Run, tmp_path: Path, where: str) -> None:
    override = "areas:\n  pii:\n    title: Personal data\n    paths: ['**/pii/**']\n"
    if where == "option":
        args = ["policy", "show", "--policy", write(tmp_path / "p.yml", override)]
    else:
        write(tmp_path / ".github" / "modeltier.yml", override)
        args = ["policy", "show"]
    code, out, _ = run(*args)
    shown = yaml.safe_load(out)
    assert code == EXIT_OK
    assert shown["areas"]["pii"]["paths"] == ["**/pii/**"]
    assert shown["areas"]["pii"]["risk"] == "critical"
    assert set(shown["areas"]) == set(default_policy().areas) | {"pii"}


def test_policy_explain_names_areas_and_rules(run: Run) -> None:
    code, out, _ = run("policy", "explain", "app/auth/views.py", "--line", "@login_required")
    lines = out.splitlines()
    assert code == EXIT_OK
    assert lines[:3] == [
        "app/auth/views.py:",
        "  auth (critical): path matches '**/auth/**'",
        "line '@login_required':",
    ]
    assert lines[3].startswith("  auth (critical): content rule auth.")
    assert len(lines) == 4


def test_policy_explain_a_line_no_rule_matches(run: Run) -> None:
    code, out, _ = run("policy", "explain", "app/views.py", "--line", "x = 1")
    assert (code, out) == (EXIT_OK, "app/views.py:\nline 'x = 1':\n  no content rule matches\n")


def test_policy_explain_names_where_a_rule_that_reads_only_definitions_counts(
    run: Run, tmp_path: Path
) -> None:
    """A header or enclosing rule counts on no changed line: it is named apart, with where it
    does count, not as a content rule the line matches."""
    path = write(tmp_path / "p.yml", (
        "areas:\n  zorbs:\n    title: Zorbs\n    risk: elevated\n    content:\n"
        "      - {id: settle, headers: true, pattern: 'def settle_zorbs'}\n"
        "      - {id: ledger, pattern: 'ZorbLedger'}\n"
        "      - {id: keeper, enclosing: true, pattern: 'class Zorbkeeper'}\n"))
    line = "class Zorbkeeper: def settle_zorbs(x): ZorbLedger"
    code, out, _ = run("policy", "explain", "app/zorbs.py", "--policy", path, "--line", line)
    assert (code, out.splitlines()) == (EXIT_OK, [
        "app/zorbs.py:",
        f"line {line!r}:",
        "  zorbs (elevated): content rule zorbs.ledger",
        "  zorbs (elevated): content rule zorbs.settle, only as a hunk header or the definition"
        " a change is made in",
        "  zorbs (elevated): content rule zorbs.keeper, only as the definition a change is made"
        " in",
    ])


def test_policy_explain_excluded_and_disabled(run: Run, tmp_path: Path) -> None:
    path = write(tmp_path / "p.yml", "areas:\n  auth:\n    enabled: false\n")
    code, out, _ = run("policy", "explain", "app/auth/test_views.py", "--policy", path)
    lines = out.splitlines()
    assert code == EXIT_OK
    assert lines[0] == "app/auth/test_views.py:"
    assert "  auth: area disabled by the policy" in lines
    assert "  billing: path excluded by '**/test_*.py' (exclude)" in lines
    assert not any("path matches" in line for line in lines)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Claude Opus 4.8 (1M context)", [
            "'Claude Opus 4.8 (1M context)':",
            "  normalised: claude-opus-4-8",
            "  resolves: family Claude Opus (claude-opus), version 4.8 -> claude-opus-4.8 (premium)",
            "  why: Claude Opus 4.8 is not in the catalog (dated 2026-04-01); as Claude Opus >= 4.6 "
            "it counts as premium.",
        ]),
        ("GPT 5.4", [
            "'GPT 5.4':",
            "  normalised: gpt-5-4",
            "  resolves: exact -> gpt-5.4 (premium)",
            "  why: GPT 5.4 is the catalog entry GPT-5.4 (`gpt-5.4`), premium.",
        ]),
        ("opus-4.6", [
            "'opus-4.6':",
            "  normalised: opus-4-6",
            "  resolves: alias -> claude-opus-4.6 (premium)",
            "  why: opus-4.6 is an alias of the catalog entry Claude Opus 4.6 (`claude-opus-4.6`), "
            "premium.",
        ]),
        ("llama-4", [
            "'llama-4':",
            "  normalised: llama-4",
            "  resolves: unknown",
            "  why: llama-4 is not in the catalog (dated 2026-04-01) and matches no family. To "
            "count it, add it to the policy: `models: {llama-4: {name: \"llama-4\", tier: <tier>}}`.",
        ]),
        ("Claude", [
            "'Claude':",
            "  normalised: claude",
            "  resolves: unknown",
            "  why: 'Claude' names the tool Claude Code (claude-code), not a model: a tool alone "
            "proves at most the everyday tier (enforcement.tool_only_tier).",
        ]),
    ],
    ids=["family", "exact", "alias", "unknown", "tool-name"],
)
def test_policy_explain_model(run: Run, name: str, expected: list[str]) -> None:
    code, out, err = run("policy", "explain", "--model", name)
    assert (code, err) == (EXIT_OK, "")
    assert out.splitlines() == expected


def test_error_when_policy_explain_has_no_path_model_or_title(run: Run) -> None:
    code, out, err = run("policy", "explain")
    assert (code, out) == (EXIT_BAD_INPUT, "")
    assert err == "modeltier: error: policy explain needs a PATH, --model NAME or --title TEXT\n"


@pytest.mark.parametrize(
    ("diff", "message"),
    [
        (
            "diff --git a/app/auth/x.py b/app/auth/x.py\r--- a/app/auth/x.py\r+++ b/app/auth/x.py\r"
            "@@ -1,1 +1,1 @@\r-a\r+def verify(): return True\r",
            "malformed diff at line 1: carriage return inside a header line (CR-only line "
            "endings?)",
        ),
        (
            "diff --git a/app/auth/x.py b/app/auth/x.py\n--- a/app/auth/x.py\n"
            "+++ b/app/auth/x.py\n@@ --1,1 +-1,1 @@\n-a\n+def verify(): return True\n",
            "malformed diff at line 4: not a hunk header (@@ -start[,count] +start[,count] @@)",
        ),
    ],
    ids=["cr-only-line-endings", "negative-hunk-header"],
)
def test_error_when_a_diff_cannot_be_read_as_a_diff_exits_2_not_routine(
    run: Run, tmp_path: Path, diff: str, message: str
) -> None:
    code, out, err = run("scan", "--diff", write(tmp_path / "in.diff", diff))
    assert (code, out) == (EXIT_BAD_INPUT, "")
    assert err == f"modeltier: error: {message}\n"


def test_scan_git_range_credits_a_newer_opus_through_its_family(run: Run, repo: Repo) -> None:
    base = repo.commit({"app/auth/views.py": VIEWS}, "Initial")
    repo.commit(
        {"app/auth/views.py": VIEWS_PROTECTED},
        "Protect profile\n\nThe view needs a login.\n\n"
        "Co-Authored-By: Claude Opus 4.8 (1M context) <noreply@anthropic.com>\n",
    )
    code, out, _ = run("scan", "--git", f"{base}..HEAD", "--format", "json")
    data = json.loads(out)
    assert (code, data["verdict"]) == (EXIT_OK, "pass")
    [item] = data["declared_models"]
    assert (item["model"], item["family"], item["resolved_by"], item["provenance"]) == (
        "claude-opus-4.8", "claude-opus", "family", "tool",
    )
    assert "as Claude Opus >= 4.6 it counts as premium" in data["verdict_reason"]


def test_scan_ignores_a_declaration_in_a_code_block_of_the_description(
    run: Run, tmp_path: Path
) -> None:
    diff = write(tmp_path / "d.diff", AUTH_DIFF)
    body = write(tmp_path / "pr.md", "Template:\n\n```\nModel: GPT-5.4\n```\n")
    code, out, _ = run("scan", "--diff", diff, "--body", body, "--format", "json")
    assert (code, json.loads(out)["verdict"]) == (EXIT_ENFORCEMENT, "missing")


# --- --org-policy (issue 13, section 1): the layers as the App makes them ----------------------
ORG = "locked: [enforcement]\nenforcement:\n  on_missing: warn\n  on_lower: warn\n"


def test_scan_applies_the_organisation_layer(run: Run, tmp_path: Path) -> None:
    diff = write(tmp_path / "auth.diff", AUTH_DIFF)
    assert run("scan", "--diff", diff)[0] == EXIT_ENFORCEMENT
    org = write(tmp_path / "org.yml", ORG)
    assert run("scan", "--diff", diff, "--org-policy", org)[0] == EXIT_OK  # warn, not fail


def test_policy_show_prints_the_layers_merged(run: Run, tmp_path: Path) -> None:
    org = write(tmp_path / "org.yml", ORG)
    repo = write(tmp_path / "repo.yml", "enforcement:\n  on_lower: fail\n")
    code, out, _ = run("policy", "show", "--policy", repo, "--org-policy", org)
    shown = yaml.safe_load(out)
    assert code == EXIT_OK and shown["locked"] == ["enforcement"]
    assert shown["enforcement"]["on_missing"] == "warn"  # the organisation's
    assert shown["enforcement"]["on_lower"] == "fail"  # tightened by the repository


def test_error_when_validate_finds_a_weakened_locked_field(run: Run, tmp_path: Path) -> None:
    org = write(tmp_path / "org.yml", "locked: [comment]\ncomment: always\n")
    repo = write(tmp_path / "repo.yml", "comment: never\n")
    code, _, err = run("policy", "validate", repo, "--org-policy", org)
    assert code == EXIT_BAD_INPUT
    assert f"{repo}:1:1: comment: locked by the organisation policy" in err
    assert run("policy", "validate", repo)[0] == EXIT_OK  # alone, it is a valid policy


def test_scan_git_reads_git_ai_notes_as_recorded_evidence(run: Run, repo: Repo) -> None:
    base = repo.commit({"app/auth/views.py": VIEWS}, "Initial")
    repo.commit({"app/auth/views.py": VIEWS_PROTECTED}, "Protect profile")
    note = (
        "app/auth/views.py\n  4f2a9c1e 1-3\n---\n"
        '{"schema_version": "authorship/3.0.0", "prompts": {"4f2a9c1e": '
        '{"agent_id": {"tool": "claude", "id": "s1", "model": "claude-opus-4-6"}}}}\n'
    )
    repo.git("notes", "--ref=ai", "add", "-m", note, "HEAD")
    policy = write(repo.path / "strict.yml", "enforcement:\n  min_provenance: {premium: recorded}\n")
    code, out, _ = run("scan", "--git", f"{base}..HEAD", "--format", "json", "--policy", policy)
    data = json.loads(out)
    assert (code, data["verdict"]) == (EXIT_OK, "pass")
    (item,) = data["declared_models"]
    assert (item["provenance"], item["source"], item["model"]) == (
        "recorded", "record", "claude-opus-4.6")
    assert item["location"].startswith("git-ai note of commit ")


def _validator(check: str) -> str:
    return ("class PasswordValidator:\n    def validate(self, a, b):\n        x = 1\n"
            f"        return {check}\n")


def test_scan_git_range_reads_the_definition_a_change_is_made_in(run: Run, repo: Repo) -> None:
    base = repo.commit({"app/util.py": _validator("check(a, b)")}, "Initial")
    repo.commit({"app/util.py": _validator("check(b, a)")}, "Swap the arguments")
    _, out, _ = run("scan", "--git", f"{base}..HEAD", "--format", "json")
    data = json.loads(out)
    assert data["risk"] == "critical"
    evidence = data["areas"][0]["evidence"][0]
    assert (data["areas"][0]["id"], evidence["rule"]) == ("auth", "auth.enclosing-symbol")
    assert evidence["snippet"].startswith("inside `class PasswordValidator:` (line 1)")
    # the same diff alone says nothing of the class: git's hunk header names the method
    diff = write(repo.path / "change.diff", repo.git("diff", f"{base}..HEAD") + "\n")
    _, out, _ = run("scan", "--diff", diff, "--format", "json")
    assert json.loads(out)["risk"] == "routine"


def test_git_sources_reads_no_file_beyond_the_size_bound(repo: Repo,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Contents come from the objects' sizes first: an oversized file is not read at all (a
    vendored bundle of hundreds of megabytes would otherwise be held in memory), the others are,
    at head and at base, whatever their names."""
    from bot import cli
    from bot.analysis.diff import parse_diff

    base = repo.commit({"small one.py": "a = 1\n", "big.py": "x = 1\n" * 50,
                        "gone.py": "b = 2\n"}, "Initial")
    repo.git("rm", "-q", "gone.py")
    head = repo.commit({"small one.py": "a = 2\n", "big.py": "x = 2\n" * 50}, "Change")
    monkeypatch.setattr(cli, "_SOURCE_BYTES", 100)
    monkeypatch.chdir(repo.path)
    outputs: list[bytes] = []
    run_process = subprocess.run

    def spy(*args: Any, **kwargs: Any) -> subprocess.CompletedProcess[bytes]:
        result = run_process(*args, **kwargs)
        outputs.append(result.stdout)
        return result

    diff = parse_diff(repo.git("diff", "-M", f"{base}..{head}").encode() + b"\n")
    monkeypatch.setattr(subprocess, "run", spy)
    sources = {s.path: (s.base, s.head)
               for s in cli.git_sources(diff, base, head, range(len(diff.files)))}
    assert sources == {"big.py": (None, None), "gone.py": ("b = 2\n", None),
                       "small one.py": ("a = 1\n", "a = 2\n")}
    assert outputs and not any(b"x = " in out for out in outputs)


def test_scan_git_reads_only_the_files_the_app_would_read(run: Run, repo: Repo,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """`scan --git` asks git for the contents of the files `classify.sources_wanted` names (code
    changed in place), as the App does: not a document's, nor an added file's, whose definitions
    are all new; the CLI and the App judge a change from the same contents."""
    from bot import cli

    asked: list[bytes] = []
    cat_file = cli._cat_file

    def spy(git: Any, mode: str, names: list[bytes]) -> bytes | None:
        asked.extend(names)
        return cat_file(git, mode, names)

    monkeypatch.setattr(cli, "_cat_file", spy)
    base = repo.commit({"app/util.py": _validator("check(a, b)"),
                        "docs/guide.md": "# Guide\n\nOld words.\n"}, "Initial")
    repo.commit({"app/util.py": _validator("check(b, a)"), "docs/guide.md": "# Guide\n\nNew.\n",
                 "app/new.py": "def f():\n    return 1\n"}, "Swap, reword, add")
    _, out, _ = run("scan", "--git", f"{base}..HEAD", "--format", "json")
    assert json.loads(out)["risk"] == "critical"
    names = {name.decode() for name in asked if b":" in name}
    assert names == {f"{base}:app/util.py", "HEAD:app/util.py"}
