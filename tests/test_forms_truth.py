"""What a bureau signs must be true: 附件1 and 附件2 say what the audit says, unknowns stay
blank, 附件4 lists real changes with the changed items marked, and the legacy .xls keeps
the fonts, frozen header rows and row heights of the .xlsx."""

from __future__ import annotations

import json
import re
import struct
from pathlib import Path

import olefile
import pytest
from openpyxl import load_workbook

from site_gen import clock
from site_gen.rules import check_registry
from site_gen.spreadsheets.biff import compound_file, freeze_rows
from site_gen.spreadsheets.rows import FORM_TYPES

from .conftest import CASES, DEMO_AS_OF, DEMO_KEY, REPO
from .test_git import commit, edit
from .test_git import registry as registry  # noqa: F401 - a Git repository of the base registry

CITY = "示例市教育局"
AS_OF = DEMO_AS_OF  # the shared demo_reports


def run_report(run_cli, root: Path, out: Path, *args: str, as_of: str = AS_OF) -> None:
    result = run_cli("--root", str(root), "report", "--as-of", as_of, "--sent-on", AS_OF,
                     "--out", str(out), *args)
    assert result.returncode == 0, result


def annex1(path: Path) -> list[tuple[object, ...]]:
    ws = load_workbook(path)["附件1"]
    return [r for r in ws.iter_rows(min_row=5, values_only=True) if isinstance(r[0], int)]


def test_every_account_the_audit_flags_is_a_problem_in_annex1_and_annex2(
        run_cli, demo_reports: Path, demo_root: Path) -> None:
    audited = json.loads(run_cli("audit", "--as-of", AS_OF, "--format", "json",
                                 "--identity", DEMO_KEY, cwd=demo_root).stdout)["findings"]
    assert {f["rule"] for f in audited} >= {"zombie", "unreported", "late_filing",
                                            "duplicate_platform", "unrectified"}
    rows = annex1(demo_reports / f"20261123{CITY}新媒体(网站)统计.xlsx")
    names = {a.file: a.name for a in check_registry(REPO).registry.accounts}
    assert "no_chief_editor" in {f["rule"] for f in audited}  # opened with the key: said
    flagged = set()
    # The key holder's upkeep (contacts, 责编), remarks, and findings about a unit's lists (a
    # counterfeit case) are not problems of an account row.
    from site_gen.audit import MAINTENANCE_RULES, REMARK_RULES

    audited = [f for f in audited if f["file"] in names
               and f["rule"] not in MAINTENANCE_RULES | REMARK_RULES]
    for finding in audited:
        platform = finding["file"].rsplit("/", 1)[-1].split("--")[0]
        account = next(r for r in rows if r[2] == finding["unit"] and r[1] == names[finding["file"]]
                       and r[4] == FORM_TYPES[platform])
        flagged.add((account[1], account[2], account[4]))
        assert account[5] not in ("无问题", "未自查；规则审计未发现问题"), account
        assert finding["code"] not in (account[14] or ""), account  # 备注 speaks Chinese
        assert account[6] == "否", account
    wording = {f["code"]: f for f in audited}
    stage = wording["A-ZOMBIE"]["details"]["stage"]
    assert any(f"长期不更新（僵尸号）（{stage}阶段）" in r[5] for r in rows)
    problems = [r for r in rows if r[5] not in ("无问题", "未自查；规则审计未发现问题")]
    assert {(r[1], r[2], r[4]) for r in problems} == flagged  # nothing else is a problem
    annex2 = load_workbook(demo_reports / f"20261123{CITY}新媒体(网站)统计.xlsx")["附件2"]
    totals = {r[0]: r[8] for r in annex2.iter_rows(min_row=6, values_only=True)}
    assert totals["排查出有问题的新媒体（网站）数量（个）"] == len(problems)


def test_no_form_shows_a_number_the_filings_did_not_state(run_cli, demo_reports: Path, demo_root: Path) -> None:
    rows = annex1(demo_reports / f"20261123{CITY}新媒体(网站)统计.xlsx")
    silent = next(r for r in rows if r[1] == "示例师院图书馆座位预约")  # reports no posts
    assert silent[10] is None and "活跃情况未填报" in silent[5]
    stated = next(r for r in rows if r[1] == "示例一中" and r[4] == "抖音号")
    assert stated[10] == 118  # posts: 2026: 118 in its filing
    assert all(r[10] != 0 for r in rows)  # no filing states 0 posts
    audit = run_cli("audit", "--as-of", AS_OF, cwd=demo_root).stdout
    assert "自开通" not in audit and "示例师院图书馆座位预约" in audit


WEIBO = "filings/school/weibo--1234567890.yaml"


TODAY = clock.today()  # the commits below are made today: the report runs as of today
YEAR = str(TODAY.year)


def annex4(run_cli, root: Path, out: Path) -> list[tuple[object, ...]]:
    run_report(run_cli, root, out, as_of=TODAY.isoformat())
    ws = load_workbook(out / "20261123测试市教育局新媒体(网站)备案汇总表.xlsx")["附件4"]
    return [r for r in ws.iter_rows(min_row=4, values_only=True)
            if (r[1] is not None or r[0] == "无")
            and not str(r[0] or "").startswith(("填报部门", "注："))]


@pytest.mark.git
def test_annex4_lists_real_changes_with_the_items_marked(run_cli, registry: Path, tmp_path: Path,
                                                        without_libreoffice: None) -> None:
    text = (CASES / "valid" / "minimal" / WEIBO).read_text("utf-8")
    (registry / WEIBO).write_text(text.replace("filed_on: 2024-05-08", f"filed_on: {YEAR}-01-01")
                              .replace("opened_on: 2024-05-06", f"opened_on: {YEAR}-01-01")
                              .replace("last_post_on: 2024-05-06", f"last_post_on: {YEAR}-01-01"),
                              "utf-8")
    commit(registry, "开设")
    edit(registry, WEIBO, f"last_post_on: {YEAR}-01-01", f"last_post_on: {TODAY}\nfollowers: 900")
    commit(registry, "更新统计")  # figures only: not a 变更
    edit(registry, WEIBO, "name: 测试一中", "name: 测试一中发布")
    edit(registry, WEIBO, '"13900002222"', '"13900003333"')
    commit(registry, "变更名称和负责人电话")
    rows = annex4(run_cli, registry, tmp_path / "out")
    assert [r[10] for r in rows] == ["开设", "变更：账号/网站/APP 名称、运维负责人·电话"]
    changed = rows[1]
    assert changed[1] == "测试一中发布（变更）" and changed[9] == "13900003333（变更）"
    assert changed[8] == "李四" and not str(changed[2]).endswith("（变更）")
    ws = load_workbook(tmp_path / "out" / "20261123测试市教育局新媒体(网站)备案汇总表.xlsx")["附件4"]
    assert ws["B5"].font.b and not ws["C5"].font.b


@pytest.mark.git
def test_an_empty_period_says_none(run_cli, registry: Path, tmp_path: Path,
                                   without_libreoffice: None) -> None:
    (registry / WEIBO).write_text((CASES / "valid" / "minimal" / WEIBO).read_text("utf-8"), "utf-8")
    commit(registry, "开设")  # dated 2024 by its filed_on: nothing in 2026
    run_report(run_cli, registry, tmp_path / "out")
    ws = load_workbook(tmp_path / "out" / "20261123测试市教育局新媒体(网站)备案汇总表.xlsx")["附件4"]
    rows = [r for r in ws.iter_rows(min_row=4, values_only=True) if r[0] == "无" or r[1]]
    assert [r[0] for r in rows] == ["无"]


@pytest.mark.libreoffice
def test_the_xls_keeps_fonts_frozen_rows_and_row_heights(run_cli, tmp_path: Path, demo_root: Path) -> None:
    import xlrd

    run_report(run_cli, demo_root, tmp_path, "--format", "xls")
    book = xlrd.open_workbook(str(tmp_path / f"20261123{CITY}新媒体(网站)统计.xls"),
                              formatting_info=True)
    sheet = book.sheet_by_name("附件1")

    def font(row: int, column: int) -> str:
        return book.font_list[book.xf_list[sheet.cell_xf_index(row, column)].font_index].name

    assert sheet.cell_value(1, 0) == "新媒体（网站）基本情况统计表" and font(1, 0) == "黑体"
    assert font(3, 1) == "黑体" and font(4, 1) == "宋体"
    assert sheet.panes_are_frozen and sheet.horz_split_pos == 4
    assert book.sheet_by_name("附件2").horz_split_pos == 5
    assert sheet.rowinfo_map[1].height / 20 >= 31  # the title row (32 points, kept as 31.5)
    summary = xlrd.open_workbook(str(tmp_path / f"20261123{CITY}新媒体(网站)备案汇总表.xls"),
                                 formatting_info=True).sheet_by_name("附件4")
    assert summary.panes_are_frozen and summary.horz_split_pos == 3
    # A text wider than its column (a Chinese character is two units) wraps: two lines.
    from site_gen.spreadsheets.xlsx import ANNEX4_WIDTHS

    long = [r for r in range(3, summary.nrows) if isinstance(summary.cell_value(r, 0), float)
            and any(2 * len(str(summary.cell_value(r, c))) > width
                    for c, width in enumerate(ANNEX4_WIDTHS))]
    assert long and all(summary.rowinfo_map[r].height / 20 >= 30 for r in long)  # wrapped


def test_the_compound_file_holds_large_workbooks(tmp_path: Path) -> None:
    """Past 109 FAT sectors (about 7 MB) the FAT is listed in DIFAT sectors."""
    stream = bytes(range(256)) * (9 * 1024 * 1024 // 256)
    path = tmp_path / "big.xls"
    path.write_bytes(compound_file(stream))
    with olefile.OleFileIO(str(path)) as ole:
        assert ole.listdir() == [["Workbook"]]
        assert ole.openstream("Workbook").read() == stream


def test_freezing_moves_the_offsets_that_point_past_it() -> None:
    def record(kind: int, body: bytes) -> bytes:
        return struct.pack("<HH", kind, len(body)) + body

    def sheet(name: str) -> bytes:
        return (record(0x0809, bytes(16)) + record(0x023E, bytes(18)) + record(0x000A, b""))

    first, second = sheet("附件1"), sheet("附件2")
    globals_part = lambda offsets: (record(0x0809, bytes(16)) + b"".join(  # noqa: E731
        record(0x0085, struct.pack("<IBBBB", o, 0, 0, 3, 0) + n.encode("latin-1"))
        for o, n in zip(offsets, ("one", "two"), strict=True)) + record(0x000A, b""))
    size = len(globals_part([0, 0]))
    stream = globals_part([size, size + len(first)]) + first + second
    frozen = freeze_rows(stream, {"one": 4, "two": 5}.__getitem__)
    offsets = [struct.unpack_from("<I", frozen, at + 4)[0]
               for at in range(len(frozen)) if frozen[at:at + 2] == b"\x85\x00"][:2]
    assert frozen[offsets[0]:offsets[0] + 2] == b"\x09\x08"  # each still points at a BOF
    assert frozen[offsets[1]:offsets[1] + 2] == b"\x09\x08"
    assert offsets[1] - offsets[0] == len(first) + 14  # the first sheet grew by one PANE
    assert frozen.count(b"\x41\x00\x0a\x00") == 2


def test_no_module_outside_commands_prints_or_asks() -> None:
    package = REPO / "site_gen"
    speaking = re.compile(r"\bclick\.(echo|prompt|confirm|secho)\b|\bprint\(|sys\.std(out|err)\.write")
    found = [str(path.relative_to(package)) for path in package.rglob("*.py")
             if "commands" not in path.parts and path.name != "__main__.py"
             and speaking.search(path.read_text("utf-8"))]
    assert found == []


def test_unit_forms_print_whole(run_cli, tmp_path: Path, without_libreoffice: None) -> None:
    """Rows grow with their content, a website shows its address, the 目录 is a bordered table
    in the forms' fonts."""
    from .conftest import build_case

    root = build_case(CASES / "valid" / "website-url-subdomain", tmp_path / "registry")
    site = root / "filings" / "school" / "website--ceshi1z.example.yaml"
    address = "https://jw.ceshi1z.example/" + "xinxigongkai/" * 8 + "index.html"
    site.write_text(site.read_text("utf-8").replace(
        '"https://JW.ceshi1z.example/index.html"', f'"{address}"').replace(
        "name: 测试一中", "name: 测试市第一中学教务处信息公开与招生考试服务网站"), "utf-8")
    run_report(run_cli, root, tmp_path / "out", "--unit", "school", as_of="2024-12-31")
    wb = load_workbook(tmp_path / "out" / f"{AS_OF.replace('-', '')}测试一中新媒体(网站)备案登记表.xlsx")
    sheet = wb["附件3-001"]
    assert sheet["D4"].value == address  # a website has no ID but its address
    lines = -(-len(address) * 1.1 // (26 * 10 / 11 - 1.5))  # the address wraps this often
    assert sheet.row_dimensions[4].height >= lines * 15 > 30
    assert sheet.row_dimensions[5].height == 30  # short rows keep room to write by hand
    review = wb["年审-001"]
    assert review["B6"].value == address and review.row_dimensions[6].height > 30
    index = wb["目录"]
    assert index["A1"].value == "测试市第一中学新媒体（网站）备案登记表目录"
    assert [c.value for c in index[2]] == ["序号", "账号名称", "平台", "账号 ID/网址", "备案类型",
                                           "附件3", "年审"]
    assert index["A2"].font.name == "黑体" and index["B3"].font.name == "宋体"
    assert all(c.border.top.style == "thin" for c in index[3])
    assert index.row_dimensions[3].height > 20  # the long name and address wrap
