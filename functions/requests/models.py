"""Requests and answers of the service requests API («Заявки»).

The request types are the registry `REQUEST_KINDS`: one entry per type (code, Russian title, its
fields model, default review days, description), in the order the site shows them. Everything else
derives from it: the `RequestType` enum, one model per type (`fields` typed by its model) and their
union discriminated by `type` (what the API validates and documents), `TYPE_TITLES`, `FIELDS_OF`,
the labels of validation messages, `/api/requests/types` and the review days (settings.py). Field
titles are the Russian labels: they name the field in validation messages and label the inputs of
the form the site renders from the type's JSON schema.
"""

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any, Literal, Union

from pydantic import (
    AfterValidator,
    AliasChoices,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    create_model,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError
from stdnum.ru import inn as stdnum_inn
from stdnum.ru import ogrn as stdnum_ogrn

from functions.common.clock import moscow_today
from functions.common.fields import AccountNumber, Phone
from functions.common.labels import field_labels
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

MAX_ATTACHMENTS = 5
MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_POWER_KW = Decimal(15000)

# Accepted attachments: the content type and the file name endings that go with it.
FILE_TYPES: Mapping[str, tuple[str, ...]] = {
    "application/pdf": (".pdf",),
    "image/jpeg": (".jpg", ".jpeg"),
    "image/png": (".png",),
    "image/tiff": (".tif", ".tiff"),
}
FILE_TYPES_TEXT = "PDF, JPEG, PNG или TIFF"


# ---------------------------------------------------------------- reusable field types


def _one_of(labels: Mapping[str, str]) -> dict[str, Any]:
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
MeterNumber = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=30, pattern=r"^[0-9A-Za-zА-Яа-я\-/]+$"),
]
CADASTRAL_PATTERN = r"^\d{2}:\d{2}:\d{6,7}:\d{1,6}$"

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


class _Fields(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")


class ConnectionFields(_Fields):
    """An application for technological connection as ПП № 861 wants it (п. 9: what it states; п. 10:
    what it attaches). The rules that depend on the applicant category or kind are rows of
    `connection_rules.CATEGORY_RULES` and `APPLICANT_RULES`, judged in `_by_the_rules`."""

    applicant_kind: ApplicantKind = Field(
        title="Заявитель", json_schema_extra=_one_of({k: r.title for k, r in APPLICANT_RULES.items()})
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
    ogrn: Annotated[str, StringConstraints(pattern=r"^\d{13}(?:\d{2})?$")] | None = Field(
        default=None,
        title="ОГРН или ОГРНИП",
        description="Номер записи в ЕГРЮЛ (13 цифр) или ЕГРИП (15 цифр), с контрольной цифрой",
    )
    inn: Annotated[str, StringConstraints(pattern=r"^\d{10}(?:\d{2})?$")] | None = Field(
        default=None,
        title="ИНН",
        description="10 цифр у организации, 12 у предпринимателя, с контрольными цифрами",
    )
    object_name: Line = Field(title="Наименование объекта", description="Например, жилой дом, гараж, магазин")
    object_address: Line = Field(title="Адрес объекта", json_schema_extra=FROM_OBJECT_ADDRESS)
    cadastral_number: (
        Annotated[str, StringConstraints(strip_whitespace=True, pattern=CADASTRAL_PATTERN)] | None
    ) = Field(
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
        Field(title="Причина обращения", json_schema_extra=_one_of(CONNECTION_REASON_LABELS))
    )
    applicant_category: ApplicantCategory = Field(
        title="Категория заявителя по мощности",
        description="Определяет порядок присоединения и перечень документов (ПП № 861)",
        json_schema_extra={
            **_one_of({k: r.title for k, r in CATEGORY_RULES.items()}),
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
        title="Уровень напряжения", json_schema_extra=_one_of(VOLTAGE_LABELS)
    )
    reliability_category: Literal["I", "II", "III"] = Field(
        title="Категория надёжности", json_schema_extra=_one_of(RELIABILITY_LABELS)
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
    """ОГРН/ОГРНИП and ИНН of the applicant's kind: their length and check digits (python-stdnum)."""
    problems: list[tuple[str, str]] = []
    kind = fields.applicant_kind
    if fields.ogrn is not None and kind in OGRN_LENGTH:
        expected = OGRN_LENGTH[kind]
        if len(fields.ogrn) != expected or not stdnum_ogrn.is_valid(fields.ogrn):
            problems.append(
                (
                    "ogrn",
                    f"{'ОГРНИП' if expected == 15 else 'ОГРН'}: {expected} цифр с верной контрольной "
                    f"цифрой — проверьте по выписке из реестра.",
                )
            )
    if fields.inn is not None and kind in INN_LENGTH:
        expected = INN_LENGTH[kind]
        if len(fields.inn) != expected or not stdnum_inn.is_valid(fields.inn):
            problems.append(
                ("inn", f"ИНН: {expected} цифр с верными контрольными цифрами — проверьте по свидетельству.")
            )
    return problems


class MeterReadingFields(_Fields):
    address: Line = Field(title="Адрес установки прибора учёта", json_schema_extra=FROM_OBJECT_ADDRESS)
    account_number: AccountNumber = Field(
        title="Лицевой счёт", json_schema_extra={"x-object": "account_number"}
    )
    reason: Literal["control", "dispute", "owner_change", "other"] = Field(
        title="Причина обращения", json_schema_extra=_one_of(READING_REASON_LABELS)
    )
    meter_number: MeterNumber = Field(title="Номер прибора учёта")
    meter_model: Line | None = Field(default=None, title="Модель прибора учёта")
    reading_date: FutureDate = Field(title="Желаемая дата снятия показаний")
    contact_phone: Phone | None = Field(
        default=None, title="Телефон для связи", description="Если отличается от указанного при регистрации"
    )


class MeterAdmissionFields(_Fields):
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
        title="Удобное время", json_schema_extra=_one_of(TIME_SLOT_LABELS)
    )


class MeterInstallationFields(_Fields):
    supply_point_address: Line = Field(title="Адрес точки поставки", json_schema_extra=FROM_OBJECT_ADDRESS)
    work: Literal["install", "replace"] = Field(
        title="Вид работ", json_schema_extra=_one_of(METER_WORK_LABELS)
    )
    reason: Literal["no_meter", "broken", "verification_expired", "other"] = Field(
        title="Причина обращения", json_schema_extra=_one_of(INSTALLATION_REASON_LABELS)
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


class UnmeteredConsumptionFields(_Fields):
    kind: Literal["non_contractual", "unmetered", "unknown"] = Field(
        title="Вид нарушения", json_schema_extra=_one_of(CONSUMPTION_LABELS)
    )
    place: Line = Field(title="Место выявления (адрес)")
    detected_on: PastDate = Field(title="Дата выявления")
    description: LongText = Field(
        title="Описание нарушения",
        description="Что именно обнаружено: подключение в обход прибора учёта и т. п.",
    )
    violator: Line | None = Field(default=None, title="Сведения о нарушителе", description="Если известны")


class GridTheftFields(_Fields):
    incident: Literal["theft", "damage", "theft_and_damage"] = Field(
        title="Что произошло", json_schema_extra=_one_of(INCIDENT_LABELS)
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


# ---------------------------------------------------------------- the request types


@dataclass(frozen=True)
class RequestKind:
    """One request type: everything the portal knows of it."""

    code: str  # the `type` of the API and of stored requests: never changes once used
    title: str  # the tile, the form's heading, lists, mails
    fields: type[_Fields]  # its own fields: validation, OpenAPI, the form and the detail page
    review_days: int  # working days to review it, unless the template's RequestReviewDays names it
    description: str  # what it is for (OpenAPI, /api/requests/types)


# The request types, in the order the site shows them. A new type is one entry here and its fields
# model above (README, "Adding a request type"); everything below derives from this tuple.
REQUEST_KINDS: tuple[RequestKind, ...] = (
    RequestKind(
        code="connection",
        title="Заявка на технологическое присоединение к электрическим сетям",
        fields=ConnectionFields,
        review_days=15,
        description="Присоединение энергопринимающих устройств к сетям компании: новое, увеличение "
        "максимальной мощности, изменение схемы внешнего электроснабжения или временное.",
    ),
    RequestKind(
        code="meter_reading",
        title="Заявка на снятие показаний прибора учёта э/э",
        fields=MeterReadingFields,
        review_days=5,
        description="Выезд сотрудника, чтобы снять показания прибора учёта в выбранный день.",
    ),
    RequestKind(
        code="meter_admission",
        title="Заявка на осуществление допуска в эксплуатацию прибора учёта",
        fields=MeterAdmissionFields,
        review_days=10,
        description="Допуск установленного прибора учёта в эксплуатацию: проверка и опломбирование.",
    ),
    RequestKind(
        code="meter_installation",
        title="Заявка на оборудование точки поставки прибором учёта (либо его замена)",
        fields=MeterInstallationFields,
        review_days=10,
        description="Установка прибора учёта в точке поставки или замена установленного.",
    ),
    RequestKind(
        code="unmetered_consumption",
        title="Заявление о бездоговорном (безучётном) потреблении э/э",
        fields=UnmeteredConsumptionFields,
        review_days=5,
        description="Сообщение о потреблении электроэнергии без договора или в обход прибора учёта.",
    ),
    RequestKind(
        code="grid_theft",
        title="Хищение объектов электросетевого хозяйства",
        fields=GridTheftFields,
        review_days=3,
        description="Сообщение о хищении или повреждении проводов, опор и другого имущества сетей. "
        + DANGER_ADVICE,
    ),
)

if TYPE_CHECKING:

    class RequestType(StrEnum):
        """A code of `REQUEST_KINDS` (mypy cannot see members made from a tuple at run time)."""

else:
    RequestType = StrEnum(
        "RequestType", [(kind.code.upper(), kind.code) for kind in REQUEST_KINDS], module=__name__
    )

KIND_OF: Mapping[RequestType, RequestKind] = {RequestType(kind.code): kind for kind in REQUEST_KINDS}
TYPE_TITLES: Mapping[RequestType, str] = {code: kind.title for code, kind in KIND_OF.items()}

RequestText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]
UploadKey = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=400)]


def _distinct(keys: list[str]) -> list[str]:
    if len(set(keys)) != len(keys):
        raise PydanticCustomError("attachments_repeated", "Один и тот же файл приложен дважды.")
    return keys


Attachments = Annotated[list[UploadKey], Field(max_length=MAX_ATTACHMENTS), AfterValidator(_distinct)]


class NewRequestBase(BaseModel):
    """What every request has; each type's model fixes `type` to its code and `fields` to its model."""

    model_config = ConfigDict(extra="forbid")

    text: RequestText = Field(title="Текст заявки")
    attachments: Attachments = Field(default_factory=list, title="Файлы")
    type: str
    fields: _Fields


def _request_model(kind: RequestKind) -> type[NewRequestBase]:
    """The request of one type, named like `ConnectionRequest` and titled in Russian in OpenAPI."""
    tag: Any = Literal[kind.code]  # `type` is exactly this code: the union's discriminator
    return create_model(
        "".join(word.title() for word in kind.code.split("_")) + "Request",
        __base__=NewRequestBase,
        __module__=__name__,
        __doc__=kind.description,
        __cls_kwargs__={"title": kind.title},
        type=(tag, Field(title="Тип заявки")),
        fields=(kind.fields, Field(title="Дополнительные поля")),
    )


REQUEST_MODELS: Mapping[RequestType, type[NewRequestBase]] = {
    code: _request_model(kind) for code, kind in KIND_OF.items()
}
FIELDS_OF: Mapping[RequestType, type[_Fields]] = {code: kind.fields for code, kind in KIND_OF.items()}
TYPE_TAGS = frozenset(RequestType)

if TYPE_CHECKING:
    NewRequest = NewRequestBase  # what the code reads of any request
else:
    # What the API validates and documents: one of the types' models, chosen by `type` (a `oneOf`
    # with a discriminator). `Union[...]` because `|` cannot join a tuple made at run time.
    NewRequest = Annotated[Union[tuple(REQUEST_MODELS.values())], Field(discriminator="type")]  # noqa: UP007


# ---------------------------------------------------------------- statuses


class RequestStatus(StrEnum):
    REGISTERED = "registered"
    IN_REVIEW = "in_review"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    REJECTED = "rejected"
    NEEDS_INFO = "needs_info"
    WITHDRAWN = "withdrawn"


STATUS_TITLES: Mapping[RequestStatus, str] = {
    RequestStatus.REGISTERED: "Зарегистрирована",
    RequestStatus.IN_REVIEW: "На рассмотрении",
    RequestStatus.IN_PROGRESS: "В работе",
    RequestStatus.DONE: "Выполнена",
    RequestStatus.REJECTED: "Отклонена",
    RequestStatus.NEEDS_INFO: "Требуются уточнения",
    RequestStatus.WITHDRAWN: "Отозвана",
}


# ---------------------------------------------------------------- answers


class RequestTypeOutput(BaseModel):
    code: RequestType
    title: str
    description: str = Field(description="Для чего эта заявка")
    review_working_days: int = Field(description="Ориентировочный срок рассмотрения, рабочих дней")
    fields_schema: dict[str, Any] = Field(description="JSON Schema дополнительных полей типа")


class RequestTypesOutput(BaseModel):
    types: list[RequestTypeOutput]


class UploadRequest(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    content_type: str = Field(title="Тип файла", json_schema_extra={"enum": list(FILE_TYPES)})
    filename: Annotated[str, StringConstraints(min_length=1, max_length=200)] = Field(title="Имя файла")
    size: int = Field(title="Размер файла", gt=0, json_schema_extra={"maximum": MAX_FILE_BYTES})

    @field_validator("content_type")
    @classmethod
    def _accepted_type(cls, value: str) -> str:
        value = value.lower()
        if value not in FILE_TYPES:
            raise PydanticCustomError("file_type_refused", f"Можно приложить только файлы {FILE_TYPES_TEXT}.")
        return value

    @field_validator("filename")
    @classmethod
    def _name_matches_type(cls, value: str, info: ValidationInfo) -> str:
        endings = FILE_TYPES.get(info.data.get("content_type", ""))
        if endings and not value.lower().endswith(endings):
            raise PydanticCustomError(
                "file_name_mismatch",
                f"Имя файла должно оканчиваться на {' или '.join(endings)}, как положено файлу этого типа.",
            )
        return value

    @field_validator("size")
    @classmethod
    def _small_enough(cls, value: int) -> int:
        if value > MAX_FILE_BYTES:
            raise PydanticCustomError(
                "file_too_big", "Файл больше 10 МБ: уменьшите его или разделите на части."
            )
        return value


class UploadForm(BaseModel):
    """A presigned POST: the browser sends `fields` and then the file (as `file`) to `url`."""

    url: str
    fields: dict[str, str]
    key: str = Field(description="Ключ файла: его передают в attachments при создании заявки")
    expires_in: int = Field(description="Форма действует столько секунд")
    max_size: int


class RequestCreated(BaseModel):
    id: str
    number: str
    status: RequestStatus
    status_title: str
    created_at: datetime
    review_deadline: date


class HistoryEntry(BaseModel):
    status: RequestStatus
    status_title: str
    at: datetime
    comment: str | None = None


# ---------------------------------------------------------------- who changed a request

# The actors of a request's history, set by the portal only: the consumer (who files it) and the
# company's systems, each by the API key its change came with. A client of the integration API may
# name its operator (kept apart, in `operator`), never the actor.
CONSUMER_ACTOR = "consumer"
API_KEY_ACTOR_PREFIX = "api-key:"
UNKNOWN_KEY_ACTOR = f"{API_KEY_ACTOR_PREFIX}unknown"
# Cyrillic letters that look like Latin ones: «соnsumer» typed with them is still «consumer».
_LOOKALIKES = str.maketrans("асеікмнорстухАВСЕІКМНОРСТХ", "aceikmhopctyxABCEIKMHOPCTX")
_RESERVED_NAMES = frozenset({CONSUMER_ACTOR, "потребитель"})


def is_reserved_actor(name: str) -> bool:
    """Whether `name` is, or passes for, a value the portal sets itself (consumer, api-key:…)."""
    folded = unicodedata.normalize("NFKC", name).casefold()
    squeezed = re.sub(r"[\W_]+", "", folded)  # "c o n s u m e r", "api_key-1"
    return any(
        word in _RESERVED_NAMES or word.startswith("apikey")
        for word in (squeezed, squeezed.translate(_LOOKALIKES))
    )


def integration_actor(api_key_id: str | None) -> str:
    """The actor of a change made with the API key `api_key_id` (API Gateway's id of the key)."""
    return f"{API_KEY_ACTOR_PREFIX}{api_key_id or 'unknown'}"


def _operator_name(value: str) -> str:
    if is_reserved_actor(value):
        raise PydanticCustomError(
            "operator_reserved",
            "Укажите сотрудника или систему компании, например «CRM: Петрова А. В.»: «consumer», "
            "«потребитель» и «api-key:…» портал записывает в историю сам.",
        )
    return value


OperatorName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=100),
    AfterValidator(_operator_name),
]


class IntegrationHistoryEntry(HistoryEntry):
    changed_by: str = Field(
        pattern=rf"^({CONSUMER_ACTOR}|{API_KEY_ACTOR_PREFIX}.+)$",
        description="Кто изменил; записывает портал, не клиент API: consumer — потребитель (подача "
        "заявки), api-key:<id> — система компании с ключом интеграции <id>",
    )
    operator: str | None = Field(
        default=None,
        description="Сотрудник или система компании, которых назвал клиент API (поле operator изменения)",
    )


class Attachment(BaseModel):
    """A filed file as the request keeps it: `key` is the request's own copy (`requests/<id>/<n>`),
    made from the very version of the upload `upload` that was checked; size and type are the
    checked ones, `sha256` (hex) the copy's checksum computed by S3."""

    key: str
    filename: str
    content_type: str
    size: int
    upload: str | None = None
    version_id: str | None = None
    sha256: str | None = None


class AttachmentLink(BaseModel):
    filename: str
    content_type: str
    size: int
    url: str = Field(description="Короткоживущая ссылка для скачивания")


class FieldRow(BaseModel):
    name: str
    title: str
    value: str = Field(description="Значение для показа человеку, по-русски")


class RequestSummary(BaseModel):
    id: str
    number: str
    type: RequestType
    type_title: str
    status: RequestStatus
    status_title: str
    created_at: datetime
    review_deadline: date


class RequestPage(BaseModel):
    items: list[RequestSummary]
    cursor: str | None = Field(
        default=None, description="Передайте в ?cursor=, чтобы получить следующую страницу"
    )


class RequestDetail(RequestSummary):
    text: str
    fields: dict[str, Any]
    field_rows: list[FieldRow]
    attachments: list[AttachmentLink]
    history: list[HistoryEntry]
    updated_at: datetime


class IntegrationRequest(RequestDetail):
    """A request as the company's systems see it: with the consumer's id and email."""

    history: list[IntegrationHistoryEntry]  # type: ignore[assignment]
    user_id: str
    email: str
    awaiting_answer_since: datetime | None = Field(
        default=None,
        description="Когда потребитель написал сообщение, на которое компания ещё не ответила "
        "(самое раннее из неотвеченных); null — неотвеченных сообщений нет",
    )


class IntegrationPage(BaseModel):
    items: list[IntegrationRequest]
    cursor: str | None = None


def _comment(value: str) -> str:
    return re.sub(r"[ \t]+", " ", value).strip()


class StatusChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: RequestStatus = Field(title="Статус")
    comment: Annotated[str, StringConstraints(max_length=2000), AfterValidator(_comment)] | None = Field(
        default=None, title="Комментарий"
    )
    operator: OperatorName | None = Field(
        default=None,
        validation_alias=AliasChoices("operator", "changed_by"),
        title="Сотрудник",
        description="Кто в компании сделал изменение, для истории, например «CRM: Петрова А. В.». "
        "Изменившим заявку (changed_by) история всегда называет ключ интеграции (api-key:<id>); "
        "«consumer», «потребитель» и «api-key:…» здесь не принимаются. Прежнее имя поля, changed_by, "
        "тоже принимается.",
    )


# ---------------------------------------------------------------- the conversation on a request

MAX_MESSAGE_LENGTH = 5000
THREAD_PAGE = 100  # messages per page of a thread, oldest first


class MessageAuthor(StrEnum):
    CONSUMER = "consumer"
    COMPANY = "company"


AUTHOR_TITLES: Mapping[MessageAuthor, str] = {
    MessageAuthor.CONSUMER: "Потребитель",
    MessageAuthor.COMPANY: "Сетевая компания",
}

# The kinds of documents the company sends on a request (the codes never change once used).
DOCUMENT_KIND_TITLES: Mapping[str, str] = {
    "technical_conditions": "Технические условия",
    "contract": "Договор",
    "invoice": "Счёт",
    "act": "Акт",
    "other": "Другое",
}
DocumentKind = Literal["technical_conditions", "contract", "invoice", "act", "other"]


def _message_text(value: object) -> object:
    """A message's text, refused in words of its own: «text» of the requests API is the request's."""
    if not isinstance(value, str):
        raise PydanticCustomError("message_text_type", "Текст сообщения должен быть строкой.")
    value = value.strip()
    if len(value) > MAX_MESSAGE_LENGTH:
        raise PydanticCustomError(
            "message_text_too_long", f"Сообщение длиннее {MAX_MESSAGE_LENGTH} знаков: сократите его."
        )
    return value


MessageText = Annotated[str, BeforeValidator(_message_text), StringConstraints(max_length=MAX_MESSAGE_LENGTH)]


class NewMessage(BaseModel):
    """The consumer's message on their request: a text, files, or both."""

    model_config = ConfigDict(extra="forbid")

    attachments: Attachments = Field(default_factory=list, title="Файлы")
    text: MessageText = Field(
        default="",
        validate_default=True,
        description="Текст сообщения, до 5000 знаков; может быть пустым, если приложен файл",
    )

    @field_validator("text")
    @classmethod
    def _says_something(cls, value: str, info: ValidationInfo) -> str:
        if not value and "attachments" in info.data and not info.data["attachments"]:
            raise PydanticCustomError("message_empty", "Напишите сообщение или приложите файл.")
        return value


class CompanyMessage(NewMessage):
    """The company's message on a request: a text, or a document (files of one kind), or both."""

    kind: DocumentKind | None = Field(
        default=None,
        validate_default=True,
        title="Вид документа",
        description="Обязателен, если приложены файлы, и не указывается без них",
        json_schema_extra=_one_of(DOCUMENT_KIND_TITLES),
    )
    operator: OperatorName | None = Field(
        default=None,
        title="Сотрудник",
        description="Кто в компании написал, например «CRM: Петрова А. В.»; автором в истории портал "
        "всегда записывает ключ интеграции",
    )

    @field_validator("kind")
    @classmethod
    def _kind_goes_with_files(cls, value: str | None, info: ValidationInfo) -> str | None:
        if "attachments" not in info.data:
            return value
        if info.data["attachments"] and value is None:
            raise PydanticCustomError(
                "kind_missing", "Укажите вид документа: файлы без вида не отправляются."
            )
        if not info.data["attachments"] and value is not None:
            raise PydanticCustomError("kind_without_files", "Вид документа указывают вместе с файлами.")
        return value


class Withdrawal(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: LongText = Field(title="Причина отзыва")


class ThreadMessage(BaseModel):
    id: str
    author: MessageAuthor
    author_title: str
    text: str
    kind: DocumentKind | None = None
    kind_title: str | None = Field(default=None, description="Вид документа по-русски")
    attachments: list[AttachmentLink]
    at: datetime


class Thread(BaseModel):
    """A request's messages, oldest first."""

    items: list[ThreadMessage]
    cursor: str | None = Field(
        default=None, description="Передайте в ?cursor=, чтобы получить следующие сообщения"
    )


class MessageSent(BaseModel):
    message: ThreadMessage
    status: RequestStatus = Field(description="Статус заявки после сообщения")
    status_title: str


class IntegrationMessage(ThreadMessage):
    changed_by: str = Field(
        pattern=rf"^({CONSUMER_ACTOR}|{API_KEY_ACTOR_PREFIX}.+)$",
        description="Кто написал; записывает портал: consumer — потребитель, api-key:<id> — система "
        "компании с ключом интеграции <id>",
    )
    operator: str | None = None


class IntegrationRequestThread(IntegrationRequest):
    """A request with its whole conversation (download links of every file, 5 minutes)."""

    messages: list[IntegrationMessage]


# ---------------------------------------------------------------- labels for validation messages

# Errors name a field without its type (fields.x): a name must mean one thing in every type.
LABELS = field_labels(
    *REQUEST_MODELS.values(),
    UploadRequest,
    StatusChange,
    CompanyMessage,
    Withdrawal,
    also={
        "cursor": "Курсор",
        "limit": "Размер страницы",
        "since": "Начиная с",
        "unanswered": "Ждут ответа",
        "Idempotency-Key": "Idempotency-Key",
        **{f"attachments.{index}": f"Файл {index + 1}" for index in range(MAX_ATTACHMENTS + 5)},
    },
)
