"""The portal's generated pages, made from the public view.

Every value is escaped by Jinja (autoescape, StrictUndefined). The home, directory,
counterfeits, statistics, notices and form pages are Markdown files of one raw HTML block
each (so Markdown never interprets a filer's text) that mkdocs puts in the theme's page
frame, styled by ``static/portal.css``; the verify page, the unit pages and the accounts'
pages are whole pages in the small frame (``templates/lean.html``, ``static/lean.css``).
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from .api import write_account_records
from .charts import bar_chart
from .feeds import REGISTRY_FEED, UNIT_FEED
from .identity import expected_file_name
from .labels import PLATFORMS
from .platforms import table
from .public import PublicAccount, PublicRegistry, PublicUnit, unit_href
from .qr import qr_svg
from .wording import page_table

_ENV = Environment(loader=PackageLoader("site_gen", "templates"),
                   autoescape=select_autoescape(default=True, default_for_string=True),
                   undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                   keep_trailing_newline=True)
_ENV.filters["http_only"] = lambda url: url if url and re.match(r"https?://", url) else None


def _json_script(value: Any) -> Markup:
    """JSON for a ``<script type="application/json">``, keys in their order (Jinja's
    ``tojson`` sorts them, and the form's field order is the schema's)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("'", "\\u0027")):
        text = text.replace(char, escaped)
    return Markup(text)  # noqa: S704 - every markup character is escaped above


_ENV.filters["json_script"] = _json_script
# Page titles reach the theme's <title> unescaped: keep markup characters out of them.
_TITLE_SAFE = str.maketrans({"<": "＜", ">": "＞", "&": "＆", '"': "＂", "'": "＇",
                             "\\": "＼", "{": "｛", "}": "｝"})


@dataclass(frozen=True)
class Counts:
    units: int
    active: int
    deregistered: int
    counterfeits: int
    suspended: int = 0  # 暂停使用: neither in use nor deregistered


def counts(public: PublicRegistry) -> Counts:
    tally = Counter(a.status for a in public.accounts)
    return Counts(len(public.units), tally["active"], tally["deregistered"],
                  len(public.counterfeits), tally["suspended"])


def _root(page_dir: str) -> str:
    return "../" * (page_dir.count("/") + 1) if page_dir else ""


def _page(title: str, html: str, searchable: bool = False) -> str:
    meta: dict[str, object] = {"title": title.translate(_TITLE_SAFE)}
    if not searchable:
        meta["search"] = {"exclude": True}  # filer text stays out of the theme's search
    front = "\n".join(f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in meta.items())
    return f"---\n{front}\n---\n\n{html.strip()}\n"


def verify_rules(site_url: str | None = None) -> dict[str, Any]:
    """What the verify page needs (embedded in the pages with the form): the platform table,
    the characters and spaces it cleans a query of, the wording of its answers, and the
    portal's own address (its a/<code>/ links name accounts)."""
    from . import characters
    from .lookup import sites_of

    rules = table()
    return {"find": {code: entry["find"] for code, entry in rules["ids"].items()},
            "ids": {code: [entry["pattern"], entry["flags"]] for code, entry in rules["ids"].items()},
            "labels": rules["labels"], "links": rules["links"], "subpaths": rules["subpaths"],
            "refused": characters.form_data()["value"], "spaces": characters.table()["whitespace"],
            "sites": list(sites_of(site_url)), "wording": page_table()}


def filing_config(forge: dict[str, str] | None, shards: int) -> dict[str, Any]:
    """Everything the filing form needs: the schema it is generated from, the messages of
    ``site-gen validate``, each platform's ID rule, the forge to file on."""
    from . import characters, names
    from .catalogue import RULES
    from .dates import EARLIEST
    from .labels import ENUM_LABELS
    from .loader import SIZE_LIMIT
    from .public import INTERNAL_FIELDS, INTERNAL_LANDMARK
    from .rules.fields import ACCOUNT_DATES, ACCOUNT_ORDER
    from .schemas import PRIVATE_VALUE, plain_schema

    return {
        "schema": plain_schema("account"), "labels": ENUM_LABELS,
        "platforms": PLATFORMS,
        "messages": {code: rule.template for code, rule in RULES.items()
                     if code.startswith(("E-SCHEMA-", "E-DATE-", "E-ACCOUNT-ID"))
                     or code in ("E-READ-CONTROL", "W-NAME-STYLE")},
        "characters": characters.form_data(), "private_value": PRIVATE_VALUE,
        "ids": {code: {k: entry[k] for k in ("pattern", "flags", "rule", "example", "find")}
                for code, entry in table()["ids"].items()},
        "internal": INTERNAL_FIELDS, "landmark": INTERNAL_LANDMARK,
        # The reviewers' record of how control was checked: never offered to filers.
        "reviewer_only": ["proof"],
        "size_limit": SIZE_LIMIT,
        # The same data and rules as the validator: site_gen/data/names.json, dates.py.
        "names": names.table(), "name_rule": "W-NAME-STYLE",
        "earliest_date": EARLIEST.isoformat(), "implausible": "E-DATE-IMPLAUSIBLE",
        "dates": [list(path) for path in ACCOUNT_DATES],
        "order": [list(pair) for pair in ACCOUNT_ORDER],
        "forge": forge, "shards": shards,
    }


def _render(template: str, page_dir: str, **values: object) -> str:
    return _ENV.get_template(template).render(root=_root(page_dir), **values)


def _tree(public: PublicRegistry, path: str, per_unit: Counter[str], page_dir: str) -> Markup:
    nodes = [{"unit": child, "count": per_unit[child.path],
              "children": _tree(public, child.path, per_unit, page_dir)}
             for child in public.children(path)]
    if not nodes:
        return Markup("")
    return Markup(_render("_tree.html", page_dir, nodes=nodes))


def _trail(public: PublicRegistry, unit: PublicUnit) -> list[PublicUnit]:
    trail = []
    parent = unit.parent
    while parent is not None:
        trail.append(public.units[parent])
        parent = public.units[parent].parent
    return trail[::-1]


def form_link(mode: str, account: PublicAccount) -> str:
    """The filing form for a change (change), a deregistration (deregister) or the annual
    review (review) of an account; the form reads its public part from the unit's
    ``accounts.json`` (``form_data``), so pages stay small."""
    return "file/?" + urlencode({"mode": mode, "unit": account.unit,
                                 "account": expected_file_name(account.platform, account.account_id)})


def form_data(public: PublicRegistry) -> Iterator[tuple[str, bytes]]:
    """Per unit with accounts, ``u/<unit>/accounts.json``: file name → the filing's public
    part (what the filing form is pre-filled with; never contacts, notes or inspections).
    Made one at a time as they are written (41 MB at province scale)."""
    for unit in public.units.values():
        accounts = public.accounts_of(unit.path)
        if accounts:
            data = {expected_file_name(a.platform, a.account_id): dict(a.form) for a in accounts}
            yield unit.href + "accounts.json", json.dumps(
                data, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")


def unit_page(public: PublicRegistry, unit: PublicUnit, site_name: str,
              site_url: str | None = None) -> tuple[str, str]:
    """(page folder, whole HTML page) of ``unit``'s page, in the small frame (lean.html)."""
    page_dir = unit.href.rstrip("/")
    address = site_url.rstrip("/") + "/" + unit.href if site_url else None
    # The root unit's subtree is the whole registry: its page links the registry's feed.
    feed = unit.href + UNIT_FEED if unit.path else REGISTRY_FEED
    html = _render("unit_page.html", page_dir, unit=unit, trail=_trail(public, unit),
                   form_link=form_link, accounts=public.accounts_of(unit.path),
                   children=public.children(unit.path), site_name=site_name,
                   demo=public.demo, address=address, feed=feed)
    return page_dir, html


def _statistics(public: PublicRegistry) -> str:
    tally: Counter[tuple[str, str]] = Counter((a.platform, a.status) for a in public.accounts)
    by_platform: list[dict[str, Any]] = [
        {"label": label, "active": tally[code, "active"], "suspended": tally[code, "suspended"],
         "deregistered": tally[code, "deregistered"]}
        for code, label in PLATFORMS.items()]
    root = next(iter(public.units.values()))
    tops = [root, *public.children(root.path)]
    # The root row counts only its own accounts (本级); the others their whole subtree.
    # One pass: each account counts for the top-level unit its path begins with.
    top_paths = {unit.path for unit in tops}
    per_top: Counter[tuple[str, str]] = Counter()
    for a in public.accounts:
        first = a.unit.split("/", 1)[0]  # "" for the root unit's own accounts
        if first in top_paths:
            per_top[first, a.status] += 1
    by_unit: list[dict[str, Any]] = [
        {"label": unit.name + ("（本级）" if unit is root else ""), "href": unit.href,
         "active": per_top[unit.path, "active"], "suspended": per_top[unit.path, "suspended"],
         "deregistered": per_top[unit.path, "deregistered"]}
        for unit in tops]
    return _render(
        "statistics.html", "statistics", counts=counts(public), by_platform=by_platform,
        by_unit=by_unit,
        platform_chart=bar_chart("各平台账号数", [
            (r["label"], r["active"] + r["suspended"], r["deregistered"]) for r in by_platform]),
        unit_chart=bar_chart("各单位账号数", [
            (r["label"], r["active"] + r["suspended"], r["deregistered"]) for r in by_unit]))


@dataclass(frozen=True)
class NoticedAccount:
    name: str
    platform: str
    unit: str
    href: str
    status: str  # as it is now: 在用, 暂停使用, 已注销
    code: str = ""  # the account's permanent code (its page a/<code>/; the feeds link it)


@dataclass(frozen=True)
class Notice:
    """A recorded 公开通报 (``_actions.yaml``): only what it published."""

    issued_on: str
    issuer: str
    number: str | None
    published_at: str
    reason: str | None
    accounts: tuple[NoticedAccount, ...]


def write_account_pages(site: Path, accounts: Sequence[PublicAccount], site_name: str,
                        site_url: str | None, demo: bool) -> int:
    """Write each account's permanent verification page (``a/<code>/index.html``): small, no
    script, with the 核验二维码 of its address when the portal's ``site_url`` is known.
    Returns how many were written. Pure, so that it can run in a worker process. The
    accounts' verify API records (``api``) are written here too."""
    template = _ENV.get_template("account.html")
    base = site_url.rstrip("/") + "/" if site_url else None
    for account in accounts:
        address = base + account.href if base else None
        qr = qr_svg(address, f"{account.name}的核验二维码") \
            if address and account.status != "deregistered" else None
        folder = site / account.href
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "index.html").write_text(template.render(
            root="../../", a=account, site_name=site_name, demo=demo,
            unit_href=unit_href(account.unit), address=address,
            qr=Markup(qr) if qr else None), "utf-8")  # noqa: S704 - our SVG, its label escaped
    write_account_records(site, accounts, site_url, demo)
    return len(accounts)


# A QR code costs about 2 ms: a province's 100,000 pages are made by worker processes while
# mkdocs renders the theme's pages on the main one.
ACCOUNT_PAGES_PARALLEL_FROM = 2000
ACCOUNT_PAGES_CHUNK = 1000


def start_account_pages(site: Path, accounts: Sequence[PublicAccount], site_name: str,
                        site_url: str | None, demo: bool) -> tuple[Callable[[], int],
                                                                   Callable[[], None]]:
    """Start writing the account pages; return (wait for them and count them, cancel).
    Below ``ACCOUNT_PAGES_PARALLEL_FROM`` accounts, or on one core, they are written when
    waited for."""
    if len(accounts) < ACCOUNT_PAGES_PARALLEL_FROM or (os.cpu_count() or 1) < 2:
        return (lambda: write_account_pages(site, accounts, site_name, site_url, demo),
                lambda: None)
    pool = ProcessPoolExecutor()
    futures = [pool.submit(write_account_pages, site, accounts[i:i + ACCOUNT_PAGES_CHUNK],
                           site_name, site_url, demo)
               for i in range(0, len(accounts), ACCOUNT_PAGES_CHUNK)]

    def finish() -> int:
        try:
            return sum(future.result() for future in futures)
        finally:
            pool.shutdown()

    return finish, lambda: pool.shutdown(cancel_futures=True)


def verify_page(shards: int, site_name: str, demo: bool, site_url: str | None = None) -> str:
    """The verify page as it is published (``verify/index.html``): the theme's page holds
    the same content for the site's search, but the answer should not wait for the
    theme's script bundle, search index and worker (templates/lean.html)."""
    return _render("verify_page.html", "verify", shards=shards, rules=verify_rules(site_url),
                   site_name=site_name, demo=demo)


def render_pages(public: PublicRegistry, shards: int, site_name: str, updated: str,
                 notices: tuple[str, list[Notice]] | None = None,
                 forge: dict[str, str] | None = None,
                 site_url: str | None = None) -> dict[str, str]:
    """Every generated page: path under docs/ → Markdown text. ``notices`` (as-of date and
    list) is given only when the registry publishes its 公开通报."""
    rules = verify_rules(site_url)
    per_unit: Counter[str] = Counter(a.unit for a in public.accounts)
    root_unit = public.units[""]  # a registry without its root unit does not build
    tree = Markup(_render("_tree.html", "directory", nodes=[{
        "unit": root_unit, "count": per_unit[""],
        "children": _tree(public, "", per_unit, "directory")}]))
    pages = {
        "index.md": _page(site_name, _render(
            "home.html", "", title=site_name, demo=public.demo, root_name=root_unit.name,
            counts=counts(public), shards=shards, notices=notices is not None, rules=rules,
            updated=updated),
            searchable=True),
        "verify/index.md": _page("核验账号", _render("verify.html", "verify", shards=shards,
                                                          rules=rules),
                                 searchable=True),
        "directory/index.md": _page("单位目录", _render(
            "directory.html", "directory", units=public.units, tree=tree)),
        "counterfeits/index.md": _page("假冒账号提醒", _render(
            "counterfeits.html", "counterfeits", fakes=public.counterfeits)),
        "statistics/index.md": _page("统计", _statistics(public)),
        "file/index.md": _page("备案、变更和注销", _render(
            "file.html", "file", config=filing_config(forge, shards), rules=rules)),
    }
    if notices is not None:
        pages["notices/index.md"] = _page("公开通报", _render(
            "notices.html", "notices", as_of=notices[0], notices=notices[1]))
    return pages
