"""Pages of the memorial records (牺牲 / 因公殉职) and the family-care follow-ups.

The memorial itself is shown plainly and respectfully; only the care follow-up (a visit that is
due) is flagged, on the list of overdue follow-ups.
"""

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from apps.cadres.views.common import cadre_or_404, filtered_list_context, require_cadre_user
from apps.core.exceptions import DomainError, OutOfScopeError, StaleVersionError
from apps.core.htmx import is_htmx_partial
from apps.core.lists import sort_headers
from apps.core.paging import page_size_of
from apps.core.rulesets import param
from apps.core.scope import Action
from apps.frontline import selectors_care as care
from apps.frontline.forms_care import SacrificeForm, VisitForm
from apps.frontline.models import CentralTask, Sacrifice
from apps.frontline.params import CARE_VISIT_INTERVAL_DAYS
from apps.frontline.services import memorials as services

MEMORIAL_COLUMNS = [("name", "姓名"), ("died_on", "牺牲日期"), ("due", "下次走访")]
FIELD_LABELS = {
    "died_on": "牺牲日期",
    "task": "中心任务",
    "place": "地点",
    "circumstances": "事迹与经过",
    "honours": "追授荣誉",
    "family_contact": "家属联系人",
    "care_interval_days": "走访间隔（天）",
}


def _memorials_page(request: HttpRequest, *, overdue: bool) -> HttpResponse:
    actor = require_cadre_user(request)
    today = timezone.localdate()
    rows, form = care.memorial_list(
        actor=actor, params=request.GET, today=today, overdue_only=overdue
    )
    page = Paginator(rows, page_size_of(request)).get_page(request.GET.get("page"))
    context = filtered_list_context(request, page, form)
    default = "due" if overdue else "-died_on"
    target = "#memorial-results"
    context["sorts"] = sort_headers(
        request, MEMORIAL_COLUMNS, request.GET.get("sort") or default, target
    )
    context.update(today=today, overdue=overdue)
    if is_htmx_partial(request):
        return render(request, "frontline/_memorial_results.html", context)
    if not overdue:
        context["pick"] = care.cadre_pick(actor=actor, text=request.GET.get("pick", ""))
    context["breadcrumbs"] = (
        [("牺牲干部纪念", reverse("frontline:memorial_list")), ("家属关怀逾期", None)]
        if overdue
        else [("牺牲干部纪念", None)]
    )
    template = "frontline/memorial_overdue.html" if overdue else "frontline/memorial_list.html"
    return render(request, template, context)


def memorial_list_view(request: HttpRequest) -> HttpResponse:
    return _memorials_page(request, overdue=False)


def care_overdue_view(request: HttpRequest) -> HttpResponse:
    return _memorials_page(request, overdue=True)


def _record_or_404(request: HttpRequest, pk: int, action: Action = Action.VIEW) -> Sacrifice:
    try:
        return care.sacrifice_get(actor=request.user, sacrifice_id=pk, action=action)
    except OutOfScopeError:
        raise Http404("记录不存在或不在您的数据范围内") from None


def _task_choices(actor: Any) -> list[tuple[int, str]]:
    tasks = CentralTask.objects.visible_to(actor).order_by("-start_date", "id")[:300]
    return [(t.pk, f"{t.name}（{t.start_date:%Y}）") for t in tasks]


def memorial_create_view(request: HttpRequest, cadre_id: int) -> HttpResponse:
    actor = require_cadre_user(request, change=True)
    cadre = cadre_or_404(request, cadre_id, Action.CHANGE)
    interval = param(CARE_VISIT_INTERVAL_DAYS.key, timezone.localdate())
    form = SacrificeForm(
        request.POST or None,
        initial={"care_interval_days": interval},
        task_choices=_task_choices(actor),
    )
    if request.method == "POST" and form.is_valid():
        try:
            record = services.sacrifice_create(
                actor=actor, cadre_id=cadre.pk, data=form.service_data()
            )
        except OutOfScopeError:
            raise Http404 from None
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, f"已登记{cadre.name}的纪念记录")
            return redirect("frontline:memorial_detail", pk=record.pk)
    context = {
        "form": form,
        "cadre": cadre,
        "record": None,
        "breadcrumbs": [
            ("牺牲干部纪念", reverse("frontline:memorial_list")),
            (cadre.name, reverse("cadres:cadre_detail", args=[cadre.pk])),
            ("登记纪念记录", None),
        ],
    }
    return render(request, "frontline/memorial_form.html", context)


def memorial_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = require_cadre_user(request)
    record = _record_or_404(request, pk)
    today = timezone.localdate()
    context = {
        "record": record,
        "state": care.memorial_state(actor=actor, record=record, today=today),
        "visits": record.visits.select_related("created_by"),
        "visit_form": VisitForm(initial={"visited_on": today}),
        "breadcrumbs": [
            ("牺牲干部纪念", reverse("frontline:memorial_list")),
            (record.cadre.name, None),
        ],
    }
    return render(request, "frontline/memorial_detail.html", context)


def _initial(record: Sacrifice) -> dict[str, Any]:
    data: dict[str, Any] = {k: getattr(record, k) for k in FIELD_LABELS if k != "task"}
    data.update(task=record.task_id, version=record.version)
    return data


def memorial_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = require_cadre_user(request, change=True)
    record = _record_or_404(request, pk, Action.CHANGE)
    form = SacrificeForm(
        request.POST or None, initial=_initial(record), task_choices=_task_choices(actor)
    )
    conflict: list[tuple[str, object, object]] | None = None
    if request.method == "POST" and form.is_valid():
        try:
            services.sacrifice_update(
                actor=actor,
                sacrifice_id=pk,
                expected_version=form.cleaned_data["version"] or 0,
                data=form.service_data(),
            )
        except StaleVersionError as exc:
            conflict = [(FIELD_LABELS.get(k, k), o, n) for k, (o, n) in exc.changes.items()]
            form.add_error(None, exc.message)
        except OutOfScopeError:
            raise Http404 from None
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, "已保存")
            return redirect("frontline:memorial_detail", pk=pk)
    context = {
        "form": form,
        "cadre": record.cadre,
        "record": record,
        "conflict": conflict,
        "breadcrumbs": [
            ("牺牲干部纪念", reverse("frontline:memorial_list")),
            (record.cadre.name, reverse("frontline:memorial_detail", args=[pk])),
            ("编辑", None),
        ],
    }
    status = 409 if conflict is not None else 200
    return render(request, "frontline/memorial_form.html", context, status=status)


@require_POST
def visit_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = require_cadre_user(request, change=True)
    record = _record_or_404(request, pk, Action.CHANGE)
    form = VisitForm(request.POST)
    if form.is_valid():
        try:
            services.visit_add(actor=actor, sacrifice_id=pk, data=form.cleaned_data)
        except OutOfScopeError:
            raise Http404 from None
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, "已记录家属关怀走访")
            return redirect(reverse("frontline:memorial_detail", args=[pk]) + "#visits")
    today = timezone.localdate()
    context = {
        "record": record,
        "state": care.memorial_state(actor=actor, record=record, today=today),
        "visits": record.visits.select_related("created_by"),
        "visit_form": form,
        "breadcrumbs": [
            ("牺牲干部纪念", reverse("frontline:memorial_list")),
            (record.cadre.name, None),
        ],
    }
    return render(request, "frontline/memorial_detail.html", context, status=400)
