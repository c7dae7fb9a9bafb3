"""Services of the 容错纠错 case workflow: scope and pillar matrix, the method version that
applied, the deadline, every transition and its refusals, evidence, concurrency, and the
tolerated-findings fact (TOL-5)."""

import threading
from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.utils import timezone

from apps.accounts.models import ManagedBy
from apps.accounts.tests.factories import UserFactory, grant
from apps.cadres.tests.factories import CadreFactory
from apps.core.exceptions import DomainError, OutOfScopeError, StaleVersionError
from apps.core.models import AuditEvent, AuditOutcome, RuleParameter
from apps.core.scope import Pillar
from apps.tolerance.constants import CaseStage, ListKind, Outcome
from apps.tolerance.models import CaseEvidence, Correction, ToleranceCase
from apps.tolerance.rules_cases import Checklist, CorrectionInput
from apps.tolerance.selectors import ToleratedFinding, tolerated_findings
from apps.tolerance.selectors_cases import case_stats
from apps.tolerance.services import cases as services
from apps.tolerance.services.cases import CaseApplication
from apps.tolerance.tests.factories import (
    ToleranceCaseFactory,
    ToleranceListFactory,
    ToleranceMethodFactory,
)

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 15)
PDF = b"%PDF-1.4\n"
CHECKLIST = Checklist(
    d1_inexperience=True,
    d1_reason="首次推行容缺审批，缺乏经验",
    d2_not_prohibited=True,
    d2_reason="上级未明确禁止容缺受理",
    d3_no_personal_gain=True,
    d3_reason="为赶工期推动项目落地，未谋私利",
    c1_not_prohibited=True,
    c2_pilot_unintentional=True,
    c3_force_majeure=False,
    c4_loss_mitigated=True,
    c5_democratic_procedure=True,
    c6_no_improper_gain=True,
    is_repeat=False,
)
FIX = [CorrectionInput("补办用地审批手续", "县自然资源局", date(2026, 9, 30))]


def aware(d: date) -> datetime:
    return timezone.make_aware(datetime(d.year, d.month, d.day, 9))


def last_event(action: str) -> AuditEvent:
    event = AuditEvent.objects.filter(action=action).order_by("-id").first()
    assert event is not None, f"no audit event {action}"
    return event


@pytest.fixture
def world(city):
    """County A's published method (with lists) and an older city one; county B's method; a
    县管 cadre in each county."""
    city_method = ToleranceMethodFactory(
        unit=city.root, effective_from=date(2025, 1, 1), published_at=aware(date(2024, 12, 1))
    )
    method = ToleranceMethodFactory(
        unit=city.county_a, effective_from=date(2026, 1, 1), published_at=aware(date(2025, 12, 1))
    )
    method_b = ToleranceMethodFactory(
        unit=city.county_b, effective_from=date(2026, 1, 1), published_at=aware(date(2025, 12, 1))
    )
    return {
        "city_method": city_method,
        "method": method,
        "method_b": method_b,
        "pos": ToleranceListFactory(method=method, kind=ListKind.POSITIVE, code="Z1"),
        "neg": ToleranceListFactory(
            method=method, kind=ListKind.NEGATIVE, code="F1", text="为个人谋取私利的"
        ),
        "pos_b": ToleranceListFactory(method=method_b, kind=ListKind.POSITIVE, code="Z1"),
        "a": CadreFactory(name="张伟", unit=city.county_a_town, managed_by=ManagedBy.COUNTY),
        "b": CadreFactory(name="张敏", unit=city.county_b_dept, managed_by=ManagedBy.COUNTY),
    }


def application(**kw) -> CaseApplication:
    values = {
        "applicant": "cadre",
        "applicant_name": "张伟",
        "applied_on": date(2026, 3, 10),
        "notified_on": date(2026, 3, 1),
        "area": "key_project",
        "matter": "项目审批中为赶工期简化了部分程序，造成一定损失",
        "reasons": "属于先行先试",
    }
    values.update(kw)
    return CaseApplication(**values)


def advance(actor, case: ToleranceCase, stage: str, **kw) -> ToleranceCase:
    """Walk a case through the workflow up to `stage` (services, in order)."""
    steps = [
        (
            CaseStage.ACCEPTED,
            lambda v: services.case_accept(
                actor=actor, case_id=case.pk, expected_version=v, today=TODAY
            ),
        ),
        (
            CaseStage.VERIFIED,
            lambda v: services.case_verify(
                actor=actor, case_id=case.pk, expected_version=v, notes="已核实", today=TODAY
            ),
        ),
        (
            CaseStage.DETERMINED,
            lambda v: services.case_determine(
                actor=actor,
                case_id=case.pk,
                expected_version=v,
                checklist=kw.get("checklist", CHECKLIST),
                positive_item_ids=kw.get("positive", []),
                negative_item_ids=kw.get("negative", []),
                today=TODAY,
            ),
        ),
        (
            CaseStage.CONCLUDED,
            lambda v: services.case_conclude(
                actor=actor,
                case_id=case.pk,
                expected_version=v,
                outcome=kw.get("outcome", Outcome.TOLERATED),
                conclusion="经集体研究认定，综合考虑动机态度、客观条件和挽回损失情况，作出本结论",
                corrections=FIX,
                today=TODAY,
            ),
        ),
    ]
    for target, step in steps:
        if case.stage == stage:
            break
        case = step(case.version)
        assert case.stage == target
    return case


@pytest.fixture
def case(tol_officer_a, world):
    return services.case_apply(
        actor=tol_officer_a, cadre_id=world["a"].pk, data=application(), today=TODAY
    )


class TestApply:
    def test_creates_case_with_the_method_that_applied(self, tol_officer_a, world, case):
        assert case.stage == CaseStage.APPLIED and case.version == 1
        assert case.unit == world["a"].unit
        assert case.method == world["method"]  # nearest unit on the path wins over the city's
        event = last_event("tolerance.case.apply")
        assert event.actor == tol_officer_a and event.target_id == str(case.pk)
        assert event.detail["deadline_days"] == 30

    def test_method_version_by_effective_date_and_publication(self, tol_officer_a, world, city):
        ToleranceMethodFactory(unit=city.county_a, effective_from=date(2026, 5, 1))  # unpublished
        later = ToleranceMethodFactory(
            unit=city.county_a, effective_from=date(2026, 4, 1), published_at=aware(TODAY)
        )
        before = services.case_apply(
            actor=tol_officer_a, cadre_id=world["a"].pk, data=application(), today=TODAY
        )
        assert before.method == world["method"]
        on_the_day = services.case_apply(
            actor=tol_officer_a,
            cadre_id=world["a"].pk,
            data=application(applied_on=date(2026, 4, 1), notified_on=date(2026, 3, 20)),
            today=TODAY,
        )
        assert on_the_day.method == later
        early = services.case_apply(
            actor=tol_officer_a,
            cadre_id=world["a"].pk,
            data=application(applied_on=date(2025, 12, 20), notified_on=None),
            today=TODAY,
        )
        assert early.method == world["city_method"]  # county A's first version not yet in force

    def test_deadline_last_day_allowed_day_after_refused(self, tol_officer_a, world):
        ok = application(applied_on=date(2026, 3, 31))
        services.case_apply(actor=tol_officer_a, cadre_id=world["a"].pk, data=ok, today=TODAY)
        late = application(applied_on=date(2026, 4, 1))
        with pytest.raises(DomainError, match="已超过申请期限") as exc:
            services.case_apply(actor=tol_officer_a, cadre_id=world["a"].pk, data=late, today=TODAY)
        assert exc.value.code == "deadline_passed" and "applied_on" in exc.value.fields
        assert "2026-03-31" in exc.value.message

    def test_late_with_override_reason_is_kept(self, tol_officer_a, world):
        late = application(
            applied_on=date(2026, 4, 20), deadline_override_reason="因疫情隔离未能及时申请"
        )
        case = services.case_apply(
            actor=tol_officer_a, cadre_id=world["a"].pk, data=late, today=TODAY
        )
        assert "【逾期受理理由】因疫情隔离未能及时申请" in case.reasons
        detail = last_event("tolerance.case.apply").detail
        assert detail["deadline_override_reason"] == "因疫情隔离未能及时申请"

    def test_local_parameter_changes_the_deadline(self, tol_officer_a, world):
        RuleParameter.objects.create(
            key="tolerance.application_deadline_days",
            value=10,
            effective_from=date(2026, 1, 1),
            source="县委办〔2026〕1号",
        )
        with pytest.raises(DomainError, match="10天"):
            services.case_apply(
                actor=tol_officer_a,
                cadre_id=world["a"].pk,
                data=application(applied_on=date(2026, 3, 12)),
                today=TODAY,
            )

    @pytest.mark.parametrize(
        ("kw", "field"),
        [
            ({"applied_on": TODAY + timedelta(days=1)}, "applied_on"),
            ({"notified_on": date(2026, 3, 11)}, "notified_on"),
            ({"matter": "  "}, "matter"),
            ({"applicant": "x"}, "applicant"),
        ],
    )
    def test_bad_input(self, tol_officer_a, world, kw, field):
        with pytest.raises(DomainError) as exc:
            services.case_apply(
                actor=tol_officer_a, cadre_id=world["a"].pk, data=application(**kw), today=TODAY
            )
        assert field in exc.value.fields

    @pytest.mark.parametrize(
        "who", ["officer_a", "pillar_officer_b", "pillar_leader_a", "leader_a", "officer_city"]
    )
    def test_only_the_pillar_officer_in_scope(self, request, world, who):
        actor = request.getfixturevalue(who)
        with pytest.raises(OutOfScopeError):
            services.case_apply(actor=actor, cadre_id=world["a"].pk, data=application())
        assert not ToleranceCase.objects.exists()

    def test_pillar_officer_b_applies_for_own_county(self, pillar_officer_b, world):
        case = services.case_apply(
            actor=pillar_officer_b, cadre_id=world["b"].pk, data=application(), today=TODAY
        )
        assert case.method == world["method_b"]


class TestTransitions:
    def test_full_workflow_audited(self, tol_officer_a, world, case):
        case = advance(tol_officer_a, case, CaseStage.CONCLUDED, positive=[world["pos"].pk])
        assert case.version == 5
        assert case.accepted_by == tol_officer_a and case.determined_by == tol_officer_a
        assert list(case.positive_items.all()) == [world["pos"]]
        correction = case.corrections.get()
        assert correction.owner == "县自然资源局"
        services.correction_done(
            actor=tol_officer_a,
            correction_id=correction.pk,
            done_on=TODAY,
            note="已补办",
            today=TODAY,
        )
        case = services.case_close(
            actor=tol_officer_a, case_id=case.pk, expected_version=case.version, today=TODAY
        )
        assert case.stage == CaseStage.CLOSED and case.closed_on == TODAY
        actions = list(
            AuditEvent.objects.filter(target_id=str(case.pk), action__startswith="tolerance.case.")
            .order_by("id")
            .values_list("action", flat=True)
        )
        assert actions == [
            "tolerance.case.apply",
            "tolerance.case.accept",
            "tolerance.case.verify",
            "tolerance.case.determine",
            "tolerance.case.conclude",
            "tolerance.case.close",
        ]
        assert last_event("tolerance.case.determine").detail["suggested_outcome"] == "tolerated"
        assert last_event("tolerance.correction.done").detail["case"] == case.pk

    def test_not_accept_needs_reason_and_ends_the_case(self, tol_officer_a, case):
        with pytest.raises(DomainError, match="请填写不予受理理由"):
            services.case_not_accept(
                actor=tol_officer_a, case_id=case.pk, expected_version=1, reason=" "
            )
        case = services.case_not_accept(
            actor=tol_officer_a, case_id=case.pk, expected_version=1, reason="不属于容错范围"
        )
        assert case.stage == CaseStage.NOT_ACCEPTED
        with pytest.raises(DomainError, match="已不予受理"):
            services.case_accept(actor=tol_officer_a, case_id=case.pk, expected_version=2)

    def test_conclusion_before_determination_refused(self, tol_officer_a, case):
        case = advance(tol_officer_a, case, CaseStage.VERIFIED)
        with pytest.raises(DomainError, match="尚未完成认定，不能作出结论"):
            services.case_conclude(
                actor=tol_officer_a,
                case_id=case.pk,
                expected_version=case.version,
                outcome=Outcome.TOLERATED,
                conclusion="予以容错",
                corrections=FIX,
                today=TODAY,
            )

    @pytest.mark.parametrize(
        "who", ["officer_a", "pillar_officer_b", "pillar_leader_a", "sanctions_officer_a"]
    )
    def test_others_cannot_act(self, request, case, who):
        actor = request.getfixturevalue(who)
        with pytest.raises(OutOfScopeError):
            services.case_accept(actor=actor, case_id=case.pk, expected_version=1, today=TODAY)
        case.refresh_from_db()
        assert case.stage == CaseStage.APPLIED and case.version == 1

    def test_dates_checked(self, tol_officer_a, case):
        with pytest.raises(DomainError, match="受理日期不能早于2026-03-10"):
            services.case_accept(
                actor=tol_officer_a,
                case_id=case.pk,
                expected_version=1,
                accepted_on=date(2026, 3, 9),
                today=TODAY,
            )
        with pytest.raises(DomainError, match="不能晚于今天"):
            services.case_accept(
                actor=tol_officer_a,
                case_id=case.pk,
                expected_version=1,
                accepted_on=TODAY + timedelta(days=1),
                today=TODAY,
            )


class TestDetermine:
    def _determine(self, actor, case, **kw):
        values = {"checklist": CHECKLIST, "today": TODAY}
        values.update(kw)
        return services.case_determine(
            actor=actor, case_id=case.pk, expected_version=case.version, **values
        )

    def test_incomplete_checklist_refused(self, tol_officer_a, case):
        case = advance(tol_officer_a, case, CaseStage.VERIFIED)
        bad = replace(CHECKLIST, d2_reason="", c4_loss_mitigated=None)
        with pytest.raises(DomainError) as exc:
            self._determine(tol_officer_a, case, checklist=bad)
        assert set(exc.value.fields) == {"d2_reason", "c4_loss_mitigated"}
        case.refresh_from_db()
        assert case.stage == CaseStage.VERIFIED

    def test_items_from_another_method_version_refused(self, tol_officer_a, world, case, city):
        case = advance(tol_officer_a, case, CaseStage.VERIFIED)
        newer = ToleranceMethodFactory(
            unit=city.county_a, effective_from=date(2026, 5, 1), published_at=aware(TODAY)
        )
        newer_item = ToleranceListFactory(method=newer, kind=ListKind.POSITIVE)
        for foreign in (world["pos_b"].pk, newer_item.pk):
            with pytest.raises(DomainError, match="不属于该案件适用的办法版本") as exc:
                self._determine(tol_officer_a, case, positive_item_ids=[foreign])
            assert "positive_items" in exc.value.fields
        with pytest.raises(DomainError, match="不属于"):  # a negative entry offered as positive
            self._determine(tol_officer_a, case, positive_item_ids=[world["neg"].pk])

    def test_negative_match_suggests_not_tolerated(self, tol_officer_a, world, case):
        case = advance(tol_officer_a, case, CaseStage.VERIFIED)
        case = self._determine(tol_officer_a, case, negative_item_ids=[world["neg"].pk])
        assert list(case.negative_items.all()) == [world["neg"]]
        assert last_event("tolerance.case.determine").detail["suggested_outcome"] == (
            "not_tolerated"
        )

    def test_no_method_no_items(self, tol_officer_a, city):
        cadre = CadreFactory(unit=city.county_a_dept, managed_by=ManagedBy.COUNTY)
        case = ToleranceCaseFactory(cadre=cadre, stage=CaseStage.VERIFIED, verified_on=TODAY)
        with pytest.raises(DomainError, match="没有适用的容错纠错办法"):
            self._determine(tol_officer_a, case, positive_item_ids=[1])
        case = self._determine(tol_officer_a, case)
        assert case.stage == CaseStage.DETERMINED and case.method is None


class TestConclude:
    def _conclude(self, actor, case, **kw):
        values = {
            "outcome": Outcome.TOLERATED,
            "conclusion": "符合容错情形，予以免责",
            "corrections": FIX,
            "today": TODAY,
        }
        values.update(kw)
        return services.case_conclude(
            actor=actor, case_id=case.pk, expected_version=case.version, **values
        )

    def test_without_corrections_refused(self, tol_officer_a, case):
        case = advance(tol_officer_a, case, CaseStage.DETERMINED)
        with pytest.raises(DomainError, match="作出结论时须同时明确纠错措施"):
            self._conclude(tol_officer_a, case, corrections=[])
        case.refresh_from_db()
        assert case.stage == CaseStage.DETERMINED and not case.corrections.exists()

    def test_correction_due_before_conclusion_refused(self, tol_officer_a, case):
        case = advance(tol_officer_a, case, CaseStage.DETERMINED)
        early = [CorrectionInput("整改", "县发改局", TODAY - timedelta(days=1))]
        with pytest.raises(DomainError, match="不能早于结论日期"):
            self._conclude(tol_officer_a, case, corrections=early)
        same_day = [CorrectionInput("整改", "县发改局", TODAY)]
        case = self._conclude(tol_officer_a, case, corrections=same_day)
        assert case.corrections.get().due_on == TODAY

    def test_against_the_suggestion_needs_a_longer_reason(self, tol_officer_a, case):
        case = advance(tol_officer_a, case, CaseStage.DETERMINED)
        with pytest.raises(DomainError, match="不少于20字"):
            self._conclude(
                tol_officer_a, case, outcome=Outcome.NOT_TOLERATED, conclusion="不予容错"
            )
        reason = "经集体研究，该失误造成重大损失且社会影响恶劣，虽满足条件仍不予容错"
        case = self._conclude(tol_officer_a, case, outcome=Outcome.NOT_TOLERATED, conclusion=reason)
        assert case.outcome == Outcome.NOT_TOLERATED
        detail = last_event("tolerance.case.conclude").detail
        assert detail["against_suggestion"] is True and detail["suggested_outcome"] == "tolerated"

    def test_two_reviewers_one_wins(self, tol_officer_a, case, city):
        other = UserFactory(username="tol_officer_a2", full_name="甲县容错纠错复核员")
        grant(other, city.county_a, levels=[ManagedBy.COUNTY], pillars=[Pillar.TOLERANCE])
        case = advance(tol_officer_a, case, CaseStage.DETERMINED)
        seen = case.version
        self._conclude(other, case)
        with pytest.raises(StaleVersionError) as exc:
            services.case_conclude(
                actor=tol_officer_a,
                case_id=case.pk,
                expected_version=seen,
                outcome=Outcome.PARTLY,
                conclusion="部分容错，从轻处理，理由是其主动挽回了大部分损失",
                corrections=FIX,
                today=TODAY,
            )
        message = exc.value.message
        assert "甲县容错纠错复核员" in message and "作出结论" in message
        assert timezone.localdate().strftime("%Y-%m-%d") in message
        assert exc.value.changes["outcome"] == ("", "tolerated")
        case.refresh_from_db()
        assert case.outcome == Outcome.TOLERATED and case.corrections.count() == 1


class TestCorrectionsAndClose:
    @pytest.fixture
    def concluded(self, tol_officer_a, case):
        return advance(tol_officer_a, case, CaseStage.CONCLUDED)

    def test_close_refused_while_a_correction_is_pending(self, tol_officer_a, concluded):
        with pytest.raises(DomainError, match="尚有1项纠错措施未完成，不能办结"):
            services.case_close(
                actor=tol_officer_a, case_id=concluded.pk, expected_version=concluded.version
            )

    def test_done_checks(self, tol_officer_a, officer_a, pillar_officer_b, concluded):
        correction = concluded.corrections.get()
        for other in (officer_a, pillar_officer_b):
            with pytest.raises(OutOfScopeError):
                services.correction_done(
                    actor=other, correction_id=correction.pk, done_on=TODAY, note="完成"
                )
        with pytest.raises(DomainError, match="完成日期不能早于"):
            services.correction_done(
                actor=tol_officer_a,
                correction_id=correction.pk,
                done_on=TODAY - timedelta(days=1),
                note="完成",
                today=TODAY,
            )
        with pytest.raises(DomainError, match="请填写完成情况"):
            services.correction_done(
                actor=tol_officer_a,
                correction_id=correction.pk,
                done_on=TODAY,
                note="",
                today=TODAY,
            )
        services.correction_done(
            actor=tol_officer_a,
            correction_id=correction.pk,
            done_on=TODAY,
            note="完成",
            today=TODAY,
        )
        with pytest.raises(DomainError, match="已于2026-06-15登记完成"):
            services.correction_done(
                actor=tol_officer_a,
                correction_id=correction.pk,
                done_on=TODAY,
                note="完成",
                today=TODAY,
            )


class TestEvidence:
    def test_upload_types_and_size(self, tol_officer_a, case):
        pdf = SimpleUploadedFile("核实笔录.pdf", PDF + b"x")
        evidence = services.evidence_add(actor=tol_officer_a, case_id=case.pk, upload=pdf)
        assert evidence.name == "核实笔录.pdf" and evidence.file.name.endswith(".pdf")
        mp3 = SimpleUploadedFile("谈话录音.mp3", b"ID3\x03\x00" + b"\x00" * 10)
        services.evidence_add(actor=tol_officer_a, case_id=case.pk, upload=mp3)
        with pytest.raises(DomainError, match="不支持的文件类型"):
            services.evidence_add(
                actor=tol_officer_a, case_id=case.pk, upload=SimpleUploadedFile("a.exe", b"MZ")
            )
        with pytest.raises(DomainError, match="文件内容与扩展名"):
            services.evidence_add(
                actor=tol_officer_a, case_id=case.pk, upload=SimpleUploadedFile("a.pdf", b"MZ")
            )
        limit = 20 * 1024 * 1024
        too_big = SimpleUploadedFile("big.pdf", PDF + b"\x00" * (limit + 1 - len(PDF)))
        with pytest.raises(DomainError, match="20MB"):
            services.evidence_add(actor=tol_officer_a, case_id=case.pk, upload=too_big)
        assert CaseEvidence.objects.count() == 2

    def test_no_evidence_after_conclusion(self, tol_officer_a, case):
        case = advance(tol_officer_a, case, CaseStage.CONCLUDED)
        with pytest.raises(DomainError, match="不能再添加核实材料"):
            services.evidence_add(
                actor=tol_officer_a, case_id=case.pk, upload=SimpleUploadedFile("a.pdf", PDF)
            )

    def test_open_is_audited_and_scoped(
        self, tol_officer_a, officer_a, pillar_officer_b, pillar_leader_a, case
    ):
        evidence = services.evidence_add(
            actor=tol_officer_a, case_id=case.pk, upload=SimpleUploadedFile("a.pdf", PDF)
        )
        assert services.evidence_open(actor=pillar_leader_a, evidence_id=evidence.pk) == evidence
        assert last_event("tolerance.evidence.download").actor == pillar_leader_a
        for other in (officer_a, pillar_officer_b):
            with pytest.raises(OutOfScopeError):
                services.evidence_open(actor=other, evidence_id=evidence.pk)
            event = last_event("tolerance.evidence.download")
            assert event.outcome == AuditOutcome.DENIED and event.actor == other


class TestToleratedFindings:
    """TOL-5: the facts assessment and selection must not hold against the cadre."""

    def test_tolerated_and_partly_only_when_decided(self, tol_officer_a, world, city):
        cadre = world["a"]
        made = {}
        for outcome in (Outcome.TOLERATED, Outcome.PARTLY, Outcome.NOT_TOLERATED):
            case = services.case_apply(
                actor=tol_officer_a, cadre_id=cadre.pk, data=application(), today=TODAY
            )
            made[outcome] = advance(tol_officer_a, case, CaseStage.CONCLUDED, outcome=outcome)
        pending = services.case_apply(
            actor=tol_officer_a, cadre_id=cadre.pk, data=application(), today=TODAY
        )
        advance(tol_officer_a, pending, CaseStage.DETERMINED)
        ToleranceCaseFactory(cadre=world["b"], outcome=Outcome.TOLERATED, concluded_on=TODAY)
        findings = tolerated_findings(cadre.pk)
        assert {f.case_id for f in findings} == {
            made[Outcome.TOLERATED].pk,
            made[Outcome.PARTLY].pk,
        }
        first = next(f for f in findings if f.case_id == made[Outcome.TOLERATED].pk)
        assert first == ToleratedFinding(
            case_id=made[Outcome.TOLERATED].pk,
            cadre_id=cadre.pk,
            outcome="tolerated",
            matter="项目审批中为赶工期简化了部分程序，造成一定损失",
            concluded_on=TODAY,
        )

    def test_closed_counts_and_long_matter_is_summarised(self, world):
        ToleranceCaseFactory(
            cadre=world["a"],
            stage=CaseStage.CLOSED,
            outcome=Outcome.PARTLY,
            concluded_on=date(2026, 5, 1),
            matter="长" * 100,
        )
        (finding,) = tolerated_findings(world["a"].pk)
        assert finding.outcome == "partly" and len(finding.matter) == 60
        assert finding.matter.endswith("…")
        assert tolerated_findings(world["b"].pk) == []

    def test_outcome_without_conclusion_stage_ignored(self, world):
        ToleranceCaseFactory(cadre=world["a"], stage=CaseStage.DETERMINED, outcome="tolerated")
        assert tolerated_findings(world["a"].pk) == []


def test_corrections_are_scoped_by_the_case(tol_officer_a, officer_a, case):
    case = advance(tol_officer_a, case, CaseStage.CONCLUDED)
    assert Correction.objects.visible_to(tol_officer_a).count() == 1
    assert Correction.objects.visible_to(officer_a).count() == 0


@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks across connections")
@pytest.mark.django_db(transaction=True)
def test_simultaneous_conclusions_one_wins(tol_officer_a, case, city):
    """Two reviewers submit a conclusion for the same case at the same moment: the row lock
    serialises them, the second sees the new version and is told who decided."""
    other = UserFactory(username="tol_officer_a2", full_name="甲县容错纠错复核员")
    grant(other, city.county_a, levels=[ManagedBy.COUNTY], pillars=[Pillar.TOLERANCE])
    case = advance(tol_officer_a, case, CaseStage.DETERMINED)
    seen, barrier, results = case.version, threading.Barrier(2), {}

    def decide(user, outcome: str) -> None:
        try:
            barrier.wait(timeout=10)
            services.case_conclude(
                actor=user,
                case_id=case.pk,
                expected_version=seen,
                outcome=outcome,
                conclusion="经集体研究认定，综合考虑动机态度、客观条件和挽回损失情况，作出本结论",
                corrections=FIX,
                today=TODAY,
            )
            results[user.username] = "won"
        except StaleVersionError as exc:
            results[user.username] = exc.message
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=decide, args=(tol_officer_a, Outcome.TOLERATED)),
        threading.Thread(target=decide, args=(other, Outcome.PARTLY)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(results) == ["tol_officer_a", "tol_officer_a2"]
    winners = [name for name, result in results.items() if result == "won"]
    assert len(winners) == 1
    loser = next(name for name in results if name not in winners)
    winner_name = "甲县容错纠错专员" if winners[0] == "tol_officer_a" else "甲县容错纠错复核员"
    assert winner_name in results[loser] and "作出结论" in results[loser]
    case.refresh_from_db()
    assert case.stage == CaseStage.CONCLUDED and case.corrections.count() == 1


def test_case_stats_scoped(tol_officer_a, pillar_officer_b, officer_a, world):

    ToleranceCaseFactory(
        cadre=world["a"],
        stage=CaseStage.CONCLUDED,
        outcome=Outcome.TOLERATED,
        applied_on=date(2026, 3, 1),
        accepted_on=date(2026, 3, 3),
        verified_on=date(2026, 3, 13),
        determined_on=date(2026, 3, 14),
        concluded_on=date(2026, 3, 20),
    )
    late = ToleranceCaseFactory(cadre=world["a"], stage=CaseStage.CONCLUDED, outcome="partly")
    Correction.objects.create(case=late, measure="整改", owner="县发改局", due_on=date(2026, 6, 1))
    ToleranceCaseFactory(cadre=world["b"])
    stats = case_stats(actor=tol_officer_a, today=TODAY)
    assert stats.total == 2
    assert {k: n for k, _, n in stats.by_stage}["concluded"] == 2
    assert {k: n for k, _, n in stats.by_outcome} == {
        "tolerated": 1,
        "partly": 1,
        "not_tolerated": 0,
    }
    assert stats.average_days[0] == ("受理", 2.0, 1)
    assert stats.overdue_corrections == 1
    assert case_stats(actor=pillar_officer_b, today=TODAY).total == 1
    assert case_stats(actor=officer_a, today=TODAY).total == 0
