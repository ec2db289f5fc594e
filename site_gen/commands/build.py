"""``site-gen build``: validate, then generate the portal and open data."""

from __future__ import annotations

from pathlib import Path

import click
from mkdocs.exceptions import Abort, MkDocsException

from ..build import build_site, forge_settings, generated_files, load_site_config
from . import registry_root
from .progress import reading


def run_build(root: Path, out: Path) -> int:
    """Validate ``root`` and build its portal into ``out``; return the exit status."""
    config = load_site_config(registry_root(root), out)
    forge = forge_settings(config["extra"].get("forge"))
    with reading() as progress:
        result = generated_files(root, config["site_name"], forge, progress)
    click.echo(result.report, nl=False)
    if not result.ok:
        click.echo("登记库有错误，没有生成门户。", err=True)
        return 1
    try:
        made = build_site(config, result)
    except (Abort, MkDocsException) as exc:
        click.echo(f"生成门户失败：{exc}", err=True)
        return 1
    click.echo(f"已生成门户：{out}（生成了 {made} 个页面）。")
    return 0
