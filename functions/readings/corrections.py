"""The consumer corrects a mistake: their latest reading of a meter is corrected (PATCH
/api/readings/{id}) or withdrawn (DELETE) while its billing period is open.

Why only the latest and only then: a reading is the base of the next one's consumption, and once its
billing period is over the supplier has billed on it (functions/readings/billing.py: the period a
reading counts in is the one readings sent now would count in, until the window's last day passes).
A closed period's reading is the company's to correct: the answer says to file a request («Заявка
на снятие показаний прибора учёта»), and the company takes a control reading.

Only readings typed in: an ASKUE reading is what the meter sent. A correction keeps the history:
`corrections` of the reading lists each (when, by whom, the values before and after), and a
withdrawn reading is kept apart (functions/readings/correction_store.py). Each owes its event
(portal.reading.corrected.v1, portal.reading.withdrawn.v1), written in the same transaction.
"""

from dataclasses import replace
from decimal import Decimal

from aws_lambda_powertools import Logger

from functions.common import events, russian
from functions.common.clock import now
from functions.common.errors import Conflict, NotFound, invalid_field
from functions.common.outbox import OutboxEntry, outbox_put
from functions.readings.billing import billing_period, month_name
from functions.readings.correction_store import CorrectionStore, Latest, Withdrawn, previous_values
from functions.readings.models import (
    ALL_TARIFFS,
    TARIFF_LABELS,
    ReadingCorrection,
    ReadingFix,
    ReadingOutput,
    Source,
    Tariff,
)
from functions.readings.store import StaleMeter

logger = Logger()

NOT_LATEST = (
    "Такого показания нет среди последних показаний ваших приборов учёта. Исправить или удалить "
    "можно только последнее показание прибора учёта, пока открыт его расчётный период; более раннее "
    "исправляет сетевая компания — подайте «Заявку на снятие показаний прибора учёта» в разделе «Заявки»."
)
_MEANWHILE = (
    "Показания этого прибора учёта изменились в другом окне или на другом устройстве: обновите страницу."
)


def _correctable(user_id: str, reading_id: str, store: CorrectionStore) -> Latest:
    """The meter whose last reading this is, if the consumer may still correct it."""
    latest = store.latest(user_id, reading_id)
    if latest is None:
        raise NotFound(NOT_LATEST, title="Показание не найдено")
    reading = latest.reading
    if reading.source != Source.MANUAL:
        raise Conflict(
            "Показание не изменено",
            "Показания из АСКУЭ передаёт сам прибор учёта: исправить их может только сетевая компания — "
            "подайте «Заявку на снятие показаний прибора учёта» в разделе «Заявки».",
        )
    if reading.billing_period != billing_period(now()):
        raise Conflict(
            "Расчётный период закрыт",
            f"Показание учтено в расчётном периоде «{month_name(reading.billing_period)}», приём "
            f"показаний за который закончился: исправить его теперь может только сетевая компания. "
            f"Подайте «Заявку на снятие показаний прибора учёта» в разделе «Заявки».",
        )
    return latest


def _checked(fix: ReadingFix, latest: Latest) -> tuple[dict[Tariff, Decimal], dict[Tariff, Decimal] | None]:
    """The corrected values and the consumption they make, or the refusal."""
    reading = latest.reading
    labels = TARIFF_LABELS[reading.meter_type]
    values = fix.values.present()
    for tariff in ALL_TARIFFS:
        if tariff in labels and tariff not in values:
            raise invalid_field(f"values.{tariff}", f"Введите показание по тарифу {labels[tariff]}.")
        if tariff in values and tariff not in labels:
            raise invalid_field(
                f"values.{tariff}", f"У этого прибора учёта нет тарифа Т{tariff[1]}: уберите его."
            )
    if reading.consumption is None:
        return values, None  # the meter's first reading: nothing before it to follow
    if reading.rollover:
        raise Conflict(
            "Показание не изменено",
            "Это показание посчитано с переходом счётного механизма через ноль: удалите его и введите "
            "верное заново.",
        )
    before = previous_values(reading, latest.meter.digits)
    since = russian.date(reading.previous_taken_at or reading.taken_at)
    for tariff, value in values.items():
        if value < before[tariff]:
            raise invalid_field(
                f"values.{tariff}",
                f"Показание по тарифу {labels[tariff]} меньше предыдущего ({russian.amount(before[tariff])} "
                f"от {since}): проверьте значение.",
            )
    return values, {tariff: value - before[tariff] for tariff, value in values.items()}


def correct_reading(user_id: str, reading_id: str, fix: ReadingFix) -> ReadingOutput:
    """Corrects the values of the consumer's latest reading of a meter; the consumption, the meter's
    last values and the charts follow."""
    store = CorrectionStore()
    latest = _correctable(user_id, reading_id, store)
    reading, meter = latest.reading, latest.meter
    values, consumption = _checked(fix, latest)
    if values == reading.values:
        return reading  # nothing to correct (a retry of a correction done): no write, no event
    at = now()
    record = ReadingCorrection(corrected_at=at, by="consumer", old_values=reading.values, new_values=values)
    corrected = reading.model_copy(
        update={"values": values, "consumption": consumption, "corrections": [*reading.corrections, record]}
    )
    delta = sum((consumption or {}).values(), Decimal(0)) - sum(
        (reading.consumption or {}).values(), Decimal(0)
    )
    moved = replace(meter, last_values=values, total_consumption=meter.total_consumption + delta)
    event = events.ReadingCorrected(
        user_id=user_id,
        reading_id=reading.id,
        meter_number=reading.meter_number,
        billing_period=reading.billing_period,
        sequence=len(corrected.corrections) + 1,
        corrected_at=at,
    )
    try:
        store.correct(
            user_id, corrected, meter, moved, outbox_put(OutboxEntry.owing(events=[event], created_at=at))
        )
    except StaleMeter:
        raise Conflict("Показание не изменено", _MEANWHILE) from None
    logger.info("reading corrected", extra={"user_id": user_id, "reading_id": reading.id})
    return corrected


def withdraw_reading(user_id: str, reading_id: str) -> None:
    """Withdraws the consumer's latest reading of a meter: the previous reading is the meter's last
    again (the next reading's consumption counts from it); the withdrawn one is kept apart."""
    store = CorrectionStore()
    latest = _correctable(user_id, reading_id, store)
    reading, meter = latest.reading, latest.meter
    before = store.previous(user_id, reading)
    if reading.previous_taken_at is not None and before is None:
        raise Conflict("Показание не удалено", _MEANWHILE)
    back = None
    if before is not None:
        back = replace(
            meter,
            last_values=before.values,
            last_taken_at=before.taken_at,
            last_reading_id=before.id,
            last_source=before.source,
            total_consumption=meter.total_consumption - sum((reading.consumption or {}).values(), Decimal(0)),
        )
    at = now()
    event = events.ReadingWithdrawn(
        user_id=user_id,
        reading_id=reading.id,
        meter_number=reading.meter_number,
        billing_period=reading.billing_period,
        sequence=len(reading.corrections) + 2,
        withdrawn_at=at,
    )
    try:
        store.withdraw(
            user_id,
            Withdrawn(reading, at),
            meter,
            back,
            outbox_put(OutboxEntry.owing(events=[event], created_at=at)),
        )
    except StaleMeter:
        raise Conflict("Показание не удалено", _MEANWHILE) from None
    logger.info("reading withdrawn", extra={"user_id": user_id, "reading_id": reading.id})
