"""The unit pages' shells: how 20,000 unit pages are made without mkdocs rendering each.

mkdocs' Markdown and theme cost ~10 ms a page, 20,000 pages at province scale. So mkdocs
renders one *shell* page per folder depth (``shell_pages`` in ``portal``), whose title is
``SHELL_TITLE`` and whose content is ``SHELL_BODY``; after mkdocs, each unit page is its
shell with the unit's title and content put in (``write_unit_pages``), the shells are
removed and the sitemap lists the unit pages. This is the one place that relies on what
the theme's HTML looks like (the body kept whole, the title and the page's own address in
it).
"""

from __future__ import annotations

import gzip
import re
import shutil
from collections.abc import Iterable
from pathlib import Path

from markupsafe import escape

# Slugs never start with "_", so no unit can be at a shell's address.
SHELL_TITLE = "SITEGENSHELLTITLE"
SHELL_BODY = '<div class="sg-shell"><h1>shell</h1></div>'  # an h1, or the theme adds one


def shell_dir(depth: int) -> str:
    return "/".join(["u", *["_shell"] * depth])


_BLANK_LINES = re.compile(r"[ \t]*\n\s*")


def _squeeze(html: str) -> str:
    """The theme's HTML with each run of whitespace that holds a line break made one line
    break: the same page (whitespace between tags renders the same), a third of the bytes,
    which 20,000 unit pages feel (the theme's templates indent every line deeply). Text
    where whitespace counts (pre, textarea) is left as it is."""
    if "<pre" in html or "<textarea" in html:
        return html
    return _BLANK_LINES.sub("\n", html)


def write_unit_pages(site: Path, pages: Iterable[tuple[str, str, str]]) -> int:
    """Each (folder, title, content) written into the shell of its depth; the shells are
    removed, and the sitemap lists the unit pages in their place. Returns the count."""
    shells: dict[int, tuple[str, str]] = {}
    for shell in site.glob("u/_shell/**/index.html"):
        text = shell.read_text("utf-8")
        head, tail = text.split(SHELL_BODY)  # exactly one: mkdocs keeps raw HTML as it is
        shells[shell.parent.relative_to(site).as_posix().count("/")] = (_squeeze(head),
                                                                        _squeeze(tail))
    written, made = [], set()
    for page_dir, title, html in pages:
        depth = page_dir.count("/")
        head, tail = shells[depth]
        url = page_dir + "/"
        target = site / page_dir / "index.html"
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        # The title and the shell's own address (a canonical link, when site_url is set).
        target.write_text(_fill(head, depth, title, url) + html + _fill(tail, depth, title, url),
                          "utf-8")
        written.append(url)
    shutil.rmtree(site / "u" / "_shell", ignore_errors=True)
    _sitemap(site, written)
    return len(written)


def _fill(text: str, depth: int, title: str, url: str) -> str:
    return text.replace(SHELL_TITLE, str(escape(title))).replace(shell_dir(depth) + "/", url)


_SITEMAP_ENTRY = re.compile(r"\s*<url>\s*<loc>([^<]*)</loc>.*?</url>", re.S)


def _sitemap(site: Path, urls: list[str]) -> None:
    """mkdocs listed the shells (with ``site_url`` set): list the unit pages instead."""
    sitemap = site / "sitemap.xml"
    if not sitemap.is_file() or "/u/_shell/" not in (text := sitemap.read_text("utf-8")):
        return
    model = next(m for m in _SITEMAP_ENTRY.finditer(text) if "/u/_shell/" in m.group(1))
    base = model.group(1)[:model.group(1).index("u/_shell/")]
    entries = "".join(model.group(0).replace(model.group(1), escape(base + url)) for url in urls)
    kept = _SITEMAP_ENTRY.sub(lambda m: "" if "/u/_shell/" in m.group(1) else m.group(0), text)
    text = kept.replace("</urlset>", entries.lstrip("\n") + "\n</urlset>")
    sitemap.write_text(text, "utf-8")
    with gzip.GzipFile(site / "sitemap.xml.gz", "wb", mtime=0) as packed:
        packed.write(text.encode("utf-8"))
