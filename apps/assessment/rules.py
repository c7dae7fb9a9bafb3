"""Pure rules of routine (平时) and annual (年度) assessment: values in, a verdict out (no ORM, no
clock, no IO). Each function names its rules.md id (section D) and legal source.

Grades are the plain values of `constants.AnnualGrade` / `RoutineGrade` ("excellent", …); the
constants module is not imported so that these rules stay free of Django.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

EXCELLENT = "excellent"
COMPETENT = "competent"
BASICALLY_COMPETENT = "basically_competent"
INCOMPETENT = "incompetent"
NOT_GRADED = "not_graded"
ANNUAL_GRADES = (EXCELLENT, COMPETENT, BASICALLY_COMPETENT, INCOMPETENT, NOT_GRADED)
ANNUAL_LABELS = {
    EXCELLENT: "优秀",
    COMPETENT: "称职",
    BASICALLY_COMPETENT: "基本称职",
    INCOMPETENT: "不称职",
    NOT_GRADED: "不定等次",
}

CAP_NO_EXCELLENT = "no_excellent"
CAP_NOT_GRADED = "not_graded"

COMMENDATION = "commendation"
MERIT_THIRD = "merit_third"
MERIT_RUN = 3  # ASM-19-1: 连续三年确定为优秀等次的，记三等功


@dataclass(frozen=True)
class Decision:
    """A rule's verdict: `message` is shown to the user, `basis` goes into the audit entry."""

    allowed: bool
    code: str = ""
    message: str = ""
    basis: str = ""


ALLOWED = Decision(True)


# --- ASM-QUOTA-1: the 优秀 quota of a unit ----------------------------------------------------


def excellent_quota(participants: int, percent: int, small_unit_min: int = 0) -> int:
    """How many cadres of a unit may be graded 优秀 (ASM-QUOTA-1).

    Source: 《公务员考核规定》(2020): 优秀等次人数一般掌握在参加年度考核人数的20%以内 (figure
    UNVERIFIED, hence the parameter `percent`). Rounding: FLOOR, computed in integers
    (participants × percent // 100) so that 21 × 20% = 4.2 gives 4 and never 5 through a float
    such as 4.2000000001 — the cap is a ceiling that may never be exceeded.

    Small units: where the share gives less than one (1–4 people at 20%), the local policy
    `small_unit_min` (0 or 1, LOCAL) is the quota; a unit with no participants gets 0.
    """
    if participants <= 0 or percent <= 0:
        return 0
    quota = participants * percent // 100
    if quota == 0:
        return max(small_unit_min, 0)
    return quota


def quota_problems(grades: Iterable[str], quota: int) -> list[str]:
    """Why a unit's grades break the 优秀 quota (ASM-QUOTA-1); empty when they do not."""
    used = sum(1 for grade in grades if grade == EXCELLENT)
    if used > quota:
        return [f"优秀等次 {used} 人，超过名额 {quota} 人"]
    return []


def quota_status(used: int, quota: int) -> str:
    """The live counter's text, e.g. "优秀 3/4，剩余 1 名" (or "超出 1 名")."""
    if used > quota:
        return f"优秀 {used}/{quota}，超出 {used - quota} 名"
    return f"优秀 {used}/{quota}，剩余 {quota - used} 名"


# --- ASM-DIS-1: the grade a sanctioned cadre may get -----------------------------------------

CAP_NOTES = {
    CAP_NO_EXCELLENT: "受警告处分当年，不得确定为优秀（ASM-DIS-1）",
    CAP_NOT_GRADED: "处分期间参加年度考核，只写评语、不定等次（ASM-DIS-1）",
}


def cap_note(cap: str | None) -> str:
    """The note shown beside (and stored on) a capped row; empty without a cap."""
    return CAP_NOTES.get(cap or "", "")


def grade_allowed(grade: str, cap: str | None, *, comment: str = "") -> Decision:
    """Whether `grade` may be given under the sanction cap `cap` (ASM-DIS-1).

    Source: 2007《公务员考核规定（试行）》第二十五条 (VERIFIED-OLD): 受警告处分的当年不得确定
    为优秀等次; 受记过、记大过、降级、撤职处分期间只写评语，不定等次. The cap comes from the
    tolerance pillar (`assessment_caps`). A blank grade (not entered yet) is always allowed here;
    completeness is checked on submission. 不定等次 always needs a comment: it is the written
    assessment the cadre receives instead of a grade (and says why, e.g. 试用期).
    """
    if grade and grade not in ANNUAL_GRADES:
        return Decision(False, "unknown_grade", "等次无效", "ASM-38-1")
    if cap == CAP_NO_EXCELLENT and grade == EXCELLENT:
        return Decision(
            False, "cap_no_excellent", "受警告处分当年不得确定为优秀（ASM-DIS-1）", "ASM-DIS-1"
        )
    if cap == CAP_NOT_GRADED and grade and grade != NOT_GRADED:
        message = "处分期间参加年度考核只写评语、不定等次（ASM-DIS-1）"
        return Decision(False, "cap_not_graded", message, "ASM-DIS-1")
    if grade == NOT_GRADED and not comment.strip():
        return Decision(False, "comment_required", "不定等次须填写评语", "ASM-DIS-1")
    return ALLOWED


# --- ASM-21-1, ASM-22-1, 公务员法第八十八条: what a grade requires someone to do ----------------


def consequences(grade: str, previous_grades: Sequence[str]) -> list[tuple[str, str]]:
    """Follow-up flags (rule id, what to do) an annual grade brings.

    `previous_grades` are the grades of the years before, oldest first, one entry per year and
    the last one for the year immediately before ("" for a year without a result, which breaks
    a run).

    - 基本称职 → 诫勉，责令作出书面检查，限期改进 (ASM-21-1, 考核规定 2020 第二十一条);
    - 不称职 → 降低一个职务或者职级层次任职 (ASM-22-1, 考核规定 2020 第二十二条, memory;
      并行规定 第二十二条);
    - 不称职 two years running → 辞退 (公务员法 第八十八条第（一）项, VERIFIED).
    """
    flags: list[tuple[str, str]] = []
    if grade == BASICALLY_COMPETENT:
        flags.append(("ASM-21-1", "基本称职：对其进行诫勉，责令作出书面检查，限期改进"))
    if grade == INCOMPETENT:
        flags.append(("ASM-22-1", "不称职：降低一个职务或者职级层次任职"))
        if previous_grades and previous_grades[-1] == INCOMPETENT:
            flags.append(
                ("GWYF-88-1", "连续两年年度考核不称职：予以辞退（公务员法第八十八条第一项）")
            )
    return flags


# --- ASM-19-1: awards that follow from 优秀 ---------------------------------------------------


@dataclass(frozen=True)
class AwardKey:
    """An award for a run of years: 嘉奖 for one year (first = last), 记三等功 for three."""

    kind: str
    first_year: int
    last_year: int


def _runs(years: Iterable[int]) -> list[list[int]]:
    """Maximal runs of consecutive years, ascending."""
    runs: list[list[int]] = []
    for year in sorted(set(years)):
        if runs and runs[-1][-1] == year - 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return runs


def award_proposals(
    grades_by_year: Mapping[int, str], existing: Iterable[AwardKey]
) -> list[AwardKey]:
    """Awards the grades earn that `existing` does not hold yet (ASM-19-1).

    Source: 《公务员考核规定》(2020) 第十九条 (VERIFIED): 优秀 → 当年给予嘉奖; 连续三年确定为
    优秀等次的 → 记三等功.

    - 嘉奖: one per 优秀 year.
    - 记三等功: one per non-overlapping run of three consecutive 优秀 years. A longer run is cut
      into threes from its start, greedily: 2021–2023 → one; 2021–2024 or 2021–2025 → one
      (2021–23); 2021–2026 → two (2021–23, 2024–26). Years already inside an existing 记三等功
      (proposed, confirmed or declined — a decision is never made twice) are used up, so a
      re-run, a reopened sheet or a year graded late never gives the same years a second merit.
    """
    held = list(existing)
    excellent = [year for year, grade in grades_by_year.items() if grade == EXCELLENT]
    commended = {k.last_year for k in held if k.kind == COMMENDATION}
    proposals = [AwardKey(COMMENDATION, y, y) for y in sorted(excellent) if y not in commended]
    covered = {
        year for k in held if k.kind == MERIT_THIRD for year in range(k.first_year, k.last_year + 1)
    }
    for run in _runs(excellent):
        chunk: list[int] = []
        for year in run:
            if year in covered:
                chunk = []
                continue
            chunk.append(year)
            if len(chunk) == MERIT_RUN:
                proposals.append(AwardKey(MERIT_THIRD, chunk[0], chunk[-1]))
                chunk = []
    return proposals


def annual_results_text(grades_by_year: Mapping[int, str]) -> str:
    """The 任免审批表's 年度考核结果: "2023年度称职，2024年度优秀，2025年度称职" (years with a
    result only, ascending)."""
    return "，".join(
        f"{year}年度{ANNUAL_LABELS.get(grade, grade)}"
        for year, grade in sorted(grades_by_year.items())
        if grade
    )


# --- ASM-PS-1: routine periods ----------------------------------------------------------------

_QUARTERS = ("第一季度", "第二季度", "第三季度", "第四季度")


def period_label(period: int, periods_per_year: int) -> str:
    """第一季度 … for quarterly routine assessment, 1月 … for monthly, else 第N期 (ASM-PS-1:
    the period length is configurable, `assessment.routine_periods_per_year`)."""
    if periods_per_year == 4 and 1 <= period <= 4:
        return _QUARTERS[period - 1]
    if periods_per_year == 12:
        return f"{period}月"
    if periods_per_year == 2:
        return "上半年" if period == 1 else "下半年"
    return f"第{period}期"


def period_valid(period: int, periods_per_year: int) -> bool:
    return 1 <= period <= periods_per_year
