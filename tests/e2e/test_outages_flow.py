"""«Отключения» in the browser: the company publishes a planned outage (integration API); a guest finds
it on the public page by settlement and street, linked from the landing page; a consumer whose object
is on that street sees it on the home page's card. At desktop width and at 375 px."""

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.conftest import DESKTOP, PageLog, Portal, log_in_new_consumer, shot

pytestmark = pytest.mark.e2e
PHONE = {"width": 375, "height": 812}
# axe-core 4.10.3 (Deque Systems, MPL-2.0: tests/e2e/vendor/axe-core-LICENSE.txt), as npm ships it.
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture
def context(browser: Browser, viewport: dict[str, int]) -> Iterator[BrowserContext]:
    """conftest's context, but letting axe-core's script in: the site's CSP admits only its own files."""
    opened = browser.new_context(
        viewport=viewport, locale="ru-RU", timezone_id="Europe/Moscow", bypass_csp=True
    )
    opened.set_default_timeout(15_000)
    yield opened
    opened.close()


def assert_axe_clean(page: Page) -> None:
    """No WCAG 2.1 A/AA violation axe-core finds on the page as it is now."""
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
            const where = (v) => v.nodes.map((n) => n.target.join(' ')).slice(0, 5);
            return {
                passes: result.passes.length,
                violations: result.violations.map((v) => ({id: v.id, impact: v.impact, nodes: where(v)})),
            };
        }""",
        WCAG_AA,
    )
    assert found["passes"] > 10, found  # axe ran its rules on the page
    assert found["violations"] == [], found["violations"]


def publish(
    portal: Portal, settlement: str, street: str, houses: str, *, kind: str = "planned"
) -> dict[str, str]:
    starts = datetime.now(UTC) + timedelta(hours=3)
    body = {
        "kind": kind,
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=5)).isoformat(),
        "reason": "Ремонт ВЛ-0,4 кВ" if kind == "planned" else "Повреждение кабеля",
        "addresses": [{"settlement": settlement, "street": street, "houses": houses}],
    }
    answer = requests.post(
        f"{portal.url}/api/integration/outages",
        json=body,
        headers={"x-api-key": portal.api_key, "Idempotency-Key": uuid.uuid4().hex},
        timeout=10,
    )
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


def no_sideways_scroll(page: Page, viewport: dict[str, int]) -> None:
    if viewport == PHONE:
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], "no sideways scroll"


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "375px"])
def test_a_guest_finds_the_outages_of_a_street_on_the_public_page(
    page: Page, portal: Portal, page_log: PageLog, artifacts: Path, viewport: dict[str, int]
) -> None:
    page.set_viewport_size(viewport)
    town = f"Бор-{uuid.uuid4().hex[:6]}"
    publish(portal, f"г. {town}", "ул. Лесная", "1-15, 17, 21а")
    publish(portal, town, "Полевая", "", kind="emergency")

    page.goto(portal.url)
    page.get_by_role("link", name="Посмотреть отключения").click()
    expect(page.get_by_role("heading", level=1, name="Отключения электроэнергии")).to_be_visible()
    search = page.get_by_role("search", name="Поиск отключений по адресу")
    search.get_by_label("Населённый пункт").fill(town)
    search.get_by_role("button", name="Найти").click()
    found = page.get_by_role("list", name="Отключения").get_by_role("listitem")
    expect(found).to_have_count(2)
    expect(found.first).to_contain_text("Аварийное отключение")  # emergencies first
    expect(found.first).to_contain_text("восстановление ожидается")
    expect(found.nth(1)).to_contain_text("Плановое отключение")
    expect(found.nth(1)).to_contain_text("ул. Лесная, дома 1-15, 17, 21а")
    expect(found.nth(1)).to_contain_text("Причина: Ремонт ВЛ-0,4 кВ")
    no_sideways_scroll(page, viewport)
    assert_axe_clean(page)
    shot(page, artifacts, f"90-outages-public-{viewport['width']}")

    search.get_by_label("Улица").fill("Лесная улица")
    search.get_by_role("button", name="Найти").click()
    expect(found).to_have_count(1)
    search.get_by_label("Улица").fill("Садовая")
    search.get_by_role("button", name="Найти").click()
    expect(page.get_by_text("По этому адресу отключений нет.")).to_be_visible()
    page_log.assert_clean([])


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "375px"])
def test_the_consumer_sees_an_outage_at_their_object_on_the_home_page(
    page: Page, portal: Portal, page_log: PageLog, artifacts: Path, viewport: dict[str, int]
) -> None:
    page.set_viewport_size(viewport)
    town = f"Луч-{uuid.uuid4().hex[:6]}"
    log_in_new_consumer(page, portal, tag="outages", start="#/objects")
    form = page.locator("#object-form")
    form.get_by_label("Название объекта").fill("Дача")
    form.get_by_label("Адрес объекта").fill(f"пос. {town}, ул. Садовая, д. 7")
    form.get_by_label("Населённый пункт").fill(f"пос. {town}")
    form.get_by_label("Улица").fill("ул. Садовая")
    form.get_by_label("Дом", exact=True).fill("7")
    form.get_by_label("Лицевой счёт").fill("5001 2345 67")
    form.get_by_label("Тип прибора учёта").select_option("single_tariff")
    form.get_by_label("Номер прибора учёта").fill("CE-102/7")
    form.get_by_role("button", name="Добавить объект").click()
    expect(form.get_by_role("status")).to_contain_text("Объект «Дача» добавлен")
    publish(portal, town, "Садовая", "1-9")

    card = page.get_by_role("region", name="Отключения на моих объектах")
    # The fan-out reaches the consumer's page through the outbox and the mail queue: a moment later.
    page.goto(f"{portal.url}/#/")
    for _ in range(60):
        page.reload()
        expect(card).to_be_visible()
        if card.get_by_role("listitem").count():
            break
        page.wait_for_timeout(500)
    expect(card.get_by_role("listitem")).to_have_count(1)
    expect(card).to_contain_text("Плановое отключение")
    expect(card).to_contain_text("Объекты: Дача (дом 7)")
    no_sideways_scroll(page, viewport)
    assert_axe_clean(page)
    shot(page, artifacts, f"91-outages-home-{viewport['width']}")
    page_log.assert_clean([])


def test_the_consumer_turns_outage_mails_off_in_the_profile(
    page: Page, portal: Portal, page_log: PageLog, artifacts: Path
) -> None:
    log_in_new_consumer(page, portal, tag="outage-mails", start="#/profile")
    section = page.get_by_role("region", name="Письма об отключениях")
    box = section.get_by_label("Присылать письма об отключениях электроэнергии на моих объектах")
    expect(box).to_be_checked()

    box.uncheck()
    section.get_by_role("button", name="Сохранить").click()

    expect(section.get_by_role("status")).to_contain_text("Письма об отключениях больше не придут.")
    page.reload()
    expect(box).not_to_be_checked()
    assert_axe_clean(page)
    shot(page, artifacts, "92-outage-mails-off")
    page_log.assert_clean([])
