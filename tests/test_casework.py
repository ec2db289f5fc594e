"""The bureau's casework (docs/casework.md) on the demo registry and on dated Git histories:
recorded actions drive the ladder, a suspension is shown and counted, ``site-gen notices``
writes documents that LibreOffice opens, counterfeit cases keep their evidence internal, and
typed filing dates are compared with the day the filing arrived."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from site_gen.documents import document_text

from .conftest import CASES, DEMO_KEY
from .test_as_of import account, commit_on, write

SUSPENDED = "filings/dongcheng/dier-zhongxue/toutiao--98000000102.yaml"


def audited(run_cli, root: Path, day: str, *args: str) -> list[dict]:
    result = run_cli("--root", str(root), "audit", "--as-of", day, "--format", "json", *args)
    assert result.returncode == 0, result
    return json.loads(result.stdout)["findings"]


# The demo's 东城二中 今日头条 through the whole cycle (docs/casework.md's table).
@pytest.mark.parametrize("day,stage,said", [
    ("2026-07-08", None, None),
    ("2026-07-10", "整改通知", "整改通知应于 2026-07-09 发出，尚无记录"),
    ("2026-07-20", "整改通知", "已于 2026-07-13 发出整改通知（示东教函〔2026〕18号）"),
    ("2026-08-15", "公开通报", "公开通报应于 2026-08-13 发出，尚无记录"),
    ("2026-08-25", "公开通报", "已于 2026-08-20 公开通报（示东教〔2026〕22号）"),
    ("2026-09-21", "关停", "关停应于 2026-09-20 执行，尚无关停令记录"),
    ("2026-09-24", "关停", "已于 2026-09-24 下达暂停令（示东教函〔2026〕27号）"),
    ("2026-09-25", None, None),  # suspended that day: off the ladder
])
def test_one_account_through_the_whole_cycle(run_cli, demo_root: Path, day: str,
                                             stage: str | None, said: str | None) -> None:
    found = [f for f in audited(run_cli, demo_root, day) if f["file"] == SUSPENDED]
    zombie = [f for f in found if f["rule"] == "zombie"]
    assert [f["details"]["stage"] for f in zombie] == ([stage] if stage else [])
    if said:
        assert said in zombie[0]["message"], zombie[0]["message"]
    ordered = [f for f in found if f["rule"] == "order_not_carried_out"]
    assert len(ordered) == (day == "2026-09-24")


def test_the_suspension_is_shown_and_counted(run_cli, demo_root: Path, demo_site: Path,
                                             tmp_path: Path) -> None:
    said = "官方账号，自 2026-09-25 起暂停使用"
    lookup = run_cli("--root", str(demo_root), "lookup", "98000000102")
    assert lookup.returncode == 0 and lookup.stdout.startswith(said + "\n"), lookup
    answer = json.loads(run_cli("--root", str(demo_root), "lookup", "98000000102",
                                "--format", "json").stdout)
    assert answer["status"] == "official" and answer["matches"][0]["ps"] == "2026-09-25"
    pages = list((demo_site / "a").glob("*/index.html"))
    page = next(p.read_text("utf-8") for p in pages if "98000000102" in p.read_text("utf-8"))
    assert "官方账号，自 2026-09-25 起暂停使用" in page and "核验二维码" in page
    unit = (demo_site / "u" / "dongcheng" / "dier-zhongxue" / "index.html").read_text("utf-8")
    assert "sg-badge-suspended" in unit and "暂停使用" in unit
    stats = (demo_site / "statistics" / "index.html").read_text("utf-8")
    assert "1 个暂停使用" in stats
    data = json.loads((demo_site / "data" / "registry.json").read_text("utf-8"))
    record = next(a for a in data["accounts"] if a["account_id"] == "98000000102")
    assert record["status"] == "suspended" and record["suspended_on"] == "2026-09-25"
    # 附件1 counts it (not deregistered) and says why it is not in use.
    out = tmp_path / "reports"
    made = run_cli("--root", str(demo_root), "report", "--out", str(out), "--as-of",
                   "2026-11-23", "--unit", "dongcheng", "--identity", str(DEMO_KEY))
    assert made.returncode == 0, made
    stats_book = next(out.glob("*统计.xlsx"))
    rows = [r for r in load_workbook(stats_book)["附件1"].iter_rows(values_only=True)
            if r[1] == "东城二中"]
    assert rows and "自 2026-09-25 起暂停使用：长期未更新，经整改通知和公开通报后仍未整改" \
        "（示东教函〔2026〕27号）" in rows[0][14]


def test_the_public_notices_page_lists_only_recorded_notices(demo_site: Path) -> None:
    page = (demo_site / "notices" / "index.html").read_text("utf-8")
    assert "示东教〔2026〕22号" in page and "东城二中" in page and "暂停使用" in page
    assert "红旗小学" not in page  # due on 2026-11-15, not recorded: never published


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """``site-gen notices`` on a copy of the demo outside Git, on three days of the cycle."""
    from .conftest import REPO, invoke

    root = tmp_path_factory.mktemp("notices")
    shutil.copytree(REPO / "filings", root / "filings")
    shutil.copytree(REPO / "evidence", root / "evidence")
    found: dict[str, Path] = {}
    for day in ("2026-10-12", "2026-11-20", "2026-09-21"):
        out = root / "out" / day
        result = invoke("--root", str(root), "notices", "--as-of", day, "--out", str(out))
        assert result.returncode == 0, result
        found.update({f"{day}/{p.parent.name}/{p.name}": p for p in out.rglob("*.docx")})
    return found


def test_the_documents_due_are_written_for_the_issuing_bureau(documents: dict[str, Path]) -> None:
    names = sorted(documents)
    assert "2026-10-12/西城区教育局/20261012西城区教育局致红旗小学整改通知书.docx" in names
    assert "2026-11-20/西城区教育局/20261120西城区教育局致红旗小学通报（草稿）.docx" in names
    assert "2026-09-21/东城区教育局/20260921东城区教育局致东城二中关停通知.docx" in names
    # Recorded already: no second 整改通知书 for 红旗小学 once the notice is on record.
    assert not any(n.startswith("2026-11-20/") and "整改通知书" in n and "红旗小学" in n
                   for n in names)
    notice = document_text(documents["2026-10-12/西城区教育局/20261012西城区教育局致红旗小学整改通知书.docx"])
    assert "关于示例市西城区红旗小学新媒体账号长期未更新的整改通知" in notice
    assert "示例市西城区红旗小学：" in notice and "xchqxx_2026" in notice
    assert "请于2026年11月12日前恢复上述账号的更新" in notice
    assert "示例市西城区教育局" in notice and "2026年10月12日" in notice
    public = document_text(documents["2026-11-20/西城区教育局/20261120西城区教育局致红旗小学通报（草稿）.docx"])
    assert "2026年10月15日（示西教函〔2026〕31号）" in public and "草稿" in public
    shutdown = document_text(documents["2026-09-21/东城区教育局/20260921东城区教育局致东城二中关停通知.docx"])
    assert "示东教函〔2026〕18号" in shutdown and "示东教〔2026〕22号" in shutdown
    for path in documents.values():  # no contact ever reaches a document
        text = document_text(path)
        assert "139000" not in text and "demo_wx" not in text, path


def test_a_counterfeit_case_gets_its_letters_with_evidence_and_reports(
        documents: dict[str, Path]) -> None:
    letter = document_text(
        documents["2026-10-12/示例一中/20261012示例一中假冒账号1致抖音平台投诉函.docx"])
    assert "抖音平台运营方：" in letter and "shili1z_guanfang" in letter
    assert "evidence/diyi-zhongxue/2026-09-15-douyin-shili1z_guanfang.png" in letter
    assert "DY20260915-0042" in letter and "12377-2026-0922-1187" in letter
    cac = document_text(documents["2026-10-12/示例一中/20261012示例一中假冒账号1致网信部门举报材料.docx"])
    assert "网信部门" in cac and "举证并提出关停申请" in cac
    # As of a day before the second report, only the first is cited.
    early = [p for n, p in documents.items() if n.startswith("2026-09-21/示例一中/")
             and "抖音平台" in n]
    assert early and "12377-2026-0922-1187" not in document_text(early[0])


@pytest.mark.libreoffice
def test_libreoffice_opens_the_notice_and_the_text_is_there(documents: dict[str, Path],
                                                             tmp_path: Path) -> None:
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None or shutil.which("pdftotext") is None:
        pytest.skip("LibreOffice or pdftotext is not installed")
    copies = {"tongbao": "2026-11-20/西城区教育局/20261120西城区教育局致红旗小学通报（草稿）.docx",
              "zhenggai": "2026-10-12/西城区教育局/20261012西城区教育局致红旗小学整改通知书.docx"}
    for name, key in copies.items():
        shutil.copy(documents[key], tmp_path / f"{name}.docx")
    subprocess.run([office, f"-env:UserInstallation=file://{tmp_path}/lo", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path),
                    *(str(tmp_path / f"{name}.docx") for name in copies)],
                   check=True, capture_output=True, timeout=180)

    def text_of(name: str) -> str:
        text = subprocess.run(["pdftotext", "-layout", str(tmp_path / f"{name}.pdf"), "-"],
                              check=True, capture_output=True, text=True).stdout
        return "".join(text.split())

    tongbao, zhenggai = text_of("tongbao"), text_of("zhenggai")
    assert "关于示例市西城区红旗小学新媒体账号长期未更新的通报" in tongbao
    assert "xchqxx_2026" in tongbao and "示西教函〔2026〕31号" in tongbao and "各有关单位" in tongbao
    assert "关于示例市西城区红旗小学新媒体账号长期未更新的整改通知" in zhenggai
    assert "示例市西城区红旗小学：" in zhenggai and "2026年11月12日前恢复" in zhenggai
    assert "示例市西城区教育局" in zhenggai and "2026年10月12日" in zhenggai


def test_case_files_stay_internal(demo_site: Path) -> None:
    """Evidence, reports and reference numbers are the bureau's: never on the portal or in
    the open data."""
    generated = ("data", "counterfeits", "a", "u", "verify", "notices", "directory", "statistics")
    everything = "".join(p.read_text("utf-8", errors="replace")
                         for folder in generated for p in (demo_site / folder).rglob("*")
                         if p.suffix in (".html", ".json", ".csv"))
    everything += (demo_site / "index.html").read_text("utf-8")
    assert "示例一中官方" in everything  # the case itself is public
    for secret in ("DY20260915-0042", "12377-2026-0922-1187", "冒用学校名称和校徽", "2026-09-15-douyin",
                   "示东教函〔2026〕18号"):
        assert secret not in everything, secret


# Typed filing dates against the day each filing reached the registry (a dated history).
@pytest.fixture(scope="module")
def entered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = tmp_path_factory.mktemp("entered")
    subprocess.run(["cp", "-r", str(CASES / "base" / "filings"), str(repo)], check=True)
    subprocess.run(["git", "-C", str(repo), "init", "-q", "-b", "main"], check=True)
    # The registry begins: a paper filing of 2025, entered now (not compared).
    write(repo, "filings/school/weibo--1000000001.yaml",
          account("纸质号", "weibo", "1000000001", "2025-03-01", "2025-03-03", "2026-05-30"))
    commit_on(repo, "2026-05-01", "启用")
    # Typed 3 weeks before it arrived: flagged. Typed 5 days before: not.
    write(repo, "filings/school/weibo--1000000002.yaml",
          account("晚到号", "weibo", "1000000002", "2026-05-08", "2026-05-09", "2026-05-30"))
    write(repo, "filings/school/weibo--1000000003.yaml",
          account("准时号", "weibo", "1000000003", "2026-05-22", "2026-05-25", "2026-05-30"))
    commit_on(repo, "2026-05-30", "两个新号")
    # Suspended, then in use again: two 变更 in 附件4.
    path = repo / "filings/school/weibo--1000000003.yaml"
    text = path.read_text("utf-8")
    write(repo, "filings/school/weibo--1000000003.yaml", text.replace(
        "status: active\n", "status: suspended\nsuspended_on: 2026-06-10\n"
        "suspend_reason: 系统维护\nsuspend_order: 本单位决定\n"))
    commit_on(repo, "2026-06-10", "暂停")
    write(repo, "filings/school/weibo--1000000003.yaml", text)
    commit_on(repo, "2026-06-20", "恢复")
    return repo


def test_a_filing_date_typed_well_before_arrival_is_flagged(run_cli, entered: Path) -> None:
    found = [f for f in audited(run_cli, entered, "2026-06-30")
             if f["rule"] == "filed_late_entry"]
    assert [(f["account_id"], f["details"]) for f in found] == [
        ("1000000002", {"entered": "2026-05-30", "days": 21})]
    assert "备案日期写的是 2026-05-09，但 2026-05-30 才进入登记库" in found[0]["message"]


def test_suspending_and_resuming_are_changes_in_the_forms(run_cli, entered: Path,
                                                          tmp_path: Path) -> None:
    out = tmp_path / "reports"
    made = run_cli("--root", str(entered), "report", "--out", str(out), "--as-of", "2026-06-30",
                   "--sent-on", "2026-06-30")
    assert made.returncode == 0, made
    book = load_workbook(next(out.glob("*备案汇总表.xlsx")))
    kinds = [r[-1] for ws in book.worksheets for r in ws.iter_rows(values_only=True)
             if r and r[1] == "准时号"]
    assert kinds == ["开设", "变更：暂停使用", "变更：恢复使用"], kinds


def test_each_step_comes_from_whoever_recorded_the_step_before(run_cli, tmp_path: Path) -> None:
    """The city sent the 整改通知 to the district about a school's account: the 通报 draft is
    the city's, and cites the notice as it was sent. The root's own account can be recorded
    too (``to: ""``), so its ladder moves on."""
    from .conftest import REPO, invoke

    root = tmp_path / "registry"
    shutil.copytree(REPO / "filings", root / "filings")
    shutil.copytree(REPO / "evidence", root / "evidence")
    (root / "filings" / "dongcheng" / "_actions.yaml").unlink()
    filing = root / SUSPENDED
    filing.write_text("".join(line for line in filing.read_text("utf-8").splitlines(True)
                              if not line.startswith(("suspended_on", "suspend_"))
                              ).replace("status: suspended", "status: active"), "utf-8")
    (root / "filings" / "_actions.yaml").write_text(
        "- kind: rectification_notice\n  number: 示教函〔2026〕5号\n  issued_on: 2026-07-13\n"
        "  to: dongcheng\n  accounts: [toutiao--98000000102]\n  due_on: 2026-08-13\n"
        "- kind: rectification_notice\n  number: 示教函〔2026〕40号\n  issued_on: 2026-11-02\n"
        '  to: ""\n  accounts: [mini_program--wx5e1f0a9b3c7d2e41]\n  due_on: 2026-12-02\n', "utf-8")
    assert invoke("--root", str(root), "validate").returncode == 0
    out = tmp_path / "out"
    done = invoke("--root", str(root), "notices", "--as-of", "2026-12-03", "--out", str(out))
    assert done.returncode == 0, done
    made = {p.name: p for p in out.rglob("*.docx")}
    draft = document_text(made["20261203示例市教育局致东城二中通报（草稿）.docx"])
    assert made["20261203示例市教育局致东城二中通报（草稿）.docx"].parent.name == "示例市教育局"
    assert "示例市教育局于2026年7月13日（示教函〔2026〕5号）向示例市东城区教育局发出整改通知" in draft
    # The root's own mini program: its notice is recorded, the 通报 is due from 12-02.
    found = {f["account_id"]: f for f in audited(run_cli, root, "2026-12-03")
             if f["rule"] == "zombie"}
    assert found["wx5e1f0a9b3c7d2e41"]["details"]["stage"] == "公开通报"
    assert "20261203示例市教育局整改通知书.docx" not in made
    # Inside the registry's Git work tree, only an ignored folder is taken for documents.
    refused = run_cli("notices", "--out", "evidence/x", cwd=REPO)
    assert refused.returncode == 2 and "没有被 .gitignore 忽略" in refused.stderr, refused
    assert not (REPO / "evidence" / "x").exists()
