"""Dates, times and amounts as a Russian reader reads them: Moscow time, decimal comma, grouped
thousands. The one place that formats them for mails, exports and messages (the site formats the
same way in web/js/format.js)."""

from datetime import date as Date
from datetime import datetime
from decimal import Decimal

from functions.common.clock import MOSCOW

GROUP_SEPARATOR = "\u00a0"  # what Intl 'ru-RU' puts between groups of digits on the web


def _decimals(value: Decimal) -> int:
    """2, or 3 for a value with a third decimal (an ASKUE reading, as ASKUE sends it)."""
    return 2 if value == value.quantize(Decimal("0.01")) else 3


def amount(value: Decimal) -> str:
    """1234.5 → «1 234,50» (no-break space between groups), as the web shows it; 27533.938 keeps
    its third decimal («27 533,938»)."""
    return f"{value:,.{_decimals(value)}f}".replace(",", GROUP_SEPARATOR).replace(".", ",")


def plain_amount(value: Decimal) -> str:
    """1234.5 → «1234,50»: what Excel in a Russian locale reads as a number (27533.938 → «27533,938»)."""
    return f"{value:.{_decimals(value)}f}".replace(".", ",")


def date(at: datetime | Date) -> str:
    """27.11.2026; a moment is read in Moscow time, a calendar day as it is."""
    day = at.astimezone(MOSCOW).date() if isinstance(at, datetime) else at
    return day.strftime("%d.%m.%Y")


def date_time(at: datetime) -> str:
    """27.11.2026 21:17 (Moscow time)."""
    return at.astimezone(MOSCOW).strftime("%d.%m.%Y %H:%M")
