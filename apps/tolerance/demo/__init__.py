"""Pillar 4 demo data for 示范市: the 容错纠错办法 with its lists, tolerance cases across every
stage, the typical-case library, sanctions with mentors, follow-up visits and reuse assessments,
and a few clarifications.

Importing this module registers it with the cadres demo (`apps.cadres.demo.extensions`):
`load_demo` calls `load` once the cadres (and the frontline rows) exist and `reset` before it
deletes them. Everything follows from the rng and the cadres' records (see the modules'
docstrings). Bulk generation code: plain managers, bulk_create and no audit rows of its own (the
cadres demo audits the whole load once, with these counts in its detail).
"""

import random

from django.db.models import Q

from apps.cadres.demo import ROOT_CODE, extensions
from apps.tolerance.demo.cases import CaseMaker, make_clarifications
from apps.tolerance.demo.library import make_typical
from apps.tolerance.demo.method import make_methods
from apps.tolerance.demo.sanctions import SanctionMaker
from apps.tolerance.demo.world import TODAY, Progress, World
from apps.tolerance.models import (
    Clarification,
    FollowUp,
    Mentor,
    ReuseAssessment,
    Sanction,
    ToleranceCase,
    ToleranceMethod,
    TypicalCase,
)
from apps.units.models import Unit

__all__ = ["TODAY", "load", "reset"]


def load(rng: random.Random, progress: Progress) -> dict[str, int]:
    """Generate the Pillar 4 rows of the loaded demo city; returns row counts."""
    root = Unit.objects.filter(code=ROOT_CODE).first()
    if root is None:
        return {}
    world = World(root)
    methods = make_methods(root)
    cases = CaseMaker(rng, world, methods)
    rows = cases.make()
    cases.save()
    clarifications = make_clarifications(rng, world)
    Clarification.objects.bulk_create(clarifications)
    typical = make_typical(rng, root, rows.specs)
    sanctions = SanctionMaker(rng, world)
    sanctions.make()
    sanctions.make_mentors()
    sanctions.make_reuses()
    sanctions.save_followers()
    progress(
        f"容错纠错：案件 {len(rows.cases)} 件，典型案例 {len(typical)} 个；"
        f"处分与组织处理 {len(sanctions.recs)} 条，回访 {len(sanctions.visits)} 次"
    )
    return {
        "tolerance_methods": len(methods),
        "tolerance_cases": len(rows.cases),
        "corrections": len(rows.corrections),
        "typical_cases": len(typical),
        "clarifications": len(clarifications),
        "sanctions": len(sanctions.recs),
        "mentors": len(sanctions.mentors),
        "follow_ups": len(sanctions.visits),
        "reuse_assessments": len(sanctions.reuses),
    }


def reset() -> None:
    """Delete every Pillar 4 row tied to the demo city, rows pointing at others first
    (evidence, corrections and list entries go with their case and method: CASCADE)."""
    root = Unit.objects.filter(code=ROOT_CODE).first()
    if root is None:
        return
    tree = root.path
    in_tree = Q(cadre__unit__path__startswith=tree)
    cases = ToleranceCase.objects.unscoped_for_jobs_and_migrations().filter(
        in_tree | Q(unit__path__startswith=tree)
    )
    methods = ToleranceMethod.objects.filter(unit__path__startswith=tree)
    TypicalCase.objects.filter(Q(unit__path__startswith=tree) | Q(source_case__in=cases)).delete()
    FollowUp.objects.unscoped_for_jobs_and_migrations().filter(in_tree).delete()
    ReuseAssessment.objects.unscoped_for_jobs_and_migrations().filter(in_tree).delete()
    Mentor.objects.unscoped_for_jobs_and_migrations().filter(
        in_tree | Q(mentor_cadre__unit__path__startswith=tree)
    ).delete()
    Sanction.objects.unscoped_for_jobs_and_migrations().filter(in_tree).delete()
    Clarification.objects.unscoped_for_jobs_and_migrations().filter(in_tree).delete()
    cases.delete()
    ToleranceCase.objects.unscoped_for_jobs_and_migrations().filter(method__in=methods).delete()
    methods.delete()


extensions.register("tolerance", load, reset)
