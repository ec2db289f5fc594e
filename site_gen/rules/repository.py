"""Git access: the repository of a registry, its files under filings/, and running git.

Checking reads the work tree through Git (a pull request's changed files, the blob ids the
index is keyed by); the outputs (history, the portal's events, 附件4) read the log. Both
import this module; it imports neither.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import git


def open_repo(root: Path) -> git.Repo | None:
    try:
        repo = git.Repo(root, search_parent_directories=True)
        repo.head.commit  # noqa: B018 - raises ValueError on a repository without commits
    except (git.InvalidGitRepositoryError, git.NoSuchPathError, ValueError):
        return None
    return repo


def filings_pathspec(repo: git.Repo, root: Path) -> tuple[str, str]:
    """(pathspec of filings/ inside the repository, prefix to strip for registry paths)."""
    top = Path(repo.working_tree_dir or ".").resolve()
    relative = root.resolve().relative_to(top).as_posix()
    prefix = "" if relative == "." else relative + "/"
    return prefix + "filings", prefix


def run_git(repo: git.Repo, *args: str) -> str:
    """Run git with paths printed as they are: by default git quotes and escapes
    non-ASCII names ("新账号.yaml"), which would then match no file."""
    return str(repo.git.execute(["git", "-c", "core.quotepath=false", *args]))


def is_shallow(repo: git.Repo) -> bool:
    return str(repo.git.rev_parse("--is-shallow-repository")).strip() == "true"


@dataclass
class Listing:
    """The files under filings/ as Git sees them: blob ids at HEAD, and the working tree."""

    blobs: dict[str, str]  # path → blob id at HEAD
    dirty: set[str]  # paths that differ from HEAD in the working tree
    files: list[str]  # paths relative to filings/ in the working tree
    links: set[str]  # of those, symbolic links


def git_listing(root: Path) -> Listing | None:
    """Two Git calls instead of walking 120,000 files; None outside Git. Names are read
    NUL-separated (``-z``): as they are, whatever characters they hold."""
    repo = open_repo(root)
    if repo is None:
        return None
    pathspec, prefix = filings_pathspec(repo, root)
    listing = run_git(repo, "ls-tree", "-r", "-z", "--full-tree", "HEAD", "--", pathspec)
    blobs: dict[str, str] = {}
    links: set[str] = set()
    for item in listing.split("\0"):
        if item:
            meta, _, path = item.partition("\t")
            mode, _, blob = meta.split()
            shown = path.removeprefix(prefix)
            blobs[shown] = blob
            if mode == "120000":
                links.add(shown.removeprefix("filings/"))
    status = run_git(repo, "status", "--porcelain", "-z", "--untracked-files=all",
                     "--no-renames", "--", pathspec)
    dirty: set[str] = set()
    present = set(blobs)
    for item in status.split("\0"):
        if len(item) > 3:
            code, shown = item[:2], item[3:].removeprefix(prefix)
            dirty.add(shown)
            if "D" in code:
                present.discard(shown)
            else:
                present.add(shown)
                if os.path.islink(root / shown):
                    links.add(shown.removeprefix("filings/"))
    files = [p.removeprefix("filings/") for p in present if p.startswith("filings/")]
    return Listing(blobs, dirty, files, links)
