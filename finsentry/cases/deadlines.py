"""Deadline arithmetic for rectification orders: calendar or working days.

Working days follow the State Council's yearly holiday schedule (国务院办公厅
关于部分节假日安排的通知), with its make-up working days (调休) on weekends,
through the `chinese-calendar` package. Its data is a table per year that the
maintainers add each November, when the next year's schedule is published;
keep it current with `pip install -U chinese-calendar` (pyproject.toml asks
for at least the version that covers the years in use) and check
`calendar_years()`. A working-day count that reaches past the data fails
with `CalendarOutOfRange` instead of guessing.

A calendar-day period whose last day is a rest day ends on the next working
day, as the rule on periods in the Civil Procedure Law has it (期间届满的最后
一日是法定休假日的，以法定休假日后的第一日为期间届满的日期), which
administrative practice follows. Where the data does not reach that last day
the date stands as counted, with a note saying it was not checked.

The period starts the day after the order is served: "10 个工作日内" served
on a Friday means the tenth working day after it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import cache

import chinese_calendar
from chinese_calendar import constants

from finsentry.cases.errors import CalendarOutOfRange

MAX_DAYS = 366


class DayKind(StrEnum):
    """How a period is counted."""

    CALENDAR = "calendar"
    WORKING = "working"

    @property
    def label(self) -> str:
        """Return the Chinese unit written after the number."""
        return "个工作日" if self is DayKind.WORKING else "日"


@dataclass(frozen=True)
class Deadline:
    """A counted period: from the day served, how many days of which kind, to when.

    `rolled_from` is the counted last day when it fell on a rest day and the
    period was moved to the next working day; `note` says so, or says that
    the holiday data did not cover the last day.
    """

    start: date
    days: int
    kind: DayKind
    due: date
    rolled_from: date | None = None
    note: str = ""

    def describe(self) -> str:
        """Return the period as staff write it: "10 个工作日（至 2026年10月16日）"."""
        return f"{self.days} {self.kind.label}（至 {self.due:%Y年%m月%d日}）"


@cache
def calendar_years() -> tuple[int, int]:
    """Return the first and last year the holiday data covers."""
    years = {d.year for d in constants.holidays} | {d.year for d in constants.workdays}
    return min(years), max(years)


def covered(day: date) -> bool:
    """Return whether the holiday data covers `day`."""
    first, last = calendar_years()
    return first <= day.year <= last


def is_working_day(day: date) -> bool:
    """Return whether `day` is an official working day; raise outside the data."""
    if not covered(day):
        first, last = calendar_years()
        raise CalendarOutOfRange(
            f"节假日数据只覆盖 {first}—{last} 年，无法判断 {day:%Y年%m月%d日} "
            "是否为工作日：请升级 chinese-calendar 后重试，或改按自然日计算期限。"
        )
    return bool(chinese_calendar.is_workday(day))


def _check_days(days: int) -> None:
    if not 1 <= days <= MAX_DAYS:
        raise ValueError(f"期限天数应在 1 到 {MAX_DAYS} 之间：{days}")


def add_working_days(start: date, days: int) -> date:
    """Return the `days`-th working day after `start` (start itself not counted)."""
    _check_days(days)
    day, counted = start, 0
    while counted < days:
        day += timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day


def due_date(start: date, days: int, kind: DayKind | str) -> Deadline:
    """Return the deadline of a period of `days` of `kind` served on `start`."""
    kind = DayKind(kind)
    if kind is DayKind.WORKING:
        return Deadline(start, days, kind, add_working_days(start, days))

    _check_days(days)
    counted = start + timedelta(days=days)
    if not covered(counted):
        note = f"{counted.year} 年节假日安排尚未收录，未核对期限末日是否为休息日"
        return Deadline(start, days, kind, counted, note=note)
    due = counted
    while not is_working_day(due):
        due += timedelta(days=1)
    if due == counted:
        return Deadline(start, days, kind, due)
    note = f"期限末日 {counted:%m月%d日} 为休息日，顺延至其后第一个工作日"
    return Deadline(start, days, kind, due, rolled_from=counted, note=note)


def days_left(due: date, today: date) -> int:
    """Return the calendar days from `today` to `due`; negative once it has passed."""
    return (due - today).days


def is_overdue(due: date, today: date) -> bool:
    """Return whether a period ending on `due` has passed by `today`."""
    return today > due
