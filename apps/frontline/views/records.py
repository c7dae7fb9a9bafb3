"""Pages of frontline service: the 一线干部 list, add/edit, delete with undo, restore, and the
evidence upload and (audited, scoped) download."""

from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from apps.cadres.views.common import cadre_or_404, require_cadre_user
from apps.core.exceptions import DomainError, OutOfScopeError
from apps.core.htmx import is_htmx_partial
from apps.core.lists import list_context, sort_headers, undo_message
from apps.core.scope import Action
from apps.frontline.constants import TaskKind
from apps.frontline.forms_tasks import (
    HARDSHIP_CHOICES,
    EvidenceForm,
    ServiceFilterForm,
    ServiceForm,
)
from apps.frontline.models import FrontlineService
from apps.frontline.selectors import (
    SERVICE_DEFAULT_SORT,
    service_get,
    service_list,
    service_rows,
    task_choices,
)
from apps.frontline.services.records import (
    evidence_add,
    evidence_open,
    service_add,
    service_delete,
    service_restore,
    service_update,
)
from apps.units.models import Unit
from apps.units.options import unit_options

from .common import dispatch_url

SERVICE_COLUMNS = {
    "cadre": "姓名",
    "unit": "单位",
    "task": "中心任务",
    "start_date": "起止时间",
}


def _tab_url(cadre_id: int) -> str:
    return reverse("cadres:cadre_detail", args=[cadre_id]) + "#tab-frontline"


def service_list_view(request: HttpRequest) -> HttpResponse:
    actor = require_cadre_user(request)
    today = timezone.localdate()
    form = ServiceFilterForm(request.GET)
    filters = form.filters()
    context = list_context(request, service_list(actor=actor, filters=filters, today=today))
    sort = filters.sort if filters else SERVICE_DEFAULT_SORT
    context.update(
        rows=service_rows(context["page"].object_list, today),
        form=form,
        headers=sort_headers(request, SERVICE_COLUMNS, sort, "#service-results"),
        breadcrumbs=[("一线干部", None)],
    )
    if is_htmx_partial(request):
        return render(request, "frontline/_service_results.html", context)
    chosen_unit = [filters.unit] if filters and filters.unit else []
    context.update(
        tasks=task_choices(actor=actor),
        kinds=TaskKind.choices,
        hardships=HARDSHIP_CHOICES,
        units=unit_options(Unit.objects.visible_to(actor).active(), chosen_unit),
    )
    return render(request, "frontline/service_list.html", context)


def service_add_view(request: HttpRequest, cadre_id: int) -> HttpResponse:
    actor = require_cadre_user(request, change=True)
    cadre = cadre_or_404(request, cadre_id, Action.CHANGE)
    initial = {"task": request.GET.get("task")} if request.GET.get("task") else None
    form = ServiceForm(request.POST or None, actor=actor, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            service_add(actor=actor, cadre_id=cadre.pk, data=form.to_input())
        except OutOfScopeError:
            raise Http404 from None
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, f"已为{cadre.name}新增一线经历")
            return redirect(_tab_url(cadre.pk))
    context = {
        "form": form,
        "cadre": cadre,
        "service": None,
        "breadcrumbs": [
            ("干部名册", reverse("cadres:cadre_list")),
            (cadre.name, _tab_url(cadre.pk)),
            ("新增一线经历", None),
        ],
    }
    return render(request, "frontline/service_form.html", context)


def _service_or_404(actor: Any, pk: int, action: Action = Action.VIEW) -> FrontlineService:
    try:
        return service_get(actor=actor, service_id=pk, action=action)
    except OutOfScopeError:
        raise Http404 from None


def service_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = require_cadre_user(request, change=True)
    service = _service_or_404(actor, pk, Action.CHANGE)
    form = ServiceForm(request.POST or None, actor=actor, initial=ServiceForm.initial_of(service))
    if request.method == "POST" and form.is_valid():
        try:
            service_update(actor=actor, service_id=pk, data=form.to_input())
        except OutOfScopeError:
            raise Http404 from None
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, "已保存")
            return redirect(_tab_url(service.cadre_id))
    context = {
        "form": form,
        "cadre": service.cadre,
        "service": service,
        "evidence": list(service.evidence.all()),
        "evidence_form": EvidenceForm(),
        "dispatch_url": dispatch_url(service.dispatch_id) if service.dispatch_id else "",
        "breadcrumbs": [
            ("一线干部", reverse("frontline:service_list")),
            (service.cadre.name, _tab_url(service.cadre_id)),
            ("编辑一线经历", None),
        ],
    }
    return render(request, "frontline/service_form.html", context)


@require_POST
def service_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = require_cadre_user(request, change=True)
    try:
        service = service_delete(actor=actor, service_id=pk)
    except OutOfScopeError:
        raise Http404 from None
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("frontline:service_edit", pk=pk)
    undo = reverse("frontline:service_restore", args=[pk])
    text = f"已删除{service.cadre.name}在“{service.place}”的一线经历。"
    messages.success(request, undo_message(request, text, undo))
    return redirect(_tab_url(service.cadre_id))


@require_POST
def service_restore_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = require_cadre_user(request, change=True)
    try:
        service = service_restore(actor=actor, service_id=pk)
    except OutOfScopeError:
        raise Http404 from None
    messages.success(request, "已恢复该一线经历")
    return redirect(_tab_url(service.cadre_id))


@require_POST
def evidence_upload_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = require_cadre_user(request, change=True)
    service = _service_or_404(actor, pk, Action.CHANGE)
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "请选择要上传的文件")
        return redirect("frontline:service_edit", pk=pk)
    try:
        evidence = evidence_add(
            actor=actor, service_id=service.pk, upload=form.cleaned_data["file"]
        )
    except OutOfScopeError:
        raise Http404 from None
    except DomainError as exc:
        messages.error(request, f"上传失败：{exc.message}")
    else:
        messages.success(request, f"已上传“{evidence.name}”")
    return redirect("frontline:service_edit", pk=pk)


def evidence_download_view(request: HttpRequest, pk: int) -> FileResponse:
    actor = require_cadre_user(request)
    try:
        evidence = evidence_open(actor=actor, evidence_id=pk)
    except OutOfScopeError:
        raise Http404("文件不存在或不在您的数据范围内") from None
    response = FileResponse(evidence.file.open("rb"), as_attachment=True)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(evidence.name)}"
    return response
