"""The readings billing bills on (GET /api/integration/readings): each reading stored, with its values
per tariff, source, billing period, and the object and лицевой счёт of its meter, in the change feed's
order with the feed's numbers — a cursor misses none."""

from typing import Any

from functions.integration import handler as integration
from infra.world import World
from tests.unit.conftest import api_event, call, relay_outbox
from tests.unit.test_objects import HOUSE, add
from tests.unit.test_readings import ME, SOMEONE_ELSE, Clock, clock, single, submit, two  # noqa: F401


def billed(after: int = 0, limit: int = 100) -> tuple[int, Any]:
    query = {"after": str(after), "limit": str(limit)}
    return call(integration, api_event("GET", "/api/integration/readings", query=query, integrator="billing"))


def test_billing_reads_every_reading_with_values_object_and_account(world: World, clock: Clock) -> None:  # noqa: F811
    _, house = add(HOUSE, claims=ME)  # its meter ce-301/12, a two-tariff one
    assert submit(two("ce-301/12", "1234.5", "678"))[0] == 201
    assert submit(single("NOOBJ-1", "10"), claims=SOMEONE_ELSE)[0] == 201
    relay_outbox(world)

    status, page = billed()

    assert status == 200, page
    first, second = page["items"]
    assert first["user_id"] == ME["sub"] and first["meter_number"] == "CE-301/12"
    assert {k: float(v) for k, v in first["values"].items()} == {"t1": 1234.5, "t2": 678.0}
    assert first["source"] == "manual" and first["meter_type"] == "two_tariff"
    assert first["object_id"] == house["id"]
    assert first["account_number"] == house["account_number"]
    assert first["account_confirmed"] is False
    assert len(first["billing_period"]) == 7
    assert second["object_id"] is None and second["account_number"] is None
    assert page["has_more"] is False
    assert first["sequence"] < second["sequence"] == page["next_after"]


def test_a_cursor_goes_on_past_changes_that_are_not_readings(world: World, clock: Clock) -> None:  # noqa: F811
    assert submit(single("M-1", "10"))[0] == 201
    relay_outbox(world)
    _, first = billed()
    add(HOUSE, claims=SOMEONE_ELSE)  # an object added: a change of the feed, not a reading
    assert submit(single("M-1", "20"))[0] == 201
    relay_outbox(world)

    _, page = billed(first["next_after"], limit=1)
    _, again = billed(page["next_after"])

    assert [float(r["values"]["t1"]) for r in first["items"]] == [10.0]
    assert [float(r["values"]["t1"]) for r in page["items"] + again["items"]] == [20.0]
    assert billed(99)[0] == 422
