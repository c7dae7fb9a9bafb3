"""年度考核 services: opening a sheet with its quota (ASM-QUOTA-1, both databases), the grid under
sanction caps (ASM-DIS-1), submission with its flags and award proposals (ASM-19/21/22-1), reopen,
proposal and flag decisions, concurrency, scope; and the cross-pillar facts."""

from datetime import date, timedelta

import pytest

from apps.accounts.models import ManagedBy
from apps.accounts.tests.factories import UserFactory, grant
from apps.assessment import selectors as facts
from apps.assessment.constants import AnnualGrade, AwardKind, ProposalStatus, SheetStatus
from apps.assessment.models import AnnualAssessment, AnnualSheet, AwardProposal, FollowUpFlag
from apps.assessment.selectors_annual import annual_grid
from apps.assessment.services import annual as services
from apps.assessment.services.annual import AnnualRow
from apps.assessment.tests.factories import AnnualAssessmentFactory, AnnualSheetFactory
from apps.cadres.tests.factories import CadreFactory
from apps.core.exceptions import DomainError, OutOfScopeError, StaleVersionError
from apps.core.models import AuditEvent, RuleParameter
from apps.tolerance.constants import CaseStage, Outcome, SanctionKind, SanctionType
from apps.tolerance.tests.factories import SanctionFactory, ToleranceCaseFactory

pytestmark = pytest.mark.django_db

E, C, B, I, N = (  # noqa: E741
    AnnualGrade.EXCELLENT,
    AnnualGrade.COMPETENT,
    AnnualGrade.BASICALLY_COMPETENT,
    AnnualGrade.INCOMPETENT,
    AnnualGrade.NOT_GRADED,
)


@pytest.fixture
def officer_b(city):
    user = UserFactory(username="officer_b", full_name="乙县干部科")
    grant(user, city.county_b, levels=[ManagedBy.COUNTY])
    return user


@pytest.fixture
def officer_a2(city):
    user = UserFactory(username="officer_a2", full_name="甲县干部科李四")
    grant(user, city.county_a, levels=[ManagedBy.COUNTY])
    return user


def staff(unit, n, prefix="干部"):
    return [CadreFactory(name=f"{prefix}{i}", unit=unit) for i in range(n)]


def open_(actor, unit, year=2026):
    return services.sheet_open(actor=actor, unit_id=unit.pk, year=year)


def rows_of(sheet):
    return {a.cadre.name: a for a in sheet.rows.select_related("cadre")}


def grade(actor, sheet, grades, comments=None):
    """Save {cadre name: grade} on the sheet with the version it has now."""
    sheet.refresh_from_db()
    rows = rows_of(sheet)
    data = [
        AnnualRow(rows[name].pk, g, (comments or {}).get(name, "")) for name, g in grades.items()
    ]
    return services.annual_save_grid(
        actor=actor, sheet_id=sheet.pk, expected_version=sheet.version, rows=data
    )


def submit(actor, sheet):
    sheet.refresh_from_db()
    return services.sheet_submit(actor=actor, sheet_id=sheet.pk, expected_version=sheet.version)


def submitted_year(cadre, year, g):
    """A past year's result on a submitted sheet of the cadre's unit."""
    sheet, _ = AnnualSheet.objects.get_or_create(
        unit=cadre.unit, year=year, defaults={"status": SheetStatus.SUBMITTED}
    )
    return AnnualAssessmentFactory(cadre=cadre, sheet=sheet, year=year, grade=g)


class TestQuota:
    """ASM-QUOTA-1 through the service path (runs on SQLite and PostgreSQL)."""

    @pytest.mark.parametrize(
        ("people", "quota"), [(20, 4), (21, 4), (24, 4), (25, 5), (4, 0), (1, 0), (0, 0)]
    )
    def test_boundaries(self, city, officer_a, people, quota):
        staff(city.county_a_dept, people)
        sheet = open_(officer_a, city.county_a_dept)
        assert (sheet.participants, sheet.excellent_quota) == (people, quota)
        assert sheet.quota_rule["rounding"] == "floor" and sheet.quota_rule["percent"] == 20
        assert sheet.quota_rule["parameters"]["assessment.excellent_percent"]["version"] == (
            "default"
        )

    @pytest.mark.parametrize(("people", "quota"), [(4, 1), (1, 1), (0, 0), (5, 1), (10, 2)])
    def test_small_unit_local_rule(self, city, officer_a, people, quota):
        RuleParameter.objects.create(
            key="assessment.small_unit_excellent", value=1, effective_from=date(2020, 1, 1)
        )
        staff(city.county_a_dept, people)
        assert open_(officer_a, city.county_a_dept).excellent_quota == quota

    def test_parameters_in_force_on_31_december(self, city, officer_a):
        staff(city.county_a_dept, 21)
        local = RuleParameter.objects.create(
            key="assessment.excellent_percent",
            value=15,
            effective_from=date(2025, 12, 31),
            source="某省实施办法",
        )
        RuleParameter.objects.create(
            key="assessment.excellent_percent", value=30, effective_from=date(2026, 1, 1)
        )
        sheet = open_(officer_a, city.county_a_dept, year=2025)
        assert sheet.excellent_quota == 3  # 21 × 15% = 3.15 → 3
        used = sheet.quota_rule["parameters"]["assessment.excellent_percent"]
        assert used == {
            "value": 15,
            "version": local.pk,
            "effective_from": "2025-12-31",
            "source": "某省实施办法",
        }
        # 30% is above the 25% maximum: the maximum caps it.
        assert open_(officer_a, city.county_a_dept, year=2026).excellent_quota == 5

    def test_submission_blocked_over_quota(self, city, officer_a):
        staff(city.county_a_dept, 21)
        sheet = open_(officer_a, city.county_a_dept)
        names = sorted(rows_of(sheet))
        grade(officer_a, sheet, {n: (E if i < 5 else C) for i, n in enumerate(names)})
        with pytest.raises(DomainError) as exc:
            submit(officer_a, sheet)
        assert "优秀等次 5 人，超过名额 4 人" in exc.value.message
        grade(officer_a, sheet, {names[0]: C})
        assert submit(officer_a, sheet).status == SheetStatus.SUBMITTED


class TestOpen:
    def test_participants_follow_the_actors_scope(self, city, officer_a, officer_city):
        staff(city.county_a_dept, 3)
        CadreFactory(name="市管干部", unit=city.county_a_dept, managed_by=ManagedBy.CITY)
        CadreFactory(name="新人", unit=city.county_a_dept, work_start_date=date(2027, 7, 1))
        CadreFactory(name="镇干部", unit=city.county_a_town)
        sheet = open_(officer_a, city.county_a_dept)
        assert set(rows_of(sheet)) == {"干部0", "干部1", "干部2"}
        event = AuditEvent.objects.get(action="assessment.annual.open")
        assert event.after == {"participants": 3, "excellent_quota": 0, "added": 3}
        again = open_(officer_a, city.county_a_dept)
        assert again.pk == sheet.pk and again.version == sheet.version
        assert AuditEvent.objects.filter(action="assessment.annual.open").count() == 1
        widened = open_(officer_city, city.county_a_dept)
        assert widened.participants == 4 and widened.version == sheet.version + 1
        assert "市管干部" in rows_of(widened)

    def test_refused_outside_scope_and_for_future_years(self, city, officer_b, leader_a, officer_a):
        for actor in (officer_b, leader_a):
            with pytest.raises(OutOfScopeError):
                open_(actor, city.county_a_dept)
        with pytest.raises(DomainError, match="考核年度"):
            open_(officer_a, city.county_a_dept, year=date.today().year + 1)

    def test_already_assessed_elsewhere_is_not_added_twice(self, city, officer_a):
        moved = CadreFactory(name="调入", unit=city.county_a_dept)
        AnnualAssessmentFactory(cadre=moved, year=2026, sheet__unit=city.county_a_town)
        sheet = open_(officer_a, city.county_a_dept)
        assert sheet.participants == 0


class TestGrid:
    def test_caps_from_sanctions(self, city, officer_a):
        warned, demerited, _ = staff(city.county_a_dept, 3)
        SanctionFactory(
            cadre=warned,
            kind=SanctionKind.ADMINISTRATIVE,
            type=SanctionType.ADMIN_WARNING,
            effective_date=date(2026, 3, 1),
            influence_until=date(2026, 8, 31),
        )
        SanctionFactory(
            cadre=demerited,
            kind=SanctionKind.ADMINISTRATIVE,
            type=SanctionType.ADMIN_DEMERIT,
            effective_date=date(2025, 6, 1),
            influence_until=date(2027, 5, 31),
        )
        sheet = open_(officer_a, city.county_a_dept)
        rows = rows_of(sheet)
        assert "不得确定为优秀" in rows["干部0"].cap_note
        assert "不定等次" in rows["干部1"].cap_note and rows["干部2"].cap_note == ""
        with pytest.raises(DomainError) as exc:
            grade(officer_a, sheet, {"干部0": E, "干部1": C, "干部2": E})
        assert exc.value.fields == {
            f"row-{rows['干部0'].pk}": "干部0：受警告处分当年不得确定为优秀（ASM-DIS-1）",
            f"row-{rows['干部1'].pk}": "干部1：处分期间参加年度考核只写评语、不定等次（ASM-DIS-1）",
        }
        assert not AnnualAssessment.objects.exclude(grade="").exists()  # all or nothing
        with pytest.raises(DomainError, match="不定等次须填写评语"):
            grade(officer_a, sheet, {"干部1": N})
        grade(officer_a, sheet, {"干部0": C, "干部1": N, "干部2": E}, {"干部1": "受记过处分期间"})
        assert {n: a.grade for n, a in rows_of(sheet).items()} == {
            "干部0": C,
            "干部1": N,
            "干部2": E,
        }
        event = AuditEvent.objects.get(action="assessment.annual.save_grid")
        assert event.detail["changed"] == 3

    def test_sanction_recorded_after_grading_blocks_submission(self, city, officer_a):
        (cadre,) = staff(city.county_a_dept, 1)
        RuleParameter.objects.create(
            key="assessment.small_unit_excellent", value=1, effective_from=date(2020, 1, 1)
        )
        sheet = open_(officer_a, city.county_a_dept)
        grade(officer_a, sheet, {"干部0": E})
        SanctionFactory(
            cadre=cadre,
            kind=SanctionKind.ADMINISTRATIVE,
            type=SanctionType.ADMIN_WARNING,
            effective_date=date(2026, 10, 1),
        )
        with pytest.raises(DomainError, match="受警告处分当年不得确定为优秀"):
            submit(officer_a, sheet)

    def test_tolerated_mistake_is_a_note_never_a_flag(self, city, officer_a):
        (cadre,) = staff(city.county_a_dept, 1)
        ToleranceCaseFactory(
            cadre=cadre,
            stage=CaseStage.CONCLUDED,
            outcome=Outcome.TOLERATED,
            concluded_on=date(2026, 6, 1),
        )
        sheet = open_(officer_a, city.county_a_dept)
        (row,) = annual_grid(actor=officer_a, sheet=sheet).rows
        assert row.tolerated
        grade(officer_a, sheet, {"干部0": C})
        submit(officer_a, sheet)
        assert not FollowUpFlag.objects.exists()

    def test_stale_sheet_names_who_changed_it(self, city, officer_a, officer_a2):
        staff(city.county_a_dept, 2)
        sheet = open_(officer_a, city.county_a_dept)
        seen = sheet.version
        grade(officer_a2, sheet, {"干部0": C})
        row = rows_of(sheet)["干部1"]
        with pytest.raises(StaleVersionError, match="甲县干部科李四"):
            services.annual_save_grid(
                actor=officer_a,
                sheet_id=sheet.pk,
                expected_version=seen,
                rows=[AnnualRow(row.pk, B)],
            )
        with pytest.raises(StaleVersionError):
            services.sheet_submit(actor=officer_a, sheet_id=sheet.pk, expected_version=seen)

    def test_scope(self, city, officer_a, officer_b, leader_a):
        staff(city.county_a_dept, 2)
        sheet = open_(officer_a, city.county_a_dept)
        other = AnnualAssessmentFactory(
            cadre=CadreFactory(unit=city.county_b_dept), year=2026, sheet__unit=city.county_b_dept
        )
        for actor in (officer_b, leader_a):
            with pytest.raises(OutOfScopeError):
                grade(actor, sheet, {"干部0": C})
            with pytest.raises(OutOfScopeError):
                submit(actor, sheet)
        with pytest.raises(OutOfScopeError):  # a row of another sheet smuggled in
            services.annual_save_grid(
                actor=officer_a,
                sheet_id=sheet.pk,
                expected_version=sheet.version,
                rows=[AnnualRow(other.pk, C)],
            )


class TestSubmit:
    def test_requires_every_participant_graded(self, city, officer_a):
        staff(city.county_a_dept, 2)
        sheet = open_(officer_a, city.county_a_dept)
        grade(officer_a, sheet, {"干部0": C})
        with pytest.raises(DomainError, match="尚有 1 人未确定等次"):
            submit(officer_a, sheet)

    def test_flags_and_read_only_until_reopened(self, city, officer_a):
        *_, c = staff(city.county_a_dept, 3)
        submitted_year(c, 2025, I)
        sheet = open_(officer_a, city.county_a_dept)
        grade(officer_a, sheet, {"干部0": C, "干部1": B, "干部2": I})
        submit(officer_a, sheet)
        flags = {(f.assessment.cadre.name, f.rule) for f in FollowUpFlag.objects.all()}
        assert flags == {("干部1", "ASM-21-1"), ("干部2", "ASM-22-1"), ("干部2", "GWYF-88-1")}
        event = AuditEvent.objects.get(action="assessment.annual.submit")
        assert event.detail["flags_raised"] == 3
        with pytest.raises(DomainError, match="已提交"):
            grade(officer_a, sheet, {"干部0": B})
        sheet.refresh_from_db()
        with pytest.raises(DomainError, match="退回理由"):
            services.sheet_reopen(
                actor=officer_a, sheet_id=sheet.pk, expected_version=sheet.version, reason=" "
            )
        services.sheet_reopen(
            actor=officer_a, sheet_id=sheet.pk, expected_version=sheet.version, reason="更正错录"
        )
        assert AuditEvent.objects.get(action="assessment.annual.reopen").detail == {
            "reason": "更正错录"
        }
        done = FollowUpFlag.objects.get(rule="ASM-21-1")
        services.flag_done(
            actor=officer_a, flag_id=done.pk, done_on=date(2026, 11, 20), note="已诫勉"
        )
        grade(officer_a, sheet, {"干部1": C, "干部2": B})
        submit(officer_a, sheet)
        flags = {
            (f.assessment.cadre.name, f.rule, bool(f.done_on)) for f in FollowUpFlag.objects.all()
        }
        # done flags stay as history; open ones follow the new grades
        assert flags == {("干部1", "ASM-21-1", True), ("干部2", "ASM-21-1", False)}

    def test_awards_never_twice(self, city, officer_a):
        (star,) = staff(city.county_a_dept, 1)
        staff(city.county_a_dept, 4, prefix="同事")
        submitted_year(star, 2024, E)
        submitted_year(star, 2025, E)
        sheet = open_(officer_a, city.county_a_dept)
        grade(officer_a, sheet, {"干部0": E, **{f"同事{i}": C for i in range(4)}})
        submit(officer_a, sheet)
        keys = set(AwardProposal.objects.values_list("kind", "first_year", "last_year"))
        # 2024 and 2025 were graded before this system: their 嘉奖 are proposed too.
        assert keys == {
            (AwardKind.COMMENDATION, 2024, 2024),
            (AwardKind.COMMENDATION, 2025, 2025),
            (AwardKind.COMMENDATION, 2026, 2026),
            (AwardKind.MERIT_THIRD, 2024, 2026),
        }
        merit = AwardProposal.objects.get(kind=AwardKind.MERIT_THIRD)
        services.proposal_confirm(actor=officer_a, proposal_id=merit.pk, note="市委批准")
        old = AwardProposal.objects.get(last_year=2024, kind=AwardKind.COMMENDATION)
        services.proposal_decline(actor=officer_a, proposal_id=old.pk, note="当年已奖励")
        with pytest.raises(DomainError, match="不能重复办理"):
            services.proposal_confirm(actor=officer_a, proposal_id=merit.pk)
        sheet.refresh_from_db()
        services.sheet_reopen(
            actor=officer_a, sheet_id=sheet.pk, expected_version=sheet.version, reason="复核"
        )
        submit(officer_a, sheet)  # same grades again
        assert AwardProposal.objects.count() == 4
        assert AwardProposal.objects.get(pk=merit.pk).status == ProposalStatus.CONFIRMED
        assert AwardProposal.objects.get(pk=old.pk).status == ProposalStatus.DECLINED

    def test_regrading_withdraws_undecided_proposals(self, city, officer_a):
        RuleParameter.objects.create(
            key="assessment.small_unit_excellent", value=1, effective_from=date(2020, 1, 1)
        )
        staff(city.county_a_dept, 1)
        sheet = open_(officer_a, city.county_a_dept)
        grade(officer_a, sheet, {"干部0": E})
        submit(officer_a, sheet)
        assert AwardProposal.objects.filter(kind=AwardKind.COMMENDATION, last_year=2026).exists()
        sheet.refresh_from_db()
        services.sheet_reopen(
            actor=officer_a, sheet_id=sheet.pk, expected_version=sheet.version, reason="更正"
        )
        grade(officer_a, sheet, {"干部0": C})
        submit(officer_a, sheet)
        assert not AwardProposal.objects.exists()
        latest = AuditEvent.objects.filter(action="assessment.annual.submit").first()  # -id
        assert latest.detail["awards_withdrawn"] == 1


class TestDecisions:
    def test_proposal_scope_and_reason(self, city, officer_a, officer_b, leader_a):
        cadre = CadreFactory(unit=city.county_a_dept)
        proposal = AwardProposal.objects.create(
            cadre=cadre, kind=AwardKind.COMMENDATION, first_year=2026, last_year=2026
        )
        for actor in (officer_b, leader_a):
            with pytest.raises(OutOfScopeError):
                services.proposal_confirm(actor=actor, proposal_id=proposal.pk)
        with pytest.raises(DomainError, match="理由"):
            services.proposal_decline(actor=officer_a, proposal_id=proposal.pk, note="")
        done = services.proposal_confirm(actor=officer_a, proposal_id=proposal.pk)
        assert done.status == ProposalStatus.CONFIRMED and done.decided_by == officer_a
        assert AuditEvent.objects.filter(action="assessment.award.confirm").count() == 1

    def test_flag_done(self, city, officer_a, officer_b):
        row = AnnualAssessmentFactory(cadre=CadreFactory(unit=city.county_a_dept), grade=B)
        flag = FollowUpFlag.objects.create(assessment=row, rule="ASM-21-1", text="诫勉")
        with pytest.raises(OutOfScopeError):
            services.flag_done(
                actor=officer_b, flag_id=flag.pk, done_on=date(2026, 11, 1), note="x"
            )
        with pytest.raises(DomainError) as exc:
            services.flag_done(
                actor=officer_a, flag_id=flag.pk, done_on=date.today() + timedelta(days=1), note=""
            )
        assert set(exc.value.fields) == {"done_on", "done_note"}
        services.flag_done(
            actor=officer_a, flag_id=flag.pk, done_on=date(2026, 11, 1), note="已谈话诫勉"
        )
        flag.refresh_from_db()
        assert flag.done_on == date(2026, 11, 1)
        with pytest.raises(DomainError, match="已办理"):
            services.flag_done(
                actor=officer_a, flag_id=flag.pk, done_on=date(2026, 11, 2), note="再"
            )


class TestFacts:
    def test_only_submitted_grades_count(self, city):
        cadre = CadreFactory(unit=city.county_a_dept)
        submitted_year(cadre, 2023, C)
        submitted_year(cadre, 2024, E)
        submitted_year(cadre, 2025, C)
        draft = AnnualSheetFactory(unit=city.county_a_dept, year=2026)
        AnnualAssessmentFactory(cadre=cadre, sheet=draft, year=2026, grade=E)
        today = date(2026, 11, 25)
        assert facts.annual_grades(cadre.pk, range(2020, 2027)) == {2023: C, 2024: E, 2025: C}
        assert facts.excellent_years(cadre.pk) == [2024]
        assert facts.recent_years(cadre.pk, today) == [2023, 2024, 2025]
        assert facts.annual_results_text(cadre.pk, today) == (
            "2023年度称职，2024年度优秀，2025年度称职"
        )
        draft.status = SheetStatus.SUBMITTED
        draft.save()
        assert facts.recent_years(cadre.pk, today) == [2024, 2025, 2026]
        assert facts.annual_grades(cadre.pk, []) == {}
