"""«Мои данные»: everything kept about the consumer as one JSON, and nobody else's."""

import json
from datetime import UTC, datetime
from typing import Any

from functions.askue.models import StoredLink
from functions.askue.store import AskueStore
from functions.auth import handler as auth
from functions.readings import handler as readings
from infra.lambda_runtime import LambdaContext
from infra.world import World
from tests.unit.conftest import api_event
from tests.unit.test_account_deletion import file_request
from tests.unit.test_accounts import IVAN, ROGA, claims_of, mailed_password, register


def _export(caller: dict[str, str]) -> tuple[int, dict[str, str], Any]:
    result = auth.lambda_handler(
        api_event("GET", "/api/profile/export", claims=caller), LambdaContext("test")
    )
    headers = {k.lower(): v[0] for k, v in result["multiValueHeaders"].items()}
    return int(result["statusCode"]), headers, json.loads(result["body"])


def _submit_reading(caller: dict[str, str]) -> None:
    reading = {"meter_type": "single_tariff", "meter_number": "СЕ-101", "values": {"t1": "1234,5"}}
    event = api_event("POST", "/api/readings", reading, claims=caller)
    assert readings.lambda_handler(event, LambdaContext("test"))["statusCode"] == 201


def test_the_export_holds_the_profile_consent_requests_with_history_and_readings(world: World) -> None:
    register(IVAN)
    ivan = claims_of("ivan.petrov@example.ru", mailed_password("ivan.petrov@example.ru"))
    register(ROGA)
    roga = claims_of("office@roga.ru", mailed_password("office@roga.ru"))
    file_request(ivan)
    _submit_reading(ivan)
    file_request(roga)

    status, headers, data = _export(ivan)

    assert status == 200
    assert headers["content-disposition"] == 'attachment; filename="moi-dannye.json"'
    assert data["profile"]["email"] == "ivan.petrov@example.ru"
    assert data["profile"]["consent_text_version"] and data["profile"]["consent_text_sha256"]
    [request] = data["requests"]
    assert request["text"] == "Прошу снять показания."
    assert request["fields"]["address"] == "г. Москва, ул. Мира, 5"
    assert [entry["status"] for entry in request["history"]] == ["registered"]
    [reading] = data["readings"]
    assert reading["meter_number"] == "СЕ-101"
    assert data["askue_link"] is None
    assert "office@roga.ru" not in json.dumps(data, ensure_ascii=False)
    assert "sessions_valid_from" not in json.dumps(data)


def test_the_export_has_the_askue_link_without_its_password(world: World) -> None:
    register(IVAN)
    ivan = claims_of("ivan.petrov@example.ru", mailed_password("ivan.petrov@example.ru"))

    AskueStore(world.environment["ASKUE_TABLE"]).save_link(
        StoredLink(
            user_id=ivan["sub"],
            email="ivan.petrov@example.ru",
            login="demo",
            password_ciphertext=b"secret-ciphertext",
            state="active",
            linked_at=datetime(2026, 11, 1, tzinfo=UTC),
        )
    )

    _, _, data = _export(ivan)

    assert data["askue_link"] == {"login": "demo", "state": "active", "linked_at": "2026-11-01T00:00:00Z"}
    assert "secret" not in json.dumps(data) and "ciphertext" not in json.dumps(data)
