"""The Pillar 4 demo data: counts, every stage, dates in order, one active mentor per sanctioned
cadre but the three of the red list, overdue visits, consistency with the cadres' records,
determinism and a complete reset."""

import random
from collections import Counter
from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.db.models import Q
from django.test import TestCase

from apps.cadres import demo
from apps.cadres.demo import extensions
from apps.cadres.models import Appointment, Cadre, RankRecord
from apps.core.models import AuditEvent
from apps.tolerance import demo as tolerance_demo  # registers it, as AppConfig.ready will
from apps.tolerance.constants import (
    TYPE_KIND,
    CaseStage,
    CaseStatus,
    ListKind,
    Outcome,
    ReuseRecommendation,
    SanctionKind,
    SanctionType,
)
from apps.tolerance.demo import TODAY
from apps.tolerance.models import (
    CaseEvidence,
    Clarification,
    Correction,
    FollowUp,
    Mentor,
    ReuseAssessment,
    Sanction,
    ToleranceCase,
    ToleranceList,
    ToleranceMethod,
    TypicalCase,
)
from apps.tolerance.search import build_search_text
from apps.units.constants import UnitLevel

SEED = 11
CADRES = 400
PILLAR4_MODELS = (
    TypicalCase,
    FollowUp,
    ReuseAssessment,
    Mentor,
    Sanction,
    Clarification,
    Correction,
    CaseEvidence,
    ToleranceCase,
    ToleranceList,
    ToleranceMethod,
)
STEPS = ("applied_on", "accepted_on", "verified_on", "determined_on", "concluded_on")
DETERMINED = (CaseStage.DETERMINED, CaseStage.CONCLUDED, CaseStage.CLOSED)


def load(seed: int = SEED, cadres: int = CADRES, *extra: str) -> None:
    call_command("load_demo", "--seed", seed, "--cadres", cadres, *extra, stdout=StringIO())


def unscoped(model):
    manager = model._default_manager
    return getattr(manager, "unscoped_for_jobs_and_migrations", manager.all)()


def in_effect() -> dict[int, Sanction]:
    """Cadre id -> a sanction of theirs in its influence period at TODAY."""
    rows = unscoped(Sanction).filter(
        Q(influence_until__isnull=True) | Q(influence_until__gte=TODAY),
        effective_date__lte=TODAY,
        revoked_on__isnull=True,
    )
    return {s.cadre_id: s for s in rows}


class TestToleranceDemo(TestCase):
    """One small demo city (400 cadres) loaded once; each test runs in a rolled-back transaction."""

    @classmethod
    def setUpTestData(cls) -> None:
        load()

    def test_counts(self) -> None:
        assert unscoped(ToleranceCase).count() == 15
        assert TypicalCase.objects.count() == 10
        kinds = Counter(unscoped(Sanction).values_list("kind", flat=True))
        assert kinds == {SanctionKind.PARTY: 12, SanctionKind.ADMINISTRATIVE: 12,
                         SanctionKind.ORGANIZATIONAL: 12}  # fmt: skip
        assert len(set(unscoped(Sanction).values_list("type", flat=True))) >= 10
        recommendations = sorted(unscoped(ReuseAssessment).values_list("recommendation", flat=True))
        assert recommendations == [ReuseRecommendation.OBSERVE, ReuseRecommendation.REUSE]
        assert 2 <= unscoped(Clarification).count() <= 3
        detail = AuditEvent.objects.get(action="demo.load").detail
        assert detail["tolerance_cases"] == 15 and detail["sanctions"] == 36

    def test_the_method_has_two_published_versions(self) -> None:
        v1, v2 = ToleranceMethod.objects.order_by("effective_from")
        assert v1.unit.code == demo.ROOT_CODE and v1.title == v2.title
        assert str(v1.effective_from) == "2024-01-01" and str(v2.effective_from) == "2026-07-01"
        assert v1.is_published and v2.is_published and "示例" in v1.interpretation
        for method, positive in ((v1, 8), (v2, 9)):
            items = Counter(method.items.values_list("kind", flat=True))
            assert items == {ListKind.POSITIVE: positive, ListKind.NEGATIVE: 6}

    def test_every_stage_and_dates_in_order(self) -> None:
        cases = list(unscoped(ToleranceCase).select_related("cadre__unit", "method"))
        assert {c.stage for c in cases} == set(CaseStage.values)
        methods = list(ToleranceMethod.objects.order_by("effective_from"))
        for c in cases:
            assert c.notified_on <= c.applied_on <= c.notified_on + timedelta(days=30), c
            dates = [getattr(c, f) for f in STEPS if getattr(c, f) is not None]
            assert dates == sorted(dates) and len(set(dates)) == len(dates), c
            assert all(d <= TODAY for d in dates), c
            assert c.closed_on is None or dates[-1] <= c.closed_on <= TODAY, c
            in_force = [m for m in methods if m.effective_from <= c.applied_on][-1]
            assert c.method == in_force, c
            assert c.unit_id == c.cadre.unit_id and c.cadre.unit.level != UnitLevel.CITY
            items = [*c.positive_items.all(), *c.negative_items.all()]
            assert all(i.method_id == c.method_id for i in items), c
            reached = STEPS.index(c.stage + "_on") if c.stage + "_on" in STEPS else None
            if c.stage == CaseStage.NOT_ACCEPTED:
                assert c.not_accepted_reason and c.accepted_on is None and c.closed_on
            elif c.stage == CaseStage.CLOSED:
                assert len(dates) == len(STEPS) and c.closed_on, c
            else:
                assert reached is not None and len(dates) == reached + 1, c

    def test_checklists_match_the_outcome(self) -> None:
        for c in unscoped(ToleranceCase).filter(stage__in=DETERMINED):
            assert c.d1_reason and c.factors and c.is_repeat is False, c
            negative = c.negative_items.exists()
            if c.stage == CaseStage.DETERMINED:
                assert not c.outcome and not c.corrections.exists()
                continue
            assert c.outcome and c.conclusion and c.corrections.exists(), c
            if c.outcome == Outcome.NOT_TOLERATED:
                assert negative and c.c6_no_improper_gain is False, c
            else:
                assert not negative and c.positive_items.exists(), c
                assert c.c6_no_improper_gain and c.d3_no_personal_gain, c
        undecided = unscoped(ToleranceCase).exclude(stage__in=DETERMINED)
        assert not undecided.exclude(outcome="").exists()
        assert not undecided.filter(d1_inexperience__isnull=False).exists()

    def test_corrections(self) -> None:
        for c in unscoped(ToleranceCase).filter(stage=CaseStage.CLOSED):
            done = [r.done_on for r in c.corrections.all()]
            assert done and all(done) and max(done) <= c.closed_on, c
        concluded = unscoped(Correction).filter(case__stage=CaseStage.CONCLUDED)
        assert concluded.filter(done_on__isnull=True).count() >= 2
        overdue = unscoped(Correction).filter(done_on__isnull=True, due_on__lt=TODAY)
        assert overdue.count() == 1 and overdue.get().case.stage == CaseStage.CONCLUDED
        for r in unscoped(Correction).select_related("case"):
            assert r.case.concluded_on < r.due_on and r.owner, r

    def test_typical_cases(self) -> None:
        rows = list(TypicalCase.objects.select_related("source_case"))
        assert all(r.status == CaseStatus.PUBLISHED and r.published_at for r in rows)
        assert len({r.area for r in rows}) >= 5
        sourced = [r for r in rows if r.source_case is not None]
        assert len(sourced) == 2
        for r in sourced:
            source = r.source_case
            assert source.stage == CaseStage.CLOSED and source.outcome == Outcome.TOLERATED
            assert r.published_at.date() > source.closed_on
            assert source.cadre.name not in r.situation + r.decision + r.title
        for r in rows:
            assert r.search_text == build_search_text(
                title=r.title, situation=r.situation, decision=r.decision, lesson=r.lesson,
                tags=r.tags,
            )  # fmt: skip

    def test_one_active_mentor_per_cadre_but_the_red_list(self) -> None:
        active = Counter(unscoped(Mentor).filter(ended_on=None).values_list("cadre_id", flat=True))
        assert set(active.values()) == {1}
        live = in_effect()
        assert set(active) <= set(live)  # ended periods have their mentor ended too
        red = set(live) - set(active)
        assert len(red) == 3
        assert unscoped(Mentor).filter(cadre_id__in=red).count() == 1  # one whose mentor retired
        for m in unscoped(Mentor).exclude(ended_on=None):
            assert m.assigned_on < m.ended_on <= TODAY and m.end_reason, m

    def test_follow_ups_on_schedule_some_overdue(self) -> None:
        latest: dict[int, FollowUp] = {}
        for f in unscoped(FollowUp).select_related("mentor", "sanction").order_by("visited_on"):
            assert f.mentor.cadre_id == f.cadre_id == f.sanction.cadre_id, f
            assert f.mentor.assigned_on <= f.visited_on <= TODAY, f
            assert f.visited_on >= f.sanction.effective_date
            assert f.next_due is None or f.next_due > f.visited_on
            latest[f.cadre_id] = f
        live = in_effect()
        overdue = [c for c, f in latest.items() if c in live and f.next_due and f.next_due < TODAY]
        assert len(overdue) >= 3
        on_time = [c for c, f in latest.items() if c in live and f.next_due and f.next_due >= TODAY]
        assert len(on_time) >= 5

    def test_sanctions_fit_the_cadres_records(self) -> None:
        rows = unscoped(Sanction).select_related("cadre__unit")
        assert len({s.cadre_id for s in rows}) == 36
        cases = set(unscoped(ToleranceCase).values_list("cadre_id", flat=True))
        assert not cases & {s.cadre_id for s in rows}
        for s in rows:
            assert TYPE_KIND[s.type] == s.kind and s.decision_date.year >= 2021, s
            assert s.effective_date <= TODAY and s.influence_until is not None, s
            assert (
                s.cadre.unit.level != UnitLevel.CITY and s.cadre.work_start_date < s.effective_date
            )
            assert not hasattr(s.cadre, "sacrifice"), s
            if s.kind == SanctionKind.PARTY:
                assert s.cadre.party_join_date and s.cadre.party_join_date < s.effective_date
            period = (s.effective_date, min(s.influence_until, TODAY))
            ranks = RankRecord.objects.filter(cadre=s.cadre, start_date__range=period)
            assert not ranks.exists(), s  # no 职级 promotion inside the period
            posts = Appointment.objects.filter(cadre=s.cadre, start_date__range=period)
            if s.type == SanctionType.ORG_TRANSFER:  # moved to another post that day
                assert Appointment.objects.filter(cadre=s.cadre, end_date=s.effective_date)
            else:
                assert not posts.exists(), s

    def test_the_reused_cadre_took_a_post_after_the_period(self) -> None:
        reuse = unscoped(ReuseAssessment).select_related("sanction", "new_appointment")
        for r in reuse:
            assert r.sanction.influence_until < r.assessed_on <= TODAY, r
            if r.recommendation == ReuseRecommendation.REUSE:
                post = r.new_appointment
                assert post is not None and post.cadre_id == r.cadre_id
                assert r.assessed_on < post.start_date
            else:
                assert r.new_appointment is None

    def test_both_management_levels_are_represented(self) -> None:
        managed = Counter(unscoped(Sanction).values_list("cadre__managed_by", flat=True))
        assert managed["city"] >= 5 and managed["county"] >= 5  # both kinds of demo users


def rows_of_the_demo() -> list[tuple[object, ...]]:
    cases = unscoped(ToleranceCase).order_by("id")
    sanctions = unscoped(Sanction).order_by("id")
    visits = unscoped(FollowUp).order_by("id")
    return [
        *cases.values_list("cadre__name", "stage", "applied_on", "closed_on", "outcome"),
        *sanctions.values_list("cadre__name", "type", "effective_date", "influence_until"),
        *visits.values_list("cadre__name", "visited_on", "next_due", "mentor__mentor_name"),
        *TypicalCase.objects.order_by("id").values_list("title", "published_at"),
    ]


def test_same_seed_gives_the_same_rows_and_reset_removes_them(db: None) -> None:
    assert "tolerance" in extensions.registered()
    small = ("--units", "60")  # a shrunken tree keeps this test quick
    load(SEED, 150, *small)
    first = rows_of_the_demo()
    assert first
    load(SEED, 150, "--reset", *small)
    assert rows_of_the_demo() == first
    demo.reset()
    for model in PILLAR4_MODELS:
        assert not model._default_manager.exists(), model
    assert not Cadre.objects.unscoped_for_jobs_and_migrations().exists()


def test_without_a_demo_city_load_and_reset_do_nothing(db: None) -> None:
    tolerance_demo.reset()
    assert tolerance_demo.load(random.Random(1), lambda _msg: None) == {}
