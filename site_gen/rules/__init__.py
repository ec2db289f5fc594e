"""Load, check and model a whole registry: the one function every command starts with."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import MappingProxyType

from ..catalogue import Problem, problem
from ..loader import COUNTERFEITS_SIZE_LIMIT, SIZE_LIMIT, Document, read_document
from ..model import Account, Counterfeit, Registry, Unit, account_from, counterfeits_from, unit_from
from ..schemas import check_schema, coerce_plain_numbers, is_valid
from . import crossfile, fields, paths, policy

CROSS_FILE_RULES = (
    crossfile.check_uniqueness,
    crossfile.check_counterfeits,
    policy.check_late_filing,
    policy.check_duplicate_platform,
    policy.check_certified_subject,
)


# The fields whose lines cross-file rules point at; other positions are let go after
# the file's own checks, so that a province's 100,000 filings fit in memory.
POINTED_AT = frozenset({"account_id", "platform", "filed_on", "certified_subject"})


@dataclass(frozen=True)
class Outcome:
    """What checking a registry found, and the model of every file without errors."""

    problems: tuple[Problem, ...]
    registry: Registry
    files: int

    @property
    def errors(self) -> int:
        return sum(p.is_error for p in self.problems)

    @property
    def warnings(self) -> int:
        return len(self.problems) - self.errors


def check_registry(root: Path, targets: Collection[str] | None = None,
                   today: date | None = None) -> Outcome:
    """Check the registry at ``root``.

    With ``targets`` (paths relative to ``root``), only problems of those files,
    and cross-file problems that involve them, are reported.
    """
    today = today or date.today()
    wanted = None if targets is None else set(targets)
    layout = paths.discover(root)
    found = list(layout.problems)
    docs: dict[str, Document] = {}
    units: dict[str, Unit] = {}
    accounts: list[Account] = []
    counterfeits: list[Counterfeit] = []

    def read(file: str, kind: str, limit: int = SIZE_LIMIT) -> Document | None:
        result = read_document(root / file, file, limit)
        if isinstance(result, list):
            found.extend(result)
            return None
        if wanted is not None and file not in wanted:
            # Not under review: it was checked in full when it was merged. Only make sure
            # it can join the model for the cross-file rules (the fast schema path).
            coerce_plain_numbers(result, kind)
            if not isinstance(result.data, _ROOT_SHAPE[kind][0]) or not is_valid(result.data, kind) \
                    or (kind == "account" and fields.check_dates(
                        result, kind, list(fields.ACCOUNT_DATES), date.max)):
                return None  # broken on main: leave it out rather than fail on it
            docs[file] = result.slim(POINTED_AT)
            return result
        doc_problems = _check_document(result, kind, today)
        found.extend(doc_problems)
        docs[file] = result.slim(POINTED_AT)
        return None if any(p.is_error for p in doc_problems) else result

    for unit_path, file in sorted(layout.units.items()):
        if doc := read(file, "unit"):
            units[unit_path] = unit_from(unit_path, doc.data)
    for file, unit_path in layout.accounts:
        if (doc := read(file, "account")) and unit_path in units:
            accounts.append(account_from(file, unit_path, doc.data))
    for file, unit_path in layout.counterfeits:
        if (doc := read(file, "counterfeits", COUNTERFEITS_SIZE_LIMIT)) and unit_path in units:
            counterfeits.extend(counterfeits_from(file, unit_path, doc.data))

    registry = Registry(MappingProxyType(units), tuple(accounts), tuple(counterfeits))
    for rule in CROSS_FILE_RULES:
        found.extend(rule(registry, docs))
    if wanted is not None:
        found = [p for p in found if p.file in wanted or p.related in wanted]
    return Outcome(tuple(sorted(set(found))), registry, layout.files)


_ROOT_SHAPE = {
    "unit": (dict, "单位文件的第一层应是“字段: 值”"),
    "account": (dict, "备案文件的第一层应是“字段: 值”"),
    "counterfeits": (list, "假冒名单的第一层应是以“- ”开头的列表，每项一个假冒账号"),
}


def _check_document(doc: Document, kind: str, today: date) -> list[Problem]:
    shape, expected = _ROOT_SHAPE[kind]
    if not isinstance(doc.data, shape):
        found_as = "一个列表" if isinstance(doc.data, list) else (
            "“字段: 值”" if isinstance(doc.data, dict) else "一个单独的值")
        return [problem("E-READ-ROOT", doc.path, expected=expected, found=found_as)]
    found = check_schema(doc, kind)
    if kind == "account":
        extra = [*paths.check_file_name(doc),
                 *fields.check_dates(doc, kind, list(fields.ACCOUNT_DATES), today),
                 *fields.check_date_order(doc)]
    elif kind == "unit":
        extra = fields.check_credit_code(doc)
    else:
        extra = fields.check_dates(doc, kind, fields.counterfeit_date_paths(doc), today)
    # One problem per place: where the schema already spoke, its message is enough.
    taken = {(p.line, p.column) for p in found}
    return found + [p for p in extra if (p.line, p.column) not in taken]
