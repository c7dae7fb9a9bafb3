"""The cadre page's 知事识人 tab (registered with apps.cadres.detail_tabs): a timeline of the 事
the cadre carried and how (谋事 / 干事 / 成事 with evidence, research observations linked), the
special assessments, and research observations about the cadre. The cadre page shows only the
count of records (one query); the body is loaded when the tab is first shown."""

from typing import Any

from django.db.models import Prefetch
from django.http import HttpRequest
from django.urls import reverse

from apps.assessment import selectors_research as sel
from apps.assessment.models import SpecialAssessment, TaskRecord, VisitObservation
from apps.assessment.services.tasks import ASPECTS
from apps.cadres.detail_tabs import DetailTab, UnitLink, register_tab, register_unit_link
from apps.cadres.models import Cadre
from apps.cadres.views.common import is_officer


def cadre_timeline(*, actor: Any, cadre_id: int) -> list[TaskRecord]:
    """The 事 a cadre carried, newest first, each with the linked research observations the
    actor may see (as `seen_observations`)."""
    seen = (
        VisitObservation.objects.visible_to(actor)
        .select_related("visit", "visit__team", "central_task")
        .order_by("-visit__visited_on", "id")
    )
    records = (
        TaskRecord.objects.visible_to(actor)
        .filter(cadre_id=cadre_id)
        .select_related("central_task", "key_work", "key_work__unit")
        .prefetch_related(Prefetch("observations", queryset=seen, to_attr="seen_observations"))
        .order_by("-start_date", "-id")
    )
    return list(records)


def _aspects(record: Any) -> list[dict[str, str]]:
    """The three ratings of a record as badges: label, rating, evidence."""
    return [
        {
            "label": label,
            "value": getattr(record, aspect),
            "rating": getattr(record, f"get_{aspect}_display")(),
            "evidence": getattr(record, f"{aspect}_evidence"),
        }
        for aspect, label in ASPECTS.items()
    ]


def count_taskrecords_tab(request: HttpRequest, cadre: Cadre) -> int:
    return TaskRecord.objects.visible_to(request.user).filter(cadre_id=cadre.pk).count()


def build_taskrecords_tab(request: HttpRequest, cadre: Cadre) -> dict[str, Any]:
    """Every list read through the viewer's scope (the cadre itself is already in it)."""
    actor: Any = request.user
    records = cadre_timeline(actor=actor, cadre_id=cadre.pk)
    specials = (
        SpecialAssessment.objects.visible_to(actor)
        .filter(cadre_id=cadre.pk)
        .select_related("central_task")
        .order_by("-assessed_on", "-id")
    )
    return {
        "count": len(records),
        "timeline": [{"record": r, "aspects": _aspects(r)} for r in records],
        "specials": list(specials),
        "observations": list(sel.cadre_observations(actor=actor, cadre_id=cadre.pk)[:50]),
        "can_add": is_officer(actor),
    }


register_tab(
    DetailTab(
        key="taskrecords",
        label="知事识人",
        template="assessment/_tab_taskrecords.html",
        build=build_taskrecords_tab,
        count=count_taskrecords_tab,
        order=30,
    )
)


register_unit_link(
    UnitLink(
        label="重点工作与知事识人",
        icon="ti-list-details",
        url=lambda unit_id: reverse("assessment:keywork_list", args=[unit_id]),
        order=20,
    )
)
