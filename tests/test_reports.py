"""``site-gen report``: the official workbooks, reopened with openpyxl (and xlrd for .xls)."""

from __future__ import annotations

import os
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from site_gen.rules import check_registry
from site_gen.spreadsheets import rows as report_rows
from site_gen.spreadsheets.xlsx import annex1_headers, write_statistics

from .conftest import CASES, DEMO_KEY, DEMO_PAPERS, REPO, build_case
from .test_contacts import keys

CITY = "示例市教育局"
HEADERS_2026 = ["序号", "账号（网站）名称", "开设单位", "认证主体", "类型", "问题排查情况", "是否整改",
                "是否具有互动功能", "是否建立内容发布审核制度", "是否委托其他单位运营",
                "2026年信息发布数量（条）", "账号负责人姓名", "账号负责人手机号", "账号负责人微信号",
                "备注"]
ANNEX2_COLUMNS = {"网站": {"网站"}, "微博": {"微博"}, "微信": {"微信公众号", "微信视频号"},
                  "头条号": {"头条号"}, "抖音号": {"抖音号"}, "移动端客户端": {"APP"},
                  "其他政务新媒体": {"快手号", "百家号", "哔哩哔哩", "小红书", "QQ", "小程序", "其他"}}


def report(run_cli, root: Path, out: Path, *args: str) -> list[str]:
    if "--as-of" in args and "--sent-on" not in args:  # file names carry the sending date
        args = (*args, "--sent-on", args[args.index("--as-of") + 1])
    if "--identity" not in args:  # as the README runs it: with the demo key
        args = (*args, "--identity", str(DEMO_KEY))
    result = run_cli("--root", str(root), "report", "--out", str(out), *args)
    assert result.returncode == 0, result
    return sorted(p.name for p in out.iterdir())


def annex1_rows(ws) -> list[list[object]]:
    values = [list(r) for r in ws.iter_rows(min_row=5, values_only=True)]
    return [r for r in values if isinstance(r[0], int)]


@pytest.mark.libreoffice
def test_every_bureau_gets_its_workbooks(run_cli, tmp_path: Path, demo_root: Path) -> None:
    names = report(run_cli, demo_root, tmp_path, "--as-of", "2026-11-23")
    expected = []
    for short in ("东城区教育局", CITY, "西城区教育局"):
        expected += [f"20261123{short}新媒体(网站)统计.xlsx", f"20261123{short}新媒体(网站)统计.zip",
                     f"20261123{short}新媒体(网站)备案汇总表.xlsx",
                     f"20261123{short}新媒体(网站)审计.xlsx", *DEMO_PAPERS[short]]
    assert names == sorted(expected)
    # What seed 002 says to send: 附件1 and 附件2 as .xls (the stamped scan is added by hand);
    # the internal audit stays out of it.
    with zipfile.ZipFile(tmp_path / f"20261123{CITY}新媒体(网站)统计.zip") as bundle:
        assert bundle.namelist() == [f"20261123{CITY}新媒体(网站)统计.xls"]
    audit_sheet = load_workbook(tmp_path / f"20261123{CITY}新媒体(网站)审计.xlsx")["审计"]
    assert [c.value for c in audit_sheet[3]][:4] == ["序号", "代码", "规则", "严重程度"]
    rules = [r[2] for r in audit_sheet.iter_rows(min_row=4, values_only=True)]
    assert "长期不更新（僵尸号）" in rules and "逾期备案" in rules and "同一平台多个账号" in rules


def test_annex1_looks_like_the_form(demo_reports: Path) -> None:
    wb = load_workbook(demo_reports / f"20261123{CITY}新媒体(网站)统计.xlsx")
    assert wb.sheetnames == ["附件1", "附件2"]
    ws = wb["附件1"]
    assert ws["A1"].value == "附件1"
    assert ws["A2"].value == "新媒体（网站）基本情况统计表" and "A2:O2" in ws.merged_cells
    assert ws["A2"].font.name == "黑体" and ws["B5"].font.name == "宋体"
    assert ws["A3"].value == f"填报单位（盖章）：{CITY}"
    assert ws["E3"].value == "统计数据截至2026年11月23日"
    contact = dict(check_registry(REPO, identities=keys(DEMO_KEY)).registry.units[""].contacts)["contact"]
    assert ws["I3"].value == f"填表人：{contact.name}" and ws["L3"].value == f"电话：{contact.phone}"
    assert ws["N3"].value == "年　　月　　日"
    assert [c.value for c in ws[4]] == HEADERS_2026
    assert ws.freeze_panes == "A5"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws["A5"].border.left.style == "thin"
    data = annex1_rows(ws)
    registry = check_registry(REPO).registry
    listed = report_rows.listed_accounts(registry, "", "2026-11-23")
    assert len(data) == len(listed) == 46  # 48 accounts less two deregistered before 2026
    assert [r[0] for r in data] == list(range(1, 47))
    last = ws.max_row
    assert ws.cell(last, 1).value.startswith("注：同一单位开设的多个新媒体（网站）账号")
    phones = [r[12] for r in data]
    assert all(isinstance(p, str) and len(p) == 11 for p in phones)
    types = {r[4] for r in data}
    assert {"微信公众号", "网站", "APP", "抖音号"} <= types
    assert {r[6] for r in data} <= {"是", "否", "-"} and {r[7] for r in data} <= {"是", "否"}


def test_annex2_agrees_with_annex1(run_cli, tmp_path: Path, without_libreoffice: None, demo_root: Path) -> None:
    report(run_cli, demo_root, tmp_path, "--as-of", "2025-12-31")
    wb = load_workbook(tmp_path / f"20251231{CITY}新媒体(网站)统计.xlsx")
    ws2 = wb["附件2"]
    assert ws2["A2"].value == "新媒体（网站）基本情况汇总表"
    assert [ws2.cell(4, c).value for c in range(1, 11)] == [
        "项目", "网站", "新媒体", None, None, None, None, None, "合计", "备注"]
    assert [ws2.cell(5, c).value for c in range(3, 9)] == [
        "微博", "微信", "头条号", "抖音号", "移动端客户端", "其他政务新媒体"]
    assert "C4:H4" in ws2.merged_cells
    labels = [ws2.cell(r, 1).value for r in range(6, 13)]
    assert labels == list(report_rows.SUMMARY_ROWS)
    table = {ws2.cell(r, 1).value: [ws2.cell(r, c).value for c in range(2, 10)] for r in range(6, 13)}
    data = annex1_rows(wb["附件1"])
    gone = [r for r in data if "注销" in (r[14] or "")]
    personal = [r for r in data if "个人账号" in (r[14] or "")]
    assert [r[2] for r in gone] == ["示例市西城区教育局"]  # deregistered in 2025: still listed
    assert all(r[1] != "示例一中" or r[4] != "微博" for r in data)  # deregistered in 2024: not
    own = [r for r in data if r not in gone and r not in personal]
    for index, (column, types) in enumerate(ANNEX2_COLUMNS.items()):
        assert table[report_rows.SUMMARY_ROWS[0]][index] == sum(r[4] in types for r in own), column
        assert table[report_rows.SUMMARY_ROWS[2]][index] == sum(
            r[4] in types and r[5] not in ("无问题", "未排查") for r in data), column
        assert table[report_rows.SUMMARY_ROWS[3]][index] == sum(
            r[4] in types and r[6] == "是" for r in data), column
        assert table[report_rows.SUMMARY_ROWS[4]][index] == sum(
            r[4] in types and r[7] == "是" for r in own), column
    for values in table.values():
        assert values[-1] == sum(values[:-1])  # 合计
    assert table[report_rows.SUMMARY_ROWS[1]][-1] == len(personal) == 1
    assert table[report_rows.SUMMARY_ROWS[0]][1] == 3  # 微博: the deregistered one not counted


def test_annex4_lists_the_years_filing_events(run_cli, tmp_path: Path,
                                              without_libreoffice: None, demo_root: Path) -> None:
    report(run_cli, demo_root, tmp_path, "--as-of", "2025-12-31", "--unit", "xicheng")
    ws = load_workbook(tmp_path / "20251231西城区教育局新媒体(网站)备案汇总表.xlsx")["附件4"]
    assert ws["A2"].value == "新媒体（网站）备案汇总表"
    assert [c.value for c in ws[3]] == ["序号", "账号（网站/APP）名称", "账号ID（网址）", "开设部门",
                                       "认证主体", "类型", "开通时间", "主管领导", "运维负责人",
                                       "联系电话", "备案类型"]
    events = [list(r) for r in ws.iter_rows(min_row=4, values_only=True) if isinstance(r[0], int)]
    assert [(e[1], e[5], e[10]) for e in events] == [("西城教育", "微博", "注销")]
    assert ws.cell(ws.max_row, 1).value.startswith("注：备案类型包括开设、变更、注销")
    report(run_cli, demo_root, tmp_path / "y2026", "--as-of", "2026-11-23", "--unit", "xicheng")
    ws26 = load_workbook(tmp_path / "y2026" / "20261123西城区教育局新媒体(网站)备案汇总表.xlsx")["附件4"]
    events = [list(r) for r in ws26.iter_rows(min_row=4, values_only=True) if isinstance(r[0], int)]
    assert [(e[1], e[10]) for e in events] == [("红旗小学", "开设")]


HOSTILE = """name: "=HYPERLINK(\\"https://evil.example\\",\\"点我\\")"
platform: weibo
account_id: "0123456789"
verified: true
certified_subject: "+SUM(A1:A9)"
opened_on: 2024-05-06
filed_on: 2024-05-08
status: active
interactive: true
content_review: true
followers: 10
last_post_on: 2024-12-20
posts:
  2024: 12
note: "@cmd|' /C calc'!A0 <b>&amp;</b> ]]> </t></is>"
contacts:
  supervisor:
    name: "-2+3"
    phone: 02037626715
  ops_lead:
    name: 李四
    phone: 02037626715
    wechat: 13900002222
"""


def test_cells_stay_text(run_cli, tmp_path: Path, without_libreoffice: None) -> None:
    root = build_case(CASES / "valid" / "minimal", tmp_path / "registry")
    (root / "filings" / "school" / "weibo--1234567890.yaml").unlink()
    (root / "filings" / "school" / "weibo--0123456789.yaml").write_text(HOSTILE, "utf-8")
    report(run_cli, root, tmp_path / "out", "--as-of", "2024-12-31", "--unit", "school")
    ws = load_workbook(tmp_path / "out" / "20241231测试一中新媒体(网站)统计.xlsx")["附件1"]
    row = ws[5]
    assert row[1].value == '=HYPERLINK("https://evil.example","点我")' and row[1].data_type == "s"
    assert row[3].value == "+SUM(A1:A9)" and row[3].data_type == "s"
    assert row[12].value == "02037626715" and row[12].data_type == "s"
    assert row[13].value == "13900002222" and row[13].data_type == "s"
    # Markup in a filing is text in the sheet's XML, never part of it.
    assert row[14].value == "@cmd|' /C calc'!A0 <b>&amp;</b> ]]> </t></is>"
    assert row[14].data_type == "s"
    forms = load_workbook(tmp_path / "out" / "20241231测试一中新媒体(网站)备案登记表.xlsx")
    annex3 = forms["附件3-001"]
    assert annex3["B4"].value.startswith("=HYPERLINK") and annex3["B4"].data_type == "s"
    assert annex3["B10"].value == "-2+3" and annex3["B10"].data_type == "s"
    assert annex3["D4"].value == "0123456789"


def test_unit_forms(run_cli, tmp_path: Path, demo_reports: Path,
                    without_libreoffice: None, demo_root: Path) -> None:
    names = report(run_cli, demo_root, tmp_path, "--as-of", "2026-11-23", "--unit",
                   "filings/shifan-xueyuan")
    forms = [n for n in names if n.endswith("备案登记表.xlsx")]
    assert forms == sorted(["20261123示例师院新媒体(网站)备案登记表.xlsx",
                            "20261123信息工程学院新媒体(网站)备案登记表.xlsx",
                            "20261123外国语学院新媒体(网站)备案登记表.xlsx",
                            "20261123师院图书馆新媒体(网站)备案登记表.xlsx"])
    wb = load_workbook(tmp_path / "20261123师院图书馆新媒体(网站)备案登记表.xlsx")
    assert wb.sheetnames == ["目录", "附件3-001", "年审-001", "附件3-002", "年审-002"]
    annex3 = wb["附件3-001"]
    assert annex3["A2"].value == "新媒体（网站）备案登记表" and "A2:D2" in annex3.merged_cells
    assert annex3["A4"].value == "账号/网站/APP 名称" and annex3["C4"].value == "账号 ID/网址"
    assert annex3["A9"].value == "相关人员" and annex3["A16"].value == "工作人员 3"
    # Seed 000's 三级审核: 责编 and 编辑 beside the 主管领导, opened with the demo key.
    assert [annex3[f"A{r}"].value for r in (10, 11, 12, 13)] == [
        "主管领导", "运维负责人", "责编（三级审核）", "编辑（三级审核）"]
    assert annex3["B12"].value and annex3["C12"].value == "责任编辑"
    assert annex3["B13"].value and annex3["C13"].value == "编辑"
    assert annex3["A19"].value.startswith("主管部门意见：") and "A19:D19" in annex3.merged_cells
    assert "主管单位（盖章）" in annex3["A19"].value
    assert annex3.page_setup.paperSize == 9 and annex3.page_setup.orientation == "portrait"
    assert annex3.sheet_properties.pageSetUpPr.fitToPage and annex3.page_setup.fitToWidth == 1
    assert annex3["A4"].border.top.style == "thin"
    assert wb["年审-001"]["D6"].value == "—"  # a mini program has no WeChat account type
    review = wb["年审-002"]
    # Seed 001's title, with the body it is filed with (the library's college) for the seed's.
    assert review["A2"].value == "示例师范学院新媒体账号备案表（年审）"
    assert [review[f"A{r}"].value for r in (13, 14, 15)] == [
        "单位意见", "学校新闻中心\n办公室意见", "党委宣传部意见"]
    assert [review[f"B{r}"].value for r in range(8, 13)] == ["责编", "编辑", "管理员", "管理员", "管理员"]
    # The unit's 第一责任人 (its head, seed 001 第八条) above the 单位意见 signature.
    assert re.match(r"第一责任人：\w+（\w+）\n", review["B13"].value), review["B13"].value
    assert review["A3"].value == "创建单位" and review["B3"].value == "示例师范学院图书馆"
    assert "☑服务号" in review["D6"].value and "☐订阅号" in review["D6"].value
    assert "单位负责人签字" in review["B13"].value and "B13:D13" in review.merged_cells
    # Only the named subtree gets the unit forms; the whole province never does.
    assert not any(p.name.endswith("备案登记表.xlsx") for p in demo_reports.iterdir())


@pytest.mark.libreoffice  # the .zip of .xls too
def test_output_is_deterministic(run_cli, tmp_path: Path, demo_root: Path) -> None:
    report(run_cli, demo_root, tmp_path / "a", "--as-of", "2026-11-23", "--unit", "dongcheng")
    report(run_cli, demo_root, tmp_path / "b", "--as-of", "2026-11-23", "--unit", "dongcheng")
    for file in (tmp_path / "a").iterdir():
        assert file.read_bytes() == (tmp_path / "b" / file.name).read_bytes(), file.name


def test_long_tables_split_into_continuation_sheets(tmp_path: Path) -> None:
    registry = check_registry(REPO).registry
    unit = registry.units[""]
    stats = report_rows.statistics_rows(registry, "", "2026-11-23")
    path = tmp_path / "split.xlsx"
    write_statistics(path, unit, "2026-11-23", stats, report_rows.summary_counts(stats), 20)
    wb = load_workbook(path)
    assert wb.sheetnames == ["附件1", "附件1（续1）", "附件1（续2）", "附件2"]
    numbers = [r[0] for name in wb.sheetnames[:3] for r in annex1_rows(wb[name])]
    assert numbers == list(range(1, len(stats) + 1))
    assert [c.value for c in wb["附件1（续2）"][4]] == annex1_headers("2026")


def test_bad_options_and_bad_data(run_cli, tmp_path: Path) -> None:
    bad = run_cli("--root", str(REPO), "report", "--as-of", "2026-13-01", "--out", str(tmp_path))
    assert bad.returncode == 2 and "YYYY-MM-DD" in bad.stderr
    nowhere = run_cli("--root", str(REPO), "report", "--unit", "nope", "--out", str(tmp_path))
    assert nowhere.returncode == 2 and "找不到单位" in nowhere.stderr
    root = build_case(CASES / "invalid" / "read-bom", tmp_path / "registry")
    broken = run_cli("--root", str(root), "report", "--out", str(tmp_path / "x"))
    assert broken.returncode == 1 and "E-READ-BOM" in broken.stdout
    assert not (tmp_path / "x").exists()


@pytest.mark.libreoffice
@pytest.mark.skipif(not os.environ.get("CI") and shutil.which("soffice") is None
                    and shutil.which("libreoffice") is None,
                    reason="needs LibreOffice (.ci/run installs it; under CI this never skips)")
def test_legacy_xls(run_cli, tmp_path: Path, demo_root: Path) -> None:
    import xlrd

    names = report(run_cli, demo_root, tmp_path, "--as-of", "2026-11-23", "--unit", "dongcheng",
                   "--format", "xls")
    assert "20261123东城区教育局新媒体(网站)统计.xls" in names
    assert "20261123东城区教育局新媒体(网站)备案汇总表.xls" in names
    book = xlrd.open_workbook(str(tmp_path / "20261123东城区教育局新媒体(网站)统计.xls"),
                              formatting_info=True)
    assert book.sheet_names() == ["附件1", "附件2"]
    sheet = book.sheet_by_name("附件1")
    assert sheet.row_values(3) == HEADERS_2026
    assert sheet.cell_value(1, 0) == "新媒体（网站）基本情况统计表"
    assert (1, 2, 0, 15) in sheet.merged_cells
    data = [sheet.row_values(r) for r in range(4, sheet.nrows) if sheet.cell_type(r, 0) == 2]
    assert len(data) == 12 and all(isinstance(r[12], str) and len(r[12]) == 11 for r in data)
    with zipfile.ZipFile(tmp_path / "20261123东城区教育局新媒体(网站)统计.zip") as bundle:
        assert bundle.namelist() == ["20261123东城区教育局新媒体(网站)统计.xls"]
