"""Working days in mainland China: weekends and public holidays off, adjusted
working weekends (调休) on. The calendar is data, from the State Council's yearly
notices, in ``data/workdays_cn.json``; a year not yet in it counts weekends only."""

from __future__ import annotations

import json
from datetime import date, timedelta
from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=1)
def _calendar() -> tuple[frozenset[date], frozenset[date], frozenset[int]]:
    text = resources.files("site_gen").joinpath("data/workdays_cn.json").read_text("utf-8")
    years = json.loads(text)["years"]
    holidays = frozenset(date.fromisoformat(d) for y in years.values() for d in y["holidays"])
    workdays = frozenset(date.fromisoformat(d) for y in years.values() for d in y["workdays"])
    return holidays, workdays, frozenset(int(y) for y in years)


def covered_years() -> frozenset[int]:
    """The years whose holidays are known."""
    return _calendar()[2]


def is_working_day(day: date) -> bool:
    holidays, workdays, _ = _calendar()
    if day in workdays:
        return True
    return day.weekday() < 5 and day not in holidays


def working_days_after(start: date, end: date) -> int:
    """How many working days lie after ``start`` up to and including ``end``."""
    count = 0
    day = start + timedelta(days=1)
    while day <= end:
        count += is_working_day(day)
        day += timedelta(days=1)
    return count
