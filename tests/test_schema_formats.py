"""Every pattern the schemas rely on really rejects bad values (jsonschema skips some
formats silently, so nothing here uses ``format``), and accepts good ones."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from site_gen.loader import Document, parse_document
from site_gen.schemas import check_schema, load_schemas

ACCOUNT: dict[str, Any] = {
    "name": "测试一中", "platform": "weibo", "account_id": "1234567890", "verified": True,
    "certified_subject": "测试市第一中学", "opened_on": "2024-05-06", "filed_on": "2024-05-08",
    "status": "active", "interactive": True, "content_review": True,
    "contacts": {"supervisor": {"name": "张三", "phone": "13900001111"},
                 "ops_lead": {"name": "李四", "phone": "13900002222", "wechat": "lisi_2024"}},
}
UNIT: dict[str, Any] = {"name": "测试市第一中学", "short_name": "测试一中", "kind": "school"}
WEBSITE = {**ACCOUNT, "platform": "website", "account_id": "www.ceshi.example", "website": {}}
APP = {**ACCOUNT, "platform": "app", "account_id": "cn.example.ceshi", "app": {}}

# (kind, base document, path, good values, bad values)
TABLE: list[tuple[str, dict[str, Any], tuple[str, ...], list[Any], list[Any]]] = [
    ("account", ACCOUNT, ("url",), ["https://weibo.com/u/1", "http://a.example/x?y=1#z",
                                    "https://例子.中国/路径"],
     ["javascript:alert(1)", "ftp://a.example", "https://", "https://a b.example",
      "//a.example", "https://a.example/\"onmouseover=x", "https://a.example/<script>",
      "data:text/html,hi", "https://a.example/" + "x" * 500]),
    ("account", ACCOUNT, ("opened_on",), ["2024-05-06"],
     ["2024-5-6", "2024/05/06", "20240506", "2024-05-06T00:00", "24-05-06", " 2024-05-06"]),
    ("account", ACCOUNT, ("contacts", "ops_lead", "phone"),
     ["13900002222", "020-37626715", "+86 139 0000 2222", "(020)37626715"],
     ["请联系办公室", "123", "1390000222x", "-13900002222", "1" * 30]),
    ("account", ACCOUNT, ("contacts", "ops_lead", "wechat"), ["lisi_2024", "13900002222"],
     ["li si", "ab", "李四", "x" * 31]),
    ("account", ACCOUNT, ("account_id",), ["gh_3a1f5c7d9e01", "测试@x"], ["a b", "", "x" * 129]),
    ("account", WEBSITE, ("website", "icp"), ["粤ICP备12345678号", "京ICP备1234567号-12"],
     ["ICP备12345678号", "粤ICP12345678号", "粤ICP备12345678", "粤ICP备12345678号-"]),
    ("account", WEBSITE, ("website", "psb"), ["粤公网安备 44010002000001号", "粤公网安备44010002000001号"],
     ["粤公网安备 4401000200000号", "公网安备 44010002000001号"]),
    ("account", WEBSITE, ("website", "mlps_level"), [1, 5], [0, 6, "三级", 2.5]),
    ("account", ACCOUNT, ("posts",), [{"2025": 320}], [{"25": 1}, {"2025": -1}, {"2025": "many"}]),
    ("unit", UNIT, ("credit_code",), ["12990100MB0000009G"],
     ["12990100MB000000", "12990100MB0000009I", "12990100mb0000009g"]),
    ("unit", UNIT, ("region_code",), ["440100"], ["44010", "040100", "4401000", "4401a0"]),
    ("unit", UNIT, ("short_name",), ["测试一中"], ["测试/一中", "测试 一中", "a:b", ""]),
    ("unit", UNIT, ("reviewers",), [["@ceshi", "@org/team-1"]], [["ceshi"], ["@"], ["@a/b c"]]),
]


def document(kind: str, base: dict[str, Any], path: tuple[str, ...], value: Any) -> Document:
    data = copy.deepcopy(base)
    target = data
    for key in path[:-1]:
        target = target.setdefault(key, {})
    target[path[-1]] = value
    result = parse_document(json.dumps(data, ensure_ascii=False).encode("utf-8"), f"{kind}.yaml")
    assert isinstance(result, Document)
    return result


@pytest.mark.parametrize("kind,base,path,good,bad", TABLE, ids=[".".join(t[2]) for t in TABLE])
def test_pattern(kind: str, base: dict[str, Any], path: tuple[str, ...], good: list[Any],
                 bad: list[Any]) -> None:
    for value in good:
        assert check_schema(document(kind, base, path, value), kind) == [], value
    for value in bad:
        found = check_schema(document(kind, base, path, value), kind)
        assert found, f"{value!r} was accepted"
        assert all(p.code.startswith("E-SCHEMA-") for p in found)


def test_no_schema_relies_on_format() -> None:
    assert '"format"' not in json.dumps(load_schemas())


def test_every_property_has_a_chinese_title_and_description() -> None:
    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            for name, prop in node.get("properties", {}).items():
                if "$ref" not in prop or "title" in prop:
                    assert "title" in prop or "$ref" in prop, f"{where}.{name}"
                assert prop.get("description") or "$ref" in prop, f"{where}.{name}"
            for key, value in node.items():
                if key != "allOf":  # conditions refine fields described above
                    walk(value, f"{where}.{key}")

    for name, schema in load_schemas().items():
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        walk(schema, name)


def test_strings_and_lists_are_bounded() -> None:
    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            if node.get("type") == "string":
                unbounded = "+" in node.get("pattern", "+") or "*" in node.get("pattern", "")
                assert "maxLength" in node or not unbounded, where
            if node.get("type") == "array":
                assert "maxItems" in node, where
            for key, value in node.items():
                walk(value, f"{where}.{key}")

    for name, schema in load_schemas().items():
        walk(schema, name)


def _kind_of(path: str) -> str:
    name = path.rpartition("/")[2]
    return {"_unit.yaml": "unit", "_counterfeits.yaml": "counterfeits"}.get(name, "account")


def test_fast_and_reference_validators_agree() -> None:
    """The compiled fast path may only ever say 'valid' when jsonschema agrees."""
    from pathlib import Path

    from site_gen.schemas import coerce_plain_numbers, is_valid, validator_for

    repo = Path(__file__).parent.parent
    documents: list[tuple[str, Any]] = []
    for file in sorted([*repo.joinpath("tests/cases").rglob("*.yaml"),
                        *repo.joinpath("filings").rglob("*.yaml")]):
        result = parse_document(file.read_bytes(), str(file))
        if isinstance(result, Document):
            kind = _kind_of(str(file))
            coerce_plain_numbers(result, kind)
            documents.append((kind, result.data))
    for kind, base, path, good, bad in TABLE:
        for value in good + bad:
            documents.append((kind, document(kind, base, path, value).data))
    assert len(documents) > 150
    for kind, data in documents:
        reference = not any(validator_for(kind).iter_errors(data))
        assert is_valid(data, kind) == reference, (kind, data)
