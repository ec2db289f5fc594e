"""What the probe reads in a website's pages: ICP and 公安备案 numbers, shop links and foreign
QR images, the unit's list of its accounts, and dates of the last update.
"""

from __future__ import annotations

import email.errors
import email.utils
import json
import re
from collections.abc import Iterable
from datetime import date
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from ..model import Account
from ..platforms import link_info
from .client import Response, shown, text_of
from .record import Site

WELL_KNOWN = "/.well-known/edu-accounts.json"
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




class Page(HTMLParser):
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


def parse(page: str) -> tuple[Page, str | None]:
    """The page's links and sources; and, when the parser gives up on malformed HTML, where
    (in Chinese), what it found before that kept. ``close()`` is never called: on markup left
    open at the end (``<a`` repeated) it takes time quadratic in the page's size, and a tag
    without its ``>`` names nothing a browser would follow anyway."""
    parsed = Page()
    try:
        parsed.feed(page)
    except Exception:  # noqa: BLE001 - html.parser raises AssertionError and others
        line, column = parsed.getpos()
        return parsed, f"第 {line} 行第 {column + 1} 列附近"
    return parsed, None


def join_link(base: str, link: str) -> str | None:
    """``link`` made absolute, or None when it is no valid address (``http://[x``)."""
    try:
        return urljoin(base, link)
    except ValueError:
        return None


def host_of(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower().removeprefix("www.")
    except ValueError:
        return ""


def _commercial(host: str) -> bool:
    return any(host == h or host.endswith("." + h) for h in COMMERCIAL_HOSTS)


EARLIEST = date(1994, 1, 1)


def date_of(value: str) -> date | None:
    try:
        return email.utils.parsedate_to_datetime(value.strip()).date()
    except (TypeError, ValueError, OverflowError, IndexError):
        return None


def dates_in(text: str) -> list[date]:
    """Every date in a feed or sitemap: RSS (RFC 822) and Atom or sitemap (ISO 8601)."""
    found = [d for value in re.findall(r"<(?:pubDate|lastBuildDate)>([^<]{1,100})</", text)
             if (d := date_of(value)) is not None]
    for value in re.findall(r"<(?:updated|published|lastmod)>\s*(\d{4}-\d{2}-\d{2})", text):
        try:
            found.append(date.fromisoformat(value))
        except ValueError:
            continue
    # Dates before the Web came to China (0001-01-01, a placeholder) say nothing of activity.
    return [d for d in found if d >= EARLIEST]


def _icp_key(match: re.Match[str]) -> str:
    return f"{match.group(1)}ICP备{match.group(2)}号"


def check_numbers(site: Site, account: Account, page: str) -> None:
    filed = account.website
    if filed and filed.icp:
        shown_icp = {_icp_key(m) for m in _ICP.finditer(page)}
        wanted = _ICP.search(filed.icp)
        key = _icp_key(wanted) if wanted else filed.icp
        if not shown_icp:
            site.add("icp", f"首页没有显示 ICP 备案号（备案中是 {filed.icp}）")
        elif key not in shown_icp:
            site.add("icp", f"首页显示的 ICP 备案号是 {few(shown_icp)}，备案中是 {filed.icp}")
    if filed and filed.psb:
        shown_psb = {f"{m.group(1)}公网安备{m.group(2)}号" for m in _PSB.finditer(page)}
        wanted_psb = _PSB.search(filed.psb)
        key = f"{wanted_psb.group(1)}公网安备{wanted_psb.group(2)}号" if wanted_psb else filed.psb
        if shown_psb and key not in shown_psb:
            site.add("icp", f"首页显示的公安备案号是 {few(shown_psb)}，备案中是 {filed.psb}")
        elif not shown_psb:
            site.add("icp", f"首页没有显示公安备案号（备案中是 {filed.psb}）")


def few(items: Iterable[str], most: int = 20) -> str:
    """Some of a website's texts for a finding, sorted, each printable, at most ``most``."""
    ordered = sorted(set(items))
    text = "、".join(shown(item, 120) for item in ordered[:most])
    return text + (f" 等 {len(ordered)} 项" if len(ordered) > most else "")


def check_content(site: Site, parsed: Page, base: str, own: str,
                   official_hosts: frozenset[str]) -> None:
    absolute = [u for link in parsed.links + parsed.sources if (u := join_link(base, link))]
    shops = {host_of(u) for u in absolute if _commercial(host_of(u))}
    if shops:
        site.add("ads", f"页面链接或嵌入了商业网站或广告：{few(shops)}")
    images = [u for src in parsed.qr_images if (u := join_link(base, src))]
    foreign = {host for host in map(host_of, images)
               if host and host != own and host not in official_hosts
               and not any(host == h or host.endswith("." + h) for h in PLATFORM_IMAGE_HOSTS)}
    if foreign:
        site.add("ads", f"页面上有来自其他网站的二维码图片（{few(foreign)}）：请确认不是商品或商业服务的二维码")


def listed_accounts(site: Site, parsed: Page, base: str,
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
        absolute = join_link(base, link)
        info = link_info(absolute) if absolute else None
        if info is not None:  # a profile link may name another ID (a Douyin sec_uid)
            found.append((info.platform or "", info.account_id or "", info.url))
    return found if listed_any else None


