"""A reading typed in (POST /api/readings) owes its portal.reading.submitted.v1: written in the
reading's own transaction as an outbox item (functions/common/outbox.py), numbered among the
consumer's by a count kept in that transaction. With EventBridge failing at that moment the route
answers as before and the relay puts the event once; a reading not stored owes nothing and takes no
number. An ASKUE reading the sync stores owes the same event (source askue), written with the
account's readings in their one transaction."""

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from functions.common.dynamo import deserialize
from functions.common.fields import MeterType
from functions.readings.askue_readings import AskueOutcome, AskueValue, record_askue_values
from functions.readings.models import ReadingOutput, Source
from functions.readings.store import SUBMITTED_SK, ReadingStore
from infra.world import World
from tests.faults import failing_where
from tests.unit.outbox_support import aws_calls, events_of, mails_of, owed_entries, relayed_once, the_entry
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


def test_an_account_s_askue_readings_owe_their_events_in_their_one_transaction(
    world: World, clock: Clock
) -> None:
    assert submit(single("01234567", "100"))[0] == 201  # typed in first: number 1
    at = clock.at
    values = [AskueValue("AS-1", Decimal("27533.9384"), at), AskueValue("AS-2", Decimal("12"), at)]

    with aws_calls() as calls:
        outcomes = record_askue_values(ME["sub"], values)

    assert outcomes == [AskueOutcome.RECORDED, AskueOutcome.RECORDED]
    assert calls.of("dynamodb") == ["BatchGetItem", "TransactWriteItems"]
    [actions] = calls.transactions
    assert len(actions) == 2 * 2 + 2 and actions[-1][1] == world.refs["OutboxTable"]
    entry = owed_entries(world)[-1]
    first, second = events_of(entry)
    readings = {r["meter_number"]: r for r in all_readings()}
    assert first["detail-type"] == "portal.reading.submitted.v1"
    assert (first["meter_number"], first["sequence"], second["sequence"]) == ("AS-1", 2, 3)
    assert first["source"] == "askue" and first["meter_type"] == "single_tariff"
    assert first["values"] == {"t1": "27533.938"}  # as ASKUE sends it: watt-hours, three decimals
    assert first["reading_id"] == readings["AS-1"]["id"]
    assert first["billing_period"] == readings["AS-1"]["billing_period"]
    assert count_of(world) == 3


def test_the_same_askue_values_again_store_nothing_and_owe_nothing(world: World, clock: Clock) -> None:
    values = [AskueValue("AS-1", Decimal("10"), clock.at)]
    assert record_askue_values(ME["sub"], values) == [AskueOutcome.RECORDED]

    # The sync's record delivered again (its snapshot unwritten, or a fault after the readings).
    assert record_askue_values(ME["sub"], values) == [AskueOutcome.STALE]

    assert [d["sequence"] for e in owed_entries(world) for d in events_of(e)] == [1]
    assert len(all_readings()) == 1 and count_of(world) == 1


def test_askue_readings_whose_transaction_fails_are_not_stored_and_owe_nothing(
    world: World, clock: Clock
) -> None:
    values = [AskueValue("AS-1", Decimal("10"), clock.at), AskueValue("AS-2", Decimal("20"), clock.at)]
    with failing_where("dynamodb", "TransactWriteItems", "", "5xx"), pytest.raises(ClientError):
        record_askue_values(ME["sub"], values)

    assert all_readings() == [] and owed_entries(world) == [] and count_of(world) is None
    assert record_askue_values(ME["sub"], values) == [AskueOutcome.RECORDED] * 2  # the retry
    assert [d["sequence"] for e in owed_entries(world) for d in events_of(e)] == [1, 2]


def test_a_reading_typed_in_meanwhile_numbers_before_the_askue_ones_with_no_gap(
    world: World, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    read = ReadingStore.meters_and_count
    raced: list[bool] = []

    def then_typed_in(self: ReadingStore, user_id: str, numbers: list[str]) -> Any:
        found = read(self, user_id, numbers)
        if not raced:
            raced.append(True)
            assert submit(single("M-9", "5"))[0] == 201  # between the sync's read and its write
        return found

    monkeypatch.setattr(ReadingStore, "meters_and_count", then_typed_in)
    assert record_askue_values(ME["sub"], [AskueValue("AS-1", Decimal("10"), clock.at)]) == [
        AskueOutcome.RECORDED
    ]

    numbered = [(d["meter_number"], d["sequence"]) for e in owed_entries(world) for d in events_of(e)]
    assert numbered == [("M-9", 1), ("AS-1", 2)]
    assert count_of(world) == 2


def test_more_meters_than_an_outbox_item_holds_are_written_ten_to_a_transaction(
    world: World, clock: Clock
) -> None:
    values = [AskueValue(f"AS-{n}", Decimal(n), clock.at) for n in range(12)]

    with aws_calls() as calls:
        assert set(record_askue_values(ME["sub"], values)) == {AskueOutcome.RECORDED}

    assert calls.of("dynamodb").count("TransactWriteItems") == 2
    assert [len(entry.events) for entry in owed_entries(world)] == [10, 2]
    assert sorted(d["sequence"] for e in owed_entries(world) for d in events_of(e)) == list(range(1, 13))
