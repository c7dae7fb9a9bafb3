"""REST endpoints for 容错纠错 cases (/api/v1/tolerance/cases…), need-to-know: without the
tolerance pillar every case is a 404 and lists are empty. Every transition carries the version
read; two reviewers acting at once: one wins, the other gets 409 naming who acted."""

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from django.http import HttpRequest, QueryDict
from ninja import Field, Path, Query, Router, Schema, Status

from apps.accounts.api_auth import READ_AUTH, WRITE_AUTH, api_actor
from apps.cadres.schemas import MAX_ID, DateValue, InputSchema, Text
from apps.core.api_errors import field_labels
from apps.tolerance import rules_cases, selectors_cases
from apps.tolerance.constants import Applicant, Area, Outcome
from apps.tolerance.models import ToleranceCase
from apps.tolerance.services import cases as services

router = Router(tags=["容错纠错"], auth=READ_AUTH)
Id = Annotated[int, Path(title="编号", ge=1, le=MAX_ID)]
LABELS = {f.name: str(f.verbose_name) for f in ToleranceCase._meta.fields} | {
    "version": "版本",
    "corrections": "纠错措施",
    "reason": "理由",
    "notes": "核实情况",
}


class CaseOut(Schema):
    id: int
    cadre_id: int
    cadre_name: str
    stage: str
    stage_label: str
    applicant: str
    applied_on: date
    notified_on: date | None
    area: str
    matter: str
    method_id: int | None = Field(title="适用办法版本")
    outcome: str
    outcome_label: str
    conclusion: str
    concluded_on: date | None
    version: int


class CaseListOut(Schema):
    count: int
    page: int
    page_size: int
    items: list[CaseOut]


class CaseListParams(Schema):
    stage: str = Field("", max_length=16, title="办理阶段")
    outcome: str = Field("", max_length=16, title="结论")
    area: str = Field("", max_length=16, title="领域")
    q: str = Field("", max_length=50, title="姓名或拼音")
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(20, ge=1, le=100)


class ApplyIn(InputSchema):
    cadre: int = Field(title="干部", ge=1, le=MAX_ID)
    applicant: Applicant = Field(title="申请人")
    applicant_name: Text = Field(title="申请人姓名/单位", min_length=1, max_length=100)
    applied_on: DateValue = Field(title="申请日期")
    notified_on: DateValue | None = Field(None, title="问责（调查）告知日期")
    area: Area = Field(title="领域")
    matter: Text = Field(title="失误错误情况", min_length=1, max_length=10000)
    reasons: Text = Field("", title="申请理由", max_length=10000)
    deadline_override_reason: Text = Field("", title="逾期受理理由", max_length=2000)


class VersionIn(InputSchema):
    version: int = Field(title="版本", ge=1)


class NotAcceptIn(VersionIn):
    reason: Text = Field(title="不予受理理由", min_length=1, max_length=5000)


class VerifyIn(VersionIn):
    notes: Text = Field(title="核实情况", min_length=1, max_length=20000)
    interviews: Text = Field("", title="谈话情况", max_length=20000)


class ChecklistIn(VersionIn):
    d1_inexperience: bool
    d1_reason: Text = Field(max_length=5000)
    d2_not_prohibited: bool
    d2_reason: Text = Field(max_length=5000)
    d3_no_personal_gain: bool
    d3_reason: Text = Field(max_length=5000)
    c1_not_prohibited: bool
    c2_pilot_unintentional: bool
    c3_force_majeure: bool
    c4_loss_mitigated: bool
    c5_democratic_procedure: bool
    c6_no_improper_gain: bool
    is_repeat: bool
    positive_items: list[int] = Field(default_factory=list, title="符合的正面清单情形")
    negative_items: list[int] = Field(default_factory=list, title="涉及的负面清单情形")
    factors: Text = Field("", title="综合分析研判", max_length=20000)


class CorrectionIn(InputSchema):
    measure: Text = Field(title="纠错措施", min_length=1, max_length=5000)
    owner: Text = Field(title="责任人/责任单位", min_length=1, max_length=100)
    due_on: DateValue = Field(title="完成时限")


class ConcludeIn(VersionIn):
    outcome: Outcome = Field(title="结论")
    conclusion: Text = Field(title="结论理由", min_length=1, max_length=20000)
    corrections: list[CorrectionIn] = Field(default_factory=list, title="纠错措施")


def _out(case: ToleranceCase) -> dict[str, Any]:
    return {
        "id": case.pk,
        "cadre_id": case.cadre_id,
        "cadre_name": case.cadre.name,
        "stage": case.stage,
        "stage_label": case.get_stage_display(),
        "applicant": case.applicant,
        "applied_on": case.applied_on,
        "notified_on": case.notified_on,
        "area": case.area,
        "matter": case.matter,
        "method_id": case.method_id,
        "outcome": case.outcome,
        "outcome_label": case.get_outcome_display() if case.outcome else "",
        "conclusion": case.conclusion,
        "concluded_on": case.concluded_on,
        "version": case.version,
    }


@router.get("/cases", response=CaseListOut, summary="容错纠错案件列表")
def case_list(request: HttpRequest, params: Query[CaseListParams]) -> Any:
    query = QueryDict(mutable=True)
    for key in ("stage", "outcome", "area", "q"):
        if getattr(params, key):
            query[key] = getattr(params, key)
    rows, _form = selectors_cases.case_list(actor=api_actor(request), params=query)
    start = (params.page - 1) * params.page_size
    page = rows.select_related("cadre")[start : start + params.page_size]
    return {
        "count": rows.count(),
        "page": params.page,
        "page_size": params.page_size,
        "items": [_out(c) for c in page],
    }


@router.get("/cases/{case_id}", response=CaseOut, summary="案件详情")
def case_detail(request: HttpRequest, case_id: Id) -> Any:
    """Audited read; without the pillar or out of scope: 404 (audited as denied)."""
    return _out(selectors_cases.case_get(actor=api_actor(request), case_id=case_id))


@router.post("/cases", response={201: CaseOut}, auth=WRITE_AUTH, summary="容错申请")
def case_apply(request: HttpRequest, payload: ApplyIn) -> Status:
    data = payload.model_dump()
    cadre_id = data.pop("cadre")
    with field_labels(LABELS):
        case = services.case_apply(
            actor=api_actor(request), cadre_id=cadre_id, data=rules_cases.CaseApplication(**data)
        )
    return Status(201, _out(case))


def _act(request: HttpRequest, case_id: int, service: Callable[..., Any], **kwargs: Any) -> Any:
    with field_labels(LABELS):
        case = service(actor=api_actor(request), case_id=case_id, **kwargs)
    return _out(case)


@router.post("/cases/{case_id}/accept", response=CaseOut, auth=WRITE_AUTH, summary="受理")
def case_accept(request: HttpRequest, case_id: Id, payload: VersionIn) -> Any:
    return _act(request, case_id, services.case_accept, expected_version=payload.version)


@router.post("/cases/{case_id}/not-accept", response=CaseOut, auth=WRITE_AUTH, summary="不予受理")
def case_not_accept(request: HttpRequest, case_id: Id, payload: NotAcceptIn) -> Any:
    return _act(
        request,
        case_id,
        services.case_not_accept,
        expected_version=payload.version,
        reason=payload.reason,
    )


@router.post("/cases/{case_id}/verify", response=CaseOut, auth=WRITE_AUTH, summary="核实")
def case_verify(request: HttpRequest, case_id: Id, payload: VerifyIn) -> Any:
    return _act(
        request,
        case_id,
        services.case_verify,
        expected_version=payload.version,
        notes=payload.notes,
        interviews=payload.interviews,
    )


@router.post("/cases/{case_id}/determine", response=CaseOut, auth=WRITE_AUTH, summary="认定")
def case_determine(request: HttpRequest, case_id: Id, payload: ChecklistIn) -> Any:
    """The structured checklist: three distinctions with reasons, TOL-4 conditions, repeat."""
    data = payload.model_dump()
    version = data.pop("version")
    positive, negative, factors = (
        data.pop("positive_items"),
        data.pop("negative_items"),
        data.pop("factors"),
    )
    return _act(
        request,
        case_id,
        services.case_determine,
        expected_version=version,
        checklist=rules_cases.Checklist(**data),
        positive_item_ids=positive,
        negative_item_ids=negative,
        factors=factors,
    )


@router.post("/cases/{case_id}/conclude", response=CaseOut, auth=WRITE_AUTH, summary="作出结论")
def case_conclude(request: HttpRequest, case_id: Id, payload: ConcludeIn) -> Any:
    """A conclusion always comes with correction measures (owner, due date)."""
    corrections = [rules_cases.CorrectionInput(**c.model_dump()) for c in payload.corrections]
    return _act(
        request,
        case_id,
        services.case_conclude,
        expected_version=payload.version,
        outcome=payload.outcome,
        conclusion=payload.conclusion,
        corrections=corrections,
    )


@router.post("/cases/{case_id}/close", response=CaseOut, auth=WRITE_AUTH, summary="办结")
def case_close(request: HttpRequest, case_id: Id, payload: VersionIn) -> Any:
    return _act(request, case_id, services.case_close, expected_version=payload.version)
