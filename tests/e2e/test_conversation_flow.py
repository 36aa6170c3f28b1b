"""A request is a conversation, in the browser: the company (through the integration API with the
local key) asks for a photo, the consumer answers with one in Chromium and the request is back «На
рассмотрении»; the company sends «Технические условия» as a PDF, the consumer downloads it; a second
request is withdrawn. Each step is mailed and in the history; the page is shot at desktop and 375 px."""

import re
import uuid
from pathlib import Path
from typing import Any

import pytest
import requests
from playwright.sync_api import Page, expect

from tests.e2e.conftest import PageLog, Portal, shot
from tests.e2e.test_requests_flow import (
    PDF,
    PHONE,
    PNG,
    TYPES,
    fill_request,
    integrator,
    log_in,
    open_requests,
)
from tests.stack import INTEGRATION_API_KEY

pytestmark = pytest.mark.e2e


def file_in_browser(page: Page, portal: Portal, text: str) -> str:
    """Files a «снятие показаний» request through the form; returns its number."""
    title, typed, picked = TYPES[1]
    open_requests(page)
    page.get_by_role("region", name="Создание заявки").get_by_role("link", name=title, exact=True).click()
    form = page.locator("#request-form")
    fill_request(form, typed, picked, text)
    form.get_by_role("button", name="Отправить").click()
    expect(page.get_by_role("heading", level=1, name="Заявка зарегистрирована")).to_be_visible(timeout=15_000)
    return page.get_by_role("status").filter(has_text="Номер заявки").locator("dd").first.inner_text()


def request_id_of(portal: Portal, number: str) -> str:
    pulled = integrator(
        portal, "GET", "/api/integration/requests", params={"status": "registered", "limit": 100}
    )
    return str(next(item["id"] for item in pulled["items"] if item["number"] == number))


def company_document(portal: Portal, name: str, data: bytes) -> str:
    """The integrator's upload: a presigned POST from the integration API, then the file to S3."""
    form = integrator(
        portal,
        "POST",
        "/api/integration/uploads",
        json={"filename": name, "content_type": "application/pdf", "size": len(data)},
    )
    posted = requests.post(
        form["url"], data=form["fields"], files={"file": (name, data, "application/pdf")}, timeout=10
    )
    assert posted.ok, posted.text
    return str(form["key"])


def company_writes(portal: Portal, request_id: str, body: dict[str, Any]) -> Any:
    answer = requests.post(
        f"{portal.url}/api/integration/requests/{request_id}/messages",
        json=body,
        headers={"x-api-key": INTEGRATION_API_KEY, "Idempotency-Key": uuid.uuid4().hex},
        timeout=10,
    )
    assert answer.status_code == 201, answer.text
    return answer.json()


def open_request(page: Page, portal: Portal, request_id: str, number: str) -> None:
    page.goto(f"{portal.url}/#/requests/{request_id}")
    expect(page.get_by_role("heading", level=1, name=f"Заявка № {number}")).to_be_visible()


def test_the_company_asks_the_consumer_answers_with_a_photo_gets_a_document_and_withdraws_another(
    page: Page, portal: Portal, page_log: PageLog, artifacts: Path
) -> None:
    email = log_in(page, portal)
    number = file_in_browser(page, portal, "Прошу снять показания счётчика.")
    second = file_in_browser(page, portal, "Вторая заявка: её я отзову.")
    request_id, second_id = request_id_of(portal, number), request_id_of(portal, second)

    # The company asks for a photo.
    integrator(
        portal,
        "PATCH",
        f"/api/integration/requests/{request_id}",
        json={"status": "needs_info", "comment": "Приложите фото счётчика с показаниями."},
    )
    asked = portal.wait_for_mail(email, f"Заявка № {number}: требуются уточнения")
    assert "Приложите фото счётчика с показаниями." in asked["text"]
    assert "«Ответить»" in asked["text"] and "«Выберите файл»" in asked["text"]
    assert f"/#/requests/{request_id}" in asked["text"]

    # The consumer answers with a photo.
    open_request(page, portal, request_id, number)
    thread = page.get_by_role("region", name="Переписка по заявке")
    # The company's question and the reply form come first (issue 32).
    asked = page.get_by_role("region", name="Компания просит уточнений")
    expect(asked).to_contain_text("Приложите фото счётчика с показаниями.")
    expect(asked.locator("#reply-form")).to_be_visible()
    expect(thread.get_by_text("Сообщений пока нет.")).to_be_visible()
    shot(page, artifacts, "60-request-needs-info")
    reply = page.locator("#reply-form")
    reply.get_by_label("Выберите файл").set_input_files(
        [{"name": "показания.txt", "mimeType": "text/plain", "buffer": b"12345"}]
    )
    reply.get_by_role("button", name="Ответить").click()
    files = reply.get_by_label("Выберите файл")
    expect(files).to_have_attribute("aria-invalid", "true")
    expect(files).to_have_accessible_description(
        re.compile("«показания.txt»: Можно приложить только файлы PDF, JPEG, PNG или TIFF")
    )
    reply.get_by_label("Ваше сообщение").fill("Фото счётчика прилагаю, показания 12345.")
    reply.get_by_label("Выберите файл").set_input_files(
        [{"name": "Счётчик.png", "mimeType": "image/png", "buffer": PNG}]
    )
    with page.expect_request(f"{portal.url}/api/requests/{request_id}/messages") as sent:
        reply.get_by_role("button", name="Ответить").click()
    assert sent.value.headers.get("idempotency-key")
    expect(page.get_by_text("Сообщение отправлено.")).to_be_visible()
    data = page.get_by_role("region", name="Данные заявки")
    expect(data).to_contain_text("На рассмотрении")
    thread = page.get_by_role("region", name="Переписка по заявке")
    mine = thread.get_by_role("listitem").filter(has_text="Фото счётчика прилагаю")
    expect(mine).to_contain_text("Вы")
    expect(mine.get_by_role("link", name="Счётчик.png")).to_be_visible()
    history = page.get_by_role("region", name="История статусов").get_by_role("listitem")
    expect(history.last).to_contain_text("На рассмотрении")
    expect(history.last).to_contain_text("Потребитель ответил на запрос уточнений.")
    shot(page, artifacts, "61-request-answered")
    portal.wait_for_mail(email, f"Заявка № {number}: на рассмотрении")

    # The company sees the unanswered message with the photo, and sends the technical conditions.
    waiting = integrator(portal, "GET", "/api/integration/requests", params={"unanswered": "true"})
    assert request_id in [item["id"] for item in waiting["items"]]
    seen = integrator(portal, "GET", f"/api/integration/requests/{request_id}")
    [answer] = seen["messages"]
    assert (answer["changed_by"], answer["text"]) == ("consumer", "Фото счётчика прилагаю, показания 12345.")
    assert requests.get(answer["attachments"][0]["url"], timeout=10).content == PNG
    assert seen["history"][-1]["changed_by"] == "consumer"
    document = company_document(portal, "ТУ-2026-17.pdf", PDF)
    company_writes(
        portal,
        request_id,
        {
            "text": "Направляем технические условия.",
            "attachments": [document],
            "kind": "technical_conditions",
        },
    )
    waiting = integrator(portal, "GET", "/api/integration/requests", params={"unanswered": "true"})
    assert request_id not in [item["id"] for item in waiting["items"]]
    mailed = portal.wait_for_mail(email, f"Заявка № {number}: новый документ")
    assert "«Технические условия»" in mailed["text"] and f"/#/requests/{request_id}" in mailed["text"]

    # The consumer downloads it.
    page.reload()
    thread = page.get_by_role("region", name="Переписка по заявке")
    theirs = thread.get_by_role("listitem").filter(has_text="Направляем технические условия.")
    expect(theirs).to_contain_text("ООО «Сетевая компания» (демо)")  # the OperatorName
    expect(theirs).to_contain_text("Технические условия")
    with page.expect_download() as download:
        theirs.get_by_role("link", name="Технические условия: ТУ-2026-17.pdf").click()
    assert Path(download.value.path()).read_bytes() == PDF
    shot(page, artifacts, "62-request-document")
    page.set_viewport_size(PHONE)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, artifacts, "63-phone-request-conversation")
    page.set_viewport_size({"width": 1280, "height": 900})

    # The second request is withdrawn.
    open_request(page, portal, second_id, second)
    page.get_by_text("Отозвать заявку", exact=True).first.click()
    withdraw = page.locator("#withdraw-form")
    withdraw.get_by_role("button", name="Отозвать заявку").click()
    expect(withdraw.get_by_label("Причина отзыва")).to_have_attribute("aria-invalid", "true")
    withdraw.get_by_label("Причина отзыва").fill("Показания сняли сами.")
    withdraw.get_by_role("button", name="Отозвать заявку").click()
    expect(page.get_by_text("Заявка отозвана.")).to_be_visible()
    expect(page.get_by_role("region", name="Данные заявки")).to_contain_text("Отозвана")
    history = page.get_by_role("region", name="История статусов").get_by_role("listitem")
    expect(history.last).to_contain_text("Отозвана")
    expect(history.last).to_contain_text("Показания сняли сами.")
    expect(page.get_by_text("Заявка закрыта: сообщения по ней больше не принимаются.")).to_be_visible()
    expect(page.locator("#reply-form")).to_have_count(0)
    shot(page, artifacts, "64-request-withdrawn")
    page.set_viewport_size(PHONE)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, artifacts, "65-phone-request-withdrawn")
    withdrawn_mail = portal.wait_for_mail(email, f"Заявка № {second} отозвана")
    assert "Показания сняли сами." in withdrawn_mail["text"]
    listed = integrator(portal, "GET", "/api/integration/requests", params={"status": "withdrawn"})
    assert second_id in [item["id"] for item in listed["items"]]

    open_requests(page)
    row = page.get_by_role("list", name="Мои заявки").get_by_role("listitem").filter(has_text=second)
    expect(row).to_contain_text("Отозвана")
    assert re.fullmatch(r"\d{4}-\d{6}", number)
    page_log.assert_clean(
        expected_refusals=["422 /api/requests/uploads", f"422 /api/requests/{second_id}/withdraw"]
    )
