"""Reading an XML 80020 document (the wholesale market's format of metered intervals) into rows.

    <?xml version="1.0" encoding="windows-1251"?>
    <message class="80020" version="2" number="17">
      <datetime><timestamp>20261128013000</timestamp><daylightsavingtime>0</daylightsavingtime>
        <day>20261127</day></datetime>
      <sender><inn>…</inn><name>…</name></sender>
      <area><inn>…</inn><name>Магазин, ул. Садовая, 12</name>
        <measuringpoint code="…" name="Меркурий 230 № 31180254">
          <measuringchannel code="01" desc="активная, приём">
            <period start="0000" end="0030"><value status="0">1.25</value></period> … 48 of them
          </measuringchannel> … channels 01 A+, 02 A−, 03 R+, 04 R−

One document is one day. A row is a measuring point of an area, keyed on the point's `code` (the
unique measuring-point code; its `name`, a feeder name such as «ПС Клетьевая, ввод Т-1» that several
points may share, is only the row's label): the object is the area's name, and each channel's
half-hour values summed give that day's energy in kWh (kvarh for 03/04). The whole document is
checked before any row is made: a malformed, hostile (DTD, entities) or wrongly encoded document is
refused, never half-read.

As documents are really sent (the 80020 layout of the wholesale market's commercial metering
regulation, Приложение 11.1.1 к Положению о порядке получения статуса субъекта ОРЭМ):
- the day is a day of local time: the area's `timezone` when it names an IANA zone, else Moscow
  time (`timezone="1"`, what Moscow-time senders write, or none). Its end, `read_at`, is the
  midnight after it in that zone's own history (`functions/common/clock.py` `local_zone`): Moscow
  has kept UTC+3 all year since 26.10.2014 (Федеральный закон от 21.07.2014 № 248-ФЗ, ст. 1 и 5),
  UTC+4 from 27.03.2011, and changed clocks (UTC+3 winter, UTC+4 summer) before. The number of
  half-hours is the day's length there: 48, and 46 or 50 only on a day clocks changed.
- `<daylightsavingtime>`: 0 winter time, 1 summer time, 2 the changeover day. Generators still
  write 1 on every day since 2014 (Moscow's «summer time» of 2011 made permanent), so the flag
  says nothing the zone does not: it is only checked, and 2 on a day clocks did not change is
  refused. We could not find the edition of Приложение 11.1.1 in force to cite its wording of
  `timezone`: the codes other than 1 are not read (a document with one is refused, not misread).
- `message/@number`: the sender's document number. A corrected resend of a day carries a higher
  number and replaces that day's earlier rows (`superseded`); a lower one never replaces a higher.
- the last half-hour ends at `0000` (as generators write it) or `2400`.
- values are written with a decimal point or a decimal comma (`1.25`, `1,25`), as the sending
  system's locale has it;
- `<value status="…">`: 0 is commercial (reliable) data, any other code a value the sender marks as
  not reliable. Such values stay in the day's total (they are what was metered), and the row carries
  the codes per channel (`AskueRow.flags`) so the table shows the total as unreliable.

The half-hours of A+ and A− are kept too, as the row's `profile` (the site draws the day's load),
for the first `MAX_PROFILES` points of a document: a snapshot is one DynamoDB item (at most 400 KB),
and a profile takes about 1 KB.
"""

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from functools import cache
from typing import Any
from xml.etree.ElementTree import Element, ParseError  # nosec B405 # types; defusedxml parses
from zoneinfo import ZoneInfo

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from pydantic import ValidationError

from functions.askue.http import AskueBadData
from functions.askue.models import AskueRow, ChannelFlag, LoadProfile
from functions.common.clock import UnknownZone, local_zone

CHANNELS = {
    "01": "active_import_kwh",
    "02": "active_export_kwh",
    "03": "reactive_import_kvarh",
    "04": "reactive_export_kvarh",
}
MAX_PROFILES = 100
_DECLARATION = re.compile(rb"""\A<\?xml\s[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_NUMBER = re.compile(r"\A\d{1,15}(?:[.,]\d{1,6})?\Z")
_STATUS = re.compile(r"\A\d{1,4}\Z")
CHANGEOVER = "2"
MOSCOW_TIME = "1"  # `area/@timezone` as Moscow-time senders write it
_ZONE_NAME = re.compile(r"\A[A-Za-z_]{1,20}(?:/[A-Za-z0-9_+-]{1,30}){1,2}\Z")
_POINT_CODE = re.compile(r"\A[0-9A-Za-z._-]{1,40}\Z")
_DOCUMENT_NUMBER = re.compile(r"\A\d{1,12}\Z")
_HHMM = re.compile(r"\A(?:[01]\d|2[0-3])[0-5]\d\Z")


def parse_80020(document: bytes) -> list[AskueRow]:
    """The rows of one 80020 document; AskueBadData when any part of it is not as the format says."""
    root = _parse_safely(document)
    if root.tag != "message" or root.get("class") != "80020":
        raise AskueBadData('the root is not <message class="80020">')
    number = _document_number(root)
    day, dst = _day(root)
    areas = root.findall("area")
    if not areas:
        raise AskueBadData("no <area>")
    rows: list[AskueRow] = []
    codes: set[str] = set()
    for area in areas:
        points = list(_points(area))
        lengths = {
            len(channel.findall("period"))
            for point in points
            for channel in point.findall("measuringchannel")
        }
        read_at = _end_of_day(day, dst, _zone(area), lengths)
        for point in points:
            row = _row(area, point, read_at, number)
            if row.measuring_point_code in codes:
                raise AskueBadData(f"measuringpoint code {row.measuring_point_code} appears twice")
            codes.add(row.measuring_point_code or "")
            rows.append(row)
    kept = rows[:MAX_PROFILES]
    return kept + [row.model_copy(update={"profile": None}) for row in rows[MAX_PROFILES:]]


def superseded(previous: list[AskueRow], incoming: list[AskueRow]) -> list[AskueRow]:
    """The rows to keep when `incoming` arrives after `previous`: for each day of `incoming` (its
    `read_at`), the rows of the document with the higher `message/@number`; an equal number is a
    repeat and the incoming rows stand. A day `previous` does not hold is taken as it came."""
    held: dict[datetime, list[AskueRow]] = {}
    for row in previous:
        held.setdefault(row.read_at, []).append(row)
    kept: list[AskueRow] = []
    for day_end in dict.fromkeys(row.read_at for row in incoming):
        arriving = [row for row in incoming if row.read_at == day_end]
        earlier = held.get(day_end, [])
        if earlier and _number_of(earlier) > _number_of(arriving):
            kept += earlier
        else:
            kept += arriving
    return kept


def _number_of(rows: list[AskueRow]) -> int:
    return max((row.document_number or 0) for row in rows)


def _document_number(root: Element) -> int | None:
    given = root.get("number")
    if given is None:
        return None
    if not _DOCUMENT_NUMBER.match(given.strip()):
        raise AskueBadData("message number must be a whole number")
    return int(given)


def _zone(area: Element) -> ZoneInfo:
    """The zone of the area's day: an IANA name it gives, else Moscow time."""
    given = (area.get("timezone") or "").strip()
    if given in ("", MOSCOW_TIME):
        return local_zone()
    if not _ZONE_NAME.match(given):
        raise AskueBadData(f"area timezone {given[:40]!r} is neither 1 (Moscow time) nor a time-zone name")
    try:
        return local_zone(given)
    except UnknownZone:
        raise AskueBadData(f"unknown area timezone {given!r}") from None


def _end_of_day(day: date, dst: str, zone: ZoneInfo, lengths: set[int]) -> datetime:
    """Midnight after `day` in `zone`, once the channels' half-hours are checked against the day's
    length there (46, 48 or 50)."""
    start = datetime.combine(day, time(0), tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
    half_hours = (end.astimezone(UTC) - start.astimezone(UTC)) // timedelta(minutes=30)
    if dst == CHANGEOVER and half_hours == 48:
        raise AskueBadData(
            f"a changeover day (daylightsavingtime 2) must be a day clocks changed in {zone.key}; "
            f"{day:%d.%m.%Y} was not"
        )
    if len(lengths) > 1:
        raise AskueBadData("the channels of the area's points have different periods")
    if lengths != {half_hours}:
        counts = ", ".join(str(n) for n in sorted(lengths))
        raise AskueBadData(
            f"{counts} periods do not make a day: {day:%d.%m.%Y} in {zone.key} has {half_hours} half-hours"
        )
    return end


def _parse_safely(document: bytes) -> Element:
    declared = _DECLARATION.match(document.lstrip(b"\xef\xbb\xbf"))
    if declared is None or declared.group(1).decode().lower() not in ("windows-1251", "cp1251"):
        raise AskueBadData("an 80020 document must declare encoding windows-1251")
    if not document.isascii() and _is_utf8(document):
        # Russian text in windows-1251 is practically never valid UTF-8: this is UTF-8 mislabelled.
        raise AskueBadData("the document says windows-1251 but is encoded in UTF-8")
    try:
        # No DTD at all: 80020 has none, and refusing it stops entity expansion and external
        # entities before anything is expanded or fetched.
        root: Element = fromstring(document, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (DefusedXmlException, ParseError, ValueError, UnicodeError) as error:
        raise AskueBadData(f"not a well-formed, safe XML document: {type(error).__name__}") from None
    return root


def _is_utf8(document: bytes) -> bool:
    try:
        document.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _text(parent: Element, path: str) -> str:
    found = parent.find(path)
    text = (found.text or "").strip() if found is not None else ""
    if not text:
        raise AskueBadData(f"<{path}> is missing or empty")
    return text


def _day(root: Element) -> tuple[date, str]:
    when = root.find("datetime")
    if when is None:
        raise AskueBadData("no <datetime>")
    try:
        day = datetime.strptime(_text(when, "day"), "%Y%m%d").date()
    except ValueError:
        raise AskueBadData("<day> is not YYYYMMDD") from None
    flag = when.findtext("daylightsavingtime", default="0").strip()
    if flag not in ("0", "1", CHANGEOVER):
        raise AskueBadData("<daylightsavingtime> must be 0, 1 or 2")
    return day, flag


def _points(area: Element) -> Iterator[Element]:
    """Each measuring point's channels, checked for codes (known, once each) before any is summed."""
    _text(area, "name")
    for point in area.findall("measuringpoint"):
        channels = point.findall("measuringchannel")
        if not channels:
            raise AskueBadData("a <measuringpoint> without channels")
        codes = [channel.get("code", "") for channel in channels]
        for code in codes:
            if code not in CHANNELS:
                raise AskueBadData(f"unknown measuringchannel code {code!r}")
            if codes.count(code) > 1:
                raise AskueBadData(f"measuringchannel {code} appears twice in one point")
        yield point


def _row(area: Element, point: Element, read_at: datetime, number: int | None) -> AskueRow:
    point_code = (point.get("code") or "").strip()
    if not _POINT_CODE.match(point_code):
        raise AskueBadData("a <measuringpoint> without a valid code (the measuring point's identifier)")
    meter_name = (point.get("name") or "").strip() or point_code
    totals: dict[str, Any] = dict.fromkeys(CHANNELS.values(), Decimal(0))
    halves: dict[str, list[Decimal]] = {}
    starts: list[str] | None = None
    flags: list[ChannelFlag] = []
    for channel in point.findall("measuringchannel"):
        code = channel.get("code", "")
        channel_starts, halves[code], statuses = _channel_periods(channel)
        if starts is not None and channel_starts != starts:
            raise AskueBadData("the channels of one point have different periods")
        starts = channel_starts
        totals[CHANNELS[code]] = sum(halves[code], Decimal(0))
        flags += [
            ChannelFlag(channel=CHANNELS[code], status=status, periods=count)
            for status, count in sorted(statuses.items())
            if status != "0"
        ]
    if starts is None:  # _points() refused it already; kept for the type
        raise AskueBadData("a <measuringpoint> without channels")
    try:
        profile = LoadProfile(
            day=(read_at - timedelta(days=1)).date(),
            starts=starts,
            active_import_kwh=halves.get("01", [Decimal(0)] * len(starts)),
            active_export_kwh=halves.get("02", [Decimal(0)] * len(starts)),
        )
        return AskueRow(
            object_name=_text(area, "name"),
            meter_name=meter_name,
            measuring_point_code=point_code,
            document_number=number,
            read_at=read_at,
            flags=flags,
            profile=profile,
            **totals,
        )
    except ValidationError:
        raise AskueBadData("a point's totals are out of range") from None


def _channel_periods(channel: Element) -> tuple[list[str], list[Decimal], dict[str, int]]:
    """The starts of a channel's half-hours (ЧЧММ), the value of each, and how many half-hours came
    with each status code."""
    starts: list[str] = []
    values: list[Decimal] = []
    statuses: dict[str, int] = {}
    for period in channel.findall("period"):
        start, end = period.get("start", ""), period.get("end", "")
        if not _HHMM.match(start) or end not in (_half_hour_after(start), "2400"):
            raise AskueBadData(f"period {start!r}–{end!r} is not a half-hour")
        if end == "2400" and start != "2330":
            raise AskueBadData("only the last period may end at 2400")
        starts.append(start)
        value, status = _value(period)
        values.append(value)
        statuses[status] = statuses.get(status, 0) + 1
    if tuple(starts) not in _valid_days():
        raise AskueBadData(f"{len(starts)} periods do not make a day (48; 46 or 50 when clocks change)")
    return starts, values, statuses


def _value(period: Element) -> tuple[Decimal, str]:
    values = period.findall("value")
    if len(values) != 1:
        raise AskueBadData("a period must hold exactly one <value>")
    text = (values[0].text or "").strip()
    if not _NUMBER.match(text):
        raise AskueBadData(f"value {text[:20]!r} is not a non-negative number")
    status = values[0].get("status", "0").strip()
    if not _STATUS.match(status):
        raise AskueBadData("value status must be a number")
    return Decimal(text.replace(",", ".")), str(int(status))


def _half_hour_after(start: str) -> str:
    minutes = (int(start[:2]) * 60 + int(start[2:]) + 30) % (24 * 60)
    return f"{minutes // 60:02d}{minutes % 60:02d}"


@cache
def _valid_days() -> frozenset[tuple[str, ...]]:
    """Every valid sequence of period starts: the 48 half-hours, or one hour skipped (46) or
    repeated (50) at a whole hour, as on the days clocks change."""
    full = tuple(f"{h:02d}{m:02d}" for h in range(24) for m in (0, 30))
    days = {full}
    for hour in range(24):
        at = 2 * hour
        days.add(full[:at] + full[at + 2 :])
        days.add(full[: at + 2] + full[at : at + 2] + full[at + 2 :])
    return frozenset(days)
