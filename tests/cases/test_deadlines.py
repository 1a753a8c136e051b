"""Deadlines in calendar and working days across Spring Festival and National Day."""

from __future__ import annotations

from datetime import date

import pytest

from finsentry.cases.deadlines import (
    DayKind,
    add_working_days,
    calendar_years,
    due_date,
    is_overdue,
    is_working_day,
)
from finsentry.cases.errors import CalendarOutOfRange


@pytest.mark.parametrize(
    ("served", "days", "due"),
    [
        # National Day 2016: 1-7 October off, Saturday 8 and Sunday 9 worked.
        (date(2016, 9, 29), 1, date(2016, 9, 30)),
        (date(2016, 9, 29), 2, date(2016, 10, 8)),
        (date(2016, 9, 29), 3, date(2016, 10, 9)),
        (date(2016, 9, 29), 5, date(2016, 10, 11)),
        # Spring Festival 2016: 7-13 February off, Saturday 6 and Sunday 14 worked.
        (date(2016, 2, 4), 2, date(2016, 2, 6)),
        (date(2016, 2, 5), 2, date(2016, 2, 14)),
        # Spring Festival 2026: 15-23 February off, Saturdays 14 and 28 worked.
        (date(2026, 2, 12), 2, date(2026, 2, 14)),
        (date(2026, 2, 13), 2, date(2026, 2, 24)),
        (date(2026, 2, 23), 5, date(2026, 2, 28)),
        # Mid-Autumn and National Day 2026: 25-27 Sept, 1-7 Oct off; 20 Sept and
        # 10 Oct (Sunday and Saturday) worked.
        (date(2026, 9, 18), 1, date(2026, 9, 20)),
        (date(2026, 9, 24), 3, date(2026, 9, 30)),
        (date(2026, 9, 28), 3, date(2026, 10, 8)),
        (date(2026, 9, 28), 5, date(2026, 10, 10)),
        (date(2026, 9, 14), 15, date(2026, 10, 10)),
    ],
)
def test_working_days_skip_holidays_and_count_make_up_days(
    served: date, days: int, due: date
) -> None:
    deadline = due_date(served, days, DayKind.WORKING)
    assert deadline.due == due
    assert deadline.rolled_from is None
    assert add_working_days(served, days) == due


def test_make_up_saturday_is_a_working_day_and_holiday_monday_is_not() -> None:
    assert is_working_day(date(2026, 10, 10))
    assert not is_working_day(date(2026, 10, 5))
    assert not is_working_day(date(2026, 9, 19))


def test_calendar_days_ending_on_a_holiday_roll_to_the_next_working_day() -> None:
    deadline = due_date(date(2026, 9, 16), 15, DayKind.CALENDAR)

    assert deadline.rolled_from == date(2026, 10, 1)
    assert deadline.due == date(2026, 10, 8)
    assert "顺延" in deadline.note
    assert deadline.describe() == "15 日（至 2026年10月08日）"


def test_calendar_days_ending_on_a_make_up_saturday_do_not_roll() -> None:
    deadline = due_date(date(2026, 9, 30), 10, DayKind.CALENDAR)
    assert deadline.due == date(2026, 10, 10)
    assert deadline.rolled_from is None


def test_working_days_beyond_the_holiday_data_fail_clearly() -> None:
    last = calendar_years()[1]
    with pytest.raises(CalendarOutOfRange) as refused:
        due_date(date(last, 12, 20), 10, DayKind.WORKING)
    assert refused.value.code == "calendar_out_of_range"
    assert f"只覆盖 2004—{last} 年" in refused.value.message
    assert "自然日" in refused.value.message


def test_calendar_days_beyond_the_data_stand_with_a_note() -> None:
    last = calendar_years()[1]
    deadline = due_date(date(last, 12, 20), 30, DayKind.CALENDAR)
    assert deadline.due.year == last + 1
    assert "尚未收录" in deadline.note


def test_holiday_data_covers_the_plan_year_and_this_campaign() -> None:
    first, last = calendar_years()
    assert first <= 2016 and last >= 2026


@pytest.mark.parametrize("days", [0, -1, 367])
def test_period_outside_one_to_366_days_is_refused(days: int) -> None:
    with pytest.raises(ValueError, match="期限天数"):
        due_date(date(2026, 3, 2), days, DayKind.WORKING)


def test_overdue_only_after_the_due_day() -> None:
    assert not is_overdue(date(2026, 10, 9), date(2026, 10, 9))
    assert is_overdue(date(2026, 10, 9), date(2026, 10, 10))
