"""Accounts: registration, mailed password, login, profile, password change, logout."""

import re
from typing import Any

import boto3
import pytest

from functions.auth import handler as auth
from functions.common.aws import reset_clients
from functions.integration import handler as integration
from infra.world import World
from tests.aws_calls import AwsCallRecorder
from tests.unit.conftest import api_event, call, mailed, sent_mails

IVAN = {
    "category": "individual",
    "full_name": "Иванов Иван Иванович",
    "email": "Ivan.Petrov@Example.RU",
    "phone": "8 (912) 345-67-89",
    "consent": True,
}
ROGA = {
    "category": "legal",
    "org_name": "ООО «Рога и копыта»",
    "email": "office@roga.ru",
    "phone": "+7 495 123-45-67",
    "consent": True,
}


def register(body: dict[str, Any]) -> tuple[int, Any]:
    return call(auth, api_event("POST", "/api/auth/register", body))


def mailed_password(email: str) -> str:
    texts = [m["text"] for m in sent_mails() if m["to"] == email and "ароль: " in m["text"]]
    match = re.search(r"[Пп]ароль: (\S+)", texts[-1])
    assert match, texts
    return match.group(1)


def log_in(email: str, password: str) -> tuple[int, Any]:
    return call(auth, api_event("POST", "/api/auth/login", {"email": email, "password": password}))


def claims_of(email: str, password: str) -> dict[str, str]:
    import jwt

    status, tokens = log_in(email, password)
    assert status == 200, tokens
    payload = jwt.decode(tokens["id_token"], options={"verify_signature": False})
    return {k: str(v) for k, v in payload.items()}


def users(world: World) -> list[dict[str, Any]]:
    pool = world.refs["UserPool"]
    return boto3.client("cognito-idp").list_users(UserPoolId=pool)["Users"]  # type: ignore[return-value]


def profiles(world: World) -> int:
    table = boto3.resource("dynamodb").Table(world.refs["ProfilesTable"])
    return int(table.scan(Select="COUNT")["Count"])


def test_individual_registers_and_logs_in_with_the_mailed_password(world: World) -> None:
    status, body = register(IVAN)

    assert status == 202
    assert "письмо с паролем" in body["detail"]
    [mail] = sent_mails()
    assert mail["to"] == "ivan.petrov@example.ru"
    assert mail["subject"] == "Регистрация в личном кабинете потребителя"
    assert mail["text"].startswith("Здравствуйте!\n")
    assert "Иванов" not in mail["text"]  # nothing the registrant typed but the address
    password = mailed_password("ivan.petrov@example.ru")
    assert len(password) >= 12
    status, tokens = log_in("ivan.petrov@example.ru", password)
    assert status == 200
    assert set(tokens) == {"id_token", "access_token", "refresh_token", "expires_in"}


def test_profile_keeps_the_registration_data_and_the_consent(world: World) -> None:
    register(IVAN)
    caller = claims_of("ivan.petrov@example.ru", mailed_password("ivan.petrov@example.ru"))

    status, profile = call(auth, api_event("GET", "/api/profile", claims=caller))

    assert status == 200
    assert profile["category"] == "individual"
    assert profile["full_name"] == "Иванов Иван Иванович"
    assert profile["org_name"] is None
    assert profile["email"] == "ivan.petrov@example.ru"
    assert profile["phone"] == "+79123456789"
    assert profile["consent_text_version"]
    assert profile["consent_given_at"] == profile["registered_at"]


def test_legal_entity_registers_with_its_name(world: World) -> None:
    assert register(ROGA)[0] == 202
    caller = claims_of("office@roga.ru", mailed_password("office@roga.ru"))

    _, profile = call(auth, api_event("GET", "/api/profile", claims=caller))

    assert profile["category"] == "legal"
    assert profile["org_name"] == "ООО «Рога и копыта»"
    assert profile["full_name"] is None
    assert profile["phone"] == "+74951234567"


def test_known_email_gets_the_same_answer_and_a_mail_saying_so(world: World) -> None:
    first = register(IVAN)
    password = mailed_password("ivan.petrov@example.ru")

    second = register({**IVAN, "email": "ivan.petrov@example.ru", "full_name": "Другой Человек"})

    assert second == first
    assert len(users(world)) == 1
    last = sent_mails()[-1]
    assert last["subject"] == "Повторная регистрация в личном кабинете потребителя"
    assert "уже зарегистрирован" in last["text"]
    assert "Пароль:" not in last["text"]
    assert log_in("ivan.petrov@example.ru", password)[0] == 200  # the old password still works


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({**IVAN, "full_name": ""}, "full_name", "Заполните поле «ФИО»."),
        ({k: v for k, v in IVAN.items() if k != "email"}, "email", "Заполните поле «Электронная почта»."),
        ({**IVAN, "email": "ivan@"}, "email", "Укажите адрес электронной почты в виде name@example.ru."),
        ({**IVAN, "phone": "12345"}, "phone", "Укажите номер телефона с кодом города или оператора"),
        ({**IVAN, "phone": "позвоните мне"}, "phone", "Укажите номер телефона"),
        ({**IVAN, "consent": False}, "consent", "Отметьте согласие на обработку персональных данных"),
        ({k: v for k, v in IVAN.items() if k != "consent"}, "consent", "Отметьте согласие"),
        ({**IVAN, "category": "alien"}, "category", "Поле «Категория»: выберите одно из значений"),
        ({k: v for k, v in IVAN.items() if k != "category"}, "category", "Заполните поле «Категория»."),
        ({**IVAN, "category": "legal"}, "org_name", "Заполните поле «Название организации»."),
        ({**IVAN, "full_name": "Иван"}, "full_name", "Укажите фамилию, имя и отчество"),
        ({**IVAN, "full_name": "R2-D2 робот"}, "full_name", "Укажите фамилию, имя и отчество"),
        ({**ROGA, "org_name": " "}, "org_name", "Заполните поле «Название организации»."),
        ({**ROGA, "org_name": "1"}, "org_name", "Укажите название организации полностью"),
        # Mail that can't be aimed: no links in the names, no addresses SES or Cognito would refuse.
        (
            {**ROGA, "org_name": "Ваш кабинет заблокирован, войдите на portal-energo.ru/login"},
            "org_name",
            "Название организации не должно содержать ссылок и адресов сайтов.",
        ),
        (
            {**ROGA, "org_name": "ООО «Ромашка» http://evil.example"},
            "org_name",
            "Название организации не должно содержать ссылок",
        ),
        ({**ROGA, "org_name": "ООО www.romashka"}, "org_name", "Название организации не должно содержать"),
        ({**ROGA, "org_name": "ООО Ромашка.рф"}, "org_name", "Название организации не должно содержать"),
        ({**ROGA, "org_name": "ООО EVIL.COM"}, "org_name", "Название организации не должно содержать"),
        ({**ROGA, "org_name": "Пишите: x@evil.ru"}, "org_name", "Название организации не должно содержать"),
        ({**ROGA, "org_name": "ООО <b>Ромашка</b>"}, "org_name", "Название организации может содержать"),
        ({**ROGA, "org_name": "ООО Ромашка!!!"}, "org_name", "Название организации может содержать"),
        ({**IVAN, "full_name": "Иванов Иван http://evil.ru"}, "full_name", "ФИО не должно содержать ссылок"),
        ({**IVAN, "full_name": "Иванов Иван evil.ru"}, "full_name", "ФИО не должно содержать ссылок"),
        ({**IVAN, "full_name": "Иванов Иван."}, "full_name", "Укажите фамилию, имя и отчество"),
        ({**IVAN, "full_name": "Иванов Ив.ан"}, "full_name", "Укажите фамилию, имя и отчество"),
        ({**IVAN, "full_name": "Иванов Иван\u202e"}, "full_name", "Укажите фамилию, имя и отчество"),
        ({**IVAN, "email": "іvan@example.ru"}, "email", "Часть адреса до @ должна быть набрана латиницей"),
        ({**IVAN, "email": "ivan@пример.рф"}, "email", "Адреса в доменах .рф, .рус"),
    ],
)
def test_bad_registration_names_the_field_in_russian_and_creates_nothing(
    world: World, body: dict[str, Any], field: str, message: str
) -> None:
    status, problem = register(body)

    assert status == 422
    assert problem["status"] == 422
    assert any(e["field"] == field and e["message"].startswith(message) for e in problem["errors"]), problem
    assert users(world) == []
    assert profiles(world) == 0
    assert sent_mails() == []


@pytest.mark.parametrize(
    "full_name",
    ["Иванов И.И.", "Иванов И. И.", "И.И. Иванов", "Анна-Мария О'Нил", "Jean-Luc Picard", "Müller Hans"],
)
def test_a_person_name_in_any_alphabet_with_initials_hyphens_and_apostrophes_is_taken(
    world: World, full_name: str
) -> None:
    assert register({**IVAN, "full_name": full_name})[0] == 202


@pytest.mark.parametrize(
    "org_name", ["ООО «Ромашка»", "ИП Иванов И.И.", "ТСЖ № 5", 'АО "Электросеть-2"', "Smith & Co. Ltd"]
)
def test_organisation_names_as_they_are_written_are_taken(world: World, org_name: str) -> None:
    status, _ = register({**ROGA, "org_name": org_name})
    caller = claims_of("office@roga.ru", mailed_password("office@roga.ru"))

    assert status == 202
    assert call(auth, api_event("GET", "/api/profile", claims=caller))[1]["org_name"] == org_name


def test_an_internationalised_domain_is_kept_in_its_ascii_form(world: World) -> None:
    assert register({**IVAN, "email": "Ivan@Пример.com"})[0] == 202

    assert log_in("ivan@xn--e1afmkfd.com", mailed_password("ivan@xn--e1afmkfd.com"))[0] == 200
    assert log_in("ivan@пример.com", mailed_password("ivan@xn--e1afmkfd.com"))[0] == 200


def test_every_bad_registration_field_is_named_at_once(world: World) -> None:
    status, problem = register({"category": "legal", "full_name": "Иванов Иван", "email": "x", "phone": "1"})

    assert status == 422
    # full_name is not a field of a legal entity's registration: refused as unknown, like any other.
    assert {e["field"] for e in problem["errors"]} == {"org_name", "full_name", "email", "phone", "consent"}


@pytest.mark.parametrize("raw", ["{not json", "", "[1, 2]", '"text"', "null"])
def test_a_body_that_is_not_a_json_object_is_refused_in_russian(world: World, raw: str) -> None:
    status, problem = call(auth, api_event("POST", "/api/auth/register", raw_body=raw))

    assert status in (400, 422)
    assert "JSON" in problem["detail"] or problem["errors"], problem
    assert all(re.search("[а-яА-Я]", e["message"]) for e in problem["errors"])
    assert users(world) == []


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/auth/register", lambda email: {**IVAN, "email": email}),
        ("/api/auth/forgot-password", lambda email: {"email": email}),
    ],
)
def test_a_known_and_a_new_address_are_answered_by_the_same_calls_alike(
    world: World, path: str, body: Any
) -> None:
    """No timing tells a registered address from a new one: the route does the very same AWS calls for
    both (it queues a job; the mail worker tells them apart, outside the answer's time) and answers
    alike."""
    register(IVAN)
    assert mailed_password(IVAN["email"].lower())  # the account exists
    recorder = AwsCallRecorder()
    answers, calls = [], []
    try:
        for email in (IVAN["email"], "somebody.new@example.ru"):
            made: list[tuple[str, str]] = []
            with recorder.recording(made):
                status, answer = call(auth, api_event("POST", path, body(email)))
            answers.append((status, {k: v for k, v in (answer or {}).items() if k != "request_id"}))
            calls.append(made)
    finally:
        recorder.close()

    assert calls[0] == calls[1] and calls[0], calls
    assert answers[0] == answers[1] and answers[0][0] == 202, answers


def test_wrong_password_and_unknown_email_get_the_same_answer(world: World) -> None:
    register(IVAN)

    wrong_password = log_in("ivan.petrov@example.ru", "not-the-password")
    unknown_email = log_in("nobody@example.ru", "not-the-password")

    assert wrong_password == unknown_email
    status, problem = wrong_password
    assert status == 401
    assert problem["errors"] == [
        {"field": "password", "message": "Неверный адрес электронной почты или пароль."}
    ]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "ivan@example.ru"}, "password"),
        ({"password": "x"}, "email"),
        ({"email": "@", "password": "x"}, "email"),
    ],
)
def test_login_without_a_field_names_it(world: World, body: dict[str, str], field: str) -> None:
    status, problem = call(auth, api_event("POST", "/api/auth/login", body))

    assert status == 422
    assert [e["field"] for e in problem["errors"]] == [field]


def test_refresh_gives_new_tokens_until_logout(world: World) -> None:
    register(IVAN)
    email, password = "ivan.petrov@example.ru", mailed_password("ivan.petrov@example.ru")
    _, tokens = log_in(email, password)
    refresh = api_event("POST", "/api/auth/refresh", {"refresh_token": tokens["refresh_token"]})

    status, renewed = call(auth, refresh)
    assert status == 200
    assert renewed["id_token"]

    assert call(auth, api_event("POST", "/api/auth/logout", claims=claims_of(email, password)))[0] == 204
    status, problem = call(auth, refresh)
    assert status == 401
    assert problem["detail"] == "Сессия истекла или завершена: войдите снова."


def change_password(caller: dict[str, str], old: str, new: str, repeat: str | None = None) -> tuple[int, Any]:
    body = {
        "old_password": old,
        "new_password": new,
        "new_password_repeat": new if repeat is None else repeat,
    }
    return call(auth, api_event("POST", "/api/profile/password", body, claims=caller))


def test_password_change_takes_the_new_password_and_mails_a_confirmation(world: World) -> None:
    register(IVAN)
    email, password = "ivan.petrov@example.ru", mailed_password("ivan.petrov@example.ru")

    status, _ = change_password(claims_of(email, password), password, "новый пароль")

    assert status == 204
    assert log_in(email, password)[0] == 401
    assert log_in(email, "новый пароль")[0] == 200
    [notice] = [m for m in mailed() if m["subject"] == "Пароль от личного кабинета изменён"]
    assert "новый пароль" not in notice["text"]


def test_a_password_change_whose_sessions_cannot_end_is_undone_and_its_retry_does_it(world: World) -> None:
    register(IVAN)
    email, password = "ivan.petrov@example.ru", mailed_password("ivan.petrov@example.ru")
    caller = claims_of(email, password)
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
        status, problem = change_password(caller, password, "новый пароль")
    finally:
        events.unregister("before-call.cognito-identity-provider.AdminUserGlobalSignOut", unique_id="t")
        reset_clients()

    assert (status, problem["title"]) == (503, "Сервис временно недоступен")
    assert log_in(email, password)[0] == 200  # the old password still works: nothing was done
    assert change_password(caller, password, "новый пароль")[0] == 204
    assert log_in(email, "новый пароль")[0] == 200


@pytest.mark.parametrize(
    ("old", "new", "repeat", "field", "message"),
    [
        ("wrong", "abcdef", "abcdef", "old_password", "Старый пароль указан неверно."),
        (
            None,
            "abcde",
            "abcde",
            "new_password",
            "Поле «Новый пароль» должно содержать не меньше 6 символов.",
        ),
        (
            None,
            "abcdef",
            "abcdeg",
            "new_password_repeat",
            "Повтор не совпадает с новым паролем: введите его ещё раз.",
        ),
        (None, None, None, "new_password", "Новый пароль должен отличаться от старого."),
        (None, "abcdef", "", "new_password_repeat", "Заполните поле «Повтор нового пароля»."),
        ("", "abcdef", "abcdef", "old_password", "Заполните поле «Старый пароль»."),
    ],
)
def test_bad_password_change_is_refused_and_keeps_the_old_password(
    world: World, old: str | None, new: str | None, repeat: str | None, field: str, message: str
) -> None:
    register(IVAN)
    email, password = "ivan.petrov@example.ru", mailed_password("ivan.petrov@example.ru")
    mails_before = len(sent_mails())

    status, problem = change_password(
        claims_of(email, password),
        password if old is None else old,
        password if new is None else new,
        repeat if repeat is not None else (password if new is None else new),
    )

    assert status == 422
    assert {"field": field, "message": message} in problem["errors"], problem
    assert log_in(email, password)[0] == 200
    assert len(sent_mails()) == mails_before


def test_support_reset_mails_a_new_password_and_ends_sessions(world: World) -> None:
    register(IVAN)
    email, old = "ivan.petrov@example.ru", mailed_password("ivan.petrov@example.ru")
    _, tokens = log_in(email, old)

    status, body = call(
        integration,
        api_event("POST", "/api/integration/users/reset-password", {"email": email}, integrator="support"),
    )

    assert status == 202
    assert "новый пароль придёт потребителю на email" in body["detail"]
    assert mailed()[-1]["subject"] == "Новый пароль от личного кабинета потребителя"
    new = mailed_password(email)
    assert new != old
    assert log_in(email, old)[0] == 401
    assert log_in(email, new)[0] == 200
    refresh = api_event("POST", "/api/auth/refresh", {"refresh_token": tokens["refresh_token"]})
    assert call(auth, refresh)[0] == 401


def test_support_reset_of_an_unknown_email_is_404(world: World) -> None:
    status, problem = call(
        integration,
        api_event(
            "POST",
            "/api/integration/users/reset-password",
            {"email": "nobody@example.ru"},
            integrator="support",
        ),
    )

    assert status == 404
    assert problem["detail"] == "Потребитель с таким email не зарегистрирован."
    assert sent_mails() == []


def test_unknown_route_is_a_russian_404(world: World) -> None:
    status, problem = call(auth, api_event("GET", "/api/auth/nothing"))

    assert status == 404
    assert problem["title"] == "Не найдено"
