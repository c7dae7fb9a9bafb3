"""Pages of 知事识人: the task record list (filters, export), add/edit (versioned), the cadre
picker the create pages share, key work items and a unit's key-work page."""

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from apps.assessment import selectors_research as sel
from apps.assessment.forms_research import (
    ASPECT_CHOICES,
    KeyWorkForm,
    RecordFilterForm,
    TaskRecordForm,
)
from apps.assessment.models import TaskRecord
from apps.assessment.services.tasks import keywork_create, taskrecord_add, taskrecord_update
from apps.cadres.filters import search as cadre_search
from apps.cadres.models import Cadre
from apps.cadres.views.common import cadre_or_404, is_officer, require_cadre_user
from apps.core.exceptions import DomainError, OutOfScopeError, StaleVersionError
from apps.core.htmx import is_htmx_partial
from apps.core.lists import list_context, sort_headers
from apps.core.scope import Action
from apps.frontline.selectors import task_choices
from apps.units.models import Unit
from apps.units.options import unit_options

COLUMNS = {"cadre": "姓名", "unit": "单位", "start_date": "起止时间"}
MAX_CADRES = 20
# The create pages that start by picking a cadre: ?for=… → the page's URL name.
PICK_TARGETS = {
    "taskrecord": "assessment:taskrecord_create",
    "special": "assessment:special_create",
    "inaction": "assessment:inaction_create",
}
FIELD_LABELS = {
    "central_task": "中心任务",
    "key_work": "重点工作",
    "role": "承担角色",
    "start_date": "开始日期",
    "end_date": "结束日期",
    "planning": "谋事",
    "planning_evidence": "谋事依据",
    "execution": "干事",
    "execution_evidence": "干事依据",
    "result": "成事",
    "result_evidence": "成事依据",
    "observations": "调研印证",
}


def tab_url(cadre_id: int) -> str:
    return reverse("cadres:cadre_detail", args=[cadre_id]) + "#tab-taskrecords"


def _crumbs(*items: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [("知事识人", reverse("assessment:taskrecord_list")), *items]


def taskrecord_list_view(request: HttpRequest) -> HttpResponse:
    actor = require_cadre_user(request)
    form = RecordFilterForm(request.GET)
    filters = form.filters()
    context = list_context(request, sel.taskrecord_list(actor=actor, filters=filters))
    sort = filters.sort if filters else sel.RECORD_DEFAULT_SORT
    context.update(
        form=form,
        headers=sort_headers(request, COLUMNS, sort, "#taskrecord-results"),
        breadcrumbs=[("知事识人", None)],
    )
    if is_htmx_partial(request):
        return render(request, "assessment/_taskrecord_results.html", context)
    chosen = [filters.unit] if filters and filters.unit else []
    context.update(
        tasks=task_choices(actor=actor),
        units=unit_options(Unit.objects.visible_to(actor).active(), chosen),
        aspects=ASPECT_CHOICES,
    )
    return render(request, "assessment/taskrecord_list.html", context)


def cadre_pick_view(request: HttpRequest) -> HttpResponse:
    """htmx: cadres the actor may write about, matching the typed name or pinyin, as links to
    the create page named by `for`."""
    actor = require_cadre_user(request, change=True)
    target = PICK_TARGETS.get(request.GET.get("for", ""), PICK_TARGETS["taskrecord"])
    text = request.GET.get("q", "").strip()[:50]
    cadres: list[Cadre] = []
    if text:
        found = cadre_search(Cadre.objects.visible_to(actor, Action.CHANGE), text)
        cadres = list(found.select_related("unit").order_by("name_pinyin", "id")[:MAX_CADRES])
    context = {"cadres": cadres, "q": text, "limit": MAX_CADRES, "pick_url": reverse(target)}
    return render(request, "assessment/_taskrecord_cadre_options.html", context)


def picked_cadre(request: HttpRequest) -> Cadre | None:
    """The cadre named by ?cadre= (CHANGE scope, read audited); 404 if out of scope."""
    raw = request.GET.get("cadre", "")
    if not raw.isdigit():
        return None
    return cadre_or_404(request, int(raw), Action.CHANGE)


def _keep(choices: list[tuple[int, str]], pk: int | None, label: str) -> list[tuple[int, str]]:
    """The choices plus the record's current one when the list leaves it out (cadre moved,
    more options than shown), so an edit does not lose it."""
    if pk is None or any(value == pk for value, _ in choices):
        return choices
    return [*choices, (pk, label)]


def _form(
    actor: Any,
    cadre: Cadre,
    data: Any = None,
    initial: Any = None,
    record: TaskRecord | None = None,
) -> TaskRecordForm:
    tasks = task_choices(actor=actor)
    key_work = sel.keywork_choices(actor=actor, cadre=cadre)
    if record is not None:
        tasks = _keep(tasks, record.central_task_id, str(record.central_task))
        key_work = _keep(key_work, record.key_work_id, str(record.key_work))
    observations = [
        (
            o.pk,
            f"{o.visit.visited_on:%Y-%m-%d} {o.visit.team.name}·{o.get_kind_display()}：{o.text}",
        )
        for o in sel.cadre_observations(actor=actor, cadre_id=cadre.pk)[: sel.MAX_OPTIONS]
    ]
    return TaskRecordForm(
        data,
        initial=initial,
        tasks=tasks,
        key_work=key_work,
        observations=observations,
    )


def taskrecord_create_view(request: HttpRequest) -> HttpResponse:
    actor = require_cadre_user(request, change=True)
    cadre = picked_cadre(request)
    form = _form(actor, cadre, request.POST or None) if cadre else None
    if cadre and form and request.method == "POST" and form.is_valid():
        try:
            taskrecord_add(actor=actor, cadre_id=cadre.pk, data=form.to_input())
        except OutOfScopeError:
            raise Http404 from None
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, f"已为{cadre.name}新增知事识人记录")
            return redirect(tab_url(cadre.pk))
    context = {
        "form": form,
        "cadre": cadre,
        "record": None,
        "pick_for": "taskrecord",
        "breadcrumbs": _crumbs(("新增知事识人记录", None)),
    }
    return render(request, "assessment/taskrecord_form.html", context)


def taskrecord_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = require_cadre_user(request, change=True)
    try:
        record = sel.taskrecord_get(actor=actor, record_id=pk, action=Action.CHANGE)
    except OutOfScopeError:
        raise Http404 from None
    initial = TaskRecordForm.initial_of(record)
    form = _form(actor, record.cadre, request.POST or None, initial, record)
    conflict: list[tuple[str, object, object]] | None = None
    if request.method == "POST" and form.is_valid():
        version = form.cleaned_data.get("version") or 0
        try:
            taskrecord_update(
                actor=actor, record_id=pk, expected_version=version, data=form.to_input()
            )
        except StaleVersionError as exc:
            form.add_domain_error(exc)
            conflict = [(FIELD_LABELS.get(k, k), old, new) for k, (old, new) in exc.changes.items()]
        except OutOfScopeError:
            raise Http404 from None
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, "已保存")
            return redirect(tab_url(record.cadre_id))
    context = {
        "form": form,
        "cadre": record.cadre,
        "record": record,
        "conflict": conflict,
        "breadcrumbs": _crumbs((record.cadre.name, tab_url(record.cadre_id)), ("编辑", None)),
    }
    return render(
        request, "assessment/taskrecord_form.html", context, status=409 if conflict else 200
    )


def keywork_create_view(request: HttpRequest) -> HttpResponse:
    actor = require_cadre_user(request, change=True)
    initial = {"unit": request.GET.get("unit"), "year": timezone.localdate().year}
    form = KeyWorkForm(request.POST or None, actor=actor, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            item = keywork_create(actor=actor, data=form.to_input())
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, f"已新增重点工作“{item.title}”")
            return redirect("assessment:keywork_list", unit_id=item.unit_id)
    context = {"form": form, "breadcrumbs": _crumbs(("新增重点工作", None))}
    return render(request, "assessment/keywork_form.html", context)


def keywork_list_view(request: HttpRequest, unit_id: int) -> HttpResponse:
    """A unit's page: its key work and the cadres who carried each item, and the central tasks
    the unit's cadres carried."""
    actor = require_cadre_user(request)
    try:
        unit = sel.unit_get(actor=actor, unit_id=unit_id)
    except OutOfScopeError:
        raise Http404("记录不存在或不在您的数据范围内") from None
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isdigit() else None
    context = {
        "unit": unit,
        "year": year,
        "items": sel.unit_key_work(actor=actor, unit=unit, year=year),
        "tasks": sel.unit_central_tasks(actor=actor, unit=unit),
        "can_add": is_officer(actor)
        and Unit.objects.visible_to(actor, Action.CHANGE).filter(pk=unit.pk).exists(),
        "breadcrumbs": _crumbs((f"{unit.name}重点工作", None)),
    }
    return render(request, "assessment/keywork_list.html", context)
