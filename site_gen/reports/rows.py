"""What the official forms say, computed from the model (no spreadsheet code here).

The rules (also in docs/reports.md):

* 附件1 lists every account of the subtree that was open at some time in the as-of
  year up to the as-of date: opened on or before it, and not deregistered before the
  year began. An account deregistered during the year stays listed, with 备注 saying so.
* 附件2 is counted from exactly those rows, per 附件2 column (``FORM_COLUMNS``):
  开设 = rows still active at the as-of date and not personal accounts; 个人账号 = active
  personal accounts; 有问题 = rows whose 问题排查情况 is a problem; 已整改 = those also
  rectified (a deregistered account with a problem counts as rectified); 互动/审核/委托 =
  among the 开设 rows.
* 附件4 has one row per filing event in the as-of year up to the as-of date, from Git
  history where it is available (see ``history.py``), from the filing's dates otherwise.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..history import NO_HISTORY, History
from ..labels import yes_no
from ..model import Account, Registry, Unit, within
from ..public import account_history

# 类型 as the forms write it.
FORM_TYPES = {
    "website": "网站", "wechat_official": "微信公众号", "wechat_channels": "微信视频号",
    "weibo": "微博", "douyin": "抖音号", "kuaishou": "快手号", "toutiao": "头条号",
    "baijiahao": "百家号", "bilibili": "哔哩哔哩", "xiaohongshu": "小红书", "qq": "QQ",
    "app": "APP", "mini_program": "小程序", "other": "其他",
}
# 附件2's columns, and the platforms each counts.
FORM_COLUMNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("网站", ("website",)),
    ("微博", ("weibo",)),
    ("微信", ("wechat_official", "wechat_channels")),
    ("头条号", ("toutiao",)),
    ("抖音号", ("douyin",)),
    ("移动端客户端", ("app",)),
    ("其他政务新媒体", ("kuaishou", "baijiahao", "bilibili", "xiaohongshu", "qq",
                    "mini_program", "other")),
)
SUMMARY_ROWS = (
    "单位开设的新媒体（网站）数量（个）",
    "以职务身份开设认证的个人账号（个）",
    "排查出有问题的新媒体（网站）数量（个）",
    "问题已整改的新媒体（网站）数量（个）",
    "具有互动功能的新媒体（网站）数量（个）",
    "已建立内容发布审核制度的新媒体（网站）数量（个）",
    "委托其他单位运营的新媒体（网站）数量（个）",
)
NO_PROBLEM = ("无问题", "未排查")


def subtree_units(registry: Registry, top: str) -> list[Unit]:
    return [u for path, u in sorted(registry.units.items()) if within(path, top)]


def listed_accounts(registry: Registry, top: str, as_of: str) -> list[Account]:
    """The accounts of 附件1, in 序号 order (unit, platform, account ID)."""
    year_start = as_of[:4] + "-01-01"
    chosen = [a for a in registry.accounts
              if registry.in_subtree(a, top) and a.opened_on <= as_of
              and not (a.deregistered_on and a.deregistered_on < year_start)]
    return sorted(chosen, key=lambda a: (a.unit, a.platform, a.account_id))


def active_at(account: Account, as_of: str) -> bool:
    return not (account.deregistered_on and account.deregistered_on <= as_of)


@dataclass(frozen=True)
class StatisticsRow:
    """One row of 附件1, with what 附件2 needs to count it."""

    account: Account
    values: tuple[object, ...]  # the 15 cells after 序号
    problem: bool
    rectified: bool
    active: bool


def statistics_row(account: Account, unit: Unit, year: str, as_of: str) -> StatisticsRow:
    inspection = account.inspection
    result = inspection.result if inspection else "未排查"
    active = active_at(account, as_of)
    problem = result not in NO_PROBLEM
    rectified = problem and (not active or bool(inspection and inspection.rectified))
    remark = [account.note] if account.note else []
    if not active:
        remark.insert(0, f"已于 {account.deregistered_on} 注销：{account.deregister_reason}")
    if account.personal_capacity:
        remark.insert(0, "以职务身份开设认证的个人账号")
    lead = account.contacts.ops_lead
    values = (
        account.name, unit.name, account.certified_subject or "未认证",
        FORM_TYPES[account.platform], result, yes_no(rectified) if problem else "-",
        yes_no(account.interactive), yes_no(account.content_review),
        yes_no(account.outsourced_to is not None), dict(account.posts).get(year, 0),
        lead.name, lead.phone, lead.wechat or "", "；".join(remark),
    )
    return StatisticsRow(account, values, problem, rectified, active)


def statistics_rows(registry: Registry, top: str, as_of: str) -> list[StatisticsRow]:
    return [statistics_row(a, registry.units[a.unit], as_of[:4], as_of)
            for a in listed_accounts(registry, top, as_of)]


def summary_counts(rows: Iterable[StatisticsRow]) -> list[list[int]]:
    """附件2: one list per ``SUMMARY_ROWS`` entry, one count per ``FORM_COLUMNS`` entry."""
    tests: tuple[Callable[[StatisticsRow], bool], ...] = (
        lambda r: r.active and not r.account.personal_capacity,
        lambda r: r.active and r.account.personal_capacity,
        lambda r: r.problem,
        lambda r: r.rectified,
        lambda r: r.active and not r.account.personal_capacity and r.account.interactive,
        lambda r: r.active and not r.account.personal_capacity and r.account.content_review,
        lambda r: (r.active and not r.account.personal_capacity
                   and r.account.outsourced_to is not None),
    )
    rows = list(rows)
    return [[sum(1 for r in rows if r.account.platform in platforms and test(r))
             for _, platforms in FORM_COLUMNS] for test in tests]


@dataclass(frozen=True)
class FilingEvent:
    account: Account
    date: str
    kind: str  # 开设, 变更 or 注销


def filing_events(registry: Registry, top: str, as_of: str,
                  history: History = NO_HISTORY) -> list[FilingEvent]:
    """附件4: every filing event of the subtree in the as-of year, by date: from Git
    history where it is available, from the filing's own dates otherwise."""
    year_start = as_of[:4] + "-01-01"
    events = [FilingEvent(account, event.date, event.label)
              for account in registry.accounts if registry.in_subtree(account, top)
              for event in account_history(account, history)
              if year_start <= event.date <= as_of]
    return sorted(events, key=lambda e: (e.date, e.account.unit, e.account.platform,
                                         e.account.account_id, e.kind))
