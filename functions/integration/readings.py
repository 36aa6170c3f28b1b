"""The readings billing bills on (`GET /api/integration/readings?after=`): every reading stored —
typed in by a consumer or read from ASKUE — with its values per tariff, source, billing period, and
the object and лицевой счёт of its meter, in the order of the change feed (the same numbers: a
reader keeping `next_after` misses none; functions/common/changes.py).

The readings come from the feed's `portal.reading.submitted.v1` changes (their values are in the
event); the object and лицевой счёт are read from «Мои объекты» of each consumer on the page (one
Query a consumer): the object whose meters include the reading's meter, as it is now."""

from datetime import datetime

from pydantic import BaseModel, Field

from functions.common.changes import MAX_PAGE, ChangeFeed
from functions.common.errors import invalid_field
from functions.common.events import ReadingSubmitted
from functions.objects.models import SupplyObject


class BilledReading(BaseModel):
    sequence: int = Field(ge=1, description="Номер изменения в ленте (GET /api/integration/changes)")
    reading_id: str
    user_id: str = Field(description="Потребитель (Cognito sub)")
    meter_number: str
    meter_type: str = Field(description="single_tariff, two_tariff или three_tariff")
    source: str = Field(description="manual — введено потребителем; askue — получено из АСКУЭ")
    values: dict[str, str] = Field(
        description="Показания по тарифам (t1; t1, t2; t1, t2, t3), кВт·ч, строкой"
    )
    taken_at: datetime
    billing_period: str = Field(description="Расчётный период (ГГГГ-ММ)")
    object_id: str | None = Field(
        description="Объект, к которому относится прибор учёта; null — прибор не указан ни на одном объекте"
    )
    object_name: str | None = None
    account_number: str | None = Field(description="Лицевой счёт объекта")
    account_confirmed: bool = Field(description="Лицевой счёт сверен с биллингом")


class ReadingsPage(BaseModel):
    items: list[BilledReading]
    next_after: int = Field(ge=0, description="Курсор следующего запроса (after)")
    has_more: bool = Field(description="true — лента прочитана не до конца: запросите следующую страницу")


def _object_of(found: list[SupplyObject], meter_number: str) -> SupplyObject | None:
    return next((o for o in found if any(m.meter_number == meter_number for m in o.meters)), None)


def billed_readings(after: int, limit: int) -> ReadingsPage:
    """The readings stored after the feed's change `after`."""
    from functions.objects import service as objects

    page = ChangeFeed().page(after, min(limit, MAX_PAGE), ReadingSubmitted.DETAIL_TYPE)
    if after > page.last:
        raise invalid_field(
            "after",
            f"Изменения с таким номером ещё нет: последнее — {page.last}. Передайте next_after из "
            "прошлого ответа (или 0, чтобы читать с начала).",
        )
    owners: dict[str, list[SupplyObject]] = {}
    items = []
    for change in page.changes:
        reading = ReadingSubmitted.model_validate(change.detail)
        if reading.user_id not in owners:
            owners[reading.user_id] = objects.objects(reading.user_id).items
        found = _object_of(owners[reading.user_id], reading.meter_number)
        items.append(
            BilledReading(
                sequence=change.sequence,
                reading_id=reading.reading_id,
                user_id=reading.user_id,
                meter_number=reading.meter_number,
                meter_type=reading.meter_type,
                source=reading.source,
                values=reading.values,
                taken_at=reading.taken_at,
                billing_period=reading.billing_period,
                object_id=found.id if found else None,
                object_name=found.name if found else None,
                account_number=found.account_number if found else None,
                account_confirmed=bool(found and found.account_state == "confirmed"),
            )
        )
    return ReadingsPage(items=items, next_after=page.read_to, has_more=page.read_to < page.last)
