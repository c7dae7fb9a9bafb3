"""Frontline demo data for 示范市: central tasks, 一线经历, 点将, incentives and a memorial.

Importing this module registers it with the cadres demo (`apps.cadres.demo.extensions`):
`load_demo` calls `load` once the cadres exist and `reset` before it deletes them. All of it
follows from the rng and the cadres' histories. A service lies within the cadre's working life
(after work start, not after TODAY); one cadre's services and dispatches never overlap; full-time
posts go to cadres who hold no leadership post at the time; first-secretary terms are 24 months.
This is bulk generation code: plain managers, bulk_create and no audit rows of its own (the
cadres demo audits the whole load once, these counts in its detail; seeding the incentive
catalogue records its usual event).
"""

import random

from django.db.models import Q

from apps.cadres.demo import ROOT_CODE, extensions
from apps.frontline.demo.generator import Generator
from apps.frontline.demo.world import Progress, World
from apps.frontline.models import (
    CentralTask,
    Dispatch,
    FrontlineService,
    IncentiveGrant,
    IncentiveMeasure,
    Sacrifice,
)
from apps.units.models import Unit


def load(rng: random.Random, progress: Progress) -> dict[str, int]:
    """Generate the frontline rows of the loaded demo city; returns row counts."""
    root = Unit.objects.filter(code=ROOT_CODE).first()
    if root is None:
        return {}
    gen = Generator(rng, World(rng, root))
    gen.make_tasks()
    sacrifices = gen.make_sacrifice()
    gen.make_dispatches()
    Dispatch.objects.bulk_create(gen.dispatches)
    gen.make_services()
    FrontlineService.objects.bulk_create(gen.services)
    grants = gen.make_grants()
    progress(
        f"一线：中心任务 {len(gen.tasks)} 项，一线经历 {len(gen.services)} 条，"
        f"选派 {len(gen.dispatches)} 人次，激励落实 {grants} 条"
    )
    return {
        "central_tasks": len(gen.tasks),
        "frontline_services": len(gen.services),
        "dispatches": len(gen.dispatches),
        "incentive_measures": IncentiveMeasure.objects.filter(unit=root).count(),
        "incentive_grants": grants,
        "sacrifices": sacrifices,
        "care_visits": 2 * sacrifices,
    }


def reset() -> None:
    """Delete every frontline row tied to the demo city, rows pointing at others first (care
    visits and evidence go with their memorial and service: CASCADE)."""
    root = Unit.objects.filter(code=ROOT_CODE).first()
    if root is None:
        return
    tree = root.path
    tasks = CentralTask.objects.filter(lead_unit__path__startswith=tree)
    in_tree = Q(cadre__unit__path__startswith=tree)
    measures = IncentiveMeasure.objects.filter(unit__path__startswith=tree)
    dispatches = Dispatch.objects.filter(
        in_tree
        | Q(sending_unit__path__startswith=tree)
        | Q(target_unit__path__startswith=tree)
        | Q(task__in=tasks)
    )
    Sacrifice.objects.unscoped_for_jobs_and_migrations().filter(
        in_tree | Q(task__in=tasks)
    ).delete()
    grants = IncentiveGrant.objects.unscoped_for_jobs_and_migrations()
    grants.filter(in_tree | Q(measure__in=measures)).delete()
    services = FrontlineService.objects.unscoped_for_jobs_and_migrations()
    services.filter(
        in_tree
        | Q(place_unit__path__startswith=tree)
        | Q(task__in=tasks)
        | Q(dispatch__in=dispatches)
    ).delete()
    dispatches.delete()
    measures.delete()
    tasks.delete()


extensions.register("frontline", load, reset)
