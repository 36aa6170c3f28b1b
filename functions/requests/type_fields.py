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
    computed_field,
    field_validator,
)
from pydantic_core import PydanticCustomError

from functions.common.clock import moscow_today
from functions.common.fields import (
    AccountNumber,
    MeterNumber,
    Phone,
)
from functions.requests.calendar import add_working_days, is_working_day
from functions.requests.meter_rules import (
    ADMISSION_FIRST_WORKING_DAY,
    ADMISSION_LAST_WORKING_DAY,
    INSTALLED_BY_LABELS,
    ISU_REQUIRED_SINCE,
    PREMISES_LABELS,
    Installer,
    Premises,
    installation_terms,
)
from functions.requests.vocabulary import DANGER_ADVICE, NO_POWER_DANGER_ADVICE

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
# A verification record of ФГИС «Аршин» (the certificate's number, e.g. С-ВЯ/15-03-2026/232853465).
VerificationRecord = Annotated[
    str,
    StringConstraints(strip_whitespace=True, pattern=r"^[0-9A-Za-zА-ЯЁа-яё][0-9A-Za-zА-ЯЁа-яё./-]{4,63}$"),
]

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
INCIDENT_LABELS = {"theft": "Хищение", "damage": "Повреждение", "theft_and_damage": "Хищение и повреждение"}


# A field the site fills from the object picked in «Мои объекты» names the object's attribute;
# `meter_number` is its meter's number when the object has exactly one meter.
FROM_OBJECT_ADDRESS: dict[str, Any] = {"x-object": "address"}
FROM_OBJECT_METER: dict[str, Any] = {"x-object": "meter_number"}


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
    meter_number: MeterNumber = Field(title="Номер прибора учёта", json_schema_extra=FROM_OBJECT_METER)
    meter_model: Line | None = Field(default=None, title="Модель прибора учёта")
    reading_date: FutureDate = Field(title="Желаемая дата снятия показаний")
    contact_phone: Phone | None = Field(
        default=None, title="Телефон для связи", description="Если отличается от указанного при регистрации"
    )


class MeterAdmissionFields(TypeFields):
    """Допуск прибора учёта в эксплуатацию (ПП № 442, пп. 153–154): who installed the meter, its
    reading then, whether it can join the intelligent metering system (ИСУ), its verification
    (поверка) and its record in ФГИС «Аршин», and a date within the rule's window of working days
    (meter_rules.py). The company's «Акт допуска» comes back as a document of the request."""

    address: Line = Field(title="Адрес установки прибора учёта", json_schema_extra=FROM_OBJECT_ADDRESS)
    meter_number: MeterNumber = Field(title="Номер прибора учёта", json_schema_extra=FROM_OBJECT_METER)
    meter_model: Line = Field(title="Модель прибора учёта")
    installation_date: PastDate = Field(title="Дата установки прибора учёта")
    installed_by: Literal["grid_company", "guaranteeing_supplier", "consumer"] = Field(
        title="Кто установил прибор учёта", json_schema_extra=one_of(INSTALLED_BY_LABELS)
    )
    isu_ready: bool = Field(
        title="Прибор учёта может быть присоединён к ИСУ",
        description="К интеллектуальной системе учёта сетевой компании; с 01.01.2022 устанавливаются "
        "только такие приборы учёта — см. паспорт прибора",
    )
    installation_reading: Decimal = Field(
        title="Показания при установке, кВт·ч", ge=0, max_digits=11, decimal_places=2
    )
    verified_on: PastDate = Field(title="Дата поверки прибора учёта", description="Из паспорта прибора учёта")
    verification_record: VerificationRecord = Field(
        title="Номер записи о поверке в ФГИС «Аршин»",
        description="Номер свидетельства (записи) о поверке в ФГИС «Аршин», например "
        "С-ВЯ/15-03-2026/232853465; его можно найти на fgis.gost.ru по номеру прибора учёта",
    )
    next_verification_on: FutureDate = Field(
        title="Дата следующей поверки", description="По межповерочному интервалу из паспорта прибора учёта"
    )
    admission_date: FutureDate = Field(
        title="Желаемая дата допуска",
        description=f"Рабочий день не раньше чем через {ADMISSION_FIRST_WORKING_DAY} и не позже чем через "
        f"{ADMISSION_LAST_WORKING_DAY} рабочих дней с даты заявки",
    )
    time_slot: Literal["morning", "afternoon"] = Field(
        title="Удобное время", json_schema_extra=one_of(TIME_SLOT_LABELS)
    )

    @field_validator("admission_date")
    @classmethod
    def _within_the_window(cls, value: date) -> date:
        today = moscow_today()
        first = add_working_days(today, ADMISSION_FIRST_WORKING_DAY)
        last = add_working_days(today, ADMISSION_LAST_WORKING_DAY)
        if not first <= value <= last or not is_working_day(value):
            raise PydanticCustomError(
                "admission_date_window",
                "Выберите рабочий день с {first} по {last}: от {low} до {high} рабочих дней с даты заявки.",
                {
                    "first": first.strftime("%d.%m.%Y"),
                    "last": last.strftime("%d.%m.%Y"),
                    "low": ADMISSION_FIRST_WORKING_DAY,
                    "high": ADMISSION_LAST_WORKING_DAY,
                },
            )
        return value

    @field_validator("isu_ready")
    @classmethod
    def _joins_the_isu_when_installed_since_2022(cls, value: bool, info: ValidationInfo) -> bool:
        installed = info.data.get("installation_date")
        if not value and isinstance(installed, date) and installed >= ISU_REQUIRED_SINCE:
            raise PydanticCustomError(
                "meter_not_isu_ready",
                "С 01.01.2022 устанавливаются только приборы учёта, которые можно присоединить к "
                "интеллектуальной системе учёта (522-ФЗ): такой прибор учёта не будет допущен. "
                "Обратитесь за установкой прибора учёта (заявка «Оборудование точки поставки прибором "
                "учёта») — для вас это бесплатно.",
            )
        return value


class MeterInstallationFields(TypeFields):
    """Установка или замена прибора учёта (522-ФЗ; meter_rules.py): the premises decide who does it
    — the grid company, or for a flat in a block of flats the guaranteeing supplier —, always free
    for the consumer, within the statutory term (the request's review deadline). The computed
    fields say so with the stored request."""

    premises: Premises = Field(
        title="Вид помещения",
        description="От него зависит, кто устанавливает прибор учёта: для квартиры в многоквартирном "
        "доме — гарантирующий поставщик, для жилого дома и нежилого объекта — сетевая компания. "
        "Для потребителя бесплатно",
        json_schema_extra=one_of(PREMISES_LABELS),
    )
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
    work_date: FutureDate | None = Field(
        default=None,
        title="Удобная дата визита",
        description="Необязательно. Срок работ — не позднее 6 месяцев с даты заявки; дату согласует "
        "исполнитель",
    )

    @field_validator("old_meter_number")
    @classmethod
    def _replacement_names_the_old_meter(cls, value: str | None, info: ValidationInfo) -> str | None:
        if info.data.get("work") == "replace" and value is None:
            raise PydanticCustomError("old_meter_missing", "Укажите номер заменяемого прибора учёта.")
        return value

    @computed_field(title="Кто выполняет работы")  # type: ignore[prop-decorator]
    @property
    def installer(self) -> Installer:
        return installation_terms(self.premises).installer

    @computed_field(title="Исполнитель")  # type: ignore[prop-decorator]
    @property
    def installer_title(self) -> str:
        return installation_terms(self.premises).installer_title

    @computed_field(title="Бесплатно для потребителя")  # type: ignore[prop-decorator]
    @property
    def free_of_charge(self) -> bool:
        return installation_terms(self.premises).free_of_charge

    @computed_field(title="Срок по закону")  # type: ignore[prop-decorator]
    @property
    def statutory_term(self) -> str:
        return f"не позднее {installation_terms(self.premises).term_months} месяцев с даты заявки"

    @computed_field(title="Что нужно знать")  # type: ignore[prop-decorator]
    @property
    def notice(self) -> str:
        return installation_terms(self.premises).notice


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


# ---------------------------------------------------------------- «Сообщение об отсутствии электроэнергии»

NO_POWER_EXTENT_LABELS = {
    "house": "Во всём доме",
    "street": "На всей улице",
    "settlement": "Во всём населённом пункте",
    "unknown": "Не знаю",
}
NO_POWER_DANGER_LABELS = {
    "none": "Опасности не видно",
    "wire_down": "Оборван или лежит на земле провод",
    "sparks": "Искрит, горит или дымит оборудование",
    "other": "Другое",
}
ClockTime = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^([01]?\d|2[0-3])[:.][0-5]\d$")]


class NoPowerFields(TypeFields):
    supply_address: Line = Field(
        title="Адрес, где нет электроэнергии",
        description="Выберите объект из «Мои объекты» или укажите адрес",
        json_schema_extra=FROM_OBJECT_ADDRESS,
    )
    account_number: AccountNumber | None = Field(
        default=None, title="Лицевой счёт", json_schema_extra={"x-object": "account_number"}
    )
    since_date: PastDate = Field(title="С какого дня нет электроэнергии")
    since_time: ClockTime | None = Field(
        default=None, title="Примерно с какого времени", description="ЧЧ:ММ, например 7:30"
    )
    extent: Literal["house", "street", "settlement", "unknown"] = Field(
        title="Где нет электроэнергии", json_schema_extra=one_of(NO_POWER_EXTENT_LABELS)
    )
    danger: Literal["none", "wire_down", "sparks", "other"] = Field(
        title="Видна ли опасность",
        description=NO_POWER_DANGER_ADVICE,
        json_schema_extra=one_of(NO_POWER_DANGER_LABELS),
    )
    details: LongText | None = Field(
        default=None, title="Подробности", description="Что видно и слышно: хлопок, свет у соседей и т. п."
    )
