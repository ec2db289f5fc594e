"""The command layer: one module per ``site-gen`` command (as mkdocs has ``commands/``).

Each module parses nothing itself (``cli.py`` does, with click), checks what the user gave
(the registry folder, a unit path; dates are parsed by ``options``), calls the libraries, which return values,
and prints. No module outside this package prints or asks questions.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from ..errors import UsageError
from ..model import Registry, Sealed


def registry_root(root: Path) -> Path:
    """The registry folder, which must exist."""
    if not root.is_dir():
        raise UsageError(f"登记库目录 {root} 不存在。")
    return root


def unit_argument(registry: Registry, text: str | None) -> str:
    """A unit folder as the user writes it (``filings/dongcheng/``, ``dongcheng``)."""
    path = (text or "").strip().strip("/").removeprefix("filings").strip("/")
    if path not in registry.units:
        example = next((u for u in sorted(registry.units) if u), "")
        raise UsageError(f"找不到单位“{path}”：请写 filings/ 下的单位文件夹" +
                         (f"，例如 {example}" if example else "") +
                         "（按 --as-of 统计时，是那一天的文件夹名）。")
    return path


def sealed_notes(registry: Registry, keys: tuple[str, ...]) -> list[str]:
    """What a run should say about sealed contacts: left sealed for want of a key, or
    opened (and how many could not be)."""
    people = [a.contacts for a in registry.accounts] + [u.contacts for u in registry.units.values()]
    sealed = [c for c in people if isinstance(c, Sealed)]
    if not keys:
        return [f"{len(sealed)} 个文件的联系人已加密，本次没有解密密钥（--identity 或环境变量 "
                "SITE_GEN_AGE_IDENTITY）：表格中这些栏目显示“已加密”，规则审计也没有检查它们。"] if sealed else []
    failed = sum(c.problem for c in sealed)
    return [f"{failed} 个文件的联系人用所给密钥无法使用，表格中显示“无法解密”或“内容有误”，"
            "原因见规则审计（site-gen audit --identity）。"] if failed else []


def _committable(root: Path, out: Path) -> bool:
    """Whether ``out`` lies in the registry's Git work tree and Git would not ignore it."""
    from ..rules.repository import open_repo  # Git only for the commands that write files

    repo = open_repo(root)
    if repo is None or repo.working_tree_dir is None:
        return False
    top = Path(repo.working_tree_dir).resolve()
    if out != top and top not in out.parents:
        return False
    ignored = subprocess.run(["git", "-C", str(top), "check-ignore", "-q", "--no-index",
                              str(out) + "/"], capture_output=True)
    return ignored.returncode != 0


def check_out(root: Path, out: Path, why: str, example: str) -> None:
    """Refuse an output folder where what is written would be committed or published: the
    registry's root, ``filings/``, ``docs/``, ``.git``, or anywhere in its Git work tree that
    Git does not ignore (``why`` says what the files hold; ``example`` is a folder to use)."""
    top, place = root.resolve(), out.resolve()
    if place == top or any(place == top / kept or top / kept in place.parents
                           for kept in ("filings", "docs", ".git")):
        raise UsageError(f"--out {out} 在登记库的 filings/、docs/ 或根目录里：{why}，"
                         f"写在这里会被一起提交。请用 {example}（已在 .gitignore 中）或仓库外的目录。")
    if _committable(top, place):
        raise UsageError(f"--out {out} 在登记库的 Git 仓库里，却没有被 .gitignore 忽略：{why}，"
                         f"可能被一起提交。请用 {example}（已在 .gitignore 中）或仓库外的目录。")
