"""The portal in a real headless Chromium (Debian's, driven by Playwright): the verify
page answers, agrees with Python on the shared case table, fits a phone, and the
directory works without JavaScript. No request leaves localhost."""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from site_gen.lookup import build_index, lookup
from site_gen.public import public_registry
from site_gen.rules import check_registry

from .conftest import CASES, REPO
from .portal_helpers import serve

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
CASE_TABLE: list[dict[str, str]] = yaml.safe_load((CASES / "lookup.yaml").read_text("utf-8"))


@pytest.fixture(scope="module")
def site_url(demo_site: Path) -> Iterator[str]:
    with serve(demo_site) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "install Debian's chromium (apt-get install chromium)"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


class Watch:
    """Console errors, page errors and every request a page makes."""

    def __init__(self, page: Any) -> None:
        self.errors: list[str] = []
        self.requests: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("request", lambda r: self.requests.append(r.url))

    def check(self, site: str) -> None:
        assert self.errors == []
        outside = [u for u in self.requests if not u.startswith((site, "data:", "blob:"))]
        assert outside == [], outside


def new_page(browser: Any, **options: Any) -> tuple[Any, Any, Watch]:
    context = browser.new_context(viewport={"width": 375, "height": 740}, **options)
    page = context.new_page()
    return context, page, Watch(page)


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
    ("示例一中", "official", "示例市第一中学"),
    ("https://WWW.weibo.com/u/6012300001/?from=timeline#top", "official", "示例教育发布"),
    ("6012300003", "deregistered", "2025-06-30"),
    ("示例一中官方", "counterfeit", "示例市第一中学"),
    ("示列一中", "unknown", "示例一中"),
    ("https://mp.weixin.qq.com/s/AbCdEfGhIjKlMnOp", "unknown", "点进发布者的账号主页"),
])
def test_verify_page_answers(browser: Any, site_url: str, query: str, status: str,
                             shown: str) -> None:
    context, page, watch = new_page(browser)
    page.goto(site_url + "verify/")
    found, text = ask(page, query)
    assert found == status, text
    assert page.locator("#verify-result").is_visible()
    assert not page.is_checked("#__search")
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
    assert not page.is_checked("#__search"), "the theme's search box covers the answer"
    watch.check(site_url)
    context.close()


def test_page_and_python_agree_on_the_case_table(browser: Any, site_url: str) -> None:
    index = build_index(public_registry(check_registry(REPO).registry))
    context, page, watch = new_page(browser)
    page.goto(site_url + "verify/")
    shards = int(page.get_attribute("#verify-form", "data-shards"))
    for case in CASE_TABLE:
        expected = dataclasses.asdict(lookup(index, case["query"]))
        answer = page.evaluate("([q, n]) => window.siteGenVerify.lookup(q, 'index/', n)",
                               [case["query"], shards])
        assert answer == expected, case["query"]
        assert answer["status"] == case["status"], case["query"]
        if "match" in case:
            assert any(case["match"] in (m.get("i"), m["n"]) for m in answer["matches"])
        if "similar" in case:
            assert any(s["n"] == case["similar"] for s in answer["similar"])
        assert (case.get("hint") or "") in (answer["hint"] or ""), case["query"]
        assert bool(answer["hint"]) == ("hint" in case), case["query"]
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
