"""The command layer: one module per ``site-gen`` command (as mkdocs has ``commands/``).

Each module parses nothing itself (``cli.py`` does, with click), checks what the user gave
(the registry folder, ``--as-of``, a unit path), calls the libraries, which return values,
and prints. No module outside this package prints or asks questions.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from .. import clock
from ..errors import UsageError
from ..model import Registry


def registry_root(root: Path) -> Path:
    """The registry folder, which must exist."""
    if not root.is_dir():
        raise UsageError(f"登记库目录 {root} 不存在。")
    return root


def as_of_date(text: str | None, option: str = "--as-of") -> date:
    """A ``YYYY-MM-DD`` option, today (Beijing time) when not given."""
    if text is None:
        return clock.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{option} 应写成 YYYY-MM-DD，现在是“{text}”。") from None


def unit_argument(registry: Registry, text: str | None) -> str:
    """A unit folder as the user writes it (``filings/dongcheng/``, ``dongcheng``)."""
    path = (text or "").strip().strip("/").removeprefix("filings").strip("/")
    if path not in registry.units:
        raise UsageError(f"找不到单位“{path}”：请写 filings/ 下的单位文件夹，例如 dongcheng。")
    return path
