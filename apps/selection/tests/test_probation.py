"""任职试用期 (SEL-43-1): who gets one, its end counted as the regulation counts months (leap
years), the assessment not before the reminder window, 不胜任 ending the trial appointment
through the cadre services, the reminders, the pages and export, county B kept out."""

from datetime import date, timedelta
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

import apps.selection.exports_procedure  # noqa: F401 (registers the list exports)
from apps.accounts.models import ManagedBy
from apps.accounts.tests.factories import UserFactory, grant
from apps.cadres.models import Appointment
from apps.cadres.services.parts import refresh_derived
from apps.cadres.tests.factories import CadreFactory, PostFactory
from apps.core.exceptions import DomainError, OutOfScopeError, StaleVersionError
from apps.core.models import AuditEvent, Job, JobStatus
from apps.core.rulesets import param_set
from apps.selection import rules_procedure as rules
from apps.selection.constants import ProbationOutcome, PromotionKind, PromotionStatus
from apps.selection.models import Probation
from apps.selection.selectors_procedure import probations_due
from apps.selection.services.probation import probation_assess, probation_open
from apps.selection.tests.factories import ProbationFactory, PromotionFactory
from apps.units.constants import Tier, UnitKind

D = date
TODAY = D(2026, 11, 25)


@pytest.mark.parametrize(
    ("kind", "tier", "unit_kind", "applies"),
    [
        ("promote", Tier.DIVISION_DEPUTY, UnitKind.PARTY_COMMITTEE, True),  # 副职, any unit
        ("promote", Tier.SECTION_DEPUTY, UnitKind.GOVERNMENT, True),
        ("promote", Tier.DIVISION_PRINCIPAL, UnitKind.DEPARTMENT, True),  # 工作部门正职
        ("promote", Tier.SECTION_PRINCIPAL, UnitKind.INSTITUTION, True),
        ("promote", Tier.DIVISION_PRINCIPAL, UnitKind.PARTY_COMMITTEE, False),  # 书记: elected
        ("promote", Tier.SECTION_PRINCIPAL, UnitKind.GOVERNMENT, False),  # 乡镇长: 人大
        ("promote", Tier.DIVISION_PRINCIPAL, UnitKind.SOE, False),
        ("promote", Tier.BUREAU_DEPUTY, UnitKind.DEPARTMENT, True),  # 厅局级 included
        ("promote", Tier.PROVINCE_DEPUTY, UnitKind.DEPARTMENT, False),  # above 厅局级
        ("further_use", Tier.DIVISION_PRINCIPAL, UnitKind.DEPARTMENT, False),
        ("exchange", Tier.DIVISION_DEPUTY, UnitKind.DEPARTMENT, False),
        ("rank", "", UnitKind.DEPARTMENT, False),
    ],
)
def test_probation_applies(kind, tier, unit_kind, applies):
    assert rules.probation_applies(kind, tier, unit_kind) is applies


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        (D(2025, 12, 1), 12, D(2026, 11, 30)),
        (D(2024, 2, 29), 12, D(2025, 2, 28)),  # no 29 Feb in 2025: served in full on 03-01
        (D(2023, 2, 28), 12, D(2024, 2, 27)),
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2026, 1, 1), 12, D(2026, 12, 31)),
        (D(2026, 3, 31), 6, D(2026, 9, 30)),
    ],
)
def test_probation_end(start, months, end):
    assert rules.probation_end(start, months) == end


@pytest.mark.parametrize(
    ("today", "state"),
    [
        (D(2026, 10, 30), rules.DueState.RUNNING),  # 31 days before the end
        (D(2026, 10, 31), rules.DueState.DUE),  # 30 days before: the window opens
        (D(2026, 11, 30), rules.DueState.DUE),  # the last day
        (D(2026, 12, 1), rules.DueState.OVERDUE),
    ],
)
def test_due_state(today, state):
    got = rules.probation_due_state(
        end=D(2026, 11, 30), outcome="pending", today=today, reminder_days=30
    )
    assert got is state


# --- services ---------------------------------------------------------------------------------


@pytest.fixture
def officer_b(city):
    user = UserFactory(username="officer_b", full_name="乙县干部科")
    grant(user, city.county_b, levels=[ManagedBy.COUNTY])
    return user


@pytest.fixture
def cadre(city):
    return CadreFactory(name="王建国", unit=city.county_a_dept, managed_by=ManagedBy.COUNTY)


@pytest.fixture
def promotion(city, cadre):
    post = PostFactory(unit=city.county_a_dept, title="副局长", tier=Tier.DIVISION_DEPUTY)
    appointment = Appointment.objects.create(cadre=cadre, post=post, start_date=D(2025, 12, 1))
    refresh_derived(cadre, today=TODAY)
    return PromotionFactory(
        cadre=cadre,
        post=post,
        status=PromotionStatus.CONFIRMED,
        appointment=appointment,
        confirmed_on=D(2025, 12, 1),
        decision_date=D(2025, 11, 10),
    )


@pytest.fixture
def probation(promotion):
    return ProbationFactory(promotion=promotion)  # 2025-12-01 .. 2026-11-30


def assess(actor, probation, **kwargs):
    data = {
        "version": probation.version,
        "outcome": ProbationOutcome.CONFIRMED,
        "assessed_on": D(2026, 11, 20),
        "note": "",
        "today": TODAY,
        **kwargs,
    }
    return probation_assess(actor=actor, probation_id=probation.pk, **data)


class TestOpen:
    def test_one_year_from_taking_up_the_post(self, officer_a, promotion):
        probation = probation_open(actor=officer_a, promotion=promotion, start_date=D(2024, 2, 29))
        assert (probation.end_date, probation.outcome) == (D(2025, 2, 28), "pending")
        event = AuditEvent.objects.get(action="selection.probation.open")
        assert event.detail == {"promotion": promotion.pk, "months": 12, "rule": "SEL-43-1"}
        with pytest.raises(DomainError, match="已有试用期"):
            probation_open(actor=officer_a, promotion=promotion, start_date=D(2024, 2, 29))

    def test_months_from_the_parameter(self, officer_a, officer_city, promotion):
        param_set(
            actor=officer_city,
            key="selection.probation_months",
            value=6,
            effective_from=D(2026, 1, 1),
            source="试点",
        )
        probation = probation_open(actor=officer_a, promotion=promotion, start_date=D(2026, 3, 1))
        assert probation.end_date == D(2026, 8, 31)

    def test_not_applicable_refused(self, officer_a, promotion):
        promotion.kind = PromotionKind.FURTHER_USE
        with pytest.raises(DomainError, match="不适用任职试用期"):
            probation_open(actor=officer_a, promotion=promotion, start_date=D(2026, 1, 1))

    def test_out_of_scope(self, officer_b, promotion):
        with pytest.raises(OutOfScopeError):
            probation_open(actor=officer_b, promotion=promotion, start_date=D(2026, 1, 1))


class TestAssess:
    def test_too_early_refused_then_window_opens(self, officer_a, probation):
        with pytest.raises(DomainError) as info:
            assess(officer_a, probation, assessed_on=D(2026, 10, 30))
        assert "最早可于2026年10月31日（期满前30天）起考核" in info.value.fields["assessed_on"]
        done = assess(officer_a, probation, assessed_on=D(2026, 10, 31))
        assert (done.outcome, done.version) == ("confirmed", 2)

    def test_not_in_the_future(self, officer_a, probation):
        with pytest.raises(DomainError, match="不能晚于今天"):
            assess(officer_a, probation, assessed_on=TODAY + timedelta(days=1))

    def test_stale_version_refused(self, officer_a, probation):
        assess(officer_a, probation)
        with pytest.raises(StaleVersionError):
            assess(officer_a, probation, outcome=ProbationOutcome.REVERTED, note="x")

    def test_reverted_ends_the_trial_appointment(self, officer_a, cadre, probation):
        assert "副局长" in cadre.current_post_title
        with pytest.raises(DomainError, match="请填写考核情况"):
            assess(officer_a, probation, outcome=ProbationOutcome.REVERTED)
        assess(
            officer_a,
            probation,
            outcome=ProbationOutcome.REVERTED,
            note="群众满意度低，考核不胜任",
            removal_doc_no="甲干〔2026〕30号",
        )
        appointment = probation.promotion.appointment
        appointment.refresh_from_db()
        assert appointment.end_date == D(2026, 11, 20)
        assert appointment.removal_doc_no == "甲干〔2026〕30号"
        cadre.refresh_from_db()
        assert cadre.current_post_title == "" and cadre.tier == ""
        actions = list(AuditEvent.objects.values_list("action", flat=True))
        assert "cadre.appointment.end" in actions and "selection.probation.assess" in actions

    def test_reverted_without_appointment_refused(self, officer_a, probation):
        promotion = probation.promotion
        promotion.appointment = None
        promotion.save()
        with pytest.raises(DomainError, match="未找到试任职务"):
            assess(officer_a, probation, outcome=ProbationOutcome.REVERTED, note="不胜任")
        probation.refresh_from_db()
        assert probation.outcome == "pending"  # rolled back

    def test_out_of_scope(self, officer_b, leader_a, probation):
        for actor in (officer_b, leader_a):
            with pytest.raises(OutOfScopeError):
                assess(actor, probation)


def test_reminders(officer_a, officer_b, cadre):
    def trial(end, **kwargs):
        return ProbationFactory(promotion=PromotionFactory(cadre=cadre), end_date=end, **kwargs)

    overdue = trial(D(2026, 11, 20))
    due = trial(D(2026, 12, 25))  # 30 days after 11-25
    later = trial(D(2026, 12, 26))
    done = trial(D(2026, 11, 30), outcome="confirmed", assessed_on=D(2026, 11, 20))
    rows = list(probations_due(officer_a, TODAY))
    assert rows == [overdue, due]
    assert later not in rows and done not in rows
    assert list(probations_due(officer_b, TODAY)) == []


# --- pages ------------------------------------------------------------------------------------


def ending_soon(probation: Probation) -> Probation:
    """The trial moved to end ten days from the real today, which the pages read: inside the
    30-day reminder window whatever day the suite runs."""
    probation.end_date = date.today() + timedelta(days=10)
    probation.start_date = probation.end_date - timedelta(days=364)
    probation.save(update_fields=["start_date", "end_date"])
    return probation


@pytest.fixture
def rows(city, probation):
    other = CadreFactory(name="李娜", unit=city.county_b_dept, managed_by=ManagedBy.COUNTY)
    return {
        "inside": probation,
        "outside": ProbationFactory(promotion=PromotionFactory(cadre=other)),
    }


class TestPages:
    def test_list(self, client, officer_a, rows):
        ending_soon(rows["inside"])
        client.force_login(officer_a)
        url = reverse("selection:probation_list")
        page = client.get(url).content.decode()
        assert "王建国" in page and "李娜" not in page and "即将期满" in page
        assert "王建国" in client.get(url, {"state": "due"}).content.decode()
        assert "暂无符合条件" in client.get(url, {"state": "overdue"}).content.decode()
        assert "王建国" in client.get(url, {"q": "王"}).content.decode()
        partial = client.get(url, {"sort": "cadre"}, headers={"HX-Request": "true"})
        assert "<html" not in partial.content.decode()

    def test_detail_and_assess(self, client, officer_a, rows):
        client.force_login(officer_a)
        pk = rows["inside"].pk
        page = client.get(reverse("selection:probation_detail", args=[pk])).content.decode()
        assert "最早可于2026年10月31日起考核" in page and "probation-assess-form" in page
        assert AuditEvent.objects.filter(action="selection.probation.view").exists()
        url = reverse("selection:probation_assess", args=[pk])
        data = {"version": 1, "outcome": "confirmed", "assessed_on": "2026-10-01", "note": ""}
        response = client.post(url, data)
        assert response.status_code == 400 and "最早可于" in response.content.decode()
        assert client.post(url, {**data, "assessed_on": "2026-11-20"}).status_code == 302
        response = client.post(url, {**data, "assessed_on": "2026-11-20"})
        assert response.status_code == 409

    def test_county_b_gets_404_everywhere(self, client, officer_b, rows):
        client.force_login(officer_b)
        pk = rows["inside"].pk
        assert client.get(reverse("selection:probation_detail", args=[pk])).status_code == 404
        data = {"version": 1, "outcome": "confirmed", "assessed_on": "2026-11-20"}
        url = reverse("selection:probation_assess", args=[pk])
        assert client.post(url, data).status_code == 404
        assert Probation.objects.get(pk=pk).outcome == "pending"
        assert "王建国" not in client.get(reverse("selection:probation_list")).content.decode()

    def test_export_scoped(
        self, client, officer_a, officer_b, rows, django_capture_on_commit_callbacks
    ):
        def export():
            with django_capture_on_commit_callbacks(execute=True):
                response = client.post(reverse("jobs:list_export", args=["selection_probation"]))
            job = Job.objects.get(pk=int(response.url.rstrip("/").split("/")[-1]))
            assert job.status == JobStatus.DONE
            body = client.get(reverse("jobs:job_download", args=[job.pk]))
            sheet = load_workbook(filename=BytesIO(b"".join(body.streaming_content))).active
            return list(sheet.iter_rows(values_only=True))

        ending_soon(rows["inside"])
        client.force_login(officer_a)
        table = export()
        assert table[0][0] == "姓名" and [r[0] for r in table[1:]] == ["王建国"]
        assert table[1][1] == "甲县财政局副局长" and table[1][5] == "即将期满"
        client.force_login(officer_b)
        assert [r[0] for r in export()[1:]] == ["李娜"]
