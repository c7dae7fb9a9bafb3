"""Pages of promotions (干部任用), batches and the frontline-quota panel."""

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from apps.cadres.views.common import cadre_or_404, filtered_list_context, require_cadre_user
from apps.core.exceptions import DomainError, OutOfScopeError
from apps.core.forms import submit
from apps.core.htmx import is_htmx_partial
from apps.core.lists import sort_headers
from apps.core.paging import page_size_of
from apps.core.scope import Action
from apps.selection import rules
from apps.selection import selectors_promotions as sel
from apps.selection.constants import PromotionKind, PromotionStatus
from apps.selection.forms_promotions import BatchForm, ConfirmForm, PlanForm, WithdrawForm
from apps.selection.models import Promotion, PromotionBatch
from apps.selection.selectors_quota import quota_whatif
from apps.selection.services import promotions as services
from apps.units.constants import TIER_ORDER, Tier
from apps.units.models import Unit
from apps.units.options import unit_options

PROMOTION_COLUMNS = [("name", "姓名"), ("decision_date", "研究决定日期")]


def _promotion_or_404(request: HttpRequest, pk: int, action: Action = Action.VIEW) -> Promotion:
    try:
        return sel.promotion_get(actor=request.user, promotion_id=pk, action=action)
    except OutOfScopeError:
        raise Http404("记录不存在或不在您的数据范围内") from None


def promotion_list_view(request: HttpRequest) -> HttpResponse:
    actor = require_cadre_user(request)
    rows, form = sel.promotion_list(actor=actor, params=request.GET)
    page = Paginator(rows, page_size_of(request)).get_page(request.GET.get("page"))
    context = filtered_list_context(request, page, form)
    context["sorts"] = sort_headers(
        request,
        PROMOTION_COLUMNS,
        request.GET.get("sort") or "-decision_date",
        "#promotion-results",
    )
    if is_htmx_partial(request):
        return render(request, "selection/_promotion_results.html", context)
    context.update(
        kinds=PromotionKind.choices,
        statuses=PromotionStatus.choices,
        breadcrumbs=[("选拔任用", None), ("干部任用记录", None)],
    )
    return render(request, "selection/promotion_list.html", context)


def _plan_tiers(cadre: Any) -> list[str]:
    """The tiers worth offering: the cadre's own (进一步使用/交流) up to two steps above
    (越级 needs a 破格 record; the service judges it)."""
    current = cadre.tier or rules.RANK_TIER.get(cadre.rank_grade, "")
    if not current:
        return [Tier.SECTION_DEPUTY]
    index = TIER_ORDER[current]
    return [t for t in rules.TIERS if index - 2 <= TIER_ORDER[t] <= index]


def promotion_plan_view(request: HttpRequest) -> HttpResponse:
    actor = require_cadre_user(request, change=True)
    source = request.POST if request.method == "POST" else request.GET
    try:
        cadre_id = int(source.get("cadre", ""))
    except ValueError:
        raise Http404("请从干部信息或候选人页面发起") from None
    cadre = cadre_or_404(request, cadre_id, Action.CHANGE)
    chosen_post = int(request.GET["post"]) if request.GET.get("post", "").isdigit() else None
    rank = request.GET.get("rank", "")
    initial = {
        "kind": PromotionKind.RANK if rank else PromotionKind.PROMOTE,
        "post": chosen_post,
        "target_rank": rank,
        "decision_date": timezone.localdate(),
    }
    form = PlanForm(
        request.POST or None,
        initial=initial,
        post_choices=sel.post_choices(actor=actor, tiers=_plan_tiers(cadre), keep=chosen_post),
        batch_choices=sel.batch_choices(actor=actor),
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        data = services.PlanInput(
            cadre_id=cadre.pk,
            kind=d["kind"],
            decision_date=d["decision_date"],
            post_id=d["post"],
            target_rank=d["target_rank"] or "",
            doc_no=d["doc_no"],
            batch_id=d["batch"],
            note=d["note"],
        )
        try:
            promotion = services.promotion_plan(actor=actor, data=data)
        except OutOfScopeError:
            raise Http404 from None
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, f"已登记{cadre.name}的拟任记录，请组织任前公示")
            return redirect("selection:promotion_detail", pk=promotion.pk)
    context = {
        "form": form,
        "cadre": cadre,
        "breadcrumbs": [
            ("干部任用记录", reverse("selection:promotion_list")),
            (cadre.name, reverse("cadres:cadre_detail", args=[cadre.pk])),
            ("拟任", None),
        ],
    }
    return render(request, "selection/promotion_plan.html", context)


def _detail(
    request: HttpRequest,
    promotion: Promotion,
    confirm_form: ConfirmForm | None = None,
    status: int = 200,
) -> HttpResponse:
    actor: Any = request.user
    changes = []
    if promotion.status == PromotionStatus.PLANNED:
        changes = quota_whatif(actor, [promotion], timezone.localdate())
    pk = promotion.pk
    context = {
        "promotion": promotion,
        "verdict": promotion.verdict,
        "publicity": getattr(promotion, "publicity", None),
        "probation": getattr(promotion, "probation", None),
        "changes": changes,
        "confirm_form": confirm_form
        or ConfirmForm(initial={"version": promotion.version, "start_date": timezone.localdate()}),
        "withdraw_form": WithdrawForm(initial={"version": promotion.version}),
        "can_change": Promotion.objects.visible_to(actor, Action.CHANGE).filter(pk=pk).exists(),
        "breadcrumbs": [
            ("干部任用记录", reverse("selection:promotion_list")),
            (str(promotion), None),
        ],
    }
    return render(request, "selection/promotion_detail.html", context, status=status)


def promotion_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    require_cadre_user(request)
    return _detail(request, _promotion_or_404(request, pk))


@require_POST
def promotion_confirm_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm; a refusal (publicity, quota, stale version) shows the form again with what the
    user typed and the reason under the field it concerns."""
    actor = require_cadre_user(request, change=True)
    promotion = _promotion_or_404(request, pk, Action.CHANGE)
    form = ConfirmForm(request.POST)
    status = submit(
        form,
        lambda: services.promotion_confirm(
            actor=actor, promotion_id=promotion.pk, **form.cleaned_data
        ),
    )
    if status is None:
        messages.success(request, f"已确认{promotion.cadre.name}任职，干部任职记录已更新")
        return redirect("selection:promotion_detail", pk=promotion.pk)
    return _detail(request, _promotion_or_404(request, pk), form, status)


@require_POST
def promotion_withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = require_cadre_user(request, change=True)
    promotion = _promotion_or_404(request, pk, Action.CHANGE)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.promotion_withdraw(
                actor=actor,
                promotion_id=promotion.pk,
                version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已撤回该拟任记录")
    else:
        messages.error(request, "请填写撤回原因")
    return redirect("selection:promotion_detail", pk=promotion.pk)


def _unit_choices(actor: Any) -> list[tuple[int, str]]:
    return unit_options(Unit.objects.visible_to(actor, Action.CHANGE).active())


def batch_list_view(request: HttpRequest) -> HttpResponse:
    actor = require_cadre_user(request)
    form = BatchForm(
        request.POST or None,
        unit_choices=_unit_choices(actor),
        initial={"decision_date": timezone.localdate()},
    )
    if request.method == "POST":
        require_cadre_user(request, change=True)
        if form.is_valid():
            d = form.cleaned_data
            try:
                batch = services.batch_create(
                    actor=actor,
                    unit_id=d["unit"],
                    title=d["title"],
                    decision_date=d["decision_date"],
                    doc_no=d["doc_no"],
                )
            except OutOfScopeError:
                raise Http404 from None
            messages.success(request, f"已新建批次“{batch.title}”")
            return redirect("selection:batch_detail", pk=batch.pk)
    page = Paginator(sel.batch_list(actor=actor), page_size_of(request)).get_page(
        request.GET.get("page")
    )
    context = {
        "page": page,
        "form": form,
        "breadcrumbs": [("选拔任用", None), ("任免批次", None)],
    }
    return render(request, "selection/batch_list.html", context)


def batch_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = require_cadre_user(request)
    try:
        batch = sel.batch_get(actor=actor, batch_id=pk)
    except OutOfScopeError:
        raise Http404 from None
    promotions = list(sel.batch_promotions(actor=actor, batch=batch))
    planned = [p for p in promotions if p.status == PromotionStatus.PLANNED]
    form = ConfirmForm(
        request.POST or None,
        initial={"version": batch.version, "start_date": timezone.localdate()},
    )
    del form.fields["doc_no"]  # the batch's own 文号 applies to every promotion in it
    status = 200
    if request.method == "POST":
        require_cadre_user(request, change=True)
        outcome = submit(
            form,
            lambda: services.batch_confirm(actor=actor, batch_id=batch.pk, **form.cleaned_data),
        )
        if outcome is None:
            done = f"批次“{batch.title}”已确认，{len(planned)}名干部任职记录已更新"
            messages.success(request, done)
            return redirect("selection:batch_detail", pk=batch.pk)
        status = outcome
    context = {
        "batch": batch,
        "promotions": promotions,
        "changes": quota_whatif(actor, planned, _today_or(batch.decision_date)) if planned else [],
        "form": form,
        "can_change": batch.confirmed_at is None
        and PromotionBatch.objects.visible_to(actor, Action.CHANGE).filter(pk=batch.pk).exists(),
        "breadcrumbs": [("任免批次", reverse("selection:batch_list")), (batch.title, None)],
    }
    return render(request, "selection/batch_detail.html", context, status=status)


def _today_or(day: date) -> date:
    return max(day, timezone.localdate())
