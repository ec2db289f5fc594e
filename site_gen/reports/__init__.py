"""``site-gen report``: the official spreadsheets for every bureau (or one unit).

For each bureau, covering its whole subtree:

* ``YYYYMMDD<简称>新媒体(网站)统计.xlsx``: 附件1 and 附件2;
* ``YYYYMMDD<简称>新媒体(网站)备案汇总表.xlsx``: 附件4;
* ``YYYYMMDD<简称>新媒体(网站)审计.xlsx``: the rule audit of the subtree (internal);
* ``YYYYMMDD<简称>新媒体(网站)统计.zip``: what the notice says to send (附件1 and 附件2),
  with the audit sheet for the officer; the stamped scan of the first page is added by
  the person who sends it.

With ``--unit``, also each unit's own ``YYYYMMDD<简称>新媒体(网站)备案登记表.xlsx`` (附件3
and 年审 forms, one sheet per account) for that unit and every unit below it.
The date in the file names is the as-of date.
"""

from __future__ import annotations

import tempfile
import zipfile
from collections import defaultdict
from datetime import date
from pathlib import Path

import click

from .. import clock
from ..audit import Finding, audit
from ..errors import UsageError
from ..history import SHALLOW_WARNING, History, read_history
from ..model import Account, Registry, Unit, within
from ..reporters import format_text
from ..rules import check_registry
from . import forms, legacy, rows, xlsx


def file_stem(unit: Unit, as_of: str, what: str) -> str:
    return f"{as_of.replace('-', '')}{unit.short_name}新媒体(网站){what}"


def _bundle(zip_path: Path, members: list[Path], as_of: str) -> None:
    stamp = date.fromisoformat(as_of).timetuple()[:6]
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as bundle:
        for member in members:
            info = zipfile.ZipInfo(member.name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            bundle.writestr(info, member.read_bytes())


def write_bureau(registry: Registry, unit: Unit, as_of: str, out: Path, xls: bool,
                 history: History, all_findings: list[Finding]) -> list[Path]:
    """The statistics, filing-summary and audit workbooks of ``unit``'s subtree, and the
    bundle. ``all_findings`` is the whole registry's audit, made once for every bureau."""
    per_sheet = legacy.XLS_ROWS_PER_SHEET if xls else None
    stats_rows = rows.statistics_rows(registry, unit.path, as_of)
    counts = rows.summary_counts(stats_rows)
    events = rows.filing_events(registry, unit.path, as_of, history)
    findings = [f for f in all_findings if within(f.unit_path, unit.path)]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) if xls else out
        stats = work / (file_stem(unit, as_of, "统计") + ".xlsx")
        summary = work / (file_stem(unit, as_of, "备案汇总表") + ".xlsx")
        xlsx.write_statistics(stats, unit, as_of, stats_rows, counts, per_sheet)
        xlsx.write_filing_summary(summary, unit, as_of, events, dict(registry.units), per_sheet)
        made = legacy.convert_to_xls([stats, summary], out) if xls else [stats, summary]
    checked = out / (file_stem(unit, as_of, "审计") + ".xlsx")
    xlsx.write_audit(checked, unit, as_of, findings)
    bundle = out / (file_stem(unit, as_of, "统计") + ".zip")
    _bundle(bundle, [made[0], checked], as_of)
    return [*made, checked, bundle]


def write_unit_forms(registry: Registry, top: str, as_of: str, out: Path) -> list[Path]:
    """附件3 and 年审 workbooks for ``top`` and every unit below it that has accounts."""
    by_unit: dict[str, list[Account]] = defaultdict(list)
    for account in rows.listed_accounts(registry, top, as_of):  # one pass, in 序号 order
        by_unit[account.unit].append(account)
    written = []
    for unit in rows.subtree_units(registry, top):
        accounts = by_unit.get(unit.path)
        if accounts:
            path = out / (file_stem(unit, as_of, "备案登记表") + ".xlsx")
            forms.write_forms(path, unit, accounts, as_of)
            written.append(path)
    return written


def run_report(root: Path, out: Path, as_of: str | None, unit_path: str | None,
               output_format: str) -> int:
    """Validate, then write the spreadsheets; return the exit status."""
    if not root.is_dir():
        raise UsageError(f"登记库目录 {root} 不存在。")
    as_of = as_of or clock.today().isoformat()
    try:
        date.fromisoformat(as_of)
    except ValueError:
        raise UsageError(f"--as-of 应写成 YYYY-MM-DD，现在是“{as_of}”。") from None
    outcome = check_registry(root)
    if outcome.errors:
        click.echo(format_text(outcome.files, outcome.problems), nl=False)
        click.echo("登记库有错误，没有生成报表。", err=True)
        return 1
    registry = outcome.registry
    if unit_path is not None:
        unit_path = unit_path.strip("/").removeprefix("filings").strip("/")
        if unit_path not in registry.units:
            raise UsageError(f"找不到单位“{unit_path}”：请写 filings/ 下的单位文件夹，例如 dongcheng。")
        tops = [registry.units[unit_path]]
    else:
        tops = [u for _, u in sorted(registry.units.items()) if u.kind == "bureau"]
    history = read_history(root)
    if history.shallow:
        click.echo(SHALLOW_WARNING, err=True, nl=False)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    findings = audit(registry, date.fromisoformat(as_of))
    try:
        for unit in tops:
            written += write_bureau(registry, unit, as_of, out, output_format == "xls", history,
                                    findings)
    except legacy.ConversionError as exc:
        click.echo(str(exc), err=True)
        return 1
    if unit_path is not None:
        written += write_unit_forms(registry, unit_path, as_of, out)
    for path in written:
        click.echo(str(path))
    click.echo(f"已生成 {len(written)} 个文件，统计数据截至 {as_of}。")
    return 0
