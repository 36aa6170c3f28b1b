"""The readings the ASKUE sync stores owe their portal.reading.submitted.v1 (source askue, the value
per tariff), written with the readings: billing reads them once each from GET
/api/integration/readings and the change feed, with the object and лицевой счёт of their meter, however
often the account is synced or its record delivered again — against moto and the simulator."""

from typing import Any

from functions.integration import handler as integration
from functions.readings import handler as readings
from infra.askue_simulator import AskueSimulator
from infra.events import LocalEvents
from infra.world import World
from tests.faults import failing_where
from tests.unit.askue_support import askue, simulator
from tests.unit.conftest import api_event, call, relay_outbox
from tests.unit.test_askue_sync import PLANNER, USER_1, WORKER, events, fetch_demo, snapshots
from tests.unit.test_change_feed import read_all

__all__ = ["askue", "events", "simulator"]

DEMO_METERS = {"41250017", "31180254", "31180261"}
HOUSE = {
    "name": "Жилой дом",
    "address": "Московская обл., д. Берёзки, ул. Полевая, 7",
    "account_number": "5001234567",
    "meters": [{"meter_type": "single_tariff", "meter_number": "31180254"}],
}


def billed(after: int = 0) -> dict[str, Any]:
    query = {"after": str(after), "limit": "100"}
    status, page = call(
        integration, api_event("GET", "/api/integration/readings", query=query, integrator="billing")
    )
    assert status == 200, page
    return dict(page)


def reading_changes() -> list[dict[str, Any]]:
    seen, _ = read_all()
    return [change for change in seen if change["type"] == "portal.reading.submitted.v1"]


def sync(events: LocalEvents) -> None:
    events.fire(PLANNER)
    events.drain(WORKER)


def test_synced_readings_reach_billing_once_with_their_object_and_account(
    events: LocalEvents, world: World, askue: AskueSimulator
) -> None:
    status, house = call(readings, api_event("POST", "/api/objects", HOUSE, claims=USER_1))
    assert status == 201, house
    fetch_demo(USER_1["sub"])

    sync(events)
    relay_outbox(world)
    page = billed()

    assert {item["meter_number"] for item in page["items"]} == DEMO_METERS
    assert all(item["source"] == "askue" and item["user_id"] == USER_1["sub"] for item in page["items"])
    assert all(set(item["values"]) == {"t1"} and len(item["billing_period"]) == 7 for item in page["items"])
    [at_house] = [item for item in page["items"] if item["meter_number"] == "31180254"]
    assert at_house["object_id"] == house["id"] and at_house["account_number"] == "5001234567"
    assert [c["detail"]["sequence"] for c in reading_changes()] == [1, 2, 3]

    sync(events)  # the next run in the same half hour: ASKUE gives the same readings
    relay_outbox(world)

    assert billed(page["next_after"])["items"] == []
    assert len(reading_changes()) == 3


def test_a_record_delivered_again_after_its_snapshot_failed_owes_no_second_event(
    events: LocalEvents, world: World, askue: AskueSimulator
) -> None:
    fetch_demo(USER_1["sub"])
    events.fire(PLANNER)
    with failing_where("dynamodb", "BatchWriteItem", "snapshot#", "5xx"):
        delivery = events.poll(WORKER)
    assert delivery is not None and delivery.failed == 1  # the readings written, the snapshot not

    events.drain(WORKER)  # redelivered: the same readings, STALE now; the snapshot written
    relay_outbox(world)

    assert [s.source for s in snapshots(USER_1["sub"])] == ["fetch", "sync"]
    assert sorted(c["detail"]["meter_number"] for c in reading_changes()) == sorted(DEMO_METERS)
    assert {item["source"] for item in billed()["items"]} == {"askue"}
