"""``site-gen codeowners``: write or check .github/CODEOWNERS from the unit tree."""

from __future__ import annotations

from pathlib import Path

import click

from ..codeowners import codeowners_file, expected_codeowners
from . import registry_root


def run_codeowners(root: Path, check: bool) -> int:
    wanted = expected_codeowners(registry_root(root))
    if wanted is None:
        click.echo("根单位 filings/_unit.yaml 缺失或有错误：请先运行 site-gen validate。", err=True)
        return 1
    target = codeowners_file(root)
    if check:
        current = target.read_text("utf-8") if target.exists() else ""
        if current != wanted:
            click.echo(".github/CODEOWNERS 与单位的 reviewers 不一致：请运行 site-gen codeowners "
                       "并提交更新后的文件。", err=True)
            return 1
        click.echo(".github/CODEOWNERS 是最新的。")
        return 0
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(wanted, "utf-8")
    click.echo(f"已写入 {target}。")
    return 0
