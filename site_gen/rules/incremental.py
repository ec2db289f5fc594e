"""The pull-request check at province scale: only the changed files are read.

``validate --since REF`` (or ``validate FILE…``) checks the given files in full. What the
cross-file rules need of every other file — a filing's platform, ID, name, unit, status
and dates, a unit's name and settings — comes from an index kept in a cache folder
outside the repository (``~/.cache/site-gen/``, or ``$SITE_GEN_CACHE`` for a CI cache) and
keyed by Git blob ids, the hash of a
file's content. A changed file has a new blob id, so the index cannot give a stale answer:
an entry is found by what the file holds now, and a moved or deleted file is simply not
listed by ``git ls-tree`` any more. Files that differ from HEAD in the working tree are read.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Collection, Iterator, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from .. import __version__
from ..catalogue import Problem
from ..identity import account_key, name_key
from ..loader import Document
from ..model import Facts, actions_from, counterfeits_from, unit_from
from ..schemas import load_schemas
from . import Outcome, Reading, _Job, _read, assemble, layout_files, paths, seal_required
from .repository import git_listing

INDEX_FORMAT = 5  # raise when an entry's shape or meaning changes (5: every date judged, 1994 on)


def cache_folder(root: Path) -> Path:
    """Never inside the work tree: a pull request could commit an index that lies about the
    files it does not change. Only site-gen writes here."""
    if os.environ.get("SITE_GEN_CACHE"):
        return Path(os.environ["SITE_GEN_CACHE"])
    home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return home / "site-gen" / hashlib.sha1(str(root.resolve()).encode()).hexdigest()[:16]


def _version() -> str:
    """Entries are valid for one reading of the schemas by one version of site-gen."""
    schemas = json.dumps(load_schemas(), sort_keys=True).encode("utf-8")
    return f"{INDEX_FORMAT}/{__version__}/{hashlib.sha1(schemas).hexdigest()[:12]}"


DAMAGED_INDEX = ("检查用的缓存索引（{file}）已损坏，已丢弃并重新建立；这次检查会慢一些，结果不受影响。"
                 "如果反复出现，请检查磁盘或删除这个文件。")


def _load(folder: Path) -> tuple[dict[str, Any], str | None]:
    """The entries of the cached index, and a note when it was there but damaged."""
    file = folder / "index.json"
    try:
        text = file.read_text("utf-8")
    except FileNotFoundError:
        return {}, None
    except OSError:
        return {}, DAMAGED_INDEX.format(file=file)
    try:
        stored = json.loads(text)
        if not isinstance(stored, dict):
            raise ValueError("not an object")
        if stored.get("version") != _version():
            return {}, None  # another version's index: not damaged, just not ours
        entries = stored["entries"]
        if not isinstance(entries, dict) or not all(map(_well_formed, entries.values())):
            raise ValueError("entries")
    except (ValueError, KeyError, TypeError):
        return {}, DAMAGED_INDEX.format(file=file)
    return entries, None


_SHAPES = {"x": 1, "u": 2, "c": 3, "k": 2, "a": 13}


def _well_formed(entry: Any) -> bool:
    """An entry as ``_entry`` writes it (a hand-edited or truncated index is not trusted)."""
    if not isinstance(entry, list) or not entry or _SHAPES.get(entry[0]) != len(entry):
        return False
    if entry[0] == "u":
        return isinstance(entry[1], dict)
    if entry[0] == "c":
        return isinstance(entry[1], list) and isinstance(entry[2], list) and all(
            isinstance(item, dict) for item in entry[1])
    if entry[0] == "k":
        return isinstance(entry[1], list) and all(isinstance(item, dict) for item in entry[1])
    if entry[0] == "a":
        return all(isinstance(entry[i], str) for i in (1, 2, 3, 4, 5, 6, 7)) \
            and isinstance(entry[10], int) and isinstance(entry[11], int) \
            and isinstance(entry[12], list) and len(entry[12]) == 2
    return True


def _save(folder: Path, entries: dict[str, Any]) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        temporary = folder / f"index.{os.getpid()}.json"
        temporary.write_text(json.dumps({"version": _version(), "entries": entries},
                                        ensure_ascii=False, separators=(",", ":")), "utf-8")
        temporary.replace(folder / "index.json")
    except OSError:
        pass  # a cache that cannot be written only costs time


class _LazyDocs(Mapping[str, Document]):
    """The positions of untouched files, made only for the few a problem points at."""

    def __init__(self, entries: dict[str, Entry], made: dict[str, Document]) -> None:
        self.entries, self.made = entries, made

    def __getitem__(self, file: str) -> Document:
        if file not in self.made:
            self.made[file] = _located(file, self.entries[file])
        return self.made[file]

    def __iter__(self) -> Iterator[str]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)


# An entry is a short list, quick to read back for 100,000 files:
#   ["x"]                                  a file with errors (left out, as on main)
#   ["u", {unit fields but contacts}]
#   ["c", [items], [[path…, line, column]…]]  a counterfeit list
#   ["k", [items]]                          an action list
#   ["a", name, folded name, platform, account_id, status, opened_on, filed_on,
#    certified_subject, personal_capacity, line, column, identity key]  (line and column of
#    account_id: all that another file's problem can point at here)
Entry = list[Any]


def _entry(kind: str, data: Any, located: Document | None) -> Entry:
    if data is None:
        return ["x"]
    if kind == "unit":
        return ["u", {k: v for k, v in data.items() if k != "contacts"}]
    marks = located.positions if located is not None else {}
    if kind == "counterfeits":
        return ["c", data, [[*path, *mark] for path, mark in marks.items()
                            if path and path[-1] == "account_id"]]
    if kind == "actions":
        return ["k", data]
    line, column = marks.get(("account_id",), (1, 1))
    return ["a", data["name"], name_key(data["name"]), data["platform"], data["account_id"],
            data["status"], data["opened_on"], data["filed_on"], data.get("certified_subject"),
            bool(data.get("personal_capacity", False)), line, column,
            list(account_key(data["platform"], data["account_id"]))]


def _located(file: str, entry: Entry) -> Document:
    if entry[0] == "a":
        return Document(file, None, {("account_id",): (entry[10], entry[11])}, {}, {})
    if entry[0] == "c":
        return Document(file, None, {tuple(mark[:-2]): (mark[-2], mark[-1]) for mark in entry[2]},
                        {}, {})
    return Document(file, None, {}, {}, {})


class IndexedAccount:
    """An unchanged filing as the cross-file rules see it: the fields they read, nothing
    else (a full ``Account`` costs more to make than all the rules cost to run)."""

    __slots__ = ("file", "unit", "name", "platform", "account_id", "status", "opened_on",
                 "filed_on", "certified_subject", "personal_capacity", "key", "folded")

    def __init__(self, file: str, unit: str, entry: Entry) -> None:
        (_, self.name, self.folded, self.platform, self.account_id, self.status,
         self.opened_on, self.filed_on, self.certified_subject, self.personal_capacity) = entry[:10]
        self.file, self.unit, self.key = file, unit, tuple(entry[12])

    @property
    def active(self) -> bool:
        return bool(self.status == "active")

    @property
    def live(self) -> bool:
        return bool(self.status != "deregistered")


def check_changed(root: Path, targets: Collection[str],
                  today: date) -> Outcome[Facts[IndexedAccount]] | None:
    """Check ``targets`` in full and every cross-file rule, reading nothing else; None when
    ``root`` is not in a Git repository (then the whole registry must be read)."""
    listed = git_listing(root)
    if listed is None:
        return None
    blobs, dirty = listed.blobs, listed.dirty
    folder = cache_folder(root)
    entries, note = _load(folder)
    added = False
    wanted = set(targets)
    layout = paths.layout_from(listed.files, listed.links)
    by_file: dict[str, Entry] = {}
    targets_located: dict[str, Document] = {}  # the files under review point at any line
    sealed = seal_required(root)

    def readings() -> Iterator[Reading[IndexedAccount]]:
        nonlocal added
        for file, unit_path, kind in layout_files(layout):
            problems: Sequence[Problem] = ()
            located = None
            if file in wanted:
                read = _read(_Job(root, file, kind, True, today, sealed))
                problems, located = read.problems, read.located
                entry = _entry(kind, read.data, read.located)
            else:
                blob = None if file in dirty else blobs.get(file)
                cached = entries.get(blob) if blob else None
                if cached is not None:
                    entry = cached
                else:
                    read = _read(_Job(root, file, kind, False, today))
                    entry = _entry(kind, read.data, read.located)
                    if blob:
                        entries[blob], added = entry, True
            by_file[file] = entry
            yield _reading_of(file, unit_path, kind, entry, problems, located)

    outcome = assemble(layout, paths.unread_secrets(root, layout, wanted), readings(),
                       targets_located, _LazyDocs(by_file, targets_located), wanted, Facts,
                       (note,) if note else ())
    if added:
        _save(folder, entries)
    return outcome


def _reading_of(file: str, unit_path: str, kind: str, entry: Entry,
                problems: Sequence[Problem], located: Document | None) -> Reading[IndexedAccount]:
    """A file's part in the check from its index entry (a file under review was just read,
    and its entry made from what was read)."""
    if entry[0] == "u":
        return Reading(file, unit_path, kind, problems, unit=unit_from(unit_path, entry[1]),
                       located=located)
    if entry[0] == "a":
        return Reading(file, unit_path, kind, problems,
                       account=IndexedAccount(file, unit_path, entry), located=located)
    if entry[0] == "c":
        return Reading(file, unit_path, kind, problems,
                       counterfeits=tuple(counterfeits_from(file, unit_path, entry[1])),
                       located=located)
    if entry[0] == "k":
        return Reading(file, unit_path, kind, problems,
                       actions=tuple(actions_from(file, unit_path, entry[1])), located=located)
    return Reading(file, unit_path, kind, problems, located=located)


__all__ = ["cache_folder", "check_changed"]
