"""Working days in mainland China: weekends and public holidays off, adjusted
working weekends (调休) on. The calendar is data, from the State Council's yearly
notices, in ``data/workdays_cn.json``.

A registry may add a year the release does not ship yet in ``holidays.yaml`` at its root
(beside ``filings/``; docs/audit.md), same shape as the bundled file::

    source: 国务院办公厅关于2027年部分节假日安排的通知
    years:
      "2027":
        holidays: [2027-01-01, …]   # 放假的工作日（周一至周五）
        workdays: [2027-02-07, …]   # 调休上班的周末

It is read by ``registry_calendar`` (the report and audit commands enter it) and used for
the years the bundled calendar lacks; a year a release ships is taken from the release.

A year in neither is counted by weekends only, and never silently: ``uncovered_years`` names
it, and the late-filing rules of validation and the audit warn about it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

REGISTRY_FILE = "holidays.yaml"


@dataclass(frozen=True)
class Calendar:
    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()
    years: frozenset[int] = frozenset()

    def plus(self, other: Calendar) -> Calendar:
        """This calendar with ``other``'s years that this one lacks."""
        new = other.years - self.years
        return Calendar(self.holidays | {d for d in other.holidays if d.year in new},
                        self.workdays | {d for d in other.workdays if d.year in new},
                        self.years | new)


class CalendarError(Exception):
    """A registry's holiday file that cannot be used, said in Chinese."""


def _calendar_of(data: Any, where: str) -> Calendar:
    """The calendar in ``data`` (the bundled JSON's shape), or ``CalendarError``."""
    def fail(what: str) -> CalendarError:
        return CalendarError(f"{where}：{what}请对照 docs/audit.md 中“节假日”一节的格式修改。")

    years = data.get("years") if isinstance(data, dict) else None
    if not isinstance(years, dict) or not years:
        raise fail("没有“years”，或它不是按年份列出的表。")
    holidays: set[date] = set()
    workdays: set[date] = set()
    for key, entry in years.items():
        year = str(key)
        if not (len(year) == 4 and year.isdigit()):
            raise fail(f"“{year}”不是四位数的年份。")
        if not isinstance(entry, dict) or set(entry) - {"holidays", "workdays"}:
            raise fail(f"{year} 年只能有 holidays（放假的工作日）和 workdays（调休上班的周末）两项。")
        for name, found, weekday in (("holidays", holidays, True), ("workdays", workdays, False)):
            days = entry.get(name, [])
            if not isinstance(days, list):
                raise fail(f"{year} 年的 {name} 应是日期的列表，例如 [{year}-01-01]。")
            for text in days:
                try:
                    day = date.fromisoformat(str(text))
                except ValueError:
                    raise fail(f"{year} 年的 {name} 中“{text}”不是 YYYY-MM-DD 格式的日期。") from None
                if str(day.year) != year:
                    raise fail(f"{year} 年的 {name} 中有别的年份的日期 {day}。")
                if (day.weekday() < 5) != weekday:
                    raise fail(f"{day} 是{'周末' if weekday else '工作日'}，"
                               f"{'holidays 只列放假的周一至周五' if weekday else 'workdays 只列调休上班的周六、周日'}。")
                found.add(day)
    both = holidays & workdays
    if both:
        raise fail(f"{min(both)} 同时列为放假和上班。")
    return Calendar(frozenset(holidays), frozenset(workdays),
                    frozenset(int(str(y)) for y in years))


@lru_cache(maxsize=1)
def bundled() -> Calendar:
    """The calendar this release ships."""
    text = resources.files("site_gen").joinpath("data/workdays_cn.json").read_text("utf-8")
    return _calendar_of(json.loads(text), "data/workdays_cn.json")


def read_registry_calendar(root: Path) -> Calendar | None:
    """The calendar in ``root``/holidays.yaml, None when there is none; ``CalendarError``
    (in Chinese) when it cannot be used."""
    from .loader import read_document

    file = root / REGISTRY_FILE
    if not file.is_file():
        return None
    doc = read_document(file, REGISTRY_FILE)
    if isinstance(doc, list):  # not strict YAML: the reader's own Chinese message
        raise CalendarError(f"{REGISTRY_FILE}：" + "；".join(p.message for p in doc))
    return _calendar_of(doc.data, REGISTRY_FILE)


_added: ContextVar[Calendar | None] = ContextVar("registry_calendar", default=None)


@contextmanager
def registry_calendar(root: Path) -> Iterator[Calendar | None]:
    """Use ``root``'s holiday file (if any) with the bundled calendar inside the block;
    raises ``CalendarError`` when the file cannot be used."""
    token = _added.set(read_registry_calendar(root))
    try:
        yield _added.get()
    finally:
        _added.reset(token)


def _current() -> Calendar:
    added = _added.get()
    return bundled() if added is None else bundled().plus(added)


def covered_years() -> frozenset[int]:
    """The years whose holidays are known (shipped, or added by the registry in use)."""
    return _current().years


def uncovered_years(start: date, end: date) -> list[int]:
    """The years from ``start`` to ``end`` whose holidays are not known: there working days
    are counted by weekends only, and whoever counts them must say so."""
    known = covered_years()
    return [year for year in range(start.year, end.year + 1) if year not in known]


def is_working_day(day: date) -> bool:
    calendar = _current()
    if day in calendar.workdays:
        return True
    return day.weekday() < 5 and day not in calendar.holidays


def working_days_after(start: date, end: date) -> int:
    """How many working days lie after ``start`` up to and including ``end`` (weekends only
    in ``uncovered_years``)."""
    calendar = _current()
    count = 0
    day = start + timedelta(days=1)
    while day <= end:
        count += day in calendar.workdays or (day.weekday() < 5 and day not in calendar.holidays)
        day += timedelta(days=1)
    return count
