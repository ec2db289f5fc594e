"""The per-account forms a unit keeps itself: 附件3 新媒体（网站）备案登记表 (seed 002)
and 新媒体账号备案表（年审） (seed 001), one printable A4 sheet per account per form,
with the signature and stamp boxes left blank for ink."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from ..labels import PLATFORMS, yes_no
from ..model import Account, Person, Unit
from .rows import person, staff
from .sheetxml import BOX, TITLE, save

# The printed forms use 11-point text (the wide bureau tables use 10); borders are shared.
BODY = Font(name="宋体", size=11)
HEAD = Font(name="黑体", size=11)
WRAP = Alignment(horizontal="center", vertical="center", wrap_text=True)
TOP_LEFT = Alignment(horizontal="left", vertical="top", wrap_text=True)
WIDTHS = (18, 26, 18, 26)
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


def filing_kind(account: Account) -> str:
    return "注销" if account.deregistered_on else "开设"


def annex3_sheet(ws: Worksheet, unit: Unit, account: Account) -> None:
    """附件3 新媒体（网站）备案登记表."""
    _page(ws, "附件3", "新媒体（网站）备案登记表")
    _put(ws, "A3", f"填报部门（盖章）：{unit.name}", BODY, TOP_LEFT, "B3")
    _put(ws, "C3", "填表时间：　　　年　　月　　日", BODY, TOP_LEFT, "D3")
    platform = PLATFORMS[account.platform]
    if account.website and account.website.icp:
        platform += f"／{account.website.icp}"
    rows = (("账号/网站/APP 名称", account.name, "账号 ID/网址", account.url or account.account_id),
            ("开设部门", unit.name, "认证主体", account.certified_subject or "未认证"),
            ("开通平台/网站 ICP", platform, "开通时间", account.opened_on),
            ("粉丝量（关注数）", "" if account.followers is None else str(account.followers),
             "发布频次", account.posting_frequency or ""),
            ("责任部门", account.department or "", "备案类型", filing_kind(account)))
    _pairs(ws, 4, rows)
    for col, text in zip("ABCD", ("相关人员", "姓　名", "职　务", "电　话"), strict=True):
        _put(ws, f"{col}9", text, HEAD)
    contacts = account.contacts
    people: list[tuple[str, Person | None]] = [("主管领导", person(contacts, "supervisor")),
                                               ("运维负责人", person(contacts, "ops_lead"))]
    people += [(f"工作人员 {i + 1}", who) for i, who in enumerate(staff(contacts, 5))]
    for offset, (role, who) in enumerate(people):
        row = 10 + offset
        _put(ws, f"A{row}", role, HEAD)
        _put(ws, f"B{row}", who.name if who else "")
        _put(ws, f"C{row}", (who.title or "") if who else "")
        _put(ws, f"D{row}", who.phone if who else "")
    _put(ws, "A17", "主管部门意见：\n\n\n\n\n　　　　　　　　　　　　　　　　　　主管单位（盖章）\n"
         "　　　　　　　　　　　　　　　　　　　　年　　月　　日", BODY, TOP_LEFT, "D17")
    ws.row_dimensions[17].height = 130
    _grid(ws, 4, 17)
    for row in range(4, 17):
        ws.row_dimensions[row].height = 30
    _put(ws, "A18", "注：备案类型包括开设、变更、注销，变更项需在相应栏内标记；不涉及的栏目可空白。"
         "填报部门、主管部门留存。", BODY, TOP_LEFT, "D18")
    ws.row_dimensions[18].height = 32


def review_sheet(ws: Worksheet, unit: Unit, account: Account) -> None:
    """Seed 001's 新媒体账号备案表（年审）."""
    _page(ws, "", "新媒体账号备案表（年审）")
    kinds = "　".join(("☑" if account.wechat_kind == code else "☐") + label
                     for code, label in WECHAT_BOXES)
    rows = (("创建单位", unit.name, "媒体平台", PLATFORMS[account.platform]),
            ("账号名称", account.name, "是否认证", yes_no(account.verified)),
            ("内容范围", account.content_scope or "", "创建时间", account.opened_on),
            ("账号 ID", account.account_id, "账号类型", kinds if account.wechat_kind else "—"))
    _pairs(ws, 3, rows)
    lead = person(account.contacts, "ops_lead")
    _put(ws, "A7", "管理队伍", HEAD, WRAP, "A10")
    _put(ws, "B7", f"负责人：{lead.name}")
    _put(ws, "C7", "联络手机", HEAD)
    _put(ws, "D7", lead.phone)
    for i, who in enumerate(staff(account.contacts, 3)):
        row = 8 + i
        _put(ws, f"B{row}", "管理员", HEAD)
        _put(ws, f"C{row}", who.name if who else "", BODY, WRAP, f"D{row}")
    for offset, opinion in enumerate(("单位意见", "上级主管部门意见", "宣传部门意见")):
        row = 11 + offset
        _put(ws, f"A{row}", opinion, HEAD)
        _put(ws, f"B{row}", "\n\n单位负责人签字：　　　　　　　　（加盖单位公章）\n"
             "　　　　　　　　　　　　　　　　　年　　月　　日", BODY, TOP_LEFT, f"D{row}")
        ws.row_dimensions[row].height = 90
    _grid(ws, 3, 13)
    for row in range(3, 11):
        ws.row_dimensions[row].height = 30
    _put(ws, "A14", "注：1. 此纸质备案表报主管部门备案，本单位留存一份。\n"
         "2. 账号名、管理队伍人员或维护方式发生变更，应以书面形式报主管部门备案。",
         BODY, TOP_LEFT, "D14")
    ws.row_dimensions[14].height = 40


def write_forms(path: Path, unit: Unit, accounts: Sequence[Account], as_of: str) -> None:
    """The unit's own workbook: a 目录 sheet, then 附件3 and 年审 for each account."""
    wb = Workbook()
    index = wb.active
    index.title = "目录"
    index.append(["序号", "账号名称", "平台", "账号 ID", "附件3", "年审"])
    for number, account in enumerate(accounts, start=1):
        annex3_sheet(wb.create_sheet(f"附件3-{number:03d}"), unit, account)
        review_sheet(wb.create_sheet(f"年审-{number:03d}"), unit, account)
        index.append([number, account.name, PLATFORMS[account.platform], account.account_id,
                      f"附件3-{number:03d}", f"年审-{number:03d}"])
    for row in index.iter_rows(min_row=2):
        for item in row:
            if isinstance(item.value, str):
                item.data_type = "s"
    for col, width in zip("ABCDEF", (6, 26, 14, 26, 12, 12), strict=True):
        index.column_dimensions[col].width = width
    index.page_setup.paperSize = "9"
    index.page_setup.fitToWidth, index.page_setup.fitToHeight = 1, 0
    index.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    index.freeze_panes = "A2"
    save(wb, path, as_of)
