"""Reports leave CI sealed (docs/contacts.md): ``site-gen report --seal`` (the default under
CI) writes one age-encrypted bundle per bureau and no workbook in the clear;
``site-gen contacts open`` and the portal's /open/ page (real headless Chromium) open them
with the right key only; no message quotes a contact's value; the workflows upload only
bundles, install from hash-checked locks and give every job a timeout."""

from __future__ import annotations

import io
import os
import re
import shutil
import stat
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from openpyxl import load_workbook

from site_gen.commands.report import sealing_wanted
from site_gen.rules import check_registry
from site_gen.sealing import (
    SealError,
    contact_problems,
    open_bytes,
    parse_identities,
    recipients,
    seal,
    seal_bytes,
    with_sealed_contacts,
)
from site_gen.spreadsheets.sealed import zip_bytes

from .conftest import (
    CASES,
    DEMO_KEY,
    DEMO_PAPERS,
    DISTRICT_KEY,
    REPO,
    invoke,
    invoke_without_libreoffice,
)
from .portal_helpers import new_page, portal_source

SENT = "2026-11-23"
CITY, EAST, WEST = "示例市教育局", "东城区教育局", "西城区教育局"
CITY_PUBLIC = "age16nnp4cckknyk5agqtwhmdsm3hf5jgjv9xhss8mxnn56rx38lluhsv5ceel"
WORKBOOKS = ("统计.xlsx", "统计.zip", "备案汇总表.xlsx", "审计.xlsx")
# The bundles of ``sealed``, made without LibreOffice: all but the .zip of .xls.
XLSX = ("统计.xlsx", "备案汇总表.xlsx", "审计.xlsx")


def bundle(short: str) -> str:
    return f"20261123{short}新媒体(网站)报表.zip.age"


def members(short: str, kinds: tuple[str, ...] = WORKBOOKS) -> list[str]:
    """A bureau's bundle: its workbooks and the documents it sends (``DEMO_PAPERS``)."""
    return sorted([*(f"20261123{short}新媒体(网站){kind}" for kind in kinds), *DEMO_PAPERS[short]])


cli = invoke  # as ``run_cli``, and usable from module-scoped fixtures too


def keys(path: Path) -> tuple[str, ...]:
    return parse_identities(path.read_text("utf-8"), str(path))


def unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.fixture(scope="module")
def private_keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The demo keys, readable by their owner only (the shipped copies are 0644 in Git)."""
    folder = tmp_path_factory.mktemp("keys")
    copies = {}
    for name, key in (("city", DEMO_KEY), ("district", DISTRICT_KEY)):
        copies[name] = Path(shutil.copy(key, folder / key.name))
        copies[name].chmod(0o600)
    return copies


@pytest.fixture(scope="module")
def sealed(tmp_path_factory: pytest.TempPathFactory, private_keys: dict[str, Path],
           no_libreoffice_path: str, demo_root: Path) -> Path:
    """The demo registry's reports, sealed, made once. Without LibreOffice: the bundles hold
    the .xlsx only (``XLSX``); ``test_with_unit_the_bundle_holds_the_units_forms`` checks a
    bundle with the .zip of .xls."""
    out = tmp_path_factory.mktemp("sealed")
    done = invoke_without_libreoffice(
        no_libreoffice_path, "--root", demo_root, "report", "--seal", "--out", out, "--as-of", SENT,
        "--sent-on", SENT, "--identity", private_keys["city"])
    assert done.returncode == 0, done
    assert "警告" not in done.stderr, done  # a private key file: no warning
    return out


# ---- site-gen report --seal ----

def test_every_bureau_gets_one_sealed_bundle_and_nothing_in_the_clear(sealed: Path) -> None:
    assert sorted(p.name for p in sealed.iterdir()) == sorted(bundle(s) for s in (CITY, EAST, WEST))
    city = keys(DEMO_KEY)
    for short in (CITY, EAST, WEST):
        data = (sealed / bundle(short)).read_bytes()
        assert data.startswith(b"age-encryption.org/v1\n")  # binary age, for age -d
        with zipfile.ZipFile(io.BytesIO(open_bytes(data, city))) as archive:
            assert archive.namelist() == members(short, XLSX)  # sorted: a deterministic order
            assert all(i.compress_type == zipfile.ZIP_DEFLATED for i in archive.infolist())
            assert all(i.date_time[:3] == (2026, 11, 23) for i in archive.infolist())
    # The workbooks inside are the full ones, contacts opened with the key.
    opened = unzip(open_bytes((sealed / bundle(CITY)).read_bytes(), city))
    ws = load_workbook(io.BytesIO(opened[f"20261123{CITY}新媒体(网站)统计.xlsx"]))["附件1"]
    contact = check_registry(REPO, identities=city).registry.units[""].contacts
    assert ws["L3"].value == f"电话：{dict(contact)['contact'].phone}"
    phones = [r[12] for r in ws.iter_rows(min_row=5, values_only=True) if isinstance(r[0], int)]
    assert phones and all(isinstance(p, str) and len(p) == 11 for p in phones)


def test_a_district_key_opens_its_own_bundle_only(sealed: Path) -> None:
    district = keys(DISTRICT_KEY)
    assert unzip(open_bytes((sealed / bundle(EAST)).read_bytes(), district))
    for short in (CITY, WEST):
        with pytest.raises(SealError) as refused:
            open_bytes((sealed / bundle(short)).read_bytes(), district)
        assert refused.value.reason == "not_for_key"
    units = check_registry(REPO).registry.units
    assert recipients(units, "") == (CITY_PUBLIC,)
    assert len(recipients(units, "dongcheng")) == 2  # the city's key and its own


def test_the_zip_is_deterministic(tmp_path: Path) -> None:
    files = []
    for name in ("b.xlsx", "a.xlsx", "c.zip"):
        files.append(tmp_path / name)
        files[-1].write_bytes(name.encode() * 100)
    first, second = zip_bytes(files, SENT), zip_bytes(list(reversed(files)), SENT)
    assert first == second
    assert zipfile.ZipFile(io.BytesIO(first)).namelist() == ["a.xlsx", "b.xlsx", "c.zip"]


@pytest.mark.libreoffice
def test_with_unit_the_bundle_holds_the_units_forms(tmp_path: Path,
                                                     private_keys: dict[str, Path], demo_root: Path) -> None:
    done = cli("--root", demo_root, "report", "--seal", "--unit", "dongcheng", "--out", tmp_path,
               "--as-of", SENT, "--sent-on", SENT, "--identity", private_keys["district"])
    assert done.returncode == 0, done
    assert [p.name for p in tmp_path.iterdir()] == [bundle(EAST)]
    names = list(unzip(open_bytes((tmp_path / bundle(EAST)).read_bytes(),
                                  keys(DISTRICT_KEY))))
    forms = [n for n in names if n.endswith("备案登记表.xlsx")]
    assert f"20261123{EAST}新媒体(网站)备案登记表.xlsx" in forms and len(forms) >= 3
    assert sorted(set(names) - set(forms)) == members(EAST)


@pytest.mark.skipif(not os.environ.get("CI") and shutil.which("soffice") is None,
                    reason="needs LibreOffice (.ci/run installs it; under CI this never skips)")
@pytest.mark.libreoffice
def test_sealed_xls_reports(tmp_path: Path, private_keys: dict[str, Path], demo_root: Path) -> None:
    done = cli("--root", demo_root, "report", "--seal", "--format", "xls", "--unit", "xicheng",
               "--out", tmp_path, "--as-of", SENT, "--sent-on", SENT,
               "--identity", private_keys["city"])
    assert done.returncode == 0, done
    assert [p.name for p in tmp_path.iterdir()] == [bundle(WEST)]
    names = unzip(open_bytes((tmp_path / bundle(WEST)).read_bytes(), keys(DEMO_KEY)))
    workbooks = [n for n in names if not n.endswith("备案登记表.xlsx")]
    assert sorted(workbooks) == members(WEST, ("统计.xls", "统计.zip", "备案汇总表.xls", "审计.xlsx"))
    assert names[f"20261123{WEST}新媒体(网站)统计.xls"].startswith(b"\xd0\xcf\x11\xe0")  # OLE2


def test_sealing_is_the_default_under_ci(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         private_keys: dict[str, Path],
                                         without_libreoffice: None, demo_root: Path) -> None:
    monkeypatch.setenv("CI", "true")
    args = ("--root", demo_root, "report", "--unit", "xicheng", "--as-of", SENT, "--sent-on", SENT,
            "--identity", private_keys["city"])
    done = cli(*args, "--out", tmp_path / "default")
    assert done.returncode == 0, done
    assert [p.name for p in (tmp_path / "default").iterdir()] == [bundle(WEST)]
    done = cli(*args, "--no-seal", "--out", tmp_path / "clear")
    assert done.returncode == 0, done
    assert f"20261123{WEST}新媒体(网站)统计.xlsx" in [p.name for p in (tmp_path / "clear").iterdir()]
    # Sealing into a folder an earlier clear run left workbooks in says so.
    done = cli(*args, "--out", tmp_path / "clear")
    assert done.returncode == 0 and "以前生成的明文表格" in done.stderr, done
    # Not under CI (CI unset or empty), or no keys to seal to: in the clear, as before.
    assert sealing_wanted(None, True) is True
    monkeypatch.setenv("CI", "")
    assert sealing_wanted(None, True) is False
    monkeypatch.delenv("CI")
    assert sealing_wanted(None, True) is False and sealing_wanted(True, False) is True
    monkeypatch.setenv("CI", "true")
    assert sealing_wanted(None, False) is False and sealing_wanted(False, True) is False
    plain = build_case_base(tmp_path / "plain")  # no contact_keys anywhere
    done = cli("--root", plain, "report", "--out", tmp_path / "plain-out")
    assert done.returncode == 0, done
    assert all(p.suffix in (".xlsx", ".zip") for p in (tmp_path / "plain-out").iterdir())


def build_case_base(dest: Path) -> Path:
    shutil.copytree(CASES / "base", dest)
    return dest


def test_no_key_in_a_bureaus_chain_is_an_error_never_clear_output(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = build_case_base(tmp_path / "registry")
    out = tmp_path / "out"
    done = cli("--root", root, "report", "--seal", "--out", out)
    assert done.returncode == 1, done
    assert "测试市教育局" in done.stderr and "contact_keys" in done.stderr, done
    assert "Traceback" not in done.stderr and not out.exists()
    # Under CI, keys anywhere make sealing the default: a bureau without any is an error too.
    school = root / "filings" / "school" / "_unit.yaml"
    school.write_text(school.read_text("utf-8") + "contact_keys:\n  - holder: \"办公室\"\n"
                      f"    key: \"{CITY_PUBLIC}\"\n", "utf-8")
    assert cli("--root", root, "validate").returncode == 0
    monkeypatch.setenv("CI", "true")
    done = cli("--root", root, "report", "--out", out)
    assert done.returncode == 1 and "测试市教育局" in done.stderr, done
    assert not out.exists()


# ---- site-gen contacts open ----

def test_contacts_open_extracts_private_files(sealed: Path, tmp_path: Path,
                                              private_keys: dict[str, Path]) -> None:
    source = sealed / bundle(EAST)
    expected = unzip(open_bytes(source.read_bytes(), keys(DISTRICT_KEY)))
    done = cli("contacts", "open", source, "--identity", private_keys["district"], cwd=tmp_path)
    assert done.returncode == 0 and done.stderr == "", done
    folder = tmp_path / bundle(EAST).removesuffix(".zip.age")  # the default --out
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == expected
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in folder.iterdir())
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for name in expected:
        if name.endswith(".xlsx"):
            load_workbook(folder / name)
    # Never overwritten without saying: refused (nothing touched), or --force, which says so.
    changed = folder / members(EAST, XLSX)[0]
    changed.write_bytes(b"edited")
    again = cli("contacts", "open", source, "--identity", private_keys["district"], cwd=tmp_path)
    assert again.returncode == 1 and "没有覆盖" in again.stderr and "--force" in again.stderr
    assert changed.read_bytes() == b"edited"
    forced = cli("contacts", "open", source, "--identity", private_keys["district"], "--force",
                 cwd=tmp_path)
    assert forced.returncode == 0 and forced.stderr.count("已覆盖") == len(expected), forced
    assert changed.read_bytes() == expected[changed.name]
    assert stat.S_IMODE(changed.stat().st_mode) == 0o600


def test_contacts_open_refuses_in_one_sentence(sealed: Path, tmp_path: Path,
                                               private_keys: dict[str, Path],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    wrong = cli("contacts", "open", sealed / bundle(CITY), "--identity", private_keys["district"],
                "--out", out)
    assert wrong.returncode == 1 and wrong.stdout == "", wrong
    assert wrong.stderr.count("\n") == 1 and "这个私钥打不开" in wrong.stderr, wrong
    cut = tmp_path / "cut.zip.age"
    cut.write_bytes((sealed / bundle(EAST)).read_bytes()[:-100])
    junk = tmp_path / "junk.zip.age"
    junk.write_bytes(b"PK\x03\x04 not an age file")
    for damaged in (cut, junk):
        done = cli("contacts", "open", damaged, "--identity", private_keys["district"], "--out", out)
        assert done.returncode == 1 and "已损坏" in done.stderr and done.stderr.count("\n") == 1, done
    monkeypatch.delenv("SITE_GEN_AGE_IDENTITY", raising=False)
    no_key = cli("contacts", "open", sealed / bundle(EAST), "--out", out)
    assert no_key.returncode == 2 and "--identity" in no_key.stderr, no_key
    monkeypatch.setenv("SITE_GEN_AGE_IDENTITY", DISTRICT_KEY.read_text("utf-8"))
    assert cli("contacts", "open", sealed / bundle(EAST), "--out", out).returncode == 0
    for run in (wrong, no_key):
        assert "Traceback" not in run.stderr and "内部错误" not in run.stderr


@pytest.mark.parametrize("name", ["../escaped.xlsx", "/tmp/absolute.xlsx", "a/../../up.xlsx",
                                  "C:/windows.xlsx", "..\\back.xlsx"])
def test_contacts_open_refuses_members_outside_the_folder(name: str, tmp_path: Path,
                                                          private_keys: dict[str, Path]) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("fine.xlsx", b"fine")
        archive.writestr(name, b"evil")
    hostile = tmp_path / "hostile.zip.age"
    hostile.write_bytes(seal_bytes(buffer.getvalue(), [CITY_PUBLIC]))
    out = tmp_path / "deep" / "out"
    done = cli("contacts", "open", hostile, "--identity", private_keys["city"], "--out", out)
    assert done.returncode == 1 and "路径不安全" in done.stderr, done
    assert not (tmp_path / "deep").exists()  # nothing written at all
    assert not any(p.name.endswith(("escaped.xlsx", "up.xlsx", "back.xlsx"))
                   for p in tmp_path.rglob("*"))


def test_contacts_open_says_what_is_not_a_bundle(tmp_path: Path,
                                                 private_keys: dict[str, Path]) -> None:
    other = tmp_path / "other.zip.age"
    other.write_bytes(seal_bytes(b"just text", [CITY_PUBLIC]))
    done = cli("contacts", "open", other, "--identity", private_keys["city"], "--out", tmp_path / "o")
    assert done.returncode == 1 and "不是 zip" in done.stderr, done


# ---- the identity file's permissions ----

@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")
@pytest.mark.parametrize("mode,warned", [(0o644, True), (0o640, True), (0o604, True),
                                         (0o600, False), (0o400, False)])
def test_a_key_file_others_can_read_is_used_with_a_warning(mode: int, warned: bool,
                                                          sealed: Path, tmp_path: Path) -> None:
    # A real key file: the demo's first line (演示用…) taken off; a demo key never warns.
    key = tmp_path / "dongcheng.agekey"
    key.write_text(DISTRICT_KEY.read_text("utf-8").split("\n", 1)[1], "utf-8")
    key.chmod(mode)
    demo = Path(shutil.copy(DISTRICT_KEY, tmp_path / "demo.agekey"))
    demo.chmod(mode)
    shown = cli("contacts", "open", sealed / bundle(EAST), "--identity", demo,
                "--out", tmp_path / "demo-out")
    assert shown.returncode == 0 and "警告" not in shown.stderr, shown
    done = cli("contacts", "open", sealed / bundle(EAST), "--identity", key,
               "--out", tmp_path / "out")
    assert done.returncode == 0, done  # it still works
    assert ("警告" in done.stderr and f"{mode:04o}" in done.stderr
            and f"chmod 600 {key}" in done.stderr) is warned, done
    assert ("警告" in done.stderr) is warned
    assert "AGE-SECRET-KEY" not in done.stderr + done.stdout


# ---- no message quotes a contact's value ----

LEAKY = "13977770000"  # what an officer typed: it must never reach a log or a finding


def test_contact_problems_name_fields_never_values() -> None:
    bad = {"supervisor": {"name": "名" * 40, "title": LEAKY, "phone": LEAKY + "转8"},
           "ops_lead": {"name": "测试乙", "phone": LEAKY + "转1", "wechat": f"wx {LEAKY}"},
           LEAKY: "extra"}
    messages = contact_problems("account", bad)
    assert len(messages) >= 4
    text = "".join(messages)
    assert LEAKY not in text and "名" * 40 not in text
    assert "“contacts.ops_lead.phone”" in text and "“contacts.supervisor.phone”" in text
    assert "contacts.ops_lead.wechat" in text and "不认识的字段" in text
    assert contact_problems("unit", {"leader": {"name": "王", "phone": LEAKY + "x"}})


def test_the_audit_of_invalid_contacts_names_the_field_only(demo_registry: Path,
                                                           private_keys: dict[str, Path],
                                                           tmp_path: Path,
                                                           without_libreoffice: None) -> None:
    from site_gen.loader import read_document

    units = check_registry(demo_registry).registry.units
    planted = {
        "filings/dongcheng/shiyan-xiaoxue/wechat_official--dcsyxx.yaml": (
            "dongcheng/shiyan-xiaoxue",
            {"supervisor": {"name": "测试甲", "phone": LEAKY + "转8"},
             "ops_lead": {"name": "测试乙", "phone": LEAKY + "转1", "wechat": f"wx {LEAKY}"}}),
        "filings/xicheng/_unit.yaml": ("xicheng", {"leader": {"name": "测试丙", "phone": LEAKY + "x"}}),
    }
    for file, (unit, contacts) in planted.items():
        doc = read_document(demo_registry / file, file)
        assert not isinstance(doc, list)
        text = (demo_registry / file).read_text("utf-8")
        sealed_text = seal(contacts, recipients(units, unit))
        (demo_registry / file).write_text(with_sealed_contacts(text, doc, sealed_text), "utf-8")
    key = private_keys["city"]
    outputs = []
    for output_format in ("text", "json", "markdown"):
        done = cli("--root", demo_registry, "audit", "--identity", key, "--format", output_format)
        assert done.returncode == 0, done
        assert done.stdout.count("A-CONTACTS-INVALID") == 2 or output_format == "markdown", done
        outputs.append(done)
    assert "contacts.ops_lead.phone" in outputs[0].stdout
    assert "contacts.leader.phone" in outputs[0].stdout
    # Nor anything else a key holder runs in CI: the sealed report's log, a rekey's refusals.
    outputs.append(cli("--root", demo_registry, "report", "--seal", "--out", tmp_path / "r",
                       "--identity", key))
    assert outputs[-1].returncode == 0, outputs[-1]
    outputs.append(cli("--root", demo_registry, "contacts", "rekey", *planted, "--identity", key))
    assert outputs[-1].returncode == 1 and "没有重新加密" in outputs[-1].stderr, outputs[-1]
    for done in outputs:
        for digits in (LEAKY, LEAKY[1:]):
            assert digits not in done.stdout + done.stderr, done
        assert "测试甲" not in done.stdout + done.stderr and "测试丙" not in done.stdout + done.stderr


# ---- the portal's /open/ page, in real headless Chromium ----

def open_in_page(browser: Any, site_url: str, source: Path, key: Path) -> tuple[str, str, dict[str, bytes]]:
    """Pick the bundle and the key on /open/ (375 px wide), decrypt, and save every file
    offered; returns the status, the message and the saved files."""
    context, page, watch = new_page(browser, accept_downloads=True)
    methods: list[str] = []
    page.on("request", lambda r: methods.append(r.method))
    page.goto(site_url + "open/")
    page.set_input_files("#open-bundle", str(source))
    page.set_input_files("#open-key", str(key))
    page.click("#open-go")
    page.wait_for_selector("#open-status[data-status='ok'], #open-status[data-status='error']")
    status = page.get_attribute("#open-status", "data-status")
    message = page.inner_text("#open-status")
    saved = {}
    links = page.locator("#open-files a")
    for index in range(links.count()):
        with page.expect_download() as info:
            links.nth(index).click()
        download = info.value
        saved[download.suggested_filename] = Path(download.path()).read_bytes()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375  # fits a phone
    watch.check(site_url)  # no console error, no request off this site
    assert set(methods) == {"GET"}, methods  # nothing sent: no form post, no upload
    context.close()
    return status, message, saved


@pytest.mark.browser
def test_the_open_page_saves_what_contacts_open_extracts(browser: Any, site_url: str,
                                                         sealed: Path, tmp_path: Path,
                                                         private_keys: dict[str, Path]) -> None:
    status, message, saved = open_in_page(browser, site_url, sealed / bundle(CITY), DEMO_KEY)
    assert status == "ok" and f"{len(members(CITY, XLSX))} 个文件" in message, message
    out = tmp_path / "cli"
    assert cli("contacts", "open", sealed / bundle(CITY), "--identity", private_keys["city"],
               "--out", out).returncode == 0
    assert saved == {p.name: p.read_bytes() for p in out.iterdir()}
    assert sorted(saved) == members(CITY, XLSX)
    for name, data in saved.items():
        if name.endswith(".xlsx"):
            assert load_workbook(io.BytesIO(data)).sheetnames
        else:
            assert zipfile.ZipFile(io.BytesIO(data)).testzip() is None
    # 东城区's key: its own bundle opens, the city's does not.
    status, message, saved = open_in_page(browser, site_url, sealed / bundle(CITY), DISTRICT_KEY)
    assert status == "error" and "这个私钥打不开" in message and saved == {}, message
    status, message, saved = open_in_page(browser, site_url, sealed / bundle(EAST), DISTRICT_KEY)
    assert status == "ok" and sorted(saved) == members(EAST, XLSX), message


@pytest.mark.browser
def test_the_open_page_explains_wrong_files(browser: Any, site_url: str, sealed: Path,
                                            tmp_path: Path) -> None:
    cut = tmp_path / "cut.zip.age"
    cut.write_bytes((sealed / bundle(EAST)).read_bytes()[:-100])
    status, message, _ = open_in_page(browser, site_url, cut, DISTRICT_KEY)
    assert status == "error" and "已损坏" in message, message
    public = tmp_path / "public.agekey"
    public.write_text(f"# 公钥\n{CITY_PUBLIC}\n", "utf-8")
    status, message, _ = open_in_page(browser, site_url, sealed / bundle(EAST), public)
    assert status == "error" and "公钥" in message, message
    other = tmp_path / "other.zip.age"
    other.write_bytes(seal_bytes(b"not a zip", [CITY_PUBLIC]))
    status, message, _ = open_in_page(browser, site_url, other, DEMO_KEY)
    assert status == "error" and "压缩包已损坏" in message, message


def test_the_open_page_loads_age_and_its_script_only_there(demo_site: Path) -> None:
    page = (demo_site / "open" / "index.html").read_text("utf-8")
    assert '<script src="../assets/vendor/age/age.js"></script>' in page
    assert '<script src="../assets/open.js"></script>' in page
    assert (demo_site / "assets" / "open.js").is_file()
    for other in ("verify", "directory", "contacts"):
        assert "open.js" not in (demo_site / other / "index.html").read_text("utf-8")
    assert "vendor/age" not in (demo_site / "index.html").read_text("utf-8")


# ---- the workflows ----

WORKFLOWS = REPO / ".github" / "workflows"
GITLAB_RESERVED = {"default", "variables", "stages", "workflow", "include", "image", "services",
                   "before_script", "after_script", "cache"}


def test_every_job_has_a_timeout() -> None:
    for path in sorted(WORKFLOWS.glob("*.yml")):
        jobs = yaml.safe_load(path.read_text("utf-8"))["jobs"]
        for name, job in jobs.items():
            assert isinstance(job.get("timeout-minutes"), int), f"{path.name}: {name}"
    gitlab = yaml.safe_load((REPO / ".gitlab-ci.yml").read_text("utf-8"))
    jobs = {k: v for k, v in gitlab.items() if k not in GITLAB_RESERVED and not k.startswith(".")}
    assert set(jobs) >= {"check", "probe", "pages", "reports"}
    for name, job in jobs.items():
        assert re.fullmatch(r"\d+ minutes?", str(job.get("timeout", ""))), name


def test_github_publish_uploads_only_sealed_reports() -> None:
    publish = yaml.safe_load((WORKFLOWS / "publish.yml").read_text("utf-8"))
    jobs = publish["jobs"]
    steps = jobs["reports"]["steps"]
    runs = [s.get("run", "") for s in steps]
    uploads = [s for job in jobs.values() for s in job["steps"]
               if "upload-artifact" in s.get("uses", "")]
    assert [s["with"]["path"] for s in uploads] == ["dist/reports/*.zip.age"]
    pages = [s for s in jobs["build"]["steps"] if "upload-pages-artifact" in s.get("uses", "")]
    assert [s["with"]["path"] for s in pages] == ["site"]
    # The portal never waits on the reports (or a website): deploy needs the build alone,
    # and the build job has no key.
    assert jobs["deploy"]["needs"] == "build"
    assert "secrets." not in yaml.safe_dump(jobs["build"])
    reports = [r for r in runs if "site-gen report" in r]
    assert reports and all("--seal" in r and "--no-seal" not in r for r in reports)
    assert all("dist/reports" not in r for r in runs if "site-gen report" not in r)
    # The probe never blocks the portal; the steps after it read its record only if written.
    probe = [s for s in steps if "site-gen probe" in s.get("run", "")]
    assert len(probe) == 1 and probe[0]["continue-on-error"] is True
    assert probe[0].get("timeout-minutes")
    for run in runs:
        if "--probe" in run:
            assert "[ -f dist/probe.json ]" in run, run


@pytest.mark.parametrize("job", ["build", "reports"])
def test_github_publish_installs_from_the_hash_lock(job: str) -> None:
    steps = yaml.safe_load((WORKFLOWS / "publish.yml").read_text("utf-8"))["jobs"][job]["steps"]
    installs = [line.strip() for s in steps for line in s.get("run", "").splitlines()
                if "pip install" in line]
    assert installs == [
        "python -m pip install --require-hashes -r requirements/build.lock",
        "python -m pip install --require-hashes --no-build-isolation -r requirements/publish.lock",
        "python -m pip install --no-deps --no-build-isolation -e .",
    ]


def test_gitlab_publishes_sealed_reports_from_a_pinned_image() -> None:
    text = (REPO / ".gitlab-ci.yml").read_text("utf-8")
    gitlab = yaml.safe_load(text)
    assert re.fullmatch(r"python:3\.12-bookworm@sha256:[0-9a-f]{64}", gitlab["default"]["image"])
    pages, probe, reports = gitlab["pages"], gitlab["probe"], gitlab["reports"]
    assert probe["allow_failure"] is True
    # The portal needs nothing else and holds no key; the reports job alone reads it.
    assert pages["needs"] == [] and "site-gen build" in "\n".join(pages["script"])
    assert "unset SITE_GEN_AGE_IDENTITY" in pages["script"][0]
    assert pages["artifacts"]["paths"] == ["public"]
    pages = reports
    script = "\n".join(pages["script"])
    assert "[ -f probe.json ]" in script
    assert re.search(r"site-gen report --seal\b", script)
    # Nothing from the decrypted contacts in the log or the artifacts: the audit goes to a
    # file that is not uploaded, and only its summary line is printed.
    assert "tee" not in script and "audit.md" not in text
    assert all("reports" not in path or path.endswith("*.zip.age")
               for path in pages["artifacts"]["paths"])
    assert "reports/*.zip.age" in pages["artifacts"]["paths"]
    for job in (probe, gitlab["pages"], reports):
        installs = [line for line in job["script"] if "pip install" in line]
        assert installs == ["pip install --require-hashes -r requirements/build.lock",
                            "pip install --require-hashes --no-build-isolation -r requirements/publish.lock",
                            "pip install --no-deps --no-build-isolation -e ."]


def requirement_names(text: str) -> dict[str, str]:
    """Each locked name (normalised) and the block of lines that pins it."""
    blocks: dict[str, str] = {}
    for block in re.split(r"\n(?=[A-Za-z0-9])", text):
        found = re.match(r"([A-Za-z0-9._-]+)==", block)
        if found:
            blocks[re.sub(r"[-_.]+", "-", found.group(1)).lower()] = block
    return blocks


def test_the_publish_lock_pins_every_dependency_with_hashes() -> None:
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+

    project = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"]
    wanted = [*project["dependencies"], *project["optional-dependencies"]["screenshots"]]
    locked = requirement_names((REPO / "requirements" / "publish.lock").read_text("utf-8"))
    for requirement in wanted:
        name = re.sub(r"[-_.]+", "-", re.match(r"[A-Za-z0-9._-]+", requirement).group(0)).lower()
        assert name in locked, requirement
    assert "pytest" not in locked  # the test tools stay out of the job that holds the key
    build = requirement_names((REPO / "requirements" / "build.lock").read_text("utf-8"))
    assert list(build) == ["setuptools"]
    for block in [*locked.values(), *build.values()]:
        assert "--hash=sha256:" in block, block


# ---- the publish run, step by step, on the demo ----

def test_the_publish_steps_leave_no_contact_in_any_upload_or_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, without_libreoffice: None) -> None:
    """publish.yml's build and reports jobs run here as the runner runs them (CI set, the key
    in SITE_GEN_AGE_IDENTITY for audit and report only): what is uploaded (site/ and
    dist/reports/*.zip.age) and what is printed hold no decrypted name, phone or WeChat ID;
    the city's key opens the city's bundle, a district's key only its own."""
    from .test_contacts import demo_values

    root = portal_source(tmp_path / "repo", REPO / "filings")
    monkeypatch.setenv("CI", "true")
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    monkeypatch.delenv("SITE_GEN_AGE_IDENTITY", raising=False)
    printed = []
    for args, keyed in (
            (["build", "--out", "site"], False),
            (["probe", "--out", "dist/probe.json", "--format", "markdown", "--timeout", "2"], False),
            (["audit", "--probe", "dist/probe.json", "--format", "markdown"], True),
            (["report", "--seal", "--out", "dist/reports", "--probe", "dist/probe.json",
              "--sent-on", SENT, "--as-of", SENT], True)):
        with pytest.MonkeyPatch.context() as step:
            if keyed:
                step.setenv("SITE_GEN_AGE_IDENTITY", DEMO_KEY.read_text("utf-8"))
            done = cli("--root", root, *args, cwd=root)
        assert done.returncode == 0, done
        printed.append(done.stdout + done.stderr)
    uploaded = [p for p in (root / "site").rglob("*") if p.is_file()]
    uploaded += sorted((root / "dist" / "reports").glob("*.zip.age"))
    assert sorted(p.name for p in (root / "dist" / "reports").iterdir()) == sorted(
        bundle(short) for short in (CITY, EAST, WEST))
    secrets = demo_values()
    for path in uploaded:
        data = path.read_bytes()
        leaked = [v for v in secrets if v.encode("utf-8") in data]
        assert not leaked, (path, leaked[:3])
    for text in printed:
        assert not [v for v in secrets if v in text]
    # Who opens what.
    reports = root / "dist" / "reports"
    for key, short, opens in ((DEMO_KEY, CITY, True), (DEMO_KEY, EAST, True),
                              (DISTRICT_KEY, EAST, True), (DISTRICT_KEY, CITY, False),
                              (DISTRICT_KEY, WEST, False)):
        done = cli("contacts", "open", reports / bundle(short), "--identity", key,
                   "--out", tmp_path / f"{key.stem}-{short}")
        assert (done.returncode == 0) is opens, done
