"""The numbers a bureau signs depend on the registry and the date, never on the key: the same
report with no key, a district's key and the city's key differs only in the contact cells;
the forms speak Chinese (no rule codes); and report files are readable by their owner only."""

from __future__ import annotations

import json
import re
import stat
from pathlib import Path

import pytest
from openpyxl import load_workbook

from site_gen.spreadsheets.xlsx import NOTE_SEALED

from .conftest import DEMO_AS_OF, DEMO_KEY, DISTRICT_KEY

# The contact columns (0-based) of each form's table: 账号负责人姓名/手机号/微信号 in 附件1,
# 主管领导/运维负责人/联系电话 in 附件4.
CONTACT_COLUMNS = {"附件1": {11, 12, 13}, "附件4": {7, 8, 9}}
# Header and footer cells that carry the unit's 填表人 and 电话: the text after these labels.
CONTACT_TEXT = re.compile(r"(填表人：|电话：)[^\u3000]*")
MASK = "<联系人>"


def forms_of(folder: Path) -> dict[tuple[str, str, str], object]:
    """Every non-empty cell of 附件1, 附件2 and 附件4 in ``folder`` (by file suffix, sheet and
    cell), with the contact cells masked: only they may depend on the key."""
    cells: dict[tuple[str, str, str], object] = {}
    for path in sorted(folder.glob("*.xlsx")):
        if path.stem.endswith("审计"):
            continue  # the audit's own sheet: the key holder's findings belong there
        for ws in load_workbook(path).worksheets:
            columns = CONTACT_COLUMNS.get(ws.title[:3], set())
            for row in ws.iter_rows():
                for cell in row:
                    value = cell.value
                    if value is None or value == NOTE_SEALED:
                        continue  # the note explaining 已加密 goes with the contact cells
                    numbered = isinstance(ws.cell(cell.row, 1).value, int)
                    if numbered and cell.column - 1 in columns:
                        value = MASK
                    elif isinstance(value, str):
                        value = CONTACT_TEXT.sub(lambda m: m.group(1) + MASK, value)
                    cells[(path.name[8:], ws.title, cell.coordinate)] = value
    return cells


@pytest.fixture(scope="module")
def three_runs(tmp_path_factory: pytest.TempPathFactory,
               no_libreoffice_path: str, demo_root: Path) -> dict[str, Path]:
    """The demo's reports with no key, the district's key and the city's key, one date."""
    from .conftest import invoke_without_libreoffice

    folders = {}
    for name, key in (("none", None), ("district", DISTRICT_KEY), ("city", DEMO_KEY)):
        out = tmp_path_factory.mktemp(f"report-{name}")
        args = ["--root", demo_root, "report", "--out", out, "--as-of", DEMO_AS_OF,
                "--sent-on", DEMO_AS_OF]
        done = invoke_without_libreoffice(no_libreoffice_path, *args,
                                          *(["--identity", key] if key else []))
        assert done.returncode == 0, done
        folders[name] = out
    return folders


def contact_values(folder: Path, sheet: str) -> set[object]:
    values: set[object] = set()
    for path in folder.glob("*.xlsx"):
        wb = load_workbook(path)
        if sheet in wb.sheetnames:
            for row in wb[sheet].iter_rows(values_only=True):
                if isinstance(row[0], int):
                    values.update(row[i] for i in CONTACT_COLUMNS[sheet])
    return values


def test_the_key_changes_only_the_contact_cells(three_runs: dict[str, Path]) -> None:
    # The three runs really differ in what the key opens: all sealed, some unreadable, all open.
    assert contact_values(three_runs["none"], "附件1") == {"已加密"}
    district = contact_values(three_runs["district"], "附件1")
    assert "无法解密" in district and "已加密" not in district and len(district) > 2
    assert not contact_values(three_runs["city"], "附件1") & {"已加密", "无法解密"}
    plain = forms_of(three_runs["none"])
    assert any(key[1] == "附件2" for key in plain) and any(key[1] == "附件4" for key in plain)
    for name in ("district", "city"):
        other = forms_of(three_runs[name])
        differing = sorted(k for k in plain.keys() | other.keys() if plain.get(k) != other.get(k))
        assert not differing, (name, [(k, plain.get(k), other.get(k)) for k in differing[:10]])


def test_contacts_a_key_cannot_open_are_the_key_holders_finding_in_the_audit_sheet(
        three_runs: dict[str, Path]) -> None:
    folder = three_runs["district"]
    stats = next(folder.glob("*示例市教育局新媒体(网站)统计.xlsx"))
    rows = [r for r in load_workbook(stats)["附件1"].iter_rows(values_only=True)
            if isinstance(r[0], int)]
    assert any(r[11] == "无法解密" for r in rows)
    assert not any("联系人" in str(r[5]) or "联系人" in str(r[14] or "") for r in rows)
    audit = next(folder.glob("*示例市教育局新媒体(网站)审计.xlsx"))
    audited = [r for r in load_workbook(audit)["审计"].iter_rows(values_only=True)
               if isinstance(r[0], int)]
    assert any(r[2] == "联系人无法解密" for r in audited)


def test_the_forms_speak_chinese_never_rule_codes(three_runs: dict[str, Path]) -> None:
    for folder in three_runs.values():
        for path in folder.glob("*.xlsx"):
            if path.stem.endswith("审计"):
                continue  # the internal audit sheet has a 代码 column beside the Chinese rule
            for ws in load_workbook(path).worksheets:
                for row in ws.iter_rows(values_only=True):
                    for value in row:
                        assert not re.search(r"\b[AEW]-[A-Z]{3,}", str(value or "")), (path, row)
    stats = next(three_runs["city"].glob("*示例市教育局新媒体(网站)统计.xlsx"))
    remarks = [r[14] for r in load_workbook(stats)["附件1"].iter_rows(values_only=True)
               if isinstance(r[0], int) and r[14]]
    assert any(re.fullmatch(r"僵尸号：整改通知阶段（自 \d{4}-\d\d-\d\d 起未更新）", str(r))
               for r in remarks), remarks
    assert any("逾期备案：开通后 " in str(r) for r in remarks), remarks


def test_report_files_are_readable_by_their_owner_only(three_runs: dict[str, Path]) -> None:
    for folder in three_runs.values():
        made = [p for p in folder.iterdir() if p.is_file()]
        assert len(made) >= 9  # three bureaus' 统计, 备案汇总表 and 审计
        for path in made:
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_an_older_file_of_the_same_name_loses_its_wider_mode(tmp_path: Path) -> None:
    from site_gen.spreadsheets import private_copy

    source, target = tmp_path / "a", tmp_path / "b"
    source.write_bytes(b"new")
    target.write_bytes(b"older and longer")
    target.chmod(0o644)
    private_copy(source, target)
    assert target.read_bytes() == b"new" and stat.S_IMODE(target.stat().st_mode) == 0o600


# Seed 001's ladder in calendar months (docs/audit.md): 超过2个月 → 整改通知 from the day after
# the two-month day; 公开通报 and 关停 one calendar month after the step before's recorded
# action (here each recorded on the first day of its step).
@pytest.mark.parametrize("last_post,notice,public,shutdown", [
    ("2026-08-31", "2026-11-01", "2026-12-01", "2027-01-01"),  # 10-31 is two months
    ("2026-12-31", "2027-03-01", "2027-04-01", "2027-05-01"),  # 2027-02-28 is two months
    ("2027-12-31", "2028-03-01", "2028-04-01", "2028-05-01"),  # 2028-02-29 (leap year)
    ("2026-01-15", "2026-03-16", "2026-04-16", "2026-05-16"),
    ("2026-01-30", "2026-03-31", "2026-04-30", "2026-05-30"),  # April has 30 days
    ("2026-11-30", "2027-01-31", "2027-02-28", "2027-03-28"),  # across the year, into February
])
def test_the_ladder_counts_calendar_months_at_the_exact_days(
        last_post: str, notice: str, public: str, shutdown: str) -> None:
    from datetime import date, timedelta

    from site_gen.model import Action
    from site_gen.rules.policy import zombie_step

    recorded = [Action("filings/_actions.yaml", "", i, kind, day, "school", ("weibo--1",))
                for i, (kind, day) in enumerate((("rectification_notice", notice),
                                                 ("public_notice", public),
                                                 ("shutdown_order", shutdown)))]

    def zombie_stage(last: date, day: date) -> tuple[object, date | None] | None:
        step = zombie_step(last, day, recorded)
        return (step.stage, step.next_begins) if step else None

    def stage_on(day: date) -> str | None:
        found = zombie_step(date.fromisoformat(last_post), day, recorded)
        return found.stage.name if found else None

    for begins, name, before in ((notice, "整改通知", None), (public, "公开通报", "整改通知"),
                                 (shutdown, "关停", "公开通报")):
        day = date.fromisoformat(begins)
        assert stage_on(day - timedelta(days=1)) == before, (begins, "the day before")
        assert stage_on(day) == name, (begins, "the day")
        assert stage_on(day + timedelta(days=1)) == name, (begins, "the day after")
    first = zombie_stage(date.fromisoformat(last_post), date.fromisoformat(notice))
    assert first is not None and first[1] == date.fromisoformat(public)  # the next step's day
    last = zombie_stage(date.fromisoformat(last_post), date.fromisoformat(shutdown))
    assert last is not None and last[1] is None


def test_month_ends_are_clamped() -> None:
    from datetime import date

    from site_gen.rules.policy import add_months

    assert add_months(date(2026, 8, 31), 2) == date(2026, 10, 31)
    assert add_months(date(2026, 12, 31), 2) == date(2027, 2, 28)
    assert add_months(date(2027, 12, 31), 2) == date(2028, 2, 29)
    assert add_months(date(2026, 10, 31), 1) == date(2026, 11, 30)
    assert add_months(date(2026, 11, 15), 14) == date(2028, 1, 15)


# 变更 means a change of the filing (SPEC §3): a real Git history in tmp_path.
ACCOUNT = "filings/dongcheng/weibo--7777000123.yaml"
PLAIN = """name: 东城测试发布
platform: weibo
account_id: "7777000123"
verified: true
certified_subject: 示例市东城区教育局
opened_on: {today}
filed_on: {today}
status: active
interactive: true
content_review: true
last_post_on: {today}
contacts:
  supervisor:
    name: 测试甲
    title: 副局长
    phone: "13900009901"
  ops_lead:
    name: 测试乙
    title: 科员
    phone: "13900009902"
    wechat: test_yi_02
"""
DISTRICT_PUBLIC = "age1jp28u4rxl5kmhx9ugxxsxy2t9q54dlxdrqmp79jmwdjff4fl4a4qunfy2z"


def _git(repo: Path, *args: str) -> str:
    from .test_git import git

    return git(repo, *args)


def annex4_rows(run_cli, root: Path, out: Path, as_of: str, *key: str) -> list[tuple]:
    done = run_cli("--root", str(root), "report", "--as-of", as_of, "--sent-on", as_of,
                   "--out", str(out), *(("--identity", key[0]) if key else ()))
    assert done.returncode == 0, done
    (path,) = out.glob("*示例市教育局新媒体(网站)备案汇总表.xlsx")
    return [r for r in load_workbook(path)["附件4"].iter_rows(min_row=4, values_only=True)
            if isinstance(r[0], int)]


@pytest.mark.git
def test_only_a_change_of_the_filing_is_a_change(run_cli, demo_registry: Path, tmp_path: Path,
                                                without_libreoffice: None) -> None:
    from site_gen import clock
    from site_gen.history import read_history
    from site_gen.public import public_registry
    from site_gen.rules import check_registry

    today = clock.today().isoformat()
    root = demo_registry
    (root / ".gitignore").write_text("/dist/\n", "utf-8")  # as a registry keeps its reports out
    _git(root, "init", "-q", "-b", "main")
    from .test_git import commit, edit

    commit(root, "登记库")
    (root / ACCOUNT).write_text(PLAIN.format(today=today), "utf-8")
    commit(root, "开设（联系人未加密）")
    sealed = run_cli("--root", str(root), "contacts", "seal", "filings/dongcheng")
    assert sealed.returncode == 0, sealed
    commit(root, "加密联系人")  # the ciphertext is new; nobody changed
    # A narrower key: the district's own key withdrawn, only the city's opens its filings.
    edit(root, "filings/dongcheng/_unit.yaml", f'"{DISTRICT_PUBLIC}"',
         '"age16nnp4cckknyk5agqtwhmdsm3hf5jgjv9xhss8mxnn56rx38lluhsv5ceel"')
    rekeyed = run_cli("--root", str(root), "contacts", "rekey", "filings/dongcheng",
                      "--identity", str(DEMO_KEY))
    assert rekeyed.returncode == 0, rekeyed
    commit(root, "重新加密")
    edit(root, ACCOUNT, "last_post_on:", "proof:\n  - kind: profile\n    where: 微博主页简介\n"
         f"    checked_on: {today}\n    by: \"@shili-jyj/xinxi-ke\"\nlast_post_on:")
    commit(root, "核验记录")
    edit(root, ACCOUNT, "last_post_on:", "qr: https://weibo.cn/qr/userinfo?uid=7777000123\n"
         "last_post_on:")
    commit(root, "二维码")
    edit(root, ACCOUNT, "status: active", f"status: deregistered\nderegistered_on: {today}\n"
         "deregister_reason: 整合")
    commit(root, "注销")
    edit(root, ACCOUNT, f"status: deregistered\nderegistered_on: {today}\n"
         "deregister_reason: 整合", "status: active")
    commit(root, "恢复")
    edit(root, ACCOUNT, "name: 东城测试发布", "name: 东城测试发布厅")
    commit(root, "改名")
    expected = ["开设", "注销", "开设（恢复）", "变更：账号/网站/APP 名称"]
    for name, key in (("none", ()), ("district", (str(DISTRICT_KEY),)),
                      ("city", (str(DEMO_KEY),))):
        rows = [r for r in annex4_rows(run_cli, root, root / "dist" / name, today, *key)
                if r[2] == "7777000123" or str(r[2]).startswith("7777000123")]
        assert [r[10] for r in rows] == expected, (name, rows)
        assert rows[3][1] == "东城测试发布厅（变更）" and not any(
            str(v).endswith("（变更）") for v in rows[3][2:10]), rows[3]
    # The portal's history says the same (without the people, never shown to the public).
    registry = check_registry(root).registry
    public = public_registry(registry, read_history(root))
    (account,) = [a for a in public.accounts if a.account_id == "7777000123"]
    assert [(e.type, e.label) for e in account.history] == [
        ("open", "开设"), ("deregister", "注销"), ("open", "开设（恢复）"), ("change", "变更")]


def test_every_meaningful_field_is_named_by_its_chinese_title() -> None:
    from site_gen.history import MEANINGFUL
    from site_gen.spreadsheets.rows import field_title

    for name in [*MEANINGFUL, "contacts.ops_lead.phone", "contacts.staff",
                 "contacts.supervisor.name", "no_such_field.x"]:
        title = field_title(name)
        assert title and not re.search(r"[a-z_]{3,}", title), (name, title)
    assert field_title("contacts.ops_lead.phone") == "运维负责人·电话"


@pytest.mark.git
def test_a_filing_moved_to_another_unit_is_a_change_of_the_unit(tmp_path: Path) -> None:
    from site_gen import clock
    from site_gen.history import read_history
    from site_gen.rules import check_registry
    from site_gen.spreadsheets.rows import filing_events

    from .conftest import CASES
    from .test_git import account_text, commit, git, portal_source

    today = clock.today().isoformat()
    root = portal_source(tmp_path / "repo", CASES / "base" / "filings")
    git(root, "init", "-q", "-b", "main")
    weibo = root / "filings/school/weibo--1234567890.yaml"
    weibo.write_text(account_text().replace("opened_on: 2024-05-06", f"opened_on: {today}")
                     .replace("filed_on: 2024-05-08", f"filed_on: {today}")
                     .replace("last_post_on: 2024-05-06", f"last_post_on: {today}"), "utf-8")
    commit(root, "开设")
    (root / "filings/school2").mkdir()
    (root / "filings/school2/_unit.yaml").write_text(
        "name: 测试市第二中学\nshort_name: 测试二中\nkind: school\n", "utf-8")
    git(root, "mv", "filings/school/weibo--1234567890.yaml", "filings/school2/")
    commit(root, "移交二中")
    outcome = check_registry(root)
    assert outcome.errors == 0, outcome.problems
    events = filing_events(outcome.registry, "", today, read_history(root))
    assert [(e.kind, e.changed) for e in events] == [("开设", ()), ("变更", ("开设单位",))]
    assert events[1].columns == frozenset({3})


# A calendar that says what it does not know (site_gen/workdays.py; docs/audit.md 节假日).
# The bundled calendar covers 2020–2026: 2019 stands for a year a release lacks.
HOLIDAYS_2019 = """# 国务院办公厅关于2019年部分节假日安排的通知（国庆节部分）
source: 国办发明电〔2018〕15号
years:
  "2019":
    holidays: [2019-10-01, 2019-10-02, 2019-10-03, 2019-10-04, 2019-10-07]
    workdays: [2019-09-29, 2019-10-12]
"""


@pytest.fixture
def calendar_root(tmp_path: Path) -> Path:
    """The minimal registry without ``filing_required_since`` and one account opened on
    Friday 2019-09-27 and filed on Wednesday 2019-10-09, over the National Day holidays."""
    from .conftest import CASES, build_case
    from .test_audit import account

    root = build_case(CASES / "valid" / "minimal", tmp_path / "registry")
    (root / "filings" / "school" / "weibo--1234567890.yaml").unlink()
    unit = root / "filings" / "_unit.yaml"
    unit.write_text("".join(line for line in unit.read_text("utf-8").splitlines(keepends=True)
                            if not line.startswith("filing_required_since")), "utf-8")
    account(root, "school", "1", opened_on="2019-09-27", filed_on="2019-10-09",
            last_post_on="2026-11-20", annual_review_on="2026-01-01")
    return root


def test_a_year_the_calendar_lacks_is_named_in_validation_and_the_audit(
        run_cli, calendar_root: Path) -> None:
    from site_gen.workdays import uncovered_years

    assert uncovered_years(date_of("2019-09-27"), date_of("2019-10-09")) == [2019]
    checked = run_cli("--root", calendar_root, "validate")
    assert checked.returncode == 0, checked
    (warning,) = [m for m in checked.problems() if m["code"] == "W-CALENDAR-YEAR"]
    assert "2019 年" in warning["message"] and "holidays.yaml" in warning["message"]
    audited = json.loads(run_cli("--root", calendar_root, "audit", "--as-of", "2026-11-23",
                                 "--format", "json").stdout)["findings"]
    (gap,) = [f for f in audited if f["rule"] == "calendar_year_missing"]
    assert gap["details"]["years"] == [2019] and "2019 年" in gap["message"]
    # Weekends only: 8 working days, late; said so beside it.
    (late,) = [f for f in audited if f["rule"] == "late_filing"]
    assert late["details"]["working_days"] == 8


def test_a_registry_adds_a_years_holidays_in_holidays_yaml(run_cli, calendar_root: Path,
                                                          tmp_path: Path,
                                                          without_libreoffice: None) -> None:
    (calendar_root / "holidays.yaml").write_text(HOLIDAYS_2019, "utf-8")
    audited = json.loads(run_cli("--root", calendar_root, "audit", "--as-of", "2026-11-23",
                                 "--format", "json").stdout)["findings"]
    # Sunday 09-29 worked, 09-30, then 10-08 and 10-09: 4 working days, on time; nothing unknown.
    assert not [f for f in audited if f["rule"] in ("late_filing", "calendar_year_missing")]
    done = run_cli("--root", calendar_root, "report", "--as-of", "2026-11-23",
                   "--sent-on", "2026-11-23", "--out", tmp_path / "out")
    assert done.returncode == 0, done
    from site_gen import workdays

    assert 2019 not in workdays.covered_years()  # only inside the run that read the file
    with workdays.registry_calendar(calendar_root):
        assert 2019 in workdays.covered_years()
        assert workdays.is_working_day(date_of("2019-09-29"))
        assert not workdays.is_working_day(date_of("2019-10-07"))


@pytest.mark.parametrize("text,says", [
    ("years:\n  \"2019\":\n    holidays: [2019-10-05]\n", "2019-10-05 是周末"),
    ("years:\n  \"2019\":\n    workdays: [2019-10-08]\n", "2019-10-08 是工作日"),
    ("years:\n  \"2019\":\n    holidays: [2019-13-01]\n", "不是 YYYY-MM-DD"),
    ("years:\n  \"2019\":\n    holidays: [2020-01-02]\n", "别的年份"),
    ("years:\n  \"19\":\n    holidays: []\n", "不是四位数的年份"),
    ("source: x\n", "没有“years”"),
    ("years:\n  \"2019\":\n    vacation: []\n", "只能有 holidays"),
    ("years: [\n", "holidays.yaml"),
])
def test_a_holiday_file_that_cannot_be_used_is_a_clear_chinese_error(
        run_cli, calendar_root: Path, text: str, says: str) -> None:
    (calendar_root / "holidays.yaml").write_text(text, "utf-8")
    for command in (["audit"], ["report", "--out", str(calendar_root / "out")]):
        done = run_cli("--root", calendar_root, *command)
        assert done.returncode == 1, done
        assert done.stderr.startswith("holidays.yaml：") and says in done.stderr, done
    assert not (calendar_root / "out").exists()


def date_of(text: str):  # noqa: ANN201 - a test helper
    from datetime import date

    return date.fromisoformat(text)
