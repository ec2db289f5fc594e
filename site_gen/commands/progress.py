"""Progress on long work: a bar on a terminal, one summary line otherwise (CI logs)."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click

# Below this many files a run takes a second or two: no bar, no summary.
SHOW_FROM = int(os.environ.get("SITE_GEN_PROGRESS_FROM", "5000"))


@contextmanager
def reading(what: str = "读取备案文件") -> Iterator[Any]:
    """A ``progress(done, total)`` callback for ``check_registry``. On a terminal it draws a
    tqdm bar on standard error; otherwise it prints one line at the end with the count
    and the seconds, which is what a CI log wants."""
    state: dict[str, Any] = {"bar": None, "total": 0, "start": time.perf_counter()}

    def progress(done: int, total: int) -> None:
        state["total"] = total
        if total < SHOW_FROM:
            return
        if sys.stderr.isatty():
            if state["bar"] is None:
                from tqdm import tqdm

                state["bar"] = tqdm(total=total, desc=what, unit="个文件", file=sys.stderr,
                                    leave=False)
            state["bar"].update(done - state["bar"].n)

    try:
        yield progress
    finally:
        if state["bar"] is not None:
            state["bar"].close()
        if state["total"] >= SHOW_FROM:
            seconds = time.perf_counter() - state["start"]
            click.echo(f"{what}：{state['total']} 个文件，用时 {seconds:.1f} 秒。", err=True)
