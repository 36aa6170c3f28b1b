"""A reading typed in (POST /api/readings) owes its portal.reading.submitted.v1: written in the
reading's own transaction as an outbox item (functions/common/outbox.py), numbered among the
consumer's by a count kept in that transaction. With EventBridge failing at that moment the route
answers as before and the relay puts the event once; a reading not stored owes nothing and takes no
number."""

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import boto3

from functions.common.dynamo import deserialize
from functions.common.fields import MeterType
from functions.readings.models import ReadingOutput, Source
from functions.readings.service import AskueOutcome, record_askue_reading
from functions.readings.store import SUBMITTED_SK, ReadingStore
from infra.world import World
from tests.faults import failing_where
from tests.unit.outbox_support import events_of, mails_of, owed_entries, relayed_once, the_entry
from tests.unit.test_readings import ME, SOMEONE_ELSE, Clock, all_readings, clock, single, submit

__all__ = ["clock"]


def readings_items(world: World) -> list[dict[str, Any]]:
    client = boto3.client("dynamodb")
    return [deserialize(item) for item in client.scan(TableName=world.refs["ReadingsTable"])["Items"]]


def count_of(world: World, user_id: str = ME["sub"]) -> int | None:
    found = [i for i in readings_items(world) if i["user_id"] == user_id and i["sk"] == SUBMITTED_SK]
    return int(found[0]["last_sequence"]) if found else None


def test_a_reading_owes_its_event_numbered_first_in_its_own_transaction(world: World, clock: Clock) -> None:
    with failing_where("events", "PutEvents", "", "5xx"):
        status, reading = submit(single("01234567", "100"))
    assert status == 201, reading

    entry = the_entry(world)
    assert mails_of(entry) == []
    [detail] = events_of(entry)
    detail_type = detail.pop("detail-type")
    assert detail_type == "portal.reading.submitted.v1"
    assert detail == {
        "event_id": f"{entry.id}-e0",
        "user_id": ME["sub"],
        "reading_id": reading["id"],
        "meter_number": "01234567",
        "taken_at": detail["taken_at"],
        "sequence": 1,
        # What billing bills on: the values per tariff (decimal strings), the source and the period.
        "meter_type": "single_tariff",
        "source": "manual",
        "values": {"t1": reading["values"]["t1"]},
        "billing_period": reading["billing_period"],
    }
    assert detail["values"] == {"t1": "100"} or float(detail["values"]["t1"]) == 100
    assert datetime.fromisoformat(detail["taken_at"]) == datetime.fromisoformat(reading["taken_at"])
    assert count_of(world) == 1

    _, [event] = relayed_once(world, entry)
    assert event["detail"] == {**detail, "feed_sequence": 1}  # numbered in the change feed when relayed


def test_the_consumer_s_readings_of_every_meter_are_numbered_in_turn_each_consumer_apart(
    world: World, clock: Clock
) -> None:
    for number, value in (("01234567", "100"), ("ABC-1", "5"), ("01234567", "110")):
        assert submit(single(number, value))[0] == 201
    assert submit(single("01234567", "7"), claims=SOMEONE_ELSE)[0] == 201

    numbered = [
        (detail["user_id"], detail["meter_number"], detail["sequence"])
        for entry in owed_entries(world)
        for detail in events_of(entry)
    ]
    assert numbered == [
        (ME["sub"], "01234567", 1),
        (ME["sub"], "ABC-1", 2),
        (ME["sub"], "01234567", 3),
        (SOMEONE_ELSE["sub"], "01234567", 1),
    ]
    assert (count_of(world), count_of(world, SOMEONE_ELSE["sub"])) == (3, 1)


def test_a_reading_not_stored_owes_nothing_and_takes_no_number(world: World, clock: Clock) -> None:
    assert submit(single("01234567", "100"))[0] == 201
    the_entry(world)
    relayed_once(world, the_entry(world))

    assert submit(single("01234567", "99"))[0] == 422  # lower: a question, nothing stored
    with failing_where("dynamodb", "TransactWriteItems", ""):
        assert submit(single("01234567", "120"))[0] == 503
    assert len(owed_entries(world)) == 1 and count_of(world) == 1
    assert len(all_readings()) == 1

    assert submit(single("01234567", "120"))[0] == 201  # the retry: the next number, no gap
    [detail] = events_of(owed_entries(world)[-1])
    assert detail["sequence"] == 2


def test_a_consumer_whose_readings_predate_the_count_starts_at_one(world: World, clock: Clock) -> None:
    # A reading stored by older code: no count item.
    old = ReadingOutput(
        id="0" * 32,
        meter_number="01234567",
        meter_type=MeterType.SINGLE_TARIFF,
        values={"t1": Decimal("50")},
        consumption=None,
        previous_taken_at=None,
        source=Source.MANUAL,
        taken_at=datetime(2026, 11, 1, 9, tzinfo=UTC),
        billing_period="2026-11",
    )
    ReadingStore().append(ME["sub"], old, None)
    assert count_of(world) is None

    assert submit(single("01234567", "100"))[0] == 201
    [detail] = events_of(the_entry(world))
    assert detail["sequence"] == 1
    assert [r["values"]["t1"] for r in all_readings()] == ["100.00", "50.00"]


def test_a_reading_from_askue_publishes_nothing_and_is_not_counted(world: World, clock: Clock) -> None:
    outcome = record_askue_reading(ME["sub"], "01234567", Decimal("100"), clock.at)

    assert outcome == AskueOutcome.RECORDED
    assert owed_entries(world) == [] and count_of(world) is None
