"""The whole check as a library call: the model it builds, and inputs it must survive."""

from __future__ import annotations

import os
import random
from pathlib import Path

from site_gen.rules import check_registry

from .conftest import CASES, REPO, build_case


def test_unquoted_numbers_keep_every_digit(tmp_path: Path) -> None:
    outcome = check_registry(build_case(CASES / "valid" / "unquoted-numbers", tmp_path))
    assert outcome.problems == ()
    (account,) = outcome.registry.accounts
    assert account.account_id == "1234567890"
    assert account.contacts.supervisor.phone == "02037626715"
    assert account.contacts.ops_lead.phone == "13900002222"
    assert account.contacts.ops_lead.wechat == "13900002222"


def test_demo_model() -> None:
    outcome = check_registry(REPO / "filings" / "..")
    registry = outcome.registry
    assert outcome.errors == 0
    assert 30 <= len(registry.accounts) <= 60
    platforms = {a.platform for a in registry.accounts}
    assert platforms == {"website", "wechat_official", "wechat_channels", "weibo", "douyin",
                         "kuaishou", "toutiao", "baijiahao", "bilibili", "xiaohongshu", "qq",
                         "app", "mini_program", "other"}
    kinds = {u.kind for u in registry.units.values()}
    assert {"bureau", "school", "kindergarten", "university", "department"} <= kinds
    assert any(not a.active for a in registry.accounts)
    assert any(a.active and a.last_post_on and a.last_post_on < "2026-09-23"
               for a in registry.accounts), "a stale account (no post for over two months)"
    assert any(a.suspended for a in registry.accounts), "a suspended account"
    assert {a.kind for a in registry.actions} >= {"rectification_notice", "public_notice",
                                                  "suspension_order"}
    assert registry.counterfeits
    assert sum(u.kind == "bureau" for u in registry.units.values()) >= 3


def test_symlinks_are_refused(tmp_path: Path) -> None:
    root = build_case(CASES / "valid" / "minimal", tmp_path)
    os.symlink("/etc/hostname", root / "filings" / "school" / "weibo--1.yaml")
    os.symlink(root / "filings" / "school", root / "filings" / "loop")
    found = [(p.code, p.file) for p in check_registry(root).problems]
    assert found == [("E-PATH-LINK", "filings/loop"),
                     ("E-PATH-LINK", "filings/school/weibo--1.yaml")]


def test_mangled_filings_never_raise(tmp_path: Path) -> None:
    """Random edits to a full filing give problems, never an exception."""
    root = build_case(CASES / "valid" / "full", tmp_path)
    school = root / "filings" / "school"
    targets = [school / "weibo--1234567890.yaml", school / "_unit.yaml",
               school / "_counterfeits.yaml"]
    originals = {t: t.read_text("utf-8").splitlines(keepends=True) for t in targets}
    rng = random.Random(7)
    pieces = ["", "~", "[]", "{}", "- x", "yes", "0123", "2024-13-40", "  a: 1", ": :", "'",
              "[1, [2, {3: 4}]]", "null", "99999999999999999999", "-1", "true", '"x"', "\t"]
    for _ in range(int(os.environ.get("FUZZ_ROUNDS", "150"))):
        target = rng.choice(targets)
        for path, original in originals.items():
            path.write_text("".join(original), "utf-8")
        lines = list(originals[target])
        for _ in range(rng.randint(1, 4)):
            index = rng.randrange(len(lines))
            key = lines[index].split(":", 1)[0]
            lines[index] = f"{key}: {rng.choice(pieces)}\n" if rng.random() < 0.7 else \
                f"{rng.choice(pieces)}\n"
        target.write_text("".join(lines), "utf-8")
        check_registry(root)


def test_unchanged_files_broken_on_main_are_left_out_not_fatal(tmp_path: Path) -> None:
    """With targets, an unchanged file that is somehow invalid (a calendar-invalid date
    merged by hand, say) is left out of the model instead of crashing the rules."""
    root = build_case(CASES / "invalid" / "date-not-on-calendar", tmp_path)
    good = root / "filings" / "school" / "weibo--1234567891.yaml"
    good.write_text((CASES / "valid" / "minimal" / "filings" / "school" /
                     "weibo--1234567890.yaml").read_text("utf-8").replace(
        '"1234567890"', '"1234567891"'), "utf-8")
    outcome = check_registry(root, ["filings/school/weibo--1234567891.yaml"])
    assert outcome.problems == ()
    assert [a.account_id for a in outcome.registry.accounts] == ["1234567891"]


def test_worker_processes_give_the_same_result(monkeypatch) -> None:
    """Large registries are read in worker processes; the outcome must not change."""
    from site_gen import rules

    serial = check_registry(REPO)
    monkeypatch.setattr(rules, "PARALLEL_FROM", 1)
    parallel = check_registry(REPO)
    assert parallel.problems == serial.problems and len(serial.problems) == 5
    assert parallel.registry.actions == serial.registry.actions
    assert parallel.registry.accounts == serial.registry.accounts
    assert dict(parallel.registry.units) == dict(serial.registry.units)
    assert parallel.registry.counterfeits == serial.registry.counterfeits
