"""Atom feeds (RFC 4287) of filing events, for platforms and the public to subscribe to
(seed 002: 将相关变更信息及时向社会公告).

- ``feeds/registry.atom``: the whole registry, the newest ``REGISTRY_ENTRIES`` events;
- ``u/<unit>/feed.atom`` (beside the unit's ``accounts.json``): the accounts of the unit and of
  every unit below it, the newest ``UNIT_ENTRIES``. The root unit has none of its own: its
  subtree is the registry, whose feed its page links.

An event is 开设 or 开设（恢复）, 变更, 暂停使用, 恢复使用 or 注销 of an account, from its public
history (``PublicAccount.history``: a 变更 there is already only one the public sees,
``public.public_registry``), or a recorded 公开通报 naming accounts (``build._notices``, only
when the registry publishes them). Built from the public view alone: no contacts, and no
authors (they are people). Dated by the events themselves, never by the build's clock, so two
builds of the same registry are the same; each entry's ``id`` is the same in every build
(``entry_id``). Every value is written by an XML writer, which escapes it (``_Writer``).
"""

from __future__ import annotations

import io
import re
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from xml.sax.saxutils import XMLGenerator

from .history import HISTORY_TYPES, REOPEN_LABEL, HistoryEvent
from .labels import STATUSES
from .public import PublicAccount, PublicRegistry

if TYPE_CHECKING:  # portal links the feeds (REGISTRY_FEED, UNIT_FEED)
    from .portal import Notice

REGISTRY_FEED = "feeds/registry.atom"
UNIT_FEED = "feed.atom"  # in the unit's folder, u/<unit>/
# A province (100,000 accounts) files about a hundred events a day: 1,000 are a week or two,
# so a platform that polls daily misses nothing; a district's 100 are months, a school's its
# whole history. Older events stay in the open data (data/registry.json: each history).
REGISTRY_ENTRIES = 1000
UNIT_ENTRIES = 100

ATOM = "http://www.w3.org/2005/Atom"
# Entry and feed ids are name-based UUIDs (RFC 4122 version 5) in this namespace.
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "site-gen:feeds")
# Atom's entry categories (``term``) and their words; 暂停使用 and 恢复使用 as the forms say a
# change of status (``spreadsheets.rows``).
KINDS = {"open": HISTORY_TYPES["open"], "reopen": REOPEN_LABEL, "change": HISTORY_TYPES["change"],
         "suspend": STATUSES["suspended"], "resume": "恢复使用",
         "deregister": HISTORY_TYPES["deregister"], "notice": "公开通报"}
_LEFT = {"open": "active", "reopen": "active", "suspend": "suspended", "resume": "active",
         "deregister": "deregistered"}  # the status each kind leaves (a 变更 keeps it)
# Never in XML 1.0, whatever a filing holds (the loader refuses them already).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True, slots=True)
class AccountEvent:
    date: str
    kind: str  # a key of KINDS
    account: PublicAccount
    commit: str | None
    status: str  # the account's status as the event left it


@dataclass(frozen=True, slots=True)
class NoticeEvent:
    date: str
    notice: Notice
    accounts: tuple[PublicAccount, ...]
    id: str


def _kind(event: HistoryEvent) -> str:
    if event.type == "open":
        return "reopen" if event.reopen else "open"
    if event.type == "change":
        return {"suspended": "suspend", "active": "resume"}.get(event.status or "", "change")
    return event.type


def account_events(account: PublicAccount) -> list[AccountEvent]:
    """The account's events in its history's order. A suspended account whose history holds
    no suspension (filed already suspended, or a registry outside Git) gets its 暂停使用
    from the filing's own ``suspended_on``, as a deregistration older than the history gets
    its date from ``deregistered_on`` (``history.account_history``)."""
    found, status = [], "active"
    for event in account.history:
        kind = _kind(event)
        status = _LEFT.get(kind, status)
        # Dated by the day it reached the registry: a filing entered late (补录) is news then.
        found.append(AccountEvent(event.merged_on or event.date, kind, account, event.commit,
                                  status))
    if account.status == "suspended" and status != "suspended" and account.suspended_on:
        found.append(AccountEvent(account.suspended_on, "suspend", account, None, "suspended"))
    return found


def _uuid(*parts: str) -> str:
    name = "\n".join(parts)
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, name)}"


def entry_id(code: str, kind: str, date: str, commit: str | None) -> str:
    """An account event's id: the same event (account, kind, day, commit) has it in every
    build and every feed."""
    return _uuid("account", code, kind, date, commit or "")


def _notice_events(notices: Sequence[Notice],
                   by_code: dict[str, PublicAccount]) -> list[NoticeEvent]:
    found, taken = [], set()
    for notice in notices:
        named = tuple(by_code[a.code] for a in notice.accounts if a.code in by_code)
        if not named:
            continue
        key = ["notice", notice.issued_on, notice.number or "", *sorted(a.code for a in named)]
        event_id = _uuid(*key)
        while event_id in taken:  # the same day, number and accounts twice: told apart in order
            key.append("+")
            event_id = _uuid(*key)
        taken.add(event_id)
        found.append(NoticeEvent(notice.issued_on, notice, named, event_id))
    return found


class _Writer:
    """XML written by the standard library's SAX writer, which escapes every text and
    attribute (twice as fast as ElementTree here, and a province has ~120,000 entries);
    characters XML cannot hold at all are replaced (the loader refuses them already)."""

    def __init__(self) -> None:
        self.out = io.StringIO()
        self.xml = XMLGenerator(self.out, "utf-8", short_empty_elements=True)

    def start(self, tag: str, **attributes: str) -> None:
        self.xml.startElement(tag, attributes)  # type: ignore[arg-type]  # a mapping will do

    def end(self, tag: str) -> None:
        self.xml.endElement(tag)

    def element(self, tag: str, text: str | None = None, **attributes: str) -> None:
        self.start(tag, **attributes)
        if text is not None:
            self.xml.characters(text)
        self.end(tag)

    def take(self) -> bytes:
        """What was written since the last ``take``."""
        text = self.out.getvalue()
        self.out.seek(0)
        self.out.truncate()
        return _NOT_XML.sub("\ufffd", text).encode("utf-8")


def _stamp(day: str) -> str:
    return f"{day}T00:00:00+08:00"  # a day in Beijing, as every date of the registry


def _named(a: PublicAccount) -> str:
    return f"{a.platform_label}「{a.name}」"


def _entry(w: _Writer, event: AccountEvent | NoticeEvent, base: str) -> bytes:
    """One ``<entry>`` (in the feed's default namespace), the same in every feed."""
    w.start("entry")
    if isinstance(event, AccountEvent):
        a = event.account
        w.element("id", entry_id(a.code, event.kind, event.date, event.commit))
        w.element("title", f"{KINDS[event.kind]}：{a.unit_name} {_named(a)}")
        w.element("updated", _stamp(event.date))
        w.element("link", rel="alternate", href=base + a.href)
        w.element("category", term=event.kind)
        w.element("summary", f"平台：{a.platform_label}；账号 ID：{a.account_id}；"
                             f"开设单位：{a.unit_name}；状态：{STATUSES[event.status]}")
        w.end("entry")
        return w.take()
    n, first = event.notice, event.accounts[0]
    more = f"等 {len(event.accounts)} 个账号" if len(event.accounts) > 1 else ""
    w.element("id", event.id)
    w.element("title", f"{KINDS['notice']}：{first.unit_name} {_named(first)}{more}"
                       f"（{n.issuer}{' ' + n.number if n.number else ''}）")
    w.element("updated", _stamp(event.date))
    w.element("link", rel="alternate", href=base + "notices/")
    for a in event.accounts:
        w.element("link", rel="related", href=base + a.href, title=_named(a))
    if re.match(r"https?://", n.published_at):
        w.element("link", rel="via", href=n.published_at)
    w.element("category", term="notice")
    named = "；".join(f"{_named(a)}（{a.unit_name}，账号 ID：{a.account_id}）"
                     for a in event.accounts)
    w.element("summary", "".join((
        f"{n.issuer}于 {n.issued_on} 公开通报", f"（{n.number}）" if n.number else "",
        f"，事由：{n.reason}" if n.reason else "", f"。被通报的账号：{named}。",
        f"发布位置：{n.published_at}。" if n.published_at else "")))
    w.end("entry")
    return w.take()


@dataclass(frozen=True)
class _Feed:
    path: str  # under the site's root
    title: str
    subtitle: str
    id: str
    page: str  # the page it is the feed of, under the site's root ("" for the home page)


def _document(w: _Writer, feed: _Feed, base: str, author: str, updated: str,
              entries: Iterable[bytes]) -> bytes:
    attributes = {"xmlns": ATOM, "xml:lang": "zh-CN"}
    if not base:  # relative addresses, resolved from the site's root: where this file is, up
        attributes["xml:base"] = "../" * feed.path.count("/")
    w.start("feed", **attributes)
    w.element("id", feed.id)
    w.element("title", feed.title)
    w.element("subtitle", feed.subtitle)
    w.element("updated", _stamp(updated))
    w.element("link", rel="self", type="application/atom+xml", href=base + feed.path)
    w.element("link", rel="alternate", type="text/html", href=base + feed.page or "./")
    w.start("author")
    w.element("name", author)
    w.end("author")
    head = w.take()
    # The entries, each made once for all the feeds it is in, then the closing tag.
    return b"\n".join((b'<?xml version="1.0" encoding="utf-8"?>', head, *entries, b"</feed>\n"))


def _subtrees(public: PublicRegistry, events: Sequence[AccountEvent | NoticeEvent],
              cap: int) -> dict[str, list[int]]:
    """For every unit but the root, the indexes (in ``events``, newest first) of the newest
    ``cap`` events of its subtree. Each event goes to its units' feeds and those above them
    until one is full; a feed above a full one is full too (it has every event of the one
    below, in the same order), so the walk stops there: an event costs at most its depth."""
    above: dict[str, tuple[str, ...]] = {}

    def chain(path: str) -> tuple[str, ...]:
        if path not in above:
            parent = public.units[path].parent
            above[path] = (path, *chain(parent)) if path and parent is not None else ()
        return above[path]

    chosen: dict[str, list[int]] = {path: [] for path in public.units if path}
    for index, event in enumerate(events):
        named = (event.account.unit,) if isinstance(event, AccountEvent) else \
            tuple(dict.fromkeys(a.unit for a in event.accounts))
        for unit in named:
            for path in chain(unit):
                picked = chosen[path]
                if len(picked) >= cap or (picked and picked[-1] == index):
                    break
                picked.append(index)
    return chosen


def feed_files(public: PublicRegistry, notices: Sequence[Notice], site_name: str,
               site_url: str | None, today: str, registry_entries: int = REGISTRY_ENTRIES,
               unit_entries: int = UNIT_ENTRIES) -> tuple[
                   dict[str, bytes], Callable[[], Iterator[tuple[str, bytes]]]]:
    """(the registry's feed, every unit's feed but the root's), each by its path under the
    site; the unit feeds (66 MB at province scale) are made one at a time as they are
    written, each time the returned function is called. Links are absolute when the portal's address (``site_url``) is known, else relative
    to the site's root with an ``xml:base`` leading there. A feed with no events is dated by
    the registry's newest event (``today`` when the registry has none)."""
    base = site_url.rstrip("/") + "/" if site_url else ""
    # Newest first; the sort is stable, so one day keeps this order: each account's events
    # newest first, accounts in the registry's order, then the notices.
    events: list[AccountEvent | NoticeEvent] = [
        e for account in public.accounts for e in reversed(account_events(account))]
    events += _notice_events(notices, {a.code: a for a in public.accounts})
    events.sort(key=lambda e: e.date, reverse=True)
    top = range(min(registry_entries, len(events)))
    chosen = _subtrees(public, events, unit_entries)
    # Each entry is made once, and kept only until the last feed it is in is written.
    uses = Counter(index for picked in chosen.values() for index in picked)
    uses.update(top)
    made: dict[int, bytes] = {}
    w = _Writer()

    def entries(indexes: Iterable[int]) -> Iterable[bytes]:
        for index in indexes:
            entry = made.pop(index, None) or _entry(w, events[index], base)
            uses[index] -= 1
            if uses[index]:
                made[index] = entry
            yield entry

    root = public.units[""]
    newest = events[0].date if events else today
    kinds = "开设、变更、暂停使用、恢复使用、注销和公开通报"
    registry = _Feed(REGISTRY_FEED, f"{site_name}：备案动态",
                     f"{root.name}及下属单位的新媒体账号{kinds}，最近 {registry_entries} 条。",
                     _uuid("feed", root.name), "")
    files = {REGISTRY_FEED: _document(w, registry, base, root.name, newest, entries(top))}

    def unit_feeds() -> Iterator[tuple[str, bytes]]:
        for path, picked in chosen.items():
            unit = public.units[path]
            whose = f"{unit.name}及下级单位" if public.children(path) else unit.name
            feed = _Feed(unit.href + UNIT_FEED, f"{unit.name}：账号备案动态",
                         f"{whose}的新媒体账号{kinds}，最近 {unit_entries} 条。",
                         _uuid("feed", root.name, path), unit.href)
            yield feed.path, _document(w, feed, base, root.name,
                                       events[picked[0]].date if picked else newest,
                                       entries(picked))

    return files, unit_feeds
