"""Every case folder under tests/cases/ run through the real ``site-gen validate``.

A new case is a new folder: ``invalid/<name>/filings/…`` with ``expected.txt`` (one
``CODE path:line`` per expected problem), or ``valid/<name>/filings/…``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from site_gen.catalogue import RULES

from .conftest import CASES, build_case, git_case

CHINESE = re.compile(r"[\u4e00-\u9fff]")
INVALID = sorted(p for p in (CASES / "invalid").iterdir() if p.is_dir())
VALID = sorted(p for p in (CASES / "valid").iterdir() if p.is_dir())


def expected_of(case: Path) -> list[str]:
    return sorted(line.strip() for line in (case / "expected.txt").read_text("utf-8").splitlines()
                  if line.strip())


@pytest.mark.parametrize("case", INVALID, ids=[p.name for p in INVALID])
def test_invalid_case(case: Path, tmp_path: Path, run_cli) -> None:
    root = build_case(case, tmp_path)
    result = run_cli("--root", str(root), "validate")
    found = sorted(f"{m['code']} {m['file']}:{m['line']}" for m in result.problems())
    assert found == expected_of(case), result
    errors = any(code.startswith("E-") for code in (e.split()[0] for e in expected_of(case)))
    assert result.returncode == (1 if errors else 0), result
    assert result.stderr == "", result
    for match in result.problems():
        assert CHINESE.search(match["message"]), result
        assert (root / match["file"]).exists() or match["code"] == "E-PATH-ROOT", result


@pytest.mark.parametrize("case", VALID, ids=[p.name for p in VALID])
def test_valid_case(case: Path, tmp_path: Path, run_cli) -> None:
    root = build_case(case, tmp_path)
    result = run_cli("--root", str(root), "validate")
    assert result.returncode == 0, result
    assert result.problems() == [], result
    assert "没有发现问题" in result.stdout, result


@pytest.mark.git
@pytest.mark.parametrize("case", INVALID, ids=[p.name for p in INVALID])
def test_invalid_case_in_a_pull_request(case: Path, tmp_path: Path, run_cli) -> None:
    """Parity: the pull-request check (only the changed files read, the rest from the index)
    finds exactly what the full check finds."""
    root = git_case(case, tmp_path / "registry")
    result = run_cli("--root", str(root), "validate", "--since", "HEAD")
    # A proof record laid over the base is one the pull request added: pointed out to the
    # reviewers in a pull request only (test_git.py).
    found = sorted(f"{m['code']} {m['file']}:{m['line']}" for m in result.problems()
                   if m["code"] != "W-PROOF-CHANGED")
    assert found == expected_of(case), result
    errors = any(code.startswith("E-") for code in (e.split()[0] for e in expected_of(case)))
    assert result.returncode == (1 if errors else 0), result


def test_every_rule_has_a_case() -> None:
    covered = {line.split()[0] for case in INVALID for line in expected_of(case)}
    # E-PATH-LINK needs a symlink (test_pipeline.py); the E-GIT rules and W-PROOF-CHANGED
    # need Git (test_git.py).
    validation = {code for code, rule in RULES.items() if not rule.is_audit}  # audit: test_audit.py
    assert validation - covered == {"E-PATH-LINK", "E-GIT-REMOVED", "E-GIT-IDENTITY",
                                    "W-PROOF-CHANGED"}, validation - covered
