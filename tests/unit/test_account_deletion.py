"""Withdrawal of consent and deletion of the account (152-ФЗ ст. 9 ч. 2, ст. 21 ч. 5): confirmed by
the password, no login from the answer on, every session ended, the personal data erased by the
scheduled ErasureFunction; the requests stay for the company's records without the person."""

import json
import re
import uuid
from datetime import date, timedelta
from typing import Any

import boto3

from functions.auth import erasure
from functions.auth import handler as auth
from functions.requests import handler as requests_api
from infra.lambda_runtime import LambdaContext
from infra.world import World
from tests.unit.conftest import api_event, call, mailed
from tests.unit.test_accounts import IVAN, claims_of, log_in, mailed_password, register
from tests.unit.test_password_reset import forgot

EMAIL = "ivan.petrov@example.ru"


def delete(caller: dict[str, str], password: str) -> tuple[int, Any]:
    return call(auth, api_event("DELETE", "/api/profile", {"password": password}, claims=caller))


def file_request(caller: dict[str, str]) -> None:
    filing = {
        "type": "meter_reading",
        "text": "Прошу снять показания.",
        "fields": {
            "address": "г. Москва, ул. Мира, 5",
            "account_number": "5001234567",
            "reason": "control",
            "meter_number": "01234567",
            "reading_date": str(date.today() + timedelta(days=7)),
        },
    }
    key = {"Idempotency-Key": uuid.uuid4().hex}
    event = api_event("POST", "/api/requests", filing, claims=caller, headers=key)
    assert requests_api.lambda_handler(event, LambdaContext("test"))["statusCode"] == 201


def _items(world: World, table: str) -> list[dict[str, Any]]:
    return boto3.resource("dynamodb").Table(world.refs[table]).scan()["Items"]  # type: ignore[return-value]


def test_a_deleted_account_cannot_log_in_its_sessions_end_and_the_address_is_told(world: World) -> None:
    register(IVAN)
    password = mailed_password(EMAIL)
    caller = claims_of(EMAIL, password)
    _, tokens = log_in(EMAIL, password)

    assert delete(caller, password) == (204, None)

    assert log_in(EMAIL, password)[0] == 401
    refresh = api_event("POST", "/api/auth/refresh", {"refresh_token": tokens["refresh_token"]})
    assert call(auth, refresh)[0] == 401
    notice = mailed()[-1]
    assert notice["subject"] == "Учётная запись в личном кабинете удалена"
    assert "В течение 30 дней" in notice["text"] and "(МСК)" in notice["text"]
    assert "обезличенными" in notice["text"]


def test_deletion_needs_the_password(world: World) -> None:
    register(IVAN)
    password = mailed_password(EMAIL)

    status, problem = delete(claims_of(EMAIL, password), "not-the-password")

    assert status == 422
    assert problem["errors"] == [{"field": "password", "message": "Пароль указан неверно."}]
    assert log_in(EMAIL, password)[0] == 200


def test_the_erasure_removes_the_person_and_keeps_the_requests_and_the_consent_proof(world: World) -> None:
    register(IVAN)
    password = mailed_password(EMAIL)
    caller = claims_of(EMAIL, password)
    file_request(caller)
    consent = call(auth, api_event("GET", "/api/profile", claims=caller))[1]
    delete(caller, password)

    assert erasure.lambda_handler({}, LambdaContext("ErasureFunction")) == {"erased": 1, "failed": 0}

    [profile] = _items(world, "ProfilesTable")
    assert set(profile) == {
        "user_id",
        "consent_given_at",
        "consent_text_version",
        "consent_text_sha256",
        "deleted_at",
        "deleted_by",
        "erased_at",
    }
    assert profile["consent_text_sha256"] == consent["consent_text_sha256"]
    assert profile["deleted_by"] == "consumer"  # who withdrew the consent: the consumer, in «Профиль»
    pool = world.refs["UserPool"]
    assert boto3.client("cognito-idp").list_users(UserPoolId=pool)["Users"] == []
    [request] = [i for i in _items(world, "RequestsTable") if str(i["sk"]).startswith("REQUEST#")]
    assert "email" not in request
    assert request["text"] == "удалено по требованию субъекта персональных данных"
    assert request["erased_at"] and request["status"] == "registered"
    kept = json.dumps([profile, request], default=str, ensure_ascii=False)
    for personal in (EMAIL, "Иванов", "+79123456789"):
        assert personal not in kept
    # Nothing is left pending: the next run erases nothing.
    assert erasure.lambda_handler({}, LambdaContext("ErasureFunction")) == {"erased": 0, "failed": 0}


def test_a_deleted_account_gets_no_reset_code_and_is_told_when_its_address_is_free(world: World) -> None:
    register(IVAN)
    password = mailed_password(EMAIL)
    delete(claims_of(EMAIL, password), password)
    mails = len(mailed())  # the deletion's own notice relayed

    assert forgot(EMAIL)[0] == 202

    assert len(mailed()) == mails + 1
    told = mailed()[-1]
    assert told["subject"] == "Учётная запись с этим адресом удалена"
    assert "код смены пароля для неё не отправляются" in told["text"]
    assert "можно зарегистрировать снова" in told["text"]
    assert not re.search(r"\b\d{6}\b", told["text"])  # no code


def test_a_deleted_account_s_address_registers_again_after_its_erasure_and_is_told_so_before(
    world: World,
) -> None:
    register(IVAN)
    password = mailed_password(EMAIL)
    delete(claims_of(EMAIL, password), password)
    mailed()  # the deletion's own notice relayed

    # Before the erasure: no account is made, the mail says what the site says and what works.
    assert register(IVAN)[0] == 202
    told = mailed()[-1]
    assert told["subject"] == "Учётная запись с этим адресом удалена"
    assert "«Регистрация»" in told["text"] and "другим адресом" in told["text"]
    assert log_in(EMAIL, password)[0] == 401

    assert erasure.lambda_handler({}, LambdaContext("ErasureFunction")) == {"erased": 1, "failed": 0}

    # After it: the address registers anew, with a new password that logs in.
    assert register(IVAN)[0] == 202
    fresh = mailed_password(EMAIL)
    assert fresh != password
    assert log_in(EMAIL, fresh)[0] == 200


def test_the_erasure_schedule_is_what_the_mails_promise() -> None:
    from functions.auth.erasure_schedule import ERASURE_RUNS_EVERY
    from infra.template import load_template

    function = load_template()["Resources"]["ErasureFunction"]["Properties"]
    [schedule] = [e["Properties"]["Schedule"] for e in function["Events"].values() if e["Type"] == "Schedule"]
    assert schedule == "rate(1 day)" and timedelta(days=1) == ERASURE_RUNS_EVERY


def test_a_deletion_that_failed_half_way_is_finished_by_its_retry(world: World) -> None:
    from tests.faults import failing_where

    register(IVAN)
    password = mailed_password(EMAIL)
    caller = claims_of(EMAIL, password)
    with failing_where("cognito-idp", "AdminUserGlobalSignOut", caller["sub"]):
        assert delete(caller, password)[0] == 503

    assert delete(caller, "whatever was typed") == (204, None)
    assert log_in(EMAIL, password)[0] == 401


def test_the_erasure_keeps_the_proof_of_every_consent_the_consumer_gave(world: World) -> None:
    from functions.auth.store import ProfileStore

    earlier = {"version": "2026-11-01", "given_at": "2026-11-02T10:00:00+03:00", "sha256": "ab" * 32}
    boto3.resource("dynamodb").Table(world.refs["ProfilesTable"]).put_item(
        Item={
            "user_id": "u-1",
            "email": "someone@example.ru",
            "full_name": "Сидоров Сидор Сидорович",
            "consent_given_at": "2026-12-04T10:00:00+03:00",
            "consent_text_version": "2026-12-04",
            "consent_text_sha256": "cd" * 32,
            "earlier_consents": [earlier],
            "deleted_at": "2026-12-04T11:00:00+03:00",
        }
    )

    ProfileStore().erase("u-1", "2026-12-05T03:00:00+03:00")

    [profile] = _items(world, "ProfilesTable")
    assert profile["earlier_consents"] == [earlier]
    assert profile["consent_text_version"] == "2026-12-04"
    assert "email" not in profile and "full_name" not in profile
