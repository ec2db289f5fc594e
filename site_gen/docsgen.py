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
                                 ("counterfeits", "假冒账号名单", "_counterfeits.yaml（每项一个）"),
                                 ("actions", "处置记录", "_actions.yaml（每项一份文件）")):
        schema = schemas[kind]
        lines += [f"## {heading}：`{where}`", "", schema["description"], "",
                  "| 字段 | 名称 | 必填 | 说明 |", "|---|---|---|---|"]
        listed = kind in ("counterfeits", "actions")  # a list, one item each
        top: tuple[str | int, ...] = (0,) if listed else ()
        lines += _rows(kind, top, schema["items"] if listed else schema)
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
    lines += WEBSITE_NUMBERS
    return "\n".join(lines)


# The ``website`` block's numbers explained for a clerk (the W-WEBSITE-* and W-MLPS-ASSESSMENT
# messages point here; rules/fields.py check_website_filing, audit.py _filings).
WEBSITE_NUMBERS = [
    "## 网站的备案号和等级保护", "",
    "网站（`platform: website`）在 `website` 下填写下面四个编号和两个日期。没有注销的网站（在用或暂停使用）"
    "缺少其中的编号时，检查逐项给出警告（`W-WEBSITE-ICP`、`W-WEBSITE-PSB`、`W-WEBSITE-MLPS-LEVEL`、"
    "`W-WEBSITE-MLPS-FILING`），指向 `website` 这一行，并说明到哪里找这个编号；警告不影响通过。"
    "已注销的网站不提示。APP 和小程序也可以填写 `website`（例如它们的等级保护情况）：只检查下面的年度测评，"
    "不提示缺项。", "",
    "依据：郑教明电〔2021〕146号 四（二）“各单位的门户网站必须按照信息安全等级保护工作规定，完成定级、备案等工作”，"
    "四（一）“已建信息系统要按国家等级保护标准定级或整改，并到相关安全管理部门备案……各单位未完成安全定级及备案的"
    "信息系统不得上线运行”；成教办〔2015〕3号 第七条（门户网站须完成定级、备案）和第四条（二）（已建系统要按国家"
    "等级保护标准定级或整改并到公安部门备案）。", "",
    "| 字段 | 是什么 | 写法和例子 | 在哪里找到 |", "|---|---|---|---|",
    "| `icp` ICP 备案号 | 网站的域名在工业和信息化部（各省通信管理局）办理的 ICP 备案的编号 | "
    "省份简称 + ICP备 + 数字 + 号，可带“-序号”：`粤ICP备12345678号-1` | 网站首页的最底部；"
    "或在工业和信息化部“ICP/IP地址/域名信息备案管理系统”（beian.miit.gov.cn）按域名查询 |",
    "| `psb` 公安联网备案号 | 网站在公安机关办理的互联网联网备案的编号 | "
    "省份简称 + 公网安备 + 14 位数字 + 号，中间可以有一个空格：`粤公网安备 44010002000001号` | "
    "网站首页最底部 ICP 备案号的旁边（前面有警徽图标）；或在“全国互联网安全管理服务平台”"
    "（beian.mps.gov.cn）查询，还没有办理的在这里申请 |",
    "| `mlps_level` 等级保护级别 | 网络安全等级保护的定级，1 到 5 级，级别越高要求越严 | "
    "一个数字：`2` | 本单位的定级报告；公安机关出具的《信息系统安全等级保护备案证明》 |",
    "| `mlps_filing` 等级保护备案证明编号 | 定级后到公安机关网安部门备案，取得的备案证明上的编号 | "
    "字母、数字和减号，5 到 40 个字符，可以加引号：`\"44010013001-20001\"` | "
    "公安机关网安部门出具的《信息系统安全等级保护备案证明》 |",
    "| `mlps_graded_on` 定级日期 | 完成定级的日期 | `2021-03-15` | 定级报告或备案表上的日期 |",
    "| `mlps_assessed_on` 最近一次等级测评日期 | 最近一次由测评机构做等级测评的日期 | `2026-05-20` | "
    "等级测评报告上的日期 |", "",
    "**三级及以上每年测评。** 郑教明电〔2021〕146号 四（一）要求“对关键信息基础设施要进行重点保护，每年至少进行一次"
    "检测评估”。`mlps_level` 是 3、4 或 5 时，没有填写 `mlps_assessed_on`，或它到检查的当天已超过一年，检查给出 "
    "`W-MLPS-ASSESSMENT` 警告（网站、APP、小程序都一样，已注销的不提示）；规则审计按审计的那一天同样判断"
    "（`mlps_assessment`，见[规则审计](audit.md)）。一年按日历算：2025-03-10 测评的，2026-03-10 还不算超过，"
    "2026-03-11 起提示；2 月 29 日测评的，次年 2 月 28 日到期。一级、二级的系统不做这项检查。", "",
    "**两个日期。** 都不能晚于今天。网站上线前就应完成定级和备案，所以定级日期可以早于开通时间，不与其他日期比较先后。"
    "没有填写定级日期时不提示：它只作记录（老网站常常查不到定级的日子）。", "",
]


def render(name: str) -> str:
    return {"rules.md": rules_page, "fields.md": fields_page}[name]()


def write(docs: Path) -> None:
    for name in PAGES:
        (docs / name).write_text(render(name), "utf-8")


if __name__ == "__main__":
    write(Path(__file__).resolve().parent.parent / "docs")
