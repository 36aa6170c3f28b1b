"""Which billing period (month) a reading counts in: the supplier's reading window.

Suppliers take readings for a month in a window of its days and bill the month on them; a reading
that reaches them after the window counts in the next month. For households the rule is ПП РФ от
06.05.2011 № 354 (Правила предоставления коммунальных услуг), п. 31 пп. «е(1)» and п. 33 пп. «к(1)»:
the consumer passes the readings «не позднее 25-го числа текущего расчётного периода» (the wording
as suppliers quote it; we could not open the consolidated official text of the edition in force to
check the point letters). The window's days are the company's choice within that rule: the
template parameters `ReadingsWindowFirstDay` (default 15) and `ReadingsWindowLastDay` (default 25),
given to every function as READINGS_WINDOW_FIRST_DAY and READINGS_WINDOW_LAST_DAY.

A reading counts in the month of the Moscow day it reached the portal when that day is at most the
window's last day, else in the next month. "Reached": a reading typed in counts from the moment it
was sent (a reading taken on the 20th and typed in on the 27th is passed after the window); an
ASKUE reading from the moment ASKUE read the meter. The period is stored with the reading, so a
later change of the window does not move readings already counted.
"""

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, model_validator

from functions.common import russian
from functions.common.clock import moscow_date
from functions.common.settings import load_settings

MONTHS_NOMINATIVE = (
    "январь",
    "февраль",
    "март",
    "апрель",
    "май",
    "июнь",
    "июль",
    "август",
    "сентябрь",
    "октябрь",
    "ноябрь",
    "декабрь",
)


class ReadingWindow(BaseModel):
    """The days of a month in which the supplier takes readings for that month."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    readings_window_first_day: int = Field(default=15, ge=1, le=28)
    readings_window_last_day: int = Field(default=25, ge=1, le=28)

    @model_validator(mode="after")
    def _ordered(self) -> "ReadingWindow":
        if self.readings_window_first_day > self.readings_window_last_day:
            raise ValueError("the reading window's first day is after its last")
        return self


def reading_window() -> ReadingWindow:
    window: ReadingWindow = load_settings(ReadingWindow)
    return window


def period_of_day(day: date, window: ReadingWindow) -> str:
    """`YYYY-MM`: the month of `day`, or the next one when `day` is past the window."""
    if day.day <= window.readings_window_last_day:
        return f"{day.year}-{day.month:02d}"
    year, month = divmod(day.year * 12 + day.month, 12)  # the next month, 0-based
    return f"{year}-{month + 1:02d}"


def billing_period(moment: datetime, window: ReadingWindow | None = None) -> str:
    """The billing period of a reading that reached the portal at `moment`."""
    return period_of_day(moscow_date(moment), window or reading_window())


def month_name(period: str) -> str:
    """«декабрь 2026» for `2026-12`."""
    year, month = period.split("-")
    return f"{MONTHS_NOMINATIVE[int(month) - 1]} {year}"


def explanation(moment: datetime, window: ReadingWindow | None = None) -> str:
    """What the consumer is told before sending a reading at `moment`: the month and why."""
    rule = window or reading_window()
    day = moscow_date(moment)
    period = period_of_day(day, rule)
    first, last = rule.readings_window_first_day, rule.readings_window_last_day
    why = (
        f"показания за месяц принимаются с {first}-го по {last}-е число"
        if day.day <= last
        else f"срок передачи показаний за этот месяц ({first}–{last}-е число) прошёл"
    )
    return (
        f"Показания, переданные сегодня ({russian.date(day)}), будут учтены в расчётном периоде "
        f"«{month_name(period)}»: {why}, а переданные после {last}-го числа учитываются в следующем "
        f"расчётном периоде."
    )
