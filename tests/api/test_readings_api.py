"""Meter readings through the local API Gateway over HTTP: entry, paging, filter, isolation, CSV."""

import csv
import io
import uuid
from typing import Any

import pytest
import requests

from tests.stack import LocalStack

PROBLEM = "application/problem+json"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def new_consumer(stack: LocalStack) -> dict[str, str]:
    email = f"readings-{uuid.uuid4().hex[:10]}@example.ru"
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


@pytest.fixture(scope="module")
def consumer(stack: LocalStack) -> dict[str, str]:
    return new_consumer(stack)


@pytest.fixture(scope="module")
def stranger(stack: LocalStack) -> dict[str, str]:
    return new_consumer(stack)


def post(stack: LocalStack, who: dict[str, str], body: Any) -> requests.Response:
    return requests.post(f"{stack.url}/api/readings", json=body, headers=bearer(who["token"]), timeout=10)


def get(stack: LocalStack, who: dict[str, str], path: str, **params: str) -> requests.Response:
    return requests.get(f"{stack.url}{path}", params=params, headers=bearer(who["token"]), timeout=10)


def every_page(stack: LocalStack, who: dict[str, str], **params: str) -> list[list[dict[str, Any]]]:
    pages: list[list[dict[str, Any]]] = []
    cursor = None
    while True:
        response = get(stack, who, "/api/readings", **params, **({"cursor": cursor} if cursor else {}))
        assert response.status_code == 200, response.text
        pages.append(response.json()["items"])
        cursor = response.json()["next_cursor"]
        if cursor is None:
            return pages


@pytest.fixture(scope="module")
def forty_five(stack: LocalStack, consumer: dict[str, str]) -> list[dict[str, Any]]:
    """45 readings of three meters (two single-tariff, one two-tariff), oldest first."""
    stored = []
    for i in range(45):
        if i % 3 == 2:
            body = {"meter_type": "two_tariff", "meter_number": "API-D", "values": {"t1": f"{i},5", "t2": i}}
        else:
            body = {"meter_type": "single_tariff", "meter_number": f"API-{i % 3}", "values": {"t1": str(i)}}
        response = post(stack, consumer, body)
        assert response.status_code == 201, response.text
        stored.append(response.json())
    return stored


def test_paging_over_45_readings_returns_each_once_newest_first(
    stack: LocalStack, consumer: dict[str, str], forty_five: list[dict[str, Any]]
) -> None:
    pages = every_page(stack, consumer)

    assert [len(page) for page in pages] == [20, 20, 5]
    ids = [reading["id"] for page in pages for reading in page]
    assert ids == [reading["id"] for reading in reversed(forty_five)]
    times = [reading["taken_at"] for page in pages for reading in page]
    assert times == sorted(times, reverse=True)


def test_filter_by_meter(
    stack: LocalStack, consumer: dict[str, str], forty_five: list[dict[str, Any]]
) -> None:
    pages = every_page(stack, consumer, meter_number="api-d")

    readings = [r for page in pages for r in page]
    assert [r["id"] for r in readings] == [
        r["id"] for r in reversed(forty_five) if r["meter_number"] == "API-D"
    ]
    assert len(readings) == 15
    assert readings[0]["consumption"] == {"t1": "3.00", "t2": "3.00"}
    assert readings[-1]["consumption"] is None


def test_another_consumer_sees_none_of_them(
    stack: LocalStack, stranger: dict[str, str], forty_five: list[dict[str, Any]]
) -> None:
    assert every_page(stack, stranger) == [[]]
    assert every_page(stack, stranger, meter_number="API-D") == [[]]
    assert get(stack, stranger, "/api/readings/meters").json()["items"] == []
    export = get(stack, stranger, "/api/readings/export")
    assert export.content.decode("utf-8-sig").splitlines()[1:] == []


def test_a_cursor_of_another_consumer_is_refused(
    stack: LocalStack, consumer: dict[str, str], stranger: dict[str, str], forty_five: list[dict[str, Any]]
) -> None:
    cursor = get(stack, consumer, "/api/readings").json()["next_cursor"]

    response = get(stack, stranger, "/api/readings", cursor=cursor)

    assert response.status_code == 422
    assert response.headers["Content-Type"] == PROBLEM
    assert response.json()["errors"] == [
        {
            "field": "cursor",
            "message": "Ссылка на продолжение списка повреждена или устарела: откройте список показаний "
            "заново.",
        }
    ]


def test_meters_are_offered_with_type_and_last_reading(
    stack: LocalStack, consumer: dict[str, str], forty_five: list[dict[str, Any]]
) -> None:
    meters = get(stack, consumer, "/api/readings/meters").json()["items"]

    assert [(m["meter_number"], m["meter_type"]) for m in meters] == [
        ("API-0", "single_tariff"),
        ("API-1", "single_tariff"),
        ("API-D", "two_tariff"),
    ]
    assert meters[2]["last_values"] == {"t1": "44.50", "t2": "44.00"}


def test_csv_export_for_russian_excel(
    stack: LocalStack, consumer: dict[str, str], forty_five: list[dict[str, Any]]
) -> None:
    response = get(stack, consumer, "/api/readings/export")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="readings-')
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == [
        "Дата (МСК)",
        "Прибор учёта",
        "Тип",
        "Т1",
        "Т2",
        "Т3",
        "Расход Т1",
        "Расход Т2",
        "Расход Т3",
        "Источник",
    ]
    assert len(rows) == 46
    assert rows[1][1:] == [
        '="API-D"',
        "Двухтарифный (день/ночь)",
        "44,50",
        "44,00",
        "",
        "3,00",
        "3,00",
        "",
        "Вручную",
    ]
    assert rows[-1][1:] == ['="API-0"', "Однотарифный", "0,00", "", "", "", "", "", "Вручную"]
    assert {row[1] for row in rows[1:]} == {'="API-0"', '="API-1"', '="API-D"'}

    only_d = get(stack, consumer, "/api/readings/export", meter_number="API-D").content.decode("utf-8-sig")
    assert len(only_d.splitlines()) == 16


def test_reading_lower_than_previous_is_refused_and_changes_nothing(
    stack: LocalStack, consumer: dict[str, str], forty_five: list[dict[str, Any]]
) -> None:
    response = post(
        stack,
        consumer,
        {"meter_type": "two_tariff", "meter_number": "API-D", "values": {"t1": "44,5", "t2": "43"}},
    )

    assert response.status_code == 422
    assert response.headers["Content-Type"] == PROBLEM
    [error] = response.json()["errors"]
    assert error["field"] == "values.t2"
    assert error["message"].startswith("Показание по тарифу Т2 (ночь) меньше предыдущего: 44,00 от ")
    assert response.json()["confirm"] == "rollover_confirmed"
    assert get(stack, consumer, "/api/readings/meters").json()["items"][2]["last_values"]["t2"] == "44.00"
    assert len([r for page in every_page(stack, consumer) for r in page]) == 45


def test_a_rollover_is_a_question_then_a_reading_across_zero(stack: LocalStack) -> None:
    stranger = new_consumer(stack)
    first = {"meter_type": "single_tariff", "meter_number": "API-ROLL", "values": {"t1": "99 998"}}
    assert post(stack, stranger, {**first, "meter_digits": 5}).status_code == 201
    wrapped = {**first, "values": {"t1": "3"}}

    asked = post(stack, stranger, wrapped)

    assert asked.status_code == 422
    assert asked.headers["Content-Type"] == PROBLEM
    assert asked.json()["confirm"] == "rollover_confirmed"
    assert "заменён" not in asked.text

    confirmed = post(stack, stranger, {**wrapped, "rollover_confirmed": True})

    assert confirmed.status_code == 201, confirmed.text
    assert confirmed.json()["consumption"] == {"t1": "5.00"}
    assert confirmed.json()["rollover"] is True
    [meter] = [
        m
        for m in get(stack, stranger, "/api/readings/meters").json()["items"]
        if m["meter_number"] == "API-ROLL"
    ]
    assert meter["digits"] == 5
    assert meter["last_values"] == {"t1": "3.00"}


def test_a_reading_date_in_the_future_is_refused_on_its_field(stack: LocalStack) -> None:
    stranger = new_consumer(stack)
    body = {
        "meter_type": "single_tariff",
        "meter_number": "API-DATE",
        "values": {"t1": "1"},
        "taken_on": "2999-01-01",
    }

    response = post(stack, stranger, body)

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["taken_on"]
    assert "confirm" not in response.json()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"meter_type": "single_tariff", "values": {"t1": "1"}}, "meter_number"),
        (
            {
                "meter_type": "single_tariff",
                "meter_number": "NEW-1",
                "values": {"t1": "1"},
                "meter_digits": 12,
            },
            "meter_digits",
        ),
        (
            {
                "meter_type": "single_tariff",
                "meter_number": "NEW-1",
                "values": {"t1": "1"},
                "taken_on": "вчера",
            },
            "taken_on",
        ),
        ({"meter_number": "NEW-1", "values": {"t1": "1"}}, "meter_type"),
        ({"meter_type": "five_tariff", "meter_number": "NEW-1", "values": {"t1": "1"}}, "meter_type"),
        ({"meter_type": "two_tariff", "meter_number": "NEW-1", "values": {"t1": "1"}}, "values.t2"),
        (
            {"meter_type": "single_tariff", "meter_number": "NEW-1", "values": {"t1": "1", "t3": "1"}},
            "values.t3",
        ),
        ({"meter_type": "single_tariff", "meter_number": "NEW-1", "values": {"t1": "-1"}}, "values.t1"),
        ({"meter_type": "single_tariff", "meter_number": "NEW-1", "values": {"t1": "сто"}}, "values.t1"),
        (
            {"meter_type": "single_tariff", "meter_number": "NEW-1", "values": {"t1": "1234567890"}},
            "values.t1",
        ),
        ({"meter_type": "single_tariff", "meter_number": "NEW-1", "values": {"t1": "1,999"}}, "values.t1"),
    ],
)
def test_bad_entry_is_a_russian_problem_naming_the_field(
    stack: LocalStack, stranger: dict[str, str], body: dict[str, Any], field: str
) -> None:
    response = post(stack, stranger, body)

    assert response.status_code == 422
    assert response.headers["Content-Type"] == PROBLEM
    errors = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert field in errors
    assert any("а" <= ch <= "я" for ch in errors[field].lower()), "the message is in Russian"
    assert get(stack, stranger, "/api/readings/meters").json()["items"] == []


def test_bad_cursor_is_a_422_not_a_500(stack: LocalStack, consumer: dict[str, str]) -> None:
    for cursor in ("garbage!", "eyJ1c2VyX2lkIjoieCJ9", "A" * 3000):
        response = get(stack, consumer, "/api/readings", cursor=cursor)

        assert response.status_code == 422
        assert [e["field"] for e in response.json()["errors"]] == ["cursor"]


def test_without_a_token_every_route_is_refused(stack: LocalStack) -> None:
    for method, path in [
        ("POST", "/api/readings"),
        ("GET", "/api/readings"),
        ("GET", "/api/readings/export"),
        ("GET", "/api/readings/meters"),
    ]:
        response = requests.request(method, f"{stack.url}{path}", json={}, timeout=10)

        assert response.status_code == 401
        assert response.headers["Content-Type"] == PROBLEM
        assert response.json()["title"] == "Требуется вход"


def test_a_reading_s_event_reaches_the_bus_through_the_outbox_numbered_per_consumer(
    stack: LocalStack,
) -> None:
    """The reading's transaction holds its event's outbox item; the local stream feed relays it to the
    bus (GET /_local/events lists what was put there), numbered among the consumer's."""
    import time

    someone = new_consumer(stack)
    ids = []
    for value in ("100", "110"):
        body = {"meter_type": "single_tariff", "meter_number": "SEQ-1", "values": {"t1": value}}
        answer = post(stack, someone, body)
        assert answer.status_code == 201, answer.text
        ids.append(answer.json()["id"])

    deadline = time.monotonic() + 15
    while True:
        events = requests.get(f"{stack.url}/_local/events", timeout=10).json()
        mine = {
            e["detail"]["reading_id"]: e["detail"] for e in events if e["detail"].get("reading_id") in ids
        }
        if len(mine) == 2 or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert [mine[reading_id]["sequence"] for reading_id in ids] == [1, 2]
    assert all(e["event_id"].endswith("-e0") for e in mine.values())  # the outbox item's event
