"""Fault and load test of broker mode: no event may be lost, none processed twice.

    python bench/soak.py [--deliveries 5000] [--prs 500] [--rate 150] [--workers 2]
                         [--concurrency 4] [--senders 8] [--seed 7] [--timeout 900]
                         [--lost-responses 0.05]

Runs on loopback only, bounded in time (`--timeout`, then it stops by itself), and needs the
PostgreSQL server at MODELTIER_TEST_POSTGRES_URL and the Redis server at MODELTIER_TEST_REDIS_URL
(database 12, flushed). It starts, in this process, the fake GitHub (tests/fakegithub, a real HTTP
server; 5% of its answers fail with 500, 502 or a 403 secondary rate limit with Retry-After, a
few are slow, and `--lost-responses` (5%) of the comment and check-run POSTs are processed and
then left unanswered, the connection reset: the write happened, the service cannot know it), and
as subprocesses, sharing one fresh PostgreSQL schema and Redis: two web
processes (`modeltier serve` on two ports) and two Celery workers (`modeltier worker`), all
given the fake's URL and the App key through the environment, as deployed. The workers run at a
lower CPU priority (`--worker-nice`, default 10), standing in for machines of their own: on one
small machine their bursts would otherwise take the web processes' CPU. A few pings per web
process warm up before the clock starts.

It seeds `--prs` pull requests over several repositories and installations, then sends
`--deliveries` signed `pull_request` deliveries at `--rate` per second, alternating between the
two web processes: per PR an `opened`, then `synchronize` events (each after a push of a new head
on the fake, whose files make it critical or routine), 10% of them redelivered duplicates (same
X-GitHub-Delivery), and one forged delivery (bad signature) mixed in. During the run one worker
is killed with SIGKILL twice (and started again) and one web process is killed and started again.
Like GitHub, the bench records every delivery attempt on the fake's hook-delivery list, failed
ones (the web process was down) included, and performs the redeliveries the service's reconciler
asks for (`POST /app/hook/deliveries/{id}/attempts`).

At the end (once everything settled, or at the timeout) it checks: every PR has exactly one
modeltier comment, showing its latest head, and exactly one modeltier check run on its latest
head SHA with the expected conclusion; no job is pending or running; every delivery GitHub sent
was recorded by the service; nothing was recorded or processed for the forged delivery. It
prints deliveries sent, acknowledged, lost, lost responses, duplicate comments and check runs
(a write retried blindly after a lost response would make one), wrong final states, throughput,
p99 acknowledgement latency and GitHub requests per delivery, each against its target
(0 lost, 0 duplicates, 0 wrong, p99 <= 50 ms), and `RESULT: PASS` or `RESULT: MISS`.

It is a benchmark: it exits 0 whatever the figures; 1 on a harness error, 2 when PostgreSQL or
Redis is unreachable. Everything it starts is stopped and removed on the way out.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import hmac
import json
import os
import queue
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import sqlalchemy as sa  # noqa: E402

from bot.render.markdown import MARKER  # noqa: E402
from tests.fakegithub import FakeGitHub  # noqa: E402
from tests.webhooks.conftest import AUTH_PATCH  # noqa: E402

SECRET = "soak: It's a Secret to Everybody"
POSTGRES_URL = os.environ.get(
    "MODELTIER_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REDIS_BASE = os.environ.get("MODELTIER_TEST_REDIS_URL", "redis://127.0.0.1:6379").rstrip("/")
REDIS_DB = 12
#: the writes GitHub does not make idempotent: a lost answer must not lead to a second one
WRITES = r"/issues/\d+/comments$|/check-runs$"
WRITES_PATH = re.compile(WRITES)
PRS_PER_REPO = 50
REPOS_PER_INSTALLATION = 2
TARGET_P99_MS = 50.0
TYPO_PATCH = "@@ -1,2 +1,2 @@\n <h1>Home</h1>\n-<p>Welcom</p>\n+<p>Welcome</p>\n"


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------- the fake, counting
class CountingFake(FakeGitHub):
    """The fake GitHub, counting every request and every error answer it gives."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.total = 0
        self.writes = 0  # comment and check-run POSTs, lost answers included
        self.errors: Counter[int] = Counter()
        self._counting = threading.Lock()

    def _serve_http(self, method: str, raw_path: str, headers: dict[str, str],
                    body: bytes) -> Any:
        resp = super()._serve_http(method, raw_path, headers, body)
        with self._counting:
            self.total += 1
            if method == "POST" and WRITES_PATH.search(raw_path.split("?", 1)[0]):
                self.writes += 1
            status = resp.status if resp is not None else 0
            if status >= 400 or status == 0:
                self.errors[status] += 1
        return resp


# ---------------------------------------------------------------------- the plan
@dataclass
class Pull:
    repo: str
    number: int
    installation: int
    declared: bool  # its description declares a premium model
    base_sha: str = ""
    heads: list[tuple[str, bool]] = field(default_factory=list)  # (sha, critical) per event

    def files(self, critical: bool) -> list[dict[str, str]]:
        if critical:
            return [{"filename": "app/auth/views.py", "patch": AUTH_PATCH}]
        return [{"filename": "app/templates/home.html", "patch": TYPO_PATCH}]

    def expected(self) -> str:
        critical = self.heads[-1][1]
        if not critical:
            return "neutral"
        return "success" if self.declared else "failure"

    def body(self) -> str:
        return "Model: GPT-5.4" if self.declared else ""


@dataclass
class Item:
    index: int
    kind: str  # event | duplicate | forged
    guid: str
    pull: Pull
    step: int  # which event of the PR
    body: bytes = b""
    signature: str = ""


def _sha(*parts: object) -> str:
    return hashlib.sha1("\0".join(map(str, parts)).encode()).hexdigest()


def plan(deliveries: int, prs: int, rng: random.Random) -> tuple[list[Pull], list[Item]]:
    duplicates = round(deliveries * 0.10)
    unique = deliveries - duplicates
    if unique < prs:
        raise SystemExit(f"--deliveries {deliveries} is too few for --prs {prs}")
    pulls = []
    for i in range(prs):
        repo_index = i // PRS_PER_REPO
        pulls.append(Pull(
            repo=f"soak{repo_index // REPOS_PER_INSTALLATION}/app{repo_index}",
            number=i % PRS_PER_REPO + 1,
            installation=100 + repo_index // REPOS_PER_INSTALLATION,
            declared=i % 3 == 0,
        ))
    counts = [unique // prs + (1 if i < unique % prs else 0) for i in range(prs)]
    for pull, count in zip(pulls, counts, strict=True):
        pull.heads = [(_sha(pull.repo, pull.number, k), rng.random() < 0.5) for k in range(count)]
    order = [i for i, count in enumerate(counts) for _ in range(count)]
    rng.shuffle(order)
    seen: Counter[int] = Counter()
    items: list[Item] = []
    for pr_index in order:
        step = seen[pr_index]
        seen[pr_index] += 1
        items.append(Item(0, "event", str(uuid.UUID(int=rng.getrandbits(128))),
                          pulls[pr_index], step))
    # duplicates: the same delivery again, a little later
    for original in rng.sample(items[: int(len(items) * 0.9)], duplicates):
        at = min(items.index(original) + rng.randint(1, 200), len(items))
        items.insert(at, Item(0, "duplicate", original.guid, original.pull, original.step))
    for index, item in enumerate(items):
        item.index = index
    return pulls, items


def payload(pull: Pull, step: int) -> dict[str, Any]:
    sha = pull.heads[step][0]
    return {
        "action": "opened" if step == 0 else "synchronize",
        "number": pull.number,
        "pull_request": {
            "number": pull.number, "state": "open", "draft": False,
            "title": f"Change #{pull.number}", "body": pull.body(), "labels": [],
            "head": {"ref": "feature", "sha": sha}, "base": {"ref": "main", "sha": pull.base_sha},
            "user": {"login": "alice", "type": "User", "id": 1},
        },
        "repository": {"full_name": pull.repo},
        "installation": {"id": pull.installation},
        "sender": {"login": "alice", "type": "User", "id": 1},
    }


def sign(body: bytes, secret: str = SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


# ---------------------------------------------------------------------- processes
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Proc:
    """A `modeltier` subprocess in its own process group, logging into a file."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], logdir: Path,
                 url: str = "", nice: int = 0) -> None:
        self.name, self.args, self.env, self.logdir, self.url = name, args, env, logdir, url
        self.nice = nice
        self.starts = 0
        self.proc: subprocess.Popen[bytes] | None = None
        self.start()

    def start(self) -> None:
        self.starts += 1
        with open(self.logdir / f"{self.name}.{self.starts}.log", "wb") as out:
            prefix = ["nice", "-n", str(self.nice)] if self.nice else []
            self.proc = subprocess.Popen(
                [*prefix, sys.executable, "-m", "bot.cli", *self.args], env=self.env, cwd=ROOT,
                stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            )

    def kill(self) -> None:
        if self.proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            with contextlib.suppress(ProcessLookupError):
                if self.proc is not None:
                    os.killpg(self.proc.pid, signal.SIGKILL)  # orphans of a dead leader
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.kill()


def wait_ready(url: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                return
        time.sleep(0.1)
    raise RuntimeError(f"{url} not ready after {timeout}s")


# ---------------------------------------------------------------------- the run
class Soak:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.rng = random.Random(args.seed)
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.samples: list[tuple[float, float, int]] = []  # (sent at, latency, web)
        self.sent = 0
        self.acknowledged = 0
        self.failed_attempts = 0
        self.forged_status: int | None = None
        self.redelivered = 0
        self.attempts: dict[int, Item] = {}  # fake hook-delivery id -> item
        self.timeline: list[str] = []
        self.procs: list[Proc] = []
        self.started = time.monotonic()
        self.logdir: Path | None = None
        self.keep_logs = True  # until the run passed its correctness checks

    def note(self, event: str) -> None:
        line = f"{time.monotonic() - self.started:6.1f}s {event}"
        self.timeline.append(line)
        log(line)

    # -- setup -------------------------------------------------------------------------------
    def setup(self) -> None:
        import redis

        self.schema = f"soak_{uuid.uuid4().hex[:10]}"
        self.admin = sa.create_engine(POSTGRES_URL)
        with self.admin.begin() as conn:
            conn.execute(sa.text(f"CREATE SCHEMA {self.schema}"))
        self.database_url = f"{POSTGRES_URL}?options=-csearch_path%3D{self.schema}"
        self.db = sa.create_engine(self.database_url)
        self.broker_url = f"{REDIS_BASE}/{REDIS_DB}"
        self.redis = redis.Redis.from_url(self.broker_url)
        self.redis.flushdb()
        self.logdir = Path(tempfile.mkdtemp(prefix="modeltier-soak-"))

        self.fake = CountingFake(rate_limit=10**9, max_log=2000)
        self.fake.start()
        self.pulls, self.items = plan(self.args.deliveries, self.args.prs, self.rng)
        repos: dict[int, set[str]] = {}
        for pull in self.pulls:
            if all(pull.repo not in names for names in repos.values()):
                self.fake.add_repo(pull.repo, default_branch="main")
            repos.setdefault(pull.installation, set()).add(pull.repo)
        for installation, names in repos.items():
            self.fake.add_installation(installation, repos=sorted(names))
        for pull in self.pulls:
            sha, critical = pull.heads[0]
            state = self.fake.add_pull(pull.repo, number=pull.number, body=pull.body(),
                                       title=f"Change #{pull.number}", head_sha=sha,
                                       files=pull.files(critical))
            pull.base_sha = state.base_sha
        # The forged delivery names a PR of its own, unknown to GitHub: any job, comment or
        # check run for it would come from the forgery (catching up cannot find it).
        forged_pull = Pull(self.pulls[0].repo, PRS_PER_REPO + 1, self.pulls[0].installation,
                           False, base_sha=self.pulls[0].base_sha, heads=[(_sha("forged"), True)])
        self.forged = Item(0, "forged", str(uuid.uuid4()), forged_pull, 0)
        self.items.insert(len(self.items) // 2, self.forged)
        for index, item in enumerate(self.items):
            item.index = index

        self.env = {k: v for k, v in os.environ.items() if not k.startswith("MODELTIER_")}
        self.env.update({
            "PYTHONPATH": str(ROOT),
            "MODELTIER_WEBHOOK_SECRET": SECRET,
            "MODELTIER_GITHUB_APP_ID": str(self.fake.app_id),
            "MODELTIER_GITHUB_PRIVATE_KEY": self.fake.app_private_key_pem,
            "MODELTIER_GITHUB_API_URL": self.fake.url,
            "MODELTIER_DATABASE_URL": self.database_url,
            "MODELTIER_BROKER_URL": self.broker_url,
            "MODELTIER_LOG_LEVEL": "WARNING",
            "MODELTIER_WORKERS": str(self.args.concurrency),
            "MODELTIER_JOB_LEASE_SECONDS": "15",
            "MODELTIER_BROKER_VISIBILITY_TIMEOUT": "20",
            "MODELTIER_REQUEUE_AFTER_SECONDS": "20",
            "MODELTIER_RECONCILE_SECONDS": "5",
            "MODELTIER_RECONCILE_MIN_REMAINING": "100",
            "MODELTIER_GITHUB_MAX_WAIT": "5",
            "MODELTIER_MAX_ATTEMPTS": "10",
        })
        subprocess.run([sys.executable, "-m", "bot.cli", "db", "upgrade"], env=self.env,
                       cwd=ROOT, check=True, capture_output=True)
        self.webs = []
        for i in range(2):
            port = free_port()
            self.webs.append(Proc(f"web{i}", ["serve", "--host", "127.0.0.1", "--port", str(port)],
                                  self.env, self.logdir, url=f"http://127.0.0.1:{port}"))
        # Workers run at a lower CPU priority, standing in for machines of their own: on one
        # small machine their bursts (a restart, a backlog) otherwise take the web processes' CPU.
        self.workers = [
            Proc(f"worker{i}", ["worker", "--concurrency", str(self.args.concurrency),
                                "--hostname", f"soak{i}@%h"], self.env, self.logdir,
                 nice=self.args.worker_nice)
            for i in range(self.args.workers)
        ]
        self.procs = [*self.webs, *self.workers]
        for web in self.webs:
            wait_ready(web.url, 30)
        self.warm_up()
        self.fake.fail_rate(0.05, statuses=(500, 502, 403), seed=self.args.seed)
        self.lost_responses = self.fake.inject_lost_response(
            count=None, method="POST", path_regex=WRITES, probability=self.args.lost_responses,
            seed=self.args.seed)
        self.note(f"ready: fake GitHub {self.fake.url}, web {[w.url for w in self.webs]}, "
                  f"{len(self.workers)} workers x {self.args.concurrency}, logs {self.logdir}")

    def warm_up(self) -> None:
        """A few pings per web process and time for the workers to start, before the clock."""
        with httpx.Client(timeout=10) as client:
            for web in self.webs:
                for _ in range(20):
                    body = b'{"zen": "Keep it logically awesome.", "hook_id": 1}'
                    client.post(f"{web.url}/webhooks/github", content=body, headers={
                        "X-GitHub-Event": "ping", "X-GitHub-Delivery": str(uuid.uuid4()),
                        "X-Hub-Signature-256": sign(body), "Content-Type": "application/json"})
        time.sleep(3)

    # -- sending -----------------------------------------------------------------------------
    def prepare(self, item: Item) -> None:
        """Like GitHub: the push lands first, then the event is sent (in stream order)."""
        pull = item.pull
        if item.kind == "event" and item.step > 0:
            sha, critical = pull.heads[item.step]
            self.fake.push(pull.repo, pull.number, sha, files=pull.files(critical))
        if not item.body:
            item.body = json.dumps(payload(pull, item.step)).encode()
        secret = "a forged secret" if item.kind == "forged" else SECRET
        item.signature = sign(item.body, secret)

    def post(self, client: httpx.Client, url: str, item: Item) -> tuple[int, float]:
        headers = {
            "X-GitHub-Event": "pull_request", "X-GitHub-Delivery": item.guid,
            "X-Hub-Signature-256": item.signature, "Content-Type": "application/json",
            "User-Agent": "GitHub-Hookshot/soak",
        }
        started = time.perf_counter()
        try:
            status = client.post(f"{url}/webhooks/github", content=item.body,
                                 headers=headers).status_code
        except httpx.HTTPError:
            status = 0
        return status, time.perf_counter() - started

    def record(self, item: Item, status: int, redelivery: bool) -> None:
        """GitHub's own record of the attempt, listed by `GET /app/hook/deliveries`."""
        did = self.fake.add_hook_delivery(
            event="pull_request", action="opened" if item.step == 0 else "synchronize",
            status_code=status if status else 503, guid=item.guid,
            installation_id=item.pull.installation, repository=item.pull.repo,
            redelivery=redelivery,
        )
        with self.lock:
            self.attempts[did] = item

    def sender(self, work: queue.Queue[Item | None]) -> None:
        with httpx.Client(timeout=10) as client:
            while True:
                item = work.get()
                if item is None:
                    return
                web = self.webs[item.index % len(self.webs)]
                status, latency = self.post(client, web.url, item)
                ok = 200 <= status < 300
                with self.lock:
                    self.sent += 1
                    if item.kind == "forged":
                        self.forged_status = status
                        continue
                    if ok:
                        self.acknowledged += 1
                        self.latencies.append(latency)
                        self.samples.append((time.monotonic() - self.started - latency, latency,
                                             item.index % len(self.webs)))
                    else:
                        self.failed_attempts += 1
                self.record(item, status, redelivery=item.kind == "duplicate")

    def hookshot(self) -> None:
        """GitHub's side of `POST /app/hook/deliveries/{id}/attempts`: send it again."""
        done = 0
        with httpx.Client(timeout=10) as client:
            while not self.stop.is_set():
                asked = self.fake.redeliveries()
                for did in asked[done:]:
                    with self.lock:
                        item = self.attempts.get(did)
                    if item is None:
                        continue
                    deadline = time.monotonic() + 60
                    while time.monotonic() < deadline and not self.stop.is_set():
                        web = self.rng.choice(self.webs)
                        status, _ = self.post(client, web.url, item)
                        if 200 <= status < 300:
                            with self.lock:
                                self.redelivered += 1
                            break
                        time.sleep(0.5)
                done = len(asked)
                time.sleep(0.3)

    def chaos(self, fraction: float) -> None:
        """Faults at points of the stream: worker SIGKILLs, a web restart, slow answers."""
        actions = {
            0.20: lambda: self.kill_worker("first"),
            0.50: self.restart_web,
            0.70: lambda: self.kill_worker("second"),
        }
        for at, action in actions.items():
            if fraction >= at and at not in self.done_chaos:
                self.done_chaos.add(at)
                threading.Thread(target=action, daemon=True).start()
        slow = int(fraction * 10)
        if slow not in self.done_slow:
            self.done_slow.add(slow)
            self.fake.inject_delay(1.5, count=3)

    def kill_worker(self, which: str) -> None:
        worker = self.workers[0]
        worker.kill()
        self.note(f"worker0 killed with SIGKILL ({which} time)")
        worker.start()
        self.note("worker0 started again")

    def restart_web(self) -> None:
        web = self.webs[1]
        web.kill()
        self.note("web1 killed with SIGKILL")
        web.start()
        wait_ready(web.url, 30)
        self.note("web1 started again and ready")

    def send_all(self) -> float:
        work: queue.Queue[Item | None] = queue.Queue(maxsize=self.args.senders * 4)
        senders = [threading.Thread(target=self.sender, args=(work,), daemon=True)
                   for _ in range(self.args.senders)]
        for thread in senders:
            thread.start()
        self.done_chaos: set[float] = set()
        self.done_slow: set[int] = set()
        interval = 1.0 / self.args.rate
        started = time.perf_counter()
        for n, item in enumerate(self.items):
            if self.stop.is_set():
                break
            self.chaos(n / len(self.items))
            self.prepare(item)
            delay = started + n * interval - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            work.put(item)
        for _ in senders:
            work.put(None)
        for thread in senders:
            thread.join()
        return time.perf_counter() - started

    # -- checking ----------------------------------------------------------------------------
    def recorded_guids(self) -> set[str]:
        with self.db.connect() as conn:
            return set(conn.execute(sa.text("SELECT delivery_id FROM deliveries")).scalars())

    def job_counts(self) -> dict[str, int]:
        with self.db.connect() as conn:
            return {s: int(n) for s, n in conn.execute(
                sa.text("SELECT status, count(*) FROM jobs GROUP BY status"))}

    def final_states(self) -> dict[str, Any]:
        wrong, duplicate_comments, duplicate_checks, problems = 0, 0, 0, []
        bot = self.fake.bot_login
        for pull in self.pulls:
            head = pull.heads[-1][0]
            ours = [c for c in self.fake.comments(pull.repo, pull.number)
                    if MARKER in c["body"] and c["user"]["login"] == bot]
            runs = [r for r in self.fake.check_runs(pull.repo, head_sha=head)
                    if r["name"] == "modeltier"]
            duplicate_comments += max(0, len(ours) - 1)
            duplicate_checks += max(0, len(runs) - 1)
            # A routine head gets no comment (policy `comment: sensitive`), or, when an earlier
            # head was commented, the one-line "now routine" note: never a stale verdict.
            commented = (len(ours) == 1 and head[:12] in ours[0]["body"]
                         and (pull.heads[-1][1] or "now routine" in ours[0]["body"]))
            ok = ((commented or (not ours and not pull.heads[-1][1])) and len(runs) == 1
                  and runs[0]["conclusion"] == pull.expected())
            if not ok:
                wrong += 1
                if len(problems) < 5:
                    problems.append(
                        f"{pull.repo}#{pull.number}: {len(ours)} comments, check runs "
                        f"{[r['conclusion'] for r in runs]} on {head[:7]}, "
                        f"expected {pull.expected()}")
        return {"wrong": wrong, "duplicate_comments": duplicate_comments,
                "duplicate_checks": duplicate_checks, "problems": problems}

    def legit_guids(self) -> set[str]:
        return {item.guid for item in self.items if item.kind == "event"}

    def settle(self, deadline: float) -> None:
        """Wait for the system to catch up: everything recorded, nothing pending, states right."""
        legit = self.legit_guids()
        while time.monotonic() < deadline and not self.stop.is_set():
            lost = len(legit - self.recorded_guids())
            jobs = self.job_counts()
            busy = jobs.get("pending", 0) + jobs.get("running", 0)
            states = self.final_states() if not lost and not busy else None
            if states is not None and not states["wrong"]:
                return
            time.sleep(2)
        self.note("timed out waiting for the system to settle")

    def forged_processed(self) -> bool:
        pull = self.forged.pull
        with self.db.connect() as conn:
            jobs = conn.execute(
                sa.text("SELECT count(*) FROM jobs WHERE repo = :r AND number = :n"),
                {"r": pull.repo, "n": pull.number}).scalar_one()
        recorded = self.forged.guid in self.recorded_guids()
        published = self.fake.check_runs(pull.repo, head_sha=pull.heads[0][0])
        return bool(jobs or recorded or published)

    # -- cleanup -----------------------------------------------------------------------------
    def cleanup(self) -> None:
        self.stop.set()
        for proc in self.procs:
            with contextlib.suppress(Exception):
                proc.stop()
        with contextlib.suppress(Exception):
            self.fake.stop()
        with contextlib.suppress(Exception):
            self.db.dispose()
            with self.admin.begin() as conn:
                conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {self.schema} CASCADE"))
            self.admin.dispose()
        with contextlib.suppress(Exception):
            self.redis.flushdb()
            self.redis.close()
        if self.logdir is not None and not self.keep_logs:
            shutil.rmtree(self.logdir, ignore_errors=True)


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def reachable() -> str | None:
    import redis

    try:
        engine = sa.create_engine(POSTGRES_URL)
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        engine.dispose()
    except Exception as e:
        return f"PostgreSQL unreachable at {POSTGRES_URL}: {type(e).__name__}"
    try:
        redis.Redis.from_url(f"{REDIS_BASE}/{REDIS_DB}", socket_connect_timeout=2).ping()
    except Exception as e:
        return f"Redis unreachable at {REDIS_BASE}/{REDIS_DB}: {type(e).__name__}"
    return None


def run(args: argparse.Namespace) -> int:
    soak = Soak(args)
    deadline = time.monotonic() + args.timeout
    watchdog = threading.Timer(args.timeout + 60, lambda: (soak.cleanup(), os._exit(3)))
    watchdog.daemon = True
    watchdog.start()
    try:
        soak.setup()
        hookshot = threading.Thread(target=soak.hookshot, daemon=True)
        hookshot.start()
        soak.note(f"sending {len(soak.items)} deliveries at {args.rate}/s")
        send_seconds = soak.send_all()
        soak.note(f"all sent in {send_seconds:.1f}s; waiting for the service to settle")
        soak.settle(deadline)
        settle_seconds = time.monotonic() - soak.started
        legit = soak.legit_guids()
        lost = len(legit - soak.recorded_guids())
        jobs = soak.job_counts()
        states = soak.final_states()
        forged = soak.forged_processed()
        p99 = percentile(soak.latencies, 99) * 1000
        p50 = percentile(soak.latencies, 50) * 1000
        errors = dict(sorted(soak.fake.errors.items()))
        ok = {
            "lost": lost == 0,
            "duplicates": states["duplicate_comments"] == 0 and states["duplicate_checks"] == 0,
            "wrong": states["wrong"] == 0 and not forged and soak.forged_status == 401,
            "pending": jobs.get("pending", 0) + jobs.get("running", 0) == 0,
            "p99": p99 <= TARGET_P99_MS,
        }
        mark = {True: "PASS", False: "MISS"}
        print(f"soak: {args.deliveries} deliveries for {args.prs} PRs "
              f"({len(legit)} distinct events, {args.deliveries - len(legit)} redelivered "
              f"duplicates, 1 forged), {args.workers} workers x {args.concurrency} "
              f"(nice {args.worker_nice}), 2 web processes, {os.cpu_count()} CPUs, seed "
              f"{args.seed}")
        print(f"deliveries sent: {soak.sent}")
        print(f"acknowledged: {soak.acknowledged} (failed attempts while a web process was down:"
              f" {soak.failed_attempts}; redelivered on the reconciler's request: "
              f"{soak.redelivered})")
        print(f"lost: {lost}  [{mark[ok['lost']]} target 0]")
        print(f"lost responses: {soak.lost_responses.hits} of {soak.fake.writes} comment and "
              f"check-run POSTs (processed, then the connection reset; rate "
              f"{args.lost_responses:.0%})")
        print(f"duplicate comments: {states['duplicate_comments']}  "
              f"(duplicate check runs: {states['duplicate_checks']})  "
              f"[{mark[ok['duplicates']]} target 0]")
        print(f"wrong final states: {states['wrong']}  [{mark[ok['wrong']]} target 0]")
        for problem in states["problems"]:
            print(f"  {problem}")
        print(f"forged delivery: answered {soak.forged_status}, processed: "
              f"{'yes' if forged else 'no'}")
        print(f"jobs left pending or running: "
              f"{jobs.get('pending', 0) + jobs.get('running', 0)}  [{mark[ok['pending']]} "
              f"target 0]; done {jobs.get('done', 0)}, superseded {jobs.get('superseded', 0)}, "
              f"dead {jobs.get('dead', 0)}")
        print(f"throughput: {soak.acknowledged / send_seconds:.1f} deliveries/s "
              f"(sending {send_seconds:.1f}s, settled after {settle_seconds:.1f}s)")
        print(f"p99 acknowledgement latency: {p99:.1f} ms (p50 {p50:.1f} ms)  "
              f"[{mark[ok['p99']]} target <= {TARGET_P99_MS:.0f} ms]")
        print(f"GitHub requests per delivery: {soak.fake.total / len(legit):.2f} "
              f"({soak.fake.total} requests; error answers by status: {errors})")
        if args.latencies:
            args.latencies.write_text("sent_at,ms,web\n" + "".join(
                f"{t:.3f},{ms * 1000:.2f},{web}\n" for t, ms, web in soak.samples))
        print("timeline:")
        for line in soak.timeline:
            print(f"  {line}")
        print(f"RESULT: {'PASS' if all(ok.values()) else 'MISS'}")
        soak.keep_logs = not all(v for k, v in ok.items() if k != "p99")  # a correctness miss
        if soak.keep_logs:
            print(f"logs kept in {soak.logdir}")
        return 0
    finally:
        soak.cleanup()
        watchdog.cancel()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--deliveries", type=int, default=5000)
    parser.add_argument("--prs", type=int, default=500)
    parser.add_argument("--rate", type=float, default=150.0, help="deliveries per second")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=4, help="job processes per worker")
    parser.add_argument("--senders", type=int, default=8, help="client threads")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds, then it stops")
    parser.add_argument("--lost-responses", type=float, default=0.05,
                        help="share of comment and check-run POSTs answered by a reset")
    parser.add_argument("--worker-nice", type=int, default=10,
                        help="CPU niceness of the workers (0: same priority as the web)")
    parser.add_argument("--latencies", type=Path, default=None,
                        help="also write each acknowledgement (sent at, ms, web) as CSV here")
    args = parser.parse_args(argv)
    def interrupted(signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, interrupted)  # `timeout` and CI stop it: clean up as on Ctrl-C
    problem = reachable()
    if problem:
        print(f"soak: cannot run: {problem}", file=sys.stderr)
        return 2
    try:
        return run(args)
    except KeyboardInterrupt:
        return 130
    except Exception as e:
        print(f"soak: harness error: {type(e).__name__}: {e}", file=sys.stderr)
        raise


if __name__ == "__main__":
    sys.exit(main())
