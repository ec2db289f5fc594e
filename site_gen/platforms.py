"""What an account ID looks like on each platform, and which links carry one.

The rules are data (``data/platforms.json``) because the verify page runs them too: the
build embeds the same table in the page, and ``site_gen/static/verify.js`` mirrors the
functions below. ``tests/cases/lookup.yaml`` checks that both read it alike.

Text is *folded* before anything else: NFKC (full-width letters, digits and colons
become ASCII), trimmed, lower case. A link is split into host (without ``www.`` and
``m.``), path (without trailing slash) and query; its *key* is host and path.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any
from urllib.parse import parse_qs

from .identity import fold

_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
_HOSTLIKE = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)+(:[0-9]+)?(/|$)", re.IGNORECASE)
# Links inside a longer text (a share text): with a scheme, or a bare host with a path.
_LINK_IN_TEXT = re.compile(
    r"[a-z][a-z0-9+.-]*://[a-z0-9._~:/?#@!$&'*+,;=%()\[\]-]+"
    r"|[a-z0-9-]+(\.[a-z0-9-]+)+/[a-z0-9._~:/?#@!$&'*+,;=%()\[\]-]*", re.IGNORECASE)
_URL_CHARS = re.compile(r"^[a-z0-9._~:/?#@!$&'*+,;=%()\[\]-]+$", re.IGNORECASE)
_TRAILING = ".,;:!?)]}'"


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
    return [(entry, re.compile(entry["path"], re.IGNORECASE) if "path" in entry else None)
            for entry in table()["links"]]


def normal(text: str) -> str:
    """NFKC and trimmed, case kept: full-width letters, digits and colons become ASCII."""
    return unicodedata.normalize("NFKC", text).strip()


def looks_like_link(folded: str) -> bool:
    return bool(_SCHEME.match(folded) or _HOSTLIKE.match(folded))


def url_chars_only(folded: str) -> bool:
    return bool(_URL_CHARS.match(folded))


def links_in(text: str) -> list[str]:
    """Every link in a normalised text, in order, without trailing punctuation."""
    found = []
    for match in _LINK_IN_TEXT.finditer(text):
        link = match.group(0).rstrip(_TRAILING)
        if link and link not in found:
            found.append(link)
    return found


def _query_value(query: str, name: str) -> str | None:
    for key, values in parse_qs(query).items():
        if key.lower() == name and values[0]:
            return values[0]
    return None


def link_info(link: str) -> LinkInfo | None:
    """The key of a normalised link and the account it names, or None if it is no link."""
    if not looks_like_link(link):
        return None
    rest = _SCHEME.sub("", link).split("#", 1)[0]
    rest, _, query = rest.partition("?")
    host, _, path = rest.partition("/")
    host = host.split(":", 1)[0].lower()
    for prefix in ("www.", "m."):
        host = host.removeprefix(prefix)
    path = "/" + path.rstrip("/") if path.rstrip("/") else ""
    url = (host + path).lower()
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
            if value is None:
                continue
            if entry.get("key") == "url":
                return LinkInfo(f"{host}/?{entry['query']}={value}".lower(), host, platform)
            return LinkInfo(url, host, platform, value)
        assert match is not None
        return LinkInfo(url, host, platform, match.group(1))
    return LinkInfo(url, host)


@cache
def _label_pattern() -> re.Pattern[str]:
    labels = sorted((label for label, _ in table()["labels"]), key=len, reverse=True)
    return re.compile("(" + "|".join(map(re.escape, labels)) + r")\s*[:=]?\s*@?([a-z0-9_.-]{2,120})",
                      re.IGNORECASE)


def labelled_ids(text: str) -> list[tuple[str | None, str]]:
    """IDs written after a label in a share text: 抖音号：xxx, 小红书号: 123, UID 456."""
    platforms = dict(table()["labels"])
    return [(platforms[m.group(1).lower()] or None, m.group(2).rstrip(_TRAILING))
            for m in _label_pattern().finditer(text)]


def links_of(text: str) -> list[str]:
    """The links a query or a pasted value holds: the whole of it when it is one link
    broken by stray spaces or line breaks, else every link inside it."""
    compact = re.sub(r"\s+", "", text)
    if url_chars_only(compact) and looks_like_link(compact):
        return [compact]
    return links_in(text)


def account_in_text(text: str, platform: str) -> str | None:
    """The ``platform`` account ID that a link or share text names, if it names one."""
    plain = normal(text)
    for link in links_of(plain):
        info = link_info(link)
        if info and info.platform == platform and info.account_id:
            return info.account_id
    for found_platform, value in labelled_ids(plain):
        if found_platform in (platform, None):
            return value
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
