"""Dates of the grid company: Moscow's calendar day and working days of the Russian production calendar.

The production calendar comes from `holidays` (country RU): public holidays, the New Year holidays,
and the days off moved by the government's yearly decree (a Saturday made a working day counts as
one, the weekday it was moved to does not).
"""

from datetime import date, datetime, timedelta, timezone
from functools import cache
from typing import TYPE_CHECKING

from functions.common.clock import now

if TYPE_CHECKING:
    from holidays import HolidayBase

# Moscow has kept UTC+3 all year since 2014; a fixed offset needs no time zone database in Lambda.
MOSCOW = timezone(timedelta(hours=3), "MSK")


def moscow_today() -> date:
    return now().astimezone(MOSCOW).date()


def moscow_date(moment: datetime) -> date:
    return moment.astimezone(MOSCOW).date()


@cache
def _calendar() -> "HolidayBase":
    import holidays  # imported on first use: it is not needed to answer most requests

    calendar: HolidayBase = holidays.country_holidays("RU", language="ru")
    return calendar


def is_working_day(day: date) -> bool:
    return bool(_calendar().is_working_day(day))


def add_working_days(start: date, working_days: int) -> date:
    """The `working_days`-th working day after `start` (the day of `start` itself is not counted)."""
    day = start
    remaining = working_days
    while remaining > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day
