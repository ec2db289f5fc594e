"""The registry of the ``--as-of`` day for ``report`` and ``audit`` (``site_gen/asof.py``):
checked, with the accounts closed after the day open again, and what the run must say."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import click

from ..asof import Snapshot, as_it_stood, registry_on
from ..errors import NotPossible
from ..history import NO_HISTORY, History, read_history
from ..model import Registry
from ..rules import Outcome, check_registry
from .progress import reading


@dataclass(frozen=True)
class Day:
    outcome: Outcome[Registry]  # the day's registry, checked
    snapshot: Snapshot  # how it was found (its folder is gone: only its facts are kept)

    def history(self, root: Path, keys: tuple[str, ...]) -> History:
        """The Git history up to the day's commit, by the paths files had then."""
        until = self.snapshot.history_until
        if until is None:
            return NO_HISTORY
        return read_history(root, keys, until)


def registry_of_day(root: Path, day: date, keys: tuple[str, ...]) -> Day:
    """Check the registry as it stood on ``day`` (today's files when ``day`` is today), saying
    on standard error how the day was found."""
    with registry_on(root, day) as snapshot:
        for note in snapshot.notes:
            click.echo(f"注意：{note}", err=True)
        if snapshot.empty:
            raise NotPossible(f"{day} 时登记库还没有任何备案，无法按这一天统计或审计。")
        with reading() as progress:
            outcome = check_registry(snapshot.root, progress=progress, identities=keys)
        broken = {p.file for p in outcome.problems if p.is_error} & snapshot.added
        if broken:  # taken from later commits, in a first version that no longer passes
            dropped = set(snapshot.use_current(broken))
            outcome = check_registry(snapshot.root, identities=keys)
            still = {p.file for p in outcome.problems if p.is_error} & snapshot.added
            if still:
                for file in still:
                    (snapshot.root / file).unlink(missing_ok=True)
                dropped |= still
                outcome = check_registry(snapshot.root, identities=keys)
            left_out = f"；其中 {len(dropped)} 个现在也找不到或仍有错误，没有计入：{'、'.join(sorted(dropped))}" \
                if dropped else ""
            click.echo(f"注意：{len(broken)} 个截止日后才提交的备案文件，首次提交的版本现在检查不通过，"
                       f"已改用现在的版本{left_out}。", err=True)
    return Day(replace(outcome, registry=as_it_stood(outcome.registry, day)), snapshot)
