"""Chinese labels of the enumerated values, shared by messages and every output."""

from __future__ import annotations

PLATFORMS: dict[str, str] = {
    "website": "网站",
    "wechat_official": "微信公众号",
    "wechat_channels": "微信视频号",
    "weibo": "微博",
    "douyin": "抖音",
    "kuaishou": "快手",
    "toutiao": "今日头条",
    "baijiahao": "百家号",
    "bilibili": "哔哩哔哩",
    "xiaohongshu": "小红书",
    "qq": "QQ",
    "app": "移动客户端（APP）",
    "mini_program": "小程序",
    "other": "其他平台",
}

UNIT_KINDS: dict[str, str] = {
    "bureau": "教育行政部门",
    "school": "学校",
    "kindergarten": "幼儿园",
    "university": "高校",
    "department": "内设部门或院系",
    "institution": "事业单位",
    "other": "其他",
}

STATUSES: dict[str, str] = {"active": "在用", "suspended": "暂停使用", "deregistered": "已注销"}

WECHAT_KINDS: dict[str, str] = {"subscription": "订阅号", "service": "服务号", "enterprise": "企业号"}

COUNTERFEIT_STATUSES: dict[str, str] = {"reported": "已举报", "taken_down": "已关停",
                                        "refused": "已举报，平台未关停"}

# What a supervising unit did (``_actions.yaml``; docs/casework.md), in the ladder's order.
ACTION_KINDS: dict[str, str] = {"rectification_notice": "整改通知", "public_notice": "公开通报",
                                "suspension_order": "暂停令", "shutdown_order": "关停令"}

# To whom a counterfeit was reported (``_counterfeits.yaml`` reports).
REPORT_TARGETS: dict[str, str] = {"platform": "平台", "cac": "网信部门（12377）",
                                  "police": "公安机关", "other": "其他部门"}

# How control of an account was shown (the filing's ``proof``; docs/proof.md).
PROOF_KINDS: dict[str, str] = {"profile": "账号简介显示核验地址", "website_list": "单位网站公布账号清单",
                               "icp": "网站显示备案号"}

ENUM_LABELS: dict[str, str] = {
    # First, so that the shared key "other" keeps the platform's and unit kind's 其他.
    **ACTION_KINDS, **REPORT_TARGETS,
    **PLATFORMS, **UNIT_KINDS, **STATUSES, **WECHAT_KINDS, **COUNTERFEIT_STATUSES, **PROOF_KINDS,
}


def yes_no(value: bool | None) -> str:
    """是 or 否, as the official forms write it."""
    return "是" if value else "否"
