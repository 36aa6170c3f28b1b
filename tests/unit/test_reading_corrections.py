"""A reading corrected or withdrawn (PATCH/DELETE /api/readings/{id}): only the consumer's latest
reading of a meter, only while its billing period is open; the history keeps what was corrected; the
consumption and the meter follow; each change owes its event — against moto."""

from datetime import timedelta
from typing import Any

import pytest

from functions.readings import corrections
from functions.readings import handler as readings
from functions.readings.askue_readings import record_askue_reading
from infra.world import World
from tests.unit.conftest import api_event, call
from tests.unit.outbox_support import events_of, owed_entries
from tests.unit.test_readings import ME, SOMEONE_ELSE, Clock, errors_of, meters, single, submit, two
from tests.unit.test_readings import clock as clock
from tests.unit.test_readings import history as history_page


@pytest.fixture
def fixes(clock: Clock, monkeypatch: pytest.MonkeyPatch) -> Clock:
    monkeypatch.setattr(corrections, "now", clock)
    return clock


def correct(reading_id: str, body: Any, claims: dict[str, str] = ME) -> tuple[int, Any]:
    event = api_event(
        "PATCH", f"/api/readings/{reading_id}", body, claims=claims, path_parameters={"id": reading_id}
    )
    return call(readings, event)


def withdraw(reading_id: str, claims: dict[str, str] = ME) -> tuple[int, Any]:
    event = api_event(
        "DELETE", f"/api/readings/{reading_id}", claims=claims, path_parameters={"id": reading_id}
    )
    return call(readings, event)


def stored(body: Any) -> dict[str, Any]:
    status, reading = submit(body)
    assert status == 201, reading
    return dict(reading)


def details(world: World, detail_type: str) -> list[dict[str, Any]]:
    found = [detail for entry in owed_entries(world) for detail in events_of(entry)]
    return [detail for detail in found if detail["detail-type"] == detail_type]


def test_a_typo_in_the_latest_reading_is_corrected_and_the_history_keeps_the_old_value(
    world: World, fixes: Clock
) -> None:
    stored(single("M-1", "100"))
    typo = stored({**single("M-1", "9150"), "jump_confirmed": True})

    status, corrected = correct(typo["id"], {"values": {"t1": "150,5"}})

    assert status == 200, corrected
    assert corrected["values"] == {"t1": "150.50"}
    assert corrected["consumption"] == {"t1": "50.50"}
    [fix] = corrected["corrections"]
    assert fix["by"] == "consumer"
    assert fix["old_values"] == {"t1": "9150.00"} and fix["new_values"] == {"t1": "150.50"}
    assert history_page()[1]["items"][0] == corrected
    assert meters()[0]["last_values"] == {"t1": "150.50"}
    # The next reading counts its consumption from the corrected value.
    assert stored(single("M-1", "160"))["consumption"] == {"t1": "9.50"}
    [detail] = details(world, "portal.reading.corrected.v1")
    assert detail["reading_id"] == typo["id"] and detail["sequence"] == 2


def test_a_correction_sent_again_changes_nothing_more(world: World, fixes: Clock) -> None:
    stored(single("M-8", "100"))
    typo = stored(single("M-8", "1500"))
    status, corrected = correct(typo["id"], {"values": {"t1": "150"}})
    assert status == 200

    assert correct(typo["id"], {"values": {"t1": "150"}}) == (200, corrected)  # the client's retry

    assert len(details(world, "portal.reading.corrected.v1")) == 1


def test_a_correction_lower_than_the_previous_reading_is_refused_naming_the_tariff(
    world: World, fixes: Clock
) -> None:
    stored(two("M-2", "100", "50"))
    latest = stored(two("M-2", "120", "60"))

    status, problem = correct(latest["id"], {"values": {"t1": "90", "t2": "60"}})

    assert status == 422
    assert "меньше предыдущего" in errors_of(problem)["values.t1"]
    status, problem = correct(latest["id"], {"values": {"t1": "130"}})
    assert status == 422 and "values.t2" in errors_of(problem)


def test_the_latest_reading_is_withdrawn_and_the_previous_one_is_the_meter_s_last_again(
    world: World, fixes: Clock
) -> None:
    first = stored(single("M-3", "100"))
    latest = stored(single("M-3", "200"))

    status, _ = withdraw(latest["id"])

    assert status == 204
    page = history_page()[1]
    assert [item["id"] for item in page["items"]] == [latest["id"], first["id"]]
    assert page["items"][0]["withdrawn_at"] is not None and page["items"][1]["withdrawn_at"] is None
    assert history_page(meter_number="M-3")[1]["items"] == [page["items"][1]]
    assert meters()[0]["last_values"] == {"t1": "100.00"}
    assert stored(single("M-3", "110"))["consumption"] == {"t1": "10.00"}
    [detail] = details(world, "portal.reading.withdrawn.v1")
    assert detail["reading_id"] == latest["id"] and detail["sequence"] == 2


def test_the_meter_s_only_reading_withdrawn_leaves_no_meter(world: World, fixes: Clock) -> None:
    only = stored(single("M-4", "100"))

    assert withdraw(only["id"])[0] == 204

    assert meters() == []
    assert withdraw(only["id"])[0] == 404
    assert stored(single("M-4", "5"))["consumption"] is None


def test_an_earlier_reading_cannot_be_corrected_the_company_corrects_it(world: World, fixes: Clock) -> None:
    first = stored(single("M-5", "100"))
    stored(single("M-5", "200"))

    status, problem = correct(first["id"], {"values": {"t1": "101"}})

    assert status == 404
    assert "Заявку на снятие показаний" in problem["detail"]
    assert withdraw(first["id"])[0] == 404


def test_after_its_billing_period_a_reading_is_corrected_only_by_a_request(
    world: World, fixes: Clock
) -> None:
    latest = stored(single("M-6", "100"))
    fixes.at += timedelta(days=10)  # 20.11 → 30.11: readings now count in December

    status, problem = correct(latest["id"], {"values": {"t1": "101"}})

    assert status == 409
    assert "«ноябрь 2026»" in problem["detail"] and "заявк" in problem["detail"].lower()
    assert withdraw(latest["id"])[0] == 409
    assert meters()[0]["last_values"] == {"t1": "100.00"}


def test_an_askue_reading_is_not_corrected_by_the_consumer(world: World, fixes: Clock) -> None:
    from decimal import Decimal

    record_askue_reading(ME["sub"], "ASKUE-1", Decimal("27533.938"), fixes.at - timedelta(minutes=5))
    [reading] = history_page()[1]["items"]

    status, problem = correct(reading["id"], {"values": {"t1": "27534"}})

    assert status == 409 and "АСКУЭ" in problem["detail"]


def test_nobody_corrects_another_consumer_s_reading_and_no_input_is_a_500(world: World, fixes: Clock) -> None:
    mine = stored(single("M-7", "100"))

    assert correct(mine["id"], {"values": {"t1": "101"}}, claims=SOMEONE_ELSE)[0] == 404
    assert withdraw(mine["id"], claims=SOMEONE_ELSE)[0] == 404
    for body in (
        {},
        {"values": {}},
        {"values": {"t1": "-1"}},
        {"values": {"t4": "1"}},
        [],
        "x",
        {"values": {"t1": "abc"}},
    ):
        status, problem = correct(mine["id"], body)
        assert status in (400, 422), (body, problem)
        assert "values.t1" not in problem["detail"] and "values" not in problem["detail"].split("«")[0]
    for reading_id in ("x", "0" * 32, "%2F"):
        assert correct(reading_id, {"values": {"t1": "1"}})[0] == 404
    assert history_page()[1]["items"] == [mine]
