"""``site-gen build`` on the demo and on a hostile registry: pages, privacy, escaping,
open data and determinism (real mkdocs builds)."""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
from pathlib import Path

from jsonschema import Draft202012Validator

from site_gen.rules import check_registry

from .conftest import CASES, REPO
from .portal_helpers import build, portal_source


def contact_values() -> set[str]:
    """Every name, phone number and WeChat ID in any contacts block of the demo (sealed:
    opened with the demo key)."""
    from .test_contacts import demo_values

    return demo_values()


def test_demo_pages(demo_site: Path) -> None:
    for page in ("index.html", "verify/index.html", "directory/index.html",
                 "counterfeits/index.html", "statistics/index.html", "u/index.html",
                 "u/dongcheng/shiyan-xiaoxue/index.html", "guide-verify/index.html",
                 "guide-report/index.html", "data/registry.json", "data/accounts.csv",
                 "data/registry.schema.json"):
        assert (demo_site / page).is_file(), page
    home = (demo_site / "index.html").read_text("utf-8")
    assert "演示数据" in home and 'id="verify-query"' in home and 'lang="zh"' in home
    assert "<strong>45</strong> 个在用账号" in home and "<strong>1</strong> 个暂停使用" in home and "数据更新于 2026-09-21" in home
    verify = (demo_site / "verify" / "index.html").read_text("utf-8")
    assert 'id="verify-query"' in verify and 'id="verify-result"' in verify
    stats = (demo_site / "statistics" / "index.html").read_text("utf-8")
    assert stats.count('class="sg-svg"') == 2 and "已注销" in stats
    unit = (demo_site / "u" / "xicheng" / "index.html").read_text("utf-8")
    assert "已注销" in unit and "2025-06-30" in unit and "6012300003" in unit
    assert 'rel="noopener nofollow"' in unit
    fakes = (demo_site / "counterfeits" / "index.html").read_text("utf-8")
    assert "示例一中官方" in fakes and "示例市第一中学" in fakes


def test_no_contacts_value_anywhere(demo_site: Path) -> None:
    values = contact_values()
    for file in demo_site.rglob("*"):
        if file.is_file() and file.suffix in {".html", ".json", ".csv", ".xml", ".js", ".txt"}:
            text = file.read_text("utf-8", errors="replace")
            leaked = [v for v in values if v in text]
            assert not leaked, f"{file}: {leaked[:5]}"
            # Nor ciphertext (every armoured age file starts with this, "age-encryption"):
            # open data is built from an allow-list, and contacts are not on it.
            assert "YWdlLWVuY3J5cHRpb24" not in text, file


def test_no_third_party_resources(demo_site: Path) -> None:
    # A <link> that loads something (a canonical link names the page's own address).
    resource = re.compile(r'<(?:script|img|iframe|source)[^>]*\bsrc="(?:https?:)?//|'
                          r'<link(?![^>]*\brel="canonical")[^>]*\bhref="(?:https?:)?//', re.I)
    for page in demo_site.rglob("*.html"):
        text = page.read_text("utf-8")
        assert not resource.search(text), page
        assert "fonts.googleapis" not in text and "fonts.gstatic" not in text


def test_filer_text_stays_out_of_the_theme_search(demo_site: Path) -> None:
    entries = json.loads((demo_site / "search" / "search_index.json").read_text("utf-8"))
    index = "".join(d["location"] + d["title"] + d["text"] for d in entries["docs"])
    index = index.replace("\u200b", "")  # jieba's word breaks
    assert "dc2zhong" not in index and "示例市东城区第二中学" not in index
    assert "如何核验" in index  # the hand-written guides are searchable


def test_open_data(demo_site: Path) -> None:
    document = json.loads((demo_site / "data" / "registry.json").read_text("utf-8"))
    schema = json.loads((demo_site / "data" / "registry.schema.json").read_text("utf-8"))
    Draft202012Validator.check_schema(schema)
    assert list(Draft202012Validator(schema).iter_errors(document)) == []
    assert len(document["accounts"]) == 48 and len(document["counterfeits"]) == 3
    assert document["generated_at"] == "2026-09-21T14:13:20Z"  # SOURCE_DATE_EPOCH
    gone = next(a for a in document["accounts"] if a["account_id"] == "6012300003")
    assert gone["history"] == [{"date": "2020-10-21", "type": "open", "commit": None},
                               {"date": "2025-06-30", "type": "deregister", "commit": None}]
    raw = (demo_site / "data" / "accounts.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw[3:].decode("utf-8"))))
    assert rows[0][:4] == ["平台", "账号名称", "账号ID", "开设单位"]
    assert len(rows) == 49


def test_two_builds_are_byte_identical(demo_site: Path, tmp_path: Path) -> None:
    root = portal_source(tmp_path / "again", REPO / "filings")
    assert build(root, tmp_path / "site2").returncode == 0
    first = {p.relative_to(demo_site): p.read_bytes() for p in demo_site.rglob("*") if p.is_file()}
    second = {p.relative_to(tmp_path / "site2"): p.read_bytes()
              for p in (tmp_path / "site2").rglob("*") if p.is_file()}
    assert first.keys() == second.keys()
    assert [str(k) for k in first if first[k] != second[k]] == []


HOSTILE_UNIT = """name: <script>alert("unit")</script>学校
short_name: 恶意
kind: school
"""
HOSTILE_ACCOUNT = """name: '"><img src=x onerror=alert(1)>[点我](javascript:alert(2))'
platform: weibo
account_id: "1234567890"
url: https://evil.example/a?b=1&c=2
verified: true
certified_subject: </title><script>alert(3)</script>
opened_on: 2024-05-06
filed_on: 2024-05-08
status: active
interactive: true
content_review: true
contacts:
  supervisor:
    name: 秘密姓名甲
    phone: "13911112222"
  ops_lead:
    name: 秘密姓名乙
    phone: "13933334444"
    wechat: secret_wechat_id
"""
HOSTILE_FAKES = """- name: "=HYPERLINK(\\"https://evil.example\\")"
  platform: douyin
  account_id: "*bold*_x_"
  reported_on: 2025-01-01
  status: reported
  note: <iframe src=https://evil.example></iframe>{{ 7*7 }}
"""


def test_hostile_text_is_escaped_everywhere(tmp_path: Path) -> None:
    source = tmp_path / "src"
    filings = source / "filings"
    (filings / "evil").mkdir(parents=True)
    (filings / "_unit.yaml").write_text((CASES / "base" / "filings" / "_unit.yaml").read_text("utf-8"), "utf-8")
    (filings / "evil" / "_unit.yaml").write_text(HOSTILE_UNIT, "utf-8")
    (filings / "evil" / "weibo--1234567890.yaml").write_text(HOSTILE_ACCOUNT, "utf-8")
    (filings / "evil" / "_counterfeits.yaml").write_text(HOSTILE_FAKES, "utf-8")
    root = portal_source(tmp_path / "registry", filings)
    done = build(root, root / "site")
    assert done.returncode == 0, done.stdout + done.stderr
    for page in (root / "site").rglob("*.html"):
        text = page.read_text("utf-8")
        for raw in ("<script>alert", "<img src=x", "<iframe", "</title><script>",
                    'href="javascript:', "<em>bold</em>", "49"):
            if raw == "49":
                assert "{{ 7*7 }}" in text or "7*7" not in text, page
            else:
                assert raw not in text, (page, raw)
        for secret in ("秘密姓名甲", "13911112222", "secret_wechat_id"):
            assert secret not in text
    unit = (root / "site" / "u" / "evil" / "index.html").read_text("utf-8")
    assert "&lt;script&gt;alert(&#34;unit&#34;)&lt;/script&gt;学校" in unit
    assert "<title>&lt;script&gt;alert(&#34;unit&#34;)&lt;/script&gt;学校 · " in unit
    assert "[点我](javascript:alert(2))" in unit
    assert 'href="https://evil.example/a?b=1&amp;c=2" rel="noopener nofollow"' in unit
    fakes = (root / "site" / "counterfeits" / "index.html").read_text("utf-8")
    assert "*bold*_x_" in fakes and "{{ 7*7 }}" in fakes
    csv_text = (root / "site" / "data" / "accounts.csv").read_text("utf-8-sig")
    assert "'\"\"><img" not in csv_text  # the name starts with a quote, not a formula
    shard_text = "".join(p.read_text("utf-8") for p in (root / "site" / "verify" / "index").glob("*.json"))
    assert "秘密姓名甲" not in shard_text


def test_csv_formula_cells_are_neutralised(tmp_path: Path) -> None:
    from site_gen.opendata import accounts_csv
    from site_gen.public import public_registry

    registry = check_registry(REPO).registry
    account = registry.accounts[0]
    evil = type(account).__new__(type(account))
    for field in account.__slots__:
        object.__setattr__(evil, field, getattr(account, field))
    object.__setattr__(evil, "name", "=1+2")
    object.__setattr__(evil, "certified_subject", "@SUM(A1)")
    registry = type(registry)(registry.units, (evil,), ())
    text = accounts_csv(public_registry(registry)).decode("utf-8-sig")
    assert "'=1+2" in text and "'@SUM(A1)" in text


def test_build_stops_on_errors(tmp_path: Path) -> None:
    bad = CASES / "invalid" / "read-bom"
    filings = tmp_path / "filings"
    import shutil

    shutil.copytree(CASES / "base" / "filings", filings)
    shutil.copytree(bad / "filings", filings, dirs_exist_ok=True)
    root = portal_source(tmp_path / "registry", filings)
    done = build(root, root / "site")
    assert done.returncode == 1
    assert "E-READ-BOM" in done.stdout and "没有生成门户" in done.stderr
    assert not (root / "site").exists()


def test_public_notices_only_when_the_registry_chooses(demo_site: Path, tmp_path: Path) -> None:
    # The demo publishes its recorded 通报 (test_casework.py); a registry that does not say
    # ``public_notices: true`` has no such page, whatever it records.
    assert 'href="notices/"' in (demo_site / "index.html").read_text("utf-8")
    import shutil

    filings = tmp_path / "filings"
    shutil.copytree(CASES / "base" / "filings", filings)
    template = (CASES / "valid" / "minimal" / "filings" / "school" / "weibo--1234567890.yaml")
    text = template.read_text("utf-8").replace("last_post_on: 2024-05-06\n", "") \
        + "last_post_on: 2026-06-01\n"  # 112 days before the build
    (filings / "school" / "weibo--1234567890.yaml").write_text(text, "utf-8")
    (filings / "school" / "weibo--1234567891.yaml").write_text(
        text.replace('"1234567890"', '"1234567891"').replace("2026-06-01", "2026-07-01")
        .replace("name: 测试一中", "name: 测试一中二号"), "utf-8")
    # 一中 was given notice and publicly named; 一中二号 is at the 通报 step but nobody
    # recorded a 通报: it is never published.
    (filings / "_actions.yaml").write_text(
        "- kind: rectification_notice\n  number: 测教函〔2026〕5号\n  issued_on: 2026-08-03\n"
        "  to: school\n  accounts: [weibo--1234567890, weibo--1234567891]\n  due_on: 2026-09-03\n"
        "- kind: public_notice\n  number: 测教〔2026〕6号\n  issued_on: 2026-09-05\n  to: school\n"
        "  accounts: [weibo--1234567890]\n  published_at: 测试市教育局网站\n", "utf-8")
    root = portal_source(tmp_path / "registry", filings)
    done = build(root, root / "site")
    assert done.returncode == 0, done.stdout + done.stderr
    assert not (root / "site" / "notices").exists()
    root_unit = root / "filings" / "_unit.yaml"
    root_unit.write_text(root_unit.read_text("utf-8") + "public_notices: true\n", "utf-8")
    done = build(root, root / "site")
    assert done.returncode == 0, done.stdout + done.stderr
    page = (root / "site" / "notices" / "index.html").read_text("utf-8")
    assert "测试一中" in page and "测教〔2026〕6号" in page and "测试市教育局网站" in page
    assert "测试一中二号" not in page and "测教函〔2026〕5号" not in page
    assert 'href="notices/"' in (root / "site" / "index.html").read_text("utf-8")


def _local_targets(page: Path, site: Path) -> list[Path]:
    """The files the page's relative links point at (with index.html for a folder)."""
    targets = []
    for href in re.findall(r'href="([^"#?]*)', page.read_text("utf-8")):
        if href and not href.startswith(("http:", "https:", "mailto:", "/", "data:")):
            target = (page.parent / href).resolve()
            targets.append(target / "index.html" if href.endswith("/") or target.is_dir()
                           else target)
    return targets


def test_unit_pages_are_whole_lean_pages(tmp_path: Path) -> None:
    """Unit pages are written after mkdocs in the small frame (templates/lean.html): each is
    a whole page with its own title, one h1, its canonical address and its feed, its links
    lead somewhere, and with ``site_url`` the sitemap lists them."""
    root = portal_source(tmp_path / "registry", REPO / "filings")
    config = root / "mkdocs.yml"
    config.write_text(re.sub(r"(?m)^site_url: .*$", "site_url: https://registry.example/",
                             config.read_text("utf-8")), "utf-8")
    done = build(root, root / "site")
    assert done.returncode == 0, done.stdout + done.stderr
    site = root / "site"
    registry = check_registry(REPO).registry
    sitemap = (site / "sitemap.xml").read_text("utf-8")
    assert sitemap.count("<loc>https://registry.example/u/") == len(registry.units)
    assert gzip.decompress((site / "sitemap.xml.gz").read_bytes()).decode("utf-8") == sitemap
    for path, unit in registry.units.items():
        page = site / "u" / path / "index.html"
        text = page.read_text("utf-8")
        assert f"<title>{unit.name} · 示例市教育系统官方账号核验</title>" in text, path
        assert text.count("<h1") == 1 and f"<h1>{unit.name}</h1>" in text, path
        assert f"<loc>https://registry.example/u/{path + '/' if path else ''}</loc>" in sitemap
        address = "https://registry.example/u/" + (path + "/" if path else "")
        assert f'<link rel="canonical" href="{address}">' in text
        assert 'type="application/atom+xml"' in text
        missing = [t for t in _local_targets(page, site) if not t.is_file()]
        assert not missing, (path, missing)
    page = (site / "u" / "dongcheng" / "shiyan-xiaoxue" / "index.html").read_text("utf-8")
    # Without the theme: its style sheets, scripts and search are not on the page.
    assert "assets/lean.css" in page and "assets/stylesheets/" not in page
    assert "assets/javascripts/" not in page and "__search" not in page


def test_a_page_in_docs_where_a_unit_page_goes_is_refused(tmp_path: Path) -> None:
    """Unit pages are written after mkdocs: a hand-written docs/u/<unit>/index.md would be
    overwritten silently, so the build refuses it and names it."""
    root = portal_source(tmp_path / "registry", REPO / "filings")
    (root / "docs" / "u" / "dongcheng").mkdir(parents=True)
    (root / "docs" / "u" / "dongcheng" / "index.md").write_text("# 手写页面\n", "utf-8")
    done = build(root, root / "site")
    assert done.returncode == 1
    assert "docs/u/dongcheng/index.md 与生成的页面冲突" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
