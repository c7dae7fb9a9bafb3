"""Candidate search (target picker, filters, results swapped by htmx, "为什么没有某人"), one cadre's
printable eligibility chain, and the lazily loaded body of the cadre page's 任用资格 tab.
Out-of-scope cadres answer 404 (and are simply "not found" in the explanation box)."""

from datetime import date
from typing import Any

from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.dateparse import parse_date

from apps.cadres.models import Post
from apps.cadres.views.common import require_cadre_user
from apps.cadres.views.filter_form import unit_choices
from apps.core.exceptions import OutOfScopeError
from apps.core.htmx import is_htmx_partial
from apps.core.lists import list_context, sort_headers
from apps.core.paging import page_size_of
from apps.selection import selectors_candidates as selectors
from apps.selection.constants import MeritGround, Outcome
from apps.selection.engine import Target, Verdict
from apps.selection.forms_candidates import COLUMNS, search_form
from apps.selection.params import RANK_STEPS
from apps.units.constants import TIER_ORDER
from apps.units.models import Unit

SORT_COLUMNS = {"name": "姓名", "age": "年龄", "frontline": "一线经历", "tenure": "现职年限"}
OUTCOME_CSS: dict[str, str] = {
    Outcome.PASS: "bg-green-lt",
    Outcome.FAIL: "bg-red-lt",
    Outcome.WARN: "bg-yellow-lt",
    Outcome.UNKNOWN: "bg-secondary-lt",
    Outcome.WAIVED: "bg-purple-lt",
    Outcome.NOT_APPLICABLE: "bg-light text-secondary",
}


def _units(actor: Any, query: QueryDict) -> list[tuple[str, str]]:
    rows = list(unit_choices(actor, query.get("unit")))
    seen = {value for value, _ in rows}
    rows += [r for r in unit_choices(actor, query.get("post_unit")) if r[0] not in seen]
    return rows


def _options(units: list[tuple[str, str]], chosen: str | None) -> list[tuple[str, str, bool]]:
    return [(value, label, value == (chosen or "")) for value, label in units]


def _page(request: HttpRequest, rows: list[Any]) -> Page[Any]:
    return Paginator(rows, page_size_of(request)).get_page(request.GET.get("page"))


def plan_url(cadre_id: int, target: Target, post_id: int | None = None) -> str | None:
    """The 拟提拔 link (selection:promotion_plan, built by the lead) with the cadre and target;
    None while that page does not exist yet."""
    try:
        base = reverse("selection:promotion_plan")
    except NoReverseMatch:
        return None
    query = QueryDict(mutable=True)
    query["cadre"] = str(cadre_id)
    if post_id:
        query["post"] = str(post_id)
    query["tier" if target.tier else "rank"] = target.tier or target.rank
    return f"{base}?{query.urlencode()}"


def target_query(target: Target, on: date, post_id: int | None = None) -> str:
    """The query string naming a target on a day (links to eligibility_detail)."""
    query = QueryDict(mutable=True)
    if target.rank:
        query["rank"] = target.rank
    else:
        query["tier"] = target.tier
        if target.party_post:
            query["party"] = "1"
    if post_id:
        query["post"] = str(post_id)
    query["on"] = on.isoformat()
    return query.urlencode()


def _context(request: HttpRequest, actor: Any) -> dict[str, Any]:
    units = _units(actor, request.GET)
    form = search_form(request.GET, actor=actor, units=units)
    target = form.target()
    on = form.day()
    post = form.chosen_post() if target else None
    filters = form.filters()
    screening = (
        selectors.screen(actor=actor, target=target, on=on, filters=filters) if target else None
    )
    columns = form.columns()
    return {
        "form": form,
        "target": target,
        "on": on,
        "post": post,
        "screening": screening,
        **list_context(request, _page(request, screening.rows if screening else [])),
        "detail_query": target_query(target, on, post.pk if post else None) if target else "",
        "headers": sort_headers(request, SORT_COLUMNS, filters.sort, "#candidate-results"),
        "columns": columns,
        "column_choices": COLUMNS,
        "unit_options": _options(units, request.GET.get("unit")),
        "post_unit_options": _options(units, request.GET.get("post_unit")),
        "breadcrumbs": [("候选人查询", None)],
    }


def candidate_search_view(request: HttpRequest) -> HttpResponse:
    actor = require_cadre_user(request)
    context = _context(request, actor)
    if is_htmx_partial(request):
        partial = request.headers.get("HX-Target") == "candidate-results"
        name = "_candidates_results.html" if partial else "_candidates_page.html"
        return render(request, f"selection/{name}", context)
    return render(request, "selection/candidates.html", context)


def candidate_explain_view(request: HttpRequest) -> HttpResponse:
    """ "为什么没有某人": the verdicts of the cadres in scope matching the typed name."""
    actor = require_cadre_user(request)
    form = search_form(request.GET, actor=actor, units=_units(actor, request.GET))
    target = form.target()
    on = form.day()
    text = (request.GET.get("who") or "").strip()[:50]
    found = (
        selectors.explain(actor=actor, target=target, on=on, text=text) if target and text else []
    )
    post = form.chosen_post() if target else None
    context = {
        "found": found,
        "text": text,
        "target": target,
        "detail_query": target_query(target, on, post.pk if post else None) if target else "",
    }
    return render(request, "selection/_candidates_explain.html", context)


def _target_of(request: HttpRequest, actor: Any) -> tuple[Target | None, int | None]:
    """The target in eligibility_detail's query: post (its tier), tier (+ party) or rank; None
    for the cadre's natural next steps. A post outside the actor's scope is not found."""
    party = request.GET.get("party") == "1"
    raw_post = request.GET.get("post") or ""
    if raw_post.isdigit():
        post = Post.objects.filter(
            pk=int(raw_post), unit__in=Unit.objects.visible_to(actor)
        ).first()
        if post is None:
            raise Http404("职位不存在或不在您的数据范围内")
        return Target(tier=post.tier, party_post=party), post.pk
    tier, rank = request.GET.get("tier") or "", request.GET.get("rank") or ""
    if tier in TIER_ORDER:
        return Target(tier=tier, party_post=party), None
    if rank in RANK_STEPS:
        return Target(rank=rank), None
    return None, None


def _day(request: HttpRequest) -> date:
    raw = request.GET.get("on") or ""
    try:
        parsed = parse_date(raw)
    except ValueError:
        parsed = None
    return parsed or timezone.localdate()


def chain(verdict: Verdict) -> list[dict[str, Any]]:
    """The verdict's checks with their badge class and Chinese outcome."""
    return [
        {"check": c, "css": OUTCOME_CSS[c.outcome], "label": Outcome(c.outcome).label}
        for c in verdict.checks
    ]


def verdict_rows(cadre_id: int, verdicts: list[Verdict], post_id: int | None) -> list[Any]:
    """Verdicts as the eligibility templates show them (also the cadre page's 任用资格 tab)."""
    return [
        {
            "verdict": v,
            "chain": chain(v),
            "waiver_ground": MeritGround(v.waiver.ground).label if v.waiver else "",
            "query": target_query(v.target, v.on, post_id),
            "plan_url": plan_url(cadre_id, v.target, post_id),
        }
        for v in verdicts
    ]


def eligibility_detail_view(request: HttpRequest, cadre_id: int) -> HttpResponse:
    """The full chain for one cadre and target, printable; the read is audited."""
    actor = require_cadre_user(request)
    target, post_id = _target_of(request, actor)
    on = _day(request)
    try:
        cadre, verdicts = selectors.eligibility_of(
            actor=actor, cadre_id=cadre_id, target=target, on=on
        )
    except OutOfScopeError:
        raise Http404("记录不存在或不在您的数据范围内") from None
    context = {
        "cadre": cadre,
        "on": on,
        "rows": verdict_rows(cadre.pk, verdicts, post_id),
        "breadcrumbs": [
            ("候选人查询", reverse("selection:candidate_search")),
            (cadre.name, reverse("cadres:cadre_detail", args=[cadre.pk])),
            ("任用资格", None),
        ],
    }
    return render(request, "selection/eligibility_detail.html", context)
