"""The pieces behind the rules: credit codes, working days, file names, dates as typed, and
the style of names."""

from __future__ import annotations

from datetime import date

import pytest

from site_gen.creditcode import ALPHABET, check_digit, credit_code_error
from site_gen.dates import day_problem, normal_day
from site_gen.identity import account_key, account_slug, expected_file_name
from site_gen.names import style_reasons, table
from site_gen.workdays import covered_years, is_working_day, working_days_after

# Published on the National Enterprise Credit Information Publicity System.
KNOWN_VALID = ["91110000802100433B", "91440300708461136T"]


@pytest.mark.parametrize("code", KNOWN_VALID)
def test_known_credit_codes_pass(code: str) -> None:
    assert credit_code_error(code) is None


def test_every_single_character_error_is_caught() -> None:
    code = "12990100MB0000009" + check_digit("12990100MB0000009")
    assert credit_code_error(code) is None
    for position in range(18):
        for char in ALPHABET:
            if char != code[position]:
                wrong = code[:position] + char + code[position + 1:]
                assert credit_code_error(wrong) is not None, wrong


def test_credit_code_messages_say_what_is_wrong() -> None:
    assert "18 位" in (credit_code_error("1299") or "")
    assert "“I”" in (credit_code_error("12990100MB000000I9") or "")
    assert "校验位" in (credit_code_error("12990100MB00000090") or "")


@pytest.mark.parametrize("start,end,days", [
    ("2024-05-06", "2024-05-08", 2),      # plain weekdays
    ("2024-05-06", "2024-05-15", 8),      # Saturday 11 May 2024 was a working day
    ("2025-09-26", "2025-10-10", 5),      # National Day holiday, Sunday 28 Sept worked
    ("2025-09-26", "2025-10-11", 6),      # Saturday 11 Oct 2025 worked
    ("2026-02-13", "2026-02-24", 2),      # Spring Festival 2026: 14 Feb worked, 15–23 off
    ("2024-05-10", "2024-05-10", 0),
])
def test_working_days(start: str, end: str, days: int) -> None:
    assert working_days_after(date.fromisoformat(start), date.fromisoformat(end)) == days


def test_calendar_years_and_weekends() -> None:
    assert set(range(2020, 2027)) <= covered_years()
    assert not is_working_day(date(2026, 10, 1))
    assert is_working_day(date(2026, 10, 10))  # a Saturday worked in lieu
    assert not is_working_day(date(2031, 3, 1))  # an uncovered year: weekends still off
    assert is_working_day(date(2031, 3, 3))


@pytest.mark.parametrize("platform,account_id,name", [
    ("weibo", "1234567890", "weibo--1234567890.yaml"),
    ("wechat_official", "gh_3A1F", "wechat_official--gh_3a1f.yaml"),
    ("website", "WWW.Example.EDU.cn", "website--www.example.edu.cn.yaml"),
    ("other", "测试一中@ceshi/yizhong", "other--ceshi-yizhong-310ebdbf.yaml"),
    ("other", "测试一中", "other--" + account_slug("测试一中") + ".yaml"),
])
def test_file_names(platform: str, account_id: str, name: str) -> None:
    assert expected_file_name(platform, account_id) == name


def test_slugs_of_different_ids_differ() -> None:
    assert account_slug("测试一中") != account_slug("测试二中")
    assert len(account_slug("测试一中")) == 8


def test_identity_ignores_case_and_www_for_websites_only() -> None:
    assert account_key("website", "WWW.A.example") == account_key("website", "a.example")
    assert account_key("weibo", "www.a") != account_key("weibo", "a")
    assert account_key("douyin", "ABC") == account_key("douyin", "abc")


@pytest.mark.parametrize("typed,written", [
    ("2024-05-01", "2024-05-01"), ("2024/5/1", "2024-05-01"), ("2024.5.1", "2024-05-01"),
    ("2024年5月1日", "2024-05-01"), ("2024年5月1号", "2024-05-01"), (" 2024 年 5 月 1 日 ", "2024-05-01"),
    ("20240501", "2024-05-01"), ("２０２４年５月１日", "2024-05-01"), ("２０２４／５／１", "2024-05-01"),
    ("2024-02-30", "2024-02-30"),  # read, not judged: day_problem says it is not on the calendar
    ("2024/5/1日", None), ("2024-5/1", None), ("24/5/1", None), ("2024年5月", None),
    ("202451", None), ("五月一日", None), ("", None),
])
def test_dates_are_read_in_the_shapes_clerks_type(typed: str, written: str | None) -> None:
    assert normal_day(typed) == written


@pytest.mark.parametrize("value,code", [
    ("2024-02-29", None), ("2023-02-29", "E-DATE-INVALID"), ("2024-13-01", "E-DATE-INVALID"),
    ("0000-01-01", "E-DATE-INVALID"), ("1994-01-01", None), ("1993-12-31", "E-DATE-IMPLAUSIBLE"),
    ("0024-05-01", "E-DATE-IMPLAUSIBLE"), ("2024-05-02", "E-DATE-FUTURE"), ("2024-05-01", None),
])
def test_a_date_is_on_the_calendar_after_1993_and_not_ahead(value: str, code: str | None) -> None:
    assert day_problem(value, date(2024, 5, 1)) == code
    assert day_problem("2999-01-01", None) is None  # a date that may lie ahead


@pytest.mark.parametrize("name,reasons", [
    ("示例市第一中学", []),
    ("示例·中学 2024", []),
    ("示例一中🎉", ["含有表情或图形符号（🎉）"]),
    ("★示例中学★", ["含有表情或图形符号（★）"]),
    ("示例中学！！", ["有重复的标点（！！）"]),
    ("示例中学??~~", ["有重复的标点（??、~~）"]),
    ("示例中学……", ["有重复的标点（……）"]),
    ("示例中学！?！", []),  # alternating is not repeated
    ("示例一中福利！点我领资料", ["含有营销用语（点我、领资料、福利）"]),
])
def test_name_style(name: str, reasons: list[str]) -> None:
    assert style_reasons(name) == reasons


def test_the_name_table_keeps_the_shape_the_form_reads() -> None:
    names = table()
    assert set(names) == {"marketing_words", "emoji_ranges", "punctuation"}
    assert all(isinstance(word, str) and word for word in names["marketing_words"])
    assert all(int(first, 16) <= int(last, 16) for first, last in names["emoji_ranges"])
    assert isinstance(names["punctuation"], str)
    assert ["1F300", "1FAFF"] in names["emoji_ranges"]
