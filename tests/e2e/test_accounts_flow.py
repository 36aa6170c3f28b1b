"""A consumer's account in the browser: register, read the mailed password, log in, look around the
cabinet, change the password, log out and log in again; the login form on a phone; and a session
that is renewed with the refresh token and then expires."""

import json
import re
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect

from functions.auth.policy import CURRENT_CONSENT_VERSION
from tests.e2e.conftest import DESKTOP, PageLog, Portal, open_menu, open_section, shot

pytestmark = pytest.mark.e2e

FULL_NAME = "Иванов Иван Иванович"
PHONE_TYPED = "8 912 345-67-89"
PHONE_SHOWN = "+7 912 345-67-89"
BAD_EMAIL_MESSAGE = "Укажите адрес электронной почты в виде name@example.ru."
WRONG_OLD_PASSWORD = "Старый пароль указан неверно."
WRONG_LOGIN = "Неверный адрес электронной почты или пароль."
NEW_PASSWORD = "Новый-пароль-2026"
MENU = ["Заявки", "Показания", "Профиль"]


def unique_email() -> str:
    return f"e2e-{uuid.uuid4().hex[:12]}@example.ru"


def assert_field_error(form: Locator, label: str, message: str) -> None:
    """The message stands next to the field, which is marked invalid and described by it."""
    control = form.get_by_label(label, exact=True)
    expect(control).to_have_attribute("aria-invalid", "true")
    expect(control).to_have_accessible_description(re.compile(re.escape(message)))
    error_id = (control.get_attribute("aria-describedby") or "").split()[0]
    error = form.locator(f"[id='{error_id}']")
    expect(error).to_have_text(message)
    wrapper = control.locator("xpath=ancestor::*[contains(concat(' ', @class, ' '), ' field ')][1]")
    expect(wrapper.locator(".field-error")).to_have_text(message)


def assert_menu(page: Page) -> None:
    menu = open_menu(page)
    expect(menu).to_be_visible()
    for item in MENU:
        expect(menu.get_by_role("link", name=item, exact=True)).to_be_visible()


def log_in(page: Page, email: str, password: str) -> Locator:
    form = page.locator("#login-form")
    form.get_by_label("Электронная почта", exact=True).fill(email)
    form.get_by_label("Пароль", exact=True).fill(password)
    form.get_by_role("button", name="Войти").click()
    return form


def test_register_log_in_change_password_log_out(
    page: Page, portal: Portal, page_log: PageLog, artifacts: Path
) -> None:
    email = unique_email()
    page.goto(portal.url)
    expect(page.get_by_role("heading", level=1, name="Личный кабинет потребителя")).to_be_visible()
    expect(page.locator("#login-form")).to_be_visible()
    expect(page.get_by_role("navigation", name="Главное меню")).to_be_hidden()
    # The access form sits in the top-right corner of the header.
    corner = page.locator("header #access").bounding_box()
    assert corner is not None
    assert corner["x"] > DESKTOP["width"] / 2 and corner["y"] < 100
    shot(page, artifacts, "01-guest-home-login-form")

    # Registration: the form in the header, first with a malformed email.
    page.get_by_role("tab", name="Регистрация").click()
    form = page.locator("#register-form")
    expect(form).to_be_visible()
    form.get_by_label("Юридическое лицо").check()
    expect(form.get_by_label("Название организации", exact=True)).to_be_visible()
    expect(form.get_by_label("ФИО", exact=True)).to_be_hidden()
    form.get_by_label("Физическое лицо").check()
    expect(form.get_by_label("Название организации", exact=True)).to_be_hidden()
    form.get_by_label("ФИО", exact=True).fill(FULL_NAME)
    form.get_by_label("Электронная почта", exact=True).fill("ivanov-at-example.ru")
    form.get_by_label("Телефон", exact=True).fill(PHONE_TYPED)
    form.get_by_label("Даю согласие на обработку персональных данных").check()
    form.get_by_role("button", name="Зарегистрировать").click()
    assert_field_error(form, "Электронная почта", BAD_EMAIL_MESSAGE)
    expect(form.locator(".field-error")).to_have_count(1)
    expect(form.get_by_role("button", name="Зарегистрировать")).to_be_enabled()
    shot(page, artifacts, "02-registration-malformed-email")

    form.get_by_label("Электронная почта", exact=True).fill(email)
    with page.expect_request(f"{portal.url}/api/auth/register") as sent:
        form.get_by_role("button", name="Зарегистрировать").click()
    assert sent.value.post_data_json == {
        "category": "individual",
        "full_name": FULL_NAME,
        "email": email,
        "phone": PHONE_TYPED,
        "consent": True,
        "consent_version": CURRENT_CONSENT_VERSION,
    }
    expect(page.get_by_text(f"Письмо отправлено на {email}")).to_be_visible()
    expect(form.locator(".field-error")).to_have_count(0)
    shot(page, artifacts, "03-registration-mail-sent")

    # Login with the mailed password: the cabinet's home page and the main menu.
    password = portal.mailed_password(email)
    login = page.locator("#login-form")
    expect(login.get_by_label("Электронная почта", exact=True)).to_have_value(email)
    log_in(page, email, password)
    assert_menu(page)
    expect(page.get_by_role("heading", level=1, name=f"Здравствуйте, {FULL_NAME}!")).to_be_visible()
    expect(page.locator("#account-email")).to_have_text(email)
    expect(page.get_by_role("button", name="Выйти")).to_be_visible()
    expect(login).to_be_hidden()
    tokens = page.evaluate("() => JSON.parse(sessionStorage.getItem('portal.session'))")
    assert tokens["idToken"].count(".") == 2
    assert tokens["refreshToken"]
    shot(page, artifacts, "04-cabinet-home")

    menu = page.get_by_role("navigation", name="Главное меню")
    menu.get_by_role("link", name="Заявки").click()
    expect(page.get_by_role("heading", level=1, name="Заявки")).to_be_visible()
    expect(page.get_by_text("Заявка на технологическое присоединение к электрическим сетям")).to_be_visible()
    expect(menu.get_by_role("link", name="Заявки")).to_have_attribute("aria-current", "page")
    shot(page, artifacts, "05-requests")

    menu.get_by_role("link", name="Показания").click()
    expect(page.get_by_role("heading", level=1, name="Показания")).to_be_visible()
    for link, route in [
        ("Ручной ввод", "#/readings/manual"),
        ("Просмотр ранее введённых показаний", "#/readings/history"),
        ("АСКУЭ", "#/readings/askue"),
    ]:
        expect(page.locator("main").get_by_role("link", name=link, exact=True)).to_have_attribute(
            "href", route
        )
    shot(page, artifacts, "06-readings")
    page.locator("main").get_by_role("link", name="Ручной ввод", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Ручной ввод показаний")).to_be_visible()
    expect(page.locator("#reading-form").get_by_role("button", name="Ввести")).to_be_visible()
    shot(page, artifacts, "07-readings-manual")

    # Profile: the registration data and the password change.
    menu.get_by_role("link", name="Профиль").click()
    expect(page.get_by_role("heading", level=1, name="Профиль")).to_be_visible()
    data = page.locator(".details")
    expect(data).to_contain_text("Физическое лицо")
    expect(data).to_contain_text(FULL_NAME)
    expect(data).to_contain_text(email)
    expect(data).to_contain_text(PHONE_SHOWN)
    expect(data).to_contain_text(re.compile(r"\d{1,2} [а-я]+ \d{4} г\."))
    shot(page, artifacts, "08-profile")

    change = page.locator("#password-form")
    change.get_by_label("Старый пароль", exact=True).fill("не-тот-пароль")
    change.get_by_label("Новый пароль", exact=True).fill(NEW_PASSWORD)
    change.get_by_label("Повторите новый пароль", exact=True).fill(NEW_PASSWORD)
    change.get_by_role("button", name="Сохранить").click()
    assert_field_error(change, "Старый пароль", WRONG_OLD_PASSWORD)
    shot(page, artifacts, "09-profile-wrong-old-password")

    change.get_by_label("Старый пароль", exact=True).fill(password)
    change.get_by_label("Новый пароль", exact=True).fill(NEW_PASSWORD)
    change.get_by_label("Повторите новый пароль", exact=True).fill(NEW_PASSWORD)
    change.get_by_role("button", name="Сохранить").click()
    expect(change.get_by_role("status")).to_contain_text("Пароль изменён")
    expect(change.locator(".field-error")).to_have_count(0)
    expect(change.get_by_label("Старый пароль", exact=True)).to_have_value("")
    shot(page, artifacts, "10-profile-password-changed")

    # Logout: back to the public page with the login form, nothing left in sessionStorage.
    page.get_by_role("button", name="Выйти").click()
    expect(login).to_be_visible()
    expect(page.get_by_role("navigation", name="Главное меню")).to_be_hidden()
    expect(page.get_by_text("Вы вышли из личного кабинета.")).to_be_visible()
    assert page.evaluate("() => sessionStorage.length") == 0
    shot(page, artifacts, "11-logged-out")

    # The old password is refused, the new one lets the consumer in.
    log_in(page, email, password)
    assert_field_error(login, "Пароль", WRONG_LOGIN)
    log_in(page, email, NEW_PASSWORD)
    assert_menu(page)
    expect(page.get_by_role("heading", level=1, name=f"Здравствуйте, {FULL_NAME}!")).to_be_visible()
    shot(page, artifacts, "12-logged-in-with-new-password")

    # Each page, loaded afresh, stays within the budget of JS and CSS.
    weights = {}
    for route in ["/", "/requests", "/readings", "/readings/manual", "/profile"]:
        page.goto(f"{portal.url}/#{route}")
        page.reload()
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        page.wait_for_load_state("networkidle")
        weights[route] = page_log.assert_within_budget(page)
    (artifacts / "page-weight.json").write_text(json.dumps(weights, indent=2) + "\n")

    page_log.assert_clean(["422 /api/auth/register", "422 /api/profile/password", "401 /api/auth/login"])


@pytest.mark.parametrize("viewport", [{"width": 375, "height": 740}], ids=["phone"])
def test_login_form_on_a_phone(page: Page, portal: Portal, page_log: PageLog, artifacts: Path) -> None:
    page.goto(portal.url)
    form = page.locator("#login-form")
    expect(form).to_be_in_viewport()
    expect(form.get_by_role("button", name="Войти")).to_be_in_viewport()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 375, "no sideways scrolling"
    page.wait_for_load_state("networkidle")
    page_log.assert_within_budget(page)
    shot(page, artifacts, "20-phone-guest-home")

    # The button is disabled while the request is in flight.
    page.evaluate(
        """() => {
            const button = document.querySelector('#login-form button[type=submit]');
            window.buttonStates = [];
            new MutationObserver(() => window.buttonStates.push(button.disabled))
                .observe(button, { attributes: true, attributeFilter: ['disabled'] });
        }"""
    )
    log_in(page, unique_email(), "не-тот-пароль")
    assert_field_error(form, "Пароль", WRONG_LOGIN)
    assert page.evaluate("() => window.buttonStates") == [True, False]
    expect(form.get_by_label("Пароль", exact=True)).to_be_focused()
    shot(page, artifacts, "21-phone-wrong-password")

    page.get_by_role("tab", name="Регистрация").click()
    expect(page.locator("#register-form").get_by_role("button", name="Зарегистрировать")).to_be_visible()
    shot(page, artifacts, "22-phone-registration-form")

    # A registered consumer logs in on the phone: the header stacks, the menu fits.
    email = unique_email()
    password = portal.register(
        {
            "category": "legal",
            "org_name": "ООО «Ромашка»",
            "email": email,
            "phone": "+74951234567",
            "consent": True,
        }
    )
    page.get_by_role("tab", name="Вход").click()
    log_in(page, email, password)
    assert_menu(page)
    # An organisation is greeted neutrally, not «Здравствуйте, ООО «Ромашка»!».
    expect(page.get_by_role("heading", level=1, name="Здравствуйте!", exact=True)).to_be_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 375, "no sideways scrolling"
    shot(page, artifacts, "23-phone-cabinet-home")
    open_section(page, "Профиль")
    expect(page.locator(".details")).to_contain_text("Юридическое лицо")
    expect(page.locator(".details")).to_contain_text("ООО «Ромашка»")
    shot(page, artifacts, "24-phone-profile")

    page_log.assert_clean(["401 /api/auth/login"])


TAMPER = """([idToken, refreshToken, expiresAt]) => {
    const saved = JSON.parse(sessionStorage.getItem('portal.session'));
    if (idToken) saved.idToken = saved.idToken.slice(0, -6) + 'AAAAAA';
    if (refreshToken) saved.refreshToken = 'revoked';
    if (expiresAt) saved.expiresAt = 0;
    sessionStorage.setItem('portal.session', JSON.stringify(saved));
    return saved.idToken;
}"""


def test_session_is_renewed_then_expires(
    page: Page, portal: Portal, page_log: PageLog, artifacts: Path
) -> None:
    email = unique_email()
    password = portal.register(
        {
            "category": "individual",
            "full_name": FULL_NAME,
            "email": email,
            "phone": "+79123456789",
            "consent": True,
        }
    )
    # A guest who opens a private page is asked to log in and gets there afterwards.
    page.goto(f"{portal.url}/#/profile")
    expect(page.get_by_text("Войдите, чтобы открыть раздел «Профиль».")).to_be_visible()
    log_in(page, email, password)
    expect(page.get_by_role("heading", level=1, name="Профиль")).to_be_visible()
    expect(page.locator(".details")).to_contain_text(email)

    # An ID token about to expire is renewed before the call.
    page.evaluate(TAMPER, [False, False, True])
    with page.expect_response(f"{portal.url}/api/auth/refresh") as renewal:
        page.reload()
    assert renewal.value.status == 200
    expect(page.locator(".details")).to_contain_text(email)

    # A refused ID token is renewed once with the refresh token and the call is repeated.
    tampered = page.evaluate(TAMPER, [True, False, False])
    page.reload()
    expect(page.locator(".details")).to_contain_text(email)
    renewed = page.evaluate("() => JSON.parse(sessionStorage.getItem('portal.session')).idToken")
    assert renewed != tampered

    # When the refresh token is refused too, the session ends with a message and the login form.
    page.evaluate(TAMPER, [True, True, False])
    page.reload()
    expect(page.get_by_text("Сессия истекла, войдите снова")).to_be_visible()
    expect(page.locator("#login-form").get_by_label("Электронная почта", exact=True)).to_be_focused()
    expect(page.get_by_role("navigation", name="Главное меню")).to_be_hidden()
    assert page.evaluate("() => sessionStorage.length") == 0
    shot(page, artifacts, "30-session-expired")
    log_in(page, email, password)
    expect(page.get_by_role("heading", level=1, name="Профиль")).to_be_visible()

    page_log.assert_clean(["401 /api/profile", "401 /api/profile", "401 /api/auth/refresh"])


def test_before_the_app_runs_no_form_of_the_page_can_be_sent(context: BrowserContext, portal: Portal) -> None:
    """Until app.js has bound them, the header's forms cannot be sent: a click (or Enter) then would
    post the form natively, the password to the site's own address. (A page of its own: the `page`
    fixture's loading waits for the app, which never runs here.)"""
    page = context.new_page()
    page.route("**/js/app.js", lambda route: route.abort())
    page.goto(f"{portal.url}/")
    buttons = page.locator("#site-header form button[type=submit]")
    expect(buttons).to_have_count(4)
    for index in range(4):
        expect(buttons.nth(index)).to_be_disabled()

    page.unroute("**/js/app.js")
    page.reload()
    expect(page.locator("#login-form").get_by_role("button", name="Войти")).to_be_enabled()
