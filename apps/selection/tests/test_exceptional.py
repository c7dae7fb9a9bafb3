"""破格提拔 (ELG-9-2, ELG-9-3): the input rules, every ELG-9-3 refusal at its boundary (two
levels, probation's last day, 12 months since the last promotion, consecutive tenure waivers),
the waiver in the engine's verdict, delete/restore, the pages (scope 404s, leader read-only) and
the export."""

from datetime import date
from io import BytesIO

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from apps.accounts.models import ManagedBy
from apps.accounts.tests.factories import UserFactory, grant
from apps.cadres.tests.factories import CadreFactory
from apps.core.exceptions import DomainError, OutOfScopeError
from apps.core.models import AuditEvent, Job, JobStatus, RuleParameter
from apps.selection import engine, exports_reserve  # noqa: F401 (registered by apps.py)
from apps.selection.constants import Outcome, PromotionStatus
from apps.selection.facts import facts_of
from apps.selection.models import ExceptionalPromotion
from apps.selection.services.exceptional import (
    ExceptionalInput,
    exceptional_add,
    exceptional_delete,
    exceptional_restore,
)
from apps.selection.tests.factories import ProbationFactory, PromotionFactory
from apps.units.constants import Tier

pytestmark = pytest.mark.django_db
TODAY = date(2026, 12, 31)
WHY = "在防汛抢险救灾中冲锋在前，组织转移群众三千余人，表现突出，群众公认"


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def officer_b(city):
    user = UserFactory(username="officer_b", full_name="乙县干部科")
    grant(user, city.county_b, levels=[ManagedBy.COUNTY])
    return user


@pytest.fixture
def cadre(city):
    """A 乡科级正职 of county A."""
    return CadreFactory(
        name="张伟", unit=city.county_a_dept, managed_by=ManagedBy.COUNTY, tier="section_principal"
    )


def data(**kw) -> ExceptionalInput:
    values = {
        "target_tier": Tier.DIVISION_DEPUTY,
        "ground": "crisis_performance",
        "explanation": WHY,
        "waived_rules": ("ELG-8-3",),
        "approved_on": date(2026, 6, 15),
        "doc_no": "甲组会〔2026〕3号",
    }
    return ExceptionalInput(**(values | kw))


def add(actor, cadre, **kw) -> ExceptionalPromotion:
    return exceptional_add(actor=actor, cadre_id=cadre.pk, data=data(**kw), today=TODAY)


def refusal(actor, cadre, **kw) -> DomainError:
    with pytest.raises(DomainError) as exc:
        add(actor, cadre, **kw)
    return exc.value


class TestInput:
    def test_added_and_audited(self, officer_a, cadre):
        record = add(officer_a, cadre, waived_rules=("ELG-8-4", "ELG-8-3", "ELG-8-3"))
        assert record.waived_rules == ["ELG-8-3", "ELG-8-4"]
        event = AuditEvent.objects.get(action="selection.exceptional.add")
        assert event.after["ground"] == "crisis_performance"
        assert event.detail["basis"] == "ELG-9-2"

    def test_explanation_at_least_20_characters(self, officer_a, cadre):
        assert "explanation" in refusal(officer_a, cadre, explanation="破" * 19).fields
        assert "explanation" in refusal(officer_a, cadre, explanation=" " + "破" * 19 + " ").fields
        add(officer_a, cadre, explanation="破" * 20)

    def test_waived_rules_only_the_waivable(self, officer_a, cadre):
        assert "waived_rules" in refusal(officer_a, cadre, waived_rules=()).fields
        error = refusal(officer_a, cadre, waived_rules=("ELG-8-3", "ELG-8-6"))  # 党龄: never
        assert "ELG-9-3" in error.fields["waived_rules"]

    def test_other_inputs(self, officer_a, cadre):
        assert "ground" in refusal(officer_a, cadre, ground="friendship").fields
        assert "target_tier" in refusal(officer_a, cadre, target_tier="emperor").fields
        future = refusal(officer_a, cadre, approved_on=date(2027, 1, 1))
        assert "approved_on" in future.fields

    def test_scope(self, officer_b, leader_a, cadre):
        for actor in (officer_b, leader_a):
            with pytest.raises(OutOfScopeError):
                add(actor, cadre)


class TestLevels:
    """ELG-9-3: 不得越两级提拔; ELG-9-1: 越级 (one level) only when declared."""

    def test_one_step_is_fine(self, officer_a, cadre):
        add(officer_a, cadre, target_tier=Tier.DIVISION_DEPUTY)

    def test_skipping_one_level_must_be_declared(self, officer_a, cadre):
        error = refusal(officer_a, cadre, target_tier=Tier.DIVISION_PRINCIPAL)
        assert error.code == "skip_not_declared"
        assert "越级提拔" in error.message
        add(officer_a, cadre, target_tier=Tier.DIVISION_PRINCIPAL, waived_rules=("ELG-9-1",))

    def test_skipping_two_levels_refused(self, officer_a, cadre):
        error = refusal(officer_a, cadre, target_tier=Tier.BUREAU_DEPUTY, waived_rules=("ELG-9-1",))
        assert error.code == "skips_two_levels"
        assert "不得越两级提拔" in error.message and "第十一条" in error.message

    def test_not_a_promotion_refused(self, officer_a, cadre):
        assert refusal(officer_a, cadre, target_tier=Tier.SECTION_PRINCIPAL).code == (
            "not_a_promotion"
        )

    def test_without_tier_counts_from_below_section_deputy(self, officer_a, city):
        clerk = CadreFactory(unit=city.county_a_dept, managed_by=ManagedBy.COUNTY, tier="")
        add(officer_a, clerk, target_tier=Tier.SECTION_DEPUTY, waived_rules=("ELG-8-4",))
        error = refusal(officer_a, clerk, target_tier=Tier.DIVISION_DEPUTY)
        assert error.code == "skips_two_levels"

    def test_rank_counts_as_its_tier(self, officer_a, city):
        """RANK_TIER: 一级主任科员 stands at 乡科级正职."""
        holder = CadreFactory(
            unit=city.county_a_dept,
            managed_by=ManagedBy.COUNTY,
            tier="",
            rank_grade="principal_staff_1",
        )
        add(officer_a, holder, target_tier=Tier.DIVISION_DEPUTY)
        assert refusal(officer_a, holder, target_tier=Tier.BUREAU_DEPUTY).code == (
            "skips_two_levels"
        )


class TestProbation:
    """ELG-9-3: 任职试用期未满的，不得破格提拔 — refused through the probation's last day."""

    @pytest.fixture
    def probation(self, cadre):
        return ProbationFactory(
            promotion=PromotionFactory(cadre=cadre),
            start_date=date(2025, 6, 15),
            end_date=date(2026, 6, 14),
        )

    def test_last_day_refused_day_after_allowed(self, officer_a, cadre, probation):
        for day in (date(2026, 6, 13), date(2026, 6, 14)):
            error = refusal(officer_a, cadre, approved_on=day)
            assert error.code == "in_probation"
            assert "2026-06-14" in error.message and "第十一条" in error.message
        add(officer_a, cadre, approved_on=date(2026, 6, 15))

    def test_concluded_probation_does_not_block(self, officer_a, cadre, probation):
        probation.outcome = "confirmed"
        probation.save()
        add(officer_a, cadre, approved_on=date(2026, 1, 1))


class TestSincePromotion:
    """ELG-9-3: 提拔任职不满1年的，不得破格提拔 — 12 months from the last promotion's day."""

    @pytest.fixture
    def promoted(self, cadre):
        return PromotionFactory(
            cadre=cadre,
            status=PromotionStatus.CONFIRMED,
            decision_date=date(2025, 6, 1),
            confirmed_on=date(2025, 6, 15),
        )

    def test_boundary(self, officer_a, cadre, promoted):
        error = refusal(officer_a, cadre, approved_on=date(2026, 6, 14))
        assert error.code == "recently_promoted"
        assert "2025-06-15" in error.message and "2026-06-15" in error.message
        add(officer_a, cadre, approved_on=date(2026, 6, 15))
        add(officer_a, cadre, approved_on=date(2026, 6, 16))

    def test_month_end(self, officer_a, cadre):
        """Promoted on 29 February: no 29 February a year later, so the 12 months are served in
        full on 1 March (apps.core.dates.add_months)."""
        PromotionFactory(
            cadre=cadre,
            status=PromotionStatus.CONFIRMED,
            decision_date=date(2024, 2, 20),
            confirmed_on=date(2024, 2, 29),
        )
        assert refusal(officer_a, cadre, approved_on=date(2025, 2, 28)).code == (
            "recently_promoted"
        )
        add(officer_a, cadre, approved_on=date(2025, 3, 1))

    def test_parameter_in_force_on_the_decision_day(self, officer_a, cadre, promoted):
        RuleParameter.objects.create(
            key="selection.pouge_min_months_since_promotion",
            value=24,
            effective_from=date(2026, 1, 1),
        )
        error = refusal(officer_a, cadre, approved_on=date(2026, 6, 15))
        assert "不满24个月" in error.message

    def test_rank_promotions_do_not_count(self, officer_a, cadre):
        PromotionFactory(
            cadre=cadre,
            kind="rank",
            post=None,
            target_tier="",
            target_rank="principal_staff_1",
            status=PromotionStatus.CONFIRMED,
            decision_date=date(2026, 6, 1),
            confirmed_on=date(2026, 6, 1),
        )
        add(officer_a, cadre, approved_on=date(2026, 6, 15))


class TestConsecutiveTenureWaiver:
    """ELG-9-3: 不得在任职年限上连续破格."""

    def previous(self, cadre, waived: list[str]) -> None:
        ground = ExceptionalPromotion.objects.create(
            cadre=cadre,
            target_tier=Tier.SECTION_PRINCIPAL,
            ground="hardship_area",
            explanation=WHY,
            waived_rules=waived,
            approved_on=date(2022, 3, 1),
        )
        PromotionFactory(
            cadre=cadre,
            status=PromotionStatus.CONFIRMED,
            decision_date=date(2022, 3, 1),
            confirmed_on=date(2022, 3, 10),
            exceptional=ground,
        )

    def test_refused_after_a_tenure_waiver(self, officer_a, cadre):
        self.previous(cadre, ["ELG-8-3"])
        error = refusal(officer_a, cadre, waived_rules=("ELG-8-3", "ELG-8-4"))
        assert error.code == "consecutive_tenure_waiver"
        assert "连续破格" in error.message and "第十一条" in error.message
        add(officer_a, cadre, waived_rules=("ELG-8-4",))  # another rule may be waived

    def test_allowed_after_another_waiver(self, officer_a, cadre):
        self.previous(cadre, ["ELG-8-4"])
        add(officer_a, cadre, waived_rules=("ELG-8-3",))

    def test_only_the_last_promotion_counts(self, officer_a, cadre):
        self.previous(cadre, ["ELG-8-3"])
        PromotionFactory(  # a later ordinary promotion in between
            cadre=cadre,
            status=PromotionStatus.CONFIRMED,
            decision_date=date(2024, 5, 1),
            confirmed_on=date(2024, 5, 10),
        )
        add(officer_a, cadre, waived_rules=("ELG-8-3",))


class TestVerdictAndDelete:
    def test_waiver_shown_in_verdict(self, officer_a, cadre):
        """The cadre has no 乡科级正职 tenure at all: ELG-8-3 fails, and the 破格 waives it."""
        target = engine.Target(tier=Tier.DIVISION_DEPUTY)
        before = engine.evaluate(facts_of(cadre.pk, TODAY), target, TODAY)
        assert [c.outcome for c in before.checks if c.rule == "ELG-8-3"] == [Outcome.FAIL]
        record = add(officer_a, cadre)
        after = engine.evaluate(facts_of(cadre.pk, TODAY), target, TODAY)
        assert [c.outcome for c in after.checks if c.rule == "ELG-8-3"] == [Outcome.WAIVED]
        assert after.waiver is not None and after.waiver.id == record.pk
        assert any(c.rule == "ELG-9-3" for c in after.checks)

    def test_delete_restore_and_in_use(self, officer_a, officer_b, cadre):
        record = add(officer_a, cadre)
        with pytest.raises(OutOfScopeError):
            exceptional_delete(actor=officer_b, record_id=record.pk)
        exceptional_delete(actor=officer_a, record_id=record.pk)
        assert facts_of(cadre.pk, TODAY).waivers == ()
        exceptional_restore(actor=officer_a, record_id=record.pk)
        assert len(facts_of(cadre.pk, TODAY).waivers) == 1
        PromotionFactory(cadre=cadre, exceptional=record)
        with pytest.raises(DomainError, match="已被任用记录引用"):
            exceptional_delete(actor=officer_a, record_id=record.pk)


class TestPages:
    @pytest.fixture
    def records(self, officer_a, city, cadre):
        other = CadreFactory(name="张敏", unit=city.county_b_dept, managed_by=ManagedBy.COUNTY)
        return {
            "a": add(officer_a, cadre),
            "b": ExceptionalPromotion.objects.create(
                cadre=other,
                target_tier=Tier.SECTION_PRINCIPAL,
                ground="team_structure",
                explanation=WHY,
                waived_rules=["ELG-8-4"],
                approved_on=date(2025, 3, 1),
            ),
        }

    def test_list_scoped_and_filtered(self, officer_a, records):
        c = login(officer_a)
        url = reverse("selection:exceptional_list")
        pks = lambda r: {x.pk for x in r.context["page"].object_list}  # noqa: E731
        assert pks(c.get(url)) == {records["a"].pk}
        assert pks(c.get(url, {"year": 2025})) == set()
        assert pks(c.get(url, {"ground": "crisis_performance", "tier": "division_deputy"})) == {
            records["a"].pk
        }
        assert pks(c.get(url, {"q": "张敏"})) == set()
        assert pks(c.get(url, {"unit": records["b"].cadre.unit_id})) == set()
        response = c.get(url, {"sort": "name"}, HTTP_HX_REQUEST="true")
        assert "selection/_exceptional_results.html" in [t.name for t in response.templates]
        assert "任职年限" in response.content.decode()

    def test_detail_scoped_and_audited(self, officer_a, leader_a, records):
        c = login(officer_a)
        response = c.get(reverse("selection:exceptional_detail", args=[records["a"].pk]))
        assert response.status_code == 200
        html = response.content.decode()
        assert "破格" in html and WHY in html
        assert response.context["uses_this"] is True
        assert (
            c.get(reverse("selection:exceptional_detail", args=[records["b"].pk])).status_code
            == 404
        )
        outcomes = set(
            AuditEvent.objects.filter(action="selection.exceptional.view").values_list(
                "outcome", flat=True
            )
        )
        assert outcomes == {"ok", "denied"}
        leader = login(leader_a).get(
            reverse("selection:exceptional_detail", args=[records["a"].pk])
        )
        assert leader.status_code == 200 and leader.context["can_change"] is False

    def test_add_page_refusal_in_chinese(self, officer_a, cadre):
        c = login(officer_a)
        url = reverse("selection:exceptional_add")
        assert {x.name for x in c.get(url, {"pick": "zw"}).context["pick"]} == {"张伟"}
        form = {
            "target_tier": "bureau_deputy",
            "ground": "specialist_urgent",
            "explanation": WHY,
            "waived_rules": ["ELG-9-1"],
            "approved_on": "2026-06-15",
        }
        response = c.post(f"{url}?cadre={cadre.pk}", form)
        assert response.status_code == 200
        assert "不得越两级提拔" in response.content.decode()
        short = c.post(f"{url}?cadre={cadre.pk}", form | {"explanation": "太短"})
        assert "不少于20个字" in short.content.decode()
        ok = c.post(f"{url}?cadre={cadre.pk}", form | {"target_tier": "division_principal"})
        assert ok.status_code == 302

    def test_foreign_and_leader_writes(self, officer_b, leader_a, records, cadre):
        b = login(officer_b)
        url = reverse("selection:exceptional_add")
        assert b.get(url, {"cadre": cadre.pk}).status_code == 404
        delete = reverse("selection:exceptional_delete", args=[records["a"].pk])
        assert b.post(delete).status_code == 404
        leader = login(leader_a)
        assert leader.get(url).status_code == 403
        assert leader.post(delete).status_code == 403

    def test_delete_with_undo(self, officer_a, records):
        c = login(officer_a)
        delete = reverse("selection:exceptional_delete", args=[records["a"].pk])
        assert "撤销" in c.post(delete, follow=True).content.decode()
        detail = reverse("selection:exceptional_detail", args=[records["a"].pk])
        assert c.get(detail).status_code == 404
        c.post(reverse("selection:exceptional_restore", args=[records["a"].pk]))
        assert c.get(detail).status_code == 200

    def test_export_scoped(self, officer_a, records, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            login(officer_a).post(reverse("jobs:list_export", args=["selection_exceptional"]))
        job = Job.objects.latest("id")
        assert job.status == JobStatus.DONE
        with job.result_file.open("rb") as fh:
            rows = list(load_workbook(BytesIO(fh.read())).active.iter_rows(values_only=True))
        assert [r[0] for r in rows[1:]] == ["张伟"]
        assert "任职年限" in rows[1][4]
