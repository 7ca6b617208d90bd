"""The real-commit corpus: labels in `bench/corpus/*.yml`, diffs from local git mirrors.

Each label names a public repository and a full commit SHA, with what a careful reviewer said of
the diff (`../shared/reference/labelling.md`): critical or not, the areas, the tier, whether it is a
trap and of which kind, and a one-line reason. No third-party code is stored here; the diff is read
from a bare mirror of the repository (the session's `fetch` tool puts them under `/work/.mirror/`,
`MODELTIER_MIRRORS` or `--mirrors` points elsewhere) and cached under `bench/.cache/real/`.

Repositories are assigned to folds by a stable hash of their name, so every figure can be given
by repository: a rule is judged on the folds of repositories it was not tuned on.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TypeVar

import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.analysis.diff import parse_diff  # noqa: E402
from bot.analysis.models import SourceFile  # noqa: E402
from bot.cli import git_sources  # noqa: E402

CORPUS_DIR = ROOT / "bench" / "corpus"
CACHE_DIR = ROOT / "bench" / ".cache" / "real"
DEFAULT_MIRRORS = Path("/work/.mirror")
FOLDS = 5

__all__ = ["BLIND_FILES", "FOLDS", "Label", "by_fold", "development_labels", "fold_of",
           "load_label_file", "load_labels", "materialise", "materialise_sources",
           "materialise_title", "mirror_roots"]


@dataclass(frozen=True)
class Label:
    id: str
    repo: str
    sha: str
    stack: str
    critical: bool
    areas: frozenset[str]
    mentions: frozenset[str]
    tier: str
    files: int
    lines: int
    trap: bool
    trap_kind: str | None
    reason: str
    source: str = ""  # the corpus file's name, e.g. "fresh.yml"

    @property
    def fold(self) -> int:
        return fold_of(self.repo)


#: corpus files added after the rules were tuned: like the held-out fold, judged by their totals
#: only, so `--hide-fold` keeps their cases out of the listing too (bench/corpus/README.md). A
#: blind file is judged once, at the end of the session that adds it; from the next session on it
#: is development data like the others (fresh.yml to fresh151.yml are: stop 69 judged
#: fresh150-151.yml at its end; stop 70 judges fresh152-153.yml).
BLIND_FILES = frozenset({"fresh152.yml", "fresh153.yml"})


def fold_of(repo: str) -> int:
    """The repository's fold: stable across runs and machines (CRC-32 of the lowercased name)."""
    return zlib.crc32(repo.lower().encode()) % FOLDS


def load_labels(corpus_dir: Path = CORPUS_DIR) -> list[Label]:
    """Every label of the corpus: all `*.yml` files of the folder, in name order."""
    return [label for path in sorted(corpus_dir.glob("*.yml")) for label in load_label_file(path)]


def development_labels(corpus_dir: Path = CORPUS_DIR) -> list[Label]:
    """The labels that learning from the corpus may read: every file's but the blind ones'
    (`BLIND_FILES`), which are judged once, alone."""
    return [label for label in load_labels(corpus_dir) if label.source not in BLIND_FILES]


class _Labelled(Protocol):
    @property
    def label(self) -> Label: ...


_L = TypeVar("_L", bound=_Labelled)


def by_fold(items: Iterable[_L]) -> list[list[_L]]:
    """The items by their label's fold of repositories: `by_fold(x)[k]` is fold k's."""
    folds: list[list[_L]] = [[] for _ in range(FOLDS)]
    for item in items:
        folds[item.label.fold].append(item)
    return folds


def load_label_file(path: Path) -> list[Label]:
    """The labels of one corpus file, e.g. to measure a set added later (`fresh.yml`) on its own."""
    labels = []
    for row in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
        labels.append(Label(
            id=str(row["id"]), repo=str(row["repo"]), sha=str(row["sha"]),
            stack=str(row["stack"]), critical=bool(row["critical"]),
            areas=frozenset(row.get("areas") or ()),
            mentions=frozenset(row.get("mentions") or ()), tier=str(row["tier"]),
            files=int(row["files"]), lines=int(row["lines"]), trap=bool(row["trap"]),
            trap_kind=row.get("trap_kind"), reason=str(row["reason"]), source=path.name,
        ))
    return labels


def mirror_roots(extra: Sequence[Path] = ()) -> list[Path]:
    roots = list(extra)
    if os.environ.get("MODELTIER_MIRRORS"):
        roots += [Path(p) for p in os.environ["MODELTIER_MIRRORS"].split(os.pathsep)]
    return [*roots, DEFAULT_MIRRORS]


def _git_dir(repo: str, roots: Sequence[Path]) -> Path | None:
    folder = repo.replace("/", "+")
    for root in roots:
        # a bare mirror, or (as `fetch` leaves some small repositories) a checkout's .git
        for candidate in (root / folder / "repo", root / folder / "repo" / ".git", root / folder):
            if (candidate / "objects").is_dir() or (candidate / "HEAD").is_file():
                return candidate
    return None


def materialise(label: Label, roots: Sequence[Path], cache: Path = CACHE_DIR) -> bytes | None:
    """The commit's diff (as `git show -M` prints it), or None when no mirror has it."""
    cached = cache / f"{label.sha}.diff"
    if cached.is_file():
        return cached.read_bytes()
    git_dir = _git_dir(label.repo, roots)
    if git_dir is None:
        return None
    result = subprocess.run(
        ["git", f"--git-dir={git_dir}", "show", "-M", "--no-color", "--no-ext-diff",
         "--format=", label.sha],
        capture_output=True, check=False,
    )
    if result.returncode != 0:
        return None
    cache.mkdir(parents=True, exist_ok=True)
    cached.write_bytes(result.stdout)
    return result.stdout


def materialise_title(label: Label, roots: Sequence[Path], cache: Path = CACHE_DIR) -> str | None:
    """The commit's subject, the first line of its message (a squash-merged pull request's
    title), or None when no mirror has the commit."""
    cached = cache / f"{label.sha}.title"
    if cached.is_file():
        return cached.read_text(encoding="utf-8")
    git_dir = _git_dir(label.repo, roots)
    if git_dir is None:
        return None
    result = subprocess.run(
        ["git", f"--git-dir={git_dir}", "log", "-1", "--format=%s", label.sha],
        capture_output=True, check=False,
    )
    if result.returncode != 0:
        return None
    title = result.stdout.decode("utf-8", "replace").strip()
    cache.mkdir(parents=True, exist_ok=True)
    cached.write_text(title, encoding="utf-8")
    return title


def materialise_sources(label: Label, roots: Sequence[Path], cache: Path = CACHE_DIR
                        ) -> tuple[SourceFile, ...] | None:
    """The contents of the commit's changed files, before and after it (as `scan --git` reads
    them: `bot.cli.git_sources`), or None when no mirror has the commit."""
    cached = cache / f"{label.sha}.sources.json"
    if cached.is_file():
        rows = json.loads(cached.read_text(encoding="utf-8"))
        return tuple(SourceFile(**row) for row in rows)
    text = materialise(label, roots, cache)
    git_dir = _git_dir(label.repo, roots)
    if text is None or git_dir is None:
        return None
    diff = parse_diff(text)  # every file: the policy evaluated may want any of them
    sources = git_sources(diff, f"{label.sha}^", label.sha, range(len(diff.files)),
                          ("git", f"--git-dir={git_dir}"))
    cached.write_text(json.dumps([{"path": s.path, "head": s.head, "base": s.base}
                                  for s in sources]), encoding="utf-8")
    return sources
