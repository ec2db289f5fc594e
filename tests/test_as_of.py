"""``--as-of`` is time-true: report and audit as of a day describe the registry as it stood
on that day, from Git history, whatever was merged since — and they agree account by account.

One registry, committed on dated days (Beijing noon), is read as of several days:

====================  =========================================================================
2026-01-05            the units; 东风 (weibo, opened 2025-12-29); 老号 (douyin, last post 06-15)
2026-11-05            新号 (opened 2026-11-03: after 10-31)
2026-11-10            补录号 (opened 2026-10-29, filed 2026-11-03: existed on 10-31, filed later)
2026-11-12            东风 renamed 东风发布 (a 变更)
2026-11-30            老号 deregistered on 11-30 (a zombie on 10-31, no notice recorded)
====================  =========================================================================
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from .conftest import CASES

WEIBO = "filings/school/weibo--1000000001.yaml"
DOUYIN = "filings/school/douyin--laohao01.yaml"
NEW = "filings/school/weibo--1000000002.yaml"
LATE = "filings/school/wechat_official--buluhao01.yaml"
BUREAU = "测试市教育局"


def account(name: str, platform: str, account_id: str, opened: str, filed: str,
            last_post: str, extra: str = "") -> str:
    return (f"name: {name}\nplatform: {platform}\naccount_id: {account_id}\nverified: true\n"
            f"certified_subject: 测试市第一中学\nopened_on: {opened}\nfiled_on: {filed}\n"
            "status: active\ninteractive: true\ncontent_review: true\n"
            + ("wechat_kind: subscription\n" if platform == "wechat_official" else "")
            + "contacts:\n  supervisor:\n    name: 张三\n    phone: \"13900001111\"\n"
            "  ops_lead:\n    name: 李四\n    phone: \"13900002222\"\n"
            "  chief_editor:\n    name: 王五\n    phone: \"13900003333\"\n"
            f"last_post_on: {last_post}\nposts:\n  \"2026\": 40\nfollowers: 1200\n{extra}")


def commit_on(repo: Path, day: str, message: str) -> None:
    stamp = f"{day}T12:00:00+08:00"
    env = {**os.environ, "GIT_AUTHOR_NAME": "李填报", "GIT_COMMITTER_NAME": "王审核",
           "GIT_AUTHOR_EMAIL": "a@example.invalid", "GIT_COMMITTER_EMAIL": "a@example.invalid",
           "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
    for args in (["add", "-A"], ["commit", "-q", "-m", message]):
        subprocess.run(["git", "-C", str(repo), *args], check=True, env=env, capture_output=True)


def write(repo: Path, path: str, text: str) -> None:
    (repo / path).write_text(text, "utf-8")


@pytest.fixture(scope="module")
def dated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = tmp_path_factory.mktemp("dated")
    subprocess.run(["cp", "-r", str(CASES / "base" / "filings"), str(repo)], check=True)
    subprocess.run(["git", "-C", str(repo), "init", "-q", "-b", "main"], check=True)
    write(repo, WEIBO, account("东风", "weibo", "1000000001", "2025-12-29", "2026-01-05",
                               "2026-10-28"))
    write(repo, DOUYIN, account("老号", "douyin", "laohao01", "2025-03-01", "2025-03-03",
                                "2026-06-15"))
    commit_on(repo, "2026-01-05", "开设")
    write(repo, NEW, account("新号", "weibo", "1000000002", "2026-11-03", "2026-11-05",
                             "2026-11-04"))
    commit_on(repo, "2026-11-05", "开设新号")
    write(repo, LATE, account("补录号", "wechat_official", "buluhao01", "2026-10-29",
                              "2026-11-03", "2026-10-30"))
    commit_on(repo, "2026-11-10", "补录")
    text = (repo / WEIBO).read_text("utf-8").replace("name: 东风\n", "name: 东风发布\n")
    write(repo, WEIBO, text)
    commit_on(repo, "2026-11-12", "改名")
    text = (repo / DOUYIN).read_text("utf-8").replace(
        "status: active\n", "status: deregistered\n") + (
        "deregistered_on: 2026-11-30\nderegister_reason: 长期不更新，按要求关停\n")
    write(repo, DOUYIN, text)
    commit_on(repo, "2026-11-30", "注销老号")
    return repo


def audit_of(run_cli, root: Path, day: str) -> tuple[list[dict[str, object]], str]:
    done = run_cli("--root", str(root), "audit", "--as-of", day, "--format", "json")
    assert done.returncode == 0, done
    return json.loads(done.stdout)["findings"], done.stderr


def forms_of(run_cli, root: Path, out: Path, day: str) -> tuple[list[tuple], list[tuple], str]:
    done = run_cli("--root", str(root), "report", "--no-seal", "--as-of", day, "--sent-on", day,
                   "--out", str(out))
    assert done.returncode == 0, done
    stem = f"{day.replace('-', '')}{BUREAU}新媒体(网站)"
    annex1 = [r for r in load_workbook(out / f"{stem}统计.xlsx")["附件1"]
              .iter_rows(min_row=5, values_only=True) if isinstance(r[0], int)]
    annex4 = [r for r in load_workbook(out / f"{stem}备案汇总表.xlsx")["附件4"]
              .iter_rows(min_row=4, values_only=True) if isinstance(r[0], int)]
    return annex1, annex4, done.stderr


@pytest.mark.git
def test_as_of_the_cut_off_the_registry_of_that_day(run_cli, dated: Path, tmp_path: Path,
                                                    without_libreoffice: None) -> None:
    # Uncommitted work in the tree is not the registry of a past day either.
    write(dated, NEW.replace("1000000002", "1000000003"), account(
        "草稿", "weibo", "1000000003", "2026-01-01", "2026-01-02", "2026-10-01"))
    try:
        findings, said = audit_of(run_cli, dated, "2026-10-31")
        annex1, annex4, reported = forms_of(run_cli, dated, tmp_path, "2026-10-31")
    finally:
        (dated / NEW.replace("1000000002", "1000000003")).unlink()
    assert "按当天登记库的状态" in said and "之后合并的 4 次提交没有计入" in said
    assert "按当天登记库的状态" in reported
    # 附件1: the day's accounts and names; 新号 (opened 11-03) and the draft are not there.
    names = {r[1]: r for r in annex1}
    assert set(names) == {"东风", "老号", "补录号"}
    # 老号 was open on 10-31 (closed on 11-30), a zombie at the 关停 stage, counted as open.
    old = names["老号"]
    # No 整改通知 recorded (docs/casework.md): the ladder holds at its first step.
    assert "长期不更新（僵尸号）（整改通知阶段）" in old[5] and "注销" not in str(old[14])
    assert "僵尸号：整改通知阶段（自 2026-06-15 起未更新）" in str(old[14])
    assert old[6] == "否"
    # 补录号 existed on 10-31 and was filed on 11-03 (in time): counted and said so, no problem.
    late = names["补录号"]
    assert "截止日后补录：2026-11-03 才备案" in str(late[14]) and late[6] == "-"
    # The audit of the same day: the same accounts, the same problems.
    by_file = {}
    for f in findings:
        by_file.setdefault(f["file"], []).append(f["code"])
    assert by_file[DOUYIN] == ["A-ZOMBIE", "A-ANNUAL-REVIEW"]
    assert by_file[LATE] == ["A-FILED-AFTER-CUTOFF"]
    assert NEW not in by_file and WEIBO not in by_file
    assert any("东风" in f["message"] for f in findings) is False  # no finding for 东风
    problems = {r[1] for r in annex1 if r[6] != "-"}
    flagged = {f["file"] for f in findings if f["code"] != "A-FILED-AFTER-CUTOFF"}
    assert problems == {"老号"} and flagged == {DOUYIN}
    # 附件4: the year's events up to the day only (老号 was filed in 2025), no 变更 or 注销
    # from November.
    assert sorted((r[1], r[10]) for r in annex4) == [("东风", "开设")]


@pytest.mark.git
def test_later_days_see_the_later_registry(run_cli, dated: Path, tmp_path: Path,
                                           without_libreoffice: None) -> None:
    annex1, annex4, _ = forms_of(run_cli, dated, tmp_path / "nov", "2026-11-30")
    names = {r[1]: r for r in annex1}
    assert set(names) == {"东风发布", "老号", "新号", "补录号"}
    assert "已于 2026-11-30 注销" in str(names["老号"][14])
    assert "补录" not in str(names["补录号"][14])  # filed by 11-30: nothing late about it
    kinds = sorted((r[1], r[10]) for r in annex4)
    assert ("东风发布（变更）", "变更：账号/网站/APP 名称") in kinds and ("老号", "注销") in kinds
    # Each row shows the account as its event left it: January's 开设 was of 东风.
    assert ("东风", "开设") in kinds and ("东风发布", "开设") not in kinds
    assert ("新号", "开设") in kinds and ("补录号", "开设") in kinds
    findings, _ = audit_of(run_cli, dated, "2026-11-30")
    assert not any(f["file"] == DOUYIN for f in findings)  # closed: no longer a zombie
    # Before the first filing of 补录号's kind: 2026-06-30 has only the January accounts.
    early, _, said = forms_of(run_cli, dated, tmp_path / "jun", "2026-06-30")
    assert {r[1] for r in early} == {"东风", "老号"}
    assert "之后合并的 4 次提交没有计入" in said


@pytest.mark.git
def test_days_before_the_registry_was_in_git(run_cli, dated: Path) -> None:
    done = run_cli("--root", str(dated), "audit", "--as-of", "2025-02-01")
    assert done.returncode == 2 and "还没有任何备案" in done.stderr, done
    # On 2025-12-31 nothing was in Git yet. 老号 (opened 2025-03-01, filed 03-03 on paper)
    # existed and was filed: counted, not late. 东风 (opened 12-29, filed 2026-01-05)
    # existed and was not filed yet: counted, marked late.
    findings, said = audit_of(run_cli, dated, "2025-12-31")
    assert "还没有任何提交" in said and "备案日期不晚于 2025-12-31" in said
    assert [f["file"] for f in findings if f["code"] == "A-FILED-AFTER-CUTOFF"] == [WEIBO]


def test_outside_git_the_run_says_it_dates_back(run_cli, tmp_path: Path) -> None:
    subprocess.run(["cp", "-r", str(CASES / "base" / "filings"), str(tmp_path)], check=True)
    write(tmp_path, WEIBO, account("东风", "weibo", "1000000001", "2025-12-29", "2026-01-05",
                                   "2026-10-28"))
    findings, said = audit_of(run_cli, tmp_path, "2026-10-31")
    assert "不在 Git 仓库里" in said and "之后的变更也算在内" in said


def annex3(out: Path, day: str) -> dict[str, object]:
    """The unit's 附件3 sheets by account name (the 目录 lists them)."""
    wb = load_workbook(out / f"{day.replace('-', '')}测试一中新媒体(网站)备案登记表.xlsx")
    listed = [r for r in wb["目录"].iter_rows(min_row=3, values_only=True) if r[0]]
    return {str(r[1]).removesuffix("（变更）"): (wb[str(r[5])], r) for r in listed}


@pytest.mark.git
def test_annex3_says_the_latest_filing_event_of_the_day(run_cli, dated: Path, tmp_path: Path,
                                                        without_libreoffice: None) -> None:
    for day in ("2026-10-31", "2026-11-30"):
        done = run_cli("--root", str(dated), "report", "--no-seal", "--unit", "school",
                       "--as-of", day, "--sent-on", day, "--out", str(tmp_path / day))
        assert done.returncode == 0, done
    before, after = annex3(tmp_path / "2026-10-31", "2026-10-31"), annex3(
        tmp_path / "2026-11-30", "2026-11-30")
    sheet, listed = before["东风"]
    assert sheet["D8"].value == "开设" and sheet["B4"].value == "东风" and listed[4] == "开设"
    assert sheet["D4"].value == "1000000001"  # the ID, not an address
    # 11-12's rename is a 变更: the item named in 备案类型, its cell marked, the rest not.
    sheet, listed = after["东风发布"]
    assert sheet["D8"].value == "变更：账号/网站/APP 名称" == listed[4]
    assert sheet["B4"].value == "东风发布（变更）" and sheet["B4"].font.b
    assert sheet["D4"].value == "1000000001" and not sheet["D4"].font.b
    assert after["老号"][0]["D8"].value == "注销" and after["新号"][0]["D8"].value == "开设"
    assert before["老号"][0]["D8"].value == "开设"  # closed only on 11-30


def fresh(tmp_path: Path, dongfeng: bool = False) -> Path:
    """The base registry in Git (reports go to its ignored dist/); with ``dongfeng``, 东风
    filed on 2026-01-05."""
    repo = tmp_path / "registry"
    repo.mkdir()
    subprocess.run(["cp", "-r", str(CASES / "base" / "filings"), str(repo)], check=True)
    (repo / ".gitignore").write_text("/dist/\n", "utf-8")
    subprocess.run(["git", "-C", str(repo), "init", "-q", "-b", "main"], check=True)
    if dongfeng:
        write(repo, WEIBO, account("东风", "weibo", "1000000001", "2026-01-02", "2026-01-05", "2026-10-28"))
        commit_on(repo, "2026-01-05", "开设")
    return repo


@pytest.mark.git
def test_what_the_main_line_had_not_approved_by_the_day_is_not_counted(
        run_cli, tmp_path: Path, without_libreoffice: None) -> None:
    repo = fresh(tmp_path, dongfeng=True)
    # Uncommitted work: not the registry of a past day, and the run says so.
    write(repo, WEIBO, (repo / WEIBO).read_text("utf-8").replace("name: 东风\n", "name: 草稿名\n"))
    findings, said = audit_of(run_cli, repo, "2026-10-31")
    annex1, _, reported = forms_of(run_cli, repo, repo / "dist" / "a", "2026-10-31")
    assert [r[1] for r in annex1] == ["东风"] and "没有提交的修改" in said and "没有计入" in reported
    subprocess.run(["git", "-C", str(repo), "checkout", "-q", "--", "."], check=True)
    # A clock set wrong: a rename made after the day, then a commit claiming an earlier date.
    write(repo, WEIBO, (repo / WEIBO).read_text("utf-8").replace("name: 东风\n", "name: 东风发布\n"))
    commit_on(repo, "2026-11-05", "改名")
    write(repo, DOUYIN, account("老号", "douyin", "laohao01", "2025-03-01", "2025-03-03", "2026-06-15"))
    commit_on(repo, "2026-10-30", "时钟不准")
    annex1, annex4, reported = forms_of(run_cli, repo, repo / "dist" / "b", "2026-10-31")
    assert {r[1] for r in annex1} == {"东风", "老号"}  # 老号 filed by then (on paper): counted
    assert "时间早于它前面的提交" in reported
    assert [r[10] for r in annex4] == ["开设"]  # no 变更 of 东风 before the rename's turn


@pytest.mark.git
def test_a_file_replaced_by_another_account_is_not_its_history(
        run_cli, tmp_path: Path, without_libreoffice: None) -> None:
    repo = fresh(tmp_path)
    old = "filings/school/douyin--dy_b.yaml"
    new = "filings/school/kuaishou--ks_new.yaml"
    write(repo, old, account("示例抖音", "douyin", "dy_b", "2026-01-02", "2026-01-05", "2026-10-28"))
    commit_on(repo, "2026-01-05", "开设")
    (repo / old).unlink()  # so alike that Git would call it a rename
    write(repo, new, account("示例快手", "kuaishou", "ks_new", "2026-10-20", "2026-12-01", "2026-10-28"))
    commit_on(repo, "2026-12-01", "换了一个账号")
    annex1, _, _ = forms_of(run_cli, repo, repo / "dist" / "a", "2026-10-31")
    assert {r[1] for r in annex1} == {"示例抖音", "示例快手"}  # each as it was on the day
    _, annex4, _ = forms_of(run_cli, repo, repo / "dist" / "b", "2026-12-01")
    assert ("示例快手", "开设") in [(r[1], r[10]) for r in annex4]  # a new filing, not a 变更
    assert not [r for r in annex4 if str(r[10]).startswith("变更")]


@pytest.mark.git
def test_a_late_filing_first_written_wrong_counts_in_its_current_version(
        run_cli, tmp_path: Path, without_libreoffice: None) -> None:
    repo = fresh(tmp_path, dongfeng=True)
    late = "filings/school/douyin--late_b.yaml"
    write(repo, late, account("补录", "douyin", "late_b", "2026-10-26", "2026-11-03", "2026-10-28")
          .replace("interactive: true", "interactive: 是的"))
    commit_on(repo, "2026-11-03", "补录（写错了）")
    write(repo, late, (repo / late).read_text("utf-8").replace("interactive: 是的", "interactive: true"))
    commit_on(repo, "2026-11-04", "改正")
    annex1, _, reported = forms_of(run_cli, repo, repo / "dist" / "a", "2026-10-31")
    assert {r[1] for r in annex1} == {"东风", "补录"} and "已改用现在的版本" in reported


@pytest.mark.git
def test_each_event_counts_for_the_unit_the_file_was_in(
        run_cli, tmp_path: Path, without_libreoffice: None) -> None:
    repo = fresh(tmp_path, dongfeng=True)
    (repo / "filings" / "school2").mkdir()
    (repo / "filings" / "school2" / "_unit.yaml").write_text(
        "name: 测试市第二中学\nshort_name: 测试二中\nkind: school\n", "utf-8")
    write(repo, WEIBO, (repo / WEIBO).read_text("utf-8").replace('phone: "13900002222"', 'phone: "13900003333"'))
    commit_on(repo, "2026-03-05", "换电话")
    subprocess.run(["git", "-C", str(repo), "mv", WEIBO, WEIBO.replace("school/", "school2/")], check=True)
    commit_on(repo, "2026-07-10", "移到二中")
    done = run_cli("--root", str(repo), "report", "--no-seal", "--unit", "school", "--as-of", "2026-10-31",
                   "--sent-on", "2026-10-31", "--out", str(repo / "dist" / "a"))
    assert done.returncode == 0, done
    stem = "20261031测试一中新媒体(网站)备案汇总表.xlsx"
    rows = [r for r in load_workbook(repo / "dist" / "a" / stem)["附件4"].iter_rows(min_row=4, values_only=True)
            if isinstance(r[0], int)]
    # The school's own two filings of the year, in its name, though the account moved since.
    assert [(r[3], r[10]) for r in rows][:2] == [("测试市第一中学", "开设"),
                                                 ("测试市第一中学", "变更：运维负责人·电话")]
    # 附件3 of the school (as of March, before the move) marks the phone cell, not the name.
    done = run_cli("--root", str(repo), "report", "--no-seal", "--unit", "school", "--as-of", "2026-03-31",
                   "--sent-on", "2026-03-31", "--out", str(repo / "dist" / "b"))
    assert done.returncode == 0, done
    sheet = load_workbook(repo / "dist" / "b" / "20260331测试一中新媒体(网站)备案登记表.xlsx")["附件3-001"]
    assert sheet["D11"].value.endswith("（变更）") and not str(sheet["B11"].value).endswith("（变更）")
