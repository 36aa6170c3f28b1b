"""Readings as a Russian reader sees them: decimal comma, grouped thousands, Moscow time."""

from datetime import datetime, timedelta, timezone
from decimal import Decimal

# The company's time zone for dates in messages and exports; Moscow has had no DST since 2014,
# so a fixed offset is exact and needs no tz database in the Lambda image.
MOSCOW = timezone(timedelta(hours=3), "MSK")
GROUP_SEPARATOR = "\u00a0"  # what Intl 'ru-RU' puts between groups of digits on the web


def amount(value: Decimal) -> str:
    """1234.5 → «1 234,50» (no-break space between groups), as the web shows it."""
    return f"{value:,.2f}".replace(",", GROUP_SEPARATOR).replace(".", ",")


def plain_amount(value: Decimal) -> str:
    """1234.5 → «1234,50»: what Excel in a Russian locale reads as a number."""
    return f"{value:.2f}".replace(".", ",")


def date(at: datetime) -> str:
    """27.11.2026 (Moscow time)."""
    return at.astimezone(MOSCOW).strftime("%d.%m.%Y")


def date_time(at: datetime) -> str:
    """27.11.2026 21:17 (Moscow time)."""
    return at.astimezone(MOSCOW).strftime("%d.%m.%Y %H:%M")
