"""The registry as frozen dataclasses: the only contract between the steps.

Outputs read this model, never YAML. Dates stay ``YYYY-MM-DD`` strings exactly as
filed (they sort correctly as text). Everything personal sits in ``contacts``
fields, which public outputs must never read.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

ROOT = ""


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    phone: str
    title: str | None = None
    wechat: str | None = None


@dataclass(frozen=True)  # no slots: it crosses process boundaries, and pickles everywhere
class Sealed:
    """Contacts that stay sealed in this run (see ``sealing``), and why."""

    reason: str  # sealed (no key given), not_for_key, damaged, invalid (decrypted, not valid)
    detail: str = ""

    @property
    def text(self) -> str:
        """What a form's cell says in place of each sealed value."""
        return {"sealed": "已加密", "invalid": "内容有误"}.get(self.reason, "无法解密")

    @property
    def problem(self) -> bool:
        """A key was given and could not give usable contacts (an audit finding)."""
        return self.reason != "sealed"


@dataclass(frozen=True, slots=True)
class Unit:
    path: str  # folder under filings/, "" for the root unit
    name: str
    short_name: str
    kind: str
    credit_code: str | None = None
    region_code: str | None = None
    filing_required_since: str | None = None
    demo: bool = False
    public_notices: bool = False
    reviewers: tuple[str, ...] = ()
    seal_contacts: bool = False
    contact_keys: tuple[tuple[str, str], ...] = ()  # (holder, age1… public key)
    contacts: tuple[tuple[str, Person], ...] | Sealed = field(default=(), repr=False)

    @property
    def parent(self) -> str | None:
        if self.path == ROOT:
            return None
        return self.path.rpartition("/")[0]

    @property
    def file(self) -> str:
        return f"filings/{self.path}/_unit.yaml" if self.path else "filings/_unit.yaml"


@dataclass(frozen=True, slots=True)
class Inspection:
    result: str
    checked_on: str
    rectified: bool | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Website:
    """A website's filing numbers and its 等级保护 (an app or mini program may carry them too)."""

    icp: str | None = None
    psb: str | None = None
    mlps_level: int | None = None
    mlps_filing: str | None = None
    mlps_graded_on: str | None = None  # 定级日期
    mlps_assessed_on: str | None = None  # 最近一次等级测评日期


@dataclass(frozen=True, slots=True)
class Proof:
    kind: str  # profile, website_list, icp
    checked_on: str
    by: str
    where: str | None = None


@dataclass(frozen=True, slots=True)
class AccountContacts:
    supervisor: Person  # 主管领导: the third level of the review
    ops_lead: Person
    staff: tuple[Person, ...] = ()
    chief_editor: Person | None = None  # 责编: the second level (seed 000's 三级审核)
    editor: Person | None = None  # 编辑: the first


@dataclass(frozen=True, slots=True)
class Account:
    file: str
    unit: str
    name: str
    platform: str
    account_id: str
    verified: bool
    opened_on: str
    filed_on: str
    status: str
    interactive: bool
    content_review: bool
    contacts: AccountContacts | Sealed = field(repr=False)
    url: str | None = None
    qr: str | None = None
    wechat_kind: str | None = None
    certified_subject: str | None = None
    department: str | None = None
    content_scope: str | None = None
    deregistered_on: str | None = None
    deregister_reason: str | None = None
    suspended_on: str | None = None
    suspend_reason: str | None = None
    suspend_order: str | None = None
    outsourced_to: str | None = None
    personal_capacity: bool = False
    followers: int | None = None
    posting_frequency: str | None = None
    last_post_on: str | None = None
    posts: tuple[tuple[str, int], ...] = ()
    inspection: Inspection | None = None
    annual_review_on: str | None = None
    note: str | None = None
    website: Website | None = None
    edu_app_filing: str | None = None
    proof: tuple[Proof, ...] = ()

    @property
    def active(self) -> bool:
        """In use: posting, and on the zombie ladder."""
        return self.status == "active"

    @property
    def live(self) -> bool:
        """Not deregistered: in use or suspended (暂停使用). A suspended account is still the
        unit's account: counted in the forms, official in the verify answer."""
        return self.status != "deregistered"

    @property
    def suspended(self) -> bool:
        return self.status == "suspended"


@dataclass(frozen=True, slots=True)
class CaseReport:
    """A counterfeit reported to someone: the platform, 网信 (12377), 公安 or other."""

    to: str  # platform, cac, police, other
    on: str
    reference: str | None = None
    channel: str | None = None


@dataclass(frozen=True, slots=True)
class Counterfeit:
    file: str
    unit: str
    index: int
    name: str
    platform: str
    reported_on: str
    status: str  # reported (the case is open), taken_down, refused
    account_id: str | None = None
    url: str | None = None
    note: str | None = None
    # The case file (internal, never public): evidence and to whom it was reported.
    closed_on: str | None = None
    description: str | None = None
    evidence_links: tuple[str, ...] = ()
    evidence_files: tuple[str, ...] = ()
    reports: tuple[CaseReport, ...] = ()

    @property
    def open(self) -> bool:
        return self.status == "reported"

    @property
    def first_reported(self) -> str:
        return min([self.reported_on, *(r.on for r in self.reports)])


@dataclass(frozen=True, slots=True)
class Action:
    """What a supervising unit did about accounts below it (``_actions.yaml``): a 整改通知,
    公开通报, 暂停令 or 关停令. ``unit`` is the issuing unit; ``accounts`` the filings' names
    (file names without ``.yaml``), each below ``to``."""

    file: str
    unit: str
    index: int
    kind: str
    issued_on: str
    to: str
    accounts: tuple[str, ...]
    number: str | None = None
    reason: str | None = None
    due_on: str | None = None
    published_at: str | None = None
    note: str | None = None


class AccountFacts(Protocol):
    """What the cross-file rules read of a filing: an ``Account``, or the light record the
    pull-request index keeps of a file it did not read (``rules.incremental.IndexedAccount``)."""

    @property
    def file(self) -> str: ...
    @property
    def unit(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def platform(self) -> str: ...
    @property
    def account_id(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def opened_on(self) -> str: ...
    @property
    def filed_on(self) -> str: ...
    @property
    def certified_subject(self) -> str | None: ...
    @property
    def personal_capacity(self) -> bool: ...
    @property
    def active(self) -> bool: ...
    @property
    def live(self) -> bool: ...


A = TypeVar("A", bound=AccountFacts, covariant=True)


@dataclass(frozen=True)
class Facts(Generic[A]):
    """Units, filings and counterfeits: what checking sees, with whatever record of each
    filing it has (``Registry`` holds full ``Account``s)."""

    units: Mapping[str, Unit]
    accounts: tuple[A, ...]
    counterfeits: tuple[Counterfeit, ...]
    actions: tuple[Action, ...] = ()

    def ancestors(self, path: str) -> Iterator[Unit]:
        """The unit at ``path`` and each unit above it, nearest first."""
        current: str | None = path
        while current is not None:
            unit = self.units.get(current)
            if unit is None:
                return
            yield unit
            current = unit.parent

    def in_subtree(self, account: AccountFacts | Counterfeit, top: str) -> bool:
        return within(account.unit, top)


class Registry(Facts[Account]):
    """The whole registry, every filing read and modelled: what the outputs read."""

    __slots__ = ()


def within(path: str, top: str) -> bool:
    """Whether the unit at ``path`` is ``top`` or lies below it."""
    return top == ROOT or path == top or path.startswith(top + "/")


def _person(data: Mapping[str, Any]) -> Person:
    return Person(name=data["name"], phone=data["phone"], title=data.get("title"),
                  wechat=data.get("wechat"))


def _sealed(value: object) -> Sealed | None:
    """Contacts that are not a mapping here: ``Sealed`` as put by ``sealing.open_contacts_in``, or
    sealed text nobody tried to open."""
    if isinstance(value, Sealed):
        return value
    return Sealed("sealed") if isinstance(value, str) else None


def unit_from(path: str, data: Mapping[str, Any]) -> Unit:
    contacts = data.get("contacts", {})
    sealed = _sealed(contacts)
    return Unit(
        path=path, name=data["name"], short_name=data["short_name"], kind=data["kind"],
        credit_code=data.get("credit_code"), region_code=data.get("region_code"),
        filing_required_since=data.get("filing_required_since"),
        demo=data.get("demo", False),
        public_notices=data.get("public_notices", False),
        reviewers=tuple(data.get("reviewers", ())),
        seal_contacts=data.get("seal_contacts", False),
        contact_keys=tuple((k["holder"], k["key"]) for k in data.get("contact_keys", ())),
        contacts=sealed or tuple((role, _person(contacts[role])) for role in sorted(contacts)),
    )


_ACCOUNT_TEXT = ("url", "qr", "wechat_kind", "certified_subject", "department", "content_scope",
                 "deregistered_on", "deregister_reason", "suspended_on", "suspend_reason",
                 "suspend_order", "outsourced_to", "followers",
                 "posting_frequency", "last_post_on", "annual_review_on", "note")


def account_from(file: str, unit: str, data: Mapping[str, Any]) -> Account:
    contacts = data["contacts"]
    sealed = _sealed(contacts)
    inspection = data.get("inspection")
    website = data.get("website")
    return Account(
        file=file, unit=unit, name=data["name"], platform=data["platform"],
        account_id=data["account_id"], verified=data["verified"],
        opened_on=data["opened_on"], filed_on=data["filed_on"], status=data["status"],
        interactive=data["interactive"], content_review=data["content_review"],
        contacts=sealed or AccountContacts(
            supervisor=_person(contacts["supervisor"]), ops_lead=_person(contacts["ops_lead"]),
            staff=tuple(_person(p) for p in contacts.get("staff", ())),
            chief_editor=_person(contacts["chief_editor"]) if "chief_editor" in contacts else None,
            editor=_person(contacts["editor"]) if "editor" in contacts else None,
        ),
        personal_capacity=data.get("personal_capacity", False),
        posts=tuple(sorted(data.get("posts", {}).items())),
        inspection=Inspection(**inspection) if inspection else None,
        website=Website(**website) if website is not None else None,
        edu_app_filing=(data.get("app") or {}).get("edu_app_filing"),
        proof=tuple(Proof(**item) for item in data.get("proof", ())),
        **{name: data.get(name) for name in _ACCOUNT_TEXT},
    )


def counterfeits_from(file: str, unit: str, items: Iterable[Mapping[str, Any]]) -> list[Counterfeit]:
    found = []
    for index, item in enumerate(items):
        evidence = item.get("evidence") or {}
        found.append(Counterfeit(
            file=file, unit=unit, index=index, name=item["name"], platform=item["platform"],
            reported_on=item["reported_on"], status=item["status"],
            account_id=item.get("account_id"), url=item.get("url"), note=item.get("note"),
            closed_on=item.get("closed_on"), description=evidence.get("description"),
            evidence_links=tuple(evidence.get("links", ())),
            evidence_files=tuple(evidence.get("files", ())),
            reports=tuple(CaseReport(r["to"], r["on"], r.get("reference"), r.get("channel"))
                          for r in item.get("reports", ()))))
    return found


def actions_from(file: str, unit: str, items: Iterable[Mapping[str, Any]]) -> list[Action]:
    return [
        Action(file=file, unit=unit, index=index, kind=item["kind"],
               issued_on=item["issued_on"], to=item["to"], accounts=tuple(item["accounts"]),
               number=item.get("number"), reason=item.get("reason"), due_on=item.get("due_on"),
               published_at=item.get("published_at"), note=item.get("note"))
        for index, item in enumerate(items)
    ]
