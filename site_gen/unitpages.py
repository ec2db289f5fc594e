"""Writing the unit pages: 20,000 in a province, after mkdocs and without it.

Each unit page is a whole page in the small frame (``templates/lean.html``, made by
``portal.unit_page``): mkdocs' Markdown and theme would cost ~10 ms and ~13 KB a page (its
navigation, header and search box were two thirds of every unit page). mkdocs' sitemap
lists the theme's pages; the unit pages are added to it here.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterable
from pathlib import Path

from markupsafe import escape


def write_unit_pages(site: Path, pages: Iterable[tuple[str, str]],
                     site_url: str | None = None) -> int:
    """Each (folder, whole page) written as the folder's index.html; with the portal's
    address known, the sitemap lists them. Returns the count."""
    written, made = [], set()
    for page_dir, html in pages:
        target = site / page_dir / "index.html"
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        target.write_text(html, "utf-8")
        written.append(page_dir + "/")
    if site_url:
        _sitemap(site, site_url.rstrip("/") + "/", written)
    return len(written)


_LASTMOD = re.compile(r"<lastmod>([^<]*)</lastmod>")


def _sitemap(site: Path, base: str, urls: list[str]) -> None:
    """Add the unit pages to the sitemap mkdocs wrote (dated as its own entries)."""
    sitemap = site / "sitemap.xml"
    if not sitemap.is_file():
        return
    text = sitemap.read_text("utf-8")
    lastmod = _LASTMOD.search(text)
    dated = f"\n         <lastmod>{lastmod.group(1)}</lastmod>" if lastmod else ""
    entries = "".join(f"    <url>\n         <loc>{escape(base + url)}</loc>{dated}\n    </url>\n"
                      for url in urls)
    text = text.replace("</urlset>", entries + "</urlset>")
    sitemap.write_text(text, "utf-8")
    with gzip.GzipFile(site / "sitemap.xml.gz", "wb", mtime=0) as packed:
        packed.write(text.encode("utf-8"))
