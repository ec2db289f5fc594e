"""Errors that the command line turns into exit statuses."""

from __future__ import annotations


class UsageError(Exception):
    """The command was called wrongly (exit status 2); the message is for the user, in Chinese."""
