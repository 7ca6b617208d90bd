"""`GitHubPort` over PyGithub, and the connection (App or token) that hands out ports.

`PyGithubPort` implements the port (`bot.github.port`) with PyGithub (this package is the only
place that imports it), pointed at any API base URL (github.com or a GitHub Enterprise Server's
`/api/v3`), with bounded retries that honour `Retry-After` and `x-ratelimit-reset`. PyGithub's
errors become our `GitHubError` at this boundary.
"""

from __future__ import annotations

import base64
import contextlib
import logging
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import github
import requests
from github import Auth, GithubException, GithubIntegration, GithubRetry
from github.GithubException import RateLimitExceededExceedsMaxWait
from github.IssueEvent import IssueEvent
from github.PaginatedList import PaginatedList
from github.PullRequestReview import PullRequestReview
from github.Repository import Repository
from github.Requester import (
    HTTPRequestsConnectionClass,
    HTTPSRequestsConnectionClass,
    Requester,
    RequestsResponse,
)

from bot.analysis.diff import GitHubFile
from bot.analysis.models import Commit, Review
from bot.github.port import (
    WORKFLOW_BOT_LOGIN,
    CheckRunOutput,
    GitHubError,
    PostedComment,
    PullRequestData,
    RateLimit,
    retry_after,
)
from policies.model import Permission

__all__ = ["Connection", "PyGithubPort", "connect"]

MAX_ANNOTATIONS_PER_REQUEST = 50
#: file contents remembered per port, by (repo, path, commit sha): what a commit holds never
#: changes, so a push to a PR does not read its base's policy again
FILE_CACHE_ENTRIES = 128
_COMMIT_SHA = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
#: seconds a default branch's head (the organisation policy's commit) is taken as known: the
#: deliveries of one push or edit come in a burst, and each would otherwise ask again
DEFAULT_BRANCH_TTL = 60.0
#: how long a repository's missing notes ref is believed (a repository that starts pushing
#: git-ai notes is read again after this long)
NO_NOTES_TTL = 300.0
#: attempts of a write this port retries itself (a POST: after looking whether the last one took)
WRITE_ATTEMPTS = 3

# On import PyGithub gives its logger a plain-text handler to stderr of its own and pins it at
# INFO: the application decides where log lines go and how they look (webhooks/logs.py writes
# JSON), so undo that here, the one place PyGithub is imported.
_pygithub_log = logging.getLogger("github")
for _handler in list(_pygithub_log.handlers):
    if type(_handler) is logging.StreamHandler:
        _pygithub_log.removeHandler(_handler)
_pygithub_log.setLevel(logging.NOTSET)

log = logging.getLogger("modeltier.github")

#: told of every HTTP request GitHub answered: (method, path, status), e.g. for metrics
ResponseHook = Callable[[str, str, int], None]


def _observed(base: type[Any], hook: ResponseHook) -> type[Any]:
    """PyGithub's connection class `base`, reporting each answered request to `hook`."""

    class Observed(base):  # type: ignore[misc]
        def getresponse(self) -> RequestsResponse:
            response: RequestsResponse = super().getresponse()
            with contextlib.suppress(Exception):  # an observer must never break a request
                hook(self.verb, self.url, response.status)
            return response

    return Observed


def _observe(requester: Requester, hook: ResponseHook | None) -> None:
    """Report the requests of this PyGithub requester to `hook`. PyGithub has no public hook per
    client (only a process-wide `injectConnectionClasses`), so this sets the connection class of
    this one requester; the installation-token exchanges that PyGithub's App auth makes on its own
    requester are not seen."""
    attribute = "_Requester__connectionClass"
    current = getattr(requester, attribute, None)
    if hook is None or current not in (HTTPRequestsConnectionClass, HTTPSRequestsConnectionClass):
        return
    setattr(requester, attribute, _observed(current, hook))


def _error(e: Exception, what: str) -> GitHubError:
    if isinstance(e, GithubException):
        message = e.data.get("message") if isinstance(e.data, dict) else None
        wait = retry_after(e.headers) if e.status in (403, 429, 503) else None
        return GitHubError(f"{what}: GitHub answered {e.status}: {message or e}", e.status, wait)
    return GitHubError(f"{what}: {type(e).__name__}: {e}")


@contextmanager
def translated(what: str) -> Iterator[None]:
    """GitHub's refusals (GithubException) and the transport's failures (requests' connection
    errors, timeouts, and RetryError once the retries are used up) as one GitHubError naming what
    failed: the callers retry a GitHubError, and an outage must never pass as an answer or a
    crash. A handler that reads a status (404: absent) sits inside the block and re-raises."""
    try:
        yield
    except (GithubException, requests.RequestException) as e:
        raise _error(e, what) from e


def json_or_none(requester: Any, url: str, what: str) -> Any:
    """GET an API path's JSON, or None when GitHub answers 404 (absent: not a collaborator, not
    a member); any other refusal or failure is a GitHubError naming `what`, never an answer."""
    with translated(what):
        try:
            return requester.requestJsonAndCheck("GET", url)[1]
        except GithubException as e:
            if e.status == 404:
                return None
            raise


def _maybe_processed(error: GitHubError) -> bool:
    """No answer, or a server error: the write may have happened on GitHub's side."""
    return error.status == 0 or error.status >= 500


def _commit(item: Any) -> Commit:
    author = item.commit.author
    return Commit(
        sha=item.sha,
        message=item.commit.message or "",
        author_name=(author.name if author else "") or "",
        author_email=(author.email if author else "") or "",
        author_login=item.author.login if item.author else None,
    )


def _file(item: Any) -> GitHubFile:
    return GitHubFile(
        filename=item.filename,
        status=item.status,
        additions=item.additions or 0,
        deletions=item.deletions or 0,
        patch=item.patch,
        previous_filename=item.previous_filename,
    )


_ROLE_BY_LEGACY = {"admin": "admin", "write": "write", "read": "read", "none": None}


@dataclass
class PyGithubPort:
    """GitHubPort over PyGithub. One instance serves one installation (or one token)."""

    client: github.Github
    bot_login: str | None
    use_checks: bool = True
    rate: RateLimit = field(default_factory=RateLimit)
    _repos: dict[str, Repository] = field(default_factory=dict)
    _files: OrderedDict[tuple[str, str, str], bytes | None] = field(default_factory=OrderedDict)
    _files_lock: threading.Lock = field(default_factory=threading.Lock)
    _heads: dict[str, tuple[float, str | None]] = field(default_factory=dict)
    _no_notes: dict[tuple[str, str], float] = field(default_factory=dict)

    def _repo(self, name: str) -> Repository:
        repo = self._repos.get(name)
        if repo is None:
            repo = self.client.get_repo(name)
            self._repos[name] = repo
        return repo

    def _note_rate(self) -> None:
        remaining, _limit = self.client.requester.rate_limiting
        if remaining >= 0:
            self.rate.remaining = remaining
            self.rate.reset = self.client.requester.rate_limiting_resettime

    @contextmanager
    def _requests(self, what: str) -> Iterator[None]:
        """Translate PyGithub's and the transport's errors into GitHubError, naming what failed;
        note the rate limit GitHub reported when all went well."""
        with translated(what):
            yield
        self._note_rate()

    def pull_request(self, repo: str, number: int) -> PullRequestData:
        with self._requests(f"reading {repo}#{number}"):
            pr = self._repo(repo).get_pull(number)
            return PullRequestData(
                number=number,
                head_sha=pr.head.sha,
                base_ref=pr.base.ref,
                base_sha=pr.base.sha,
                title=pr.title or "",
                body=pr.body or "",
                labels=tuple(label.name for label in pr.labels),
                author_login=pr.user.login if pr.user else None,
                draft=bool(pr.draft),
                changed_files=pr.changed_files,
                state=pr.state,
            )

    def pull_files(self, repo: str, number: int) -> list[GitHubFile]:
        with self._requests(f"listing files of {repo}#{number}"):
            return [_file(f) for f in self._repo(repo).get_pull(number).get_files()]

    def pull_commits(self, repo: str, number: int) -> list[Commit]:
        with self._requests(f"listing commits of {repo}#{number}"):
            return [_commit(c) for c in self._repo(repo).get_pull(number).get_commits()]

    def compare(self, repo: str, base: str, head: str) -> tuple[list[GitHubFile], list[Commit]]:
        with self._requests(f"comparing {base}...{head} in {repo}"):
            comparison = self._repo(repo).compare(base, head)
            return [_file(f) for f in comparison.files], [_commit(c) for c in comparison.commits]

    def file_at(self, repo: str, path: str, ref: str) -> bytes | None:
        key = (repo, path, ref)
        immutable = _COMMIT_SHA.fullmatch(ref) is not None  # a branch name can move
        if immutable:
            with self._files_lock:
                if key in self._files:
                    self._files.move_to_end(key)
                    return self._files[key]
        data = self._read_file(repo, path, ref)
        if immutable:
            with self._files_lock:
                self._files[key] = data
                while len(self._files) > FILE_CACHE_ENTRIES:
                    self._files.popitem(last=False)
        return data

    def _read_file(self, repo: str, path: str, ref: str) -> bytes | None:
        with translated(f"reading {path}@{ref} in {repo}"):
            try:
                content = self._repo(repo).get_contents(path, ref=ref)
            except GithubException as e:
                if e.status == 404:
                    return None
                raise
        if isinstance(content, list):
            return None
        return bytes(content.decoded_content)

    def default_branch_head(self, repo: str) -> str | None:
        """`GET /repos/{o}/{r}/commits/HEAD`: one request, and a renamed default branch is
        followed (GitHub resolves HEAD). 404: no such repository, or not one this App sees.
        The answer holds for DEFAULT_BRANCH_TTL seconds (a change of the organisation policy
        applies from the first evaluation after that)."""
        known = self._heads.get(repo)
        if known is not None and time.monotonic() - known[0] < DEFAULT_BRANCH_TTL:
            return known[1]
        head = self._default_branch_head(repo)
        self._heads[repo] = (time.monotonic(), head)
        return head

    def _default_branch_head(self, repo: str) -> str | None:
        url = f"{self._repo(repo).url}/commits/HEAD"
        with translated(f"reading the default branch of {repo}"):
            try:
                _, data = self.client.requester.requestJsonAndCheck("GET", url)
            except GithubException as e:
                if e.status in (404, 409):  # 409: the repository is empty
                    return None
                raise
        sha = data.get("sha") if isinstance(data, dict) else None
        return sha if isinstance(sha, str) else None

    def request_reviews(
        self, repo: str, number: int, users: Sequence[str], teams: Sequence[str]
    ) -> None:
        url = f"{self._repo(repo).url}/pulls/{number}/requested_reviewers"
        with self._requests(f"requesting reviews on {repo}#{number}"):
            self.client.requester.requestJsonAndCheck(
                "POST", url, input={"reviewers": list(users), "team_reviewers": list(teams)})

    def find_comment(self, repo: str, number: int, marker: str) -> PostedComment | None:
        with self._requests(f"listing comments of {repo}#{number}"):
            for comment in self._repo(repo).get_issue(number).get_comments():
                author = comment.user.login if comment.user else None
                if marker in (comment.body or "") and author == self.bot_login:
                    return PostedComment(int(comment.id), comment.body or "")
        return None

    def create_comment(self, repo: str, number: int, body: str) -> int:
        """POST the comment; when the answer is lost (or a server error), look for it among our
        comments before posting again, so that a lost answer never leaves two comments."""
        for attempt in range(1, WRITE_ATTEMPTS + 1):
            try:
                with self._requests(f"commenting on {repo}#{number}"):
                    return int(self._repo(repo).get_issue(number).create_comment(body).id)
            except GitHubError as e:
                if attempt == WRITE_ATTEMPTS or not _maybe_processed(e):
                    raise
            found = self._own_comment(repo, number, body)
            if found is not None:
                return found
        raise AssertionError("unreachable")

    def _own_comment(self, repo: str, number: int, body: str) -> int | None:
        """The newest comment of ours on the PR with exactly this body."""
        with self._requests(f"listing comments of {repo}#{number}"):
            found = None
            for comment in self._repo(repo).get_issue(number).get_comments():
                author = comment.user.login if comment.user else None
                if author == self.bot_login and comment.body == body:
                    found = int(comment.id)
            return found

    def update_comment(self, repo: str, comment_id: int, body: str) -> bool:
        requester = self.client.requester
        url = f"{self._repo(repo).url}/issues/comments/{comment_id}"
        with translated(f"editing comment {comment_id} in {repo}"):
            try:
                requester.requestJsonAndCheck("PATCH", url, input={"body": body})
            except GithubException as e:
                if e.status in (404, 410):
                    return False
                raise
        return True

    def set_labels(self, repo: str, number: int, add: Sequence[str], remove: Sequence[str]) -> None:
        """Add and remove labels (both idempotent, so retried here as they are); a GitHubError
        once the attempts are spent, for the caller to retry later."""
        for attempt in range(1, WRITE_ATTEMPTS + 1):
            try:
                self._set_labels(repo, number, add, remove)
                return
            except GitHubError as e:
                if attempt == WRITE_ATTEMPTS or not _maybe_processed(e):
                    raise

    def _set_labels(
        self, repo: str, number: int, add: Sequence[str], remove: Sequence[str]
    ) -> None:
        with translated(f"labelling {repo}#{number}"):
            issue = self._repo(repo).get_issue(number)
            if add:
                issue.add_to_labels(*add)
            for name in remove:
                try:
                    issue.remove_from_labels(name)
                except GithubException as e:
                    if e.status != 404:
                        raise

    def publish_check(
        self, repo: str, head_sha: str, name: str, output: CheckRunOutput, check_id: int | None,
        *, new_head: bool = False,
    ) -> int | None:
        if not self.use_checks:
            self._status(repo, head_sha, name, output)
            return None
        annotations = [
            {
                "path": a.path,
                "start_line": a.line,
                "end_line": a.line,
                "annotation_level": a.level,
                "title": a.title[:255],
                "message": a.message[:64000],
            }
            for a in output.annotations
        ]
        batches = [
            annotations[i : i + MAX_ANNOTATIONS_PER_REQUEST]
            for i in range(0, len(annotations), MAX_ANNOTATIONS_PER_REQUEST)
        ] or [[]]
        body: dict[str, Any] = {
            "name": name,
            "head_sha": head_sha,
            "status": "completed",
            "conclusion": output.conclusion,
            "output": {
                "title": output.title[:255],
                "summary": output.summary[:65535],
                "text": output.text[:65535],
                "annotations": batches[0],
            },
        }
        requester = self.client.requester
        base = f"{self._repo(repo).url}/check-runs"
        try:
            if check_id is None and not new_head:
                check_id = self._own_check_run(repo, head_sha, name)
            if check_id is None:
                check_id = self._create_check_run(repo, head_sha, name, base, body)
            else:
                requester.requestJsonAndCheck("PATCH", f"{base}/{check_id}", input=body)
            for batch in batches[1:]:
                more = {"output": {**body["output"], "annotations": batch}}
                requester.requestJsonAndCheck("PATCH", f"{base}/{check_id}", input=more)
        except requests.RequestException as e:
            raise _error(e, f"publishing the check run on {head_sha[:7]} in {repo}") from e
        except GithubException as e:
            if e.status == 403 and check_id is None:
                # Tokens that are not an App's cannot create check runs: use a commit status.
                self.use_checks = False
                self._status(repo, head_sha, name, output)
                return None
            raise _error(e, f"publishing the check run on {head_sha[:7]} in {repo}") from e
        self._note_rate()
        return check_id

    def _create_check_run(
        self, repo: str, head_sha: str, name: str, url: str, body: dict[str, Any]
    ) -> int:
        """POST the check run; when the answer is lost (or a server error), look for ours on the
        head before posting again (and bring the one found up to date), so that a lost answer
        never leaves two check runs."""
        requester = self.client.requester
        for attempt in range(1, WRITE_ATTEMPTS + 1):
            try:
                _, data = requester.requestJsonAndCheck("POST", url, input=body)
                return int(data["id"])
            except (GithubException, requests.RequestException) as e:
                status = e.status if isinstance(e, GithubException) else 0
                if attempt == WRITE_ATTEMPTS or not (status == 0 or status >= 500):
                    raise
            found = self._own_check_run(repo, head_sha, name)
            if found is not None:
                requester.requestJsonAndCheck("PATCH", f"{url}/{found}", input=body)
                return found
        raise AssertionError("unreachable")

    def _own_check_run(self, repo: str, head_sha: str, name: str) -> int | None:
        """Our check run already on this head, when no id was recorded for it (an earlier attempt
        created it and died before recording): updating it keeps one check run per head."""
        url = f"{self._repo(repo).url}/commits/{head_sha}/check-runs"
        _, data = self.client.requester.requestJsonAndCheck(
            "GET", url, parameters={"check_name": name, "filter": "latest"})
        slug = self.bot_login.removesuffix("[bot]") if self.bot_login else None
        for run in data.get("check_runs") or []:
            app_slug = (run.get("app") or {}).get("slug")
            if run.get("name") == name and (slug is None or app_slug in (None, slug)):
                return int(run["id"])
        return None

    def _status(self, repo: str, head_sha: str, name: str, output: CheckRunOutput) -> None:
        # a commit status has no "action required": a checklist still to tick fails it
        state = {"success": "success", "failure": "failure",
                 "action_required": "failure"}.get(output.conclusion, "success")
        with translated(f"setting the commit status on {head_sha[:7]} in {repo}"):
            self._repo(repo).get_commit(head_sha).create_status(
                state=state, description=output.title[:140], context=name
            )

    def permission(self, repo: str, login: str) -> Permission | None:
        requester = self.client.requester
        url = f"{self._repo(repo).url}/collaborators/{login}/permission"
        data = json_or_none(requester, url, f"reading {login}'s permission on {repo}")
        if data is None:
            return None
        role = data.get("role_name") or _ROLE_BY_LEGACY.get(data.get("permission", "none"))
        try:
            return Permission(role) if role else None
        except ValueError:
            return None  # a custom role we cannot rank: treat as no permission

    def pull_reviews(self, repo: str, number: int) -> list[Review]:
        url = f"{self._repo(repo).url}/pulls/{number}/reviews"
        with self._requests(f"listing reviews of {repo}#{number}"):
            pages = PaginatedList(
                PullRequestReview, self.client.requester, url, {"per_page": 100}
            )
            return [
                Review(login=r.user.login, state=r.state, commit_id=r.commit_id)
                for r in pages
                if r.user is not None
            ]

    def notes(self, repo: str, ref: str, shas: Sequence[str]) -> dict[str, str]:
        """Through the git data API: the ref, its commit's tree (a note is a blob named by the
        commit's sha, split into fan-out folders in a large notes tree), the wanted blobs."""
        missing = self._no_notes.get((repo, ref))
        if missing is not None and time.monotonic() - missing < NO_NOTES_TTL:
            return {}  # most repositories have none: asked once per NO_NOTES_TTL
        base = f"{self._repo(repo).url}/git"
        requester = self.client.requester
        with self._requests(f"reading {ref} of {repo}"):
            try:
                _, found = requester.requestJsonAndCheck(
                    "GET", f"{base}/ref/{quote(ref.removeprefix('refs/'), safe='/')}")
            except GithubException as e:
                if e.status == 404:
                    self._no_notes[(repo, ref)] = time.monotonic()
                    return {}
                raise
            _, commit = requester.requestJsonAndCheck(
                "GET", f"{base}/commits/{found['object']['sha']}")
            _, tree = requester.requestJsonAndCheck(
                "GET", f"{base}/trees/{commit['tree']['sha']}", parameters={"recursive": "1"})
            blobs = {
                entry["path"].replace("/", ""): entry["sha"]
                for entry in tree.get("tree", []) if entry.get("type") == "blob"
            }
            out = {}
            for sha in shas:
                if sha in blobs:
                    _, blob = requester.requestJsonAndCheck("GET", f"{base}/blobs/{blobs[sha]}")
                    out[sha] = base64.b64decode(blob.get("content", "")).decode("utf-8", "replace")
            return out

    def label_added_by(self, repo: str, number: int, label: str) -> str | None:
        url = f"{self._repo(repo).url}/issues/{number}/events"
        with self._requests(f"listing the events of {repo}#{number}"):
            adders = [
                e.actor.login
                for e in PaginatedList(IssueEvent, self.client.requester, url, {"per_page": 100})
                if e.event == "labeled" and e.label is not None and e.label.name == label
                and e.actor is not None
            ]
        return adders[-1] if adders else None

    def team_member(self, team: str, login: str) -> bool:
        org, _, slug = team.partition("/")
        url = f"/orgs/{quote(org, safe='')}/teams/{quote(slug, safe='')}/memberships/" \
              f"{quote(login, safe='')}"
        with translated(f"reading {login}'s membership of {team}"):
            try:
                _, data = self.client.requester.requestJsonAndCheck("GET", url)
            except GithubException as e:
                if e.status in (403, 404):  # not a member, or the App may not read the team
                    log.info("membership of %s not confirmed for %s (%s)", team, login, e.status)
                    return False
                raise
        return isinstance(data, dict) and data.get("state") == "active"


class _Installations:
    """App mode: one PyGithub client per installation, tokens refreshed by PyGithub itself."""

    def __init__(
        self, integration: GithubIntegration, settings: dict[str, Any],
        on_response: ResponseHook | None = None,
    ) -> None:
        self._integration = integration
        self._settings = settings
        self._on_response = on_response
        _observe(integration.requester, on_response)
        self._lock = threading.Lock()
        self._clients: dict[int, PyGithubPort] = {}
        self._bot_login: str | None = None

    def bot_login(self) -> str:
        with self._lock:
            if self._bot_login is None:
                with translated("reading the App's own name"):
                    self._bot_login = f"{self._integration.get_app().slug}[bot]"
            return self._bot_login

    def port(self, installation_id: int) -> PyGithubPort:
        login = self.bot_login()
        with self._lock:
            port = self._clients.get(installation_id)
            if port is None:
                auth = self._integration.auth.get_installation_auth(installation_id)
                client = github.Github(auth=auth, **self._settings)
                _observe(client.requester, self._on_response)
                port = PyGithubPort(client, login)
                self._clients[installation_id] = port
            return port


class _BoundedRetry(GithubRetry):
    """GithubRetry, except that a `Retry-After` longer than `max_rate_limit_wait` raises at once
    (GithubRetry would sleep it out inside the request, however long): the job goes back to the
    queue with that delay instead, and its installation's other jobs wait with it. It also tells
    `on_response` of each answer it retries (answers it passes on are reported by `_observed`)."""

    def __init__(self, *args: Any, on_response: ResponseHook | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.on_response = on_response

    def new(self, **kw: Any) -> Any:
        retry = super().new(**kw)
        retry.on_response = self.on_response
        return retry

    def _report(self, method: str | None, url: str | None, response: Any) -> None:
        if self.on_response is not None and response is not None:
            with contextlib.suppress(Exception):
                self.on_response(method or "", url or "", int(response.status))

    def increment(
        self, method: str | None = None, url: str | None = None, response: Any = None,
        error: Exception | None = None, _pool: Any = None, _stacktrace: Any = None,
    ) -> Any:
        limit = self.max_rate_limit_wait
        if response is not None and response.status in (403, 429) and limit is not None:
            wait = retry_after({"retry-after": response.headers.get("Retry-After", "")})
            if wait is not None and wait > limit:
                self._report(method, url, response)
                response.drain_conn()  # hand the connection back: urllib3 will not, we raise
                response.release_conn()
                raise RateLimitExceededExceedsMaxWait(
                    response.status,
                    {"message": f"Retry-After {wait:.0f}s is longer than {limit:.0f}s"},
                    dict(response.headers), wait=wait)
        if error is not None and (method or "").upper() == "POST" and self._is_read_error(error):
            # The request went out and its answer did not come back: GitHub may have done it.
            # The port looks before writing again (a comment or check run must not double).
            raise error.with_traceback(_stacktrace)
        try:
            retry = super().increment(method, url, response, error, _pool, _stacktrace)
        except Exception:
            if self.raise_on_status:  # otherwise urllib3 passes the answer on: `_observed` sees it
                self._report(method, url, response)
            raise
        self._report(method, url, response)
        return retry

    def is_retry(self, method: str, status_code: int, has_retry_after: bool = False) -> bool:
        if method.upper() == "POST" and status_code >= 500:
            return False  # as for a lost answer: the write may have happened; the port looks
        return bool(super().is_retry(method, status_code, has_retry_after))


def _retry(max_wait: float, on_response: ResponseHook | None = None) -> GithubRetry:
    # PATCH too (GithubRetry leaves it out): our PATCHes (comment, check run) are idempotent.
    # POST stays for rate limits only (nothing was done): a lost answer or a server error is
    # left to the port, which looks before it writes again (see _BoundedRetry).
    methods = GithubRetry.DEFAULT_ALLOWED_METHODS | {"GET", "POST", "PATCH"}
    return _BoundedRetry(total=4, backoff_factor=0.2, secondary_rate_wait=max_wait,
                         max_rate_limit_wait=max_wait, allowed_methods=methods,
                         on_response=on_response)




def _token_login(client: github.Github) -> str:
    """Who comments with this token. A personal token can say (`GET /user`); an installation
    token, such as a workflow's `github.token`, is refused there (403) and comments as
    `github-actions[bot]`, a name no user can take."""
    with translated("identifying the token's user"):
        try:
            return str(client.get_user().login)
        except GithubException as e:
            if e.status == 403:
                return WORKFLOW_BOT_LOGIN
            raise


@dataclass
class Connection:
    """How to reach GitHub: an App (per-installation ports) or a single token."""

    base_url: str
    app_id: int | None = None
    private_key: str | None = None
    token: str | None = None
    timeout: int = 15
    max_wait: float = 60.0
    on_response: ResponseHook | None = None
    _installations: _Installations | None = None
    _token_port: PyGithubPort | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _client_settings(self) -> dict[str, Any]:
        return {
            "base_url": self.base_url,
            "per_page": 100,
            "timeout": self.timeout,
            "retry": _retry(self.max_wait, self.on_response),
            "seconds_between_requests": None,
            "seconds_between_writes": None,
            "lazy": True,
        }

    def port(self, installation_id: int | None) -> PyGithubPort:
        """The port to use for an event: its installation's in App mode, else the token's."""
        with self._lock:
            if self.app_id is not None and self.private_key and installation_id is not None:
                if self._installations is None:
                    auth = Auth.AppAuth(self.app_id, self.private_key)
                    integration = GithubIntegration(
                        auth=auth, base_url=self.base_url, timeout=self.timeout,
                        retry=_retry(self.max_wait, self.on_response),
                        seconds_between_requests=None,
                        seconds_between_writes=None,
                    )
                    self._installations = _Installations(
                        integration, self._client_settings(), self.on_response)
                installations = self._installations
            elif self.token:
                if self._token_port is None:
                    client = github.Github(auth=Auth.Token(self.token), **self._client_settings())
                    _observe(client.requester, self.on_response)
                    self._token_port = PyGithubPort(client, _token_login(client))
                return self._token_port
            else:
                raise GitHubError("no GitHub credentials for this event (no installation id?)")
        return installations.port(installation_id)

    def close(self) -> None:
        """Close the HTTP sessions of every client this connection opened."""
        with self._lock:
            installations, self._installations = self._installations, None
            token_port, self._token_port = self._token_port, None
        clients = [token_port.client] if token_port is not None else []
        if installations is not None:
            with installations._lock:
                clients.extend(p.client for p in installations._clients.values())
            installations._integration.close()
        for client in clients:
            client.close()


def connect(
    base_url: str,
    *,
    app_id: int | None = None,
    private_key: str | None = None,
    token: str | None = None,
    timeout: int = 15,
    max_wait: float = 60.0,
    on_response: ResponseHook | None = None,
) -> Connection:
    """Credentials and settings in, a Connection out (no request is made until first use).
    `on_response` is told of every request GitHub answers: (method, path, status)."""
    return Connection(base_url.rstrip("/"), app_id, private_key, token, timeout, max_wait,
                      on_response)
