"""The pre-commit hooks (.pre-commit-hooks.yaml): each hook's `entry` plus `args`, run as
pre-commit runs it, in a real temporary git repository; and the hooks under the real
`pre-commit` framework (`pre-commit try-repo`), asserting what the user sees.

A pre-commit hook must be quick to read and must not block unless asked to: one or two lines,
exit 0, unless `--enforce`.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.exitcodes import EXIT_ENFORCEMENT, EXIT_OK

ROOT = Path(__file__).resolve().parents[2]
HOOKS = {hook["id"]: hook for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
VIEWS = "def profile(request):\n    return render(request, 'profile.html')\n"
VIEWS_PROTECTED = "@login_required\n" + VIEWS
ADVICE = "modeltier: critical (auth) -> Premium tier: use GPT-5.4"


def _env() -> dict[str, str]:
    """The test's own environment, without a surrounding git hook's GIT_DIR/GIT_INDEX_FILE."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update({"PYTHONPATH": str(ROOT), "NO_COLOR": "1", "GIT_CONFIG_NOSYSTEM": "1",
                "GIT_CONFIG_GLOBAL": os.devnull})
    return env


class Repo:
    def __init__(self, path: Path) -> None:
        self.path = path
        path.mkdir(parents=True)
        self.git("init", "--quiet")

    def git(self, *args: str) -> str:
        return subprocess.run(
            ["git", "-c", "user.name=Test", "-c", "user.email=test@example.com",
             "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", *args],
            cwd=self.path, env=_env(), capture_output=True, text=True, check=True,
        ).stdout

    def write(self, path: str, text: str) -> None:
        target = self.path / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")

    def hook(self, hook_id: str, *args: str, filenames: tuple[str, ...] = ()) -> tuple[int, str, str]:
        """`entry` + `args` (+ filenames when `pass_filenames`), as pre-commit builds it."""
        hook = HOOKS[hook_id]
        entry = shlex.split(hook["entry"])
        assert entry[0] == "modeltier"
        command = [sys.executable, "-m", "bot.cli", *entry[1:], *args]
        if hook.get("pass_filenames", True):
            command += filenames
        proc = subprocess.run(command, cwd=self.path, env=_env(), capture_output=True, text=True,
                              timeout=60, check=False)
        return proc.returncode, proc.stdout, proc.stderr


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    repo = Repo(tmp_path / "work")
    repo.write("app/auth/views.py", VIEWS)
    repo.git("add", ".")
    repo.git("commit", "--quiet", "-m", "Initial")
    return repo


def _stage_auth_change(repo: Repo) -> None:
    repo.write("app/auth/views.py", VIEWS_PROTECTED)
    repo.git("add", "app/auth/views.py")


def test_hooks_are_declared_as_pre_commit_expects() -> None:
    hook: dict[str, Any] = HOOKS["modeltier"]
    assert hook["entry"] == "modeltier scan --staged"
    assert (hook["language"], hook["pass_filenames"], hook["always_run"]) == ("python", False, True)
    assert "--enforce" not in hook["entry"], "advisory unless args: [--enforce]"
    assert hook["verbose"] is True, "pre-commit hides a passing hook's output otherwise"
    assert HOOKS["modeltier-commit-msg"]["stages"] == ["commit-msg"]
    assert HOOKS["modeltier-commit-msg"]["entry"].endswith("--commit-message")


def test_staged_auth_change_gets_short_advice_and_exit_0(repo: Repo) -> None:
    _stage_auth_change(repo)
    code, out, err = repo.hook("modeltier")
    assert (code, err) == (EXIT_OK, "")
    lines = out.splitlines()
    assert lines[0] == ADVICE
    assert 1 <= len(lines) <= 2
    assert TRAILER in out, "the second line says how to satisfy the policy: a commit trailer"
    _fits_a_commit(out)


TRAILER = "Add a trailer `Assisted-by: <agent>:gpt-5.4` to the commit message"


def _fits_a_commit(out: str) -> None:
    """Advice for a commit being made: nothing about PRs, labels or overrides, and an advisory
    run never says "blocking"."""
    for elsewhere in ("PR description", "label", "override", "blocking"):
        assert elsewhere not in out


def test_enforce_arg_blocks_the_commit(repo: Repo) -> None:
    _stage_auth_change(repo)
    code, out, _ = repo.hook("modeltier", "--enforce")
    assert code == EXIT_ENFORCEMENT
    assert out.splitlines()[0] == ADVICE


NOTHING_STAGED = "modeltier: nothing staged (git diff --cached is empty): nothing to check\n"


def test_unstaged_change_is_not_scanned(repo: Repo) -> None:
    repo.write("app/auth/views.py", VIEWS_PROTECTED)  # changed, not staged
    code, out, _ = repo.hook("modeltier", "--enforce")
    assert code == EXIT_OK
    assert out == NOTHING_STAGED


def test_nothing_staged_says_so_instead_of_a_tier(repo: Repo) -> None:
    code, out, err = repo.hook("modeltier")
    assert (code, err) == (EXIT_OK, "")
    assert out == NOTHING_STAGED
    assert "Everyday" not in out and "->" not in out  # no tier is named


def test_repository_policy_of_the_working_tree_applies(repo: Repo) -> None:
    repo.write(".github/modeltier.yml", "enforcement:\n  on_missing: warn\n")
    _stage_auth_change(repo)
    code, out, _ = repo.hook("modeltier", "--enforce")
    assert code == EXIT_OK
    assert out.splitlines()[0] == ADVICE


@pytest.mark.parametrize(
    ("message", "code"),
    [
        ("Protect the profile page\n", EXIT_ENFORCEMENT),
        ("Protect the profile page\n\nAssisted-by: Codex:gpt-5.4\n", EXIT_OK),
    ],
    ids=["no-evidence", "trailer"],
)
def test_commit_msg_hook_enforces_with_the_message_as_evidence(
    repo: Repo, message: str, code: int
) -> None:
    _stage_auth_change(repo)
    repo.write(".git/COMMIT_EDITMSG", message)
    status, out, err = repo.hook("modeltier-commit-msg", filenames=(".git/COMMIT_EDITMSG",))
    assert (status, err) == (code, "")
    assert out.splitlines()[0] == ADVICE


def test_commit_msg_hook_says_what_the_pr_will_need_for_a_change_written_by_hand(
    repo: Repo,
) -> None:
    """No reviews exist at commit time: a `Model: none` trailer does not block the commit, and
    the hook says what the pull request will need (policy default `require_review`)."""
    _stage_auth_change(repo)
    repo.write(".git/COMMIT_EDITMSG", "Protect the profile page\n\nModel: none\n")
    status, out, err = repo.hook("modeltier-commit-msg", filenames=(".git/COMMIT_EDITMSG",))
    assert (status, err) == (EXIT_OK, "")
    assert out.splitlines()[1] == (
        "  missing (warning): On the pull request this passes once someone with the maintain "
        "role or higher or a code owner of the touched files approves it "
        "(`enforcement.human_declaration: require_review`)."
    )


# --- under the real pre-commit framework ------------------------------------------------------


_PACKAGE = ("bot", "policies", "webhooks", "pyproject.toml", "README.md", "app.yml",
            ".pre-commit-hooks.yaml")


def _hook_repository(path: Path) -> Path:
    """This checkout's package and hooks as a git repository of their own, for pre-commit to
    install (whether the checkout is a clone, a worktree or an exported tree)."""
    path.mkdir()
    for name in _PACKAGE:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, path / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, path / name)
    hooks = Repo.__new__(Repo)
    hooks.path = path
    hooks.git("init", "--quiet")
    hooks.git("add", ".")
    hooks.git("commit", "--quiet", "-m", "hooks")
    return path


def _pre_commit(repo: Repo, *args: str, home: Path) -> subprocess.CompletedProcess[str]:
    """`pre-commit try-repo <this checkout's hooks> ...` in `repo`: pre-commit installs the
    package into its own environment and runs the hooks as a user would."""
    env = _env()
    env["PRE_COMMIT_HOME"] = str(home)
    env.pop("PYTHONPATH", None)  # the hook runs from pre-commit's install, not this tree
    executable = shutil.which("pre-commit", path=str(Path(sys.executable).parent))
    assert executable, "pre-commit is in the dev extra"
    hooks = _hook_repository(home.parent / "hook-repository")
    return subprocess.run(
        [executable, "try-repo", str(hooks), *args], cwd=repo.path, env=env,
        capture_output=True, text=True, timeout=600, check=False,
    )


@pytest.mark.slow
def test_the_advice_is_visible_under_pre_commit(repo: Repo, tmp_path: Path) -> None:
    """A passing hook's output is shown only with `verbose: true`: the advice must be seen."""
    _stage_auth_change(repo)
    run = _pre_commit(repo, "modeltier", home=tmp_path / "pre-commit-home")
    assert run.returncode == 0, run.stdout + run.stderr
    shown = run.stdout.splitlines()
    hook_line = next(line for line in shown if line.startswith("modeltier."))
    assert hook_line.endswith("Passed"), "advisory: it never blocks the commit"
    assert ADVICE in shown, run.stdout
    assert any(TRAILER in line for line in shown), "how to satisfy the policy"
    _fits_a_commit(run.stdout)
    assert "Traceback" not in run.stdout + run.stderr
