"""REST endpoints for cadres (/api/v1/cadres/) and unit occupancy (/api/v1/units/{id}/occupancy).

Thin: parse → selector/service → schema. Scope comes from the selectors and services only, so a
cadre outside the actor's scope is a 404 everywhere (detail reads are audited as denied). Leaders
read; writes need the officer role (403 otherwise — the role is not secret). Officers get the
full 公民身份号码 in the detail; everyone else, and every list row, gets the masked form.
"""

from typing import Annotated, Any

from django.http import HttpRequest, QueryDict
from ninja import Field, Path, Query, Router, Schema, Status

from apps.accounts.api_auth import READ_AUTH, WRITE_AUTH, WRITE_ROLES, api_actor, check_role
from apps.accounts.models import Role
from apps.core.api_errors import field_labels
from apps.core.exceptions import DomainError, OutOfScopeError, StaleVersionError
from apps.core.scope import Action
from apps.units.models import Unit

from . import identity, selectors, services
from .models import Appointment, Cadre, Education, FamilyMember, RankRecord, ResumeEntry
from .schemas import (
    MAX_ID,
    CadreDetailOut,
    CadreIn,
    CadreListOut,
    CadreListParams,
    CadrePatchIn,
    CadreUpdateIn,
)

router = Router(tags=["干部"], auth=READ_AUTH)
unit_router = Router(tags=["单位"], auth=READ_AUTH)

CadreId = Annotated[int, Path(title="干部编号", ge=1, le=MAX_ID)]
UnitId = Annotated[int, Path(title="单位编号", ge=1, le=MAX_ID)]
# Field labels for service errors and for the "what changed" list of a 409.
LABELS: dict[str, str] = {
    **{f.name: str(f.verbose_name) for f in Cadre._meta.fields},
    **{name: str(info.title) for name, info in CadreIn.model_fields.items()},
    "version": "版本",
}
HIDDEN_CHANGES = ("id_number_hash", "id_number_encrypted", "name_pinyin", "name_initials")
UNIT_UNKNOWN = "单位不存在或不在您的数据范围内"


class _Detail:
    """The cadre plus the parts read for it; the schema reads both through attributes."""

    def __init__(self, cadre: Cadre, **parts: Any) -> None:
        self.cadre = cadre
        self.parts = parts

    def __getattr__(self, name: str) -> Any:
        if name in self.parts:
            return self.parts[name]
        return getattr(self.cadre, name)


def _detail(actor: Any, cadre: Cadre) -> _Detail:
    """The detail payload; parts are read through their own scoped managers."""
    id_number = None
    if actor.role == Role.OFFICER and cadre.id_number_encrypted:
        id_number = identity.decrypt(cadre.id_number_encrypted)
    appointments = Appointment.objects.visible_to(actor).filter(cadre=cadre)
    return _Detail(
        cadre,
        id_number=id_number,
        educations=list(Education.objects.visible_to(actor).filter(cadre=cadre)),
        appointments=list(appointments.select_related("post__unit")),
        rank_records=list(RankRecord.objects.visible_to(actor).filter(cadre=cadre)),
        resume_entries=list(ResumeEntry.objects.visible_to(actor).filter(cadre=cadre)),
        family_members=list(FamilyMember.objects.visible_to(actor).filter(cadre=cadre)),
    )


def _with_unit(actor: Any, data: dict[str, Any], *, cadre_id: int | None = None) -> dict[str, Any]:
    """Replace the unit id by the Unit; unknown and out-of-scope ids read the same."""
    if "unit" not in data:
        return data
    unit = Unit.objects.visible_to(actor, Action.CHANGE).filter(pk=data["unit"]).first()
    if unit is None:
        raise DomainError(UNIT_UNKNOWN, code="unknown_unit", fields={"unit": UNIT_UNKNOWN})
    if not unit.is_active:
        current = None
        if cadre_id is not None:
            current = (
                Cadre.objects.visible_to(actor, Action.CHANGE)
                .filter(pk=cadre_id)
                .values_list("unit_id", flat=True)
                .first()
            )
        if current != unit.pk:
            message = "该单位已撤并，请选择并入后的单位"
            raise DomainError(message, code="inactive_unit", fields={"unit": message})
    return {**data, "unit": unit}


def _update(request: HttpRequest, cadre_id: int, version: int, data: dict[str, Any]) -> Any:
    actor = api_actor(request)
    with field_labels(LABELS):
        data = _with_unit(actor, data, cadre_id=cadre_id)
        try:
            cadre = services.cadre_update(
                actor=actor, cadre_id=cadre_id, expected_version=version, data=data
            )
        except StaleVersionError as exc:
            for key in HIDDEN_CHANGES:
                exc.changes.pop(key, None)
            raise
    return _detail(actor, cadre)


@router.get("/", response=CadreListOut, summary="干部列表")
def cadre_list(request: HttpRequest, filters: Query[CadreListParams]) -> dict[str, Any]:
    """Scoped, filtered, sorted and paged; `count` is the total within the actor's scope."""
    actor = api_actor(request)
    if filters.deleted:
        check_role(request, actor, WRITE_ROLES)
    params = QueryDict(mutable=True)
    for key, values in filters.filter_params().items():
        params.setlist(key, values)
    queryset, flt = selectors.cadre_list(
        actor=actor, params=params, include_deleted=filters.deleted
    )
    if flt.errors:
        labels = {k: str(v.title) for k, v in CadreListParams.model_fields.items()}
        with field_labels(labels):
            fields = {key: "；".join(messages) for key, messages in flt.errors.items()}
            raise DomainError("；".join(fields.values()), fields=fields)
    start = (filters.page - 1) * filters.page_size
    counted, _ = selectors.cadre_list(  # the same rows, matched the way a count runs fastest
        actor=actor, params=params, include_deleted=filters.deleted, for_count=True
    )
    return {
        "count": counted.count(),
        "page": filters.page,
        "page_size": filters.page_size,
        "items": list(queryset[start : start + filters.page_size]),
    }


@router.get("/{cadre_id}", response=CadreDetailOut, summary="干部详情")
def cadre_detail(request: HttpRequest, cadre_id: CadreId) -> _Detail:
    """One record with its parts; the read is audited (an out-of-scope id as denied → 404)."""
    cadre = selectors.cadre_get(actor=api_actor(request), cadre_id=cadre_id)
    return _detail(api_actor(request), cadre)


@router.post("/", response={201: CadreDetailOut}, auth=WRITE_AUTH, summary="新增干部")
def cadre_create(request: HttpRequest, payload: CadreIn) -> Status:
    actor = api_actor(request)
    data = payload.model_dump()
    if data.get("id_number") is None:
        data.pop("id_number", None)
    with field_labels(LABELS):
        cadre = services.cadre_create(actor=actor, data=_with_unit(actor, data))
    return Status(201, _detail(actor, cadre))


@router.put("/{cadre_id}", response=CadreDetailOut, auth=WRITE_AUTH, summary="修改干部（整体）")
def cadre_replace(request: HttpRequest, cadre_id: CadreId, payload: CadreUpdateIn) -> Any:
    """Replace the record; `version` must be the one read, else 409 with what changed."""
    data = payload.model_dump(exclude={"version"})
    if data.get("id_number") is None:
        data.pop("id_number", None)  # omitted: keep the stored number
    return _update(request, cadre_id, payload.version, data)


@router.patch("/{cadre_id}", response=CadreDetailOut, auth=WRITE_AUTH, summary="修改干部（部分）")
def cadre_patch(request: HttpRequest, cadre_id: CadreId, payload: CadrePatchIn) -> Any:
    """Change only the fields sent; `version` is required as for PUT."""
    return _update(request, cadre_id, payload.version, payload.changes())


@router.delete("/{cadre_id}", response={204: None}, auth=WRITE_AUTH, summary="删除干部")
def cadre_delete(request: HttpRequest, cadre_id: CadreId) -> Status:
    """Soft delete (移入回收站); POST …/restore undoes it."""
    services.cadre_delete(actor=api_actor(request), cadre_id=cadre_id)
    return Status(204, None)


@router.post(
    "/{cadre_id}/restore", response=CadreDetailOut, auth=WRITE_AUTH, summary="恢复已删除干部"
)
def cadre_restore(request: HttpRequest, cadre_id: CadreId) -> Any:
    cadre = services.cadre_restore(actor=api_actor(request), cadre_id=cadre_id)
    return _detail(api_actor(request), cadre)


class OccupancyRowOut(Schema):
    tier: str = Field(title="职务层次")
    tier_label: str
    approved: int = Field(title="核定职数")
    held: int = Field(title="实配")
    over: bool = Field(title="超职数")
    excess: int = Field(0, title="超出数")


class OccupancyOut(Schema):
    unit_id: int
    cadre_count: int = Field(title="干部人数（含下级，限数据范围）")
    tiers: list[OccupancyRowOut]


@unit_router.get("/{unit_id}/occupancy", response=OccupancyOut, summary="单位职数与实配")
def unit_occupancy(request: HttpRequest, unit_id: UnitId) -> dict[str, Any]:
    """职数 vs holders per tier of a unit visible to the actor (404 otherwise)."""
    actor = api_actor(request)
    unit = Unit.objects.visible_to(actor).filter(pk=unit_id).first()
    if unit is None:
        raise OutOfScopeError()
    counts = selectors.unit_cadre_counts(actor=actor, units=[unit])
    return {
        "unit_id": unit.pk,
        "cadre_count": counts.get(unit.pk, 0),
        "tiers": selectors.unit_occupancy(unit=unit),
    }
