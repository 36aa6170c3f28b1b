"""One source per meter: a meter the consumer's ASKUE reads, or that the company marks as read by its
ИСУ through the integration API, refuses manual readings with a 422 that says so and points to the
ASKUE page — against moto and the ASKUE simulator."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from functions.askue import handler as askue_handler
from functions.askue import service as askue_service
from functions.askue.connectors import configured_connector
from functions.askue.service import sync_account
from functions.readings import handler as readings
from functions.readings import service
from infra.askue_simulator import AskueSimulator
from infra.world import World
from tests.unit.askue_support import CONSUMER, DEMO, askue, consumer_event, simulator
from tests.unit.conftest import api_event, call
from tests.unit.test_objects import HOUSE, add, confirm, errors_of

__all__ = ["askue", "simulator"]

DEMO_HOUSE_METER = "41250017"  # «Меркурий 234 ARTM-01 № 41250017» in the simulator's demo account


def submit(number: str, claims: dict[str, str] = CONSUMER) -> tuple[int, Any]:
    body = {"meter_type": "single_tariff", "meter_number": number, "values": {"t1": "100"}}
    return call(readings, api_event("POST", "/api/readings", body, claims=claims))


def fetch_demo() -> None:
    status, body = call(
        askue_handler, consumer_event("POST", "/api/askue/fetch", {**DEMO, "remember": False})
    )
    assert status == 200, body


def test_a_meter_the_consumers_askue_reads_refuses_a_manual_reading_naming_askue(
    askue: AskueSimulator,
) -> None:
    fetch_demo()

    status, problem = submit(DEMO_HOUSE_METER)

    assert status == 422
    message = errors_of(problem)["meter_number"]
    assert (
        f"Прибор учёта № {DEMO_HOUSE_METER} подключён к автоматизированной системе учёта (АСКУЭ)" in message
    )
    assert "ручной ввод для него не принимается" in message
    assert "«Показания» → «АСКУЭ» (#/readings/askue)" in message
    assert call(readings, api_event("GET", "/api/readings", claims=CONSUMER))[1]["items"] == []


def test_a_meter_askue_does_not_list_and_another_consumers_meter_take_manual_readings(
    askue: AskueSimulator,
) -> None:
    fetch_demo()

    assert submit("99887766")[0] == 201
    assert submit(DEMO_HOUSE_METER, {"sub": "user-askue-2", "email": "other@example.ru"})[0] == 201


def test_the_scheduled_sync_marks_the_meters_it_reads_too(
    askue: AskueSimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as unmarked:  # the link is remembered by a fetch that marks nothing
        unmarked.setattr(askue_service, "mark_askue_meters", lambda user_id, rows: None)
        call(askue_handler, consumer_event("POST", "/api/askue/fetch", {**DEMO, "remember": True}))
    assert submit("31180254")[0] == 201

    assert sync_account(CONSUMER["sub"], configured_connector()) == "synced"

    assert submit("31180261")[0] == 422, "the shop's second meter, read by the sync"


def test_a_meter_askue_stopped_listing_takes_manual_readings_again_after_two_periods(
    askue: AskueSimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    fetch_demo()
    later = datetime.now(UTC) + timedelta(days=service.ASKUE_READS_DAYS + 1)
    monkeypatch.setattr(service, "now", lambda: later)

    assert submit(DEMO_HOUSE_METER)[0] == 201


ME = {"sub": "11111111-aaaa-4bbb-8ccc-000000000011", "email": "me@example.ru"}


def test_a_meter_the_company_marks_as_isu_read_refuses_manual_readings_until_unmarked(world: World) -> None:
    status, added = add(HOUSE)
    assert status == 201, added

    status, changed = confirm(added["id"], {"isu_meters": ["CE-301/12"]})
    assert status == 200, changed
    assert changed["account_state"] == "pending", "the confirmation is left as it was"

    status, problem = call(
        readings,
        api_event(
            "POST",
            "/api/readings",
            {"meter_type": "two_tariff", "meter_number": "CE-301/12", "values": {"t1": "1", "t2": "1"}},
            claims=ME,
        ),
    )
    assert status == 422
    assert "интеллектуальной системе учёта сетевой компании (АСКУЭ)" in errors_of(problem)["meter_number"]

    assert confirm(added["id"], {"isu_meters": [], "confirmed": True})[0] == 200
    status, reading = call(
        readings,
        api_event(
            "POST",
            "/api/readings",
            {"meter_type": "two_tariff", "meter_number": "CE-301/12", "values": {"t1": "1", "t2": "1"}},
            claims=ME,
        ),
    )
    assert status == 201, reading


def test_the_company_cannot_mark_a_meter_that_is_not_the_objects_nor_send_nothing(world: World) -> None:
    _, added = add(HOUSE)

    status, problem = confirm(added["id"], {"isu_meters": ["00000001"]})
    assert status == 422
    assert errors_of(problem)["isu_meters.0"].startswith("Прибора учёта № 00000001 нет на этом объекте")

    status, problem = confirm(added["id"], {})
    assert status == 422
    assert "confirmed" in errors_of(problem)

    assert confirm("0" * 32, {"isu_meters": []})[0] == 404
