"""Is this account official? The verify page's rules, in Python.

The same rules run in the browser (``site_gen/static/verify.js``); ``tests/cases/lookup.yaml``
is the one table of cases both are checked against. Keep the two in step. Which links
name which account, and what each platform's IDs look like, is data shared by both
(``site_gen/platforms.py``).

A query (a name, an account ID, a link, a share text, an SMS, a QR code's content) is split
into *items* (``parse_query``): every link, every ID written after a label (抖音号：…), and
each other token that could be an ID or an address. Each item is judged alone by its keys,
each perhaps bound to a platform:

* ``id:<id>``     an account ID as ``identity.id_key`` reads it;
* ``url:<link>``  a link's key (see ``platforms.info_of``);
* ``host:<host>`` a website's host without ``www.``; ``sub:<host>`` a filed host whose
                   subdomains are the website too;
* ``code:<code>`` the portal's 核验码, bare or in this portal's a/<code>/ address.

The answer (``decide``) is official only when every item is one official account; a
counterfeit anywhere makes it counterfeit; anything unknown or another account beside a
known one makes it ``mixed``. A query without items is looked up by ``name:<name>`` (the
name folded: NFKC, lower case, only letters and digits): counterfeits copy names, so a name
match is ``name_only``, listing the accounts whose IDs the reader must compare.

The index maps each key to the records it finds. Names also go under ``bg:<bigram>``
for lookalike suggestions. The index is sharded by the FNV-1a hash of the key, so the
page downloads a few small files instead of the whole registry.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from .identity import account_key, id_key, name_key
from .platforms import (
    TRAILING,
    Parts,
    id_rules,
    info_of,
    labels_in,
    link_info,
    link_spans,
    looks_like_link,
    lowered,
    normal,
    platform_host,
    query_text,
    url_chars_only,
    url_parts,
)
from .public import PublicAccount, PublicCounterfeit, PublicRegistry, unit_href
from .reporters import text_lines
from .wording import (
    ANSWERS,
    NAME_ONLY,
    NAME_ONLY_FAKE,
    NUMBERS,
    SHARE_HINT,
    SIMILAR,
    UNCHECKED,
    VERDICTS,
    suspended_text,
)

STRONG = ("id:", "url:", "host:", "sub:", "code:")
BIGRAM_CAP = 50  # names kept per bigram: enough for suggestions, bounded shard sizes
SIMILAR_CAP = 10
STATUSES = ("official", "deregistered", "counterfeit", "mixed", "name_only", "unknown")

Key = tuple[str, str | None]  # (index key, the platform a match must be on, or None)

CODE = re.compile(r"^[0-9a-hjkmnp-tv-z]{12}$")  # identity.CODE_ALPHABET, CODE_LENGTH
_BREAKS = re.compile(r"[ ,，。！？、；;:：!?()（）【】《》“”‘’\"'<>「」『』#]+")
# Tokens: ASCII runs, split at what never belongs to an ID (VX：id, 客服Q：id, mailto:…).
_TOKEN = re.compile(r"[a-z0-9._~/?#@$&*+=%\[\]\\-]+")
_DECIMAL = re.compile(r"^[0-9]+\.[0-9]+$")  # 7.94 at the head of a Douyin share text
_WHOLE = 5  # beside other items, a token this long (or a domain) is an ID


@dataclass
class Item:
    """One link or ID of a query, judged on its own."""

    text: str  # as it stands in the cleaned query
    start: int
    end: int
    kind: str  # link, id (a labelled or bare ID) or code (the portal's 核验码)
    keys: list[Key] = field(default_factory=list)
    share: tuple[str, str] | None = None  # a post or short link: what it is, how to go on


@dataclass(frozen=True)
class Parsed:
    """What a query holds: its items, and the name to match when it holds none."""

    text: str
    items: list[Item]
    name: str  # folded; "" when the query holds a link or an ID


def sites_of(*addresses: str | None) -> tuple[str, ...]:
    """The portal's addresses as ``a/<code>/`` links are recognised by: host (without
    ``www.``) and path, e.g. ``shili-jyj.example.org/registry``."""
    found = []
    for address in addresses:
        parts = url_parts(address) if address else None
        if parts is not None and parts.host:
            found.append(platform_host(parts.host) + parts.path)
    return tuple(dict.fromkeys(found))


def _host_keys(host: str) -> list[Key]:
    """A website is its filed host (``www.`` or not) or a subdomain of the host as filed:
    the host itself, then each parent domain as a ``sub:`` key (never a bare top-level name),
    longest first. A sibling of a filed ``www.`` host is not the website."""
    labels = host.strip(".").split(".")
    keys: list[Key] = [(f"host:{platform_host('.'.join(labels))}", "website")]
    return keys + [(f"sub:{'.'.join(labels[i:])}", "website") for i in range(1, len(labels) - 1)]


def _site_code(parts: Parts, sites: tuple[str, ...]) -> str | None:
    """The code of a link to this portal's a/<code>/ page (its configured address or the
    address it is served from); None for any other link."""
    where = platform_host(parts.host) + parts.path
    for site in sites:
        rest = where.removeprefix(site.rstrip("/") + "/a/") if where.startswith(
            site.rstrip("/") + "/a/") else None
        code = (rest or "").removesuffix("/index.html").removesuffix(".json").rstrip("/")
        if CODE.match(code):
            return code
    return None


def _link_item(text: str, start: int, end: int, sites: tuple[str, ...]) -> Item:
    item = Item(text[start:end], start, end, "link")
    parts = url_parts(item.text)
    if parts is None or parts.scheme not in ("http", "https"):
        return item  # no link a browser would open as a page: nothing it says is known
    code = _site_code(parts, sites)
    if code is not None:
        item.kind, item.keys = "code", [(f"code:{code}", None)]
        return item
    info = info_of(parts)
    if info.account_id:
        item.keys.append((f"id:{id_key(info.account_id)}", info.platform))
    item.keys.append((f"url:{info.url}", None))
    if info.platform is None and not info.share:
        item.keys += _host_keys(parts.host)
    if info.share:
        item.share = (info.share, info.how or "")
    return item


def _id_keys(value: str, platform: str | None) -> list[Key]:
    keys: list[Key] = [(f"id:{id_key(value)}", platform)]
    if platform is None and CODE.match(value):
        keys.append((f"code:{value}", None))
    if platform in (None, "website") and "." in value.strip("."):
        keys += _host_keys(value)
    return keys


def parse_query(query: str, sites: tuple[str, ...] = ()) -> Parsed:
    """The items of a query: every link, every labelled ID, and (in a text without links)
    each bare ID; and the name to look for when there is none."""
    text = query_text(query)
    low = lowered(text)
    compact = low.replace(" ", "").rstrip(TRAILING)
    spans = link_spans(text)
    if compact and url_chars_only(compact) and looks_like_link(compact) and re.search(
            r"://|[/?#]", compact) and len(spans) <= 1 and compact.count("://") <= 1:
        # One link broken by stray spaces or line breaks (a screenshot's text, a chat).
        whole = text.replace(" ", "").rstrip(TRAILING)
        return Parsed(whole, [_link_item(whole, 0, len(whole), sites)], "")
    items = [_link_item(text, a, b, sites) for a, b in spans]
    rest = low
    for item in items:
        rest = rest[:item.start] + " " * (item.end - item.start) + rest[item.end:]
    for match, platform in labels_in(rest):
        value = match.group(2).rstrip(TRAILING)
        if platform == "@code":
            if not CODE.match(value):
                continue
            keys: list[Key] = [(f"code:{value}", None)]
        else:
            rule = id_rules().get(platform)
            if rule is not None and not rule.pattern.match(value):
                continue  # not this platform's ID: just words
            keys = _id_keys(value, platform or None)
        start = match.start(2)
        items.append(Item(text[start:start + len(value)], start, start + len(value), "id", keys))
        rest = rest[:match.start()] + " " * (match.end() - match.start()) + rest[match.end():]
    # An ID broken by spaces (6012 3000 01) is one ID; several whole IDs are several items.
    parts = low.split()
    if not items and compact and url_chars_only(compact) and (
            len(parts) == 1 or max(map(len, parts)) < _WHOLE):
        items.append(Item(text, 0, len(text), "id", _id_keys(compact.lstrip("@"), None)))
    else:
        # Every other token that could be an ID or an address counts, beside links and
        # labelled IDs too: a counterfeit or unknown one is never left out of the answer.
        alone = not items
        for run in _TOKEN.finditer(rest):
            value = run.group().strip(TRAILING + "@/")
            if not value or not url_chars_only(value) or not re.search(r"[a-z0-9]", value) \
                    or _DECIMAL.match(value):
                continue
            if not alone and len(value) < _WHOLE and "." not in value.strip("."):
                continue  # a short word in a share text (TA, Dou, App) is no ID
            if alone and len(value) < 2:
                continue
            start = run.start() + run.group().index(value)
            items.append(Item(text[start:start + len(value)], start, start + len(value), "id",
                              _id_keys(value, None)))
    items.sort(key=lambda i: i.start)
    name = "" if items else name_key(text)
    return Parsed(text, items, name)


def query_keys(query: str, sites: tuple[str, ...] = ()) -> list[str]:
    """The index keys a query needs (what the page downloads shards for)."""
    parsed = parse_query(query, sites)
    keys = [key for item in parsed.items for key, _ in item.keys]
    if parsed.name:
        keys.append(f"name:{parsed.name}")
    return list(dict.fromkeys(keys))


def bigrams(name: str) -> list[str]:
    return [name[i:i + 2] for i in range(len(name) - 1)] or ([name] if name else [])


def _record(account: PublicAccount) -> dict[str, Any]:
    # A suspended account is still official: the answer says since when it is not in use.
    return {"s": "deregistered" if account.status == "deregistered" else "official",
            "n": account.name, "c": account.platform, "p": account.platform_label,
            "i": account.account_id, "u": account.unit_name, "h": unit_href(account.unit),
            "o": account.opened_on, "d": account.deregistered_on, "url": account.url,
            "k": account.code, **({"v": account.checked} if account.proof else {}),
            **({"ps": account.suspended_on} if account.status == "suspended" else {})}


def _counterfeit_record(fake: PublicCounterfeit) -> dict[str, Any]:
    return {"s": "counterfeit", "n": fake.name, "c": fake.platform, "p": fake.platform_label,
            "i": fake.account_id, "r": fake.reported_on, "rb": fake.reported_by,
            "h": fake.reported_by_href, "t": fake.status_label, "url": fake.url}


def _keys_of(platform: str, account_id: str | None, links: tuple[str | None, ...],
             name: str) -> list[str]:
    """The keys an account is found by: its name, its ID, and each of its links (its
    page, its QR code) with the ID of the same platform that a link carries."""
    keys = [f"name:{name_key(name)}"]
    if account_id:
        keys.append(f"id:{id_key(account_id)}")
        if platform == "website":
            keys.append(f"host:{account_key(platform, account_id)[1]}")
            keys.append(f"sub:{account_id.strip().strip('.').lower()}")
    for link in links:
        info = link_info(normal(link)) if link else None
        if info is None:
            continue
        keys.append(f"url:{info.url}")
        if platform == "website":
            keys.append(f"host:{info.host}")
        if info.account_id and info.platform == platform:
            keys.append(f"id:{id_key(info.account_id)}")
    return list(dict.fromkeys(keys))


def build_index(public: PublicRegistry) -> dict[str, list[Any]]:
    """Key → records (or, for ``bg:`` keys, lookalike candidates), deterministic."""
    index: dict[str, list[Any]] = defaultdict(list)
    names: dict[str, dict[str, Any]] = {}
    for account in public.accounts:
        record = _record(account)
        for key in [*_keys_of(account.platform, account.account_id, (account.url, account.qr),
                              account.name), f"code:{account.code}"]:
            index[key].append(record)
        candidate = [account.name, account.unit_name, record["h"], record["s"]]
        names.setdefault(name_key(account.name), {"c": candidate})
    for fake in public.counterfeits:
        record = _counterfeit_record(fake)
        for key in _keys_of(fake.platform, fake.account_id, (fake.url,), fake.name):
            index[key].append(record)
    for folded in sorted(names, key=lambda n: (len(n), n)):
        for gram in dict.fromkeys(bigrams(folded)):
            bucket = index[f"bg:{gram}"]
            if len(bucket) < BIGRAM_CAP:
                bucket.append([folded, *names[folded]["c"]])
    return dict(sorted(index.items()))


def fnv1a(text: str) -> int:
    value = 0x811C9DC5
    for byte in text.encode("utf-8"):
        value = ((value ^ byte) * 0x01000193) & 0xFFFFFFFF
    return value


def shard_count(index: dict[str, list[Any]], target_bytes: int = 12_000) -> int:
    """A power of two giving shards of about ``target_bytes`` each."""
    total = sum(len(key) + 120 * len(values) for key, values in index.items())
    count = 1
    while total / count > target_bytes:
        count *= 2
    return count


def shards(index: dict[str, list[Any]], count: int) -> list[dict[str, list[Any]]]:
    out: list[dict[str, list[Any]]] = [{} for _ in range(count)]
    for key, values in index.items():
        out[fnv1a(key) % count][key] = values
    return out


def within_one_edit(a: str, b: str) -> bool:
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        return a[i + 1:] == b[i + 1:]
    return a[i:] == b[i + 1:]


@dataclass
class Answer:
    status: str  # one of STATUSES
    items: list[dict[str, Any]] = field(default_factory=list)  # each link or ID, judged alone
    matches: list[dict[str, Any]] = field(default_factory=list)
    similar: list[dict[str, Any]] = field(default_factory=list)
    hint: str | None = None  # for an unknown post or short link: how to reach the account
    advice: list[dict[str, str]] = field(default_factory=list)  # where to find each ID


def share_hint(share: tuple[str, str] | None) -> str | None:
    """For a link to a post, a short link or a QR code that matched nothing: what it is,
    and how to reach the account and what to paste instead."""
    if share is None:
        return None
    what, how = share
    return SHARE_HINT.format(what=what, how=how)


def id_advice(matches: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Where to find the account ID, once per platform of ``matches``."""
    platforms = list(dict.fromkeys((m["c"], m["p"]) for m in matches))
    return [{"p": label, "t": id_rules()[code].find} for code, label in platforms]


def _judge(item: Item, found: dict[str, list[Any]]) -> dict[str, Any]:
    """One item's verdict: the records of its first key that finds any (a platform-bound key
    only on that platform)."""
    records: list[Any] = []
    for key, platform in item.keys:
        records = [r for r in found.get(key, []) if platform in (None, r["c"])]
        if records:
            break
    verdict = next((v for v in ("counterfeit", "official", "deregistered")
                    if any(r["s"] == v for r in records)), "unknown")
    account = next((r for r in records if r["s"] == verdict), None)
    return {"text": item.text, "kind": item.kind, "verdict": verdict, "account": account}


def _same(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return a.get("k") is not None and a.get("k") == b.get("k") or a == b


def decide(query: str, found: dict[str, list[Any]], sites: tuple[str, ...] = ()) -> Answer:
    """The answer to ``query`` given the index entries ``found`` for its keys. Green only
    when every link and ID of the query is one official account; a counterfeit anywhere is
    red; anything unknown, or another account, beside a known one makes it mixed. An
    unknown answer's lookalikes are added by ``similar`` once the bigram entries are there."""
    parsed = parse_query(query, sites)
    items = [_judge(item, found) for item in parsed.items]
    matches: list[dict[str, Any]] = []
    for judged in items:
        if judged["account"] is not None and judged["account"] not in matches:
            matches.append(judged["account"])
    share = next((i.share for i, j in zip(parsed.items, items, strict=True)
                  if i.share and j["verdict"] == "unknown"), None)
    if items:
        known = [j for j in items if j["account"] is not None]
        if any(j["verdict"] == "counterfeit" for j in items):
            status = "counterfeit"
        elif known and len(known) == len(items) and all(
                _same(j["account"], known[0]["account"]) for j in known):
            status = known[0]["verdict"]
        else:
            status = "mixed" if known else "unknown"
        # Unknown first: what must not be clicked is said before what is official.
        items.sort(key=lambda j: j["verdict"] != "unknown")
        return Answer(status, items, matches, hint=share_hint(share) if status in (
            "unknown", "mixed") else None)
    matches = list(found.get(f"name:{parsed.name}", [])) if parsed.name else []
    if matches:
        return Answer("name_only", [], matches, advice=id_advice(matches))
    return Answer("unknown")


def similar(folded: str, found: dict[str, list[Any]]) -> list[dict[str, Any]]:
    """Official names one edit from, containing or contained in the folded query."""
    if len(folded) < 2:
        return []
    seen: dict[str, dict[str, Any]] = {}
    for gram in query_bigrams(folded):
        for name, shown, unit, href, status in found.get(f"bg:{gram}", []):
            close = within_one_edit(folded, name) or folded in name or name in folded
            if close and name != folded and name not in seen:
                seen[name] = {"n": shown, "u": unit, "h": href, "s": status}
    ranked = sorted(seen.items(), key=lambda item: (not within_one_edit(folded, item[0]),
                                                    len(item[0]), item[0]))
    return [entry for _, entry in ranked[:SIMILAR_CAP]]


def query_bigrams(folded: str) -> list[str]:
    """At most six bigrams of the query, spread over it: one to four shard downloads."""
    grams = list(dict.fromkeys(bigrams(folded)))
    if len(grams) <= 6:
        return grams
    step = (len(grams) - 1) / 5
    return list(dict.fromkeys(grams[round(i * step)] for i in range(6)))


def lookup(index: dict[str, list[Any]], query: str, sites: tuple[str, ...] = ()) -> Answer:
    """Answer ``query`` from an in-memory index, in the page's two steps: exact keys, then
    (only for an unknown answer) the bigrams for lookalikes. ``sites``: the portal's
    addresses (host and path, e.g. ``shili-jyj.example.org/registry``) whose a/<code>/ pages
    name an account."""
    answer = decide(query, {key: index[key] for key in query_keys(query, sites) if key in index},
                    sites)
    name = parse_query(query, sites).name
    if answer.status == "unknown" and name:
        grams = [f"bg:{gram}" for gram in query_bigrams(name)]
        answer.similar = similar(name, {k: index[k] for k in grams if k in index})
    return answer


def name_only_text(matches: list[dict[str, Any]]) -> str:
    return NAME_ONLY if any(m["s"] != "counterfeit" for m in matches) else NAME_ONLY_FAKE


def _describe(m: dict[str, Any]) -> str:
    where = f"{m['p']}：{m['n']}" + (f"（ID：{m['i']}）" if m.get("i") else "")
    if m["s"] == "official":
        paused = f"；{suspended_text(m['ps'])}" if m.get("ps") else ""
        return (f"- {where}，开设单位：{m['u']}，开通于 {m['o']}{paused}；"
                f"{m.get('v') or UNCHECKED}；核验页 a/{m['k']}/")
    if m["s"] == "deregistered":
        return (f"- {where}，原开设单位：{m['u']}，已注销（自 {m['d']} 起不再是官方账号），"
                "现在以它名义发布的内容都不是官方信息")
    return f"- {where}，已举报的假冒账号：由 {m['rb']} 于 {m['r']} 举报（{m['t']}）"


def item_line(number: int, item: dict[str, Any]) -> str:
    """``① https://… ：未收录，不要点击、不要登录`` — one link or ID of a text."""
    mark = NUMBERS[number] if number < len(NUMBERS) else f"({number + 1})"
    said = VERDICTS[item["verdict"]]
    account = item["account"]
    if account is not None and item["verdict"] != "counterfeit":
        paused = f"，{suspended_text(account['ps'])}" if account.get("ps") else ""
        said += f"（{account['p']}：{account['n']}，{account['u']}{paused}）"
    return f"{mark} {item['text']}：{said}"


def format_answer(answer: Answer) -> str:
    """The answer as the page words it, one line per match."""
    mark, heading, sentence = ANSWERS[answer.status]
    if answer.status == "official" and answer.matches and answer.matches[0].get("ps"):
        heading += "，" + suspended_text(answer.matches[0]["ps"])
    lines = [heading]
    if answer.status == "name_only":
        lines.append(name_only_text(answer.matches))
    if answer.status == "mixed":
        lines.append(str(sentence).format(count=len(answer.items)))
        lines += [item_line(n, item) for n, item in enumerate(answer.items)]
    elif answer.status == "counterfeit" and len(answer.items) > 1:
        # Beside an official link: each item its own verdict, so the official account
        # listed next is not read as the counterfeit (static/verify.js render).
        lines += [item_line(n, item) for n, item in enumerate(answer.items)]
    lines += [_describe(m) + (f"，链接：{m['url']}" if answer.status == "name_only"
                               and m.get("url") else "") for m in answer.matches]
    lines += [f"如何找到{a['p']}的账号 ID：{a['t']}" for a in answer.advice]
    if answer.hint:
        lines.append(answer.hint)
    if answer.similar:
        lines.append(SIMILAR)
        lines += [f"- {s['n']}（{s['u']}）" for s in answer.similar]
    return text_lines(lines)  # a filed name can never start a line of its own
