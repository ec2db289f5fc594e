"""The static verify API (api/v1/, a/<code>.json; site_gen/api.py): one small schema-valid
record an account, found by platform and normalised ID or by code; 404 means not filed."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from site_gen.api import api_key
from site_gen.identity import account_code

from .conftest import REPO
from .portal_helpers import serve

WEIBO = "api/v1/accounts/weibo/6012300001.json"
MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def _json(site: Path, uri: str) -> Any:
    return json.loads((site / uri).read_text("utf-8"))


def _validator(site: Path, name: str) -> jsonschema.Draft202012Validator:
    schema = _json(site, f"api/v1/{name}")
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _accounts(site: Path) -> list[dict[str, Any]]:
    return list(_json(site, "data/registry.json")["accounts"])


def test_the_published_schemas_are_the_repositorys(demo_site: Path) -> None:
    for published, shipped in (("account", "api-account"), ("platform", "api-platform"),
                               ("index", "api-index")):
        assert (demo_site / f"api/v1/{published}.schema.json").read_bytes() == \
            (REPO / "schema" / f"{shipped}.schema.json").read_bytes()


def test_the_demo_account_answers_by_key_and_by_code(demo_site: Path) -> None:
    code = account_code("weibo", "6012300001")
    by_key, by_code = (demo_site / WEIBO).read_bytes(), (demo_site / f"a/{code}.json").read_bytes()
    assert by_key == by_code and b"\n" not in by_key and b": " not in by_key
    record = json.loads(by_key)
    _validator(demo_site, "account.schema.json").validate(record)
    assert record["api"] == "1" and record["demo"] is True
    assert (record["status"], record["platform"], record["account_id"], record["code"]) == \
        ("active", "weibo", "6012300001", code)
    assert record["page"].endswith(f"/a/{code}/") and record["page"].startswith("https://")


def test_the_key_is_the_registrys_normalised_id() -> None:
    assert api_key("douyin", "@SHILI1Z") == api_key("douyin", "ＳＨＩＬＩ１Ｚ") == "shili1z"
    assert api_key("website", "WWW.Shili1z.example") == "shili1z.example"
    odd = api_key("other", "示例 教育")  # not a slug: "~" and a digest of the key
    assert re.fullmatch(r"~[0-9a-f]{8}", odd)
    assert api_key("other", "@示例 教育") == odd
    # No filed ID can take another's hashed key: "~" is never in a slug.
    hashed = api_key("other", "%2F")
    assert re.fullmatch(r"2f~[0-9a-f]{8}", hashed)
    assert api_key("other", hashed.replace("~", "-")) != hashed


def test_every_account_has_both_files_and_they_agree(demo_site: Path) -> None:
    validator = _validator(demo_site, "account.schema.json")
    accounts = _accounts(demo_site)
    assert len(accounts) > 40
    for account in accounts:
        key = api_key(account["platform"], account["account_id"])
        text = (demo_site / f"api/v1/accounts/{account['platform']}/{key}.json").read_text("utf-8")
        assert (demo_site / f"a/{account['code']}.json").read_text("utf-8") == text
        record = json.loads(text)
        validator.validate(record)
        proof = account["proof"]
        assert record == {
            "api": "1", "demo": True, "status": account["status"], "name": account["name"],
            "platform": account["platform"], "platform_label": record["platform_label"],
            "account_id": account["account_id"], "key": key, "unit": account["unit"],
            "unit_path": account["unit_path"], "opened_on": account["opened_on"],
            "filed_on": account["filed_on"], "suspended_on": account["suspended_on"],
            "deregistered_on": account["deregistered_on"],
            "proof": {"checked": bool(proof), "kinds": list(dict.fromkeys(p["kind"] for p in proof)),
                      "last_checked_on": max((p["checked_on"] for p in proof), default=None)},
            "page": record["page"], "code": account["code"]}
        assert record["page"].endswith(f"a/{account['code']}/")
        # Public fields only: no contact, no reviewer.
        assert not MOBILE.search(text), text
        assert "@shili-jyj" not in text and "contact" not in text and '"by"' not in text
    assert any(r["proof"]["checked"] for r in map(
        lambda a: _json(demo_site, f"a/{a['code']}.json"), accounts))


def test_a_suspended_account_says_so(demo_site: Path) -> None:
    record = _json(demo_site, "api/v1/accounts/toutiao/98000000102.json")
    assert record["status"] == "suspended" and record["suspended_on"] == "2026-09-25"
    assert record["deregistered_on"] is None


def test_each_platform_index_lists_exactly_its_accounts(demo_site: Path) -> None:
    validator = _validator(demo_site, "platform.schema.json")
    accounts = _accounts(demo_site)
    index = _json(demo_site, "api/v1/index.json")
    for platform in {a["platform"] for a in accounts}:
        keys = _json(demo_site, f"api/v1/accounts/{platform}.json")
        validator.validate(keys)
        assert list(keys) == sorted(keys)
        assert keys == {api_key(a["platform"], a["account_id"]): a["code"]
                        for a in accounts if a["platform"] == platform}
        assert index["platforms"][platform]["count"] == len(keys)
    assert set(index["platforms"]) == {a["platform"] for a in accounts}


def test_the_api_index_names_the_files(demo_site: Path) -> None:
    index = _json(demo_site, "api/v1/index.json")
    _validator(demo_site, "index.schema.json").validate(index)
    assert index["api"] == "1" and index["generated_on"] == "2026-09-21"  # FIXED_EPOCH's day
    assert index["account"] == "api/v1/accounts/{platform}/{key}.json"
    assert index["by_code"] == "a/{code}.json"
    for uri in [*index["schemas"].values(), *(p["index"] for p in index["platforms"].values())]:
        assert (demo_site / uri).is_file(), uri
    assert (demo_site / index["account"].format(platform="weibo", key="6012300001")).is_file()


def test_served_on_loopback_a_handle_answers_or_is_404(demo_site: Path) -> None:
    with serve(demo_site) as url:
        with urllib.request.urlopen(url + WEIBO, timeout=10) as response:  # noqa: S310
            assert response.status == 200
            record = json.loads(response.read())
        _validator(demo_site, "account.schema.json").validate(record)
        assert record["account_id"] == "6012300001"
        code = record["code"]
        with urllib.request.urlopen(f"{url}a/{code}.json", timeout=10) as response:  # noqa: S310
            assert json.loads(response.read()) == record
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(url + "api/v1/accounts/weibo/6099999999.json",  # noqa: S310
                                   timeout=10)
        missing.value.close()  # the error is the response: its socket too
        assert missing.value.code == 404


def test_the_documented_browser_key_is_the_builds(demo_site: Path) -> None:
    """The browser extension's ``apiKey`` in docs/opendata.md, run in Node, names the same
    file as ``api_key`` for every demo account and for IDs that are not slugs."""
    import subprocess

    docs = (REPO / "docs" / "opendata.md").read_text("utf-8")
    function = re.search(r"async function apiKey\(platform, id\) \{.*?\n\}", docs, re.S)
    assert function is not None
    pairs = [[a["platform"], a["account_id"]] for a in _accounts(demo_site)]
    pairs += [["other", i] for i in ("%2F", "2f~0000000", "示例 教育", "..", "]]>", "Ｗ Ｗ", "a" * 120)]
    pairs += [["website", "WWW.Shili1z.example"], ["douyin", "@@SHILI1Z"]]
    script = function.group(0) + f"\nPromise.all({json.dumps(pairs)}.map(p => apiKey(p[0], p[1])))" \
                                  ".then(keys => console.log(JSON.stringify(keys)));"
    run = subprocess.run(["node", "-e", script], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == [api_key(p, i) for p, i in pairs]
