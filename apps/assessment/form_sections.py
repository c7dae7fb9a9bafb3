"""What the assessment pillar writes on the 任免审批表 (apps/cadres/appointment_form hook):
年度考核结果 for the last three years, and the awards that followed from grades (confirmed
proposals, ASM-19-1) under 奖惩情况."""

from datetime import date
from typing import Any

from apps.assessment.constants import ProposalStatus
from apps.assessment.models import AwardProposal
from apps.assessment.selectors import annual_results_text
from apps.cadres.appointment_form import register_form_section
from apps.cadres.models import Cadre


def _actor(request_or_actor: Any) -> Any:
    return getattr(request_or_actor, "user", request_or_actor)


def annual_results(request_or_actor: Any, cadre: Cadre, on: date) -> str | None:
    return annual_results_text(cadre.pk, on) or None


def awards(request_or_actor: Any, cadre: Cadre, on: date) -> str | None:
    """Confirmed awards, e.g. "2024年度嘉奖；2023—2025年度记三等功"."""
    rows = (
        AwardProposal.objects.visible_to(_actor(request_or_actor))
        .filter(cadre=cadre, status=ProposalStatus.CONFIRMED, decided_at__date__lte=on)
        .order_by("first_year", "kind")
    )
    parts = []
    for p in rows:
        years = (
            f"{p.first_year}年度"
            if p.first_year == p.last_year
            else f"{p.first_year}—{p.last_year}年度"
        )
        parts.append(f"{years}{p.get_kind_display()}")
    return "；".join(parts) or None


register_form_section("年度考核结果", annual_results, name="assessment.annual_results")
register_form_section("奖惩情况", awards, name="assessment.awards")
