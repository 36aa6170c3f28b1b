"""The A+ register of each synced meter goes to the readings history, marked as coming from ASKUE.

The readings domain owns the rules (`functions.readings.service.record_askue_reading`: not lower
than the meter's last value, the same snapshot twice is harmless); this module only says which
meter a row is. ASKUE names a meter like «Меркурий 230 ART-03 № 31180254 (ввод 1)»: its number is
what follows «№», the same number a consumer types in «Ручной ввод». A row without one is not a
meter the history can hold, and is skipped.
"""

import re

from aws_lambda_powertools import Logger

from functions.askue.models import AskueRow
from functions.readings.service import record_askue_reading

logger = Logger()

_NUMBER = re.compile(r"№\s*([0-9A-Za-z][0-9A-Za-z/\-]{0,29})")


def meter_number(meter_name: str) -> str | None:
    found = _NUMBER.search(meter_name)
    return found.group(1) if found else None


def record_askue_readings(user_id: str, rows: list[AskueRow]) -> None:
    """Records each row's A+ total as a single-tariff reading with source "askue"."""
    for row in rows:
        number = meter_number(row.meter_name)
        if number is None:
            logger.info("askue row without a meter number: not a reading", extra={"user_id": user_id})
            continue
        record_askue_reading(user_id, number, row.active_import_kwh, row.read_at)
