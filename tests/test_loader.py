"""The strict loader on its own: what stays text, what is refused, where values were written."""

from __future__ import annotations

import random
from pathlib import Path

import yaml

from site_gen import loader
from site_gen.loader import SIZE_LIMIT, Document, parse_document, read_document


def load(text: str) -> Document:
    result = parse_document(text.encode("utf-8"), "f.yaml")
    assert isinstance(result, Document), result
    return result


def codes(raw: bytes) -> list[str]:
    result = parse_document(raw, "f.yaml")
    assert isinstance(result, list), result
    return [p.code for p in result]


def test_uses_libyaml() -> None:
    assert yaml.__with_libyaml__
    assert loader._Loader is yaml.CSafeLoader


def test_yaml_11_surprises_stay_text() -> None:
    doc = load("a: yes\nb: no\nc: on\nd: off\ne: 0123\nf: 02037626715\ng: 1.5\n"
               "h: 2024-05-01\ni: 0x1F\nj: 1_000\nk: .inf\nl: Y\n")
    assert doc.data == {"a": "yes", "b": "no", "c": "on", "d": "off", "e": "0123",
                        "f": "02037626715", "g": "1.5", "h": "2024-05-01", "i": "0x1F",
                        "j": "1_000", "k": ".inf", "l": "Y"}


def test_core_scalars_resolve_and_quotes_keep_text() -> None:
    doc = load("a: true\nb: false\nc: 320\nd: -5\ne: ~\nf:\ng: 'true'\nh: \"320\"\n")
    assert doc.data == {"a": True, "b": False, "c": 320, "d": -5, "e": None, "f": None,
                        "g": "true", "h": "320"}
    assert doc.plain_numbers == {("c",): "320", ("d",): "-5"}


def test_long_numbers_keep_their_text() -> None:
    doc = load("phone: 13800138000\nid: 123456789012345678901234567890\n")
    assert doc.plain_numbers[("phone",)] == "13800138000"
    assert doc.data["id"] == "123456789012345678901234567890"  # too long to be a number


def test_keys_are_text_as_written() -> None:
    assert load("posts:\n  2025: 3\n  yes: 1\n").data == {"posts": {"2025": 3, "yes": 1}}


def test_positions_of_nested_values() -> None:
    doc = load("# comment\na: 1\nb:\n  c:\n    - x\n    - d: 2\n")
    assert doc.position(("a",)) == (2, 4)
    assert doc.position(("b", "c", 1, "d")) == (6, 10)
    assert doc.key_position(("b", "c")) == (4, 3)
    assert doc.position(("b", "missing")) == doc.position(("b",))


def test_duplicate_keys_are_all_reported() -> None:
    assert codes(b"a: 1\nb: 2\na: 3\nb: 4\n") == ["E-READ-DUPKEY", "E-READ-DUPKEY"]


def test_alias_bomb_is_refused_before_expansion() -> None:
    bomb = b"a: &a [" + b",".join([b'"lol"'] * 9) + b"]\n"
    for name, prev in zip("bcdefghi", "abcdefgh", strict=True):
        bomb += f"{name}: &{name} [".encode() + b",".join([f"*{prev}".encode()] * 9) + b"]\n"
    assert codes(bomb) == ["E-READ-ALIAS"]


def test_oversize_is_refused_before_parsing(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_bytes(b"a: [" * (SIZE_LIMIT // 4 + 1))  # also a syntax error, never seen
    result = read_document(big, "big.yaml")
    assert isinstance(result, list) and [p.code for p in result] == ["E-READ-SIZE"]


def test_encodings() -> None:
    assert codes("name: 测试".encode("utf-16")) == ["E-READ-ENCODING"]
    assert "UTF-16" in parse_document("name: 测试".encode("utf-16"), "f")[0].message  # type: ignore[index]
    assert "GBK" in parse_document("a: 1\nname: 测试\n".encode("gbk"), "f")[0].message  # type: ignore[index]
    assert parse_document("a: 1\nname: 测试\n".encode("gbk"), "f")[0].line == 2  # type: ignore[index]


def test_every_control_line_is_reported_once() -> None:
    found = parse_document(b"a: \x00\x01\nb: ok\nc: \x1b\n", "f.yaml")
    assert isinstance(found, list)
    assert [(p.code, p.line) for p in found] == [("E-READ-CONTROL", 1), ("E-READ-CONTROL", 3)]


def test_tags_of_every_kind_are_refused() -> None:
    for text in (b"a: !!str 1\n", b"a: !custom x\n", b"!!map\na: 1\n", b"a: !!python/name:os.system\n",
                 b"a: ! x\n", b"a: !!seq [1]\n"):
        assert codes(text) == ["E-READ-TAG"], text


def test_no_input_raises() -> None:
    """Random bytes and mangled filings never escape as an exception."""
    rng = random.Random(20261123)
    sample = Path(__file__).parent.joinpath("cases/valid/full/filings/school/weibo--1234567890.yaml")
    text = sample.read_bytes()
    alphabet = b"\t\n\r :-[]{}&*!|>'\"%@`#,?\\x\xe4\xb8\xad0123"
    for _ in range(400):
        data = bytearray(text)
        for _ in range(rng.randint(1, 8)):
            data[rng.randrange(len(data))] = rng.choice(alphabet)
        result = parse_document(bytes(data), "f.yaml")
        assert isinstance(result, (Document, list))
    for _ in range(200):
        result = parse_document(bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 200))), "f")
        assert isinstance(result, (Document, list))


def test_full_width_colon_in_a_comment_is_not_blamed() -> None:
    found = parse_document("# 说明：这是注释\nname: 测试\nstatus：active\n".encode(), "f.yaml")
    assert isinstance(found, list) and [(p.code, p.line) for p in found] == [("E-READ-SYNTAX", 3)]
    assert "中文冒号" in found[0].message


def test_quotes_in_comments_are_not_blamed() -> None:
    found = parse_document(b'# say "hi\nname: "x\nstatus: active\n', "f.yaml")
    assert isinstance(found, list) and [(p.code, p.line) for p in found] == [("E-READ-SYNTAX", 2)]


def test_a_tab_or_full_width_colon_costs_one_round_and_the_copy_is_never_the_filing(
        tmp_path: Path, run_cli) -> None:
    from site_gen.rules import AFTER_REPAIR, check_registry

    from .conftest import CASES, build_case

    root = build_case(CASES / "invalid" / "read-tab-and-colon", tmp_path)
    problems = run_cli("--root", str(root), "validate").problems()
    first, *later = sorted(problems, key=lambda m: int(m["line"]))
    assert first["code"] == "E-READ-SYNTAX" and not first["message"].startswith(AFTER_REPAIR)
    assert later and all(m["message"].startswith(AFTER_REPAIR) for m in later)
    assert check_registry(root).registry.accounts == ()  # it still has errors


def test_a_tab_stands_for_the_files_own_indentation_step(tmp_path: Path) -> None:
    from site_gen.loader import repaired_reading

    file = tmp_path / "f.yaml"
    file.write_text("a:\n    b: 1\n\tc: 2\nd：3\n", "utf-8")
    first = parse_document(file.read_bytes(), "f.yaml")
    assert isinstance(first, list) and first[-1].line == 3
    found, copy = repaired_reading(file, "f.yaml", first[-1])
    assert [(p.code, p.line) for p in found] == [("E-READ-SYNTAX", 4)]  # the colon, met on the way
    assert copy is not None and copy.data == {"a": {"b": 1, "c": 2}, "d": 3}
