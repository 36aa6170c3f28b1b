"""«Забыли пароль?»: a code by mail, a new password with it, every old session ended."""

import re
from typing import Any

import boto3
import pytest

from functions.auth import handler as auth
from functions.auth import reset_codes
from functions.common.aws import reset_clients
from infra.world import World
from tests.unit.conftest import api_event, call, mailed, sent_mails
from tests.unit.test_accounts import IVAN, claims_of, log_in, mailed_password, register

EMAIL = "ivan.petrov@example.ru"
NEW_PASSWORD = "ласточка весной"


def forgot(email: str) -> tuple[int, Any]:
    return call(auth, api_event("POST", "/api/auth/forgot-password", {"email": email}))


def reset(
    code: str, password: str = NEW_PASSWORD, repeat: str | None = None, email: str = EMAIL
) -> tuple[int, Any]:
    body = {"email": email, "code": code, "new_password": password, "new_password_repeat": repeat or password}
    return call(auth, api_event("POST", "/api/auth/reset-password", body))


def mailed_code(email: str = EMAIL) -> str:
    texts = [m["text"] for m in sent_mails() if m["to"] == email and "Код для смены пароля:" in m["text"]]
    assert texts, sent_mails()
    match = re.search(r"Код для смены пароля: (\d{6})\n", texts[-1])
    assert match, texts[-1]
    return match.group(1)


def profile_item(world: World, email: str = EMAIL) -> dict[str, Any]:
    pool = world.refs["UserPool"]
    user = boto3.client("cognito-idp").admin_get_user(UserPoolId=pool, Username=email)
    sub = next(a["Value"] for a in user["UserAttributes"] if a["Name"] == "sub")
    table = boto3.resource("dynamodb").Table(world.refs["ProfilesTable"])
    return table.get_item(Key={"user_id": sub})["Item"]  # type: ignore[return-value]


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


@pytest.fixture
def registered(world: World) -> str:
    register(IVAN)
    return mailed_password(EMAIL)


def test_a_forgotten_password_is_replaced_with_the_mailed_code_and_old_sessions_end(
    world: World, registered: str
) -> None:
    _, tokens = log_in(EMAIL, registered)

    status, body = forgot(EMAIL)
    assert status == 202
    assert "письмо с кодом" in body["detail"]
    [mail] = [m for m in sent_mails() if m["subject"] == "Код для смены пароля в личном кабинете потребителя"]
    assert mail["to"] == EMAIL
    assert "(МСК)" in mail["text"]

    assert reset(mailed_code()) == (204, None)

    assert log_in(EMAIL, registered)[0] == 401
    assert log_in(EMAIL, NEW_PASSWORD)[0] == 200
    refresh = api_event("POST", "/api/auth/refresh", {"refresh_token": tokens["refresh_token"]})
    assert call(auth, refresh)[0] == 401
    notice = mailed()[-1]
    assert notice["subject"] == "Пароль от личного кабинета изменён"
    assert "(МСК)" in notice["text"]
    assert NEW_PASSWORD not in notice["text"]


def test_an_unknown_address_gets_the_same_answer_and_no_mail(world: World, registered: str) -> None:
    mails_before = len(sent_mails())

    assert forgot("nobody@example.ru") == forgot(EMAIL)
    assert [m["to"] for m in sent_mails()[mails_before:]] == [EMAIL]


def test_a_code_works_once(world: World, registered: str) -> None:
    forgot(EMAIL)
    code = mailed_code()
    assert reset(code)[0] == 204

    status, problem = reset(code, "другой пароль")

    assert status == 422
    assert [e["field"] for e in problem["errors"]] == ["code"]
    assert log_in(EMAIL, NEW_PASSWORD)[0] == 200


def test_the_code_is_kept_only_as_a_hash(world: World, registered: str) -> None:
    forgot(EMAIL)
    code = mailed_code()

    item = profile_item(world)

    assert item["reset_code_hash"] != code
    assert len(item["reset_code_hash"]) == 64
    assert code not in str(item)


def test_wrong_codes_are_limited_then_even_the_right_one_is_refused(world: World, registered: str) -> None:
    forgot(EMAIL)
    code = mailed_code()

    answers = [reset(wrong(code)) for _ in range(5)]

    assert {status for status, _ in answers} == {422}
    assert answers[0][1]["errors"][0]["message"].startswith("Код неверен или устарел.")
    assert reset(code) == answers[0]
    assert log_in(EMAIL, registered)[0] == 200


def test_an_expired_code_is_refused(world: World, registered: str) -> None:
    forgot(EMAIL)
    code = mailed_code()
    table = boto3.resource("dynamodb").Table(world.refs["ProfilesTable"])
    table.update_item(
        Key={"user_id": profile_item(world)["user_id"]},
        UpdateExpression="SET reset_code_expires_at = :past",
        ExpressionAttributeValues={":past": 1_000_000_000},
    )

    assert reset(code)[0] == 422
    assert log_in(EMAIL, registered)[0] == 200


def test_a_new_code_replaces_the_old_one(
    world: World, registered: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    codes = iter(["111111", "222222"])
    monkeypatch.setattr(reset_codes, "new_code", lambda: next(codes))
    forgot(EMAIL)
    first = mailed_code()
    forgot(EMAIL)
    second = mailed_code()

    assert (first, second) == ("111111", "222222")
    assert reset(first)[0] == 422
    assert reset(second)[0] == 204


def test_an_unknown_address_and_a_wrong_code_get_the_same_refusal(world: World, registered: str) -> None:
    forgot(EMAIL)
    code = mailed_code()

    assert reset(code, email="nobody@example.ru") == reset(wrong(code))


def test_codes_are_mailed_at_most_the_hourly_limit_per_address(world: World, registered: str) -> None:
    answers = [forgot(EMAIL) for _ in range(4)]

    assert len({str(a) for a in answers}) == 1
    codes = [m for m in sent_mails() if m["subject"].startswith("Код для смены пароля")]
    # The registration mail counts too: MailsPerAddressPerHour is 3.
    assert len(codes) == 2


COMMON = "Этот пароль слишком распространён"


def _new(password: str) -> dict[str, str]:
    return {"new_password": password, "new_password_repeat": password}


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"code": "12345"}, "code", "Код из письма состоит из 6 цифр: проверьте его."),
        ({"code": "12345a"}, "code", "Код из письма состоит из 6 цифр: проверьте его."),
        ({"code": "１２３４５６"}, "code", "Код из письма состоит из 6 цифр: проверьте его."),
        (
            {"new_password": "abcde", "new_password_repeat": "abcde"},
            "new_password",
            "Поле «Новый пароль» должно содержать не меньше 6 символов.",
        ),
        (
            {"new_password": "qwerty123", "new_password_repeat": "qwerty123"},
            "new_password",
            "Этот пароль слишком распространён",
        ),
        (
            {"new_password": "Password1", "new_password_repeat": "Password1"},
            "new_password",
            "Этот пароль слишком распространён",
        ),
        ({"new_password_repeat": "другой"}, "new_password_repeat", "Повтор не совпадает с новым паролем"),
        ({"email": "ivan@"}, "email", "Укажите адрес электронной почты"),
    ],
)
def test_a_bad_reset_names_the_field_and_spends_no_attempt(
    world: World, registered: str, body: dict[str, str], field: str, message: str
) -> None:
    forgot(EMAIL)
    code = mailed_code()
    full = {
        "email": EMAIL,
        "code": code,
        "new_password": NEW_PASSWORD,
        "new_password_repeat": NEW_PASSWORD,
        **body,
    }

    status, problem = call(auth, api_event("POST", "/api/auth/reset-password", full))

    assert status == 422
    assert any(e["field"] == field and e["message"].startswith(message) for e in problem["errors"]), problem
    assert profile_item(world)["reset_code_attempts"] == 0
    assert log_in(EMAIL, registered)[0] == 200


def test_an_unknown_field_is_refused(world: World) -> None:
    status, problem = call(
        auth, api_event("POST", "/api/auth/forgot-password", {"email": EMAIL, "admin": True})
    )

    assert status == 422
    assert [e["field"] for e in problem["errors"]] == ["admin"]


def test_a_reset_that_cannot_end_the_sessions_keeps_the_code_for_its_retry(
    world: World, registered: str
) -> None:
    forgot(EMAIL)
    code = mailed_code()
    boto3.setup_default_session()
    assert boto3.DEFAULT_SESSION is not None

    def throttled(**_: Any) -> Any:
        class Answer:
            status_code = 400

        error = {"Code": "TooManyRequestsException", "Message": "Rate exceeded"}
        return Answer(), {"Error": error, "ResponseMetadata": {"HTTPStatusCode": 400}}

    events = boto3.DEFAULT_SESSION.events
    events.register("before-call.cognito-identity-provider.AdminUserGlobalSignOut", throttled, unique_id="t")
    reset_clients()
    try:
        status, problem = reset(code)
    finally:
        events.unregister("before-call.cognito-identity-provider.AdminUserGlobalSignOut", unique_id="t")
        reset_clients()

    assert (status, problem["title"]) == (503, "Сервис временно недоступен")
    assert reset(code) == (204, None)
    assert log_in(EMAIL, NEW_PASSWORD)[0] == 200


def test_a_known_address_registering_again_is_told_about_forgot_password(
    world: World, registered: str
) -> None:
    register(IVAN)

    assert "«Забыли пароль?»" in sent_mails()[-1]["text"]
    assert claims_of(EMAIL, registered)


@pytest.mark.parametrize("common", ["qwerty123", "password", "Пароль", "1q2w3e4r"])
def test_a_password_change_to_a_common_password_is_refused_in_russian(
    world: World, registered: str, common: str
) -> None:
    from tests.unit.test_accounts import change_password

    status, problem = change_password(claims_of(EMAIL, registered), registered, common)

    assert status == 422
    assert problem["errors"][0]["field"] == "new_password"
    assert problem["errors"][0]["message"].startswith(COMMON)
    assert log_in(EMAIL, registered)[0] == 200
