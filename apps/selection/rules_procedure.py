"""Pure rules of the procedure after a decision: 任前公示 (SEL-42-1, 职级 SEL-20-1) and 任职试用期
(SEL-43-1). Plain values in, plain values out; "today" is always passed in."""

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from apps.core.dates import add_months
from apps.selection.constants import ProbationOutcome, PromotionKind, PublicityOutcome
from apps.units.constants import Tier, UnitKind, tier_is_principal

# 厅局级以下: every tier below 省部级.
PROVINCE_TIERS = frozenset({Tier.PROVINCE_PRINCIPAL, Tier.PROVINCE_DEPUTY})
# 工作部门 and 事业单位: their leaders are appointed by the 党委 (or the 政府 it proposes to), not
# elected and not decided by the 人大.
APPOINTED_UNIT_KINDS = frozenset({UnitKind.DEPARTMENT, UnitKind.INSTITUTION})
# Reminder of a notice about to end: within this many working days (dashboard).
PUBLICITY_REMINDER_WORKING_DAYS = 2


@dataclass(frozen=True)
class Problem:
    """A refusal: the form field it belongs to and the Chinese message."""

    field: str
    message: str


# --- 任前公示 ---------------------------------------------------------------------------------


def publicity_days_problem(working_days: int, minimum: int, *, rank: bool) -> Problem | None:
    """SEL-42-1 (干部任用条例 第四十二条): 公示期不少于5个工作日; SEL-20-1 (并行规定 第二十条)
    the same for 职级晋升. `minimum` is the parameter in force on the start date."""
    if working_days >= minimum:
        return None
    rule = "SEL-20-1" if rank else "SEL-42-1"
    return Problem("working_days", f"公示期不少于{minimum}个工作日（{rule}）")


def publicity_start_problems(
    *, start: date, decision_date: date, exceptional: bool, exceptional_reason: str
) -> list[Problem]:
    """SEL-42-1: the notice follows the 党委（党组）decision, and a 破格 promotion's notice states
    the specific circumstances and reasons (涉及破格提拔的，还应说明破格的具体情形和理由)."""
    problems = []
    if start < decision_date:
        problems.append(
            Problem(
                "start_date",
                f"公示须在党委（党组）讨论决定（{decision_date:%Y-%m-%d}）后进行（SEL-42-1）",
            )
        )
    if exceptional and not exceptional_reason.strip():
        problems.append(
            Problem("exceptional_reason", "破格提拔的，公示须说明破格的具体情形和理由（SEL-42-1）")
        )
    return problems


def publicity_close_problems(
    *,
    end_date: date,
    closed_on: date,
    today: date,
    outcome: str,
    feedback_count: int,
    feedback_summary: str,
) -> list[Problem]:
    """Recording the notice's result.

    The notice runs through its last working day (`end_date`), so its result is recorded on that
    day at the earliest — once the day's feedback is in — never while working days of the notice
    remain; and never in the future. A reported concern needs the 核查 conclusion; "无异议" with
    reports received is contradictory (choose whether they affect the appointment)."""
    problems = []
    if closed_on < end_date:
        problems.append(
            Problem(
                "closed_on",
                f"公示期至{end_date:%Y年%m月%d日}，期满（当日或之后）方可登记公示结果",
            )
        )
    if closed_on > today:
        problems.append(Problem("closed_on", "办结日期不能晚于今天"))
    if outcome not in PublicityOutcome.values or outcome == PublicityOutcome.PENDING:
        problems.append(Problem("outcome", "请选择公示结果"))
    elif outcome == PublicityOutcome.NO_OBJECTION and feedback_count > 0:
        problems.append(Problem("outcome", "收到反映的，请选择核查结论（不影响任职或影响任职）"))
    elif outcome != PublicityOutcome.NO_OBJECTION:
        if feedback_count < 1:
            problems.append(Problem("feedback_count", "有反映的，请填写收到反映的件数"))
        if not feedback_summary.strip():
            problems.append(Problem("feedback_summary", "请填写反映情况及核查结论"))
    return problems


def withdraws_promotion(outcome: str) -> bool:
    """公示结果影响任职的，不办理任职手续 (SEL-42-1): the planned promotion is withdrawn."""
    return outcome == PublicityOutcome.OBJECTION_UPHELD


# --- 试用期 -----------------------------------------------------------------------------------


def probation_applies(kind: str, target_tier: str, unit_kind: str) -> bool:
    """SEL-43-1 (干部任用条例 第四十三条): 提拔担任下列非选举产生的厅局级以下领导职务的，试用期
    为1年：(1) 党委、人大常委会、政府、政协工作部门副职和内设机构领导职务；(2) 纪委(监委)内设机构
    领导职务；(3) 法院、检察院内设机构非国家权力机关依法任命的领导职务。

    Our reading from the unit kinds we hold (derived, documented): only a 提拔 (kind "promote")
    to a tier below 省部级; then the post is probationary
    - in a department or an institution (工作部门 and their 内设机构/事业单位: appointed, not
      elected), at any tier;
    - as a deputy (副职) in any unit;
    but not for a principal post of a party committee or government (书记、县长、乡镇长…),
    which is elected (党代会、人大) or decided by the 人大, nor for a principal post of a
    state-owned enterprise, which the article does not list. 进一步使用, 交流 and 职级晋升 are not
    提拔 to a 领导职务 and carry no probation.
    """
    if kind != PromotionKind.PROMOTE or not target_tier or target_tier in PROVINCE_TIERS:
        return False
    return unit_kind in APPOINTED_UNIT_KINDS or not tier_is_principal(target_tier)


def probation_end(start: date, months: int) -> date:
    """The last day of a probation of `months` months beginning on `start` (start day served):
    2025-12-01 + 12 months ends 2026-11-30; 2024-02-29 + 12 months ends 2025-02-28."""
    return add_months(start, months) - timedelta(days=1)


def probation_assessable_from(end: date, reminder_days: int) -> date:
    """The 试用期满考核 may be recorded from `reminder_days` before the end on (the reminder
    window, parameter selection.probation_reminder_days)."""
    return end - timedelta(days=reminder_days)


class DueState(StrEnum):
    RUNNING = "running"
    DUE = "due"
    OVERDUE = "overdue"
    DONE = "done"


DUE_LABELS = {
    DueState.RUNNING: "试用中",
    DueState.DUE: "即将期满",
    DueState.OVERDUE: "已期满未考核",
    DueState.DONE: "已考核",
}


def probation_due_state(*, end: date, outcome: str, today: date, reminder_days: int) -> DueState:
    """Where a probation stands for the reminder: due within `reminder_days` of its end,
    overdue after its last day without an assessment."""
    if outcome != ProbationOutcome.PENDING:
        return DueState.DONE
    if today > end:
        return DueState.OVERDUE
    if today >= probation_assessable_from(end, reminder_days):
        return DueState.DUE
    return DueState.RUNNING


def probation_assess_problems(
    *,
    end: date,
    assessed_on: date,
    today: date,
    reminder_days: int,
    outcome: str,
    note: str,
) -> list[Problem]:
    """SEL-43-1: 试用期满经考核胜任的正式任职；不胜任的免去试任职务. The assessment is recorded
    from the reminder window on (not earlier), never in the future; a 不胜任 conclusion states
    the assessment."""
    problems = []
    opens = probation_assessable_from(end, reminder_days)
    if assessed_on < opens:
        problems.append(
            Problem(
                "assessed_on",
                f"试用期至{end:%Y年%m月%d日}，最早可于{opens:%Y年%m月%d日}（期满前"
                f"{reminder_days}天）起考核",
            )
        )
    if assessed_on > today:
        problems.append(Problem("assessed_on", "考核日期不能晚于今天"))
    if outcome not in (ProbationOutcome.CONFIRMED, ProbationOutcome.REVERTED):
        problems.append(Problem("outcome", "请选择考核结论"))
    elif outcome == ProbationOutcome.REVERTED and not note.strip():
        problems.append(Problem("note", "不胜任的，请填写考核情况"))
    return problems
