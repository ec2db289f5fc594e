"""The one clock: today's date where the filers are, China Standard Time (UTC+8, no daylight
saving), for every command — validation, the audit, the forms and the portal alike.

CI runners keep UTC, so a school filing at 07:00 Beijing time would otherwise have its
filing date rejected as "in the future" for eight hours every morning, and a portal built
then would date its notices a day early.

``build_time`` is the moment a portal is built: now, or ``SOURCE_DATE_EPOCH`` when that is
set (the reproducible-builds convention mkdocs follows too), so that two builds of the same
registry are byte for byte the same. Validation always uses the real ``today``.
"""

from __future__ import annotations

import os
from datetime import date, datetime, timedelta, timezone

CHINA = timezone(timedelta(hours=8), "CST")


def today() -> date:
    return datetime.now(CHINA).date()


def build_time() -> datetime:
    """When the portal is built (aware, in Beijing time)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), CHINA)
    return datetime.now(CHINA)


def build_date() -> date:
    return build_time().date()


def beijing_day(timestamp: str | int) -> str:
    """The day (ISO) in Beijing of a Unix time (a Git ``%ct``)."""
    return datetime.fromtimestamp(int(timestamp), CHINA).date().isoformat()


def end_of_day(day: date) -> int:
    """The first Unix second after ``day`` ends in Beijing: a commit made before it is of
    that day or earlier."""
    return int(datetime.combine(day + timedelta(days=1), datetime.min.time(), CHINA).timestamp())
