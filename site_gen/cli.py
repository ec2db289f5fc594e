"""The ``site-gen`` entry point; the command line lives in ``commands/cli.py``."""

from __future__ import annotations

from .commands.cli import cli, main

__all__ = ["cli", "main"]
