"""The readings history as a CSV file that Excel in a Russian locale opens as it is.

UTF-8 with a byte order mark (without it Excel reads the file as windows-1251), `;` between
columns (Russian Excel's list separator), decimal comma, dates as ДД.ММ.ГГГГ ЧЧ:ММ in Moscow time
(the column says so: «Дата (МСК)»).

A meter number is written as the formula `="00123456"`: Excel and LibreOffice Calc (which evaluates
formulas in a CSV it opens, the default for files) both show it as the text 00123456, where a bare
00123456 becomes the number 123456 and a number like 1-2 or 3/4 becomes a date. A text-typed column
cannot be said in a CSV, and a leading apostrophe or tab stays visible in one of them. Meter numbers
hold only letters, digits, «-» and «/» (`MeterNumber`, functions/common/fields.py), so the quotes
cannot be broken out of. The csv module quotes the cell as RFC 4180 asks (its quotes doubled, the
whole in quotes); both programs unquote a cell before they read it.
"""

import csv
import io
from collections.abc import Iterable

from functions.common import russian
from functions.readings.models import ALL_TARIFFS, METER_TYPE_LABELS, SOURCE_LABELS, ReadingOutput

BOM = "\ufeff"
HEADERS = [
    "Дата (МСК)",
    "Прибор учёта",
    "Тип",
    "Т1",
    "Т2",
    "Т3",
    "Расход Т1",
    "Расход Т2",
    "Расход Т3",
    "Источник",
]


def as_text(value: str) -> str:
    """What a spreadsheet shows as this text and never reads as a number or a date."""
    return f'="{value}"'


def readings_csv(readings: Iterable[ReadingOutput]) -> str:
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADERS)
    for reading in readings:
        consumption = reading.consumption or {}
        writer.writerow(
            [
                russian.date_time(reading.taken_at),
                as_text(reading.meter_number),
                METER_TYPE_LABELS[reading.meter_type],
                *(
                    russian.plain_amount(v) if (v := reading.values.get(t)) is not None else ""
                    for t in ALL_TARIFFS
                ),
                *(
                    russian.plain_amount(v) if (v := consumption.get(t)) is not None else ""
                    for t in ALL_TARIFFS
                ),
                SOURCE_LABELS[reading.source],
            ]
        )
    return out.getvalue()
