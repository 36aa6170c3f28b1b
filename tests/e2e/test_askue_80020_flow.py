"""«АСКУЭ» with the XML 80020 connector, in the browser: the document of the day clocks go back, as
such a day is sent (daylightsavingtime 2, 50 half-hours, decimal commas, values flagged unreliable),
shows as one row whose flagged total is marked; at desktop width and on a phone."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import DESKTOP, PageLog, Portal, shot
from tests.e2e.test_askue_flow import fetch, open_askue_as_new_consumer
from tests.stack import start_local_stack

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def portal() -> Iterator[Portal]:
    """A stack of its own whose ASKUE connector reads 80020 documents."""
    running = start_local_stack(environment={"ASKUE_CONNECTOR": "xml80020"})
    yield running
    running.stop()


@pytest.mark.parametrize("viewport", [DESKTOP, {"width": 375, "height": 740}], ids=["desktop", "phone"])
def test_a_changeover_day_with_decimal_commas_shows_with_its_unreliable_total_marked(
    page: Page, portal: Portal, page_log: PageLog, artifacts: Path, viewport: dict[str, int]
) -> None:
    open_askue_as_new_consumer(page, portal, tag="askue80020")
    fetch(page, "changeover-e2e", "любой", remember=False)

    table = page.locator("#askue-table")
    expect(table.locator("tbody tr")).to_have_count(1)
    row = table.locator("tbody tr")
    expect(row.locator("th")).to_contain_text("Счётчик № ")
    active = row.locator("td.num").first
    expect(active).to_have_class("num unreliable")
    expect(active).to_contain_text("недостоверно (статус 1 — 2)")
    # The other channels came with status 0: plain Russian numbers, no mark.
    for other in row.locator("td.num").all()[1:]:
        expect(other).not_to_contain_text("недостоверно")
    expect(page.locator("#askue-unreliable-note")).to_contain_text("статус не 0 в макете 80020")
    # The day ends at midnight Moscow time after the changeover day: a date with 00:00.
    expect(row.locator("td").last).to_contain_text("00:00")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= viewport["width"], (
        "no sideways scrolling"
    )
    shot(page, artifacts, f"45-askue-80020-changeover-{viewport['width']}")
    page_log.assert_clean(expected_refusals=[])
