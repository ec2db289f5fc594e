"""Load, check and model a whole registry: the one function every command starts with.

One checking pipeline with two readers: ``check_registry`` reads every file (in worker
processes at province scale); ``incremental.check_changed`` reads only a pull request's
files and takes what the cross-file rules need of the others from its index. Both feed
``assemble``, which builds the model, runs every cross-file rule and keeps what concerns the
files asked about.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any, Generic, TypeVar

from .. import clock
from ..catalogue import Problem, problem
from ..loader import (
    COUNTERFEITS_SIZE_LIMIT,
    SIZE_LIMIT,
    Document,
    read_document,
    repaired_reading,
)
from ..model import (
    Account,
    AccountFacts,
    Action,
    Counterfeit,
    Facts,
    Registry,
    Unit,
    account_from,
    actions_from,
    counterfeits_from,
    unit_from,
)
from ..schemas import check_schema, coerce_plain_numbers, is_valid
from ..sealing import open_contacts_in
from . import crossfile, fields, paths, policy

CROSS_FILE_RULES = (
    crossfile.check_uniqueness,
    crossfile.check_counterfeits,
    crossfile.check_actions,
    policy.check_late_filing,
    policy.check_duplicate_platform,
    policy.check_certified_subject,
    policy.check_lookalike_names,
)


# The fields whose lines cross-file rules point at; other positions are let go after
# the file's own checks, so that a province's 100,000 filings fit in memory.
POINTED_AT = frozenset({"account_id", "platform", "filed_on", "certified_subject", "name",
                        "to", "accounts", "kind"})


R = TypeVar("R", bound="Facts[Any]", covariant=True)
T = TypeVar("T", bound=AccountFacts)


@dataclass(frozen=True)
class Outcome(Generic[R]):
    """What checking a registry found, and the model of every file without errors (a
    ``Registry``; in a pull request, ``Facts`` with the index's records)."""

    problems: tuple[Problem, ...]
    registry: R
    files: int
    notes: tuple[str, ...] = ()  # warnings about the run itself (a damaged cache), for stderr

    @property
    def errors(self) -> int:
        return sum(p.is_error for p in self.problems)

    @property
    def warnings(self) -> int:
        return len(self.problems) - self.errors


# Below this many files, starting worker processes costs more than it saves.
PARALLEL_FROM = 2000


@dataclass(frozen=True)
class _Job:
    root: Path
    file: str
    kind: str
    full: bool  # a full check, or (for a file not under review) just enough to model it
    today: date
    seal_required: bool = False  # the root's seal_contacts: plaintext contacts are an error
    identities: tuple[str, ...] = ()  # private keys to open sealed contacts with


@dataclass(frozen=True)
class _Read:
    problems: list[Problem]
    data: Any  # the data to model, or None when the file has errors
    located: Document | None  # the positions cross-file rules point at


def _read(job: _Job) -> _Read:
    """Read and check one file. Pure, so that it can run in a worker process."""
    limit = COUNTERFEITS_SIZE_LIMIT if job.kind in LIST_KINDS else SIZE_LIMIT
    result = read_document(job.root / job.file, job.file, limit)
    if isinstance(result, list):
        return _Read(result + _after_repair(job, result), None, None)
    if not job.full:
        # Not under review: it was checked in full when it was merged. Only make sure it
        # can join the model for the cross-file rules (the fast schema path).
        coerce_plain_numbers(result, job.kind)
        usable = isinstance(result.data, _ROOT_SHAPE[job.kind][0]) \
            and is_valid(result.data, job.kind) \
            and not fields.check_file_dates(result, job.kind, None)
        # Broken on main: leave it out rather than fail on it.
        found = []
    else:
        found = _check_document(result, job.kind, job.today, job.seal_required)
        usable = not any(p.is_error for p in found)
    if usable and job.kind not in LIST_KINDS:
        open_contacts_in(result.data, job.kind, job.file, job.identities)
    if job.full and usable and job.kind == "counterfeits":
        found += fields.check_evidence_files(result, job.root)
    return _Read(found, result.data if usable else None, result.slim(POINTED_AT))


AFTER_REPAIR = "（修正本文件的格式问题后还会有）"


def _after_repair(job: _Job, found: list[Problem]) -> list[Problem]:
    """For a file YAML could not read because of a tab or a full-width colon: what the rest of
    it would still be found to have once they are fixed, each message marked so, so that a
    hand-written file takes one round of fixes, not one per mistake. The repaired copy is
    only checked: the file has errors, and is never modelled from it."""
    if not job.full or found[-1].code != "E-READ-SYNTAX":
        return []
    more, copy = repaired_reading(job.root / job.file, job.file, found[-1])
    if copy is not None:
        more += _check_document(copy, job.kind, job.today, job.seal_required)
    seen = {(p.line, p.code) for p in found}
    return sorted({replace(p, message=AFTER_REPAIR + p.message) for p in more
                   if (p.line, p.code) not in seen})


def _read_all(jobs: list[_Job]) -> Iterator[_Read]:
    """Results in the order of ``jobs``, consumed as they come so memory stays bounded."""
    if len(jobs) < PARALLEL_FROM or (os.cpu_count() or 1) < 2:
        yield from map(_read, jobs)
        return
    with ProcessPoolExecutor() as pool:
        yield from pool.map(_read, jobs, chunksize=256)


def seal_required(root: Path) -> bool:
    """Whether the root unit says ``seal_contacts: true`` (an unreadable root: no; its own
    problems are reported when it is checked)."""
    found = read_document(root / paths.ROOT_UNIT_FILE, paths.ROOT_UNIT_FILE, SIZE_LIMIT)
    return not isinstance(found, list) and isinstance(found.data, dict) \
        and found.data.get("seal_contacts") is True


def check_registry(root: Path, targets: Collection[str] | None = None,
                   today: date | None = None,
                   progress: Callable[[int, int], None] | None = None,
                   identities: tuple[str, ...] = ()) -> Outcome[Registry]:
    """Check the registry at ``root``.

    With ``targets`` (paths relative to ``root``), only problems of those files,
    and cross-file problems that involve them, are reported. ``progress(done, total)`` is
    called as files are read (the command layer shows it). With ``identities`` (age private
    keys), sealed contacts are opened; without, they stay ``Sealed``.
    """
    today = today or clock.today()
    wanted = None if targets is None else set(targets)
    layout = paths.discover(root)
    files = layout_files(layout)
    sealed = seal_required(root)
    jobs = [_Job(root, file, kind, wanted is None or file in wanted, today, sealed, identities)
            for file, _, kind in files]

    def readings() -> Iterator[Reading[Account]]:
        for done, ((file, unit_path, kind), read) in enumerate(zip(files, _read_all(jobs),
                                                                 strict=True), start=1):
            if progress is not None and (done % 1000 == 0 or done == len(files)):
                progress(done, len(files))
            yield _reading(file, unit_path, kind, read)

    located: dict[str, Document] = {}
    return assemble(layout, paths.unread_secrets(root, layout), readings(), located, located,
                    wanted, Registry)


@dataclass(frozen=True)
class Reading(Generic[T]):
    """One file's part in a check: its problems, and what it adds to the model (nothing when
    it has errors, or when its unit has)."""

    file: str
    unit_path: str
    kind: str
    problems: Sequence[Problem] = ()
    unit: Unit | None = None
    account: T | None = None
    counterfeits: tuple[Counterfeit, ...] = ()
    actions: tuple[Action, ...] = ()
    located: Document | None = None  # the positions cross-file rules point at


def layout_files(layout: paths.Layout) -> list[tuple[str, str, str]]:
    """(file, unit path, kind) of every file the layout recognised: units first (parents
    before children), then accounts, then counterfeit lists, then action lists."""
    files = [(file, unit_path, "unit") for unit_path, file in sorted(layout.units.items())]
    files += [(file, unit_path, "account") for file, unit_path in layout.accounts]
    files += [(file, unit_path, "counterfeits") for file, unit_path in layout.counterfeits]
    files += [(file, unit_path, "actions") for file, unit_path in layout.actions]
    return files


def _reading(file: str, unit_path: str, kind: str, read: _Read) -> Reading[Account]:
    if read.data is None:
        return Reading(file, unit_path, kind, read.problems, located=read.located)
    if kind == "unit":
        return Reading(file, unit_path, kind, read.problems, unit=unit_from(unit_path, read.data),
                       located=read.located)
    if kind == "account":
        return Reading(file, unit_path, kind, read.problems,
                       account=account_from(file, unit_path, read.data), located=read.located)
    if kind == "actions":
        return Reading(file, unit_path, kind, read.problems,
                       actions=tuple(actions_from(file, unit_path, read.data)),
                       located=read.located)
    return Reading(file, unit_path, kind, read.problems,
                   counterfeits=tuple(counterfeits_from(file, unit_path, read.data)),
                   located=read.located)


def assemble(layout: paths.Layout, more: Iterable[Problem], readings: Iterable[Reading[T]],
             located: dict[str, Document], docs: Mapping[str, Document],
             wanted: Collection[str] | None,
             make: Callable[[Mapping[str, Unit], tuple[T, ...], tuple[Counterfeit, ...],
                             tuple[Action, ...]], R],
             notes: tuple[str, ...] = ()) -> Outcome[R]:
    """The checking loop both readers share: each file's problems and model (an account or
    list of a unit with errors is left out: its unit's problem says why), then every
    cross-file rule. ``located`` collects the positions of the files read; ``docs`` is what
    the rules look positions up in (the same mapping, or one that makes the index's lazily).
    With ``wanted``, only problems of those files (or that involve them) are kept, and the
    layout's, which are the registry's shape whichever file changed."""
    found = [*layout.problems, *more]
    units: dict[str, Unit] = {}
    accounts: list[T] = []
    counterfeits: list[Counterfeit] = []
    actions: list[Action] = []
    for reading in readings:
        found.extend(reading.problems)
        if reading.located is not None:
            located[reading.file] = reading.located
        if reading.unit is not None:
            units[reading.unit_path] = reading.unit
        elif reading.unit_path not in units:
            continue  # its unit has errors: reported there
        elif reading.account is not None:
            accounts.append(reading.account)
        else:
            counterfeits.extend(reading.counterfeits)
            actions.extend(reading.actions)
    registry = make(MappingProxyType(units), tuple(accounts), tuple(counterfeits), tuple(actions))
    # In a pull request the changed files are the newcomers: a rule between two files
    # blames the one that changed, never the original.
    changed = frozenset(wanted or ())
    for rule in CROSS_FILE_RULES:
        found.extend(rule(registry, docs, changed))
    if wanted is not None:
        shape = set(layout.problems)
        found = [p for p in found if p.file in wanted or p.related in wanted or p in shape]
    return Outcome(tuple(sorted(set(found))), registry, layout.files, notes)


def load_units(root: Path) -> dict[str, Unit]:
    """Only the units (for CODEOWNERS): the account filings are not read at all."""
    units = {}
    for unit_path, file in sorted(paths.discover(root).units.items()):
        read = _read(_Job(root, file, "unit", True, clock.today()))
        if read.data is not None:
            units[unit_path] = unit_from(unit_path, read.data)
    return units


_ROOT_SHAPE = {
    "unit": (dict, "单位文件的第一层应是“字段: 值”"),
    "account": (dict, "备案文件的第一层应是“字段: 值”"),
    "counterfeits": (list, "假冒名单的第一层应是以“- ”开头的列表，每项一个假冒账号"),
    "actions": (list, "处置记录的第一层应是以“- ”开头的列表，每项一份文件"),
}
LIST_KINDS = frozenset({"counterfeits", "actions"})  # a unit's lists: no contacts in them


def _check_document(doc: Document, kind: str, today: date,
                    seal: bool = False) -> list[Problem]:
    shape, expected = _ROOT_SHAPE[kind]
    if not isinstance(doc.data, shape):
        found_as = "一个列表" if isinstance(doc.data, list) else (
            "“字段: 值”" if isinstance(doc.data, dict) else "一个单独的值")
        return [problem("E-READ-ROOT", doc.path, expected=expected, found=found_as)]
    found = check_schema(doc, kind)
    if kind == "account" and (id_found := fields.check_account_id(doc)):
        # The platform's own rule says more than the schema's generic bounds.
        place = (id_found[0].line, id_found[0].column)
        found = [p for p in found if (p.line, p.column) != place] + id_found
    if kind == "account":
        extra = [*paths.check_file_name(doc), *fields.check_file_dates(doc, kind, today),
                 *fields.check_date_order(doc), *fields.check_activity(doc),
                 *fields.check_website_url(doc), *fields.check_website_filing(doc, today),
                 *fields.check_name_style(doc)]
    elif kind == "unit":
        extra = [*fields.check_credit_code(doc), *fields.check_file_dates(doc, kind, today)]
    else:
        extra = [*fields.check_file_dates(doc, kind, today), *fields.check_list_date_order(doc, kind)]
    if kind not in LIST_KINDS:
        extra += fields.check_contacts(doc, seal)
    # One problem per place: where the schema already spoke, its message is enough.
    taken = {(p.line, p.column) for p in found}
    return found + [p for p in extra if (p.line, p.column) not in taken]
