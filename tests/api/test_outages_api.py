"""Outages through the local API Gateway over HTTP, as the issue's black box sees them: an object
with a structured address; a planned outage published by the company; seen without login; seen as
the affected consumer's own and mailed to them, not to a consumer elsewhere; a report of no power
filed as a request and linked to the outage; a withdrawn outage no longer listed."""

import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import requests

from tests.stack import LocalStack

METER = [{"meter_type": "single_tariff", "meter_number": "OUT-1"}]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def new_consumer(stack: LocalStack) -> dict[str, str]:
    email = f"outages-{uuid.uuid4().hex[:10]}@example.ru"
    body = {
        "category": "individual",
        "full_name": "Сидоров Сидор Сидорович",
        "email": email,
        "phone": "+7 912 000-33-44",
        "consent": True,
    }
    assert requests.post(f"{stack.url}/api/auth/register", json=body, timeout=10).status_code == 202
    password = stack.mailed_password(email)
    tokens = requests.post(
        f"{stack.url}/api/auth/login", json={"email": email, "password": password}, timeout=10
    ).json()
    return {"email": email, "token": tokens["id_token"]}


def add_object(
    stack: LocalStack, who: dict[str, str], settlement: str, street: str, house: str
) -> dict[str, Any]:
    body = {
        "name": "Жилой дом",
        "settlement": settlement,
        "street": street,
        "house": house,
        "account_number": "5001234567",
        "meters": METER,
    }
    answer = requests.post(f"{stack.url}/api/objects", json=body, headers=bearer(who["token"]), timeout=10)
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


def integration(stack: LocalStack, method: str, path: str, **kwargs: Any) -> requests.Response:
    headers = {"x-api-key": stack.api_key, **kwargs.pop("headers", {})}
    return requests.request(method, f"{stack.url}{path}", headers=headers, timeout=10, **kwargs)


def outage_mail(stack: LocalStack, to: str, timeout: float = 15.0) -> dict[str, str]:
    """The outage's mail to `to`: it goes through the outbox, the fan-out and the mail queue."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [m for m in stack.outbox() if m["to"] == to and "Плановое отключение" in m["subject"]]
        if found:
            return found[-1]
        time.sleep(0.3)
    raise AssertionError(f"no outage mail to {to}")


def mine(stack: LocalStack, who: dict[str, str]) -> list[str]:
    answer = requests.get(f"{stack.url}/api/outages/mine", headers=bearer(who["token"]), timeout=10)
    assert answer.status_code == 200, answer.text
    return [item["outage"]["id"] for item in answer.json()["items"]]


def test_a_planned_outage_from_publication_to_withdrawal(stack: LocalStack) -> None:
    town = f"Бор-{uuid.uuid4().hex[:6]}"
    affected, elsewhere = new_consumer(stack), new_consumer(stack)
    placed = add_object(stack, affected, f"г. {town}", "ул. Лесная", "7")
    assert (placed["settlement"], placed["street"], placed["house"]) == (f"г. {town}", "ул. Лесная", "7")
    add_object(stack, elsewhere, town, "Полевая", "7")
    starts = datetime.now(UTC) + timedelta(hours=3)
    works = {
        "kind": "planned",
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=5)).isoformat(),
        "reason": "Ремонт ВЛ-0,4 кВ",
        "addresses": [{"settlement": town, "street": "Лесная улица", "houses": "1-15, 17, 21а"}],
    }

    published = integration(
        stack, "POST", "/api/integration/outages", json=works, headers={"Idempotency-Key": uuid.uuid4().hex}
    )

    assert published.status_code == 201, published.text
    outage = published.json()
    public = requests.get(
        f"{stack.url}/api/outages", params={"settlement": town, "street": "ул. Лесная"}, timeout=10
    )
    assert public.status_code == 200 and [o["id"] for o in public.json()["items"]] == [outage["id"]]
    mail = outage_mail(stack, affected["email"])
    assert "Ремонт ВЛ-0,4 кВ" in mail["text"]
    assert mine(stack, affected) == [outage["id"]]
    assert mine(stack, elsewhere) == []
    assert not [m for m in stack.outbox() if m["to"] == elsewhere["email"] and "отключение" in m["subject"]]

    report = {
        "type": "no_power",
        "text": "Нет света.",
        "fields": {
            "supply_address": f"г. {town}, ул. Лесная, 7",
            "since_date": datetime.now(UTC).date().isoformat(),
            "extent": "street",
            "danger": "wire_down",
        },
    }
    filed = requests.post(
        f"{stack.url}/api/requests",
        json=report,
        headers={**bearer(affected["token"]), "Idempotency-Key": uuid.uuid4().hex},
        timeout=10,
    )
    assert filed.status_code == 201, filed.text
    linked = integration(
        stack,
        "PATCH",
        f"/api/integration/requests/{filed.json()['id']}",
        json={"status": "in_review", "outage_id": outage["id"]},
    )
    assert linked.status_code == 200 and linked.json()["outage_id"] == outage["id"], linked.text

    withdrawn = integration(stack, "DELETE", f"/api/integration/outages/{outage['id']}")

    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    again = requests.get(f"{stack.url}/api/outages", params={"settlement": town}, timeout=10)
    assert again.json()["items"] == []
    deadline = time.monotonic() + 15
    while outage["id"] in mine(stack, affected) and time.monotonic() < deadline:
        time.sleep(0.3)
    assert mine(stack, affected) == []
