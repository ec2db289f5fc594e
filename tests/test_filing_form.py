"""The filing form (/file/) in headless Chromium: what it produces validates with the real
``site-gen validate``, it refuses what the validator refuses with the same messages, and a
change, a deregistration and an annual review touch only what they should."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from site_gen.dates import normal_day
from site_gen.identity import account_slug
from site_gen.loader import Document, parse_document
from site_gen.model import Sealed
from site_gen.public import INTERNAL_LANDMARK
from site_gen.sealing import ARMOR_BEGIN, open_contacts, parse_identities

from .conftest import DEMO_KEY, DISTRICT_KEY, REPO
from .portal_helpers import new_page

SOURCE = "filings/dongcheng/kuaishou--dongchengjiaoyu.yaml"


def data_of(text: str) -> dict[str, Any]:
    doc = parse_document(text.encode("utf-8"), "x.yaml")
    assert isinstance(doc, Document), doc
    return dict(doc.data)


def opened(sealed: str, key: Path = DEMO_KEY) -> dict[str, Any] | Sealed:
    """Contacts sealed by the page, opened with pyrage and checked as the publish run does."""
    return open_contacts(sealed, parse_identities(key.read_text("utf-8"), "key"), "account", "x")


def output(page: Any) -> str:
    """The file the page made, once its contacts are sealed (a moment after the last input)."""
    page.wait_for_function("document.getElementById('filing-yaml').value !== ''")
    return str(page.input_value("#filing-yaml"))


def fill(page: Any, values: dict[str, Any], prefix: str = "") -> None:
    """Fill the form's controls, named by the field's path, with ``values``."""
    for key, value in values.items():
        name = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict) and key != "posts":
            fill(page, value, name)
        elif key == "posts":
            for year, count in value.items():
                page.fill(f'[name="posts.{year}"]', str(count))
        elif isinstance(value, list):
            for index, person in enumerate(value):
                page.click(f'fieldset[data-path="{name}"] .sg-add')
                fill(page, person, f"{name}[{index + 1}]")
        else:
            control = page.locator(f'#filing-fields [name="{name}"]')
            if control.evaluate("e => e.tagName") == "SELECT":
                control.select_option("true" if value is True else "false" if value is False else str(value))
            else:
                control.fill(str(value))


def choose_unit(page: Any, words: str, path: str) -> None:
    page.fill("#filing-unit-search", words)
    page.locator(".sg-option", has_text=f"filings/{path}").first.click()


def validate(run_cli, root: Path) -> Any:
    return run_cli("--root", str(root), "validate")


@pytest.fixture
def registry(tmp_path: Path) -> Path:
    shutil.copytree(REPO / "filings", tmp_path / "filings")
    return tmp_path


@pytest.mark.browser
def test_a_demo_filing_typed_into_the_form_validates(browser: Any, site_url: str, registry: Path,
                                                     run_cli) -> None:
    original = data_of((REPO / SOURCE).read_text("utf-8"))
    original["contacts"] = opened(original["contacts"])  # typed in clear on the phone
    new = {"account_id": "ksy_kuaishou", "name": "示例考试院快手", "certified_subject": "示例市教育考试院"}
    values = {**original, **new}
    values.pop("filed_on")
    context, page, watch = new_page(browser)
    page.goto(site_url + "file/")
    choose_unit(page, "考试院", "kaoshiyuan")
    fill(page, {k: v for k, v in values.items() if k not in ("status",)})
    page.fill('[name="filed_on"]', original["filed_on"])
    assert page.locator("#filing-errors li").count() == 0, page.locator("#filing-errors").inner_text()
    path = page.locator("#filing-path").inner_text()
    assert path == "filings/kaoshiyuan/kuaishou--ksy_kuaishou.yaml"
    text = output(page)
    assert INTERNAL_LANDMARK in text and "不会公开" in page.locator(".sg-privacy").inner_text()
    (registry / path).write_text(text, "utf-8")
    result = validate(run_cli, registry)
    assert result.returncode == 0, result
    assert [m for m in result.problems() if m["file"] == path] == [], result
    # The contacts left the page sealed: in the file and the forge address, no clear value.
    produced = data_of(text)
    assert produced["contacts"].startswith(ARMOR_BEGIN)
    people = original["contacts"]["supervisor"], original["contacts"]["ops_lead"]
    for value in [v for person in people for v in person.values()]:
        assert value not in text and value not in (page.get_attribute("#filing-forge", "href") or "")
    # Sealed to the unit tree's keys: the city's opens it, the districts' (not above it) not.
    assert opened(produced["contacts"], DISTRICT_KEY) == Sealed("not_for_key", opened(
        produced["contacts"], DISTRICT_KEY).detail)
    produced["contacts"] = opened(produced["contacts"])
    assert produced == {**original, **new}
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    watch.check(site_url)
    context.close()


@pytest.mark.browser
@pytest.mark.parametrize("field,bad", [
    ("contacts.ops_lead.phone", "1390000x"),
    ("opened_on", "2099-01-01"),
    ("account_id", "weibo6012300009"),
    ("opened_on", "2024-02-30"),
    ("opened_on", "1990/1/1"),
])
def test_what_the_validator_refuses_the_form_refuses_in_its_words(
        browser: Any, site_url: str, registry: Path, run_cli, field: str, bad: str) -> None:
    good = {"platform": "weibo", "account_id": "6012300009", "name": "东城教育微博二号",
            "verified": False, "opened_on": "2026-11-02", "interactive": True,
            "content_review": True,
            "contacts": {"supervisor": {"name": "测试甲", "phone": "13900009999"},
                         "ops_lead": {"name": "测试乙", "phone": "13900008888"}}}
    context, page, watch = new_page(browser)
    page.goto(site_url + "file/")
    choose_unit(page, "东城区教育局", "dongcheng")
    fill(page, good)
    text = output(page)
    assert opened(data_of(text)["contacts"], DISTRICT_KEY) == good["contacts"]  # 东城区's key
    page.fill(f'#filing-fields [name="{field}"]', bad)
    assert page.input_value("#filing-yaml") == "", "YAML was produced for an invalid value"
    assert page.is_disabled("#filing-copy") and page.is_hidden("#filing-forge")
    if page.locator(".sg-show-all").count():  # a problem of a field not touched (filed_on's order)
        page.click(".sg-show-all")
    shown = sorted(page.locator("#filing-errors li").all_inner_texts())
    # The same file written by hand (JSON is YAML), checked by the real validator.
    data = data_of(text)
    data["contacts"] = opened(data["contacts"])
    *parents, key = field.split(".")
    target = data
    for part in parents:
        target = target[part]
    target[key] = (normal_day(bad) or bad) if key == "opened_on" else bad  # the date as the form reads it
    written = json.dumps(data, ensure_ascii=False, indent=2)
    path = registry / "filings/dongcheng/weibo--6012300009.yaml"
    path.write_text(written, "utf-8")
    result = validate(run_cli, registry)
    expected = sorted(f"{m['code']} {m['message']}" for m in result.problems()
                      if m["file"].endswith("weibo--6012300009.yaml") and m["code"].startswith("E-")
                      and m["code"] not in ("E-PATH-NAME", "E-CONTACTS-PLAIN"))
    assert expected and shown == expected, (shown, result)
    field_error = page.locator(f'.sg-field-error[data-for="{field}"]').inner_text()
    assert field_error and field_error in expected[0]
    watch.check(site_url)
    context.close()


# The same account as site_gen/identity.py account_key says: case, width, a website's www.
@pytest.mark.browser
@pytest.mark.parametrize("platform,account_id", [("weibo", "6012300001"),
                                                 ("weibo", "６０１２３００００１"),
                                                 ("website", "WWW.jyj.shili.example")])
def test_an_account_already_filed_is_refused_before_writing(browser: Any, site_url: str,
                                                            platform: str, account_id: str) -> None:
    context, page, watch = new_page(browser)
    page.goto(site_url + "file/")
    choose_unit(page, "东城区教育局", "dongcheng")
    fill(page, {"platform": platform, "account_id": account_id})
    page.wait_for_function("document.getElementById('filing-errors').innerText.includes('已由')")
    assert "已由示例市教育局备案" in page.locator("#filing-errors").inner_text()
    watch.check(site_url)
    context.close()


def test_the_prefill_is_the_public_part_only(demo_site: Path) -> None:
    page = (demo_site / "u" / "diyi-zhongxue" / "index.html").read_text("utf-8")
    links = re.findall(r'href="([^"]*mode=change[^"]*)"', page)
    assert links and all(len(link) < 200 for link in links)  # pages stay small
    published = json.loads((demo_site / "u" / "diyi-zhongxue" / "accounts.json").read_text("utf-8"))
    assert published["douyin--shili1z_official.yaml"]["account_id"] == "shili1z_official"
    text = json.dumps(published, ensure_ascii=False)
    for field in ("contacts", "inspection", "note", "supervisor"):
        assert field not in text
    from .test_portal import contact_values

    assert not [value for value in contact_values() if value in text]


FORGES = {
    "github": ("https://github.com/shili/registry/new/main?filename=filings%2Fa%2Fweibo--1.yaml&value=x%3A%201%0A",
               "https://github.com/shili/registry/edit/main/filings/a/weibo--1.yaml"),
    "gitlab": ("https://gitlab.example/shili/registry/-/new/main/filings/a?file_name=weibo--1.yaml&content=x%3A%201%0A",
               "https://gitlab.example/shili/registry/-/edit/main/filings/a/weibo--1.yaml"),
    "gitea": ("https://gitea.example/shili/registry/_new/main/filings/a/?filename=weibo--1.yaml&value=x%3A%201%0A",
              "https://gitea.example/shili/registry/_edit/main/filings/a/weibo--1.yaml"),
    "forgejo": ("https://gitea.example/shili/registry/_new/main/filings/a/?filename=weibo--1.yaml&value=x%3A%201%0A",
                "https://gitea.example/shili/registry/_edit/main/filings/a/weibo--1.yaml"),
}


@pytest.mark.browser
def test_forge_addresses_and_file_names(browser: Any, site_url: str) -> None:
    context, page, watch = new_page(browser)
    page.goto(site_url + "file/")
    for kind, (new, edit) in FORGES.items():
        url = {"github": "https://github.com", "gitlab": "https://gitlab.example"}.get(kind, "https://gitea.example")
        forge = {"kind": kind, "url": url, "repo": "shili/registry", "branch": "main"}
        for is_edit, expected in ((False, new), (True, edit)):
            found = page.evaluate("([f, e]) => window.siteGenFiling.forgeAddress(f, 'filings/a/weibo--1.yaml', 'x: 1\\n', e)",
                                  [forge, is_edit])
            assert found == expected, kind
    for account_id in ("sphShiliJyj01", "示例账号", "A B/c", "shifan-xueyuan", "x" * 120):
        assert page.evaluate("i => window.siteGenFiling.accountSlug(i)", account_id) == account_slug(account_id)
    watch.check(site_url)
    context.close()


RAW = "https://raw.githubusercontent.com/shili-jyj/registry/main/"  # the demo's forge (mkdocs.yml)


def serve_raw(page: Any, root: Path) -> None:
    """The forge's raw files, from ``root``: GitHub cannot be reached from here, so the browser
    is given the files there would be (the page's own fetch, parsing and edit run for real)."""
    def answer(route: Any) -> None:
        path = root / route.request.url.removeprefix(RAW)
        if path.is_file():
            route.fulfill(status=200, body=path.read_text("utf-8"), content_type="text/plain; charset=utf-8")
        else:
            route.fulfill(status=404, body="not found")
    page.route(RAW + "**", answer)


def git(root: Path, *args: str) -> str:
    import subprocess

    return subprocess.run(["git", "-C", str(root), "-c", "user.name=测试", "-c", "user.email=t@example.org",
                           *args], check=True, capture_output=True, text=True).stdout


def open_edit(browser: Any, site_url: str, root: Path, mode: str, unit: str, file: str) -> tuple[Any, Any, Any]:
    context, page, watch = new_page(browser, locale="zh-CN")
    serve_raw(page, root)
    page.goto(site_url + f"u/{unit}/")
    page.locator(f'a[href*="mode={mode}"][href*="{file}"]').click()
    page.wait_for_selector("#filing-form[data-ready='1']", state="attached")
    return context, page, watch


# Hand-written demo files, each edited as a clerk would: the whole file comes back, only the
# changed lines differ, the sealed contacts, the comments and the reviewers' proof stay.
@pytest.mark.browser
@pytest.mark.parametrize("mode,file,edit,lines", [
    ("change", "filings/diyi-zhongxue/douyin--shili1z_official.yaml",
     {"department": "宣传部", "followers": "28000"}, (2, 2)),
    ("deregister", "filings/diyi-zhongxue/douyin--shili1z_official.yaml",
     {"deregister_reason": "整合到学校公众号"}, (3, 1)),  # status changed; its date, reason added
    ("review", "filings/dongcheng/kuaishou--dongchengjiaoyu.yaml", {"followers": "16000"}, (2, 2)),
])
def test_edits_keep_the_file(browser: Any, site_url: str, registry: Path, run_cli, mode: str,
                             file: str, edit: dict[str, str], lines: tuple[int, int]) -> None:
    git(registry, "init", "-q", "-b", "main")
    git(registry, "add", "-A")
    git(registry, "commit", "-q", "-m", "registry")
    original = (registry / file).read_text("utf-8")
    unit = file.split("/")[1]
    context, page, watch = open_edit(browser, site_url, registry, mode, unit, file.split("/")[-1])
    head = page.locator("#filing-account").inner_text()
    account = data_of(original)
    assert account["name"] in head and account["account_id"] in head  # which account it changes
    for name, value in edit.items():
        page.fill(f'#filing-fields [name="{name}"]', value)
    assert page.locator("#filing-errors li").count() == 0, page.locator("#filing-errors").inner_text()
    assert page.locator("#filing-path").inner_text() == file
    produced = output(page)
    assert produced.startswith(original.split("\n", 1)[0])  # the file's own first line (a comment)
    contacts = original[original.index("contacts:"):]
    assert contacts in produced  # the sealed contacts, byte for byte
    (registry / file).write_text(produced, "utf-8")
    changed = git(registry, "diff", "--numstat", "--", file).split()
    assert changed[:2] == [str(lines[0]), str(lines[1])], produced  # lines added, removed
    result = run_cli("--root", str(registry), "validate", "--since", "HEAD")
    assert result.returncode == 0 and not [m for m in result.problems() if m["code"].startswith("E-")], result
    watch.check(site_url, RAW)
    context.close()


@pytest.mark.browser
def test_a_suspended_account_is_resumed_by_a_change(browser: Any, site_url: str, registry: Path,
                                                    run_cli) -> None:
    """Resuming (恢复使用, docs/change.md): the status goes back to 在用 and the suspension's
    three lines leave the file with it; nothing else changes."""
    file = "filings/dongcheng/dier-zhongxue/toutiao--98000000102.yaml"
    git(registry, "init", "-q", "-b", "main")
    git(registry, "add", "-A")
    git(registry, "commit", "-q", "-m", "registry")
    original = (registry / file).read_text("utf-8")
    assert "status: suspended\nsuspended_on: 2026-09-25\n" in original
    context, page, watch = open_edit(browser, site_url, registry, "change", "dongcheng/dier-zhongxue",
                                     file.split("/")[-1])
    assert page.is_visible('#filing-fields [name="suspended_on"]')
    page.select_option('#filing-fields [name="status"]', "active")
    assert not page.is_visible('#filing-fields [name="suspended_on"]')
    page.fill('#filing-fields [name="last_post_on"]', "2026-11-20")
    assert page.locator("#filing-errors li").count() == 0, page.locator("#filing-errors").inner_text()
    produced = output(page)
    head = produced[:produced.index("contacts:")]
    assert "suspend" not in head and 'status: "active"' in head, head
    (registry / file).write_text(produced, "utf-8")
    assert git(registry, "diff", "--numstat", "--", file).split()[:2] == ["2", "5"], produced
    result = run_cli("--root", str(registry), "validate", "--since", "HEAD")
    assert result.returncode == 0 and not [m for m in result.problems() if m["code"].startswith("E-")], result
    watch.check(site_url, RAW)
    context.close()


@pytest.mark.browser
def test_an_edit_without_the_forge_asks_for_the_file(browser: Any, site_url: str, registry: Path) -> None:
    file = "filings/dongcheng/kuaishou--dongchengjiaoyu.yaml"
    context, page, watch = new_page(browser, locale="zh-CN")
    page.route(RAW + "**", lambda route: route.fulfill(status=404, body="需要登录"))
    page.goto(site_url + "file/?mode=change&unit=dongcheng&account=kuaishou--dongchengjiaoyu.yaml")
    page.wait_for_selector("#filing-source-manual:not([hidden])")
    assert "无法直接从代码平台读取" in page.inner_text("#filing-source-status")
    assert page.input_value("#filing-yaml") == "" and page.is_disabled("#filing-download")  # no file yet
    page.fill("#filing-source-text", (registry / "filings/diyi-zhongxue/douyin--shili1z_official.yaml").read_text("utf-8"))
    assert "这是另一个账号的文件" in page.inner_text("#filing-source-status")
    page.fill("#filing-source-text", (registry / file).read_text("utf-8"))
    page.wait_for_selector("#filing-form[data-ready='1']", state="attached")
    page.fill('#filing-fields [name="name"]', "东城教育快手号")
    produced = output(page)
    assert data_of(produced)["name"] == "东城教育快手号"
    # Changing the ID is another account: refused, no file.
    page.fill('#filing-fields [name="account_id"]', "dongcheng_new")
    assert "账号 ID不同就是另一个账号：请注销原账号并新建备案" in page.inner_text("#filing-errors")
    assert page.input_value("#filing-yaml") == ""
    watch.errors = [e for e in watch.errors if "404" not in e]  # the forge's answer, logged by the browser
    watch.check(site_url, RAW)
    context.close()


def open_form(browser: Any, site_url: str) -> tuple[Any, Any, Any]:
    """The new-filing form, ready, in a zh-CN phone browser at 375 px."""
    context, page, watch = new_page(browser, locale="zh-CN")
    page.goto(site_url + "file/")
    page.wait_for_selector("#filing-form[data-ready='1']", state="attached")
    return context, page, watch


# What people type for a date, in a zh-CN phone browser at 375 px: every shape is the date.
@pytest.mark.browser
def test_dates_as_people_type_them(browser: Any, site_url: str) -> None:
    context, page, watch = open_form(browser, site_url)
    field = '#filing-fields [name="opened_on"]'
    assert page.get_attribute(field, "type") == "text"  # never the locale's mm/dd/yyyy box
    for typed in ("2024-05-01", "2024/5/1", "2024.5.1", "2024年5月1日", "20240501", "２０２４年５月１日",
                  "2024 年 5 月 1 号"):
        page.fill(field, typed)
        assert page.evaluate("t => window.siteGenFiling.typedDate(t)", typed) == normal_day(typed) == "2024-05-01"
        assert "即 2024 年 5 月 1 日" in page.inner_text('[data-path="opened_on"] .sg-field-note'), typed
    for typed, code in (("2024-02-30", "E-DATE-INVALID"), ("1990-1-1", "E-DATE-IMPLAUSIBLE"),
                        ("2099年1月1日", "E-DATE-FUTURE")):
        page.fill(field, typed)
        assert code in page.inner_text("#filing-errors"), typed
    for typed in ("5/1/2024", "2024/5-1", "24/5/1", "2024年5-1"):  # no guessing
        assert page.evaluate("t => window.siteGenFiling.typedDate(t)", typed) is normal_day(typed) is None
    watch.check(site_url)
    context.close()


@pytest.mark.browser
def test_pasted_links_become_ids_or_the_right_advice(browser: Any, site_url: str) -> None:
    context, page, watch = open_form(browser, site_url)
    field = '#filing-fields [name="account_id"]'
    # A profile link carries the ID: taken, and said; the platform is chosen from the link.
    page.fill(field, "https://www.douyin.com/user/MS4wLjABAAAAshili1zxinhao01?from_tab_name=main")
    assert page.input_value(field) == "MS4wLjABAAAAshili1zxinhao01"
    assert page.input_value('#filing-fields [name="platform"]') == "douyin"
    assert "已从粘贴的链接中取出抖音账号 ID" in page.inner_text('[data-path="account_id"] .sg-field-note')
    page.select_option('#filing-fields [name="platform"]', "weibo")
    page.fill(field, "https://weibo.com/6012300009/NxYz12345")
    assert page.input_value(field) == "6012300009"
    # A share text with a short link carries none: the platform's way to find the ID, never
    # "paste the link" again.
    page.select_option('#filing-fields [name="platform"]', "douyin")
    share = ("7.43 复制打开抖音，看看【示例市第一中学的作品】今天的升旗仪式 https://v.douyin.com/iRNBho6u/ "
             "05/12 a@b.com :9pm")
    page.fill(field, share)
    page.click("#filing-title")
    message = page.inner_text('.sg-field-error[data-for="account_id"]')
    assert "“抖音号：”后面的就是账号 ID" in message and "粘贴" not in message
    page.select_option('#filing-fields [name="platform"]', "wechat_official")
    page.fill(field, "https://mp.weixin.qq.com/s/Xy3AbCdEfGhIjKlMnOp")
    message = page.inner_text('.sg-field-error[data-for="account_id"]')
    assert "“微信号”一栏就是账号 ID" in message and "粘贴" not in message
    watch.check(site_url)
    context.close()


def refused_samples() -> list[tuple[str, str]]:
    """One character of each class of site_gen/data/characters.json, and a tab."""
    table = json.loads((REPO / "site_gen" / "data" / "characters.json").read_text("utf-8"))
    return [(entry["name"], chr(int(entry["ranges"][-1][0], 16))) for entry in table["classes"]]


# Every class of refused character typed into every kind of field is taken out at the field,
# visibly; the file then passes the check, builds and makes a unit's report.
@pytest.mark.browser
def test_invisible_characters_are_taken_out_as_the_clerk_types(
        browser: Any, site_url: str, registry: Path, run_cli, tmp_path: Path) -> None:
    from .portal_helpers import build, portal_source

    context, page, watch = new_page(browser, locale="zh-CN")
    page.goto(site_url + "file/")
    choose_unit(page, "考试院", "kaoshiyuan")
    samples = refused_samples() + [("制表符", "\t"), ("响铃", "\u0007")]
    values = {"platform": "weibo", "account_id": "6012300077", "verified": False,
              "opened_on": "2026-11-02", "interactive": True, "content_review": True}
    fill(page, values)
    texts = {"name": "考试院微博", "content_scope": "考试信息、通知公告", "note": "内部备注",
             "contacts.supervisor.name": "测试甲", "contacts.ops_lead.name": "测试乙"}
    fill(page, {"contacts": {"supervisor": {"phone": "13900009999"}, "ops_lead": {"phone": "13900008888"}}})
    for index, (label, char) in enumerate(samples):
        name, clean = list(texts.items())[index % len(texts)]
        page.fill(f'#filing-fields [name="{name}"]', clean[:2] + char + clean[2:])
        shown = page.input_value(f'#filing-fields [name="{name}"]')
        assert char not in shown and shown.replace(" ", "") == clean, (label, shown)
        if char != "\t":
            assert "已删去看不见的字符" in page.inner_text(f'[data-path="{name}"] .sg-field-note'), label
    text = output(page)
    path = registry / "filings/kaoshiyuan/weibo--6012300077.yaml"
    path.write_text(text, "utf-8")
    assert validate(run_cli, registry).returncode == 0
    report = run_cli("--root", str(registry), "report", "--no-seal", "--unit", "kaoshiyuan",
                     "--identity", str(DEMO_KEY), "--out", str(tmp_path / "reports"))
    assert report.returncode == 0 and "Traceback" not in report.stderr, report
    root = portal_source(tmp_path / "portal", registry / "filings")
    assert build(root, root / "site").returncode == 0
    watch.check(site_url)
    context.close()


@pytest.mark.browser
def test_failures_speak_and_offer_no_file(browser: Any, site_url: str) -> None:
    context, page, watch = new_page(browser, locale="zh-CN")
    page.route("**/file/keys.json", lambda route: route.abort())
    page.goto(site_url + "file/")
    choose_unit(page, "东城区教育局", "dongcheng")
    fill(page, {"platform": "weibo", "account_id": "6012300055", "name": "东城教育微博五号",
                "verified": False, "opened_on": "2026-11-02", "interactive": True, "content_review": True,
                "contacts": {"supervisor": {"name": "测试甲", "phone": "13900009999"},
                             "ops_lead": {"name": "测试乙", "phone": "13900008888"}}})
    assert "公钥没有加载成功" in page.inner_text("#filing-steps")
    assert page.input_value("#filing-yaml") == "" and page.is_disabled("#filing-download")
    context.close()
    # An account that cannot be found: one sentence, no form to fill in vain.
    context, page, watch = new_page(browser, locale="zh-CN")
    page.goto(site_url + "file/?mode=change&unit=dongcheng&account=weibo--404.yaml")
    page.wait_for_selector("#filing-failure:not([hidden])")
    assert "没有找到这个账号的备案" in page.inner_text("#filing-failure")
    assert page.input_value("#filing-yaml") == ""
    watch.check(site_url)
    context.close()


@pytest.mark.browser
def test_the_form_for_everyone(browser: Any, site_url: str) -> None:
    context, page, watch = open_form(browser, site_url)
    # Nothing typed yet: required fields marked, no error listed field by field.
    assert page.locator("#filing-errors li").count() == 1 and "还有" in page.inner_text("#filing-errors")
    assert page.locator(".sg-field-error:not(:empty)").count() == 0
    assert page.get_attribute('#filing-fields [name="name"]', "aria-required") == "true"
    assert page.locator('[name="proof"], fieldset[data-path="proof"]').count() == 0  # reviewers' only
    # The page's first stop is a skip link to the form, which takes the focus there.
    first = page.evaluate("document.querySelector('.sg-file a, .sg-file input, .sg-file select, .sg-file button')"
                          ".getAttribute('href')")
    assert first == "#filing-form"
    page.focus(".sg-skip a")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "filing-form"
    # The unit search with arrow keys and Enter.
    page.fill("#filing-unit-search", "教育局")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    chosen = page.evaluate("document.getElementById(document.getElementById('filing-unit-search')"
                           ".getAttribute('aria-activedescendant')).textContent")
    page.keyboard.press("Enter")
    assert page.get_attribute("#filing-unit", "data-chosen") == "1"
    assert chosen.split(" filings/")[0] in page.inner_text("#filing-unit-chosen")
    # A wrong value: the field says so, tied to its message.
    page.fill('#filing-fields [name="contacts.ops_lead.phone"]', "1390000x")
    phone = page.locator('#filing-fields [name="contacts.ops_lead.phone"]')
    assert phone.get_attribute("aria-invalid") == "true"
    described = phone.get_attribute("aria-describedby").split()
    error = page.locator('.sg-field-error[data-for="contacts.ops_lead.phone"]')
    assert error.get_attribute("id") in described and error.inner_text()
    watch.check(site_url)
    context.close()


@pytest.mark.browser
def test_a_long_filing_opens_the_empty_page_and_copies(browser: Any, site_url: str) -> None:
    context, page, watch = new_page(browser, locale="zh-CN", permissions=["clipboard-read", "clipboard-write"])
    page.goto(site_url + "file/")
    choose_unit(page, "东城区教育局", "dongcheng")
    fill(page, {"platform": "weibo", "account_id": "6012300066", "name": "东城区教育局官方微博六号" * 4, "certified_subject": "示例市东城区教育局",
                "verified": False, "opened_on": "2026-11-02", "interactive": True, "content_review": True,
                "content_scope": "通知公告、" * 40, "note": "备注内容较长。" * 40,
                "outsourced_to": "示例市教育信息技术服务有限公司" * 6, "department": "办公室宣传科" * 5,
                "contacts": {"supervisor": {"name": "测试甲", "phone": "13900009999", "title": "副校长"},
                             "ops_lead": {"name": "测试乙", "phone": "13900008888", "title": "主任"},
                             "staff": [{"name": f"工作人员{i}", "phone": f"1390000{i:04d}", "title": "干事"}
                                       for i in range(5)]}})
    text = output(page)
    href = page.get_attribute("#filing-forge", "href")
    assert len(href) < 8000 and "value=" not in href and "filename=" in href
    assert "复制内容并打开" in page.inner_text("#filing-forge") and "粘贴" in page.inner_text("#filing-steps")
    page.evaluate("document.getElementById('filing-forge').addEventListener('click', e => e.preventDefault())")
    page.click("#filing-forge")
    page.wait_for_selector("#filing-copied:not([hidden])")
    assert page.evaluate("navigator.clipboard.readText()") == text
    watch.check(site_url)
    context.close()


@pytest.mark.browser
def test_what_a_clerk_types_and_pastes_second_round(browser: Any, site_url: str, registry: Path) -> None:
    """The form red team's findings: counts typed with 万, notes that follow the value, the
    platform changed after a paste, and a current file the registry would refuse."""
    context, page, watch = open_form(browser, site_url)
    followers = '#filing-fields [name="followers"]'
    page.fill(followers, "2.8万")
    assert "即 28000" in page.inner_text('[data-path="followers"] .sg-field-note')
    page.fill(followers, "12e")
    assert page.get_attribute(followers, "aria-invalid") == "true"  # refused, never dropped
    field = '#filing-fields [name="account_id"]'
    page.select_option('#filing-fields [name="platform"]', "weibo")
    page.fill(field, "https://weibo.com/u/6012300009")
    assert "微博账号 ID" in page.inner_text('[data-path="account_id"] .sg-field-note')
    page.select_option('#filing-fields [name="platform"]', "website")  # the same paste, read again
    assert "微博" not in page.inner_text('[data-path="account_id"] .sg-field-note')
    assert page.input_value(field) == "weibo.com"
    page.fill(field, "6012300010")
    assert page.inner_text('[data-path="account_id"] .sg-field-note') == ""
    context.close()
    # A current file with an anchor: refused with a sentence, no file.
    file = registry / "filings/dongcheng/kuaishou--dongchengjiaoyu.yaml"
    text = file.read_text("utf-8").replace("verified: true", "verified: &v true\ninteractive_copy: *v", 1)
    context, page, watch = new_page(browser, locale="zh-CN")
    page.route(RAW + "**", lambda route: route.fulfill(status=200, body=text, content_type="text/plain"))
    page.goto(site_url + "file/?mode=change&unit=dongcheng&account=kuaishou--dongchengjiaoyu.yaml")
    page.wait_for_selector("#filing-source-manual:not([hidden])")
    assert "锚点" in page.inner_text("#filing-source-status") and page.input_value("#filing-yaml") == ""
    watch.check(site_url, RAW)
    context.close()


@pytest.mark.browser
def test_contacts_found_in_the_clear_leave_the_page_sealed(browser: Any, site_url: str, registry: Path) -> None:
    file = registry / "filings/dongcheng/kuaishou--dongchengjiaoyu.yaml"
    text = file.read_text("utf-8")
    plain = text[:text.index("contacts:")] + ("contacts:\n  supervisor:\n    name: 张三\n    phone: \"13800000001\"\n"
                                               "  ops_lead:\n    name: 李四\n    phone: \"13800000002\"\n")
    context, page, watch = new_page(browser, locale="zh-CN")
    page.route(RAW + "**", lambda route: route.fulfill(status=200, body=plain, content_type="text/plain"))
    page.goto(site_url + "file/?mode=change&unit=dongcheng&account=kuaishou--dongchengjiaoyu.yaml")
    page.wait_for_selector("#filing-form[data-ready='1']", state="attached")
    assert "没有加密" in page.inner_text("#filing-source-status")
    page.fill('#filing-fields [name="followers"]', "16500")
    produced = output(page)
    assert ARMOR_BEGIN in produced and "13800000001" not in produced and "张三" not in produced
    assert opened(data_of(produced)["contacts"]) == data_of(plain)["contacts"]
    watch.check(site_url, RAW)
    context.close()
