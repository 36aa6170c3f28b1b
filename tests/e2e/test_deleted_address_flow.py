"""A deleted account's address (issue 32): before its erasure, registering it again and «Забыли
пароль?» say on the screen what the mail says (the account is deleted, no password nor code, when the
address is free); after the erasure the address registers anew and logs in. Desktop and 375 px."""

import uuid
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Page, expect

from tests.e2e.conftest import DESKTOP, PageLog, Portal, shot

pytestmark = pytest.mark.e2e
DELETED = "Учётная запись с этим адресом удалена"


def _person(tag: str) -> dict[str, object]:
    return {
        "category": "individual",
        "full_name": "Кузнецова Мария Петровна",
        "email": f"e2e-{tag}-{uuid.uuid4().hex[:10]}@example.ru",
        "phone": "+7 912 555-44-33",
        "consent": True,
    }


def _register_and_delete(portal: Portal, person: dict[str, object]) -> None:
    password = portal.register(person)
    email = person["email"]
    token = requests.post(
        f"{portal.url}/api/auth/login", json={"email": email, "password": password}, timeout=10
    ).json()["id_token"]
    deleted = requests.delete(
        f"{portal.url}/api/profile",
        json={"password": password},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert deleted.status_code == 204, deleted.text


@pytest.mark.parametrize("viewport", [DESKTOP, {"width": 375, "height": 740}], ids=["desktop", "phone"])
def test_a_deleted_account_s_address_is_told_the_same_on_screen_and_by_mail_and_registers_after_erasure(
    page: Page, portal: Portal, page_log: PageLog, artifacts: Path, viewport: dict[str, int]
) -> None:
    width = viewport["width"]
    person = _person("deleted")
    email = str(person["email"])
    password = portal.register(person)
    token = requests.post(
        f"{portal.url}/api/auth/login", json={"email": email, "password": password}, timeout=10
    ).json()["id_token"]
    deleted = requests.delete(
        f"{portal.url}/api/profile",
        json={"password": password},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert deleted.status_code == 204, deleted.text

    page.goto(portal.url)
    page.get_by_role("tab", name="Регистрация").click()
    form = page.locator("#register-form")
    form.get_by_label("ФИО", exact=True).fill("Кузнецова Мария Петровна")
    form.get_by_label("Электронная почта", exact=True).fill(email)
    form.get_by_label("Телефон", exact=True).fill("+7 912 555-44-33")
    form.get_by_label("Даю согласие на обработку персональных данных").check()
    since = len(portal.outbox())
    form.get_by_role("button", name="Зарегистрировать").click()
    notice = page.locator("#access-notice")
    expect(notice).to_contain_text(f"Письмо отправлено на {email}")
    expect(notice).to_contain_text("учётная запись с ним удалена")
    expect(notice).to_contain_text("в течение суток после удаления")
    mail = portal.wait_for_mail(email, DELETED, since=since)
    assert "можно зарегистрировать снова" in mail["text"] and "Пароль:" not in mail["text"]
    shot(page, artifacts, f"deleted-01-register-again-{width}")

    page.locator("#login-form").get_by_label("Электронная почта", exact=True).fill(email)
    page.get_by_role("button", name="Забыли пароль?").click()
    since = len(portal.outbox())
    page.locator("#forgot-form").get_by_role("button", name="Получить код").click()
    expect(notice).to_contain_text("Если учётная запись с этим адресом удалена, кода не будет")
    mail = portal.wait_for_mail(email, DELETED, since=since)
    assert "код смены пароля для неё не отправляются" in mail["text"]
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(page, artifacts, f"deleted-02-forgot-{width}")

    page_log.assert_clean([])


def test_after_the_erasure_the_address_registers_anew_in_the_browser(
    page: Page, portal: Portal, page_log: PageLog, artifacts: Path
) -> None:
    person = _person("erased")
    email = str(person["email"])
    _register_and_delete(portal, person)
    # The erasure runs (its daily schedule, fired now); the address is free.
    assert requests.post(f"{portal.url}/_local/schedule/ErasureFunction", timeout=60).ok

    page.goto(portal.url)
    page.get_by_role("tab", name="Регистрация").click()
    form = page.locator("#register-form")
    form.get_by_label("ФИО", exact=True).fill("Кузнецова Мария Петровна")
    form.get_by_label("Электронная почта", exact=True).fill(email)
    form.get_by_label("Телефон", exact=True).fill("+7 912 555-44-33")
    form.get_by_label("Даю согласие на обработку персональных данных").check()
    since = len(portal.outbox())
    form.get_by_role("button", name="Зарегистрировать").click()
    expect(page.locator("#access-notice")).to_contain_text(f"Письмо отправлено на {email}")
    fresh = portal.mailed_password(email, since=since)
    login = page.locator("#login-form")
    login.get_by_label("Пароль", exact=True).fill(fresh)
    login.get_by_role("button", name="Войти").click()
    expect(page.get_by_text(f"Вы вошли как {email}")).to_be_visible()
    shot(page, artifacts, "deleted-03-registered-after-erasure")
    page_log.assert_clean([])
