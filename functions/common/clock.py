"""The portal's one clock and its one time zone.

`now()` gives aware UTC datetimes (what is stored and what the API answers); a person reads dates
and times in Moscow time (the company's zone) in mails, exports and on the site, whatever zone
their browser is in. Moscow has kept UTC+3 all year since 2014 (Федеральный закон от 21.07.2014
№ 248-ФЗ): a fixed offset is exact and needs no time-zone database in the Lambda image.
"""

from datetime import UTC, date, datetime, timedelta, timezone

MOSCOW = timezone(timedelta(hours=3), "MSK")


def now() -> datetime:
    return datetime.now(UTC)


def moscow_date(moment: datetime) -> date:
    """The calendar day in Moscow at `moment`."""
    return moment.astimezone(MOSCOW).date()


def moscow_today() -> date:
    return moscow_date(now())
