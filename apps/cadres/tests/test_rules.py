"""Pure rules of the cadre record: GB 11643 numbers, identity consistency, periods. No DB."""

from datetime import date

import pytest

from apps.cadres import rules
from apps.cadres.rules import Period, age_on, check_identity, check_period, find_overlap

# The two worked examples printed in GB 11643-1999 (one ends in the check character X).
STANDARD_EXAMPLES = ["11010519491231002X", "440524188001010014"]
TODAY = date(2025, 6, 15)
CHECK_CHARS = "0123456789X"


def reference_check_char(first17: str) -> str:
    """ISO 7064 MOD 11-2 written from its definition (weights 2^(17-i) mod 11), independent of
    the lookup tables in rules.py: the check value c satisfies (S + c) ≡ 1 (mod 11)."""
    total = sum(int(d) * (2 ** (17 - i) % 11) for i, d in enumerate(first17))
    value = (12 - total % 11) % 11
    return "X" if value == 10 else str(value)


def with_check(first17: str) -> str:
    return first17 + reference_check_char(first17)


class TestCheckChar:
    @pytest.mark.parametrize("number", STANDARD_EXAMPLES)
    def test_standard_examples_are_valid(self, number: str) -> None:
        assert rules.parse_id_number(number)[0] == number

    @pytest.mark.parametrize(
        "first17",
        [
            "11010519491231002",  # → X
            "44052418800101001",  # → 4
            "53060219800517011",
            "53060219800517012",
            "36042119920304567",
            "00000000000000000",
            "99999999999999999",
        ],
    )
    def test_matches_the_mod_11_2_definition(self, first17: str) -> None:
        assert rules.id_number_check_char(first17) == reference_check_char(first17)

    def test_an_x_check_character_is_accepted_in_either_case(self) -> None:
        number, birth, gender = rules.parse_id_number(" 11010519491231002x ")
        assert (number, birth, gender) == ("11010519491231002X", date(1949, 12, 31), "female")

    @pytest.mark.parametrize("number", STANDARD_EXAMPLES)
    def test_every_wrong_check_character_is_refused(self, number: str) -> None:
        for wrong in CHECK_CHARS.replace(number[-1], ""):
            with pytest.raises(ValueError, match="校验码错误"):
                rules.parse_id_number(number[:17] + wrong)

    @pytest.mark.parametrize(
        "raw",
        [
            "",
            "11010519491231002",  # 17
            "11010519491231002X0",  # 19
            "110105491231002",  # the old 15-digit form
        ],
    )
    def test_wrong_length_is_refused(self, raw: str) -> None:
        with pytest.raises(ValueError, match="18位"):
            rules.parse_id_number(raw)

    @pytest.mark.parametrize(
        "raw",
        [
            "1101051949123100AX",  # letter among the first 17
            "X10105194912310029",  # X anywhere but last
            "11010519491231002Y",  # check character must be a digit or X
            "11010519-491231002",
            "1101051949123100²X",  # a Unicode digit that is not 0-9
        ],
    )
    def test_letters_and_symbols_are_refused(self, raw: str) -> None:
        with pytest.raises(ValueError, match="前17位须为数字"):
            rules.parse_id_number(raw)

    def test_full_width_digits_are_normalised(self) -> None:
        """Chinese input methods type full-width digits; they must give the same number (and so
        the same search hash) as ASCII digits, not a second spelling of it."""
        full_width = "".join(chr(ord(c) + 0xFEE0) for c in "11010519491231002X")
        assert rules.parse_id_number(full_width)[0] == "11010519491231002X"

    @pytest.mark.parametrize(
        "birth",
        [
            "19990229",  # not a leap year
            "19000229",  # century not divisible by 400
            "19801301",  # month 13
            "19800001",  # month 0
            "19800431",  # April has 30 days
            "19800100",  # day 0
        ],
    )
    def test_impossible_birth_dates_are_refused(self, birth: str) -> None:
        number = with_check(f"110105{birth}123")  # a correct check char: only the date is wrong
        with pytest.raises(ValueError, match="出生日期不存在"):
            rules.parse_id_number(number)

    @pytest.mark.parametrize(
        ("birth", "expected"),
        [("20000229", date(2000, 2, 29)), ("19960229", date(1996, 2, 29))],
    )
    def test_leap_day_is_valid(self, birth: str, expected: date) -> None:
        assert rules.parse_id_number(with_check(f"110105{birth}123"))[1] == expected


class TestGenderParity:
    @pytest.mark.parametrize(
        ("digit", "gender"), [(d, "male" if d % 2 else "female") for d in range(10)]
    )
    def test_seventeenth_digit_odd_is_male(self, digit: int, gender: str) -> None:
        number = with_check(f"53060219800517{digit // 2}1{digit}")
        assert rules.parse_id_number(number)[2] == gender


class TestMask:
    @pytest.mark.parametrize(
        ("number", "masked"),
        [
            ("11010519491231002X", "110105********002X"),
            ("440524188001010014", "440524********0014"),
            ("123456789", "*********"),  # too short to show anything
            ("", ""),
        ],
    )
    def test_hides_birth_date_and_serial(self, number: str, masked: str) -> None:
        assert rules.mask_id_number(number) == masked


class TestAgeOn:
    @pytest.mark.parametrize(
        ("birth", "on", "age"),
        [
            (date(1980, 6, 15), date(2025, 6, 15), 45),  # birthday: a full year more
            (date(1980, 6, 15), date(2025, 6, 14), 44),  # the day before
            (date(1980, 6, 15), date(2025, 6, 16), 45),
            (date(1980, 12, 31), date(2025, 1, 1), 44),
            (date(2000, 2, 29), date(2018, 2, 28), 17),  # leap-day births: turn on 1 March
            (date(2000, 2, 29), date(2018, 3, 1), 18),
            (date(2000, 2, 29), date(2024, 2, 29), 24),
        ],
    )
    def test_full_years(self, birth: date, on: date, age: int) -> None:
        assert age_on(birth, on) == age


def identity_problems(**overrides: object) -> dict[str, str]:
    """check_identity over a consistent record with `overrides`; field → message."""
    values: dict[str, object] = {
        "birth_date": date(1980, 5, 17),
        "gender": "male",
        "work_start_date": date(2002, 7, 1),
        "party_join_date": date(2005, 7, 1),
        "id_birth": None,
        "id_gender": None,
        "today": TODAY,
    }
    values.update(overrides)
    return {p.field: p.message for p in check_identity(**values)}  # type: ignore[arg-type]


class TestCheckIdentity:
    def test_a_consistent_record_has_no_problems(self) -> None:
        assert identity_problems() == {}

    def test_all_optional_dates_missing_is_fine(self) -> None:
        assert identity_problems(work_start_date=None, party_join_date=None) == {}

    @pytest.mark.parametrize(
        ("birth", "ok"),
        [
            (date(2007, 6, 15), True),  # 18 today
            (date(2007, 6, 16), False),  # 18 tomorrow
            (date(1955, 6, 15), True),  # 70 today
            (date(1954, 6, 16), True),  # 71 tomorrow: still 70
            (date(1954, 6, 15), False),  # 71 today
        ],
    )
    def test_age_range_18_to_70_on_the_day(self, birth: date, ok: bool) -> None:
        problems = identity_problems(birth_date=birth, work_start_date=None, party_join_date=None)
        assert ("birth_date" not in problems) is ok
        if not ok:
            assert "周岁" in problems["birth_date"]

    def test_birth_in_the_future_is_refused(self) -> None:
        problems = identity_problems(
            birth_date=date(2025, 6, 16), work_start_date=None, party_join_date=None
        )
        assert "晚于今天" in problems["birth_date"]

    @pytest.mark.parametrize(
        ("work_start", "ok"),
        [
            (date(1996, 5, 17), True),  # 16th birthday
            (date(1996, 5, 16), False),  # the day before
            (date(1980, 5, 17), False),  # the birth date itself
            (date(1970, 1, 1), False),  # before birth
            (TODAY, True),
            (date(2025, 6, 16), False),  # future
        ],
    )
    def test_work_starts_at_16_and_not_in_the_future(self, work_start: date, ok: bool) -> None:
        problems = identity_problems(work_start_date=work_start, party_join_date=None)
        assert ("work_start_date" not in problems) is ok
        assert set(problems) <= {"work_start_date"}

    @pytest.mark.parametrize(
        ("joined", "ok"),
        [
            (date(1998, 5, 17), True),  # 18th birthday
            (date(1998, 5, 16), False),  # the day before
            (TODAY, True),
            (date(2025, 6, 16), False),  # future
        ],
    )
    def test_party_join_at_18_and_not_in_the_future(self, joined: date, ok: bool) -> None:
        problems = identity_problems(party_join_date=joined)
        assert ("party_join_date" not in problems) is ok
        assert set(problems) <= {"party_join_date"}

    def test_future_work_start_names_the_reason(self) -> None:
        problems = identity_problems(work_start_date=date(2026, 1, 1))
        assert "晚于今天" in problems["work_start_date"]

    @pytest.mark.parametrize(
        ("id_birth", "id_gender", "fields"),
        [
            (date(1980, 5, 17), "male", set()),
            (date(1980, 5, 18), "male", {"birth_date"}),
            (date(1980, 5, 17), "female", {"gender"}),
            (date(1981, 5, 17), "female", {"birth_date", "gender"}),
        ],
    )
    def test_birth_and_gender_must_match_the_id_number(
        self, id_birth: date, id_gender: str, fields: set[str]
    ) -> None:
        problems = identity_problems(id_birth=id_birth, id_gender=id_gender)
        assert set(problems) == fields
        assert all("公民身份号码" in m for m in problems.values())


def d(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


class TestPeriodOverlaps:
    """Both ends are inclusive: a term ending on a day still covers that day (现任 until 免职)."""

    @pytest.mark.parametrize(
        ("a", "b", "overlap"),
        [
            (("2020-01-01", "2020-12-31"), ("2021-01-01", "2021-12-31"), False),  # next day
            (("2020-01-01", "2020-12-31"), ("2020-12-31", "2021-12-31"), True),  # same day
            (("2020-01-01", "2020-01-01"), ("2020-01-01", "2020-01-01"), True),  # one-day terms
            (("2020-01-01", "2020-12-31"), ("2020-03-01", "2020-04-01"), True),  # contained
            (("2020-01-01", "2020-12-31"), ("2019-01-01", "2019-12-31"), False),  # before
            (("2020-01-01", None), ("2030-01-01", "2030-02-01"), True),  # open-ended covers later
            (("2020-01-01", None), ("2019-01-01", "2019-12-31"), False),  # but not earlier
            (("2020-01-01", None), ("2019-01-01", "2020-01-01"), True),  # ends on its start
            (("2020-01-01", None), ("2025-01-01", None), True),  # two open terms
        ],
    )
    def test_overlap(
        self, a: tuple[str, str | None], b: tuple[str, str | None], overlap: bool
    ) -> None:
        first = Period(d(a[0]), d(a[1]))  # type: ignore[arg-type]
        second = Period(d(b[0]), d(b[1]))  # type: ignore[arg-type]
        assert first.overlaps(second) is overlap
        assert second.overlaps(first) is overlap

    def test_find_overlap_returns_the_clashing_period(self) -> None:
        existing = [
            Period(date(2010, 1, 1), date(2014, 12, 31)),
            Period(date(2015, 1, 1), None),
        ]
        assert find_overlap(Period(date(2008, 1, 1), date(2009, 12, 31)), existing) is None
        assert find_overlap(Period(date(2020, 1, 1), None), existing) == existing[1]
        assert find_overlap(Period(date(2014, 12, 31), date(2014, 12, 31)), existing) == existing[0]
        assert find_overlap(Period(date(2020, 1, 1), None), []) is None


class TestCheckPeriod:
    @pytest.mark.parametrize(
        ("start", "end", "not_before", "fields"),
        [
            ("2020-01-01", "2020-12-31", "2002-07-01", set()),
            ("2020-01-01", None, "2002-07-01", set()),
            ("2020-01-01", "2020-01-01", None, set()),  # a one-day entry is fine
            ("2020-01-01", "2019-12-31", None, {"end_date"}),
            ("2002-07-01", None, "2002-07-01", set()),  # on the work start day
            ("2002-06-30", None, "2002-07-01", {"start_date"}),  # the day before
            ("2002-06-30", "2002-06-01", "2002-07-01", {"start_date", "end_date"}),
        ],
    )
    def test_boundaries(
        self, start: str, end: str | None, not_before: str | None, fields: set[str]
    ) -> None:
        problems = check_period(
            start=date.fromisoformat(start), end=d(end), not_before=d(not_before), label="任职"
        )
        assert {p.field for p in problems} == fields
        assert all(p.message.startswith("任职") for p in problems)
