"""The bureau workbooks (附件1+附件2, 附件4, the audit): their headers, columns and rows.

The rows are written as sheet XML by ``sheetxml`` and spliced into the frame openpyxl
writes (styles, column widths, frozen header rows, merged cells, print setup).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from ..audit import RULE_TEXT, Finding
from ..catalogue import SEVERITY_TEXT
from ..model import Person, Unit
from .rows import (
    CHANGED,
    FORM_COLUMNS,
    FORM_TYPES,
    SUMMARY_ROWS,
    FilingEvent,
    StatisticsRow,
    id_or_address,
    person,
    sealed_columns,
    unit_contact,
)
from .sheetxml import (
    BODY,
    BOLD,
    CENTER,
    HEAD,
    LEFT,
    LINE_POINTS,
    TITLE,
    Rows,
    Styled,
    cell,
    column_styles,
    row_height,
    save,
)

NOTE_ANNEX1 = ("注：同一单位开设的多个新媒体（网站）账号，以及同一名称开设在不同平台的账号，"
               "应依次登记，各占一行。")
NOTE_SEALED = ("注：“已加密”表示联系人加密存放，生成本表时没有解密密钥，请由持有密钥的单位用 "
               "site-gen report --identity 生成；“无法解密”“内容有误”的原因见规则审计。")
NOTE_ANNEX4 = ("注：备案类型包括开设、变更、注销，变更项需在相应栏内标记。每年度末将本年度备案情况"
               "统计汇总。填报部门、主管部门留存。")


def annex1_headers(year: str) -> list[str]:
    return ["序号", "账号（网站）名称", "开设单位", "认证主体", "类型", "问题排查情况", "是否整改",
            "是否具有互动功能", "是否建立内容发布审核制度", "是否委托其他单位运营",
            f"{year}年信息发布数量（条）", "账号负责人姓名", "账号负责人手机号",
            "账号负责人微信号", "备注"]


XLSX_ROWS_PER_SHEET = 1_000_000  # an .xlsx sheet holds 1,048,576 rows
ANNEX1_WIDTHS = (6, 22, 22, 22, 11, 12, 7, 8, 10, 10, 11, 11, 15, 16, 30)
ANNEX4_HEADERS = ("序号", "账号（网站/APP）名称", "账号ID（网址）", "开设部门", "认证主体", "类型",
                  "开通时间", "主管领导", "运维负责人", "联系电话", "备案类型")
ANNEX4_WIDTHS = (6, 22, 24, 24, 22, 11, 12, 10, 10, 15, 9)


def chinese_date(iso: str) -> str:
    year, month, day = iso.split("-")
    return f"{year}年{int(month)}月{int(day)}日"


def _setup(ws: Any, widths: Sequence[int], landscape: bool, header_rows: int) -> None:
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = f"A{header_rows + 1}"
    ws.print_title_rows = f"{header_rows}:{header_rows}"
    setup = ws.page_setup
    setup.paperSize = "9"  # A4
    setup.orientation = "landscape" if landscape else "portrait"
    setup.fitToWidth, setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)


def _merge(ws: Any, ref: str) -> None:
    ws.merged_cells.add(ref)


def _header_block(rows: Rows, unit: Unit, contact: Person | None, as_of: str,
                  spans: Sequence[tuple[int, int]], width: int) -> None:
    """填报单位（盖章）, 统计数据截至, 填表人, 电话 and a blank 年 月 日 for ink, on one row."""
    ws = rows.ws
    texts = [f"填报单位（盖章）：{unit.name}", f"统计数据截至{chinese_date(as_of)}",
             f"填表人：{contact.name if contact else ''}",
             f"电话：{contact.phone if contact else ''}", "年　　月　　日"]
    row: list[Styled | None] = [None] * width
    widths = []
    for (start, end), text in zip(spans, texts, strict=True):
        row[start - 1] = cell(ws, text, BODY, LEFT, None)
        widths.append(sum(rows.widths[start - 1:end]))
        if end > start:
            _merge(ws, f"{get_column_letter(start)}3:{get_column_letter(end)}3")
    rows.append(row, height=row_height(texts, widths))


def _title(rows: Rows, label: str, title: str, width: int) -> None:
    ws = rows.ws
    rows.append([cell(ws, label, HEAD, LEFT, None)], height=LINE_POINTS + 3)
    rows.append([cell(ws, title, TITLE, CENTER, None)], height=32)  # 16-point 黑体
    _merge(ws, f"A2:{get_column_letter(width)}2")


def _note(rows: Rows, text: str, width: int) -> None:
    """A note under a table, merged across it and as tall as its text."""
    rows.append([cell(rows.ws, text, BODY, LEFT, None)],
                height=row_height([text], [sum(rows.widths[:width])]))
    _merge(rows.ws, f"A{rows.count}:{get_column_letter(width)}{rows.count}")


def annex1_sheet(wb: Workbook, name: str, unit: Unit, as_of: str,
                 rows: Sequence[StatisticsRow], first_number: int) -> None:
    ws = wb.create_sheet(name)
    _setup(ws, ANNEX1_WIDTHS, landscape=True, header_rows=4)
    out = Rows(ws, ANNEX1_WIDTHS)
    _title(out, "附件1", "新媒体（网站）基本情况统计表", 15)
    _header_block(out, unit, unit_contact(unit), as_of, ((1, 4), (5, 8), (9, 11), (12, 13), (14, 15)), 15)
    headers = annex1_headers(as_of[:4])
    out.append([cell(ws, h, HEAD, CENTER) for h in headers], headers)
    styles = column_styles(ws, BODY, [CENTER if i in (0, 4, 6, 7, 8, 9, 10) else LEFT
                                      for i in range(15)])
    for number, row in enumerate(rows, start=first_number):
        out.table_row([number, *row.values], styles)
    _note(out, NOTE_ANNEX1, 15)
    if sealed_columns(row.account for row in rows):
        _note(out, NOTE_SEALED, 15)


ANNEX2_WIDTHS = (40, 8, 8, 8, 8, 8, 12, 14, 8, 10)


def annex2_sheet(wb: Workbook, unit: Unit, as_of: str, counts: Sequence[Sequence[int]]) -> None:
    ws = wb.create_sheet("附件2")
    width = len(FORM_COLUMNS) + 3
    _setup(ws, ANNEX2_WIDTHS, landscape=True, header_rows=5)
    out = Rows(ws, ANNEX2_WIDTHS)
    _title(out, "附件2", "新媒体（网站）基本情况汇总表", width)
    _header_block(out, unit, unit_contact(unit), as_of, ((1, 1), (2, 4), (5, 6), (7, 8), (9, 10)), width)
    out.append([cell(ws, "项目", HEAD, CENTER), cell(ws, "网站", HEAD, CENTER),
                cell(ws, "新媒体", HEAD, CENTER), *[cell(ws, None, HEAD, CENTER)] * 5,
                cell(ws, "合计", HEAD, CENTER), cell(ws, "备注", HEAD, CENTER)])
    labels = [None, None, *[label for label, _ in FORM_COLUMNS[1:]], None, None]
    out.append([cell(ws, label, HEAD, CENTER) for label in labels], labels)
    for ref in ("A4:A5", "B4:B5", "C4:H4", "I4:I5", "J4:J5"):
        _merge(ws, ref)
    for label, numbers in zip(SUMMARY_ROWS, counts, strict=True):
        out.append([cell(ws, label, BODY, LEFT), *[cell(ws, n, BODY, CENTER) for n in numbers],
                    cell(ws, sum(numbers), BODY, CENTER), cell(ws, None, BODY, CENTER)],
                   [label])


def write_statistics(path: Path, unit: Unit, as_of: str, rows: Sequence[StatisticsRow],
                     counts: Sequence[Sequence[int]], rows_per_sheet: int | None = None) -> None:
    """附件1 (split into 附件1（续N） sheets past ``rows_per_sheet``) and 附件2."""
    wb = Workbook(write_only=True)
    step = rows_per_sheet or XLSX_ROWS_PER_SHEET
    for part, start in enumerate(range(0, max(len(rows), 1), step)):
        name = "附件1" if part == 0 else f"附件1（续{part}）"
        annex1_sheet(wb, name, unit, as_of, rows[start:start + step], start + 1)
    annex2_sheet(wb, unit, as_of, counts)
    save(wb, path, as_of)




def annex4_values(number: int, event: FilingEvent, units: dict[str, Unit]) -> list[object]:
    """One row of 附件4; the cells of the items a 变更 touched are marked."""
    a = event.account
    owner = units[a.unit].name + (f"（{a.department}）" if a.department else "")
    kind = f"{event.kind}：{'、'.join(event.changed)}" if event.changed else event.kind
    values: list[object] = [number, a.name, id_or_address(a), owner,
                            a.certified_subject or "未认证", FORM_TYPES[a.platform], a.opened_on,
                            person(a.contacts, "supervisor").name,
                            person(a.contacts, "ops_lead").name,
                            person(a.contacts, "ops_lead").phone, kind]
    for column in event.columns:
        values[column] = f"{values[column]}{CHANGED}"
    return values


def write_filing_summary(path: Path, unit: Unit, as_of: str, events: Sequence[FilingEvent],
                         units: dict[str, Unit], rows_per_sheet: int | None = None) -> None:
    """附件4: 新媒体（网站）备案汇总表, one row per filing event; 无 for an empty period."""
    wb = Workbook(write_only=True)
    step = rows_per_sheet or XLSX_ROWS_PER_SHEET
    for part, start in enumerate(range(0, max(len(events), 1), step)):
        ws = wb.create_sheet("附件4" if part == 0 else f"附件4（续{part}）")
        _setup(ws, ANNEX4_WIDTHS, landscape=True, header_rows=3)
        out = Rows(ws, ANNEX4_WIDTHS)
        _title(out, "附件4", "新媒体（网站）备案汇总表", len(ANNEX4_HEADERS))
        out.append([cell(ws, h, HEAD, CENTER) for h in ANNEX4_HEADERS], ANNEX4_HEADERS)
        chunk = events[start:start + step]
        for number, event in enumerate(chunk, start=start + 1):
            values = annex4_values(number, event, units)
            out.append([cell(ws, v, BOLD if i in event.columns else BODY,
                             CENTER if i in (0, 5, 6) else LEFT)
                        for i, v in enumerate(values)], values)
        if not events:
            out.append([cell(ws, v, BODY, CENTER) for v in ("无", *[None] * 10)])
            _merge(ws, f"A{out.count}:K{out.count}")
        contact = unit_contact(unit)
        footer = (f"填报部门（盖章）：{unit.name}　　填表人：{contact.name if contact else ''}"
                  f"　　联系电话：{contact.phone if contact else ''}　　　　年　　月　　日")
        _note(out, footer, 11)
        _note(out, NOTE_ANNEX4, 11)
        if sealed_columns(event.account for event in chunk):
            _note(out, NOTE_SEALED, 11)
    save(wb, path, as_of)


AUDIT_HEADERS = ("序号", "代码", "规则", "严重程度", "单位", "账号 ID", "备案文件", "说明（应如何处理）")
AUDIT_WIDTHS = (6, 18, 16, 8, 24, 20, 36, 70)


def write_audit(path: Path, unit: Unit, as_of: str, findings: Sequence[Finding]) -> None:
    """The audit of the bureau's subtree, one finding a row (internal, not a seed form)."""
    wb = Workbook(write_only=True)
    step = XLSX_ROWS_PER_SHEET
    for part, start in enumerate(range(0, max(len(findings), 1), step)):
        ws = wb.create_sheet("审计" if part == 0 else f"审计（续{part}）")
        _setup(ws, AUDIT_WIDTHS, landscape=True, header_rows=3)
        out = Rows(ws, AUDIT_WIDTHS)
        _title(out, f"{unit.name}：截至{chinese_date(as_of)}", "新媒体（网站）规则审计",
               len(AUDIT_HEADERS))
        out.append([cell(ws, h, HEAD, CENTER) for h in AUDIT_HEADERS], AUDIT_HEADERS)
        styles = column_styles(ws, BODY, [CENTER if i in (0, 3) else LEFT
                                          for i in range(len(AUDIT_HEADERS))])
        for number, f in enumerate(findings[start:start + step], start=start + 1):
            out.table_row((number, f.code, RULE_TEXT[f.rule], SEVERITY_TEXT[f.severity], f.unit,
                           f.account_id, f.file, f.message), styles)
    save(wb, path, as_of)
