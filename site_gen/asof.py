"""The registry as it stood on a day: what ``report --as-of`` and ``audit --as-of`` read.

Statistics "as of 2026-10-31" are usually asked for days later, after more pull requests have
been merged. They must describe the registry of that day, not today's files dated back:

* Each filing in the version in force on the day: the tree of the newest commit on the main
  line (first parent; a merge is an approval) made by the end of that day, Beijing time.
  When no filing changed since, that is the working tree, read as it is (the day is today's
  registry); otherwise the tree is copied from Git into a private folder and checked there.
* Accounts filed later are left out, unless they were opened by the day: an account opened on
  or before the day and filed after it existed then, so it is counted, in the version first
  filed, and marked (``late``: file → day it was filed; the audit's ``A-FILED-AFTER-CUTOFF``).
  A filing entered after the day whose ``filed_on`` is not later than the day was filed then
  (on paper, before the registry held it): counted, not marked.
* An account deregistered after the day was open on the day (``as_it_stood``), with the
  activity known on the day (its version then says what was known).

Outside Git, or in a shallow clone, the day cannot be restored: the files are read as they are
and dated back, and ``notes`` says so. A day of today or later is today's registry.
"""

from __future__ import annotations

import subprocess
import tarfile
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Any

from . import clock
from .history import parsed_version, read_blobs, version_key
from .model import Registry
from .rules.paths import LIST_FILES, UNIT_FILE
from .rules.repository import filings_pathspec, is_shallow, open_repo, run_git

_RECORD, _FIELD = "\x1e", "\x1f"


@dataclass(frozen=True)
class Snapshot:
    """Where the registry of ``day`` is, and how it was found."""

    root: Path  # the registry to read: the registry itself, or a private copy of the day's tree
    day: date
    commit: str | None = None  # the main-line commit whose tree it is; None: the files as they are
    history_until: str | None = "HEAD"  # how far Git history goes for it; None: no history yet
    late: Mapping[str, str] = field(default_factory=dict)  # opened by the day, filed after it
    notes: tuple[str, ...] = ()  # what the run should say about it (stderr)
    empty: bool = False  # the registry did not exist yet on the day
    added: frozenset[str] = frozenset()  # files not in the day's tree, taken from later commits
    source: tuple[Path, str] | None = None  # the repository's folder and the registry's prefix

    def use_current(self, files: set[str]) -> list[str]:
        """Files taken from later commits whose first version cannot be read today (a rule
        since made stricter, a folder since renamed): each replaced by its version at HEAD
        where it is still there, else left out. Returns the files left out."""
        if self.source is None:
            return sorted(files)
        top, prefix = self.source
        found = read_blobs(top, [f"HEAD:{prefix}{file}" for file in files])
        dropped = []
        for file in sorted(files):
            raw = found.get(f"HEAD:{prefix}{file}")
            if raw is None:
                (self.root / file).unlink(missing_ok=True)
                dropped.append(file)
            else:
                (self.root / file).write_bytes(raw)
        return dropped


@contextmanager
def registry_on(root: Path, day: date) -> Iterator[Snapshot]:
    """The registry at ``root`` as it stood at the end of ``day`` (Beijing time); a private
    copy, when one is made, is removed on leaving."""
    repo = open_repo(root)
    if day >= clock.today():
        yield Snapshot(root, day)
        return
    if repo is None:
        yield Snapshot(root, day, history_until=None, notes=(
            f"登记库不在 Git 仓库里（或仓库还没有任何提交），无法还原 {day} 当天的备案："
            f"统计按现有文件中的日期推算，{day} 之后的变更也算在内。",))
        return
    if is_shallow(repo):
        yield Snapshot(root, day, notes=(
            f"这是浅克隆（shallow clone），无法还原 {day} 当天的备案：统计按现有文件中的日期推算。"
            "请在 CI 中使用 fetch-depth: 0。",))
        return
    pathspec, prefix = filings_pathspec(repo, root)
    base, after, skewed = _cutoff(repo, day)
    changed = bool(run_git(repo, "diff", "--name-only", base or _EMPTY_TREE, "HEAD", "--",
                           pathspec).strip())
    # Edits not yet committed are not the registry of a past day either.
    dirty = bool(run_git(repo, "status", "--porcelain", "--untracked-files=all", "--",
                         pathspec).strip())
    if not changed and not dirty:  # nothing approved since the day changed a filing
        yield Snapshot(root, day)
        return
    top = Path(repo.working_tree_dir or root)
    with tempfile.TemporaryDirectory(prefix="site-gen-as-of-") as private:
        copy = Path(private) / "registry"
        copy.mkdir()
        if base:
            _extract(top, base, pathspec, copy)
        shown_root = copy / prefix if prefix else copy
        shown_root.mkdir(parents=True, exist_ok=True)
        late, entered = _late_filings(repo, top, base, day, pathspec, prefix, shown_root)
        notes = [f"统计截至 {day}：按当天登记库的状态（提交 {base[:10]}），之后合并的 {after} 次提交没有计入。"
                 if base else f"{day} 时登记库还没有任何提交。"]
        if skewed:
            notes.append(f"主分支上有 {skewed} 次提交的时间早于它前面的提交（提交时的电脑时钟可能不准）："
                         "按提交的先后，只计入第一次晚于统计日的提交之前的内容。")
        if dirty:
            notes.append("工作目录里还有没有提交的修改：它们不是统计日当天的登记库，没有计入。")
        if entered:
            notes.append(f"有 {len(entered)} 个账号在 {day} 后才录入登记库，但备案日期不晚于 {day}："
                         "已按首次录入的内容计入。")
        if late:
            notes.append(f"有 {len(late)} 个账号在 {day} 前开通、之后才备案：已按首次备案的内容计入，"
                         "并在备注和审计中标明“截止日后补录”。")
        yield Snapshot(shown_root, day, base, base, late, tuple(notes),
                       empty=not base and not late and not entered,
                       added=frozenset(late) | entered, source=(top, prefix))


# Git's empty tree: what the registry held before its first commit.
_EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"


def _cutoff(repo: Any, day: date) -> tuple[str | None, int, int]:
    """The last main-line commit of the run of commits, from the first, all made by the end
    of ``day`` (None: the first was made later); how many main-line commits came after it;
    and how many of those say they were made by then (a clock set wrong: they are taken in
    the order they were merged, so no later change slips in before an earlier one)."""
    end = clock.end_of_day(day)
    log = run_git(repo, "log", "--first-parent", "--reverse", f"--format=%H{_FIELD}%ct", "HEAD")
    commits = [(sha, int(stamp)) for sha, _, stamp in
               (line.partition(_FIELD) for line in log.splitlines()) if stamp.strip().isdigit()]
    base: str | None = None
    for index, (sha, stamp) in enumerate(commits):
        if stamp >= end:
            rest = commits[index:]
            return base, len(rest), sum(1 for _, later in rest if later < end)
        base = sha
    return base, 0, 0


def _regular(member: tarfile.TarInfo, path: str) -> tarfile.TarInfo | None:
    """Only folders and plain files, inside the copy (a link in the tree is not followed)."""
    if not (member.isreg() or member.isdir()):
        return None
    return tarfile.data_filter(member, path)


def _extract(top: Path, commit: str, pathspec: str, target: Path) -> None:
    """The filings of ``commit``'s tree, written under ``target`` (streamed: no copy in memory)."""
    with subprocess.Popen(["git", "-C", str(top), "archive", "--format=tar", commit, "--",
                           pathspec], stdout=subprocess.PIPE) as git_archive:
        assert git_archive.stdout is not None
        with tarfile.open(fileobj=git_archive.stdout, mode="r|") as archive:
            archive.extractall(target, filter=_regular)
    if git_archive.returncode:
        raise subprocess.CalledProcessError(git_archive.returncode, "git archive")


def _is_account(path: str) -> bool:
    name = PurePosixPath(path).name
    return name.endswith(".yaml") and name != UNIT_FILE and name not in LIST_FILES \
        and not name.startswith(".")


def _late_filings(repo: Any, top: Path, base: str | None, day: date, pathspec: str,
                  prefix: str, root: Path) -> tuple[dict[str, str], set[str]]:
    """Account filings added to the main line after ``base`` whose first version says they
    were opened by ``day``: written into ``root`` (with the unit files they need, as of the
    commit that added them). Returns the late ones (file → the day filed: ``filed_on``, or the
    commit's day when that is earlier) and the others: filings entered after
    the day that say they were filed by it (on paper, before the registry held them), which
    are not late. A file that only moved is not new: a deletion after the day of the same
    account (platform and ID) means the account was in the day's tree already. Git's rename
    detection is not used: it can pair two different accounts."""
    log = run_git(repo, "log", "--first-parent", "-m", "--reverse", "--raw", "--no-abbrev",
                  "--no-renames", "--diff-filter=AD", f"--format={_RECORD}%H{_FIELD}%ct",
                  f"{base}..HEAD" if base else "HEAD", "--", pathspec)
    added: list[tuple[str, str, str, str]] = []  # commit, day, path, blob
    removed: list[str] = []  # blobs of files deleted after the day
    for block in log.split(_RECORD):
        header, *lines = block.strip("\n").split("\n") if block.strip() else ("",)
        if not header:
            continue
        sha, _, stamp = header.partition(_FIELD)
        for line in lines:
            if not line.startswith(":"):
                continue
            meta, _, path = line[1:].partition("\t")
            _, _, old, new, status = meta.split()
            if status == "D":
                removed.append(old)
            elif status == "A" and _is_account(path):
                added.append((sha, clock.beijing_day(stamp), path, new))
    blobs = read_blobs(top, [blob for *_, blob in added] + removed)
    gone = {version_key(parsed_version(blobs.get(blob), blob)) for blob in removed} - {None}
    late: dict[str, str] = {}
    entered: set[str] = set()
    cut = day.isoformat()
    for sha, committed, path, blob in added:
        data = parsed_version(blobs.get(blob), blob)
        shown = path.removeprefix(prefix)
        opened = data.get("opened_on") if data else None
        if data is None or shown in late or shown in entered or not isinstance(opened, str) \
                or opened > cut or version_key(data) in gone or (root / shown).exists():
            continue
        filed = data.get("filed_on")
        filed = filed if isinstance(filed, str) and filed <= committed else committed
        if filed > cut:
            late[shown] = filed
        else:  # filed by the day (on paper, before the registry held it): not late
            entered.add(shown)
        target = root / shown
        target.parent.mkdir(parents=True, exist_ok=True)
        raw = blobs.get(blob)
        assert raw is not None
        target.write_bytes(raw)
        _unit_files(top, sha, prefix, shown, root)
    return late, entered


def _unit_files(top: Path, commit: str, prefix: str, shown: str, root: Path) -> None:
    """The unit files above ``shown`` that the copy lacks, as of ``commit``."""
    folders = PurePosixPath(shown).parents
    wanted = [folder / UNIT_FILE for folder in reversed(list(folders))
              if str(folder).startswith("filings") and not (root / folder / UNIT_FILE).exists()]
    if not wanted:
        return
    found = read_blobs(top, [f"{commit}:{prefix}{path}" for path in wanted])
    for path in wanted:
        raw = found.get(f"{commit}:{prefix}{path}")
        if raw is not None:
            (root / path).parent.mkdir(parents=True, exist_ok=True)
            (root / path).write_bytes(raw)


def as_it_stood(registry: Registry, day: date) -> Registry:
    """``registry`` with every account deregistered or suspended after ``day`` in use again,
    as it was then."""
    cut = day.isoformat()
    accounts = tuple(
        replace(a, status="active", deregistered_on=None, deregister_reason=None)
        if a.deregistered_on and a.deregistered_on > cut else
        replace(a, status="active", suspended_on=None, suspend_reason=None, suspend_order=None)
        if a.suspended_on and a.suspended_on > cut else a
        for a in registry.accounts)
    return Registry(registry.units, accounts, registry.counterfeits, registry.actions)
