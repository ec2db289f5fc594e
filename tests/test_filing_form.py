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
    ("account_id", "https://weibo.com/6012300009/NxYz12345"),
    ("account_id", "weibo6012300009"),
    # site_gen/data/characters.json, used by both: a direction override, a zero-width space.
    ("name", "东城教育\u202e号二博微"),
    ("contacts.ops_lead.name", "测试\u200b乙"),
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
    shown = sorted(page.locator("#filing-errors li").all_inner_texts())
    # The same file written by hand (JSON is YAML), checked by the real validator.
    data = data_of(text)
    data["contacts"] = opened(data["contacts"])
    *parents, key = field.split(".")
    target = data
    for part in parents:
        target = target[part]
    target[key] = bad
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


def apply_change(original: str, produced: str) -> str:
    """What the page tells the clerk to do on the edit page: replace everything from the first
    line through the landmark, keep what is below it."""
    assert produced.endswith(INTERNAL_LANDMARK + "\n")
    return produced + original.split(INTERNAL_LANDMARK + "\n", 1)[1]


@pytest.mark.browser
@pytest.mark.parametrize("mode,edit,changed", [
    ("change", {"name": "示例一中抖音号"}, {"name"}),
    ("deregister", {"deregister_reason": "整合到学校公众号"},
     {"status", "deregistered_on", "deregister_reason"}),
    ("review", {"followers": "28000"}, {"annual_review_on", "followers"}),
])
def test_change_deregister_and_review_touch_only_what_changed(
        browser: Any, site_url: str, registry: Path, run_cli, mode: str, edit: dict[str, str],
        changed: set[str]) -> None:
    file = "filings/diyi-zhongxue/douyin--shili1z_official.yaml"
    original = (registry / file).read_text("utf-8")
    context, page, watch = new_page(browser)
    page.goto(site_url + "u/diyi-zhongxue/")
    page.locator(f'a[href*="mode={mode}"][href*="shili1z_official"]').click()
    page.wait_for_selector("#filing-unit[data-chosen='1']", state="attached")
    page.wait_for_selector("#filing-form[data-ready='1']", state="attached")
    for name, value in edit.items():
        page.fill(f'#filing-fields [name="{name}"]', value)
    assert page.locator("#filing-errors li").count() == 0, page.locator("#filing-errors").inner_text()
    assert page.locator("#filing-path").inner_text() == file
    assert "/edit/main/" + file in page.get_attribute("#filing-forge", "href")
    produced = page.input_value("#filing-yaml")
    assert "supervisor" not in produced and "inspection" not in produced  # never public
    updated = apply_change(original, produced)
    before, after = data_of(original), data_of(updated)
    assert {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)} == changed
    (registry / file).write_text(updated, "utf-8")
    result = validate(run_cli, registry)
    assert result.returncode == 0 and not [m for m in result.problems() if m["file"] == file], result
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
