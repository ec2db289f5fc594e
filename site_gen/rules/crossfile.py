"""Rules across the whole registry: one filing per account, no official account listed as
a counterfeit, and each recorded action about filings below the unit that issued it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping
from pathlib import PurePosixPath

from ..catalogue import Problem, problem
from ..identity import account_key, key_of
from ..labels import PLATFORMS
from ..loader import Document
from ..model import AccountFacts, Facts, within


def check_uniqueness(registry: Facts[AccountFacts], docs: Mapping[str, Document],
                changed: Collection[str] = ()) -> list[Problem]:
    """(platform, account ID) appears once in the registry, active or deregistered. The
    copy is blamed: the file changed in the pull request, or else the one filed later."""
    groups: dict[tuple[str, str], list[AccountFacts]] = defaultdict(list)
    wanted = {key_of(a) for a in registry.accounts if a.file in changed}
    for account in registry.accounts:
        key = key_of(account)
        if not changed or key in wanted:
            groups[key].append(account)
    found: list[Problem] = []
    for group in groups.values():
        if len(group) < 2:
            continue
        # The original is the filing a pull request leaves unchanged, else the first filed.
        original, *copies = sorted(group, key=lambda a: (a.file in changed, a.filed_on, a.file))
        other = original.file
        for account in copies:
            line, column = docs[account.file].position(("account_id",))
            found.append(problem(
                "E-UNIQUE-ACCOUNT", account.file, line, column, related=other,
                platform_label=PLATFORMS[account.platform], account_id=account.account_id,
                other=other, other_line=docs[other].position(("account_id",))[0]))
    return found


def check_counterfeits(registry: Facts[AccountFacts], docs: Mapping[str, Document],
                changed: Collection[str] = ()) -> list[Problem]:
    """A counterfeit may not be one of the registry's own accounts."""
    official = {key_of(a): a.file for a in registry.accounts}
    found: list[Problem] = []
    for fake in registry.counterfeits:
        if fake.account_id is None:
            continue
        other = official.get(account_key(fake.platform, fake.account_id))
        if other is None:
            continue
        line, column = docs[fake.file].position((fake.index, "account_id"))
        found.append(problem(
            "E-COUNTERFEIT-OFFICIAL", fake.file, line, column, related=other,
            platform_label=PLATFORMS[fake.platform], account_id=fake.account_id, other=other))
    return found


def check_actions(registry: Facts[AccountFacts], docs: Mapping[str, Document],
                  changed: Collection[str] = ()) -> list[Problem]:
    """Each recorded action is addressed to a unit at or below the one that issued it, and
    names filings below that unit: a bureau records what it did about its own subtree."""
    by_name = {PurePosixPath(a.file).stem: a for a in registry.accounts}
    found: list[Problem] = []
    seen: dict[tuple[object, ...], int] = {}
    for action in registry.actions:
        if changed and action.file not in changed:
            continue
        same = (action.file, action.kind, action.issued_on, action.number, action.to,
                tuple(sorted(action.accounts)))
        line, column = docs[action.file].position((action.index, "kind"))
        if same in seen:
            found.append(problem("E-ACTION-DUPLICATE", action.file, line, column,
                                 other_line=seen[same]))
            continue
        seen[same] = line
        issuer = registry.units[action.unit].name
        if action.to not in registry.units or not within(action.to, action.unit):
            line, column = docs[action.file].position((action.index, "to"))
            found.append(problem("E-ACTION-UNIT", action.file, line, column, to=action.to,
                                 issuer=issuer))
            continue
        for n, name in enumerate(action.accounts):
            account = by_name.get(name)
            if account is None or not within(account.unit, action.to):
                line, column = docs[action.file].position((action.index, "accounts", n))
                found.append(problem(
                    "E-ACTION-ACCOUNT", action.file, line, column, account=name,
                    to=registry.units[action.to].name,
                    where="" if account is None else f"（它在 {account.file}）"))
    return found
