"""``site-gen audit``: every rule at its boundaries, on registries made in tmp_path."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from site_gen.audit import audit
from site_gen.rules import check_registry

from .conftest import CASES, REPO, build_case

TEMPLATE = (CASES / "valid" / "minimal" / "filings" / "school" / "weibo--1234567890.yaml").read_text("utf-8")


def uid(short: str) -> str:
    return f"60123{int(short):05d}"


def account(root: Path, unit: str, account_id: str, *, platform: str = "weibo", **fields: str) -> None:
    """Write a filing of ``unit`` from the minimal case, with ``fields`` replaced or added.
    A short number stands for a Weibo UID of ten digits (6012300001 for "1")."""
    if platform == "weibo" and account_id.isdigit() and len(account_id) < 5:
        account_id = uid(account_id)
    text = "".join(line for line in TEMPLATE.splitlines(keepends=True)
                   if not line.startswith("last_post_on:"))  # unreported unless a test says
    text = text.replace('account_id: "1234567890"', f'account_id: "{account_id}"')
    text = text.replace("platform: weibo", f"platform: {platform}")
    for key, value in fields.items():
        lines = [line for line in text.splitlines() if not line.startswith(f"{key}:")]
        text = "\n".join(lines) + f"\n{key}: {value}\n"
    if platform == "website":
        text += "website:\n  icp: 示ICP备12345678号\n  mlps_level: 2\n" if "website" not in fields else ""
    (root / "filings" / unit / f"{platform}--{account_id}.yaml").write_text(text, "utf-8")


def unit(root: Path, path: str, name: str, kind: str = "school") -> None:
    (root / "filings" / path).mkdir(parents=True, exist_ok=True)
    (root / "filings" / path / "_unit.yaml").write_text(
        f"name: {name}\nshort_name: {name[:4]}\nkind: {kind}\n", "utf-8")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    built = build_case(CASES / "valid" / "minimal", tmp_path)
    (built / "filings" / "school" / "weibo--1234567890.yaml").unlink()
    return built


def findings(root: Path, today: str, rule: str | None = None) -> list:
    outcome = check_registry(root)
    assert outcome.errors == 0, outcome.problems
    found = audit(outcome.registry, date.fromisoformat(today))
    return [f for f in found if rule is None or f.rule == rule]


@pytest.mark.parametrize("today,stage", [
    ("2026-02-28", None),          # two calendar months after 2025-12-31: not more
    ("2026-03-01", "整改通知"),     # more than two months
    ("2026-03-02", "整改通知"),
    ("2026-03-31", "整改通知"),
    ("2026-04-01", "公开通报"),     # a month after the notice
    ("2026-04-30", "公开通报"),
    ("2026-05-01", "关停"),        # a month after the public notice
])
def test_zombie_ladder(root: Path, today: str, stage: str | None) -> None:
    account(root, "school", "1", last_post_on="2025-12-31", annual_review_on="2026-01-01")
    found = findings(root, today, "zombie")
    assert [f.details["stage"] for f in found] == ([stage] if stage else [])
    if found:
        assert found[0].severity == "high" and stage in found[0].message


def test_unknown_activity_is_unreported_never_a_zombie(root: Path) -> None:
    account(root, "school", "1", opened_on="2025-01-02", filed_on="2025-01-03")
    account(root, "school", "2", last_post_on="2025-01-01", status="deregistered",
            deregistered_on="2025-06-30", deregister_reason="整合")
    assert findings(root, "2025-12-31", "zombie") == []  # no date reported: not measured
    unreported = findings(root, "2025-03-03", "unreported")
    assert [(f.account_id, f.code) for f in unreported] == [(uid("1"), "A-UNREPORTED")]
    assert unreported[0].details["missing"] == ["最近发布日期", "2025年信息发布数量", "粉丝量"]
    assert "开通" not in unreported[0].message and "天" not in unreported[0].message
    assert all(f.account_id != uid("2") for f in findings(root, "2025-12-31"))


def test_each_step_of_the_ladder_says_what_the_bureau_does(root: Path) -> None:
    account(root, "school", "1", last_post_on="2025-12-31", annual_review_on="2026-01-01")
    by_stage = {}
    for day in ("2026-03-01", "2026-04-01", "2026-05-01"):
        (finding,) = findings(root, day, "zombie")
        by_stage[finding.details["stage"]] = finding
    notice, public, shutdown = by_stage["整改通知"], by_stage["公开通报"], by_stage["关停"]
    assert "发出整改通知" in notice.message and "2026-04-01 前恢复更新" in notice.message
    assert "通报可写" in public.message and "2026-05-01 前完成整改" in public.message
    assert "关停" in shutdown.message and "备案文件保留" in shutdown.message
    assert shutdown.details["deadline"] is None
    assert len({f.message.split("阶段。")[1] for f in by_stage.values()}) == 3


def test_late_filing_over_a_holiday_and_a_working_weekend(root: Path) -> None:
    account(root, "school", "1", opened_on="2025-09-26", filed_on="2025-10-10")
    account(root, "school", "2", opened_on="2025-09-26", filed_on="2025-10-11")
    found = findings(root, "2025-12-01", "late_filing")
    assert [(f.account_id, f.details["working_days"]) for f in found] == [(uid("2"), 6)]


def test_late_filing_respects_the_registry_start(root: Path) -> None:
    account(root, "school", "1", opened_on="2019-09-02", filed_on="2020-10-20")
    assert findings(root, "2020-12-01", "late_filing") == []  # opened before 2020-01-01


def test_duplicate_platform(root: Path) -> None:
    account(root, "school", "1")
    account(root, "school", "2", name="测试一中招生")
    account(root, "school", "3", name="测试一中旧号", status="deregistered",
            deregistered_on="2024-06-01", deregister_reason="整合")
    account(root, "school", "4", name="测试一中校长", personal_capacity="true")
    found = findings(root, "2024-07-01", "duplicate_platform")
    assert sorted(f.account_id for f in found) == [uid("1"), uid("2")]
    assert found[0].details["count"] == 2


@pytest.mark.parametrize("review,today,due", [
    ("2025-03-01", "2026-03-01", False),
    ("2025-03-01", "2026-03-02", True),
    ("2024-02-29", "2025-02-28", False),
    ("2024-02-29", "2025-03-01", True),
    (None, "2025-01-03", False),  # a year since filing (2024-01-03)
    (None, "2025-01-04", True),
])
def test_annual_review_due(root: Path, review: str | None, today: str, due: bool) -> None:
    fields = {"last_post_on": today, "opened_on": "2024-01-02", "filed_on": "2024-01-03"}
    if review:
        fields["annual_review_on"] = review
    account(root, "school", "1", **fields)
    assert bool(findings(root, today, "annual_review_due")) is due


def test_lookalike_names(root: Path) -> None:
    unit(root, "other", "测试市第二中学")
    unit(root, "school/dept", "测试市第一中学团委", "department")
    unit(root, "dongcheng", "测试市东城区实验学校")
    unit(root, "xicheng", "测试市西城区实验学校")
    account(root, "school", "1", name="测试一中发布", opened_on="2024-01-02", filed_on="2024-01-02")  # the original
    account(root, "other", "2", name="测试一中发布厅")      # contains another unit's account name
    account(root, "other", "3", name="测试一忠发布")        # one character away
    account(root, "other", "4", name="测试市第一中学招生")   # contains another unit's name
    account(root, "school/dept", "5", name="测试市第一中学团委")  # its parent's name: fine
    account(root, "dongcheng", "6", name="东城实验学校")
    account(root, "xicheng", "7", name="西城实验学校")       # differs by its own unit's character
    found = findings(root, "2024-07-01", "lookalike_name")
    flagged = {(f.account_id, f.details["similar_to"]) for f in found}
    assert (uid("2"), "测试一中发布") in flagged and (uid("3"), "测试一中发布") in flagged
    assert (uid("4"), "测试市第一中学") in flagged
    assert not any(a in (uid("1"), uid("5"), uid("6"), uid("7")) for a, _ in flagged), flagged


@pytest.mark.parametrize("copy", ["测试一中 发布", "测试一中发布🎓", "测试一中　发布·", "测试一中发布！"])
def test_a_name_equal_after_folding_blames_the_copy(root: Path, run_cli, copy: str) -> None:
    unit(root, "other", "测试市第二中学")
    account(root, "school", "1", name="测试一中发布", opened_on="2024-01-02", filed_on="2024-01-02")
    account(root, "other", "2", name=f'"{copy}"')
    found = findings(root, "2024-07-01", "lookalike_name")
    assert [(f.account_id, f.file) for f in found] == [(uid("2"), f"filings/other/weibo--{uid('2')}.yaml")]
    result = run_cli("--root", str(root), "validate")
    warned = [(m["code"], m["file"]) for m in result.problems() if m["code"] == "W-LOOKALIKE-NAME"]
    assert warned == [("W-LOOKALIKE-NAME", f"filings/other/weibo--{uid('2')}.yaml")], result


def test_rules_added_from_the_seeds(root: Path) -> None:
    account(root, "school", "www.ceshi.example", platform="website", name="测试一中网站",
            website="\n  psb: 示公网安备 99010002000001号")
    account(root, "school", "cn.example.ceshi", platform="app", name="测试一中APP", app="{}")
    account(root, "school", "3", name="测试一中微博", content_review="false")
    account(root, "school", "4", name="测试一中头条", inspection="\n  result: 无更新\n  checked_on: 2024-06-01")
    rules = {(f.rule, f.account_id) for f in findings(root, "2024-07-01")}
    assert {("website_filing", "www.ceshi.example"), ("app_filing", "cn.example.ceshi"),
            ("content_review", uid("3")), ("unrectified", uid("4"))} <= rules
    site = next(f for f in findings(root, "2024-07-01", "website_filing"))
    assert site.details["missing"] == ["ICP 备案号", "网络安全等级保护定级备案"]


def test_demo_audit(run_cli, demo_root: Path) -> None:
    result = run_cli("audit", "--as-of", "2026-11-23", "--format", "json", cwd=demo_root)
    assert result.returncode == 0, result
    report = json.loads(result.stdout)
    assert report["as_of"] == "2026-11-23"
    found = {(f["rule"], f["account_id"]) for f in report["findings"]}
    assert ("zombie", "98000000102") in found
    assert ("late_filing", "xchqxx_2026") in found
    assert {("duplicate_platform", "shifan_xueyuan"), ("duplicate_platform", "shifan_zhaosheng")} <= found
    first = report["findings"][0]
    assert set(first) >= {"rule", "severity", "file", "account_id", "unit", "message"}
    zombie = next(f for f in report["findings"] if f["account_id"] == "98000000102")
    assert zombie["details"]["stage"] == "关停" and zombie["unit"] == "示例市东城区第二中学"


def test_audit_formats_and_options(run_cli, demo_root: Path) -> None:
    md = run_cli("audit", "--as-of", "2026-11-23", "--format", "markdown", cwd=demo_root)
    assert md.stdout.startswith("## 规则审计（截至 2026-11-23）")
    assert "| 长期不更新（僵尸号） | 2 |" in md.stdout
    text = run_cli("audit", "--as-of", "2026-11-23", "--unit", "xicheng", cwd=demo_root)
    assert text.stdout.splitlines()[-1] == "审计截至 2026-11-23：逾期备案 1 个。"
    bad = run_cli("audit", "--unit", "nowhere", cwd=REPO)
    assert bad.returncode == 2 and "找不到单位" in bad.stderr
