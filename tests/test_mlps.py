"""A website's filing numbers and 等级保护 (issue #24, point 5; seeds 003, 004): a warning
per missing number at validation, the yearly assessment of level 3 and up at validation and in
the audit, the block on apps and mini programs, and the demo's website without 公安联网备案号."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from site_gen import clock
from site_gen.audit import audit
from site_gen.rules import check_registry
from site_gen.rules.fields import mlps_assessment_lapse
from site_gen.rules.policy import add_months

from .conftest import CASES, REPO, build_case

SITE = "filings/school/website--www.ceshi1z.example.yaml"
APP = "filings/school/app--cn.example.ceshi1z.yaml"
COMPLETE = (CASES / "valid" / "website-complete" / "filings" / "school"
            / "website--www.ceshi1z.example.yaml").read_text("utf-8")
WEBSITE_LINE = 18  # the ``website:`` key in COMPLETE
XCZY = "filings/xicheng/zhiye-xuexiao/website--www.xczy.shili.example.yaml"


def registry(tmp_path: Path, text: str, file: str = SITE) -> Path:
    """The base registry with one filing, ``text``, at ``file``."""
    root = build_case(CASES / "valid" / "website-complete", tmp_path)
    (root / SITE).unlink()
    (root / file).write_text(text, "utf-8")
    return root


def without(text: str, field: str) -> str:
    return "".join(line for line in text.splitlines(keepends=True)
                   if not line.startswith(f"  {field}:"))


def level3(assessed_on: str | None) -> str:
    text = COMPLETE.replace("  mlps_level: 2\n", "  mlps_level: 3\n")
    if assessed_on is not None:
        text = text.replace("  mlps_graded_on: 2024-04-20\n",
                            f"  mlps_graded_on: 2024-04-20\n  mlps_assessed_on: {assessed_on}\n")
    return text


def found(run_cli, root: Path) -> list[tuple[str, str, int]]:
    result = run_cli("--root", str(root), "validate")
    assert result.returncode == 0, result  # warnings only: the filing still passes
    return [(m["code"], m["file"], int(m["line"])) for m in result.problems()]


def test_a_complete_website_passes_clean(tmp_path: Path, run_cli) -> None:
    assert found(run_cli, registry(tmp_path, COMPLETE)) == []


@pytest.mark.parametrize("field,code,where", [
    ("icp", "W-WEBSITE-ICP", "beian.miit.gov.cn"),
    ("psb", "W-WEBSITE-PSB", "beian.mps.gov.cn"),
    ("mlps_level", "W-WEBSITE-MLPS-LEVEL", "备案证明"),
    ("mlps_filing", "W-WEBSITE-MLPS-FILING", "《信息系统安全等级保护备案证明》"),
])
def test_each_missing_number_is_a_warning_at_the_website_line(
        tmp_path: Path, run_cli, field: str, code: str, where: str) -> None:
    root = registry(tmp_path, without(COMPLETE, field))
    result = run_cli("--root", str(root), "validate")
    assert result.returncode == 0, result
    assert [(m["code"], m["file"], int(m["line"])) for m in result.problems()] == [
        (code, SITE, WEBSITE_LINE)], result
    message = result.problems()[0]["message"]
    assert f"加上 {field}" in message and where in message, message


def test_an_empty_block_names_all_four_and_a_missing_block_points_at_the_platform(
        tmp_path: Path, run_cli) -> None:
    head = COMPLETE.split("website:")[0] + "last_post_on: 2024-05-06\n"
    root = registry(tmp_path, head + "website: {}\n")
    assert sorted(found(run_cli, root)) == sorted(
        (code, SITE, WEBSITE_LINE + 1) for code in ("W-WEBSITE-ICP", "W-WEBSITE-PSB",
                                                "W-WEBSITE-MLPS-LEVEL", "W-WEBSITE-MLPS-FILING"))
    (root / SITE).write_text(head, "utf-8")
    result = run_cli("--root", str(root), "validate")
    assert result.returncode == 1, result  # the schema requires the block
    codes = [(m["code"], int(m["line"])) for m in result.problems()]
    assert ("E-SCHEMA-REQUIRED", 1) in codes and ("W-WEBSITE-PSB", 2) in codes, result


def test_a_suspended_website_is_live_a_deregistered_one_is_not(tmp_path: Path, run_cli) -> None:
    text = without(COMPLETE, "psb")
    suspended = text.replace("status: active\n", "status: suspended\nsuspended_on: 2024-09-02\n"
                                                  "suspend_reason: 改版期间暂停访问\n")
    root = registry(tmp_path, suspended)
    assert found(run_cli, root) == [("W-WEBSITE-PSB", SITE, WEBSITE_LINE + 2)]
    gone = text.replace("status: active\n", "status: deregistered\nderegistered_on: 2025-06-30\n"
                                             "deregister_reason: 并入教育局网站群\n")
    (root / SITE).write_text(without(gone, "icp").replace("mlps_level: 2", "mlps_level: 3"),
                             "utf-8")
    assert found(run_cli, root) == []


def test_level_3_wants_an_assessment_within_the_last_twelve_months(
        tmp_path: Path, run_cli) -> None:
    today = clock.today()
    root = registry(tmp_path, level3(add_months(today, -11).isoformat()))
    assert found(run_cli, root) == []
    if (today.month, today.day) != (2, 29):  # a year before 29 February is 28 February
        (root / SITE).write_text(level3(add_months(today, -12).isoformat()), "utf-8")
        assert found(run_cli, root) == []  # a year to the day: not more than twelve months
    long_ago = add_months(today, -13).isoformat()
    (root / SITE).write_text(level3(long_ago), "utf-8")
    result = run_cli("--root", str(root), "validate")
    assert [(m["code"], int(m["line"])) for m in result.problems()] == [
        ("W-MLPS-ASSESSMENT", 24)], result  # the mlps_assessed_on line
    assert f"最近一次测评是 {long_ago}，已超过一年" in result.problems()[0]["message"]
    (root / SITE).write_text(level3(None), "utf-8")
    result = run_cli("--root", str(root), "validate")
    assert [(m["code"], int(m["line"])) for m in result.problems()] == [
        ("W-MLPS-ASSESSMENT", 21)], result  # no date: the mlps_level line
    assert "没有填写最近一次等级测评的日期" in result.problems()[0]["message"]


def test_level_2_needs_no_yearly_assessment(tmp_path: Path, run_cli) -> None:
    assert found(run_cli, registry(tmp_path, COMPLETE.replace(
        "  mlps_graded_on: 2024-04-20\n", "  mlps_graded_on: 2024-04-20\n  mlps_assessed_on: 2019-01-02\n"))) == []


@pytest.mark.parametrize("assessed_on,today,lapsed", [
    ("2025-03-10", "2026-03-10", False),  # the same date a year later: not more than a year
    ("2025-03-10", "2026-03-11", True),
    ("2024-02-29", "2025-02-28", False),  # 29 February: due on 28 February
    ("2024-02-29", "2025-03-01", True),
    ("2026-05-01", "2026-04-01", False),  # in the future: E-DATE-FUTURE says so, not this
    ("2025-02-30", "2026-04-01", False),  # not on the calendar: E-DATE-INVALID
])
def test_the_year_is_counted_on_the_calendar(assessed_on: str, today: str, lapsed: bool) -> None:
    assert (mlps_assessment_lapse(3, assessed_on, date.fromisoformat(today)) is not None) is lapsed
    assert mlps_assessment_lapse(2, assessed_on, date.fromisoformat(today)) is None
    assert mlps_assessment_lapse(None, assessed_on, date.fromisoformat(today)) is None


def test_the_dates_are_checked_like_every_other(tmp_path: Path, run_cli) -> None:
    ahead = add_months(clock.today(), 1).isoformat()
    root = registry(tmp_path, level3(ahead).replace("mlps_graded_on: 2024-04-20",
                                                    "mlps_graded_on: 2024-02-30"))
    result = run_cli("--root", str(root), "validate")
    assert result.returncode == 1, result
    assert sorted((m["code"], int(m["line"])) for m in result.problems()) == [
        ("E-DATE-FUTURE", 24), ("E-DATE-INVALID", 23)], result


APP_TEXT = COMPLETE.split("website:")[0].replace("platform: website", "platform: app").replace(
    "account_id: www.ceshi1z.example", "account_id: cn.example.ceshi1z") + (
    "last_post_on: 2024-05-06\napp:\n  edu_app_filing: 教APP备1100001号\n")


@pytest.mark.parametrize("platform,account_id,file", [
    ("app", "cn.example.ceshi1z", APP),
    ("mini_program", "wx5e1f0a9b3c7d2e99", "filings/school/mini_program--wx5e1f0a9b3c7d2e99.yaml"),
])
def test_an_app_or_mini_program_may_carry_the_block_without_missing_warnings(
        tmp_path: Path, run_cli, platform: str, account_id: str, file: str) -> None:
    text = APP_TEXT.replace("platform: app", f"platform: {platform}").replace(
        "account_id: cn.example.ceshi1z", f"account_id: {account_id}")
    if platform != "app":
        text = text.replace("app:\n  edu_app_filing: 教APP备1100001号\n", "")
    root = registry(tmp_path, text + "website:\n  mlps_level: 2\n", file)
    assert found(run_cli, root) == []
    (root / file).write_text(text + "website:\n  mlps_level: 3\n", "utf-8")
    line = text.count("\n") + 2
    assert found(run_cli, root) == [("W-MLPS-ASSESSMENT", file, line)]
    recent = add_months(clock.today(), -1).isoformat()
    (root / file).write_text(text + f"website:\n  mlps_level: 3\n  mlps_assessed_on: {recent}\n",
                             "utf-8")
    assert found(run_cli, root) == []


def test_other_platforms_still_may_not_carry_the_block(tmp_path: Path, run_cli) -> None:
    text = APP_TEXT.replace("platform: app", "platform: weibo").replace(
        "account_id: cn.example.ceshi1z", 'account_id: "6012300001"').replace(
        "app:\n  edu_app_filing: 教APP备1100001号\n", "website:\n  mlps_level: 2\n")
    root = registry(tmp_path, text, "filings/school/weibo--6012300001.yaml")
    result = run_cli("--root", str(root), "validate")
    assert result.returncode == 1, result
    (problem,) = result.problems()
    assert problem["code"] == "E-SCHEMA-NOT-ALLOWED" and "小程序" in problem["message"], result


def audited(root: Path, today: str, rule: str) -> list:
    outcome = check_registry(root, today=date.fromisoformat(today))
    assert outcome.errors == 0, outcome.problems
    return [f for f in audit(outcome.registry, date.fromisoformat(today)) if f.rule == rule]


def test_the_audit_names_a_missing_psb(tmp_path: Path) -> None:
    root = registry(tmp_path, without(COMPLETE, "psb"))
    (finding,) = audited(root, "2026-01-05", "website_filing")
    assert finding.code == "A-WEBSITE-FILING" and finding.details["missing"] == ["公安联网备案号"]
    assert "缺少公安联网备案号" in finding.message
    (root / SITE).write_text(COMPLETE, "utf-8")
    assert audited(root, "2026-01-05", "website_filing") == []


@pytest.mark.parametrize("today,expected", [("2026-03-10", False), ("2026-03-11", True)])
def test_the_audit_counts_the_assessment_year_to_its_own_day(
        tmp_path: Path, today: str, expected: bool) -> None:
    root = registry(tmp_path, level3("2025-03-10"))
    found = audited(root, today, "mlps_assessment")
    assert bool(found) is expected
    if found:
        assert found[0].code == "A-MLPS-ASSESSMENT" and found[0].severity == "medium"
        assert "2025-03-10" in found[0].message and found[0].details["level"] == 3


def test_the_audit_asks_an_app_of_level_3_for_its_assessment(tmp_path: Path) -> None:
    root = registry(tmp_path, APP_TEXT + "website:\n  mlps_level: 4\n", APP)
    (finding,) = audited(root, "2026-01-05", "mlps_assessment")
    assert finding.file == APP and "没有填写最近一次等级测评的日期" in finding.message
    assert audited(root, "2026-01-05", "website_filing") == []  # not a website


def test_the_demo_warns_about_the_vocational_schools_missing_psb(run_cli, demo_root: Path) -> None:
    result = run_cli("validate", cwd=REPO)
    assert result.returncode == 0, result
    assert ("W-WEBSITE-PSB", XCZY, 21) in [
        (m["code"], m["file"], int(m["line"])) for m in result.problems()], result
    report = json.loads(run_cli("audit", "--as-of", "2026-11-23", "--format", "json",
                                cwd=demo_root).stdout)
    (site,) = [f for f in report["findings"] if f["file"] == XCZY and f["rule"] == "website_filing"]
    assert site["details"]["missing"] == ["公安联网备案号"] and site["code"] == "A-WEBSITE-FILING"
