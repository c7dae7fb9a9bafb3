"""Cadre list filters, search and sort keys (apps.cadres.filters, selectors.cadre_list)."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from apps.accounts.models import ManagedBy, User
from apps.accounts.tests.factories import UserFactory, grant
from apps.cadres.constants import EducationLevel, PoliticalStatus
from apps.cadres.filters import CadreFilter, search
from apps.cadres.models import Cadre
from apps.cadres.selectors import cadre_list
from apps.cadres.tests.factories import CadreFactory, make_id_number
from conftest import City

pytestmark = pytest.mark.django_db


def born_years_ago(years: int, *, days: int = 0) -> date:
    """The day someone turns `years` today, shifted by `days` (on 29 Feb: born 28 Feb)."""
    today = timezone.localdate()
    try:
        birthday = today.replace(year=today.year - years)
    except ValueError:
        birthday = date(today.year - years, 2, 28)
    return birthday + timedelta(days=days)


def names(qs: object) -> set[str]:
    return {c.name for c in qs}  # type: ignore[attr-defined]


def filtered(params: dict[str, object]) -> set[str]:
    flt = CadreFilter(params, queryset=Cadre.objects.all())
    assert flt.is_valid(), flt.errors
    return names(flt.qs)


@pytest.fixture
def everyone(city: City) -> User:
    """An officer who sees every cadre of the city (both levels), for list-order tests."""
    user = UserFactory()
    grant(user, city.root, levels=[ManagedBy.CITY, ManagedBy.COUNTY])
    return user


class TestSearch:
    @pytest.fixture(autouse=True)
    def cadres(self, city: City) -> None:
        CadreFactory(name="张三", unit=city.county_a)
        CadreFactory(name="张三丰", unit=city.county_a)
        CadreFactory(name="李四", unit=city.county_a)
        CadreFactory(name="欧阳修", unit=city.county_a)

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("三", {"张三", "张三丰"}),  # name contains
            ("阳", {"欧阳修"}),
            ("张三丰", {"张三丰"}),
            ("王", set()),
            ("zhangsan", {"张三", "张三丰"}),  # full pinyin
            ("ZhangSan", {"张三", "张三丰"}),  # case-insensitive
            ("ouyang", {"欧阳修"}),  # pinyin prefix
            ("zs", {"张三", "张三丰"}),  # initials
            ("ZSF", {"张三丰"}),
            ("oyx", {"欧阳修"}),
            ("ls", {"李四"}),
            ("wang", set()),
            ("", {"张三", "张三丰", "李四", "欧阳修"}),
            ("   ", {"张三", "张三丰", "李四", "欧阳修"}),
        ],
    )
    def test_name_pinyin_and_initials(self, text: str, expected: set[str]) -> None:
        assert names(search(Cadre.objects.all(), text)) == expected
        assert filtered({"q": text}) == expected


class TestSearchByIdNumber:
    def test_exact_number_matches_via_keyed_hash(self, city: City) -> None:
        number = make_id_number(date(1980, 5, 17), "male", serial=37)
        target = CadreFactory(name="王五", unit=city.county_a, id_number=number)
        # Another birth date, so the factory's random serial cannot repeat the number.
        CadreFactory(name="赵六", unit=city.county_a, birth_date=date(1981, 5, 17))
        assert number not in target.id_number_encrypted  # only the hash makes it searchable
        assert names(search(Cadre.objects.all(), number)) == {"王五"}
        assert names(search(Cadre.objects.all(), f"  {number}  ")) == {"王五"}

    def test_lower_case_x_finds_the_number(self, city: City) -> None:
        CadreFactory(
            name="钱七", unit=city.county_a, birth_date=date(1949, 12, 31), gender="female",
            id_number="11010519491231002X",
        )  # fmt: skip
        assert names(search(Cadre.objects.all(), "11010519491231002x")) == {"钱七"}

    @pytest.mark.parametrize("cut", [6, 14, 17])
    def test_partial_number_does_not_match(self, city: City, cut: int) -> None:
        number = make_id_number(date(1980, 5, 17), "male", serial=37)
        CadreFactory(name="王五", unit=city.county_a, id_number=number)
        assert names(search(Cadre.objects.all(), number[:cut])) == set()

    def test_masked_form_does_not_match(self, city: City) -> None:
        cadre = CadreFactory(name="王五", unit=city.county_a)
        assert names(search(Cadre.objects.all(), cadre.id_number_masked)) == set()


class TestCadreFilter:
    def test_age_bounds_on_the_birthday(self, city: City) -> None:
        CadreFactory(name="满四十", unit=city.county_a, birth_date=born_years_ago(40))
        CadreFactory(name="明天四十", unit=city.county_a, birth_date=born_years_ago(40, days=1))
        CadreFactory(name="昨天四十", unit=city.county_a, birth_date=born_years_ago(40, days=-1))
        CadreFactory(name="明天四十一", unit=city.county_a, birth_date=born_years_ago(41, days=1))
        CadreFactory(name="满四十一", unit=city.county_a, birth_date=born_years_ago(41))

        assert filtered({"age_min": 40}) == {"满四十", "昨天四十", "明天四十一", "满四十一"}
        assert filtered({"age_max": 39}) == {"明天四十"}
        assert filtered({"age_max": 40}) == {"满四十", "明天四十", "昨天四十", "明天四十一"}
        assert filtered({"age_min": 40, "age_max": 40}) == {"满四十", "昨天四十", "明天四十一"}
        assert filtered({"age_min": 41}) == {"满四十一"}

    def test_negative_age_is_invalid(self, city: City) -> None:
        assert not CadreFilter({"age_min": -1}, queryset=Cadre.objects.all()).is_valid()

    def test_education_at_least(self, city: City) -> None:
        for level in EducationLevel.values:
            CadreFactory(name=f"学历{level}", unit=city.county_a, highest_education=level)
        CadreFactory(name="未填", unit=city.county_a, highest_education="")

        assert filtered({"education": EducationLevel.BACHELOR}) == {
            "学历doctorate",
            "学历master",
            "学历bachelor",
        }
        assert filtered({"education": EducationLevel.DOCTORATE}) == {"学历doctorate"}
        assert len(filtered({"education": EducationLevel.HIGH_SCHOOL})) == len(
            EducationLevel.values
        )

    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("true", {"党员", "预备党员"}),
            ("false", {"团员", "群众", "民主党派"}),
            ("", {"党员", "预备党员", "团员", "群众", "民主党派"}),
        ],
    )
    def test_party_member(self, city: City, value: str, expected: set[str]) -> None:
        for name, status in [
            ("党员", PoliticalStatus.CPC),
            ("预备党员", PoliticalStatus.CPC_PROBATIONARY),
            ("团员", PoliticalStatus.CYL),
            ("群众", PoliticalStatus.NONE),
            ("民主党派", PoliticalStatus.DEMOCRATIC_PARTY),
        ]:
            CadreFactory(name=name, unit=city.county_a, political_status=status)
        assert filtered({"party_member": value}) == expected

    def test_unit_filter_takes_the_subtree(self, city: City) -> None:
        CadreFactory(name="甲县本级", unit=city.county_a)
        CadreFactory(name="甲县局", unit=city.county_a_dept)
        CadreFactory(name="甲县镇", unit=city.county_a_town)
        CadreFactory(name="乙县局", unit=city.county_b_dept)
        CadreFactory(name="市局", unit=city.city_dept)

        assert filtered({"unit": city.county_a.pk}) == {"甲县本级", "甲县局", "甲县镇"}
        assert filtered({"unit": city.county_a_town.pk}) == {"甲县镇"}
        assert len(filtered({"unit": city.root.pk})) == 5

    def test_unknown_unit_gives_nothing(self, city: City) -> None:
        CadreFactory(unit=city.county_a)
        assert filtered({"unit": 987654}) == set()

    def test_unit_filter_cannot_widen_the_scope(self, city: City, officer_a: User) -> None:
        """Filtering by a unit outside the actor's scope narrows; it never adds rows."""
        CadreFactory(name="乙县局", unit=city.county_b_dept)
        qs, _ = cadre_list(actor=officer_a, params={"unit": str(city.county_b.pk)})
        assert list(qs) == []

    def test_filters_combine(self, city: City) -> None:
        CadreFactory(name="张女", unit=city.county_a, gender="female")
        CadreFactory(name="张男", unit=city.county_a, gender="male")
        CadreFactory(name="张男乙", unit=city.county_b, gender="male")
        assert filtered({"q": "zhang", "gender": "male", "unit": city.county_a.pk}) == {"张男"}


class TestCadreList:
    @pytest.fixture
    def cadres(self, city: City) -> dict[str, Cadre]:
        # Code-point order (张 < 李 < 王 < 阿) differs from pinyin order (a < li < wang < zhang).
        return {
            "张": CadreFactory(name="张伟", unit=city.county_a, birth_date=date(1975, 1, 1)),
            "李": CadreFactory(name="李娜", unit=city.city_dept, birth_date=date(1985, 1, 1)),
            "王": CadreFactory(name="王芳", unit=city.county_b, birth_date=date(1970, 1, 1)),
            "阿": CadreFactory(name="阿强", unit=city.county_a_dept, birth_date=date(1980, 1, 1)),
        }

    @pytest.mark.parametrize(
        ("sort", "expected"),
        [
            ("name", ["阿强", "李娜", "王芳", "张伟"]),
            ("-name", ["张伟", "王芳", "李娜", "阿强"]),
            ("birth_date", ["王芳", "张伟", "阿强", "李娜"]),
            ("-birth_date", ["李娜", "阿强", "张伟", "王芳"]),
        ],
    )
    def test_sort_keys(
        self, everyone: User, cadres: dict[str, Cadre], sort: str, expected: list[str]
    ) -> None:
        qs, _ = cadre_list(actor=everyone, params={"sort": sort})
        assert [c.name for c in qs] == expected

    def test_unit_sort_follows_the_tree(self, everyone: User, cadres: dict[str, Cadre]) -> None:
        qs, _ = cadre_list(actor=everyone, params={"sort": "unit"})
        paths = [c.unit.path for c in qs]
        assert paths == sorted(paths)
        reverse, _ = cadre_list(actor=everyone, params={"sort": "-unit"})
        assert [c.pk for c in reverse] == [c.pk for c in qs][::-1]

    @pytest.mark.parametrize("sort", ["", "bogus", "id_number_hash"])
    def test_unknown_sort_falls_back_to_unit_order(
        self, everyone: User, cadres: dict[str, Cadre], sort: str
    ) -> None:
        qs, _ = cadre_list(actor=everyone, params={"sort": sort})
        default, _ = cadre_list(actor=everyone, params={"sort": "unit"})
        assert [c.pk for c in qs] == [c.pk for c in default]

    def test_invalid_filter_gives_an_empty_list_and_errors(
        self, everyone: User, cadres: dict[str, Cadre]
    ) -> None:
        qs, flt = cadre_list(actor=everyone, params={"age_min": "abc"})
        assert list(qs) == []
        assert "age_min" in flt.errors

    def test_deleted_list_shows_only_deleted(
        self, everyone: User, cadres: dict[str, Cadre]
    ) -> None:
        Cadre.objects.filter(pk=cadres["王"].pk).update(deleted_at=timezone.now())
        live, _ = cadre_list(actor=everyone, params={})
        bin_, _ = cadre_list(actor=everyone, params={}, include_deleted=True)
        assert "王芳" not in names(live)
        assert names(bin_) == {"王芳"}
