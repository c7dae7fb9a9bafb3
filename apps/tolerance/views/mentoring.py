"""Pages of the follow-up of disciplined cadres: assigning and ending mentors, follow-up visits,
reuse assessments, and the lists that keep anyone from being "disciplined and forgotten"
(未落实帮带责任人, 回访逾期, 期满待考察评估, 考察评估)."""

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from apps.cadres.models import Appointment
from apps.cadres.views.common import filtered_list_context
from apps.core.exceptions import DomainError, OutOfScopeError
from apps.core.htmx import is_htmx_partial
from apps.core.lists import safe_next, sort_headers
from apps.core.paging import page_size_of, paginate
from apps.core.scope import Action
from apps.tolerance import selectors_sanctions as sel
from apps.tolerance.constants import ReuseRecommendation
from apps.tolerance.forms_sanctions import FollowUpForm, MentorEndForm, MentorForm, ReuseForm
from apps.tolerance.models import Mentor
from apps.tolerance.services import mentoring as services

from .sanctions import (
    NOT_FOUND,
    crumbs,
    detail_context,
    require_sanctions_user,
    sanction_or_404,
)

# --- mentors --------------------------------------------------------------------------------------


def mentor_assign_view(request: HttpRequest, cadre_id: int) -> HttpResponse:
    actor = require_sanctions_user(request, change=True)
    cadre = sel.pillar_cadres(actor, Action.CHANGE).select_related("unit").filter(pk=cadre_id)
    target = cadre.first()
    if target is None:
        raise Http404(NOT_FOUND)
    sanctions = sel.cadre_sanctions(actor=actor, cadre_id=target.pk)
    choices = [(s.pk, f"{s.decision_date:%Y-%m-%d} {s.get_type_display()}") for s in sanctions]
    chosen = request.GET.get("sanction")
    initial = {"assigned_on": timezone.localdate(), "sanction": chosen}
    form = MentorForm(request.POST or None, initial=initial, sanction_choices=choices)
    back = safe_next(request, reverse("tolerance:mentor_missing"))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        data = services.MentorInput(
            d["mentor_name"], d["mentor_post"], d["assigned_on"], d["sanction"]
        )
        try:
            mentor = services.mentor_assign(actor=actor, cadre_id=target.pk, data=data)
        except OutOfScopeError:
            raise Http404(NOT_FOUND) from None
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, f"已确定{mentor.mentor_name}为{target.name}的帮带责任人")
            return redirect(back)
    context = {
        "form": form,
        "cadre": target,
        "back": back,
        "current": sel.cadre_mentors(actor=actor, cadre_id=target.pk).filter(ended_on=None).first(),
        "breadcrumbs": crumbs((target.name, None), ("确定帮带责任人", None)),
    }
    return render(request, "tolerance/mentor_form.html", context)


def mentor_end_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = require_sanctions_user(request, change=True)
    mentor = (
        Mentor.objects.visible_to(actor, Action.CHANGE)
        .select_related("cadre")
        .filter(pk=pk, ended_on__isnull=True)
        .first()
    )
    if mentor is None:
        raise Http404(NOT_FOUND)
    form = MentorEndForm(request.POST or None, initial={"ended_on": timezone.localdate()})
    back = safe_next(request, reverse("tolerance:sanction_list"))
    if request.method == "POST" and form.is_valid():
        try:
            services.mentor_end(
                actor=actor,
                mentor_id=pk,
                ended_on=form.cleaned_data["ended_on"],
                end_reason=form.cleaned_data["end_reason"],
            )
        except OutOfScopeError:
            raise Http404(NOT_FOUND) from None
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, f"{mentor.mentor_name}对{mentor.cadre.name}的帮带已结束")
            return redirect(back)
    context = {
        "form": form,
        "mentor": mentor,
        "back": back,
        "breadcrumbs": crumbs((mentor.cadre.name, None), ("结束帮带", None)),
    }
    return render(request, "tolerance/mentor_end.html", context)


# --- follow-ups and reuse -------------------------------------------------------------------------


@require_POST
def followup_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = require_sanctions_user(request, change=True)
    sanction = sanction_or_404(request, pk, Action.CHANGE)
    form = FollowUpForm(request.POST)
    if form.is_valid():
        try:
            services.follow_up_add(
                actor=actor, sanction_id=pk, data=services.FollowUpInput(**form.cleaned_data)
            )
        except OutOfScopeError:
            raise Http404(NOT_FOUND) from None
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, "已登记回访记录")
            return redirect(reverse("tolerance:sanction_detail", args=[pk]) + "#follow-ups")
    context = detail_context(request, sanction, follow_up_form=form)
    return render(request, "tolerance/sanction_detail.html", context, status=400)


def _appointment_choices(actor: Any, cadre_id: int) -> list[tuple[int, str]]:
    rows = (
        Appointment.objects.visible_to(actor)
        .filter(cadre_id=cadre_id)
        .select_related("post__unit")
        .order_by("-start_date", "-id")
    )
    return [(a.pk, f"{a.start_date:%Y-%m-%d} {a.post.unit.name}{a.post.title}") for a in rows]


def reuse_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = require_sanctions_user(request, change=True)
    sanction = sanction_or_404(request, pk, Action.CHANGE)
    today = timezone.localdate()
    form = ReuseForm(
        request.POST or None,
        initial={"assessed_on": today},
        appointment_choices=_appointment_choices(actor, sanction.cadre_id),
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        data = services.ReuseInput(
            d["assessed_on"],
            d["assessors"],
            d["findings"],
            d["recommendation"],
            d["new_appointment"],
            d["early_reason"],
        )
        try:
            services.reuse_assess(actor=actor, sanction_id=pk, data=data)
        except OutOfScopeError:
            raise Http404(NOT_FOUND) from None
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, f"已登记{sanction.cadre.name}的考察评估")
            return redirect(reverse("tolerance:sanction_detail", args=[pk]) + "#reuse")
    context = {
        "form": form,
        "sanction": sanction,
        "period": sel.influence_period(sanction.cadre_id, today),
        "breadcrumbs": crumbs(
            (sanction.cadre.name, reverse("tolerance:sanction_detail", args=[pk])),
            ("考察评估", None),
        ),
    }
    return render(request, "tolerance/reuse_form.html", context)


# --- lists ----------------------------------------------------------------------------------------

PERSON_COLUMNS = [("name", "姓名"), ("unit", "单位"), ("start", "影响期起")]


def _page(request: HttpRequest, context: dict[str, Any], name: str, crumb: str) -> HttpResponse:
    if is_htmx_partial(request):
        return render(request, f"tolerance/_{name}_results.html", context)
    context["breadcrumbs"] = crumbs((crumb, None))
    return render(request, f"tolerance/{name}.html", context)


def mentor_missing_view(request: HttpRequest) -> HttpResponse:
    actor = require_sanctions_user(request)
    today = timezone.localdate()
    rows, form = sel.mentor_missing(actor=actor, params=request.GET, today=today)
    page = paginate(request, rows)
    periods = sel.influence_periods([c.pk for c in page.object_list], today)
    for c in page.object_list:
        c.period = periods.get(c.pk)
    context = filtered_list_context(request, page, form, today=today)
    sort = request.GET.get("sort") or "start"
    context["sorts"] = sort_headers(request, PERSON_COLUMNS, sort, "#mentor-missing-results")
    context["here"] = request.get_full_path()
    return _page(request, context, "mentor_missing", "未落实帮带责任人")


def followup_overdue_view(request: HttpRequest) -> HttpResponse:
    actor = require_sanctions_user(request)
    today = timezone.localdate()
    rows, form = sel.follow_ups_overdue(actor=actor, params=request.GET, today=today)
    page = Paginator(rows, page_size_of(request)).get_page(request.GET.get("page"))
    context = filtered_list_context(request, page, form, today=today)
    context["interval"] = sel.follow_up_interval(today)
    return _page(request, context, "followup_overdue", "回访逾期")


REUSE_DUE_COLUMNS = [("name", "姓名"), ("unit", "单位"), ("ended", "影响期满日")]


def reuse_due_view(request: HttpRequest) -> HttpResponse:
    actor = require_sanctions_user(request)
    rows, form = sel.reuse_due(actor=actor, params=request.GET, today=timezone.localdate())
    context = filtered_list_context(
        request, paginate(request, rows), form, today=timezone.localdate()
    )
    sort = request.GET.get("sort") or "ended"
    context["sorts"] = sort_headers(request, REUSE_DUE_COLUMNS, sort, "#reuse-due-results")
    return _page(request, context, "reuse_due", "期满待考察评估")


REUSE_COLUMNS = [("name", "姓名"), ("assessed_on", "考察日期")]


def reuse_list_view(request: HttpRequest) -> HttpResponse:
    actor = require_sanctions_user(request)
    rows, form = sel.reuse_list(actor=actor, params=request.GET)
    context = filtered_list_context(
        request, paginate(request, rows), form, today=timezone.localdate()
    )
    sort = request.GET.get("sort") or "-assessed_on"
    context["sorts"] = sort_headers(request, REUSE_COLUMNS, sort, "#reuse-results")
    context["recommendations"] = ReuseRecommendation.choices
    return _page(request, context, "reuse_list", "考察评估")
