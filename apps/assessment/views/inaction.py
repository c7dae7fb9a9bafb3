"""Pages of inaction findings (不作为不担当认定, 能上能下).

Need-to-know: every URL here answers 404 to a user without the `inaction` pillar (audited as
denied); leaders holding it read only; the 三员 are refused by role.
"""

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from apps.assessment import selectors_research as sel
from apps.assessment.constants import InactionSource
from apps.assessment.forms_research import (
    DECIDED_CHOICES,
    DecideForm,
    InactionFilterForm,
    InactionForm,
)
from apps.assessment.models import InactionFinding
from apps.assessment.services.inaction import (
    UNVERIFIED_NOTE,
    has_inaction_pillar,
    inaction_add,
    inaction_decide,
    reason_choices,
    reason_label,
)
from apps.cadres.views.common import is_officer, require_cadre_user
from apps.core import audit
from apps.core.exceptions import DomainError, OutOfScopeError, StaleVersionError
from apps.core.htmx import is_htmx_partial
from apps.core.lists import list_context, sort_headers
from apps.core.models import AuditOutcome
from apps.core.scope import Action

from .taskrecords import picked_cadre

NOT_FOUND = "记录不存在或不在您的数据范围内"
COLUMNS = {"cadre": "姓名", "found_on": "认定日期"}


def _crumbs(*items: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [("不作为不担当认定", reverse("assessment:inaction_list")), *items]


def require_inaction_user(request: HttpRequest, *, change: bool = False) -> Any:
    """The officer or leader holding the inaction pillar; without it, an audited 404 (the
    pages of a need-to-know pillar do not confirm they exist). Writes need the officer role."""
    actor = require_cadre_user(request)
    if not has_inaction_pillar(
        actor, Action.CHANGE if change and is_officer(actor) else Action.VIEW
    ):
        audit.record(
            action="assessment.inaction.access",
            actor=actor,
            outcome=AuditOutcome.DENIED,
            detail={"path": request.path, "method": request.method},
        )
        raise Http404(NOT_FOUND)
    if change:
        require_cadre_user(request, change=True)
    return actor


def _finding_or_404(actor: Any, pk: int, action: Action = Action.VIEW) -> InactionFinding:
    """The finding; a page read is audited, the lookup before a write is not (the write is)."""
    try:
        return sel.inaction_get(
            actor=actor, finding_id=pk, action=action, audited=action is Action.VIEW
        )
    except OutOfScopeError:
        raise Http404(NOT_FOUND) from None


def inaction_list_view(request: HttpRequest) -> HttpResponse:
    actor = require_inaction_user(request)
    form = InactionFilterForm(request.GET)
    filters = form.filters()
    context = list_context(request, sel.inaction_list(actor=actor, filters=filters))
    sort = filters.sort if filters else sel.INACTION_DEFAULT_SORT
    context.update(
        form=form,
        rows=[(f, reason_label(f.reason_code)) for f in context["page"].object_list],
        headers=sort_headers(request, COLUMNS, sort, "#inaction-results"),
        can_add=is_officer(actor) and has_inaction_pillar(actor, Action.CHANGE),
        breadcrumbs=[("不作为不担当认定", None)],
    )
    if is_htmx_partial(request):
        return render(request, "assessment/_inaction_results.html", context)
    context.update(
        sources=InactionSource.choices, reasons=reason_choices(), decided=DECIDED_CHOICES
    )
    return render(request, "assessment/inaction_list.html", context)


def inaction_create_view(request: HttpRequest) -> HttpResponse:
    actor = require_inaction_user(request, change=True)
    cadre = picked_cadre(request)
    form = InactionForm(request.POST or None)
    if cadre and request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            finding = inaction_add(
                actor=actor,
                cadre_id=cadre.pk,
                source=d["source"],
                found_on=d["found_on"],
                reason_code=d["reason_code"],
                description=d["description"],
            )
        except OutOfScopeError:
            form.add_error(None, f"您没有{cadre.name}所在单位的不作为不担当认定权限")
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, f"已记录对{cadre.name}的不作为不担当认定")
            return redirect("assessment:inaction_detail", pk=finding.pk)
    context = {
        "form": form,
        "cadre": cadre,
        "pick_for": "inaction",
        "breadcrumbs": _crumbs(("新增认定", None)),
    }
    return render(request, "assessment/inaction_form.html", context)


def _detail(
    request: HttpRequest, finding: InactionFinding, form: DecideForm | None, status: int = 200
) -> HttpResponse:
    actor: Any = request.user
    can_decide = is_officer(actor) and sel.inaction_changeable(actor=actor, finding_id=finding.pk)
    initial = {
        "adjustment": finding.adjustment,
        "decided_on": finding.decided_on,
        "version": finding.version,
    }
    context = {
        "finding": finding,
        "reason": reason_label(finding.reason_code),
        "unverified_note": UNVERIFIED_NOTE if finding.reason_code >= 9 else "",
        "can_decide": can_decide,
        "form": form or DecideForm(initial=initial),
        "breadcrumbs": _crumbs((finding.cadre.name, None)),
    }
    return render(request, "assessment/inaction_detail.html", context, status=status)


def inaction_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The finding; the read is audited (need-to-know)."""
    actor = require_inaction_user(request)
    return _detail(request, _finding_or_404(actor, pk), None)


@require_POST
def inaction_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = require_inaction_user(request, change=True)
    finding = _finding_or_404(actor, pk, Action.CHANGE)
    form = DecideForm(request.POST)
    status = 400
    if form.is_valid():
        d = form.cleaned_data
        try:
            inaction_decide(
                actor=actor,
                finding_id=pk,
                expected_version=d["version"],
                adjustment=d["adjustment"],
                decided_on=d["decided_on"],
            )
        except StaleVersionError as exc:
            form.add_domain_error(exc)
            status = 409
        except OutOfScopeError:
            raise Http404(NOT_FOUND) from None
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, "已保存调整决定")
            return redirect("assessment:inaction_detail", pk=pk)
    return _detail(request, finding, form, status=status)
