"""Each request type's own fields («Дополнительные поля»): one pydantic model per type, with the
field types only requests use (the ones other domains share — meter number, cadastral number,
лицевой счёт, phone — are functions/common/fields.py's). Field titles are the Russian labels: they
name the field in validation messages and label the inputs of the form the site renders from the
type's JSON schema. The registry of types (registry.py) names which model belongs to which type."""

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError

from functions.common.clock import moscow_today
from functions.common.fields import (
    AccountNumber,
    MeterNumber,
    Phone,
)

# ---------------------------------------------------------------- reusable field types


def one_of(labels: Mapping[str, str]) -> dict[str, Any]:
    """JSON schema of a choice with a Russian label for each value (the form shows a select)."""
    return {"oneOf": [{"const": value, "title": title} for value, title in labels.items()]}


def _not_in_future(value: date) -> date:
    if value > moscow_today():
        raise PydanticCustomError("date_in_future", "Дата не может быть позже сегодняшней.")
    return value


def _not_in_past(value: date) -> date:
    if value < moscow_today():
        raise PydanticCustomError("date_in_past", "Выберите сегодняшнюю или более позднюю дату.")
    return value


Line = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
PastDate = Annotated[date, AfterValidator(_not_in_future)]
FutureDate = Annotated[date, AfterValidator(_not_in_past)]

VOLTAGE_LABELS = {
    "0.22": "0,22 кВ",
    "0.4": "0,4 кВ",
    "6": "6 кВ",
    "10": "10 кВ",
    "20": "20 кВ",
    "35": "35 кВ",
    "110": "110 кВ",
}
RELIABILITY_LABELS = {"I": "I категория", "II": "II категория", "III": "III категория"}
METER_WORK_LABELS = {"install": "Установка нового прибора учёта", "replace": "Замена прибора учёта"}
CONSUMPTION_LABELS = {
    "non_contractual": "Бездоговорное потребление",
    "unmetered": "Безучётное потребление",
    "unknown": "Не знаю",
}
READING_REASON_LABELS = {
    "control": "Контрольное снятие показаний",
    "dispute": "Несогласие с начислением",
    "owner_change": "Смена собственника или переезд",
    "other": "Другое",
}
INSTALLATION_REASON_LABELS = {
    "no_meter": "Прибора учёта нет",
    "broken": "Прибор учёта неисправен",
    "verification_expired": "Истёк межповерочный интервал",
    "other": "Другое",
}
TIME_SLOT_LABELS = {"morning": "С 9:00 до 13:00", "afternoon": "С 13:00 до 18:00"}
# The theft report: a torn wire or an open substation is a danger before it is a loss.
DANGER_ADVICE = (
    "Если провод оборван, искрит или открыта подстанция — не подходите ближе 8 м и сразу звоните "
    "диспетчеру сетевой компании или по номеру 112; заявка — после этого."
)
INCIDENT_LABELS = {"theft": "Хищение", "damage": "Повреждение", "theft_and_damage": "Хищение и повреждение"}


# A field the site fills from the object picked in «Мои объекты» names the object's attribute.
FROM_OBJECT_ADDRESS: dict[str, Any] = {"x-object": "address"}


class TypeFields(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")


class MeterReadingFields(TypeFields):
    address: Line = Field(title="Адрес установки прибора учёта", json_schema_extra=FROM_OBJECT_ADDRESS)
    account_number: AccountNumber = Field(
        title="Лицевой счёт", json_schema_extra={"x-object": "account_number"}
    )
    reason: Literal["control", "dispute", "owner_change", "other"] = Field(
        title="Причина обращения", json_schema_extra=one_of(READING_REASON_LABELS)
    )
    meter_number: MeterNumber = Field(title="Номер прибора учёта")
    meter_model: Line | None = Field(default=None, title="Модель прибора учёта")
    reading_date: FutureDate = Field(title="Желаемая дата снятия показаний")
    contact_phone: Phone | None = Field(
        default=None, title="Телефон для связи", description="Если отличается от указанного при регистрации"
    )


class MeterAdmissionFields(TypeFields):
    """Допуск прибора учёта в эксплуатацию (ПП № 442, пп. 153–154): the meter's reading when it was
    installed, its verification (поверка) dates, and when the company's staff may come."""

    address: Line = Field(title="Адрес установки прибора учёта", json_schema_extra=FROM_OBJECT_ADDRESS)
    meter_number: MeterNumber = Field(title="Номер прибора учёта")
    meter_model: Line = Field(title="Модель прибора учёта")
    installation_date: PastDate = Field(title="Дата установки прибора учёта")
    installation_reading: Decimal = Field(
        title="Показания при установке, кВт·ч", ge=0, max_digits=11, decimal_places=2
    )
    verified_on: PastDate = Field(title="Дата поверки прибора учёта", description="Из паспорта прибора учёта")
    next_verification_on: FutureDate = Field(
        title="Дата следующей поверки", description="По межповерочному интервалу из паспорта прибора учёта"
    )
    admission_date: FutureDate = Field(title="Желаемая дата допуска")
    time_slot: Literal["morning", "afternoon"] = Field(
        title="Удобное время", json_schema_extra=one_of(TIME_SLOT_LABELS)
    )


class MeterInstallationFields(TypeFields):
    supply_point_address: Line = Field(title="Адрес точки поставки", json_schema_extra=FROM_OBJECT_ADDRESS)
    work: Literal["install", "replace"] = Field(
        title="Вид работ", json_schema_extra=one_of(METER_WORK_LABELS)
    )
    reason: Literal["no_meter", "broken", "verification_expired", "other"] = Field(
        title="Причина обращения", json_schema_extra=one_of(INSTALLATION_REASON_LABELS)
    )
    old_meter_number: MeterNumber | None = Field(
        default=None,
        validate_default=True,
        title="Номер заменяемого прибора учёта",
        description="Только для замены",
    )
    work_date: FutureDate = Field(title="Желаемая дата работ")

    @field_validator("old_meter_number")
    @classmethod
    def _replacement_names_the_old_meter(cls, value: str | None, info: ValidationInfo) -> str | None:
        if info.data.get("work") == "replace" and value is None:
            raise PydanticCustomError("old_meter_missing", "Укажите номер заменяемого прибора учёта.")
        return value


class UnmeteredConsumptionFields(TypeFields):
    kind: Literal["non_contractual", "unmetered", "unknown"] = Field(
        title="Вид нарушения", json_schema_extra=one_of(CONSUMPTION_LABELS)
    )
    place: Line = Field(title="Место выявления (адрес)")
    detected_on: PastDate = Field(title="Дата выявления")
    description: LongText = Field(
        title="Описание нарушения",
        description="Что именно обнаружено: подключение в обход прибора учёта и т. п.",
    )
    violator: Line | None = Field(default=None, title="Сведения о нарушителе", description="Если известны")


class GridTheftFields(TypeFields):
    incident: Literal["theft", "damage", "theft_and_damage"] = Field(
        title="Что произошло", json_schema_extra=one_of(INCIDENT_LABELS)
    )
    location: Line = Field(
        title="Место происшествия (адрес или ориентир)",
        description=DANGER_ADVICE,
    )
    place_id: Line | None = Field(
        default=None,
        title="Номер опоры, ТП или КТП",
        description="Если виден: номер на опоре или на двери подстанции, например «оп. 12» или «КТП-104»",
    )
    occurred_on: PastDate = Field(title="Дата обнаружения")
    objects: LongText = Field(
        title="Похищенное или повреждённое имущество", description="Например, провод СИП 4×16, 120 м"
    )
    police_notified: bool = Field(default=False, title="Сообщено в полицию")
