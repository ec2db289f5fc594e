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


def actions(root: Path, *items: tuple[str, str], to: str = "school",
            name: str = "weibo--6012300001") -> None:
    """The root bureau's ``_actions.yaml``: (kind, issued_on) each, about ``name``."""
    extra = {"rectification_notice": "  number: 示教函〔2026〕1号\n  due_on: {due}\n",
             "public_notice": "  published_at: 示例局网站\n",
             "suspension_order": "  number: 示教函〔2026〕3号\n",
             "shutdown_order": "  number: 示教函〔2026〕4号\n"}
    text = "".join(f"- kind: {kind}\n  issued_on: {day}\n  to: {to}\n  accounts: [{name}]\n"
                   + extra[kind].format(due=day) for kind, day in items)
    (root / "filings" / "_actions.yaml").write_text(text or "[]\n", "utf-8")


RECORDED = (("rectification_notice", "2026-03-01"), ("public_notice", "2026-04-01"),
            ("shutdown_order", "2026-05-01"))


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
    actions(root, *RECORDED)  # each action recorded on the first day of its step
    found = findings(root, today, "zombie")
    assert [f.details["stage"] for f in found] == ([stage] if stage else [])
    if found:
        assert found[0].severity == "high" and stage in found[0].message
        assert found[0].details["recorded"]["issued_on"] == {
            "整改通知": "2026-03-01", "公开通报": "2026-04-01", "关停": "2026-05-01"}[stage]


@pytest.mark.parametrize("recorded,today,stage,next_day,said", [
    # Nothing recorded: the ladder holds at 整改通知 however long, and says it is due.
    ((), "2026-06-30", "整改通知", None, "整改通知应于 2026-03-01 发出，尚无记录"),
    # A notice sent late counts from its own day: the 通报 a calendar month after it.
    ((("rectification_notice", "2026-03-20"),), "2026-04-19", "整改通知", "2026-04-20",
     "已于 2026-03-20 发出整改通知（示教函〔2026〕1号）"),
    ((("rectification_notice", "2026-03-20"),), "2026-04-20", "公开通报", None,
     "公开通报应于 2026-04-20 发出，尚无记录"),
    ((("rectification_notice", "2026-03-20"), ("public_notice", "2026-05-10")), "2026-06-09",
     "公开通报", "2026-06-10", "已于 2026-05-10 公开通报"),
    ((("rectification_notice", "2026-03-20"), ("public_notice", "2026-05-10")), "2026-06-10",
     "关停", None, "关停应于 2026-06-10 执行，尚无关停令记录"),
    # A notice from before the last post belongs to an earlier episode: not counted.
    ((("rectification_notice", "2025-11-01"),), "2026-06-30", "整改通知", None, "尚无记录"),
    # A notice recorded after the audit day does not count on that day.
    ((("rectification_notice", "2026-07-01"),), "2026-06-30", "整改通知", None, "尚无记录"),
])
def test_the_ladder_counts_from_the_recorded_actions(
        root: Path, recorded: tuple, today: str, stage: str, next_day: str | None,
        said: str) -> None:
    account(root, "school", "1", last_post_on="2025-12-31", annual_review_on="2026-01-01")
    if recorded:
        actions(root, *recorded)
    (finding,) = findings(root, today, "zombie")
    assert finding.details["stage"] == stage and finding.details["deadline"] == next_day
    assert said in finding.message, finding.message


def test_an_order_not_carried_out_and_a_suspension_that_stops_the_ladder(root: Path) -> None:
    account(root, "school", "1", last_post_on="2025-12-31", annual_review_on="2026-01-01")
    actions(root, *RECORDED[:2], ("suspension_order", "2026-05-03"))
    found = findings(root, "2026-05-04")
    orders = [f for f in found if f.rule == "order_not_carried_out"]
    assert [f.details["order"]["number"] for f in orders] == ["示教函〔2026〕3号"]
    assert "暂停令（示教函〔2026〕3号，2026-05-03）已下达" in orders[0].message
    zombie = next(f for f in found if f.rule == "zombie")
    assert zombie.details["stage"] == "关停" and "已于 2026-05-03 下达暂停令" in zombie.message
    # Suspended as ordered: off the ladder, and the order is carried out.
    account(root, "school", "1", last_post_on="2025-12-31", annual_review_on="2026-01-01",
            status="suspended", suspended_on="2026-05-04", suspend_reason="长期未更新",
            suspend_order="示教函〔2026〕3号")
    assert [f.rule for f in findings(root, "2026-05-05")
            if f.rule in ("zombie", "order_not_carried_out", "unreported")] == []


def test_an_action_outside_the_issuers_subtree_is_refused(root: Path) -> None:
    account(root, "school", "1", last_post_on="2025-12-31")
    unit(root, "other", "另一学校")
    (root / "filings" / "other" / "_actions.yaml").write_text(
        "- kind: public_notice\n  issued_on: 2026-04-01\n  to: school\n"
        "  accounts: [weibo--6012300001]\n  published_at: 网站\n"
        "- kind: public_notice\n  issued_on: 2026-04-01\n  to: other\n"
        "  accounts: [weibo--6012300001, weibo--9]\n  published_at: 网站\n", "utf-8")
    outcome = check_registry(root)
    codes = [(p.code, p.line) for p in outcome.problems if p.code.startswith("E-ACTION")]
    assert codes == [("E-ACTION-UNIT", 3), ("E-ACTION-ACCOUNT", 9), ("E-ACTION-ACCOUNT", 9)]
    messages = [p.message for p in outcome.problems if p.code == "E-ACTION-ACCOUNT"]
    assert "（它在 filings/school/weibo--6012300001.yaml）" in messages[0]
    # The audit never counts such a record: nothing is recorded for the account.
    found = audit(outcome.registry, date.fromisoformat("2026-06-30"))
    assert all(f.details.get("recorded") is None for f in found if f.rule == "zombie")


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
    due, done = {}, {}
    for day, recorded in (("2026-03-01", ()), ("2026-04-01", RECORDED[:1]),
                          ("2026-05-01", RECORDED[:2])):
        actions(root, *recorded)
        (finding,) = findings(root, day, "zombie")
        due[finding.details["stage"]] = finding
    for day in ("2026-03-01", "2026-04-01"):
        actions(root, *RECORDED)
        (finding,) = findings(root, day, "zombie")
        done[finding.details["stage"]] = finding
    notice, public, shutdown = due["整改通知"], due["公开通报"], due["关停"]
    assert "发出整改通知" in notice.message and "rectification_notice" in notice.message
    assert "通报可写" in public.message and "通报后 1 个月内完成整改" in public.message
    assert "关停" in shutdown.message and "备案文件保留" in shutdown.message
    assert shutdown.details["deadline"] is None
    assert "2026-04-01 前恢复更新" in done["整改通知"].message
    assert "2026-05-01 前完成整改" in done["公开通报"].message
    assert len({f.message.split("阶段。")[1] for f in [*due.values(), *done.values()]}) == 5


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
    # 东城二中's 今日头条 is suspended since 2026-09-25 (docs/casework.md): off the ladder.
    assert ("zombie", "98000000102") not in found
    assert ("late_filing", "xchqxx_2026") in found
    assert {("duplicate_platform", "shifan_xueyuan"), ("duplicate_platform", "shifan_zhaosheng")} <= found
    first = report["findings"][0]
    assert set(first) >= {"rule", "severity", "file", "account_id", "unit", "message"}
    # 红旗小学's 抖音: the 整改通知 is recorded (2026-10-15), so the 公开通报 was due a calendar
    # month later, and nothing records it.
    zombie = next(f for f in report["findings"] if f["account_id"] == "xchqxx_2026"
                  and f["rule"] == "zombie")
    assert zombie["details"]["stage"] == "公开通报" and zombie["unit"] == "示例市西城区红旗小学"
    assert zombie["details"]["due"] == "2026-11-15" and zombie["details"]["recorded"] is None
    assert "公开通报应于 2026-11-15 发出，尚无记录" in zombie["message"]


def test_audit_formats_and_options(run_cli, demo_root: Path) -> None:
    md = run_cli("audit", "--as-of", "2026-11-23", "--format", "markdown", cwd=demo_root)
    assert md.stdout.startswith("## 规则审计（截至 2026-11-23）")
    assert "| 长期不更新（僵尸号） | 2 |" in md.stdout
    text = run_cli("audit", "--as-of", "2026-11-23", "--unit", "xicheng", cwd=demo_root)
    assert text.stdout.splitlines()[-1] == (
        "审计截至 2026-11-23：长期不更新（僵尸号） 1 个，逾期备案 1 个，网站备案不全 1 个。")
    bad = run_cli("audit", "--unit", "nowhere", cwd=REPO)
    assert bad.returncode == 2 and "找不到单位" in bad.stderr
