"""REST endpoints for sanctions and the follow-up of disciplined cadres
(/api/v1/tolerance/sanctions…), need-to-know: without the sanctions pillar every record is a 404,
lists are empty. The one fact open to every reader of a cadre is whether they are within an
influence period and until when (selection needs it, ELG-24-1(6)); kind and details stay closed.
"""

from datetime import date
from typing import Annotated, Any

from django.http import HttpRequest, QueryDict
from django.utils import timezone
from ninja import Field, Path, Query, Router, Schema, Status

from apps.accounts.api_auth import READ_AUTH, WRITE_AUTH, api_actor
from apps.cadres.schemas import MAX_ID, DateValue, InputSchema, Text
from apps.cadres.selectors import cadre_get
from apps.core.api_errors import field_labels
from apps.tolerance import selectors_sanctions as sel
from apps.tolerance.constants import SanctionKind, SanctionType
from apps.tolerance.models import Sanction
from apps.tolerance.rules_sanctions import STATUS_LABELS, sanction_status
from apps.tolerance.services import mentoring
from apps.tolerance.services import sanctions as services

router = Router(tags=["处分与帮带"], auth=READ_AUTH)
Id = Annotated[int, Path(title="编号", ge=1, le=MAX_ID)]
LABELS = {f.name: str(f.verbose_name) for f in Sanction._meta.fields} | {
    "version": "版本",
    "revoked_on": "撤销/变更日期",
    "reason": "理由",
    "visited_on": "回访日期",
    "mentor_name": "帮带责任人",
}


class SanctionOut(Schema):
    id: int
    cadre_id: int
    cadre_name: str
    kind: str
    type: str = Field(title="种类")
    type_label: str
    decision_date: date
    effective_date: date
    authority: str
    document_number: str
    influence_until: date | None = Field(title="影响期至（空为长期）")
    status: str = Field(title="状态（当日）")
    status_label: str
    version: int


class SanctionListOut(Schema):
    count: int
    page: int
    page_size: int
    items: list[SanctionOut]


class SanctionListParams(Schema):
    kind: SanctionKind | None = None
    type: SanctionType | None = None
    status: str = Field("", max_length=16, title="状态")
    q: str = Field("", max_length=50, title="姓名或拼音")
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(20, ge=1, le=100)


class SanctionIn(InputSchema):
    cadre: int = Field(title="干部", ge=1, le=MAX_ID)
    kind: SanctionKind = Field(title="类别")
    type: SanctionType = Field(title="种类")
    decision_date: DateValue = Field(title="决定日期")
    effective_date: DateValue = Field(title="生效日期")
    authority: Text = Field(title="决定机关", min_length=1, max_length=100)
    document_number: Text = Field("", title="文号", max_length=100)
    summary: Text = Field("", title="违纪违法事实摘要", max_length=5000)
    probation_months: int | None = Field(None, title="留党察看期限（月）")


class RevokeIn(InputSchema):
    version: int = Field(title="版本", ge=1)
    revoked_on: DateValue = Field(title="撤销/变更日期")
    reason: Text = Field(title="理由", min_length=1, max_length=5000)


class MentorIn(InputSchema):
    mentor_name: Text = Field(title="帮带责任人", min_length=1, max_length=50)
    mentor_post: Text = Field(title="职务", min_length=1, max_length=100)
    assigned_on: DateValue = Field(title="确定日期")
    sanction: int | None = Field(None, title="相关处分", ge=1, le=MAX_ID)


class FollowUpIn(InputSchema):
    visited_on: DateValue = Field(title="回访日期")
    visitors: Text = Field(title="回访人", min_length=1, max_length=200)
    thinking: Text = Field(title="思想状况", min_length=1, max_length=5000)
    work: Text = Field(title="工作表现", min_length=1, max_length=5000)
    difficulties: Text = Field("", title="困难诉求", max_length=5000)
    help_given: Text = Field("", title="帮扶措施", max_length=5000)
    next_due: DateValue | None = Field(None, title="下次回访日期")


class InfluenceOut(Schema):
    cadre_id: int
    on: date
    within: bool = Field(title="是否处于影响期内")
    until: date | None = Field(title="影响期至（长期为空）")


def _out(s: Sanction) -> dict[str, Any]:
    status = sanction_status(s, timezone.localdate())
    return {
        "id": s.pk,
        "cadre_id": s.cadre_id,
        "cadre_name": s.cadre.name,
        "kind": s.kind,
        "type": s.type,
        "type_label": s.get_type_display(),
        "decision_date": s.decision_date,
        "effective_date": s.effective_date,
        "authority": s.authority,
        "document_number": s.document_number,
        "influence_until": s.influence_until,
        "status": status,
        "status_label": STATUS_LABELS[status],
        "version": s.version,
    }


@router.get("/sanctions", response=SanctionListOut, summary="处分与组织处理列表")
def sanction_list(request: HttpRequest, params: Query[SanctionListParams]) -> Any:
    query = QueryDict(mutable=True)
    for key in ("kind", "type", "status", "q"):
        value = getattr(params, key)
        if value:
            query[key] = str(value)
    rows, _form = sel.sanction_list(
        actor=api_actor(request), params=query, today=timezone.localdate()
    )
    start = (params.page - 1) * params.page_size
    return {
        "count": rows.count(),
        "page": params.page,
        "page_size": params.page_size,
        "items": [_out(s) for s in rows.select_related("cadre")[start : start + params.page_size]],
    }


@router.get("/sanctions/{sanction_id}", response=SanctionOut, summary="处分详情")
def sanction_detail(request: HttpRequest, sanction_id: Id) -> Any:
    """Audited read; without the pillar or out of scope: 404 (audited as denied)."""
    return _out(sel.sanction_get(actor=api_actor(request), sanction_id=sanction_id))


@router.post("/sanctions", response={201: SanctionOut}, auth=WRITE_AUTH, summary="登记处分")
def sanction_create(request: HttpRequest, payload: SanctionIn) -> Status:
    data = payload.model_dump()
    cadre_id = data.pop("cadre")
    with field_labels(LABELS):
        sanction = services.sanction_add(
            actor=api_actor(request), cadre_id=cadre_id, data=services.SanctionInput(**data)
        )
    return Status(201, _out(sanction))


@router.post(
    "/sanctions/{sanction_id}/revoke", response=SanctionOut, auth=WRITE_AUTH, summary="撤销/变更"
)
def sanction_revoke(request: HttpRequest, sanction_id: Id, payload: RevokeIn) -> Any:
    with field_labels(LABELS):
        sanction = services.sanction_revoke(
            actor=api_actor(request),
            sanction_id=sanction_id,
            revoked_on=payload.revoked_on,
            reason=payload.reason,
            expected_version=payload.version,
        )
    return _out(sanction)


@router.post(
    "/cadres/{cadre_id}/mentor", response={201: dict}, auth=WRITE_AUTH, summary="确定帮带责任人"
)
def mentor_assign(request: HttpRequest, cadre_id: Id, payload: MentorIn) -> Status:
    """Assigning a new mentor ends the active one (exactly one active per cadre)."""
    data = payload.model_dump()
    data["sanction_id"] = data.pop("sanction")
    with field_labels(LABELS):
        mentor = mentoring.mentor_assign(
            actor=api_actor(request), cadre_id=cadre_id, data=mentoring.MentorInput(**data)
        )
    return Status(201, {"id": mentor.pk, "mentor_name": mentor.mentor_name})


@router.post(
    "/sanctions/{sanction_id}/follow-ups",
    response={201: dict},
    auth=WRITE_AUTH,
    summary="登记回访教育",
)
def follow_up_add(request: HttpRequest, sanction_id: Id, payload: FollowUpIn) -> Status:
    with field_labels(LABELS):
        visit = mentoring.follow_up_add(
            actor=api_actor(request),
            sanction_id=sanction_id,
            data=mentoring.FollowUpInput(**payload.model_dump()),
        )
    return Status(201, {"id": visit.pk, "next_due": visit.next_due})


@router.get("/cadres/{cadre_id}/influence", response=InfluenceOut, summary="是否处于处分影响期")
def cadre_influence(request: HttpRequest, cadre_id: Id, on: date | None = None) -> Any:
    """Open to every reader of the cadre (scoped, audited as a cadre read): only whether and
    until when — never the kind or the details."""
    cadre = cadre_get(actor=api_actor(request), cadre_id=cadre_id)
    day = on or timezone.localdate()
    period = sel.influence_period(cadre.pk, day)
    return {
        "cadre_id": cadre.pk,
        "on": day,
        "within": period is not None,
        "until": period.until if period else None,
    }
