"""The page 节假日安排: everyone logged in reads it; only an officer whose change grant covers a
whole tree enters the next year or replaces one; the lines are checked one by one with the line
named in the error; the change is audited, and working days then reach into the new year."""

from datetime import date

import pytest
from django.urls import reverse

from apps.core.models import AuditEvent, CalendarDay, CalendarYear
from apps.core.workdays import CalendarUnknownError, add_working_days
from apps.selection.tests.test_workdays import work_calendar  # noqa: F401 (fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("work_calendar")]

LIST = reverse("calendar:calendar_list")
LINES_2027 = "2027-01-01 休 元旦\n\n2027-02-07 班 春节调休上班\n2027-02-11 休 春节"


def post_year(client, **data):
    payload = {"year": 2027, "source": "国办发明电〔2026〕1号", "lines": LINES_2027, **data}
    return client.post(LIST, payload)


def test_everyone_logged_in_reads(client, officer_a):
    client.force_login(officer_a)
    page = client.get(LIST).content.decode()
    assert "2026年" in page and "已录入至2026年" in page
    assert 'data-testid="calendar-form"' not in page  # a county officer cannot enter years
    year = client.get(reverse("calendar:calendar_year", args=[2026])).content.decode()
    assert "2026-10-10" in year and "国庆节调休上班" in year and "2026-10-01" in year
    assert client.get(reverse("calendar:calendar_year", args=[2031])).status_code == 404


def test_anonymous_is_sent_to_login(client, city):
    assert client.get(LIST).status_code == 302


def test_county_officer_cannot_post(client, officer_a):
    client.force_login(officer_a)
    assert post_year(client).status_code == 404
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_add_2027_then_working_days_reach_it(client, officer_city):
    client.force_login(officer_city)
    with pytest.raises(CalendarUnknownError, match="2027"):
        add_working_days(date(2026, 12, 28), 5)
    response = post_year(client)
    assert response.status_code == 302
    assert response.url == reverse("calendar:calendar_year", args=[2027])
    assert CalendarDay.objects.filter(date__year=2027).count() == 3
    assert add_working_days(date(2026, 12, 28), 5) == date(2027, 1, 4)
    event = AuditEvent.objects.get(action="calendar.add")
    assert event.actor == officer_city and event.target_id == "2027"
    assert "2027-02-07 班 春节调休上班" in event.after["days"]


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ("2027-13-01 休 元旦", "第1行（2027-13-01 休 元旦）：日期“2027-13-01”无效"),
        ("2027-01-01 元旦", "第1行（2027-01-01 元旦）：“元旦”无法识别"),
        (
            "2027-01-01 休 元旦\n2028-01-03 休 元旦",
            "第2行（2028-01-03 休 元旦）：日期 2028-01-03 不在2027年内",
        ),
        ("2027-01-04 班 调休", "2027-01-04 是星期一，本来就上班"),
        ("2027-01-02 休 元旦", "2027-01-02 是星期六，本来就休息"),
        ("2027-01-01 休", "请填写说明"),
        ("2027-01-01 休 元旦\n2027-01-01 休 元旦", "第2行：2027-01-01 与第1行重复"),
        ("\n  \n", "请至少录入一行"),
        ("随便写", "格式应为"),
    ],
)
def test_lines_are_checked_one_by_one(client, officer_city, lines, message):
    client.force_login(officer_city)
    response = post_year(client, lines=lines)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_full_width_input_is_read(client, officer_city):
    client.force_login(officer_city)
    response = post_year(client, lines="２０２７－０１－０１　休　元旦")
    assert response.status_code == 302
    assert CalendarDay.objects.get(date=date(2027, 1, 1)).name == "元旦"


def test_years_follow_each_other(client, officer_city):
    client.force_login(officer_city)
    response = post_year(client, year=2028, lines="2028-01-03 休 元旦")
    assert "下一个应录入的年份是2027年" in response.content.decode()
    response = post_year(client, year=2026, lines="2026-01-01 休 元旦")
    assert "2026年的节假日安排已录入" in response.content.decode()


def test_replace_a_year(client, officer_city):
    client.force_login(officer_city)
    post_year(client)
    url = reverse("calendar:calendar_year", args=[2027])
    page = client.get(url).content.decode()
    assert "2027-02-11 休 春节" in page  # the form is prefilled with the stored lines
    response = client.post(url, {"source": "更正通知", "lines": "2027-01-01 休 元旦"})
    assert response.status_code == 302
    assert list(CalendarDay.objects.filter(date__year=2027).values_list("name", flat=True)) == [
        "元旦"
    ]
    assert CalendarYear.objects.get(year=2027).source == "更正通知"
    event = AuditEvent.objects.get(action="calendar.replace")
    assert len(event.before["days"]) == 3 and event.after["days"] == ["2027-01-01 休 元旦"]


def test_replace_refused_to_a_county_officer(client, officer_a):
    client.force_login(officer_a)
    url = reverse("calendar:calendar_year", args=[2026])
    assert client.post(url, {"source": "x", "lines": "2026-01-01 休 元旦"}).status_code == 404
    assert CalendarDay.objects.filter(date__year=2026).count() > 20
