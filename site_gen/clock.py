"""Today's date where the filers are: China Standard Time (UTC+8, no daylight saving).

CI runners keep UTC, so a school filing at 07:00 Beijing time would otherwise have its
filing date rejected as "in the future" for eight hours every morning.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

CHINA = timezone(timedelta(hours=8), "CST")


def today() -> date:
    return datetime.now(CHINA).date()
