"""The Atom feeds of filing events (site_gen/feeds.py): valid per RFC 4287 (its RELAX NG schema,
vendored in tests/vendor/atom, and the rules a grammar cannot say), holding the demo's events
and the registry's history, escaped, without a person's name, bounded, and linked."""

from __future__ import annotations

import functools
import json
import os
import posixpath
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
import yaml
from lxml import etree

from site_gen.clock import beijing_day
from site_gen.feeds import KINDS, REGISTRY_FEED, feed_files
from site_gen.history import read_history
from site_gen.identity import account_code
from site_gen.portal import Notice, NoticedAccount
from site_gen.public import public_registry
from site_gen.rules import check_registry

from .conftest import CASES, REPO, build_case
from .portal_helpers import FIXED_EPOCH

A = "{http://www.w3.org/2005/Atom}"
SCHEMA = Path(__file__).parent / "vendor" / "atom" / "atom.rng"
SITE_URL = "https://shili-jyj.example.org/registry/"  # the demo's mkdocs.yml


@functools.cache
def _schema() -> etree.RelaxNG:
    return etree.RelaxNG(etree.parse(str(SCHEMA)))


def checked(data: bytes) -> Any:
    """The feed, after checking it against RFC 4287: its RELAX NG schema, then what the schema
    cannot say (4.1.1, 4.1.2: the Schematron rules of Appendix B, unique entry ids, at most one
    alternate link per type and language) and what this product promises (one self link;
    entries newest first; the feed dated by its newest entry)."""
    feed = etree.fromstring(data)
    schema = _schema()
    assert schema.validate(feed), schema.error_log
    entries = feed.findall(f"{A}entry")
    ids = [e.findtext(f"{A}id") for e in entries]
    assert len(ids) == len(set(ids))
    assert feed.find(f"{A}author/{A}name") is not None \
        or all(e.find(f"{A}author") is not None for e in entries)
    for element in (feed, *entries):
        alternates = [(link.get("type"), link.get("hreflang"))
                      for link in element.findall(f"{A}link")
                      if link.get("rel", "alternate") == "alternate"]
        assert len(alternates) == len(set(alternates))
        assert alternates or element is feed or element.find(f"{A}content") is not None
    assert len(feed.findall(f"{A}link[@rel='self']")) == 1
    dates = [e.findtext(f"{A}updated") for e in entries]
    assert dates == sorted(dates, reverse=True)
    assert not dates or feed.findtext(f"{A}updated") == dates[0]
    return feed


def entries(feed: Any) -> list[dict[str, Any]]:
    """Each entry: its id, kind, day, title, alternate and related links (as written)."""
    return [{"id": e.findtext(f"{A}id"), "kind": e.find(f"{A}category").get("term"),
             "day": e.findtext(f"{A}updated")[:10], "title": e.findtext(f"{A}title"),
             "summary": e.findtext(f"{A}summary"),
             "link": e.find(f"{A}link[@rel='alternate']").get("href"),
             "related": [x.get("href") for x in e.findall(f"{A}link[@rel='related']")]}
            for e in feed.findall(f"{A}entry")]


def in_site(site: Path, href: str) -> Path:
    """The file an absolute link into the demo portal leads to."""
    assert href.startswith(SITE_URL), href
    path = site / href.removeprefix(SITE_URL)
    return path / "index.html" if href.endswith("/") else path


def unit_feeds(site: Path) -> dict[str, Path]:
    return {p.parent.relative_to(site).as_posix(): p for p in sorted(site.glob("u/**/feed.atom"))}


def test_every_feed_of_the_demo_is_valid_atom(demo_site: Path) -> None:
    checked((demo_site / REGISTRY_FEED).read_bytes())
    units = json.loads((demo_site / "data" / "registry.json").read_text("utf-8"))["units"]
    feeds = unit_feeds(demo_site)
    # One beside each unit's page but the root's (its subtree is the registry).
    assert sorted(feeds) == sorted(f"u/{u['path']}" for u in units if u["path"])
    for folder, feed in feeds.items():
        parsed = checked(feed.read_bytes())
        assert parsed.find(f"{A}link[@rel='self']").get("href") == f"{SITE_URL}{folder}/feed.atom"
        assert in_site(demo_site, parsed.find(f"{A}link[@rel='alternate']").get("href")).is_file()


def test_the_demo_events_are_in_the_registry_feed(demo_site: Path) -> None:
    accounts = json.loads((demo_site / "data" / "registry.json").read_text("utf-8"))["accounts"]
    found = entries(checked((demo_site / REGISTRY_FEED).read_bytes()))
    assert len(found) < 1000  # all of them: the demo is small
    for entry in found:
        assert in_site(demo_site, entry["link"]).is_file(), entry
        assert all(in_site(demo_site, href).is_file() for href in entry["related"]), entry
    seen = {(e["kind"], e["day"], e["link"]) for e in found if e["kind"] != "notice"}
    expected = set()
    for account in accounts:
        page = f"{SITE_URL}a/{account['code']}/"
        expected |= {({"open": "open", "deregister": "deregister"}[event["type"]], event["date"],
                      page) for event in account["history"]}  # the demo site has no Git
        if account["status"] == "suspended":
            expected.add(("suspend", account["suspended_on"], page))
    assert seen == expected
    # The demo's own examples: an account opened, one deregistered, 东城二中's suspended 今日头条.
    kinds = {e["kind"] for e in found}
    assert {"open", "deregister", "suspend", "notice"} <= kinds
    toutiao = next(a for a in accounts if a["platform"] == "toutiao" and a["status"] == "suspended")
    suspended = next(e for e in found if e["kind"] == "suspend")
    assert suspended["link"] == f"{SITE_URL}a/{toutiao['code']}/"
    assert suspended["title"] == f"暂停使用：{toutiao['unit']} 今日头条「{toutiao['name']}」"
    assert toutiao["account_id"] in suspended["summary"] and "状态：暂停使用" in suspended["summary"]


def recorded_notices(as_of: str) -> list[dict[str, Any]]:
    """The demo's recorded 公开通报 issued by ``as_of``, each with its accounts' codes."""
    found = []
    for actions in sorted((REPO / "filings").rglob("_actions.yaml")):
        for action in yaml.safe_load(actions.read_text("utf-8")):
            if action["kind"] != "public_notice" or str(action["issued_on"]) > as_of:
                continue
            codes = []
            for name in action["accounts"]:
                filing = yaml.safe_load((REPO / "filings" / action["to"] / f"{name}.yaml")
                                        .read_text("utf-8"))
                codes.append(account_code(filing["platform"], str(filing["account_id"])))
            found.append({**action, "issued_on": str(action["issued_on"]), "codes": codes})
    return found


def test_the_recorded_notices_are_entries_in_every_feed_above_them(demo_site: Path) -> None:
    notices = recorded_notices(beijing_day(FIXED_EPOCH))  # the demo site's build day
    assert notices  # the demo publishes its 公开通报 (public_notices: true)
    feeds = {"": demo_site / REGISTRY_FEED, **unit_feeds(demo_site)}
    for notice in notices:
        pages = [f"{SITE_URL}a/{code}/" for code in notice["codes"]]
        parts = notice["to"].split("/")
        for folder, feed in feeds.items():
            found = [e for e in entries(checked(feed.read_bytes()))
                     if e["kind"] == "notice" and e["day"] == notice["issued_on"]
                     and notice["number"] in e["title"]]
            # In the registry's feed and in those of the units above the accounts, only there.
            below = folder == "" or parts[:folder.count("/")] == folder.split("/")[1:]
            assert len(found) == (1 if below else 0), (folder, found)
            if found:
                assert found[0]["related"] == pages
                assert found[0]["link"] == f"{SITE_URL}notices/"
                assert in_site(demo_site, found[0]["link"]).is_file()


def test_home_and_unit_pages_link_their_feed(demo_site: Path) -> None:
    pages = {"index.html": REGISTRY_FEED, "u/index.html": REGISTRY_FEED}
    pages |= {f"{folder}/index.html": f"{folder}/feed.atom" for folder in unit_feeds(demo_site)}
    for page, feed in pages.items():
        html = etree.parse(str(demo_site / page), etree.HTMLParser())
        links = html.xpath('//a[@type="application/atom+xml"]')
        assert len(links) == 1 and "订阅" in links[0].text and "Atom" in links[0].text, page
        target = posixpath.normpath(posixpath.join(posixpath.dirname(page), links[0].get("href")))
        assert target == feed and (demo_site / target).is_file(), page


def test_no_contact_in_any_feed(demo_site: Path) -> None:
    from .test_contacts import demo_values

    values = demo_values()
    for feed in [demo_site / REGISTRY_FEED, *unit_feeds(demo_site).values()]:
        text = feed.read_text("utf-8")
        assert not [v for v in values if v in text], feed
        assert "YWdlLWVuY3J5cHRpb24" not in text  # nor a sealed block


def test_suspension_is_worded_as_the_forms_word_it() -> None:
    from site_gen.spreadsheets.rows import RESUMED_TITLE, SUSPENDED_TITLE

    assert (KINDS["suspend"], KINDS["resume"]) == (SUSPENDED_TITLE, RESUMED_TITLE)


# A registry in Git: every kind of event, from hostile text, by people whose names never show.
HOSTILE_UNIT = 'name: <script>alert("unit")</script>学校&co\nshort_name: 恶意\nkind: school\n'
DEPT_UNIT = "name: 测试一中团委\nshort_name: 团委\nkind: department\n"
ACCOUNT = """name: {name}
platform: {platform}
account_id: "{account_id}"
verified: true
certified_subject: 测试市第一中学
opened_on: 2024-05-06
filed_on: 2024-05-08
{status}interactive: true
content_review: true
followers: {followers}
contacts:
  supervisor:
    name: 秘密姓名甲
    phone: "13911112222"
  ops_lead:
    name: 秘密姓名乙
    phone: "13933334444"
    wechat: secret_wechat_id
"""
EVIL = "filings/evil/weibo--1234567890.yaml"
NAME = "'\"><img src=x onerror=alert(1)>&amp;"
SUSPENDED = "status: suspended\nsuspended_on: 2026-04-01\nsuspend_reason: 长期未更新\n"
DEREGISTERED = "status: deregistered\nderegistered_on: 2026-06-01\nderegister_reason: 整合\n"
PEOPLE = ("张提交", "王审核", "秘密姓名甲", "13911112222", "secret_wechat_id")


def _account(name: str = NAME, status: str = "status: active\n", followers: int = 10,
             platform: str = "weibo", account_id: str = "1234567890") -> str:
    return ACCOUNT.format(name=json.dumps(name, ensure_ascii=False), status=status,
                          followers=followers, platform=platform, account_id=account_id)


def _commit(root: Path, day: str, files: dict[str, str]) -> None:
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, "utf-8")
    assert check_registry(root).errors == 0, day  # each version is a valid filing
    env = {**os.environ, "GIT_AUTHOR_NAME": PEOPLE[0], "GIT_COMMITTER_NAME": PEOPLE[1],
           "GIT_AUTHOR_EMAIL": "a@example.invalid", "GIT_COMMITTER_EMAIL": "r@example.invalid",
           "GIT_AUTHOR_DATE": f"{day}T12:00:00+08:00", "GIT_COMMITTER_DATE": f"{day}T12:00:00+08:00"}
    for args in (["add", "-A"], ["commit", "-q", "-m", day]):
        subprocess.run(["git", "-C", str(root), *args], env=env, check=True)


@pytest.fixture(scope="module")
def history_registry(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The public view of a small registry whose history holds every kind of event: a hostile
    unit's hostile account opened, renamed (变更), its figures updated (no event), suspended,
    resumed and deregistered, one commit a month; a department below the school, with its own
    account."""
    root = tmp_path_factory.mktemp("feeds")
    shutil.copytree(CASES / "base", root, dirs_exist_ok=True)
    subprocess.run(["git", "-C", str(root), "init", "-q", "-b", "main"], check=True)
    _commit(root, "2026-01-05", {
        "filings/evil/_unit.yaml": HOSTILE_UNIT, EVIL: _account(),
        "filings/school/dept/_unit.yaml": DEPT_UNIT,
        "filings/school/dept/douyin--tw_test.yaml": _account("测试一中团委", platform="douyin",
                                                             account_id="tw_test"),
        "filings/school/weibo--6000000001.yaml": _account("测试一中", account_id="6000000001")})
    _commit(root, "2026-02-05", {EVIL: _account(NAME + "<b>")})
    _commit(root, "2026-03-05", {EVIL: _account(NAME + "<b>", followers=99)})
    _commit(root, "2026-04-05", {EVIL: _account(NAME + "<b>", SUSPENDED, 99)})
    _commit(root, "2026-05-05", {EVIL: _account(NAME + "<b>", followers=99)})
    _commit(root, "2026-06-05", {EVIL: _account(NAME + "<b>", DEREGISTERED, 99)})
    registry = check_registry(root).registry
    return public_registry(registry, read_history(root))


def _feeds(public: Any, **options: Any) -> dict[str, bytes]:
    files, units = feed_files(public, options.pop("notices", ()), "测试门户",
                              options.pop("site_url", SITE_URL), "2026-12-01", **options)
    return {**files, **dict(units())}


@pytest.mark.git
def test_every_kind_of_event_from_the_history(history_registry: Any) -> None:
    feeds = _feeds(history_registry)
    evil = entries(checked(feeds["u/evil/feed.atom"]))
    assert [(e["kind"], e["day"]) for e in evil] == [
        ("deregister", "2026-06-05"), ("resume", "2026-05-05"), ("suspend", "2026-04-05"),
        ("change", "2026-02-05"),  # the figures of March: no event
        # Filed 2024-05-08, entered in 2026 (补录): announced the day it reached the registry.
        ("open", "2026-01-05")]
    assert [e["summary"].rsplit("状态：", 1)[1] for e in evil] == [
        "已注销", "在用", "暂停使用", "在用", "在用"]
    assert {e["link"] for e in evil} == {f"{SITE_URL}a/{account_code('weibo', '1234567890')}/"}
    # The same event has the same id in every feed and every build.
    registry = entries(checked(feeds[REGISTRY_FEED]))
    assert [e["id"] for e in registry if e["link"] == evil[0]["link"]] == [e["id"] for e in evil]
    assert _feeds(history_registry) == feeds


@pytest.mark.git
def test_hostile_text_is_escaped_and_no_person_is_named(history_registry: Any) -> None:
    feeds = _feeds(history_registry)
    title = entries(checked(feeds["u/evil/feed.atom"]))[0]["title"]
    assert title == f'注销：<script>alert("unit")</script>学校&co 微博「{NAME}<b>」'
    for path, data in feeds.items():
        text = data.decode("utf-8")
        assert "<script>" not in text and "<img" not in text and "<b>" not in text, path
        assert "&lt;script&gt;" in text or path != "u/evil/feed.atom"
        assert not [p for p in PEOPLE if p in text], path


@pytest.mark.git
def test_a_unit_feed_holds_its_subtree(history_registry: Any) -> None:
    feeds = _feeds(history_registry)
    school = {e["title"] for e in entries(checked(feeds["u/school/feed.atom"]))}
    dept = {e["title"] for e in entries(checked(feeds["u/school/dept/feed.atom"]))}
    assert dept == {"开设：测试一中团委 抖音「测试一中团委」"}
    assert school == dept | {"开设：测试市第一中学 微博「测试一中」"}
    assert "u/feed.atom" not in feeds  # the root unit's is the registry's
    assert len(entries(checked(feeds[REGISTRY_FEED]))) == 7


@pytest.mark.git
def test_the_newest_entries_are_kept(history_registry: Any) -> None:
    feeds = _feeds(history_registry, registry_entries=3, unit_entries=2)
    full = _feeds(history_registry)
    assert entries(checked(feeds[REGISTRY_FEED])) == entries(checked(full[REGISTRY_FEED]))[:3]
    for path in ("u/evil/feed.atom", "u/school/feed.atom", "u/school/dept/feed.atom"):
        kept = entries(checked(feeds[path]))
        assert kept == entries(checked(full[path]))[:2], path
    assert "最近 3 条" in feeds[REGISTRY_FEED].decode("utf-8")


@pytest.mark.git
def test_without_an_address_links_are_relative_to_the_feed(history_registry: Any) -> None:
    code = account_code("douyin", "tw_test")
    for path, data in _feeds(history_registry, site_url=None).items():
        feed = checked(data)
        base = urljoin(f"https://portal.example/{path}", feed.get("{http://www.w3.org/XML/1998/namespace}base"))
        assert base == "https://portal.example/", path  # the site's root
        assert urljoin(base, feed.find(f"{A}link[@rel='self']").get("href")) == \
            f"https://portal.example/{path}"
        for entry in entries(feed):
            assert not urlsplit(entry["link"]).scheme and entry["link"].startswith("a/")
        if path == "u/school/dept/feed.atom":
            assert entries(feed)[0]["link"] == f"a/{code}/"


@pytest.mark.git
def test_a_notice_names_its_accounts(history_registry: Any) -> None:
    school = next(a for a in history_registry.accounts if a.unit == "school")
    dept = next(a for a in history_registry.accounts if a.unit == "school/dept")
    named = tuple(NoticedAccount(a.name, a.platform_label, a.unit_name, f"u/{a.unit}/",
                                 a.status_label, a.code) for a in (school, dept))
    notice = Notice("2026-07-01", "测试市教育局", None, "https://jyj.example/t.html", None, named)
    feeds = _feeds(history_registry, notices=[notice, notice])  # recorded twice: two entries
    for path in (REGISTRY_FEED, "u/school/feed.atom", "u/school/dept/feed.atom"):
        found = [e for e in entries(checked(feeds[path])) if e["kind"] == "notice"]
        assert len(found) == 2 and found[0]["id"] != found[1]["id"], path
        assert found[0]["title"] == "公开通报：测试市第一中学 微博「测试一中」等 2 个账号（测试市教育局）"
        assert found[0]["related"] == [f"{SITE_URL}a/{school.code}/", f"{SITE_URL}a/{dept.code}/"]
    assert not [e for e in entries(checked(feeds["u/evil/feed.atom"])) if e["kind"] == "notice"]


def test_characters_xml_cannot_hold_are_replaced(tmp_path: Path) -> None:
    root = build_case(CASES / "valid" / "minimal", tmp_path)
    public = public_registry(check_registry(root).registry)
    account = replace(public.accounts[0], name="控制\x01字符\ud800")
    feeds = feed_files(replace(public, accounts=(account,)), (), "门户", None, "2026-12-01")[0]
    title = entries(checked(feeds[REGISTRY_FEED]))[0]["title"]
    assert title.endswith("「控制\ufffd字符\ufffd」")
