"""``site-gen probe``: fetch each filed website and compare what it says with its filing.

For every active website filing (docs/proof.md):

* the home page over HTTPS: TLS that does not verify, a redirect to plain http or to another
  host, no answer (time-out, refused, an HTTP error, an answer that is no HTTP) or an answer
  larger than the size bound;
* the ICP and 公安备案 numbers the page shows, against the filing's ``website`` block;
* links to shops and ad networks, and QR images from other hosts (seed 003: 不得链接企业网站，
  不得发布商业广告，不得设置商品、商业服务的二维码);
* the unit's list of its accounts, ``/.well-known/edu-accounts.json`` and ``rel="me"`` links:
  accounts listed but not filed, and (when there is a list) the unit's filed accounts it
  does not list;
* the site's last update, from its feed, else its sitemap, else the Last-Modified header:
  the audit's zombie rule prefers it to a hand-typed ``last_post_on``.

It never edits a filing: the results are a probe record (JSON) that ``site-gen audit
--probe`` reads. Requests are bounded (time-out, retries, size), one at a time per host
with a pause between them, a few hosts at once, with an honest User-Agent. ``mapping``
(``--map HOST=URL``) sends a filed host's requests to another address (a local copy of
the site, plain http allowed there) without changing any filing.

A website is not trusted (docs/proof.md, "探测不访问什么"): only http and https addresses
are requested, redirects included; every host is resolved once and refused when any of its
addresses is loopback, private, link-local, multicast, unspecified or reserved (unless
``--map`` aims it there), and the connection goes to the address checked; each request has
a wall-clock deadline (``timeout``) and each site a budget for all its requests; headers,
bodies and charsets are bounded. Whatever a site answers becomes a finding for that site,
never an exception that stops the run.
"""

from __future__ import annotations

import email.errors
import email.utils
import functools
import http.client
import io
import ipaddress
import json
import re
import socket
import ssl
import string
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from typing import Any, cast
from urllib.parse import SplitResult, quote, urljoin, urlsplit, urlunsplit

from . import __version__
from .identity import account_key
from .model import Account, Registry, within
from .platforms import link_info

WELL_KNOWN = "/.well-known/edu-accounts.json"
SIZE_LIMIT = 2 * 1024 * 1024
HEADER_LIMIT = 64 * 1024  # the status line and headers of one answer, in bytes
HEADER_COUNT = 100  # http.client's own bound on the number of headers
MAX_REDIRECTS = 5
REDIRECT_CODES = (301, 302, 303, 307, 308)
# A site's requests together may take this many times the time-out of one request
# (30 seconds by default): connect, headers and body of each, redirects and retries included.
SITE_TIMEOUT_FACTOR = 3
# HTTP headers are Latin-1: the User-Agent says who asks and why in ASCII.
USER_AGENT = (f"site-gen-probe/{__version__} (official account registry of an education "
              "authority; checks filed websites, a few pages each)")
# Shops, marketplaces and ad networks: a school or bureau site may not link to them (seed 003).
COMMERCIAL_HOSTS = (
    "taobao.com", "tmall.com", "jd.com", "pinduoduo.com", "yangkeduo.com", "1688.com",
    "vip.com", "suning.com", "dangdang.com", "meituan.com", "dianping.com", "ele.me",
    "amazon.com", "amazon.cn", "youzan.com", "weidian.com", "koudaitong.com",
    "googlesyndication.com", "doubleclick.net", "googleadservices.com", "pos.baidu.com",
    "cpro.baidu.com", "union.baidu.com", "tanx.com", "mmstat.com", "e.qq.com", "gdt.qq.com",
    "adsame.com", "miaozhen.com", "admaster.com.cn",
)
# Where the platforms serve an account's own QR code and avatar images (a school's WeChat QR
# on mmbiz.qpic.cn is its own account's, not a foreign one).
PLATFORM_IMAGE_HOSTS = (
    "qpic.cn", "qlogo.cn", "weixin.qq.com", "wx.qq.com", "sinaimg.cn", "weibo.com",
    "douyinpic.com", "douyin.com", "kuaishou.com", "yximgs.com", "bilibili.com", "hdslb.com",
    "toutiao.com", "pstatp.com", "xhscdn.com", "bdstatic.com", "baidu.com", "qq.com",
)
_ICP = re.compile(r"([\u4e00-\u9fa5])\s*ICP\s*备\s*(\d{6,10})\s*号(?:\s*-\s*(\d{1,3}))?")
_PSB = re.compile(r"([\u4e00-\u9fa5])\s*公网安备\s*(\d{14})\s*号")
_QR_WORDS = re.compile(r"qr|二维码|erweima|ewm", re.I)


@dataclass(frozen=True)
class Response:
    url: str  # as filed (before any --map), after redirects
    status: int | None
    headers: Mapping[str, str]
    body: bytes
    error: str | None = None  # why there is no usable answer, in Chinese
    rule: str = "unreachable"  # the finding an error makes: unreachable, tls or redirect
    too_large: bool = False
    redirects: tuple[str, ...] = ()
    retry: bool = False  # the error may pass (a network error, a time-out, a 5xx answer)

    @property
    def tls(self) -> bool:
        """The error is the certificate or the TLS handshake."""
        return self.error is not None and self.rule == "tls"


@dataclass
class Budget:
    """The time one site's requests may still take, in seconds: connect, headers and body of
    every request (redirects and retries included; the pauses between requests excluded)."""

    total: float
    left: float = field(init=False)

    def __post_init__(self) -> None:
        self.left = self.total


@dataclass
class Site:
    """What one website filing's probe found (a probe record entry)."""

    file: str
    url: str
    reached: bool = False
    last_update: str | None = None
    last_update_source: str | None = None  # feed, sitemap or header
    listed: list[list[str]] = field(default_factory=list)  # [platform, account_id]
    findings: list[dict[str, str]] = field(default_factory=list)  # {"rule", "detail"}

    def add(self, rule: str, detail: str) -> None:
        self.findings.append({"rule": rule, "detail": detail})


def mapped(url: str, mapping: Mapping[str, str]) -> str:
    """``url`` aimed at the address ``--map`` gives for its host (path and query kept)."""
    parts = urlsplit(url)
    target = mapping.get((parts.hostname or "").lower())
    if target is None:
        return url
    base = urlsplit(target)
    return urlunsplit((base.scheme, base.netloc, base.path.rstrip("/") + (parts.path or "/"),
                       parts.query, ""))


def unmapped(url: str, mapping: Mapping[str, str]) -> str:
    """The filed address a mapped one stands for (for messages and comparisons)."""
    for host, target in mapping.items():
        base = target.rstrip("/")
        if url == base or url.startswith(base + "/"):
            return f"https://{host}" + (url[len(base):] or "/")
    return url


def shown(text: str, limit: int = 200) -> str:
    """A website's text made safe to print in a finding: control, format (bidi) and other
    invisible characters escaped, at most ``limit`` characters."""
    text = "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in text[:limit + 1])
    return text if len(text) <= limit else text[:limit] + "…"


_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")  # an IPv4 address reached from IPv6 (RFC 6052)


def refused_address(address: str) -> str | None:
    """Why the probe may not connect to ``address`` (an IP address), in Chinese; None when it
    is a public address. IPv6 addresses that carry an IPv4 one (``::ffff:127.0.0.1``, 6to4,
    Teredo) are judged by that one too."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return "不是有效的 IP 地址"
    candidates: list[ipaddress.IPv4Address | ipaddress.IPv6Address] = [ip]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped or ip in _NAT64:  # the connection goes to the IPv4 address
            candidates = [ip.ipv4_mapped or ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)]
        carried = (ip.sixtofour, *(ip.teredo or ()))
        candidates += [v4 for v4 in carried if v4 is not None]
    for candidate in candidates:
        for test, why in ((candidate.is_loopback, "本机地址"),
                          (candidate.is_unspecified, "未指定地址"),
                          (candidate.is_multicast, "组播地址"),
                          (candidate.is_link_local, "链路本地地址"),
                          (candidate.is_private, "内网地址"),
                          (candidate.is_reserved, "保留地址"),
                          (not candidate.is_global, "非公网地址")):
            if test:
                return why
    return None


class _Failure(Exception):
    """A request that gave no usable answer; ``message`` says why, in Chinese."""

    def __init__(self, message: str, rule: str = "unreachable", *, retry: bool = False,
                 refused: bool = False) -> None:
        super().__init__(message)
        self.message, self.rule, self.retry, self.refused = message, rule, retry, refused


class _Overflow(Exception):
    """The answer went past the bytes the probe reads (its headers, or its body's framing)."""


@dataclass
class _Clock:
    """One request's wall-clock deadline: ``timeout``, or less when the site's budget is
    nearly spent."""

    deadline: float
    timeout: float
    budget: Budget
    by_site: bool
    answered: bool = False  # the status line and headers arrived

    def left(self) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError
        return left

    def late(self) -> str:
        if self.by_site:
            return (f"这个网站的请求合计超过 {self.budget.total:g} 秒，"
                    + ("回答没有读完" if self.answered else "没有等到回答"))
        return f"{self.timeout:g} 秒内没有回答" + ("完" if self.answered else "")


class _Wire(io.RawIOBase):
    """The socket as http.client reads it: every read within the request's deadline, and no
    more than ``allowance`` bytes in all."""

    def __init__(self, sock: socket.socket, clock: _Clock, allowance: int) -> None:
        super().__init__()
        self.sock, self.clock, self.allowance, self.used = sock, clock, allowance, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        room = self.allowance - self.used
        if room <= 0:
            raise _Overflow
        self.sock.settimeout(self.clock.left())
        view = memoryview(buffer).cast("B")
        count = self.sock.recv_into(view[:room])
        self.used += count
        return count


class _Socket:
    """What http.client.HTTPResponse asks of a socket: a file to read."""

    def __init__(self, wire: _Wire) -> None:
        self.wire = wire

    def makefile(self, mode: str) -> io.BufferedReader:
        return io.BufferedReader(self.wire)


@dataclass(frozen=True)
class _Answer:
    aimed: str  # the URL requested (after --map), for relative redirects
    status: int
    headers: Mapping[str, str]
    body: bytes
    too_large: bool


@functools.cache
def _tls_context() -> ssl.SSLContext:
    return ssl.create_default_context()


def _split(url: str) -> SplitResult:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - a port that is no number raises here
    except ValueError:
        raise _Failure("地址不合规", refused=True) from None
    return parts


def _ascii_host(name: str | None) -> str:
    """The host name as sent to DNS and in the Host header (IDNA), or a failure."""
    if not name or len(name) > 253:
        raise _Failure("地址的主机名不合规", refused=True)
    if _is_ip(name):
        return name
    try:
        ascii_name = name.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise _Failure("地址的主机名不合规", refused=True) from None
    if not re.fullmatch(r"[a-z0-9_.-]+", ascii_name):
        raise _Failure("地址的主机名不合规", refused=True)
    return ascii_name


SPECIAL_USE = frozenset({"example", "invalid", "test", "localhost", "local"})


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _resolve(host: str, port: int, clock: _Clock) -> list[tuple[Any, ...]]:
    """getaddrinfo within the deadline (in a thread: the resolver has no time-out of ours).
    Special-use names (RFC 6761: ``.example``, ``.invalid``, ``.test``, ``localhost``) never
    exist on the Internet: they are not looked up at all (the demo's sites are ``.example``)."""
    if host.rstrip(".").lower().rpartition(".")[2] in SPECIAL_USE:
        raise socket.gaierror(socket.EAI_NONAME, "special-use domain name")
    found: dict[str, Any] = {}

    def look_up() -> None:
        try:
            found["addresses"] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as error:
            found["error"] = error

    worker = threading.Thread(target=look_up, daemon=True)
    worker.start()
    worker.join(clock.left())
    if worker.is_alive():
        raise TimeoutError
    if "error" in found:
        raise found["error"]
    return [a for a in found["addresses"] if a[0] in (socket.AF_INET, socket.AF_INET6)]


def _connect(addresses: list[tuple[Any, ...]], clock: _Clock) -> socket.socket:
    """A connection to one of ``addresses`` (the ones checked: no second look-up)."""
    if not addresses:
        raise socket.gaierror(socket.EAI_NONAME, "no address")
    last: OSError | None = None
    for family, kind, proto, _, address in addresses:
        sock = socket.socket(family, kind, proto)
        try:
            sock.settimeout(clock.left())
            sock.connect(address)
            return sock
        except OSError as error:
            sock.close()
            last = error
    assert last is not None
    raise last


def _exchange(url: str, mapping: Mapping[str, str], timeout: float, limit: int,
              budget: Budget) -> _Answer:
    """One GET of ``url`` (a filed address, aimed through ``mapping``): the checks, then the
    request. Raises _Failure."""
    parts = _split(url)
    if parts.scheme not in ("http", "https"):
        raise _Failure("这不是 http 或 https 地址，探测不访问", refused=True)
    host_is_mapped = (parts.hostname or "").lower() in mapping
    aimed = mapped(url, mapping)
    target = _split(aimed)
    host = _ascii_host(target.hostname)
    secure = target.scheme == "https"
    port = target.port or (443 if secure else 80)
    if budget.left <= 0:
        raise _Failure(f"这个网站的请求合计已超过 {budget.total:g} 秒，不再请求")
    start = time.monotonic()
    clock = _Clock(start + min(timeout, budget.left), timeout, budget, budget.left < timeout)
    try:
        addresses = _resolve(host, port, clock)
        if not host_is_mapped:  # an address given with --map is aimed at on purpose
            for address in addresses:
                ip = str(address[4][0])
                why = refused_address(ip)
                if why:
                    where = (f"这是{why}（{ip}）" if _is_ip(host)
                             else f"域名 {host} 解析到{why} {ip}")
                    raise _Failure(f"{where}，探测不访问本机、内网和保留地址", refused=True)
        sock = _connect(addresses, clock)
        try:
            if secure:
                sock.settimeout(clock.left())
                sock = _tls_context().wrap_socket(sock, server_hostname=host)
            return _ask(sock, aimed, target, host, port, clock, limit)
        finally:
            sock.close()
    except _Failure:
        raise
    except TimeoutError:  # socket.timeout is TimeoutError since Python 3.10
        raise _Failure(clock.late(), retry=True) from None
    except ssl.SSLCertVerificationError as error:
        raise _Failure(f"HTTPS 证书无法验证（{shown(str(error.verify_message))}）", "tls") from None
    except ssl.SSLError as error:
        raise _Failure(f"HTTPS 连接失败（{shown(str(error.reason or error))}）", "tls") from None
    except socket.gaierror:
        raise _Failure("找不到这个域名（域名解析失败）", retry=True) from None
    except ConnectionRefusedError:
        raise _Failure("连接被拒绝（服务器没有开放这个端口）", retry=True) from None
    except http.client.RemoteDisconnected:
        raise _Failure("服务器没有回答就断开了连接", retry=True) from None
    except ConnectionResetError:
        raise _Failure("连接被服务器重置", retry=True) from None
    except http.client.BadStatusLine as error:
        line = str(error.args[0] if error.args else "").strip()
        raise _Failure(f"回答不是 HTTP（第一行是“{shown(line, 60)}”）") from None
    except http.client.LineTooLong:
        raise _Failure("回答中有一行超过 64 KB（响应头或分块编码的一行）") from None
    except http.client.IncompleteRead:
        raise _Failure("回答的内容不完整，或分块编码（chunked）有误", retry=True) from None
    except http.client.UnknownProtocol as error:
        raise _Failure(f"回答的协议版本不认识（“{shown(str(error.args[0]), 40)}”）") from None
    except http.client.HTTPException as error:
        if "headers" in str(error):
            raise _Failure(f"响应头超过 {HEADER_COUNT} 个") from None
        raise _Failure("回答不符合 HTTP 规范") from None
    except _Overflow:
        if clock.answered:
            raise _Failure(f"回答的内容（连同分块编码）超过 {2 * limit // 1024 // 1024} MB") from None
        raise _Failure(f"响应头超过 {HEADER_LIMIT // 1024} KB") from None
    except (OSError, ValueError, UnicodeError, email.errors.MessageError) as error:
        # a reset connection, a malformed answer
        raise _Failure(f"连接中断（{shown(str(error) or type(error).__name__, 120)}）",
                       retry=True) from None
    finally:
        budget.left -= time.monotonic() - start


def _ask(sock: socket.socket, aimed: str, target: SplitResult, host: str, port: int,
         clock: _Clock, limit: int) -> _Answer:
    """Send the GET, read the status line and headers (bounded) and the body (bounded)."""
    path = quote(target.path or "/", safe=string.punctuation)
    if not path.startswith("/"):
        path = "/" + path
    if target.query:
        path += "?" + quote(target.query, safe=string.punctuation)
    name = f"[{host}]" if ":" in host else host
    default = 443 if target.scheme == "https" else 80
    request = (f"GET {path} HTTP/1.1\r\nHost: {name if port == default else f'{name}:{port}'}\r\n"
               f"User-Agent: {USER_AGENT}\r\nAccept: text/html,application/xhtml+xml,"
               "application/json,application/xml;q=0.9,*/*;q=0.5\r\n"
               "Accept-Language: zh-CN,zh;q=0.9\r\nAccept-Encoding: identity\r\n"
               "Connection: close\r\n\r\n")
    sock.settimeout(clock.left())
    sock.sendall(request.encode("ascii"))
    wire = _Wire(sock, clock, HEADER_LIMIT)
    answer = http.client.HTTPResponse(cast(socket.socket, _Socket(wire)), method="GET")
    try:
        answer.begin()
        clock.answered = True
        headers = {key.lower(): value for key, value in answer.getheaders()}
        status = answer.status
        if not 200 <= status < 300:
            return _Answer(aimed, status, headers, b"", False)
        wire.allowance = wire.used + 2 * limit + HEADER_LIMIT  # the body and its framing
        pieces: list[bytes] = []
        size = 0
        while size <= limit:
            piece = answer.read(min(64 * 1024, limit + 1 - size))
            if not piece:
                break
            pieces.append(piece)
            size += len(piece)
        body = b"".join(pieces)
        return _Answer(aimed, status, headers, body[:limit], len(body) > limit)
    finally:
        answer.close()


def fetch(url: str, mapping: Mapping[str, str], timeout: float, retries: int,
          limit: int = SIZE_LIMIT, budget: Budget | None = None) -> Response:
    """GET ``url`` (aimed through ``mapping``), retried on network errors and 5xx answers
    while the site's ``budget`` lasts."""
    budget = budget or Budget(SITE_TIMEOUT_FACTOR * timeout)
    attempt = 0
    while True:
        result = _fetch_once(url, mapping, timeout, limit, budget)
        if not result.retry or attempt >= retries or budget.left <= 0:
            return result
        attempt += 1
        time.sleep(0.5 * attempt)


def _fetch_once(url: str, mapping: Mapping[str, str], timeout: float, limit: int,
                budget: Budget) -> Response:
    """One GET and its redirects, each hop checked as the first request was."""
    seen: list[str] = []
    current = url
    while True:
        try:
            answer = _exchange(current, mapping, timeout, limit, budget)
        except _Failure as failure:
            rule = "redirect" if seen and failure.refused else failure.rule
            message = f"跳转到了 {shown(current)}，{failure.message}" if seen else failure.message
            return Response(current, None, {}, b"", message, rule, redirects=tuple(seen),
                            retry=failure.retry)
        location = answer.headers.get("location")
        if answer.status in REDIRECT_CODES and location:
            try:
                following = unmapped(urljoin(answer.aimed, location.strip()), mapping)
            except ValueError:
                return Response(current, answer.status, {}, b"",
                                f"跳转的目标地址不合规（“{shown(location, 120)}”）", "redirect",
                                redirects=tuple(seen))
            if following == url or following in seen:
                return Response(current, answer.status, {}, b"",
                                f"循环跳转（又跳回 {shown(following)}）", "redirect",
                                redirects=tuple(seen))
            if len(seen) >= MAX_REDIRECTS:
                return Response(current, answer.status, {}, b"",
                                f"跳转超过 {MAX_REDIRECTS} 次", "redirect", redirects=tuple(seen))
            seen.append(following)
            current = following
            continue
        if not 200 <= answer.status < 300:
            return Response(current, answer.status, {}, b"", f"服务器回答 HTTP {answer.status}",
                            redirects=tuple(seen), retry=answer.status >= 500)
        if answer.too_large:
            return Response(current, answer.status, answer.headers, answer.body,
                            f"页面超过 {limit // 1024 // 1024} MB，只读了前 {limit // 1024 // 1024} MB",
                            too_large=True, redirects=tuple(seen))
        return Response(current, answer.status, answer.headers, answer.body,
                        redirects=tuple(seen))


# The charsets a page may name: anything else (a codec name is a website's text: "punycode",
# "idna", "uu_codec"...) is never looked up, and the page is read as UTF-8.
CHARSETS = {"utf-8": "utf-8", "utf8": "utf-8", "us-ascii": "utf-8", "ascii": "utf-8",
            "gb18030": "gb18030", "gbk": "gb18030", "gb2312": "gb18030", "x-gbk": "gb18030",
            "cp936": "gb18030", "big5": "big5", "big5-hkscs": "big5hkscs"}


def text_of(response: Response) -> str:
    """The body as text: the charset the server or the page names when it is a known one,
    else UTF-8, else GB18030, else UTF-8 with replacement characters."""
    declared = re.search(r"charset=[\"']?([\w-]{1,40})", response.headers.get("content-type", ""))
    inline = re.search(rb"<meta[^>]{0,500}charset=[\"']?([\w-]{1,40})", response.body[:4096], re.I)
    named = ([declared.group(1)] if declared else []) + \
        ([inline.group(1).decode("ascii", "replace")] if inline else [])
    codecs = [CHARSETS[n.lower().replace("_", "-")] for n in named
              if n.lower().replace("_", "-") in CHARSETS]
    for codec in [*codecs, "utf-8", "gb18030"]:
        try:
            return response.body.decode(codec)
        except UnicodeDecodeError:
            continue
    return response.body.decode("utf-8", errors="replace")


class _Page(HTMLParser):
    """The links, images, scripts and frames of a page, and its feed and rel="me" links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.me: list[str] = []
        self.feeds: list[str] = []
        self.sources: list[str] = []  # script, iframe and img sources
        self.qr_images: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k.lower(): v or "" for k, v in attrs}
        rel = values.get("rel", "").lower().split()
        if tag in ("a", "link") and values.get("href"):
            if "me" in rel:
                self.me.append(values["href"])
            if tag == "link" and "alternate" in rel and re.search(
                    r"(rss|atom)\+xml", values.get("type", "")):
                self.feeds.append(values["href"])
            if tag == "a":
                self.links.append(values["href"])
        if tag in ("script", "iframe", "img") and values.get("src"):
            self.sources.append(values["src"])
            if tag == "img" and _QR_WORDS.search(" ".join(
                    (values["src"], values.get("alt", ""), values.get("title", "")))):
                self.qr_images.append(values["src"])


def parse(page: str) -> tuple[_Page, str | None]:
    """The page's links and sources; and, when the parser gives up on malformed HTML, where
    (in Chinese), what it found before that kept. ``close()`` is never called: on markup left
    open at the end (``<a`` repeated) it takes time quadratic in the page's size, and a tag
    without its ``>`` names nothing a browser would follow anyway."""
    parsed = _Page()
    try:
        parsed.feed(page)
    except Exception:  # noqa: BLE001 - html.parser raises AssertionError and others
        line, column = parsed.getpos()
        return parsed, f"第 {line} 行第 {column + 1} 列附近"
    return parsed, None


def _join(base: str, link: str) -> str | None:
    """``link`` made absolute, or None when it is no valid address (``http://[x``)."""
    try:
        return urljoin(base, link)
    except ValueError:
        return None


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower().removeprefix("www.")
    except ValueError:
        return ""


def _commercial(host: str) -> bool:
    return any(host == h or host.endswith("." + h) for h in COMMERCIAL_HOSTS)


def _date_of(value: str) -> date | None:
    try:
        return email.utils.parsedate_to_datetime(value.strip()).date()
    except (TypeError, ValueError, OverflowError, IndexError):
        return None


def _dates(text: str) -> list[date]:
    """Every date in a feed or sitemap: RSS (RFC 822) and Atom or sitemap (ISO 8601)."""
    found = [d for value in re.findall(r"<(?:pubDate|lastBuildDate)>([^<]{1,100})</", text)
             if (d := _date_of(value)) is not None]
    for value in re.findall(r"<(?:updated|published|lastmod)>\s*(\d{4}-\d{2}-\d{2})", text):
        try:
            found.append(date.fromisoformat(value))
        except ValueError:
            continue
    return found


def _icp_key(match: re.Match[str]) -> str:
    return f"{match.group(1)}ICP备{match.group(2)}号"


def _check_numbers(site: Site, account: Account, page: str) -> None:
    filed = account.website
    if filed and filed.icp:
        shown_icp = {_icp_key(m) for m in _ICP.finditer(page)}
        wanted = _ICP.search(filed.icp)
        key = _icp_key(wanted) if wanted else filed.icp
        if not shown_icp:
            site.add("icp", f"首页没有显示 ICP 备案号（备案中是 {filed.icp}）")
        elif key not in shown_icp:
            site.add("icp", f"首页显示的 ICP 备案号是 {_few(shown_icp)}，备案中是 {filed.icp}")
    if filed and filed.psb:
        shown_psb = {f"{m.group(1)}公网安备{m.group(2)}号" for m in _PSB.finditer(page)}
        wanted_psb = _PSB.search(filed.psb)
        key = f"{wanted_psb.group(1)}公网安备{wanted_psb.group(2)}号" if wanted_psb else filed.psb
        if shown_psb and key not in shown_psb:
            site.add("icp", f"首页显示的公安备案号是 {_few(shown_psb)}，备案中是 {filed.psb}")
        elif not shown_psb:
            site.add("icp", f"首页没有显示公安备案号（备案中是 {filed.psb}）")


def _few(items: Iterable[str], most: int = 20) -> str:
    """Some of a website's texts for a finding, sorted, each printable, at most ``most``."""
    ordered = sorted(set(items))
    text = "、".join(shown(item, 120) for item in ordered[:most])
    return text + (f" 等 {len(ordered)} 项" if len(ordered) > most else "")


def _check_content(site: Site, parsed: _Page, base: str, own: str,
                   official_hosts: frozenset[str]) -> None:
    absolute = [u for link in parsed.links + parsed.sources if (u := _join(base, link))]
    shops = {_host(u) for u in absolute if _commercial(_host(u))}
    if shops:
        site.add("ads", f"页面链接或嵌入了商业网站或广告：{_few(shops)}")
    images = [u for src in parsed.qr_images if (u := _join(base, src))]
    foreign = {host for host in map(_host, images)
               if host and host != own and host not in official_hosts
               and not any(host == h or host.endswith("." + h) for h in PLATFORM_IMAGE_HOSTS)}
    if foreign:
        site.add("ads", f"页面上有来自其他网站的二维码图片（{_few(foreign)}）：请确认不是商品或商业服务的二维码")


def _listed(site: Site, parsed: _Page, base: str,
            well_known: Response) -> list[tuple[str, str, str]] | None:
    """The accounts the site lists as its unit's, each (platform, account ID, profile address
    key), any part "" when unknown: its well-known list and rel="me" links; None when it
    lists none."""
    found: list[tuple[str, str, str]] = []
    listed_any = False
    if well_known.error is None and well_known.status == 200:
        try:
            data = json.loads(text_of(well_known))
            items = data.get("accounts") if isinstance(data, dict) else data
            if isinstance(items, list):
                listed_any = True
                found += [(str(i["platform"]), str(i["account_id"]), "") for i in items
                          if isinstance(i, dict) and "platform" in i and "account_id" in i]
        except (ValueError, AttributeError, RecursionError):  # deep nesting, huge numbers
            site.add("listing", f"{WELL_KNOWN} 不是有效的 JSON（格式见 docs/proof.md）")
    for link in parsed.me:
        listed_any = True
        absolute = _join(base, link)
        info = link_info(absolute) if absolute else None
        if info is not None:  # a profile link may name another ID (a Douyin sec_uid)
            found.append((info.platform or "", info.account_id or "", info.url))
    return found if listed_any else None


def probe_site(account: Account, registry: Registry, mapping: Mapping[str, str],
               timeout: float, retries: int, pause: float,
               official_hosts: frozenset[str], today: date,
               site_timeout: float | None = None) -> Site:
    """Probe one website filing: home page, list, feed or sitemap (one host, in turn), all
    its requests within ``site_timeout`` seconds (default: SITE_TIMEOUT_FACTOR × timeout)."""
    home = account.url if account.url and account.url.startswith("https://") \
        else f"https://{account.account_id}/"
    site = Site(account.file, home)
    budget = Budget(SITE_TIMEOUT_FACTOR * timeout if site_timeout is None else site_timeout)
    own = _host(home)
    answer = fetch(home, mapping, timeout, retries, budget=budget)
    if answer.error:
        site.add(answer.rule, f"{home}：{answer.error}")
        if not answer.too_large:
            return site
    site.reached = True
    final = answer.url
    if urlsplit(final).scheme == "http":
        site.add("redirect", f"{home} 跳转到了不加密的 http 地址 {shown(final)}")
    elif _host(final) != own:
        site.add("redirect", f"{home} 跳转到了另一个网站 {shown(final)}")
    page = text_of(answer)
    parsed, broken = parse(page)
    if broken:
        site.add("unreachable", f"{home}：首页的 HTML 无法解析（{broken}出错），"
                 "备案号以外的检查只看了出错之前的部分")
    _check_numbers(site, account, page)
    _check_content(site, parsed, final, own, official_hosts)
    time.sleep(pause)
    well_known = _fetch_more(site, urljoin(home, WELL_KNOWN), mapping, timeout, retries, budget)
    listed = _listed(site, parsed, final, well_known)
    if listed is not None:
        site.listed = [[p, i] if i else ["url", u] for p, i, u in listed]
        _compare_lists(site, account, registry, listed)
    _activity(site, answer, parsed, final, mapping, timeout, retries, pause, today, budget)
    return site


def _fetch_more(site: Site, url: str, mapping: Mapping[str, str], timeout: float,
                retries: int, budget: Budget) -> Response:
    """A request after the home page (the list, a feed, the sitemap): none once the site's
    budget is spent; a redirect the probe refuses is a finding, other failures are not."""
    if budget.left <= 0:
        return Response(url, None, {}, b"", "这个网站的请求时间已用完")
    answer = fetch(url, mapping, timeout, retries, budget=budget)
    if answer.error and answer.rule == "redirect":
        site.add("redirect", f"{shown(url)}：{answer.error}")
    return answer


def _compare_lists(site: Site, account: Account, registry: Registry,
                   listed: list[tuple[str, str, str]]) -> None:
    """An entry is a filed account when its ID or its profile address is one's."""
    by_key = {account_key(a.platform, a.account_id): a for a in registry.accounts}
    by_url = {info.url: a for a in registry.accounts if a.url and (info := link_info(a.url))}
    matched: set[str] = set()
    unknown = []
    for platform, account_id, url in listed:
        hit = (by_key.get(account_key(platform, account_id)) if platform and account_id
               else None) or by_url.get(url)
        if hit is not None:
            matched.add(hit.file)
        else:
            unknown.append(f"{platform}:{account_id}" if account_id else f"链接 {url}")
    if unknown:
        site.add("listed_not_filed", f"网站列为本单位账号、但登记库里没有备案：{_few(unknown)}")
    missing = sorted(f"{a.platform}:{a.account_id}" for a in registry.accounts
                     if a.unit == account.unit and a.active and a.file != account.file
                     and a.file not in matched)
    if missing:
        site.add("filed_not_listed", f"本单位已备案、但网站的账号清单没有列出：{'、'.join(missing)}")


def _activity(site: Site, home: Response, parsed: _Page, base: str, mapping: Mapping[str, str],
              timeout: float, retries: int, pause: float, today: date, budget: Budget) -> None:
    """The site's last update: its feed, else its sitemap, else Last-Modified."""
    feeds = [("feed", url) for feed in parsed.feeds[:1] if (url := _join(base, feed))]
    for source, url in [*feeds, ("sitemap", urljoin(base, "/sitemap.xml"))]:
        time.sleep(pause)
        answer = _fetch_more(site, url, mapping, timeout, retries, budget)
        if answer.error is None and answer.status == 200:
            dates = [d for d in _dates(text_of(answer)) if d <= today]
            if dates:
                site.last_update, site.last_update_source = max(dates).isoformat(), source
                return
    modified = home.headers.get("last-modified")
    if modified:
        day = _date_of(modified)
        if day is not None and day <= today:
            site.last_update, site.last_update_source = day.isoformat(), "header"


def websites(registry: Registry, top: str) -> list[Account]:
    return [a for a in registry.accounts if a.platform == "website" and a.active
            and within(a.unit, top)]


def probe(registry: Registry, top: str, mapping: Mapping[str, str], today: date,
          timeout: float = 10, retries: int = 2, pause: float = 1.0, workers: int = 4,
          progress: Callable[[int, int], None] | None = None,
          site_timeout: float | None = None) -> list[Site]:
    """Probe every active website filing of ``top``'s subtree, a few hosts at a time (one
    request at a time per host), in file order. A site's answers never stop the run: each
    becomes a finding for that site."""
    chosen = websites(registry, top)
    official = frozenset(_host(a.url) for a in registry.accounts if a.url)
    done: list[Site] = []
    lock = threading.Lock()

    def one(account: Account) -> Site:
        try:
            site = probe_site(account, registry, mapping, timeout, retries, pause, official,
                              today, site_timeout)
        except Exception as error:  # noqa: BLE001 - the last resort: the other sites go on
            site = Site(account.file, account.url or f"https://{account.account_id}/")
            site.add("unreachable", f"探测这个网站时出错（{type(error).__name__}），"
                     "没有完成检查；请把这条信息报告给登记库的维护者")
        with lock:
            done.append(site)
            if progress:
                progress(len(done), len(chosen))
        return site

    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(one, chosen))
    return results


def record(sites: Iterable[Site], today: date) -> str:
    """The probe record: what ``site-gen audit --probe`` reads."""
    return json.dumps({"probed_on": today.isoformat(), "sites": [vars(s) for s in sites]},
                      ensure_ascii=False, indent=1) + "\n"


def read_record(text: str) -> dict[str, Site]:
    """A probe record's sites by file (ValueError when it is not one)."""
    data = json.loads(text)
    if not isinstance(data, dict) or not isinstance(data.get("sites"), list):
        raise ValueError("不是 site-gen probe 写的记录")
    return {s["file"]: Site(**s) for s in data["sites"]}
