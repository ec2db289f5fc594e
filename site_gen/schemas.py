"""The JSON Schemas of ``schema/``, and their errors turned into Chinese a clerk can act on."""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable, Iterable, Iterator
from functools import cache, lru_cache
from importlib import resources
from typing import Any

import fastjsonschema
from jsonschema import Draft202012Validator, ValidationError

from .catalogue import Problem, problem
from .labels import ENUM_LABELS
from .loader import Document, JsonPath

SCHEMA_FILES = ("common", "unit", "account", "counterfeits", "actions")

# Why a field may not be written, for the schema's ``{"not": {}}`` branches
# (not ``false``: jsonschema loses the path of a ``false`` schema's error).
_NOT_ALLOWED = {
    "website": "只有网站、APP 和小程序（platform: website、app、mini_program）才填写网站信息",
    "app": "只有 APP（platform: app）才填写 APP 信息",
    "closed_on": "还在办理中（status: reported）的假冒账号不填处置日期；关停或不予处置后，把 status 改为 "
                 "taken_down 或 refused，再填写 closed_on",
    "wechat_kind": "只有微信公众号（platform: wechat_official）才填写账号类型",
    "deregistered_on": "在用（status: active）的账号不填注销信息；如果已经注销，请把 status 改为 deregistered",
    "deregister_reason": "在用（status: active）的账号不填注销信息；如果已经注销，请把 status 改为 deregistered",
    **dict.fromkeys(("suspended_on", "suspend_reason", "suspend_order"),
                    "只有暂停使用（status: suspended）的账号才填暂停信息；恢复使用后请删去这几项"),
}
_EXPECTED_TYPE = {
    "boolean": "只能填 true（是）或 false（否）",
    "integer": "要填一个整数，例如 320",
    "string": "要填一段文字",
    "object": "要写成下一层缩进的“字段: 值”",
    "array": "要写成以“- ”开头的列表",
}


@lru_cache(maxsize=1)
def load_schemas() -> dict[str, dict[str, Any]]:
    """The four schemas by name, as shipped with the package."""
    folder = resources.files("site_gen.schema")
    return {
        name: json.loads(folder.joinpath(f"{name}.schema.json").read_text("utf-8"))
        for name in SCHEMA_FILES
    }


def _inline(node: Any, base: str, schemas: dict[str, dict[str, Any]]) -> Any:
    """``node`` with every ``$ref`` replaced by its target (our schemas are not recursive);
    keys written beside a ``$ref`` (a title, say) win over the target's."""
    if isinstance(node, list):
        return [_inline(item, base, schemas) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        file, _, pointer = node["$ref"].partition("#")
        target_base = file.removesuffix(".schema.json") if file else base
        target: Any = schemas[target_base]
        for part in filter(None, pointer.split("/")):
            target = target[part]
        siblings = {k: v for k, v in node.items() if k != "$ref"}
        return {**_inline(target, target_base, schemas), **_inline(siblings, base, schemas)}
    return {key: _inline(value, base, schemas) for key, value in node.items()
            if key not in ("$defs", "$id")}


@cache
def bundled_schema(kind: str) -> dict[str, Any]:
    """The schema of ``kind`` (unit, account or counterfeits) with every reference inlined."""
    schemas = load_schemas()
    return dict(_inline(schemas[kind], kind, schemas))


@cache
def validator_for(kind: str) -> Draft202012Validator:
    """The reference validator: slow, but it reports every error with its path."""
    return Draft202012Validator(bundled_schema(kind))


@cache
def _fast_validator(kind: str) -> Callable[[Any], Any]:
    # fastjsonschema compiles the schema to Python code: about ten times faster than
    # jsonschema for the common case of a valid file. It stops at the first error, so an
    # invalid file is checked again by jsonschema for the full, translated list.
    # The bundled schema uses nothing beyond draft 7, which fastjsonschema implements.
    draft7 = {**bundled_schema(kind), "$schema": "http://json-schema.org/draft-07/schema#"}
    return fastjsonschema.compile(draft7)


def is_valid(data: Any, kind: str) -> bool:
    try:
        _fast_validator(kind)(data)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


def _plain(node: Any) -> Any:
    """``node`` with each ``anyOf`` of a mapping and a sealed text (``contacts``) replaced by
    the mapping, keeping the outer title and description: the shape a filer writes."""
    if isinstance(node, list):
        return [_plain(item) for item in node]
    if not isinstance(node, dict):
        return node
    branches = node.get("anyOf")
    if branches:
        mapping = next((b for b in branches if b.get("type") == "object"), None)
        if mapping is not None:
            outer = {k: v for k, v in node.items() if k != "anyOf"}
            return {**_plain(mapping), **outer}
    return {key: _plain(value) for key, value in node.items()}


@cache
def plain_schema(kind: str) -> dict[str, Any]:
    """The schema of ``kind`` as a filer writes it: contacts as a mapping, never sealed
    (what ``field_schemas`` walks, the filing form is generated from and fields.md lists)."""
    return dict(_plain(bundled_schema(kind)))


def field_schemas(kind: str, path: JsonPath) -> list[dict[str, Any]]:
    """The schema of each step along ``path``, or [] if there is none."""
    node = plain_schema(kind)
    chain: list[dict[str, Any]] = []
    for key in path:
        child = None
        if isinstance(key, int):
            child = node.get("items")
        elif key in node.get("properties", {}):
            child = node["properties"][key]
        elif isinstance(node.get("additionalProperties"), dict):
            child = node["additionalProperties"]
        if not isinstance(child, dict):
            return []
        chain.append(child)
        node = child
    return chain


def coerce_plain_numbers(doc: Document, kind: str) -> None:
    """Turn unquoted numbers back into their exact text where the schema wants text.

    ``phone: 02037626715`` never became a number (leading zero); ``phone: 13800000000``
    did, and here gets its digits back, so a phone number or ID is kept as written.
    """
    for path, text in doc.plain_numbers.items():
        chain = field_schemas(kind, path)
        if chain and chain[-1].get("type") == "string":
            parent = doc.data
            for key in path[:-1]:
                parent = parent[key]
            parent[path[-1]] = text


def check_schema(doc: Document, kind: str) -> list[Problem]:
    """Every schema problem of ``doc``, translated, in file order."""
    coerce_plain_numbers(doc, kind)
    if is_valid(doc.data, kind):
        return []
    found = [_translate(error, doc, kind) for error in _errors(doc, kind)]
    return sorted(set(found))


def check_value(kind: str, path: JsonPath, value: Any) -> list[str]:
    """The validator's messages for one value at ``path`` (``site-gen new`` asks again)."""
    from .loader import parse_document

    chain = field_schemas(kind, path)
    if not chain:
        return []
    data: Any = value
    for key in reversed(path):
        data = {key: data}
    doc = parse_document(json.dumps(data, ensure_ascii=False).encode("utf-8"), "value")
    assert isinstance(doc, Document)
    messages = []
    for error in _explained(Draft202012Validator(chain[-1]).iter_errors(value)):
        error.path.extendleft(reversed(path))
        messages.append(_translate(error, doc, kind).message)
    return messages


def _errors(doc: Document, kind: str) -> Iterator[ValidationError]:
    yield from _explained(validator_for(kind).iter_errors(doc.data))


def _explained(errors: Iterable[ValidationError]) -> Iterator[ValidationError]:
    """Errors one per field; for ``contacts`` (a mapping or a sealed text), those of the
    branch that was meant: an armoured text is judged as sealed, anything else (a name and a
    phone number typed on one line, say) as the mapping."""
    for error in errors:
        if error.validator == "anyOf":
            meant = 1 if isinstance(error.instance, str) and "-----BEGIN" in error.instance else 0
            yield from _explained(e for e in error.context or ()
                                  if e.relative_schema_path[0] == meant)
        elif error.validator == "required":
            missing = [name for name in error.validator_value if name not in error.instance]
            for name in missing:
                yield ValidationError(name, validator="required", path=error.absolute_path,
                                      instance=error.instance, schema=error.schema)
        elif error.validator == "additionalProperties":
            known = error.schema.get("properties", {})
            for name in error.instance:
                if name not in known:
                    yield ValidationError(name, validator="additionalProperties",
                                          path=[*error.absolute_path, name],
                                          instance=error.instance, schema=error.schema)
        else:
            yield error


def display_path(path: JsonPath) -> str:
    """``contacts.staff[2].phone``: dotted, with 1-based positions in lists."""
    text = ""
    for key in path:
        text += f"[{key + 1}]" if isinstance(key, int) else (f".{key}" if text else key)
    return text or "文件"


def _title(kind: str, path: JsonPath) -> str:
    titles = [step["title"] for step in field_schemas(kind, path)
              if "title" in step and step.get("type") != "array"]
    return " · ".join(titles[-2:]) if titles else display_path(path)


# Contacts are personal: a problem in them names the field and never quotes what was written,
# so that no log or job summary repeats a phone number (docs/contacts.md).
PRIVATE_VALUE = "（联系人内容不在检查结果里显示）"


def _shown(path: JsonPath, instance: Any) -> str:
    return PRIVATE_VALUE if path[:1] == ("contacts",) else _value(instance)


def _value(instance: Any) -> str:
    if isinstance(instance, bool):
        return "true" if instance else "false"
    if isinstance(instance, list):
        return "一个列表（[…] 或以“- ”开头的几行）"
    if isinstance(instance, dict):
        return "下一层的“字段: 值”"
    text = str(instance)
    return text if len(text) <= 40 else text[:40] + "…"


def _translate(error: ValidationError, doc: Document, kind: str) -> Problem:
    path: JsonPath = tuple(error.absolute_path)
    name = str(path[-1]) if path else ""
    line, column = doc.position(path)
    base = {"field": display_path(path), "title": _title(kind, path)}
    where = f"“{display_path(path[:-1])}”中" if len(path) > 1 else ""
    validator = error.validator
    if validator == "required":
        field_path = (*path, error.message)
        where = f"“{display_path(path)}”中" if path else ""
        return problem("E-SCHEMA-REQUIRED", doc.path, line, column, where=where,
                       field=error.message, title=_title(kind, field_path))
    if validator == "additionalProperties":
        line, column = doc.key_position(path)
        known = list(error.schema.get("properties", {}))
        close = difflib.get_close_matches(name, known, n=1)
        hint = f"是不是“{close[0]}”？" if close else ""
        return problem("E-SCHEMA-UNKNOWN", doc.path, line, column, where=where,
                       field=name, hint=hint)
    if validator == "not":  # ``{"not": {}}``: the field may not be written here
        line, column = doc.key_position(path)
        reason = _NOT_ALLOWED.get(name, "请删去这一项")
        return problem("E-SCHEMA-NOT-ALLOWED", doc.path, line, column, reason=reason, **base)
    if validator == "type":
        if error.instance is None:
            return problem("E-SCHEMA-EMPTY", doc.path, line, column, **base)
        expected = _EXPECTED_TYPE.get(str(error.validator_value), "类型不对")
        if error.validator_value == "string" and isinstance(error.instance, bool):
            expected += "（true/false 这类词如要当文字，请用引号括起来）"
        return problem("E-SCHEMA-TYPE", doc.path, line, column, expected=expected,
                       value=_shown(path, error.instance), **base)
    if validator == "enum":
        choices = "、".join(f"{choice}（{ENUM_LABELS[choice]}）" if choice in ENUM_LABELS
                           else str(choice) for choice in error.validator_value)
        meant = [c for c in error.validator_value if ENUM_LABELS.get(c) == error.instance]
        hint = f"请改写为 {meant[0]}。" if meant else ""  # the Chinese label instead of the code
        return problem("E-SCHEMA-ENUM", doc.path, line, column, choices=choices,
                       value=_shown(path, error.instance), hint=hint, **base)
    if validator == "pattern":
        if "propertyNames" in error.schema_path:
            line, column = doc.key_position((*path, str(error.instance)))
        expected = (error.schema.get("x-format") or error.schema.get("description")
                    or _field_description(kind, path))
        return problem("E-SCHEMA-FORMAT", doc.path, line, column,
                       expected=expected.rstrip("。"), value=_shown(path, error.instance), **base)
    if validator in ("minLength", "maxLength", "minItems", "maxItems", "maxProperties"):
        return problem("E-SCHEMA-LENGTH", doc.path, line, column,
                       expected=_length_expected(validator, error), **base)
    if validator in ("minimum", "maximum"):
        word = "不能小于" if validator == "minimum" else "不能大于"
        return problem("E-SCHEMA-RANGE", doc.path, line, column,
                       expected=f"{word} {error.validator_value}",
                       value=_shown(path, error.instance), **base)
    detail = "列表里有重复的项，请删去重复的" if validator == "uniqueItems" else error.message
    return problem("E-SCHEMA-OTHER", doc.path, line, column, field=base["field"], detail=detail)


def _field_description(kind: str, path: JsonPath) -> str:
    chain = field_schemas(kind, path)
    return str(chain[-1].get("description", "请对照说明填写")) if chain else "请对照说明填写"


def _length_expected(validator: str, error: ValidationError) -> str:
    limit = error.validator_value
    if validator == "minLength":
        return f"至少要 {limit} 个字"
    if validator == "maxLength":
        return f"最多 {limit} 个字，现在有 {len(error.instance)} 个字"
    if validator == "minItems":
        return f"至少要 {limit} 项"
    return f"最多 {limit} 项，现在有 {len(error.instance)} 项"
