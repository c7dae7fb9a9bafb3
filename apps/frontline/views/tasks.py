"""Pages of central tasks: the list (filters, sort, pages, export), create/edit, and the detail
page with the scoped participants and a summary per unit."""

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from apps.cadres.views.common import is_officer, require_cadre_user
from apps.core.exceptions import DomainError, OutOfScopeError, StaleVersionError
from apps.core.htmx import is_htmx_partial
from apps.core.lists import list_context, sort_headers
from apps.core.scope import Action
from apps.frontline.constants import TaskKind
from apps.frontline.forms_tasks import TASK_STATUS_CHOICES, TaskFilterForm, TaskForm
from apps.frontline.models import CentralTask
from apps.frontline.selectors import (
    TASK_DEFAULT_SORT,
    service_rows,
    task_changeable,
    task_get,
    task_list,
    task_participant_counts,
    task_participants,
    task_status,
    task_unit_summary,
)
from apps.frontline.services.tasks import task_create, task_update

TASK_COLUMNS = {"name": "任务名称", "kind": "类别", "start_date": "起止时间"}
FIELD_LABELS = {
    "name": "任务名称",
    "kind": "任务类别",
    "lead_unit": "牵头单位",
    "participating_units": "参与单位",
    "start_date": "开始日期",
    "end_date": "结束日期",
    "description": "任务说明",
}


@dataclass(frozen=True)
class TaskRow:
    task: CentralTask
    participants: int
    status: str


def _crumbs(*items: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [("中心任务", reverse("frontline:task_list")), *items]


def task_list_view(request: HttpRequest) -> HttpResponse:
    actor = require_cadre_user(request)
    today = timezone.localdate()
    form = TaskFilterForm(request.GET)
    filters = form.filters()
    context = list_context(request, task_list(actor=actor, filters=filters, today=today))
    tasks = list(context["page"].object_list)
    counts = task_participant_counts(actor=actor, task_ids=[t.pk for t in tasks])
    sort = filters.sort if filters else TASK_DEFAULT_SORT
    context.update(
        rows=[TaskRow(t, counts.get(t.pk, 0), task_status(t, today)) for t in tasks],
        form=form,
        kinds=TaskKind.choices,
        statuses=TASK_STATUS_CHOICES,
        headers=sort_headers(request, TASK_COLUMNS, sort, "#task-results"),
        breadcrumbs=[("中心任务", None)],
    )
    partial = is_htmx_partial(request)
    return render(
        request, "frontline/_task_results.html" if partial else "frontline/task_list.html", context
    )


def _conflict_rows(changes: dict[str, tuple[object, object]]) -> list[tuple[str, object, object]]:
    return [(FIELD_LABELS.get(k, k), old, new) for k, (old, new) in changes.items()]


def task_create_view(request: HttpRequest) -> HttpResponse:
    actor = require_cadre_user(request, change=True)
    form = TaskForm(request.POST or None, actor=actor)
    if request.method == "POST" and form.is_valid():
        try:
            task = task_create(actor=actor, data=form.to_input())
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, f"已新增中心任务“{task.name}”")
            return redirect("frontline:task_detail", pk=task.pk)
    context = {"form": form, "task": None, "breadcrumbs": _crumbs(("新增中心任务", None))}
    return render(request, "frontline/task_form.html", context)


def task_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = require_cadre_user(request, change=True)
    try:
        task = task_get(actor=actor, task_id=pk, action=Action.CHANGE)
    except OutOfScopeError:
        raise Http404 from None
    form = TaskForm(request.POST or None, actor=actor, initial=TaskForm.initial_of(task))
    conflict: list[tuple[str, object, object]] | None = None
    if request.method == "POST" and form.is_valid():
        version = form.cleaned_data.get("version") or 0
        try:
            task_update(actor=actor, task_id=pk, expected_version=version, data=form.to_input())
        except StaleVersionError as exc:
            form.add_domain_error(exc)
            conflict = _conflict_rows(exc.changes)
        except OutOfScopeError:
            raise Http404 from None
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, "已保存")
            return redirect("frontline:task_detail", pk=pk)
    context = {
        "form": form,
        "task": task,
        "conflict": conflict,
        "breadcrumbs": _crumbs(
            (task.name, reverse("frontline:task_detail", args=[pk])), ("编辑", None)
        ),
    }
    return render(request, "frontline/task_form.html", context, status=409 if conflict else 200)


def task_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = require_cadre_user(request)
    try:
        task = task_get(actor=actor, task_id=pk)
    except OutOfScopeError:
        raise Http404 from None
    today = timezone.localdate()
    context: dict[str, Any] = list_context(request, task_participants(actor=actor, task_id=pk))
    context.update(
        task=task,
        today=today,
        status=task_status(task, today),
        rows=service_rows(context["page"].object_list, today),
        units=task_unit_summary(actor=actor, task_id=pk, today=today),
        can_edit=is_officer(actor) and task_changeable(actor=actor, task_id=pk),
        export_query=f"task={pk}",
        breadcrumbs=_crumbs((task.name, None)),
    )
    if is_htmx_partial(request):
        return render(request, "frontline/_task_participants.html", context)
    return render(request, "frontline/task_detail.html", context)
