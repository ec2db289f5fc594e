"""The per-account forms a unit keeps itself: 附件3 新媒体（网站）备案登记表 (seed 002)
and 新媒体账号备案表（年审） (seed 001), one printable A4 sheet per account per form,
with the signature and stamp boxes left blank for ink.

* 附件3's 备案类型 is the account's latest filing event up to the as-of day, from Git history
  (``rows.latest_events``): 开设, 变更 (with the items it changed, each also marked
  “（变更）” in its own cell, as seed 002 asks) or 注销. 账号 ID/网址 is the ID; a website
  shows its address (``rows.id_or_address``).
* The 年审 form keeps seed 001's title, with the unit's supervising unit (the body the form is
  filed with, as the seed's 郑州西亚斯学院 for its departments) in place of the seed's
  name, and its three opinion rows as the seed names them.
* Rows grow with their content (``sheetxml.row_height``), so nothing is clipped in print; the
  目录 sheet has the forms' fonts and borders."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from ..labels import PLATFORMS, yes_no
from ..model import Account, Person, Unit
from .rows import (
    CHANGED,
    UNIT_TITLE,
    FilingEvent,
    first_responsible,
    id_or_address,
    person,
    reviewer,
    staff,
)
from .sheetxml import BOX, TITLE, row_height, save

# The printed forms use 11-point text (the wide bureau tables use 10); borders are shared.
BODY = Font(name="宋体", size=11)
HEAD = Font(name="黑体", size=11)
MARKED = Font(name="宋体", size=11, bold=True)  # a cell a 变更 changed
WRAP = Alignment(horizontal="center", vertical="center", wrap_text=True)
TOP_LEFT = Alignment(horizontal="left", vertical="top", wrap_text=True)
WIDTHS = (18, 26, 18, 26)
# row_height reckons in 10-point text; these forms print 11-point: the columns hold less.
FITS = tuple(width * 10 / 11 for width in WIDTHS)
LINE = 15.0  # one line of 11-point 宋体, with leading
ROW = 30.0  # the forms' least row height (room to write by hand)
WECHAT_BOXES = (("subscription", "订阅号"), ("service", "服务号"), ("enterprise", "企业号"))


def _put(ws: Worksheet, ref: str, value: object, font: Font = BODY,
         align: Alignment = WRAP, merge: str | None = None) -> None:
    target = ws[ref]
    target.value = value
    if isinstance(value, str):
        target.data_type = "s"  # a filer's text never becomes a formula
    target.font, target.alignment = font, align
    if merge:
        ws.merge_cells(f"{ref}:{merge}")


def _grid(ws: Worksheet, first: int, last: int) -> None:
    for row in ws.iter_rows(min_row=first, max_row=last, max_col=4):
        for item in row:
            item.border = BOX


def _pairs(ws: Worksheet, first: int, rows: Sequence[tuple[str, str, str, str]]) -> None:
    """Rows of 栏目 | 内容 | 栏目 | 内容, the shape of both forms' upper half."""
    for row, (k1, v1, k2, v2) in enumerate(rows, start=first):
        _put(ws, f"A{row}", k1, HEAD)
        _put(ws, f"B{row}", v1)
        _put(ws, f"C{row}", k2, HEAD)
        _put(ws, f"D{row}", v2)


def _page(ws: Worksheet, label: str, title: str) -> None:
    for index, width in enumerate(WIDTHS):
        ws.column_dimensions["ABCD"[index]].width = width
    ws.page_setup.paperSize = "9"
    ws.page_setup.orientation = "portrait"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.horizontalCentered = True
    _put(ws, "A1", label, HEAD, Alignment(horizontal="left"))
    _put(ws, "A2", title, TITLE, WRAP, "D2")
    ws.row_dimensions[2].height = 36


def _grow(ws: Worksheet, first: int, last: int) -> None:
    """Each row from ``first`` to ``last`` high enough for its text (at least ``ROW``)."""
    for row in range(first, last + 1):
        values = [ws.cell(row, column).value for column in range(1, 5)]
        ws.row_dimensions[row].height = max(ROW, row_height(values, FITS, LINE))


# The 附件3 cell that shows each reported field (a dotted path's first part, or the whole
# path for the people), marked “（变更）” when a 变更 changed it.
ANNEX3_CELL_OF = {"name": "B4", "account_id": "D4", "url": "D4", "certified_subject": "D5",
                  "verified": "D5", "platform": "B6", "wechat_kind": "B6", "opened_on": "D6",
                  "department": "B8",
                  # the people: 姓名 B, 职务 C, 电话 D (a WeChat ID is not on the form: the name)
                  **{f"contacts.{role}.{key}": f"{column}{row}"
                     for role, row in (("supervisor", 10), ("ops_lead", 11),
                                       ("chief_editor", 12), ("editor", 13))
                     for key, column in (("name", "B"), ("title", "C"), ("phone", "D"),
                                         ("wechat", "B"))}}
STAFF_ROWS = 5
STAFF_FIRST = 14  # 工作人员 1 (after 主管领导, 运维负责人 and the 三级审核's 责编 and 编辑)
OPINION_ROW = STAFF_FIRST + STAFF_ROWS


def _marked(event: FilingEvent | None) -> set[str]:
    """The 附件3 cells a 变更 changed (its fields, and 开设部门 when the filing moved)."""
    if event is None:
        return set()
    cells = {ref for path in event.fields for key, ref in ANNEX3_CELL_OF.items()
             if path == key or path.startswith(key + ".")}
    if any(path.startswith("contacts.staff") for path in event.fields):
        cells.add("staff")  # the staff list changed: every filled place is marked
    if event.moved or UNIT_TITLE in event.changed:
        cells.add("B5")
    return cells


def filing_kind(event: FilingEvent | None, account: Account) -> str:
    """备案类型: the latest event's kind, a 变更 with the items it changed."""
    if event is None:
        return "注销" if account.deregistered_on else "开设"
    return f"{event.kind}：{'、'.join(event.changed)}" if event.changed else event.kind


def annex3_sheet(ws: Worksheet, unit: Unit, account: Account,
                 event: FilingEvent | None = None) -> None:
    """附件3 新媒体（网站）备案登记表; ``event`` is the account's latest filing event."""
    _page(ws, "附件3", "新媒体（网站）备案登记表")
    _put(ws, "A3", f"填报部门（盖章）：{unit.name}", BODY, TOP_LEFT, "B3")
    _put(ws, "C3", "填表时间：　　　年　　月　　日", BODY, TOP_LEFT, "D3")
    platform = PLATFORMS[account.platform]
    if account.website and account.website.icp:
        platform += f"／{account.website.icp}"
    rows = (("账号/网站/APP 名称", account.name, "账号 ID/网址", id_or_address(account)),
            ("开设部门", unit.name, "认证主体", account.certified_subject or "未认证"),
            ("开通平台/网站 ICP", platform, "开通时间", account.opened_on),
            ("粉丝量（关注数）", "" if account.followers is None else str(account.followers),
             "发布频次", account.posting_frequency or ""),
            ("责任部门", account.department or "", "备案类型", filing_kind(event, account)))
    _pairs(ws, 4, rows)
    for col, text in zip("ABCD", ("相关人员", "姓　名", "职　务", "电　话"), strict=True):
        _put(ws, f"{col}9", text, HEAD)
    contacts = account.contacts
    # Seed 000's 三级审核 (编辑, 责编, 主管领导) is printed with the seed's own people.
    people: list[tuple[str, Person | None]] = [("主管领导", person(contacts, "supervisor")),
                                               ("运维负责人", person(contacts, "ops_lead")),
                                               ("责编（三级审核）", reviewer(contacts, "chief_editor")),
                                               ("编辑（三级审核）", reviewer(contacts, "editor"))]
    people += [(f"工作人员 {i + 1}", who) for i, who in enumerate(staff(contacts, STAFF_ROWS))]
    for offset, (role, who) in enumerate(people):
        row = 10 + offset
        _put(ws, f"A{row}", role, HEAD)
        _put(ws, f"B{row}", who.name if who else "")
        _put(ws, f"C{row}", (who.title or "") if who else "")
        _put(ws, f"D{row}", who.phone if who else "")
    marked = _marked(event)
    if "staff" in marked:
        marked.remove("staff")
        filled = [f"B{STAFF_FIRST + i}" for i in range(STAFF_ROWS)
                  if ws[f"B{STAFF_FIRST + i}"].value]
        marked.update(filled or [f"B{STAFF_FIRST}"])
    for ref in sorted(marked):
        ws[ref].value = f"{ws[ref].value or ''}{CHANGED}"
        ws[ref].font = MARKED
    last = OPINION_ROW
    _put(ws, f"A{last}", "主管部门意见：\n\n\n\n\n　　　　　　　　　　　　　　　　　　主管单位（盖章）\n"
         "　　　　　　　　　　　　　　　　　　　　年　　月　　日", BODY, TOP_LEFT, f"D{last}")
    ws.row_dimensions[last].height = 130
    _grid(ws, 4, last)
    _grow(ws, 4, last - 1)
    _put(ws, f"A{last + 1}", "注：备案类型包括开设、变更、注销，变更项需在相应栏内标记；不涉及的栏目可空白。"
         "填报部门、主管部门留存。", BODY, TOP_LEFT, f"D{last + 1}")
    ws.row_dimensions[last + 1].height = 32


# Seed 001's opinion rows, as it names them, each with its signature line (the second has no
# stamp in the seed).
OPINIONS = (
    ("单位意见", "单位负责人签字：　　　　　　　　（加盖单位公章）"),
    ("学校新闻中心\n办公室意见", "单位负责人签字："),
    ("党委宣传部意见", "单位负责人签字：　　　　　　　　（加盖单位公章）"),
)


def review_title(institution: str) -> str:
    """Seed 001's title, 郑州西亚斯学院新媒体账号备案表（年审）, for ``institution``."""
    return f"{institution}新媒体账号备案表（年审）"


def review_sheet(ws: Worksheet, unit: Unit, account: Account, institution: str) -> None:
    """Seed 001's 新媒体账号备案表（年审）, filed with ``institution`` (the supervising unit)."""
    _page(ws, "", review_title(institution))
    kinds = "　".join(("☑" if account.wechat_kind == code else "☐") + label
                     for code, label in WECHAT_BOXES)
    rows = (("创建单位", unit.name, "媒体平台", PLATFORMS[account.platform]),
            ("账号名称", account.name, "是否认证", yes_no(account.verified)),
            ("内容范围", account.content_scope or "", "创建时间", account.opened_on),
            ("账号 ID", id_or_address(account), "账号类型", kinds if account.wechat_kind else "—"))
    _pairs(ws, 3, rows)
    lead = person(account.contacts, "ops_lead")
    team = [("责编", reviewer(account.contacts, "chief_editor")),
            ("编辑", reviewer(account.contacts, "editor")),
            *(("管理员", who) for who in staff(account.contacts, 3))]
    _put(ws, "A7", "管理队伍", HEAD, WRAP, f"A{7 + len(team)}")
    _put(ws, "B7", f"负责人：{lead.name}")
    _put(ws, "C7", "联络手机", HEAD)
    _put(ws, "D7", lead.phone)
    for i, (role, who) in enumerate(team):
        row = 8 + i
        _put(ws, f"B{row}", role, HEAD)
        _put(ws, f"C{row}", who.name if who else "", BODY, WRAP, f"D{row}")
    first = 8 + len(team)
    # 第一责任人 (seed 001 第八条: the unit's head answers for all it publishes) signs 单位意见.
    head = first_responsible(unit)
    for offset, (opinion, signature) in enumerate(OPINIONS):
        row = first + offset
        said = "\n"
        if offset == 0 and head is not None:
            title = f"（{head.title}）" if head.title and head.title != head.name else ""
            said = f"第一责任人：{head.name}{title}\n"
        _put(ws, f"A{row}", opinion, HEAD)
        _put(ws, f"B{row}", f"{said}\n{signature}\n　　　　　　　　　　　　　　　　　年　　月　　日",
             BODY, TOP_LEFT, f"D{row}")
        ws.row_dimensions[row].height = 90
    end = first + len(OPINIONS)
    _grid(ws, 3, end - 1)
    _grow(ws, 3, first - 1)
    _put(ws, f"A{end}", "注：1. 此纸质备案表报主管部门备案，本单位留存一份。\n"
         "2. 账号名、管理队伍人员或维护方式发生变更，应以书面形式报主管部门备案。",
         BODY, TOP_LEFT, f"D{end}")
    ws.row_dimensions[end].height = 40


INDEX_HEADERS = ("序号", "账号名称", "平台", "账号 ID/网址", "备案类型", "附件3", "年审")
INDEX_WIDTHS = (6, 26, 14, 30, 16, 12, 12)


def _index(ws: Worksheet, unit: Unit, rows: Sequence[Sequence[object]]) -> None:
    """The 目录 sheet: a title and a bordered table in the forms' fonts, rows that grow."""
    for letter, width in zip("ABCDEFG", INDEX_WIDTHS, strict=True):
        ws.column_dimensions[letter].width = width
    _put(ws, "A1", f"{unit.name}新媒体（网站）备案登记表目录", TITLE, WRAP, "G1")
    ws.row_dimensions[1].height = 36
    for column, text in enumerate(INDEX_HEADERS, start=1):
        _put(ws, f"{'ABCDEFG'[column - 1]}2", text, HEAD)
    fits = tuple(width * 10 / 11 for width in INDEX_WIDTHS)
    for number, values in enumerate(rows, start=3):
        for column, value in enumerate(values, start=1):
            _put(ws, f"{'ABCDEFG'[column - 1]}{number}", value)
        ws.row_dimensions[number].height = max(20.0, row_height(values, fits, LINE))
    for row in ws.iter_rows(min_row=2, max_row=len(rows) + 2, max_col=len(INDEX_HEADERS)):
        for item in row:
            item.border = BOX
    ws.row_dimensions[2].height = 24
    ws.page_setup.paperSize = "9"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.horizontalCentered = True
    ws.print_title_rows = "2:2"
    ws.freeze_panes = "A3"


def write_forms(path: Path, unit: Unit, accounts: Sequence[Account], as_of: str,
                events: Mapping[str, FilingEvent] | None = None,
                institution: str | None = None) -> None:
    """The unit's own workbook: a 目录 sheet, then 附件3 and 年审 for each account.
    ``events``: each account's latest filing event (by file); ``institution``: the name
    in the 年审 form's title (the unit the form is filed with; the unit's own without one)."""
    wb = Workbook()
    index = wb.active
    index.title = "目录"
    listed = []
    for number, account in enumerate(accounts, start=1):
        event = (events or {}).get(account.file)
        annex3_sheet(wb.create_sheet(f"附件3-{number:03d}"), unit, account, event)
        review_sheet(wb.create_sheet(f"年审-{number:03d}"), unit, account,
                     institution or unit.name)
        listed.append((number, account.name, PLATFORMS[account.platform], id_or_address(account),
                       filing_kind(event, account), f"附件3-{number:03d}", f"年审-{number:03d}"))
    _index(index, unit, listed)
    save(wb, path, as_of)
