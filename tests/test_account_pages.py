"""Each account's permanent code and verification page (a/<code>/) with its 核验二维码, and
what the portal says was checked: on the page, the unit page, open data and the verify
answer (real build, Debian's Chromium, the vendored jsQR decoding the printed code)."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from site_gen.identity import CODE_ALPHABET, account_code
from site_gen.rules import check_registry

from .conftest import REPO
from .portal_helpers import new_page

CHECKED_SAID = "已核验（单位网站公布账号清单、账号简介显示核验地址，2026-11-12）"


def portal_address() -> str:
    return str(yaml.safe_load((REPO / "mkdocs.yml").read_text("utf-8"))["site_url"])


def test_codes_are_permanent_short_and_follow_the_identity() -> None:
    # Never changes between versions: a printed poster must keep working.
    assert account_code("weibo", "6012300001") == "0krxqe9m29xk"
    # Case and a website's www. are the same account (account_key): the same code.
    assert account_code("website", "www.A.example") == account_code("website", "a.example")
    registry = check_registry(REPO).registry
    codes = [account_code(a.platform, a.account_id) for a in registry.accounts]
    assert len(set(codes)) == len(codes)
    assert all(len(c) == 12 and set(c) <= set(CODE_ALPHABET) for c in codes)


def test_every_account_has_its_page_and_every_active_one_its_qr(demo_site: Path) -> None:
    registry = json.loads((demo_site / "data" / "registry.json").read_text("utf-8"))
    assert registry["accounts"]
    for account in registry["accounts"]:
        page = demo_site / "a" / account["code"] / "index.html"
        text = page.read_text("utf-8")
        assert account["code"] == account_code(account["platform"], account["account_id"])
        assert f"<code>{account['code']}</code>" in text
        # No script but the large-text mode's (static/display.js).
        assert re.findall(r"<script[^>]*>", text) == ['<script src="../../assets/display.js">']
        assert page.stat().st_size < 8000  # small, for a phone on a slow network
        address = f"{portal_address()}a/{account['code']}/"
        if account["status"] != "deregistered":  # in use or suspended: still official
            assert "<svg" in text and "核验二维码" in text and address in text
        else:
            assert "<svg" not in text and "已注销" in text
    checked = next(a for a in registry["accounts"] if a["account_id"] == "shili1z_official")
    assert [p["kind"] for p in checked["proof"]] == ["website_list", "profile"]
    assert "by" not in checked["proof"][0]  # who checked stays in the filing
    page = (demo_site / "a" / checked["code"] / "index.html").read_text("utf-8")
    assert CHECKED_SAID in page
    unit = (demo_site / "u" / "diyi-zhongxue" / "index.html").read_text("utf-8")
    # The website and the Douyin account were checked; the WeChat account and the
    # deregistered Weibo account were not, and the page says so.
    assert unit.count("已核验") == 2 and unit.count("未核验") == 2
    assert f'href="../../a/{checked["code"]}/"' in unit
    csv_text = (demo_site / "data" / "accounts.csv").read_text("utf-8-sig")
    assert "核验码" in csv_text.splitlines()[0] and checked["code"] in csv_text


@pytest.mark.browser
def test_the_printed_code_decodes_to_the_page_and_the_page_fits_a_phone(
        browser: Any, site_url: str, demo_site: Path) -> None:
    registry = json.loads((demo_site / "data" / "registry.json").read_text("utf-8"))
    account = next(a for a in registry["accounts"] if a["account_id"] == "shili1z_official")
    context, page, watch = new_page(browser)
    page.goto(f"{site_url}a/{account['code']}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    png = page.locator("figure svg").screenshot()
    page.add_script_tag(url=site_url + "assets/vendor/jsqr/jsQR.js")
    decoded = page.evaluate("""async (data) => {
        const image = new Image();
        image.src = "data:image/png;base64," + data;
        await image.decode();
        const canvas = document.createElement("canvas");
        canvas.width = image.width; canvas.height = image.height;
        const g = canvas.getContext("2d");
        g.drawImage(image, 0, 0);
        const found = jsQR(g.getImageData(0, 0, image.width, image.height).data,
                           image.width, image.height);
        return found && found.data;
    }""", base64.b64encode(png).decode("ascii"))
    assert decoded == f"{portal_address()}a/{account['code']}/"
    watch.check(site_url)
    context.close()


@pytest.mark.browser
def test_the_verify_answer_says_what_was_checked(browser: Any, site_url: str,
                                                 run_cli) -> None:
    context, page, watch = new_page(browser)
    page.goto(site_url + "verify/")
    for query, said in (("shili1z_official", CHECKED_SAID),
                        ("shili1z", "未核验：还没有核对本单位掌握这个账号的证明")):
        page.fill("#verify-query", query)
        page.click("#verify-form button")
        page.wait_for_selector("#verify-result[data-status='official']")
        text = page.locator("#verify-result").inner_text()
        assert said in text, text
        link = page.locator("#verify-result a", has_text="核验页").get_attribute("href")
        assert re.search(r"a/[0-9a-z]{12}/$", link or "")
        page.evaluate("document.getElementById('verify-result').removeAttribute('data-status')")
        answer = run_cli("lookup", query, cwd=REPO)
        assert said in answer.stdout and "核验页 a/" in answer.stdout
    watch.check(site_url)
    context.close()


@pytest.mark.browser
def test_the_verify_pages_reader_opens_a_posters_code_on_this_portal(
        browser: Any, tmp_path: Path) -> None:
    """A 核验二维码 photographed from a poster, read by this portal's verify page, opens the
    account's page here (a code of another site is looked up like any link)."""
    from .portal_helpers import build, portal_source, serve

    root = portal_source(tmp_path / "repo", REPO / "filings")
    code = account_code("douyin", "shili1z_official")
    # Served first (on a port the system picks), so that the site's site_url can name it;
    # the pages are there by the time they are asked for.
    with serve(root / "site") as url:
        config = root / "mkdocs.yml"
        config.write_text(re.sub(r"(?m)^site_url: .*$", f"site_url: {url}",
                                 config.read_text("utf-8")), "utf-8")
        done = build(root, root / "site")
        assert done.returncode == 0, done
        context, page, watch = new_page(browser)
        page.goto(f"{url}a/{code}/")
        image = tmp_path / "poster.png"
        image.write_bytes(page.locator("figure svg").screenshot())
        page.goto(url + "verify/")
        page.set_input_files("#verify-qr", str(image))
        page.wait_for_url(f"{url}a/{code}/")
        assert "已核验" in page.locator("main").inner_text()
        watch.check(url)
        context.close()
