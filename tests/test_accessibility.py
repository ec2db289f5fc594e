"""The public pages for everyone: axe-core finds no WCAG 2.1 AA violation, in the normal and
the large-text mode (大字模式, the 适老化 guidance), they can be used at 200% zoom on a phone,
and the verify page answers before the theme's files are loaded (40 KB gzip at most)."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

import pytest

from .conftest import REPO
from .portal_helpers import Watch, new_page, serve

AXE = REPO / "tests" / "vendor" / "axe-core"
# What axe checks: WCAG 2.0 and 2.1, levels A and AA, and its best practices (the theme's
# unnamed search dialog is one of those).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
# A demo account's ID, with its platform's key (the API's example too).
WEIBO = "6012300001"
LARGE = "localStorage.setItem('sg-display', 'large')"
# The theme's files the verify page must not wait for.
THEME_FILES = re.compile(r"/assets/javascripts/|/search/search_index\.json|/workers/")


def demo_account(site: Path) -> str:
    """The demo's account page for WEIBO (its code from the verify API)."""
    import json

    record = json.loads((site / "api" / "v1" / "accounts" / "weibo" / f"{WEIBO}.json").read_text("utf-8"))
    return f"a/{record['code']}/"


# The pages the issue names; "account" is the demo's account page for WEIBO.
PAGES = ["", "verify/", f"verify/?query={WEIBO}", "u/dongcheng/", "account", "file/", "statistics/"]


def pages(site: Path) -> list[str]:
    return [demo_account(site) if path == "account" else path for path in PAGES]


def test_axe_is_the_published_file_with_its_licence() -> None:
    notes = (AXE / "README.txt").read_text("utf-8")
    recorded = re.search(r"SHA-256 of `axe.min.js`: `([0-9a-f]{64})`", notes)
    assert recorded is not None and "axe-core 4.14.1" in notes
    assert hashlib.sha256((AXE / "axe.min.js").read_bytes()).hexdigest() == recorded.group(1)
    assert "Mozilla Public License" in (AXE / "LICENSE").read_text("utf-8")


def violations(page: Any, tags: list[str]) -> list[str]:
    """axe-core's violations on the page as it is now: rule, and the first few elements."""
    page.add_script_tag(path=str(AXE / "axe.min.js"))
    found = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
                          ".then(r => r.violations.map(v => v.id + ': ' + v.nodes.slice(0, 3)"
                          ".map(n => n.target.join(' ')).join(', ')))", tags)
    return list(found)


def settled(page: Any, path: str) -> None:
    """The page loaded and, for a query, answered."""
    page.wait_for_load_state("networkidle")
    if "query=" in path:
        page.wait_for_selector("#verify-result[data-status]")


@pytest.mark.browser
@pytest.mark.parametrize("mode", ["normal", "large"])
@pytest.mark.parametrize("path", PAGES)
def test_no_accessibility_violations(browser: Any, demo_site: Path, site_url: str,
                                     mode: str, path: str) -> None:
    context, page, watch = new_page(browser)
    if mode == "large":
        context.add_init_script(LARGE)
    if path == "account":
        path = demo_account(demo_site)
    page.goto(site_url + path)
    settled(page, path)
    assert page.evaluate("document.documentElement.classList.contains('sg-large')") \
        == (mode == "large")
    # The large-text mode promises the enhanced contrast (AAA) too.
    assert violations(page, AXE_TAGS + (["wcag2aaa"] if mode == "large" else [])) == []
    watch.check(site_url)
    context.close()


@pytest.mark.browser
def test_the_large_text_mode_is_a_button_remembered_on_the_device(browser: Any,
                                                                  site_url: str) -> None:
    context, page, watch = new_page(browser)
    page.goto(site_url)
    body = "document.querySelector('.md-typeset p, main p')"
    size = f"parseFloat(getComputedStyle({body}).fontSize)"
    normal = page.evaluate(size)
    toggle = page.locator(".sg-display-toggle")
    assert toggle.get_attribute("aria-pressed") == "false"
    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "true"
    # 18 pt (24 px) text at least, the 适老化 guidance's size for the main text.
    assert page.evaluate(size) >= 24 > normal
    for path in ("verify/", "u/dongcheng/", "statistics/"):  # a lean page and theme pages
        page.goto(site_url + path)
        assert page.locator(".sg-display-toggle").get_attribute("aria-pressed") == "true", path
        assert page.evaluate(size) >= 24, path
        button = page.locator("#verify-form button, .sg-display-toggle").first.bounding_box()
        assert button is not None and button["height"] >= 60, path  # 60 px controls
    page.goto(site_url + "verify/")
    page.locator(".sg-display-toggle").click()
    page.goto(site_url)
    assert page.locator(".sg-display-toggle").get_attribute("aria-pressed") == "false"
    assert page.evaluate(size) == normal
    watch.check(site_url)
    context.close()


@pytest.mark.browser
@pytest.mark.parametrize("mode", ["normal", "large"])
def test_usable_at_200_percent_zoom_on_a_phone(browser: Any, demo_site: Path, site_url: str,
                                               mode: str) -> None:
    """375 px at 200% zoom is a 187.5 px wide page at twice the pixels: nothing scrolls
    sideways, and the verify form still answers."""
    context = browser.new_context(viewport={"width": 188, "height": 400}, device_scale_factor=2)
    page = context.new_page()
    watch = Watch(page)
    if mode == "large":
        context.add_init_script(LARGE)
    for path in pages(demo_site):
        page.goto(site_url + path)
        settled(page, path)
        width = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert width[0] <= width[1], (path, width)
    page.goto(site_url + "verify/")
    page.fill("#verify-query", WEIBO)
    page.click("#verify-form button")
    page.wait_for_selector("#verify-result[data-status='official']")
    watch.check(site_url)
    context.close()


def transferred(request: Any) -> int:
    """What Chromium's network log says a request cost: headers and (compressed) body; a
    request answered from the cache counts nothing."""
    sizes = request.sizes()
    return max(sizes["responseBodySize"], 0) + max(sizes["responseHeadersSize"], 0)


def first_answer(browser: Any, url: str, path: str, query: str) -> tuple[int, list[str], str]:
    """Bytes (gzip, as Chromium's network log counts them) and addresses loaded by the
    page at ``path`` before its first answer for ``query``, and the answer's status."""
    context, page, watch = new_page(browser)
    loaded: list[Any] = []
    page.on("requestfinished", lambda request: loaded.append(request))
    page.goto(url + path)
    page.fill("#verify-query", query)
    page.click("#verify-form button")
    page.wait_for_selector("#verify-result[data-status]")
    status = page.get_attribute("#verify-result", "data-status") or ""
    total = sum(transferred(request) for request in loaded)
    addresses = [request.url for request in loaded]
    watch.check(url)
    context.close()
    return total, addresses, status


@pytest.mark.browser
def test_the_verify_page_answers_in_40_kb(browser: Any, demo_site: Path) -> None:
    with serve(demo_site, compress=True) as url:
        total, addresses, status = first_answer(browser, url, "verify/", WEIBO)
    assert status == "official"
    assert not [a for a in addresses if THEME_FILES.search(a)], addresses
    assert any("/verify/index/" in a for a in addresses)  # the answer came from the index
    assert total <= 40 * 1024, (total, addresses)


@pytest.mark.browser
def test_the_compressed_server_is_what_the_browser_counts(browser: Any, demo_site: Path) -> None:
    """The 40 KB above is gzip: the same page served plain costs more (so the count is of
    compressed bodies, not of something else)."""
    with serve(demo_site) as url:
        plain, _, _ = first_answer(browser, url, "verify/", WEIBO)
    with serve(demo_site, compress=True) as url:
        packed, _, _ = first_answer(browser, url, "verify/", WEIBO)
    assert packed < plain / 2


@pytest.mark.browser
def test_without_javascript_the_verify_page_still_leads_somewhere(browser: Any,
                                                                 site_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + "verify/")
    assert "核验需要启用 JavaScript" in page.locator("#verify-result").inner_text()
    # The large-text button needs the script: without it, it is not offered.
    assert not page.locator(".sg-display-toggle").is_visible()
    for name in ("首页", "单位目录", "假冒账号提醒"):
        assert page.get_by_role("link", name=name).first.is_visible()
    # Styled like the portal: its own style sheet, the portal's header colour.
    colour = page.evaluate("getComputedStyle(document.querySelector('.sg-header')).backgroundColor")
    assert colour == "rgb(63, 81, 181)"
    context.close()
