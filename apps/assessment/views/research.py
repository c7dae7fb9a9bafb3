"""Pages of research campaigns (调研): the list with coverage, create, the campaign page (progress,
teams with overdue ones marked, visits), adding teams, and visits with their observations."""

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from apps.assessment import selectors_research as sel
from apps.assessment.forms_research import (
    STATUS_CHOICES,
    CampaignFilterForm,
    CampaignForm,
    FollowUpForm,
    ObservationForm,
    TeamLevelForm,
    TeamsForm,
    VisitForm,
)
from apps.assessment.models import ResearchCampaign, ResearchVisit
from apps.assessment.services import research as services
from apps.cadres.views.common import is_officer, require_cadre_user
from apps.core.exceptions import DomainError, OutOfScopeError
from apps.core.htmx import is_htmx_partial
from apps.core.lists import list_context, sort_headers
from apps.core.scope import Action
from apps.frontline.selectors import task_choices

COLUMNS = {"name": "调研名称", "start_date": "开始日期", "due_date": "完成时限"}


def _crumbs(*items: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [("调研", reverse("assessment:campaign_list")), *items]


def _campaign_or_404(actor: Any, pk: int, action: Action = Action.VIEW) -> ResearchCampaign:
    try:
        return sel.campaign_get(actor=actor, campaign_id=pk, action=action)
    except OutOfScopeError:
        raise Http404("记录不存在或不在您的数据范围内") from None


def _visit_or_404(actor: Any, pk: int, action: Action = Action.VIEW) -> ResearchVisit:
    try:
        return sel.visit_get(actor=actor, visit_id=pk, action=action)
    except OutOfScopeError:
        raise Http404("记录不存在或不在您的数据范围内") from None


def campaign_list_view(request: HttpRequest) -> HttpResponse:
    actor = require_cadre_user(request)
    today = timezone.localdate()
    form = CampaignFilterForm(request.GET)
    filters = form.filters()
    context = list_context(request, sel.campaign_list(actor=actor, filters=filters, today=today))
    campaigns = list(context["page"].object_list)
    coverage = sel.campaign_coverage(
        actor=actor, campaign_ids=[c.pk for c in campaigns], today=today
    )
    context.update(
        rows=[(c, coverage[c.pk]) for c in campaigns],
        form=form,
        statuses=STATUS_CHOICES,
        headers=sort_headers(
            request, COLUMNS, filters.sort if filters else "", "#campaign-results"
        ),
        breadcrumbs=[("调研", None)],
    )
    if is_htmx_partial(request):
        return render(request, "assessment/_campaign_results.html", context)
    return render(request, "assessment/campaign_list.html", context)


def campaign_create_view(request: HttpRequest) -> HttpResponse:
    actor = require_cadre_user(request, change=True)
    form = CampaignForm(request.POST or None, actor=actor)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(actor=actor, data=form.to_input())
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, f"已新增调研活动“{campaign.name}”，请添加调研对象")
            return redirect("assessment:campaign_teams", pk=campaign.pk)
    context = {"form": form, "breadcrumbs": _crumbs(("新增调研活动", None))}
    return render(request, "assessment/campaign_form.html", context)


def campaign_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = require_cadre_user(request)
    campaign = _campaign_or_404(actor, pk)
    today = timezone.localdate()
    context: dict[str, Any] = list_context(request, sel.visit_list(actor=actor, campaign_id=pk))
    if is_htmx_partial(request):
        return render(
            request, "assessment/_campaign_visits.html", {**context, "campaign": campaign}
        )
    teams = sel.team_rows(actor=actor, campaign_ids=[pk], today=today)
    context.update(
        campaign=campaign,
        teams=teams,
        coverage=sel.coverage_of(teams),
        can_change=is_officer(actor) and sel.campaign_changeable(actor=actor, campaign_id=pk),
        export_query=f"campaign={pk}",
        breadcrumbs=_crumbs((campaign.name, None)),
    )
    return render(request, "assessment/campaign_detail.html", context)


def campaign_teams_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Add teams one by one or every unit of a level under a unit."""
    actor = require_cadre_user(request, change=True)
    campaign = _campaign_or_404(actor, pk, Action.CHANGE)
    by_level = request.POST.get("mode") == "level"
    teams_form = TeamsForm(None if by_level else request.POST or None, actor=actor)
    level_form = TeamLevelForm(request.POST if by_level else None, actor=actor)
    form: TeamsForm | TeamLevelForm = level_form if by_level else teams_form
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            if by_level:
                added = services.campaign_add_level(
                    actor=actor,
                    campaign_id=pk,
                    parent_id=d["parent"],
                    level=d["level"],
                    due_date=d.get("due_date"),
                )
            else:
                added = services.campaign_add_teams(
                    actor=actor, campaign_id=pk, unit_ids=d["units"], due_date=d.get("due_date")
                )
        except OutOfScopeError:
            raise Http404 from None
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, f"已添加{len(added)}个调研对象（已在名单中的不重复添加）")
            return redirect("assessment:campaign_detail", pk=pk)
    context = {
        "campaign": campaign,
        "teams_form": teams_form,
        "level_form": level_form,
        "breadcrumbs": _crumbs(
            (campaign.name, reverse("assessment:campaign_detail", args=[pk])),
            ("添加调研对象", None),
        ),
    }
    return render(request, "assessment/campaign_teams.html", context)


@require_POST
def campaign_remove_team_view(request: HttpRequest, pk: int, team_id: int) -> HttpResponse:
    actor = require_cadre_user(request, change=True)
    try:
        row = services.campaign_remove_team(actor=actor, campaign_id=pk, team_id=team_id)
    except OutOfScopeError:
        raise Http404 from None
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已将{row.team.name}移出调研对象")
    return redirect("assessment:campaign_detail", pk=pk)


def visit_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = require_cadre_user(request, change=True)
    campaign = _campaign_or_404(actor, pk)
    today = timezone.localdate()
    teams = [
        (row.team_id, f"{row.team_name}（{row.status}）")
        for row in sel.team_rows(actor=actor, campaign_ids=[pk], today=today)
    ]
    initial = {"team": request.GET.get("team"), "visited_on": today}
    form = VisitForm(request.POST or None, teams=teams, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            visit = services.visit_add(actor=actor, campaign_id=pk, data=form.to_input())
        except OutOfScopeError:
            raise Http404 from None
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, "已保存调研记录，可继续记录对干部的调研发现")
            return redirect("assessment:visit_detail", pk=visit.pk)
    context = {
        "form": form,
        "campaign": campaign,
        "breadcrumbs": _crumbs(
            (campaign.name, reverse("assessment:campaign_detail", args=[pk])),
            ("新增调研记录", None),
        ),
    }
    return render(request, "assessment/visit_form.html", context)


def _observation_form(actor: Any, visit: ResearchVisit, data: Any = None) -> ObservationForm:
    return ObservationForm(
        data,
        cadres=sel.team_cadre_choices(actor=actor, team=visit.team),
        tasks=task_choices(actor=actor),
    )


def _visit_page(
    request: HttpRequest, visit: ResearchVisit, form: ObservationForm | None, status: int = 200
) -> HttpResponse:
    actor: Any = request.user
    can_change = is_officer(actor) and _may_change(actor, visit.pk)
    campaign = visit.campaign
    here = (f"{visit.team.name} {visit.visited_on:%Y-%m-%d}", None)
    crumbs = (
        _crumbs((campaign.name, reverse("assessment:campaign_detail", args=[campaign.pk])), here)
        if campaign
        else _crumbs(here)
    )
    context = {
        "visit": visit,
        "observations": list(sel.visit_observations(actor=actor, visit_id=visit.pk)),
        "can_change": can_change,
        "form": form or (_observation_form(actor, visit) if can_change else None),
        "follow_up_form": FollowUpForm(initial={"follow_up": visit.follow_up}),
        "breadcrumbs": crumbs,
    }
    return render(request, "assessment/visit_detail.html", context, status=status)


def _may_change(actor: Any, visit_id: int) -> bool:
    try:
        sel.visit_get(actor=actor, visit_id=visit_id, action=Action.CHANGE)
    except OutOfScopeError:
        return False
    return True


def visit_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The visit with the observations the viewer may see; the read is audited."""
    actor = require_cadre_user(request)
    try:
        visit = sel.visit_open(actor=actor, visit_id=pk)
    except OutOfScopeError:
        raise Http404("记录不存在或不在您的数据范围内") from None
    return _visit_page(request, visit, None)


@require_POST
def observation_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = require_cadre_user(request, change=True)
    visit = _visit_or_404(actor, pk, Action.CHANGE)
    form = _observation_form(actor, visit, request.POST)
    if form.is_valid():
        try:
            observation = services.observation_add(actor=actor, visit_id=pk, data=form.to_input())
        except OutOfScopeError:
            raise Http404 from None
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, f"已记录对{observation.cadre.name}的调研发现")
            return redirect("assessment:visit_detail", pk=pk)
    return _visit_page(request, visit, form, status=400)


@require_POST
def visit_follow_up_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = require_cadre_user(request, change=True)
    form = FollowUpForm(request.POST)
    form.is_valid()
    try:
        services.visit_follow_up_update(
            actor=actor, visit_id=pk, follow_up=form.cleaned_data.get("follow_up", "")
        )
    except OutOfScopeError:
        raise Http404 from None
    messages.success(request, "已更新需跟进事项")
    return redirect("assessment:visit_detail", pk=pk)
