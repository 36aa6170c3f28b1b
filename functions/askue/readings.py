"""The A+ register of each synced meter goes to the readings history, marked as coming from ASKUE.

The readings domain owns the rules (`functions.readings.askue_readings.record_askue_values`: not
lower than the meter's last value, the same snapshot twice is harmless, each reading stored with its
event); this module only says which
meter a row is. ASKUE names a meter like «Меркурий 230 ART-03 № 31180254 (ввод 1)»: its number is
what follows «№», the same number a consumer types in «Ручной ввод»: the characters of the shared
meter number (functions/common/fields.py: digits, Latin and Cyrillic letters, «-» and «/»), taken
whole, so that «№ 12345АБ» is not read as meter 12345 and a number too long for a meter is refused
by the readings' rule rather than cut. A row without one is not a meter the history can hold, and
is skipped.
"""

import re

from aws_lambda_powertools import Logger

from functions.askue.models import AskueRow
from functions.common.fields import METER_NUMBER_FIRST, METER_NUMBER_NEXT
from functions.readings.askue_readings import AskueValue, record_askue_values
from functions.readings.service import mark_many_read_by_askue, mark_read_by_askue

logger = Logger()

_NUMBER = re.compile(rf"№\s*({METER_NUMBER_FIRST}{METER_NUMBER_NEXT}*)")


def meter_number(meter_name: str) -> str | None:
    found = _NUMBER.search(meter_name)
    return found.group(1) if found else None


def record_askue_readings(user_id: str, rows: list[AskueRow]) -> None:
    """Records each row's A+ total as a single-tariff reading with source "askue": the account's
    readings and their events in one transaction."""
    values = []
    for row in rows:
        number = meter_number(row.meter_name)
        if number is None:
            logger.info("askue row without a meter number: not a reading", extra={"user_id": user_id})
            continue
        values.append(AskueValue(number, row.active_import_kwh, row.read_at))
    if values:
        record_askue_values(user_id, values)


def mark_askue_meters(user_id: str, rows: list[AskueRow]) -> None:
    """The meters ASKUE listed (those whose name carries a number) take no manual readings now:
    one source per meter (functions/readings/service.py)."""
    numbers = [number for row in rows if (number := meter_number(row.meter_name)) is not None]
    mark_read_by_askue(user_id, numbers)


def mark_many_askue_meters(rows_by_user: dict[str, list[AskueRow]]) -> None:
    """`mark_askue_meters` for a batch of consumers: one write for all of them."""
    mark_many_read_by_askue(
        {
            user_id: [number for row in rows if (number := meter_number(row.meter_name)) is not None]
            for user_id, rows in rows_by_user.items()
        }
    )
