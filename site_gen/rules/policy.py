"""Policy warnings from the notices: reported to the filer, but they do not fail."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import date

from ..catalogue import Problem, problem
from ..identity import account_key
from ..labels import PLATFORMS
from ..loader import Document
from ..model import Account, Registry
from ..workdays import working_days_after

FILING_DEADLINE_WORKING_DAYS = 5  # seed 001, 第四条（一）


def late_filing_days(registry: Registry, account: Account) -> int | None:
    """Working days from opening to filing when that is over the deadline, else None.

    Accounts opened before the unit's ``filing_required_since`` (the nearest unit up
    the tree that sets it) were filed when the registry began: they are not late.
    """
    since = next((u.filing_required_since for u in registry.ancestors(account.unit)
                  if u.filing_required_since), None)
    if since is not None and account.opened_on < since:
        return None
    days = working_days_after(date.fromisoformat(account.opened_on),
                              date.fromisoformat(account.filed_on))
    return days if days > FILING_DEADLINE_WORKING_DAYS else None


def check_late_filing(registry: Registry, docs: Mapping[str, Document]) -> list[Problem]:
    found = []
    for account in registry.accounts:
        days = late_filing_days(registry, account)
        if days is not None:
            line, column = docs[account.file].position(("filed_on",))
            found.append(problem("W-LATE-FILING", account.file, line, column,
                                 opened_on=account.opened_on, filed_on=account.filed_on,
                                 days=days))
    return found


def duplicate_platform_groups(registry: Registry) -> list[list[Account]]:
    """Groups of more than one active account of one unit on one platform (seed 002 集约).

    Personal accounts in an official capacity and the catch-all platform ``other``
    are not counted: they are not the unit's own account on one platform.
    """
    groups: dict[tuple[str, str], list[Account]] = defaultdict(list)
    for account in registry.accounts:
        if account.active and not account.personal_capacity and account.platform != "other":
            groups[(account.unit, account.platform)].append(account)
    # A second filing of the same account is E-UNIQUE-ACCOUNT, not a second account.
    return [sorted(group, key=lambda a: a.file) for _, group in sorted(groups.items())
            if len({account_key(a.platform, a.account_id) for a in group}) > 1]


def check_duplicate_platform(registry: Registry, docs: Mapping[str, Document]) -> list[Problem]:
    found = []
    for group in duplicate_platform_groups(registry):
        for account in group:
            others = "、".join(f"“{a.name}”" for a in group if a is not account)
            line, column = docs[account.file].position(("platform",))
            found.append(problem("W-DUPLICATE-PLATFORM", account.file, line, column,
                                 platform_label=PLATFORMS[account.platform],
                                 count=len(group), others=others))
    return found


def check_certified_subject(registry: Registry, docs: Mapping[str, Document]) -> list[Problem]:
    """The certified subject should be the unit itself or a unit above it (a college's
    account is often certified in the university's name)."""
    found = []
    for account in registry.accounts:
        subject = account.certified_subject
        if subject is None:
            continue
        names = {unit.name for unit in registry.ancestors(account.unit)}
        if subject not in names:
            line, column = docs[account.file].position(("certified_subject",))
            found.append(problem("W-SUBJECT-MISMATCH", account.file, line, column,
                                 subject=subject, unit=registry.units[account.unit].name))
    return found
