"""Working days of the Russian production calendar (Moscow's calendar day is functions/common/clock.py).

The production calendar comes from `holidays` (country RU): public holidays, the New Year holidays,
and the days off moved by the government's yearly decree (a Saturday made a working day counts as
one, the weekday it was moved to does not).
"""

from datetime import date, timedelta
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from holidays import HolidayBase


@cache
def _calendar() -> "HolidayBase":
    import holidays  # imported on first use: it is not needed to answer most requests

    calendar: HolidayBase = holidays.country_holidays("RU", language="ru")
    return calendar


def load_calendar(today: date) -> None:
    """The production calendar of `today`'s year and the next (a review deadline may fall in
    January): `holidays` computes a year's days on its first question about that year. What the
    first filing would load (SnapStart primes it, functions/common/snapstart.py)."""
    is_working_day(today)
    is_working_day(today.replace(month=12, day=31) + timedelta(days=1))


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
