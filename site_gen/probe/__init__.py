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

import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from urllib.parse import urljoin, urlsplit

from ..identity import account_key
from ..model import Account, Registry, within
from ..platforms import link_info
from .client import (
    SITE_TIMEOUT_FACTOR,
    Budget,
    Response,
    fetch,
    mapped,
    refused_address,
    shown,
    text_of,
    unmapped,
)
from .pages import (
    WELL_KNOWN,
    Page,
    check_content,
    check_numbers,
    date_of,
    dates_in,
    few,
    host_of,
    join_link,
    listed_accounts,
    parse,
)
from .record import Site, read_record, record

__all__ = ["WELL_KNOWN", "Response", "Site", "fetch", "mapped", "parse", "probe", "probe_site",
           "read_record", "record", "refused_address", "shown", "text_of", "unmapped", "websites"]

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
    own = host_of(home)
    answer = fetch(home, mapping, timeout, retries, budget=budget)
    if answer.error:
        site.add(answer.rule, f"{home}：{answer.error}")
        if not answer.too_large:
            return site
    site.reached = True
    final = answer.url
    if urlsplit(final).scheme == "http":
        site.add("redirect", f"{home} 跳转到了不加密的 http 地址 {shown(final)}")
    elif host_of(final) != own:
        site.add("redirect", f"{home} 跳转到了另一个网站 {shown(final)}")
    page = text_of(answer)
    parsed, broken = parse(page)
    if broken:
        site.add("unreachable", f"{home}：首页的 HTML 无法解析（{broken}出错），"
                 "备案号以外的检查只看了出错之前的部分")
    check_numbers(site, account, page)
    check_content(site, parsed, final, own, official_hosts)
    time.sleep(pause)
    well_known = _fetch_more(site, urljoin(home, WELL_KNOWN), mapping, timeout, retries, budget)
    listed = listed_accounts(site, parsed, final, well_known)
    if listed is not None:
        site.listed = [[p, i] if i else ["url", u] for p, i, u in listed]  # record() cleans
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
        site.add("listed_not_filed", f"网站列为本单位账号、但登记库里没有备案：{few(unknown)}")
    missing = sorted(f"{a.platform}:{a.account_id}" for a in registry.accounts
                     if a.unit == account.unit and a.active and a.file != account.file
                     and a.file not in matched)
    if missing:
        site.add("filed_not_listed", f"本单位已备案、但网站的账号清单没有列出：{'、'.join(missing)}")


def _activity(site: Site, home: Response, parsed: Page, base: str, mapping: Mapping[str, str],
              timeout: float, retries: int, pause: float, today: date, budget: Budget) -> None:
    """The site's last update: its feed, else its sitemap, else Last-Modified."""
    feeds = [("feed", url) for feed in parsed.feeds[:1] if (url := join_link(base, feed))]
    for source, url in [*feeds, ("sitemap", urljoin(base, "/sitemap.xml"))]:
        time.sleep(pause)
        answer = _fetch_more(site, url, mapping, timeout, retries, budget)
        if answer.error is None and answer.status == 200:
            dates = [d for d in dates_in(text_of(answer)) if d <= today]
            if dates:
                site.last_update, site.last_update_source = max(dates).isoformat(), source
                return
    modified = home.headers.get("last-modified")
    if modified:
        day = date_of(modified)
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
    official = frozenset(host_of(a.url) for a in registry.accounts if a.url)
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


