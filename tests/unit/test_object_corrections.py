"""«Мои объекты» corrected: the consumer changes or removes their own object (PATCH/DELETE
/api/objects/{id}); a confirmed лицевой счёт changes only through the company; each change owes its
event, written with it — against moto."""

from typing import Any

from functions.readings import handler as readings
from infra.world import World
from tests.unit.conftest import api_event, call
from tests.unit.outbox_support import events_of, owed_entries
from tests.unit.test_objects import HOUSE, ME, SOMEONE_ELSE, add, confirm, errors_of, mine


def change(object_id: str, body: Any, claims: dict[str, str] = ME) -> tuple[int, Any]:
    event = api_event(
        "PATCH", f"/api/objects/{object_id}", body, claims=claims, path_parameters={"id": object_id}
    )
    return call(readings, event)


def remove(object_id: str, claims: dict[str, str] = ME) -> tuple[int, Any]:
    event = api_event("DELETE", f"/api/objects/{object_id}", claims=claims, path_parameters={"id": object_id})
    return call(readings, event)


def details(world: World) -> list[dict[str, Any]]:
    return [detail for entry in owed_entries(world) for detail in events_of(entry)]


def test_the_consumer_corrects_the_address_cadastral_number_and_meters_and_integrators_hear_of_it(
    world: World,
) -> None:
    _, added = add(HOUSE)
    corrected = {
        **HOUSE,
        "address": "Московская обл., д. Берёзки, ул. Полевая, 9",
        "cadastral_number": "50:20:0010203:418",
        "meters": [{"meter_type": "single_tariff", "meter_number": "777"}],
    }

    status, changed = change(added["id"], corrected)

    assert status == 200, changed
    assert changed["address"].endswith("Полевая, 9")
    assert changed["cadastral_number"] == "50:20:0010203:418"
    assert changed["meters"] == [{"meter_type": "single_tariff", "meter_number": "777", "digits": None}]
    assert changed["created_at"] == added["created_at"]
    assert mine() == [changed]
    [added_event, detail] = details(world)
    assert added_event["detail-type"] == "portal.object.added.v1" and added_event["sequence"] == 1
    assert detail["detail-type"] == "portal.object.changed.v1"
    assert detail["object_id"] == added["id"]
    assert detail["sequence"] == 2
    assert detail["account_changed"] is False
    # The same change sent again (a retry): answered as it is, nothing written, no second event.
    assert change(added["id"], corrected) == (200, changed)
    assert len(details(world)) == 2


def test_an_unconfirmed_account_is_corrected_and_a_confirmed_one_only_through_the_company(
    world: World,
) -> None:
    _, added = add(HOUSE)

    status, changed = change(added["id"], {**HOUSE, "account_number": "5001234568"})
    assert status == 200 and changed["account_number"] == "5001234568"
    assert changed["account_state"] == "pending"

    assert confirm(added["id"], {"confirmed": True})[0] == 200
    status, problem = change(added["id"], {**HOUSE, "account_number": "5001234569"})

    assert status == 422
    assert "только через сетевую компанию" in errors_of(problem)["account_number"]
    assert mine()[0]["account_number"] == "5001234568"
    status, kept = change(added["id"], {**HOUSE, "account_number": "5001234568", "name": "Дача"})
    assert status == 200 and kept["name"] == "Дача" and kept["account_state"] == "confirmed"


def test_a_correction_breaking_a_rule_is_refused_naming_the_field_in_russian(world: World) -> None:
    _, added = add(HOUSE)

    status, problem = change(
        added["id"], {**HOUSE, "meters": [{"meter_type": "single_tariff", "meter_number": ""}]}
    )

    assert status == 422
    assert "meters.0.meter_number" not in problem["detail"]
    assert "Номер прибора учёта" in errors_of(problem)["meters.0.meter_number"]


def test_the_consumer_removes_their_object_and_integrators_hear_of_it(world: World) -> None:
    _, added = add(HOUSE)

    status, _ = remove(added["id"])

    assert status == 204
    assert mine() == []
    [_, detail] = details(world)
    assert detail["detail-type"] == "portal.object.removed.v1"
    assert detail["sequence"] == 2
    assert remove(added["id"])[0] == 404


def test_nobody_changes_or_removes_another_consumer_s_object(world: World) -> None:
    _, added = add(HOUSE)

    assert change(added["id"], {**HOUSE, "name": "Чужое"}, claims=SOMEONE_ELSE)[0] == 404
    assert remove(added["id"], claims=SOMEONE_ELSE)[0] == 404
    assert mine() == [added]
    assert [d["detail-type"] for d in details(world)] == ["portal.object.added.v1"]


def test_an_unknown_or_malformed_id_is_a_404_never_a_500(world: World) -> None:
    for object_id in ("0" * 32, "x", "%00", "a" * 64):
        assert change(object_id, HOUSE)[0] == 404
        assert remove(object_id)[0] == 404
