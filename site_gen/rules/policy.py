"""Policy warnings from the notices: reported to the filer, but they do not fail."""

from __future__ import annotations

import calendar
import heapq
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Generic, TypeVar

from ..catalogue import Problem, problem
from ..identity import account_key, folded_name_of, name_key
from ..labels import PLATFORMS
from ..loader import Document
from ..model import AccountFacts, Action, Facts, within
from ..workdays import uncovered_years, working_days_after

# Every deadline and threshold of the notices, in one place (the catalogue's templates and
# docs/audit.md name them; nothing else repeats them).
FILING_DEADLINE_WORKING_DAYS = 5  # seed 001, 第四条（一）
ENTRY_GAP_DAYS = 7  # a typed 备案日期 this many days before the filing reached the registry
COUNTERFEIT_OPEN_DAYS = 30  # a reported counterfeit still not dealt with (seed 002 举证…研判处置)
LOOKALIKE_MIN = 4  # shorter names (一中, 二中…) are too alike to mean anything
# Platforms with no follower count: a website, an app or a mini program is not followed.
NO_FOLLOWERS = frozenset({"website", "app", "mini_program"})

# A record of a filing: a full ``Account`` for the audit, an index record in a pull request.
T = TypeVar("T", bound=AccountFacts)


@dataclass(frozen=True)
class ZombieStage:
    """A step of seed 001's ladder (第五条（四）): 超过2个月未更新, a rectification notice;
    收到整改通知1个月后仍未更新, a public notice; 公开通报后1个月, shutdown. ``months`` is how
    many calendar months after the previous step's *recorded* action (for the first, after
    the last post) it begins. ``kinds`` are the recorded actions (``_actions.yaml``) that do
    this step. ``due`` says what to do when none is recorded, ``done`` what was done and
    what comes next; both take {unit}, {name}, {platform}, {since}, {days}, {begins} (the
    day the step began), {issued}, {number} and {order} (of the recorded action: 暂停令 or
    关停令) and {deadline} (the day the next step begins)."""

    months: int
    name: str
    kinds: tuple[str, ...]
    due: str
    done: str


ZOMBIE_STAGES = (
    ZombieStage(2, "整改通知", ("rectification_notice",),
                "整改通知应于 {begins} 发出，尚无记录。请以主管部门名义向{unit}发出整改通知，要求在收到通知后 "
                "1 个月内恢复更新并在备案中更新最近发布日期（last_post_on），不再使用的停用后申请注销；"
                "发出后在本单位的 _actions.yaml 中记录（kind: rectification_notice，写明文号和日期），"
                "审计据此计算公开通报的日期（site-gen notices 可生成整改通知书）。",
                "已于 {issued} 发出整改通知（{number}）。{unit}应在 {deadline} 前恢复更新；"
                "逾期仍未更新的，将予以公开通报。"),
    ZombieStage(1, "公开通报", ("public_notice",),
                "整改通知（{number}，{issued}）发出已满 1 个月仍未更新，公开通报应于 {begins} 发出，尚无记录。"
                "通报可写：“{unit}开设的{platform}“{name}”自 {since} 起已 {days} 天未更新，"
                "经整改通知后仍未整改，现予通报，请于通报后 1 个月内完成整改，逾期将予以关停。”"
                "通报后在 _actions.yaml 中记录（kind: public_notice，写明日期和发布位置）；"
                "登记库可在门户公布已记录的通报（根单位设置 public_notices: true）。",
                "已于 {issued} 公开通报（{number}）。{unit}应在 {deadline} 前完成整改，逾期将予以关停。"),
    ZombieStage(1, "关停", ("shutdown_order", "suspension_order"),
                "公开通报（{issued}）后已满 1 个月仍未更新，关停应于 {begins} 执行，尚无关停令记录。"
                "请责令{unit}关停该账号，或由主管部门会同技术部门关停，在 _actions.yaml 中记录"
                "（kind: shutdown_order 或 suspension_order）；关停后在备案中改为注销"
                "（status: deregistered，填写注销日期和原因）或暂停使用（status: suspended）。"
                "备案文件保留，门户显示为已注销或暂停使用。",
                "已于 {issued} 下达{order}（{number}），账号仍为在用（见“暂停或关停令未执行”）。"),
)
PUBLIC_STAGES = ("公开通报", "关停")


def add_months(day: date, months: int) -> date:
    """The same day ``months`` calendar months later; past the end of a shorter month, its
    last day (2026-08-31 + 2 → 2026-10-31; 2026-12-31 + 2 → 2027-02-28)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(year=year, month=month,
                       day=min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class LadderStep:
    """Where a zombie account stands on ``today``: its step, the day that step began (was
    due), the recorded action that did it (None: due, not recorded), the recorded action
    of the step before (what this one counts from), and the day the next step begins
    (None at the last step, or while this step's action is not recorded: nothing to count
    from)."""

    stage: ZombieStage
    begins: date
    done: Action | None
    previous: Action | None
    next_begins: date | None


def zombie_step(last_post: date, today: date,
                actions: Iterable[Action] = ()) -> LadderStep | None:
    """The ladder's step on ``today`` for an account last updated on ``last_post``, counted
    from the bureau's *recorded* actions (seed 001: 收到整改通知1个月后…; 公开通报后1个月…).
    超过2个月: the 整改通知 step begins the day after the day two calendar months after the
    last post (last post 2026-08-31: 2026-11-01). Each later step begins one calendar month
    after the previous step's action was issued, and only once it is recorded: a notice never
    sent holds the ladder where it is, and the finding says it is due. Actions issued after
    ``today`` or not after the last post (an earlier episode) do not count."""
    begins = add_months(last_post, ZOMBIE_STAGES[0].months) + timedelta(days=1)
    if today < begins:
        return None
    lp, day = last_post.isoformat(), today.isoformat()
    recorded = sorted((a for a in actions if lp < a.issued_on <= day),
                      key=lambda a: (a.issued_on, a.file, a.index))
    previous: Action | None = None
    for index, stage in enumerate(ZOMBIE_STAGES):
        done = next((a for a in recorded if a.kind in stage.kinds
                     and (previous is None or a.issued_on >= previous.issued_on)), None)
        last = index + 1 == len(ZOMBIE_STAGES)
        if done is None:
            return LadderStep(stage, begins, None, previous, None)
        following = None if last else add_months(date.fromisoformat(done.issued_on),
                                                 ZOMBIE_STAGES[index + 1].months)
        if following is None or today < following:
            return LadderStep(stage, begins, done, previous, following)
        previous, begins = done, following
    raise AssertionError("unreachable: the last step returns")


def annual_review_due(last: date) -> date:
    """The day by which the next 年审 is due: a year after the last (seed 001)."""
    try:
        return last.replace(year=last.year + 1)
    except ValueError:  # 29 February
        return last.replace(year=last.year + 1, day=28)


def exempt_from_filing(registry: Facts[AccountFacts], account: AccountFacts) -> bool:
    """Opened before the unit's ``filing_required_since`` (the nearest unit up the tree that
    sets it): filed when the registry began, never late."""
    since = next((u.filing_required_since for u in registry.ancestors(account.unit)
                  if u.filing_required_since), None)
    return since is not None and account.opened_on < since


def calendar_gaps(registry: Facts[AccountFacts], account: AccountFacts) -> list[int]:
    """The years between opening and filing whose holidays the calendar does not know
    (``workdays.uncovered_years``): the late-filing count there is by weekends only."""
    if exempt_from_filing(registry, account):
        return []
    return uncovered_years(date.fromisoformat(account.opened_on),
                           date.fromisoformat(account.filed_on))


def late_filing_days(registry: Facts[AccountFacts], account: AccountFacts) -> int | None:
    """Working days from opening to filing when that is over the deadline, else None.

    Accounts opened before the unit's ``filing_required_since`` (the nearest unit up
    the tree that sets it) were filed when the registry began: they are not late.
    """
    if exempt_from_filing(registry, account):
        return None
    days = working_days_after(date.fromisoformat(account.opened_on),
                              date.fromisoformat(account.filed_on))
    return days if days > FILING_DEADLINE_WORKING_DAYS else None


def check_late_filing(registry: Facts[AccountFacts], docs: Mapping[str, Document],
                changed: Collection[str] = ()) -> list[Problem]:
    found = []
    for account in registry.accounts:
        if changed and account.file not in changed:
            continue  # about one file only: only the files under review
        days = late_filing_days(registry, account)
        line, column = docs[account.file].position(("filed_on",))
        if days is not None:
            found.append(problem("W-LATE-FILING", account.file, line, column,
                                 opened_on=account.opened_on, filed_on=account.filed_on,
                                 days=days))
        gaps = calendar_gaps(registry, account)
        if gaps:
            found.append(problem("W-CALENDAR-YEAR", account.file, line, column,
                                 opened_on=account.opened_on, filed_on=account.filed_on,
                                 years="、".join(map(str, gaps))))
    return found


def duplicate_platform_groups(registry: Facts[T],
                              changed: Collection[str] = ()) -> list[list[T]]:
    """Groups of more than one active account of one unit on one platform (seed 002 集约);
    with ``changed``, only the groups of those files.

    Personal accounts in an official capacity and the catch-all platform ``other``
    are not counted: they are not the unit's own account on one platform.
    """
    wanted = {(a.unit, a.platform) for a in registry.accounts if a.file in changed}
    groups: dict[tuple[str, str], list[T]] = defaultdict(list)
    for account in registry.accounts:
        if account.live and not account.personal_capacity and account.platform != "other":
            place = (account.unit, account.platform)
            if not changed or place in wanted:
                groups[place].append(account)
    # A second filing of the same account is E-UNIQUE-ACCOUNT, not a second account.
    return [sorted(group, key=lambda a: a.file) for _, group in sorted(groups.items())
            if len({account_key(a.platform, a.account_id) for a in group}) > 1]


def check_duplicate_platform(registry: Facts[AccountFacts], docs: Mapping[str, Document],
                changed: Collection[str] = ()) -> list[Problem]:
    found = []
    for group in duplicate_platform_groups(registry, changed):
        for account in group:
            others = "、".join(f"“{a.name}”" for a in group if a is not account)
            line, column = docs[account.file].position(("platform",))
            found.append(problem("W-DUPLICATE-PLATFORM", account.file, line, column,
                                 platform_label=PLATFORMS[account.platform],
                                 count=len(group), others=others))
    return found


def check_certified_subject(registry: Facts[AccountFacts], docs: Mapping[str, Document],
                changed: Collection[str] = ()) -> list[Problem]:
    """The certified subject should be the unit itself or a unit above it (a college's
    account is often certified in the university's name)."""
    found = []
    for account in registry.accounts:
        if changed and account.file not in changed:
            continue
        subject = account.certified_subject
        if subject is None:
            continue
        names = {unit.name for unit in registry.ancestors(account.unit)}
        if subject not in names:
            line, column = docs[account.file].position(("certified_subject",))
            found.append(problem("W-SUBJECT-MISMATCH", account.file, line, column,
                                 subject=subject, unit=registry.units[account.unit].name))
    return found


@dataclass(frozen=True)
class Lookalike(Generic[T]):
    """``account``'s name imitates ``other`` (a name of another unit or of its account)."""

    account: T
    other: str  # the imitated name, as written
    other_unit: str  # the unit whose name or account it is
    how: str  # 与…相同 (equal after folding), 包含, or 只差一个字于


def _deletions(name: str) -> set[str]:
    return {name[:i] + name[i + 1:] for i in range(len(name))}


def _in_order(buckets: Iterable[Iterable[str]]) -> Iterator[str]:
    """Each bucket's names in text order, popped from a heap: a caller that stops at the
    first usable name does not pay for sorting hundreds of neighbours."""
    for bucket in buckets:
        heap = list(bucket)
        heapq.heapify(heap)
        while heap:
            yield heapq.heappop(heap)


def lookalikes(registry: Facts[T], accounts: Iterable[T], changed: Collection[str] = (),
               equal_only: bool = False) -> Iterator[Lookalike[T]]:
    """Active accounts whose folded name equals, is one edit from, or contains the name of
    another unit or of another unit's account (``equal_only``: equals). Units on one line of
    the tree (a school and its department) are not each other's imitators. The *copy* is
    blamed, never the original: an account imitates a unit's name, or an account that was
    filed before it (or, in a pull request, one that the pull request does not change)."""
    # Filed on the same day, neither is the copy: both are reported.
    Rank = tuple[bool, str]
    # A pull request's equal-name check needs only the owners of its own files' names.
    only = {folded_name_of(a) for a in accounts if a.live} if equal_only and changed else None
    owners: dict[str, list[tuple[str, Rank]]] = defaultdict(list)  # folded -> (unit, rank)
    shown: dict[str, str] = {}
    for unit in registry.units.values():
        folded = name_key(unit.name)
        if only is None or folded in only:
            owners[folded].append((unit.path, (False, "")))
            shown.setdefault(folded, unit.name)

    def rank(a: AccountFacts) -> Rank:
        return (a.file in changed, a.filed_on)

    folded_of: dict[str, str] = {}
    for a in registry.accounts:
        if a.live:
            folded = folded_name_of(a)
            if only is None or folded in only:
                folded_of[a.file] = folded
                owners[folded].append((a.unit, rank(a)))
                shown.setdefault(folded, a.name)
    unit_chars = {} if equal_only else {
        path: set(name_key(unit.name)) for path, unit in registry.units.items()}
    # Names one character longer than a key, by the key they give when one character is
    # deleted: insertions and substitutions are looked up, never found by comparing pairs.
    longer: dict[str, set[str]] = defaultdict(set)
    for folded in () if equal_only else owners:
        if len(folded) >= LOOKALIKE_MIN:
            for key in _deletions(folded):
                longer[key].add(folded)

    def own_difference(mine: str, theirs: str, mine_unit: str, their_unit: str) -> bool:
        """东城教育 and 西城教育: the one differing character is each unit's own (东城区、
        西城区), so the names tell the units apart rather than imitate each other."""
        if len(mine) != len(theirs):
            return False
        diff = [(x, y) for x, y in zip(mine, theirs, strict=True) if x != y]
        return len(diff) == 1 and diff[0][0] in unit_chars[mine_unit] \
            and diff[0][1] in unit_chars[their_unit]

    def candidates(folded: str) -> Iterator[str]:
        """The names ``folded`` may imitate: the equal name first, then the longest, each
        length in text order (one character more; one different; one fewer or contained)."""
        if folded in owners:
            yield folded
        if equal_only:
            return
        deletions = _deletions(folded)
        inside: dict[int, set[str]] = defaultdict(set)
        for i in range(len(folded)):
            for j in range(i + LOOKALIKE_MIN, len(folded) + (i > 0)):
                if folded[i:j] in owners:
                    inside[j - i].add(folded[i:j])
        different = set().union(*(longer.get(key, ()) for key in deletions))
        different.discard(folded)
        fewer = deletions & owners.keys() if len(folded) > LOOKALIKE_MIN else set()
        yield from _in_order([longer.get(folded, ()), different, fewer | inside[len(folded) - 1],
                              *(inside[n] for n in range(len(folded) - 2, LOOKALIKE_MIN - 1, -1))])

    for account in accounts:
        if not account.live:
            continue
        folded = folded_of.get(account.file) or folded_name_of(account)
        if len(folded) < LOOKALIKE_MIN:
            continue
        mine = rank(account)
        # The longest match first (an equal name before all); one per account keeps lists usable.
        for other in candidates(folded):
            foreign = sorted(unit for unit, theirs in owners[other]
                             if theirs <= mine and not within(unit, account.unit)
                             and not within(account.unit, unit)
                             and not own_difference(folded, other, account.unit, unit))
            if foreign:
                how = "与{}相同" if other == folded else ("包含{}" if other in folded
                                                        else "只差一个字于{}")
                yield Lookalike(account, shown[other], foreign[0], how)
                break


def check_lookalike_names(registry: Facts[AccountFacts], docs: Mapping[str, Document],
                          changed: Collection[str] = ()) -> list[Problem]:
    """A name equal after folding to another unit's (or its account's) name. Names one
    character apart or containing another are common between real schools (阳光小学,
    东城阳光小学), so those are left to the audit's lower-severity ``lookalike_name``."""
    found = []
    # Files under review rank after every other filing: only they can be the copy.
    chosen = [a for a in registry.accounts if a.file in changed] if changed else registry.accounts
    for match in lookalikes(registry, chosen, changed, equal_only=True):
        account = match.account
        line, column = docs[account.file].position(("name",))
        found.append(problem(
            "W-LOOKALIKE-NAME", account.file, line, column, name=account.name,
            how=match.how.format(f"“{match.other}”"),
            unit=registry.units[match.other_unit].name))
    return found
