"""Locust users for benchmarks/load.py (run by it; not a test).

`Consumer`: a realistic mix of what a logged-in consumer does, each Locust user being one of the
consumers load.py registered (LOAD_CONSUMERS: a JSON file of {email, password}), with its own meter
so that its readings only ever go up. `StaticFile`: the same server's static file, the baseline.
"""

import itertools
import json
import os
import uuid
from typing import Any

from locust import HttpUser, constant, task

_CONSUMERS: list[dict[str, str]] = json.loads(open(os.environ["LOAD_CONSUMERS"], encoding="utf-8").read())  # noqa: PTH123, SIM115
_NEXT = itertools.count()
REQUEST = {
    "type": "meter_reading",
    "text": "Прошу снять показания прибора учёта.",
    "fields": {
        "address": "г. Москва, ул. Мира, 5, кв. 12",
        "account_number": "5001234567",
        "reason": "control",
        "meter_number": "01234567",
        "reading_date": "2026-12-01",
    },
}


class Consumer(HttpUser):
    wait_time = constant(0)  # closed loop: each user sends its next call as soon as one is answered

    def on_start(self) -> None:
        index = next(_NEXT)
        self.account = _CONSUMERS[index % len(_CONSUMERS)]
        self.meter = f"LOAD-{index:04d}-{uuid.uuid4().hex[:4].upper()}"
        self.value = 1000
        self.log_in()

    def _auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def _get(self, path: str, name: str | None = None) -> None:
        self.client.get(path, headers=self._auth(), name=name or path)

    @task(1)
    def log_in(self) -> None:
        answer: Any = self.client.post(
            "/api/auth/login",
            json={"email": self.account["email"], "password": self.account["password"]},
        ).json()
        self.token = answer["id_token"]

    @task(5)
    def profile(self) -> None:
        self._get("/api/profile")

    @task(4)
    def list_requests(self) -> None:
        self._get("/api/requests")

    @task(4)
    def list_readings(self) -> None:
        self._get("/api/readings")

    @task(2)
    def submit_reading(self) -> None:
        self.value += 7
        reading = {
            "meter_type": "single_tariff",
            "meter_number": self.meter,
            "values": {"t1": str(self.value)},
        }
        self.client.post("/api/readings", json=reading, headers=self._auth())

    @task(3)
    def askue_latest(self) -> None:
        self._get("/api/askue/latest")

    @task(1)
    def file_request(self) -> None:
        headers = {**self._auth(), "Idempotency-Key": uuid.uuid4().hex}
        self.client.post("/api/requests", json=REQUEST, headers=headers)


class StaticFile(HttpUser):
    wait_time = constant(0)

    @task
    def favicon(self) -> None:
        self.client.get("/favicon.svg")
