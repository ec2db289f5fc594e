"""Every filing's history from Git, in one pass over the log (plus two small batched calls).

Approval is a merge into the main line ("分级管理、逐级负责"), so history follows the
first-parent line of HEAD: each commit on it is one approved change, and a merge
commit's diff against its first parent is everything that pull request brought in.

* ``open``: the file was added. Its date is the filing's own ``filed_on`` when that is
  earlier (a filing entered on paper before the registry existed keeps its date). A change
  that takes ``status: deregistered`` away again is an ``open`` too, marked ``reopen``:
  开设（恢复）, never a second 注销.
* ``change``: the file was modified or moved. Whether it is a 变更 is decided by what it
  changed (``MEANINGFUL``, ``meaningful_fields``): the filing's meaning, never ciphertext,
  proof records, QR content, codes or statistics.
* ``deregister``: the change set ``status: deregistered``.

An event is dated by its commit's time on the main line (the merge's, for a pull request) as a
day in Beijing time, the same clock as ``--as-of`` (``asof.py``) and every other date.
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

from .clock import beijing_day
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
    reopen: bool = False  # an ``open`` that took ``status: deregistered`` away again
    moved: bool = False  # a change that moved the file to another unit's folder
    version: str | None = None  # the file as this event left it (a Git blob id)
    path: str | None = None  # where the file was then (its unit's folder), registry-relative


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
REOPEN_LABEL = "开设（恢复）"  # seed 002's 备案类型 has 开设, 变更, 注销: a reopening is 开设


@dataclass(frozen=True, slots=True)
class HistoryEvent:
    """A filing event as the public and the forms see it: no author (authors are people)."""

    date: str
    type: str  # open, change or deregister
    commit: str | None = None
    blobs: tuple[str, str] | None = None
    reopen: bool = False
    moved: bool = False
    version: str | None = None  # the file as this event left it (a Git blob id)
    path: str | None = None  # where the file was then, registry-relative
    # The status a ``change`` of status left (``public``): suspended (暂停使用) or active (恢复使用).
    status: str | None = None
    # The day the commit reached the registry (``date`` of an ``open`` may be the earlier
    # 备案日期): what the feeds announce an event by, so a late entry is not buried.
    merged_on: str | None = None

    @property
    def label(self) -> str:
        return REOPEN_LABEL if self.reopen else HISTORY_TYPES[self.type]


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
    events = [HistoryEvent(min(e.date, account.filed_on) if e.type == "open" and not e.reopen
                           else e.date, e.type, e.commit, e.blobs, e.reopen, e.moved, e.version,
                           e.path, merged_on=e.date)
              for e in found]
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


# What a filing *means* (SPEC §3 "Lifecycle and history"): a change of one of these is a
# 变更 in 附件4, 附件3 and the portal's history of an account. Everything else is not: figures
# (posts, followers, last post, frequency, 年审, self-inspection), proof records, QR content,
# notes, codes, filing dates, website/app filing numbers, and the sealed contacts' ciphertext
# (a re-seal or rekey changes no person). An allow-list, so a new field is not a 变更 until it
# is put here. The first part of a dotted path is matched (``contacts`` covers every person).
MEANINGFUL = (
    "name", "account_id", "url",  # 名称, 账号 ID/网址, 链接
    "platform", "wechat_kind",  # 平台和类型
    "department",  # 开设部门 (the unit itself: the file's folder, ``moved``)
    "content_scope",  # 内容范围
    "outsourced_to",  # 委托运营单位
    "verified", "certified_subject", "opened_on",  # 认证, 开通时间: 附件4's own columns
    "contacts",  # the people, compared after opening (``changed_fields``)
    # 暂停使用 and its end (恢复使用): the status between in use and deregistered, with its
    # date, reason and order (a deregistration is its own event type, never a 变更).
    "status", "suspended_on", "suspend_reason", "suspend_order",
)
SUSPENSION = frozenset({"status", "suspended_on", "suspend_reason", "suspend_order"})
PEOPLE = "contacts"


def meaningful_fields(fields: frozenset[str] | None,
                      people: bool = True) -> frozenset[str] | None:
    """The changed ``fields`` (dotted paths) that change the filing's meaning (``MEANINGFUL``;
    without ``people``, the contacts are left out too, as the public never sees them); None
    when the fields are unknown (a version could not be read)."""
    if fields is None:
        return None
    return frozenset(f for f in fields if f.split(".")[0] in MEANINGFUL
                     and (people or f.split(".")[0] != PEOPLE))


def is_change(event: HistoryEvent, fields: frozenset[str] | None, people: bool = True) -> bool:
    """Whether a ``change`` event is a 变更: it moved the filing to another unit, changed a
    meaningful field, or changed what cannot be read (``fields`` None: it may have)."""
    found = meaningful_fields(fields, people)
    return event.moved or found is None or bool(found)


def statistics_only(fields: frozenset[str] | None, also: tuple[str, ...] = ()) -> bool:
    """Whether a change touched nothing meaningful (``MEANINGFUL``) outside ``also``
    (unknown fields: it may have)."""
    found = meaningful_fields(fields)
    return found is not None and all(f.split(".")[0] in also for f in found)


def read_blobs(root: Path, shas: Iterable[str]) -> dict[str, bytes | None]:
    """The contents of Git blobs, in one ``git cat-file --batch`` (None: not a blob)."""
    wanted = sorted(set(shas))
    if not wanted:
        return {}
    done = subprocess.run(["git", "-C", str(root), "cat-file", "--batch"],
                          input="\n".join(wanted).encode() + b"\n", capture_output=True,
                          check=True)
    contents: dict[str, bytes | None] = {}
    out, at = done.stdout, 0
    for sha in wanted:
        end = out.index(b"\n", at)
        header = out[at:end].split()
        if len(header) < 3 or header[1] != b"blob":
            contents[sha], at = None, end + 1
            continue
        size = int(header[2])
        contents[sha] = out[end + 1:end + 1 + size]
        at = end + 1 + size + 1
    return contents


def parsed_version(raw: bytes | None, sha: str) -> dict[str, Any] | None:
    from .loader import Document, parse_document
    from .schemas import coerce_plain_numbers

    if raw is None:
        return None
    doc = parse_document(raw, sha)
    if isinstance(doc, Document) and isinstance(doc.data, dict):
        coerce_plain_numbers(doc, "account")
        return doc.data
    return None


def changed_fields(history: History, events: Iterable[HistoryEvent]) -> dict[
        tuple[str, str], frozenset[str] | None]:
    """For each change event's (old, new) blobs: the dotted paths of the fields whose values
    differ (``contacts.ops_lead.phone``), or None when a version cannot be read. The blobs
    of all events are read in one ``git cat-file --batch``.

    Sealed contacts are compared by what they hold, opened with the history's keys; when
    either version's contacts stay sealed (no key, or not one that opens them), the people
    are not compared at all: a changed ciphertext says nothing (a re-seal, a rekey)."""
    from .sealing import is_sealed, open_contacts

    pairs = {e.blobs for e in events if e.blobs}
    if not pairs or history.root is None:
        return {}
    raw = read_blobs(history.root, (sha for pair in pairs for sha in pair))
    contents: dict[str, dict[str, Any] | None] = {}
    readable: dict[str, bool] = {}  # whether the version's people can be compared
    for sha, blob in raw.items():
        data = parsed_version(blob, sha)
        readable[sha] = True
        if data is not None and is_sealed(data.get(PEOPLE)):
            opened = (open_contacts(data[PEOPLE], history.identities, "account", sha)
                      if history.identities else None)
            if isinstance(opened, dict):
                data[PEOPLE] = opened
            else:
                readable[sha] = False
        contents[sha] = None if data is None else _flatten(data)
    found: dict[tuple[str, str], frozenset[str] | None] = {}
    for old, new in pairs:
        before, after = contents.get(old), contents.get(new)
        if before is None or after is None:
            found[(old, new)] = None
            continue
        keys = before.keys() | after.keys()
        if not (readable.get(old) and readable.get(new)):
            keys = {k for k in keys if k.split(".")[0] != PEOPLE}
        found[(old, new)] = frozenset(k for k in keys if before.get(k) != after.get(k))
    return found


def versions(history: History, shas: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Each version's (Git blob's) data as filed, with its contacts opened with the
    history's keys where they can be (else ``Sealed``, as in the registry): only versions that
    are valid filings, so that the forms can show an account as an event left it."""
    from .schemas import is_valid
    from .sealing import open_contacts_in

    if history.root is None:
        return {}
    found: dict[str, dict[str, Any]] = {}
    for sha, blob in read_blobs(history.root, shas).items():
        data = parsed_version(blob, sha)
        if data is None or not is_valid(data, "account"):
            continue
        open_contacts_in(data, "account", sha, history.identities)
        if not isinstance(data.get("contacts"), dict) or is_valid(data, "account"):
            found[sha] = data
    return found


def version_key(data: dict[str, Any] | None) -> tuple[str, str] | None:
    """Which account (``identity.account_key``) a version of a filing is of, where it says."""
    from .identity import account_key

    if data is None or not isinstance(data.get("platform"), str) \
            or not isinstance(data.get("account_id"), (str, int)):
        return None
    return account_key(data["platform"], str(data["account_id"]))


def _account_keys(root: Path, blobs: Iterable[tuple[str, str]]) -> dict[str, tuple[str, str]]:
    """``version_key`` of each version (Git blob) that says which account it is of."""
    found = {sha: version_key(parsed_version(blob, sha))
             for sha, blob in read_blobs(root, (sha for pair in blobs for sha in pair)).items()}
    return {sha: key for sha, key in found.items() if key is not None}


def _statuses(root: Path, blobs: Iterable[tuple[str, str]]) -> dict[str, str | None]:
    """The ``status`` of each version (blob) of a filing (None when it cannot be read)."""
    raw = read_blobs(root, (sha for pair in blobs for sha in pair))
    statuses: dict[str, str | None] = {}
    for sha, blob in raw.items():
        data = parsed_version(blob, sha)
        status = data.get("status") if data is not None else None
        statuses[sha] = status if isinstance(status, str) else None
    return statuses


NO_HISTORY = History(available=False)
SHALLOW_WARNING = ("注意：这是浅克隆（shallow clone），没有完整的 Git 历史，备案记录只能按文件中的日期推算。"
                   "请在 CI 中使用 fetch-depth: 0。\n")


def read_history(root: Path, identities: tuple[str, ...] = (),
                 until: str = "HEAD") -> History:
    """The history of every filing under ``root``, or ``NO_HISTORY`` outside Git or when
    the clone is shallow (then ``shallow`` is set so the caller can say why). With
    ``identities``, changes compare sealed contacts by what they hold; with ``until`` (a
    commit on the main line), the history up to that commit, by the paths files had then."""
    repo = open_repo(root)
    if repo is None:
        return NO_HISTORY
    if is_shallow(repo):
        return History(shallow=True, available=False)
    pathspec, prefix = filings_pathspec(repo, root)
    log = run_git(repo, "log", "--first-parent", "-m", "--reverse", "--raw", "--no-abbrev", "-M",
                       f"--format={_RECORD}%H{_FIELD}%P{_FIELD}%an{_FIELD}%ct{_FIELD}%cn",
                       until, "--", pathspec)
    deregistrations = _deregistering_commits(repo, pathspec, until)
    commits = [_parse(block) for block in log.split(_RECORD) if block.strip()]
    second_parents = [parents[1] for _, parents, *_ in commits if len(parents) > 1]
    authors = _authors(repo, second_parents)
    events: dict[str, list[Event]] = defaultdict(list)
    # Changes whose diff touches a ``status: deregistered`` line: each version's status says
    # whether the filing was deregistered, reopened, or only changed around that line.
    touching = [blobs for sha, _, _, _, _, changes in commits for status, paths, blobs in changes
                if (sha, paths[-1]) in deregistrations and not status.startswith(("A", "D"))]
    statuses = _statuses(root, touching)
    # A rename Git guessed between two files of different accounts is a new filing (and the
    # old one's end): never one account's history carried over to another.
    renamed = [blobs for *_, changes in commits for status, _, blobs in changes
               if status.startswith("R")]
    accounts = _account_keys(root, renamed)
    for sha, parents, author, day, committer, changes in commits:
        merged = len(parents) > 1
        made_by = authors.get(parents[1], author) if merged else author
        approved = committer if merged else None
        for status, paths, blobs in changes:
            path = paths[-1].removeprefix(prefix)
            moved = False
            if status.startswith("R"):
                old = paths[0].removeprefix(prefix)
                carried = events.pop(old, [])
                if accounts.get(blobs[0]) == accounts.get(blobs[1]) is not None:
                    events[path] = carried
                    moved = Path(old).parent != Path(path).parent
                else:
                    events[path] = []
            if status.startswith("D"):
                events.pop(path, None)
                continue
            kind = "open" if status.startswith("A") or not events[path] else "change"
            reopen = False
            if kind == "change" and (sha, paths[-1]) in deregistrations:
                before, after = statuses.get(blobs[0]), statuses.get(blobs[1])
                if after == "deregistered" and before != "deregistered":
                    kind = "deregister"
                elif before == "deregistered" and after != "deregistered":
                    kind, reopen = "open", True
            events[path].append(Event(day, kind, sha, made_by, approved,
                                      blobs if kind == "change" else None, reopen, moved,
                                      blobs[1], path))
    return History({path: tuple(found) for path, found in events.items()}, root=root,
                   identities=identities)


Change = tuple[str, list[str], tuple[str, str]]  # status, paths, (old blob, new blob)


def _parse(block: str) -> tuple[str, list[str], str, str, str, list[Change]]:
    header, *lines = block.strip("\n").split("\n")
    sha, parents, author, stamp, committer = header.split(_FIELD)
    day = beijing_day(stamp)
    changes = []
    for line in lines:
        if line.startswith(":"):  # :<old mode> <new mode> <old blob> <new blob> <status>\t<path>…
            meta, *paths = line[1:].split("\t")
            _, _, old, new, status = meta.split()
            changes.append((status, paths, (old, new)))
    return sha, parents.split(), author, day, committer, changes


def _deregistering_commits(repo: git.Repo, pathspec: str,
                           until: str) -> set[tuple[str, str]]:
    """(commit, path) pairs whose change adds or removes a ``status: deregistered`` line."""
    log = run_git(repo, "log", "--first-parent", "-m", "-G^status:[[:space:]]*deregistered",
                       "--name-only", f"--format={_RECORD}%H", until, "--", pathspec)
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
