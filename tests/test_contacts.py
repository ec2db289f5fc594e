"""Sealed contacts (docs/contacts.md): age ciphertext in the files, opened only where a key is
given; real pyrage, real Git repositories, the real command line and workbooks reopened."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from site_gen.history import read_history
from site_gen.model import AccountContacts, Person, Registry, Sealed
from site_gen.public import public_registry
from site_gen.rules import check_registry
from site_gen.sealing import (
    ARMOR_BEGIN,
    parse_identities,
    recipients,
    seal,
    with_sealed_contacts,
)
from site_gen.spreadsheets.rows import filing_events, listed_accounts

from .conftest import DEMO_KEY, DISTRICT_KEY, REPO, Run

SCHOOL_FILE = "filings/dongcheng/shiyan-xiaoxue/wechat_official--dcsyxx.yaml"
CITY_FILE = "filings/douyin--shili_jiaoyu.yaml"
PLAIN = """# 新媒体账号（网站）备案。
name: 东城实验小学微博
platform: weibo
account_id: "6012399901"
verified: false
opened_on: 2026-11-02
filed_on: 2026-11-03
status: active
interactive: true
content_review: true
last_post_on: 2026-11-20
# ---- 以下为内部信息（不公开）：自查情况、备注和联系人 ----
contacts:
  # 主管领导（这条注释和联系人一起加密）
  supervisor:
    name: 测试甲
    phone: "13900009901"
  ops_lead:
    name: 测试乙
    phone: 13900009902
    wechat: test_wx_9902
"""
PLAIN_FILE = "filings/dongcheng/shiyan-xiaoxue/weibo--6012399901.yaml"


def keys(path: Path) -> tuple[str, ...]:
    return parse_identities(path.read_text("utf-8"), str(path))


def people(registry: Registry) -> list[Person]:
    """Every person of every unit and account, all opened."""
    found: list[Person] = []
    for unit in registry.units.values():
        assert not isinstance(unit.contacts, Sealed), (unit.path, unit.contacts)
        found += [p for _, p in unit.contacts]
    for account in registry.accounts:
        assert isinstance(account.contacts, AccountContacts), (account.file, account.contacts)
        c = account.contacts
        found += [c.supervisor, c.ops_lead, *c.staff]
    return found


def demo_values() -> set[str]:
    """Every name, phone number and WeChat ID of the demo, decrypted with the demo key."""
    outcome = check_registry(REPO, identities=keys(DEMO_KEY))
    assert outcome.errors == 0
    values = {v for p in people(outcome.registry) for v in (p.name, p.phone, p.wechat) if v}
    assert len(values) > 150
    return values


def cells(folder: Path) -> list[str]:
    """Every cell's text in every workbook written to ``folder``."""
    return [str(c.value) for book in sorted(folder.glob("*.xlsx"))
            for ws in load_workbook(book).worksheets for row in ws.iter_rows() for c in row
            if c.value is not None]


def test_the_demo_is_sealed_and_only_a_key_opens_it() -> None:
    sealed = check_registry(REPO)
    assert sealed.errors == 0 and sealed.registry.units[""].seal_contacts
    assert {a.contacts for a in sealed.registry.accounts} == {Sealed("sealed")}
    assert {u.contacts for u in sealed.registry.units.values()} == {Sealed("sealed")}
    assert ARMOR_BEGIN in (REPO / CITY_FILE).read_text("utf-8")
    demo_values()  # every contact opens with the demo key, and all are valid


@pytest.mark.skipif(not (REPO / ".git").exists(), reason="needs the repository's Git checkout")
def test_git_grep_finds_no_demo_contact(tmp_path: Path) -> None:
    patterns = tmp_path / "patterns"
    patterns.write_text("\n".join(sorted(demo_values())) + "\n", "utf-8")
    done = subprocess.run(["git", "-C", str(REPO), "grep", "-F", "-I", "-n", "-f", str(patterns)],
                          capture_output=True, text=True)
    assert done.returncode == 1 and done.stdout == "", done.stdout[:2000]


def test_report_with_the_demo_key_fills_every_contact(demo_report_run: Run,
                                                     demo_reports: Path) -> None:
    assert "--identity" in demo_report_run.args and "已加密" not in demo_report_run.stderr
    book = load_workbook(demo_reports / "20261123示例市教育局新媒体(网站)统计.xlsx")
    rows = [r for r in book["附件1"].iter_rows(min_row=5, values_only=True) if isinstance(r[0], int)]
    outcome = check_registry(REPO, identities=keys(DEMO_KEY))
    listed = listed_accounts(outcome.registry, "", "2026-11-23")  # 附件1's order
    assert len(rows) == len(listed) > 40
    for row, account in zip(rows, listed, strict=True):
        assert isinstance(account.contacts, AccountContacts)
        lead = account.contacts.ops_lead
        assert (row[1], row[11], row[12], row[13] or None) == (
            account.name, lead.name, lead.phone, lead.wechat)
    unit_contact = dict(outcome.registry.units[""].contacts)["contact"]
    assert book["附件1"]["I3"].value == f"填表人：{unit_contact.name}"
    assert not any(text in ("已加密", "无法解密", "内容有误") for text in cells(demo_reports))


def test_report_without_a_key_says_sealed_and_leaks_nothing(run_cli, tmp_path: Path,
                                                            without_libreoffice: None, demo_root: Path) -> None:
    result = run_cli("--root", str(demo_root), "report", "--out", str(tmp_path), "--as-of",
                     "2026-11-23", "--sent-on", "2026-11-23")
    assert result.returncode == 0, result
    assert "联系人已加密" in result.stderr and "Traceback" not in result.stderr
    book = load_workbook(tmp_path / "20261123示例市教育局新媒体(网站)统计.xlsx")
    ws = book["附件1"]
    rows = [r for r in ws.iter_rows(min_row=5, values_only=True) if isinstance(r[0], int)]
    assert rows and all(r[11:14] == ("已加密", "已加密", "已加密") for r in rows)
    assert ws["I3"].value == "填表人：已加密"
    notes = [r[0] for r in ws.iter_rows(values_only=True) if r[0] and str(r[0]).startswith("注：")]
    assert any("“已加密”表示联系人加密存放" in n for n in notes)
    annex4 = load_workbook(tmp_path / "20261123示例市教育局新媒体(网站)备案汇总表.xlsx")["附件4"]
    assert any(r[7] == "已加密" for r in annex4.iter_rows(values_only=True))
    # The unit forms (附件3, 年审) say it too, in every place a person would be.
    forms = tmp_path / "forms"
    result = run_cli("--root", str(demo_root), "report", "--out", str(forms), "--as-of",
                     "2026-11-23", "--sent-on", "2026-11-23", "--unit", "shifan-xueyuan/tushuguan")
    assert result.returncode == 0, result
    form = load_workbook(forms / "20261123师院图书馆新媒体(网站)备案登记表.xlsx")["附件3-001"]
    assert [form[f"B{row}"].value for row in range(10, 17)] == ["已加密"] * 7
    values = demo_values()
    leaked = [text for text in cells(tmp_path) + cells(forms) if any(v in text for v in values)]
    assert not leaked, leaked[:5]


def test_plaintext_is_refused_then_sealed_in_place(run_cli, demo_registry: Path) -> None:
    (demo_registry / PLAIN_FILE).write_text(PLAIN, "utf-8")
    result = run_cli("--root", str(demo_registry), "validate")
    assert result.returncode == 1
    found = [m for m in result.problems() if m["file"] == PLAIN_FILE]
    assert [(m["code"], m["line"]) for m in found] == [("E-CONTACTS-PLAIN", "13")], result
    assert f"site-gen contacts seal {PLAIN_FILE}" in found[0]["message"]

    result = run_cli("--root", str(demo_registry), "contacts", "seal", PLAIN_FILE)
    assert result.returncode == 0 and "已加密 1 个文件" in result.stdout, result
    text = (demo_registry / PLAIN_FILE).read_text("utf-8")
    head = PLAIN.split("contacts:")[0]
    assert text.startswith(head + "contacts: |\n  " + ARMOR_BEGIN + "\n")
    for secret in ("测试甲", "13900009901", "13900009902", "test_wx_9902", "这条注释"):
        assert secret not in text
    assert run_cli("--root", str(demo_registry), "validate").returncode == 0

    # The district's key opens it (the school lies under 东城区); the answer is the checked
    # contacts, the unquoted phone number kept as written.
    shown = run_cli("--root", str(demo_registry), "contacts", "show", PLAIN_FILE,
                    "--identity", str(DISTRICT_KEY))
    assert shown.returncode == 0, shown
    assert shown.stdout == ('supervisor:\n  name: "测试甲"\n  phone: "13900009901"\nops_lead:\n'
                            '  name: "测试乙"\n  phone: "13900009902"\n  wechat: "test_wx_9902"\n')
    # Sealing again changes nothing; a file of another district is not for that key.
    again = run_cli("--root", str(demo_registry), "contacts", "seal", PLAIN_FILE)
    assert again.returncode == 0 and "已加密 0 个文件，1 个无需改动" in again.stdout
    other = run_cli("--root", str(demo_registry), "contacts", "show",
                    "filings/xicheng/_unit.yaml", "--identity", str(DISTRICT_KEY))
    assert other.returncode == 1 and "不是加密给所给密钥的" in other.stderr, other


def test_seal_checks_the_contacts_first(run_cli, demo_registry: Path) -> None:
    bad = PLAIN.replace('phone: "13900009901"', 'phone: "139-0000-99x1"')
    (demo_registry / PLAIN_FILE).write_text(bad, "utf-8")
    result = run_cli("--root", str(demo_registry), "contacts", "seal", "filings/dongcheng")
    assert result.returncode == 1, result
    assert f"{PLAIN_FILE}: 没有加密：" in result.stderr and "contacts.supervisor.phone" in result.stderr
    assert (demo_registry / PLAIN_FILE).read_text("utf-8") == bad  # untouched


def test_rekey_moves_a_district_to_a_new_key(run_cli, demo_registry: Path, tmp_path: Path) -> None:
    new_key = tmp_path / "dongcheng-2027.agekey"
    made = run_cli("contacts", "keygen", str(new_key), "--holder", "东城区教育局信息科")
    assert made.returncode == 0, made
    public = next(line.split("：", 1)[1] for line in made.stdout.splitlines()
                  if line.startswith("公钥："))
    unit = demo_registry / "filings/dongcheng/_unit.yaml"
    old_public = "age1jp28u4rxl5kmhx9ugxxsxy2t9q54dlxdrqmp79jmwdjff4fl4a4qunfy2z"
    unit.write_text(unit.read_text("utf-8").replace(old_public, public), "utf-8")
    # The district's old key is withdrawn; the city's key still opens everything.
    result = run_cli("--root", str(demo_registry), "contacts", "rekey", "filings/dongcheng",
                     "--identity", str(DEMO_KEY))
    assert result.returncode == 0, result
    district = [a for a in check_registry(demo_registry).registry.accounts
                if a.unit.startswith("dongcheng")]
    assert len(district) >= 5
    opened_new = check_registry(demo_registry, identities=keys(new_key)).registry
    opened_old = check_registry(demo_registry, identities=keys(DISTRICT_KEY)).registry
    for account in opened_new.accounts:
        expected = AccountContacts if account.unit.startswith("dongcheng") else Sealed
        assert isinstance(account.contacts, expected), account.file
    assert isinstance(opened_new.units["dongcheng"].contacts, tuple)
    assert all(a.contacts == Sealed("not_for_key", a.contacts.detail)
               for a in opened_old.accounts if a.unit.startswith("dongcheng")
               and isinstance(a.contacts, Sealed))
    assert not any(isinstance(a.contacts, AccountContacts) for a in opened_old.accounts
                   if a.unit.startswith("dongcheng"))
    people(check_registry(demo_registry, identities=keys(DEMO_KEY)).registry)
    # Without a key that opens them, rekey leaves the files alone and says so.
    refused = run_cli("--root", str(demo_registry), "contacts", "rekey", "filings/xicheng",
                      "--identity", str(new_key))
    assert refused.returncode == 1 and "没有重新加密" in refused.stderr, refused


def test_tampered_ciphertext_is_a_clear_error(run_cli, demo_registry: Path, tmp_path: Path,
                                              without_libreoffice: None) -> None:
    file = demo_registry / CITY_FILE
    text = file.read_text("utf-8")
    lines = text.splitlines(keepends=True)
    # The last full line of the payload (the very last may be a few characters long).
    body = max(i for i, line in enumerate(lines) if line.startswith("  ") and "-----" not in line
               and len(line) > 40)
    # One changed character in the encrypted payload: the armour still decodes, the MAC fails.
    flipped = lines[body][:10] + ("A" if lines[body][10] != "A" else "B") + lines[body][11:]
    file.write_text("".join(lines[:body]) + flipped + "".join(lines[body + 1:]), "utf-8")
    assert run_cli("--root", str(demo_registry), "validate").returncode == 0
    shown = run_cli("--root", str(demo_registry), "contacts", "show", CITY_FILE,
                    "--identity", str(DEMO_KEY))
    assert shown.returncode == 1 and "密文已损坏" in shown.stderr, shown
    audit = run_cli("--root", str(demo_registry), "audit", "--identity", str(DEMO_KEY))
    found = [line for line in audit.stdout.splitlines() if "A-CONTACTS-UNREADABLE" in line]
    assert found and found[0].startswith(CITY_FILE + ": "), audit
    out = tmp_path / "reports"
    report = run_cli("--root", str(demo_registry), "report", "--out", str(out), "--as-of",
                     "2026-11-23", "--sent-on", "2026-11-23", "--identity", str(DEMO_KEY))
    assert report.returncode == 0 and "无法解密" in report.stderr, report
    assert "无法解密" in cells(out)
    # A cut armour is seen without any key, at the file's contacts line.
    file.write_text(text.replace("-----END AGE ENCRYPTED FILE-----", ""), "utf-8")
    result = run_cli("--root", str(demo_registry), "validate")
    found = [m for m in result.problems() if m["file"] == CITY_FILE]
    assert result.returncode == 1 and found and "加密的联系人" in found[0]["message"], result
    for run in (shown, audit, report, result):
        assert "Traceback" not in run.stderr and "内部错误" not in run.stderr


def test_decrypted_contacts_are_checked_in_the_audit(run_cli, demo_registry: Path) -> None:
    from site_gen.loader import read_document

    file = demo_registry / SCHOOL_FILE
    doc = read_document(file, SCHOOL_FILE)
    assert not isinstance(doc, list)
    units = check_registry(demo_registry).registry.units
    wrong = seal({"supervisor": {"name": "测试甲", "phone": "一三九"}},  # no ops_lead
                 recipients(units, "dongcheng/shiyan-xiaoxue"))
    file.write_text(with_sealed_contacts(file.read_text("utf-8"), doc, wrong), "utf-8")
    assert run_cli("--root", str(demo_registry), "validate").returncode == 0  # cannot see it
    audit = run_cli("--root", str(demo_registry), "audit", "--identity", str(DISTRICT_KEY),
                    "--unit", "dongcheng")
    found = [line for line in audit.stdout.splitlines() if "A-CONTACTS-INVALID" in line]
    assert len(found) == 1 and found[0].startswith(SCHOOL_FILE), audit
    assert "ops_lead" in found[0] and "contacts.supervisor.phone" in found[0]
    assert audit.returncode == 0


def test_key_problems_are_usage_errors(run_cli, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch, demo_root: Path) -> None:
    public = tmp_path / "public.txt"
    public.write_text("age16nnp4cckknyk5agqtwhmdsm3hf5jgjv9xhss8mxnn56rx38lluhsv5ceel\n", "utf-8")
    for given, words in ((public, "是公钥"), (tmp_path / "none.agekey", "无法读取密钥文件")):
        result = run_cli("--root", str(REPO), "audit", "--identity", str(given))
        assert result.returncode == 2 and words in result.stderr, result
    monkeypatch.setenv("SITE_GEN_AGE_IDENTITY", "AGE-SECRET-KEY-1NOTAKEY")
    done = run_cli("--root", str(REPO), "audit")
    assert done.returncode == 2 and "环境变量 SITE_GEN_AGE_IDENTITY 第 1 行不是 age 私钥" in done.stderr
    assert "NOTAKEY" not in done.stderr
    monkeypatch.setenv("SITE_GEN_AGE_IDENTITY", DEMO_KEY.read_text("utf-8"))
    done = run_cli("--root", str(demo_root), "audit", "--as-of", "2026-11-23")
    assert done.returncode == 0 and "已加密" not in done.stderr, done


def test_keygen_writes_a_private_file_once(run_cli, tmp_path: Path) -> None:
    target = tmp_path / "keys" / "office.agekey"
    made = run_cli("contacts", "keygen", str(target), "--holder", "办公室（信息科）")
    assert made.returncode == 0, made
    assert target.stat().st_mode & 0o777 == 0o600
    assert len(keys(target)) == 1
    assert 'contact_keys:\n  - holder: "办公室（信息科）"\n    key: "age1' in made.stdout
    assert run_cli("contacts", "keygen", str(target), "--holder", "办公室").returncode == 2
    inside = run_cli("contacts", "keygen", str(tmp_path / "filings" / "k.agekey"), "--holder", "办公室")
    assert inside.returncode == 2 and "filings/" in inside.stderr


def test_new_seals_before_writing(run_cli, demo_registry: Path) -> None:
    result = run_cli("--root", str(demo_registry), "new", "--unit", "dongcheng/shiyan-xiaoxue",
                     "--platform", "微博", "--account-id", "6012399902", "--name", "东城实验小学微博",
                     "--url", "https://weibo.com/u/6012399902",
                     "--not-verified", "--opened-on", "2026年11月2日", "--last-post-on", "2026-11-20",
                     "--interactive", "--content-review", "--supervisor-name", "测试丙",
                     "--supervisor-phone", "13900009903", "--ops-lead-name", "测试丁",
                     "--ops-lead-phone", "13900009904")
    assert result.returncode == 0, result
    file = "filings/dongcheng/shiyan-xiaoxue/weibo--6012399902.yaml"
    text = (demo_registry / file).read_text("utf-8")
    assert ARMOR_BEGIN in text and "测试丙" not in text and "13900009904" not in text
    shown = run_cli("--root", str(demo_registry), "contacts", "show", file,
                    "--identity", str(DISTRICT_KEY))
    assert shown.returncode == 0 and "测试丙" in shown.stdout and "13900009904" in shown.stdout


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "王审核", "GIT_COMMITTER_NAME": "王审核",
           "GIT_AUTHOR_EMAIL": "a@example.invalid", "GIT_COMMITTER_EMAIL": "a@example.invalid"}
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True,
                          env=env, check=True).stdout


@pytest.mark.git
def test_a_rekey_is_no_change_and_the_portal_never_shows_contact_changes(
        run_cli, demo_registry: Path) -> None:
    git(demo_registry, "init", "-q", "-b", "main")
    git(demo_registry, "add", "-A")
    git(demo_registry, "commit", "-q", "-m", "登记库")
    result = run_cli("--root", str(demo_registry), "contacts", "rekey", "--identity", str(DEMO_KEY))
    assert result.returncode == 0, result
    git(demo_registry, "commit", "-qam", "重新加密")
    today = git(demo_registry, "log", "-1", "--format=%cd", "--date=short").strip()
    city = keys(DEMO_KEY)
    opened = check_registry(demo_registry, identities=city).registry
    with_key = filing_events(opened, "", today, read_history(demo_registry, city))
    assert not [e for e in with_key if e.kind == "变更" and e.date == today]
    # Without the key a new ciphertext says nothing: no 变更 either, and the portal shows nothing.
    sealed = check_registry(demo_registry).registry
    without = [e for e in filing_events(sealed, "", today, read_history(demo_registry))
               if e.kind == "变更" and e.date == today]
    assert not without
    public = public_registry(sealed, read_history(demo_registry))
    assert not [e for a in public.accounts for e in a.history if e.type == "change"
                and e.date == today]


def test_sealing_without_any_key_says_so_once(run_cli, tmp_path: Path) -> None:
    from .conftest import CASES

    shutil.copytree(CASES / "base" / "filings", tmp_path / "filings")
    result = run_cli("--root", str(tmp_path), "contacts", "seal")
    assert result.returncode == 2 and result.stderr.count("contact_keys") == 1, result
