"""The reference pages generated from the code, so they cannot drift from it:
``docs/rules.md`` from the catalogue and ``docs/fields.md`` from the schemas.

Run ``python -m site_gen.docsgen`` after changing either; a test fails until you do.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from .catalogue import ERROR, RULES, SEVERITY_TEXT
from .labels import PLATFORMS
from .platforms import id_rules
from .schemas import display_path, field_schemas, load_schemas

PAGES = ("rules.md", "fields.md")
_PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def rules_page() -> str:
    lines = [
        "# 检查规则",
        "",
        "提交备案后，系统逐一检查下面的规则。**错误**必须改正才能通过；**警告**不影响通过，"
        "但说明有不符合通知要求的地方，请尽快处理。每条提示都以“文件:行:列”开头，"
        "后面是规则代码和说明。",
        "",
        "文件因 Tab 缩进或中文冒号“：”读不下去时（`E-READ-SYNTAX`），检查会把这些地方修正后再读一遍，"
        "把其余的格式问题和修正后还会有的问题一并报出，提示以“（修正本文件的格式问题后还会有）”开头，"
        "一轮就能改完；文件在改正之前仍算有错误。`W-PROOF-CHANGED` 只在合并请求的检查"
        "（`validate --since`）中出现。",
        "",
        "| 代码 | 级别 | 规则 | 提示内容（… 处为具体值） |",
        "|---|---|---|---|",
    ]
    for rule in RULES.values():
        if rule.is_audit:
            continue
        level = "错误" if rule.severity == ERROR else "警告"
        template = _PLACEHOLDER.sub("…", rule.template)
        lines.append(f"| `{rule.code}` | {level} | {rule.title} | {_cell(template)} |")
    lines += ["", "## 规则审计（site-gen audit）", "",
              "上级单位用 `site-gen audit` 和报表中的审计表按通知的要求检查登记库。下面的说明写给审核的"
              "教育局工作人员；`json` 输出中的 `rule` 是第二列的名称。期限和阈值见[规则审计](audit.md)。",
              "", "| 代码 | `rule` | 严重程度 | 规则 | 说明（… 处为具体值） |", "|---|---|---|---|---|"]
    for rule in RULES.values():
        if rule.is_audit:
            template = _PLACEHOLDER.sub("…", rule.template)
            lines.append(f"| `{rule.code}` | `{rule.key}` | {SEVERITY_TEXT[rule.severity]} | "
                         f"{rule.title} | {_cell(template)} |")
    return "\n".join(lines) + "\n"


def _rows(kind: str, path: tuple[str | int, ...], node: dict[str, Any]) -> list[str]:
    """One table row per property under ``node`` (the schema at ``path``), depth first."""
    rows = []
    for name in node.get("properties", {}):
        child_path = (*path, name)
        child = field_schemas(kind, child_path)[-1]
        shown = display_path(child_path).replace("[1]", "[n]")
        required = "是" if name in node.get("required", []) else ""
        rows.append(f"| `{shown}` | {_cell(child.get('title', ''))} | {required} | "
                    f"{_cell(child.get('description', ''))} |")
        if "properties" in child:
            rows.extend(_rows(kind, child_path, child))
        if isinstance(child.get("items"), dict):
            rows.extend(_rows(kind, (*child_path, 0), field_schemas(kind, (*child_path, 0))[-1]))
    return rows


def fields_page() -> str:
    schemas = load_schemas()
    lines = ["# 字段说明", "",
             "由 `schema/` 中的 JSON Schema 生成。“必填”为空的字段可以不写；"
             "另有条件必填：微信公众号要写 `wechat_kind`，网站要写 `website`，APP 要写 `app`，"
             "已注销的账号要写 `deregistered_on` 和 `deregister_reason`，已认证的账号要写 "
             "`certified_subject`。", ""]
    for kind, heading, where in (("unit", "单位", "_unit.yaml"),
                                 ("account", "账号备案", "<平台>--<账号标识>.yaml"),
                                 ("counterfeits", "假冒账号名单", "_counterfeits.yaml（每项一个）")):
        schema = schemas[kind]
        lines += [f"## {heading}：`{where}`", "", schema["description"], "",
                  "| 字段 | 名称 | 必填 | 说明 |", "|---|---|---|---|"]
        top: tuple[str | int, ...] = (0,) if kind == "counterfeits" else ()
        lines += _rows(kind, top, schema["items"] if kind == "counterfeits" else schema)
        lines.append("")
    lines += ["## 各平台的账号 ID", "",
              "`account_id` 填平台上能唯一确定账号的 ID，**不是链接，也不是名称**：名称可以被假冒者照抄，"
              "ID 不能。每个平台的写法如下（规则在 `site_gen/data/platforms.json`，检查备案和门户核验页共用）。"
              "把主页链接或 App 里复制的分享文字误填进来时，检查会指出其中的账号 ID，例如“请改为其中的账号 ID："
              "6012300001”。", "",
              "| 平台 | `platform` | 写法 | 例子 | 在哪里找到（检查的提示和核验页共用） |", "|---|---|---|---|---|"]
    for code, rule in id_rules().items():
        lines.append(f"| {PLATFORMS[code]} | `{code}` | {_cell(rule.rule)} | `{rule.example}` | "
                     f"{_cell(rule.find)} |")
    lines.append("")
    return "\n".join(lines)


def render(name: str) -> str:
    return {"rules.md": rules_page, "fields.md": fields_page}[name]()


def write(docs: Path) -> None:
    for name in PAGES:
        (docs / name).write_text(render(name), "utf-8")


if __name__ == "__main__":
    write(Path(__file__).resolve().parent.parent / "docs")
