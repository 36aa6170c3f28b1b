"""The readings history as a CSV file that Excel in a Russian locale opens as it is.

UTF-8 with a byte order mark (without it Excel reads the file as windows-1251), `;` between
columns (Russian Excel's list separator), decimal comma, dates as ДД.ММ.ГГГГ ЧЧ:ММ (Moscow time).
"""

import csv
import io
from collections.abc import Iterable

from functions.common import russian
from functions.readings.models import ALL_TARIFFS, METER_TYPE_LABELS, SOURCE_LABELS, ReadingOutput

BOM = "\ufeff"
HEADERS = [
    "Дата",
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
                reading.meter_number,
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
