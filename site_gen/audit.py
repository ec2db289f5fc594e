"""``site-gen audit``: the registry checked against the notices' rules on a given day.

Each rule is a catalogue entry (``A-…`` codes in ``catalogue.py``, listed in docs/rules.md)
with its severity and Chinese template; deadlines and thresholds live in
``rules/policy.py``. Messages are addressed to the supervising bureau's officer.

* ``zombie``: an active account whose last reported post (``last_post_on``) is more than 2
  calendar months ago, with its step on seed 001's ladder counted from the bureau's recorded
  actions (``_actions.yaml``; ``rules/policy.zombie_step``: calendar months, month ends
  clamped), saying what is due and not recorded. A suspended account is off the ladder.
* ``unreported``: an active account that did not report its activity (last post, this
  year's posts, followers): left blank in the forms, never counted as inactivity or as 0.
* ``late_filing``, ``duplicate_platform``, ``annual_review_due``, ``lookalike_name``
  (the validator's rules, seen by the bureau); and from the seeds ``website_filing``,
  ``mlps_assessment`` (等级保护 level 3 and up, assessed within the year), ``app_filing``,
  ``content_review``, ``unrectified``.
* The casework (docs/casework.md): ``filed_late_entry`` (a typed 备案日期 well before the
  filing reached the registry), ``counterfeit_open`` (a reported counterfeit still open after
  30 days), ``order_not_carried_out`` (a recorded 暂停令/关停令, the account still in use),
  ``no_chief_editor`` (no 责编 in readable contacts: the key holder's upkeep).

The audit names units that break rules, so it is internal; a registry may publish its
recorded 公开通报 on its portal (``public_notices: true`` on the root unit), as seed 001 provides.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import PurePosixPath

from .catalogue import AUDIT_RULES, RULES, SEVERITY_TEXT
from .history import History
from .labels import ACTION_KINDS, PLATFORMS, REPORT_TARGETS
from .model import Account, AccountContacts, Action, Registry, Sealed, within
from .probe import Site
from .reporters import json_lines, markdown_path, markdown_text, text_lines
from .rules.fields import mlps_assessment_lapse
from .rules.policy import (
    COUNTERFEIT_OPEN_DAYS,
    ENTRY_GAP_DAYS,
    FILING_DEADLINE_WORKING_DAYS,
    NO_FOLLOWERS,
    annual_review_due,
    calendar_gaps,
    duplicate_platform_groups,
    exempt_from_filing,
    late_filing_days,
    lookalikes,
    zombie_step,
)

RULE_TEXT = {key: rule.title for key, rule in AUDIT_RULES.items()}
# Findings about the registry's upkeep for whoever holds a key (contacts that key cannot open,
# or opens to something invalid): they depend on the key a run is given, so they stay in the
# audit's own sheet and are never an account's problem in 附件1 or a count in 附件2.
# Likewise the holiday calendar lacking a year: the registry's upkeep, not the account's.
# Whether an account names its 责编 is read from its contacts, so it is the key holder's too.
KEY_HOLDER_RULES = frozenset({"contacts_unreadable", "contacts_invalid", "no_chief_editor"})
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


def _action_ref(action: Action | None) -> dict[str, str | None] | None:
    if action is None:
        return None
    return {"kind": action.kind, "issued_on": action.issued_on, "number": action.number,
            "file": action.file}


def acted_on(registry: Registry) -> list[tuple[Action, list[Account]]]:
    """Each recorded action with the accounts it counts for: those it names that lie below its
    ``to`` unit and below the unit that issued it (the validator's ``E-ACTION-ACCOUNT``
    reports the others)."""
    by_name = {PurePosixPath(a.file).stem: a for a in registry.accounts}
    return [(action, [account for name in action.accounts
                      if (account := by_name.get(name)) is not None
                      and within(account.unit, action.to) and within(account.unit, action.unit)])
            for action in registry.actions]


def actions_by_file(registry: Registry) -> dict[str, list[Action]]:
    """The recorded actions about each filing (``acted_on``, by file)."""
    found: dict[str, list[Action]] = defaultdict(list)
    for action, accounts in acted_on(registry):
        for account in accounts:
            found[account.file].append(action)
    return found


def _activity(registry: Registry, accounts: list[Account], today: date,
              probed: Mapping[str, Site], acted: Mapping[str, list[Action]]) -> Iterator[Finding]:
    """Zombies from the last update a probe saw (a website), else the reported last post,
    each on the ladder as the recorded actions put it; accounts that reported nothing, as
    未填报. A suspended account is off the ladder (it does not post while suspended)."""
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
        step = zombie_step(since, today, acted.get(a.file, ()))
        if step is None:
            continue
        deadline = step.next_begins.isoformat() if step.next_begins else ""
        ref = step.done or step.previous
        values = {"unit": registry.units[a.unit].name, "name": a.name,
                  "platform": PLATFORMS[a.platform], "since": a.last_post_on, "days": days,
                  "deadline": deadline, "begins": step.begins.isoformat(),
                  "issued": ref.issued_on if ref else "",
                  "number": (ref.number or "未记文号") if ref else "",
                  "order": ORDER_KINDS.get(ref.kind, "") if ref else ""}
        text = step.stage.done if step.done else step.stage.due
        yield _finding("A-ZOMBIE", a, registry,
                       {"stage": step.stage.name, "since": a.last_post_on, "days": days,
                        "deadline": deadline or None, "due": step.begins.isoformat(),
                        "recorded": _action_ref(step.done),
                        "activity_from": "probe" if measured else "filing"},
                       since=a.last_post_on, days=days, stage=step.stage.name,
                       action=text.format(**values))


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
        if not a.live:
            continue
        last = a.annual_review_on or a.filed_on
        due = annual_review_due(date.fromisoformat(last))
        if today > due:
            yield _finding("A-ANNUAL-REVIEW", a, registry, {"due": due.isoformat()},
                           what="上次年审" if a.annual_review_on else "备案", last=last,
                           due=due.isoformat())


def _filings(registry: Registry, accounts: list[Account], today: date) -> Iterator[Finding]:
    for a in accounts:
        if not a.live:
            continue
        site = a.website
        if a.platform == "website":
            missing = [label for label, present in (
                ("ICP 备案号", site and site.icp),
                ("公安联网备案号", site and site.psb),
                ("网络安全等级保护定级备案", site and (site.mlps_level or site.mlps_filing)))
                if not present]
            if missing:
                yield _finding("A-WEBSITE-FILING", a, registry, {"missing": missing},
                               missing="、".join(missing))
        # Any filing's block (an app's too): level 3 and up is assessed yearly (seed 003).
        lapse = mlps_assessment_lapse(site.mlps_level, site.mlps_assessed_on, today) \
            if site else None
        if site and lapse:
            yield _finding("A-MLPS-ASSESSMENT", a, registry,
                           {"level": site.mlps_level, "assessed_on": site.mlps_assessed_on},
                           level=site.mlps_level, lapse=lapse)
        if a.platform == "app" and not a.edu_app_filing:
            yield _finding("A-APP-FILING", a, registry, {})
        if not a.content_review:
            yield _finding("A-CONTENT-REVIEW", a, registry, {})
        inspection = a.inspection
        if inspection and inspection.result != "无问题" and not inspection.rectified:
            yield _finding("A-UNRECTIFIED", a, registry, {"result": inspection.result},
                           result=inspection.result, checked_on=inspection.checked_on)


def _entries(registry: Registry, accounts: list[Account],
             entered: Mapping[str, str]) -> Iterator[Finding]:
    """A typed 备案日期 more than ``ENTRY_GAP_DAYS`` before the filing first entered the
    registry (``entered``: the day of the commit that added it, by file). Filings dated before
    the registry began (its first filing's day: paper filings entered then or later) and
    accounts opened before the unit's ``filing_required_since`` are not compared."""
    if not entered:
        return
    started = min(entered.values())
    for a in accounts:
        day = entered.get(a.file)
        if day is None or a.filed_on < started or exempt_from_filing(registry, a):
            continue
        days = (date.fromisoformat(day) - date.fromisoformat(a.filed_on)).days
        if days > ENTRY_GAP_DAYS:
            yield _finding("A-FILED-LATE-ENTRY", a, registry, {"entered": day, "days": days},
                           filed_on=a.filed_on, entered=day, days=days)


def _counterfeit_cases(registry: Registry, today: date, top: str) -> Iterator[Finding]:
    """Reported counterfeits still open more than ``COUNTERFEIT_OPEN_DAYS`` after the first
    report, each naming its list."""
    for fake in registry.counterfeits:
        if not fake.open or not within(fake.unit, top):
            continue
        since = fake.first_reported
        days = (today - date.fromisoformat(since)).days
        if days <= COUNTERFEIT_OPEN_DAYS:
            continue
        told = list(dict.fromkeys(REPORT_TARGETS[r.to] for r in fake.reports))
        reports = f"已向{'、'.join(told)}举报" if told else "没有举报记录"
        rule = RULES["A-COUNTERFEIT-OPEN"]
        unit = registry.units[fake.unit].name
        message = rule.template.format(platform=PLATFORMS[fake.platform], name=fake.name,
                                       since=since, days=days, reports=reports)
        yield Finding(str(rule.key), rule.severity, fake.file, fake.account_id or fake.url or "",
                      unit, fake.unit, message,
                      {"index": fake.index, "since": since, "days": days}, rule.code)


ORDER_KINDS = {kind: ACTION_KINDS[kind] for kind in ("suspension_order", "shutdown_order")}


def _orders(registry: Registry, accounts: list[Account], today: date,
            acted: Mapping[str, list[Action]]) -> Iterator[Finding]:
    """A recorded 暂停令 or 关停令 whose account is still in use, from any cause. A 暂停令
    followed by posts is taken as spent: the account was resumed (恢复使用) since — the
    audit reads the filings of one day, not the status each had in between."""
    for a in accounts:
        if not a.active:
            continue
        orders = [x for x in acted.get(a.file, ()) if x.kind in ORDER_KINDS
                  and x.issued_on <= today.isoformat()
                  and not (a.last_post_on and a.last_post_on > x.issued_on
                           and x.kind == "suspension_order")]
        if orders:
            order = max(orders, key=lambda x: x.issued_on)
            yield _finding("A-ORDER-NOT-CARRIED-OUT", a, registry, {"order": _action_ref(order)},
                           kind=ORDER_KINDS[order.kind], number=order.number or "未记文号",
                           issued=order.issued_on)


def _review_chain(registry: Registry, accounts: list[Account]) -> Iterator[Finding]:
    """An account in use without a 责编 (seed 000's 三级审核), when its contacts can be read."""
    for a in accounts:
        if a.active and isinstance(a.contacts, AccountContacts) and a.contacts.chief_editor is None:
            yield _finding("A-NO-CHIEF-EDITOR", a, registry, {})


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
          late: Mapping[str, str] | None = None,
          entered: Mapping[str, str] | None = None) -> list[Finding]:
    """Every finding for the accounts of ``top``'s subtree, sorted by unit, file and rule;
    with a probe record (``probed``, by file), also what the probe saw; with ``late`` (the
    registry of a past day, ``asof.Snapshot.late``), the accounts filed after that day; with
    ``entered`` (``entered_days``), filing dates typed well before the filing arrived."""
    accounts = [a for a in registry.accounts if registry.in_subtree(a, top)]
    probed = probed or {}
    acted = actions_by_file(registry)  # the recorded actions, resolved once
    found = [*_activity(registry, accounts, today, probed, acted),
             *_late(registry, accounts, today, late or {}),
             *_entries(registry, accounts, entered or {}),
             *_counterfeit_cases(registry, today, top), *_orders(registry, accounts, today, acted),
             *_review_chain(registry, accounts),
             *_duplicates(registry, accounts), *_reviews(registry, accounts, today),
             *_lookalikes(registry, accounts), *_filings(registry, accounts, today),
             *_contacts(registry, accounts, top), *_probed(registry, accounts, probed)]
    order = list(AUDIT_RULES)
    return sorted(found, key=lambda f: (f.unit_path, f.file, order.index(f.rule), f.message))


def entered_days(registry: Registry, history: History) -> dict[str, str]:
    """The day each filing first entered the registry (the commit that added it, Beijing
    time), by file; empty without Git history."""
    found = {}
    for account in registry.accounts:
        first = next((e for e in history.of(account.file) if e.type == "open"), None)
        if first is not None:
            found[account.file] = first.date
    return found


def public_notices(registry: Registry, today: date) -> list[tuple[Action, list[Account]]]:
    """The 公开通报 the registry recorded (``_actions.yaml``, issued by ``today``), each with the
    accounts it named, newest first: a portal publishes only what was actually published,
    never a stage computed from the dates."""
    found = [(action, named) for action, named in acted_on(registry)
             if action.kind == "public_notice" and action.issued_on <= today.isoformat() and named]
    return sorted(found, key=lambda item: (item[0].issued_on, item[0].file, item[0].index),
                  reverse=True)


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
