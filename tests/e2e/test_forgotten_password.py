"""«Забыли пароль?» in the browser: the code comes by mail, the new password opens the cabinet and
the old one no longer does; at desktop width and on a 375 px phone."""

import re
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import DESKTOP, PageLog, Portal, shot

pytestmark = pytest.mark.e2e

PHONE = {"width": 375, "height": 812}
NEW_PASSWORD = "Ласточка-весной-7"
CODE_SUBJECT = "Код для смены пароля в личном кабинете потребителя"


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_forgotten_password_is_replaced_with_the_mailed_code(
    page: Page, portal: Portal, page_log: PageLog, artifacts: Path, viewport: dict[str, int]
) -> None:
    width = "desktop" if viewport == DESKTOP else "375"
    email = f"e2e-forgot-{uuid.uuid4().hex[:10]}@example.ru"
    old_password = portal.register(
        {
            "category": "individual",
            "full_name": "Кузнецова Мария Петровна",
            "email": email,
            "phone": "+7 912 555-44-33",
            "consent": True,
        }
    )
    page.goto(portal.url)
    login = page.locator("#login-form")
    login.get_by_label("Электронная почта", exact=True).fill(email)
    page.get_by_role("button", name="Забыли пароль?").click()

    ask = page.locator("#forgot-form")
    expect(page.get_by_role("heading", name="Смена забытого пароля")).to_be_focused()
    expect(ask.get_by_label("Электронная почта", exact=True)).to_have_value(email)
    expect(login).to_be_hidden()
    shot(page, artifacts, f"forgot-01-ask-code-{width}")
    sent_before = len(portal.outbox())
    ask.get_by_role("button", name="Получить код").click()

    reset = page.locator("#reset-form")
    expect(reset.get_by_label("Код из письма", exact=True)).to_be_focused()
    expect(page.locator("#access-notice")).to_contain_text(f"Если адрес {email} зарегистрирован")
    mail = portal.wait_for_mail(email, CODE_SUBJECT, since=sent_before)
    match = re.search(r"Код для смены пароля: (\d{6})", mail["text"])
    assert match, mail["text"]
    assert "(МСК)" in mail["text"]

    # A common password is refused in Russian next to its field; then the right one is taken.
    reset.get_by_label("Код из письма", exact=True).fill(match.group(1))
    reset.get_by_label("Новый пароль", exact=True).fill("qwerty123")
    reset.get_by_label("Повторите новый пароль", exact=True).fill("qwerty123")
    reset.get_by_role("button", name="Сменить пароль").click()
    expect(reset.locator(".field-error")).to_contain_text("Этот пароль слишком распространён")
    shot(page, artifacts, f"forgot-02-common-password-refused-{width}")
    reset.get_by_label("Новый пароль", exact=True).fill(NEW_PASSWORD)
    reset.get_by_label("Повторите новый пароль", exact=True).fill(NEW_PASSWORD)
    reset.get_by_role("button", name="Сменить пароль").click()

    expect(login).to_be_visible()
    expect(page.locator("#access-notice")).to_have_text("Пароль изменён. Войдите с новым паролем.")
    expect(login.get_by_label("Электронная почта", exact=True)).to_have_value(email)
    shot(page, artifacts, f"forgot-03-changed-{width}")

    login.get_by_label("Пароль", exact=True).fill(old_password)
    login.get_by_role("button", name="Войти").click()
    expect(login.locator(".field-error")).to_contain_text("Неверный адрес электронной почты или пароль.")
    login.get_by_label("Пароль", exact=True).fill(NEW_PASSWORD)
    login.get_by_role("button", name="Войти").click()
    expect(page.get_by_role("navigation", name="Главное меню")).to_be_visible()
    page_log.assert_within_budget(page)
    page_log.assert_clean(["422 /api/auth/reset-password", "401 /api/auth/login"])
