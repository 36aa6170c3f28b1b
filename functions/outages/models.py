"""Outages: planned works and emergencies, by address (docs/architecture.md «Domain rules → Outages»).

The company publishes them through the integration API; anyone reads them without logging in; a
consumer sees those at their objects («Мои объекты») and is mailed about them.
"""

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError

from functions.common.addresses import BadHouses, parse_houses
from functions.common.fields import HexId
from functions.common.labels import field_labels

MAX_STREETS = 20  # one outage's streets: its publication, change and withdrawal stay one transaction
AddressName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=500)]
HouseList = Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)]


class OutageKind(StrEnum):
    PLANNED = "planned"
    EMERGENCY = "emergency"


KIND_TITLES = {OutageKind.PLANNED: "Плановое отключение", OutageKind.EMERGENCY: "Аварийное отключение"}


class OutageStatus(StrEnum):
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"


class OutageAddress(BaseModel):
    """A street (or a settlement without streets) and its houses the outage affects."""

    model_config = ConfigDict(extra="forbid")

    settlement: AddressName = Field(title="Населённый пункт", description="Например, «г. Бор», «д. Берёзки»")
    street: AddressName | None = Field(
        default=None, title="Улица", description="Не указывается для населённого пункта без улиц"
    )
    houses: HouseList | list[HouseList] = Field(
        default="",
        title="Дома",
        description='Номера и диапазоны домов: «1-15, 17, 21а» или ["1-15", "17", "21а"]; пусто — вся улица',
    )

    @field_validator("houses")
    @classmethod
    def _readable(cls, value: str | list[str]) -> str:
        text = ", ".join(value) if isinstance(value, list) else value
        try:
            parse_houses(text)
        except BadHouses as error:
            raise PydanticCustomError("houses", str(error)) from None
        return text


def _in_order(value: datetime | None, info: ValidationInfo) -> datetime | None:
    starts = info.data.get("starts_at")
    if value is not None and starts is not None and value <= starts:
        raise PydanticCustomError("ends_before_start", "Время окончания должно быть позже начала отключения.")
    return value


class OutagePublication(BaseModel):
    """What the company publishes."""

    model_config = ConfigDict(extra="forbid")

    kind: OutageKind = Field(title="Вид отключения", description="planned — плановое, emergency — аварийное")
    starts_at: AwareDatetime = Field(title="Начало отключения", description="С часовым поясом")
    ends_at: AwareDatetime = Field(
        title="Окончание отключения",
        description="Для аварийного — ожидаемое время восстановления электроснабжения",
    )
    reason: Reason = Field(title="Причина", description="Например, «Ремонт ВЛ-0,4 кВ»")
    addresses: list[OutageAddress] = Field(
        min_length=1, max_length=MAX_STREETS, title="Адреса", description="Улицы и дома"
    )

    _ends_after_start = field_validator("ends_at")(_in_order)


class OutageChange(BaseModel):
    """What the company may move: the times (an emergency's restoration estimate) and the reason."""

    model_config = ConfigDict(extra="forbid")

    starts_at: AwareDatetime | None = Field(default=None, title="Начало отключения")
    ends_at: AwareDatetime | None = Field(
        default=None, title="Окончание отключения", description="Для аварийного — новая оценка восстановления"
    )
    reason: Reason | None = Field(default=None, title="Причина")

    _ends_after_start = field_validator("ends_at")(_in_order)


LABELS = field_labels(OutagePublication, OutageChange)


class OutageStreet(BaseModel):
    settlement: str
    street: str | None
    houses: str = Field(description="Дома, как их указала сетевая компания; пусто — вся улица")


class Outage(BaseModel):
    """An outage as anyone reads it."""

    id: HexId
    kind: OutageKind
    status: OutageStatus
    starts_at: datetime
    ends_at: datetime = Field(description="Окончание; для аварийного — ожидаемое восстановление")
    reason: str
    addresses: list[OutageStreet]
    version: int = Field(ge=1, description="1 при публикации, затем +1 за каждое изменение")
    published_at: datetime
    changed_at: datetime


class OutageList(BaseModel):
    items: list[Outage] = Field(description="Аварийные сначала, затем по времени начала")


class AffectedObject(BaseModel):
    object_id: HexId
    name: str
    house: str


class MyOutage(BaseModel):
    """An outage at one or more of the consumer's objects."""

    outage: Outage
    objects: list[AffectedObject] = Field(description="Объекты потребителя, которых оно касается")


class MyOutageList(BaseModel):
    items: list[MyOutage]


class OutageMails(BaseModel):
    """The consumer's choice of outage mails («Профиль»)."""

    model_config = ConfigDict(extra="forbid")

    outage_mails: bool = Field(title="Письма об отключениях")
