"""The change feed (GET /api/integration/changes): every event the portal owes, numbered 1, 2, 3…
with no gap by the outbox's relay in one transaction with a counter; a reader holding a cursor never
misses a change, whatever order the changes are relayed in, however many relays number at once, and
however late an index copy lands."""

import json
import threading
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest

from functions.common import changes
from functions.common.events import RequestFiled
from functions.common.outbox import OutboxEntry, write_outbox
from functions.integration import handler as integration
from functions.outbox import service
from infra.world import World
from tests.unit.conftest import api_event, call, relay_outbox
from tests.unit.test_events import published
from tests.unit.test_requests import body_of, clock, env, file  # noqa: F401 (the fixtures)


def owed(number: int, events: int = 1) -> OutboxEntry:
    """An outbox item owing `events` events of the request numbered `number`."""
    filed = [
        RequestFiled(
            request_id=f"01JBQ{number:021d}",
            number=f"2026-{number:06d}",
            sequence=1 + n,
            type="meter_admission",
            status="registered",
            filed_at=datetime(2026, 11, 27, 9, 0, tzinfo=UTC),
        )
        for n in range(events)
    ]
    entry = OutboxEntry.owing(events=filed)
    write_outbox(entry)
    return entry


def feed(after: int = 0, limit: int = 100) -> tuple[int, Any]:
    return call(
        integration,
        api_event(
            "GET",
            "/api/integration/changes",
            query={"after": str(after), "limit": str(limit)},
            integrator="crm",
        ),
    )


def read_all(after: int = 0) -> tuple[list[dict[str, Any]], int]:
    """Every change after `after`, page by page, and the cursor to go on from."""
    seen: list[dict[str, Any]] = []
    while True:
        status, page = feed(after, limit=2)
        assert status == 200, page
        seen += page["items"]
        after = page["next_after"]
        if not page["has_more"]:
            return seen, after


def test_changes_are_numbered_without_a_gap_and_the_bus_carries_the_same_numbers(world: World) -> None:
    entries = [owed(1), owed(2, events=2), owed(3)]
    for entry in entries:
        service.relay(entry.key["pk"])

    seen, cursor = read_all()

    assert [change["sequence"] for change in seen] == [1, 2, 3, 4]
    assert cursor == 4
    by_event = {change["event_id"]: change for change in seen}
    assert set(by_event) == {event.event_id for entry in entries for event in entry.events}
    assert all(change["type"] == "portal.request.filed.v1" for change in seen)
    on_bus = published(world)
    assert sorted(event["detail"]["feed_sequence"] for event in on_bus) == [1, 2, 3, 4]
    for event in on_bus:
        assert by_event[event["detail"]["event_id"]]["sequence"] == event["detail"]["feed_sequence"]
        assert by_event[event["detail"]["event_id"]]["detail"] == event["detail"]


def test_a_reader_resumes_from_its_cursor_and_misses_nothing_relayed_out_of_order(world: World) -> None:
    early, late = owed(1), owed(2)
    service.relay(late.key["pk"])  # the later change's relay runs first
    first, cursor = read_all()
    service.relay(early.key["pk"])  # the earlier change lands after the reader's poll

    then, cursor_after = read_all(cursor)

    assert [c["sequence"] for c in first] == [1]
    assert [c["sequence"] for c in then] == [2]
    assert {c["event_id"] for c in first + then} == {late.events[0].event_id, early.events[0].event_id}
    assert cursor_after == 2
    assert feed(cursor_after)[1] == {"items": [], "next_after": 2, "has_more": False, "latest": 2}


def test_an_item_relayed_twice_is_numbered_once(world: World) -> None:
    entry = owed(1)
    service.relay(entry.key["pk"])
    # The stream's relay and the sweeper both took it: the mark of relayed lost, it is pending again.
    boto3.client("dynamodb").update_item(
        TableName=world.refs["OutboxTable"],
        Key={"pk": {"S": entry.key["pk"]}},
        UpdateExpression="SET pending = :p REMOVE relayed_at",
        ExpressionAttributeValues={":p": {"S": "1"}},
    )
    service.relay(entry.key["pk"])

    seen, _ = read_all()
    assert [c["sequence"] for c in seen] == [1]
    assert [e["detail"]["feed_sequence"] for e in published(world, distinct=False)] == [1, 1]


def test_a_relay_whose_counter_read_went_stale_numbers_after_the_other(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two relays read the counter at once: the one that commits second finds the counter moved,
    reads it again and numbers after the first — no number given twice, none skipped."""
    first, second = owed(1), owed(2)
    real_last = changes.ChangeFeed.last
    stale = iter([0])  # the second relay's first read: before the first relay committed

    def last(self: changes.ChangeFeed) -> int:
        value = next(stale, None)
        return value if value is not None else real_last(self)

    service.relay(first.key["pk"])
    monkeypatch.setattr(changes.ChangeFeed, "last", last)
    service.relay(second.key["pk"])

    seen, _ = read_all()
    assert [(c["sequence"], c["event_id"]) for c in seen] == [
        (1, first.events[0].event_id),
        (2, second.events[0].event_id),
    ]


def test_relays_numbering_at_once_leave_no_gap_for_a_reader_polling_meanwhile(world: World) -> None:
    entries = [owed(n) for n in range(1, 13)]
    received: list[int] = []
    done = threading.Event()

    def reader() -> None:
        cursor = 0
        while True:
            finished = done.is_set()
            page = feed(cursor, limit=5)[1]
            received.extend(change["sequence"] for change in page["items"])
            cursor = page["next_after"]
            if finished and not page["has_more"]:
                return

    def relay(chunk: list[OutboxEntry]) -> None:
        for entry in chunk:
            service.relay(entry.key["pk"])

    polling = threading.Thread(target=reader)
    relays = [threading.Thread(target=relay, args=(entries[n::3],)) for n in range(3)]
    polling.start()
    for thread in relays:
        thread.start()
    for thread in relays:
        thread.join()
    done.set()
    polling.join(timeout=60)

    assert received == list(range(1, 13))


def test_the_feed_does_not_wait_for_the_status_index(env: World, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    """The ByStatus index is filled eventually: here it lags for good. A request filed and moved is in
    the feed all the same, read from the base table."""
    from functions.common import dynamo

    real_query = dynamo.Table.query

    def lagging(self: dynamo.Table, *args: Any, **kwargs: Any) -> dynamo.Page:
        if kwargs.get("index") == "ByStatus":
            return dynamo.Page([], None)
        return real_query(self, *args, **kwargs)

    monkeypatch.setattr(dynamo.Table, "query", lagging)
    status, created = file(body_of("meter_admission"))
    assert status == 201, created
    moved = call(
        integration,
        api_event(
            "PATCH",
            f"/api/integration/requests/{created['id']}",
            {"status": "in_review"},
            path_parameters={"id": created["id"]},
            integrator="crm",
        ),
    )
    assert moved[0] == 200
    listed = call(
        integration,
        api_event("GET", "/api/integration/requests", query={"status": "in_review"}, integrator="crm"),
    )
    assert listed[1]["items"] == []  # what a poll of the lagging index sees
    relay_outbox(env)

    seen, _ = read_all()

    assert [(c["type"], c["detail"]["request_id"]) for c in seen] == [
        ("portal.request.filed.v1", created["id"]),
        ("portal.request.status.changed.v1", created["id"]),
    ]
    assert seen[1]["detail"]["status"] == "in_review"


def test_a_cursor_the_feed_never_gave_is_refused_and_an_expired_one_is_gone(world: World) -> None:
    for n in range(1, 4):
        service.relay(owed(n).key["pk"])

    beyond = feed(9)
    boto3.client("dynamodb").delete_item(
        TableName=world.refs["IntegrationTable"], Key={"pk": {"S": "changes"}, "sk": {"S": f"{2:020d}"}}
    )  # as DynamoDB's TTL deletes a change older than the retention
    expired = feed(1)
    from_start = feed(0)

    assert beyond[0] == 422
    assert {e["field"] for e in beyond[1]["errors"]} == {"after"}
    assert "последнее — 3" in beyond[1]["detail"]
    assert expired[0] == 410, expired[1]
    assert "after=3" in expired[1]["detail"]
    assert [c["sequence"] for c in from_start[1]["items"]] == [1, 3]


def test_a_change_s_detail_is_json_as_the_bus_publishes_it(world: World) -> None:
    entry = owed(7)
    service.relay(entry.key["pk"])

    [change] = feed()[1]["items"]

    assert change["detail"] == {**json.loads(entry.events[0].detail), "feed_sequence": 1}


def test_the_objects_worklist_pages_with_a_cursor_and_refuses_a_forged_one(world: World) -> None:
    from tests.unit.test_objects import HOUSE, add

    added = [add({**HOUSE, "name": f"Дом {n}"})[1]["id"] for n in range(3)]

    def page(**query: str) -> tuple[int, Any]:
        return call(integration, api_event("GET", "/api/integration/objects", query=query, integrator="crm"))

    first = page(limit="2")[1]
    second = page(limit="2", cursor=first["cursor"])[1]
    forged = page(cursor="eyJ4IjoieSJ9")

    assert [o["id"] for o in first["items"] + second["items"]] == added
    assert second["cursor"] is None
    assert forged[0] == 422 and {e["field"] for e in forged[1]["errors"]} == {"cursor"}


def test_the_request_lists_say_when_each_request_entered_its_status(env: World) -> None:  # noqa: F811
    status, created = file(body_of("meter_admission"))
    assert status == 201, created

    listed = call(
        integration,
        api_event("GET", "/api/integration/requests", query={"status": "registered"}, integrator="crm"),
    )[1]

    [item] = listed["items"]
    assert item["status_changed_at"] == item["created_at"]
