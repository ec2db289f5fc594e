"""Dates as clerks type them, and the dates no filing can hold.

``normal_day`` reads the shapes people type (``2024-05-01``, ``2024/5/1``, ``2024.5.1``,
``2024年5月1日``, ``20240501``, in full-width digits too) for ``site-gen new``; a filing itself
must say ``YYYY-MM-DD`` (the schema's pattern). ``day_problem`` is the one judgement of a
``YYYY-MM-DD`` date, shared by ``site-gen validate`` and ``site-gen new``: it must be on the
calendar, not before 1994 (China joined the Internet that year: an earlier date is a typing
slip, never an account's), and, for past events, not after today.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

EARLIEST = date(1994, 1, 1)

_SHAPE = re.compile(r"([0-9]{4})\s*([-/.年])\s*([0-9]{1,2})\s*([-/.月])\s*([0-9]{1,2})\s*([日号]?)")
_SEPARATORS = {"-": "-", "/": "/", ".": ".", "年": "月"}  # the first separator gives the second
_COMPACT = re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})")


def normal_day(text: str) -> str | None:
    """``text`` as ``YYYY-MM-DD`` when it is a date in one of the shapes above (with full-width
    digits and separators, and spaces, allowed); None when it is none of them. The result
    is not checked against the calendar: ``2024/2/30`` gives ``2024-02-30``."""
    plain = unicodedata.normalize("NFKC", text).strip()
    if match := _COMPACT.fullmatch(plain):
        year, month, day = match.groups()
    elif (match := _SHAPE.fullmatch(plain)) and _SEPARATORS[match[2]] == match[4] \
            and (not match[6] or match[2] == "年"):
        year, month, day = match[1], match[3], match[5]
    else:
        return None
    return f"{year}-{int(month):02d}-{int(day):02d}"


def day_problem(value: str, today: date | None) -> str | None:
    """The rule the ``YYYY-MM-DD`` date ``value`` breaks: ``E-DATE-INVALID`` (not on the
    calendar), ``E-DATE-IMPLAUSIBLE`` (before 1994), ``E-DATE-FUTURE`` (after ``today``; None
    for a field that may lie ahead), or None when it is a plausible date."""
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return "E-DATE-INVALID"
    if day < EARLIEST:
        return "E-DATE-IMPLAUSIBLE"
    if today is not None and day > today:
        return "E-DATE-FUTURE"
    return None
