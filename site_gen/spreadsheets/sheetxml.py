"""Sheet XML written by us, spliced into the workbooks openpyxl writes.

openpyxl (write-only) writes each workbook's frame: styles, column widths, frozen header
rows, merged cells and print setup. The rows are written here as sheet XML (``Rows``) and
spliced in when the workbook is saved (``save``): openpyxl's cells cost about 40 µs each and
a province's tables have millions. Every text cell is an inline string, so nothing a filer
wrote can become a formula, and phone numbers and IDs keep every digit. Rows go to temporary
files, so memory stays flat; output is byte-for-byte deterministic for the same data and date.
"""

from __future__ import annotations

import math
import re
import tempfile
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple
from weakref import WeakKeyDictionary
from xml.sax.saxutils import escape as xml_escape

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

# The forms' fonts (宋体 and 黑体, which Windows and WPS both have) and borders.
BODY = Font(name="宋体", size=10)
BOLD = Font(name="宋体", size=10, bold=True)
HEAD = Font(name="黑体", size=10)
TITLE = Font(name="黑体", size=16)
THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
LINE_POINTS = 13.5  # one line of 10-point 宋体, with leading
MAX_ROW_POINTS = 409  # Excel's highest row


class _Widths(dict[str, float]):
    """Column-width units of each character met so far: two for a character Unicode draws
    wide (East Asian Width W or F, as Chinese), 1.1 otherwise."""

    def __missing__(self, char: str) -> float:
        self[char] = 2.0 if unicodedata.east_asian_width(char) in "WF" else 1.1
        return self[char]


_WIDTHS = _Widths()


def _units(text: str) -> float:
    """Width of ``text`` in column-width units: a Chinese character counts two."""
    return sum(map(_WIDTHS.__getitem__, text))


def row_height(values: Sequence[object], widths: Sequence[float],
               line_points: float = LINE_POINTS) -> float:
    """Points for a row whose cells wrap at their column widths, so that long links and
    names show whole in Excel, WPS and the .xls (which keeps the heights, not the wrapping).
    ``line_points``: one line of the cells' font (10-point 宋体 by default)."""
    lines = 1
    for value, width in zip(values, widths, strict=False):
        if value is None:
            continue
        usable = max(width - 1.5, 1.0)
        text = str(value)
        if 2 * len(text) <= usable:
            continue  # one line even if every character is wide
        cell_lines = sum(max(1, math.ceil(_units(part) / usable)) for part in text.split("\n"))
        lines = max(lines, cell_lines)
    return min(MAX_ROW_POINTS, lines * line_points + 3)


class Styled(NamedTuple):
    value: object
    style: int  # the workbook's cell format (xf) index


class Rows:
    """The rows of one write-only sheet, written as sheet XML by us and spliced into the
    file by ``save``: openpyxl's own cells cost about 40 µs each (a province's tables have
    millions), while the sheet's frame (columns, panes, merges, page setup) and the styles
    still come from openpyxl. Rows go to a temporary file, so memory stays flat."""

    def __init__(self, ws: Any, widths: Sequence[float]) -> None:
        self.ws, self.widths, self.count = ws, widths, 0
        self.file = tempfile.TemporaryFile("w+", encoding="utf-8")
        _PENDING.setdefault(ws.parent, []).append(self)

    def append(self, cells: Sequence[Styled | None], values: Sequence[object] | None = None,
               height: float | None = None) -> None:
        self._write(cells, values, height)

    def table_row(self, values: Sequence[object], styles: Sequence[int]) -> None:
        """A row of a table: ``values`` with each column's style (``column_styles``)."""
        self._write(zip(values, styles, strict=True), values, None)

    def _write(self, cells: Iterable[tuple[object, int] | None], values: Sequence[object] | None,
               height: float | None) -> None:
        self.count += 1
        if height is None and values is not None:
            height = row_height(values, self.widths)
        number = self.count
        parts = [f'<row r="{number}" ht="{height}" customHeight="1">' if height is not None
                 else f'<row r="{number}">']
        for letter, made in zip(_LETTERS, cells, strict=False):
            if made is not None:
                parts.append(_cell_xml(f"{letter}{number}", *made))
        parts.append("</row>")
        self.file.write("".join(parts))


_LETTERS = [get_column_letter(n) for n in range(1, 41)]
# Characters XML 1.0 cannot carry (openpyxl refuses them too); YAML already refuses most.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_PENDING: WeakKeyDictionary[Workbook, list[Rows]] = WeakKeyDictionary()


def _cell_xml(ref: str, value: object, style: int) -> str:
    """One cell: numbers as numbers, everything else as inline text (never a formula)."""
    if value is None:
        return f'<c r="{ref}" s="{style}"/>'
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f'<c r="{ref}" s="{style}"><v>{value}</v></c>'
    text = xml_escape(_NOT_XML.sub("", str(value)))
    return f'<c r="{ref}" s="{style}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


# Each workbook's cell formats, by (font, alignment, border), registered once.
_STYLES: WeakKeyDictionary[Workbook, dict[tuple[int, int, int], int]] = WeakKeyDictionary()


def _style(ws: Any, font: Font, align: Alignment, border: Border | None) -> int:
    known = _STYLES.setdefault(ws.parent, {})
    key = (id(font), id(align), id(border))
    if key not in known:
        model = WriteOnlyCell(ws)
        model.font, model.alignment = font, align
        if border is not None:
            model.border = border
        known[key] = model.style_id
    return known[key]


def column_styles(ws: Any, font: Font, align: Sequence[Alignment]) -> list[int]:
    """The boxed body style of each column of a table."""
    return [_style(ws, font, a, BOX) for a in align]


def cell(ws: Any, value: object, font: Font = BODY, align: Alignment = LEFT,
         border: Border | None = BOX) -> Styled:
    """A cell whose text stays text: a name starting with ``=`` is not a formula."""
    return Styled(value, _style(ws, font, align, border))


def save(wb: Workbook, path: Path, as_of: str) -> None:
    """Save, splice in the rows written by ``Rows``, and pin the timestamps openpyxl sets
    to now, so output is deterministic."""
    stamp = datetime.fromisoformat(as_of)
    wb.properties.creator = "site-gen"
    wb.properties.created = stamp
    wb.save(path)
    rows = {f"xl/worksheets/sheet{wb.worksheets.index(r.ws) + 1}.xml": r
            for r in _PENDING.pop(wb, [])}
    try:
        normalize_zip(path, stamp, rows)
    finally:
        for written in rows.values():
            written.file.close()


_CORE_TIME = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")
_EMPTY_ROWS = (b"<sheetData></sheetData>", b"<sheetData />", b"<sheetData/>")


def normalize_zip(path: Path, stamp: datetime, rows: dict[str, Rows] | None = None) -> None:
    """Rewrite an .xlsx with fixed entry times and fixed document times, and each sheet
    named in ``rows`` with those rows as its data."""
    rows = rows or {}
    with zipfile.ZipFile(path) as source:
        entries = [(info.filename, source.read(info)) for info in source.infolist()]
    fixed = stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in entries:
            if name == "docProps/core.xml":
                data = _CORE_TIME.sub(rb"\g<1>" + fixed + rb"\g<2>", data)
            info = zipfile.ZipInfo(name, date_time=stamp.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            if name not in rows:
                target.writestr(info, data)
                continue
            empty = next(e for e in _EMPTY_ROWS if e in data)
            head, tail = data.split(empty, 1)
            written = rows[name].file
            written.seek(0)
            with target.open(info, "w") as entry:
                entry.write(head + b"<sheetData>")
                while chunk := written.read(1 << 20):
                    entry.write(chunk.encode("utf-8"))
                entry.write(b"</sheetData>" + tail)
