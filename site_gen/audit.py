"""``site-gen audit``: the registry checked against the notices' rules on a given day.

Each rule is a catalogue entry (``A-…`` codes in ``catalogue.py``, listed in docs/rules.md)
with its severity and Chinese template; deadlines and thresholds live in
``rules/policy.py``. Messages are addressed to the supervising bureau's officer.

* ``zombie``: an active account whose last reported post (``last_post_on``) is more than 2
  calendar months ago, with its step on seed 001's ladder (``rules/policy.zombie_ladder``:
  calendar months, month ends clamped) and what the bureau does at that step.
* ``unreported``: an active account that did not report its activity (last post, this
  year's posts, followers): left blank in the forms, never counted as inactivity or as 0.
* ``late_filing``, ``duplicate_platform``, ``annual_review_due``, ``lookalike_name``
  (the validator's rules, seen by the bureau); and from the seeds ``website_filing``,
  ``app_filing``, ``content_review``, ``unrectified``.

The audit names units that break rules, so it is internal; a registry may publish the
公开通报 stage on its portal (``public_notices: true`` on the root unit), as seed 001 provides.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date

from .catalogue import AUDIT_RULES, RULES, SEVERITY_TEXT
from .labels import PLATFORMS
from .model import Account, Registry, Sealed, within
from .probe import Site
from .reporters import json_lines, markdown_path, markdown_text, text_lines
from .rules.policy import (
    FILING_DEADLINE_WORKING_DAYS,
    NO_FOLLOWERS,
    PUBLIC_STAGES,
    annual_review_due,
    calendar_gaps,
    duplicate_platform_groups,
    late_filing_days,
    lookalikes,
    zombie_stage,
)

RULE_TEXT = {key: rule.title for key, rule in AUDIT_RULES.items()}
# Findings about the registry's upkeep for whoever holds a key (contacts that key cannot open,
# or opens to something invalid): they depend on the key a run is given, so they stay in the
# audit's own sheet and are never an account's problem in 附件1 or a count in 附件2.
# Likewise the holiday calendar lacking a year: the registry's upkeep, not the account's.
KEY_HOLDER_RULES = frozenset({"contacts_unreadable", "contacts_invalid"})
MAINTENANCE_RULES = KEY_HOLDER_RULES | {"calendar_year_missing"}
# Findings that explain a row of 附件1 (in 备注) without being a problem of the account: an
# account opened by the as-of day and filed after it is counted, and said to be.
REMARK_RULES = frozenset({"filed_after_cutoff"})


@dataclass(frozen=True)
class Finding:
    rule: str  # the audit rule's key, e.g. zombie
    severity: str
    file: str
    account_id: str
    unit: str
    unit_path: str
    message: str
    details: dict[str, object] = field(default_factory=dict)
    code: str = ""  # the catalogue code, e.g. A-ZOMBIE

    @property
    def title(self) -> str:
        return RULES[self.code].title

    @property
    def maintenance(self) -> bool:
        """The registry's upkeep (``MAINTENANCE_RULES``: contacts for the key holder, the
        holiday calendar), never a problem of the account in the forms."""
        return self.rule in MAINTENANCE_RULES

    @property
    def remark_only(self) -> bool:
        """Said in 附件1's 备注, never a problem of the account (``REMARK_RULES``)."""
        return self.rule in REMARK_RULES


def _finding(code: str, account: Account, registry: Registry, details: dict[str, object],
             **values: object) -> Finding:
    rule = RULES[code]
    unit = registry.units[account.unit].name
    message = rule.template.format(name=account.name, platform=PLATFORMS[account.platform],
                                   unit=unit, **values)
    return Finding(str(rule.key), rule.severity, account.file, account.account_id, unit,
                   account.unit, message, details, code)


def _activity(registry: Registry, accounts: list[Account], today: date,
              probed: Mapping[str, Site]) -> Iterator[Finding]:
    """Zombies from the last update a probe saw (a website), else the reported last post;
    accounts that reported nothing, as 未填报."""
    year = str(today.year)
    for a in accounts:
        if not a.active:
            continue
        seen = probed.get(a.file)
        measured = seen.last_update if seen is not None else None
        if measured:  # measured beats typed (docs/proof.md)
            a = replace(a, last_post_on=measured)
        missing = [label for label, absent in (
            ("最近发布日期", a.last_post_on is None),
            (f"{year}年信息发布数量", year not in dict(a.posts)),
            ("粉丝量", a.followers is None and a.platform not in NO_FOLLOWERS)) if absent]
        if missing:
            yield _finding("A-UNREPORTED", a, registry, {"missing": missing},
                           missing="、".join(missing))
        if a.last_post_on is None:
            continue  # unknown is not inactive
        since = date.fromisoformat(a.last_post_on)
        days = (today - since).days
        step = zombie_stage(since, today)
        if step is None:
            continue
        stage, next_begins = step
        deadline = next_begins.isoformat() if next_begins else ""
        values = {"unit": registry.units[a.unit].name, "name": a.name,
                  "platform": PLATFORMS[a.platform], "since": a.last_post_on, "days": days,
                  "deadline": deadline}
        yield _finding("A-ZOMBIE", a, registry,
                       {"stage": stage.name, "since": a.last_post_on, "days": days,
                        "deadline": deadline or None,
                        "activity_from": "probe" if measured else "filing"},
                       since=a.last_post_on, days=days, stage=stage.name,
                       action=stage.action.format(**values))


def _late(registry: Registry, accounts: list[Account], today: date,
          late: Mapping[str, str]) -> Iterator[Finding]:
    for a in accounts:
        if a.file in late:  # opened by the as-of day, filed after it (``asof.py``)
            yield _finding("A-FILED-AFTER-CUTOFF", a, registry, {"filed": late[a.file]},
                           opened_on=a.opened_on, as_of=today.isoformat(), filed=late[a.file])
        days = late_filing_days(registry, a)
        if days is not None:
            yield _finding("A-LATE-FILING", a, registry, {"working_days": days},
                           opened_on=a.opened_on, filed_on=a.filed_on, days=days,
                           limit=FILING_DEADLINE_WORKING_DAYS)
        gaps = calendar_gaps(registry, a)
        if gaps:  # counted by weekends only: said, never silent
            yield _finding("A-CALENDAR-YEAR", a, registry, {"years": gaps},
                           opened_on=a.opened_on, filed_on=a.filed_on,
                           years="、".join(map(str, gaps)))


def _duplicates(registry: Registry, accounts: list[Account]) -> Iterator[Finding]:
    chosen = {a.file for a in accounts}
    for group in duplicate_platform_groups(registry):
        names = "、".join(f"“{a.name}”" for a in group)
        for a in group:
            if a.file in chosen:
                yield _finding("A-DUPLICATE-PLATFORM", a, registry, {"count": len(group)},
                               count=len(group), names=names)


def _reviews(registry: Registry, accounts: list[Account], today: date) -> Iterator[Finding]:
    for a in accounts:
        if not a.active:
            continue
        last = a.annual_review_on or a.filed_on
        due = annual_review_due(date.fromisoformat(last))
        if today > due:
            yield _finding("A-ANNUAL-REVIEW", a, registry, {"due": due.isoformat()},
                           what="上次年审" if a.annual_review_on else "备案", last=last,
                           due=due.isoformat())


def _filings(registry: Registry, accounts: list[Account]) -> Iterator[Finding]:
    for a in accounts:
        if not a.active:
            continue
        if a.platform == "website":
            site = a.website
            missing = [label for label, present in (
                ("ICP 备案号", site and site.icp),
                ("网络安全等级保护定级备案", site and (site.mlps_level or site.mlps_filing)))
                if not present]
            if missing:
                yield _finding("A-WEBSITE-FILING", a, registry, {"missing": missing},
                               missing="和".join(missing))
        if a.platform == "app" and not a.edu_app_filing:
            yield _finding("A-APP-FILING", a, registry, {})
        if not a.content_review:
            yield _finding("A-CONTENT-REVIEW", a, registry, {})
        inspection = a.inspection
        if inspection and inspection.result != "无问题" and not inspection.rectified:
            yield _finding("A-UNRECTIFIED", a, registry, {"result": inspection.result},
                           result=inspection.result, checked_on=inspection.checked_on)


def _lookalikes(registry: Registry, accounts: list[Account]) -> Iterator[Finding]:
    """The validator's lookalike rule (the copy is blamed, never the original)."""
    for match in lookalikes(registry, accounts):
        yield _finding("A-LOOKALIKE-NAME", match.account, registry,
                       {"similar_to": match.other},
                       how=match.how.format(f"“{match.other}”"),
                       other_unit=registry.units[match.other_unit].name)


def _contacts(registry: Registry, accounts: list[Account], top: str) -> Iterator[Finding]:
    """Sealed contacts that a key was given for and could not be used (never without a key:
    then nothing was tried)."""
    for a in accounts:
        if isinstance(a.contacts, Sealed) and a.contacts.problem:
            code = "A-CONTACTS-INVALID" if a.contacts.reason == "invalid" else "A-CONTACTS-UNREADABLE"
            yield _finding(code, a, registry, {"reason": a.contacts.reason},
                           what=f"“{a.name}”", detail=a.contacts.detail)
    for path, unit in sorted(registry.units.items()):
        if within(path, top) and isinstance(unit.contacts, Sealed) and unit.contacts.problem:
            code = ("A-CONTACTS-INVALID" if unit.contacts.reason == "invalid"
                    else "A-CONTACTS-UNREADABLE")
            rule = RULES[code]
            message = rule.template.format(what=f"单位文件（{unit.name}）", unit=unit.name,
                                           detail=unit.contacts.detail)
            yield Finding(str(rule.key), rule.severity, unit.file, "", unit.name, path, message,
                          {"reason": unit.contacts.reason}, code)


PROBE_RULES = {"unreachable": "A-SITE-UNREACHABLE", "tls": "A-SITE-TLS",
               "redirect": "A-SITE-REDIRECT", "icp": "A-SITE-ICP", "ads": "A-SITE-ADS",
               "listed_not_filed": "A-SITE-LISTED-NOT-FILED",
               "filed_not_listed": "A-SITE-FILED-NOT-LISTED", "listing": "A-SITE-LISTING"}


def _probed(registry: Registry, accounts: list[Account],
            probed: Mapping[str, Site]) -> Iterator[Finding]:
    """What a probe of the filed websites found, each naming its website filing."""
    for a in accounts:
        seen = probed.get(a.file)
        if seen is None:
            continue
        for item in seen.findings:
            yield _finding(PROBE_RULES[item["rule"]], a, registry, {"url": seen.url},
                           detail=item["detail"])


def audit(registry: Registry, today: date, top: str = "",
          probed: Mapping[str, Site] | None = None,
          late: Mapping[str, str] | None = None) -> list[Finding]:
    """Every finding for the accounts of ``top``'s subtree, sorted by unit, file and rule;
    with a probe record (``probed``, by file), also what the probe saw; with ``late`` (the
    registry of a past day, ``asof.Snapshot.late``), the accounts filed after that day."""
    accounts = [a for a in registry.accounts if registry.in_subtree(a, top)]
    probed = probed or {}
    found = [*_activity(registry, accounts, today, probed),
             *_late(registry, accounts, today, late or {}),
             *_duplicates(registry, accounts), *_reviews(registry, accounts, today),
             *_lookalikes(registry, accounts), *_filings(registry, accounts),
             *_contacts(registry, accounts, top), *_probed(registry, accounts, probed)]
    order = list(AUDIT_RULES)
    return sorted(found, key=lambda f: (f.unit_path, f.file, order.index(f.rule), f.message))


def public_notices(registry: Registry, today: date) -> list[Finding]:
    """The zombie accounts at the 公开通报 stage or beyond, for a portal that publishes them."""
    return [f for f in audit(registry, today)
            if f.rule == "zombie" and f.details["stage"] in PUBLIC_STAGES]


def format_json(findings: list[Finding], as_of: str) -> str:
    """One finding a line (``json_lines``)."""
    lines = json_lines(map(vars, findings), "    ")
    return (f'{{\n  "as_of": {json.dumps(as_of)},\n  "findings": [\n{lines}\n  ]\n}}\n'
            if findings else f'{{\n  "as_of": {json.dumps(as_of)},\n  "findings": []\n}}\n')


def format_text(findings: list[Finding], as_of: str) -> str:
    lines = [f"{f.file}: {f.code} [{RULE_TEXT[f.rule]}] {f.message}" for f in findings]
    counts = {rule: sum(f.rule == rule for f in findings) for rule in RULE_TEXT}
    summary = "，".join(f"{RULE_TEXT[r]} {n} 个" for r, n in counts.items() if n) or "没有发现问题"
    return text_lines([*lines, f"审计截至 {as_of}：{summary}。"])


def format_markdown(findings: list[Finding], as_of: str) -> str:
    lines = [f"## 规则审计（截至 {as_of}）", ""]
    if not findings:
        return "\n".join([*lines, "没有发现问题。", ""]) + "\n"
    lines += ["| 规则 | 数量 |", "|---|---|"]
    for rule, text in RULE_TEXT.items():
        count = sum(f.rule == rule for f in findings)
        if count:
            lines.append(f"| {text} | {count} |")
    lines += ["", "| 严重程度 | 规则 | 单位 | 文件 | 说明 |", "|---|---|---|---|---|"]
    lines += [f"| {SEVERITY_TEXT[f.severity]} | {RULE_TEXT[f.rule]} | {markdown_text(f.unit)} | "
              f"{markdown_path(f.file)} | {markdown_text(f.message)} |" for f in findings]
    return "\n".join(lines) + "\n"


FORMATS = {"text": format_text, "json": format_json, "markdown": format_markdown}
