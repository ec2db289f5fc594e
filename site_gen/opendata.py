"""Open data: ``data/registry.json`` (with its JSON Schema) and ``data/accounts.csv``.

Built from the public view only. The CSV is UTF-8 with a BOM so that Excel opens it,
and a cell that a spreadsheet would read as a formula is prefixed with ``'``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from importlib import resources
from typing import Any

from .public import PublicAccount, PublicCounterfeit, PublicRegistry, PublicUnit
from .reporters import json_lines

CSV_COLUMNS = (
    ("platform_label", "平台"), ("name", "账号名称"), ("account_id", "账号ID"),
    ("unit_name", "开设单位"), ("status_label", "状态"), ("certified_subject", "认证主体"),
    ("opened_on", "开通时间"), ("filed_on", "备案日期"), ("deregistered_on", "注销日期"),
    ("suspended_on", "暂停使用日期"), ("url", "链接"), ("platform", "平台代码"), ("unit", "单位路径"), ("code", "核验码"),
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _unit(u: PublicUnit) -> dict[str, Any]:
    return {"path": u.path, "name": u.name, "kind": u.kind, "parent": u.parent}


def _account(a: PublicAccount) -> dict[str, Any]:
    return {
        "platform": a.platform, "account_id": a.account_id, "name": a.name,
        "unit": a.unit_name, "unit_path": a.unit, "status": a.status,
        "verified": a.verified, "certified_subject": a.certified_subject,
        "opened_on": a.opened_on, "filed_on": a.filed_on,
        "deregistered_on": a.deregistered_on, "suspended_on": a.suspended_on,
        "url": a.url, "qr": a.qr,
        "history": [{"date": e.date, "type": e.type, "commit": e.commit} for e in a.history],
        "code": a.code,
        "proof": [{"kind": p.kind, "checked_on": p.checked_on, "where": p.where} for p in a.proof],
    }


def _counterfeit(c: PublicCounterfeit) -> dict[str, Any]:
    return {"platform": c.platform, "name": c.name, "account_id": c.account_id, "url": c.url,
            "reported_on": c.reported_on, "status": c.status, "reported_by": c.reported_by,
            "note": c.note}


def registry_json(public: PublicRegistry, generated_at: str) -> bytes:
    """``registry.json``: one unit, account or counterfeit a line (``json_lines``)."""
    def items(name: str, values: Iterable[dict[str, Any]]) -> str:
        lines = json_lines(values, "  ")
        return f'"{name}": [\n{lines}\n]' if lines else f'"{name}": []'

    head = (f'{{"generated_at": {json.dumps(generated_at)}, '
            f'"demo": {json.dumps(public.demo)},\n')
    body = ",\n".join([items("units", map(_unit, public.units.values())),
                        items("accounts", map(_account, public.accounts)),
                        items("counterfeits", map(_counterfeit, public.counterfeits))])
    return (head + body + "}\n").encode("utf-8")


def registry_schema() -> bytes:
    return resources.files("site_gen.schema").joinpath("opendata.schema.json").read_bytes()


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def accounts_csv(public: PublicRegistry) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([header for _, header in CSV_COLUMNS])
    for account in public.accounts:
        writer.writerow([_cell(getattr(account, field)) for field, _ in CSV_COLUMNS])
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")
