"""The home page at a glance and the charts (issue 14), at desktop and 375 px, on a stack whose ASKUE
speaks 80020 (half-hour intervals): a consumer with a year of readings of a two-tariff meter, ASKUE
data fetched, a request the company asked a question about."""

import json
import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from playwright.sync_api import Browser, expect

from functions.common import aws
from functions.common.clock import MOSCOW
from functions.common.settings import load_settings
from functions.readings import service
from functions.readings.models import ReadingEntry
from infra.world import LOCAL_PREFIX
from tests.e2e.conftest import DESKTOP, PageLog, log_in_new_consumer, shot
from tests.stack import INTEGRATION_API_KEY, LocalStack, start_local_stack

pytestmark = pytest.mark.e2e

PHONE = {"width": 375, "height": 812}
METER = "00123456"
SOON = (datetime.now(UTC) + timedelta(days=7)).date().isoformat()
# A house with electric heating: more in winter, night tariff about a third.
MONTHLY_DAY_KWH = [420, 380, 300, 220, 160, 140, 150, 170, 230, 320, 400, 450]


@pytest.fixture(scope="module")
def portal_80020(browser: Browser) -> Iterator[LocalStack]:
    # After the browser: without Chromium its fixture skips, or fails under CI=true, first.
    stack = start_local_stack(environment={"ASKUE_CONNECTOR": "xml80020"})
    yield stack
    stack.stop()


def seed_a_year_of_readings(portal: LocalStack, user_id: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Readings on the 25th of each of the last 11 months, entered through the readings service
    itself (its rules, its store) against the stack's moto, with the service's clock set back."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", portal.moto_url)
    monkeypatch.setenv("AWS_REGION", "eu-central-1")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-central-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "local")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "local")
    monkeypatch.setenv("READINGS_TABLE", f"{LOCAL_PREFIX}-ReadingsTable")  # as infra/world.py names it
    monkeypatch.setenv("OUTBOX_TABLE", f"{LOCAL_PREFIX}-OutboxTable")  # a reading owes its event there
    load_settings.cache_clear()
    aws._client.cache_clear()
    today = datetime.now(MOSCOW)
    day, night = 10_000.0, 4_000.0
    for back in range(11, 0, -1):
        year, month = divmod(today.year * 12 + today.month - 1 - back, 12)
        at = datetime(year, month + 1, 25, 10, 0, tzinfo=MOSCOW).astimezone(UTC)
        used = MONTHLY_DAY_KWH[month]
        day, night = day + used, night + used * 0.4
        monkeypatch.setattr(service, "now", lambda at=at: at)
        entry = {
            "meter_type": "two_tariff",
            "meter_number": METER,
            "values": {"t1": f"{day:.1f}", "t2": f"{night:.1f}"},
        }
        service.submit_reading(user_id, ReadingEntry.model_validate(entry))
    load_settings.cache_clear()
    aws._client.cache_clear()


def integrator(portal: LocalStack, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    answer = requests.request(
        method, f"{portal.url}{path}", json=body, headers={"x-api-key": INTEGRATION_API_KEY}, timeout=15
    )
    assert answer.ok, answer.text
    return answer.json()


@pytest.fixture(scope="module")
def scene(browser: Browser, portal_80020: LocalStack) -> Iterator[dict[str, Any]]:
    """One consumer with everything the home page shows; the browser context's storage is reused."""
    context = browser.new_context(viewport=DESKTOP, locale="ru-RU", timezone_id="Asia/Vladivostok")
    page = context.new_page()
    email = log_in_new_consumer(page, portal_80020, tag="home")
    expect(page.get_by_role("navigation", name="Главное меню")).to_be_visible()
    user_id = page.evaluate("import('/js/session.js').then((m) => m.claims().sub)")
    with pytest.MonkeyPatch.context() as patch:
        seed_a_year_of_readings(portal_80020, user_id, patch)

    # This month's reading, by hand.
    page.goto(f"{portal_80020.url}/#/readings/manual")
    form = page.locator("#reading-form")
    form.get_by_label("Номер прибора учёта").fill(METER)
    expect(form.get_by_label("Тип прибора учёта")).to_have_value("two_tariff")
    form.get_by_label("Т1 (день)").fill("13600")
    form.get_by_label("Т2 (ночь)").fill("5500")
    form.get_by_role("button", name="Ввести").click()
    expect(form.get_by_role("status")).to_contain_text("Показания приняты")

    # ASKUE data (80020: the day's half-hours).
    page.goto(f"{portal_80020.url}/#/readings/askue")
    askue = page.locator("#askue-form")
    askue.get_by_label("Идентификатор", exact=True).fill("demo")
    askue.get_by_label("Пароль", exact=True).fill("demo-askue-1")
    # The fetch reads the ASKUE (the simulator) and may take a while on a busy machine: wait for
    # its answer, then for the page.
    with page.expect_response(lambda r: r.url.endswith("/api/askue/fetch"), timeout=60_000):
        askue.get_by_role("button", name="Получить данные").click()
    expect(page.get_by_role("link", name=re.compile("Нагрузка за сутки"))).to_be_visible()

    # Two requests: one the company asks about, one just registered.
    numbers = []
    for text in ("Прошу снять показания.", "Повторно: прошу снять показания."):
        page.goto(f"{portal_80020.url}/#/requests/new/meter_reading")
        request_form = page.locator("#request-form")
        request_form.get_by_label("Текст заявки", exact=True).fill(text)
        request_form.get_by_label("Адрес установки прибора учёта", exact=True).fill("г. Москва, ул. Мира, 5")
        request_form.get_by_label("Номер прибора учёта", exact=True).fill(METER)
        request_form.get_by_label("Лицевой счёт", exact=True).fill("5001234567")
        request_form.get_by_label("Причина обращения", exact=True).select_option("control")
        request_form.get_by_label("Желаемая дата снятия показаний", exact=True).fill(SOON)
        request_form.get_by_role("button", name="Отправить").click()
        expect(page.get_by_role("heading", level=1, name="Заявка зарегистрирована")).to_be_visible()
        numbers.append(page.url.split("/")[-2])
    integrator(
        portal_80020,
        "PATCH",
        f"/api/integration/requests/{numbers[0]}",
        {"status": "needs_info", "comment": "Уточните, есть ли доступ к щитку без вас."},
    )
    session = page.evaluate("sessionStorage.getItem('portal.session')")
    yield {"email": email, "session": session, "ids": numbers, "portal": portal_80020}
    context.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "375px"])
def test_home_shows_requests_meters_askue_outages_and_next_steps_in_six_reads(
    browser: Browser, scene: dict[str, Any], viewport: dict[str, int], artifacts: Path
) -> None:
    portal = scene["portal"]
    context = browser.new_context(viewport=viewport, locale="ru-RU", timezone_id="Asia/Vladivostok")
    page = context.new_page()
    log = PageLog()
    page.on("console", log.on_console)
    page.on("pageerror", lambda error: log.page_errors.append(str(error)))
    page.on("request", log.on_request)
    page.goto(portal.url)
    page.evaluate("(s) => sessionStorage.setItem('portal.session', s)", scene["session"])
    started = time.monotonic()
    page.reload()

    expect(
        page.get_by_role("heading", level=1, name="Здравствуйте, Кузнецова Мария Петровна!")
    ).to_be_visible()
    next_steps = page.get_by_role("region", name="Что дальше")
    expect(next_steps.get_by_role("link").first).to_have_text(
        re.compile(r"Ответьте на уточнения по заявке № \d{4}-\d{6}")
    )
    rendered = time.monotonic() - started
    mine = page.get_by_role("list", name="Открытые заявки").get_by_role("listitem")
    expect(mine).to_have_count(2)
    expect(mine.first).to_contain_text("Требуются уточнения")  # needs the consumer's answer: listed first
    review = re.compile(r"Ориентировочный срок рассмотрения — до \d{1,2} [а-я]+ \d{4} г\.")
    expect(mine.first).to_contain_text(review)
    meters = page.get_by_role("region", name="Приборы учёта")
    expect(meters).to_contain_text(f"№ {METER}")
    expect(meters).to_contain_text(re.compile(r"Т1 13\s600, Т2 5\s500 кВт·ч"))
    expect(meters).to_contain_text(re.compile(r"Расход в этом месяце: Т1 [\d\s,]+, Т2 [\d\s,]+ кВт·ч"))
    expect(page.get_by_role("region", name="АСКУЭ")).to_contain_text(
        re.compile(r"Данные АСКУЭ от \d\d\.\d\d\.\d{4}, \d\d:\d\d МСК: 3 прибора учёта")
    )
    page.wait_for_load_state("networkidle")
    weight = log.assert_within_budget(page)

    api_reads = sorted(
        urlpath for url in log.requests if "/api/" in (urlpath := re.sub(r"^https?://[^/]+", "", url))
    )
    assert api_reads == sorted(
        [
            "/api/profile",
            "/api/requests",
            "/api/readings/meters",
            "/api/readings/monthly?months=1",
            "/api/askue/latest",
            "/api/outages/mine",
        ]
    )
    if viewport == PHONE:
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], "no sideways scroll"
    name = "desktop" if viewport == DESKTOP else "375"
    shot(page, artifacts, f"home-dashboard-{name}")
    (artifacts / f"home-dashboard-{name}.json").write_text(
        json.dumps(
            {"api_reads": api_reads, "js_css_bytes": weight, "seconds_to_first_step": round(rendered, 3)},
            indent=2,
        )
        + "\n"
    )
    assert log.console_errors == [] and log.page_errors == [] and log.foreign_requests == []
    context.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "375px"])
def test_charts_of_a_year_by_month_and_of_a_day_by_half_hour_with_their_tables(
    browser: Browser, scene: dict[str, Any], viewport: dict[str, int], artifacts: Path
) -> None:
    portal = scene["portal"]
    context = browser.new_context(viewport=viewport, locale="ru-RU", timezone_id="Europe/Moscow")
    page = context.new_page()
    log = PageLog()
    page.on("console", log.on_console)
    page.on("pageerror", lambda error: log.page_errors.append(str(error)))
    page.on("request", log.on_request)
    page.goto(portal.url)
    page.evaluate("(s) => sessionStorage.setItem('portal.session', s)", scene["session"])
    page.goto(f"{portal.url}/#/readings/consumption")
    page.reload()

    monthly = page.get_by_role("img", name=f"Прибор учёта № {METER}: расход по месяцам, кВт·ч")
    expect(monthly).to_be_visible()
    table = page.get_by_role("table", name=f"Прибор учёта № {METER}: расход по месяцам, кВт·ч: значения")
    expect(table.get_by_role("row")).to_have_count(13)  # the header and 12 months
    expect(table.get_by_role("columnheader")).to_have_text(["", "Т1 (день)", "Т2 (ночь)"])
    assert monthly.locator("rect").count() >= 20  # two tariffs in (nearly) every month
    profiles = page.get_by_role(
        "img", name=re.compile(r"нагрузка за \d{1,2} [а-я]+ \d{4} г\. по получасам \(МСК\), кВт·ч")
    )
    expect(profiles).to_have_count(3)
    house = profiles.filter(has=page.locator("rect.chart-export")).first  # the solar house exports
    expect(house).to_be_visible()
    assert 46 <= house.locator("rect.chart-import").count() <= 50
    page.get_by_text("Таблица по получасам").first.click()
    expect(page.get_by_role("table", name=re.compile("по получасам")).first.get_by_role("row")).to_have_count(
        49
    )
    page.wait_for_load_state("networkidle")
    weight = log.assert_within_budget(page)
    if viewport == PHONE:
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], "no sideways scroll"

    name = "desktop" if viewport == DESKTOP else "375"
    shot(page, artifacts, f"charts-{name}")
    page.emulate_media(media="print")
    expect(page.get_by_role("navigation", name="Главное меню")).to_be_hidden()
    expect(monthly).to_be_visible()
    if viewport == DESKTOP:
        shot(page, artifacts, "charts-print")
        chart_js = Path(__file__).resolve().parents[2] / "web" / "js" / "chart.js"
        (artifacts / "charts-weight.json").write_text(
            json.dumps({"page_js_css_bytes": weight, "chart_js_bytes": chart_js.stat().st_size}, indent=2)
            + "\n"
        )
    assert log.console_errors == [] and log.page_errors == [] and log.foreign_requests == []
    context.close()
