"""干部名册 export: the list's rows (scope, filters, sort) in the departments' layout, with age
in 周岁 on the export date, education per mode and the dates of the current post and rank."""

from datetime import date
from io import BytesIO

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from apps.accounts.models import ManagedBy, Role
from apps.accounts.tests.factories import UserFactory
from apps.cadres import roster
from apps.cadres.models import Appointment, Education, RankRecord
from apps.cadres.rules import age_on
from apps.cadres.tests.factories import CadreFactory, PostFactory
from apps.core.models import AuditEvent, Job, JobStatus
from apps.units.constants import Tier

pytestmark = pytest.mark.django_db
URL = "/jobs/export/cadre-roster/"


@pytest.fixture
def people(city):
    zhang = CadreFactory(
        name="张伟", unit=city.county_a_dept, managed_by=ManagedBy.COUNTY,
        birth_date=date(1980, 5, 17), party_join_date=date(2003, 6, 1),
        current_post_title="甲县财政局副局长", tier=Tier.SECTION_DEPUTY,
        rank_grade="principal_staff_1", native_place="=云南",
    )  # fmt: skip
    deputy = PostFactory(unit=city.county_a_dept, title="副局长", tier=Tier.SECTION_DEPUTY)
    head = PostFactory(unit=city.county_a_dept, title="局长", tier=Tier.SECTION_PRINCIPAL)
    Appointment.objects.create(cadre=zhang, post=deputy, start_date=date(2015, 3, 1))
    Appointment.objects.create(cadre=zhang, post=head, start_date=date(2021, 9, 1))
    Appointment.objects.create(
        cadre=zhang, post=deputy, start_date=date(2010, 1, 1), end_date=date(2014, 12, 31)
    )
    RankRecord.objects.create(
        cadre=zhang, rank_grade="principal_staff_1", start_date=date(2019, 1, 1)
    )
    Education.objects.create(
        cadre=zhang, mode="full_time", level="bachelor", degree="bachelor",
        school="云南大学", major="经济学", end_date=date(2002, 7, 1),
    )  # fmt: skip
    Education.objects.create(
        cadre=zhang,
        mode="full_time",
        level="associate",
        school="昭通师专",
        end_date=date(1999, 7, 1),
    )
    Education.objects.create(
        cadre=zhang, mode="in_service", level="master", degree="master",
        school="中央党校", major="经济管理", end_date=date(2012, 7, 1),
    )  # fmt: skip
    return {
        "zhang": zhang,
        "li": CadreFactory(
            name="李娜",
            unit=city.county_a_town,
            gender="female",
            birth_date=date(1990, 3, 1),
            work_start_date=date(2012, 7, 1),
        ),
        "city": CadreFactory(name="王强", unit=city.county_a, managed_by=ManagedBy.CITY),
        "b": CadreFactory(name="张敏", unit=city.county_b_dept),
    }


def export(user, query: str = "", capture=None) -> list[tuple]:
    client = Client()
    client.force_login(user)
    with capture(execute=True):
        response = client.post(f"{URL}?{query}")
    assert response.status_code == 302, response
    job = Job.objects.filter(actor=user).first()
    assert job.status == JobStatus.DONE, job.error
    return list(load_workbook(BytesIO(job.result_file.read())).active.iter_rows(values_only=True))


def test_rows_in_the_departments_layout(officer_a, people, django_capture_on_commit_callbacks):
    rows = export(officer_a, "sort=name", django_capture_on_commit_callbacks)
    assert list(rows[0]) == roster.HEADERS
    by_name = {r[1]: dict(zip(roster.HEADERS, r, strict=True)) for r in rows[1:]}
    assert set(by_name) == {"张伟", "李娜"}  # scope: county A, 县管 only
    zhang = by_name["张伟"]
    today = timezone.localdate()
    assert zhang["出生年月"] == "1980.05" and zhang["年龄"] == age_on(date(1980, 5, 17), today)
    assert zhang["入党时间"] == "2003.06" and zhang["参加工作时间"] == "2002.07"
    assert zhang["全日制学历学位"] == "大学本科 学士"
    assert zhang["全日制毕业院校及专业"] == "云南大学 经济学"
    assert (
        zhang["在职学历学位"] == "硕士研究生 硕士"
        and zhang["在职毕业院校及专业"] == "中央党校 经济管理"
    )
    assert zhang["工作单位"] == "甲县财政局" and zhang["现任职务"] == "甲县财政局副局长"
    assert zhang["任现职时间"] == "2021.09"  # the leading current post: 局长 (正职)
    assert zhang["职级"] == "一级主任科员" and zhang["任现职级时间"] == "2019.01"
    assert zhang["干部管理权限"] == "县管"
    assert zhang["籍贯"] == "＝云南"  # never written as a formula
    li = by_name["李娜"]
    assert li["任现职时间"] is None and li["全日制学历学位"] is None
    assert [r[0] for r in rows[1:]] == [1, 2]


def test_filters_and_sort_of_the_list(officer_a, people, django_capture_on_commit_callbacks):
    rows = export(officer_a, "gender=female", django_capture_on_commit_callbacks)
    assert [r[1] for r in rows[1:]] == ["李娜"]
    event = AuditEvent.objects.get(action="list.export")
    assert event.detail["list"] == "cadre-roster" and event.detail["rows"] == 1
    assert event.actor == officer_a


def test_scope_of_other_users(officer_city, leader_a, people, django_capture_on_commit_callbacks):
    assert [r[1] for r in export(officer_city, "", django_capture_on_commit_callbacks)[1:]] == [
        "王强"
    ]
    leader_rows = export(leader_a, "sort=name", django_capture_on_commit_callbacks)
    assert {r[1] for r in leader_rows[1:]} == {"张伟", "李娜"}


def test_admin_roles_may_not_export(db):
    client = Client()
    client.force_login(UserFactory(role=Role.SYSADMIN))
    assert client.post(URL).status_code == 403
    assert not Job.objects.exists()


def test_parts_are_read_by_the_batch_ids_without_joining_the_cadre_table(officer_a, people):
    """The batch's ids come from the scoped list; the part queries do not repeat the scope's join
    (which scanned the whole cadre table once per batch), and a part of a cadre out of scope
    never reaches a row."""
    from django.db import connection
    from django.http import QueryDict
    from django.test.utils import CaptureQueriesContext

    other = people["b"]  # county B: not in officer_a's scope
    Education.objects.create(cadre=other, mode="full_time", level="doctorate", school="泄露大学")
    with CaptureQueriesContext(connection) as queries:
        rows = list(roster.build_roster(officer_a, QueryDict("sort=name")).rows)
    assert {r[1] for r in rows} == {"张伟", "李娜"}
    assert all("泄露大学" not in str(cell) for r in rows for cell in r)
    parts = [
        q["sql"]
        for q in queries.captured_queries
        if any(
            t in q["sql"] for t in ("cadres_appointment", "cadres_rankrecord", "cadres_education")
        )
    ]
    assert len(parts) == 3 and not any('"cadres_cadre"' in sql for sql in parts), parts
