"""Idempotency done once for the company's systems: a key is bound to its route, target and payload;
every integration write takes one; a replay says so; a retried move is no conflict; a stale move is
refused; a repeated confirmation keeps the first one."""

import json
import uuid
from typing import Any

from functions.integration import handler as integration
from infra.lambda_runtime import LambdaContext
from infra.world import World
from tests.unit.conftest import api_event, mailed
from tests.unit.test_accounts import IVAN as IVAN_REGISTERS
from tests.unit.test_accounts import mailed_password, register
from tests.unit.test_objects import HOUSE, add
from tests.unit.test_request_conversation import env, filed, thread  # noqa: F401 (the fixture)
from tests.unit.test_requests import clock  # noqa: F401 (the fixture)


def company(
    method: str, path: str, body: Any, target: str | None, key: str | None = None, integrator: str = "crm"
) -> tuple[int, Any, dict[str, str]]:
    """The integration function's answer: status, JSON body and headers."""
    event = api_event(
        method,
        path,
        body,
        headers={"Idempotency-Key": key} if key else {},
        path_parameters={"id": target} if target else None,
        integrator=integrator,
    )
    result = integration.lambda_handler(event, LambdaContext("test"))
    body_text = result.get("body")
    headers = {name: values[-1] for name, values in (result.get("multiValueHeaders") or {}).items()}
    return int(result["statusCode"]), json.loads(body_text) if body_text else None, headers


def message(request_id: str, text: str, key: str) -> tuple[int, Any, dict[str, str]]:
    return company(
        "POST", f"/api/integration/requests/{request_id}/messages", {"text": text}, request_id, key
    )


def move(request_id: str, body: dict[str, Any], key: str | None = None) -> tuple[int, Any, dict[str, str]]:
    return company("PATCH", f"/api/integration/requests/{request_id}", body, request_id, key)


def fields_of(problem: dict[str, Any]) -> set[str]:
    return {error["field"] for error in problem["errors"]}


def test_a_message_s_key_reused_on_another_request_is_refused_and_posts_nothing_there(env: World) -> None:  # noqa: F811 (the fixture)
    first, second = filed(), filed()
    key = uuid.uuid4().hex

    posted = message(first, "Документы получены.", key)
    elsewhere = message(second, "Документы получены.", key)
    replay = message(first, "Документы получены.", key)

    assert posted[0] == 201 and "Idempotent-Replayed" not in posted[2]
    assert elsewhere[0] == 422, elsewhere[1]
    assert fields_of(elsewhere[1]) == {"Idempotency-Key"}
    assert "другая заявка" in elsewhere[1]["detail"]
    assert thread(second)[1]["items"] == []
    assert replay[0] == 201
    assert replay[1]["id"] == posted[1]["id"]
    assert replay[2]["Idempotent-Replayed"] == "true"


def test_a_move_repeated_answers_200_with_no_second_history_entry_nor_mail(env: World) -> None:  # noqa: F811 (the fixture)
    request_id = filed()
    change = {"status": "in_review", "comment": "Принята."}

    first = move(request_id, change)
    mails = len(mailed())
    again = move(request_id, change)

    assert first[0] == again[0] == 200, again[1]
    assert again[1]["status"] == "in_review"
    assert len(again[1]["history"]) == len(first[1]["history"])
    assert len(mailed()) == mails


def test_a_stale_move_is_refused_with_412_and_changes_nothing(env: World) -> None:  # noqa: F811 (the fixture)
    request_id = filed()
    assert move(request_id, {"status": "in_review"})[0] == 200

    status, problem, _ = move(
        request_id, {"status": "needs_info", "comment": "Нужен план.", "expected_status": "registered"}
    )
    fresh = move(request_id, {"status": "in_progress", "expected_status": "in_review"})

    assert status == 412, problem
    assert fields_of(problem) == {"expected_status"}
    assert "«На рассмотрении»" in problem["detail"]
    assert fresh[0] == 200 and fresh[1]["status"] == "in_progress"


def test_a_move_s_key_replays_its_first_answer_and_refuses_another_target_or_body(env: World) -> None:  # noqa: F811 (the fixture)
    request_id, other = filed(), filed()
    key = uuid.uuid4().hex
    change = {"status": "in_review", "comment": "Принята."}

    first = move(request_id, change, key)
    assert move(request_id, {"status": "in_progress"})[0] == 200  # another system moves it on
    replay = move(request_id, change, key)
    elsewhere = move(other, change, key)
    another_body = move(request_id, {"status": "needs_info", "comment": "Нужен план."}, key)

    assert first[0] == 200 and "Idempotent-Replayed" not in first[2]
    assert replay[0] == 200
    assert replay[2]["Idempotent-Replayed"] == "true"
    assert replay[1] == first[1]
    assert elsewhere[0] == another_body[0] == 422
    assert fields_of(elsewhere[1]) == fields_of(another_body[1]) == {"Idempotency-Key"}
    assert move(other, {"status": "in_review"})[1]["history"][-1]["status"] == "in_review"


def test_a_malformed_key_on_a_move_is_refused_on_its_field(env: World) -> None:  # noqa: F811 (the fixture)
    status, problem, _ = move(filed(), {"status": "in_review"}, "short")

    assert status == 422
    assert fields_of(problem) == {"Idempotency-Key"}


def test_a_repeated_confirmation_keeps_the_first_time_and_actor(world: World) -> None:
    _, added = add(HOUSE)
    path = f"/api/integration/objects/{added['id']}"

    first = company("PATCH", path, {"confirmed": True}, added["id"], integrator="billing")
    again = company("PATCH", path, {"confirmed": True}, added["id"], integrator="crm")

    assert first[0] == again[0] == 200
    assert first[1]["account_confirmed_by"] == "integrator:billing"
    assert again[1]["account_confirmed_at"] == first[1]["account_confirmed_at"]
    assert again[1]["account_confirmed_by"] == "integrator:billing"


def test_a_support_reset_retried_with_its_key_mails_once(world: World) -> None:
    register(IVAN_REGISTERS)
    email = "ivan.petrov@example.ru"
    mailed_password(email)
    key = uuid.uuid4().hex
    path = "/api/integration/users/reset-password"

    first = company("POST", path, {"email": email}, None, key)
    replay = company("POST", path, {"email": email}, None, key)
    other = company("POST", path, {"email": "someone@example.ru"}, None, key)

    assert first[0] == replay[0] == 202
    assert replay[2]["Idempotent-Replayed"] == "true"
    assert other[0] == 422
    resets = [m for m in mailed() if m["subject"] == "Новый пароль от личного кабинета потребителя"]
    assert len(resets) == 1
