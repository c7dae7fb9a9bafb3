"""三龄两历 check: age, party age and working age (三龄) against the education and work histories
(两历) of a cadre record, so that departments can clean imported data (practice of the 中组部
干部人事档案专项审核, 2014; 《干部任免审批表》填表说明 on the 简历: to the month, from full-time
study or work on, "前后要衔接，不得空断", 待分配/待业 written in as lines too).

Pure functions over plain values (`today` is passed in). Each rule returns `Inconsistency(code,
fields, message)`s; `fields` names record fields (`birth_date`, `work_start_date`, …) and parts
(`education`, `resume`, `appointment`) so pages can link to the fix. `check_record` runs them all.
Not checked: birth date vs the encrypted 公民身份号码 (a decryption per cadre over a whole scope);
services compare the two on every write (`rules.check_identity`)."""

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import models

from apps.cadres.constants import EDUCATION_ORDER, Degree, EducationLevel, EducationMode

# Longest stretch (days) without a 简历 line that is not yet reported as a gap. A practice value,
# not a legal one: 简历 are written to the month, so a line ending 2005.06 followed by one starting
# 2005.07 leaves 29 uncovered days and must pass, while a whole missing month must not.
MAX_GAP_DAYS = 31
MIN_PARTY_AGE = 18  # 党章 第一条: 年满十八岁
MIN_WORK_AGE = 16  # 劳动法 第十五条: 禁止用人单位招用未满十六周岁的未成年人
# Whether a 简历 line naming the unit (not the post) agrees with a 任职 there: loose, as people
# often write "财政局工作"; False demands the post title (catches 科长 written for a 副局长 term).
MATCH_UNIT_NAME = True
TEXT_PREVIEW = 24  # characters of a 简历 line quoted in a message
DAY = timedelta(days=1)


class Code(models.TextChoices):
    """Stable codes of the inconsistencies, with their Chinese labels (filters and exports)."""

    DATE_IN_FUTURE = "date_in_future", "日期晚于今天"
    PARTY_AGE = "party_age", "入党时未满18周岁"
    PARTY_DATE_MISSING = "party_date_missing", "党员缺入党时间"
    WORK_AGE = "work_age", "参加工作时未满16周岁"
    WORK_DURING_STUDY = "work_during_study", "参加工作早于全日制毕业"
    RESUME_MISSING = "resume_missing", "无简历"
    RESUME_START = "resume_start", "简历起始晚"
    RESUME_GAP = "resume_gap", "简历断档"
    RESUME_OVERLAP = "resume_overlap", "简历时间重叠"
    APPOINTMENT_PERIOD = "appointment_period", "任职期间简历无记载"
    APPOINTMENT_TEXT = "appointment_text", "任职与简历内容不符"
    DATE_ORDER = "date_order", "起止时间颠倒"
    EDUCATION_OVERLAP = "education_overlap", "全日制学历时间重叠"
    DEGREE_LEVEL = "degree_level", "学位与学历不匹配"
    HIGHEST_EDUCATION = "highest_education", "最高学历不一致"


@dataclass(frozen=True)
class Inconsistency:
    """One finding: a stable code, the fields involved and a Chinese message naming the dates."""

    code: str
    fields: tuple[str, ...]
    message: str


@dataclass(frozen=True)
class EducationFact:
    """A 学历学位 entry (mode: full_time / in_service)."""

    mode: str
    level: str
    degree: str
    school: str
    start: date | None
    end: date | None


@dataclass(frozen=True)
class ResumeFact:
    """A 简历 line; `end=None` means still running."""

    start: date
    end: date | None
    text: str


@dataclass(frozen=True)
class AppointmentFact:
    """A 任职 with its post title and unit names (as text, for matching the 简历)."""

    start: date
    end: date | None
    post: str
    unit: str
    unit_short: str = ""


@dataclass(frozen=True)
class RecordFacts:
    """What the check needs of one record, as plain values."""

    birth_date: date
    work_start_date: date | None
    party_join_date: date | None = None
    party_member: bool = False
    highest_education: str = ""
    educations: tuple[EducationFact, ...] = ()
    resume: tuple[ResumeFact, ...] = ()
    appointments: tuple[AppointmentFact, ...] = ()


def show(d: date) -> str:
    """A date as the 任免审批表 writes it: 1990.05 for a month (stored as the 1st), else
    1990.05.17."""
    return f"{d:%Y.%m}" if d.day == 1 else f"{d:%Y.%m.%d}"


def span(start: date, end: date | None) -> str:
    return f"{show(start)}—{show(end) if end else '至今'}"


def anniversary(birth: date, years: int) -> date:
    """The day one turns `years` 周岁 (a 29 February birthday falls on 1 March in common years),
    consistent with `rules.age_on`."""
    try:
        return birth.replace(year=birth.year + years)
    except ValueError:
        return date(birth.year + years, 3, 1)


def _month(d: date) -> int:
    return d.year * 12 + d.month


def _quote(text: str) -> str:
    return f"“{text[:TEXT_PREVIEW]}{'…' if len(text) > TEXT_PREVIEW else ''}”"


def _level(value: str) -> str:
    return EducationLevel(value).label if value in EDUCATION_ORDER else value


def _ordered(start: date, end: date | None) -> tuple[date, date | None]:
    """Swapped ends read as a typo of the order (reported once, by DATE_ORDER)."""
    return (end, start) if end is not None and end < start else (start, end)


def check_future_dates(
    *, birth_date: date, work_start_date: date | None, party_join_date: date | None, today: date
) -> list[Inconsistency]:
    """出生年月, 参加工作时间 and 入党时间 cannot lie after today."""
    return [
        Inconsistency(Code.DATE_IN_FUTURE, (name,), f"{label}{show(value)}晚于今天")
        for name, label, value in (
            ("birth_date", "出生年月", birth_date),
            ("work_start_date", "参加工作时间", work_start_date),
            ("party_join_date", "入党时间", party_join_date),
        )
        if value is not None and value > today
    ]


def check_party_age(
    *, birth_date: date, party_join_date: date | None, party_member: bool
) -> list[Inconsistency]:
    """入党 at 18 or later: 中国共产党章程 第一条 (年满十八岁 … 可以申请加入中国共产党).

    入党时间 is the day of admission as a probationary member (党章 第七条), which follows the
    application, so admission before the 18th birthday is impossible. Exactly 18 on the day is
    fine. A party member without a 入党时间 is reported too (党龄 cannot be computed).
    """
    if party_join_date is None:
        if not party_member:
            return []
        message = "政治面貌为中共党员，但未填写入党时间"
        return [Inconsistency(Code.PARTY_DATE_MISSING, ("party_join_date",), message)]
    adult = anniversary(birth_date, MIN_PARTY_AGE)
    if party_join_date >= adult:
        return []
    message = f"入党时间{show(party_join_date)}早于年满{MIN_PARTY_AGE}周岁（{show(adult)}）"
    return [Inconsistency(Code.PARTY_AGE, ("party_join_date", "birth_date"), message)]


def check_work_age(*, birth_date: date, work_start_date: date | None) -> list[Inconsistency]:
    """Work starts at 16 or later: 劳动法 第十五条 (禁止招用未满十六周岁的未成年人)."""
    if work_start_date is None:
        return []
    sixteen = anniversary(birth_date, MIN_WORK_AGE)
    if work_start_date >= sixteen:
        return []
    message = f"参加工作时间{show(work_start_date)}早于年满{MIN_WORK_AGE}周岁（{show(sixteen)}）"
    return [Inconsistency(Code.WORK_AGE, ("work_start_date", "birth_date"), message)]


STUDY_WORDS = ("学习", "学生", "就读", "读书", "在读", "求学", "研究生", "本科生", "专科生")
# Words that make a line work although it sits in a study period: 军队院校学员 are enlisted from
# enrolment, 委培/定向 students are employed by the sending unit.
WORK_WORDS = ("工作", "入伍", "参军", "服役", "学员", "委培", "定向")
_ASIDE = re.compile(r"[（(][^（）()]*[）)]")


def reads_as_work(text: str) -> bool:
    """Whether a 简历 line records work rather than full-time study.

    Asides such as "（其间：…在职研究生学习）" are dropped first; a line with a work word
    (工作, 入伍, 学员, 委培, …) or without any study word (学习, 学生, 研究生, …) reads as work.
    """
    main = _ASIDE.sub("", text)
    return any(w in main for w in WORK_WORDS) or not any(w in main for w in STUDY_WORDS)


def check_work_after_study(
    *,
    work_start_date: date | None,
    educations: Sequence[EducationFact],
    resume: Sequence[ResumeFact],
) -> list[Inconsistency]:
    """参加工作时间 not before the end of the full-time study it falls into, unless recorded
    otherwise.

    Compared to the month (the 任免审批表 writes both to the month). A full-time education counts
    when the work start lies inside it (study start month <= work start month < graduation
    month); study begun after work started (脱产读研 later in a career) is no conflict. The
    "unless recorded otherwise" reading: a 简历 line that reads as work (`reads_as_work`: 入伍 at a
    军校, 委培/定向, a job held while studying) and overlaps the stretch from the work start to the
    graduation explains the early start, and nothing is reported. Entries without both dates
    are skipped.
    """
    if work_start_date is None:
        return []
    found: list[Inconsistency] = []
    ws, fields = _month(work_start_date), ("work_start_date", "education")
    for edu in educations:
        if edu.mode != EducationMode.FULL_TIME or edu.start is None or edu.end is None:
            continue
        start, end = sorted((edu.start, edu.end))
        if not _month(start) <= ws < _month(end) or any(
            reads_as_work(r.text) and r.start <= end and (r.end or end) >= work_start_date
            for r in resume
        ):
            continue
        message = (
            f"参加工作时间{show(work_start_date)}早于全日制{_level(edu.level)}（{edu.school}）"
            f"毕业时间{show(end)}，简历中同期也无工作记载"
        )
        found.append(Inconsistency(Code.WORK_DURING_STUDY, fields, message))
    return found


def check_date_order(
    *,
    educations: Sequence[EducationFact],
    resume: Sequence[ResumeFact],
    appointments: Sequence[AppointmentFact],
) -> list[Inconsistency]:
    """Each dated part ends on or after it starts: 学历 (毕业/入学), 简历, 任职 (免职/任职). Stored
    简历 lines are kept in start order, so "the 简历 in date order" reduces to this."""
    spans = [
        ("education", f"学历“{e.school}”的毕业时间", "入学时间", e.start, e.end) for e in educations
    ]
    spans += [
        ("resume", f"简历{_quote(r.text)}的截止时间", "起始时间", r.start, r.end) for r in resume
    ]
    spans += [
        ("appointment", f"任职“{a.unit}{a.post}”的免职时间", "任职时间", a.start, a.end)
        for a in appointments
    ]
    return [
        Inconsistency(Code.DATE_ORDER, (part,), f"{what}{show(end)}早于{other}{show(start)}")
        for part, what, other, start, end in spans
        if start is not None and end is not None and end < start
    ]


def _sorted_lines(resume: Sequence[ResumeFact], today: date) -> list[tuple[date, date, str]]:
    """(start, end, text) in order; an open end runs to today; swapped ends are put right."""
    lines = [(*_ordered(r.start, r.end), r.text) for r in resume]
    return sorted((start, end or max(today, start), text) for start, end, text in lines)


def _uncovered(
    start: date, end: date, lines: Sequence[tuple[date, date, str]], tolerance: int
) -> list[tuple[date, date]]:
    """Stretches of [start, end] (both ends included) covered by no line, longer than
    `tolerance` days."""
    holes: list[tuple[date, date]] = []
    covered = start - DAY
    for line_start, line_end, _ in lines:
        if line_start > end:
            break
        if (line_start - covered).days - 1 > tolerance:
            holes.append((covered + DAY, line_start - DAY))
        covered = max(covered, line_end)
    if (end - covered).days > tolerance:
        holes.append((covered + DAY, end))
    return holes


def check_resume_continuity(
    *,
    resume: Sequence[ResumeFact],
    work_start_date: date | None,
    today: date,
    max_gap_days: int = MAX_GAP_DAYS,
) -> list[Inconsistency]:
    """No stretch of more than `max_gap_days` uncovered by the 简历 from the work start to today
    (填表说明: 前后衔接，不得空断). Lines before the work start (study) are free: the time between
    graduation and work start is not checked.

    Periods include both ends: a line ending the day before the next starts leaves no gap, and a
    gap of exactly `max_gap_days` days passes. A stretch at the work start means the first line
    starts too late (RESUME_START: a 简历 begins no later than the work start, with study lines
    before it if any); others, after the last line included, are RESUME_GAP. An open-ended last
    line runs to today.
    """
    if not resume:
        return [Inconsistency(Code.RESUME_MISSING, ("resume",), "未填写简历")]
    if work_start_date is None or work_start_date > today:
        return []
    found = []
    for a, b in _uncovered(work_start_date, today, _sorted_lines(resume, today), max_gap_days):
        days = (b - a).days + 1
        message = f"简历{show(a - DAY)}至{show(b + DAY)}之间断档{days}天"
        if b == today:
            message = f"简历最后一段截止于{show(a - DAY)}，此后至今无记载（{days}天）"
        if a == work_start_date:
            message = f"参加工作时间为{show(a)}，简历自此至{show(b)}无记载（{days}天）"
            found.append(Inconsistency(Code.RESUME_START, ("resume", "work_start_date"), message))
        else:
            found.append(Inconsistency(Code.RESUME_GAP, ("resume",), message))
    return found


def check_resume_overlap(resume: Sequence[ResumeFact], *, today: date) -> list[Inconsistency]:
    """No two 简历 lines overlap. Lines are written to the month (填表说明), so lines sharing their
    boundary month touch ("2002.07—2005.07", "2005.07—") and pass; a line starting the same day
    as another, or in a month before the other ends, overlaps. An open-ended line that is not the
    last overlaps every later one."""
    found = []
    reach: tuple[date, date, str] | None = None  # the line reaching furthest so far
    for line in _sorted_lines(resume, today):
        if reach is not None and (line[0] == reach[0] or _month(line[0]) < _month(reach[1])):
            message = (
                f"简历{_quote(reach[2])}（{span(reach[0], reach[1])}）与{_quote(line[2])}"
                f"（{span(line[0], line[1])}）时间重叠"
            )
            found.append(Inconsistency(Code.RESUME_OVERLAP, ("resume",), message))
        if reach is None or line[1] > reach[1]:
            reach = line
    return found


_PARTY_PREFIX = re.compile(r"^(中国共产党|中共)")
_PUNCT = re.compile(r"[\s，,、。.；;：:·•\-—－（）()“”\"'《》]+")


def _norm(text: str) -> str:
    """Text for loose matching: no spaces or punctuation, no leading 中共."""
    return _PARTY_PREFIX.sub("", _PUNCT.sub("", text))


def _mentions(text: str, appt: AppointmentFact) -> bool:
    """Whether a 简历 line names the post (or, with MATCH_UNIT_NAME, the unit), loosely."""
    names = (appt.post, appt.unit, appt.unit_short) if MATCH_UNIT_NAME else (appt.post,)
    written = _norm(text)
    return any(name in written for name in map(_norm, names) if name)


def check_appointments_in_resume(
    *,
    appointments: Sequence[AppointmentFact],
    resume: Sequence[ResumeFact],
    today: date,
    max_gap_days: int = MAX_GAP_DAYS,
) -> list[Inconsistency]:
    """任职经历 agrees with the 简历: each term lies within the periods of 简历 lines (uncovered
    stretches up to `max_gap_days`, as month-written lines leave, pass), and each line of that
    period (overlapping the term by more than the tolerance) names the post title or the unit
    (`_mentions`: punctuation and a leading 中共 ignored); a term shorter than the tolerance needs
    one overlapping line naming it. Nothing is checked without a 简历 (RESUME_MISSING)."""
    lines = _sorted_lines(resume, today)
    found = []
    for appt in appointments if lines else ():
        start, raw_end = _ordered(appt.start, appt.end)
        end = raw_end or max(today, start)
        name, fields = f"{appt.unit}{appt.post}", ("appointment", "resume")
        holes = _uncovered(start, end, lines, max_gap_days)
        if holes:
            where = "、".join(f"{show(a)}至{show(b)}" for a, b in holes[:3])
            message = f"任职“{name}”（{span(start, raw_end)}）期间，简历{where}无记载"
            found.append(Inconsistency(Code.APPOINTMENT_PERIOD, fields, message))
        overlapping = [
            (text, (min(le, end) - max(ls, start)).days + 1)
            for ls, le, text in lines
            if ls <= end and le >= start
        ]
        same = [t for t, days in overlapping if days > max_gap_days]
        if same:
            silent = [t for t in same if not _mentions(t, appt)]
        else:  # a short term: one of the lines around it will do
            texts = [t for t, _ in overlapping]
            silent = [] if any(_mentions(t, appt) for t in texts) else texts
        if silent:
            quoted = "、".join(_quote(t) for t in silent[:2]) + ("等" if len(silent) > 2 else "")
            message = f"任职“{name}”（{span(start, raw_end)}）在同期简历{quoted}中未见记载"
            found.append(Inconsistency(Code.APPOINTMENT_TEXT, fields, message))
    return found


def check_education_overlap(educations: Sequence[EducationFact]) -> list[Inconsistency]:
    """Full-time studies do not overlap one another, compared to the month (graduating 2004.07
    and enrolling 2004.09, or in the same month 2004.07, passes). Entries lacking a date skip."""
    full_time = sorted(
        (*_ordered(e.start, e.end), e.school)
        for e in educations
        if e.mode == EducationMode.FULL_TIME and e.start is not None and e.end is not None
    )
    found = []
    for (s1, e1, school1), (s2, e2, school2) in itertools.pairwise(full_time):
        if s1 == s2 or (e1 is not None and _month(s2) < _month(e1)):
            message = f"全日制学历“{school1}”（{span(s1, e1)}）与“{school2}”（{span(s2, e2)}）重叠"
            found.append(Inconsistency(Code.EDUCATION_OVERLAP, ("education",), message))
    return found


def check_degree_level(educations: Sequence[EducationFact]) -> list[Inconsistency]:
    """A 学位 needs 本科 or higher 学历: 学位条例 (1980) 第四条 grants the 学士 to 本科 graduates
    (学位法, in force 2025-01-01, keeps this), and 硕士/博士 (同等学力 included) build on it. A 硕士
    degree with a 本科 学历 is therefore fine (同等学力申请学位); a 学士 with 大学专科 is not."""
    bachelor = EDUCATION_ORDER[EducationLevel.BACHELOR]
    found = []
    for e in educations:
        if e.degree in ("", Degree.NONE) or EDUCATION_ORDER.get(e.level, 0) <= bachelor:
            continue
        degree = Degree(e.degree).label if e.degree in Degree.values else e.degree
        message = f"学历“{e.school}”为{_level(e.level)}，却登记了{degree}学位（须本科及以上学历）"
        found.append(Inconsistency(Code.DEGREE_LEVEL, ("education",), message))
    return found


def check_highest_education(
    *, highest_education: str, educations: Sequence[EducationFact]
) -> list[Inconsistency]:
    """最高学历 on the record equals the highest level among the 学历 entries (imports may set it
    apart from them; the services derive it). Nothing to compare without entries."""
    levels = [e.level for e in educations if e.level in EDUCATION_ORDER]
    if not levels:
        return []
    best = EducationLevel(min(levels, key=EDUCATION_ORDER.__getitem__))
    if highest_education == best:
        return []
    shown = _level(highest_education) or "未填写"
    message = f"最高学历“{shown}”与学历学位记录中的最高学历“{best.label}”不一致"
    return [Inconsistency(Code.HIGHEST_EDUCATION, ("highest_education", "education"), message)]


def check_record(
    facts: RecordFacts, *, today: date, max_gap_days: int = MAX_GAP_DAYS
) -> list[Inconsistency]:
    """All 三龄两历 rules over one record, in the order of the 任免审批表."""
    found = check_future_dates(
        birth_date=facts.birth_date,
        work_start_date=facts.work_start_date,
        party_join_date=facts.party_join_date,
        today=today,
    )
    found += check_party_age(
        birth_date=facts.birth_date,
        party_join_date=facts.party_join_date,
        party_member=facts.party_member,
    )
    found += check_work_age(birth_date=facts.birth_date, work_start_date=facts.work_start_date)
    found += check_work_after_study(
        work_start_date=facts.work_start_date, educations=facts.educations, resume=facts.resume
    )
    found += check_date_order(
        educations=facts.educations, resume=facts.resume, appointments=facts.appointments
    )
    found += check_education_overlap(facts.educations)
    found += check_degree_level(facts.educations)
    found += check_highest_education(
        highest_education=facts.highest_education, educations=facts.educations
    )
    found += check_resume_continuity(
        resume=facts.resume,
        work_start_date=facts.work_start_date,
        today=today,
        max_gap_days=max_gap_days,
    )
    found += check_resume_overlap(facts.resume, today=today)
    found += check_appointments_in_resume(
        appointments=facts.appointments, resume=facts.resume, today=today, max_gap_days=max_gap_days
    )
    return found
