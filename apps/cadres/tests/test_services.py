"""Writes to the cadre record: validation, scope, optimistic locking, audit, derived fields."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from apps.accounts.models import ManagedBy, User
from apps.accounts.tests.factories import UserFactory, grant
from apps.cadres import identity, services
from apps.cadres.constants import EducationLevel, EducationMode, RankGrade
from apps.cadres.models import Appointment, Cadre, Education, RankRecord
from apps.cadres.services import AppointmentInput
from apps.cadres.tests.factories import PostFactory, make_id_number
from apps.core.exceptions import DomainError, OutOfScopeError, StaleVersionError
from apps.core.models import AuditEvent
from apps.units.constants import Tier
from conftest import City

pytestmark = pytest.mark.django_db

TODAY = date(2025, 6, 15)
BIRTH = date(1980, 5, 17)


def all_cadres() -> int:
    return Cadre.objects.unscoped_for_jobs_and_migrations().count()


def last_event(action: str) -> AuditEvent:
    event = AuditEvent.objects.filter(action=action).order_by("-id").first()
    assert event is not None, f"no audit event {action}"
    return event


@pytest.fixture
def data(city: City) -> dict[str, Any]:
    """Form data of a valid 县管 cadre of county A (what a create form hands the service)."""
    return {
        "name": "张三丰",
        "gender": "male",
        "birth_date": BIRTH,
        "work_start_date": date(2002, 7, 1),
        "party_join_date": date(2005, 7, 1),
        "unit": city.county_a_dept,
        "managed_by": ManagedBy.COUNTY,
        "id_number": make_id_number(BIRTH, "male", serial=41),
    }


@pytest.fixture
def cadre(officer_a: User, data: dict[str, Any]) -> Cadre:
    return services.cadre_create(actor=officer_a, data=data, today=TODAY)


class TestCadreCreate:
    def test_creates_with_pinyin_and_audit(self, officer_a: User, data: dict[str, Any]) -> None:
        cadre = services.cadre_create(actor=officer_a, data=data, today=TODAY)

        cadre.refresh_from_db()
        assert (cadre.name_pinyin, cadre.name_initials) == ("zhangsanfeng", "zsf")
        assert cadre.version == 1
        event = last_event("cadre.create")
        assert event.actor == officer_a
        assert event.target_id == str(cadre.pk)
        assert event.after["name"] == "张三丰"
        assert event.after["unit"] == data["unit"].pk
        assert event.before is None

    def test_id_number_is_encrypted_hashed_and_masked(
        self, officer_a: User, data: dict[str, Any]
    ) -> None:
        number = data["id_number"]
        cadre = services.cadre_create(actor=officer_a, data=data, today=TODAY)

        cadre.refresh_from_db()
        assert number not in cadre.id_number_encrypted
        assert identity.decrypt(cadre.id_number_encrypted) == number
        assert cadre.id_number_hash == identity.search_hash(number)
        assert cadre.id_number_masked == number[:6] + "*" * 8 + number[-4:]
        # The clear number never reaches the audit log.
        event = last_event("cadre.create")
        assert number not in str(event.after)
        assert "id_number_encrypted" not in event.after

    def test_id_number_is_normalised(self, officer_a: User, data: dict[str, Any]) -> None:
        data.update(
            birth_date=date(1949, 12, 31),
            gender="female",
            work_start_date=date(1968, 1, 1),
            party_join_date=None,
            id_number=" 11010519491231002x ",
        )
        cadre = services.cadre_create(actor=officer_a, data=data, today=date(2019, 1, 1))
        assert identity.decrypt(cadre.id_number_encrypted) == "11010519491231002X"

    @pytest.mark.parametrize("spelling", ["same", "lower_x", "full_width"])
    def test_duplicate_id_number_is_refused(
        self, officer_a: User, data: dict[str, Any], spelling: str
    ) -> None:
        # A number ending in X, so that the lower-case and full-width spellings differ.
        number = next(
            n for n in (make_id_number(BIRTH, "male", serial=s) for s in range(100)) if n[-1] == "X"
        )
        data["id_number"] = number
        services.cadre_create(actor=officer_a, data=data, today=TODAY)
        again = {
            "same": number,
            "lower_x": number.lower(),
            "full_width": "".join(chr(ord(c) + 0xFEE0) for c in number),
        }[spelling]
        counts = (all_cadres(), AuditEvent.objects.count())

        with pytest.raises(DomainError) as exc:
            services.cadre_create(
                actor=officer_a, data={**data, "name": "李四", "id_number": again}, today=TODAY
            )
        assert "id_number" in exc.value.fields
        assert (all_cadres(), AuditEvent.objects.count()) == counts

    def test_duplicate_of_a_deleted_cadre_is_refused(
        self, officer_a: User, cadre: Cadre, data: dict[str, Any]
    ) -> None:
        services.cadre_delete(actor=officer_a, cadre_id=cadre.pk)
        with pytest.raises(DomainError) as exc:
            services.cadre_create(actor=officer_a, data=data, today=TODAY)
        assert "id_number" in exc.value.fields

    def test_concurrent_duplicate_is_refused_by_the_database(
        self, cadre: Cadre, data: dict[str, Any]
    ) -> None:
        """A second save that raced past the service's check (same number, committed meanwhile):
        the unique constraint refuses it with the service's message; the first stays intact."""
        from apps.cadres.services.record import _save

        twin = Cadre.objects.get(pk=cadre.pk)
        twin.pk, twin.name = None, "李四"
        before = all_cadres()

        with pytest.raises(DomainError) as exc:
            _save(twin)
        assert exc.value.fields == {"id_number": "该公民身份号码已登记在另一干部名下"}
        assert all_cadres() == before
        assert Cadre.objects.get(pk=cadre.pk).name == "张三丰"

    @pytest.mark.parametrize(
        "bad",
        ["123", "53060219800517041Z", "530602198013170410", "bad"],
    )
    def test_invalid_id_number_is_refused(
        self, officer_a: User, data: dict[str, Any], bad: str
    ) -> None:
        counts = (all_cadres(), AuditEvent.objects.count())
        with pytest.raises(DomainError) as exc:
            services.cadre_create(actor=officer_a, data={**data, "id_number": bad}, today=TODAY)
        assert "公民身份号码" in exc.value.fields["id_number"]
        assert (all_cadres(), AuditEvent.objects.count()) == counts

    def test_wrong_check_character_is_refused(self, officer_a: User, data: dict[str, Any]) -> None:
        number = data["id_number"]
        wrong = number[:17] + ("0" if number[17] != "0" else "1")
        with pytest.raises(DomainError) as exc:
            services.cadre_create(actor=officer_a, data={**data, "id_number": wrong}, today=TODAY)
        assert "校验码" in exc.value.fields["id_number"]

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"work_start_date": date(1996, 5, 16)}, "work_start_date"),  # day before 16
            ({"party_join_date": date(1998, 5, 16)}, "party_join_date"),  # day before 18
            ({"party_join_date": TODAY + timedelta(days=1)}, "party_join_date"),
            ({"birth_date": date(1980, 5, 18)}, "birth_date"),  # differs from the id number
            ({"gender": "female"}, "gender"),  # differs from the id number
            ({"birth_date": date(2010, 1, 1), "id_number": ""}, "birth_date"),  # age 15
        ],
    )
    def test_inconsistent_record_names_the_field(
        self, officer_a: User, data: dict[str, Any], change: dict[str, Any], field: str
    ) -> None:
        counts = (all_cadres(), AuditEvent.objects.count())
        with pytest.raises(DomainError) as exc:
            services.cadre_create(actor=officer_a, data={**data, **change}, today=TODAY)
        assert field in exc.value.fields
        assert exc.value.code == "invalid_record"
        assert (all_cadres(), AuditEvent.objects.count()) == counts

    @pytest.mark.parametrize(
        ("unit_attr", "managed_by"),
        [
            ("county_b_dept", ManagedBy.COUNTY),  # another county
            ("city_dept", ManagedBy.COUNTY),  # the city's own department
            ("county_a_dept", ManagedBy.CITY),  # own county but a 市管 cadre
        ],
    )
    def test_outside_change_scope_is_refused(
        self,
        officer_a: User,
        city: City,
        data: dict[str, Any],
        unit_attr: str,
        managed_by: str,
    ) -> None:
        data.update(unit=getattr(city, unit_attr), managed_by=managed_by)
        counts = (all_cadres(), AuditEvent.objects.count())
        with pytest.raises(DomainError) as exc:
            services.cadre_create(actor=officer_a, data=data, today=TODAY)
        assert "unit" in exc.value.fields
        assert (all_cadres(), AuditEvent.objects.count()) == counts

    def test_leader_cannot_create(self, leader_a: User, data: dict[str, Any]) -> None:
        counts = (all_cadres(), AuditEvent.objects.count())
        with pytest.raises(DomainError):
            services.cadre_create(actor=leader_a, data=data, today=TODAY)
        assert (all_cadres(), AuditEvent.objects.count()) == counts

    def test_city_officer_creates_a_city_managed_cadre_in_a_county(
        self, officer_city: User, city: City, data: dict[str, Any]
    ) -> None:
        data.update(unit=city.county_b_dept, managed_by=ManagedBy.CITY)
        cadre = services.cadre_create(actor=officer_city, data=data, today=TODAY)
        assert Cadre.objects.visible_to(officer_city).filter(pk=cadre.pk).exists()


class TestCadreUpdate:
    def test_version_increments_and_audit_has_only_changes(
        self, officer_a: User, cadre: Cadre
    ) -> None:
        updated = services.cadre_update(
            actor=officer_a,
            cadre_id=cadre.pk,
            expected_version=1,
            data={"expertise": "财政预算", "health": "良好"},
            today=TODAY,
        )

        assert updated.version == 2
        cadre.refresh_from_db()
        assert (cadre.expertise, cadre.health, cadre.version) == ("财政预算", "良好", 2)
        event = last_event("cadre.update")
        assert event.actor == officer_a
        assert event.before == {"expertise": "", "health": "健康", "version": 1}
        assert event.after == {"expertise": "财政预算", "health": "良好", "version": 2}
        assert event.detail == {"version": 2}

    def test_rename_updates_pinyin(self, officer_a: User, cadre: Cadre) -> None:
        services.cadre_update(
            actor=officer_a, cadre_id=cadre.pk, expected_version=1, data={"name": "李四"}
        )
        cadre.refresh_from_db()
        assert (cadre.name_pinyin, cadre.name_initials) == ("lisi", "ls")
        event = last_event("cadre.update")
        assert event.before["name_pinyin"] == "zhangsanfeng"
        assert event.after["name_pinyin"] == "lisi"

    def test_stale_version_reports_what_the_other_user_changed(
        self, officer_a: User, city: City, cadre: Cadre
    ) -> None:
        colleague = UserFactory()
        grant(colleague, city.county_a, levels=[ManagedBy.COUNTY])
        # Both loaded version 1; the colleague saves first, twice.
        services.cadre_update(
            actor=colleague, cadre_id=cadre.pk, expected_version=1, data={"expertise": "审计"}
        )
        services.cadre_update(
            actor=colleague,
            cadre_id=cadre.pk,
            expected_version=2,
            data={"expertise": "统计", "health": "良好"},
        )
        counts = AuditEvent.objects.count()

        with pytest.raises(StaleVersionError) as exc:
            services.cadre_update(
                actor=officer_a,
                cadre_id=cadre.pk,
                expected_version=1,
                data={"expertise": "我的修改"},
            )

        assert exc.value.changes == {"expertise": ("", "统计"), "health": ("健康", "良好")}
        cadre.refresh_from_db()
        assert (cadre.expertise, cadre.version) == ("统计", 3)
        assert AuditEvent.objects.count() == counts

    def test_stale_version_only_shows_changes_after_the_users_version(
        self, officer_a: User, cadre: Cadre
    ) -> None:
        services.cadre_update(
            actor=officer_a, cadre_id=cadre.pk, expected_version=1, data={"health": "良好"}
        )
        services.cadre_update(
            actor=officer_a, cadre_id=cadre.pk, expected_version=2, data={"expertise": "审计"}
        )
        with pytest.raises(StaleVersionError) as exc:
            services.cadre_update(
                actor=officer_a, cadre_id=cadre.pk, expected_version=2, data={"health": "一般"}
            )
        assert exc.value.changes == {"expertise": ("", "审计")}

    @pytest.mark.parametrize(
        ("unit_attr", "managed_by"),
        [("county_b_dept", ManagedBy.COUNTY), ("county_a_dept", ManagedBy.CITY)],
    )
    def test_moving_out_of_scope_rolls_back(
        self, officer_a: User, city: City, cadre: Cadre, unit_attr: str, managed_by: str
    ) -> None:
        counts = AuditEvent.objects.count()
        with pytest.raises(DomainError) as exc:
            services.cadre_update(
                actor=officer_a,
                cadre_id=cadre.pk,
                expected_version=1,
                data={"unit": getattr(city, unit_attr), "managed_by": managed_by, "health": "x"},
            )
        assert "unit" in exc.value.fields
        cadre.refresh_from_db()
        assert (cadre.unit, cadre.managed_by, cadre.health, cadre.version) == (
            city.county_a_dept,
            ManagedBy.COUNTY,
            "健康",
            1,
        )
        assert AuditEvent.objects.count() == counts

    def test_moving_within_scope_is_allowed(
        self, officer_a: User, city: City, cadre: Cadre
    ) -> None:
        services.cadre_update(
            actor=officer_a, cadre_id=cadre.pk, expected_version=1, data={"unit": city.county_a}
        )
        event = last_event("cadre.update")
        assert event.before["unit"] == city.county_a_dept.pk
        assert event.after["unit"] == city.county_a.pk

    def test_out_of_scope_cadre_cannot_be_updated(
        self, officer_city: User, leader_a: User, cadre: Cadre
    ) -> None:
        for actor in (officer_city, leader_a):  # 市管 only; read-only
            with pytest.raises(OutOfScopeError):
                services.cadre_update(
                    actor=actor, cadre_id=cadre.pk, expected_version=1, data={"health": "x"}
                )
        cadre.refresh_from_db()
        assert cadre.version == 1

    def test_birth_date_must_still_agree_with_the_stored_id_number(
        self, officer_a: User, cadre: Cadre
    ) -> None:
        with pytest.raises(DomainError) as exc:
            services.cadre_update(
                actor=officer_a,
                cadre_id=cadre.pk,
                expected_version=1,
                data={"birth_date": date(1981, 5, 17)},
                today=TODAY,
            )
        assert "birth_date" in exc.value.fields
        cadre.refresh_from_db()
        assert cadre.birth_date == BIRTH

    def test_invalid_dates_roll_back(self, officer_a: User, cadre: Cadre) -> None:
        with pytest.raises(DomainError) as exc:
            services.cadre_update(
                actor=officer_a,
                cadre_id=cadre.pk,
                expected_version=1,
                data={"work_start_date": date(1990, 1, 1), "expertise": "x"},
                today=TODAY,
            )
        assert set(exc.value.fields) == {"work_start_date"}
        cadre.refresh_from_db()
        assert (cadre.work_start_date, cadre.expertise) == (date(2002, 7, 1), "")


class TestCadreDeleteRestore:
    def test_delete_hides_and_restore_brings_back(self, officer_a: User, cadre: Cadre) -> None:
        services.cadre_delete(actor=officer_a, cadre_id=cadre.pk)

        assert not Cadre.objects.visible_to(officer_a).filter(pk=cadre.pk).exists()
        assert (
            Cadre.objects.visible_to(officer_a, include_deleted=True).filter(pk=cadre.pk).exists()
        )
        cadre.refresh_from_db()
        assert cadre.deleted_by == officer_a
        assert cadre.deleted_at is not None
        assert last_event("cadre.delete").target_id == str(cadre.pk)

        services.cadre_restore(actor=officer_a, cadre_id=cadre.pk)

        assert Cadre.objects.visible_to(officer_a).filter(pk=cadre.pk).exists()
        cadre.refresh_from_db()
        assert (cadre.deleted_at, cadre.deleted_by, cadre.version) == (None, None, 3)
        assert last_event("cadre.restore").actor == officer_a

    def test_deleted_cadre_cannot_be_updated_or_deleted_again(
        self, officer_a: User, cadre: Cadre
    ) -> None:
        services.cadre_delete(actor=officer_a, cadre_id=cadre.pk)
        with pytest.raises(OutOfScopeError):
            services.cadre_update(
                actor=officer_a, cadre_id=cadre.pk, expected_version=2, data={"health": "x"}
            )
        with pytest.raises(OutOfScopeError):
            services.cadre_delete(actor=officer_a, cadre_id=cadre.pk)

    def test_only_deleted_cadres_can_be_restored(self, officer_a: User, cadre: Cadre) -> None:
        with pytest.raises(OutOfScopeError):
            services.cadre_restore(actor=officer_a, cadre_id=cadre.pk)

    def test_out_of_scope_users_cannot_delete_or_restore(
        self, officer_a: User, officer_city: User, leader_a: User, cadre: Cadre
    ) -> None:
        for actor in (officer_city, leader_a):
            with pytest.raises(OutOfScopeError):
                services.cadre_delete(actor=actor, cadre_id=cadre.pk)
        services.cadre_delete(actor=officer_a, cadre_id=cadre.pk)
        for actor in (officer_city, leader_a):
            with pytest.raises(OutOfScopeError):
                services.cadre_restore(actor=actor, cadre_id=cadre.pk)
        assert AuditEvent.objects.filter(action="cadre.restore").count() == 0


@pytest.fixture
def posts(city: City) -> dict[str, Any]:
    return {
        "deputy": PostFactory(unit=city.county_a_dept, title="副局长", tier=Tier.SECTION_DEPUTY),
        "head": PostFactory(unit=city.county_a_dept, title="局长", tier=Tier.SECTION_PRINCIPAL),
    }


def appoint(actor: User, cadre: Cadre, post: Any, start: str, end: str | None = None) -> Any:
    return services.appointment_add(
        actor=actor,
        cadre_id=cadre.pk,
        data=AppointmentInput(
            post_id=post.pk,
            start_date=date.fromisoformat(start),
            end_date=date.fromisoformat(end) if end else None,
        ),
    )


class TestAppointmentAdd:
    def test_adds_and_updates_derived_fields(
        self, officer_a: User, cadre: Cadre, posts: dict[str, Any]
    ) -> None:
        appointment = appoint(officer_a, cadre, posts["deputy"], "2020-01-01")

        cadre.refresh_from_db()
        assert cadre.current_post_title == "甲县财政局副局长"
        assert cadre.tier == Tier.SECTION_DEPUTY
        event = last_event("cadre.appointment.add")
        assert event.target_id == str(cadre.pk)
        assert event.after["post"] == posts["deputy"].pk
        assert event.after["id"] == appointment.pk

    def test_highest_current_post_sets_the_tier(
        self, officer_a: User, cadre: Cadre, posts: dict[str, Any]
    ) -> None:
        appoint(officer_a, cadre, posts["deputy"], "2018-01-01", "2020-12-31")
        cadre.refresh_from_db()
        assert (cadre.current_post_title, cadre.tier) == ("", "")  # ended: not current

        appoint(officer_a, cadre, posts["deputy"], "2021-01-01")
        appoint(officer_a, cadre, posts["head"], "2022-01-01")
        cadre.refresh_from_db()
        assert cadre.tier == Tier.SECTION_PRINCIPAL
        assert cadre.current_post_title == "甲县财政局局长、甲县财政局副局长"

    @pytest.mark.parametrize(
        ("existing", "new"),
        [
            (("2015-01-01", "2018-12-31"), ("2018-12-31", None)),  # starts on the last day
            (("2015-01-01", "2018-12-31"), ("2014-01-01", "2015-01-01")),  # ends on the first
            (("2015-01-01", "2018-12-31"), ("2016-01-01", "2016-06-30")),  # inside
            (("2015-01-01", None), ("2030-01-01", "2030-06-30")),  # open-ended existing
            (("2015-01-01", "2018-12-31"), ("2010-01-01", None)),  # open-ended new
        ],
    )
    def test_overlap_in_the_same_post_is_refused(
        self,
        officer_a: User,
        cadre: Cadre,
        posts: dict[str, Any],
        existing: tuple[str, str | None],
        new: tuple[str, str | None],
    ) -> None:
        appoint(officer_a, cadre, posts["deputy"], *existing)
        counts = (Appointment.objects.count(), AuditEvent.objects.count())
        with pytest.raises(DomainError) as exc:
            appoint(officer_a, cadre, posts["deputy"], *new)
        assert "重叠" in exc.value.fields["start_date"]
        assert (Appointment.objects.count(), AuditEvent.objects.count()) == counts

    def test_adjacent_terms_and_other_posts_are_allowed(
        self, officer_a: User, cadre: Cadre, posts: dict[str, Any]
    ) -> None:
        appoint(officer_a, cadre, posts["deputy"], "2015-01-01", "2018-12-31")
        appoint(officer_a, cadre, posts["deputy"], "2019-01-01")
        appoint(officer_a, cadre, posts["head"], "2016-01-01", "2017-12-31")
        assert cadre.appointments.count() == 3

    @pytest.mark.parametrize(
        ("start", "end", "field"),
        [
            ("2002-06-30", None, "start_date"),  # the day before work start (2002-07-01)
            ("2020-01-01", "2019-12-31", "end_date"),
        ],
    )
    def test_invalid_period_is_refused(
        self,
        officer_a: User,
        cadre: Cadre,
        posts: dict[str, Any],
        start: str,
        end: str | None,
        field: str,
    ) -> None:
        with pytest.raises(DomainError) as exc:
            appoint(officer_a, cadre, posts["deputy"], start, end)
        assert field in exc.value.fields
        assert not cadre.appointments.exists()

    def test_start_on_the_work_start_day_is_allowed(
        self, officer_a: User, cadre: Cadre, posts: dict[str, Any]
    ) -> None:
        appoint(officer_a, cadre, posts["deputy"], "2002-07-01", "2003-07-01")
        assert cadre.appointments.count() == 1

    def test_unknown_post_is_refused(self, officer_a: User, cadre: Cadre) -> None:
        with pytest.raises(DomainError) as exc:
            services.appointment_add(
                actor=officer_a,
                cadre_id=cadre.pk,
                data=AppointmentInput(post_id=987654, start_date=date(2020, 1, 1)),
            )
        assert "post" in exc.value.fields

    def test_out_of_scope_cadre_is_refused(
        self, officer_city: User, cadre: Cadre, posts: dict[str, Any]
    ) -> None:
        with pytest.raises(OutOfScopeError):
            appoint(officer_city, cadre, posts["deputy"], "2020-01-01")
        assert not Appointment.objects.exists()


class TestRankAdd:
    def test_closes_the_previous_open_rank_the_day_before(
        self, officer_a: User, cadre: Cadre
    ) -> None:
        first = services.rank_add(
            actor=officer_a,
            cadre_id=cadre.pk,
            data={"rank_grade": RankGrade.PRINCIPAL_STAFF_4, "start_date": date(2015, 1, 1)},
        )
        cadre.refresh_from_db()
        assert cadre.rank_grade == RankGrade.PRINCIPAL_STAFF_4

        services.rank_add(
            actor=officer_a,
            cadre_id=cadre.pk,
            data={"rank_grade": RankGrade.PRINCIPAL_STAFF_3, "start_date": date(2020, 1, 1)},
        )

        first.refresh_from_db()
        assert first.end_date == date(2019, 12, 31)
        assert RankRecord.objects.filter(cadre=cadre, end_date__isnull=True).count() == 1
        cadre.refresh_from_db()
        assert cadre.rank_grade == RankGrade.PRINCIPAL_STAFF_3
        assert last_event("cadre.rank.add").after["rank_grade"] == RankGrade.PRINCIPAL_STAFF_3

    def test_a_closed_historical_rank_leaves_the_current_one_open(
        self, officer_a: User, cadre: Cadre
    ) -> None:
        current = services.rank_add(
            actor=officer_a,
            cadre_id=cadre.pk,
            data={"rank_grade": RankGrade.PRINCIPAL_STAFF_3, "start_date": date(2020, 1, 1)},
        )
        services.rank_add(
            actor=officer_a,
            cadre_id=cadre.pk,
            data={
                "rank_grade": RankGrade.PRINCIPAL_STAFF_4,
                "start_date": date(2015, 1, 1),
                "end_date": date(2019, 12, 31),
            },
        )
        current.refresh_from_db()
        assert current.end_date is None
        cadre.refresh_from_db()
        assert cadre.rank_grade == RankGrade.PRINCIPAL_STAFF_3

    def test_rank_before_work_start_is_refused(self, officer_a: User, cadre: Cadre) -> None:
        with pytest.raises(DomainError) as exc:
            services.rank_add(
                actor=officer_a,
                cadre_id=cadre.pk,
                data={"rank_grade": RankGrade.STAFF_2, "start_date": date(2001, 1, 1)},
            )
        assert "start_date" in exc.value.fields
        assert not RankRecord.objects.exists()


class TestEducationAdd:
    def education(self, level: str, end: date) -> dict[str, Any]:
        return {
            "mode": EducationMode.FULL_TIME,
            "level": level,
            "school": "云南大学",
            "end_date": end,
        }

    def test_updates_highest_education(self, officer_a: User, cadre: Cadre) -> None:
        services.education_add(
            actor=officer_a,
            cadre_id=cadre.pk,
            data=self.education(EducationLevel.BACHELOR, date(2002, 7, 1)),
        )
        cadre.refresh_from_db()
        assert cadre.highest_education == EducationLevel.BACHELOR

        services.education_add(
            actor=officer_a,
            cadre_id=cadre.pk,
            data={
                **self.education(EducationLevel.MASTER, date(2008, 7, 1)),
                "mode": EducationMode.IN_SERVICE,
            },
        )
        services.education_add(
            actor=officer_a,
            cadre_id=cadre.pk,
            data=self.education(EducationLevel.ASSOCIATE, date(1999, 7, 1)),
        )
        cadre.refresh_from_db()
        assert cadre.highest_education == EducationLevel.MASTER
        assert Education.objects.filter(cadre=cadre).count() == 3
        assert last_event("cadre.education.add").after["level"] == EducationLevel.ASSOCIATE

    def test_graduation_before_birth_is_refused(self, officer_a: User, cadre: Cadre) -> None:
        with pytest.raises(DomainError) as exc:
            services.education_add(
                actor=officer_a,
                cadre_id=cadre.pk,
                data=self.education(EducationLevel.BACHELOR, BIRTH),
            )
        assert "end_date" in exc.value.fields
        assert not Education.objects.exists()

    def test_out_of_scope_cadre_is_refused(self, officer_city: User, cadre: Cadre) -> None:
        with pytest.raises(OutOfScopeError):
            services.education_add(
                actor=officer_city,
                cadre_id=cadre.pk,
                data=self.education(EducationLevel.BACHELOR, date(2002, 7, 1)),
            )


def test_derived_fields_use_today(officer_a: User, cadre: Cadre, posts: dict[str, Any]) -> None:
    """An appointment starting in the future is not yet a current post."""
    tomorrow = timezone.localdate() + timedelta(days=1)
    appoint(officer_a, cadre, posts["head"], tomorrow.isoformat())
    cadre.refresh_from_db()
    assert cadre.current_post_title == ""
