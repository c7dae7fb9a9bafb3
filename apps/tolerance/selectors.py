"""Facts of Pillar 4 that other pillars read (plain values, no model instances).

- `tolerated_findings`: the tolerated mistakes assessment and selection must not hold against a
  cadre (TOL-5).
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, QuerySet

from apps.core.bulk import CadreIds
from apps.tolerance.constants import CaseStage, Outcome
from apps.tolerance.models import ToleranceCase

SUMMARY_CHARS = 60
TOLERATED_OUTCOMES = (Outcome.TOLERATED, Outcome.PARTLY)
DECIDED_STAGES = (CaseStage.CONCLUDED, CaseStage.CLOSED)


@dataclass(frozen=True)
class ToleratedFinding:
    """A decided tolerance case in the cadre's favour: `outcome` is "tolerated" (免责) or
    "partly" (从轻减轻); `matter` is a short summary of the mistake."""

    case_id: int
    cadre_id: int
    outcome: str
    matter: str
    concluded_on: date


def tolerated_findings(cadre_id: int) -> list[ToleratedFinding]:
    """The cadre's mistakes decided as tolerated or partly tolerated (case concluded or closed),
    oldest first.

    TOL-5 (山东 2017 意见; 大理 2019): an error found tolerable must not count against the cadre
    in promotion, 职级 advancement, assessments (平时/年度/任期), awards and reserve status; a
    partly tolerated one is handled more lightly and is not a negative evaluation either.

    The caller (assessment, selection) has already found the cadre inside the actor's scope.
    This reads the cases unscoped on purpose: the tolerance pillar is need-to-know, and an
    assessment officer without it must still have the fact applied in the cadre's favour. The
    summary may therefore only be shown to a user who holds the pillar; others see the fact.
    """
    rows = (
        ToleranceCase.objects.unscoped_for_jobs_and_migrations()
        .filter(
            cadre_id=cadre_id,
            outcome__in=TOLERATED_OUTCOMES,
            stage__in=DECIDED_STAGES,
            concluded_on__isnull=False,
        )
        .order_by("concluded_on", "id")
        .values_list("pk", "cadre_id", "outcome", "matter", "concluded_on")
    )
    findings: list[ToleratedFinding] = []
    for pk, cadre, outcome, matter, concluded_on in rows:
        if concluded_on is None:  # excluded by the query; narrows the type
            continue
        findings.append(
            ToleratedFinding(
                case_id=pk,
                cadre_id=cadre,
                outcome=outcome,
                matter=_summary(matter),
                concluded_on=concluded_on,
            )
        )
    return findings


def tolerated_counts(cadre_ids: CadreIds) -> dict[int, int]:
    """How many tolerated findings each given cadre has (cadres without any are absent): the
    bulk form of `tolerated_findings` for selection's screening, unscoped for the same reason."""
    rows = (
        ToleranceCase.objects.unscoped_for_jobs_and_migrations()
        .filter(
            cadre_id__in=cadre_ids if isinstance(cadre_ids, QuerySet) else list(cadre_ids),
            outcome__in=TOLERATED_OUTCOMES,
            stage__in=DECIDED_STAGES,
            concluded_on__isnull=False,
        )
        .values("cadre_id")
        .annotate(n=Count("id"))
        .values_list("cadre_id", "n")
    )
    return dict(rows)


def _summary(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= SUMMARY_CHARS else flat[: SUMMARY_CHARS - 1] + "…"
