"""The portal's one clock: aware UTC datetimes, replaceable in tests."""

from datetime import UTC, datetime


def now() -> datetime:
    return datetime.now(UTC)
