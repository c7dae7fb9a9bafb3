"""Inaction findings (不作为不担当认定, need-to-know `inaction` pillar): the reason list of
REUSE-NSX-5, the services (pillar, scope, decision versioned) and the need-to-know matrix of the
pages and the export."""

from datetime import date
from io import BytesIO

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from apps.accounts.models import ManagedBy, Role
from apps.accounts.tests.factories import UserFactory, grant
from apps.assessment.constants import InactionAdjustment, InactionSource
from apps.assessment.models import InactionFinding
from apps.assessment.services.inaction import (
    UNSUITABLE_REASONS,
    UNVERIFIED,
    inaction_add,
    inaction_decide,
    reason_label,
)
from apps.assessment.tests.factories import InactionFindingFactory
from apps.cadres.tests.factories import CadreFactory
from apps.core.exceptions import DomainError, OutOfScopeError, StaleVersionError
from apps.core.models import AuditEvent, AuditOutcome, Job, JobStatus
from apps.core.scope import Pillar

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def inaction_officer_b(city):
    user = UserFactory(username="inaction_officer_b", full_name="乙县干部监督专员")
    grant(user, city.county_b, levels=[ManagedBy.COUNTY], pillars=[Pillar.INACTION])
    return user


@pytest.fixture
def inaction_leader_a(city):
    user = UserFactory(username="inaction_leader_a", role=Role.LEADER)
    grant(user, city.county_a, levels=[ManagedBy.COUNTY], pillars=[Pillar.INACTION])
    return user


@pytest.fixture
def cadre_a(city):
    return CadreFactory(name="张伟", unit=city.county_a_dept, managed_by=ManagedBy.COUNTY)


@pytest.fixture
def findings(cadre_a, city):
    return {
        "a": InactionFindingFactory(cadre=cadre_a, reason_code=3),
        "a_decided": InactionFindingFactory(
            cadre=CadreFactory(name="王强", unit=city.county_a_town),
            reason_code=12,
            adjustment=InactionAdjustment.TRANSFER,
            decided_on=date(2026, 3, 1),
        ),
        "b": InactionFindingFactory(
            cadre=CadreFactory(name="李娜", unit=city.county_b_dept), reason_code=7
        ),
    }


class TestReasons:
    def test_fifteen_items_unverified_ones_marked(self):
        assert list(UNSUITABLE_REASONS) == list(range(1, 16))
        assert UNSUITABLE_REASONS[3] == "担当和斗争精神不强，在急难险重任务中消极逃避或应对处置不力"
        assert all(UNVERIFIED not in UNSUITABLE_REASONS[n] for n in range(1, 9))
        assert all(UNSUITABLE_REASONS[n].endswith(UNVERIFIED) for n in range(9, 16))
        assert reason_label(9) == "（9）第（9）项（条目表述待核实）"


class TestServices:
    def add(self, actor, cadre, **changes):
        values = {
            "source": InactionSource.ANNUAL,
            "found_on": date(2026, 2, 1),
            "reason_code": 3,
            "description": "在急难险重任务中消极逃避",
            "today": date(2026, 6, 30),
        }
        values.update(changes)
        return inaction_add(actor=actor, cadre_id=cadre.pk, **values)

    def test_pillar_officer_adds_audited(self, inaction_officer_a, cadre_a):
        finding = self.add(inaction_officer_a, cadre_a)
        assert finding.version == 1 and finding.created_by == inaction_officer_a
        event = AuditEvent.objects.get(action="assessment.inaction.add")
        assert event.detail["basis"] == "REUSE-NSX-5"

    def test_without_pillar_or_outside_scope_refused(
        self, officer_a, inaction_officer_b, inaction_leader_a, cadre_a
    ):
        for actor in (officer_a, inaction_officer_b, inaction_leader_a):
            with pytest.raises(OutOfScopeError):
                self.add(actor, cadre_a)
        assert not InactionFinding.objects.exists()

    def test_pillar_on_part_of_the_subtree_only(self, city, cadre_a):
        user = UserFactory()
        grant(user, city.county_a, levels=[ManagedBy.COUNTY])
        grant(user, city.county_a_town, levels=[ManagedBy.COUNTY], pillars=[Pillar.INACTION])
        with pytest.raises(OutOfScopeError):
            self.add(user, cadre_a)  # county A's department is outside the pillar grant
        assert not InactionFinding.objects.exists()
        town = CadreFactory(unit=city.county_a_town)
        assert self.add(user, town).cadre == town

    def test_validation(self, inaction_officer_a, cadre_a):
        with pytest.raises(DomainError) as exc:
            self.add(
                inaction_officer_a,
                cadre_a,
                source="rumour",
                reason_code=16,
                found_on=date(2026, 7, 1),
                description=" ",
            )
        assert set(exc.value.fields) == {"source", "reason_code", "found_on", "description"}

    def test_decide_versioned(self, inaction_officer_a, city, cadre_a):
        other = UserFactory(username="监督二科", full_name="甲县干部监督二科")
        grant(other, city.county_a, levels=[ManagedBy.COUNTY], pillars=[Pillar.INACTION])
        finding = self.add(inaction_officer_a, cadre_a)
        with pytest.raises(DomainError) as exc:
            inaction_decide(
                actor=inaction_officer_a,
                finding_id=finding.pk,
                expected_version=1,
                adjustment=InactionAdjustment.REMOVAL,
                decided_on=date(2026, 1, 31),
                today=date(2026, 6, 30),
            )
        assert "不能早于认定日期（2026-02-01）" in exc.value.fields["decided_on"]
        inaction_decide(
            actor=other,
            finding_id=finding.pk,
            expected_version=1,
            adjustment=InactionAdjustment.TRANSFER,
            decided_on=date(2026, 2, 1),
            today=date(2026, 6, 30),
        )
        with pytest.raises(StaleVersionError) as stale:
            inaction_decide(
                actor=inaction_officer_a,
                finding_id=finding.pk,
                expected_version=1,
                adjustment=InactionAdjustment.REMOVAL,
                decided_on=date(2026, 3, 1),
                today=date(2026, 6, 30),
            )
        assert "已被甲县干部监督二科修改" in stale.value.message
        assert stale.value.changes["adjustment"] == ("", "transfer")
        finding.refresh_from_db()
        assert finding.adjustment == "transfer" and finding.version == 2

    def test_decide_without_pillar_refused(self, officer_a, inaction_officer_b, findings):
        for actor in (officer_a, inaction_officer_b):
            with pytest.raises(OutOfScopeError):
                inaction_decide(
                    actor=actor,
                    finding_id=findings["a"].pk,
                    expected_version=1,
                    adjustment=InactionAdjustment.NONE,
                    decided_on=date(2026, 3, 1),
                )


class TestNeedToKnowMatrix:
    list_url = reverse("assessment:inaction_list")

    def names(self, response) -> set[str]:
        return {f.cadre.name for f, _ in response.context["rows"]}

    def test_plain_officer_gets_404_everywhere_audited(self, officer_a, findings, cadre_a):
        c = login(officer_a)
        detail = reverse("assessment:inaction_detail", args=[findings["a"].pk])
        for url in (
            self.list_url,
            reverse("assessment:inaction_create"),
            f"{reverse('assessment:inaction_create')}?cadre={cadre_a.pk}",
            detail,
        ):
            assert c.get(url).status_code == 404, url
        decide = reverse("assessment:inaction_decide", args=[findings["a"].pk])
        assert c.post(decide, {}).status_code == 404
        assert (
            AuditEvent.objects.filter(
                action="assessment.inaction.access", outcome=AuditOutcome.DENIED
            ).count()
            == 5
        )

    def test_pillar_officer_sees_own_county_only(self, inaction_officer_a, findings):
        c = login(inaction_officer_a)
        response = c.get(self.list_url)
        assert response.status_code == 200
        assert self.names(response) == {"张伟", "王强"}
        assert self.names(c.get(self.list_url, {"decided": "no"})) == {"张伟"}
        assert self.names(c.get(self.list_url, {"reason": 12})) == {"王强"}
        assert self.names(c.get(self.list_url, {"source": "routine"})) == set()
        detail = c.get(reverse("assessment:inaction_detail", args=[findings["a"].pk]))
        assert detail.status_code == 200 and detail.context["can_decide"]
        assert "担当和斗争精神不强" in detail.content.decode()
        event = AuditEvent.objects.get(action="assessment.inaction.view", outcome=AuditOutcome.OK)
        assert event.target_id == str(findings["a"].pk)
        foreign = reverse("assessment:inaction_detail", args=[findings["b"].pk])
        assert c.get(foreign).status_code == 404

    def test_other_countys_pillar_officer_404(self, inaction_officer_b, findings):
        c = login(inaction_officer_b)
        assert self.names(c.get(self.list_url)) == {"李娜"}
        detail = reverse("assessment:inaction_detail", args=[findings["a"].pk])
        assert c.get(detail).status_code == 404
        decide = reverse("assessment:inaction_decide", args=[findings["a"].pk])
        assert (
            c.post(
                decide, {"adjustment": "none", "decided_on": "2026-03-01", "version": 1}
            ).status_code
            == 404
        )
        assert AuditEvent.objects.filter(
            action="assessment.inaction.view", outcome=AuditOutcome.DENIED
        ).exists()

    def test_leader_with_pillar_reads_only(self, inaction_leader_a, leader_a, findings):
        c = login(inaction_leader_a)
        assert c.get(self.list_url).status_code == 200
        detail = c.get(reverse("assessment:inaction_detail", args=[findings["a"].pk]))
        assert detail.status_code == 200 and not detail.context["can_decide"]
        assert c.get(reverse("assessment:inaction_create")).status_code == 403
        decide = reverse("assessment:inaction_decide", args=[findings["a"].pk])
        assert c.post(decide, {}).status_code == 403
        assert login(leader_a).get(self.list_url).status_code == 404  # no pillar
        assert login(UserFactory(role=Role.AUDITOR)).get(self.list_url).status_code == 403

    def test_create_and_decide_pages(self, inaction_officer_a, cadre_a, city):
        c = login(inaction_officer_a)
        url = f"{reverse('assessment:inaction_create')}?cadre={cadre_a.pk}"
        page = c.get(url)
        assert page.status_code == 200 and "条目表述待核实" in page.content.decode()
        response = c.post(
            url,
            {
                "source": "research",
                "found_on": "2026-02-01",
                "reason_code": 8,
                "description": "所负责工作较长时间处于落后状态",
            },
        )
        assert response.status_code == 302
        finding = InactionFinding.objects.get()
        decide = reverse("assessment:inaction_decide", args=[finding.pk])
        data = {"adjustment": "rank_change", "decided_on": "2026-03-01", "version": 1}
        assert c.post(decide, data).status_code == 302
        stale = c.post(decide, {**data, "adjustment": "removal"})
        assert stale.status_code == 409 and "已被甲县干部监督专员修改" in stale.content.decode()
        finding.refresh_from_db()
        assert finding.adjustment == "rank_change" and finding.version == 2
        b_cadre = CadreFactory(unit=city.county_b_dept)
        foreign = f"{reverse('assessment:inaction_create')}?cadre={b_cadre.pk}"
        assert c.get(foreign).status_code == 404


def export(client, query, capture):
    with capture(execute=True):
        return client.post(reverse("jobs:list_export", args=["assessment-inaction"]) + query)


class TestExport:
    def test_only_for_the_pillar_and_scoped(
        self,
        officer_a,
        inaction_officer_a,
        inaction_officer_b,
        findings,
        django_capture_on_commit_callbacks,
    ):
        assert export(login(officer_a), "", django_capture_on_commit_callbacks).status_code == 403
        response = export(
            login(inaction_officer_a), "?decided=no", django_capture_on_commit_callbacks
        )
        assert response.status_code == 302
        job = Job.objects.latest("id")
        assert job.status == JobStatus.DONE
        with job.result_file.open("rb") as fh:
            rows = list(load_workbook(BytesIO(fh.read())).active.iter_rows(values_only=True))
        assert rows[0][:5] == ("姓名", "单位", "来源", "认定日期", "不适宜担任现职情形")
        assert [(r[0], r[6]) for r in rows[1:]] == [("张伟", "尚未决定")]
        export(login(inaction_officer_b), "", django_capture_on_commit_callbacks)
        job = Job.objects.latest("id")
        with job.result_file.open("rb") as fh:
            rows = list(load_workbook(BytesIO(fh.read())).active.iter_rows(values_only=True))
        assert [r[0] for r in rows[1:]] == ["李娜"]
