"""Readings from ASKUE: the A+ register totals the hourly sync reads, stored in the readings history
with source "askue", under the rules of a manual reading, and told to integrators.

The sync stores one account's readings together (`record_askue_values`): one consistent BatchGetItem
of the account's meters and the consumer's count of readings, then ONE TransactWriteItems holding
each reading and its meter's new state, the count moved on by as many, and the outbox item of their
portal.reading.submitted.v1 events (source askue, the value per tariff, the billing period),
numbered among the consumer's readings like the ones typed in (functions/common/outbox.py). A
reading and its event are thus written together or not at all, and each exactly once: a record of
the sync delivered again (after a fault, or the account's snapshot left unwritten) reads the same
values again, which the meters' state now judges STALE — nothing stored, nothing owed. The change
feed and `GET /api/integration/readings` list them with the manual ones.

An account with more meters than one outbox item has events for (10) writes them 10 to a
transaction, one after another; at most 2 × 10 + 2 actions each, within DynamoDB's 100.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from enum import StrEnum

from aws_lambda_powertools import Logger
from pydantic import ValidationError

from functions.common.clock import now
from functions.common.fields import MeterType
from functions.common.outbox import MAX_EVENTS, OutboxEntry, outbox_put
from functions.readings.models import (
    CENT,
    MILLI,
    ReadingOutput,
    ReadingValueError,
    Source,
    parse_reading_value,
)
from functions.readings.service import (
    MAX_ATTEMPTS,
    METER_NUMBER,
    again,
    next_reading,
    retries,
    submitted_event,
)
from functions.readings.store import Meter, ReadingStore, StaleMeter, Submission

logger = Logger()

ASKUE_CLOCK_SKEW = timedelta(minutes=5)


class MeterBusy(Exception):
    """Concurrent readings of the consumer kept winning; the readings were not stored. Safe to retry."""


class AskueOutcome(StrEnum):
    """What the sync did with a value."""

    RECORDED = "recorded"  # stored as a new reading with source "askue"
    UNCHANGED = "unchanged"  # equal to the meter's last value: nothing new to store
    STALE = "stale"  # taken no later than the meter's last reading (e.g. the same snapshot again)
    LOWER = "lower"  # lower than the meter's last value: skipped (replaced meter or ASKUE fault)
    TYPE_MISMATCH = "type_mismatch"  # the consumer registered this meter number as multi-tariff
    INVALID = "invalid"  # not a meter number, negative, too large, not a number, or in the future


@dataclass(frozen=True)
class AskueValue:
    """One meter's A+ register as ASKUE gave it: the meter's number as the consumer would type it,
    the total in kWh (a Decimal; more than three decimals are rounded half up), when it was read."""

    meter_number: str
    active_import_kwh: Decimal
    taken_at: datetime


def _askue_value(active_import_kwh: Decimal) -> Decimal:
    """The value as ASKUE sends it (the 80020 format and the JSON API give watt-hours: three decimals
    of kWh), rounded half up to three decimals when it has more. Rounding is monotonic, so a register
    that did not go down never looks lower than the value stored before."""
    if not isinstance(active_import_kwh, Decimal) or not active_import_kwh.is_finite():
        raise ReadingValueError("reading_not_a_number", "not a finite Decimal")
    value = active_import_kwh.quantize(MILLI, rounding=ROUND_HALF_UP)
    parse_reading_value(value.quantize(CENT, rounding=ROUND_DOWN))  # its sign and whole digits
    return value


def record_askue_reading(
    user_id: str, meter_number: str, active_import_kwh: Decimal, taken_at: datetime
) -> AskueOutcome:
    """One meter's value (`record_askue_values` of one)."""
    [outcome] = record_askue_values(user_id, [AskueValue(meter_number, active_import_kwh, taken_at)])
    return outcome


def record_askue_values(user_id: str, values: Sequence[AskueValue]) -> list[AskueOutcome]:
    """Records the values ASKUE gave for a consumer's meters (one account of the sync), each as a
    single-tariff reading with source "askue" and its consumption since the meter's previous
    reading, under the rules of a manual one, with their events (see the module's doc). A value the
    rules refuse is not stored and does not raise: its outcome says why (`AskueOutcome`, in the order
    of `values`), and LOWER and TYPE_MISMATCH are logged as warnings for the company to look into.
    A meter named twice keeps its later value (the other is STALE). Only AWS faults raise
    (botocore's ClientError, Unreadable, or MeterBusy when concurrent readings of the consumer kept
    winning): all transient, so the sync may retry the account.

    The calling function needs READINGS_TABLE, OUTBOX_TABLE, dynamodb:BatchGetItem on the readings
    table and dynamodb:PutItem on both (TransactWriteItems)."""
    outcomes: list[AskueOutcome | None] = [None] * len(values)
    latest: dict[str, tuple[int, Decimal, datetime]] = {}
    for index, given in enumerate(values):
        context = {"user_id": user_id, "meter_number": given.meter_number}
        try:
            number = METER_NUMBER.validate_python(given.meter_number)
            value = _askue_value(given.active_import_kwh)
        except (ValidationError, ReadingValueError):
            logger.warning("ASKUE reading refused: invalid meter number or value", extra=context)
            outcomes[index] = AskueOutcome.INVALID
            continue
        if given.taken_at > now() + ASKUE_CLOCK_SKEW:
            logger.warning("ASKUE reading refused: taken in the future", extra=context)
            outcomes[index] = AskueOutcome.INVALID
            continue
        earlier = latest.get(number)
        if earlier is not None and earlier[2] >= given.taken_at:
            outcomes[index] = AskueOutcome.STALE
            continue
        if earlier is not None:
            outcomes[earlier[0]] = AskueOutcome.STALE
        latest[number] = (index, value, given.taken_at)
    numbers = list(latest)
    for first in range(0, len(numbers), MAX_EVENTS):
        chunk = {number: latest[number] for number in numbers[first : first + MAX_EVENTS]}
        for number, outcome in _record_chunk(user_id, chunk).items():
            outcomes[chunk[number][0]] = outcome
    return [outcome or AskueOutcome.INVALID for outcome in outcomes]


def _record_chunk(user_id: str, chunk: dict[str, tuple[int, Decimal, datetime]]) -> dict[str, AskueOutcome]:
    """At most MAX_EVENTS meters' values, judged against their meters and stored in one transaction
    with their events; after a lost race (a concurrent reading of the consumer), judged again."""
    store = ReadingStore()
    waits = retries()
    for attempt in range(MAX_ATTEMPTS):
        meters, counted = store.meters_and_count(user_id, list(chunk))
        outcomes: dict[str, AskueOutcome] = {}
        appended: list[tuple[ReadingOutput, Meter | None]] = []
        for number, (_, value, taken_at) in chunk.items():
            meter = meters.get(number)
            refusal = _askue_refusal(meter, value, taken_at)
            if refusal is not None:
                log = (
                    logger.warning
                    if refusal in (AskueOutcome.LOWER, AskueOutcome.TYPE_MISMATCH)
                    else logger.info
                )
                log(
                    "ASKUE reading not recorded",
                    extra={"user_id": user_id, "meter_number": number, "outcome": refusal.value},
                )
                outcomes[number] = refusal
                continue
            reading = next_reading(
                number, MeterType.SINGLE_TARIFF, {"t1": value}, Source.ASKUE, taken_at, meter, taken_at
            )
            appended.append((reading, meter))
            outcomes[number] = AskueOutcome.RECORDED
        if not appended:
            return outcomes
        told = [submitted_event(user_id, reading, counted + n + 1) for n, (reading, _) in enumerate(appended)]
        owed = outbox_put(OutboxEntry.owing(events=told))
        try:
            store.append_many(
                user_id, appended, Submission(sequence=counted + len(told), owed=owed, readings=len(told))
            )
        except StaleMeter:
            if again(waits, attempt):
                continue
            break
        return outcomes
    raise MeterBusy(user_id)


def _askue_refusal(meter: Meter | None, value: Decimal, at: datetime) -> AskueOutcome | None:
    if meter is None:
        return None
    if meter.meter_type != MeterType.SINGLE_TARIFF:
        return AskueOutcome.TYPE_MISMATCH
    if at <= meter.last_taken_at:
        return AskueOutcome.STALE
    last = meter.last_values["t1"]
    if value < last:
        return AskueOutcome.LOWER
    return AskueOutcome.UNCHANGED if value == last else None
