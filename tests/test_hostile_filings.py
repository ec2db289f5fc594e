"""What a determined filer might try against the check and the outputs, in a real Git
repository: names that Git quotes, a deleted unit file, hidden and misnamed folders, text that
poses as a CI annotation or as HTML, a damaged cache, a build that fails halfway."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from site_gen.rules.incremental import cache_folder

from .conftest import CASES, REPO
from .portal_helpers import portal_source

WEIBO = "filings/school/weibo--1234567890.yaml"


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "王审核", "GIT_COMMITTER_NAME": "王审核",
           "GIT_AUTHOR_EMAIL": "a@example.invalid", "GIT_COMMITTER_EMAIL": "a@example.invalid"}
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True,
                          env=env, check=True).stdout


def account_text() -> str:
    return (CASES / "valid" / "minimal" / WEIBO).read_text("utf-8")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """The base registry with one account, committed on main; a branch ``pr`` checked out."""
    root = tmp_path / "repo"
    shutil.copytree(CASES / "base", root)
    (root / WEIBO).write_text(account_text(), "utf-8")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    git(root, "checkout", "-q", "-b", "pr")
    return root


def codes(result) -> list[tuple[str, str]]:
    return sorted((m["code"], m["file"]) for m in result.problems())


@pytest.mark.git
@pytest.mark.parametrize("name", ['we"ibo.yaml', "we\\ibo.yaml", "we\tibo.yaml",
                                  "we\nibo.yaml", "微博 账号.yaml"])
@pytest.mark.parametrize("committed", [True, False], ids=["committed", "untracked"])
def test_a_name_git_would_quote_is_still_checked(repo: Path, run_cli, name: str,
                                                 committed: bool) -> None:
    (repo / "filings" / "school" / name).write_text(account_text(), "utf-8")
    if committed:
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", "pr")
    result = run_cli("--root", str(repo), "validate", "--since", "main")
    shown = f"filings/school/{name}"
    assert result.returncode == 1, result
    # The file is read (its name is wrong for its content) and reported by its real name,
    # on one line of output even when the name holds a line break.
    assert result.stdout.count("E-PATH-NAME") == 1, result
    first = result.stdout.splitlines()[0]
    assert first.startswith(shown.replace("\n", "\\n") + ":"), result
    full = run_cli("--root", str(repo), "validate", "--format", "json")
    found = {(p["code"], p["file"]) for p in json.loads(full.stdout)["problems"]}
    assert ("E-PATH-NAME", shown) in found


@pytest.mark.git
def test_a_deleted_unit_file_fails_the_pull_request(repo: Path, run_cli) -> None:
    (repo / "filings" / "school" / "_unit.yaml").unlink()
    git(repo, "commit", "-q", "-am", "remove the unit")
    result = run_cli("--root", str(repo), "validate", "--since", "main")
    assert result.returncode == 1, result
    assert ("E-PATH-UNIT", WEIBO) in codes(result), result
    full = run_cli("--root", str(repo), "validate")
    assert codes(full) == codes(result)


@pytest.mark.git
@pytest.mark.parametrize("folder", ["Bad Folder", ".hidden", "新学校"])
def test_a_misnamed_or_hidden_folder_fails_the_pull_request(repo: Path, run_cli,
                                                            folder: str) -> None:
    place = repo / "filings" / "school" / folder
    place.mkdir()
    (place / "_unit.yaml").write_text("name: 测试小学\nshort_name: 测试小学\nkind: school\n", "utf-8")
    pr = run_cli("--root", str(repo), "validate", "--since", "main")
    full = run_cli("--root", str(repo), "validate")
    expected = "E-PATH-HIDDEN" if folder.startswith(".") else "E-PATH-SLUG"
    assert pr.returncode == full.returncode == 1, pr
    assert expected in {code for code, _ in codes(pr)}, pr
    assert codes(pr) == codes(full)


@pytest.mark.git
def test_a_private_key_in_a_comment_is_refused_and_never_echoed(repo: Path,
                                                                run_cli) -> None:
    key = "AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQVXKKWK"
    file = repo / WEIBO
    file.write_text(file.read_text("utf-8") + f"# 备份：{key}\n", "utf-8")
    for args in (["validate", "--since", "main"], ["validate"], ["validate", "--format", "json"],
                 ["validate", "--format", "markdown"], ["validate", "--format", "github"]):
        result = run_cli("--root", str(repo), *args)
        assert result.returncode == 1 and "E-READ-SECRET" in result.stdout, result
        assert "GFPYYSJZ" not in result.stdout + result.stderr


FAKE = "<img src=x onerror=alert(1)>\n::error file=filings/_unit.yaml,line=1::伪造"


@pytest.mark.git
def test_a_value_cannot_pose_as_an_annotation_or_markup(repo: Path, run_cli) -> None:
    file = repo / WEIBO
    file.write_text(file.read_text("utf-8") + f"url: {json.dumps(FAKE, ensure_ascii=False)}\n", "utf-8")
    plain = run_cli("--root", str(repo), "validate", "--since", "main")
    assert "E-SCHEMA-FORMAT" in plain.stdout, plain
    assert not any(line.lstrip().startswith("::") for line in plain.stdout.splitlines()), plain
    github = run_cli("--root", str(repo), "validate", "--format", "github")
    annotations = [line for line in github.stdout.splitlines() if line.startswith("::")]
    assert annotations and all(f"file={WEIBO.replace(':', '%3A')}," in line
                               for line in annotations), github
    summary = repo / "summary.md"
    run_cli("--root", str(repo), "validate", "--since", "main", "--summary", str(summary))
    markdown = summary.read_text("utf-8")
    assert "<img" not in markdown and "&lt;img" in markdown
    assert not any(line.startswith("::") for line in markdown.splitlines())


@pytest.mark.git
def test_a_damaged_index_is_discarded_with_a_warning(repo: Path, run_cli,
                                                     tmp_path: Path) -> None:
    first = run_cli("--root", str(repo), "validate", "--since", "main")
    index = cache_folder(repo) / "index.json"
    assert index.exists()
    stored = json.loads(index.read_text("utf-8"))
    for blob in stored["entries"]:
        stored["entries"][blob] = ["a", "伪造"]  # the shape of an account, cut short
    index.write_text(json.dumps(stored), "utf-8")
    again = run_cli("--root", str(repo), "validate", "--since", "main")
    assert "已损坏，已丢弃" in again.stderr, again
    assert (again.returncode, again.stdout) == (first.returncode, first.stdout)
    index.write_text("{not json", "utf-8")
    third = run_cli("--root", str(repo), "validate", "--since", "main")
    assert "已损坏" in third.stderr and third.stdout == first.stdout


def test_a_failed_build_keeps_the_last_good_site(tmp_path: Path, run_cli) -> None:
    root = portal_source(tmp_path / "portal", REPO / "filings")
    site = root / "site"
    done = run_cli("--root", str(root), "build", "--out", str(site))
    assert done.returncode == 0, done
    before = sorted(p.relative_to(site) for p in site.rglob("*"))
    # A page with a broken link: mkdocs --strict stops halfway through the build.
    (root / "docs" / "broken.md").write_text("# 坏页面\n\n[不存在](missing.md)\n", "utf-8")
    failed = run_cli("--root", str(root), "build", "--out", str(site))
    assert failed.returncode == 1 and "原有的门户保持不变" in failed.stderr, failed
    assert sorted(p.relative_to(site) for p in site.rglob("*")) == before
    assert [p.name for p in root.iterdir() if p.name.startswith(".site")] == []


@pytest.mark.parametrize("out", [".", "filings", "docs", ".git", "..", "filings/site"])
def test_build_never_replaces_the_registry(repo: Path, run_cli, out: str) -> None:
    before = sorted(p.relative_to(repo).as_posix() for p in repo.rglob("*") if ".git" not in p.parts)
    done = run_cli("--root", str(repo), "build", "--out", str(repo / out))
    assert done.returncode == 2 and "不能是登记库本身" in done.stderr, done
    assert sorted(p.relative_to(repo).as_posix() for p in repo.rglob("*")
                  if ".git" not in p.parts) == before


def test_build_refuses_a_folder_with_other_content(repo: Path, run_cli, tmp_path: Path) -> None:
    other = tmp_path / "notes"
    other.mkdir()
    (other / "mine.txt").write_text("不要删", "utf-8")
    done = run_cli("--root", str(repo), "build", "--out", str(other))
    assert done.returncode == 2 and "已有别的内容" in done.stderr, done
    assert (other / "mine.txt").read_text("utf-8") == "不要删"


def test_since_and_paths_are_checked_before_git_sees_them(repo: Path, run_cli) -> None:
    for args in (["--since=--help"], ["--since", "--output=/tmp/x"], ["README.md"]):
        (repo / "README.md").write_text("x", "utf-8")
        done = run_cli("--root", str(repo), "validate", *args)
        assert done.returncode == 2 and "用法错误" in done.stderr, done


def test_a_website_answer_that_is_no_text_still_makes_a_record() -> None:
    from datetime import date

    from site_gen.probe import Site, read_record, record

    site = Site("filings/x.yaml", "https://x.example/")
    site.add("listed", "网站列出了“\ud800”")
    site.listed = [["weibo", "\ud800"]]
    text = record([site], date(2026, 12, 1))
    text.encode("utf-8")  # a lone surrogate would fail here
    assert read_record(text)[1]["filings/x.yaml"].findings


@pytest.mark.parametrize("args", [["audit", "--as-of", "2026/11/01"],
                                  ["report", "--sent-on", "下周一"]])
def test_a_date_option_is_refused_in_chinese(repo: Path, run_cli, args: list[str]) -> None:
    done = run_cli("--root", str(repo), *args)
    assert done.returncode == 2 and "应写成 YYYY-MM-DD" in done.stderr, done
    assert "Invalid value" not in done.stderr


@pytest.mark.parametrize("out", [".", "filings", "filings/school", "docs"])
def test_report_never_writes_personal_data_into_the_registry(repo: Path, run_cli,
                                                             out: str) -> None:
    done = run_cli("--root", str(repo), "report", "--no-seal", "--out", str(repo / out))
    assert done.returncode == 2 and "报表含个人信息" in done.stderr, done
    assert not list(repo.rglob("*.xlsx"))
