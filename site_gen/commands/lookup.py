"""``site-gen lookup``: the verify page's answer on the command line."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import click

from ..lookup import build_index, format_answer, lookup
from ..public import public_registry
from ..rules import check_registry
from . import registry_root


def run_lookup(root: Path, query: str, output_format: str) -> int:
    """Answer ``query`` from the registry at ``root``."""
    registry = check_registry(registry_root(root)).registry
    answer = lookup(build_index(public_registry(registry)), query)
    if output_format == "json":
        click.echo(json.dumps(dataclasses.asdict(answer), ensure_ascii=False, indent=2))
    else:
        click.echo(format_answer(answer), nl=False)
    return 0
