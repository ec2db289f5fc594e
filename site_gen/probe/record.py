"""The probe record: what each website filing's probe found, as JSON for ``audit --probe``."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date


@dataclass
class Site:
    """What one website filing's probe found (a probe record entry)."""

    file: str
    url: str
    reached: bool = False
    last_update: str | None = None
    last_update_source: str | None = None  # feed, sitemap or header
    listed: list[list[str]] = field(default_factory=list)  # [platform, account_id]
    findings: list[dict[str, str]] = field(default_factory=list)  # {"rule", "detail"}

    def add(self, rule: str, detail: str) -> None:
        self.findings.append({"rule": rule, "detail": clean(detail)})


def clean(text: str) -> str:
    """Text a website gave, made printable: a lone surrogate (``"\\ud800"`` in its JSON) is
    no character and would stop the record or the output from being written."""
    return text.encode("utf-8", "replace").decode("utf-8")


def record(sites: Iterable[Site], today: date) -> str:
    """The probe record: what ``site-gen audit --probe`` reads."""
    return clean(json.dumps({"probed_on": today.isoformat(), "sites": [vars(s) for s in sites]},
                            ensure_ascii=False, indent=1) + "\n")


def read_record(text: str) -> tuple[str | None, dict[str, Site]]:
    """A probe record's day (None when it has none) and its sites by file (ValueError when
    it is not one)."""
    data = json.loads(text)
    if not isinstance(data, dict) or not isinstance(data.get("sites"), list):
        raise ValueError("不是 site-gen probe 写的记录")
    day = data.get("probed_on")
    return (day if isinstance(day, str) else None,
            {s["file"]: Site(**s) for s in data["sites"]})
