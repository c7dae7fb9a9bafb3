"""Reads of the promotion pages: scoped lists, one record, choices for the plan form."""

from typing import Any

from django.db.models import QuerySet
from django.http import QueryDict

from apps.cadres.filters import search
from apps.cadres.models import Cadre, Post
from apps.core.exceptions import OutOfScopeError
from apps.core.scope import Action
from apps.selection.forms_promotions import PromotionFilterForm
from apps.selection.models import Promotion, PromotionBatch
from apps.units.models import Unit

PROMOTION_SORTS: dict[str, tuple[str, ...]] = {
    "-decision_date": ("-decision_date", "-id"),
    "decision_date": ("decision_date", "id"),
    "name": ("cadre__name_pinyin", "id"),
    "-name": ("-cadre__name_pinyin", "-id"),
}
MAX_POSTS = 500


def promotion_list(
    *, actor: Any, params: QueryDict
) -> tuple[QuerySet[Promotion], PromotionFilterForm]:
    form = PromotionFilterForm(params or None)
    rows = Promotion.objects.visible_to(actor)
    if form.is_bound and not form.is_valid():
        return rows.none(), form
    data = form.cleaned_data if form.is_bound else {}
    if data.get("year"):
        rows = rows.filter(decision_date__year=data["year"])
    for key in ("kind", "status"):
        if data.get(key):
            rows = rows.filter(**{key: data[key]})
    if data.get("frontline") in ("0", "1"):
        rows = rows.filter(frontline=data["frontline"] == "1")
    if data.get("unit"):
        unit = Unit.objects.visible_to(actor).filter(pk=data["unit"]).first()
        rows = rows.filter(unit__path__startswith=unit.path) if unit else rows.none()
    if data.get("q"):
        rows = rows.filter(cadre__in=search(Cadre.objects.visible_to(actor), data["q"]))
    order = PROMOTION_SORTS.get(str(params.get("sort") or ""), PROMOTION_SORTS["-decision_date"])
    return rows.select_related("cadre__unit", "unit", "post", "batch").order_by(*order), form


def promotion_get(*, actor: Any, promotion_id: int, action: Action = Action.VIEW) -> Promotion:
    row = (
        Promotion.objects.visible_to(actor, action)
        .select_related("cadre__unit", "unit", "post__unit", "batch", "exceptional")
        .filter(pk=promotion_id)
        .first()
    )
    if row is None:
        raise OutOfScopeError()
    return row


def batch_list(*, actor: Any) -> QuerySet[PromotionBatch]:
    return PromotionBatch.objects.visible_to(actor).select_related("unit")


def batch_get(*, actor: Any, batch_id: int, action: Action = Action.VIEW) -> PromotionBatch:
    row = (
        PromotionBatch.objects.visible_to(actor, action)
        .select_related("unit")
        .filter(pk=batch_id)
        .first()
    )
    if row is None:
        raise OutOfScopeError()
    return row


def batch_promotions(*, actor: Any, batch: PromotionBatch) -> QuerySet[Promotion]:
    return (
        Promotion.objects.visible_to(actor)
        .filter(batch=batch)
        .select_related("cadre__unit", "unit", "post", "publicity")
        .order_by("id")
    )


def post_choices(
    *, actor: Any, tiers: list[str] | None = None, keep: int | None = None
) -> list[tuple[int, str]]:
    """Posts of units the actor may change, of the given tiers (the cadre's next step and their
    own tier), plus the post already chosen."""
    posts = Post.objects.filter(unit__in=Unit.objects.visible_to(actor, Action.CHANGE))
    chosen = list(posts.filter(pk=keep).select_related("unit")) if keep else []
    if tiers:
        posts = posts.filter(tier__in=tiers)
    rows = chosen + [
        p
        for p in posts.select_related("unit").order_by("unit__path", "sort_order", "id")[:MAX_POSTS]
        if p.pk != keep
    ]
    return [(p.pk, f"{p.unit.name} {p.title}（{p.get_tier_display()}）") for p in rows]


def batch_choices(*, actor: Any) -> list[tuple[int, str]]:
    rows = (
        PromotionBatch.objects.visible_to(actor, Action.CHANGE)
        .filter(confirmed_at__isnull=True)
        .order_by("-decision_date", "-id")[:100]
    )
    return [(b.pk, f"{b.title}（{b.decision_date:%Y-%m-%d}）") for b in rows]
