"""Screenshots of the real portal for the guides in docs/ (docs/images/guide/*.png).

    python tools/screenshots.py [--out docs/images/guide]

Builds the demo registry's portal, serves it on 127.0.0.1 and drives Debian's Chromium
(Playwright, from the test extra) through the filing form as a clerk would, on a phone-sized
screen. The publish workflow runs it before `site-gen build`, so the published guides show
the pages as they are; a test runs it too. Chinese text needs a CJK font
(`apt-get install fonts-wqy-microhei`).
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
# Debian's Chromium here and in .ci/run; Google Chrome on GitHub's Ubuntu runners.
CHROMIUM = (os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")
            or shutil.which("google-chrome") or shutil.which("chromium-browser")
            or "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--lang=zh-CN",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
SAMPLE = {"platform": "kuaishou", "account_id": "shili1z_ks", "name": "示例一中快手",
          "verified": "true", "certified_subject": "示例市第一中学", "opened_on": "2026-11-02",
          "interactive": "true", "content_review": "true",
          "contacts.supervisor.name": "周演示", "contacts.supervisor.phone": "13900009911",
          "contacts.ops_lead.name": "吴演示", "contacts.ops_lead.phone": "13900009912"}


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def _serve(site: Path) -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def _build(work: Path) -> Path:
    for name in ("filings", "docs"):
        shutil.copytree(REPO / name, work / name)
    shutil.copy(REPO / "mkdocs.yml", work / "mkdocs.yml")
    done = subprocess.run([sys.executable, "-m", "site_gen", "--root", str(work), "build",
                           "--out", str(work / "site")], capture_output=True, text=True,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    if done.returncode:
        raise SystemExit(done.stdout + done.stderr)
    return work / "site"


def _fill(page: Any, values: dict[str, str]) -> None:
    for name, value in values.items():
        control = page.locator(f'#filing-fields [name="{name}"]')
        if control.evaluate("e => e.tagName") == "SELECT":
            control.select_option(value)
        else:
            control.fill(value)


def _pick_unit(page: Any) -> None:
    page.fill("#filing-unit-search", "第一中学")
    page.locator(".sg-option", has_text="filings/diyi-zhongxue").first.click()


def shots(base: str) -> list[tuple[str, str, Callable[[Any], Any]]]:
    """(file name, what it shows, how to reach the part of the page to capture)."""

    def unit_search(page: Any) -> Any:
        page.goto(base + "file/")
        page.fill("#filing-unit-search", "第一中学")
        page.wait_for_selector(".sg-option")
        return page.locator(".sg-unit-picker")

    def filled(page: Any) -> Any:
        page.goto(base + "file/")
        _pick_unit(page)
        _fill(page, SAMPLE)
        # The contacts are sealed on the page (a moment after the last keystroke).
        page.wait_for_function("document.getElementById('filing-yaml').value !== ''")
        return page.locator("#filing-output")

    def error(page: Any) -> Any:
        filled(page)
        page.fill('#filing-fields [name="contacts.ops_lead.phone"]', "1390000x")
        page.fill('#filing-fields [name="account_id"]', "https://www.kuaishou.com/profile/shili1z_ks")
        return page.locator("#filing-errors")

    def actions(page: Any) -> Any:
        page.goto(base + "u/diyi-zhongxue/")
        return page.locator("li.sg-account").filter(has_text="shili1z_official")

    def mode(name: str) -> Callable[[Any], Any]:
        def open_mode(page: Any) -> Any:
            page.goto(base + "u/diyi-zhongxue/")
            page.locator(f'a[href*="mode={name}"][href*="shili1z_official"]').click()
            page.wait_for_selector("#filing-unit[data-chosen='1']", state="attached")
            page.wait_for_selector("#filing-form[data-ready='1']", state="attached")
            if name == "deregister":
                page.fill('#filing-fields [name="deregister_reason"]', "整合到学校公众号")
            if name == "change":  # a long form: its first screen
                page.locator("#filing-title").scroll_into_view_if_needed()
                return page
            return page.locator("#filing-form")
        return open_mode

    def verify(page: Any) -> Any:
        page.goto(base + "verify/?query=" + "示例一中🎓")
        page.wait_for_selector("#verify-result[data-status]")
        return page.locator("#verify-result")

    return [("filing-unit.png", "查找并选择单位", unit_search),
            ("filing-output.png", "生成的备案文件和按钮", filled),
            ("filing-errors.png", "填写有误时的提示", error),
            ("unit-actions.png", "单位页面上的变更、注销、年审入口", actions),
            ("change.png", "变更备案", mode("change")),
            ("deregister.png", "注销账号", mode("deregister")),
            ("review.png", "年审", mode("review")),
            ("verify-name-only.png", "只输入名称时的核验结果", verify)]


def take(out: Path, browser: Any = None) -> list[Path]:
    """Build, serve and photograph the portal; return the files written. ``browser``: a
    Playwright browser already launched (the tests'), else Chromium is started here."""
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as tmp, _serve(_build(Path(tmp))) as base:
        if browser is None:
            with sync_playwright() as playwright:
                launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                written = _photograph(launched, base, out)
                launched.close()
        else:
            written = _photograph(browser, base, out)
    return written


# The demo's forge (mkdocs.yml extra.forge): the form reads a file's current text from here to
# edit it. There is no network here, so the browser is given the demo registry's own files.
RAW = "https://raw.githubusercontent.com/shili-jyj/registry/main/"


def _photograph(browser: Any, base: str, out: Path) -> list[Path]:
    context = browser.new_context(viewport={"width": 390, "height": 844},
                                  device_scale_factor=1, locale="zh-CN")

    def raw(route: Any) -> None:
        found = REPO / route.request.url.removeprefix(RAW)
        if found.is_file():
            route.fulfill(status=200, body=found.read_bytes(), content_type="text/plain; charset=utf-8")
        else:
            route.fulfill(status=404, body="")

    context.route(RAW + "**", raw)
    page = context.new_page()
    written = []
    for name, _, reach in shots(base):
        target = reach(page)
        (target if target is page else target.first).screenshot(
            path=str(out / name), animations="disabled")
        written.append(out / name)
    context.close()
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "images" / "guide")
    args = parser.parse_args()
    for path in take(args.out):
        print(path)


if __name__ == "__main__":
    main()
