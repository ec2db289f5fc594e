"""``site-gen report``: the official spreadsheets for every bureau (or one unit).

With ``--seal`` (the default under CI, when the registry has contact keys) each bureau's
workbooks are made in a private temporary folder and leave it only as one age-encrypted
bundle per bureau (``spreadsheets/sealed.py``): nothing in the clear reaches ``--out``.
"""

from __future__ import annotations

import os
import tempfile
from datetime import date
from pathlib import Path

import click

from ..history import SHALLOW_WARNING
from ..reporters import format_text
from ..spreadsheets import legacy, write_reports
from ..spreadsheets.sealed import seal_bundle, unsealable
from ..workdays import CalendarError, registry_calendar
from . import check_out, registry_root, sealed_notes, unit_argument
from .asof import registry_of_day
from .contacts import identities
from .probe import probe_record


def sealing_wanted(seal: bool | None, has_keys: bool) -> bool:
    """``--seal``/``--no-seal`` when given; else seal under CI (``$CI`` set, as GitHub
    Actions and GitLab CI set it) when the registry has keys to seal to."""
    if seal is not None:
        return seal
    return bool(os.environ.get("CI")) and has_keys


def run_report(root: Path, out: Path, as_of: date, unit_path: str | None,
               output_format: str, sent_on: date,
               identity: Path | None = None, probe_file: Path | None = None,
               seal: bool | None = None) -> int:
    """Validate, then write the spreadsheets (sealed per bureau when asked or under CI);
    return the exit status. The registry's own holiday file (``holidays.yaml``) is used
    with the bundled calendar throughout."""
    try:  # only reading the holiday file raises CalendarError
        with registry_calendar(registry_root(root)):
            return _run_report(root, out, as_of, unit_path, output_format, sent_on, identity,
                               probe_file, seal)
    except CalendarError as exc:
        click.echo(f"{exc}\n没有生成报表。", err=True)
        return 1


def _run_report(root: Path, out: Path, as_of: date, unit_path: str | None,
                output_format: str, sent_on: date, identity: Path | None,
                probe_file: Path | None, seal: bool | None) -> int:
    cut_off, sending = as_of.isoformat(), sent_on.isoformat()
    check_out(root, out, "报表含个人信息", "dist/reports")
    if sent_on < as_of:
        click.echo(f"注意：报送日期 {sending} 早于统计截止日期 {cut_off}，请核对 --sent-on 和 --as-of。", err=True)
    keys = identities(identity)
    probed = probe_record(probe_file, as_of)
    day = registry_of_day(registry_root(root), as_of, keys)
    outcome = day.outcome
    if outcome.errors:
        click.echo(format_text(outcome.files, outcome.problems), nl=False)
        click.echo(f"登记库{'在 ' + cut_off + ' 的版本' if day.snapshot.commit else ''}有错误，"
                   "没有生成报表。", err=True)
        return 1
    registry = outcome.registry
    if unit_path is not None:
        unit_path = unit_argument(registry, unit_path)
        tops = [registry.units[unit_path]]
    else:
        tops = [u for _, u in sorted(registry.units.items()) if u.kind == "bureau"]
    sealed = sealing_wanted(seal, any(u.contact_keys for u in registry.units.values()))
    if sealed:
        nobody = unsealable(registry.units, tops)
        if nobody:
            names = "、".join(unit.name for unit in nobody)
            click.echo(f"无法加密报表：{names}及其各级上级单位都没有解密公钥（contact_keys），"
                       "加密后没有人能打开。请先在这些单位或上级单位的 _unit.yaml 中填写 contact_keys"
                       "（见 docs/contacts.md）。没有生成任何报表。", err=True)
            return 1
    history = day.history(root, keys)
    if history.shallow:
        click.echo(SHALLOW_WARNING, err=True, nl=False)
    if not sealed:
        try:
            written = write_reports(registry, history, tops, cut_off, sending, out,
                                    output_format == "xls", unit_path, probed,
                                    day.snapshot.late)
        except legacy.ConversionError as exc:
            click.echo(str(exc), err=True)
            return 1
        for path in written.files:
            click.echo(str(path))
        for note in [*written.notes, *sealed_notes(registry, keys)]:
            click.echo(f"注意：{note}", err=True)
        click.echo(f"已生成 {len(written.files)} 个文件，统计数据截至 {cut_off}，报送日期 {sending}。")
        return 0
    # The clear workbooks live only in a folder of this user's (mode 0700), removed after.
    with tempfile.TemporaryDirectory(prefix="site-gen-sealed-") as private:
        try:
            written = write_reports(registry, history, tops, cut_off, sending, Path(private),
                                    output_format == "xls", unit_path, probed,
                                    day.snapshot.late)
        except legacy.ConversionError as exc:
            click.echo(str(exc), err=True)
            return 1
        out.mkdir(parents=True, exist_ok=True)
        bundles = [seal_bundle(registry.units, unit, written.of[unit.path], sending, out)
                   for unit in tops]
    for path in bundles:
        click.echo(str(path))
    # Workbooks an earlier run without --seal left here would go wherever this folder goes.
    clear = sorted(p.name for p in out.iterdir() if p.suffix in (".xlsx", ".xls", ".zip"))
    notes = [*written.notes, *sealed_notes(registry, keys)]
    if clear:
        notes.append(f"{out} 里还有 {len(clear)} 个以前生成的明文表格或压缩包（不是这次生成的），"
                     "其中可能有联系人：请删除，不要上传或外传。")
    for note in notes:
        click.echo(f"注意：{note}", err=True)
    click.echo(f"已生成 {len(bundles)} 个加密的报表包（共 {len(written.files)} 个表格），"
               f"统计数据截至 {cut_off}，报送日期 {sending}。每个报表包只有该单位和上级单位的私钥"
               "能打开：site-gen contacts open 文件 --identity 私钥文件，或门户的“打开加密报表”页面。")
    return 0
