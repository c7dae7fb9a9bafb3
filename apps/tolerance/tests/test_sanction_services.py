"""Sanction services (add, edit, revoke, delete/restore) and the influence-period facts other
pillars read: the pillar/scope matrix, Chinese refusals, stored periods, audit events."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from apps.accounts.models import ManagedBy, Role
from apps.accounts.tests.factories import UserFactory
from apps.cadres.tests.factories import CadreFactory
from apps.core.exceptions import DomainError, OutOfScopeError, StaleVersionError
from apps.core.models import AuditEvent, RuleParameter
from apps.tolerance.constants import SanctionKind, SanctionType
from apps.tolerance.models import Sanction
from apps.tolerance.selectors_sanctions import (
    assessment_caps,
    influence_period,
    influence_periods,
)
from apps.tolerance.services import sanctions as services
from apps.tolerance.services.sanctions import SanctionInput
from apps.tolerance.tests.factories import SanctionFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 10)
DECIDED = date(2026, 1, 15)


def data(**kw) -> SanctionInput:
    values = {
        "kind": SanctionKind.PARTY,
        "type": SanctionType.PARTY_WARNING,
        "decision_date": DECIDED,
        "effective_date": DECIDED,
        "authority": "甲县纪委",
        "document_number": "甲纪发〔2026〕3号",
        "summary": "违反中央八项规定精神",
        "probation_months": None,
    }
    values.update(kw)
    return SanctionInput(**values)


def last_event(action: str) -> AuditEvent:
    event = AuditEvent.objects.filter(action=action).order_by("-id").first()
    assert event is not None, f"no audit event {action}"
    return event


@pytest.fixture
def cadre_a(city):
    return CadreFactory(name="张伟", unit=city.county_a_town, managed_by=ManagedBy.COUNTY)


@pytest.fixture
def cadre_b(city):
    return CadreFactory(name="张敏", unit=city.county_b_dept, managed_by=ManagedBy.COUNTY)


def add(actor, cadre, **kw) -> Sanction:
    return services.sanction_add(actor=actor, cadre_id=cadre.pk, data=data(**kw), today=TODAY)


class TestAdd:
    def test_computes_and_stores_the_period_and_audits(self, sanctions_officer_a, cadre_a):
        s = add(sanctions_officer_a, cadre_a)
        assert s.influence_until == date(2027, 1, 14) and s.version == 1
        assert s.created_by == sanctions_officer_a and s.kind == SanctionKind.PARTY
        event = last_event("tolerance.sanction.add")
        assert event.target_id == str(s.pk) and event.actor == sanctions_officer_a
        assert event.after["influence_until"] == "2027-01-14"
        assert "第十条" in event.detail["legal_basis"]

    @pytest.mark.parametrize(
        ("kw", "until"),
        [
            (
                {"kind": SanctionKind.ADMINISTRATIVE, "type": SanctionType.ADMIN_WARNING},
                "2026-07-14",
            ),
            ({"kind": SanctionKind.ADMINISTRATIVE, "type": SanctionType.ADMIN_EXPULSION}, None),
            (
                {"type": SanctionType.PARTY_PROBATION, "probation_months": 24},
                "2030-01-14",
            ),
            (
                {"kind": SanctionKind.ORGANIZATIONAL, "type": SanctionType.ORG_ADMONITION},
                "2026-07-14",
            ),
        ],
    )
    def test_each_regulation(self, sanctions_officer_a, cadre_a, kw, until):
        s = add(sanctions_officer_a, cadre_a, **kw)
        assert (str(s.influence_until) if s.influence_until else None) == until

    def test_organizational_months_are_the_local_parameter_on_the_effective_date(
        self, sanctions_officer_a, cadre_a
    ):
        RuleParameter.objects.create(
            key="sanctions.org_admonition_months",
            value=12,
            effective_from=date(2026, 1, 1),
            source="本地规定",
        )
        org = {"kind": SanctionKind.ORGANIZATIONAL, "type": SanctionType.ORG_ADMONITION}
        s = add(sanctions_officer_a, cadre_a, **org)
        assert s.influence_until == date(2027, 1, 14)
        before = add(
            sanctions_officer_a,
            cadre_a,
            **org,
            decision_date=date(2025, 6, 1),
            effective_date=date(2025, 6, 1),
            document_number="",
        )
        assert before.influence_until == date(2025, 11, 30)  # the default 6 months then

    def test_decision_date_not_in_the_future(self, sanctions_officer_a, cadre_a):
        assert add(sanctions_officer_a, cadre_a, decision_date=TODAY, effective_date=TODAY)
        with pytest.raises(DomainError) as exc:
            add(
                sanctions_officer_a,
                cadre_a,
                decision_date=TODAY + timedelta(days=1),
                effective_date=TODAY + timedelta(days=1),
                document_number="",
            )
        assert exc.value.fields["decision_date"] == "处分决定日期不能晚于今天"

    def test_effective_not_before_decision(self, sanctions_officer_a, cadre_a):
        with pytest.raises(DomainError) as exc:
            add(sanctions_officer_a, cadre_a, effective_date=DECIDED - timedelta(days=1))
        assert exc.value.fields == {"effective_date": "生效日期不能早于决定日期"}

    @pytest.mark.parametrize("months", [None, 6, 36])
    def test_probation_needs_12_or_24(self, sanctions_officer_a, cadre_a, months):
        with pytest.raises(DomainError) as exc:
            add(
                sanctions_officer_a,
                cadre_a,
                type=SanctionType.PARTY_PROBATION,
                probation_months=months,
            )
        assert "probation_months" in exc.value.fields

    def test_probation_months_ignored_for_other_types(self, sanctions_officer_a, cadre_a):
        assert add(sanctions_officer_a, cadre_a, probation_months=12).probation_months is None

    def test_type_must_match_kind(self, sanctions_officer_a, cadre_a):
        with pytest.raises(DomainError) as exc:
            add(sanctions_officer_a, cadre_a, kind=SanctionKind.ADMINISTRATIVE)
        assert "不属于政务处分" in exc.value.fields["type"]

    def test_identical_overlap_refused(self, sanctions_officer_a, cadre_a, city):
        add(sanctions_officer_a, cadre_a)
        with pytest.raises(DomainError) as exc:  # same type, same decision date
            add(sanctions_officer_a, cadre_a, document_number="")
        assert exc.value.message.startswith("该干部已有相同的处分记录：2026-01-15 警告（党纪）")
        assert exc.value.code == "duplicate_sanction"
        with pytest.raises(DomainError) as exc:  # same type, same document number
            add(
                sanctions_officer_a,
                cadre_a,
                decision_date=date(2026, 2, 1),
                effective_date=date(2026, 2, 1),
            )
        assert "document_number" in exc.value.fields
        # another type the same day, or the same decision for another cadre, is not a duplicate
        add(
            sanctions_officer_a,
            cadre_a,
            kind=SanctionKind.ADMINISTRATIVE,
            type=SanctionType.ADMIN_WARNING,
        )
        other = CadreFactory(unit=city.county_a_dept, managed_by=ManagedBy.COUNTY)
        add(sanctions_officer_a, other)
        assert Sanction.objects.count() == 3

    def test_pillar_and_scope_matrix(
        self,
        sanctions_officer_a,
        officer_a,
        tol_officer_a,
        pillar_officer_b,
        pillar_leader_a,
        cadre_a,
        cadre_b,
    ):
        refused = [
            (officer_a, cadre_a),  # same county, no pillar
            (tol_officer_a, cadre_a),  # the other sensitive pillar only
            (pillar_officer_b, cadre_a),  # pillar, other county
            (pillar_leader_a, cadre_a),  # pillar, read only
            (sanctions_officer_a, cadre_b),
            (UserFactory(role=Role.SYSADMIN), cadre_a),
        ]
        for actor, cadre in refused:
            with pytest.raises(OutOfScopeError):
                add(actor, cadre)
        assert not Sanction.objects.exists()
        assert add(pillar_officer_b, cadre_b).cadre == cadre_b

    def test_city_managed_cadre_is_outside_a_county_grant(self, sanctions_officer_a, city):
        cadre = CadreFactory(unit=city.county_a_dept, managed_by=ManagedBy.CITY)
        with pytest.raises(OutOfScopeError):
            add(sanctions_officer_a, cadre)


class TestUpdateRevokeDelete:
    def test_update_recomputes_with_version_check(self, sanctions_officer_a, cadre_a, city):
        s = add(sanctions_officer_a, cadre_a)
        colleague = UserFactory(full_name="甲县帮带专员二")
        from apps.accounts.tests.factories import grant
        from apps.core.scope import Pillar

        grant(colleague, city.county_a, levels=[ManagedBy.COUNTY], pillars=[Pillar.SANCTIONS])
        services.sanction_update(
            actor=colleague,
            sanction_id=s.pk,
            expected_version=1,
            data=data(type=SanctionType.PARTY_SERIOUS_WARNING),
            today=TODAY,
        )
        s.refresh_from_db()
        assert s.influence_until == date(2027, 7, 14) and s.version == 2
        event = last_event("tolerance.sanction.update")
        assert event.before == {"type": "party_warning", "influence_until": "2027-01-14"}
        with pytest.raises(StaleVersionError) as exc:
            services.sanction_update(
                actor=sanctions_officer_a,
                sanction_id=s.pk,
                expected_version=1,
                data=data(),
                today=TODAY,
            )
        assert "甲县帮带专员二" in exc.value.message

    def test_update_out_of_scope(self, pillar_officer_b, pillar_leader_a, cadre_a):
        s = SanctionFactory(cadre=cadre_a)
        for actor in (pillar_officer_b, pillar_leader_a):
            with pytest.raises(OutOfScopeError):
                services.sanction_update(
                    actor=actor, sanction_id=s.pk, expected_version=1, data=data(), today=TODAY
                )

    def test_revoke(self, sanctions_officer_a, cadre_a):
        s = add(sanctions_officer_a, cadre_a)
        assert influence_period(cadre_a.pk, TODAY) is not None
        for revoked_on, reason, field in (
            (TODAY + timedelta(days=1), "申诉", "revoked_on"),
            (DECIDED - timedelta(days=1), "申诉", "revoked_on"),
            (TODAY, " ", "reason"),
        ):
            with pytest.raises(DomainError) as exc:
                services.sanction_revoke(
                    actor=sanctions_officer_a,
                    sanction_id=s.pk,
                    revoked_on=revoked_on,
                    reason=reason,
                    today=TODAY,
                )
            assert field in exc.value.fields
        services.sanction_revoke(
            actor=sanctions_officer_a,
            sanction_id=s.pk,
            revoked_on=date(2026, 3, 1),
            reason="经申诉，县纪委决定撤销该处分",
            expected_version=1,
            today=TODAY,
        )
        s.refresh_from_db()
        assert s.revoked_on == date(2026, 3, 1) and s.influence_until == date(2026, 2, 28)
        assert s.version == 2
        assert influence_period(cadre_a.pk, TODAY) is None
        assert influence_period(cadre_a.pk, date(2026, 2, 1)) is None  # void: counts for no day
        assert last_event("tolerance.sanction.revoke").detail["reason"].startswith("经申诉")
        with pytest.raises(DomainError, match="已于2026-03-01撤销"):
            services.sanction_revoke(
                actor=sanctions_officer_a,
                sanction_id=s.pk,
                revoked_on=TODAY,
                reason="再撤",
                today=TODAY,
            )

    def test_delete_and_restore(self, sanctions_officer_a, cadre_a):
        s = add(sanctions_officer_a, cadre_a)
        services.sanction_delete(actor=sanctions_officer_a, sanction_id=s.pk)
        assert not Sanction.objects.visible_to(sanctions_officer_a).exists()
        assert influence_period(cadre_a.pk, TODAY) is None
        add(sanctions_officer_a, cadre_a)  # the deleted one does not block re-entering it
        with pytest.raises(DomainError, match="已有相同的处分记录"):
            services.sanction_restore(actor=sanctions_officer_a, sanction_id=s.pk)
        Sanction.objects.exclude(pk=s.pk).delete()
        services.sanction_restore(actor=sanctions_officer_a, sanction_id=s.pk)
        assert Sanction.objects.visible_to(sanctions_officer_a).get() == s
        assert last_event("tolerance.sanction.restore").target_id == str(s.pk)

    def test_delete_refused_out_of_scope(self, officer_a, pillar_officer_b, cadre_a):
        s = SanctionFactory(cadre=cadre_a)
        for actor in (officer_a, pillar_officer_b):
            with pytest.raises(OutOfScopeError):
                services.sanction_delete(actor=actor, sanction_id=s.pk)
        assert Sanction.objects.get().deleted_at is None


class TestFacts:
    def test_boundaries_of_the_period(self, cadre_a):
        s = SanctionFactory(
            cadre=cadre_a, effective_date=DECIDED, influence_until=date(2027, 1, 14)
        )
        assert influence_period(cadre_a.pk, DECIDED - timedelta(days=1)) is None  # pending
        period = influence_period(cadre_a.pk, DECIDED)
        assert period is not None and period.until == date(2027, 1, 14)
        assert period.sanction_ids == (s.pk,) and period.kinds == (SanctionKind.PARTY,)
        assert influence_period(cadre_a.pk, date(2027, 1, 13)) is not None
        assert influence_period(cadre_a.pk, date(2027, 1, 14)) is not None
        assert influence_period(cadre_a.pk, date(2027, 1, 15)) is None

    def test_combined_max_and_permanent(self, cadre_a):
        SanctionFactory(cadre=cadre_a, influence_until=date(2027, 1, 14))
        late = SanctionFactory(
            cadre=cadre_a,
            kind=SanctionKind.ADMINISTRATIVE,
            type=SanctionType.ADMIN_MAJOR_DEMERIT,
            influence_until=date(2027, 7, 14),
        )
        period = influence_period(cadre_a.pk, TODAY)
        assert period.until == date(2027, 7, 14)
        assert period.kinds == (SanctionKind.ADMINISTRATIVE, SanctionKind.PARTY)
        # after the first ends, the later one alone remains
        assert influence_period(cadre_a.pk, date(2027, 2, 1)).sanction_ids == (late.pk,)
        SanctionFactory(cadre=cadre_a, type=SanctionType.PARTY_EXPULSION, influence_until=None)
        assert influence_period(cadre_a.pk, TODAY).until is None
        assert influence_period(cadre_a.pk, date(2090, 1, 1)).until is None

    def test_bulk_one_query_deleted_ignored(self, cadre_a, city, django_assert_num_queries):
        other = CadreFactory(unit=city.county_b_dept)
        gone = SanctionFactory(cadre=other, influence_until=date(2027, 1, 14))
        gone.deleted_at = timezone.now()
        gone.save()
        SanctionFactory(cadre=cadre_a, influence_until=date(2027, 1, 14))
        with django_assert_num_queries(1):
            periods = influence_periods([cadre_a.pk, other.pk, 999_999], TODAY)
        assert set(periods) == {cadre_a.pk}

    def test_assessment_caps(self, cadre_a):
        assert assessment_caps(cadre_a.pk, 2026) is None
        SanctionFactory(
            cadre=cadre_a,
            kind=SanctionKind.ADMINISTRATIVE,
            type=SanctionType.ADMIN_WARNING,
            effective_date=date(2026, 1, 15),
            influence_until=date(2026, 7, 14),
        )
        assert assessment_caps(cadre_a.pk, 2026) == "no_excellent"
        assert assessment_caps(cadre_a.pk, 2027) is None
        demerit = SanctionFactory(
            cadre=cadre_a,
            kind=SanctionKind.ADMINISTRATIVE,
            type=SanctionType.ADMIN_DEMERIT,
            effective_date=date(2026, 3, 1),
            influence_until=date(2027, 2, 28),
        )
        assert assessment_caps(cadre_a.pk, 2026) == "not_graded"
        assert assessment_caps(cadre_a.pk, 2027) is None  # the year it lapses
        demerit.revoked_on = date(2026, 5, 1)
        demerit.save()
        assert assessment_caps(cadre_a.pk, 2026) == "no_excellent"
