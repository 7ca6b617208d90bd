"""Render the fake's state as GitHub REST JSON objects.

Every ``url``-like field points back at the fake (``api`` is the API root, e.g.
``http://127.0.0.1:PORT`` or ``http://127.0.0.1:PORT/api/v3``; ``web`` is the "HTML" root),
so PyGithub's lazy completion never tries to reach api.github.com.
"""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import quote

from ._state import (
    MAX_CONTENT_INLINE,
    CheckRunState,
    CommentState,
    ComparisonState,
    HookDeliveryState,
    InstallationState,
    IssueState,
    LabelState,
    PullState,
    RepoState,
    StatusState,
    UserState,
    git_blob_sha,
    iso,
)


def node_id(kind: str, ident: object) -> str:
    return base64.b64encode(f"0{len(kind)}:{kind}{ident}".encode()).decode().rstrip("=")


def b64_lines(data: bytes) -> str:
    """Base64 wrapped at 60 characters per line, as GitHub's contents API sends it."""
    encoded = base64.b64encode(data).decode()
    return "".join(encoded[i : i + 60] + "\n" for i in range(0, len(encoded), 60))


class Shapes:
    def __init__(self, api: str, web: str, app: dict[str, Any]) -> None:
        self.api = api
        self.web = web
        self.app_info = app  # id, slug, name, client_id, owner (UserState), created_at

    # ------------------------------------------------------------------ users & apps
    def user(self, u: UserState) -> dict[str, Any]:
        q = quote(u.login, safe="")
        url = f"{self.api}/users/{q}"
        html = (
            f"{self.web}/apps/{u.login.removesuffix('[bot]')}"
            if u.type == "Bot"
            else f"{self.web}/{u.login}"
        )
        return {
            "login": u.login,
            "id": u.id,
            "node_id": node_id("User", u.id),
            "avatar_url": f"{self.web}/avatars/u/{u.id}?v=4",
            "gravatar_id": "",
            "url": url,
            "html_url": html,
            "followers_url": f"{url}/followers",
            "following_url": f"{url}/following{{/other_user}}",
            "gists_url": f"{url}/gists{{/gist_id}}",
            "starred_url": f"{url}/starred{{/owner}}{{/repo}}",
            "subscriptions_url": f"{url}/subscriptions",
            "organizations_url": f"{url}/orgs",
            "repos_url": f"{url}/repos",
            "events_url": f"{url}/events{{/privacy}}",
            "received_events_url": f"{url}/received_events",
            "type": u.type,
            "user_view_type": "public",
            "site_admin": u.site_admin,
        }

    def app(self) -> dict[str, Any]:
        a = self.app_info
        return {
            "id": a["id"],
            "slug": a["slug"],
            "node_id": node_id("Integration", a["id"]),
            "client_id": a["client_id"],
            "owner": self.user(a["owner"]),
            "name": a["name"],
            "description": "Fake GitHub App",
            "external_url": f"{self.web}/apps/{a['slug']}",
            "html_url": f"{self.web}/apps/{a['slug']}",
            "created_at": iso(a["created_at"]),
            "updated_at": iso(a["created_at"]),
            "permissions": dict(a["permissions"]),
            "events": list(a["events"]),
            "installations_count": a["installations_count"],
        }

    def installation(self, inst: InstallationState) -> dict[str, Any]:
        a = self.app_info
        return {
            "id": inst.id,
            "account": self.user(inst.account),
            "repository_selection": inst.repository_selection,
            "access_tokens_url": f"{self.api}/app/installations/{inst.id}/access_tokens",
            "repositories_url": f"{self.api}/installation/repositories",
            "html_url": (
                f"{self.web}/organizations/{inst.account.login}/settings/installations/{inst.id}"
            ),
            "app_id": a["id"],
            "app_slug": a["slug"],
            "client_id": a["client_id"],
            "target_id": inst.account.id,
            "target_type": inst.account.type,
            "permissions": dict(inst.permissions),
            "events": list(inst.events),
            "created_at": iso(inst.created_at),
            "updated_at": iso(inst.created_at),
            "single_file_name": None,
            "has_multiple_single_files": False,
            "single_file_paths": [],
            "suspended_by": None,
            "suspended_at": iso(inst.suspended_at),
        }

    # ------------------------------------------------------------------ repositories
    def repo_url(self, r: RepoState) -> str:
        return f"{self.api}/repos/{r.full_name}"

    def repo(self, r: RepoState, viewer_role: str | None = None) -> dict[str, Any]:
        url = self.repo_url(r)
        html = f"{self.web}/{r.full_name}"
        out: dict[str, Any] = {
            "id": r.id,
            "node_id": node_id("Repository", r.id),
            "name": r.name,
            "full_name": r.full_name,
            "private": r.private,
            "owner": self.user(r.owner),
            "html_url": html,
            "description": r.description,
            "fork": r.fork,
            "url": url,
            "archive_url": f"{url}/{{archive_format}}{{/ref}}",
            "branches_url": f"{url}/branches{{/branch}}",
            "collaborators_url": f"{url}/collaborators{{/collaborator}}",
            "comments_url": f"{url}/comments{{/number}}",
            "commits_url": f"{url}/commits{{/sha}}",
            "compare_url": f"{url}/compare/{{base}}...{{head}}",
            "contents_url": f"{url}/contents/{{+path}}",
            "git_commits_url": f"{url}/git/commits{{/sha}}",
            "hooks_url": f"{url}/hooks",
            "issue_comment_url": f"{url}/issues/comments{{/number}}",
            "issues_url": f"{url}/issues{{/number}}",
            "labels_url": f"{url}/labels{{/name}}",
            "pulls_url": f"{url}/pulls{{/number}}",
            "statuses_url": f"{url}/statuses/{{sha}}",
            "git_url": f"git://{self.web.split('://', 1)[1]}/{r.full_name}.git",
            "ssh_url": f"git@{self.web.split('://', 1)[1]}:{r.full_name}.git",
            "clone_url": f"{html}.git",
            "homepage": None,
            "size": 0,
            "stargazers_count": 0,
            "watchers_count": 0,
            "language": "Python",
            "has_issues": True,
            "has_projects": False,
            "has_wiki": False,
            "has_pages": False,
            "has_discussions": False,
            "forks_count": 0,
            "archived": r.archived,
            "disabled": False,
            "open_issues_count": sum(1 for i in r.issues.values() if i.state == "open"),
            "license": None,
            "allow_forking": True,
            "is_template": False,
            "topics": [],
            "visibility": "private" if r.private else "public",
            "forks": 0,
            "open_issues": sum(1 for i in r.issues.values() if i.state == "open"),
            "watchers": 0,
            "default_branch": r.default_branch,
            "created_at": iso(r.created_at),
            "updated_at": iso(r.updated_at),
            "pushed_at": iso(r.updated_at),
        }
        if viewer_role is not None:
            rank = ["none", "read", "triage", "write", "maintain", "admin"]
            level = rank.index(viewer_role) if viewer_role in rank else 1
            out["permissions"] = {
                "admin": level >= 5,
                "maintain": level >= 4,
                "push": level >= 3,
                "triage": level >= 2,
                "pull": level >= 1,
            }
        return out

    # ------------------------------------------------------------------ contents
    def content_file(self, r: RepoState, path: str, data: bytes, ref: str) -> dict[str, Any]:
        qpath = quote(path)
        sha = git_blob_sha(data)
        inline = len(data) <= MAX_CONTENT_INLINE
        out = self._content_entry(r, path, "file", sha, len(data), ref)
        out["content"] = b64_lines(data) if inline else ""
        out["encoding"] = "base64" if inline else "none"
        out["download_url"] = f"{self.web}/{r.full_name}/raw/{quote(ref)}/{qpath}"
        return out

    def content_dir_entry(
        self, r: RepoState, path: str, kind: str, data: bytes | None, ref: str
    ) -> dict[str, Any]:
        if kind == "file" and data is not None:
            out = self._content_entry(r, path, "file", git_blob_sha(data), len(data), ref)
            out["download_url"] = f"{self.web}/{r.full_name}/raw/{quote(ref)}/{quote(path)}"
            return out
        return self._content_entry(r, path, "dir", git_blob_sha(path.encode()), 0, ref)

    def _content_entry(
        self, r: RepoState, path: str, kind: str, sha: str, size: int, ref: str
    ) -> dict[str, Any]:
        qpath = quote(path)
        url = f"{self.repo_url(r)}/contents/{qpath}?ref={quote(ref, safe='')}"
        git_url = f"{self.repo_url(r)}/git/{'blobs' if kind == 'file' else 'trees'}/{sha}"
        html = (
            f"{self.web}/{r.full_name}/{'blob' if kind == 'file' else 'tree'}/{quote(ref)}/{qpath}"
        )
        return {
            "type": kind,
            "size": size,
            "name": path.rsplit("/", 1)[-1],
            "path": path,
            "sha": sha,
            "url": url,
            "git_url": git_url,
            "html_url": html,
            "download_url": None,
            "_links": {"self": url, "git": git_url, "html": html},
        }

    # ------------------------------------------------------------------ labels
    def label(self, r: RepoState, lab: LabelState) -> dict[str, Any]:
        return {
            "id": lab.id,
            "node_id": node_id("Label", lab.id),
            "url": f"{self.repo_url(r)}/labels/{quote(lab.name, safe='')}",
            "name": lab.name,
            "color": lab.color,
            "default": lab.default,
            "description": lab.description,
        }

    def issue_labels(self, r: RepoState, issue: IssueState) -> list[dict[str, Any]]:
        names = sorted(issue.labels, key=str.lower)
        return [self.label(r, r.labels[n.lower()]) for n in names if n.lower() in r.labels]

    # ------------------------------------------------------------------ issues & pulls
    def issue(self, r: RepoState, i: IssueState) -> dict[str, Any]:
        url = f"{self.repo_url(r)}/issues/{i.number}"
        kind = "pull" if i.is_pull else "issues"
        out: dict[str, Any] = {
            "url": url,
            "repository_url": self.repo_url(r),
            "labels_url": f"{url}/labels{{/name}}",
            "comments_url": f"{url}/comments",
            "events_url": f"{url}/events",
            "html_url": f"{self.web}/{r.full_name}/{kind}/{i.number}",
            "id": i.id,
            "node_id": node_id("Issue", i.id),
            "number": i.number,
            "title": i.title,
            "user": self.user(i.user),
            "labels": self.issue_labels(r, i),
            "state": i.state,
            "locked": i.locked,
            "assignee": None,
            "assignees": [],
            "milestone": None,
            "comments": len(i.comment_ids),
            "created_at": iso(i.created_at),
            "updated_at": iso(i.updated_at),
            "closed_at": iso(i.closed_at),
            "author_association": i.author_association or "NONE",
            "active_lock_reason": None,
            "body": i.body,
            "state_reason": None if i.state == "open" else "completed",
            "timeline_url": f"{url}/timeline",
            "performed_via_github_app": None,
        }
        if isinstance(i, PullState):
            html = f"{self.web}/{r.full_name}/pull/{i.number}"
            out["draft"] = i.draft
            out["pull_request"] = {
                "url": f"{self.repo_url(r)}/pulls/{i.number}",
                "html_url": html,
                "diff_url": f"{html}.diff",
                "patch_url": f"{html}.patch",
                "merged_at": iso(i.merged_at),
            }
        return out

    def pull_part(self, repo: RepoState, ref: str, sha: str) -> dict[str, Any]:
        return {
            "label": f"{repo.owner.login}:{ref}",
            "ref": ref,
            "sha": sha,
            "user": self.user(repo.owner),
            "repo": self.repo(repo),
        }

    def pull(
        self, r: RepoState, head_repo: RepoState, p: PullState, *, full: bool
    ) -> dict[str, Any]:
        rurl = self.repo_url(r)
        url = f"{rurl}/pulls/{p.number}"
        html = f"{self.web}/{r.full_name}/pull/{p.number}"
        issue_url = f"{rurl}/issues/{p.number}"
        out: dict[str, Any] = {
            "url": url,
            "id": p.pull_id,
            "node_id": node_id("PullRequest", p.pull_id),
            "html_url": html,
            "diff_url": f"{html}.diff",
            "patch_url": f"{html}.patch",
            "issue_url": issue_url,
            "number": p.number,
            "state": p.state,
            "locked": p.locked,
            "title": p.title,
            "user": self.user(p.user),
            "body": p.body,
            "created_at": iso(p.created_at),
            "updated_at": iso(p.updated_at),
            "closed_at": iso(p.closed_at),
            "merged_at": iso(p.merged_at),
            "merge_commit_sha": p.merge_commit_sha,
            "assignee": None,
            "assignees": [],
            "requested_reviewers": [self.user(u) for u in p.requested_reviewers],
            "requested_teams": [{"slug": slug, "name": slug} for slug in p.requested_teams],
            "labels": self.issue_labels(r, p),
            "milestone": None,
            "draft": p.draft,
            "commits_url": f"{url}/commits",
            "review_comments_url": f"{url}/comments",
            "review_comment_url": f"{rurl}/pulls/comments{{/number}}",
            "comments_url": f"{issue_url}/comments",
            "statuses_url": f"{rurl}/statuses/{p.head_sha}",
            "head": self.pull_part(head_repo, p.head_ref, p.head_sha),
            "base": self.pull_part(r, p.base_ref, p.base_sha),
            "_links": {
                "self": {"href": url},
                "html": {"href": html},
                "issue": {"href": issue_url},
                "comments": {"href": f"{issue_url}/comments"},
                "review_comments": {"href": f"{url}/comments"},
                "review_comment": {"href": f"{rurl}/pulls/comments{{/number}}"},
                "commits": {"href": f"{url}/commits"},
                "statuses": {"href": f"{rurl}/statuses/{p.head_sha}"},
            },
            "author_association": p.author_association or "NONE",
            "auto_merge": None,
            "active_lock_reason": None,
        }
        if full:  # the single-PR endpoint adds these; the list endpoint omits them
            out.update(
                {
                    "merged": p.merged,
                    "mergeable": None if p.merged or p.state == "closed" else p.mergeable,
                    "rebaseable": p.mergeable,
                    "mergeable_state": "clean" if p.mergeable else "dirty",
                    "merged_by": None,
                    "comments": len(p.comment_ids),
                    "review_comments": 0,
                    "maintainer_can_modify": False,
                    "commits": len(p.commits),
                    "additions": sum(f["additions"] for f in p.files),
                    "deletions": sum(f["deletions"] for f in p.files),
                    "changed_files": len(p.files),
                }
            )
        return out

    def pull_file(self, r: RepoState, p: PullState, f: dict[str, Any]) -> dict[str, Any]:
        return self.file(r, p.head_sha, f)

    def file(self, r: RepoState, head_sha: str, f: dict[str, Any]) -> dict[str, Any]:
        """A changed file as the PR files and compare endpoints list it."""
        q = quote(f["filename"])
        out = {
            "sha": f["sha"],
            "filename": f["filename"],
            "status": f["status"],
            "additions": f["additions"],
            "deletions": f["deletions"],
            "changes": f["changes"],
            "blob_url": f"{self.web}/{r.full_name}/blob/{head_sha}/{q}",
            "raw_url": f"{self.web}/{r.full_name}/raw/{head_sha}/{q}",
            "contents_url": f"{self.repo_url(r)}/contents/{q}?ref={head_sha}",
        }
        if "patch" in f:
            out["patch"] = f["patch"]
        if "previous_filename" in f:
            out["previous_filename"] = f["previous_filename"]
        return out

    def commit(self, r: RepoState, c: dict[str, Any], author: UserState | None) -> dict[str, Any]:
        rurl = self.repo_url(r)
        sha = c["sha"]
        date = iso(c["date"])
        tree = c.get("tree") or git_blob_sha(sha.encode())
        return {
            "sha": sha,
            "node_id": node_id("Commit", sha),
            "commit": {
                "author": {"name": c["author_name"], "email": c["author_email"], "date": date},
                "committer": {
                    "name": c["committer_name"],
                    "email": c["committer_email"],
                    "date": date,
                },
                "message": c["message"],
                "tree": {"sha": tree, "url": f"{rurl}/git/trees/{tree}"},
                "url": f"{rurl}/git/commits/{sha}",
                "comment_count": 0,
                "verification": {
                    "verified": False,
                    "reason": "unsigned",
                    "signature": None,
                    "payload": None,
                    "verified_at": None,
                },
            },
            "url": f"{rurl}/commits/{sha}",
            "html_url": f"{self.web}/{r.full_name}/commit/{sha}",
            "comments_url": f"{rurl}/commits/{sha}/comments",
            "author": self.user(author) if author else None,
            "committer": self.user(author) if author else None,
            "parents": [
                {
                    "sha": s,
                    "url": f"{rurl}/commits/{s}",
                    "html_url": f"{self.web}/{r.full_name}/commit/{s}",
                }
                for s in c["parents"]
            ],
        }

    # ------------------------------------------------------------------ comments
    def comparison(
        self,
        r: RepoState,
        basehead: str,
        c: ComparisonState,
        *,
        base_commit: dict[str, Any],
        merge_base_commit: dict[str, Any],
        commits: list[dict[str, Any]],
        files: list[dict[str, Any]] | None,
    ) -> dict[str, Any]:
        """``GET /repos/{o}/{r}/compare/{basehead}``; ``files`` is None on pages after the first
        (GitHub lists the files on the first page only)."""
        owner = r.owner.login
        out: dict[str, Any] = {
            "url": f"{self.repo_url(r)}/compare/{basehead}",
            "html_url": f"{self.web}/{r.full_name}/compare/{basehead}",
            "permalink_url": (
                f"{self.web}/{r.full_name}/compare/{owner}:{c.base_sha}...{owner}:{c.head_sha}"
            ),
            "diff_url": f"{self.web}/{r.full_name}/compare/{basehead}.diff",
            "patch_url": f"{self.web}/{r.full_name}/compare/{basehead}.patch",
            "base_commit": base_commit,
            "merge_base_commit": merge_base_commit,
            "status": c.status,
            "ahead_by": c.ahead_by,
            "behind_by": c.behind_by,
            "total_commits": len(c.commits),
            "commits": commits,
        }
        if files is not None:
            out["files"] = [self.file(r, c.head_sha, f) for f in files]
        return out

    def issue_event(self, r: RepoState, e: dict[str, Any], actor: UserState) -> dict[str, Any]:
        """A labeled/unlabeled issue event as `GET /repos/{o}/{r}/issues/{n}/events` lists it."""
        return {
            "id": e["id"],
            "node_id": node_id("LabeledEvent", e["id"]),
            "url": f"{self.repo_url(r)}/issues/events/{e['id']}",
            "actor": self.user(actor),
            "event": e["event"],
            "commit_id": None,
            "commit_url": None,
            "created_at": iso(e["created_at"]),
            "label": {"name": e["label"], "color": "ededed"},
            "performed_via_github_app": None,
        }

    def review(
        self, r: RepoState, p: PullState, v: dict[str, Any], user: UserState
    ) -> dict[str, Any]:
        """A pull request review as `GET /repos/{o}/{r}/pulls/{n}/reviews` lists it."""
        return {
            "id": v["id"],
            "node_id": node_id("PullRequestReview", v["id"]),
            "user": self.user(user),
            "body": v.get("body", ""),
            "state": v["state"],
            "html_url": f"{self.web}/{r.full_name}/pull/{p.number}#pullrequestreview-{v['id']}",
            "pull_request_url": f"{self.repo_url(r)}/pulls/{p.number}",
            "author_association": "COLLABORATOR",
            "_links": {
                "html": {"href": f"{self.web}/{r.full_name}/pull/{p.number}#pullrequestreview-"
                                 f"{v['id']}"},
                "pull_request": {"href": f"{self.repo_url(r)}/pulls/{p.number}"},
            },
            "submitted_at": iso(v["submitted_at"]) if v.get("submitted_at") else None,
            "commit_id": v.get("commit_id"),
        }

    def comment(
        self, r: RepoState, c: CommentState, issue: IssueState | None, association: str
    ) -> dict[str, Any]:
        url = f"{self.repo_url(r)}/issues/comments/{c.id}"
        kind = "pull" if issue is not None and issue.is_pull else "issues"
        return {
            "url": url,
            "html_url": f"{self.web}/{r.full_name}/{kind}/{c.issue_number}#issuecomment-{c.id}",
            "issue_url": f"{self.repo_url(r)}/issues/{c.issue_number}",
            "id": c.id,
            "node_id": node_id("IssueComment", c.id),
            "user": self.user(c.user),
            "created_at": iso(c.created_at),
            "updated_at": iso(c.updated_at),
            "author_association": association,
            "body": c.body,
            "reactions": {
                "url": f"{url}/reactions",
                "total_count": 0,
                "+1": 0,
                "-1": 0,
                "laugh": 0,
                "hooray": 0,
                "confused": 0,
                "heart": 0,
                "rocket": 0,
                "eyes": 0,
            },
            "performed_via_github_app": self.app() if c.via_app else None,
        }

    # ------------------------------------------------------------------ checks & statuses
    def check_run(self, r: RepoState, cr: CheckRunState, pulls: list[PullState]) -> dict[str, Any]:
        url = f"{self.repo_url(r)}/check-runs/{cr.id}"
        html = f"{self.web}/{r.full_name}/runs/{cr.id}"
        rmini = {"id": r.id, "url": self.repo_url(r), "name": r.name}
        return {
            "id": cr.id,
            "name": cr.name,
            "node_id": node_id("CheckRun", cr.id),
            "head_sha": cr.head_sha,
            "external_id": cr.external_id or "",
            "url": url,
            "html_url": html,
            "details_url": cr.details_url or html,
            "status": cr.status,
            "conclusion": cr.conclusion,
            "started_at": iso(cr.started_at),
            "completed_at": iso(cr.completed_at),
            "output": {
                "title": cr.title,
                "summary": cr.summary,
                "text": cr.text,
                "annotations_count": len(cr.annotations),
                "annotations_url": f"{url}/annotations",
            },
            "check_suite": {"id": cr.check_suite_id},
            "app": self.app(),
            "pull_requests": [
                {
                    "url": f"{self.repo_url(r)}/pulls/{p.number}",
                    "id": p.pull_id,
                    "number": p.number,
                    "head": {"ref": p.head_ref, "sha": p.head_sha, "repo": rmini},
                    "base": {"ref": p.base_ref, "sha": p.base_sha, "repo": rmini},
                }
                for p in pulls
            ],
        }

    def annotation(self, r: RepoState, cr: CheckRunState, a: dict[str, Any]) -> dict[str, Any]:
        return {
            "path": a["path"],
            "blob_href": f"{self.web}/{r.full_name}/blob/{cr.head_sha}/{quote(a['path'])}",
            "start_line": a["start_line"],
            "end_line": a["end_line"],
            "start_column": a.get("start_column"),
            "end_column": a.get("end_column"),
            "annotation_level": a["annotation_level"],
            "title": a.get("title"),
            "message": a["message"],
            "raw_details": a.get("raw_details"),
        }

    def status(self, r: RepoState, s: StatusState) -> dict[str, Any]:
        return {
            "url": f"{self.repo_url(r)}/statuses/{s.sha}",
            "avatar_url": f"{self.web}/avatars/u/{s.creator.id}?v=4",
            "id": s.id,
            "node_id": node_id("StatusContext", s.id),
            "state": s.state,
            "description": s.description,
            "target_url": s.target_url,
            "context": s.context,
            "created_at": iso(s.created_at),
            "updated_at": iso(s.created_at),
            "creator": self.user(s.creator),
        }

    # ------------------------------------------------------------------ webhooks
    def delivery(self, d: HookDeliveryState, *, detail: bool) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": d.id,
            "guid": d.guid,
            "delivered_at": iso(d.delivered_at),
            "redelivery": d.redelivery,
            "duration": d.duration,
            "status": d.status,
            "status_code": d.status_code,
            "event": d.event,
            "action": d.action,
            "installation_id": d.installation_id,
            "repository_id": d.repository_id,
            "throttled_at": None,
        }
        if detail:
            out["url"] = f"{self.api}/app/hook/deliveries/{d.id}"
            out["request"] = {"headers": dict(d.request_headers), "payload": d.request_payload}
            out["response"] = {"headers": dict(d.response_headers), "payload": d.response_payload}
        return out

    def rate(
        self, limit: int, remaining: int, reset: int, resource: str = "core"
    ) -> dict[str, Any]:
        return {
            "limit": limit,
            "remaining": remaining,
            "reset": reset,
            "used": limit - remaining,
            "resource": resource,
        }
