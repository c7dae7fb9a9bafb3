"""Mentoring services (one active mentor each, follow-up visits, reuse assessments) and the
lists that follow them (red list, overdue follow-ups, reuse due) at their boundary dates."""

from datetime import date, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.http import QueryDict

from apps.accounts.models import ManagedBy
from apps.cadres.models import Appointment
from apps.cadres.tests.factories import CadreFactory, PostFactory
from apps.core.exceptions import DomainError, OutOfScopeError
from apps.core.models import AuditEvent, RuleParameter
from apps.tolerance import selectors_sanctions as sel
from apps.tolerance.constants import ReuseRecommendation, SanctionType
from apps.tolerance.models import FollowUp, Mentor, ReuseAssessment
from apps.tolerance.services import mentoring as services
from apps.tolerance.services.mentoring import FollowUpInput, MentorInput, ReuseInput
from apps.tolerance.tests.factories import (
    FollowUpFactory,
    MentorFactory,
    ReuseAssessmentFactory,
    SanctionFactory,
)

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 10)
NO_FILTER = QueryDict()


@pytest.fixture
def cadre(city):
    return CadreFactory(name="张伟", unit=city.county_a_town, managed_by=ManagedBy.COUNTY)


@pytest.fixture
def sanction(cadre):
    # 警告（党纪）effective 2026-01-15, influence through 2027-01-14
    return SanctionFactory(cadre=cadre)


def assign(actor, cadre, name="李明", on=date(2026, 2, 1), **kw) -> Mentor:
    data = MentorInput(name, "县委组织部副部长", on, kw.pop("sanction_id", None))
    return services.mentor_assign(actor=actor, cadre_id=cadre.pk, data=data, today=TODAY)


class TestMentors:
    def test_second_ends_the_first(self, sanctions_officer_a, cadre, sanction):
        first = assign(sanctions_officer_a, cadre)
        assert first.sanction == sanction and first.ended_on is None
        second = assign(sanctions_officer_a, cadre, name="王芳", on=date(2026, 3, 1))
        first.refresh_from_db()
        assert first.ended_on == date(2026, 3, 1) and first.end_reason == "更换帮带责任人"
        assert list(Mentor.objects.filter(cadre=cadre, ended_on__isnull=True)) == [second]
        event = AuditEvent.objects.filter(action="tolerance.mentor.assign").order_by("-id")[0]
        assert event.detail == {"replaced": first.pk}

    def test_two_calls_never_leave_two_active(self, sanctions_officer_a, cadre, sanction):
        for name in ("李明", "王芳"):  # the same day, one after the other (the cadre row lock)
            assign(sanctions_officer_a, cadre, name=name, on=TODAY)
        assert Mentor.objects.filter(cadre=cadre, ended_on__isnull=True).count() == 1

    def test_database_refuses_a_second_active(self, cadre, sanction):
        MentorFactory(cadre=cadre)
        with pytest.raises(IntegrityError), transaction.atomic():
            MentorFactory(cadre=cadre, mentor_name="王芳")

    def test_refusals(self, sanctions_officer_a, cadre, sanction, city):
        assign(sanctions_officer_a, cadre, on=date(2026, 2, 1))
        cases = [
            ({"name": "李明"}, "mentor_name", "李明已是该干部的帮带责任人"),
            ({"name": "王芳", "on": date(2026, 1, 31)}, "assigned_on", "不能早于现任帮带责任人"),
            ({"name": "王芳", "on": TODAY + timedelta(days=1)}, "assigned_on", "不能晚于今天"),
        ]
        for kw, field, text in cases:
            with pytest.raises(DomainError) as exc:
                assign(sanctions_officer_a, cadre, **kw)
            assert text in exc.value.fields[field]
        other = SanctionFactory(cadre=CadreFactory(unit=city.county_a_dept))
        with pytest.raises(DomainError) as exc:
            assign(sanctions_officer_a, cadre, name="王芳", sanction_id=other.pk)
        assert exc.value.fields == {"sanction": "所选处分不属于该干部"}

    def test_cadre_without_sanction(self, sanctions_officer_a, cadre):
        with pytest.raises(DomainError, match="没有处分记录"):
            assign(sanctions_officer_a, cadre)

    def test_scope(self, officer_a, pillar_officer_b, pillar_leader_a, cadre, sanction):
        for actor in (officer_a, pillar_officer_b, pillar_leader_a):
            with pytest.raises(OutOfScopeError):
                assign(actor, cadre)
        assert not Mentor.objects.exists()

    def test_end(self, sanctions_officer_a, pillar_officer_b, cadre, sanction):
        mentor = assign(sanctions_officer_a, cadre)
        with pytest.raises(OutOfScopeError):
            services.mentor_end(
                actor=pillar_officer_b, mentor_id=mentor.pk, ended_on=TODAY, end_reason="期满"
            )
        for ended_on, reason, field in (
            (date(2026, 1, 31), "期满", "ended_on"),
            (TODAY + timedelta(days=1), "期满", "ended_on"),
            (TODAY, "", "end_reason"),
        ):
            with pytest.raises(DomainError) as exc:
                services.mentor_end(
                    actor=sanctions_officer_a,
                    mentor_id=mentor.pk,
                    ended_on=ended_on,
                    end_reason=reason,
                    today=TODAY,
                )
            assert field in exc.value.fields
        services.mentor_end(
            actor=sanctions_officer_a,
            mentor_id=mentor.pk,
            ended_on=TODAY,
            end_reason="影响期满",
            today=TODAY,
        )
        mentor.refresh_from_db()
        assert mentor.ended_on == TODAY and mentor.end_reason == "影响期满"
        with pytest.raises(DomainError, match="已于2026-03-10结束帮带"):
            services.mentor_end(
                actor=sanctions_officer_a, mentor_id=mentor.pk, ended_on=TODAY, end_reason="再结束"
            )


def visit(actor, sanction, **kw) -> FollowUp:
    values = {
        "visited_on": date(2026, 2, 20),
        "visitors": "李明",
        "thinking": "能正确对待处分",
        "work": "工作积极",
    }
    values.update(kw)
    return services.follow_up_add(
        actor=actor, sanction_id=sanction.pk, data=FollowUpInput(**values), today=TODAY
    )


class TestFollowUps:
    def test_next_due_defaults_to_interval_and_links_mentor(
        self, sanctions_officer_a, cadre, sanction
    ):
        mentor = assign(sanctions_officer_a, cadre)
        v = visit(sanctions_officer_a, sanction, visited_on=date(2025, 11, 30) + timedelta(77))
        assert v.visited_on == date(2026, 2, 15) and v.next_due == date(2026, 5, 15)
        assert v.mentor == mentor and v.cadre == cadre
        assert AuditEvent.objects.filter(action="tolerance.follow_up.add").count() == 1

    def test_interval_is_the_local_parameter_and_month_end(self, sanctions_officer_a, sanction):
        RuleParameter.objects.create(
            key="sanctions.follow_up_interval_months",
            value=1,
            effective_from=date(2026, 1, 1),
            source="本地规定",
        )
        assert visit(sanctions_officer_a, sanction, visited_on=date(2026, 1, 31)).next_due == (
            date(2026, 2, 28)
        )

    @pytest.mark.parametrize(
        ("kw", "field"),
        [
            ({"visited_on": TODAY + timedelta(days=1)}, "visited_on"),
            ({"visited_on": date(2026, 1, 14)}, "visited_on"),  # before the decision
            ({"visited_on": TODAY, "next_due": TODAY}, "next_due"),
            ({"visitors": " "}, "visitors"),
            ({"thinking": ""}, "thinking"),
        ],
    )
    def test_refusals(self, sanctions_officer_a, sanction, kw, field):
        with pytest.raises(DomainError) as exc:
            visit(sanctions_officer_a, sanction, **kw)
        assert field in exc.value.fields

    def test_boundary_days_allowed(self, sanctions_officer_a, sanction):
        assert visit(sanctions_officer_a, sanction, visited_on=date(2026, 1, 15)).pk
        assert visit(sanctions_officer_a, sanction, visited_on=TODAY).pk

    def test_scope_and_revoked(self, officer_a, pillar_leader_a, sanctions_officer_a, sanction):
        for actor in (officer_a, pillar_leader_a):
            with pytest.raises(OutOfScopeError):
                visit(actor, sanction)
        sanction.revoked_on = date(2026, 3, 1)
        sanction.save()
        with pytest.raises(DomainError, match="已撤销"):
            visit(sanctions_officer_a, sanction)
        assert not FollowUp.objects.exists()


def reuse(actor, sanction, on, recommendation=ReuseRecommendation.REUSE, **kw):
    data = ReuseInput(on, "县委组织部考察组", "表现良好", recommendation, **kw)
    return services.reuse_assess(actor=actor, sanction_id=sanction.pk, data=data, today=on)


class TestReuse:
    def test_inside_the_period_needs_a_reason_and_only_observe(self, sanctions_officer_a, sanction):
        last_day = date(2027, 1, 14)
        with pytest.raises(DomainError) as exc:
            reuse(sanctions_officer_a, sanction, last_day)
        assert "仍处于处分影响期内（至2027-01-14）" in exc.value.fields["early_reason"]
        with pytest.raises(DomainError) as exc:
            reuse(sanctions_officer_a, sanction, last_day, early_reason="拟调整岗位")
        assert "只能提出“继续观察”" in exc.value.fields["recommendation"]
        early = reuse(
            sanctions_officer_a,
            sanction,
            last_day,
            ReuseRecommendation.OBSERVE,
            early_reason="拟调整岗位",
        )
        assert early.findings.startswith("【提前考察】理由：拟调整岗位")
        event = AuditEvent.objects.get(action="tolerance.reuse.assess")
        assert event.detail["early"] is True and event.detail["influence_until"] == "2027-01-14"

    def test_the_day_after_the_period(self, sanctions_officer_a, sanction, cadre, city):
        post = PostFactory(unit=city.county_a_dept)
        appointment = Appointment.objects.create(
            cadre=cadre, post=post, start_date=date(2027, 3, 1)
        )
        done = reuse(
            sanctions_officer_a, sanction, date(2027, 1, 15), new_appointment_id=appointment.pk
        )
        assert done.new_appointment == appointment and done.findings == "表现良好"

    def test_appointment_must_be_the_cadres_and_only_for_reuse(
        self, sanctions_officer_a, sanction, cadre, city
    ):
        post = PostFactory(unit=city.county_a_dept)
        other = Appointment.objects.create(
            cadre=CadreFactory(unit=city.county_a_dept), post=post, start_date=date(2027, 3, 1)
        )
        own = Appointment.objects.create(cadre=cadre, post=post, start_date=date(2027, 3, 1))
        on = date(2027, 2, 1)
        with pytest.raises(DomainError) as exc:
            reuse(sanctions_officer_a, sanction, on, new_appointment_id=other.pk)
        assert exc.value.fields == {"new_appointment": "所选任职不属于该干部"}
        with pytest.raises(DomainError) as exc:
            reuse(
                sanctions_officer_a,
                sanction,
                on,
                ReuseRecommendation.OBSERVE,
                new_appointment_id=own.pk,
            )
        assert "只有“重新使用”" in exc.value.fields["new_appointment"]

    def test_combined_period_of_all_sanctions(self, sanctions_officer_a, sanction, cadre):
        SanctionFactory(
            cadre=cadre,
            type=SanctionType.PARTY_SERIOUS_WARNING,
            influence_until=date(2027, 7, 14),
        )
        with pytest.raises(DomainError, match="至2027-07-14"):
            reuse(sanctions_officer_a, sanction, date(2027, 2, 1))

    def test_scope(self, pillar_officer_b, pillar_leader_a, sanction):
        for actor in (pillar_officer_b, pillar_leader_a):
            with pytest.raises(OutOfScopeError):
                reuse(actor, sanction, date(2027, 2, 1))
        assert not ReuseAssessment.objects.exists()


class TestLists:
    def test_red_list_boundaries(self, sanctions_officer_a, pillar_officer_b, officer_a, city):
        def person(until, **kw):
            cadre = CadreFactory(unit=city.county_a_dept, **kw)
            SanctionFactory(cadre=cadre, influence_until=until)
            return cadre

        ends_today = person(TODAY)
        ended = person(TODAY - timedelta(days=1))
        permanent = person(None)
        mentored = person(date(2027, 1, 14))
        MentorFactory(cadre=mentored)
        replaced = person(date(2027, 1, 14))
        MentorFactory(cadre=replaced, ended_on=date(2026, 3, 1))
        other_county = CadreFactory(unit=city.county_b_dept)
        SanctionFactory(cadre=other_county, influence_until=date(2027, 1, 14))

        def red(actor, on=TODAY):
            rows, _ = sel.mentor_missing(actor=actor, params=NO_FILTER, today=on)
            return set(rows)

        assert red(sanctions_officer_a) == {ends_today, permanent, replaced}
        assert ended not in red(sanctions_officer_a)
        assert red(sanctions_officer_a, TODAY + timedelta(days=1)) == {permanent, replaced}
        assert red(pillar_officer_b) == {other_county}
        assert red(officer_a) == set()

    def test_overdue_boundaries(self, sanctions_officer_a, officer_a, city):
        interval_start = date(2025, 12, 10)  # + 3 months = TODAY

        def person(effective):
            cadre = CadreFactory(unit=city.county_a_dept)
            SanctionFactory(
                cadre=cadre,
                decision_date=effective,
                effective_date=effective,
                influence_until=date(2027, 1, 1),
            )
            return cadre

        due_today = person(interval_start)
        due_yesterday = person(interval_start - timedelta(days=1))
        visited = person(date(2025, 6, 1))
        FollowUpFactory(cadre=visited, visited_on=date(2025, 9, 1), next_due=TODAY)
        late_visit = person(date(2025, 6, 1))
        FollowUpFactory(
            cadre=late_visit, visited_on=date(2025, 9, 1), next_due=TODAY - timedelta(days=1)
        )
        before_period = person(date(2025, 12, 1))  # a visit before this period does not count
        FollowUpFactory(
            cadre=before_period, visited_on=date(2025, 11, 1), next_due=date(2027, 1, 1)
        )

        def overdue(actor, on=TODAY):
            rows, _ = sel.follow_ups_overdue(actor=actor, params=NO_FILTER, today=on)
            return [r.cadre for r in rows]

        rows = overdue(sanctions_officer_a)  # most overdue first: due 03-01, then two on 03-09
        assert rows[0] == before_period and set(rows[1:]) == {due_yesterday, late_visit}
        assert set(overdue(sanctions_officer_a, TODAY + timedelta(days=1))) == {
            due_today,
            due_yesterday,
            visited,
            late_visit,
            before_period,
        }
        assert overdue(officer_a) == []

    def test_reuse_due_boundaries(self, sanctions_officer_a, officer_a, city):
        def person(until, **kw):
            cadre = CadreFactory(unit=city.county_a_dept)
            SanctionFactory(cadre=cadre, influence_until=until, **kw)
            return cadre

        ended_yesterday = person(TODAY - timedelta(days=1))
        ends_today = person(TODAY)
        person(None, type=SanctionType.PARTY_EXPULSION)
        assessed = person(date(2026, 1, 31))
        ReuseAssessmentFactory(cadre=assessed, assessed_on=date(2026, 2, 1))
        early_only = person(date(2026, 1, 31))
        ReuseAssessmentFactory(cadre=early_only, assessed_on=date(2026, 1, 31))
        revoked = person(date(2026, 1, 31), revoked_on=date(2026, 1, 20))
        two = person(date(2026, 1, 31))
        SanctionFactory(cadre=two, type=SanctionType.PARTY_SERIOUS_WARNING, influence_until=TODAY)

        def due(actor, on=TODAY):
            rows, _ = sel.reuse_due(actor=actor, params=NO_FILTER, today=on)
            return list(rows)

        assert due(sanctions_officer_a) == [early_only, ended_yesterday]
        assert revoked not in due(sanctions_officer_a)
        assert set(due(sanctions_officer_a, TODAY + timedelta(days=1))) == {
            early_only,
            ended_yesterday,
            ends_today,
            two,
        }
        assert due(officer_a) == []
