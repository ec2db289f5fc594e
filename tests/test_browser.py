"""The portal in a real headless Chromium (Debian's, driven by Playwright): the verify
page answers, agrees with Python on the shared case table, fits a phone, and the
directory works without JavaScript. No request leaves localhost."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from site_gen.commands.lookup import site_url as site_url_of
from site_gen.lookup import build_index, lookup, sites_of
from site_gen.public import public_registry
from site_gen.rules import check_registry

from .conftest import CASES, REPO
from .portal_helpers import ARGS, CHROMIUM, Watch, new_page

pytestmark = pytest.mark.browser

CASE_TABLE: list[dict[str, str]] = yaml.safe_load((CASES / "lookup.yaml").read_text("utf-8"))


def ask(page: Any, query: str) -> tuple[str, str]:
    page.fill("#verify-query", query)
    page.click("#verify-form button")
    page.wait_for_selector("#verify-result[data-status]")
    result = page.locator("#verify-result")
    status = result.get_attribute("data-status")
    text = result.inner_text()
    page.evaluate("document.getElementById('verify-result').removeAttribute('data-status')")
    return status, text


@pytest.mark.parametrize("query,status,shown", [
    ("示例一中", "name_only", "名称可以被冒用"),
    ("shili1z", "official", "示例市第一中学"),
    ("https://WWW.weibo.com/u/6012300001/?from=timeline#top", "official", "示例教育发布"),
    ("6012300003", "deregistered", "2025-06-30"),
    # Suspended (暂停使用): still official, and the answer says since when (docs/casework.md).
    ("98000000102", "official", "官方账号，自 2026-09-25 起暂停使用"),
    ("示例一中官方", "name_only", "已举报的假冒账号"),
    ("shili1z_guanfang", "counterfeit", "示例市第一中学"),
    # A counterfeit beside the official link: each item says what it is.
    ("看这个 https://weibo.com/u/6012300001 还有 https://weibo.com/u/7012399999", "counterfeit",
     "官方账号（微博：示例教育发布，示例市教育局）"),
    ("示列一中", "unknown", "示例一中"),
    ("https://mp.weixin.qq.com/s/AbCdEfGhIjKlMnOp", "unknown", "点标题下方的公众号名称"),
])
def test_verify_page_answers(browser: Any, site_url: str, query: str, status: str,
                             shown: str) -> None:
    context, page, watch = new_page(browser)
    page.goto(site_url + "verify/")
    found, text = ask(page, query)
    assert found == status, text
    assert page.locator("#verify-result").is_visible()
    # The lean page (templates/lean.html): no theme, so no search box to cover the answer.
    assert page.locator("#__search").count() == 0 and "assets/lean.css" in page.content()
    assert shown in text
    watch.check(site_url)
    context.close()


def test_home_box_leads_to_an_answer(browser: Any, site_url: str) -> None:
    context, page, watch = new_page(browser)
    page.goto(site_url)
    page.fill("#verify-query", "shili_kaoshi")
    page.click("#verify-form button")
    page.wait_for_selector("#verify-result[data-status='official']")
    assert "示例市教育考试院" in page.locator("#verify-result").inner_text()
    assert "verify/?query=shili_kaoshi" in page.url
    assert page.locator("#__search").count() == 0, "the theme's search box covers the answer"
    watch.check(site_url)
    context.close()


def test_page_and_python_agree_on_the_case_table(browser: Any, site_url: str) -> None:
    index = build_index(public_registry(check_registry(REPO).registry))
    sites = sites_of(site_url_of(REPO))  # the demo's site_url: its a/<code>/ links
    context, page, watch = new_page(browser)
    page.goto(site_url + "verify/")
    shards = int(page.get_attribute("#verify-form", "data-shards"))
    # Every query answered by the page's own lookup in one round trip (the page fetches the
    # index shards as it does for a visitor).
    answers = page.evaluate("([qs, n]) => Promise.all(qs.map(q => window.siteGenVerify.lookup(q, 'index/', n)))",
                            [[case["query"] for case in CASE_TABLE], shards])
    for number, (case, answer) in enumerate(zip(CASE_TABLE, answers, strict=True)):
        expected = dataclasses.asdict(lookup(index, case["query"], sites))
        assert answer == expected, case["query"]
        assert answer["status"] == case["status"], case["query"]
        if "match" in case:
            assert any(case["match"] in (m.get("i"), m["n"]) for m in answer["matches"])
        if "similar" in case:
            assert any(s["n"] == case["similar"] for s in answer["similar"])
        assert (case.get("hint") or "") in (answer["hint"] or ""), case["query"]
        assert bool(answer["hint"]) == ("hint" in case), case["query"]
        if case["status"] == "mixed":  # item by item, the unknown ones first
            verdicts = [item["verdict"] for item in answer["items"]]
            assert len(verdicts) >= 2 and verdicts == sorted(verdicts, key=lambda v: v != "unknown")
        if number % 8 == 0 or case["status"] == "mixed":
            status, text = ask(page, case["query"])  # and the page shows the same answer
            assert status == case["status"], (case["query"], text)
    assert len(CASE_TABLE) >= 250
    watch.check(site_url)
    context.close()


@pytest.mark.parametrize("path", ["", "verify/?query=示例一中", "directory/", "u/",
                                  "u/shifan-xueyuan/tushuguan/", "counterfeits/",
                                  "statistics/", "guide-verify/", "fields/"])
def test_fits_a_phone(browser: Any, site_url: str, path: str) -> None:
    context, page, watch = new_page(browser)
    page.goto(site_url + path)
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    watch.check(site_url)
    context.close()


def test_directory_and_unit_pages_work_without_javascript(browser: Any, site_url: str) -> None:
    context, page, watch = new_page(browser, java_script_enabled=False)
    page.goto(site_url + "directory/")
    page.click("text=示例市东城区实验小学")
    assert page.url.endswith("/u/dongcheng/shiyan-xiaoxue/")
    body = page.locator("body").inner_text()
    assert "dcsyxx" in body and "2016-09-01" in body
    page.goto(site_url + "verify/")
    assert "核验需要启用 JavaScript" in page.locator("#verify-result").inner_text()
    watch.check(site_url)
    context.close()


def test_theme_search_finds_chinese_words_in_the_guides(browser: Any, site_url: str) -> None:
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    page = context.new_page()
    watch = Watch(page)
    page.goto(site_url + "about/")
    page.fill("input.md-search__input", "举报")
    # The theme's search worker may still be building its index: nudge it until it answers.
    for attempt in range(60):
        if page.locator(".md-search-result__item").count():
            break
        if attempt % 10 == 9:
            page.type("input.md-search__input", " ")
            page.keyboard.press("Backspace")
        page.wait_for_timeout(1000)
    titles = [t.replace("\u200b", "") for t in page.locator(".md-search-result__item").all_inner_texts()]
    assert any("如何举报假冒账号" in title for title in titles), titles
    watch.check(site_url)
    context.close()


WEIBO_SHARE = "#开学第一课# 示例教育发布的微博 https://weibo.com/6012300001/OaBcDeFgH （来自微博）"
DOUYIN_SHARE = ("【示例一中的个人主页】 https://www.douyin.com/user/MS4wLjABAAAAshili1zofficial "
                "长按复制此条消息，打开抖音搜索，查看TA的更多作品。")


@pytest.mark.parametrize("query", ["示例一中🎓", "示例教育发布 ✅", "【示例一中】", "示例 一中！"])
def test_a_copied_name_never_gets_a_green_answer(browser: Any, site_url: str, query: str) -> None:
    context, page, watch = new_page(browser)
    page.goto(site_url + "verify/")
    status, text = ask(page, query)
    assert status == "name_only", text
    assert "✅" not in text and "这是已备案的官方账号" not in text
    assert "名称可以被冒用：请核对账号 ID 或主页链接" in text
    assert "如何找到账号 ID" in text
    assert page.locator("#verify-result .verify-status.verify-official").count() == 0
    assert page.locator("#verify-result .verify-status.verify-name_only").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    watch.check(site_url)
    context.close()


@pytest.mark.parametrize("query,shown", [
    ("6012300001", "示例教育发布"),
    (WEIBO_SHARE, "示例教育发布"),
    ("https://weibo.com/6012300001/NxYz12345", "示例教育发布"),
    (DOUYIN_SHARE, "示例一中"),
    ("抖音号：shili1z_official", "示例一中"),
])
def test_an_id_a_share_text_and_a_post_link_are_official(browser: Any, site_url: str,
                                                         query: str, shown: str) -> None:
    context, page, watch = new_page(browser)
    page.goto(site_url + "verify/")
    status, text = ask(page, query)
    assert status == "official", text
    assert "✅ 官方账号" in text and shown in text
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    watch.check(site_url)
    context.close()


def qr_png(content: str, path: Path, scale: int = 8) -> Path:
    import segno

    segno.make(content, error="m").save(str(path), scale=scale, border=4)
    return path


@pytest.mark.parametrize("content,status,shown", [
    ("http://weixin.qq.com/r/Shili-JyjDemoQr0001", "official", "示例教育发布"),
    ("https://weibo.com/u/6012300003", "deregistered", "不再是官方账号"),
    ("http://weixin.qq.com/r/NotFiledQrCode00099", "unknown", "微信二维码"),
])
def test_a_qr_image_is_decoded_on_the_phone(browser: Any, site_url: str, tmp_path: Path,
                                            content: str, status: str, shown: str) -> None:
    image = qr_png(content, tmp_path / "qr.png")
    context, page, watch = new_page(browser)
    page.goto(site_url + "verify/")
    page.set_input_files("#verify-qr", str(image))
    page.wait_for_selector(f"#verify-result[data-status='{status}']")
    assert page.input_value("#verify-query") == content
    assert shown in page.locator("#verify-result").inner_text()
    assert any(u.endswith("/assets/vendor/jsqr/jsQR.js") for u in watch.requests)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    watch.check(site_url)
    context.close()


def test_a_photo_without_a_qr_code_is_said_so(browser: Any, site_url: str, tmp_path: Path) -> None:
    import segno

    image = tmp_path / "blank.png"
    segno.make("x").save(str(image), scale=1, border=60, dark="#fff")  # a white picture
    context, page, watch = new_page(browser)
    page.goto(site_url + "verify/")
    page.set_input_files("#verify-qr", str(image))
    page.wait_for_function("document.getElementById('verify-result').innerText.includes('没有在这张图片里识别出二维码')")
    assert page.get_attribute("#verify-result", "data-status") is None
    watch.check(site_url)
    context.close()


def test_the_verify_page_loads_no_decoder_until_asked(browser: Any, site_url: str) -> None:
    context, page, watch = new_page(browser)
    page.goto(site_url + "verify/?query=shili1z")
    page.wait_for_selector("#verify-result[data-status='official']")
    assert not any("jsQR" in u for u in watch.requests)
    watch.check(site_url)
    context.close()


def qr_video(content: str, path: Path, size: int = 320) -> Path:
    """A short Y4M video of a QR code, for Chromium's fake camera."""
    import segno

    matrix = [bytes(row) for row in segno.make(content, error="m").matrix]
    modules = len(matrix) + 8  # with the quiet zone
    luma = bytearray()
    for y in range(size):
        row = (y * modules) // size - 4
        for x in range(size):
            col = (x * modules) // size - 4
            dark = 0 <= row < len(matrix) and 0 <= col < len(matrix) and matrix[row][col]
            luma.append(16 if dark else 235)
    chroma = bytes([128]) * ((size // 2) * (size // 2) * 2)
    frame = b"FRAME\n" + bytes(luma) + chroma
    path.write_bytes(f"YUV4MPEG2 W{size} H{size} F10:1 Ip A1:1 C420jpeg\n".encode() + frame * 10)
    return path


def test_the_camera_scans_a_qr_code(browser: Any, site_url: str, tmp_path: Path) -> None:
    video = qr_video("http://weixin.qq.com/r/Shili1zDemoQr00002", tmp_path / "qr.y4m")
    camera = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
              f"--use-file-for-fake-video-capture={video}"]
    # A browser of its own: the fake camera is a launch option.
    launched = browser.browser_type.launch(executable_path=CHROMIUM, args=ARGS + camera)
    context, page, watch = new_page(launched)
    page.goto(site_url + "verify/")
    assert page.is_visible("#verify-camera")
    page.click("#verify-camera")
    page.wait_for_selector("#verify-result[data-status='official']", timeout=20000)
    assert "示例一中" in page.locator("#verify-result").inner_text()
    assert page.is_hidden("#verify-video")  # the camera is released after a code is read
    watch.check(site_url)
    context.close()
    launched.close()


def test_the_guides_screenshots_are_taken_from_the_real_pages(
        browser: Any, tmp_path: Path, demo_site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """tools/screenshots.py photographs the demo portal; every picture the guides show is one
    it takes, and each is a real PNG of a phone-sized page. (It builds the demo first with
    ``site-gen build``; here it is given the session's build of the demo instead.)"""
    import importlib.util
    import struct

    spec = importlib.util.spec_from_file_location("screenshots", REPO / "tools" / "screenshots.py")
    assert spec is not None and spec.loader is not None
    screenshots = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(screenshots)
    monkeypatch.setattr(screenshots, "_build", lambda work: demo_site)
    written = screenshots.take(tmp_path, browser)
    names = {path.name for path in written}
    for path in written:
        head = path.read_bytes()[:24]
        assert head[:8] == b"\x89PNG\r\n\x1a\n", path
        width, height = struct.unpack(">II", head[16:24])
        assert 100 < width <= 390 and height > 40, (path, width, height)
    shown = set()
    for page in (REPO / "docs").glob("*.md"):
        shown |= set(re.findall(r"\]\(images/guide/([a-z-]+\.png)\)", page.read_text("utf-8")))
    assert shown == names, (shown ^ names)
    assert names == {p.name for p in (REPO / "docs" / "images" / "guide").glob("*.png")}
