"""The options several commands share, written once: the same name, help and parsing for
``--identity``, ``--unit``, ``--as-of``, ``--probe`` and ``--format`` wherever they appear.
Dates are parsed here, at the command boundary: the commands get ``date`` objects."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import click

from .. import clock
from ..errors import UsageError

F = TypeVar("F", bound=Callable[..., Any])

# One spelling of each output format name, for every command that prints findings.
TEXT, JSON, MARKDOWN, GITHUB = "text", "json", "markdown", "github"


def _day(ctx: click.Context, param: click.Parameter, value: str | None) -> date:
    """A ``YYYY-MM-DD`` option, today (Beijing time) when not given."""
    if value is None:
        return clock.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        name = param.opts[0] if param.opts else "日期"
        raise UsageError(f"{name} 应写成 YYYY-MM-DD，现在是“{value}”。") from None


def day_option(name: str, help: str) -> Callable[[F], F]:
    dest = name.lstrip("-").replace("-", "_")
    return click.option(name, dest, metavar="YYYY-MM-DD", callback=_day, help=help)


def as_of_option(help: str = "按这一天统计和审计，默认今天。") -> Callable[[F], F]:
    return day_option("--as-of", help)


def identity_option(help: str = "") -> Callable[[F], F]:
    return click.option(
        "--identity", type=click.Path(dir_okay=False, path_type=Path), metavar="密钥文件",
        help="解密用的 age 私钥文件；不给时读环境变量 SITE_GEN_AGE_IDENTITY（变量的值是私钥本身，"
             "即 AGE-SECRET-KEY-1… 那一行，不是文件路径）。" + help)


def unit_option(help: str) -> Callable[[F], F]:
    return click.option("--unit", "unit_path", metavar="单位文件夹", help=help)


def probe_option(help: str) -> Callable[[F], F]:
    return click.option("--probe", "probe_file", type=click.Path(dir_okay=False, path_type=Path),
                        metavar="探测记录", help="site-gen probe 写的记录：" + help)


def format_option(*choices: str, help: str) -> Callable[[F], F]:
    return click.option("--format", "output_format", type=click.Choice(list(choices)),
                        default=choices[0], show_default=True, help=help)
