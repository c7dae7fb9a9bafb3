"""Influence-period rules (rules.md E: DIS-ZW-8, DIS-DJ-10..13, DIS-JM-1, DIS-CALC-1; ASM-DIS-1)
at their boundaries: the day before the end, the end day, the day after; leap days; month ends.
No database."""

from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from apps.tolerance.constants import TYPE_KIND, SanctionKind, SanctionType
from apps.tolerance.params import ORG_MONTHS
from apps.tolerance.rules_sanctions import (
    ADMIN_MONTHS,
    BASIS,
    CAP_NO_EXCELLENT,
    CAP_NOT_GRADED,
    PARTY_MONTHS,
    SanctionStatus,
    add_months,
    administrative_influence_end,
    assessment_cap,
    combined_influence_end,
    counts_for_assessment_year,
    follow_up_due,
    organizational_influence_end,
    party_influence_end,
    period_end,
    sanction_status,
)

D = date


@dataclass
class S:
    """A sanction-like value."""

    influence_until: date | None
    effective_date: date = date(2026, 1, 15)
    revoked_on: date | None = None


class TestPeriodEnd:
    """The date convention: the effective day is day one; the last day is the day before the
    corresponding day N months later, or the month's last day when it has none."""

    @pytest.mark.parametrize(
        ("start", "months", "last"),
        [
            (D(2026, 1, 15), 6, D(2026, 7, 14)),
            (D(2026, 1, 1), 12, D(2026, 12, 31)),
            (D(2026, 3, 1), 6, D(2026, 8, 31)),
            (D(2026, 12, 15), 1, D(2027, 1, 14)),
            (D(2026, 7, 15), 6, D(2027, 1, 14)),
            # month ends: no corresponding day → that month's last day
            (D(2025, 8, 31), 6, D(2026, 2, 28)),
            (D(2025, 8, 30), 6, D(2026, 2, 28)),
            (D(2025, 8, 29), 6, D(2026, 2, 28)),
            (D(2025, 8, 28), 6, D(2026, 2, 27)),
            (D(2026, 3, 31), 6, D(2026, 9, 30)),
            (D(2026, 1, 31), 1, D(2026, 2, 28)),
            (D(2026, 5, 31), 1, D(2026, 6, 30)),
            (D(2026, 1, 30), 6, D(2026, 7, 29)),
            # leap days
            (D(2024, 2, 29), 12, D(2025, 2, 28)),
            (D(2024, 2, 29), 48, D(2028, 2, 28)),
            (D(2024, 2, 29), 6, D(2024, 8, 28)),
            (D(2023, 3, 31), 11, D(2024, 2, 29)),
            (D(2027, 8, 29), 6, D(2028, 2, 28)),
            (D(2027, 8, 30), 6, D(2028, 2, 29)),
            (D(2024, 2, 28), 12, D(2025, 2, 27)),
            (D(2024, 3, 1), 12, D(2025, 2, 28)),
        ],
    )
    def test_table(self, start, months, last):
        assert period_end(start, months) == last

    def test_months_must_be_positive(self):
        with pytest.raises(ValueError, match="at least one month"):
            period_end(D(2026, 1, 1), 0)

    def test_never_decreases_with_the_start(self):
        start = D(2023, 1, 1)
        previous = period_end(start, 12)
        for day in range(1, 3 * 366):
            current = period_end(start + timedelta(days=day), 12)
            assert current >= previous
            previous = current

    @pytest.mark.parametrize(
        ("start", "months", "due"),
        [
            (D(2026, 1, 15), 3, D(2026, 4, 15)),
            (D(2025, 11, 30), 3, D(2026, 2, 28)),
            (D(2023, 11, 30), 3, D(2024, 2, 29)),
            (D(2026, 10, 31), 3, D(2027, 1, 31)),
        ],
    )
    def test_add_months(self, start, months, due):
        assert add_months(start, months) == due


class TestAdministrative:
    """DIS-ZW-8 政务处分法 第八条: 6/12/18/24/24 months; 开除 permanent (DIS-ZW-26)."""

    @pytest.mark.parametrize(
        ("type_", "last"),
        [
            (SanctionType.ADMIN_WARNING, D(2026, 7, 14)),
            (SanctionType.ADMIN_DEMERIT, D(2027, 1, 14)),
            (SanctionType.ADMIN_MAJOR_DEMERIT, D(2027, 7, 14)),
            (SanctionType.ADMIN_DEMOTION, D(2028, 1, 14)),
            (SanctionType.ADMIN_DISMISSAL, D(2028, 1, 14)),
        ],
    )
    def test_periods(self, type_, last):
        assert administrative_influence_end(type_, D(2026, 1, 15)) == last

    def test_expulsion_is_permanent(self):
        assert administrative_influence_end(SanctionType.ADMIN_EXPULSION, D(2026, 1, 15)) is None

    def test_leap_day(self):
        assert administrative_influence_end(SanctionType.ADMIN_DEMERIT, D(2024, 2, 29)) == D(
            2025, 2, 28
        )

    def test_other_kinds_refused(self):
        with pytest.raises(ValueError, match="not an administrative"):
            administrative_influence_end(SanctionType.PARTY_WARNING, D(2026, 1, 15))


class TestParty:
    """纪律处分条例 第十条 (12/18), 第十一条 (24), 第十二条 (留党察看 12|24 + 24), 开除党籍."""

    @pytest.mark.parametrize(
        ("type_", "last"),
        [
            (SanctionType.PARTY_WARNING, D(2027, 1, 14)),
            (SanctionType.PARTY_SERIOUS_WARNING, D(2027, 7, 14)),
            (SanctionType.PARTY_REMOVAL, D(2028, 1, 14)),
        ],
    )
    def test_periods(self, type_, last):
        assert party_influence_end(type_, D(2026, 1, 15)) == last

    @pytest.mark.parametrize(
        ("probation", "last"),
        [(12, D(2029, 1, 14)), (24, D(2030, 1, 14))],  # 12+24 = 36, 24+24 = 48 months
    )
    def test_probation_plus_two_years_after_restoration(self, probation, last):
        assert party_influence_end(SanctionType.PARTY_PROBATION, D(2026, 1, 15), probation) == last

    def test_probation_from_a_leap_day_counts_from_restoration(self):
        # 24 months' probation from 2024-02-29 ends 2026-02-28; rights restored 2026-03-01;
        # two more years end 2028-02-29 (a one-step 48 months would give 2028-02-28).
        end = party_influence_end(SanctionType.PARTY_PROBATION, D(2024, 2, 29), 24)
        assert end == D(2028, 2, 29)
        end = party_influence_end(SanctionType.PARTY_PROBATION, D(2024, 2, 29), 12)
        assert end == D(2027, 2, 28)

    @pytest.mark.parametrize("probation", [None, 6, 18, 36])
    def test_probation_months_only_12_or_24(self, probation):
        with pytest.raises(ValueError, match="12 or 24"):
            party_influence_end(SanctionType.PARTY_PROBATION, D(2026, 1, 15), probation)

    def test_expulsion_is_permanent(self):
        assert party_influence_end(SanctionType.PARTY_EXPULSION, D(2026, 1, 15)) is None

    def test_other_kinds_refused(self):
        with pytest.raises(ValueError, match="not a Party"):
            party_influence_end(SanctionType.ADMIN_WARNING, D(2026, 1, 15))


class TestOrganizational:
    """DIS-JM-1: months from the (UNVERIFIED, configurable) parameter."""

    @pytest.mark.parametrize(("type_", "months"), [(t, m) for t, (_, m) in ORG_MONTHS.items()])
    def test_default_months(self, type_, months):
        assert organizational_influence_end(type_, D(2026, 1, 1), months) == period_end(
            D(2026, 1, 1), months
        )

    def test_admonition_six_months_and_month_end(self):
        assert organizational_influence_end("org_admonition", D(2026, 1, 15), 6) == D(2026, 7, 14)
        assert organizational_influence_end("org_admonition", D(2025, 8, 31), 6) == D(2026, 2, 28)

    def test_other_kinds_refused(self):
        with pytest.raises(ValueError, match="organisational"):
            organizational_influence_end("party_warning", D(2026, 1, 1), 6)


def test_every_type_is_covered():
    """Each party/administrative type has its regulation's basis (page and audit); each
    organisational type has its parameter; the rules' type names are the model's."""
    for t in SanctionType:
        if TYPE_KIND[t.value] == SanctionKind.ORGANIZATIONAL:
            assert t.value in ORG_MONTHS
        else:
            assert t.value in BASIS
    assert set(ADMIN_MONTHS) | set(PARTY_MONTHS) <= set(SanctionType.values)


def test_follow_up_due():
    """REUSE-3: the date set at the latest visit, else interval months after it or after the
    start of the period (month ends clamp)."""
    start = D(2025, 11, 30)
    assert follow_up_due(None, None, start, 3) == D(2026, 2, 28)
    assert follow_up_due(D(2026, 1, 10), None, start, 3) == D(2026, 4, 10)
    assert follow_up_due(D(2026, 1, 10), D(2026, 2, 1), start, 3) == D(2026, 2, 1)


class TestCombined:
    """DIS-CALC-1: the max of the ends, a permanent one dominates, revoked ones ignored."""

    def test_max_not_sum(self):
        periods = [S(D(2027, 1, 14)), S(D(2026, 7, 14)), S(D(2027, 7, 14))]
        assert combined_influence_end(periods) == D(2027, 7, 14)

    def test_permanent_dominates(self):
        assert combined_influence_end([S(D(2027, 1, 14)), S(None)]) is None

    def test_revoked_ignored(self):
        periods = [S(D(2027, 1, 14)), S(None, revoked_on=D(2026, 3, 1))]
        assert combined_influence_end(periods) == D(2027, 1, 14)
        periods = [S(D(2026, 7, 14)), S(D(2028, 1, 1), revoked_on=D(2026, 3, 1))]
        assert combined_influence_end(periods) == D(2026, 7, 14)

    def test_nothing_to_combine(self):
        with pytest.raises(ValueError, match="no unrevoked"):
            combined_influence_end([S(D(2027, 1, 14), revoked_on=D(2026, 2, 1))])


class TestStatus:
    @pytest.mark.parametrize(
        ("on", "status"),
        [
            (D(2026, 1, 14), SanctionStatus.PENDING),  # the day before it takes effect
            (D(2026, 1, 15), SanctionStatus.IN_EFFECT),  # the effective day
            (D(2027, 1, 13), SanctionStatus.IN_EFFECT),  # the day before the end
            (D(2027, 1, 14), SanctionStatus.IN_EFFECT),  # the end day (inclusive)
            (D(2027, 1, 15), SanctionStatus.EXPIRED),  # the day after
        ],
    )
    def test_boundaries(self, on, status):
        assert sanction_status(S(D(2027, 1, 14)), on) == status

    def test_permanent_never_expires(self):
        assert sanction_status(S(None), D(2099, 1, 1)) == SanctionStatus.IN_EFFECT

    def test_revoked_from_the_revocation_day(self):
        s = S(D(2026, 2, 28), revoked_on=D(2026, 3, 1))
        assert sanction_status(s, D(2026, 2, 28)) == SanctionStatus.IN_EFFECT
        assert sanction_status(s, D(2026, 3, 1)) == SanctionStatus.REVOKED
        assert sanction_status(s, D(2030, 1, 1)) == SanctionStatus.REVOKED


class TestAssessment:
    """ASM-DIS-1 (2007 考核规定 第二十五条): 警告 that year → no 优秀; 记过… in effect → no grade;
    the year a sanction lapses is not affected."""

    @pytest.mark.parametrize(
        ("types", "cap"),
        [
            ([], None),
            ([SanctionType.ADMIN_WARNING], CAP_NO_EXCELLENT),
            ([SanctionType.ADMIN_DEMERIT], CAP_NOT_GRADED),
            ([SanctionType.ADMIN_MAJOR_DEMERIT], CAP_NOT_GRADED),
            ([SanctionType.ADMIN_DEMOTION], CAP_NOT_GRADED),
            ([SanctionType.ADMIN_DISMISSAL], CAP_NOT_GRADED),
            ([SanctionType.ADMIN_WARNING, SanctionType.ADMIN_DEMERIT], CAP_NOT_GRADED),
            # 党纪 and 组织处理: UNVERIFIED whether they cap the same way — not mapped
            ([SanctionType.PARTY_WARNING], None),
            ([SanctionType.PARTY_PROBATION], None),
            ([SanctionType.ORG_ADMONITION], None),
        ],
    )
    def test_cap(self, types, cap):
        assert assessment_cap(types) == cap

    @pytest.mark.parametrize(
        ("type_", "effective", "until", "year", "counts"),
        [
            (SanctionType.ADMIN_WARNING, D(2026, 1, 15), D(2026, 7, 14), 2026, True),
            (SanctionType.ADMIN_WARNING, D(2026, 12, 31), D(2027, 6, 30), 2027, False),
            (SanctionType.ADMIN_WARNING, D(2026, 12, 31), D(2027, 6, 30), 2026, True),
            (SanctionType.ADMIN_DEMERIT, D(2026, 1, 15), D(2027, 1, 14), 2026, True),
            (SanctionType.ADMIN_DEMERIT, D(2026, 1, 15), D(2027, 1, 14), 2027, False),
            (SanctionType.ADMIN_DEMERIT, D(2026, 1, 1), D(2026, 12, 31), 2026, True),
            (SanctionType.ADMIN_DEMERIT, D(2026, 1, 1), D(2026, 12, 30), 2026, False),
            (SanctionType.ADMIN_DEMOTION, D(2026, 12, 31), D(2028, 12, 30), 2026, True),
            (SanctionType.ADMIN_DEMOTION, D(2027, 1, 1), D(2028, 12, 31), 2026, False),
            (SanctionType.ADMIN_DEMOTION, D(2026, 3, 1), D(2028, 2, 29), 2027, True),
            (SanctionType.ADMIN_EXPULSION, D(2026, 3, 1), None, 2026, False),
            (SanctionType.PARTY_WARNING, D(2026, 3, 1), D(2027, 2, 28), 2026, False),
        ],
    )
    def test_counts_for_year(self, type_, effective, until, year, counts):
        assert counts_for_assessment_year(type_, effective, until, year) is counts
