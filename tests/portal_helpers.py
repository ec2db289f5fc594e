"""Building portals for the tests, and serving them on localhost."""

from __future__ import annotations

import functools
import gzip
import http.server
import io
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from .conftest import REPO, Run, invoke

FIXED_EPOCH = "1790000000"


def portal_source(dest: Path, filings: Path) -> Path:
    """A registry at ``dest`` with the repository's docs and mkdocs.yml and ``filings``."""
    shutil.copytree(filings, dest / "filings")
    shutil.copytree(REPO / "docs", dest / "docs")
    shutil.copy(REPO / "mkdocs.yml", dest / "mkdocs.yml")
    return dest


def build(root: Path, out: Path, epoch: str | None = FIXED_EPOCH) -> Run:
    """``site-gen --root ROOT build --out OUT``, in this process, built at ``epoch``
    (``SOURCE_DATE_EPOCH``; None: now)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("NO_MKDOCS_2_WARNING", "1")
        if epoch:
            patch.setenv("SOURCE_DATE_EPOCH", epoch)
        return invoke("--root", root, "build", "--out", out)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


# What GitHub Pages and most web servers compress (text; images and archives are sent as is).
COMPRESSED = {".html", ".css", ".js", ".json", ".svg", ".xml", ".atom", ".txt", ".csv"}


class _Gzipped(_Quiet):
    """Sends text files gzip-compressed to a browser that accepts it, as a real web server
    does, so that Chromium's network log shows the bytes a phone would download."""

    def send_head(self):  # type: ignore[no-untyped-def]
        target = Path(self.translate_path(self.path))
        if target.is_dir():
            if not urlsplit(self.path).path.endswith("/"):
                return super().send_head()  # the redirect to the folder's address
            target = target / "index.html"
        if target.suffix not in COMPRESSED or not target.is_file() \
                or "gzip" not in self.headers.get("Accept-Encoding", ""):
            return super().send_head()
        body = gzip.compress(target.read_bytes(), mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(target)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


@contextmanager
def serve(directory: Path, compress: bool = False) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1, on a port the system picks (bound before the URL is
    known, so nothing can take it in between); yields the base URL. The folder may be made
    after the server starts: each request looks it up. With ``compress``, text is sent
    gzip-compressed (``_Gzipped``)."""
    handler = functools.partial(_Gzipped if compress else _Quiet, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


class Watch:
    """Console errors, page errors and every request a page makes."""

    def __init__(self, page: Any) -> None:
        self.errors: list[str] = []
        self.requests: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("request", lambda r: self.requests.append(r.url))

    def check(self, site: str, *also: str) -> None:
        """No console errors, and no request outside ``site`` (and the addresses ``also``
        begins with, such as the forge's raw file the filing form reads for an edit)."""
        assert self.errors == [], self.errors
        outside = [u for u in self.requests if not u.startswith((site, "data:", "blob:", *also))]
        assert outside == [], outside


def new_page(browser: Any, **options: Any) -> tuple[Any, Any, Watch]:
    context = browser.new_context(viewport={"width": 375, "height": 740}, **options)
    page = context.new_page()
    return context, page, Watch(page)
