"""``site-gen build``: validate, then generate the portal and open data."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import click
from mkdocs.exceptions import Abort, MkDocsException

from ..build import forge_settings, generated_files
from ..errors import UsageError
from ..theme import build_site, load_site_config
from ..workdays import CalendarError, registry_calendar
from . import registry_root
from .progress import reading


def run_build(root: Path, out: Path) -> int:
    """Validate ``root`` and build its portal into ``out``; return the exit status.

    The portal is built in a folder beside ``out`` and replaces it only once it is whole:
    a failed build leaves the last good site as it was."""
    out = out.resolve()
    refused = unsafe_output(root, out)
    if refused:
        raise UsageError(refused)
    staging = out.parent / f".{out.name}.building-{os.getpid()}"
    config = load_site_config(registry_root(root), staging)
    forge = forge_settings(config["extra"].get("forge"))
    try:  # the registry's own holiday file (holidays.yaml), with the bundled calendar
        with registry_calendar(root), reading() as progress:
            result = generated_files(root, config["site_name"], forge, progress,
                                     config["site_url"])
    except CalendarError as exc:
        click.echo(str(exc), err=True)
        return 1
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


def unsafe_output(root: Path, out: Path) -> str | None:
    """Why ``out`` may not be replaced by a portal (the build deletes what was there), or
    None: never the registry, its filings, docs or Git folder, nor anything holding them,
    nor a folder with other content than a portal."""
    top = root.resolve()
    kept = [top / "filings", top / "docs", top / ".git", top]
    for place in kept:
        if out == place or out in place.parents or place in out.parents and place != top:
            return (f"--out {out} 不能是登记库本身、filings/、docs/、.git 或包含它们的目录："
                    "生成门户会清空这个目录。请换一个目录，例如 site。")
    if out.is_file():
        return f"--out {out} 是一个文件，不是目录。"
    if out.is_dir() and any(out.iterdir()) and not (out / "index.html").is_file():
        return (f"--out {out} 里已有别的内容（不是以前生成的门户）：生成门户会清空这个目录。"
                "请换一个空目录，或先把里面的文件移走。")
    return None


def _replace(built: Path, out: Path) -> None:
    """Put the finished site at ``out``: two renames, so ``out`` is never half-written."""
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    if out.exists():
        out.rename(old)
    built.rename(out)
    shutil.rmtree(old, ignore_errors=True)
