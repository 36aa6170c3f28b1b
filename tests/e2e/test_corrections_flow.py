"""Mistakes corrected in the browser (issue 32): an object changed and removed on «Мои объекты» (a
confirmed лицевой счёт read-only), the latest reading corrected and then removed on «Просмотр ранее
введённых показаний» — each removal asked first; messages name fields by their Russian titles. At
desktop width and at 375 px, where nothing scrolls sideways."""

import uuid
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Page, expect

from tests.e2e.conftest import DESKTOP, PageLog, Portal, log_in_new_consumer, shot

pytestmark = pytest.mark.e2e
VIEWPORTS = [DESKTOP, {"width": 375, "height": 740}]


def no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=["desktop", "phone"])
def test_an_object_is_corrected_and_removed(
    page: Page, portal: Portal, page_log: PageLog, artifacts: Path, viewport: dict[str, int]
) -> None:
    width = viewport["width"]
    log_in_new_consumer(page, portal, tag="fix-object", start="#/objects")
    street = f"ул. Полевая, {uuid.uuid4().int % 900 + 100}"
    form = page.locator("#object-form")
    form.get_by_label("Название объекта").fill("Дача")
    form.get_by_label("Адрес объекта").fill(f"Московская обл., д. Берёзки, {street}")
    form.get_by_label("Лицевой счёт").fill("5001 2345 67")
    form.get_by_label("Тип прибора учёта").select_option("single_tariff")
    form.get_by_label("Номер прибора учёта").fill("CE-1")
    form.get_by_role("button", name="Добавить объект").click()
    card = page.locator("#object-list > li")
    expect(card).to_have_count(1)

    card.get_by_role("button", name="Изменить объект «Дача»").click()
    edit = page.locator("#object-edit-form")
    expect(edit.get_by_label("Адрес объекта")).to_have_value(f"Московская обл., д. Берёзки, {street}")
    edit.get_by_label("Номер прибора учёта").fill("")
    edit.get_by_role("button", name="Сохранить изменения").click()
    numbered = "Заполните поле «Номер прибора учёта (прибор учёта 1)»."
    expect(edit.locator(".field-error")).to_have_text(numbered)
    expect(page.locator("main")).not_to_contain_text("meters.0")
    edit.get_by_label("Номер прибора учёта").fill("CE-2")
    edit.get_by_label("Кадастровый номер").fill("50:20:0010203:417")
    edit.get_by_label("Адрес объекта").fill("Московская обл., д. Берёзки, ул. Лесная, 3")
    shot(page, artifacts, f"90-object-edit-{width}")
    edit.get_by_role("button", name="Сохранить изменения").click()
    expect(card).to_contain_text("ул. Лесная, 3")
    expect(card).to_contain_text("50:20:0010203:417")
    expect(card).to_contain_text("№ CE-2")
    no_sideways_scroll(page)

    # Confirmed by the company, the лицевой счёт is read-only: only the company changes it.
    key = {"x-api-key": portal.api_key}
    [mine] = [
        o
        for o in requests.get(f"{portal.url}/api/integration/objects", headers=key, timeout=10).json()[
            "items"
        ]
        if o["address"].endswith("ул. Лесная, 3") and o["name"] == "Дача"
    ]
    assert requests.patch(
        f"{portal.url}/api/integration/objects/{mine['id']}",
        json={"confirmed": True},
        headers=key,
        timeout=10,
    ).ok
    page.reload()
    card.get_by_role("button", name="Изменить объект «Дача»").click()
    account = page.locator("#object-edit-form").get_by_label("Лицевой счёт")
    expect(account).to_have_attribute("readonly", "")
    expect(page.locator("#object-edit-form")).to_contain_text("только через сетевую компанию")
    page.locator("#object-edit-form").get_by_role("button", name="Отмена").click()

    card.get_by_role("button", name="Удалить объект «Дача»").click()
    expect(card).to_contain_text("Удалить объект «Дача»? Переданные показания")
    shot(page, artifacts, f"91-object-remove-asked-{width}")
    no_sideways_scroll(page)
    card.get_by_role("button", name="Да, удалить").click()
    expect(page.locator("main")).to_contain_text("Объект «Дача» удалён.")
    expect(page.locator("#object-list > li")).to_have_count(0)
    page_log.assert_clean(["422 /api/objects/" + mine["id"]])


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=["desktop", "phone"])
def test_the_latest_reading_is_corrected_and_removed(
    page: Page, portal: Portal, page_log: PageLog, artifacts: Path, viewport: dict[str, int]
) -> None:
    width = viewport["width"]
    log_in_new_consumer(page, portal, tag="fix-reading", start="#/readings/manual")
    form = page.locator("#reading-form")
    form.get_by_label("Тип прибора учёта").select_option("single_tariff")
    form.get_by_label("Номер прибора учёта").fill("FIX-1")
    for value in ("100", "9150"):
        form.get_by_label("Т1", exact=True).fill(value)
        form.get_by_role("button", name="Ввести").click()
        expect(form.get_by_role("status")).to_contain_text("Показания приняты")
        form.get_by_label("Номер прибора учёта").fill("FIX-1")

    page.goto(f"{portal.url}/#/readings/history")
    rows = page.locator("#history-table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(1).get_by_role("button", name="Исправить показание прибора учёта № FIX-1")).to_have_count(
        0
    )
    rows.nth(0).get_by_role("button", name="Исправить показание прибора учёта № FIX-1").click()
    rows.nth(0).get_by_label("Т1, кВт·ч").fill("150,5")
    shot(page, artifacts, f"92-reading-fix-{width}")
    rows.nth(0).get_by_role("button", name="Сохранить").click()
    expect(page.locator("main")).to_contain_text("Показание исправлено")
    expect(rows.nth(0)).to_contain_text("150,5")
    expect(rows.nth(0)).to_contain_text("было: Т1 — 9 150 кВт·ч")
    expect(rows.nth(0)).to_contain_text("50,5")  # the consumption follows
    no_sideways_scroll(page)

    rows.nth(0).get_by_role("button", name="Удалить показание прибора учёта № FIX-1").click()
    expect(rows.nth(0)).to_contain_text("Последним снова станет предыдущее показание")
    rows.nth(0).get_by_role("button", name="Да, удалить").click()
    expect(page.locator("main")).to_contain_text("Показание удалено")
    expect(rows.nth(0)).to_contain_text("не учитывается")
    expect(rows.nth(0).get_by_role("button")).to_have_count(0)
    # The previous reading is the meter's last again: it may be corrected now.
    expect(
        rows.nth(1).get_by_role("button", name="Исправить показание прибора учёта № FIX-1")
    ).to_be_visible()
    shot(page, artifacts, f"93-reading-removed-{width}")
    no_sideways_scroll(page)
    page_log.assert_clean([])
