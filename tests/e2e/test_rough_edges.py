"""The rough edges a new user hit (issue 14), each as the user met it: a form that marks nothing, text
cut silently, a confirmation that is not an address, a session that lives in one tab, text lost with
the session, a page change that shows nothing, technical codes, unlabelled times, printing the
menu, no way to retry. Each test failed before its fix."""

import csv
import io
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from playwright.sync_api import Page, Route, expect

from tests.e2e.conftest import Portal, log_in_new_consumer, open_section, shot

pytestmark = pytest.mark.e2e

SOON = (date.today() + timedelta(days=7)).isoformat()
CONNECTION_REQUIRED = [
    "Заявитель",
    "Для каких нужд",
    "Место жительства или место нахождения заявителя",
    "Наименование объекта",
    "Адрес объекта",
    "Причина обращения",
    "Запрашиваемая максимальная мощность, кВт",
    "Уровень напряжения",
    "Категория надёжности",
    "Вид договора с поставщиком",
    "Гарантирующий поставщик",
    "Местность",
]


def logged_in(page: Page, portal: Portal, start: str = "") -> str:
    email = log_in_new_consumer(page, portal, tag="edges", start=start)
    expect(page.get_by_role("navigation", name="Главное меню")).to_be_visible()
    return email


def id_token(page: Page) -> str:
    token: str = page.evaluate("import('/js/session.js').then((m) => m.idToken())")
    return token


def api(page: Page, portal: Portal, method: str, path: str, **kwargs: Any) -> requests.Response:
    """The API as the signed-in consumer of `page`, from outside the browser."""
    headers = {"Authorization": f"Bearer {id_token(page)}", **kwargs.pop("headers", {})}
    return requests.request(method, f"{portal.url}{path}", headers=headers, timeout=15, **kwargs)


def file_meter_reading_request(page: Page) -> None:
    page.goto(page.url.split("#")[0] + "#/requests/new/meter_reading")
    form = page.locator("#request-form")
    form.get_by_label("Текст заявки", exact=True).fill("Прошу снять показания.")
    form.get_by_label("Адрес установки прибора учёта", exact=True).fill("г. Москва, ул. Мира, 5")
    form.get_by_label("Номер прибора учёта", exact=True).fill("00123456")
    form.get_by_label("Лицевой счёт", exact=True).fill("5001234567")
    form.get_by_label("Причина обращения", exact=True).select_option("control")
    form.get_by_label("Желаемая дата снятия показаний", exact=True).fill(SOON)
    form.get_by_role("button", name="Отправить").click()
    expect(page.get_by_role("heading", level=1, name="Заявка зарегистрирована")).to_be_visible()


# 1 --------------------------------------------------------------------------------------------------


def test_an_empty_request_form_marks_every_required_extra_field(page: Page, portal: Portal) -> None:
    """The connection's wizard: «Далее» on an empty step marks each of its required fields."""
    logged_in(page, portal, "#/requests/new/connection")
    form = page.locator("#request-form")
    expect(page.get_by_role("heading", level=1)).to_contain_text("технологическое присоединение")

    form.get_by_role("button", name="Далее").click()
    for label in CONNECTION_REQUIRED[:3]:
        expect(form.get_by_label(label, exact=True)).to_have_attribute("aria-invalid", "true")
    form.get_by_label("Заявитель", exact=True).select_option(label="Юридическое лицо")
    form.get_by_label("Для каких нужд", exact=True).select_option(
        label="Предпринимательская (производственная) деятельность"
    )
    form.get_by_label("Место жительства или место нахождения заявителя", exact=True).fill(
        "г. Москва, ул. Мира, 1"
    )
    form.get_by_role("button", name="Далее").click()
    # An organisation states its name, ОГРН and ИНН.
    for label in ("Полное наименование организации", "ОГРН или ОГРНИП", "ИНН"):
        expect(form.get_by_label(label, exact=True)).to_have_attribute("aria-invalid", "true")
    expect(form.get_by_label("Номер документа", exact=True)).to_be_hidden()
    form.get_by_label("Полное наименование организации", exact=True).fill("ООО «Ромашка»")
    form.get_by_label("ОГРН или ОГРНИП", exact=True).fill("1027700132195")
    form.get_by_label("ИНН", exact=True).fill("7707083893")
    form.get_by_role("button", name="Далее").click()

    form.get_by_role("button", name="Далее").click()
    for label in CONNECTION_REQUIRED[3:]:
        expect(form.get_by_label(label, exact=True)).to_have_attribute("aria-invalid", "true")
    expect(form).not_to_contain_text("Дополнительные поля")
    expect(form.get_by_label("Адрес объекта", exact=True)).to_have_accessible_description(
        re.compile("Заполните поле «Адрес объекта»")
    )


# 2 --------------------------------------------------------------------------------------------------


def test_long_text_is_kept_counted_and_refused_with_its_limit_not_cut(page: Page, portal: Portal) -> None:
    logged_in(page, portal, "#/requests/new/meter_reading")
    form = page.locator("#request-form")
    text = form.get_by_label("Текст заявки", exact=True)
    pasted = ("Очень длинное описание, когда снять показания. " * 300)[:13_800]
    text.focus()
    page.keyboard.insert_text(pasted)

    assert len(text.input_value()) == 13_800, "the pasted text was cut"
    expect(form.get_by_text(re.compile(r"13\s800 из 5\s000 символов"))).to_be_visible()

    address = form.get_by_label("Адрес установки прибора учёта", exact=True)
    address.focus()
    page.keyboard.insert_text("г. Москва, " + "очень длинная улица, " * 20)
    assert len(address.input_value()) > 300, "the address was cut"

    form.get_by_role("button", name="Отправить").click()
    expect(text).to_have_attribute("aria-invalid", "true")
    expect(text).to_have_accessible_description(re.compile(r"не больше 5\s000 символов"))
    expect(address).to_have_accessible_description(re.compile(r"не больше 300 символов"))


# 3 --------------------------------------------------------------------------------------------------


def test_the_confirmation_is_an_address_a_reload_shows_it_again(page: Page, portal: Portal) -> None:
    logged_in(page, portal)
    file_meter_reading_request(page)
    number = page.get_by_role("status").filter(has_text="Номер заявки").locator("dd").first.inner_text()

    assert "/requests/new/" not in page.url
    page.reload()
    expect(page.get_by_role("heading", level=1, name="Заявка зарегистрирована")).to_be_visible()
    expect(page.get_by_text(number, exact=True)).to_be_visible()
    expect(page.locator("#request-form")).to_have_count(0)


# 4 --------------------------------------------------------------------------------------------------


def test_a_new_tab_shares_the_session_and_a_logout_ends_it_in_every_tab(page: Page, portal: Portal) -> None:
    logged_in(page, portal)
    second = page.context.new_page()
    second.goto(f"{portal.url}/#/requests")
    expect(second.get_by_role("heading", level=1, name="Заявки")).to_be_visible()
    expect(second.locator("#login-form")).to_be_hidden()

    second.get_by_role("button", name="Выйти").click()
    expect(page.locator("#login-form")).to_be_visible()
    expect(page.get_by_role("navigation", name="Главное меню")).to_be_hidden()
    second.close()


# 5 --------------------------------------------------------------------------------------------------


def test_text_typed_before_the_session_ended_is_back_after_logging_in_again(
    page: Page, portal: Portal
) -> None:
    email = log_in_new_consumer(page, portal, tag="draft", start="#/requests/new/meter_reading")
    form = page.locator("#request-form")
    form.get_by_label("Текст заявки", exact=True).fill("Прошу снять показания в субботу утром.")
    form.get_by_label("Адрес установки прибора учёта", exact=True).fill("г. Москва, ул. Мира, 5, кв. 12")
    # The session ends elsewhere (a logout on another device ends every session).
    assert api(page, portal, "POST", "/api/auth/logout").status_code == 204
    form.get_by_role("button", name="Отправить").click()
    expect(page.locator("#login-form")).to_be_visible()
    expect(page.get_by_text("Сессия истекла, войдите снова.")).to_be_visible()

    login = page.locator("#login-form")
    login.get_by_label("Электронная почта", exact=True).fill(email)
    login.get_by_label("Пароль", exact=True).fill(portal.mailed_password(email))
    page.wait_for_timeout(1100)  # sessions_valid_from is the next whole second after the logout
    login.get_by_role("button", name="Войти").click()

    form = page.locator("#request-form")
    text = form.get_by_label("Текст заявки", exact=True)
    expect(text).to_have_value("Прошу снять показания в субботу утром.")
    expect(form.get_by_label("Адрес установки прибора учёта", exact=True)).to_have_value(
        "г. Москва, ул. Мира, 5, кв. 12"
    )


# 6 --------------------------------------------------------------------------------------------------


def test_a_slow_page_change_shows_that_it_is_loading(page: Page, portal: Portal) -> None:
    logged_in(page, portal)

    def slow(route: Route) -> None:
        page.wait_for_timeout(2500)
        route.continue_()

    # A slow network: the page's module takes seconds to arrive, the home page is still shown.
    page.route(re.compile(r"/js/views/requests\.js$"), slow)
    open_section(page, "Заявки")
    loading = page.locator("#view").get_by_role("status").filter(has_text="Загрузка")
    expect(loading.first).to_be_visible(timeout=1500)
    expect(page.get_by_role("heading", level=1, name="Заявки")).to_be_visible()
    page.unroute_all(behavior="ignoreErrors")


# 7 --------------------------------------------------------------------------------------------------


def test_messages_carry_no_technical_codes_and_a_known_meter_keeps_the_chosen_type(
    page: Page, portal: Portal
) -> None:
    logged_in(page, portal, "#/readings/manual")
    refused = api(page, portal, "POST", "/api/readings", json={"meter_type": "x", "meter_number": "1"})
    assert refused.status_code == 422
    text = refused.text
    assert "single_tariff" not in text and "two_tariff" not in text and "однотарифный" in text

    form = page.locator("#reading-form")
    form.get_by_label("Тип прибора учёта").select_option(label="Однотарифный")
    form.get_by_label("Номер прибора учёта").fill("00123456")
    form.get_by_label("Т1").fill("100")
    form.get_by_role("button", name="Ввести").click()
    expect(form.get_by_role("status")).to_contain_text("Показания приняты")

    form.get_by_label("Номер прибора учёта").fill("")
    form.get_by_label("Тип прибора учёта").select_option(label="Двухтарифный (день/ночь)")
    form.get_by_label("Номер прибора учёта").fill("00123456")
    expect(form.get_by_label("Тип прибора учёта")).to_have_value("two_tariff")
    expect(form.get_by_text(re.compile("ранее вводились как однотарифный"))).to_be_visible()


# 8 --------------------------------------------------------------------------------------------------


def test_times_say_moscow_csv_keeps_leading_zeros_and_numerals_agree(page: Page, portal: Portal) -> None:
    logged_in(page, portal, "#/readings/manual")
    form = page.locator("#reading-form")
    form.get_by_label("Тип прибора учёта").select_option(label="Однотарифный")
    form.get_by_label("Номер прибора учёта").fill("00123456")
    form.get_by_label("Т1").fill("100")
    form.get_by_role("button", name="Ввести").click()
    expect(form.get_by_role("status")).to_contain_text("Показания приняты")

    page.goto(f"{portal.url}/#/readings/history")
    expect(page.locator("table time").first).to_contain_text(re.compile(r"\d\d:\d\d МСК$"))
    with page.expect_download() as download:
        page.get_by_role("button", name="Скачать CSV").click()
    saved = Path(download.value.path()).read_text(encoding="utf-8-sig")
    header, row = list(csv.reader(io.StringIO(saved), delimiter=";"))[:2]
    assert "МСК" in header[0]
    assert row[1] == '="00123456"'

    page.goto(f"{portal.url}/#/requests")
    grid_theft = (
        page.get_by_role("region", name="Создание заявки")
        .get_by_role("listitem")
        .filter(has_text="Хищение объектов")
    )
    expect(grid_theft).to_contain_text("3 рабочих дня с даты регистрации")


# 9 --------------------------------------------------------------------------------------------------


def test_a_printed_request_has_no_menu_and_says_who_filed_it(
    page: Page, portal: Portal, artifacts: Path
) -> None:
    email = logged_in(page, portal)
    file_meter_reading_request(page)
    page.get_by_role("link", name="Открыть заявку").click()
    expect(page.get_by_role("heading", level=1, name=re.compile("Заявка №"))).to_be_visible()
    expect(page.get_by_text(re.compile("Кем подана"))).to_be_visible()
    expect(page.locator(".details")).to_contain_text(email)

    page.emulate_media(media="print")
    expect(page.get_by_role("navigation", name="Главное меню")).to_be_hidden()
    expect(page.get_by_role("button", name="Выйти")).to_be_hidden()
    expect(page.locator(".site-footer")).to_be_hidden()
    expect(page.get_by_text(re.compile("Кем подана"))).to_be_visible()
    shot(page, artifacts, "edges-request-print")


# 10 -------------------------------------------------------------------------------------------------


def test_a_network_error_offers_to_retry_and_a_password_can_be_shown(page: Page, portal: Portal) -> None:
    page.goto(portal.url)
    password = page.locator("#login-password")
    password.fill("секрет123")
    page.get_by_role("button", name="Показать пароль").click()
    expect(password).to_have_attribute("type", "text")
    page.get_by_role("button", name="Скрыть пароль").click()
    expect(password).to_have_attribute("type", "password")

    logged_in(page, portal)
    # The home page reads /api/requests too: let its reads finish, so the one failure is the list's.
    page.wait_for_load_state("networkidle")
    failures = {"left": 1}

    def flaky(route: Route) -> None:
        if failures["left"]:
            failures["left"] -= 1
            route.abort("internetdisconnected")
        else:
            route.continue_()

    page.route(re.compile(r"/api/requests(\?.*)?$"), flaky)
    open_section(page, "Заявки")
    expect(page.get_by_role("alert")).to_contain_text("Нет связи")
    page.get_by_role("button", name="Повторить").click()
    expect(page.get_by_text("Вы ещё не подавали заявок.")).to_be_visible()
