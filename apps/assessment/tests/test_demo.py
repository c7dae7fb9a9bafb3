"""The assessment demo data: counts in range, the 优秀 quota of every sheet, caps and flags that
follow the rules, the research campaign half done with overdue teams, task records tied to key
work, central tasks and observations, determinism and a complete reset."""

import random
from collections import Counter, defaultdict
from io import StringIO

from django.core.management import call_command
from django.test import TestCase

from apps.assessment import demo as assessment_demo  # registers it, as AppConfig.ready will
from apps.assessment import rules
from apps.assessment.constants import (
    AnnualGrade,
    InactionSource,
    ObservationKind,
    ProposalStatus,
    RoutineGrade,
    SheetStatus,
)
from apps.assessment.demo import EXTENSION_NAME, TODAY
from apps.assessment.models import (
    AnnualAssessment,
    AnnualSheet,
    AwardProposal,
    CampaignTeam,
    FollowUpFlag,
    InactionFinding,
    KeyWork,
    ResearchCampaign,
    ResearchVisit,
    RoutineAssessment,
    SpecialAssessment,
    TaskRecord,
    VisitObservation,
)
from apps.assessment.selectors_research import is_overdue
from apps.cadres import demo
from apps.cadres.demo import extensions
from apps.cadres.models import Cadre
from apps.core.models import AuditEvent
from apps.frontline.models import CentralTask, FrontlineService, Sacrifice
from apps.tolerance.selectors_sanctions import assessment_caps
from apps.units.constants import UnitKind, UnitLevel

SEED = 11
CADRES = 400
ASSESSMENT_MODELS = (
    TaskRecord,
    SpecialAssessment,
    InactionFinding,
    VisitObservation,
    ResearchVisit,
    CampaignTeam,
    ResearchCampaign,
    KeyWork,
    FollowUpFlag,
    AnnualAssessment,
    AnnualSheet,
    AwardProposal,
    RoutineAssessment,
)


def load(seed: int = SEED, cadres: int = CADRES, *extra: str) -> None:
    call_command("load_demo", "--seed", seed, "--cadres", cadres, *extra, stdout=StringIO())


def unscoped(model):
    manager = model._default_manager
    return getattr(manager, "unscoped_for_jobs_and_migrations", manager.all)()


class TestAssessmentDemo(TestCase):
    """One small demo city (400 cadres) loaded once; each test runs in a rolled-back transaction."""

    @classmethod
    def setUpTestData(cls) -> None:
        load()

    def test_runs_after_frontline_and_tolerance(self) -> None:
        names = extensions.registered()
        assert names.index(EXTENSION_NAME) > names.index("tolerance") > names.index("frontline")

    def test_counts(self) -> None:
        detail = AuditEvent.objects.get(action="demo.load").detail
        assert detail["task_records"] == TaskRecord.objects.count() == 20
        assert 6 <= KeyWork.objects.count() <= 8
        assert set(KeyWork.objects.values_list("year", flat=True)) == {2025, 2026}
        assert 1 <= unscoped(SpecialAssessment).count() <= 8
        assert unscoped(InactionFinding).count() == 2
        assert detail["annual_assessments"] == unscoped(AnnualAssessment).count() > 300
        assert unscoped(RoutineAssessment).count() > 400

    def test_routine_covers_some_units_with_varying_completeness(self) -> None:
        rows = unscoped(RoutineAssessment)
        assert set(rows.values_list("year", flat=True)) == {2024, 2025}
        assert set(rows.values_list("period", flat=True)) == {1, 2, 3, 4}
        graded = set(rows.values_list("unit_id", flat=True))
        staffed = set(AnnualSheet.objects.filter(year=2025).values_list("unit_id", flat=True))
        assert 0.25 <= len(graded) / len(staffed) <= 0.55
        per_period = Counter(rows.values_list("unit_id", "year", "period"))
        assert len(set(per_period.values())) > 3  # not every unit grades everyone every quarter
        starts = {u: min((y, p) for uu, y, p in per_period if uu == u) for u in graded}
        assert any(first != (2024, 1) for first in starts.values())  # some began late
        grades = Counter(rows.values_list("grade", flat=True))
        total = sum(grades.values())
        assert grades[RoutineGrade.GOOD] + grades[RoutineGrade.FAIR_GOOD] > 0.85 * total
        assert 0 < grades[RoutineGrade.AVERAGE] < 0.15 * total
        assert grades[RoutineGrade.POOR] < 0.04 * total
        for row in rows.select_related("cadre")[:200]:
            assert row.cadre.work_start_date < TODAY and row.work_summary and row.comment

    def test_every_sheet_respects_its_quota(self) -> None:
        sheets = list(AnnualSheet.objects.prefetch_related("rows"))
        assert {s.year for s in sheets} == {2024, 2025}
        for sheet in sheets:
            rows = list(sheet.rows.all())
            assert sheet.participants == len(rows) > 0, sheet
            assert sheet.excellent_quota == rules.excellent_quota(len(rows), 20), sheet
            assert sheet.quota_rule["quota"] == sheet.excellent_quota
            assert sheet.quota_rule["rounding"] == "floor"
            assert not rules.quota_problems((r.grade for r in rows), sheet.excellent_quota)
            assert all(r.year == sheet.year for r in rows)
            if sheet.status == SheetStatus.SUBMITTED:
                assert all(r.grade for r in rows), sheet
                assert sheet.submitted_at and sheet.submitted_at.year == sheet.year + 1
        status = Counter((s.year, s.status) for s in sheets)
        assert status[(2024, SheetStatus.DRAFT)] == 0
        assert 1 <= status[(2025, SheetStatus.DRAFT)] < 0.15 * status[(2025, SheetStatus.SUBMITTED)]

    def test_grades_mostly_competent_some_excellent_rare_below(self) -> None:
        rows = unscoped(AnnualAssessment).exclude(grade="")
        grades = Counter(rows.values_list("grade", flat=True))
        total = sum(grades.values())
        assert grades[AnnualGrade.COMPETENT] > 0.6 * total
        assert 0 < grades[AnnualGrade.EXCELLENT] <= 0.2 * total
        quota = sum(AnnualSheet.objects.values_list("excellent_quota", flat=True))
        assert grades[AnnualGrade.EXCELLENT] >= 0.6 * quota  # units mostly use their quota
        assert grades[AnnualGrade.BASICALLY_COMPETENT] < 0.03 * total
        assert grades[AnnualGrade.INCOMPETENT] == 1

    def test_participants_and_caps_follow_the_cadres_records(self) -> None:
        dead = dict(Sacrifice.objects.values_list("cadre_id", "died_on"))
        rows = unscoped(AnnualAssessment).select_related("cadre")
        for row in rows:
            cadre = row.cadre
            assert cadre.managed_by != "province" and cadre.work_start_date.year <= row.year
            assert cadre.pk not in dead or dead[cadre.pk].year > row.year
            decision = rules.grade_allowed(
                row.grade, assessment_caps(cadre.pk, row.year), comment=row.comment
            )
            assert decision.allowed, (row, decision)
            assert row.cap_note == rules.cap_note(assessment_caps(cadre.pk, row.year))
        for cid, died in dead.items():
            late = unscoped(RoutineAssessment).filter(cadre_id=cid, year__gt=died.year)
            assert not late.exists()

    def test_flags_and_awards_follow_the_submitted_grades(self) -> None:
        submitted = unscoped(AnnualAssessment).filter(sheet__status=SheetStatus.SUBMITTED)
        by_cadre: dict[int, dict[int, str]] = defaultdict(dict)
        for cid, year, grade in submitted.values_list("cadre_id", "year", "grade"):
            by_cadre[cid][year] = grade
        for row in submitted.prefetch_related("flags"):
            previous = by_cadre[row.cadre_id].get(row.year - 1, "")
            due = rules.consequences(row.grade, [previous] if previous else [])
            assert sorted(f.rule for f in row.flags.all()) == sorted(r for r, _ in due), row
            for flag in row.flags.all():
                assert flag.done_on is None or flag.done_on <= TODAY
        excellent = Counter(
            (cid, year)
            for cid, years in by_cadre.items()
            for year, grade in years.items()
            if grade == AnnualGrade.EXCELLENT
        )
        awards = unscoped(AwardProposal).filter(kind="commendation")
        assert Counter(awards.values_list("cadre_id", "last_year")) == excellent
        assert not awards.filter(last_year=2024).exclude(status=ProposalStatus.CONFIRMED)
        assert not unscoped(AnnualAssessment).filter(
            sheet__status=SheetStatus.DRAFT, flags__isnull=False
        )

    def test_the_campaign_is_half_done_with_two_overdue_teams(self) -> None:
        campaign = ResearchCampaign.objects.get()
        assert campaign.name == "2026年市管领导班子全覆盖调研"
        assert campaign.unit.code == demo.ROOT_CODE and str(campaign.due_date) == "2026-12-31"
        teams = list(CampaignTeam.objects.filter(campaign=campaign).select_related("team"))
        assert 15 <= len(teams) <= 20
        team_kinds = {(t.team.kind, t.team.level) for t in teams}
        assert team_kinds == {
            (UnitKind.DEPARTMENT, UnitLevel.CITY),
            (UnitKind.PARTY_COMMITTEE, UnitLevel.COUNTY),
        }
        visited = set(
            ResearchVisit.objects.filter(campaign=campaign).values_list("team_id", flat=True)
        )
        assert len(visited) == len(teams) // 2
        overdue = [
            t for t in teams
            if is_overdue(covered=t.team_id in visited, due=t.due_date or campaign.due_date,
                          today=TODAY)
        ]  # fmt: skip
        assert len(overdue) == 2 and all(t.due_date and t.due_date < TODAY for t in overdue)
        for visit in ResearchVisit.objects.filter(campaign=campaign).select_related("team"):
            assert campaign.start_date <= visit.visited_on <= TODAY
            assert visit.interview_count > 0 and visit.visitors and visit.interviewees
            for obs in visit.observations.select_related("cadre__unit"):
                assert obs.cadre.unit.path.startswith(visit.team.path), obs
        kinds = Counter(unscoped(VisitObservation).values_list("kind", flat=True))
        assert kinds[ObservationKind.STRENGTH] and kinds[ObservationKind.WEAKNESS]
        assert kinds[ObservationKind.STANDOUT]

    def test_task_records_carry_key_work_tasks_and_observations(self) -> None:
        records = list(TaskRecord.objects.select_related("cadre__unit", "key_work__unit",
                                                         "central_task"))  # fmt: skip
        on_tasks = [r for r in records if r.central_task is not None]
        assert 1 <= len(on_tasks) <= 5
        for r in on_tasks:
            served = FrontlineService.objects.filter(cadre=r.cadre, task=r.central_task)
            assert served.filter(start_date=r.start_date).exists(), r
        for r in records:
            assert (r.central_task is None) != (r.key_work is None), r
            assert r.start_date >= r.cadre.work_start_date and r.start_date <= TODAY
            assert r.end_date is None or r.start_date <= r.end_date <= TODAY
            assert r.planning and r.planning_evidence and r.execution and r.execution_evidence
            assert bool(r.result) == bool(r.result_evidence)
            if r.key_work is not None:
                assert r.start_date.year == r.key_work.year
            for obs in r.observations.all():
                assert obs.cadre_id == r.cadre_id
        linked = TaskRecord.observations.through.objects.count()
        assert linked >= 2
        assert len({r.cadre_id for r in records}) >= 15
        assert CentralTask.objects.exists()
        for s in unscoped(SpecialAssessment).select_related("central_task"):
            assert FrontlineService.objects.filter(cadre=s.cadre, task=s.central_task).exists()
            assert s.assessed_on <= TODAY and s.result != AnnualGrade.NOT_GRADED

    def test_inaction_findings(self) -> None:
        findings = {f.source: f for f in unscoped(InactionFinding)}
        assert set(findings) == {InactionSource.ANNUAL, InactionSource.RESEARCH}
        annual = findings[InactionSource.ANNUAL]
        grade = unscoped(AnnualAssessment).get(cadre=annual.cadre, year=2025).grade
        assert grade == AnnualGrade.INCOMPETENT and not annual.adjustment
        research = findings[InactionSource.RESEARCH]
        assert (
            unscoped(VisitObservation)
            .filter(cadre=research.cadre, kind=ObservationKind.WEAKNESS)
            .exists()
        )
        assert research.adjustment and research.found_on <= research.decided_on <= TODAY


def rows_of_the_demo() -> list[tuple[object, ...]]:
    return [
        *unscoped(RoutineAssessment).order_by("id").values_list("cadre__name", "year", "period",
                                                                 "grade"),
        *unscoped(AnnualAssessment).order_by("id").values_list("cadre__name", "year", "grade"),
        *AnnualSheet.objects.order_by("id").values_list("unit__name", "year", "status",
                                                        "excellent_quota"),
        *ResearchVisit.objects.order_by("id").values_list("team__name", "visited_on", "unity"),
        *unscoped(TaskRecord).order_by("id").values_list("cadre__name", "start_date", "planning",
                                                         "key_work__title", "central_task__name"),
    ]  # fmt: skip


def test_same_seed_gives_the_same_rows_and_reset_removes_them(db: None) -> None:
    small = ("--units", "60")  # a shrunken tree keeps this test quick
    load(SEED, 150, *small)
    first = rows_of_the_demo()
    assert first and ResearchVisit.objects.exists() and TaskRecord.objects.exists()
    load(SEED, 150, "--reset", *small)
    assert rows_of_the_demo() == first
    demo.reset()
    for model in ASSESSMENT_MODELS:
        assert not model._default_manager.exists(), model
    assert not Cadre.objects.unscoped_for_jobs_and_migrations().exists()


def test_without_a_demo_city_load_and_reset_do_nothing(db: None) -> None:
    assessment_demo.reset()
    assert assessment_demo.load(random.Random(1), lambda _msg: None) == {}
