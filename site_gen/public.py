"""The public view of the registry: an allow-list, and the only input of public outputs.

Nothing personal is copied here: no ``contacts``, no ``note``, no inspection details.
The filing form's prefill (``form``) is the filing's public part: every field written above
the internal landmark of a filing (``INTERNAL_FIELDS`` stay out).
Every public output (portal pages, verify index, open data) reads a ``PublicRegistry``
and never the model itself, so a field becomes public only by being added below.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from .history import (
    NO_HISTORY,
    History,
    HistoryEvent,
    account_history,
    changed_fields,
    is_change,
    versions,
)
from .identity import account_code
from .labels import (
    COUNTERFEIT_STATUSES,
    PLATFORMS,
    PROOF_KINDS,
    STATUSES,
    UNIT_KINDS,
    WECHAT_KINDS,
)
from .model import ROOT, Account, Counterfeit, Registry, Unit
from .wording import UNCHECKED

# Written below the landmark line of a filing and never public: a change made through the
# filing form keeps them as they are in the file.
INTERNAL_FIELDS = ("inspection", "note", "contacts")
INTERNAL_LANDMARK = "# ---- 以下为内部信息（不公开）：自查情况、备注和联系人 ----"


@dataclass(frozen=True, slots=True)
class PublicUnit:
    path: str
    name: str
    kind: str
    kind_label: str
    parent: str | None
    href: str  # the unit's page, relative to the site root


@dataclass(frozen=True, slots=True)
class PublicProof:
    kind: str
    kind_label: str
    checked_on: str
    where: str | None


@dataclass(frozen=True, slots=True)
class PublicAccount:
    platform: str
    platform_label: str
    account_id: str
    name: str
    unit: str
    unit_name: str
    status: str
    status_label: str
    verified: bool
    certified_subject: str | None
    wechat_kind: str | None
    opened_on: str
    filed_on: str
    deregistered_on: str | None
    url: str | None
    qr: str | None  # the official QR code's content: public, it is printed on posters
    history: tuple[HistoryEvent, ...]
    code: str = ""  # permanent: its verification page is a/<code>/
    proof: tuple[PublicProof, ...] = ()
    form: tuple[tuple[str, Any], ...] = ()  # the public part, for the filing form's prefill
    suspended_on: str | None = None  # 暂停使用 since (status suspended): public, as is the reason
    suspend_reason: str | None = None

    @property
    def last_change(self) -> str:
        return max(event.date for event in self.history)

    @property
    def href(self) -> str:
        """The account's permanent verification page, relative to the site root."""
        return f"a/{self.code}/"

    @property
    def checked(self) -> str:
        """已核验 with the kinds of proof and the latest date, or 未核验: said plainly."""
        if not self.proof:
            return UNCHECKED
        kinds = "、".join(dict.fromkeys(p.kind_label for p in self.proof))
        return f"已核验（{kinds}，{max(p.checked_on for p in self.proof)}）"


@dataclass(frozen=True, slots=True)
class PublicCounterfeit:
    platform: str
    platform_label: str
    name: str
    account_id: str | None
    url: str | None
    reported_on: str
    status: str
    status_label: str
    reported_by: str  # the reporting unit's name
    reported_by_href: str
    note: str | None


@dataclass(frozen=True, slots=True)
class PublicRegistry:
    units: Mapping[str, PublicUnit]
    accounts: tuple[PublicAccount, ...]
    counterfeits: tuple[PublicCounterfeit, ...]
    demo: bool
    _children: Mapping[str, tuple[PublicUnit, ...]]
    _accounts_by_unit: Mapping[str, tuple[PublicAccount, ...]]

    def children(self, path: str) -> tuple[PublicUnit, ...]:
        return self._children.get(path, ())

    def accounts_of(self, path: str) -> tuple[PublicAccount, ...]:
        return self._accounts_by_unit.get(path, ())


def unit_href(path: str) -> str:
    return f"u/{path}/" if path else "u/"


_FORM_TEXT = ("name", "platform", "account_id", "url", "qr", "wechat_kind", "verified",
              "certified_subject", "department", "content_scope", "opened_on", "filed_on",
              "status", "deregistered_on", "deregister_reason", "suspended_on", "suspend_reason",
              "suspend_order", "interactive", "content_review",
              "outsourced_to", "personal_capacity", "followers", "posting_frequency",
              "last_post_on", "posts", "annual_review_on", "website", "app", "proof")


def form_fields(account: Account) -> tuple[tuple[str, Any], ...]:
    """The filing's public part, as the form writes it: every field but ``INTERNAL_FIELDS``."""
    values: dict[str, Any] = {}
    for name in _FORM_TEXT:
        if name == "posts":
            value: Any = {year: count for year, count in account.posts} or None
        elif name == "website":
            site = account.website
            value = None if site is None else {k: v for k, v in (
                ("icp", site.icp), ("psb", site.psb), ("mlps_level", site.mlps_level),
                ("mlps_filing", site.mlps_filing), ("mlps_graded_on", site.mlps_graded_on),
                ("mlps_assessed_on", site.mlps_assessed_on)) if v is not None}
        elif name == "app":
            value = None if account.platform != "app" else (
                {"edu_app_filing": account.edu_app_filing} if account.edu_app_filing else {})
        elif name == "proof":
            value = [{k: v for k, v in (("kind", p.kind), ("where", p.where),
                                        ("checked_on", p.checked_on), ("by", p.by)) if v}
                     for p in account.proof] or None
        elif name == "personal_capacity":
            value = True if account.personal_capacity else None
        else:
            value = getattr(account, name)
        if value is not None:
            values[name] = value
    return tuple(values.items())


def _unit(unit: Unit) -> PublicUnit:
    return PublicUnit(unit.path, unit.name, unit.kind, UNIT_KINDS[unit.kind], unit.parent,
                      unit_href(unit.path))


def _account(account: Account, units: Mapping[str, Unit],
             events: tuple[HistoryEvent, ...]) -> PublicAccount:
    return PublicAccount(
        platform=account.platform, platform_label=PLATFORMS[account.platform],
        account_id=account.account_id, name=account.name, unit=account.unit,
        unit_name=units[account.unit].name, status=account.status,
        status_label=STATUSES[account.status], verified=account.verified,
        certified_subject=account.certified_subject,
        wechat_kind=WECHAT_KINDS.get(account.wechat_kind or ""),
        opened_on=account.opened_on, filed_on=account.filed_on,
        deregistered_on=account.deregistered_on, url=account.url, qr=account.qr,
        history=events, code=account_code(account.platform, account.account_id),
        proof=tuple(PublicProof(p.kind, PROOF_KINDS[p.kind], p.checked_on, p.where)
                    for p in sorted(account.proof, key=lambda p: (p.checked_on, p.kind))),
        form=form_fields(account),
        suspended_on=account.suspended_on, suspend_reason=account.suspend_reason,
    )


def _counterfeit(fake: Counterfeit, units: Mapping[str, Unit]) -> PublicCounterfeit:
    return PublicCounterfeit(
        platform=fake.platform, platform_label=PLATFORMS[fake.platform], name=fake.name,
        account_id=fake.account_id, url=fake.url, reported_on=fake.reported_on,
        status=fake.status, status_label=COUNTERFEIT_STATUSES[fake.status],
        reported_by=units[fake.unit].name, reported_by_href=unit_href(fake.unit), note=fake.note,
    )


def public_registry(registry: Registry, history: History = NO_HISTORY) -> PublicRegistry:
    """The allow-listed public facts of ``registry``, sorted for deterministic output."""
    units = registry.units
    root = units.get(ROOT)
    public_units = {path: _unit(units[path]) for path in sorted(units)}
    events = {a.file: account_history(a, history) for a in registry.accounts}
    # A 变更 is a change of the filing's meaning, here as in 附件4 (``history.MEANINGFUL``):
    # not figures, proof, QR content or ciphertext; nor, for the public, the people (never
    # shown). A reopening reads 开设（恢复）.
    fields = changed_fields(history, [e for found in events.values() for e in found
                                      if e.type == "change"])
    # A change of status is 暂停使用 or 恢复使用, as the forms say it (``spreadsheets.rows``): the
    # status it left is read from that version (for the feeds, ``feeds``).
    turned = {e.blobs[1] for found in events.values() for e in found
              if e.type == "change" and e.blobs and "status" in (fields.get(e.blobs) or ())}
    status_of = {sha: data.get("status") for sha, data in versions(history, turned).items()}
    for file, found in events.items():
        events[file] = tuple(
            replace(e, status=status_of[e.blobs[1]]) if e.blobs and e.blobs[1] in status_of else e
            for e in found if not (e.type == "change" and e.blobs
                                   and not is_change(e, fields.get(e.blobs), people=False)))
    accounts = tuple(sorted((_account(a, units, events[a.file]) for a in registry.accounts),
                            key=lambda a: (a.unit, a.platform, a.account_id)))
    children: dict[str, list[PublicUnit]] = defaultdict(list)
    for unit in public_units.values():
        if unit.parent is not None:
            children[unit.parent].append(unit)
    by_unit: dict[str, list[PublicAccount]] = defaultdict(list)
    for account in accounts:
        by_unit[account.unit].append(account)
    return PublicRegistry(
        units=public_units,
        accounts=accounts,
        counterfeits=tuple(sorted((_counterfeit(c, units) for c in registry.counterfeits),
                                  key=lambda c: (c.reported_on, c.platform, c.name))),
        demo=bool(root and root.demo),
        _children={path: tuple(group) for path, group in children.items()},
        _accounts_by_unit={path: tuple(group) for path, group in by_unit.items()},
    )
