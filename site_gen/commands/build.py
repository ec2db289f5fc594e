"""``site-gen build``: validate, then generate the portal and open data."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import click
from mkdocs.exceptions import Abort, MkDocsException

from ..build import build_site, forge_settings, generated_files, load_site_config
from . import registry_root
from .progress import reading


def run_build(root: Path, out: Path) -> int:
    """Validate ``root`` and build its portal into ``out``; return the exit status.

    The portal is built in a folder beside ``out`` and replaces it only once it is whole:
    a failed build leaves the last good site as it was."""
    out = out.resolve()
    staging = out.parent / f".{out.name}.building-{os.getpid()}"
    config = load_site_config(registry_root(root), staging)
    forge = forge_settings(config["extra"].get("forge"))
    with reading() as progress:
        result = generated_files(root, config["site_name"], forge, progress, config["site_url"])
    click.echo(result.report, nl=False)
    if not result.ok:
        click.echo("登记库有错误，没有生成门户；原有的门户保持不变。", err=True)
        return 1
    try:
        made = build_site(config, result)
        _replace(staging, out)
    except (Abort, MkDocsException) as exc:
        click.echo(f"生成门户失败：{exc}。原有的门户保持不变。", err=True)
        return 1
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    click.echo(f"已生成门户：{out}（生成了 {made} 个页面）。")
    return 0


def _replace(built: Path, out: Path) -> None:
    """Put the finished site at ``out``: two renames, so ``out`` is never half-written."""
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    if out.exists():
        out.rename(old)
    built.rename(out)
    shutil.rmtree(old, ignore_errors=True)
