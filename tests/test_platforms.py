"""Per-platform account ID rules (site_gen/data/platforms.json): what each accepts, what it
refuses, and the suggestion a clerk gets for a pasted link or share text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from site_gen.labels import PLATFORMS
from site_gen.platforms import account_in_text, id_problem, id_rules

from .conftest import CASES, build_case

IDS = {
    "website": (["www.ceshi.example", "CESHI.example", "xn--fiqs8s.cn"],
                ["https://www.ceshi.example/", "www.ceshi.example/path", "localhost",
                 "ceshi..example", "-a.example", "a.example:8080"]),
    "wechat_official": (["shili_jyj", "gh_3a1f5c7d9e01", "Abc-123"],
                        ["abc", "1shili", "示例公众号", "a" * 21, "https://mp.weixin.qq.com/s/x"]),
    "wechat_channels": (["sphShiliJyj01", "sph1a2b3c"], ["shili", "sph", "sph_abc_def"]),
    "weibo": (["6012300001", "12345"], ["1234", "u/6012300001", "示例教育发布", "60123000011234"]),
    "douyin": (["shili1z_official", "dy.123", "MS4wLjABAAAAv7iSuuKW1NpPjpNSx7Jbx3pFHY8i2Hgv_SVV-Mk7jk0"],
               ["a", "抖音号", "https://v.douyin.com/iAbCdEf/"]),
    "kuaishou": (["dongchengjiaoyu", "3xdongchengjy"], ["x", "快手号"]),
    "toutiao": (["98000000001"], ["abc", "1234"]),
    "baijiahao": (["1650000000000201"], ["bjh_abc"]),
    "bilibili": (["3493000000000501", "7"], ["uid7", "BV1xx411c7mD"]),
    "xiaohongshu": (["95000102", "5f0000000000000000000102", "shili_1z"], ["a", "小红书号"]),
    "qq": (["3000000201", "10001"], ["0123456", "1234", "qq3000000201"]),
    "app": (["cn.example.ceshi", "com.Example_app.x"], ["ceshi", "cn..example", "1cn.example"]),
    "mini_program": (["wx5e1f0a9b3c7d2e41", "2021001234567890"], ["wx123", "gh_3a1f5c7d9e01"]),
    "other": (["shifan-xueyuan", "任何账号"], ["a b"]),
}


def test_every_platform_has_a_rule_and_cases() -> None:
    assert set(id_rules()) == set(PLATFORMS) == set(IDS)


@pytest.mark.parametrize("platform", sorted(IDS))
def test_id_rule(platform: str) -> None:
    good, bad = IDS[platform]
    for value in good:
        assert id_problem(platform, value) is None, value
    for value in bad:
        assert id_problem(platform, value) is not None, f"{value!r} was accepted"
    assert id_problem(platform, id_rules()[platform].example) is None


@pytest.mark.parametrize("platform,pasted,suggested", [
    ("weibo", "https://weibo.com/u/6012300001", "6012300001"),
    ("weibo", "https://weibo.com/6012300001/NxYz12345?pagetype=profilefeed", "6012300001"),
    ("weibo", "https://m.weibo.cn/profile/6012300005", "6012300005"),
    ("bilibili", "https://space.bilibili.com/3493000000000501?spm_id_from=333.1007", "3493000000000501"),
    ("bilibili", "https://m.bilibili.com/space/3493000000000101", "3493000000000101"),
    ("douyin", "https://www.douyin.com/user/MS4wLjABAAAAv7iSuuKW1NpPjpNSx7Jbx3pF?from_tab_name=main",
     "MS4wLjABAAAAv7iSuuKW1NpPjpNSx7Jbx3pF"),
    ("douyin", "长按复制此条消息，打开抖音搜索，查看TA的更多作品。抖音号：shili1z_official",
     "shili1z_official"),
    ("xiaohongshu", "小红书号：95000102 复制本条信息，打开【小红书】App查看精彩内容！", "95000102"),
    ("kuaishou", "https://www.kuaishou.com/profile/3xdongchengjy", "3xdongchengjy"),
    ("baijiahao", "https://author.baidu.com/home?from=bjh_article&app_id=1650000000000201",
     "1650000000000201"),
    ("toutiao", "https://www.toutiao.com/c/user/98000000001/?source=profile", "98000000001"),
])
def test_a_pasted_link_is_refused_with_the_id_it_carries(platform: str, pasted: str,
                                                         suggested: str) -> None:
    assert account_in_text(pasted, platform) == suggested
    found = id_problem(platform, pasted)
    assert found is not None
    assert found[1] == f"这里粘贴的是链接或分享文字，请改为其中的账号 ID：{suggested}。"


def test_a_website_link_is_refused_with_its_host() -> None:
    found = id_problem("website", "https://www.ceshi1z.example/index.html")
    assert found is not None and found[1] == "请只填域名：www.ceshi1z.example。"


def test_a_short_link_says_where_to_find_the_id() -> None:
    found = id_problem("douyin", "https://v.douyin.com/iAbCdEf/")
    assert found is not None and "抖音号：" in found[1]


# Links and share texts that carry no account ID: the message says where the ID is, never
# to paste a link here again (which would be refused the same way).
NO_ID = [
    ("wechat_official", "https://mp.weixin.qq.com/s/AbCdEf"),
    ("wechat_official", "https://mp.weixin.qq.com/s?__biz=MzA3NjYxNjYxMA==&mid=2651234567&idx=1"
                        "&sn=0123456789abcdef0123456789abcdef&chksm=8a1b2c3d#rd"),
    ("douyin", "7.43 复制打开抖音，看看【示例市第一中学的作品】开学第一课 # 开学季 "
               "https://v.douyin.com/iRNBho6u/ 05/12 a@b.com :9pm"),
    ("weibo", "https://weibo.com/1234/status/NxYz12345"),
]


@pytest.mark.parametrize("platform,pasted", NO_ID)
def test_a_link_without_an_id_is_answered_with_where_the_id_is(platform: str,
                                                                pasted: str) -> None:
    assert account_in_text(pasted, platform) is None
    found = id_problem(platform, pasted)
    rule = id_rules()[platform]
    assert found == (rule.rule, f"例如 {rule.example}。{rule.find}")


def test_no_advice_sends_the_filer_back_to_paste_a_link() -> None:
    """The ``find`` text ends every E-ACCOUNT-ID message without an ID in it (the validator,
    site-gen new, the filing form): it must not ask for the link or share text again."""
    for platform, rule in id_rules().items():
        assert "粘贴" not in rule.find, platform


def test_the_validator_says_where_the_id_is_for_a_link_without_one(tmp_path: Path,
                                                                    run_cli) -> None:
    root = build_case(CASES / "valid" / "minimal", tmp_path)
    folder = root / "filings" / "school"
    text = (folder / "weibo--1234567890.yaml").read_text("utf-8")
    (folder / "weibo--1234567890.yaml").unlink()
    for platform, pasted in NO_ID[:3]:
        written = text.replace("platform: weibo", f"platform: {platform}").replace(
            'account_id: "1234567890"', f"account_id: {json.dumps(pasted, ensure_ascii=False)}")
        if platform == "wechat_official":
            written += "wechat_kind: subscription\n"
        (folder / f"{platform}--x.yaml").write_text(written, "utf-8")
        result = run_cli("--root", str(root), "validate", f"filings/school/{platform}--x.yaml",
                         cwd=root)
        (message,) = [m["message"] for m in result.problems() if m["code"] == "E-ACCOUNT-ID"]
        assert message.endswith(f"。例如 {id_rules()[platform].example}。{id_rules()[platform].find}")
        assert "粘贴" not in message
        (folder / f"{platform}--x.yaml").unlink()


def test_the_validator_names_the_id_to_write(tmp_path: Path, run_cli) -> None:
    root = build_case(CASES / "invalid" / "id-website-is-link", tmp_path)
    folder = root / "filings" / "school"
    text = (folder / "website--https-www.ceshi1z.example-.yaml").read_text("utf-8")
    text = text.replace("platform: website", "platform: weibo").replace(
        "account_id: https://www.ceshi1z.example/",
        'account_id: "https://weibo.com/6012300001/NxYz12345 分享自微博"')
    text = text.split("website:")[0]
    (folder / "website--https-www.ceshi1z.example-.yaml").unlink()
    (folder / "weibo--6012300001.yaml").write_text(text, "utf-8")
    result = run_cli("--root", str(root), "validate")
    assert result.returncode == 1, result
    lines = [m for m in result.problems() if m["code"] == "E-ACCOUNT-ID"]
    assert len(lines) == 1, result
    assert "请改为其中的账号 ID：6012300001" in lines[0]["message"]
    assert [m["code"] for m in result.problems() if m["code"][0] == "E"] == ["E-ACCOUNT-ID"], result


def test_the_schemas_enums_are_the_python_tables() -> None:
    """The platform list and every other enumerated value are written once, in
    site_gen/labels.py (labels, order): each schema's enum is that table, and the ID rules
    (data/platforms.json) cover exactly its platforms."""
    import json

    from site_gen.labels import (
        ACTION_KINDS,
        COUNTERFEIT_STATUSES,
        PROOF_KINDS,
        REPORT_TARGETS,
        STATUSES,
        UNIT_KINDS,
        WECHAT_KINDS,
    )

    from .conftest import REPO

    tables = [list(table) for table in (PLATFORMS, UNIT_KINDS, STATUSES, WECHAT_KINDS,
                                        COUNTERFEIT_STATUSES, PROOF_KINDS, ACTION_KINDS,
                                        REPORT_TARGETS)]
    found: list[list[str]] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if "enum" in node and all(isinstance(v, str) and v.isascii() for v in node["enum"]):
                found.append(node["enum"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for schema in sorted((REPO / "schema").glob("*.schema.json")):
        walk(json.loads(schema.read_text("utf-8")))
    events = ["open", "change", "deregister"]  # history event types: site_gen/history.py
    from site_gen.history import HISTORY_TYPES
    assert list(HISTORY_TYPES) == events
    # A condition may name some of the platforms (account.schema.json: the platforms that may
    # carry a ``website`` block), never a value the table lacks.
    some_platforms = [enum for enum in found if set(enum) < set(PLATFORMS)]
    assert some_platforms == [["website", "app", "mini_program"]], some_platforms
    for enum in found:
        assert enum in tables or enum == events or enum in some_platforms, enum
    assert list(PLATFORMS) in found
    assert list(id_rules()) == list(PLATFORMS)
