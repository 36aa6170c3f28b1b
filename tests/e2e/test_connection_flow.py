"""A household files a technological connection in the browser: the form says which procedure of
ПП № 861 applies and why before filing (п. 14, no single-line diagram), the request is filed with its
connection point, and its page shows the stages as a timeline; the company places the offer (the
integration API) and the timeline moves on. The form is a wizard: the applicant (a person's passport,
no organisation's requisites), the object and power, the documents (a file slot for each), the check.
At desktop width and on a 375 px phone."""

import re
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Page, expect

from tests.e2e.conftest import DESKTOP, PageLog, Portal, fill_request, log_in_new_consumer, shot
from tests.e2e.test_requests_flow import PDF

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("viewport", [DESKTOP, {"width": 375, "height": 740}], ids=["desktop", "phone"])
def test_a_household_sees_its_procedure_before_filing_and_the_stages_after(
    page: Page, portal: Portal, page_log: PageLog, artifacts: Path, viewport: dict[str, int]
) -> None:
    width = viewport["width"]
    log_in_new_consumer(page, portal, tag="connection", start="#/requests/new/connection")
    form = page.locator("#request-form")
    procedure = page.locator("#rq-procedure")
    typed = {
        "Место жительства или место нахождения заявителя": "Московская обл., д. Берёзки, ул. Садовая, 7",
        "Серия документа": "4510",
        "Номер документа": "123456",
        "Дата выдачи документа": "2015-05-05",
        "Кем выдан документ": "ОУФМС России по Московской обл.",
        "Наименование объекта": "Жилой дом",
        "Адрес объекта": "Московская обл., д. Берёзки, ул. Садовая, 7",
        "Кадастровый номер": "50:20:0010101:1234",
        "Запрашиваемая максимальная мощность, кВт": "15",
        "Точка присоединения": "ВРУ-0,4 кВ жилого дома",
        "Мощность в точке, кВт": "15",
        "Гарантирующий поставщик": "АО «Мосэнергосбыт»",
        "Расстояние до сетей, м": "120",
    }
    picked = {
        "Заявитель": "Физическое лицо",
        "Для каких нужд": "Бытовые нужды, не связанные с предпринимательской деятельностью",
        "Документ, удостоверяющий личность": "Паспорт гражданина РФ",
        "Причина обращения": "Новое присоединение",
        "Уровень напряжения": "0,4 кВ",
        "Категория надёжности": "III категория",
        "Вид договора с поставщиком": "Договор энергоснабжения",
        "Местность": "Сельская местность",
        "Напряжение в точке": "0,4 кВ",
    }
    seen: list[str] = []

    def on_step(title: str) -> None:
        seen.append(title)
        if title.endswith("Заявитель"):
            # A person is asked for a passport, never for an organisation's requisites.
            expect(form.get_by_label("ИНН", exact=True)).to_be_hidden()
            expect(form.get_by_label("Полное наименование организации", exact=True)).to_be_hidden()
            shot(page, artifacts, f"90-connection-step-1-{width}")
        if title.endswith("Документы"):
            # Before filing: п. 14, why, the offer's term, and a slot for each document of п. 10,
            # without the diagram.
            expect(procedure).to_contain_text("Физическое лицо до 15 кВт для бытовых нужд — ПП № 861, п. 14")
            expect(procedure).to_contain_text("в течение 10 рабочих дней")
            expect(
                form.get_by_label(re.compile("^План расположения энергопринимающих устройств"))
            ).to_be_visible()
            expect(form.get_by_label(re.compile("^Копия паспорта"))).to_be_visible()
            expect(form).not_to_contain_text("Однолинейная схема")
            assert page.evaluate("() => document.documentElement.scrollWidth") <= width, (
                "no sideways scrolling"
            )
            shot(page, artifacts, f"90-connection-procedure-before-filing-{width}")
            procedure.screenshot(path=artifacts / f"90-connection-procedure-box-{width}.png")
            form.get_by_label(re.compile("^План расположения")).set_input_files(
                [{"name": "План.pdf", "mimeType": "application/pdf", "buffer": PDF}]
            )

    fill_request(form, typed, picked, "Прошу присоединить жилой дом.", on_step=on_step)
    assert [title.split(". ", 1)[1] for title in seen] == [
        "Заявитель",
        "Объект и мощность",
        "Документы",
        "Проверка и отправка",
    ]
    # The check before sending shows what was entered, the document's file among it.
    check = form.locator(".wizard-check")
    expect(check).to_contain_text("Паспорт гражданина РФ")
    expect(check).to_contain_text("План.pdf")
    shot(page, artifacts, f"90-connection-step-4-{width}")

    # A person asking for category II is not п. 14: back on the documents step the box says so.
    form.get_by_role("button", name="Назад").click()
    form.get_by_role("button", name="Назад").click()
    form.get_by_label("Категория надёжности", exact=True).select_option(label="II категория")
    form.get_by_role("button", name="Далее").click()
    expect(procedure).to_contain_text("Общий порядок, до 150 кВт — ПП № 861, пп. 9, 10")
    form.get_by_role("button", name="Назад").click()
    form.get_by_label("Категория надёжности", exact=True).select_option(label="III категория")
    form.get_by_role("button", name="Далее").click()
    expect(procedure).to_contain_text("ПП № 861, п. 14")
    form.get_by_role("button", name="Далее").click()

    form.get_by_role("button", name="Отправить").click()
    expect(page.get_by_role("heading", level=1, name="Заявка зарегистрирована")).to_be_visible()
    expect(page.locator("#req-documents")).to_contain_text("ПП № 861, п. 14")
    request_id = page.url.split("#/requests/")[1].split("/")[0]

    page.get_by_role("link", name="Открыть заявку").click()
    stages = page.locator("#req-stages")
    expect(stages).to_contain_text("Этапы присоединения")
    expect(stages.locator(".req-stage").first).to_contain_text("Выполнено")
    current = stages.locator("[aria-current='step']")
    expect(current).to_contain_text(
        "Условия договора, счёт и технические условия размещены в личном кабинете"
    )
    expect(current).to_contain_text("Срок — до")
    expect(stages).to_contain_text("Уведомление об обеспечении возможности присоединения")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width, "no sideways scrolling"
    stages.scroll_into_view_if_needed()
    shot(page, artifacts, f"91-connection-stages-{width}")

    # The company places the offer; the timeline moves on to the payment.
    marked = requests.post(
        f"{portal.url}/api/integration/requests/{request_id}/stages",
        json={"stage": "offer_placed", "message": "Условия договора и счёт в личном кабинете."},
        headers={"x-api-key": portal.api_key},
        timeout=15,
    )
    assert marked.status_code == 200, marked.text
    page.reload()
    expect(stages.locator("[aria-current='step']")).to_contain_text("Счёт оплачен — договор заключён")
    expect(stages.locator(".req-stage-done")).to_have_count(2)
    shot(page, artifacts, f"92-connection-stage-marked-{width}")
    stages.screenshot(path=artifacts / f"92-connection-stages-box-{width}.png")
    page_log.assert_clean([])
