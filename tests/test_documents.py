"""The official-document writer (site_gen/documents.py): the text read back, the page and the
fonts GB/T 9704-2012 asks for, hostile text, byte-identical output, and the document as
LibreOffice prints it (one conversion for the module)."""

from __future__ import annotations

import re
import shutil
import subprocess
import time
import types
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from docx.text.paragraph import Paragraph

from site_gen.documents import (
    OfficialDocument,
    Table,
    chinese_date,
    document_text,
    write_document,
)

TITLE = "关于示例市红旗小学新媒体账号长期未更新的整改通知"
LONG_CELL = "长" * 200
ROWS = tuple((f"示例市第{i}小学", "微信公众号", f"shili{i}", str(180 + i), "超过180天未更新")
             for i in range(1, 41))
DOCUMENT = OfficialDocument(
    title=TITLE,
    recipient="示例市红旗小学",
    body=(
        "根据登记库2026年三季度审计结果，你校开设的政务新媒体账号长期未更新。"
        "现将有关情况通知如下，请于收到通知后10个工作日内完成整改。",
        "经核查，以下账号存在问题：<script>alert(1)</script> =1+1 控制\x01符 😀",
        Table(("单位", "平台", "账号名称", "未更新天数", "问题说明"),
              (*ROWS, ("=1+1", "<script>", "😀", "0", LONG_CELL)),
              widths=(3, 2, 2, 1.5, 3)),
        "特此通知。",
    ),
    issuer="示例市西城区教育局",
    dated="2026-10-09",
    number="西教函〔2026〕31号",
    issuer_header="示例市西城区教育局文件",
    attachments=("长期未更新账号清单", "账号注销报备表"),
    cc="示例市教育局",
    printed_by="示例市西城区教育局办公室",
    footer_note="本文件由登记库根据审计结果生成，请核对后用印",
)


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("document") / "notice.docx"
    write_document(DOCUMENT, path)
    return path


def paragraph_with(document: DocxDocument, text: str) -> Paragraph:
    return next(p for p in document.paragraphs if p.text == text)


def east_asian_fonts(paragraph: Paragraph) -> set[str | None]:
    return {run._element.rPr.rFonts.get(qn("w:eastAsia")) for run in paragraph.runs
            if run._element.rPr is not None and run._element.rPr.rFonts is not None}


def test_the_text_reads_back_in_order(written: Path) -> None:
    lines = document_text(written).split("\n")
    assert lines[:3] == ["示例市西城区教育局文件", "西教函〔2026〕31号", TITLE]
    assert lines[3] == "示例市红旗小学："
    assert lines[4].startswith("根据登记库2026年三季度审计结果")
    # Written as given, only the control character dropped.
    assert lines[5] == "经核查，以下账号存在问题：<script>alert(1)</script> =1+1 控制符 😀"
    assert lines[6] == "单位\t平台\t账号名称\t未更新天数\t问题说明"
    assert lines[7] == "示例市第1小学\t微信公众号\tshili1\t181\t超过180天未更新"
    assert lines[47] == f"=1+1\t<script>\t😀\t0\t{LONG_CELL}"
    assert lines[48:] == [
        "特此通知。", "附件：1.\t长期未更新账号清单", "2.\t账号注销报备表",
        "示例市西城区教育局", "2026年10月9日",
        "抄送：示例市教育局。", "示例市西城区教育局办公室\t2026年10月9日印发",
        "本文件由登记库根据审计结果生成，请核对后用印"]


def test_dates_are_printed_as_the_standard_asks() -> None:
    assert chinese_date("2026-10-09") == "2026年10月9日"
    assert chinese_date("2027-01-01") == "2027年1月1日"
    assert chinese_date("2026-12-31") == "2026年12月31日"
    for wrong in ("2026-02-30", "20261009", "2026-10-9", "２０２６-10-09", ""):
        with pytest.raises(ValueError):
            OfficialDocument(title="t", recipient="r", body=(), issuer="i", dated=wrong)


def test_page_margins_and_page_numbers(written: Path) -> None:
    document = Document(str(written))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = (section.top_margin, section.bottom_margin, section.left_margin,
               section.right_margin)
    assert [round(m.mm, 1) for m in margins] == [37.0, 35.0, 28.0, 26.0]
    assert document.settings.odd_and_even_pages_header_footer
    odd, even = section.footer.paragraphs[0], section.even_page_footer.paragraphs[0]
    for footer in (odd, even):
        assert footer.text == "— 1 —"  # the field's result until a program counts pages
        assert "PAGE" in "".join(footer._p.itertext())
        assert east_asian_fonts(footer) == {"宋体"} and footer.runs[0].font.size == Pt(14)
    assert odd.alignment == 2 and even.alignment == 0  # right, left


def test_fonts_sizes_and_lines(written: Path) -> None:
    document = Document(str(written))
    normal = document.styles["Normal"]
    assert normal.element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert normal.font.size == Pt(16)
    assert normal.paragraph_format.line_spacing == Pt(28.95)

    title = paragraph_with(document, TITLE)
    assert east_asian_fonts(title) == {"方正小标宋简体"} and title.runs[0].font.size == Pt(22)
    assert title.alignment == 1  # centred
    header = paragraph_with(document, "示例市西城区教育局文件")
    assert header.runs[0].font.color.rgb == RGBColor(0xFF, 0, 0)
    assert east_asian_fonts(header) == {"方正小标宋简体"}

    body = next(p for p in document.paragraphs if p.text.startswith("根据登记库"))
    assert east_asian_fonts(body) == {"仿宋_GB2312"} and body.runs[0].font.size == Pt(16)
    assert body.paragraph_format.first_line_indent == Pt(32)
    assert body.paragraph_format.line_spacing == Pt(28.95)

    date = paragraph_with(document, "2026年10月9日")
    assert date.alignment == 2 and date.paragraph_format.right_indent == Pt(64)

    table = document.tables[0]
    header_row = table.rows[0]
    assert header_row._tr.trPr.find(qn("w:tblHeader")) is not None  # repeated on each page
    for cell in header_row.cells:
        assert east_asian_fonts(cell.paragraphs[0]) == {"黑体"}
        assert cell.paragraphs[0].runs[0].font.bold
    cell = table.rows[1].cells[0].paragraphs[0]
    assert east_asian_fonts(cell) == {"仿宋_GB2312"} and cell.runs[0].font.size == Pt(12)
    assert table.style.name == "Table Grid"  # borders

    with zipfile.ZipFile(written) as package:
        fonts = package.read("word/fontTable.xml").decode()
    assert '<w:font w:name="仿宋_GB2312"><w:altName w:val="仿宋"/>' in fonts


def test_a_draft_says_so_on_every_page(tmp_path: Path, written: Path) -> None:
    path = tmp_path / "draft.docx"
    write_document(OfficialDocument(title="关于示例的通报", recipient="各学校",
                                    body=("内容。",), issuer="示例市教育局",
                                    dated="2026-10-09", draft=True), path)
    assert document_text(path).split("\n")[:2] == ["关于示例的通报", "（草稿）"]
    section = Document(str(path)).sections[0]
    for header in (section.header, section.even_page_header):
        assert "草稿" in header.paragraphs[0].text
    assert "草稿" not in document_text(written)
    assert not Document(str(written)).sections[0].header.paragraphs[0].text


def test_text_xml_cannot_hold_is_dropped_and_the_rest_kept(tmp_path: Path) -> None:
    hostile = "A\x00B\x0bC\x1fD\ud800E\ufffeF\r\nG\tH"
    path = tmp_path / "hostile.docx"
    write_document(OfficialDocument(
        title=hostile, recipient=hostile, body=(hostile, Table((hostile,), ((hostile,),))),
        issuer=hostile, dated="2026-10-09", number=hostile, issuer_header=hostile,
        attachments=(hostile,), cc=hostile, printed_by=hostile, draft=True,
        footer_note=hostile), path)
    text = document_text(path)
    assert "ABCDEF" in text and "G\tH" in text
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe]", text)


def test_a_table_is_checked_when_made() -> None:
    with pytest.raises(ValueError):
        Table(("a", "b"), (("1",),))
    with pytest.raises(ValueError):
        Table(("a", "b"), (), widths=(1,))
    with pytest.raises(ValueError):
        Table(("a",), (), widths=(0,))


def test_the_same_document_is_the_same_bytes(tmp_path: Path, written: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    # Another clock for zip entries' dates, as a later run would have: nothing changes.
    monkeypatch.setattr(zipfile, "time", types.SimpleNamespace(
        time=lambda: 1_000_000_000.0, localtime=time.localtime))
    again = tmp_path / "again.docx"
    write_document(DOCUMENT, again)
    assert again.read_bytes() == written.read_bytes()
    with zipfile.ZipFile(again) as package:
        assert {entry.date_time for entry in package.infolist()} == {(2026, 10, 9, 0, 0, 0)}
    properties = Document(str(again)).core_properties
    assert (properties.author, properties.last_modified_by) == ("site-gen", "site-gen")
    assert properties.created == properties.modified
    assert properties.created is not None and properties.created.date().isoformat() == "2026-10-09"


@pytest.fixture(scope="module")
def printed(written: Path, tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The PDF LibreOffice makes of the document: each page's text without white space
    (LibreOffice spaces Chinese from digits, ignoring w:autoSpaceDE; pdftotext says so)."""
    program = shutil.which("soffice") or shutil.which("libreoffice")
    if program is None:
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-writer-nogui)")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed (apt-get install poppler-utils)")
    out = tmp_path_factory.mktemp("pdf")
    done = subprocess.run(
        [program, f"-env:UserInstallation={(out / 'lo').as_uri()}", "--headless",
         "--norestore", "--convert-to", "pdf", "--outdir", str(out), str(written)],
        capture_output=True, text=True, timeout=300)
    pdf = out / "notice.pdf"
    assert pdf.is_file(), ("LibreOffice made no PDF (a .docx needs LibreOffice Writer: "
                           f"apt-get install libreoffice-writer-nogui)\n{done.stdout}{done.stderr}")
    text = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info), info
    return [re.sub(r"\s", "", page) for page in text.split("\f") if page.strip()]


@pytest.mark.libreoffice
def test_libreoffice_prints_it(printed: list[str]) -> None:
    first, everything = printed[0], "".join(printed)
    assert first.startswith("示例市西城区教育局文件西教函〔2026〕31号" + TITLE + "示例市红旗小学：")
    assert "<script>alert(1)</script>=1+1控制符😀" in everything
    assert "示例市第40小学微信公众号shili40220" in everything
    assert "长" * 8 in everything  # the long cell, wrapped
    assert "示例市西城区教育局2026年10月9日" in everything
    assert "示例市西城区教育局办公室2026年10月9日印发" in everything
    # The table runs over a page: its header row is printed again.
    assert everything.count("问题说明") >= 2
    for number, page in enumerate(printed, 1):  # page numbers
        assert f"—{number}—" in page
