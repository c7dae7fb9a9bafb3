"""What the tolerance pillar writes under 奖惩情况 on the 任免审批表: sanctions, for viewers holding
the sanctions pillar over the cadre (need-to-know). Anyone else printing the form sees only what
the cadre header already tells every reader — that the cadre is within an influence period and
until when (ELG-24-1(6)) — so a form printed without the pillar is never silently clean."""

from datetime import date
from typing import Any

from apps.cadres.appointment_form import register_form_section
from apps.cadres.models import Cadre
from apps.tolerance import selectors_sanctions as sel
from apps.tolerance.rules_sanctions import SanctionStatus, sanction_status
from apps.tolerance.tabs_sanctions import influence_badge


def sanctions(request_or_actor: Any, cadre: Cadre, on: date) -> str | None:
    actor = getattr(request_or_actor, "user", request_or_actor)
    if not sel.pillar_cadres(actor).filter(pk=cadre.pk).exists():
        badge = influence_badge(cadre.pk, on)
        return f"{badge}（处分详情须经“处分与帮带”授权查看）" if badge else None
    lines = []
    for s in sel.cadre_sanctions(actor=actor, cadre_id=cadre.pk).filter(decision_date__lte=on):
        if sanction_status(s, on) == SanctionStatus.REVOKED:
            continue
        number = f"，{s.document_number}" if s.document_number else ""
        lines.append(f"{s.decision_date:%Y.%m}受到{s.get_type_display()}（{s.authority}{number}）")
    return "；".join(lines) or None


register_form_section("奖惩情况", sanctions, name="tolerance.sanctions")
