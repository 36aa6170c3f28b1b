"""The consumer's corrections of their latest reading of a meter, in DynamoDB (the readings table of
functions/readings/store.py, whose layout this module shares):

- a corrected reading keeps its key; its values and consumption change and `corrections` gains
  `{corrected_at, by, old_values, new_values}`;
- a withdrawn reading keeps its key, gains `withdrawn_at` and `withdrawn_by` and loses `meter_key`
  (so it leaves its meter's history index): the consumer's history still shows it, marked, and no
  total counts it (the monthly consumption, the CSV export skip it); the meter's previous reading is
  its last again (or, when it was the meter's first, the meter item goes).

Each is one TransactWriteItems with the meter's new state, on the condition that the meter's
`version` is still the one read, and with the outbox item of its event.
"""

from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from functions.common.dynamo import Table, cancellation_reasons
from functions.common.settings import load_settings
from functions.readings.models import ReadingOutput, Source, Tariff
from functions.readings.store import (
    METER_PREFIX,
    READING_PREFIX,
    Meter,
    ReadingsSettings,
    StaleMeter,
    _meter,
    _reading,
    _reading_item,
    _reading_sk,
    _time,
)

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef


@dataclass(frozen=True)
class Latest:
    """A meter's state and its last reading, as stored."""

    meter: Meter
    reading: ReadingOutput


@dataclass(frozen=True)
class Withdrawn:
    """A reading the consumer withdrew, and when."""

    reading: ReadingOutput
    withdrawn_at: datetime


def _meter_item(user_id: str, meter: Meter) -> dict[str, Any]:
    item: dict[str, Any] = {
        "user_id": user_id,
        "sk": f"{METER_PREFIX}{meter.meter_number}",
        "meter_number": meter.meter_number,
        "meter_type": meter.meter_type.value,
        "last_values": dict(meter.last_values),
        "last_taken_at": _time(meter.last_taken_at),
        "last_reading_id": meter.last_reading_id,
        "last_source": meter.last_source.value,
        "version": meter.version,
        "total_consumption": meter.total_consumption,
        "first_taken_at": _time(meter.first_taken_at or meter.last_taken_at),
    }
    if meter.digits is not None:
        item["digits"] = meter.digits
    return item


class CorrectionStore:
    def __init__(self) -> None:
        self._table = Table(load_settings(ReadingsSettings).readings_table)

    def latest(self, user_id: str, reading_id: str) -> Latest | None:
        """The consumer's meter whose last reading is `reading_id`, with that reading: one Query of
        the consumer's meters, one consistent GetItem. None when no meter of theirs ends with it."""
        meters = self._table.query(
            "user_id = :user AND begins_with(sk, :prefix)", {":user": user_id, ":prefix": METER_PREFIX}
        )
        meter = next(
            (_meter(item) for item in meters.items if item.get("last_reading_id") == reading_id), None
        )
        if meter is None:
            return None
        sk = f"{READING_PREFIX}{_time(meter.last_taken_at)}#{reading_id}"
        item = self._table.get({"user_id": user_id, "sk": sk}, consistent=True)
        return Latest(meter, _reading(item)) if item else None

    def previous(self, user_id: str, reading: ReadingOutput) -> ReadingOutput | None:
        """The meter's reading before `reading` (taken at its `previous_taken_at`): one consistent
        Query of the readings taken at that moment."""
        if reading.previous_taken_at is None:
            return None
        found = self._table.query(
            "user_id = :user AND begins_with(sk, :at)",
            {":user": user_id, ":at": f"{READING_PREFIX}{_time(reading.previous_taken_at)}#"},
            consistent=True,
        )
        return next(
            (_reading(item) for item in found.items if item["meter_number"] == reading.meter_number), None
        )

    def correct(
        self,
        user_id: str,
        corrected: ReadingOutput,
        read: Meter,
        meter: Meter,
        owed: "TransactWriteItemTypeDef",
    ) -> None:
        """Stores `corrected` over the reading of its key and the meter as `meter`, with `owed`, if the
        meter is still `read`; raises StaleMeter when it is not."""
        reading_put = self._table.put_action(
            _reading_item(user_id, corrected), condition="attribute_exists(sk)"
        )
        self._write([reading_put, self._meter_put(user_id, read, meter), owed], corrected.meter_number)

    def withdraw(
        self,
        user_id: str,
        withdrawn: Withdrawn,
        read: Meter,
        meter: Meter | None,
        owed: "TransactWriteItemTypeDef",
    ) -> None:
        """Marks the reading withdrawn (it leaves its meter's history index and every total) and moves
        the meter back to `meter` (None: the meter goes, the reading was its first), with `owed`, if
        the meter is still `read`; raises StaleMeter when it is not."""
        reading = withdrawn.reading
        mark = self._table.update_action(
            {"user_id": user_id, "sk": _reading_sk(reading)},
            "SET withdrawn_at = :at, withdrawn_by = :by REMOVE meter_key",
            condition="attribute_exists(sk) AND attribute_not_exists(withdrawn_at)",
            values={":at": _time(withdrawn.withdrawn_at), ":by": "consumer"},
        )
        if meter is None:
            meter_action = self._table.delete_action(
                {"user_id": user_id, "sk": f"{METER_PREFIX}{read.meter_number}"},
                condition="#version = :read",
                names={"#version": "version"},
                values={":read": read.version},
            )
        else:
            meter_action = self._meter_put(user_id, read, meter)
        self._write([mark, meter_action, owed], reading.meter_number)

    def _meter_put(self, user_id: str, read: Meter, meter: Meter) -> "TransactWriteItemTypeDef":
        return self._table.put_action(
            _meter_item(user_id, replace(meter, version=read.version + 1)),
            condition="#version = :read",
            names={"#version": "version"},
            values={":read": read.version},
        )

    def _write(self, actions: list["TransactWriteItemTypeDef"], meter_number: str) -> None:
        try:
            self._table.transact(actions)
        except ClientError as error:
            reasons = cancellation_reasons(error) or []
            if any(reason.code in ("ConditionalCheckFailed", "TransactionConflict") for reason in reasons):
                raise StaleMeter(meter_number) from error
            raise


def previous_values(reading: ReadingOutput, digits: int | None) -> dict[Tariff, Decimal]:
    """The values of the meter's reading before `reading`: its values less its consumption, across
    zero (10^digits) where the counter rolled over."""
    consumption = reading.consumption or {}
    found: dict[Tariff, Decimal] = {}
    for tariff, value in reading.values.items():
        before = value - consumption.get(tariff, Decimal(0))
        if before < 0 and digits is not None:
            before += Decimal(10) ** digits
        found[tariff] = before
    return found


__all__ = ["CorrectionStore", "Latest", "Source", "Withdrawn", "previous_values"]
