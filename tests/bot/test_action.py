"""bot.action: `modeltier action` as a GitHub Actions step runs it, a subprocess against the fake
GitHub, with an event file shaped like GitHub's and the standard Actions environment.

The job is the check: its exit status, the sticky comment, the summary, the annotations on stdout
and the step outputs are the contract a workflow relies on.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.action import (
    ActionError,
    annotation_commands,
    escape_data,
    escape_property,
    output_file_text,
    read_inputs,
    workflow_command,
)
from bot.analysis.decide import decide
from bot.analysis.diff import GitHubFile, parse_github_files
from bot.analysis.models import PullRequestInfo
from bot.exitcodes import EXIT_BAD_INPUT, EXIT_ENFORCEMENT, EXIT_OK
from bot.render.markdown import MARKER
from policies.loader import default_policy
from tests.fakegithub import FakeGitHub

ROOT = Path(__file__).resolve().parents[2]
REPO = "octo/app"
NUMBER = 7
INSTALLATION = 42
AUTH_FILE = {
    "filename": "app/auth/views.py",
    "patch": "@@ -10,0 +11,2 @@\n+@login_required\n+def profile(request):",
}
ROUTINE_FILE = {"filename": "docs/guide.md", "patch": "@@ -1 +1 @@\n-Welcom\n+Welcome"}
DECLARED = "## Summary\nProtect the profile page.\n\nModel: GPT-5.4\n"
CRITICAL_ERROR = (
    "::error file=app/auth/views.py,line=11,title=Authentication (critical)::"
    "Rule auth.django-auth: @login_required"
)


# --- fixtures ------------------------------------------------------------------------------------


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    with FakeGitHub() as server:
        server.add_repo(REPO, default_branch="main")
        yield server


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str
    summary: str
    outputs: dict[str, str]


def _parse_outputs(text: str) -> dict[str, str]:
    """`$GITHUB_OUTPUT` as the runner reads it: `name<<DELIM`, value lines, `DELIM`."""
    out: dict[str, str] = {}
    lines = iter(text.splitlines())
    for line in lines:
        name, sep, delimiter = line.partition("<<")
        assert sep, f"not the delimiter form: {line!r}"
        value = []
        for item in lines:
            if item == delimiter:
                break
            value.append(item)
        else:
            raise AssertionError(f"no closing delimiter for {name}")
        out[name] = "\n".join(value)
    return out


def _api(fake: FakeGitHub, path: str, token: str | None = None) -> Any:
    response = httpx.get(f"{fake.url}{path}",
                         headers={"Authorization": f"token {token or fake.token}"})
    response.raise_for_status()
    return response.json()


def pr_event(fake: FakeGitHub, number: int = NUMBER, action: str = "opened") -> dict[str, Any]:
    """A `pull_request` event as GitHub writes it to GITHUB_EVENT_PATH."""
    pull = _api(fake, f"/repos/{REPO}/pulls/{number}")
    return {
        "action": action,
        "number": number,
        "pull_request": pull,
        "repository": _api(fake, f"/repos/{REPO}"),
        "sender": {"login": pull["user"]["login"], "type": "User", "id": 1},
    }


class Step:
    """Runs `modeltier action` the way the composite action does, one run per call."""

    def __init__(self, fake: FakeGitHub, tmp_path: Path) -> None:
        self.fake = fake
        self.tmp_path = tmp_path
        self.runs = 0

    def __call__(
        self, event: dict[str, Any] | None, *args: str, event_name: str = "pull_request",
        token: str | None = None, **env: str,
    ) -> Result:
        self.runs += 1
        run_dir = self.tmp_path / f"run{self.runs}"
        run_dir.mkdir()
        summary, outputs = run_dir / "summary.md", run_dir / "output.txt"
        summary.touch()
        outputs.touch()
        environ = {
            k: v for k, v in os.environ.items()
            if not k.startswith(("GITHUB_", "INPUT_", "RUNNER_"))
        }
        environ.update({
            "GITHUB_ACTIONS": "true",
            "GITHUB_EVENT_NAME": event_name,
            "GITHUB_REPOSITORY": REPO,
            "GITHUB_API_URL": self.fake.url,
            "GITHUB_STEP_SUMMARY": str(summary),
            "GITHUB_OUTPUT": str(outputs),
            "INPUT_POLICY": ".github/modeltier.yml",
            "INPUT_COMMENT": "true",
            "INPUT_ENFORCE": "true",
            "INPUT_SARIF": "",
            "INPUT_GITHUB_TOKEN": token or self.fake.token,
            "PYTHONPATH": str(ROOT),
            "NO_COLOR": "1",
        })
        if event is not None:
            path = run_dir / "event.json"
            path.write_text(json.dumps(event), encoding="utf-8")
            environ["GITHUB_EVENT_PATH"] = str(path)
        environ.update(env)
        proc = subprocess.run(
            [sys.executable, "-m", "bot.cli", "action", *args],
            env=environ, cwd=run_dir, capture_output=True, text=True, timeout=120, check=False,
        )
        return Result(proc.returncode, proc.stdout, proc.stderr,
                      summary.read_text(encoding="utf-8"),
                      _parse_outputs(outputs.read_text(encoding="utf-8")))


@pytest.fixture
def step(fake: FakeGitHub, tmp_path: Path) -> Step:
    return Step(fake, tmp_path)


def our_comments(fake: FakeGitHub, number: int = NUMBER) -> list[dict[str, Any]]:
    return [c for c in fake.comments(REPO, number) if MARKER in c["body"]]


# --- pull_request ---------------------------------------------------------------------------------


def test_critical_pr_without_evidence_fails_and_keeps_one_comment(
    fake: FakeGitHub, step: Step
) -> None:
    fake.add_pull(REPO, NUMBER, title="Protect profile", body="No model named.",
                  files=[AUTH_FILE])
    event = pr_event(fake)
    first = step(event)
    second = step(event)

    for result in (first, second):
        assert result.code == EXIT_ENFORCEMENT, result.stderr
        assert result.outputs == {"risk": "critical", "tier": "premium",
                                  "recommended-model": "gpt-5.4", "verdict": "missing"}
        assert CRITICAL_ERROR in result.stdout.splitlines()
        assert result.stdout.splitlines()[0] == (
            "modeltier: critical (auth) -> Premium tier: use GPT-5.4"
        )
        assert "### ❓ Missing · modeltier: Premium tier, GPT-5.4 recommended" in result.summary
        assert MARKER not in result.summary
        assert result.stderr == ""
    comments = our_comments(fake)
    assert len(comments) == 1, "the second run updates the comment, it does not add one"
    assert comments[0]["user"]["login"] == "octocat"
    assert comments[0]["body"].replace(MARKER, "").strip() == second.summary.strip()
    assert fake.server_errors() == []


def test_declared_model_read_from_github_passes(fake: FakeGitHub, step: Step) -> None:
    fake.add_pull(REPO, NUMBER, body="No model named.", files=[AUTH_FILE])
    event = pr_event(fake, action="opened")
    assert step(event).code == EXIT_ENFORCEMENT
    # The description is edited after the event was written: GitHub's copy is the truth.
    fake.update_pull(REPO, NUMBER, body=DECLARED)
    result = step(event)
    assert result.code == EXIT_OK, result.stdout
    assert result.outputs["verdict"] == "pass"
    assert "::error" not in result.stdout
    assert "::warning file=app/auth/views.py,line=11,title=Authentication (critical)::" in (
        result.stdout
    )
    comments = our_comments(fake)
    assert len(comments) == 1
    assert "GPT-5.4" in comments[0]["body"]


def test_the_repository_name_comes_from_github_repository(fake: FakeGitHub, step: Step) -> None:
    """The Action tells the analysis the repository's name (GITHUB_REPOSITORY, `octo/app`): a
    policy whose auth area names the word `app` claims the repository's source files for it."""
    plain = {"filename": "lib/util.py", "patch": "@@ -10,1 +10,1 @@\n-    x = 1\n+    x = 2"}
    fake.add_pull(REPO, NUMBER, files=[plain])
    assert step(pr_event(fake)).outputs["risk"] == "routine"
    fake.set_file(REPO, ref="main", path=".github/modeltier.yml",
                  content="areas:\n  auth:\n    repository: [app]\n")
    result = step(pr_event(fake))
    assert result.outputs["risk"] == "elevated", result.stdout  # weak alone: one risk lower
    assert ("title=Authentication (elevated)::Path matches octo/app's source files: its name "
            "('app') says the project is about authentication") in result.stdout


def test_routine_pr_passes_with_outputs(fake: FakeGitHub, step: Step) -> None:
    fake.add_pull(REPO, NUMBER, files=[ROUTINE_FILE])
    result = step(pr_event(fake), "--sarif", "out/modeltier.sarif")
    assert result.code == EXIT_OK
    assert result.outputs["risk"] == "routine"
    assert result.outputs["verdict"] == "advisory"
    sarif = json.loads((step.tmp_path / "run1" / "out" / "modeltier.sarif").read_text())
    assert sarif["version"] == "2.1.0"
    assert sarif["runs"][0]["properties"]["risk"] == "routine"


def test_sarif_holds_the_evidence(fake: FakeGitHub, step: Step) -> None:
    fake.add_pull(REPO, NUMBER, files=[AUTH_FILE])
    result = step(pr_event(fake), INPUT_SARIF="modeltier.sarif")
    assert result.code == EXIT_ENFORCEMENT
    sarif = json.loads((step.tmp_path / "run1" / "modeltier.sarif").read_text())
    assert {r["ruleId"] for r in sarif["runs"][0]["results"]} == {"auth"}
    # One place flags each line: code scanning, not annotations as well.
    lines = result.stdout.splitlines()
    assert not [line for line in lines if "file=app/auth/views.py" in line]
    found = len(sarif["runs"][0]["results"])
    assert f"::notice title=modeltier::{found} findings are in modeltier.sarif" in result.stdout
    failing = [r for r in sarif["runs"][0]["results"] if r["level"] == "error"]
    assert failing, "enforcement fails: the critical area's results are errors"


@pytest.mark.parametrize(
    ("args", "env"),
    [((), {"INPUT_ENFORCE": "false"}), (("--enforce", "false"), {"INPUT_ENFORCE": "true"})],
    ids=["input", "flag-over-input"],
)
def test_enforce_false_reports_but_exits_0(
    fake: FakeGitHub, step: Step, args: tuple[str, ...], env: dict[str, str]
) -> None:
    fake.add_pull(REPO, NUMBER, files=[AUTH_FILE])
    result = step(pr_event(fake), *args, **env)
    assert result.code == EXIT_OK
    assert result.outputs["verdict"] == "missing"
    assert CRITICAL_ERROR in result.stdout.splitlines()
    assert "::notice title=modeltier::Enforcement failed, but the input enforce is false" in (
        result.stdout
    )
    assert len(our_comments(fake)) == 1


def test_comment_false_posts_nothing(fake: FakeGitHub, step: Step) -> None:
    fake.add_pull(REPO, NUMBER, files=[AUTH_FILE])
    result = step(pr_event(fake), INPUT_COMMENT="false")
    assert result.code == EXIT_ENFORCEMENT
    assert result.summary
    assert fake.comments(REPO, NUMBER) == []


def test_routine_pr_gets_no_comment_and_a_commented_one_gets_one_line(
    fake: FakeGitHub, step: Step
) -> None:
    """Policy `comment: sensitive` (the default): the check says it all for a routine change;
    a PR whose comment was written while it was critical keeps no stale verdict."""
    routine = ROUTINE_FILE
    fake.add_pull(REPO, NUMBER + 1, files=[routine], head_sha="e" * 40)
    quiet = step(pr_event(fake, NUMBER + 1))
    assert quiet.code == EXIT_OK, quiet.stderr
    assert quiet.summary  # the job summary still has the decision
    assert our_comments(fake, NUMBER + 1) == []

    fake.add_pull(REPO, NUMBER, files=[AUTH_FILE])
    assert step(pr_event(fake)).code == EXIT_ENFORCEMENT
    assert "### ❓ Missing" in our_comments(fake)[0]["body"]
    fake.push(REPO, NUMBER, "f" * 40, files=[routine])
    assert step(pr_event(fake)).code == EXIT_OK
    (comment,) = our_comments(fake)
    line = comment["body"].removeprefix(MARKER).strip()
    assert "\n" not in line and "now routine" in line and "Missing" not in line


def test_fork_pr_gets_no_comment_but_everything_else(fake: FakeGitHub, step: Step) -> None:
    fake.add_pull(REPO, NUMBER, head_repo="mallory/app", user_login="mallory", files=[AUTH_FILE])
    event = pr_event(fake)
    assert event["pull_request"]["head"]["repo"]["full_name"] == "mallory/app"
    result = step(event)
    assert result.code == EXIT_ENFORCEMENT, "a fork is no reason to pass"
    assert fake.comments(REPO, NUMBER) == []
    notices = [line for line in result.stdout.splitlines() if line.startswith("::notice")]
    assert len(notices) == 1
    assert "comes from the fork mallory/app" in notices[0]
    assert result.outputs["risk"] == "critical"
    assert CRITICAL_ERROR in result.stdout.splitlines()
    assert "GPT-5.4" in result.summary


def test_fork_pr_on_pull_request_target_is_commented(fake: FakeGitHub, step: Step) -> None:
    fake.add_pull(REPO, NUMBER, head_repo="mallory/app", files=[AUTH_FILE])
    result = step(pr_event(fake), event_name="pull_request_target")
    assert result.code == EXIT_ENFORCEMENT
    assert len(our_comments(fake)) == 1


def test_403_when_commenting_is_a_notice_not_a_crash(fake: FakeGitHub, step: Step) -> None:
    fake.add_pull(REPO, NUMBER, files=[AUTH_FILE])
    fake.inject(403, count=None, method="POST", path_contains="/comments",
                body={"message": "Resource not accessible by integration"})
    result = step(pr_event(fake))
    assert result.code == EXIT_ENFORCEMENT
    assert "Traceback" not in result.stderr
    assert fake.comments(REPO, NUMBER) == []
    notice = next(line for line in result.stdout.splitlines() if line.startswith("::notice"))
    assert "No PR comment: the token cannot write to octo/app" in notice
    assert "pull-requests: write" in notice
    assert result.outputs["verdict"] == "missing"


def test_workflow_token_finds_its_comment_as_github_actions_bot(tmp_path: Path) -> None:
    """The workflow's token is an installation token: GET /user is refused, and its comments
    are by github-actions[bot] (a Bot). A copy of the marker by someone else is left alone."""
    with FakeGitHub(app_slug="github-actions") as fake:
        fake.add_repo(REPO, default_branch="main")
        fake.add_installation(INSTALLATION, repos=[REPO])
        fake.add_pull(REPO, NUMBER, files=[AUTH_FILE])
        fake.add_token("ghp_mallory", "mallory")
        httpx.post(f"{fake.url}/repos/{REPO}/issues/{NUMBER}/comments",
                   headers={"Authorization": "token ghp_mallory"},
                   json={"body": f"{MARKER}\nfake pass"}).raise_for_status()
        token = fake.installation_token(INSTALLATION)
        step = Step(fake, tmp_path)
        event = pr_event(fake)
        results = [step(event, token=token), step(event, token=token)]
        assert [r.code for r in results] == [EXIT_ENFORCEMENT, EXIT_ENFORCEMENT]
        assert fake.count("GET", "/user", status=403) == 2
        comments = our_comments(fake)
        assert [(c["user"]["login"], c["user"]["type"]) for c in comments] == [
            ("mallory", "User"), ("github-actions[bot]", "Bot"),
        ]
        assert comments[0]["body"] == f"{MARKER}\nfake pass"


def test_closed_pr_is_nothing_to_decide(fake: FakeGitHub, step: Step) -> None:
    fake.add_pull(REPO, NUMBER, files=[AUTH_FILE], state="closed")
    result = step(pr_event(fake, action="closed"))
    assert (result.code, result.outputs) == (EXIT_OK, {})
    assert result.stdout == "::notice title=modeltier::#7 was closed: nothing to decide.\n"


def test_a_removed_line_is_annotated_where_sarif_places_it() -> None:
    """Issue 11, section 3: a removed line is not in the head's files; its annotation goes on
    the nearest head line (as in SARIF and the App's check run) and names the old line."""
    patch = ("@@ -20,3 +20,3 @@ class RefundView(View):\n"
             "     def post(self, request):\n"
             "-        stripe.Refund.create(charge=request.POST[\"charge\"])\n"
             "+        queue_refund(request.POST[\"charge\"])\n"
             "         return JsonResponse({\"ok\": True})\n")
    decision = decide(parse_github_files([GitHubFile("app/billing/refunds.py", patch=patch)]),
                      default_policy(), PullRequestInfo())
    lines = annotation_commands(decision, failing=True)
    assert ("::error file=app/billing/refunds.py,line=20,title=Billing and payments (critical)::"
            "Rule billing.stripe (removed line 21 of the old file): "
            "stripe.Refund.create(charge=request.POST[\"charge\"])") in lines
    assert not [line for line in lines if "line=21" in line and "billing.stripe" in line]


def test_a_required_checklist_is_kept_and_reported_as_the_comment_shows_it(
    fake: FakeGitHub, step: Step
) -> None:
    """Issue 11: the Action sees the comment's boxes, not who ticked them. It keeps the ticks,
    says how many of the required boxes are ticked, and does not claim to know by whom."""
    fake.set_file(REPO, ref="main", path=".github/modeltier.yml", content="checklist: required\n")
    fake.add_pull(REPO, NUMBER, body=DECLARED, files=[AUTH_FILE])
    first = step(pr_event(fake))
    (comment,) = our_comments(fake)
    boxes = [line for line in comment["body"].splitlines() if line.startswith("- [ ] ")]
    assert boxes
    assert f"0 of {len(boxes)} boxes ticked in the comment. Who ticked is not known to the " \
           "Action" in first.stdout
    ticked = comment["body"].replace(boxes[0], "- [x] " + boxes[0][6:], 1)
    edited = httpx.patch(f"{fake.url}/repos/{REPO}/issues/comments/{comment['id']}",
                         headers={"Authorization": f"token {fake.token}"}, json={"body": ticked})
    assert edited.status_code == 200, edited.text

    second = step(pr_event(fake))
    assert second.code == EXIT_OK, "the Action reports the checklist; the App gates on it"
    (comment,) = our_comments(fake)
    assert "- [x] " + boxes[0][6:] in comment["body"].splitlines()
    assert boxes[1] in comment["body"].splitlines()
    assert f"1 of {len(boxes)} boxes ticked in the comment" in second.stdout
    assert "Who ticked is not known here (the Action reads the boxes only)" in second.summary


# --- policy ----------------------------------------------------------------------------------------


def test_broken_base_policy_applies_the_default_visibly(fake: FakeGitHub, step: Step) -> None:
    fake.set_file(REPO, ref="main", path=".github/modeltier.yml",
                  content="areas:\n  auth:\n    pathz: [x/**]\n")
    fake.add_pull(REPO, NUMBER, files=[AUTH_FILE])
    result = step(pr_event(fake))
    assert result.code == EXIT_ENFORCEMENT, "a broken policy never turns enforcement off"
    assert (
        "::error title=modeltier policy::.github/modeltier.yml:3:5: areas.auth.pathz: "
        "Extra inputs are not permitted (the default policy was applied)"
    ) in result.stdout.splitlines()
    assert "pathz" in our_comments(fake)[0]["body"]


def test_the_organisation_policy_applies_to_the_action_too(fake: FakeGitHub, step: Step) -> None:
    fake.add_repo("octo/.github", default_branch="main")
    fake.set_file("octo/.github", path=".github/modeltier.yml",
                  content="enforcement:\n  on_missing: warn\n")
    fake.add_pull(REPO, NUMBER, files=[AUTH_FILE])
    result = step(pr_event(fake))
    assert result.code == EXIT_OK, result.stdout  # the organisation's `warn`
    assert result.outputs["verdict"] == "missing"
    assert "octo/.github:.github/modeltier.yml&#64;" in our_comments(fake)[0]["body"]


def test_policy_input_names_a_file_on_the_base_branch(fake: FakeGitHub, step: Step) -> None:
    fake.set_file(REPO, ref="main", path="config/modeltier.yml",
                  content="enforcement:\n  on_missing: warn\n")
    fake.add_pull(REPO, NUMBER, files=[AUTH_FILE])
    result = step(pr_event(fake), INPUT_POLICY="./config/modeltier.yml")
    assert result.code == EXIT_OK, result.stdout
    assert result.outputs["verdict"] == "missing"
    assert "::error" not in result.stdout


def test_policy_input_naming_a_missing_file_is_an_error_not_a_pass(
    fake: FakeGitHub, step: Step
) -> None:
    fake.add_pull(REPO, NUMBER, files=[AUTH_FILE])
    result = step(pr_event(fake), "--policy", "config/nope.yml")
    assert result.code == EXIT_ENFORCEMENT
    assert any(
        line.startswith("::error title=modeltier policy::config/nope.yml: not found on the base")
        for line in result.stdout.splitlines()
    )


# --- merge_group -----------------------------------------------------------------------------------


def _merge_group_event(fake: FakeGitHub, base_sha: str, head_sha: str) -> dict[str, Any]:
    return {
        "action": "checks_requested",
        "merge_group": {
            "head_sha": head_sha,
            "head_ref": f"refs/heads/gh-readonly-queue/main/pr-{NUMBER}-{base_sha}",
            "base_sha": base_sha,
            "base_ref": "refs/heads/main",
            "head_commit": {"id": head_sha, "message": "Protect profile (#7)"},
        },
        "repository": _api(fake, f"/repos/{REPO}"),
        "sender": {"login": "alice", "type": "User", "id": 1},
    }


@pytest.mark.parametrize(
    ("message", "code", "verdict"),
    [
        ("Protect profile (#7)", EXIT_ENFORCEMENT, "missing"),
        ("Protect profile (#7)\n\nAssisted-by: Codex:gpt-5.4", EXIT_OK, "pass"),
    ],
    ids=["no-evidence", "trailer"],
)
def test_merge_group_judges_base_to_head_without_a_comment(
    fake: FakeGitHub, step: Step, message: str, code: int, verdict: str
) -> None:
    base_sha, head_sha = "a" * 40, "b" * 40
    fake.set_branch(REPO, "main", base_sha)
    fake.set_compare(REPO, base_sha, head_sha, files=[AUTH_FILE],
                     commits=[{"sha": head_sha, "message": message}])
    result = step(_merge_group_event(fake, base_sha, head_sha), event_name="merge_group")
    assert result.code == code, result.stdout + result.stderr
    assert result.outputs["verdict"] == verdict
    assert result.outputs["risk"] == "critical"
    assert "modeltier: Premium tier" in result.summary
    assert fake.count("POST", path_contains="/comments") == 0
    assert fake.count("GET", path_contains="/compare/") >= 1


# --- bad input ---------------------------------------------------------------------------------------


def test_error_when_the_event_path_is_missing(fake: FakeGitHub, step: Step) -> None:
    result = step(None)
    assert (result.code, result.outputs, result.summary) == (EXIT_BAD_INPUT, {}, "")
    assert result.stderr == (
        "modeltier: error: GITHUB_EVENT_PATH is not set: run `modeltier action` as a GitHub "
        "Actions step\n"
    )
    assert result.stdout.startswith("::error title=modeltier::GITHUB_EVENT_PATH is not set")
    assert fake.requests == []


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"GITHUB_EVENT_PATH": "/nonexistent/event.json"},
         "modeltier: error: cannot read GITHUB_EVENT_PATH /nonexistent/event.json: "),
        ({"GITHUB_EVENT_NAME": "push"},
         "modeltier: error: the push event is not handled: run on pull_request, "
         "pull_request_target or merge_group\n"),
        ({"INPUT_COMMENT": "yes"},
         "modeltier: error: input comment must be true or false, not 'yes'\n"),
        ({"INPUT_GITHUB_TOKEN": "ghp_wrong"},
         "modeltier: error: identifying the token's user: GitHub answered 401"),
    ],
    ids=["unreadable-event", "unsupported-event", "bad-input", "bad-token"],
)
def test_error_when_the_environment_is_bad(
    fake: FakeGitHub, step: Step, env: dict[str, str], message: str
) -> None:
    fake.add_pull(REPO, NUMBER, files=[AUTH_FILE])
    result = step(pr_event(fake), **env)
    assert result.code == EXIT_BAD_INPUT
    assert result.stderr.startswith(message)
    assert "Traceback" not in result.stderr
    assert result.outputs == {}


def test_error_when_github_is_unreachable(fake: FakeGitHub, step: Step) -> None:
    fake.add_pull(REPO, NUMBER, files=[AUTH_FILE])
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{sock.getsockname()[1]}"
    result = step(pr_event(fake), GITHUB_API_URL=closed)
    assert result.code == EXIT_BAD_INPUT, "not 1 (enforcement failed), never 0"
    assert result.stderr.startswith(
        "modeltier: error: identifying the token's user: ConnectionError: ")
    assert "Traceback" not in result.stderr


def test_error_when_the_event_file_is_not_json(fake: FakeGitHub, step: Step, tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text("{not json", encoding="utf-8")
    result = step(None, GITHUB_EVENT_PATH=str(path))
    assert result.code == EXIT_BAD_INPUT
    assert result.stderr.startswith(f"modeltier: error: GITHUB_EVENT_PATH {path} is not a JSON event")


# --- workflow commands (pure) ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "data", "prop"),
    [
        ("plain", "plain", "plain"),
        ("50% done", "50%25 done", "50%25 done"),
        ("a\r\nb", "a%0D%0Ab", "a%0D%0Ab"),
        ("src/a,b.py:3", "src/a,b.py:3", "src/a%2Cb.py%3A3"),
        ("::set-env name=X::1", "::set-env name=X::1", "%3A%3Aset-env name=X%3A%3A1"),
        ("%0A", "%250A", "%250A"),
    ],
    ids=["plain", "percent", "newlines", "comma-colon", "command-in-value", "pre-escaped"],
)
def test_escaping_follows_the_workflow_command_rules(value: str, data: str, prop: str) -> None:
    assert escape_data(value) == data
    assert escape_property(value) == prop


def test_workflow_command_keeps_one_line() -> None:
    line = workflow_command("error", "bad\n::add-mask::x", file="a:b,c.py", line=3, title=None)
    assert line == "::error file=a%3Ab%2Cc.py,line=3::bad%0A::add-mask::x"
    assert "\n" not in line


def test_outputs_use_the_delimiter_form() -> None:
    text = output_file_text({"risk": "critical", "note": "two\nlines"}, delimiter="EOF_x")
    assert text == "risk<<EOF_x\ncritical\nEOF_x\nnote<<EOF_x\ntwo\nlines\nEOF_x\n"
    assert _parse_outputs(text) == {"risk": "critical", "note": "two\nlines"}
    with pytest.raises(ActionError, match="contains the delimiter"):
        output_file_text({"x": "a EOF_x b"}, delimiter="EOF_x")


@pytest.mark.parametrize(
    "policy", ["/etc/passwd", "../other/modeltier.yml"], ids=["absolute", "parent"]
)
def test_error_when_the_policy_input_leaves_the_repository(policy: str) -> None:
    with pytest.raises(ActionError, match="must be a path inside the repository"):
        read_inputs({"INPUT_POLICY": policy})


# --- fix text, override label and reviews (issue 10) ----------------------------------------------


OVERRIDE_LABEL = "modeltier:override"


def test_fix_text_names_what_the_action_reads(fake: FakeGitHub, step: Step) -> None:
    """The Action reads the description, labels and the override label, never a comment."""
    fake.add_pull(REPO, NUMBER, files=[AUTH_FILE])
    result = step(pr_event(fake))
    assert result.code == EXIT_ENFORCEMENT
    fix = next(line for line in result.summary.splitlines() if line.startswith("**How to fix"))
    assert "<code>Model: GPT-5.4</code>" in fix and "<code>model:gpt-5.4</code>" in fix
    assert f"add the label <code>{OVERRIDE_LABEL}</code>" in fix
    assert "/modeltier override" not in result.summary


def test_enforce_false_never_says_blocking(fake: FakeGitHub, step: Step) -> None:
    fake.add_pull(REPO, NUMBER, files=[AUTH_FILE])
    result = step(pr_event(fake), INPUT_ENFORCE="false")
    assert result.code == EXIT_OK
    assert "❓ Missing" not in result.summary
    assert "(a warning: the check still passes)" in result.summary
    assert "blocking" not in result.stdout + result.summary + our_comments(fake)[0]["body"]


@pytest.mark.parametrize(
    ("role", "code"), [("maintain", EXIT_OK), ("write", EXIT_ENFORCEMENT)],
    ids=["maintainer-overrides", "writer-refused"],
)
def test_the_override_label_is_honoured_with_the_apps_permission_check(
    fake: FakeGitHub, step: Step, role: str, code: int
) -> None:
    fake.add_pull(REPO, NUMBER, files=[AUTH_FILE])
    fake.set_permission(REPO, "mia", role)
    fake.label(REPO, NUMBER, OVERRIDE_LABEL, "mia")
    result = step(pr_event(fake, action="labeled"))
    assert result.code == code, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    if role == "maintain":  # the audit line, in the job's log
        head = fake.pull(REPO, NUMBER).head_sha
        assert (
            "::notice title=modeltier override::Override by @mia (maintain role) with the label "
            f"`{OVERRIDE_LABEL}` on head {head[:12]}: enforcement waived for auth."
        ) in lines
        assert "🔓 Overridden" in our_comments(fake)[0]["body"]
        assert OVERRIDE_LABEL in fake.labels_on(REPO, NUMBER)
    else:
        assert (
            "::warning title=modeltier override::The label `modeltier:override` is not an "
            "override: @mia (write role) added it, and it takes the maintain role or higher."
        ) in lines
        assert OVERRIDE_LABEL not in fake.labels_on(REPO, NUMBER), "a refused label is removed"


def test_an_override_label_whose_permission_check_meets_an_outage_fails_and_says_why(
    fake: FakeGitHub, step: Step
) -> None:
    """GitHub down while the label's adder is checked: a failed run naming the check and the
    reason, never an override honoured and never a traceback."""
    fake.add_pull(REPO, NUMBER, files=[AUTH_FILE])
    fake.set_permission(REPO, "mia", "maintain")
    fake.label(REPO, NUMBER, OVERRIDE_LABEL, "mia")
    fake.inject(502, count=None, path_contains="/collaborators/mia/permission")
    result = step(pr_event(fake, action="labeled"))
    assert result.code == EXIT_BAD_INPUT, result.stdout + result.stderr
    assert f"::error title=modeltier::reading mia's permission on {REPO}: RetryError" in (
        result.stdout)
    assert "Traceback" not in result.stderr and "Override by" not in result.stdout


def test_a_label_nobody_is_known_to_have_added_is_not_an_override(
    fake: FakeGitHub, step: Step
) -> None:
    fake.add_pull(REPO, NUMBER, files=[AUTH_FILE], labels=[OVERRIDE_LABEL])
    result = step(pr_event(fake))
    assert result.code == EXIT_ENFORCEMENT
    assert "added by someone GitHub does not name" not in result.stdout
    assert "someone GitHub does not name added it" in result.stdout


def test_a_review_event_passes_a_change_written_by_hand_once_approved(
    fake: FakeGitHub, step: Step
) -> None:
    fake.add_pull(REPO, NUMBER, body="Written by hand.\n\nModel: none\n", files=[AUTH_FILE])
    fake.set_permission(REPO, "mia", "maintain")
    first = step(pr_event(fake))
    assert first.code == EXIT_ENFORCEMENT
    assert "Ask someone with the maintain role or higher to review and approve" in first.summary
    assert "(the workflow must run on <code>pull&#95;request&#95;review</code>)" in first.summary
    fake.add_review(REPO, NUMBER, "mia", "APPROVED")
    event = {**pr_event(fake, action="submitted"),
             "review": {"state": "approved", "user": {"login": "mia", "type": "User"}}}
    second = step(event, event_name="pull_request_review")
    assert second.code == EXIT_OK, second.stdout + second.stderr
    assert second.outputs["verdict"] == "pass"


def test_the_pr_author_cannot_override_their_own_pr_with_the_label(
    fake: FakeGitHub, step: Step
) -> None:
    """As in the App: `enforcement.override.allow_author` is false by default, whatever the
    author's role."""
    fake.add_pull(REPO, NUMBER, files=[AUTH_FILE], user_login="mia")
    fake.set_permission(REPO, "mia", "admin")
    fake.label(REPO, NUMBER, OVERRIDE_LABEL, "mia")
    result = step(pr_event(fake, action="labeled"))
    assert result.code == EXIT_ENFORCEMENT
    assert (
        "::warning title=modeltier override::The label `modeltier:override` is not an override: "
        "@mia added it to their own pull request (the policy's "
        "`enforcement.override.allow_author` is false)."
    ) in result.stdout.splitlines()
