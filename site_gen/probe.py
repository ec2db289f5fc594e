"""``site-gen probe``: fetch each filed website and compare what it says with its filing.

For every active website filing (docs/proof.md):

* the home page over HTTPS: TLS that does not verify, a redirect to plain http or to another
  host, no answer (time-out, refused, an HTTP error) or an answer larger than the size bound;
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
"""

from __future__ import annotations

import email.utils
import json
import re
import socket
import ssl
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

from . import __version__
from .identity import account_key
from .model import Account, Registry, within
from .platforms import link_info

WELL_KNOWN = "/.well-known/edu-accounts.json"
SIZE_LIMIT = 2 * 1024 * 1024
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
    tls: bool = False  # the error is the certificate or the TLS handshake
    too_large: bool = False
    redirects: tuple[str, ...] = ()


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


class _Redirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects (at most 5), aiming each at its mapped address and recording it."""

    max_redirections = 5

    def __init__(self, mapping: Mapping[str, str], seen: list[str]) -> None:
        self.mapping, self.seen = mapping, seen

    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any,
                         newurl: str) -> Any:
        shown = unmapped(newurl, self.mapping)
        self.seen.append(shown)
        return super().redirect_request(req, fp, code, msg, headers, mapped(shown, self.mapping))


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


def fetch(url: str, mapping: Mapping[str, str], timeout: float, retries: int,
          limit: int = SIZE_LIMIT) -> Response:
    """GET ``url`` (aimed through ``mapping``), retried on network errors and 5xx answers."""
    attempt = 0
    while True:
        result = _fetch_once(url, mapping, timeout, limit)
        retry = result.error is not None and not result.tls and not result.too_large and (
            result.status is None or result.status >= 500)
        if not retry or attempt >= retries:
            return result
        attempt += 1
        time.sleep(0.5 * attempt)


def _fetch_once(url: str, mapping: Mapping[str, str], timeout: float, limit: int) -> Response:
    seen: list[str] = []
    opener = urllib.request.build_opener(_Redirects(mapping, seen),
                                         urllib.request.HTTPSHandler(
                                             context=ssl.create_default_context()))
    request = urllib.request.Request(mapped(url, mapping), headers={
        "User-Agent": USER_AGENT, "Accept": "text/html,application/xhtml+xml,application/json,"
        "application/xml;q=0.9,*/*;q=0.5", "Accept-Language": "zh-CN,zh;q=0.9"})
    final = url
    try:
        with opener.open(request, timeout=timeout) as answer:
            final = seen[-1] if seen else url
            body = answer.read(limit + 1)
            headers = {k.lower(): v for k, v in answer.headers.items()}
            if len(body) > limit:
                return Response(final, answer.status, headers, body[:limit],
                                f"页面超过 {limit // 1024 // 1024} MB，只读了前 {limit // 1024 // 1024} MB",
                                too_large=True, redirects=tuple(seen))
            return Response(final, answer.status, headers, body, redirects=tuple(seen))
    except urllib.error.HTTPError as error:
        return Response(seen[-1] if seen else url, error.code, {}, b"",
                        f"服务器回答 HTTP {error.code}", redirects=tuple(seen))
    except urllib.error.URLError as error:
        reason = error.reason
        if isinstance(reason, ssl.SSLCertVerificationError):
            return Response(final, None, {}, b"", f"HTTPS 证书无法验证（{reason.verify_message}）",
                            tls=True, redirects=tuple(seen))
        if isinstance(reason, ssl.SSLError):
            return Response(final, None, {}, b"", f"HTTPS 连接失败（{reason.reason or reason}）",
                            tls=True, redirects=tuple(seen))
        if isinstance(reason, TimeoutError):
            return Response(final, None, {}, b"", f"{timeout:g} 秒内没有回答", redirects=tuple(seen))
        if isinstance(reason, socket.gaierror):
            return Response(final, None, {}, b"", "找不到这个域名（域名解析失败）", redirects=tuple(seen))
        if isinstance(reason, ConnectionRefusedError):
            return Response(final, None, {}, b"", "连接被拒绝（服务器没有开放这个端口）",
                            redirects=tuple(seen))
        return Response(final, None, {}, b"", f"无法连接（{reason}）", redirects=tuple(seen))
    except TimeoutError:  # socket.timeout is TimeoutError since Python 3.10
        return Response(final, None, {}, b"", f"{timeout:g} 秒内没有回答完", redirects=tuple(seen))
    except (OSError, ValueError) as error:  # a reset connection, a malformed answer
        return Response(final, None, {}, b"", f"连接中断（{error}）", redirects=tuple(seen))


def text_of(response: Response) -> str:
    """The body as text: the charset the server or the page names, else UTF-8, else GBK."""
    declared = re.search(r"charset=([\w-]+)", response.headers.get("content-type", ""))
    inline = re.search(rb"<meta[^>]+charset=[\"']?([\w-]+)", response.body[:4096], re.I)
    names = ([declared.group(1)] if declared else []) + \
        ([inline.group(1).decode("ascii")] if inline else []) + ["utf-8", "gb18030"]
    for name in names:
        try:
            return response.body.decode(name)
        except (LookupError, UnicodeDecodeError):
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


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower().removeprefix("www.")


def _commercial(host: str) -> bool:
    return any(host == h or host.endswith("." + h) for h in COMMERCIAL_HOSTS)


def _dates(text: str) -> list[date]:
    """Every date in a feed or sitemap: RSS (RFC 822) and Atom or sitemap (ISO 8601)."""
    found = []
    for value in re.findall(r"<(?:pubDate|lastBuildDate)>([^<]+)</", text):
        try:
            found.append(email.utils.parsedate_to_datetime(value.strip()).date())
        except (TypeError, ValueError):
            continue
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
        shown = {_icp_key(m) for m in _ICP.finditer(page)}
        wanted = _ICP.search(filed.icp)
        key = _icp_key(wanted) if wanted else filed.icp
        if not shown:
            site.add("icp", f"首页没有显示 ICP 备案号（备案中是 {filed.icp}）")
        elif key not in shown:
            site.add("icp", f"首页显示的 ICP 备案号是 {'、'.join(sorted(shown))}，备案中是 {filed.icp}")
    if filed and filed.psb:
        shown = {f"{m.group(1)}公网安备{m.group(2)}号" for m in _PSB.finditer(page)}
        wanted_psb = _PSB.search(filed.psb)
        key = f"{wanted_psb.group(1)}公网安备{wanted_psb.group(2)}号" if wanted_psb else filed.psb
        if shown and key not in shown:
            site.add("icp", f"首页显示的公安备案号是 {'、'.join(sorted(shown))}，备案中是 {filed.psb}")
        elif not shown:
            site.add("icp", f"首页没有显示公安备案号（备案中是 {filed.psb}）")


def _check_content(site: Site, parsed: _Page, base: str, own: str,
                   official_hosts: frozenset[str]) -> None:
    absolute = [urljoin(base, link) for link in parsed.links + parsed.sources]
    shops = sorted({_host(u) for u in absolute if _commercial(_host(u))})
    if shops:
        site.add("ads", f"页面链接或嵌入了商业网站或广告：{'、'.join(shops)}")
    foreign = sorted(host for host in {_host(urljoin(base, src)) for src in parsed.qr_images}
                     if host and host != own and host not in official_hosts
                     and not any(host == h or host.endswith("." + h) for h in PLATFORM_IMAGE_HOSTS))
    if foreign:
        site.add("ads", f"页面上有来自其他网站的二维码图片（{'、'.join(foreign)}）：请确认不是商品或商业服务的二维码")


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
        except (json.JSONDecodeError, AttributeError):
            site.add("listing", f"{WELL_KNOWN} 不是有效的 JSON（格式见 docs/proof.md）")
    for link in parsed.me:
        listed_any = True
        info = link_info(urljoin(base, link))
        if info is not None:  # a profile link may name another ID (a Douyin sec_uid)
            found.append((info.platform or "", info.account_id or "", info.url))
    return found if listed_any else None


def probe_site(account: Account, registry: Registry, mapping: Mapping[str, str],
               timeout: float, retries: int, pause: float,
               official_hosts: frozenset[str], today: date) -> Site:
    """Probe one website filing: home page, list, feed or sitemap (one host, in turn)."""
    home = account.url if account.url and account.url.startswith("https://") \
        else f"https://{account.account_id}/"
    site = Site(account.file, home)
    own = _host(home)
    answer = fetch(home, mapping, timeout, retries)
    if answer.error:
        site.add("tls" if answer.tls else "unreachable", f"{home}：{answer.error}")
        if not answer.too_large:
            return site
    site.reached = True
    final = answer.url
    if urlsplit(final).scheme == "http":
        site.add("redirect", f"{home} 跳转到了不加密的 http 地址 {final}")
    elif _host(final) != own:
        site.add("redirect", f"{home} 跳转到了另一个网站 {final}")
    page = text_of(answer)
    parsed = _Page()
    parsed.feed(page)
    _check_numbers(site, account, page)
    _check_content(site, parsed, final, own, official_hosts)
    time.sleep(pause)
    well_known = fetch(urljoin(home, WELL_KNOWN), mapping, timeout, retries)
    listed = _listed(site, parsed, final, well_known)
    if listed is not None:
        site.listed = [[p, i] if i else ["url", u] for p, i, u in listed]
        _compare_lists(site, account, registry, listed)
    _activity(site, answer, parsed, final, mapping, timeout, retries, pause, today)
    return site


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
        site.add("listed_not_filed", f"网站列为本单位账号、但登记库里没有备案：{'、'.join(sorted(unknown))}")
    missing = sorted(f"{a.platform}:{a.account_id}" for a in registry.accounts
                     if a.unit == account.unit and a.active and a.file != account.file
                     and a.file not in matched)
    if missing:
        site.add("filed_not_listed", f"本单位已备案、但网站的账号清单没有列出：{'、'.join(missing)}")


def _activity(site: Site, home: Response, parsed: _Page, base: str, mapping: Mapping[str, str],
              timeout: float, retries: int, pause: float, today: date) -> None:
    """The site's last update: its feed, else its sitemap, else Last-Modified."""
    for source, url in [("feed", urljoin(base, feed)) for feed in parsed.feeds[:1]] + [
            ("sitemap", urljoin(base, "/sitemap.xml"))]:
        time.sleep(pause)
        answer = fetch(url, mapping, timeout, retries)
        if answer.error is None and answer.status == 200:
            dates = [d for d in _dates(text_of(answer)) if d <= today]
            if dates:
                site.last_update, site.last_update_source = max(dates).isoformat(), source
                return
    modified = home.headers.get("last-modified")
    if modified:
        try:
            day = email.utils.parsedate_to_datetime(modified).date()
        except (TypeError, ValueError):
            return
        if day <= today:
            site.last_update, site.last_update_source = day.isoformat(), "header"


def websites(registry: Registry, top: str) -> list[Account]:
    return [a for a in registry.accounts if a.platform == "website" and a.active
            and within(a.unit, top)]


def probe(registry: Registry, top: str, mapping: Mapping[str, str], today: date,
          timeout: float = 10, retries: int = 2, pause: float = 1.0, workers: int = 4,
          progress: Callable[[int, int], None] | None = None) -> list[Site]:
    """Probe every active website filing of ``top``'s subtree, a few hosts at a time (one
    request at a time per host), in file order."""
    chosen = websites(registry, top)
    official = frozenset(_host(a.url) for a in registry.accounts if a.url)
    done: list[Site] = []
    lock = threading.Lock()

    def one(account: Account) -> Site:
        site = probe_site(account, registry, mapping, timeout, retries, pause, official, today)
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
