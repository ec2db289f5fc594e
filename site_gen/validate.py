"""``site-gen validate``: check a registry and print what is wrong."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import click

from .reporters import FORMATS
from .rules import check_registry


class UsageError(Exception):
    """The command was called wrongly (exit status 2)."""


def _relative_targets(root: Path, paths: Sequence[str]) -> list[str]:
    targets: list[str] = []
    for given in paths:
        path = Path(given)
        absolute = (path if path.is_absolute() else Path.cwd() / path).resolve()
        try:
            relative = absolute.relative_to(root.resolve())
        except ValueError:
            raise UsageError(f"{given} 不在登记库 {root} 里。") from None
        if not absolute.exists():
            raise UsageError(f"找不到文件 {given}。")
        if absolute.is_dir():
            targets.extend(p.relative_to(root.resolve()).as_posix()
                           for p in sorted(absolute.rglob("*")) if p.is_file())
        else:
            targets.append(relative.as_posix())
    return targets


def run_validate(root: Path, paths: Sequence[str], output_format: str) -> int:
    """Validate ``root`` (or just ``paths`` plus every cross-file rule); return the exit status."""
    if not root.is_dir():
        raise UsageError(f"登记库目录 {root} 不存在。")
    targets = _relative_targets(root, paths) if paths else None
    outcome = check_registry(root, targets)
    files = len(targets) if targets is not None else outcome.files
    click.echo(FORMATS[output_format](files, outcome.problems), nl=False)
    return 1 if outcome.errors else 0
