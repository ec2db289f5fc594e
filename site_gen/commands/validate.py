"""``site-gen validate``: check a registry and print what is wrong."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from .. import clock
from ..catalogue import Problem
from ..changes import changes_since
from ..errors import UsageError
from ..model import Facts
from ..reporters import FORMATS, format_markdown
from ..rules import Outcome, check_registry
from ..rules.incremental import check_changed
from ..workdays import CalendarError, registry_calendar
from . import registry_root
from .progress import reading


def _relative_targets(root: Path, paths: Sequence[str]) -> list[str]:
    targets: list[str] = []
    for given in paths:
        path = Path(given)
        absolute = (path if path.is_absolute() else Path.cwd() / path).resolve()
        try:
            relative = absolute.relative_to(root.resolve())
        except ValueError:
            raise UsageError(f"{given} 不在登记库 {root} 里。") from None
        if not absolute.exists():
            raise UsageError(f"找不到文件 {given}。")
        if relative.parts[:1] != ("filings",):
            raise UsageError(f"{given} 不在 filings/ 里：只检查备案文件（filings/ 下的文件和文件夹）。")
        if absolute.is_dir():
            targets.extend(p.relative_to(root.resolve()).as_posix()
                           for p in sorted(absolute.rglob("*")) if p.is_file())
        else:
            targets.append(relative.as_posix())
    return targets


def run_validate(root: Path, paths: Sequence[str], output_format: str,
                 since: str | None = None, summary: Path | None = None) -> int:
    """Validate ``root``, or just ``paths`` and/or the files changed since the Git ref
    ``since``, plus every cross-file rule; return the exit status."""
    registry_root(root)
    targets = _relative_targets(root, paths) if paths else None
    extra: list[Problem] = []
    if since is not None:
        changes = changes_since(root, since)
        targets = sorted({*(targets or []), *changes.targets})
        extra = changes.problems
    # Given files (a pull request): read only those, the rest from the blob-keyed index.
    outcome: Outcome[Facts[Any]] | None = None
    try:  # the registry's own holiday file (holidays.yaml), with the bundled calendar
        with registry_calendar(root):
            if targets is not None:
                outcome = check_changed(root, targets, clock.today())
            if outcome is None:
                with reading() as progress:
                    outcome = check_registry(root, targets, progress=progress)
    except CalendarError as exc:
        click.echo(str(exc), err=True)
        return 1
    for note in outcome.notes:
        click.echo(f"注意：{note}", err=True)
    problems = sorted({*outcome.problems, *extra})
    files = len(targets) if targets is not None else outcome.files
    click.echo(FORMATS[output_format](files, problems), nl=False)
    if summary is not None:
        with summary.open("a", encoding="utf-8") as handle:
            handle.write(format_markdown(files, problems))
    return 1 if any(p.is_error for p in problems) else 0
