"""Official documents (公文) as .docx, laid out after GB/T 9704-2012 《党政机关公文格式》.

The bureau sends documents made from the registry (整改通知书, 通报, 关停/暂停 orders, letters
reporting counterfeit accounts); what they say is decided elsewhere, and ``write_document``
only lays an ``OfficialDocument`` out:

* A4, margins 37/35/28/26 mm (版心 156 × 225 mm), 22 lines of 28 characters: exact 28.95 pt
  lines, and 3号 characters 0.25 pt closer than their 16 pt (no document grid: LibreOffice
  spreads the characters of Word's character grid over half the line).
* 版头 (optional): the 发文机关标志 in red 方正小标宋简体 35 mm below the top of the 版心, the
  发文字号 centred two lines below it and a red rule under it; the title two lines below.
* Title 2号 方正小标宋简体 centred, a blank line, the 主送机关 at the left with a full-width colon,
  body paragraphs 3号 仿宋_GB2312 indented two characters, tables in 小四 仿宋_GB2312 with a
  黑体 header row repeated on every page.
* 附件说明 one line below the body, names aligned when they wrap; 发文机关署名 centred over the
  成文日期, which stands four characters from the right margin, with room for the seal above.
* 版记 (抄送, 印发机关 and 印发日期) between rules at the bottom of the last page.
* Page numbers "— 1 —" in 4号 宋体, odd pages right and even pages left, one character in.

Fonts are named as the standard's templates name them (仿宋_GB2312, 方正小标宋简体, 楷体_GB2312),
with the font table giving the Windows fonts to use where they are missing (``_FONTS``).

The file is the same bytes for the same document: the dates inside (core properties, zip
entries) come from ``dated``, and python-docx's sample thumbnail is left out. Text is written
as given, except characters XML 1.0 cannot hold (control characters other than tab and line
feed, lone surrogates, U+FFFE/U+FFFF), which are dropped so that no input stops the writer.
"""

from __future__ import annotations

import io
import math
import re
import unicodedata
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.opc.packuri import PackURI
from docx.opc.pkgwriter import PackageWriter
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Mm, Pt, RGBColor, Twips
from docx.table import Table as DocxTable
from docx.table import _Cell
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from lxml import etree

FANGSONG = "仿宋_GB2312"
XIAOBIAOSONG = "方正小标宋简体"
HEITI = "黑体"
KAITI = "楷体_GB2312"
SONGTI = "宋体"
LATIN = "Times New Roman"
# The font table's alternative names: what Word uses where the first is not installed.
_FONTS = {FANGSONG: "仿宋", XIAOBIAOSONG: "宋体", KAITI: "楷体", HEITI: "SimHei", SONGTI: "SimSun"}

RED = RGBColor(0xFF, 0x00, 0x00)
DRAFT_RED = RGBColor(0xC0, 0x00, 0x00)
GREY = RGBColor(0x59, 0x59, 0x59)

BODY_SIZE = 16.0  # 3号
TITLE_SIZE = 22.0  # 2号
TABLE_SIZE = 12.0  # 小四
IMPRINT_SIZE = 14.0  # 4号 (版记, page numbers)
NOTE_SIZE = 10.5  # 5号
LINE = 28.95  # points: 22 lines in the 225 mm 版心
TEXT_WIDTH = round(156 / 25.4 * 1440)  # the 版心's width in twips
# 3号 characters are set 0.25 pt closer (w:spacing, in twips): 28 of them fill the 156 mm.
CHAR_SPACING = -5
CHAR = BODY_SIZE * 20  # a character, for indents, in twips


@dataclass(frozen=True)
class Table:
    """A table in the body: a header row, then ``rows``, each as long as ``headers``;
    ``widths`` are the columns' relative widths (equal when None)."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...] | None = None

    def __post_init__(self) -> None:
        if not self.headers:
            raise ValueError("a table needs at least one column")
        for number, row in enumerate(self.rows, 1):
            if len(row) != len(self.headers):
                raise ValueError(f"row {number} has {len(row)} cells for "
                                 f"{len(self.headers)} columns")
        if self.widths is not None and (
                len(self.widths) != len(self.headers)
                or not all(math.isfinite(w) and w > 0 for w in self.widths)):
            raise ValueError("widths must be one positive number per column")


@dataclass(frozen=True)
class OfficialDocument:
    """What a 公文 says, in the order GB/T 9704-2012 prints it; see the module's docstring.

    ``dated`` is the 成文日期 as ``YYYY-MM-DD``, printed ``2026年10月9日``; it is also the
    印发日期 in the 版记. ``body`` holds paragraphs (a line feed starts a new paragraph) and
    tables. ``draft`` marks a draft under the title and at the top of every page."""

    title: str
    recipient: str
    body: tuple[str | Table, ...]
    issuer: str
    dated: str
    number: str | None = None
    issuer_header: str | None = None
    attachments: tuple[str, ...] = ()
    cc: str | None = None
    printed_by: str | None = None
    draft: bool = False
    footer_note: str | None = None

    def __post_init__(self) -> None:
        _day(self.dated)


_ISO_DAY = re.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _day(value: str) -> date:
    """``YYYY-MM-DD`` as a date; ValueError for anything else (Python 3.11 would also read
    ``20261009`` and week dates)."""
    if not _ISO_DAY.fullmatch(value):
        raise ValueError(f"not a YYYY-MM-DD date: {value!r}")
    return date.fromisoformat(value)


def chinese_date(value: str) -> str:
    """``2026-10-09`` as the standard prints dates (7.3.5.1): ``2026年10月9日``."""
    day = _day(value)
    return f"{day.year}年{day.month}月{day.day}日"


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean(text: str) -> str:
    """``text`` without what XML 1.0 cannot hold, line ends as line feeds."""
    return _NOT_XML.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def _width(text: str) -> float:
    """How many characters ``text`` takes: half for narrow ones."""
    return sum(1.0 if unicodedata.east_asian_width(c) in "WFA" else 0.5 for c in text)


# ---------------------------------------------------------------------------- XML helpers

# The order of the children the writer sets, after the schema (CT_PPr, CT_TblPr).
_PPR_ORDER = ("w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr",
              "w:widowControl", "w:numPr", "w:suppressLineNumbers", "w:pBdr", "w:shd",
              "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
              "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi",
              "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
              "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection",
              "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle",
              "w:rPr", "w:sectPr", "w:pPrChange")
_RPR_ORDER = ("w:rStyle", "w:rFonts", "w:b", "w:bCs", "w:i", "w:iCs", "w:caps", "w:smallCaps",
              "w:strike", "w:dstrike", "w:outline", "w:shadow", "w:emboss", "w:imprint",
              "w:noProof", "w:snapToGrid", "w:vanish", "w:webHidden", "w:color", "w:spacing",
              "w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u",
              "w:effect", "w:bdr", "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs",
              "w:em", "w:lang", "w:eastAsianLayout", "w:specVanish", "w:oMath")
_TBLPR_ORDER = ("w:tblStyle", "w:tblpPr", "w:tblOverlap", "w:bidiVisual",
                "w:tblStyleRowBandSize", "w:tblStyleColBandSize", "w:tblW", "w:jc",
                "w:tblCellSpacing", "w:tblInd", "w:tblBorders", "w:shd", "w:tblLayout",
                "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription",
                "w:tblPrChange")


def _child(parent: BaseOxmlElement, tag: str, order: Sequence[str],
           **attributes: str) -> BaseOxmlElement:
    """``parent``'s ``tag`` child, made in its place in ``order`` when missing, with
    ``attributes`` (``w:`` names) set."""
    found = parent.find(qn(tag))
    if found is None:
        found = OxmlElement(tag)
        parent.insert_element_before(found, *order[order.index(tag) + 1:])
    for name, value in attributes.items():
        found.set(qn(f"w:{name}"), value)
    return found  # type: ignore[no-any-return]


def _element(tag: str, **attributes: str) -> BaseOxmlElement:
    made = OxmlElement(tag)
    for name, value in attributes.items():
        made.set(qn(f"w:{name}"), value)
    return made


# ------------------------------------------------------------------------------ paragraphs

def _set_fonts(element: BaseOxmlElement, font: str, size: float) -> None:
    """The fonts of a run or style: ``font`` for Chinese, Times New Roman for Latin text
    beside 仿宋 and 楷体 (as the standard's templates do), ``font`` itself otherwise; 3号 text
    set closer (``CHAR_SPACING``)."""
    latin = LATIN if font in (FANGSONG, KAITI) else font
    properties = element.get_or_add_rPr()
    fonts = properties.get_or_add_rFonts()
    for name in ("ascii", "hAnsi", "cs"):
        fonts.set(qn(f"w:{name}"), latin)
    fonts.set(qn("w:eastAsia"), font)
    if size == BODY_SIZE:
        _child(properties, "w:spacing", _RPR_ORDER, val=str(CHAR_SPACING))


def _run(paragraph: Paragraph, text: str, font: str = FANGSONG, size: float = BODY_SIZE,
         bold: bool = False, color: RGBColor | None = None) -> Run:
    run = paragraph.add_run(clean(text))
    _set_fonts(run._element, font, size)
    run.font.size = Pt(size)
    if bold:
        run.font.bold = True
    if color is not None:
        run.font.color.rgb = color
    return run


def _format(paragraph: Paragraph, *, align: WD_ALIGN_PARAGRAPH | None = None,
            line: float = LINE, before: float = 0, after: float = 0, left: float = 0,
            right: float = 0, first: float = 0, keep_with_next: bool = False) -> None:
    """Lay ``paragraph`` out: ``line`` is its exact line height in points; ``left``, ``right`` and ``first`` (negative: hanging) are indents in 3号 characters,
    written both as characters (Word's 字符) and as twips (other programs)."""
    pf = paragraph.paragraph_format
    if align is not None:
        pf.alignment = align
    pf.line_spacing, pf.line_spacing_rule = Pt(line), WD_LINE_SPACING.EXACTLY
    pf.space_before = Pt(before)
    pf.space_after = Pt(after)
    if keep_with_next:
        pf.keep_with_next = True
    if left or right or first:
        ind: dict[str, str] = {}
        if left:
            ind |= {"leftChars": str(round(left * 100)), "left": str(round(left * CHAR))}
        if right:
            ind |= {"rightChars": str(round(right * 100)), "right": str(round(right * CHAR))}
        if first > 0:
            ind |= {"firstLineChars": str(round(first * 100)),
                    "firstLine": str(round(first * CHAR))}
        elif first < 0:
            ind |= {"hangingChars": str(round(-first * 100)),
                    "hanging": str(round(-first * CHAR))}
        _child(paragraph._p.get_or_add_pPr(), "w:ind", _PPR_ORDER, **ind)


def _border(paragraph: Paragraph, side: str, size: int, color: str, space: int) -> None:
    """A rule on ``side`` of ``paragraph``: ``size`` in eighths of a point, ``space`` in
    points from the text."""
    borders = _child(paragraph._p.get_or_add_pPr(), "w:pBdr", _PPR_ORDER)
    borders.append(_element(f"w:{side}", val="single", sz=str(size), space=str(space),
                            color=color))


def _blank(document: DocxDocument, lines: int = 1) -> None:
    for _ in range(lines):
        _format(document.add_paragraph())


def _lines(text: str) -> list[str]:
    return clean(text).split("\n")


# -------------------------------------------------------------------------------- the parts

def _header(document: DocxDocument, text: str, number: str | None) -> None:
    """版头 (GB/T 9704 7.2): the 发文机关标志 in red 35 mm below the top of the 版心, in 42 pt
    (初号) or smaller as far as needed to fit one line; the 发文字号 centred two lines below,
    a red rule 4 mm under it, the title two lines below the rule."""
    text = clean(text)
    size = min(42.0, max(TITLE_SIZE, math.floor(TEXT_WIDTH / 20 / max(_width(text), 1) * 2) / 2))
    mark = document.add_paragraph()
    # The line box is 1.2 times the characters; their top edge ~0.1 of it below its top.
    _format(mark, align=WD_ALIGN_PARAGRAPH.CENTER, line=round(size * 1.2, 2),
            before=round(35 / 25.4 * 72 - size * 0.1, 2))
    _run(mark, text, XIAOBIAOSONG, size, color=RED)
    _blank(document, 2)
    line = document.add_paragraph()
    _format(line, align=WD_ALIGN_PARAGRAPH.CENTER)
    if number:
        _run(line, number)
    # 4 mm below the 发文字号: the text's descent is about 1 mm of it.
    _border(line, "bottom", 12, "FF0000", 8)
    _blank(document, 2)


def _title(document: DocxDocument, text: str, draft: bool) -> None:
    title = document.add_paragraph()
    _format(title, align=WD_ALIGN_PARAGRAPH.CENTER, keep_with_next=True)
    _run(title, text, XIAOBIAOSONG, TITLE_SIZE)
    if draft:
        mark = document.add_paragraph()
        _format(mark, align=WD_ALIGN_PARAGRAPH.CENTER, keep_with_next=True)
        _run(mark, "（草稿）", KAITI)
    _blank(document)


def _column_widths(table: Table) -> list[int]:
    weights = table.widths or (1.0,) * len(table.headers)
    total = sum(weights)
    widths = [math.floor(TEXT_WIDTH * w / total) for w in weights]
    widths[-1] += TEXT_WIDTH - sum(widths)
    return widths


def _cell(cell: _Cell, text: str, header: bool) -> None:
    paragraph = cell.paragraphs[0]
    _format(paragraph, align=WD_ALIGN_PARAGRAPH.CENTER if header else WD_ALIGN_PARAGRAPH.LEFT,
            line=TABLE_SIZE * 1.5)
    _run(paragraph, text, HEITI if header else FANGSONG, TABLE_SIZE, bold=header)
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def _table(document: DocxDocument, table: Table) -> None:
    made: DocxTable = document.add_table(rows=1 + len(table.rows), cols=len(table.headers))
    made.style = document.styles["Table Grid"]
    made.alignment = WD_TABLE_ALIGNMENT.CENTER
    made.autofit = False  # fixed layout: long cells wrap, the columns keep their widths
    _child(made._tbl.tblPr, "w:tblW", _TBLPR_ORDER, w=str(TEXT_WIDTH), type="dxa")
    widths = _column_widths(table)
    for column, width in zip(made.columns, widths, strict=True):
        column.width = Twips(width)
    for number, (row, texts) in enumerate(zip(made.rows, (table.headers, *table.rows), strict=True)):
        if number == 0:
            properties = row._tr.get_or_add_trPr()
            properties.append(_element("w:cantSplit"))
            properties.append(_element("w:tblHeader"))  # repeated on every page
        for cell, text, width in zip(row.cells, texts, widths, strict=True):
            cell.width = Twips(width)
            _cell(cell, text, header=number == 0)


def _keep_last(document: DocxDocument) -> None:
    """Keep the last paragraph so far on the page of the next one: what follows the body
    (附件说明, 署名 and 成文日期) never stands alone on a page (GB/T 9704 7.3.5.4)."""
    blocks = list(document.iter_inner_content())
    if not blocks:
        return
    last = blocks[-1]
    paragraphs = [last] if isinstance(last, Paragraph) else \
        [p for cell in last.rows[-1].cells for p in cell.paragraphs]  # a table's last row
    for paragraph in paragraphs:
        paragraph.paragraph_format.keep_with_next = True


def _attachments(document: DocxDocument, names: Sequence[str]) -> None:
    """附件说明 (GB/T 9704 7.3.4): a line below the body, two characters in, ``附件：1. 名称``;
    names that wrap align with their first character, numbers with each other."""
    _keep_last(document)
    _format(document.add_paragraph(), keep_with_next=True)
    if len(names) == 1:
        paragraph = document.add_paragraph()
        _format(paragraph, align=WD_ALIGN_PARAGRAPH.JUSTIFY, left=5, first=-3,
                keep_with_next=True)
        _run(paragraph, "附件：" + " ".join(_lines(names[0])))
        return
    # The names start after "附件：" and a number: the hanging indent is a tab stop.
    start = 6.0 if len(names) < 10 else 6.5
    for number, name in enumerate(names, 1):
        paragraph = document.add_paragraph()
        _format(paragraph, align=WD_ALIGN_PARAGRAPH.JUSTIFY, left=start,
                first=-(start - 2) if number == 1 else -(start - 5), keep_with_next=True)
        _run(paragraph, ("附件：" if number == 1 else "") + f"{number}.\t"
             + " ".join(_lines(name)))


def _signature(document: DocxDocument, issuer: str, dated: str) -> None:
    """发文机关署名 and 成文日期 (GB/T 9704 7.3.5.1): the date four characters from the right
    margin, the issuer centred over it, two lines left above them for the seal; an issuer
    so long that it would come nearer than two characters to the margin moves both left.
    They stay on the page of the text before them."""
    _keep_last(document)
    for _ in range(2):
        _format(document.add_paragraph(), keep_with_next=True)
    issuer, day = clean(issuer), chinese_date(dated)
    issuer_width = max(_width(line) for line in issuer.split("\n"))
    day_right = 4.0
    issuer_right = day_right + (_width(day) - issuer_width) / 2
    if issuer_right < 2:
        day_right += 2 - issuer_right
        issuer_right = 2
    for text, right in ((issuer, issuer_right), (day, day_right)):
        paragraph = document.add_paragraph()
        _format(paragraph, align=WD_ALIGN_PARAGRAPH.RIGHT, right=right,
                keep_with_next=text is issuer)
        _run(paragraph, text)


def _imprint(document: DocxDocument, cc: str | None, printed_by: str | None,
             dated: str) -> None:
    """版记 (GB/T 9704 7.4): 抄送 and 印发机关/印发日期 in 4号, a character in from each side,
    between a thick rule above and below and a thin one between them, anchored to the bottom
    of the last page's 版心 (a floating table)."""
    rows: list[tuple[str, str | None]] = []
    if cc:
        text = clean(cc).replace("\n", "，")
        rows.append(("抄送：" + text + ("" if text.endswith("。") else "。"), None))
    if printed_by:
        rows.append((clean(printed_by).replace("\n", " "), chinese_date(dated) + "印发"))
    table: DocxTable = document.add_table(rows=len(rows), cols=1)
    properties = table._tbl.tblPr
    # Its height is known (exact lines): placed that far above the bottom of the 版心.
    width = (TEXT_WIDTH - 2 * IMPRINT_SIZE * 20) / (IMPRINT_SIZE * 20)  # 4号 characters a line
    lines = sum(1 + math.ceil(max(0.0, _width(left) - width) / (width - 3)) if right is None
                else 1 for left, right in rows)
    top = round(225 / 25.4 * 1440 - lines * LINE * 20 - 60)  # the rules: 2.75 pt
    # Placed from the page's edge (28 mm), not the margin's: LibreOffice floats a table as wide
    # as the text only then.
    _child(properties, "w:tblpPr", _TBLPR_ORDER, vertAnchor="margin", horzAnchor="page",
           tblpX=str(round(28 / 25.4 * 1440)), tblpY=str(top), leftFromText="0", rightFromText="0",
           topFromText="0", bottomFromText="0")
    _child(properties, "w:tblOverlap", _TBLPR_ORDER, val="never")
    _child(properties, "w:tblW", _TBLPR_ORDER, w=str(TEXT_WIDTH), type="dxa")
    _child(properties, "w:jc", _TBLPR_ORDER, val="center")
    borders = _child(properties, "w:tblBorders", _TBLPR_ORDER)
    for side, size in (("top", 8), ("left", 0), ("bottom", 8), ("right", 0), ("insideH", 6),
                       ("insideV", 0)):
        borders.append(_element(f"w:{side}", val="single" if size else "nil", sz=str(size),
                                space="0", color="000000"))
    _child(properties, "w:tblLayout", _TBLPR_ORDER, type="fixed")
    margins = _child(properties, "w:tblCellMar", _TBLPR_ORDER)
    for side in ("top", "left", "bottom", "right"):
        margins.append(_element(f"w:{side}", w="0", type="dxa"))
    table.columns[0].width = Twips(TEXT_WIDTH)
    one = IMPRINT_SIZE / (CHAR / 20)  # a 4号 character in 3号 characters
    for row, (left_text, right_text) in zip(table.rows, rows, strict=True):
        row._tr.get_or_add_trPr().append(_element("w:cantSplit"))
        cell = row.cells[0]
        cell.width = Twips(TEXT_WIDTH)
        paragraph = cell.paragraphs[0]
        if right_text is None:  # 抄送: wrapped names align after the colon
            _format(paragraph, align=WD_ALIGN_PARAGRAPH.JUSTIFY, left=4 * one, right=one,
                    first=-3 * one)
            _run(paragraph, left_text, size=IMPRINT_SIZE)
        else:
            _format(paragraph, align=WD_ALIGN_PARAGRAPH.LEFT, left=one, right=one)
            paragraph.paragraph_format.tab_stops.add_tab_stop(
                Twips(TEXT_WIDTH - round(one * CHAR)), WD_TAB_ALIGNMENT.RIGHT)
            _run(paragraph, left_text + "\t" + right_text, size=IMPRINT_SIZE)


def _page_numbers(document: DocxDocument) -> None:
    """"— 1 —" in 4号 宋体 below the 版心: odd pages at the right, even pages at the left, a
    character in (GB/T 9704 7.5)."""
    document.settings.odd_and_even_pages_header_footer = True
    section = document.sections[0]
    one = IMPRINT_SIZE / (CHAR / 20)
    for footer, odd in ((section.footer, True), (section.even_page_footer, False)):
        paragraph = footer.paragraphs[0]
        _format(paragraph, align=WD_ALIGN_PARAGRAPH.RIGHT if odd else WD_ALIGN_PARAGRAPH.LEFT,
                line=20, left=0 if odd else one, right=one if odd else 0)
        _run(paragraph, "— ", SONGTI, IMPRINT_SIZE)
        # The field { PAGE }: its runs begin, instruction, separate, result ("1"), end.
        for kind in ("begin", "instruction", "separate", "result", "end"):
            run = _run(paragraph, "1" if kind == "result" else "", SONGTI, IMPRINT_SIZE)
            if kind == "instruction":
                instruction = _element("w:instrText")
                instruction.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
                instruction.text = " PAGE "
                run._element.append(instruction)
            elif kind != "result":
                run._element.append(_element("w:fldChar", fldCharType=kind))
        _run(paragraph, " —", SONGTI, IMPRINT_SIZE)


def _draft_header(document: DocxDocument) -> None:
    section = document.sections[0]
    for header in (section.header, section.even_page_header):
        paragraph = header.paragraphs[0]
        _format(paragraph, align=WD_ALIGN_PARAGRAPH.CENTER, line=20)
        _run(paragraph, "（草稿）未经核对，不得印发", HEITI, 12, color=DRAFT_RED)


def _page(document: DocxDocument) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance = Mm(20)
    # The page number's line is 20 pt high, its dashes about 7 mm below the 版心.
    section.footer_distance = Mm(24.5)
    section.gutter = Mm(0)


def _defaults(document: DocxDocument) -> None:
    """Document-wide: 3号 仿宋_GB2312 with exact 28.95 pt lines, justified, no widow control
    (it would leave pages of 21 lines), no extra space around Latin text, Chinese as the
    East-Asian language; no theme fonts."""
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is not None:
        for fonts in defaults.iter(qn("w:rFonts")):
            for name in list(fonts.attrib):
                del fonts.attrib[name]
        for language in defaults.iter(qn("w:lang")):
            language.set(qn("w:eastAsia"), "zh-CN")
    normal = document.styles["Normal"]
    _set_fonts(normal.element, FANGSONG, BODY_SIZE)
    normal.font.size = Pt(BODY_SIZE)
    pf = normal.paragraph_format
    pf.line_spacing, pf.line_spacing_rule = Pt(LINE), WD_LINE_SPACING.EXACTLY
    pf.space_before, pf.space_after = Pt(0), Pt(0)
    pf.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    pf.widow_control = False
    # No extra space between Chinese and Latin text or digits: "2026年10月9日", not "2026 年".
    paragraph = normal.element.get_or_add_pPr()
    _child(paragraph, "w:autoSpaceDE", _PPR_ORDER, val="0")
    _child(paragraph, "w:autoSpaceDN", _PPR_ORDER, val="0")
    settings = document.settings.element
    language = settings.find(qn("w:themeFontLang"))
    if language is not None:
        language.set(qn("w:eastAsia"), "zh-CN")


def _properties(document: DocxDocument, title: str, dated: str) -> None:
    day = _day(dated)
    properties = document.core_properties
    when = datetime(day.year, day.month, day.day)
    properties.created = properties.modified = when
    properties.author = properties.last_modified_by = "site-gen"
    properties.title = clean(title).replace("\n", "")
    properties.comments = properties.subject = properties.keywords = ""
    properties.category = ""
    properties.revision = 1
    package = document.part.package
    for key, relation in list(package.rels.items()):
        if relation.reltype == RELATIONSHIP_TYPE.THUMBNAIL:  # python-docx's sample page
            del package.rels[key]


def _font_table(xml: bytes) -> bytes:
    """The font table with the document's Chinese fonts and the names of those to use where
    they are missing."""
    root = etree.fromstring(xml)
    namespace = root.nsmap["w"]

    def w(name: str) -> str:
        return f"{{{namespace}}}{name}"

    for name, alternative in _FONTS.items():
        font = etree.SubElement(root, w("font"), {w("name"): name})
        etree.SubElement(font, w("altName"), {w("val"): alternative})
        etree.SubElement(font, w("charset"), {w("val"): "86"})  # GB2312
        etree.SubElement(font, w("family"), {w("val"): "modern" if name == HEITI else "roman"})
        etree.SubElement(font, w("pitch"), {w("val"): "variable"})
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


class _FixedZip:
    """Where python-docx's package writer puts the parts (it calls ``write`` and ``close``
    only): one zip pass, every entry dated ``dated`` (python-docx would stamp the time of
    writing), the font table completed. Writing each part once, quickly compressed, is most
    of what makes a province's thousands of notices affordable."""

    def __init__(self, out: io.BytesIO, dated: str) -> None:
        day = max(_day(dated), date(1980, 1, 1))  # the first date a zip entry can have
        self.stamp = (day.year, day.month, day.day, 0, 0, 0)
        self.zip = zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1)

    def write(self, uri: PackURI, blob: bytes) -> None:
        name = uri.membername
        if name == "word/fontTable.xml":
            blob = _font_table(blob)
        entry = zipfile.ZipInfo(name, self.stamp)
        entry.compress_type = zipfile.ZIP_DEFLATED
        entry.create_system = 3
        entry.external_attr = 0o644 << 16
        self.zip.writestr(entry, blob)

    def close(self) -> None:
        self.zip.close()


def _package_bytes(made: DocxDocument, dated: str) -> bytes:
    """The .docx of ``made``, as python-docx's own package writer lays it out."""
    package = made.part.package
    out = io.BytesIO()
    writer = _FixedZip(out, dated)
    parts = list(package.iter_parts())
    PackageWriter._write_content_types_stream(writer, parts)  # type: ignore[no-untyped-call]
    PackageWriter._write_pkg_rels(writer, package.rels)  # type: ignore[no-untyped-call]
    PackageWriter._write_parts(writer, parts)  # type: ignore[arg-type]
    writer.close()
    return out.getvalue()


def write_document(document: OfficialDocument, path: Path) -> None:
    """Write ``document`` to ``path`` as a .docx laid out after GB/T 9704-2012."""
    made = Document()
    _defaults(made)
    _page(made)
    if document.issuer_header:
        _header(made, document.issuer_header, document.number)
    elif document.number:
        number = made.add_paragraph()
        _format(number, align=WD_ALIGN_PARAGRAPH.CENTER)
        _run(number, document.number)
        _blank(made)
    _title(made, document.title, document.draft)
    if clean(document.recipient).strip():
        recipient = made.add_paragraph()
        _format(recipient, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
        _run(recipient, clean(document.recipient).rstrip().rstrip(":：") + "：")
    for index, part in enumerate(document.body):
        if isinstance(part, Table):
            if index and isinstance(document.body[index - 1], Table):
                _blank(made)  # tables next to each other would be read as one
            _table(made, part)
            continue
        for line in _lines(part):
            paragraph = made.add_paragraph()
            _format(paragraph, align=WD_ALIGN_PARAGRAPH.JUSTIFY, first=2)
            _run(paragraph, line)
    if document.attachments:
        _attachments(made, document.attachments)
    _signature(made, document.issuer, document.dated)
    if document.cc or document.printed_by:
        _imprint(made, document.cc, document.printed_by, document.dated)
    # The last paragraph (the 版记's anchor when there is one): the note, small.
    note = made.add_paragraph()
    if document.footer_note:
        _format(note, align=WD_ALIGN_PARAGRAPH.LEFT, line=NOTE_SIZE * 1.5, before=NOTE_SIZE)
        _run(note, document.footer_note, size=NOTE_SIZE, color=GREY)
    else:
        _format(note, line=1)
    _page_numbers(made)
    if document.draft:
        _draft_header(made)
    _properties(made, document.title, document.dated)
    path.write_bytes(_package_bytes(made, document.dated))


def document_text(path: Path) -> str:
    """The text of the .docx at ``path``, read back with python-docx: its paragraphs (empty
    ones left out) and its tables' rows (cells separated by tabs), in order, one a line."""
    lines: list[str] = []
    for block in Document(str(path)).iter_inner_content():
        if isinstance(block, Paragraph):
            if block.text:
                lines.append(block.text)
        else:
            lines.extend("\t".join(cell.text for cell in row.cells) for row in block.rows)
    return "\n".join(lines)
