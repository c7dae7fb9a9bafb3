"""Redaction of typical cases: the pure replacements and findings, the draft made from a
concluded case, and the warning list that blocks publishing until a reviewer confirms."""

import pytest
from django.test import Client
from django.urls import reverse

from apps.cadres.tests.factories import CadreFactory
from apps.core.exceptions import DomainError, OutOfScopeError
from apps.core.models import AuditEvent
from apps.tolerance.constants import Applicant, CaseStage, CaseStatus, Distinction, Outcome
from apps.tolerance.models import TypicalCase
from apps.tolerance.redaction import (
    ID_NUMBER_PLACEHOLDER,
    PHONE_PLACEHOLDER,
    identifying_findings,
    redact,
    unit_placeholder,
)
from apps.tolerance.selectors_library import typical_findings
from apps.tolerance.services.library import (
    TypicalInput,
    content_digest,
    input_of,
    typical_draft_from_case,
    typical_publish,
    typical_update,
)
from apps.tolerance.tests.factories import ToleranceCaseFactory

pytestmark = pytest.mark.django_db
ID_NUMBER = "53060219800517123X"


class TestRedact:
    @pytest.mark.parametrize(
        ("name", "placeholder"),
        [
            ("甲县", "某县"),
            ("甲县财政局", "某局"),
            ("甲县城关镇", "某镇"),
            ("示范市委", "某市委"),
            ("乙县人民政府", "某县人民政府"),
            ("城关街道办事处", "某街道办事处"),
            ("光明村", "某村"),
            ("县", "某单位"),
            ("某某协会联合", "某单位"),
        ],
    )
    def test_unit_placeholders(self, name, placeholder):
        assert unit_placeholder(name) == placeholder

    def test_names_units_numbers(self):
        text = (
            "张伟同志（身份证号53060219800517123X，手机138-1234-5678，办公电话0871-63123456）"
            "任甲县财政局副局长，与李娜、王强在甲县城关镇推进项目，甲县县委同意。"
        )
        result = redact(
            text, names=["张伟", "李娜", "王强"], units=["甲县", "甲县财政局", "甲县城关镇"]
        )
        assert result == (
            f"某同志（身份证号{ID_NUMBER_PLACEHOLDER}，手机{PHONE_PLACEHOLDER}，"
            f"办公电话{PHONE_PLACEHOLDER}）任某局副局长，与某甲、某乙在某镇推进项目，"
            "某县县委同意。"
        )

    def test_leaves_other_numbers_and_placeholders_alone(self):
        text = "项目投资12345678元，文号甲发〔2026〕3号，日期20260301，某同志"
        assert redact(text, names=["某同志", "张"]) == text
        assert redact("编号123456789012345678901") == "编号123456789012345678901"

    def test_single_characters_are_not_names(self):
        assert redact("王局长说", names=["王"]) == "王局长说"

    def test_findings(self):
        text = f"张伟在甲县工作，身份证{ID_NUMBER}，电话１３８１２３４５６７８"
        findings = identifying_findings(text, names=["张伟", "李娜"], units=["甲县", "乙县"])
        assert [(f.kind, f.value) for f in findings] == [
            ("id_number", ID_NUMBER),
            ("phone", "13812345678"),
            ("name", "张伟"),
            ("unit", "甲县"),
        ]
        assert identifying_findings(redact(text, ["张伟"], ["甲县"]), ["张伟"], ["甲县"]) == []


@pytest.fixture
def concluded(city):
    cadre = CadreFactory(name="张伟", unit=city.county_a_dept)
    return ToleranceCaseFactory(
        cadre=cadre,
        applicant=Applicant.CADRE,
        applicant_name="张伟",
        matter=(
            f"张伟同志（身份证号{ID_NUMBER}，电话13812345678）在甲县财政局牵头项目审批，"
            "为赶工期与刘洋简化了程序，甲县城关镇配合。"
        ),
        stage=CaseStage.CONCLUDED,
        outcome=Outcome.TOLERATED,
        conclusion="张伟同志的失误属于先行先试，予以容错。",
        d2_not_prohibited=True,
        d2_reason="上级无明确限制",
    )


class TestDraftFromCase:
    def test_prefilled_and_redacted(self, tol_officer_a, concluded, city):
        draft = typical_draft_from_case(
            actor=tol_officer_a, case_id=concluded.pk, extra_names=["刘洋"]
        )
        assert draft.status == CaseStatus.DRAFT and draft.source_case == concluded
        assert draft.unit == city.county_a  # the county reads it, not only the bureau
        assert draft.distinction == Distinction.EXPLORATION
        assert draft.situation == (
            f"某同志（身份证号{ID_NUMBER_PLACEHOLDER}，电话{PHONE_PLACEHOLDER}）在某局牵头项目审批，"
            "为赶工期与某甲简化了程序，某镇配合。"
        )
        assert "某同志的失误属于先行先试" in draft.decision
        assert "容错（免责）" in draft.decision and "上级无明确限制" in draft.decision
        assert "张伟" not in draft.search_text and "项目审批" in draft.search_text
        assert typical_findings(tol_officer_a, draft) == []
        event = AuditEvent.objects.get(action="tolerance.typical.draft_from_case")
        assert event.detail == {"case": concluded.pk, "extra_names": 1}

    def test_case_must_be_concluded(self, tol_officer_a, city):
        case = ToleranceCaseFactory(cadre=CadreFactory(unit=city.county_a_dept))
        with pytest.raises(DomainError, match="已作出结论"):
            typical_draft_from_case(actor=tol_officer_a, case_id=case.pk)
        assert not TypicalCase.objects.exists()

    def test_needs_pillar_and_change_scope(
        self, officer_a, pillar_leader_a, pillar_officer_b, concluded
    ):
        for actor in (officer_a, pillar_leader_a, pillar_officer_b):
            with pytest.raises(OutOfScopeError):
                typical_draft_from_case(actor=actor, case_id=concluded.pk)
        assert not TypicalCase.objects.exists()


class TestWarningsBlockPublishing:
    def _with_text(self, actor, typical, situation):
        data = input_of(typical)
        data = TypicalInput(**{**data.__dict__, "situation": situation, "lesson": "要敢于担当"})
        return typical_update(actor=actor, typical_id=typical.pk, data=data)

    def test_colleague_name_id_and_phone_flagged(self, tol_officer_a, concluded, city):
        CadreFactory(name="王芳", unit=city.county_a_dept)
        draft = typical_draft_from_case(actor=tol_officer_a, case_id=concluded.pk)
        draft = self._with_text(
            tol_officer_a, draft, f"王芳与张伟在甲县研究，联系电话0871-63123456，{ID_NUMBER}"
        )
        kinds = {(f.kind, f.value) for f in typical_findings(tol_officer_a, draft)}
        assert kinds == {
            ("name", "王芳"),
            ("name", "张伟"),
            ("unit", "甲县"),
            ("phone", "0871-63123456"),
            ("id_number", ID_NUMBER),
        }
        with pytest.raises(DomainError) as exc:
            typical_publish(actor=tol_officer_a, typical_id=draft.pk)
        assert exc.value.code == "typical_identifying" and "manual_review" in exc.value.fields
        draft.refresh_from_db()
        assert draft.status == CaseStatus.DRAFT
        typical_publish(actor=tol_officer_a, typical_id=draft.pk, manual_review=True)
        draft.refresh_from_db()
        assert draft.status == CaseStatus.PUBLISHED and draft.reviewed_by == tol_officer_a
        event = AuditEvent.objects.get(action="tolerance.typical.publish")
        assert event.detail["manual_review"] is True
        assert "疑似干部姓名：王芳" in event.detail["warnings"]

    def test_clean_text_publishes_without_tick(self, tol_officer_a, concluded):
        draft = typical_draft_from_case(actor=tol_officer_a, case_id=concluded.pk)
        draft = self._with_text(tol_officer_a, draft, "某同志在某县推进项目审批。")
        typical_publish(actor=tol_officer_a, typical_id=draft.pk)
        event = AuditEvent.objects.get(action="tolerance.typical.publish")
        assert event.detail["manual_review"] is False and event.detail["warnings"] == []

    def test_lesson_required_before_publishing(self, tol_officer_a, concluded):
        draft = typical_draft_from_case(actor=tol_officer_a, case_id=concluded.pk)
        with pytest.raises(DomainError, match="启示"):
            typical_publish(actor=tol_officer_a, typical_id=draft.pk, manual_review=True)

    def test_preview_page_blocks_until_ticked(self, tol_officer_a, concluded, city):
        CadreFactory(name="王芳", unit=city.county_a_dept)
        draft = typical_draft_from_case(actor=tol_officer_a, case_id=concluded.pk)
        draft = self._with_text(tol_officer_a, draft, "王芳协助某同志推进项目。")
        client = Client()
        client.force_login(tol_officer_a)
        preview = client.get(reverse("tolerance:typical_preview", args=[draft.pk]))
        html = preview.content.decode()
        assert preview.status_code == 200
        assert "疑似干部姓名：王芳" in html and "王芳协助某同志推进项目。" in html
        assert content_digest(draft) in html
        url = reverse("tolerance:typical_publish", args=[draft.pk])
        refused = client.post(url, {"digest": content_digest(draft)})
        assert refused.status_code == 400 and "已人工复核" in refused.content.decode()
        draft.refresh_from_db()
        assert draft.status == CaseStatus.DRAFT
        ok = client.post(url, {"digest": content_digest(draft), "manual_review": "on"})
        assert ok.status_code == 302
        draft.refresh_from_db()
        assert draft.status == CaseStatus.PUBLISHED

    def test_publish_refused_when_changed_after_preview(self, tol_officer_a, concluded):
        draft = typical_draft_from_case(actor=tol_officer_a, case_id=concluded.pk)
        draft = self._with_text(tol_officer_a, draft, "某同志推进项目。")
        seen = content_digest(draft)
        self._with_text(tol_officer_a, draft, "某同志推进项目，另有补充。")
        with pytest.raises(DomainError, match="重新预览"):
            typical_publish(actor=tol_officer_a, typical_id=draft.pk, digest=seen)

    def test_draft_page_from_case(self, tol_officer_a, officer_a, concluded):
        url = reverse("tolerance:typical_draft_from_case", args=[concluded.pk])
        plain = Client()
        plain.force_login(officer_a)
        assert plain.post(url, {"extra_names": ""}).status_code == 403
        client = Client()
        client.force_login(tol_officer_a)
        assert client.get(url).status_code == 200
        response = client.post(url, {"extra_names": "刘洋、李四"})
        draft = TypicalCase.objects.get()
        assert response.status_code == 302
        assert response.url == reverse("tolerance:typical_edit", args=[draft.pk])
        assert "刘洋" not in draft.situation and "某甲" in draft.situation
