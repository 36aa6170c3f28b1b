"""«Мои данные» as a page (issue 32): the export's sections and tables, printable; a printed page
shows no form nor button, but the company's name, the request number and when it was printed; a file
link whose presigned URL expired fetches a fresh one. Desktop and 375 px."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import DESKTOP, PageLog, Portal, log_in_new_consumer, shot
from tests.e2e.test_conversation_flow import company_document, company_writes, file_in_browser, request_id_of

pytestmark = pytest.mark.e2e
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def printed(page: Page) -> None:
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    page.emulate_media(media="print")


@pytest.mark.parametrize("viewport", [DESKTOP, {"width": 375, "height": 740}], ids=["desktop", "phone"])
def test_my_data_reads_as_sections_and_prints_without_controls(
    page: Page, portal: Portal, page_log: PageLog, artifacts: Path, viewport: dict[str, int]
) -> None:
    width = viewport["width"]
    email = log_in_new_consumer(page, portal, tag="my-data", start="#/profile")
    page.get_by_role("link", name="страницей, которую можно прочитать и распечатать").click()
    expect(page.get_by_role("heading", level=1, name="Мои данные")).to_be_visible()
    for title in ("Профиль", "Заявки", "Мои объекты", "Показания", "Подключение АСКУЭ"):
        expect(page.get_by_role("heading", level=2, name=title)).to_be_visible()
    profile = page.get_by_role("region", name="Профиль")
    expect(profile).to_contain_text("Электронная почта")
    expect(profile).to_contain_text(email)
    expect(page.locator("main")).not_to_contain_text("{")  # no raw JSON
    expect(page.locator("main")).not_to_contain_text(re.compile(r"\b[a-z]+_[a-z0-9_]+\b"))  # no field's code
    expect(profile).to_contain_text("физическое лицо")
    expect(page.get_by_role("button", name="Распечатать")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(page, artifacts, f"97-my-data-{width}")

    printed(page)
    expect(page.get_by_role("button", name="Распечатать")).to_be_hidden()
    expect(page.locator(".brand-name")).to_be_visible()  # the company's name
    note = page.evaluate("getComputedStyle(document.querySelector('#main'), '::before').content")
    assert re.search(r"Напечатано \d{2}\.\d{2}\.\d{4}, \d{2}:\d{2} МСК", note), note
    shot(page, artifacts, f"98-my-data-printed-{width}")
    page_log.assert_clean([])


def test_a_printed_request_and_an_expired_file_link(
    page: Page, portal: Portal, page_log: PageLog, artifacts: Path
) -> None:
    log_in_new_consumer(page, portal, tag="print-request", start="#/requests")
    number = file_in_browser(page, portal, "Прошу снять показания.")
    request_id = request_id_of(portal, number)
    company_writes(
        portal,
        request_id,
        {
            "text": "Акт во вложении.",
            "attachments": [company_document(portal, "Акт.pdf", PDF)],
            "kind": "other",
        },
    )
    page.goto(f"{portal.url}/#/requests/{request_id}")
    link = page.get_by_role("link", name=re.compile("Акт"))
    expect(link).to_be_visible()

    # The link's URL as if the page had stood open past its 5 minutes: a click gets a fresh one.
    page.evaluate(
        """(a) => { const url = new URL(a.href); url.searchParams.set('X-Amz-Date', '20200101T000000Z');
                   a.href = url.toString(); }""",
        link.element_handle(),
    )
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.endswith(".pdf")
    assert "2020" not in link.get_attribute("href")

    printed(page)
    main = page.locator("main")
    assert all(not f.is_visible() for f in main.locator("form, button, .req-withdraw").all())
    expect(main.locator("h1")).to_contain_text(number)
    expect(page.locator(".brand-name")).to_be_visible()
    shot(page, artifacts, "99-request-printed")
    page_log.assert_clean([])
