"""«Показания» → «АСКУЭ» in the browser: the demo account's meters in a table, a wrong password next to
its field, remembering the link, the latest synced data after a reload, forgetting; and on a phone."""

import re
import urllib.request
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import PageLog, Portal, log_in_new_consumer, shot

pytestmark = pytest.mark.e2e

HEADERS = [
    "Название объекта",
    "Название прибора учёта",
    "Прямая активная энергия, кВт·ч",
    "Обратная активная энергия, кВт·ч",
    "Прямая реактивная энергия, квар·ч",
    "Обратная реактивная энергия, квар·ч",
    "Дата получения информации",
]
REFUSED = "АСКУЭ не приняла идентификатор или пароль. Проверьте их и повторите попытку."
RUSSIAN_NUMBER = re.compile(r"^\d{1,3}(?:[\u00a0\u202f ]\d{3})*(?:,\d{1,3})?$")


def open_askue_as_new_consumer(page: Page, portal: Portal, tag: str = "askue") -> None:
    """Logs a new consumer in on «АСКУЭ» and waits for the page to have drawn what it read
    (`/api/askue/latest`: the line under the table says when data came, or that none did) and
    for the router to mark the page ready: a form filled before that may be drawn again."""
    log_in_new_consumer(page, portal, tag=tag, start="#/readings/askue")
    expect(page.get_by_role("heading", level=1, name="АСКУЭ")).to_be_visible()
    expect(page.locator("#askue-fetched-at")).not_to_be_empty()
    expect(page.locator("html[data-ready=askue]")).to_be_attached()


def fetch(page: Page, login: str, password: str, *, remember: bool, status: int = 200) -> None:
    """Fills the form and presses «Получить данные»; the answer must have `status` (its problem
    is shown when it has not)."""
    form = page.locator("#askue-form")
    form.get_by_label("Идентификатор", exact=True).fill(login)
    form.get_by_label("Пароль", exact=True).fill(password)
    form.get_by_label("Запомнить для автоматического обновления").set_checked(remember)
    # The fetch reads the ASKUE (the simulator) and may take a while on a busy machine: wait for
    # its answer, then for the page.
    with page.expect_response(lambda r: r.url.endswith("/api/askue/fetch"), timeout=60_000) as answered:
        form.get_by_role("button", name="Получить данные").click()
    answer = answered.value
    assert answer.status == status, f"{answer.status}: {answer.text()}"


def test_demo_account_data_remember_reload_and_forget(
    page: Page, portal: Portal, page_log: PageLog, artifacts: Path
) -> None:
    open_askue_as_new_consumer(page, portal)
    expect(page.get_by_text("Данных пока нет")).to_be_visible()
    expect(page.get_by_text("Автоматическое обновление не настроено")).to_be_visible()
    shot(page, artifacts, "40-askue-empty")

    # A wrong password: the АСКУЭ's refusal next to the password field, nothing shown as data.
    fetch(page, "demo", "не-тот-пароль", remember=True, status=422)
    password = page.locator("#askue-form").get_by_label("Пароль", exact=True)
    expect(password).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#askue-form .field-error")).to_have_text(REFUSED)
    expect(page.locator("#askue-table")).to_have_count(0)
    shot(page, artifacts, "41-askue-wrong-password")

    # The demo account: every meter, the seed's columns, Russian numbers.
    fetch(page, "demo", "demo-askue-1", remember=True)
    table = page.locator("#askue-table")
    expect(table).to_be_visible()
    expect(table.locator("thead th")).to_have_text(HEADERS)
    expect(table.locator("tbody tr")).to_have_count(3)
    expect(table).to_contain_text("Жилой дом, ул. Садовая, 12")
    expect(table).to_contain_text("Магазин «Весна», ул. Садовая, 14")
    expect(table).to_contain_text("Меркурий 230 ART-03 № 31180261 (ввод 2)")
    for value in table.locator("td.num").all_inner_texts():
        assert RUSSIAN_NUMBER.match(value.strip()), value
    house = table.locator("tbody tr", has_text="Жилой дом")
    assert house.locator("td").nth(2).inner_text() != "0", "the house exports energy (A−)"
    expect(house.locator("td").last).to_have_text(re.compile(r"^\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2} МСК$"))
    expect(page.locator("#askue-form").get_by_role("status")).to_contain_text("сохранены")
    expect(page.locator("#askue-link")).to_contain_text(
        "Автоматическое обновление включено для идентификатора «demo»"
    )
    shot(page, artifacts, "42-askue-demo-table")

    # The schedule syncs the remembered account; after a reload the page shows it without a password.
    request = urllib.request.Request(  # noqa: S310 (the local stack)
        f"{portal.url}/_local/schedule/AskueSyncPlannerFunction", method="POST"
    )
    urllib.request.urlopen(request, timeout=10).close()  # noqa: S310
    expect(page.locator("#askue-table")).to_be_visible()
    for _ in range(20):
        page.reload()
        expect(page.locator("#askue-fetched-at")).to_contain_text("Последнее получение данных")
        if "автоматическое обновление" in page.locator("#askue-fetched-at").inner_text():
            break
        page.wait_for_timeout(500)
    expect(page.locator("#askue-fetched-at")).to_contain_text("(автоматическое обновление)")
    expect(page.locator("#askue-table tbody tr")).to_have_count(3)
    expect(page.locator("#askue-form").get_by_label("Пароль", exact=True)).to_have_value("")
    shot(page, artifacts, "43-askue-synced-after-reload")

    # Forget: the link is gone, the data stays.
    page.get_by_role("button", name="Забыть").click()
    expect(page.get_by_text("Идентификатор и пароль АСКУЭ удалены")).to_be_visible()
    expect(page.get_by_text("Автоматическое обновление не настроено")).to_be_visible()
    expect(page.get_by_role("button", name="Забыть")).to_be_hidden()
    expect(page.locator("#askue-table tbody tr")).to_have_count(3)
    shot(page, artifacts, "44-askue-forgotten")

    page.reload()
    expect(page.get_by_text("Автоматическое обновление не настроено")).to_be_visible()
    page.wait_for_load_state("networkidle")
    page_log.assert_within_budget(page)
    page_log.assert_clean(["422 /api/askue/fetch"])


@pytest.mark.parametrize("viewport", [{"width": 375, "height": 740}], ids=["phone"])
def test_askue_on_a_phone_and_a_password_that_stopped_working(
    page: Page, portal: Portal, page_log: PageLog, artifacts: Path
) -> None:
    open_askue_as_new_consumer(page, portal)
    # A `changing-…` account of the simulator takes any password until it is changed there.
    login = f"changing-{uuid.uuid4().hex[:8]}"
    fetch(page, login, "пароль", remember=True)
    expect(page.locator("#askue-table tbody tr")).to_have_count(1)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 375, "no sideways scrolling"
    shot(page, artifacts, "45-phone-askue-table")
    portal.change_askue_password(login)

    request = urllib.request.Request(  # noqa: S310 (the local stack)
        f"{portal.url}/_local/schedule/AskueSyncPlannerFunction", method="POST"
    )
    urllib.request.urlopen(request, timeout=10).close()  # noqa: S310
    link = page.locator("#askue-link")
    for _ in range(20):
        page.reload()
        expect(page.locator("#askue-fetched-at")).to_be_visible()
        if "перестала принимать" in link.inner_text():
            break
        page.wait_for_timeout(500)
    expect(link).to_contain_text("АСКУЭ перестала принимать сохранённый пароль")
    expect(link).to_contain_text("Автоматическое обновление приостановлено")
    expect(page.locator("#askue-table tbody tr")).to_have_count(1)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 375, "no sideways scrolling"
    shot(page, artifacts, "46-phone-askue-password-stopped-working")
    page_log.assert_clean([])
