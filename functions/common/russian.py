"""Dates, times and amounts as a Russian reader reads them: Moscow time, decimal comma, grouped
thousands. The one place that formats them for mails, exports and messages (the site formats the
same way in web/js/format.js)."""

from datetime import date as Date
from datetime import datetime
from decimal import Decimal

from functions.common.clock import MOSCOW

GROUP_SEPARATOR = "\u00a0"  # what Intl 'ru-RU' puts between groups of digits on the web


def amount(value: Decimal) -> str:
    """1234.5 → «1 234,50» (no-break space between groups), as the web shows it."""
    return f"{value:,.2f}".replace(",", GROUP_SEPARATOR).replace(".", ",")


def plain_amount(value: Decimal) -> str:
    """1234.5 → «1234,50»: what Excel in a Russian locale reads as a number."""
    return f"{value:.2f}".replace(".", ",")


def date(at: datetime | Date) -> str:
    """27.11.2026; a moment is read in Moscow time, a calendar day as it is."""
    day = at.astimezone(MOSCOW).date() if isinstance(at, datetime) else at
    return day.strftime("%d.%m.%Y")


def date_time(at: datetime) -> str:
    """27.11.2026 21:17 (Moscow time)."""
    return at.astimezone(MOSCOW).strftime("%d.%m.%Y %H:%M")
