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
    return Day(replace(outcome, registry=as_it_stood(outcome.registry, day)), snapshot)
