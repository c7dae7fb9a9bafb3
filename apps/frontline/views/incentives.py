"""Pages of the incentive catalogue (激励措施), grants to cadres and the list of frontline cadres
whose incentives are not yet in place. Views are thin: parse, call a selector or service, render.
"""

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from apps.cadres.views.common import cadre_or_404, filtered_list_context, require_cadre_user
from apps.core.exceptions import DomainError, OutOfScopeError
from apps.core.htmx import is_htmx_partial
from apps.core.lists import safe_next, sort_headers, undo_message
from apps.core.paging import paginate
from apps.core.scope import Action
from apps.frontline import selectors_care as care
from apps.frontline.constants import IncentiveCategory
from apps.frontline.forms_care import GrantForm, MeasureForm
from apps.frontline.services import incentives as services
from apps.units.models import Unit

MAX_UNIT_CHOICES = 300


# --- catalogue ---------------------------------------------------------------------------------


def incentive_list_view(request: HttpRequest) -> HttpResponse:
    actor = require_cadre_user(request)
    context = {
        "groups": care.measure_catalogue(actor=actor),
        "can_add": Unit.objects.visible_to(actor, Action.CHANGE).exists(),
        "breadcrumbs": [("激励措施目录", None)],
    }
    return render(request, "frontline/incentive_list.html", context)


def _measure_unit_choices(actor: Any) -> list[tuple[int, str]]:
    units = Unit.objects.visible_to(actor, Action.CHANGE).active().order_by("path")
    rows = list(units.values_list("pk", "name", "depth")[:MAX_UNIT_CHOICES])
    top = min((d for _, _, d in rows), default=0)
    return [(pk, "　" * (depth - top) + name) for pk, name, depth in rows]


def incentive_create_view(request: HttpRequest) -> HttpResponse:
    actor = require_cadre_user(request, change=True)
    form = MeasureForm(request.POST or None, unit_choices=_measure_unit_choices(actor))
    if request.method == "POST" and form.is_valid():
        try:
            measure = services.measure_create(actor=actor, data=form.cleaned_data)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, f"已新增激励措施“{measure.item}”")
            return redirect("frontline:incentive_list")
    return _measure_form_page(request, form, None)


def _measure_form_page(request: HttpRequest, form: MeasureForm, measure: Any) -> HttpResponse:
    title = f"编辑激励措施：{measure.item}" if measure else "新增激励措施"
    context = {
        "form": form,
        "measure": measure,
        "title": title,
        "breadcrumbs": [("激励措施目录", reverse("frontline:incentive_list")), (title, None)],
    }
    return render(request, "frontline/incentive_form.html", context)


def _measure_or_404(actor: Any, pk: int) -> Any:
    try:
        return care.measure_for_change(actor=actor, measure_id=pk)
    except OutOfScopeError:
        raise Http404("记录不存在或不在您的数据范围内") from None


def incentive_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = require_cadre_user(request, change=True)
    measure = _measure_or_404(actor, pk)
    initial = {k: getattr(measure, k) for k in services.MEASURE_FIELDS}
    form = MeasureForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.measure_update(actor=actor, measure_id=pk, data=form.cleaned_data)
        except OutOfScopeError:
            raise Http404 from None
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, "已保存")
            return redirect("frontline:incentive_list")
    return _measure_form_page(request, form, measure)


@require_POST
def incentive_deactivate_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = require_cadre_user(request, change=True)
    try:
        measure = services.measure_deactivate(actor=actor, measure_id=pk)
    except OutOfScopeError:
        raise Http404 from None
    back = reverse("frontline:incentive_list")
    undo = reverse("frontline:incentive_activate", args=[pk])
    messages.success(
        request, undo_message(request, f"已停用“{measure.item}”。", undo, back, testid="undo")
    )
    return redirect(back)


@require_POST
def incentive_activate_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = require_cadre_user(request, change=True)
    try:
        measure = services.measure_activate(actor=actor, measure_id=pk)
    except OutOfScopeError:
        raise Http404 from None
    messages.success(request, f"已启用“{measure.item}”")
    return redirect(safe_next(request, reverse("frontline:incentive_list")))


# --- grants ------------------------------------------------------------------------------------

GRANT_COLUMNS = [("name", "姓名"), ("measure", "激励措施"), ("granted_on", "落实日期")]


def grant_list_view(request: HttpRequest) -> HttpResponse:
    actor = require_cadre_user(request)
    rows, form = care.grant_list(actor=actor, params=request.GET)
    context = filtered_list_context(request, paginate(request, rows), form)
    sort = request.GET.get("sort") or "-granted_on"
    context["sorts"] = sort_headers(request, GRANT_COLUMNS, sort, "#grant-results")
    context["pick"] = care.cadre_pick(actor=actor, text=request.GET.get("pick", ""))
    if is_htmx_partial(request):
        return render(request, "frontline/_grant_results.html", context)
    context["category_options"] = IncentiveCategory.choices
    context["measure_options"] = care.measure_options(actor=actor)
    context["breadcrumbs"] = [("激励措施落实", None)]
    return render(request, "frontline/grant_list.html", context)


def _grant_form(request: HttpRequest, actor: Any, cadre: Any) -> tuple[GrantForm, bool]:
    measures = care.grantable_measures(actor=actor, cadre=cadre)
    services_qs = cadre.frontline_services.filter(deleted_at__isnull=True).select_related("task")
    groups: dict[str, list[tuple[int, str]]] = {}
    for m in measures:
        groups.setdefault(m.get_category_display(), []).append((m.pk, f"{m.item}（{m.unit.name}）"))
    service_choices = [
        (s.pk, f"{s.start_date:%Y-%m-%d} {s.task or s.get_kind_display()} · {s.place}")
        for s in services_qs
    ]
    form = GrantForm(
        request.POST or None,
        initial={"granted_on": timezone.localdate(), "service": request.GET.get("service")},
        measure_choices=list(groups.items()),
        service_choices=service_choices,
    )
    return form, bool(measures)


def grant_add_view(request: HttpRequest, cadre_id: int) -> HttpResponse:
    actor = require_cadre_user(request, change=True)
    cadre = cadre_or_404(request, cadre_id, Action.CHANGE)
    form, has_measures = _grant_form(request, actor, cadre)
    back = safe_next(request, reverse("cadres:cadre_detail", args=[cadre.pk]))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        data = services.GrantInput(
            d["measure"], d["granted_on"], d["reason"], d["document_number"], d["service"]
        )
        try:
            grant = services.grant_add(actor=actor, cadre_id=cadre.pk, data=data)
        except OutOfScopeError:
            raise Http404 from None
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, f"已为{cadre.name}登记“{grant.measure.item}”")
            return redirect(back)
    context = {
        "form": form,
        "cadre": cadre,
        "back": back,
        "has_measures": has_measures,
        "breadcrumbs": [
            ("激励措施落实", reverse("frontline:grant_list")),
            (cadre.name, reverse("cadres:cadre_detail", args=[cadre.pk])),
            ("登记激励措施", None),
        ],
    }
    return render(request, "frontline/grant_form.html", context)


@require_POST
def grant_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = require_cadre_user(request, change=True)
    try:
        grant = services.grant_delete(actor=actor, grant_id=pk)
    except OutOfScopeError:
        raise Http404 from None
    back = safe_next(request, reverse("frontline:grant_list"))
    undo = reverse("frontline:grant_restore", args=[pk])
    text = f"已删除{grant.cadre.name}的“{grant.measure.item}”落实记录。"
    messages.success(request, undo_message(request, text, undo, back, testid="undo"))
    return redirect(back)


@require_POST
def grant_restore_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = require_cadre_user(request, change=True)
    try:
        grant = services.grant_restore(actor=actor, grant_id=pk)
    except OutOfScopeError:
        raise Http404 from None
    messages.success(request, f"已恢复{grant.cadre.name}的“{grant.measure.item}”落实记录")
    return redirect(safe_next(request, reverse("frontline:grant_list")))


# --- frontline cadres without incentives -------------------------------------------------------

UNGRANTED_COLUMNS = [
    ("name", "姓名"),
    ("unit", "单位"),
    ("start", "最近一线经历"),
    ("days", "累计月数"),
]


def ungranted_list_view(request: HttpRequest) -> HttpResponse:
    actor = require_cadre_user(request)
    rows, form = care.ungranted_list(actor=actor, params=request.GET)
    page = paginate(request, rows)
    for cadre in page.object_list:
        cadre.months = care.service_months(cadre.service_days, cadre.service_count)
    context = filtered_list_context(request, page, form)
    sort = request.GET.get("sort") or "-start"
    context["sorts"] = sort_headers(request, UNGRANTED_COLUMNS, sort, "#ungranted-results")
    context["here"] = request.get_full_path()
    if is_htmx_partial(request):
        return render(request, "frontline/_incentive_ungranted_results.html", context)
    context["breadcrumbs"] = [
        ("激励措施落实", reverse("frontline:grant_list")),
        ("未落实激励的一线干部", None),
    ]
    return render(request, "frontline/incentive_ungranted.html", context)
