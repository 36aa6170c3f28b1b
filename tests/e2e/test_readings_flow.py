"""«Показания» in the browser: a consumer enters readings of a two-tariff meter twice, sees the
consumption, is refused a lower value, finds the readings in the table, filters it and downloads the
CSV; and the same pages on a phone."""

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Locator, Page, expect

from functions.common.clock import moscow_today
from tests.e2e.conftest import PageLog, Portal, log_in_new_consumer, open_section, shot

pytestmark = pytest.mark.e2e

METER = "СЕ-301/12"
NBSP = "\u00a0"  # Intl 'ru-RU' groups thousands with a no-break space


def logged_in(page: Page, portal: Portal) -> None:
    log_in_new_consumer(page, portal, tag="readings")
    expect(page.get_by_role("navigation", name="Главное меню")).to_be_visible()


def field_error(form: Locator, label: str) -> Locator:
    control = form.get_by_label(label, exact=True)
    expect(control).to_have_attribute("aria-invalid", "true")
    error_id = (control.get_attribute("aria-describedby") or "").split()[0]
    return form.locator(f"[id='{error_id}']")


def enter(form: Locator, t1: str, t2: str) -> None:
    form.get_by_label("Т1 (день)", exact=True).fill(t1)
    form.get_by_label("Т2 (ночь)", exact=True).fill(t2)
    form.get_by_role("button", name="Ввести").click()


def test_enter_two_tariff_readings_twice_and_see_them_in_the_table(
    page: Page, portal: Portal, page_log: PageLog, artifacts: Path
) -> None:
    logged_in(page, portal)
    open_section(page, "Показания")
    page.locator("main").get_by_role("link", name="Ручной ввод", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Ручной ввод показаний")).to_be_visible()
    form = page.locator("#reading-form")
    expect(form.get_by_text("Выберите тип прибора учёта, чтобы ввести показания по тарифам.")).to_be_visible()
    shot(page, artifacts, "60-readings-manual-empty")

    # The tariffs follow the meter type.
    form.get_by_label("Тип прибора учёта").select_option(label="Трёхтарифный (пик/ночь/полупик)")
    for label in ("Т1 (пик)", "Т2 (ночь)", "Т3 (полупик)"):
        expect(form.get_by_label(label, exact=True)).to_be_visible()
    form.get_by_label("Тип прибора учёта").select_option(label="Двухтарифный (день/ночь)")
    expect(form.get_by_label("Т1 (день)", exact=True)).to_be_visible()
    expect(form.get_by_label("Т2 (ночь)", exact=True)).to_be_visible()
    expect(form.locator("input[name='values.t3']")).to_be_hidden()

    # Letters and a missing tariff: both named next to their fields, nothing stored.
    form.get_by_label("Номер прибора учёта").fill(METER)
    with page.expect_request(f"{portal.url}/api/readings") as sent:
        enter(form, "12а", "")
    assert sent.value.post_data_json == {
        "meter_type": "two_tariff",
        "meter_number": METER,
        "values": {"t1": "12а", "t2": ""},
        "taken_on": moscow_today().isoformat(),
    }
    expect(field_error(form, "Т1 (день)")).to_contain_text("Введите показание цифрами, например 1234,5")
    expect(field_error(form, "Т2 (ночь)")).to_have_text("Введите показание по тарифу Т2 (ночь).")
    shot(page, artifacts, "61-readings-manual-errors")

    # The first reading: accepted, no consumption yet.
    enter(form, "12 345,6", "5000")
    success = form.get_by_role("status")
    expect(success).to_contain_text(f"Показания приняты: прибор учёта № {METER}")
    expect(success).to_contain_text(f"Т1 (день) — 12{NBSP}345,6 кВт·ч, Т2 (ночь) — 5{NBSP}000 кВт·ч")
    expect(success).to_contain_text("Это первое показание прибора")
    expect(form.locator(".field-error")).to_have_count(0)
    expect(form.get_by_label("Т1 (день)", exact=True)).to_have_value("")
    shot(page, artifacts, "62-readings-manual-first")

    # The second one: the consumption since the first, in Russian number format.
    expect(form.get_by_text("Предыдущее показание от")).to_contain_text(f"Т1 (день) — 12{NBSP}345,6 кВт·ч")
    enter(form, "12400", "5030,25")
    expect(success).to_contain_text(
        re.compile(
            r"Расход с \d{1,2} [а-я]+ \d{4} г\.: Т1 \(день\) — 54,4 кВт·ч, Т2 \(ночь\) — 30,25 кВт·ч\."
        )
    )
    shot(page, artifacts, "63-readings-manual-consumption")

    # Lower than the previous: not stored, the previous value and its date are named, and the form
    # asks whether the counter rolled over (never to give a new meter's number).
    enter(form, "12399,99", "5030,25")
    lower = field_error(form, "Т1 (день)")
    expect(lower).to_contain_text(
        re.compile(
            rf"Показание по тарифу Т1 \(день\) меньше предыдущего: 12{NBSP}400,00 от \d\d\.\d\d\.\d{{4}}\."
        )
    )
    expect(lower).not_to_contain_text("заменён")
    expect(form.get_by_label("Показания перешли через ноль")).to_be_visible()
    expect(form.get_by_role("status")).to_be_hidden()
    shot(page, artifacts, "64-readings-manual-lower")

    # The number is offered again, and choosing it sets the meter's type.
    expect(page.locator("#reading-meters option")).to_have_attribute("value", METER)
    page.reload()
    form.get_by_label("Номер прибора учёта").fill(METER)
    expect(form.get_by_label("Тип прибора учёта")).to_have_value("two_tariff")
    expect(form.get_by_label("Т2 (ночь)", exact=True)).to_be_visible()

    # The table: newest first, consumption, source.
    page.locator("main").get_by_role("link", name="Просмотр ранее введённых показаний").click()
    expect(page.get_by_role("heading", level=1, name="Просмотр ранее введённых показаний")).to_be_visible()
    rows = page.locator("#history-table tbody tr")
    expect(rows).to_have_count(2)
    newest, oldest = rows.nth(0), rows.nth(1)
    expect(newest.locator("th")).to_contain_text(METER)
    expect(newest.locator("th")).to_contain_text("Двухтарифный (день/ночь)")
    expect(newest.locator("td").nth(1)).to_have_text(f"Т1 (день): 12{NBSP}400Т2 (ночь): 5{NBSP}030,25")
    expect(newest.locator("td").nth(2)).to_have_text("Т1 (день): 54,4Т2 (ночь): 30,25")
    expect(newest.locator("td").nth(3)).to_have_text("Вручную")
    expect(oldest.locator("td").nth(2)).to_have_text("первое показание")
    expect(page.get_by_role("button", name="Показать ещё")).to_be_hidden()
    shot(page, artifacts, "65-readings-history")

    # Filtered by the meter.
    page.get_by_label("Прибор учёта").select_option(value=METER)
    expect(page).to_have_url(re.compile(r"#/readings/history\?meter="))
    expect(rows).to_have_count(2)
    expect(page.get_by_label("Прибор учёта")).to_have_value(METER)

    # The CSV, as Excel in a Russian locale reads it.
    with page.expect_download() as download:
        page.get_by_role("button", name="Скачать CSV").click()
    assert download.value.suggested_filename.endswith(".csv")
    saved = Path(download.value.path()).read_bytes()
    assert saved.startswith(b"\xef\xbb\xbf")
    lines = saved.decode("utf-8-sig").splitlines()
    assert lines[0] == "Дата (МСК);Прибор учёта;Тип;Т1;Т2;Т3;Расход Т1;Расход Т2;Расход Т3;Источник"
    meter = f'"=""{METER}"""'  # the formula ="<number>", quoted as a CSV cell (functions/readings/export.py)
    assert lines[1].endswith(f";{meter};Двухтарифный (день/ночь);12400,00;5030,25;;54,40;30,25;;Вручную")
    assert lines[2].endswith(f";{meter};Двухтарифный (день/ночь);12345,60;5000,00;;;;;Вручную")
    assert len(lines) == 3

    weights = {}
    for route in ["/readings/manual", "/readings/history"]:
        page.goto(f"{portal.url}/#{route}")
        page.reload()
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        page.wait_for_load_state("networkidle")
        weights[route] = page_log.assert_within_budget(page)
    (artifacts / "readings-page-weight.json").write_text(json.dumps(weights, indent=2) + "\n")

    page_log.assert_clean(["422 /api/readings", "422 /api/readings"])


@pytest.mark.parametrize(
    "viewport", [{"width": 1280, "height": 900}, {"width": 375, "height": 740}], ids=["desktop", "phone"]
)
def test_a_reading_across_a_rollover_and_a_confirmed_jump(
    page: Page, portal: Portal, page_log: PageLog, artifacts: Path, viewport: dict[str, int]
) -> None:
    logged_in(page, portal)
    page.goto(f"{portal.url}/#/readings/manual")
    form = page.locator("#reading-form")
    today = moscow_today()
    date = form.get_by_label("Дата снятия показаний")
    expect(date).to_have_value(today.isoformat())
    form.get_by_label("Тип прибора учёта").select_option("single_tariff")
    form.get_by_label("Номер прибора учёта").fill("5-РАЗРЯДОВ")

    # Two months ago, a month ago (100 kWh a month: the meter's usual month), today.
    for days_ago, value in [(60, "99 700"), (30, "99 800")]:
        date.fill((today - timedelta(days=days_ago)).isoformat())
        form.get_by_label("Т1", exact=True).fill(value)
        form.get_by_role("button", name="Ввести").click()
        expect(form.get_by_role("status")).to_contain_text("Показания приняты")
    expect(form.get_by_label("Показания перешли через ноль")).to_be_hidden()

    # The counter passed 99 999: lower than the previous, so the form asks.
    date.fill(today.isoformat())
    form.get_by_label("Т1", exact=True).fill("00012")
    form.get_by_role("button", name="Ввести").click()
    expect(field_error(form, "Т1")).to_contain_text("перешёл через ноль")
    expect(field_error(form, "Т1")).not_to_contain_text("заменён")
    shot(page, artifacts, f"69-readings-rollover-question-{viewport['width']}")
    form.get_by_label("Показания перешли через ноль").check()
    form.get_by_label("Разрядность прибора учёта").fill("5")
    form.get_by_role("button", name="Ввести").click()
    success = form.get_by_role("status")
    expect(success).to_contain_text("(с переходом через ноль): Т1 — 212 кВт·ч")
    expect(form.get_by_label("Показания перешли через ноль")).to_be_hidden()
    shot(page, artifacts, f"69-readings-rollover-accepted-{viewport['width']}")

    # 2 000 kWh at once, over ten usual months: a warning the consumer confirms.
    form.get_by_label("Т1", exact=True).fill("2012")
    form.get_by_role("button", name="Ввести").click()
    expect(form.locator("#reading-jump-field .field-error")).to_contain_text("более чем в 10 раз")
    form.get_by_label("Подтверждаю показание с большим расходом").check()
    shot(page, artifacts, f"69-readings-jump-question-{viewport['width']}")
    form.get_by_role("button", name="Ввести").click()
    expect(success).to_contain_text(f"Т1 — 2{NBSP}000 кВт·ч")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= viewport["width"]

    page_log.assert_clean(["422 /api/readings", "422 /api/readings"])


@pytest.mark.parametrize("viewport", [{"width": 375, "height": 740}], ids=["phone"])
def test_readings_pages_on_a_phone(page: Page, portal: Portal, page_log: PageLog, artifacts: Path) -> None:
    logged_in(page, portal)
    page.goto(f"{portal.url}/#/readings/manual")
    form = page.locator("#reading-form")
    form.get_by_label("Тип прибора учёта").select_option("single_tariff")
    form.get_by_label("Номер прибора учёта").fill("0123456789")
    form.get_by_label("Т1", exact=True).fill("100")
    form.get_by_role("button", name="Ввести").click()
    expect(form.get_by_role("status")).to_contain_text("Показания приняты")
    form.get_by_label("Т1", exact=True).fill("250,5")
    form.get_by_role("button", name="Ввести").click()
    expect(form.get_by_role("status")).to_contain_text("Т1 — 150,5 кВт·ч")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 375, "no sideways scrolling"
    shot(page, artifacts, "66-phone-readings-manual")

    page.goto(f"{portal.url}/#/readings/history")
    expect(page.locator("#history-table tbody tr")).to_have_count(2)
    expect(page.locator("#history-table tbody tr").first.locator("td").nth(2)).to_contain_text("150,5")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 375, "no sideways scrolling"
    shot(page, artifacts, "67-phone-readings-history")

    page_log.assert_clean([])


def test_history_shows_more_on_request(
    page: Page, portal: Portal, page_log: PageLog, artifacts: Path
) -> None:
    logged_in(page, portal)
    token = page.evaluate("() => JSON.parse(sessionStorage.getItem('portal.session')).idToken")
    for i in range(25):
        body = {"meter_type": "single_tariff", "meter_number": "A-1" if i % 5 else "B-2", "values": {"t1": i}}
        response = requests.post(
            f"{portal.url}/api/readings", json=body, headers={"Authorization": f"Bearer {token}"}, timeout=10
        )
        assert response.status_code == 201

    page.goto(f"{portal.url}/#/readings/history")
    rows = page.locator("#history-table tbody tr")
    expect(rows).to_have_count(20)
    expect(rows.first.locator("td").nth(1)).to_have_text("Т1: 24")
    page.get_by_role("button", name="Показать ещё").click()
    expect(rows).to_have_count(25)
    expect(rows.last.locator("td").nth(1)).to_have_text("Т1: 0")
    expect(page.get_by_role("button", name="Показать ещё")).to_be_hidden()
    shot(page, artifacts, "68-readings-history-all-pages")

    page.get_by_label("Прибор учёта").select_option(label="B-2 — Однотарифный")
    expect(rows).to_have_count(5)
    expect(rows.first.locator("td").nth(2)).to_have_text("Т1: 5")
    expect(page.get_by_role("button", name="Показать ещё")).to_be_hidden()
    page.get_by_label("Прибор учёта").select_option(label="Все приборы учёта")
    expect(rows).to_have_count(20)

    page_log.assert_clean([])
