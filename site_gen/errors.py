"""Errors that the command line turns into exit statuses.

The libraries raise ``NotPossible`` when what they were asked cannot be done with what they
were given (a Git ref that is not there, a mkdocs.yml without the forge's fields); only the
command layer (``commands/``) decides that a call was wrong and raises ``UsageError``. Both
end as exit status 2 with their Chinese message.
"""

from __future__ import annotations


class NotPossible(Exception):
    """What was asked cannot be done with what was given; the message is for the user."""


class UsageError(NotPossible):
    """The command was called wrongly (exit status 2); the message is for the user, in Chinese.
    Raised only in ``commands/``."""
