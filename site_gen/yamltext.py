"""Plain data written as YAML the strict loader reads back unchanged: every string quoted
(a JSON string is a YAML string), mappings and lists in block style, keys in the order given.
What ``site-gen new`` writes and what sealed contacts hold."""

from __future__ import annotations

import json
from collections.abc import Mapping


def scalar(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value, ensure_ascii=False)


def yaml_lines(values: Mapping[str, object], indent: str = "") -> list[str]:
    """``values`` as lines (each ending in a newline); None and "" are left out."""
    lines = []
    for key, value in values.items():
        if value is None or value == "":
            continue
        if isinstance(value, Mapping):
            lines.append(f"{indent}{key}:" + ("\n" if value else " {}\n"))
            lines += yaml_lines(value, indent + "  ")
        elif isinstance(value, (list, tuple)):
            lines.append(f"{indent}{key}:" + ("\n" if value else " []\n"))
            for item in value:
                if isinstance(item, Mapping):
                    inner = yaml_lines(item, indent + "    ")
                    lines += [f"{indent}  - {inner[0].lstrip()}", *inner[1:]] if inner else \
                        [f"{indent}  - {{}}\n"]
                else:
                    lines.append(f"{indent}  - {scalar(item)}\n")
        else:
            lines.append(f"{indent}{key}: {scalar(value)}\n")
    return lines
