"""Numbers that agree (issue 32): the chart's axis labels whole («100 000», measured), a reading dated
an earlier day shown without an invented time, ASKUE values as ASKUE sends them (three decimals,
rounded, never cut) under what the data says of the meter (A+ total, not «Однотарифный»), the
half-hour load promised only where the data has it. Desktop and 375 px."""

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Page, expect

from tests.e2e.conftest import DESKTOP, PageLog, Portal, log_in_new_consumer, shot

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("viewport", [DESKTOP, {"width": 375, "height": 740}], ids=["desktop", "phone"])
def test_axis_labels_are_whole_and_a_dated_reading_has_no_invented_time(
    page: Page, portal: Portal, page_log: PageLog, artifacts: Path, viewport: dict[str, int]
) -> None:
    width = viewport["width"]
    log_in_new_consumer(page, portal, tag="numbers", start="#/readings/manual")
    form = page.locator("#reading-form")
    form.get_by_label("Тип прибора учёта").select_option("single_tariff")
    form.get_by_label("Номер прибора учёта").fill("NUM-1")
    today = (datetime.now(UTC) + timedelta(hours=3)).date()  # in Moscow
    yesterday = today - timedelta(days=1)
    form.get_by_label("Дата снятия показаний").fill(yesterday.isoformat())
    form.get_by_label("Т1", exact=True).fill("0")
    form.get_by_role("button", name="Ввести").click()
    expect(form.get_by_role("status")).to_contain_text("Показания приняты")
    form.get_by_label("Номер прибора учёта").fill("NUM-1")
    form.get_by_label("Дата снятия показаний").fill(today.isoformat())
    form.get_by_label("Т1", exact=True).fill("96 500")
    form.get_by_role("button", name="Ввести").click()
    expect(form.get_by_role("status")).to_contain_text("Показания приняты")

    page.goto(f"{portal.url}/#/readings/history")
    rows = page.locator("#history-table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(1).locator("time")).to_have_text(yesterday.strftime("%d.%m.%Y"))  # no «12:00 МСК»
    expect(rows.nth(0).locator("time")).to_contain_text("МСК")

    page.goto(f"{portal.url}/#/readings/consumption")
    chart = page.locator("svg.chart").first
    expect(chart).to_be_visible()
    ticks = chart.locator("text.chart-tick")
    expect(ticks.last).to_have_text(re.compile(r"^100\s000$"))
    # Every axis label lies wholly inside the SVG's box.
    inside = page.evaluate(
        """() => [...document.querySelectorAll('svg.chart text')].every((t) => {
            const box = t.getBBox(); const view = t.ownerSVGElement.viewBox.baseVal;
            return box.x >= 0 && box.x + box.width <= view.width + 0.5; })"""
    )
    assert inside
    expect(page.get_by_role("heading", name="Нагрузка за сутки (АСКУЭ)")).to_have_count(0)
    expect(page.locator("main")).not_to_contain_text("null")
    shot(page, artifacts, f"95-chart-axis-{width}")
    page.goto(f"{portal.url}/#/readings")
    expect(page.locator("main")).not_to_contain_text("по получасам")
    page_log.assert_clean([])


def test_askue_readings_keep_askue_s_decimals_under_what_the_data_says_of_the_meter(
    page: Page, portal: Portal, page_log: PageLog, artifacts: Path
) -> None:
    log_in_new_consumer(page, portal, tag="askue-numbers", start="#/readings/askue")
    form = page.locator("#askue-form")
    form.get_by_label("Идентификатор", exact=True).fill("demo")
    form.get_by_label("Пароль", exact=True).fill("demo-askue-1")
    form.get_by_label("Запомнить для автоматического обновления").set_checked(True)
    # The fetch reads the ASKUE (the simulator) and may take a while on a busy machine: wait for
    # its answer, then for the page.
    with page.expect_response(lambda r: r.url.endswith("/api/askue/fetch"), timeout=60_000):
        form.get_by_role("button", name="Получить данные").click()
    expect(page.locator("#askue-table")).to_be_visible()
    assert requests.post(f"{portal.url}/_local/schedule/AskueSyncPlannerFunction", timeout=30).ok

    rows = page.locator("#history-table tbody tr")
    page.goto(f"{portal.url}/#/readings/history")
    for _ in range(30):  # the sync's worker records the readings a moment later
        page.reload()
        expect(page.locator("main h1")).to_have_text("Просмотр ранее введённых показаний")
        page.wait_for_timeout(500)
        if rows.count() >= 3:
            break
    expect(rows.first).to_contain_text("АСКУЭ: общий учёт A+")
    expect(page.locator("#history-table")).not_to_contain_text("Однотарифный")
    # «Меркурий 230» sends 96 420,125 kWh and more: its third decimal is kept.
    expect(page.locator("#history-table")).to_contain_text(re.compile(r"A\+: \d{1,3}(\s\d{3})*,\d{3}"))
    shot(page, artifacts, "96-askue-readings-history")
    page_log.assert_clean([])
