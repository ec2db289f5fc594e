"""The documents a supervising unit sends (``site-gen notices``; docs/casework.md), made from
the audit and the recorded actions (``_actions.yaml``) of a day:

* for each zombie step that is due and not recorded, one document per sender, receiving unit
  and step: the 整改通知书 (the unit is told to post again within a calendar month), the 通报
  draft (citing the recorded 整改通知) and the 关停通知 (citing the recorded 整改通知 and 通报).
  The 整改通知书 comes from the unit above the account's (the root unit for its own accounts,
  addressed to their departments); each later step from the unit that recorded the step
  before it;
* for each open counterfeit case, a complaint to the platform and a report to 网信 (12377),
  with the case's evidence and the reports made so far (seed 002: 举证并提出关停申请).

Documents carry no personal data (no contacts): the issuer fills in its own contact line, its
文号 and seal. Each says it was generated and what to record once it is sent."""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from .audit import Finding, actions_by_file
from .documents import OfficialDocument, Table, chinese_date, write_document
from .labels import PLATFORMS, REPORT_TARGETS
from .model import Account, Action, Counterfeit, Registry, Unit, within
from .rules.policy import add_months, zombie_step
from .spreadsheets.rows import id_or_address

# The ladder's rule as the documents cite it (seed 001, 第五条（四）).
LADDER = ("超过 2 个月不更新的，发出整改通知；收到整改通知 1 个月后仍未更新的，予以公开通报；"
          "公开通报后 1 个月仍未更新的，予以关停")
STAGE_FILE = {"整改通知": "整改通知书", "公开通报": "通报（草稿）", "关停": "关停通知"}


@dataclass(frozen=True)
class Paper:
    """One document to write: the unit that sends it (a path), its file name, its content."""

    issuer: str
    name: str
    document: OfficialDocument


def issuer_of(registry: Registry, unit_path: str) -> Unit:
    """The unit that supervises ``unit_path``: the unit above it (the root unit: itself)."""
    unit = registry.units[unit_path]
    return registry.units[unit.parent] if unit.parent is not None else unit


def _recipient(issuer: Unit, to: Unit, accounts: Iterable[Account]) -> str:
    """主送: the receiving unit; for the issuer's own accounts (the root unit's), the
    departments that run them."""
    if issuer.path != to.path:
        return to.name
    return "、".join(sorted({a.department for a in accounts if a.department})) or "本单位各有关部门"


def _footer(as_of: str, record: str) -> str:
    """The note to the officer, the document's last paragraph: to be deleted before sending."""
    return (f"【发出前删去本段】本文件由新媒体账号登记库根据 {as_of} 的审计结果和处置记录生成：请核对内容，"
            f"编写文号、填写联系人后用印发出；发出后在本单位的 _actions.yaml 中记录（{record}），"
            "审计从记录的日期计算下一阶段。")


def _names(issuer: Unit, to: Unit) -> str:
    """A document's file name part: who sends it to whom (two districts may each have a
    “实验小学”); a unit's notice about its own accounts, by its name alone."""
    return issuer.short_name if issuer.path == to.path else f"{issuer.short_name}致{to.short_name}"


def _to(unit: Unit) -> str:
    """How ``to`` is written in ``_actions.yaml`` (the root unit: an empty string)."""
    return unit.path or '""'


def _notice(issuer: Unit, to: Unit, rows: list[tuple[Account, Finding]], as_of: date) -> Paper:
    due = chinese_date(add_months(as_of, 1).isoformat())
    table = Table(("序号", "账号名称", "平台", "账号 ID/网址", "最近发布", "未更新天数"),
                  tuple((str(n), a.name, PLATFORMS[a.platform], id_or_address(a),
                         str(f.details["since"]), str(f.details["days"]))
                        for n, (a, f) in enumerate(rows, start=1)), (1, 4, 2, 5, 3, 2))
    body: tuple[str | Table, ...] = (
        f"经核查，截至 {chinese_date(as_of.isoformat())}，你单位开设的以下新媒体账号自最近一次发布起已超过 "
        "2 个月未更新：",
        table,
        f"按照新媒体账号管理的有关规定（{LADDER}），现通知如下：",
        f"一、请于{due}前恢复上述账号的更新，并在新媒体账号登记库的备案中更新最近发布日期。",
        "二、确已不再使用的账号，请停用后申请注销（在备案中改为注销，写明注销日期和原因），备案记录保留。",
        f"三、逾期仍未更新的，将予以公开通报。请于{due}前将整改情况报{issuer.name}。",
    )
    return Paper(issuer.path, f"{as_of:%Y%m%d}{_names(issuer, to)}{STAGE_FILE['整改通知']}.docx",
                 OfficialDocument(
                     title=f"关于{to.name}新媒体账号长期未更新的整改通知",
                     recipient=_recipient(issuer, to, (a for a, _ in rows)),
                     body=body, issuer=issuer.name, dated=as_of.isoformat(),
                     footer_note=_footer(as_of.isoformat(), "kind: rectification_notice，"
                                         f"to: {_to(to)}，写明文号、日期和整改期限")))


def _cited(action: Action | None) -> str:
    """An action as a document cites it: 2026年10月15日（示西教函〔2026〕31号）."""
    if action is None:
        return "未记录"
    shown = chinese_date(action.issued_on)
    return f"{shown}（{action.number}）" if action.number else shown


def _public(registry: Registry, issuer: Unit, to: Unit,
            rows: list[tuple[Account, Finding, Action | None]], as_of: date) -> Paper:
    due = chinese_date(add_months(as_of, 1).isoformat())
    table = Table(("序号", "账号名称", "平台", "账号 ID/网址", "最近发布", "未更新天数", "整改通知"),
                  tuple((str(n), a.name, PLATFORMS[a.platform], id_or_address(a),
                         str(f.details["since"]), str(f.details["days"]), _cited(notice))
                        for n, (a, f, notice) in enumerate(rows, start=1)),
                  (1, 4, 2, 5, 3, 2, 4))
    # Each recorded 整改通知 as it was sent: by whom, when, to whom.
    sent = "；".join(dict.fromkeys(
        f"{registry.units[n.unit].name}于{_cited(n)}向{registry.units[n.to].name}发出整改通知"
        for _, _, n in rows if n is not None))
    body: tuple[str | Table, ...] = (
        f"{sent}，要求在收到通知后 1 个月内恢复更新。"
        f"截至{chinese_date(as_of.isoformat())}，以下账号仍未更新：",
        table,
        f"按照新媒体账号管理的有关规定（{LADDER}），现对{to.name}予以通报。"
        f"请{to.name}于{due}前完成整改，逾期将予以关停。",
        "各单位要引以为戒，按照“谁开办、谁负责”和“先审后发”的要求，定期更新本单位开设的新媒体（网站），"
        "不再使用的及时注销。",
    )
    return Paper(issuer.path, f"{as_of:%Y%m%d}{_names(issuer, to)}{STAGE_FILE['公开通报']}.docx",
                 OfficialDocument(
                     title=f"关于{to.name}新媒体账号长期未更新的通报", recipient="各有关单位",
                     body=body, issuer=issuer.name, dated=as_of.isoformat(), draft=True,
                     footer_note=_footer(as_of.isoformat(), "kind: public_notice，"
                                         f"to: {_to(to)}，写明日期和发布位置")))


def _shutdown(issuer: Unit, to: Unit, rows: list[tuple[Account, Finding, Action | None, Action | None]],
              as_of: date) -> Paper:
    table = Table(("序号", "账号名称", "平台", "账号 ID/网址", "最近发布", "整改通知", "公开通报"),
                  tuple((str(n), a.name, PLATFORMS[a.platform], id_or_address(a),
                         str(f.details["since"]), _cited(notice), _cited(public))
                        for n, (a, f, notice, public) in enumerate(rows, start=1)),
                  (1, 4, 2, 5, 3, 4, 4))
    body: tuple[str | Table, ...] = (
        "你单位开设的以下新媒体账号经整改通知和公开通报后仍未更新：",
        table,
        f"按照新媒体账号管理的有关规定（{LADDER}），决定关停上述账号。",
        "请你单位自收到本通知之日起 5 个工作日内关停上述账号，并在新媒体账号登记库的备案中改为注销"
        "（写明注销日期和原因）或暂停使用（写明暂停日期、原因和本通知文号）；备案记录保留。"
        f"逾期未关停的，由{issuer.name}会同技术部门关停。",
    )
    return Paper(issuer.path, f"{as_of:%Y%m%d}{_names(issuer, to)}{STAGE_FILE['关停']}.docx",
                 OfficialDocument(
                     title=f"关于关停{to.name}新媒体账号的通知",
                     recipient=_recipient(issuer, to, (a for a, *_ in rows)), body=body,
                     issuer=issuer.name, dated=as_of.isoformat(),
                     footer_note=_footer(as_of.isoformat(), "kind: shutdown_order 或 "
                                         f"suspension_order，to: {_to(to)}，写明文号和日期")))


def zombie_papers(registry: Registry, findings: Iterable[Finding], as_of: date) -> list[Paper]:
    """The 整改通知书, 通报 and 关停通知 due on ``as_of`` and not recorded: one per issuing unit,
    receiving unit and step, each listing that unit's accounts at the step. The 整改通知 comes
    from the unit above the account's; each later step from the unit that recorded the step
    before it (a city's notice is followed by the city's 通报)."""
    accounts = {a.file: a for a in registry.accounts}
    acted = actions_by_file(registry)
    groups: dict[tuple[str, str, str], list[tuple[Account, Finding, Action | None,
                                                  Action | None]]] = defaultdict(list)
    for finding in findings:
        if finding.rule != "zombie" or finding.details.get("recorded") is not None:
            continue
        account, stage = accounts[finding.file], str(finding.details["stage"])
        since = str(finding.details["since"])
        step = zombie_step(date.fromisoformat(since), as_of, acted.get(account.file, ()))
        previous = step.previous if step else None
        notice = previous
        if stage == "关停" and previous is not None:  # cite the 整改通知 before the 通报
            earlier = [a for a in acted.get(account.file, ()) if a.kind == "rectification_notice"
                       and since < a.issued_on <= previous.issued_on]
            notice = min(earlier, key=lambda a: (a.issued_on, a.file, a.index)) if earlier else None
        sender = previous.unit if previous is not None else issuer_of(registry, account.unit).path
        groups[sender, account.unit, stage].append((account, finding, notice, previous))
    papers = []
    for (sender, unit_path, stage), rows in sorted(groups.items()):
        issuer, to = registry.units[sender], registry.units[unit_path]
        if stage == "整改通知":
            papers.append(_notice(issuer, to, [(a, f) for a, f, *_ in rows], as_of))
        elif stage == "公开通报":
            papers.append(_public(registry, issuer, to, [(a, f, n) for a, f, n, _ in rows], as_of))
        else:
            papers.append(_shutdown(issuer, to, rows, as_of))
    return papers


def _evidence(fake: Counterfeit) -> Table | None:
    links = list(dict.fromkeys([*([fake.url] if fake.url else []), *fake.evidence_links]))
    items = [("链接", link) for link in links]
    items += [("情况说明", fake.description)] if fake.description else []
    items += [("存档文件", path) for path in fake.evidence_files]
    if not items:
        return None
    return Table(("序号", "证据", "内容"),
                 tuple((str(n), kind, text) for n, (kind, text) in enumerate(items, start=1)),
                 (1, 2, 8))


def _reports(fake: Counterfeit) -> Table | None:
    if not fake.reports:
        return None
    return Table(("举报对象", "日期", "渠道", "受理编号"),
                 tuple((REPORT_TARGETS[r.to], r.on, r.channel or "", r.reference or "")
                       for r in sorted(fake.reports, key=lambda r: r.on)), (3, 2, 4, 3))


def _fake_line(fake: Counterfeit) -> str:
    """The counterfeit named in the text by its ID; its link goes in the evidence table (a long
    address breaks a justified line), or here when it has no ID."""
    return f"账号 ID：{fake.account_id}" if fake.account_id else "链接见证据第 1 项"


def counterfeit_papers(registry: Registry, as_of: date, top: str = "") -> list[Paper]:
    """For each open counterfeit case of ``top``'s subtree: the complaint to the platform and
    the report to 网信, each with the evidence and the reports made so far."""
    papers = []
    for fake in registry.counterfeits:
        if not fake.open or not within(fake.unit, top) or fake.reported_on > as_of.isoformat():
            continue
        unit = registry.units[fake.unit]
        platform = PLATFORMS[fake.platform]
        what = f"{platform}账号“{fake.name}”（{_fake_line(fake)}）"
        facts: list[str | Table] = [
            f"{unit.name}发现，{what}冒用{unit.name}的名义发布信息"
            + (f"：{fake.description}" if fake.description else "。"),
            f"该账号不是{unit.name}开设的账号。{unit.name}开设的新媒体账号均已在主管部门的新媒体账号"
            "登记库备案，可在登记库门户公开核验。",
        ]
        # The case as it stood on the day: reports made after it are not cited.
        fake = replace(fake, reports=tuple(r for r in fake.reports if r.on <= as_of.isoformat()))
        evidence, reports = _evidence(fake), _reports(fake)
        if evidence:
            facts += ["证据如下：", evidence]
        if reports:
            facts += [f"{unit.name}已于 {chinese_date(fake.first_reported)}起举报，至今未处置。举报记录如下：", reports]
        stem = f"{as_of:%Y%m%d}{unit.short_name}假冒账号{fake.index + 1}"
        note = (f"【发出前删去本段】本文件由新媒体账号登记库根据 {as_of.isoformat()} 的假冒账号记录生成："
                "请核对内容、填写联系人后用印发出；发出后在 _counterfeits.yaml 该项的 reports 中添加一条"
                "举报记录（对象、日期、渠道和受理编号），处置后更新 status 和 closed_on。")
        papers.append(Paper(unit.path, f"{stem}致{platform}平台投诉函.docx", OfficialDocument(
            title=f"关于{platform}账号“{fake.name}”冒用{unit.name}名义的投诉函",
            recipient=f"{platform}平台运营方", issuer=unit.name, dated=as_of.isoformat(),
            body=(*facts, "根据《互联网用户账号信息管理规定》等规定，请贵平台核实后依法关停该账号，"
                  f"并将处理结果告知{unit.name}。", f"联系人及电话：（由{unit.name}填写）"),
            footer_note=note)))
        papers.append(Paper(unit.path, f"{stem}致网信部门举报材料.docx", OfficialDocument(
            title=f"关于假冒{unit.name}的网络账号的举报材料",
            recipient="网信部门（违法和不良信息举报中心 12377）", issuer=unit.name,
            dated=as_of.isoformat(),
            body=(*facts, "现举证并提出关停申请，请依法研判处置。",
                  f"联系人及电话：（由{unit.name}填写）"),
            footer_note=note)))
    return papers


def papers_for(registry: Registry, findings: Sequence[Finding], as_of: date,
               top: str = "") -> list[Paper]:
    """Every document due on ``as_of`` whose issuer lies in ``top``'s subtree."""
    found = [*zombie_papers(registry, findings, as_of), *counterfeit_papers(registry, as_of, top)]
    return [p for p in found if within(p.issuer, top)]


# Below this many documents, starting worker processes costs more than it saves (a document
# takes about 0.1 s to write; a province's notices run to thousands).
PARALLEL_FROM = 32


def _write(job: tuple[OfficialDocument, Path]) -> Path:
    write_document(*job)
    return job[1]


def write_papers(placed: Sequence[tuple[Paper, Path]]) -> list[Path]:
    """Each paper into its folder (``(paper, folder)`` pairs), in worker processes when there
    are many; returns the paths written, in the order given."""
    jobs = [(paper.document, folder / paper.name) for paper, folder in placed]
    for _, path in jobs:
        path.parent.mkdir(parents=True, exist_ok=True)
    if len(jobs) < PARALLEL_FROM or (os.cpu_count() or 1) < 2:
        return [_write(job) for job in jobs]
    with ProcessPoolExecutor() as pool:
        return list(pool.map(_write, jobs, chunksize=8))
