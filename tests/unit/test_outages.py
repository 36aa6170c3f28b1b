"""Outages (functions/outages/): the company publishes, moves and withdraws them; anyone reads them
without logging in; the consumers whose objects they affect see them as their own and are mailed once
— against moto, through the routes, the outbox's relay and the mail queue."""

import os
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from functions.integration import handler as integration
from functions.readings import handler as readings
from infra.world import World
from tests.unit.conftest import api_event, call, mailed

ME = {"sub": "11111111-aaaa-4bbb-8ccc-000000000011", "email": "me@example.ru"}
NEIGHBOUR = {"sub": "22222222-aaaa-4bbb-8ccc-000000000022", "email": "neighbour@example.ru"}
ELSEWHERE = {"sub": "33333333-aaaa-4bbb-8ccc-000000000033", "email": "elsewhere@example.ru"}
METER = [{"meter_type": "single_tariff", "meter_number": "1001"}]


def house(settlement: str, street: str | None, number: str) -> dict[str, Any]:
    return {
        "name": "Жилой дом",
        "settlement": settlement,
        "street": street,
        "house": number,
        "account_number": "5001234567",
        "meters": METER,
    }


def profile(claims: dict[str, str], **extra: Any) -> None:
    boto3.resource("dynamodb").Table(os.environ["PROFILES_TABLE"]).put_item(
        Item={"user_id": claims["sub"], "email": claims["email"], **extra}
    )


def add_object(claims: dict[str, str], body: dict[str, Any]) -> dict[str, Any]:
    status, added = call(readings, api_event("POST", "/api/objects", body, claims=claims))
    assert status == 201, added
    return dict(added)


def planned(starts_in: timedelta = timedelta(hours=20), **change: Any) -> dict[str, Any]:
    starts = datetime.now(UTC) + starts_in
    return {
        "kind": "planned",
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=6)).isoformat(),
        "reason": "Ремонт ВЛ-0,4 кВ",
        "addresses": [{"settlement": "г. Бор", "street": "ул. Лесная", "houses": "1-15, 17, 21а"}],
        **change,
    }


def publish(body: dict[str, Any], key: str | None = None) -> tuple[int, Any]:
    headers = {"Idempotency-Key": key or uuid.uuid4().hex}
    return call(
        integration, api_event("POST", "/api/integration/outages", body, headers=headers, integrator="grid")
    )


def change(outage_id: str, body: dict[str, Any]) -> tuple[int, Any]:
    event = api_event(
        "PATCH",
        f"/api/integration/outages/{outage_id}",
        body,
        path_parameters={"id": outage_id},
        integrator="grid",
    )
    return call(integration, event)


def withdraw(outage_id: str) -> tuple[int, Any]:
    event = api_event(
        "DELETE",
        f"/api/integration/outages/{outage_id}",
        path_parameters={"id": outage_id},
        integrator="grid",
    )
    return call(integration, event)


def public(**query: str) -> list[dict[str, Any]]:
    status, body = call(readings, api_event("GET", "/api/outages", query=query or None))
    assert status == 200, body
    return list(body["items"])


def mine(claims: dict[str, str]) -> list[dict[str, Any]]:
    status, body = call(readings, api_event("GET", "/api/outages/mine", claims=claims))
    assert status == 200, body
    return list(body["items"])


@pytest.fixture
def street(world: World) -> None:
    """Me at Лесная 7, a neighbour at Лесная 21А, someone at Лесная 19 (not named) and elsewhere."""
    for claims in (ME, NEIGHBOUR, ELSEWHERE):
        profile(claims)
    add_object(ME, house("Бор", "Лесная улица", "7"))
    add_object(NEIGHBOUR, house("г Бор", "ул Лесная", "21 А"))
    add_object(ELSEWHERE, house("г. Бор", "ул. Лесная", "19"))
    add_object(ELSEWHERE, house("г. Бор", "ул. Полевая", "7"))


def test_a_published_outage_is_seen_without_login_by_settlement_and_street(street: None) -> None:
    status, outage = publish(planned())

    assert status == 201, outage
    assert outage["status"] == "published" and outage["version"] == 1
    assert [o["id"] for o in public()] == [outage["id"]]
    assert [o["id"] for o in public(settlement="Бор")] == [outage["id"]]
    assert [o["id"] for o in public(settlement="г. Бор", street="Лесная")] == [outage["id"]]
    assert public(settlement="Бор", street="Полевая") == []
    assert public(settlement="Луч") == []


def test_the_consumers_of_the_houses_named_see_it_as_theirs_and_are_mailed_once(street: None) -> None:
    _, outage = publish(planned())

    mails = mailed()

    assert sorted(mail["to"] for mail in mails) == [ME["email"], NEIGHBOUR["email"]]
    assert all(
        "Плановое отключение" in mail["subject"] and "Ремонт ВЛ-0,4 кВ" in mail["text"] for mail in mails
    )
    [mine_now] = mine(ME)
    assert mine_now["outage"]["id"] == outage["id"]
    assert [o["house"] for o in mine_now["objects"]] == ["7"]
    assert [m["outage"]["id"] for m in mine(NEIGHBOUR)] == [outage["id"]]
    assert mine(ELSEWHERE) == []  # house 19 and another street
    publish(planned(), key=None)  # another outage, same place: its own mails
    assert len(mailed()) == 4
    assert len(mailed()) == 4  # delivered again: nothing more


def test_a_planned_outage_published_days_ahead_is_mailed_by_the_daily_reminder_not_now(street: None) -> None:
    publish(planned(starts_in=timedelta(days=5)))

    assert mailed() == []
    assert len(mine(ME)) == 1  # shown at once


def test_a_repeat_with_its_key_is_the_same_outage_and_another_payload_is_refused(street: None) -> None:
    key = uuid.uuid4().hex
    body = planned()
    first = publish(body, key)
    again = publish(body, key)
    other = publish({**body, "reason": "Другая причина"}, key)

    assert first[0] == 201 and again[0] == 201 and again[1]["id"] == first[1]["id"]
    assert other[0] == 422 and other[1]["errors"][0]["field"] == "Idempotency-Key"
    assert len(public()) == 1


def test_a_withdrawn_outage_is_no_longer_listed_nor_shown_to_its_consumers(street: None) -> None:
    _, outage = publish(planned())
    mailed()

    status, withdrawn = withdraw(outage["id"])
    mailed()

    assert status == 200 and withdrawn["status"] == "withdrawn"
    assert public() == [] and public(settlement="Бор", street="Лесная") == []
    assert mine(ME) == []
    assert withdraw(outage["id"])[0] == 200  # again: nothing changes


def test_an_emergency_s_new_restoration_estimate_is_mailed_once_per_estimate(street: None) -> None:
    now = datetime.now(UTC)
    body = planned(kind="emergency", starts_at=(now - timedelta(hours=1)).isoformat())
    body["ends_at"] = (now + timedelta(hours=3)).isoformat()
    _, outage = publish(body)
    assert mailed() == []  # an emergency is mailed when its estimate moves

    status, moved = change(outage["id"], {"ends_at": (now + timedelta(hours=5)).isoformat()})
    mails = mailed()

    assert status == 200 and moved["version"] == 2
    assert sorted(mail["to"] for mail in mails) == [ME["email"], NEIGHBOUR["email"]]
    assert all("восстановление" in mail["subject"] for mail in mails)
    assert mine(ME)[0]["outage"]["ends_at"] == moved["ends_at"]
    assert public()[0]["kind"] == "emergency"
    change(outage["id"], {"reason": "Повреждение кабеля"})
    assert len(mailed()) == 2  # the reason alone: no mail
    status, again = change(outage["id"], {"reason": "Повреждение кабеля"})
    assert status == 200 and again["version"] == 3  # as asked already: no new version


def test_emergencies_are_listed_first(street: None) -> None:
    _, later = publish(planned())
    now = datetime.now(UTC)
    _, emergency = publish(
        planned(kind="emergency", starts_at=now.isoformat(), ends_at=(now + timedelta(hours=2)).isoformat())
    )

    assert [o["id"] for o in public()] == [emergency["id"], later["id"]]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (
            planned(addresses=[{"settlement": "Бор", "street": "Лесная", "houses": "15-1"}]),
            "addresses.0.houses",
        ),
        (planned(addresses=[]), "addresses"),
        (planned(ends_at="2020-01-01T00:00:00+03:00"), "ends_at"),
        (planned(kind="scheduled"), "kind"),
        (planned(starts_at="2026-12-01T10:00:00"), "starts_at"),
    ],
)
def test_a_bad_outage_is_refused_naming_the_field(world: World, body: dict[str, Any], field: str) -> None:
    status, problem = publish(body)

    assert status == 422, problem
    assert field in {error["field"] for error in problem["errors"]}, problem


def test_publishing_without_an_idempotency_key_is_refused(world: World) -> None:
    event = api_event("POST", "/api/integration/outages", planned(), integrator="grid")
    status, problem = call(integration, event)

    assert status == 422 and problem["errors"][0]["field"] == "Idempotency-Key"


def test_a_street_without_its_settlement_is_refused(world: World) -> None:
    status, problem = call(readings, api_event("GET", "/api/outages", query={"street": "Лесная"}))

    assert status == 422 and problem["errors"][0]["field"] == "settlement"


def test_an_unknown_outage_is_a_404(world: World) -> None:
    assert change("0" * 32, {"reason": "Ремонт опоры"})[0] == 404
    assert withdraw("0" * 32)[0] == 404
    status, _ = call(readings, api_event("GET", "/api/outages/x", path_parameters={"id": "x"}))
    assert status == 404


def test_a_no_power_report_is_linked_to_its_outage_and_shows_its_restoration_estimate(street: None) -> None:
    from functions.requests import handler as requests_handler

    report = {
        "type": "no_power",
        "text": "Нет света с утра.",
        "fields": {
            "supply_address": "г. Бор, ул. Лесная, д. 7",
            "since_date": datetime.now(UTC).date().isoformat(),
            "extent": "street",
            "danger": "none",
        },
    }
    headers = {"Idempotency-Key": uuid.uuid4().hex}
    status, filed = call(
        requests_handler, api_event("POST", "/api/requests", report, claims=ME, headers=headers)
    )
    assert status == 201, filed
    now = datetime.now(UTC)
    _, outage = publish(
        planned(kind="emergency", starts_at=now.isoformat(), ends_at=(now + timedelta(hours=4)).isoformat())
    )

    def move(body: dict[str, Any]) -> tuple[int, Any]:
        path = f"/api/integration/requests/{filed['id']}"
        return call(
            integration,
            api_event("PATCH", path, body, path_parameters={"id": filed["id"]}, integrator="grid"),
        )

    unknown = move({"status": "in_review", "outage_id": "0" * 32})
    linked = move({"status": "in_review", "outage_id": outage["id"], "comment": "Авария на ВЛ-0,4 кВ."})

    assert unknown[0] == 422 and unknown[1]["errors"][0]["field"] == "outage_id"
    assert linked[0] == 200 and linked[1]["outage_id"] == outage["id"]
    path = f"/api/requests/{filed['id']}"
    status, detail = call(
        requests_handler, api_event("GET", path, claims=ME, path_parameters={"id": filed["id"]})
    )
    assert status == 200 and detail["outage_id"] == outage["id"]
    status, shown = call(
        readings, api_event("GET", f"/api/outages/{outage['id']}", path_parameters={"id": outage["id"]})
    )
    assert status == 200 and shown["ends_at"] == outage["ends_at"]


def test_a_consumer_who_turned_outage_mails_off_sees_the_outage_but_is_not_mailed(street: None) -> None:
    profile(ME, outage_mails=False)

    _, outage = publish(planned())

    assert [mail["to"] for mail in mailed()] == [NEIGHBOUR["email"]]
    assert [m["outage"]["id"] for m in mine(ME)] == [outage["id"]]


def test_a_deleted_or_undeliverable_consumer_is_not_mailed(street: None) -> None:
    profile(ME, deleted_at="2026-12-01T00:00:00+00:00")
    profile(NEIGHBOUR, mail_undeliverable_since="2026-12-01T00:00:00+00:00")

    publish(planned())

    assert mailed() == []


def test_the_daily_reminder_mails_a_planned_outage_published_days_ahead_the_day_before_once(
    street: None,
) -> None:
    from functions.common.clock import MOSCOW
    from functions.outages import reminders

    starts = (datetime.now(MOSCOW) + timedelta(days=3)).replace(hour=10, minute=0, second=0, microsecond=0)
    _, outage = publish(
        planned(starts_at=starts.isoformat(), ends_at=(starts + timedelta(hours=5)).isoformat())
    )
    assert mailed() == []  # three days ahead: not yet

    assert reminders.remind(at=starts - timedelta(days=2))["queued"] == 0  # two days before: not yet
    day_before = starts - timedelta(days=1, hours=1)
    assert reminders.remind(at=day_before)["queued"] == 1
    assert reminders.remind(at=day_before)["queued"] == 1  # the schedule run again: the same job

    mails = mailed()

    assert sorted(mail["to"] for mail in mails) == [ME["email"], NEIGHBOUR["email"]]
    assert all(outage["reason"] in mail["text"] for mail in mails)
    assert len(mailed()) == 2


def test_the_reminder_of_an_outage_published_the_day_before_mails_nobody_again(street: None) -> None:
    from functions.common.clock import MOSCOW
    from functions.outages import reminders

    starts = (datetime.now(MOSCOW) + timedelta(days=1)).replace(hour=23, minute=0, second=0, microsecond=0)
    publish(planned(starts_at=starts.isoformat(), ends_at=(starts + timedelta(hours=2)).isoformat()))
    assert len(mailed()) == 2  # published the day before: mailed at once

    assert reminders.remind()["queued"] == 1

    assert len(mailed()) == 2  # the same mails' ids: not again


def test_a_change_naming_no_new_end_is_judged_on_the_stored_one(street: None) -> None:
    _, outage = publish(planned())

    status, problem = change(outage["id"], {"ends_at": None, "starts_at": "2099-01-01T00:00:00Z"})

    assert status == 422 and problem["errors"][0]["field"] == "ends_at"
    assert change("0" * 64, {"ends_at": None, "reason": "Ремонт"})[0] == 404


def test_an_object_added_after_an_outage_was_published_shows_it_at_once(street: None) -> None:
    _, outage = publish(planned())
    mailed()
    latecomer = {"sub": "44444444-aaaa-4bbb-8ccc-000000000044", "email": "late@example.ru"}

    add_object(latecomer, house("Бор", "Лесная", "12"))
    add_object(latecomer, house("Бор", "Лесная", "16"))  # not named

    [shown] = mine(latecomer)
    assert shown["outage"]["id"] == outage["id"]
    assert [o["house"] for o in shown["objects"]] == ["12"]


def test_an_outage_s_kind_and_a_company_document_s_kind_are_each_named_in_their_own_words(
    world: World,
) -> None:
    status, problem = publish(planned(kind="scheduled"))

    assert status == 422 and "«Вид отключения»" in problem["errors"][0]["message"], problem
