"""``site-gen lookup``: the verify page's answer on the command line."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import click

from ..lookup import build_index, format_answer, lookup, sites_of
from ..public import public_registry
from ..rules import check_registry
from . import registry_root


def site_url(root: Path) -> str | None:
    """The portal's address (``site_url`` in mkdocs.yml), whose a/<code>/ links lookup
    recognises as the verify page does."""
    config = root / "mkdocs.yml"
    text = config.read_text("utf-8") if config.is_file() else ""
    found = re.search(r"^site_url:\s*['\"]?([^'\"\s#]+)", text, re.MULTILINE)
    return found.group(1) if found else None


def run_lookup(root: Path, query: str, output_format: str) -> int:
    """Answer ``query`` from the registry at ``root``."""
    registry = check_registry(registry_root(root)).registry
    answer = lookup(build_index(public_registry(registry)), query, sites_of(site_url(root)))
    if output_format == "json":
        click.echo(json.dumps(dataclasses.asdict(answer), ensure_ascii=False, indent=2))
    else:
        click.echo(format_answer(answer), nl=False)
    return 0
