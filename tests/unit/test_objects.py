"""«Мои объекты»: a consumer registers supply points (address, лицевой счёт, cadastral number, meters),
sees only their own, and the company confirms the лицевой счёт — against moto."""

from typing import Any

import pytest

from functions.integration import handler as integration
from functions.readings import handler as readings
from infra.world import World
from tests.unit.conftest import api_event, call

ME = {"sub": "11111111-aaaa-4bbb-8ccc-000000000011", "email": "me@example.ru"}
SOMEONE_ELSE = {"sub": "22222222-aaaa-4bbb-8ccc-000000000022", "email": "other@example.ru"}
HOUSE = {
    "name": "Жилой дом",
    "address": "Московская обл., д. Берёзки, ул. Полевая, 7",
    "account_number": "5001 2345 67",
    "cadastral_number": "50:20:0010203:417",
    "meters": [{"meter_type": "two_tariff", "meter_number": "ce-301/12", "digits": 5}],
}
ACCOUNT_RULE = "Лицевой счёт: от 8 до 14 цифр, как в квитанции (пробелы и дефисы можно не вводить)."


def add(body: Any, claims: dict[str, str] = ME) -> tuple[int, Any]:
    return call(readings, api_event("POST", "/api/objects", body, claims=claims))


def mine(claims: dict[str, str] = ME) -> list[dict[str, Any]]:
    status, body = call(readings, api_event("GET", "/api/objects", claims=claims))
    assert status == 200
    return list(body["items"])


def worklist() -> list[dict[str, Any]]:
    status, body = call(integration, api_event("GET", "/api/integration/objects", integrator="billing"))
    assert status == 200
    return list(body["items"])


def confirm(object_id: str, body: Any) -> tuple[int, Any]:
    return call(
        integration,
        api_event(
            "PATCH",
            f"/api/integration/objects/{object_id}",
            body,
            path_parameters={"id": object_id},
            integrator="billing",
        ),
    )


def errors_of(problem: dict[str, Any]) -> dict[str, str]:
    return {e["field"]: e["message"] for e in problem["errors"]}


def test_an_object_is_registered_with_its_account_and_meters_waiting_for_confirmation(world: World) -> None:
    status, added = add(HOUSE)

    assert status == 201, added
    assert added["account_number"] == "5001234567"  # spaces dropped
    assert added["meters"] == [{"meter_type": "two_tariff", "meter_number": "CE-301/12", "digits": 5}]
    assert added["cadastral_number"] == "50:20:0010203:417"
    assert added["account_state"] == "pending"
    assert added["account_confirmed_at"] is None
    assert mine() == [added]


def test_the_cadastral_number_is_optional(world: World) -> None:
    status, added = add({**HOUSE, "cadastral_number": None})

    assert status == 201
    assert added["cadastral_number"] is None


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"account_number": "1234567"}, "account_number", ACCOUNT_RULE),
        ({"account_number": "12345678901234567"}, "account_number", ACCOUNT_RULE),
        ({"account_number": "ЛС-12345678"}, "account_number", ACCOUNT_RULE),
        ({"cadastral_number": "50-20-10203-417"}, "cadastral_number", None),
        ({"address": "д.1"}, "address", None),
        ({"meters": []}, "meters", None),
        ({"meters": [{"meter_type": "five_tariff", "meter_number": "1"}]}, "meters.0.meter_type", None),
        (
            {"meters": [{"meter_type": "single_tariff", "meter_number": "1", "digits": 3}]},
            "meters.0.digits",
            None,
        ),
        ({"color": "синий"}, "color", None),
    ],
)
def test_a_bad_object_is_refused_naming_the_field(
    world: World, change: dict[str, Any], field: str, message: str | None
) -> None:
    status, problem = add({**HOUSE, **change})

    assert status == 422
    assert field in errors_of(problem), problem
    if message:
        assert errors_of(problem)[field] == message
    assert mine() == []


def test_the_same_meter_twice_at_one_object_is_refused(world: World) -> None:
    meter = {"meter_type": "single_tariff", "meter_number": "777"}

    status, problem = add({**HOUSE, "meters": [meter, meter]})

    assert status == 422
    assert errors_of(problem) == {"meters.1.meter_number": "Прибор учёта № 777 уже указан для этого объекта."}


def test_a_consumer_sees_only_their_own_objects(world: World) -> None:
    add(HOUSE)

    assert mine(SOMEONE_ELSE) == []


def test_the_company_confirms_the_account_and_the_consumer_sees_it(world: World) -> None:
    _, added = add(HOUSE)
    assert [o["id"] for o in worklist()] == [added["id"]]
    assert worklist()[0]["user_id"] == ME["sub"]

    status, confirmed = confirm(added["id"], {"confirmed": True})

    assert status == 200, confirmed
    assert confirmed["account_state"] == "confirmed"
    assert confirmed["account_confirmed_at"]
    assert worklist() == []
    [seen] = mine()
    assert seen["account_state"] == "confirmed"

    status, withdrawn = confirm(added["id"], {"confirmed": False})

    assert status == 200
    assert withdrawn["account_state"] == "pending"
    assert [o["id"] for o in worklist()] == [added["id"]]


def test_confirming_an_unknown_object_is_a_404_and_a_bad_body_a_422(world: World) -> None:
    status, problem = confirm("0" * 32, {"confirmed": True})
    assert status == 404
    assert problem["detail"] == "Объект не найден."

    _, added = add(HOUSE)
    status, problem = confirm(added["id"], {"confirmed": "может быть"})
    assert status == 422
    assert list(errors_of(problem)) == ["confirmed"]
    status, problem = confirm(added["id"], {"confirmed": True, "by": "кто-то"})
    assert status == 422


def test_an_object_whose_write_answer_was_lost_is_registered_once_and_answered_201(world: World) -> None:
    """The transaction is done at AWS and its answer lost (tests/faults.py's `lost_answer`):
    botocore's second attempt meets the new key's condition. The object is there once, with its one
    event, and answered 201."""
    from tests.faults import FaultyRecorder
    from tests.unit.outbox_support import events_of, owed_entries

    recorder = FaultyRecorder()
    try:
        calls: list[tuple[str, str]] = []
        with recorder.recording(calls):
            assert add(HOUSE)[0] == 201
        index = calls.index(("dynamodb", "TransactWriteItems"))
        with recorder.failing(index, "lost_answer"):
            status, added = add({**HOUSE, "name": "Баня"})
    finally:
        recorder.close()

    assert recorder.loss is not None and recorder.loss.retried
    assert status == 201, added
    assert [item["name"] for item in mine()] == ["Жилой дом", "Баня"]
    owed = [detail for entry in owed_entries(world) for detail in events_of(entry)]
    assert [(d["detail-type"], d["object_id"]) for d in owed][-1] == ("portal.object.added.v1", added["id"])
    assert len(owed) == 2


STRUCTURED = {**HOUSE, "settlement": "д. Берёзки", "street": "ул. Полевая", "house": "7"}


def test_an_object_keeps_its_structured_address_and_the_address_as_typed(world: World) -> None:
    status, added = add(STRUCTURED)

    assert status == 201, added
    assert (added["settlement"], added["street"], added["house"]) == ("д. Берёзки", "ул. Полевая", "7")
    assert added["address"] == HOUSE["address"]
    assert mine() == [added]


def test_without_a_typed_address_the_address_is_made_of_its_parts(world: World) -> None:
    body = {key: value for key, value in STRUCTURED.items() if key != "address"}

    status, added = add({**body, "street": None, "house": "12 корп. 2"})

    assert status == 201, added
    assert added["address"] == "д. Берёзки, 12 корп. 2"
    assert added["street"] is None


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"house": None}, "house", "Укажите номер дома: например, 7, 21а или 12к2."),
        ({"settlement": None}, "house", "Укажите и населённый пункт: дом без него не находит объект."),
        (
            {"address": None, "settlement": None, "street": None, "house": None},
            "address",
            "Укажите адрес объекта или населённый пункт, улицу и дом.",
        ),
        ({"settlement": " "}, "settlement", None),
        ({"house": "1" * 21}, "house", None),
    ],
)
def test_a_structured_address_needs_its_settlement_and_house(
    world: World, change: dict[str, Any], field: str, message: str | None
) -> None:
    status, problem = add({**STRUCTURED, **change})

    assert status == 422, problem
    assert field in errors_of(problem), problem
    if message:
        assert errors_of(problem)[field] == message
    assert mine() == []


def test_the_objects_of_a_street_are_found_by_its_normalised_spelling(world: World) -> None:
    from functions.common.addresses import street_key
    from functions.objects.store import ObjectStore

    add(STRUCTURED)
    add({**STRUCTURED, "house": "9а"}, SOMEONE_ELSE)
    add({**STRUCTURED, "street": "ул. Лесная"}, SOMEONE_ELSE)
    add(HOUSE)  # no structured address: found by no street

    page = ObjectStore().on_street(street_key("Березки", "Полевая улица"), None, 50)

    assert sorted((found.user_id, found.house) for found in page.objects) == sorted(
        [(ME["sub"], "7"), (SOMEONE_ELSE["sub"], "9а")]
    )
    assert page.next_start is None
