"""The real ``site-gen`` entry point: formats, exit statuses, the demo registry."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from site_gen import clock
from site_gen.dates import normal_day
from site_gen.identity import account_code
from site_gen.labels import PLATFORMS
from site_gen.platforms import id_rules
from site_gen.rules.fields import date_problem

from .conftest import CASES, REPO, build_case


def today_in_beijing() -> str:
    return clock.today().isoformat()


def test_demo_registry_validates_with_its_warnings(run_cli) -> None:
    result = run_cli("validate", cwd=REPO)
    assert result.returncode == 0, result
    found = sorted((m["code"], m["file"]) for m in result.problems())
    expected = [
        ("W-ACTIVITY-UNKNOWN", "filings/shifan-xueyuan/tushuguan/mini_program--wx9a8b7c6d5e4f3a21.yaml"),
        ("W-DUPLICATE-PLATFORM", "filings/shifan-xueyuan/wechat_official--shifan_xueyuan.yaml"),
        ("W-DUPLICATE-PLATFORM", "filings/shifan-xueyuan/wechat_official--shifan_zhaosheng.yaml"),
        ("W-LATE-FILING", "filings/xicheng/hongqi-xiaoxue/douyin--xchqxx_2026.yaml"),
        # A website without its 公安联网备案号 (docs/fields.md).
        ("W-WEBSITE-PSB", "filings/xicheng/zhiye-xuexiao/website--www.xczy.shili.example.yaml"),
    ]
    # The level-3 websites' last assessments: each due again a year later, by the real today
    # validation uses.
    for assessed, file in (("2026-06-18", "filings/kaoshiyuan/website--www.ksy.shili.example.yaml"),
                           ("2026-09-26", "filings/shifan-xueyuan/website--www.sfxy.example.yaml"),
                           ("2026-11-06", "filings/website--jyj.shili.example.yaml")):
        if clock.today().isoformat() > "2027" + assessed[4:]:
            expected.append(("W-MLPS-ASSESSMENT", file))
    assert found == sorted(expected), result
    assert result.stdout.endswith(f"0 个错误，{len(expected)} 个警告。警告不影响通过，但请尽快处理。\n")


def test_json_format(tmp_path: Path, run_cli) -> None:
    root = build_case(CASES / "invalid" / "schema-unknown-field", tmp_path)
    result = run_cli("--root", str(root), "validate", "--format", "json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["errors"] == 2 and report["warnings"] == 0 and report["files"] == 3
    unknown = next(p for p in report["problems"] if p["code"] == "E-SCHEMA-UNKNOWN")
    assert unknown == {
        "file": "filings/school/weibo--1234567890.yaml", "line": 10, "column": 1,
        "code": "E-SCHEMA-UNKNOWN", "severity": "error", "title": "未知字段",
        "message": "不认识字段“content_reveiw”。请检查拼写（字段名区分大小写），或删去这一行。"
                   "是不是“content_review”？",
    }


def test_github_format_escapes_annotation_properties(tmp_path: Path, run_cli) -> None:
    root = build_case(CASES / "invalid" / "policy-late-filing", tmp_path)
    (root / "filings" / "a,b:c").mkdir()
    result = run_cli("--root", str(root), "validate", "--format", "github")
    lines = result.stdout.splitlines()
    assert result.returncode == 1, result
    assert lines[0].startswith("::error file=filings/a%2Cb%3Ac,line=1,col=1,"
                               "title=E-PATH-SLUG 文件夹名不合规::文件夹名“a,b:c”不合规"), result
    assert lines[1].startswith("::warning file=filings/school/weibo--1234567890.yaml,line=7,"
                               "col=11,title=W-LATE-FILING 逾期备案::开通于 2024-05-06"), result
    assert lines[-1].startswith("检查了 3 个文件：1 个错误，1 个警告。")


def test_given_files_report_only_their_own_problems(tmp_path: Path, run_cli) -> None:
    root = build_case(CASES / "invalid" / "unique-account", tmp_path)
    shutil.copy(CASES / "invalid" / "read-bom" / "filings" / "school" / "weibo--1234567890.yaml",
                root / "filings" / "school" / "bad.yaml")
    # The first filing of the pair is given: the duplicate elsewhere still involves it.
    first = root / "filings" / "school" / "weibo--1234567890.yaml"
    result = run_cli("--root", str(root), "validate", str(first))
    assert [m["code"] for m in result.problems()] == ["E-UNIQUE-ACCOUNT"], result
    assert result.returncode == 1
    assert "检查了 1 个文件" in result.stdout
    result = run_cli("--root", str(root), "validate", str(root / "filings" / "school" / "bad.yaml"))
    assert [m["code"] for m in result.problems()] == ["E-READ-BOM"], result


def test_paths_relative_to_the_working_directory(run_cli) -> None:
    result = run_cli("validate", "filings/xicheng/hongqi-xiaoxue", cwd=REPO)
    assert [m["code"] for m in result.problems()] == ["W-LATE-FILING"], result


def test_usage_errors_exit_2(tmp_path: Path, run_cli) -> None:
    missing = run_cli("--root", str(tmp_path / "nowhere"), "validate")
    assert missing.returncode == 2 and "不存在" in missing.stderr, missing
    outside = run_cli("--root", str(REPO), "validate", str(tmp_path))
    assert outside.returncode == 2 and "不在登记库" in outside.stderr, outside
    absent = run_cli("--root", str(REPO), "validate", str(REPO / "filings" / "nope.yaml"))
    assert absent.returncode == 2 and "找不到" in absent.stderr, absent
    bad_option = run_cli("validate", "--format", "xml")
    assert bad_option.returncode == 2, bad_option
    unknown = run_cli("frobnicate")
    assert unknown.returncode == 2, unknown
    for result in (missing, outside, absent, bad_option, unknown):
        assert "Traceback" not in result.stderr + result.stdout


def test_every_command_has_help_and_a_doc_section(run_cli) -> None:
    from site_gen.cli import cli

    commands_doc = (REPO / "docs" / "commands.md").read_text("utf-8")
    for name in cli.commands:
        result = run_cli(name, "--help")
        assert result.returncode == 0 and "Usage:" in result.stdout, result
        assert f"## site-gen {name}" in commands_doc, name


def test_lookup_command_agrees_with_the_case_table(run_cli) -> None:
    """The command on a sample of the case table: every answer kind, and every eighth case
    (each call checks the whole registry; the library's answer to all of them is compared
    with the page's in tests/test_browser.py)."""
    import yaml

    cases = yaml.safe_load((CASES / "lookup.yaml").read_text("utf-8"))
    first = {case["status"]: index for index, case in reversed(list(enumerate(cases)))}
    chosen = [case for index, case in enumerate(cases) if index % 8 == 0 or index in first.values()]
    for case in chosen:
        result = run_cli("lookup", case["query"], "--format", "json", cwd=REPO)
        assert result.returncode == 0, result
        answer = json.loads(result.stdout)
        assert answer["status"] == case["status"], case
        if "match" in case:
            assert any(case["match"] in (m.get("i"), m["n"]) for m in answer["matches"]), case
        if "similar" in case:
            assert any(s["n"] == case["similar"] for s in answer["similar"]), case
        assert bool(answer["hint"]) == ("hint" in case), case
        assert (case.get("hint") or "") in (answer["hint"] or ""), case


def test_lookup_text(run_cli) -> None:
    result = run_cli("lookup", "https://weibo.com/u/6012300003", cwd=REPO)
    assert result.stdout == ("已注销\n- 微博：西城教育（ID：6012300003），原开设单位：示例市西城区教育局，"
                             "已注销（自 2025-06-30 起不再是官方账号），现在以它名义发布的内容都不是官方信息\n")
    result = run_cli("lookup", "示例一中🎓", cwd=REPO)
    lines = result.stdout.splitlines()
    assert lines[:2] == ["仅名称相同，不能确认是官方账号",
                         "名称与以下官方账号相同或相近，名称可以被冒用：请核对账号 ID 或主页链接。"]
    code = account_code("wechat_official", "shili1z")
    assert any(line.startswith("- 微信公众号：示例一中（ID：shili1z），开设单位：示例市第一中学，开通于 "
                               f"2015-10-01；未核验：还没有核对本单位掌握这个账号的证明；核验页 a/{code}/")
               for line in lines), lines
    assert any(line.startswith("如何找到微博的账号 ID：") for line in lines)
    result = run_cli("lookup", "示列一中", cwd=REPO)
    assert result.stdout == "未收录\n名称相近的官方账号（注意辨别，名称相近不代表是同一个账号）：\n- 示例一中（示例市第一中学）\n"


def test_messages_for_the_commonest_clerk_mistakes(tmp_path: Path, run_cli) -> None:
    colon = build_case(CASES / "invalid" / "read-fullwidth-colon", tmp_path / "colon")
    assert "用了中文冒号“：”，请改为英文冒号“:”" in run_cli("--root", str(colon), "validate").stdout
    label = build_case(CASES / "invalid" / "schema-platform-label", tmp_path / "label")
    assert "现在填的是“微博”。请改写为 weibo。" in run_cli("--root", str(label), "validate").stdout
    date = build_case(CASES / "invalid" / "read-date-not-iso", tmp_path / "date")
    assert "日期要写成 YYYY-MM-DD" in run_cli("--root", str(date), "validate").stdout


NEW_OPTIONS = ["--unit", "school", "--platform", "weibo", "--account-id", "7012345678",
               "--name", "测试一中", "--url", "https://weibo.com/u/7012345678", "--verified",
               "--certified-subject", "测试市第一中学", "--opened-on", "2024-05-06",
               "--last-post-on", "2024-11-01",
               "--interactive", "--content-review", "--supervisor-name", "张三",
               "--supervisor-phone", "02037626715", "--ops-lead-name", "李四",
               "--ops-lead-phone", "13900002222"]


def test_new_filing_from_options(tmp_path: Path, run_cli) -> None:
    root = build_case(CASES / "valid" / "minimal", tmp_path)
    result = run_cli("--root", str(root), "new", *NEW_OPTIONS)
    assert result.returncode == 0, result
    created = root / "filings" / "school" / "weibo--7012345678.yaml"
    text = created.read_text("utf-8")
    assert 'phone: "02037626715"' in text and 'account_id: "7012345678"' in text
    assert "wechat_kind" not in text
    assert "以下为内部信息" in text.split("contacts:")[0]
    again = run_cli("--root", str(root), "new", *NEW_OPTIONS)
    assert again.returncode == 2 and "已在 filings/school/weibo--7012345678.yaml 备案" in again.stderr
    assert run_cli("--root", str(root), "validate").returncode == 0


def test_new_refuses_an_account_filed_anywhere_before_writing(tmp_path: Path, run_cli) -> None:
    root = build_case(CASES / "valid" / "minimal", tmp_path)  # school files weibo 1234567890
    options = [*NEW_OPTIONS]
    options[options.index("7012345678")] = "1234567890"
    options[options.index("school")] = ""  # the root unit: another unit than the original
    before = sorted(p.name for p in (root / "filings").rglob("*.yaml"))
    result = run_cli("--root", str(root), "new", *options)
    assert result.returncode == 2, result
    assert "已在 filings/school/weibo--1234567890.yaml 备案" in result.stderr
    assert sorted(p.name for p in (root / "filings").rglob("*.yaml")) == before


def test_a_wrong_option_is_refused_not_asked_again(tmp_path: Path, run_cli) -> None:
    root = build_case(CASES / "valid" / "minimal", tmp_path)
    options = [*NEW_OPTIONS]
    options[options.index("2024-05-06")] = "2024-13-01"
    done = run_cli("--root", str(root), "new", *options, input="2024-05-06\n")
    assert done.returncode == 2, done
    assert "--opened-on：“opened_on”（开通时间）写的是“2024-13-01”，日历上没有这一天。" in done.stderr
    assert "开通时间" not in done.stdout  # not asked


def test_new_filing_asks_for_what_is_missing(tmp_path: Path, run_cli) -> None:
    root = build_case(CASES / "valid" / "minimal", tmp_path)
    answers = ["school",
               "WeChat", "微信",                    # not a platform; then 微信
               "https://mp.weixin.qq.com/s/abc",    # a link is not an ID
               "1234567890", "ceshi_1z",            # a Weibo-looking ID; then a WeChat ID
               "测试一中公众号", "",                 # name; no link
               "", "y",                             # the default 订阅号; verified
               "测试市第一中学",
               "2024/13/01", "2099-01-01", "1924-05-06",  # no such day; future; before 1994
               "２０２４年５月６日",                  # then right, in full-width digits
               "2024.11.1",                          # last post, written with dots
               "也许", "是", "",                     # not yes/no; yes; the default
               "张三", "办公室电话", "020-12345678", "李四", "13900002222"]
    done = run_cli("--root", str(root), "new", input="\n".join(answers) + "\n")
    assert done.returncode == 0, done
    text = (root / "filings" / "school" / "wechat_official--ceshi_1z.yaml").read_text("utf-8")
    assert 'wechat_kind: "subscription"' in text and "url" not in text
    assert 'opened_on: "2024-05-06"' in text and 'phone: "020-12345678"' in text
    assert 'last_post_on: "2024-11-01"' in text
    asked_again = [line.strip() for line in done.stderr.splitlines()]
    assert asked_again == [
        "不认识平台“WeChat”。请填以下之一：" + "、".join(f"{label}（{code}）" for code, label in PLATFORMS.items())
        + "。请重新输入。",
        "微信公众号的账号 ID 写法不对：微信公众号填微信号（6–20 位字母、数字、下划线或减号，以字母开头）或原始 ID"
        "（gh_ 开头）。例如 shili_jyj。" + id_rules()["wechat_official"].find + "请重新输入。",
        "微信公众号的账号 ID 写法不对：微信公众号填微信号（6–20 位字母、数字、下划线或减号，以字母开头）或原始 ID"
        "（gh_ 开头）。例如 shili_jyj。" + id_rules()["wechat_official"].find + "请重新输入。",
        "“opened_on”（开通时间）写的是“2024-13-01”，日历上没有这一天。请重新输入。",
        f"“opened_on”（开通时间）是 2099-01-01，晚于今天（{today_in_beijing()}）。请填写已经发生的日期。"
        "请重新输入。",
        "“opened_on”（开通时间）是 1924-05-06，年份早于 1994 年，不可能是新媒体账号（网站）的日期："
        "是不是年份输错了，或者把 2024/5/1 输成了别的格式？请核对后写成 年-月-日，例如 2024-05-01。请重新输入。",
        "请回答“是”或“否”（现在是“也许”）。请重新输入。",
        "“contacts.supervisor.phone”（主管领导 · 电话）格式不对：电话只写数字（可带区号和减号），"
        "例如 020-12345678；多个号码请只写一个。现在填的是“（联系人内容不在检查结果里显示）”。请重新输入。",
    ]
    assert "Traceback" not in done.stderr
    assert "记为 2024-05-06。" in done.stdout and "记为 2024-11-01。" in done.stdout  # said back


def test_new_reads_dates_as_typed_and_refuses_what_validate_refuses(tmp_path: Path,
                                                                     run_cli) -> None:
    root = build_case(CASES / "valid" / "minimal", tmp_path)
    options = [*NEW_OPTIONS]
    at = options.index("--opened-on") + 1
    for typed, code in (("2024-02-30", "E-DATE-INVALID"), ("1993.12.31", "E-DATE-IMPLAUSIBLE")):
        options[at] = typed
        refused = run_cli("--root", str(root), "new", *options)
        assert refused.returncode == 2, refused
        wrong = date_problem("", "account", ("opened_on",), normal_day(typed) or "", clock.today())
        assert wrong is not None and wrong.code == code
        assert refused.stderr.strip().endswith(f"--opened-on：{wrong.message}"), refused
    options[at] = "20240506"
    done = run_cli("--root", str(root), "new", *options)
    assert done.returncode == 0, done
    assert "记为 2024-05-06。" in done.stdout
    assert 'opened_on: "2024-05-06"' in (root / "filings/school/weibo--7012345678.yaml").read_text("utf-8")


def test_new_warns_of_a_name_before_writing_it(tmp_path: Path, run_cli) -> None:
    root = build_case(CASES / "valid" / "minimal", tmp_path)
    options = [*NEW_OPTIONS]
    options[options.index("测试一中")] = "测试一中福利来了！！"
    done = run_cli("--root", str(root), "new", *options)
    assert done.returncode == 0, done  # a warning: the filing is written
    warned = "警告：账号名称“测试一中福利来了！！”有重复的标点（！！），含有营销用语（福利）。"
    assert done.stdout.index(warned) < done.stdout.index("已创建")
    assert "W-NAME-STYLE" in done.stdout.split("已创建")[1]  # and validate says it again


def test_unwritable_outputs_are_explained_not_crashed(tmp_path: Path, run_cli) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder", "utf-8")
    result = run_cli("--root", str(REPO), "validate", "--summary", str(blocked / "x.md"))
    assert result.returncode == 1 and "无法读写文件" in result.stderr, result
    assert "Traceback" not in result.stderr and "内部错误" not in result.stderr
    empty = run_cli("--root", str(REPO), "validate", "--summary", "")
    assert empty.returncode == 0, empty
    report = run_cli("--root", str(REPO), "report", "--out", str(blocked / "reports"))
    assert report.returncode == 1 and "无法读写文件" in report.stderr, report


def test_a_counterfeit_beside_the_official_link_is_told_item_by_item(run_cli) -> None:
    """The official account listed under a counterfeit answer is not read as the counterfeit:
    each item says what it is, the unknown one too."""
    result = run_cli("lookup", "看这个 https://weibo.com/u/6012300001 还有 https://weibo.com/u/7012399999"
                     " 和 https://weibo.com/u/6099999999", cwd=REPO)
    lines = result.stdout.splitlines()
    assert lines[:4] == ["已举报的假冒账号",
                         "① https://weibo.com/u/6099999999：未收录，不要点击、不要登录",
                         "② https://weibo.com/u/6012300001：官方账号（微博：示例教育发布，示例市教育局）",
                         "③ https://weibo.com/u/7012399999：已举报的假冒账号，不要相信"]
