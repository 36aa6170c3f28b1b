"""«Профиль»: the consumer changes the phone and the ФИО or the organisation's name; the account's
address is told of every change."""

from typing import Any

import pytest

from functions.auth import handler as auth
from infra.world import World
from tests.unit.conftest import api_event, call, mailed, sent_mails
from tests.unit.test_accounts import IVAN, ROGA, claims_of, mailed_password, register

EMAIL = "ivan.petrov@example.ru"


@pytest.fixture
def ivan(world: World) -> dict[str, str]:
    register(IVAN)
    return claims_of(EMAIL, mailed_password(EMAIL))


def change(caller: dict[str, str], body: Any) -> tuple[int, Any]:
    return call(auth, api_event("PATCH", "/api/profile", body, claims=caller))


def test_the_phone_and_the_name_are_changed_and_the_address_is_told(ivan: dict[str, str]) -> None:
    status, profile = change(ivan, {"phone": "8 (903) 111-22-33", "full_name": "Иванов Иван Петрович"})

    assert status == 200
    assert profile["phone"] == "+79031112233"
    assert profile["full_name"] == "Иванов Иван Петрович"
    assert call(auth, api_event("GET", "/api/profile", claims=ivan))[1] == profile
    notice = mailed()[-1]
    assert notice["to"] == EMAIL
    assert notice["subject"] == "Данные профиля в личном кабинете изменены"
    assert "изменены: телефон, ФИО." in notice["text"]
    assert "(МСК)" in notice["text"]
    assert "+79031112233" not in notice["text"]  # the address may not be the consumer's own any more


def test_an_organisation_changes_its_name(world: World) -> None:
    register(ROGA)
    caller = claims_of("office@roga.ru", mailed_password("office@roga.ru"))

    status, profile = change(caller, {"org_name": "АО «Рога и копыта»"})

    assert status == 200
    assert profile["org_name"] == "АО «Рога и копыта»"
    assert profile["full_name"] is None


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"org_name": "ООО «Ромашка»"}, "org_name", "У физического лица меняется ФИО"),
        ({"phone": "12345"}, "phone", "Укажите номер телефона"),
        ({"full_name": "Иван"}, "full_name", "Укажите фамилию, имя и отчество"),
        ({"full_name": "Иванов Иван http://evil.ru"}, "full_name", "ФИО не должно содержать ссылок"),
        ({"email": "new@example.ru"}, "email", ""),
        ({"category": "legal"}, "category", ""),
    ],
)
def test_a_bad_change_names_the_field_and_changes_nothing(
    ivan: dict[str, str], body: dict[str, str], field: str, message: str
) -> None:
    before = call(auth, api_event("GET", "/api/profile", claims=ivan))[1]
    mails = len(sent_mails())

    status, problem = change(ivan, body)

    assert status == 422
    assert any(e["field"] == field and e["message"].startswith(message) for e in problem["errors"]), problem
    assert call(auth, api_event("GET", "/api/profile", claims=ivan))[1] == before
    assert len(sent_mails()) == mails


def test_an_empty_change_is_refused(ivan: dict[str, str]) -> None:
    status, problem = change(ivan, {})

    assert status == 422
    assert (
        problem["detail"]
        == "Укажите новый телефон, ФИО, название организации или выбор писем об отключениях."
    )


def test_a_field_sent_unchanged_is_neither_written_nor_mailed_about(ivan: dict[str, str]) -> None:
    mails = len(mailed())

    status, profile = change(ivan, {"phone": "+7 903 111-22-33", "full_name": "Иванов Иван Иванович"})

    assert status == 200
    assert profile["phone"] == "+79031112233"
    assert mailed()[mails:][-1]["text"].count("изменены: телефон.") == 1
    assert change(ivan, {"phone": "+7 903 111-22-33"})[0] == 200
    assert len(mailed()) == mails + 1


def test_outage_mails_are_turned_off_and_on_in_the_profile(ivan: dict[str, str]) -> None:
    status, body = call(auth, api_event("GET", "/api/profile", claims=ivan))
    assert status == 200 and body["outage_mails"] is True

    status, changed = change(ivan, {"outage_mails": False})

    assert status == 200 and changed["outage_mails"] is False
    assert call(auth, api_event("GET", "/api/profile", claims=ivan))[1]["outage_mails"] is False
    assert change(ivan, {"outage_mails": True})[1]["outage_mails"] is True
