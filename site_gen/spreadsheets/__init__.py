"""The official spreadsheets for every bureau (or one unit); ``site-gen report`` prints.

For each bureau, covering its whole subtree (``S`` is the sending date, ``--sent-on``,
today by default; the statistics are as of ``--as-of``, written in the forms):

* ``S<简称>新媒体(网站)统计.xlsx`` (or ``.xls``): 附件1 and 附件2;
* ``S<简称>新媒体(网站)备案汇总表.xlsx`` (or ``.xls``): 附件4;
* ``S<简称>新媒体(网站)审计.xlsx``: the rule audit of the subtree (internal);
* ``S<简称>新媒体(网站)统计.zip``: what seed 002 says to send upward: 附件1 and 附件2 as
  ``.xls``. The stamped scan of the first page (.pdf) is added by the person who sends it.
  Making .xls needs LibreOffice; without it there is no bundle, and the notes say so.

With ``--unit``, also each unit's own ``S<简称>新媒体(网站)备案登记表.xlsx`` (附件3 and 年审
forms, one sheet per account) for that unit and every unit below it.

``Written.of`` says which files were made for which unit: with ``--seal`` (the default under
CI) they are made in a private folder and leave it only as that unit's age-encrypted
bundle, ``S<简称>新媒体(网站)报表.zip.age`` (``sealed.py``).
"""

from __future__ import annotations

import os
import tempfile
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TypeVar

from ..audit import Finding, audit, entered_days
from ..history import NO_HISTORY, History
from ..model import ROOT, Account, Registry, Unit
from ..probe import Site
from . import forms, legacy, rows, xlsx


def file_stem(unit: Unit, sent_on: str, what: str) -> str:
    return f"{sent_on.replace('-', '')}{unit.short_name}新媒体(网站){what}"


@dataclass
class Written:
    files: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what could not be made, and why
    # The files made for each unit asked for (its path): what its sealed bundle holds.
    of: dict[str, list[Path]] = field(default_factory=lambda: defaultdict(list))

    def add(self, unit: str, path: Path) -> None:
        self.files.append(path)
        self.of[unit].append(path)


def _bundle(zip_path: Path, members: list[Path], sent_on: str) -> None:
    stamp = date.fromisoformat(sent_on).timetuple()[:6]
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as bundle:
        for member in members:
            info = zipfile.ZipInfo(member.name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            bundle.writestr(info, member.read_bytes())


T = TypeVar("T")


def per_bureau(registry: Registry, tops: list[Unit], items: Iterable[T],
               unit_of: Callable[[T], str]) -> dict[str, list[T]]:
    """``items`` shared out to every bureau in ``tops`` whose subtree holds them, in their
    order: one pass up each item's few ancestors, not one pass over everything per bureau."""
    shares: dict[str, list[T]] = {unit.path: [] for unit in tops}
    for item in items:
        for unit in registry.ancestors(unit_of(item)):
            if unit.path in shares:
                shares[unit.path].append(item)
    return shares


def _workbooks(registry: Registry, unit: Unit, as_of: str, sent_on: str, work: Path,
               stats_rows: list[rows.StatisticsRow],
               events: list[rows.FilingEvent]) -> tuple[Path, Path]:
    """附件1+2 and 附件4 of ``unit``'s subtree as .xlsx in ``work``. Long tables are split
    into sheets below .xls's row limit, so the same workbook converts to .xls."""
    stats = work / (file_stem(unit, sent_on, "统计") + ".xlsx")
    summary = work / (file_stem(unit, sent_on, "备案汇总表") + ".xlsx")
    xlsx.write_statistics(stats, unit, as_of, stats_rows, rows.summary_counts(stats_rows),
                          legacy.XLS_ROWS_PER_SHEET)
    xlsx.write_filing_summary(summary, unit, as_of, events, dict(registry.units),
                              legacy.XLS_ROWS_PER_SHEET)
    return stats, summary


def write_unit_forms(registry: Registry, top: str, as_of: str, sent_on: str,
                     out: Path, history: History = NO_HISTORY) -> list[Path]:
    """附件3 and 年审 workbooks for ``top`` and every unit below it that has accounts; 附件3's
    备案类型 is each account's latest filing event up to ``as_of`` (from ``history``)."""
    by_unit: dict[str, list[Account]] = defaultdict(list)
    for account in rows.listed_accounts(registry, top, as_of):  # one pass, in 序号 order
        by_unit[account.unit].append(account)
    events = rows.latest_events(registry, top, as_of, history)
    written = []
    for unit in rows.subtree_units(registry, top):
        accounts = by_unit.get(unit.path)
        if accounts:
            path = out / (file_stem(unit, sent_on, "备案登记表") + ".xlsx")
            above = registry.units.get(unit.parent) if unit.parent is not None else None
            forms.write_forms(path, unit, accounts, as_of, events, (above or unit).name)
            written.append(path)
    return written


# Report files hold personal data (contacts, in the clear when a key opened them): readable by
# their owner only. They are made in a private folder (mode 0700) and copied out with this mode,
# so no moment exists when another user could read them.
PRIVATE_MODE = 0o600


def private_copy(source: Path, target: Path) -> Path:
    """``source``'s bytes at ``target``, created (or truncated) with mode 0600."""
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_MODE)
    with os.fdopen(fd, "wb") as out:
        os.fchmod(out.fileno(), PRIVATE_MODE)  # an older file of that name kept its mode
        out.write(source.read_bytes())
    return target


def _papers(registry: Registry, tops: list[Unit], findings: list[Finding], day: date,
            scope: str, folder: Path) -> list[tuple[str, Path]]:
    """(bureau, file) of every document due on ``day`` (``casework``) whose issuer lies under
    one of ``tops``, written into ``folder`` (one subfolder per issuer)."""
    from ..casework import papers_for, write_papers  # casework reads rows: imported here

    asked = {unit.path for unit in tops}
    placed, bureaus = [], []
    for paper in papers_for(registry, findings, day, scope):
        bureau = next((u.path for u in registry.ancestors(paper.issuer) if u.path in asked), None)
        if bureau is not None:
            placed.append((paper, folder / (paper.issuer.replace("/", "_") or "_")))
            bureaus.append(bureau)
    return list(zip(bureaus, write_papers(placed), strict=True))


def write_reports(registry: Registry, history: History, tops: list[Unit], as_of: str,
                  sent_on: str, out: Path, xls: bool, unit_path: str | None,
                  probed: Mapping[str, Site] | None = None,
                  late: Mapping[str, str] | None = None) -> Written:
    """Every bureau's workbooks (``tops``), and with ``unit_path`` the units' own forms.
    The audit (with a probe record, ``probed``, and for a past day the accounts filed after
    it, ``late``) is made once for all bureaus; LibreOffice
    runs once for all conversions. Every file is written with mode 0600 (``private_copy``).
    Raises ``legacy.ConversionError`` when ``xls`` is asked for and cannot be made."""
    out.mkdir(parents=True, exist_ok=True)
    day = date.fromisoformat(as_of)
    findings = audit(registry, day, probed=probed, late=late,
                     entered=entered_days(registry, history))
    by_file: dict[str, list[Finding]] = defaultdict(list)  # 附件1 reports the audit's problems
    for finding in findings:
        by_file[finding.file].append(finding)
    # Each row and event is made once, for the highest unit asked for, and shared out.
    scope = tops[0].path if len(tops) == 1 else ROOT
    stats_of = per_bureau(registry, tops, rows.statistics_rows(registry, scope, as_of, by_file),
                          lambda row: row.account.unit)
    events_of = per_bureau(registry, tops, rows.filing_events(registry, scope, as_of, history),
                           lambda event: event.account.unit)
    findings_of = per_bureau(registry, tops, findings, lambda finding: finding.unit_path)
    done = Written()

    def publish(unit: str, made: Path) -> None:
        done.add(unit, private_copy(made, out / made.name))

    with tempfile.TemporaryDirectory(prefix="site-gen-report-") as tmp:
        work = Path(tmp)
        staged = [(unit, *_workbooks(registry, unit, as_of, sent_on, work,
                                     stats_of[unit.path], events_of[unit.path]))
                  for unit in tops]
        # LibreOffice (one process, one core) converts while the audit workbooks are written.
        if xls:
            sources = [p for _, *pair in staged for p in pair]
        else:
            for unit, stats, summary in staged:
                for made in (stats, summary):
                    publish(unit.path, made)
            sources = [stats for _, stats, _ in staged]
        target = work / "xls"
        target.mkdir()
        with legacy.Conversion(sources, target, required=xls) as conversion:
            for unit, _, _ in staged:
                checked = work / (file_stem(unit, sent_on, "审计") + ".xlsx")
                xlsx.write_audit(checked, unit, as_of, findings_of[unit.path])
                publish(unit.path, checked)
            # The documents each bureau sends (casework.py), also while LibreOffice converts:
            # each with the nearest bureau asked for above the unit that issues it.
            for bureau, made in _papers(registry, tops, findings, day, scope, work / "papers"):
                publish(bureau, made)
            converted, notes = conversion.finish()
        done.notes += notes
        if xls:  # two per unit, in the order of ``sources``
            for index, (unit, _, _) in enumerate(staged):
                for made in converted[2 * index:2 * index + 2]:
                    publish(unit.path, made)
        stats_xls = converted[0::2] if xls else converted
        for (unit, _, _), made in zip(staged, stats_xls, strict=False):
            bundle = work / (file_stem(unit, sent_on, "统计") + ".zip")
            _bundle(bundle, [made], sent_on)
            publish(unit.path, bundle)
        if unit_path is not None:  # then ``tops`` is this one unit
            forms_folder = work / "forms"
            forms_folder.mkdir()
            for made in write_unit_forms(registry, unit_path, as_of, sent_on, forms_folder,
                                         history):
                publish(unit_path, made)
    return done
