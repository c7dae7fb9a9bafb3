"""Excel exports of the routine and annual assessment lists: "assessment-annual" (one sheet's
grid or every sheet in scope), "assessment-routine", "assessment-flags",
"assessment-proposals". Each builds from the same scoped reads as its page."""

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone

from apps.assessment import rules
from apps.assessment.models import AnnualAssessment, AwardProposal, FollowUpFlag, RoutineAssessment
from apps.assessment.selectors_annual import flag_list, proposal_list
from apps.assessment.services.routine import periods_per_year
from apps.core.exports import ExportTable, ListExport, register

CHUNK = 1000


def _int(query: QueryDict, key: str) -> int | None:
    value = query.get(key, "")
    return int(value) if value.isdigit() else None


def _d(value: Any) -> str:
    return value.strftime("%Y-%m-%d") if value else ""


# --- annual grades -----------------------------------------------------------------------------

ANNUAL_HEADERS = ["单位", "年度", "姓名", "等次", "评语", "等次限制", "考核表状态"]


def _annual_qs(actor: Any, query: QueryDict) -> QuerySet[AnnualAssessment]:
    qs = AnnualAssessment.objects.visible_to(actor).select_related("cadre", "sheet__unit")
    sheet, year, unit = _int(query, "sheet"), _int(query, "year"), _int(query, "unit")
    if sheet:
        qs = qs.filter(sheet_id=sheet)
    if year:
        qs = qs.filter(year=year)
    if unit:
        qs = qs.filter(sheet__unit_id=unit)
    q = query.get("q", "")
    if q:
        qs = qs.filter(sheet__unit__name__contains=q)
    return qs.order_by("-year", "sheet__unit__path", "cadre__name_pinyin", "pk")


def _annual_rows(actor: Any, query: QueryDict) -> Iterator[list[Any]]:
    for a in _annual_qs(actor, query).iterator(chunk_size=CHUNK):
        yield [
            a.sheet.unit.name,
            a.year,
            a.cadre.name,
            a.get_grade_display() if a.grade else "未确定",
            a.comment,
            a.cap_note,
            a.sheet.get_status_display(),
        ]


def build_annual(actor: Any, query: QueryDict) -> ExportTable:
    return ExportTable(ANNUAL_HEADERS, _annual_rows(actor, query), _annual_qs(actor, query).count())


# --- routine grades ----------------------------------------------------------------------------

ROUTINE_HEADERS = ["考核单位", "年度", "期次", "姓名", "等次", "工作纪实", "考核评语", "录入人"]


def _routine_qs(actor: Any, query: QueryDict) -> QuerySet[RoutineAssessment]:
    qs = RoutineAssessment.objects.visible_to(actor).select_related("cadre", "unit", "entered_by")
    year, period, unit = _int(query, "year"), _int(query, "period"), _int(query, "unit")
    if year:
        qs = qs.filter(year=year)
    if period:
        qs = qs.filter(period=period)
    if unit:
        qs = qs.filter(cadre__unit_id=unit)
    return qs.order_by("-year", "period", "unit__path", "cadre__name_pinyin", "pk")


def _routine_rows(actor: Any, query: QueryDict) -> Iterator[list[Any]]:
    per_year: dict[int, int] = {}
    for r in _routine_qs(actor, query).iterator(chunk_size=CHUNK):
        if r.year not in per_year:
            per_year[r.year] = periods_per_year(r.year)
        yield [
            r.unit.name,
            r.year,
            rules.period_label(r.period, per_year[r.year]),
            r.cadre.name,
            r.get_grade_display(),
            r.work_summary,
            r.comment,
            r.entered_by.display_name if r.entered_by else "",
        ]


def build_routine(actor: Any, query: QueryDict) -> ExportTable:
    return ExportTable(
        ROUTINE_HEADERS, _routine_rows(actor, query), _routine_qs(actor, query).count()
    )


# --- flags and proposals -----------------------------------------------------------------------

FLAG_HEADERS = ["姓名", "单位", "年度", "等次", "依据", "需办理事项", "办理日期", "办理情况"]


def _flag_rows(queryset: QuerySet[FollowUpFlag]) -> Iterator[list[Any]]:
    for f in queryset.iterator(chunk_size=CHUNK):
        a = f.assessment
        yield [
            a.cadre.name,
            a.cadre.unit.name,
            a.year,
            a.get_grade_display(),
            f.rule,
            f.text,
            _d(f.done_on),
            f.done_note,
        ]


def build_flags(actor: Any, query: QueryDict) -> ExportTable:
    queryset, _ = flag_list(actor=actor, params=query)
    return ExportTable(FLAG_HEADERS, _flag_rows(queryset), queryset.count())


PROPOSAL_HEADERS = [
    "姓名",
    "单位",
    "奖励",
    "起始年度",
    "截止年度",
    "状态",
    "确认人",
    "确认时间",
    "说明",
]


def _proposal_rows(queryset: QuerySet[AwardProposal]) -> Iterator[list[Any]]:
    for p in queryset.iterator(chunk_size=CHUNK):
        yield [
            p.cadre.name,
            p.cadre.unit.name,
            p.get_kind_display(),
            p.first_year,
            p.last_year,
            p.get_status_display(),
            p.decided_by.display_name if p.decided_by else "",
            timezone.localtime(p.decided_at).strftime("%Y-%m-%d %H:%M") if p.decided_at else "",
            p.note,
        ]


def build_proposals(actor: Any, query: QueryDict) -> ExportTable:
    queryset, _ = proposal_list(actor=actor, params=query)
    return ExportTable(PROPOSAL_HEADERS, _proposal_rows(queryset), queryset.count())


ANNUAL_EXPORT = register(
    ListExport(
        name="assessment-annual",
        title="年度考核结果",
        target_type="assessment.annualassessment",
        build=build_annual,
    )
)
ROUTINE_EXPORT = register(
    ListExport(
        name="assessment-routine",
        title="平时考核结果",
        target_type="assessment.routineassessment",
        build=build_routine,
    )
)
FLAGS_EXPORT = register(
    ListExport(
        name="assessment-flags",
        title="考核结果运用事项",
        target_type="assessment.followupflag",
        build=build_flags,
    )
)
PROPOSALS_EXPORT = register(
    ListExport(
        name="assessment-proposals",
        title="考核奖励建议",
        target_type="assessment.awardproposal",
        build=build_proposals,
    )
)
