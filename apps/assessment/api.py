"""REST endpoints of the assessment pillar (/api/v1/assessment/…): annual sheets and grades (with
the 优秀 quota and ASM-DIS-1 caps enforced by the services), routine grids, a cadre's annual
results, task records (知事识人) and special assessments. Same scope and audit as the pages."""

from datetime import date
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Path, Query, Router, Schema, Status

from apps.accounts.api_auth import READ_AUTH, WRITE_AUTH, api_actor
from apps.assessment import selectors, selectors_annual, selectors_research
from apps.assessment.constants import AnnualGrade, RoutineGrade, TaskRating
from apps.assessment.models import AnnualAssessment, AnnualSheet, TaskRecord
from apps.assessment.services import annual, routine, special
from apps.assessment.services import tasks as taskrecords
from apps.cadres.schemas import MAX_ID, DateValue, InputSchema, Text
from apps.cadres.selectors import cadre_get
from apps.core.api_errors import field_labels

router = Router(tags=["考核评价"], auth=READ_AUTH)
Id = Annotated[int, Path(title="编号", ge=1, le=MAX_ID)]
LABELS = {
    f.name: str(f.verbose_name)
    for model in (AnnualSheet, AnnualAssessment, TaskRecord)
    for f in model._meta.fields
} | {"version": "版本", "rows": "考核结果"}


class AnnualRowOut(Schema):
    id: int
    cadre_id: int
    cadre_name: str
    grade: str
    grade_label: str
    comment: str
    cap_note: str


class SheetOut(Schema):
    id: int
    unit_id: int
    unit_name: str
    year: int
    status: str
    participants: int
    excellent_quota: int = Field(title="优秀名额")
    excellent_used: int = Field(title="已定优秀人数（整张表）")
    quota_rule: dict[str, Any]
    version: int
    rows: list[AnnualRowOut] = Field(title="本人数据范围内的考核结果")


class GradeRowIn(InputSchema):
    assessment: int = Field(title="考核记录", ge=1, le=MAX_ID)
    grade: AnnualGrade | None = Field(None, title="等次")
    comment: Text = Field("", title="评语", max_length=2000)


class GridIn(InputSchema):
    version: int = Field(title="版本", ge=1)
    rows: list[GradeRowIn] = Field(title="考核结果", max_length=2000)


class VersionIn(InputSchema):
    version: int = Field(title="版本", ge=1)


class OpenIn(InputSchema):
    unit: int = Field(title="单位", ge=1, le=MAX_ID)
    year: int = Field(title="年度", ge=2000, le=2100)


class RoutineRowIn(InputSchema):
    cadre: int = Field(title="干部", ge=1, le=MAX_ID)
    grade: RoutineGrade | None = Field(None, title="等次")
    work_summary: Text = Field("", title="工作纪实", max_length=5000)
    comment: Text = Field("", title="考核评语", max_length=2000)
    version: int | None = Field(None, title="版本（已有记录时必填）")


class RoutineGridIn(InputSchema):
    rows: list[RoutineRowIn] = Field(max_length=2000)


class AnnualResultsOut(Schema):
    cadre_id: int
    grades: dict[int, str] = Field(title="年度 → 等次代码")
    text: str = Field(title="年度考核结果（任免审批表写法）")


class TaskRecordIn(InputSchema):
    cadre: int = Field(title="干部", ge=1, le=MAX_ID)
    central_task: int | None = Field(None, title="中心任务", ge=1, le=MAX_ID)
    key_work: int | None = Field(None, title="重点工作", ge=1, le=MAX_ID)
    role: Text = Field(title="承担角色", min_length=1, max_length=100)
    start_date: DateValue = Field(title="开始日期")
    end_date: DateValue | None = Field(None, title="结束日期")
    planning: TaskRating | None = Field(None, title="谋事")
    planning_evidence: Text = Field("", title="谋事依据", max_length=5000)
    execution: TaskRating | None = Field(None, title="干事")
    execution_evidence: Text = Field("", title="干事依据", max_length=5000)
    result: TaskRating | None = Field(None, title="成事")
    result_evidence: Text = Field("", title="成事依据", max_length=5000)


class SpecialIn(InputSchema):
    cadre: int = Field(title="干部", ge=1, le=MAX_ID)
    central_task: int = Field(title="中心任务", ge=1, le=MAX_ID)
    assessed_on: DateValue = Field(title="考核日期")
    result: AnnualGrade = Field(title="考核结果")
    remarks: Text = Field("", title="评价意见", max_length=5000)


class SpecialOut(Schema):
    task_id: int
    task_name: str
    assessed_on: date
    result: str


class YearParams(Schema):
    year: int = Field(title="年度", ge=2000, le=2100)


def _sheet_out(actor: Any, sheet: AnnualSheet) -> dict[str, Any]:
    grid = selectors_annual.annual_grid(actor=actor, sheet=sheet)
    return {
        "id": sheet.pk,
        "unit_id": sheet.unit_id,
        "unit_name": sheet.unit.name,
        "year": sheet.year,
        "status": sheet.status,
        "participants": sheet.participants,
        "excellent_quota": sheet.excellent_quota,
        "excellent_used": grid.used,
        "quota_rule": sheet.quota_rule,
        "version": sheet.version,
        "rows": [
            {
                "id": r.assessment.pk,
                "cadre_id": r.assessment.cadre_id,
                "cadre_name": r.assessment.cadre.name,
                "grade": r.assessment.grade,
                "grade_label": r.assessment.get_grade_display() if r.assessment.grade else "",
                "comment": r.assessment.comment,
                "cap_note": r.cap_note,
            }
            for r in grid.rows
        ],
    }


@router.get("/annual/overview", response=list[dict[str, Any]], summary="年度考核情况（按单位）")
def annual_overview(request: HttpRequest, params: Query[YearParams]) -> Any:
    rows = selectors_annual.annual_overview(actor=api_actor(request), year=params.year)
    return [
        {
            "unit_id": r.unit.pk,
            "unit_name": r.unit.name,
            "sheet_id": r.sheet.pk if r.sheet else None,
            "status": r.sheet.status if r.sheet else "",
        }
        for r in rows
    ]


@router.post("/annual/sheets", response={201: SheetOut}, auth=WRITE_AUTH, summary="开始年度考核")
def sheet_open(request: HttpRequest, payload: OpenIn) -> Status:
    actor = api_actor(request)
    with field_labels(LABELS):
        sheet = annual.sheet_open(actor=actor, unit_id=payload.unit, year=payload.year)
    return Status(201, _sheet_out(actor, sheet))


@router.get("/annual/sheets/{sheet_id}", response=SheetOut, summary="单位年度考核")
def sheet_detail(request: HttpRequest, sheet_id: Id) -> Any:
    actor = api_actor(request)
    return _sheet_out(actor, selectors_annual.sheet_get(actor=actor, sheet_id=sheet_id))


@router.put(
    "/annual/sheets/{sheet_id}/grades", response=SheetOut, auth=WRITE_AUTH, summary="填报等次"
)
def sheet_grades(request: HttpRequest, sheet_id: Id, payload: GridIn) -> Any:
    """All or nothing; a grade a sanction does not allow (ASM-DIS-1) refuses the save."""
    actor = api_actor(request)
    rows = [annual.AnnualRow(r.assessment, r.grade or "", r.comment) for r in payload.rows]
    with field_labels(LABELS):
        sheet = annual.annual_save_grid(
            actor=actor, sheet_id=sheet_id, expected_version=payload.version, rows=rows
        )
    return _sheet_out(actor, sheet)


@router.post("/annual/sheets/{sheet_id}/submit", response=SheetOut, auth=WRITE_AUTH, summary="提交")
def sheet_submit(request: HttpRequest, sheet_id: Id, payload: VersionIn) -> Any:
    """Refused while 优秀 exceeds the quota or a participant is ungraded."""
    actor = api_actor(request)
    with field_labels(LABELS):
        sheet = annual.sheet_submit(
            actor=actor, sheet_id=sheet_id, expected_version=payload.version
        )
    return _sheet_out(actor, sheet)


@router.get("/cadres/{cadre_id}/annual", response=AnnualResultsOut, summary="干部年度考核结果")
def cadre_annual(request: HttpRequest, cadre_id: Id) -> Any:
    cadre = cadre_get(actor=api_actor(request), cadre_id=cadre_id)  # scoped, audited
    today = timezone.localdate()
    return {
        "cadre_id": cadre.pk,
        "grades": selectors.all_annual_grades(cadre.pk),
        "text": selectors.annual_results_text(cadre.pk, today),
    }


@router.put(
    "/routine/{unit_id}/{year}/{period}",
    response=dict[str, int],
    auth=WRITE_AUTH,
    summary="平时考核（单位、期次）",
)
def routine_grid(
    request: HttpRequest, unit_id: Id, year: int, period: int, payload: RoutineGridIn
) -> Any:
    rows = [
        routine.RoutineRow(r.cadre, r.grade or "", r.work_summary, r.comment, r.version)
        for r in payload.rows
    ]
    with field_labels(LABELS):
        result = routine.routine_save_grid(
            actor=api_actor(request), unit_id=unit_id, year=year, period=period, rows=rows
        )
    return {"created": result.created, "updated": result.updated, "unchanged": result.unchanged}


@router.post("/task-records", response={201: dict[str, int]}, auth=WRITE_AUTH, summary="知事识人")
def taskrecord_add(request: HttpRequest, payload: TaskRecordIn) -> Status:
    data = payload.model_dump()
    cadre_id = data.pop("cadre")
    data["central_task_id"] = data.pop("central_task")
    data["key_work_id"] = data.pop("key_work")
    for key in ("planning", "execution", "result"):
        data[key] = data[key] or ""
    with field_labels(LABELS):
        record = taskrecords.taskrecord_add(
            actor=api_actor(request), cadre_id=cadre_id, data=taskrecords.TaskRecordInput(**data)
        )
    return Status(201, {"id": record.pk, "version": record.version})


@router.post("/special", response={201: dict[str, int]}, auth=WRITE_AUTH, summary="专项考核")
def special_add(request: HttpRequest, payload: SpecialIn) -> Status:
    with field_labels(LABELS):
        row = special.special_add(
            actor=api_actor(request),
            cadre_id=payload.cadre,
            central_task_id=payload.central_task,
            assessed_on=payload.assessed_on,
            result=payload.result,
            remarks=payload.remarks,
        )
    return Status(201, {"id": row.pk})


@router.get("/cadres/{cadre_id}/special", response=list[SpecialOut], summary="干部专项考核结果")
def cadre_special(request: HttpRequest, cadre_id: Id) -> Any:
    cadre = cadre_get(actor=api_actor(request), cadre_id=cadre_id)
    return [
        {"task_id": t, "task_name": n, "assessed_on": d, "result": r}
        for t, n, d, r in selectors_research.special_results(cadre.pk)
    ]
