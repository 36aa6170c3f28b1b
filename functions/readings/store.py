"""Readings in DynamoDB, the only place that knows the table.

One table, `READINGS_TABLE`, partition key `user_id` (the consumer's Cognito `sub`), sort key `sk`:

- a reading: `sk = "reading#<taken_at, UTC, fixed width>#<id>"`, with `meter_key =
  "<user_id>#<meter_number>"` for the global secondary index `ByMeter` (`meter_key`, `sk`). A
  consumer's history is one Query on the table (`begins_with(sk, "reading#")`), a meter's history is
  one Query on the index; both newest first (`ScanIndexForward=False`). DynamoDB's TTL deletes it
  (`expires_at`) when the retention table's period for readings ends (functions/common/retention.py).
- a meter: `sk = "meter#<meter_number>"`, holding the meter's type, its last values and a `version`.
  It is what the "not lower than the previous reading" rule is checked against, and what the
  consumer's meter list (one Query, `begins_with(sk, "meter#")`) is made of. It also keeps what
  the other reading rules need without reading the history: the counter's digit count (`digits`,
  for a rollover), and the consumption summed since its first reading (`total_consumption`,
  `first_taken_at`), whose rate is the meter's usual consumption (an implausible jump is judged
  against it).

The monthly consumption is one Query of the readings from the first day of a month on (`sk BETWEEN
"reading#<that moment>" AND "reading#~"`: the time is fixed width, and "~" sorts after every digit).

- who else reads a meter (one source per meter, functions/readings/service.py): `sk =
  "reader#askue#<meter_number>"` with `seen_at`, the last time the consumer's ASKUE listed the
  meter, and `sk = "reader#isu#<meter_number>"` with `marked_at`, while the company marks the meter
  as read by its intelligent metering system (the integration API). Read with the meter in the
  manual entry's one BatchGetItem.

- the count of the consumer's submitted readings: `sk = "counter#reading_submitted"`, `last_sequence`
  the number of the last `portal.reading.submitted.v1` event (its `sequence`); no item is a count
  of 0 (a consumer who submitted nothing since the numbering began).

A reading is stored in one TransactWriteItems together with the new state of its meter, on the
condition that the meter's `version` is still the one the rule was checked against (or, for a new
meter, that it does not exist yet). Two concurrent submissions for one meter thus never both pass:
the loser gets `StaleMeter`, and the service reads the meter again and judges the reading anew. A
reading the consumer typed in (`Submission`) also moves the count on, on the condition that it is
still the one read with the meter, and writes the outbox item of its event in the same transaction:
two concurrent submissions of one consumer (any meters) never take the same number. The ASKUE sync
stores an account's readings (up to 10) in ONE such transaction (`append_many`): every reading and
its meter, the count moved on by as many, and the outbox item of their events
(functions/readings/askue_readings.py).
"""

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError
from pydantic import BaseModel, ConfigDict

from functions.common.dynamo import Table, Unread, cancellation_reasons
from functions.common.fields import MeterType
from functions.common.retention import RetentionKind, retention_of
from functions.common.settings import load_settings
from functions.readings.billing import billing_period
from functions.readings.models import (
    ReadingCorrection,
    ReadingOutput,
    Source,
    Tariff,
    amounts,
)

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

BY_METER_INDEX = "ByMeter"
READING_PREFIX = "reading#"
METER_PREFIX = "meter#"
SUBMITTED_SK = "counter#reading_submitted"
_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"  # fixed width: the sort key orders readings by time
_READING_SK = re.compile(r"^reading#\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z#[0-9a-f]{32}$")


class ReadingsSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    readings_table: str


@dataclass(frozen=True)
class Meter:
    """A consumer's meter as stored: its type and its last reading."""

    meter_number: str
    meter_type: MeterType
    last_values: dict[Tariff, Decimal]
    last_taken_at: datetime
    last_reading_id: str
    last_source: Source
    version: int
    digits: int | None = None
    total_consumption: Decimal = Decimal(0)
    first_taken_at: datetime | None = None


@dataclass(frozen=True)
class TakenReading:
    """A reading as a consumption total sees it."""

    meter_number: str
    meter_type: MeterType
    consumption: dict[Tariff, Decimal] | None
    taken_at: datetime


@dataclass(frozen=True)
class Submission:
    """What stored readings write besides themselves: the count of the consumer's submitted readings
    moved from `sequence - readings` to `sequence` (one a reading, the last one's number), and
    `owed`, the outbox's Put of the events that tell of them (functions/common/outbox.py)."""

    sequence: int
    owed: "TransactWriteItemTypeDef"
    readings: int = 1


class StaleMeter(Exception):
    """The meter, or the consumer's count of submitted readings, changed after it was read (a
    concurrent reading was stored first)."""


class Unreadable(Exception):
    """DynamoDB kept leaving the meter unread (throttling): nothing was stored."""


def _time(at: datetime) -> str:
    return at.astimezone(UTC).strftime(_TIME_FORMAT)


def _reading_sk(reading: ReadingOutput) -> str:
    return f"{READING_PREFIX}{_time(reading.taken_at)}#{reading.id}"


def _meter_sk(meter_number: str) -> str:
    return f"{METER_PREFIX}{meter_number}"


def _meter_key(user_id: str, meter_number: str) -> str:
    return f"{user_id}#{meter_number}"


def _submitted_key(user_id: str) -> dict[str, str]:
    return {"user_id": user_id, "sk": SUBMITTED_SK}


def _reading(item: dict[str, Any]) -> ReadingOutput:
    previous = item.get("previous_taken_at")
    corrections = [
        ReadingCorrection(
            corrected_at=datetime.fromisoformat(raw["corrected_at"]),
            by=raw["by"],
            old_values=amounts(raw["old_values"]) or {},
            new_values=amounts(raw["new_values"]) or {},
        )
        for raw in item.get("corrections", [])
    ]
    taken_at = datetime.fromisoformat(item["taken_at"])
    return ReadingOutput(
        id=item["id"],
        meter_number=item["meter_number"],
        meter_type=MeterType(item["meter_type"]),
        values=amounts(item["values"]) or {},
        consumption=amounts(item.get("consumption")),
        previous_taken_at=datetime.fromisoformat(previous) if previous else None,
        rollover=bool(item.get("rollover", False)),
        source=Source(item["source"]),
        taken_at=taken_at,
        # A reading stored before periods were: its taken moment is the best guess of when it came.
        billing_period=item.get("billing_period") or billing_period(taken_at),
        corrections=corrections,
        day_only=bool(item.get("day_only", False)),
        withdrawn_at=datetime.fromisoformat(item["withdrawn_at"]) if "withdrawn_at" in item else None,
    )


def _reading_item(user_id: str, reading: ReadingOutput) -> dict[str, Any]:
    item: dict[str, Any] = {
        "user_id": user_id,
        "sk": _reading_sk(reading),
        "meter_key": _meter_key(user_id, reading.meter_number),
        **reading.model_dump(
            mode="python", exclude_none=True, exclude={"corrections", "withdrawn_at", "day_only"}
        ),
        "meter_type": reading.meter_type.value,
        "source": reading.source.value,
        "taken_at": _time(reading.taken_at),
        # DynamoDB's TTL deletes it when the retention table's period ends (ReadingsTable).
        "expires_at": retention_of(RetentionKind.READINGS).expires_at(reading.taken_at),
    }
    if reading.previous_taken_at is not None:
        item["previous_taken_at"] = _time(reading.previous_taken_at)
    if reading.day_only:
        item["day_only"] = True
    if reading.corrections:
        item["corrections"] = [
            {
                "corrected_at": _time(fix.corrected_at),
                "by": fix.by,
                "old_values": dict(fix.old_values),
                "new_values": dict(fix.new_values),
            }
            for fix in reading.corrections
        ]
    return item


def _meter(item: dict[str, Any]) -> Meter:
    return Meter(
        meter_number=item["meter_number"],
        meter_type=MeterType(item["meter_type"]),
        last_values=amounts(item["last_values"]) or {},
        last_taken_at=datetime.fromisoformat(item["last_taken_at"]),
        last_reading_id=item["last_reading_id"],
        last_source=Source(item["last_source"]),
        version=int(item["version"]),
        digits=int(item["digits"]) if "digits" in item else None,
        total_consumption=Decimal(item.get("total_consumption", 0)),
        first_taken_at=datetime.fromisoformat(item["first_taken_at"]) if "first_taken_at" in item else None,
    )


# ---------------------------------------------------------------- cursors


def cursor_belongs(user_id: str, meter_number: str | None) -> Callable[[dict[str, str]], bool]:
    """Whether a cursor's key is one this store gives out for this consumer's list.

    It must be a reading key of the caller's own partition (and of the filtered meter), so a
    tampered cursor can neither read another consumer's items nor jump into another list.
    """
    expected = {"user_id": user_id}
    if meter_number is not None:
        expected["meter_key"] = _meter_key(user_id, meter_number)

    def belongs(key: dict[str, str]) -> bool:
        return (
            set(key) == {*expected, "sk"}
            and all(key[name] == value for name, value in expected.items())
            and bool(_READING_SK.match(key["sk"]))
        )

    return belongs


def _key_of(item: dict[str, Any], by_meter: bool) -> dict[str, str]:
    key = {"user_id": str(item["user_id"]), "sk": str(item["sk"])}
    if by_meter:
        key["meter_key"] = str(item["meter_key"])
    return key


# ---------------------------------------------------------------- store


ASKUE_READER, ISU_READER = "reader#askue#", "reader#isu#"


@dataclass(frozen=True)
class Readers:
    """Who reads a meter besides the consumer: when the consumer's ASKUE last listed it, and since
    when the company marks it as read by its intelligent metering system (ИСУ)."""

    askue_seen_at: datetime | None = None
    isu_marked_at: datetime | None = None


def _reader_item(user_id: str, prefix: str, number: str, field: str, at: datetime) -> dict[str, Any]:
    return {"user_id": user_id, "sk": f"{prefix}{number}", "meter_number": number, field: _time(at)}


def _readers(askue: dict[str, Any] | None, isu: dict[str, Any] | None) -> Readers:
    return Readers(
        askue_seen_at=datetime.fromisoformat(askue["seen_at"]) if askue else None,
        isu_marked_at=datetime.fromisoformat(isu["marked_at"]) if isu else None,
    )


class ReadingStore:
    def __init__(self) -> None:
        self._table = Table(load_settings(ReadingsSettings).readings_table)

    def meter(self, user_id: str, meter_number: str) -> Meter | None:
        """The meter's current state, read consistently (the rule is checked against it)."""
        item = self._table.get({"user_id": user_id, "sk": _meter_sk(meter_number)}, consistent=True)
        return _meter(item) if item else None

    def meter_and_submitted(self, user_id: str, meter_number: str) -> tuple[Meter | None, int, Readers]:
        """The meter's current state, the number of the consumer's last submitted reading (0 when
        none was counted) and who else reads the meter, in one consistent BatchGetItem. Raises
        Unreadable when DynamoDB kept leaving them unread."""
        meter_key = {"user_id": user_id, "sk": _meter_sk(meter_number)}
        askue_key = {"user_id": user_id, "sk": f"{ASKUE_READER}{meter_number}"}
        isu_key = {"user_id": user_id, "sk": f"{ISU_READER}{meter_number}"}
        try:
            found = self._table.batch_get(
                [meter_key, _submitted_key(user_id), askue_key, isu_key], consistent=True
            )
        except Unread:
            raise Unreadable from None
        by_sk = {str(item["sk"]): item for item in found}
        meter = by_sk.get(meter_key["sk"])
        counted = by_sk.get(SUBMITTED_SK, {})
        readers = _readers(by_sk.get(askue_key["sk"]), by_sk.get(isu_key["sk"]))
        return (_meter(meter) if meter else None), int(counted.get("last_sequence", 0)), readers

    def mark_read_by_askue(self, meters_by_user: Mapping[str, list[str]], at: datetime) -> None:
        """Records that each consumer's ASKUE listed these meters at `at`: BatchWriteItem, for every
        consumer at once (the ASKUE sync's batch). Raises Unwritten when DynamoDB kept leaving items
        unwritten."""
        self._table.batch_put(
            [
                _reader_item(user_id, ASKUE_READER, number, "seen_at", at)
                for user_id, numbers in meters_by_user.items()
                for number in numbers
            ]
        )

    def mark_read_by_isu(self, user_id: str, read: list[str], not_read: list[str], at: datetime) -> None:
        """The company's marks: `read` are read by its ИСУ (marked at `at`), `not_read` are not:
        a BatchWriteItem of the marks, a DeleteItem per mark taken off."""
        self._table.batch_put([_reader_item(user_id, ISU_READER, number, "marked_at", at) for number in read])
        for number in not_read:
            self._table.delete({"user_id": user_id, "sk": f"{ISU_READER}{number}"})

    def meters_and_count(self, user_id: str, meter_numbers: list[str]) -> tuple[dict[str, Meter], int]:
        """The meters' current states (those the consumer has) and the number of the consumer's
        last submitted reading (0 when none was counted), in one consistent BatchGetItem (one per 99
        meters). Raises Unreadable when DynamoDB kept leaving them unread."""
        keys = [{"user_id": user_id, "sk": _meter_sk(number)} for number in meter_numbers]
        try:
            found = self._table.batch_get([*keys, _submitted_key(user_id)], consistent=True)
        except Unread:
            raise Unreadable from None
        meters = {str(item["meter_number"]): _meter(item) for item in found if item["sk"] != SUBMITTED_SK}
        counted = next((item for item in found if item["sk"] == SUBMITTED_SK), {})
        return meters, int(counted.get("last_sequence", 0))

    def append(
        self,
        user_id: str,
        reading: ReadingOutput,
        previous: Meter | None,
        *,
        digits: int | None = None,
        submission: Submission | None = None,
    ) -> None:
        """Stores `reading` and makes it the meter's last one, if the meter is still `previous`
        (with `digits` as the counter's digit count when given, else the one it had); with
        `submission`, moves the consumer's count of submitted readings on and writes its outbox item
        in the same transaction, if the count is still the one read.

        Raises StaleMeter when another reading of the meter (or, with `submission`, of the consumer)
        was stored since `previous` was read.
        """
        actions = self._append_actions(user_id, reading, previous, digits)
        if submission is not None:
            actions += [self._count_put(user_id, submission), submission.owed]
        self._write(actions, reading.meter_number)

    def append_many(
        self, user_id: str, appended: list[tuple[ReadingOutput, Meter | None]], submission: Submission
    ) -> None:
        """Stores each reading as the last one of its meter (each meter at most once), moves the
        consumer's count on by as many and writes their outbox item, all in ONE transaction, if every
        meter and the count are still as read (the ASKUE sync's readings of one account: 2 actions a
        reading and 2 more, at most 10 readings, the outbox item's events). Raises StaleMeter when one
        of them changed since it was read."""
        actions = [
            action
            for reading, previous in appended
            for action in self._append_actions(user_id, reading, previous, None)
        ]
        actions += [self._count_put(user_id, submission), submission.owed]
        self._write(actions, ",".join(reading.meter_number for reading, _ in appended))

    def _append_actions(
        self, user_id: str, reading: ReadingOutput, previous: Meter | None, digits: int | None
    ) -> list["TransactWriteItemTypeDef"]:
        """The reading's Put and its meter's, conditioned on the meter being still `previous`."""
        reading_item = _reading_item(user_id, reading)
        meter_item: dict[str, Any] = {
            "user_id": user_id,
            "sk": _meter_sk(reading.meter_number),
            "meter_number": reading.meter_number,
            "meter_type": reading.meter_type.value,
            "last_values": dict(reading.values),
            "last_taken_at": _time(reading.taken_at),
            "last_reading_id": reading.id,
            "last_source": reading.source.value,
            "version": previous.version + 1 if previous else 1,
            "total_consumption": (previous.total_consumption if previous else Decimal(0))
            + sum((reading.consumption or {}).values(), Decimal(0)),
            "first_taken_at": _time(previous.first_taken_at or previous.last_taken_at)
            if previous
            else _time(reading.taken_at),
        }
        kept_digits = digits if digits is not None else (previous.digits if previous else None)
        if kept_digits is not None:
            meter_item["digits"] = kept_digits
        if previous is None:
            meter_put = self._table.put_action(meter_item, condition="attribute_not_exists(sk)")
        else:
            meter_put = self._table.put_action(
                meter_item,
                condition="#version = :read",
                names={"#version": "version"},
                values={":read": previous.version},
            )
        reading_put = self._table.put_action(reading_item, condition="attribute_not_exists(sk)")
        return [reading_put, meter_put]

    def _write(self, actions: list["TransactWriteItemTypeDef"], meters: str) -> None:
        try:
            self._table.transact(actions)
        except ClientError as error:
            reasons = cancellation_reasons(error) or []
            if any(reason.code in ("ConditionalCheckFailed", "TransactionConflict") for reason in reasons):
                raise StaleMeter(meters) from error
            raise

    def _count_put(self, user_id: str, submission: Submission) -> "TransactWriteItemTypeDef":
        """The count moved to `submission.sequence`, if it is still `sequence - readings` (no item: 0)."""
        counted = {**_submitted_key(user_id), "last_sequence": submission.sequence}
        read = submission.sequence - submission.readings
        if read == 0:
            return self._table.put_action(counted, condition="attribute_not_exists(sk)")
        return self._table.put_action(counted, condition="last_sequence = :read", values={":read": read})

    def page(
        self, user_id: str, meter_number: str | None, after: dict[str, str] | None, size: int
    ) -> tuple[list[ReadingOutput], dict[str, str] | None]:
        """One Query: up to `size` readings, newest first, and the key to continue after (or None)."""
        condition, values, index = _history(user_id, meter_number)
        answer = self._table.query(
            condition, values, index=index, newest_first=True, limit=size + 1, start=after
        )
        items = answer.items
        # One item more than a page tells whether another page exists, without an empty last page.
        more = len(items) > size or (answer.last_key is not None and len(items) > 0)
        shown = items[:size]
        next_key = _key_of(shown[-1], meter_number is not None) if more and shown else None
        return [_reading(item) for item in shown], next_key

    def readings(self, user_id: str, meter_number: str | None, limit: int) -> Iterator[ReadingOutput]:
        """Every reading (at most `limit`), newest first: one Query per 1 MB of items."""
        condition, values, index = _history(user_id, meter_number)
        given = 0
        start: dict[str, Any] | None = None
        while True:
            answer = self._table.query(
                condition, values, index=index, newest_first=True, limit=limit - given, start=start
            )
            for item in answer.items:
                yield _reading(item)
                given += 1
            if given >= limit or answer.last_key is None:
                return
            start = answer.last_key

    def taken_since(self, user_id: str, since: datetime) -> Iterator[TakenReading]:
        """The consumer's readings taken at or after `since`, oldest first, with only what a
        consumption total needs: one Query per 1 MB of items (a year of daily readings of a few
        meters is one)."""
        items = self._table.query_all(
            "user_id = :user AND sk BETWEEN :since AND :end",
            {":user": user_id, ":since": f"{READING_PREFIX}{_time(since)}", ":end": f"{READING_PREFIX}~"},
            projection="meter_number, meter_type, consumption, taken_at, withdrawn_at",
        )
        for item in items:
            if "withdrawn_at" in item:
                continue  # withdrawn by the consumer: it no longer counts
            yield TakenReading(
                meter_number=item["meter_number"],
                meter_type=MeterType(item["meter_type"]),
                consumption=amounts(item.get("consumption")),
                taken_at=datetime.fromisoformat(item["taken_at"]),
            )

    def meters(self, user_id: str) -> list[Meter]:
        """The consumer's meters, by number: one Query."""
        answer = self._table.query(
            "user_id = :user AND begins_with(sk, :prefix)", {":user": user_id, ":prefix": METER_PREFIX}
        )
        return [_meter(item) for item in answer.items]


def _history(user_id: str, meter_number: str | None) -> tuple[str, dict[str, str], str | None]:
    """The Query of a consumer's readings, or of one meter's on the index: condition, values, index."""
    if meter_number is None:
        return (
            "user_id = :user AND begins_with(sk, :prefix)",
            {":user": user_id, ":prefix": READING_PREFIX},
            None,
        )
    return "meter_key = :meter", {":meter": _meter_key(user_id, meter_number)}, BY_METER_INDEX
