"""The characters no filing may hold: invisible, control and direction-override characters.

One list (``data/characters.json``) serves the validator, which looks at the raw text and
again at every value once YAML's escapes are read (``"\\u202e"`` is one character), and the
filing form, which gets the same list embedded by the build (``form_data``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import cache
from importlib import resources
from typing import Any


@cache
def table() -> dict[str, Any]:
    text = resources.files("site_gen").joinpath("data/characters.json").read_text("utf-8")
    return dict(json.loads(text))


def _class(ranges: list[tuple[str, str]]) -> str:
    """A character class for JavaScript (``u`` flag: ``\\u{1D173}`` reaches past U+FFFF)."""
    return "".join(f"\\u{{{first}}}" if first == last else f"\\u{{{first}}}-\\u{{{last}}}"
                   for first, last in ranges)


def _python_class(ranges: list[tuple[str, str]]) -> str:
    return "".join(re.escape(chr(int(first, 16))) + ("" if first == last else
                   "-" + re.escape(chr(int(last, 16)))) for first, last in ranges)


def _ranges(value: bool) -> list[tuple[str, str]]:
    found = [(first, last) for entry in table()["classes"] for first, last in entry["ranges"]]
    if value:
        found += [(point, point) for point in table()["value_only"]]
    return found


@cache
def pattern(value: bool) -> re.Pattern[str]:
    """The class of refused characters (``value``: in a parsed value, CR too)."""
    return re.compile(f"[{_python_class(_ranges(value))}]")


def find(text: str, value: bool = False) -> Iterator[tuple[int, str]]:
    """(offset, character) of each refused character in ``text``; ``value``: a parsed value,
    where a carriage return is refused too."""
    for match in pattern(value).finditer(text):
        yield match.start(), match.group()


def first(text: str) -> str | None:
    match = pattern(True).search(text)
    return match.group() if match else None


def describe(char: str) -> str:
    """``U+202E 文字方向控制符``: the code point and its class, for a message."""
    point = ord(char)
    for entry in table()["classes"]:
        if any(int(a, 16) <= point <= int(b, 16) for a, b in entry["ranges"]):
            return f"U+{point:04X}，{entry['name']}"
    return f"U+{point:04X}，控制字符"


def form_data() -> dict[str, Any]:
    """What the filing form needs: a JavaScript character class (``\\uXXXX`` escapes, which
    JavaScript reads as Python does) and the class names."""
    return {"value": _class(_ranges(True)),
            "classes": [{"name": e["name"], "ranges": e["ranges"]} for e in table()["classes"]]}
