"""Corrections over HTTP through the local gateway: an object changed and removed, the latest reading
corrected and withdrawn; a confirmed лицевой счёт and an earlier reading refused in Russian; hostile
ids and bodies never a 500."""

import uuid
from typing import Any

import pytest
import requests

from tests.api.test_readings_api import bearer, new_consumer
from tests.stack import LocalStack

HOUSE = {
    "name": "Жилой дом",
    "address": "Московская обл., д. Берёзки, ул. Полевая, 7",
    "account_number": "5001234567",
    "meters": [{"meter_type": "single_tariff", "meter_number": "FIX-API-1"}],
}


@pytest.fixture(scope="module")
def consumer(stack: LocalStack) -> dict[str, str]:
    return new_consumer(stack)


def call(
    stack: LocalStack, who: dict[str, str], method: str, path: str, body: Any = None
) -> requests.Response:
    return requests.request(method, f"{stack.url}{path}", json=body, headers=bearer(who["token"]), timeout=10)


def test_an_object_is_changed_then_removed_and_a_confirmed_account_is_kept(
    stack: LocalStack, consumer: dict[str, str]
) -> None:
    added = call(stack, consumer, "POST", "/api/objects", HOUSE).json()
    path = f"/api/objects/{added['id']}"

    changed = call(stack, consumer, "PATCH", path, {**HOUSE, "cadastral_number": "50:20:0010203:417"})
    assert changed.status_code == 200, changed.text
    assert changed.json()["cadastral_number"] == "50:20:0010203:417"

    key = {"x-api-key": stack.api_key}
    confirmed = requests.patch(
        f"{stack.url}/api/integration/objects/{added['id']}",
        json={"confirmed": True},
        headers=key,
        timeout=10,
    )
    assert confirmed.status_code == 200
    refused = call(stack, consumer, "PATCH", path, {**HOUSE, "account_number": "5001234568"})
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert "только через сетевую компанию" in refused.json()["detail"]

    assert call(stack, consumer, "DELETE", path).status_code == 204
    assert call(stack, consumer, "DELETE", path).status_code == 404
    assert added["id"] not in {o["id"] for o in call(stack, consumer, "GET", "/api/objects").json()["items"]}


def test_the_latest_reading_is_corrected_then_withdrawn_and_an_earlier_one_is_not(
    stack: LocalStack, consumer: dict[str, str]
) -> None:
    meter = f"FX-{uuid.uuid4().hex[:6].upper()}"
    ids = []
    for value in ("100", "9150"):
        body = {"meter_type": "single_tariff", "meter_number": meter, "values": {"t1": value}}
        answer = call(stack, consumer, "POST", "/api/readings", body)
        assert answer.status_code == 201, answer.text
        ids.append(answer.json()["id"])

    fixed = call(stack, consumer, "PATCH", f"/api/readings/{ids[1]}", {"values": {"t1": "150"}})
    assert fixed.status_code == 200, fixed.text
    assert fixed.json()["consumption"] == {"t1": "50.00"}
    assert fixed.json()["corrections"][0]["old_values"] == {"t1": "9150.00"}

    earlier = call(stack, consumer, "PATCH", f"/api/readings/{ids[0]}", {"values": {"t1": "90"}})
    assert earlier.status_code == 404
    assert "Заявку на снятие показаний" in earlier.json()["detail"]

    assert call(stack, consumer, "DELETE", f"/api/readings/{ids[1]}").status_code == 204
    page = call(stack, consumer, "GET", f"/api/readings?meter_number={meter}").json()
    assert [r["id"] for r in page["items"]] == [ids[0]]


@pytest.mark.parametrize("reading_id", ["x", "0" * 32, "%00", "a" * 64, "..%2F..", "' OR 1=1"])
@pytest.mark.parametrize("body", [{"values": {"t1": "1"}}, {"values": "x"}, [], None, {"t1": 1}])
def test_hostile_ids_and_bodies_are_answered_in_russian_never_a_500(
    stack: LocalStack, consumer: dict[str, str], reading_id: str, body: Any
) -> None:
    for path in (f"/api/readings/{reading_id}", f"/api/objects/{reading_id}"):
        for method in ("PATCH", "DELETE"):
            answer = call(stack, consumer, method, path, body)
            assert answer.status_code in (400, 404, 405, 413, 415, 422), (method, path, answer.text)
            if answer.headers.get("content-type", "").startswith("application/problem+json"):
                assert any("а" <= ch <= "я" for ch in answer.json()["detail"].lower())
