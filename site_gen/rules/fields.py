"""Checks of single values that a schema cannot express: real and plausible dates, their
order, the credit code's check digit, the account ID's platform rule and the name's style."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

from ..catalogue import Problem, problem
from ..creditcode import credit_code_error
from ..dates import day_problem
from ..labels import PLATFORMS
from ..loader import Document, JsonPath
from ..names import style_reasons
from ..platforms import id_problem
from ..schemas import display_path, field_schemas
from .policy import add_months

# A unit's dates may lie ahead (a rule can be set to start later), so only their
# existence and plausibility are checked.
UNIT_DATES: tuple[JsonPath, ...] = (("filing_required_since",),)
ACCOUNT_DATES: tuple[JsonPath, ...] = (
    ("opened_on",), ("filed_on",), ("deregistered_on",), ("suspended_on",), ("last_post_on",),
    ("annual_review_on",), ("inspection", "checked_on"),
    ("website", "mlps_graded_on"), ("website", "mlps_assessed_on"),
)
# (later field, earlier field): the first may not be before the second.
ACCOUNT_ORDER = (("filed_on", "opened_on"), ("deregistered_on", "opened_on"),
                 ("suspended_on", "opened_on"),
                 ("last_post_on", "opened_on"), ("annual_review_on", "opened_on"))


def _title(kind: str, path: JsonPath) -> str:
    chain = field_schemas(kind, path)
    return str(chain[-1].get("title", display_path(path))) if chain else display_path(path)


def _get(data: Any, path: JsonPath) -> Any:
    for key in path:
        if isinstance(key, int) and isinstance(data, list) and key < len(data):
            data = data[key]
        elif isinstance(key, str) and isinstance(data, dict):
            data = data.get(key)
        else:
            return None
    return data


def date_problem(file: str, kind: str, path: JsonPath, value: str, today: date | None,
                 place: tuple[int, int] = (1, 1)) -> Problem | None:
    """The problem of the ``YYYY-MM-DD`` date ``value`` at ``path`` (``dates.day_problem``:
    not on the calendar, before 1994, or after ``today`` unless that is None), or None."""
    code = day_problem(value, today)
    if code is None:
        return None
    values: dict[str, Any] = {"field": display_path(path), "title": _title(kind, path),
                              "value": value, "today": today.isoformat() if today else ""}
    return problem(code, file, place[0], place[1], **values)


def check_dates(doc: Document, kind: str, paths: list[JsonPath],
                today: date | None) -> list[Problem]:
    """Each date must exist on the calendar, not lie before 1994 and, unless ``today`` is
    None (a date that may lie ahead), not lie in the future."""
    found: list[Problem] = []
    for path in paths:
        value = _get(doc.data, path)
        if not isinstance(value, str) or len(value) != 10:
            continue  # missing, or the schema's pattern reports it
        wrong = date_problem(doc.path, kind, path, value, today, doc.position(path))
        if wrong is not None:
            found.append(wrong)
    return found


def check_file_dates(doc: Document, kind: str, today: date | None) -> list[Problem]:
    """Every date of a unit, filing or counterfeit list (``check_dates``); a unit's may lie
    ahead, the others are past events, not after ``today`` (None: not checked)."""
    if kind == "unit":
        return check_dates(doc, kind, list(UNIT_DATES), None)
    if kind == "actions":  # issued in the past; the 整改期限 may lie ahead
        items = doc.data if isinstance(doc.data, list) else []
        return [*check_dates(doc, kind, [(i, "issued_on") for i in range(len(items))], today),
                *check_dates(doc, kind, [(i, "due_on") for i in range(len(items))], None)]
    paths = account_date_paths(doc) if kind == "account" else counterfeit_date_paths(doc)
    return check_dates(doc, kind, paths, today)


def account_date_paths(doc: Document) -> list[JsonPath]:
    """Every date of a filing: the fixed ones and each proof record's."""
    proof = doc.data.get("proof") if isinstance(doc.data, dict) else None
    items = proof if isinstance(proof, list) else []
    return [*ACCOUNT_DATES, *[("proof", index, "checked_on") for index in range(len(items))]]


def check_date_order(doc: Document) -> list[Problem]:
    found: list[Problem] = []
    for later, earlier in ACCOUNT_ORDER:
        late, early = _day(doc.data.get(later)), _day(doc.data.get(earlier))
        if late is not None and early is not None and late < early:
            line, column = doc.position((later,))
            found.append(problem(
                "E-DATE-ORDER", doc.path, line, column, field=later,
                title=_title("account", (later,)), value=late.isoformat(),
                other_title=_title("account", (earlier,)), other_value=early.isoformat()))
    return found


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
    except ValueError:
        return None


def check_credit_code(doc: Document) -> list[Problem]:
    value = doc.data.get("credit_code")
    if not isinstance(value, str):
        return []
    reason = credit_code_error(value)
    if reason is None:
        return []
    line, column = doc.position(("credit_code",))
    return [problem("E-CREDIT-CODE", doc.path, line, column, value=value, reason=reason)]


def counterfeit_date_paths(doc: Document) -> list[JsonPath]:
    """Each case's report date, its outcome's, and each report's."""
    items = doc.data if isinstance(doc.data, list) else []
    paths: list[JsonPath] = []
    for index, item in enumerate(items):
        paths += [(index, "reported_on"), (index, "closed_on")]
        reports = item.get("reports") if isinstance(item, dict) else None
        paths += [(index, "reports", n, "on")
                  for n in range(len(reports) if isinstance(reports, list) else 0)]
    return paths


# (later, earlier) within one item of a unit's list: the first may not be before the second.
LIST_ORDER = {"actions": (("due_on", "issued_on"),),
              "counterfeits": (("closed_on", "reported_on"),)}


def check_list_date_order(doc: Document, kind: str) -> list[Problem]:
    found: list[Problem] = []
    items = doc.data if isinstance(doc.data, list) else []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        for later, earlier in LIST_ORDER.get(kind, ()):
            late, early = _day(item.get(later)), _day(item.get(earlier))
            if late is not None and early is not None and late < early:
                line, column = doc.position((index, later))
                found.append(problem(
                    "E-DATE-ORDER", doc.path, line, column, field=later,
                    title=_title(kind, (index, later)), value=late.isoformat(),
                    other_title=_title(kind, (index, earlier)), other_value=early.isoformat()))
    return found


def check_evidence_files(doc: Document, root: Path) -> list[Problem]:
    """Each archived evidence file a counterfeit case names is in the registry (a path from
    its root), in the unit's own folder ``evidence/<unit>/`` (reviewed as its filings are): a
    case whose proof cannot be found cannot be argued."""
    unit = doc.path.removeprefix("filings/").rpartition("/")[0]
    folder = f"evidence/{unit}/" if unit else "evidence/"
    found: list[Problem] = []
    for index, item in enumerate(doc.data if isinstance(doc.data, list) else []):
        evidence = item.get("evidence") if isinstance(item, dict) else None
        files = evidence.get("files") if isinstance(evidence, dict) else None
        for n, name in enumerate(files if isinstance(files, list) else []):
            if not isinstance(name, str):
                continue
            line, column = doc.position((index, "evidence", "files", n))
            if not name.startswith(folder):
                found.append(problem("W-EVIDENCE-PATH", doc.path, line, column, path=name,
                                     folder=folder))
            elif not (root / name).is_file():
                found.append(problem("W-EVIDENCE-MISSING", doc.path, line, column, path=name))
    return found


def check_account_id(doc: Document) -> list[Problem]:
    """The account ID follows its platform's rule (``data/platforms.json``); a pasted link
    or share text is refused with the ID it carries as the suggestion."""
    platform, account_id = doc.data.get("platform"), doc.data.get("account_id")
    if not isinstance(platform, str) or platform not in PLATFORMS \
            or not isinstance(account_id, str) or not account_id.strip():
        return []  # the schema reports these
    found = id_problem(platform, account_id)
    if found is None:
        return []
    rule, suggestion = found
    line, column = doc.position(("account_id",))
    shown = account_id if len(account_id) <= 60 else account_id[:60] + "…"
    return [problem("E-ACCOUNT-ID", doc.path, line, column, platform_label=PLATFORMS[platform],
                    rule=rule, value=shown, suggestion=suggestion)]


def check_name_style(doc: Document) -> list[Problem]:
    """An account's name is 简洁、直观、规范: no emoji, repeated punctuation or marketing words
    (``data/names.json``)."""
    name = doc.data.get("name")
    reasons = style_reasons(name) if isinstance(name, str) else []
    if not reasons:
        return []
    line, column = doc.position(("name",))
    return [problem("W-NAME-STYLE", doc.path, line, column, name=name, reasons="，".join(reasons))]


def check_activity(doc: Document) -> list[Problem]:
    """An active account should report its last post: the zombie rule needs it, and
    without it the audit can only say 未填报 (unknown is not inactive)."""
    data = doc.data
    if data.get("status") != "active" or "last_post_on" in data:
        return []
    line, column = doc.key_position(("status",))
    return [problem("W-ACTIVITY-UNKNOWN", doc.path, line, column)]


def check_contacts(doc: Document, seal: bool) -> list[Problem]:
    """Plaintext contacts where the registry wants them sealed (``seal``), and sealed ones
    whose armour or age header was damaged (all that can be seen without a key)."""
    from ..sealing import armour_problem, is_sealed

    value = doc.data.get("contacts")
    if value is None:
        return []
    if is_sealed(value):
        damage = armour_problem(value)
        line, column = doc.position(("contacts",))
        return [problem("E-CONTACTS-DAMAGED", doc.path, line, column, problem=damage)] \
            if damage else []
    if seal and isinstance(value, dict):
        line, column = doc.key_position(("contacts",))
        return [problem("E-CONTACTS-PLAIN", doc.path, line, column, path=doc.path)]
    return []


_HOST_END = re.compile(r"[:/?#\\]")


def url_host(url: str) -> str | None:
    """The host a browser would visit for ``url`` (an http(s) link the schema accepted):
    IDNA mapping, so ``。``, full-width dots and letters and upper case give the ASCII host;
    None when no browser could make a host of it."""
    rest = url.partition("://")[2]
    host = _HOST_END.split(rest, maxsplit=1)[0]
    try:
        return host.encode("idna").decode("ascii").lower().rstrip(".")
    except UnicodeError:
        return None


def check_website_url(doc: Document) -> list[Problem]:
    """A website's link leads to the filed domain or a subdomain of it: never another host,
    an IP address or a single-label name (``localhost``), whatever characters spell it."""
    data = doc.data
    url, domain = data.get("url"), data.get("account_id")
    if data.get("platform") != "website" or not isinstance(url, str) \
            or not isinstance(domain, str) or "://" not in url:
        return []
    filed = domain.strip().lower().removeprefix("www.")
    host = url_host(url)
    if host is None:
        reason = "浏览器无法把它识别为一个域名"
    elif re.fullmatch(r"[0-9.]+|\[.*\]", host):
        reason = "这是一个 IP 地址，不是域名"
    elif "." not in host:
        reason = "这是一个没有点的主机名（例如 localhost），不是公网域名"
    elif host.removeprefix("www.") == filed or host.endswith("." + filed):
        return []
    else:
        reason = f"它会打开 {host}，不是备案的域名 {domain}（或它的下级域名）"
    line, column = doc.position(("url",))
    return [problem("E-WEBSITE-URL", doc.path, line, column, reason=reason)]


# A live website's filing numbers (seeds 003, 004: 门户网站须完成定级、备案; 未完成安全定级及备案
# 的信息系统不得上线运行), each missing one a warning naming where a clerk finds it.
WEBSITE_NUMBERS = (("icp", "W-WEBSITE-ICP"), ("psb", "W-WEBSITE-PSB"),
                   ("mlps_level", "W-WEBSITE-MLPS-LEVEL"), ("mlps_filing", "W-WEBSITE-MLPS-FILING"))
# 等级测评: a system of this level or higher is assessed at least once a year (seed 003: 每年
# 至少进行一次检测评估); due on the same date a year after the last one (29 Feb: 28 Feb).
MLPS_YEARLY_FROM_LEVEL = 3


def mlps_assessment_lapse(level: Any, assessed_on: Any, today: date) -> str | None:
    """What is wrong with the yearly 等级测评 of a system of 等级保护 ``level`` as of ``today``
    (a clause of the catalogue's messages), or None: below level 3, assessed within a year, or
    a date the date rules report (not on the calendar)."""
    if not isinstance(level, int) or isinstance(level, bool) or level < MLPS_YEARLY_FROM_LEVEL:
        return None
    if assessed_on is None:
        return "备案中没有填写最近一次等级测评的日期（mlps_assessed_on）"
    last = _day(assessed_on)
    if last is None:
        return None
    due = add_months(last, 12)
    if today <= due:
        return None
    return f"最近一次测评是 {last.isoformat()}，已超过一年（应在 {due.isoformat()} 前再次测评）"


def check_website_filing(doc: Document, today: date) -> list[Problem]:
    """A live website (any status but deregistered) without one of its four numbers: a warning
    each, at the ``website`` key (at ``platform`` when the block is missing, which the schema
    reports too). Any filing's block, an app's or mini program's too: a level of 3 or more wants
    an assessment within the last year."""
    data = doc.data
    block = data.get("website")
    if block is not None and not isinstance(block, dict):
        return []  # the schema reports it
    site: dict[str, Any] = block or {}
    found: list[Problem] = []
    if data.get("platform") == "website" and data.get("status") != "deregistered":
        line, column = doc.key_position(("website",) if block is not None else ("platform",))
        found += [problem(code, doc.path, line, column)
                  for name, code in WEBSITE_NUMBERS if site.get(name) in (None, "")]
    lapse = mlps_assessment_lapse(site.get("mlps_level"), site.get("mlps_assessed_on"), today) \
        if data.get("status") != "deregistered" else None
    if lapse is not None:
        where = ("website", "mlps_assessed_on") if "mlps_assessed_on" in site \
            else ("website", "mlps_level")
        line, column = doc.position(where)
        found.append(problem("W-MLPS-ASSESSMENT", doc.path, line, column,
                             level=site["mlps_level"], lapse=lapse))
    return found
