"""``site-gen new``: write a new account filing with the right file name, then check it."""

from __future__ import annotations

import json
from pathlib import Path

import click

from . import clock
from .errors import UsageError
from .identity import expected_file_name
from .labels import PLATFORMS
from .reporters import format_text
from .rules import check_registry

HEADER = "# 新媒体账号（网站）备案。contacts 只用于内部报表，不会公开。字段说明见 docs/fields.md。\n"


def _scalar(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML string


CONTACT_OPTIONS = {"supervisor_name": ("supervisor", "name"),
                   "supervisor_phone": ("supervisor", "phone"),
                   "ops_lead_name": ("ops_lead", "name"), "ops_lead_phone": ("ops_lead", "phone")}


def _lines(values: dict[str, object], indent: str = "") -> list[str]:
    lines = []
    for key, value in values.items():
        if value is None or value == "":
            continue
        if isinstance(value, dict):
            lines.append(f"{indent}{key}:" + ("\n" if value else " {}\n"))
            lines += _lines(value, indent + "  ")
        else:
            lines.append(f"{indent}{key}: {_scalar(value)}\n")
    return lines


def filing_text(values: dict[str, object]) -> str:
    """The filing as YAML in the order given, every string quoted."""
    return HEADER + "".join(_lines(values))


def run_new(root: Path, unit: str, values: dict[str, object]) -> int:
    """Create ``filings/<unit>/<platform>--<slug>.yaml`` and validate it."""
    unit = unit.strip("/").removeprefix("filings").strip("/")
    folder = root / "filings" / unit if unit else root / "filings"
    if not (folder / "_unit.yaml").is_file():
        raise UsageError(f"找不到单位文件夹 filings/{unit}（要有 _unit.yaml）。")
    platform, account_id = str(values["platform"]), str(values["account_id"])
    if platform not in PLATFORMS:
        raise UsageError(f"平台只能是：{'、'.join(PLATFORMS)}。")
    target = folder / expected_file_name(platform, account_id)
    if target.exists():
        raise UsageError(f"{target.relative_to(root)} 已经存在：变更请直接修改这个文件。")
    contacts: dict[str, dict[str, object]] = {"supervisor": {}, "ops_lead": {}}
    for option, (role, field) in CONTACT_OPTIONS.items():
        contacts[role][field] = values.pop(option)
    order = ("name", "platform", "account_id", "url", "wechat_kind", "verified",
             "certified_subject", "opened_on")
    filing: dict[str, object] = {key: values.get(key) for key in order}
    if platform != "wechat_official":
        filing.pop("wechat_kind")
    filing.update(filed_on=clock.today().isoformat(), status="active",
                  interactive=values["interactive"], content_review=values["content_review"])
    if platform in ("website", "app"):
        filing[platform] = {}
    filing["contacts"] = contacts
    target.write_text(filing_text(filing), "utf-8")
    shown = target.relative_to(root).as_posix()
    click.echo(f"已创建 {shown}。请补充其他字段（见 docs/fields.md）后提交合并请求。")
    outcome = check_registry(root, [shown])
    if outcome.problems:
        click.echo(format_text(1, outcome.problems), nl=False)
    return 1 if outcome.errors else 0
