"""The probe's HTTP client: only http(s), every address checked, bounded in time and size.

See the package's docstring (``site_gen.probe``) for what a website can and cannot make it do.
"""

from __future__ import annotations

import email.errors
import email.utils
import functools
import http.client
import io
import ipaddress
import re
import socket
import ssl
import string
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, cast
from urllib.parse import SplitResult, quote, urljoin, urlsplit, urlunsplit

from .. import __version__

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


def shown(text: str, limit: int = 200) -> str:
    """A website's text made safe to print in a finding: control, format (bidi) and other
    invisible characters escaped, at most ``limit`` characters."""
    text = "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in text[:limit + 1])
    return text if len(text) <= limit else text[:limit] + "…"
