"""The fake GitHub, driven by PyGithub itself (and by raw HTTP where PyGithub has no API)."""

from __future__ import annotations

import base64
import threading
import time
from collections.abc import Iterator
from typing import Any

import github
import httpx
import jwt
import pytest
from github import Auth, GithubRetry

from tests.fakegithub import FakeGitHub, generate_rsa_keypair

REPO = "octo/app"
INSTALLATION = 42
HEAD = "a" * 40
BASE = "b" * 40
PATCH = "@@ -1,1 +1,3 @@\n-old\n+new\n+more\n"
CONFIG = "tiers:\n  critical: premium\n"


def client_kwargs(fake: FakeGitHub, **overrides: Any) -> dict[str, Any]:
    kwargs: dict[str, Any] = {
        "base_url": fake.url,
        "per_page": 100,
        "seconds_between_requests": 0,
        "seconds_between_writes": 0,
        "retry": None,
    }
    kwargs.update(overrides)
    return kwargs


def annotation(i: int) -> dict[str, Any]:
    return {
        "path": f"src/f{i}.py",
        "start_line": i + 1,
        "end_line": i + 1,
        "annotation_level": "warning",
        "message": f"finding {i}",
        "title": "sensitive area",
    }


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    with FakeGitHub() as server:
        server.add_repo(REPO, default_branch="main")
        server.add_installation(INSTALLATION, repos=[REPO])
        yield server
        assert server.server_errors() == []


@pytest.fixture
def gh(fake: FakeGitHub) -> Iterator[github.Github]:
    """A client using the fake's personal access token."""
    client = github.Github(auth=Auth.Token(fake.token), **client_kwargs(fake))
    yield client
    client.close()


@pytest.fixture
def integration(fake: FakeGitHub) -> Iterator[github.GithubIntegration]:
    gi = github.GithubIntegration(
        auth=Auth.AppAuth(fake.app_id, fake.app_private_key_pem), **client_kwargs(fake)
    )
    yield gi
    gi.close()


@pytest.fixture
def app_gh(integration: github.GithubIntegration) -> Iterator[github.Github]:
    """A client authenticated as the app's installation (JWT -> installation token)."""
    client = integration.get_github_for_installation(INSTALLATION)
    yield client
    client.close()


@pytest.fixture
def raw(fake: FakeGitHub) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=fake.url, headers={"Authorization": f"token {fake.token}"}
    ) as client:
        yield client


def seed_pull(fake: FakeGitHub, number: int = 7, files: int = 2, **kwargs: Any) -> None:
    entries: list[dict[str, Any]] = [
        {"filename": f"src/f{i}.py", "status": "modified", "patch": PATCH} for i in range(files)
    ]
    kwargs.setdefault("head_sha", HEAD)
    kwargs.setdefault("base_sha", BASE)
    fake.add_pull(
        REPO, number, title="Touch auth", body="desc", user_login="alice", files=entries, **kwargs
    )


# ---------------------------------------------------------------------- repositories & pulls
def test_repo_and_pull_objects_point_back_at_the_fake(fake: FakeGitHub, gh: github.Github) -> None:
    seed_pull(fake, labels=["needs-review"], draft=True)
    repo = gh.get_repo(REPO)
    assert (repo.full_name, repo.default_branch, repo.owner.login) == (REPO, "main", "octo")
    assert repo.url == f"{fake.url}/repos/{REPO}"
    pr = repo.get_pull(7)
    assert (pr.number, pr.title, pr.body, pr.user.login, pr.draft) == (
        7,
        "Touch auth",
        "desc",
        "alice",
        True,
    )
    assert (pr.head.sha, pr.head.ref, pr.base.sha, pr.base.ref) == (HEAD, "feature", BASE, "main")
    assert pr.head.repo.full_name == REPO
    assert [label.name for label in pr.labels] == ["needs-review"]
    assert (pr.additions, pr.deletions, pr.changed_files) == (4, 2, 2)  # counted from the patches
    assert pr.url.startswith(fake.url)
    assert pr.issue_url.startswith(fake.url)
    assert fake.count("GET", f"/repos/{REPO}") == 2  # repo + pull, nothing lazily re-fetched


def test_pull_files_paginate_with_link_headers(
    fake: FakeGitHub, gh: github.Github, raw: httpx.Client
) -> None:
    seed_pull(fake, files=250)
    fake.set_pull_files(
        REPO, 7, [*fake.pull(REPO, 7).files[:-1], {"filename": "logo.png", "status": "added"}]
    )
    files = list(gh.get_repo(REPO).get_pull(7).get_files())
    assert [f.filename for f in files[:2]] == ["src/f0.py", "src/f1.py"]
    assert len(files) == 250
    assert files[-1].filename == "logo.png"
    assert files[-1].patch is None
    pages = [
        r.query.get("page", "1") for r in fake.request_log("GET", f"/repos/{REPO}/pulls/7/files")
    ]
    assert pages == ["1", "2", "3"]

    resp = raw.get(f"/repos/{REPO}/pulls/7/files", params={"per_page": 100, "page": 2})
    assert resp.status_code == 200
    assert len(resp.json()) == 100
    links = resp.headers["link"]
    assert f'<{fake.url}/repos/{REPO}/pulls/7/files?per_page=100&page=3>; rel="next"' in links
    assert 'page=3>; rel="last"' in links
    assert 'page=1>; rel="prev"' in links
    assert len(raw.get(f"/repos/{REPO}/pulls/7/files", params={"per_page": 500}).json()) == 100


def test_pull_files_stop_at_githubs_3000_file_cap(fake: FakeGitHub, gh: github.Github) -> None:
    seed_pull(fake, files=3100)
    pr = gh.get_repo(REPO).get_pull(7)
    assert pr.changed_files == 3100  # the PR knows the truth...
    files = list(pr.get_files())
    assert len(files) == 3000  # ...the listing is truncated like GitHub's
    assert files[-1].filename == "src/f2999.py"
    assert fake.count("GET", f"/repos/{REPO}/pulls/7/files") == 30


def test_pull_commits_and_open_pull_listing(fake: FakeGitHub, gh: github.Github) -> None:
    commits = [
        {
            "sha": "c" * 40,
            "message": "first",
            "author_name": "Alice",
            "author_email": "a@x.io",
            "author_login": "alice",
        },
        {
            "sha": HEAD,
            "message": "second",
            "author_name": "Ghost",
            "author_email": "g@x.io",
            "author_login": None,
        },
    ]
    seed_pull(fake, commits=commits)
    for n in range(8, 13):
        fake.add_pull(
            REPO, n, head_sha=f"{n:040d}", head_ref=f"b{n}", state="closed" if n == 8 else "open"
        )
    repo = gh.get_repo(REPO)
    got = list(repo.get_pull(7).get_commits())
    assert [(c.sha, c.commit.message, c.commit.author.email) for c in got] == [
        ("c" * 40, "first", "a@x.io"),
        (HEAD, "second", "g@x.io"),
    ]
    assert got[0].author.login == "alice"
    assert got[1].author is None
    assert got[1].parents[0].sha == "c" * 40
    assert got[0].parents[0].sha == BASE
    open_numbers = [p.number for p in repo.get_pulls(state="open")]
    assert open_numbers == [12, 11, 10, 9, 7]  # newest first, closed #8 excluded
    assert [p.number for p in repo.get_pulls(state="closed")] == [8]


def test_push_synchronizes_head_commits_and_files(fake: FakeGitHub, gh: github.Github) -> None:
    seed_pull(fake)
    new_head = "d" * 40
    fake.push(
        REPO,
        7,
        new_head,
        files=[{"filename": "auth/login.py", "status": "added", "patch": "@@ -0,0 +1 @@\n+x"}],
    )
    pr = gh.get_repo(REPO).get_pull(7)
    assert pr.head.sha == new_head
    assert [c.sha for c in pr.get_commits()] == [HEAD, new_head]
    assert [(f.filename, f.status, f.additions) for f in pr.get_files()] == [
        ("auth/login.py", "added", 1)
    ]


def test_compare_returns_seeded_files_and_commits(fake: FakeGitHub, gh: github.Github) -> None:
    group_head = "e" * 40
    fake.set_branch(REPO, "gh-readonly-queue/main/pr-7-" + HEAD, group_head)
    fake.set_compare(
        REPO,
        BASE,
        group_head,
        files=[{"filename": "auth/login.py", "patch": PATCH}, {"filename": "logo.png"}],
        commits=[
            {"sha": HEAD, "message": "Fix login\n\nCo-Authored-By: Bot <bot@x.io>"},
            {"sha": group_head, "message": "Merge pull request #7", "author_login": "alice"},
        ],
    )
    cmp = gh.get_repo(REPO).compare(BASE, group_head)
    assert (cmp.status, cmp.ahead_by, cmp.behind_by, cmp.total_commits) == ("ahead", 2, 0, 2)
    assert [(f.filename, f.status, f.additions, f.deletions) for f in cmp.files] == [
        ("auth/login.py", "modified", 2, 1),
        ("logo.png", "modified", 0, 0),
    ]
    assert cmp.files[0].patch == PATCH
    assert cmp.files[1].patch is None
    commits = list(cmp.commits)
    assert [c.sha for c in commits] == [HEAD, group_head]
    assert commits[0].commit.message.endswith("Co-Authored-By: Bot <bot@x.io>")
    assert commits[0].parents[0].sha == BASE
    assert commits[1].author.login == "alice"
    assert (cmp.base_commit.sha, cmp.merge_base_commit.sha) == (BASE, BASE)
    assert cmp.url == f"{fake.url}/repos/{REPO}/compare/{BASE}...{group_head}"
    assert fake.count("GET", f"/repos/{REPO}/compare/") == 1
    # a branch name works as well as a sha, with or without the owner prefix
    by_ref = gh.get_repo(REPO).compare("octo:" + BASE, "gh-readonly-queue/main/pr-7-" + HEAD)
    assert [f.filename for f in by_ref.files] == ["auth/login.py", "logo.png"]


def test_compare_paginates_commits_and_lists_files_on_the_first_page(
    fake: FakeGitHub, gh: github.Github, raw: httpx.Client
) -> None:
    commits = [{"sha": f"{i:040x}", "message": f"c{i}"} for i in range(1, 261)]
    fake.set_compare(REPO, BASE, commits[-1]["sha"], files=["a.py"], commits=commits)
    cmp = gh.get_repo(REPO).compare(BASE, commits[-1]["sha"], comparison_commits_per_page=100)
    assert len(list(cmp.commits)) == 260
    pages = [r.query.get("page") for r in fake.request_log("GET", f"/repos/{REPO}/compare/")]
    assert pages == ["1", "2", "3"]
    second = raw.get(f"/repos/{REPO}/compare/{BASE}...{commits[-1]['sha']}", params={"page": 2})
    assert "files" not in second.json()
    assert [c["sha"] for c in second.json()["commits"]] == [c["sha"] for c in commits[250:]]
    unpaged = raw.get(f"/repos/{REPO}/compare/{BASE}...{commits[-1]['sha']}").json()
    assert (len(unpaged["commits"]), unpaged["total_commits"]) == (250, 260)


def test_compare_without_a_seed(fake: FakeGitHub, raw: httpx.Client) -> None:
    seed_pull(fake)
    from_pull = raw.get(f"/repos/{REPO}/compare/{BASE}...{HEAD}").json()
    assert [f["filename"] for f in from_pull["files"]] == ["src/f0.py", "src/f1.py"]
    assert [c["sha"] for c in from_pull["commits"]] == [HEAD]
    same = raw.get(f"/repos/{REPO}/compare/main...main").json()
    assert (same["status"], same["commits"], same["files"]) == ("identical", [], [])
    unrelated = raw.get(f"/repos/{REPO}/compare/{HEAD}...{BASE}")
    assert unrelated.status_code == 404
    assert unrelated.json()["message"] == f"No common ancestor between {HEAD} and {BASE}."
    assert raw.get(f"/repos/{REPO}/compare/main...nope").status_code == 404
    assert raw.get(f"/repos/{REPO}/compare/{BASE}..{HEAD}").status_code == 404


def test_diff_media_type_and_its_size_limit(fake: FakeGitHub, raw: httpx.Client) -> None:
    seed_pull(fake, files=2)
    resp = raw.get(f"/repos/{REPO}/pulls/7", headers={"Accept": "application/vnd.github.diff"})
    assert resp.headers["content-type"].startswith("application/vnd.github.diff")
    assert resp.text.startswith("diff --git a/src/f0.py b/src/f0.py\n")
    assert "+++ b/src/f1.py\n@@ -1,1 +1,3 @@\n-old\n+new\n" in resp.text
    fake.set_pull_files(REPO, 7, [f"f{i}.py" for i in range(301)])
    too_big = raw.get(f"/repos/{REPO}/pulls/7", headers={"Accept": "application/vnd.github.diff"})
    assert too_big.status_code == 406
    assert too_big.json()["errors"][0]["code"] == "too_large"


# ---------------------------------------------------------------------- contents
def test_contents_at_branch_and_sha_and_404(
    fake: FakeGitHub, gh: github.Github, raw: httpx.Client
) -> None:
    fake.set_file(REPO, ref="main", path=".github/modeltier.yml", content=CONFIG)
    seed_pull(fake, base_sha=None)  # base sha = head of main, so it shares main's files
    repo = gh.get_repo(REPO)
    base_sha = repo.get_pull(7).base.sha
    for ref in ("main", base_sha):
        content = repo.get_contents(".github/modeltier.yml", ref=ref)
        assert not isinstance(content, list)
        assert content.decoded_content.decode() == CONFIG
        assert (content.type, content.encoding, content.path) == (
            "file",
            "base64",
            ".github/modeltier.yml",
        )
    assert repo.get_contents(".github/modeltier.yml").sha == content.sha  # default branch
    with pytest.raises(github.UnknownObjectException) as info:
        repo.get_contents(".github/missing.yml", ref="main")
    assert info.value.status == 404
    assert info.value.data["message"] == "Not Found"
    assert "documentation_url" in info.value.data
    listing = repo.get_contents(".github")
    assert isinstance(listing, list)
    assert [c.name for c in listing] == ["modeltier.yml"]
    body = raw.get(f"/repos/{REPO}/contents/.github/modeltier.yml").json()
    assert base64.b64decode(body["content"]) == CONFIG.encode()
    assert raw.get(f"/repos/{REPO}/contents/x", params={"ref": "nope"}).status_code == 404


# ---------------------------------------------------------------------- comments & labels
def test_comments_as_installation_bot_and_as_user(
    fake: FakeGitHub, app_gh: github.Github, gh: github.Github
) -> None:
    seed_pull(fake)
    pr = app_gh.get_repo(REPO).get_pull(7)
    comment = pr.create_issue_comment("<!-- modeltier --> first")
    assert (comment.user.login, comment.user.type) == ("modeltier[bot]", "Bot")
    comment.edit("<!-- modeltier --> second")
    assert comment.body == "<!-- modeltier --> second"
    assert app_gh.get_repo(REPO).get_issue(7).get_comment(comment.id).body.endswith("second")
    gh.get_repo(REPO).get_pull(7).create_issue_comment("human")
    stored = fake.comments(REPO, 7)
    assert [(c["body"], c["user"]["login"], c["user"]["type"]) for c in stored] == [
        ("<!-- modeltier --> second", "modeltier[bot]", "Bot"),
        ("human", "octocat", "User"),
    ]
    assert [c.body for c in pr.get_issue_comments()] == ["<!-- modeltier --> second", "human"]
    assert stored[0]["performed_via_github_app"]["slug"] == "modeltier"

    with pytest.raises(github.GithubException) as too_long:
        pr.create_issue_comment("x" * 65_537)
    assert too_long.value.status == 422
    assert "maximum is 65536" in too_long.value.data["errors"][0]["message"]
    pr.create_issue_comment("x" * 65_536)  # exactly at the limit is fine
    human = pr.get_issue_comment(stored[1]["id"])
    with pytest.raises(github.GithubException) as not_ours:
        human.edit("the bot may not edit a human's comment")
    assert not_ours.value.status == 403


def test_labels_add_remove_replace(fake: FakeGitHub, app_gh: github.Github) -> None:
    seed_pull(fake, labels=["keep"])
    pr = app_gh.get_repo(REPO).get_pull(7)
    pr.add_to_labels("modeltier:premium", "modeltier:critical")
    assert fake.labels_on(REPO, 7) == ["keep", "modeltier:critical", "modeltier:premium"]
    pr.remove_from_labels("modeltier:critical")
    assert fake.labels_on(REPO, 7) == ["keep", "modeltier:premium"]
    with pytest.raises(github.GithubException) as absent:
        pr.remove_from_labels("modeltier:critical")
    assert absent.value.status == 404
    assert absent.value.data["message"] == "Label does not exist"
    pr.set_labels("only")
    assert [label.name for label in pr.get_labels()] == ["only"]
    assert fake.labels_on(REPO, 7) == ["only"]


# ---------------------------------------------------------------------- check runs & statuses
def test_check_run_annotations_accumulate_in_batches_of_50(
    fake: FakeGitHub, app_gh: github.Github, gh: github.Github
) -> None:
    seed_pull(fake)
    repo = app_gh.get_repo(REPO)
    run = repo.create_check_run(
        "modeltier",
        HEAD,
        status="in_progress",
        output={
            "title": "Tier",
            "summary": "batch 1",
            "annotations": [annotation(i) for i in range(50)],
        },
    )
    assert (run.status, run.output.annotations_count) == ("in_progress", 50)
    run.edit(
        conclusion="failure",
        output={
            "title": "Tier",
            "summary": "batch 2",
            "annotations": [annotation(i) for i in range(50, 60)],
        },
    )
    assert (run.status, run.conclusion, run.output.summary) == ("completed", "failure", "batch 2")
    assert run.output.annotations_count == 60
    assert run.completed_at is not None
    assert [a.message for a in run.get_annotations()][-1] == "finding 59"
    (stored,) = fake.check_runs(REPO, head_sha=HEAD)
    assert len(stored["annotations"]) == 60
    assert stored["updates"] == 1
    assert stored["pull_requests"][0]["number"] == 7

    with pytest.raises(github.GithubException) as too_many:
        run.edit(
            output={
                "title": "Tier",
                "summary": "s",
                "annotations": [annotation(i) for i in range(51)],
            }
        )
    assert too_many.value.status == 422
    assert "No more than 50 items are allowed; 51 were supplied" in too_many.value.data["message"]
    with pytest.raises(github.GithubException) as long_title:
        repo.create_check_run("x", HEAD, output={"title": "t" * 256, "summary": "s"})
    assert long_title.value.status == 422
    with pytest.raises(github.GithubException) as long_summary:
        repo.create_check_run("x", HEAD, output={"title": "t", "summary": "s" * 65_536})
    assert long_summary.value.status == 422
    assert len(fake.check_runs(REPO)) == 1  # rejected requests changed nothing

    with pytest.raises(github.GithubException) as personal:
        gh.get_repo(REPO).create_check_run("modeltier", HEAD)
    assert personal.value.status == 403
    assert personal.value.data["message"] == "You must authenticate via a GitHub App."


def test_check_runs_for_ref_filter_by_name_and_statuses(
    fake: FakeGitHub, app_gh: github.Github
) -> None:
    seed_pull(fake)
    repo = app_gh.get_repo(REPO)
    repo.create_check_run("lint", HEAD, conclusion="success")
    old = repo.create_check_run("modeltier", HEAD, status="queued")
    new = repo.create_check_run("modeltier", HEAD, status="in_progress")
    commit = repo.get_commit(HEAD)
    assert [r.id for r in commit.get_check_runs(check_name="modeltier")] == [new.id]  # latest only
    assert {r.id for r in commit.get_check_runs(check_name="modeltier", filter="all")} == {
        old.id,
        new.id,
    }
    assert commit.get_check_runs().totalCount == 2
    with pytest.raises(github.GithubException) as unknown:
        repo.create_check_run("modeltier", "f" * 40)
    assert unknown.value.status == 422
    assert "No commit found for SHA" in unknown.value.data["message"]

    commit.create_status("pending", description="analysing", context="modeltier")
    commit.create_status("success", description="tier: premium", context="modeltier")
    assert commit.get_combined_status().state == "success"
    assert [s["state"] for s in fake.statuses(REPO, HEAD)] == ["pending", "success"]
    with pytest.raises(github.GithubException) as long_description:
        commit.create_status("success", description="d" * 141, context="modeltier")
    assert long_description.value.status == 422


# ---------------------------------------------------------------------- permissions & auth
@pytest.mark.parametrize(
    ("role", "legacy"),
    [
        ("admin", "admin"),
        ("maintain", "write"),
        ("write", "write"),
        ("triage", "read"),
        ("read", "read"),
        ("none", "none"),
    ],
)
def test_collaborator_permission_role_name(
    fake: FakeGitHub, app_gh: github.Github, role: str, legacy: str
) -> None:
    fake.set_permission(REPO, "bob", role)
    repo = app_gh.get_repo(REPO)
    assert repo.get_collaborator_role_name("bob") == role
    assert repo.get_collaborator_permission("bob") == legacy


def test_collaborator_permission_for_unknown_user_is_404(
    fake: FakeGitHub, gh: github.Github
) -> None:
    with pytest.raises(github.UnknownObjectException):
        gh.get_repo(REPO).get_collaborator_permission("nobody-at-all")


def test_installation_token_flow(
    fake: FakeGitHub, integration: github.GithubIntegration, app_gh: github.Github
) -> None:
    assert app_gh.get_repo(REPO).full_name == REPO
    (token_request,) = fake.request_log("POST", f"/app/installations/{INSTALLATION}/access_tokens")
    assert token_request.headers["authorization"].startswith("Bearer eyJ")
    assert token_request.status == 201
    (repo_request,) = fake.request_log("GET", f"/repos/{REPO}")
    assert repo_request.headers["authorization"].startswith("token ghs_")
    assert repo_request.identity == f"installation:{INSTALLATION}"
    assert integration.get_app().slug == "modeltier"
    assert integration.get_repo_installation("octo", "app").id == INSTALLATION
    with pytest.raises(github.UnknownObjectException):
        integration.get_app_installation(999)

    fake.add_repo("other/repo")  # not part of the installation: invisible to its tokens
    with pytest.raises(github.UnknownObjectException):
        app_gh.get_repo("other/repo")
    token = integration.get_access_token(INSTALLATION).token
    with github.Github(auth=Auth.Token(token), **client_kwargs(fake)) as direct:
        assert direct.get_repo(REPO).full_name == REPO
        fake.expire_tokens(INSTALLATION)
        with pytest.raises(github.BadCredentialsException):
            direct.get_repo(REPO)


def test_jwt_signed_by_another_key_is_rejected(fake: FakeGitHub) -> None:
    other_private, _ = generate_rsa_keypair()
    kwargs = client_kwargs(fake)
    with github.GithubIntegration(auth=Auth.AppAuth(fake.app_id, other_private), **kwargs) as gi:
        with pytest.raises(github.GithubException) as wrong_key:
            gi.get_access_token(INSTALLATION)
        assert wrong_key.value.status == 401
    with github.GithubIntegration(auth=Auth.AppAuth(999, fake.app_private_key_pem), **kwargs) as gi:
        with pytest.raises(github.GithubException) as wrong_issuer:
            gi.get_app()
        assert wrong_issuer.value.status == 401
    assert [r.status for r in fake.requests] == [401, 401]
    assert [r.identity for r in fake.requests] == [None, None]  # never authenticated


def test_jwt_lifetime_rules(fake: FakeGitHub, raw: httpx.Client) -> None:
    longest = Auth.AppAuth(fake.app_id, fake.app_private_key_pem, jwt_expiry=600)
    with github.GithubIntegration(auth=longest, **client_kwargs(fake)) as gi:
        assert gi.get_app().id == fake.app_id  # GitHub's maximum (exp = now + 10 min) is fine

    def call_with(claims: dict[str, Any]) -> httpx.Response:
        token = jwt.encode(claims, fake.app_private_key_pem, algorithm="RS256")
        return raw.get("/app", headers={"Authorization": f"Bearer {token}"})

    now = int(time.time())
    too_long = call_with({"iss": str(fake.app_id), "iat": now - 60, "exp": now + 700})
    assert too_long.status_code == 401
    assert "too far in the future" in too_long.json()["message"]
    expired = call_with({"iss": str(fake.app_id), "iat": now - 900, "exp": now - 300})
    assert expired.status_code == 401
    assert call_with({"iss": str(fake.app_id), "iat": now - 60, "exp": now + 60}).status_code == 200
    installation_token = fake.installation_token(INSTALLATION)
    not_a_jwt = raw.get("/app", headers={"Authorization": f"Bearer {installation_token}"})
    assert not_a_jwt.status_code == 401


def test_installation_permissions_are_enforced(fake: FakeGitHub) -> None:
    fake.add_repo("octo/readonly")
    fake.add_installation(
        7, repos=["octo/readonly"], permissions={"metadata": "read", "issues": "read"}
    )
    fake.add_issue("octo/readonly", 1)
    with github.Github(
        auth=Auth.Token(fake.installation_token(7)), **client_kwargs(fake)
    ) as client:
        issue = client.get_repo("octo/readonly").get_issue(1)
        with pytest.raises(github.GithubException) as denied:
            issue.create_comment("nope")
        assert denied.value.status == 403
        assert denied.value.data["message"] == "Resource not accessible by integration"
    assert fake.comments("octo/readonly", 1) == []


def test_missing_and_bad_credentials(fake: FakeGitHub) -> None:
    with httpx.Client(base_url=fake.url) as anonymous:
        resp = anonymous.get(f"/repos/{REPO}")
        assert resp.headers["x-ratelimit-limit"] == "60"  # even a 401 carries the headers
        assert resp.status_code == 401
        assert resp.json()["message"] == "Requires authentication"
        bad = anonymous.get(f"/repos/{REPO}", headers={"Authorization": "token ghp_wrong"})
        assert bad.status_code == 401
        assert bad.json()["message"] == "Bad credentials"
        assert (
            anonymous.get("/nope", headers={"Authorization": f"token {fake.token}"}).status_code
            == 404
        )
    with (
        github.Github(auth=Auth.Token("ghp_wrong"), **client_kwargs(fake)) as client,
        pytest.raises(github.BadCredentialsException),
    ):
        client.get_repo(REPO)


def test_anonymous_mode_reads_public_repos_only() -> None:
    with FakeGitHub(allow_anonymous=True) as fake, httpx.Client(base_url=fake.url) as anonymous:
        fake.add_repo("octo/public")
        fake.add_repo("octo/secret", private=True)
        resp = anonymous.get("/repos/octo/public")
        assert resp.status_code == 200
        assert resp.headers["x-ratelimit-limit"] == "60"
        assert anonymous.get("/repos/octo/secret").status_code == 404
        assert (
            anonymous.post("/repos/octo/public/issues/1/comments", json={"body": "x"}).status_code
            == 401
        )


def test_ghe_style_path_prefix() -> None:
    with FakeGitHub(path_prefix="/api/v3") as fake:
        fake.add_repo(REPO)
        seed_pull(fake, files=150)
        with github.Github(auth=Auth.Token(fake.token), **client_kwargs(fake)) as client:
            assert fake.url.endswith("/api/v3")
            pr = client.get_repo(REPO).get_pull(7)
            assert pr.url == f"{fake.url}/repos/{REPO}/pulls/7"
            assert len(list(pr.get_files())) == 150  # the Link header keeps the prefix
        assert fake.count(path_prefix="/repos/") == 4


# ------------------------------------------------------------- headers, counting, rate limits
def test_every_response_carries_github_headers(fake: FakeGitHub, raw: httpx.Client) -> None:
    first = raw.get(f"/repos/{REPO}")
    second = raw.get(f"/repos/{REPO}/pulls/99")  # a 404 still costs a request
    third = raw.get("/rate_limit")  # free, as on GitHub
    for resp in (first, second, third):
        assert resp.headers["content-type"] == "application/json; charset=utf-8"
        assert resp.headers["x-github-request-id"]
        assert int(resp.headers["x-ratelimit-reset"]) > time.time()
    assert first.headers["x-github-request-id"] != second.headers["x-github-request-id"]
    remaining = [int(r.headers["x-ratelimit-remaining"]) for r in (first, second, third)]
    assert remaining == [4999, 4998, 4998]
    assert second.headers["x-ratelimit-used"] == "2"
    assert third.json()["resources"]["core"]["remaining"] == 4998


def test_request_log_and_counting(fake: FakeGitHub, gh: github.Github) -> None:
    seed_pull(fake)
    repo = gh.get_repo(REPO)
    repo.get_pull(7).create_issue_comment("hi")
    assert fake.count() == 3
    assert fake.count("GET") == 2
    assert fake.count("POST", f"/repos/{REPO}/issues/7/comments") == 1
    (post,) = fake.request_log("POST")
    assert post.json == {"body": "hi"}
    assert post.status == 201
    assert post.identity == "user:octocat"
    fake.reset_counts()
    assert fake.count() == 0
    assert fake.requests == []


def test_primary_rate_limit_exhaustion(fake: FakeGitHub, gh: github.Github) -> None:
    fake.set_rate_limit(1, identity="user:octocat", reset_in=30)
    gh.get_repo(REPO)
    with pytest.raises(github.RateLimitExceededException) as info:
        gh.get_repo(REPO)
    assert info.value.headers["x-ratelimit-remaining"] == "0"
    assert fake.rate_limit_remaining("user:octocat") == 0


# ---------------------------------------------------------------------- fault injection
def test_injected_primary_rate_limit(fake: FakeGitHub, gh: github.Github) -> None:
    fake.inject_primary_rate_limit(reset_in=30, count=1)
    with pytest.raises(github.RateLimitExceededException) as info:
        gh.get_repo(REPO)
    assert info.value.data["message"].startswith("API rate limit exceeded for user ID")
    assert info.value.headers["x-ratelimit-remaining"] == "0"
    assert int(info.value.headers["x-ratelimit-reset"]) >= int(time.time()) + 28
    assert gh.get_repo(REPO).full_name == REPO


def test_502_is_retried_by_github_retry(fake: FakeGitHub) -> None:
    fault = fake.inject(502, count=2, method="GET", path_contains="/repos/octo/app")
    retry = GithubRetry(total=3, backoff_factor=0)
    with github.Github(auth=Auth.Token(fake.token), **client_kwargs(fake, retry=retry)) as client:
        assert client.get_repo(REPO).full_name == REPO
    assert [r.status for r in fake.requests] == [502, 502, 200]
    assert [r.injected for r in fake.requests] == [True, True, False]
    assert (fault.hits, fault.remaining) == (2, 0)


def test_502_without_retry_surfaces(fake: FakeGitHub, gh: github.Github) -> None:
    fake.inject(502, count=1)
    with pytest.raises(github.GithubException) as info:
        gh.get_repo(REPO)
    assert info.value.status == 502
    assert gh.get_repo(REPO).full_name == REPO  # the rule is used up


def test_secondary_rate_limit_retry_after_is_honoured(fake: FakeGitHub) -> None:
    fake.inject_secondary_rate_limit(retry_after=1, count=1, method="GET")
    retry = GithubRetry(total=3, backoff_factor=0, secondary_rate_wait=30)
    started = time.monotonic()
    with github.Github(auth=Auth.Token(fake.token), **client_kwargs(fake, retry=retry)) as client:
        assert client.get_repo(REPO).full_name == REPO
    assert 0.9 <= time.monotonic() - started < 5
    limited, ok = fake.requests
    assert (limited.status, ok.status) == (403, 200)
    assert ok.time - limited.time >= 0.9  # waited Retry-After (1 s), not secondary_rate_wait (30 s)


def test_delay_disconnect_and_custom_bodies(fake: FakeGitHub, raw: httpx.Client) -> None:
    fake.inject_delay(0.3, count=1, path_contains="/pulls")
    fake.inject(
        429, headers={"Retry-After": "7", "x-ratelimit-reset": "123"}, body={"message": "slow down"}
    )
    fake.inject_disconnect(count=1)
    seed_pull(fake)
    limited = raw.get(f"/repos/{REPO}")
    assert limited.status_code == 429
    assert limited.json() == {"message": "slow down"}
    assert limited.headers["retry-after"] == "7"
    assert limited.headers["x-ratelimit-reset"] == "123"
    with pytest.raises(httpx.TransportError):
        raw.get(f"/repos/{REPO}")
    started = time.monotonic()
    assert raw.get(f"/repos/{REPO}/pulls/7").status_code == 200
    assert time.monotonic() - started >= 0.3
    assert [r.status for r in fake.requests] == [429, None, 200]


def test_fail_rate_is_seeded_and_can_be_switched_off(fake: FakeGitHub, raw: httpx.Client) -> None:
    def run() -> list[int]:
        return [raw.get(f"/repos/{REPO}").status_code for _ in range(40)]

    fake.fail_rate(0.3, statuses=[500, 502], seed=7)
    first = run()
    fake.fail_rate(0.3, statuses=[500, 502], seed=7)
    assert run() == first
    assert {500, 502, 200} == set(first)
    fake.fail_rate(0)
    assert set(run()) == {200}


def test_lost_responses_at_a_rate_write_then_hang_up(fake: FakeGitHub, raw: httpx.Client) -> None:
    """A seeded share of the matching POSTs is processed and left unanswered; others pass."""
    seed_pull(fake)

    def run() -> list[bool]:
        answered = []
        for i in range(40):
            try:
                raw.post(f"/repos/{REPO}/issues/7/comments", json={"body": f"c{i}"})
                answered.append(True)
            except httpx.TransportError:
                answered.append(False)
        return answered

    lost = fake.inject_lost_response(count=None, method="POST", path_contains="/comments",
                                     probability=0.25, seed=3)
    first = run()
    assert 0 < first.count(False) < 40
    assert lost.hits == first.count(False)
    assert len(fake.comments(REPO, 7)) == 40  # every write happened, answered or not
    assert raw.get(f"/repos/{REPO}").status_code == 200  # a GET does not match
    fake.clear_faults()
    again = fake.inject_lost_response(count=None, method="POST", path_contains="/comments",
                                      probability=0.25, seed=3)
    assert run() == first
    assert again.hits == lost.hits


# ---------------------------------------------------------------------- app webhooks
def test_hook_deliveries_cursor_pagination_and_redelivery(
    fake: FakeGitHub, integration: github.GithubIntegration
) -> None:
    ids = [
        fake.add_hook_delivery(event="pull_request", action="opened", status_code=code)
        for code in (200, 502, 200)
    ]
    requester = integration.requester
    headers, page = requester.requestJsonAndCheck(
        "GET", "/app/hook/deliveries", parameters={"per_page": 2}
    )
    assert [d["id"] for d in page] == [ids[2], ids[1]]  # newest first
    assert page[1]["status_code"] == 502
    assert 'rel="next"' in headers["link"]
    assert f"cursor=v1_{ids[1]}" in headers["link"]
    _, rest = requester.requestJsonAndCheck("GET", headers["link"].split(">")[0][1:])
    assert [d["id"] for d in rest] == [ids[0]]
    status, _, _ = requester.requestJson("POST", f"/app/hook/deliveries/{ids[1]}/attempts")
    assert status == 202
    assert fake.redeliveries() == [ids[1]]


# ---------------------------------------------------------------------- server mechanics
def test_concurrent_clients_are_all_served(fake: FakeGitHub) -> None:
    seed_pull(fake)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            with httpx.Client(
                base_url=fake.url, headers={"Authorization": f"token {fake.token}"}
            ) as c:
                for i in range(20):
                    r = c.post(f"/repos/{REPO}/issues/7/comments", json={"body": f"c{i}"})
                    assert r.status_code == 201
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    comments = fake.comments(REPO, 7)
    assert len(comments) == 160
    assert len({c["id"] for c in comments}) == 160
    assert fake.count("POST") == 160
    assert fake.rate_limit_remaining("user:octocat") == 5000 - 160


def test_stop_is_idempotent_and_frees_the_port() -> None:
    fake = FakeGitHub().start()
    url = fake.url
    with httpx.Client(base_url=url, headers={"Authorization": f"token {fake.token}"}) as c:
        assert c.get("/rate_limit").status_code == 200  # keep-alive connection left open
        fake.stop()
        fake.stop()
        with pytest.raises(httpx.TransportError):
            c.get("/rate_limit")
    with pytest.raises(RuntimeError):
        FakeGitHub().url  # noqa: B018 - not started
