"""«Ручной ввод показаний» says, before the reading is sent, which billing period it will count in
and why (the supplier's reading window), and the confirmation repeats the period — on a desktop
and on a 375 px phone."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from functions.common.clock import now
from functions.readings.billing import ReadingWindow, billing_period, month_name
from tests.e2e.conftest import DESKTOP, PageLog, Portal, log_in_new_consumer, shot

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("viewport", [DESKTOP, {"width": 375, "height": 740}], ids=["desktop", "phone"])
def test_the_manual_entry_page_names_the_billing_period_before_and_after_sending(
    page: Page, portal: Portal, page_log: PageLog, artifacts: Path, viewport: dict[str, int]
) -> None:
    log_in_new_consumer(page, portal, tag="billing", start="#/readings/manual")
    expect(page.get_by_role("heading", level=1, name="Ручной ввод показаний")).to_be_visible()
    # The local stack runs with the template's default window (15th-25th).
    period = month_name(billing_period(now(), ReadingWindow()))

    note = page.locator("#reading-billing-period")
    expect(note).to_be_visible()
    expect(note).to_contain_text(f"будут учтены в расчётном периоде «{period}»")
    expect(note).to_contain_text("после 25-го числа учитываются в следующем расчётном периоде")

    form = page.locator("#reading-form")
    form.get_by_label("Тип прибора учёта").select_option(label="Однотарифный")
    form.get_by_label("Номер прибора учёта", exact=True).fill("БП-375")
    form.get_by_label("Т1", exact=True).fill("1234,5")
    form.get_by_role("button", name="Ввести").click()

    expect(page.get_by_text("Показания приняты")).to_contain_text(f"Расчётный период: {period}")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= viewport["width"], (
        "no sideways scrolling"
    )
    shot(page, artifacts, f"62-readings-billing-period-{viewport['width']}")
    page_log.assert_clean(expected_refusals=[])
