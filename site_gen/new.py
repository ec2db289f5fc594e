"""``site-gen new``: the questions, their checks and the file (``commands/new.py`` asks).

Each field is one ``Question``: an option given on the command line is checked and, when
wrong, refused (exit 2) without asking; a missing one is asked for, and asked again in
Chinese until the answer passes the same checks as ``site-gen validate``. Clerks type
微信 for a platform and 2024年5月1日 for a date: both are understood (a date is said back as
it will be written), and a name ``site-gen validate`` would warn about is warned about.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import clock
from .catalogue import problem
from .dates import normal_day
from .errors import NotPossible
from .identity import account_key, expected_file_name
from .labels import PLATFORMS, WECHAT_KINDS
from .names import style_reasons
from .platforms import id_problem
from .public import INTERNAL_LANDMARK
from .rules.fields import date_problem
from .schemas import check_value
from .sealing import contacts_block_text, recipients, seal
from .yamltext import yaml_lines

HEADER = "# 新媒体账号（网站）备案。contacts 只用于内部报表，不会公开。字段说明见 docs/fields.md。\n"

# What clerks call the platforms, besides the codes and the labels in labels.PLATFORMS.
PLATFORM_WORDS = {"微信": "wechat_official", "公众号": "wechat_official", "微信号": "wechat_official",
                  "服务号": "wechat_official", "订阅号": "wechat_official", "视频号": "wechat_channels",
                  "头条": "toutiao", "头条号": "toutiao", "b站": "bilibili", "bilibili": "bilibili",
                  "app": "app", "客户端": "app", "qq号": "qq", "官网": "website"}
_YES = {"y", "yes", "是", "有", "对", "true", "1", "已认证", "认证"}
_NO = {"n", "no", "否", "没有", "无", "不", "false", "0", "未认证"}

Answers = dict[str, Any]
Checked = tuple[Any, str | None]  # (value, problem)


@dataclass(frozen=True)
class Question:
    key: str  # the option's name (--account-id is account_id)
    prompt: str
    check: Callable[[str, Answers], Checked]
    default: str | None = None
    asked: Callable[[Answers], bool] = lambda answers: True
    # What is worth saying about an accepted answer: how a date was read, or the warnings
    # ``site-gen validate`` will give (``W-NAME-STYLE``).
    notes: Callable[[str, Any], list[str]] = lambda text, value: []


def _read_as(text: str, value: Any) -> list[str]:
    return [f"记为 {value}。"] if value is not None and value != text.strip() else []


def _name_style(text: str, value: Any) -> list[str]:
    reasons = style_reasons(value) if isinstance(value, str) else []
    if not reasons:
        return []
    return ["警告：" + problem("W-NAME-STYLE", "", name=value, reasons="，".join(reasons)).message]


def _field(path: tuple[str, ...]) -> Callable[[str, Answers], Checked]:
    def check(text: str, answers: Answers) -> Checked:
        value = text.strip()
        problems = check_value("account", path, value)
        return value, problems[0] if problems else None
    return check


def _platform(text: str, answers: Answers) -> Checked:
    word = text.strip().lower()
    labels = {label.lower(): code for code, label in PLATFORMS.items()}
    code = word if word in PLATFORMS else labels.get(word) or PLATFORM_WORDS.get(word)
    if code is None:
        choices = "、".join(f"{label}（{code}）" for code, label in PLATFORMS.items())
        return None, f"不认识平台“{text.strip()}”。请填以下之一：{choices}。"
    return code, None


def _yes_no(text: str, answers: Answers) -> Checked:
    word = text.strip().lower()
    if word in _YES:
        return True, None
    if word in _NO:
        return False, None
    return None, f"请回答“是”或“否”（现在是“{text.strip()}”）。"


def _day(path: tuple[str, ...]) -> Callable[[str, Answers], Checked]:
    """A date typed in any shape ``normal_day`` reads, judged as ``site-gen validate`` judges
    the field (the same messages)."""
    def check(text: str, answers: Answers) -> Checked:
        value = normal_day(text)
        if value is None:
            return None, ("日期要写成 年-月-日，例如 2024-05-01、2024/5/1 或 2024年5月1日"
                          f"（现在是“{text.strip()}”）。")
        wrong = date_problem("", "account", path, value, clock.today())
        return (None, wrong.message) if wrong else (value, None)
    return check


def _account_id(text: str, answers: Answers) -> Checked:
    value = text.strip()
    platform = answers["platform"]
    problems = check_value("account", ("account_id",), value)
    found = id_problem(platform, value)
    if found:
        rule, suggestion = found
        return None, f"{PLATFORMS[platform]}的账号 ID 写法不对：{rule}。{suggestion}"
    if problems:
        return None, problems[0]
    key = account_key(platform, value)
    other = next((a.file for a in answers["_registry"].accounts
                  if account_key(a.platform, a.account_id) == key), None)
    if other:
        return None, (f"{PLATFORMS[platform]}账号“{value}”已在 {other} 备案。同一账号只能备案一次："
                      "如需变更，请修改原文件。")
    return value, None


def _wechat_kind(text: str, answers: Answers) -> Checked:
    word = text.strip().lower()
    by_label = {label: code for code, label in WECHAT_KINDS.items()}
    code = word if word in WECHAT_KINDS else by_label.get(word)
    if code is None:
        return None, "请填 订阅号、服务号 或 企业号（subscription、service、enterprise）。"
    return code, None


def _optional(check: Callable[[str, Answers], Checked]) -> Callable[[str, Answers], Checked]:
    def maybe(text: str, answers: Answers) -> Checked:
        return (None, None) if not text.strip() else check(text, answers)
    return maybe


QUESTIONS = (
    Question("platform", "平台（如 微信公众号、微博、抖音、网站，或代码 weibo）", _platform),
    Question("account_id", "账号 ID（网站填域名，APP 填包名，不是链接）", _account_id),
    Question("name", "账号名称", _field(("name",)), notes=_name_style),
    Question("url", "链接（没有请直接回车）", _optional(_field(("url",))), default=""),
    Question("wechat_kind", "公众号类型（订阅号、服务号或企业号）", _wechat_kind, default="订阅号",
             asked=lambda a: a["platform"] == "wechat_official"),
    Question("verified", "是否已通过平台认证（是/否）", _yes_no, default="是"),
    Question("certified_subject", "认证主体（一般是本单位全称）", _field(("certified_subject",)),
             asked=lambda a: a["verified"] is True),
    Question("opened_on", "开通时间（例如 2024-05-01 或 2024年5月1日）", _day(("opened_on",)),
             notes=_read_as),
    Question("last_post_on", "最近一次发布内容的日期（还没有发布过请直接回车）",
             _optional(_day(("last_post_on",))), default="", notes=_read_as),
    Question("interactive", "是否具有互动功能（留言、评论、私信）（是/否）", _yes_no, default="是"),
    Question("content_review", "是否已建立内容发布审核制度（是/否）", _yes_no, default="是"),
    Question("supervisor_name", "主管领导姓名（不公开）", _field(("contacts", "supervisor", "name"))),
    Question("supervisor_phone", "主管领导电话（不公开）", _field(("contacts", "supervisor", "phone"))),
    Question("ops_lead_name", "运维负责人姓名（不公开）", _field(("contacts", "ops_lead", "name"))),
    Question("ops_lead_phone", "运维负责人电话（不公开）", _field(("contacts", "ops_lead", "phone"))),
)


def filing_text(values: dict[str, object]) -> str:
    """The filing as YAML in the order given, every string quoted, contacts below the
    landmark line (as the portal's filing form writes it)."""
    contacts = values.pop("contacts", None)
    text = HEADER + "".join(yaml_lines(values)) + INTERNAL_LANDMARK + "\n"
    if isinstance(contacts, str):  # sealed: a literal block
        return text + contacts_block_text(contacts)
    return text + "".join(yaml_lines({"contacts": contacts})) if contacts else text


def unit_folder(root: Path, text: str) -> tuple[str, str | None]:
    """(unit path, problem) for a unit folder as typed: ``filings/dongcheng/`` or ``dongcheng``."""
    path = text.strip().strip("/").removeprefix("filings").strip("/")
    folder = root / "filings" / path if path else root / "filings"
    if (folder / "_unit.yaml").is_file():
        return path, None
    return path, f"找不到单位文件夹 filings/{path}（要有 _unit.yaml）。"


def write_filing(root: Path, unit_path: str, answers: Answers) -> str:
    """Write the filing the checked ``answers`` describe; return its path (as validate shows
    it). Raises NotPossible when the file exists."""
    platform, account_id = answers["platform"], answers["account_id"]
    folder = root / "filings" / unit_path if unit_path else root / "filings"
    target = folder / expected_file_name(platform, account_id)
    if target.exists():
        raise NotPossible(f"{target.relative_to(root).as_posix()} 已经存在：变更请直接修改这个文件。")
    filing: dict[str, object] = {key: answers.get(key) for key in (
        "name", "platform", "account_id", "url", "wechat_kind", "verified", "certified_subject",
        "opened_on", "last_post_on")}
    filing.update(filed_on=clock.today().isoformat(), status="active",
                  interactive=answers["interactive"], content_review=answers["content_review"])
    if platform in ("website", "app"):
        filing[platform] = {}
    contacts = {
        "supervisor": {"name": answers["supervisor_name"], "phone": answers["supervisor_phone"]},
        "ops_lead": {"name": answers["ops_lead_name"], "phone": answers["ops_lead_phone"]}}
    # Sealed before anything is written when the unit tree names keys (docs/contacts.md).
    keys = recipients(answers["_registry"].units, unit_path)
    filing["contacts"] = seal(contacts, keys) if keys else contacts
    target.write_text(filing_text(filing), "utf-8")
    return target.relative_to(root).as_posix()
