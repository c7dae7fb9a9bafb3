"""Pillar 4 records: 容错纠错 (cases, the locality's method with its positive/negative
lists, typical cases, corrections, 澄清正名) and the follow-up of disciplined cadres (sanctions,
one mentor each, follow-up visits, reuse assessments).

Need-to-know (apps/core/scope.py, architecture.md): tolerance cases and clarifications need the
`tolerance` pillar in the grant, sanctions and everything that follows them the `sanctions`
pillar, on top of the cadre's unit subtree and management level. The method, its lists and the
published typical-case library are unit-owned registries any cadre user of the locality reads.
"""

from apps.tolerance.models.base import SanctionPartQuerySet, TolerancePartQuerySet
from apps.tolerance.models.cases import (
    CaseEvidence,
    Clarification,
    Correction,
    ToleranceCase,
    TypicalCase,
)
from apps.tolerance.models.methods import ToleranceList, ToleranceMethod
from apps.tolerance.models.sanctions import FollowUp, Mentor, ReuseAssessment, Sanction

__all__ = [
    "CaseEvidence",
    "Clarification",
    "Correction",
    "FollowUp",
    "Mentor",
    "ReuseAssessment",
    "Sanction",
    "SanctionPartQuerySet",
    "ToleranceCase",
    "ToleranceList",
    "ToleranceMethod",
    "TolerancePartQuerySet",
    "TypicalCase",
]
