"""Whether an account name is 简洁、直观、规范 (广东省教育厅, 2020): no emoji, no repeated
punctuation, no marketing words.

The lists are data (``data/names.json``) because the filing form applies them too, as the
clerk types: ``marketing_words`` are found anywhere in the name, ``emoji_ranges`` are
inclusive ranges of hexadecimal code points, and a character of ``punctuation`` written twice
or more in a row is repeated punctuation. ``style_reasons`` is the Python side, used by
``site-gen validate`` (``W-NAME-STYLE``) and ``site-gen new``.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from typing import Any


@cache
def table() -> dict[str, Any]:
    text = resources.files("site_gen").joinpath("data/names.json").read_text("utf-8")
    return dict(json.loads(text))


@cache
def _emoji_ranges() -> tuple[tuple[int, int], ...]:
    return tuple((int(first, 16), int(last, 16)) for first, last in table()["emoji_ranges"])


def _emoji(name: str) -> list[str]:
    return list(dict.fromkeys(char for char in name if any(
        first <= ord(char) <= last for first, last in _emoji_ranges())))


@cache
def _repeats() -> re.Pattern[str]:
    return re.compile("([" + re.escape(table()["punctuation"]) + r"])\1+")


def style_reasons(name: str) -> list[str]:
    """What keeps ``name`` from being 简洁、规范, in Chinese (one reason per kind, naming what
    was found); [] for a plain name."""
    reasons = []
    if found := _emoji(name):
        reasons.append(f"含有表情或图形符号（{''.join(found)}）")
    if found := list(dict.fromkeys(match.group() for match in _repeats().finditer(name))):
        reasons.append(f"有重复的标点（{'、'.join(found)}）")
    if found := [word for word in table()["marketing_words"] if word in name]:
        reasons.append(f"含有营销用语（{'、'.join(found)}）")
    return reasons
