"""152-ФЗ in the browser: a consumer registers seeing the consent text and the policy link, reads the
policy (the operator's name and address, what is kept and for how long), and the footer links it
too; at desktop width and on a 375 px phone."""

import json
import re
import uuid
from pathlib import Path
from typing import Any

import boto3
import pytest
from playwright.sync_api import Page, expect

from functions.auth.policy import CURRENT_CONSENT_VERSION, consent_text_sha256
from infra.world import LOCAL_PARAMETERS, LOCAL_PREFIX
from tests.e2e.conftest import DESKTOP, PageLog, Portal, open_section, shot

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
    expect(form.locator("#reg-consent-text")).to_contain_text("которые я указываю при регистрации")
    link = form.get_by_role("link", name=POLICY)
    expect(link).to_be_visible()
    shot(page, artifacts, f"policy-01-registration-form-{width}")

    link.click()
    expect(page.get_by_role("heading", level=1, name=POLICY)).to_be_visible()
    expect(
        page.get_by_text(f"Оператор персональных данных — {LOCAL_PARAMETERS['OperatorName']}")
    ).to_be_visible()
    expect(page.get_by_text("Место хранения: Германия, Франкфурт-на-Майне", exact=False)).to_be_visible()
    expect(page.get_by_role("heading", name="4. Сроки хранения")).to_be_visible()
    expect(page.get_by_role("heading", name="Текст согласия")).to_be_visible()
    shot(page, artifacts, f"policy-02-page-{width}")

    form.get_by_label("ФИО", exact=True).fill("Кузнецова Мария Петровна")
    form.get_by_label("Электронная почта", exact=True).fill(email)
    form.get_by_label("Телефон", exact=True).fill("+7 912 555-44-33")
    consent.check()
    with page.expect_request(f"{portal.url}/api/auth/register") as sent:
        form.get_by_role("button", name="Зарегистрировать").click()
    assert sent.value.post_data_json["consent_version"] == CURRENT_CONSENT_VERSION
    expect(page.get_by_text(f"Письмо отправлено на {email}")).to_be_visible()
    assert portal.mailed_password(email)

    page.get_by_role("link", name="Сетевая компания — личный кабинет потребителя, на главную").click()
    expect(page.get_by_role("heading", level=1, name=POLICY)).to_be_hidden()
    page.locator("footer").get_by_role("link", name=POLICY).click()
    expect(page.get_by_role("heading", level=1, name=POLICY)).to_be_focused()
    page_log.assert_within_budget(page)
    page_log.assert_clean([])


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_consumer_edits_the_phone_downloads_the_data_and_deletes_the_account(
    page: Page, portal: Portal, page_log: PageLog, artifacts: Path, viewport: dict[str, int], tmp_path: Path
) -> None:
    width = _width(viewport)
    email = f"e2e-rights-{uuid.uuid4().hex[:10]}@example.ru"
    password = portal.register(
        {
            "category": "individual",
            "full_name": "Кузнецова Мария Петровна",
            "email": email,
            "phone": "+7 912 555-44-33",
            "consent": True,
        }
    )
    page.goto(f"{portal.url}/#/profile")
    login = page.locator("#login-form")
    login.get_by_label("Электронная почта", exact=True).fill(email)
    login.get_by_label("Пароль", exact=True).fill(password)
    login.get_by_role("button", name="Войти").click()
    expect(page.get_by_role("heading", level=1, name="Профиль")).to_be_visible()

    # The phone is changed; the shown data follow and the address is told.
    edit = page.locator("#profile-edit-form")
    sent_before = len(portal.outbox())
    edit.get_by_label("Телефон", exact=True).fill("8 903 111-22-33")
    edit.get_by_role("button", name="Сохранить изменения").click()
    expect(edit.locator(".form-success")).to_contain_text("Данные сохранены")
    expect(page.locator(".details")).to_contain_text("+7 903 111-22-33")
    notice = portal.wait_for_mail(email, "Данные профиля в личном кабинете изменены", since=sent_before)
    assert "изменены: телефон." in notice["text"]
    shot(page, artifacts, f"rights-01-phone-changed-{width}")

    # «Мои данные»: one JSON file with the profile and the consent record.
    with page.expect_download() as download:
        page.get_by_role("button", name="Скачать мои данные").click()
    assert download.value.suggested_filename == "moi-dannye.json"
    saved = tmp_path / "moi-dannye.json"
    download.value.save_as(saved)
    data = json.loads(saved.read_text(encoding="utf-8"))
    assert data["profile"]["email"] == email
    assert data["profile"]["phone"] == "+79031112233"
    assert data["profile"]["consent_text_version"] == CURRENT_CONSENT_VERSION

    # Deletion: a clear warning, the password, a confirmation; then no login any more.
    danger = page.get_by_role("region", name="Удаление учётной записи")
    expect(danger).to_contain_text("Войти в кабинет будет нельзя сразу и навсегда")
    expect(danger).to_contain_text("В течение 30 дней будут удалены")
    expect(danger).to_contain_text("сохранятся обезличенными")
    shot(page, artifacts, f"rights-02-deletion-warning-{width}")
    # The budget is a page's, loaded afresh (docs/architecture.md «Static site»): the profile's, not
    # the sum of every view this session opens in one document.
    page.reload()
    expect(danger.get_by_label("Пароль для подтверждения", exact=True)).to_be_visible()
    page.wait_for_load_state("networkidle")
    page_log.assert_within_budget(page)
    page.once("dialog", lambda dialog: dialog.accept())
    danger.get_by_label("Пароль для подтверждения", exact=True).fill(password)
    danger.get_by_role("button", name="Удалить учётную запись").click()
    expect(page.locator("#access-notice")).to_have_text(
        "Учётная запись удалена. Подтверждение отправлено на вашу электронную почту."
    )
    expect(page.get_by_role("navigation", name="Главное меню")).to_be_hidden()
    portal.wait_for_mail(email, "Учётная запись в личном кабинете удалена")
    shot(page, artifacts, f"rights-03-deleted-{width}")

    login.get_by_label("Электронная почта", exact=True).fill(email)
    login.get_by_label("Пароль", exact=True).fill(password)
    login.get_by_role("button", name="Войти").click()
    expect(login.locator(".field-error")).to_contain_text("Неверный адрес электронной почты или пароль.")
    page_log.assert_clean(["401 /api/auth/login"])


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_consumer_changes_the_email_with_the_mailed_code_and_logs_in_with_the_new_one(
    page: Page, portal: Portal, page_log: PageLog, artifacts: Path, viewport: dict[str, int]
) -> None:
    width = _width(viewport)
    old = f"e2e-old-{uuid.uuid4().hex[:10]}@example.ru"
    new = f"e2e-new-{uuid.uuid4().hex[:10]}@example.ru"
    password = portal.register(
        {
            "category": "individual",
            "full_name": "Кузнецова Мария Петровна",
            "email": old,
            "phone": "+7 912 555-44-33",
            "consent": True,
        }
    )
    page.goto(f"{portal.url}/#/profile")
    login = page.locator("#login-form")
    login.get_by_label("Электронная почта", exact=True).fill(old)
    login.get_by_label("Пароль", exact=True).fill(password)
    login.get_by_role("button", name="Войти").click()
    expect(page.get_by_role("heading", level=1, name="Профиль")).to_be_visible()
    expect(page.get_by_text("Email меняет служба поддержки")).to_have_count(0)

    # Step 1: the new address and the current password; a wrong password is named at its field.
    section = page.get_by_role("region", name="Изменить электронную почту")
    ask = section.locator("#email-form")
    ask.get_by_label("Новый адрес электронной почты", exact=True).fill(new)
    ask.get_by_label("Текущий пароль", exact=True).fill("не-тот-пароль")
    ask.get_by_role("button", name="Получить код").click()
    expect(ask.locator(".field-error")).to_have_text("Пароль указан неверно.")
    sent_before = len(portal.outbox())
    ask.get_by_label("Текущий пароль", exact=True).fill(password)
    ask.get_by_role("button", name="Получить код").click()
    expect(ask.locator(".form-success")).to_contain_text(f"Адрес: {new}")
    mail = portal.wait_for_mail(new, "Код для смены email в личном кабинете потребителя", since=sent_before)
    assert "(МСК)" in mail["text"]
    match = re.search(r"Код подтверждения: (\d{6})", mail["text"])
    assert match, mail["text"]
    code = match.group(1)

    # Step 2: the code; a wrong one is named at its field, the right one changes the login.
    confirm = section.locator("#email-code-form")
    expect(confirm).to_be_visible()
    confirm.get_by_label("Код из письма", exact=True).fill(f"{(int(code) + 1) % 10**6:06d}")
    confirm.get_by_role("button", name="Подтвердить новый адрес").click()
    expect(confirm.locator(".field-error")).to_contain_text("Код неверен или устарел.")
    shot(page, artifacts, f"email-01-code-step-{width}")
    confirm.get_by_label("Код из письма", exact=True).fill(code)
    confirm.get_by_role("button", name="Подтвердить новый адрес").click()
    expect(page.locator("#access-notice")).to_have_text(
        "Адрес электронной почты изменён: войдите с новым адресом. На прежний адрес отправлено уведомление."
    )
    expect(page.get_by_role("navigation", name="Главное меню")).to_be_hidden()
    expect(login.get_by_label("Электронная почта", exact=True)).to_have_value(new)
    notice = portal.wait_for_mail(old, "Адрес для входа в личный кабинет изменён", since=sent_before)
    assert new in notice["text"] and "(МСК)" in notice["text"]
    shot(page, artifacts, f"email-02-changed-{width}")

    # The old address no longer logs in; the new one does.
    login.get_by_label("Электронная почта", exact=True).fill(old)
    login.get_by_label("Пароль", exact=True).fill(password)
    login.get_by_role("button", name="Войти").click()
    expect(login.locator(".field-error")).to_contain_text("Неверный адрес электронной почты или пароль.")
    login.get_by_label("Электронная почта", exact=True).fill(new)
    login.get_by_label("Пароль", exact=True).fill(password)
    login.get_by_role("button", name="Войти").click()
    greeting = page.get_by_role("heading", level=1, name="Здравствуйте, Кузнецова Мария Петровна!")
    expect(greeting).to_be_visible()
    open_section(page, "Профиль")
    expect(page.locator(".details")).to_contain_text(new)
    shot(page, artifacts, f"email-03-new-login-{width}")
    # The budget is a page's, loaded afresh (docs/architecture.md «Static site»): not the sum of every
    # view this long session opened in one document.
    page.reload()
    expect(page.locator(".details")).to_contain_text(new)
    page.wait_for_load_state("networkidle")
    page_log.assert_within_budget(page)
    page_log.assert_clean(["422 /api/profile/email", "422 /api/profile/email/confirm", "401 /api/auth/login"])


OLDER_CONSENT = "2026-11-01"


def _accepted_an_older_text(portal: Portal, email: str) -> str:
    """Registers `email` and records in its profile the consent to 2026-11-01 (as a consumer who
    registered then has it); returns the password."""
    password = portal.register(
        {
            "category": "individual",
            "full_name": "Кузнецова Мария Петровна",
            "email": email,
            "phone": "+7 912 555-44-33",
            "consent": True,
        }
    )
    table = _profiles(portal)
    [item] = [i for i in table.scan()["Items"] if i.get("email") == email]
    table.update_item(
        Key={"user_id": item["user_id"]},
        UpdateExpression="SET consent_text_version = :v",
        ExpressionAttributeValues={":v": OLDER_CONSENT},
    )
    return password


def _profiles(portal: Portal) -> Any:
    dynamodb = boto3.resource(
        "dynamodb",
        endpoint_url=portal.moto_url,
        region_name="eu-central-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    return dynamodb.Table(f"{LOCAL_PREFIX}-ProfilesTable")  # as infra/world.py names it


def _log_in(page: Page, portal: Portal, email: str, password: str, start: str = "") -> None:
    page.goto(f"{portal.url}/{start}")
    login = page.locator("#login-form")
    login.get_by_label("Электронная почта", exact=True).fill(email)
    login.get_by_label("Пароль", exact=True).fill(password)
    login.get_by_role("button", name="Войти").click()


UPDATED = "Обновлён текст согласия на обработку персональных данных"


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_consumer_of_an_older_consent_accepts_the_new_text_at_login(
    page: Page, portal: Portal, page_log: PageLog, artifacts: Path, viewport: dict[str, int]
) -> None:
    width = _width(viewport)
    email = f"e2e-reconsent-{uuid.uuid4().hex[:10]}@example.ru"
    password = _accepted_an_older_text(portal, email)

    _log_in(page, portal, email, password, "#/requests")
    expect(page.get_by_role("heading", level=1, name=UPDATED)).to_be_visible()
    expect(page.get_by_text("Вы давали согласие в редакции от 01.11.2026")).to_be_visible()
    expect(page.locator("#consent-new-text")).to_contain_text("которые я указываю при регистрации")
    shot(page, artifacts, f"reconsent-01-asked-{width}")

    # Without the tick the text is not accepted; every cabinet page asks again.
    page.get_by_role("button", name="Принять и продолжить").click()
    expect(page.locator("#consent-form .field-error")).to_contain_text("Отметьте согласие")
    open_section(page, "Показания")
    expect(page.get_by_role("heading", level=1, name=UPDATED)).to_be_visible()
    page.reload()
    expect(page.get_by_role("heading", level=1, name=UPDATED)).to_be_visible()

    page.locator("#consent-form").get_by_label("Даю согласие на обработку персональных данных").check()
    with page.expect_request(f"{portal.url}/api/profile/consent") as sent:
        page.get_by_role("button", name="Принять и продолжить").click()
    assert sent.value.post_data_json == {"consent_version": CURRENT_CONSENT_VERSION, "accepted": True}
    expect(page.get_by_role("heading", level=1, name="Показания")).to_be_visible()
    shot(page, artifacts, f"reconsent-02-accepted-{width}")
    [item] = [i for i in _profiles(portal).scan()["Items"] if i.get("email") == email]
    assert item["consent_text_version"] == CURRENT_CONSENT_VERSION
    assert item["consent_text_sha256"] == consent_text_sha256(CURRENT_CONSENT_VERSION)
    assert item["earlier_consents"][0]["version"] == OLDER_CONSENT

    page.reload()  # accepted once: asked no more
    expect(page.get_by_role("heading", level=1, name="Показания")).to_be_visible()
    page_log.assert_within_budget(page)
    page_log.assert_clean(["422 /api/profile/consent"])  # the untick sent: the server names the field


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_refusing_the_new_consent_text_leads_to_the_deletion_of_the_account(
    page: Page, portal: Portal, page_log: PageLog, artifacts: Path, viewport: dict[str, int]
) -> None:
    width = _width(viewport)
    email = f"e2e-refuse-{uuid.uuid4().hex[:10]}@example.ru"
    password = _accepted_an_older_text(portal, email)

    _log_in(page, portal, email, password)
    expect(page.get_by_role("heading", level=1, name=UPDATED)).to_be_visible()
    page.get_by_role("button", name="Не принимаю — удалить учётную запись").click()

    expect(page.get_by_role("heading", level=1, name="Профиль")).to_be_visible()
    danger = page.get_by_role("region", name="Удаление учётной записи")
    expect(danger.locator("#profile-refused-consent")).to_contain_text(
        "Вы не приняли новую редакцию согласия"
    )
    expect(danger.get_by_label("Пароль для подтверждения", exact=True)).to_be_focused()
    shot(page, artifacts, f"reconsent-03-refused-{width}")
    # The budget is a page's, loaded afresh (docs/architecture.md «Static site»): the profile's, not
    # the sum of every view this session opens in one document.
    page.reload()
    expect(danger.get_by_label("Пароль для подтверждения", exact=True)).to_be_visible()
    page.wait_for_load_state("networkidle")
    page_log.assert_within_budget(page)
    page.once("dialog", lambda dialog: dialog.accept())
    danger.get_by_label("Пароль для подтверждения", exact=True).fill(password)
    danger.get_by_role("button", name="Удалить учётную запись").click()
    expect(page.locator("#access-notice")).to_have_text(
        "Учётная запись удалена. Подтверждение отправлено на вашу электронную почту."
    )
    page_log.assert_clean([])
