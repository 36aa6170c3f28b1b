"""The billing period a reading counts in (functions/readings/billing.py): the supplier's window,
on every reading answer, history row and the manual entry page's data — against moto."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import boto3
import pytest

from functions.common.settings import load_settings
from functions.readings import handler as readings
from functions.readings import service
from functions.readings.askue_readings import record_askue_reading
from functions.readings.billing import ReadingWindow, billing_period, explanation, period_of_day
from functions.readings.store import ReadingsSettings
from infra.world import World
from tests.unit.conftest import REGION, call
from tests.unit.test_readings import ME, all_readings, event, single, submit

DEFAULT = ReadingWindow()


class FixedClock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


@pytest.fixture
def clock(world: World, monkeypatch: pytest.MonkeyPatch) -> FixedClock:
    fixed = FixedClock(datetime(2026, 11, 20, 9, tzinfo=UTC))
    monkeypatch.setattr(service, "now", fixed)
    return fixed


def meters_answer() -> dict[str, Any]:
    status, body = call(readings, event("GET", "/api/readings/meters"))
    assert status == 200
    return dict(body)


@pytest.mark.parametrize(
    ("day", "period"),
    [
        (date(2026, 11, 1), "2026-11"),
        (date(2026, 11, 15), "2026-11"),
        (date(2026, 11, 25), "2026-11"),
        (date(2026, 11, 26), "2026-12"),
        (date(2026, 12, 31), "2027-01"),
    ],
)
def test_a_reading_counts_in_its_month_up_to_the_25th_and_in_the_next_after(day: date, period: str) -> None:
    assert period_of_day(day, DEFAULT) == period


def test_the_day_is_the_moscow_day_the_reading_came() -> None:
    # 25.11 21:30 UTC is already 26.11 in Moscow: past the window.
    assert billing_period(datetime(2026, 11, 25, 20, 59, tzinfo=UTC), DEFAULT) == "2026-11"
    assert billing_period(datetime(2026, 11, 25, 21, 30, tzinfo=UTC), DEFAULT) == "2026-12"


def test_the_window_is_the_companys_template_parameter(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("READINGS_WINDOW_FIRST_DAY", "10")
    monkeypatch.setenv("READINGS_WINDOW_LAST_DAY", "20")
    load_settings.cache_clear()
    try:
        assert billing_period(datetime(2026, 11, 21, 9, tzinfo=UTC)) == "2026-12"
        assert "с 10-го по 20-е число" in explanation(datetime(2026, 11, 12, 9, tzinfo=UTC))
    finally:
        load_settings.cache_clear()


def test_a_window_that_ends_before_it_begins_is_refused() -> None:
    with pytest.raises(ValueError, match="first day is after its last"):
        ReadingWindow(readings_window_first_day=26, readings_window_last_day=25)


def test_a_reading_and_its_history_row_say_their_billing_period(clock: FixedClock) -> None:
    status, reading = submit(single("BP-1", "100"))
    assert status == 201, reading
    assert reading["billing_period"] == "2026-11"

    clock.at = datetime(2026, 11, 27, 9, tzinfo=UTC)
    status, later = submit(single("BP-1", "150"))
    assert status == 201, later
    assert later["billing_period"] == "2026-12", "passed after the 25th: the next period"

    assert [row["billing_period"] for row in all_readings()] == ["2026-12", "2026-11"]


def test_a_reading_taken_in_the_window_but_typed_in_after_it_counts_in_the_next_period(
    clock: FixedClock,
) -> None:
    clock.at = datetime(2026, 11, 27, 9, tzinfo=UTC)

    status, reading = submit({**single("BP-2", "10"), "taken_on": "2026-11-20"})

    assert status == 201, reading
    assert reading["taken_at"].startswith("2026-11-20")
    assert reading["billing_period"] == "2026-12"


def test_an_askue_reading_counts_in_the_period_of_the_moment_askue_read_it(clock: FixedClock) -> None:
    clock.at = datetime(2026, 11, 26, 9, tzinfo=UTC)  # the sync runs the next day
    record_askue_reading(ME["sub"], "BP-3", Decimal(500), datetime(2026, 11, 25, 12, tzinfo=UTC))

    [row] = all_readings()

    assert (row["source"], row["billing_period"]) == ("askue", "2026-11")


def test_the_manual_entry_page_is_told_the_period_and_why_before_submitting(clock: FixedClock) -> None:
    billing = meters_answer()["billing"]
    assert billing["billing_period"] == "2026-11"
    assert (billing["window_first_day"], billing["window_last_day"]) == (15, 25)
    assert "«ноябрь 2026»" in billing["explanation"]
    assert "с 15-го по 25-е число" in billing["explanation"]

    clock.at = datetime(2026, 12, 28, 9, tzinfo=UTC)
    late = meters_answer()["billing"]
    assert late["billing_period"] == "2027-01"
    assert "«январь 2027»" in late["explanation"]
    assert "прошёл" in late["explanation"]


def test_a_reading_stored_before_periods_existed_gets_the_period_of_its_taken_moment(
    clock: FixedClock,
) -> None:
    submit(single("BP-4", "1"))
    table = boto3.resource("dynamodb", region_name=REGION).Table(
        load_settings(ReadingsSettings).readings_table
    )
    found = table.query(KeyConditionExpression="user_id = :u", ExpressionAttributeValues={":u": ME["sub"]})
    [item] = [i for i in found["Items"] if str(i["sk"]).startswith("reading#")]
    table.update_item(
        Key={"user_id": item["user_id"], "sk": item["sk"]}, UpdateExpression="REMOVE billing_period"
    )

    [row] = all_readings()

    assert row["billing_period"] == "2026-11"
    assert row["taken_at"] < (clock.at + timedelta(seconds=1)).isoformat()
