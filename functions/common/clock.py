"""The portal's one clock and its one time zone.

`now()` gives aware UTC datetimes (what is stored and what the API answers); a person reads dates
and times in Moscow time (the company's zone) in mails, exports and on the site, whatever zone
their browser is in. Moscow has kept UTC+3 all year since 2014 (Федеральный закон от 21.07.2014
№ 248-ФЗ, in force 26.10.2014): a fixed offset is exact for every moment the portal itself makes.

A day that came from elsewhere may be older: an XML 80020 document can be about a day when Moscow
still changed clocks (until 27.03.2011, then UTC+4 until 26.10.2014). `local_zone()` is the IANA
zone with that history (`Europe/Moscow` by default; the `tzdata` package ships it in the Lambda
image), and the one place outside this module's fixed offset that knows Moscow's time.
"""

from datetime import UTC, date, datetime, timedelta, timezone
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

MOSCOW = timezone(timedelta(hours=3), "MSK")
MOSCOW_ZONE = "Europe/Moscow"


class UnknownZone(ValueError):
    """A time-zone name the IANA database does not know."""


@cache
def local_zone(name: str = MOSCOW_ZONE) -> ZoneInfo:
    """The IANA zone `name` with its history of offsets; UnknownZone when there is none."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UnknownZone(name) from None


def now() -> datetime:
    return datetime.now(UTC)


def moscow_date(moment: datetime) -> date:
    """The calendar day in Moscow at `moment`."""
    return moment.astimezone(MOSCOW).date()


def moscow_today() -> date:
    return moscow_date(now())
