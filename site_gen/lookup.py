"""Is this account official? The verify page's rules, in Python.

The same rules run in the browser (``docs/assets/verify.js``); ``tests/cases/lookup.yaml``
is the one table of cases both are checked against. Keep the two in step.

A query (a name, an account ID or a link) becomes a set of *keys*:

* ``id:<id>``     an account ID, lower case, without a leading ``@``;
* ``url:<link>``  a link without scheme, ``www.``/``m.``, query, fragment or trailing
                   slash, lower case (a WeChat link keeps only its ``__biz``);
* ``host:<host>`` the host of a link or a bare domain, without ``www.``: a website;
* ``name:<name>`` the name with only letters and digits, NFKC-folded, lower case.

The index maps each key to the records it finds. Names also go under ``bg:<bigram>``
for lookalike suggestions. The index is sharded by the FNV-1a hash of the key, so the
page downloads a few small files instead of the whole registry.
"""

from __future__ import annotations

import dataclasses
import json
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import click

from .errors import UsageError
from .public import PublicAccount, PublicCounterfeit, PublicRegistry, public_registry, unit_href
from .rules import check_registry

STRONG = ("id:", "url:", "host:")
BIGRAM_CAP = 50  # names kept per bigram: enough for suggestions, bounded shard sizes
SIMILAR_CAP = 10
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://")
_HOSTLIKE = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)+(:\d+)?(/|$)")
_PLATFORM_PATHS = (  # (host, path pattern) whose first group is the platform's account ID
    ("weibo.com", re.compile(r"^/(?:u/)?(\d{5,})$")),
    ("weibo.cn", re.compile(r"^/(?:u|profile)/(\d{5,})$")),
    ("space.bilibili.com", re.compile(r"^/(\d+)$")),
    ("author.baidu.com", re.compile(r"^/home/(\d+)$")),
)


# Links that name a post or a share, not an account: the answer says how to find the account.
SHARE_LINKS = {"mp.weixin.qq.com": "微信文章链接", "v.douyin.com": "抖音分享短链接",
               "m.weibo.cn": "微博正文链接", "b23.tv": "哔哩哔哩分享短链接",
               "xhslink.com": "小红书分享短链接", "v.kuaishou.com": "快手分享短链接",
               "t.cn": "微博短链接", "url.cn": "腾讯短链接"}


def fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().lower()


def name_key(text: str) -> str:
    return "".join(ch for ch in fold(text) if unicodedata.category(ch)[0] in "LN")


def id_key(text: str) -> str:
    return fold(text).lstrip("@")


def url_parts(text: str) -> tuple[str, str] | None:
    """(host, key) of a link, or None if ``text`` does not look like one."""
    folded = fold(text)
    if not (_SCHEME.match(folded) or _HOSTLIKE.match(folded)):
        return None
    rest = _SCHEME.sub("", folded).split("#", 1)[0]
    rest, _, query = rest.partition("?")
    host, _, path = rest.partition("/")
    host = host.split(":", 1)[0]
    for prefix in ("www.", "m."):
        host = host.removeprefix(prefix)
    if host == "mp.weixin.qq.com":
        biz = parse_qs(query).get("__biz")
        if biz:
            return host, f"{host}/?__biz={biz[0]}"
    path = "/" + path.rstrip("/") if path.rstrip("/") else ""
    return host, host + path


def query_keys(query: str) -> list[str]:
    """Every key a query may match, strongest first."""
    keys: list[str] = []
    parts = url_parts(query)
    if parts:
        host, url = parts
        keys += [f"url:{url}", f"host:{host}"]
        path = url[len(host):]
        for platform_host, pattern in _PLATFORM_PATHS:
            match = pattern.match(path) if host == platform_host else None
            if match:
                keys.append(f"id:{match.group(1)}")
    if (ident := id_key(query)) and " " not in ident:
        keys.append(f"id:{ident}")
    if name := name_key(query):
        keys.append(f"name:{name}")
    return list(dict.fromkeys(keys))


def bigrams(name: str) -> list[str]:
    return [name[i:i + 2] for i in range(len(name) - 1)] or ([name] if name else [])


def _record(account: PublicAccount) -> dict[str, Any]:
    return {"s": "official" if account.status == "active" else "deregistered",
            "n": account.name, "p": account.platform_label, "i": account.account_id,
            "u": account.unit_name, "h": unit_href(account.unit),
            "o": account.opened_on, "d": account.deregistered_on, "url": account.url}


def _counterfeit_record(fake: PublicCounterfeit) -> dict[str, Any]:
    return {"s": "counterfeit", "n": fake.name, "p": fake.platform_label,
            "i": fake.account_id, "r": fake.reported_on, "rb": fake.reported_by,
            "h": fake.reported_by_href, "t": fake.status_label, "url": fake.url}


def _keys_of(platform: str, account_id: str | None, url: str | None, name: str) -> list[str]:
    keys = [f"name:{name_key(name)}"]
    if account_id:
        keys.append(f"id:{id_key(account_id)}")
        if platform == "website":
            keys.append(f"host:{id_key(account_id).removeprefix('www.')}")
    if url and (parts := url_parts(url)):
        keys.append(f"url:{parts[1]}")
        if platform == "website":
            keys.append(f"host:{parts[0]}")
    return list(dict.fromkeys(keys))


def build_index(public: PublicRegistry) -> dict[str, list[Any]]:
    """Key → records (or, for ``bg:`` keys, lookalike candidates), deterministic."""
    index: dict[str, list[Any]] = defaultdict(list)
    names: dict[str, dict[str, Any]] = {}
    for account in public.accounts:
        record = _record(account)
        for key in _keys_of(account.platform, account.account_id, account.url, account.name):
            index[key].append(record)
        candidate = [account.name, account.unit_name, record["h"], record["s"]]
        names.setdefault(name_key(account.name), {"c": candidate})
    for fake in public.counterfeits:
        record = _counterfeit_record(fake)
        for key in _keys_of(fake.platform, fake.account_id, fake.url, fake.name):
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


def shard_count(index: dict[str, list[Any]], target_bytes: int = 24_000) -> int:
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
    status: str  # official, deregistered, counterfeit or unknown
    matches: list[dict[str, Any]] = field(default_factory=list)
    similar: list[dict[str, Any]] = field(default_factory=list)
    hint: str | None = None  # for an unknown share link: how to find the account


def share_link_hint(query: str) -> str | None:
    """For a link to a post or a share (not to an account), what to paste instead."""
    parts = url_parts(query)
    if parts is None or parts[0] not in SHARE_LINKS or parts[1].startswith("mp.weixin.qq.com/?__biz="):
        return None
    return (f"这是{SHARE_LINKS[parts[0]]}，从链接看不出它属于哪个账号。请打开它，点进发布者的账号主页，"
            "复制账号名称、账号 ID 或主页链接再查。")


def decide(query: str, found: dict[str, list[Any]]) -> Answer:
    """The answer to ``query`` given the index entries ``found`` for its keys; an unknown
    answer's lookalikes are added by ``similar`` once the bigram entries are there."""
    keys = query_keys(query)
    matches: list[dict[str, Any]] = []
    for strong in (True, False):
        for key in keys:
            if key.startswith(STRONG) == strong:
                matches += [r for r in found.get(key, []) if r not in matches]
        if matches:
            break
    for status in ("official", "deregistered", "counterfeit"):
        if any(m["s"] == status for m in matches):
            return Answer(status, matches)
    return Answer("unknown", hint=share_link_hint(query))


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
    if answer.status == "unknown":
        grams = [f"bg:{gram}" for gram in query_bigrams(name_key(query))]
        answer.similar = similar(name_key(query), {k: index[k] for k in grams if k in index})
    return answer


_HEADINGS = {"official": "官方账号", "deregistered": "已注销",
             "counterfeit": "已举报的假冒账号", "unknown": "未收录"}


def format_answer(answer: Answer) -> str:
    """The answer as the page words it, one line per match."""
    lines = [_HEADINGS[answer.status]]
    for m in answer.matches:
        where = f"{m['p']}：{m['n']}" + (f"（ID：{m['i']}）" if m.get("i") else "")
        if m["s"] == "official":
            lines.append(f"- {where}，开设单位：{m['u']}，开通于 {m['o']}")
        elif m["s"] == "deregistered":
            lines.append(f"- {where}，原开设单位：{m['u']}，已于 {m['d']} 注销，现在以它名义发布的内容都不是官方信息")
        else:
            lines.append(f"- {where}，由 {m['rb']} 于 {m['r']} 举报（{m['t']}）")
    if answer.hint:
        lines.append(answer.hint)
    if answer.similar:
        lines.append("名称相近的官方账号（注意辨别）：")
        lines += [f"- {s['n']}（{s['u']}）" for s in answer.similar]
    return "\n".join(lines) + "\n"


def run_lookup(root: Path, query: str, output_format: str) -> int:
    """``site-gen lookup``: answer ``query`` from the registry at ``root``."""
    if not root.is_dir():
        raise UsageError(f"登记库目录 {root} 不存在。")
    answer = lookup(build_index(public_registry(check_registry(root).registry)), query)
    if output_format == "json":
        click.echo(json.dumps(dataclasses.asdict(answer), ensure_ascii=False, indent=2))
    else:
        click.echo(format_answer(answer), nl=False)
    return 0
