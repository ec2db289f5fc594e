"""``site-gen probe`` against websites served on loopback by the test itself (``--map``):
a listed and an unlisted account, a wrong ICP number, broken TLS (a self-signed certificate),
shop links and a foreign QR code, a redirect to plain http, a feed with a recent date, a slow
and an oversized answer. Then the audit reads the probe record.

Then hostile websites (real sockets on 127.0.0.1, a raw-socket server for answers no HTTP
server sends; no mock of the HTTP client): redirects to a loopback port nobody mapped, to
ftp:// and file://, a redirect loop, an answer that is no HTTP, broken chunked encoding,
200 KB of headers, a body trickled a byte a second, a reset connection, a "punycode" charset,
malformed HTML and JSON. Each is a finding for its site; the run goes on and exits 0. The
address check is tested on its own, with addresses only: nothing is sent beyond loopback."""

from __future__ import annotations

import json
import shutil
import socket
import ssl
import struct
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from site_gen import clock
from site_gen.probe import Response, fetch, parse, refused_address, shown, text_of

from .conftest import REPO

Route = tuple[int, dict[str, str], bytes, float]  # status, headers, body, delay in seconds
SCHOOL = "filings/diyi-zhongxue/website--www.shili1z.example.yaml"
CITY = "filings/website--jyj.shili.example.yaml"
EXAM = "filings/kaoshiyuan/website--www.ksy.shili.example.yaml"
COLLEGE = "filings/shifan-xueyuan/website--www.sfxy.example.yaml"
XICHENG = "filings/xicheng/website--xc.jyj.shili.example.yaml"
DONGCHENG = "filings/dongcheng/website--www.dc.jyj.shili.example.yaml"
DCSYXX = "filings/dongcheng/shiyan-xiaoxue/website--www.dcsyxx.shili.example.yaml"
XCZY = "filings/xicheng/zhiye-xuexiao/website--www.xczy.shili.example.yaml"
HOSTS = {SCHOOL: "www.shili1z.example", CITY: "jyj.shili.example", EXAM: "www.ksy.shili.example",
         COLLEGE: "www.sfxy.example", XICHENG: "xc.jyj.shili.example",
         DONGCHENG: "www.dc.jyj.shili.example", DCSYXX: "www.dcsyxx.shili.example",
         XCZY: "www.xczy.shili.example"}


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
            site({"/": (302, {"Location": "http://www.dc.jyj.shili.example/plain"}, b"", 0.0),
                  "/plain": html("plain")}) as moved:  # to plain http, on its own host
        maps = {"www.shili1z.example": school, "jyj.shili.example": city,
                "www.ksy.shili.example": exam, "www.sfxy.example": slow,
                "xc.jyj.shili.example": big, "www.dc.jyj.shili.example": moved}
        args = [arg for host, server in maps.items() for arg in ("--map", f"{host}={server.base}")]
        result = run_cli("--root", str(registry), "probe", *args, "--timeout", "1",
                         "--retries", "0", "--delay", "0")
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
    assert "不加密的 http 地址 http://www.dc.jyj.shili.example/plain" in found(
        DONGCHENG, "A-SITE-REDIRECT")
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
    for options in (["--map", "www.shili1z.example=http://[::1"],
                    ["--map", "www.shili1z.example=http://127.0.0.1:port"],
                    ["--timeout", "nan"], ["--timeout", "inf"], ["--timeout", "1e308"],
                    ["--delay", "inf"], ["--delay", "nan"]):
        bad = run_cli("--root", str(registry), "probe", *options)
        assert bad.returncode == 2 and "Traceback" not in bad.stderr, bad
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


# Hostile websites.

Answer = Callable[[socket.socket, threading.Event], None]  # writes raw bytes to the probe


@contextmanager
def raw_site(answer: Answer | None = None) -> Iterator[Any]:
    """A TCP server on 127.0.0.1 that reads each request and lets ``answer`` write whatever
    it likes; it counts the connections it is given (a trap, without ``answer``)."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    listener.settimeout(0.1)
    port = listener.getsockname()[1]
    stop = threading.Event()
    server = type("RawSite", (), {})()
    server.connections, server.requests = 0, []
    server.port, server.base = port, f"http://127.0.0.1:{port}"
    handlers: list[threading.Thread] = []

    def handle(conn: socket.socket) -> None:
        with conn:
            conn.settimeout(5)
            try:
                data = b""
                while b"\r\n\r\n" not in data and len(data) < 65536:
                    piece = conn.recv(4096)
                    if not piece:
                        break
                    data += piece
                server.requests.append(data)
                if answer is not None:
                    answer(conn, stop)
            except OSError:
                pass  # the probe gave up or stopped reading: that is the point

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            server.connections += 1
            worker = threading.Thread(target=handle, args=(conn,), daemon=True)
            handlers.append(worker)
            worker.start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        stop.set()
        thread.join(5)
        listener.close()
        for worker in handlers:
            worker.join(5)


def sends(data: bytes) -> Answer:
    return lambda conn, stop: conn.sendall(data)


def trickles(conn: socket.socket, stop: threading.Event) -> None:
    """Headers at once, then the body a byte a second (never all of it in a test's time)."""
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 1000\r\n\r\n")
    for _ in range(1000):
        if stop.wait(1.0):
            return
        conn.sendall(b"x")


def resets(conn: socket.socket, stop: threading.Event) -> None:
    """Close with a TCP reset (RST) instead of an answer."""
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


NOT_HTTP = b"SSH-2.0-OpenSSH_9.6\r\n"
BROKEN_CHUNKED = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n"
                  b"zz-not-a-size\r\n<html>\xe7\xa4\xba</html>\r\n0\r\n\r\n")
HUGE_HEADERS = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                + b"".join(b"X-Filler-%d: %s\r\n" % (i, b"a" * 4000) for i in range(50))
                + b"Content-Length: 6\r\n\r\n<html>")


def probe_all(run_cli, registry: Path, servers: dict[str, Any], *options: str) -> Any:
    """Probe every website filing, each mapped to a loopback server (no DNS query leaves)."""
    assert set(servers) == set(HOSTS)
    args = [arg for file, server in servers.items()
            for arg in ("--map", f"{HOSTS[file]}={server.base}")]
    return run_cli("--root", str(registry), "probe", *args, "--delay", "0", *options)


def findings(result: Any, file: str, code: str) -> list[str]:
    return [line for line in result.stdout.splitlines() if line.startswith(f"{file}: {code} ")]


def good_school() -> dict[str, Route]:
    return {"/": html("<footer>示ICP备08000006号-2 示公网安备 99010002000006号</footer>")}


def assert_every_site_probed(registry: Path, result: Any) -> None:
    """The run finished with 0, every site has its entry, the well-behaved school was read."""
    assert result.returncode == 0, result
    assert "Traceback" not in result.stderr, result
    record = json.loads((registry / "dist" / "probe.json").read_text("utf-8"))
    sites = {s["file"]: s for s in record["sites"]}
    assert set(sites) == set(HOSTS), sites
    assert sites[SCHOOL]["reached"] and not [
        f for f in sites[SCHOOL]["findings"] if f["rule"] in ("unreachable", "redirect")]


def test_answers_that_are_no_proper_http_are_findings_and_the_run_goes_on(
        run_cli, registry: Path) -> None:
    with site(good_school()) as school, raw_site(sends(NOT_HTTP)) as not_http, \
            raw_site(sends(BROKEN_CHUNKED)) as chunked, raw_site(sends(HUGE_HEADERS)) as headers, \
            raw_site(trickles) as trickle, raw_site(resets) as reset:
        result = probe_all(run_cli, registry, {
            SCHOOL: school, CITY: not_http, EXAM: chunked, COLLEGE: headers, XICHENG: trickle,
            DONGCHENG: reset, DCSYXX: school, XCZY: school}, "--timeout", "1", "--retries", "0")
    assert_every_site_probed(registry, result)
    assert "不是 HTTP" in findings(result, CITY, "A-SITE-UNREACHABLE")[0]
    assert "SSH-2.0-OpenSSH_9.6" in findings(result, CITY, "A-SITE-UNREACHABLE")[0]
    assert "分块编码" in findings(result, EXAM, "A-SITE-UNREACHABLE")[0]
    assert "响应头超过 64 KB" in findings(result, COLLEGE, "A-SITE-UNREACHABLE")[0]
    assert "1 秒内没有回答完" in findings(result, XICHENG, "A-SITE-UNREACHABLE")[0]
    assert findings(result, DONGCHENG, "A-SITE-UNREACHABLE")
    # The sites after the hostile ones were probed as usual.
    assert findings(result, XCZY, "A-SITE-ICP") and not findings(result, XCZY, "A-SITE-UNREACHABLE")
    # One request each: the probe sent its request, and no second one.
    assert [not_http.connections, chunked.connections, headers.connections] == [1, 1, 1]
    assert not_http.requests[0].startswith(b"GET / HTTP/1.1\r\nHost: 127.0.0.1:")


def test_a_site_that_trickles_is_stopped_by_its_deadline_retries_included(
        run_cli, registry: Path) -> None:
    """Each request has --timeout; all of a site's requests together 3 × --timeout: the
    retries of a trickling site stop there, long before --retries runs out."""
    with raw_site(trickles) as trickle:
        result = run_cli("--root", str(registry), "probe", "--unit", "kaoshiyuan",
                         "--map", f"www.ksy.shili.example={trickle.base}", "--delay", "0",
                         "--timeout", "1", "--retries", "10")
        connections = trickle.connections
    assert result.returncode == 0, result
    [line] = findings(result, EXAM, "A-SITE-UNREACHABLE")
    assert "这个网站的请求合计超过 3 秒" in line, line
    assert 2 <= connections <= 4


def test_redirects_and_content_a_site_aims_at_the_runner_are_refused(
        run_cli, registry: Path) -> None:
    page = html(
        "<link rel='alternate' type='application/rss+xml' href='{trap}/feed.xml'>"
        "<a href='http://[broken/'>坏链接</a><a href='https://item.taobao.com/item.htm'>店</a>"
        "<![foo[ 浏览器不认识的标记 ]]><a href='https://www.jd.com/'>解析出错之后</a>")
    punycode = (200, {"Content-Type": "text/html; charset=punycode"},
                ("<html><head><meta charset='idna'></head><body>示ICP备99999999号-1 "
                 + "abc-" * 20000 + "</body></html>").encode(), 0.0)
    with raw_site() as trap, site(good_school()) as school, site({}) as to_trap, \
            site({}) as to_ftp, site({}) as to_file, site({}) as loop, \
            site({"/": punycode}) as odd_charset, site({}) as malformed:
        to_trap.routes["/"] = (302, {"Location": trap.base + "/admin"}, b"", 0.0)
        to_ftp.routes["/"] = (302, {"Location": f"ftp://127.0.0.1:{trap.port}/pub"}, b"", 0.0)
        to_file.routes["/"] = (301, {"Location": "file:///etc/passwd"}, b"", 0.0)
        loop.routes.update({"/": (302, {"Location": "/a"}, b"", 0.0),
                            "/a": (302, {"Location": "/"}, b"", 0.0)})
        status, headers, body, delay = page
        malformed.routes.update({
            "/": (status, headers, body.replace(b"{trap}", trap.base.encode()), delay),
            "/.well-known/edu-accounts.json": (200, {"Content-Type": "application/json"},
                                               b"[" * 100000, 0.0)})
        result = probe_all(run_cli, registry, {
            SCHOOL: school, DONGCHENG: to_trap, DCSYXX: to_ftp, EXAM: to_file, CITY: loop,
            XCZY: odd_charset, COLLEGE: malformed, XICHENG: school},
            "--timeout", "2", "--retries", "1")
        trapped = trap.connections
    assert_every_site_probed(registry, result)
    assert trapped == 0  # neither the redirects nor the feed link reached the unmapped port
    [line] = findings(result, DONGCHENG, "A-SITE-REDIRECT")
    assert f"127.0.0.1:{trap.port}/admin" in line and "本机地址" in line, line
    assert "不是 http 或 https" in findings(result, DCSYXX, "A-SITE-REDIRECT")[0]
    assert "file:///etc/passwd" in findings(result, EXAM, "A-SITE-REDIRECT")[0]
    assert "循环跳转" in findings(result, CITY, "A-SITE-REDIRECT")[0]
    # The charset a site names is no codec to look up: the page is read as UTF-8.
    assert "示ICP备99999999号" in findings(result, XCZY, "A-SITE-ICP")[0]
    # Malformed HTML: a finding, and what came before the error is still checked.
    assert "HTML 无法解析" in findings(result, COLLEGE, "A-SITE-UNREACHABLE")[0]
    ads = findings(result, COLLEGE, "A-SITE-ADS")
    assert ads and "taobao.com" in ads[0] and "jd.com" not in ads[0]
    assert findings(result, COLLEGE, "A-SITE-LISTING")  # JSON nested 100 000 deep
    # The record still reads, and the audit reads it.
    audited = run_cli("--root", str(registry), "audit", "--probe",
                      str(registry / "dist" / "probe.json"))
    assert audited.returncode in (0, 1) and f"{COLLEGE}: A-SITE-LISTING" in audited.stdout


@pytest.mark.parametrize("address", [
    "127.0.0.1", "127.8.9.10", "10.0.0.1", "10.255.1.2", "172.16.0.1", "172.31.255.254",
    "192.168.1.1", "169.254.169.254", "0.0.0.0", "224.0.0.1", "239.255.255.250",
    "255.255.255.255", "240.0.0.1", "100.64.0.1", "::1", "::", "fe80::1", "fe80::1%eth0",
    "fc00::1", "fd12:3456::1", "ff02::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1",
    "::ffff:169.254.169.254", "2002:7f00:1::1", "64:ff9b::7f00:1", "not-an-address"])
def test_the_address_check_refuses_every_non_public_address(address: str) -> None:
    assert refused_address(address)


@pytest.mark.parametrize("address", ["202.108.22.5", "114.114.114.114", "2400:3200::1",
                                     "::ffff:202.108.22.5", "64:ff9b::202.108.22.5"])
def test_the_address_check_lets_public_addresses_through(address: str) -> None:
    assert refused_address(address) is None  # classified only: nothing is sent to them


def test_fetch_refuses_other_schemes_and_unmapped_loopback_without_a_request() -> None:
    with raw_site(sends(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")) as local:
        for url in (f"ftp://127.0.0.1:{local.port}/", "file:///etc/passwd",
                    f"gopher://127.0.0.1:{local.port}/", local.base + "/",
                    f"http://[::ffff:127.0.0.1]:{local.port}/", f"http://0.0.0.0:{local.port}/",
                    f"http://2130706433:{local.port}/"):  # 127.0.0.1 written as a number
            answer = fetch(url, {}, timeout=2, retries=2)
            assert answer.error and answer.status is None and not answer.retry, (url, answer)
        assert local.connections == 0
        # The same address, aimed at on purpose with --map, is fetched.
        mapped = fetch("https://www.shili1z.example/", {"www.shili1z.example": local.base},
                       timeout=2, retries=0)
        assert (mapped.error, mapped.body, local.connections) == (None, b"ok", 1)


def test_fetch_bounds_the_headers_it_reads() -> None:
    many = (b"HTTP/1.1 200 OK\r\n" + b"".join(b"X-%d: a\r\n" % i for i in range(150))
            + b"Content-Length: 2\r\n\r\nok")
    endless_continue = b"HTTP/1.1 100 Continue\r\n\r\n" * 10000
    for answer, expected in ((many, "响应头超过 100 个"), (endless_continue, "响应头超过 64 KB")):
        with raw_site(sends(answer)) as local:
            got = fetch("https://www.shili1z.example/", {"www.shili1z.example": local.base},
                        timeout=5, retries=0)
        assert got.error == expected and got.rule == "unreachable", got


@pytest.mark.parametrize("charset", ["punycode", "idna", "utf-16", "base64", "rot13",
                                     "uu_codec", "x" * 300])
def test_a_charset_outside_the_known_few_is_never_looked_up(charset: str) -> None:
    body = "<p>示ICP备10000007号 abc-def-</p>".encode()
    for headers, page in (({"content-type": f"text/html; charset={charset}"}, body),
                          ({}, f"<meta charset='{charset}'>".encode() + body)):
        assert text_of(Response("https://x.example/", 200, headers, page)) == page.decode()


def test_known_charsets_are_read() -> None:
    for charset, codec in (("GBK", "gbk"), ("gb2312", "gb2312"), ("GB18030", "gb18030"),
                           ("Big5", "big5"), ("UTF-8", "utf-8")):
        page = "<p>示範學校 示ICP备10000007号</p>".encode(codec, errors="replace")
        answer = Response("https://x.example/", 200, {"content-type": f"text/html;charset={charset}"},
                          page)
        assert text_of(answer) == page.decode(codec)


def test_malformed_html_is_reported_where_it_breaks_and_never_stalls() -> None:
    parsed, broken = parse("<a href='/a'>a</a>\n<![foo[ x ]]><a href='/b'>b</a>")
    assert parsed.links == ["/a"] and broken and "第 2 行" in broken
    # Markup left open to the end made html.parser's close() quadratic: it is never called.
    parsed, broken = parse("<a" * 300000)
    assert broken is None and parsed.links == []


def test_website_text_in_findings_is_printable() -> None:
    assert shown("evil\x1b[2J\u202etxt.exe" + "x" * 500, 20) == "evil\\u001b[2J\\u202et…"
    assert shown("示ICP备 https://a.example/路径") == "示ICP备 https://a.example/路径"
