"""«Заявки» in the browser: a consumer files a request of each type with a scanned file, sees the
number and the deadline, finds them all in the list; the company moves one through the API and the
consumer sees the new status and the comment after a reload, and downloads the file."""

import json
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from playwright.sync_api import Page, expect

from functions.common.clock import moscow_today
from functions.requests.calendar import add_working_days
from tests.e2e.conftest import CHECKED, PageLog, Portal, fill_request, log_in_new_consumer, open_section, shot
from tests.stack import INTEGRATION_API_KEY

pytestmark = pytest.mark.e2e

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
SOON = (date.today() + timedelta(days=7)).isoformat()
# A meter's admission: 3 to 15 working days ahead (functions/requests/meter_rules.py).
ADMISSION_DAY = add_working_days(moscow_today(), 5).isoformat()
EARLIER = (date.today() - timedelta(days=2)).isoformat()
PHONE = {"width": 375, "height": 812}

# For each type: the tile's title, and what a consumer types (label → value) and picks (label → option).
TYPES: list[tuple[str, dict[str, str], dict[str, str]]] = [
    (
        "Заявка на технологическое присоединение к электрическим сетям",
        {
            "Место жительства или место нахождения заявителя": "Московская обл., д. Берёзки, ул. Садовая, 7",
            "Серия документа": "4510",
            "Номер документа": "123456",
            "Дата выдачи документа": "2015-05-05",
            "Кем выдан документ": "ОУФМС России по Московской обл.",
            "Наименование объекта": "Жилой дом",
            "Адрес объекта": "Московская обл., д. Берёзки, ул. Садовая, 7",
            "Кадастровый номер": "50:20:0010101:1234",
            "Запрашиваемая максимальная мощность, кВт": "15",
            "Точка присоединения": "ВРУ-0,22 кВ жилого дома",
            "Мощность в точке, кВт": "15",
            "Гарантирующий поставщик": "АО «Мосэнергосбыт»",
        },
        {
            "Заявитель": "Физическое лицо",
            "Для каких нужд": "Бытовые нужды, не связанные с предпринимательской деятельностью",
            "Документ, удостоверяющий личность": "Паспорт гражданина РФ",
            "Причина обращения": "Новое присоединение",
            "Уровень напряжения": "0,22 кВ",
            "Напряжение в точке": "0,22 кВ",
            "Категория надёжности": "III категория",
            "Вид договора с поставщиком": "Договор энергоснабжения",
            "Местность": "Сельская местность",
        },
    ),
    (
        "Заявка на снятие показаний прибора учёта электроэнергии",
        {
            "Адрес установки прибора учёта": "г. Москва, ул. Мира, 5, кв. 12",
            "Лицевой счёт": "5001 2345 67",
            "Номер прибора учёта": "01234567",
            "Желаемая дата снятия показаний": SOON,
        },
        {"Причина обращения": "Контрольное снятие показаний"},
    ),
    (
        "Заявка на осуществление допуска в эксплуатацию прибора учёта",
        {
            "Адрес установки прибора учёта": "г. Москва, ул. Мира, 5, кв. 12",
            "Номер прибора учёта": "98765432",
            "Модель прибора учёта": "Меркурий 201.8",
            "Дата установки прибора учёта": EARLIER,
            "Показания при установке, кВт·ч": "0,5",
            "Дата поверки прибора учёта": EARLIER,
            "Номер записи о поверке в ФГИС «Аршин»": "С-ВЯ/01-10-2026/232853465",
            "Дата следующей поверки": (date.today() + timedelta(days=16 * 365)).isoformat(),
            "Желаемая дата допуска": ADMISSION_DAY,
            "Прибор учёта может быть присоединён к ИСУ": CHECKED,
        },
        {"Удобное время": "С 9:00 до 13:00", "Кто установил прибор учёта": "Сетевая компания"},
    ),
    (
        "Заявка на оборудование точки поставки прибором учёта (либо его замена)",
        {
            "Адрес точки поставки": "г. Москва, ул. Мира, 5",
            "Номер заменяемого прибора учёта": "111222",
        },
        {
            "Вид помещения": "Жилой дом (домовладение)",
            "Вид работ": "Замена прибора учёта",
            "Причина обращения": "Истёк межповерочный интервал",
        },
    ),
    (
        "Заявление о бездоговорном (безучётном) потреблении электроэнергии",
        {
            "Место выявления (адрес)": "г. Москва, ул. Лесная, 3",
            "Дата выявления": EARLIER,
            "Описание нарушения": "Провод наброшен на линию в обход прибора учёта",
        },
        {"Вид нарушения": "Не знаю"},
    ),
    (
        "Хищение объектов электросетевого хозяйства",
        {
            "Место происшествия (адрес или ориентир)": "ВЛ-0,4 кВ у д. Берёзки, опоры 12–15",
            "Номер опоры, ТП или КТП": "оп. 12, КТП-104",
            "Дата обнаружения": EARLIER,
            "Похищенное или повреждённое имущество": "Провод СИП 4×16, около 120 м",
        },
        {"Что произошло": "Хищение"},
    ),
    (
        "Сообщение об отсутствии электроэнергии",
        {
            "Адрес, где нет электроэнергии": "г. Бор, ул. Лесная, д. 7",
            "С какого дня нет электроэнергии": EARLIER,
            "Примерно с какого времени": "7:30",
        },
        {"Где нет электроэнергии": "На всей улице", "Видна ли опасность": "Опасности не видно"},
    ),
]


def log_in(page: Page, portal: Portal) -> str:
    email = log_in_new_consumer(page, portal, tag="requests")
    expect(page.get_by_role("navigation", name="Главное меню")).to_be_visible()
    return email


def open_requests(page: Page) -> None:
    open_section(page, "Заявки")
    expect(page.get_by_role("heading", level=1, name="Заявки")).to_be_visible()


def integrator(portal: Portal, method: str, path: str, **kwargs: Any) -> Any:
    answer = requests.request(
        method, f"{portal.url}{path}", headers={"x-api-key": INTEGRATION_API_KEY}, timeout=10, **kwargs
    )
    assert answer.ok, answer.text
    return answer.json()


def test_file_each_type_with_a_file_see_the_list_and_the_companys_answer(
    page: Page, portal: Portal, page_log: PageLog, artifacts: Path
) -> None:
    email = log_in(page, portal)
    open_requests(page)
    create = page.get_by_role("region", name="Создание заявки")
    for title, _, _ in TYPES:
        expect(create.get_by_role("link", name=title, exact=True)).to_be_visible()
    expect(page.get_by_text("Вы ещё не подавали заявок.")).to_be_visible()
    shot(page, artifacts, "40-requests-empty")

    # The first form, the connection's wizard: a file of a refused type, then fixed; a negative power
    # and no text are refused by the service, and the wizard opens the step of the first refused field.
    create.get_by_role("link", name=TYPES[0][0], exact=True).click()
    form = page.locator("#request-form")
    expect(page.get_by_role("heading", level=1, name=TYPES[0][0])).to_be_visible()
    expect(page.get_by_text("Ориентировочный срок рассмотрения — 15 рабочих дней")).to_be_visible()
    typed = dict(TYPES[0][1])
    typed["Запрашиваемая максимальная мощность, кВт"] = "-5"
    fill_request(form, typed, TYPES[0][2], "")
    form.get_by_label("Выберите файл").set_input_files(
        [{"name": "письмо.txt", "mimeType": "text/plain", "buffer": b"hello"}]
    )
    form.get_by_role("button", name="Отправить").click()
    files = form.get_by_label("Выберите файл")
    expect(files).to_be_visible()
    expect(files).to_have_attribute("aria-invalid", "true")
    expect(files).to_have_accessible_description(re.compile("можно приложить только PDF, JPEG, PNG или TIFF"))
    form.get_by_label("Выберите файл").set_input_files(
        [{"name": "Заявление.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    expect(form.get_by_text(re.compile(r"Заявление\.pdf — \d+ Б"))).to_be_visible()
    form.get_by_role("button", name="Далее").click()
    form.get_by_role("button", name="Отправить").click()
    power = form.get_by_label("Запрашиваемая максимальная мощность, кВт", exact=True)
    expect(power).to_be_visible()
    expect(power).to_be_focused()
    expect(power).to_have_accessible_description(re.compile("должно быть больше 0"))
    text = form.get_by_label("Текст заявки", exact=True)
    expect(text).to_have_attribute("aria-invalid", "true")
    expect(text).to_have_accessible_description(re.compile("Заполните поле «Текст заявки»."))
    shot(page, artifacts, "41-request-form-errors")
    page.reload()  # the draft brings back what was typed (not the file); the loop below fills it right
    form.get_by_label("Выберите файл").set_input_files(
        [{"name": "Заявление.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )

    numbers: list[str] = []
    for index, (title, typed, picked) in enumerate(TYPES):
        if index > 0:
            open_requests(page)
            page.get_by_role("region", name="Создание заявки").get_by_role(
                "link", name=title, exact=True
            ).click()
            form = page.locator("#request-form")
            name, data, mime = (
                ("Скан.png", PNG, "image/png") if index % 2 else ("Заявление.pdf", PDF, "application/pdf")
            )
            form.get_by_label("Выберите файл").set_input_files(
                [{"name": name, "mimeType": mime, "buffer": data}]
            )
        fill_request(form, typed, picked, f"Заявка № {index + 1} из e2e: прошу выполнить.")
        if index == 0:
            shot(page, artifacts, "42-request-form-filled")
        with page.expect_request(f"{portal.url}/api/requests") as sent:
            form.get_by_role("button", name="Отправить").click()
        assert sent.value.headers.get("idempotency-key")
        expect(page.get_by_role("heading", level=1, name="Заявка зарегистрирована")).to_be_visible()
        done = page.get_by_role("status").filter(has_text="Номер заявки")
        number = done.locator("dd").first.inner_text()
        assert re.fullmatch(r"\d{4}-\d{6}", number), number
        expect(done).to_contain_text(re.compile(r"до \d{1,2} [а-я]+ \d{4} г\."))
        numbers.append(number)
        if index == 0:
            shot(page, artifacts, "43-request-registered")
            body = sent.value.post_data_json
            assert body["fields"]["max_power_kw"] == 15
            assert body["fields"]["voltage_kv"] == "0.22"
            assert len(body["attachments"]) == 1
            assert body["fields"]["points"] == [
                {"name": "ВРУ-0,22 кВ жилого дома", "max_power_kw": 15, "voltage_kv": "0.22"}
            ]
            # ПП № 861, п. 10 for a household under п. 14: what to attach is listed, no diagram.
            documents = page.locator("#req-documents li")
            expect(documents.first).to_have_text(
                "План расположения энергопринимающих устройств (ПП № 861, п. 10 «а»)"
            )
            expect(page.locator("#req-documents")).not_to_contain_text("Однолинейная схема")
            expect(page.locator("#req-documents")).to_contain_text(
                "План расположения энергопринимающих устройств"
            )

    for number in numbers:  # mail goes through the queue: each arrives a moment after its answer
        portal.wait_for_mail(email, f"Заявка № {number} зарегистрирована")
    mails = [m for m in portal.outbox() if m["to"] == email and "зарегистрирована" in m["subject"]]
    assert [m["subject"] for m in mails] == [f"Заявка № {n} зарегистрирована" for n in numbers]

    # The list at the bottom of «Заявки»: every request, newest first, with its status.
    open_requests(page)
    rows = page.get_by_role("list", name="Мои заявки").get_by_role("listitem")
    expect(rows).to_have_count(len(TYPES))
    expect(rows.first).to_contain_text(f"№ {numbers[-1]}")
    expect(rows.first).to_contain_text(TYPES[-1][0])
    expect(rows.last).to_contain_text(f"№ {numbers[0]}")
    expect(rows.filter(has_text="Зарегистрирована")).to_have_count(len(TYPES))
    shot(page, artifacts, "44-requests-list")

    # The company takes the first request into review with a comment (its systems use the API key).
    pulled = integrator(portal, "GET", "/api/integration/requests", params={"status": "registered"})
    first = next(item for item in pulled["items"] if item["number"] == numbers[0])
    integrator(
        portal,
        "PATCH",
        f"/api/integration/requests/{first['id']}",
        json={"status": "in_review", "comment": "Заявка передана инженеру, он свяжется с вами."},
    )
    page.reload()
    row = page.get_by_role("list", name="Мои заявки").get_by_role("listitem").filter(has_text=numbers[0])
    expect(row).to_contain_text("На рассмотрении")
    row.get_by_role("link", name=f"№ {numbers[0]}").click()
    expect(page.get_by_role("heading", level=1, name=f"Заявка № {numbers[0]}")).to_be_visible()
    data = page.get_by_role("region", name="Данные заявки")
    expect(data).to_contain_text("0,22 кВ")
    expect(data).to_contain_text("Запрашиваемая максимальная мощность, кВт15Ранее")
    expect(data).to_contain_text("50:20:0010101:1234")
    history = page.get_by_role("region", name="История статусов").get_by_role("listitem")
    expect(history).to_have_count(2)
    expect(history.last).to_contain_text("На рассмотрении")
    expect(history.last).to_contain_text("Заявка передана инженеру, он свяжется с вами.")
    link = data.get_by_role("link", name="Заявление.pdf")
    with page.expect_download() as download:
        link.click()
    assert Path(download.value.path()).read_bytes() == PDF
    shot(page, artifacts, "45-request-detail-in-review")
    status_mail = portal.wait_for_mail(email, f"Заявка № {numbers[0]}: на рассмотрении")
    assert "Новый статус: На рассмотрении" in status_mail["text"]

    # Each page of the section, loaded afresh, stays within the budget of JS and CSS.
    weights = {}
    pages = {"list": "/requests", "form": "/requests/new/connection", "detail": f"/requests/{first['id']}"}
    for name, route in pages.items():
        page.goto(f"{portal.url}/#{route}")
        page.reload()
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        page.wait_for_load_state("networkidle")
        weights[name] = page_log.assert_within_budget(page)
    (artifacts / "requests-page-weight.json").write_text(json.dumps(weights, indent=2) + "\n")

    page_log.assert_clean(expected_refusals=["422 /api/requests"])


@pytest.mark.parametrize("viewport", [PHONE])
def test_request_form_and_list_on_a_phone(
    page: Page, portal: Portal, page_log: PageLog, artifacts: Path
) -> None:
    log_in(page, portal)
    open_requests(page)
    shot(page, artifacts, "46-phone-requests")
    page.get_by_role("link", name=TYPES[1][0], exact=True).click()
    form = page.locator("#request-form")
    fill_request(form, TYPES[1][1], TYPES[1][2], "Прошу снять показания.")
    form.get_by_label("Выберите файл").set_input_files(
        [{"name": "Скан.png", "mimeType": "image/png", "buffer": PNG}]
    )
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], "the form scrolls sideways on a phone"
    shot(page, artifacts, "47-phone-request-form")
    form.get_by_role("button", name="Отправить").click()
    expect(page.get_by_role("heading", level=1, name="Заявка зарегистрирована")).to_be_visible()
    page.get_by_role("link", name="Все заявки").click()
    expect(page.get_by_role("list", name="Мои заявки").get_by_role("listitem")).to_have_count(1)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, artifacts, "48-phone-requests-list")
    page_log.assert_clean(expected_refusals=[])
