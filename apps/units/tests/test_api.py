"""The unit REST API: only units inside the actor's scope; occupancy of visible units only."""

from datetime import date
from typing import Any

import pytest
from django.test import Client

from apps.accounts.models import Role, User
from apps.accounts.tests.factories import UserFactory
from apps.cadres.models import Appointment
from apps.cadres.tests.factories import CadreFactory, PostFactory
from apps.units.constants import Tier
from apps.units.models import PostQuota
from apps.units.tests.factories import UnitFactory
from conftest import City

pytestmark = pytest.mark.django_db
API = "/api/v1/units/"


def names(response: Any) -> set[str]:
    return {item["name"] for item in response.json()["items"]}


@pytest.fixture
def client_a(client: Client, officer_a: User) -> Client:
    client.force_login(officer_a)
    return client


class TestList:
    def test_only_units_in_scope(self, client_a: Client) -> None:
        body = client_a.get(API).json()
        assert body["count"] == 3
        assert names(client_a.get(API)) == {"甲县", "甲县财政局", "甲县城关镇"}

    def test_parent_and_search(self, client_a: Client, city: City) -> None:
        assert names(client_a.get(API, {"parent": city.county_a.pk})) == {
            "甲县财政局",
            "甲县城关镇",
        }
        assert names(client_a.get(API, {"q": "城关"})) == {"甲县城关镇"}
        assert names(client_a.get(API, {"q": city.county_a_dept.code})) == {"甲县财政局"}

    def test_other_county_never_listed(self, client_a: Client, city: City) -> None:
        assert client_a.get(API, {"parent": city.county_b.pk}).json()["count"] == 0
        assert client_a.get(API, {"q": "乙县"}).json()["count"] == 0
        assert client_a.get(API, {"parent": city.root.pk}).json()["count"] == 1  # 甲县 only

    def test_parent_outside_scope_is_hidden(self, client_a: Client, city: City) -> None:
        items = {i["name"]: i for i in client_a.get(API).json()["items"]}
        assert items["甲县"]["parent_id"] is None  # 示范市委 is outside the scope
        assert items["甲县财政局"]["parent_id"] == city.county_a.pk

    def test_inactive_units_on_request(self, client_a: Client, city: City) -> None:
        UnitFactory(name="甲县撤并局", parent=city.county_a, is_active=False)
        assert "甲县撤并局" not in names(client_a.get(API))
        assert "甲县撤并局" in names(client_a.get(API, {"include_inactive": "true"}))

    def test_pages(self, client_a: Client) -> None:
        first = client_a.get(API, {"page_size": 2}).json()
        second = client_a.get(API, {"page_size": 2, "page": 2}).json()
        assert first["count"] == second["count"] == 3
        assert len(first["items"]) == 2 and len(second["items"]) == 1

    @pytest.mark.parametrize(
        ("params", "field", "text"),
        [
            ({"parent": "x"}, "parent", "上级单位：应为整数"),
            ({"page_size": 1000}, "page_size", "每页条数：不能大于100"),
            ({"q": "a" * 51}, "q", "长度不能超过50个字符"),
        ],
    )
    def test_bad_params(
        self, client_a: Client, params: dict[str, Any], field: str, text: str
    ) -> None:
        response = client_a.get(API, params)
        assert response.status_code == 400
        assert text in response.json()["fields"][field]


class TestDetail:
    def test_detail_with_children(self, client_a: Client, city: City) -> None:
        body = client_a.get(f"{API}{city.county_a.pk}").json()
        assert body["name"] == "甲县" and body["parent"] is None
        assert {c["name"] for c in body["children"]} == {"甲县财政局", "甲县城关镇"}
        child = client_a.get(f"{API}{city.county_a_dept.pk}").json()
        assert child["parent"] == {"id": city.county_a.pk, "name": "甲县"}

    @pytest.mark.parametrize("attr", ["county_b", "county_b_dept", "root", "city_dept"])
    def test_units_outside_scope_are_404(self, client_a: Client, city: City, attr: str) -> None:
        unit = getattr(city, attr)
        for path in (f"{API}{unit.pk}", f"{API}{unit.pk}/occupancy"):
            response = client_a.get(path)
            assert response.status_code == 404
            assert unit.name not in response.content.decode()

    def test_unknown_and_bad_ids(self, client_a: Client) -> None:
        assert client_a.get(f"{API}987654").status_code == 404
        assert client_a.get(f"{API}abc").status_code == 400


class TestOccupancy:
    def test_quota_and_holders(self, client_a: Client, city: City) -> None:
        unit = city.county_a_dept
        PostQuota.objects.create(unit=unit, tier=Tier.SECTION_DEPUTY, approved=1)
        post = PostFactory(unit=unit, tier=Tier.SECTION_DEPUTY)
        for name in ("甲甲", "甲乙"):
            cadre = CadreFactory(name=name, unit=unit)
            Appointment.objects.create(cadre=cadre, post=post, start_date=date(2020, 1, 1))
        body = client_a.get(f"{API}{unit.pk}/occupancy").json()
        assert body["cadre_count"] == 2
        assert body["tiers"] == [
            {
                "tier": "section_deputy",
                "tier_label": "乡科级副职",
                "approved": 1,
                "held": 2,
                "over": True,
                "excess": 1,
            }
        ]


class TestAccess:
    def test_unauthenticated_is_401(self, client: Client, city: City) -> None:
        for path in (API, f"{API}{city.county_a.pk}", f"{API}{city.county_a.pk}/occupancy"):
            response = client.get(path)
            assert response.status_code == 401 and response.json()["code"] == "unauthenticated"

    @pytest.mark.parametrize("role", [Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR])
    def test_three_admins_are_403(self, client: Client, role: str) -> None:
        client.force_login(UserFactory(role=role))
        assert client.get(API).status_code == 403

    def test_leader_reads(self, client: Client, leader_a: User) -> None:
        client.force_login(leader_a)
        assert client.get(API).json()["count"] == 3
