"""The cadre REST API: scope matrix (404, never a leak), roles, writes, version check, budget."""

import json
from datetime import date
from typing import Any

import pytest
from django.test import Client

from apps.accounts.models import ManagedBy, Role, User
from apps.accounts.tests.factories import UserFactory, grant
from apps.cadres.filters import SORTS
from apps.cadres.models import Appointment, Cadre, Education, FamilyMember
from apps.cadres.tests.factories import CadreFactory, PostFactory, make_id_number
from apps.core.models import AuditEvent, AuditOutcome
from apps.units.constants import Tier
from conftest import City

pytestmark = pytest.mark.django_db
API = "/api/v1/cadres/"


def url(cadre: Cadre, suffix: str = "") -> str:
    return f"{API}{cadre.pk}{suffix}"


@pytest.fixture
def world(city: City) -> dict[str, Any]:
    """County A: 7 county-managed cadres and one city-managed; county B: one twin."""
    a = [
        CadreFactory(
            name=f"甲{'一二三四五六七'[i]}",
            unit=city.county_a_dept,
            birth_date=date(1970 + i, 1, 1),
        )
        for i in range(7)
    ]
    a_city = CadreFactory(name="甲市管", unit=city.county_a, managed_by=ManagedBy.CITY)
    b_id = make_id_number(date(1979, 3, 3), "male", 41)
    b = CadreFactory(
        name="乙秘密", unit=city.county_b_dept, birth_date=date(1979, 3, 3), id_number=b_id
    )
    Education.objects.create(cadre=b, mode="full_time", level="master", school="乙大学")
    FamilyMember.objects.create(cadre=b, relation="妻子", name="乙家属")
    Education.objects.create(cadre=a[0], mode="full_time", level="bachelor", school="甲大学")
    return {"a": a, "a_city": a_city, "b": b, "b_id": b_id}


def login(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def ids(response: Any) -> set[int]:
    return {item["id"] for item in response.json()["items"]}


class TestScope:
    def test_list_only_scoped_rows(
        self, client: Client, officer_a: User, world: dict[str, Any]
    ) -> None:
        body = login(client, officer_a).get(API, {"page_size": 100}).json()
        assert body["count"] == 7
        assert {i["id"] for i in body["items"]} == {c.pk for c in world["a"]}

    def test_detail_of_other_county_is_404_and_audited(
        self, client: Client, officer_a: User, world: dict[str, Any]
    ) -> None:
        b = world["b"]
        response = login(client, officer_a).get(url(b))
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
        assert "乙秘密" not in response.content.decode()
        event = AuditEvent.objects.filter(action="cadre.view", target_id=str(b.pk)).get()
        assert event.outcome == AuditOutcome.DENIED and event.actor == officer_a

    def test_other_management_level_is_404(
        self, client: Client, officer_a: User, world: dict[str, Any]
    ) -> None:
        assert login(client, officer_a).get(url(world["a_city"])).status_code == 404

    @pytest.mark.parametrize("method", ["put", "patch", "delete"])
    def test_writes_to_other_county_are_404(
        self, client: Client, officer_a: User, world: dict[str, Any], method: str, city: City
    ) -> None:
        b = world["b"]
        body = {
            "version": 1,
            "name": "篡改",
            "gender": "male",
            "birth_date": "1979-03-03",
            "work_start_date": "2000-07-01",
            "unit": city.county_a_dept.pk,
            "managed_by": "county",
        }
        response = getattr(login(client, officer_a), method)(
            url(b), body, content_type="application/json"
        )
        assert response.status_code == 404
        b.refresh_from_db()
        assert (b.name, b.unit_id, b.version, b.deleted_at) == (
            "乙秘密",
            world["b"].unit_id,
            1,
            None,
        )
        assert client.post(url(b, "/restore")).status_code == 404

    def test_unit_filter_of_other_county_is_empty(
        self, client: Client, officer_a: User, city: City, world: dict[str, Any]
    ) -> None:
        response = login(client, officer_a).get(API, {"unit": city.county_b.pk})
        assert response.status_code == 200
        assert response.json() == {"count": 0, "page": 1, "page_size": 20, "items": []}
        assert client.get(API, {"unit": 987654}).json()["count"] == 0

    @pytest.mark.parametrize("key", ["name", "id_number"])
    def test_search_cannot_find_other_county(
        self, client: Client, officer_a: User, world: dict[str, Any], key: str
    ) -> None:
        q = "乙秘密" if key == "name" else world["b_id"]
        assert login(client, officer_a).get(API, {"q": q}).json()["count"] == 0
        assert client.get(API, {"q": q, "deleted": "true"}).json()["count"] == 0

    @pytest.mark.parametrize("sort", list(SORTS))
    def test_sort_and_pages_never_reveal_rows(
        self, client: Client, officer_a: User, world: dict[str, Any], sort: str
    ) -> None:
        login(client, officer_a)
        seen: list[int] = []
        for page in (1, 2, 3, 4):
            body = client.get(API, {"sort": sort, "page": page, "page_size": 3}).json()
            assert body["count"] == 7
            seen += [i["id"] for i in body["items"]]
        assert sorted(seen) == sorted(c.pk for c in world["a"])

    def test_related_records_never_leak(
        self, client: Client, officer_a: User, world: dict[str, Any]
    ) -> None:
        a0, b = world["a"][0], world["b"]
        mine = PostFactory(unit=a0.unit, title="甲副局长")
        theirs = PostFactory(unit=b.unit, title="乙副局长")
        Appointment.objects.create(cadre=a0, post=mine, start_date=date(2020, 1, 1))
        Appointment.objects.create(cadre=b, post=theirs, start_date=date(2020, 1, 1))
        detail = login(client, officer_a).get(url(a0)).json()
        assert [e["school"] for e in detail["educations"]] == ["甲大学"]
        assert [(x["post_title"], x["unit_name"]) for x in detail["appointments"]] == [
            ("甲副局长", "甲县财政局")
        ]
        text = json.dumps(detail, ensure_ascii=False)
        assert "乙" not in text

    def test_city_officer_sees_city_managed_in_every_county(
        self, client: Client, officer_city: User, world: dict[str, Any]
    ) -> None:
        body = login(client, officer_city).get(API).json()
        assert ids(client.get(API)) == {world["a_city"].pk} and body["count"] == 1


class TestRoles:
    def test_leader_reads_masked_and_cannot_write(
        self, client: Client, leader_a: User, world: dict[str, Any], city: City
    ) -> None:
        a0 = world["a"][0]
        detail = login(client, leader_a).get(url(a0)).json()
        assert detail["id_number"] is None and "*" in detail["id_number_masked"]
        for method, path in [
            ("post", API),
            ("put", url(a0)),
            ("patch", url(a0)),
            ("delete", url(a0)),
            ("post", url(a0, "/restore")),
        ]:
            response = getattr(client, method)(
                path, {"version": 1}, content_type="application/json"
            )
            assert response.status_code == 403, (method, path)
            assert "领导" in response.json()["message"]
        assert client.get(API, {"deleted": "true"}).status_code == 403
        assert AuditEvent.objects.filter(action="access.denied", actor=leader_a).count() == 6
        assert Cadre.objects.get(pk=a0.pk).version == 1

    def test_officer_gets_full_id_number(self, client: Client, officer_a: User) -> None:
        number = make_id_number(date(1981, 2, 3), "female", 7)
        cadre = CadreFactory(
            unit=officer_a.grants.get().unit,
            gender="female",
            birth_date=date(1981, 2, 3),
            id_number=number,
        )
        assert login(client, officer_a).get(url(cadre)).json()["id_number"] == number
        assert (
            client.get(API).json()["items"][0]["id_number_masked"]
            == number[:6] + "*" * 8 + number[-4:]
        )

    @pytest.mark.parametrize("role", [Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR])
    def test_three_admins_get_403(
        self, client: Client, city: City, world: dict[str, Any], role: str
    ) -> None:
        admin = UserFactory(role=role)
        grant(admin, city.root)  # even a stray grant opens nothing
        login(client, admin)
        for path in (API, url(world["a"][0]), f"/api/v1/units/{city.county_a.pk}/occupancy"):
            response = client.get(path)
            assert response.status_code == 403 and response.json()["code"] == "forbidden"

    def test_unauthenticated_is_json_401(self, client: Client, world: dict[str, Any]) -> None:
        for response in (
            client.get(API),
            client.get(url(world["a"][0])),
            client.post(API, {}, content_type="application/json"),
        ):
            assert response.status_code == 401
            assert response.json()["code"] == "unauthenticated"


def payload(city: City, **over: Any) -> dict[str, Any]:
    data = {
        "name": "赵新",
        "gender": "male",
        "birth_date": "1985-03-12",
        "work_start_date": "2007-07-01",
        "unit": city.county_a_town.pk,
        "managed_by": "county",
        "ethnicity": "彝族",
        "id_number": make_id_number(date(1985, 3, 12), "male", 33),
    }
    return {**data, **over}


class TestWrites:
    def test_create_update_delete_restore(
        self, client: Client, officer_a: User, city: City
    ) -> None:
        login(client, officer_a)
        created = client.post(API, payload(city), content_type="application/json")
        assert created.status_code == 201, created.json()
        cadre = created.json()
        assert cadre["unit"]["id"] == city.county_a_town.pk and cadre["version"] == 1
        assert AuditEvent.objects.filter(action="cadre.create", target_id=str(cadre["id"])).exists()
        path = f"{API}{cadre['id']}"
        patched = client.patch(
            path,
            {"version": 1, "native_place": "云南昭通", "party_join_date": None},
            content_type="application/json",
        ).json()
        assert patched["native_place"] == "云南昭通" and patched["version"] == 2
        put = client.put(
            path,
            {**payload(city, name="赵新华"), "version": 2, "id_number": None},
            content_type="application/json",
        ).json()
        assert put["name"] == "赵新华" and put["id_number"] == payload(city)["id_number"]
        assert client.delete(path).status_code == 204
        assert client.get(path).status_code == 404
        assert client.get(API, {"deleted": "true"}).json()["items"][0]["id"] == cadre["id"]
        assert client.post(f"{path}/restore").json()["version"] == 5

    def test_stale_version_is_409_with_changes(
        self, client: Client, officer_a: User, city: City
    ) -> None:
        login(client, officer_a)
        cadre = client.post(API, payload(city), content_type="application/json").json()
        path = f"{API}{cadre['id']}"
        client.patch(path, {"version": 1, "name": "赵改名"}, content_type="application/json")
        stale = client.patch(
            path, {"version": 1, "health": "良好"}, content_type="application/json"
        )
        assert stale.status_code == 409
        body = stale.json()
        assert body["code"] == "stale_version"
        assert {"field": "name", "label": "姓名", "before": "赵新", "after": "赵改名"} in body[
            "changes"
        ]
        assert all(c["field"] not in ("name_pinyin", "id_number_hash") for c in body["changes"])
        assert Cadre.objects.get(pk=cadre["id"]).health == "健康"

    def test_session_writes_need_csrf(self, officer_a: User, city: City) -> None:
        client = Client(enforce_csrf_checks=True)
        client.force_login(officer_a)
        refused = client.post(API, payload(city), content_type="application/json")
        assert refused.status_code == 403 and "CSRF" in refused.json()["message"]
        client.get("/api/v1/docs")  # any page sets the csrftoken cookie
        token = client.cookies["csrftoken"].value
        ok = client.post(
            API, payload(city), content_type="application/json", headers={"X-CSRFToken": token}
        )
        assert ok.status_code == 201


BAD_INPUT = [
    ({"name": ""}, "name", "姓名：不能为空"),
    ({"name": "   "}, "name", "姓名：不能为空"),
    ({"name": "张" * 51}, "name", "姓名：长度不能超过50个字符"),
    ({"name": 123}, "name", "姓名：应为文本"),
    ({"name": "a\x00b"}, "name", "姓名：不能包含控制字符"),
    ({"gender": "m"}, "gender", "性别：取值无效"),
    ({"ethnicity": "火星族"}, "ethnicity", "民族：取值无效"),
    ({"birth_date": "1985-02-30"}, "birth_date", "出生年月：日期格式无效"),
    ({"birth_date": "1985/03/12"}, "birth_date", "出生年月：日期格式无效"),
    ({"birth_date": 482112000}, "birth_date", "出生年月：日期格式无效"),
    ({"birth_date": "2099-01-01", "id_number": None}, "birth_date", "出生日期不能晚于今天"),
    ({"work_start_date": "1990-01-01"}, "work_start_date", "参加工作时间"),
    ({"id_number": "123"}, "id_number", "公民身份号码应为18位"),
    ({"id_number": "530602198503120339"}, "id_number", "公民身份号码"),
    ({"id_number": "530602198502300331"}, "id_number", "公民身份号码中的出生日期不存在"),
    ({"unit": 987654}, "unit", "工作单位：单位不存在"),
    ({"unit": "abc"}, "unit", "工作单位：应为整数"),
    ({"unit": 2**70}, "unit", "工作单位：不能大于"),
    ({"managed_by": "city"}, "unit", "工作单位："),
    ({"extra": 1}, "extra", "不支持的字段"),
]


class TestBadInput:
    @pytest.mark.parametrize(("change", "field", "message"), BAD_INPUT)
    def test_create_refused_nothing_saved(
        self,
        client: Client,
        officer_a: User,
        city: City,
        change: dict[str, Any],
        field: str,
        message: str,
    ) -> None:
        before = (Cadre.objects.count(), AuditEvent.objects.count())
        response = login(client, officer_a).post(
            API, payload(city, **change), content_type="application/json"
        )
        assert response.status_code == 400, response.json()
        assert message in response.json()["fields"][field]
        assert message in response.json()["message"]
        assert (Cadre.objects.count(), AuditEvent.objects.count()) == before

    def test_unit_of_other_county_reads_as_unknown(
        self, client: Client, officer_a: User, city: City
    ) -> None:
        response = login(client, officer_a).post(
            API, payload(city, unit=city.county_b_dept.pk), content_type="application/json"
        )
        assert response.status_code == 400 and "工作单位" in response.json()["fields"]["unit"]
        assert Cadre.objects.count() == 0

    def test_duplicate_id_number_and_patch_null(
        self, client: Client, officer_a: User, city: City, world: dict[str, Any]
    ) -> None:
        login(client, officer_a)
        dup = client.post(
            API,
            payload(city, id_number=world["b_id"], birth_date="1979-03-03"),
            content_type="application/json",
        )
        assert dup.status_code == 400 and "公民身份号码" in dup.json()["fields"]["id_number"]
        a0 = world["a"][0]
        for body, field, text in [
            ({"version": 1, "name": None}, "name", "姓名：不能为空"),
            ({"version": 1, "name": " "}, "name", "姓名：不能为空"),
            ({"name": "x"}, "version", "版本：不能为空"),
            ({"version": "one"}, "version", "版本：应为整数"),
            (
                {"version": 1, "proposed_post": "x" * 201},
                "proposed_post",
                "拟任职务：长度不能超过200",
            ),
            ({"version": 1, "unit": None}, "unit", "工作单位：不能为空"),
        ]:
            response = client.patch(url(a0), body, content_type="application/json")
            assert response.status_code == 400
            assert text in response.json()["fields"][field]
        assert (
            client.post(API, "{oops", content_type="application/json").json()["code"]
            == "invalid_json"
        )
        assert Cadre.objects.get(pk=a0.pk).version == 1

    @pytest.mark.parametrize(
        ("params", "field"),
        [
            ({"page_size": 101}, "page_size"),
            ({"page": 0}, "page"),
            ({"sort": "id_number"}, "sort"),
            ({"gender": "x"}, "gender"),
            ({"unit": "x"}, "unit"),
            ({"age_min": -1}, "age_min"),
            ({"party_member": "maybe"}, "party_member"),
            ({"q": "张" * 51}, "q"),
            ({"q": "a\x00"}, "q"),
            ({"ethnicity": "汉"}, "ethnicity"),
            ({"tier": "nope"}, "tier.0"),
        ],
    )
    def test_bad_list_params(
        self, client: Client, officer_a: User, params: dict[str, Any], field: str
    ) -> None:
        response = login(client, officer_a).get(API, params)
        assert response.status_code == 400 and field in response.json()["fields"]

    @pytest.mark.parametrize("path", ["abc", "0", str(2**64)])
    def test_bad_ids(self, client: Client, officer_a: User, path: str) -> None:
        assert login(client, officer_a).get(f"{API}{path}").status_code == 400


def test_every_filter_reaches_the_list(client: Client, officer_a: User, city: City) -> None:
    hit = CadreFactory(
        name="欧阳娜",
        gender="female",
        unit=city.county_a_town,
        ethnicity="彝族",
        political_status="none",
        tier=Tier.SECTION_DEPUTY,
        rank_grade="staff_1",
        highest_education="master",
        birth_date=date(1990, 1, 1),
    )
    miss = CadreFactory(name="王强", unit=city.county_a_dept, birth_date=date(1965, 1, 1))
    login(client, officer_a)
    for params in [
        {"q": "欧阳"},
        {"q": "oyn"},
        {"unit": city.county_a_town.pk},
        {"tier": ["section_deputy", "division_deputy"]},
        {"rank_grade": "staff_1"},
        {"gender": "female"},
        {"ethnicity": "彝族"},
        {"education": "bachelor"},
        {"party_member": "false"},
        {"age_max": 45},
    ]:
        assert ids(client.get(API, params)) == {hit.pk}, params
    assert ids(client.get(API, {"age_min": 55, "party_member": "true"})) == {miss.pk}
    assert client.get(API, {"managed_by": "city"}).json()["count"] == 0


@pytest.mark.parametrize("size", [5, 50])
def test_list_query_budget(
    client: Client, officer_a: User, city: City, size: int, django_assert_max_num_queries: Any
) -> None:
    for i in range(60):
        CadreFactory(name=f"批量{i}", unit=city.county_a_dept if i % 2 else city.county_a_town)
    login(client, officer_a)
    # session read + user + grants + count + page (the session is renewed once a minute)
    with django_assert_max_num_queries(8):
        body = client.get(API, {"page_size": size, "sort": "-birth_date"}).json()
    assert len(body["items"]) == size and body["count"] == 60
