"""What an account ID looks like on each platform, and which links carry one.

The rules are data (``data/platforms.json``) because the verify page runs them too: the
build embeds the same table in the page, and ``site_gen/static/verify.js`` mirrors the
functions below. ``tests/cases/lookup.yaml`` checks that both read it alike.

Text is cleaned before anything else, alike on both sides (``query_text``): the invisible
characters of ``data/characters.json`` removed, NFKC (full-width letters, digits, colons
and dots become ASCII), its whitespace one space. Links are found with their host written
in any script and with ideographic dots (``jyj.shili.example。pay-cn.com``), and parsed by
the WHATWG URL standard — ada-url here, the browser's ``URL`` in the page — so that the
host is the one a browser would visit. A link is split into host (without ``www.`` and
``m.``), path (without trailing slash) and query; its *key* is host and path.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any
from urllib.parse import parse_qs

from ada_url import URL

from . import characters
from .identity import fold

_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
_HOSTLIKE = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)+(:[0-9]+)?(/|$)", re.IGNORECASE)
_URL_CHARS = re.compile(r"^[a-z0-9._~:/?#@!$&'*+,;=%()\[\]-]+$", re.IGNORECASE)
TRAILING = ".,;:!?)]}'"


@dataclass(frozen=True)
class IdRule:
    pattern: re.Pattern[str]
    rule: str  # what the ID looks like, in Chinese
    example: str
    find: str  # where a member of the public finds it


@dataclass(frozen=True)
class LinkInfo:
    """What one link says: its key, host, and the account it names (if it names one)."""

    url: str  # url key, lower case: host + path (or host + the parameter naming the account)
    host: str
    platform: str | None = None
    account_id: str | None = None  # as written (a Douyin sec_uid is case-sensitive)
    share: str | None = None  # a link to a post or a short link: what it is, in Chinese
    how: str | None = None  # and how to reach the account from it


@cache
def table() -> dict[str, Any]:
    """The raw table, as shipped (also embedded in the verify page)."""
    text = resources.files("site_gen").joinpath("data/platforms.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@cache
def id_rules() -> dict[str, IdRule]:
    rules = {}
    for platform, entry in table()["ids"].items():
        flags = re.IGNORECASE if "i" in entry["flags"] else 0
        rules[platform] = IdRule(re.compile(entry["pattern"], flags), entry["rule"],
                                 entry["example"], entry["find"])
    return rules


@cache
def _links() -> list[tuple[dict[str, Any], re.Pattern[str] | None]]:
    return [(entry, re.compile(entry["path"]) if "path" in entry else None)
            for entry in table()["links"]]


def normal(text: str) -> str:
    """NFKC and trimmed, case kept: full-width letters, digits and colons become ASCII."""
    return unicodedata.normalize("NFKC", text).strip()


def _refused() -> re.Pattern[str]:
    return characters.pattern(True)


@cache
def _spaces() -> re.Pattern[str]:
    return re.compile("[" + characters.table()["whitespace"] + "]+")


def query_text(text: str) -> str:
    """A pasted text as both sides read it: refused invisible characters removed, NFKC,
    each run of whitespace one space, trimmed (case kept)."""
    return _spaces().sub(" ", unicodedata.normalize("NFKC", _refused().sub("", text))).strip(" ")


def lowered(text: str) -> str:
    """Lower case, one character for one (a character whose lower case is longer stays as
    it is), so that positions in the text and in its lower case agree on both sides."""
    return "".join(low if len(low) == 1 else char for char in text for low in (char.lower(),))


# A link in a text: a scheme (with any user info, which the URL standard drops), or a bare
# host followed by a path. A host label is letters and digits of any script and hyphens;
# labels are joined by "." or the ideographic full stop, which browsers read as a dot.
_LABEL = r"(?:[^\W_]|[-%])+"  # % too: an encoded dot (%2e) is a dot to the browser
_HOST = _LABEL + r"(?:[.\u3002]+" + _LABEL + r")+"
_AFTER = r"[A-Za-z0-9._~:/?#@!$&*+,;=%()\[\]\\-]*"  # ASCII: a path ends at any other character
LINK_PATTERN = (r"[A-Za-z][A-Za-z0-9+.-]*://(?:[^ /?#@]*@)?" + _HOST + r"(?::[0-9]{1,5})?(?:[/?#\\]"
                + _AFTER + ")?" + "|" + _HOST + r"(?::[0-9]{1,5})?[/?#]" + _AFTER)
_LINK = re.compile(LINK_PATTERN)
_HAS_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)


def link_spans(text: str) -> list[tuple[int, int]]:
    """Where the links of a ``query_text`` are, without trailing punctuation."""
    found = []
    for match in _LINK.finditer(text):
        end = match.end()
        while end > match.start() and text[end - 1] in TRAILING:
            end -= 1
        found.append((match.start(), end))
    return found


@dataclass(frozen=True)
class Parts:
    """A link as the URL standard parses it: what a browser would open."""

    scheme: str
    host: str  # ASCII (IDNA, punycode), lower case, without a trailing dot
    path: str  # lower case, without a trailing slash ("" for the root)
    query: str  # without "?"
    written: str = ""  # the path as written (an ID is read from it: a sec_uid keeps its case)


def url_parts(link: str) -> Parts | None:
    """The parts of a link (one without a scheme is read as http), or None when the URL
    standard refuses it."""
    href = link if _HAS_SCHEME.match(link) else "http://" + link
    try:
        url = URL(href)
    except ValueError:
        return None
    written = url.pathname.rstrip("/")
    return Parts(url.protocol.rstrip(":"), url.hostname.rstrip(".").lower(), written.lower(),
                 url.search.removeprefix("?"), written)


def looks_like_link(folded: str) -> bool:
    return bool(_SCHEME.match(folded) or _HOSTLIKE.match(folded))


def url_chars_only(folded: str) -> bool:
    return folded.isascii() and bool(_URL_CHARS.match(folded))


def _query_value(query: str, name: str) -> str | None:
    """The one value of a parameter; None when it is missing or given twice differently (a
    link that names two accounts names none)."""
    values = {v for key, found in parse_qs(query).items() if key.lower() == name for v in found}
    return values.pop() if len(values) == 1 else None


def link_info(link: str) -> LinkInfo | None:
    """The key of a link and the account it names, or None if it is no link."""
    if not looks_like_link(link):
        return None
    parts = url_parts(link)
    return None if parts is None else info_of(parts)


def platform_host(host: str) -> str:
    """A host as the link rules name it: without ``www.`` and ``m.``."""
    for prefix in ("www.", "m."):
        host = host.removeprefix(prefix)
    return host


def info_of(parts: Parts) -> LinkInfo:
    """What a parsed link says: its key, and the account its platform's rules read from it
    (only on that platform's own hosts and paths; a query parameter only where that platform
    names accounts by it). A view of an account (``/posts``, ``/dynamic``) is the account."""
    host = platform_host(parts.host)
    path, written = parts.path, parts.written or parts.path
    found = _rules_of(host, path, written, parts.query)
    while found is None and path.rpartition("/")[2] in table()["subpaths"]:
        path, written = path.rpartition("/")[0], written[:len(path.rpartition("/")[0])]
        found = _rules_of(host, path, written, parts.query)
    return found or LinkInfo((host + path).lower(), host)


def _other_sec_uid(path: str, value: str) -> bool:
    """A Douyin sec_uid in the path that is not the one in the query: the link names two."""
    return any(found != value.lower() for found in re.findall(r"ms4wljabaaaa[0-9a-z_-]+", path))


def _rules_of(host: str, path: str, written: str, query: str) -> LinkInfo | None:
    url = host + path
    for entry, pattern in _links():
        if entry["host"] != host:
            continue
        match = pattern.match(path) if pattern is not None else None
        if pattern is not None and match is None:
            continue
        platform = entry["platform"] or None
        if "share" in entry:
            return LinkInfo(url, host, platform, share=entry["share"], how=entry.get("how"))
        if "query" in entry:
            value = _query_value(query, entry["query"])
            if value is None or _other_sec_uid(path, value):
                continue
            if entry.get("key") == "url":
                return LinkInfo(f"{host}/?{entry['query']}={value}".lower(), host, platform)
            return LinkInfo(url, host, platform, value)
        assert match is not None
        return LinkInfo(url, host, platform, written[match.start(1):match.end(1)])
    return None


@cache
def _label_pattern() -> re.Pattern[str]:
    labels = sorted((label for label, _ in table()["labels"]), key=len, reverse=True)
    written = "|".join(re.escape(label).replace("\\ ", " ?") for label in labels)
    return re.compile(r"(?<![a-z0-9])(" + written + r") ?[:=]? ?@?([a-z0-9_.-]{2,120})")


def labels_in(low: str) -> Iterator[tuple[re.Match[str], str]]:
    """Each ID written after a label (抖音号：xxx, 小红书号 123, UID: 456; a space inside a
    label may be left out) in a ``lowered`` text: the match (group 2 the ID) and the label's
    platform ("" for a label of no one platform, "@code" for the portal's 核验码)."""
    platforms = {label.replace(" ", ""): platform for label, platform in table()["labels"]}
    for match in _label_pattern().finditer(low):
        yield match, platforms[match.group(1).replace(" ", "")]


def account_in_text(text: str, platform: str) -> str | None:
    """The ``platform`` account ID that a link or share text names, if it names one (as
    written: a Douyin sec_uid keeps its case)."""
    plain = query_text(text)
    compact = plain.replace(" ", "")
    spans = [(0, len(compact))] if url_chars_only(compact) and looks_like_link(compact) else []
    source = compact if spans else plain
    for start, end in spans or link_spans(plain):
        parts = url_parts(source[start:end])
        info = info_of(parts) if parts is not None else None
        if info and info.platform == platform and info.account_id:
            return info.account_id
    for match, found_platform in labels_in(lowered(plain)):
        if found_platform in (platform, ""):  # as written: lowered() keeps positions
            return plain[match.start(2):match.start(2) + len(match.group(2).rstrip(TRAILING))]
    return None


def id_problem(platform: str, account_id: str) -> tuple[str, str] | None:
    """(rule, suggestion) when ``account_id`` breaks ``platform``'s rule, else None. The
    suggestion names the ID a pasted link or share text carries, or says where to find it."""
    rule = id_rules().get(platform)
    if rule is None or rule.pattern.match(account_id.strip()):
        return None
    suggestion = ""
    found = account_in_text(account_id, platform)
    if found and rule.pattern.match(found):
        suggestion = f"这里粘贴的是链接或分享文字，请改为其中的账号 ID：{found}。"
    elif platform == "website" and looks_like_link(fold(account_id)):
        host = _SCHEME.sub("", fold(account_id)).split("/", 1)[0].split(":", 1)[0]
        if rule.pattern.match(host):
            suggestion = f"请只填域名：{host}。"
    if not suggestion:
        suggestion = f"例如 {rule.example}。{rule.find}"
    return rule.rule, suggestion
