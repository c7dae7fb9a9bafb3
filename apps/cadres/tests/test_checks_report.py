"""三龄两历核查: the report's scope (selector, page, export), filters, counts, paging, query budget,
and the cadre page's tab."""

from datetime import date
from io import BytesIO

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from apps.accounts.models import ManagedBy, Role
from apps.accounts.tests.factories import UserFactory, grant
from apps.cadres import exports_checks, tabs_checks
from apps.cadres.checks import Code
from apps.cadres.detail_tabs import TABS, page_reads
from apps.cadres.models import Appointment, Education, ResumeEntry
from apps.cadres.selectors_checks import cadre_checks, checks_report
from apps.cadres.tests.factories import CadreFactory, PostFactory
from apps.cadres.tests.tabs import get_tab
from apps.core.models import AuditEvent, Job, JobStatus

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 25)


def member(**kwargs):
    """A cadre (the factory's: born 1980-05-17, working since 2002-07-01) who joined the Party
    at 21, so only the findings a test builds show."""
    kwargs.setdefault("party_join_date", date(2001, 6, 1))
    return CadreFactory(**kwargs)


def clean(cadre, *, post=None):
    """A consistent record: study, then work lines to today (and a post in the last one)."""
    Education.objects.create(
        cadre=cadre,
        mode="full_time",
        level="bachelor",
        degree="bachelor",
        school="云南大学",
        start_date=date(1998, 9, 1),
        end_date=date(2002, 7, 1),
    )
    cadre.highest_education = "bachelor"
    cadre.save(update_fields=["highest_education"])
    ResumeEntry.objects.create(
        cadre=cadre, start_date=date(1998, 9, 1), end_date=date(2002, 7, 1), text="云南大学学习"
    )
    ResumeEntry.objects.create(
        cadre=cadre, start_date=date(2002, 7, 1), end_date=date(2010, 3, 1), text="财政局科员"
    )
    title = post.title if post else "副局长"
    ResumeEntry.objects.create(cadre=cadre, start_date=date(2010, 3, 1), text=f"财政局{title}")
    if post:
        Appointment.objects.create(cadre=cadre, post=post, start_date=date(2010, 3, 1))
    return cadre


def with_gap(cadre):
    """Consistent except a resume gap (2005.06 to 2005.09)."""
    ResumeEntry.objects.create(
        cadre=cadre, start_date=date(2002, 7, 1), end_date=date(2005, 6, 1), text="财政局科员"
    )
    ResumeEntry.objects.create(cadre=cadre, start_date=date(2005, 9, 1), text="财政局副局长")
    return cadre


@pytest.fixture
def people(city):
    county = ManagedBy.COUNTY
    return {
        "a_clean": clean(member(name="张伟", unit=city.county_a_dept, managed_by=county)),
        "a_gap": with_gap(member(name="李娜", unit=city.county_a_town, managed_by=county)),
        "a_young": with_gap(
            member(
                name="赵强",
                unit=city.county_a_dept,
                managed_by=county,
                party_join_date=date(1997, 6, 1),  # born 1980-05-17: 17 years old
            )
        ),
        "a_city": with_gap(member(name="王强", unit=city.county_a, managed_by=ManagedBy.CITY)),
        "b_gap": with_gap(member(name="张敏", unit=city.county_b_dept, managed_by=county)),
    }


def login(client: Client, user) -> Client:
    client.force_login(user)
    return client


def shown(response) -> set[str]:
    return {r["cadre"].name for r in response.context["rows"]}


class TestSelector:
    def test_scope_counts_and_codes(self, officer_a, people):
        report = checks_report(actor=officer_a, params={}, today=TODAY)
        assert report.checked == 3  # 张伟, 李娜, 赵强: not the city-managed one, not county B
        assert {r.name for r in report.rows} == {"李娜", "赵强"}
        counts = {c.code: (c.cadres, c.issues) for c in report.counts}
        assert counts == {Code.RESUME_GAP: (2, 2), Code.PARTY_AGE: (1, 1)}

    def test_other_scopes(self, officer_city, people):
        report = checks_report(actor=officer_city, params={}, today=TODAY)
        assert [r.name for r in report.rows] == ["王强"]

    def test_code_filter_keeps_only_that_rule(self, officer_a, people):
        report = checks_report(actor=officer_a, params={"code": "party_age"}, today=TODAY)
        (row,) = report.rows
        assert row.name == "赵强" and [i.code for i in row.issues] == [Code.PARTY_AGE]
        assert len(report.counts) == 2  # counts stay those of the whole scope

    def test_unit_filter_and_foreign_unit(self, officer_a, city, people):
        town = checks_report(actor=officer_a, params={"unit": city.county_a_town.pk}, today=TODAY)
        assert [r.name for r in town.rows] == ["李娜"] and town.checked == 1
        foreign = checks_report(actor=officer_a, params={"unit": city.county_b.pk}, today=TODAY)
        assert foreign.rows == [] and foreign.checked == 0
        bogus = checks_report(actor=officer_a, params={"unit": "x", "code": "x"}, today=TODAY)
        assert bogus.checked == 0 and bogus.code == ""

    def test_sort_by_count(self, officer_a, people):
        report = checks_report(actor=officer_a, params={"sort": "-count"}, today=TODAY)
        assert [r.name for r in report.rows] == ["赵强", "李娜"]

    def test_parts_follow_the_scope_and_chunks(self, officer_a, city, monkeypatch):
        from apps.cadres import selectors_checks

        monkeypatch.setattr(selectors_checks, "CHUNK", 2)
        for _ in range(5):
            with_gap(member(unit=city.county_a_dept, id_number=""))
        report = checks_report(actor=officer_a, params={}, today=TODAY)
        assert report.checked == 5 and len(report.rows) == 5
        assert all([i.code for i in r.issues] == [Code.RESUME_GAP] for r in report.rows)

    def test_query_count_does_not_grow_with_cadres(
        self, officer_a, city, django_assert_max_num_queries
    ):
        post = PostFactory(unit=city.county_a_dept)
        for _ in range(30):
            clean(member(unit=city.county_a_dept, id_number=""), post=post)
        with django_assert_max_num_queries(8):
            report = checks_report(actor=officer_a, params={}, today=TODAY)
        assert report.checked == 30 and report.rows == []

    def test_appointments_are_checked_against_the_resume(self, officer_a, city):
        cadre = clean(member(unit=city.county_a_dept), post=PostFactory(unit=city.county_a_dept))
        other = PostFactory(unit=city.county_a_town, title="镇长")
        Appointment.objects.create(cadre=cadre, post=other, start_date=date(2012, 1, 1))
        (issue,) = cadre_checks(actor=officer_a, cadre=cadre, today=TODAY)
        assert issue.code == Code.APPOINTMENT_TEXT and "甲县城关镇镇长" in issue.message

    def test_actor_without_scope_sees_nothing(self, people):
        for role in (Role.SYSADMIN, Role.AUDITOR):
            report = checks_report(actor=UserFactory(role=role), params={}, today=TODAY)
            assert report.checked == 0 and report.rows == []


class TestReportPage:
    url = "/cadres/checks/"

    def test_page_lists_scope_only(self, client, officer_a, people):
        assert reverse("cadres:checks_report") == self.url
        response = login(client, officer_a).get(self.url)
        assert response.status_code == 200
        assert shown(response) == {"李娜", "赵强"}
        body = response.content.decode()
        assert "三龄两历核查" in body and "张敏" not in body and "王强" not in body
        assert "入党时间1997.06早于年满18周岁（1998.05.17）" in body
        assert 'data-code="resume_gap"' in body and "2人/2处" in body

    def test_officer_gets_fix_links_leader_does_not(self, client, officer_a, leader_a, people):
        young = people["a_young"]
        body = login(client, officer_a).get(self.url).content.decode()
        assert reverse("cadres:cadre_edit", args=[young.pk]) in body
        assert reverse("cadres:cadre_part_add", args=[young.pk, "resume"]) in body
        body = login(Client(), leader_a).get(self.url).content.decode()
        assert "赵强" in body and reverse("cadres:cadre_edit", args=[young.pk]) not in body
        assert f"/cadres/{young.pk}/#tab-resume" in body

    def test_filters_and_htmx_partial(self, client, officer_a, city, people):
        c = login(client, officer_a)
        assert shown(c.get(self.url, {"code": "party_age"})) == {"赵强"}
        assert shown(c.get(self.url, {"unit": city.county_a_town.pk})) == {"李娜"}
        assert shown(c.get(self.url, {"unit": city.county_b.pk})) == set()
        response = c.get(self.url, {"code": "resume_gap"}, HTTP_HX_REQUEST="true")
        body = response.content.decode()
        assert "checks-table" in body and "<html" not in body

    def test_paging(self, client, officer_a, city):
        for _ in range(25):
            with_gap(member(unit=city.county_a_dept, id_number=""))
        c = login(client, officer_a)
        first = c.get(self.url)
        assert len(first.context["rows"]) == 20 and first.context["page"].paginator.count == 25
        assert len(c.get(self.url, {"page": 2}).context["rows"]) == 5
        assert len(c.get(self.url, {"page_size": 50}).context["rows"]) == 25

    def test_query_budget(self, client, officer_a, city, django_assert_max_num_queries):
        for _ in range(30):
            with_gap(member(unit=city.county_a_dept, id_number=""))
        c = login(client, officer_a)
        c.get(self.url)  # warm the session and the unit options cache
        with django_assert_max_num_queries(12):
            response = c.get(self.url, {"page_size": 100})
        assert len(response.context["rows"]) == 30

    def test_empty_states(self, client, officer_a, city):
        c = login(client, officer_a)
        assert "暂无可核查的干部" in c.get(self.url).content.decode()
        clean(member(unit=city.county_a_dept))
        assert "均未发现三龄两历问题" in c.get(self.url).content.decode()

    def test_three_admins_are_refused(self, client, people):
        for role in (Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR):
            response = login(Client(), UserFactory(role=role)).get(self.url)
            assert response.status_code == 403


class TestExport:
    def export(self, client, user, query, capture):
        client.force_login(user)
        with capture(execute=True):
            response = client.post(f"/jobs/export/cadre-checks/?{query}")
        job = Job.objects.latest("pk")
        assert response.status_code == 302 and job.status == JobStatus.DONE
        return list(
            load_workbook(BytesIO(job.result_file.read())).active.iter_rows(values_only=True)
        )

    def test_export_is_scoped_filtered_and_audited(
        self, client, officer_a, people, django_capture_on_commit_callbacks
    ):
        rows = self.export(client, officer_a, "sort=name", django_capture_on_commit_callbacks)
        assert rows[0] == tuple(exports_checks.HEADERS)
        assert {r[0] for r in rows[1:]} == {"李娜", "赵强"}  # never 张敏 (county B) nor 王强
        assert len(rows) == 4  # 李娜: gap; 赵强: party age and gap
        party = next(r for r in rows if r[5] == "入党时未满18周岁")
        assert party[:5] == ("赵强", "甲县财政局", "1980-05-17", "2002-07-01", "1997-06-01")
        assert party[7] == "入党时间、出生年月"
        event = AuditEvent.objects.get(action="list.export")
        assert event.target_type == "cadres.cadre" and event.detail["rows"] == 3

    def test_export_follows_the_code_filter(
        self, client, officer_a, people, django_capture_on_commit_callbacks
    ):
        rows = self.export(client, officer_a, "code=party_age", django_capture_on_commit_callbacks)
        assert [r[0] for r in rows[1:]] == ["赵强"]

    def test_other_county_exports_its_own(
        self, client, city, people, django_capture_on_commit_callbacks
    ):
        officer_b = UserFactory(username="officer_b")
        grant(officer_b, city.county_b, levels=[ManagedBy.COUNTY])
        rows = self.export(client, officer_b, "", django_capture_on_commit_callbacks)
        assert {r[0] for r in rows[1:]} == {"张敏"}

    def test_admins_may_not_export(self, client, people):
        client.force_login(UserFactory(role=Role.AUDITOR))
        assert client.post("/jobs/export/cadre-checks/").status_code == 403
        assert not Job.objects.exists()


class TestTab:
    def test_registered(self):
        assert any(t.key == "checks" and t.label == "三龄两历" for t in TABS)

    def test_tab_lists_the_cadres_findings(self, client, officer_a, people):
        young = people["a_young"]
        response = login(client, officer_a).get(reverse("cadres:cadre_detail", args=[young.pk]))
        tab = next(x for x in response.context["extra_tabs"] if x["tab"].key == "checks")
        assert tab["count"] == 2
        assert "三龄两历（2）" in response.content.decode()
        body = get_tab(client, young.pk, "checks").content.decode()
        assert 'data-testid="checks-findings"' in body
        assert "入党时间1997.06早于年满18周岁（1998.05.17）" in body
        assert reverse("cadres:cadre_edit", args=[young.pk]) in body

    def test_clean_record_and_leader(self, client, leader_a, people):
        clean_pk = people["a_clean"].pk
        response = login(client, leader_a).get(reverse("cadres:cadre_detail", args=[clean_pk]))
        assert "三龄两历（0）" in response.content.decode()
        assert "未发现三龄两历问题" in get_tab(client, clean_pk, "checks").content.decode()

    @pytest.mark.parametrize("who", ["a_clean", "a_gap", "a_young"])
    def test_count_over_the_page_rows_matches_the_scoped_read(
        self, officer_a, people, who, django_assert_num_queries
    ):
        """The page's count reuses the parts it has read (no query) and finds what the tab does."""
        cadre = people[who]
        request = RequestFactory().get("/")
        request.user = officer_a
        page_reads(request)[cadre.pk] = {
            "education": list(cadre.educations.all()),
            "appointment": list(cadre.appointments.select_related("post__unit")),
            "resume": list(cadre.resume_entries.all()),
        }
        expected = cadre_checks(actor=officer_a, cadre=cadre, today=timezone.localdate())
        with django_assert_num_queries(0):
            assert tabs_checks.count_checks_tab(request, cadre) == len(expected)

    def test_other_county_cadre_is_404(self, client, officer_a, people):
        response = login(client, officer_a).get(
            reverse("cadres:cadre_detail", args=[people["b_gap"].pk])
        )
        assert response.status_code == 404
