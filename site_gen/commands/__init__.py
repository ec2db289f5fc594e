"""The command layer: one module per ``site-gen`` command (as mkdocs has ``commands/``).

Each module parses nothing itself (``cli.py`` does, with click), checks what the user gave
(the registry folder, a unit path; dates are parsed by ``options``), calls the libraries, which return values,
and prints. No module outside this package prints or asks questions.
"""

from __future__ import annotations

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
