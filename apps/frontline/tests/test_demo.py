"""The frontline demo data: consistent with the cadres' histories, deterministic, removable."""

import itertools
from collections import defaultdict
from datetime import date, timedelta
from io import StringIO

from django.core.management import call_command
from django.test import TestCase

from apps.cadres import demo
from apps.cadres.demo import extensions
from apps.cadres.models import Appointment, Cadre
from apps.core.models import AuditEvent
from apps.frontline.constants import DispatchKind, DispatchState, TaskKind
from apps.frontline.demo.world import REMINDER_DAYS, TODAY, add_months
from apps.frontline.models import (
    CentralTask,
    Dispatch,
    FamilyCareVisit,
    FrontlineService,
    IncentiveGrant,
    IncentiveMeasure,
    Sacrifice,
)
from apps.units.constants import UnitKind, UnitLevel

SEED = 11
CADRES = 400
FRONTLINE_MODELS = (
    FamilyCareVisit,
    Sacrifice,
    IncentiveGrant,
    FrontlineService,
    Dispatch,
    IncentiveMeasure,
    CentralTask,
)


def load(seed: int = SEED, cadres: int = CADRES, *extra: str) -> None:
    call_command("load_demo", "--seed", seed, "--cadres", cadres, *extra, stdout=StringIO())


def services() -> list[FrontlineService]:
    rows = FrontlineService.objects.unscoped_for_jobs_and_migrations()
    return list(rows.select_related("cadre", "dispatch", "task"))


def span(d: Dispatch) -> tuple[date, date]:
    return (d.actual_start or d.planned_start, d.actual_end or d.planned_end)


class TestFrontlineDemo(TestCase):
    """One small demo city (400 cadres) loaded once; each test runs in a rolled-back transaction."""

    @classmethod
    def setUpTestData(cls) -> None:
        load()

    def test_counts_are_in_the_expected_ranges(self) -> None:
        tasks = CentralTask.objects.order_by("start_date")
        assert [t.name for t in tasks] == [
            "脱贫攻坚",
            "新冠肺炎疫情防控",
            "巩固拓展脱贫攻坚成果同乡村振兴有效衔接",
            "示范市高铁站建设",
            "2024年抗洪救灾",
        ]
        root = CentralTask.objects.get(name="脱贫攻坚").lead_unit
        assert root.code == demo.ROOT_CODE
        for task in tasks:
            joined = list(task.participating_units.all())
            assert joined, task
            assert all(u.level == UnitLevel.COUNTY for u in joined)
            assert all(u.kind == UnitKind.PARTY_COMMITTEE for u in joined)
        flood = CentralTask.objects.get(kind=TaskKind.DISASTER)
        assert flood.end_date is not None and (flood.end_date - flood.start_date).days < 60
        assert 12 <= Dispatch.objects.count() <= 30
        assert 50 <= FrontlineService.objects.count() <= 120
        assert 6 <= IncentiveGrant.objects.count() <= 10
        assert IncentiveMeasure.objects.filter(unit=root).count() >= 6
        states = set(Dispatch.objects.values_list("state", flat=True))
        assert {DispatchState.IN_POST, DispatchState.RETURNED} <= states
        assert states & {DispatchState.PLANNED, DispatchState.APPROVED}
        in_post = Dispatch.objects.filter(state=DispatchState.IN_POST).count()
        assert in_post > Dispatch.objects.count() / 2
        assert FrontlineService.objects.filter(end_date__isnull=True, dispatch=None).exists()
        assert FrontlineService.objects.filter(remote=True).exists()
        detail = AuditEvent.objects.get(action="demo.load").detail
        assert detail["dispatches"] == Dispatch.objects.count()
        assert detail["frontline_services"] == FrontlineService.objects.count()

    def test_every_serving_dispatch_has_an_open_service(self) -> None:
        for d in Dispatch.objects.select_related("cadre"):
            service = FrontlineService.objects.filter(dispatch=d).first()
            assert d.sending_unit_id == d.cadre.unit_id, d
            if d.state == DispatchState.IN_POST:
                assert service is not None and service.end_date is None, d
                assert service.start_date == d.actual_start and service.cadre_id == d.cadre_id
            elif d.state == DispatchState.RETURNED:
                assert service is not None and service.end_date == d.actual_end, d
                assert d.term_grade and d.term_assessed_on and d.term_assessed_on <= TODAY
            else:
                assert service is None and d.actual_start is None and d.planned_start > TODAY
                assert bool(d.approved_at) == (d.state == DispatchState.APPROVED)

    def test_village_posts_go_to_townships_and_count_as_grassroots(self) -> None:
        village = (DispatchKind.FIRST_SECRETARY, DispatchKind.WORK_TEAM)
        for d in Dispatch.objects.filter(kind__in=village).select_related("target_unit"):
            assert d.target_unit.level == UnitLevel.TOWNSHIP, d
            assert d.village.endswith(("村", "社区")) and d.counts_as_grassroots, d
        for d in Dispatch.objects.filter(kind=DispatchKind.SECONDMENT):
            assert d.target_unit.kind in (UnitKind.DEPARTMENT, UnitKind.PARTY_COMMITTEE)
            assert d.target_post.endswith("（挂职）")

    def test_no_cadre_has_overlapping_full_time_dispatches_or_services(self) -> None:
        by_cadre: dict[int, list[tuple[date, date]]] = defaultdict(list)
        for d in Dispatch.objects.filter(full_time=True):
            by_cadre[d.cadre_id].append(span(d))
        for s in services():
            if s.dispatch is None:
                by_cadre[s.cadre_id].append((s.start_date, s.end_date or date.max))
        for spans in by_cadre.values():
            for a, b in itertools.pairwise(sorted(spans)):
                assert a[1] < b[0], spans

    def test_every_service_lies_within_the_cadres_working_life(self) -> None:
        for s in services():
            assert s.cadre.work_start_date <= s.start_date <= TODAY, s
            assert s.end_date is None or s.start_date <= s.end_date <= TODAY, s
            age = (s.start_date - s.cadre.birth_date).days / 365.25
            assert 22 <= age < 60, s
            if s.task is not None:
                assert s.task.start_date <= s.start_date, s
                assert s.task.end_date is None or s.start_date <= s.task.end_date, s
        full_time = Dispatch.objects.filter(full_time=True).exclude(state=DispatchState.PLANNED)
        for d in full_time.select_related("cadre"):  # no leadership post held at the same time
            posts = Appointment.objects.filter(cadre=d.cadre, start_date__lte=span(d)[1])
            assert not posts.exclude(end_date__lt=span(d)[0]).exists(), d

    def test_first_secretary_terms_are_at_least_24_months(self) -> None:
        secretaries = Dispatch.objects.filter(kind=DispatchKind.FIRST_SECRETARY)
        assert secretaries.exists()
        for d in secretaries:
            assert d.planned_end >= add_months(d.planned_start, 24), d

    def test_some_terms_end_within_the_reminder_window(self) -> None:
        window = (TODAY, TODAY + timedelta(days=REMINDER_DAYS))
        ending = Dispatch.objects.filter(
            state=DispatchState.IN_POST,
            planned_end__gt=window[0],
            planned_end__lte=window[1],
        )
        assert ending.count() >= 3

    def test_the_memorial_cadre_has_nothing_after_their_death(self) -> None:
        memorial = Sacrifice.objects.select_related("task", "cadre").get()
        task = memorial.task
        assert task is not None and task.kind == TaskKind.DISASTER
        assert task.start_date <= memorial.died_on <= (task.end_date or TODAY)
        cadre = memorial.cadre
        assert not FrontlineService.objects.filter(cadre=cadre, end_date__gt=memorial.died_on)
        assert not FrontlineService.objects.filter(cadre=cadre, end_date=None).exists()
        assert not Dispatch.objects.filter(cadre=cadre).exists()
        assert not Appointment.objects.filter(cadre=cadre).exists()
        assert not cadre.rank_records.filter(start_date__gt=memorial.died_on).exists()
        assert not IncentiveGrant.objects.filter(cadre=cadre).exists()
        visits = list(memorial.visits.order_by("visited_on"))
        assert len(visits) == 2
        assert memorial.died_on < visits[0].visited_on < visits[1].visited_on <= TODAY
        last_due = visits[-1].next_due
        assert last_due is not None and last_due < TODAY  # the overdue list shows it

    def test_grants_follow_a_service_of_the_same_cadre(self) -> None:
        for grant in IncentiveGrant.objects.select_related("service", "measure"):
            assert grant.service is not None and grant.service.cadre_id == grant.cadre_id
            assert grant.service.start_date <= grant.granted_on <= TODAY, grant
            assert grant.measure.is_active


def dispatch_rows() -> list[tuple[object, ...]]:
    rows = Dispatch.objects.order_by("id").values_list(
        "cadre__name",
        "cadre__birth_date",
        "kind",
        "state",
        "sending_unit__name",
        "target_unit__name",
        "target_post",
        "village",
        "planned_start",
        "planned_end",
        "actual_start",
        "actual_end",
    )
    return list(rows)


def test_same_seed_gives_the_same_frontline_data_and_reset_removes_it(db: None) -> None:
    assert "frontline" in extensions.registered()
    small = ("--units", "60")  # a shrunken tree keeps this test quick
    load(SEED, 150, *small)
    first = dispatch_rows()
    services = sorted(FrontlineService.objects.values_list("cadre__name", "place", "start_date"))
    assert first and services
    load(SEED, 150, "--reset", *small)
    assert dispatch_rows() == first
    assert sorted(FrontlineService.objects.values_list("cadre__name", "place", "start_date")) == (
        services
    )
    demo.reset()
    for model in FRONTLINE_MODELS:
        assert not model._default_manager.exists(), model
    assert not Cadre.objects.unscoped_for_jobs_and_migrations().exists()
