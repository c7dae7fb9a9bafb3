"""The numbers of the pillar dashboard (激励保护概览), each computed over the rows the actor may
see (`visible_to(actor)`: the pillar's grant, unit subtree and management level).

A section exists only for a pillar the actor holds: the tolerance section needs the `tolerance`
pillar, the sanctions section the `sanctions` pillar. The definitions are those of the lists the
numbers drill down to (selectors_cases, selectors_sanctions), so a count and its list agree.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count
from django.http import QueryDict

from apps.tolerance import selectors_cases, selectors_sanctions
from apps.tolerance.constants import ReuseRecommendation, SanctionKind
from apps.tolerance.models import ReuseAssessment, Sanction
from apps.tolerance.rules_sanctions import SanctionStatus
from apps.tolerance.selectors_cases import CaseStats

Counts = list[tuple[str, str, int]]  # (value, label, count) in the choices' order


@dataclass(frozen=True)
class SanctionStats:
    """Sanctions in effect by kind; cadres in an influence period without an active mentor (the
    red list) and with an overdue follow-up visit; reuse assessments by recommendation."""

    in_effect: Counts
    without_mentor: int
    overdue_follow_ups: int
    reuse: Counts

    @property
    def in_effect_total(self) -> int:
        return sum(n for _, _, n in self.in_effect)

    @property
    def reuse_total(self) -> int:
        return sum(n for _, _, n in self.reuse)


@dataclass(frozen=True)
class Dashboard:
    tolerance: CaseStats | None
    sanctions: SanctionStats | None


def _counts(rows: Any, field: str, choices: list[tuple[str, str]]) -> Counts:
    found = dict(rows.order_by().values_list(field).annotate(n=Count("id")))
    return [(value, str(label), found.get(value, 0)) for value, label in choices]


def sanction_stats(*, actor: Any, today: date) -> SanctionStats:
    """The sanctions section on `today` (status as rules_sanctions.sanction_status decides)."""
    live = Sanction.objects.visible_to(actor).filter(
        selectors_sanctions.status_q(SanctionStatus.IN_EFFECT, today)
    )
    empty = QueryDict()
    missing, _ = selectors_sanctions.mentor_missing(actor=actor, params=empty, today=today)
    overdue, _ = selectors_sanctions.follow_ups_overdue(actor=actor, params=empty, today=today)
    return SanctionStats(
        in_effect=_counts(live, "kind", SanctionKind.choices),
        without_mentor=missing.count(),
        overdue_follow_ups=len(overdue),
        reuse=_counts(
            ReuseAssessment.objects.visible_to(actor),
            "recommendation",
            ReuseRecommendation.choices,
        ),
    )


def dashboard(*, actor: Any, today: date) -> Dashboard | None:
    """The sections of the pillars the actor holds; None when they hold neither (the page then
    answers 404, as for any need-to-know record)."""
    tolerance = selectors_cases.holds_pillar(actor)
    sanctions = selectors_sanctions.has_pillar(actor)
    if not (tolerance or sanctions):
        return None
    return Dashboard(
        tolerance=selectors_cases.case_stats(actor=actor, today=today) if tolerance else None,
        sanctions=sanction_stats(actor=actor, today=today) if sanctions else None,
    )
