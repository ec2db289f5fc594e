"""``site-gen probe`` against websites served on loopback by the test itself (``--map``):
a listed and an unlisted account, a wrong ICP number, broken TLS (a self-signed certificate),
shop links and a foreign QR code, a redirect to plain http, a feed with a recent date, a slow
and an oversized answer. Then the audit reads the probe record."""

from __future__ import annotations

import json
import shutil
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from site_gen import clock

from .conftest import REPO

Route = tuple[int, dict[str, str], bytes, float]  # status, headers, body, delay in seconds
SCHOOL = "filings/diyi-zhongxue/website--www.shili1z.example.yaml"
CITY = "filings/website--jyj.shili.example.yaml"
EXAM = "filings/kaoshiyuan/website--www.ksy.shili.example.yaml"
COLLEGE = "filings/shifan-xueyuan/website--www.sfxy.example.yaml"
XICHENG = "filings/xicheng/website--xc.jyj.shili.example.yaml"
DONGCHENG = "filings/dongcheng/website--www.dc.jyj.shili.example.yaml"


class _Handler(BaseHTTPRequestHandler):
    server: Any

    def do_GET(self) -> None:  # noqa: N802 - the http.server interface
        self.server.agents.append(self.headers.get("User-Agent", ""))
        route = self.server.routes.get(self.path.split("?", 1)[0])
        if route is None:
            self.send_error(404)
            return
        status, headers, body, delay = route
        time.sleep(delay)
        try:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the probe gave up waiting or stopped reading: that is the point

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def site(routes: dict[str, Route], context: ssl.SSLContext | None = None) -> Iterator[Any]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    server.routes, server.agents = routes, []
    if context is not None:
        server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    scheme = "https" if context else "http"
    server.base = f"{scheme}://127.0.0.1:{server.server_address[1]}"
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def html(body: str) -> tuple[int, dict[str, str], bytes, float]:
    return 200, {"Content-Type": "text/html; charset=utf-8"}, (
        f"<!doctype html><html><head><meta charset='utf-8'><title>t</title></head>"
        f"<body>{body}</body></html>").encode(), 0.0


@pytest.fixture
def registry(tmp_path: Path) -> Path:
    shutil.copytree(REPO / "filings", tmp_path / "filings")
    # The school's filing says it last posted in spring: a zombie, unless its site says more.
    school = tmp_path / SCHOOL
    text = school.read_text("utf-8")
    old = (clock.today() - timedelta(days=150)).isoformat()
    school.write_text("\n".join(f"last_post_on: {old}" if line.startswith("last_post_on:")
                                else line for line in text.split("\n")), "utf-8")
    return tmp_path


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> ssl.SSLContext:
    """A server context with a self-signed certificate (made by openssl here)."""
    folder = tmp_path_factory.mktemp("tls")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=www.ksy.shili.example", "-keyout", str(folder / "key.pem"),
                    "-out", str(folder / "cert.pem")], check=True, capture_output=True)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(folder / "cert.pem", folder / "key.pem")
    return context


def test_probe_reports_each_problem_with_its_file_and_feeds_the_audit(
        run_cli, registry: Path, tls: ssl.SSLContext) -> None:
    recent = (clock.today() - timedelta(days=4))
    feed = ("<?xml version='1.0'?><rss version='2.0'><channel><title>t</title>"
            f"<lastBuildDate>{recent.strftime('%a, %d %b %Y 08:00:00 +0800')}</lastBuildDate>"
            "<item><title>a</title><pubDate>Mon, 02 Mar 2026 08:00:00 +0800</pubDate></item>"
            "</channel></rss>").encode()
    listing = json.dumps({"version": 1, "unit": "示例市第一中学", "accounts": [
        {"platform": "douyin", "account_id": "shili1z_official"},
        {"platform": "bilibili", "account_id": "3493000000009999"}]}).encode()
    school_routes = {
        "/": html('<link rel="alternate" type="application/rss+xml" href="/feed.xml">'
                  '<a rel="me" href="https://weibo.com/u/6012300004">微博</a>'
                  "<footer>示ICP备08000006号-2 示公网安备 99010002000006号</footer>"),
        "/.well-known/edu-accounts.json": (200, {"Content-Type": "application/json"}, listing, 0.0),
        "/feed.xml": (200, {"Content-Type": "application/rss+xml"}, feed, 0.0),
    }
    city_routes = {"/": html(
        '<a href="https://item.taobao.com/item.htm?id=1">校服</a>'
        '<img src="https://img.shop-qr.example/pay.png" alt="扫码购买二维码">'
        "<footer>示ICP备15000009号-1 示公网安备 99010002000001号</footer>")}
    with site(school_routes) as school, site(city_routes) as city, \
            site({"/": html("示ICP备10000007号-1")}, tls) as exam, \
            site({"/": html("慢")[:3] + (3.0,)}) as slow, \
            site({"/": (200, {"Content-Type": "text/html"}, b"x" * (3 * 1024 * 1024), 0.0)}) as big, \
            site({"/": html("plain")}) as plain, \
            site({}) as moved:
        moved.routes["/"] = (302, {"Location": plain.base + "/"}, b"", 0.0)  # to plain http
        maps = {"www.shili1z.example": school, "jyj.shili.example": city,
                "www.ksy.shili.example": exam, "www.sfxy.example": slow,
                "xc.jyj.shili.example": big, "www.dc.jyj.shili.example": moved}
        args = [arg for host, server in maps.items() for arg in ("--map", f"{host}={server.base}")]
        result = run_cli("--root", str(registry), "probe", *args, "--timeout", "1",
                         "--retries", "0", "--delay", "0", timeout=120)
        agents = school.agents + city.agents
    assert result.returncode == 0, result
    lines = result.stdout.splitlines()

    def found(file: str, code: str) -> str:
        hits = [line for line in lines if line.startswith(f"{file}: {code} ")]
        assert hits, (file, code, result.stdout, result.stderr)
        return hits[0]

    assert "bilibili:3493000000009999" in found(SCHOOL, "A-SITE-LISTED-NOT-FILED")
    assert "wechat_official:shili1z" in found(SCHOOL, "A-SITE-FILED-NOT-LISTED")
    assert not [line for line in lines if line.startswith(SCHOOL) and ("A-SITE-ICP" in line)]
    assert "示ICP备15000009号" in found(CITY, "A-SITE-ICP")
    ads = [line for line in lines if line.startswith(f"{CITY}: A-SITE-ADS ")]
    assert any("taobao.com" in line for line in ads) and any("shop-qr.example" in line for line in ads)
    assert "证书" in found(EXAM, "A-SITE-TLS")
    assert "1 秒内没有回答" in found(COLLEGE, "A-SITE-UNREACHABLE")
    assert "超过 2 MB" in found(XICHENG, "A-SITE-UNREACHABLE")
    assert "http://127.0.0.1" in found(DONGCHENG, "A-SITE-REDIRECT")
    # Unmapped demo sites (.example names resolve nowhere) are unreachable, never skipped.
    assert found("filings/xicheng/zhiye-xuexiao/website--www.xczy.shili.example.yaml",
                 "A-SITE-UNREACHABLE")
    assert agents and all(a.startswith("site-gen-probe/") for a in agents)

    record = json.loads((registry / "dist" / "probe.json").read_text("utf-8"))
    school_site = next(s for s in record["sites"] if s["file"] == SCHOOL)
    assert (school_site["last_update"], school_site["last_update_source"]) == (
        recent.isoformat(), "feed")
    assert ["weibo", "6012300004"] in school_site["listed"]  # from the rel="me" link

    # The audit prefers the measured date to the typed one: no longer a zombie.
    typed = run_cli("--root", str(registry), "audit")
    probed = run_cli("--root", str(registry), "audit", "--probe",
                     str(registry / "dist" / "probe.json"))
    assert any(line.startswith(f"{SCHOOL}: A-ZOMBIE") for line in typed.stdout.splitlines())
    assert not any(line.startswith(f"{SCHOOL}: A-ZOMBIE") for line in probed.stdout.splitlines())
    assert f"{CITY}: A-SITE-ICP" in probed.stdout  # and the probe's findings join the audit
    # No filing was touched.
    assert (registry / CITY).read_bytes() == (REPO / CITY).read_bytes()


def test_bad_options_and_records_are_usage_errors(run_cli, registry: Path) -> None:
    bad = run_cli("--root", str(registry), "probe", "--map", "www.shili1z.example")
    assert bad.returncode == 2 and "--map 要写成" in bad.stderr
    broken = registry / "broken.json"
    broken.write_text("{", "utf-8")
    result = run_cli("--root", str(registry), "audit", "--probe", str(broken))
    assert result.returncode == 2 and "无法读取探测记录" in result.stderr


def test_without_a_feed_the_sitemap_then_the_header_dates_the_site(run_cli, registry: Path) -> None:
    day = clock.today() - timedelta(days=9)
    sitemap = ("<?xml version='1.0'?><urlset><url><loc>https://www.shili1z.example/a</loc>"
               f"<lastmod>{day.isoformat()}T08:00:00+08:00</lastmod></url>"
               "<url><lastmod>2099-01-01</lastmod></url></urlset>").encode()  # never the future
    header_day = clock.today() - timedelta(days=20)
    modified = header_day.strftime("%a, %d %b %Y 08:00:00 GMT")
    for routes, expected in (
            ({"/": html("示ICP备08000006号-2 示公网安备 99010002000006号"),
              "/sitemap.xml": (200, {"Content-Type": "application/xml"}, sitemap, 0.0)},
             [day.isoformat(), "sitemap"]),
            ({"/": (200, {"Content-Type": "text/html", "Last-Modified": modified},
                    b"<html></html>", 0.0)}, [header_day.isoformat(), "header"])):
        with site(routes) as school:
            result = run_cli("--root", str(registry), "probe", "--unit", "diyi-zhongxue",
                             "--map", f"www.shili1z.example={school.base}", "--delay", "0",
                             "--retries", "0")
        assert result.returncode == 0, result
        record = json.loads((registry / "dist" / "probe.json").read_text("utf-8"))
        [only] = record["sites"]
        assert [only["last_update"], only["last_update_source"]] == expected
