"""Where a new user stumbled (issue 32), each as the user met it, at 1366 px and on a phone: a
half-filled form kept as a draft when they leave it (asked first when it cannot be kept), the phone
menu whole at 320 and
375 px, the company's question and the reply form on the first screen of a request, and the small
things (the eye in a password field, the password checked before «Это не отменить»). axe-core finds
no violation on what changed."""

import re
import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Browser, BrowserContext, Dialog, Locator, Page, expect

from tests.e2e.conftest import PageLog, Portal, log_in_new_consumer, open_menu, open_section, shot
from tests.e2e.test_outages_flow import assert_axe_clean
from tests.stack import INTEGRATION_API_KEY

pytestmark = pytest.mark.e2e
WIDE = {"width": 1366, "height": 768}
PHONE = {"width": 375, "height": 667}
NARROW = {"width": 320, "height": 640}
METER_READING = "#/requests/new/meter_reading"
SOON = (date.today() + timedelta(days=7)).isoformat()


@pytest.fixture
def context(browser: Browser, viewport: dict[str, int]) -> Iterator[BrowserContext]:
    """conftest's context, letting axe-core's script in (the site's CSP admits only its own files)."""
    opened = browser.new_context(
        viewport=viewport, locale="ru-RU", timezone_id="Europe/Moscow", bypass_csp=True
    )
    opened.set_default_timeout(15_000)
    yield opened
    opened.close()


def no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("() => document.scrollingElement.scrollWidth <= innerWidth"), "scrolls sideways"


def on_first_screen(page: Page, target: Locator) -> None:
    box = target.bounding_box()
    assert box is not None, "not shown"
    assert box["y"] < page.viewport_size["height"], f"{box['y']} px down, below the first screen"  # type: ignore[index]


class Answers:
    """The page's confirm dialogs: each message kept, answered «OK» unless `stay` is set."""

    def __init__(self, page: Page) -> None:
        self.asked: list[str] = []
        self.stay = False
        page.on("dialog", self.answer)

    def answer(self, dialog: Dialog) -> None:
        self.asked.append(dialog.message)
        if self.stay:
            dialog.dismiss()
        else:
            dialog.accept()


def complete_meter_reading(form: Locator) -> None:
    """The rest of «снятие показаний»'s required fields."""
    form.get_by_label("Лицевой счёт", exact=True).fill("5001 2345 67")
    form.get_by_label("Номер прибора учёта", exact=True).fill("00123456")
    form.get_by_label("Желаемая дата снятия показаний", exact=True).fill(SOON)


def width_of(viewport: dict[str, int]) -> int:
    return viewport["width"]


# 1. Drafts -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["desktop", "phone"])
def test_a_draft_survives_leaving_the_form_and_is_forgotten_once_filed(
    page: Page, portal: Portal, page_log: PageLog, artifacts: Path, viewport: dict[str, int]
) -> None:
    width = width_of(viewport)
    log_in_new_consumer(page, portal, tag="draft", start=METER_READING)
    form = page.locator("#request-form")
    form.get_by_label("Текст заявки", exact=True).fill("Прошу снять показания в субботу.")
    form.get_by_label("Адрес установки прибора учёта", exact=True).fill("г. Москва, ул. Мира, 5, кв. 12")
    form.get_by_label("Причина обращения", exact=True).select_option(label="Контрольное снятие показаний")
    expect(form.locator(".draft-note").filter(has_text="Черновик сохранён")).to_be_visible()
    shot(page, artifacts, f"32-01-draft-saved-{width}")

    # «Главная»: the draft is kept, so nothing is asked; Back brings everything typed back.
    dialogs = Answers(page)
    open_section(page, "Главная")
    expect(page.get_by_role("heading", level=1, name=re.compile("Здравствуйте"))).to_be_visible()
    page.go_back()
    form = page.locator("#request-form")
    expect(form.get_by_label("Текст заявки", exact=True)).to_have_value("Прошу снять показания в субботу.")
    expect(form.get_by_label("Адрес установки прибора учёта", exact=True)).to_have_value(
        "г. Москва, ул. Мира, 5, кв. 12"
    )
    expect(form.get_by_label("Причина обращения", exact=True)).to_have_value("control")
    expect(form.locator(".draft-note").filter(has_text="Черновик восстановлен")).to_be_visible()
    shot(page, artifacts, f"32-02-draft-back-{width}")
    assert dialogs.asked == []

    # When the browser will not keep a draft (storage full), leaving asks first; «Отмена» stays.
    full = "() => { Storage.prototype.setItem = () => { throw new DOMException('full'); }; }"
    page.evaluate(full)

    form.get_by_label("Модель прибора учёта", exact=True).fill("Меркурий 201")
    expect(form.locator(".draft-note")).to_have_text("Черновик не сохранён")
    dialogs.stay = True
    with page.expect_event("dialog"):
        open_section(page, "Главная")
    assert "потерять введённое" in dialogs.asked[0]
    expect(form.get_by_label("Модель прибора учёта", exact=True)).to_have_value("Меркурий 201")
    assert page.url.endswith(METER_READING)
    dialogs.stay = False

    # Filed: the draft is gone, the form opens empty and leaving it asks nothing.
    complete_meter_reading(form)
    form.get_by_role("button", name="Отправить").click()
    expect(page.get_by_role("heading", level=1, name="Заявка зарегистрирована")).to_be_visible()
    page.goto(f"{portal.url}/{METER_READING}")
    expect(page.locator("#request-form").get_by_label("Текст заявки", exact=True)).to_have_value("")
    assert page.evaluate("() => Object.keys(localStorage).filter((k) => k.startsWith('portal.draft'))") == []
    page_log.assert_clean([])


@pytest.mark.parametrize("viewport", [WIDE], ids=["desktop"])
def test_drafts_are_the_consumer_s_own_and_logout_forgets_them(page: Page, portal: Portal) -> None:
    log_in_new_consumer(page, portal, tag="draft-owner", start=METER_READING)
    page.locator("#request-form").get_by_label("Текст заявки", exact=True).fill("Черновик первого.")
    expect(page.get_by_text("Черновик сохранён")).to_be_visible()
    page.get_by_role("button", name="Выйти").click()
    expect(page.locator("#login-form")).to_be_visible()
    assert page.evaluate("() => Object.keys(localStorage).filter((k) => k.startsWith('portal.draft'))") == []

    log_in_new_consumer(page, portal, tag="draft-other", start=METER_READING)
    expect(page.locator("#request-form").get_by_label("Текст заявки", exact=True)).to_have_value("")


# 2. The phone menu -----------------------------------------------------------------------------------


@pytest.mark.parametrize("viewport", [NARROW, PHONE], ids=["320", "375"])
def test_on_a_phone_every_section_is_one_menu_button_away_and_nothing_scrolls_sideways(
    page: Page, portal: Portal, page_log: PageLog, artifacts: Path, viewport: dict[str, int]
) -> None:
    width = width_of(viewport)
    log_in_new_consumer(page, portal, tag="menu")
    menu = page.get_by_role("navigation", name="Главное меню")
    toggle = menu.get_by_role("button", name=re.compile("^Меню"))
    expect(page.locator("html[data-ready=home]")).to_be_attached()  # the page has drawn and focused
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(menu.get_by_role("link", name="Профиль")).to_be_hidden()
    no_sideways_scroll(page)
    top = page.evaluate("() => document.querySelector('.brand').getBoundingClientRect().top + scrollY")
    assert top >= 8, "the header touches the top edge"
    shot(page, artifacts, f"32-10-menu-closed-{width}")

    # By keyboard: Enter opens, Tab goes into the list, Escape closes back to the button.
    toggle.focus()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(menu.get_by_role("link", name="Главная", exact=True)).to_be_visible()
    page.keyboard.press("Tab")
    expect(menu.get_by_role("link", name="Главная", exact=True)).to_be_focused()
    page.keyboard.press("Escape")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(toggle).to_be_focused()

    # Open, every section is there and fits the width.
    toggle.click()
    for name in ("Главная", "Заявки", "Показания", "Мои объекты", "Отключения", "Профиль"):
        link = menu.get_by_role("link", name=name, exact=True)
        expect(link).to_be_visible()
        box = link.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, name
    no_sideways_scroll(page)
    assert_axe_clean(page)
    shot(page, artifacts, f"32-11-menu-open-{width}")
    toggle.click()

    open_section(page, "Профиль")
    expect(page.get_by_role("heading", level=1, name="Профиль")).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(toggle).to_contain_text("Профиль")
    for section in ("Заявки", "Показания", "Мои объекты", "Отключения"):
        open_section(page, section)
        expect(page.locator("html[data-ready]")).to_be_attached()
        no_sideways_scroll(page)
    page_log.assert_clean([])


@pytest.mark.parametrize("viewport", [WIDE], ids=["desktop"])
def test_on_a_wide_screen_the_menu_is_shown_whole_without_a_button(page: Page, portal: Portal) -> None:
    log_in_new_consumer(page, portal, tag="menu-wide")
    menu = open_menu(page)
    expect(menu.get_by_role("button", name=re.compile("^Меню"))).to_be_hidden()
    for name in ("Главная", "Заявки", "Показания", "Мои объекты", "Отключения", "Профиль"):
        expect(menu.get_by_role("link", name=name, exact=True)).to_be_visible()
    no_sideways_scroll(page)


# 3. The company's question first ---------------------------------------------------------------------


def company_asks(portal: Portal, number: str, question: str) -> str:
    listed = requests.get(
        f"{portal.url}/api/integration/requests",
        params={"status": "registered", "limit": 100},
        headers={"x-api-key": INTEGRATION_API_KEY},
        timeout=10,
    ).json()
    request_id = str(next(item["id"] for item in listed["items"] if item["number"] == number))
    asked = requests.patch(
        f"{portal.url}/api/integration/requests/{request_id}",
        json={"status": "needs_info", "comment": question},
        headers={"x-api-key": INTEGRATION_API_KEY, "Idempotency-Key": uuid.uuid4().hex},
        timeout=10,
    )
    assert asked.ok, asked.text
    return request_id


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["desktop", "phone"])
def test_the_company_s_question_and_the_reply_form_are_on_the_first_screen(
    page: Page, portal: Portal, page_log: PageLog, artifacts: Path, viewport: dict[str, int]
) -> None:
    width = width_of(viewport)
    log_in_new_consumer(page, portal, tag="asked", start=METER_READING)
    form = page.locator("#request-form")
    form.get_by_label("Текст заявки", exact=True).fill("Прошу снять показания.\n" + "Подробности. " * 40)
    form.get_by_label("Адрес установки прибора учёта", exact=True).fill("г. Москва, ул. Мира, 5, кв. 12")
    form.get_by_label("Причина обращения", exact=True).select_option(label="Контрольное снятие показаний")
    complete_meter_reading(form)
    form.get_by_role("button", name="Отправить").click()
    expect(page.get_by_role("heading", level=1, name="Заявка зарегистрирована")).to_be_visible()
    number = page.get_by_role("status").filter(has_text="Номер заявки").locator("dd").first.inner_text()
    request_id = company_asks(portal, number, "Приложите фото счётчика с показаниями.")

    page.goto(f"{portal.url}/#/requests/{request_id}")
    asked = page.get_by_role("region", name="Компания просит уточнений")
    expect(asked).to_contain_text("Приложите фото счётчика с показаниями.")
    reply = asked.get_by_label("Ваше сообщение")
    on_first_screen(page, asked.get_by_text("Приложите фото счётчика"))
    on_first_screen(page, reply)
    # The data card folds: its summary is there, its rows are not in the way.
    data = page.locator("details.req-data")
    expect(data).not_to_have_attribute("open", "")
    expect(data.locator("summary")).to_contain_text("Данные заявки")
    no_sideways_scroll(page)
    assert_axe_clean(page)
    page.screenshot(path=artifacts / f"32-20-question-first-screen-{width}.png")

    reply.fill("Фото пришлю завтра, счётчик в подвале.")
    asked.get_by_role("button", name="Ответить").click()
    expect(page.get_by_role("status").filter(has_text="Сообщение отправлено.")).to_be_visible()
    expect(page.get_by_role("region", name="Компания просит уточнений")).to_be_hidden()
    expect(page.locator("details.req-data")).to_have_attribute("open", "")
    page_log.assert_clean([])


# 5. The small things ---------------------------------------------------------------------------------


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["desktop", "phone"])
def test_an_eye_inside_each_password_field_and_deletion_checks_the_password_before_asking(
    page: Page, portal: Portal, page_log: PageLog, artifacts: Path, viewport: dict[str, int]
) -> None:
    width = width_of(viewport)
    log_in_new_consumer(page, portal, tag="eye", start="#/profile")
    expect(page.get_by_role("heading", level=1, name="Профиль")).to_be_visible()
    fields = page.locator("#view input[type=password]")
    eyes = page.get_by_role("button", name="Показать пароль")
    expect(fields).to_have_count(5)
    expect(eyes).to_have_count(5)
    for index in range(fields.count()):
        field, eye = fields.nth(index).bounding_box(), eyes.nth(index).bounding_box()
        assert field and eye
        assert field["x"] <= eye["x"] and eye["x"] + eye["width"] <= field["x"] + field["width"] + 1
        assert field["y"] <= eye["y"] and eye["y"] + eye["height"] <= field["y"] + field["height"] + 1
    old = page.get_by_label("Старый пароль", exact=True)
    old.fill("секрет-123")
    eyes.first.click()
    expect(old).to_have_attribute("type", "text")
    expect(old).to_be_focused()
    page.get_by_role("button", name="Скрыть пароль").click()
    expect(old).to_have_attribute("type", "password")
    no_sideways_scroll(page)
    page.get_by_role("region", name="Смена пароля").screenshot(
        path=artifacts / f"32-30-password-eyes-{width}.png"
    )

    # A wrong password is refused at its field, without «Это не отменить» first.
    dialogs = Answers(page)
    dialogs.stay = True
    deletion = page.locator("#delete-account-form")
    deletion.get_by_label("Пароль для подтверждения").fill("не-тот-пароль")
    deletion.get_by_role("button", name="Удалить учётную запись").click()
    expect(deletion.locator(".field-error")).to_have_text("Пароль указан неверно.")
    assert dialogs.asked == []
    # The right one: now it asks; «Отмена» keeps the account.
    deletion.get_by_label("Пароль для подтверждения").fill(portal.mailed_password(page_email(page)))
    with page.expect_event("dialog"):
        deletion.get_by_role("button", name="Удалить учётную запись").click()
    assert "Это не отменить" in dialogs.asked[0]
    expect(page.get_by_role("heading", level=1, name="Профиль")).to_be_visible()
    expect(page.get_by_role("navigation", name="Главное меню")).to_be_attached()
    assert_axe_clean(page)
    assert len(page_log.api_refusals) == 1 and page_log.api_refusals[0].endswith("/api/auth/login")
    page_log.assert_clean(page_log.api_refusals)


def page_email(page: Page) -> str:
    return page.locator("#account-email").inner_text()


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["desktop", "phone"])
def test_a_mailed_code_can_be_sent_again_with_an_honest_word_on_the_limit(
    page: Page, portal: Portal, artifacts: Path, viewport: dict[str, int]
) -> None:
    email = f"e2e-resend-{uuid.uuid4().hex[:10]}@example.ru"
    portal.register(
        {
            "category": "individual",
            "full_name": "Петров Пётр",
            "email": email,
            "phone": "+7 912 555-44-33",
            "consent": True,
        }
    )
    page.goto(portal.url)
    page.get_by_role("button", name="Забыли пароль?").click()
    page.locator("#forgot-form").get_by_label("Электронная почта", exact=True).fill(email)
    since = len(portal.outbox())
    page.get_by_role("button", name="Получить код").click()
    first = portal.wait_for_mail(email, "Код для смены пароля в личном кабинете потребителя", since=since)
    since = len(portal.outbox())
    page.get_by_role("button", name="Отправить код ещё раз").click()
    notice = page.locator("#access-notice")
    expect(notice).to_contain_text("Новый код заменяет прежний")
    expect(notice).to_contain_text("не больше нескольких писем в час")
    again = portal.wait_for_mail(email, first["subject"], since=since)
    assert again["text"] != first["text"]
    no_sideways_scroll(page)
    shot(page, artifacts, f"32-31-code-sent-again-{width_of(viewport)}")


@pytest.mark.parametrize("viewport", [WIDE], ids=["desktop"])
def test_a_click_on_registration_before_the_scripts_have_loaded_is_not_lost(
    page: Page, portal: Portal
) -> None:
    held = []
    page.route(re.compile(r"/js/app\.js$"), lambda route: held.append(route))
    type(page).goto(page, portal.url, wait_until="commit")
    tab = page.get_by_role("tab", name="Регистрация")
    tab.click()
    expect(page.locator("#register-form")).to_be_visible()
    expect(page.locator("#login-form")).to_be_hidden()
    held[0].continue_()
    expect(page.locator("html[data-ready]")).to_be_attached()
    expect(tab).to_have_attribute("aria-selected", "true")
    expect(page.locator("#register-form")).to_be_visible()
    expect(page.locator("#register-form").get_by_role("button", name="Зарегистрировать")).to_be_enabled()


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["desktop", "phone"])
def test_the_landing_page_points_to_the_form_truly_at_every_width(page: Page, portal: Portal) -> None:
    page.goto(portal.url)
    howto = page.get_by_role("region", name="Как зарегистрироваться")
    expect(howto).to_contain_text("«Вход и регистрация»")
    expect(page.locator("#view")).not_to_contain_text("углу")
    expect(page.locator("body")).not_to_contain_text(re.compile(r"\bemail\b"))


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["desktop", "phone"])
def test_the_object_picker_fills_the_address_and_the_one_meter_s_number(
    page: Page, portal: Portal, artifacts: Path, viewport: dict[str, int]
) -> None:
    log_in_new_consumer(page, portal, tag="picker", start="#/objects")
    expect(page.get_by_role("heading", level=1, name="Мои объекты")).to_be_visible()
    token = page.evaluate("import('/js/session.js').then((m) => m.idToken())")
    made = requests.post(
        f"{portal.url}/api/objects",
        json={
            "name": "Дача",
            "address": "Московская обл., д. Берёзки, ул. Садовая, 7",
            "account_number": "5001234567",
            "meters": [{"meter_type": "single_tariff", "meter_number": "ДЧ-0042"}],
        },
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert made.status_code == 201, made.text
    dialogs = Answers(page)
    for kind in ("meter_reading", "meter_admission"):
        page.goto(f"{portal.url}/#/requests/new/{kind}")
        form = page.locator("#request-form")
        form.get_by_label("Объект из «Мои объекты»").select_option(
            label="Дача, Московская обл., д. Берёзки, ул. Садовая, 7"
        )
        expect(form.get_by_label("Адрес установки прибора учёта", exact=True)).to_have_value(
            "Московская обл., д. Берёзки, ул. Садовая, 7"
        )
        expect(form.get_by_label("Номер прибора учёта", exact=True)).to_have_value("ДЧ-0042")
        no_sideways_scroll(page)
        shot(page, artifacts, f"32-40-picker-{kind}-{width_of(viewport)}")
    assert dialogs.asked == []  # the filled form's draft is kept: leaving it asks nothing


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["desktop", "phone"])
def test_axe_finds_nothing_on_the_wizard_and_the_guest_s_tabs(page: Page, portal: Portal) -> None:
    page.goto(portal.url)
    page.get_by_role("tab", name="Регистрация").click()
    assert_axe_clean(page)
    page.get_by_role("tab", name="Вход").click()
    log_in_new_consumer(page, portal, tag="axe", start="#/requests/new/connection")
    form = page.locator("#request-form")
    form.get_by_label("Заявитель", exact=True).select_option(label="Индивидуальный предприниматель")
    expect(form.get_by_label("ОГРН или ОГРНИП", exact=True)).to_be_visible()
    expect(form.get_by_label("Дата записи в ЕГРИП", exact=True)).to_be_visible()
    expect(form.get_by_label("Полное наименование организации", exact=True)).to_be_hidden()
    no_sideways_scroll(page)
    assert_axe_clean(page)
    form.get_by_role("button", name="Далее").click()  # refused: the step's fields are marked
    expect(form.get_by_label("ИНН", exact=True)).to_have_attribute("aria-invalid", "true")
    assert_axe_clean(page)


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["desktop", "phone"])
def test_the_connection_wizard_s_draft_spans_its_steps(
    page: Page, portal: Portal, page_log: PageLog, artifacts: Path, viewport: dict[str, int]
) -> None:
    log_in_new_consumer(page, portal, tag="wizard-draft", start="#/requests/new/connection")
    form = page.locator("#request-form")
    form.get_by_label("Заявитель", exact=True).select_option(label="Физическое лицо")
    form.get_by_label("Для каких нужд", exact=True).select_option(
        label="Бытовые нужды, не связанные с предпринимательской деятельностью"
    )
    form.get_by_label("Место жительства или место нахождения заявителя", exact=True).fill("д. Берёзки, 7")
    form.get_by_label("Номер документа", exact=True).fill("123456")
    form.get_by_role("button", name="Далее").click()  # the passport's other fields are asked first
    form.get_by_label("Документ, удостоверяющий личность", exact=True).select_option(
        label="Паспорт гражданина РФ"
    )
    form.get_by_label("Дата выдачи документа", exact=True).fill("2015-05-05")
    form.get_by_label("Кем выдан документ", exact=True).fill("ОУФМС")
    form.get_by_role("button", name="Далее").click()
    expect(form.get_by_role("heading", name="Шаг 2 из 4. Объект и мощность")).to_be_focused()
    form.get_by_label("Наименование объекта", exact=True).fill("Жилой дом")
    form.get_by_label("Запрашиваемая максимальная мощность, кВт", exact=True).fill("15")

    open_section(page, "Главная")
    expect(page.locator("html[data-ready=home]")).to_be_attached()
    page.go_back()
    expect(form.get_by_role("heading", name="Шаг 1 из 4. Заявитель")).to_be_visible()
    expect(form.get_by_label("Номер документа", exact=True)).to_have_value("123456")
    expect(form.get_by_label("Кем выдан документ", exact=True)).to_have_value("ОУФМС")
    expect(form.get_by_label("ИНН", exact=True)).to_be_hidden()
    form.get_by_role("button", name="Далее").click()
    expect(form.get_by_label("Наименование объекта", exact=True)).to_have_value("Жилой дом")
    expect(form.get_by_label("Запрашиваемая максимальная мощность, кВт", exact=True)).to_have_value("15")
    no_sideways_scroll(page)
    shot(page, artifacts, f"32-50-wizard-draft-back-{width_of(viewport)}")
    page_log.assert_clean([])
