"""``site-gen report``: the official spreadsheets for every bureau (or one unit)."""

from __future__ import annotations

from pathlib import Path

import click

from ..history import SHALLOW_WARNING, read_history
from ..reporters import format_text
from ..reports import legacy, write_reports
from ..rules import check_registry
from . import as_of_date, registry_root, sealed_notes, unit_argument
from .contacts import identities
from .probe import probe_record
from .progress import reading


def run_report(root: Path, out: Path, as_of: str | None, unit_path: str | None,
               output_format: str, sent_on: str | None = None,
               identity: Path | None = None, probe_file: Path | None = None) -> int:
    """Validate, then write the spreadsheets; return the exit status."""
    cut_off = as_of_date(as_of).isoformat()
    sending = as_of_date(sent_on, "--sent-on").isoformat()
    keys = identities(identity)
    probed = probe_record(probe_file)
    with reading() as progress:
        outcome = check_registry(registry_root(root), progress=progress, identities=keys)
    if outcome.errors:
        click.echo(format_text(outcome.files, outcome.problems), nl=False)
        click.echo("登记库有错误，没有生成报表。", err=True)
        return 1
    registry = outcome.registry
    if unit_path is not None:
        unit_path = unit_argument(registry, unit_path)
        tops = [registry.units[unit_path]]
    else:
        tops = [u for _, u in sorted(registry.units.items()) if u.kind == "bureau"]
    history = read_history(root, keys)
    if history.shallow:
        click.echo(SHALLOW_WARNING, err=True, nl=False)
    try:
        written = write_reports(registry, history, tops, cut_off, sending, out,
                                output_format == "xls", unit_path, probed)
    except legacy.ConversionError as exc:
        click.echo(str(exc), err=True)
        return 1
    for path in written.files:
        click.echo(str(path))
    for note in [*written.notes, *sealed_notes(registry, keys)]:
        click.echo(f"注意：{note}", err=True)
    click.echo(f"已生成 {len(written.files)} 个文件，统计数据截至 {cut_off}，报送日期 {sending}。")
    return 0
