"""Is this account official? The verify page's rules, in Python.

The same rules run in the browser (``site_gen/static/verify.js``); ``tests/cases/lookup.yaml``
is the one table of cases both are checked against. Keep the two in step. Which links
name which account, and what each platform's IDs look like, is data shared by both
(``site_gen/platforms.py``).

A query (a name, an account ID, a link, a share text, a QR code's content) becomes a
list of *keys*, each perhaps bound to a platform:

* ``id:<id>``     an account ID, lower case, without a leading ``@``: the query itself
                   when it is one token, an ID a link carries (bound to the link's
                   platform), or one written after a label (抖音号：…);
* ``url:<link>``  a link's key (see ``platforms.link_info``);
* ``host:<host>`` the host of a link or a bare domain, without ``www.``: a website;
* ``name:<name>`` the name folded: NFKC, lower case, only letters and digits — width,
                   spaces, punctuation, emoji and symbols do not count.

Only the first three *identify* an account. A name does not: counterfeits copy names,
so a query that matches by name alone is answered ``name_only``, listing the accounts
whose IDs the reader must compare, never as official.

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
from .platforms import id_rules, labelled_ids, link_info, links_of, normal, url_chars_only
from .public import PublicAccount, PublicCounterfeit, PublicRegistry, unit_href
from .wording import ANSWERS, NAME_ONLY, NAME_ONLY_FAKE, UNCHECKED

STRONG = ("id:", "url:", "host:")
BIGRAM_CAP = 50  # names kept per bigram: enough for suggestions, bounded shard sizes
SIMILAR_CAP = 10
STATUSES = ("official", "deregistered", "counterfeit", "name_only", "unknown")

Key = tuple[str, str | None]  # (index key, the platform a match must be on, or None)


@dataclass(frozen=True)
class Parsed:
    """What a query holds: its keys, and (for an unknown answer) what its links were."""

    keys: list[Key]
    name: str  # the folded name to suggest lookalikes for ("" when the query is a link)
    share: tuple[str, str] | None  # (what the link is, how to reach its account) of a post link


def parse_query(query: str) -> Parsed:
    """Every key a query may match, strongest first."""
    plain = normal(query)
    compact = re.sub(r"\s+", "", plain)
    keys: list[Key] = []
    share = None
    links = links_of(plain)
    for link in links:
        info = link_info(link)
        if info is None:
            continue
        keys += [(f"url:{info.url}", None), (f"host:{info.host}", None)]
        if info.account_id:
            keys.append((f"id:{id_key(info.account_id)}", info.platform))
        if info.share and share is None:
            share = (info.share, info.how or "")
    for platform, value in labelled_ids(plain):
        keys.append((f"id:{id_key(value)}", platform))
    if compact and (url_chars_only(compact.lower()) or not re.search(r"\s", plain)):
        keys.append((f"id:{id_key(compact)}", None))
    name = "" if links else name_key(query)
    if name:
        keys.append((f"name:{name}", None))
    return Parsed(list(dict.fromkeys(keys)), name, share)


def query_keys(query: str) -> list[str]:
    """The index keys a query needs (what the page downloads shards for)."""
    return list(dict.fromkeys(key for key, _ in parse_query(query).keys))


def bigrams(name: str) -> list[str]:
    return [name[i:i + 2] for i in range(len(name) - 1)] or ([name] if name else [])


def _record(account: PublicAccount) -> dict[str, Any]:
    return {"s": "official" if account.status == "active" else "deregistered",
            "n": account.name, "c": account.platform, "p": account.platform_label,
            "i": account.account_id, "u": account.unit_name, "h": unit_href(account.unit),
            "o": account.opened_on, "d": account.deregistered_on, "url": account.url,
            "k": account.code, **({"v": account.checked} if account.proof else {})}


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
        for key in _keys_of(account.platform, account.account_id, (account.url, account.qr),
                            account.name):
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
    return f"这是{what}，登记库里没有与它对应的账号，从链接本身也看不出它属于哪个账号。{how}"


def id_advice(matches: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Where to find the account ID, once per platform of ``matches``."""
    platforms = list(dict.fromkeys((m["c"], m["p"]) for m in matches))
    return [{"p": label, "t": id_rules()[code].find} for code, label in platforms]


def decide(query: str, found: dict[str, list[Any]]) -> Answer:
    """The answer to ``query`` given the index entries ``found`` for its keys; an unknown
    answer's lookalikes are added by ``similar`` once the bigram entries are there."""
    parsed = parse_query(query)
    matches: list[dict[str, Any]] = []
    for key, platform in parsed.keys:
        if key.startswith(STRONG):
            matches += [r for r in found.get(key, [])
                        if r not in matches and platform in (None, r["c"])]
    for status in ("official", "deregistered", "counterfeit"):
        if any(m["s"] == status for m in matches):
            return Answer(status, matches)
    for key, _ in parsed.keys:
        if not key.startswith(STRONG):
            matches += [r for r in found.get(key, []) if r not in matches]
    if matches:
        return Answer("name_only", matches, advice=id_advice(matches))
    return Answer("unknown", hint=share_hint(parsed.share))


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


def lookup(index: dict[str, list[Any]], query: str) -> Answer:
    """Answer ``query`` from an in-memory index, in the page's two steps: exact keys, then
    (only for an unknown answer) the bigrams for lookalikes."""
    answer = decide(query, {key: index[key] for key in query_keys(query) if key in index})
    name = parse_query(query).name
    if answer.status == "unknown" and name:
        grams = [f"bg:{gram}" for gram in query_bigrams(name)]
        answer.similar = similar(name, {k: index[k] for k in grams if k in index})
    return answer




def name_only_text(matches: list[dict[str, Any]]) -> str:
    return NAME_ONLY if any(m["s"] != "counterfeit" for m in matches) else NAME_ONLY_FAKE


def _describe(m: dict[str, Any]) -> str:
    where = f"{m['p']}：{m['n']}" + (f"（ID：{m['i']}）" if m.get("i") else "")
    if m["s"] == "official":
        return (f"- {where}，开设单位：{m['u']}，开通于 {m['o']}；{m.get('v') or UNCHECKED}；"
                f"核验页 a/{m['k']}/")
    if m["s"] == "deregistered":
        return (f"- {where}，原开设单位：{m['u']}，已注销（自 {m['d']} 起不再是官方账号），"
                "现在以它名义发布的内容都不是官方信息")
    return f"- {where}，已举报的假冒账号：由 {m['rb']} 于 {m['r']} 举报（{m['t']}）"


def format_answer(answer: Answer) -> str:
    """The answer as the page words it, one line per match."""
    lines = [ANSWERS[answer.status][1]]
    if answer.status == "name_only":
        lines.append(name_only_text(answer.matches))
    lines += [_describe(m) + (f"，链接：{m['url']}" if answer.status == "name_only"
                               and m.get("url") else "") for m in answer.matches]
    lines += [f"如何找到{a['p']}的账号 ID：{a['t']}" for a in answer.advice]
    if answer.hint:
        lines.append(answer.hint)
    if answer.similar:
        lines.append("名称相近的官方账号（注意辨别）：")
        lines += [f"- {s['n']}（{s['u']}）" for s in answer.similar]
    return "\n".join(lines) + "\n"
