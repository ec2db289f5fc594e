"""``site-gen notices``: the documents each supervising unit sends on a day (``casework``),
as .docx, one folder per issuing unit."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from ..audit import audit
from ..casework import papers_for, write_papers
from ..workdays import CalendarError, registry_calendar
from . import check_out, registry_root, unit_argument
from .asof import registry_of_day


def run_notices(root: Path, out: Path, as_of: date, unit_path: str | None) -> int:
    """Write the documents due on ``as_of`` (for ``unit_path``'s subtree) into ``out``; return
    the exit status."""
    check_out(root, out, "文书是内部文件", "dist/notices")
    try:
        with registry_calendar(registry_root(root)):
            day = registry_of_day(registry_root(root), as_of, ())
            registry = day.outcome.registry
            if day.outcome.errors:
                click.echo(f"登记库有 {day.outcome.errors} 个错误，没有生成文书。请先运行 site-gen validate。",
                           err=True)
                return 1
            scope = unit_argument(registry, unit_path)
            findings = audit(registry, as_of, scope, late=day.snapshot.late)
    except CalendarError as exc:
        click.echo(f"{exc}\n没有生成文书。", err=True)
        return 1
    papers = sorted(papers_for(registry, findings, as_of, scope), key=lambda p: (p.issuer, p.name))
    for path in write_papers([(p, out / registry.units[p.issuer].short_name) for p in papers]):
        click.echo(str(path))
    if not papers:
        click.echo(f"截至 {as_of.isoformat()} 没有需要发出的文书（到期未记录的整改通知、公开通报、关停通知，"
                   "或未处置的假冒账号）。")
        return 0
    click.echo(f"已生成 {len(papers)} 份文书（截至 {as_of.isoformat()}）：请核对、编写文号、用印后发出，"
               "发出后在发文单位的 _actions.yaml 中记录（见 docs/casework.md）。")
    return 0
