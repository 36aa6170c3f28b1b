"""The site shows times in Moscow time, as mails and the CSV export do, whatever the browser's zone;
a calendar day (a deadline, a date of birth) stays the same day everywhere."""

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from tests.e2e.conftest import Portal

FORMAT = (
    "import('/js/format.js').then((m) => [m.formatDateTime(%r), m.formatShortDate(%r), m.formatDate(%r)])"
)


@pytest.fixture(params=["Asia/Vladivostok", "America/Los_Angeles", "UTC"])
def far_page(request: pytest.FixtureRequest, browser: Browser, portal: Portal) -> Iterator[Page]:
    context = browser.new_context(locale="ru-RU", timezone_id=request.param)
    page = context.new_page()
    page.goto(portal.url)
    yield page
    context.close()


def test_a_moment_is_shown_in_moscow_time_and_a_day_as_it_is_in_any_zone(far_page: Page) -> None:
    moment, day = "2026-11-27T21:17:00Z", "2026-11-27"

    shown = far_page.evaluate(FORMAT % (moment, day, day))

    assert shown == ["28.11.2026, 00:17 МСК", "27.11.2026", "27 ноября 2026 г."]
