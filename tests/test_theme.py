"""The theme's end of life (docs/theme.md): the bounds on mkdocs and mkdocs-material hold
the installed versions, and the Zensical spike, which runs only where Zensical is installed."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent


def _numbers(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", text)[:3])


@pytest.mark.parametrize("package", ["mkdocs", "mkdocs-material"])
def test_the_bounds_hold_the_installed_theme(package: str) -> None:
    text = (REPO / "pyproject.toml").read_text("utf-8")
    found = re.search(rf'"{re.escape(package)}>=([\d.]+),<([\d.]+)"', text)
    assert found, f"pyproject.toml 应给 {package} 加上上限（见 docs/theme.md）"
    installed = _numbers(version(package))
    assert _numbers(found[1]) <= installed < _numbers(found[2]), \
        f"{package} {version(package)} 不在 pyproject.toml 的范围内：先跑测试，再改上限和 docs/theme.md"


@pytest.fixture(scope="module")
def zensical_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo portal built by Zensical, as docs/theme.md describes: the generated pages
    and files written into a copy of docs/ first (Zensical runs no mkdocs plugin), the unit
    and account pages and the lean verify page written after, as ``theme.build_site`` does
    after mkdocs."""
    pytest.importorskip("zensical")
    from site_gen.build import forge_settings, generated_files, static_assets
    from site_gen.portal import start_account_pages
    from site_gen.unitpages import write_unit_pages

    work = tmp_path_factory.mktemp("zensical")
    shutil.copytree(REPO / "docs", work / "docs")
    shutil.copy(REPO / "mkdocs.yml", work / "mkdocs.yml")
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text("utf-8"))
    result = generated_files(REPO, config["site_name"], forge_settings(config["extra"]["forge"]),
                             site_url=config["site_url"])
    assert result.ok, result.report
    for uri, content in [*result.pages.items(), *static_assets(), *result.assets.items()]:
        target = work / "docs" / uri
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            target.write_text(content, "utf-8")
        else:
            target.write_bytes(content)
    run = subprocess.run([sys.executable, "-m", "zensical", "build", "-f", "mkdocs.yml"],
                         cwd=work, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    site = work / "site"
    finish, _ = start_account_pages(site, result.accounts, config["site_name"],
                                    config["site_url"], result.demo)
    assert write_unit_pages(site, result.unit_pages()) == len(result.unit_dirs)
    for uri, data in result.unit_files():
        (site / uri).write_bytes(data)
    for uri, html in result.site_pages.items():  # the lean verify page, over the theme's
        (site / uri).write_text(html, "utf-8")
    assert finish() == len(result.accounts)
    return site


@pytest.mark.parametrize("page", ["", "directory/", "file/", "counterfeits/",
                                  "statistics/", "guide-verify/", "faq/", "performance/"])
def test_zensical_builds_the_pages(zensical_site: Path, page: str) -> None:
    html = (zensical_site / page / "index.html").read_text("utf-8")
    assert '<html lang="zh"' in html
    assert "assets/portal.css" in html and "assets/verify.js" in html  # extra_css, extra_javascript
    assert 'class="md-content__inner md-typeset"' in html  # portal.css styles under .md-typeset
    assert 'id="__search"' in html  # verify.js and the browser tests close the theme's search
    assert "fonts.googleapis" not in html  # font: false


def test_zensical_pages_take_the_unit_and_account_pages(zensical_site: Path) -> None:
    verify = (zensical_site / "verify" / "index.html").read_text("utf-8")
    assert "assets/lean.css" in verify and 'id="verify-query"' in verify
    unit = zensical_site / "u" / "dongcheng" / "index.html"
    html = unit.read_text("utf-8")
    assert "<h1>示例市东城区教育局</h1>" in html and "assets/lean.css" in html
    assert (zensical_site / "u" / "dongcheng" / "accounts.json").is_file()
    assert any((zensical_site / "a").glob("*/index.html"))


def test_zensical_search_keeps_the_excluded_pages_out(zensical_site: Path) -> None:
    # Zensical's index is search.json, not mkdocs' search/search_index.json: tests/test_portal.py
    # and tests/test_browser.py read the latter, and would change with the move.
    assert not (zensical_site / "search" / "search_index.json").exists(), \
        "Zensical 现在也写 search/search_index.json：更新 docs/theme.md"
    items = json.loads((zensical_site / "search.json").read_text("utf-8"))["items"]
    pages = {item["location"].split("#")[0] for item in items}
    assert {"", "verify/", "faq/"} <= pages
    assert not pages & {"directory/", "performance/", "statistics/"}, pages
