"""REST endpoints of the interchange (/api/v1/cadres/{id}/…): the 任免审批表 as PDF or .docx and the
LRMX file of one cadre. Same scope (404 outside it) and audit as the pages."""

from datetime import date
from typing import Annotated
from urllib.parse import quote

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Path, Router

from apps.accounts.api_auth import READ_AUTH, WRITE_AUTH, api_actor
from apps.cadres import lrmx
from apps.cadres.appointment_form import FormData, build
from apps.cadres.schemas import MAX_ID
from apps.core import audit

router = Router(tags=["干部信息交换"], auth=READ_AUTH)
CadreId = Annotated[int, Path(title="干部编号", ge=1, le=MAX_ID)]
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _file(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    response["Cache-Control"] = "no-store"
    return response


def _form(request: HttpRequest, cadre_id: int, fmt: str, on: date | None) -> FormData:
    actor = api_actor(request)
    day = on or timezone.localdate()
    form = build(cadre_id, actor=actor, on=day)  # scoped (OutOfScopeError → 404) and audited
    audit.record(
        action="cadre.appointment_form",
        actor=actor,
        target_type="cadres.cadre",
        target_id=cadre_id,
        target_repr=form.name,
        detail={"format": fmt, "on": day.isoformat(), "via": "api"},
    )
    return form


@router.get("/{cadre_id}/appointment-form.pdf", summary="任免审批表（PDF）")
def appointment_form_pdf(
    request: HttpRequest, cadre_id: CadreId, on: date | None = None
) -> HttpResponse:
    """`on`: the form's date (ages are computed to it); default today."""
    from apps.cadres.appointment_form.pdf import render_pdf

    form = _form(request, cadre_id, "pdf", on)
    return _file(render_pdf([form]), "application/pdf", f"{form.name}_干部任免审批表.pdf")


@router.get("/{cadre_id}/appointment-form.docx", summary="任免审批表（Word）")
def appointment_form_docx(
    request: HttpRequest, cadre_id: CadreId, on: date | None = None
) -> HttpResponse:
    from apps.cadres.appointment_form.word import render_docx

    form = _form(request, cadre_id, "docx", on)
    return _file(render_docx(form), DOCX, f"{form.name}_干部任免审批表.docx")


@router.get("/{cadre_id}/lrmx", auth=WRITE_AUTH, summary="导出LRMX")
def lrmx_export(request: HttpRequest, cadre_id: CadreId) -> HttpResponse:
    """Officers only: the file carries the full 公民身份号码 (leaders see it masked)."""
    name, content = lrmx.export_one(cadre_id, actor=api_actor(request))
    return _file(content, "application/xml", name)
