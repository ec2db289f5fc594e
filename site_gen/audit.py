"""``site-gen audit``: the registry checked against the notices' rules on a given day.

Rules (``RULE_TEXT`` has their Chinese names; docs/audit.md explains each):

* ``zombie``: an active account with no post for 60 days or more (since ``last_post_on``,
  or since opening if none). Seed 001's ladder, one step every 30 days: 整改通知 from day
  60, 公开通报 from day 90, 关停 from day 120. Deregistered accounts are never zombies.
* ``late_filing``: filed more than 5 working days after opening (seed 001).
* ``duplicate_platform``: more than one active account of one unit on one platform (seed 002).
* ``annual_review_due``: more than a year since ``annual_review_on`` (or since filing).
* ``lookalike_name``: an account name one edit away from, or containing, the name of
  another unit or of another unit's account (seed 001 第三条; seed 002 名称规范).
* Added from the seeds: ``website_filing`` (a website without ICP filing or graded
  protection, seeds 003/004), ``app_filing`` (an app without 教育移动应用备案, seed 002),
  ``content_review`` (no 先审后发 review system, seeds 000/002), ``unrectified`` (a
  self-inspection problem not rectified, seed 002).

The audit names units that break rules, so it is internal; a registry may publish the
公开通报 stage on its portal (``public_notices: true`` on the root unit), as seed 001 provides.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

import click

from . import clock
from .errors import UsageError
from .labels import PLATFORMS
from .model import Account, Registry
from .rules import check_registry
from .rules.policy import duplicate_platform_groups, late_filing_days, lookalikes

ZOMBIE_STAGES = ((120, "关停"), (90, "公开通报"), (60, "整改通知"))
PUBLIC_STAGES = ("公开通报", "关停")
RULE_TEXT = {
    "zombie": "长期不更新（僵尸号）",
    "late_filing": "逾期备案",
    "duplicate_platform": "同一平台多个账号",
    "annual_review_due": "年审到期",
    "lookalike_name": "名称易混淆",
    "website_filing": "网站备案不全",
    "app_filing": "APP 未备案",
    "content_review": "未建立内容审核制度",
    "unrectified": "问题未整改",
}
SEVERITY = {"zombie": "high", "late_filing": "medium", "duplicate_platform": "medium",
            "annual_review_due": "medium", "lookalike_name": "low", "website_filing": "high",
            "app_filing": "high", "content_review": "high", "unrectified": "high"}
SEVERITY_TEXT = {"high": "高", "medium": "中", "low": "低"}


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    file: str
    account_id: str
    unit: str
    unit_path: str
    message: str
    details: dict[str, object] = field(default_factory=dict)


def _finding(rule: str, account: Account, registry: Registry, message: str,
             **details: object) -> Finding:
    return Finding(rule, SEVERITY[rule], account.file, account.account_id,
                   registry.units[account.unit].name, account.unit, message, details)


def zombie_stage(days: int) -> str | None:
    return next((stage for limit, stage in ZOMBIE_STAGES if days >= limit), None)


def _zombies(registry: Registry, accounts: list[Account], today: date) -> Iterator[Finding]:
    for a in accounts:
        if not a.active:
            continue
        since = a.last_post_on or a.opened_on
        days = (today - date.fromisoformat(since)).days
        stage = zombie_stage(days)
        if stage:
            what = "最近一次发布" if a.last_post_on else "开通"
            yield _finding("zombie", a, registry,
                           f"“{a.name}”（{PLATFORMS[a.platform]}）自{what}（{since}）起已 {days} 天"
                           f"没有更新，处于“{stage}”阶段：请尽快恢复更新并在备案中更新 "
                           f"last_post_on，不再使用的请注销。", stage=stage, days=days)


def _late(registry: Registry, accounts: list[Account]) -> Iterator[Finding]:
    for a in accounts:
        days = late_filing_days(registry, a)
        if days is not None:
            yield _finding("late_filing", a, registry,
                           f"“{a.name}”开通于 {a.opened_on}，备案于 {a.filed_on}，相隔 {days} 个"
                           f"工作日（规定 5 个工作日内）：请督促本单位今后按时备案。", working_days=days)


def _duplicates(registry: Registry, accounts: list[Account]) -> Iterator[Finding]:
    chosen = {a.file for a in accounts}
    for group in duplicate_platform_groups(registry):
        names = "、".join(f"“{a.name}”" for a in group)
        for a in group:
            if a.file in chosen:
                yield _finding("duplicate_platform", a, registry,
                               f"{registry.units[a.unit].name}在{PLATFORMS[a.platform]}上有 "
                               f"{len(group)} 个在用账号（{names}）：按集约要求清理整合，"
                               f"保留一个，其余注销。", count=len(group))


def _year_after(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def _reviews(registry: Registry, accounts: list[Account], today: date) -> Iterator[Finding]:
    for a in accounts:
        if not a.active:
            continue
        last = a.annual_review_on or a.filed_on
        due = _year_after(date.fromisoformat(last))
        if today > due:
            what = "上次年审" if a.annual_review_on else "备案"
            yield _finding("annual_review_due", a, registry,
                           f"“{a.name}”距{what}（{last}）已超过一年，应于 {due.isoformat()} 前年审："
                           f"请组织年审，并在备案中更新 annual_review_on。", due=due.isoformat())


def _filings(registry: Registry, accounts: list[Account]) -> Iterator[Finding]:
    for a in accounts:
        if not a.active:
            continue
        if a.platform == "website":
            site = a.website
            missing = [label for label, present in (
                ("ICP 备案号", site and site.icp),
                ("网络安全等级保护定级备案", site and (site.mlps_level or site.mlps_filing)))
                if not present]
            if missing:
                yield _finding("website_filing", a, registry,
                               f"网站“{a.name}”缺少{'和'.join(missing)}：请办理后在备案的 website 中填写。",
                               missing=missing)
        if a.platform == "app" and not a.edu_app_filing:
            yield _finding("app_filing", a, registry,
                           f"APP“{a.name}”没有教育移动应用备案号：请按教技厅〔2019〕3号的要求办理备案，"
                           f"并填写 app.edu_app_filing。")
        if not a.content_review:
            yield _finding("content_review", a, registry,
                           f"“{a.name}”没有建立内容发布审核制度：请落实“先审后发”三级审核"
                           f"（编辑初审、负责人审核、领导终审）。")
        inspection = a.inspection
        if inspection and inspection.result != "无问题" and not inspection.rectified:
            yield _finding("unrectified", a, registry,
                           f"“{a.name}”自查发现“{inspection.result}”（{inspection.checked_on}），"
                           f"尚未整改：请整改后更新 inspection.rectified。", result=inspection.result)


def _lookalikes(registry: Registry, accounts: list[Account]) -> Iterator[Finding]:
    """The validator's lookalike rule (the copy is blamed, never the original)."""
    for match in lookalikes(registry, accounts):
        account = match.account
        how = match.how.format(f"“{match.other}”")
        yield _finding("lookalike_name", account, registry,
                       f"账号名称“{account.name}”{how}（{registry.units[match.other_unit].name}）："
                       f"请确认不会让公众误认，必要时改用更能区分的名称。",
                       similar_to=match.other)


def audit(registry: Registry, today: date, top: str = "") -> list[Finding]:
    """Every finding for the accounts of ``top``'s subtree, sorted by unit, file and rule."""
    accounts = [a for a in registry.accounts if registry.in_subtree(a, top)]
    found = [*_zombies(registry, accounts, today), *_late(registry, accounts),
             *_duplicates(registry, accounts), *_reviews(registry, accounts, today),
             *_lookalikes(registry, accounts), *_filings(registry, accounts)]
    order = list(RULE_TEXT)
    return sorted(found, key=lambda f: (f.unit_path, f.file, order.index(f.rule), f.message))


def public_notices(registry: Registry, today: date) -> list[Finding]:
    """The zombie accounts at the 公开通报 stage or beyond, for a portal that publishes them."""
    return [f for f in audit(registry, today)
            if f.rule == "zombie" and f.details["stage"] in PUBLIC_STAGES]


def format_json(findings: list[Finding], as_of: str) -> str:
    return json.dumps({"as_of": as_of, "findings": [asdict(f) for f in findings]},
                      ensure_ascii=False, indent=2) + "\n"


def format_text(findings: list[Finding], as_of: str) -> str:
    lines = [f"{f.file}: [{RULE_TEXT[f.rule]}] {f.message}" for f in findings]
    counts = {rule: sum(f.rule == rule for f in findings) for rule in RULE_TEXT}
    summary = "，".join(f"{RULE_TEXT[r]} {n} 个" for r, n in counts.items() if n) or "没有发现问题"
    return "\n".join([*lines, f"审计截至 {as_of}：{summary}。"]) + "\n"


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def format_markdown(findings: list[Finding], as_of: str) -> str:
    lines = [f"## 规则审计（截至 {as_of}）", ""]
    if not findings:
        return "\n".join([*lines, "没有发现问题。", ""]) + "\n"
    lines += ["| 规则 | 数量 |", "|---|---|"]
    for rule, text in RULE_TEXT.items():
        count = sum(f.rule == rule for f in findings)
        if count:
            lines.append(f"| {text} | {count} |")
    lines += ["", "| 严重程度 | 规则 | 单位 | 文件 | 说明 |", "|---|---|---|---|---|"]
    lines += [f"| {SEVERITY_TEXT[f.severity]} | {RULE_TEXT[f.rule]} | {_cell(f.unit)} | "
              f"`{_cell(f.file)}` | {_cell(f.message)} |" for f in findings]
    return "\n".join(lines) + "\n"


FORMATS = {"text": format_text, "json": format_json, "md": format_markdown}


def run_audit(root: Path, as_of: str | None, unit_path: str | None, output_format: str) -> int:
    """Print the audit of ``root`` (or of one unit's subtree); return the exit status."""
    if not root.is_dir():
        raise UsageError(f"登记库目录 {root} 不存在。")
    try:
        today = date.fromisoformat(as_of) if as_of else clock.today()
    except ValueError:
        raise UsageError(f"--as-of 应写成 YYYY-MM-DD，现在是“{as_of}”。") from None
    outcome = check_registry(root)
    registry = outcome.registry
    top = (unit_path or "").strip("/").removeprefix("filings").strip("/")
    if top not in registry.units:
        raise UsageError(f"找不到单位“{top}”：请写 filings/ 下的单位文件夹，例如 dongcheng。")
    click.echo(FORMATS[output_format](audit(registry, today, top), today.isoformat()), nl=False)
    if outcome.errors:
        click.echo(f"注意：登记库有 {outcome.errors} 个错误，有错误的文件没有参加审计。"
                   "请运行 site-gen validate。", err=True)
        return 1
    return 0
