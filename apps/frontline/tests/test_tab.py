"""The 一线经历 tab on the cadre page, and the credit facts it (and selection) reads."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import ManagedBy
from apps.cadres.tests.factories import CadreFactory
from apps.cadres.tests.tabs import get_tab
from apps.core.models import RuleParameter
from apps.frontline.constants import DispatchState, TaskKind
from apps.frontline.selectors import frontline_credits, frontline_months
from apps.frontline.tests.factories import (
    CentralTaskFactory,
    DispatchFactory,
    FrontlineServiceFactory,
    IncentiveGrantFactory,
    SacrificeFactory,
)
from apps.frontline.views.common import dispatch_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def cadre(city):
    return CadreFactory(name="张伟", unit=city.county_a_dept, managed_by=ManagedBy.COUNTY)


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page_and_tab(user, cadre) -> tuple[str, str]:
    """The cadre page (tab label and pane) and the 一线经历 tab's body, loaded as htmx does."""
    client = login(user)
    page = client.get(reverse("cadres:cadre_detail", args=[cadre.pk]))
    tab = get_tab(client, cadre.pk, "frontline")
    assert page.status_code == 200 and tab.status_code == 200
    return page.content.decode(), tab.content.decode()


class TestCredits:
    def test_one_query_for_many_cadres_deleted_ignored(
        self, city, cadre, django_assert_num_queries
    ):
        other = CadreFactory(unit=city.county_a_dept, managed_by=ManagedBy.COUNTY)
        FrontlineServiceFactory(
            cadre=cadre, start_date=date(2020, 1, 1), end_date=date(2020, 12, 31)
        )
        gone = FrontlineServiceFactory(
            cadre=cadre, start_date=date(2022, 1, 1), end_date=date(2022, 12, 31)
        )
        gone.deleted_at = timezone.now()
        gone.save()
        FrontlineServiceFactory(cadre=other, start_date=date(2021, 1, 1), end_date=None)
        with django_assert_num_queries(2):  # the parameter, then the services
            credits = frontline_credits([cadre.pk, other.pk, 999_999], date(2021, 6, 30))
        assert credits[cadre.pk].total_days == 366 and credits[cadre.pk].qualifies
        assert credits[other.pk].total_days == 181 and credits[other.pk].serving
        assert credits[other.pk].qualifies_on == date(2021, 6, 30) + timedelta(days=185)
        assert credits[999_999].total_days == 0

    def test_threshold_is_the_local_parameter_on_the_day(self, cadre):
        FrontlineServiceFactory(
            cadre=cadre, start_date=date(2020, 1, 1), end_date=date(2020, 12, 31)
        )
        RuleParameter.objects.create(
            key="frontline.qualifying_months", value=24, effective_from=date(2023, 1, 1)
        )
        assert frontline_months(cadre.pk, date(2022, 12, 31)).qualifies
        later = frontline_months(cadre.pk, date(2023, 1, 1))
        assert later.threshold == 24 and not later.qualifies


class TestTab:
    def test_tab_renders_summary_services_dispatches_grants(self, officer_a, cadre, city):
        task = CentralTaskFactory(
            name="疫情防控阻击战", kind=TaskKind.EPIDEMIC, lead_unit=city.root
        )
        FrontlineServiceFactory(
            cadre=cadre, task=task, start_date=date(2020, 1, 1), end_date=date(2020, 12, 31)
        )
        FrontlineServiceFactory(
            cadre=cadre,
            task=None,
            kind=TaskKind.POVERTY,
            place="甲县某村",
            high_altitude=True,
            start_date=date(2021, 1, 1),
            end_date=date(2021, 3, 31),
        )
        dispatch = DispatchFactory(
            cadre=cadre,
            target_unit=city.county_a_town,
            state=DispatchState.IN_POST,
            target_post="驻村第一书记",
        )
        IncentiveGrantFactory(cadre=cadre, reason="抗疫一线表现突出")
        page, body = page_and_tab(officer_a, cadre)
        assert "一线经历（2）" in page and 'id="tab-frontline"' in page
        assert "疫情防控阻击战" not in page  # the body is loaded when the tab is shown
        assert "疫情防控阻击战" in body and "高海拔地区" in body
        assert "符合" in body and "满 12 个月" in body and "已于 2020-12-31 满足" in body
        assert "14.9 个月" in body  # 366 + 90 days, rounded down
        assert f'href="{dispatch_url(dispatch.pk)}"' in body
        assert "驻村第一书记" in body and "抗疫一线表现突出" in body
        assert reverse("frontline:service_add", args=[cadre.pk]) in body

    def test_not_yet_qualified_shows_projection(self, officer_a, cadre):
        today = timezone.localdate()
        FrontlineServiceFactory(cadre=cadre, start_date=today - timedelta(days=99), end_date=None)
        _, body = page_and_tab(officer_a, cadre)
        expected = today + timedelta(days=266)
        assert "尚不符合" in body and f"预计满足日期：{expected:%Y-%m-%d}" in body

    def test_leader_sees_no_add_button_and_deleted_are_hidden(self, leader_a, cadre):
        kept = FrontlineServiceFactory(cadre=cadre, place="保留的村")
        gone = FrontlineServiceFactory(cadre=cadre, place="已删除的村")
        gone.deleted_at = timezone.now()
        gone.save()
        page, body = page_and_tab(leader_a, cadre)
        assert "一线经历（1）" in page and kept.place in body and gone.place not in body
        assert reverse("frontline:service_add", args=[cadre.pk]) not in body

    def test_memorial_note(self, officer_a, cadre):
        SacrificeFactory(cadre=cadre, died_on=date(2020, 8, 15), place="甲县某村")
        _, body = page_and_tab(officer_a, cadre)
        assert "同志于 2020-08-15 在甲县某村" in body

    def test_empty_tab(self, officer_a, cadre):
        page, body = page_and_tab(officer_a, cadre)
        assert "一线经历（0）" in page and "暂无一线经历" in body and "0.0 个月" in body

    def test_credit_is_decimal(self, cadre):
        assert frontline_months(cadre.pk, date(2026, 1, 1)).total_months == Decimal("0.0")
