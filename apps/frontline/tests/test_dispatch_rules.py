"""Pure dispatch rules at their boundaries: term length (FRONT-2), overlapping full-time
dispatches, the state machine, arrival/departure dates and term-end reminders."""

from datetime import date

import pytest

from apps.core.exceptions import DomainError
from apps.frontline import rules_dispatch as rules
from apps.frontline.constants import DispatchKind, DispatchState

D = date


class TestMinimumTermEnd:
    @pytest.mark.parametrize(
        ("start", "months", "earliest_end"),
        [
            (D(2026, 3, 1), 24, D(2028, 2, 29)),  # leap day is the day before 2028-03-01
            (D(2026, 1, 1), 24, D(2027, 12, 31)),
            (D(2026, 6, 15), 24, D(2028, 6, 14)),
            (D(2026, 1, 31), 1, D(2026, 2, 28)),  # no 31 Feb: the term ends at month end
            (D(2028, 1, 31), 1, D(2028, 2, 29)),
            (D(2026, 3, 31), 1, D(2026, 4, 30)),
            (D(2026, 4, 30), 1, D(2026, 5, 29)),  # 30 May exists: the day before it
            (D(2028, 2, 29), 12, D(2029, 2, 28)),  # start on a leap day, no 29 Feb next year
            (D(2028, 2, 29), 48, D(2032, 2, 28)),  # leap year again: the corresponding day
            (D(2026, 12, 31), 2, D(2027, 2, 28)),
            (D(2026, 2, 28), 12, D(2027, 2, 27)),
        ],
    )
    def test_boundary(self, start, months, earliest_end):
        assert rules.minimum_term_end(start, months) == earliest_end


class TestCheckTerm:
    def test_exactly_24_months_is_enough(self):
        problems = rules.check_term(
            kind=DispatchKind.FIRST_SECRETARY,
            start=D(2026, 3, 1),
            end=D(2028, 2, 29),
            minimum_months=24,
        )
        assert problems == []

    def test_one_day_short_is_refused_with_the_earliest_date(self):
        problems = rules.check_term(
            kind=DispatchKind.WORK_TEAM, start=D(2026, 3, 1), end=D(2028, 2, 28), minimum_months=24
        )
        assert [p.field for p in problems] == ["planned_end"]
        assert "驻村工作队员任期不少于24个月" in problems[0].message
        assert "2028-02-29" in problems[0].message

    def test_other_kinds_have_no_minimum(self):
        for kind in (DispatchKind.SECONDMENT, DispatchKind.APPOINTMENT):
            assert (
                rules.check_term(
                    kind=kind, start=D(2026, 3, 1), end=D(2026, 9, 1), minimum_months=24
                )
                == []
            )

    @pytest.mark.parametrize("end", [D(2026, 3, 1), D(2026, 2, 1)])
    def test_end_must_follow_start_for_every_kind(self, end):
        for kind in DispatchKind.values:
            problems = rules.check_term(kind=kind, start=D(2026, 3, 1), end=end, minimum_months=24)
            assert problems and problems[0].message == "任期届满日期须晚于计划开始日期"

    def test_parameter_value_is_used(self):
        kwargs = {"kind": DispatchKind.FIRST_SECRETARY, "start": D(2026, 3, 1)}
        assert rules.check_term(**kwargs, end=D(2027, 2, 28), minimum_months=12) == []
        assert rules.check_term(**kwargs, end=D(2027, 2, 27), minimum_months=12)


def held(start, end, *, state=DispatchState.APPROVED, full_time=True, actual=(None, None)):
    return rules.HeldDispatch(
        pk=1,
        state=state,
        full_time=full_time,
        planned_start=start,
        planned_end=end,
        actual_start=actual[0],
        actual_end=actual[1],
        label="驻村第一书记·甲县新民村",
    )


class TestOverlap:
    existing = held(D(2026, 3, 1), D(2028, 2, 29))

    def find(self, start, end, others, full_time=True):
        return rules.find_overlap(start=start, end=end, full_time=full_time, others=others)

    def test_touching_end_day_overlaps(self):
        assert self.find(D(2028, 2, 29), D(2029, 1, 1), [self.existing]) == self.existing

    def test_next_day_is_free(self):
        assert self.find(D(2028, 3, 1), D(2030, 2, 28), [self.existing]) is None

    def test_touching_start_day_overlaps(self):
        assert self.find(D(2025, 1, 1), D(2026, 3, 1), [self.existing]) == self.existing
        assert self.find(D(2025, 1, 1), D(2026, 2, 28), [self.existing]) is None

    def test_cancelled_and_part_time_are_ignored(self):
        cancelled = held(D(2026, 3, 1), D(2028, 2, 29), state=DispatchState.CANCELLED)
        part_time = held(D(2026, 3, 1), D(2028, 2, 29), full_time=False)
        assert self.find(D(2026, 5, 1), D(2028, 4, 30), [cancelled, part_time]) is None

    def test_a_part_time_dispatch_never_clashes(self):
        assert self.find(D(2026, 5, 1), D(2027, 1, 1), [self.existing], full_time=False) is None

    def test_ended_dispatch_counts_for_days_actually_served(self):
        recalled = held(
            D(2026, 3, 1),
            D(2028, 2, 29),
            state=DispatchState.RECALLED,
            actual=(D(2026, 3, 5), D(2026, 9, 30)),
        )
        assert self.find(D(2026, 10, 1), D(2028, 9, 30), [recalled]) is None
        assert self.find(D(2026, 9, 30), D(2028, 9, 30), [recalled]) == recalled

    def test_extended_dispatch_uses_its_new_end(self):
        extended = held(D(2026, 3, 1), D(2028, 8, 31), state=DispatchState.EXTENDED)
        assert self.find(D(2028, 3, 1), D(2030, 2, 28), [extended]) == extended


class TestStateMachine:
    @pytest.mark.parametrize(
        ("state", "action", "new"),
        [
            (DispatchState.PLANNED, "approve", DispatchState.APPROVED),
            (DispatchState.PLANNED, "cancel", DispatchState.CANCELLED),
            (DispatchState.APPROVED, "start", DispatchState.IN_POST),
            (DispatchState.APPROVED, "cancel", DispatchState.CANCELLED),
            (DispatchState.IN_POST, "extend", DispatchState.EXTENDED),
            (DispatchState.IN_POST, "return", DispatchState.RETURNED),
            (DispatchState.IN_POST, "recall", DispatchState.RECALLED),
            (DispatchState.EXTENDED, "extend", DispatchState.EXTENDED),
            (DispatchState.EXTENDED, "return", DispatchState.RETURNED),
            (DispatchState.EXTENDED, "recall", DispatchState.RECALLED),
            (DispatchState.IN_POST, "assess", DispatchState.IN_POST),
            (DispatchState.EXTENDED, "assess", DispatchState.EXTENDED),
            (DispatchState.RETURNED, "assess", DispatchState.RETURNED),
        ],
    )
    def test_allowed(self, state, action, new):
        assert rules.next_state(state, action) == new

    @pytest.mark.parametrize(
        ("state", "action"),
        [
            (DispatchState.PLANNED, "start"),
            (DispatchState.PLANNED, "assess"),
            (DispatchState.APPROVED, "approve"),
            (DispatchState.IN_POST, "cancel"),
            (DispatchState.IN_POST, "approve"),
            (DispatchState.RETURNED, "extend"),
            (DispatchState.RECALLED, "assess"),
            (DispatchState.CANCELLED, "approve"),
            (DispatchState.PLANNED, "bogus"),
        ],
    )
    def test_illegal(self, state, action):
        with pytest.raises(DomainError) as exc:
            rules.next_state(state, action)
        assert exc.value.code == "illegal_transition"
        assert DispatchState(state).label in exc.value.message

    def test_every_state_is_in_the_table(self):
        assert set(rules.ALLOWED) == set(DispatchState.values)

    def test_available_actions(self):
        assert rules.available_actions(DispatchState.PLANNED) == ["approve", "cancel"]
        assert rules.available_actions(DispatchState.CANCELLED) == []


class TestDates:
    today = D(2026, 11, 25)

    def test_actual_start_window(self):
        check = rules.check_actual_start
        assert (
            check(actual_start=D(2026, 1, 30), planned_start=D(2026, 3, 1), today=self.today) == []
        )
        late = check(actual_start=D(2026, 1, 29), planned_start=D(2026, 3, 1), today=self.today)
        assert late[0].field == "actual_start" and "2026-01-30" in late[0].message
        assert check(actual_start=self.today, planned_start=D(2026, 3, 1), today=self.today) == []
        future = check(actual_start=D(2026, 11, 26), planned_start=D(2026, 3, 1), today=self.today)
        assert future[0].message == "实际到岗日期不能晚于今天"

    def test_actual_end(self):
        check = rules.check_actual_end
        start = D(2026, 3, 1)
        assert check(actual_end=start, actual_start=start, today=self.today) == []
        assert check(actual_end=D(2026, 2, 28), actual_start=start, today=self.today)
        assert check(actual_end=D(2026, 11, 26), actual_start=start, today=self.today)

    def test_extension_must_move_the_end_later(self):
        assert (
            rules.check_extension(new_planned_end=D(2028, 3, 1), planned_end=D(2028, 2, 29)) == []
        )
        assert rules.check_extension(new_planned_end=D(2028, 2, 29), planned_end=D(2028, 2, 29))

    def test_assessment(self):
        ok = rules.check_assessment(
            grade="excellent", assessed_on=self.today, actual_start=D(2026, 3, 1), today=self.today
        )
        assert ok == []
        bad = rules.check_assessment(
            grade="great", assessed_on=D(2026, 2, 1), actual_start=D(2026, 3, 1), today=self.today
        )
        assert {p.field for p in bad} == {"grade", "assessed_on"}


class TestReminder:
    today = D(2026, 11, 25)

    @pytest.mark.parametrize(
        ("end", "expected"),
        [
            (D(2027, 2, 23), True),  # today + 90 days: the last day of the window
            (D(2027, 2, 24), False),
            (D(2026, 11, 25), True),
            (D(2026, 10, 1), True),  # overdue: still reminded
        ],
    )
    def test_window(self, end, expected):
        assert rules.term_ends_within(end, self.today, 90) is expected

    def test_text(self):
        assert rules.reminder_text(5) == "即将期满（剩5天）"
        assert rules.reminder_text(-3) == "已超期3天"
