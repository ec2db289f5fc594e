"""``site-gen audit``: print the audit of the registry or of one unit's subtree."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from ..audit import FORMATS, audit, entered_days
from ..workdays import CalendarError, registry_calendar
from . import registry_root, sealed_notes, unit_argument
from .asof import registry_of_day
from .contacts import identities
from .probe import probe_record


def run_audit(root: Path, today: date, unit_path: str | None, output_format: str,
              identity: Path | None = None, probe_file: Path | None = None) -> int:
    """Print the audit of ``root`` (or of one unit's subtree) as of ``today``; return the
    exit status."""
    keys = identities(identity)
    probed = probe_record(probe_file, today)
    try:  # the registry's own holiday file (holidays.yaml), with the bundled calendar
        with registry_calendar(registry_root(root)):
            day = registry_of_day(root, today, keys)
            outcome = day.outcome
            top = unit_argument(outcome.registry, unit_path)
            history = day.history(root, keys)
            found = audit(outcome.registry, today, top, probed, day.snapshot.late,
                          entered_days(outcome.registry, history))
            click.echo(FORMATS[output_format](found, today.isoformat()), nl=False)
    except CalendarError as exc:  # only reading the holiday file raises it
        click.echo(str(exc), err=True)
        return 1
    for note in sealed_notes(outcome.registry, keys):
        click.echo(f"注意：{note}", err=True)
    if outcome.errors:
        click.echo(f"注意：登记库有 {outcome.errors} 个错误，有错误的文件没有参加审计。"
                   "请运行 site-gen validate。", err=True)
        return 1
    return 0
