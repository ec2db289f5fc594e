"""What the official forms say, computed from the model (no spreadsheet code here).

The rules (also in docs/reports.md):

* 附件1 lists every account of the subtree that was open at some time in the as-of
  year up to the as-of date: opened on or before it, and not deregistered before the
  year began. An account deregistered during the year stays listed, with 备注 saying so.
* 问题排查情况 is one truth with the audit: the self-inspection's problem (自查：…) and every
  audit finding of the account as of the as-of date, worded as the audit words it, with
  the details in 备注 in Chinese (never a rule code). Findings about contacts a key cannot
  open or opens to something invalid are the key holder's, in the audit's own sheet only:
  nothing in 附件1–4 but the contact cells depends on the key. 是否整改: 是 only when every
  problem is a self-reported one that was rectified (an audit finding stands until the
  filing changes), or the account was deregistered.
* Unknown is not zero: an account that did not report this year's posts gets a blank cell.
* 附件2 is counted from exactly those rows, per 附件2 column (``FORM_COLUMNS``):
  开设 = rows still active at the as-of date and not personal accounts; 个人账号 = active
  personal accounts; 有问题 = rows with a problem; 已整改 = those also rectified;
  互动/审核/委托 = among the 开设 rows.
* 附件4 has one row per filing event in the as-of year up to the as-of date, from Git
  history where it is available (see ``history.py``), from the filing's dates otherwise.
  A change is 变更 only when it changes the filing's meaning (``history.MEANINGFUL``: name,
  ID/URL, platform and type, unit and department, content scope, operator, certification,
  opening date, the people compared after opening); statistics, proof, QR content, notes and
  a sealed ciphertext are not. A reopening is 开设（恢复）. The items a change touched are
  named by their Chinese titles and their 附件4 cells marked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import PurePosixPath
from typing import Any

from ..audit import Finding
from ..history import (
    NO_HISTORY,
    SUSPENSION,
    History,
    HistoryEvent,
    account_history,
    changed_fields,
    is_change,
    meaningful_fields,
    versions,
)
from ..labels import yes_no
from ..model import (
    Account,
    AccountContacts,
    Person,
    Registry,
    Sealed,
    Unit,
    account_from,
    within,
)
from ..rules.policy import FILING_DEADLINE_WORKING_DAYS
from ..schemas import bundled_schema, field_schemas

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
NO_SELF_INSPECTION = "未自查；规则审计未发现问题"
# 附件4's columns (0-based, after 序号 at 0) that show each reported field.
ANNEX4_COLUMN_OF = {"name": 1, "account_id": 2, "url": 2, "department": 3,
                    "certified_subject": 4, "verified": 4, "platform": 5, "wechat_kind": 5,
                    "opened_on": 6, "contacts.supervisor": 7, "contacts.ops_lead.name": 8,
                    "contacts.ops_lead.phone": 9}


def stand_in(sealed: Sealed) -> Person:
    """A person whose every cell says why it is empty (已加密, 无法解密): a blank cell would
    read as "not filed"."""
    return Person(sealed.text, sealed.text, sealed.text, sealed.text)


def person(contacts: AccountContacts | Sealed, role: str) -> Person:
    """The supervisor or ops_lead of an account's contacts, or a stand-in when sealed."""
    if isinstance(contacts, Sealed):
        return stand_in(contacts)
    found: Person = getattr(contacts, role)
    return found


def reviewer(contacts: AccountContacts | Sealed, role: str) -> Person | None:
    """The 责编 or 编辑 (seed 000's 三级审核) of an account, a stand-in when sealed, None when
    not filed."""
    if isinstance(contacts, Sealed):
        return stand_in(contacts)
    found: Person | None = getattr(contacts, role)
    return found


def first_responsible(unit: Unit) -> Person | None:
    """The unit's 第一责任人 (its ``head``, seed 001 第八条), a stand-in when sealed, None when
    not filed."""
    if isinstance(unit.contacts, Sealed):
        return stand_in(unit.contacts)
    return dict(unit.contacts).get("head")


def staff(contacts: AccountContacts | Sealed, count: int) -> list[Person | None]:
    """The first ``count`` places of the staff list (None where nobody is filed); sealed,
    every place says so, as nobody can tell how many were filed."""
    if isinstance(contacts, Sealed):
        return [stand_in(contacts)] * count
    return [contacts.staff[i] if i < len(contacts.staff) else None for i in range(count)]


def unit_contact(unit: Unit) -> Person | None:
    """The unit's 填表人 (its ``contact``), a stand-in when sealed, None when not filed."""
    if isinstance(unit.contacts, Sealed):
        return stand_in(unit.contacts)
    return dict(unit.contacts).get("contact")


def sealed_columns(accounts: Iterable[Account]) -> bool:
    """Whether any of ``accounts`` has contacts that stay sealed in this run."""
    return any(isinstance(a.contacts, Sealed) for a in accounts)


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
    values: tuple[object, ...]  # the 14 cells after 序号
    problem: bool
    rectified: bool
    active: bool


def finding_label(finding: Finding) -> str:
    """A finding as 附件1's 问题排查情况 words it: the audit's own title (and stage)."""
    stage = finding.details.get("stage")
    return finding.title + (f"（{stage}阶段）" if stage else "")


def finding_remark(finding: Finding) -> str | None:
    """What 附件1's 备注 adds to a finding's title, in words a bureau signs (never a rule
    code): the zombie's stage and since when, the late filing's working days…; None when the
    title in 问题排查情况 says it all."""
    d = finding.details
    if finding.rule == "zombie":
        return f"僵尸号：{d['stage']}阶段（自 {d['since']} 起未更新）"
    if finding.rule == "late_filing":
        return (f"逾期备案：开通后 {d['working_days']} 个工作日才备案"
                f"（规定 {FILING_DEADLINE_WORKING_DAYS} 个工作日内）")
    if finding.rule == "duplicate_platform":
        return f"同一平台有 {d['count']} 个在用账号"
    if finding.rule == "annual_review_due":
        return f"年审到期：应于 {d['due']} 前年审"
    if finding.rule == "filed_after_cutoff":
        return f"截止日后补录：{d['filed']} 才备案"
    if finding.rule == "unreported":
        missing = d.get("missing")
        return f"未填报：{'、'.join(map(str, missing))}" if isinstance(missing, list) else None
    return None


def statistics_row(account: Account, unit: Unit, year: str, as_of: str,
                   findings: list[Finding]) -> StatisticsRow:
    # Contacts a key cannot open (or opens to something invalid) are the key holder's upkeep,
    # in the audit's own sheet: the row must not depend on the key the run was given. So is a
    # year missing from the holiday calendar.
    findings = [f for f in findings if not f.maintenance]
    inspection = account.inspection
    active = active_at(account, as_of)
    self_reported = inspection.result if inspection and inspection.result != "无问题" else None
    # A-UNRECTIFIED is the self-reported problem seen by the audit: said once, as 自查.
    # A remark-only finding (filed after the as-of day) explains the row in 备注 only.
    audited = [f for f in findings if f.code != "A-UNRECTIFIED" and not f.remark_only]
    parts = ([f"自查：{self_reported}"] if self_reported else []) + [finding_label(f) for f in audited]
    problem = bool(parts)
    rectified = problem and (not active or (not audited and bool(inspection and inspection.rectified)))
    result = "；".join(parts) if parts else ("无问题" if inspection else NO_SELF_INSPECTION)
    remark = [account.note] if account.note else []
    explained = [text for f in findings if (text := finding_remark(f))]
    if explained:
        remark.insert(0, "；".join(dict.fromkeys(explained)))
    if not active:
        remark.insert(0, f"已于 {account.deregistered_on} 注销：{account.deregister_reason}")
    elif account.suspended_on and account.suspended_on <= as_of:
        order = f"（{account.suspend_order}）" if account.suspend_order else ""
        remark.insert(0, f"自 {account.suspended_on} 起暂停使用：{account.suspend_reason}{order}")
    if account.personal_capacity:
        remark.insert(0, "以职务身份开设认证的个人账号")
    lead = person(account.contacts, "ops_lead")
    values = (
        account.name, unit.name, account.certified_subject or "未认证",
        FORM_TYPES[account.platform], result, yes_no(rectified) if problem else "-",
        yes_no(account.interactive), yes_no(account.content_review),
        yes_no(account.outsourced_to is not None), dict(account.posts).get(year),
        lead.name, lead.phone, lead.wechat or "", "；".join(remark),
    )
    return StatisticsRow(account, values, problem, rectified, active)


def statistics_rows(registry: Registry, top: str, as_of: str,
                    findings: dict[str, list[Finding]] | None = None) -> list[StatisticsRow]:
    """附件1's rows; ``findings`` (the audit as of ``as_of``, by file) are its problems."""
    found = findings or {}
    return [statistics_row(a, registry.units[a.unit], as_of[:4], as_of, found.get(a.file, []))
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
    kind: str  # 开设, 变更 or 注销 (开设（恢复） for a reopening)
    changed: tuple[str, ...] = ()  # for 变更: the reported items it changed, as titles
    columns: frozenset[int] = frozenset()  # 附件4 columns to mark as changed
    fields: frozenset[str] = frozenset()  # for 变更: the meaningful fields it changed (dotted)
    moved: bool = False  # for 变更: the filing moved to another unit


def id_or_address(account: Account) -> str:
    """账号 ID/网址 as the forms show it: the account's ID; a website's address (its ``url``),
    as a website has no ID but its domain."""
    if account.platform == "website" and account.url:
        return account.url
    return account.account_id


CHANGED = "（变更）"  # seed 002: 变更项需在相应栏内标记 (附件3 and 附件4)
UNIT_TITLE = "开设单位"  # a filing moved to another unit's folder


def field_title(path: str) -> str:
    """A changed field's Chinese title from the schema (``contacts.ops_lead.phone`` →
    运维负责人·联系电话): the last two titles along the path, never an internal name."""
    chain = field_schemas("account", tuple(path.split(".")))
    titles = [step["title"] for step in chain if "title" in step]
    if titles:
        return "·".join(titles[-2:])
    top = field_schemas("account", (path.split(".")[0],))  # a key the schema does not know
    return str(top[0].get("title", "其他项目")) if top else "其他项目"


SUSPENDED_TITLE, RESUMED_TITLE = "暂停使用", "恢复使用"


def _reported(event: HistoryEvent, fields: frozenset[str] | None,
              status_after: str | None = None) -> tuple[tuple[str, ...], frozenset[int]] | None:
    """(titles, 附件4 columns) of the meaningful items a change touched (``MEANINGFUL``);
    when the fields are unknown (a version could not be read), a 变更 without detail; None
    when the change touched nothing meaningful (it is not a 变更). A change of the status
    (``status_after``, the version it left) is said as 暂停使用 or 恢复使用, its date,
    reason and order with it."""
    if not is_change(event, fields):
        return None
    found = meaningful_fields(fields)
    if found is not None and "status" in found:
        said = SUSPENDED_TITLE if status_after == "suspended" else RESUMED_TITLE
        rest = _reported(event, frozenset(found - SUSPENSION))
        others, marked = rest if rest is not None else ((), frozenset())
        return (said, *others), marked
    if found is None:
        return (UNIT_TITLE,) if event.moved else (), frozenset({3} if event.moved else ())
    order = list(bundled_schema("account")["properties"])  # the form's order
    reported = sorted(found, key=lambda f: (order.index(f.split(".")[0])
                                            if f.split(".")[0] in order else len(order), f))
    columns = {column for f in reported for key, column in ANNEX4_COLUMN_OF.items()
               if f == key or f.startswith(key + ".")}
    titles = [field_title(f) for f in reported]
    if event.moved:
        titles.insert(0, UNIT_TITLE)
        columns.add(3)
    return tuple(dict.fromkeys(titles)), frozenset(columns)


def unit_of_path(path: str) -> str:
    """The unit folder (``school/dept``) of a registry-relative filing path."""
    return str(PurePosixPath(path).parent).removeprefix("filings").strip("/")


def _as_filed(registry: Registry, account: Account, event: HistoryEvent,
              version: dict[str, Any] | None) -> Account:
    """The account as the event left it: that version of the file, in the unit whose folder
    it was in then (where that unit still exists); as it is when that cannot be shown."""
    unit = _event_unit(registry, account, event)
    if version is None:
        return account if unit == account.unit else replace(account, unit=unit)
    try:
        return account_from(account.file, unit, version)
    except (KeyError, TypeError, ValueError):
        return account


def _event_unit(registry: Registry, account: Account, event: HistoryEvent) -> str:
    unit = unit_of_path(event.path) if event.path else account.unit
    return unit if unit in registry.units else account.unit


def _events(registry: Registry, top: str, since: str, until: str, history: History,
            as_filed: bool = False) -> list[FilingEvent]:
    """The filing events of the subtree from ``since`` to ``until`` (ISO days, inclusive),
    as the forms report them: changes of statistics alone are left out; a change lists the
    reported items it touched. In the order of the registry's accounts, then of time. With
    ``as_filed``, each event's account is the version that event left (from Git)."""
    # With ``as_filed`` an event counts for the unit the file was in then (a filing moved
    # away later is still the old unit's 开设), so every account's events are looked at.
    chosen = [(account, event) for account in registry.accounts
              if as_filed or registry.in_subtree(account, top)
              for event in account_history(account, history)
              if since <= event.date <= until
              and (not as_filed or within(_event_unit(registry, account, event), top))]
    fields = changed_fields(history, [e for _, e in chosen if e.type == "change"])
    found = versions(history, {e.version for _, e in chosen if e.version}) if as_filed else {}
    # The status a change of status left (暂停使用 or 恢复使用): those versions are read.
    turned = {e.blobs[1] for _, e in chosen if e.type == "change" and e.blobs
              and "status" in (fields.get(e.blobs) or ())}
    status_of = {sha: data.get("status") for sha, data in versions(history, turned).items()}
    events = []
    for account, event in chosen:
        shown = account
        if as_filed:
            shown = _as_filed(registry, account, event,
                              found.get(event.version) if event.version else None)
        if event.type != "change":
            events.append(FilingEvent(shown, event.date, event.label))
            continue
        known = fields.get(event.blobs) if event.blobs else None
        reported = _reported(event, known,
                             status_of.get(event.blobs[1]) if event.blobs else None)
        if reported is not None:
            events.append(FilingEvent(shown, event.date, event.label, *reported,
                                      meaningful_fields(known) or frozenset(), event.moved))
    return events


def filing_events(registry: Registry, top: str, as_of: str,
                  history: History = NO_HISTORY) -> list[FilingEvent]:
    """附件4: every filing event of the subtree in the as-of year, by date: from Git
    history where it is available, from the filing's own dates otherwise. Each row shows
    the account as that event left it (a 开设 in January shows the name filed then)."""
    events = _events(registry, top, as_of[:4] + "-01-01", as_of, history, as_filed=True)
    # A stable sort: one account's events of one day stay in the order of their commits.
    return sorted(events, key=lambda e: (e.date, e.account.unit, e.account.platform,
                                         e.account.account_id))


def latest_events(registry: Registry, top: str, as_of: str,
                  history: History = NO_HISTORY) -> dict[str, FilingEvent]:
    """附件3's 备案类型: each account's latest filing event up to the as-of day (by file)."""
    latest: dict[str, FilingEvent] = {}
    for event in _events(registry, top, "", as_of, history):
        if event.account.file not in latest or event.date >= latest[event.account.file].date:
            latest[event.account.file] = event
    return latest
