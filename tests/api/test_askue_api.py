"""ASKUE through the local API Gateway over HTTP, against the simulator `make run` starts: the demo
account, remember / latest / forget, the schedule and the SQS worker, and every refusal."""

import time
import uuid
from typing import Any

import pytest
import requests

from tests.stack import LocalStack

PROBLEM = "application/problem+json"
DEMO = {"login": "demo", "password": "demo-askue-1"}
REFUSED = "АСКУЭ не приняла идентификатор или пароль. Проверьте их и повторите попытку."


class Consumer:
    def __init__(self, stack: LocalStack) -> None:
        self.stack = stack
        self.email = f"askue-{uuid.uuid4().hex[:10]}@example.ru"
        body = {
            "category": "legal",
            "org_name": "ООО «Весна»",
            "email": self.email,
            "phone": "+7 912 000-11-22",
            "consent": True,
        }
        assert requests.post(f"{stack.url}/api/auth/register", json=body, timeout=10).status_code == 202
        login = {"email": self.email, "password": stack.mailed_password(self.email)}
        tokens = requests.post(f"{stack.url}/api/auth/login", json=login, timeout=10).json()
        self.headers = {"Authorization": f"Bearer {tokens['id_token']}"}

    def fetch(self, body: dict[str, Any]) -> requests.Response:
        return requests.post(f"{self.stack.url}/api/askue/fetch", json=body, headers=self.headers, timeout=30)

    def latest(self) -> dict[str, Any]:
        response = requests.get(f"{self.stack.url}/api/askue/latest", headers=self.headers, timeout=10)
        assert response.status_code == 200
        return dict(response.json())

    def forget(self) -> requests.Response:
        return requests.delete(f"{self.stack.url}/api/askue/link", headers=self.headers, timeout=10)

    def mails(self) -> list[dict[str, str]]:
        return [mail for mail in self.stack.outbox() if mail["to"] == self.email]


def run_schedule(stack: LocalStack) -> int:
    response = requests.post(f"{stack.url}/_local/schedule/AskueSyncPlannerFunction", timeout=30)
    assert response.status_code == 200
    return int(response.json()["queued"])


def queues_idle(stack: LocalStack, *queues: str) -> bool:
    """Nothing waiting on, nor taken from and not yet done, these queues (GET /_local/queues)."""
    depths = requests.get(f"{stack.url}/_local/queues", timeout=10).json()
    return all(depths[queue]["waiting"] == depths[queue]["in_flight"] == 0 for queue in queues)


def wait_for(condition: Any, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail("the sync did not happen in time")
        time.sleep(0.3)


@pytest.fixture
def consumer(stack: LocalStack) -> Consumer:
    return Consumer(stack)


def test_the_demo_account_is_fetched_remembered_synced_and_forgotten(consumer: Consumer) -> None:
    assert consumer.latest() == {
        "rows": [],
        "fetched_at": None,
        "source": None,
        "link": {"state": "none", "login": None, "linked_at": None, "rejected_at": None},
    }

    response = consumer.fetch({**DEMO, "remember": True})

    assert response.status_code == 200
    fetched = response.json()
    assert fetched["remembered"] is True
    assert len(fetched["rows"]) == 3
    assert len({row["object_name"] for row in fetched["rows"]}) == 2
    assert any(float(row["active_export_kwh"]) > 0 for row in fetched["rows"])
    latest = consumer.latest()
    assert [(r["meter_name"], r["active_import_kwh"]) for r in latest["rows"]] == [
        (r["meter_name"], r["active_import_kwh"]) for r in fetched["rows"]
    ]
    assert latest["source"] == "fetch"
    assert latest["link"]["state"] == "active"
    assert latest["link"]["login"] == "demo"

    assert run_schedule(consumer.stack) >= 1
    wait_for(lambda: consumer.latest()["source"] == "sync")
    synced = consumer.latest()
    assert synced["fetched_at"] > fetched["fetched_at"]
    assert len(synced["rows"]) == 3

    forgotten = consumer.forget()
    assert forgotten.status_code == 204
    after = consumer.latest()
    assert after["link"]["state"] == "none"
    assert len(after["rows"]) == 3, "the data stays"


def test_the_synced_registers_appear_in_the_readings_history(consumer: Consumer) -> None:
    assert consumer.fetch({**DEMO, "remember": True}).status_code == 200
    run_schedule(consumer.stack)
    wait_for(lambda: consumer.latest()["source"] == "sync")

    response = requests.get(f"{consumer.stack.url}/api/readings", headers=consumer.headers, timeout=10)

    assert response.status_code == 200
    readings = response.json()["items"]
    assert {r["meter_number"] for r in readings} == {"41250017", "31180254", "31180261"}
    assert {r["source"] for r in readings} == {"askue"}


def billed_readings(stack: LocalStack) -> list[dict[str, Any]]:
    """Every reading billing can read (GET /api/integration/readings), page by page from the start."""
    found: list[dict[str, Any]] = []
    after = 0
    while True:
        response = requests.get(
            f"{stack.url}/api/integration/readings",
            params={"after": after, "limit": 500},
            headers={"x-api-key": stack.api_key},
            timeout=10,
        )
        assert response.status_code == 200, response.text
        page = response.json()
        found += page["items"]
        after = page["next_after"]
        if not page["has_more"]:
            return found


def test_the_synced_registers_reach_billing_once_each_with_their_values(consumer: Consumer) -> None:
    assert consumer.fetch({**DEMO, "remember": True}).status_code == 200
    run_schedule(consumer.stack)
    wait_for(lambda: consumer.latest()["source"] == "sync")
    response = requests.get(f"{consumer.stack.url}/api/readings", headers=consumer.headers, timeout=10)
    mine = {r["id"]: r for r in response.json()["items"]}

    def billed() -> list[dict[str, Any]]:
        return [r for r in billed_readings(consumer.stack) if r["reading_id"] in mine]

    wait_for(lambda: len(billed()) >= len(mine))  # the outbox's relay numbers them within seconds
    run_schedule(consumer.stack)  # synced again: the same registers, nothing new to bill
    time.sleep(2)

    seen = billed()
    assert sorted(r["reading_id"] for r in seen) == sorted(mine)
    for reading in seen:
        assert reading["source"] == "askue" and set(reading["values"]) == {"t1"}
        stored = mine[reading["reading_id"]]
        assert float(reading["values"]["t1"]) == float(stored["values"]["t1"])
        assert reading["billing_period"] == stored["billing_period"]


def test_a_password_that_stopped_working_marks_the_link_and_mails_once(consumer: Consumer) -> None:
    login = f"changing-{uuid.uuid4().hex[:8]}"  # the simulator takes its password until it is changed
    assert consumer.fetch({"login": login, "password": "пароль", "remember": True}).status_code == 200
    consumer.stack.change_askue_password(login)

    run_schedule(consumer.stack)
    wait_for(lambda: consumer.latest()["link"]["state"] == "credentials_rejected")
    wait_for(lambda: len(consumer.mails()) == 2)  # the registration's, then this one
    run_schedule(consumer.stack)
    wait_for(lambda: queues_idle(consumer.stack, "AskueSyncQueue", "MailQueue"))  # that run is done

    latest = consumer.latest()
    assert latest["link"]["rejected_at"]
    assert latest["source"] == "fetch", "the data fetched before is kept"
    assert len(latest["rows"]) == 1
    [mail] = consumer.mails()[1:]  # after the registration mail
    assert mail["subject"] == "АСКУЭ не принимает сохранённый пароль"
    assert login in mail["text"]


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"login": "", "password": "", "remember": True}, {"login", "password"}),
        ({"login": "demo", "remember": True}, {"password"}),
        ({"password": "demo-askue-1"}, {"login"}),
    ],
    ids=["both-empty", "no-password", "no-login"],
)
def test_a_missing_identifier_or_password_is_named_in_russian(
    consumer: Consumer, body: dict[str, Any], fields: set[str]
) -> None:
    response = consumer.fetch(body)

    assert response.status_code == 422
    assert response.headers["Content-Type"].startswith(PROBLEM)
    problem = response.json()
    assert {error["field"] for error in problem["errors"]} == fields
    assert all(error["message"].startswith("Заполните поле «") for error in problem["errors"])
    assert consumer.latest()["link"]["state"] == "none"


def test_wrong_credentials_are_a_422_on_the_password_and_change_nothing(consumer: Consumer) -> None:
    assert consumer.fetch({**DEMO, "remember": True}).status_code == 200
    before = consumer.latest()

    response = consumer.fetch({"login": "demo", "password": "не-тот-пароль", "remember": True})

    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "password", "message": REFUSED}]
    assert consumer.latest() == before


@pytest.mark.parametrize(
    ("login", "status", "title"),
    [
        ("fault-503-api", 503, "АСКУЭ недоступна"),
        ("fault-timeout", 504, "АСКУЭ недоступна"),
        ("fault-xxe", 502, "АСКУЭ вернула некорректные данные"),
        ("fault-malformed", 502, "АСКУЭ вернула некорректные данные"),
    ],
)
def test_ASKUE_down_slow_or_hostile_gets_a_clear_answer_within_the_timeout(
    consumer: Consumer, login: str, status: int, title: str
) -> None:
    assert consumer.fetch({**DEMO, "remember": False}).status_code == 200
    before = consumer.latest()
    began = time.monotonic()

    response = consumer.fetch({"login": login, "password": "x", "remember": True})

    assert time.monotonic() - began < 15, "well inside API Gateway's 29 s"
    assert response.status_code == status
    assert response.headers["Content-Type"].startswith(PROBLEM)
    assert response.json()["title"] == title
    assert consumer.latest() == before


def test_askue_routes_need_a_token(stack: LocalStack) -> None:
    for method, path in [
        ("POST", "/api/askue/fetch"),
        ("GET", "/api/askue/latest"),
        ("DELETE", "/api/askue/link"),
    ]:
        response = requests.request(method, f"{stack.url}{path}", json=DEMO, timeout=10)
        assert response.status_code == 401
        assert response.json()["title"] == "Требуется вход"
