"""Every item of a pasted text judged on its own (issue 21): the command line's JSON, and the
page at 375 px showing a mixed answer item by item, a poster's QR of this portal's 核验页
photographed anywhere, with no request to any other host."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from site_gen.identity import account_code

from .conftest import REPO
from .portal_helpers import new_page

pytestmark = pytest.mark.browser

SMS = ("【示例市教育局】您的补贴待领取，请登录 https://jyj-shili.pay-cn.example/login 办理，"
       "详见官网 https://jyj.shili.example/xxgk/")
SITE = "https://shili-jyj.example.org/registry/"


def test_lookup_json_judges_each_item(run_cli: Any) -> None:
    done = run_cli("--root", str(REPO), "lookup", SMS, "--format", "json")
    answer = json.loads(done.stdout)
    assert answer["status"] == "mixed"
    assert [(i["text"], i["verdict"]) for i in answer["items"]] == [
        ("https://jyj-shili.pay-cn.example/login", "unknown"),
        ("https://jyj.shili.example/xxgk/", "official")]
    assert answer["items"][1]["account"]["i"] == "jyj.shili.example"
    text = run_cli("--root", str(REPO), "lookup", SMS).stdout
    assert "① https://jyj-shili.pay-cn.example/login：未收录，不要点击、不要登录" in text
    assert "官方账号" in text.splitlines()[3]


@pytest.mark.parametrize("query,status", [
    (SMS, "mixed"),
    ("https://weibo.com/u/7012399999?uid=6012300001", "counterfeit"),
    ("https://jyj.shili.example。pay-cn.com/login", "unknown"),
    ("认准抖音号：shili1z_official 领奖 https://v.douyin.com/iFaKe01/", "mixed"),
])
def test_the_page_never_gives_a_hostile_text_a_green_tick(browser: Any, site_url: str,
                                                          query: str, status: str) -> None:
    context, page, watch = new_page(browser)
    page.goto(site_url + "verify/")
    page.fill("#verify-query", query)
    page.click("#verify-form button")
    page.wait_for_selector("#verify-result[data-status]")
    assert page.get_attribute("#verify-result", "data-status") == status
    text = page.locator("#verify-result").inner_text()
    assert "✅ 官方账号" not in text
    if status == "mixed":
        items = page.locator("#verify-result .verify-items li").all_inner_texts()
        assert len(items) == 2 and items[0].startswith("①") and "未收录，不要点击、不要登录" in items[0]
        assert "官方账号" in items[1]
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    watch.check(site_url)  # no console error, no request to any other host
    context.close()


def test_a_poster_qr_of_this_portal_identifies_the_account(browser: Any, site_url: str,
                                                           tmp_path: Path) -> None:
    """The 核验二维码 printed on a poster holds the configured address (site_url), which is not
    where the page is served from here: it still names its account."""
    import segno

    code = account_code("weibo", "6012300001")
    image = tmp_path / "poster.png"
    segno.make(f"{SITE}a/{code}/", error="m").save(str(image), scale=8, border=4)
    context, page, watch = new_page(browser)
    page.goto(site_url + "verify/")
    page.set_input_files("#verify-qr", str(image))
    page.wait_for_selector("#verify-result[data-status='official']")
    assert "示例教育发布" in page.locator("#verify-result").inner_text()
    watch.check(site_url)
    context.close()
