"""The cadre detail page: header card and a tab per part of the 任免审批表; the pillars' tabs
(apps.cadres.detail_tabs) show only their counts there, their bodies come from `cadre_tab_view`."""

from django.core.exceptions import FieldDoesNotExist
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from apps.accounts.models import Role
from apps.cadres import identity
from apps.cadres.detail_tabs import badges_for, page_reads, tab_named, tabs_for
from apps.cadres.models import Cadre
from apps.core import audit
from apps.core.htmx import is_htmx_partial
from apps.core.models import AuditEvent, AuditOutcome

from .common import cadre_or_404, require_cadre_user
from .parts import table

ACTION_LABELS = {
    "cadre.create": "新增",
    "cadre.update": "修改",
    "cadre.delete": "删除",
    "cadre.restore": "恢复",
    "cadre.appointment.add": "新增任职",
    "cadre.education.add": "新增学历",
    "cadre.rank.add": "新增职级",
    "cadre.resume.add": "新增简历",
    "cadre.family.add": "新增家庭成员",
    "cadre.lrmx_import": "LRMX导入",
    "cadre.lrmx_export": "导出LRMX",
    "cadre.resume.replace": "更新简历",
    "cadre.family.replace": "更新家庭成员",
    "cadre.education.update": "修改学历",
}


def field_label(name: str) -> str:
    """The Chinese label of a cadre field (falls back to the identifier for parts)."""
    try:
        field = Cadre._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    return str(getattr(field, "verbose_name", name))


def cadre_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = require_cadre_user(request)
    cadre = cadre_or_404(request, pk)
    # Officers handle the 任免审批表 and need the full number; leaders see it masked.
    show_full_id = actor.role == Role.OFFICER and bool(cadre.id_number_encrypted)
    history = [
        {
            "at": e.at,
            "actor": e.actor_name,
            "action": ACTION_LABELS.get(e.action, e.action),
            "changes": [(field_label(k), v) for k, v in (e.after or {}).items()],
        }
        for e in AuditEvent.objects.filter(
            target_type="cadres.cadre", target_id=str(cadre.pk), action__startswith="cadre."
        ).exclude(action="cadre.view")[:50]
    ]
    educations = list(cadre.educations.all())
    appointments = list(cadre.appointments.select_related("post__unit"))
    resume = list(cadre.resume_entries.all())
    # The parts are read through the cadre (in scope, so the same rows as their visible_to):
    # tab counts such as 三龄两历 reuse them instead of reading them again.
    page_reads(request)[cadre.pk] = {
        "education": educations,
        "appointment": appointments,
        "resume": resume,
    }
    context = {
        "cadre": cadre,
        "id_number": identity.decrypt(cadre.id_number_encrypted)
        if show_full_id
        else cadre.id_number_masked,
        "parts": [
            table("education", educations),
            table("appointment", appointments),
            table("rank", cadre.rank_records.all()),
            table("resume", resume),
            table("family", cadre.family_members.all()),
        ],
        "history": history,
        "extra_tabs": tabs_for(request, cadre),
        "badges": badges_for(request, cadre),
        "breadcrumbs": [("干部名册", "/cadres/"), (cadre.name, None)],
    }
    return render(request, "cadres/cadre_detail.html", context)


def cadre_tab_view(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    """One pillar tab's body (apps.cadres.detail_tabs), loaded by htmx when the tab is first
    shown; opened directly it is a page of its own to print. The read is audited as a
    `cadre.view` with detail {"tab": key}; out of scope, or a tab hidden from this viewer
    (need-to-know), answers 404 — the latter audited as a denied `cadre.view` of the tab."""
    require_cadre_user(request)
    tab = tab_named(key)
    if tab is None:
        raise Http404("没有这个标签页")
    cadre = cadre_or_404(request, pk, detail={"tab": key})
    data = tab.build(request, cadre)
    if data.get("hidden"):
        audit.record(
            action="cadre.view",
            actor=request.user,
            target=cadre,
            outcome=AuditOutcome.DENIED,
            detail={"tab": key, "hidden": True},
        )
        raise Http404("记录不存在或不在您的数据范围内")
    context = {"cadre": cadre, "tab": tab, "data": data}
    if is_htmx_partial(request):
        return render(request, "cadres/_cadre_tab.html", context)
    context["breadcrumbs"] = [
        ("干部名册", "/cadres/"),
        (cadre.name, reverse("cadres:cadre_detail", args=[cadre.pk])),
        (tab.label, None),
    ]
    return render(request, "cadres/cadre_tab.html", context)


def cadre_photo_view(request: HttpRequest, pk: int) -> FileResponse:
    """The photo, served only through the scope check (media files are never public)."""
    require_cadre_user(request)
    cadre = Cadre.objects.visible_to(request.user).filter(pk=pk).first()
    if cadre is None or not cadre.photo:
        raise Http404("照片不存在")
    return FileResponse(cadre.photo.open("rb"))
