"""152-ФЗ in the browser: a consumer registers seeing the consent text and the policy link, reads the
policy (the operator's name and address, what is kept and for how long), and the footer links it
too; at desktop width and on a 375 px phone."""

import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from functions.auth.policy import CURRENT_CONSENT_VERSION
from tests.e2e.conftest import DESKTOP, PageLog, Portal, shot

pytestmark = pytest.mark.e2e

PHONE = {"width": 375, "height": 812}
POLICY = "Политика обработки персональных данных"


def _width(viewport: dict[str, int]) -> str:
    return "desktop" if viewport == DESKTOP else "375"


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_registration_shows_the_consent_and_links_the_policy(
    page: Page, portal: Portal, page_log: PageLog, artifacts: Path, viewport: dict[str, int]
) -> None:
    width = _width(viewport)
    email = f"e2e-policy-{uuid.uuid4().hex[:10]}@example.ru"
    page.goto(portal.url)
    page.get_by_role("tab", name="Регистрация").click()
    form = page.locator("#register-form")
    consent = form.get_by_label("Даю согласие на обработку персональных данных")
    expect(form.locator("#reg-consent-text")).to_contain_text("Даю согласие сетевой компании")
    link = form.get_by_role("link", name=POLICY)
    expect(link).to_be_visible()
    shot(page, artifacts, f"policy-01-registration-form-{width}")

    link.click()
    expect(page.get_by_role("heading", level=1, name=POLICY)).to_be_visible()
    expect(page.get_by_text("Оператор персональных данных — ООО «Сетевая компания»")).to_be_visible()
    expect(page.get_by_role("heading", name="4. Сроки хранения")).to_be_visible()
    expect(page.get_by_role("heading", name="Текст согласия")).to_be_visible()
    shot(page, artifacts, f"policy-02-page-{width}")

    form.get_by_label("ФИО", exact=True).fill("Кузнецова Мария Петровна")
    form.get_by_label("Email", exact=True).fill(email)
    form.get_by_label("Телефон", exact=True).fill("+7 912 555-44-33")
    consent.check()
    with page.expect_request(f"{portal.url}/api/auth/register") as sent:
        form.get_by_role("button", name="Зарегистрировать").click()
    assert sent.value.post_data_json["consent_version"] == CURRENT_CONSENT_VERSION
    expect(page.get_by_text(f"Письмо с паролем отправлено на {email}")).to_be_visible()
    assert portal.mailed_password(email)

    page.get_by_role("link", name="Сетевая компания — личный кабинет потребителя, на главную").click()
    expect(page.get_by_role("heading", level=1, name=POLICY)).to_be_hidden()
    page.locator("footer").get_by_role("link", name=POLICY).click()
    expect(page.get_by_role("heading", level=1, name=POLICY)).to_be_focused()
    page_log.assert_within_budget(page)
    page_log.assert_clean([])
