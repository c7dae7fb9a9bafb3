"""Pages of the typical-case library: the read-only library (published cases, filters, search,
paging) and a case; for the pillar's holders the management list with drafts, the forms, the
redaction preview, publication and withdrawal; the printable compilation (HTML and PDF).

Drafts are working papers that may still identify a cadre: they never reach the library, the
compilation or the export, and every read of one is audited.
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from apps.cadres.views.common import is_officer, require_cadre_user
from apps.core import audit
from apps.core.exceptions import DomainError, OutOfScopeError
from apps.core.htmx import is_htmx_partial
from apps.core.lists import list_context, sort_headers
from apps.core.models import AuditOutcome
from apps.core.scope import Action
from apps.tolerance.constants import Area, CaseStatus, Distinction
from apps.tolerance.exports_library import compilation_pdf
from apps.tolerance.forms_library import (
    FromCaseForm,
    LibraryFilterForm,
    TypicalForm,
    TypicalPublishForm,
    WithdrawForm,
)
from apps.tolerance.models import TypicalCase
from apps.tolerance.selectors_library import (
    TYPICAL_DEFAULT_SORT,
    LibraryFilters,
    library_queryset,
    manage_queryset,
    may_manage,
    pillar_paths,
    typical_findings,
    typical_get,
    typical_library,
    typical_manage_list,
    typical_tags,
)
from apps.tolerance.services.library import (
    content_digest,
    typical_create,
    typical_delete,
    typical_draft_from_case,
    typical_publish,
    typical_update,
    typical_withdraw,
)

LIBRARY_COLUMNS = {"title": "标题", "area": "领域", "published_at": "发布日期"}
MANAGE_COLUMNS = {"title": "标题", "area": "领域", "updated_at": "最后修改"}
MAX_COMPILATION = 300  # cases in one printed compilation
TARGET = "tolerance.typicalcase"


def _crumbs(*items: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [("典型案例库", reverse("tolerance:library")), *items]


def _detail_url(pk: int) -> str:
    return reverse("tolerance:typical_detail", args=[pk])


def _typical(request: HttpRequest, pk: int, action: Action = Action.VIEW) -> TypicalCase:
    """The case if the user may read (or write) it; else 404, the refusal audited."""
    try:
        return typical_get(actor=request.user, typical_id=pk, action=action)
    except OutOfScopeError:
        audit.record(
            action="tolerance.typical.view",
            actor=request.user,
            outcome=AuditOutcome.DENIED,
            target_type=TARGET,
            target_id=pk,
            detail={"path": request.path, "action": str(action)},
        )
        raise Http404("记录不存在或不在您的数据范围内") from None


def _reviewer(request: HttpRequest, *, change: bool = False) -> Any:
    actor = require_cadre_user(request, change=change)
    if not pillar_paths(actor, Action.CHANGE if change else Action.VIEW):
        raise PermissionDenied("需要“容错纠错”职能授权")
    return actor


def _filter_context(request: HttpRequest, queryset: Any, columns: dict[str, str]) -> dict[str, Any]:
    form = LibraryFilterForm(request.GET)
    filters = form.filters()
    sort = filters.sort if filters else TYPICAL_DEFAULT_SORT
    return {
        "form": form,
        "filters": filters,
        "areas": Area.choices,
        "distinctions": Distinction.choices,
        "statuses": CaseStatus.choices,
        "tags": typical_tags(queryset),
        "headers": sort_headers(request, columns, sort, "#typical-results"),
    }


def library_view(request: HttpRequest) -> HttpResponse:
    actor = require_cadre_user(request)
    context = _filter_context(request, library_queryset(actor), LIBRARY_COLUMNS)
    context.update(list_context(request, typical_library(actor=actor, filters=context["filters"])))
    context.update(
        can_manage=bool(pillar_paths(actor, Action.VIEW)),
        can_create=is_officer(actor) and bool(pillar_paths(actor, Action.CHANGE)),
        breadcrumbs=[("典型案例库", None)],
    )
    partial = is_htmx_partial(request)
    template = "tolerance/_library_results.html" if partial else "tolerance/library_list.html"
    return render(request, template, context)


def typical_manage_view(request: HttpRequest) -> HttpResponse:
    actor = _reviewer(request)
    context = _filter_context(request, manage_queryset(actor), MANAGE_COLUMNS)
    queryset = typical_manage_list(actor=actor, filters=context["filters"])
    context.update(list_context(request, queryset))
    context.update(
        can_create=is_officer(actor) and bool(pillar_paths(actor, Action.CHANGE)),
        breadcrumbs=_crumbs(("案例编发管理", None)),
    )
    partial = is_htmx_partial(request)
    template = (
        "tolerance/_typical_manage_results.html" if partial else "tolerance/typical_manage.html"
    )
    return render(request, template, context)


def typical_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = require_cadre_user(request)
    typical = _typical(request, pk)
    if typical.status != CaseStatus.PUBLISHED:
        audit.record(action="tolerance.typical.view", actor=actor, target=typical)
    can_manage = is_officer(actor) and may_manage(actor, typical.unit.path)
    context = {
        "typical": typical,
        "can_manage": can_manage,
        "withdraw_form": WithdrawForm(),
        "breadcrumbs": _crumbs((typical.title, None)),
    }
    return render(request, "tolerance/typical_detail.html", context)


def typical_create_view(request: HttpRequest) -> HttpResponse:
    actor = _reviewer(request, change=True)
    form = TypicalForm(request.POST or None, actor=actor)
    if request.method == "POST" and form.is_valid():
        try:
            typical = typical_create(actor=actor, data=form.to_input())
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, "已保存为草稿，请预览确认后发布")
            return redirect("tolerance:typical_preview", pk=typical.pk)
    context = {"form": form, "typical": None, "breadcrumbs": _crumbs(("新增典型案例", None))}
    return render(request, "tolerance/typical_form.html", context)


def typical_from_case_view(request: HttpRequest, case_pk: int) -> HttpResponse:
    actor = _reviewer(request, change=True)
    form = FromCaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            typical = typical_draft_from_case(
                actor=actor, case_id=case_pk, extra_names=form.names()
            )
        except OutOfScopeError:
            raise Http404("记录不存在或不在您的数据范围内") from None
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, "已根据案件生成脱敏草稿，请逐段核对、补充启示后预览发布")
            return redirect("tolerance:typical_edit", pk=typical.pk)
    context = {"form": form, "case_pk": case_pk, "breadcrumbs": _crumbs(("从案件编写", None))}
    return render(request, "tolerance/typical_from_case.html", context)


def typical_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = require_cadre_user(request, change=True)
    typical = _typical(request, pk, Action.CHANGE)
    initial = TypicalForm.initial_of(typical)
    form = TypicalForm(request.POST or None, actor=actor, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            typical_update(actor=actor, typical_id=pk, data=form.to_input())
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, "已保存，请预览确认后发布")
            return redirect("tolerance:typical_preview", pk=pk)
    crumbs = _crumbs((typical.title, _detail_url(pk)), ("编辑", None))
    context = {"form": form, "typical": typical, "breadcrumbs": crumbs}
    return render(request, "tolerance/typical_form.html", context)


def _preview(request: HttpRequest, typical: TypicalCase, form: TypicalPublishForm) -> HttpResponse:
    context = {
        "typical": typical,
        "findings": typical_findings(request.user, typical),
        "form": form,
        "breadcrumbs": _crumbs((typical.title, _detail_url(typical.pk)), ("发布预览", None)),
    }
    return render(
        request, "tolerance/typical_preview.html", context, status=400 if form.errors else 200
    )


def typical_preview_view(request: HttpRequest, pk: int) -> HttpResponse:
    require_cadre_user(request, change=True)
    typical = _typical(request, pk, Action.CHANGE)
    audit.record(action="tolerance.typical.view", actor=request.user, target=typical)
    form = TypicalPublishForm(initial={"digest": content_digest(typical)})
    return _preview(request, typical, form)


@require_POST
def typical_publish_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = require_cadre_user(request, change=True)
    typical = _typical(request, pk, Action.CHANGE)
    form = TypicalPublishForm(request.POST)
    if form.is_valid():
        try:
            typical_publish(
                actor=actor,
                typical_id=pk,
                manual_review=form.cleaned_data["manual_review"],
                digest=form.cleaned_data["digest"],
            )
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, f"已发布典型案例“{typical.title}”")
            return redirect("tolerance:typical_detail", pk=pk)
    typical.refresh_from_db()
    return _preview(request, typical, form)


@require_POST
def typical_withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = require_cadre_user(request, change=True)
    _typical(request, pk, Action.CHANGE)
    form = WithdrawForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        typical_withdraw(actor=actor, typical_id=pk, reason=reason)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已撤回，该案例不再出现在案例库中")
    return redirect("tolerance:typical_detail", pk=pk)


@require_POST
def typical_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = require_cadre_user(request, change=True)
    typical = _typical(request, pk, Action.CHANGE)
    try:
        typical_delete(actor=actor, typical_id=pk)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("tolerance:typical_detail", pk=pk)
    messages.success(request, f"已删除草稿“{typical.title}”")
    return redirect("tolerance:typical_manage")


def _filter_labels(filters: LibraryFilters | None) -> list[str]:
    if filters is None:
        return []
    labels = []
    if filters.area:
        labels.append(f"领域：{Area(filters.area).label}")
    if filters.distinction:
        labels.append(f"区分开来：{Distinction(filters.distinction).label}")
    if filters.tag:
        labels.append(f"标签：{filters.tag}")
    if filters.q.strip():
        labels.append(f"关键词：{filters.q.strip()}")
    return labels


def _compilation(request: HttpRequest, *, for_print: bool) -> tuple[str, int]:
    """The compilation page of the published cases matching the library's filters."""
    actor = require_cadre_user(request)
    filters = LibraryFilterForm(request.GET).filters()
    queryset = typical_library(actor=actor, filters=filters)
    total = queryset.count()
    context = {
        "cases": list(queryset[:MAX_COMPILATION]),
        "total": total,
        "limit": MAX_COMPILATION,
        "filter_labels": _filter_labels(filters),
        "generated_on": timezone.localdate(),
        "for_print": for_print,
        "back_query": request.GET.urlencode(),
    }
    html = render_to_string("tolerance/library_compilation.html", context, request=request)
    audit.record(
        action="tolerance.typical.compilation_pdf" if not for_print else "tolerance.typical.print",
        actor=actor,
        target_type=TARGET,
        target_repr="容错纠错典型案例汇编",
        detail={"filter": dict(request.GET.lists()), "cases": min(total, MAX_COMPILATION)},
    )
    return html, total


def library_print_view(request: HttpRequest) -> HttpResponse:
    html, _ = _compilation(request, for_print=True)
    return HttpResponse(html)


def library_pdf_view(request: HttpRequest) -> HttpResponse:
    html, _ = _compilation(request, for_print=False)
    pdf = compilation_pdf(html)
    response = HttpResponse(pdf, content_type="application/pdf")
    stamp = timezone.localdate().strftime("%Y%m%d")
    disposition = content_disposition_header(True, f"容错纠错典型案例汇编_{stamp}.pdf")
    if disposition:
        response.headers["Content-Disposition"] = disposition
    return response
