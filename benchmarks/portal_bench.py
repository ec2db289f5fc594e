"""Benchmark the portal at province scale: build time, size, and what the verify page
downloads before its first answer (measured in Debian's Chromium over localhost).

    python benchmarks/portal_bench.py                  # 100,000 accounts, 20,000 units
    python benchmarks/portal_bench.py --accounts 5000  # a quick run

Transfer sizes are what Chromium's network log counts with the files served gzip-compressed
(as GitHub Pages and most web servers send JSON, HTML, CSS and JS), and the files' own sizes.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO))

from validate_bench import PLATFORMS, account_id_of, account_name, generate  # noqa: E402

from tests.portal_helpers import serve  # noqa: E402

# An official name, an unknown link, and a lookalike of an official name.
QUERIES = [account_name(12345), "https://WWW.example.invalid/acct?x=1", account_name(1234)[:-1] + "号"]


def build(root: Path) -> dict[str, object]:
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "site_gen", "--root", str(root), "build"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    _, status, usage = os.wait4(process.pid, 0)
    site = root / "site"
    files = [p for p in site.rglob("*") if p.is_file()]
    shards = list((site / "verify" / "index").glob("*.json"))
    return {"step": "build", "seconds": round(time.perf_counter() - start, 1),
            "peak_mb": round(usage.ru_maxrss / 1024), "exit": os.waitstatus_to_exitcode(status),
            "files": len(files), "site_mb": round(sum(p.stat().st_size for p in files) / 2**20, 1),
            "shards": len(shards),
            "largest_shard_kb": round(max(p.stat().st_size for p in shards) / 1024, 1)}


def queries_for(accounts: int, units: int) -> list[str]:
    """An official ID, an official name (name only), an unknown link, a lookalike name."""
    folders = units - max(units // 200, 1) - 1
    a = accounts // 2
    official = account_id_of(PLATFORMS[(a // folders) % len(PLATFORMS)], a)
    return [official, account_name(a), "https://WWW.example.invalid/acct?x=1",
            account_name(a // 3)[:-1] + "号"]


def measure_verify(site: Path, queries: list[str] = QUERIES) -> list[dict[str, object]]:
    """Each query typed into the verify page: what Chromium's network log says the page
    downloaded before the first answer, served gzip-compressed as a web server would
    (``total_gzip_kb``: headers and bodies), and the same files uncompressed (``total_kb``)."""
    from playwright.sync_api import sync_playwright

    from tests.test_accessibility import THEME_FILES, transferred

    results = []
    with serve(site, compress=True) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium") or "/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        for query in queries:
            page = browser.new_page(viewport={"width": 375, "height": 740})
            loaded: list[Any] = []
            page.on("requestfinished", lambda r, into=loaded: into.append(r))
            page.goto(url + "verify/")
            page.fill("#verify-query", query)
            start = time.perf_counter()
            page.click("#verify-form button")
            page.wait_for_selector("#verify-result[data-status]")
            answer_ms = (time.perf_counter() - start) * 1000
            raw = sent = shard = 0
            for request in loaded:
                path = site / request.url[len(url):].split("?")[0]
                if path.is_dir():
                    path = path / "index.html"
                raw += path.stat().st_size
                sent += transferred(request)
                if "/verify/index/" in request.url:
                    shard += transferred(request)
            results.append({"query": query,
                            "status": page.get_attribute("#verify-result", "data-status"),
                            "answer_ms": round(answer_ms), "requests": len(loaded),
                            "theme_files": sum(bool(THEME_FILES.search(r.url)) for r in loaded),
                            "total_kb": round(raw / 1024), "total_gzip_kb": round(sent / 1024, 1),
                            "index_gzip_kb": round(shard / 1024, 1)})
            page.close()
        browser.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        generate(root, args.accounts, max(args.accounts // 5, 3))
        shutil.copytree(REPO / "docs", root / "docs")
        shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
        print(json.dumps(build(root), ensure_ascii=False), flush=True)
        units = max(args.accounts // 5, 3)
        for result in measure_verify(root / "site", queries_for(args.accounts, units)):
            print(json.dumps(result, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
