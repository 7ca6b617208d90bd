"""Load benchmark of the webhook service as a user runs it, against a bare floor in the same run.

    python bench/service.py [--seconds S] [--rounds R] [--concurrency 10,100]
                            [--database sqlite|postgres] [--workers W] [--prs P] [--samples S]
                            [--postgres-url URL] [--time-limit SECONDS]

Starts the fake GitHub REST server (tests/fakegithub) in this process and two servers, each a
process of its own on a loopback port:

- the service: `modeltier serve` (App mode with the fake's app key, W workers running, JSON logs
  at INFO into a file as it writes them to stderr; an SQLite file in a temporary directory, or a
  fresh PostgreSQL schema dropped afterwards);
- the floor: bench/floor_app.py under uvicorn, a bare FastAPI app that checks the HMAC and
  inserts (delivery id, event, body) into an SQLite file, nothing else.

It seeds P pull requests and writes, for each, the `synchronize` delivery GitHub would send for
its head (a ~22 KB body: GitHub's pull request, repository, sender and installation objects and a
PR description from a template), signed once. Then, for each concurrency C and in R interleaved
rounds, wrk (Debian's package, an external process: bench/wrk_deliveries.lua gives every request
a fresh X-GitHub-Delivery) posts them for S seconds to the floor and to the service; the service's
workers evaluate and publish meanwhile. It prints latency percentiles and throughput per run,
the medians over the rounds, and the service's p99 and throughput as ratios of the floor's,
against the targets (c=10: p99 <= 1.5x, throughput >= 0.5x; c=100: p99 <= 2x). Every delivery
the service acknowledged must be in its database.

Then, the load over:
1. drain: until no job is pending or running (at most 120 s); every PR must then carry exactly
   one modeltier comment and one check run on its head SHA;
2. event -> check run: S `synchronize` deliveries (a new head pushed on the fake each) sent one at
   a time with the workers idle; time from sending to the check run appearing on the fake;
3. GitHub API requests per event on a one-page PR, workers idle: one `synchronize` (target <= 6)
   and one first-time `opened`, listed by method + path template.

It is a benchmark: it prints figures (PASS/MISS against the targets) and exits 0 whatever they
are; 1 on a harness error (wrk missing, a server that does not start), 130 on Ctrl-C. Everything
it starts (fake, servers, temporary directory, PostgreSQL schema) is stopped or removed on the
way out.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import hashlib
import hmac
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import sqlalchemy as sa  # noqa: E402

from bench.gen_diff import generate  # noqa: E402
from bot.render.markdown import MARKER  # noqa: E402
from tests.fakegithub import FakeGitHub  # noqa: E402
from tests.webhooks.conftest import AUTH_PATCH, INSTALLATION, REPO, SECRET  # noqa: E402
from webhooks.runtime.store import Store  # noqa: E402
from webhooks.runtime.store import jobs as jobs_table  # noqa: E402

POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
WRK_SCRIPT = Path(__file__).with_name("wrk_deliveries.lua")
#: (concurrency, p99 ratio at most, throughput ratio at least) against the floor
TARGETS = {10: (1.5, 0.5), 100: (2.0, None)}
TARGET_SYNC_REQUESTS = 6
DRAIN_LIMIT = 120.0
CHECK_POLL = 0.005
CRITICAL_EVERY = 4  # one PR in four also changes a critical file


# A PR description as teams write them from a template (what a real payload's `body` carries).
DESCRIPTION = """## What

Refactor the data layer of the {n}th module: the repository classes move behind one interface,
queries are built in one place and the N+1 lookups on the listing page are gone.

## Why

The listing page issued one query per row (see the trace in the linked issue); with the
interface in place the caching layer can be added without touching every caller.

## How it was tested

- [x] unit tests for the new repository interface
- [x] the integration suite against a copy of production data
- [ ] load test of the listing page (scheduled)

## Checklist

- [x] I have read the contributing guide
- [x] Documentation updated where behaviour changed
- [x] No secrets, credentials or personal data in the diff
- [ ] Migration reviewed by a second person (none in this change)

Model: claude-sonnet-4

<!-- Please keep the sections above; the release notes are generated from "What". -->
"""


class TimeLimit(Exception):
    pass


# ------------------------------------------------------------------------------ figures
def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100); NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 100))
    return ordered[int(rank) - 1]


def ms(seconds: float) -> str:
    return "   n/a" if seconds != seconds else f"{seconds * 1000:6.1f}"


def verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("PASS" if ok else "MISS")




# ------------------------------------------------------------------------------ servers
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """A server process on a loopback port, its output into a log file; stopped on close."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], port: int,
                 log_file: Path, ready_path: str) -> None:
        self.name = name
        self.url = f"http://127.0.0.1:{port}"
        self.log_file = log_file
        with open(log_file, "ab") as log:
            self.process = subprocess.Popen(
                argv, env={**os.environ, **env}, cwd=ROOT, stdin=subprocess.DEVNULL,
                stdout=log, stderr=log, start_new_session=True,
            )
        deadline = time.monotonic() + 60
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"{name} exited ({self.process.returncode}); see {log_file}:\n"
                                   + log_file.read_text(errors="replace")[-2000:])
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(self.url + ready_path, timeout=1).status_code == 200:
                    return
            if time.monotonic() > deadline:
                self.close()
                raise RuntimeError(f"{name} did not start in 60 s; see {log_file}")
            time.sleep(0.1)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


@dataclass
class Run:
    """One wrk run: requests completed, seconds, latency percentiles (seconds), errors."""

    target: str
    concurrency: int
    requests: int
    seconds: float
    p50: float
    p90: float
    p99: float
    max: float
    errors: int

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else float("nan")

    def line(self) -> str:
        errors = f", {self.errors} errors" if self.errors else ""
        return (f"    {self.target:<8} c={self.concurrency:<4} {self.requests:>6} requests "
                f"{self.rate:7.0f}/s  p50 {ms(self.p50)} p90 {ms(self.p90)} p99 {ms(self.p99)} "
                f"max {ms(self.max)} ms{errors}")


def wrk(url: str, bodies: Path, concurrency: int, seconds: float, target: str) -> Run:
    """wrk against `url`: two threads (this machine's cores), `concurrency` connections."""
    argv = ["wrk", f"-t{min(2, concurrency)}", f"-c{concurrency}", f"-d{seconds:g}s",
            "--timeout", "10s", "-s", str(WRK_SCRIPT), url, "--", str(bodies),
            uuid.uuid4().hex[:8]]
    out = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 60, check=False)
    line = next((x for x in reversed(out.stdout.splitlines()) if x.startswith("{")), None)
    if out.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({out.returncode}): {out.stderr.strip() or out.stdout}")
    data = json.loads(line)
    errors = sum(data[k] for k in ("status_errors", "connect", "read", "write", "timeout"))
    return Run(target, concurrency, data["requests"], data["seconds"], data["p50"] / 1e6,
               data["p90"] / 1e6, data["p99"] / 1e6, data["max"] / 1e6, errors)


def median_run(runs: list[Run]) -> Run:
    first = runs[0]
    return Run(first.target, first.concurrency, int(statistics.median(r.requests for r in runs)),
               statistics.median(r.seconds for r in runs),
               statistics.median(r.p50 for r in runs), statistics.median(r.p90 for r in runs),
               statistics.median(r.p99 for r in runs), statistics.median(r.max for r in runs),
               sum(r.errors for r in runs))


# ------------------------------------------------------------------------------ seeding
# ------------------------------------------------------------------------------ seeding
def split_diff(text: str) -> list[dict[str, Any]]:
    """A git diff -> the PR file list GitHub answers (filename, status, patch when textual)."""
    files: list[dict[str, Any]] = []
    for block in re.split(r"^(?=diff --git )", text, flags=re.M):
        if not block.startswith("diff --git "):
            continue
        lines = block.splitlines()
        old = new = None
        status = "modified"
        for line in lines:
            if line.startswith("--- a/"):
                old = line[6:]
            elif line.startswith("+++ b/"):
                new = line[6:]
            elif line.startswith("new file mode"):
                status = "added"
            elif line.startswith("deleted file mode"):
                status = "removed"
            elif line.startswith("rename from "):
                status, old = "renamed", line[12:]
            elif line.startswith("rename to "):
                new = line[10:]
        if new is None and old is None:
            m = re.match(r"diff --git a/(\S+) b/(\S+)", lines[0])
            if not m:
                continue
            old, new = m.group(1), m.group(2)
        hunk_at = next((i for i, line in enumerate(lines) if line.startswith("@@")), None)
        entry: dict[str, Any] = {"filename": new or old, "status": status}
        if status == "renamed" and old:
            entry["previous_filename"] = old
        if hunk_at is not None:
            entry["patch"] = "\n".join(lines[hunk_at:])
        elif status in ("modified", "added", "removed"):
            entry.update(additions=0, deletions=0)  # binary or mode-only: GitHub omits the patch
        files.append(entry)
    return files


def pr_files(number: int, revision: int) -> list[dict[str, Any]]:
    seed = number * 1000 + revision
    text, _ = generate(files=2 + seed % 4, lines=30 + (seed * 7) % 90, seed=seed)
    files = split_diff(text)
    if number % CRITICAL_EVERY == 0:
        files.append({"filename": "app/auth/views.py", "patch": AUTH_PATCH})
    return files


def sha_of(*parts: Any) -> str:
    return hashlib.sha1(":".join(map(str, parts)).encode()).hexdigest()


@dataclass
class Delivery:
    number: int
    action: str
    head_sha: str
    body: bytes
    headers: dict[str, str]
    files: list[dict[str, Any]] | None = None  # pushed on the fake right before sending


def sign(event: str, body: bytes) -> dict[str, str]:
    digest = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    return {
        "X-GitHub-Event": event,
        "X-GitHub-Delivery": str(uuid.uuid4()),
        "X-GitHub-Hook-ID": "1",
        "X-GitHub-Hook-Installation-Target-Type": "integration",
        "X-GitHub-Hook-Installation-Target-ID": "123456",
        "X-Hub-Signature-256": f"sha256={digest}",
        "User-Agent": "GitHub-Hookshot/bench",
        "Content-Type": "application/json",
    }


# URL fields GitHub's repository objects carry in webhook payloads that the fake's REST answers
# leave out: added to the payload's three repository objects, so its size is a real one's.
REPO_URL_FIELDS = (
    "assignees_url", "blobs_url", "contributors_url", "deployments_url", "downloads_url",
    "events_url", "forks_url", "git_refs_url", "git_tags_url", "keys_url", "languages_url",
    "merges_url", "milestones_url", "notifications_url", "releases_url", "stargazers_url",
    "subscribers_url", "subscription_url", "tags_url", "teams_url", "trees_url", "svn_url",
    "issue_events_url", "pulls_url", "compare_url",
)


def github_shaped(repo: dict[str, Any]) -> dict[str, Any]:
    api = f"https://api.github.com/repos/{repo.get('full_name', REPO)}"
    extra = {name: f"{api}/{name.removesuffix('_url').replace('_', '/')}{{/id}}"
             for name in REPO_URL_FIELDS if name not in repo}
    return {**repo, **extra, "mirror_url": None, "web_commit_signoff_required": False}


class World:
    """The fake's repository, the PRs seeded on it and the payloads GitHub would send."""

    def __init__(self, fake: FakeGitHub) -> None:
        self.fake = fake
        auth = {"Authorization": f"token {fake.token}"}
        self.api = httpx.Client(base_url=fake.url, headers=auth, timeout=10)
        self.repo_json = self._get(f"/repos/{REPO}")
        self.pr_json: dict[int, Any] = {}
        self.heads: dict[int, str] = {}
        self.revisions: dict[int, int] = {}
        self.files: dict[int, list[dict[str, Any]]] = {}

    def close(self) -> None:
        self.api.close()

    def _get(self, path: str) -> Any:
        response = self.api.get(path)
        response.raise_for_status()
        return response.json()

    def add_pr(self, number: int) -> None:
        head = sha_of("pr", number, 0)
        self.files[number] = pr_files(number, 0)
        self.fake.add_pull(
            REPO, number=number, title=f"Change {number}: tidy the data layer",
            body=DESCRIPTION.format(n=number), user_login="alice",
            head_sha=head, head_ref=f"feature-{number}", files=self.files[number],
            commits=[{"sha": head, "message": f"Change {number}", "author_login": "alice"}],
        )
        self.pr_json[number] = self._get(f"/repos/{REPO}/pulls/{number}")
        self.heads[number] = head
        self.revisions[number] = 0

    def payload(self, number: int, action: str, head: str, before: str | None) -> bytes:
        pr = copy.deepcopy(self.pr_json[number])
        pr["head"]["sha"] = head
        for side in ("head", "base"):
            if isinstance(pr[side].get("repo"), dict):
                pr[side]["repo"] = github_shaped(pr[side]["repo"])
        data: dict[str, Any] = {"action": action, "number": number, "pull_request": pr}
        if action == "synchronize":
            data.update(before=before, after=head)
        data.update(repository=github_shaped(self.repo_json),
                    installation={"id": INSTALLATION, "node_id": "MDIz"},
                    sender=pr["user"])
        return json.dumps(data).encode()

    def write_bodies(self, path: Path) -> int:
        """Each PR's `synchronize` delivery for its current head, signed, in the record format
        of bench/wrk_deliveries.lua; returns the mean body size in bytes."""
        sizes = []
        with open(path, "wb") as out:
            for number, head in self.heads.items():
                body = self.payload(number, "synchronize", head, sha_of("before", number))
                signature = sign("pull_request", body)["X-Hub-Signature-256"]
                out.write(f"pull_request\n{signature}\n{len(body)}\n".encode() + body)
                sizes.append(len(body))
        return sum(sizes) // max(1, len(sizes))

    def opened(self, number: int) -> Delivery:
        body = self.payload(number, "opened", self.heads[number], None)
        return Delivery(number, "opened", self.heads[number], body, sign("pull_request", body))

    def next_synchronize(self, number: int, same_files: bool = False) -> Delivery:
        """The next push on a PR (head SHA and files chosen now, pushed when it is sent):
        new files, or the same ones again (same decision, so no label changes)."""
        rev = self.revisions[number] + 1
        head = sha_of("pr", number, rev)
        body = self.payload(number, "synchronize", head, self.heads[number])
        if not same_files:
            self.files[number] = pr_files(number, rev)
        self.revisions[number], self.heads[number] = rev, head
        return Delivery(number, "synchronize", head, body, sign("pull_request", body),
                        files=self.files[number])

    def push(self, d: Delivery) -> None:
        if d.files is not None:
            self.fake.push(REPO, d.number, d.head_sha, files=d.files,
                           message=f"Update {d.number} ({d.head_sha[:7]})")




# ------------------------------------------------------------------------------ the bench
class Bench:
    def __init__(self, args: argparse.Namespace, stack: contextlib.ExitStack) -> None:
        self.args = args
        self.stack = stack
        self.deadline = time.monotonic() + args.time_limit
        self.tmp = Path(tempfile.mkdtemp(prefix="modeltier-bench-"))
        stack.callback(shutil.rmtree, self.tmp, True)
        self.database_url = self._database()
        self.log_file = self.tmp / "service.log"
        # GitHub Enterprise Cloud's hourly budget per installation: workers that keep up with
        # three rounds of load spend more than the default 5,000 requests, and the drain would
        # then wait an hour for the reset (as the service must)
        self.fake = stack.enter_context(FakeGitHub(rate_limit=15_000))
        self.fake.add_repo(REPO, default_branch="main")
        self.fake.add_installation(INSTALLATION, repos=[REPO])
        self.world = World(self.fake)
        stack.callback(self.world.close)
        self.floor = self._server("floor", [
            sys.executable, "-m", "uvicorn", "bench.floor_app:app", "--no-access-log",
            "--log-level", "warning"], {
            "MODELTIER_FLOOR_DB": str(self.tmp / "floor.sqlite3"),
            "MODELTIER_FLOOR_SECRET": SECRET}, "/healthz")
        self.service = self._server("service", ["modeltier", "serve"], {
            "MODELTIER_WEBHOOK_SECRET": SECRET, "MODELTIER_GITHUB_APP_ID": str(self.fake.app_id),
            "MODELTIER_GITHUB_PRIVATE_KEY": self.fake.app_private_key_pem,
            "MODELTIER_GITHUB_API_URL": self.fake.url, "MODELTIER_DATABASE_URL": self.database_url,
            "MODELTIER_WORKERS": str(args.workers), "MODELTIER_GITHUB_MAX_WAIT": "5",
            "MODELTIER_LOG_LEVEL": "INFO"}, "/readyz")
        self.store = Store(self.database_url)
        stack.callback(self.store.dispose)
        self.http = httpx.Client(base_url=self.service.url, timeout=10)
        stack.callback(self.http.close)

    def _server(self, name: str, argv: list[str], env: dict[str, str], ready: str) -> Server:
        port = free_port()
        env = {**env, "MODELTIER_PORT": str(port)} if name == "service" else env
        argv = argv if name == "service" else [*argv, "--port", str(port)]
        server = Server(name, argv, env, port, self.tmp / f"{name}.log", ready)
        self.stack.callback(server.close)
        return server

    def _database(self) -> str:
        if self.args.database == "sqlite":
            return f"sqlite:///{self.tmp / 'modeltier.sqlite3'}"
        schema = f"bench_{uuid.uuid4().hex[:10]}"
        engine = sa.create_engine(self.args.postgres_url)
        with engine.begin() as conn:
            conn.execute(sa.text(f"CREATE SCHEMA {schema}"))

        def drop() -> None:
            with engine.begin() as conn:
                conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            engine.dispose()

        self.stack.callback(drop)
        return f"{self.args.postgres_url}?options=-csearch_path%3D{schema}"

    def check_time(self, what: str) -> None:
        if time.monotonic() > self.deadline:
            raise TimeLimit(f"time limit ({self.args.time_limit:.0f} s) reached during {what}")

    def seed(self, count: int) -> None:
        for number in range(1, count + 1):
            self.world.add_pr(number)

    def deliveries_recorded(self) -> int:
        return self.store.count_deliveries()

    # -- jobs -------------------------------------------------------------------------------
    def idle(self) -> bool:
        return self.store.count_jobs("pending") == 0 and self.store.count_jobs("running") == 0

    def drain(self, limit: float) -> float | None:
        started = time.monotonic()
        while time.monotonic() - started < limit:
            if self.idle():
                return time.monotonic() - started
            self.check_time("the drain")
            time.sleep(0.05)
        return None

    def job_statuses(self) -> dict[str, int]:
        with self.store.engine.connect() as conn:
            rows = conn.execute(
                sa.select(jobs_table.c.status, sa.func.count()).group_by(jobs_table.c.status)
            ).all()
        return {status: count for status, count in rows}

    def ours(self, number: int) -> list[dict[str, Any]]:
        return [c for c in self.fake.comments(REPO, number)
                if MARKER in (c.get("body") or "") and c["user"]["login"] == self.fake.bot_login]

    def verify(self, prs: int) -> dict[str, int]:
        out = Counter(prs=prs)
        for number in range(1, prs + 1):
            ours = self.ours(number)
            comments = len(ours)
            runs = self.fake.check_runs(REPO, head_sha=self.world.heads[number], name="modeltier")
            title = runs[-1]["output"]["title"].lower() if runs else ""
            routine = "routine:" in title  # a routine PR gets a check run and no comment
            out["duplicate comments"] += max(0, comments - 1)
            out["missing comments"] += comments == 0 and not routine
            out["duplicate check runs"] += max(0, len(runs) - 1)
            out["missing check runs"] += not runs
            out["critical"] += "critical:" in title
            out["routine"] += routine
            if ours and not routine and self.world.heads[number][:12] not in ours[-1]["body"]:
                out["stale comments"] += 1
        return dict(out)

    def wait_for(self, predicate: Callable[[], bool], timeout: float, poll: float) -> bool:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if predicate():
                return True
            self.check_time("waiting for a result")
            time.sleep(poll)
        return False

    def send_one(self, d: Delivery) -> tuple[float, float | None, int]:
        """Send one delivery; (ack seconds, seconds until its check run exists, status)."""
        self.world.push(d)
        started = time.perf_counter()
        response = self.http.post("/webhooks/github", content=d.body, headers=d.headers)
        acked = time.perf_counter() - started
        seen = self.wait_for(
            lambda: bool(self.fake.check_runs(REPO, head_sha=d.head_sha, name="modeltier")),
            timeout=10, poll=CHECK_POLL,
        )
        return acked, (time.perf_counter() - started) if seen else None, response.status_code

    def event_to_check(self, samples: int, prs: int) -> tuple[list[float], list[float], int]:
        to_check, acks, lost = [], [], 0
        for i in range(samples):
            if not self.wait_for(self.idle, 20, 0.01):
                raise RuntimeError("workers did not become idle between samples")
            acked, seen, status = self.send_one(self.world.next_synchronize(1 + i % prs))
            acks.append(acked)
            if seen is None or status != 202:
                lost += 1
            else:
                to_check.append(seen)
        self.wait_for(self.idle, 20, 0.01)
        return to_check, acks, lost

    def requests_for(self, d: Delivery) -> tuple[list[tuple[str, int | None]], bool]:
        """GitHub requests one delivery causes (workers idle before and after)."""
        if not self.wait_for(self.idle, 20, 0.01):
            raise RuntimeError("workers did not become idle")
        self.fake.reset_counts()
        _, seen, _ = self.send_one(d)  # its check run (a routine PR gets no comment)
        done = seen is not None and self.wait_for(self.idle, 10, 0.01)
        time.sleep(0.05)  # a request the job made after finishing would be a bug: catch it
        return [(f"{r.method} {template(r.path)}", r.status)
                for r in self.fake.request_log()], done




def template(path: str) -> str:
    path = path.replace(f"/repos/{REPO}", "/repos/{owner}/{repo}", 1)
    path = re.sub(r"/(pulls|issues)/\d+", r"/\1/{number}", path)
    path = re.sub(r"/issues/comments/\d+", "/issues/comments/{comment_id}", path)
    path = re.sub(r"/issues/\{number\}/labels/[^/]+$", "/issues/{number}/labels/{name}", path)
    path = re.sub(r"/check-runs/\d+", "/check-runs/{check_run_id}", path)
    path = re.sub(r"/installations/\d+", "/installations/{installation_id}", path)
    path = re.sub(r"/commits/[0-9a-f]{40}", "/commits/{sha}", path)
    return path


def tally(requests: list[tuple[str, int | None]]) -> list[str]:
    counts = Counter(requests)
    order = list(dict.fromkeys(requests))
    return [f"  {counts[key]:>2} x {key[0]}  -> {key[1]}" for key in order]




# ------------------------------------------------------------------------------ main
def run(args: argparse.Namespace) -> int:
    if shutil.which("wrk") is None:
        print("wrk is not installed (Debian: apt-get install wrk)", file=sys.stderr)
        return 1
    started = time.monotonic()
    with contextlib.ExitStack() as stack:
        try:
            bench = Bench(args, stack)
            return _run(args, bench, started)
        except TimeLimit as e:
            print(f"\nstopped: {e}", flush=True)
            return 1
        except KeyboardInterrupt:
            print("\ninterrupted: shutting down", file=sys.stderr, flush=True)
            return 130


def say(text: str = "") -> None:
    print(text, flush=True)


def load(args: argparse.Namespace, bench: Bench, bodies: Path) -> dict[int, tuple[Run, Run]]:
    """Interleaved wrk rounds, floor then service, per concurrency; the medians per target."""
    medians: dict[int, tuple[Run, Run]] = {}
    for concurrency in args.concurrency:
        runs: dict[str, list[Run]] = {"floor": [], "service": []}
        for _ in range(args.rounds):
            for server in (bench.floor, bench.service):
                bench.check_time("the load")
                before = bench.deliveries_recorded() if server is bench.service else 0
                result = wrk(server.url + "/webhooks/github", bodies, concurrency, args.seconds,
                             server.name)
                say(result.line())
                if server is bench.service:
                    kept = bench.deliveries_recorded() - before
                    if kept < result.requests - result.errors:
                        say(f"    LOST: {result.requests - result.errors} acknowledged, "
                            f"{kept} recorded")
                runs[server.name].append(result)
        medians[concurrency] = (median_run(runs["floor"]), median_run(runs["service"]))
    return medians


def _run(args: argparse.Namespace, bench: Bench, started: float) -> int:
    db = "sqlite (file, WAL)" if args.database == "sqlite" else "postgres (fresh schema)"
    load1, load5, _ = os.getloadavg()
    say(f"modeltier service benchmark: `modeltier serve` ({bench.service.url}, {args.workers} "
        f"workers, database {db}) against the floor bench/floor_app.py ({bench.floor.url}); wrk, "
        f"{args.rounds} interleaved rounds of {args.seconds:g} s per concurrency; host "
        f"{os.cpu_count()} CPUs, load average {load1:.2f} (1 min) {load5:.2f} (5 min)")
    bench.seed(args.prs)
    bodies = bench.tmp / "bodies"
    size = bench.world.write_bodies(bodies)
    say(f"{args.prs} PRs seeded on the fake GitHub; `synchronize` bodies of {size / 1024:.1f} KB "
        "on average, a fresh delivery id per request")

    # warm-up: one delivery end to end (installation token, app slug, repository, pools)
    warm = args.prs + 1
    bench.world.add_pr(warm)
    _, seen, _ = bench.send_one(bench.world.opened(warm))
    say(f"warm-up delivery -> check run in {ms(seen or float('nan')).strip()} ms (cold start)")

    say("\n[1] acknowledgements under load (wrk; latency: request sent -> response received)")
    medians = load(args, bench, bodies)
    rows: list[tuple[str, str, str, str]] = []
    for concurrency, (floor, service) in medians.items():
        p99_ratio, rate_ratio = service.p99 / floor.p99, service.rate / floor.rate
        most_p99, least_rate = TARGETS.get(concurrency, (None, None))
        rows.append((f"c={concurrency} floor p99 / throughput",
                     f"{floor.p99 * 1e3:.1f} ms / {floor.rate:.0f}/s", "", ""))
        rows.append((f"c={concurrency} service p99 / throughput",
                     f"{service.p99 * 1e3:.1f} ms / {service.rate:.0f}/s", "", ""))
        rows.append((f"c={concurrency} p99 ratio (service/floor)", f"{p99_ratio:.2f}x",
                     f"<= {most_p99}x" if most_p99 else "",
                     verdict(p99_ratio <= most_p99) if most_p99 else ""))
        rows.append((f"c={concurrency} throughput ratio", f"{rate_ratio:.2f}x",
                     f">= {least_rate}x" if least_rate else "",
                     verdict(rate_ratio >= least_rate) if least_rate else ""))

    # 2. drain and verify
    drained = bench.drain(DRAIN_LIMIT)
    checked = bench.verify(args.prs)
    wrong = sum(checked.get(k, 0) for k in ("duplicate comments", "missing comments",
                                             "duplicate check runs", "missing check runs",
                                             "stale comments"))
    say("[2] drain: " + (f"idle after {drained:.1f} s" if drained is not None else
                          f"NOT idle after {DRAIN_LIMIT:.0f} s")
        + f"; jobs by status {bench.job_statuses()}")
    say(f"    PRs {args.prs} ({checked.get('critical', 0)} critical, {checked.get('routine', 0)} "
        "routine: no comment expected): duplicate comments "
        f"{checked.get('duplicate comments', 0)}, missing comments "
        f"{checked.get('missing comments', 0)}, stale comments {checked.get('stale comments', 0)}"
        f", duplicate check runs {checked.get('duplicate check runs', 0)}, missing check runs "
        f"{checked.get('missing check runs', 0)} -> {verdict(wrong == 0 and drained is not None)}")
    rows.append(("drain after load (s)", f"{drained:.1f}" if drained is not None else "> 120",
                 "<= 120", verdict(drained is not None)))
    rows.append(("dup/missing/stale comments, check runs", f"{wrong}", "0",
                 verdict(wrong == 0)))

    if drained is not None:
        # 3. event -> check run, and 4. GitHub requests per event, with the workers idle
        to_check, idle_acks, lost = bench.event_to_check(args.samples, args.prs)
        say(f"[3] event -> check run, {len(to_check)} synchronize one at a time (workers idle): "
            f"p50 {ms(percentile(to_check, 50))} p99 {ms(percentile(to_check, 99))} ms; idle ack "
            f"p50 {ms(percentile(idle_acks, 50))} ms" + (f"; {lost} without a check run"
                                                         if lost else ""))
        sync_requests, sync_done = bench.requests_for(bench.world.next_synchronize(1, True))
        opened_number = args.prs + 2
        bench.world.add_pr(opened_number)
        opened_requests, opened_done = bench.requests_for(bench.world.opened(opened_number))
        sync_ok = len(sync_requests) <= TARGET_SYNC_REQUESTS and sync_done
        say("[4] GitHub requests for one synchronize on a one-page PR (same files pushed again: "
            f"labels unchanged): {len(sync_requests)}{'' if sync_done else ' (result not seen!)'}")
        for line in tally(sync_requests):
            say(line)
        say(f"    GitHub requests for a first opened: {len(opened_requests)}"
            f"{'' if opened_done else ' (result not seen!)'}")
        for line in tally(opened_requests):
            say(line)
        rows.append(("event -> check run p50 / p99 (ms)", f"{percentile(to_check, 50) * 1e3:.0f}/"
                     f"{percentile(to_check, 99) * 1e3:.0f}" if to_check else "n/a", "", ""))
        rows.append(("GitHub requests / synchronize", str(len(sync_requests)),
                     f"<= {TARGET_SYNC_REQUESTS}", verdict(sync_ok)))

    say("")
    say(f"  {'metric':<40}  {'value':>20}  {'target':>8}  {'result':>6}")
    say(f"  {'-' * 40}  {'-' * 20}  {'-' * 8}  {'-' * 6}")
    for name, value, target, result in rows:
        say(f"  {name:<40}  {value:>20}  {target:>8}  {result:>6}")
    say(f"\ntotal {time.monotonic() - started:.0f} s; service log "
        f"{bench.service.log_file.stat().st_size // 1024} KiB (JSON lines, removed with the temp "
        "dir)")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="length of one wrk run")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds per concurrency")
    parser.add_argument("--concurrency", default="10,100",
                        type=lambda text: [int(c) for c in text.split(",")])
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--postgres-url", default=POSTGRES_URL)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--prs", type=int, default=40, help="pull requests the deliveries name")
    parser.add_argument("--samples", type=int, default=30, help="event -> check run samples")
    parser.add_argument("--time-limit", type=float, default=300.0,
                        help="stop (and clean up) after this many seconds")
    args = parser.parse_args(argv)
    if args.seconds <= 0 or args.rounds < 1 or args.prs < 1 or args.samples < 0 or min(
            args.concurrency) < 1:
        parser.error("--seconds, --rounds, --prs and --concurrency must be positive")
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
