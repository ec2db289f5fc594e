"""What the verify answer says, written once: ``site-gen lookup`` prints it, the account and
unit pages show the 核验 wording, and the build embeds the whole table in the verify page
(``portal.verify_rules``) for ``static/verify.js``."""

from __future__ import annotations

UNCHECKED = "未核验：还没有核对本单位掌握这个账号的证明"
NAME_ONLY = "名称与以下官方账号相同或相近，名称可以被冒用：请核对账号 ID 或主页链接。"
NAME_ONLY_FAKE = "名称与以下已举报的假冒账号相同或相近，名称可以被冒用：请核对账号 ID 或主页链接。"

# An unknown post link, short link or QR code: what it is, and how to reach the account.
SHARE_HINT = "这是{what}，登记库里没有与它对应的账号，从链接本身也看不出它属于哪个账号。{how}"
SIMILAR = "名称相近的官方账号（注意辨别，名称相近不代表是同一个账号）："

# Each answer: its mark on the page, its heading, and the sentence under it.
ANSWERS: dict[str, tuple[str, str, str | None]] = {
    "official": ("✅", "官方账号", "账号 ID 或链接与登记库中的备案一致：这是已备案的官方账号。"),
    "deregistered": ("⚠️", "已注销",
                     "这个账号已经注销，不再代表相关单位。现在以它的名义发布的内容都不是官方信息。"),
    "counterfeit": ("⛔", "已举报的假冒账号", "这是已被举报的假冒账号，请勿相信、转发或向其付款。"),
    "mixed": ("⚠️", "不全是同一个官方账号", "这段文字里有 {count} 个链接或账号，不全是同一个已备案的官方账号：请逐个核对，"
              "未收录的不要点击、不要登录、不要付款。"),
    "name_only": ("⚠️", "仅名称相同，不能确认是官方账号", None),
    "unknown": ("❓", "未收录", "登记库里没有找到这个账号。它可能不是官方账号，请谨慎对待。"),
}


# What each link or ID of a text is, one line each (the unknown ones first).
VERDICTS: dict[str, str] = {
    "official": "官方账号",
    "deregistered": "已注销的账号，不再代表原单位",
    "counterfeit": "已举报的假冒账号，不要相信",
    "unknown": "未收录，不要点击、不要登录",
}
NUMBERS = "①②③④⑤⑥⑦⑧⑨⑩"
# An official account suspended (暂停使用): still the unit's official account, not in use.
SUSPENDED = "自 {since} 起暂停使用"


def suspended_text(since: str) -> str:
    return SUSPENDED.format(since=since)


def page_table() -> dict[str, object]:
    """The table as the verify page reads it."""
    return {"unchecked": UNCHECKED, "name_only": NAME_ONLY, "name_only_fake": NAME_ONLY_FAKE,
            "answers": {status: list(answer) for status, answer in ANSWERS.items()},
            "verdicts": VERDICTS, "numbers": NUMBERS, "share_hint": SHARE_HINT,
            "similar": SIMILAR, "suspended": SUSPENDED}
