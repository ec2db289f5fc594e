"""Every filing's history from Git, in one pass over the log (plus two small batched calls).

Approval is a merge into the main line ("分级管理、逐级负责"), so history follows the
first-parent line of HEAD: each commit on it is one approved change, and a merge
commit's diff against its first parent is everything that pull request brought in.

* ``open``: the file was added. Its date is the filing's own ``filed_on`` when that is
  earlier (a filing entered on paper before the registry existed keeps its date).
* ``change``: the file was modified or moved.
* ``deregister``: the change added ``status: deregistered``.

Each event names the commit on the main line (the merge that approved it, or the direct
commit), the author of the change, and for a merge the person who merged it.
A shallow clone cannot give this history: ``read_history`` says so instead of guessing.
"""

from __future__ import annotations

import subprocess
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import git

from .model import Account
from .rules.repository import filings_pathspec, is_shallow, open_repo, run_git

_RECORD, _FIELD = "\x1e", "\x1f"


@dataclass(frozen=True, slots=True)
class Event:
    date: str
    type: str  # open, change or deregister
    commit: str
    author: str
    approved_by: str | None = None  # who merged, when the commit is a merge
    blobs: tuple[str, str] | None = None  # a change's file before and after (Git blob ids)


@dataclass(frozen=True)
class History:
    """Events per filing (path relative to the registry root), oldest first."""

    events: dict[str, tuple[Event, ...]] = field(default_factory=dict)
    shallow: bool = False
    available: bool = True
    root: Path | None = None  # where the repository is, to read a change's two versions
    identities: tuple[str, ...] = ()  # keys to open sealed contacts with, to compare them

    def of(self, file: str) -> tuple[Event, ...]:
        return self.events.get(file, ())


HISTORY_TYPES = {"open": "开设", "change": "变更", "deregister": "注销"}


@dataclass(frozen=True, slots=True)
class HistoryEvent:
    """A filing event as the public and the forms see it: no author (authors are people)."""

    date: str
    type: str  # open, change or deregister
    commit: str | None = None
    blobs: tuple[str, str] | None = None

    @property
    def label(self) -> str:
        return HISTORY_TYPES[self.type]


def account_history(account: Account, history: History) -> tuple[HistoryEvent, ...]:
    """The filing's events from Git; without Git, from its own dates. A filing that entered
    the registry after the fact keeps its own dates: ``open`` is dated by ``filed_on`` when
    that is earlier than its commit, and a deregistration older than the file's history
    is added from ``deregistered_on``."""
    found = history.of(account.file)
    if not found:
        events = [HistoryEvent(account.filed_on, "open")]
        if account.deregistered_on:
            events.append(HistoryEvent(account.deregistered_on, "deregister"))
        return tuple(events)
    events = [HistoryEvent(min(e.date, account.filed_on) if e.type == "open" else e.date,
                           e.type, e.commit, e.blobs) for e in found]
    if account.deregistered_on and not any(e.type == "deregister" for e in events):
        # Entered the registry already deregistered: its deregistration predates Git.
        events.append(HistoryEvent(account.deregistered_on, "deregister", found[0].commit))
    return tuple(sorted(events, key=lambda e: e.date))


def _flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(data, dict):
        flat: dict[str, Any] = {}
        for key, value in data.items():
            flat.update(_flatten(value, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    return {prefix: data}


# Edits that update figures, not the filing: not a 变更 in 附件4 (seed 002 附件4 备案类型)
# nor in the portal's history of an account.
STATISTICS_ONLY = ("posts", "followers", "last_post_on", "posting_frequency",
                   "annual_review_on", "inspection", "note", "filed_on")


def statistics_only(fields: frozenset[str] | None, also: tuple[str, ...] = ()) -> bool:
    """Whether a change touched figures alone, or fields in ``also`` (unknown fields: it may
    not have)."""
    ignored = STATISTICS_ONLY + also
    return fields is not None and all(f.split(".")[0] in ignored for f in fields)


def changed_fields(history: History, events: Iterable[HistoryEvent]) -> dict[
        tuple[str, str], frozenset[str] | None]:
    """For each change event's (old, new) blobs: the dotted paths of the fields whose values
    differ (``contacts.ops_lead.phone``), or None when a version cannot be read. The blobs
    of all events are read in one ``git cat-file --batch``."""
    from .loader import Document, parse_document
    from .schemas import coerce_plain_numbers
    from .sealing import is_sealed, open_contacts

    pairs = {e.blobs for e in events if e.blobs}
    if not pairs or history.root is None:
        return {}
    shas = sorted({sha for pair in pairs for sha in pair})
    done = subprocess.run(["git", "-C", str(history.root), "cat-file", "--batch"],
                          input="\n".join(shas).encode() + b"\n", capture_output=True, check=True)
    contents: dict[str, dict[str, Any] | None] = {}
    out, at = done.stdout, 0
    for sha in shas:
        end = out.index(b"\n", at)
        header = out[at:end].split()
        if len(header) < 3 or header[1] != b"blob":
            contents[sha], at = None, end + 1
            continue
        size = int(header[2])
        raw = out[end + 1:end + 1 + size]
        at = end + 1 + size + 1
        doc = parse_document(raw, sha)
        if isinstance(doc, Document) and isinstance(doc.data, dict):
            coerce_plain_numbers(doc, "account")
            if history.identities and is_sealed(doc.data.get("contacts")):
                # Compare what was sealed, not the ciphertext: a rekey changes no contact.
                opened = open_contacts(doc.data["contacts"], history.identities, "account", sha)
                if isinstance(opened, dict):
                    doc.data["contacts"] = opened
            contents[sha] = _flatten(doc.data)
        else:
            contents[sha] = None
    found: dict[tuple[str, str], frozenset[str] | None] = {}
    for old, new in pairs:
        before, after = contents.get(old), contents.get(new)
        found[(old, new)] = None if before is None or after is None else frozenset(
            key for key in before.keys() | after.keys() if before.get(key) != after.get(key))
    return found


NO_HISTORY = History(available=False)
SHALLOW_WARNING = ("注意：这是浅克隆（shallow clone），没有完整的 Git 历史，备案记录只能按文件中的日期推算。"
                   "请在 CI 中使用 fetch-depth: 0。\n")


def read_history(root: Path, identities: tuple[str, ...] = ()) -> History:
    """The history of every filing under ``root``, or ``NO_HISTORY`` outside Git or when
    the clone is shallow (then ``shallow`` is set so the caller can say why). With
    ``identities``, changes compare sealed contacts by what they hold."""
    repo = open_repo(root)
    if repo is None:
        return NO_HISTORY
    if is_shallow(repo):
        return History(shallow=True, available=False)
    pathspec, prefix = filings_pathspec(repo, root)
    log = run_git(repo, "log", "--first-parent", "-m", "--reverse", "--raw", "--no-abbrev", "-M",
                       "--date=short", f"--format={_RECORD}%H{_FIELD}%P{_FIELD}%an{_FIELD}%cd"
                       f"{_FIELD}%cn", "--", pathspec)
    deregistrations = _deregistering_commits(repo, pathspec)
    commits = [_parse(block) for block in log.split(_RECORD) if block.strip()]
    second_parents = [parents[1] for _, parents, *_ in commits if len(parents) > 1]
    authors = _authors(repo, second_parents)
    events: dict[str, list[Event]] = defaultdict(list)
    for sha, parents, author, day, committer, changes in commits:
        merged = len(parents) > 1
        made_by = authors.get(parents[1], author) if merged else author
        approved = committer if merged else None
        for status, paths, blobs in changes:
            path = paths[-1].removeprefix(prefix)
            if status.startswith("R"):
                old = paths[0].removeprefix(prefix)
                events[path] = events.pop(old, [])
            if status.startswith("D"):
                events.pop(path, None)
                continue
            kind = "open" if status.startswith("A") or not events[path] else "change"
            if kind == "change" and (sha, paths[-1]) in deregistrations:
                kind = "deregister"
            events[path].append(Event(day, kind, sha, made_by, approved,
                                      blobs if kind != "open" else None))
    return History({path: tuple(found) for path, found in events.items()}, root=root,
                   identities=identities)


Change = tuple[str, list[str], tuple[str, str]]  # status, paths, (old blob, new blob)


def _parse(block: str) -> tuple[str, list[str], str, str, str, list[Change]]:
    header, *lines = block.strip("\n").split("\n")
    sha, parents, author, day, committer = header.split(_FIELD)
    changes = []
    for line in lines:
        if line.startswith(":"):  # :<old mode> <new mode> <old blob> <new blob> <status>\t<path>…
            meta, *paths = line[1:].split("\t")
            _, _, old, new, status = meta.split()
            changes.append((status, paths, (old, new)))
    return sha, parents.split(), author, day, committer, changes


def _deregistering_commits(repo: git.Repo, pathspec: str) -> set[tuple[str, str]]:
    """(commit, path) pairs whose change adds or removes a ``status: deregistered`` line."""
    log = run_git(repo, "log", "--first-parent", "-m", "-G^status:[[:space:]]*deregistered",
                       "--name-only", f"--format={_RECORD}%H", "--", pathspec)
    found: set[tuple[str, str]] = set()
    for block in log.split(_RECORD):
        lines = [line for line in block.split("\n") if line.strip()]
        if lines:
            found.update((lines[0], path) for path in lines[1:])
    return found


def _authors(repo: git.Repo, shas: list[str]) -> dict[str, str]:
    if not shas:
        return {}
    out = repo.git.log("--no-walk=unsorted", f"--format=%H{_FIELD}%an", *shas)
    return dict(line.split(_FIELD, 1) for line in out.splitlines() if _FIELD in line)
