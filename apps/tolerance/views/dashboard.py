"""激励保护概览: the pillar dashboard (cases by stage and outcome, average days per stage,
overdue corrections; sanctions in effect, the red list, overdue visits, reuse outcomes).

Each section shows only for a pillar the user holds; a user holding neither gets 404 (audited as
denied), like any need-to-know page; the 三员 get the role's 403. Every chart has a table of the
same numbers, and every count links to the list it counts (drill-down).
"""

import contextlib
from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from apps.cadres.views.common import require_cadre_user
from apps.core import audit
from apps.core.models import AuditOutcome
from apps.tolerance import selectors_dashboard as selectors
from apps.tolerance.selectors_cases import STAGE_SPANS, CaseStats
from apps.tolerance.selectors_dashboard import SanctionStats

STEP_LABELS = {
    "applied_on": "申请",
    "accepted_on": "受理",
    "verified_on": "核实完成",
    "determined_on": "认定",
    "concluded_on": "作出结论",
    "closed_on": "办结",
}
# (URL name, path if that page is not mounted)
LISTS = {
    "cases": ("tolerance:case_list", "/tolerance/cases/"),
    "corrections": ("tolerance:correction_overdue", "/tolerance/cases/corrections/overdue/"),
    "sanctions": ("tolerance:sanction_list", "/tolerance/sanctions/"),
    "no_mentor": ("tolerance:mentor_missing", "/tolerance/sanctions/no-mentor/"),
    "overdue": ("tolerance:followup_overdue", "/tolerance/sanctions/follow-ups/overdue/"),
    "reuse": ("tolerance:reuse_list", "/tolerance/sanctions/reuse/"),
}


def list_url(key: str, **query: str) -> str:
    """The drill-down list's URL, filtered by `query`."""
    name, path = LISTS[key]
    with contextlib.suppress(NoReverseMatch):  # the page's app part is not mounted yet
        path = reverse(name)
    return f"{path}?{urlencode(query)}" if query else path


def _chart(rows: list[tuple[str, str, int]], key: str, field: str, **fixed: str) -> dict[str, Any]:
    """One chart's numbers for ECharts: categories, values and each one's drill-down URL."""
    return {
        "categories": [label for _, label, _ in rows],
        "values": [n for _, _, n in rows],
        "links": [list_url(key, **{field: value}, **fixed) for value, _, _ in rows],
    }


def tolerance_context(stats: CaseStats) -> dict[str, Any]:
    spans = [
        {
            "label": label,
            "span": f"{STEP_LABELS.get(start, start)}→{STEP_LABELS.get(end, end)}",
            "mean": mean,
            "n": n,
        }
        for (label, mean, n), (_, start, end) in zip(stats.average_days, STAGE_SPANS, strict=False)
    ]
    return {
        "stats": stats,
        "stage_rows": [(label, n, list_url("cases", stage=v)) for v, label, n in stats.by_stage],
        "outcome_rows": [
            (label, n, list_url("cases", outcome=v)) for v, label, n in stats.by_outcome
        ],
        "decided": sum(n for _, _, n in stats.by_outcome),
        "spans": spans,
        "cases_url": list_url("cases"),
        "corrections_url": list_url("corrections"),
        "charts": {
            "stage": _chart(stats.by_stage, "cases", "stage"),
            "outcome": _chart(stats.by_outcome, "cases", "outcome"),
            "days": {
                "categories": [s["span"] for s in spans],
                "values": [s["mean"] for s in spans],
                "links": [],
            },
        },
    }


def sanctions_context(stats: SanctionStats) -> dict[str, Any]:
    return {
        "stats": stats,
        "kind_rows": [
            (label, n, list_url("sanctions", kind=v, status="in_effect"))
            for v, label, n in stats.in_effect
        ],
        "reuse_rows": [
            (label, n, list_url("reuse", recommendation=v)) for v, label, n in stats.reuse
        ],
        "sanctions_url": list_url("sanctions"),
        "no_mentor_url": list_url("no_mentor"),
        "overdue_url": list_url("overdue"),
        "in_effect_url": list_url("sanctions", status="in_effect"),
        "reuse_url": list_url("reuse"),
        "charts": {
            "kind": _chart(stats.in_effect, "sanctions", "kind", status="in_effect"),
            "reuse": _chart(stats.reuse, "reuse", "recommendation"),
        },
    }


def dashboard_view(request: HttpRequest) -> HttpResponse:
    actor = require_cadre_user(request)
    board = selectors.dashboard(actor=actor, today=timezone.localdate())
    if board is None:
        audit.record(
            action="tolerance.dashboard.view",
            actor=actor,
            outcome=AuditOutcome.DENIED,
            detail={"path": request.path},
        )
        raise Http404("页面不存在或您无权查看")
    context = {
        "tolerance": tolerance_context(board.tolerance) if board.tolerance else None,
        "sanctions": sanctions_context(board.sanctions) if board.sanctions else None,
        "breadcrumbs": [("激励保护", None), ("激励保护概览", None)],
    }
    return render(request, "tolerance/dashboard.html", context)
