"""Pages of the locality's method (容错纠错办法): the list of versions, a version with its
interpretation, both lists, the version history and the comparison with the previous version;
the forms of drafts (versions and list entries), publication and new versions.

Readers: every officer and leader of the locality. Writers: officers holding the tolerance pillar
with a change grant over the owning unit; anyone else gets 404 on a write of a row.
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from apps.cadres.views.common import is_officer, require_cadre_user
from apps.core.exceptions import DomainError, OutOfScopeError
from apps.core.htmx import is_htmx_partial
from apps.core.lists import list_context, sort_headers
from apps.core.scope import Action
from apps.tolerance.forms_library import (
    METHOD_STATUS_CHOICES,
    ItemForm,
    MethodFilterForm,
    MethodForm,
    MethodPublishForm,
    NewVersionForm,
)
from apps.tolerance.models import ToleranceList, ToleranceMethod
from apps.tolerance.selectors_library import (
    METHOD_DEFAULT_SORT,
    may_manage,
    method_compare,
    method_get,
    method_item_get,
    method_items,
    method_list,
    method_previous,
    method_statuses,
    method_versions,
    methods_in_force_for,
    pillar_paths,
)
from apps.tolerance.services.methods import (
    list_item_add,
    list_item_delete,
    list_item_update,
    method_create,
    method_delete,
    method_new_version,
    method_publish,
    method_update,
)

METHOD_COLUMNS = {"unit": "制定单位", "title": "办法名称", "effective_from": "施行日期"}


def _crumbs(*items: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [("容错纠错办法", reverse("tolerance:method_list")), *items]


def _detail_url(pk: int) -> str:
    return reverse("tolerance:method_detail", args=[pk])


def _get(request: HttpRequest, pk: int, action: Action = Action.VIEW) -> ToleranceMethod:
    try:
        return method_get(actor=request.user, method_id=pk, action=action)
    except OutOfScopeError:
        raise Http404("记录不存在或不在您的数据范围内") from None


def _manager(request: HttpRequest) -> Any:
    """An officer holding the tolerance pillar with a change grant (any unit)."""
    actor = require_cadre_user(request, change=True)
    if not pillar_paths(actor, Action.CHANGE):
        raise PermissionDenied("需要“容错纠错”职能授权才能维护办法")
    return actor


def _item(request: HttpRequest, item_pk: int) -> ToleranceList:
    try:
        return method_item_get(actor=request.user, item_id=item_pk, action=Action.CHANGE)
    except OutOfScopeError:
        raise Http404("记录不存在或不在您的数据范围内") from None


def method_list_view(request: HttpRequest) -> HttpResponse:
    actor = require_cadre_user(request)
    today = timezone.localdate()
    form = MethodFilterForm(request.GET)
    filters = form.filters()
    context = list_context(request, method_list(actor=actor, filters=filters))
    methods = list(context["page"].object_list)
    statuses = method_statuses(methods, today)
    rows = [(m, statuses[m.pk]) for m in methods]
    sort = filters.sort if filters else METHOD_DEFAULT_SORT
    context.update(
        rows=rows,
        form=form,
        statuses=METHOD_STATUS_CHOICES,
        in_force=methods_in_force_for(actor, today),
        can_create=is_officer(actor) and bool(pillar_paths(actor, Action.CHANGE)),
        headers=sort_headers(request, METHOD_COLUMNS, sort, "#method-results"),
        breadcrumbs=[("容错纠错办法", None)],
    )
    partial = is_htmx_partial(request)
    template = "tolerance/_method_results.html" if partial else "tolerance/method_list.html"
    return render(request, template, context)


def method_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = require_cadre_user(request)
    method = _get(request, pk)
    today = timezone.localdate()
    previous = method_previous(method)
    positives, negatives = method_items(method)
    history = method_versions(method)
    statuses = method_statuses([*history, method], today)
    versions = [(v, statuses[v.pk]) for v in history]
    context = {
        "method": method,
        "status": statuses[method.pk],
        "positives": positives,
        "negatives": negatives,
        "versions": versions,
        "previous": previous,
        "diff": method_compare(previous, method) if previous else None,
        "can_manage": is_officer(actor) and may_manage(actor, method.unit.path),
        "breadcrumbs": _crumbs((str(method), None)),
    }
    return render(request, "tolerance/method_detail.html", context)


def method_create_view(request: HttpRequest) -> HttpResponse:
    actor = _manager(request)
    form = MethodForm(request.POST or None, actor=actor)
    if request.method == "POST" and form.is_valid():
        try:
            method = method_create(actor=actor, data=form.to_input())
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, "已新建办法草稿，请补充释义和正面、负面清单后发布")
            return redirect("tolerance:method_detail", pk=method.pk)
    context = {"form": form, "method": None, "breadcrumbs": _crumbs(("新建办法", None))}
    return render(request, "tolerance/method_form.html", context)


def method_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = require_cadre_user(request, change=True)
    method = _get(request, pk, Action.CHANGE)
    initial = MethodForm.initial_of(method)
    form = MethodForm(request.POST or None, actor=actor, method=method, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            method_update(actor=actor, method_id=pk, data=form.to_input())
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, "已保存")
            return redirect("tolerance:method_detail", pk=pk)
    crumbs = _crumbs((str(method), _detail_url(pk)), ("编辑", None))
    context = {"form": form, "method": method, "breadcrumbs": crumbs}
    return render(request, "tolerance/method_form.html", context)


@require_POST
def method_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = require_cadre_user(request, change=True)
    method = _get(request, pk, Action.CHANGE)
    try:
        method_delete(actor=actor, method_id=pk)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("tolerance:method_detail", pk=pk)
    messages.success(request, f"已删除草稿“{method}”")
    return redirect("tolerance:method_list")


def _item_page(
    request: HttpRequest, method: ToleranceMethod, item: ToleranceList | None
) -> HttpResponse:
    actor = request.user
    initial = ItemForm.initial_of(item) if item else {"kind": request.GET.get("kind", "positive")}
    form = ItemForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if item is None:
                list_item_add(actor=actor, method_id=method.pk, data=form.to_input())
            else:
                list_item_update(actor=actor, item_id=item.pk, data=form.to_input())
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, "清单条目已保存")
            return redirect(_detail_url(method.pk) + "#lists")
    label = "编辑清单条目" if item else "新增清单条目"
    crumbs = _crumbs((str(method), _detail_url(method.pk)), (label, None))
    context = {"form": form, "method": method, "item": item, "breadcrumbs": crumbs}
    return render(request, "tolerance/method_item_form.html", context)


def method_item_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    require_cadre_user(request, change=True)
    return _item_page(request, _get(request, pk, Action.CHANGE), None)


def method_item_edit_view(request: HttpRequest, item_pk: int) -> HttpResponse:
    require_cadre_user(request, change=True)
    item = _item(request, item_pk)
    return _item_page(request, item.method, item)


@require_POST
def method_item_delete_view(request: HttpRequest, item_pk: int) -> HttpResponse:
    actor = require_cadre_user(request, change=True)
    item = _item(request, item_pk)
    try:
        list_item_delete(actor=actor, item_id=item_pk)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已删除清单条目“{item.code}”")
    return redirect(_detail_url(item.method_id) + "#lists")


def method_publish_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = require_cadre_user(request, change=True)
    method = _get(request, pk, Action.CHANGE)
    form = MethodPublishForm(request.POST or None, initial={"effective_from": timezone.localdate()})
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        effective_from = form.cleaned_data["effective_from"]
        try:
            method_publish(actor=actor, method_id=pk, effective_from=effective_from)
        except DomainError as exc:
            form.add_domain_error(exc)
            problems = list(exc.fields.values()) or [exc.message]
        else:
            messages.success(request, f"已发布“{method}”，自{effective_from:%Y-%m-%d}起施行")
            return redirect("tolerance:method_detail", pk=pk)
    positives, negatives = method_items(method)
    crumbs = _crumbs((str(method), _detail_url(pk)), ("发布", None))
    context = {
        "form": form,
        "method": method,
        "positives": positives,
        "negatives": negatives,
        "previous": method_previous(method),
        "problems": problems,
        "breadcrumbs": crumbs,
    }
    return render(
        request, "tolerance/method_publish.html", context, status=400 if problems else 200
    )


@require_POST
def method_new_version_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = require_cadre_user(request, change=True)
    _get(request, pk, Action.CHANGE)
    form = NewVersionForm(request.POST)
    label = form.cleaned_data.get("version_label", "") if form.is_valid() else ""
    try:
        method = method_new_version(actor=actor, from_method_id=pk, version_label=label)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("tolerance:method_detail", pk=pk)
    messages.success(request, f"已新建版本“{method.version_label}”（复制自原版本），请修改后发布")
    return redirect("tolerance:method_detail", pk=method.pk)
