"""Reading XML 80020: valid days (48, 46, 50 half-hours), and every malformed or hostile document
refused whole, without expanding or fetching anything."""

import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest

from functions.askue.http import AskueBadData
from functions.askue.models import AskueRow, ChannelFlag
from functions.askue.xml80020 import parse_80020, superseded
from infra.askue_simulator import BILLION_LAUGHS, DEMO_METERS, XXE, document_80020

FIXTURES = Path(__file__).parent.parent / "fixtures" / "80020"
MOSCOW = timezone(timedelta(hours=3))
SUMMER_2010 = timezone(timedelta(hours=4))  # Moscow summer time, until 2011
LAST_AUTUMN_CHANGE = "20101031"  # Moscow's last 03:00 → 02:00
HALF_HOURS = [f"{h:02d}{m:02d}" for h in range(24) for m in (0, 30)]


def _end(start: str) -> str:
    minutes = (int(start[:2]) * 60 + int(start[2:]) + 30) % 1440
    return f"{minutes // 60:02d}{minutes % 60:02d}"


def document(
    starts: list[str] | None = None,
    *,
    value: str = "1.5",
    channels: tuple[str, ...] = ("01", "02", "03", "04"),
    dst: str = "0",
    day: str = "20261127",
    declaration: str = '<?xml version="1.0" encoding="windows-1251"?>',
    extra_point: str = "",
    encoding: str = "cp1251",
) -> bytes:
    starts = HALF_HOURS if starts is None else starts
    periods = "".join(
        f'<period start="{s}" end="{_end(s)}"><value status="0">{value}</value></period>' for s in starts
    )
    measured = "".join(
        f'<measuringchannel code="{c}" desc="канал">{periods}</measuringchannel>' for c in channels
    )
    return (
        f"""{declaration}
<message class="80020" version="2" number="42">
  <datetime><timestamp>20261128013000</timestamp><daylightsavingtime>{dst}</daylightsavingtime>
    <day>{day}</day></datetime>
  <sender><inn>7700000000</inn><name>АСКУЭ сетевой компании</name></sender>
  <area><inn>7700000001</inn><name>Жилой дом, ул. Садовая, 12</name>
    <measuringpoint code="452010000112001" name="Меркурий 234 № 41250017">{measured}</measuringpoint>
    {extra_point}
  </area>
</message>"""
    ).encode(encoding)


def test_a_day_of_48_half_hours_is_summed_per_channel_into_one_row_per_point() -> None:
    [row] = parse_80020(document(value="1.25"))

    assert row.object_name == "Жилой дом, ул. Садовая, 12"
    assert row.meter_name == "Меркурий 234 № 41250017"
    assert row.measuring_point_code == "452010000112001"
    assert row.document_number == 42
    assert row.active_import_kwh == Decimal("60.00")
    assert row.active_export_kwh == row.reactive_import_kvarh == row.reactive_export_kvarh == Decimal("60.00")
    # The day ends at midnight, Moscow time.
    assert row.read_at == datetime(2026, 11, 28, tzinfo=timezone(timedelta(hours=3)))


def test_each_point_keeps_its_days_half_hours_of_a_plus_and_a_minus_as_its_load_profile() -> None:
    [row] = parse_80020(document(value="1.25", channels=("01", "03")))

    assert row.profile is not None
    assert row.profile.day == date(2026, 11, 27)
    assert row.profile.starts == HALF_HOURS
    assert row.profile.active_import_kwh == [Decimal("1.25")] * 48
    assert row.profile.active_export_kwh == [Decimal(0)] * 48  # no A− channel: nothing exported


def test_the_profile_of_a_day_when_clocks_go_back_has_its_50_half_hours_in_order() -> None:
    repeated = [*HALF_HOURS[:6], "0200", "0230", *HALF_HOURS[6:]]

    [row] = parse_80020(document(repeated, value="2", dst="2", day=LAST_AUTUMN_CHANGE))

    assert row.profile is not None
    assert row.profile.starts == repeated
    assert len(row.profile.active_import_kwh) == 50


def periods(starts: list[str], value: str = "1") -> str:
    return "".join(
        f'<period start="{s}" end="{_end(s)}"><value status="0">{value}</value></period>' for s in starts
    )


def point(code: int, channels: dict[str, list[str]]) -> str:
    measured = "".join(
        f'<measuringchannel code="{c}" desc="канал">{periods(starts)}</measuringchannel>'
        for c, starts in channels.items()
    )
    return f'<measuringpoint code="{code}" name="Счётчик {code}">{measured}</measuringpoint>'


def test_only_the_first_100_points_keep_a_profile_so_a_snapshot_stays_one_item() -> None:
    many = "".join(point(n, {"01": HALF_HOURS}) for n in range(120))

    rows = parse_80020(document(extra_point=many))

    assert len(rows) == 121
    assert all(row.profile is not None for row in rows[:100])
    assert all(row.profile is None for row in rows[100:])
    assert rows[120].active_import_kwh == Decimal(48)  # the totals stay


def test_channels_of_one_point_with_different_periods_are_refused() -> None:
    back = [*HALF_HOURS[:6], "0200", "0230", *HALF_HOURS[6:]]

    with pytest.raises(AskueBadData, match="different periods"):
        parse_80020(document(extra_point=point(9, {"01": HALF_HOURS, "02": back})))


def test_missing_channels_count_as_zero() -> None:
    [row] = parse_80020(document(channels=("01",)))

    assert row.active_import_kwh == Decimal("72.0")
    assert row.active_export_kwh == row.reactive_import_kvarh == row.reactive_export_kvarh == 0


def test_a_day_when_clocks_go_forward_has_46_half_hours() -> None:
    skipped = [s for s in HALF_HOURS if s not in ("0200", "0230")]

    [row] = parse_80020(document(skipped, value="2", dst="2", day="20100328"))

    assert row.active_import_kwh == Decimal(92)
    # Moscow's last spring change but one: the day ends at midnight of summer time, UTC+4.
    assert row.read_at.astimezone(UTC) == datetime(2010, 3, 28, 20, tzinfo=UTC)


def test_a_day_when_clocks_go_back_has_50_half_hours() -> None:
    repeated = [*HALF_HOURS[:6], "0200", "0230", *HALF_HOURS[6:]]

    [row] = parse_80020(document(repeated, value="2", day=LAST_AUTUMN_CHANGE))

    assert row.active_import_kwh == Decimal(100)
    assert row.read_at.astimezone(UTC) == datetime(2010, 10, 31, 21, tzinfo=UTC)


@pytest.mark.parametrize(
    "starts",
    [
        HALF_HOURS[:47],
        [*HALF_HOURS, "0000"],
        [s for s in HALF_HOURS if s not in ("0230", "0300")],
        [*HALF_HOURS[:5], "0200", "0230", *HALF_HOURS[5:]],
        list(reversed(HALF_HOURS)),
    ],
    ids=["47", "49", "46-not-a-whole-hour", "50-not-a-whole-hour", "reversed"],
)
def test_a_day_with_wrong_periods_is_refused(starts: list[str]) -> None:
    with pytest.raises(AskueBadData, match="periods do not make a day"):
        parse_80020(document(starts))


@pytest.mark.parametrize(
    ("broken", "reason"),
    [
        (lambda d: d[: len(d) // 2], "well-formed"),
        (lambda d: d.replace(b'class="80020"', b'class="80040"'), "80020"),
        (lambda d: d.replace(b'code="04"', b'code="05"'), "unknown measuringchannel"),
        (lambda d: d.replace(b'code="04"', b'code="03"'), "appears twice"),
        (lambda d: d.replace(b"<day>20261127</day>", b"<day>27.11.2026</day>"), "YYYYMMDD"),
        (lambda d: d.replace(b"<daylightsavingtime>0<", b"<daylightsavingtime>yes<"), "daylightsavingtime"),
        (lambda d: d.replace(b"<daylightsavingtime>0<", b"<daylightsavingtime>3<"), "0, 1 or 2"),
        (lambda d: d.replace(b"<daylightsavingtime>0<", b"<daylightsavingtime>2<"), "changeover day"),
        (lambda d: d.replace(b'status="0"', b'status="x"', 1), "status must be a number"),
        (lambda d: d.replace(b'end="0030"', b'end="0100"', 1), "not a half-hour"),
        (lambda d: d.replace(b">1.5<", b">-1.5<", 1), "non-negative number"),
        (lambda d: d.replace(b">1.5<", b">1,5,0<", 1), "non-negative number"),
        (lambda d: d.replace(b">1.5<", b">1.5e3<", 1), "non-negative number"),
        (lambda d: d.replace(b">1.5<", b"><", 1), "non-negative number"),
        (lambda d: d.replace(b'<value status="0">1.5</value>', b"", 1), "exactly one <value>"),
    ],
    ids=[
        "truncated",
        "other-class",
        "unknown-channel",
        "duplicate-channel",
        "bad-day",
        "bad-dst-flag",
        "dst-3",
        "changeover-flag-on-a-48-day",
        "status-not-a-number",
        "long-period",
        "negative",
        "two-separators",
        "exponent",
        "empty",
        "no-value",
    ],
)
def test_a_malformed_document_is_refused_whole(broken: Callable[[bytes], bytes], reason: str) -> None:
    assert parse_80020(document()), "the undamaged document is valid"

    with pytest.raises(AskueBadData, match=reason):
        parse_80020(broken(document()))


def test_a_point_without_channels_and_an_area_without_name_are_refused() -> None:
    with pytest.raises(AskueBadData, match="without channels"):
        parse_80020(document(extra_point='<measuringpoint code="1" name="Пустой"></measuringpoint>'))
    nameless = document().replace("<name>Жилой дом, ул. Садовая, 12</name>".encode("cp1251"), b"")
    with pytest.raises(AskueBadData, match="<name> is missing"):
        parse_80020(nameless)


def test_an_external_entity_is_refused_before_anything_is_read() -> None:
    with pytest.raises(AskueBadData, match="DTDForbidden"):
        parse_80020(XXE)


def test_an_entity_expansion_bomb_is_refused_at_once() -> None:
    began = time.perf_counter()

    with pytest.raises(AskueBadData, match="DTDForbidden"):
        parse_80020(BILLION_LAUGHS)

    assert time.perf_counter() - began < 0.5


def test_a_document_with_an_internal_entity_but_no_dtd_trickery_is_still_refused() -> None:
    with_dtd = document().replace(b"<message ", b"<!DOCTYPE message []>\n<message ", 1)

    with pytest.raises(AskueBadData, match="DTDForbidden"):
        parse_80020(with_dtd)


def test_utf8_labelled_windows_1251_is_refused() -> None:
    with pytest.raises(AskueBadData, match="encoded in UTF-8"):
        parse_80020(document(encoding="utf-8"))


@pytest.mark.parametrize(
    "declaration",
    ['<?xml version="1.0" encoding="utf-8"?>', '<?xml version="1.0"?>', ""],
    ids=["utf-8", "no-encoding", "no-declaration"],
)
def test_a_document_not_declared_windows_1251_is_refused(declaration: str) -> None:
    with pytest.raises(AskueBadData, match="windows-1251"):
        parse_80020(document(declaration=declaration))


def test_the_simulators_day_sums_to_the_registers_growth_over_that_day() -> None:
    day = date(2026, 11, 27)
    start = datetime(2026, 11, 27, tzinfo=timezone(timedelta(hours=3)))

    rows = parse_80020(document_80020(DEMO_METERS, day, 7, start + timedelta(days=1, hours=1)))

    assert [row.meter_name for row in rows] == [meter.meter_name for meter in DEMO_METERS]
    assert {row.object_name for row in rows} == {meter.object_name for meter in DEMO_METERS}
    for row, meter in zip(rows, DEMO_METERS, strict=True):
        for field, channel in [
            ("active_import_kwh", "A+"),
            ("active_export_kwh", "A-"),
            ("reactive_import_kvarh", "R+"),
            ("reactive_export_kvarh", "R-"),
        ]:
            growth = meter.register(channel, start + timedelta(days=1)) - meter.register(channel, start)
            assert getattr(row, field) == growth
    assert rows[0].active_export_kwh > 0, "the house exports energy"


# Documents as they are sent (tests/fixtures/80020): one meter, 1.25 kWh A+, 0.05 A−, 0.4 R+, 0.01 R−
# every half-hour.


def fixture(name: str) -> AskueRow:
    [row] = parse_80020((FIXTURES / name).read_bytes())
    return row


def test_a_winter_time_document_with_decimal_points() -> None:
    row = fixture("winter-dst0-point.xml")

    assert (row.active_import_kwh, row.active_export_kwh) == (Decimal("60.00"), Decimal("2.40"))
    assert (row.reactive_import_kvarh, row.reactive_export_kvarh) == (Decimal("19.2"), Decimal("0.48"))
    assert row.read_at == datetime(2026, 11, 28, tzinfo=MOSCOW)
    assert row.flags == []


def test_a_2026_document_as_generators_write_it_ends_its_day_at_midnight_utc_plus_3() -> None:
    # daylightsavingtime 1 (what generators write on every day since 2014), the last half-hour
    # ending at 0000, the area's timezone 1 (Moscow time), decimal commas.
    row = fixture("summer-2026-dst1-comma.xml")

    assert row.active_import_kwh == Decimal("60.00")
    assert row.reactive_export_kvarh == Decimal("0.48")
    assert row.read_at == datetime(2026, 7, 16, tzinfo=MOSCOW)
    assert row.measuring_point_code == "452010000112001"


@pytest.mark.parametrize("dst", ["0", "1"])
def test_a_2026_day_ends_at_midnight_utc_plus_3_whatever_the_summer_time_flag(dst: str) -> None:
    [row] = parse_80020(document(dst=dst, day="20260715"))

    assert row.read_at == datetime(2026, 7, 16, tzinfo=MOSCOW)
    assert row.read_at.utcoffset() == timedelta(hours=3)


def test_a_july_2008_day_ends_at_midnight_of_moscow_summer_time_utc_plus_4() -> None:
    row = fixture("summer-2008-dst1-comma.xml")

    assert row.read_at == datetime(2008, 7, 16, tzinfo=SUMMER_2010)
    assert row.read_at.utcoffset() == timedelta(hours=4)


def test_a_day_between_2011_and_2014_ends_at_midnight_utc_plus_4_even_in_winter() -> None:
    [row] = parse_80020(document(dst="0", day="20130115"))

    assert row.read_at.astimezone(UTC) == datetime(2013, 1, 15, 20, tzinfo=UTC)


def test_the_day_moscow_left_permanent_summer_time_has_25_hours() -> None:
    # 26.10.2014, 02:00 → 01:00 (248-ФЗ): the hour 01:00–02:00 twice.
    repeated = [*HALF_HOURS[:4], "0100", "0130", *HALF_HOURS[4:]]

    [row] = parse_80020(document(repeated, dst="2", day="20141026"))

    assert row.read_at == datetime(2014, 10, 27, tzinfo=MOSCOW)


def test_a_changeover_flag_on_a_2026_day_is_refused_since_moscow_no_longer_changes_clocks() -> None:
    repeated = [*HALF_HOURS[:6], "0200", "0230", *HALF_HOURS[6:]]

    with pytest.raises(AskueBadData, match="changeover day"):
        parse_80020(document(repeated, dst="2", day="20261025"))
    with pytest.raises(AskueBadData, match="periods do not make a day"):
        parse_80020(document(repeated, dst="1", day="20261025"))


def test_an_area_in_another_zone_ends_its_day_at_midnight_there() -> None:
    in_samara = document().replace(b"<area>", b'<area timezone="Europe/Samara">')

    [row] = parse_80020(in_samara)

    assert row.read_at.astimezone(UTC) == datetime(2026, 11, 27, 20, tzinfo=UTC)


@pytest.mark.parametrize("zone", ["7", "Mars/Olympus", "../../etc/passwd"])
def test_an_area_timezone_that_is_neither_moscow_time_nor_a_zone_is_refused(zone: str) -> None:
    with pytest.raises(AskueBadData, match="timezone"):
        parse_80020(document().replace(b"<area>", f'<area timezone="{zone}">'.encode()))


def test_two_points_with_the_same_name_are_two_rows_keyed_by_their_codes() -> None:
    feeder = "ПС Клетьевая, ввод Т-1"
    twin = point(452010000112002, {"01": HALF_HOURS}).replace("Счётчик 452010000112002", feeder)
    doc = document(extra_point=twin).replace(
        "Меркурий 234 № 41250017".encode("cp1251"), feeder.encode("cp1251")
    )

    rows = parse_80020(doc)

    assert [row.meter_name for row in rows] == [feeder, feeder]
    assert [row.measuring_point_code for row in rows] == ["452010000112001", "452010000112002"]


def test_a_point_code_twice_in_one_document_and_a_point_without_code_are_refused() -> None:
    with pytest.raises(AskueBadData, match="appears twice"):
        parse_80020(document(extra_point=point(452010000112001, {"01": HALF_HOURS})))
    with pytest.raises(AskueBadData, match="valid code"):
        parse_80020(document().replace(b'code="452010000112001" ', b""))


def test_a_corrected_resend_replaces_the_days_rows_and_a_stale_one_does_not() -> None:
    first = parse_80020(document(value="1"))
    corrected = parse_80020(document(value="2").replace(b'number="42"', b'number="43"'))

    assert superseded(first, corrected) == corrected
    assert superseded(corrected, first) == corrected, "number 42 came after 43: 43 stays"
    assert superseded(first, first) == first
    another_day = parse_80020(document(day="20261128").replace(b'number="42"', b'number="7"'))
    assert superseded(corrected, another_day) == another_day


def test_a_message_number_that_is_not_a_whole_number_is_refused() -> None:
    with pytest.raises(AskueBadData, match="message number"):
        parse_80020(document().replace(b'number="42"', b'number="4x"'))


def test_the_changeover_day_forward_has_46_half_hours_and_ends_in_summer_time() -> None:
    row = fixture("changeover-forward-dst2.xml")

    assert row.active_import_kwh == Decimal("57.50")  # 46 x 1.25
    assert row.read_at == datetime(2010, 3, 29, tzinfo=SUMMER_2010)


def test_the_changeover_day_back_with_decimal_commas_has_50_half_hours_and_ends_in_winter_time() -> None:
    row = fixture("changeover-back-dst2-comma.xml")

    assert row.active_import_kwh == Decimal("62.50")  # 50 x 1.25
    assert row.active_export_kwh == Decimal("2.50")
    assert row.read_at == datetime(2010, 11, 1, tzinfo=MOSCOW)


def test_status_flags_are_carried_per_channel_and_the_values_stay_in_the_total() -> None:
    row = fixture("status-flags.xml")

    assert row.active_import_kwh == Decimal("60.00")
    assert row.flags == [
        ChannelFlag(channel="active_import_kwh", status="1", periods=3),
        ChannelFlag(channel="active_import_kwh", status="2", periods=1),
    ]


def test_a_status_written_with_leading_zeros_is_the_same_code() -> None:
    [row] = parse_80020(document().replace(b'status="0"', b'status="01"', 2))

    assert row.flags == [ChannelFlag(channel="active_import_kwh", status="1", periods=2)]


def test_a_changeover_day_must_have_the_same_hour_skipped_or_repeated_in_every_channel() -> None:
    skipped = [s for s in HALF_HOURS if s not in ("0200", "0230")]
    repeated = [*HALF_HOURS[:6], "0200", "0230", *HALF_HOURS[6:]]
    periods = "".join(f'<period start="{s}" end="{_end(s)}"><value>1</value></period>' for s in repeated)
    channel = f'<measuringchannel code="01">{periods}</measuringchannel>'
    other = f'<measuringpoint code="2" name="Второй">{channel}</measuringpoint>'

    with pytest.raises(AskueBadData, match="different periods"):
        parse_80020(document(skipped, dst="2", day="20100328", extra_point=other))


def test_the_simulators_changeover_day_is_read_with_its_commas_and_flags() -> None:
    day = date(2014, 10, 26)  # Moscow's last clock change: 02:00 back to 01:00
    start = datetime(2014, 10, 26, tzinfo=SUMMER_2010)
    meters = DEMO_METERS[:1]

    document_bytes = document_80020(meters, day, 7, start + timedelta(days=1, hours=1), changeover=True)
    [row] = parse_80020(document_bytes)

    assert b"<daylightsavingtime>2<" in document_bytes and b"," in document_bytes
    # 50 half-hours: the register's growth over 25 hours.
    growth = meters[0].register("A+", start + timedelta(hours=25)) - meters[0].register("A+", start)
    assert row.active_import_kwh == growth
    assert row.flags == [ChannelFlag(channel="active_import_kwh", status="1", periods=2)]
    assert row.profile is not None and row.profile.starts[4:6] == ["0100", "0130"] == row.profile.starts[2:4]
    assert row.read_at == datetime(2014, 10, 27, tzinfo=MOSCOW)
