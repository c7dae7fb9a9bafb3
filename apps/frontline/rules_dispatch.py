"""Pure rules of a dispatch (点将): term length, overlapping full-time dispatches, the state
machine, dates of arrival and departure, term-end reminders. Values in, verdicts out: no ORM, no
clock ("today" is passed in)."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from apps.core.dates import add_months
from apps.core.exceptions import DomainError
from apps.frontline.constants import DispatchKind, DispatchState, TermGrade

# Kinds whose term has a statutory minimum (FRONT-2: 第一书记和工作队员).
MINIMUM_TERM_KINDS = frozenset({DispatchKind.FIRST_SECRETARY, DispatchKind.WORK_TEAM})
# A cadre may report up to this many days before the planned start (e.g. a hand-over week).
EARLY_START_DAYS = 30


@dataclass(frozen=True)
class Problem:
    """A rule violation: the form field it concerns and a Chinese message naming the reason."""

    field: str
    message: str


def minimum_term_end(start: date, months: int) -> date:
    """The earliest planned end of a term of at least `months` months beginning on `start`
    (both days served): 2026-03-01 + 24 months → 2028-02-29; 2026-01-31 + 1 month → 2026-02-28;
    2028-02-29 + 12 months → 2029-02-28."""
    return add_months(start, months) - timedelta(days=1)


def check_term(*, kind: str, start: date, end: date, minimum_months: int) -> list[Problem]:
    """FRONT-2 第一书记任期: first secretaries and work-team members serve at least
    `minimum_months` (parameter `frontline.first_secretary_term_months`, default 24: the 2021
    《关于向重点乡村持续选派驻村第一书记和工作队的意见》 "任期一般为2年", UNVERIFIED; the 2015
    通知 allowed 1–3 years). Every kind: the term ends after it starts."""
    if end <= start:
        return [Problem("planned_end", "任期届满日期须晚于计划开始日期")]
    if kind in MINIMUM_TERM_KINDS:
        earliest = minimum_term_end(start, minimum_months)
        if end < earliest:
            label = DispatchKind(kind).label
            return [
                Problem(
                    "planned_end",
                    f"{label}任期不少于{minimum_months}个月，"
                    f"自{start:%Y-%m-%d}起任期届满日期不得早于{earliest:%Y-%m-%d}",
                )
            ]
    return []


@dataclass(frozen=True)
class HeldDispatch:
    """Another dispatch of the same cadre, as the overlap rule sees it."""

    pk: int
    state: str
    full_time: bool
    planned_start: date
    planned_end: date
    actual_start: date | None = None
    actual_end: date | None = None
    label: str = ""

    @property
    def start(self) -> date:
        return self.actual_start or self.planned_start

    @property
    def end(self) -> date:
        return self.actual_end or self.planned_end


def dispatch_period(
    *, planned_start: date, planned_end: date, actual_start: date | None, actual_end: date | None
) -> tuple[date, date]:
    """The days a dispatch occupies, both ends inclusive: from arrival (else the planned start) to
    departure (else the planned term end)."""
    return actual_start or planned_start, actual_end or planned_end


def find_overlap(
    *, start: date, end: date, full_time: bool, others: Iterable[HeldDispatch]
) -> HeldDispatch | None:
    """The first other full-time dispatch whose period shares a day with start..end (both ends
    inclusive, so a term starting the day another ends overlaps it). A part-time dispatch never
    clashes; cancelled dispatches are ignored; returned or recalled ones count for the days
    actually served.

    Source: 2015《关于做好选派机关优秀干部到村任第一书记工作的通知》— 第一书记 serve full time
    (脱产) and keep no post elsewhere, so one person holds one full-time dispatch at a time."""
    if not full_time:
        return None
    for other in others:
        if not other.full_time or other.state == DispatchState.CANCELLED:
            continue
        if other.start <= end and start <= other.end:
            return other
    return None


# The state machine: state → {action: new state}. `assess` records the term-end assessment and
# keeps the state.
ALLOWED: dict[str, dict[str, str]] = {
    DispatchState.PLANNED: {"approve": DispatchState.APPROVED, "cancel": DispatchState.CANCELLED},
    DispatchState.APPROVED: {"start": DispatchState.IN_POST, "cancel": DispatchState.CANCELLED},
    DispatchState.IN_POST: {
        "extend": DispatchState.EXTENDED,
        "return": DispatchState.RETURNED,
        "recall": DispatchState.RECALLED,
        "assess": DispatchState.IN_POST,
    },
    DispatchState.EXTENDED: {
        "extend": DispatchState.EXTENDED,
        "return": DispatchState.RETURNED,
        "recall": DispatchState.RECALLED,
        "assess": DispatchState.EXTENDED,
    },
    DispatchState.RETURNED: {"assess": DispatchState.RETURNED},
    DispatchState.RECALLED: {},
    DispatchState.CANCELLED: {},
}
ACTION_LABELS = {
    "approve": "审批",
    "start": "到岗",
    "extend": "延期",
    "return": "期满返回",
    "recall": "召回",
    "cancel": "撤销",
    "assess": "期满考核",
}


def available_actions(state: str) -> list[str]:
    """The actions open in `state`, in the order the page shows them."""
    allowed = ALLOWED.get(state, {})
    return [action for action in ACTION_LABELS if action in allowed]


def next_state(state: str, action: str) -> str:
    """The state after `action`; a DomainError (code "illegal_transition") names why not."""
    target = ALLOWED.get(state, {}).get(action)
    if target is None:
        label = DispatchState(state).label if state in DispatchState.values else state
        verb = ACTION_LABELS.get(action, action)
        raise DomainError(f"当前状态为“{label}”，不能执行“{verb}”", code="illegal_transition")
    return target


def check_actual_start(*, actual_start: date, planned_start: date, today: date) -> list[Problem]:
    """到岗: not more than EARLY_START_DAYS before the planned start, and not in the future."""
    earliest = planned_start - timedelta(days=EARLY_START_DAYS)
    if actual_start < earliest:
        message = (
            f"实际到岗日期不能早于计划开始日期{EARLY_START_DAYS}天以上（最早{earliest:%Y-%m-%d}）"
        )
        return [Problem("actual_start", message)]
    if actual_start > today:
        return [Problem("actual_start", "实际到岗日期不能晚于今天")]
    return []


def check_actual_end(*, actual_end: date, actual_start: date | None, today: date) -> list[Problem]:
    """离岗 (返回/召回): on or after the arrival, and not in the future."""
    if actual_start is not None and actual_end < actual_start:
        return [
            Problem("actual_end", f"实际离岗日期不能早于实际到岗日期（{actual_start:%Y-%m-%d}）")
        ]
    if actual_end > today:
        return [Problem("actual_end", "实际离岗日期不能晚于今天")]
    return []


def check_extension(*, new_planned_end: date, planned_end: date) -> list[Problem]:
    """延期: the new term end lies after the current one."""
    if new_planned_end <= planned_end:
        return [
            Problem(
                "new_planned_end",
                f"延期后的任期届满日期须晚于原届满日期（{planned_end:%Y-%m-%d}）",
            )
        ]
    return []


def check_assessment(
    *, grade: str, assessed_on: date, actual_start: date | None, today: date
) -> list[Problem]:
    """期满考核: a known grade, dated after arrival and not in the future."""
    problems = []
    if grade not in TermGrade.values:
        problems.append(Problem("grade", "请选择考核等次"))
    if assessed_on > today:
        problems.append(Problem("assessed_on", "考核日期不能晚于今天"))
    elif actual_start is not None and assessed_on < actual_start:
        problems.append(
            Problem("assessed_on", f"考核日期不能早于实际到岗日期（{actual_start:%Y-%m-%d}）")
        )
    return problems


def term_ends_within(planned_end: date, today: date, days: int) -> bool:
    """Whether a serving cadre's term ends within `days` days from `today` (today and the last
    window day included). Terms already past their end also count: they need action (return or
    extension) even more urgently."""
    return planned_end <= today + timedelta(days=days)


def days_left(planned_end: date, today: date) -> int:
    """Days until the term end (negative once overdue)."""
    return (planned_end - today).days


def reminder_text(days_left: int) -> str:
    """The words of a term-end reminder (pages never rely on colour alone)."""
    return f"已超期{-days_left}天" if days_left < 0 else f"即将期满（剩{days_left}天）"
