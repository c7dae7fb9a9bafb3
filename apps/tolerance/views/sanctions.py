"""Pages of sanction records (处分与组织处理), and the helpers the mentoring pages share.

Need-to-know: every URL here answers 404 to a user without the `sanctions` pillar (audited as
denied), leaders holding it read only (writes: the role's 403), the 三员 are refused by role.
"""

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from apps.cadres.views.common import filtered_list_context, require_cadre_user
from apps.core import audit
from apps.core.exceptions import DomainError, OutOfScopeError, StaleVersionError
from apps.core.htmx import is_htmx_partial
from apps.core.lists import sort_headers, undo_message
from apps.core.models import AuditOutcome
from apps.core.paging import paginate
from apps.core.scope import Action
from apps.tolerance import selectors_sanctions as sel
from apps.tolerance.constants import SanctionKind, SanctionType
from apps.tolerance.forms_sanctions import FollowUpForm, RevokeForm, SanctionForm
from apps.tolerance.models import Sanction
from apps.tolerance.rules_sanctions import STATUS_LABELS, sanction_status
from apps.tolerance.services import sanctions as services

LIST_CRUMB = ("处分与帮带", None)
NOT_FOUND = "记录不存在或不在您的数据范围内"


def crumbs(*rest: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [("处分与帮带", reverse("tolerance:sanction_list")), *rest]


def require_sanctions_user(request: HttpRequest, *, change: bool = False) -> Any:
    """The officer or leader holding the sanctions pillar; without it, an audited 404 (the pages
    of a need-to-know pillar do not confirm they exist). Writes need the officer's role."""
    actor = require_cadre_user(request)
    if not sel.has_pillar(actor):
        audit.record(
            action="tolerance.sanctions.access",
            actor=actor,
            outcome=AuditOutcome.DENIED,
            detail={"path": request.path, "method": request.method},
        )
        raise Http404(NOT_FOUND)
    if change:
        require_cadre_user(request, change=True)
    return actor


def sanction_or_404(request: HttpRequest, pk: int, action: Action = Action.VIEW) -> Sanction:
    try:
        return sel.sanction_get(actor=request.user, sanction_id=pk, action=action)
    except OutOfScopeError:
        raise Http404(NOT_FOUND) from None


# --- list -----------------------------------------------------------------------------------------

SANCTION_COLUMNS = [("name", "姓名"), ("decision_date", "决定日期"), ("until", "影响期至")]


def sanction_list_view(request: HttpRequest) -> HttpResponse:
    actor = require_sanctions_user(request)
    today = timezone.localdate()
    rows, form = sel.sanction_list(actor=actor, params=request.GET, today=today)
    page = paginate(request, rows)
    for s in page.object_list:
        s.status = sanction_status(s, today)
        s.status_label = STATUS_LABELS[s.status]
    context = filtered_list_context(request, page, form, today=today)
    sort = request.GET.get("sort") or "-decision_date"
    context["sorts"] = sort_headers(request, SANCTION_COLUMNS, sort, "#sanction-results")
    context["can_add"] = sel.has_pillar(actor, Action.CHANGE)
    if is_htmx_partial(request):
        return render(request, "tolerance/_sanction_results.html", context)
    context.update(
        kinds=SanctionKind.choices,
        types=SanctionType.choices,
        statuses=list(STATUS_LABELS.items()),
        pick=sel.cadre_pick(actor=actor, text=request.GET.get("pick", "")),
        breadcrumbs=[LIST_CRUMB],
    )
    return render(request, "tolerance/sanction_list.html", context)


# --- create / edit --------------------------------------------------------------------------------


def _input(data: dict[str, Any]) -> services.SanctionInput:
    return services.SanctionInput(
        kind=data["kind"],
        type=data["type"],
        decision_date=data["decision_date"],
        effective_date=data["effective_date"],
        authority=data["authority"],
        document_number=data.get("document_number") or "",
        summary=data.get("summary") or "",
        probation_months=data.get("probation_months"),
    )


def _form_page(request: HttpRequest, context: dict[str, Any], status: int = 200) -> HttpResponse:
    return render(request, "tolerance/sanction_form.html", context, status=status)


def sanction_create_view(request: HttpRequest) -> HttpResponse:
    actor = require_sanctions_user(request, change=True)
    cadre_id = request.GET.get("cadre") or ""
    if not cadre_id.isdigit():
        context = {
            "pick": sel.cadre_pick(actor=actor, text=request.GET.get("pick", "")),
            "breadcrumbs": crumbs(("登记处分", None)),
        }
        return render(request, "tolerance/sanction_pick.html", context)
    cadre = sel.pillar_cadres(actor, Action.CHANGE).select_related("unit").filter(pk=cadre_id)
    target = cadre.first()
    if target is None:
        raise Http404(NOT_FOUND)
    form = SanctionForm(request.POST or None, initial={"decision_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            sanction = services.sanction_add(
                actor=actor, cadre_id=target.pk, data=_input(form.cleaned_data)
            )
        except OutOfScopeError:
            raise Http404(NOT_FOUND) from None
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, f"已登记{target.name}的{sanction.get_type_display()}")
            return redirect("tolerance:sanction_detail", pk=sanction.pk)
    context = {
        "form": form,
        "cadre": target,
        "sanction": None,
        "breadcrumbs": crumbs((target.name, None), ("登记处分", None)),
    }
    return _form_page(request, context)


def sanction_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = require_sanctions_user(request, change=True)
    sanction = sanction_or_404(request, pk, Action.CHANGE)
    initial = {f: getattr(sanction, f) for f in services.FIELDS[:8]}
    initial["version"] = sanction.version
    form = SanctionForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.sanction_update(
                actor=actor,
                sanction_id=pk,
                expected_version=form.cleaned_data["version"] or 0,
                data=_input(form.cleaned_data),
            )
        except OutOfScopeError:
            raise Http404(NOT_FOUND) from None
        except StaleVersionError as exc:
            form.add_error(None, exc.message)
            status = 409
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, "已保存")
            return redirect("tolerance:sanction_detail", pk=pk)
    context = {
        "form": form,
        "cadre": sanction.cadre,
        "sanction": sanction,
        "breadcrumbs": crumbs(
            (sanction.cadre.name, reverse("tolerance:sanction_detail", args=[pk])), ("编辑", None)
        ),
    }
    return _form_page(request, context, status)


# --- detail ---------------------------------------------------------------------------------------


def detail_context(
    request: HttpRequest, sanction: Sanction, follow_up_form: FollowUpForm | None = None
) -> dict[str, Any]:
    """The sanction page: facts, the influence period with its rule, the cadre's mentors,
    follow-up timeline (with the add form) and reuse assessments."""
    actor: Any = request.user
    today = timezone.localdate()
    cadre_id = sanction.cadre_id
    status = sanction_status(sanction, today)
    rule = services.influence_rule(
        sanction.kind, sanction.type, sanction.effective_date, sanction.probation_months
    )
    mentors = list(sel.cadre_mentors(actor=actor, cadre_id=cadre_id))
    can_change = Sanction.objects.visible_to(actor, Action.CHANGE).filter(pk=sanction.pk).exists()
    interval = sel.follow_up_interval(today)
    return {
        "sanction": sanction,
        "cadre": sanction.cadre,
        "status": status,
        "status_label": STATUS_LABELS[status],
        "rule": rule,
        "period": sel.influence_period(cadre_id, today),
        "today": today,
        "mentors": mentors,
        "active_mentor": next((m for m in mentors if m.ended_on is None), None),
        "follow_ups": list(sel.cadre_follow_ups(actor=actor, cadre_id=cadre_id)),
        "reuse": list(sel.cadre_reuse(actor=actor, cadre_id=cadre_id)),
        "others": sel.cadre_sanctions(actor=actor, cadre_id=cadre_id).exclude(pk=sanction.pk),
        "interval": interval,
        "can_change": can_change and sanction.deleted_at is None,
        "follow_up_form": follow_up_form or FollowUpForm(initial={"visited_on": today}),
        "breadcrumbs": crumbs((f"{sanction.cadre.name} · {sanction.get_type_display()}", None)),
    }


def sanction_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    require_sanctions_user(request)
    sanction = sanction_or_404(request, pk)
    return render(request, "tolerance/sanction_detail.html", detail_context(request, sanction))


# --- revoke / delete ------------------------------------------------------------------------------


def sanction_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = require_sanctions_user(request, change=True)
    sanction = sanction_or_404(request, pk, Action.CHANGE)
    initial = {"revoked_on": timezone.localdate(), "version": sanction.version}
    form = RevokeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.sanction_revoke(
                actor=actor,
                sanction_id=pk,
                revoked_on=form.cleaned_data["revoked_on"],
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except OutOfScopeError:
            raise Http404(NOT_FOUND) from None
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, "已撤销该处分，影响期相应终止")
            return redirect("tolerance:sanction_detail", pk=pk)
    context = {
        "form": form,
        "sanction": sanction,
        "breadcrumbs": crumbs(
            (sanction.cadre.name, reverse("tolerance:sanction_detail", args=[pk])),
            ("撤销/变更", None),
        ),
    }
    return render(request, "tolerance/sanction_revoke.html", context)


@require_POST
def sanction_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = require_sanctions_user(request, change=True)
    try:
        sanction = services.sanction_delete(actor=actor, sanction_id=pk)
    except OutOfScopeError:
        raise Http404(NOT_FOUND) from None
    back = reverse("tolerance:sanction_list")
    undo = reverse("tolerance:sanction_restore", args=[pk])
    text = f"已删除{sanction.cadre.name}的{sanction.get_type_display()}记录。"
    messages.success(request, undo_message(request, text, undo, testid="undo"))
    return redirect(back)


@require_POST
def sanction_restore_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = require_sanctions_user(request, change=True)
    try:
        sanction = services.sanction_restore(actor=actor, sanction_id=pk)
    except OutOfScopeError:
        raise Http404(NOT_FOUND) from None
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("tolerance:sanction_list")
    messages.success(request, f"已恢复{sanction.cadre.name}的{sanction.get_type_display()}记录")
    return redirect("tolerance:sanction_detail", pk=pk)
