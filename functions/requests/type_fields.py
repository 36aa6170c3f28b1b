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
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from functions.common.clock import moscow_today
from functions.common.fields import (
    AccountNumber,
    CadastralNumber,
    Inn,
    MeterNumber,
    Ogrn,
    Phone,
    inn_rule,
    ogrn_rule,
)
from functions.requests.connection_rules import (
    APPLICANT_RULES,
    CATEGORY_RULES,
    INN_LENGTH,
    OGRN_LENGTH,
    REQUISITE_FIELDS,
    ApplicantCategory,
    ApplicantKind,
    documents_for,
)

MAX_POWER_KW = Decimal(15000)

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
CONNECTION_REASON_LABELS = {
    "new": "Новое присоединение",
    "power_increase": "Увеличение максимальной мощности",
    "scheme_change": "Изменение схемы внешнего электроснабжения",
    # ПП № 861, п. 2: a change not revising the maximum power still needs the procedure.
    "reliability_or_points_change": "Изменение категории надёжности, точек присоединения",
    "temporary": "Временное присоединение",
}
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


class ConnectionFields(TypeFields):
    """An application for technological connection as ПП № 861 wants it (п. 9: what it states; п. 10:
    what it attaches). The rules that depend on the applicant category or kind are rows of
    `connection_rules.CATEGORY_RULES` and `APPLICANT_RULES`, judged in `_by_the_rules`."""

    applicant_kind: ApplicantKind = Field(
        title="Заявитель", json_schema_extra=one_of({k: r.title for k, r in APPLICANT_RULES.items()})
    )
    passport_series: Annotated[str, StringConstraints(pattern=r"^\d{4}$")] | None = Field(
        default=None, title="Серия паспорта", description="Для физического лица: 4 цифры"
    )
    passport_number: Annotated[str, StringConstraints(pattern=r"^\d{6}$")] | None = Field(
        default=None, title="Номер паспорта", description="Для физического лица: 6 цифр"
    )
    passport_issued_on: PastDate | None = Field(default=None, title="Дата выдачи паспорта")
    passport_issued_by: Line | None = Field(default=None, title="Кем выдан паспорт")
    organisation_name: Line | None = Field(
        default=None, title="Полное наименование организации", description="Для юридического лица"
    )
    ogrn: Ogrn | None = Field(
        default=None,
        title="ОГРН или ОГРНИП",
        description="Номер записи в ЕГРЮЛ (13 цифр) или ЕГРИП (15 цифр), с контрольной цифрой",
    )
    inn: Inn | None = Field(
        default=None,
        title="ИНН",
        description="10 цифр у организации, 12 у предпринимателя, с контрольными цифрами",
    )
    object_name: Line = Field(title="Наименование объекта", description="Например, жилой дом, гараж, магазин")
    object_address: Line = Field(title="Адрес объекта", json_schema_extra=FROM_OBJECT_ADDRESS)
    cadastral_number: CadastralNumber | None = Field(
        default=None,
        title="Кадастровый номер",
        description="Земельного участка или объекта, например 77:01:0001001:1234; если его нет — "
        "документ о праве на объект",
        json_schema_extra={"x-object": "cadastral_number"},
    )
    title_document: Line | None = Field(
        default=None,
        title="Документ о праве на объект",
        description="Если кадастрового номера нет (гараж, помещение в многоквартирном доме): например, "
        "договор аренды № 12 от 01.03.2024",
    )
    reason: Literal["new", "power_increase", "scheme_change", "reliability_or_points_change", "temporary"] = (
        Field(title="Причина обращения", json_schema_extra=one_of(CONNECTION_REASON_LABELS))
    )
    applicant_category: ApplicantCategory = Field(
        title="Категория заявителя по мощности",
        description="Определяет порядок присоединения и перечень документов (ПП № 861)",
        json_schema_extra={
            **one_of({k: r.title for k, r in CATEGORY_RULES.items()}),
            "x-documents": {
                category: {kind: list(documents_for(category, kind)) for kind in APPLICANT_RULES}
                for category in CATEGORY_RULES
            },
        },
    )
    max_power_kw: Decimal = Field(
        title="Максимальная мощность, кВт",
        description="Запрашиваемая мощность с учётом уже присоединённой, не больше 15 000 кВт",
        gt=0,
        le=MAX_POWER_KW,
        max_digits=8,
        decimal_places=3,
    )
    existing_power_kw: Decimal | None = Field(
        default=None,
        validate_default=True,
        title="Ранее присоединённая мощность, кВт",
        description="Только для увеличения мощности",
        ge=0,
        le=MAX_POWER_KW,
        max_digits=8,
        decimal_places=3,
    )
    voltage_kv: Literal["0.22", "0.4", "6", "10", "20", "35", "110"] = Field(
        title="Уровень напряжения", json_schema_extra=one_of(VOLTAGE_LABELS)
    )
    reliability_category: Literal["I", "II", "III"] = Field(
        title="Категория надёжности", json_schema_extra=one_of(RELIABILITY_LABELS)
    )
    design_until: FutureDate | None = Field(
        default=None,
        title="Срок проектирования",
        description="Планируемый срок проектирования (ПП № 861, п. 9, пп. «ж»); не нужен до 15 кВт",
    )
    commissioning_until: FutureDate | None = Field(
        default=None,
        title="Срок ввода в эксплуатацию",
        description="Планируемый срок ввода в эксплуатацию, не раньше проектирования; не нужен до 15 кВт",
    )
    guaranteeing_supplier: Line = Field(
        title="Гарантирующий поставщик",
        description="С кем планируется договор энергоснабжения (ПП № 861, п. 9, пп. «и»)",
    )

    @field_validator("existing_power_kw")
    @classmethod
    def _increase_names_the_existing_power(
        cls, value: Decimal | None, info: ValidationInfo
    ) -> Decimal | None:
        if info.data.get("reason") != "power_increase":
            return value
        if value is None:
            raise PydanticCustomError("existing_power_missing", "Укажите ранее присоединённую мощность.")
        requested = info.data.get("max_power_kw")
        if requested is not None and value >= requested:
            raise PydanticCustomError(
                "existing_power_too_big",
                "При увеличении мощности ранее присоединённая должна быть меньше запрашиваемой.",
            )
        return value

    @model_validator(mode="after")
    def _by_the_rules(self) -> "ConnectionFields":
        """The rules of the applicant's kind and category, every broken one named on its field."""
        found = [
            InitErrorDetails(type=PydanticCustomError("connection_rule", message), loc=(name,), input=None)
            for name, message in connection_problems(self)
        ]
        if found:
            raise ValidationError.from_exception_data("ConnectionFields", found)
        return self


def connection_problems(fields: ConnectionFields) -> list[tuple[str, str]]:
    """(field, what to fix) for each rule of ПП № 861 the application breaks, looked up in the rows
    of `connection_rules`."""
    return [
        *_requisites(fields),
        *_registry_numbers(fields),
        *_category(fields),
        *_stages(fields),
        *_title(fields),
    ]


def _requisites(fields: ConnectionFields) -> list[tuple[str, str]]:
    applicant = APPLICANT_RULES[fields.applicant_kind]
    who = applicant.title.lower()
    problems: list[tuple[str, str]] = []
    for name in REQUISITE_FIELDS:
        given = getattr(fields, name) is not None
        if name in applicant.required and not given:
            problems.append((name, f"Обязательно для заявителя — {who} (ПП № 861, п. 9, пп. «а»)."))
        elif name not in applicant.required and given:
            problems.append((name, f"Не заполняйте для заявителя — {who}."))
    return problems


def _category(fields: ConnectionFields) -> list[tuple[str, str]]:
    rule = CATEGORY_RULES[fields.applicant_category]
    power = fields.max_power_kw
    problems: list[tuple[str, str]] = []
    above_top = power >= rule.power_up_to_kw if rule.up_to_exclusive else power > rule.power_up_to_kw
    if power <= rule.power_above_kw or above_top:
        problems.append(
            (
                "max_power_kw",
                f"Мощность {format(power.normalize(), 'f').replace('.', ',')} кВт не относится к категории "
                f"«{rule.title}»: "
                f"выберите категорию по мощности.",
            )
        )
    if fields.reliability_category not in rule.reliability:
        allowed = ", ".join(rule.reliability)
        problems.append(
            (
                "reliability_category",
                f"Для категории «{rule.title}» — категория надёжности {allowed} ({rule.clause}).",
            )
        )
    return problems


def _stages(fields: ConnectionFields) -> list[tuple[str, str]]:
    rule = CATEGORY_RULES[fields.applicant_category]
    problems: list[tuple[str, str]] = []
    if rule.stages_required:
        problems += [
            (
                name,
                f"Укажите планируемый срок: обязателен для категории «{rule.title}» "
                f"(ПП № 861, п. 9, пп. «ж»).",
            )
            for name in ("design_until", "commissioning_until")
            if getattr(fields, name) is None
        ]
    design, commissioning = fields.design_until, fields.commissioning_until
    if design and commissioning and commissioning < design:
        problems.append(
            ("commissioning_until", "Ввод в эксплуатацию не может быть раньше окончания проектирования.")
        )
    return problems


def _title(fields: ConnectionFields) -> list[tuple[str, str]]:
    if fields.cadastral_number is not None or fields.title_document is not None:
        return []
    return [
        (
            "title_document",
            "Укажите кадастровый номер или, если его нет, документ о праве на объект "
            "(ПП № 861, п. 10, пп. «г»).",
        )
    ]


def _registry_numbers(fields: ConnectionFields) -> list[tuple[str, str]]:
    """ОГРН/ОГРНИП and ИНН of the length the applicant's kind has (their digits and check digits are
    the field types' own, `Inn` and `Ogrn`), named with the same words as those."""
    problems: list[tuple[str, str]] = []
    kind = fields.applicant_kind
    if fields.ogrn is not None and kind in OGRN_LENGTH and len(fields.ogrn) != OGRN_LENGTH[kind]:
        problems.append(("ogrn", ogrn_rule(OGRN_LENGTH[kind])))
    if fields.inn is not None and kind in INN_LENGTH and len(fields.inn) != INN_LENGTH[kind]:
        problems.append(("inn", inn_rule(INN_LENGTH[kind])))
    return problems


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


# ---------------------------------------------------------------- «Сообщение об отсутствии электроэнергии»

# A fallen wire makes the ground around its end live (step voltage): keep 8 m away. The distance is
# the one the Правила по охране труда при эксплуатации электроустановок (приказ Минтруда России от
# 15.12.2020 № 903н) keep from a fault to earth outdoors; the point of that edition was not verified
# here (no copy in force at hand). The 24/7 line is the footer's (web/index.html).
NO_POWER_DANGER_ADVICE = (
    "Если провод оборван или лежит на земле — не подходите к нему ближе 8 м и не касайтесь того, что "
    "с ним соприкасается; сначала позвоните по круглосуточному телефону 8 800 000-00-00 или по "
    "номеру 112, сообщение — после этого."
)
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
