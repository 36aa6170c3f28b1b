"""«Мои объекты»: a consumer's supply points (точки поставки) — what ties readings and requests to
what the company bills.

An object is an address with its лицевой счёт (the account the guaranteeing supplier bills), an
optional cadastral number and the meters installed there (type, number, the counter's digit count).

The лицевой счёт's format: digits only, 8 to 14 of them (spaces and dashes people type between
groups are dropped). No regulation fixes one format: each guaranteeing supplier numbers its own
accounts (10 digits at some, 12 at others), so the portal checks what every such number has in common
and leaves the exact match to the company: an integrator confirms the account against billing
(`PATCH /api/integration/objects/{id}`), and the consumer sees it confirmed.
"""

from datetime import datetime
from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from functions.common.fields import AccountNumber, CadastralNumber, HexId, MeterNumber, MeterTypeField
from functions.common.labels import field_labels

MAX_METERS = 10
Address = Annotated[str, StringConstraints(strip_whitespace=True, min_length=5, max_length=300)]
AddressPart = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class ObjectMeter(BaseModel):
    """A meter installed at the object."""

    model_config = ConfigDict(extra="forbid")
    ITEM_TITLE: ClassVar[str] = "прибор учёта"  # «Номер прибора учёта (прибор учёта 2)»

    meter_type: MeterTypeField = Field(
        title="Тип прибора учёта", description="Задаёт тарифы: Т1; Т1, Т2; Т1, Т2, Т3"
    )
    meter_number: MeterNumber = Field(title="Номер прибора учёта")
    digits: int | None = Field(
        default=None,
        ge=4,
        le=9,
        title="Разрядность прибора учёта",
        description="Цифр до запятой на счётном механизме",
    )


class ObjectEntry(BaseModel):
    """A supply point the consumer registers."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)] = Field(
        title="Название объекта", description="Например, жилой дом, гараж, дача"
    )
    settlement: AddressPart | None = Field(
        default=None,
        title="Населённый пункт",
        description="Город, посёлок, село, деревня: например, «г. Бор» или «д. Берёзки». Нужен, чтобы "
        "показывать отключения электроэнергии по адресу объекта",
    )
    street: AddressPart | None = Field(
        default=None, title="Улица", description="Например, «ул. Полевая»; не указывайте, если улиц нет"
    )
    house: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20)] | None = (
        Field(
            default=None,
            validate_default=True,
            title="Дом",
            description="Номер дома с буквой или корпусом: 7, 21а, 12к2",
        )
    )
    address: Address | None = Field(
        default=None,
        validate_default=True,
        title="Адрес объекта",
        description="Как в квитанции; можно не указывать, если указаны населённый пункт и дом — "
        "тогда он составляется из них",
    )
    account_number: AccountNumber = Field(title="Лицевой счёт")
    cadastral_number: CadastralNumber | None = Field(
        default=None,
        title="Кадастровый номер",
        description="Необязательно; например, 77:01:0001001:1234",
    )
    meters: list[ObjectMeter] = Field(
        min_length=1,
        max_length=MAX_METERS,
        title="Приборы учёта",
        description="Приборы учёта, установленные на объекте",
    )

    @field_validator("house")
    @classmethod
    def _house_with_its_settlement(cls, value: str | None, info: ValidationInfo) -> str | None:
        settlement, street = info.data.get("settlement"), info.data.get("street")
        if value is not None and "settlement" in info.data and settlement is None:
            raise PydanticCustomError(
                "house_alone", "Укажите и населённый пункт: дом без него не находит объект."
            )
        if value is None and (settlement is not None or street is not None):
            raise PydanticCustomError("house_missing", "Укажите номер дома: например, 7, 21а или 12к2.")
        return value

    @field_validator("address")
    @classmethod
    def _some_address(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None and info.data.get("house") is None and "house" in info.data:
            raise PydanticCustomError(
                "address_missing", "Укажите адрес объекта или населённый пункт, улицу и дом."
            )
        return value

    @property
    def typed_address(self) -> str:
        """The address as typed, or made of its parts when only they were given."""
        if self.address is not None:
            return self.address
        return ", ".join(part for part in (self.settlement, self.street, self.house) if part)


LABELS = field_labels(ObjectEntry)

AccountState = Literal["pending", "confirmed"]


class SupplyObject(BaseModel):
    """A consumer's object as the API answers it."""

    id: HexId
    name: str
    address: str = Field(description="Адрес, как его ввёл потребитель")
    settlement: str | None = Field(default=None, description="Населённый пункт")
    street: str | None = Field(default=None, description="Улица")
    house: str | None = Field(default=None, description="Дом")
    account_number: str
    cadastral_number: str | None
    meters: list[ObjectMeter]
    account_state: AccountState = Field(
        description="pending — лицевой счёт ещё не подтверждён сетевой компанией; confirmed — подтверждён"
    )
    account_confirmed_at: datetime | None = Field(
        description="Когда сетевая компания подтвердила лицевой счёт"
    )
    created_at: datetime


class ObjectList(BaseModel):
    items: list[SupplyObject]


class IntegrationObject(SupplyObject):
    """An object as an integrator sees it: with its owner."""

    user_id: str = Field(description="Потребитель (Cognito sub)")
    account_confirmed_by: str | None = Field(
        default=None,
        description="Кто подтвердил лицевой счёт: ключ интеграции (api-key:<id>); повторное "
        "подтверждение сохраняет первое время и первого подтвердившего",
    )


class IntegrationObjectList(BaseModel):
    items: list[IntegrationObject] = Field(
        description="Объекты с неподтверждённым лицевым счётом, старые сначала"
    )
    cursor: str | None = Field(
        default=None, description="Курсор следующей страницы; null — страниц больше нет"
    )


class ObjectChange(BaseModel):
    """What the company changes on an object: its лицевой счёт's confirmation, and which of its
    meters the company's intelligent metering system (ИСУ) reads — those take no manual readings."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"minProperties": 1})

    confirmed: bool | None = Field(
        default=None,
        title="Лицевой счёт подтверждён",
        description="true — лицевой счёт сверен с биллингом; false — снять подтверждение",
    )
    isu_meters: list[MeterNumber] | None = Field(
        default=None,
        max_length=MAX_METERS,
        title="Приборы учёта, опрашиваемые ИСУ",
        description="Номера приборов учёта объекта, показания которых сетевая компания получает "
        "интеллектуальной системой учёта: ручной ввод показаний для них не принимается. Заменяет "
        "прежний список объекта; [] — ни один",
    )


INTEGRATION_LABELS = field_labels(ObjectChange)
