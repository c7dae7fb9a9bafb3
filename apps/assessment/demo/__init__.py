"""Assessment demo data for 示范市 (知事识人): routine and annual grades of 2024 and 2025, the
research campaign 2026年市管领导班子全覆盖调研 half done, key work with twenty task records, a
few special assessments on central tasks and two findings of inaction.

Importing this module registers it with the cadres demo (`apps.cadres.demo.extensions`):
`load_demo` calls `load` once the cadres exist and `reset` before it deletes them. It registers
with `after=("frontline", "tolerance")`, so it loads after them: their central tasks, frontline
services, memorial and sanctions exist when it loads (task records and special assessments
follow the services; ASM-DIS-1 caps follow the sanctions; nobody is assessed after death), and
its reset runs before theirs (its rows PROTECT central tasks). Without them it still loads:
every task record is then about key work, and no special assessment is made.

Everything follows from the rng and the cadres' records (see the modules' docstrings). Bulk
generation code: plain managers, bulk_create and no audit rows of its own (the cadres demo
audits the whole load once, with these counts in its detail).
"""

import random

from django.db.models import Q

from apps.assessment.demo.grades import GradeMaker
from apps.assessment.demo.matters import MatterMaker
from apps.assessment.demo.research import ResearchMaker
from apps.assessment.demo.world import TODAY, Progress, World
from apps.assessment.models import (
    AnnualAssessment,
    AnnualSheet,
    AwardProposal,
    CampaignTeam,
    InactionFinding,
    KeyWork,
    ResearchCampaign,
    ResearchVisit,
    RoutineAssessment,
    SpecialAssessment,
    TaskRecord,
    VisitObservation,
)
from apps.cadres.demo import ROOT_CODE, extensions
from apps.units.models import Unit

__all__ = ["EXTENSION_NAME", "TODAY", "load", "reset"]

EXTENSION_NAME = "assessment"


def load(rng: random.Random, progress: Progress) -> dict[str, int]:
    """Generate the assessment rows of the loaded demo city; returns row counts."""
    root = Unit.objects.filter(code=ROOT_CODE).first()
    if root is None:
        return {}
    world = World(rng, root)
    grades = GradeMaker(rng, world)
    grades.make_routine()
    grades.make_annual()
    grades.make_incompetent()
    grades.make_consequences()
    grades.save()
    research = ResearchMaker(rng, world)
    research.make()
    research.save()
    matters = MatterMaker(rng, world, research.out, grades.out)
    matters.make_key_work()
    matters.make_records()
    matters.make_specials()
    matters.make_findings()
    matters.save()
    g, r, m = grades.out, research.out, matters.out
    progress(
        f"考核评价：平时考核 {len(g.routine_rows)} 条，年度考核 {len(g.annual_rows)} 人次"
        f"（{len(g.sheets)} 个单位年度），调研班子 {len(r.teams)} 个（已调研 "
        f"{len({v.team.pk for v in r.visits})} 个），知事识人记录 {len(m.records)} 条"
    )
    return {
        "routine_assessments": len(g.routine_rows),
        "annual_sheets": len(g.sheets),
        "annual_assessments": len(g.annual_rows),
        "follow_up_flags": len(g.flags),
        "award_proposals": len(g.awards),
        "research_campaigns": int(r.campaign is not None),
        "campaign_teams": len(r.teams),
        "research_visits": len(r.visits),
        "visit_observations": len(r.observations),
        "key_work": len(m.key_work),
        "task_records": len(m.records),
        "special_assessments": len(m.specials),
        "inaction_findings": len(m.findings),
    }


def reset() -> None:
    """Delete every assessment row tied to the demo city (its cadres, units or central tasks),
    rows pointing at others first (flags go with their assessment, teams with their campaign,
    observations with their visit, observation links with either side: CASCADE)."""
    root = Unit.objects.filter(code=ROOT_CODE).first()
    if root is None:
        return
    tree = root.path
    in_tree = Q(cadre__unit__path__startswith=tree)
    tasks = Q(central_task__lead_unit__path__startswith=tree)
    key_work = KeyWork.objects.filter(unit__path__startswith=tree)
    campaigns = ResearchCampaign.objects.filter(unit__path__startswith=tree)
    sheets = AnnualSheet.objects.filter(unit__path__startswith=tree)
    TaskRecord.objects.unscoped_for_jobs_and_migrations().filter(
        in_tree | tasks | Q(key_work__in=key_work)
    ).delete()
    SpecialAssessment.objects.unscoped_for_jobs_and_migrations().filter(in_tree | tasks).delete()
    InactionFinding.objects.unscoped_for_jobs_and_migrations().filter(in_tree).delete()
    visits = ResearchVisit.objects.filter(
        Q(team__path__startswith=tree) | Q(campaign__in=campaigns)
    )
    VisitObservation.objects.unscoped_for_jobs_and_migrations().filter(
        in_tree | tasks | Q(visit__in=visits)
    ).delete()
    visits.delete()
    CampaignTeam.objects.filter(team__path__startswith=tree).delete()
    campaigns.delete()
    key_work.delete()
    AnnualAssessment.objects.unscoped_for_jobs_and_migrations().filter(
        in_tree | Q(sheet__in=sheets)
    ).delete()
    sheets.delete()
    AwardProposal.objects.unscoped_for_jobs_and_migrations().filter(in_tree).delete()
    RoutineAssessment.objects.unscoped_for_jobs_and_migrations().filter(
        in_tree | Q(unit__path__startswith=tree)
    ).delete()


extensions.register(EXTENSION_NAME, load, reset, after=("frontline", "tolerance"))
