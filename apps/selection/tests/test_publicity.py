"""任前公示 (SEL-42-1, SEL-20-1): the notice's length and end on the work calendar, the minimum
read from the rule parameter in force, the 破格 reason, the result recorded only once the notice
has run, a stale form refused, an upheld objection withdrawing the promotion; the pages, the
printable notice, the reminders, the export, and county B's officer kept out everywhere."""

from datetime import date
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

import apps.selection.exports_procedure  # noqa: F401 (registers the list exports)
from apps.accounts.models import ManagedBy
from apps.accounts.tests.factories import UserFactory, grant
from apps.cadres.constants import RankGrade
from apps.cadres.tests.factories import CadreFactory
from apps.core.exceptions import DomainError, OutOfScopeError, StaleVersionError
from apps.core.models import AuditEvent, Job, JobStatus
from apps.core.rulesets import param_set
from apps.core.workdays import CalendarUnknownError
from apps.selection.constants import PromotionKind, PromotionStatus, PublicityOutcome
from apps.selection.models import ExceptionalPromotion, Publicity
from apps.selection.selectors_procedure import publicity_ending
from apps.selection.services.publicity import publicity_close, publicity_start
from apps.selection.tests.factories import PromotionFactory, PublicityFactory
from apps.selection.tests.test_workdays import work_calendar  # noqa: F401 (fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("work_calendar")]
D = date
TODAY = D(2026, 12, 1)
START = D(2026, 9, 30)


@pytest.fixture
def officer_b(city):
    user = UserFactory(username="officer_b", full_name="乙县干部科")
    grant(user, city.county_b, levels=[ManagedBy.COUNTY])
    return user


@pytest.fixture
def cadre(city):
    return CadreFactory(
        name="王建国", unit=city.county_a_dept, managed_by=ManagedBy.COUNTY, native_place="贵州遵义"
    )


@pytest.fixture
def promotion(cadre):
    return PromotionFactory(cadre=cadre, decision_date=D(2026, 9, 28))


def start(actor, promotion, on=START, **kwargs):
    return publicity_start(actor=actor, promotion_id=promotion.pk, start_date=on, **kwargs)


def close(actor, publicity, **kwargs):
    data = {
        "version": publicity.version,
        "outcome": PublicityOutcome.NO_OBJECTION,
        "feedback_count": 0,
        "feedback_summary": "",
        "closed_on": publicity.end_date,
        "today": TODAY,
        **kwargs,
    }
    return publicity_close(actor=actor, publicity_id=publicity.pk, **data)


class TestStart:
    def test_default_length_and_end_across_national_day(self, officer_a, promotion):
        publicity = start(officer_a, promotion, scope_text="在全县范围内公示")
        assert (publicity.working_days, publicity.end_date) == (5, D(2026, 10, 12))
        event = AuditEvent.objects.get(action="selection.publicity.start")
        assert event.actor == officer_a and event.detail["rule"] == "SEL-42-1"
        assert event.after["end_date"] == "2026-10-12"

    def test_longer_notice_and_start_on_a_holiday(self, officer_a, promotion):
        publicity = start(officer_a, promotion, on=D(2026, 10, 1), working_days=7)
        assert publicity.end_date == D(2026, 10, 15)  # 10-08, 09, 10(Sat), 12, 13, 14, 15

    def test_below_minimum_refused(self, officer_a, promotion):
        with pytest.raises(DomainError) as info:
            start(officer_a, promotion, working_days=4)
        assert info.value.fields["working_days"] == "公示期不少于5个工作日（SEL-42-1）"
        assert not Publicity.objects.exists()

    def test_minimum_read_from_the_parameter_in_force(self, officer_a, officer_city, promotion):
        param_set(
            actor=officer_city,
            key="selection.publicity_min_working_days",
            value=7,
            effective_from=D(2026, 10, 1),
            source="本市干部任前公示办法",
        )
        with pytest.raises(DomainError, match="不少于7个工作日"):
            start(officer_a, promotion, on=D(2026, 11, 2), working_days=5)
        publicity = start(officer_a, promotion, on=D(2026, 11, 2))
        assert (publicity.working_days, publicity.end_date) == (7, D(2026, 11, 10))

    def test_parameter_not_yet_in_force_on_the_start_date(self, officer_a, officer_city, promotion):
        param_set(
            actor=officer_city,
            key="selection.publicity_min_working_days",
            value=7,
            effective_from=D(2026, 10, 1),
            source="本市干部任前公示办法",
        )
        assert start(officer_a, promotion, on=D(2026, 9, 30)).working_days == 5

    def test_rank_promotion_reads_its_own_parameter(self, officer_a, officer_city, cadre):
        rank = PromotionFactory(
            cadre=cadre,
            kind=PromotionKind.RANK,
            post=None,
            target_tier="",
            target_rank=RankGrade.RESEARCHER_4,
            decision_date=D(2026, 9, 28),
        )
        param_set(
            actor=officer_city,
            key="selection.rank_publicity_min_working_days",
            value=6,
            effective_from=D(2026, 1, 1),
            source="本市职级晋升办法",
        )
        with pytest.raises(DomainError, match=r"不少于6个工作日（SEL-20-1）"):
            start(officer_a, rank, working_days=5)
        assert start(officer_a, rank).end_date == D(2026, 10, 13)

    def test_exceptional_reason_required(self, officer_a, cadre, promotion):
        promotion.exceptional = ExceptionalPromotion.objects.create(
            cadre=cadre,
            target_tier=promotion.target_tier,
            ground="crisis_performance",
            explanation="在抗洪抢险中表现突出",
            approved_on=D(2026, 9, 20),
        )
        promotion.save()
        with pytest.raises(DomainError) as info:
            start(officer_a, promotion, exceptional_reason="  ")
        assert "破格的具体情形和理由" in info.value.fields["exceptional_reason"]
        publicity = start(officer_a, promotion, exceptional_reason="在抗洪抢险中表现突出")
        assert publicity.exceptional_reason == "在抗洪抢险中表现突出"

    def test_reason_not_stored_without_exceptional(self, officer_a, promotion):
        assert start(officer_a, promotion, exceptional_reason="多余").exceptional_reason == ""

    def test_before_the_decision_refused(self, officer_a, promotion):
        with pytest.raises(DomainError, match="讨论决定（2026-09-28）后"):
            start(officer_a, promotion, on=D(2026, 9, 25))

    def test_only_planned_and_only_once(self, officer_a, cadre, promotion):
        start(officer_a, promotion)
        with pytest.raises(DomainError, match="已有任前公示"):
            start(officer_a, promotion)
        withdrawn = PromotionFactory(cadre=cadre, status=PromotionStatus.WITHDRAWN)
        with pytest.raises(DomainError, match="只有拟任的任用可以公示"):
            start(officer_a, withdrawn)

    def test_unknown_year_refused(self, officer_a, promotion):
        with pytest.raises(CalendarUnknownError, match="尚未录入2027年"):
            start(officer_a, promotion, on=D(2026, 12, 28))

    def test_out_of_scope(self, officer_b, leader_a, promotion):
        for actor in (officer_b, leader_a):  # leaders read only
            with pytest.raises(OutOfScopeError):
                start(actor, promotion)


class TestClose:
    @pytest.fixture
    def publicity(self, officer_a, promotion):
        return start(officer_a, promotion)  # 2026-09-30 .. 2026-10-12

    def test_before_the_end_refused_on_the_end_date_allowed(self, officer_a, publicity):
        with pytest.raises(DomainError) as info:
            close(officer_a, publicity, closed_on=D(2026, 10, 10))
        assert "期满（当日或之后）方可登记" in info.value.fields["closed_on"]
        closed = close(officer_a, publicity, closed_on=D(2026, 10, 12))
        assert (closed.outcome, closed.closed_on, closed.version) == (
            "no_objection",
            D(2026, 10, 12),
            2,
        )
        assert closed.promotion.status == PromotionStatus.PLANNED

    def test_not_in_the_future(self, officer_a, publicity):
        with pytest.raises(DomainError, match="不能晚于今天"):
            close(officer_a, publicity, closed_on=D(2026, 10, 13), today=D(2026, 10, 12))

    def test_stale_version_refused(self, officer_a, publicity):
        close(officer_a, publicity)
        with pytest.raises(StaleVersionError, match="请刷新后重试"):
            close(officer_a, publicity, outcome=PublicityOutcome.OBJECTION_UPHELD)

    def test_feedback_needs_a_conclusion(self, officer_a, publicity):
        with pytest.raises(DomainError, match="请选择核查结论"):
            close(officer_a, publicity, feedback_count=2)
        with pytest.raises(DomainError) as info:
            close(officer_a, publicity, outcome=PublicityOutcome.OBJECTION_DISMISSED)
        assert set(info.value.fields) == {"feedback_count", "feedback_summary"}
        with pytest.raises(DomainError, match="请选择公示结果"):
            close(officer_a, publicity, outcome=PublicityOutcome.PENDING)

    def test_objection_upheld_withdraws_the_promotion(self, officer_a, publicity):
        close(
            officer_a,
            publicity,
            outcome=PublicityOutcome.OBJECTION_UPHELD,
            feedback_count=1,
            feedback_summary="反映其违规收受礼金，经核查属实",
        )
        promotion = publicity.promotion
        promotion.refresh_from_db()
        assert promotion.status == PromotionStatus.WITHDRAWN and promotion.version == 2
        actions = set(AuditEvent.objects.values_list("action", flat=True))
        assert {"selection.publicity.close", "selection.promotion.withdraw"} <= actions

    def test_confirmed_promotion_not_withdrawn_silently(self, officer_a, publicity):
        publicity.promotion.status = PromotionStatus.CONFIRMED
        publicity.promotion.save()
        with pytest.raises(DomainError, match="已任职的，请按免职程序办理"):
            close(
                officer_a,
                publicity,
                outcome=PublicityOutcome.OBJECTION_UPHELD,
                feedback_count=1,
                feedback_summary="属实",
            )
        publicity.refresh_from_db()
        assert publicity.closed_on is None  # rolled back together

    def test_out_of_scope(self, officer_b, publicity):
        with pytest.raises(OutOfScopeError):
            close(officer_b, publicity)


def test_reminders(officer_a, officer_b, cadre):
    def notice(end, **kwargs):
        return PublicityFactory(promotion=PromotionFactory(cadre=cadre), end_date=end, **kwargs)

    ended = notice(D(2026, 11, 5))
    soon = notice(D(2026, 11, 10))  # today Monday 11-09: within 2 working days (09, 10)
    later = notice(D(2026, 11, 11))
    done = notice(D(2026, 11, 6), outcome=PublicityOutcome.NO_OBJECTION, closed_on=D(2026, 11, 6))
    rows = list(publicity_ending(officer_a, D(2026, 11, 9)))
    assert rows == [ended, soon]
    assert later not in rows and done not in rows
    assert list(publicity_ending(officer_b, D(2026, 11, 9))) == []
    # Wednesday 09-30 before 国庆: the next two working days are 09-30 and 10-08.
    national = notice(D(2026, 10, 8))
    assert national in publicity_ending(officer_a, D(2026, 9, 30))
    # Late December, 2027 unknown: the reminder falls back to calendar days, never fails.
    assert list(publicity_ending(officer_a, D(2026, 12, 31))) == [national, ended, soon, later]


# --- pages ------------------------------------------------------------------------------------


@pytest.fixture
def rows(city, officer_a, cadre, promotion):
    inside = start(officer_a, promotion, on=D(2026, 11, 3))  # 11-03 .. 11-09
    other = CadreFactory(name="李娜", unit=city.county_b_dept, managed_by=ManagedBy.COUNTY)
    outside = PublicityFactory(promotion=PromotionFactory(cadre=other))
    return {"inside": inside, "outside": outside}


class TestPages:
    def test_list_filters_and_scope(self, client, officer_a, rows):
        client.force_login(officer_a)
        url = reverse("selection:publicity_list")
        page = client.get(url).content.decode()
        assert "王建国" in page and "李娜" not in page
        assert reverse("jobs:list_export", args=["selection_publicity"]) in page
        assert "王建国" in client.get(url, {"q": "wjg"}).content.decode()
        assert "暂无符合条件的任前公示" in client.get(url, {"q": "张"}).content.decode()
        assert "暂无符合条件" in client.get(url, {"state": "closed"}).content.decode()
        assert "筛选条件有误" in client.get(url, {"state": "bogus"}).content.decode()
        partial = client.get(url, {"sort": "-end_date"}, headers={"HX-Request": "true"})
        assert "<html" not in partial.content.decode() and "王建国" in partial.content.decode()
        b_unit = rows["outside"].promotion.unit_id
        assert "暂无符合条件" in client.get(url, {"unit": b_unit}).content.decode()

    def test_detail_is_the_printable_notice(self, client, officer_a, rows):
        client.force_login(officer_a)
        response = client.get(reverse("selection:publicity_detail", args=[rows["inside"].pk]))
        page = response.content.decode()
        assert "公示时间：2026年11月3日至2026年11月9日（5个工作日）" in page
        for text in (
            "王建国",
            "男",
            "1980年5月",
            "贵州遵义",
            "拟任职务",
            "打印公示",
            "登记公示结果",
        ):
            assert text in page
        assert AuditEvent.objects.filter(action="selection.publicity.view").exists()

    def test_start_page(self, client, officer_a, cadre):
        promotion = PromotionFactory(cadre=cadre, decision_date=D(2026, 9, 28))
        client.force_login(officer_a)
        url = reverse("selection:publicity_start", args=[promotion.pk])
        assert "不少于5个工作日" in client.get(url).content.decode()
        response = client.post(url, {"start_date": "2026-09-30", "working_days": 4})
        assert response.status_code == 400 and "公示期不少于5个工作日" in response.content.decode()
        response = client.post(url, {"start_date": "2026-09-30", "working_days": 5})
        publicity = Publicity.objects.get(promotion=promotion)
        assert response.url == reverse("selection:publicity_detail", args=[publicity.pk])
        assert publicity.end_date == D(2026, 10, 12)
        assert client.get(url).status_code == 302  # already started: to its page

    def test_close_page_and_stale_form(self, client, officer_a, rows):
        client.force_login(officer_a)
        pk = rows["inside"].pk
        url = reverse("selection:publicity_close", args=[pk])
        data = {
            "version": 1,
            "outcome": "no_objection",
            "feedback_count": 0,
            "closed_on": "2026-11-09",
        }
        assert client.post(url, data).status_code == 302
        response = client.post(url, {**data, "outcome": "objection_dismissed"})
        assert response.status_code == 409 and "请刷新后重试" in response.content.decode()

    def test_county_b_gets_404_everywhere(self, client, officer_b, rows, promotion):
        client.force_login(officer_b)
        pk = rows["inside"].pk
        assert client.get(reverse("selection:publicity_detail", args=[pk])).status_code == 404
        data = {
            "version": 1,
            "outcome": "no_objection",
            "feedback_count": 0,
            "closed_on": "2026-11-09",
        }
        assert client.post(reverse("selection:publicity_close", args=[pk]), data).status_code == 404
        url = reverse("selection:publicity_start", args=[promotion.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"start_date": "2026-11-03", "working_days": 5}).status_code == 404
        assert "王建国" not in client.get(reverse("selection:publicity_list")).content.decode()

    def test_leader_reads_without_the_result_form(self, client, leader_a, rows):
        client.force_login(leader_a)
        page = client.get(reverse("selection:publicity_detail", args=[rows["inside"].pk]))
        assert page.status_code == 200 and "publicity-close-form" not in page.content.decode()


class TestExport:
    def export(self, client, capture, query=""):
        with capture(execute=True):
            response = client.post(
                reverse("jobs:list_export", args=["selection_publicity"]) + "?" + query
            )
        job = Job.objects.get(pk=int(response.url.rstrip("/").split("/")[-1]))
        assert job.status == JobStatus.DONE
        body = client.get(reverse("jobs:job_download", args=[job.pk]))
        sheet = load_workbook(filename=BytesIO(b"".join(body.streaming_content))).active
        return list(sheet.iter_rows(values_only=True))

    def test_scoped_and_filtered(
        self, client, officer_a, officer_b, rows, django_capture_on_commit_callbacks
    ):
        client.force_login(officer_a)
        table = self.export(client, django_capture_on_commit_callbacks)
        assert table[0][0] == "姓名" and [r[0] for r in table[1:]] == ["王建国"]
        assert table[1][6] == "2026-11-09"
        client.force_login(officer_b)
        assert [r[0] for r in self.export(client, django_capture_on_commit_callbacks)[1:]] == [
            "李娜"
        ]
        unit_a = rows["inside"].promotion.unit_id
        query = f"unit={unit_a}"
        assert self.export(client, django_capture_on_commit_callbacks, query)[1:] == []
