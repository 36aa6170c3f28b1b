"""«Мои объекты» in the browser: a household registers its house with its лицевой счёт and meter, the
company confirms the account (integration API) and the consumer sees it confirmed; the meter is
picked in «Ручной ввод» and a reading across a rollover is accepted; a request form is prefilled
from the object. At desktop width and on a phone."""

import uuid
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Page, expect

from tests.e2e.conftest import DESKTOP, PageLog, Portal, fill_request, log_in_new_consumer, shot

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("viewport", [DESKTOP, {"width": 375, "height": 740}], ids=["desktop", "phone"])
def test_a_household_registers_its_object_and_uses_it(
    page: Page, portal: Portal, page_log: PageLog, artifacts: Path, viewport: dict[str, int]
) -> None:
    width = viewport["width"]
    log_in_new_consumer(page, portal, tag="objects", start="#/objects")
    expect(page.get_by_role("heading", level=1, name="Мои объекты")).to_be_visible()
    expect(page.locator("#object-empty")).to_be_visible()
    street = f"ул. Полевая, {uuid.uuid4().int % 900 + 100}"
    address = f"Московская обл., д. Берёзки, {street}"

    form = page.locator("#object-form")
    form.get_by_label("Название объекта").fill("Жилой дом")
    form.get_by_label("Адрес объекта").fill(address)
    form.get_by_label("Лицевой счёт").fill("12345")
    form.get_by_label("Кадастровый номер").fill("50:20:0010203:417")
    form.get_by_label("Тип прибора учёта").select_option("single_tariff")
    form.get_by_label("Номер прибора учёта").fill("CE-102/7")
    form.get_by_label("Разрядность прибора учёта").fill("5")
    form.get_by_role("button", name="Добавить объект").click()
    expect(form.locator(".field-error")).to_have_text(
        "Лицевой счёт: от 8 до 14 цифр, как в квитанции (пробелы и дефисы можно не вводить)."
    )
    form.get_by_label("Лицевой счёт").fill("5001 2345 67")
    form.get_by_role("button", name="Добавить объект").click()
    expect(form.get_by_role("status")).to_contain_text("Объект «Жилой дом» добавлен")
    card = page.locator("#object-list > li")
    expect(card).to_have_count(1)
    expect(card).to_contain_text("5001234567")
    expect(card).to_contain_text("ожидает подтверждения сетевой компанией")
    expect(card).to_contain_text("№ CE-102/7 — однотарифный, 5 разрядов")
    shot(page, artifacts, f"80-objects-added-{width}")

    # The company confirms the лицевой счёт against billing; the consumer sees it confirmed.
    key = {"x-api-key": portal.api_key}
    worklist = requests.get(f"{portal.url}/api/integration/objects", headers=key, timeout=10).json()["items"]
    [mine] = [o for o in worklist if o["address"] == address]
    confirmed = requests.patch(
        f"{portal.url}/api/integration/objects/{mine['id']}",
        json={"confirmed": True},
        headers=key,
        timeout=10,
    )
    assert confirmed.status_code == 200, confirmed.text
    page.reload()
    expect(card).to_contain_text("подтверждён сетевой компанией")
    shot(page, artifacts, f"81-objects-confirmed-{width}")

    # «Ручной ввод»: the object's meter is offered; a reading across a rollover is accepted.
    page.goto(f"{portal.url}/#/readings/manual")
    reading = page.locator("#reading-form")
    reading.get_by_label("Прибор учёта из «Мои объекты»").select_option(
        label=f"№ CE-102/7 — Жилой дом, {address}"
    )
    expect(reading.get_by_label("Тип прибора учёта")).to_have_value("single_tariff")
    expect(reading.get_by_label("Номер прибора учёта")).to_have_value("CE-102/7")
    reading.get_by_label("Т1", exact=True).fill("99 990")
    reading.get_by_role("button", name="Ввести").click()
    expect(reading.get_by_role("status")).to_contain_text("Это первое показание прибора")
    reading.get_by_label("Т1", exact=True).fill("15")
    reading.get_by_role("button", name="Ввести").click()
    reading.get_by_label("Показания перешли через ноль").check()
    expect(reading.get_by_label("Разрядность прибора учёта")).to_have_value("5")  # from the object
    reading.get_by_role("button", name="Ввести").click()
    expect(reading.get_by_role("status")).to_contain_text("(с переходом через ноль): Т1 — 25 кВт·ч")
    shot(page, artifacts, f"82-objects-reading-rollover-{width}")

    # A request form offers the object (on the wizard's step of the object) and fills its name,
    # address and cadastral number; then it is filed: 0,22 кВ, 15 кВт, category III (ПП № 861, п. 14).
    page.goto(f"{portal.url}/#/requests/new/connection")
    request = page.locator("#request-form")

    def pick_the_object(title: str) -> None:
        if not title.endswith("Объект и мощность"):
            return
        request.get_by_label("Объект из «Мои объекты»").select_option(label=f"Жилой дом, {address}")
        expect(request.get_by_label("Наименование объекта")).to_have_value("Жилой дом")
        expect(request.get_by_label("Адрес объекта")).to_have_value(address)
        expect(request.locator("[name='fields.cadastral_number']")).to_have_value("50:20:0010203:417")
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width, "no sideways scrolling"
        shot(page, artifacts, f"83-objects-request-prefilled-{width}")

    typed = {
        "Место жительства или место нахождения заявителя": address,
        "Серия документа": "4510",
        "Номер документа": "123456",
        "Дата выдачи документа": "2015-05-05",
        "Кем выдан документ": "ОУФМС России по Московской обл.",
        "Запрашиваемая максимальная мощность, кВт": "15",
        "Точка присоединения": "ВРУ-0,22 кВ жилого дома",
        "Мощность в точке, кВт": "15",
        "Гарантирующий поставщик": "АО «Мосэнергосбыт»",
    }
    picked = {
        "Заявитель": "Физическое лицо",
        "Для каких нужд": "Бытовые нужды, не связанные с предпринимательской деятельностью",
        "Документ, удостоверяющий личность": "Паспорт гражданина РФ",
        "Причина обращения": "Новое присоединение",
        "Уровень напряжения": "0,22 кВ",
        "Напряжение в точке": "0,22 кВ",
        "Категория надёжности": "III категория",
        "Вид договора с поставщиком": "Договор энергоснабжения",
        "Местность": "Сельская местность",
    }
    fill_request(request, typed, picked, "Прошу присоединить жилой дом.", on_step=pick_the_object)
    request.get_by_role("button", name="Отправить").click()
    expect(page.get_by_role("heading", level=1, name="Заявка зарегистрирована")).to_be_visible()
    expect(page.locator("#req-documents")).to_contain_text("Копия паспорта")
    shot(page, artifacts, f"84-objects-connection-filed-{width}")

    page_log.assert_clean(["422 /api/objects", "422 /api/readings"])
