"""Changing the email (the login): the current password, a code mailed to the new address, the new
address logs in and the old one no longer does, every session ends, the old address is told."""

import re
from typing import Any

import boto3
import pytest

from functions.auth import handler as auth
from functions.common.aws import reset_clients
from infra.world import World
from tests.unit.conftest import api_event, call, mailed, sent_mails
from tests.unit.outbox_support import owed_entries
from tests.unit.test_accounts import IVAN, ROGA, claims_of, log_in, mailed_password, register
from tests.unit.test_password_reset import profile_item, wrong

EMAIL = "ivan.petrov@example.ru"
NEW = "ivan.new@example.ru"
CODE_SUBJECT = "Код для смены email в личном кабинете потребителя"
CHANGED_SUBJECT = "Адрес для входа в личный кабинет изменён"


@pytest.fixture
def ivan(world: World) -> tuple[str, dict[str, str]]:
    register(IVAN)
    password = mailed_password(EMAIL)
    return password, claims_of(EMAIL, password)


def ask(claims: dict[str, str], new_email: str, password: str) -> tuple[int, Any]:
    body = {"new_email": new_email, "password": password}
    return call(auth, api_event("POST", "/api/profile/email", body, claims=claims))


def confirm(claims: dict[str, str], code: str) -> tuple[int, Any]:
    return call(auth, api_event("POST", "/api/profile/email/confirm", {"code": code}, claims=claims))


def mailed_code(to: str = NEW) -> str:
    texts = [m["text"] for m in sent_mails() if m["to"] == to and m["subject"] == CODE_SUBJECT]
    assert texts, sent_mails()
    match = re.search(r"Код подтверждения: (\d{6})\n", texts[-1])
    assert match, texts[-1]
    return match.group(1)


def test_the_new_address_logs_in_with_the_mailed_code_and_the_old_one_no_longer_does(
    world: World, ivan: tuple[str, dict[str, str]]
) -> None:
    password, claims = ivan
    _, tokens = log_in(EMAIL, password)

    status, body = ask(claims, NEW, password)
    assert status == 202
    assert "письмо с кодом" in body["detail"]
    [mail] = [m for m in sent_mails() if m["subject"] == CODE_SUBJECT]
    assert mail["to"] == NEW
    assert "(МСК)" in mail["text"]

    assert confirm(claims, mailed_code()) == (204, None)

    assert log_in(NEW, password)[0] == 200
    assert log_in(EMAIL, password)[0] == 401
    pool = world.refs["UserPool"]
    user = boto3.client("cognito-idp").admin_get_user(UserPoolId=pool, Username=NEW)
    attributes = {a["Name"]: a["Value"] for a in user["UserAttributes"]}
    assert (attributes["email"], attributes["email_verified"]) == (NEW, "true")
    item = profile_item(world, NEW)
    assert item["email"] == NEW
    assert not [key for key in item if key.startswith("email_code")]
    # Every session ended: the refresh token of the old login is refused.
    refresh = api_event("POST", "/api/auth/refresh", {"refresh_token": tokens["refresh_token"]})
    assert call(auth, refresh)[0] == 401
    notice = mailed()[-1]
    assert (notice["to"], notice["subject"]) == (EMAIL, "Адрес для входа в личный кабинет изменён")
    assert NEW in notice["text"]
    assert "(МСК)" in notice["text"]


def test_a_wrong_password_is_refused_on_its_field_and_mails_nothing(
    world: World, ivan: tuple[str, dict[str, str]]
) -> None:
    _, claims = ivan
    before = len(sent_mails())

    status, problem = ask(claims, NEW, "не-тот-пароль")

    assert status == 422
    assert [e["field"] for e in problem["errors"]] == ["password"]
    assert sent_mails()[before:] == []


def test_the_current_address_and_a_bad_one_are_refused_on_new_email(
    world: World, ivan: tuple[str, dict[str, str]]
) -> None:
    password, claims = ivan
    for new_email in (EMAIL, "не адрес", ""):
        status, problem = ask(claims, new_email, password)
        assert status == 422, new_email
        assert [e["field"] for e in problem["errors"]] == ["new_email"], problem


def test_an_address_of_another_account_gets_the_same_answer_and_its_owner_is_told(
    world: World, ivan: tuple[str, dict[str, str]]
) -> None:
    password, claims = ivan
    register(ROGA)
    sent_mails()
    taken = ROGA["email"]

    assert ask(claims, taken, password) == ask(claims, NEW, password)

    mails = sent_mails()
    [told] = [m for m in mails if m["to"] == taken and "уже зарегистрирован" in m["text"]]
    assert "код подтверждения не отправлен" in told["text"]
    assert not [m for m in mails if m["to"] == taken and m["subject"] == CODE_SUBJECT]
    assert log_in(EMAIL, password)[0] == 200


def test_an_address_taken_after_the_code_was_mailed_is_refused_on_code(
    world: World, ivan: tuple[str, dict[str, str]]
) -> None:
    password, claims = ivan
    ask(claims, NEW, password)
    code = mailed_code()
    register({**ROGA, "email": NEW})  # another account takes the address meanwhile
    sent_mails()

    status, problem = confirm(claims, code)

    assert status == 422
    assert [e["field"] for e in problem["errors"]] == ["code"]
    assert "занят другой учётной записью" in problem["errors"][0]["message"]
    assert profile_item(world, EMAIL)["email"] == EMAIL


def test_the_code_is_a_hash_bound_to_the_address_works_once_and_wrong_ones_are_limited(
    world: World, ivan: tuple[str, dict[str, str]]
) -> None:
    password, claims = ivan
    ask(claims, NEW, password)
    code = mailed_code()
    item = profile_item(world, EMAIL)
    assert code not in str(item)
    assert (len(item["email_code_hash"]), item["email_code_to"]) == (64, NEW)
    assert "reset_code_hash" not in item  # a forgotten password's code is another one

    answers = [confirm(claims, wrong(code)) for _ in range(5)]

    assert {status for status, _ in answers} == {422}
    assert answers[0][1]["errors"][0]["message"].startswith("Код неверен или устарел.")
    assert confirm(claims, code) == answers[0]
    assert log_in(EMAIL, password)[0] == 200


def test_a_forgotten_password_code_does_not_change_the_email(
    world: World, ivan: tuple[str, dict[str, str]]
) -> None:
    _, claims = ivan
    call(auth, api_event("POST", "/api/auth/forgot-password", {"email": EMAIL}))
    texts = [m["text"] for m in sent_mails() if "Код для смены пароля:" in m["text"]]
    match = re.search(r"Код для смены пароля: (\d{6})\n", texts[-1])
    assert match

    status, problem = confirm(claims, match.group(1))

    assert status == 422
    assert [e["field"] for e in problem["errors"]] == ["code"]


def test_codes_to_a_new_address_are_mailed_at_most_the_hourly_limit(
    world: World, ivan: tuple[str, dict[str, str]]
) -> None:
    password, claims = ivan

    answers = [ask(claims, NEW, password) for _ in range(4)]

    assert {str(a) for a in answers} == {str(answers[0])}
    assert len([m for m in sent_mails() if m["subject"] == CODE_SUBJECT]) == 3


def test_a_change_whose_cognito_call_fails_keeps_the_code_for_its_retry(
    world: World, ivan: tuple[str, dict[str, str]]
) -> None:
    password, claims = ivan
    ask(claims, NEW, password)
    code = mailed_code()
    boto3.setup_default_session()
    assert boto3.DEFAULT_SESSION is not None

    def throttled(**_: Any) -> Any:
        class Answer:
            status_code = 400

        error = {"Code": "TooManyRequestsException", "Message": "Rate exceeded"}
        return Answer(), {"Error": error, "ResponseMetadata": {"HTTPStatusCode": 400}}

    event = "before-call.cognito-identity-provider.AdminUpdateUserAttributes"
    events = boto3.DEFAULT_SESSION.events
    events.register(event, throttled, unique_id="t")
    reset_clients()
    try:
        status, problem = confirm(claims, code)
    finally:
        events.unregister(event, unique_id="t")
        reset_clients()

    assert (status, problem["title"]) == (503, "Сервис временно недоступен")
    assert log_in(EMAIL, password)[0] == 200
    assert confirm(claims, code) == (204, None)
    assert log_in(NEW, password)[0] == 200
    assert log_in(EMAIL, password)[0] == 401


def test_an_unknown_field_is_refused(world: World, ivan: tuple[str, dict[str, str]]) -> None:
    password, claims = ivan
    body = {"new_email": NEW, "password": password, "email": NEW}
    status, problem = call(auth, api_event("POST", "/api/profile/email", body, claims=claims))
    assert status == 422
    assert [e["field"] for e in problem["errors"]] == ["email"]


def test_a_change_whose_profile_write_fails_puts_the_old_login_back_and_its_retry_does_it(
    world: World, ivan: tuple[str, dict[str, str]]
) -> None:
    from tests.faults import failing_where

    password, claims = ivan
    ask(claims, NEW, password)
    code = mailed_code()

    with failing_where("dynamodb", "TransactWriteItems", "SET email = :email"):
        status, problem = confirm(claims, code)

    assert (status, problem["title"]) == (503, "Сервис временно недоступен")
    # Nothing changed, as the answer says: the old address logs in, the new one does not; no notice
    # is owed.
    assert log_in(EMAIL, password)[0] == 200
    assert log_in(NEW, password)[0] == 401
    assert profile_item(world, EMAIL)["email"] == EMAIL
    assert owed_entries(world) == []
    assert confirm(claims, code) == (204, None)
    assert log_in(NEW, password)[0] == 200
    assert profile_item(world, NEW)["email"] == NEW
    assert [m["to"] for m in mailed() if m["subject"] == CHANGED_SUBJECT] == [EMAIL]


def test_a_new_address_drops_the_bounce_the_old_one_had(
    world: World, ivan: tuple[str, dict[str, str]]
) -> None:
    from datetime import UTC, datetime

    from functions.auth.store import ProfileStore

    password, claims = ivan
    user_id = str(profile_item(world, EMAIL)["user_id"])
    ProfileStore().mark_mail_undeliverable(user_id, datetime(2026, 11, 1, tzinfo=UTC))
    assert "mail_undeliverable_since" in profile_item(world, EMAIL)

    assert ask(claims, NEW, password)[0] == 202
    assert confirm(claims, mailed_code()) == (204, None)

    assert "mail_undeliverable_since" not in profile_item(world, NEW)
