"""What a pull request changed under ``filings/``, for ``site-gen validate --since REF``.

Only changed files are checked in full; cross-file rules still see the whole registry.
A removed account file and a rename that turns one account into another are refused:
filings are never deleted, only deregistered. Proof records added or changed are pointed out
to the reviewers, who alone may write them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import git

from .catalogue import Problem, problem
from .errors import NotPossible
from .identity import account_key
from .labels import PLATFORMS
from .loader import SIZE_LIMIT, Document, parse_document
from .rules.paths import LIST_FILES, UNIT_FILE
from .rules.repository import filings_pathspec, is_shallow, open_repo, run_git


@dataclass
class Changes:
    targets: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _is_account(path: str) -> bool:
    name = path.rpartition("/")[2]
    return name.endswith(".yaml") and name != UNIT_FILE and name not in LIST_FILES


def _identity(doc: Document | list[Problem]) -> tuple[str, str] | None:
    if not isinstance(doc, Document) or not isinstance(doc.data, dict):
        return None
    platform, account_id = doc.data.get("platform"), doc.data.get("account_id")
    if isinstance(platform, str) and platform in PLATFORMS and isinstance(account_id, (str, int)):
        return account_key(platform, str(account_id))
    return None


def _shown(identity: tuple[str, str]) -> str:
    return f"{PLATFORMS[identity[0]]}“{identity[1]}”"


def changes_since(root: Path, ref: str) -> Changes:
    """The files changed between the merge base of ``ref`` and the working tree."""
    repo = open_repo(root)
    if repo is None:
        raise NotPossible(f"--since 需要在 Git 仓库中运行，{root} 不是。")
    if ref.startswith("-") or not ref.strip():
        raise NotPossible(f"--since 要写一个 Git 引用（分支、标签或提交），例如 origin/main，现在是“{ref}”。")
    try:
        base = repo.git.merge_base(ref, "HEAD").strip()
    except git.GitCommandError:
        hint = "（这是浅克隆：检出时请用 fetch-depth: 0）" if is_shallow(repo) else ""
        raise NotPossible(f"在 Git 历史中找不到 {ref}{hint}。") from None
    pathspec, prefix = filings_pathspec(repo, root)
    changes = Changes()
    # -z: names as they are, whatever they hold (quotes, backslashes, tabs, newlines).
    fields = run_git(repo, "diff", "--name-status", "-z", "-M", base, "--", pathspec).split("\0")
    while len(fields) > 1:
        status = fields.pop(0)
        count = 2 if status[:1] in ("R", "C") else 1
        paths, fields = fields[:count], fields[count:]
        shown = [p.removeprefix(prefix) for p in paths]
        if status.startswith("D"):
            if _is_account(shown[0]):
                changes.problems.append(problem("E-GIT-REMOVED", shown[0]))
            continue
        changes.targets.append(shown[-1])
        if status.startswith("R") and _is_account(shown[0]) and _is_account(shown[-1]):
            _check_rename(repo, root, base, paths, shown, changes)
        if _is_account(shown[-1]):
            before = None if status.startswith("A") else repo.git.show(
                f"{base}:{paths[0]}", stdout_as_string=False)
            changes.problems += _proof_changed(root, shown[-1], before)
    untracked = run_git(repo, "ls-files", "-z", "--others", "--exclude-standard", "--", pathspec)
    for path in filter(None, untracked.split("\0")):
        changes.targets.append(path.removeprefix(prefix))
        if _is_account(changes.targets[-1]):
            changes.problems += _proof_changed(root, changes.targets[-1], None)
    return changes


def _proof(doc: Document | list[Problem]) -> object:
    return doc.data.get("proof") if isinstance(doc, Document) and isinstance(doc.data, dict) \
        else None


def _proof_changed(root: Path, shown: str, before: bytes | None) -> list[Problem]:
    """Proof records are the reviewers' to write (docs/proof.md): one added or changed by
    a pull request is pointed out to them. ``before`` is the file at the base, if it was
    there."""
    try:
        with (root / shown).open("rb") as handle:
            raw = handle.read(SIZE_LIMIT + 1)
    except OSError:
        return []  # a link or an unreadable file: its own problem is reported
    now = parse_document(raw, shown) if len(raw) <= SIZE_LIMIT else []
    proof = _proof(now)
    if not proof or not isinstance(now, Document) \
            or (before is not None and _proof(parse_document(before, shown)) == proof):
        return []
    return [problem("W-PROOF-CHANGED", shown, *now.key_position(("proof",)))]


def _check_rename(repo: git.Repo, root: Path, base: str, paths: list[str], shown: list[str],
                  changes: Changes) -> None:
    before = repo.git.show(f"{base}:{paths[0]}", stdout_as_string=False)
    after_doc = parse_document((root / shown[-1]).read_bytes(), shown[-1])
    old, new = _identity(parse_document(before, shown[0])), _identity(after_doc)
    if old and new and old != new:
        line = after_doc.position(("account_id",))[0] if isinstance(after_doc, Document) else 1
        changes.problems.append(problem("E-GIT-IDENTITY", shown[-1], line, related=shown[0],
                                        old=shown[0], old_identity=_shown(old),
                                        new_identity=_shown(new)))
